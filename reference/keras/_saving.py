"""Saving and loading a :class:`~reference.keras.Sequential` as one ``.npz`` file.

The file is a NumPy ``.npz`` archive holding ``config``, a 0-d string array with the
architecture (and the compile settings) as JSON, and ``weight_0``, ``weight_1``, ...,
the weights in Keras's layout, in the order of ``get_weights``. It is read with
``allow_pickle=False``: loading a file never runs code from it.
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
VERSION = 1
_ZIP_MAGIC = b"PK\x03\x04"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
    arrays = {"config": np.array(json.dumps(config))}
    arrays.update({f"weight_{i}": w for i, w in enumerate(weights)})
    directory = os.path.dirname(os.path.abspath(path))
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
    """Load a model written by :meth:`Sequential.save <reference.keras.Sequential.save>`.

    Concept: model.dense


    Slides: 003 "Keras" ("Save and load models").

    Parameters
    ----------
    path : str or os.PathLike — the ``.npz`` file
    backend : as for :class:`~reference.keras.Sequential` (the backend is not saved)
    seed : as for :class:`~reference.keras.Sequential` — the Generator for further ``fit`` shuffles

    Returns
    -------
    Sequential — the same architecture and weights (its predictions are identical),
    compiled as it was when saved.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file and what is wrong: not a ``.npz`` archive, truncated or damaged,
        a ``.npz`` that is not a saved model (no ``config``, another format), pickled
        object arrays, or weights that do not fit the architecture.
    """
    from .layers import LAYERS
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
        if config.get("version") != VERSION:
            archive.fail(f"has format version {config.get('version')!r}; this slidespec reads version {VERSION}")
        count = config.get("weights", 0)
        weights = [archive.read(f"weight_{i}") for i in range(count)]
    finally:
        archive.close()
    try:
        model = Sequential(backend=caller.backend, seed=caller._rng, dtype=config["dtype"], name=config.get("name"))
        for entry in config["layers"]:
            cls = LAYERS.get(entry.get("class_name"))
            if cls is None:
                raise ValueError(f"unknown layer {entry.get('class_name')!r} (known: {', '.join(LAYERS)})")
            model.add(cls(**entry["config"]))
        if config.get("input_dim") is not None and not model.built:
            model.build(config["input_dim"])
        if weights:
            model.set_weights(weights)
        if config.get("compile"):
            c = config["compile"]
            model.compile(optimizer=_from_config(c["optimizer"]), loss=c["loss"], metrics=c["metrics"])
    except (KeyError, TypeError, ValueError) as exc:
        archive.fail(f"is not a consistent saved model: {type(exc).__name__}: {exc}", exc)
    return model
