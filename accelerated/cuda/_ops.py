"""Device-level building blocks: each launches one or two kernels on device arrays.

The public functions (``activations.py`` … ``optimize.py``) check their arguments,
move them to the device and call these; the training loops call them many times
with a :class:`~._launch.Workspace`, so that scratch memory is allocated once per
call rather than once per step. Nothing here copies to the host.
"""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._kernels import LINEAR, SIGMOID
from ._launch import blocks_1d, cdiv, colsum_blocks, config, empty, flat, scratch

F64 = np.dtype(np.float64)


def kernels(dtype):
    """The kernels for ``dtype`` under the current launch settings."""
    return _kernels.build(np.dtype(dtype).str, config.threads, config.tile)


def launch_1d(kernel, n, *args):
    """One thread per item (``n`` items) in blocks of ``config.threads``."""
    kernel[blocks_1d(n), config.threads](*args)


def copy_into(src, dst):
    """``dst[...] = src`` on the device (same size; ``dst`` contiguous)."""
    s = flat(src)
    launch_1d(kernels(dst.dtype).copy, s.shape[0], s, dst.reshape(s.shape[0]))


# ---------------------------------------------------------------- activations


def activation_forward(z, kind):
    """``a = act(z)`` for a device array of any shape; returns ``a`` (a new array)."""
    zf = flat(z)
    a = empty(z.shape, z.dtype)
    launch_1d(kernels(z.dtype).act_forward, zf.shape[0], zf, a.reshape(zf.shape[0]), kind)
    return a


def activation_backward(da, cache, kind, out=None):
    """``dz = da * act'(.)`` with ``cache`` the forward's (``a`` for the sigmoid, else ``z``)."""
    daf = flat(da)
    n = daf.shape[0]
    dz = empty(da.shape, da.dtype) if out is None else out
    c = flat(cache) if kind != LINEAR else daf
    launch_1d(kernels(da.dtype).act_backward, n, daf, c, dz.reshape(n), kind)
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
    k = kernels(A.dtype)
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
        launch_1d(kernels(C.dtype).sum_partials, M * N, P, C)
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
    k = kernels(out.dtype)
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
    launch_1d(kernels(x.dtype).linear_fwd, N, x, w, b.reshape(1), 0, y)
    return y


def outer(dy, w, out=None):
    """``dx[n, j] = dy[n] * w[j]``."""
    N, D = dy.shape[0], w.shape[0]
    dx = empty((N, D), dy.dtype) if out is None else out
    launch_1d(kernels(dy.dtype).outer, N * D, dy, w, dx)
    return dx


def linear_backward(dy, x, w):
    """``(dx, dw, db)`` of ``y = b + x @ w``; ``db`` is a 0-d device array."""
    dx = outer(dy, w)
    dw = empty(w.shape[0], x.dtype)
    db = empty((), x.dtype)
    colsum(x, dy, dw, db)
    return dx, dw, db


# ---------------------------------------------------------------- dense layers


def dense_forward(x, W, b, kind, ws=None, r=None, a=None):
    """``a = act(b + x @ W.T)``: the tiled product, then bias and activation in one pass.

    Returns ``(a, act_cache)``: the sigmoid's cache is ``a``, the ReLU's and the
    hard sigmoid's is ``z = b + x W^T`` (kept in ``r``), the identity needs none.
    ``r`` and ``a`` may be given (scratch buffers of a training loop).
    """
    N, H = x.shape[0], W.shape[0]
    k = kernels(x.dtype)
    r = empty((N, H), x.dtype) if r is None else r
    gemm(x, W, r, 0, 1, ws)
    if kind == LINEAR:
        launch_1d(k.bias_act, N * H, r, b, r, kind, 0)
        return r, None
    a = empty((N, H), x.dtype) if a is None else a
    launch_1d(k.bias_act, N * H, r, b, a, kind, 0 if kind == SIGMOID else 1)
    return a, (a if kind == SIGMOID else r)


def dense_backward_params(dr, x_in, dW, db, ws=None):
    """``dW = dr^T x_in`` (tiled, split-K when the batch is long) and ``db = sum_n dr``."""
    gemm(dr, x_in, dW, 1, 0, ws)
    colsum(dr, None, db, None, ws)


def readout_act_backward(dy, c, act_cache, kind, dr):
    """``dr = (dy c^T) * act'``: the read-out's backward fused with the top layer's activation."""
    N, H = dy.shape[0], c.shape[0]
    cache = dr if act_cache is None else act_cache
    launch_1d(kernels(dy.dtype).readout_act_bwd, N * H, dy, c, cache, dr, kind)
    return dr


# ---------------------------------------------------------------- losses


def loss(y, y_hat, kind, divisor, ws=None):
    """The loss and ``dL/dy`` of flat device arrays; returns ``(L, dL_dy)``.

    ``L`` is a device 1-vector of the dtype (the float64 sum of the per-example
    errors divided by ``divisor``), ``dL_dy`` a new array of ``y``'s shape.
    """
    yf, hf = flat(y), flat(y_hat)
    n = yf.shape[0]
    k = kernels(y.dtype)
    NP = np.dtype(y.dtype).type
    dL = empty(y.shape, y.dtype)
    S = blocks_1d(n)
    P = scratch(ws, "loss", (1, S), F64)
    k.loss_partial[S, config.threads](yf, hf, dL.reshape(n), P.reshape(S), kind, NP(divisor))
    L = empty(1, y.dtype)
    k.finalize_losses[1, config.threads](P, L, divisor, divisor)
    return L, dL
