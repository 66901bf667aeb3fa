"""Bounds of the losses family (``reference/losses.py``): MSE, MAE, the loss surface, the cross entropy
the fused softmax cross entropy and the fused sigmoid cross entropy."""

from __future__ import annotations

import numpy as np

from .activations import _shifted, relu, sigmoid
from .core import LOG_U, Ambiguous, Approx, _x, exp, gamma, log, rowmax, rowsum, total, widest


def sign(d: Approx) -> Approx:
    """sgn(d) (the MAE's derivative): exact unless d is within rounding error of 0."""
    if np.any((d.e > 0) & (np.abs(d.v) <= 2 * d.e)):
        raise Ambiguous("a residual lies within rounding error of 0")
    return Approx(np.sign(d.v), 0.0, d.dtype)


def mse(y, y_hat, reduction="mean"):
    """L = sum((y - y_hat)^2) / N and dL/dy = 2 (y - y_hat) / N."""
    y, y_hat = _x(y), _x(y_hat)
    n = y.v.size if reduction == "mean" else 1
    d = y - y_hat
    return total(d * d).div_exact(n), d.times_exact(2).div_exact(n)


def mae(y, y_hat, reduction="mean"):
    """L = sum(|y - y_hat|) / N and dL/dy = sgn(y - y_hat) / N."""
    y, y_hat = _x(y), _x(y_hat)
    n = y.v.size if reduction == "mean" else 1
    d = y - y_hat
    if y.e.max(initial=0) == 0 and y_hat.e.max(initial=0) == 0:
        # The difference of two exact numbers has the sign of the exact difference
        # (IEEE subtraction rounds 0 only at equality): the sign is exact.
        g = Approx(np.sign(d.v), 0.0, d.dtype)
    else:
        g = sign(d)
    return total(abs(d)).div_exact(n), g.div_exact(n)


def loss_value(name, y, y_hat, reduction="mean"):
    """The bound of the loss value alone (no gradient, so no kink to be ambiguous about)."""
    y, y_hat = _x(y), _x(y_hat)
    n = y.v.size if reduction == "mean" else 1
    d = y - y_hat
    return total(d * d if name == "mse" else abs(d)).div_exact(n)


def loss_surface(x1, y_hat, w_grid, b_grid, loss="mse"):
    """L[i, j] = mean over n of e(b_i + w_j x1_n, y_hat_n), entry by entry."""
    x1 = _x(x1)
    y_hat, w_grid, b_grid = (_x(a, x1.dtype) for a in (y_hat, w_grid, b_grid))
    n = x1.v.size
    B, W = b_grid.v.size, w_grid.v.size
    out_v, out_e = np.empty((B, W)), np.empty((B, W))
    for i in range(B):
        for j in range(W):
            y = b_grid[i] + w_grid[j] * x1
            d = y - y_hat
            e = d * d if loss == "mse" else abs(d)
            L = total(e).div_exact(n)
            out_v[i, j], out_e[i, j] = L.v, L.e
    return Approx(out_v, out_e, x1.dtype)


def _concat(*parts: Approx) -> Approx:
    return Approx(np.concatenate([p.v.ravel() for p in parts]), np.concatenate([p.e.ravel() for p in parts]),
                  parts[0].dtype)


def _rows(a: Approx, reduction) -> int:
    return a.v.shape[0] if reduction == "mean" else 1


def cross_entropy(y, y_hat, reduction="mean"):
    r"""L = -(1/N) sum y_hat ln y (terms with y_hat = 0 are 0) and dL/dy = -y_hat / y / N.

    L: each log within :data:`LOG_U` u (plus ``y``'s own error, for a softmax output carrying one), one
    product, then all N K terms summed in any order (:math:`\gamma_{NK-1}`) and divided by N.
    dL/dy: a division (two roundings: :meth:`Approx.div`) and one more for N.
    """
    y = _x(y)
    y_hat = _x(y_hat, y.dtype)
    n = _rows(y, reduction)
    used = y_hat.v != 0
    safe = Approx(np.where(used, y.v, 1.0), np.where(used, y.e, 0.0), y.dtype)
    L = -total(y_hat * log(safe)).div_exact(n)
    g = -(y_hat.div(safe)).div_exact(n)
    return L, g


