r"""Callbacks of :meth:`reference.keras.models.Sequential.fit`, at Keras's module path ``keras.callbacks``.

A callback is an object whose methods ``fit`` calls at fixed points of training:

.. code-block:: text

    on_train_begin
        on_epoch_begin(epoch)              # epoch counts from 0, as in Keras
            on_batch_begin(batch) ... on_batch_end(batch, logs)   # only if a callback asks for batches
        on_epoch_end(epoch, logs)          # logs: {"loss": ..., "val_loss": ..., "accuracy": ...}
    on_train_end

Every hook of :class:`Callback` does nothing, so a callback overrides only the hooks
it needs. A callback steers training through its ``model``: setting
``model.stop_training = True`` ends ``fit`` after the current epoch (what
:class:`EarlyStopping` and :class:`TerminateOnNaN` do), and ``model.optimizer.lr``
is the learning rate of the next epoch (what :class:`LearningRateScheduler` sets).

:class:`CallbackList` calls a list of callbacks in order and tells ``fit``
(:attr:`CallbackList.wants_batches`) whether any of them overrides a batch hook: when
none does, ``fit`` may run a whole epoch as one fused call of the backend and call the
epoch hooks only.

What is here, with Keras's names and defaults: :class:`Callback`, :class:`CallbackList`,
:class:`History`, :class:`EarlyStopping`, :class:`ModelCheckpoint`,
:class:`LearningRateScheduler`, :class:`TerminateOnNaN`, :class:`LambdaCallback`.
The rule by which :class:`EarlyStopping` stops is also a pure function of a list of
monitored values, :func:`_early_stopping` (with Keras's ``mode`` and ``baseline``; the
slide's form is :func:`reference.training.early_stopping`, the same rule), so that a
study of early stopping can apply it to a recorded validation curve without training
anything.
"""

from __future__ import annotations

import inspect
import math
import numbers
import os
import string
import sys
import warnings
from typing import NamedTuple

import numpy as np

from ..training import _early_stopping_step, _improves, _scan, _StopState

#: The hooks of a callback, in the order ``fit`` first calls them.
HOOKS = ("on_train_begin", "on_epoch_begin", "on_batch_begin", "on_batch_end", "on_epoch_end", "on_train_end")
_BATCH_HOOKS = ("on_batch_begin", "on_batch_end")
#: The values of ``mode`` that :class:`EarlyStopping` and :class:`ModelCheckpoint` accept.
MODES = ("auto", "min", "max")


# -- argument checks ----------------------------------------------------------------------------------
def _real(where, name, value, *, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{where}: {name} must be a finite real number{' or None' if allow_none else ''}; "
                         f"got {value!r}")
    return float(value)


def _nonnegative(where, name, value):
    value = _real(where, name, value)
    if value < 0:
        raise ValueError(f"{where}: {name} must be a number >= 0; got {value!r}")
    return value


def _count(where, name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{where}: {name} must be an integer >= 0; got {value!r}")
    return int(value)


def _verbose(where, value):
    if isinstance(value, (bool, np.bool_)) or value not in (0, 1):
        raise ValueError(f"{where}: verbose must be 0 (silent) or 1 (a line per event); got {value!r}")
    return int(value)


def _monitor(where, value):
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: monitor must be the name of a logged value, a non-empty str such as "
                         f"'val_loss'; got {value!r}")
    return value


def _mode(where, mode, monitor):
    """``'min'`` or ``'max'``: ``mode``, or for ``'auto'`` Keras's guess from the name (``acc`` in it: max)."""
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"{where}: mode must be one of {', '.join(repr(m) for m in MODES)}; got {mode!r}")
    if mode == "auto":
        return "max" if "acc" in monitor else "min"
    return mode


def _logged_value(where, logs, monitor, what):
    """``logs[monitor]`` as a float, or None (with Keras's warning naming the keys there) when it is missing."""
    logs = logs or {}
    if monitor not in logs:
        present = ", ".join(sorted(logs)) or "none"
        warnings.warn(f"{where}: {what} conditioned on {monitor!r}, which is not in the logs; the logged "
                      f"values are: {present}", RuntimeWarning, stacklevel=3)
        return None
    return float(logs[monitor])


