"""The linear model y = b + sum_j w_j x_j (``reference.linear``)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import reference
from reference.gradcheck import numeric_gradient

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, call_pure

FD_RTOL = 1e-7


@st.composite
def linear_case(draw, max_size, dtype=None, lim=4.0, layout=None):
    """(x, w, b, dy): x (N, D), w (D,), b a scalar in one of its three accepted forms, dy (N,)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N, D = draw(S.dims(max_size)), draw(S.dims(max_size))
    x = draw(S.arrays(dtype, (N, D), lim, layout=layout))
    w = draw(S.arrays(dtype, (D,), lim, layout=layout))
    b = draw(S.values(dtype, lim))
    b = draw(st.sampled_from([np.asarray(b, dtype=dtype), dtype.type(b), float(dtype.type(b))]))
    dy = draw(S.arrays(dtype, (N,), 2.0, layout=layout))
    return x, w, b, dy


def test_linear_forward_matches_reference(A, R):
    """linear_forward agrees with the reference within gamma_{D+1} (|b| + |x| @ |w|), twice."""
    @S.for_backend(A)
    @given(case=linear_case(S.max_dim(A)))
    def check(case):
        x, w, b, _ = case
        got, _ = A.linear_forward(x, w, b)
        want, _ = R.linear_forward(x, w, b)
        T.assert_close(f"{A.name}.linear_forward", got, want, T.linear_forward(x, w, np.asarray(b, x.dtype)))
    check()


def test_linear_backward_matches_reference(A, R):
    """linear_backward's (dx, dw, db) agree with the reference within one product, N-term dot and N-term sum."""
    @S.for_backend(A)
    @given(case=linear_case(S.max_dim(A)))
    def check(case):
        x, w, b, dy = case
        got = A.linear_backward(dy, A.linear_forward(x, w, b)[1])
        want = R.linear_backward(dy, R.linear_forward(x, w, b)[1])
        bounds = T.linear_backward(dy, x, w)
        for label, g, r, bd in zip(("dx", "dw", "db"), got, want, bounds):
            T.assert_close(f"{A.name}.linear_backward {label}", g, r, bd)
    check()


def test_linear_backward_finite_differences():
    """linear_backward equals the central differences of sum(dy * linear_forward(x, w, b)).

    In x, w and b; float64; relative error < 1e-7, scale: the larger gradient or 1.

    Concept: backprop.numeric, model.linear.
    """
    @given(case=linear_case(4, dtype=np.float64, lim=2.0, layout="C"))
    def check(case):
        x, w, b, dy = case
        b = np.asarray(b, dtype=np.float64)
        dx, dw, db = reference.linear_backward(dy, reference.linear_forward(x, w, b)[1])
        loss = lambda x_, w_, b_: np.sum(dy * reference.linear_forward(x_, w_, b_)[0])
        numeric = (numeric_gradient(lambda t: loss(t, w, b), x),
                   numeric_gradient(lambda t: loss(x, t, b), w),
                   numeric_gradient(lambda t: loss(x, w, t), b))
        for analytic, num in zip((dx, dw, db), numeric):
            scale = max(np.abs(analytic).max(), np.abs(num).max(), 1.0)
            assert np.abs(analytic - num).max() / scale < FD_RTOL
    check()


def test_linear_forward_scalar_b_forms(B):
    """linear_forward takes b as a 0-d array, a NumPy scalar or a Python number, with the same result."""
    for dtype in S.DTYPES:
        x = np.arange(6, dtype=dtype).reshape(3, 2)
        w = np.array([0.5, -2.0], dtype=dtype)
        outs = [B.linear_forward(x, w, b)[0] for b in (np.asarray(1.5, dtype=dtype), dtype.type(1.5), 1.5)]
        for out in outs:
            assert out.dtype == dtype
            np.testing.assert_array_equal(out, outs[0])
        np.testing.assert_array_equal(outs[0], np.array([-0.5, -3.5, -6.5], dtype=dtype))


def test_linear_forward_linear_backward_pure_and_dtype(B):
    """linear_forward/backward keep the dtype (db a NumPy scalar), return (dx, dw, db), change no input."""
    for dtype in S.DTYPES:
        x = np.linspace(-1, 1, 12, dtype=dtype).reshape(3, 4).T     # (4, 3), a transposed view
        w = np.array([1.0, -2.0, 0.5, 3.0, 9.0, 9.0], dtype=dtype)[:3]
        b = np.asarray(0.25, dtype=dtype)
        y, cache = call_pure(B, "linear_forward", x, w, b)
        assert_dtype("linear_forward", y, dtype)
        assert y.shape == (4,)
        dy = np.arange(8, dtype=dtype)[::2]
        grads = call_pure(B, "linear_backward", dy, cache)
        assert isinstance(grads, tuple) and len(grads) == 3
        assert_dtype("linear_backward", grads, dtype)
        assert [np.shape(g) for g in grads] == [(4, 3), (3,), ()]
        assert isinstance(grads[2], np.generic), "db must be a NumPy scalar"
