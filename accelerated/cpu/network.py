r"""Dense layers and networks on the CPU: :mod:`reference.network`, compiled with Numba.

What is fused, and why: a layer's cost is its matrix products, which go to BLAS
(``np.dot`` inside the kernels, through SciPy's BLAS bindings — the same kind of
library NumPy's ``@`` calls); everything around them is folded into one pass:

* forward: ``r = x @ W.T`` is written straight into the output array, then one pass
  adds the bias and applies the activation in place (the reference allocates
  ``x @ W.T``, ``b + …`` and several temporaries inside the activation);
* backward: one pass turns :math:`\partial L/\partial a` into
  :math:`\partial L/\partial r` and sums the bias gradient; for the top hidden layer
  that pass starts from :math:`\partial L/\partial y` and also sums the read-out's
  gradients :math:`\partial L/\partial \mathbf c` and :math:`\partial L/\partial b`, so the
  ``(N, H)`` array :math:`\partial L/\partial y\,\mathbf c^T` is never formed; below it,
  each layer's ``dr @ W`` is followed at once by the next layer's activation
  derivative in the same compiled call.

The same holds for :func:`~accelerated.cpu.network.mlp_forward`, whose output layer
adds the bias and applies the softmax (or the sigmoid) row by row in the pass after
its GEMM, and whose backward pass starts with one pass that turns
:math:`\partial L/\partial y` into :math:`\partial L/\partial z` (the softmax's
:math:`y(\partial L/\partial y - \sum_k \partial L/\partial y_k\,y_k)`) and sums the bias
gradient. :func:`~accelerated.cpu.network.neuron_forward` is the GEMV and one pass;
its backward pass is one pass over ``a`` for all three gradients. For an MLP layer
of at least :data:`~accelerated.cpu.network.NUMPY_BLAS_MIN` multiply-adds the products
are NumPy's, called from Python (its bundled OpenBLAS is faster than SciPy's at those
shapes, and a Python call costs nothing there); the fused passes stay compiled.

A layer keeps only its output ``a`` for the backward pass (every activation's
derivative is a function of its output; see :mod:`accelerated.cpu._fused`). The
loop over layers stays in Python: one compiled call per layer costs about a
microsecond, and lets one kernel serve networks of any depth.
"""

import numpy as np
from numba import njit

from reference import _check
from reference.activation_table import ACT_CODE, ACTIVATIONS, LEAKY_RELU_ALPHA, OUTPUT_CODE, OUTPUTS

from ._fused import act, act_grad, activation_grad, bias_activation, readout_grad
from .linear import _backward as _linear_backward
from .linear import _forward as _linear_forward


@njit(cache=True, error_model="numpy")
def _dense_forward(x, W, b, code):
    """``act(b + x @ W.T)``: the GEMM into the output, then one in-place pass."""
    a = np.empty((x.shape[0], W.shape[0]), x.dtype)
    np.dot(x, W.T, a)
    bias_activation(a, b, code)
    return a


@njit(cache=True, error_model="numpy")
def _dense_backward(da, a, x, W, code):
    """``dr = da * act'(a)`` and ``db`` in one pass, then ``dx = dr @ W``, ``dW = dr.T @ x``."""
    N, H = da.shape
    D = x.shape[1]
    dr = np.empty((N, H), da.dtype)
    db = np.empty(H, da.dtype)
    activation_grad(da, a, code, dr, db)
    dx = np.empty((N, D), da.dtype)
    np.dot(dr, W, dx)
    dW = np.empty((H, D), da.dtype)
    np.dot(dr.T, x, dW)
    return dx, dW, db


@njit(cache=True, error_model="numpy")
def _top_backward(dy, c, a, code):
    """The read-out and the top layer's activation: ``(dr, db_L, dc, db)``."""
    N, H = a.shape
    dr = np.empty((N, H), a.dtype)
    db_l = np.empty(H, a.dtype)
    dc = np.empty(H, a.dtype)
    db = readout_grad(dy, c, a, code, dr, db_l, dc)
    return dr, db_l, dc, db


