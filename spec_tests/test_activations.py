"""Activations: sigmoid, ReLU, hard sigmoid, tanh, leaky ReLU, PReLU, maxout, softmax (``reference.activations``).

Reference against calculus (central differences), every backend against the
reference, and the properties the slides use: the sigmoid is an S between 0 and 1,
symmetric about (0, 1/2); a hard sigmoid is two ReLUs; a leaky ReLU with alpha 0 is
the ReLU, a PReLU with alpha 0.01 the leaky ReLU; maxout is a max over groups and the
ReLU its special case; softmax rows are distributions, blind to a shift per row.
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
    # Keep every argument FD_KINK_GAP away from a kink by moving the few that are closer
    # to 2 * FD_KINK_GAP on their own side (filtering whole arrays out instead made
    # Hypothesis reject most draws, since the strategy likes exact zeros).
    for kink in KINKS[name]:
        near = np.abs(z - kink) <= FD_KINK_GAP
        z = np.where(near, kink + np.where(z >= kink, 2.0, -2.0) * FD_KINK_GAP, z)
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


# == lecture 2: tanh, leaky ReLU, PReLU, maxout, softmax ==============================================
ALPHAS = st.sampled_from([0.0, 0.01, 0.1, 0.25, 1.0, 1.5, -0.5])


@st.composite
def _z_da_alpha(draw, max_size, lim):
    z, da = draw(_z_and_da(max_size, lim))
    return z, da, draw(ALPHAS)


@st.composite
def _matrix_case(draw, max_size, lim=4.0, dtype=None, cols=None, layout=None):
    """z (N, M) and da of the same shape."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N = draw(S.dims(max_size))
    M = draw(S.dims(max_size)) if cols is None else cols
    z = draw(S.arrays(dtype, (N, M), lim, layout=layout))
    da = draw(S.arrays(dtype, (N, M), 2.0, layout=layout))
    return z, da


def test_tanh_forward_matches_reference(A, R):
    """tanh_forward agrees with the reference within 8 u relative (4 ulp each), any shape, layout and dtype."""
    @S.for_backend(A)
    @given(z=S.tensors(S.max_dim(A), lim=20.0))
    def check(z):
        _compare_forward(A, R, "tanh", z)
    check()


def test_tanh_backward_matches_reference(A, R):
    """tanh_backward agrees with the reference within the bound of da (1 - a^2), a carrying its forward's error."""
    @S.for_backend(A)
    @given(zd=_z_and_da(S.max_dim(A), 20.0))
    def check(zd):
        _compare_backward(A, R, "tanh", *zd)
    check()


def test_leaky_relu_forward_matches_reference(A, R):
    """leaky_relu_forward agrees with the reference within alpha's rounding and one product, for any alpha."""
    @S.for_backend(A)
    @given(case=_z_da_alpha(S.max_dim(A), 30.0))
    def check(case):
        z, _, alpha = case
        got, _ = A.leaky_relu_forward(z, alpha)
        want, _ = R.leaky_relu_forward(z, alpha)
        T.assert_close(f"{A.name}.leaky_relu_forward[alpha={alpha}]", got, want, T.leaky_relu_forward(z, alpha))
    check()


def test_leaky_relu_backward_matches_reference(A, R):
    """leaky_relu_backward agrees with the reference: da where z > 0 (bitwise), alpha da elsewhere (one product)."""
    @S.for_backend(A)
    @given(case=_z_da_alpha(S.max_dim(A), 3.0))
    def check(case):
        z, da, alpha = case
        (got,) = A.leaky_relu_backward(da, A.leaky_relu_forward(z, alpha)[1])
        (want,) = R.leaky_relu_backward(da, R.leaky_relu_forward(z, alpha)[1])
        T.assert_close(f"{A.name}.leaky_relu_backward[alpha={alpha}]", got, want,
                       T.leaky_relu_backward(da, z, alpha))
    check()


@st.composite
def _prelu_case(draw, max_size, dtype=None, lim=3.0, layout=None):
    z, da = draw(_matrix_case(max_size, lim, dtype, layout=layout))
    alpha = draw(S.arrays(z.dtype, (z.shape[1],), 1.0, layout=layout))
    return z, alpha, da


