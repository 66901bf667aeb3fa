r"""Fused elementwise kernels shared by the dense layer, the network and the training epoch.

A dense layer is one matrix product followed by elementwise work. NumPy does that
work in several passes over the ``(N, H)`` result (add the bias, ``abs``, ``exp``,
``where`` …), each allocating a temporary; here it is one pass:

* forward, after the GEMM ``r = x @ W.T``: :func:`bias_activation` turns ``r`` into
  :math:`a = \sigma(b + r)` in place;
* backward, before the GEMMs: :func:`activation_grad` turns
  :math:`\partial L/\partial a` into :math:`\partial L/\partial r = \partial L/\partial a \cdot \sigma'`
  and sums the bias gradient :math:`\sum_n \partial L/\partial r_n` in the same pass;
  :func:`readout_grad` does the same for the top hidden layer straight from
  :math:`\partial L/\partial y` (the read-out :math:`y = b + \mathbf{c}^T \mathbf{a}`), so
  :math:`\partial L/\partial \mathbf{a}^L = \partial L/\partial y\, \mathbf{c}^T` is never stored.

Every activation's derivative is computed from the activation's *output* ``a``
(:math:`\sigma' = a(1-a)`; the ReLU's :math:`z > 0` is :math:`a > 0`; the hard sigmoid's
:math:`0 < z < 1` is :math:`0 < a < 1`), so a layer keeps one ``(N, H)`` array for its
backward pass instead of two. The arithmetic is written in the reference's order
(``da * a * (1 - a)``, ``da * (z > 0)``) and in the input's dtype, so float64 results
match :mod:`reference` to rounding and float32 stays float32. The sigmoid's
:math:`e^{-|z|}` is :func:`accelerated.cpu._exp.exp_nonpos`, and every kernel of
this backend compiles with NumPy's error model (a division by zero gives ``inf``
or NaN, as in NumPy, rather than Python's ``ZeroDivisionError``): both keep these
loops free of calls and branches, so the compiler vectorises them.
"""

from numba import njit

from ._exp import exp_nonpos

SIGMOID, RELU, HARD_SIGMOID, LINEAR = 0, 1, 2, 3
#: The activation names of :data:`reference.network.ACTIVATIONS` as kernel codes.
ACT_CODE = {"sigmoid": SIGMOID, "relu": RELU, "hard_sigmoid": HARD_SIGMOID, "linear": LINEAR}

MSE, MAE = 0, 1
LOSS_CODE = {"mse": MSE, "mae": MAE}


@njit(inline="always")
def act(v, code, zero, one):
    """The activation of one pre-activation value ``v`` (the reference's formulas)."""
    if code == SIGMOID:
        e = exp_nonpos(-abs(v))                 # e^{-|z|} in (0, 1]: nothing overflows
        if v >= zero:
            return one / (one + e)
        return e / (one + e)
    if code == RELU:
        return zero if v < zero else v          # NaN stays NaN, like np.maximum
    if code == HARD_SIGMOID:
        if v < zero:
            return zero
        if v > one:
            return one
        return v
    return v


@njit(inline="always")
def act_grad(g, a, code, zero, one):
    """``g * sigma'(z)``, the derivative taken from the activation's output ``a``."""
    if code == SIGMOID:
        return g * a * (one - a)
    if code == RELU:
        return g * (one if a > zero else zero)
    if code == HARD_SIGMOID:
        return g * (one if (a > zero and a < one) else zero)
    return g


@njit(cache=True, error_model="numpy")
def bias_activation(r, b, code):
    """``r[n, h] <- act(b[h] + r[n, h])`` in place: the pass after the GEMM ``r = x @ W.T``."""
    N, H = r.shape
    zero = r.dtype.type(0)
    one = r.dtype.type(1)
    for n in range(N):
        for h in range(H):
            r[n, h] = act(b[h] + r[n, h], code, zero, one)


@njit(cache=True, error_model="numpy")
def activation_grad(da, a, code, dr, db):
    """``dr = da * act'(a)`` and ``db = sum_n dr[n]`` in one pass (``dr`` may be ``da``)."""
    N, H = da.shape
    zero = da.dtype.type(0)
    one = da.dtype.type(1)
    for h in range(H):
        db[h] = zero
    for n in range(N):
        for h in range(H):
            v = act_grad(da[n, h], a[n, h], code, zero, one)
            dr[n, h] = v
            db[h] += v


@njit(cache=True, error_model="numpy")
def readout_grad(dy, c, a, code, dr, db, dc):
    """The read-out's and the top layer's backward in one pass over ``a`` (N, H).

    ``dc = a.T @ dy``; ``dr = (dy c^T) * act'(a)``; ``db = sum_n dr[n]``. Returns
    ``sum(dy)``, the read-out bias's gradient, summed in float64.
    """
    N, H = a.shape
    zero = a.dtype.type(0)
    one = a.dtype.type(1)
    for h in range(H):
        db[h] = zero
        dc[h] = zero
    db0 = 0.0
    for n in range(N):
        g = dy[n]
        db0 += g
        for h in range(H):
            dc[h] += a[n, h] * g
            v = act_grad(g * c[h], a[n, h], code, zero, one)
            dr[n, h] = v
            db[h] += v
    return db0
