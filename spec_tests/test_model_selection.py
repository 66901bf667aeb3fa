"""Host-side helpers of model selection: k-fold splits, the early-stopping rule, noisy test inputs.

``reference.data.kfold_indices``, ``reference.training.early_stopping`` and
``reference.data.add_gaussian_noise`` (reference only: they are not primitives).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference.keras.callbacks as C
from reference.data import add_gaussian_noise, kfold_indices
from reference.training import StopPoint, early_stopping


# -- k-fold splits -------------------------------------------------------------------------------------
def test_kfold_indices_by_hand():
    """7 examples in 3 folds, in order: folds [0 1 2], [3 4], [5 6]; each split trains on the other two."""
    splits = kfold_indices(7, 3)
    assert [v.tolist() for _, v in splits] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [t.tolist() for t, _ in splits] == [[3, 4, 5, 6], [0, 1, 2, 5, 6], [0, 1, 2, 3, 4]]


@given(n=st.integers(2, 60), k=st.integers(2, 10), seed=st.one_of(st.none(), st.integers(0, 2**32 - 1)))
def test_kfold_indices_partition(n, k, seed):
    """k splits; the validation folds are disjoint, cover range(n) and differ in size by at most one;
    each training set is exactly the complement of its validation fold. Concept: generalize.cross_validation."""
    if n < k:
        with pytest.raises(ValueError, match=f"kfold_indices: n must be at least k = {k}"):
            kfold_indices(n, k)
        return
    rng = None if seed is None else np.random.default_rng(seed)
    splits = kfold_indices(n, k, rng=rng)
    assert len(splits) == k
    vals = [v for _, v in splits]
    assert all(np.issubdtype(v.dtype, np.integer) for v in vals)
    assert np.array_equal(np.sort(np.concatenate(vals)), np.arange(n))      # disjoint and covering
    sizes = [v.size for v in vals]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    for t, v in splits:
        assert t.size + v.size == n
        assert np.array_equal(np.sort(np.concatenate([t, v])), np.arange(n))


def test_kfold_indices_shuffles_with_rng_reproducibly():
    """The same seed gives the same folds; a shuffled first fold is not simply 0..n/k - 1 (for this seed)."""
    a = kfold_indices(20, 4, rng=np.random.default_rng(3))
    b = kfold_indices(20, 4, rng=np.random.default_rng(3))
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b))
    assert not np.array_equal(np.sort(a[0][1]), np.arange(5))


@pytest.mark.parametrize("args, kwargs, message", [
    ((5, 1), {}, "kfold_indices: k must be an integer >= 2; got 1"),
    ((5.0, 2), {}, "kfold_indices: n must be an integer >= 1; got 5.0"),
    ((3, 4), {}, "kfold_indices: n must be at least k = 4"),
    ((5, 2), {"rng": 0}, "kfold_indices: rng must be a numpy.random.Generator or None; got int"),
])
def test_kfold_indices_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        kfold_indices(*args, **kwargs)


# -- early stopping ------------------------------------------------------------------------------------
@pytest.mark.parametrize("losses, patience, min_delta, stop, best", [
    # the best is 0.8 at epoch 1; epochs 2 and 3 do not improve: the count reaches 2 at epoch 3
    ([1.0, 0.8, 0.9, 0.85, 0.7], 2, 0.0, 3, 1),
    # patience 0: the first epoch that does not improve stops training
    ([1.0, 0.8, 0.9, 0.7], 0, 0.0, 2, 1),
    # min_delta 0.1: 0.95 and 0.91 are not below 1.0 - 0.1, so epochs 1 and 2 count
    ([1.0, 0.95, 0.91, 0.85], 2, 0.1, 2, 0),
    # the validation loss of the slide's picture: falls, then rises; patience 3 stops three epochs after the minimum
    ([5.0, 3.0, 2.0, 1.5, 1.6, 1.8, 2.1, 2.5], 3, 0.0, 6, 3),
    # a steady improvement never stops
    ([4.0, 3.0, 2.0, 1.0], 1, 0.0, None, 3),
])
def test_early_stopping_by_hand(losses, patience, min_delta, stop, best):
    """Hand-worked curves: where training stops and which epoch's model is kept. Concept: regularize.early_stop."""
    got = early_stopping(losses, patience, min_delta)
    assert got == StopPoint(stop, best)
    stop_epoch, best_epoch = got                      # unpacks as the pair the slide's study needs
    assert (stop_epoch, best_epoch) == (stop, best)


