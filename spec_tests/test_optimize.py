"""Optimization: the closed form, gradient descent, mini-batch epochs and the SGD rule (``reference.optimize``)."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import reference
from reference.data import batches, dropout_mask, load_views
from reference.gradcheck import numeric_gradient

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, call_pure
from .test_network import network_case


# -- closed form ----------------------------------------------------------------------------------
@st.composite
def regression_case(draw, max_size, dtype=None, max_cond=1e4):
    """(x, y_hat): x (N, D) with N >= D + 1 and [x, 1] well conditioned (cond <= max_cond)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    D = draw(S.dims(min(max_size, 4)))
    N = draw(st.integers(D + 1, D + 1 + max_size))
    x = draw(S.arrays(dtype, (N, D), 10.0))
    y_hat = draw(S.arrays(dtype, (N,), 100.0))
    X = np.column_stack([x.astype(np.float64), np.ones(N)])
    assume(np.linalg.cond(X) < max_cond)
    return x, y_hat


def test_closed_form_matches_reference(A, R):
    """closed_form agrees with the reference within the normal equations' perturbation bound.

    X^T X formed in float64, then the rounding to the input dtype.
    """
    @S.for_backend(A)
    @given(case=regression_case(S.max_dim(A, 6)))
    def check(case):
        x, y_hat = case
        w, b = A.closed_form(x, y_hat)
        w_ref, b_ref = R.closed_form(x, y_hat)
        w_bound, b_bound = T.closed_form(x, y_hat)
        T.assert_close(f"{A.name}.closed_form w", w, w_ref, w_bound)
        T.assert_close(f"{A.name}.closed_form b", b, b_ref, b_bound)
    check()


def test_closed_form_matches_lstsq(B):
    """closed_form equals numpy.linalg.lstsq on [x, 1] (004, "Closed-form Solution").

    Within the normal equations' perturbation bound, which covers lstsq's smaller error.

    Concept: opt.closed_form.
    """
    @S.for_backend(B)
    @given(case=regression_case(S.max_dim(B, 6)))
    def check(case):
        x, y_hat = case
        w, b = B.closed_form(x, y_hat)
        X = np.column_stack([x.astype(np.float64), np.ones(x.shape[0])])
        theta, *_ = np.linalg.lstsq(X, y_hat.astype(np.float64), rcond=None)
        w_bound, b_bound = T.closed_form(x, y_hat)
        assert np.all(np.abs(w.astype(np.float64) - theta[:-1]) <= w_bound.tol)
        assert abs(float(b) - theta[-1]) <= b_bound.tol
    check()


def test_closed_form_gradient_is_zero_there(B):
    """At closed_form's (w*, b*) the MSE gradient vanishes: linear_backward(mse'(y)) is 0 to rounding."""
    @S.for_backend(B)
    @given(case=regression_case(S.max_dim(B, 6), dtype=np.float64))
    def check(case):
        x, y_hat = case
        w, b = B.closed_form(x, y_hat)
        y, cache = reference.linear_forward(x, w, b)
        _, dL_dy = reference.mse(y, y_hat)
        _, dw, db = reference.linear_backward(dL_dy, cache)
        # The exact gradient at theta* + dtheta is (2/N) X^T X dtheta, with |dtheta| bounded by
        # closed_form's bound; the computed gradient adds its own rounding (the engine's bound).
        w_bound, b_bound = T.closed_form(x, y_hat)
        X = np.column_stack([x, np.ones(x.shape[0])])
        slack = 2 * np.linalg.norm(X.T @ X, 2) / x.shape[0] * np.hypot(w_bound.e[0], b_bound.e)
        _, g_bound = T.mse(T.linear_forward(x, w, b), y_hat)
        _, dw_bound, db_bound = T.linear_backward(g_bound, x, w)
        assert np.all(np.abs(dw) <= slack + dw_bound.e) and abs(db) <= slack + db_bound.e
    check()


def test_closed_form_pure_and_dtype(B):
    """closed_form returns w in x's dtype and b a NumPy scalar of it, changing no input."""
    for dtype in S.DTYPES:
        x = np.array([[1.0, 0.0, 2.0, 1.0, 3.0], [0.0, 1.0, 1.0, 2.0, 5.0]], dtype=dtype).T
        y_hat = np.array([1.0, 2.0, 4.0, 5.0, 9.0, 0.0], dtype=dtype)[:5]
        w, b = call_pure(B, "closed_form", x, y_hat)
        assert_dtype("closed_form", (w, b), dtype)
        assert w.shape == (2,) and isinstance(b, np.generic)


# -- gradient descent step ------------------------------------------------------------------------
@st.composite
def step_case(draw, max_size):
    theta = draw(S.tensors(max_size, lim=10.0))
    g = draw(S.arrays(theta.dtype, theta.shape, 10.0))
    eta = draw(st.floats(1e-4, 2.0))
    return theta, g, eta


def test_gd_step_matches_reference(A, R):
    """gd_step agrees with the reference within eta's rounding, one product and one difference."""
    @S.for_backend(A)
    @given(case=step_case(S.max_dim(A)))
    def check(case):
        theta, g, eta = case
        T.assert_close(f"{A.name}.gd_step", A.gd_step(theta, g, eta), R.gd_step(theta, g, eta),
                       T.gd_step(theta, g, eta))
    check()


def test_gd_step_is_theta_minus_eta_g(B):
    """gd_step(theta, g, eta) = theta - eta g (000, "theta^1 <- theta^0 - eta g"), on exact values.

    Concept: gd.step.
    """
    for dtype in S.DTYPES:
        theta = np.array([1.0, -2.0, 0.5], dtype=dtype)
        g = np.array([4.0, 8.0, -2.0], dtype=dtype)
        np.testing.assert_array_equal(B.gd_step(theta, g, 0.25), np.array([0.0, -4.0, 1.0], dtype=dtype))
        out = B.gd_step(np.asarray(15.0, dtype=dtype), np.asarray(4.0, dtype=dtype), 0.5)
        assert np.ndim(out) == 0 and np.asarray(out).dtype == dtype and float(out) == 13.0


