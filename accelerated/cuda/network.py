r"""Networks on the GPU: neurons, dense layers, the linear read-out and classifier MLPs.

The twins of :mod:`reference.network`. A dense layer
:math:`\mathbf{a}' = \sigma(\mathbf{b}' + W'\mathbf{a})` is two kernels: the
tiled shared-memory product :math:`x W^T`, then one elementwise pass that adds
the bias and applies the activation (keeping :math:`z` only when the gradient
needs it). Its backward is the activation gradient, two tiled products
(:math:`\partial L/\partial x = \partial L/\partial r\, W` and
:math:`\partial L/\partial W = (\partial L/\partial r)^T x`) and a column sum for
:math:`\partial L/\partial b`. In :func:`network_backward` the read-out's
:math:`\partial L/\partial \mathbf a^L = \partial L/\partial y\ \mathbf c^T` is
fused into the top layer's activation gradient.

:func:`mlp_forward` runs the same layers with a softmax, sigmoid or linear output
layer (the softmax one thread per row, its bias added in the same pass);
:func:`neuron_forward` is one thread per example (the dot product in float64) and
one elementwise activation.
"""

from reference import _check
from reference.activation_table import (ACT_CODE, ACTIVATIONS, CACHES_OUTPUT, LINEAR, OUTPUT_CODE,
                                        OUTPUTS)

from . import _ops
from ._launch import (any_device, dev, empty, is_device, result, scalar_result,
                      simulator_paced)


@simulator_paced
def dense_forward(x, W, b, activation="sigmoid"):
    r"""One fully connected layer on a batch.

    .. math::

        \mathbf{a}' = \sigma(\mathbf{b}' + W' \mathbf{a}), \qquad
        r_i = b_i + \sum_j w_{ij} x_j, \quad a_i = \sigma(r_i)

    Concept: model.dense, model.matrix_form. Slides: 000 "r = b + Wx"; 002 "Matrix
    Operation"; 003 "Fully Connect Feedforward Network".

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    W : (H, D) — one row per unit
    b : (H,) — one bias per unit
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}

    Returns
    -------
    a : (N, H), on the device if any argument was
    cache : opaque, for :func:`dense_backward`
    """
    on_device = any_device(x, W, b)
    x, W, b = _check.arrays("dense_forward", x=(x, "N, D"), W=(W, "H, D"), b=(b, "H"))
    _check.choice("dense_forward", "activation", activation, ACTIVATIONS)
    xd, Wd = dev(x), dev(W)
    kind = ACT_CODE[activation]
    a, act_cache = _ops.dense_forward(xd, Wd, dev(b), kind)
    return result(a, on_device), (xd, Wd, act_cache, kind, on_device)


def _dense_backward(da, layer_cache, want_dx=True):
    """``(dx, dW, db)`` on the device from ``dL/da``; ``dx`` is None if not wanted."""
    xd, Wd, act_cache, kind, _ = layer_cache
    dr = da if kind == LINEAR else _ops.activation_backward(da, act_cache, kind)
    return _dense_backward_from_dr(dr, layer_cache, want_dx)


def _dense_backward_from_dr(dr, layer_cache, want_dx=True):
    xd, Wd = layer_cache[0], layer_cache[1]
    dW = empty(Wd.shape, xd.dtype)
    db = empty(Wd.shape[0], xd.dtype)
    _ops.dense_backward_params(dr, xd, dW, db)
    dx = _ops.gemm(dr, Wd, empty(xd.shape, xd.dtype), 0, 0) if want_dx else None
    return dx, dW, db


@simulator_paced
def dense_backward(da, cache):
    r"""Gradients of a dense layer, by the chain rule through :math:`r = b + Wx`.

    .. math::

        \frac{\partial L}{\partial r} = \frac{\partial L}{\partial a}\,\sigma'(r),\quad
        \frac{\partial L}{\partial W} = \Big(\frac{\partial L}{\partial r}\Big)^T x,\quad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial r_n},\quad
        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial r} W

    Concept: model.dense, backprop.chain. Slides: 002 "Backpropagation".

    Parameters
    ----------
    da : (N, H) — :math:`\partial L / \partial a`, the forward output's dtype
    cache : from :func:`dense_forward`

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,)
    """
    xd, Wd, _, _, on_device = cache
    on_device = on_device or is_device(da)
    da = _check.grad("dense_backward", "da", da, (xd.shape[0], Wd.shape[0]), xd.dtype)
    dx, dW, db = _dense_backward(dev(da), cache)
    return result(dx, on_device), result(dW, on_device), result(db, on_device)


