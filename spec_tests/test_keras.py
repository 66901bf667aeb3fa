"""The Keras-like model layer (``reference.keras``), written once on the primitives, on every backend.

The digits cases run on the reference and the cpu backend (and on a real GPU); under the
CUDA simulator the cuda backend gets the tiny cases only (8 examples, widths 3).
"""

from __future__ import annotations

import io
import json
import os
import re
import sys

import numpy as np
import pytest

import accelerated
from reference.data import load_digits, onehot
from reference.keras import (ACTIVATION_NAMES, LOSS_NAMES, OPTIMIZER_NAMES, SGD, Activation, Adadelta, Adagrad,
                             Adam, Dense, Maxout, Nadam, PReLU, RMSprop, Sequential, load_model)
from reference.keras import optimizers as keras_optimizers

from . import tolerance as T


# -- helpers --------------------------------------------------------------------------------------------
class _Spy:
    """A backend module that records every primitive call (name, args, kwargs) and forwards it."""

    def __init__(self, module):
        self._module = module
        self.calls = []

    def __getattr__(self, name):
        target = getattr(self._module, name)
        if not callable(target):
            return target

        def call(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return target(*args, **kwargs)
        return call

    def names(self):
        return [c[0] for c in self.calls]


def spying(B):
    """``(backend, spy)``: ``B``'s primitives, with every call recorded in ``spy``."""
    spy = _Spy(B.module)
    return accelerated.Backend(B.name, spy, to_device=B.to_device, to_host=B.to_host), spy


def _is_device(a):
    return hasattr(a, "copy_to_host")


def _tiny(n=8, d=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, d)), rng.integers(0, k, size=n)


def _tiny_model(B, seed=1, hidden="sigmoid", output="softmax", loss="categorical_crossentropy", lr=0.5,
                dtype="float64", metrics=("accuracy",), fast=True):
    m = Sequential(backend=B, seed=seed, dtype=dtype)
    m.add(Dense(3, input_dim=3))
    m.add(Activation(hidden))
    m.add(Dense(3, activation=output))
    m.compile(loss=loss, optimizer=SGD(lr=lr), metrics=list(metrics))
    m._fast_path = fast
    return m


def _skip_big_on_simulator(B):
    if B.name == "cuda" and accelerated.cuda_simulated():
        pytest.skip("the digits network is too large for the CUDA simulator (the tiny cases cover cuda)")


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# -- the slides' code ---------------------------------------------------------------------------------
def test_sequential_slide_code_on_digits(B, monkeypatch):
    """The slide's Keras code runs unchanged (but for the imports) on the digits, 1 epoch instead of 20 (for
    time; with the square error it stays near chance for many epochs, as on the slide "Choosing Proper Loss").

    Then the slides' recipe (cross entropy, 003 "Choosing Proper Loss"; ReLU, 003 "ReLU") in the same code
    is well above chance (0.1) on the test set after 2 epochs: 0.80 to 0.86 over seeds 0 to 3.

    Concept: model.dense, optim.sgd, batch.minibatch.
    """
    _skip_big_on_simulator(B)
    monkeypatch.setenv("SLIDESPEC_BACKEND", B.name)
    (x_train, y_train), (x_test, y_test) = load_digits()
    # ---- 003 "Keras", as on the slides (input_dim=64 for the 8x8 digits; nb_epoch=1 for time) ----
    model = Sequential()
    model.add(Dense(input_dim=64, output_dim=500)); model.add(Activation('sigmoid'))
    model.add(Dense(output_dim=500)); model.add(Activation('sigmoid'))
    model.add(Dense(output_dim=10)); model.add(Activation('softmax'))
    model.compile(loss='mse', optimizer=SGD(lr=0.1), metrics=['accuracy'])
    model.fit(x_train, y_train, batch_size=100, nb_epoch=1)
    score = model.evaluate(x_test, y_test); result = model.predict(x_test)
    # ------------------------------------------------------------------------------------------------
    assert model.backend.name == B.name
    assert isinstance(score, list) and len(score) == 2 and all(isinstance(s, float) for s in score)
    assert 0 < score[0] < 1 and 0 <= score[1] <= 1
    assert result.shape == (450, 10) and result.dtype == np.float32
    assert np.allclose(result.sum(axis=1), 1, atol=1e-5) and np.all(result >= 0)
    assert score[1] == np.mean(result.argmax(axis=1) == y_test)

    model = Sequential(seed=0)
    model.add(Dense(input_dim=64, output_dim=500)); model.add(Activation('relu'))
    model.add(Dense(output_dim=500)); model.add(Activation('relu'))
    model.add(Dense(output_dim=10)); model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1), metrics=['accuracy'])
    history = model.fit(x_train, y_train, batch_size=100, nb_epoch=2, verbose=0)
    score = model.evaluate(x_test, y_test, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    assert score[1] > 0.5, f"{B.name}: test accuracy {score[1]} after 2 epochs"


def test_summary_parameter_counts(capsys):
    """summary() lists each layer's output shape and parameters, and the total; count_params() agrees.

    The slide's network on the digits: 64*500 + 500, 500*500 + 500, 500*10 + 10 = 288,010 parameters.
    """
    model = Sequential(seed=0)
    model.add(Dense(input_dim=64, output_dim=500)); model.add(Activation('sigmoid'))
    model.add(Dense(output_dim=500)); model.add(Activation('sigmoid'))
    model.add(Dense(output_dim=10)); model.add(Activation('softmax'))
    model.summary()
    out = capsys.readouterr().out
    rows = re.findall(r"^(\w+) \((\w+)\)\s+\(None, (\d+)\)\s+(\d+)\s*$", out, re.M)
    assert rows == [("dense_1", "Dense", "500", str(64 * 500 + 500)), ("activation_1", "Activation", "500", "0"),
                    ("dense_2", "Dense", "500", str(500 * 500 + 500)), ("activation_2", "Activation", "500", "0"),
                    ("dense_3", "Dense", "10", str(500 * 10 + 10)), ("activation_3", "Activation", "10", "0")]
    assert "Total params: 288,010" in out
    assert model.count_params() == 288010 == sum(w.size for w in model.get_weights())
    other = Sequential(seed=0)
    other.add(Dense(6, input_dim=4)); other.add(PReLU()); other.add(Maxout(2, k=3))
    lines = []
    other.summary(print_fn=lines.append)
    assert [layer.count_params() for layer in other.layers] == [4 * 6 + 6, 6, 6 * 6 + 6]
    assert "Total params: 78" in lines and other.count_params() == 78
    assert [w.shape for w in other.get_weights()] == [(4, 6), (6,), (6,), (6, 6), (6,)]


# -- the two paths of fit -----------------------------------------------------------------------------------
_PATH_CASES = [("categorical_crossentropy", "sigmoid", np.float64), ("mse", "tanh", np.float32),
               ("categorical_crossentropy", "sigmoid", np.float32), ("mse", "tanh", np.float64)]


@pytest.mark.parametrize("loss, hidden, dtype", _PATH_CASES)
def test_fit_fast_path_equals_generic_path(B, loss, hidden, dtype):
    """fit's fast path (one mlp_epoch per epoch) and its generic path (the layers' primitives batch by batch)
    give the same weights and loss history, within the bound of the replayed epochs.

    8 examples, widths 3, batches of 5 and 3, 2 epochs in the given order. The spy shows which primitives
    ran: mlp_epoch once per epoch on the fast path and never on the generic one, which chains
    dense_forward, the activations, the loss and sgd_update instead. (The CUDA simulator runs the first two
    cases only: every kernel launch costs it milliseconds.)
    """
    if B.name == "cuda" and accelerated.cuda_simulated() and (loss, hidden, dtype) not in _PATH_CASES[:2]:
        pytest.skip("the first two cases cover cuda under the simulator")
    x, labels = _tiny()
    sizes = np.array([5, 3])
    runs = {}
    for fast in (True, False):
        spied, spy = spying(B)
        m = _tiny_model(spied, hidden=hidden, loss=loss, dtype=dtype, fast=fast, metrics=())
        start = [w.copy() for w in m.get_weights()]
        h = m.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False)
        runs[fast] = (m, h, spy, start)
    (mf, hf, spy_f, start), (mg, hg, spy_g, start_g) = runs[True], runs[False]
    assert all(np.array_equal(a, b) for a, b in zip(start, start_g))
    assert hf.params["path"] == "fast" and hg.params["path"] == "generic"
    assert spy_f.names().count("mlp_epoch") == 2 and "sgd_update" not in spy_f.names()
    assert "mlp_epoch" not in spy_g.names() and spy_g.names().count("sgd_update") == 2 * 2 * 4
    assert spy_g.names().count("softmax_cross_entropy" if loss != "mse" else "mse") == 2 * 2
    # The bound: the reference's epochs replayed in the error-bound engine.
    params = [w.T if w.ndim == 2 else w for w in start]
    t = onehot(labels, 3, dtype=dtype)
    bounds = []
    for _ in range(2):
        params, losses = T.mlp_epoch(x.astype(dtype), t, params, None, 5, 0.5, hidden, "softmax",
                                     "cross_entropy" if loss != "mse" else "mse")
        bounds.append(losses)
    for i, (a, b, bound) in enumerate(zip(mf.get_weights(), mg.get_weights(), params)):
        T.assert_close(f"{B.name} weight {i} ({np.dtype(dtype)})", a, b, bound.T if a.ndim == 2 else bound)
    for epoch, bound in enumerate(bounds):
        tol = np.dot(sizes, bound.tol) / 8 + 1e-15        # the weighted mean itself is taken in float64
        assert abs(hf.history["loss"][epoch] - hg.history["loss"][epoch]) <= tol
        assert abs(hf.history["loss"][epoch] - np.dot(sizes, bound.v) / 8) <= tol


def test_fit_keeps_parameters_on_the_device(B):
    """On cuda, fit hands the primitives device arrays: the fast path x, y and the parameters (x uploaded once
    per fit, for the epochs and the accuracy), the generic path every batch, and the optimizer's rule the
    parameters, gradients and states (the states kept on the device from one fit to the next); on the host
    backends everything stays a NumPy array. get_weights gives host arrays."""
    x, labels = _tiny()
    for fast in (True, False):
        spied, spy = spying(B)
        m = _tiny_model(spied, fast=fast)
        m.fit(x, labels, batch_size=8, epochs=2 if fast else 1, verbose=0)
        on_device = B.name == "cuda"
        if fast:
            calls = [c for c in spy.calls if c[0] == "mlp_epoch"]
            assert len(calls) == 2
            for _, args, _ in calls:
                assert all(_is_device(a) == on_device for a in args)
            assert calls[0][1][0] is calls[1][1][0]          # x uploaded once per fit,
            forward = [c for c in spy.calls if c[0] == "dense_forward"]
            assert forward and all(c[1][0] is calls[0][1][0] for c in forward[::2])   # and used for the accuracy
        else:
            calls = [c for c in spy.calls if c[0] == "sgd_update"]
            assert calls and all(_is_device(c[1][0]) == on_device for c in calls)
        assert all(isinstance(w, np.ndarray) for w in m.get_weights())
    spied, spy = spying(B)
    m = _tiny_model(spied)
    m.compile(loss="categorical_crossentropy", optimizer=Adam())
    for _ in range(2):                                   # the states stay on the device between fits too
        m.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    calls = [c for c in spy.calls if c[0] == "adam_update"]
    assert len(calls) == 2 * 2 * 4
    for _, (param, grad, state), _ in calls:
        assert all(_is_device(a) == on_device for a in (param, grad, state.m, state.v))
    assert all(_is_device(s.m) == on_device for layer in m._training.states for s in layer)
    assert all(isinstance(w, np.ndarray) for w in m.get_weights())


