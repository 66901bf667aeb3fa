r"""A vectorisable :math:`e^x` for :math:`x \le 0`, for the sigmoid's kernels.

Why: a loop that calls ``math.exp`` cannot be vectorised by LLVM unless Numba finds
Intel's SVML, which is not a dependency; the call then costs as much as the rest
of the sigmoid together, and NumPy's own SIMD ``exp`` wins at float32. This
``exp`` is plain arithmetic — no call, no branch — so the loops around it
vectorise (and on float32 it runs in float64 and rounds once).

How: the textbook reduction :math:`x = k \ln 2 + r` with :math:`|r| \le \ln 2 / 2`
(Cody–Waite: :math:`\ln 2` split in two so that :math:`k \ln 2_{hi}` is exact), the
Taylor polynomial of :math:`e^r` evaluated by Horner's rule (degree 13 for float64,
truncation below :math:`10^{-17}`; degree 7 for float32, below :math:`10^{-8}`),
then :math:`2^k` built in the exponent bits. :math:`k` is rounded by adding
:math:`1.5 \cdot 2^{52}`, so no float-to-integer conversion is needed; results that
are subnormal are scaled in two steps so that they round once; arguments below
:math:`-745.5` give 0, and NaN gives NaN. Against NumPy's ``exp`` over two million
arguments in :math:`[-750, 0]` the float64 result is within 1 ulp (NumPy's own
accuracy); the float32 result is float64's, correctly rounded.

The multiply-adds of Horner's rule use ``llvm.fmuladd``: one fused instruction
where the CPU has FMA, a multiply and an add where it has not.
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic, overload


@intrinsic
def _bits(typingctx, x):
    """The IEEE bits of a float64 as an int64 (a bitcast, no conversion)."""
    if x != types.float64:
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


@intrinsic
def _from_bits(typingctx, i):
    """The float64 whose IEEE bits are the int64 ``i``."""
    if i != types.int64:
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@intrinsic
def _fmuladd(typingctx, a, b, c):
    """``a * b + c``, fused into one rounding where the CPU has FMA."""
    if not (a == b == c == types.float64):
        return None

    def codegen(context, builder, sig, args):
        d = ir.DoubleType()
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(d, [d, d, d]), "llvm.fmuladd.f64")
        return builder.call(fn, args)
    return types.float64(types.float64, types.float64, types.float64), codegen


_SHIFT = 6755399441055744.0            # 1.5 * 2**52: adding it rounds to an integer
_SHIFT_BITS = 0x4338000000000000       # its bits
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01   # 32 significant bits: k * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10
_TWO_M100 = 7.888609052210118e-31      # 2**-100
_C = tuple(1.0 / float(np.prod(np.arange(1, n + 1))) for n in range(14))   # 1 / n!


@njit(inline="always")
def _reduce(x):
    """``(r, kd)``: ``x = k ln 2 + r`` with ``kd`` holding ``k`` in its low bits."""
    xc = max(x, -745.5)
    kd = _fmuladd(xc, _LOG2E, _SHIFT)
    kf = kd - _SHIFT
    r = _fmuladd(-kf, _LN2_LO, _fmuladd(-kf, _LN2_HI, xc))
    return r, kd


@njit(inline="always")
def _scale(x, p, kd):
    """``p * 2**k``, rounded once even when the result is subnormal; NaN stays NaN."""
    k = _bits(kd) - _SHIFT_BITS
    small = k < -1000
    s = _from_bits(((k + 100 if small else k) + 1023) << 52)
    res = p * s
    res = res * _TWO_M100 if small else res
    return res if x == x else x


@njit(inline="always")
def _exp64(x):
    r, kd = _reduce(x)
    p = _fmuladd(r, _C[13], _C[12])
    p = _fmuladd(r, p, _C[11])
    p = _fmuladd(r, p, _C[10])
    p = _fmuladd(r, p, _C[9])
    p = _fmuladd(r, p, _C[8])
    p = _fmuladd(r, p, _C[7])
    p = _fmuladd(r, p, _C[6])
    p = _fmuladd(r, p, _C[5])
    p = _fmuladd(r, p, _C[4])
    p = _fmuladd(r, p, _C[3])
    p = _fmuladd(r, p, _C[2])
    p = _fmuladd(r, p, 1.0)
    p = _fmuladd(r, p, 1.0)
    return _scale(x, p, kd)


@njit(inline="always")
def _exp32(x):
    r, kd = _reduce(x)
    p = _fmuladd(r, _C[7], _C[6])
    p = _fmuladd(r, p, _C[5])
    p = _fmuladd(r, p, _C[4])
    p = _fmuladd(r, p, _C[3])
    p = _fmuladd(r, p, _C[2])
    p = _fmuladd(r, p, 1.0)
    p = _fmuladd(r, p, 1.0)
    return _scale(x, p, kd)


def exp_nonpos(x):
    """:math:`e^x` for ``x <= 0`` in ``x``'s dtype (in Python: ``numpy.exp``)."""
    return np.exp(x)


