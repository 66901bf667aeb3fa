r"""Activation functions on the CPU: :mod:`reference.activations`, compiled with Numba.

What is fused, and why: NumPy's stable sigmoid makes about seven passes over the
array (``abs``, negate, ``exp``, two divisions, a comparison, ``where``), each with a
temporary; the ReLU and the hard sigmoid make two or three. Here each forward and
each backward is one compiled loop over the flattened array that reads the input
once and writes the output once, and that loop vectorises: the sigmoid's ``exp``
is :func:`accelerated.cpu._exp.exp_nonpos` (a call to the C library's ``exp``
would keep the loop scalar), and the kernels use NumPy's error model (a division
by zero gives ``inf``, as in NumPy, instead of a check that would also keep the
loop scalar). The formulas are the reference's, in the input's dtype, so float64
agrees to rounding and float32 stays float32.

Any shape works: the wrapper flattens a C-ordered copy (a view when the input is
already contiguous), so each kernel compiles once per dtype. The sigmoid's
forward pass on at least :data:`~accelerated.cpu.activations.PARALLEL_MIN` elements runs on every core
(``prange``): its ``exp`` makes it the one map here with arithmetic to share (1.6×
on two cores at two million elements). Everything else is bound by memory
traffic, which a second core hardly speeds up, and smaller arrays would spend
more on waking threads than they save, so those stay on one core.

The caches hold what the reference's do (the output for the sigmoid, the input
for the ReLU and the hard sigmoid), already flattened for the backward kernel.
"""

import numpy as np
from numba import njit, prange

from reference import _check

from ._fused import HARD_SIGMOID, RELU, SIGMOID, act, act_grad

#: The sigmoid of at least this many elements runs in parallel.
PARALLEL_MIN = 1 << 20


@njit(cache=True, error_model="numpy")
def _map(z, code):
    a = np.empty_like(z)
    zero = z.dtype.type(0)
    one = z.dtype.type(1)
    for i in range(z.size):
        a[i] = act(z[i], code, zero, one)
    return a


@njit(cache=True, parallel=True, error_model="numpy")
def _map_parallel(z, code):
    a = np.empty_like(z)
    zero = z.dtype.type(0)
    one = z.dtype.type(1)
    for i in prange(z.size):
        a[i] = act(z[i], code, zero, one)
    return a


@njit(cache=True, error_model="numpy")
def _grad(da, s, code):
    dz = np.empty_like(da)
    zero = da.dtype.type(0)
    one = da.dtype.type(1)
    for i in range(da.size):
        dz[i] = act_grad(da[i], s[i], code, zero, one)
    return dz


def _forward(z, code):
    flat = z.ravel()
    parallel = code == SIGMOID and flat.size >= PARALLEL_MIN
    return flat, (_map_parallel if parallel else _map)(flat, code)


def _backward(fn, da, cache, code):
    # The derivative of each activation is a function of the cached array s: a(1 - a)
    # for the sigmoid (s = a); z > 0 for the ReLU and 0 < z < 1 for the hard sigmoid (s = z).
    s, shape = cache
    da = _check.grad(fn, "da", da, shape, s.dtype)
    flat = da.ravel()
    dz = _grad(flat, s, code)
    return (dz.reshape(shape) if shape else dz[0]),


def sigmoid_forward(z):
    r"""The sigmoid, stable for large :math:`|z|`: :func:`reference.activations.sigmoid_forward`.

    .. math::

        \sigma(z) = \frac{1}{1 + e^{-z}}

    Concept: act.sigmoid

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype
    cache : opaque, for :func:`~accelerated.cpu.activations.sigmoid_backward`
    """
    z = _check.arrays("sigmoid_forward", z=(z, "..."))
    _, a = _forward(z, SIGMOID)
    return a.reshape(z.shape), (a, z.shape)


def sigmoid_backward(da, cache):
    r"""Gradient of the sigmoid: :func:`reference.activations.sigmoid_backward`.

    .. math::

        \frac{\partial \sigma}{\partial z} = \sigma(z)\,(1 - \sigma(z))

    Concept: act.sigmoid, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("sigmoid_backward", da, cache, SIGMOID)


def relu_forward(z):
    r"""The rectified linear unit :math:`a = \max(0, z)`: :func:`reference.activations.relu_forward`.

    Concept: act.relu

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype (a NumPy scalar for a 0-d ``z``, as in the reference)
    cache : opaque, for :func:`~accelerated.cpu.activations.relu_backward`
    """
    z = _check.arrays("relu_forward", z=(z, "..."))
    flat, a = _forward(z, RELU)
    return (a.reshape(z.shape) if z.ndim else a[0]), (flat, z.shape)


def relu_backward(da, cache):
    r"""Gradient of the ReLU, 1 where :math:`z > 0`: :func:`reference.activations.relu_backward`.

    Concept: act.relu, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("relu_backward", da, cache, RELU)


def hard_sigmoid_forward(z):
    r"""The hard sigmoid :math:`\min(1, \max(0, z))`: :func:`reference.activations.hard_sigmoid_forward`.

    Concept: model.hard_sigmoid

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype (a NumPy scalar for a 0-d ``z``, as in the reference)
    cache : opaque, for :func:`~accelerated.cpu.activations.hard_sigmoid_backward`
    """
    z = _check.arrays("hard_sigmoid_forward", z=(z, "..."))
    flat, a = _forward(z, HARD_SIGMOID)
    return (a.reshape(z.shape) if z.ndim else a[0]), (flat, z.shape)


def hard_sigmoid_backward(da, cache):
    r"""Gradient of the hard sigmoid, 1 on :math:`0 < z < 1`: :func:`reference.activations.hard_sigmoid_backward`.

    Concept: model.hard_sigmoid, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("hard_sigmoid_backward", da, cache, HARD_SIGMOID)
