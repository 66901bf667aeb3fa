"""reference.model_selection: ridge and the λ sweep, bias and variance, f_lazy (host-side, reference only)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import closed_form, l2_penalty, mse, polynomial_forward
from reference.model_selection import bias_variance, f_lazy, lambda_sweep, polynomial_features, ridge

EPS64 = np.finfo(np.float64).eps


def _data(seed, N, D, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(N, D)).astype(dtype)
    y = (x @ rng.normal(size=D) + 0.5 + 0.3 * rng.normal(size=N)).astype(dtype)
    return x, y


def _gradient(x, y_hat, w, b, lam):
    """The gradient of mse + λ·½‖w‖² at (w, b), from the primitives: mse's dL/dy and l2_penalty's λw."""
    y = x @ w + b
    _, dy = mse(y, y_hat)
    _, dpen = l2_penalty(w, lam)
    return x.T @ dy + dpen, dy.sum()


def _system_bound(x, y_hat, lam, w, b):
    """A bound on the gradient left by solving the system in float64: the residual of a backward-stable
    solve is a few eps times ‖M‖‖θ‖ + ‖Aᵀŷ‖, and the gradient is 2/N times that residual."""
    N, D = x.shape
    A = np.column_stack([x, np.ones(N)])
    M = A.T @ A + (N * lam / 2) * np.diag([1.0] * D + [0.0])
    theta = np.append(w, b)
    return 2 / N * 8 * (D + 1) * EPS64 * (np.linalg.norm(M, 2) * np.linalg.norm(theta) + np.linalg.norm(A.T @ y_hat))


# -- ridge ---------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), N=st.integers(2, 30), D=st.integers(1, 12),
       lam=st.floats(1e-3, 1e3))
def test_ridge_gradient_is_zero(seed, N, D, lam):
    """At ridge's (w, b) the gradient of mse + l2_penalty is zero (to the float64 solve's rounding), also
    with more features than examples (the penalty makes the minimum unique). Concept: regularize.lambda_sweep."""
    x, y_hat = _data(seed, N, D)
    w, b = ridge(x, y_hat, lam)
    gw, gb = _gradient(x, y_hat, w, b, lam)
    bound = _system_bound(x, y_hat, lam, w, b)
    assert np.linalg.norm(np.append(gw, gb)) <= bound


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), N=st.integers(8, 40), D=st.integers(1, 5))
def test_ridge_at_zero_lambda_is_the_closed_form(seed, N, D):
    """λ = 0 is ordinary least squares: the same (w, b) as closed_form, within the conditioning of the system."""
    x, y_hat = _data(seed, N, D)
    w, b = ridge(x, y_hat, 0.0)
    w0, b0 = closed_form(x, y_hat)
    A = np.column_stack([x, np.ones(N)])
    kappa = np.linalg.cond(A.T @ A)
    scale = np.linalg.norm(np.append(w0, b0))
    assert np.linalg.norm(np.append(w - w0, b - b0)) <= 16 * (D + 1) * kappa * EPS64 * scale


def test_ridge_large_lambda_keeps_only_the_bias():
    """As λ grows, w → 0 and b → the mean label (the bias is not regularised): ‖w‖ ≤ ‖Xᵀ(ŷ−ȳ)‖·2/(Nλ)."""
    x, y_hat = _data(1, 25, 4)
    lam = 1e9
    w, b = ridge(x, y_hat, lam)
    N = x.shape[0]
    assert np.linalg.norm(w) <= 2 / (N * lam) * np.linalg.norm(x.T @ (y_hat - y_hat.mean())) * (1 + 1e-6)
    # b = mean(ŷ) - mean(x)·w exactly from ∂/∂b = 0
    assert b == pytest.approx(y_hat.mean() - x.mean(axis=0) @ w, rel=1e-12, abs=1e-12)


def test_ridge_shrinks_and_training_error_rises_with_lambda():
    """Along λ the weights' norm never grows and the training mse never falls (both monotone by the math)."""
    x, y_hat = _data(2, 15, 8)
    lams = [0.0, 0.01, 0.1, 1, 10, 100, 1000]
    fits = [ridge(x, y_hat, lam) for lam in lams]
    norms = [np.linalg.norm(w) for w, _ in fits]
    errors = [float(mse(x @ w + b, y_hat)[0]) for w, b in fits]
    assert all(a >= c * (1 - 1e-9) for a, c in zip(norms, norms[1:]))
    assert all(c >= a * (1 - 1e-9) for a, c in zip(errors, errors[1:]))
    assert norms[-1] < 0.1 * norms[0] and errors[-1] > 2 * errors[0]


