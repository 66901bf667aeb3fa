r"""Regularisation on the GPU: dropout and the L1 / L2 penalties.

The twins of :mod:`reference.regularize` (kernels: :func:`~accelerated.cuda._kernels.build_regularize`).
Dropout is one elementwise kernel, :math:`a_i = x_i (m_i s)`, forward and backward; the mask is
data the host drew (:func:`reference.dropout_mask`), uploaded with ``x`` when it is on the host.
A penalty is one kernel that writes the gradient and reduces :math:`\sum w^2` (or
:math:`\sum |w|`) in float64 to one partial per block, then a one-block kernel that adds the
partials in a fixed order and multiplies by :math:`\lambda/2` (or :math:`\lambda`). The value
comes back as a NumPy scalar of the dtype (as a loss does); the gradient, and dropout's
output, stay where the caller's arrays were.
"""

import numpy as np
from reference import _check
from reference.regularize import _scale

from . import _ops
from ._launch import any_device, dev, result, simulator_paced


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
