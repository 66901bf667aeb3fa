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

* :func:`~accelerated.cpu.regularize.dropconnect_forward` forms the kept weights
  :math:`W \odot (M s)` in one pass, then the product goes to BLAS (``np.dot`` in the kernel,
  as the dense layers do) and one pass adds the bias; its backward is two products and one
  pass that masks :math:`\partial L/\partial W` and sums :math:`\partial L/\partial b`.
* :func:`~accelerated.cpu.regularize.standout_forward` is the dense layer of
  :mod:`accelerated.cpu.network`, the standout network's product, and one pass that computes
  :math:`q = \sigma(\alpha r_s + \beta)` and keeps a unit where :math:`u < q` (or multiplies by
  :math:`q` at test time); its backward masks the upstream gradient and calls the dense layer's.

These are memory-bound passes over arrays of lecture size, so they run on one core.
"""

import numpy as np
from numba import njit

from reference import _check
from reference.activation_table import ACT_CODE, LINEAR, SIGMOID
from reference.regularize import _scale, _standout_args

from ._fused import act, bias_activation
from .network import _dense_backward, _dense_forward


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


@njit(cache=True, error_model="numpy")
def _dropconnect_forward(x, W, mask, s, b):
    """``W_kept = W * (mask * s)`` in one pass, then ``r = x @ W_kept.T`` and the bias."""
    H, D = W.shape
    W_kept = np.empty_like(W)
    ms = np.empty_like(W)
    for i in range(H):
        for j in range(D):
            ms[i, j] = mask[i, j] * s
            W_kept[i, j] = W[i, j] * ms[i, j]
    r = np.empty((x.shape[0], H), x.dtype)
    np.dot(x, W_kept.T, r)
    bias_activation(r, b, LINEAR)
    return r, W_kept, ms


@njit(cache=True, error_model="numpy")
def _dropconnect_backward(dout, x, W_kept, ms):
    """``dx = dout @ W_kept``, ``dW = (dout.T @ x) * ms`` (masked in place) and ``db`` (column sums)."""
    N, H = dout.shape
    D = x.shape[1]
    dx = np.empty((N, D), dout.dtype)
    np.dot(dout, W_kept, dx)
    dW = np.empty((H, D), dout.dtype)
    np.dot(dout.T, x, dW)
    for i in range(H):
        for j in range(D):
            dW[i, j] *= ms[i, j]
    db = np.zeros(H, dout.dtype)
    for n in range(N):
        for i in range(H):
            db[i] += dout[n, i]
    return dx, dW, db


@njit(cache=True, error_model="numpy")
def _standout_gate(a, rs, u, alpha, beta, training):
    """``out = a * [u < q]`` (training; the mask kept too) or ``a * q``, ``q = sigmoid(alpha rs + beta)``."""
    N, H = a.shape
    zero = a.dtype.type(0)
    one = a.dtype.type(1)
    al = a.dtype.type(alpha)
    be = a.dtype.type(beta)
    out = np.empty_like(a)
    keep = np.empty_like(a)
    for n in range(N):
        for i in range(H):
            q = act(al * rs[n, i] + be, SIGMOID, zero, one, zero)
            if training:
                keep[n, i] = one if u[n, i] < q else zero
                out[n, i] = a[n, i] * keep[n, i]
            else:
                out[n, i] = a[n, i] * q
    return out, keep


@njit(cache=True, error_model="numpy")
def _masked(dout, keep):
    g = np.empty_like(dout)
    for i in range(dout.size):
        g.flat[i] = dout.flat[i] * keep.flat[i]
    return g


def dropconnect_forward(x, W, b, mask, p, inverted=True):
    r"""DropConnect during training: :func:`reference.regularize.dropconnect_forward`.

    .. math::

        r = b + x\,(W \odot M s)^T, \qquad s = \frac{1}{1-p} \text{ (inverted) or } 1

    One mask for the whole mini-batch, of ``W``'s shape.

    Concept: regularize.dropout_variants

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    W : ndarray (H, D)
    b : ndarray (H,)
    mask : ndarray, ``W``'s shape and dtype — 1 kept, 0 dropped
    p : float in [0, 1)
    inverted : bool

    Returns
    -------
    r : ndarray (N, H)
    cache : opaque, for :func:`dropconnect_backward`
    """
    fn = "dropconnect_forward"
    x, W, b = _check.arrays(fn, x=(x, "N, D"), W=(W, "H, D"), b=(b, "H"))
    mask = _check.same_shape(fn, "mask", mask, "W", W)
    p = _check.fraction(fn, "p", p)
    inverted = _check.flag(fn, "inverted", inverted)
    _check.binary(fn, "mask", mask)
    c = np.ascontiguousarray
    x = c(x)
    r, W_kept, ms = _dropconnect_forward(x, c(W), c(mask), _scale(x, p, inverted), c(b))
    return r, (x, W_kept, ms)


def dropconnect_backward(dout, cache):
    r"""Gradients of DropConnect: :func:`reference.regularize.dropconnect_backward`.

    .. math::

        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial r} (W \odot M s), \qquad
        \frac{\partial L}{\partial W} = \Big(\frac{\partial L}{\partial r}\Big)^T x \odot M s, \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial r_n}

    Concept: regularize.dropout_variants, backprop.chain

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,)
    """
    x, W_kept, ms = cache
    dout = _check.grad("dropconnect_backward", "dout", dout, (x.shape[0], W_kept.shape[0]), x.dtype)
    return _dropconnect_backward(np.ascontiguousarray(dout), x, W_kept, ms)


def standout_forward(x, W, b, Ws, bs, u, alpha=1.0, beta=0.0, activation="sigmoid", training=True):
    r"""Standout: :func:`reference.regularize.standout_forward`.

    .. math::

        a = \sigma_{act}(b + x W^T), \quad q = \operatorname{sigmoid}(\alpha (b_s + x W_s^T) + \beta),
        \quad \text{out} = a \odot [u < q] \text{ (training)}, \; a \odot q \text{ (test)}

    Concept: regularize.dropout_variants

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    W, Ws : ndarray (H, D); b, bs : ndarray (H,)
    u : ndarray (N, H) of uniform draws in [0, 1) when ``training``; ``None`` at test time
    alpha, beta : finite floats
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}
    training : bool

    Returns
    -------
    out : ndarray (N, H)
    cache : opaque, for :func:`standout_backward` (training only)
    """
    fn = "standout_forward"
    x, W, b, Ws, bs, u, alpha, beta, training = _standout_args(fn, x, W, b, Ws, bs, u, alpha, beta, activation,
                                                               training)
    c = np.ascontiguousarray
    x, W = c(x), c(W)
    code = ACT_CODE[activation]
    a = _dense_forward(x, W, c(b), code)
    rs = _dense_forward(x, c(Ws), c(bs), LINEAR)
    uu = c(u) if training else a
    out, keep = _standout_gate(a, rs, uu, alpha, beta, training)
    if not training:
        return out, None
    return out, (x, W, a, code, keep)


def standout_backward(dout, cache):
    r"""Gradients of standout during training: :func:`reference.regularize.standout_backward`.

    The mask is a sample (no gradient through :math:`q`; ``Ws``, ``bs`` get none):
    the dense layer's gradients of :math:`\partial L/\partial\,\text{out} \odot [u < q]`.

    Concept: regularize.dropout_variants, backprop.chain

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,)
    """
    fn = "standout_backward"
    if cache is None:
        raise ValueError(f"{fn}: cache is None: a test-time forward (training=False) has no backward; "
                         f"call standout_forward with training=True")
    x, W, a, code, keep = cache
    dout = _check.grad(fn, "dout", dout, keep.shape, keep.dtype)
    return _dense_backward(_masked(np.ascontiguousarray(dout), keep), a, x, W, code)
