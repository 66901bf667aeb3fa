"""Device-level building blocks: each launches one or two kernels on device arrays.

The public functions (``activations.py`` … ``optimize.py``) check their arguments,
move them to the device and call these; the training loops call them many times
with a :class:`~._launch.Workspace`, so that scratch memory is allocated once per
call rather than once per step. Nothing here copies to the host.
"""

from __future__ import annotations

import numpy as np

from reference.activation_table import CACHES_OUTPUT, LINEAR, SOFTMAX

from . import _kernels, _optim_kernels
from ._launch import blocks_1d, cdiv, colsum_blocks, config, empty, flat, scratch

F64 = np.dtype(np.float64)


# ---------------------------------------------------------------- the kernel families
# One accessor per family of :mod:`._kernels` (and :mod:`._optim_kernels`): the family's
# kernels for ``dtype`` under the current launch settings (:data:`~._launch.config`), built
# and compiled once per dtype and setting (the builders are cached).


def activation_kernels(dtype):
    """The activation kernels (:func:`~._kernels.build_activations`) for ``dtype``."""
    return _kernels.build_activations(np.dtype(dtype).str)


def dense_kernels(dtype):
    """The fused dense-layer kernels (:func:`~._kernels.build_dense`) for ``dtype``."""
    return _kernels.build_dense(np.dtype(dtype).str)


def linear_algebra_kernels(dtype):
    """The matrix product and column sums (:func:`~._kernels.build_linear_algebra`) for ``dtype``."""
    return _kernels.build_linear_algebra(np.dtype(dtype).str, config.tile)


def loss_kernels(dtype):
    """The loss kernels (:func:`~._kernels.build_losses`) for ``dtype``."""
    return _kernels.build_losses(np.dtype(dtype).str, config.threads, config.tile)


def descent_kernels(dtype):
    """The gradient-descent updates (:func:`~._kernels.build_descent`) for ``dtype``."""
    return _kernels.build_descent(np.dtype(dtype).str, config.threads)


def data_kernels(dtype):
    """The copies and gathers (:func:`~._kernels.build_data`) for ``dtype``."""
    return _kernels.build_data(np.dtype(dtype).str)


def polynomial_kernels(dtype):
    """The polynomial model's kernels (:func:`~._kernels.build_polynomial`) for ``dtype``."""
    return _kernels.build_polynomial(np.dtype(dtype).str, config.threads)


def regularize_kernels(dtype):
    """Dropout and the penalties (:func:`~._kernels.build_regularize`) for ``dtype``."""
    return _kernels.build_regularize(np.dtype(dtype).str, config.threads)


def augment_kernels(dtype):
    """The image transform (:func:`~._kernels.build_augment`) for ``dtype``."""
    return _kernels.build_augment(np.dtype(dtype).str)


def optimizer_kernels(dtype):
    """The optimizer rules and the clipping norm (:func:`~._optim_kernels.build`) for ``dtype``."""
    return _optim_kernels.build(np.dtype(dtype).str, config.threads)


def launch_1d(kernel, n, *args):
    """One thread per item (``n`` items) in blocks of ``config.threads``."""
    kernel[blocks_1d(n), config.threads](*args)


def copy_into(src, dst):
    """``dst[...] = src`` on the device (same size; ``dst`` contiguous)."""
    s = flat(src)
    launch_1d(data_kernels(dst.dtype).copy, s.shape[0], s, dst.reshape(s.shape[0]))


# ---------------------------------------------------------------- activations


def activation_forward(z, kind):
    """``a = act(z)`` for a device array of any shape; returns ``a`` (a new array)."""
    zf = flat(z)
    a = empty(z.shape, z.dtype)
    launch_1d(activation_kernels(z.dtype).act_forward, zf.shape[0], zf, a.reshape(zf.shape[0]), kind)
    return a


def activation_backward(da, cache, kind, out=None):
    """``dz = da * act'(.)`` with ``cache`` the forward's (``a`` for the sigmoid, else ``z``)."""
    daf = flat(da)
    n = daf.shape[0]
    dz = empty(da.shape, da.dtype) if out is None else out
    c = flat(cache) if kind != LINEAR else daf
    launch_1d(activation_kernels(da.dtype).act_backward, n, daf, c, dz.reshape(n), kind)
    return dz


# ---------------------------------------------------------------- matrix product


