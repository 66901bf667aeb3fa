"""slidespec's CUDA backend: the reference's primitives as numba-cuda kernels.

Every name of ``reference.FAMILIES`` is here, in the module of its family (named
as in ``reference/``), with the reference's signature, its argument checks (the same
``ValueError`` text) and its numbers (float64 to about 1e-10 relative, float32 to
about 1e-5, both scaled by the terms summed). Nothing compiles at import: each
kernel compiles on its first launch (and, on a GPU, is cached on disk). Without a GPU the same
kernels run on Numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``, set before
Numba is imported): slow, and meant for testing; the first use of the backend
there warns once with :class:`accelerated.SimulatorWarning`.

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

import accelerated as _accelerated
from reference._families import export_families

from ._launch import config, to_device, to_host

# Every name of reference.FAMILIES, from the module of its family (activations.py, losses.py ...).
__all__ = export_families(globals(), "cuda") + ["to_device", "to_host", "config"]

# Imported directly (``from accelerated.cuda import relu_forward``) rather than through
# accelerated.backend("cuda"): the simulator's warning, once per process, is given here.
_accelerated.warn_if_simulated(stacklevel=2)
