"""Losses: MSE, MAE, the loss surface, cross entropy plain and fused with the softmax (``reference.losses``)."""

import math
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

FD_RTOL = 1e-7
FD_KINK_GAP = 1e-3


@st.composite
def loss_case(draw, max_size, dtype=None, lim=100.0, layout=None):
    """(y, y_hat, reduction): two arrays of one drawn shape (rank 0 to 2)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    rank = draw(st.integers(0, 2))
    shape = tuple(draw(S.dims(max_size)) for _ in range(rank))
    y = draw(S.arrays(dtype, shape, lim, layout=layout))
    y_hat = draw(S.arrays(dtype, shape, lim, layout=layout))
    return y, y_hat, draw(st.sampled_from(["mean", "sum"]))


def _compare(A, R, name, case):
    y, y_hat, reduction = case
    L, g = getattr(A, name)(y, y_hat, reduction=reduction)
    L_ref, g_ref = getattr(R, name)(y, y_hat, reduction=reduction)
    L_bound, g_bound = getattr(T, name)(y, y_hat, reduction)
    assert isinstance(L, np.generic), f"{A.name}.{name}: L must be a NumPy scalar; got {type(L).__name__}"
    T.assert_close(f"{A.name}.{name} L", L, L_ref, L_bound)
    T.assert_close(f"{A.name}.{name} dL/dy", g, g_ref, g_bound)


def test_mse_matches_reference(A, R):
    """mse's (L, dL/dy) agree with the reference within an N-term sum of squared residuals, both reductions."""
    @S.for_backend(A)
    @given(case=loss_case(S.max_dim(A)))
    def check(case):
        _compare(A, R, "mse", case)
    check()


def test_mae_matches_reference(A, R):
    """mae's (L, dL/dy) agree with the reference within an N-term sum of |residuals| (the sign is exact)."""
    @S.for_backend(A)
    @given(case=loss_case(S.max_dim(A)))
    def check(case):
        _compare(A, R, "mae", case)
    check()


def _fd(name, y, y_hat, reduction):
    fn = getattr(reference, name)
    _, g = fn(y, y_hat, reduction=reduction)
    numeric = numeric_gradient(lambda t: fn(t, y_hat, reduction=reduction)[0], y)
    scale = max(np.abs(g).max(), np.abs(numeric).max(), 1.0)
    assert np.abs(g - numeric).max() / scale < FD_RTOL


def test_mse_gradient_finite_differences():
    """mse's dL/dy equals the central difference of L in float64, both reductions.

    Relative error < 1e-7, scale: the larger gradient or 1.

    Concept: backprop.numeric, loss.mse.
    """
    @given(case=loss_case(5, dtype=np.float64, lim=3.0, layout="C"))
    def check(case):
        _fd("mse", *case)
    check()


def test_mae_gradient_finite_differences():
    """mae's dL/dy equals the central difference of L in float64 away from the kink.

    |y - y_hat| > 1e-3; relative error < 1e-7, scale: the larger gradient or 1.

    Concept: backprop.numeric, loss.mae.
    """
    @given(case=loss_case(5, dtype=np.float64, lim=3.0, layout="C"))
    def check(case):
        y, y_hat, _ = case
        assume(np.all(np.abs(y - y_hat) > FD_KINK_GAP))
        _fd("mae", *case)
    check()


def test_mse_nonnegative_and_zero_only_at_equality(B):
    """mse(y, y_hat) >= 0, and = 0 exactly when y == y_hat (with a zero gradient there).

    Concept: loss.mse.
    """
    @S.for_backend(B)
    @given(case=loss_case(S.max_dim(B), lim=1e3))
    def check(case):
        y, y_hat, reduction = case
        L, _ = B.mse(y, y_hat, reduction=reduction)
        assert L >= 0
        assert (L == 0) == bool(np.all(y == y_hat))
        L0, g0 = B.mse(y, np.array(y, copy=True), reduction=reduction)
        assert L0 == 0 and np.all(g0 == 0)
    check()


