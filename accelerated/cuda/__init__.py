"""slidespec's CUDA backend: the reference's primitives as numba-cuda kernels.

Every name of ``reference.PRIMITIVES`` is here, in the module of the same name as
in ``reference/``, with the reference's signature, its argument checks (the same
``ValueError`` text) and its numbers (float64 to about 1e-10 relative, float32 to
about 1e-5, both scaled by the terms summed). Nothing compiles at import: each
kernel compiles on its first launch (and, on a GPU, is cached on disk). Without a GPU the same
kernels run on Numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``, set before
Numba is imported): slow, and meant for testing.

>>> import numpy as np
>>> import accelerated
>>> B = accelerated.backend("cuda")                     # doctest: +SKIP
>>> y, _ = B.linear_forward(np.array([[4772.0]]), np.array([0.97]), 100.0)   # doctest: +SKIP

Where results live
------------------
* **Host in, host out.** Called with NumPy arrays (or numbers), a function
  returns NumPy arrays, and scalars as NumPy scalars of the dtype, exactly like the
  reference. The inputs are uploaded for the call; a forward's cache keeps them on
  the device for its backward.
* **Device in, device out.** If any array argument is a device array (from
  :func:`to_device`), array results stay on the device, and so do scalar
  *parameters* and their gradients (``db`` of :func:`linear_backward`,
  :func:`neuron_backward` and :func:`network_backward`, ``b`` of
  :func:`closed_form` and of the parameters :func:`network_epoch` returns, a 0-d
  :func:`gd_step` or :func:`sgd_update`): they come back as 0-d
  device arrays, so that a training loop never makes a round trip. A backward
  returns device arrays when its forward did or when its upstream gradient is a
  device array. Host arguments mixed in are uploaded for the call.
* **The loss is a host scalar.** :func:`mse`, :func:`mae`, :func:`cross_entropy`
  and :func:`softmax_cross_entropy` always return ``L`` as a NumPy scalar (one
  8-byte copy: it is what a loop logs) and the gradient where ``y`` (``z``) is.
  :func:`network_epoch` and :func:`mlp_epoch` take ``order`` on the host and
  upload it once; :func:`mlp_epoch` returns its batch losses as a host array
  (one copy per epoch) and, in device mode, its parameters on the device.

Inputs are never changed, except by an optimizer update called with
``inplace=True`` (:mod:`accelerated.cuda.optimizers`), which writes the new
parameter and state into the arrays it was given, host or device. A device
array a caller sliced into a non-contiguous view is accepted; where a kernel
needs a flat view it is copied once.

Launch settings (threads per block, tile edge) are not parameters: they are
:data:`config` (see :mod:`accelerated.cuda._launch`), small by default under the
simulator.
"""

from ._launch import config, to_device, to_host
from .activations import (hard_sigmoid_backward, hard_sigmoid_forward, leaky_relu_backward,
                          leaky_relu_forward, maxout_backward, maxout_forward, prelu_backward,
                          prelu_forward, relu_backward, relu_forward, sigmoid_backward,
                          sigmoid_forward, softmax_backward, softmax_forward, tanh_backward,
                          tanh_forward)
from .linear import linear_backward, linear_forward
from .losses import cross_entropy, loss_surface, mae, mse, sigmoid_cross_entropy, softmax_cross_entropy
from .network import (dense_backward, dense_forward, mlp_backward, mlp_forward, network_backward,
                      network_forward, neuron_backward, neuron_forward)
from .optimize import closed_form, gd_step, linear_gd, mlp_epoch, network_epoch
from .optimizers import (adadelta_init, adadelta_update, adagrad_init, adagrad_update, adam_init,
                         adam_update, clip_global_norm, lr_schedule, momentum_init, momentum_update,
                         nadam_init, nadam_update, rmsprop_init, rmsprop_update, sgd_init, sgd_update)

__all__ = [
    "sigmoid_forward", "sigmoid_backward", "relu_forward", "relu_backward",
    "hard_sigmoid_forward", "hard_sigmoid_backward",
    "tanh_forward", "tanh_backward", "leaky_relu_forward", "leaky_relu_backward",
    "prelu_forward", "prelu_backward", "maxout_forward", "maxout_backward",
    "softmax_forward", "softmax_backward",
    "linear_forward", "linear_backward",
    "mse", "mae", "loss_surface", "cross_entropy", "softmax_cross_entropy", "sigmoid_cross_entropy",
    "dense_forward", "dense_backward", "network_forward", "network_backward",
    "neuron_forward", "neuron_backward", "mlp_forward", "mlp_backward",
    "closed_form", "gd_step", "linear_gd", "network_epoch",
    "sgd_init", "sgd_update", "mlp_epoch",
    "momentum_init", "momentum_update", "adagrad_init", "adagrad_update",
    "rmsprop_init", "rmsprop_update", "adadelta_init", "adadelta_update",
    "adam_init", "adam_update", "nadam_init", "nadam_update",
    "lr_schedule", "clip_global_norm",
    "to_device", "to_host", "config",
]
