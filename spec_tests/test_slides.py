"""The lectures' worked numbers and constructions, on every backend."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.data import batches, epoch_order, load_views

from . import strategies as S
from . import tolerance as T


# -- 000 "Optimization of New Model": updates per epoch -----------------------------------------------
@pytest.mark.parametrize("N, B_, updates", [(10_000, 10, 1_000), (1_000, 100, 10)])
def test_batches_slide_updates_per_epoch(N, B_, updates):
    """batches cuts the slide's epochs into 1,000 (N = 10,000, B = 10) and 10 (N = 1,000, B = 100).

    Concept: batch.epoch.
    """
    assert len(batches(epoch_order(N, np.random.default_rng(0)), B_)) == updates


@pytest.mark.parametrize("N, B_, updates", [(10_000, 10, 1_000), (1_000, 100, 10)])
def test_network_epoch_slide_updates_per_epoch(B, N, B_, updates):
    """network_epoch makes the slide's 1,000 and 10 updates per epoch, on every backend.

    Counted by its returned batch losses; N = 10,000, B = 10 and N = 1,000, B = 100 (000 "Optimization of New Model").

    Concept: batch.epoch, batch.minibatch.
    """
    if S.simulated(B) and N > 1_000:
        pytest.skip("1,000 batches take minutes on the CUDA simulator; the N = 1,000 example runs there")
    x = np.linspace(-1, 1, N)[:, None]
    y_hat = 3 * x[:, 0] + 1
    (c, b), losses = B.network_epoch(x, y_hat, np.zeros(1), 0.0, order=epoch_order(N, np.random.default_rng(1)),
                                     batch_size=B_, eta=0.05)
    assert losses.shape == (updates,)
    assert losses[-1] < losses[0]                      # and the updates did something


@given(N=st.integers(1, 60), B_=st.integers(1, 70))
def test_network_epoch_makes_ceil_n_over_b_updates(N, B_):
    """network_epoch (reference) returns ceil(N / B) batch losses for any N and B, the last batch smaller.

    Concept: batch.epoch.
    """
    import reference

    x = np.ones((N, 1))
    _, losses = reference.network_epoch(x, np.zeros(N), np.ones(1), 0.0, batch_size=B_, eta=0.01)
    assert losses.shape == (math.ceil(N / B_),)


# -- 000 / reference docstring: the views model ------------------------------------------------------
def test_linear_forward_slide_prediction(B):
    """linear_forward with y = 0.1k + 0.97 x1 predicts 4728.84 and 3831.59 from 4772 and 3847.

    000, "Machine Learning is so simple", on the 2021 table; both dtypes.

    Concept: model.linear1, data.views.
    """
    views = load_views(2021)["views"]
    x1 = views[-3:-1]
    assert x1.tolist() == [4772.0, 3847.0]
    for dtype in S.DTYPES:
        y, _ = B.linear_forward(x1[:, None].astype(dtype), np.array([0.97], dtype=dtype), 100.0)
        assert y.dtype == dtype
        np.testing.assert_allclose(y, [4728.84, 3831.59], rtol=4 * T.u_of(dtype), atol=1e-9)


def test_mse_mae_of_slide_model_on_2021_views(B):
    """mse and mae of the slide's y = 0.1k + 0.97 x1 on the 2021 views equal the residuals' means.

    x1 = the day before; the residuals written out day by day.

    Concept: loss.mse, loss.mae, data.views.
    """
    views = load_views(2021)["views"]
    x1, y_hat = views[:-1], views[1:]
    y = 100.0 + 0.97 * x1
    residual = [yi - ti for yi, ti in zip(y.tolist(), y_hat.tolist())]
    want_mse = sum(r * r for r in residual) / len(residual)
    want_mae = sum(abs(r) for r in residual) / len(residual)
    L_mse, _ = B.mse(y, y_hat)
    L_mae, _ = B.mae(y, y_hat)
    assert abs(L_mse - want_mse) <= T.loss_value("mse", y, y_hat).tol
    assert abs(L_mae - want_mae) <= T.loss_value("mae", y, y_hat).tol


# -- 002 / 003: the worked example network ---------------------------------------------------------
FC_EXAMPLE = [
    (np.array([[1.0, -2.0], [-1.0, 1.0]]), np.array([1.0, 0.0])),
    (np.array([[2.0, -1.0], [-2.0, -1.0]]), np.array([0.0, 0.0])),
    (np.array([[3.0, -1.0], [-1.0, 4.0]]), np.array([-2.0, 2.0])),
]


def test_dense_forward_slide_example_network(B):
    """dense_forward reproduces the slides' example network: [1, -1] -> [0.62, 0.83], [0, 0] -> [0.51, 0.85].

    Three sigmoid layers with the slide's weights (002 "Neural Network", 003 "Fully Connect Feedforward
    Network"), to the slide's 2 decimals.

    Concept: model.fc_example, model.dense.
    """
    for dtype in S.DTYPES:
        a = np.array([[1.0, -1.0], [0.0, 0.0]], dtype=dtype)
        for W, b in FC_EXAMPLE:
            a, _ = B.dense_forward(a, W.astype(dtype), b.astype(dtype), activation="sigmoid")
        assert a.dtype == dtype
        np.testing.assert_array_equal(np.round(a.astype(np.float64), 2), [[0.62, 0.83], [0.51, 0.85]])


# -- 000 "All Piecewise Linear Curves", "Sigmoid -> ReLU" ----------------------------------------------
@st.composite
def piecewise_curves(draw):
    """Breakpoints k_0 < ... < k_m (at least 0.25 apart) and the curve's values v_0 .. v_m there."""
    m = draw(st.integers(1, 5))
    gaps = draw(st.lists(st.integers(1, 12), min_size=m, max_size=m))
    start = draw(st.integers(-8, 0))
    k = (start + np.cumsum([0] + gaps)) / 4.0
    v = np.array(draw(st.lists(st.integers(-20, 20), min_size=m + 1, max_size=m + 1)), dtype=np.float64) / 4
    return k, v


