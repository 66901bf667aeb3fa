r"""Fused elementwise kernels shared by the dense layer, the network and the training epoch.

A dense layer is one matrix product followed by elementwise work. NumPy does that
work in several passes over the ``(N, H)`` result (add the bias, ``abs``, ``exp``,
``where`` …), each allocating a temporary; here it is one pass:

* forward, after the GEMM ``r = x @ W.T``: :func:`bias_activation` turns ``r`` into
  :math:`a = \sigma(b + r)` in place;
* backward, before the GEMMs: :func:`activation_grad` turns
  :math:`\partial L/\partial a` into :math:`\partial L/\partial r = \partial L/\partial a \cdot \sigma'`
  and sums the bias gradient :math:`\sum_n \partial L/\partial r_n` in the same pass;
  :func:`readout_grad` does the same for the top hidden layer straight from
  :math:`\partial L/\partial y` (the read-out :math:`y = b + \mathbf{c}^T \mathbf{a}`), so
  :math:`\partial L/\partial \mathbf{a}^L = \partial L/\partial y\, \mathbf{c}^T` is never stored.

Every activation's derivative is computed from the activation's *output* ``a``
(:math:`\sigma' = a(1-a)`; :math:`\tanh' = 1 - a^2`; the ReLU's and the leaky ReLU's
:math:`z > 0` is :math:`a > 0`; the hard sigmoid's :math:`0 < z < 1` is :math:`0 < a < 1`),
so a layer keeps one ``(N, H)`` array for its backward pass instead of two. The softmax
output layer is a row-wise pass of its own (:func:`bias_softmax`, :func:`softmax_grad`), and
with the cross-entropy loss the softmax and the loss are one pass on the
pre-activation (:func:`softmax_ce`). The arithmetic is written in the reference's order
(``da * a * (1 - a)``, ``da * (z > 0)``) and in the input's dtype, so float64 results
match :mod:`reference` to rounding and float32 stays float32. The sigmoid's
:math:`e^{-|z|}` and the softmax's :math:`e^{z - \max z}` are
:func:`accelerated.cpu._exp.exp_nonpos` and :math:`\tanh` is :func:`accelerated.cpu._exp.tanh`, and every kernel of
this backend compiles with NumPy's error model (a division by zero gives ``inf``
or NaN, as in NumPy, rather than Python's ``ZeroDivisionError``): both keep these
loops free of calls and branches, so the compiler vectorises them.
"""

import math

from numba import njit

# The activation codes, their names and the leaky ReLU's slope: one table for every backend.
# Numba compiles these module-level integers into the kernels as constants.
from reference.activation_table import (HARD_SIGMOID, LEAKY_RELU, LEAKY_RELU_ALPHA, LINEAR, RELU,
                                        SIGMOID, SOFTMAX, TANH)

from ._exp import exp_nonpos, tanh

MSE, MAE, CROSS_ENTROPY = 0, 1, 2
LOSS_CODE = {"mse": MSE, "mae": MAE, "cross_entropy": CROSS_ENTROPY}


@njit(inline="always")
def act(v, code, zero, one, alpha):
    """The activation of one pre-activation value ``v`` (the reference's formulas);
    ``alpha`` is the leaky ReLU's slope, in ``v``'s dtype."""
    if code == SIGMOID:
        e = exp_nonpos(-abs(v))                 # e^{-|z|} in (0, 1]: nothing overflows
        if v >= zero:
            return one / (one + e)
        return e / (one + e)
    if code == RELU:
        return zero if v < zero else v          # NaN stays NaN, like np.maximum
    if code == HARD_SIGMOID:
        if v < zero:
            return zero
        if v > one:
            return one
        return v
    if code == LEAKY_RELU:
        return v if v > zero else alpha * v
    if code == TANH:
        return tanh(v)
    return v


@njit(inline="always")
def act_grad(g, a, code, zero, one, alpha):
    """``g * sigma'(z)``, the derivative taken from the activation's output ``a``
    (for the leaky ReLU, ``a`` may also be ``z``: both are > 0 together)."""
    if code == SIGMOID:
        return g * a * (one - a)
    if code == RELU:
        return g * (one if a > zero else zero)
    if code == HARD_SIGMOID:
        return g * (one if (a > zero and a < one) else zero)
    if code == LEAKY_RELU:
        return g * (one if a > zero else alpha)
    if code == TANH:
        return g * (one - a * a)
    return g


