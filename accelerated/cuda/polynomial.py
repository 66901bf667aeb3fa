r"""The polynomial model on the GPU: :math:`y = b + \sum_{i=1}^K w_i x^i`.

The twins of :mod:`reference.polynomial`. The forward is one kernel with one thread
per example (the powers by repeated multiplication, the sum in float64); the
backward is one kernel for :math:`\partial L/\partial x` and a block reduction that
gives the ``K + 1`` sums :math:`\partial L/\partial w_i = \sum_n \partial L/\partial y_n\, x_n^i`
and :math:`\partial L/\partial b` in float64 (the bias is the coefficient of :math:`x^0 = 1`).
"""

from reference import _check

from . import _ops
from ._launch import any_device, dev, is_device, result, scalar_result, simulator_paced


@simulator_paced
def polynomial_forward(x, w, b):
    r"""The polynomial model of degree ``K = len(w)`` on a batch of scalar inputs.

    .. math::

        y = b + \sum_{i=1}^{K} w_i x^i

    Concept: model.polynomial. Slides: 001 "Variances of ML models".

    Parameters
    ----------
    x : ndarray or device array (N,), float32 or float64 — one input per example
    w : (K,) — the coefficients of :math:`x^1, \dots, x^K`
    b : scalar (0-d array, 0-d device array or Python number) — the bias

    Returns
    -------
    y : (N,), on the device if any argument was
    cache : opaque, for :func:`polynomial_backward`
    """
    on_device = any_device(x, w, b)
    x, w, b = _check.arrays("polynomial_forward", x=(x, "N"), w=(w, "K"), b=(b, ""))
    xd, wd = dev(x), dev(w)
    y = _ops.polynomial_forward(xd, wd, dev(b))
    return result(y, on_device), (xd, wd, on_device)


@simulator_paced
def polynomial_backward(dy, cache):
    r"""Gradients of the polynomial model.

    .. math::

        \frac{\partial L}{\partial w_i} = \sum_n \frac{\partial L}{\partial y_n} x_n^i,
        \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial y_n},
        \qquad
        \frac{\partial L}{\partial x_n} = \frac{\partial L}{\partial y_n} \sum_{i=1}^{K} i\, w_i\, x_n^{i-1}

    Concept: model.polynomial, backprop.chain. Slides: 001 "Variances of ML models".

    Parameters
    ----------
    dy : (N,) — :math:`\partial L / \partial y`, the forward output's dtype
    cache : from :func:`polynomial_forward`

    Returns
    -------
    (dx, dw, db) : (N,), (K,), scalar — ``db`` a NumPy scalar, or a 0-d device
        array when the forward's arguments or ``dy`` were on the device
    """
    xd, wd, on_device = cache
    on_device = on_device or is_device(dy)
    dy = _check.grad("polynomial_backward", "dy", dy, (xd.shape[0],), xd.dtype)
    dx, dw, db = _ops.polynomial_backward(dev(dy), xd, wd)
    return result(dx, on_device), result(dw, on_device), scalar_result(db, on_device)