# -- the stopping rule, as a pure function ------------------------------------------------------------
# The rule itself (``_improves``, ``_StopState``, ``_early_stopping_step``, ``_scan``) lives in
# :mod:`reference.training`, beside the public :func:`reference.training.early_stopping`: one rule,
# which both that function and :class:`EarlyStopping` apply.
class EarlyStop(NamedTuple):
    """What :func:`_early_stopping` finds.

    Attributes
    ----------
    stopped_epoch : int or None — the epoch (from 0) after which training stops; None if it runs to the end
    best_epoch : int — the epoch of the best value seen up to the stop
    best : float — that value
    """

    stopped_epoch: int | None
    best_epoch: int
    best: float


def _early_stopping(val_losses, patience=0, min_delta=0.0, mode="min", baseline=None):
    r"""Where early stopping ends training on a recorded curve of monitored values (pure).

    Concept: regularize.early_stop

    Slides: 001 "Early stop"; 003 "Early Stopping"; 004 "驗證 (Validation)". Training
    measures the validation loss after every epoch and stops once it has not improved
    for ``patience`` epochs; the model kept is the one of the best epoch.

    This is the rule of :class:`EarlyStopping`, epoch by epoch, applied to a whole
    list: ``val_losses[e]`` is the value logged after epoch ``e`` (from 0). An epoch
    *improves* when its value beats the best so far by more than ``min_delta``
    (:math:`v_e < v^\ast - \delta` for ``mode='min'``, :math:`v_e > v^\ast + \delta` for
    ``'max'``). Each epoch adds one to a count that an improvement resets to 0 (if it
    also beats ``baseline``, when one is given); training stops after the first epoch
    ``e > 0`` that does not reset the count and leaves it ``>= patience``.

    Parameters
    ----------
    val_losses : sequence of real numbers, at least one — the monitored value after each epoch
    patience : int >= 0 — epochs without improvement tolerated
    min_delta : float >= 0 — the smallest change that counts as an improvement
    mode : ``'min'`` (a loss) or ``'max'`` (an accuracy)
    baseline : float or None — a value the monitored quantity must beat before the count resets

    Returns
    -------
    EarlyStop — ``(stopped_epoch, best_epoch, best)``; ``stopped_epoch`` is None when the
    curve ends before the rule stops it.

    Examples
    --------
    >>> _early_stopping([1.0, 0.8, 0.9, 0.85, 0.7], patience=2)
    EarlyStop(stopped_epoch=3, best_epoch=1, best=0.8)
    """
    where = "_early_stopping"
    values = [float(v) for v in _sequence(where, "val_losses", val_losses)]  # NaN and inf never improve
    if not values:
        raise ValueError(f"{where}: val_losses must hold at least one value; got an empty sequence")
    patience = _count(where, "patience", patience)
    min_delta = _nonnegative(where, "min_delta", min_delta)
    if mode not in ("min", "max"):
        raise ValueError(f"{where}: mode must be 'min' or 'max'; got {mode!r}")
    baseline = _real(where, "baseline", baseline, allow_none=True)
    stopped, state = _scan(values, patience, min_delta, mode, baseline)
    return EarlyStop(stopped, state.best_epoch, state.best)


def _sequence(where, name, value):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError(f"{where}: {name} must be a sequence of numbers; got {type(value).__name__}")
    values = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) else list(value)
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise ValueError(f"{where}: {name}[{i}] must be a real number; got {v!r}")
    return values


# -- the protocol --------------------------------------------------------------------------------------
class Callback:
    """The base of every callback: hooks that ``fit`` calls, each doing nothing here.

    Attributes
    ----------
    model : the model being trained (set by ``fit`` through :meth:`set_model`; None before)
    params : dict — the run's settings (``epochs``, ``batch_size``, ``samples``, ``verbose``, ...),
        set by ``fit`` through :meth:`set_params`
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        """Attach the model the callback watches and steers."""
        self.model = model

    def set_params(self, params):
        """Record the run's settings (a dict)."""
        if not isinstance(params, dict):
            raise TypeError(f"{type(self).__name__}.set_params: params must be a dict; got {type(params).__name__}")
        self.params = params

    def on_train_begin(self, logs=None):
        """Called once, before the first epoch."""

    def on_train_end(self, logs=None):
        """Called once, after the last epoch (also when a callback stopped training)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called before epoch ``epoch`` (from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called after epoch ``epoch`` with its logs (``loss``, ``val_loss``, ...)."""

    def on_batch_begin(self, batch, logs=None):
        """Called before mini-batch ``batch`` (from 0 in each epoch); ``logs`` holds ``batch`` and ``size``."""

    def on_batch_end(self, batch, logs=None):
        """Called after mini-batch ``batch``; ``logs`` holds its ``loss``."""

    def __repr__(self):
        return f"{type(self).__name__}()"