def test_gd_step_does_not_mutate(B):
    """gd_step returns a new array and leaves theta and g unchanged (any layout), keeping the dtype."""
    @S.for_backend(B)
    @given(case=step_case(S.max_dim(B)))
    def check(case):
        theta, g, eta = case
        out = call_pure(B, "gd_step", theta, g, eta)
        assert_dtype("gd_step", out, theta.dtype)
        assert np.shape(out) == theta.shape
        if isinstance(out, np.ndarray) and out.ndim:
            assert not np.shares_memory(out, theta) and not np.shares_memory(out, g)
    check()


# -- gradient descent on the linear model ---------------------------------------------------------
@st.composite
def gd_case(draw, max_size, dtype=None, loss=None):
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N, D = draw(S.dims(max_size)), draw(S.dims(3))
    x = draw(S.arrays(dtype, (N, D), 2.0))
    y_hat = draw(S.arrays(dtype, (N,), 4.0))
    w = draw(S.arrays(dtype, (D,), 2.0))
    b = draw(S.values(dtype, 2.0))
    eta = draw(st.floats(1e-3, 0.1))
    steps = draw(st.integers(0, 5))
    loss = draw(st.sampled_from(["mse", "mae"])) if loss is None else loss
    return x, y_hat, w, b, eta, steps, loss


def test_linear_gd_matches_reference(A, R):
    """linear_gd's (w_path, b_path, L_path) agree with the reference within the replayed bound.

    Every step replayed: forward, loss, backward, update.
    """
    @S.for_backend(A)
    @given(case=gd_case(S.max_dim(A)))
    def check(case):
        x, y_hat, w, b, eta, steps, loss = case
        try:
            bounds = T.linear_gd(x, y_hat, w, b, eta, steps, loss)
        except T.Ambiguous:
            assume(False)
        got = A.linear_gd(x, y_hat, w, b, eta, steps, loss=loss)
        want = R.linear_gd(x, y_hat, w, b, eta, steps, loss=loss)
        for label, g, r, bd in zip(("w_path", "b_path", "L_path"), got, want, bounds):
            T.assert_close(f"{A.name}.linear_gd[{loss}] {label}", g, r, bd)
    check()


def test_linear_gd_path_starts_at_initial_values(B):
    """linear_gd returns steps + 1 rows, row 0 the initial (w, b), and L_path[t] the loss at row t."""
    @S.for_backend(B)
    @given(case=gd_case(S.max_dim(B)))
    def check(case):
        x, y_hat, w, b, eta, steps, loss = case
        w_path, b_path, L_path = call_pure(B, "linear_gd", x, y_hat, w, b, eta, steps, loss=loss)
        assert_dtype("linear_gd", (w_path, b_path, L_path), x.dtype)
        assert w_path.shape == (steps + 1, w.size) and b_path.shape == L_path.shape == (steps + 1,)
        np.testing.assert_array_equal(w_path[0], w)
        assert b_path[0] == x.dtype.type(b)
        for t in range(steps + 1):
            y, _ = reference.linear_forward(x, w_path[t], b_path[t])
            L, _ = getattr(reference, loss)(y, y_hat)
            L_bound = T.loss_value(loss, T.linear_forward(x, w_path[t], b_path[t]), y_hat)
            assert abs(float(L_path[t]) - float(L)) <= L_bound.tol
    check()


def test_linear_gd_loss_never_increases_below_critical_eta(B):
    """linear_gd lowers the MSE at every step when eta is below 1 / lambda_max of its Hessian.

    float64; ties within the rounding of L allowed.

    Concept: gd.loop.
    """
    @S.for_backend(B)
    @given(case=gd_case(S.max_dim(B), dtype=np.float64, loss="mse"), frac=st.floats(0.05, 0.95))
    def check(case, frac):
        x, y_hat, w, b, _, steps, _ = case
        X = np.column_stack([x, np.ones(x.shape[0])])
        hess_max = 2 * np.linalg.eigvalsh(X.T @ X / x.shape[0]).max()
        eta, steps = frac / hess_max, max(steps, 1)
        _, _, L_path = B.linear_gd(x, y_hat, w, b, eta, steps)
        _, _, L_bound = T.linear_gd(x, y_hat, w, b, eta, steps)       # rounding of each L_t, and of the path
        assert np.all(np.diff(L_path) <= L_bound.tol[:-1] + L_bound.tol[1:])
    check()


def _views_regression():
    """The 2021 table as (x1 = the day before, y = the day), standardised."""
    views = load_views(2021)["views"]
    x1, y = views[:-1], views[1:]
    mx, sx, my, sy = x1.mean(), x1.std(), y.mean(), y.std()
    return x1, y, (x1 - mx) / sx, (y - my) / sy, (mx, sx, my, sy)


def test_linear_gd_converges_to_closed_form(B):
    """linear_gd on the slide's 2021 views converges to closed_form's (w*, b*).

    x1 = the day before, standardised; eta = 0.4, 30 steps. The standardised problem has Hessian 2I, so each
    step shrinks the error by 1 - 2 eta = 0.2 and 30 steps leave 0.2**30 ~ 1e-21 of it: float64 then agrees to
    1e-12 in standard units, and in views within closed_form's own rounding bound; the loss never rises.

    Concept: gd.loop, opt.closed_form, data.views.
    """
    x1, y, xs, ys, (mx, sx, my, sy) = _views_regression()
    w_path, b_path, L_path = B.linear_gd(xs[:, None], ys, np.zeros(1), 0.0, 0.4, 30)
    w_std, b_std = B.closed_form(xs[:, None], ys)
    assert abs(w_path[-1, 0] - w_std[0]) <= 1e-12 and abs(b_path[-1] - b_std) <= 1e-12
    # back to views: y = my + sy (w_std (x1 - mx) / sx + b_std)
    w, b = B.closed_form(x1[:, None], y)
    w_gd = sy * w_path[-1, 0] / sx
    b_gd = my + sy * b_path[-1] - w_gd * mx
    w_bound, b_bound = T.closed_form(x1[:, None], y)
    assert abs(w_gd - w[0]) <= w_bound.tol[0] and abs(b_gd - b) <= b_bound.tol
    # The loss never rises by more than its own rounding, (N + 3) u L per evaluation, twice.
    assert np.all(np.diff(L_path) <= 2 * (xs.size + 3) * T.u_of(np.float64) * L_path[:-1])


