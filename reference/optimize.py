r"""Optimization: step 3 of lecture 1, finding the parameters with the smallest loss.

``004`` first solves linear regression in closed form, then says we need something
more general: gradient descent (``000``, ``004`` "Gradient Descent"), its loop, and
its mini-batch form where each update sees one batch and an epoch sees them all.
"""

import numpy as np

from . import _check
from .linear import linear_backward, linear_forward
from .losses import LOSSES, mae, mse, softmax_cross_entropy
from .optimizers import sgd_update
from .regularize import dropout_backward, dropout_forward
from .network import (ACTIVATIONS, OUTPUTS, dense_backward, dense_forward, mlp_backward, mlp_forward,
                      network_backward, network_forward)

_LOSS = {"mse": mse, "mae": mae}
#: The losses :func:`mlp_epoch` trains with ("cross_entropy" is fused with the softmax output).
MLP_LOSSES = ("mse", "mae", "cross_entropy")


def _solve_normal_equations(fn, XtX, Xty):
    """Solve ``XtX theta = Xty`` in float64, with one error for a singular system.

    Shared by every backend's :func:`closed_form`: the backends differ in how they
    form :math:`X^T X` and :math:`X^T \\hat y`, not in how the small system is solved.
    """
    XtX = np.asarray(XtX, dtype=np.float64)
    Xty = np.asarray(Xty, dtype=np.float64)
    if not np.all(np.isfinite(XtX)) or np.linalg.cond(XtX) > 1 / np.finfo(np.float64).eps:
        raise ValueError(
            f"{fn}: X^T X is singular: the columns of x and the column of ones for b are "
            f"linearly dependent (or N < D + 1), so the least-squares solution is not unique")
    return np.linalg.solve(XtX, Xty)


def closed_form(x, y_hat):
    r"""The least-squares solution of linear regression, in closed form.

    .. math::

        \mathbf{w}^* = (X^T X)^{-1} X^T \hat{\mathbf{y}}

    where :math:`X` is ``x`` with a column of ones appended, so that the last entry
    of :math:`\mathbf{w}^*` is the bias :math:`b^*`. The system is solved (not
    inverted), and in float64 whatever the input dtype: forming :math:`X^T X`
    squares the condition number of ``x``, which float32 cannot afford with
    features in the thousands of views. The result is returned in ``x``'s dtype.

    Concept: opt.closed_form


    Slides: 004 "Closed-form Solution (有公式解)".

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    y_hat : ndarray (N,) — the labels

    Returns
    -------
    w : ndarray (D,)
    b : scalar

    Raises
    ------
    ValueError
        If :math:`X^T X` is singular (fewer examples than parameters, or dependent columns).
    """
    x, y_hat = _check.arrays("closed_form", x=(x, "N, D"), y_hat=(y_hat, "N"))
    X = np.column_stack([x, np.ones(x.shape[0])]).astype(np.float64)
    theta = _solve_normal_equations("closed_form", X.T @ X, X.T @ y_hat.astype(np.float64))
    w, b = theta[:-1], theta[-1]
    return w.astype(x.dtype), x.dtype.type(b)


def gd_step(theta, g, eta):
    r"""One gradient-descent update.

    .. math::

        \boldsymbol\theta^1 \leftarrow \boldsymbol\theta^0 - \eta\, \mathbf{g},
        \qquad \mathbf{g} = \nabla L(\boldsymbol\theta^0)

    Concept: gd.step


    Slides: 000 "Optimization of New Model"; 001 "Gradient decent";
    004 "Gradient Descent".

    Parameters
    ----------
    theta : ndarray, any shape, float32 or float64 (a scalar parameter is a 0-d array)
    g : ndarray, ``theta``'s shape and dtype — the gradient at ``theta``
    eta : float > 0 — the learning rate :math:`\eta`

    Returns
    -------
    theta : ndarray, a new array (the input is not changed)
    """
    theta = _check.arrays("gd_step", theta=(theta, "..."))
    g = _check.same_shape("gd_step", "g", g, "theta", theta)
    eta = _check.positive("gd_step", "eta", eta)
    return (theta - eta * g).astype(theta.dtype, copy=False)


