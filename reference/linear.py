r"""The linear model: step 1 of lecture 1, a function with unknown parameters.

``000`` "Function with Unknown Parameters" starts from :math:`y = b + w x_1`
(tomorrow's views from today's) and grows it to :math:`y = b + \sum_j w_j x_j`
over the past 7, 28 and 56 days.
"""

import numpy as np

from . import _check


def linear_forward(x, w, b):
    r"""The linear model on a batch of examples.

    .. math::

        y = b + \sum_j w_j x_j

    With one feature (``D = 1``) this is the slide's first model :math:`y = b + w x_1`
    (``w`` is then the 1-vector ``[w]``). Each row of ``x`` is one example
    (one day), each column one feature (the views ``j`` days before).

    Concept: model.linear1, model.linear


    Slides: 000 "Function with Unknown
    Parameters", "Linear models"; 001 "Linear regression"; 004.

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64 — N examples of D features
    w : ndarray (D,) — the weights :math:`w_j`
    b : scalar (0-d array or Python number) — the bias

    Returns
    -------
    y : ndarray (N,) — the prediction for each example
    cache : opaque, for :func:`linear_backward`
    """
    x, w, b = _check.arrays("linear_forward", x=(x, "N, D"), w=(w, "D"), b=(b, ""))
    y = b + x @ w
    return y, (x, w)


def linear_backward(dy, cache):
    r"""Gradients of the linear model.

    .. math::

        \frac{\partial L}{\partial w_j} = \sum_n \frac{\partial L}{\partial y_n} x_{nj},
        \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial y_n},
        \qquad
        \frac{\partial L}{\partial x_{nj}} = \frac{\partial L}{\partial y_n} w_j

    Concept: model.linear, backprop.chain


    Slides: 000 "Optimization" (the two
    partial derivatives :math:`\partial L/\partial w`, :math:`\partial L/\partial b`).

    Parameters
    ----------
    dy : ndarray (N,) — :math:`\partial L / \partial y`, the forward output's dtype
    cache : from :func:`linear_forward`

    Returns
    -------
    (dx, dw, db) : (N, D), (D,), scalar — in the order of the forward's inputs
    """
    x, w = cache
    dy = _check.grad("linear_backward", "dy", dy, (x.shape[0],), x.dtype)
    dx = np.outer(dy, w)
    dw = x.T @ dy
    db = dy.sum()
    return dx, dw, x.dtype.type(db)
