"""Training loops written once on the primitives (``reference.training``), on every backend."""

import numpy as np
import pytest

from reference.data import epoch_order
from reference.training import (RECIPE, evaluate, init_params, layer_gradient_norms, mlp_param_count, recipe,
                                train_network, width_for_budget)

from . import strategies as S
from . import tolerance as T


def _tiny_problem(dtype, n=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(dtype)
    y_hat = (np.sin(2 * x[:, 0]) + 0.5 * x[:, 1]).astype(dtype)
    return x, y_hat


def test_init_params_shapes_dtype_and_reproducibility():
    """init_params gives the network's shapes in the dtype, zero biases, the same for the same seed.

    (D, H1, ..., HL) gives W_l (H_l, H_{l-1}), b_l, c (H_L,) and b = 0; (D,) alone the linear model's (c, b).
    """
    for dtype in S.DTYPES:
        p = init_params((3, 5, 4), np.random.default_rng(1), dtype=dtype)
        assert [np.shape(a) for a in p] == [(5, 3), (5,), (4, 5), (4,), (4,), ()]
        assert all(np.asarray(a).dtype == dtype for a in p)
        assert np.all(p[1] == 0) and np.all(p[3] == 0) and p[5] == 0 and isinstance(p[5], np.generic)
        q = init_params((3, 5, 4), np.random.default_rng(1), dtype=dtype)
        assert all(np.array_equal(a, b) for a, b in zip(p, q))
        c, b = init_params((3,), np.random.default_rng(1), dtype=dtype)
        assert c.shape == (3,) and b == 0


def test_init_params_scale():
    """init_params draws W_l from N(0, s^2 / fan-in), s^2 = 2 for the ReLU and 1 otherwise.

    On a 400 x 300 layer the sample std is within 3 % of that (120,000 draws: its standard error is 0.2 %).
    """
    for activation, gain in (("relu", 2.0), ("sigmoid", 1.0)):
        W = init_params((300, 400), np.random.default_rng(0), activation=activation)[0]
        assert abs(W.std() / np.sqrt(gain / 300) - 1) < 0.03 and abs(W.mean()) < 0.01


def test_init_params_rejects_bad_arguments():
    """init_params raises ValueError naming rng, sizes, activation or dtype."""
    rng = np.random.default_rng(0)
    cases = [((3, 4), dict(rng=42), "init_params: rng"), ((3, 0), {}, "init_params: sizes"),
             ((), {}, "init_params: sizes"), ((3, 4), dict(activation="softmax"), "init_params: activation"),
             ((3, 4), dict(dtype=np.int32), "init_params: dtype")]
    for sizes, kw, message in cases:
        kw = {"rng": rng, **kw}
        with pytest.raises(ValueError, match="^" + message):
            init_params(sizes, **kw)


def test_evaluate_is_loss_of_network_forward(B):
    """evaluate(x, y_hat, params) is the loss of one network_forward pass, as a Python float, on every backend."""
    x, y_hat = _tiny_problem(np.float64)
    params = init_params((2, 3), np.random.default_rng(2), activation="sigmoid")
    for loss in ("mse", "mae"):
        got = evaluate(x, y_hat, params, activation="sigmoid", loss=loss, backend=B)
        assert isinstance(got, float)
        y, _ = B.network_forward(x, *params, activation="sigmoid")
        want, _ = getattr(B, loss)(y, y_hat)
        assert got == float(want)


def _history_bound(x, y_hat, params, epochs, batch_size, eta, activation, loss, seed):
    """Replay train_network in the error-bound engine: the same orders, every epoch and evaluation."""
    rng = np.random.default_rng(seed)
    p, bounds = list(params), []
    for _ in range(epochs):
        order = epoch_order(x.shape[0], rng)
        p, _ = T.network_epoch(x, y_hat, p, order, batch_size, eta, activation, loss)
        y, _ = T.network_forward(x, p, activation)
        bounds.append(T.loss_value(loss, y, y_hat))
    return p, bounds


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_train_network_same_history_on_every_backend(A, R, activation):
    """train_network gives the reference's loss history and parameters on every backend.

    A tiny network (2 -> 3 -> 1, 8 examples, 3 epochs of batches of 3, seed 5), within the bounds of every
    epoch replayed.
    """
    for dtype in S.DTYPES:
        x, y_hat = _tiny_problem(dtype)
        params = init_params((2, 3), np.random.default_rng(4), activation=activation, dtype=dtype)
        kw = dict(epochs=3, batch_size=3, eta=0.1, activation=activation, loss="mse")
        p_bound, L_bounds = _history_bound(x, y_hat, params, 3, 3, 0.1, activation, "mse", 5)
        got_p, got = train_network(x, y_hat, params, rng=np.random.default_rng(5), backend=A, **kw)
        want_p, want = train_network(x, y_hat, params, rng=np.random.default_rng(5), backend=R, **kw)
        assert len(got["loss"]) == 3 and got["val_loss"] == []
        for epoch, (g, r, bd) in enumerate(zip(got["loss"], want["loss"], L_bounds)):
            assert abs(g - r) <= bd.tol, f"{A.name} epoch {epoch + 1}: {g} vs {r} (tolerance {bd.tol})"
        for k, (g, r, bd) in enumerate(zip(got_p, want_p, p_bound)):
            assert isinstance(g, (np.ndarray, np.generic)), f"{A.name}: parameter {k} is not on the host"
            T.assert_close(f"{A.name}.train_network param {k}", g, r, bd)


def test_train_network_history_and_inputs(B):
    """train_network returns host parameters and one loss per epoch, changing no input.

    The parameters keep their shapes and dtype; the history holds loss and val_loss per epoch and the wall time.
    """
    x, y_hat = _tiny_problem(np.float32)
    x_val, y_val = _tiny_problem(np.float32, n=5, seed=1)
    params = init_params((2, 4), np.random.default_rng(0), dtype=np.float32)
    before = [np.array(p, copy=True) for p in params]
    new, history = train_network(x, y_hat, params, epochs=2, batch_size=4, eta=0.05, rng=np.random.default_rng(1),
                                 validation=(x_val, y_val), backend=B)
    assert all(np.array_equal(p, q) for p, q in zip(params, before))
    assert [np.shape(p) for p in new] == [np.shape(p) for p in params]
    assert all(isinstance(p, (np.ndarray, np.generic)) and p.dtype == np.float32 for p in new)
    assert len(history["loss"]) == len(history["val_loss"]) == 2 and history["seconds"] > 0
    assert all(isinstance(v, float) for v in history["loss"] + history["val_loss"])


def test_train_network_lowers_training_loss(B):
    """train_network improves the training loss of a small learnable problem (10 epochs of 2 batches, eta = 0.3).

    Concept: gd.loop.
    """
    x, y_hat = _tiny_problem(np.float64, n=16)
    params = init_params((2, 8), np.random.default_rng(3), activation="sigmoid")
    start = evaluate(x, y_hat, params, activation="sigmoid", backend=B)
    _, history = train_network(x, y_hat, params, epochs=10, batch_size=8, eta=0.3, activation="sigmoid",
                               rng=np.random.default_rng(0), backend=B)
    assert history["loss"][-1] < 0.5 * start


def test_train_network_rejects_bad_arguments():
    """train_network raises ValueError naming epochs (< 1) or rng (not a Generator)."""
    x, y_hat = _tiny_problem(np.float64)
    params = init_params((2, 3), np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^train_network: epochs must be an integer >= 1"):
        train_network(x, y_hat, params, epochs=0, batch_size=2, eta=0.1)
    with pytest.raises(ValueError, match=r"^train_network: rng must be"):
        train_network(x, y_hat, params, epochs=1, batch_size=2, eta=0.1, rng=7)


def _sigmoid_mlp(rng, sizes):
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(0, np.sqrt(1 / fan_in), (fan_out, fan_in)), np.zeros(fan_out)]
    return tuple(params)


def test_layer_gradient_norms_are_the_norms_of_mlp_backward(B):
    """Each entry is ||dL/dW^l|| of the backend's own mlp_backward, input layer first (act.vanishing).

    Concept: act.vanishing.
    """
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 4)), np.eye(3)[rng.integers(0, 3, 6)]
    params = _sigmoid_mlp(rng, [4, 5, 5, 3])
    got = layer_gradient_norms(x, y, *params, activation="sigmoid", backend=B)
    z, cache = B.mlp_forward(x, *params, activation="sigmoid", output="linear")
    _, dz = B.softmax_cross_entropy(z, y)
    _, *grads = B.mlp_backward(dz, cache)
    want = [np.linalg.norm(np.asarray(B.to_host(g))) for g in grads[0::2]]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert got.shape == (3,)