def _hard_sigmoid_params(k, v):
    """y = v_0 + sum_i (v_i - v_{i-1}) hard_sigmoid((x - k_{i-1}) / (k_i - k_{i-1}))."""
    width = np.diff(k)
    W1 = (1 / width)[:, None]
    b1 = -k[:-1] / width
    return W1, b1, np.diff(v), np.float64(v[0])


def test_network_forward_piecewise_linear_is_sum_of_hard_sigmoids(B):
    """network_forward with hard sigmoid units draws any piecewise linear curve (000).

    A constant plus a sum of hard sigmoids built from the breakpoints equals numpy.interp of the curve, up to
    the rounding of the computation and of the parameters 1/width and -k/width.

    Concept: model.hard_sigmoid.
    """
    @S.for_backend(B)
    @given(curve=piecewise_curves(), x=st.lists(st.floats(-6, 20), min_size=1, max_size=9))
    def check(curve, x):
        k, v = curve
        x = np.array(x)[:, None]
        params = _hard_sigmoid_params(k, v)
        y, _ = B.network_forward(x, *params, activation="hard_sigmoid")
        want = np.interp(x[:, 0], k, v)
        u = T.u_of(np.float64)
        W1, b1, c, _ = params
        param_rounding = (np.abs(c) * 2 * u * (np.abs(x * W1[:, 0]) + np.abs(b1))).sum(axis=1)
        interp_rounding = 4 * u * (np.abs(v).max() + np.abs(np.diff(v)).max())
        bound = T.network_forward(x, params, "hard_sigmoid")[0].e
        assert np.all(np.abs(y - want) <= 2 * bound + param_rounding + interp_rounding)
    check()