def test_fit_generic_path_gradients_match_finite_differences():
    """One full-batch step of the generic path moves each weight by eta times the gradient of the loss,
    as the central difference of evaluate() measures it (PReLU, Maxout and a softmax output, float64).

    The alphas of PReLU move too: they are learned (003 "ReLU - variant"). Concept: act.prelu, act.maxout,
    backprop.chain.
    """
    from reference.gradcheck import numeric_gradient

    rng = np.random.default_rng(4)
    x, labels = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    m = Sequential(backend="reference", seed=2, dtype="float64")
    m.add(Dense(4, input_dim=3)); m.add(PReLU()); m.add(Maxout(3, k=2)); m.add(Dense(3, activation="softmax"))
    m.compile(loss="categorical_crossentropy", optimizer=SGD(lr=1e-3))
    weights = m.get_weights()
    weights[2] = np.array([0.25, -0.5, 0.1, 0.3])       # distinct alphas
    m.set_weights(weights)
    history = m.fit(x, labels, batch_size=6, epochs=1, verbose=0, shuffle=False)
    assert history.params["path"] == "generic"
    after = m.get_weights()
    probe = Sequential(backend="reference", dtype="float64")
    for layer in (Dense(4, input_dim=3), PReLU(), Maxout(3, k=2), Dense(3, activation="softmax")):
        probe.add(layer)
    probe.compile(loss="categorical_crossentropy")
    probe.set_weights(weights)
    assert history.history["loss"][0] == probe.evaluate(x, labels, verbose=0)   # the loss before the step
    for i, w in enumerate(weights):
        def loss_at(value, i=i):
            trial = [v.copy() for v in weights]
            trial[i] = value
            probe.set_weights(trial)
            return probe.evaluate(x, labels, verbose=0)
        g = numeric_gradient(loss_at, w)
        step = (w - after[i]) / 1e-3
        assert np.allclose(step, g, rtol=1e-5, atol=1e-8), f"weight {i}: {step} vs {g}"
    assert not np.array_equal(after[2], weights[2])


def test_fit_prelu_maxout_models_train_on_every_backend(B, R):
    """Models outside the fast path (PReLU, Maxout, leaky ReLU, a sigmoid output with cross entropy) train
    on every backend to the reference's numbers (1 epoch of batches of 4, 8 examples, float64)."""
    x, labels = _tiny()
    results = {}
    for backend in (B, R):
        m = Sequential(backend=backend, seed=5, dtype="float64")
        m.add(Dense(3, input_dim=3)); m.add(PReLU()); m.add(Maxout(3, k=2)); m.add(Activation("leaky_relu"))
        m.add(Dense(3, activation="sigmoid"))
        m.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["acc"])
        h = m.fit(x, labels, batch_size=4, epochs=1, verbose=0)
        assert h.params["path"] == "generic"
        results[backend.name] = (m.get_weights(), h.history["loss"])
    (wb, lb), (wr, lr) = results[B.name], results[R.name]
    # Every value here is O(1) and comes out of fewer than 100 float64 operations (2 batches of a 3-wide
    # network), each off by at most u = 1.1e-16 relative to magnitudes summing to under 10: two correct
    # backends differ by well under 100 * 10 * u = 1.1e-13; 1e-12 is that bound with margin. (The data keep
    # every Maxout and leaky-ReLU argument far from its kink, so no branch can flip.)
    for a, b in zip(wb, wr):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12)
    assert np.allclose(lb, lr, rtol=1e-12)


# -- spellings, labels, losses ------------------------------------------------------------------------------
def test_dense_keras1_and_keras2_spellings_agree():
    """Keras 1 (output_dim=, a separate Activation, SGD(lr=), nb_epoch=) and Keras 2 (units, activation=,
    input_shape=, SGD(learning_rate=), epochs=) build and train the same model."""
    x, labels = _tiny()
    B = "reference"
    k1 = Sequential(backend=B, seed=3)
    k1.add(Dense(input_dim=3, output_dim=3)); k1.add(Activation("relu"))
    k1.add(Dense(output_dim=3)); k1.add(Activation("softmax"))
    k1.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.2), metrics=["acc"])
    k2 = Sequential([Dense(3, activation="relu", input_shape=(3,)), Dense(units=3, activation="softmax")],
                    backend=B, seed=3)
    k2.compile(optimizer=SGD(learning_rate=0.2), loss="categorical_crossentropy", metrics=["accuracy"])
    assert all(np.array_equal(a, b) for a, b in zip(k1.get_weights(), k2.get_weights()))
    h1 = k1.fit(x, labels, batch_size=3, nb_epoch=2, verbose=0)
    h2 = k2.fit(x, labels, batch_size=3, epochs=2, verbose=0)
    # Keras 1's metric name 'acc' is logged under Keras 1's key 'acc' (Keras 2's 'accuracy' under 'accuracy')
    assert set(h1.history) == {"loss", "acc"} and set(h2.history) == {"loss", "accuracy"}
    assert h1.history["loss"] == h2.history["loss"] and h1.history["acc"] == h2.history["accuracy"]
    assert h1.params["path"] == h2.params["path"] == "fast"
    assert all(np.array_equal(a, b) for a, b in zip(k1.get_weights(), k2.get_weights()))
    assert SGD().learning_rate == 0.01 and SGD(lr=0.3).lr == 0.3


def test_fit_sparse_and_categorical_losses_agree():
    """Integer labels with sparse_categorical_crossentropy train exactly as their one-hot rows with
    categorical_crossentropy (the labels are one-hot encoded first)."""
    x, labels = _tiny()
    B = "reference"
    runs = []
    for loss, y in (("sparse_categorical_crossentropy", labels), ("categorical_crossentropy", onehot(labels, 3))):
        m = _tiny_model(B, loss=loss)
        runs.append((m.fit(x, y, batch_size=3, epochs=2, verbose=0).history, m.get_weights(),
                     m.evaluate(x, y, verbose=0)))
    (h1, w1, s1), (h2, w2, s2) = runs
    assert h1 == h2 and s1 == s2 and all(np.array_equal(a, b) for a, b in zip(w1, w2))


# -- weights ----------------------------------------------------------------------------------------------
def test_get_weights_keras_layout_and_hand_computation(B):
    """get_weights/set_weights speak Keras's layout: kernel (input_dim, units), bias (units,), and predict is
    sigmoid(x @ kernel + b) then softmax(... @ kernel2 + b2) by hand; set then get gives the arrays back."""
    x, _ = _tiny(n=5, d=3)
    m = Sequential(backend=B, seed=0, dtype="float64")
    m.add(Dense(input_dim=3, output_dim=4)); m.add(Activation("sigmoid"))
    m.add(Dense(output_dim=2)); m.add(Activation("softmax"))
    assert [w.shape for w in m.get_weights()] == [(3, 4), (4,), (4, 2), (2,)]
    assert all(np.all(w == 0) for w in m.get_weights()[1::2])            # biases start at 0
    rng = np.random.default_rng(7)
    new = [rng.normal(size=s) for s in [(3, 4), (4,), (4, 2), (2,)]]
    m.layers[0].set_weights(new[:2]); m.layers[2].set_weights(new[2:])
    assert all(np.array_equal(a, b) for a, b in zip(m.get_weights(), new))
    z = _sigmoid(x @ new[0] + new[1]) @ new[2] + new[3]
    want = np.exp(z - z.max(axis=1, keepdims=True))
    want /= want.sum(axis=1, keepdims=True)
    assert np.allclose(m.predict(x), want, rtol=1e-12, atol=1e-15)
    got = m.get_weights()
    got[0][0, 0] = 99.0                                                 # copies: the model is unchanged
    assert m.get_weights()[0][0, 0] == new[0][0, 0]
    m.set_weights([w * 2 for w in new])
    assert all(np.array_equal(a, 2 * b) for a, b in zip(m.get_weights(), new))


def test_dense_glorot_uniform_initialisation():
    """Kernels start Glorot-uniform, within ±sqrt(6 / (fan_in + fan_out)) and spread as that uniform law
    (std limit/sqrt(3) within 3 % on 250,000 draws), from the model's seed."""
    a = Sequential(seed=11); a.add(Dense(500, input_dim=500))
    b = Sequential(seed=11); b.add(Dense(500, input_dim=500))
    kernel = a.get_weights()[0]
    limit = np.sqrt(6 / 1000)
    assert np.abs(kernel).max() <= limit and abs(kernel.std() / (limit / np.sqrt(3)) - 1) < 0.03
    assert np.array_equal(kernel, b.get_weights()[0])


# -- history, progress, validation ---------------------------------------------------------------------------
def test_fit_history_loss_and_accuracy_meaning(B):
    """history's loss is the mean of the epoch's batch losses, each before its update, weighted by batch size
    (Keras's convention): the losses of mlp_epoch run by hand. accuracy and val_* are measured with the
    weights at the end of the epoch: evaluate() afterwards gives the same numbers."""
    x, labels = _tiny()
    m = _tiny_model(B)
    start = [w.T.copy() if w.ndim == 2 else w.copy() for w in m.get_weights()]
    h = m.fit(x, labels, batch_size=3, epochs=1, verbose=0, shuffle=False, validation_data=(x[:4], labels[:4]))
    assert set(h.history) == {"loss", "accuracy", "val_loss", "val_accuracy"} and h.epoch == [0]
    _, losses = B.mlp_epoch(x, onehot(labels, 3), *start, batch_size=3, eta=0.5, activation="sigmoid",
                            output="softmax", loss="cross_entropy")
    want = float(np.dot(np.asarray(B.to_host(losses)), [3, 3, 2]) / 8)
    assert h.history["loss"][0] == pytest.approx(want, rel=1e-13)
    assert h.history["accuracy"][0] == m.evaluate(x, labels, verbose=0)[1]
    assert [h.history["val_loss"][0], h.history["val_accuracy"][0]] == m.evaluate(x[:4], labels[:4], verbose=0)


def test_fit_history_lengths():
    """History holds one float per epoch under loss, accuracy, val_loss, val_accuracy (the last two only with
    validation data, accuracy only with the metric), and epoch = 0..E-1; evaluate without metrics gives the
    loss alone, a float (as Keras)."""
    x, labels = _tiny()
    m = _tiny_model("reference")
    h = m.fit(x, labels, batch_size=3, epochs=4, verbose=0)
    assert set(h.history) == {"loss", "accuracy"} and h.epoch == [0, 1, 2, 3]
    assert all(len(v) == 4 and all(isinstance(f, float) for f in v) for v in h.history.values())
    plain = _tiny_model("reference", metrics=())
    h = plain.fit(x, labels, epochs=3, verbose=0, validation_split=0.25)
    assert set(h.history) == {"loss", "val_loss"} and len(h.history["val_loss"]) == 3 and h.epoch == [0, 1, 2]
    assert isinstance(plain.evaluate(x, labels, verbose=0), float)


def test_fit_validation_split_takes_the_last_fraction():
    """validation_split=0.25 trains on the first 6 of 8 examples and validates on the last 2, as Keras:
    the same numbers as validation_data=(x[6:], y[6:]) with x[:6]."""
    x, labels = _tiny()
    a, b = _tiny_model("reference", seed=4), _tiny_model("reference", seed=4)
    ha = a.fit(x, labels, batch_size=4, epochs=2, verbose=0, validation_split=0.25)
    hb = b.fit(x[:6], labels[:6], batch_size=4, epochs=2, verbose=0, validation_data=(x[6:], labels[6:]))
    assert ha.history == hb.history and ha.params["samples"] == 6
    assert set(ha.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert ha.history["val_loss"][-1] == a.evaluate(x[6:], labels[6:], verbose=0)[0]


def test_fit_verbose_output(capsys, monkeypatch):
    """verbose=0 prints nothing; verbose=1 and 2 print one Keras-style line per epoch to stdout (verbose=1 after
    Keras's "Train on N samples, validate on M samples"); on a terminal
    verbose=1 adds a progress bar over the epochs (redrawn with \\r), verbose=2 does not."""
    x, labels = _tiny()
    m = _tiny_model("reference")
    m.fit(x, labels, epochs=2, verbose=0, validation_split=0.25)
    assert capsys.readouterr() == ("", "")
    line = (r"Epoch {}/3 - \d+\.\ds - loss: \d\.\d{{4}} - accuracy: \d\.\d{{4}} - val_loss: \d\.\d{{4}} - "
            r"val_accuracy: \d\.\d{{4}}")
    for verbose in (1, 2):
        m.fit(x, labels, epochs=3, verbose=verbose, validation_split=0.25)
        out, err = capsys.readouterr()
        lines = out.splitlines()
        if verbose == 1:                      # Keras's first line, at verbose=1 only
            assert lines.pop(0) == "Train on 6 samples, validate on 2 samples"
        assert err == "" and len(lines) == 3
        assert all(re.fullmatch(line.format(e + 1), text) for e, text in enumerate(lines)), lines

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    for verbose, bar in ((1, True), (2, False)):
        monkeypatch.setattr("sys.stdout", Terminal())
        m.fit(x, labels, epochs=3, verbose=verbose)
        out = sys.stdout.getvalue()
        assert ("\r[" in out) == bar and ("2/3 epochs" in out) == bar
        assert len(re.findall(r"Epoch \d/3 - ", out)) == 3


def test_fit_shuffle_false_is_deterministic_and_seeds_reproduce():
    """shuffle=False takes the examples in order: two models with the same weights train identically whatever
    their seeds. With shuffling, one seed reproduces its run exactly; another seed gives other weights."""
    x, labels = _tiny()
    a, b = _tiny_model("reference", seed=1), _tiny_model("reference", seed=2)
    b.set_weights(a.get_weights())
    ha = a.fit(x, labels, batch_size=3, epochs=3, verbose=0, shuffle=False)
    hb = b.fit(x, labels, batch_size=3, epochs=3, verbose=0, shuffle=False)
    assert ha.history == hb.history and all(np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights()))
    runs = []
    for seed in (6, 6, 7):
        m = _tiny_model("reference", seed=seed)
        runs.append((m.fit(x, labels, batch_size=3, epochs=3, verbose=0).history, m.get_weights()))
    assert runs[0][0] == runs[1][0] and all(np.array_equal(p, q) for p, q in zip(runs[0][1], runs[1][1]))
    assert not np.array_equal(runs[0][1][0], runs[2][1][0])
    c = _tiny_model("reference", seed=8)
    d = _tiny_model("reference", seed=9)
    d.set_weights(c.get_weights())
    hc = c.fit(x, labels, batch_size=3, epochs=2, verbose=0)
    hd = d.fit(x, labels, batch_size=3, epochs=2, verbose=0)
    assert hc.history["loss"] != hd.history["loss"]          # same start, other shuffles