@njit(cache=True, error_model="numpy")
def _layer_backward(dr, x, W, code, below):
    """``dW = dr.T @ x`` and ``dx = dr @ W``; when ``x`` is a hidden layer's output
    (``below``), ``dx`` becomes that layer's ``dr`` in place, with its bias gradient."""
    N, H = dr.shape
    D = x.shape[1]
    dW = np.empty((H, D), dr.dtype)
    np.dot(dr.T, x, dW)
    dx = np.empty((N, D), dr.dtype)
    np.dot(dr, W, dx)
    db = np.empty(D, dr.dtype)
    if below:
        activation_grad(dx, x, code, dx, db)
    return dW, dx, db


def dense_forward(x, W, b, activation="sigmoid"):
    r"""One fully connected layer :math:`\mathbf{a}' = \sigma(\mathbf{b}' + W'\mathbf{a})`: :func:`reference.network.dense_forward`.

    Concept: model.dense, model.matrix_form

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    W : ndarray (H, D)
    b : ndarray (H,)
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}

    Returns
    -------
    a : ndarray (N, H)
    cache : opaque, for :func:`~accelerated.cpu.network.dense_backward`
    """
    x, W, b = _check.arrays("dense_forward", x=(x, "N, D"), W=(W, "H, D"), b=(b, "H"))
    _check.choice("dense_forward", "activation", activation, ACTIVATIONS)
    c = np.ascontiguousarray
    x, W = c(x), c(W)
    code = ACT_CODE[activation]
    a = _dense_forward(x, W, c(b), code)
    return a, (x, W, a, code)


def dense_backward(da, cache):
    r"""Gradients of a dense layer: :func:`reference.network.dense_backward`.

    .. math::

        \frac{\partial L}{\partial r} = \frac{\partial L}{\partial a}\,\sigma'(r),\quad
        \frac{\partial L}{\partial W} = \Big(\frac{\partial L}{\partial r}\Big)^T x,\quad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial r_n},\quad
        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial r} W

    Concept: model.dense, backprop.chain

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,)
    """
    x, W, a, code = cache
    da = _check.grad("dense_backward", "da", da, a.shape, a.dtype)
    return _dense_backward(np.ascontiguousarray(da), a, x, W, code)


def network_forward(x, *params, activation="sigmoid"):
    r"""Dense layers and the linear read-out :math:`y = b + \mathbf c^T \mathbf a^L`: :func:`reference.network.network_forward`.

    Concept: model.sigmoid_sum, model.matrix_form, model.relu_sum, model.dense

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    *params : ``W1, b1, ..., WL, bL, c, b`` as for the reference
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}

    Returns
    -------
    y : ndarray (N,)
    cache : opaque, for :func:`~accelerated.cpu.network.network_backward`
    """
    x, params = _check.params_chain("network_forward", x, params)
    _check.choice("network_forward", "activation", activation, ACTIVATIONS)
    code = ACT_CODE[activation]
    c = np.ascontiguousarray
    a = x = c(x)
    Ws, outs = [], []
    for l in range(0, len(params) - 2, 2):
        W = c(params[l])
        a = _dense_forward(a, W, c(params[l + 1]), code)
        Ws.append(W)
        outs.append(a)
    w_out = c(params[-2])
    return _linear_forward(a, w_out, params[-1]), (x, Ws, outs, w_out, code)


def network_backward(dy, cache):
    r"""Backpropagation through :func:`~accelerated.cpu.network.network_forward`: :func:`reference.network.network_backward`.

    Concept: backprop.chain

    Returns
    -------
    (dx, dW1, db1, ..., dWL, dbL, dc, db) : in the order of the forward's inputs
    """
    x, Ws, outs, w_out, code = cache
    dy = _check.grad("network_backward", "dy", dy, (x.shape[0],), x.dtype)
    dy = np.ascontiguousarray(dy)
    t = x.dtype.type
    if not Ws:
        dx, dc, db = _linear_backward(dy, x, w_out)
        return dx, dc, t(db)
    dr, db_l, dc, db = _top_backward(dy, w_out, outs[-1], code)
    grads = [dc, t(db)]
    for l in range(len(Ws) - 1, -1, -1):
        below = l > 0
        dW, dr_below, db_below = _layer_backward(dr, outs[l - 1] if below else x, Ws[l], code, below)
        grads[:0] = (dW, db_l)
        dr, db_l = dr_below, db_below
    return (dr, *grads)


