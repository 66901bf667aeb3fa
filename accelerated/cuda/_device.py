r"""The device functions that several kernel families share, each defined once.

A kernel family (:mod:`._kernels`' ``build_*`` builders, :mod:`._optim_kernels`)
calls these from its kernels; each factory here is cached, so every family built
for the same dtype (or block size) gets the very same device function.

:func:`activation`
    ``act(z, kind)`` and ``act_grad(da, c, kind)``: the elementwise activations of
    :mod:`reference.activation_table`, selected by their named codes (``kind ==
    RELU``), which Numba compiles in as constants. ``c`` is the forward's cache:
    the output :math:`a` for the codes in
    :data:`~reference.activation_table.CACHES_OUTPUT`, else :math:`z`. Built per
    dtype, so that a float32 kernel stays in float32.
:func:`block_sum`
    ``block_sum(sh, t)``: the tree reduction of a block's ``threads`` shared
    float64 partials into ``sh[0]``, every reduction's second half (the losses, the
    linear model's descent step, the clipping norm, the L1 / L2 penalties). Built per
    block size, which it
    needs as a constant to halve.
"""

from __future__ import annotations

import math
from functools import lru_cache
from types import SimpleNamespace

import numpy as np
from numba import cuda
from reference.activation_table import HARD_SIGMOID, LEAKY_RELU, LEAKY_RELU_ALPHA, RELU, SIGMOID, TANH

from ._launch import SIMULATED

_CACHE = not SIMULATED


def device_jit():
    """The decorator of every device function of the backend (cached on disk on a GPU)."""
    return cuda.jit(device=True, cache=_CACHE)


def kernel_jit():
    """The decorator of every kernel of the backend (cached on disk on a GPU)."""
    return cuda.jit(cache=_CACHE)


@lru_cache(maxsize=None)
def activation(dtype: str) -> SimpleNamespace:
    """``act`` and ``act_grad`` for one dtype (``numpy.dtype(...).str``)."""
    NP = np.dtype(dtype).type
    ALPHA = NP(LEAKY_RELU_ALPHA)
    djit = device_jit()

    @djit
    def act(z, kind):
        zero = NP(0.0)
        one = NP(1.0)
        if kind == SIGMOID:             # stable: the exponent is never positive
            e = math.exp(-abs(z))
            if z >= zero:
                return one / (one + e)
            return e / (one + e)
        if kind == RELU:                # max(0, z), NaN propagates like numpy.maximum
            if z <= zero:
                return zero
            return z
        if kind == HARD_SIGMOID:        # min(1, max(0, z))
            if z <= zero:
                return zero
            if z >= one:
                return one
            return z
        if kind == LEAKY_RELU:          # z for z > 0, else alpha z (NaN propagates)
            if z > zero:
                return z
            return ALPHA * z
        if kind == TANH:
            return math.tanh(z)
        return z                        # LINEAR

    @djit
    def act_grad(da, c, kind):
        # c is the forward's cache: a = act(z) for SIGMOID and TANH, z for the others.
        zero = NP(0.0)
        one = NP(1.0)
        if kind == SIGMOID:
            return da * c * (one - c)
        if kind == RELU:
            return da * (one if c > zero else zero)
        if kind == HARD_SIGMOID:
            return da * (one if (c > zero and c < one) else zero)
        if kind == LEAKY_RELU:
            if c > zero:
                return da
            return ALPHA * da
        if kind == TANH:
            return da * (one - c * c)
        return da                       # LINEAR

    return SimpleNamespace(act=act, act_grad=act_grad)


@lru_cache(maxsize=None)
def block_sum(threads: int):
    """The block tree-sum for blocks of ``threads`` threads (a power of two)."""
    TH = threads

    @device_jit()
    def block_sum(sh, t):
        """Tree-add ``sh[0:TH]`` into ``sh[0]``; every thread of the block must call it."""
        cuda.syncthreads()
        s = TH // 2
        while s > 0:
            if t < s:
                sh[t] += sh[t + s]
            cuda.syncthreads()
            s //= 2

    return block_sum
