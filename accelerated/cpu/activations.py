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

The caches hold what the reference's do (the output for the sigmoid and tanh, the
input for the ReLU, the leaky ReLU and the hard sigmoid), already flattened for the
backward kernel. Tanh in float64 is :func:`accelerated.cpu._exp.tanh`, arithmetic that
vectorises (NumPy's float64 ``tanh`` is a scalar loop; this one is several times
faster); in float32 NumPy's ``tanh`` is already vectorised and is used as it is.

The row-wise functions work on rows in place: the softmax (one pass for the row's
maximum, one for :math:`e^{z - \max z}` and its sum, one to divide), PReLU (the
slope gradient summed over the rows in the pass that writes :math:`\partial L/\partial z`)
and maxout (the forward pass keeps the index of each group's winner, an ``int32``
per output, and the backward pass scatters the gradient to it).
"""

import numpy as np
from numba import njit, prange

from reference import _check
from reference.activation_table import HARD_SIGMOID, LEAKY_RELU, RELU, SIGMOID, TANH

from ._fused import act, act_grad, softmax_grad, softmax_row

#: The sigmoid of at least this many elements runs in parallel.
PARALLEL_MIN = 1 << 20
#: Tanh in float64 runs in the kernel from this many elements on (below, NumPy's call costs less);
#: in float32 NumPy's own vectorised ``tanh`` is as fast as the kernel, so it is used at every size.
TANH_KERNEL_MIN = 256


@njit(cache=True, error_model="numpy")
def _map(z, code, alpha):
    a = np.empty_like(z)
    zero = z.dtype.type(0)
    one = z.dtype.type(1)
    alpha = z.dtype.type(alpha)
    for i in range(z.size):
        a[i] = act(z[i], code, zero, one, alpha)
    return a


@njit(cache=True, parallel=True, error_model="numpy")
def _map_parallel(z, code, alpha):
    a = np.empty_like(z)
    zero = z.dtype.type(0)
    one = z.dtype.type(1)
    alpha = z.dtype.type(alpha)
    for i in prange(z.size):
        a[i] = act(z[i], code, zero, one, alpha)
    return a


@njit(cache=True, error_model="numpy")
def _grad(da, s, code, alpha):
    dz = np.empty_like(da)
    zero = da.dtype.type(0)
    one = da.dtype.type(1)
    alpha = da.dtype.type(alpha)
    for i in range(da.size):
        dz[i] = act_grad(da[i], s[i], code, zero, one, alpha)
    return dz


def _forward(z, code, alpha=0.0):
    flat = z.ravel()
    parallel = code in (SIGMOID, TANH) and flat.size >= PARALLEL_MIN
    return flat, (_map_parallel if parallel else _map)(flat, code, alpha)


def _backward(fn, da, cache, code, scalar=True):
    # The derivative of each activation is a function of the cached array s: a(1 - a)
    # for the sigmoid and 1 - a^2 for tanh (s = a); z > 0 for the ReLU and the leaky ReLU
    # and 0 < z < 1 for the hard sigmoid (s = z).
    s, shape, alpha = cache
    da = _check.grad(fn, "da", da, shape, s.dtype)
    flat = da.ravel()
    dz = _grad(flat, s, code, alpha)
    return (dz.reshape(shape) if (shape or not scalar) else dz[0]),


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
    return a.reshape(z.shape), (a, z.shape, 0.0)


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
    return (a.reshape(z.shape) if z.ndim else a[0]), (flat, z.shape, 0.0)


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
    return (a.reshape(z.shape) if z.ndim else a[0]), (flat, z.shape, 0.0)


def hard_sigmoid_backward(da, cache):
    r"""Gradient of the hard sigmoid, 1 on :math:`0 < z < 1`: :func:`reference.activations.hard_sigmoid_backward`.

    Concept: model.hard_sigmoid, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("hard_sigmoid_backward", da, cache, HARD_SIGMOID)


