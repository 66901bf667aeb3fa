"""The Dropout and GaussianNoise layers of reference.keras, on every backend.

Dropout draws its mask on the host from the model's Generator, so a hand loop of the
primitives that draws from a copy of that Generator must give the same numbers.
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

import accelerated
from reference.data import dropout_mask, onehot
from reference.keras import (SGD, Activation, Dense, Dropout, GaussianNoise, Sequential, dropout, load_model)
from reference.keras.layers import core

from . import tolerance as T
from .test_keras import spying


def _data(n=8, d=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, d)), np.eye(k)[rng.integers(0, k, size=n)]


def _model(B, extra=(), seed=1, lr=0.5):
    m = Sequential(backend=B, seed=seed, dtype="float64")
    m.add(Dense(3, input_dim=3))
    m.add(Activation("sigmoid"))
    for layer in extra:
        m.add(layer)
    m.add(Dense(3, activation="softmax"))
    m.compile(loss="categorical_crossentropy", optimizer=SGD(lr=lr))
    return m


def _host(B, a):
    return np.asarray(B.to_host(a))


def test_predict_ignores_dropout_and_noise(B):
    """At test time Dropout and GaussianNoise are the identity: predict equals the same weights without them."""
    x, _ = _data()
    with_layers = _model(B, [Dropout(0.5), GaussianNoise(0.3)])
    without = _model(B, seed=2)
    without.set_weights(with_layers.get_weights())
    assert np.array_equal(with_layers.predict(x), without.predict(x))


def test_fit_step_equals_hand_loop_of_primitives(B):
    """One fit step with Dropout(0.5) equals the primitives by hand, the mask drawn from the model's Generator."""
    x, t = _data()
    rate = 0.5
    m = _model(B, [Dropout(rate)])
    m._fast_path = False                                    # the generic path, layer by layer
    W1, b1, W2, b2 = (np.array(p) for layer in m.layers for p in layer.params)
    rng = copy.deepcopy(m._rng)                             # the Generator's state fit starts from
    h = m.fit(x, t, batch_size=x.shape[0], epochs=1, shuffle=False, verbose=0)
    assert h.params["path"] == "generic"
    dev = B.to_device
    z1, c1 = B.dense_forward(dev(x), dev(W1), dev(b1), "linear")
    a1, cs = B.sigmoid_forward(z1)
    mask = dropout_mask(rng, a1.shape, rate, dtype=np.float64)
    assert 0 < mask.sum() < mask.size                        # the case drops some units and keeps some
    d1, cd = B.dropout_forward(a1, dev(mask), rate, inverted=True)
    z2, c2 = B.dense_forward(d1, dev(W2), dev(b2), "linear")
    L, dz2 = B.softmax_cross_entropy(z2, dev(t))
    dd1, dW2, db2 = B.dense_backward(dz2, c2)
    (da1,) = B.dropout_backward(dd1, cd)
    (dz1,) = B.sigmoid_backward(da1, cs)
    _, dW1, db1 = B.dense_backward(dz1, c1)
    expected = []
    for p, g in zip((W1, b1, W2, b2), (dW1, db1, dW2, db2)):
        new, _ = B.sgd_update(dev(p), g, (), eta=0.5)
        expected.append(_host(B, new))
    got = [np.array(p) for layer in m.layers for p in layer.params]
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(g, e)                 # the same primitives on the same data
    assert h.history["loss"][0] == float(L)


def test_rate_zero_trains_exactly_as_without_the_layer(B):
    """Dropout(0) keeps every unit and draws nothing: two epochs with shuffling give the same weights."""
    x, t = _data()
    a = _model(B, [Dropout(0.0)])
    b = _model(B)
    a._fast_path = b._fast_path = False
    ha = a.fit(x, t, batch_size=4, epochs=2, verbose=0)
    hb = b.fit(x, t, batch_size=4, epochs=2, verbose=0)
    assert ha.history["loss"] == hb.history["loss"]
    assert all(np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights()))


def test_dropout_changes_training(B):
    """A rate > 0 takes effect: the trained weights differ from those of the model without the layer."""
    x, t = _data()
    a = _model(B, [Dropout(0.5)])
    b = _model(B)
    a.fit(x, t, batch_size=4, epochs=1, shuffle=False, verbose=0)
    b.fit(x, t, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert any(not np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights()))