def test_linear_gd_converges_to_closed_form_float32(B):
    """linear_gd in float32 stops within rounding of the closed form.

    The gradient at the optimum is computed with error g_err <= (N + 3) u (2 / N) sum_n (|x_n| + 1)(|y_n| +
    |w* x_n| + |b*|), which moves the stationary point by g_err / 2 (the Hessian is 2I); an update smaller
    than u |theta| rounds away, stalling up to u |theta| / (2 eta) short.
    """
    _, _, xs, ys, _ = _views_regression()
    xs32, ys32 = xs.astype(np.float32), ys.astype(np.float32)
    eta = 0.4
    w_path, b_path, _ = B.linear_gd(xs32[:, None], ys32, np.zeros(1, np.float32), 0.0, eta, 30)
    x, y = xs32.astype(np.float64), ys32.astype(np.float64)
    w_std, b_std = reference.closed_form(x[:, None], y)
    u, N = T.u_of(np.float32), x.size
    g_err = (N + 3) * u * (2 / N) * np.sum((np.abs(x) + 1) * (np.abs(y) + abs(w_std[0] * x) + abs(b_std)))
    theta = max(abs(w_std[0]), abs(b_std))
    tol = g_err / 2 + u * theta / (2 * eta) + u * theta
    assert abs(float(w_path[-1, 0]) - w_std[0]) <= tol and abs(float(b_path[-1]) - b_std) <= tol


# -- mini-batch epochs ------------------------------------------------------------------------------
@st.composite
def epoch_case(draw, max_size, dtype=None, full_batch=False, max_hidden=3):
    """(x, y_hat, params, order, batch_size, eta, activation, loss) for a small network."""
    n_hidden = draw(st.integers(0, max_hidden))
    x, params, _, act = draw(network_case(max_size, dtype=dtype, n_hidden=n_hidden, lim=1.0))
    N = x.shape[0]
    y_hat = draw(S.arrays(x.dtype, (N,), 2.0))
    order = draw(st.one_of(st.none(), st.permutations(range(N)).map(lambda p: np.array(p, dtype=np.int64))))
    batch_size = N if full_batch else draw(st.integers(1, N + 1))
    eta = draw(st.floats(1e-3, 0.2))
    loss = draw(st.sampled_from(["mse", "mae"]))
    return x, y_hat, params, order, batch_size, eta, act, loss


def _finite_bounds(bounds):
    """Skip a drawn case whose replayed epoch diverged (a large eta can overflow to inf).

    A run that has overflowed compares inf with inf: it says nothing about the backend's
    arithmetic, and its bound is not a number, so such draws are discarded, not passed.
    """
    p_bounds, L_bound = bounds
    assume(all(np.all(np.isfinite(b.v)) and np.all(np.isfinite(b.e)) for b in (*p_bounds, L_bound)))
    return bounds


def _epoch_bounds(case):
    x, y_hat, params, order, batch_size, eta, act, loss = case
    try:
        return _finite_bounds(T.network_epoch(x, y_hat, params, order, batch_size, eta, act, loss))
    except T.Ambiguous:
        assume(False)


def test_network_epoch_matches_reference(A, R):
    """network_epoch's parameters and batch losses agree with the reference within the replayed bound.

    Any order, batch size 1 .. N + 1, 0 to 3 hidden layers (2 in the CUDA simulator), every activation and loss.
    """
    @S.for_backend(A)
    @given(case=epoch_case(S.max_dim(A, 5), max_hidden=2 if S.simulated(A) else 3))
    def check(case):
        x, y_hat, params, order, batch_size, eta, act, loss = case
        p_bounds, L_bound = _epoch_bounds(case)
        kw = dict(order=order, batch_size=batch_size, eta=eta, activation=act, loss=loss)
        got_p, got_L = A.network_epoch(x, y_hat, *params, **kw)
        want_p, want_L = R.network_epoch(x, y_hat, *params, **kw)
        T.assert_close(f"{A.name}.network_epoch losses", got_L, want_L, L_bound)
        assert len(got_p) == len(params)
        for k, (g, r, bd) in enumerate(zip(got_p, want_p, p_bounds)):
            T.assert_close(f"{A.name}.network_epoch[{act}, {loss}, B={batch_size}] param {k}", g, r, bd)
    check()


def test_network_epoch_is_a_loop_over_batches(B):
    """network_epoch is forward, loss, backward and gd_step for each batch of data.batches.

    000 "1 epoch = see all the batches once", written out with the backend's own primitives.

    Concept: batch.minibatch, batch.epoch.
    """
    @S.for_backend(B)
    @given(case=epoch_case(S.max_dim(B, 5)))
    def check(case):
        x, y_hat, params, order, batch_size, eta, act, loss = case
        p_bounds, L_bound = _epoch_bounds(case)
        got_p, got_L = B.network_epoch(x, y_hat, *params, order=order, batch_size=batch_size, eta=eta,
                                       activation=act, loss=loss)
        p, losses = params, []
        for batch in batches(np.arange(x.shape[0]) if order is None else order, batch_size):
            y, cache = B.network_forward(x[batch], *p, activation=act)
            L, dL_dy = getattr(B, loss)(y, y_hat[batch])
            _, *grads = B.network_backward(dL_dy, cache)
            p = tuple(B.gd_step(t, g, eta) for t, g in zip(p, grads))
            losses.append(L)
        T.assert_close(f"{B.name}.network_epoch losses", got_L, np.array(losses, dtype=x.dtype), L_bound)
        for k, (g, r, bd) in enumerate(zip(got_p, p, p_bounds)):
            T.assert_close(f"{B.name}.network_epoch param {k}", g, np.asarray(r), bd)
    check()