@given(st.lists(st.floats(0.0, 10.0), min_size=1, max_size=30), st.integers(0, 5), st.sampled_from([0.0, 0.05, 0.5]))
def test_early_stopping_is_the_callbacks_rule(losses, patience, min_delta):
    """One rule: the public function agrees with the model layer's EarlyStopping rule on every curve,
    the best epoch holds the minimum of the curve up to the stop, and the stop comes at least
    patience epochs after it."""
    got = early_stopping(losses, patience, min_delta)
    keras = C._early_stopping(losses, patience, min_delta)
    assert (got.stop_epoch, got.best_epoch) == (keras.stopped_epoch, keras.best_epoch)
    end = len(losses) if got.stop_epoch is None else got.stop_epoch + 1
    if min_delta == 0.0:
        assert losses[got.best_epoch] == min(losses[:end])
    if got.stop_epoch is not None:
        assert got.stop_epoch - got.best_epoch >= max(patience, 1)


@pytest.mark.parametrize("args, message", [
    (([], 1), "early_stopping: val_losses must hold at least one value; got an empty sequence"),
    (([1.0, "x"], 1), "early_stopping: val_losses[1] must be a real number; got 'x'"),
    ((1.0, 1), "early_stopping: val_losses must be a sequence of numbers; got float"),
    (([1.0], -1), "early_stopping: patience must be an integer >= 0; got -1"),
    (([1.0], 1, -0.1), "early_stopping: min_delta must be a number >= 0; got -0.1"),
])
def test_early_stopping_bad_input(args, message):
    with pytest.raises(ValueError) as info:
        early_stopping(*args)
    assert str(info.value) == message


# -- noisy inputs --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_add_gaussian_noise_statistics_and_purity(dtype):
    """The noise has mean 0 and the given standard deviation (within 5 standard errors over 40,000 draws),
    keeps x's shape and dtype, changes no input, and is reproducible from the seed. Concept: data.augment."""
    x = np.linspace(-1, 1, 40_000, dtype=dtype).reshape(200, 2, 10, 10)
    before = x.copy()
    noisy = add_gaussian_noise(x, 0.3, np.random.default_rng(7))
    assert noisy.shape == x.shape and noisy.dtype == x.dtype
    assert np.array_equal(x, before)
    eps = (noisy.astype(np.float64) - x).ravel()
    n = eps.size
    assert abs(eps.mean()) < 5 * 0.3 / np.sqrt(n)
    assert abs(eps.std() - 0.3) < 5 * 0.3 / np.sqrt(2 * n)
    assert np.array_equal(noisy, add_gaussian_noise(x, 0.3, np.random.default_rng(7)))
    assert not np.array_equal(noisy, add_gaussian_noise(x, 0.3, np.random.default_rng(8)))


def test_add_gaussian_noise_zero_stddev_is_a_copy():
    x = np.array([1.0, -2.0, 3.5])
    out = add_gaussian_noise(x, 0.0, np.random.default_rng(0))
    assert np.array_equal(out, x) and out is not x


@pytest.mark.parametrize("args, message", [
    ((np.ones(3), -0.1, np.random.default_rng(0)), "add_gaussian_noise: stddev must be a number >= 0; got -0.1"),
    ((np.ones(3), 0.1, 0), "add_gaussian_noise: rng must be a numpy.random.Generator; got int"),
    ((np.arange(3), 0.1, np.random.default_rng(0)),
     "add_gaussian_noise: x must be a float32 or float64 array; got int64"),
    ((np.zeros((2, 0)), 0.1, np.random.default_rng(0)), "add_gaussian_noise: x must not be empty; got (2, 0)"),
])
def test_add_gaussian_noise_bad_input(args, message):
    with pytest.raises(ValueError) as info:
        add_gaussian_noise(*args)
    assert str(info.value) == message
