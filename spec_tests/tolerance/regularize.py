r"""Bounds of the regularize family (``reference/regularize.py``): dropout, the L1 / L2 penalties, and
the dropout variants (DropConnect, standout)."""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .core import Ambiguous, Approx, _x, affine, dot, gamma, total
from .network import dense_forward as _dense


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


def dropconnect_forward(x, W, b, mask, p, inverted=True):
    """r = b + x @ (W * (m s)).T: m s is exact (s rounded to the dtype first), each kept weight one
    rounding, then the dense layer's (D+1)-term sum. Returns (r, backward closure -> (dx, dW, db))."""
    x = _x(x)
    W, b = _x(W, x.dtype), _x(b, x.dtype)
    ms = Approx.exact(_x(mask, x.dtype).v * float(_scale(x.dtype, p, inverted)), x.dtype)
    W_kept = W * ms
    r = affine(x, W_kept, b)

    def backward(dout):
        dout = _x(dout, x.dtype)
        return dot(dout, W_kept), dot(dout.T, x) * ms, total(dout, axis=0)

    return r, backward


def _rounded_exactly(c, dtype):
    """A hyperparameter every backend rounds to the dtype first: exact data of the computation."""
    return Approx.exact(np.dtype(dtype).type(c), dtype)


def standout_forward(x, W, b, Ws, bs, u, alpha=1.0, beta=0.0, activation_name="sigmoid", training=True,
                     kinks="reject"):
    r"""a: the dense layer's bound; q = sigmoid(alpha (bs + x Ws^T) + beta) with alpha, beta rounded to the
    dtype (exact data), the linear dense bound, one product, one sum, the sigmoid's bound. Training: the
    mask [u < q] is exact unless a draw lies within 2 e_q of q (then two correct backends may keep
    different units: :class:`Ambiguous`), and out = a * mask is exact given a; test: out = a * q, one
    product. Returns (out, backward closure -> (dx, dW, db), training only)."""
    x = _x(x)
    a, dense_back = _dense(x, W, b, activation_name, kinks)
    rs = affine(x, _x(Ws, x.dtype), _x(bs, x.dtype))
    q = sigmoid(_rounded_exactly(alpha, x.dtype) * rs + _rounded_exactly(beta, x.dtype))
    if not training:
        return a * q, None
    u = np.asarray(u, dtype=np.float64)
    if np.any((q.e > 0) & (np.abs(u - q.v) <= 2 * q.e)):
        raise Ambiguous("a uniform draw lies within rounding error of its keep probability")
    keep = (u < q.v).astype(np.float64)
    out = Approx(a.v * keep, a.e * keep, x.dtype)

    def backward(dout):
        return dense_back(Approx.exact(_x(dout, x.dtype).v * keep, x.dtype))

    return out, backward


#: The tolerance of every primitive of the regularize family (reference.FAMILIES['regularize']).
TOLERANCES = {
    "dropout_forward": ("2 u |x s| (0 where the mask is 0)",
                        "s = 1/(1 - p) is rounded to the dtype by every backend, m s is exact, one product"),
    "dropout_backward": ("2 u |dout s| (0 where the mask is 0)", "the forward's single product, on dout"),
    "l2_penalty": ("value: 2 ((gamma_{N-1} + 3 u64) lam S / 2 + u lam S / 2), S = sum w^2; grad: 2 (2 u |lam w|)",
                   "an N-term float64 sum of squares, one conversion to the dtype; lam rounded, one product"),
    "l1_penalty": ("value: 2 ((gamma_{N-1} + u64) lam S + u lam S), S = sum |w|; grad: 2 (u lam) where w != 0",
                   "|w| is exact, an N-term float64 sum, one conversion; lam rounded to the dtype, sgn exact"),
    "dropconnect_forward": ("r: gamma_{D+1} (|b| + |x| @ |W m s|^T) plus the kept weights' one rounding each",
                            "m s exact, one product per weight, then the dense layer's (D+1)-term sum"),
    "dropconnect_backward": ("dx: gamma_H; dW: gamma_N, then one rounding of the mask's product; db: gamma_{N-1}",
                             "the dense layer's sums on the kept weights; 0 exactly where a weight is dropped"),
    "standout_forward": ("a: the dense bound; q: the linear dense bound through alpha, beta and the sigmoid; "
                         "training: out = a where u < q (draws within 2 e_q of q rejected), test: a q",
                         "two dense layers, one product and sum, a sigmoid; the mask is exact away from u = q"),
    "standout_backward": ("the dense_backward bound on dout times the mask (exact)",
                          "the mask is a sample: the dense layer's three sums"),
}
