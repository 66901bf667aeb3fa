r"""Activation functions: the sigmoid, the hard sigmoid and the ReLU.

Lecture 1 (``000``, "Sigmoid Function", "Sigmoid → ReLU") builds every curve out
of these units; ``001`` ("ReLU", "Vanishing gradient problem") and ``003``
("Tips for Training DNN") compare them. Each activation is a pair:
``<name>_forward(z) -> (a, cache)`` and ``<name>_backward(da, cache) -> (dz,)``.
"""

import numpy as np

from . import _check


def sigmoid_forward(z):
    r"""The sigmoid, stable for large :math:`|z|`.

    .. math::

        \sigma(z) = \frac{1}{1 + e^{-z}}

    For :math:`z < 0` the same value is computed as :math:`e^{z} / (1 + e^{z})`,
    so no exponent is ever positive and nothing overflows: ``sigmoid_forward(-1000.)``
    gives 0.0 (the true value, about :math:`e^{-1000}`, is below the smallest float)
    without an overflow warning, and ``sigmoid_forward(1000.)`` gives exactly 1.0.

    Concept: act.sigmoid


    Slides: 000 "Sigmoid Function"; 003 "Neuron".

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype, every entry in [0, 1]
    cache : opaque, for :func:`sigmoid_backward`
    """
    z = _check.arrays("sigmoid_forward", z=(z, "..."))
    e = np.exp(-np.abs(z))                      # e^{-|z|} is in (0, 1]
    a = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return a, a


def sigmoid_backward(da, cache):
    r"""Gradient of the sigmoid.

    .. math::

        \frac{\partial \sigma}{\partial z} = \sigma(z)\,(1 - \sigma(z))

    Concept: act.sigmoid, backprop.chain.

    Parameters
    ----------
    da : ndarray, the forward output's shape and dtype — :math:`\partial L / \partial a`
    cache : from :func:`sigmoid_forward`

    Returns
    -------
    (dz,) : :math:`\partial L / \partial z`, ``z``'s shape and dtype
    """
    a = cache
    da = _check.grad("sigmoid_backward", "da", da, a.shape, a.dtype)
    dz = da * a * (1 - a)
    return (dz,)


def relu_forward(z):
    r"""The rectified linear unit.

    .. math::

        a = \max(0, z)

    Concept: act.relu


    Slides: 000 "Sigmoid → ReLU"; 001 "ReLU"; 003 "ReLU".

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype
    cache : opaque, for :func:`relu_backward`
    """
    z = _check.arrays("relu_forward", z=(z, "..."))
    a = np.maximum(0, z).astype(z.dtype, copy=False)
    return a, z


def relu_backward(da, cache):
    r"""Gradient of the ReLU: 1 where :math:`z > 0`, else 0 (0 at the kink :math:`z = 0`).

    .. math::

        \frac{\partial a}{\partial z} = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}

    Concept: act.relu, backprop.chain.

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    z = cache
    da = _check.grad("relu_backward", "da", da, z.shape, z.dtype)
    dz = da * (z > 0)
    return (dz,)


def hard_sigmoid_forward(z):
    r"""The hard sigmoid: 0, then a straight ramp, then flat at 1.

    .. math::

        a = \min(1, \max(0, z)) = \max(0, z) - \max(0, z - 1)

    The second form is the slide's remark that a hard sigmoid is two ReLUs. With
    :math:`z = b + w x_1` and a height :math:`c`, :math:`c\,a` is one of the blue
    pieces that a piecewise linear curve is summed from (000, "All Piecewise
    Linear Curves").

    Concept: model.hard_sigmoid


    Slides: 000 "Hard Sigmoid", "Sigmoid → ReLU".

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype, every entry in [0, 1]
    cache : opaque, for :func:`hard_sigmoid_backward`
    """
    z = _check.arrays("hard_sigmoid_forward", z=(z, "..."))
    a = np.minimum(1, np.maximum(0, z)).astype(z.dtype, copy=False)
    return a, z


def hard_sigmoid_backward(da, cache):
    r"""Gradient of the hard sigmoid: 1 on the ramp :math:`0 < z < 1`, else 0.

    Concept: model.hard_sigmoid, backprop.chain.

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    z = cache
    da = _check.grad("hard_sigmoid_backward", "da", da, z.shape, z.dtype)
    dz = da * ((z > 0) & (z < 1))
    return (dz,)
