r"""Losses on the CPU: :mod:`reference.losses`, compiled with Numba.

What is fused, and why:

* :func:`~accelerated.cpu.losses.mse` and :func:`~accelerated.cpu.losses.mae` compute the loss and
  its gradient :math:`\partial L/\partial y` in one pass over ``(y, y_hat)`` — the
  reference makes four or five passes, each with a temporary. The loss is summed in float64 and
  rounded to the input's dtype once; the per-element arithmetic (the residual, its
  square, ``2 (y - \hat y) / N``) is the reference's, in the input's dtype. These
  two kernels allow the compiler to reassociate the sum (``fastmath={"reassoc"}``,
  nothing else: no NaN or infinity assumptions), so that it can keep several
  partial sums in vector registers; like any summation order, that stays within
  the bound of a sum of N terms.
* :func:`~accelerated.cpu.losses.cross_entropy` is one pass over ``(y, y_hat)`` that
  takes :math:`\ln y` only where :math:`\hat y \ne 0` (one logarithm per row for one-hot
  targets, where the reference takes :math:`N K`) and writes the gradient beside it;
  :func:`~accelerated.cpu.losses.softmax_cross_entropy` is one kernel per row: the
  row's maximum, :math:`e^{z - \max z}` and its sum, the log-sum-exp, the loss and
  :math:`(\mathrm{softmax}(z) s_n - \hat y)/N` written over the exponentials
  (the reference makes about a dozen passes with temporaries). Both sum the loss in
  float64 and round it once.
* :func:`~accelerated.cpu.losses.sigmoid_cross_entropy` is one pass over ``(z, y_hat)``: per entry one
  exponential :math:`e^{-|z|}`, shared by the loss's softplus term and the stable sigmoid of the
  gradient (the reference computes it once too, but makes some ten passes with temporaries); the
  loss is summed in float64 and rounded once.
* :func:`~accelerated.cpu.losses.loss_surface` is the lecture's brute force, all of it compiled: the reference
  runs a NumPy expression per grid point (10,000 Python iterations for a 100 × 100
  grid). Here each row of the grid (one ``b``) walks the examples once and updates
  the running loss of every ``w`` of the row together, a loop over contiguous
  memory that the compiler vectorises; rows are shared among the cores (``prange``)
  once the grid times the examples reach :data:`~accelerated.cpu.losses.PARALLEL_WORK` (the 100 × 100 grid
  on 1405 days is 14 million), where each core gets milliseconds of work; the
  slide's 16-day table stays on one core. Each candidate's
  prediction :math:`b + w x_{1,n}` and residual are rounded in the input's dtype,
  exactly as the reference rounds them, and only the sum is float64.
"""

import math

import numpy as np
from numba import njit, prange

from reference import _check
from reference.losses import LOSSES, REDUCTIONS

from ._fused import LOSS_CODE, MSE, softmax_ce

#: A loss surface of at least this many (grid point, example) pairs is shared among the cores.
PARALLEL_WORK = 1 << 18


@njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _mse(y, y_hat, N):
    g = np.empty_like(y)
    two = y.dtype.type(2)
    n_ = y.dtype.type(N)
    acc = 0.0
    for i in range(y.size):
        d = y[i] - y_hat[i]
        acc += d * d
        g[i] = two * d / n_
    return acc / N, g


@njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _mae(y, y_hat, N):
    g = np.empty_like(y)
    zero = y.dtype.type(0)
    one = y.dtype.type(1)
    n_ = y.dtype.type(N)
    acc = 0.0
    for i in range(y.size):
        d = y[i] - y_hat[i]
        acc += abs(d)
        # np.sign without branches (so the loop vectorises): 1, -1, or d * 0 (0, or NaN for NaN)
        g[i] = (one if d > zero else (-one if d < zero else d * zero)) / n_
    return acc / N, g


@njit(inline="always")
def _surface_row(x1, y_hat, w_grid, b, code, row):
    """``row[j] = L(w_grid[j], b)``: one pass over the examples updates every ``w`` of the row."""
    N = x1.size
    W = w_grid.size
    acc = np.zeros(W)
    for n in range(N):
        xn = x1[n]
        yn = y_hat[n]
        if code == MSE:
            for j in range(W):
                d = (b + w_grid[j] * xn) - yn
                acc[j] += d * d
        else:
            for j in range(W):
                acc[j] += abs((b + w_grid[j] * xn) - yn)
    for j in range(W):
        row[j] = acc[j] / N


