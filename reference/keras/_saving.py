"""Saving and loading a :class:`~reference.keras.models.Sequential` as one ``.npz`` file.

The file is a NumPy ``.npz`` archive holding

* ``config``: a 0-d string array, JSON text: the architecture, the compile settings
  (the optimizer's :meth:`~reference.keras.optimizers.Optimizer.get_config`), and the
  training state's numbers: ``optimizer_state`` (the rule, the count of updates
  ``iterations``, each parameter's step count ``t`` where its rule keeps one, and the
  names of the state arrays) and ``rng`` (the model's Generator: its bit generator's
  ``state`` dict, whose 128-bit integers Python's ``json`` writes and reads exactly;
  any arrays in it, as MT19937's key, as lists of integers);
* ``weight_0``, ``weight_1``, ...: the weights in Keras's layout, in the order of
  ``get_weights``, and (from version 3) their names in the config's ``weight_names``
  (``"dense_1/kernel"``, ``"sequential_1/dense_1/bias"``, ...), by which they are loaded;
* ``state_<i>_<field>``: the optimizer's state arrays of the ``i``-th parameter array
  (in the order of ``get_weights``), e.g. ``state_0_m`` and ``state_0_v`` for Adam, in
  the primitives' layout (a Dense kernel's state is ``(units, input_dim)``, like the
  ``W`` it belongs to).

It is read with ``allow_pickle=False``: loading a file never runs code from it.
Version 3 (this one) names every weight and loads the weights and the optimizer's state
arrays by those names; version 2 files (the same without the names, the arrays in
``get_weights`` order) and version 1 files (no training state either: a fresh optimizer
state) still load.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
import zlib

import numpy as np

#: The ``format`` entry of a saved model's config.
FORMAT = "slidespec.keras.Sequential"
VERSION = 3
#: The versions :func:`load_model` reads.
_READABLE = (1, 2, 3)
#: The bit generators whose state a saved model may hold (those of ``numpy.random``).
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
_ZIP_MAGIC = b"PK\x03\x04"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _json_state(value):
    """A bit generator's state as JSON-ready data: dicts and ints as they are, arrays tagged with their dtype."""
    if isinstance(value, dict):
        return {key: _json_state(v) for key, v in value.items()}
    if isinstance(value, np.ndarray):
        return {"__array__": value.dtype.str, "values": value.tolist()}
    if isinstance(value, np.integer):
        return int(value)
    return value


def _from_json_state(value):
    if isinstance(value, dict):
        if "__array__" in value:
            dtype = np.dtype(value["__array__"])
            if dtype.kind not in "iu":
                raise ValueError(f"a bit generator's state holds integers, not {dtype}")
            return np.array(value["values"], dtype=dtype)
        return {key: _from_json_state(v) for key, v in value.items()}
    return value


def _generator(state):
    """The ``numpy.random.Generator`` whose bit generator has the saved ``state``."""
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in _BIT_GENERATORS:
        raise ValueError(f"the saved Generator's bit generator is {name!r}, not one of {', '.join(_BIT_GENERATORS)}")
    bit_generator = getattr(np.random, name)()
    bit_generator.state = _from_json_state(state)
    return np.random.Generator(bit_generator)


def _training_to_save(model):
    """``(meta, arrays)``: the model's optimizer state as JSON-ready numbers and host arrays (``None, {}`` if none)."""
    from .models import _host

    training = model._training
    if training is None or model._compiled is None or training.rule != model._compiled["optimizer"].rule:
        return None, {}                   # no state yet (or one the next fit would drop: the rule changed)
    B = model._B
    arrays, steps = {}, []
    states = [s for layer_states in training.states for s in layer_states]
    for i, state in enumerate(states):
        step = None
        for field, value in zip(getattr(state, "_fields", ()), state):
            if field == "t":
                step = int(value)
            else:
                arrays[f"state_{i}_{field}"] = np.ascontiguousarray(_host(B.to_host(value)))
        steps.append(step)
    meta = {"rule": training.rule, "iterations": int(training.iterations), "t": steps, "arrays": list(arrays)}
    return meta, arrays