def gemm(A, B, C, ta, tb, ws=None):
    """``C = op(A) @ op(B)`` (``op`` transposes when ``ta`` / ``tb`` is 1); ``C`` contiguous.

    The output is covered by ``tile``×``tile`` blocks. When they are fewer than
    ``config.min_blocks`` and the inner dimension ``K`` is long, ``K`` is split over
    ``S`` slices (``blockIdx.z``) whose float64 partial products are then added in
    slice order (deterministic): a ``(H, D)`` weight gradient summed over a batch
    of thousands still keeps many blocks busy.
    """
    M, N = C.shape
    K = A.shape[0] if ta else A.shape[1]
    T = config.tile
    k = linear_algebra_kernels(A.dtype)
    nblk = cdiv(M, T) * cdiv(N, T)
    ktiles = cdiv(K, T)
    S = 1
    if nblk < config.min_blocks and ktiles >= 8:
        S = min(cdiv(config.min_blocks, nblk), ktiles // 4)
    kchunk = cdiv(ktiles, S) * T
    S = cdiv(K, kchunk)
    grid = (cdiv(N, T), cdiv(M, T), S)
    if S == 1:
        k.gemm[grid, (T, T)](A, B, C.reshape(1, M, N), ta, tb, kchunk)
    else:
        P = scratch(ws, "gemm", (S, M, N), F64)
        k.gemm[grid, (T, T)](A, B, P, ta, tb, kchunk)
        launch_1d(linear_algebra_kernels(C.dtype).sum_partials, M * N, P, C)
    return C


# ---------------------------------------------------------------- column sums


def colsum(M, v, out, out_extra=None, ws=None):
    r"""``out[j] = sum_n M[n, j] * v[n]`` (``v`` None: plain column sums), summed in float64.

    With ``out_extra`` (a 0-d array), also ``out_extra = sum_n v[n]``, as if ``M``
    had a column of ones: :math:`\partial L/\partial w` and :math:`\partial L/\partial b`
    of :math:`y = b + \mathbf{w}^T\mathbf{x}` in one pass. One launch when a single
    block row covers the rows, else a second launch adds the per-block partials.
    """
    rows, J = M.shape
    extra = 0 if out_extra is None else 1
    Jt = J + extra
    T = config.tile
    S = colsum_blocks(rows)
    k = linear_algebra_kernels(out.dtype)
    use_v = 0 if v is None else 1
    vv = out if v is None else v
    oe = scratch(ws, "dummy0", (), out.dtype) if out_extra is None else out_extra
    grid = (cdiv(Jt, T), S)
    if S == 1:
        P = scratch(ws, "dummy2", (1, 1), F64)
        k.colsum[grid, (T, T)](M, vv, use_v, extra, P, out, oe, 1)
    else:
        P = scratch(ws, "colsum", (S, Jt), F64)
        k.colsum[grid, (T, T)](M, vv, use_v, extra, P, out, oe, 0)
        launch_1d(k.colsum_finalize, Jt, P, out, oe)
    return out


# ---------------------------------------------------------------- linear model


def linear_forward(x, w, b, out=None):
    """``y = b + x @ w`` with ``b`` a 0-d device array; one thread per row."""
    N = x.shape[0]
    y = empty(N, x.dtype) if out is None else out
    launch_1d(linear_algebra_kernels(x.dtype).linear_fwd, N, x, w, b.reshape(1), 0, y)
    return y


def outer(dy, w, out=None):
    """``dx[n, j] = dy[n] * w[j]``."""
    N, D = dy.shape[0], w.shape[0]
    dx = empty((N, D), dy.dtype) if out is None else out
    launch_1d(linear_algebra_kernels(dy.dtype).outer, N * D, dy, w, dx)
    return dx


def linear_backward(dy, x, w):
    """``(dx, dw, db)`` of ``y = b + x @ w``; ``db`` is a 0-d device array."""
    dx = outer(dy, w)
    dw = empty(w.shape[0], x.dtype)
    db = empty((), x.dtype)
    colsum(x, dy, dw, db)
    return dx, dw, db


def polynomial_forward(x, w, b):
    """``y = b + sum_i w_i x^i`` with ``b`` a 0-d device array; one thread per example."""
    N = x.shape[0]
    y = empty(N, x.dtype)
    launch_1d(polynomial_kernels(x.dtype).poly_fwd, N, x, w, b.reshape(1), y)
    return y


def polynomial_backward(dy, x, w, ws=None):
    """``(dx, dw, db)`` of ``y = b + sum_i w_i x^i``; ``db`` is a 0-d device array.

    ``dx`` in one launch; the ``K + 1`` sums over the examples as one float64 partial per
    block each, then one launch adds the partials in block order (deterministic).
    """
    N, K = x.shape[0], w.shape[0]
    k = polynomial_kernels(x.dtype)
    dx = empty(N, x.dtype)
    launch_1d(k.poly_dx, N, x, w, dy, dx)
    S = blocks_1d(N)
    P = scratch(ws, "polynomial", (S, K + 1), F64)
    k.poly_partials[S, config.threads](x, dy, K, P)
    dw = empty(K, x.dtype)
    db = empty((), x.dtype)
    launch_1d(k.poly_finalize, K + 1, P, dw, db)
    return dx, dw, db


# ---------------------------------------------------------------- dense layers


def dense_forward(x, W, b, kind, ws=None, r=None, a=None):
    """``a = act(b + x @ W.T)``: the tiled product, then bias and activation in one pass.

    Returns ``(a, act_cache)``: the sigmoid's and tanh's cache is ``a``, the
    ReLU's, the hard sigmoid's and the leaky ReLU's is ``z = b + x W^T`` (kept in
    ``r``), the identity needs none. With ``kind`` :data:`~reference.activation_table.SOFTMAX` (an
    output layer) ``a`` is the row-wise softmax of ``z`` and the cache is ``a``.
    ``r`` and ``a`` may be given (scratch buffers of a training loop).
    """
    N, H = x.shape[0], W.shape[0]
    k = dense_kernels(x.dtype)
    r = empty((N, H), x.dtype) if r is None else r
    gemm(x, W, r, 0, 1, ws)
    if kind == LINEAR:
        launch_1d(k.bias_act, N * H, r, b, r, kind, 0)
        return r, None
    a = empty((N, H), x.dtype) if a is None else a
    if kind == SOFTMAX:
        launch_1d(activation_kernels(x.dtype).softmax_rows, N, r, b, 1, a)
        return a, a
    cached_a = kind in CACHES_OUTPUT
    launch_1d(k.bias_act, N * H, r, b, a, kind, 0 if cached_a else 1)
    return a, (a if cached_a else r)


def output_backward(da, act_cache, kind, out=None):
    """``dz`` of an output layer from ``da``: the activation gradient, or the softmax's row rule."""
    if kind == SOFTMAX:
        return softmax_backward(da, act_cache, out)
    if kind == LINEAR:
        return da
    return activation_backward(da, act_cache, kind, out=out)


def dense_backward_params(dr, x_in, dW, db, ws=None):
    """``dW = dr^T x_in`` (tiled, split-K when the batch is long) and ``db = sum_n dr``."""
    gemm(dr, x_in, dW, 1, 0, ws)
    colsum(dr, None, db, None, ws)


def readout_act_backward(dy, c, act_cache, kind, dr):
    """``dr = (dy c^T) * act'``: the read-out's backward fused with the top layer's activation."""
    N, H = dy.shape[0], c.shape[0]
    cache = dr if act_cache is None else act_cache
    launch_1d(dense_kernels(dy.dtype).readout_act_bwd, N * H, dy, c, cache, dr, kind)
    return dr


# ---------------------------------------------------------------- losses


def loss(y, y_hat, kind, divisor, ws=None):
    """The loss and ``dL/dy`` of flat device arrays; returns ``(L, dL_dy)``.

    ``L`` is a device 1-vector of the dtype (the float64 sum of the per-example
    errors divided by ``divisor``), ``dL_dy`` a new array of ``y``'s shape.
    """
    yf, hf = flat(y), flat(y_hat)
    n = yf.shape[0]
    k = loss_kernels(y.dtype)
    NP = np.dtype(y.dtype).type
    dL = empty(y.shape, y.dtype)
    S = blocks_1d(n)
    P = scratch(ws, "loss", (1, S), F64)
    k.loss_partial[S, config.threads](yf, hf, dL.reshape(n), P.reshape(S), kind, NP(divisor))
    L = empty(1, y.dtype)
    k.finalize_losses[1, config.threads](P, L, divisor, divisor, 1)
    return L, dL


def cross_entropy(y, y_hat, divisor, ws=None):
    """``-sum y_hat ln y / divisor`` and ``dL/dy = -y_hat / y / divisor``; returns ``(L, dL_dy)``
    with ``L`` a device 1-vector of the dtype (see :func:`loss`)."""
    yf, hf = flat(y), flat(y_hat)
    n = yf.shape[0]
    k = loss_kernels(y.dtype)
    NP = np.dtype(y.dtype).type
    dL = empty(y.shape, y.dtype)
    S = blocks_1d(n)
    P = scratch(ws, "loss", (1, S), F64)
    k.xent_partial[S, config.threads](yf, hf, dL.reshape(n), P.reshape(S), NP(divisor))
    L = empty(1, y.dtype)
    k.finalize_losses[1, config.threads](P, L, divisor, divisor, 1)
    return L, dL


def softmax_cross_entropy_rows(z, y_hat, dz, P, divisor, b=None):
    """One launch: the per-row losses of softmax + cross entropy, summed per block into ``P``
    (float64, ``blocks_1d(N)`` slots), and ``dz = (softmax(z) s - y_hat) / divisor``.

    With ``b`` the logits are ``z + b`` (an output layer's product before its bias)."""
    N = z.shape[0]
    NP = np.dtype(z.dtype).type
    use_b = 0 if b is None else 1
    bb = dz.reshape(dz.shape[0] * dz.shape[1]) if b is None else b   # not read without a bias
    loss_kernels(z.dtype).softmax_xent[blocks_1d(N), config.threads](
        z, bb, use_b, y_hat, dz, P, NP(divisor))
    return dz


def softmax_cross_entropy(z, y_hat, divisor, ws=None):
    """The fused loss of ``softmax(z)`` against ``y_hat``; returns ``(L, dL_dz)`` (``L`` a device 1-vector)."""
    S = blocks_1d(z.shape[0])
    P = scratch(ws, "loss", (1, S), F64)
    dz = empty(z.shape, z.dtype)
    softmax_cross_entropy_rows(z, y_hat, dz, P.reshape(S), divisor)
    L = empty(1, z.dtype)
    loss_kernels(z.dtype).finalize_losses[1, config.threads](P, L, divisor, divisor, 1)
    return L, dz


def sigmoid_cross_entropy(z, y_hat, divisor, ws=None):
    """The fused loss of ``sigmoid(z)`` against ``y_hat`` (any shape, taken flat); returns ``(L, dL_dz)``
    (``L`` a device 1-vector, the sum of the entries' losses over ``divisor``)."""
    zf, hf = flat(z), flat(y_hat)
    n = zf.shape[0]
    S = blocks_1d(n)
    P = scratch(ws, "loss", (1, S), F64)
    dz = empty(z.shape, z.dtype)
    loss_kernels(z.dtype).sigmoid_xent[S, config.threads](
        zf, hf, dz.reshape(n), P.reshape(S), np.dtype(z.dtype).type(divisor))
    L = empty(1, z.dtype)
    loss_kernels(z.dtype).finalize_losses[1, config.threads](P, L, divisor, divisor, 1)
    return L, dz


# ---------------------------------------------------------------- row-wise and grouped activations


def softmax(z, out=None):
    """``y = softmax(z)`` row by row (the row max subtracted, the row sum in float64)."""
    y = empty(z.shape, z.dtype) if out is None else out
    no_bias = y.reshape(y.shape[0] * y.shape[1])          # not read: use_b is 0
    launch_1d(activation_kernels(z.dtype).softmax_rows, z.shape[0], z, no_bias, 0, y)
    return y


def softmax_backward(dy, y, out=None):
    """``dz = y * (dy - sum_k dy_k y_k)`` row by row."""
    dz = empty(y.shape, y.dtype) if out is None else out
    launch_1d(activation_kernels(y.dtype).softmax_bwd_rows, y.shape[0], dy, y, dz)
    return dz


def leaky_relu(z, alpha):
    """``a = z`` where ``z > 0``, else ``alpha z`` (any shape; ``alpha`` a Python float)."""
    zf = flat(z)
    a = empty(z.shape, z.dtype)
    NP = np.dtype(z.dtype).type
    launch_1d(activation_kernels(z.dtype).leaky_forward, zf.shape[0], zf, a.reshape(zf.shape[0]), NP(alpha))
    return a


def leaky_relu_backward(da, z, alpha):
    """``dz = da`` where ``z > 0``, else ``alpha da``."""
    daf = flat(da)
    n = daf.shape[0]
    dz = empty(da.shape, da.dtype)
    NP = np.dtype(da.dtype).type
    launch_1d(activation_kernels(da.dtype).leaky_backward, n, daf, flat(z), dz.reshape(n), NP(alpha))
    return dz


def prelu(z, alpha):
    """``a[n, h] = z`` where ``z > 0``, else ``alpha[h] z``."""
    a = empty(z.shape, z.dtype)
    launch_1d(activation_kernels(z.dtype).prelu_forward, z.shape[0] * z.shape[1], z, alpha, a)
    return a


def prelu_backward(da, z, alpha, ws=None):
    """``(dz, dalpha)``: one elementwise pass writes ``dz`` and ``da * min(z, 0)``, a column sum gives ``dalpha``."""
    N, H = z.shape
    k = activation_kernels(z.dtype)
    dz = empty(z.shape, z.dtype)
    T = scratch(ws, "prelu", (N, H), z.dtype)
    launch_1d(k.prelu_backward, N * H, da, z, alpha, dz, T)
    dalpha = empty(H, z.dtype)
    colsum(T, None, dalpha, None, ws)
    return dz, dalpha


def maxout(z, k):
    """``a[n, h] = max_j z[n, h k + j]`` and the first maximal ``j`` (int32), for the backward."""
    N, C = z.shape
    H = C // k
    a = empty((N, H), z.dtype)
    arg = empty((N, H), np.int32)
    launch_1d(activation_kernels(z.dtype).maxout_forward, N * H, z, a, arg, k)
    return a, arg


def maxout_backward(da, arg, k):
    """``dz[n, h k + j] = da[n, h]`` for the group's first maximal ``j``, else 0."""
    N, H = da.shape
    dz = empty((N, H * k), da.dtype)
    launch_1d(activation_kernels(da.dtype).maxout_backward, N * H * k, da, arg, dz, k)
    return dz


def gather_rows(x, y_hat, order_d, start, xb, yb):
    """``xb[i] = x[order[start + i]]`` and ``yb[i] = y_hat[order[start + i]]`` in one launch."""
    n = xb.shape[0] * (x.shape[1] + y_hat.shape[1])
    launch_1d(data_kernels(x.dtype).gather_rows, n, x, y_hat, order_d, start, xb, yb)


# ---------------------------------------------------------------- regularisation


def dropout_scale(x, mask, s):
    """``a = x * (mask * s)`` for device arrays of one shape; returns ``a`` (a new array)."""
    xf, mf = flat(x), flat(mask)
    n = xf.shape[0]
    a = empty(x.shape, x.dtype)
    launch_1d(regularize_kernels(x.dtype).dropout_scale, n, xf, mf, a.reshape(n), s)
    return a


def dropout_rows(x, mask, start, s, out):
    """``out = x * (m * s)`` for a batch ``x`` (nb, D), ``m`` rows ``start .. start + nb - 1`` of the
    flat (N * D) device ``mask``; ``out`` (nb, D) may be ``x``. Returns ``out``."""
    nb, D = x.shape
    n = nb * D
    launch_1d(regularize_kernels(x.dtype).dropout_scale, n, x.reshape(n), mask[start * D:start * D + n],
              out.reshape(n), s)
    return out


def standout_gate(a, rs, u, alpha, beta, training):
    """Standout's gate on (N, H) device arrays: ``(out, keep)``, ``q = sigmoid(alpha rs + beta)``,
    ``out = a * [u < q]`` and ``keep = [u < q]`` (training), or ``out = a * q`` and no ``keep`` (test)."""
    N, H = a.shape
    NP = np.dtype(a.dtype).type
    out = empty((N, H), a.dtype)
    keep = empty((N, H), a.dtype) if training else out
    uu = u if training else a
    launch_1d(regularize_kernels(a.dtype).standout_gate, N * H, a, rs, uu, out, keep, NP(alpha), NP(beta),
              1 if training else 0)
    return out, (keep if training else None)


def penalty(w, lam, kind, ws=None):
    """The L2 (``kind`` "l2") or L1 penalty of a device array: ``(value, grad)``, ``value`` a device
    1-vector of the dtype (the float64 sum times lam / 2 or lam), ``grad`` a new array of ``w``'s shape."""
    wf = flat(w)
    n = wf.shape[0]
    k = regularize_kernels(w.dtype)
    NP = np.dtype(w.dtype).type
    g = empty(w.shape, w.dtype)
    S = blocks_1d(n)
    P = scratch(ws, "penalty", (S,), F64)
    partial = k.l2_partial if kind == "l2" else k.l1_partial
    partial[S, config.threads](wf, g.reshape(n), P, NP(lam))
    value = empty(1, w.dtype)
    k.penalty_finalize[1, config.threads](P, value, lam * 0.5 if kind == "l2" else lam)
    return value, g


# ---------------------------------------------------------------- creating training images


def transform_images(x, cos, sin, shifts):
    """The rotated and shifted images of a contiguous (N, C, H, W) device array, given each image's
    cosine, sine (N,) and shift (N, 2) as float64 device arrays; one thread per output pixel."""
    N, C, H, W = x.shape
    out = empty(x.shape, x.dtype)
    launch_1d(augment_kernels(x.dtype).transform, N * H * W, x, cos, sin, shifts, out)
    return out
