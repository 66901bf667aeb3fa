"""``reference.keras.regularizers`` and the layer protocol's regularizers, on every backend.

Keras's penalty l1·Σ|w| + l2·Σw² (gradient l1·sgn(w) + 2·l2·w, sgn(0) = 0); ``fit``'s generic path
adds the penalty of the weights each batch's forward pass used to that batch's loss, and the
penalty's gradient to the parameter's gradient before the optimizer's step. The cases are the tiny
ones (8 examples, widths 3), small enough for the CUDA simulator.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from reference.data import onehot
from reference.keras import SGD, Activation, Dense, LambdaCallback, Maxout, Sequential, load_model
from reference.keras import regularizers as R

from .test_keras import spying


def _tiny(n=8, d=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, d)), rng.integers(0, k, size=n)


def _model(B, seed=1, dtype="float64", lr=0.5, **first):
    """3 -> Dense(3, **first) sigmoid -> Dense(3) softmax, categorical cross entropy, plain SGD."""
    m = Sequential(backend=B, seed=seed, dtype=dtype)
    m.add(Dense(3, input_dim=3, **first))
    m.add(Activation("sigmoid"))
    m.add(Dense(3, activation="softmax"))
    m.compile(loss="categorical_crossentropy", optimizer=SGD(lr=lr))
    return m


def _prims(m):
    """The model's parameters in the primitives' layout (host copies): W1, b1, W2, b2."""
    return [np.array(p) for layer in m.layers for p in layer.params]


# -- the regularizers themselves ---------------------------------------------------------------------------
_W = np.array([[0.5, -1.25, 0.0], [2.0, -0.0, -0.375]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("l1,l2", [(0.3, 0.0), (0.0, 0.2), (0.3, 0.2)])
def test_value_and_gradient_are_the_hand_written_sums(dtype, l1, l2):
    """L1L2(l1, l2)(w) = l1·Σ|w| + l2·Σw² and .gradient(w) = l1·sgn(w) + 2·l2·w with sgn(±0) = 0, element by
    element as written out by hand in float64, then cast to w's dtype. The value's sum is compared with the
    correctly rounded sum (math.fsum) within the rounding of a float64 sum of n terms plus one cast; the
    gradient, elementwise the same float64 operations, exactly. Concept: regularize.l1, regularize.l2."""
    w = _W.astype(dtype)
    reg = R.L1L2(l1=l1, l2=l2)
    terms = [l1 * abs(float(v)) for v in w.ravel()] + [l2 * float(v) * float(v) for v in w.ravel()]
    want = math.fsum(terms)
    got = reg(w)
    assert isinstance(got, np.dtype(dtype).type)
    bound = 2 * w.size * np.finfo(np.float64).eps * math.fsum(abs(t) for t in terms) \
        + np.finfo(dtype).eps * abs(want)
    assert abs(float(got) - want) <= bound, (float(got), want, bound)

    def sgn(v):
        return 1.0 if v > 0 else (-1.0 if v < 0 else 0.0)
    hand = np.array([l1 * sgn(float(v)) + 2.0 * l2 * float(v) for v in w.ravel()]).reshape(w.shape)
    g = reg.gradient(w)
    assert g.dtype == np.dtype(dtype) and g.shape == w.shape
    np.testing.assert_array_equal(g, hand.astype(dtype))
    assert g[0, 2] == 0 and g[1, 1] == 0           # sgn(0) = 0: no push on a zero weight (l2·0 = 0 too)


def test_shortcuts_and_get():
    """l1(l), l2(l), l1_l2(l1, l2) are L1L2 with those coefficients (Keras's default 0.01); Keras 1's
    WeightRegularizer and l1l2 are the same penalty; get takes None, an instance, a name, a serialize() dict."""
    assert R.l1() == R.L1L2(l1=0.01) and R.l2(0.3) == R.L1L2(l2=0.3)
    assert R.l1_l2() == R.L1L2(0.01, 0.01) and R.l1_l2(0.1, 0.2) == R.L1L2(l1=0.1, l2=0.2)
    assert R.l1l2(0.1, 0.2) == R.l1_l2(0.1, 0.2)
    old = R.WeightRegularizer(l1=0.1, l2=0.2)
    assert isinstance(old, R.L1L2) and old.get_config() == {"l1": 0.1, "l2": 0.2}
    np.testing.assert_array_equal(old.gradient(_W), R.L1L2(0.1, 0.2).gradient(_W))
    assert R.get(None) is None
    reg = R.l2(0.5)
    assert R.get(reg) is reg
    assert R.get("l1") == R.l1() and R.get("l2") == R.l2() and R.get("l1_l2") == R.l1_l2()
    assert R.get(R.serialize(reg)) == reg and R.get(R.serialize(old)) == old
    assert type(R.get(R.serialize(old))) is R.WeightRegularizer


@pytest.mark.parametrize("make,exc,words", [
    (lambda: R.L1L2(l1=-0.1), ValueError, ("L1L2", "l1", "-0.1")),
    (lambda: R.L1L2(l2=float("nan")), ValueError, ("L1L2", "l2", "nan")),
    (lambda: R.L1L2(l2=float("inf")), ValueError, ("L1L2", "l2", "inf")),
    (lambda: R.L1L2(l1="0.1"), TypeError, ("L1L2", "l1", "'0.1'")),
    (lambda: R.L1L2(l1=True), TypeError, ("L1L2", "l1", "True")),
    (lambda: R.WeightRegularizer(l2=-1), ValueError, ("WeightRegularizer", "l2")),
    (lambda: R.l2(-0.01), ValueError, ("l2", "l", "-0.01")),
    (lambda: R.l1_l2(l1=0.1, l2=-2), ValueError, ("l1_l2", "l2", "-2")),
    (lambda: R.get("l3"), ValueError, ("regularizers.get", "'l3'", "'l1'")),
    (lambda: R.get(0.01), TypeError, ("regularizers.get", "float")),
    (lambda: R.get({"class_name": "L9", "config": {}}), ValueError, ("regularizers.get", "'L9'")),
    (lambda: R.get({"class_name": "L1L2", "config": {"l3": 1}}), ValueError, ("regularizers.get", "L1L2")),
    (lambda: R.l2()(np.array(["a"])), ValueError, ("L1L2.__call__", "w", "<U1")),
    (lambda: R.l2().gradient(np.array([True])), ValueError, ("L1L2.gradient", "w", "bool")),
    (lambda: Dense(3, kernel_regularizer=R.l2(), W_regularizer=R.l2()), TypeError,
     ("Dense", "kernel_regularizer", "W_regularizer", "not both")),
    (lambda: Dense(3, bias_regularizer="l3"), ValueError, ("Dense", "bias_regularizer", "'l3'")),
    (lambda: Dense(3, kernel_regularizer=0.01), TypeError, ("Dense", "kernel_regularizer", "float")),
    (lambda: Activation("relu", kernel_regularizer=R.l2()), TypeError, ("Activation", "kernel_regularizer")),
    (lambda: Dense(3, gamma_regularizer=R.l2()), TypeError, ("Dense", "gamma_regularizer", "kernel_regularizer")),
])
def test_bad_arguments_raise_naming_where_and_what(make, exc, words):
    with pytest.raises(exc) as info:
        make()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_a_bad_regularizer_set_later_is_refused_and_changes_nothing():
    layer = Dense(3, kernel_regularizer=R.l2(0.1))
    with pytest.raises(ValueError, match="Dense.kernel_regularizer"):
        layer.kernel_regularizer = "l3"
    assert layer.regularizers == {"kernel": R.l2(0.1)}


# -- the layer protocol ------------------------------------------------------------------------------------
def test_keras1_spelling_is_the_same_regularizer():
    """W_regularizer= / b_regularizer= (Keras 1) and kernel_regularizer= / bias_regularizer= (Keras 2) set the
    same parameter's regularizer; reading either attribute gives it; get_config writes Keras 2's keys."""
    a = Dense(3, input_dim=3, W_regularizer=R.l2(0.1), b_regularizer=R.l1(0.2))
    b = Dense(3, input_dim=3, kernel_regularizer=R.l2(0.1), bias_regularizer=R.l1(0.2))
    assert a.regularizers == b.regularizers == {"kernel": R.l2(0.1), "bias": R.l1(0.2)}
    assert a.W_regularizer == a.kernel_regularizer == R.l2(0.1) and a.b_regularizer == R.l1(0.2)
    assert a.get_config() == b.get_config()
    assert a.param_regularizers == (R.l2(0.1), R.l1(0.2))
    assert Dense(3).param_regularizers == (None, None) and Dense(3).kernel_regularizer is None
    m = Maxout(2, input_dim=3, kernel_regularizer="l2")
    assert m.param_regularizers == (R.l2(), None)
    assert Dense(3, kernel_regularizer=None).regularizers == {}


def test_keras1_spelling_trains_the_same(B):
    x, labels = _tiny()
    a = _model(B, W_regularizer=R.l2(0.1), b_regularizer=R.l1(0.2))
    b = _model(B, kernel_regularizer=R.l2(0.1), bias_regularizer=R.l1(0.2))
    ha = a.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False)
    hb = b.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False)
    assert ha.history["loss"] == hb.history["loss"]
    for p, q in zip(_prims(a), _prims(b)):
        np.testing.assert_array_equal(p, q)


def _hand_loop(B, params, x, t, batch_size, epochs, eta, l2):
    """fit's generic path written out with the primitives, l2 penalty on W1 only: per batch (in order)
    dense_forward, sigmoid, dense_forward, softmax_cross_entropy, the backward passes, then dW1 + 2·l2·W1 (on the
    host, float64) and sgd_update per parameter. The batch's loss is the data loss plus l2·ΣW1² of the weights
    the batch's forward pass used (before its update). Returns the parameters (host) and the batch losses."""
    params = [B.to_device(np.array(p)) for p in params]
    states = [B.sgd_init(p) for p in params]
    losses = []
    for _ in range(epochs):
        for start in range(0, x.shape[0], batch_size):
            xb, tb = B.to_device(x[start:start + batch_size]), B.to_device(t[start:start + batch_size])
            W1, b1, W2, b2 = params
            W1_host = np.array(B.to_host(W1))
            z1, c1 = B.dense_forward(xb, W1, b1, "linear")
            a1, s1 = B.sigmoid_forward(z1)
            z2, c2 = B.dense_forward(a1, W2, b2, "linear")
            L, dz2 = B.softmax_cross_entropy(z2, tb)
            da1, dW2, db2 = B.dense_backward(dz2, c2)
            (dz1,) = B.sigmoid_backward(da1, s1)
            _, dW1, db1 = B.dense_backward(dz1, c1)
            dW1 = B.to_device(np.array(B.to_host(dW1)) + 2 * l2 * W1_host)
            for i, g in enumerate((dW1, db1, dW2, db2)):
                params[i], states[i] = B.sgd_update(params[i], g, states[i], eta=eta)
            losses.append(float(L) + l2 * float(np.sum(W1_host * W1_host)))
    return [np.asarray(B.to_host(p)) for p in params], losses


def test_fit_with_l2_is_the_hand_loop(B):
    """fit (2 epochs, batches of 5 and 3, no shuffle, float64) with kernel_regularizer=l2(0.05) on the first Dense
    takes the generic path and computes exactly the hand loop: the same weights, each batch's logged loss the
    data loss plus the penalty of the weights before that batch's update, the epoch's 'loss' their mean weighted
    by batch size, and evaluate the data loss of the final weights plus their penalty. The weights are equal,
    not close: both sides do the same float64 operations in the same order. Concept: regularize.l2."""
    x, labels = _tiny()
    t = onehot(labels, 3, dtype=np.float64)
    spied, spy = spying(B)
    m = _model(spied, kernel_regularizer=R.l2(0.05))
    start = _prims(m)
    batch_losses = []
    cb = LambdaCallback(on_batch_end=lambda batch, logs: batch_losses.append(logs["loss"]))
    h = m.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False, callbacks=[cb])
    assert h.params["path"] == "generic" and "mlp_epoch" not in spy.names()
    want, losses = _hand_loop(B, start, x, t, 5, 2, 0.5, 0.05)
    for i, (a, b) in enumerate(zip(_prims(m), want)):
        np.testing.assert_array_equal(a, b, err_msg=f"{B.name} parameter {i}")
    assert batch_losses == losses
    sizes = np.array([5, 3])
    assert h.history["loss"] == [float(np.dot(losses[:2], sizes) / 8), float(np.dot(losses[2:], sizes) / 8)]
    # evaluate: the data loss of the final weights (the same model without the penalty) plus the penalty
    plain = _model(B)
    plain.set_weights(m.get_weights())
    W1 = _prims(m)[0]
    assert m.evaluate(x, labels, verbose=0) == plain.evaluate(x, labels, verbose=0) + 0.05 * float(np.sum(W1 * W1))


