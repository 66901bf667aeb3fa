"""The Keras 1 surface around the model: callbacks, initializers, utils, preprocessing, backend.

These modules hold no arithmetic of the backends, so the tests run once (no ``B``
fixture). The callbacks are driven by a small fake model and a loop that calls the
hooks in ``fit``'s order, so that their rules are tested without training; one test
per callback family runs a real :class:`~reference.keras.models.Sequential` where the
model supports it. Every expected value is worked out by hand in the test.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.keras import callbacks as C
from reference.keras import initializations
from reference.keras import initializers as I
from reference.keras.layers import _glorot_uniform


# ==================================================================================================
# callbacks
# ==================================================================================================
class _Optimizer:
    """An optimizer whose learning rate can be set (as the model's is meant to be)."""

    def __init__(self, lr=0.1):
        self.lr = lr


class _FrozenOptimizer:
    @property
    def lr(self):
        return 0.1


class _Model:
    """What a callback uses of a model: ``stop_training``, weights, ``optimizer``, ``save``."""

    def __init__(self):
        self.stop_training = False
        self.weights = [np.zeros(2)]
        self.optimizer = _Optimizer()
        self.saved = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w, copy=True) for w in weights]

    def save(self, path):
        self.saved.append(path)


def _run(callbacks, logs_per_epoch, model=None, batches=0):
    """Drive ``callbacks`` as ``fit`` does; epoch ``e``'s weights are ``[e, e]``. Returns ``(model, epochs run)``."""
    model = model or _Model()
    cbs = C.CallbackList(callbacks)
    cbs.set_model(model)
    cbs.set_params({"epochs": len(logs_per_epoch)})
    cbs.on_train_begin()
    run = 0
    for epoch, logs in enumerate(logs_per_epoch):
        cbs.on_epoch_begin(epoch)
        for batch in range(batches):
            cbs.on_batch_begin(batch, {"batch": batch, "size": 1})
            cbs.on_batch_end(batch, {"batch": batch, "size": 1, "loss": logs.get("loss", 0.0)})
        model.weights = [np.full(2, float(epoch))]
        cbs.on_epoch_end(epoch, dict(logs))
        run += 1
        if model.stop_training:
            break
    cbs.on_train_end()
    return model, run


