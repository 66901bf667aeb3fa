"""Examples from series, splits, and the order of an epoch."""

from __future__ import annotations

import numpy as np

from .. import _check


def lag_features(series, days):
    r"""Turn a daily series into (past ``days`` days → today) examples.

    Row ``n`` of ``x`` holds the ``days`` values before day ``n + days``, most recent
    first: ``x[n, 0]`` is the day before (the slide's :math:`x_1`), ``x[n, j-1]`` is
    :math:`x_j`, ``j`` days before; ``y_hat[n]`` is the day itself.

    Concept: model.linear

    The 1-, 7-, 28- and 56-day features of 000 "Linear models".

    Parameters
    ----------
    series : ndarray (T,)
    days : int, 1 <= days < T

    Returns
    -------
    x : ndarray (T - days, days)
    y_hat : ndarray (T - days,)
    """
    series = np.asarray(series)
    if series.ndim != 1:
        raise ValueError(f"lag_features: series must be (T,); got {series.shape}")
    days = _check.count("lag_features", "days", days)
    if days >= series.size:
        raise ValueError(f"lag_features: days must be < T = {series.size}; got {days}")
    T = series.size
    x = np.stack([series[days - j: T - j] for j in range(1, days + 1)], axis=1)
    return x, series[days:].copy()


def split_indices(n, fractions=(0.7, 0.15, 0.15), rng=None):
    """Split ``range(n)`` into training, validation and testing indices.

    With ``rng`` the examples are shuffled first; without it the split is in order
    (use :func:`chronological_split` for time series, where the future must not leak
    into training). The validation set is the mock exam (模擬考) used to choose; the
    testing set is the real exam, used once.

    Concept: data.split


    Slides: 004 "驗證 (Validation)", "測試 (Testing)".

    Parameters
    ----------
    n : int >= len(fractions)
    fractions : sequence of positive floats summing to 1
    rng : numpy.random.Generator or None

    Returns
    -------
    tuple of ndarray of int — one index array per fraction, each non-empty
    """
    n = _check.count("split_indices", "n", n)
    fractions = tuple(float(f) for f in fractions)
    if not fractions or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"split_indices: fractions must be positive and sum to 1; got {fractions}")
    if n < len(fractions):
        raise ValueError(f"split_indices: n must be at least {len(fractions)} to fill every part; got {n}")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise ValueError(f"split_indices: rng must be a numpy.random.Generator or None; got {type(rng).__name__}")
    index = rng.permutation(n) if rng is not None else np.arange(n)
    wanted = np.array(fractions) * n
    sizes = np.maximum(1, np.floor(wanted).astype(int))       # every part gets at least one
    while sizes.sum() > n:
        sizes[np.argmax(sizes)] -= 1
    for i in np.argsort(-(wanted - np.floor(wanted)), kind="stable")[: n - sizes.sum()]:
        sizes[i] += 1                                           # the rest by largest remainder
    return tuple(np.split(index, np.cumsum(sizes)[:-1]))


def kfold_indices(n, k, rng=None):
    """The ``k`` folds of N-fold cross-validation: ``k`` (training, validation) index pairs.

    ``range(n)`` (shuffled first with ``rng``, in order without it) is cut into ``k``
    consecutive folds whose sizes differ by at most one (the first ``n % k`` folds get
    the extra example). Split ``j`` validates on fold ``j`` and trains on the other
    ``k - 1``: every example is validated exactly once, and no split trains on what it
    validates on. A model is chosen by its validation error averaged over the ``k``
    splits, then retrained on all the training data.

    Concept: generalize.cross_validation

    Slides: 001 "Errors of ML model → Cross validation" (choosing among models of
    different complexity by their error on data held out from training).

    Parameters
    ----------
    n : int >= k — the number of examples
    k : int >= 2 — the number of folds
    rng : numpy.random.Generator or None — shuffles the examples before they are cut

    Returns
    -------
    list of (ndarray of int, ndarray of int) — ``k`` pairs ``(train_idx, val_idx)``;
    each ``train_idx`` is sorted in the order of the (shuffled) examples

    Examples
    --------
    >>> [v.tolist() for _, v in kfold_indices(7, 3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    n = _check.count("kfold_indices", "n", n)
    k = _check.count("kfold_indices", "k", k, minimum=2)
    if n < k:
        raise ValueError(f"kfold_indices: n must be at least k = {k} so that every fold validates on "
                         f"something; got n = {n}")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise ValueError(f"kfold_indices: rng must be a numpy.random.Generator or None; got {type(rng).__name__}")
    index = rng.permutation(n) if rng is not None else np.arange(n)
    folds = np.array_split(index, k)                    # sizes n // k + 1 (n % k of them), then n // k
    return [(np.concatenate(folds[:j] + folds[j + 1:]), folds[j]) for j in range(k)]


def chronological_split(dates, boundary):
    """Indices of the days before ``boundary`` and from it on (train on the past, test on the future).

    Concept: data.split


    Slides: 000 "Machine Learning is so simple" (train 2017–2020,
    test on 2021, unseen during training).

    Parameters
    ----------
    dates : ndarray of datetime64[D]
    boundary : str or datetime64 — the first day of the second part

    Returns
    -------
    (before, after) : two ndarrays of int
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    boundary = np.datetime64(boundary, "D")
    return np.flatnonzero(dates < boundary), np.flatnonzero(dates >= boundary)


def epoch_order(n, rng=None):
    """The order in which one epoch visits the ``n`` examples: shuffled when ``rng`` is given.

    Concept: batch.epoch


    Slides: 004 "Shuffle"; 000 "1 epoch = see all the batches once".

    Parameters
    ----------
    n : int >= 1
    rng : numpy.random.Generator or None — ``None`` keeps ``0 … n-1``

    Returns
    -------
    ndarray (n,) of int64 — a permutation of ``range(n)``
    """
    n = _check.count("epoch_order", "n", n)
    if rng is None:
        return np.arange(n, dtype=np.int64)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"epoch_order: rng must be a numpy.random.Generator or None; got {type(rng).__name__}")
    return rng.permutation(n).astype(np.int64)


def batches(order, batch_size):
    """Cut an epoch's order into mini-batches: ``ceil(N / B)`` index arrays, the last maybe shorter.

    Concept: batch.minibatch, batch.epoch


    Slides: 000 "Optimization of New Model"
    (N = 10,000, B = 10 → 1,000 updates; N = 1,000, B = 100 → 10).

    Parameters
    ----------
    order : ndarray (N,) of int
    batch_size : int >= 1

    Returns
    -------
    list of ndarray of int
    """
    order = np.asarray(order)
    batch_size = _check.count("batches", "batch_size", batch_size)
    return [order[start:start + batch_size] for start in range(0, order.size, batch_size)]