def test_layer_gradient_norms_vanish_with_sigmoid_not_relu():
    """In a 9-layer network the first layer's gradient is far smaller than the last's with sigmoids,
    not with ReLUs (003 "Vanishing Gradient Problem").

    Concept: act.vanishing.
    """
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(32, 8)), np.eye(3)[rng.integers(0, 3, 32)]
    sizes = [8] + [16] * 8 + [3]
    sigmoid = layer_gradient_norms(x, y, *_sigmoid_mlp(rng, sizes), activation="sigmoid")
    relu_params = tuple(p * np.sqrt(2) if p.ndim == 2 else p for p in _sigmoid_mlp(rng, sizes))   # He scale
    relu = layer_gradient_norms(x, y, *relu_params, activation="relu")
    assert sigmoid[0] / sigmoid[-1] < 1e-3
    assert relu[0] / relu[-1] > 1e-1


def test_layer_gradient_norms_rejects_cross_entropy_without_softmax():
    rng = np.random.default_rng(2)
    params = _sigmoid_mlp(rng, [2, 2])
    with pytest.raises(ValueError, match="layer_gradient_norms: loss 'cross_entropy' needs output 'softmax'"):
        layer_gradient_norms(np.ones((1, 2)), np.ones((1, 2)), *params, output="sigmoid")