class _Recorder(C.Callback):
    def __init__(self, name, log):
        super().__init__()
        self.name, self.log = name, log

    def on_train_begin(self, logs=None):
        self.log.append((self.name, "train_begin"))

    def on_epoch_begin(self, epoch, logs=None):
        self.log.append((self.name, "epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.log.append((self.name, "epoch_end", epoch))

    def on_train_end(self, logs=None):
        self.log.append((self.name, "train_end"))


class _BatchWatcher(C.Callback):
    def on_batch_end(self, batch, logs=None):
        pass


def test_callback_base_hooks_do_nothing_and_keep_model_and_params():
    cb = C.Callback()
    assert cb.model is None and cb.params == {}
    model = _Model()
    cb.set_model(model)
    cb.set_params({"epochs": 3})
    assert cb.model is model and cb.params == {"epochs": 3}
    for hook in C.HOOKS:
        args = () if hook in ("on_train_begin", "on_train_end") else (0,)
        assert getattr(cb, hook)(*args, logs={"loss": 1.0}) is None
    assert model.stop_training is False and model.saved == []
    with pytest.raises(TypeError, match="Callback.set_params: params must be a dict; got list"):
        cb.set_params([1])


def test_callback_list_dispatches_in_order():
    log = []
    _run([_Recorder("a", log), _Recorder("b", log)], [{"loss": 1.0}, {"loss": 0.5}])
    assert log == [("a", "train_begin"), ("b", "train_begin"),
                   ("a", "epoch_begin", 0), ("b", "epoch_begin", 0), ("a", "epoch_end", 0), ("b", "epoch_end", 0),
                   ("a", "epoch_begin", 1), ("b", "epoch_begin", 1), ("a", "epoch_end", 1), ("b", "epoch_end", 1),
                   ("a", "train_end"), ("b", "train_end")]


def test_callback_list_wants_batches_only_when_a_batch_hook_is_overridden():
    no_batches = [C.History(), C.EarlyStopping(), C.ModelCheckpoint("m.npz"), C.LearningRateScheduler(lambda e: 0.1),
                  C.LambdaCallback(on_epoch_end=lambda e, logs: None), _Recorder("r", [])]
    assert C.CallbackList().wants_batches is False
    assert C.CallbackList(no_batches).wants_batches is False
    for wanting in (_BatchWatcher(), C.TerminateOnNaN(), C.LambdaCallback(on_batch_begin=lambda b, logs: None)):
        assert C.CallbackList(no_batches + [wanting]).wants_batches is True
    cbs = C.CallbackList(no_batches)
    cbs.append(_BatchWatcher())
    assert cbs.wants_batches is True and len(cbs) == len(no_batches) + 1


def test_callback_list_rejects_what_is_not_a_callback():
    with pytest.raises(TypeError, match=r"CallbackList: callbacks\[1\] must be a Callback .*; got function"):
        C.CallbackList([C.History(), lambda epoch, logs: None])
    with pytest.raises(TypeError, match=r"callbacks\[0\] is the class EarlyStopping, not an instance"):
        C.CallbackList([C.EarlyStopping])
    with pytest.raises(TypeError, match=r"got one EarlyStopping \(write callbacks=\[EarlyStopping\(...\)\]\)"):
        C.CallbackList(C.EarlyStopping())
    with pytest.raises(TypeError, match="callbacks must be a list of Callback instances; got str"):
        C.CallbackList("early")
    with pytest.raises(TypeError, match=r"callbacks\[0\] must be a Callback"):
        C.CallbackList().append(3)


def test_history_records_every_logged_value_per_epoch():
    history = C.History()
    _run([history], [{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5, "val_loss": 1.5}, {"loss": 0.25, "val_loss": 1.25}])
    assert history.epoch == [0, 1, 2]
    assert history.history == {"loss": [1.0, 0.5, 0.25], "val_loss": [2.0, 1.5, 1.25]}
    assert repr(history) == "<History of 3 epochs: ['loss', 'val_loss']>"
    _run([history], [{"loss": 3.0}])  # a new run starts a new record
    assert history.epoch == [0] and history.history == {"loss": [3.0]}


# -- early stopping -------------------------------------------------------------------------------------
def _val(values, key="val_loss"):
    return [{"loss": 0.0, key: v} for v in values]


@pytest.mark.parametrize("values, patience, min_delta, stopped, best_epoch", [
    # the best is 0.8 at epoch 1; epochs 2 and 3 do not improve: the count reaches 2 at epoch 3
    ([1.0, 0.8, 0.9, 0.85, 0.7], 2, 0.0, 3, 1),
    # patience 0: the first epoch that does not improve stops training
    ([1.0, 0.8, 0.9, 0.7], 0, 0.0, 2, 1),
    # min_delta 0.1: 0.95 and 0.91 are not below 1.0 - 0.1, so epochs 1 and 2 count; 0.85 would have reset
    ([1.0, 0.95, 0.91, 0.85], 2, 0.1, 2, 0),
    # a steady improvement never stops
    ([4.0, 3.0, 2.0, 1.0], 0, 0.0, None, 3),
    # epoch 0 never stops, whatever the patience
    ([float("nan"), 1.0, 2.0], 0, 0.0, 2, 1),
])
def test_early_stopping_rule_by_hand(values, patience, min_delta, stopped, best_epoch):
    result = C._early_stopping(values, patience=patience, min_delta=min_delta)
    assert result.stopped_epoch == stopped and result.best_epoch == best_epoch
    assert result.best == values[best_epoch]
    es = C.EarlyStopping(patience=patience, min_delta=min_delta)
    model, run = _run([es], _val(values))
    assert run == (len(values) if stopped is None else stopped + 1)
    assert model.stop_training is (stopped is not None)
    assert es.stopped_epoch == (stopped or 0) and es.best_epoch == best_epoch and es.best == values[best_epoch]


def test_early_stopping_mode_max_and_auto():
    accuracies = [0.5, 0.7, 0.6, 0.65]
    assert C._early_stopping(accuracies, patience=1, mode="max") == C.EarlyStop(2, 1, 0.7)
    for monitor in ("val_acc", "val_accuracy", "acc"):
        es = C.EarlyStopping(monitor=monitor, patience=1)  # auto: an accuracy is maximised
        assert es.mode == "max" and es.best == -math.inf
        _, run = _run([es], _val(accuracies, monitor))
        assert run == 3 and es.best == 0.7
    assert C.EarlyStopping(monitor="loss").mode == "min"
    assert C.EarlyStopping(monitor="val_acc", mode="min").mode == "min"


def test_early_stopping_baseline_must_be_beaten_to_reset_the_count():
    # improving every epoch but never below the baseline 0.5: the count is never reset
    values = [0.9, 0.8, 0.7, 0.6]
    assert C._early_stopping(values, patience=2, baseline=0.5) == C.EarlyStop(1, 1, 0.8)
    # once below the baseline the count resets as usual
    assert C._early_stopping([0.9, 0.4, 0.3, 0.35, 0.36], patience=2, baseline=0.5) == C.EarlyStop(4, 2, 0.3)


@given(st.lists(st.floats(0.0, 10.0), min_size=1, max_size=30), st.integers(0, 5), st.sampled_from([0.0, 0.05, 0.5]))
def test_early_stopping_callback_follows_the_pure_rule(values, patience, min_delta):
    """The rule restated: stop after the first epoch e > 0 that is not an improvement and comes
    at least patience epochs after the last improvement (an improvement beats the last best by > min_delta)."""
    best, best_epoch, last, stopped = None, 0, -1, None
    for e, v in enumerate(values):
        if best is None or v < best - min_delta:
            best, best_epoch, last = v, e, e
        elif e > 0 and e - last >= patience:
            stopped = e
            break
    assert C._early_stopping(values, patience, min_delta) == C.EarlyStop(stopped, best_epoch, best)
    es = C.EarlyStopping(patience=patience, min_delta=min_delta)
    _run([es], _val(values))
    assert (es.stopped_epoch, es.best_epoch, es.best) == (stopped or 0, best_epoch, best)


def test_early_stopping_restores_the_best_weights_when_it_stops_and_when_epochs_run_out():
    es = C.EarlyStopping(patience=1, restore_best_weights=True)
    model, run = _run([es], _val([1.0, 0.5, 0.7, 0.9, 0.2]))
    assert run == 3 and model.stop_training  # stopped after epoch 2; the best was epoch 1
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])
    es = C.EarlyStopping(patience=5, restore_best_weights=True)
    model, run = _run([es], _val([1.0, 0.5, 0.7]))
    assert run == 3 and not model.stop_training
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])
    es = C.EarlyStopping(patience=1)  # without the flag the last weights stay
    model, _ = _run([es], _val([1.0, 0.5, 0.7]))
    np.testing.assert_array_equal(model.weights[0], [2.0, 2.0])


def test_early_stopping_verbose_says_when_it_stops(capsys):
    _run([C.EarlyStopping(patience=0, verbose=1, restore_best_weights=True)], _val([1.0, 0.5, 0.7]))
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


