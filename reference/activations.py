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


def tanh_forward(z):
    r"""The hyperbolic tangent, a sigmoid stretched to (−1, 1).

    .. math::

        \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\,\sigma(2z) - 1

    The slides do not use it; it is here because Keras's ``Activation('tanh')``
    offers it beside the sigmoid, and it is the sigmoid rescaled (the identity
    above), so it vanishes the same way in deep stacks.

    Concept: act.sigmoid

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype, every entry in [−1, 1]
    cache : opaque, for :func:`tanh_backward`
    """
    z = _check.arrays("tanh_forward", z=(z, "..."))
    a = np.tanh(z)
    return a, a


def tanh_backward(da, cache):
    r"""Gradient of tanh.

    .. math::

        \frac{\partial \tanh(z)}{\partial z} = 1 - \tanh^2(z)

    Concept: act.sigmoid, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    a = cache
    da = _check.grad("tanh_backward", "da", da, a.shape, a.dtype)
    dz = da * (1 - a * a)
    return (dz,)


def leaky_relu_forward(z, alpha=0.01):
    r"""Leaky ReLU: the ReLU with a small slope :math:`\alpha` for negative inputs.

    .. math::

        a = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}

    The slide's :math:`\alpha = 0.01` is the default. A negative input still gets
    a gradient, so a unit never goes completely dead.

    Concept: act.leaky_relu

    Slides: 003 "ReLU - variant".

    Parameters
    ----------
    z : ndarray, any shape, float32 or float64
    alpha : float — the slope for :math:`z \le 0` (a finite real number)

    Returns
    -------
    a : ndarray, ``z``'s shape and dtype
    cache : opaque, for :func:`leaky_relu_backward`
    """
    z = _check.arrays("leaky_relu_forward", z=(z, "..."))
    alpha = _check.real("leaky_relu_forward", "alpha", alpha)
    alpha = z.dtype.type(alpha)
    a = np.where(z > 0, z, alpha * z)
    return a, (z, alpha)


def leaky_relu_backward(da, cache):
    r"""Gradient of the leaky ReLU: 1 where :math:`z > 0`, else :math:`\alpha`.

    Concept: act.leaky_relu, backprop.chain

    Returns
    -------
    (dz,) : ``z``'s shape and dtype
    """
    z, alpha = cache
    da = _check.grad("leaky_relu_backward", "da", da, z.shape, z.dtype)
    dz = np.where(z > 0, da, alpha * da)
    return (dz,)


def prelu_forward(z, alpha):
    r"""Parametric ReLU: the leaky ReLU whose slope :math:`\alpha` is learned, one per unit.

    .. math::

        a_{ni} = \begin{cases} z_{ni} & z_{ni} > 0 \\ \alpha_i z_{ni} & z_{ni} \le 0 \end{cases}

    :math:`\alpha` is a parameter like the weights: :func:`prelu_backward` returns
    its gradient and gradient descent updates it.

    Concept: act.prelu

    Slides: 003 "ReLU - variant" (":math:`\alpha` also learned by gradient descent").

    Parameters
    ----------
    z : ndarray (N, H), float32 or float64
    alpha : ndarray (H,) — one slope per unit

    Returns
    -------
    a : ndarray (N, H)
    cache : opaque, for :func:`prelu_backward`
    """
    z, alpha = _check.arrays("prelu_forward", z=(z, "N, H"), alpha=(alpha, "H"))
    a = np.where(z > 0, z, alpha * z)
    return a, (z, alpha)


def prelu_backward(da, cache):
    r"""Gradients of the parametric ReLU, for the input and for the slopes.

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
    dz = np.where(z > 0, da, alpha * da)
    dalpha = (da * np.minimum(z, 0)).sum(axis=0)
    return dz, dalpha