# -- saving -------------------------------------------------------------------------------------------------
def _small_zoo(B):
    m = Sequential(backend=B, seed=3, dtype="float64")
    m.add(Dense(4, input_dim=3, activation="tanh")); m.add(PReLU()); m.add(Maxout(3, k=2))
    m.add(Dense(2)); m.add(Activation("softmax"))
    m.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.3), metrics=["accuracy"])
    return m


def test_save_load_roundtrip_identical_predictions(B, tmp_path):
    """save then load_model gives the same architecture, weights, compile settings and identical predictions;
    the file is written atomically (no temporary file is left, an existing file is replaced)."""
    x, labels = _tiny(k=2)
    m = _small_zoo(B)
    rng = np.random.default_rng(3)
    m.set_weights([rng.normal(size=w.shape) for w in m.get_weights()])
    path = tmp_path / "m.npz"
    path.write_bytes(b"old contents")
    m.save(path)
    assert os.listdir(tmp_path) == ["m.npz"]
    loaded = load_model(path, backend=B)
    assert loaded.get_config() == m.get_config() and loaded.backend is B
    assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(loaded.get_weights(), m.get_weights()))
    assert np.array_equal(loaded.predict(x), m.predict(x))
    assert loaded.evaluate(x, labels, verbose=0) == m.evaluate(x, labels, verbose=0)
    assert loaded._compiled["optimizer"].learning_rate == 0.3
    with np.load(path, allow_pickle=False) as f:
        assert json.loads(str(f["config"]))["layers"][2] == {
            "class_name": "Maxout", "config": {"name": "maxout_1", "units": 3, "k": 2}}
    assert loaded._compiled["loss"] == "categorical_crossentropy" and loaded._compiled["metrics"] == ["accuracy"]


def test_save_leaves_no_file_when_writing_fails(tmp_path, monkeypatch):
    """A save that fails half way leaves neither a temporary file nor a changed target."""
    m = _small_zoo("reference")
    path = tmp_path / "m.npz"
    path.write_bytes(b"keep me")

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        m.save(path)
    assert os.listdir(tmp_path) == ["m.npz"] and path.read_bytes() == b"keep me"


def test_load_model_rejects_bad_files(tmp_path):
    """load_model raises ValueError naming the file and the problem: an empty or non-zip file, a truncated
    archive, a foreign .npz, a pickled object array (never unpickled), a foreign config, missing weights."""
    good = tmp_path / "good.npz"
    _small_zoo("reference").save(good)
    data = good.read_bytes()
    cases = {}
    (tmp_path / "empty.npz").write_bytes(b"")
    cases["empty.npz"] = "is empty"
    (tmp_path / "text.npz").write_text("hello")
    cases["text.npz"] = "not a .npz (zip) archive"
    (tmp_path / "cut.npz").write_bytes(data[:len(data) // 2])
    cases["cut.npz"] = "truncated or damaged"
    np.savez(tmp_path / "foreign.npz", a=np.zeros(3))
    cases["foreign.npz"] = "has no 'config' entry"
    np.savez(tmp_path / "pickled.npz", config=np.array([{"x": 1}], dtype=object))
    cases["pickled.npz"] = "pickled object array 'config'"
    np.savez(tmp_path / "other.npz", config=np.array(json.dumps({"format": "something else"})))
    cases["other.npz"] = "config's format is 'something else'"
    with np.load(good) as f:
        entries = {k: f[k] for k in f.files if k != "weight_3"}
    np.savez(tmp_path / "missing.npz", **entries)
    cases["missing.npz"] = "the entry 'weight_3' is missing"
    with np.load(good) as f:
        entries = {k: f[k] for k in f.files}
    entries["weight_0"] = np.zeros((5, 5))
    np.savez(tmp_path / "shape.npz", **entries)
    cases["shape.npz"] = "weight 0 must be (3, 4); got (5, 5)"
    for name, problem in cases.items():
        with pytest.raises(ValueError, match=rf"^load_model: '.*{re.escape(name)}' .*{re.escape(problem)}"):
            load_model(tmp_path / name)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.npz")


# -- errors -------------------------------------------------------------------------------------------------
def _error(kind, fn, *args, **kwargs):
    with pytest.raises(kind) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_sequential_input_size_errors_name_the_layer():
    """A Dense whose input size disagrees with the previous layer (at add, or at fit when the sizes come from
    the data) or with the data (at fit, evaluate, predict) is a ValueError naming the layer's index."""
    x, labels = _tiny()
    m = _tiny_model("reference")
    msg = _error(ValueError, m.add, Dense(2, input_dim=5))
    assert msg.startswith("Sequential.add: layer 3 (Dense) has input_dim=5, but its input has size 3 (the output "
                          "size of layer 2 (dense_2))")
    for method in (m.fit, m.evaluate):
        msg = _error(ValueError, method, np.ones((8, 5)), labels)
        assert re.match(rf"Sequential.{method.__name__}: layer 0 \(dense_1, Dense\) expects inputs of size 3; "
                        r"got size 5 \(x has 5 features", msg)
    assert "layer 0 (dense_1, Dense)" in _error(ValueError, m.predict, np.ones((2, 4)))
    deferred = Sequential()
    deferred.add(Dense(4)); deferred.add(Dense(2, input_dim=7)); deferred.add(Activation("softmax"))
    deferred.compile(loss="mse", optimizer="sgd")                   # input size inferred at fit
    msg = _error(ValueError, deferred.fit, x, labels % 2, verbose=0)
    assert msg.startswith("Sequential.fit: layer 1 (dense_2, Dense) has input_dim=7, but its input has size 4")
    assert "(flatten each example" in _error(ValueError, m.fit, np.ones((8, 3, 1)), labels)
    inferred = Sequential(seed=0)
    inferred.add(Dense(2)); inferred.add(Activation("softmax"))
    assert "no weights yet" in _error(ValueError, inferred.summary)
    assert "no weights yet" in _error(ValueError, inferred.get_weights)
    inferred.compile(loss="mse")
    inferred.fit(x, labels % 2, verbose=0)
    assert inferred.input_dim == 3 and inferred.count_params() == 8


def test_sequential_errors_for_bad_labels():
    """Labels must be one-hot (N, K) with K the model's outputs, or integer classes in 0..K-1, one per row."""
    x, labels = _tiny()
    m = _tiny_model("reference")
    cases = [(np.ones((8, 4)), r"y must be one-hot targets \(8, 3\) or integer class labels \(8,\) in 0\.\.2, "
                               r"to match the model's 3 outputs; got float64 \(8, 4\)"),
             (labels + 1, r"y holds integer class labels in \[1, 3\], but the model has 3 outputs: labels must be "
                          r"in 0\.\.2"),
             (labels[:5], r"y must have one row per example \(8, the rows of x\); got shape \(5,\)"),
             (labels.astype(float), r"y must be one-hot .* got float64 \(8,\) \(class labels must be integers"),
             (np.array(["a"] * 8), r"y must be one-hot targets")]
    for y, message in cases:
        for method in (m.fit, m.evaluate):
            with pytest.raises(ValueError, match=rf"^Sequential\.{method.__name__}: {message}"):
                method(x, y, verbose=0)


def test_sequential_errors_for_bad_arguments():
    """Unknown names list the valid ones; fit/evaluate before compile is a RuntimeError; epochs and nb_epoch
    together, units and output_dim together, lr and learning_rate together are TypeErrors."""
    x, labels = _tiny()
    m = Sequential(seed=0)
    m.add(Dense(3, input_dim=3)); m.add(Activation("softmax"))
    for method in (m.fit, m.evaluate):
        assert "not compiled" in _error(RuntimeError, method, x, labels)
    m.predict(x)                                                           # predict needs no compile
    msg = _error(ValueError, m.compile, loss="hinge")
    assert msg.startswith("Sequential.compile: loss must be one of") and all(n in msg for n in LOSS_NAMES)
    msg = _error(ValueError, m.compile, loss="mse", optimizer="adamw")
    assert msg.startswith("Sequential.compile: optimizer must be") and all(f"'{n}'" in msg for n in OPTIMIZER_NAMES)
    assert "optimizer must be" in _error(TypeError, m.compile, loss="mse", optimizer=3)
    assert "'accuracy'" in _error(ValueError, m.compile, loss="mse", metrics=["precision"])
    assert "a list" in _error(TypeError, m.compile, loss="mse", metrics="accuracy")
    assert "loss is missing" in _error(ValueError, m.compile)
    msg = _error(ValueError, Activation, "softplus")
    assert msg.startswith("Activation: activation must be one of") and all(n in msg for n in ACTIVATION_NAMES)
    assert _error(ValueError, Dense, 3, activation="swish").startswith("Dense: activation must be one of")
    assert "not both" in _error(TypeError, Dense, 3, output_dim=3)
    assert "units is missing" in _error(TypeError, Dense)
    assert _error(ValueError, Dense, 0).startswith("Dense: units must be an integer >= 1; got 0")
    assert _error(ValueError, Maxout, 3, k=1).startswith("Maxout: k must be an integer >= 2; got 1")
    assert "not both" in _error(TypeError, SGD, 0.1, lr=0.1)
    assert _error(ValueError, SGD, lr=-1).startswith("SGD: lr must be a positive number; got -1")
    m.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.1))
    assert "give epochs (Keras 2) or nb_epoch (Keras 1), not both; got epochs=2, nb_epoch=3" in _error(
        TypeError, m.fit, x, labels, epochs=2, nb_epoch=3)
    for kwargs, message in ((dict(epochs=0), "epochs must be an integer >= 1; got 0"),
                            (dict(nb_epoch=1.5), "nb_epoch must be an integer >= 1; got 1.5"),
                            (dict(batch_size=0), "batch_size must be an integer >= 1; got 0"),
                            (dict(verbose=3), "verbose must be 0, 1 or 2; got 3"),
                            (dict(validation_split=1.0), r"validation_split must be a number in \[0, 1\); got 1.0"),
                            (dict(validation_split=0.9),
                             "validation_split=0.9 of 8 examples leaves 0 for training and 8 for validation"),
                            (dict(validation_data=(x,)), r"validation_data must be a pair \(x_val, y_val\)")):
        with pytest.raises(ValueError, match=f"^Sequential.fit: {message}"):
            m.fit(x, labels, **kwargs)
    linear = Sequential(seed=0)
    linear.add(Dense(3, input_dim=3))
    msg = _error(ValueError, linear.compile, loss="categorical_crossentropy")
    assert "needs probabilities as outputs" in msg and "'linear'" in msg
    assert "no layers" in _error(ValueError, Sequential().compile, loss="mse")
    assert "add a new layer" in _error(ValueError, m.add, m.layers[0])
    assert "Dense, Activation, PReLU or Maxout" in _error(TypeError, m.add, "relu")
    assert "backend=" in _error(TypeError, Sequential, "cpu")
    msg = _error(ValueError, m.set_weights, [np.zeros((3, 3))])
    assert msg == "Sequential.set_weights: the model has 2 weight arrays; got 1 arrays"
    before = m.get_weights()
    msg = _error(ValueError, m.set_weights, [np.zeros((3, 3)), np.zeros(4)])
    assert msg.startswith("Sequential.set_weights: Dense.set_weights: layer 'dense_1' weight 1 must be (3,)")
    assert all(np.array_equal(a, b) for a, b in zip(m.get_weights(), before))