def test_prelu_forward_matches_reference(A, R):
    """prelu_forward agrees with the reference within one product (alpha_h z where z <= 0)."""
    @S.for_backend(A)
    @given(case=_prelu_case(S.max_dim(A)))
    def check(case):
        z, alpha, _ = case
        got, _ = A.prelu_forward(z, alpha)
        want, _ = R.prelu_forward(z, alpha)
        T.assert_close(f"{A.name}.prelu_forward", got, want, T.prelu_forward(z, alpha))
    check()


def test_prelu_backward_matches_reference(A, R):
    """prelu_backward's (dz, dalpha) agree with the reference: one product; an N-term dot for dalpha."""
    @S.for_backend(A)
    @given(case=_prelu_case(S.max_dim(A)))
    def check(case):
        z, alpha, da = case
        got = A.prelu_backward(da, A.prelu_forward(z, alpha)[1])
        want = R.prelu_backward(da, R.prelu_forward(z, alpha)[1])
        assert isinstance(got, tuple) and len(got) == 2
        for label, g, r, bd in zip(("dz", "dalpha"), got, want, T.prelu_backward(da, z, alpha)):
            T.assert_close(f"{A.name}.prelu_backward {label}", g, r, bd)
    check()


@st.composite
def _maxout_case(draw, max_size, dtype=None, elements=None, layout=None):
    """(z (N, H k), k, da (N, H)); ``elements`` may force ties (few distinct values)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    k = draw(st.integers(2, 4))
    N, H = draw(S.dims(max_size)), draw(S.dims(max_size))
    z = draw(S.arrays(dtype, (N, H * k), 4.0, layout=layout, elements=elements))
    da = draw(S.arrays(dtype, (N, H), 2.0, layout=layout))
    return z, k, da


#: Few distinct values, so that groups often tie for their max (and the "first maximal" rule is tested).
TIES = st.sampled_from([-1.0, 0.0, 0.5, 2.0])


def test_maxout_forward_matches_reference(A, R):
    """maxout_forward equals the reference bitwise (a max rounds nothing), ties included."""
    @S.for_backend(A)
    @given(case=_maxout_case(S.max_dim(A), elements=st.one_of(TIES, S.values(np.float32))))
    def check(case):
        z, k, _ = case
        got, _ = A.maxout_forward(z, k)
        want, _ = R.maxout_forward(z, k)
        T.assert_close(f"{A.name}.maxout_forward[k={k}]", got, want, np.zeros(want.shape))
    check()


def test_maxout_backward_matches_reference(A, R):
    """maxout_backward equals the reference bitwise: da to each group's first maximal entry, ties included."""
    @S.for_backend(A)
    @given(case=_maxout_case(S.max_dim(A), elements=st.one_of(TIES, S.values(np.float32))))
    def check(case):
        z, k, da = case
        (got,) = A.maxout_backward(da, A.maxout_forward(z, k)[1])
        (want,) = R.maxout_backward(da, R.maxout_forward(z, k)[1])
        T.assert_close(f"{A.name}.maxout_backward[k={k}]", got, want, np.zeros(want.shape))
    check()


def test_softmax_forward_matches_reference(A, R):
    """softmax_forward agrees with the reference within the stable form's bound (shift, exp, K-term sum, division)."""
    @S.for_backend(A)
    @given(case=_matrix_case(S.max_dim(A), lim=30.0))
    def check(case):
        z, _ = case
        got, _ = A.softmax_forward(z)
        want, _ = R.softmax_forward(z)
        T.assert_close(f"{A.name}.softmax_forward", got, want, T.softmax_forward(z))
    check()


def test_softmax_backward_matches_reference(A, R):
    """softmax_backward agrees with the reference within the bound of y (dy - sum dy y), y carrying its error."""
    @S.for_backend(A)
    @given(case=_matrix_case(S.max_dim(A), lim=10.0))
    def check(case):
        z, dy = case
        (got,) = A.softmax_backward(dy, A.softmax_forward(z)[1])
        (want,) = R.softmax_backward(dy, R.softmax_forward(z)[1])
        T.assert_close(f"{A.name}.softmax_backward", got, want, T.softmax_backward(dy, z))
    check()


# -- the reference against calculus --------------------------------------------------------------------
def _fd_compare(analytic, numeric):
    scale = max(np.abs(analytic).max(), np.abs(numeric).max(), 1.0)
    assert np.abs(analytic - numeric).max() / scale < FD_RTOL, f"{analytic} vs {numeric}"