@njit(inline="always")
def _bias_act(r, b, code):
    N, H = r.shape
    zero = r.dtype.type(0)
    one = r.dtype.type(1)
    alpha = r.dtype.type(LEAKY_RELU_ALPHA)
    for n in range(N):
        row = r[n]
        for h in range(H):
            row[h] = act(b[h] + row[h], code, zero, one, alpha)


@njit(cache=True, error_model="numpy")
def bias_activation(r, b, code):
    """``r[n, h] <- act(b[h] + r[n, h])`` in place: the pass after the GEMM ``r = x @ W.T``.

    One loop per activation, each with its code a constant (so the compiler drops
    the other branches and vectorises the loop).
    """
    if code == SIGMOID:
        _bias_act(r, b, SIGMOID)
    elif code == RELU:
        _bias_act(r, b, RELU)
    elif code == HARD_SIGMOID:
        _bias_act(r, b, HARD_SIGMOID)
    elif code == LEAKY_RELU:
        _bias_act(r, b, LEAKY_RELU)
    elif code == TANH:
        _bias_act(r, b, TANH)
    elif code == SOFTMAX:
        bias_softmax(r, b)
    else:
        _bias_act(r, b, LINEAR)


@njit(inline="always")
def _act_grad(da, a, code, dr, db):
    N, H = da.shape
    zero = da.dtype.type(0)
    one = da.dtype.type(1)
    alpha = da.dtype.type(LEAKY_RELU_ALPHA)
    for h in range(H):
        db[h] = zero
    for n in range(N):
        g = da[n]
        s = a[n]
        d = dr[n]
        for h in range(H):
            v = act_grad(g[h], s[h], code, zero, one, alpha)
            d[h] = v
            db[h] += v


@njit(cache=True, error_model="numpy")
def activation_grad(da, a, code, dr, db):
    """``dr = da * act'(a)`` and ``db = sum_n dr[n]`` in one pass (``dr`` may be ``da``);
    one loop per activation, as in :func:`bias_activation`."""
    if code == SIGMOID:
        _act_grad(da, a, SIGMOID, dr, db)
    elif code == RELU:
        _act_grad(da, a, RELU, dr, db)
    elif code == HARD_SIGMOID:
        _act_grad(da, a, HARD_SIGMOID, dr, db)
    elif code == LEAKY_RELU:
        _act_grad(da, a, LEAKY_RELU, dr, db)
    elif code == TANH:
        _act_grad(da, a, TANH, dr, db)
    elif code == SOFTMAX:
        softmax_grad(da, a, dr, db)
    else:
        _act_grad(da, a, LINEAR, dr, db)


@njit(inline="always")
def row_sum(y):
    """The sum of a row in float64, in four interleaved partial sums (so that the
    additions do not wait on each other: the order is fixed, not reassociated)."""
    K = y.size
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    i = 0
    while i + 3 < K:
        s0 += y[i]
        s1 += y[i + 1]
        s2 += y[i + 2]
        s3 += y[i + 3]
        i += 4
    while i < K:
        s0 += y[i]
        i += 1
    return (s0 + s1) + (s2 + s3)


@njit(cache=True, error_model="numpy")
def softmax_row(z, y):
    """``y = exp(z - max z) / sum(...)`` for one row (``y`` may be ``z``); returns
    ``(max z, sum)``, the sum in float64. The exponentials are one loop of their own
    (it vectorises), the sum another. (A compiled call rather than an inlined body:
    inlined into its callers' row loops, the exponential loop ran half as fast.)"""
    K = z.size
    m = z[0]
    for i in range(1, K):
        v = z[i]
        m = v if (v > m or v != v) else m       # a NaN is the maximum, as in np.max
    for i in range(K):
        y[i] = exp_nonpos(z[i] - m)
    s = row_sum(y)
    st = y.dtype.type(s)
    for i in range(K):
        y[i] = y[i] / st
    return m, s


@njit(cache=True, error_model="numpy")
def bias_softmax(r, b):
    """``r[n] <- softmax(b + r[n])`` row by row, in place."""
    N, H = r.shape
    for n in range(N):
        row = r[n]
        for h in range(H):
            row[h] = b[h] + row[h]
        softmax_row(row, row)