def test_ridge_float32_in_float32_out():
    x, y_hat = _data(3, 20, 3, dtype=np.float32)
    w, b = ridge(x, y_hat, 1.0)
    w64, b64 = ridge(x.astype(np.float64), y_hat.astype(np.float64), 1.0)
    assert w.dtype == np.float32 and b.dtype == np.float32
    np.testing.assert_array_equal(w, w64.astype(np.float32))   # solved in float64, rounded once
    assert b == np.float32(b64)


@pytest.mark.parametrize("args, message", [
    ((np.ones((3, 2)), np.ones(3), -1.0), "ridge: lam must be"),
    ((np.ones((3, 2)), np.ones(4), 1.0), "ridge: y_hat must be (N,) = (3,)"),
    ((np.ones(3), np.ones(3), 1.0), "ridge: x must be (N, D)"),
    ((np.ones((3, 2)), np.ones(3, dtype=np.float32), 1.0), "ridge: y_hat must be float64 like x"),
    ((np.array([[1.0], [np.nan]]), np.ones(2), 1.0), "ridge: x and y_hat must be finite"),
    ((np.ones((2, 3)), np.ones(2), 0.0), "ridge: at lam = 0, X^T X is singular"),
])
def test_ridge_bad_input(args, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)").replace("^T", r"\^T")):
        ridge(*args)


# -- the λ sweep ---------------------------------------------------------------------------------------
def test_lambda_sweep_rows_are_ridge_fits_and_best_is_the_validation_minimum():
    """Each row is ridge at that λ, scored by mse; best is argmin of the validation error, never of training."""
    x, y = _data(4, 40, 9)
    xt, yt, xv, yv = x[:12], y[:12], x[12:], y[12:]
    lams = [0.0, 1, 10, 100, 1000]
    s = lambda_sweep(xt, yt, xv, yv, lams)
    for i, lam in enumerate(lams):
        w, b = ridge(xt, yt, lam)
        np.testing.assert_array_equal(s.w[i], w)
        assert s.b[i] == b
        assert s.train[i] == pytest.approx(float(mse(xt @ w + b, yt)[0]), rel=1e-12)
        assert s.validation[i] == pytest.approx(float(mse(xv @ w + b, yv)[0]), rel=1e-12)
    assert s.best == int(np.argmin(s.validation)) and s.best_lam == lams[s.best]
    assert np.all(np.diff(s.train) >= -1e-9 * s.train[:-1])       # training error rises with λ


@pytest.mark.parametrize("lams, message", [
    ([], "lambda_sweep: lams must be a non-empty sequence"),
    (3.0, "lambda_sweep: lams must be a non-empty sequence"),
    ([1.0, -2.0], "lambda_sweep: lams must be"),
])
def test_lambda_sweep_bad_lams(lams, message):
    x, y = _data(5, 10, 2)
    with pytest.raises(ValueError, match="^" + message):
        lambda_sweep(x, y, x, y, lams)


def test_lambda_sweep_feature_count_must_agree():
    x, y = _data(5, 10, 2)
    with pytest.raises(ValueError, match=r"^lambda_sweep: x_val must be \(M, D\) = \(4, 2\) \(D = 2 from x_train\); got \(4, 3\)"):
        lambda_sweep(x, y, np.ones((4, 3)), np.ones(4), [1.0])


# -- polynomial features -------------------------------------------------------------------------------
@given(seed=st.integers(0, 2**32 - 1), K=st.integers(1, 6))
def test_polynomial_features_make_the_polynomial_model(seed, K):
    """b + Φ(x)·w is polynomial_forward(x, w, b): the same powers, summed in the same order. Concept: model.polynomial."""
    rng = np.random.default_rng(seed)
    x, w = rng.uniform(-1.5, 1.5, 20), rng.normal(size=K)
    phi = polynomial_features(x, K)
    assert phi.shape == (20, K)
    np.testing.assert_array_equal(phi[:, 0], x)
    y, _ = polynomial_forward(x, w, 0.25)
    assert np.all(np.abs(0.25 + phi @ w - y) <= 4 * (K + 1) * EPS64 * (0.25 + np.abs(phi) @ np.abs(w)))


def test_polynomial_features_bad_degree():
    with pytest.raises(ValueError, match=r"^polynomial_features: degree must be an integer >= 1; got 0"):
        polynomial_features(np.ones(3), 0)


