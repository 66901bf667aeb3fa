r"""The CUDA kernels of the backend, one builder per family, built per dtype and launch setting.

Why factories
-------------
``cuda.shared.array`` needs its shape and dtype as compile-time constants, and
the arithmetic of a float32 kernel should stay in float32 (a float64 operation
costs 2 to 64 times a float32 one on a GPU). So each family's builder creates its
kernels as closures over the dtype (``NP``: the NumPy scalar type used for
constants and casts, ``DT``: the Numba type of the shared tiles) and over the
launch settings it needs as constants, the block size ``TH`` and the tile edge
``T`` (:data:`accelerated.cuda.config`), and caches the set: each combination is
compiled once, on its first launch (nothing compiles at import), and kept on disk
on a real GPU (``cache=True``). A builder takes only the settings its kernels use,
so changing the tile edge does not rebuild the activations. The device functions
that several families call (the activations' ``act`` and ``act_grad``, the block
tree-sum ``block_sum``) come from :mod:`._device`, built once per dtype or block size
and shared with :mod:`._optim_kernels`. :mod:`._ops` reaches each family through
its accessor (``_ops.dense_kernels(dtype)`` ...), which supplies the current launch
settings.

Numerical policy
----------------
Elementwise work is done in the array's dtype, in the reference's order of
operations. Every *sum* (a loss, a bias gradient, a dot product over features,
:math:`X^T X`) accumulates in float64, which costs one conversion per term and
keeps a float32 sum of K terms within one float32 rounding of the exact sum
instead of :math:`K\epsilon`. The tiled matrix product accumulates each tile's
``T`` products in the dtype and adds the per-tile results in float64. Every
reduction is deterministic: partial sums go to fixed slots, and a second pass
adds them in a fixed order (no atomics), so two runs give the same bits.

The families and their kernels
------------------------------
:func:`build_activations` (``dtype``)
    ``act_forward``, ``act_backward``: elementwise activation and its gradient, on
    flat views of any shape; ``kind`` is a code of :mod:`reference.activation_table`
    (the leaky ReLU's slope there is ``LEAKY_RELU_ALPHA``).
    ``leaky_forward``, ``leaky_backward``, ``prelu_forward``, ``prelu_backward``: the
    leaky ReLU with any slope, and the parametric ReLU (one slope per column); its
    backward also writes the terms :math:`\partial L/\partial a \cdot \min(z, 0)`
    that ``colsum`` adds into :math:`\partial L/\partial\alpha`.
    ``maxout_forward``, ``maxout_backward``: one thread per output, the max of its
    group of ``k`` columns and the index of the first maximal one (``int32``);
    backward, one thread per input entry.
    ``softmax_rows``, ``softmax_bwd_rows``: one thread per row, the row max,
    :math:`e^{z - \max z}` and its sum in float64 (optionally adding an output
    layer's bias first); and
    :math:`y \odot (\partial L/\partial y - \sum_k y_k\, \partial L/\partial y_k)`.
:func:`build_dense` (``dtype``)
    ``bias_act``: the dense layer's epilogue fused into one pass, :math:`z = r + b`
    and :math:`a = \sigma(z)`, keeping :math:`z` only when the gradient needs it.
    ``readout_act_bwd``: :math:`\partial L/\partial r = (\partial L/\partial y_n\,
    c_i)\,\sigma'(r)`, the read-out's backward fused with the top hidden layer's
    activation gradient.
:func:`build_linear_algebra` (``dtype``, ``tile``)
    ``gemm``: :math:`C = \operatorname{op}(A)\operatorname{op}(B)` with ``op`` the
    identity or the transpose, on ``T``×``T`` tiles staged in shared memory (a
    transposed operand is loaded along its contiguous axis so the loads coalesce;
    tiles are padded to ``T + 1`` columns against bank conflicts). ``blockIdx.z``
    takes a slice of the inner dimension (split-K) when the output is too small to
    fill the GPU; ``sum_partials`` then adds the slices.
    ``colsum``, ``colsum_finalize``: :math:`s_j = \sum_n M_{nj} v_n` (optionally with
    a column of ones appended, which gives :math:`\sum_n v_n`, the bias gradient, in
    the same pass), for :math:`\partial L/\partial w` and :math:`\partial L/\partial
    b`. Blocks of ``T``×``T`` threads: threads along x take columns (coalesced),
    along y rows; each block adds its rows in shared memory and writes one partial
    per column, or the final value when one block row covers all rows.
    ``linear_fwd``, ``outer``: :math:`y_n = b + \sum_j x_{nj} w_j` (one thread per
    row) and :math:`\partial L/\partial x_{nj} = \partial L/\partial y_n\, w_j`.
:func:`build_losses` (``dtype``, ``threads``, ``tile``)
    ``loss_partial``, ``readout_loss``, ``finalize_losses``: a loss and its gradient
    :math:`\partial L/\partial y` in one pass, with a block tree reduction of the
    per-example errors into one partial per block; ``readout_loss`` also computes
    the prediction :math:`y = b + \mathbf c^T \mathbf a` first (the network's
    read-out, or the linear model), so that a training step never writes ``y``.
    ``finalize_losses`` divides each batch's sum by its size (times ``per``, the
    entries per row of an MSE over N×K).
    ``xent_partial``, ``softmax_xent``: cross entropy on probabilities (elementwise,
    with ``loss_partial``'s block reduction), and softmax + cross entropy fused, one
    thread per row: the log-sum-exp around the row max, :math:`s^n`, :math:`\sum_i
    \hat y_i z_i` in float64, the row of :math:`\partial L/\partial z` written, the
    row's loss added to the block's partial (the output layer's bias optionally
    added on the fly).
    ``sigmoid_xent``: a sigmoid output and binary cross entropy fused, one thread per
    entry: :math:`e^{-|z|}` once, for the softplus form of the loss and the stable
    sigmoid of :math:`\partial L/\partial z`, the losses reduced to one partial per block.
    ``loss_surface``: one thread per grid point :math:`(w, b)`; the block stages
    ``x1`` and ``y_hat`` through shared memory in chunks of ``T * T`` examples.
:func:`build_descent` (``dtype``, ``threads``)
    ``gd_update``: :math:`\theta - \eta g` over a flat buffer (every parameter of a
    network at once). ``lgd_update``: the single-block step of
    :func:`~accelerated.cuda.optimize.linear_gd` that finishes the loss and the
    gradient and writes the next point of the path.
:func:`build_regularize` (``dtype``, ``threads``)
    ``dropout_scale``: :math:`a_i = x_i (m_i s)`, the dropout of a flat view with its mask
    and the factor :math:`s` (:math:`1/(1-p)` in the dtype, or 1); the backward is the same
    kernel on :math:`\partial L/\partial a`.
    ``l2_partial``, ``l1_partial``: the penalty's gradient :math:`\lambda w` (or
    :math:`\lambda \operatorname{sgn} w`) written, and :math:`\sum w^2` (or :math:`\sum |w|`)
    reduced in float64 to one partial per block (``block_sum``); ``penalty_finalize``, one
    block, adds the partials in a fixed order and multiplies by :math:`\lambda/2` (or
    :math:`\lambda`).
    ``standout_gate``: standout's gate, one thread per entry of the layer's output:
    :math:`q = \sigma(\alpha r_s + \beta)` (the shared ``act``), then
    :math:`\text{out} = a\,[u < q]` and the mask (training) or :math:`a\,q` (test time).
    DropConnect uses ``dropout_scale`` on its weights (:math:`W \odot (M s)`) and on their gradient.
:func:`build_data` (``dtype``)
    ``copy``: a flat device-to-device copy. ``gather``, ``gather_rows``: the
    mini-batch gather ``x[order[start + k]]`` (with a vector or a matrix of
    targets). ``augment``: :math:`[x \mid 1 \mid \hat y]` in float64 for
    :math:`X^T X`.


:func:`build_polynomial` (``dtype``, ``threads``)
    ``poly_fwd``: :math:`y_n = b + \sum_{i=1}^K w_i x_n^i`, one thread per example,
    the powers by repeated multiplication and the sum in float64. ``poly_dx``:
    :math:`\partial L/\partial x_n = \partial L/\partial y_n \sum_i i\, w_i x_n^{i-1}`,
    one thread per example. ``poly_partials``, ``poly_finalize``: for each of the
    ``K + 1`` sums :math:`\sum_n \partial L/\partial y_n\, x_n^i` (:math:`x^0 = 1`
    gives :math:`\partial L/\partial b`), every block tree-adds its examples' terms
    in float64 (``block_sum``) into one partial per block; then one thread per sum
    adds the partials in block order and rounds once.
:func:`build_augment` (``dtype``)
    ``transform``: one thread per output pixel :math:`(n, i, j)` of a batch of images: the
    rotated and shifted position :math:`(r, q)` it reads, its four neighbours and their
    bilinear weights in float64, then every channel's weighted sum (a pixel outside the
    image is 0), rounded to the dtype once.
"""

