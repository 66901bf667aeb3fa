r"""Regularisation on the GPU: dropout and the L1 / L2 penalties.

The twins of :mod:`reference.regularize` (kernels: :func:`~accelerated.cuda._kernels.build_regularize`).
Dropout is one elementwise kernel, :math:`a_i = x_i (m_i s)`, forward and backward; the mask is
data the host drew (:func:`reference.dropout_mask`), uploaded with ``x`` when it is on the host.
A penalty is one kernel that writes the gradient and reduces :math:`\sum w^2` (or
:math:`\sum |w|`) in float64 to one partial per block, then a one-block kernel that adds the
partials in a fixed order and multiplies by :math:`\lambda/2` (or :math:`\lambda`). The value
comes back as a NumPy scalar of the dtype (as a loss does); the gradient, and dropout's
output, stay where the caller's arrays were.

DropConnect is the dropout kernel on the weights, :math:`W \odot (M s)`, then the dense layer's
tiled product with the bias (the linear epilogue); its backward, the dense layer's two products
and column sum, with :math:`\partial L/\partial W` masked by the same kernel. Standout is the
dense layer (its activation), the standout network's linear layer, and one elementwise kernel
(``standout_gate``) for :math:`q`, the mask and the output; its backward masks the upstream
gradient with the dropout kernel and runs the dense layer's backward.
"""

import numpy as np
from reference import _check
from reference.activation_table import ACT_CODE, LINEAR
from reference.regularize import _scale, _standout_args

from . import _ops
from ._launch import any_device, dev, empty, is_device, result, simulator_paced
from .network import _dense_backward, _dense_backward_from_dr


@simulator_paced
def dropout_forward(x, mask, p, inverted=True):
    r"""Dropout during training: drop the units where ``mask`` is 0.

    .. math::

        a = \frac{x \odot m}{1 - p} \quad (\texttt{inverted=True}), \qquad
        a = x \odot m \quad (\texttt{inverted=False}, \text{the slide's form})

    Concept: regularize.dropout

    Parameters
    ----------
    x : ndarray or device array, any shape, float32 or float64
    mask : ``x``'s shape and dtype — 1 kept, 0 dropped
    p : float in [0, 1) — the dropout rate
    inverted : bool

    Returns
    -------
    a : ``x``'s shape and dtype, on the device if ``x`` or ``mask`` was
    cache : opaque, for :func:`dropout_backward`
    """
    fn = "dropout_forward"
    on_device = any_device(x, mask)
    x = _check.arrays(fn, x=(x, "..."))
    mask = _check.same_shape(fn, "mask", mask, "x", x)
    p = _check.fraction(fn, "p", p)
    inverted = _check.flag(fn, "inverted", inverted)
    _check.binary(fn, "mask", mask)
    s = _scale(x, p, inverted)
    m = dev(mask)
    a = _ops.dropout_scale(dev(x), m, s)
    return result(a, on_device), (m, s)


@simulator_paced
def dropout_backward(dout, cache):
    r"""Gradient of dropout: the upstream gradient through the kept units, scaled as in the forward.

    .. math::

        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial a} \odot m \cdot s

    Concept: regularize.dropout, backprop.chain

    Returns
    -------
    (dx,) : ``x``'s shape and dtype, on the device if ``dout`` was
    """
    m, s = cache
    on_device = any_device(dout)
    dout = _check.grad("dropout_backward", "dout", dout, m.shape, m.dtype)
    return (result(_ops.dropout_scale(dev(dout), m, s), on_device),)


def _penalty(fn, kind, w, lam):
    on_device = any_device(w)
    w = _check.arrays(fn, w=(w, "..."))
    lam = _check.nonnegative(fn, "lam", lam)
    value, g = _ops.penalty(dev(w), lam, kind)
    return np.dtype(w.dtype).type(value.copy_to_host()[0]), result(g, on_device)


@simulator_paced
def l2_penalty(w, lam):
    r"""The L2 penalty (weight decay), in the slide's form, and its gradient.

    .. math::

        \Omega(w) = \frac{\lambda}{2} \sum_i w_i^2, \qquad \frac{\partial \Omega}{\partial w} = \lambda w

    Concept: regularize.l2

    Parameters
    ----------
    w : ndarray or device array, any shape, float32 or float64
    lam : float >= 0

    Returns
    -------
    value : NumPy scalar of ``w``'s dtype (on the host, wherever ``w`` is)
    grad : ``w``'s shape and dtype, on the device if ``w`` was
    """
    return _penalty("l2_penalty", "l2", w, lam)


@simulator_paced
def l1_penalty(w, lam):
    r"""The L1 penalty and its gradient (0 at :math:`w = 0`).

    .. math::

        \Omega(w) = \lambda \sum_i |w_i|, \qquad
        \frac{\partial \Omega}{\partial w} = \lambda \operatorname{sgn}(w)

    Concept: regularize.l1

    Parameters
    ----------
    w : ndarray or device array, any shape, float32 or float64
    lam : float >= 0

    Returns
    -------
    value : NumPy scalar of ``w``'s dtype (on the host, wherever ``w`` is)
    grad : ``w``'s shape and dtype, on the device if ``w`` was
    """
    return _penalty("l1_penalty", "l1", w, lam)