@overload(exp_nonpos, inline="always")
def _exp_nonpos(x):
    if x == types.float64:
        return lambda x: _exp64(x)
    if x == types.float32:
        return lambda x: np.float32(_exp32(np.float64(x)))
    return None


@njit(inline="always")
def _expm1_64(x):
    r"""``e^x - 1`` for ``x <= 0``, accurate near 0 (no cancellation).

    The same reduction :math:`x = k \ln 2 + r`: :math:`q = e^r - 1 = r + r^2 P(r)` by
    the Taylor polynomial without its constant term, then
    :math:`e^x - 1 = 2^k q + (2^k - 1)` in one fused rounding. Below -60 the result
    is -1 to float64's precision, so ``x`` is clamped there and :math:`2^k` stays normal.
    """
    xc = max(x, -60.0)
    kd = _fmuladd(xc, _LOG2E, _SHIFT)
    kf = kd - _SHIFT
    r = _fmuladd(-kf, _LN2_LO, _fmuladd(-kf, _LN2_HI, xc))
    p = _fmuladd(r, _C[13], _C[12])
    p = _fmuladd(r, p, _C[11])
    p = _fmuladd(r, p, _C[10])
    p = _fmuladd(r, p, _C[9])
    p = _fmuladd(r, p, _C[8])
    p = _fmuladd(r, p, _C[7])
    p = _fmuladd(r, p, _C[6])
    p = _fmuladd(r, p, _C[5])
    p = _fmuladd(r, p, _C[4])
    p = _fmuladd(r, p, _C[3])
    p = _fmuladd(r, p, _C[2])
    q = _fmuladd(r * r, p, r)
    s = _from_bits(((_bits(kd) - _SHIFT_BITS) + 1023) << 52)
    res = _fmuladd(s, q, s - 1.0)
    return res if x == x else x


@njit(inline="always")
def _tanh64(x):
    r""":math:`\tanh x = -u / (2 + u)` with :math:`u = e^{-2|x|} - 1`, the sign restored."""
    u = _expm1_64(-2.0 * abs(x))
    t = abs(u) / (2.0 + u)
    return t if x > 0.0 else (-t if x < 0.0 else x)          # +-0 and NaN are returned as they are


def tanh(x):
    r""":math:`\tanh x` in ``x``'s dtype (in Python: ``numpy.tanh``)."""
    return np.tanh(x)


@overload(tanh, inline="always")
def _tanh(x):
    r"""A vectorisable :math:`\tanh` (no call to the C library), within 2 ulp of NumPy's in
    float64; float32 is computed in float64 and rounded once."""
    if x == types.float64:
        return lambda x: _tanh64(x)
    if x == types.float32:
        return lambda x: np.float32(_tanh64(np.float64(x)))
    return None
