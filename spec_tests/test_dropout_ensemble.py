"""Dropout as an ensemble (``reference.training.dropout_ensemble_mean`` / ``dropout_scaled_forward``).

For a network with linear hidden units the test-time scaling is the average over all
2^M thinned networks exactly; for a sigmoid network it is not, and a sampled average
converges to the exact one. Host-side functions (NumPy only): no backend parameter.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference
from reference.data import dropout_mask
from reference.training import (ENSEMBLE_EXACT_MAX_UNITS, dropout_ensemble_mean, dropout_scaled_forward)

EPS = np.finfo(np.float64).eps


def _net(seed, widths, d=3, k=2):
    """A tiny random network: ``d`` inputs, hidden ``widths``, ``k`` outputs, Keras's (fan-in, fan-out) kernels."""
    rng = np.random.default_rng(seed)
    sizes = [d, *widths, k]
    layers = [(rng.normal(0, 1, size=(a, b)), rng.normal(0, 0.5, size=b)) for a, b in zip(sizes[:-1], sizes[1:])]
    return rng.normal(0, 1, size=(4, d)), layers


def _abs_bound(x, layers, scale):
    """A bound on |output| of every thinned network: |a| <= |a_prev| |W| + |b|, times the kept-unit scale."""
    a = np.abs(x)
    for W, b in layers[:-1]:
        a = (a @ np.abs(W) + np.abs(b)) * scale
    W, b = layers[-1]
    return a @ np.abs(W) + np.abs(b)


@given(seed=st.integers(0, 2 ** 16), widths=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       p=st.sampled_from([0.2, 0.5, 0.8]), inverted=st.booleans())
def test_linear_network_scaling_equals_average_over_all_masks(seed, widths, p, inverted):
    """Linear hidden units: the (1-p)-scaled network equals the probability-weighted mean over all 2^M masks.

    The tolerance: each thinned network's output is a few dot products, each accurate to
    about (fan-in + layers) eps times the bound on its absolute terms; the sum of 2^M
    weighted terms adds at most 2^M eps times the bound (the weights sum to 1).

    Concept: regularize.dropout_ensemble
    """
    x, layers = _net(seed, widths)
    exact = dropout_ensemble_mean(x, layers, p, activation="linear", output="linear", inverted=inverted)
    scaled = dropout_scaled_forward(x, layers, p, activation="linear", output="linear", inverted=inverted)
    scale = 1.0 / (1.0 - p) if inverted else 1.0
    ops = sum(W.shape[0] + 2 for W, _ in layers) + 2 ** sum(widths)
    assert np.all(np.abs(exact - scaled) <= 2 * ops * EPS * _abs_bound(x, layers, scale))


def test_exact_average_enumerates_the_thinned_networks_by_hand():
    """One hidden layer of 2 sigmoid units, p = 0.25: the four thinned networks written out and weighted.

    Concept: regularize.dropout_ensemble
    """
    x, layers = _net(3, [2])
    (W1, b1), (W2, b2) = layers
    h = 1.0 / (1.0 + np.exp(-(x @ W1 + b1)))
    p = 0.25
    want = 0.0
    for m in itertools.product([0.0, 1.0], repeat=2):
        weight = np.prod([(1 - p) if mi else p for mi in m])
        want = want + weight * ((h * np.array(m)) @ W2 + b2)
    got = dropout_ensemble_mean(x, layers, p, activation="sigmoid", output="linear")
    bound = _abs_bound(x, layers, 1.0) + np.abs(want)
    assert np.all(np.abs(got - want) <= 16 * EPS * bound)


def test_sigmoid_network_scaling_is_not_the_ensemble_average():
    """With sigmoid hidden units and a softmax output, the scaled network differs from the exact average.

    The two are compared far beyond rounding (1e-6): the equality of the linear case is a
    property of linearity, not of the enumeration.

    Concept: regularize.dropout_ensemble
    """
    x, layers = _net(5, [3, 3])
    exact = dropout_ensemble_mean(x, layers, 0.5, activation="sigmoid", output="softmax")
    scaled = dropout_scaled_forward(x, layers, 0.5, activation="sigmoid", output="softmax")
    assert np.max(np.abs(exact - scaled)) > 1e-6
    np.testing.assert_allclose(exact.sum(axis=1), 1.0, rtol=0, atol=64 * EPS)


