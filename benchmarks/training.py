"""The full training run of lecture 1, timed on each backend.

Lecture 1 (``000``, "Why don't we go deeper?") trains ReLU networks of 1 to 4
hidden layers of 100 units on the past 56 days' views (2017–2020), with mean
square error and mini-batches, and checks each on 2021. Here that run is
:func:`reference.training.train_network` on the synthetic stand-in of the views
(in thousands, the slides' "k"), a fixed number of epochs, shuffled each epoch,
with the loss on 2017–2020 and on 2021 measured after every epoch, exactly as a
study script would call it with ``backend=...``. PyTorch, when installed, runs
the same loop written the PyTorch way (autograd, the same shuffles, the same
evaluation).
"""

from __future__ import annotations

import functools
import statistics
import time

import numpy as np

from reference.data import chronological_split, epoch_order, lag_features, synthetic_views
from reference.training import train_network

from . import data as D

ETA = 1e-3


@functools.lru_cache(maxsize=None)
def views_split():
    """``(x_train, y_train, x_2021, y_2021)`` in thousands of views."""
    series = synthetic_views(np.random.default_rng(2021))
    x, y = lag_features(series["views"] / 1000.0, D.DAYS)
    train, test = chronological_split(series["date"][D.DAYS:], "2021-01-01")
    return (np.ascontiguousarray(x[train]), y[train].copy(),
            np.ascontiguousarray(x[test]), y[test].copy())


def run_backend(name, layers, epochs, dtype=np.float64):
    """One training run on backend ``name``; returns (seconds, final training loss, final 2021 loss)."""
    x, y, xv, yv = (a.astype(dtype) for a in views_split())
    params = D.init((D.DAYS,) + (D.HIDDEN,) * layers, dtype)
    t0 = time.perf_counter()
    _, history = train_network(x, y, params, epochs=epochs, batch_size=D.BATCH, eta=ETA,
                               activation="relu", loss="mse", rng=np.random.default_rng(1),
                               validation=(xv, yv), backend=name)
    seconds = time.perf_counter() - t0
    return seconds, history["loss"][-1], history["val_loss"][-1]


def run_torch(T, layers, epochs, dtype=np.float64):
    """The same run in PyTorch: same data, initial values, shuffles, step size and evaluation."""
    from .cases import _torch_network, torch_epoch

    x, y, xv, yv = (T.tensor(a.astype(dtype)) for a in views_split())
    params = [T.tensor(np.asarray(p)) for p in D.init((D.DAYS,) + (D.HIDDEN,) * layers, dtype)]
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    loss = val = float("nan")
    for _ in range(epochs):
        order = T.from_numpy(epoch_order(x.shape[0], rng))
        params, _ = torch_epoch(T, x, y, params, order, D.BATCH, ETA)
        with T.no_grad():
            loss = float((_torch_network(T, x, params)[0] - y).square().mean())
            val = float((_torch_network(T, xv, params)[0] - yv).square().mean())
    return time.perf_counter() - t0, loss, val


def measure(runner, layers, epochs, repeats):
    """A warm-up run of one epoch (compilation), then ``repeats`` timed runs; the median."""
    t0 = time.perf_counter()
    runner(layers, 1)
    first = time.perf_counter() - t0
    runs = [runner(layers, epochs) for _ in range(repeats)]
    secs = [r[0] for r in runs]
    return {"first": first, "median": statistics.median(secs), "min": min(secs), "max": max(secs),
            "loss": runs[-1][1], "val_loss": runs[-1][2], "runs": secs}
