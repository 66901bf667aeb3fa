r"""Losses on the GPU: the mean square and mean absolute errors, and the error surface.

The twins of :mod:`reference.losses`. A loss is one kernel that writes
:math:`\partial L/\partial y` and reduces the per-example errors, in float64, to
one partial sum per block (a shared-memory tree), then a one-block kernel that
adds the partials and divides by :math:`N`. The loss :math:`L` always comes back
as a NumPy scalar of the dtype (one 8-byte copy: it is what a loop logs);
:math:`\partial L/\partial y` stays where ``y`` was.

:func:`loss_surface` is one 2-D kernel: one thread per grid point
:math:`(w, b)`, the examples streamed through shared memory.
"""

import numpy as np
from reference import _check
from reference.losses import LOSSES, REDUCTIONS

from . import _ops
from ._kernels import LOSS_CODE
from ._launch import any_device, cdiv, config, dev, empty, result, simulator_paced


def _loss(fn, kind, y, y_hat, reduction):
    on_device = any_device(y, y_hat)
    y = _check.arrays(fn, y=(y, "..."))
    y_hat = _check.same_shape(fn, "y_hat", y_hat, "y", y)
    _check.choice(fn, "reduction", reduction, REDUCTIONS)
    N = int(np.prod(y.shape, dtype=np.int64)) if reduction == "mean" else 1
    L, dL = _ops.loss(dev(y), dev(y_hat), kind, N)
    return np.dtype(y.dtype).type(L.copy_to_host()[0]), result(dL, on_device)


@simulator_paced
def mse(y, y_hat, reduction="mean"):
    r"""Mean square error, or the summed square error of 001.

    .. math::

        L = \frac{1}{N} \sum_n (y_n - \hat y_n)^2, \qquad
        \frac{\partial L}{\partial y_n} = \frac{2 (y_n - \hat y_n)}{N}

    (without the :math:`1/N` for ``reduction="sum"``).

    Concept: loss.mse. Slides: 000 "Define Loss from Training Data"; 001 "Linear regression".

    Parameters
    ----------
    y : ndarray or device array, any shape — the prediction; float32 or float64
    y_hat : ``y``'s shape and dtype — the label
    reduction : {"mean", "sum"}

    Returns
    -------
    L : NumPy scalar of ``y``'s dtype (on the host, wherever ``y`` is)
    dL_dy : ``y``'s shape and dtype, on the device if ``y`` or ``y_hat`` was
    """
    return _loss("mse", LOSS_CODE["mse"], y, y_hat, reduction)


@simulator_paced
def mae(y, y_hat, reduction="mean"):
    r"""Mean absolute error.

    .. math::

        L = \frac{1}{N} \sum_n |y_n - \hat y_n|, \qquad
        \frac{\partial L}{\partial y_n} = \frac{\operatorname{sgn}(y_n - \hat y_n)}{N}

    taken as 0 where :math:`y_n = \hat y_n`.

    Concept: loss.mae. Slides: 000 "Define Loss from Training Data".

    Returns
    -------
    L : NumPy scalar of ``y``'s dtype
    dL_dy : ``y``'s shape and dtype
    """
    return _loss("mae", LOSS_CODE["mae"], y, y_hat, reduction)


@simulator_paced
def loss_surface(x1, y_hat, w_grid, b_grid, loss="mse"):
    r"""The loss of :math:`y = b + w x_1` at every point of a grid of :math:`(w, b)`.

    .. math::

        L(w, b) = \frac{1}{N} \sum_n e\big(b + w\,x_{1,n},\ \hat y_n\big)

    One kernel over the whole grid: thread :math:`(i, j)` sums the errors of
    :math:`(w_j, b_i)` in float64 while its block streams ``x1`` and ``y_hat``
    through shared memory, ``tile * tile`` examples at a time.

    Concept: loss.surface. Slides: 000 "Define Loss from Training Data" (the error
    surface); 004 "Loss Surface".

    Parameters
    ----------
    x1 : (N,), float32 or float64 — the single feature
    y_hat : (N,) — the labels
    w_grid : (W,) — candidate weights
    b_grid : (B,) — candidate biases
    loss : {"mse", "mae"}

    Returns
    -------
    L : (B, W) — ``L[i, j]`` is the loss at ``w = w_grid[j]``, ``b = b_grid[i]``
    """
    on_device = any_device(x1, y_hat, w_grid, b_grid)
    x1, y_hat, w_grid, b_grid = _check.arrays(
        "loss_surface", x1=(x1, "N"), y_hat=(y_hat, "N"), w_grid=(w_grid, "W"), b_grid=(b_grid, "B"))
    _check.choice("loss_surface", "loss", loss, LOSSES)
    W, B = w_grid.shape[0], b_grid.shape[0]
    L = empty((B, W), x1.dtype)
    T = config.tile
    k = _ops.kernels(x1.dtype)
    k.loss_surface[(cdiv(W, T), cdiv(B, T)), (T, T)](
        dev(x1), dev(y_hat), dev(w_grid), dev(b_grid), L, LOSS_CODE[loss])
    return result(L, on_device)
