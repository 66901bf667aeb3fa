r"""The linear model on the GPU: :math:`y = b + \sum_j w_j x_j`.

The twins of :mod:`reference.linear`. The forward is one kernel with one thread
per example (a dot product over the ``D`` features, summed in float64); the
backward is an outer product for :math:`\partial L/\partial x` and one column-sum
kernel that gives :math:`\partial L/\partial w = x^T\,\partial L/\partial y` and
:math:`\partial L/\partial b = \sum_n \partial L/\partial y_n` together (the bias
is the weight of a column of ones).
"""

from reference import _check

from . import _ops
from ._launch import any_device, dev, is_device, result, scalar_result, simulator_paced


@simulator_paced
def linear_forward(x, w, b):
    r"""The linear model on a batch of examples.

    .. math::

        y = b + \sum_j w_j x_j

    Concept: model.linear1, model.linear. Slides: 000 "Function with Unknown
    Parameters", "Linear models"; 004.

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    w : (D,) — the weights
    b : scalar (0-d array, 0-d device array or Python number) — the bias

    Returns
    -------
    y : (N,), on the device if any argument was
    cache : opaque, for :func:`linear_backward`
    """
    on_device = any_device(x, w, b)
    x, w, b = _check.arrays("linear_forward", x=(x, "N, D"), w=(w, "D"), b=(b, ""))
    xd, wd = dev(x), dev(w)
    y = _ops.linear_forward(xd, wd, dev(b))
    return result(y, on_device), (xd, wd, on_device)


@simulator_paced
def linear_backward(dy, cache):
    r"""Gradients of the linear model.

    .. math::

        \frac{\partial L}{\partial w_j} = \sum_n \frac{\partial L}{\partial y_n} x_{nj},
        \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial y_n},
        \qquad
        \frac{\partial L}{\partial x_{nj}} = \frac{\partial L}{\partial y_n} w_j

    Concept: model.linear, backprop.chain. Slides: 000 "Optimization".

    Parameters
    ----------
    dy : (N,) — :math:`\partial L / \partial y`, the forward output's dtype
    cache : from :func:`linear_forward`

    Returns
    -------
    (dx, dw, db) : (N, D), (D,), scalar — ``db`` a NumPy scalar, or a 0-d device
        array when the forward's arguments or ``dy`` were on the device
    """
    xd, wd, on_device = cache
    on_device = on_device or is_device(dy)
    dy = _check.grad("linear_backward", "dy", dy, (xd.shape[0],), xd.dtype)
    dx, dw, db = _ops.linear_backward(dev(dy), xd, wd)
    return result(dx, on_device), result(dw, on_device), scalar_result(db, on_device)
