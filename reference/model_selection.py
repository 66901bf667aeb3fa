r"""Model selection on the host: ridge regression and its λ sweep, bias and variance, f_lazy.

The second half of lecture ``001`` ("Regularization", the λ table; "Errors of ML models",
"Bias and variance of ML models") and the validation part of ``004`` (f_lazy, "the larger
the candidate set, the larger the gap between training and validation"). These are
readable NumPy helpers that a study script calls between fits, not primitives: they have
no accelerated twins (a fit they make is a small linear system, solved once), and the
tutorials call the backend's primitives (``closed_form``, ``polynomial_forward``) for the
many fits where the backend matters.

* :func:`polynomial_features` — the columns :math:`x, x^2, \dots, x^K` of the polynomial model;
* :func:`ridge` — least squares with the slide's penalty :math:`\lambda\cdot\frac12\lVert w\rVert^2`;
* :func:`lambda_sweep` — one :func:`ridge` fit per λ, scored on training and validation data;
* :func:`bias_variance` — bias² and variance of many fitted models against the true function;
* :func:`f_lazy` — the memoriser: the training label for a seen input, a fixed guess otherwise.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from . import _check

__all__ = ["polynomial_features", "ridge", "lambda_sweep", "LambdaSweep", "bias_variance", "f_lazy"]


def polynomial_features(x, degree):
    r"""The features of the polynomial model: the powers :math:`x^1, \dots, x^K` of one input.

    .. math::

        \Phi(x) = [\,x,\ x^2,\ \dots,\ x^K\,], \qquad y = b + \Phi(x)\,\mathbf w

    so that the polynomial model of :func:`reference.polynomial.polynomial_forward` is the
    linear model on these columns, and :func:`ridge` or ``closed_form`` fit it.

    Concept: model.polynomial

    Slides: 001 "Variances of ML models" (:math:`y = b + w_1 x_{cp} + \dots + w_5 x_{cp}^5`).

    Parameters
    ----------
    x : ndarray (N,), float32 or float64
    degree : int >= 1 — :math:`K`

    Returns
    -------
    ndarray (N, K), ``x``'s dtype — column ``i - 1`` holds :math:`x^i`
    """
    x = _check.arrays("polynomial_features", x=(x, "N"))
    degree = _check.count("polynomial_features", "degree", degree)
    return x[:, None] ** np.arange(1, degree + 1, dtype=x.dtype)


def ridge(x, y_hat, lam):
    r"""Regularised least squares: the minimum of the mean square error plus :math:`\lambda\cdot\frac12\lVert w\rVert^2`.

    .. math::

        L'(\mathbf w, b) = \frac1N \sum_n \bigl(b + \mathbf x_n \cdot \mathbf w - \hat y_n\bigr)^2
                          + \lambda\,\frac12 \lVert \mathbf w \rVert_2^2

    The bias is not regularised (the slide: "usually not consider biases"). The minimum is
    where the gradient is zero. With the residuals :math:`r = X\mathbf w + b - \hat{\mathbf y}`,

    .. math::

        \frac{\partial L'}{\partial \mathbf w} = \frac2N X^T r + \lambda \mathbf w = 0, \qquad
        \frac{\partial L'}{\partial b} = \frac2N \mathbf 1^T r = 0 .

    Multiplying by :math:`N/2` and stacking :math:`\boldsymbol\theta = [\mathbf w; b]`,
    :math:`A = [X, \mathbf 1]`, this is the linear system

    .. math::

        \Bigl(A^T A + \frac{N\lambda}{2} D\Bigr)\boldsymbol\theta = A^T \hat{\mathbf y},
        \qquad D = \mathrm{diag}(1, \dots, 1, 0)

    (the 0 leaves the bias out). At :math:`\lambda = 0` it is the normal equations of the
    closed form (``closed_form``); for :math:`\lambda > 0` the matrix is positive definite
    (:math:`\boldsymbol\theta^T(\cdot)\boldsymbol\theta \ge \frac{N\lambda}2\lVert\mathbf w\rVert^2
    > 0` when :math:`\mathbf w \ne 0`, and :math:`= N b^2` when :math:`\mathbf w = 0`), so
    the solution is unique even with more features than examples. The system is formed
    and solved in float64; the result is returned in ``x``'s dtype. The gradient of the
    penalty, :math:`\lambda\mathbf w`, is :func:`reference.regularize.l2_penalty`'s; the loss
    is :func:`reference.losses.mse` (``reduction="mean"``).

    Concept: regularize.l2, regularize.lambda_sweep

    Slides: 001 "Regularization" (:math:`L'(\theta) = L(\theta) + \lambda\frac12\lVert\theta\rVert_2`,
    "usually not consider biases"; the λ table).

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64 — the features
    y_hat : ndarray (N,), ``x``'s dtype — the labels
    lam : float >= 0 — :math:`\lambda`

    Returns
    -------
    w : ndarray (D,), ``x``'s dtype
    b : scalar of ``x``'s dtype

    Raises
    ------
    ValueError
        On bad input, and at ``lam = 0`` when :math:`A^T A` is singular (fewer examples
        than parameters, or dependent columns): the unregularised minimum is not unique.
    """
    x, y_hat = _check.arrays("ridge", x=(x, "N, D"), y_hat=(y_hat, "N"))
    lam = _check.nonnegative("ridge", "lam", lam)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y_hat))):
        raise ValueError("ridge: x and y_hat must be finite; got a NaN or an infinity")
    N, D = x.shape
    A = np.column_stack([x.astype(np.float64), np.ones(N)])
    M = A.T @ A
    M[:D, :D] += (N * lam / 2.0) * np.eye(D)          # the penalty's block; the bias row and column stay
    if lam == 0.0 and np.linalg.cond(M) > 1 / np.finfo(np.float64).eps:
        raise ValueError("ridge: at lam = 0, X^T X is singular (N < D + 1 or dependent columns): the "
                         "least-squares minimum is not unique; give lam > 0")
    theta = np.linalg.solve(M, A.T @ y_hat.astype(np.float64))
    return theta[:D].astype(x.dtype), x.dtype.type(theta[D])


class LambdaSweep(NamedTuple):
    """What :func:`lambda_sweep` returns: one row per λ."""

    lams: np.ndarray        #: (L,) the λ values, in the order given
    train: np.ndarray       #: (L,) the mean square error on the training data (without the penalty)
    validation: np.ndarray  #: (L,) the mean square error on the validation data
    w: np.ndarray           #: (L, D) the fitted weights
    b: np.ndarray           #: (L,) the fitted biases
    best: int               #: the index of the lowest validation error (the first, on a tie)

    @property
    def best_lam(self):
        """The λ chosen on the validation data."""
        return float(self.lams[self.best])


def lambda_sweep(x_train, y_train, x_val, y_val, lams):
    r"""Fit :func:`ridge` once per λ and score each fit on the training and the validation data.

    .. math::

        (\mathbf w_\lambda, b_\lambda) = \arg\min_{\mathbf w, b}\;
            \mathrm{MSE}_{\text{train}}(\mathbf w, b) + \lambda\,\tfrac12\lVert\mathbf w\rVert^2,
        \qquad
        \lambda^* = \arg\min_\lambda \mathrm{MSE}_{\text{val}}(\mathbf w_\lambda, b_\lambda)

    The reported errors are the mean square errors of the fitted model, without the penalty
    (the penalty is how the model is chosen, not how good it is). λ is chosen on the
    validation data: the test data, if any, is for the chosen model only, once.

    Concept: regularize.lambda_sweep

    Slides: 001 "Regularization" (the table of λ → training and testing error, "Select λ
    obtaining the best model").

    Parameters
    ----------
    x_train : ndarray (N, D), float32 or float64
    y_train : ndarray (N,)
    x_val : ndarray (M, D), the same dtype
    y_val : ndarray (M,)
    lams : sequence of float >= 0, not empty

    Returns
    -------
    LambdaSweep — ``lams``, ``train``, ``validation`` (float64), ``w`` and ``b`` (``x_train``'s
    dtype), ``best`` and ``best_lam``
    """
    x_train, y_train, x_val, y_val = _check.arrays(
        "lambda_sweep", x_train=(x_train, "N, D"), y_train=(y_train, "N"), x_val=(x_val, "M, D"),
        y_val=(y_val, "M"))
    if isinstance(lams, (numbers.Number, str)) or np.ndim(lams) != 1 or len(lams) == 0:
        raise ValueError(f"lambda_sweep: lams must be a non-empty sequence of numbers >= 0; got {lams!r}")
    lams = np.array([_check.nonnegative("lambda_sweep", "lams", lam) for lam in lams], dtype=np.float64)
    fits = [ridge(x_train, y_train, lam) for lam in lams]
    w = np.stack([f[0] for f in fits])
    b = np.array([f[1] for f in fits], dtype=x_train.dtype)

    def mse(x, y, wi, bi):
        r = x.astype(np.float64) @ wi.astype(np.float64) + float(bi) - y.astype(np.float64)
        return float(np.mean(r * r))

    train = np.array([mse(x_train, y_train, wi, bi) for wi, bi in zip(w, b)])
    validation = np.array([mse(x_val, y_val, wi, bi) for wi, bi in zip(w, b)])
    return LambdaSweep(lams, train, validation, w, b, int(np.argmin(validation)))


def bias_variance(predictions, truth):
    r"""Bias² and variance of a model family, from many fitted models' predictions.

    Each row of ``predictions`` is one fitted model :math:`f^*_m` (one of the slide's 5000
    red curves, each learned from its own sample of data) evaluated at the same points
    :math:`x_1, \dots, x_P`; ``truth`` is the true function :math:`\hat f` there. With the
    average model :math:`\bar f = \frac1M \sum_m f^*_m` (the blue curve),

    .. math::

        \mathrm{bias}^2 = \frac1P \sum_p \bigl(\bar f(x_p) - \hat f(x_p)\bigr)^2, \qquad
        \mathrm{variance} = \frac1P \sum_p \frac1M \sum_m \bigl(f^*_m(x_p) - \bar f(x_p)\bigr)^2 .

    They add up to the mean square distance of a fitted model from the truth: expanding
    :math:`f^*_m - \hat f = (f^*_m - \bar f) + (\bar f - \hat f)` and squaring, the cross
    term :math:`2(\bar f - \hat f)\frac1M\sum_m (f^*_m - \bar f)` is zero by the definition
    of :math:`\bar f`, so

    .. math::

        \frac1P \sum_p \frac1M \sum_m \bigl(f^*_m(x_p) - \hat f(x_p)\bigr)^2
            = \mathrm{bias}^2 + \mathrm{variance}

    exactly (the variance divides by :math:`M`, not :math:`M - 1`, for this identity). The
    sums are taken in float64.

    Concept: generalize.bias_variance

    Slides: 001 "Bias and variance of ML models" (black curve the true :math:`\hat f`, red
    curves 5000 :math:`f^*`, blue curve their average :math:`\bar f`), "Variance of ML models".

    Parameters
    ----------
    predictions : ndarray (M, P), float32 or float64 — model m's prediction at point p
    truth : ndarray (P,), the same dtype — the true function at the same points

    Returns
    -------
    bias2 : float — the average over the points of the squared bias
    variance : float — the average over the points of the variance over the models
    """
    predictions, truth = _check.arrays("bias_variance", predictions=(predictions, "M, P"), truth=(truth, "P"))
    f = predictions.astype(np.float64)
    f_bar = f.mean(axis=0)
    bias2 = float(np.mean((f_bar - truth.astype(np.float64)) ** 2))
    variance = float(np.mean((f - f_bar) ** 2))
    return bias2, variance


def f_lazy(x, x_train, y_hat_train, other=0.0):
    r"""The lazy function: the training label for an input seen in training, a fixed guess otherwise.

    .. math::

        f_{\text{lazy}}(x) = \begin{cases} \hat y_n & \text{if } x = x_n \text{ for a training example } n \\
                                         \text{other} & \text{otherwise} \end{cases}

    If every function were a candidate, this one would be picked: its loss on the training
    data is zero (when no input appears twice with different labels), and it knows nothing
    about any other input. An input seen several times with different labels gets their
    mean, the value with the least square error on them. Inputs match only when exactly
    equal (all features); a NaN matches nothing.

    Concept: generalize.lazy

    Slides: 004 (:math:`f_{\text{lazy}}(\cdot) = 10, 20, 30`, :math:`f_{\text{lazy}}(\text{Other}) = 0`:
    "在訓練資料上的 Loss 為 0", "在驗證資料上的 Loss 炸裂").

    Parameters
    ----------
    x : ndarray (N,) or (N, D), float32 or float64 — the inputs to answer
    x_train : ndarray (M,) or (M, D), ``x``'s dtype and number of axes — the memorised inputs
    y_hat_train : ndarray (M,), the same dtype — their labels
    other : float — the answer for an input not seen (the slide's 0)

    Returns
    -------
    ndarray (N,), ``x``'s dtype
    """
    if np.ndim(x) == 2 or np.ndim(x_train) == 2:
        x, x_train, y_hat_train = _check.arrays("f_lazy", x=(x, "N, D"), x_train=(x_train, "M, D"),
                                                y_hat_train=(y_hat_train, "M"))
    else:
        x, x_train, y_hat_train = _check.arrays("f_lazy", x=(x, "N"), x_train=(x_train, "M"),
                                                y_hat_train=(y_hat_train, "M"))
    other = _check.real("f_lazy", "other", other)
    seen = {}
    for row, label in zip(x_train.reshape(x_train.shape[0], -1).tolist(), y_hat_train.tolist()):
        seen.setdefault(tuple(row), []).append(label)
    memory = {key: float(np.mean(labels)) for key, labels in seen.items()}
    out = [memory.get(tuple(row), other) for row in x.reshape(x.shape[0], -1).tolist()]
    return np.array(out, dtype=x.dtype)