def _training_from_file(model, meta, arrays):
    """Give ``model`` (built and compiled) the optimizer state ``meta`` and ``arrays`` describe."""
    from .. import optimizers as rules
    from .models import _Training

    B = model._B
    rule = model._compiled["optimizer"].rule
    if not isinstance(meta, dict) or meta.get("rule") != rule:
        got = meta.get("rule") if isinstance(meta, dict) else meta
        raise ValueError(f"the optimizer state is for the rule {got!r}, but the optimizer runs {rule!r}")
    iterations, steps = meta.get("iterations"), meta.get("t")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
        raise ValueError(f"the optimizer state's iterations must be an integer >= 0; got {iterations!r}")
    params = [p for layer in model.layers for p in layer.params]
    if not isinstance(steps, list) or len(steps) != len(params):
        raise ValueError(f"the optimizer state has step counts for {len(steps) if isinstance(steps, list) else 0} "
                         f"parameter arrays; the model has {len(params)}")
    states = []
    for i, param in enumerate(params):
        blank = getattr(rules, f"{rule}_init")(param)      # the state's type and fields, from the reference
        fields = {}
        for field in getattr(blank, "_fields", ()):
            if field == "t":
                t = steps[i]
                if isinstance(t, bool) or not isinstance(t, int) or t < 0:
                    raise ValueError(f"state {i}: t must be an integer >= 0; got {t!r}")
                fields[field] = t
                continue
            key = f"state_{i}_{field}"
            if key not in arrays:
                raise ValueError(f"the state array {key!r} is missing")
            value = arrays[key]
            if value.shape != param.shape or value.dtype != param.dtype:
                raise ValueError(f"{key} must be {param.dtype} {param.shape} like its parameter; "
                                 f"got {value.dtype} {value.shape}")
            fields[field] = B.to_device(np.array(value, copy=True))
        states.append(type(blank)(**fields) if fields else ())
    grouped, start = [], 0
    for layer in model.layers:
        grouped.append(tuple(states[start:start + len(layer.params)]))
        start += len(layer.params)
    model._training = _Training(rule, iterations, grouped)


def _order(model, config):
    """For a version-3 file, ``order[i]``: the saved index of the model's ``i``-th weight, found by name."""
    names = config.get("weight_names")
    if config.get("version", 0) < 3:
        return None
    want = list(model.param_names)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"its weight_names must be a list of names; got {names!r}")
    missing = [n for n in want if n not in names]
    extra = [n for n in names if n not in want]
    if missing or extra:
        raise ValueError(f"its weights are named {names}, but the model's are {want} (missing {missing}, "
                         f"unknown {extra})")
    return [names.index(n) for n in want]


def _by_name(model, config, weights):
    """The saved weights in the model's order (by name for version 3, by position before)."""
    order = _order(model, config)
    return weights if order is None else [weights[i] for i in order]


def _states_by_name(model, config, meta, arrays):
    """The saved state arrays renumbered to the model's parameter order (by name for version 3)."""
    order = _order(model, config)
    if order is None:
        return arrays
    renamed = {}
    for mine, saved in enumerate(order):
        prefix = f"state_{saved}_"
        for key, value in arrays.items():
            if key.startswith(prefix):
                renamed[f"state_{mine}_{key[len(prefix):]}"] = value
    steps = meta.get("t")
    if isinstance(steps, list) and len(steps) == len(order):
        meta["t"] = [steps[i] for i in order]
    return renamed