@njit(cache=True, error_model="numpy")
def _neuron_forward(a, w, b, code):
    """``y = act(a @ w + b)``: the GEMV into ``y``, then one in-place pass."""
    y = np.dot(a, w)
    b0 = b[()]
    zero = y.dtype.type(0)
    one = y.dtype.type(1)
    alpha = y.dtype.type(LEAKY_RELU_ALPHA)
    for n in range(y.size):
        y[n] = act(y[n] + b0, code, zero, one, alpha)
    return y


@njit(cache=True, error_model="numpy")
def _neuron_backward(dy, y, a, w, code):
    """``dz = dy * act'(y)``, then ``(outer(dz, w), dz @ a, sum(dz))`` in one pass over ``a``."""
    N = y.size
    zero = y.dtype.type(0)
    one = y.dtype.type(1)
    alpha = y.dtype.type(LEAKY_RELU_ALPHA)
    dz = np.empty_like(y)
    for n in range(N):
        dz[n] = act_grad(dy[n], y[n], code, zero, one, alpha)
    return _linear_backward(dz, a, w)


@njit(cache=True, error_model="numpy")
def _output_backward(dy, y, code):
    """The output layer's ``dL/dz`` from ``dL/dy`` and its bias gradient, in one pass."""
    dr = np.empty_like(y)
    db = np.empty(y.shape[1], y.dtype)
    activation_grad(dy, y, code, dr, db)
    return dr, db


#: A layer of :func:`~accelerated.cpu.network.mlp_forward` / :func:`~accelerated.cpu.network.mlp_backward`
#: with at least this many multiply-adds (N·H·D) calls NumPy's BLAS from Python for its
#: products, and the compiled kernels only for the fused passes around them.
NUMPY_BLAS_MIN = 1 << 20


def _mlp_layer_forward(a, W, b, code):
    if a.shape[0] * W.size >= NUMPY_BLAS_MIN:
        r = a @ W.T
        bias_activation(r, b, code)
        return r
    return _dense_forward(a, W, b, code)


def _mlp_layer_backward(dr, x, W, code, below):
    if x.shape[0] * W.size >= NUMPY_BLAS_MIN:
        dW = dr.T @ x
        dx = dr @ W
        db = np.empty(x.shape[1], dr.dtype)
        if below:
            activation_grad(dx, x, code, dx, db)
        return dW, dx, db
    return _layer_backward(dr, x, W, code, below)


def neuron_forward(a, w, b, activation="sigmoid"):
    r"""One neuron, :math:`a' = \sigma(a_1 w_1 + \dots + a_K w_K + b)`: :func:`reference.network.neuron_forward`.

    .. math::

        z = a_1 w_1 + \dots + a_k w_k + \dots + a_K w_K + b, \qquad a' = \sigma(z)

    Concept: model.neuron, model.mlp_neurons

    Parameters
    ----------
    a : ndarray (N, K), float32 or float64
    w : ndarray (K,)
    b : scalar
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}

    Returns
    -------
    y : ndarray (N,)
    cache : opaque, for :func:`~accelerated.cpu.network.neuron_backward`
    """
    a, w, b = _check.arrays("neuron_forward", a=(a, "N, K"), w=(w, "K"), b=(b, ""))
    _check.choice("neuron_forward", "activation", activation, ACTIVATIONS)
    c = np.ascontiguousarray
    a, w = c(a), c(w)
    code = ACT_CODE[activation]
    y = _neuron_forward(a, w, b, code)
    return y, (a, w, y, code)