@simulator_paced
def network_forward(x, *params, activation="sigmoid"):
    r"""A network of dense layers with the slides' linear read-out.

    .. math::

        \mathbf{a}^1 = \sigma(\mathbf{b}^1 + W^1 \mathbf{x}),\quad
        \mathbf{a}^{l} = \sigma(\mathbf{b}^{l} + W^{l} \mathbf{a}^{l-1}),\quad
        y = b + \mathbf{c}^T \mathbf{a}^L

    Two kernels per dense layer and one for the read-out; everything stays on the
    device between them.

    Concept: model.sigmoid_sum, model.matrix_form, model.relu_sum, model.dense.
    Slides: 000 "New Model: More Features", "Sigmoid → ReLU"; 004.

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    *params : ``W1, b1, ..., WL, bL, c, b`` — ``W_l`` is (H_l, H_{l-1}) with
        H_0 = D, ``b_l`` is (H_l,), ``c`` is (H_L,), ``b`` a scalar
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}

    Returns
    -------
    y : (N,), on the device if any argument was
    cache : opaque, for :func:`network_backward`
    """
    on_device = any_device(x, *params)
    x, params = _check.params_chain("network_forward", x, params)
    _check.choice("network_forward", "activation", activation, ACTIVATIONS)
    kind = ACT_CODE[activation]
    *hidden, c, b = (dev(p) for p in params)
    a = dev(x)
    caches = []
    for W_l, b_l in zip(hidden[0::2], hidden[1::2]):
        a_next, act_cache = _ops.dense_forward(a, W_l, b_l, kind)
        caches.append((a, W_l, act_cache, kind, on_device))
        a = a_next
    y = _ops.linear_forward(a, c, b)
    return result(y, on_device), (caches, (a, c), on_device)


@simulator_paced
def network_backward(dy, cache):
    r"""Backpropagation through :func:`network_forward`, layer by layer from the top.

    .. math::

        \frac{\partial e}{\partial w_{57}} = \frac{\partial e}{\partial y_1}
        \frac{\partial y_1}{\partial n_7} \frac{\partial n_7}{\partial w_{57}}

    Concept: backprop.chain. Slides: 001 "Gradient decent to find optimal
    parameters"; 002 "Backpropagation".

    Parameters
    ----------
    dy : (N,) — :math:`\partial L / \partial y`
    cache : from :func:`network_forward`

    Returns
    -------
    (dx, dW1, db1, ..., dWL, dbL, dc, db) : in the order of the forward's inputs;
        ``db`` a NumPy scalar, or a 0-d device array in device mode
    """
    caches, (a_L, c), on_device = cache
    on_device = on_device or is_device(dy)
    dy = _check.grad("network_backward", "dy", dy, (a_L.shape[0],), a_L.dtype)
    dyd = dev(dy)
    dc = empty(c.shape[0], c.dtype)
    db = empty((), c.dtype)
    _ops.colsum(a_L, dyd, dc, db)
    grads = []
    if not caches:
        dx = _ops.outer(dyd, c)
    else:
        top = caches[-1]
        dr = _ops.readout_act_backward(dyd, c, top[2], top[3], empty(a_L.shape, a_L.dtype))
        for l in range(len(caches) - 1, -1, -1):
            da_below, dW_l, db_l = _dense_backward_from_dr(dr, caches[l])
            grads = [dW_l, db_l] + grads
            if l > 0:
                below = caches[l - 1]
                dr = da_below if below[3] == LINEAR else \
                    _ops.activation_backward(da_below, below[2], below[3], out=da_below)
            else:
                dx = da_below
    out = [result(g, on_device) for g in [dx] + grads + [dc]]
    return (*out, scalar_result(db, on_device))


@simulator_paced
def neuron_forward(a, w, b, activation="sigmoid"):
    r"""One neuron: a weighted sum of its inputs plus a bias, through an activation.

    .. math::

        z = a_1 w_1 + \dots + a_k w_k + \dots + a_K w_K + b, \qquad a' = \sigma(z)

    One thread per example (the sum in float64), then one elementwise activation.

    Concept: model.neuron, model.mlp_neurons

    Slides: 003 "Neuron"; 002 "Neural Network"; 001 "Model = neural network".

    Parameters
    ----------
    a : ndarray or device array (N, K), float32 or float64 — the neuron's K inputs
    w : (K,) — one weight per input
    b : scalar — the bias
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}

    Returns
    -------
    y : (N,), on the device if any argument was
    cache : opaque, for :func:`neuron_backward`
    """
    on_device = any_device(a, w, b)
    a, w, b = _check.arrays("neuron_forward", a=(a, "N, K"), w=(w, "K"), b=(b, ""))
    _check.choice("neuron_forward", "activation", activation, ACTIVATIONS)
    kind = ACT_CODE[activation]
    ad, wd = dev(a), dev(w)
    z = _ops.linear_forward(ad, wd, dev(b))
    if kind == LINEAR:
        y, act_cache = z, None
    else:
        y = _ops.activation_forward(z, kind)
        act_cache = y if kind in CACHES_OUTPUT else z
    return result(y, on_device), (ad, wd, act_cache, kind, on_device)


