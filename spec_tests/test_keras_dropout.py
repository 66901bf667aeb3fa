"""The Dropout and GaussianNoise layers of reference.keras, on every backend.

Dropout draws its mask on the host from the model's Generator, so a hand loop of the
primitives that draws from a copy of that Generator must give the same numbers.
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

from reference.data import dropout_mask
from reference.keras import (SGD, Activation, Dense, Dropout, GaussianNoise, Sequential, dropout, load_model)
from reference.keras.layers import core


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
    assert m._fast_plan(m._compiled, 2) is None            # the fused path declines the layer
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
    b._fast_path = False
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
