r"""Activation functions on the GPU: the sigmoid, the hard sigmoid and the ReLU.

The twins of :mod:`reference.activations`, with the same names, signatures,
checks and numbers. Each forward is one elementwise kernel over a flat view of
``z`` (any shape), each backward one more; the cache keeps the forward's device
array (``a`` for the sigmoid, ``z`` for the others), so a backward after a host
call does not upload it again. Host arrays in, host arrays out; device arrays in,
device arrays out (see :mod:`accelerated.cuda`).
"""

from reference import _check

from . import _ops
from ._kernels import HARD_SIGMOID, RELU, SIGMOID
from ._launch import dev, is_device, result, simulator_paced


def _forward(fn, z, kind):
    on_device = is_device(z)
    z = _check.arrays(fn, z=(z, "..."))
    zd = dev(z)
    a = _ops.activation_forward(zd, kind)
    cache = (a if kind == SIGMOID else zd, on_device)
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