def test_gaussian_noise_training_adds_host_noise_and_passes_gradient(B):
    """GaussianNoise in training adds add_gaussian_noise's draw; backward gives dout back; test time: identity."""
    x, _ = _data()
    layer = GaussianNoise(0.25)
    rng = np.random.default_rng(5)
    out, cache = layer.forward(B, B.to_device(x), (), training=True, rng=copy.deepcopy(rng))
    noise = rng.normal(0.0, 0.25, size=x.shape)
    np.testing.assert_array_equal(_host(B, out), x + noise)
    dout = B.to_device(np.ones_like(x))
    dx, grads = layer.backward(B, dout, cache)
    assert dx is dout and grads == ()
    same, _ = layer.forward(B, B.to_device(x), (), training=False, rng=rng)
    np.testing.assert_array_equal(_host(B, same), x)


def test_save_load_roundtrip_keeps_the_layers(B, tmp_path):
    x, _ = _data()
    m = _model(B, [Dropout(0.25), GaussianNoise(0.1)])
    path = tmp_path / "m.npz"
    m.save(path)
    loaded = load_model(path, backend=B)
    assert loaded.get_config() == m.get_config()
    kinds = [type(layer) for layer in loaded.layers]
    assert kinds[2:4] == [Dropout, GaussianNoise]
    assert loaded.layers[2].rate == 0.25 and loaded.layers[3].stddev == 0.1
    assert np.array_equal(loaded.predict(x), m.predict(x))


@pytest.mark.parametrize("rate", [-0.1, 1, 1.5, float("nan"), True, "0.5", None])
def test_bad_rate_errors(rate):
    with pytest.raises(ValueError, match=r"Dropout: rate .* \[0, 1\); got"):
        Dropout(rate)


@pytest.mark.parametrize("stddev", [-1.0, float("inf"), False, "1"])
def test_bad_stddev_errors(stddev):
    with pytest.raises(ValueError, match=r"GaussianNoise: stddev must be a finite number >= 0; got"):
        GaussianNoise(stddev)


def test_slide_spelling_and_summary():
    """``dropout(0.8)`` (the slide's spelling) is a Dropout; summary lists it with 0 parameters."""
    layer = dropout(0.8)
    assert type(layer) is Dropout and layer.rate == 0.8 and core.Dropout is Dropout
    m = Sequential([Dense(5, input_dim=4), dropout(0.8), Dense(2, activation="softmax")], seed=0)
    lines = []
    m.summary(print_fn=lines.append)
    rows = [line for line in lines if line.startswith("dropout_1")]
    assert len(rows) == 1 and re.search(r"\(Dropout\)\s+\(None, 5\)\s+0\s*$", rows[0])
    assert m.layers[1].count_params() == 0 and m.count_params() == 4 * 5 + 5 + 5 * 2 + 2


def test_summary_columns_stay_apart_for_long_names():
    """A layer name longer than Keras's 29-character column ("gaussian_noise_1 (GaussianNoise)") widens the
    column: every row still splits into name, shape and count at two or more spaces."""
    m = Sequential([Dense(5, input_dim=4), GaussianNoise(0.1), Dense(2, activation="softmax")], seed=0)
    lines = []
    m.summary(print_fn=lines.append)
    row = next(line for line in lines if line.startswith("gaussian_noise_1"))
    assert re.split(r"\s{2,}", row.strip()) == ["gaussian_noise_1 (GaussianNoise)", "(None, 5)", "0"]
    header = next(line for line in lines if line.startswith("Layer (type)"))
    assert header.index("Output Shape") == row.index("(None, 5)")
    rules = {len(line) for line in lines if set(line) <= {"_", "="} and line}
    assert len(rules) == 1 and rules.pop() >= len(row)
