r"""The linear model on the CPU: :mod:`reference.linear`, compiled with Numba.

What is fused, and why:

* forward: the matrix-vector product ``x @ w`` goes to BLAS (``np.dot`` inside the
  kernel), and the bias is added in place in the same compiled call, without the
  reference's temporary;
* backward: one pass over ``x`` writes :math:`\partial L/\partial x = \partial L/\partial y\,
  w^T` and accumulates :math:`\partial L/\partial w = x^T \partial L/\partial y` and
  :math:`\partial L/\partial b = \sum_n \partial L/\partial y_n` row by row, where the
  reference makes three passes (an outer product, a matrix-vector product, a sum).
  The sums are accumulated in float64 and rounded to the input's dtype once.

Inputs are made C-contiguous in the wrapper (a no-op for the usual arrays) so each
kernel compiles once per dtype.
"""

import numpy as np
from numba import njit

from reference import _check


@njit(cache=True, error_model="numpy")
def _forward(x, w, b):
    """``y = b + x @ w`` (``b`` a 0-d array)."""
    y = np.dot(x, w)
    b0 = b[()]
    for n in range(y.size):
        y[n] = b0 + y[n]
    return y


@njit(cache=True, error_model="numpy")
def _backward(dy, x, w):
    """``(outer(dy, w), x.T @ dy, sum(dy))`` in one pass over ``x``; the sums in float64."""
    N, D = x.shape
    dx = np.empty((N, D), x.dtype)
    acc = np.zeros(D)
    db = 0.0
    for n in range(N):
        g = dy[n]
        db += g
        for j in range(D):
            dx[n, j] = g * w[j]
            acc[j] += x[n, j] * g
    dw = np.empty(D, x.dtype)
    for j in range(D):
        dw[j] = acc[j]
    return dx, dw, db


def linear_forward(x, w, b):
    r"""The linear model :math:`y = b + \sum_j w_j x_j` on a batch: :func:`reference.linear.linear_forward`.

    Concept: model.linear1, model.linear

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    w : ndarray (D,)
    b : scalar (0-d array or Python number)

    Returns
    -------
    y : ndarray (N,)
    cache : opaque, for :func:`~accelerated.cpu.linear.linear_backward`
    """
    x, w, b = _check.arrays("linear_forward", x=(x, "N, D"), w=(w, "D"), b=(b, ""))
    x = np.ascontiguousarray(x)
    w = np.ascontiguousarray(w)
    return _forward(x, w, b), (x, w)


def linear_backward(dy, cache):
    r"""Gradients of the linear model: :func:`reference.linear.linear_backward`.

    .. math::

        \frac{\partial L}{\partial w_j} = \sum_n \frac{\partial L}{\partial y_n} x_{nj},
        \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial y_n},
        \qquad
        \frac{\partial L}{\partial x_{nj}} = \frac{\partial L}{\partial y_n} w_j

    Concept: model.linear, backprop.chain

    Returns
    -------
    (dx, dw, db) : (N, D), (D,), scalar of ``x``'s dtype
    """
    x, w = cache
    dy = _check.grad("linear_backward", "dy", dy, (x.shape[0],), x.dtype)
    dx, dw, db = _backward(np.ascontiguousarray(dy), x, w)
    return dx, dw, x.dtype.type(db)