from __future__ import annotations

import math
from functools import lru_cache
from types import SimpleNamespace

import numba
import numpy as np
from numba import cuda

from reference.activation_table import SIGMOID

from . import _device
from ._device import device_jit, kernel_jit

# The activation codes are reference.activation_table's (the kernels' callers import them from
# there); the loss codes below are this backend's own, the ``kind`` of the loss kernels.
MSE, MAE = 0, 1
#: Loss name -> the ``kind`` code the loss kernels take.
LOSS_CODE = {"mse": MSE, "mae": MAE}


# ---------------------------------------------------------------- activations


@lru_cache(maxsize=None)
def build_activations(dtype: str) -> SimpleNamespace:
    """The activation kernels for one dtype (``numpy.dtype(...).str``)."""
    NP = np.dtype(dtype).type          # casts and constants in the array's dtype
    F64 = np.float64                   # casts to float64 (sums accumulate in float64)
    shared = _device.activation(dtype)
    act, act_grad = shared.act, shared.act_grad
    jit = kernel_jit()

    @jit
    def act_forward(z, a, kind):
        for i in range(cuda.grid(1), z.shape[0], cuda.gridsize(1)):
            a[i] = act(z[i], kind)

    @jit
    def act_backward(da, c, dz, kind):
        for i in range(cuda.grid(1), da.shape[0], cuda.gridsize(1)):
            dz[i] = act_grad(da[i], c[i], kind)

    @jit
    def leaky_forward(z, a, alpha):
        for i in range(cuda.grid(1), z.shape[0], cuda.gridsize(1)):
            v = z[i]
            a[i] = v if v > NP(0.0) else alpha * v

    @jit
    def leaky_backward(da, z, dz, alpha):
        for i in range(cuda.grid(1), da.shape[0], cuda.gridsize(1)):
            dz[i] = da[i] if z[i] > NP(0.0) else alpha * da[i]

    @jit
    def prelu_forward(z, alpha, a):
        H = z.shape[1]
        for idx in range(cuda.grid(1), z.shape[0] * H, cuda.gridsize(1)):
            n = idx // H
            h = idx - n * H
            v = z[n, h]
            a[n, h] = v if v > NP(0.0) else alpha[h] * v

    @jit
    def prelu_backward(da, z, alpha, dz, T):
        # dz = da (z > 0) or alpha da; T = da * min(z, 0), whose column sums are dalpha
        H = z.shape[1]
        zero = NP(0.0)
        for idx in range(cuda.grid(1), z.shape[0] * H, cuda.gridsize(1)):
            n = idx // H
            h = idx - n * H
            v = z[n, h]
            g = da[n, h]
            dz[n, h] = g if v > zero else alpha[h] * g
            T[n, h] = g * (zero if v >= zero else v)

    @jit
    def maxout_forward(z, a, arg, k):
        # a[n, h] = max_j z[n, h k + j]; arg the first maximal j (the first NaN, like numpy.argmax)
        H = a.shape[1]
        for idx in range(cuda.grid(1), a.shape[0] * H, cuda.gridsize(1)):
            n = idx // H
            h = idx - n * H
            base = h * k
            best = z[n, base]
            bi = 0
            if not math.isnan(best):
                for j in range(1, k):
                    v = z[n, base + j]
                    if math.isnan(v):
                        best = v
                        bi = j
                        break
                    if v > best:
                        best = v
                        bi = j
            a[n, h] = best
            arg[n, h] = bi

    @jit
    def maxout_backward(da, arg, dz, k):
        C = dz.shape[1]
        for idx in range(cuda.grid(1), dz.shape[0] * C, cuda.gridsize(1)):
            n = idx // C
            c = idx - n * C
            h = c // k
            dz[n, c] = da[n, h] if arg[n, h] == c - h * k else NP(0.0)

    @jit
    def softmax_rows(r, b, use_b, y):
        # y = softmax(z) row-wise, z = r (+ b): exp(z - max z), divided by the row sum (float64)
        K = r.shape[1]
        for n in range(cuda.grid(1), r.shape[0], cuda.gridsize(1)):
            m = r[n, 0] + b[0] if use_b else r[n, 0]
            for j in range(1, K):
                zj = r[n, j] + b[j] if use_b else r[n, j]
                if zj > m or math.isnan(zj):
                    m = zj
            s = F64(0.0)
            for j in range(K):
                zj = r[n, j] + b[j] if use_b else r[n, j]
                e = math.exp(zj - m)
                y[n, j] = e
                s += F64(e)
            sd = NP(s)
            for j in range(K):
                y[n, j] = y[n, j] / sd

    @jit
    def softmax_bwd_rows(dy, y, dz):
        # dz = y (dy - sum_k dy_k y_k), the row sum in float64
        K = y.shape[1]
        for n in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
            s = F64(0.0)
            for j in range(K):
                s += F64(dy[n, j] * y[n, j])
            sd = NP(s)
            for j in range(K):
                dz[n, j] = y[n, j] * (dy[n, j] - sd)

    return SimpleNamespace(act_forward=act_forward, act_backward=act_backward,
        leaky_forward=leaky_forward, leaky_backward=leaky_backward, prelu_forward=prelu_forward,
        prelu_backward=prelu_backward, maxout_forward=maxout_forward,
        maxout_backward=maxout_backward, softmax_rows=softmax_rows,
        softmax_bwd_rows=softmax_bwd_rows)


