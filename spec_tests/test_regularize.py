"""Regularisation: dropout (both forms), its host-side mask, and the L1 / L2 penalties (``reference.regularize``)."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import reference
from reference.gradcheck import numeric_gradient

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, assert_same_error, call_pure, error_of

FD_RTOL = 1e-7
FD_KINK_GAP = 1e-3
RATES = (0.0, 0.2, 0.5, 0.8, 0.95)


@st.composite
def shapes(draw, max_size, max_rank=4):
    """A shape of rank 1 to ``max_rank``: vectors, (N, D) batches, (N, C, H, W) images."""
    rank = draw(st.integers(1, max_rank))
    return tuple(draw(S.dims(max_size)) for _ in range(rank))


@st.composite
def dropout_case(draw, max_size, dtype=None, lim=4.0, layout=None):
    """(x, mask, p, inverted, dout): x and dout of one drawn shape and layout, a 0/1 mask (in its own layout)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    shape = draw(shapes(max_size))
    x = draw(S.arrays(dtype, shape, lim, layout=layout))
    mask = draw(S.arrays(dtype, shape, layout=layout, elements=st.sampled_from([0.0, 1.0])))
    dout = draw(S.arrays(dtype, shape, lim, layout=layout))
    return x, mask, draw(st.sampled_from(RATES)), draw(st.booleans()), dout