# -- optimizers ---------------------------------------------------------------------------------------------
#: One optimizer of each class with hyperparameters away from the defaults (larger steps, so that 4 updates of
#: the tiny model move the weights well beyond rounding), and the rule with its arguments that each must run.
_OPTIMIZERS = [
    (SGD(lr=0.5, momentum=0.9, nesterov=True, decay=0.1), "momentum", dict(momentum=0.9, nesterov=True)),
    (SGD(learning_rate=0.5, momentum=0.5), "momentum", dict(momentum=0.5, nesterov=False)),
    (SGD(lr=0.5, decay=0.25), "sgd", {}),
    (Adagrad(lr=0.1, epsilon=0.0), "adagrad", dict(eps=0.0)),
    (RMSprop(lr=0.01, rho=0.8, epsilon=1e-7, decay=0.05), "rmsprop", dict(alpha=0.8, eps=1e-7)),
    (Adadelta(lr=0.5, rho=0.9, epsilon=1e-6), "adadelta", dict(rho=0.9, eps=1e-6)),
    (Adam(lr=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7, decay=0.1), "adam", dict(beta1=0.8, beta2=0.99, eps=1e-7)),
    (Nadam(learning_rate=0.01, beta_1=0.85), "nadam", dict(beta1=0.85, beta2=0.999, eps=1e-8)),
]


def _opt_model(B, optimizer, seed=1, dtype="float64"):
    """The tiny model (3 -> 3 sigmoid -> 3 softmax, cross entropy), compiled with ``optimizer``."""
    m = Sequential(backend=B, seed=seed, dtype=dtype)
    m.add(Dense(3, input_dim=3)); m.add(Activation("sigmoid"))
    m.add(Dense(3)); m.add(Activation("softmax"))
    m.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return m


def _hand_loop(B, params, x, t, batch_size, epochs, rule, hyper, eta_of):
    """What fit's generic path must compute, written out with the primitives: the forward and backward
    primitives of the tiny model per batch (in order, no shuffle), then ``B.<rule>_update`` per parameter with
    the learning rate ``eta_of(k)`` of the k-th update (k = 0, 1, ...), not in place.

    Returns the parameters (host, the primitives' layout), the batch losses and the states."""
    update, init = getattr(B, f"{rule}_update"), getattr(B, f"{rule}_init")
    params = [B.to_device(np.array(p)) for p in params]
    states = [init(p) for p in params]
    losses, k = [], 0
    for _ in range(epochs):
        for start in range(0, x.shape[0], batch_size):
            xb, tb = B.to_device(x[start:start + batch_size]), B.to_device(t[start:start + batch_size])
            W1, b1, W2, b2 = params
            z1, c1 = B.dense_forward(xb, W1, b1, "linear")
            a1, s1 = B.sigmoid_forward(z1)
            z2, c2 = B.dense_forward(a1, W2, b2, "linear")
            L, dz2 = B.softmax_cross_entropy(z2, tb)
            da1, dW2, db2 = B.dense_backward(dz2, c2)
            (dz1,) = B.sigmoid_backward(da1, s1)
            _, dW1, db1 = B.dense_backward(dz1, c1)
            for i, g in enumerate((dW1, db1, dW2, db2)):
                params[i], states[i] = update(params[i], g, states[i], eta=eta_of(k), **hyper)
            losses.append(float(L))
            k += 1
    return [np.asarray(B.to_host(p)) for p in params], losses, states


def _prims(m):
    """The model's parameters in the primitives' layout (host copies): W1, b1, W2, b2."""
    return [np.array(p) for layer in m.layers for p in layer.params]


@pytest.mark.parametrize("case", range(len(_OPTIMIZERS)), ids=lambda i: repr(_OPTIMIZERS[i][0]))
def test_fit_generic_path_is_the_hand_loop_of_the_rule(B, case):
    """fit with an optimizer other than plain SGD takes the generic path and computes exactly what a hand loop
    over the primitives computes: forward, loss, backward, then B.<rule>_update per parameter array with the
    optimizer's hyperparameters under the rule's names and eta = lr / (1 + decay k) at the k-th update; the
    states carry over from batch to batch and from the first fit to the second (as in Keras).

    8 examples in batches of 5 and 3, shuffle=False, float64; fit(epochs=1) twice against 2 epochs of the hand
    loop. The model updates in place and the hand loop not: the rules' contract is that both give the same
    numbers, so the weights and the losses must be equal, not close. Concept: optim.sgd, optim.momentum,
    optim.adagrad, optim.rmsprop, optim.adadelta, optim.adam, optim.nadam, lr.schedule.
    """
    opt, rule, hyper = _OPTIMIZERS[case]
    assert opt.rule == rule and opt._hyper() == hyper
    x, labels = _tiny()
    spied, spy = spying(B)
    m = _opt_model(spied, opt)
    start = _prims(m)
    h1 = m.fit(x, labels, batch_size=5, epochs=1, verbose=0, shuffle=False)
    h2 = m.fit(x, labels, batch_size=5, epochs=1, verbose=0, shuffle=False)
    assert h1.params["path"] == h2.params["path"] == "generic" and "mlp_epoch" not in spy.names()
    calls = [c for c in spy.calls if c[0] == f"{rule}_update"]
    assert len(calls) == 4 * 4 and all(c[2].get("inplace") is True for c in calls)
    decay, lr = opt.decay, opt.learning_rate
    want, losses, states = _hand_loop(B, start, x, onehot(labels, 3), 5, 2, rule, hyper,
                                      lambda k: lr / (1 + decay * k))
    assert [c[2]["eta"] for c in calls[::4]] == [lr / (1 + decay * k) for k in range(4)]
    got = _prims(m)
    for i, (a, b) in enumerate(zip(got, want)):
        assert np.array_equal(a, b), f"{B.name} {opt!r}: parameter {i} differs by {np.max(np.abs(a - b))}"
        assert not np.allclose(a, start[i], rtol=1e-3, atol=1e-3), f"parameter {i} hardly moved"
    assert [h1.history["loss"][0], h2.history["loss"][0]] == [np.dot(losses[:2], [5, 3]) / 8,
                                                              np.dot(losses[2:], [5, 3]) / 8]
    flat = [s for layer_states in m._training.states for s in layer_states]
    assert m._training.iterations == 4 and m._training.rule == rule
    for mine, theirs in zip(flat, states):
        assert type(mine) is type(theirs)
        for a, b in zip(mine, theirs):
            assert np.array_equal(np.asarray(B.to_host(a)), np.asarray(B.to_host(b)))


def test_sgd_decay_follows_inverse_time():
    """SGD(lr, decay) updates with eta_k = lr / (1 + decay k), k the number of updates since compile, counted
    over fit calls (3 batches per epoch, 2 fits of 2 epochs: k = 0..11); compile starts the count again.
    Without decay the learning rate is lr at every update. Concept: lr.schedule, optim.sgd."""
    x, labels = _tiny()
    spied, spy = spying(accelerated.backend("reference"))
    m = _opt_model(spied, SGD(lr=0.3, decay=0.5))
    for _ in range(2):
        m.fit(x, labels, batch_size=3, epochs=2, verbose=0)
    etas = [c[2]["eta"] for c in spy.calls if c[0] == "sgd_update"][::4]
    assert etas == [0.3 / (1 + 0.5 * k) for k in range(12)]
    assert etas[0] == 0.3 and etas[-1] == pytest.approx(0.3 / 6.5, rel=1e-15)
    spy.calls.clear()
    m.compile(loss="categorical_crossentropy", optimizer=m.optimizer)
    m.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    assert [c[2]["eta"] for c in spy.calls if c[0] == "sgd_update"][::4] == [0.3 / (1 + 0.5 * k) for k in range(3)]
    plain = _opt_model(spied, SGD(lr=0.3))
    assert plain.fit(x, labels, batch_size=3, epochs=2, verbose=0).params["path"] == "fast"
    plain._fast_path = False
    spy.calls.clear()
    plain.fit(x, labels, batch_size=3, epochs=2, verbose=0)
    assert {c[2]["eta"] for c in spy.calls if c[0] == "sgd_update"} == {0.3}


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_every_optimizer_name_trains_on_every_backend(B, R, name):
    """compile(optimizer=name) (any case) gives that optimizer with Keras's defaults, and the model trains on
    every backend to the reference's numbers: 2 epochs of batches of 4 (4 updates), shuffled, float64.

    Tolerance: every value is O(1) and comes out of a few hundred float64 operations whose results two
    correct backends may round differently (another order of a sum: a few units of u = 1.1e-16 each). The
    adaptive rules divide by a root mean square of the gradients, which maps a relative error of the
    gradient to a like relative error of the step, so the errors stay a small multiple of 1e-14; rtol = atol
    = 1e-11 leaves a wide margin while a wrong rule (a different step, of order eta = 1e-3 or more) fails by
    far. Concept: optim.sgd, optim.adagrad, optim.rmsprop, optim.adadelta, optim.adam, optim.nadam.
    """
    x, labels = _tiny()
    results = {}
    for backend in (R, B):
        m = _opt_model(backend, name.upper() if name == "adam" else name, seed=2)
        assert type(m.optimizer) is keras_optimizers._CLASSES[name]
        assert m.optimizer.get_config() == type(m.optimizer)().get_config()
        start = m.get_weights()
        h = m.fit(x, labels, batch_size=4, epochs=2, verbose=0)
        assert h.params["path"] == ("fast" if name == "sgd" else "generic")
        assert all(np.isfinite(v) for v in h.history["loss"])
        assert all(not np.array_equal(a, b) for a, b in zip(start, m.get_weights()))
        results[backend.name] = (m.get_weights(), h.history["loss"])
    (wr, lr), (wb, lb) = results[R.name], results[B.name]
    for a, b in zip(wb, wr):
        assert np.allclose(a, b, rtol=1e-11, atol=1e-11), f"{B.name} {name}: {np.max(np.abs(a - b))}"
    assert np.allclose(lb, lr, rtol=1e-11)


def test_every_optimizer_object_trains_on_every_backend(B, R):
    """Each optimizer object of _OPTIMIZERS trains the tiny model on every backend to the reference's numbers
    (float32 this time, 1 epoch of batches of 4 = 2 updates; the float64 cases and the rules' exact numbers are
    the hand-loop test's).

    Tolerance: float32, u = 6e-8; each value comes out of some hundreds of operations on O(1) numbers, so two
    correct backends differ by at most ~1e-5 relative; 1e-4 (absolute and relative) is that with a margin,
    far below the steps themselves (eta >= 1e-2 here). Concept: optim.adam, optim.momentum, optim.sgd."""
    x, labels = _tiny()
    for opt, _, _ in _OPTIMIZERS:
        results = []
        for backend in (R, B):
            m = _opt_model(backend, opt, seed=3, dtype="float32")
            h = m.fit(x, labels, batch_size=4, epochs=1, verbose=0)
            assert h.params["path"] == "generic" and np.isfinite(h.history["loss"][0])
            assert all(w.dtype == np.float32 for w in m.get_weights())
            assert all(s.dtype == np.float32 for layer in m._training.states for st in layer for s in st
                       if not isinstance(s, int))
            results.append(m.get_weights())
        for a, b in zip(*results):
            assert np.allclose(a, b, rtol=1e-4, atol=1e-4), f"{B.name} {opt!r}: {np.max(np.abs(a - b))}"