def test_mae_nonnegative_and_zero_only_at_equality(B):
    """mae(y, y_hat) >= 0, and = 0 exactly when y == y_hat (with the subgradient 0 there).

    Concept: loss.mae.
    """
    @S.for_backend(B)
    @given(case=loss_case(S.max_dim(B), lim=1e3))
    def check(case):
        y, y_hat, reduction = case
        L, _ = B.mae(y, y_hat, reduction=reduction)
        assert L >= 0
        assert (L == 0) == bool(np.all(y == y_hat))
        L0, g0 = B.mae(y, np.array(y, copy=True), reduction=reduction)
        assert L0 == 0 and np.all(g0 == 0)
    check()


def test_mse_sum_is_n_times_mean(B):
    """mse with reduction="sum" (001's form) is N times the mean (000's form), within rounding.

    Concept: loss.mse, loss.total.
    """
    y = np.array([1.0, 2.0, 4.0, -1.0, 0.5])
    y_hat = np.array([0.0, 2.5, 3.0, 1.0, 0.5])
    for dtype in S.DTYPES:
        L_mean, g_mean = B.mse(y.astype(dtype), y_hat.astype(dtype))
        L_sum, g_sum = B.mse(y.astype(dtype), y_hat.astype(dtype), reduction="sum")
        assert L_sum == dtype.type(1 + 0.25 + 1 + 4 + 0) and L_mean == dtype.type(6.25 / 5)
        np.testing.assert_allclose(g_sum, 5 * g_mean, rtol=4 * T.u_of(dtype))


def test_mae_worked_values(B):
    """mae of a small hand-computed case: |1-0| + |2-2.5| + |4-3| + |-1-1| = 4.5, mean 0.9; gradient sign/N."""
    y = np.array([1.0, 2.0, 4.0, -1.0, 0.5])
    y_hat = np.array([0.0, 2.5, 3.0, 1.0, 0.5])
    for dtype in S.DTYPES:
        L, g = B.mae(y.astype(dtype), y_hat.astype(dtype))
        assert L == dtype.type(0.9)
        np.testing.assert_array_equal(g, np.array([1, -1, 1, -1, 0], dtype=dtype) / dtype.type(5))


@st.composite
def surface_case(draw, max_size):
    dtype = draw(S.dtypes())
    N = draw(S.dims(max_size))
    x1 = draw(S.arrays(dtype, (N,), 10.0))
    y_hat = draw(S.arrays(dtype, (N,), 10.0))
    w_grid = draw(S.arrays(dtype, (draw(S.dims(max_size)),), 3.0))
    b_grid = draw(S.arrays(dtype, (draw(S.dims(max_size)),), 3.0))
    return x1, y_hat, w_grid, b_grid, draw(st.sampled_from(["mse", "mae"]))


def test_loss_surface_matches_reference(A, R):
    """loss_surface agrees with the reference cell by cell within the mse/mae bound of y = b + w x1."""
    @S.for_backend(A)
    @given(case=surface_case(S.max_dim(A, 6)))
    def check(case):
        got = A.loss_surface(*case[:4], loss=case[4])
        want = R.loss_surface(*case[:4], loss=case[4])
        T.assert_close(f"{A.name}.loss_surface", got, want, T.loss_surface(*case))
    check()


def test_loss_surface_equals_loss_of_each_cell(B):
    """loss_surface[i, j] is the mse/mae of y = b_grid[i] + w_grid[j] x1 (the layout contour() expects)."""
    x1 = np.array([1.0, 2.0, 3.0, 5.0])
    y_hat = np.array([2.0, 2.5, 4.0, 7.0])
    w_grid = np.array([0.0, 0.5, 1.0])
    b_grid = np.array([-1.0, 0.0, 1.0, 2.0])
    for dtype in S.DTYPES:
        for loss in ("mse", "mae"):
            L = B.loss_surface(x1.astype(dtype), y_hat.astype(dtype), w_grid.astype(dtype),
                               b_grid.astype(dtype), loss=loss)
            assert L.shape == (4, 3) and L.dtype == dtype
            for i, b in enumerate(b_grid):
                for j, w in enumerate(w_grid):
                    want, _ = getattr(reference, loss)((b + w * x1).astype(dtype), y_hat.astype(dtype))
                    assert abs(float(L[i, j]) - float(want)) <= 8 * T.u_of(dtype) * abs(float(want))


