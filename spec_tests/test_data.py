"""Data: the slides' tables, the synthetic views, splits, epochs, batches, 1-of-N, digits and IDX files (``reference.data``)."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.data import (batches, chronological_split, epoch_order, lag_features, load_digits, load_gait,
                            load_mnist, load_views, onehot, read_idx, split_indices, synthetic_views,
                            synthetic_documents, REUTERS_SHAPE,
                            word_hashing)


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


# -- 1-of-N encoding ----------------------------------------------------------------------------------
def test_onehot_integer_labels():
    """onehot(labels, 10) puts one 1 in each row, in the label's column (003: the digit 3 is [0 0 0 1 0 ...]).

    Concept: data.onehot.
    """
    y = onehot([3, 0, 9, 3], 10)
    assert y.shape == (4, 10) and y.dtype == np.float64
    np.testing.assert_array_equal(y, np.eye(10)[[3, 0, 9, 3]])
    np.testing.assert_array_equal(onehot(np.array([[1], [2]], dtype=np.int32), 3), np.eye(3)[[1, 2]])
    assert onehot([1], 2, dtype=np.float32).dtype == np.float32


@given(labels=st.lists(st.integers(0, 11), min_size=1, max_size=40))
def test_onehot_rows_sum_to_one_and_argmax_is_label(labels):
    """onehot: every row sums to 1 and its argmax is the label, for any integer labels."""
    y = onehot(labels, 12)
    np.testing.assert_array_equal(y.sum(axis=1), np.ones(len(labels)))
    np.testing.assert_array_equal(y.argmax(axis=1), labels)
    assert set(np.unique(y)) <= {0.0, 1.0}


def test_onehot_names_with_other():
    """onehot with a lexicon: names map to their dimension; other=True adds the last "other" dimension.

    The slide's lexicon (003 "1-of-N encoding", "Beyond 1-of-N encoding"): apple = [1 0 0 0 0], bag = [0 1 0 0 0];
    a word outside the lexicon goes to "other".

    Concept: data.onehot.
    """
    lexicon = ["apple", "bag", "cat", "dog", "elephant"]
    np.testing.assert_array_equal(onehot(["apple", "bag", "elephant"], lexicon), np.eye(5)[[0, 1, 4]])
    y = onehot(["cat", "dog", "zebra", "apple"], lexicon, other=True)
    assert y.shape == (4, 6)
    np.testing.assert_array_equal(y, np.eye(6)[[2, 3, 5, 0]])
    y = onehot([0, 7, 2, -1], 3, other=True)                        # integer labels outside 0..2 are "other"
    np.testing.assert_array_equal(y, np.eye(4)[[0, 3, 2, 3]])
    np.testing.assert_array_equal(onehot([1], 3, other=True), [[0, 1, 0, 0]])   # the dimension is always there


def test_onehot_rejects_unknown_labels_and_bad_arguments():
    """onehot raises ValueError naming the argument: unknown labels (without other), wrong types, bad dtype."""
    with pytest.raises(ValueError, match=r"^onehot: labels must be 0\.\.2 \(or pass other=True\); got 3 at position 1"):
        onehot([0, 3], 3)
    with pytest.raises(ValueError, match=r"^onehot: labels must be 0\.\.2 .*got -1 at position 0"):
        onehot([-1], 3)
    with pytest.raises(ValueError, match=r"^onehot: labels must be one of the 2 classes .*got 'zebra' at position 2"):
        onehot(["a", "b", "zebra"], ["a", "b"])
    with pytest.raises(ValueError, match=r"^onehot: labels must be integer classes 0\.\.2"):
        onehot([0, 1.5], 3)
    with pytest.raises(ValueError, match=r"^onehot: labels must be integer classes"):
        onehot([True], 3)
    with pytest.raises(ValueError, match=r"^onehot: labels must be a sequence of labels"):
        onehot("cat", ["cat", "dog"])
    with pytest.raises(ValueError, match=r"^onehot: labels must not be empty"):
        onehot([], 3)
    with pytest.raises(ValueError, match=r"^onehot: classes must be an integer >= 1; got 0"):
        onehot([0], 0)
    with pytest.raises(ValueError, match=r"^onehot: classes must be an int or a sequence of names"):
        onehot([0], 2.0)
    with pytest.raises(ValueError, match=r"^onehot: classes must be an int or a sequence of names"):
        onehot(["c"], "cat")
    with pytest.raises(ValueError, match=r"^onehot: classes must be distinct"):
        onehot(["a"], ["a", "b", "a"])
    with pytest.raises(ValueError, match=r"^onehot: dtype must be float32 or float64; got int64"):
        onehot([0], 2, dtype=np.int64)


# -- the digits -------------------------------------------------------------------------------------
def test_load_digits_shapes_and_range():
    """load_digits: 1,347 training and 450 test images of 64 inputs in [0, 1], int64 labels 0..9.

    Ink 1, no ink 0: each pixel is scikit-learn's darkness 0..16 divided by 16 (002 "Example Application").

    Concept: data.digits.
    """
    (x_tr, y_tr), (x_te, y_te) = load_digits()
    assert x_tr.shape == (1347, 64) and x_te.shape == (450, 64)
    assert y_tr.shape == (1347,) and y_te.shape == (450,)
    assert x_tr.dtype == np.float64 and y_tr.dtype == np.int64 and y_te.dtype == np.int64
    for x in (x_tr, x_te):
        assert x.min() == 0.0 and x.max() == 1.0
        np.testing.assert_array_equal(x * 16, np.round(x * 16))             # sixteenths: pixel / 16
    assert set(np.unique(y_tr)) == set(range(10)) == set(np.unique(y_te))
    x32 = load_digits(dtype=np.float32)[0][0]
    assert x32.dtype == np.float32
    np.testing.assert_array_equal(x32, x_tr.astype(np.float32))


def test_load_digits_stratified_split():
    """load_digits splits every class in proportion: each digit sends round(count / 4) of its images to the test set.

    Training and test sets together are exactly scikit-learn's 1,797 images (a disjoint split).

    Concept: data.digits, data.split.
    """
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    per_class = np.bincount(bunch.target, minlength=10)
    (x_tr, y_tr), (x_te, y_te) = load_digits()
    want_test = np.round(per_class * 0.25).astype(int)
    np.testing.assert_array_equal(np.bincount(y_te, minlength=10), want_test)
    np.testing.assert_array_equal(np.bincount(y_tr, minlength=10), per_class - want_test)
    # disjoint and complete: the images of both sets, with their labels, are the bundle's rows
    assert _rows(np.vstack([x_tr, x_te]) * 16, np.concatenate([y_tr, y_te])) == _rows(bunch.data, bunch.target)
    (_, y_tr2), (_, y_te2) = load_digits(test_fraction=0.5)
    np.testing.assert_array_equal(np.bincount(y_te2, minlength=10), np.round(per_class * 0.5).astype(int))


def _rows(pixels, labels):
    """The (image, label) rows as a sorted list: a multiset, so a split is disjoint and complete exactly when
    its two sets' rows together equal the bundle's."""
    return sorted(map(tuple, np.column_stack([pixels, labels]).tolist()))


def test_load_digits_same_seed_same_split_other_seed_other_split():
    """load_digits: the same seed gives the same split; another seed another; each split is disjoint and complete.

    Concept: data.split.
    """
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    (a_tr, ay_tr), (a_te, ay_te) = load_digits(seed=0)
    (b_tr, by_tr), (b_te, by_te) = load_digits(seed=0)
    (c_tr, cy_tr), (c_te, cy_te) = load_digits(seed=1)
    np.testing.assert_array_equal(a_tr, b_tr)
    np.testing.assert_array_equal(a_te, b_te)
    np.testing.assert_array_equal(ay_te, by_te)
    assert not np.array_equal(a_te, c_te)
    np.testing.assert_array_equal(np.bincount(ay_te), np.bincount(cy_te))     # the same sizes, other images
    for tr, ytr, te, yte in ((a_tr, ay_tr, a_te, ay_te), (c_tr, cy_tr, c_te, cy_te)):
        assert _rows(np.vstack([tr, te]) * 16, np.concatenate([ytr, yte])) == _rows(bunch.data, bunch.target)


def test_load_digits_rejects_bad_arguments():
    """load_digits raises ValueError naming test_fraction (outside (0, 1)) or dtype (not float)."""
    for bad in (0, 1, 1.5, -0.1, "0.25", True):
        with pytest.raises(ValueError, match=r"^load_digits: test_fraction must be a number in \(0, 1\)"):
            load_digits(test_fraction=bad)
    with pytest.raises(ValueError, match=r"^load_digits: dtype must be float32 or float64"):
        load_digits(dtype=np.int32)


# -- IDX files (MNIST's format), written here: nothing is downloaded ------------------------------------
def _idx_bytes(array, code=0x08):
    """An IDX file's bytes: 0, 0, the type code, the rank, each dimension as a big-endian uint32, the values."""
    array = np.asarray(array)
    head = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return head + array.astype({0x08: ">u1", 0x0B: ">i2", 0x0D: ">f4"}[code]).tobytes()