_RESUME = [Adam(), SGD(lr=0.5, momentum=0.9, nesterov=True, decay=1e-3), Adagrad(lr=0.1),
           RMSprop(lr=0.01, decay=0.01), Adadelta(), Nadam(), SGD(lr=0.5)]


@pytest.mark.parametrize("opt", _RESUME, ids=repr)
def test_save_load_model_resumes_training_exactly(B, opt, tmp_path):
    """fit(2 epochs) == fit(1 epoch), save, load_model, fit(1 epoch): the same weights and the same second-
    epoch loss, bit for bit (shuffled batches of 3, float64). load_model restores the optimizer (its config),
    every state array and step count t, the count of updates that decay uses, and the model's Generator, so
    the second epoch's order is the one the uninterrupted run draws.

    Two fits of 1 epoch equal one fit of 2 as well. Against them: recompiling after loading (fresh states) or
    loading with another seed (another order) changes the numbers, so each restored piece matters. (The CUDA
    simulator runs the first two cases only.) Concept: model.dense, optim.adam, optim.momentum, lr.schedule.
    """
    if B.name == "cuda" and accelerated.cuda_simulated() and opt not in _RESUME[:2]:
        pytest.skip("Adam and SGD(momentum, nesterov, decay) cover cuda under the simulator")
    x, labels = _tiny()
    whole = _opt_model(B, opt, seed=5)
    h = whole.fit(x, labels, batch_size=3, epochs=2, verbose=0)
    twice = _opt_model(B, opt, seed=5)
    twice.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    h2 = twice.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    first = _opt_model(B, opt, seed=5)
    first.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    path = tmp_path / "half.npz"
    first.save(path)
    resumed = load_model(path, backend=B)
    assert resumed.optimizer.get_config() == opt.get_config() and type(resumed.optimizer) is type(opt)
    assert resumed._training.iterations == 3 and resumed._training.rule == opt.rule
    for mine, theirs in zip(resumed._training.states, first._training.states):
        for a, b in zip(mine, theirs):
            assert type(a) is type(b) and all(
                (x_ == y_) if isinstance(x_, int) else np.array_equal(np.asarray(B.to_host(x_)),
                                                                      np.asarray(B.to_host(y_)))
                for x_, y_ in zip(a, b))
    h3 = resumed.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    for other, history in ((twice, h2), (resumed, h3)):
        assert all(np.array_equal(a, b) for a, b in zip(other.get_weights(), whole.get_weights()))
        assert history.history["loss"][0] == h.history["loss"][1]
    if opt.rule == "sgd" and not opt.decay:
        return                                          # plain SGD has no state: only the order matters
    fresh = load_model(path, backend=B)
    fresh.compile(loss="categorical_crossentropy", optimizer=opt, metrics=["accuracy"])
    assert fresh._training is None
    fresh.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    assert not np.array_equal(fresh.get_weights()[0], whole.get_weights()[0])
    reseeded = load_model(path, backend=B, seed=0)
    reseeded.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    assert not np.array_equal(reseeded.get_weights()[0], whole.get_weights()[0])


def test_saved_optimizer_state_file_layout(tmp_path):
    """The .npz holds the optimizer config, the count of updates, each state array (state_<i>_<field>, the
    primitives' layout) and t in the JSON config, and the Generator's state (PCG64's 128-bit integers kept
    exactly by JSON); all readable with allow_pickle=False. A model compiled but not trained saves no state;
    an old (version 1) file loads with a fresh state; a state that does not fit the model is refused.
    Concept: optim.adam, lr.schedule."""
    x, labels = _tiny()
    m = _opt_model("reference", Adam(lr=0.01, decay=0.5), seed=4)
    m.fit(x, labels, batch_size=5, epochs=3, verbose=0)
    path = tmp_path / "adam.npz"
    m.save(path)
    with np.load(path, allow_pickle=False) as f:
        config = json.loads(str(f["config"]))
        assert config["version"] == 3
        assert config["weight_names"] == ["dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"]
        assert config["compile"]["optimizer"] == {"name": "adam", "learning_rate": 0.01, "beta_1": 0.9,
                                                  "beta_2": 0.999, "epsilon": 1e-8, "decay": 0.5}
        state = config["optimizer_state"]
        assert state["rule"] == "adam" and state["iterations"] == 6 and state["t"] == [6, 6, 6, 6]
        assert state["arrays"] == [f"state_{i}_{f}" for i in range(4) for f in ("m", "v")]
        W1_state = m._training.states[0][0]
        assert np.array_equal(f["state_0_m"], W1_state.m) and np.array_equal(f["state_0_v"], W1_state.v)
        assert f["state_0_m"].shape == (3, 3) and f["state_1_v"].shape == (3,)
        assert config["rng"] == json.loads(json.dumps(m._rng.bit_generator.state))
        assert config["rng"]["bit_generator"] == "PCG64" and config["rng"]["state"]["state"] >= 2 ** 64
        entries = {k: f[k] for k in f.files}
    assert load_model(path)._rng.bit_generator.state == m._rng.bit_generator.state
    unfit = _opt_model("reference", Adam(), seed=4)
    unfit.save(tmp_path / "unfit.npz")
    with np.load(tmp_path / "unfit.npz", allow_pickle=False) as f:
        assert json.loads(str(f["config"]))["optimizer_state"] is None and "state_0_m" not in f.files
    assert load_model(tmp_path / "unfit.npz")._training is None
    config_v1 = {k: v for k, v in config.items() if k not in ("optimizer_state", "rng")}
    config_v1["version"] = 1
    old = {k: v for k, v in entries.items() if not k.startswith("state_")}
    old["config"] = np.array(json.dumps(config_v1))
    np.savez(tmp_path / "v1.npz", **old)
    loaded = load_model(tmp_path / "v1.npz")
    assert loaded._training is None and np.array_equal(loaded.predict(x), m.predict(x))
    bad = dict(entries)
    bad["state_0_v"] = np.zeros((2, 2))
    np.savez(tmp_path / "bad.npz", **bad)
    with pytest.raises(ValueError, match=r"^load_model: '.*bad\.npz' is not a consistent saved model: .*state_0_v "
                                         r"must be float64 \(3, 3\)"):
        load_model(tmp_path / "bad.npz")
    wrong = dict(entries)
    config_sgd = dict(config, compile=dict(config["compile"], optimizer=SGD().get_config()))
    wrong["config"] = np.array(json.dumps(config_sgd))
    np.savez(tmp_path / "wrong.npz", **wrong)
    with pytest.raises(ValueError, match=r"optimizer state is for the rule 'adam', but the optimizer runs 'sgd'"):
        load_model(tmp_path / "wrong.npz")


def test_optimizer_defaults_config_round_trip_and_repr():
    """Keras 1's defaults (the slides' Keras), lr and learning_rate the same number, get_config/from_config
    round trip (through JSON), repr that rebuilds the optimizer, and the names compile accepts in any case.
    A fresh compile resets the optimizer's state: fit after recompiling equals fit of a fresh model. The state
    lives with the model, not the optimizer object: one Adam object given to two models trains each as if
    it were alone. Concept: optim.sgd, optim.momentum, optim.adagrad, optim.rmsprop, optim.adadelta, optim.adam,
    optim.nadam."""
    defaults = {SGD: (0.01, dict(momentum=0.0, nesterov=False, decay=0.0)),
                Adagrad: (0.01, dict(epsilon=1e-8, decay=0.0)),
                RMSprop: (0.001, dict(rho=0.9, epsilon=1e-8, decay=0.0)),
                Adadelta: (1.0, dict(rho=0.95, epsilon=1e-8, decay=0.0)),
                Adam: (0.001, dict(beta_1=0.9, beta_2=0.999, epsilon=1e-8, decay=0.0)),
                Nadam: (0.002, dict(beta_1=0.9, beta_2=0.999, epsilon=1e-8))}
    namespace = {cls.__name__: cls for cls in defaults}
    for cls, (lr, rest) in defaults.items():
        opt = cls()
        assert opt.lr == opt.learning_rate == lr
        assert opt.get_config() == {"name": cls.__name__.lower(), "learning_rate": lr, **rest}
        assert cls(lr=0.5).learning_rate == cls(learning_rate=0.5).lr == cls(0.5).lr == 0.5
    for opt, _, _ in _OPTIMIZERS:
        config = json.loads(json.dumps(opt.get_config()))
        again = type(opt).from_config(config)
        assert type(again) is type(opt) and again.get_config() == opt.get_config()
        assert keras_optimizers._from_config(config).get_config() == opt.get_config()
        assert eval(repr(opt), namespace).get_config() == opt.get_config()
    assert repr(Adam()) == "Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0)"
    assert SGD().rule == "sgd" and SGD(momentum=0.1).rule == "momentum" and Nadam().rule == "nadam"
    m = _opt_model("reference", "sgd")
    for name in OPTIMIZER_NAMES:
        for spelled in (name, name.upper(), name.capitalize()):
            m.compile(loss="mse", optimizer=spelled)
            assert m.optimizer.name == name
    x, labels = _tiny()
    a, b = _opt_model("reference", Adam(lr=0.01), seed=6), _opt_model("reference", Adam(lr=0.01), seed=6)
    a.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    a.set_weights(b.get_weights())
    a.compile(loss="categorical_crossentropy", optimizer=a.optimizer, metrics=["accuracy"])
    assert a._training is None
    a._rng = np.random.default_rng(0)
    b._rng = np.random.default_rng(0)
    a.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    b.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    assert all(np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights()))
    shared = Adam(lr=0.01)                  # one object, two models: each keeps its own state
    c, d = _opt_model("reference", shared, seed=7), _opt_model("reference", shared, seed=8)
    alone = _opt_model("reference", Adam(lr=0.01), seed=7)
    c.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    d.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    c.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    alone.fit(x, labels, batch_size=4, epochs=2, verbose=0)
    assert all(np.array_equal(p, q) for p, q in zip(c.get_weights(), alone.get_weights()))
    assert shared.get_config() == Adam(lr=0.01).get_config() and not hasattr(shared, "states")


def test_optimizer_argument_errors():
    """Bad hyperparameters are refused when the optimizer is made, naming the class and the argument: a
    learning rate <= 0, a beta, rho or momentum outside [0, 1), an epsilon <= 0 (Adagrad: < 0, 0 being the
    slide's form), a negative decay, a nesterov that is not a bool, lr and learning_rate together; Nadam
    takes no decay; an unknown optimizer name lists the valid ones; a config of another optimizer is refused.
    Concept: optim.adam, optim.momentum, optim.adagrad."""
    cases = [(lambda: SGD(lr=-1), ValueError, "SGD: lr must be a positive number; got -1"),
             (lambda: Adam(learning_rate=0), ValueError, "Adam: learning_rate must be a positive number; got 0"),
             (lambda: Adam(beta_1=1), ValueError, r"Adam: beta_1 must be a number in \[0, 1\); got 1"),
             (lambda: Nadam(beta_2=1.5), ValueError, r"Nadam: beta_2 must be a number in \[0, 1\); got 1.5"),
             (lambda: RMSprop(rho=-0.1), ValueError, r"RMSprop: rho must be a number in \[0, 1\); got -0.1"),
             (lambda: Adadelta(rho=1.0), ValueError, r"Adadelta: rho must be a number in \[0, 1\); got 1.0"),
             (lambda: SGD(momentum=1), ValueError, r"SGD: momentum must be a number in \[0, 1\); got 1"),
             (lambda: Adam(epsilon=0), ValueError, "Adam: epsilon must be a positive number; got 0"),
             (lambda: Adagrad(epsilon=-1e-8), ValueError, "Adagrad: epsilon must be a number >= 0; got -1e-08"),
             (lambda: RMSprop(decay=-0.1), ValueError, "RMSprop: decay must be a number >= 0; got -0.1"),
             (lambda: SGD(nesterov="yes"), ValueError, "SGD: nesterov must be True or False; got 'yes'"),
             (lambda: Adam(lr=float("nan")), ValueError, "Adam: lr must be a positive number; got nan"),
             (lambda: Adam(lr=0.1, learning_rate=0.1), TypeError,
              r"Adam: give learning_rate \(Keras 2\) or lr \(Keras 1\), not both; got learning_rate=0.1, lr=0.1"),
             (lambda: SGD(0.1, 0.9), TypeError, r"takes from 1 to 2 positional arguments"),
             (lambda: Nadam(decay=0.1), TypeError, "unexpected keyword argument 'decay'"),
             (lambda: Adam.from_config(SGD().get_config()), ValueError,
              "Adam.from_config: the config is of optimizer 'sgd', not 'adam'")]
    for make, kind, message in cases:
        with pytest.raises(kind, match=message):
            make()
    m = _opt_model("reference", "adam")
    msg = _error(ValueError, m.compile, loss="mse", optimizer="adamax")
    assert msg == ("Sequential.compile: optimizer must be an optimizer such as SGD(lr=0.1) or one of 'sgd', "
                   "'adagrad', 'rmsprop', 'adadelta', 'adam', 'nadam'; got 'adamax'")
    assert "got the class Adam itself (call it: optimizer=Adam())" in _error(TypeError, m.compile, loss="mse",
                                                                            optimizer=Adam)
    assert m.optimizer.name == "adam"                     # a failed compile keeps the last one