def test_tanh_backward_finite_differences():
    """tanh_backward equals the central difference of sum(da * tanh(z)) in float64.

    Relative error < 1e-7, scale: the larger gradient, or 1.

    Concept: backprop.numeric.
    """
    @given(case=_fd_case("sigmoid"))                     # no kink
    def check(case):
        _finite_difference("tanh", *case)
    check()


def test_leaky_relu_backward_finite_differences():
    """leaky_relu_backward equals the central difference of sum(da * leaky_relu(z, alpha)) in float64.

    Any alpha of the drawn set (0, the slide's 0.01, ..., 1.5, -0.5); z kept 1e-3 away from the kink; relative
    error < 1e-7 (scale: the larger gradient, or 1).

    Concept: backprop.numeric, act.leaky_relu.
    """
    @given(case=_fd_case("relu"), alpha=ALPHAS)
    def check(case, alpha):
        z, da = case
        (dz,) = reference.leaky_relu_backward(da, reference.leaky_relu_forward(z, alpha)[1])
        numeric = numeric_gradient(lambda t: np.sum(da * reference.leaky_relu_forward(t, alpha)[0]), z)
        _fd_compare(dz, numeric)
    check()


def test_prelu_backward_finite_differences():
    """prelu_backward's dz and dalpha equal the central differences of sum(da * prelu(z, alpha)) in float64.

    In z and in alpha; z kept 1e-3 away from the kink; relative error < 1e-7 (scale: the larger gradient, or 1).

    Concept: backprop.numeric, act.prelu.
    """
    @given(case=_prelu_case(4, dtype=np.float64, layout="C"))
    def check(case):
        z, alpha, da = case
        assume(np.all(np.abs(z) > FD_KINK_GAP))
        dz, dalpha = reference.prelu_backward(da, reference.prelu_forward(z, alpha)[1])
        f = lambda z_, a_: np.sum(da * reference.prelu_forward(z_, a_)[0])
        _fd_compare(dz, numeric_gradient(lambda t: f(t, alpha), z))
        _fd_compare(dalpha, numeric_gradient(lambda t: f(z, t), alpha))
    check()


def test_maxout_backward_finite_differences():
    """maxout_backward equals the central difference of sum(da * maxout(z, k)) in float64, away from ties.

    Every group's two largest entries at least 1e-3 apart (h = 1e-6 never changes the winner); relative error < 1e-7.

    Concept: backprop.numeric, act.maxout.
    """
    @given(case=_maxout_case(4, dtype=np.float64, layout="C"))
    def check(case):
        z, k, da = case
        top2 = np.sort(z.reshape(z.shape[0], -1, k), axis=2)[:, :, -2:]
        assume(np.all(top2[:, :, 1] - top2[:, :, 0] > FD_KINK_GAP))
        (dz,) = reference.maxout_backward(da, reference.maxout_forward(z, k)[1])
        _fd_compare(dz, numeric_gradient(lambda t: np.sum(da * reference.maxout_forward(t, k)[0]), z))
    check()


def test_softmax_backward_finite_differences():
    """softmax_backward equals the central difference of sum(dy * softmax(z)) in float64.

    Relative error < 1e-7, scale: the larger gradient, or 1.

    Concept: backprop.numeric, model.softmax.
    """
    @given(case=_matrix_case(4, lim=5.0, dtype=np.float64, layout="C"))
    def check(case):
        z, dy = case
        (dz,) = reference.softmax_backward(dy, reference.softmax_forward(z)[1])
        _fd_compare(dz, numeric_gradient(lambda t: np.sum(dy * reference.softmax_forward(t)[0]), z))
    check()


# -- the slides' properties ----------------------------------------------------------------------------
def test_leaky_relu_forward_alpha_zero_is_relu(B):
    """leaky_relu with alpha = 0 is the ReLU: forward and backward equal relu's bitwise (0 * z is 0).

    Concept: act.leaky_relu, act.relu.
    """
    @S.for_backend(B)
    @given(zd=_z_and_da(S.max_dim(B), 30.0))
    def check(zd):
        z, da = zd
        leaky, cache = B.leaky_relu_forward(z, 0.0)
        relu, relu_cache = B.relu_forward(z)
        np.testing.assert_array_equal(leaky, relu)
        np.testing.assert_array_equal(B.leaky_relu_backward(da, cache)[0], B.relu_backward(da, relu_cache)[0])
    check()