def _write(path, data, gz=False):
    import gzip

    if gz:
        with gzip.open(path, "wb") as f:
            f.write(data)
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_round_trip(tmp_path, gz):
    """read_idx reads back what an IDX file holds: 3-d uint8 images and 1-d labels, raw and gzip-compressed.

    Concept: data.digits.
    """
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 4, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, size=5).astype(np.uint8)
    suffix = ".gz" if gz else ""
    got_images = read_idx(_write(tmp_path / f"img{suffix}", _idx_bytes(images), gz))
    got_labels = read_idx(str(_write(tmp_path / f"lab{suffix}", _idx_bytes(labels), gz)))
    assert got_images.shape == (5, 4, 3) and got_images.dtype == np.uint8
    np.testing.assert_array_equal(got_images, images)
    assert got_labels.shape == (5,)
    np.testing.assert_array_equal(got_labels, labels)
    shorts = np.array([[-3, 1000], [7, -32768]], dtype=np.int16)         # another type code, native order out
    got = read_idx(_write(tmp_path / "short", _idx_bytes(shorts, 0x0B)))
    np.testing.assert_array_equal(got, shorts)
    assert got.dtype.isnative


def test_read_idx_errors_name_the_file(tmp_path):
    """read_idx: a bad magic number, a truncated file (header or data) and a missing file each raise an error naming it."""
    good = _idx_bytes(np.arange(6, dtype=np.uint8).reshape(2, 3))
    bad_magic = _write(tmp_path / "bad-magic", b"\x01\x02" + good[2:])
    with pytest.raises(ValueError, match=r"^read_idx: .*bad-magic is not an IDX file: its magic number"):
        read_idx(bad_magic)
    short = _write(tmp_path / "short-data", good[:-1])
    with pytest.raises(ValueError, match=r"^read_idx: .*short-data is truncated"):
        read_idx(short)
    short_gz = _write(tmp_path / "short-data.gz", good[:-2], gz=True)
    with pytest.raises(ValueError, match=r"^read_idx: .*short-data\.gz is truncated"):
        read_idx(short_gz)
    short_head = _write(tmp_path / "short-head", good[:6])
    with pytest.raises(ValueError, match=r"^read_idx: .*short-head is truncated: its header needs 12 bytes; got 6"):
        read_idx(short_head)
    with pytest.raises(FileNotFoundError, match="no-such-file"):
        read_idx(tmp_path / "no-such-file")