def test_slide_compile_lines_sgd_and_adam(B):
    """The slide's two compile lines (003 "Adam" and "Let's try it": SGD(lr=0.1), then Adam()) run as written
    on a 3-layer ReLU network on the digits (64 units per layer, 5 epochs of batches of 100, for time): the
    first takes the fused fast path, the second the generic path with adam_update, and both learn. Test
    accuracy over seeds 0 to 3: SGD 0.78 to 0.80, Adam 0.85 to 0.89 (chance: 0.1); asserted > 0.6 for seed 0.
    The slide's comparison at full size (0.96 vs 0.97) is the tutorial's. Concept: optim.adam, optim.sgd.
    """
    _skip_big_on_simulator(B)
    (x_train, y_train), (x_test, y_test) = load_digits()
    scores = {}
    for which in ("sgd", "adam"):
        model = Sequential(backend=B, seed=0)
        model.add(Dense(input_dim=64, output_dim=64)); model.add(Activation('relu'))
        model.add(Dense(output_dim=64)); model.add(Activation('relu'))
        model.add(Dense(output_dim=64)); model.add(Activation('relu'))
        model.add(Dense(output_dim=10)); model.add(Activation('softmax'))
        if which == "sgd":
            model.compile(loss='categorical_crossentropy',
                          optimizer=SGD(lr=0.1),
                          metrics=['accuracy'])
        else:
            model.compile(loss='categorical_crossentropy',
                          optimizer=Adam(),
                          metrics=['accuracy'])
        history = model.fit(x_train, y_train, batch_size=100, nb_epoch=5, verbose=0)
        assert history.params["path"] == ("fast" if which == "sgd" else "generic")
        scores[which] = model.evaluate(x_test, y_test, verbose=0)[1]
    assert scores["sgd"] > 0.6 and scores["adam"] > 0.6, scores


# -- files of earlier formats --------------------------------------------------------------------------------
_DATA = os.path.join(os.path.dirname(__file__), "data")


def test_old_saved_files_load_and_predict_the_same(B):
    """Files saved by earlier versions of the format (spec_tests/data, written by the code of their time) still
    load on every backend and predict what that code predicted; the version-2 file carries its optimizer state
    and Generator, so one more epoch of fit reproduces the then-computed weights, and the version-1 file loads
    with a fresh optimizer state. (Bit-exact on the reference, which wrote them; within float64 rounding of a
    few hundred operations elsewhere, 1e-12.) Concept: model.dense."""
    with np.load(os.path.join(_DATA, "keras_v1_v2_expected.npz")) as f:
        want = {k: f[k] for k in f.files}
    exact = B.name == "reference"
    for version in (1, 2):
        m = load_model(os.path.join(_DATA, f"keras_v{version}.npz"), backend=B)
        got = m.predict(want["x"])
        assert np.array_equal(got, want["predict"]) if exact else np.allclose(got, want["predict"], rtol=1e-12,
                                                                              atol=1e-14)
        assert m.optimizer.get_config()["name"] == "adam"
        assert (m._training is None) == (version == 1)
        if version == 2:
            m.fit(want["x"], want["labels"], batch_size=3, epochs=1, verbose=0)
            for key, value in (("resumed_predict", m.predict(want["x"])), ("resumed_weights_0", m.get_weights()[0])):
                assert np.array_equal(value, want[key]) if exact else np.allclose(value, want[key], rtol=1e-10,
                                                                                  atol=1e-12)


# == the layer protocol: shapes, named parameters, models in models, trainable ===========================
from reference.keras import callbacks as keras_callbacks  # noqa: E402
from reference.keras import losses as keras_losses  # noqa: E402
from reference.keras import objectives  # noqa: E402
from reference.keras.layers import LeakyReLU  # noqa: E402
from reference.keras.layers.base import LAYERS, Layer  # noqa: E402


def test_keras1_module_paths_and_flat_imports():
    """Each object is at Keras 1's module path as well as in the flat namespace: layers.core, layers.advanced_
    activations, objectives (the registry's losses), models.History (the callbacks' History)."""
    from reference.keras.layers.advanced_activations import LeakyReLU as L2, PReLU as P2
    from reference.keras.layers.core import Activation as A2, Dense as D2, Maxout as M2
    from reference.keras.models import History as H2

    assert (D2, A2, M2, P2, L2) == (Dense, Activation, Maxout, PReLU, LeakyReLU)
    assert H2 is keras_callbacks.History
    assert objectives.binary_crossentropy is keras_losses.get("binary_crossentropy")
    assert objectives.mean_squared_error is objectives.mse is keras_losses.get("mse")
    assert {"Dense", "Activation", "Maxout", "PReLU", "LeakyReLU", "Sequential"} <= set(LAYERS)


def test_shapes_without_the_batch_axis_and_summary_table(capsys):
    """Layers are built from one example's shape: Dense maps the last axis, (T, D) -> (T, units); the output
    shapes print as Keras's (None, T, units); input_shape=, input_dim= and batch_input_shape= agree; summary
    counts trainable and non-trainable parameters apart (a frozen layer's in the second)."""
    m = Sequential(seed=0, dtype="float64")
    m.add(Dense(4, input_shape=(5, 3), activation="tanh")); m.add(PReLU()); m.add(Maxout(2, k=3))
    m.add(Dense(2)); m.add(Activation("softmax"))
    assert [layer.output_shape for layer in m.layers] == [(None, 5, 4), (None, 5, 4), (None, 5, 2), (None, 5, 2),
                                                          (None, 5, 2)]
    assert m.layers[0].input_shape == (None, 5, 3) and m.input_dim is None and m.built_shape == (5, 3)
    assert [w.shape for w in m.get_weights()] == [(3, 4), (4,), (5, 4), (4, 6), (6,), (2, 2), (2,)]
    m.layers[1].trainable = False
    m.summary()
    out = capsys.readouterr().out
    rows = re.findall(r"^(\w+) \((\w+)\)\s+(\(None[^)]*\))\s+(\d+)\s*$", out, re.M)
    assert rows == [("dense_1", "Dense", "(None, 5, 4)", "16"), ("p_re_lu_1", "PReLU", "(None, 5, 4)", "20"),
                    ("maxout_1", "Maxout", "(None, 5, 2)", "30"), ("dense_2", "Dense", "(None, 5, 2)", "6"),
                    ("activation_1", "Activation", "(None, 5, 2)", "0")]
    assert "Total params: 72" in out and "Trainable params: 52" in out and "Non-trainable params: 20" in out
    spellings = [Dense(2, input_dim=3), Dense(2, input_shape=(3,)), Dense(2, batch_input_shape=(None, 3)),
                 Dense(2, input_dim=3, batch_input_shape=[None, 3])]
    assert all(layer.declared_shape == (3,) for layer in spellings)
    assert "disagree" in _error(ValueError, Dense, 2, input_dim=3, input_shape=(4,))
    assert "batch_input_shape must be" in _error(ValueError, Dense, 2, batch_input_shape=(3,))
    built = Sequential(seed=0)
    built.add(Dense(3)); built.build((None, 2, 7))
    assert built.layers[0].output_shape == (None, 2, 3)
    assert "input_shape must be D or (None, D)" in _error(ValueError, Sequential([Dense(2)]).build, (2, 7))