# -- the fused path --------------------------------------------------------------------------------------
def _drop_model(B, dtype, fast, rates=(0.25, 0.5)):
    """Dropout of the input and of the hidden layer's output: Dropout, Dense, sigmoid, Dropout, Dense softmax."""
    m = Sequential(backend=B, seed=1, dtype=dtype)
    m.add(Dropout(rates[0], input_dim=3))
    m.add(Dense(3, activation="sigmoid"))
    m.add(dropout(rates[1]))
    m.add(Dense(3))
    m.add(Activation("softmax"))
    m.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.5))
    m._fast_path = fast
    return m


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_fast_path_with_dropout_equals_generic_path(B, dtype):
    """With Dropout layers, fit's fused path (one mlp_epoch per epoch, the masks drawn on the host and passed as
    data) and its generic path (dropout_forward/backward per batch) draw the same masks from the model's Generator
    and give the same weights and losses within the bound of the replayed epochs.

    8 examples, batches of 5 and 3, 2 shuffled epochs. The masks of the bound's replay are drawn by hand, from a
    copy of the model's Generator, in the order the generic path draws them (each epoch's permutation, then per
    batch the input's mask and the hidden layer's); after the fit both models' Generators are in the same state.
    """
    x, t = _data()
    runs = {}
    for fast in (True, False):
        spied, spy = spying(B)
        m = _drop_model(spied, dtype, fast)
        start = [w.copy() for w in m.get_weights()]
        rng = copy.deepcopy(m._rng)
        h = m.fit(x, t, batch_size=5, epochs=2, verbose=0)
        runs[fast] = (m, h, spy)
    (mf, hf, spy_f), (mg, hg, spy_g) = runs[True], runs[False]
    assert hf.params["path"] == "fast" and hg.params["path"] == "generic"
    assert spy_f.names().count("mlp_epoch") == 2 and "dropout_forward" not in spy_f.names()
    assert spy_g.names().count("dropout_forward") == 2 * 2 * 2 and "mlp_epoch" not in spy_g.names()
    masks_given = [c[2]["masks"] for c in spy_f.calls if c[0] == "mlp_epoch"]
    assert all(c[2]["rates"] == (0.25, 0.5) for c in spy_f.calls if c[0] == "mlp_epoch")
    assert mf._rng.bit_generator.state == mg._rng.bit_generator.state
    # the replay: the same draws by hand
    params = [w.T if w.ndim == 2 else w for w in start]
    target = t.astype(dtype)
    bounds = []
    for epoch in range(2):
        order = rng.permutation(8)
        parts = [[], []]
        for nb in (5, 3):
            parts[0].append(dropout_mask(rng, (nb, 3), 0.25, dtype=np.dtype(dtype)))
            parts[1].append(dropout_mask(rng, (nb, 3), 0.5, dtype=np.dtype(dtype)))
        masks = [np.concatenate(p) for p in parts]
        for given, drawn in zip(masks_given[epoch], masks):
            np.testing.assert_array_equal(np.asarray(given), drawn)     # the fused path got the generic draws
        assert 0 < sum(m.sum() for m in masks) < sum(m.size for m in masks)
        params, losses = T.mlp_epoch(x.astype(dtype), target, params, order, 5, 0.5, "sigmoid", "softmax",
                                     "cross_entropy", masks=masks, rates=[0.25, 0.5])
        bounds.append(losses)
    for i, (a, b, bound) in enumerate(zip(mf.get_weights(), mg.get_weights(), params)):
        T.assert_close(f"{B.name} weight {i} ({np.dtype(dtype)})", a, b, bound.T if a.ndim == 2 else bound)
        T.assert_close(f"{B.name} weight {i} vs the replay", a, (bound.T if a.ndim == 2 else bound).v.astype(dtype),
                       bound.T if a.ndim == 2 else bound)
    sizes = np.array([5, 3])
    for epoch, bound in enumerate(bounds):
        tol = np.dot(sizes, bound.tol) / 8 + 1e-15        # the weighted mean itself is taken in float64
        assert abs(hf.history["loss"][epoch] - hg.history["loss"][epoch]) <= tol
        assert abs(hf.history["loss"][epoch] - np.dot(sizes, bound.v) / 8) <= tol


def test_fit_fast_path_rate_zero_is_the_model_without_dropout(B):
    """Dropout(0) layers leave the fused epoch exactly as without them: the same mlp_epoch call with no masks
    (nothing drawn), so the same weights and losses bit for bit."""
    x, t = _data()
    a = _drop_model(B, np.float64, True, rates=(0.0, 0.0))
    b = Sequential(backend=B, seed=1, dtype="float64")
    b.add(Dense(3, activation="sigmoid", input_dim=3))
    b.add(Dense(3))
    b.add(Activation("softmax"))
    b.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.5))
    b.set_weights(a.get_weights())
    assert a._fast_plan(a._compiled, 2) == b._fast_plan(b._compiled, 2) and "rates" not in a._fast_plan(a._compiled)
    ha = a.fit(x, t, batch_size=3, epochs=2, verbose=0)
    hb = b.fit(x, t, batch_size=3, epochs=2, verbose=0)
    assert ha.params["path"] == hb.params["path"] == "fast"
    assert ha.history["loss"] == hb.history["loss"]
    assert all(np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights()))