def test_early_stopping_warns_naming_the_logged_keys_when_the_monitor_is_missing():
    es = C.EarlyStopping(monitor="val_loss")
    with pytest.warns(RuntimeWarning, match=r"'val_loss', which is not in the logs; the logged values are: "
                                            r"accuracy, loss"):
        model, run = _run([es], [{"loss": 1.0, "accuracy": 0.5}] * 3)
    assert run == 3 and not model.stop_training


@pytest.mark.parametrize("kwargs, message", [
    ({"patience": -1}, "EarlyStopping: patience must be an integer >= 0; got -1"),
    ({"patience": 1.5}, "EarlyStopping: patience must be an integer >= 0; got 1.5"),
    ({"min_delta": -0.1}, "EarlyStopping: min_delta must be a number >= 0; got -0.1"),
    ({"min_delta": float("nan")}, "EarlyStopping: min_delta must be a finite real number"),
    ({"mode": "maximum"}, "EarlyStopping: mode must be one of 'auto', 'min', 'max'; got 'maximum'"),
    ({"monitor": ""}, "EarlyStopping: monitor must be the name of a logged value"),
    ({"verbose": 2}, "EarlyStopping: verbose must be 0 .* or 1 .*; got 2"),
    ({"restore_best_weights": "yes"}, "EarlyStopping: restore_best_weights must be True or False; got 'yes'"),
    ({"baseline": "low"}, "EarlyStopping: baseline must be a finite real number or None; got 'low'"),
])
def test_early_stopping_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        C.EarlyStopping(**kwargs)


def test_early_stopping_pure_rule_rejects_bad_arguments():
    with pytest.raises(ValueError, match="_early_stopping: val_losses must hold at least one value"):
        C._early_stopping([])
    with pytest.raises(ValueError, match=r"_early_stopping: val_losses\[1\] must be a real number; got 'x'"):
        C._early_stopping([1.0, "x"])
    with pytest.raises(ValueError, match="_early_stopping: mode must be 'min' or 'max'; got 'auto'"):
        C._early_stopping([1.0], mode="auto")


# -- model checkpoint -----------------------------------------------------------------------------------
def test_model_checkpoint_formats_the_path_from_the_epoch_and_the_logs():
    cb = C.ModelCheckpoint("m-{epoch:02d}-{val_loss:.2f}.npz")
    model, _ = _run([cb], _val([0.5, 0.25, 0.125]))
    assert model.saved == ["m-01-0.50.npz", "m-02-0.25.npz", "m-03-0.12.npz"] == cb.saved


def test_model_checkpoint_save_best_only_saves_at_improvements():
    cb = C.ModelCheckpoint("best.npz", save_best_only=True)
    model, _ = _run([cb], _val([1.0, 0.9, 0.95, 0.8]))
    assert model.saved == ["best.npz"] * 3 and cb.best == 0.8  # epochs 0, 1 and 3
    cb = C.ModelCheckpoint("e{epoch}.npz", monitor="val_acc", save_best_only=True)  # auto: max
    model, _ = _run([cb], _val([0.5, 0.4, 0.6], "val_acc"))
    assert model.saved == ["e1.npz", "e3.npz"]


def test_model_checkpoint_verbose_lines(capsys):
    _run([C.ModelCheckpoint("b.npz", save_best_only=True, verbose=1)], _val([1.0, 2.0]))
    out = capsys.readouterr().out
    assert "Epoch 00001: val_loss improved from inf to 1.00000, saving model to b.npz" in out
    assert "Epoch 00002: val_loss did not improve from 1.00000" in out


def test_model_checkpoint_errors_and_warnings():
    with pytest.raises(ValueError, match=r"ModelCheckpoint: filepath 'm-\{val_acc\}.npz' names 'val_acc', "
                                         r"which the logs of epoch 1 lack; they hold: epoch, loss, val_loss"):
        _run([C.ModelCheckpoint("m-{val_acc}.npz")], _val([1.0]))
    with pytest.raises(ValueError, match="ModelCheckpoint: filepath 'm-{epoch.npz' is not a valid format string"):
        C.ModelCheckpoint("m-{epoch.npz")
    with pytest.raises(ValueError, match="ModelCheckpoint: filepath must be a non-empty str or path; got 3"):
        C.ModelCheckpoint(3)
    with pytest.raises(ValueError, match="ModelCheckpoint: save_best_only must be True or False; got 1"):
        C.ModelCheckpoint("m.npz", save_best_only=1)
    cb = C.ModelCheckpoint("m.npz", save_best_only=True)
    with pytest.warns(RuntimeWarning, match="ModelCheckpoint: saving the best model conditioned on 'val_loss'"):
        model, _ = _run([cb], [{"loss": 1.0}])
    assert model.saved == []


# -- learning-rate schedules ----------------------------------------------------------------------------
def test_learning_rate_scheduler_sets_the_rate_before_each_epoch():
    seen = []
    model = _Model()
    watch = C.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(model.optimizer.lr))
    history = C.History()
    _run([C.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)), watch, history], [{"loss": 1.0}] * 3, model)
    assert seen == [0.1, 0.05, 0.1 / 3]
    assert history.history["lr"] == seen  # the rate used, added to the logs after each epoch


def test_learning_rate_scheduler_passes_the_current_rate_to_a_two_argument_schedule():
    model = _Model()
    model.optimizer.lr = 0.8
    history = C.History()
    _run([C.LearningRateScheduler(lambda epoch, lr: lr / 2), history], [{"loss": 1.0}] * 3, model)
    assert history.history["lr"] == [0.4, 0.2, 0.1]