@st.composite
def penalty_case(draw, max_size, dtype=None, lim=100.0, layout=None):
    """(w, lam): weights of rank 0 to 4 and a rate lam in [0, 100] (0 included)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    rank = draw(st.integers(0, 4))
    shape = tuple(draw(S.dims(max_size)) for _ in range(rank))
    w = draw(S.arrays(dtype, shape, lim, layout=layout))
    lam = draw(st.one_of(st.just(0.0), st.floats(1e-6, 100.0)))
    return w, lam


# -- backends against the reference ------------------------------------------------------------------


def test_dropout_forward_matches_reference(A, R):
    """dropout_forward and dropout_backward agree with the reference within one rounding of x s (dout s),
    for every rank 1 to 4, both forms, rates 0 to 0.95, in four memory layouts; inputs untouched."""
    @S.for_backend(A)
    @given(case=dropout_case(S.max_dim(A, 5)))
    def check(case):
        x, mask, p, inverted, dout = case
        a, cache = call_pure(A, "dropout_forward", x, mask, p, inverted=inverted)
        a_ref, cache_ref = R.dropout_forward(x, mask, p, inverted=inverted)
        assert_dtype(f"{A.name}.dropout_forward", a, x.dtype)
        T.assert_close(f"{A.name}.dropout_forward", a, a_ref, T.dropout_forward(x, mask, p, inverted))
        (dx,) = call_pure(A, "dropout_backward", dout, cache)
        (dx_ref,) = R.dropout_backward(dout, cache_ref)
        assert_dtype(f"{A.name}.dropout_backward", dx, x.dtype)
        T.assert_close(f"{A.name}.dropout_backward", dx, dx_ref, T.dropout_backward(dout, mask, p, inverted))
    check()


def _compare_penalty(A, R, name, case):
    w, lam = case
    value, grad = call_pure(A, name, w, lam)
    value_ref, grad_ref = getattr(R, name)(w, lam)
    v_bound, g_bound = getattr(T, name)(w, lam)
    assert isinstance(value, np.generic), f"{A.name}.{name}: the value must be a NumPy scalar"
    assert_dtype(f"{A.name}.{name}", (value, grad), w.dtype)
    T.assert_close(f"{A.name}.{name} value", value, value_ref, v_bound)
    T.assert_close(f"{A.name}.{name} grad", grad, grad_ref, g_bound)


def test_l2_penalty_matches_reference(A, R):
    """l2_penalty's (value, grad) agree with the reference within a float64 sum of N squares rounded once,
    and one product lam w; ranks 0 to 4, lam 0 included."""
    @S.for_backend(A)
    @given(case=penalty_case(S.max_dim(A, 5)))
    def check(case):
        _compare_penalty(A, R, "l2_penalty", case)
    check()


def test_l1_penalty_matches_reference(A, R):
    """l1_penalty's (value, grad) agree with the reference within a float64 sum of N |w| rounded once;
    the gradient lam sgn(w) is lam rounded to the dtype, 0 where w is 0."""
    @S.for_backend(A)
    @given(case=penalty_case(S.max_dim(A, 5)))
    def check(case):
        _compare_penalty(A, R, "l1_penalty", case)
    check()


# -- the reference's math ------------------------------------------------------------------------------


def test_dropout_backward_finite_differences():
    """dropout_backward's dx equals the central difference of sum(dout * dropout_forward(x)) in float64,
    both forms (relative error < 1e-7, scale: the larger gradient or 1).

    Concept: backprop.numeric, regularize.dropout.
    """
    @given(case=dropout_case(4, dtype=np.float64, lim=3.0, layout="C"))
    def check(case):
        x, mask, p, inverted, dout = case
        _, cache = reference.dropout_forward(x, mask, p, inverted)
        (dx,) = reference.dropout_backward(dout, cache)
        numeric = numeric_gradient(lambda t: np.sum(dout * reference.dropout_forward(t, mask, p, inverted)[0]),
                                   x.copy())
        scale = max(np.abs(dx).max(), np.abs(numeric).max(), 1.0)
        assert np.abs(dx - numeric).max() / scale < FD_RTOL
    check()


def test_l2_penalty_gradient_finite_differences():
    """l2_penalty's gradient lam w equals the central difference of its value lam/2 ||w||^2 in float64.

    Concept: backprop.numeric, regularize.l2.
    """
    @given(case=penalty_case(4, dtype=np.float64, lim=3.0, layout="C"))
    def check(case):
        w, lam = case
        _, g = reference.l2_penalty(w, lam)
        numeric = numeric_gradient(lambda t: reference.l2_penalty(t, lam)[0], np.array(w, copy=True))
        scale = max(np.abs(g).max(), np.abs(numeric).max(), 1.0)
        assert np.abs(g - numeric).max() / scale < FD_RTOL
    check()


def test_l1_penalty_gradient_finite_differences():
    """l1_penalty's gradient lam sgn(w) equals the central difference of its value lam ||w||_1 in float64,
    away from the kink at 0 (every |w| > 1e-3): the value and the gradient are one consistent pair,
    not the slide's lam/2 ||w||_1 with gradient lam sgn(w).

    Concept: backprop.numeric, regularize.l1.
    """
    @given(case=penalty_case(4, dtype=np.float64, lim=3.0, layout="C"))
    def check(case):
        w, lam = case
        assume(np.all(np.abs(w) > FD_KINK_GAP))
        _, g = reference.l1_penalty(w, lam)
        numeric = numeric_gradient(lambda t: reference.l1_penalty(t, lam)[0], np.array(w, copy=True))
        scale = max(np.abs(g).max(), np.abs(numeric).max(), 1.0)
        assert np.abs(g - numeric).max() / scale < FD_RTOL
    check()


def test_penalties_values_follow_the_slides(B):
    """On w = (3, -4, 0): l2 is lam/2 * 25 with gradient lam w; l1 is lam * 7 with gradient
    lam (1, -1, 0) (sgn(0) = 0); lam = 0 gives 0 and a zero gradient. Exact in float64.

    Concept: regularize.l2, regularize.l1.
    """
    w = np.array([3.0, -4.0, 0.0])
    v2, g2 = B.l2_penalty(w, 0.5)
    v1, g1 = B.l1_penalty(w, 0.5)
    assert float(v2) == 0.5 * 0.5 * 25 and np.array_equal(B.to_host(g2), 0.5 * w)
    assert float(v1) == 0.5 * 7 and np.array_equal(B.to_host(g1), [0.5, -0.5, 0.0])
    for fn in (B.l2_penalty, B.l1_penalty):
        v, g = fn(w, 0.0)
        assert float(v) == 0.0 and not np.any(B.to_host(g))


# -- dropout's properties --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", (np.float32, np.float64), ids=lambda d: np.dtype(d).name)
def test_dropout_all_ones_and_all_zeros_masks(B, dtype):
    """An all-ones mask keeps x (the slide's form: exactly; inverted: x times 1/(1-p) rounded to the dtype);
    an all-zeros mask gives exact zeros; the backward passes dout the same way. A 4-D image batch.

    Concept: regularize.dropout.
    """
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5)).astype(dtype)
    ones, zeros = np.ones_like(x), np.zeros_like(x)
    p = 0.5
    s = dtype(1 / (1 - p))
    out, cache = B.dropout_forward(x, ones, p, inverted=False)
    assert np.array_equal(B.to_host(out), x)
    assert np.array_equal(B.to_host(B.dropout_backward(x, cache)[0]), x)
    out, cache = B.dropout_forward(x, ones, p)
    assert np.array_equal(B.to_host(out), x * s)
    assert np.array_equal(B.to_host(B.dropout_backward(x, cache)[0]), x * s)
    for inverted in (True, False):
        out, cache = B.dropout_forward(x, zeros, p, inverted=inverted)
        assert not np.any(B.to_host(out))
        assert not np.any(B.to_host(B.dropout_backward(x, cache)[0]))


@pytest.mark.parametrize("shape", [(7,), (4, 6), (2, 3, 5), (2, 1, 4, 4)], ids=str)
def test_dropout_rate_zero_is_the_identity(B, shape):
    """With p = 0 dropout_mask keeps every unit and dropout_forward returns x exactly, in both forms
    (1/(1 - 0) = 1); the backward returns dout exactly.

    Concept: regularize.dropout.
    """
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    mask = reference.dropout_mask(rng, shape, 0.0)
    assert np.array_equal(mask, np.ones(shape))
    for inverted in (True, False):
        out, cache = B.dropout_forward(x, mask, 0.0, inverted=inverted)
        assert np.array_equal(B.to_host(out), x)
        assert np.array_equal(B.to_host(B.dropout_backward(x, cache)[0]), x)


@pytest.mark.parametrize("p", (0.05, 0.2, 0.5, 0.8))
def test_dropout_mask_keep_rate_within_binomial_bound(p):
    """The kept count of a 200,000-entry mask is within 6 standard deviations of the binomial mean
    n (1 - p) (a false alarm has probability below 2e-9); entries are exactly 0 or 1, of the
    requested shape and dtype.

    Concept: regularize.dropout.
    """
    shape = (50, 4, 1000)
    n = math.prod(shape)
    mask = reference.dropout_mask(np.random.default_rng(2024), shape, p, dtype=np.float32)
    assert mask.shape == shape and mask.dtype == np.float32
    assert np.all((mask == 0) | (mask == 1))
    kept = int(mask.sum(dtype=np.float64))
    assert abs(kept - n * (1 - p)) <= 6 * math.sqrt(n * p * (1 - p)), (kept, n * (1 - p))


def test_dropout_mask_reproducible_from_the_seed():
    """The same seed gives the same mask; another seed, or the generator's next draw, another one;
    an integer shape means a vector.

    Concept: regularize.dropout.
    """
    a = reference.dropout_mask(np.random.default_rng(7), (8, 16), 0.5)
    b = reference.dropout_mask(np.random.default_rng(7), (8, 16), 0.5)
    assert np.array_equal(a, b)
    rng = np.random.default_rng(7)
    first, second = reference.dropout_mask(rng, (8, 16), 0.5), reference.dropout_mask(rng, (8, 16), 0.5)
    assert np.array_equal(first, a) and not np.array_equal(second, first)
    assert not np.array_equal(reference.dropout_mask(np.random.default_rng(8), (8, 16), 0.5), a)
    assert reference.dropout_mask(np.random.default_rng(7), 5, 0.5).shape == (5,)


@pytest.mark.parametrize("p", (0.5, 0.75, 0.875))
def test_dropout_two_forms_give_the_same_test_time_network(B, p):
    """The expected output of a linear layer after dropout, over all 2^M masks (each with its exact
    probability), equals the test-time network of each form: inverted training gives W x + b with the
    weights unchanged, the slide's form gives ((1 - p) W) x + b with its weights scaled at test time.
    So a network trained with weights V in the slide's form and one with W = (1 - p) V in the inverted
    form are the same network at test time. With 1 - p a power of two and small dyadic data every
    product and sum here is exact in float64, so the equalities are exact.

    Concept: regularize.dropout, regularize.dropout_ensemble.
    """
    rng = np.random.default_rng(5)
    N, M, K = 2, 4, 3
    x = rng.integers(-8, 9, (N, M)) / 4.0
    V = rng.integers(-8, 9, (K, M)) / 8.0                      # the slide-form weights
    b = rng.integers(-4, 5, K) / 2.0
    W = (1 - p) * V                                            # the same network, trained inverted
    exp_inv = np.zeros((N, K))
    exp_slide = np.zeros((N, K))
    for kept in itertools.product((0.0, 1.0), repeat=M):
        m = np.broadcast_to(np.array(kept), (N, M)).copy()
        prob = (1 - p) ** sum(kept) * p ** (M - sum(kept))
        a_inv, _ = B.dropout_forward(x, m, p, inverted=True)
        a_slide, _ = B.dropout_forward(x, m, p, inverted=False)
        exp_inv += prob * (B.to_host(a_inv) @ W.T + b)
        exp_slide += prob * (B.to_host(a_slide) @ V.T + b)
    test_inv = x @ W.T + b                                     # inverted: no change at test time
    test_slide = x @ ((1 - p) * V).T + b                       # the slide: weights times 1 - p
    assert np.array_equal(exp_inv, test_inv)
    assert np.array_equal(exp_slide, test_slide)
    assert np.array_equal(test_inv, test_slide)


def test_dropout_device_arrays_stay_on_the_device(A):
    """Device arrays in give device arrays out (cuda; elsewhere to_device is the identity), equal to the
    host call's results; the penalty's value is a NumPy scalar wherever w is."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 5))
    mask = reference.dropout_mask(rng, x.shape, 0.4)
    a_h, c_h = A.dropout_forward(x, mask, 0.4)
    a_d, c_d = A.dropout_forward(A.to_device(x), A.to_device(mask), 0.4)
    assert type(a_d) is type(A.to_device(x))
    np.testing.assert_array_equal(A.to_host(a_d), a_h)
    (dx_d,) = A.dropout_backward(A.to_device(x), c_d)
    assert type(dx_d) is type(A.to_device(x))
    np.testing.assert_array_equal(A.to_host(dx_d), A.dropout_backward(x, c_h)[0])
    for name in ("l2_penalty", "l1_penalty"):
        v_h, g_h = getattr(A, name)(x, 0.3)
        v_d, g_d = getattr(A, name)(A.to_device(x), 0.3)
        assert isinstance(v_d, np.generic) and v_d == v_h
        assert type(g_d) is type(A.to_device(x))
        np.testing.assert_array_equal(A.to_host(g_d), g_h)


# -- bad input -------------------------------------------------------------------------------------------


X2 = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
M2 = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]])