def _overrides(callback, hook):
    """Whether ``callback``'s ``hook`` does something: not :class:`Callback`'s no-op."""
    method = getattr(callback, hook)
    return getattr(method, "__func__", method) is not getattr(Callback, hook)


class CallbackList:
    """A list of callbacks called in order: what ``fit`` holds.

    Parameters
    ----------
    callbacks : iterable of :class:`Callback`, or None (no callbacks)

    Raises
    ------
    TypeError
        If ``callbacks`` is not an iterable of :class:`Callback` instances (a class given
        for an instance, ``EarlyStopping`` for ``EarlyStopping()``, is named as such).
    """

    def __init__(self, callbacks=None):
        self.callbacks = []
        if callbacks is None:
            return
        if isinstance(callbacks, Callback):
            raise TypeError("CallbackList: callbacks must be a list of Callback instances; got one "
                            f"{type(callbacks).__name__} (write callbacks=[{type(callbacks).__name__}(...)])")
        if isinstance(callbacks, (str, bytes, dict)) or not hasattr(callbacks, "__iter__"):
            raise TypeError(f"CallbackList: callbacks must be a list of Callback instances; "
                            f"got {type(callbacks).__name__}")
        for i, callback in enumerate(callbacks):
            self._check(i, callback)
            self.callbacks.append(callback)

    @staticmethod
    def _check(i, callback):
        if isinstance(callback, type) and issubclass(callback, Callback):
            raise TypeError(f"CallbackList: callbacks[{i}] is the class {callback.__name__}, not an instance "
                            f"(write {callback.__name__}(...))")
        if not isinstance(callback, Callback):
            raise TypeError(f"CallbackList: callbacks[{i}] must be a Callback (reference.keras.callbacks); "
                            f"got {type(callback).__name__}")

    def append(self, callback):
        """Add one more callback at the end."""
        self._check(len(self.callbacks), callback)
        self.callbacks.append(callback)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)

    @property
    def wants_batches(self):
        """True iff some callback overrides ``on_batch_begin`` or ``on_batch_end``.

        When False, ``fit`` may run each epoch without stopping between mini-batches.
        """
        return any(_overrides(c, hook) for c in self.callbacks for hook in _BATCH_HOOKS)

    def set_model(self, model):
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params):
        for callback in self.callbacks:
            callback.set_params(params)

    def on_train_begin(self, logs=None):
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs=None):
        for callback in self.callbacks:
            callback.on_train_end(logs)

    def on_epoch_begin(self, epoch, logs=None):
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_batch_begin(self, batch, logs=None):
        for callback in self.callbacks:
            callback.on_batch_begin(batch, logs)

    def on_batch_end(self, batch, logs=None):
        for callback in self.callbacks:
            callback.on_batch_end(batch, logs)

    def __repr__(self):
        return f"CallbackList({self.callbacks!r})"


# -- the callbacks -------------------------------------------------------------------------------------
class History(Callback):
    """The record of a run, which ``fit`` returns, as in Keras.

    Attributes
    ----------
    history : dict of lists — one float per epoch under each logged name (``'loss'``, and
        ``'accuracy'``/``'acc'``, ``'val_loss'``, ... as compiled and given)
    epoch : list of int — the epochs run, from 0 (from ``initial_epoch`` when training resumes)
    """

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.history, self.epoch = {}, []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(int(epoch))
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))

    def __repr__(self):
        return f"<History of {len(self.epoch)} epochs: {sorted(self.history)}>"