@pytest.mark.parametrize("inverted", [False, True])
def test_sampled_average_converges_to_the_exact_one(inverted):
    """A sampled mean over S masks is within Hoeffding's bound of the exact mean (softmax outputs lie in [0, 1]).

    P(|mean - exact| > t) <= 2 exp(-2 S t^2) per entry; t is chosen so that this is 1e-9.

    Concept: regularize.dropout_ensemble
    """
    x, layers = _net(7, [3, 4])
    exact = dropout_ensemble_mean(x, layers, 0.5, activation="sigmoid", output="softmax", inverted=inverted)
    S = 4000
    sampled = dropout_ensemble_mean(x, layers, 0.5, activation="sigmoid", output="softmax", inverted=inverted,
                                    n_masks=S, rng=np.random.default_rng(0))
    t = np.sqrt(np.log(2 / 1e-9) / (2 * S))
    assert np.all(np.abs(sampled - exact) <= t)


def test_one_sampled_mask_is_the_network_thinned_by_dropout_forward():
    """n_masks=1 is the network whose hidden outputs pass reference.dropout_forward with the mask drawn from rng.

    Concept: regularize.dropout_ensemble
    """
    x, layers = _net(11, [3, 2])
    rng = np.random.default_rng(4)
    got = dropout_ensemble_mean(x, layers, 0.5, activation="relu", output="linear", inverted=True, n_masks=1,
                                rng=copy.deepcopy(rng))
    mask = dropout_mask(rng, 5, 0.5)
    a = x
    for (W, b), m in zip(layers[:-1], np.split(mask, [3])):
        a, _ = reference.dropout_forward(np.maximum(a @ W + b, 0.0), np.broadcast_to(m, (x.shape[0], m.size)).copy(),
                                         0.5, inverted=True)
    want = a @ layers[-1][0] + layers[-1][1]
    np.testing.assert_array_equal(got, want)


def test_sampling_is_reproducible_from_the_generator():
    """The same seed gives the same sampled mean; another seed another."""
    x, layers = _net(2, [4])
    a, b, c = (dropout_ensemble_mean(x, layers, 0.5, n_masks=8, rng=np.random.default_rng(s)) for s in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_scaled_forward_forms():
    """inverted=False scales each hidden output by 1-p; inverted=True is the network unchanged (p = 0 both)."""
    x, layers = _net(9, [3])
    (W1, b1), (W2, b2) = layers
    h = x @ W1 + b1
    np.testing.assert_array_equal(dropout_scaled_forward(x, layers, 0.5, activation="linear", output="linear",
                                                         inverted=True), h @ W2 + b2)
    np.testing.assert_array_equal(dropout_scaled_forward(x, layers, 0.5, activation="linear", output="linear"),
                                  (h * 0.5) @ W2 + b2)


def test_bad_input_names_function_argument_and_value():
    """Bad arguments raise ValueError naming the function, the argument, what was expected and what came."""
    x, layers = _net(0, [2])
    f = dropout_ensemble_mean
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: x must be a 2-D float32 or float64 ndarray"):
        f(x[0], layers, 0.5)
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: layers must be a list of two or more"):
        f(x, layers[:1], 0.5)
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: layers\[1\] must be W of shape \(2, H\)"):
        f(x, [layers[0], (np.ones((3, 2)), np.ones(2))], 0.5)
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: p must be a number in \[0, 1\); got 1.0"):
        f(x, layers, 1.0)
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: activation must be one of"):
        f(x, layers, 0.5, activation="tanh")
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: rng is for sampling masks"):
        f(x, layers, 0.5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: sampling n_masks masks needs rng"):
        f(x, layers, 0.5, n_masks=3)
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: n_masks must be an integer >= 1; got 0"):
        f(x, layers, 0.5, n_masks=0, rng=np.random.default_rng(0))
    big = _net(0, [ENSEMBLE_EXACT_MAX_UNITS + 1])
    with pytest.raises(ValueError, match=r"^dropout_ensemble_mean: the exact average enumerates 2\^M masks"):
        f(*big, 0.5)
    with pytest.raises(ValueError, match=r"^dropout_scaled_forward: inverted must be True or False; got 1"):
        dropout_scaled_forward(x, layers, 0.5, inverted=1)
    with pytest.raises(ValueError, match=r"^dropout_scaled_forward: output must be one of"):
        dropout_scaled_forward(x, layers, 0.5, output="sigmoid")
