"""Activations: the sigmoid, the ReLU and the hard sigmoid (``reference.activations``).

Reference against calculus (central differences), every backend against the
reference, and the properties the slides use: the sigmoid is an S between 0 and 1,
symmetric about (0, 1/2); a hard sigmoid is two ReLUs.
"""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import reference
from reference.gradcheck import numeric_gradient

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, call_pure

KINKS = {"sigmoid": (), "relu": (0.0,), "hard_sigmoid": (0.0, 1.0)}

#: Finite differences: relative error bound, and the distance every argument keeps from a kink
#: (the central difference with h = 1e-6 straddles no kink).
FD_RTOL = 1e-7
FD_KINK_GAP = 1e-3


def _compare_forward(A, R, name, z):
    got, _ = getattr(A, f"{name}_forward")(z)
    want, _ = getattr(R, f"{name}_forward")(z)
    T.assert_close(f"{A.name}.{name}_forward", got, want, getattr(T, f"{name}_forward")(z))


def _compare_backward(A, R, name, z, da):
    _, cache_a = getattr(A, f"{name}_forward")(z)
    _, cache_r = getattr(R, f"{name}_forward")(z)
    (got,) = getattr(A, f"{name}_backward")(da, cache_a)
    (want,) = getattr(R, f"{name}_backward")(da, cache_r)
    T.assert_close(f"{A.name}.{name}_backward", got, want, getattr(T, f"{name}_backward")(da, z))


@st.composite
def _z_and_da(draw, max_size, lim):
    z = draw(S.tensors(max_size, lim))
    da = draw(S.arrays(z.dtype, z.shape, 2.0))
    return z, da


# -- every backend against the reference ------------------------------------------------------------
def test_sigmoid_forward_matches_reference(A, R):
    """sigmoid_forward agrees with the reference within 20 u relative, any shape, layout and dtype."""
    @S.for_backend(A)
    @given(z=S.tensors(S.max_dim(A), lim=30.0))
    def check(z):
        _compare_forward(A, R, "sigmoid", z)
    check()


def test_sigmoid_backward_matches_reference(A, R):
    """sigmoid_backward agrees with the reference within the bound of da * a * (1 - a)."""
    @S.for_backend(A)
    @given(zd=_z_and_da(S.max_dim(A), 30.0))
    def check(zd):
        _compare_backward(A, R, "sigmoid", *zd)
    check()


def test_relu_forward_matches_reference(A, R):
    """relu_forward equals the reference bitwise (max(0, z) rounds nothing)."""
    @S.for_backend(A)
    @given(z=S.tensors(S.max_dim(A), lim=30.0))
    def check(z):
        _compare_forward(A, R, "relu", z)
    check()


def test_relu_backward_matches_reference(A, R):
    """relu_backward equals the reference bitwise (da where z > 0, else 0)."""
    @S.for_backend(A)
    @given(zd=_z_and_da(S.max_dim(A), 3.0))
    def check(zd):
        _compare_backward(A, R, "relu", *zd)
    check()


def test_hard_sigmoid_forward_matches_reference(A, R):
    """hard_sigmoid_forward equals the reference bitwise (min(1, max(0, z)) rounds nothing)."""
    @S.for_backend(A)
    @given(z=S.tensors(S.max_dim(A), lim=3.0))
    def check(z):
        _compare_forward(A, R, "hard_sigmoid", z)
    check()


def test_hard_sigmoid_backward_matches_reference(A, R):
    """hard_sigmoid_backward equals the reference bitwise (da on the ramp 0 < z < 1, else 0)."""
    @S.for_backend(A)
    @given(zd=_z_and_da(S.max_dim(A), 3.0))
    def check(zd):
        _compare_backward(A, R, "hard_sigmoid", *zd)
    check()


def test_relu_backward_at_kink_is_zero(B):
    """relu_backward takes the derivative at the kink z = 0 as 0, on every backend."""
    for dtype in S.DTYPES:
        z = np.array([-1.0, 0.0, 1.0], dtype=dtype)
        _, cache = B.relu_forward(z)
        (dz,) = B.relu_backward(np.ones(3, dtype=dtype), cache)
        assert dz.tolist() == [0.0, 0.0, 1.0]


