r"""Networks of sigmoids and ReLUs: lecture 1's flexible models, then deep ones.

``000`` grows the linear model into a sum of sigmoids,

.. math::

    y = b + \sum_i c_i\, \mathrm{sigmoid}\Big(b_i + \sum_j w_{ij} x_j\Big)
      = b + \mathbf{c}^T \sigma(\mathbf{b} + W \mathbf{x}),

swaps the sigmoid for the ReLU, and stacks the hidden layer,
:math:`\mathbf{a}' = \sigma(\mathbf{b}' + W'\mathbf{a})`, into a deep network.
Here a *dense layer* is one :math:`\mathbf{a}' = \sigma(\mathbf{b}' + W'\mathbf{a})`
and a *network* is dense layers followed by the slide's linear read-out
:math:`y = b + \mathbf{c}^T \mathbf{a}`.

Layouts follow the slides: :math:`W` has one row per unit :math:`i` and one column
per input :math:`j` (:math:`w_{ij}` is the weight of :math:`x_j` in unit
:math:`i`), and each row of ``x`` is one example, so a batch computes
``r = b + x @ W.T``.
"""

from . import _check
from .activations import (hard_sigmoid_backward, hard_sigmoid_forward, relu_backward,
                          relu_forward, sigmoid_backward, sigmoid_forward)
from .linear import linear_backward, linear_forward


def _identity_forward(z):
    return z, None


def _identity_backward(da, cache):
    return (da,)


_ACTIVATION = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "relu": (relu_forward, relu_backward),
    "hard_sigmoid": (hard_sigmoid_forward, hard_sigmoid_backward),
    "linear": (_identity_forward, _identity_backward),
}
#: The activation names that :func:`~reference.network.dense_forward` and :func:`~reference.network.network_forward` accept.
ACTIVATIONS = tuple(_ACTIVATION)


def dense_forward(x, W, b, activation="sigmoid"):
    r"""One fully connected layer on a batch.

    .. math::

        \mathbf{a}' = \sigma(\mathbf{b}' + W' \mathbf{a}), \qquad
        r_i = b_i + \sum_j w_{ij} x_j, \quad a_i = \sigma(r_i)

    Concept: model.dense, model.matrix_form


    Slides: 000 "r = b + Wx", "Even more
    variety of models"; 002 "Matrix Operation"; 003 "Fully Connect Feedforward Network".

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64 — the layer's input :math:`\mathbf a`, one row per example
    W : ndarray (H, D) — :math:`w_{ij}`, one row per unit
    b : ndarray (H,) — one bias per unit
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear"}

    Returns
    -------
    a : ndarray (N, H)
    cache : opaque, for :func:`dense_backward`
    """
    x, W, b = _check.arrays("dense_forward", x=(x, "N, D"), W=(W, "H, D"), b=(b, "H"))
    _check.choice("dense_forward", "activation", activation, ACTIVATIONS)
    forward, _ = _ACTIVATION[activation]
    r = b + x @ W.T
    a, act_cache = forward(r)
    return a, (x, W, act_cache, activation)


def dense_backward(da, cache):
    r"""Gradients of a dense layer, by the chain rule through :math:`r = b + Wx`.

    .. math::

        \frac{\partial L}{\partial r} = \frac{\partial L}{\partial a}\,\sigma'(r),\quad
        \frac{\partial L}{\partial W} = \Big(\frac{\partial L}{\partial r}\Big)^T x,\quad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial r_n},\quad
        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial r} W

    Concept: model.dense, backprop.chain


    Slides: 001 "Gradient decent to find optimal
    parameters"; 002 "Backpropagation".

    Parameters
    ----------
    da : ndarray (N, H) — :math:`\partial L / \partial a`, the forward output's dtype
    cache : from :func:`~reference.network.dense_forward`

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,)
    """
    x, W, act_cache, activation = cache
    da = _check.grad("dense_backward", "da", da, (x.shape[0], W.shape[0]), x.dtype)
    _, backward = _ACTIVATION[activation]
    (dr,) = backward(da, act_cache)
    dx = dr @ W
    dW = dr.T @ x
    db = dr.sum(axis=0)
    return dx, dW, db


def network_forward(x, *params, activation="sigmoid"):
    r"""A network of dense layers with the slides' linear read-out.

    .. math::

        \mathbf{a}^1 = \sigma(\mathbf{b}^1 + W^1 \mathbf{x}),\quad
        \mathbf{a}^{l} = \sigma(\mathbf{b}^{l} + W^{l} \mathbf{a}^{l-1}),\quad
        y = b + \mathbf{c}^T \mathbf{a}^L

    With one hidden layer this is the sum of sigmoids
    :math:`y = b + \sum_i c_i\,\mathrm{sigmoid}(b_i + \sum_j w_{ij} x_j)`; with
    ``activation="relu"`` the sum of ReLUs; with ``"hard_sigmoid"`` the sum of hard
    sigmoids that makes any piecewise linear curve; with no hidden layer at all
    (``params = (c, b)``) the linear model.

    Concept: model.sigmoid_sum, model.matrix_form, model.relu_sum, model.dense.
    Slides: 000 "New Model: More Features", "Sigmoid → ReLU", "Even more variety of
    models"; 004 :math:`y = b + \sum_{i=1}^H c_i \max(0, w_{i,1}x_1 + b_i)`.

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    *params : ``W1, b1, W2, b2, ..., WL, bL, c, b`` — ``W_l`` is (H_l, H_{l-1})
        with H_0 = D, ``b_l`` is (H_l,), ``c`` is (H_L,), ``b`` a scalar
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear"} — the hidden units

    Returns
    -------
    y : ndarray (N,)
    cache : opaque, for :func:`network_backward`
    """
    x, params = _check.params_chain("network_forward", x, params)
    _check.choice("network_forward", "activation", activation, ACTIVATIONS)
    *hidden, c, b = params
    a = x
    caches = []
    for W_l, b_l in zip(hidden[0::2], hidden[1::2]):
        a, cache = dense_forward(a, W_l, b_l, activation)
        caches.append(cache)
    y, out_cache = linear_forward(a, c, b)
    return y, (caches, out_cache)


def network_backward(dy, cache):
    r"""Backpropagation through :func:`~reference.network.network_forward`: the chain rule, layer by layer from the top.

    .. math::

        \frac{\partial e}{\partial w_{57}} = \frac{\partial e}{\partial y_1}
        \frac{\partial y_1}{\partial n_7} \frac{\partial n_7}{\partial w_{57}}

    Each layer turns :math:`\partial L/\partial \mathbf{a}^l` into its parameters'
    gradients and :math:`\partial L/\partial \mathbf{a}^{l-1}`, which it hands down.

    Concept: backprop.chain


    Slides: 001 "Gradient decent to find optimal
    parameters"; 002 "Backpropagation"; 003 "Backpropagation".

    Parameters
    ----------
    dy : ndarray (N,) — :math:`\partial L / \partial y`
    cache : from :func:`~reference.network.network_forward`

    Returns
    -------
    (dx, dW1, db1, ..., dWL, dbL, dc, db) : in the order of the forward's inputs
    """
    caches, out_cache = cache
    a_L, _ = out_cache
    dy = _check.grad("network_backward", "dy", dy, (a_L.shape[0],), a_L.dtype)
    da, dc, db = linear_backward(dy, out_cache)
    grads = [dc, db]
    for layer_cache in reversed(caches):
        da, dW_l, db_l = dense_backward(da, layer_cache)
        grads = [dW_l, db_l] + grads
    return (da, *grads)
