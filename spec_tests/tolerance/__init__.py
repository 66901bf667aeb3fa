r"""How far two correct backends may differ: one tolerance per op and dtype, computed from the data.

Two backends that both implement an op correctly still round differently (another
summation order, a fused multiply-add, float64 intermediates, another ``exp``), so
they are compared within a bound, never a loose constant. The bound comes from the
standard rounding-error model: every floating-point operation returns the exact
result of its rounded operands times :math:`(1 + \delta)` with
:math:`|\delta| \le u`, the unit roundoff (:math:`u = 2^{-24}` in float32,
:math:`2^{-53}` in float64, half the machine epsilon). From that:

* a sum or dot product of :math:`K` terms :math:`t_k` is within
  :math:`\gamma_K \sum_k |t_k|` of the exact sum, :math:`\gamma_K = K u / (1 - K u)`,
  whatever the order of the additions (Higham, *Accuracy and Stability of Numerical
  Algorithms*, 2nd ed., §3.1);
* an elementwise function with slope at most :math:`\ell` near its argument turns an
  input error :math:`e` into at most :math:`\ell e`, plus its own rounding.

:class:`Approx` carries both numbers through a computation: the value ``v`` (in
float64, from the exact inputs) and ``e``, a bound on :math:`|\text{result} - \text{exact}|`
for *any* implementation that follows the op's documented formula in the data's dtype
(or better). Two such implementations differ by at most ``2 e``: that is the
tolerance :func:`assert_close` applies. Every op below mirrors the reference's own
formula step by step, so a tolerance is exactly as loose as the arithmetic demands.

Results under the smallest normal number (``tiny``) may be flushed to zero by a fast
backend (denormals are slow, and GPUs flush them under fast math). The drawn data
(0, or magnitudes in [2**-20, a few hundred]) keeps every sum and product far from
that range; only the tails of exp reach it (the sigmoid's, the softmax's, tanh's near
0), so those alone earn ``tiny`` of absolute slack.

Where a conforming backend may follow one of several equally documented formulas
(tanh's derivative as 1 - a^2 or (1 - a)(1 + a); the fused cross entropy's loss as
s lse - sum y_hat z or sum y_hat (lse - z)), each formula gets its own bound and the
comparison uses the widest (:func:`widest`).

The table :data:`TOLERANCES` lists every primitive's bound with its one-line
justification; :data:`U` gives :math:`u` per dtype.

Layout: :mod:`~spec_tests.tolerance.core` holds the model (:data:`U`, :class:`Approx`, the
bounds of sums, products, ``exp`` and ``log``, :func:`assert_close`); each family of
``reference.FAMILIES`` has its module here, named as the family (``activations``,
``losses``, ...), with its primitives' bounds and its own ``TOLERANCES``, which lists
exactly that family's primitives (a test holds each to it). A new family (a convolution
family, say) is a new module here; the package imports each family's module by name, so
one that is missing fails at import. Everything is re-exported here:
``from spec_tests.tolerance import softmax_forward`` and ``T.assert_close`` work as before.
"""

import importlib

from reference import FAMILIES

from .core import *  # noqa: F401,F403  (the model's pieces)
from .activations import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .network import *  # noqa: F401,F403
from .optimize import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .polynomial import *  # noqa: F401,F403
from .regularize import *  # noqa: F401,F403
from .augment import *  # noqa: F401,F403


def _registry() -> dict:
    """Every family's ``TOLERANCES``, merged in the order of ``reference.FAMILIES``."""
    merged = {}
    for family in FAMILIES:
        try:
            module = importlib.import_module(f"{__name__}.{family}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{family}":
                raise
            raise ImportError(f"spec_tests/tolerance/{family}.py is missing: reference.FAMILIES lists the "
                              f"family {family!r}, so its bounds and TOLERANCES belong there") from None
        merged.update(module.TOLERANCES)
    return merged


#: Every primitive's tolerance (the bound of a comparison is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``S`` is the sum of the absolute terms),
#: family by family: the union of the family modules' own ``TOLERANCES``.
TOLERANCES = _registry()
