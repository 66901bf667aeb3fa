r"""Bounds of the polynomial family (``reference/polynomial.py``): y = b + sum_i w_i x^i and its gradients.

The powers :math:`x^i` are where the backends differ most: the reference calls ``pow``
(within :data:`POW_U` u of :math:`x^i`, relative), the compiled backends multiply
:math:`i - 1` times (within :math:`\gamma_{i-1} |x|^i`). A bound on either is the sum of
the two, :math:`(\gamma_{i-1} + 8u)|x|^i`; it grows with :math:`|x|^i`, so every later bound
scales with the powers' magnitudes, not with a constant.
"""

from __future__ import annotations

import numpy as np

from .core import Approx, _x, affine, dot, gamma, total

#: Own error of ``pow`` (in units of u), relative to the result: 4 ulp = 8u, as for exp and log.
POW_U = 8.0


def _powers(x: Approx, K: int, start: int = 1) -> Approx:
    """The matrix of powers x^start, ..., x^(start + K - 1) (columns), each within (gamma_{i-1} + POW_U u)|x|^i."""
    i = np.arange(start, start + K)
    v = x.v[:, None] ** i
    e = np.array([gamma(max(k - 1, 0), x.u) + (POW_U * x.u if k > 1 else 0.0) for k in i]) * np.abs(v)
    return Approx(v, e, x.dtype)


def polynomial_forward(x, w, b):
    """b + powers @ w: a (K+1)-term sum of products of the rounded powers."""
    x = _x(x)
    w, b = _x(w, x.dtype), _x(b, x.dtype)
    P = _powers(x, w.v.shape[0])
    y = affine(P, Approx(w.v[None, :], w.e[None, :], x.dtype), b)
    return y[:, 0]


def polynomial_backward(dy, x, w):
    """(dx, dw, db) = (dy * (x^(i-1) @ (i w)), powers.T @ dy, sum(dy))."""
    dy, x = _x(dy), _x(x)
    w = _x(w, x.dtype)
    K = w.v.shape[0]
    coef = Approx(w.v, w.e, x.dtype)
    coef = Approx(coef.v * np.arange(1, K + 1), coef.e * np.arange(1, K + 1), x.dtype)
    coef = coef._rounded(coef.v, coef.e)                   # i * w_i, one rounding
    slope = dot(_powers(x, K, start=0), coef)              # a K-term dot per example
    slope = slope._rounded(slope.v, slope.e)               # a wider accumulator rounded to the dtype once
    dx = dy * slope
    return dx, dot(_powers(x, K).T, dy), total(dy)


#: The tolerance of every primitive of the polynomial family (reference.FAMILIES['polynomial']): its
#: bound, and the bound's one-line justification. A comparison's bound is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``p_i = (gamma_{i-1} + 8u)|x|^i`` bounds a power.
TOLERANCES = {
    "polynomial_forward": ("2 (gamma_{K+1} (|b| + sum_i |w_i| |x|^i) + sum_i |w_i| p_i)",
                           "a (K+1)-term sum of products of powers, each power by pow or by repeated products"),
    "polynomial_backward": ("dx: a K-term dot of (i w_i) with the powers x^(i-1), rounded, times dy; "
                            "dw: 2 (gamma_N sum_n |dy_n| |x_n|^i + sum_n |dy_n| p_i); db: 2 gamma_{N-1} sum |dy|",
                            "the derivative polynomial; an N-term dot with the powers; an N-term sum"),
}
