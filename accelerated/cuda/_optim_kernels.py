r"""The kernels of the optimizer rules, built per dtype and block size.

An optimizer step is a pure memory stream: each parameter entry is read with
its gradient and its state, and written back once. So every rule of
:mod:`accelerated.cuda.optimizers` is *one* elementwise kernel that does the
whole rule for an entry in registers, weight decay included: it reads
``param``, ``grad`` and the state arrays and writes the new parameter and the
new state, with no temporary array and no second pass. One thread owns each
entry (a grid-stride loop over flat, contiguous arrays, so that the loads and
stores of a warp coalesce); nothing is shared between threads.

The output arrays may be the input arrays themselves (an update ``inplace``):
every kernel reads all of an entry's inputs into registers before it writes
any of its outputs.

Arithmetic of the rules
-----------------------
As in :mod:`._kernels`, the kernels are closures over the dtype (``NP``, the
NumPy scalar type used for constants), so a float32 rule computes in float32
from end to end; the scalar coefficients (:math:`1 - \beta`, the bias
corrections :math:`1 - \beta^t`, ...) come from the host, computed there in
float64 and rounded once to the dtype, exactly as the reference's NumPy
arithmetic rounds a Python float that meets a float32 array. The order of
operations is the reference's; square roots and divisions are correctly rounded
(no fast math), so the simulator agrees with the reference to the last bit, and
a GPU within a rounding or two per step (its compiler may fuse a product and a
sum into one fused multiply-add, which rounds once instead of twice).

The gradient clipping of :func:`~accelerated.cuda.optimizers.clip_global_norm`
sums squares in float64: each block of ``sumsq`` writes one partial sum per
array, ``finish_norm`` adds every partial in a fixed order (deterministic) in
one block and writes the norm and the scale :math:`\min(1, \tau/\lVert g\rVert)`
to the device, and ``scale`` multiplies each array by that scale, read from the
device, so that no launch waits for the host.

The optimizer kernels (what :func:`build` returns)
--------------------------------------------------
``zero``
    ``a[i] = 0`` (the state of a device parameter).
``sgd``, ``momentum``, ``adagrad``, ``rmsprop``, ``adadelta``, ``adam``
    One rule each (``adam`` with ``nadam = 1`` is Nadam). ``decay`` = 1 adds the
    weight-decay term :math:`\lambda w` to the gradient (skipped, not added as
    :math:`0 \cdot w`, when :math:`\lambda = 0`).
``sumsq``, ``finish_norm``, ``scale``
    The global norm of a set of arrays and the clipped copies.
"""

from __future__ import annotations

import math
from functools import lru_cache
from types import SimpleNamespace

import numba
import numpy as np
from numba import cuda

from . import _device
from ._device import kernel_jit