def test_zero_penalty_changes_nothing(B):
    """l1_l2(0, 0) on both parameters gives exactly the weights and losses of no regularizer (the same generic
    path: adding a zero gradient and a zero penalty is exact)."""
    x, labels = _tiny()
    a = _model(B, kernel_regularizer=R.l1_l2(0.0, 0.0), bias_regularizer=R.l1_l2(0.0, 0.0))
    b = _model(B)
    b._fast_path = False
    ha = a.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False)
    hb = b.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False)
    assert ha.params["path"] == hb.params["path"] == "generic"
    assert ha.history["loss"] == hb.history["loss"]
    for p, q in zip(_prims(a), _prims(b)):
        np.testing.assert_array_equal(p, q)


def test_a_frozen_regularized_layer_stays_put_and_its_penalty_still_counts(B):
    """A frozen layer's parameters are not updated (no penalty gradient either), but its penalty is part of the
    loss fit logs and evaluate returns (as in Keras, whose model loss collects every layer's penalties whatever
    trainable is). Checked against the same model without the regularizer: the same weights exactly, and each
    epoch's loss that one's plus the constant penalty of the frozen kernel."""
    x, labels = _tiny()
    a = _model(B, kernel_regularizer=R.l1_l2(0.1, 0.05))
    b = _model(B)
    b._fast_path = False
    a.layers[0].trainable = False
    b.layers[0].trainable = False
    W1 = _prims(a)[0]
    penalty = float(R.l1_l2(0.1, 0.05)(W1))
    ha = a.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False)
    hb = b.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False)
    np.testing.assert_array_equal(_prims(a)[0], W1)
    for p, q in zip(_prims(a), _prims(b)):
        np.testing.assert_array_equal(p, q)
    # per batch: float(L) + penalty; per epoch the weighted mean of those (rounding of the mean of sums)
    for la, lb in zip(ha.history["loss"], hb.history["loss"]):
        assert la == pytest.approx(lb + penalty, rel=8 * np.finfo(np.float64).eps)
    assert a.evaluate(x, labels, verbose=0) == b.evaluate(x, labels, verbose=0) + penalty


