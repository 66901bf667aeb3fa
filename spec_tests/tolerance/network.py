"""Bounds of the network family (``reference/network.py``): dense layers, lecture 1's network, the
neuron and the MLP, each forward with a closure for its backward."""

from __future__ import annotations

from .activations import activation, softmax, softmax_grad
from .core import Approx, _x, affine, dot, outer, total


def dense_forward(x, W, b, activation_name="sigmoid", kinks="reject"):
    """a = act(b + x @ W.T); returns (a, backward closure)."""
    x = _x(x)
    W, b = _x(W, x.dtype), _x(b, x.dtype)
    r = affine(x, W, b)
    a, dact = activation(activation_name, r, kinks)

    def backward(da):
        dr = dact(_x(da, x.dtype))
        return dot(dr, W), dot(dr.T, x), total(dr, axis=0)

    return a, backward


def network_forward(x, params, activation_name="sigmoid", kinks="reject"):
    """The hidden layers, then y = b + a @ c; returns (y, backward closure)."""
    x = _x(x)
    params = [_x(p, x.dtype) for p in params]
    *hidden, c, b = params
    a, backs = x, []
    for W_l, b_l in zip(hidden[0::2], hidden[1::2]):
        a, back = dense_forward(a, W_l, b_l, activation_name, kinks)
        backs.append(back)
    y = affine(a, Approx(c.v[None, :], c.e[None, :], x.dtype), b)[:, 0]
    a_L = a

    def backward(dy):
        dy = _x(dy, x.dtype)
        da, dc, db = outer(dy, c), dot(a_L.T, dy), total(dy)
        grads = [dc, db]
        for back in reversed(backs):
            da, dW_l, db_l = back(da)
            grads = [dW_l, db_l] + grads
        return (da, *grads)

    return y, backward


def neuron_forward(a, w, b, activation_name="sigmoid", kinks="reject"):
    """z = b + a @ w (a (K+1)-term sum), y = act(z); returns (y, backward closure -> (da, dw, db))."""
    a = _x(a)
    w, b = _x(w, a.dtype), _x(b, a.dtype)
    z = affine(a, Approx(w.v[None, :], w.e[None, :], a.dtype), b)[:, 0]
    y, dact = activation(activation_name, z, kinks)

    def backward(dy):
        dz = dact(_x(dy, a.dtype))
        return outer(dz, w), dot(a.T, dz), total(dz)

    return y, backward


def _mlp(x, params, activation_name="sigmoid", output="softmax", kinks="reject", drops=None):
    """(y, backward from dy, r of the last layer, backward from dr): the hidden dense layers, then the output.

    ``drops``: None, or one entry per layer, None or ``(mask, p)``: the layer's input goes through
    :func:`~spec_tests.tolerance.regularize.dropout_forward` (inverted) first, and its gradient
    through the same mask."""
    from .regularize import dropout_backward, dropout_forward

    x = _x(x)
    params = [_x(p, x.dtype) for p in params]
    layers = list(zip(params[0::2], params[1::2]))
    drops = [None] * len(layers) if drops is None else list(drops)

    def drop_in(a, l):
        return a if drops[l] is None else dropout_forward(a, drops[l][0], drops[l][1], True)

    def drop_back(da, l):
        return da if drops[l] is None else dropout_backward(da, drops[l][0], drops[l][1], True)

    a, backs = x, []
    for l, (W_l, b_l) in enumerate(layers[:-1]):
        a, back = dense_forward(drop_in(a, l), W_l, b_l, activation_name, kinks)
        backs.append(back)
    a = drop_in(a, len(layers) - 1)
    W, b = layers[-1]
    r = affine(a, W, b)
    a_in = a
    if output == "softmax":
        y = softmax(r)
        d_out = lambda dy: softmax_grad(dy, y)
    else:
        y, d_out = activation(output, r, kinks)

    def backward_r(dr):
        dr = _x(dr, x.dtype)
        da, grads = drop_back(dot(dr, W), len(layers) - 1), [dot(dr.T, a_in), total(dr, axis=0)]
        for l in reversed(range(len(backs))):
            da, dW_l, db_l = backs[l](da)
            da = drop_back(da, l)
            grads = [dW_l, db_l] + grads
        return (da, *grads)

    return y, (lambda dy: backward_r(d_out(_x(dy, x.dtype)))), r, backward_r


def mlp_forward(x, params, activation_name="sigmoid", output="softmax", kinks="reject"):
    """The dense bound layer by layer, the output layer's (softmax, sigmoid or linear) last; returns
    (y, backward closure -> (dx, dW1, db1, ..., dWL, dbL))."""
    y, backward, _, _ = _mlp(x, params, activation_name, output, kinks)
    return y, backward


#: The tolerance of every primitive of the network family (reference.FAMILIES['network']): its bound,
#: and the bound's one-line justification. A comparison's bound is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``S`` is the sum of the absolute terms.
TOLERANCES = {
    "dense_forward": ("r: gamma_{D+1} (|b| + |x| @ |W|^T); a: the activation's slope times that, plus its own rounding",
                      "a (D+1)-term sum, then an elementwise function"),
    "dense_backward": ("dr carried from the forward's a; dW: gamma_N; db: gamma_{N-1}; dx: gamma_H",
                       "three sums of N, N and H terms of products"),
    "network_forward": ("the dense bound layer by layer, each layer's error carried through |W| into the next",
                        "error propagation through every sum and product, as the formulas compute them"),
    "network_backward": ("the dense_backward bound layer by layer from the top", "as network_forward"),
    "neuron_forward": ("as linear_forward, then the activation's bound", "a (K+1)-term sum, an elementwise function"),
    "neuron_backward": ("as linear_backward with dz from the activation's derivative", "one product; N-term sums"),
    "mlp_forward": ("the dense bound layer by layer; the last layer's output (softmax, sigmoid or linear) bound",
                    "error propagation through every sum, product, exp and division"),
    "mlp_backward": ("the dense_backward bound layer by layer from the output's derivative", "as mlp_forward"),
}