def test_network_epoch_full_batch_is_one_gd_step(B):
    """network_epoch with batch_size = N makes exactly one full-batch gradient step.

    One loss; for the linear model the same step as linear_gd's first (004 "batch.sizes").

    Concept: batch.sizes, gd.step.
    """
    @S.for_backend(B)
    @given(case=epoch_case(S.max_dim(B, 5), full_batch=True))
    def check(case):
        x, y_hat, params, order, batch_size, eta, act, loss = case
        p_bounds, L_bound = _epoch_bounds(case)
        got_p, got_L = B.network_epoch(x, y_hat, *params, order=order, batch_size=batch_size, eta=eta,
                                       activation=act, loss=loss)
        assert got_L.shape == (1,)
        y, cache = B.network_forward(x, *params, activation=act)
        L, dL_dy = getattr(B, loss)(y, y_hat)
        _, *grads = B.network_backward(dL_dy, cache)
        T.assert_close(f"{B.name}.network_epoch loss", got_L[0], L, L_bound[0])
        for k, (g, t, gr, bd) in enumerate(zip(got_p, params, grads, p_bounds)):
            T.assert_close(f"{B.name}.network_epoch param {k}", g, np.asarray(B.gd_step(t, gr, eta)), bd)
        if len(params) == 2:                                        # no hidden layer: the linear model
            w_path, b_path, _ = B.linear_gd(x, y_hat, params[0], params[1], eta, 1, loss=loss)
            T.assert_close(f"{B.name}.network_epoch vs linear_gd w", got_p[0], w_path[1], p_bounds[0])
            T.assert_close(f"{B.name}.network_epoch vs linear_gd b", got_p[1], b_path[1], p_bounds[1])
    check()


def test_network_epoch_order_none_is_given_order(B):
    """network_epoch with order=None visits the examples as given: the same as order = arange(N)."""
    rng = np.random.default_rng(3)
    for dtype in S.DTYPES:
        x = rng.normal(size=(7, 2)).astype(dtype)
        y_hat = rng.normal(size=7).astype(dtype)
        params = reference.training.init_params((2, 3), rng, activation="sigmoid", dtype=dtype)
        a_p, a_L = B.network_epoch(x, y_hat, *params, batch_size=3, eta=0.1)
        b_p, b_L = B.network_epoch(x, y_hat, *params, order=np.arange(7), batch_size=3, eta=0.1)
        p_bounds, L_bound = T.network_epoch(x, y_hat, params, None, 3, 0.1)
        T.assert_close("losses", a_L, b_L, L_bound)
        for g, r, bd in zip(a_p, b_p, p_bounds):
            T.assert_close("params", g, r, bd)


def test_network_epoch_pure_and_dtype(B):
    """network_epoch changes no input and returns new parameters and ceil(N / B) losses in the dtype."""
    rng = np.random.default_rng(4)
    for dtype in S.DTYPES:
        x = rng.normal(size=(2, 5)).astype(dtype).T                    # (5, 2), a transposed view
        y_hat = rng.normal(size=10).astype(dtype)[::2]
        params = reference.training.init_params((2, 3, 2), rng, activation="relu", dtype=dtype)
        order = rng.permutation(5)
        for batch_size in (1, 2, 5, 8):
            new, losses = call_pure(B, "network_epoch", x, y_hat, *params, order=order,
                                    batch_size=batch_size, eta=0.05, activation="relu")
            assert len(new) == len(params)
            assert_dtype("network_epoch", (new, losses), dtype)
            assert losses.shape == (math.ceil(5 / batch_size),)
            assert [np.shape(p) for p in new] == [np.shape(p) for p in params]
            for p, q in zip(new, params):
                if isinstance(p, np.ndarray) and p.ndim:
                    assert not np.shares_memory(p, q), "network_epoch must return new arrays"


def test_linear_gd_pure_and_dtype(B):
    """linear_gd leaves its inputs unchanged and returns paths of the input dtype (both dtypes)."""
    for dtype in S.DTYPES:
        x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], dtype=dtype)[::-1]
        y_hat = np.array([1.0, 0.0, 2.0], dtype=dtype)
        w = np.array([0.1, 0.2], dtype=dtype)
        out = call_pure(B, "linear_gd", x, y_hat, w, np.asarray(0.5, dtype=dtype), 0.01, 3)
        assert_dtype("linear_gd", out, dtype)


@pytest.mark.parametrize("loss", ["mse", "mae"])
def test_linear_gd_zero_steps(B, loss):
    """linear_gd with steps = 0 evaluates the loss at the initial values and makes no update."""
    x = np.array([[1.0], [2.0], [3.0]])
    y_hat = np.array([2.0, 4.0, 5.0])
    w_path, b_path, L_path = B.linear_gd(x, y_hat, np.array([1.0]), 1.0, 0.1, 0, loss=loss)
    assert w_path.tolist() == [[1.0]] and b_path.tolist() == [1.0]
    assert L_path[0] == 2 / 3                     # residuals (0, -1, -1): both losses are 2/3


@pytest.mark.parametrize("activation, dtype", [("sigmoid", np.float64), ("sigmoid", np.float32),
                                               ("relu", np.float64)])
def test_network_epoch_lecture_size_matches_reference(A, R, activation, dtype):
    """network_epoch at a lecture-like size agrees with the reference within the replayed bound.

    N = 256, D = 8, hidden 32 and 16, batches of 32, shuffled; not under the CUDA simulator. ReLU runs in
    float64 only: in float32 at this size some ReLU argument lies within rounding of its kink, where two
    correct backends may take different branches.
    """
    if S.simulated(A):
        pytest.skip("lecture sizes are beyond the CUDA simulator")
    from reference.training import init_params

    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8)).astype(dtype)
    y_hat = (x[:, 0] * x[:, 1] + np.sin(x[:, 2])).astype(dtype)
    params = init_params((8, 32, 16), rng, activation=activation, dtype=dtype)
    order = rng.permutation(256)
    p_bounds, L_bound = T.network_epoch(x, y_hat, params, order, 32, 0.05, activation, "mse")
    kw = dict(order=order, batch_size=32, eta=0.05, activation=activation)
    got_p, got_L = A.network_epoch(x, y_hat, *params, **kw)
    want_p, want_L = R.network_epoch(x, y_hat, *params, **kw)
    T.assert_close(f"{A.name}.network_epoch losses", got_L, want_L, L_bound)
    for k, (g, r, bd) in enumerate(zip(got_p, want_p, p_bounds)):
        T.assert_close(f"{A.name}.network_epoch[{activation}] param {k}", g, r, bd)