# ---------------------------------------------------------------- dense layers


@lru_cache(maxsize=None)
def build_dense(dtype: str) -> SimpleNamespace:
    """The fused dense-layer kernels (bias and activation; read-out and activation gradient)."""
    shared = _device.activation(dtype)
    act, act_grad = shared.act, shared.act_grad
    jit = kernel_jit()

    @jit
    def bias_act(r, b, a, kind, keep_z):
        H = r.shape[1]
        for idx in range(cuda.grid(1), r.shape[0] * H, cuda.gridsize(1)):
            n = idx // H
            i = idx - n * H
            z = r[n, i] + b[i]
            if keep_z:
                r[n, i] = z
            a[n, i] = act(z, kind)

    @jit
    def readout_act_bwd(dy, c, cache, dr, kind):
        H = c.shape[0]
        for idx in range(cuda.grid(1), dy.shape[0] * H, cuda.gridsize(1)):
            n = idx // H
            i = idx - n * H
            dr[n, i] = act_grad(dy[n] * c[i], cache[n, i], kind)

    return SimpleNamespace(bias_act=bias_act, readout_act_bwd=readout_act_bwd)


# ---------------------------------------------------------------- matrix products and column sums


@lru_cache(maxsize=None)
def build_linear_algebra(dtype: str, tile: int) -> SimpleNamespace:
    """The tiled matrix product, the column sums and the linear model's rows, for one dtype and tile edge."""
    NP = np.dtype(dtype).type
    DT = numba.from_dtype(np.dtype(dtype))
    F64 = np.float64
    SF64 = numba.float64               # a float64 shared-array dtype
    T = tile
    TILE_SHAPE = (tile, tile + 1)      # padded against shared-memory bank conflicts
    jit = kernel_jit()

    @jit
    def gemm(A, B, C, ta, tb, kchunk):
        sA = cuda.shared.array(TILE_SHAPE, DT)
        sB = cuda.shared.array(TILE_SHAPE, DT)
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        bm = cuda.blockIdx.y * T
        bn = cuda.blockIdx.x * T
        z = cuda.blockIdx.z
        M = C.shape[1]
        N = C.shape[2]
        K = A.shape[0] if ta else A.shape[1]
        k0 = z * kchunk
        k1 = min(K, k0 + kchunk)
        acc = F64(0.0)
        for kt in range(k0, k1, T):
            # op(A)[m, k]: a plain A is loaded along k, a transposed one along m.
            if ta:
                k = kt + ty
                m = bm + tx
                sA[tx, ty] = A[k, m] if (k < k1 and m < M) else NP(0.0)
            else:
                k = kt + tx
                m = bm + ty
                sA[ty, tx] = A[m, k] if (k < k1 and m < M) else NP(0.0)
            # op(B)[k, n]: a plain B is loaded along n, a transposed one along k.
            if tb:
                k = kt + tx
                n = bn + ty
                sB[tx, ty] = B[n, k] if (k < k1 and n < N) else NP(0.0)
            else:
                k = kt + ty
                n = bn + tx
                sB[ty, tx] = B[k, n] if (k < k1 and n < N) else NP(0.0)
            cuda.syncthreads()
            part = NP(0.0)
            for kk in range(T):
                part += sA[ty, kk] * sB[kk, tx]
            acc += F64(part)
            cuda.syncthreads()
        row = bm + ty
        col = bn + tx
        if row < M and col < N:
            C[z, row, col] = acc

    @jit
    def sum_partials(P, C):
        M = C.shape[0]
        N = C.shape[1]
        for idx in range(cuda.grid(1), M * N, cuda.gridsize(1)):
            i = idx // N
            j = idx - i * N
            acc = F64(0.0)
            for s in range(P.shape[0]):
                acc += P[s, i, j]
            C[i, j] = NP(acc)

    @jit
    def colsum(M, v, use_v, extra, P, out, out_extra, final):
        sh = cuda.shared.array(TILE_SHAPE, SF64)
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        J = M.shape[1]
        j = cuda.blockIdx.x * T + tx
        stride = cuda.gridDim.y * T
        acc = F64(0.0)
        if j < J + extra:
            for n in range(cuda.blockIdx.y * T + ty, M.shape[0], stride):
                term = F64(M[n, j]) if j < J else F64(1.0)
                if use_v:
                    term *= F64(v[n])
                acc += term
        sh[ty, tx] = acc
        cuda.syncthreads()
        if ty == 0 and j < J + extra:
            total = F64(0.0)
            for r in range(T):
                total += sh[r, tx]
            if final:
                if j < J:
                    out[j] = NP(total)
                else:
                    out_extra[()] = NP(total)
            else:
                P[cuda.blockIdx.y, j] = total

    @jit
    def colsum_finalize(P, out, out_extra):
        J = out.shape[0]
        for j in range(cuda.grid(1), P.shape[1], cuda.gridsize(1)):
            total = F64(0.0)
            for s in range(P.shape[0]):
                total += P[s, j]
            if j < J:
                out[j] = NP(total)
            else:
                out_extra[()] = NP(total)

    @jit
    def linear_fwd(x, w, bvec, bi, y):
        D = x.shape[1]
        for n in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
            acc = F64(bvec[bi])
            for j in range(D):
                acc += F64(x[n, j]) * F64(w[j])
            y[n] = NP(acc)

    @jit
    def outer(dy, w, dx):
        D = w.shape[0]
        for idx in range(cuda.grid(1), dy.shape[0] * D, cuda.gridsize(1)):
            n = idx // D
            j = idx - n * D
            dx[n, j] = dy[n] * w[j]

    return SimpleNamespace(gemm=gemm, sum_partials=sum_partials, colsum=colsum,
        colsum_finalize=colsum_finalize, linear_fwd=linear_fwd, outer=outer)