@simulator_paced
def dropconnect_forward(x, W, b, mask, p, inverted=True):
    r"""DropConnect during training: a dense layer's pre-activation with some of its weights dropped.

    .. math::

        r = b + x\,(W \odot M s)^T, \qquad s = \frac{1}{1-p} \text{ (inverted) or } 1

    One mask for the whole mini-batch, of ``W``'s shape.

    Concept: regularize.dropout_variants

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    W : (H, D); b : (H,)
    mask : ``W``'s shape and dtype — 1 kept, 0 dropped
    p : float in [0, 1)
    inverted : bool

    Returns
    -------
    r : (N, H), on the device if any argument was
    cache : opaque, for :func:`dropconnect_backward`
    """
    fn = "dropconnect_forward"
    on_device = any_device(x, W, b, mask)
    x, W, b = _check.arrays(fn, x=(x, "N, D"), W=(W, "H, D"), b=(b, "H"))
    mask = _check.same_shape(fn, "mask", mask, "W", W)
    p = _check.fraction(fn, "p", p)
    inverted = _check.flag(fn, "inverted", inverted)
    _check.binary(fn, "mask", mask)
    s = _scale(x, p, inverted)
    xd, m = dev(x), dev(mask)
    W_kept = _ops.dropout_scale(dev(W), m, s)
    r, _ = _ops.dense_forward(xd, W_kept, dev(b), LINEAR)
    return result(r, on_device), (xd, W_kept, m, s, on_device)


@simulator_paced
def dropconnect_backward(dout, cache):
    r"""Gradients of DropConnect, through the kept weights only (a dropped weight's gradient is 0).

    .. math::

        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial r} (W \odot M s), \qquad
        \frac{\partial L}{\partial W} = \Big(\frac{\partial L}{\partial r}\Big)^T x \odot M s, \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial r_n}

    Concept: regularize.dropout_variants, backprop.chain

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,), on the device if the forward's arguments or ``dout`` were
    """
    xd, W_kept, m, s, on_device = cache
    on_device = on_device or is_device(dout)
    dout = _check.grad("dropconnect_backward", "dout", dout, (xd.shape[0], W_kept.shape[0]), xd.dtype)
    dx, dW, db = _dense_backward_from_dr(dev(dout), (xd, W_kept))
    dW = _ops.dropout_scale(dW, m, s)
    return result(dx, on_device), result(dW, on_device), result(db, on_device)


@simulator_paced
def standout_forward(x, W, b, Ws, bs, u, alpha=1.0, beta=0.0, activation="sigmoid", training=True):
    r"""Standout: a dense layer whose every unit is kept with its own probability, computed from the input.

    .. math::

        a = \sigma_{act}(b + x W^T), \quad q = \operatorname{sigmoid}(\alpha (b_s + x W_s^T) + \beta),
        \quad \text{out} = a \odot [u < q] \text{ (training)}, \; a \odot q \text{ (test)}

    Concept: regularize.dropout_variants

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    W, Ws : (H, D); b, bs : (H,)
    u : (N, H) uniform draws in [0, 1) when ``training``; ``None`` at test time
    alpha, beta : finite floats
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}
    training : bool

    Returns
    -------
    out : (N, H), on the device if any argument was
    cache : opaque, for :func:`standout_backward` (training only)
    """
    fn = "standout_forward"
    on_device = any_device(x, W, b, Ws, bs, u)
    x, W, b, Ws, bs, u, alpha, beta, training = _standout_args(fn, x, W, b, Ws, bs, u, alpha, beta, activation,
                                                               training)
    xd, Wd = dev(x), dev(W)
    kind = ACT_CODE[activation]
    a, act_cache = _ops.dense_forward(xd, Wd, dev(b), kind)
    rs, _ = _ops.dense_forward(xd, dev(Ws), dev(bs), LINEAR)
    out, keep = _ops.standout_gate(a, rs, dev(u) if training else None, alpha, beta, training)
    if not training:
        return result(out, on_device), None
    return result(out, on_device), ((xd, Wd, act_cache, kind, on_device), keep)


@simulator_paced
def standout_backward(dout, cache):
    r"""Gradients of standout during training, through the kept units; the mask is a sample.

    No gradient through :math:`q` (``Ws``, ``bs`` get none): the dense layer's gradients of
    :math:`\partial L/\partial\,\text{out} \odot [u < q]`.

    Concept: regularize.dropout_variants, backprop.chain

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,), on the device if the forward's arguments or ``dout`` were
    """
    fn = "standout_backward"
    if cache is None:
        raise ValueError(f"{fn}: cache is None: a test-time forward (training=False) has no backward; "
                         f"call standout_forward with training=True")
    layer_cache, keep = cache
    on_device = layer_cache[-1] or is_device(dout)
    dout = _check.grad(fn, "dout", dout, keep.shape, keep.dtype)
    da = _ops.dropout_scale(dev(dout), keep, np.dtype(keep.dtype).type(1.0))
    dx, dW, db = _dense_backward(da, layer_cache)
    return result(dx, on_device), result(dW, on_device), result(db, on_device)