@pytest.mark.parametrize("value", [-0.1, 0.0, float("nan"), float("inf"), "0.1", None, True])
def test_learning_rate_scheduler_rejects_a_bad_rate(value):
    with pytest.raises(ValueError, match=r"LearningRateScheduler: schedule\(0\) must return a finite learning "
                                         r"rate > 0; got"):
        _run([C.LearningRateScheduler(lambda epoch: value)], [{"loss": 1.0}])


def test_learning_rate_scheduler_errors():
    with pytest.raises(ValueError, match="LearningRateScheduler: schedule must be a callable .*; got float"):
        C.LearningRateScheduler(0.1)
    with pytest.raises(ValueError, match=r"schedule must take the epoch .*signature \(\)"):
        C.LearningRateScheduler(lambda: 0.1)
    model = _Model()
    model.optimizer = _FrozenOptimizer()
    with pytest.raises(TypeError, match="LearningRateScheduler: _FrozenOptimizer.lr cannot be set"):
        _run([C.LearningRateScheduler(lambda epoch: 0.1)], [{"loss": 1.0}], model)
    model.optimizer = None
    with pytest.raises(TypeError, match="LearningRateScheduler: the model has no optimizer"):
        _run([C.LearningRateScheduler(lambda epoch: 0.1)], [{"loss": 1.0}], model)


# -- TerminateOnNaN, LambdaCallback ---------------------------------------------------------------------
def test_terminate_on_nan_stops_at_the_first_bad_batch(capsys):
    cb = C.TerminateOnNaN()
    model, run = _run([cb], [{"loss": 1.0}, {"loss": float("nan")}, {"loss": 1.0}], batches=2)
    assert run == 2 and model.stop_training and cb.terminated_at == (1, 0)
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out
    cb = C.TerminateOnNaN()
    model, run = _run([cb], [{"loss": 1.0}, {"loss": float("inf")}, {"loss": 1.0}])  # no batches: epoch logs
    assert run == 2 and cb.terminated_at == (1, None)
    model, run = _run([C.TerminateOnNaN()], [{"loss": 1.0}] * 3, batches=2)
    assert run == 3 and not model.stop_training


def test_lambda_callback_calls_the_given_functions():
    log = []
    cb = C.LambdaCallback(on_train_begin=lambda logs: log.append("begin"),
                          on_epoch_end=lambda epoch, logs: log.append((epoch, logs["loss"])),
                          on_batch_end=lambda batch, logs: log.append(("batch", batch)),
                          on_train_end=lambda logs: log.append("end"))
    _run([cb], [{"loss": 1.0}, {"loss": 0.5}], batches=1)
    assert log == ["begin", ("batch", 0), (0, 1.0), ("batch", 0), (1, 0.5), "end"]
    with pytest.raises(ValueError, match="LambdaCallback: on_epoch_end must be a callable or None; got int"):
        C.LambdaCallback(on_epoch_end=3)


# -- with a real model ----------------------------------------------------------------------------------
def test_learning_rate_scheduler_drives_sequential_fit():
    """Three epochs at 0.1, 0.05, 0.025 by the scheduler train exactly as three fits at those rates (plain SGD
    keeps no state, and the model's Generator carries on across fits, so the same arithmetic runs)."""
    from reference.keras import SGD, Dense, Sequential

    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3))
    y = rng.normal(size=(16, 2))
    rates = [0.1, 0.05, 0.025]

    def model():
        m = Sequential([Dense(2, input_dim=3)], seed=1, dtype="float64")
        m.compile(loss="mse", optimizer=SGD(lr=1.0))
        return m

    scheduled = model()
    history = scheduled.fit(x, y, batch_size=4, epochs=3, verbose=0,
                            callbacks=[C.LearningRateScheduler(lambda epoch: rates[epoch])])
    assert history.history["lr"] == rates
    assert scheduled.optimizer.lr == rates[-1]
    stepwise = model()
    for rate in rates:
        stepwise.optimizer.lr = rate
        stepwise.fit(x, y, batch_size=4, epochs=1, verbose=0)
    for a, b in zip(scheduled.get_weights(), stepwise.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_early_stopping_drives_sequential_fit_and_restores_the_best_epoch():
    """Whatever the curve, fit stops where the pure rule says and ends with the best epoch's weights."""
    from reference.keras import SGD, Dense, Sequential

    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(24, 4)), rng.normal(size=(24, 2))
    model = Sequential([Dense(8, input_dim=4, activation="relu"), Dense(2)], seed=2, dtype="float64")
    model.compile(loss="mse", optimizer=SGD(lr=0.5))
    weights = []
    keep = C.LambdaCallback(on_epoch_end=lambda epoch, logs: weights.append(model.get_weights()))
    es = C.EarlyStopping(monitor="val_loss", patience=1, min_delta=1e-3, restore_best_weights=True)
    history = model.fit(x[:16], y[:16], batch_size=4, epochs=30, verbose=0, validation_data=(x[16:], y[16:]),
                        callbacks=[keep, es])
    assert isinstance(history, C.History)
    rule = C._early_stopping(history.history["val_loss"], patience=1, min_delta=1e-3)
    assert len(history.epoch) == (30 if rule.stopped_epoch is None else rule.stopped_epoch + 1)
    assert es.best_epoch == rule.best_epoch and model.stop_training is (rule.stopped_epoch is not None)
    for a, b in zip(model.get_weights(), weights[rule.best_epoch]):
        np.testing.assert_array_equal(a, b)


# ==================================================================================================
# initializers
# ==================================================================================================
_FLOATS = (np.float32, np.float64)