# ---------------------------------------------------------------- losses


@lru_cache(maxsize=None)
def build_losses(dtype: str, threads: int, tile: int) -> SimpleNamespace:
    """The loss kernels for one dtype, block size (the block reductions) and tile edge (the loss surface)."""
    NP = np.dtype(dtype).type
    DT = numba.from_dtype(np.dtype(dtype))
    F64 = np.float64
    SF64 = numba.float64
    TH = threads
    T = tile
    TT = tile * tile
    block_sum = _device.block_sum(threads)
    jit = kernel_jit()
    djit = device_jit()

    @djit
    def ln(v):
        # ln v with logf's/log's values at the edges: -inf at 0, NaN below 0 (and for NaN)
        if v > NP(0.0):
            return NP(math.log(v))
        if v == NP(0.0):
            return NP(-math.inf)
        return NP(math.nan)

    @djit
    def sign(d):
        one = NP(1.0)
        if d > NP(0.0):
            return one
        if d < NP(0.0):
            return -one
        return d - d                    # 0 at 0, NaN for NaN (like numpy.sign)

    @jit
    def loss_partial(y, y_hat, dL, P, kind, Nd):
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        acc = F64(0.0)
        for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
            d = y[i] - y_hat[i]
            if kind == MSE:
                acc += F64(d * d)
                dL[i] = (d + d) / Nd
            else:
                acc += F64(abs(d))
                dL[i] = sign(d) / Nd
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            P[cuda.blockIdx.x] = sh[0]

    @jit
    def readout_loss(a, c, bvec, bi, y_hat, dL, P, kind, Nd):
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        H = a.shape[1]
        acc = F64(0.0)
        for n in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
            s = F64(bvec[bi])
            for i in range(H):
                s += F64(a[n, i]) * F64(c[i])
            d = NP(s) - y_hat[n]
            if kind == MSE:
                acc += F64(d * d)
                dL[n] = (d + d) / Nd
            else:
                acc += F64(abs(d))
                dL[n] = sign(d) / Nd
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            P[cuda.blockIdx.x] = sh[0]

    @jit
    def finalize_losses(P, out, N, B, per):
        for k in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
            total = F64(0.0)
            for s in range(P.shape[1]):
                total += P[k, s]
            count = min(B, N - k * B) * per
            out[k] = NP(total / count)

    @jit
    def xent_partial(y, y_hat, dL, P, Nd):
        # -sum y_hat ln y over the entries with y_hat != 0, and dL/dy = -y_hat / y / N
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        acc = F64(0.0)
        for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
            target = y_hat[i]
            if target != NP(0.0):
                yi = y[i]
                acc -= F64(target * ln(yi))
                dL[i] = -target / yi / Nd
            else:
                dL[i] = NP(0.0)
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            P[cuda.blockIdx.x] = sh[0]

    @jit
    def softmax_xent(r, b, use_b, y_hat, dz, P, Nd):
        # Per row n of z = r (+ b): l = s * logsumexp(z) - sum_i y_hat_i z_i with s = sum_i y_hat_i,
        # dL/dz = (softmax(z) s - y_hat) / N; the losses reduced to one partial per block.
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        K = r.shape[1]
        acc = F64(0.0)
        for n in range(cuda.grid(1), r.shape[0], cuda.gridsize(1)):
            m = r[n, 0] + b[0] if use_b else r[n, 0]
            for j in range(1, K):
                zj = r[n, j] + b[j] if use_b else r[n, j]
                if zj > m or math.isnan(zj):
                    m = zj
            se = F64(0.0)
            sy = F64(0.0)
            syz = F64(0.0)
            for j in range(K):
                zj = r[n, j] + b[j] if use_b else r[n, j]
                se += F64(math.exp(zj - m))
                yh = y_hat[n, j]
                sy += F64(yh)
                syz += F64(yh) * F64(zj)
            acc += sy * (F64(m) + math.log(se)) - syz
            sed = NP(se)
            s = NP(sy)
            for j in range(K):
                zj = r[n, j] + b[j] if use_b else r[n, j]
                p = NP(math.exp(zj - m)) / sed
                dz[n, j] = (p * s - y_hat[n, j]) / Nd
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            P[cuda.blockIdx.x] = sh[0]

    @jit
    def loss_surface(x1, y_hat, w_grid, b_grid, L, kind):
        sx = cuda.shared.array(TT, DT)
        sy = cuda.shared.array(TT, DT)
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        tid = ty * T + tx
        j = cuda.blockIdx.x * T + tx
        i = cuda.blockIdx.y * T + ty
        N = x1.shape[0]
        w = w_grid[j] if j < w_grid.shape[0] else NP(0.0)
        b = b_grid[i] if i < b_grid.shape[0] else NP(0.0)
        acc = F64(0.0)
        for base in range(0, N, TT):
            if base + tid < N:
                sx[tid] = x1[base + tid]
                sy[tid] = y_hat[base + tid]
            cuda.syncthreads()
            for k in range(min(TT, N - base)):
                d = (b + w * sx[k]) - sy[k]
                if kind == MSE:
                    acc += F64(d * d)
                else:
                    acc += F64(abs(d))
            cuda.syncthreads()
        if i < b_grid.shape[0] and j < w_grid.shape[0]:
            L[i, j] = NP(acc / N)

    @jit
    def sigmoid_xent(z, y_hat, dz, P, Md):
        # Per entry of the flat z: l = max(z, 0) - z y_hat + log1p(e) with e = exp(-|z|) (the stable
        # softplus form), dL/dz = (sigmoid(z) - y_hat) / M; the losses reduced to one partial per block.
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        zero = NP(0.0)
        one = NP(1.0)
        acc = F64(0.0)
        for i in range(cuda.grid(1), z.shape[0], cuda.gridsize(1)):
            zi = z[i]
            ti = y_hat[i]
            e = NP(math.exp(-abs(zi)))
            acc += F64((max(zi, zero) - zi * ti) + NP(math.log1p(e)))
            y = one / (one + e) if zi >= zero else e / (one + e)
            dz[i] = (y - ti) / Md
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            P[cuda.blockIdx.x] = sh[0]

    return SimpleNamespace(loss_partial=loss_partial, readout_loss=readout_loss,
        finalize_losses=finalize_losses, xent_partial=xent_partial, softmax_xent=softmax_xent,
        sigmoid_xent=sigmoid_xent, loss_surface=loss_surface)