def test_hard_sigmoid_backward_at_kinks_is_zero(B):
    """hard_sigmoid_backward is 1 only strictly inside the ramp (0 at z = 0 and at z = 1), on every backend."""
    for dtype in S.DTYPES:
        z = np.array([-0.5, 0.0, 0.5, 1.0, 1.5], dtype=dtype)
        _, cache = B.hard_sigmoid_forward(z)
        (dz,) = B.hard_sigmoid_backward(np.full(5, 2.0, dtype=dtype), cache)
        assert dz.tolist() == [0.0, 0.0, 2.0, 0.0, 0.0]


# -- the reference against calculus -----------------------------------------------------------------
@st.composite
def _fd_case(draw, name):
    shape = draw(st.tuples(S.dims(4), S.dims(3)))
    z = draw(S.arrays(np.float64, shape, 3.0, layout="C"))
    for kink in KINKS[name]:
        assume(np.all(np.abs(z - kink) > FD_KINK_GAP))
    da = draw(S.arrays(np.float64, shape, 1.0, layout="C"))
    return z, da


def _finite_difference(name, z, da):
    forward = getattr(reference, f"{name}_forward")
    backward = getattr(reference, f"{name}_backward")
    _, cache = forward(z)
    (dz,) = backward(da, cache)
    numeric = numeric_gradient(lambda t: np.sum(da * forward(t)[0]), z)
    scale = max(np.abs(dz).max(), np.abs(numeric).max(), 1.0)
    assert np.abs(dz - numeric).max() / scale < FD_RTOL


def _run_finite_differences(name):
    @given(case=_fd_case(name))
    def check(case):
        _finite_difference(name, *case)
    check()


def test_sigmoid_backward_finite_differences():
    """sigmoid_backward equals the central difference of sum(da * sigmoid(z)) in float64.

    Relative error < 1e-7, scale: the larger gradient, or 1.

    Concept: backprop.numeric, act.sigmoid.
    """
    _run_finite_differences("sigmoid")


def test_relu_backward_finite_differences():
    """relu_backward equals the central difference of sum(da * relu(z)) in float64.

    Relative error < 1e-7 (scale: the larger gradient, or 1); z kept 1e-3 away from the kink.

    Concept: backprop.numeric, act.relu.
    """
    _run_finite_differences("relu")


def test_hard_sigmoid_backward_finite_differences():
    """hard_sigmoid_backward equals the central difference of sum(da * hard_sigmoid(z)).

    float64; relative error < 1e-7 (scale: the larger gradient, or 1); z kept 1e-3 away from 0 and 1.

    Concept: backprop.numeric, model.hard_sigmoid.
    """
    _run_finite_differences("hard_sigmoid")