def _mnist_dir(path, gz, n_train=6, n_test=4):
    rng = np.random.default_rng(1)
    files = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n).astype(np.uint8)
        suffix = ".gz" if gz else ""
        _write(path / f"{split}-images-idx3-ubyte{suffix}", _idx_bytes(images), gz)
        _write(path / f"{split}-labels-idx1-ubyte{suffix}", _idx_bytes(labels), gz)
        files[split] = (images, labels)
    return files


@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_reads_the_four_files(tmp_path, gz):
    """load_mnist: (N, 784) images in [0, 1] (value / 255) and int64 labels from the four IDX files, raw or .gz.

    Concept: data.digits.
    """
    files = _mnist_dir(tmp_path, gz)
    (x_tr, y_tr), (x_te, y_te) = load_mnist(tmp_path)
    for (x, y), (images, labels) in (((x_tr, y_tr), files["train"]), ((x_te, y_te), files["t10k"])):
        assert x.shape == (images.shape[0], 784) and x.dtype == np.float32
        assert y.dtype == np.int64
        np.testing.assert_array_equal(y, labels)
        np.testing.assert_array_equal(x, (images.astype(np.float32) / np.float32(255)).reshape(-1, 784))
        assert x.min() >= 0 and x.max() <= 1
    (x3, _), _ = load_mnist(str(tmp_path), dtype=np.float64, flatten=False)
    assert x3.shape == (6, 28, 28) and x3.dtype == np.float64
    np.testing.assert_array_equal(x3, files["train"][0] / 255.0)