def test_dense_on_sequences_is_the_dense_of_each_step(B):
    """Dense on (N, T, D) applies the same kernel to each of the T vectors: predict equals the per-step 2-D
    predictions stacked, and one fit step equals training the 2-D model on the N*T rows (whose mean loss
    over all rows is the same loss): the same weights within float64 rounding of a few hundred operations
    (1e-12). Concept: model.dense."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 3, 2))
    y = rng.normal(size=(4, 3, 2))
    seq = Sequential(backend=B, seed=2, dtype="float64")
    seq.add(Dense(5, input_shape=(3, 2), activation="tanh")); seq.add(Dense(2))
    flat = Sequential(backend=B, seed=2, dtype="float64")
    flat.add(Dense(5, input_dim=2, activation="tanh")); flat.add(Dense(2))
    assert all(np.array_equal(a, b) for a, b in zip(seq.get_weights(), flat.get_weights()))
    got = seq.predict(x)
    assert got.shape == (4, 3, 2)
    for step in range(3):
        assert np.allclose(got[:, step], flat.predict(x[:, step]), rtol=1e-12, atol=1e-14)
    for model in (seq, flat):
        model.compile(loss="mse", optimizer=SGD(lr=0.1))
    hs = seq.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    hf = flat.fit(x.reshape(12, 2), y.reshape(12, 2), batch_size=12, epochs=1, verbose=0, shuffle=False)
    assert hs.params["path"] == "generic" and hf.params["path"] == "fast"
    assert hs.history["loss"][0] == pytest.approx(hf.history["loss"][0], rel=1e-12)
    for a, b in zip(seq.get_weights(), flat.get_weights()):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-13)


def _nested(B, seed=3, dtype="float64"):
    """A model holding a model: [sequential_1 [dense_1 (tanh), p_re_lu_1], dense_1, activation_1]; the inner
    model has no input shape of its own, so the outer one draws its weights from its own seed at build."""
    inner = Sequential(dtype=dtype)
    inner.add(Dense(4, activation="tanh")); inner.add(PReLU())
    outer = Sequential(backend=B, seed=seed, dtype=dtype)
    outer.add(inner); outer.add(Dense(3)); outer.add(Activation("softmax"))
    outer.build((None, 3))
    return outer


def test_model_inside_a_model_is_a_layer(B):
    """A Sequential added to a Sequential is one layer: its parameters are named through it
    (sequential_1/dense_1/kernel), the whole trains, predicts and counts exactly as the same layers added flat
    (same seed, so the same initial weights; bit for bit on every backend, since the same primitives run in
    the same order), and a model cannot contain itself."""
    x, labels = _tiny()
    nested = _nested(B)
    flat = Sequential(backend=B, seed=3, dtype="float64")
    flat.add(Dense(4, input_dim=3, activation="tanh")); flat.add(PReLU()); flat.add(Dense(3))
    flat.add(Activation("softmax"))
    assert nested.param_names == ("sequential_1/dense_1/kernel", "sequential_1/dense_1/bias",
                                  "sequential_1/p_re_lu_1/alpha", "dense_1/kernel", "dense_1/bias")
    assert list(nested.weights_by_name) == list(nested.param_names)
    assert all(np.array_equal(a, b) for a, b in zip(nested.get_weights(), flat.get_weights()))
    assert nested.count_params() == flat.count_params() == 16 + 4 + 15
    assert nested.layers[0].output_shape == (None, 4)
    for m in (nested, flat):
        m.compile(loss="categorical_crossentropy", optimizer=Adam(lr=0.05), metrics=["accuracy"])
    hn = nested.fit(x, labels, batch_size=3, epochs=2, verbose=0)
    hf = flat.fit(x, labels, batch_size=3, epochs=2, verbose=0)
    assert hn.history == hf.history
    assert all(np.array_equal(a, b) for a, b in zip(nested.get_weights(), flat.get_weights()))
    assert np.array_equal(nested.predict(x), flat.predict(x))
    assert "cannot contain itself" in _error(ValueError, nested.layers[0].add, nested)
    twice = Sequential(backend=B)
    twice.add(Dense(2, input_dim=2, name="a"))
    assert "the name 'a' is taken" in _error(ValueError, twice.add, Dense(2, name="a"))


def test_trainable_false_freezes_the_parameters_and_their_state(B):
    """layer.trainable = False: fit leaves its parameters bit for bit and their optimizer state (Adam's m, v, t)
    unchanged, while the others train; the fast path is left for the generic one; setting trainable on a
    model freezes every layer in it; setting it back trains again. Concept: optim.adam."""
    x, labels = _tiny()
    m = _nested(B)
    m.compile(loss="categorical_crossentropy", optimizer=Adam(lr=0.05))
    m.fit(x, labels, batch_size=4, epochs=1, verbose=0)               # the state is non-zero now
    before = m.weights_by_name
    state_before = [[(s.m.copy_to_host() if hasattr(s.m, "copy_to_host") else np.array(s.m), s.t) for s in layer]
                    for layer in m._training.states]
    named = m.optimizer_state_by_name
    assert list(named) == list(m.param_names) and named["dense_1/bias"] is m._training.states[1][1]
    m.layers[0].layers[0].trainable = False                          # the inner Dense
    assert m.count_trainable_params() == 4 + 15
    m.fit(x, labels, batch_size=4, epochs=2, verbose=0)
    after = m.weights_by_name
    for name in before:
        frozen = name.startswith("sequential_1/dense_1/")
        assert np.array_equal(before[name], after[name]) == frozen, name
    for i, (old, new) in enumerate(zip(state_before[0][:2], m._training.states[0][:2])):
        assert new.t == old[1] and np.array_equal(np.asarray(B.to_host(new.m)), old[0]), i
    assert m._training.states[0][2].t == state_before[0][2][1] + 4
    m.trainable = False
    assert not any(m.trainable_mask) and m.count_trainable_params() == 0 and not m.layers[2].trainable
    frozen_all = m.get_weights()
    m.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(frozen_all, m.get_weights()))
    m.trainable = True
    m.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    assert not np.array_equal(frozen_all[0], m.get_weights()[0])
    plain = _tiny_model(B)
    plain.layers[2].trainable = False
    h = plain.fit(x, labels, batch_size=4, epochs=1, verbose=0)
    assert h.params["path"] == "generic"
    with pytest.raises(TypeError, match="trainable must be True or False"):
        plain.layers[0].trainable = "no"
    with pytest.raises(AttributeError, match="Dense has no attribute 'trainble': setting it would change nothing"):
        plain.layers[0].trainble = False                              # a typo is refused, not ignored
    with pytest.raises(AttributeError, match="Sequential has no attribute 'trainble'"):
        plain.trainble = False


def test_named_save_load_roundtrip_resumes_exactly(B, tmp_path):
    """Version 3 saves every weight with its name and loads by name: a nested model with a frozen layer and an
    Adam state comes back with the same names, weights, trainable flags and optimizer state, and one more
    epoch after loading equals one more epoch without the save, bit for bit. set_weights takes a dict by
    name (some or all); an unknown name is refused. Concept: model.dense, optim.adam."""
    x, labels = _tiny()
    m = _nested(B)
    m.layers[1].trainable = False
    m.compile(loss="categorical_crossentropy", optimizer=Adam(lr=0.05), metrics=["acc"])
    m.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    m.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as f:
        config = json.loads(str(f["config"]))
    assert config["version"] == 3 and config["weight_names"] == list(m.param_names)
    loaded = load_model(tmp_path / "m.npz", backend=B)
    assert loaded.param_names == m.param_names and loaded.trainable_mask == m.trainable_mask
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), m.get_weights()))
    assert loaded.metrics_names == ["loss", "acc"]
    h1 = m.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    h2 = loaded.fit(x, labels, batch_size=3, epochs=1, verbose=0)
    assert h1.history == h2.history and set(h1.history) == {"loss", "acc"}
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), m.get_weights()))
    kernel = np.full((3, 4), 0.5)
    loaded.set_weights({"sequential_1/dense_1/kernel": kernel})
    assert np.array_equal(loaded.weights_by_name["sequential_1/dense_1/kernel"], kernel)
    assert np.array_equal(loaded.weights_by_name["dense_1/bias"], m.weights_by_name["dense_1/bias"])
    assert "no weight named 'dense_9/kernel'" in _error(ValueError, loaded.set_weights, {"dense_9/kernel": kernel})
    assert loaded.layers[1].weights_by_name.keys() == {"kernel", "bias"}


def test_save_into_a_missing_directory_names_it(B, tmp_path):
    """save into a directory that does not exist raises FileNotFoundError naming that directory (not a
    temporary file), and writes nothing."""
    m = _tiny_model(B)
    target = tmp_path / "no" / "such" / "m.npz"
    msg = _error(FileNotFoundError, m.save, target)
    assert f"the directory '{tmp_path / 'no' / 'such'}' does not exist" in msg and ".tmp" not in msg
    assert os.listdir(tmp_path) == []


# == losses: the registry, binary cross entropy ==========================================================
def test_loss_registry_is_open():
    """compile takes any registered loss by name, alias or object; register() adds one (a name taken is
    refused); an unknown name lists the registered ones; the Keras 1 objectives are the same objects."""
    class Halved(keras_losses.Loss):
        name = "halved_mse_for_test"

        def __call__(self, B, out, t, logits):
            L, d = B.mse(out, t)
            return L / 2, d / 2
    if "halved_mse_for_test" not in keras_losses.all_names():
        keras_losses.register(Halved())
    x, _ = _tiny()
    y = np.tanh(x)
    runs = []
    for loss in ("halved_mse_for_test", "mse", objectives.mean_squared_error):
        m = Sequential(seed=1, dtype="float64")
        m.add(Dense(3, input_dim=3))
        m.compile(loss=loss, optimizer=SGD(lr=0.2 if loss != "halved_mse_for_test" else 0.4))
        runs.append((m.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False).history["loss"], m.get_weights()))
    (lh, wh), (lm, wm), (lo, wo) = runs
    assert lm == lo and all(np.array_equal(a, b) for a, b in zip(wm, wo))
    assert np.allclose(np.array(lh) * 2, lm, rtol=1e-15) and all(np.allclose(a, b, rtol=1e-13) for a, b in zip(wh, wm))
    with pytest.raises(ValueError, match="taken"):
        keras_losses.register(Halved())
    msg = _error(ValueError, m.compile, loss="hinge")
    assert "'binary_crossentropy'" in msg and "'halved_mse_for_test'" in msg


def test_binary_crossentropy_is_fused_and_exact_at_large_logits(B, R):
    """binary_crossentropy pairs with a sigmoid output: fit and evaluate report the stable softplus form
    computed from the scores, finite and exact where the sigmoid's probabilities round to 0 or 1 (scores of
    +-60 in float32, where ln(1 - sigma) on the rounded probability is -inf); accuracy is per output; a model
    not ending in a sigmoid is refused; the generic path's weights match the reference's (float64, 1e-12).
    Concept: loss.cross_entropy, act.sigmoid."""
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
    y = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 0]])
    m = Sequential(backend=B, seed=0, dtype="float32")
    m.add(Dense(3, input_dim=2, activation="sigmoid"))
    m.compile(loss="binary_crossentropy", optimizer=SGD(lr=0.1), metrics=["accuracy"])
    kernel = np.array([[60.0, -60.0, 60.0], [-60.0, 60.0, 60.0]])
    m.set_weights([kernel, np.zeros(3)])
    z = (x @ kernel).astype(np.float32)
    want, _ = R.sigmoid_cross_entropy(z, y.astype(np.float32))
    loss, accuracy = m.evaluate(x, y, verbose=0)
    assert np.isfinite(loss) and loss == pytest.approx(float(want), rel=1e-6)
    p = m.predict(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        plain = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert not np.isfinite(plain)                               # the plain form on the rounded probabilities
    assert accuracy == np.mean((p > 0.5) == (y > 0.5)) and 0 < accuracy < 1
    h = m.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    assert h.params["path"] == "generic" and np.isfinite(h.history["loss"][0])
    assert h.history["loss"][0] == pytest.approx(float(want), rel=1e-6)
    bad = Sequential(backend=B, seed=0)
    bad.add(Dense(3, input_dim=2, activation="softmax"))
    assert "needs 'sigmoid' outputs" in _error(ValueError, bad.compile, loss="binary_crossentropy")
    results = []
    for backend in (B, R):
        w = Sequential(backend=backend, seed=4, dtype="float64")
        w.add(Dense(4, input_dim=2, activation="relu")); w.add(Dense(3)); w.add(Activation("sigmoid"))
        w.compile(loss="binary_crossentropy", optimizer=Adam(lr=0.05))
        results.append((w.fit(x, y, batch_size=2, epochs=2, verbose=0).history["loss"], w.get_weights()))
    assert np.allclose(results[0][0], results[1][0], rtol=1e-12)
    assert all(np.allclose(a, b, rtol=1e-12, atol=1e-12) for a, b in zip(results[0][1], results[1][1]))


# == callbacks in fit ===================================================================================
class _Recorder(keras_callbacks.Callback):
    """Records every hook call (name, index, a copy of the logs)."""

    def __init__(self, batches=True):
        super().__init__()
        self.calls = []
        if not batches:                                   # only the epoch hooks: fit may stay fused
            self.on_batch_begin = keras_callbacks.Callback.on_batch_begin.__get__(self)
            self.on_batch_end = keras_callbacks.Callback.on_batch_end.__get__(self)

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", None, dict(logs or {})))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end", None, dict(logs or {})))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch, dict(logs or {})))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, dict(logs or {})))

    def on_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch, dict(logs or {})))

    def on_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, dict(logs or {})))


class _EpochsOnly(keras_callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append((epoch, self.model.get_weights()[0].copy(), dict(logs)))


def test_callbacks_hooks_in_order_and_fast_equals_generic(B):
    """fit calls on_train_begin, then per epoch on_epoch_begin, on_batch_begin/end per mini-batch (with its size
    and loss), on_epoch_end with the epoch's logs, then on_train_end; it returns the History, whose params name
    the run. A callback that wants batches moves fit to the generic path, one that does not keeps the fused
    one; the two give the same weights and losses within the replayed bound of mlp_epoch (the fast/generic
    comparison where both apply). During on_epoch_end the model's weights are the epoch's. Concept: batch.epoch."""
    x, labels = _tiny()
    recorder, watcher = _Recorder(), _EpochsOnly()
    m = _tiny_model(B, metrics=())
    start = [w.copy() for w in m.get_weights()]
    h = m.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False, callbacks=[recorder])
    assert isinstance(h, keras_callbacks.History) and h.params["path"] == "generic" and h.model is m
    names = [(c[0], c[1]) for c in recorder.calls]
    epoch = lambda e: [("epoch_begin", e), ("batch_begin", 0), ("batch_end", 0), ("batch_begin", 1),  # noqa: E731
                       ("batch_end", 1), ("epoch_end", e)]
    assert names == [("train_begin", None)] + epoch(0) + epoch(1) + [("train_end", None)]
    batch_ends = [c[2] for c in recorder.calls if c[0] == "batch_end"]
    assert [b["size"] for b in batch_ends] == [5, 3, 5, 3]
    epoch_ends = [c[2] for c in recorder.calls if c[0] == "epoch_end"]
    assert [e["loss"] for e in epoch_ends] == h.history["loss"]
    assert epoch_ends[0]["loss"] == pytest.approx((5 * batch_ends[0]["loss"] + 3 * batch_ends[1]["loss"]) / 8,
                                                  rel=1e-15)
    fused = _tiny_model(B, metrics=())
    hf = fused.fit(x, labels, batch_size=5, epochs=2, verbose=0, shuffle=False, callbacks=[watcher])
    assert hf.params["path"] == "fast"
    assert np.array_equal(watcher.seen[-1][1], fused.get_weights()[0])
    assert not np.array_equal(watcher.seen[0][1], watcher.seen[1][1])
    params = [w.T if w.ndim == 2 else w for w in start]
    t = onehot(labels, 3, dtype=np.float64)
    bounds = []
    for _ in range(2):
        params, losses = T.mlp_epoch(x, t, params, None, 5, 0.5, "sigmoid", "softmax", "cross_entropy")
        bounds.append(losses)
    for i, (a, b, bound) in enumerate(zip(m.get_weights(), fused.get_weights(), params)):
        T.assert_close(f"{B.name} weight {i}", a, b, bound.T if a.ndim == 2 else bound)
    for e, bound in enumerate(bounds):
        assert abs(h.history["loss"][e] - hf.history["loss"][e]) <= np.dot([5, 3], bound.tol) / 8 + 1e-15


def test_callbacks_steer_fit_stop_training_lr_and_initial_epoch():
    """model.stop_training set in on_epoch_end ends fit after that epoch (history and on_train_end still
    come); LearningRateScheduler's rate is the one each epoch's updates use (read at its start); lr and
    learning_rate are settable and checked; initial_epoch=2 with epochs=4 runs epochs 2 and 3. Concept: lr.schedule."""
    x, labels = _tiny()

    class StopAfter(keras_callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True
    recorder = _Recorder(batches=False)
    m = _tiny_model("reference")
    h = m.fit(x, labels, epochs=5, verbose=0, callbacks=[StopAfter(), recorder])
    assert h.epoch == [0, 1] and recorder.calls[-1][0] == "train_end" and h.params["path"] == "fast"
    spied, spy = spying(accelerated.backend("reference"))
    s = _tiny_model(spied, fast=False)
    scheduler = keras_callbacks.LearningRateScheduler(lambda epoch: 0.5 / (epoch + 1))
    s.fit(x, labels, batch_size=4, epochs=3, verbose=0, callbacks=[scheduler])
    etas = [c[2]["eta"] for c in spy.calls if c[0] == "sgd_update"][::4]
    assert etas == [0.5, 0.5, 0.25, 0.25, 0.5 / 3, 0.5 / 3] and s.optimizer.lr == 0.5 / 3
    s.optimizer.learning_rate = 0.2
    assert s.optimizer.lr == 0.2 and s.optimizer.get_config()["learning_rate"] == 0.2
    with pytest.raises(ValueError, match=r"SGD\.lr: lr must be a positive number; got 0"):
        s.optimizer.lr = 0
    r = _tiny_model("reference")
    h = r.fit(x, labels, epochs=4, initial_epoch=2, verbose=0)
    assert h.epoch == [2, 3] and len(h.history["loss"]) == 2
    assert "initial_epoch must be an integer in [0, epochs) = [0, 4); got 4" in _error(
        ValueError, r.fit, x, labels, epochs=4, initial_epoch=4)
    assert "callbacks[0] is the class" in _error(TypeError, r.fit, x, labels, callbacks=[keras_callbacks.History])


# == bad input loses nothing ============================================================================
def test_non_finite_inputs_are_refused_naming_the_row(B):
    """fit, evaluate and predict refuse NaN or infinity in x or y (also validation_data), naming the method,
    the argument, the value and the first bad row; the model is left unchanged."""
    x, labels = _tiny()
    m = _tiny_model(B)
    before = m.get_weights()
    bad_x = x.copy(); bad_x[3, 1] = np.nan; bad_x[5, 0] = np.inf
    for method, args in ((m.fit, (bad_x, labels)), (m.evaluate, (bad_x, labels)), (m.predict, (bad_x,))):
        msg = _error(ValueError, method, *args, **({} if method == m.predict else {"verbose": 0}))
        assert msg.startswith(f"Sequential.{method.__name__}: x holds a non-finite value (nan) in row 3"), msg
    targets = onehot(labels, 3)
    targets[6, 2] = -np.inf
    for method in (m.fit, m.evaluate):
        msg = _error(ValueError, method, x, targets, verbose=0)
        assert msg.startswith(f"Sequential.{method.__name__}: y holds a non-finite value (-inf) in row 6"), msg
    msg = _error(ValueError, m.fit, x, labels, verbose=0, validation_data=(bad_x, labels))
    assert msg.startswith("Sequential.fit: validation_data[0] holds a non-finite value (nan) in row 3")
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights())) and m._training is None


# The run diverges on purpose: the CUDA simulator's NumPy scalars say so (overflow) on the way.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "generic"])
def test_non_finite_loss_stops_fit_and_keeps_the_last_finite_epoch(B, fast):
    """A loss that overflows stops fit with a FloatingPointError naming the epoch and batch, and the model keeps
    the weights and the optimizer state (velocities and the count of updates) it had at the end of the last
    finite epoch, exactly. The learning rate jumps to 1e30 at the third epoch (LearningRateScheduler), so the
    third epoch's second batch overflows float32: epochs 1 and 2 are kept. On the fast path (plain SGD) and
    the generic one (SGD with momentum)."""
    x, labels = _tiny()
    opt = SGD(lr=0.1) if fast else SGD(lr=0.1, momentum=0.5)
    m = Sequential(backend=B, seed=1, dtype="float32")
    m.add(Dense(3, input_dim=3, activation="tanh")); m.add(Dense(3))     # a linear output: the error can overflow
    m.compile(loss="mse", optimizer=opt)
    kept = _EpochsOnly()
    state = {}

    class KeepState(keras_callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            training = self.model._training
            state[epoch] = (training.iterations, [[np.array(B.to_host(v)) for s in layer for v in s]
                                                  for layer in training.states])
    scheduler = keras_callbacks.LearningRateScheduler(lambda epoch: 0.1 if epoch < 2 else 1e30)
    with pytest.raises(FloatingPointError, match=r"^Sequential\.fit: the loss became (inf|nan) at batch 1 of epoch 3 "
                                                 r".* keeps the weights and optimizer state of the end of epoch 2"), \
            np.errstate(over="ignore", invalid="ignore"):               # the reference's overflow warnings
        m.fit(x, labels, batch_size=4, epochs=5, verbose=0, shuffle=False, callbacks=[scheduler, kept, KeepState()])
    assert [e for e, _, _ in kept.seen] == [0, 1]
    assert np.array_equal(m.get_weights()[0], kept.seen[1][1])
    iterations, arrays = state[1]
    assert m._training.iterations == iterations == 4
    now = [[np.array(B.to_host(v)) for s in layer for v in s] for layer in m._training.states]
    assert all(np.array_equal(a, b) for la, lb in zip(now, arrays) for a, b in zip(la, lb))
    assert all(np.isfinite(w).all() for w in m.get_weights())
    m.optimizer.lr = 0.1                                  # the model trains on from there
    assert np.isfinite(m.fit(x, labels, batch_size=4, epochs=1, verbose=0).history["loss"][0])


def test_fit_progress_within_epochs_on_the_simulator(capsys, monkeypatch):
    """Where an epoch is slow (the cuda backend on the simulator), fit prints a line per tenth or so of the
    epoch's mini-batches, on both paths (the fused path then runs the epoch as several mlp_epoch calls over
    runs of whole batches, the same sequence of updates: the weights equal an ordinary run's bit for bit)."""
    import reference.keras.models as models

    x, labels = np.tile(_tiny()[0], (4, 1)), np.tile(_tiny()[1], 4)
    plain = _tiny_model("reference")
    plain.fit(x, labels, batch_size=2, epochs=1, verbose=0)
    monkeypatch.setattr(models, "_simulated", lambda B: True)
    for fast in (True, False):
        m = _tiny_model("reference", fast=fast)
        h = m.fit(x, labels, batch_size=2, epochs=1, verbose=2)
        out = capsys.readouterr().out.splitlines()
        assert re.fullmatch(r"  4/32 samples - \d+\.\ds - loss: \d\.\d{4}", out[0]), out
        assert out[-2].startswith("  32/32 samples") and out[-1].startswith("Epoch 1/1")
        assert len(out) == 9 and h.params["path"] == ("fast" if fast else "generic")     # 16 batches: 8 lines
        if fast:
            assert all(np.array_equal(a, b) for a, b in zip(m.get_weights(), plain.get_weights()))


