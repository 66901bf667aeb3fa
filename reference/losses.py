r"""Losses: how good a set of parameter values is (step 2 of the three steps).

Following the slides of lecture 1 (``000``, "Define Loss from Training Data"),
``y`` is what the model predicts and ``y_hat`` (:math:`\hat y`) is the label, the
true value. Each loss returns the scalar loss and its gradient with respect to the
prediction, :math:`\partial L / \partial y`, which is where backpropagation starts.
"""

import numpy as np

from . import _check

REDUCTIONS = ("mean", "sum")
LOSSES = ("mse", "mae")


def mse(y, y_hat, reduction="mean"):
    r"""Mean square error, or the summed square error of 001.

    .. math::

        e_n = (y_n - \hat y_n)^2, \qquad
        L = \frac{1}{N} \sum_n e_n \quad (\texttt{reduction="mean"}), \qquad
        L = \sum_n e_n \quad (\texttt{reduction="sum"})

    and :math:`\partial L / \partial y_n = 2 (y_n - \hat y_n) / N` (without the
    :math:`1/N` for ``"sum"``).

    Concept: loss.mse


    Slides: 000 "Define Loss from Training Data" (mean);
    001 "Linear regression" (sum); 004 (mean).

    Parameters
    ----------
    y : ndarray (N,) or any shape — the prediction; float32 or float64
    y_hat : ndarray, ``y``'s shape and dtype — the label
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``y``'s dtype, >= 0, and 0 only where ``y == y_hat``
    dL_dy : ndarray, ``y``'s shape and dtype
    """
    y = _check.arrays("mse", y=(y, "..."))
    y_hat = _check.same_shape("mse", "y_hat", y_hat, "y", y)
    _check.choice("mse", "reduction", reduction, REDUCTIONS)
    N = y.size if reduction == "mean" else 1
    e = (y - y_hat) ** 2
    L = e.sum() / N
    dL_dy = 2 * (y - y_hat) / N
    return y.dtype.type(L), dL_dy.astype(y.dtype, copy=False)


def mae(y, y_hat, reduction="mean"):
    r"""Mean absolute error.

    .. math::

        e_n = |y_n - \hat y_n|, \qquad L = \frac{1}{N} \sum_n e_n

    and :math:`\partial L / \partial y_n = \operatorname{sgn}(y_n - \hat y_n) / N`,
    taken as 0 where :math:`y_n = \hat y_n` (the subgradient in the middle of the kink).

    Concept: loss.mae


    Slides: 000 "Define Loss from Training Data".

    Parameters
    ----------
    y : ndarray (N,) or any shape — the prediction; float32 or float64
    y_hat : ndarray, ``y``'s shape and dtype — the label
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``y``'s dtype, >= 0
    dL_dy : ndarray, ``y``'s shape and dtype
    """
    y = _check.arrays("mae", y=(y, "..."))
    y_hat = _check.same_shape("mae", "y_hat", y_hat, "y", y)
    _check.choice("mae", "reduction", reduction, REDUCTIONS)
    N = y.size if reduction == "mean" else 1
    e = np.abs(y - y_hat)
    L = e.sum() / N
    dL_dy = np.sign(y - y_hat) / N
    return y.dtype.type(L), dL_dy.astype(y.dtype, copy=False)


def loss_surface(x1, y_hat, w_grid, b_grid, loss="mse"):
    r"""The loss of :math:`y = b + w x_1` at every point of a grid of :math:`(w, b)`.

    .. math::

        L(w, b) = \frac{1}{N} \sum_n e\big(b + w\,x_{1,n},\ \hat y_n\big)

    This is the lecture's brute force: compute the loss of every candidate function
    and draw the result as contours (the error surface).

    Concept: loss.surface


    Slides: 000 "Define Loss from Training Data" (the error
    surface); 004 "Loss Surface (Loss 等高線圖)".

    Parameters
    ----------
    x1 : ndarray (N,), float32 or float64 — the single feature
    y_hat : ndarray (N,) — the labels
    w_grid : ndarray (W,) — candidate weights
    b_grid : ndarray (B,) — candidate biases
    loss : {"mse", "mae"}

    Returns
    -------
    L : ndarray (B, W) — ``L[i, j]`` is the loss at ``w = w_grid[j]``, ``b = b_grid[i]``
        (the layout ``matplotlib.pyplot.contour(w_grid, b_grid, L)`` expects)
    """
    x1, y_hat, w_grid, b_grid = _check.arrays(
        "loss_surface", x1=(x1, "N"), y_hat=(y_hat, "N"), w_grid=(w_grid, "W"), b_grid=(b_grid, "B"))
    _check.choice("loss_surface", "loss", loss, LOSSES)
    L = np.empty((b_grid.size, w_grid.size), dtype=x1.dtype)
    for i, b in enumerate(b_grid):
        for j, w in enumerate(w_grid):
            y = b + w * x1
            e = (y - y_hat) ** 2 if loss == "mse" else np.abs(y - y_hat)
            L[i, j] = e.mean()
    return L
