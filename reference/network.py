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

import numpy as np

from . import _check
from .activation_table import ACTIVATIONS, OUTPUTS   # the names the layers accept
from .activations import (hard_sigmoid_backward, hard_sigmoid_forward, leaky_relu_backward,
                          leaky_relu_forward, relu_backward, relu_forward, sigmoid_backward,
                          sigmoid_forward, softmax_backward, softmax_forward, tanh_backward,
                          tanh_forward)
from .linear import linear_backward, linear_forward


def _identity_forward(z):
    return z, None


def _identity_backward(da, cache):
    return (da,)


# Each activation name of the table (reference/activation_table.py, which also holds
# the backends' kernel codes) and the forward and backward that compute it.
_ACTIVATION = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "relu": (relu_forward, relu_backward),
    "hard_sigmoid": (hard_sigmoid_forward, hard_sigmoid_backward),
    "linear": (_identity_forward, _identity_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),     # the slide's alpha = 0.01
    "tanh": (tanh_forward, tanh_backward),
}
_OUTPUT = {
    "softmax": (softmax_forward, softmax_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "linear": (_identity_forward, _identity_backward),
}


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
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}

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
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"} — the hidden units

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


def neuron_forward(a, w, b, activation="sigmoid"):
    r"""One neuron: a weighted sum of its inputs plus a bias, through an activation.

    .. math::

        z = a_1 w_1 + \dots + a_k w_k + \dots + a_K w_K + b, \qquad a' = \sigma(z)

    The building block of every network on the slides; a dense layer is many of these
    side by side (:func:`~reference.network.dense_forward`), and the 2-3-2-1 network
    of 001 is written out neuron by neuron with it.

    Concept: model.neuron, model.mlp_neurons

    Slides: 003 "Neuron"; 002 "Neural Network"; 001 "Model = neural network".

    Parameters
    ----------
    a : ndarray (N, K), float32 or float64 — the neuron's K inputs, one row per example
    w : ndarray (K,) — one weight per input
    b : scalar — the bias
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}

    Returns
    -------
    y : ndarray (N,) — the neuron's output for each example
    cache : opaque, for :func:`neuron_backward`
    """
    a, w, b = _check.arrays("neuron_forward", a=(a, "N, K"), w=(w, "K"), b=(b, ""))
    _check.choice("neuron_forward", "activation", activation, ACTIVATIONS)
    forward, _ = _ACTIVATION[activation]
    z = a @ w + b
    y, act_cache = forward(z)
    return y, (a, w, act_cache, activation)


def neuron_backward(dy, cache):
    r"""Gradients of one neuron, by the chain rule.

    .. math::

        \frac{\partial L}{\partial z} = \frac{\partial L}{\partial y}\,\sigma'(z),\quad
        \frac{\partial L}{\partial w_k} = \sum_n \frac{\partial L}{\partial z_n} a_{nk},\quad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial z_n},\quad
        \frac{\partial L}{\partial a_{nk}} = \frac{\partial L}{\partial z_n} w_k

    Concept: model.neuron, backprop.chain

    Slides: 001 "Gradient decent to find optimal parameters" (the chain rule, weight by weight).

    Parameters
    ----------
    dy : ndarray (N,) — :math:`\partial L / \partial y`
    cache : from :func:`~reference.network.neuron_forward`

    Returns
    -------
    (da, dw, db) : (N, K), (K,), scalar
    """
    a, w, act_cache, activation = cache
    dy = _check.grad("neuron_backward", "dy", dy, (a.shape[0],), a.dtype)
    _, backward = _ACTIVATION[activation]
    (dz,) = backward(dy, act_cache)
    da = np.outer(dz, w)
    dw = dz @ a
    db = dz.sum()
    return da, dw, a.dtype.type(db)


