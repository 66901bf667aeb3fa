"""Data: the slides' tables, the synthetic views, splits, epochs and batches (``reference.data``)."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.data import (batches, chronological_split, epoch_order, lag_features, load_gait,
                            load_views, split_indices, synthetic_views)


# -- the slides' tables ----------------------------------------------------------------------------
def test_load_views_2021_matches_slide():
    """load_views(2021) is the 16-day table of 000 "The function we want to find": cells checked against the slide.

    Concept: data.views.
    """
    t = load_views(2021)
    assert set(t) == {"date", "likes", "subscribers", "views"}
    assert t["date"].dtype == np.dtype("datetime64[D]") and t["views"].dtype == np.float64
    assert t["date"][0] == np.datetime64("2021-01-26") and t["date"][-1] == np.datetime64("2021-02-10")
    assert np.all(np.diff(t["date"]) == np.timedelta64(1, "D")) and t["date"].size == 16
    row = {k: v[0] for k, v in t.items() if k != "date"}
    assert row == {"likes": 54, "subscribers": 69, "views": 6788}
    assert (t["likes"][-1], t["subscribers"][-1], t["views"][-1]) == (31, 35, 3382)
    assert t["views"][t["date"] == np.datetime64("2021-02-05")][0] == 3850
    assert t["views"][t["date"] == np.datetime64("2021-02-08")][0] == 4772   # the package docstring's x1


def test_load_views_2020_matches_slide():
    """load_views(2020) is the 14-day analytics table of 000 "Function with Unknown Parameters".

    Concept: data.views.
    """
    t = load_views(2020)
    assert t["date"][0] == np.datetime64("2020-01-01") and t["date"].size == 14
    first = {k: v[0] for k, v in t.items() if k != "date"}
    assert first == {"videos_added": 0, "likes": 16, "subscribers_gained": 52, "impressions": 57093,
                     "views": 3977, "watch_hours": 565.6, "avg_view_duration": 8 * 60 + 32}
    assert t["videos_added"].sum() == 1 and t["videos_added"][3] == 1           # one upload, on 01-04
    assert t["subscribers_gained"][11] == 169 and t["views"][-1] == 5186
    assert t["avg_view_duration"][-1] == 7 * 60 + 9


def test_load_views_2020_views_times_duration_is_watch_hours():
    """load_views(2020): views x average duration ~ watch hours within 0.5 % in every row.

    The check behind the inferred headers: the slide's durations run up to 1.4 s short of watch hours / views,
    so the match is not to the second, while pairing any other count column with the durations misses by a
    factor of at least 5.

    Concept: data.views.
    """
    t = load_views(2020)
    hours = t["views"] * t["avg_view_duration"] / 3600
    assert np.all(np.abs(hours / t["watch_hours"] - 1) <= 0.005)
    for other in ("likes", "subscribers_gained", "impressions"):
        ratio = t[other] * t["avg_view_duration"] / 3600 / t["watch_hours"]
        assert np.all((ratio > 5) | (ratio < 1 / 5)), other


def test_load_views_rejects_other_years():
    """load_views raises ValueError naming year for a year with no table."""
    with pytest.raises(ValueError, match=r"^load_views: year must be 2020 or 2021"):
        load_views(2019)


def test_load_gait_matches_slide():
    """load_gait is the 23-row table of 001 "Notations": cells checked against the slide.

    Concept: data.gait.
    """
    g = load_gait()
    assert g["no"].tolist() == list(range(1, 24))
    first = {k: (v[0] if k == "gender" else float(v[0])) for k, v in g.items()}
    assert first == {"no": 1, "age": 70, "t1": 1.76, "t2": 2.64, "t3": 6.24, "t4": 7.02, "t5": 10,
                     "t6": 12.8, "time": 11, "step_frequency": 2.285, "n1": 80, "n2": 120, "n3": 282,
                     "n4": 317, "n5": 453, "n6": 575, "px": 11.67, "py": 1.809, "pz": -1.99, "steps": 13,
                     "gender": "F", "tug": 11, "y1": 0, "bbs": 26, "y2": 0}
    r7 = 6
    assert (g["gender"][r7], g["tug"][r7], g["y1"][r7], g["bbs"][r7], g["y2"][r7]) == ("M", 16, 1, 18, 1)
    assert g["pz"][7] == 4.594                                   # row 8, kept as printed
    assert (g["age"][22], g["tug"][18], g["bbs"][18]) == (109, 29, 10)
    assert set(g["gender"]) == {"F", "M"}


def test_load_gait_labels_are_thresholds():
    """In every row of the gait table, y1 = (tug >= 14) and y2 = (bbs <= 22).

    Concept: data.gait.
    """
    g = load_gait()
    np.testing.assert_array_equal(g["y1"], (g["tug"] >= 14).astype(float))
    np.testing.assert_array_equal(g["y2"], (g["bbs"] <= 22).astype(float))


def test_load_gait_missing_px():
    """load_gait: rows 6 and 7 have NaN px; missing="drop" removes them, missing="mean" fills them.

    Nothing else is missing; "drop" removes exactly those rows, "mean" fills them with the mean of the other 21
    and changes nothing else.

    Concept: data.gait.
    """
    g = load_gait()
    lost = np.isnan(g["px"])
    assert g["no"][lost].tolist() == [6, 7]
    assert not any(np.isnan(v).any() for k, v in g.items() if k not in ("px", "gender"))
    dropped = load_gait(missing="drop")
    assert dropped["no"].tolist() == [n for n in range(1, 24) if n not in (6, 7)]
    assert all(v.size == 21 for v in dropped.values()) and not np.isnan(dropped["px"]).any()
    np.testing.assert_array_equal(dropped["tug"], g["tug"][~lost])
    filled = load_gait(missing="mean")
    mean = g["px"][~lost].mean()
    np.testing.assert_allclose(filled["px"][lost], [mean, mean], rtol=1e-15)
    np.testing.assert_array_equal(filled["px"][~lost], g["px"][~lost])
    for k in g:
        if k != "px":
            np.testing.assert_array_equal(filled[k], g[k])


def test_load_gait_rejects_unknown_missing():
    """load_gait raises ValueError naming missing for an unknown policy."""
    with pytest.raises(ValueError, match=r"^load_gait: missing must be one of 'nan', 'drop', 'mean'"):
        load_gait(missing="zero")


# -- synthetic views --------------------------------------------------------------------------------
def test_synthetic_views_reproducible_from_seed():
    """synthetic_views gives the same series for the same seed and a different one for another seed."""
    a = synthetic_views(np.random.default_rng(7))
    b = synthetic_views(np.random.default_rng(7))
    c = synthetic_views(np.random.default_rng(8))
    np.testing.assert_array_equal(a["views"], b["views"])
    np.testing.assert_array_equal(a["date"], b["date"])
    assert not np.array_equal(a["views"], c["views"])


def test_synthetic_views_shape_as_documented():
    """synthetic_views covers start..end daily with whole, positive, growing counts of a few thousand."""
    s = synthetic_views(np.random.default_rng(0))
    assert s["date"][0] == np.datetime64("2017-01-01") and s["date"][-1] == np.datetime64("2021-12-31")
    assert s["date"].size == (dt.date(2021, 12, 31) - dt.date(2017, 1, 1)).days + 1
    assert np.all(np.diff(s["date"]) == np.timedelta64(1, "D"))
    v = s["views"]
    assert v.dtype == np.float64 and v.shape == s["date"].shape
    assert np.all(v == np.round(v)) and np.all(v > 0)
    assert 1000 < np.median(v) < 10000
    assert v[-365:].mean() > v[:365].mean()
    short = synthetic_views(np.random.default_rng(0), start="2021-02-01", end="2021-02-28")
    assert short["date"].size == 28


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synthetic_views_weekly_dip_on_friday_and_saturday(seed):
    """synthetic_views dips on Friday and Saturday, as the slide's 2021 table does.

    Averaged by weekday (taken from the calendar), Friday and Saturday are the two lowest days.

    Concept: data.views.
    """
    s = synthetic_views(np.random.default_rng(seed))
    weekday = np.array([d.weekday() for d in s["date"].astype(dt.date)])        # Monday = 0
    means = [s["views"][weekday == k].mean() for k in range(7)]
    assert set(np.argsort(means)[:2]) == {4, 5}


def test_synthetic_views_rejects_bad_arguments():
    """synthetic_views raises ValueError for a non-Generator rng and for end before start."""
    with pytest.raises(ValueError, match=r"^synthetic_views: rng must be a numpy.random.Generator"):
        synthetic_views(42)
    with pytest.raises(ValueError, match=r"^synthetic_views: end must not be before start"):
        synthetic_views(np.random.default_rng(0), start="2021-01-02", end="2021-01-01")


# -- features, splits, epochs ---------------------------------------------------------------------
@given(T=st.integers(2, 40), data=st.data())
def test_lag_features_alignment(T, data):
    """lag_features: x[n, j - 1] is the value j days before day n + days, y_hat[n] that day.

    x[:, 0] is the slide's x1, the day before.
    """
    days = data.draw(st.integers(1, T - 1))
    series = np.arange(T, dtype=np.float64) * 10 + 1
    x, y_hat = lag_features(series, days)
    assert x.shape == (T - days, days) and y_hat.shape == (T - days,)
    for n in range(T - days):
        assert y_hat[n] == series[n + days]
        for j in range(1, days + 1):
            assert x[n, j - 1] == series[n + days - j]


def test_lag_features_on_views():
    """lag_features(views, 1) pairs each day of the 2021 table with the day before (x1 = 4772 -> 3847)."""
    views = load_views(2021)["views"]
    x, y_hat = lag_features(views, 1)
    np.testing.assert_array_equal(x[:, 0], views[:-1])
    np.testing.assert_array_equal(y_hat, views[1:])
    assert (x[-2, 0], y_hat[-2]) == (4772, 3847)


def test_lag_features_rejects_bad_arguments():
    """lag_features raises ValueError naming series (not 1-D) or days (not in 1 .. T - 1)."""
    with pytest.raises(ValueError, match=r"^lag_features: series must be \(T,\)"):
        lag_features(np.ones((3, 2)), 1)
    with pytest.raises(ValueError, match=r"^lag_features: days must be"):
        lag_features(np.ones(3), 3)
    with pytest.raises(ValueError, match=r"^lag_features: days must be an integer >= 1"):
        lag_features(np.ones(3), 0)


@st.composite
def _fractions(draw):
    k = draw(st.integers(1, 4))
    raw = draw(st.lists(st.integers(1, 20), min_size=k, max_size=k))
    return tuple(r / sum(raw) for r in raw)


@given(n=st.integers(4, 200), fractions=_fractions(), seed=st.one_of(st.none(), st.integers(0, 2**32 - 1)))
def test_split_indices_partitions(n, fractions, seed):
    """split_indices partitions range(n) into non-empty parts of the requested fractions.

    Each part is within one of fraction * n, plus what the rule "every part gets at least one" lends to
    parts smaller than one (sum of max(0, 1 - fraction * n)); in order without rng, shuffled reproducibly
    with it.

    Concept: data.split.
    """
    rng = None if seed is None else np.random.default_rng(seed)
    parts = split_indices(n, fractions, rng)
    assert len(parts) == len(fractions) and all(p.size >= 1 for p in parts)
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(n))
    lent = sum(max(0.0, 1 - f * n) for f in fractions)
    for p, f in zip(parts, fractions):
        assert abs(p.size - f * n) < 1 + lent + 1e-9
    if seed is None:
        np.testing.assert_array_equal(np.concatenate(parts), np.arange(n))
    else:
        again = split_indices(n, fractions, np.random.default_rng(seed))
        assert all(np.array_equal(a, b) for a, b in zip(parts, again))


def test_split_indices_rejects_bad_arguments():
    """split_indices raises ValueError naming fractions (not positive / not summing to 1), n (too small) or rng."""
    with pytest.raises(ValueError, match=r"^split_indices: fractions must be positive and sum to 1"):
        split_indices(10, (0.5, 0.4))
    with pytest.raises(ValueError, match=r"^split_indices: fractions must be positive"):
        split_indices(10, (1.5, -0.5))
    with pytest.raises(ValueError, match=r"^split_indices: n must be at least 3"):
        split_indices(2)
    with pytest.raises(ValueError, match=r"^split_indices: rng must be"):
        split_indices(10, rng=3)


def test_chronological_split_before_and_after():
    """chronological_split puts the days before the boundary first and the rest after, none lost.

    Concept: data.split.
    """
    dates = load_views(2021)["date"]
    before, after = chronological_split(dates, "2021-02-01")
    assert np.all(dates[before] < np.datetime64("2021-02-01")) and np.all(dates[after] >= np.datetime64("2021-02-01"))
    assert before.size == 6 and after.size == 10
    np.testing.assert_array_equal(np.concatenate([before, after]), np.arange(16))


@given(n=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
def test_epoch_order_is_reproducible_permutation(n, seed):
    """epoch_order(n, rng) is an int64 permutation of range(n), the same for the same seed; without rng, 0..n-1."""
    order = epoch_order(n, np.random.default_rng(seed))
    assert order.dtype == np.int64 and order.shape == (n,)
    np.testing.assert_array_equal(np.sort(order), np.arange(n))
    np.testing.assert_array_equal(order, epoch_order(n, np.random.default_rng(seed)))
    np.testing.assert_array_equal(epoch_order(n), np.arange(n))
    assert epoch_order(n).dtype == np.int64


def test_epoch_order_shuffles():
    """epoch_order with an rng actually shuffles (two epochs of one generator differ), as 004 "Shuffle" asks.

    Concept: batch.epoch.
    """
    rng = np.random.default_rng(0)
    first, second = epoch_order(50, rng), epoch_order(50, rng)
    assert not np.array_equal(first, np.arange(50)) and not np.array_equal(first, second)


def test_epoch_order_rejects_bad_arguments():
    """epoch_order raises ValueError naming n (< 1) or rng (not a Generator)."""
    with pytest.raises(ValueError, match=r"^epoch_order: n must be an integer >= 1"):
        epoch_order(0)
    with pytest.raises(ValueError, match=r"^epoch_order: rng must be"):
        epoch_order(5, rng=np.random.RandomState(0))


@given(N=st.integers(1, 500), B=st.integers(1, 600), seed=st.integers(0, 100))
def test_batches_cover_the_epoch(N, B, seed):
    """batches(order, B) gives ceil(N / B) batches of B (the last maybe shorter) that concatenate to order."""
    order = np.random.default_rng(seed).permutation(N)
    parts = batches(order, B)
    assert len(parts) == math.ceil(N / B)
    assert all(p.size == B for p in parts[:-1]) and 1 <= parts[-1].size <= B
    np.testing.assert_array_equal(np.concatenate(parts), order)


def test_batches_rejects_bad_batch_size():
    """batches raises ValueError naming batch_size for 0 or a non-integer."""
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match=r"^batches: batch_size must be an integer >= 1"):
            batches(np.arange(5), bad)
