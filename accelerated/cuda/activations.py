r"""Activation functions on the GPU: sigmoid, hard sigmoid, ReLU and its variants, tanh, softmax.

The twins of :mod:`reference.activations`, with the same names, signatures,
checks and numbers. Each elementwise forward is one kernel over a flat view of
``z`` (any shape), each backward one more; the cache keeps the forward's device
array (``a`` for the sigmoid and tanh, ``z`` for the others), so a backward after
a host call does not upload it again. The parametric ReLU's backward writes
:math:`\partial L/\partial z` and the terms of :math:`\partial L/\partial\alpha`
in one pass and sums the latter per column (float64); maxout keeps the index of
each group's winner; the softmax takes one thread per row (the row max
subtracted, the row sum in float64). Host arrays in, host arrays out; device
arrays in, device arrays out (see :mod:`accelerated.cuda`).
"""

import numpy as np
from reference import _check
from reference.activation_table import CACHES_OUTPUT, HARD_SIGMOID, RELU, SIGMOID, TANH

from . import _ops
from ._launch import any_device, dev, is_device, result, simulator_paced


def _forward(fn, z, kind):
    on_device = is_device(z)
    z = _check.arrays(fn, z=(z, "..."))
    zd = dev(z)
    a = _ops.activation_forward(zd, kind)
    cache = (a if kind in CACHES_OUTPUT else zd, on_device)
    return result(a, on_device), cache


def _backward(fn, da, cache, kind):
    c, on_device = cache
    on_device = on_device or is_device(da)
    da = _check.grad(fn, "da", da, c.shape, c.dtype)
    dz = _ops.activation_backward(dev(da), c, kind)
    return (result(dz, on_device),)


@simulator_paced
def sigmoid_forward(z):
    r"""The sigmoid, stable for large :math:`|z|` (one elementwise kernel).

    .. math::

        \sigma(z) = \frac{1}{1 + e^{-z}}

    Computed as :math:`e^{z}/(1 + e^{z})` for :math:`z < 0`, so no exponent is
    positive. Concept: act.sigmoid. Slides: 000 "Sigmoid Function".

    Parameters
    ----------
    z : ndarray or device array, any shape, float32 or float64

    Returns
    -------
    a : ``z``'s shape and dtype, on the host or the device like ``z``
    cache : opaque, for :func:`sigmoid_backward`
    """
    return _forward("sigmoid_forward", z, SIGMOID)


@simulator_paced
def sigmoid_backward(da, cache):
    r"""Gradient of the sigmoid, :math:`\partial\sigma/\partial z = \sigma(z)(1 - \sigma(z))`.

    Concept: act.sigmoid, backprop.chain.

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("sigmoid_backward", da, cache, SIGMOID)


@simulator_paced
def relu_forward(z):
    r"""The rectified linear unit, :math:`a = \max(0, z)` (one elementwise kernel).

    Concept: act.relu. Slides: 000 "Sigmoid → ReLU"; 001 "ReLU".

    Returns
    -------
    a : ``z``'s shape and dtype
    cache : opaque, for :func:`relu_backward`
    """
    return _forward("relu_forward", z, RELU)


@simulator_paced
def relu_backward(da, cache):
    r"""Gradient of the ReLU: 1 where :math:`z > 0`, else 0.

    Concept: act.relu, backprop.chain.

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("relu_backward", da, cache, RELU)


@simulator_paced
def hard_sigmoid_forward(z):
    r"""The hard sigmoid, :math:`a = \min(1, \max(0, z))` (one elementwise kernel).

    Concept: model.hard_sigmoid. Slides: 000 "Hard Sigmoid", "Sigmoid → ReLU".

    Returns
    -------
    a : ``z``'s shape and dtype
    cache : opaque, for :func:`hard_sigmoid_backward`
    """
    return _forward("hard_sigmoid_forward", z, HARD_SIGMOID)