def test_the_fast_path_declines_and_an_attribute_set_later_takes_effect(B):
    """A model that takes the fused mlp_epoch path takes the generic one once any layer has a regularizer (set
    at construction or later as an attribute), and the fast one again when it is set back to None."""
    x, labels = _tiny()
    spied, spy = spying(B)
    m = _model(spied)
    assert m.fit(x, labels, batch_size=5, epochs=1, verbose=0, shuffle=False).params["path"] == "fast"
    assert m._fast_plan(m._compiled) is not None
    m.layers[2].kernel_regularizer = R.l2(0.01)
    assert m.regularizers == {"dense_2/kernel": R.l2(0.01)}
    assert m._fast_plan(m._compiled) is None
    spy.calls.clear()
    assert m.fit(x, labels, batch_size=5, epochs=1, verbose=0, shuffle=False).params["path"] == "generic"
    assert "mlp_epoch" not in spy.names()
    m.layers[2].W_regularizer = None
    assert m.regularizers == {} and m._fast_plan(m._compiled) is not None


def test_a_nested_model_carries_its_regularizers():
    inner = Sequential([Dense(3, input_dim=3, kernel_regularizer=R.l2(0.1))], name="inner")
    outer = Sequential([inner, Dense(3, activation="softmax")])
    assert outer.regularizers == {"inner/dense_1/kernel": R.l2(0.1)}
    assert outer.param_regularizers == (R.l2(0.1), None, None, None)
    outer.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.5))
    assert outer._fast_plan(outer._compiled) is None