def linear_gd(x, y_hat, w, b, eta, steps, loss="mse"):
    r"""Gradient descent on the linear model, keeping the whole path.

    .. math::

        w^{t+1} \leftarrow w^t - \eta \frac{\partial L}{\partial w}\Big|_{w^t, b^t},
        \qquad
        b^{t+1} \leftarrow b^t - \eta \frac{\partial L}{\partial b}\Big|_{w^t, b^t}

    Every update uses all N examples (full batch). The caller picks the initial
    values — at random, or the slide's :math:`w^0 = 1.0,\ b^0 = 15.0` — and sees
    where the path goes, including how slowly it crawls when :math:`\eta` is small.

    Concept: gd.loop, gd.step


    Slides: 000 "Optimization", "Update w and b
    iteratively"; 004 "概念很簡單，做起來不容易" (:math:`\eta = 0.001`, then
    0.0001; 100, 1,000 and 10,000 updates).

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    y_hat : ndarray (N,)
    w : ndarray (D,) — :math:`w^0`
    b : scalar — :math:`b^0`
    eta : float > 0
    steps : int >= 0 — the number of updates
    loss : {"mse", "mae"}

    Returns
    -------
    w_path : ndarray (steps + 1, D) — ``w_path[t]`` is :math:`w^t`
    b_path : ndarray (steps + 1,)
    L_path : ndarray (steps + 1,) — the loss at :math:`(w^t, b^t)`
    """
    x, y_hat, w, b = _check.arrays(
        "linear_gd", x=(x, "N, D"), y_hat=(y_hat, "N"), w=(w, "D"), b=(b, ""))
    eta = _check.positive("linear_gd", "eta", eta)
    steps = _check.count("linear_gd", "steps", steps, minimum=0)
    _check.choice("linear_gd", "loss", loss, LOSSES)
    w_path = np.empty((steps + 1, w.size), dtype=x.dtype)
    b_path = np.empty(steps + 1, dtype=x.dtype)
    L_path = np.empty(steps + 1, dtype=x.dtype)
    for t in range(steps + 1):
        w_path[t], b_path[t] = w, b
        y, cache = linear_forward(x, w, b)
        L_path[t], dL_dy = _LOSS[loss](y, y_hat)
        if t == steps:
            break
        _, dw, db = linear_backward(dL_dy, cache)
        w = gd_step(w, dw, eta)
        b = gd_step(b, db, eta)
    return w_path, b_path, L_path


def network_epoch(x, y_hat, *params, order=None, batch_size=1, eta=0.01,
                  activation="sigmoid", loss="mse"):
    r"""One epoch of mini-batch gradient descent on :func:`~reference.network.network_forward`.

    .. math::

        \mathbf{g} = \nabla L^k(\boldsymbol\theta^{k-1}),\qquad
        \boldsymbol\theta^{k} \leftarrow \boldsymbol\theta^{k-1} - \eta\,\mathbf{g},
        \qquad k = 1, \dots, \lceil N / B \rceil

    The examples are taken in ``order`` and cut into batches of ``batch_size``;
    each batch's own loss :math:`L^k` gives one update, and the epoch ends when
    every batch has been seen once: :math:`\lceil N/B \rceil` updates
    (N = 10,000, B = 10 → 1,000; N = 1,000, B = 100 → 10). The last batch is
    smaller when B does not divide N. ``batch_size = N`` is full-batch gradient
    descent; ``batch_size = 1`` is stochastic gradient descent. Shuffling is the
    caller's: draw ``order`` from a ``numpy.random.Generator`` each epoch
    (:func:`reference.data.epoch_order`).

    With ``params = (c, b)`` (no hidden layer) this trains the linear model.

    Concept: batch.minibatch, batch.epoch, batch.sizes


    Slides: 000 "Optimization of
    New Model" (1 epoch = see all the batches once; Example 1, Example 2); 003
    "Mini-batch"; 004 "N/B updates (iterations) in one epoch", "Shuffle".

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    y_hat : ndarray (N,)
    *params : as for :func:`~reference.network.network_forward`
    order : ndarray (N,) of int, a permutation of ``range(N)``; ``None`` keeps the given order
    batch_size : int >= 1 (B)
    eta : float > 0
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear"}
    loss : {"mse", "mae"}

    Returns
    -------
    params : tuple — the parameters after the epoch (new arrays; the inputs are not changed)
    losses : ndarray (ceil(N / B),) — :math:`L^k` of each batch, before its update
    """
    x, params, y_hat = _check.params_chain("network_epoch", x, params, y_hat=(y_hat, "N"))
    N = x.shape[0]
    order = np.arange(N) if order is None else _check.order("network_epoch", "order", order, N)
    batch_size = _check.count("network_epoch", "batch_size", batch_size)
    eta = _check.positive("network_epoch", "eta", eta)
    _check.choice("network_epoch", "activation", activation, ACTIVATIONS)
    _check.choice("network_epoch", "loss", loss, LOSSES)
    losses = []
    for start in range(0, N, batch_size):
        batch = order[start:start + batch_size]
        y, cache = network_forward(x[batch], *params, activation=activation)
        L, dL_dy = _LOSS[loss](y, y_hat[batch])
        _, *grads = network_backward(dL_dy, cache)
        params = tuple(gd_step(theta, g, eta) for theta, g in zip(params, grads))
        losses.append(L)
    return params, np.array(losses, dtype=x.dtype)