def _plan(B, layers, loss="categorical_crossentropy"):
    m = Sequential(layers, backend=B, seed=0)
    m.compile(loss=loss, optimizer=SGD(lr=0.1))
    return m._fast_plan(m._compiled, 2)


def test_fast_plan_with_dropout_layers(B):
    """The fused path takes one Dropout before any Dense (the network's input or a hidden layer's output), with
    each Dense's rate in the plan; it declines a Dropout after the last Dense, two in a row, and one between a
    Dense and its Activation (the mask would fall on the scores before the activation)."""
    plan = _plan(B, [Dense(4, input_dim=3, activation="sigmoid"), dropout(0.8), Dense(4), Activation("sigmoid"),
                     Dropout(0.5), Dense(2, activation="softmax")])
    assert plan == {"activation": "sigmoid", "output": "softmax", "loss": "cross_entropy", "rates": (0.0, 0.8, 0.5)}
    assert _plan(B, [Dropout(0.2, input_dim=3), Dense(2, activation="softmax")])["rates"] == (0.2,)
    assert _plan(B, [Dense(4, input_dim=3, activation="sigmoid"), Dense(2)], "mse") is not None
    assert _plan(B, [Dense(4, input_dim=3, activation="sigmoid"), Dense(2), Dropout(0.5)], "mse") is None
    assert _plan(B, [Dense(4, input_dim=3, activation="sigmoid"), Dropout(0.5), Dropout(0.5),
                     Dense(2, activation="softmax")]) is None
    assert _plan(B, [Dense(4, input_dim=3), Dropout(0.5), Activation("sigmoid"),
                     Dense(2, activation="softmax")]) is None
    assert _plan(B, [Dense(4, input_dim=3, activation="sigmoid"), GaussianNoise(0.1),
                     Dense(2, activation="softmax")]) is None


def test_fit_fast_path_with_dropout_on_the_digits(B):
    """The slide's network with two dropout(0.8) layers (500-500 sigmoid, softmax, SGD) on the digits: the fused
    path and the generic path give the same first-epoch loss and weights within a float64 rounding bound
    scaled by the sums of the products (|W| |a| grows with the widths), and dropout takes effect."""
    if B.name == "cuda" and accelerated.cuda_simulated():
        pytest.skip("the digits network is too large for the CUDA simulator (the tiny cases cover cuda)")
    from reference.data import load_digits

    (x, y), _ = load_digits()
    x, y = x[:300], y[:300]
    out = {}
    for fast in (True, False):
        m = Sequential([Dense(500, input_dim=64, activation="sigmoid"), dropout(0.8),
                        Dense(500, activation="sigmoid"), dropout(0.8), Dense(10, activation="softmax")],
                       backend=B, seed=0, dtype="float64")
        m.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.1))
        m._fast_path = fast
        h = m.fit(x, y, batch_size=100, epochs=1, verbose=0)
        out[fast] = (h, m.get_weights())
    assert out[True][0].params["path"] == "fast" and out[False][0].params["path"] == "generic"
    (hf, wf), (hg, wg) = out[True], out[False]
    t = onehot(y, 10)
    # The replayed bound of the same epoch (the draws by hand) is the reference for the tolerance.
    m0 = Sequential([Dense(500, input_dim=64, activation="sigmoid"), dropout(0.8),
                     Dense(500, activation="sigmoid"), dropout(0.8), Dense(10, activation="softmax")],
                    backend=B, seed=0, dtype="float64")
    rng = copy.deepcopy(m0._rng)
    order = rng.permutation(300)
    parts = [[], []]
    for _ in range(3):
        parts[0].append(dropout_mask(rng, (100, 500), 0.8))
        parts[1].append(dropout_mask(rng, (100, 500), 0.8))
    masks = [None] + [np.concatenate(p) for p in parts]
    params = [w.T if w.ndim == 2 else w for w in m0.get_weights()]
    bound_p, bound_L = T.mlp_epoch(x, t, params, order, 100, 0.1, "sigmoid", "softmax", "cross_entropy",
                                   masks=masks, rates=[0.0, 0.8, 0.8])
    tol = np.dot([100, 100, 100], bound_L.tol) / 300 + 1e-15
    assert abs(hf.history["loss"][0] - hg.history["loss"][0]) <= tol
    for i, (a, b, bd) in enumerate(zip(wf, wg, bound_p)):
        T.assert_close(f"{B.name} digits weight {i}", a, b, bd.T if a.ndim == 2 else bd)