def test_save_and_load_keep_the_regularizers(B, tmp_path):
    """save/load_model (format v3) keep each layer's regularizers (get_config), and the loaded model trains as
    the original does; a file written before regularizers existed (no such keys in its layers' configs) loads
    without any."""
    x, labels = _tiny()
    m = _model(B, W_regularizer=R.WeightRegularizer(l1=0.01, l2=0.02), bias_regularizer="l1")
    m.fit(x, labels, batch_size=5, epochs=1, verbose=0, shuffle=False)
    path = tmp_path / "m.npz"
    m.save(path)
    n = load_model(path, backend=B)
    assert n.regularizers == m.regularizers == {"dense_1/kernel": R.WeightRegularizer(0.01, 0.02),
                                                 "dense_1/bias": R.l1()}
    assert type(n.layers[0].kernel_regularizer) is R.WeightRegularizer
    assert n.get_config() == m.get_config()
    hm = m.fit(x, labels, batch_size=5, epochs=1, verbose=0, shuffle=False)
    hn = n.fit(x, labels, batch_size=5, epochs=1, verbose=0, shuffle=False)
    assert hm.history["loss"] == hn.history["loss"]
    for p, q in zip(_prims(m), _prims(n)):
        np.testing.assert_array_equal(p, q)
    # an older file: the same archive, its layers' configs without the regularizer keys
    with np.load(path) as archive:
        arrays = {k: archive[k] for k in archive.files}
    config = json.loads(str(arrays["config"]))
    for entry in config["layers"]:
        entry["config"].pop("kernel_regularizer", None)
        entry["config"].pop("bias_regularizer", None)
    arrays["config"] = np.array(json.dumps(config))
    old = tmp_path / "old.npz"
    np.savez(old, **arrays)
    o = load_model(old, backend=B)
    assert o.regularizers == {} and o.layers[0].kernel_regularizer is None