def save_model(model, path):
    """Write ``model`` to ``path`` atomically: a temporary file in the same directory, then ``os.replace``."""
    path = os.fspath(path)
    config = {"format": FORMAT, "version": VERSION, **model.get_config()}
    weights = model.get_weights() if model.built else []
    compiled = model._compiled
    config["compile"] = None if compiled is None else {
        "loss": compiled["loss"], "optimizer": compiled["optimizer"].get_config(),
        "metrics": list(compiled["metrics"])}
    config["weights"] = len(weights)
    config["weight_names"] = list(model.param_names) if model.built else []
    config["optimizer_state"], states = _training_to_save(model)
    config["rng"] = _json_state(model._rng.bit_generator.state)
    arrays = {"config": np.array(json.dumps(config))}
    arrays.update({f"weight_{i}": w for i, w in enumerate(weights)})
    arrays.update(states)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        what = "is not a directory" if os.path.exists(directory) else "does not exist"
        raise FileNotFoundError(f"Sequential.save: cannot write {path!r}: the directory {directory!r} {what} "
                                f"(create it first, e.g. os.makedirs({directory!r}, exist_ok=True))")
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class _Archive:
    """Reads entries of an ``.npz`` with ``allow_pickle=False``, turning every failure into one clear ValueError."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            head = f.read(len(_ZIP_MAGIC))
        if head != _ZIP_MAGIC:
            what = "is empty" if not head else "is not a .npz (zip) archive"
            self.fail(f"{what}, so it is not a model saved by Sequential.save")
        try:
            self.npz = np.load(path, allow_pickle=False)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            self.fail(f"is truncated or damaged: its .npz archive cannot be read ({type(exc).__name__}: {exc})", exc)
        self.files = list(self.npz.files)

    def fail(self, what, cause=None):
        raise ValueError(f"load_model: {self.path!r} {what}") from cause

    def read(self, key):
        if key not in self.files:
            self.fail(f"is incomplete: the entry {key!r} is missing (it holds {self.files})")
        try:
            return self.npz[key]
        except ValueError as exc:
            if "pickle" in str(exc):
                self.fail(f"holds a pickled object array {key!r}; load_model never unpickles (allow_pickle=False), "
                          f"and a model saved by Sequential.save has none", exc)
            self.fail(f"is truncated or damaged: the entry {key!r} cannot be read ({exc})", exc)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            self.fail(f"is truncated or damaged: the entry {key!r} cannot be read "
                      f"({type(exc).__name__}: {exc})", exc)

    def close(self):
        self.npz.close()


def load_model(path, backend=None, seed=None):
    """Load a model written by :meth:`Sequential.save <reference.keras.models.Sequential.save>`.

    Concept: model.dense


    Slides: 003 "Keras" ("Save and load models").

    Parameters
    ----------
    path : str or os.PathLike — the ``.npz`` file
    backend : as for :class:`~reference.keras.models.Sequential` (the backend is not saved)
    seed : None, or as for :class:`~reference.keras.models.Sequential` — the Generator for further ``fit``
        shuffles (None: the saved model's Generator, continued where it stopped; a fresh one for
        files saved without it)

    Returns
    -------
    Sequential — the same architecture and weights (its predictions are identical),
    compiled as it was when saved, with the optimizer's state (and count of updates)
    as it was: ``fit`` continues the training where it stopped. With ``seed=None`` the
    model's Generator continues from its saved state too, so the next epochs are
    shuffled as they would have been without the save: ``fit(epochs=2)`` gives the same
    numbers as ``fit(epochs=1)``, ``save``, ``load_model``, ``fit(epochs=1)``. A
    ``seed`` replaces the saved Generator.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file and what is wrong: not a ``.npz`` archive, truncated or damaged,
        a ``.npz`` that is not a saved model (no ``config``, another format), pickled
        object arrays, or weights that do not fit the architecture.
    """
    from .models import Sequential
    from .optimizers import _from_config

    path = os.fspath(path)
    caller = Sequential(backend=backend, seed=seed)     # the caller's arguments are checked first
    archive = _Archive(path)
    try:
        if "config" not in archive.files:
            archive.fail(f"is a .npz archive but not a model saved by Sequential.save: it has no 'config' "
                         f"entry (it holds {archive.files})")
        raw = archive.read("config")
        if raw.dtype.kind != "U" or raw.ndim != 0:
            archive.fail(f"is not a model saved by Sequential.save: its 'config' entry is a {raw.dtype} array "
                         f"of shape {raw.shape}, not a JSON string")
        try:
            config = json.loads(str(raw))
        except ValueError as exc:
            archive.fail(f"is not a model saved by Sequential.save: its 'config' is not JSON ({exc})", exc)
        if not isinstance(config, dict) or config.get("format") != FORMAT:
            archive.fail(f"is not a model saved by Sequential.save: its config's format is "
                         f"{config.get('format') if isinstance(config, dict) else None!r}, not {FORMAT!r}")
        if config.get("version") not in _READABLE:
            archive.fail(f"has format version {config.get('version')!r}; this slidespec reads versions "
                         f"{', '.join(str(v) for v in _READABLE)}")
        count = config.get("weights", 0)
        weights = [archive.read(f"weight_{i}") for i in range(count)]
        meta = config.get("optimizer_state")
        names = meta.get("arrays", []) if isinstance(meta, dict) else []
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            archive.fail(f"is not a consistent saved model: its optimizer state names arrays {names!r}")
        states = {name: archive.read(name) for name in names}
    finally:
        archive.close()
    try:
        model = Sequential.from_config(config, backend=caller.backend, seed=caller._rng)
        if weights:
            weights = _by_name(model, config, weights)
            model.set_weights(weights)
        if config.get("compile"):
            c = config["compile"]
            model.compile(optimizer=_from_config(c["optimizer"]), loss=c["loss"], metrics=c["metrics"])
        if meta is not None:
            if not config.get("compile") or not model.built:
                raise ValueError("it holds an optimizer state but no compile settings or no weights")
            _training_from_file(model, meta, _states_by_name(model, config, meta, states))
        if seed is None and config.get("rng") is not None:
            model._rng = _generator(config["rng"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        archive.fail(f"is not a consistent saved model: {type(exc).__name__}: {exc}", exc)
    return model