# -- bias and variance ---------------------------------------------------------------------------------
def test_bias_variance_by_hand():
    """Two models at two points: f̄ = (1, 3), truth (0, 3): bias² = (1 + 0)/2; variance = ((1 + 1)/2 + (1 + 1)/2)/2."""
    predictions = np.array([[0.0, 2.0], [2.0, 4.0]])
    bias2, variance = bias_variance(predictions, np.array([0.0, 3.0]))
    assert bias2 == 0.5 and variance == 1.0


@given(seed=st.integers(0, 2**32 - 1), M=st.integers(1, 30), P=st.integers(1, 20))
def test_bias_variance_add_up_to_the_mean_square_error(seed, M, P):
    """bias² + variance is the mean over models and points of (f* − f̂)², to float64 rounding. Concept:
    generalize.bias_variance."""
    rng = np.random.default_rng(seed)
    predictions, truth = rng.normal(size=(M, P)) * 3 + 1, rng.normal(size=P)
    bias2, variance = bias_variance(predictions, truth)
    total = np.mean((predictions - truth) ** 2)
    assert bias2 >= 0 and variance >= 0
    assert bias2 + variance == pytest.approx(total, rel=64 * EPS64 * (M + P), abs=1e-300)


def test_bias_variance_of_identical_models_is_all_bias():
    truth = np.linspace(0, 1, 5)
    predictions = np.tile(truth + 0.5, (7, 1))
    bias2, variance = bias_variance(predictions, truth)
    assert variance == 0.0 and bias2 == pytest.approx(0.25, rel=1e-15)


def test_bias_variance_of_symmetric_scatter_is_all_variance():
    """Models truth ± d (as many of each): f̄ is the truth, so bias² is 0 and the variance is d²."""
    truth = np.array([1.0, -2.0, 0.5])
    predictions = np.vstack([truth + 0.25, truth - 0.25])
    bias2, variance = bias_variance(predictions, truth)
    assert bias2 == 0.0 and variance == 0.0625


def test_bias_variance_bad_input():
    with pytest.raises(ValueError, match=r"^bias_variance: truth must be \(P,\) = \(3,\)"):
        bias_variance(np.ones((4, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"^bias_variance: predictions must be \(M, P\)"):
        bias_variance(np.ones(3), np.ones(3))


# -- f_lazy --------------------------------------------------------------------------------------------
def test_f_lazy_the_slides_example():
    """The slide: three training videos with durations 10, 20, 30 are answered exactly; any other video gets 0."""
    x_train = np.array([1.0, 2.0, 3.0])
    y_train = np.array([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(f_lazy(x_train, x_train, y_train), y_train)
    np.testing.assert_array_equal(f_lazy(np.array([4.0, 2.0, 1.5]), x_train, y_train), [0.0, 20.0, 0.0])
    np.testing.assert_array_equal(f_lazy(np.array([4.0]), x_train, y_train, other=7.5), [7.5])


@given(seed=st.integers(0, 2**32 - 1), M=st.integers(1, 40), D=st.integers(1, 4))
def test_f_lazy_has_zero_training_loss(seed, M, D):
    """On its own training data (distinct inputs) the memoriser's mse is exactly 0; on fresh inputs it answers `other`.
    Concept: generalize.lazy."""
    rng = np.random.default_rng(seed)
    x_train, y_train = rng.normal(size=(M, D)), rng.normal(size=M)
    L, _ = mse(f_lazy(x_train, x_train, y_train), y_train)
    assert L == 0.0
    fresh = rng.normal(size=(5, D)) + 100.0
    np.testing.assert_array_equal(f_lazy(fresh, x_train, y_train, other=-1.0), -1.0)


def test_f_lazy_repeated_input_gets_the_mean_label_and_keeps_dtype():
    x_train = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0]], dtype=np.float32)
    y_train = np.array([1.0, 2.0, 5.0], dtype=np.float32)
    out = f_lazy(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=np.float32), x_train, y_train)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [1.5, 5.0, 0.0])


def test_f_lazy_bad_input():
    with pytest.raises(ValueError, match=r"^f_lazy: x_train must be \(M, D\) = \(3, 2\) \(D = 2 from x\); got \(3, 3\)"):
        f_lazy(np.ones((3, 2)), np.ones((3, 3)), np.ones(3))
    with pytest.raises(ValueError, match=r"^f_lazy: y_hat_train must be \(M,\) = \(3,\)"):
        f_lazy(np.ones(2), np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=r"^f_lazy: other must be a finite real number"):
        f_lazy(np.ones(2), np.ones(3), np.ones(3), other=float("nan"))