class EarlyStopping(Callback):
    r"""Stop training once the monitored value has stopped improving.

    Concept: regularize.early_stop

    Slides: 001 "Early stop"; 003 "Early Stopping" (``keras.callbacks.EarlyStopping``);
    004 "驗證 (Validation)".

    After every epoch the callback reads ``logs[monitor]`` and applies Keras's rule
    (:func:`_early_stopping`, one epoch at a time): an epoch improves when its value
    beats the best so far by more than ``min_delta``; after ``patience`` epochs in a
    row without one it sets ``model.stop_training = True``. With
    ``restore_best_weights=True`` it keeps the weights of the best epoch
    (``model.get_weights()``) and puts them back (``model.set_weights``) when training
    ends, whether it stopped training or the epochs ran out.

    Parameters
    ----------
    monitor : str — the logged value to watch (``'val_loss'``; ``'val_accuracy'``, ``'loss'``, ...)
    min_delta : float >= 0 — the smallest change that counts as an improvement
    patience : int >= 0 — epochs without improvement before stopping
    mode : ``'auto'``, ``'min'`` or ``'max'`` — ``'auto'`` maximises a name holding
        ``'acc'`` (``'acc'``, ``'val_accuracy'``) and minimises anything else
    restore_best_weights : bool — put back the best epoch's weights at the end
    verbose : 0 or 1 — 1 prints a line when it stops and when it restores
    baseline : float or None — a value the monitored quantity must beat for the count to reset

    Attributes
    ----------
    stopped_epoch : int — the epoch (from 0) after which it stopped training; 0 if it did not
    best : float — the best monitored value (``inf`` or ``-inf`` before the first epoch)
    best_epoch : int — its epoch
    wait : int — epochs since the count was last reset
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, mode="auto", restore_best_weights=False,
                 verbose=0, baseline=None):
        super().__init__()
        where = "EarlyStopping"
        self.monitor = _monitor(where, monitor)
        self.min_delta = _nonnegative(where, "min_delta", min_delta)
        self.patience = _count(where, "patience", patience)
        self.mode = _mode(where, mode, self.monitor)
        if not isinstance(restore_best_weights, (bool, np.bool_)):
            raise ValueError(f"{where}: restore_best_weights must be True or False; got {restore_best_weights!r}")
        self.restore_best_weights = bool(restore_best_weights)
        self.verbose = _verbose(where, verbose)
        self.baseline = _real(where, "baseline", baseline, allow_none=True)
        self._reset()

    def _reset(self):
        self._state = _StopState(0, None, 0)
        self.stopped_epoch = 0
        self.best_weights = None

    @property
    def wait(self):
        return self._state.wait

    @property
    def best(self):
        if self._state.best is None:
            return math.inf if self.mode == "min" else -math.inf
        return self._state.best

    @property
    def best_epoch(self):
        return self._state.best_epoch

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        current = _logged_value("EarlyStopping", logs, self.monitor, "early stopping")
        if current is None:
            return
        self._state, stop = _early_stopping_step(self._state, epoch, current, self.patience, self.min_delta,
                                                 self.mode, self.baseline)
        if self.restore_best_weights and (self.best_weights is None or self._state.best_epoch == epoch):
            # the first epoch's weights stand in until an epoch improves (Keras does the same)
            self.best_weights = self.model.get_weights()
        if stop:
            self.stopped_epoch = int(epoch)
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping", file=sys.stdout, flush=True)
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.",
                      file=sys.stdout, flush=True)
            self.model.set_weights(self.best_weights)

    def __repr__(self):
        return (f"EarlyStopping(monitor={self.monitor!r}, min_delta={self.min_delta!r}, patience={self.patience!r}, "
                f"mode={self.mode!r}, restore_best_weights={self.restore_best_weights!r}, "
                f"baseline={self.baseline!r})")


def _format_fields(template):
    """The field names of a ``str.format`` template (``'m-{epoch:02d}-{val_loss:.2f}.npz'`` -> epoch, val_loss)."""
    try:
        return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as error:
        raise ValueError(f"ModelCheckpoint: filepath {template!r} is not a valid format string ({error})") from None


class ModelCheckpoint(Callback):
    """Save the model after every epoch, or only when the monitored value improves.

    ``filepath`` may hold ``str.format`` fields: ``{epoch}`` (from 1, as Keras names
    epochs) and any logged value, e.g. ``"weights.{epoch:02d}-{val_loss:.2f}.npz"``.
    The model is saved by ``model.save(path)`` (see
    :meth:`reference.keras.models.Sequential.save`).

    Parameters
    ----------
    filepath : str or os.PathLike — where to save, a format template
    monitor : str — the logged value ``save_best_only`` compares
    save_best_only : bool — save only when ``monitor`` improves on the best so far
    mode : ``'auto'``, ``'min'`` or ``'max'`` (as :class:`EarlyStopping`)
    verbose : 0 or 1 — 1 prints a line per save (and per skipped save with ``save_best_only``)

    Attributes
    ----------
    best : float — the best monitored value so far (``inf`` or ``-inf`` before the first save)
    saved : list of str — the paths written, in order
    """

    def __init__(self, filepath, monitor="val_loss", save_best_only=False, mode="auto", verbose=0):
        super().__init__()
        where = "ModelCheckpoint"
        if not isinstance(filepath, (str, os.PathLike)) or not os.fspath(filepath):
            raise ValueError(f"{where}: filepath must be a non-empty str or path; got {filepath!r}")
        self.filepath = os.fspath(filepath)
        self._fields = _format_fields(self.filepath)
        self.monitor = _monitor(where, monitor)
        if not isinstance(save_best_only, (bool, np.bool_)):
            raise ValueError(f"{where}: save_best_only must be True or False; got {save_best_only!r}")
        self.save_best_only = bool(save_best_only)
        self.mode = _mode(where, mode, self.monitor)
        self.verbose = _verbose(where, verbose)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.saved: list[str] = []

    def on_train_begin(self, logs=None):
        self.best = math.inf if self.mode == "min" else -math.inf
        self.saved = []

    def _path(self, epoch, logs):
        values = {**(logs or {}), "epoch": epoch + 1}
        missing = [f for f in self._fields if f.split(".")[0].split("[")[0] not in values]
        if missing:
            raise ValueError(f"ModelCheckpoint: filepath {self.filepath!r} names {', '.join(map(repr, missing))}, "
                             f"which the logs of epoch {epoch + 1} lack; they hold: "
                             f"{', '.join(sorted(values))}")
        return self.filepath.format(**values)

    def on_epoch_end(self, epoch, logs=None):
        path = self._path(epoch, logs)
        if self.save_best_only:
            current = _logged_value("ModelCheckpoint", logs, self.monitor, "saving the best model")
            if current is None:
                return
            if not _improves(current, self.best, 0.0, self.mode):
                if self.verbose:
                    print(f"Epoch {epoch + 1:05d}: {self.monitor} did not improve from {self.best:.5f}",
                          file=sys.stdout, flush=True)
                return
            if self.verbose:
                print(f"Epoch {epoch + 1:05d}: {self.monitor} improved from {self.best:.5f} to {current:.5f}, "
                      f"saving model to {path}", file=sys.stdout, flush=True)
            self.best = current
        elif self.verbose:
            print(f"Epoch {epoch + 1:05d}: saving model to {path}", file=sys.stdout, flush=True)
        self.model.save(path)
        self.saved.append(path)

    def __repr__(self):
        return (f"ModelCheckpoint({self.filepath!r}, monitor={self.monitor!r}, "
                f"save_best_only={self.save_best_only!r}, mode={self.mode!r})")


def _arity(where, schedule):
    """1 for ``schedule(epoch)``, 2 for ``schedule(epoch, lr)``, decided once from the signature."""
    try:
        parameters = list(inspect.signature(schedule).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: Keras 1's one-argument form
        return 1
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind == p.VAR_POSITIONAL for p in parameters) or len(positional) >= 2:
        return 2
    if len(positional) == 1:
        return 1
    raise ValueError(f"{where}: schedule must take the epoch (and optionally the current learning rate): "
                     f"schedule(epoch) or schedule(epoch, lr); got a callable of signature "
                     f"{inspect.signature(schedule)}")


class LearningRateScheduler(Callback):
    r"""Set the learning rate of each epoch from a schedule.

    Concept: lr.schedule

    Slides: 003 "Learning Rates" (:math:`\eta^t = \eta / \sqrt{t + 1}`, one of many schedules).

    Before epoch ``epoch`` (from 0) the callback sets ``model.optimizer.lr`` to
    ``schedule(epoch)`` (Keras 1) or ``schedule(epoch, lr)`` with the current rate
    (Keras 2); which of the two is read from the schedule's signature. After the epoch
    it adds the rate used to the logs as ``'lr'``, so :class:`History` records it.

    Parameters
    ----------
    schedule : callable — ``schedule(epoch) -> lr`` or ``schedule(epoch, lr) -> lr``; the
        result must be a finite number > 0
    verbose : 0 or 1 — 1 prints the rate set at each epoch

    Raises
    ------
    ValueError
        At ``on_epoch_begin``, if the schedule returns anything but a finite number > 0.
    TypeError
        If the model's optimizer has no settable ``lr``.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        where = "LearningRateScheduler"
        if not callable(schedule):
            raise ValueError(f"{where}: schedule must be a callable schedule(epoch) or schedule(epoch, lr); "
                             f"got {type(schedule).__name__}")
        self.schedule = schedule
        self._arity = _arity(where, schedule)
        self.verbose = _verbose(where, verbose)

    def _optimizer(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "lr"):
            raise TypeError("LearningRateScheduler: the model has no optimizer with a learning rate lr "
                            "(compile the model first)")
        return optimizer

    def on_epoch_begin(self, epoch, logs=None):
        where = "LearningRateScheduler"
        optimizer = self._optimizer()
        value = self.schedule(epoch) if self._arity == 1 else self.schedule(epoch, float(optimizer.lr))
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if (isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real)
                or not math.isfinite(value) or value <= 0):
            raise ValueError(f"{where}: schedule({epoch}{'' if self._arity == 1 else ', lr'}) must return a "
                             f"finite learning rate > 0; got {value!r}")
        value = float(value)
        try:
            optimizer.lr = value
        except AttributeError:
            raise TypeError(f"{where}: {type(optimizer).__name__}.lr cannot be set, so the schedule would be "
                            f"ignored") from None
        if self.verbose:
            print(f"Epoch {epoch + 1:05d}: LearningRateScheduler setting learning rate to {value}.",
                  file=sys.stdout, flush=True)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = float(self._optimizer().lr)

    def __repr__(self):
        return f"LearningRateScheduler({self.schedule!r})"