def mlp_epoch(x, y_hat, *params, order=None, batch_size=32, eta=0.01, activation="sigmoid",
              output="softmax", loss="cross_entropy", masks=None, rates=None):
    r"""One epoch of mini-batch SGD on :func:`~reference.network.mlp_forward`.

    .. math::

        \mathbf{g} = \nabla L^k(\boldsymbol\theta^{k-1}),\qquad
        \boldsymbol\theta^{k} \leftarrow \boldsymbol\theta^{k-1} - \eta\,\mathbf{g},
        \qquad k = 1, \dots, \lceil N / B \rceil

    What Keras's ``model.fit(x, y, batch_size=B)`` does in one epoch with ``SGD(lr=η)``:
    the examples are taken in ``order`` and cut into batches of ``batch_size`` (the
    last one smaller when B does not divide N); each batch's own loss :math:`L^k`
    gives one update. ``loss="cross_entropy"`` needs ``output="softmax"`` and uses
    :func:`~reference.losses.softmax_cross_entropy` on the output layer's scores;
    ``"mse"`` and ``"mae"`` average over all N×K entries (as Keras does).

    Dropout (Keras's inverted form, :func:`~reference.regularize.dropout_forward`): with
    ``masks``, the input of dense layer ``l`` is multiplied by ``masks[l-1]`` and scaled
    by :math:`1/(1-p_l)` before the layer, and the gradient is taken through the same
    mask. The masks are data, drawn on the host beforehand (one row per example, in the
    order the epoch takes them: batch ``k`` uses rows ``kB`` to ``kB + n_k - 1``), so
    the epoch stays a pure function and every backend applies the same masks.

    Concept: batch.minibatch, batch.epoch, optim.sgd, backprop.chain, regularize.dropout

    Slides: 003 "Mini-batch" (``model.fit(x_train, y_train, batch_size=100,
    nb_epoch=20)``), "Keras"; 002 "Gradient Descent", "Backpropagation".

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    y_hat : ndarray (N, K) — the targets (one-hot rows for a classifier)
    *params : as for :func:`~reference.network.mlp_forward`
    order : ndarray (N,) of int, a permutation of ``range(N)``; ``None`` keeps the given order
    batch_size : int >= 1 (B)
    eta : float > 0
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"} — the hidden layers
    output : {"softmax", "sigmoid", "linear"}
    loss : {"mse", "mae", "cross_entropy"}
    masks : None, or a list of L entries, one per dense layer: None (the layer's input is
        kept whole) or an ndarray (N, H_{l-1}) of x's dtype holding 0 (dropped) and 1 (kept),
        row ``i`` for the ``i``-th example taken (``order[i]``)
    rates : None (with ``masks=None``), or a list of L numbers: the dropout rate
        :math:`p_l \in [0, 1)` each mask was drawn with, 0 where the mask is None

    Returns
    -------
    params : tuple — the parameters after the epoch (new arrays; the inputs are not changed)
    losses : ndarray (ceil(N / B),) — :math:`L^k` of each batch, before its update
    """
    x, params, y_hat = _check.params_layers("mlp_epoch", x, params, y_hat=(y_hat, "N, K"))
    N = x.shape[0]
    order = np.arange(N) if order is None else _check.order("mlp_epoch", "order", order, N)
    batch_size = _check.count("mlp_epoch", "batch_size", batch_size)
    eta = _check.positive("mlp_epoch", "eta", eta)
    _check.choice("mlp_epoch", "activation", activation, ACTIVATIONS)
    _check.choice("mlp_epoch", "output", output, OUTPUTS)
    _check.choice("mlp_epoch", "loss", loss, MLP_LOSSES)
    if loss == "cross_entropy" and output != "softmax":
        raise ValueError(f"mlp_epoch: loss 'cross_entropy' needs output 'softmax'; got output {output!r}")
    masks, rates = _check.dropout_masks("mlp_epoch", masks, rates, x, params)
    if masks is not None:
        return _mlp_dropout_epoch(x, y_hat, params, order, batch_size, eta, activation, output, loss, masks, rates)
    losses = []
    for start in range(0, N, batch_size):
        batch = order[start:start + batch_size]
        if loss == "cross_entropy":
            # The scores z of the last layer go into the fused, stable softmax + cross entropy.
            z, cache = mlp_forward(x[batch], *params, activation=activation, output="linear")
            L, dL_dz = softmax_cross_entropy(z, y_hat[batch])
            _, *grads = mlp_backward(dL_dz, cache)
        else:
            y, cache = mlp_forward(x[batch], *params, activation=activation, output=output)
            L, dL_dy = _LOSS[loss](y, y_hat[batch])
            _, *grads = mlp_backward(dL_dy, cache)
        params = tuple(sgd_update(theta, g, (), eta)[0] for theta, g in zip(params, grads))
        losses.append(L)
    return params, np.array(losses, dtype=x.dtype)


