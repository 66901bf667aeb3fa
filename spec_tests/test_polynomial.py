"""The polynomial model y = b + sum_i w_i x^i (``reference.polynomial``)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference
from reference.gradcheck import numeric_gradient

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, assert_same_error, call_pure

FD_RTOL = 1e-7
#: The slide's degrees are 1, 3 and 5; the draws take every degree up to 5.
MAX_DEGREE = 5


@st.composite
def polynomial_case(draw, max_size, dtype=None, lim=2.0, max_degree=MAX_DEGREE, layout=None):
    """(x, w, b, dy): x (N,) in [-lim, lim], w (K,) with K in 1..max_degree, b a scalar in one of its forms, dy (N,)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N, K = draw(S.dims(max_size)), draw(st.integers(1, max_degree))
    x = draw(S.arrays(dtype, (N,), lim, layout=layout))
    w = draw(S.arrays(dtype, (K,), 4.0, layout=layout))
    b = draw(S.values(dtype, 4.0))
    b = draw(st.sampled_from([np.asarray(b, dtype=dtype), dtype.type(b), float(dtype.type(b))]))
    dy = draw(S.arrays(dtype, (N,), 2.0, layout=layout))
    return x, w, b, dy


def test_polynomial_forward_matches_reference(A, R):
    """polynomial_forward agrees with the reference within the (K+1)-term sum's bound, the powers' own
    errors ((gamma_{i-1} + 8u)|x|^i, pow or repeated products) carried through, twice."""
    @S.for_backend(A)
    @given(case=polynomial_case(S.max_dim(A)))
    def check(case):
        x, w, b, _ = case
        got, _ = A.polynomial_forward(x, w, b)
        want, _ = R.polynomial_forward(x, w, b)
        T.assert_close(f"{A.name}.polynomial_forward", got, want,
                       T.polynomial_forward(x, w, np.asarray(b, x.dtype)))
    check()


def test_polynomial_backward_matches_reference(A, R):
    """polynomial_backward's (dx, dw, db) agree with the reference within the derivative polynomial's,
    the N-term dot's with the powers and the N-term sum's bounds."""
    @S.for_backend(A)
    @given(case=polynomial_case(S.max_dim(A)))
    def check(case):
        x, w, b, dy = case
        got = A.polynomial_backward(dy, A.polynomial_forward(x, w, b)[1])
        want = R.polynomial_backward(dy, R.polynomial_forward(x, w, b)[1])
        bounds = T.polynomial_backward(dy, x, w)
        for label, g, r, bd in zip(("dx", "dw", "db"), got, want, bounds):
            T.assert_close(f"{A.name}.polynomial_backward {label}", g, r, bd)
    check()


def test_polynomial_backward_finite_differences():
    """polynomial_backward equals the central differences of sum(dy * polynomial_forward(x, w, b)).

    In x, w and b; float64; relative error < 1e-7, scale: the larger gradient or 1.

    Concept: backprop.numeric, model.polynomial.
    """
    @given(case=polynomial_case(4, dtype=np.float64, lim=1.5, layout="C"))
    def check(case):
        x, w, b, dy = case
        b = np.asarray(b, dtype=np.float64)
        dx, dw, db = reference.polynomial_backward(dy, reference.polynomial_forward(x, w, b)[1])
        loss = lambda x_, w_, b_: np.sum(dy * reference.polynomial_forward(x_, w_, b_)[0])
        numeric = (numeric_gradient(lambda t: loss(t, w, b), x),
                   numeric_gradient(lambda t: loss(x, t, b), w),
                   numeric_gradient(lambda t: loss(x, w, t), b))
        for analytic, num in zip((dx, dw, db), numeric):
            scale = max(np.abs(analytic).max(), np.abs(num).max(), 1.0)
            assert np.abs(analytic - num).max() / scale < FD_RTOL
    check()


def test_polynomial_forward_by_hand(B):
    """y = 1 + 2x - x^2 + 0.5x^3 at x = 0, 1, -2, 3: 1, 2.5, -11, 11.5 (exact in both dtypes); and the
    gradients at dy = 1: dx = 2 - 2x + 1.5x^2, dw = (sum x, sum x^2, sum x^3), db = N."""
    for dtype in S.DTYPES:
        x = np.array([0.0, 1.0, -2.0, 3.0], dtype=dtype)
        w = np.array([2.0, -1.0, 0.5], dtype=dtype)
        y, cache = B.polynomial_forward(x, w, 1.0)
        np.testing.assert_array_equal(y, np.array([1.0, 2.5, -11.0, 11.5], dtype=dtype))
        dx, dw, db = B.polynomial_backward(np.ones(4, dtype=dtype), cache)
        np.testing.assert_array_equal(dx, np.array([2.0, 1.5, 12.0, 9.5], dtype=dtype))
        np.testing.assert_array_equal(dw, np.array([2.0, 14.0, 20.0], dtype=dtype))
        assert db == 4.0


