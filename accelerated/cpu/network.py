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

A layer keeps only its output ``a`` for the backward pass (every activation's
derivative is a function of its output; see :mod:`accelerated.cpu._fused`). The
loop over layers stays in Python: one compiled call per layer costs about a
microsecond, and lets one kernel serve networks of any depth.
"""

import numpy as np
from numba import njit

from reference import _check
from reference.network import ACTIVATIONS

from ._fused import ACT_CODE, activation_grad, bias_activation, readout_grad
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
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear"}

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
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear"}

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