@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1), st.sampled_from(_FLOATS))
def test_initializers_glorot_uniform_draws_what_the_layers_draw_today(D, H, seed, dtype):
    got = I.get("glorot_uniform")((D, H), np.random.default_rng(seed), dtype)
    want = _glorot_uniform(np.random.default_rng(seed), D, H, dtype)
    assert got.dtype == np.dtype(dtype) and got.flags.c_contiguous
    np.testing.assert_array_equal(got, want)


def _truncated_moments(c=2.0):
    """Variance and fourth moment of a standard normal truncated to [-c, c]."""
    phi = math.exp(-c * c / 2) / math.sqrt(2 * math.pi)
    z = math.erf(c / math.sqrt(2))
    return 1 - 2 * c * phi / z, 3 - 2 * (c ** 3 + 3 * c) * phi / z


def _uniform(limit):
    return 0.0, limit ** 2 / 3, limit ** 4 / 5, limit


def _normal(std):
    return 0.0, std ** 2, 3 * std ** 4, None


_SHAPE = (120, 250)       # fan_in 120, fan_out 250
_FI, _FO = 120, 250
_TV, _T4 = _truncated_moments()
_VS = math.sqrt(1 / _FI) / I._TRUNCATED_STD
# name -> (mean, variance, fourth central moment, bound on |x - mean| or None), by the scheme's formula
_MOMENTS = {
    "uniform": _uniform(0.05),
    "normal": _normal(0.05),
    "truncated_normal": (0.0, 0.05 ** 2 * _TV, 0.05 ** 4 * _T4, 0.1),
    "glorot_uniform": _uniform(math.sqrt(6 / (_FI + _FO))),
    "glorot_normal": _normal(math.sqrt(2 / (_FI + _FO))),
    "he_uniform": _uniform(math.sqrt(6 / _FI)),
    "he_normal": _normal(math.sqrt(2 / _FI)),
    "lecun_uniform": _uniform(math.sqrt(3 / _FI)),
    "lecun_normal": _normal(math.sqrt(1 / _FI)),
    # Keras 2's normal schemes: a normal of std s = sqrt(1/fan_in) / 0.8796..., truncated at 2 s
    "variance_scaling": (0.0, _VS ** 2 * _TV, _VS ** 4 * _T4, 2 * _VS),
}


@pytest.mark.parametrize("name", sorted(_MOMENTS))
def test_initializers_draws_have_the_schemes_moments(name):
    """Mean and variance within 5 standard errors: the sample mean of n draws has standard error
    sqrt(var / n); the mean of (x - mu)^2 has sqrt((m4 - var^2) / n)."""
    mean, var, m4, bound = _MOMENTS[name]
    x = I.get(name)(_SHAPE, np.random.default_rng(7), np.float64)
    n = x.size
    assert x.shape == _SHAPE and x.dtype == np.float64
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / n)
    assert abs(np.mean((x - mean) ** 2) - var) <= 5 * math.sqrt((m4 - var ** 2) / n)
    if bound is not None:
        assert np.abs(x - mean).max() <= bound
        assert np.abs(x - mean).max() >= 0.99 * bound  # the draws fill the support


def test_initializers_fans_of_matrices_and_kernels():
    assert I.fans((64, 500)) == (64, 500)
    assert I.fans((3, 3, 16, 32)) == (3 * 3 * 16, 3 * 3 * 32)
    assert I.fans((5, 4, 7)) == (5 * 4, 5 * 7)
    assert I.fans((6,)) == (6, 6) and I.fans(()) == (1, 1)
    # a conv kernel's limit uses the receptive field: he_uniform on (3, 3, 4, 8) is U(+-sqrt(6/36))
    x = I.get("he_uniform")((3, 3, 4, 8), np.random.default_rng(0), np.float64)
    assert x.shape == (3, 3, 4, 8) and np.abs(x).max() <= math.sqrt(6 / 36)
    assert np.abs(x).max() > 0.9 * math.sqrt(6 / 36)


@pytest.mark.parametrize("dtype", _FLOATS)
def test_initializers_constants_identity_orthogonal(dtype):
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(I.get("zero")((2, 3), rng, dtype), np.zeros((2, 3)))
    np.testing.assert_array_equal(I.get("ones")((4,), rng, dtype), np.ones(4))
    np.testing.assert_array_equal(I.Constant(2.5)((2, 2), rng, dtype), np.full((2, 2), 2.5))
    np.testing.assert_array_equal(I.Identity(gain=3.0)((3, 3), rng, dtype), 3 * np.eye(3))
    eps = np.finfo(dtype).eps
    for shape, gain in [((5, 5), 1.0), ((7, 3), 2.0), ((3, 7), 0.5), ((2, 2, 3, 4), 1.0)]:
        q = I.Orthogonal(gain)(shape, rng, dtype).astype(np.float64)
        assert q.shape == shape
        m = q.reshape(-1, shape[-1])
        gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
        k = min(m.shape)
        # each entry of Q is rounded once to dtype (error <= eps/2 relative) and a Gram entry sums
        # max(m.shape) products: |error| <= gain^2 * max(m.shape) * eps, with room for the QR's own rounding
        np.testing.assert_allclose(gram, gain ** 2 * np.eye(k), rtol=0, atol=4 * gain ** 2 * max(m.shape) * eps)


def test_initializers_orthogonal_is_random_and_identity_needs_a_square():
    a = I.get("orthogonal")((4, 4), np.random.default_rng(0), np.float64)
    b = I.get("orthogonal")((4, 4), np.random.default_rng(1), np.float64)
    assert not np.allclose(a, b)
    with pytest.raises(ValueError, match=r"Identity: shape must be a square matrix \(n, n\); got \(2, 3\)"):
        I.get("identity")((2, 3), np.random.default_rng(0), np.float64)
    with pytest.raises(ValueError, match=r"Orthogonal: shape must have at least 2 axes; got \(3,\)"):
        I.get("orthogonal")((3,), np.random.default_rng(0), np.float64)