def softmax_cross_entropy(z, y_hat, reduction="mean"):
    r"""The fused softmax + cross entropy, stable by log-sum-exp.

    With :math:`d = z - m` (rounded), :math:`S = \sum e^{d}` and :math:`\mathrm{lse} = m + \ln S`:

    * L, computed by any of :math:`\sum_n s_n \mathrm{lse}_n - \sum_{n,i} \hat y_{ni} z_{ni}`,
      :math:`\sum_{n,i} \hat y_{ni}(\mathrm{lse}_n - z_{ni})` or
      :math:`\sum_{n,i} \hat y_{ni}(\ln S_n - d_{ni})`, every sum over all its terms in any order;
      the widest of the three bounds;
    * dL/dz = (p s_n - y_hat) / N with p = e^d / S or e^{d - ln S}, and the difference taken before or
      after the division by N: the widest bound.
    """
    z = _x(z)
    y_hat = _x(y_hat, z.dtype)
    n = _rows(z, reduction)
    d = _shifted(z)
    ex = exp(d)
    S = rowsum(ex)
    logS = log(S)
    lse = logS + rowmax(z)
    s = rowsum(y_hat)
    form_a = _concat(s * lse, -(y_hat * z))
    form_b = y_hat * (lse - z)
    form_d = y_hat * (logS - d)
    L = widest(*(total(f).div_exact(n) for f in (form_a, form_b, form_d)))
    p = widest(ex.div(S), exp(d - logS))
    ps = p * s
    g = widest((ps - y_hat).div_exact(n), ps.div_exact(n) - y_hat.div_exact(n))
    return L, g


#: The tolerance of every primitive of the losses family (reference.FAMILIES['losses']): its bound,
#: and the bound's one-line justification. A comparison's bound is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``S`` is the sum of the absolute terms.
def sigmoid_cross_entropy(z, y_hat, reduction="mean"):
    r"""The fused sigmoid + binary cross entropy, l = max(z, 0) - z y_hat + log1p(e^{-|z|}).

    L: e = exp(-|z|) (:func:`exp`), log1p of it (slope at most 1, then :data:`LOG_U` u relative), the
    product z y_hat (one rounding), the three terms added in any order (:math:`\gamma_2` of their
    magnitudes), then all NK entries summed (:math:`\gamma_{NK-1}`) and divided by M (NK or 1).
    dL/dz: the stable sigmoid's bound (:func:`sigmoid`), a difference, and / M.
    """
    z = _x(z)
    y_hat = _x(y_hat, z.dtype)
    m = z.v.size if reduction == "mean" else 1
    e = exp(Approx(-np.abs(z.v), z.e, z.dtype))
    lp_v = np.log1p(e.v)
    lp = Approx(lp_v, e.e + LOG_U * z.u * lp_v, z.dtype)
    pos = relu(z)
    prod = z * y_hat
    mags = pos.mag + prod.mag + lp.mag
    l = Approx(pos.v - prod.v + lp.v, pos.e + prod.e + lp.e + gamma(2, z.u) * mags, z.dtype)
    L = total(l).div_exact(m)
    g = (sigmoid(z) - y_hat).div_exact(m)
    return L, g


TOLERANCES = {
    "mse": ("L: 2 (gamma_{N-1} S + 3 u S) / N, S = sum (y - y_hat)^2; dL/dy: 2 (3 u |2 (y - y_hat)| / N)",
            "a rounded difference, squared, summed over N, divided by N"),
    "mae": ("L: 2 (gamma_{N-1} + u) sum |y - y_hat| / N (+ u L); dL/dy: 2 u / N (sign is exact)",
            "the sign of an exact difference is exact; the sum has N terms"),
    "loss_surface": ("per cell, the mse/mae bound with y = b + w x1 carrying 2 u (|b| + |w x1|)",
                     "each cell is an N-term mean of a residual computed with two roundings"),
    "cross_entropy": ("L: 2 ((8 u |ln y| |y_hat| + u) terms, gamma_{NK-1} sum, / N); dL/dy: 2 (3 u |y_hat / y / N|)",
                      "a log per used term, a product, an NK-term sum; a division (or reciprocal) and / N"),
    "softmax_cross_entropy": ("L: the widest bound of three ways to form s lse - sum y_hat z over NK terms; "
                              "dL/dz: (p s - y_hat) / N with p from either softmax form",
                              "log-sum-exp (exp 8 u, K-term sum, log 8 u, + m) and the dots of the loss"),
    "sigmoid_cross_entropy": ("L: 2 e of max(z, 0) - z y_hat + log1p(exp(-|z|)) (exp 8 u, log1p 8 u, a product, a "
                              "3-term sum), NK terms summed, / M; dL/dz: the stable sigmoid's 20 u, a difference, / M",
                              "the softplus form's steps; the sigmoid shares exp(-|z|)"),
}