def test_load_mnist_errors_name_the_file(tmp_path):
    """load_mnist: a missing file, a bad magic number or a truncated file raise an error naming the file."""
    _mnist_dir(tmp_path, gz=False)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match=r"t10k-labels-idx1-ubyte"):
        load_mnist(tmp_path)
    _write(tmp_path / "t10k-labels-idx1-ubyte", b"\x00\x00\x99\x01" + np.array([4], ">u4").tobytes() + bytes(4))
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte is not an IDX file"):
        load_mnist(tmp_path)
    _write(tmp_path / "t10k-labels-idx1-ubyte", _idx_bytes(np.zeros(4, np.uint8))[:-1])
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte is truncated"):
        load_mnist(tmp_path)
    _write(tmp_path / "t10k-labels-idx1-ubyte", _idx_bytes(np.zeros(3, np.uint8)))     # 4 images, 3 labels
    with pytest.raises(ValueError, match=r"^load_mnist: the test files disagree"):
        load_mnist(tmp_path)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_mnist(tmp_path / "nowhere")


def test_word_hashing_counts_letter_trigrams():
    """word_hashing: "apple" has the trigrams app, ppl, ple, a 1 in each of their 26^3 dimensions (003 "Beyond 1-of-N").

    Case is ignored, other characters split a word, a repeated trigram counts twice, a word shorter than 3 letters
    is all zeros.

    Concept: data.onehot.
    """
    def index(t):
        i, j, k = (ord(c) - ord("a") for c in t)
        return 676 * i + 26 * j + k

    v = word_hashing(["apple", "ApPle", "aaaa", "a-bc", "ab"])
    assert v.shape == (5, 26 ** 3) and v.dtype == np.float64
    want = np.zeros(26 ** 3)
    want[[index("app"), index("ppl"), index("ple")]] = 1
    np.testing.assert_array_equal(v[0], want)
    np.testing.assert_array_equal(v[1], want)
    assert v[2, index("aaa")] == 2 and v[2].sum() == 2
    assert v[3].sum() == 0 and v[4].sum() == 0
    assert word_hashing(["cat"], dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match=r"^word_hashing: words must be a sequence of words"):
        word_hashing("apple")
    with pytest.raises(ValueError, match=r"^word_hashing: words must be strings; got 3 at position 1"):
        word_hashing(["apple", 3])


