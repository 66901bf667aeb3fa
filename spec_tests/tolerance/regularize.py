r"""Bounds of the regularize family (``reference/regularize.py``): dropout and the L1 / L2 penalties."""

from __future__ import annotations

import numpy as np

from .core import Approx, _x, gamma


def _scale(dtype, p, inverted):
    """The kept units' factor, rounded once to the dtype (as every backend rounds it): exact data."""
    return np.dtype(dtype).type(1.0 / (1.0 - p) if inverted else 1.0)


def dropout_forward(x, mask, p, inverted=True):
    """a = x * (m * s): m in {0, 1} and s rounded to the dtype first, so m * s is exact and the
    product is one rounding (0 exactly where m = 0)."""
    x = _x(x)
    m = _x(mask, x.dtype)
    ms = Approx.exact(m.v * float(_scale(x.dtype, p, inverted)), x.dtype)
    return x * ms


def dropout_backward(dout, mask, p, inverted=True):
    """dx = dout * (m * s): the forward's bound on the upstream gradient."""
    return dropout_forward(dout, mask, p, inverted)


def l2_penalty(w, lam):
    r"""value = (lam / 2) sum w^2 summed in float64 and rounded once to the dtype; grad = lam w.

    value: the float64 sum of N squares is within :math:`(\gamma_{N-1} + u_{64}) \sum w^2` (each square
    rounds once in float64), the product by lam / 2 adds two float64 roundings, the final conversion
    one rounding of the dtype. grad: lam rounded to the dtype, times w (one more rounding)."""
    w = _x(w)
    u64 = 2.0 ** -53
    S = float(np.sum(w.v * w.v))
    exact = 0.5 * float(lam) * S
    e64 = 0.5 * float(lam) * (gamma(w.v.size - 1, u64) + u64) * S + 2 * u64 * exact
    value = Approx(exact, e64 + w.u * (exact + e64), w.dtype)
    grad = Approx.constant(lam, w.dtype) * w
    return value, grad


def l1_penalty(w, lam):
    r"""value = lam sum |w| summed in float64 (|w| exact) and rounded once to the dtype; grad = lam sgn(w)
    with lam rounded to the dtype (sgn is exact on exact data)."""
    w = _x(w)
    u64 = 2.0 ** -53
    S = float(np.sum(np.abs(w.v)))
    exact = float(lam) * S
    e64 = float(lam) * gamma(w.v.size - 1, u64) * S + u64 * exact
    value = Approx(exact, e64 + w.u * (exact + e64), w.dtype)
    grad = Approx.constant(lam, w.dtype) * Approx.exact(np.sign(w.v), w.dtype)
    return value, grad


#: The tolerance of every primitive of the regularize family (reference.FAMILIES['regularize']).
TOLERANCES = {
    "dropout_forward": ("2 u |x s| (0 where the mask is 0)",
                        "s = 1/(1 - p) is rounded to the dtype by every backend, m s is exact, one product"),
    "dropout_backward": ("2 u |dout s| (0 where the mask is 0)", "the forward's single product, on dout"),
    "l2_penalty": ("value: 2 ((gamma_{N-1} + 3 u64) lam S / 2 + u lam S / 2), S = sum w^2; grad: 2 (2 u |lam w|)",
                   "an N-term float64 sum of squares, one conversion to the dtype; lam rounded, one product"),
    "l1_penalty": ("value: 2 ((gamma_{N-1} + u64) lam S + u lam S), S = sum |w|; grad: 2 (u lam) where w != 0",
                   "|w| is exact, an N-term float64 sum, one conversion; lam rounded to the dtype, sgn exact"),
}