@simulator_paced
def neuron_backward(dy, cache):
    r"""Gradients of one neuron, by the chain rule.

    .. math::

        \frac{\partial L}{\partial z} = \frac{\partial L}{\partial y}\,\sigma'(z),\quad
        \frac{\partial L}{\partial w_k} = \sum_n \frac{\partial L}{\partial z_n} a_{nk},\quad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial z_n},\quad
        \frac{\partial L}{\partial a_{nk}} = \frac{\partial L}{\partial z_n} w_k

    The activation gradient, an outer product, and one column sum for
    :math:`\partial L/\partial w` and :math:`\partial L/\partial b` together.

    Concept: model.neuron, backprop.chain

    Slides: 001 "Gradient decent to find optimal parameters".

    Parameters
    ----------
    dy : (N,) — :math:`\partial L / \partial y`
    cache : from :func:`neuron_forward`

    Returns
    -------
    (da, dw, db) : (N, K), (K,), scalar — ``db`` a NumPy scalar, or a 0-d device
        array in device mode
    """
    ad, wd, act_cache, kind, on_device = cache
    on_device = on_device or is_device(dy)
    dy = _check.grad("neuron_backward", "dy", dy, (ad.shape[0],), ad.dtype)
    dyd = dev(dy)
    dz = dyd if kind == LINEAR else _ops.activation_backward(dyd, act_cache, kind)
    da, dw, db = _ops.linear_backward(dz, ad, wd)
    return result(da, on_device), result(dw, on_device), scalar_result(db, on_device)


@simulator_paced
def mlp_forward(x, *params, activation="sigmoid", output="softmax"):
    r"""A fully connected feedforward network, any depth, with a classifier's output layer.

    .. math::

        y = f(x) = \sigma_{\text{out}}\Big(W^L \cdots \sigma\big(W^2\,\sigma(W^1 x + b^1) + b^2\big) \cdots + b^L\Big)

    Two kernels per layer: the tiled product, then the bias and the activation in one
    pass (for a softmax output, one thread per row adds the bias and normalises).

    Concept: model.dense, model.fc_example, backprop.chain

    Slides: 002 "Matrix Operation", "Neural Network", "Output Layer as Multi-Class
    Classifier"; 003 "Fully Connect Feedforward Network", "Matrix Operation".

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    *params : ``W1, b1, ..., WL, bL`` — ``W_l`` is (H_l, H_{l-1}) with H_0 = D,
        ``b_l`` is (H_l,); L >= 1
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"} — the hidden layers
    output : {"softmax", "sigmoid", "linear"} — the last layer

    Returns
    -------
    y : (N, K), on the device if any argument was
    cache : opaque, for :func:`mlp_backward`
    """
    on_device = any_device(x, *params)
    x, params = _check.params_layers("mlp_forward", x, params)
    _check.choice("mlp_forward", "activation", activation, ACTIVATIONS)
    _check.choice("mlp_forward", "output", output, OUTPUTS)
    kind, out_kind = ACT_CODE[activation], OUTPUT_CODE[output]
    *hidden, W_L, b_L = (dev(p) for p in params)
    a = dev(x)
    caches = []
    for W_l, b_l in zip(hidden[0::2], hidden[1::2]):
        a_next, act_cache = _ops.dense_forward(a, W_l, b_l, kind)
        caches.append((a, W_l, act_cache, kind, on_device))
        a = a_next
    y, out_cache = _ops.dense_forward(a, W_L, b_L, out_kind)
    return result(y, on_device), (caches, (a, W_L, out_cache, out_kind, on_device), on_device)


@simulator_paced
def mlp_backward(dy, cache):
    r"""Backpropagation through :func:`mlp_forward`, from the output down.

    .. math::

        \frac{\partial L}{\partial \mathbf{z}^L} = \sigma_{\text{out}}'\Big(\frac{\partial L}{\partial \mathbf{y}}\Big),
        \qquad
        \frac{\partial L}{\partial \mathbf{a}^{l-1}} = \Big(\frac{\partial L}{\partial \mathbf{z}^{l}}\Big) W^{l},
        \qquad
        \frac{\partial L}{\partial \mathbf{z}^{l-1}} = \frac{\partial L}{\partial \mathbf{a}^{l-1}} \odot \sigma'(\mathbf{z}^{l-1})

    Per layer: the activation gradient (the softmax's row rule at the top), two
    tiled products and one column sum.

    Concept: backprop.chain

    Slides: 002 "Backpropagation"; 003 "Backpropagation".

    Parameters
    ----------
    dy : (N, K) — :math:`\partial L / \partial y`
    cache : from :func:`mlp_forward`

    Returns
    -------
    (dx, dW1, db1, ..., dWL, dbL) : in the order of the forward's inputs
    """
    caches, top, on_device = cache
    a_L, W_L, out_cache, out_kind, _ = top
    on_device = on_device or is_device(dy)
    dy = _check.grad("mlp_backward", "dy", dy, (a_L.shape[0], W_L.shape[0]), a_L.dtype)
    dz = _ops.output_backward(dev(dy), out_cache, out_kind)
    da, dW_L, db_L = _dense_backward_from_dr(dz, top)
    grads = [dW_L, db_L]
    for layer in reversed(caches):
        da, dW_l, db_l = _dense_backward(da, layer)
        grads = [dW_l, db_l] + grads
    return tuple(result(g, on_device) for g in [da] + grads)