# -- synthetic documents --------------------------------------------------------------------------
def test_synthetic_documents_shape_as_documented():
    """synthetic_documents: the slide's 8,982 + 2,246 documents by default, word indices 1..vocabulary, 46 topics.

    Concept: data.onehot
    """
    seqs, labels = synthetic_documents(np.random.default_rng(0))
    assert len(seqs) == REUTERS_SHAPE["train"] + REUTERS_SHAPE["test"] == labels.shape[0]
    assert labels.dtype == np.int64 and labels.min() >= 0 and labels.max() < 46
    assert set(np.unique(labels)) == set(range(46))          # every topic occurs in 11,228 documents
    words = np.concatenate([np.asarray(s) for s in seqs])
    assert words.min() >= 1 and words.max() <= 10_000
    lengths = np.array([len(s) for s in seqs])
    assert lengths.min() >= 5
    # The mean length of 11,228 log-normal draws (sigma 0.75: sd of a draw about 0.82 x mean) is
    # within 5 standard errors of the documented mean 145.
    assert abs(lengths.mean() - 145) < 5 * 0.82 * 145 / np.sqrt(lengths.size)
    # Zipf: index 1 is the most frequent word overall, and the largest topic is topic 0.
    counts = np.bincount(words)
    assert np.argmax(counts) == 1
    assert np.argmax(np.bincount(labels)) == 0


def test_synthetic_documents_topics_carry_their_words():
    """A topic's documents use its own words more than other topics' documents do: the label is learnable.

    With topic_share=1 every word is a topic word, so two documents of different topics
    share a word only where their topics' word sets overlap; with topic_share small the
    words follow the background, and the topic's most frequent word is rarer.
    """
    seqs, labels = synthetic_documents(np.random.default_rng(1), 400, n_topics=4, topic_share=1.0,
                                       words_per_topic=5, vocabulary=1000)
    sets = [set().union(*(set(s) for s, lab in zip(seqs, labels) if lab == k)) for k in range(4)]
    assert all(len(s) <= 5 for s in sets)                     # only the topic's 5 words
    seqs, labels = synthetic_documents(np.random.default_rng(1), 2000, n_topics=2, topic_share=0.3)
    by_topic = [np.bincount(np.concatenate([s for s, lab in zip(seqs, labels) if lab == k]), minlength=10_001)
                for k in range(2)]
    freq = [b / b.sum() for b in by_topic]
    top0 = np.argsort(-(freq[0] - freq[1]))[:5]
    assert np.all(freq[0][top0] > freq[1][top0])


def test_synthetic_documents_reproducible_and_rejects_bad_arguments():
    """The same seed gives the same corpus; bad arguments raise ValueError naming the argument."""
    a = synthetic_documents(np.random.default_rng(3), 50)
    b = synthetic_documents(np.random.default_rng(3), 50)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])
    with pytest.raises(ValueError, match=r"^synthetic_documents: rng must be a numpy.random.Generator"):
        synthetic_documents(3)
    with pytest.raises(ValueError, match=r"^synthetic_documents: n_docs must be an integer >= 1; got 0"):
        synthetic_documents(np.random.default_rng(0), 0)
    with pytest.raises(ValueError, match=r"^synthetic_documents: n_topics must be an integer >= 2; got 1"):
        synthetic_documents(np.random.default_rng(0), 5, n_topics=1)
    with pytest.raises(ValueError, match=r"^synthetic_documents: vocabulary must be an integer >= 40; got 10"):
        synthetic_documents(np.random.default_rng(0), 5, vocabulary=10)
    with pytest.raises(ValueError, match=r"^synthetic_documents: topic_share must be a number in \(0, 1\]"):
        synthetic_documents(np.random.default_rng(0), 5, topic_share=0)
    with pytest.raises(ValueError, match=r"^synthetic_documents: mean_length must be a finite number > 5"):
        synthetic_documents(np.random.default_rng(0), 5, mean_length=3)