def mlp_forward(x, *params, activation="sigmoid", output="softmax"):
    r"""A fully connected feedforward network, any depth, with a classifier's output layer.

    .. math::

        y = f(x) = \sigma_{\text{out}}\Big(W^L \cdots \sigma\big(W^2\,\sigma(W^1 x + b^1) + b^2\big) \cdots + b^L\Big)

    Layers 1 to L−1 use ``activation``; the last layer uses ``output``: a softmax for a
    classifier (each row of ``y`` is a distribution over the classes), a sigmoid (the
    worked example of 002/003 uses sigmoids everywhere) or nothing (``"linear"``).

    Concept: model.dense, model.fc_example, backprop.chain

    Slides: 002 "Matrix Operation", "Neural Network", "Output Layer as Multi-Class
    Classifier"; 003 "Fully Connect Feedforward Network", "Matrix Operation".

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    *params : ``W1, b1, ..., WL, bL`` — ``W_l`` is (H_l, H_{l-1}) with H_0 = D, one row
        per unit as in :func:`~reference.network.dense_forward`; ``b_l`` is (H_l,); L >= 1
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"} — the hidden layers
    output : {"softmax", "sigmoid", "linear"} — the last layer

    Returns
    -------
    y : ndarray (N, K) — K = H_L, the last layer's width
    cache : opaque, for :func:`mlp_backward`
    """
    x, params = _check.params_layers("mlp_forward", x, params)
    _check.choice("mlp_forward", "activation", activation, ACTIVATIONS)
    _check.choice("mlp_forward", "output", output, OUTPUTS)
    *hidden, W_L, b_L = params
    a = x
    caches = []
    for W_l, b_l in zip(hidden[0::2], hidden[1::2]):
        a, cache = dense_forward(a, W_l, b_l, activation)
        caches.append(cache)
    z, out_cache = dense_forward(a, W_L, b_L, "linear")     # the output layer's scores
    forward, _ = _OUTPUT[output]
    y, y_cache = forward(z)
    return y, (caches, out_cache, y_cache, output)


def mlp_backward(dy, cache):
    r"""Backpropagation through :func:`~reference.network.mlp_forward`, from the output down.

    .. math::

        \frac{\partial L}{\partial \mathbf{z}^L} = \sigma_{\text{out}}'\Big(\frac{\partial L}{\partial \mathbf{y}}\Big),
        \qquad
        \frac{\partial L}{\partial \mathbf{a}^{l-1}} = \Big(\frac{\partial L}{\partial \mathbf{z}^{l}}\Big) W^{l},
        \qquad
        \frac{\partial L}{\partial \mathbf{z}^{l-1}} = \frac{\partial L}{\partial \mathbf{a}^{l-1}} \odot \sigma'(\mathbf{z}^{l-1})

    The backward pass runs the network in reverse: each layer receives
    :math:`\partial L/\partial \mathbf{a}^l`, returns its weights' and biases'
    gradients and hands :math:`\partial L/\partial \mathbf{a}^{l-1}` down.

    Concept: backprop.chain

    Slides: 002 "Backpropagation"; 003 "Backpropagation"; 001 "Gradient decent to find
    optimal parameters".

    Parameters
    ----------
    dy : ndarray (N, K) — :math:`\partial L / \partial y`
    cache : from :func:`~reference.network.mlp_forward`

    Returns
    -------
    (dx, dW1, db1, ..., dWL, dbL) : in the order of the forward's inputs
    """
    caches, out_cache, y_cache, output = cache
    x_L, W_L, _, _ = out_cache
    dy = _check.grad("mlp_backward", "dy", dy, (x_L.shape[0], W_L.shape[0]), x_L.dtype)
    _, backward = _OUTPUT[output]
    (dz,) = backward(dy, y_cache)
    da, dW_L, db_L = dense_backward(dz, out_cache)
    grads = [dW_L, db_L]
    for layer_cache in reversed(caches):
        da, dW_l, db_l = dense_backward(da, layer_cache)
        grads = [dW_l, db_l] + grads
    return (da, *grads)