def test_mlp_param_count_counts_weights_and_biases():
    """(D+1)H per layer: the hello-world network 64-500-500-10 has 288,010 parameters.

    Concept: model.deep_vs_fat.
    """
    assert mlp_param_count([64, 500, 500, 10]) == 64 * 500 + 500 + 500 * 500 + 500 + 500 * 10 + 10
    rng = np.random.default_rng(3)
    assert mlp_param_count([4, 5, 3]) == sum(p.size for p in _sigmoid_mlp(rng, [4, 5, 3]))
    with pytest.raises(ValueError, match="mlp_param_count: sizes must be"):
        mlp_param_count([4])


def test_width_for_budget_reproduces_the_slides_fat_networks():
    """Seide et al. 2011 (003 "Why Deep?"): with their 429 inputs and 9304 outputs, one hidden layer with
    the parameters of 5 x 2k is 1 x 3772 (printed on the slide) and of 7 x 2k is 1 x 4634 (this counts
    4635: one unit of rounding, the paper's exact bias convention is not on the slide).

    Concept: model.deep_vs_fat.
    """
    D, K = 429, 9304
    assert width_for_budget(D, K, 1, mlp_param_count([D] + [2048] * 5 + [K])) == 3772
    assert abs(width_for_budget(D, K, 1, mlp_param_count([D] + [2048] * 7 + [K])) - 4634) <= 1
    for depth in (1, 2, 5):                      # the width found spends the budget to within one unit
        budget = mlp_param_count([64, 300, 300, 10])
        H = width_for_budget(64, 10, depth, budget)
        assert mlp_param_count([64] + [H] * depth + [10]) <= budget + mlp_param_count([64] + [1] * depth + [10])
        assert mlp_param_count([64] + [H + 1] * depth + [10]) > budget


def test_recipe_follows_the_flow_chart():
    """Training data first: not good there is an optimisation problem whatever the testing data say;
    good there and not on testing data is overfitting (003 "Recipe of Deep Learning").

    Concept: recipe.flow.
    """
    assert recipe(False) == recipe(False, True) == recipe(False, False) == "training"
    assert recipe(True, False) == "testing"
    assert recipe(True, True) == "done"
    assert set(RECIPE) == {"training", "testing", "done"}
    with pytest.raises(ValueError, match="recipe: good_on_testing must be True or False"):
        recipe(True)
    with pytest.raises(ValueError, match="recipe: good_on_training must be True or False; got 0.5"):
        recipe(0.5)
