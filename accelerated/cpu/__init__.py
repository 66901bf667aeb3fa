"""slidespec's CPU backend: every primitive of :mod:`reference`, compiled with Numba.

Each public function has the reference's name, signature, argument checks (through
:mod:`reference._check`, so errors read the same), dtypes and results; its work
runs in ``@njit(cache=True)`` kernels that fuse the elementwise passes around the
matrix products (which go to BLAS) and, for :func:`~accelerated.cpu.optimize.network_epoch`, :func:`~accelerated.cpu.optimize.mlp_epoch` and
:func:`~accelerated.cpu.optimize.linear_gd`, run the whole training loop without returning to Python. Each
module's docstring says what it fuses and why. The package exports exactly the names of
``reference.FAMILIES``, each from the module of its family (``activations.py``,
``losses.py`` ...; see :mod:`reference._families`).

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
from reference._families import export_families
from reference.network import ACTIVATIONS, OUTPUTS
from reference.optimize import MLP_LOSSES

# Every name of reference.FAMILIES, from the module of its family (activations.py, losses.py ...).
__all__ = export_families(globals(), "cpu") + ["ACTIVATIONS", "OUTPUTS", "MLP_LOSSES", "PRIMITIVES"]