def neuron_backward(dy, cache):
    r"""Gradients of one neuron: :func:`reference.network.neuron_backward`.

    .. math::

        \frac{\partial L}{\partial z} = \frac{\partial L}{\partial y}\,\sigma'(z),\quad
        \frac{\partial L}{\partial w_k} = \sum_n \frac{\partial L}{\partial z_n} a_{nk},\quad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial z_n},\quad
        \frac{\partial L}{\partial a_{nk}} = \frac{\partial L}{\partial z_n} w_k

    Concept: model.neuron, backprop.chain

    Returns
    -------
    (da, dw, db) : (N, K), (K,), scalar of ``a``'s dtype
    """
    a, w, y, code = cache
    dy = _check.grad("neuron_backward", "dy", dy, (a.shape[0],), a.dtype)
    da, dw, db = _neuron_backward(np.ascontiguousarray(dy), y, a, w, code)
    return da, dw, a.dtype.type(db)


def mlp_forward(x, *params, activation="sigmoid", output="softmax"):
    r"""A fully connected network with a classifier's output layer: :func:`reference.network.mlp_forward`.

    .. math::

        y = f(x) = \sigma_{\text{out}}\Big(W^L \cdots \sigma\big(W^2\,\sigma(W^1 x + b^1) + b^2\big) \cdots + b^L\Big)

    Concept: model.dense, model.fc_example, backprop.chain

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    *params : ``W1, b1, ..., WL, bL`` as for the reference (L >= 1)
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"} — the hidden layers
    output : {"softmax", "sigmoid", "linear"} — the last layer

    Returns
    -------
    y : ndarray (N, K)
    cache : opaque, for :func:`~accelerated.cpu.network.mlp_backward`
    """
    x, params = _check.params_layers("mlp_forward", x, params)
    _check.choice("mlp_forward", "activation", activation, ACTIVATIONS)
    _check.choice("mlp_forward", "output", output, OUTPUTS)
    code = ACT_CODE[activation]
    c = np.ascontiguousarray
    a = x = c(x)
    Ws, outs = [], []
    last = len(params) - 2
    for l in range(0, len(params), 2):
        W = c(params[l])
        a = _mlp_layer_forward(a, W, c(params[l + 1]), OUTPUT_CODE[output] if l == last else code)
        Ws.append(W)
        outs.append(a)
    return a, (x, Ws, outs, code, OUTPUT_CODE[output])


def mlp_backward(dy, cache):
    r"""Backpropagation through :func:`~accelerated.cpu.network.mlp_forward`: :func:`reference.network.mlp_backward`.

    .. math::

        \frac{\partial L}{\partial \mathbf{z}^L} = \sigma_{\text{out}}'\Big(\frac{\partial L}{\partial \mathbf{y}}\Big),
        \qquad
        \frac{\partial L}{\partial \mathbf{a}^{l-1}} = \Big(\frac{\partial L}{\partial \mathbf{z}^{l}}\Big) W^{l},
        \qquad
        \frac{\partial L}{\partial \mathbf{z}^{l-1}} = \frac{\partial L}{\partial \mathbf{a}^{l-1}} \odot \sigma'(\mathbf{z}^{l-1})

    Concept: backprop.chain

    Returns
    -------
    (dx, dW1, db1, ..., dWL, dbL) : in the order of the forward's inputs
    """
    x, Ws, outs, code, out_code = cache
    y = outs[-1]
    dy = _check.grad("mlp_backward", "dy", dy, y.shape, y.dtype)
    dr, db_l = _output_backward(np.ascontiguousarray(dy), y, out_code)
    grads = []
    for l in range(len(Ws) - 1, -1, -1):
        below = l > 0
        dW, dr_below, db_below = _mlp_layer_backward(dr, outs[l - 1] if below else x, Ws[l], code, below)
        grads[:0] = (dW, db_l)
        dr, db_l = dr_below, db_below
    return (dr, *grads)
