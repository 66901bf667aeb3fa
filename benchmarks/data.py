"""The inputs the benchmarks run on: lecture 1's data and shapes, and random arrays.

Lecture sizes come from lecture 1's experiment: the daily views of 2017–2020 as
(past 56 days → today) examples, N = 1405 rows of D = 56 features (the synthetic
stand-in of :func:`reference.data.synthetic_views`, in thousands of views, the
slides' "k"), hidden layers of 100 ReLUs, mini-batches of 32; the loss surface on
the 15 (today → tomorrow) pairs of the 2021 table and on the 1405 training days.
"""

from __future__ import annotations

import functools

import numpy as np

from reference.data import chronological_split, lag_features, load_views, synthetic_views

DAYS = 56          # the longest feature window of the lecture
HIDDEN = 100       # 000 / 004: 100 ReLUs per hidden layer
BATCH = 32


@functools.lru_cache(maxsize=None)
def views_training(days: int = DAYS):
    """``(x, y_hat)`` of 2017–2020: ``x[n]`` the past ``days`` days' views (in k), ``y_hat[n]`` today's."""
    series = synthetic_views(np.random.default_rng(2021))
    x, y_hat = lag_features(series["views"] / 1000.0, days)
    train, _ = chronological_split(series["date"][days:], "2021-01-01")
    return np.ascontiguousarray(x[train]), y_hat[train].copy()


@functools.lru_cache(maxsize=None)
def views_2021():
    """The 2021 slide table as (today, tomorrow) pairs: ``x1`` (15,), ``y_hat`` (15,), in views."""
    v = load_views(2021)["views"]
    return v[:-1].copy(), v[1:].copy()


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def normal(shape, dtype, seed=0, scale=1.0):
    return (rng(seed).standard_normal(shape) * scale).astype(dtype)


def features(n: int, d: int, dtype, seed=0):
    """``(x, y_hat)`` with ``n`` rows of ``d`` features: the views table when it is big enough, else random."""
    x, y = views_training()
    if n <= x.shape[0] and d <= x.shape[1]:
        return x[:n, :d].astype(dtype), y[:n].astype(dtype)
    g = rng(seed)
    x = g.random((n, d)) * 5
    y = x @ (g.standard_normal(d) / d) + g.standard_normal(n) * 0.3 + 3
    return x.astype(dtype), y.astype(dtype)


def init(sizes, dtype, activation="relu", seed=0):
    from reference.training import init_params

    return init_params(sizes, rng(seed), activation=activation, dtype=dtype)