@lru_cache(maxsize=None)
def build(dtype: str, threads: int) -> SimpleNamespace:
    """Every optimizer kernel for one dtype (``numpy.dtype(...).str``) and block size."""
    NP = np.dtype(dtype).type          # constants in the array's dtype
    F64 = np.float64                   # the clipping norm's sums
    SF64 = numba.float64
    TH = threads
    block_sum = _device.block_sum(threads)     # the one block tree-sum, shared with _kernels
    jit = kernel_jit()

    # NP(math.sqrt(x)): a no-op on a GPU (the square root of a float32 is a float32
    # there), and under the simulator, whose math.sqrt returns a Python float, it
    # rounds the root to the dtype before it meets anything else.

    @jit
    def zero(a):
        for i in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
            a[i] = NP(0.0)

    # ------------------------------------------------------------ the rules
    # Argument order: the arrays read (param, state..., grad), the arrays written
    # (param, state...), then the scalars (in the dtype) and the int flags.

    @jit
    def sgd(p, g, p_out, eta, lam, decay):
        for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
            w = p[i]
            gi = g[i]
            if decay:
                gi = gi + lam * w
            p_out[i] = w - eta * gi

    @jit
    def momentum(p, v, g, p_out, v_out, eta, mom, lam, decay, nesterov):
        for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
            w = p[i]
            gi = g[i]
            vi = v[i]
            if decay:
                gi = gi + lam * w
            vi = mom * vi - eta * gi
            if nesterov:
                w = w + mom * vi - eta * gi
            else:
                w = w + vi
            v_out[i] = vi
            p_out[i] = w

    @jit
    def adagrad(p, s, g, p_out, s_out, eta, eps, lam, decay, slide):
        zero_ = NP(0.0)
        for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
            w = p[i]
            gi = g[i]
            si = s[i]
            if decay:
                gi = gi + lam * w
            si = si + gi * gi
            root = NP(math.sqrt(si))
            if slide:                  # eta / sqrt(sum): no step while the sum is 0
                eta_w = eta / root if root > zero_ else zero_
            else:
                eta_w = eta / (root + eps)
            s_out[i] = si
            p_out[i] = w - eta_w * gi

    @jit
    def rmsprop(p, s, g, p_out, s_out, eta, alpha, c_alpha, eps, lam, decay):
        for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
            w = p[i]
            gi = g[i]
            si = s[i]
            if decay:
                gi = gi + lam * w
            si = alpha * si + c_alpha * (gi * gi)
            s_out[i] = si
            p_out[i] = w - eta / (NP(math.sqrt(si)) + eps) * gi

    @jit
    def adadelta(p, eg, ed, g, p_out, eg_out, ed_out, eta, rho, c_rho, eps, lam, decay):
        for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
            w = p[i]
            gi = g[i]
            e_g = eg[i]
            e_d = ed[i]
            if decay:
                gi = gi + lam * w
            e_g = rho * e_g + c_rho * (gi * gi)
            dw = -NP(math.sqrt(e_d + eps)) / NP(math.sqrt(e_g + eps)) * gi
            e_d = rho * e_d + c_rho * (dw * dw)
            eg_out[i] = e_g
            ed_out[i] = e_d
            p_out[i] = w + eta * dw

    @jit
    def adam(p, m, v, g, p_out, m_out, v_out, eta, beta1, c1, beta2, c2, bc1, bc2, bc1_next, eps,
             lam, decay, nadam):
        for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
            w = p[i]
            gi = g[i]
            mi = m[i]
            vi = v[i]
            if decay:
                gi = gi + lam * w
            mi = beta1 * mi + c1 * gi
            vi = beta2 * vi + c2 * (gi * gi)
            if nadam:                  # the momentum one step ahead, plus this gradient's share
                m_hat = beta1 * mi / bc1_next + c1 * gi / bc1
            else:
                m_hat = mi / bc1
            v_hat = vi / bc2
            m_out[i] = mi
            v_out[i] = vi
            p_out[i] = w - eta * m_hat / (NP(math.sqrt(v_hat)) + eps)

    # ------------------------------------------------------------ global-norm clipping

    @jit
    def sumsq(x, P, row):
        # P[row, b] = the float64 sum of x**2 over block b's entries; slots past the grid get 0
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        acc = F64(0.0)
        for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
            xi = F64(x[i])
            acc += xi * xi
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            b = cuda.blockIdx.x
            P[row, b] = sh[0]
            for s in range(b + cuda.gridDim.x, P.shape[1], cuda.gridDim.x):
                P[row, s] = 0.0

    @jit
    def finish_norm(P, tau, out):
        # one block: out[0] = sqrt(sum of P), out[1] = min(1, tau / norm) (1 when the norm is 0)
        sh = cuda.shared.array(TH, SF64)
        t = cuda.threadIdx.x
        C = P.shape[1]
        acc = F64(0.0)
        for idx in range(t, P.shape[0] * C, TH):
            r = idx // C
            acc += P[r, idx - r * C]
        sh[t] = acc
        block_sum(sh, t)
        if t == 0:
            norm = math.sqrt(sh[0])
            s = F64(1.0)
            if norm > 0.0:
                s = min(F64(1.0), tau / norm)
            out[0] = norm
            out[1] = s

    @jit
    def scale(x, y, factor):
        c = NP(factor[1])
        for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
            y[i] = x[i] * c

    return SimpleNamespace(zero=zero, sgd=sgd, momentum=momentum, adagrad=adagrad, rmsprop=rmsprop,
                           adadelta=adadelta, adam=adam, sumsq=sumsq, finish_norm=finish_norm,
                           scale=scale)