@simulator_paced
def hard_sigmoid_backward(da, cache):
    r"""Gradient of the hard sigmoid: 1 on the ramp :math:`0 < z < 1`, else 0.

    Concept: model.hard_sigmoid, backprop.chain.

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("hard_sigmoid_backward", da, cache, HARD_SIGMOID)


@simulator_paced
def tanh_forward(z):
    r"""The hyperbolic tangent, a sigmoid stretched to (−1, 1) (one elementwise kernel).

    .. math::

        \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\,\sigma(2z) - 1

    Concept: act.sigmoid

    Returns
    -------
    a : ``z``'s shape and dtype, on the host or the device like ``z``
    cache : opaque, for :func:`tanh_backward`
    """
    return _forward("tanh_forward", z, TANH)


@simulator_paced
def tanh_backward(da, cache):
    r"""Gradient of tanh, :math:`\partial \tanh(z)/\partial z = 1 - \tanh^2(z)`.

    Concept: act.sigmoid, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("tanh_backward", da, cache, TANH)


@simulator_paced
def leaky_relu_forward(z, alpha=0.01):
    r"""Leaky ReLU: the ReLU with a small slope :math:`\alpha` for negative inputs (one kernel).

    .. math::

        a = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}

    Concept: act.leaky_relu

    Slides: 003 "ReLU - variant".

    Parameters
    ----------
    z : ndarray or device array, any shape, float32 or float64
    alpha : float — the slope for :math:`z \le 0` (a finite real number), taken in ``z``'s dtype

    Returns
    -------
    a : ``z``'s shape and dtype
    cache : opaque, for :func:`leaky_relu_backward`
    """
    on_device = is_device(z)
    z = _check.arrays("leaky_relu_forward", z=(z, "..."))
    alpha = _check.real("leaky_relu_forward", "alpha", alpha)
    alpha = np.dtype(z.dtype).type(alpha)
    zd = dev(z)
    a = _ops.leaky_relu(zd, alpha)
    return result(a, on_device), (zd, alpha, on_device)


