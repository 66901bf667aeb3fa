r"""The polynomial model on the CPU: :mod:`reference.polynomial`, compiled with Numba.

What is fused, and why:

* forward: one pass per example builds the powers :math:`x, x^2, \dots, x^K` by
  repeated multiplication (one product each, where the reference calls ``pow``) and
  adds :math:`w_i x^i` into a float64 sum, so the ``(N, K)`` matrix of powers is never
  stored;
* backward: one pass over the examples writes :math:`\partial L/\partial x_n` (the
  derivative polynomial :math:`\sum_i i w_i x_n^{i-1}`, times :math:`\partial L/\partial y_n`)
  and accumulates :math:`\partial L/\partial w_i = \sum_n \partial L/\partial y_n\, x_n^i` and
  :math:`\partial L/\partial b` in float64, rounded to the input's dtype once.

Inputs are made C-contiguous in the wrapper so each kernel compiles once per dtype.
"""

import numpy as np
from numba import njit

from reference import _check


@njit(cache=True, error_model="numpy")
def _forward(x, w, b):
    """``y_n = b + sum_i w_i x_n^i`` (``b`` a 0-d array), the sum in float64."""
    N, K = x.shape[0], w.shape[0]
    y = np.empty(N, x.dtype)
    b0 = b[()]
    for n in range(N):
        xn = x[n]
        p = xn
        s = np.float64(b0)
        for i in range(K):
            s += w[i] * p
            p = p * xn
        y[n] = s
    return y


@njit(cache=True, error_model="numpy")
def _backward(dy, x, w):
    """``(dx, dw, db)`` in one pass over the examples; the sums in float64."""
    N, K = x.shape[0], w.shape[0]
    dx = np.empty(N, x.dtype)
    acc = np.zeros(K)
    db = 0.0
    one = np.ones(1, x.dtype)[0]
    c = np.empty(K, x.dtype)
    for i in range(K):
        c[i] = (i + 1) * w[i]                    # the derivative's coefficients i w_i
    for n in range(N):
        g = dy[n]
        xn = x[n]
        db += g
        q = one                                  # x^0
        slope = 0.0
        for i in range(K):
            slope += c[i] * q                    # i w_i x^(i-1)
            q = q * xn                           # now x^i
            acc[i] += np.float64(q) * np.float64(g)
        dx[n] = slope                            # rounded to the dtype once
        dx[n] = dx[n] * g
    dw = np.empty(K, x.dtype)
    for i in range(K):
        dw[i] = acc[i]
    return dx, dw, db


def polynomial_forward(x, w, b):
    r"""The polynomial model :math:`y = b + \sum_{i=1}^K w_i x^i`: :func:`reference.polynomial.polynomial_forward`.

    Concept: model.polynomial

    Parameters
    ----------
    x : ndarray (N,), float32 or float64
    w : ndarray (K,)
    b : scalar (0-d array or Python number)

    Returns
    -------
    y : ndarray (N,)
    cache : opaque, for :func:`~accelerated.cpu.polynomial.polynomial_backward`
    """
    x, w, b = _check.arrays("polynomial_forward", x=(x, "N"), w=(w, "K"), b=(b, ""))
    x = np.ascontiguousarray(x)
    w = np.ascontiguousarray(w)
    return _forward(x, w, b), (x, w)


def polynomial_backward(dy, cache):
    r"""Gradients of the polynomial model: :func:`reference.polynomial.polynomial_backward`.

    .. math::

        \frac{\partial L}{\partial w_i} = \sum_n \frac{\partial L}{\partial y_n} x_n^i,
        \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial y_n},
        \qquad
        \frac{\partial L}{\partial x_n} = \frac{\partial L}{\partial y_n} \sum_{i=1}^{K} i\, w_i\, x_n^{i-1}

    Concept: model.polynomial, backprop.chain

    Returns
    -------
    (dx, dw, db) : (N,), (K,), scalar of ``x``'s dtype
    """
    x, w = cache
    dy = _check.grad("polynomial_backward", "dy", dy, (x.shape[0],), x.dtype)
    dx, dw, db = _backward(np.ascontiguousarray(dy), x, w)
    return dx, dw, x.dtype.type(db)
