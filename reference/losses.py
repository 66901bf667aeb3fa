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


def _reduce(l_n, reduction):
    """The slides' total loss :math:`L = \\sum_n l^n` (``"sum"``) or its mean over the N examples."""
    return l_n.sum() / (l_n.shape[0] if reduction == "mean" else 1)


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


def cross_entropy(y, y_hat, reduction="mean"):
    r"""Cross entropy between the target distribution and the network's output, on probabilities.

    .. math::

        l^n = C(\mathbf{y}^n, \hat{\mathbf{y}}^n) = -\sum_i \hat y^n_i \ln y^n_i, \qquad
        L = \frac{1}{N} \sum_{n=1}^{N} l^n \quad (\texttt{"mean"}), \qquad
        L = \sum_{n=1}^{N} l^n \quad (\texttt{"sum"}: \text{the slides' total loss})

    and :math:`\partial L / \partial y^n_i = -\hat y^n_i / y^n_i` (divided by N for
    ``"mean"``). This is the form the slides write, on the softmax's output ``y``.
    A term with :math:`\hat y_i = 0` contributes 0 (also where :math:`y_i = 0`, by
    :math:`0 \ln 0 = 0`); where :math:`\hat y_i > 0` and :math:`y_i` has rounded to 0
    the loss is ``inf``, honestly. To train a softmax output use
    :func:`softmax_cross_entropy`, which never forms :math:`\ln y`.

    Concept: loss.cross_entropy, loss.total

    Slides: 002 "Loss for an Example", "Total Loss"; 003 "Choosing Proper Loss"
    (:math:`C = -\sum_i \hat y_i \ln y_i`), "Total Loss".

    Parameters
    ----------
    y : ndarray (N, K), float32 or float64 — the predicted probabilities (rows of a softmax)
    y_hat : ndarray (N, K) — the targets (one-hot rows, or any distributions)
    reduction : {"mean", "sum"} — the mean over the N examples, or the total loss

    Returns
    -------
    L : scalar of ``y``'s dtype
    dL_dy : ndarray (N, K)
    """
    y, y_hat = _check.arrays("cross_entropy", y=(y, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("cross_entropy", "reduction", reduction, REDUCTIONS)
    N = y.shape[0] if reduction == "mean" else 1
    target = y_hat != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ln_y = np.log(np.where(target, y, 1))               # ln y only where y_hat > 0
        l_n = -(y_hat * ln_y).sum(axis=1)                   # one loss per example
        dL_dy = np.where(target, -y_hat / y, 0) / N
    L = _reduce(l_n, reduction)
    return y.dtype.type(L), dL_dy.astype(y.dtype, copy=False)


def softmax_cross_entropy(z, y_hat, reduction="mean"):
    r"""Softmax and cross entropy in one stable step, from the scores ``z``.

    .. math::

        y_i = \frac{e^{z_i}}{\sum_j e^{z_j}}, \qquad
        l^n = -\sum_i \hat y^n_i \ln y^n_i
            = s^n \ln \sum_j e^{z^n_j} - \sum_i \hat y^n_i z^n_i, \qquad
        s^n = \sum_i \hat y^n_i

    The log-sum-exp is taken around the row's largest score, so nothing overflows and
    no logarithm of a rounded-to-zero probability is ever taken. The gradient with
    respect to the *scores* is the famous

    .. math::

        \frac{\partial L}{\partial z^n_i} = \frac{1}{N}\big(y^n_i s^n - \hat y^n_i\big)
        = \frac{1}{N}\big(y^n_i - \hat y^n_i\big) \text{ for one-hot (or any distribution) } \hat{\mathbf{y}}^n

    which is why the slides pair a softmax output with cross entropy: the gradient
    does not shrink when the output saturates, as the square error's does.

    Concept: loss.cross_entropy, model.softmax, loss.total

    Slides: 003 "Choosing Proper Loss" ("When using softmax output layer, choose cross
    entropy"), "Total Loss"; 002 "Loss for an Example".

    Parameters
    ----------
    z : ndarray (N, K), float32 or float64 — the output layer's scores, before the softmax
    y_hat : ndarray (N, K) — the targets
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``z``'s dtype
    dL_dz : ndarray (N, K)
    """
    z, y_hat = _check.arrays("softmax_cross_entropy", z=(z, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("softmax_cross_entropy", "reduction", reduction, REDUCTIONS)
    N = z.shape[0] if reduction == "mean" else 1
    z_max = z.max(axis=1, keepdims=True)
    e = np.exp(z - z_max)
    sum_e = e.sum(axis=1, keepdims=True)
    log_sum_exp = z_max + np.log(sum_e)                      # ln sum_j e^{z_j}, stably
    s = y_hat.sum(axis=1, keepdims=True)
    l_n = s[:, 0] * log_sum_exp[:, 0] - (y_hat * z).sum(axis=1)
    y = e / sum_e                                            # the softmax
    dL_dz = (y * s - y_hat) / N
    L = _reduce(l_n, reduction)
    return z.dtype.type(L), dL_dz.astype(z.dtype, copy=False)


def sigmoid_cross_entropy(z, y_hat, reduction="mean"):
    r"""A sigmoid output and binary cross entropy in one stable step, from the scores (logits) ``z``.

    Each entry is a two-class problem with probability :math:`y = \sigma(z) = 1/(1 + e^{-z})` of
    class 1 and target :math:`\hat y \in [0, 1]`:

    .. math::

        l = -\hat y \ln \sigma(z) - (1 - \hat y) \ln\big(1 - \sigma(z)\big)
          = \max(z, 0) - z\,\hat y + \ln\big(1 + e^{-|z|}\big)

    The right-hand form (the softplus :math:`\ln(1 + e^{z}) - z\hat y`, rewritten around
    :math:`|z|`) takes the exponential of :math:`-|z| \le 0` only, so nothing overflows, and
    never the logarithm of a probability rounded to 0 or 1: at :math:`z = -200` with
    :math:`\hat y = 1` it gives :math:`200 + \ln(1 + e^{-200})`, where
    :math:`-\ln \sigma(z)` on the rounded sigmoid is ``inf``. The gradient with respect to the
    scores is the sigmoid's twin of the softmax's :math:`y - \hat y`:

    .. math::

        \frac{\partial L}{\partial z} = \frac{\sigma(z) - \hat y}{M}

    with :math:`M = NK` for ``"mean"`` (the mean over every entry, as Keras's
    ``binary_crossentropy``) and :math:`M = 1` for ``"sum"``. :math:`\sigma(z)` is taken in its
    stable form, :math:`1/(1 + e^{-|z|})` for :math:`z \ge 0` and
    :math:`e^{-|z|}/(1 + e^{-|z|})` below.

    Concept: loss.cross_entropy, act.sigmoid

    Slides: 003 "Choosing Proper Loss" (cross entropy on the outputs); 003 "Output Layer"
    (a sigmoid per output for independent yes/no answers).

    Parameters
    ----------
    z : ndarray (N, K), float32 or float64 — the scores, before the sigmoid
    y_hat : ndarray (N, K), ``z``'s dtype — the targets, in [0, 1] (0 or 1 for hard labels)
    reduction : {"mean", "sum"}

    Returns
    -------
    L : scalar of ``z``'s dtype
    dL_dz : ndarray (N, K)
    """
    z, y_hat = _check.arrays("sigmoid_cross_entropy", z=(z, "N, K"), y_hat=(y_hat, "N, K"))
    _check.choice("sigmoid_cross_entropy", "reduction", reduction, REDUCTIONS)
    M = z.size if reduction == "mean" else 1
    e = np.exp(-np.abs(z))                                   # in (0, 1]: never overflows
    l = np.maximum(z, 0) - z * y_hat + np.log1p(e)           # the stable softplus form
    y = np.where(z >= 0, 1 / (1 + e), e / (1 + e))           # the stable sigmoid
    dL_dz = (y - y_hat) / M
    L = l.sum() / M
    return z.dtype.type(L), dL_dz.astype(z.dtype, copy=False)