def test_mse_mae_loss_surface_pure_and_dtype(B):
    """mse, mae and loss_surface keep the dtype (L a NumPy scalar), keep dL/dy's shape, change no input."""
    for dtype in S.DTYPES:
        y = np.linspace(-2, 2, 10, dtype=dtype)[::2]
        y_hat = np.linspace(0, 1, 5, dtype=dtype)[::-1]
        for name in ("mse", "mae"):
            L, g = call_pure(B, name, y, y_hat)
            assert isinstance(L, np.generic)
            assert_dtype(name, (L, g), dtype)
            assert g.shape == y.shape
        surface = call_pure(B, "loss_surface", y, y_hat, y[:3], y_hat[:2])
        assert_dtype("loss_surface", surface, dtype)
        assert surface.shape == (2, 3)


def test_loss_surface_minimum_at_closed_form(B):
    """loss_surface's smallest cell on a grid around closed_form's (w*, b*) is the centre.

    The slide's 2021 views (x1 = the day before), a 21 x 21 grid; the centre's value is the MSE there (000 / 004:
    the error surface's lowest point is the least-squares fit). The grid steps (1e-3 and 5 views in float64,
    10x that in float32) make every other cell higher by more than the tolerance, which is checked.

    Concept: loss.surface, opt.closed_form.
    """
    from reference.data import load_views

    views = load_views(2021)["views"]
    x1, y_hat = views[:-1], views[1:]
    for dtype, dw, db in ((np.float64, 1e-3, 5.0), (np.float32, 1e-2, 50.0)):
        w_star, b_star = reference.closed_form(x1[:, None], y_hat)           # float64 optimum
        k = np.arange(-10, 11)
        w_grid = (w_star[0] + k * dw).astype(dtype)
        b_grid = (b_star + k * db).astype(dtype)
        L = B.loss_surface(x1.astype(dtype), y_hat.astype(dtype), w_grid, b_grid)
        bound = T.loss_surface(x1.astype(dtype), y_hat.astype(dtype), w_grid, b_grid)
        # the exact surface, in float64 from the grid actually used: the centre must win by a margin
        exact = np.array([[np.mean((b + w * x1 - y_hat) ** 2) for w in w_grid.astype(float)]
                          for b in b_grid.astype(float)])
        others = np.delete(exact.ravel(), exact.size // 2)
        assert others.min() - exact[10, 10] > 2 * bound.tol.max(), "the grid is too fine for this dtype"
        assert np.unravel_index(np.argmin(L), L.shape) == (10, 10)
        assert abs(float(L[10, 10]) - exact[10, 10]) <= bound.tol[10, 10]


# == lecture 2: cross entropy, plain and fused with the softmax =========================================
@st.composite
def targets(draw, dtype, N, K, one_hot=None):
    """y_hat (N, K): one-hot rows, or any distributions (zeros included), or any non-negative weights."""
    kind = draw(st.sampled_from(["one_hot", "distribution", "weights"])) if one_hot is None else \
        ("one_hot" if one_hot else "distribution")
    if kind == "one_hot":
        labels = draw(st.lists(st.integers(0, K - 1), min_size=N, max_size=N))
        return np.eye(K, dtype=dtype)[labels]
    w = draw(S.arrays(np.float64, (N, K), layout="C", elements=st.sampled_from([0.0, 0.0, 0.25, 0.5, 1.0, 3.0])))
    if kind == "distribution":
        w[:, 0] += (w.sum(axis=1) == 0)                       # no empty row
        w = w / w.sum(axis=1, keepdims=True)
    return w.astype(dtype)


@st.composite
def ce_case(draw, max_size, dtype=None, lim=10.0, one_hot=None, layout=None):
    """(z, y_hat, reduction): scores z (N, K) and targets; y = softmax(z) gives the plain form's probabilities."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N, K = draw(S.dims(max_size)), draw(S.dims(max_size))
    z = draw(S.arrays(dtype, (N, K), lim, layout=layout))
    y_hat = draw(targets(dtype, N, K, one_hot))
    return z, y_hat, draw(st.sampled_from(["mean", "sum"]))


def _probabilities(z):
    """softmax(z) computed in float64 and rounded to z's dtype: exact data for the plain cross entropy."""
    return T.softmax_forward(z.astype(np.float64)).v.astype(z.dtype)


def test_cross_entropy_matches_reference(A, R):
    """cross_entropy's (L, dL/dy) agree with the reference within the bound of a log per term and an NK-term sum.

    dL/dy: one division and one by N. y rows of a softmax, targets one-hot, distributions or weights.
    """
    @S.for_backend(A)
    @given(case=ce_case(S.max_dim(A)))
    def check(case):
        z, y_hat, reduction = case
        y = _probabilities(z)
        assume(np.all(y[y_hat != 0] > 0))
        _compare(A, R, "cross_entropy", (y, y_hat, reduction))
    check()


def test_softmax_cross_entropy_matches_reference(A, R):
    """softmax_cross_entropy's (L, dL/dz) agree with the reference within the log-sum-exp bound."""
    @S.for_backend(A)
    @given(case=ce_case(S.max_dim(A), lim=30.0))
    def check(case):
        _compare(A, R, "softmax_cross_entropy", case)
    check()


def test_cross_entropy_gradient_finite_differences():
    """cross_entropy's dL/dy equals the central difference of L in float64, both reductions.

    y drawn in [0.05, 1] (not normalised: the formula holds for any positive y); relative error < 1e-7
    (scale: the larger gradient or 1).

    Concept: backprop.numeric, loss.cross_entropy.
    """
    @given(case=ce_case(4, dtype=np.float64), data=st.data())
    def check(case, data):
        z, y_hat, reduction = case
        y = data.draw(S.arrays(np.float64, z.shape, layout="C", elements=st.floats(0.05, 1.0)))
        _fd("cross_entropy", y, y_hat, reduction)
    check()


def test_softmax_cross_entropy_gradient_finite_differences():
    """softmax_cross_entropy's dL/dz equals the central difference of L in float64, both reductions, any targets.

    Relative error < 1e-7 (scale: the larger gradient or 1).

    Concept: backprop.numeric, loss.cross_entropy.
    """
    @given(case=ce_case(4, dtype=np.float64, lim=5.0, layout="C"))
    def check(case):
        _fd("softmax_cross_entropy", *case)
    check()


def test_softmax_cross_entropy_one_hot_gradient_is_p_minus_y_hat(B):
    """For one-hot targets dL/dz = (softmax(z) - y_hat) / N ("mean") or softmax(z) - y_hat ("sum").

    Within both sides' bounds (the softmax's and the fused gradient's), both dtypes, on every backend.

    Concept: loss.cross_entropy, model.softmax.
    """
    @S.for_backend(B)
    @given(case=ce_case(S.max_dim(B), one_hot=True))
    def check(case):
        z, y_hat, reduction = case
        _, g = B.softmax_cross_entropy(z, y_hat, reduction=reduction)
        p, _ = B.softmax_forward(z)
        n = z.shape[0] if reduction == "mean" else 1
        want = (p.astype(np.float64) - y_hat) / n
        bound = T.softmax_cross_entropy(z, y_hat, reduction)[1].e + T.softmax_forward(z).e / n \
            + 2 * T.u_of(z.dtype) * np.abs(want)
        assert np.all(np.abs(g - want) <= bound)
    check()


def test_softmax_cross_entropy_equals_cross_entropy_of_softmax(B):
    """softmax_cross_entropy(z) = cross_entropy(softmax(z)) wherever the plain form is finite (003 "Choosing Proper Loss").

    The plain form's bound carries the softmax's error through the log (1/y per unit of error); the gradients
    agree through the chain rule: softmax_backward(dL/dy) = dL/dz.

    Concept: loss.cross_entropy, model.softmax.
    """
    @S.for_backend(B)
    @given(case=ce_case(S.max_dim(B), lim=8.0))
    def check(case):
        z, y_hat, reduction = case
        y, cache = B.softmax_forward(z)
        assume(np.all(y[y_hat != 0] > 0))
        L_plain, g_plain = B.cross_entropy(y, y_hat, reduction=reduction)
        L_fused, g_fused = B.softmax_cross_entropy(z, y_hat, reduction=reduction)
        y_bound = T.softmax_forward(z)
        try:
            L_bound, g_bound = T.cross_entropy(y_bound, y_hat, reduction)
        except T.Ambiguous:
            assume(False)
        assert abs(float(L_plain) - float(L_fused)) <= L_bound.e + T.softmax_cross_entropy(z, y_hat, reduction)[0].e
        # the chain rule: softmax_backward of the plain gradient is the fused one (bound: the plain chain's own)
        (dz,) = B.softmax_backward(g_plain, cache)
        chain = T.softmax_grad(g_bound, y_bound)
        fused_bound = T.softmax_cross_entropy(z, y_hat, reduction)[1]
        assert np.all(np.abs(dz.astype(np.float64) - g_fused) <= chain.e + fused_bound.e)
    check()


def test_softmax_cross_entropy_finite_where_plain_form_overflows(B):
    """softmax_cross_entropy stays finite where softmax rounds a target's probability to 0.

    z = [1000, -1000] with target class 1: softmax gives exactly [1, 0], so the plain form would take ln 0; the
    fused loss is lse - z_1 = 1000 - (-1000) = 2000 exactly and its gradient (p - y_hat) / N = [1, -1] / N.
    No warning, both dtypes, both reductions.

    Concept: loss.cross_entropy, model.softmax.
    """
    for dtype in S.DTYPES:
        z = np.array([[1000.0, -1000.0], [1000.0, -1000.0]], dtype=dtype)
        y_hat = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
        p, _ = B.softmax_forward(z)
        assert p[0, 1] == 0                                          # the plain form's ln y would be -inf
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            L, g = B.softmax_cross_entropy(z, y_hat)
            L_sum, g_sum = B.softmax_cross_entropy(z, y_hat, reduction="sum")
        assert L == dtype.type(1000) and L_sum == dtype.type(2000)   # (2000 + 0) / 2
        np.testing.assert_array_equal(g, np.array([[0.5, -0.5], [0.0, 0.0]], dtype=dtype))
        np.testing.assert_array_equal(g_sum, np.array([[1.0, -1.0], [0.0, 0.0]], dtype=dtype))


def test_cross_entropy_zero_targets_count_zero(B):
    """cross_entropy: a term with y_hat = 0 counts 0, even where y = 0 (0 ln 0 = 0), and its gradient is 0.

    The slide's C = -sum_i y_hat_i ln y_i on a one-hot target is -ln y of the right class.

    Concept: loss.cross_entropy.
    """
    for dtype in S.DTYPES:
        y = np.array([[0.5, 0.5, 0.0], [0.25, 0.0, 0.75]], dtype=dtype)
        y_hat = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            L, g = B.cross_entropy(y, y_hat, reduction="sum")
        want = -np.log(0.5) - np.log(0.75)
        bound = T.cross_entropy(y, y_hat, "sum")
        assert np.isfinite(L) and abs(float(L) - want) <= bound[0].tol
        np.testing.assert_array_equal(g == 0, y_hat == 0)
        assert np.all(np.abs(g - np.where(y_hat != 0, -1 / np.where(y_hat != 0, y, 1.0), 0)) <= bound[1].tol)


@pytest.mark.parametrize("name", ["cross_entropy", "softmax_cross_entropy"])
def test_cross_entropy_sum_is_n_times_mean_and_total_of_examples(B, name):
    """reduction="sum" is N times "mean", and the sum of the per-example losses l^n (the slides' total loss).

    Each within the bounds of the values compared (each per-example loss computed by the backend on its own row);
    the gradients likewise, "sum"'s = N x "mean"'s.

    Concept: loss.total, loss.cross_entropy.
    """
    @S.for_backend(B)
    @given(case=ce_case(S.max_dim(B), lim=8.0))
    def check(case):
        z, y_hat, _ = case
        x = _probabilities(z) if name == "cross_entropy" else z
        assume(name != "cross_entropy" or np.all(x[y_hat != 0] > 0))
        fn, bound = getattr(B, name), getattr(T, name)
        N = z.shape[0]
        L_mean, g_mean = fn(x, y_hat)
        L_sum, g_sum = fn(x, y_hat, reduction="sum")
        (Lb_mean, gb_mean), (Lb_sum, gb_sum) = bound(x, y_hat, "mean"), bound(x, y_hat, "sum")
        u64 = T.u_of(np.float64)                                     # the test's own float64 products and sums
        own = 2 * u64 * (N * abs(float(L_mean)) + abs(float(L_sum)))
        assert abs(float(L_sum) - N * float(L_mean)) <= Lb_sum.e + N * Lb_mean.e + own
        g_own = 2 * u64 * (N * np.abs(g_mean.astype(np.float64)) + np.abs(g_sum.astype(np.float64)))
        assert np.all(np.abs(g_sum.astype(np.float64) - N * g_mean.astype(np.float64))
                      <= gb_sum.e + N * gb_mean.e + g_own)
        per_example = [fn(x[n:n + 1], y_hat[n:n + 1], reduction="sum")[0] for n in range(N)]
        slack = sum(bound(x[n:n + 1], y_hat[n:n + 1], "sum")[0].e for n in range(N))
        assert abs(float(L_sum) - math.fsum(map(float, per_example))) <= Lb_sum.e + slack + own
    check()


def test_cross_entropy_softmax_cross_entropy_pure_and_dtype(B):
    """cross_entropy and softmax_cross_entropy keep the dtype (L a NumPy scalar), the gradient's shape, change no input."""
    for dtype in S.DTYPES:
        z = np.linspace(-2, 2, 12, dtype=dtype).reshape(3, 4).T              # (4, 3), a transposed view
        y_hat = np.eye(3, dtype=dtype)[[0, 2, 1, 1]][::-1]
        y = _probabilities(z)
        for name, first in (("cross_entropy", y), ("softmax_cross_entropy", z)):
            L, g = call_pure(B, name, first, y_hat)
            assert isinstance(L, np.generic)
            assert_dtype(name, (L, g), dtype)
            assert g.shape == (4, 3)


# == binary cross entropy, fused with the sigmoid ========================================================
@st.composite
def bce_case(draw, max_size, dtype=None, lim=30.0, layout=None):
    """(z, y_hat, reduction): scores z (N, K) and targets in [0, 1] (hard 0/1 labels or soft ones)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N, K = draw(S.dims(max_size)), draw(S.dims(max_size))
    z = draw(S.arrays(dtype, (N, K), lim, layout=layout))
    soft = draw(st.booleans())
    values = [0.0, 0.25, 0.5, 1.0] if soft else [0.0, 1.0]
    y_hat = draw(S.arrays(np.float64, (N, K), layout="C", elements=st.sampled_from(values))).astype(dtype)
    return z, y_hat, draw(st.sampled_from(["mean", "sum"]))


def _bce64(z, y_hat):
    """The per-entry loss in float64 from its definition, -y ln sigma(z) - (1 - y) ln(1 - sigma(z)), written
    with ln sigma(z) = -log1p(exp(-z)) and ln(1 - sigma(z)) = -z - log1p(exp(-z)) for z >= 0 (and the mirror
    images below 0): exact to a few float64 ulp at any |z|."""
    z, y_hat = np.asarray(z, np.float64), np.asarray(y_hat, np.float64)
    soft = np.log1p(np.exp(-np.abs(z)))
    log_p = np.where(z >= 0, -soft, z - soft)               # ln sigma(z)
    log_q = np.where(z >= 0, -z - soft, -soft)              # ln (1 - sigma(z))
    return -(y_hat * log_p + (1 - y_hat) * log_q)


def test_sigmoid_cross_entropy_matches_reference(A, R):
    """sigmoid_cross_entropy's (L, dL/dz) agree with the reference within the softplus form's bound (exp, log1p,
    a product and a 3-term sum per entry, an NK-term sum; the stable sigmoid for the gradient).

    Concept: loss.cross_entropy, act.sigmoid.
    """
    @S.for_backend(A)
    @given(case=bce_case(S.max_dim(A)))
    def check(case):
        _compare(A, R, "sigmoid_cross_entropy", case)
    check()


def test_sigmoid_cross_entropy_gradient_finite_differences():
    """sigmoid_cross_entropy's dL/dz equals the central difference of L in float64, both reductions, hard and
    soft targets. Relative error < 1e-7 (scale: the larger gradient or 1).

    Concept: backprop.numeric, loss.cross_entropy, act.sigmoid.
    """
    @given(case=bce_case(4, dtype=np.float64, lim=6.0, layout="C"))
    def check(case):
        _fd("sigmoid_cross_entropy", *case)
    check()


def test_sigmoid_cross_entropy_is_the_definition_and_exact_at_large_logits(B):
    """The fused loss is -y ln sigma(z) - (1 - y) ln(1 - sigma(z)) (mean over all NK entries) and stays exact
    where the plain form breaks: at |z| up to 1e4 in both dtypes, where sigma(z) rounds to 0 or 1 and the plain
    ln would give inf or lose every digit, L is within its bound of the float64 definition written with
    log1p(exp(-|z|)) (1000 + log1p(e^-1000) for the wrong side, 1e-22 relative terms for the right side), and
    the gradient is sigmoid(z) - y_hat within the sigmoid's bound. No warning is raised.

    Concept: loss.cross_entropy, act.sigmoid.
    """
    zs = np.array([[30.0, -30.0, 50.0, -50.0], [100.0, -100.0, 1000.0, -1e4]])
    for dtype in S.DTYPES:
        z = zs.astype(dtype)
        for y in (np.zeros_like(z), np.ones_like(z), np.full_like(z, 0.25)):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                L, g = B.sigmoid_cross_entropy(z, y)
                L_sum, _ = B.sigmoid_cross_entropy(z, y, reduction="sum")
            Lb, gb = T.sigmoid_cross_entropy(z, y, "mean")
            Lb_sum, _ = T.sigmoid_cross_entropy(z, y, "sum")
            exact = _bce64(z, y)
            assert np.isfinite(L) and abs(float(L) - exact.mean()) <= Lb.e + 4 * T.u_of(np.float64) * exact.mean()
            assert abs(float(L_sum) - exact.sum()) <= Lb_sum.e + 4 * T.u_of(np.float64) * exact.sum()
            want_g = (T.sigmoid64(z) - y.astype(np.float64)) / z.size
            assert np.all(np.abs(g.astype(np.float64) - want_g) <= gb.e + 2 * T.u_of(np.float64) * np.abs(want_g))
        # the right side at large |z|: the loss is e^-|z| (tiny but not 0 in float64), where ln(sigma) is 0
        L64, _ = B.sigmoid_cross_entropy(np.array([[40.0]]), np.array([[1.0]]), reduction="sum")
        assert L64 > 0 and abs(float(L64) - math.exp(-40.0)) <= 8 * T.u_of(np.float64) * math.exp(-40.0)
    z = np.array([[-800.0, 800.0]])
    with np.errstate(divide="ignore", over="ignore"):
        plain = -np.log(1 / (1 + np.exp(-z)))               # the plain form on the rounded sigmoid
    assert plain[0, 0] == np.inf                            # it breaks; the fused form does not:
    assert B.sigmoid_cross_entropy(z, np.ones_like(z), reduction="sum")[0] == 800.0


def test_sigmoid_cross_entropy_sum_is_m_times_mean_and_pure(B):
    """reduction="sum" is NK times "mean" (each within the bounds of the values compared); the dtype is kept
    (L a NumPy scalar), the gradient has z's shape, and no input changes (a transposed view included).

    Concept: loss.total, loss.cross_entropy.
    """
    @S.for_backend(B)
    @given(case=bce_case(S.max_dim(B), lim=8.0))
    def check(case):
        z, y_hat, _ = case
        M = z.size
        L_mean, g_mean = B.sigmoid_cross_entropy(z, y_hat)
        L_sum, g_sum = B.sigmoid_cross_entropy(z, y_hat, reduction="sum")
        (Lb_mean, gb_mean) = T.sigmoid_cross_entropy(z, y_hat, "mean")
        (Lb_sum, gb_sum) = T.sigmoid_cross_entropy(z, y_hat, "sum")
        u64 = T.u_of(np.float64)
        own = 2 * u64 * (M * abs(float(L_mean)) + abs(float(L_sum)))
        assert abs(float(L_sum) - M * float(L_mean)) <= Lb_sum.e + M * Lb_mean.e + own
        g_own = 2 * u64 * (M * np.abs(g_mean.astype(np.float64)) + np.abs(g_sum.astype(np.float64)))
        assert np.all(np.abs(g_sum.astype(np.float64) - M * g_mean.astype(np.float64))
                      <= gb_sum.e + M * gb_mean.e + g_own)
    check()
    for dtype in S.DTYPES:
        z = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4).T
        y_hat = (np.arange(12).reshape(4, 3) % 2).astype(dtype)
        L, g = call_pure(B, "sigmoid_cross_entropy", z, y_hat)
        assert isinstance(L, np.generic)
        assert_dtype("sigmoid_cross_entropy", (L, g), dtype)
        assert g.shape == (4, 3)