@given(st.sampled_from(sorted(set(I.INITIALIZER_NAMES) - {"identity"})), st.integers(0, 2**32 - 1))
def test_initializers_are_reproducible_from_the_seed_and_dtype_only_rounds(name, seed):
    init = I.get(name)
    a = init((6, 5), np.random.default_rng(seed), np.float64)
    b = init((6, 5), np.random.default_rng(seed), np.float64)
    c = init((6, 5), np.random.default_rng(seed), np.float32)
    np.testing.assert_array_equal(a, b)
    assert c.dtype == np.float32
    np.testing.assert_array_equal(c, a.astype(np.float32))  # drawn in float64, then cast


def test_initializers_get_accepts_names_classes_instances_configs_and_callables():
    assert I.get("uniform") == I.RandomUniform(-0.05, 0.05) == I.get("random_uniform") == I.get("RandomUniform")
    assert I.get("normal") == I.RandomNormal(0.0, 0.05)
    assert I.get("zero") == I.get("zeros") == I.Zeros() and I.get("one") == I.Ones()
    assert I.get(I.GlorotNormal) == I.GlorotNormal()
    inst = I.RandomNormal(1.0, 2.0)
    assert I.get(inst) is inst

    def mine(shape, rng, dtype):
        return np.zeros(shape, dtype)
    assert I.get(mine) is mine
    for name in I.INITIALIZER_NAMES:
        init = I.get(name)
        assert I.deserialize(I.serialize(init)) == init
        assert I.get(I.serialize(init)) == init
    config = I.serialize(I.RandomUniform(-1, 2))
    assert config == {"class_name": "RandomUniform", "config": {"minval": -1.0, "maxval": 2.0}}


def test_initializers_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"initializers.get: unknown initializer 'glorot'; the names are "
                                         r"'uniform', .*'glorot_uniform'"):
        I.get("glorot")
    with pytest.raises(ValueError, match="initializers.get: identifier must be .*; got 3"):
        I.get(3)
    init = I.get("glorot_uniform")
    with pytest.raises(ValueError, match="GlorotUniform: rng must be a numpy.random.Generator .*; got RandomState"):
        init((2, 2), np.random.RandomState(0), np.float64)
    with pytest.raises(ValueError, match="GlorotUniform: dtype must be float32 or float64; got 'int32'"):
        init((2, 2), np.random.default_rng(0), "int32")
    with pytest.raises(ValueError, match=r"GlorotUniform: shape must be a tuple of integer sizes >= 1; got \(2, 0\)"):
        init((2, 0), np.random.default_rng(0), np.float64)
    with pytest.raises(ValueError, match="RandomUniform: minval must be below maxval"):
        I.RandomUniform(1.0, 0.0)
    with pytest.raises(ValueError, match="RandomNormal: stddev must be a number > 0; got 0"):
        I.RandomNormal(stddev=0)
    with pytest.raises(ValueError, match="Constant: value must be a finite real number; got nan"):
        I.Constant(float("nan"))
    with pytest.raises(ValueError, match="VarianceScaling: mode must be one of 'fan_in', 'fan_out', 'fan_avg'"):
        I.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="serialize: only an Initializer"):
        I.serialize(lambda shape, rng, dtype: None)
    with pytest.raises(ValueError, match="deserialize: class_name must be one of"):
        I.deserialize({"class_name": "Nope", "config": {}})


def test_initializations_is_keras_1s_module_of_the_same_draws():
    rng = lambda: np.random.default_rng(5)  # noqa: E731
    shape = (4, 6)
    for name in ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal"):
        np.testing.assert_array_equal(getattr(initializations, name)(shape, rng(), "float64"),
                                      I.get(name)(shape, rng(), "float64"))
    np.testing.assert_array_equal(initializations.uniform(shape, rng(), "float64", scale=0.2),
                                  I.RandomUniform(-0.2, 0.2)(shape, rng(), "float64"))
    np.testing.assert_array_equal(initializations.normal(shape, rng(), "float64"),
                                  I.RandomNormal(0.0, 0.05)(shape, rng(), "float64"))
    np.testing.assert_array_equal(initializations.orthogonal((3, 3), rng(), "float64"),  # Keras 1's scale 1.1
                                  I.Orthogonal(1.1)((3, 3), rng(), "float64"))
    np.testing.assert_array_equal(initializations.identity((2, 2)), np.eye(2, dtype=np.float32))
    np.testing.assert_array_equal(initializations.zero((2,)), np.zeros(2, np.float32))
    assert initializations.get is I.get


# ==================================================================================================
# utils, preprocessing, backend
# ==================================================================================================
def test_to_categorical_by_hand_at_both_module_paths():
    from reference.keras.utils import np_utils, to_categorical

    assert np_utils.to_categorical is to_categorical
    want = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    for y in ([0, 2, 1, 2], np.array([[0], [2], [1], [2]]), np.array([0.0, 2.0, 1.0, 2.0])):
        got = to_categorical(y)  # num_classes = max + 1 = 3; an (N, 1) column is dropped as Keras does
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(to_categorical([1], nb_classes=4), [[0, 1, 0, 0]])  # Keras 1's spelling
    np.testing.assert_array_equal(to_categorical([1], num_classes=2, dtype="float64"), [[0.0, 1.0]])
    grid = to_categorical(np.array([[0, 1], [1, 1]]), 2)  # any shape: one more axis
    assert grid.shape == (2, 2, 2)
    np.testing.assert_array_equal(grid[0, 1], [0, 1])