# == the Keras 1 surface ================================================================================
def test_keras1_surface_init_metrics_names_predict_classes():
    """Dense(init='uniform') draws U(-0.05, 0.05) from the model's seed (kernel_initializer= the same; both
    together refused; the config keeps it through save/load); metrics_names; predict_classes (argmax, or the
    side of 0.5 for one output) and predict_proba; metrics=['acc'] logs acc and val_acc."""
    from reference.keras import initializers

    a = Sequential(seed=5); a.add(Dense(40, input_dim=30, init="uniform"))
    b = Sequential(seed=5); b.add(Dense(40, input_dim=30, kernel_initializer=initializers.RandomUniform()))
    kernel = a.get_weights()[0]
    assert np.array_equal(kernel, b.get_weights()[0]) and np.abs(kernel).max() <= 0.05
    assert kernel.std() == pytest.approx(0.1 / np.sqrt(12), rel=0.05)
    want = np.random.default_rng(5).uniform(-0.05, 0.05, size=(30, 40)).astype(np.float32)
    assert np.array_equal(kernel, want)
    zero = Sequential(seed=5); zero.add(Dense(4, input_dim=3, init="zero"))
    assert not zero.get_weights()[0].any()
    assert "not both" in _error(TypeError, Dense, 3, init="uniform", kernel_initializer="zeros")
    assert a.layers[0].get_config()["kernel_initializer"] == {"class_name": "RandomUniform",
                                                              "config": {"minval": -0.05, "maxval": 0.05}}
    x, labels = _tiny()
    m = _tiny_model("reference", metrics=["acc"])
    assert m.metrics_names == ["loss", "acc"] and _tiny_model("reference", metrics=()).metrics_names == ["loss"]
    h = m.fit(x, labels, epochs=1, verbose=0, validation_split=0.25)
    assert set(h.history) == {"loss", "acc", "val_loss", "val_acc"}
    p = m.predict(x)
    assert np.array_equal(m.predict_classes(x), p.argmax(axis=1)) and np.array_equal(m.predict_proba(x), p)
    one = Sequential(seed=0); one.add(Dense(1, input_dim=3, activation="sigmoid"))
    assert np.array_equal(one.predict_classes(x), (one.predict(x) > 0.5).astype(int))
    assert one.predict_classes(x).shape == (8, 1)


def test_leaky_relu_layer_keras_default_and_slide_slope(B):
    """LeakyReLU() has Keras's slope 0.3; LeakyReLU(alpha=0.01) is the slide's, the same as
    Activation('leaky_relu') bit for bit; a bad alpha is refused. Concept: act.leaky_relu."""
    x = np.array([[-2.0, -0.5, 0.0, 1.5]])
    m = Sequential([LeakyReLU(input_dim=4)], backend=B, dtype="float64")
    assert np.array_equal(m.predict(x), np.where(x > 0, x, 0.3 * x))
    slide = Sequential([LeakyReLU(alpha=0.01, input_dim=4)], backend=B, dtype="float64")
    act = Sequential([Activation("leaky_relu", input_dim=4)], backend=B, dtype="float64")
    assert np.array_equal(slide.predict(x), act.predict(x))
    assert "alpha must be a finite number >= 0" in _error(ValueError, LeakyReLU, alpha=-1)


def test_a_new_layer_is_one_class():
    """The protocol's worked example (base.py's docstring) written as a test: one class, nothing registered by
    hand; it trains (its gradient is what finite differences of evaluate give), saves and loads by name."""
    class Scale(Layer):
        prefix = "scale"
        param_names = ("gamma",)

        def init_params(self, input_shape, rng):
            return (np.ones(input_shape[-1]),)

        def forward(self, B, x, params, training=False, rng=None, *, logits=False):
            (gamma,) = params
            return x * gamma, (x, gamma)

        def backward(self, B, dout, cache):
            x, gamma = cache
            return dout * gamma, ((dout * x).sum(axis=tuple(range(x.ndim - 1))),)
    assert LAYERS["Scale"] is Scale
    x, _ = _tiny()
    y = x * np.array([2.0, -1.0, 0.5])
    m = Sequential([Scale(input_dim=3)], seed=0, dtype="float64")
    m.compile(loss="mse", optimizer=SGD(lr=0.5))
    m.fit(x, y, batch_size=8, epochs=200, verbose=0)
    assert m.param_names == ("scale_1/gamma",)
    assert np.allclose(m.weights_by_name["scale_1/gamma"], [2.0, -1.0, 0.5], atol=1e-6)