def test_leaky_relu_backward_slope_at_kink_is_alpha(B):
    """leaky_relu_backward: slope 1 for z > 0 and alpha for z <= 0, the kink z = 0 included; the slide's alpha 0.01 by default.

    Concept: act.leaky_relu.
    """
    for dtype in S.DTYPES:
        z = np.array([-2.0, 0.0, 3.0], dtype=dtype)
        a, cache = B.leaky_relu_forward(z)
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, np.array([-2 * dtype.type(0.01), 0.0, 3.0], dtype=dtype))
        (dz,) = B.leaky_relu_backward(np.full(3, 4.0, dtype=dtype), cache)
        np.testing.assert_array_equal(dz, np.array([4 * dtype.type(0.01), 4 * dtype.type(0.01), 4.0], dtype=dtype))
        a, cache = B.leaky_relu_forward(z, alpha=0.5)
        np.testing.assert_array_equal(a, np.array([-1.0, 0.0, 3.0], dtype=dtype))
        np.testing.assert_array_equal(B.leaky_relu_backward(np.ones(3, dtype=dtype), cache)[0], [0.5, 0.5, 1.0])


def test_prelu_forward_alpha_001_is_leaky_relu(B):
    """prelu with every alpha_h = 0.01 equals leaky_relu(z, 0.01), forward and dz, within both bounds.

    And dalpha = sum_n da min(z, 0) (003 "ReLU - variant": the slope is learned).

    Concept: act.prelu, act.leaky_relu.
    """
    @S.for_backend(B)
    @given(case=_matrix_case(S.max_dim(B), lim=10.0))
    def check(case):
        z, da = case
        alpha = np.full(z.shape[1], 0.01, dtype=z.dtype)
        p, p_cache = B.prelu_forward(z, alpha)
        l, l_cache = B.leaky_relu_forward(z, 0.01)
        bound = T.prelu_forward(z, alpha).e + T.leaky_relu_forward(z, 0.01).e
        T.assert_close(f"{B.name}.prelu_forward vs leaky_relu_forward", p, l, bound)
        dz_p, dalpha = B.prelu_backward(da, p_cache)
        (dz_l,) = B.leaky_relu_backward(da, l_cache)
        bound = T.prelu_backward(da, z, alpha)[0].e + T.leaky_relu_backward(da, z, 0.01).e
        T.assert_close(f"{B.name}.prelu_backward vs leaky_relu_backward", dz_p, dz_l, bound)
        want = (da.astype(np.float64) * np.minimum(z.astype(np.float64), 0)).sum(axis=0)
        # NumPy's float64 sum is a conforming implementation too: the tolerance between two of them
        assert np.all(np.abs(dalpha - want) <= T.prelu_backward(da, z, alpha)[1].tol)
    check()


