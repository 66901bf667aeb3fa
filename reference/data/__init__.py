r"""Data: the tables the slides print, honest synthetic stand-ins, splits and epochs.

Nothing here downloads anything. What ships (see ``README.md`` beside this file):

* ``views_2021.csv`` — the channel's daily likes, new subscribers and views from
  2021-01-26 to 2021-02-10, as printed on the slide "The function we want to find"
  of lecture 1 (``000``);
* ``views_2020.csv`` — the analytics table of 2020-01-01 to 2020-01-14 from the slide
  "Function with Unknown Parameters" (``000``);
* ``gait.csv`` — the 23-row table of the slide "Notations" (``001``).

The channel's four years of daily views (2017–2021) that lecture 1 trains on do not
ship; :func:`synthetic_views` generates an honest stand-in with the same shape
(weekly cycle, trend, noise), and says so.

Randomness always comes from a ``numpy.random.Generator`` the caller passes in.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .. import _check

HERE = Path(__file__).resolve().parent

__all__ = ["load_views", "load_gait", "synthetic_views", "lag_features", "split_indices",
           "chronological_split", "epoch_order", "batches"]


def _read_csv(name):
    with open(HERE / name, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rows


def load_views(year=2021):
    """The daily channel statistics printed on the lecture-1 slides.

    Concept: data.views. Slides: 000 "The function we want to find" (2021),
    "Function with Unknown Parameters" (2020).

    Parameters
    ----------
    year : {2021, 2020}
        2021: the 16 days 2021-01-26 … 2021-02-10, columns ``date``, ``likes``,
        ``subscribers``, ``views``.
        2020: the 14 days 2020-01-01 … 2020-01-14, columns ``date``,
        ``videos_added``, ``likes``, ``subscribers_gained``, ``impressions``,
        ``views``, ``watch_hours``, ``avg_view_duration`` (in seconds). The
        transcript garbled this table's headers; the names here are inferred and
        checked: ``views × avg_view_duration`` equals ``watch_hours`` to rounding.

    Returns
    -------
    dict of str → ndarray
        ``date`` as ``datetime64[D]``, the counts as float64.
    """
    if year not in (2020, 2021):
        raise ValueError(f"load_views: year must be 2020 or 2021; got {year!r}")
    rows = _read_csv(f"views_{year}.csv")
    table = {"date": np.array([r["date"] for r in rows], dtype="datetime64[D]")}
    for name in rows[0]:
        if name == "date":
            continue
        if name == "avg_view_duration":
            minutes_seconds = [r[name].split(":") for r in rows]
            table[name] = np.array([60.0 * int(m) + int(s) for m, s in minutes_seconds])
        else:
            table[name] = np.array([float(r[name]) for r in rows])
    return table


GAIT_MISSING = ("nan", "drop", "mean")


def load_gait(missing="nan"):
    """The 23-row gait and balance table of lecture 001 "Notations".

    Columns: ``no``, ``age``, ``t1`` … ``t6``, ``time``, ``step_frequency``,
    ``n1`` … ``n6``, ``px``, ``py``, ``pz``, ``steps``, ``gender`` (``"F"``/``"M"``),
    ``tug`` (the timed-up-and-go test, seconds), ``y1``, ``bbs`` (the Berg balance
    score), ``y2``. In every row ``y1 = 1`` exactly when ``tug >= 14`` and
    ``y2 = 1`` exactly when ``bbs <= 22``: the two labels are thresholds of the two
    clinical scores, which makes the table a small regression set (predict ``tug`` or
    ``bbs``) and a small classification set (predict ``y1`` or ``y2``).

    Two rows are garbled in the transcript, and their ``px`` is missing here:
    row 6 has one cell fewer (``py`` and ``pz`` are clearly the two values after
    ``n6``, so ``px`` is the lost one) and row 7 has the slide's annotation
    ``x_i^n`` printed over its ``px`` cell. Row 8's ``pz`` is +4.594 where every
    other row is negative; the transcript may have lost a minus sign, but nothing
    here guesses: it is kept as printed.

    Concept: data.gait. Slides: 001 "Notations", "ML tasks".

    Parameters
    ----------
    missing : {"nan", "drop", "mean"}
        What to do with the two missing ``px`` cells: leave NaN, drop rows 6 and 7,
        or fill with the mean of the other 21 rows.

    Returns
    -------
    dict of str → ndarray
        ``gender`` as a str array, every other column as float64.
    """
    _check.choice("load_gait", "missing", missing, GAIT_MISSING)
    rows = _read_csv("gait.csv")
    table = {}
    for name in rows[0]:
        if name == "gender":
            table[name] = np.array([r[name] for r in rows])
        else:
            table[name] = np.array([float(r[name]) if r[name] != "" else np.nan for r in rows])
    lost = np.isnan(table["px"])
    if missing == "drop":
        table = {k: v[~lost] for k, v in table.items()}
    elif missing == "mean":
        table["px"] = np.where(lost, np.nanmean(table["px"]), table["px"])
    return table


# The weekly cycle of the 2021 table: views dip on Friday and Saturday.
_WEEKDAY = np.array([1.05, 1.10, 1.08, 1.02, 0.86, 0.84, 0.95])  # Monday … Sunday


def synthetic_views(rng, start="2017-01-01", end="2021-12-31"):
    r"""A synthetic daily-views series shaped like the lecture's channel. **Not real data.**

    The slides train on the channel's daily views of 2017–2020 and test on 2021;
    that series does not ship, so this generates a stand-in with the features the
    lecture talks about: a weekly cycle (the dip on Fridays and Saturdays seen in the
    2021 table), a slow upward trend, a yearly rhythm of the teaching terms,
    occasional bursts after an upload, and day-to-day noise that is correlated from
    one day to the next. Its level (a few thousand views a day) matches the tables
    of :func:`load_views`. Results on it show the *shape* of the lecture's results,
    not its numbers.

    .. math::

        \text{views}_t = \text{level}_t \cdot \text{term}_t \cdot \text{week}_t
                         \cdot \text{burst}_t \cdot e^{\epsilon_t},
        \qquad \epsilon_t = 0.6\,\epsilon_{t-1} + \mathcal{N}(0, 0.09^2)

    Concept: data.views.

    Parameters
    ----------
    rng : numpy.random.Generator
    start, end : str — the first and last date, inclusive (ISO ``YYYY-MM-DD``)

    Returns
    -------
    dict with ``date`` (``datetime64[D]``) and ``views`` (float64, whole numbers)
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"synthetic_views: rng must be a numpy.random.Generator; got {type(rng).__name__}")
    date = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    if date.size < 1:
        raise ValueError(f"synthetic_views: end must not be before start; got {start} … {end}")
    t = np.arange(date.size)
    level = 3000.0 + 1.2 * t                                    # a growing channel
    day_of_year = (date - date.astype("datetime64[Y]")).astype(int)
    term = 1 + 0.18 * np.cos(2 * np.pi * (day_of_year - 100) / 365.25)
    weekday = (date.astype(int) + 3) % 7                       # 1970-01-01 was a Thursday
    week = _WEEKDAY[weekday]
    burst = np.ones(date.size)
    for t0 in np.flatnonzero(rng.random(date.size) < 1 / 45):  # an upload every ~6 weeks
        height = rng.exponential(0.6)
        tail = np.arange(date.size - t0)
        burst[t0:] += height * np.exp(-tail / 3.0)
    eps = np.empty(date.size)
    eps[0] = rng.normal(0, 0.09)
    shocks = rng.normal(0, 0.09, size=date.size)
    for i in range(1, date.size):
        eps[i] = 0.6 * eps[i - 1] + shocks[i]
    views = np.round(level * term * week * burst * np.exp(eps))
    return {"date": date, "views": views}


def lag_features(series, days):
    r"""Turn a daily series into (past ``days`` days → today) examples.

    Row ``n`` of ``x`` holds the ``days`` values before day ``n + days``, most recent
    first: ``x[n, 0]`` is the day before (the slide's :math:`x_1`), ``x[n, j-1]`` is
    :math:`x_j`, ``j`` days before; ``y_hat[n]`` is the day itself.

    Concept: model.linear (the 1-, 7-, 28- and 56-day features of 000 "Linear models").

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

    Concept: data.split. Slides: 004 "驗證 (Validation)", "測試 (Testing)".

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


def chronological_split(dates, boundary):
    """Indices of the days before ``boundary`` and from it on (train on the past, test on the future).

    Concept: data.split. Slides: 000 "Machine Learning is so simple" (train 2017–2020,
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

    Concept: batch.epoch. Slides: 004 "Shuffle"; 000 "1 epoch = see all the batches once".

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

    Concept: batch.minibatch, batch.epoch. Slides: 000 "Optimization of New Model"
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