def _rows(*rows):
    return pytest.mark.parametrize("args, kwargs, prefix", [pytest.param(a, k, p, id=i) for i, a, k, p in rows])


@_rows(
    ("mask-shape", lambda B: (X2, M2[:, :2], 0.5), {}, "mask must have x's shape (2, 3); got (2, 2)"),
    ("mask-broadcast", lambda B: (X2, M2[0], 0.5), {}, "mask must have x's shape (2, 3); got (3,)"),
    ("mask-dtype", lambda B: (X2, M2.astype(np.float32), 0.5), {}, "mask must be float64 like x; got float32"),
    ("mask-int", lambda B: (X2, M2.astype(int), 0.5), {}, "mask must be a float32 or float64 array; got int64"),
    ("mask-values", lambda B: (X2, 2 * M2, 0.5), {}, "mask must hold only 0 and 1; got 2.0 at index (0, 0)"),
    ("mask-nan", lambda B: (X2, np.where(M2 == 0, np.nan, 1.0), 0.5), {},
     "mask must hold only 0 and 1; got nan at index (0, 1)"),
    ("p-one", lambda B: (X2, M2, 1.0), {}, "p must be a number in [0, 1); got 1.0"),
    ("p-negative", lambda B: (X2, M2, -0.1), {}, "p must be a number in [0, 1); got -0.1"),
    ("p-nan", lambda B: (X2, M2, float("nan")), {}, "p must be a number in [0, 1); got nan"),
    ("p-bool", lambda B: (X2, M2, True), {}, "p must be a number in [0, 1); got True"),
    ("inverted", lambda B: (X2, M2, 0.5), {"inverted": 1}, "inverted must be True or False; got 1"),
    ("x-empty", lambda B: (np.zeros((2, 0)), np.zeros((2, 0)), 0.5), {}, "x must not be empty; got (2, 0)"),
    ("x-int", lambda B: (np.ones(3, int), np.ones(3), 0.5), {}, "x must be a float32 or float64 array; got int64"),
)
def test_dropout_forward_bad_input(B, R, args, kwargs, prefix):
    """dropout_forward rejects a mask of another shape (no broadcasting), dtype or values, a rate outside
    [0, 1), a non-boolean form and an empty or integer x, with the reference's message."""
    assert_same_error(B, R, "dropout_forward", args, kwargs, prefix)