@simulator_paced
def leaky_relu_backward(da, cache):
    r"""Gradient of the leaky ReLU: 1 where :math:`z > 0`, else :math:`\alpha`.

    Concept: act.leaky_relu, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    zd, alpha, on_device = cache
    on_device = on_device or is_device(da)
    da = _check.grad("leaky_relu_backward", "da", da, zd.shape, zd.dtype)
    return (result(_ops.leaky_relu_backward(dev(da), zd, alpha), on_device),)


@simulator_paced
def prelu_forward(z, alpha):
    r"""Parametric ReLU: the leaky ReLU whose slope :math:`\alpha` is learned, one per unit.

    .. math::

        a_{ni} = \begin{cases} z_{ni} & z_{ni} > 0 \\ \alpha_i z_{ni} & z_{ni} \le 0 \end{cases}

    One elementwise kernel. Concept: act.prelu

    Slides: 003 "ReLU - variant".

    Parameters
    ----------
    z : ndarray or device array (N, H), float32 or float64
    alpha : (H,) — one slope per unit

    Returns
    -------
    a : (N, H), on the device if any argument was
    cache : opaque, for :func:`prelu_backward`
    """
    on_device = any_device(z, alpha)
    z, alpha = _check.arrays("prelu_forward", z=(z, "N, H"), alpha=(alpha, "H"))
    zd, ad = dev(z), dev(alpha)
    a = _ops.prelu(zd, ad)
    return result(a, on_device), (zd, ad, on_device)


@simulator_paced
def prelu_backward(da, cache):
    r"""Gradients of the parametric ReLU, for the input and for the slopes.

    .. math::

        \frac{\partial L}{\partial z_{ni}} = \frac{\partial L}{\partial a_{ni}}
            \begin{cases} 1 & z_{ni} > 0 \\ \alpha_i & z_{ni} \le 0 \end{cases},
        \qquad
        \frac{\partial L}{\partial \alpha_i} = \sum_n \frac{\partial L}{\partial a_{ni}} \min(z_{ni}, 0)

    One elementwise kernel writes :math:`\partial L/\partial z` and the terms of
    :math:`\partial L/\partial \alpha`; a column sum (float64) adds the terms.

    Concept: act.prelu, backprop.chain

    Returns
    -------
    (dz, dalpha) : (N, H), (H,)
    """
    zd, ad, on_device = cache
    on_device = on_device or is_device(da)
    da = _check.grad("prelu_backward", "da", da, zd.shape, zd.dtype)
    dz, dalpha = _ops.prelu_backward(dev(da), zd, ad)
    return result(dz, on_device), result(dalpha, on_device)


@simulator_paced
def maxout_forward(z, k=2):
    r"""Maxout: each unit outputs the largest of a group of :math:`k` linear units.

    .. math::

        a_{nh} = \max_{j = 1..k} z_{n,\,(h-1)k + j}

    One thread per output: it scans its group and keeps the value and the index of
    the first maximal entry (the first NaN, if any, like :func:`numpy.argmax`).

    Concept: act.maxout

    Slides: 003 "Maxout", "Maxout - ReLU is a special cases of Maxout".

    Parameters
    ----------
    z : ndarray or device array (N, H·k), float32 or float64
    k : int >= 2 — the group size

    Returns
    -------
    a : (N, H)
    cache : opaque, for :func:`maxout_backward`
    """
    on_device = is_device(z)
    z = _check.arrays("maxout_forward", z=(z, "N, M"))
    k = _check.count("maxout_forward", "k", k, minimum=2)
    if z.shape[1] % k:
        raise ValueError(f"maxout_forward: z must have a multiple of k = {k} columns; "
                         f"got {_check._fmt_shape(z.shape)}")
    a, arg = _ops.maxout(dev(z), k)
    return result(a, on_device), (tuple(z.shape), np.dtype(z.dtype), arg, k, on_device)


@simulator_paced
def maxout_backward(da, cache):
    r"""Gradient of maxout: each group's gradient goes to the unit that won the max.

    .. math::

        \frac{\partial L}{\partial z_{n,(h-1)k+j}} =
            \begin{cases} \partial L / \partial a_{nh} & j \text{ won the max (the first, on a tie)} \\
            0 & \text{otherwise} \end{cases}

    One thread per entry of :math:`\partial L/\partial z`. Concept: act.maxout, backprop.chain

    Returns
    -------
    (dz,) : (N, H·k)
    """
    shape, dtype, arg, k, on_device = cache
    on_device = on_device or is_device(da)
    da = _check.grad("maxout_backward", "da", da, (shape[0], shape[1] // k), dtype)
    return (result(_ops.maxout_backward(dev(da), arg, k), on_device),)


@simulator_paced
def softmax_forward(z):
    r"""Softmax: turn each row of scores into probabilities (one thread per row).

    .. math::

        y_i = \frac{e^{z_i}}{\sum_j e^{z_j}}

    The row's largest score is subtracted first (nothing overflows) and the row sum
    is accumulated in float64.

    Concept: model.softmax

    Slides: 002 "Output Layer as Multi-Class Classifier"; 003 "Output Layer (Option)".

    Parameters
    ----------
    z : ndarray or device array (N, K), float32 or float64

    Returns
    -------
    y : (N, K), each row summing to 1
    cache : opaque, for :func:`softmax_backward`
    """
    on_device = is_device(z)
    z = _check.arrays("softmax_forward", z=(z, "N, K"))
    y = _ops.softmax(dev(z))
    return result(y, on_device), (y, on_device)


@simulator_paced
def softmax_backward(dy, cache):
    r"""Gradient of softmax (the Jacobian–vector product, row by row).

    .. math::

        \frac{\partial L}{\partial z_j} = y_j \Big(\frac{\partial L}{\partial y_j}
            - \sum_i \frac{\partial L}{\partial y_i} y_i\Big)

    Concept: model.softmax, backprop.chain

    Returns
    -------
    (dz,) : (N, K)
    """
    y, on_device = cache
    on_device = on_device or is_device(dy)
    dy = _check.grad("softmax_backward", "dy", dy, y.shape, y.dtype)
    return (result(_ops.softmax_backward(dev(dy), y), on_device),)
