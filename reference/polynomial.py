r"""The polynomial model of one input: lecture 2's bias-and-variance study.

``001`` "Variances of ML models" fits models of growing complexity to the same data,
:math:`y = b + w_1 x`, :math:`y = b + w_1 x + w_2 x^2 + w_3 x^3` and up to degree 5,
and watches the simpler ones be biased and the richer ones vary from sample to
sample. The model is linear in its parameters: it is :func:`reference.linear.linear_forward`
on the features :math:`x, x^2, \dots, x^K`.
"""

import numpy as np

from . import _check


def polynomial_forward(x, w, b):
    r"""The polynomial model of degree ``K = len(w)`` on a batch of scalar inputs.

    .. math::

        y = b + \sum_{i=1}^{K} w_i x^i = b + w_1 x + w_2 x^2 + \dots + w_K x^K

    The input is one number per example, so ``x`` is a vector ``(N,)`` (not an
    ``(N, 1)`` matrix: the powers of ``x`` play the role of the linear model's
    features). The slide's degrees are 1, 3 and 5; any degree ``K >= 1`` works, and
    degree 1 is the linear model :math:`y = b + w x` with one feature.

    Concept: model.polynomial

    Slides: 001 "Variances of ML models" (the models of degree 1, 3 and 5).

    Parameters
    ----------
    x : ndarray (N,), float32 or float64 — one input per example
    w : ndarray (K,) — the coefficients :math:`w_1, \dots, w_K` of :math:`x^1, \dots, x^K`
    b : scalar (0-d array or Python number) — the bias

    Returns
    -------
    y : ndarray (N,) — the prediction for each example
    cache : opaque, for :func:`polynomial_backward`
    """
    x, w, b = _check.arrays("polynomial_forward", x=(x, "N"), w=(w, "K"), b=(b, ""))
    i = np.arange(1, w.shape[0] + 1, dtype=x.dtype)  # the exponents 1, 2, ..., K
    powers = x[:, None] ** i                         # column i - 1 holds x^i: x, x^2, ..., x^K
    y = b + powers @ w
    return y, (x, w, powers)


def polynomial_backward(dy, cache):
    r"""Gradients of the polynomial model.

    .. math::

        \frac{\partial L}{\partial w_i} = \sum_n \frac{\partial L}{\partial y_n} x_n^i,
        \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial y_n},
        \qquad
        \frac{\partial L}{\partial x_n} = \frac{\partial L}{\partial y_n} \sum_{i=1}^{K} i\, w_i\, x_n^{i-1}

    Concept: model.polynomial, backprop.chain

    Slides: 001 "Variances of ML models"; 000 "Optimization" (the same two partial
    derivatives as the linear model's, with :math:`x^i` for :math:`x_i`).

    Parameters
    ----------
    dy : ndarray (N,) — :math:`\partial L / \partial y`, the forward output's dtype
    cache : from :func:`polynomial_forward`

    Returns
    -------
    (dx, dw, db) : (N,), (K,), scalar — in the order of the forward's inputs
    """
    x, w, powers = cache
    dy = _check.grad("polynomial_backward", "dy", dy, (x.shape[0],), x.dtype)
    i = np.arange(1, w.shape[0] + 1, dtype=x.dtype)
    slope = (x[:, None] ** (i - 1)) @ (i * w)        # dy/dx = w_1 + 2 w_2 x + ... + K w_K x^(K-1)
    dx = dy * slope
    dw = powers.T @ dy
    db = dy.sum()
    return dx, dw, x.dtype.type(db)