# ---------------------------------------------------------------- descent steps


@lru_cache(maxsize=None)
def build_descent(dtype: str, threads: int) -> SimpleNamespace:
    """The gradient-descent updates for one dtype and block size (``lgd_update`` is one block)."""
    NP = np.dtype(dtype).type
    F64 = np.float64
    SF64 = numba.float64
    TH = threads
    block_sum = _device.block_sum(threads)
    jit = kernel_jit()

    @jit
    def gd_update(theta, g, out, eta):
        for i in range(cuda.grid(1), theta.shape[0], cuda.gridsize(1)):
            out[i] = theta[i] - eta * g[i]

    @jit
    def lgd_update(Pe, Pg, w_path, b_path, L_path, t, eta, Nd, update):
        sh = cuda.shared.array(TH, SF64)
        tid = cuda.threadIdx.x
        acc = F64(0.0)
        for s in range(tid, Pe.shape[0], TH):
            acc += Pe[s]
        sh[tid] = acc
        block_sum(sh, tid)
        if tid == 0:
            L_path[t] = NP(sh[0] / Nd)
        if update:
            D = w_path.shape[1]
            for j in range(tid, D + 1, TH):
                g = F64(0.0)
                for s in range(Pg.shape[0]):
                    g += Pg[s, j]
                gd = NP(g)
                if j < D:
                    w_path[t + 1, j] = w_path[t, j] - eta * gd
                else:
                    b_path[t + 1] = b_path[t] - eta * gd

    return SimpleNamespace(gd_update=gd_update, lgd_update=lgd_update)


