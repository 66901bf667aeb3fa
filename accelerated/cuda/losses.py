r"""Losses on the GPU: the mean square and mean absolute errors, cross entropy, and the error surface.

The twins of :mod:`reference.losses`. A loss is one kernel that writes
:math:`\partial L/\partial y` and reduces the per-example errors, in float64, to
one partial sum per block (a shared-memory tree), then a one-block kernel that
adds the partials and divides by :math:`N`. The loss :math:`L` always comes back
as a NumPy scalar of the dtype (one 8-byte copy: it is what a loop logs);
:math:`\partial L/\partial y` stays where ``y`` was.

:func:`cross_entropy` is the same pattern on the entries of ``(N, K)`` arrays.
:func:`softmax_cross_entropy` takes one thread per example: it finds the row's
largest score, accumulates :math:`\sum_j e^{z_j - \max z}`, :math:`s^n` and
:math:`\sum_i \hat y_i z_i` in float64, writes the row of
:math:`\partial L/\partial z` and adds its loss to the block's partial sum.

:func:`sigmoid_cross_entropy` takes one thread per entry (the losses family's ``sigmoid_xent``
kernel): it computes :math:`e^{-|z|}` once for the softplus term of the loss and the stable
sigmoid of the gradient, writes :math:`\partial L/\partial z` and adds its loss (float64) to the
block's partial sum; a one-block kernel adds the partials and divides by :math:`M`.

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
    k = _ops.loss_kernels(x1.dtype)
    k.loss_surface[(cdiv(W, T), cdiv(B, T)), (T, T)](
        dev(x1), dev(y_hat), dev(w_grid), dev(b_grid), L, LOSS_CODE[loss])
    return result(L, on_device)


@simulator_paced
def cross_entropy(y, y_hat, reduction="mean"):
    r"""Cross entropy between the targets and the network's output probabilities.

    .. math::

        l^n = -\sum_i \hat y^n_i \ln y^n_i, \qquad
        L = \frac{1}{N} \sum_{n=1}^{N} l^n \quad (\texttt{"mean"}), \qquad
        L = \sum_{n=1}^{N} l^n \quad (\texttt{"sum"})

    and :math:`\partial L / \partial y^n_i = -\hat y^n_i / y^n_i` (divided by N for
    ``"mean"``); a term with :math:`\hat y_i = 0` counts 0. One kernel writes the
    gradient and reduces the terms (float64) to a partial sum per block; a second
    adds the partials.

    Concept: loss.cross_entropy, loss.total

    Slides: 002 "Loss for an Example", "Total Loss"; 003 "Choosing Proper Loss", "Total Loss".

    Parameters
    ----------
    y : ndarray or device array (N, K), float32 or float64 — predicted probabilities
    y_hat : (N, K) — the targets
    reduction : {"mean", "sum"}

    Returns
    -------
    L : NumPy scalar of ``y``'s dtype (on the host, wherever ``y`` is)
    dL_dy : (N, K), on the device if ``y`` or ``y_hat`` was
    """
    on_device = any_device(y, y_hat)
    y, y_hat = _check.arrays("cross_entropy", y=(y, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("cross_entropy", "reduction", reduction, REDUCTIONS)
    N = y.shape[0] if reduction == "mean" else 1
    L, dL = _ops.cross_entropy(dev(y), dev(y_hat), N)
    return np.dtype(y.dtype).type(L.copy_to_host()[0]), result(dL, on_device)


@simulator_paced
def softmax_cross_entropy(z, y_hat, reduction="mean"):
    r"""Softmax and cross entropy in one stable step, from the scores ``z``.

    .. math::

        l^n = s^n \ln \sum_j e^{z^n_j} - \sum_i \hat y^n_i z^n_i, \qquad
        s^n = \sum_i \hat y^n_i, \qquad
        \frac{\partial L}{\partial z^n_i} = \frac{1}{N}\big(y^n_i s^n - \hat y^n_i\big)

    with :math:`y = \mathrm{softmax}(z)` and the log-sum-exp taken around the row's
    largest score. One kernel, one thread per example, then one that adds the
    blocks' partial sums.

    Concept: loss.cross_entropy, model.softmax, loss.total

    Slides: 003 "Choosing Proper Loss", "Total Loss"; 002 "Loss for an Example".

    Parameters
    ----------
    z : ndarray or device array (N, K), float32 or float64 — the output layer's scores
    y_hat : (N, K) — the targets
    reduction : {"mean", "sum"}

    Returns
    -------
    L : NumPy scalar of ``z``'s dtype
    dL_dz : (N, K), on the device if ``z`` or ``y_hat`` was
    """
    on_device = any_device(z, y_hat)
    z, y_hat = _check.arrays("softmax_cross_entropy", z=(z, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("softmax_cross_entropy", "reduction", reduction, REDUCTIONS)
    N = z.shape[0] if reduction == "mean" else 1
    L, dz = _ops.softmax_cross_entropy(dev(z), dev(y_hat), N)
    return np.dtype(z.dtype).type(L.copy_to_host()[0]), result(dz, on_device)


@simulator_paced
def sigmoid_cross_entropy(z, y_hat, reduction="mean"):
    r"""A sigmoid output and binary cross entropy in one stable step, from the scores ``z``.

    .. math::

        l = \max(z, 0) - z\,\hat y + \ln\big(1 + e^{-|z|}\big), \qquad
        \frac{\partial L}{\partial z} = \frac{\sigma(z) - \hat y}{M}

    (:math:`M = NK` for ``"mean"``, 1 for ``"sum"``). One kernel, one thread per entry, then one
    that adds the blocks' partial sums.

    Concept: loss.cross_entropy, act.sigmoid

    Parameters
    ----------
    z : ndarray or device array (N, K), float32 or float64 — the scores, before the sigmoid
    y_hat : (N, K) — the targets, in [0, 1]
    reduction : {"mean", "sum"}

    Returns
    -------
    L : NumPy scalar of ``z``'s dtype
    dL_dz : (N, K), on the device if ``z`` or ``y_hat`` was
    """
    on_device = any_device(z, y_hat)
    z, y_hat = _check.arrays("sigmoid_cross_entropy", z=(z, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("sigmoid_cross_entropy", "reduction", reduction, REDUCTIONS)
    M = z.shape[0] * z.shape[1] if reduction == "mean" else 1
    L, dz = _ops.sigmoid_cross_entropy(dev(z), dev(y_hat), M)
    return np.dtype(z.dtype).type(L.copy_to_host()[0]), result(dz, on_device)