def test_maxout_forward_is_max_over_groups(B):
    """maxout_forward(z, k)[n, h] = max_j z[n, h k + j]: groups of k consecutive columns (003 "Maxout"), bitwise.

    Concept: act.maxout.
    """
    @S.for_backend(B)
    @given(case=_maxout_case(S.max_dim(B), elements=st.one_of(TIES, S.values(np.float32))))
    def check(case):
        z, k, da = case
        a, cache = B.maxout_forward(z, k)
        assert a.shape == (z.shape[0], z.shape[1] // k) and a.dtype == z.dtype
        want = np.array([[max(z[n, h * k:(h + 1) * k]) for h in range(a.shape[1])] for n in range(z.shape[0])])
        np.testing.assert_array_equal(a, want.astype(z.dtype))
        (dz,) = B.maxout_backward(da, cache)
        for n in range(z.shape[0]):
            for h in range(a.shape[1]):
                group = list(z[n, h * k:(h + 1) * k])
                first = group.index(max(group))                    # the first maximal entry wins
                row = np.zeros(k, dtype=z.dtype)
                row[first] = da[n, h]
                np.testing.assert_array_equal(dz[n, h * k:(h + 1) * k], row)
    check()


def test_maxout_forward_k2_with_zero_unit_is_relu(B):
    """maxout with k = 2 and the second unit of each group fixed at 0 is the ReLU (003 "Maxout - ReLU is a special cases of Maxout").

    Columns (z_h, 0): max(z_h, 0) = relu(z_h), bitwise. The gradient: where z_h > 0 it goes to z_h (as relu's);
    where z_h < 0 to the fixed 0 unit (relu's is 0 there); at z_h = 0 the tie goes to the first entry, z_h itself,
    whereas relu_backward takes 0 at its kink: the only place the two differ.

    Concept: act.maxout, act.relu.
    """
    @S.for_backend(B)
    @given(case=_matrix_case(S.max_dim(B), lim=5.0))
    def check(case):
        z, da = case
        z2 = np.zeros((z.shape[0], 2 * z.shape[1]), dtype=z.dtype)
        z2[:, 0::2] = z
        a, cache = B.maxout_forward(z2, 2)
        r, r_cache = B.relu_forward(z)
        np.testing.assert_array_equal(a, r)
        (dz2,) = B.maxout_backward(da, cache)
        (dr,) = B.relu_backward(da, r_cache)
        nonzero = z != 0
        np.testing.assert_array_equal(dz2[:, 0::2][nonzero], dr[nonzero])
        np.testing.assert_array_equal(dz2[:, 0::2][~nonzero], da[~nonzero])
        np.testing.assert_array_equal(dz2[:, 1::2], np.where(z < 0, da, 0))
    check()


def test_softmax_forward_rows_sum_to_one(B):
    """softmax_forward's rows sum to 1 within the bound of its K entries and their sum; every entry in [0, 1].

    Concept: model.softmax.
    """
    @S.for_backend(B)
    @given(case=_matrix_case(S.max_dim(B), lim=30.0))
    def check(case):
        z, _ = case
        y, _ = B.softmax_forward(z)
        assert y.shape == z.shape and y.dtype == z.dtype
        assert np.all((y >= 0) & (y <= 1))
        bound = T.total(T.softmax_forward(z), axis=1)
        assert np.all(np.abs(y.astype(np.float64).sum(axis=1) - 1) <= bound.e)
    check()


@st.composite
def _sixty_fourths(draw, max_size):
    """z of multiples of 1/64 in [-8, 8] and one integer shift per row in [-100, 100]: z + c is exact in float32."""
    dtype = draw(S.dtypes())
    N, K = draw(S.dims(max_size)), draw(S.dims(max_size))
    z = draw(S.arrays(dtype, (N, K), elements=st.integers(-512, 512).map(lambda i: i / 64)))
    c = draw(S.arrays(dtype, (N, 1), elements=st.integers(-100, 100).map(float), layout="C"))
    return z, c


def test_softmax_forward_invariant_to_row_shift(B):
    """softmax(z + c) = softmax(z) for a constant c per row, bitwise (002 "Output Layer as Multi-Class Classifier").

    z and c are chosen so that z + c is exact: then z + c - max(z + c) = z - max(z) exactly, and the stable form
    computes the same numbers from there.

    Concept: model.softmax.
    """
    @S.for_backend(B)
    @given(case=_sixty_fourths(S.max_dim(B)))
    def check(case):
        z, c = case
        np.testing.assert_array_equal(B.softmax_forward(z + c)[0], B.softmax_forward(z)[0])
    check()


def test_softmax_forward_stable_at_large_z(B):
    """softmax_forward at z = +-1000: no nan, no inf, no warning, both dtypes; the exact limits [1, 0], [1/2, 1/2].

    Concept: model.softmax.
    """
    z64 = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, -1000.0],
                    [-1000.0, 1000.0, 999.0]])
    for dtype in S.DTYPES:
        z = z64.astype(dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            y, cache = B.softmax_forward(z)
            (dz,) = B.softmax_backward(np.ones_like(z), cache)
        assert np.all(np.isfinite(y)) and np.all(np.isfinite(dz))
        np.testing.assert_array_equal(y[0], [1, 0, 0])
        np.testing.assert_array_equal(y[2], [0.5, 0.5, 0])
        assert np.all(np.abs(y[1].astype(np.float64) - 1 / 3) <= T.softmax_forward(z[1:2]).tol[0])
        want = T.softmax_forward(z[3:])
        assert np.all(np.abs(y[3].astype(np.float64) - want.v[0]) <= want.tol[0])
        assert np.all(np.abs(dz) <= T.softmax_backward(np.ones_like(z), z).tol)     # sum y = 1: dz = y (1 - 1) ~ 0


def test_tanh_forward_is_rescaled_sigmoid(B):
    """tanh(z) = 2 sigmoid(2z) - 1 and tanh(-z) = -tanh(z), within the functions' bounds; tanh is in [-1, 1].

    Concept: act.sigmoid.
    """
    @S.for_backend(B)
    @given(z=S.tensors(S.max_dim(B), lim=20.0))
    def check(z):
        a, _ = B.tanh_forward(z)
        assert a.dtype == z.dtype and a.shape == z.shape
        assert np.all((a >= -1) & (a <= 1))
        odd = B.tanh_forward(-z)[0].astype(np.float64) + a
        assert np.all(np.abs(odd) <= T.tanh_forward(z).tol)                  # tanh(-z) = -tanh(z)
        s, _ = B.sigmoid_forward(2 * z)                           # 2z is exact
        via = 2 * s.astype(np.float64) - 1
        bound = T.tanh_forward(z).e + 2 * T.sigmoid_forward(2 * z).e
        assert np.all(np.abs(a.astype(np.float64) - via) <= bound)
    check()


def test_tanh_forward_tanh_backward_pure_and_dtype(B):
    """tanh_forward and tanh_backward keep dtype and shape, return (dz,), change no input."""
    _pure_and_dtype(B, "tanh")


def test_leaky_relu_forward_leaky_relu_backward_pure_and_dtype(B):
    """leaky_relu_forward and leaky_relu_backward keep dtype and shape, return (dz,), change no input."""
    _pure_and_dtype(B, "leaky_relu")


def test_softmax_forward_softmax_backward_pure_and_dtype(B):
    """softmax_forward and softmax_backward keep dtype and shape, return (dz,), change no input."""
    _pure_and_dtype(B, "softmax")


def test_prelu_forward_prelu_backward_pure_and_dtype(B):
    """prelu_forward and prelu_backward keep dtype and shapes, return (dz, dalpha), change no input."""
    for dtype in S.DTYPES:
        z = np.linspace(-3, 3, 24, dtype=dtype).reshape(4, 6)[:, ::2]          # (4, 3), a strided view
        alpha = np.array([0.1, 0.2, 0.3, 0.4], dtype=dtype)[::-1][:3]
        a, cache = call_pure(B, "prelu_forward", z, alpha)
        assert_dtype("prelu_forward", a, dtype)
        assert a.shape == z.shape
        out = call_pure(B, "prelu_backward", np.ones_like(z)[::-1], cache)
        assert isinstance(out, tuple) and len(out) == 2
        assert_dtype("prelu_backward", out, dtype)
        assert out[0].shape == z.shape and out[1].shape == (3,)


def test_maxout_forward_maxout_backward_pure_and_dtype(B):
    """maxout_forward and maxout_backward keep the dtype, return (N, H) and (dz,) of z's shape, change no input."""
    for dtype in S.DTYPES:
        z = np.linspace(-3, 3, 24, dtype=dtype).reshape(4, 6).T                # (6, 4), a transposed view
        for k, H in ((2, 2), (4, 1)):
            a, cache = call_pure(B, "maxout_forward", z, k)
            assert_dtype("maxout_forward", a, dtype)
            assert a.shape == (6, H)
            out = call_pure(B, "maxout_backward", np.ones((H, 6), dtype=dtype).T, cache)
            assert isinstance(out, tuple) and len(out) == 1 and out[0].shape == (6, 4)
            assert_dtype("maxout_backward", out, dtype)


def test_tanh_forward_tanh_backward_large_matches_reference(A, R):
    """tanh_forward/backward on 2**20 + 3 elements (a strided view) agree with the reference, both dtypes."""
    _large_matches_reference(A, R, "tanh")


def test_leaky_relu_forward_leaky_relu_backward_large_matches_reference(A, R):
    """leaky_relu_forward/backward on 2**20 + 3 elements (a strided view) agree with the reference, both dtypes."""
    _large_matches_reference(A, R, "leaky_relu")


def test_softmax_forward_softmax_backward_large_matches_reference(A, R):
    """softmax_forward/backward on (2**17 + 3) x 9 (a strided view) agree with the reference, both dtypes."""
    if S.simulated(A):
        pytest.skip("a million threads are beyond the CUDA simulator")
    rng = np.random.default_rng(12)
    for dtype in S.DTYPES:
        z = rng.normal(scale=5.0, size=((1 << 17) + 3, 18)).astype(dtype)[:, ::2]
        dy = rng.normal(size=z.shape).astype(dtype)
        _compare_forward(A, R, "softmax", z)
        _compare_backward(A, R, "softmax", z, dy)