# -- properties -------------------------------------------------------------------------------------
def test_sigmoid_forward_stable_for_large_z(B):
    """sigmoid_forward is finite, in [0, 1] and warning-free for |z| up to 1e4, both dtypes, and saturates.

    Concept: act.sigmoid.
    """
    z64 = np.array([-1e4, -1000.0, -745.0, -100.0, -50.0, -1.0, 0.0, 1.0, 50.0, 100.0, 1000.0, 1e4])
    for dtype in S.DTYPES:
        z = z64.astype(dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            a, _ = B.sigmoid_forward(z)
        assert a.dtype == dtype
        assert np.all(np.isfinite(a)) and np.all((a >= 0) & (a <= 1))
        assert a[-1] == 1 and a[-2] == 1 and a[0] < np.finfo(dtype).tiny
        assert a[6] == 0.5
        assert np.all(np.diff(a) >= 0), "the sigmoid must not decrease"
        T.assert_close(f"{B.name}.sigmoid_forward", a, T.sigmoid64(z).astype(dtype), T.sigmoid_forward(z))


def test_sigmoid_forward_in_unit_interval(B):
    """sigmoid_forward maps every drawn z (|z| <= 1e4) into [0, 1]."""
    @S.for_backend(B)
    @given(z=S.tensors(S.max_dim(B), lim=1e4))
    def check(z):
        a, _ = B.sigmoid_forward(z)
        assert np.all((a >= 0) & (a <= 1))
    check()


def test_sigmoid_forward_symmetry(B):
    """sigmoid(-z) = 1 - sigmoid(z) within both sides' rounding (20 u each, plus one subtraction).

    Concept: act.sigmoid.
    """
    @S.for_backend(B)
    @given(z=S.tensors(S.max_dim(B), lim=30.0))
    def check(z):
        left, _ = B.sigmoid_forward(-z)
        a, _ = B.sigmoid_forward(z)
        right = 1 - a
        bound = (T.sigmoid_forward(-z).e + (1.0 - T.sigmoid_forward(z)).e)
        assert np.all(np.abs(left.astype(float) - right.astype(float)) <= bound)
    check()


def test_hard_sigmoid_forward_equals_two_relus(B):
    """hard_sigmoid(z) = relu(z) - relu(z - 1) (000, "Sigmoid -> ReLU"), up to the rounding of z - 1 (u |z - 1|).

    Concept: model.relu_sum, model.hard_sigmoid.
    """
    @S.for_backend(B)
    @given(z=S.tensors(S.max_dim(B), lim=50.0))
    def check(z):
        hard, _ = B.hard_sigmoid_forward(z)
        r1, _ = B.relu_forward(z)
        r2, _ = B.relu_forward(z - z.dtype.type(1))
        diff = np.abs(hard.astype(float) - (r1 - r2).astype(float))
        assert np.all(diff <= T.u_of(z.dtype) * np.abs(z.astype(float) - 1))
    check()


def _pure_and_dtype(B, name):
    for dtype in S.DTYPES:
        base = np.linspace(-3, 3, 24, dtype=dtype).reshape(4, 6)
        z = base[:, ::2]                                  # a strided view
        a, cache = call_pure(B, f"{name}_forward", z)
        assert_dtype(f"{name}_forward", a, dtype)
        assert a.shape == z.shape
        da = np.ones_like(z)[::-1]
        out = call_pure(B, f"{name}_backward", da, cache)
        assert isinstance(out, tuple) and len(out) == 1
        assert_dtype(f"{name}_backward", out, dtype)
        assert out[0].shape == z.shape


def test_sigmoid_forward_sigmoid_backward_pure_and_dtype(B):
    """sigmoid_forward and sigmoid_backward keep dtype and shape, return (dz,), change no input."""
    _pure_and_dtype(B, "sigmoid")


def test_relu_forward_relu_backward_pure_and_dtype(B):
    """relu_forward and relu_backward keep dtype and shape, return (dz,), change no input."""
    _pure_and_dtype(B, "relu")


def test_hard_sigmoid_forward_hard_sigmoid_backward_pure_and_dtype(B):
    """hard_sigmoid_forward and hard_sigmoid_backward keep dtype and shape, return (dz,), change no input."""
    _pure_and_dtype(B, "hard_sigmoid")


# -- large arrays (a fast backend may switch to a parallel path above some size) --------------------
LARGE = (1 << 20) + 3                                   # just over 2**20 elements, odd


def _large_matches_reference(A, R, name):
    if S.simulated(A):
        pytest.skip("a million threads are beyond the CUDA simulator")
    rng = np.random.default_rng(11)
    for dtype in S.DTYPES:
        z = (rng.normal(scale=4.0, size=2 * LARGE).astype(dtype))[::2]     # a strided view
        da = rng.normal(size=LARGE).astype(dtype)
        _compare_forward(A, R, name, z)
        _compare_backward(A, R, name, z, da)


def test_sigmoid_forward_sigmoid_backward_large_matches_reference(A, R):
    """sigmoid_forward/backward on 2**20 + 3 elements (a strided view) agree with the reference, both dtypes."""
    _large_matches_reference(A, R, "sigmoid")


def test_relu_forward_relu_backward_large_matches_reference(A, R):
    """relu_forward/backward on 2**20 + 3 elements (a strided view) equal the reference bitwise, both dtypes."""
    _large_matches_reference(A, R, "relu")


def test_hard_sigmoid_forward_hard_sigmoid_backward_large_matches_reference(A, R):
    """hard_sigmoid_forward/backward on 2**20 + 3 elements (a strided view) equal the reference bitwise."""
    _large_matches_reference(A, R, "hard_sigmoid")
