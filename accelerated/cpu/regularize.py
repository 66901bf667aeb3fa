r"""Regularisation on the CPU: :mod:`reference.regularize`, compiled with Numba.

Every kernel is one pass over a flat, contiguous view:

* :func:`~accelerated.cpu.regularize.dropout_forward` and
  :func:`~accelerated.cpu.regularize.dropout_backward` multiply each entry by its mask entry
  times the factor :math:`s` (:math:`1/(1-p)` rounded once to the dtype, or 1), as the
  reference does, without the reference's temporary ``mask * s``. The mask is the host's
  data (:func:`reference.dropout_mask`); its values are checked once, by the shared checker.
* :func:`~accelerated.cpu.regularize.l2_penalty` and :func:`~accelerated.cpu.regularize.l1_penalty`
  write the gradient :math:`\lambda w` (or :math:`\lambda \operatorname{sgn} w`) and sum
  :math:`w^2` (or :math:`|w|`) in float64 in the same pass; the sum may be reassociated
  (``fastmath={"reassoc"}``, nothing else), which stays within the bound of any summation order.

These are memory-bound passes over arrays of lecture size, so they run on one core.
"""

import numpy as np
from numba import njit

from reference import _check
from reference.regularize import _scale


@njit(cache=True, error_model="numpy")
def _masked_scale(x, mask, s):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = x[i] * (mask[i] * s)
    return out


@njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _l2(w, lam):
    g = np.empty_like(w)
    lam_ = w.dtype.type(lam)
    acc = 0.0
    for i in range(w.size):
        wi = w[i]
        w64 = np.float64(wi)
        acc += w64 * w64
        g[i] = lam_ * wi
    return lam * 0.5 * acc, g


@njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _l1(w, lam):
    g = np.empty_like(w)
    lam_ = w.dtype.type(lam)
    zero = w.dtype.type(0)
    one = w.dtype.type(1)
    acc = 0.0
    for i in range(w.size):
        wi = w[i]
        acc += abs(np.float64(wi))
        # np.sign: 1, -1, or wi * 0 (0 at 0, NaN for NaN)
        g[i] = lam_ * (one if wi > zero else (-one if wi < zero else wi * zero))
    return lam * acc, g


def _flat(a):
    return np.ascontiguousarray(a).reshape(-1)


def _apply(x, mask, s):
    return _masked_scale(_flat(x), _flat(mask), s).reshape(x.shape)


def dropout_forward(x, mask, p, inverted=True):
    r"""Dropout during training: :func:`reference.regularize.dropout_forward`.

    .. math::

        a = \frac{x \odot m}{1 - p} \quad (\texttt{inverted=True}), \qquad
        a = x \odot m \quad (\texttt{inverted=False}, \text{the slide's form})

    Concept: regularize.dropout

    Parameters
    ----------
    x : ndarray, any shape, float32 or float64
    mask : ndarray, ``x``'s shape and dtype — 1 kept, 0 dropped
    p : float in [0, 1) — the dropout rate
    inverted : bool

    Returns
    -------
    a : ndarray, ``x``'s shape and dtype
    cache : opaque, for :func:`dropout_backward`
    """
    fn = "dropout_forward"
    x = _check.arrays(fn, x=(x, "..."))
    mask = _check.same_shape(fn, "mask", mask, "x", x)
    p = _check.fraction(fn, "p", p)
    inverted = _check.flag(fn, "inverted", inverted)
    _check.binary(fn, "mask", mask)
    s = _scale(x, p, inverted)
    return _apply(x, mask, s), (mask, s)


def dropout_backward(dout, cache):
    r"""Gradient of dropout: :func:`reference.regularize.dropout_backward`.

    .. math::

        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial a} \odot m \cdot s

    Concept: regularize.dropout, backprop.chain

    Returns
    -------
    (dx,) : ``x``'s shape and dtype
    """
    mask, s = cache
    dout = _check.grad("dropout_backward", "dout", dout, mask.shape, mask.dtype)
    return (_apply(dout, mask, s),)


def l2_penalty(w, lam):
    r"""The L2 penalty :math:`\frac{\lambda}{2}\lVert w\rVert_2^2` and its gradient :math:`\lambda w`:
    :func:`reference.regularize.l2_penalty`.

    Concept: regularize.l2

    Parameters
    ----------
    w : ndarray, any shape, float32 or float64
    lam : float >= 0

    Returns
    -------
    value : scalar of ``w``'s dtype
    grad : ndarray, ``w``'s shape and dtype
    """
    w = _check.arrays("l2_penalty", w=(w, "..."))
    lam = _check.nonnegative("l2_penalty", "lam", lam)
    value, g = _l2(_flat(w), lam)
    return w.dtype.type(value), g.reshape(w.shape)


def l1_penalty(w, lam):
    r"""The L1 penalty :math:`\lambda\lVert w\rVert_1` and its gradient :math:`\lambda \operatorname{sgn}(w)`
    (0 at 0): :func:`reference.regularize.l1_penalty`.

    Concept: regularize.l1

    Parameters
    ----------
    w : ndarray, any shape, float32 or float64
    lam : float >= 0

    Returns
    -------
    value : scalar of ``w``'s dtype
    grad : ndarray, ``w``'s shape and dtype
    """
    w = _check.arrays("l1_penalty", w=(w, "..."))
    lam = _check.nonnegative("l1_penalty", "lam", lam)
    value, g = _l1(_flat(w), lam)
    return w.dtype.type(value), g.reshape(w.shape)