# ---------------------------------------------------------------- regularisation


@lru_cache(maxsize=None)
def build_regularize(dtype: str, threads: int) -> SimpleNamespace:
    """Dropout and the L1 / L2 penalties for one dtype and block size (the penalties' reductions)."""
    NP = np.dtype(dtype).type
    F64 = np.float64
    SF64 = numba.float64
    TH = threads
    block_sum = _device.block_sum(threads)
    jit = kernel_jit()

    @jit
    def dropout_scale(x, mask, out, s):
        for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
            out[i] = x[i] * (mask[i] * s)

    @jit
    def l2_partial(w, g, P, lam):
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        acc = F64(0.0)
        for i in range(cuda.grid(1), w.shape[0], cuda.gridsize(1)):
            wi = w[i]
            acc += F64(wi) * F64(wi)
            g[i] = lam * wi
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            P[cuda.blockIdx.x] = sh[0]

    @jit
    def l1_partial(w, g, P, lam):
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        zero = NP(0.0)
        one = NP(1.0)
        acc = F64(0.0)
        for i in range(cuda.grid(1), w.shape[0], cuda.gridsize(1)):
            wi = w[i]
            acc += abs(F64(wi))
            if wi > zero:
                sg = one
            elif wi < zero:
                sg = -one
            else:
                sg = wi - wi            # 0 at 0, NaN for NaN (like numpy.sign)
            g[i] = lam * sg
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            P[cuda.blockIdx.x] = sh[0]

    @jit
    def penalty_finalize(P, out, factor):
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        acc = F64(0.0)
        for k in range(t, P.shape[0], TH):
            acc += P[k]
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            out[0] = NP(factor * sh[0])

    act = _device.activation(dtype).act

    @jit
    def standout_gate(a, rs, u, out, keep, alpha, beta, training):
        H = a.shape[1]
        zero = NP(0.0)
        one = NP(1.0)
        for idx in range(cuda.grid(1), a.shape[0] * H, cuda.gridsize(1)):
            n = idx // H
            i = idx - n * H
            q = act(alpha * rs[n, i] + beta, SIGMOID)
            if training:
                k = one if u[n, i] < q else zero
                keep[n, i] = k
                out[n, i] = a[n, i] * k
            else:
                out[n, i] = a[n, i] * q

    return SimpleNamespace(dropout_scale=dropout_scale, l2_partial=l2_partial, l1_partial=l1_partial,
                           penalty_finalize=penalty_finalize, standout_gate=standout_gate)