@njit(cache=True, error_model="numpy")
def _surface(x1, y_hat, w_grid, b_grid, code):
    L = np.empty((b_grid.size, w_grid.size), x1.dtype)
    for i in range(b_grid.size):
        _surface_row(x1, y_hat, w_grid, b_grid[i], code, L[i])
    return L


@njit(cache=True, parallel=True, error_model="numpy")
def _surface_parallel(x1, y_hat, w_grid, b_grid, code):
    L = np.empty((b_grid.size, w_grid.size), x1.dtype)
    for i in prange(b_grid.size):
        _surface_row(x1, y_hat, w_grid, b_grid[i], code, L[i])
    return L


def _pointwise(fn, kernel, y, y_hat, reduction):
    y = _check.arrays(fn, y=(y, "..."))
    y_hat = _check.same_shape(fn, "y_hat", y_hat, "y", y)
    _check.choice(fn, "reduction", reduction, REDUCTIONS)
    L, g = kernel(y.ravel(), y_hat.ravel(), y.size if reduction == "mean" else 1)
    t = y.dtype.type
    return t(L), (g.reshape(y.shape) if y.ndim else g[0])


def mse(y, y_hat, reduction="mean"):
    r"""Mean (or summed) square error and its gradient: :func:`reference.losses.mse`.

    .. math::

        L = \frac{1}{N} \sum_n (y_n - \hat y_n)^2, \qquad
        \frac{\partial L}{\partial y_n} = \frac{2 (y_n - \hat y_n)}{N}

    Concept: loss.mse

    Parameters
    ----------
    y : ndarray, any shape, float32 or float64 — the prediction
    y_hat : ndarray, ``y``'s shape and dtype — the label
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``y``'s dtype
    dL_dy : ndarray, ``y``'s shape and dtype
    """
    return _pointwise("mse", _mse, y, y_hat, reduction)


def mae(y, y_hat, reduction="mean"):
    r"""Mean (or summed) absolute error and its gradient: :func:`reference.losses.mae`.

    .. math::

        L = \frac{1}{N} \sum_n |y_n - \hat y_n|, \qquad
        \frac{\partial L}{\partial y_n} = \frac{\operatorname{sgn}(y_n - \hat y_n)}{N}

    Concept: loss.mae

    Parameters
    ----------
    y : ndarray, any shape, float32 or float64 — the prediction
    y_hat : ndarray, ``y``'s shape and dtype — the label
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``y``'s dtype
    dL_dy : ndarray, ``y``'s shape and dtype
    """
    return _pointwise("mae", _mae, y, y_hat, reduction)


def loss_surface(x1, y_hat, w_grid, b_grid, loss="mse"):
    r"""The loss of :math:`y = b + w x_1` on a grid of :math:`(w, b)`: :func:`reference.losses.loss_surface`.

    .. math::

        L(w, b) = \frac{1}{N} \sum_n e\big(b + w\,x_{1,n},\ \hat y_n\big)

    Concept: loss.surface

    Parameters
    ----------
    x1 : ndarray (N,), float32 or float64
    y_hat : ndarray (N,)
    w_grid : ndarray (W,)
    b_grid : ndarray (B,)
    loss : {"mse", "mae"}

    Returns
    -------
    L : ndarray (B, W) — ``L[i, j]`` is the loss at ``w = w_grid[j]``, ``b = b_grid[i]``
    """
    x1, y_hat, w_grid, b_grid = _check.arrays(
        "loss_surface", x1=(x1, "N"), y_hat=(y_hat, "N"), w_grid=(w_grid, "W"), b_grid=(b_grid, "B"))
    _check.choice("loss_surface", "loss", loss, LOSSES)
    c = np.ascontiguousarray
    big = x1.size * w_grid.size * b_grid.size >= PARALLEL_WORK
    return (_surface_parallel if big else _surface)(c(x1), c(y_hat), c(w_grid), c(b_grid), LOSS_CODE[loss])


@njit(cache=True, error_model="numpy")
def _cross_entropy(y, y_hat, n_mean):
    N, K = y.shape
    g = np.empty_like(y)
    zero = y.dtype.type(0)
    nm = y.dtype.type(n_mean)
    acc = 0.0
    for n in range(N):
        for i in range(K):
            t = y_hat[n, i]
            if t != zero:
                yi = y[n, i]
                acc -= t * math.log(yi)
                g[n, i] = -t / yi / nm
            else:
                g[n, i] = zero
    return acc / n_mean, g