def maxout_forward(z, k=2):
    r"""Maxout: each unit outputs the largest of a group of :math:`k` linear units.

    .. math::

        a_{nh} = \max_{j = 1..k} z_{n,\,(h-1)k + j}

    The columns of ``z`` are cut into groups of ``k`` neighbours (the slide's
    groups of 2 or 3); the layer learns its own piecewise linear activation.
    **ReLU is a special case**: with :math:`k = 2` and the second unit of every group
    fixed at 0 (zero weights and bias), :math:`\max(z, 0)` is the ReLU.

    Concept: act.maxout

    Slides: 003 "Maxout", "Maxout - ReLU is a special cases of Maxout".

    Parameters
    ----------
    z : ndarray (N, H·k), float32 or float64 — the linear units' outputs
    k : int >= 2 — the group size

    Returns
    -------
    a : ndarray (N, H)
    cache : opaque, for :func:`maxout_backward`
    """
    z = _check.arrays("maxout_forward", z=(z, "N, M"))
    k = _check.count("maxout_forward", "k", k, minimum=2)
    if z.shape[1] % k:
        raise ValueError(f"maxout_forward: z must have a multiple of k = {k} columns; "
                         f"got {_check._fmt_shape(z.shape)}")
    groups = z.reshape(z.shape[0], z.shape[1] // k, k)
    winner = groups.argmax(axis=2)              # the first maximal unit of each group
    a = groups.max(axis=2)
    return a, (z.shape, z.dtype, winner, k)


def maxout_backward(da, cache):
    r"""Gradient of maxout: each group's gradient goes to the unit that won the max.

    .. math::

        \frac{\partial L}{\partial z_{n,(h-1)k+j}} =
            \begin{cases} \partial L / \partial a_{nh} & j \text{ won the max (the first, on a tie)} \\
            0 & \text{otherwise} \end{cases}

    Concept: act.maxout, backprop.chain

    Returns
    -------
    (dz,) : (N, H·k)
    """
    shape, dtype, winner, k = cache
    da = _check.grad("maxout_backward", "da", da, (shape[0], shape[1] // k), dtype)
    dgroups = np.zeros((shape[0], shape[1] // k, k), dtype=dtype)
    n, h = np.indices(winner.shape)
    dgroups[n, h, winner] = da                  # each group's gradient to the unit that won
    return (dgroups.reshape(shape),)


def softmax_forward(z):
    r"""Softmax: turn each row of scores into probabilities.

    .. math::

        y_i = \frac{e^{z_i}}{\sum_j e^{z_j}}

    Every :math:`y_i` is in (0, 1) and each row sums to 1, so the output layer reads
    as a distribution over the classes. Subtracting the row's largest :math:`z`
    first changes nothing mathematically (it cancels between numerator and
    denominator) and keeps :math:`e^{z}` from overflowing: ``z = [1000, 0]`` gives
    ``[1, 0]``, not ``nan``.

    Concept: model.softmax

    Slides: 002 "Output Layer as Multi-Class Classifier"; 003 "Output Layer (Option)".

    Parameters
    ----------
    z : ndarray (N, K), float32 or float64 — one row of scores per example

    Returns
    -------
    y : ndarray (N, K), each row summing to 1
    cache : opaque, for :func:`softmax_backward`
    """
    z = _check.arrays("softmax_forward", z=(z, "N, K"))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    return y, y


def softmax_backward(dy, cache):
    r"""Gradient of softmax (the Jacobian–vector product, row by row).

    .. math::

        \frac{\partial y_i}{\partial z_j} = y_i(\delta_{ij} - y_j)
        \quad\Rightarrow\quad
        \frac{\partial L}{\partial z_j} = y_j \Big(\frac{\partial L}{\partial y_j}
            - \sum_i \frac{\partial L}{\partial y_i} y_i\Big)

    Concept: model.softmax, backprop.chain

    Returns
    -------
    (dz,) : (N, K)
    """
    y = cache
    dy = _check.grad("softmax_backward", "dy", dy, y.shape, y.dtype)
    dz = y * (dy - (dy * y).sum(axis=1, keepdims=True))
    return (dz,)