def tanh_forward(z):
    r"""The hyperbolic tangent: :func:`reference.activations.tanh_forward`.

    .. math::

        \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\,\sigma(2z) - 1

    Concept: act.sigmoid

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype (a NumPy scalar for a 0-d ``z``, as in the reference)
    cache : opaque, for :func:`~accelerated.cpu.activations.tanh_backward`
    """
    z = _check.arrays("tanh_forward", z=(z, "..."))
    if z.dtype == np.float32 or z.size < TANH_KERNEL_MIN:
        a = np.tanh(np.ravel(z))        # NumPy's SIMD float32 tanh; a call is cheaper on a few values
    else:
        _, a = _forward(z, TANH)
    return (a.reshape(z.shape) if z.ndim else a[0]), (a, z.shape, 0.0)


def tanh_backward(da, cache):
    r"""Gradient of tanh: :func:`reference.activations.tanh_backward`.

    .. math::

        \frac{\partial \tanh(z)}{\partial z} = 1 - \tanh^2(z)

    Concept: act.sigmoid, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("tanh_backward", da, cache, TANH)


def leaky_relu_forward(z, alpha=0.01):
    r"""The leaky ReLU, slope :math:`\alpha` for :math:`z \le 0`: :func:`reference.activations.leaky_relu_forward`.

    .. math::

        a = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}

    Concept: act.leaky_relu

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64
    alpha : float — the slope for :math:`z \le 0` (a finite real number)

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype
    cache : opaque, for :func:`~accelerated.cpu.activations.leaky_relu_backward`
    """
    z = _check.arrays("leaky_relu_forward", z=(z, "..."))
    alpha = _check.real("leaky_relu_forward", "alpha", alpha)
    flat, a = _forward(z, LEAKY_RELU, alpha)
    return a.reshape(z.shape), (flat, z.shape, alpha)


def leaky_relu_backward(da, cache):
    r"""Gradient of the leaky ReLU, 1 where :math:`z > 0`, else :math:`\alpha`: :func:`reference.activations.leaky_relu_backward`.

    Concept: act.leaky_relu, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    return _backward("leaky_relu_backward", da, cache, LEAKY_RELU, scalar=False)


@njit(cache=True, error_model="numpy")
def _prelu_forward(z, alpha):
    N, H = z.shape
    a = np.empty_like(z)
    zero = z.dtype.type(0)
    for n in range(N):
        for h in range(H):
            v = z[n, h]
            a[n, h] = v if v > zero else alpha[h] * v
    return a


@njit(cache=True, error_model="numpy")
def _prelu_backward(da, z, alpha):
    """``dz`` and ``dalpha = sum_n da * min(z, 0)`` in one pass, summed row after row."""
    N, H = z.shape
    dz = np.empty_like(z)
    zero = z.dtype.type(0)
    dalpha = np.zeros(H, z.dtype)
    for n in range(N):
        for h in range(H):
            v = z[n, h]
            g = da[n, h]
            pos = v > zero
            dz[n, h] = g if pos else alpha[h] * g
            dalpha[h] += g * (zero if pos else v)        # np.minimum(z, 0): NaN stays NaN
    return dz, dalpha


def prelu_forward(z, alpha):
    r"""The parametric ReLU, one learned slope per unit: :func:`reference.activations.prelu_forward`.

    .. math::

        a_{ni} = \begin{cases} z_{ni} & z_{ni} > 0 \\ \alpha_i z_{ni} & z_{ni} \le 0 \end{cases}

    Concept: act.prelu

    Parameters
    ----------
    z : ndarray (N, H), float32 or float64
    alpha : ndarray (H,) — one slope per unit

    Returns
    -------
    a : ndarray (N, H)
    cache : opaque, for :func:`~accelerated.cpu.activations.prelu_backward`
    """
    z, alpha = _check.arrays("prelu_forward", z=(z, "N, H"), alpha=(alpha, "H"))
    c = np.ascontiguousarray
    z, alpha = c(z), c(alpha)
    return _prelu_forward(z, alpha), (z, alpha)


def prelu_backward(da, cache):
    r"""Gradients of the parametric ReLU: :func:`reference.activations.prelu_backward`.

    .. math::

        \frac{\partial L}{\partial z_{ni}} = \frac{\partial L}{\partial a_{ni}}
            \begin{cases} 1 & z_{ni} > 0 \\ \alpha_i & z_{ni} \le 0 \end{cases},
        \qquad
        \frac{\partial L}{\partial \alpha_i} = \sum_n \frac{\partial L}{\partial a_{ni}} \min(z_{ni}, 0)

    Concept: act.prelu, backprop.chain

    Returns
    -------
    (dz, dalpha) : (N, H), (H,)
    """
    z, alpha = cache
    da = _check.grad("prelu_backward", "da", da, z.shape, z.dtype)
    return _prelu_backward(np.ascontiguousarray(da), z, alpha)