@njit(cache=True, error_model="numpy")
def _softmax_cross_entropy(z, y_hat, n_mean):
    g = np.empty_like(z)
    L = softmax_ce(z, y_hat, n_mean, g, np.empty(0, z.dtype))
    return L, g


def cross_entropy(y, y_hat, reduction="mean"):
    r"""Cross entropy on probabilities, and its gradient: :func:`reference.losses.cross_entropy`.

    .. math::

        l^n = -\sum_i \hat y^n_i \ln y^n_i, \qquad
        L = \frac{1}{N} \sum_n l^n, \qquad
        \frac{\partial L}{\partial y^n_i} = -\frac{\hat y^n_i}{N\, y^n_i}

    Concept: loss.cross_entropy, loss.total

    Parameters
    ----------
    y : ndarray (N, K), float32 or float64 — the predicted probabilities
    y_hat : ndarray (N, K) — the targets
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``y``'s dtype
    dL_dy : ndarray (N, K)
    """
    y, y_hat = _check.arrays("cross_entropy", y=(y, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("cross_entropy", "reduction", reduction, REDUCTIONS)
    c = np.ascontiguousarray
    L, g = _cross_entropy(c(y), c(y_hat), y.shape[0] if reduction == "mean" else 1)
    return y.dtype.type(L), g


def softmax_cross_entropy(z, y_hat, reduction="mean"):
    r"""Softmax and cross entropy fused, stable by log-sum-exp: :func:`reference.losses.softmax_cross_entropy`.

    .. math::

        l^n = s^n \ln \sum_j e^{z^n_j} - \sum_i \hat y^n_i z^n_i, \qquad
        \frac{\partial L}{\partial z^n_i} = \frac{1}{N}\big(y^n_i s^n - \hat y^n_i\big)

    Concept: loss.cross_entropy, model.softmax, loss.total

    Parameters
    ----------
    z : ndarray (N, K), float32 or float64 — the scores, before the softmax
    y_hat : ndarray (N, K) — the targets
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``z``'s dtype
    dL_dz : ndarray (N, K)
    """
    z, y_hat = _check.arrays("softmax_cross_entropy", z=(z, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("softmax_cross_entropy", "reduction", reduction, REDUCTIONS)
    c = np.ascontiguousarray
    L, g = _softmax_cross_entropy(c(z), c(y_hat), z.shape[0] if reduction == "mean" else 1)
    return z.dtype.type(L), g


@njit(cache=True, error_model="numpy")
def _sigmoid_cross_entropy(z, y_hat, M):
    g = np.empty_like(z)
    zero = z.dtype.type(0)
    one = z.dtype.type(1)
    m_ = z.dtype.type(M)
    acc = 0.0
    for i in range(z.size):
        zi = z[i]
        ti = y_hat[i]
        e = math.exp(-abs(zi))
        acc += (max(zi, zero) - zi * ti) + math.log1p(e)
        y = one / (one + e) if zi >= zero else e / (one + e)
        g[i] = (y - ti) / m_
    return acc / M, g


def sigmoid_cross_entropy(z, y_hat, reduction="mean"):
    r"""Sigmoid and binary cross entropy fused, in the stable softplus form: :func:`reference.losses.sigmoid_cross_entropy`.

    .. math::

        l = \max(z, 0) - z\,\hat y + \ln\big(1 + e^{-|z|}\big), \qquad
        \frac{\partial L}{\partial z} = \frac{\sigma(z) - \hat y}{M}

    (:math:`M = NK` for ``"mean"``, 1 for ``"sum"``).

    Concept: loss.cross_entropy, act.sigmoid

    Parameters
    ----------
    z : ndarray (N, K), float32 or float64 — the scores, before the sigmoid
    y_hat : ndarray (N, K) — the targets, in [0, 1]
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``z``'s dtype
    dL_dz : ndarray (N, K)
    """
    z, y_hat = _check.arrays("sigmoid_cross_entropy", z=(z, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("sigmoid_cross_entropy", "reduction", reduction, REDUCTIONS)
    c = np.ascontiguousarray
    L, g = _sigmoid_cross_entropy(c(z).ravel(), c(y_hat).ravel(), z.size if reduction == "mean" else 1)
    return z.dtype.type(L), g.reshape(z.shape)