# ---------------------------------------------------------------- data movement


@lru_cache(maxsize=None)
def build_data(dtype: str) -> SimpleNamespace:
    """Copies and gathers: the mini-batch rows, and the closed form's augmented matrix."""
    F64 = np.float64
    jit = kernel_jit()

    @jit
    def copy(src, dst):
        for i in range(cuda.grid(1), src.shape[0], cuda.gridsize(1)):
            dst[i] = src[i]

    @jit
    def gather(x, y_hat, order, start, xb, yb):
        D = x.shape[1]
        for idx in range(cuda.grid(1), xb.shape[0] * D, cuda.gridsize(1)):
            k = idx // D
            j = idx - k * D
            src = order[start + k]
            xb[k, j] = x[src, j]
            if j == 0:
                yb[k] = y_hat[src]

    @jit
    def gather_rows(x, y_hat, order, start, xb, yb):
        # xb[k] = x[order[start + k]] and yb[k] = y_hat[order[start + k]]: one thread per entry of either
        D = x.shape[1]
        K = y_hat.shape[1]
        W = D + K
        for idx in range(cuda.grid(1), xb.shape[0] * W, cuda.gridsize(1)):
            k = idx // W
            j = idx - k * W
            src = order[start + k]
            if j < D:
                xb[k, j] = x[src, j]
            else:
                yb[k, j - D] = y_hat[src, j - D]

    @jit
    def augment(x, y_hat, A):
        D = x.shape[1]
        W = D + 2
        for idx in range(cuda.grid(1), x.shape[0] * W, cuda.gridsize(1)):
            n = idx // W
            j = idx - n * W
            if j < D:
                A[n, j] = F64(x[n, j])
            elif j == D:
                A[n, j] = 1.0
            else:
                A[n, j] = F64(y_hat[n])

    return SimpleNamespace(copy=copy, gather=gather, gather_rows=gather_rows, augment=augment)