@njit(cache=True, error_model="numpy")
def _maxout_forward(z, k):
    N, M = z.shape
    H = M // k
    a = np.empty((N, H), z.dtype)
    winner = np.empty((N, H), np.int32)
    for n in range(N):
        for h in range(H):
            base = h * k
            m = z[n, base]
            w = 0
            for j in range(1, k):
                v = z[n, base + j]
                if v > m or (v != v and m == m):   # the first maximum; a NaN wins, as in argmax
                    m = v
                    w = j
            a[n, h] = m
            winner[n, h] = w
    return a, winner


@njit(cache=True, error_model="numpy")
def _maxout_backward(da, winner, k):
    N, H = da.shape
    dz = np.zeros((N, H * k), da.dtype)
    for n in range(N):
        for h in range(H):
            dz[n, h * k + winner[n, h]] = da[n, h]
    return dz


def maxout_forward(z, k=2):
    r"""Maxout, the largest of each group of ``k`` linear units: :func:`reference.activations.maxout_forward`.

    .. math::

        a_{nh} = \max_{j = 1..k} z_{n,\,(h-1)k + j}

    Concept: act.maxout

    Parameters
    ----------
    z : ndarray (N, H·k), float32 or float64
    k : int >= 2 — the group size

    Returns
    -------
    a : ndarray (N, H)
    cache : opaque, for :func:`~accelerated.cpu.activations.maxout_backward`
    """
    z = _check.arrays("maxout_forward", z=(z, "N, M"))
    k = _check.count("maxout_forward", "k", k, minimum=2)
    if z.shape[1] % k:
        raise ValueError(f"maxout_forward: z must have a multiple of k = {k} columns; "
                         f"got {_check._fmt_shape(z.shape)}")
    a, winner = _maxout_forward(np.ascontiguousarray(z), k)
    return a, (winner, k, z.dtype)


def maxout_backward(da, cache):
    r"""Gradient of maxout, to each group's (first) winner: :func:`reference.activations.maxout_backward`.

    Concept: act.maxout, backprop.chain

    Returns
    -------
    (dz,) : (N, H·k)
    """
    winner, k, dtype = cache
    da = _check.grad("maxout_backward", "da", da, winner.shape, dtype)
    return (_maxout_backward(np.ascontiguousarray(da), winner, k),)


@njit(cache=True, error_model="numpy")
def _softmax_forward(z):
    y = np.empty_like(z)
    for n in range(z.shape[0]):
        softmax_row(z[n], y[n])
    return y


@njit(cache=True, error_model="numpy")
def _softmax_backward(dy, y):
    dz = np.empty_like(y)
    softmax_grad(dy, y, dz, np.empty(0, y.dtype))
    return dz


def softmax_forward(z):
    r"""Softmax, row by row and stable: :func:`reference.activations.softmax_forward`.

    .. math::

        y_i = \frac{e^{z_i}}{\sum_j e^{z_j}}

    Concept: model.softmax

    Parameters
    ----------
    z : ndarray (N, K), float32 or float64

    Returns
    -------
    y : ndarray (N, K), each row summing to 1
    cache : opaque, for :func:`~accelerated.cpu.activations.softmax_backward`
    """
    z = _check.arrays("softmax_forward", z=(z, "N, K"))
    y = _softmax_forward(np.ascontiguousarray(z))
    return y, y


def softmax_backward(dy, cache):
    r"""Gradient of softmax: :func:`reference.activations.softmax_backward`.

    .. math::

        \frac{\partial L}{\partial z_j} = y_j \Big(\frac{\partial L}{\partial y_j}
            - \sum_i \frac{\partial L}{\partial y_i} y_i\Big)

    Concept: model.softmax, backprop.chain

    Returns
    -------
    (dz,) : (N, K)
    """
    y = cache
    dy = _check.grad("softmax_backward", "dy", dy, y.shape, y.dtype)
    return (_softmax_backward(np.ascontiguousarray(dy), y),)