def test_network_forward_hard_sigmoid_is_two_relus(B):
    """network_forward: each hard sigmoid unit equals two ReLU units (000 "Sigmoid -> ReLU").

    c max(0, r) - c max(0, r - 1): a ReLU network with twice the units draws the same curve, up to the
    rounding of b - 1.

    Concept: model.relu_sum.
    """
    @S.for_backend(B)
    @given(curve=piecewise_curves(), x=st.lists(st.floats(-6, 20), min_size=1, max_size=9))
    def check(curve, x):
        k, v = curve
        x = np.array(x)[:, None]
        W1, b1, c, b = _hard_sigmoid_params(k, v)
        relu_params = (np.vstack([W1, W1]), np.concatenate([b1, b1 - 1]), np.concatenate([c, -c]), b)
        y_hard, _ = B.network_forward(x, W1, b1, c, b, activation="hard_sigmoid")
        y_relu, _ = B.network_forward(x, *relu_params, activation="relu")
        bound = T.network_forward(x, (W1, b1, c, b), "hard_sigmoid")[0].e \
            + T.network_forward(x, relu_params, "relu")[0].e \
            + (np.abs(c) * T.u_of(np.float64) * np.abs(b1 - 1)).sum()
        assert np.all(np.abs(y_hard - y_relu) <= bound)
    check()


def test_mlp_forward_slide_example_network(B):
    """mlp_forward reproduces the worked example of 002/003: f([1, -1]) = [0.62, 0.83], f([0, 0]) = [0.51, 0.85].

    W1 = [[1, -2], [-1, 1]], b1 = [1, 0]; W2 = [[2, -1], [-2, -1]], b2 = [0, 0]; W3 = [[3, -1], [-1, 4]],
    b3 = [-2, 2]; sigmoid in the hidden layers and at the output (002 "Neural Network", 003 "Fully Connect
    Feedforward Network"), to the slide's 2 decimals, both dtypes. The slide's matrices are in the primitives'
    layout W (H, D), one row per unit: read with one column per unit instead (W.T), they give [0.58, 0.90] and
    [0.40, 0.91], which is not the slide's figure.

    Concept: model.fc_example, model.dense.
    """
    params = tuple(p for W, b in FC_EXAMPLE for p in (W, b))
    x = np.array([[1.0, -1.0], [0.0, 0.0]])
    for dtype in S.DTYPES:
        y, _ = B.mlp_forward(x.astype(dtype), *(p.astype(dtype) for p in params), activation="sigmoid",
                             output="sigmoid")
        assert y.dtype == dtype and y.shape == (2, 2)
        np.testing.assert_array_equal(np.round(y.astype(np.float64), 2), [[0.62, 0.83], [0.51, 0.85]])
        bound = T.mlp_forward(x.astype(dtype), [p.astype(dtype) for p in params], "sigmoid", "sigmoid")[0]
        exact = bound.v * 100
        assert np.all(np.abs(exact - np.round(exact) - 0.5 * np.sign(exact - np.round(exact))) > 100 * bound.tol), \
            "an output lies within rounding of a 2-decimal boundary: the check would be fragile"
    transposed = tuple(p.T if p.ndim == 2 else p for p in params)
    y_t, _ = B.mlp_forward(x, *transposed, activation="sigmoid", output="sigmoid")
    np.testing.assert_array_equal(np.round(y_t, 2), [[0.58, 0.90], [0.40, 0.91]])


def test_mlp_forward_slide_example_softmax_output(B):
    """mlp_forward with the example's weights and a softmax output: each row a distribution, ordered like the scores.

    002 "Output Layer as Multi-Class Classifier": the softmax keeps the order of the last layer's z and sums to 1.

    Concept: model.softmax, model.fc_example.
    """
    params = tuple(p for W, b in FC_EXAMPLE for p in (W, b))
    x = np.array([[1.0, -1.0], [0.0, 0.0], [3.0, 2.0]])
    y, _ = B.mlp_forward(x, *params, activation="sigmoid", output="softmax")
    z, _ = B.mlp_forward(x, *params, activation="sigmoid", output="linear")
    bound = T.mlp_forward(x, params, "sigmoid", "softmax")[0]
    assert np.all(np.abs(y.sum(axis=1) - 1) <= bound.e.sum(axis=1) + 2 * T.u_of(np.float64))
    np.testing.assert_array_equal(np.argsort(y, axis=1), np.argsort(z, axis=1))