@_rows(
    ("shape", lambda B: (np.ones((3, 2)), B.dropout_forward(X2, M2, 0.5)[1]), {},
     "dout must be (2, 3) like the forward's output; got (3, 2)"),
    ("dtype", lambda B: (np.ones((2, 3), np.float32), B.dropout_forward(X2, M2, 0.5)[1]), {},
     "dout must be float64 like the forward's output; got float32"),
    ("none", lambda B: (None, B.dropout_forward(X2, M2, 0.5)[1]), {}, "dout must be an array; got None"),
)
def test_dropout_backward_bad_input(B, R, args, kwargs, prefix):
    """dropout_backward rejects an upstream gradient unlike the forward's output with the reference's message."""
    assert_same_error(B, R, "dropout_backward", args, kwargs, prefix)


PENALTY_BAD = _rows(
    ("lam-negative", lambda B: (X2, -0.5), {}, "lam must be a number >= 0; got -0.5"),
    ("lam-nan", lambda B: (X2, float("nan")), {}, "lam must be a number >= 0; got nan"),
    ("lam-inf", lambda B: (X2, float("inf")), {}, "lam must be a number >= 0; got inf"),
    ("lam-str", lambda B: (X2, "0.1"), {}, "lam must be a number >= 0; got '0.1'"),
    ("w-empty", lambda B: (np.zeros(0), 0.1), {}, "w must not be empty; got (0,)"),
    ("w-int", lambda B: (np.ones(3, int), 0.1), {}, "w must be a float32 or float64 array; got int64"),
)