def test_to_categorical_refuses_what_keras_would_truncate_or_misindex():
    from reference.keras.utils import to_categorical

    with pytest.raises(ValueError, match="to_categorical: class labels must be in 0..2 for num_classes=3; got 3 at "
                                         "flat index 1"):
        to_categorical([0, 3], 3)
    with pytest.raises(ValueError, match="to_categorical: class labels must be >= 0; got -1 at flat index 0"):
        to_categorical([-1, 0])
    with pytest.raises(ValueError, match="to_categorical: y must hold integer class labels; got 1.5 at flat index 1"):
        to_categorical([0, 1.5])
    with pytest.raises(ValueError, match="to_categorical: y must hold at least one class label"):
        to_categorical([])
    with pytest.raises(ValueError, match="to_categorical: num_classes must be an integer >= 1 or None; got 2.0"):
        to_categorical([0], 2.0)
    with pytest.raises(TypeError, match="give num_classes .* or nb_classes .*, not both"):
        to_categorical([0], 2, nb_classes=2)


def test_normalize_rows_to_unit_norm():
    from reference.keras.utils import normalize

    np.testing.assert_allclose(normalize([[3.0, 4.0], [0.0, 0.0]]), [[0.6, 0.8], [0.0, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(normalize([[3.0, 4.0], [1.0, 0.0]], axis=0), [[3 / 10 ** 0.5, 1.0], [1 / 10 ** 0.5, 0.0]],
                               rtol=1e-15)
    np.testing.assert_allclose(normalize([[1.0, -3.0]], order=1), [[0.25, -0.75]], rtol=1e-15)
    with pytest.raises(ValueError, match=r"normalize: axis must be an integer in \[-2, 1\]; got 2"):
        normalize([[1.0]], axis=2)


def test_pad_sequences_keras_semantics_by_hand():
    from reference.keras.preprocessing.sequence import pad_sequences

    seqs = [[1, 2, 3], [4, 5], [6]]
    got = pad_sequences(seqs)  # maxlen 3, padded at the start
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [[1, 2, 3], [0, 4, 5], [0, 0, 6]])
    np.testing.assert_array_equal(pad_sequences(seqs, padding="post"), [[1, 2, 3], [4, 5, 0], [6, 0, 0]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2), [[2, 3], [4, 5], [0, 6]])  # keep the ends
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2, truncating="post"), [[1, 2], [4, 5], [0, 6]])
    np.testing.assert_array_equal(pad_sequences([[1], []], maxlen=2, value=-1), [[-1, 1], [-1, -1]])
    got = pad_sequences([[0.5, 1.5]], maxlen=3, dtype="float32")
    np.testing.assert_array_equal(got, np.array([[0.0, 0.5, 1.5]], dtype=np.float32))
    got = pad_sequences([np.ones((2, 4)), np.ones((1, 4))])  # items that are vectors
    assert got.shape == (2, 2, 4) and got[1, 0].sum() == 0 and got[1, 1].sum() == 4


@pytest.mark.parametrize("args, kwargs, message", [
    (([],), {}, "pad_sequences: sequences must hold at least one sequence"),
    (("abc",), {}, "pad_sequences: sequences must be a list of sequences; got str"),
    (([[1], 2],), {}, r"pad_sequences: sequences\[1\] must be a list or array of numbers; got int"),
    (([[1]],), {"maxlen": 0}, "pad_sequences: maxlen must be an integer >= 1 or None; got 0"),
    (([[1]],), {"padding": "left"}, "pad_sequences: padding must be 'pre' or 'post'; got 'left'"),
    (([[1]],), {"truncating": "end"}, "pad_sequences: truncating must be 'pre' or 'post'; got 'end'"),
    (([[1.5, 2]],), {}, r"pad_sequences: sequences\[0\] holds 1.5, which dtype int32 would truncate"),
    (([[1]],), {"value": 0.5}, "pad_sequences: value holds 0.5, which dtype int32 would truncate"),
    (([[1, 2**40]],), {}, r"pad_sequences: sequences\[0\] holds values outside the range of int32"),
    (([[[1, 2]], [[1, 2, 3]]],), {}, "pad_sequences: every item must have one shape"),
    (([[], []],), {}, "pad_sequences: every sequence is empty; give maxlen"),
])
def test_pad_sequences_errors(args, kwargs, message):
    from reference.keras.preprocessing.sequence import pad_sequences

    with pytest.raises(ValueError, match=message):
        pad_sequences(*args, **kwargs)


def test_text_to_word_sequence_and_one_hot():
    from reference.keras.preprocessing.text import hashing_trick, one_hot, text_to_word_sequence

    assert text_to_word_sequence("Hello, world!  Hello.") == ["hello", "world", "hello"]
    assert text_to_word_sequence("A-b c", filters="", lower=False) == ["A-b", "c"]
    assert text_to_word_sequence("a,b", split=",") == ["a", "b"]  # "," is a filter and the separator
    idx = one_hot("the cat the dog", 7)
    assert len(idx) == 4 and idx[0] == idx[2] and all(1 <= i <= 6 for i in idx)
    assert one_hot("the cat the dog", 7) == idx  # MD5: the same on every run
    assert hashing_trick("ab abc", 5, hash_function=len) == [2 % 4 + 1, 3 % 4 + 1]
    with pytest.raises(ValueError, match="hashing_trick: n must be an integer >= 2"):
        one_hot("a", 1)
    with pytest.raises(ValueError, match="text_to_word_sequence: text must be a str; got list"):
        text_to_word_sequence(["a"])


def _fitted(**kwargs):
    from reference.keras.preprocessing.text import Tokenizer

    tok = Tokenizer(**kwargs)
    tok.fit_on_texts(["The cat sat.", "The dog sat on the cat!", "A dog."])
    return tok