# == lecture 2: the SGD rule and mini-batch epochs of the MLP ============================================
def test_sgd_update_matches_reference(A, R):
    """sgd_update agrees with the reference within eta's rounding, one product and one difference (as gd_step)."""
    @S.for_backend(A)
    @given(case=step_case(S.max_dim(A)))
    def check(case):
        theta, g, eta = case
        got, state = A.sgd_update(theta, g, A.sgd_init(theta), eta)
        want, _ = R.sgd_update(theta, g, (), eta)
        assert state == ()
        T.assert_close(f"{A.name}.sgd_update", got, want, T.sgd_update(theta, g, eta))
    check()


def test_sgd_init_sgd_update_is_w_minus_eta_g(B):
    """sgd_update(w, g, (), eta) = (w - eta g, ()) and sgd_init keeps no state (003 "Keras": SGD(lr=0.1)).

    On exact values, both dtypes; the default eta is 0.01; the inputs are left unchanged.

    Concept: optim.sgd, gd.step.
    """
    for dtype in S.DTYPES:
        w = np.array([1.0, -2.0, 0.5], dtype=dtype)
        g = np.array([4.0, 8.0, -2.0], dtype=dtype)
        assert B.sgd_init(w) == ()
        new, state = call_pure(B, "sgd_update", w, g, (), 0.25)
        assert state == ()
        np.testing.assert_array_equal(new, np.array([0.0, -4.0, 1.0], dtype=dtype))
        assert_dtype("sgd_update", new, dtype)
        assert not np.shares_memory(new, w)
        new, _ = B.sgd_update(w, g, ())
        assert np.all(np.abs(new.astype(np.float64) - (w - 0.01 * g.astype(np.float64)))
                      <= T.sgd_update(w, g, 0.01).tol)                 # the default eta is 0.01
        out, _ = B.sgd_update(np.asarray(15.0, dtype=dtype), np.asarray(4.0, dtype=dtype), (), 0.5)
        assert np.ndim(out) == 0 and np.asarray(out).dtype == dtype and float(out) == 13.0


@st.composite
def mlp_epoch_case(draw, max_size, dtype=None, full_batch=False, max_layers=3, loss=None):
    """(x, y_hat, params, order, batch_size, eta, activation, output, loss) for a small MLP."""
    from .test_losses import targets
    from .test_network import mlp_case

    loss = draw(st.sampled_from(["cross_entropy", "mse", "mae"])) if loss is None else loss
    output = "softmax" if loss == "cross_entropy" else draw(st.sampled_from(["softmax", "sigmoid", "linear"]))
    x, params, _, act, _ = draw(mlp_case(max_size, dtype=dtype, output=output, max_layers=max_layers, lim=1.0))
    N, K = x.shape[0], params[-1].shape[0]
    if loss == "cross_entropy":
        y_hat = draw(targets(x.dtype, N, K))
    else:
        y_hat = draw(S.arrays(x.dtype, (N, K), 2.0))
    order = draw(st.one_of(st.none(), st.permutations(range(N)).map(lambda p: np.array(p, dtype=np.int64))))
    batch_size = N if full_batch else draw(st.integers(1, N + 1))
    eta = draw(st.floats(1e-3, 0.5))
    return x, y_hat, params, order, batch_size, eta, act, output, loss


def _mlp_epoch_bounds(case):
    x, y_hat, params, order, batch_size, eta, act, output, loss = case
    try:
        return _finite_bounds(T.mlp_epoch(x, y_hat, params, order, batch_size, eta, act, output, loss))
    except T.Ambiguous:
        assume(False)


def _mlp_epoch_kw(case):
    _, _, _, order, batch_size, eta, act, output, loss = case
    return dict(order=order, batch_size=batch_size, eta=eta, activation=act, output=output, loss=loss)


def test_mlp_epoch_matches_reference(A, R):
    """mlp_epoch's parameters and batch losses agree with the reference within the replayed bound.

    Any order, batch size 1 .. N + 1, 1 to 3 layers (2 in the CUDA simulator), every hidden activation, every
    output and loss (cross entropy fused with the softmax).
    """
    @S.for_backend(A)
    @given(case=mlp_epoch_case(S.max_dim(A, 5), max_layers=2 if S.simulated(A) else 3))
    def check(case):
        x, y_hat, params = case[:3]
        p_bounds, L_bound = _mlp_epoch_bounds(case)
        kw = _mlp_epoch_kw(case)
        got_p, got_L = A.mlp_epoch(x, y_hat, *params, **kw)
        want_p, want_L = R.mlp_epoch(x, y_hat, *params, **kw)
        what = f"{A.name}.mlp_epoch[{kw['activation']}, {kw['output']}, {kw['loss']}, B={kw['batch_size']}]"
        T.assert_close(f"{what} losses", got_L, want_L, L_bound)
        assert len(got_p) == len(params)
        for k, (g, r, bd) in enumerate(zip(got_p, want_p, p_bounds)):
            T.assert_close(f"{what} param {k}", g, r, bd)
    check()


@st.composite
def dropout_masks_case(draw, x, params):
    """(masks, rates) for mlp_epoch: per layer no mask, or a mask drawn by dropout_mask at a rate in [0, 0.9]."""
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    masks, rates = [], []
    for W in params[0::2]:
        if draw(st.booleans()):
            rate = draw(st.sampled_from([0.0, 0.2, 0.5, 0.9]))
            masks.append(dropout_mask(rng, (x.shape[0], W.shape[1]), rate, dtype=x.dtype))
            rates.append(rate)
        else:
            masks.append(None)
            rates.append(0.0)
    return masks, rates