@PENALTY_BAD
def test_l2_penalty_bad_input(B, R, args, kwargs, prefix):
    """l2_penalty rejects a negative or non-finite lam and an empty or integer w with the reference's message."""
    assert_same_error(B, R, "l2_penalty", args, kwargs, prefix)


@PENALTY_BAD
def test_l1_penalty_bad_input(B, R, args, kwargs, prefix):
    """l1_penalty rejects a negative or non-finite lam and an empty or integer w with the reference's message."""
    assert_same_error(B, R, "l1_penalty", args, kwargs, prefix)


@pytest.mark.parametrize("args, message", [
    ((np.random.RandomState(0), (2, 3), 0.5), "rng must be a numpy.random.Generator"),
    ((0, (2, 3), 0.5), "rng must be a numpy.random.Generator"),
    ((np.random.default_rng(0), (2, 0), 0.5), "shape must be an integer or a tuple of integers >= 1; got (2, 0)"),
    ((np.random.default_rng(0), (2, True), 0.5), "shape must be an integer or a tuple of integers >= 1"),
    ((np.random.default_rng(0), (2.0, 3), 0.5), "shape must be an integer or a tuple of integers >= 1"),
    ((np.random.default_rng(0), (2, 3), 1.0), "p must be a number in [0, 1); got 1.0"),
    ((np.random.default_rng(0), (2, 3), -0.5), "p must be a number in [0, 1); got -0.5"),
], ids=["RandomState", "int-seed", "empty", "bool-dim", "float-dim", "p-one", "p-negative"])
def test_dropout_mask_bad_input(args, message):
    """dropout_mask takes only an explicit Generator, a non-empty integer shape and p in [0, 1)."""
    assert error_of(reference.dropout_mask, *args).startswith(f"dropout_mask: {message}")


def test_dropout_mask_bad_dtype():
    """dropout_mask makes float32 or float64 masks only (the dtypes of the activations)."""
    assert error_of(reference.dropout_mask, np.random.default_rng(0), 3, 0.5, dtype=np.int32) == \
        "dropout_mask: dtype must be float32 or float64; got int32"