def test_tokenizer_counts_and_ranks_words_by_hand():
    tok = _fitted()
    # counts: the 3, cat 2, sat 2, dog 2, on 1, a 1; ties keep their first appearance
    assert dict(tok.word_counts) == {"the": 3, "cat": 2, "sat": 2, "dog": 2, "on": 1, "a": 1}
    assert tok.word_index == {"the": 1, "cat": 2, "sat": 3, "dog": 4, "on": 5, "a": 6}
    assert tok.index_word[4] == "dog"
    assert dict(tok.word_docs) == {"the": 2, "cat": 2, "sat": 2, "dog": 2, "on": 1, "a": 1}
    assert tok.document_count == 3
    assert tok.texts_to_sequences(["the cat ran on", "zebra"]) == [[1, 2, 5], []]
    assert tok.sequences_to_texts([[1, 2, 5]]) == ["the cat on"]
    small = _fitted(nb_words=3)  # Keras 1's name; indices >= 3 are dropped
    assert small.num_words == small.nb_words == 3
    assert small.texts_to_sequences(["the cat sat on the dog"]) == [[1, 2, 1]]
    oov = _fitted(oov_token="<?>")
    assert oov.word_index["<?>"] == 1 and oov.word_index["the"] == 2
    assert oov.texts_to_sequences(["the zebra"]) == [[2, 1]]
    chars = _fitted(char_level=True)
    assert chars.texts_to_sequences(["tt"])[0] == [chars.word_index["t"]] * 2


def test_tokenizer_matrix_modes_keras_formulas_by_hand():
    tok = _fitted()
    seqs = [[1, 1, 2], [6], []]
    V = 7  # six words + column 0
    binary = tok.sequences_to_matrix(seqs, mode="binary")
    want = np.zeros((3, V))
    want[0, [1, 2]] = 1
    want[1, 6] = 1
    np.testing.assert_array_equal(binary, want)
    count = tok.sequences_to_matrix(seqs, mode="count")
    assert count[0, 1] == 2 and count[0, 2] == 1 and count[1, 6] == 1 and count.sum() == 4
    freq = tok.sequences_to_matrix(seqs, mode="freq")
    np.testing.assert_allclose(freq[0, [1, 2]], [2 / 3, 1 / 3], rtol=1e-15)
    tfidf = tok.sequences_to_matrix(seqs, mode="tfidf")
    # D = 3 texts; 'the' (1) is in 2 of them, 'cat' (2) in 2, 'a' (6) in 1
    np.testing.assert_allclose(tfidf[0, 1], (1 + math.log(2)) * math.log(1 + 3 / 3), rtol=1e-15)
    np.testing.assert_allclose(tfidf[0, 2], 1 * math.log(1 + 3 / 3), rtol=1e-15)
    np.testing.assert_allclose(tfidf[1, 6], 1 * math.log(1 + 3 / 2), rtol=1e-15)
    assert not tfidf[2].any()
    np.testing.assert_array_equal(tok.texts_to_matrix(["the the cat", "a"], mode="count")[:2], count[:2])
    narrow = _fitted(num_words=3).sequences_to_matrix([[1, 5]], mode="freq")
    assert narrow.shape == (1, 3) and narrow[0, 1] == 0.5  # index 5 is not counted but is in the length


def test_tokenizer_errors():
    from reference.keras.preprocessing.text import Tokenizer

    with pytest.raises(ValueError, match=r"Tokenizer.fit_on_texts: texts must be a list of texts; got one str "
                                         r"\(write \[text\]\)"):
        Tokenizer().fit_on_texts("the cat")
    with pytest.raises(ValueError, match=r"Tokenizer.fit_on_texts: texts\[1\] must be a str"):
        Tokenizer().fit_on_texts(["a", 3])
    with pytest.raises(ValueError, match="Tokenizer: num_words must be an integer >= 1 or None; got 0"):
        Tokenizer(num_words=0)
    with pytest.raises(TypeError, match="give num_words .* or nb_words .*, not both"):
        Tokenizer(num_words=3, nb_words=3)
    with pytest.raises(ValueError, match="Tokenizer.sequences_to_matrix: the width is unknown"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="mode 'tfidf' needs the document counts"):
        Tokenizer(num_words=4).sequences_to_matrix([[1]], mode="tfidf")
    with pytest.raises(ValueError, match="mode must be one of 'binary', 'count', 'freq', 'tfidf'; got 'tf'"):
        _fitted().sequences_to_matrix([[1]], mode="tf")
    with pytest.raises(ValueError, match=r"sequences\[0\] must hold integer indices >= 0; got -1"):
        _fitted().sequences_to_matrix([[-1]])


def test_backend_settings_of_the_slides_era():
    from reference.keras import backend as K
    from reference.keras import Sequential

    assert K.image_dim_ordering() == "th" and K.image_data_format() == "channels_first"
    assert K.floatx() == "float32" == Sequential().dtype  # the model's default dtype is what floatx says
    assert K.epsilon() == 1e-07 and K.backend() == "slidespec"
    assert K.cast_to_floatx([1, 2]).dtype == np.float32
    K.set_image_dim_ordering("th")
    K.set_floatx("float32")
    with pytest.raises(ValueError, match="set_image_dim_ordering: slidespec supports only dim_ordering 'th'; "
                                         "got 'tf'"):
        K.set_image_dim_ordering("tf")
    with pytest.raises(ValueError, match="set_image_data_format: slidespec supports only data_format"):
        K.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="set_floatx: slidespec supports only floatx 'float32'; got 'float64'"):
        K.set_floatx("float64")