def test_mlp_epoch_with_dropout_matches_reference(A, R):
    """With dropout masks on any of the layers' inputs, mlp_epoch's parameters and batch losses agree with the
    reference within the replayed bound (dropout_forward/backward's on the masked layers), and the
    reference agrees with the bound's own replay.

    Any order and batch size, 1 to 3 layers (2 in the CUDA simulator), every loss; each layer without a mask
    or with one drawn by dropout_mask at rate 0, 0.2, 0.5 or 0.9.
    """
    @S.for_backend(A)
    @given(data=st.data())
    def check(data):
        case = data.draw(mlp_epoch_case(S.max_dim(A, 5), max_layers=2 if S.simulated(A) else 3))
        x, y_hat, params, order, batch_size, eta, act, output, loss = case
        masks, rates = data.draw(dropout_masks_case(x, params))
        try:
            p_bounds, L_bound = _finite_bounds(T.mlp_epoch(x, y_hat, params, order, batch_size, eta, act, output,
                                                           loss, masks=masks, rates=rates))
        except T.Ambiguous:
            assume(False)
        kw = dict(_mlp_epoch_kw(case), masks=masks, rates=rates)
        got_p, got_L = A.mlp_epoch(x, y_hat, *params, **kw)
        want_p, want_L = R.mlp_epoch(x, y_hat, *params, **kw)
        what = f"{A.name}.mlp_epoch[{act}, {output}, {loss}, B={batch_size}, rates={rates}]"
        T.assert_close(f"{what} losses", got_L, want_L, L_bound)
        T.assert_close(f"reference {what} losses vs the replay", want_L, L_bound.v.astype(x.dtype), L_bound)
        for k, (g, r, bd) in enumerate(zip(got_p, want_p, p_bounds)):
            T.assert_close(f"{what} param {k}", g, r, bd)
            T.assert_close(f"reference {what} param {k} vs the replay", r, bd.v.astype(x.dtype), bd)
    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mlp_epoch_without_dropping_is_the_plain_epoch(A, dtype):
    """Masks of all ones at rate 0, or no mask on any layer, give exactly the epoch without masks (the factor is
    1 and every kept unit is multiplied by 1); a rate > 0 with the same all-ones masks changes the epoch."""
    rng = np.random.default_rng(3)
    N, D, H, K = 7, 4, 5, 3
    x = rng.normal(size=(N, D)).astype(dtype)
    y_hat = np.eye(K, dtype=dtype)[rng.integers(0, K, N)]
    params = (rng.normal(size=(H, D)).astype(dtype), np.zeros(H, dtype), rng.normal(size=(K, H)).astype(dtype),
              np.zeros(K, dtype))
    kw = dict(order=rng.permutation(N), batch_size=3, eta=0.3)
    host = lambda arrays: [np.asarray(A.to_host(a)) for a in arrays]
    plain_p, plain_L = A.mlp_epoch(x, y_hat, *params, **kw)
    for masks, rates in (([np.ones((N, D), dtype), np.ones((N, H), dtype)], [0.0, 0.0]), ([None, None], [0, 0])):
        p, L = A.mlp_epoch(x, y_hat, *params, masks=masks, rates=rates, **kw)
        np.testing.assert_array_equal(np.asarray(L), np.asarray(plain_L))
        for a, b in zip(host(p), host(plain_p)):
            np.testing.assert_array_equal(a, b)
    p, _ = A.mlp_epoch(x, y_hat, *params, masks=[None, np.ones((N, H), dtype)], rates=[0.0, 0.5], **kw)
    assert not np.array_equal(host(p)[2], host(plain_p)[2])      # the factor 2 takes effect


def _mlp_batch_step(B, x, y_hat, params, act, output, loss, eta):
    """One batch with the backend's own primitives: forward, loss, backward, sgd_update."""
    if loss == "cross_entropy":
        z, cache = B.mlp_forward(x, *params, activation=act, output="linear")
        L, dL = B.softmax_cross_entropy(z, y_hat)
    else:
        y, cache = B.mlp_forward(x, *params, activation=act, output=output)
        L, dL = getattr(B, loss)(y, y_hat)
    _, *grads = B.mlp_backward(dL, cache)
    return tuple(B.sgd_update(t, g, B.sgd_init(t), eta)[0] for t, g in zip(params, grads)), L


def test_mlp_epoch_is_a_loop_over_batches(B):
    """mlp_epoch is forward, loss, backward and sgd_update for each batch of data.batches.

    Written out with the backend's own primitives; cross entropy as softmax_cross_entropy on the last layer's
    scores (003 "Mini-batch": one update per batch, an epoch sees them all).

    Concept: batch.minibatch, batch.epoch, optim.sgd.
    """
    @S.for_backend(B)
    @given(case=mlp_epoch_case(S.max_dim(B, 5), max_layers=2 if S.simulated(B) else 3))
    def check(case):
        x, y_hat, params, order, batch_size, eta, act, output, loss = case
        p_bounds, L_bound = _mlp_epoch_bounds(case)
        got_p, got_L = B.mlp_epoch(x, y_hat, *params, **_mlp_epoch_kw(case))
        p, losses = params, []
        for batch in batches(np.arange(x.shape[0]) if order is None else order, batch_size):
            p, L = _mlp_batch_step(B, x[batch], y_hat[batch], p, act, output, loss, eta)
            losses.append(L)
        assert got_L.shape == (math.ceil(x.shape[0] / batch_size),)
        T.assert_close(f"{B.name}.mlp_epoch losses", got_L, np.array(losses, dtype=x.dtype), L_bound)
        for k, (g, r, bd) in enumerate(zip(got_p, p, p_bounds)):
            T.assert_close(f"{B.name}.mlp_epoch param {k}", g, np.asarray(r), bd)
    check()


