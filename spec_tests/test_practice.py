"""Small initial weights (regularize.small_init): what ``RandomNormal(stddev=s)`` draws, and what it starts.

The practice tutorials (``tutorials/practice_*``) regularise by starting from small weights,
``Dense(..., kernel_initializer=RandomNormal(stddev=s))``. These tests check the claims of
its docstring: the draws have mean 0 and standard deviation ``s`` (to the sampling error of
the number of draws), a smaller ``stddev`` scales the very same draws down, and a ReLU
network with zero biases built from such kernels computes ``c**L`` times the function of the
network whose kernels are ``c`` times larger.
"""

from __future__ import annotations

import numpy as np
import pytest

from reference.keras import Activation, Dense, Sequential
from reference.keras.initializers import RandomNormal


@pytest.mark.parametrize("stddev", [1e-3, 0.05, 1.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_normal_draws_have_the_stated_spread(stddev, seed):
    """Concept: regularize.small_init.

    n = 64 × 64 draws: the sample mean has standard error s/√n and the sample standard
    deviation s/√(2n); five standard errors bound both (a chance of about 6e-7 each)."""
    w = RandomNormal(stddev=stddev)((64, 64), np.random.default_rng(seed), "float64")
    n = w.size
    assert abs(w.mean()) <= 5 * stddev / np.sqrt(n)
    assert abs(w.std() - stddev) <= 5 * stddev / np.sqrt(2 * n)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_smaller_stddev_scales_the_same_draws(dtype):
    """Concept: regularize.small_init.

    Each draw is stddev × a standard normal of the same Generator state: the draws of
    stddev 0.01 are those of stddev 1 times 0.01, exactly in float64 before the cast (one
    rounding of each to ``dtype`` afterwards: a relative difference of at most one unit
    roundoff of the dtype, twice)."""
    big = RandomNormal(stddev=1.0)((5, 7), np.random.default_rng(3), dtype)
    small = RandomNormal(stddev=0.01)((5, 7), np.random.default_rng(3), dtype)
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(small.astype(np.float64), 0.01 * big.astype(np.float64), rtol=2 * eps, atol=0)


def _relu_net(B, stddev, seed=4):
    m = Sequential(backend=B, seed=seed, dtype="float64")
    init = RandomNormal(stddev=stddev)
    m.add(Dense(16, input_dim=1, kernel_initializer=init))
    m.add(Activation("relu"))
    m.add(Dense(16, kernel_initializer=init))
    m.add(Activation("relu"))
    m.add(Dense(1, kernel_initializer=init))
    m.compile(loss="mse", optimizer="adam")
    return m


def test_small_initial_weights_start_a_flat_relu_network(B):
    """Concept: regularize.small_init.

    The same seed with stddev 0.1 and 1 gives kernels in the ratio 0.1; the biases start
    at 0, and ReLU is positively homogeneous, so the 3-layer network's output is 0.1³ =
    1e-3 times the other's, on every input, up to float64 rounding of the sums (16 terms:
    a few units of 2⁻⁵² relative to the largest output)."""
    x = np.linspace(-1.5, 1.5, 41).reshape(-1, 1)
    big = np.asarray(_relu_net(B, 1.0).predict(x), dtype=np.float64)
    small = np.asarray(_relu_net(B, 0.1).predict(x), dtype=np.float64)
    assert np.abs(big).max() > 0                               # a non-trivial function to compare
    scale = np.abs(big).max() * 1e-3
    np.testing.assert_allclose(small, 1e-3 * big, rtol=0, atol=64 * np.finfo(np.float64).eps * scale)
    assert np.ptp(small) < np.ptp(big)                          # the small start is the flatter function
