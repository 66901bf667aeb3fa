r"""Noise added to inputs: the "noisy test inputs" of the recipe's answer to overfitting.

``003`` "Panacea for Overfitting" lists, beside more training data, adding noise to
inputs; :func:`add_gaussian_noise` perturbs a batch with i.i.d. Gaussian noise, so a
study can measure how a trained model's error grows with the noise's standard
deviation (Keras's ``GaussianNoise`` layer adds the same noise during training).
"""

from __future__ import annotations

import numpy as np

from .. import _check


def add_gaussian_noise(x, stddev, rng):
    r"""``x`` plus independent Gaussian noise of standard deviation ``stddev`` on every entry.

    .. math::

        \tilde x = x + \varepsilon, \qquad \varepsilon_{\ldots} \sim \mathcal N(0, \sigma^2)

    Pure: ``x`` is not changed; the noise is drawn from ``rng`` in ``x``'s dtype (drawn
    in float64 and rounded), and ``stddev = 0`` gives back a copy of ``x``.

    Concept: data.augment

    Slides: 003 "Panacea for Overfitting" (noisy inputs), "Why Overfitting?".

    Parameters
    ----------
    x : ndarray of any shape, float32 or float64 — the inputs (images, features)
    stddev : float >= 0 — :math:`\sigma`
    rng : numpy.random.Generator

    Returns
    -------
    ndarray — ``x``'s shape and dtype
    """
    x = _check.arrays("add_gaussian_noise", x=(x, "..."))
    if _check._is_device_array(x):
        raise ValueError("add_gaussian_noise: x must be a host array (numpy.ndarray); got a device array")
    stddev = _check.nonnegative("add_gaussian_noise", "stddev", stddev)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"add_gaussian_noise: rng must be a numpy.random.Generator; got {type(rng).__name__}")
    noise = rng.normal(0.0, stddev, size=x.shape) if stddev > 0 else np.zeros(x.shape)
    return (x + noise.astype(x.dtype)).astype(x.dtype, copy=False)