def test_mlp_epoch_full_batch_is_one_sgd_update(B):
    """mlp_epoch with batch_size = N makes one sgd_update with the full-batch gradient, and returns one loss.

    Concept: batch.sizes, optim.sgd.
    """
    @S.for_backend(B)
    @given(case=mlp_epoch_case(S.max_dim(B, 5), full_batch=True, max_layers=2 if S.simulated(B) else 3))
    def check(case):
        x, y_hat, params, order, batch_size, eta, act, output, loss = case
        p_bounds, L_bound = _mlp_epoch_bounds(case)
        got_p, got_L = B.mlp_epoch(x, y_hat, *params, **_mlp_epoch_kw(case))
        assert got_L.shape == (1,)
        step = np.arange(x.shape[0]) if order is None else order
        want_p, L = _mlp_batch_step(B, x[step], y_hat[step], params, act, output, loss, eta)
        T.assert_close(f"{B.name}.mlp_epoch loss", got_L[0], L, L_bound[0])
        for k, (g, r, bd) in enumerate(zip(got_p, want_p, p_bounds)):
            T.assert_close(f"{B.name}.mlp_epoch param {k}", g, np.asarray(r), bd)
    check()


def _loss_from_scratch(y, y_hat, loss):
    """The batch loss written out with NumPy: cross entropy on the softmax's probabilities (the plain form), or the
    mean over all N K entries of the squared or absolute error."""
    if loss == "cross_entropy":
        return -np.sum(y_hat * np.log(np.where(y_hat != 0, y, 1.0))) / y.shape[0]
    d = y - y_hat
    return np.mean(d * d) if loss == "mse" else np.mean(np.abs(d))


def test_mlp_epoch_full_batch_finite_differences():
    """mlp_epoch (reference) with batch_size = N moves every parameter by -eta times the central difference of L.

    L written out from scratch (the plain cross entropy of the softmax output, or the mean squared / absolute error
    over N K entries), float64, 1 to 3 layers; (theta - theta') / eta agrees with the numeric gradient to a relative
    1e-7 (scale: the larger gradient or 1), and the returned loss is L at the initial parameters. Hidden r kept 1e-3
    from kinks, MAE residuals 1e-3 from 0.

    Concept: backprop.numeric, batch.sizes, optim.sgd.
    """
    from .test_network import _away_from_kinks, _fd_check, mlp_pre_activations

    @given(case=mlp_epoch_case(4, dtype=np.float64, full_batch=True))
    def check(case):
        x, y_hat, params, order, batch_size, eta, act, output, loss = case
        _away_from_kinks(mlp_pre_activations(x, params, act), act)
        y, _ = reference.mlp_forward(x, *params, activation=act, output=output)
        assume(loss != "mae" or np.all(np.abs(y - y_hat) > 1e-3))
        assume(loss != "cross_entropy" or np.all(y[y_hat != 0] > 1e-12))
        new, losses = reference.mlp_epoch(x, y_hat, *params, **_mlp_epoch_kw(case))
        params = [np.asarray(p) for p in params]

        def f(k, t):
            args = list(params)
            args[k] = t
            return _loss_from_scratch(reference.mlp_forward(x, *args, activation=act, output=output)[0], y_hat, loss)

        numeric = [numeric_gradient(lambda t, k=k: f(k, t), params[k]) for k in range(len(params))]
        _fd_check([(p - q) / eta for p, q in zip(params, new)], numeric)
        assert abs(losses[0] - _loss_from_scratch(y, y_hat, loss)) <= 1e-12 * max(1.0, abs(losses[0]))
    check()


def test_mlp_epoch_follows_order(B):
    """mlp_epoch with order p is mlp_epoch on x[p], y_hat[p] in the given order, within both replayed bounds.

    Concept: batch.epoch.
    """
    @S.for_backend(B)
    @given(case=mlp_epoch_case(S.max_dim(B, 5), max_layers=2))
    def check(case):
        x, y_hat, params, order, batch_size, eta, act, output, loss = case
        assume(order is not None)
        p_bounds, L_bound = _mlp_epoch_bounds(case)
        kw = _mlp_epoch_kw(case)
        got_p, got_L = B.mlp_epoch(x, y_hat, *params, **kw)
        kw["order"] = None
        want_p, want_L = B.mlp_epoch(x[order], y_hat[order], *params, **kw)
        T.assert_close(f"{B.name}.mlp_epoch losses", got_L, want_L, L_bound)
        for k, (g, r, bd) in enumerate(zip(got_p, want_p, p_bounds)):
            T.assert_close(f"{B.name}.mlp_epoch param {k}", g, r, bd)
    check()


def test_mlp_epoch_order_changes_the_result(B):
    """mlp_epoch really visits the examples in ``order``: reversing it changes the batches, the losses and the parameters.

    Concept: batch.epoch.
    """
    rng = np.random.default_rng(7)
    x = rng.normal(size=(6, 3))
    y_hat = np.eye(2)[[0, 0, 0, 1, 1, 1]]
    params = (rng.normal(size=(4, 3)), np.zeros(4), rng.normal(size=(2, 4)), np.zeros(2))
    forward_p, forward_L = B.mlp_epoch(x, y_hat, *params, batch_size=3, eta=0.5)
    backward_p, backward_L = B.mlp_epoch(x, y_hat, *params, order=np.arange(6)[::-1].copy(), batch_size=3, eta=0.5)
    assert not np.allclose(forward_L, backward_L)
    assert not np.allclose(forward_p[0], backward_p[0])


@given(N=st.integers(1, 40), B_=st.integers(1, 45))
def test_mlp_epoch_makes_ceil_n_over_b_updates(N, B_):
    """mlp_epoch (reference) returns ceil(N / B) batch losses for any N and B, the last batch smaller.

    Concept: batch.epoch.
    """
    x = np.linspace(-1, 1, N)[:, None]
    y_hat = np.eye(2)[np.arange(N) % 2]
    _, losses = reference.mlp_epoch(x, y_hat, np.ones((2, 1)), np.zeros(2), batch_size=B_, eta=0.1)
    assert losses.shape == (math.ceil(N / B_),)
    # the first batch's loss, before any update: with W = (1, 1), b = 0 both classes score alike, so ln 2
    assert abs(losses[0] - np.log(2)) <= 1e-15


