r"""Random draws made on the host and handed to the primitives as data: dropout masks, the noise
added to inputs (the "noisy test inputs" of the recipe's answer to overfitting), and the shifts
and rotations that create new training images.

:func:`dropout_mask` draws the mask that :func:`~reference.regularize.dropout_forward`
applies (every backend takes it as data, so all of them apply the very same mask);
:func:`annealed_dropout_rate` is the rate of annealed dropout, falling with the epoch.

``003`` "Panacea for Overfitting" lists, beside more training data, adding noise to
inputs; :func:`add_gaussian_noise` perturbs a batch with i.i.d. Gaussian noise, so a
study can measure how a trained model's error grows with the noise's standard
deviation (Keras's ``GaussianNoise`` layer adds the same noise during training).

The same slide creates training data by shifting and rotating the images (15°):
:func:`random_transforms` draws one angle and one shift per image, which
:func:`~reference.augment.transform_images` applies on any backend.
"""

from __future__ import annotations

import numbers

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


def dropout_mask(rng, shape, p, dtype=np.float64):
    r"""Draw a dropout mask: 1 for a kept unit (probability :math:`1 - p`), 0 for a dropped one.

    .. math::

        m_i \sim \mathrm{Bernoulli}(1 - p), \text{ independently}

    Each entry is 0 where a uniform draw :math:`U_i \in [0, 1)` of ``rng`` is below ``p``,
    else 1, so the same generator state gives the same mask, and ``p = 0`` keeps every unit.
    A host-side helper (like the data helpers): the accelerated backends take the mask as
    data.

    Concept: regularize.dropout

    Slides: 001 "Dropout" ("each neuron has p% to dropout"); 003 "Dropout".

    Parameters
    ----------
    rng : numpy.random.Generator — the only source of randomness
    shape : int, or tuple (or list) of int — the mask's shape, any rank ((N, D), (N, C, H, W), ...),
        every dimension >= 1
    p : float in [0, 1) — the probability of dropping a unit
    dtype : float32 or float64 — the mask's dtype (that of the activations it will multiply)

    Returns
    -------
    mask : ndarray of ``shape`` and ``dtype``, entries 0 and 1
    """
    fn = "dropout_mask"
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{fn}: rng must be a numpy.random.Generator (numpy.random.default_rng(seed)); "
                         f"got {type(rng).__name__}")
    dims = (shape,) if isinstance(shape, numbers.Integral) and not isinstance(shape, (bool, np.bool_)) else shape
    dims = tuple(dims) if isinstance(dims, list) else dims
    if (not isinstance(dims, tuple) or not all(isinstance(d, numbers.Integral) and not isinstance(d, (bool, np.bool_))
                                                for d in dims) or any(d < 1 for d in dims)):
        raise ValueError(f"{fn}: shape must be an integer or a tuple of integers >= 1; got {shape!r}")
    p = _check.fraction(fn, "p", p)
    if np.dtype(dtype) not in _check.FLOAT_DTYPES:
        raise ValueError(f"{fn}: dtype must be float32 or float64; got {np.dtype(dtype)}")
    return (rng.random(tuple(int(d) for d in dims)) >= p).astype(dtype)


def annealed_dropout_rate(epoch, p0, n_epochs):
    r"""Annealed dropout's rate at an epoch: :math:`p_0` at the start, falling linearly to 0 at ``n_epochs``.

    .. math::

        p(t) = p_0 \max\Big(0,\ 1 - \frac{t}{T}\Big), \qquad t = 0, 1, 2, \ldots

    Rennie et al. (2014) anneal the dropout rate this way: strong regularisation while the
    network is far from a solution, and none at the end, when the trained network is the
    test-time one. Epochs count from 0: ``epoch = 0`` gives ``p0``, ``epoch >= n_epochs``
    gives 0, and the rate never rises. A pure host-side schedule (like :func:`dropout_mask`,
    which then draws each epoch's masks with this rate): no primitive changes.

    Concept: regularize.dropout_variants

    Slides: 003 "More about dropout" (annealed dropout: "Dropout rate decreases by epochs").

    Parameters
    ----------
    epoch : int >= 0 — the epoch (from 0)
    p0 : float in [0, 1) — the rate of the first epoch
    n_epochs : int >= 1 — the epoch from which the rate is 0

    Returns
    -------
    p : float in [0, p0]
    """
    fn = "annealed_dropout_rate"
    epoch = _check.count(fn, "epoch", epoch, minimum=0)
    p0 = _check.fraction(fn, "p0", p0)
    n_epochs = _check.count(fn, "n_epochs", n_epochs, minimum=1)
    return p0 * max(0.0, 1.0 - epoch / n_epochs)


def random_transforms(rng, n, max_angle=15.0, max_shift=1.0, whole_pixels=False):
    r"""Draw one rotation and one shift per image, for :func:`~reference.augment.transform_images`.

    .. math::

        \theta_k \sim U[-\theta_{\max}, \theta_{\max}], \qquad
        d_{y,k}, d_{x,k} \sim U[-d_{\max}, d_{\max}] \text{ (or uniform on the whole numbers there)}

    independently for each of the ``n`` images. The slide's created digits are rotated by up to
    15° and shifted; ``whole_pixels=True`` draws each shift from the integers
    :math:`-d_{\max}, \dots, d_{\max}` (then ``max_shift`` must be a whole number), so the shifted
    image is a copy of pixels rather than an interpolation. ``max_angle = 0`` or ``max_shift = 0``
    turns that part off.

    Concept: data.augment

    Slides: 003 "Panacea for Overfitting" ("Create more training data": shift, rotate 15°).

    Parameters
    ----------
    rng : numpy.random.Generator — the only source of randomness
    n : int >= 1 — the number of images
    max_angle : float >= 0 — the largest rotation, in degrees, either way
    max_shift : float >= 0 — the largest shift, in pixels, along each axis, either way
    whole_pixels : bool — draw whole-pixel shifts

    Returns
    -------
    (angles, shifts) : float64 ndarrays (n,) and (n, 2) — degrees, and ``(d_y, d_x)`` in pixels
    """
    fn = "random_transforms"
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{fn}: rng must be a numpy.random.Generator (numpy.random.default_rng(seed)); "
                         f"got {type(rng).__name__}")
    n = _check.count(fn, "n", n)
    max_angle = _check.nonnegative(fn, "max_angle", max_angle)
    max_shift = _check.nonnegative(fn, "max_shift", max_shift)
    whole_pixels = _check.flag(fn, "whole_pixels", whole_pixels)
    if whole_pixels and max_shift != int(max_shift):
        raise ValueError(f"{fn}: max_shift must be a whole number of pixels when whole_pixels=True; "
                         f"got {max_shift!r}")
    angles = rng.uniform(-max_angle, max_angle, size=n)
    if whole_pixels:
        shifts = rng.integers(-int(max_shift), int(max_shift), size=(n, 2), endpoint=True).astype(np.float64)
    else:
        shifts = rng.uniform(-max_shift, max_shift, size=(n, 2))
    return angles, shifts