def _mlp_dropout_epoch(x, y_hat, params, order, batch_size, eta, activation, output, loss, masks, rates):
    """:func:`mlp_epoch` with dropout on the inputs of the layers that have a mask (checked arguments).

    Layer by layer: ``dropout_forward`` (where layer ``l`` has a mask), then ``dense_forward``
    with the hidden activation; the last layer is :func:`~reference.network.mlp_forward` of one
    layer (its scores for the cross entropy, else its output). Backward in reverse, through the
    same masks.
    """
    N = x.shape[0]
    n_layers = len(params) // 2
    losses = []
    for start in range(0, N, batch_size):
        batch = order[start:start + batch_size]
        rows = slice(start, start + batch.size)
        a = x[batch]
        caches = []
        for l in range(n_layers):
            drop = None
            if masks[l] is not None:
                a, drop = dropout_forward(a, masks[l][rows], rates[l], inverted=True)
            W, b = params[2 * l], params[2 * l + 1]
            if l < n_layers - 1:
                a, cache = dense_forward(a, W, b, activation)
            else:
                a, cache = mlp_forward(a, W, b, activation=activation,
                                       output="linear" if loss == "cross_entropy" else output)
            caches.append((drop, cache))
        if loss == "cross_entropy":
            L, d = softmax_cross_entropy(a, y_hat[batch])
        else:
            L, d = _LOSS[loss](a, y_hat[batch])
        grads = []
        for l in reversed(range(n_layers)):
            drop, cache = caches[l]
            if l == n_layers - 1:
                d, dW, db = mlp_backward(d, cache)
            else:
                d, dW, db = dense_backward(d, cache)
            grads = [dW, db] + grads
            if drop is not None:
                (d,) = dropout_backward(d, drop)
        params = tuple(sgd_update(theta, g, (), eta)[0] for theta, g in zip(params, grads))
        losses.append(L)
    return params, np.array(losses, dtype=x.dtype)