class TerminateOnNaN(Callback):
    """Stop training as soon as a mini-batch's loss is NaN or infinite (Keras's ``TerminateOnNaN``).

    It watches ``logs['loss']`` after every mini-batch, so ``fit`` stops between them
    to call it (it overrides a batch hook), and after every epoch. It sets
    ``model.stop_training = True`` and records the batch in ``terminated_at``.

    Attributes
    ----------
    terminated_at : tuple ``(epoch, batch)`` or None — where the loss was first not finite
        (``batch`` is None when found at the end of an epoch)
    """

    def __init__(self):
        super().__init__()
        self.terminated_at = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.terminated_at = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = int(epoch)

    def _check(self, batch, logs):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)) and self.terminated_at is None:
            self.terminated_at = (self._epoch, batch)
            where = f"Batch {batch}" if batch is not None else f"Epoch {self._epoch + 1}"
            print(f"{where}: Invalid loss, terminating training", file=sys.stdout, flush=True)
            self.model.stop_training = True

    def on_batch_end(self, batch, logs=None):
        self._check(int(batch), logs)

    def on_epoch_end(self, epoch, logs=None):
        self._check(None, logs)


class LambdaCallback(Callback):
    """A callback made of plain functions, one per hook (Keras's ``LambdaCallback``).

    Parameters
    ----------
    on_epoch_begin, on_epoch_end : callable ``f(epoch, logs)`` or None
    on_batch_begin, on_batch_end : callable ``f(batch, logs)`` or None
    on_train_begin, on_train_end : callable ``f(logs)`` or None

    A hook left None does nothing, and only a given batch hook makes ``fit`` stop
    between mini-batches.

    Examples
    --------
    >>> losses = []
    >>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None, on_batch_end=None,
                 on_train_begin=None, on_train_end=None):
        super().__init__()
        given = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end, "on_batch_begin": on_batch_begin,
                 "on_batch_end": on_batch_end, "on_train_begin": on_train_begin, "on_train_end": on_train_end}
        for hook, function in given.items():
            if function is None:
                continue
            if not callable(function):
                raise ValueError(f"LambdaCallback: {hook} must be a callable or None; got {type(function).__name__}")
            setattr(self, hook, function)  # an instance attribute: the class's no-op stays for the others
        self._given = sorted(h for h, f in given.items() if f is not None)

    def __repr__(self):
        return f"LambdaCallback({', '.join(f'{h}=...' for h in self._given)})"


__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler",
           "TerminateOnNaN", "LambdaCallback", "EarlyStop", "HOOKS", "MODES"]