def test_mlp_epoch_pure_and_dtype(B):
    """mlp_epoch changes no input and returns new parameters and ceil(N / B) losses in the dtype."""
    rng = np.random.default_rng(4)
    for dtype in S.DTYPES:
        x = rng.normal(size=(2, 5)).astype(dtype).T                    # (5, 2), a transposed view
        y_hat = np.eye(3, dtype=dtype)[[0, 1, 2, 1, 0, 2, 2, 1, 0, 0]][::2]
        params = (rng.normal(size=(2, 4)).astype(dtype).T, np.zeros(4, dtype), rng.normal(size=(3, 4)).astype(dtype),
                  rng.normal(size=6).astype(dtype)[::2])
        order = rng.permutation(5)
        runs = [(b, o, l) for b in (1, 2, 5, 8) for o, l in (("softmax", "cross_entropy"), ("sigmoid", "mse"),
                                                              ("linear", "mae"))]
        if S.simulated(B):                                          # each batch is several launches there
            runs = [(2, "softmax", "cross_entropy"), (8, "sigmoid", "mse"), (5, "linear", "mae")]
        for batch_size, output, loss in runs:
            new, losses = call_pure(B, "mlp_epoch", x, y_hat, *params, order=order, batch_size=batch_size,
                                    eta=0.05, activation="tanh", output=output, loss=loss)
            assert len(new) == len(params)
            assert_dtype("mlp_epoch", (new, losses), dtype)
            assert losses.shape == (math.ceil(5 / batch_size),)
            assert [np.shape(p) for p in new] == [np.shape(p) for p in params]
            for p, q in zip(new, params):
                assert not np.shares_memory(p, q), "mlp_epoch must return new arrays"


@pytest.mark.parametrize("activation, dtype", [("sigmoid", np.float64), ("sigmoid", np.float32),
                                               ("relu", np.float64)])
def test_mlp_epoch_lecture_size_matches_reference(A, R, activation, dtype):
    """mlp_epoch at a lecture-like size agrees with the reference within the replayed bound.

    The digits' shape: N = 256, D = 64, hidden 32, K = 10, softmax + cross entropy, batches of 32, shuffled;
    not under the CUDA simulator. ReLU in float64 only (in float32 some argument lies within rounding of the kink).
    """
    if S.simulated(A):
        pytest.skip("lecture sizes are beyond the CUDA simulator")
    from reference.training import init_params

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(256, 64)).astype(dtype)
    y_hat = np.eye(10, dtype=dtype)[rng.integers(0, 10, size=256)]
    hidden = init_params((64, 32), rng, activation=activation, dtype=dtype)[:2]
    params = (*hidden, (rng.normal(size=(10, 32)) / np.sqrt(32)).astype(dtype), np.zeros(10, dtype))
    order = rng.permutation(256)
    kw = dict(order=order, batch_size=32, eta=0.1, activation=activation, output="softmax", loss="cross_entropy")
    p_bounds, L_bound = T.mlp_epoch(x, y_hat, params, order, 32, 0.1, activation, "softmax", "cross_entropy")
    got_p, got_L = A.mlp_epoch(x, y_hat, *params, **kw)
    want_p, want_L = R.mlp_epoch(x, y_hat, *params, **kw)
    T.assert_close(f"{A.name}.mlp_epoch losses", got_L, want_L, L_bound)
    for k, (g, r, bd) in enumerate(zip(got_p, want_p, p_bounds)):
        T.assert_close(f"{A.name}.mlp_epoch[{activation}] param {k}", g, r, bd)


@pytest.mark.parametrize("output, loss", [("softmax", "cross_entropy"), ("softmax", "mse"), ("sigmoid", "mse"),
                                          ("linear", "mse"), ("softmax", "mae"), ("sigmoid", "mae"),
                                          ("linear", "mae")])
def test_mlp_epoch_full_batch_finite_differences_every_output_and_loss(output, loss):
    """mlp_epoch (reference), batch_size = N: theta' = theta - eta * (central difference of L), every output and loss.

    Seeded data, depths 1 to 4, the hidden activation cycling through every one; as the drawn test above.

    Concept: backprop.numeric, batch.sizes, optim.sgd.
    """
    from reference import ACTIVATIONS

    from .test_network import KINKS, _fd_check, _random_mlp, mlp_pre_activations

    rng = np.random.default_rng(len(output) * 7 + len(loss))
    for depth in (1, 2, 3, 4):
        act = ACTIVATIONS[(depth + len(loss)) % len(ACTIVATIONS)]
        while True:
            x, params, y_hat = _random_mlp(rng, depth)
            if loss == "cross_entropy":
                y_hat = np.eye(3)[rng.integers(0, 3, size=x.shape[0])]
            y, _ = reference.mlp_forward(x, *params, activation=act, output=output)
            rs = mlp_pre_activations(x, params, act)
            if all(np.all(np.abs(r - k) > 1e-3) for r in rs for k in KINKS[act]) and \
                    (loss != "mae" or np.all(np.abs(y - y_hat) > 1e-3)):
                break
        eta = 0.3
        new, losses = reference.mlp_epoch(x, y_hat, *params, batch_size=x.shape[0], eta=eta, activation=act,
                                          output=output, loss=loss)
        assert losses.shape == (1,)
        assert abs(losses[0] - _loss_from_scratch(y, y_hat, loss)) <= 1e-12 * max(1.0, abs(losses[0]))

        def f(k, t):
            args = list(params)
            args[k] = t
            return _loss_from_scratch(reference.mlp_forward(x, *args, activation=act, output=output)[0], y_hat, loss)

        numeric = [numeric_gradient(lambda t, k=k: f(k, t), params[k]) for k in range(len(params))]
        _fd_check([(p - q) / eta for p, q in zip(params, new)], numeric)
