"""slidespec's CPU backend: every primitive of :mod:`reference`, compiled with Numba.

Each public function has the reference's name, signature, argument checks (through
:mod:`reference._check`, so errors read the same), dtypes and results; its work
runs in ``@njit(cache=True)`` kernels that fuse the elementwise passes around the
matrix products (which go to BLAS) and, for :func:`~accelerated.cpu.optimize.network_epoch`, :func:`~accelerated.cpu.optimize.mlp_epoch` and
:func:`~accelerated.cpu.optimize.linear_gd`, run the whole training loop without returning to Python. Each
module's docstring says what it fuses and why.

>>> import accelerated
>>> B = accelerated.backend("cpu")
>>> y, cache = B.linear_forward(x, w, b)      # doctest: +SKIP

Importing compiles nothing: each kernel compiles on its first call (a few seconds)
and is cached on disk (``__pycache__``) for later runs. The first compilation in a
process prints one line to stderr, ``slidespec: compiling the cpu kernels, once;
cached afterwards`` (:mod:`accelerated.cpu._compile_notice`; ``SLIDESPEC_QUIET=1``
silences it); loading from the cache prints nothing.
"""

from . import _compile_notice

_compile_notice.install()          # before any kernel can compile

from reference import PRIMITIVES
from reference.network import ACTIVATIONS, OUTPUTS
from reference.optimize import MLP_LOSSES

from .activations import (hard_sigmoid_backward, hard_sigmoid_forward, leaky_relu_backward,
                          leaky_relu_forward, maxout_backward, maxout_forward, prelu_backward,
                          prelu_forward, relu_backward, relu_forward, sigmoid_backward,
                          sigmoid_forward, softmax_backward, softmax_forward, tanh_backward,
                          tanh_forward)
from .linear import linear_backward, linear_forward
from .losses import cross_entropy, loss_surface, mae, mse, softmax_cross_entropy
from .network import (dense_backward, dense_forward, mlp_backward, mlp_forward, network_backward,
                      network_forward, neuron_backward, neuron_forward)
from .optimize import closed_form, gd_step, linear_gd, mlp_epoch, network_epoch
from .optimizers import (adadelta_init, adadelta_update, adagrad_init, adagrad_update, adam_init,
                         adam_update, clip_global_norm, lr_schedule, momentum_init, momentum_update,
                         nadam_init, nadam_update, rmsprop_init, rmsprop_update, sgd_init,
                         sgd_update)

__all__ = list(PRIMITIVES) + ["ACTIVATIONS", "OUTPUTS", "MLP_LOSSES", "PRIMITIVES"]