@njit(cache=True, error_model="numpy")
def softmax_grad(dy, y, dz, db):
    r"""``dz = y * (dy - sum_k dy_k y_k)`` row by row (``dz`` may be ``dy``) and, when ``db``
    has ``K`` entries, ``db = sum_n dz[n]``."""
    N, K = y.shape
    zero = y.dtype.type(0)
    bias = db.size == K
    if bias:
        for k in range(K):
            db[k] = zero
    for n in range(N):
        s = zero
        for k in range(K):
            s += dy[n, k] * y[n, k]
        for k in range(K):
            v = y[n, k] * (dy[n, k] - s)
            dz[n, k] = v
            if bias:
                db[k] += v


@njit(cache=True, error_model="numpy")
def softmax_ce(z, y_hat, n_mean, dz, db):
    r"""Softmax cross entropy on the pre-activation ``z`` (N, K).

    Returns :math:`\sum_n l^n / n_{mean}` (float64), with
    :math:`l^n = s_n\,\mathrm{logsumexp}(z_n) - \sum_i \hat y_{ni} z_{ni}`, and writes
    ``dz = (softmax(z) s_n - y_hat) / n_mean`` (``dz`` may be ``z``) and, when ``db``
    has ``K`` entries, ``db = sum_n dz[n]``.

    Rows of a classifier are short (K = 10), so the passes run over the whole
    ``(N, K)`` block rather than row by row: the shifted scores :math:`z - \max z`
    row by row, then every :math:`e^{z - \max z}` in one flat loop (which vectorises),
    then per row the sum, one logarithm and the gradient.
    """
    N, K = z.shape
    zero = z.dtype.type(0)
    nm = z.dtype.type(n_mean)
    bias = db.size == K
    if bias:
        for k in range(K):
            db[k] = zero
    total = 0.0
    for n in range(N):
        zn = z[n]
        yn = y_hat[n]
        m = zn[0]
        sy = 0.0
        dot = 0.0
        for i in range(K):
            v = zn[i]
            m = v if (v > m or v != v) else m   # a NaN is the maximum, as in np.max
            sy += yn[i]
            dot += yn[i] * v
        total += sy * m - dot
        row = dz[n]
        for i in range(K):
            row[i] = zn[i] - m
    flat = dz.reshape(N * K) if dz.flags.c_contiguous else dz.copy().reshape(N * K)
    for j in range(N * K):
        flat[j] = exp_nonpos(flat[j])
    for n in range(N):
        row = flat[n * K:(n + 1) * K]
        yn = y_hat[n]
        s = row_sum(row)
        sy = row_sum(yn)
        total += sy * math.log(s)
        st = z.dtype.type(s)
        syt = z.dtype.type(sy)
        d = dz[n]
        for i in range(K):
            v = (row[i] / st * syt - yn[i]) / nm
            d[i] = v
            if bias:
                db[i] += v
    return total / n_mean


@njit(cache=True, error_model="numpy")
def readout_grad(dy, c, a, code, dr, db, dc):
    """The read-out's and the top layer's backward in one pass over ``a`` (N, H).

    ``dc = a.T @ dy``; ``dr = (dy c^T) * act'(a)``; ``db = sum_n dr[n]``. Returns
    ``sum(dy)``, the read-out bias's gradient, summed in float64.
    """
    N, H = a.shape
    zero = a.dtype.type(0)
    one = a.dtype.type(1)
    alpha = a.dtype.type(LEAKY_RELU_ALPHA)
    for h in range(H):
        db[h] = zero
        dc[h] = zero
    db0 = 0.0
    for n in range(N):
        g = dy[n]
        db0 += g
        for h in range(H):
            dc[h] += a[n, h] * g
            v = act_grad(g * c[h], a[n, h], code, zero, one, alpha)
            dr[n, h] = v
            db[h] += v
    return db0


@njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def loss_and_grad(y, y_hat, loss, g):
    """MSE or MAE over all entries of ``y`` (flat): the float64 loss (sum / n), and
    ``g = dL/dy`` in ``y``'s dtype, in place, in the reference's arithmetic."""
    n = y.size
    zero = y.dtype.type(0)
    one = y.dtype.type(1)
    two = y.dtype.type(2)
    n_ = y.dtype.type(n)
    acc = 0.0
    if loss == MSE:
        for i in range(n):
            d = y[i] - y_hat[i]
            acc += d * d
            g[i] = two * d / n_
    else:
        for i in range(n):
            d = y[i] - y_hat[i]
            acc += abs(d)
            g[i] = (one if d > zero else (-one if d < zero else d * zero)) / n_
    return acc / n