def test_polynomial_degree_1_is_the_linear_model(B):
    """Degree 1 is linear_forward on the one feature x[:, None] (within the linear bound, twice), and
    its gradients are linear_backward's (dx the single column)."""
    @S.for_backend(B)
    @given(case=polynomial_case(S.max_dim(B), max_degree=1, lim=4.0))
    def check(case):
        x, w, b, dy = case
        got, pc = B.polynomial_forward(x, w, b)
        want, lc = B.linear_forward(x[:, None], w, b)
        T.assert_close(f"{B.name}: degree-1 polynomial vs linear_forward", got, want,
                       T.linear_forward(x[:, None], w, np.asarray(b, x.dtype)))
        pg = B.polynomial_backward(dy, pc)
        lg = B.linear_backward(dy, lc)
        bounds = T.linear_backward(dy, x[:, None], w)
        T.assert_close(f"{B.name}: degree-1 dx", pg[0], lg[0][:, 0], bounds[0][:, 0])
        T.assert_close(f"{B.name}: degree-1 dw", pg[1], lg[1], bounds[1])
        T.assert_close(f"{B.name}: degree-1 db", pg[2], lg[2], bounds[2])
    check()


def test_polynomial_forward_backward_pure_and_dtype(B):
    """polynomial_forward/backward keep the dtype (db a NumPy scalar), return (dx, dw, db) of shapes
    (N,), (K,), (), and change no input (a strided x included)."""
    for dtype in S.DTYPES:
        x = np.linspace(-1, 1, 10, dtype=dtype)[::2]              # (5,), a strided view
        w = np.array([1.0, -2.0, 0.5, 3.0, 9.0], dtype=dtype)[::-1]
        y, cache = call_pure(B, "polynomial_forward", x, w, np.asarray(0.25, dtype=dtype))
        assert_dtype("polynomial_forward", y, dtype)
        assert y.shape == (5,)
        grads = call_pure(B, "polynomial_backward", np.arange(10, dtype=dtype)[::2], cache)
        assert isinstance(grads, tuple) and len(grads) == 3
        assert_dtype("polynomial_backward", grads, dtype)
        assert [np.shape(g) for g in grads] == [(5,), (5,), ()]
        assert isinstance(grads[2], np.generic), "db must be a NumPy scalar"


X1 = np.array([0.5, -1.0, 2.0])
W3 = np.array([1.0, 0.0, -2.0])


@pytest.mark.parametrize("args, prefix", [
    pytest.param(lambda B: (X1[:, None], W3, 0.0), "x must be (N,); got (3, 1)", id="x-column"),
    pytest.param(lambda B: (X1, W3[None, :], 0.0), "w must be (K,); got (1, 3)", id="w-matrix"),
    pytest.param(lambda B: (X1, np.zeros(0), 0.0), "w must not be empty; got (0,)", id="degree-0"),
    pytest.param(lambda B: (np.zeros(0), W3, 0.0), "x must not be empty; got (0,)", id="empty-x"),
    pytest.param(lambda B: (X1, W3, np.zeros(1)), "b must be a scalar (); got (1,)", id="b-vector"),
    pytest.param(lambda B: (X1, W3.astype(np.float32), 0.0), "w must be float64 like x; got float32",
                 id="mixed-dtype"),
    pytest.param(lambda B: (np.arange(3), W3, 0.0), "x must be a float32 or float64 array; got int64", id="int"),
    pytest.param(lambda B: (None, W3, 0.0), "x must be an array; got None", id="none"),
])
def test_polynomial_forward_bad_input(B, R, args, prefix):
    """polynomial_forward rejects an (N, 1) x, a non-vector or empty w, a non-scalar b, mixed or int dtypes."""
    assert_same_error(B, R, "polynomial_forward", args, {}, prefix)


@pytest.mark.parametrize("args, prefix", [
    pytest.param(lambda B: (np.ones(4), B.polynomial_forward(X1, W3, 0.0)[1]),
                 "dy must be (3,) like the forward's output; got (4,)", id="length"),
    pytest.param(lambda B: (np.ones((3, 1)), B.polynomial_forward(X1, W3, 0.0)[1]),
                 "dy must be (3,) like the forward's output; got (3, 1)", id="rank"),
    pytest.param(lambda B: (np.ones(3, np.float32), B.polynomial_forward(X1, W3, 0.0)[1]),
                 "dy must be float64 like the forward's output; got float32", id="mixed-dtype"),
    pytest.param(lambda B: (None, B.polynomial_forward(X1, W3, 0.0)[1]), "dy must be an array; got None",
                 id="none"),
])
def test_polynomial_backward_bad_input(B, R, args, prefix):
    """polynomial_backward rejects an upstream gradient of the wrong shape or dtype with the reference's message."""
    assert_same_error(B, R, "polynomial_backward", args, {}, prefix)