# ---------------------------------------------------------------- the polynomial model


@lru_cache(maxsize=None)
def build_polynomial(dtype: str, threads: int) -> SimpleNamespace:
    """The polynomial model's kernels for one dtype and block size (the block reductions of its backward)."""
    NP = np.dtype(dtype).type
    F64 = np.float64
    SF64 = numba.float64
    TH = threads
    block_sum = _device.block_sum(threads)
    jit = kernel_jit()

    @jit
    def poly_fwd(x, w, bvec, y):
        K = w.shape[0]
        for n in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
            xn = x[n]
            p = xn
            s = F64(bvec[0])
            for i in range(K):
                s += F64(w[i] * p)
                p = p * xn
            y[n] = NP(s)

    @jit
    def poly_dx(x, w, dy, dx):
        K = w.shape[0]
        for n in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
            xn = x[n]
            q = NP(1.0)
            s = F64(0.0)
            for i in range(K):
                s += F64((NP(i + 1) * w[i]) * q)
                q = q * xn
            dx[n] = NP(s) * dy[n]

    @jit
    def poly_partials(x, dy, K, P):
        # P[blk, i] = sum over this block's examples of dy_n x_n^(i+1) (i < K), and of dy_n (i = K)
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        for i in range(K + 1):
            acc = F64(0.0)
            for n in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
                xn = x[n]
                p = NP(1.0)
                if i < K:
                    for _ in range(i + 1):
                        p = p * xn
                acc += F64(p) * F64(dy[n])
            sh[t] = acc
            block_sum(sh, t)
            if t == 0:
                P[cuda.blockIdx.x, i] = sh[0]
            cuda.syncthreads()

    @jit
    def poly_finalize(P, dw, db):
        K = dw.shape[0]
        for i in range(cuda.grid(1), K + 1, cuda.gridsize(1)):
            total = F64(0.0)
            for s in range(P.shape[0]):
                total += P[s, i]
            if i < K:
                dw[i] = NP(total)
            else:
                db[()] = NP(total)

    return SimpleNamespace(poly_fwd=poly_fwd, poly_dx=poly_dx, poly_partials=poly_partials,
                           poly_finalize=poly_finalize)


# ---------------------------------------------------------------- creating training images


@lru_cache(maxsize=None)
def build_augment(dtype: str) -> SimpleNamespace:
    """The image transform (rotation and shift, bilinear sampling) for one dtype."""
    NP = np.dtype(dtype).type
    F64 = np.float64
    jit = kernel_jit()

    @jit
    def transform(x, cos, sin, shifts, out):
        N, C, H, W = x.shape
        cy = F64(H - 1) / 2.0
        cx = F64(W - 1) / 2.0
        for idx in range(cuda.grid(1), N * H * W, cuda.gridsize(1)):
            n = idx // (H * W)
            rest = idx - n * (H * W)
            i = rest // W
            j = rest - i * W
            co = cos[n]
            si = sin[n]
            a = F64(i) - cy - shifts[n, 0]
            b = F64(j) - cx - shifts[n, 1]
            r = min(max(cy + a * co + b * si, -1.0), F64(H))
            q = min(max(cx + b * co - a * si, -1.0), F64(W))
            y0 = math.floor(r)
            x0 = math.floor(q)
            fy = r - y0
            fx = q - x0
            w00 = (1.0 - fy) * (1.0 - fx)
            w01 = (1.0 - fy) * fx
            w10 = fy * (1.0 - fx)
            w11 = fy * fx
            in_y0 = y0 >= 0 and y0 < H
            in_y1 = y0 + 1 >= 0 and y0 + 1 < H
            in_x0 = x0 >= 0 and x0 < W
            in_x1 = x0 + 1 >= 0 and x0 + 1 < W
            for c in range(C):
                s = F64(0.0)
                if in_y0 and in_x0:
                    s += w00 * F64(x[n, c, y0, x0])
                if in_y0 and in_x1:
                    s += w01 * F64(x[n, c, y0, x0 + 1])
                if in_y1 and in_x0:
                    s += w10 * F64(x[n, c, y0 + 1, x0])
                if in_y1 and in_x1:
                    s += w11 * F64(x[n, c, y0 + 1, x0 + 1])
                out[n, c, i, j] = NP(s)

    return SimpleNamespace(transform=transform)
