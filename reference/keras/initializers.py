r"""Initial values of a layer's parameters, by Keras's names: ``Dense(..., init='glorot_uniform')``.

An initializer is a callable ``init(shape, rng, dtype) -> numpy.ndarray``: the shape is
Keras's layout of the parameter (a ``Dense`` kernel ``(D, H)``, a convolution kernel
``(KH, KW, C, F)``, a bias ``(H,)``), ``rng`` a :class:`numpy.random.Generator` (the
model's, so that a seed fixes every initial value), ``dtype`` float32 or float64. The
numbers are drawn in float64 and then cast, so a float32 and a float64 model with one
seed start from the same values up to rounding.

The scaled schemes read two sizes off the shape (:func:`fans`): for a matrix
``(fan_in, fan_out)``; for a kernel ``(..., C, F)`` with receptive field
:math:`r = \prod` of the leading axes, :math:`\text{fan-in} = r\,C` and
:math:`\text{fan-out} = r\,F`.

=======================================  ========================================  ===========================================
name (Keras 1 and 2)                     class (Keras 2)                           draws
=======================================  ========================================  ===========================================
``'uniform'``, ``'random_uniform'``      :class:`RandomUniform` ``(-0.05, 0.05)``  :math:`\mathcal U(a, b)`
``'normal'``, ``'random_normal'``        :class:`RandomNormal` ``(0, 0.05)``       :math:`\mathcal N(\mu, \sigma^2)`
``'truncated_normal'``                   :class:`TruncatedNormal` ``(0, 0.05)``    the same, redrawn beyond :math:`2\sigma`
``'zero'``, ``'zeros'``                  :class:`Zeros`                            0
``'one'``, ``'ones'``                    :class:`Ones`                             1
``'constant'``                           :class:`Constant` ``(value=0)``           ``value``
``'glorot_uniform'``                     :class:`GlorotUniform`                    :math:`\mathcal U(\pm\sqrt{6/(\text{in}+\text{out})})`
``'glorot_normal'``                      :class:`GlorotNormal`                     :math:`\mathcal N(0, 2/(\text{in}+\text{out}))`
``'he_uniform'``                         :class:`HeUniform`                        :math:`\mathcal U(\pm\sqrt{6/\text{in}})`
``'he_normal'``                          :class:`HeNormal`                         :math:`\mathcal N(0, 2/\text{in})`
``'lecun_uniform'``                      :class:`LecunUniform`                     :math:`\mathcal U(\pm\sqrt{3/\text{in}})`
``'lecun_normal'``                       :class:`LecunNormal`                      :math:`\mathcal N(0, 1/\text{in})`
``'identity'``                           :class:`Identity` ``(gain=1)``            ``gain`` × the identity (square matrices)
``'orthogonal'``                         :class:`Orthogonal` ``(gain=1)``          ``gain`` × a random orthogonal matrix
``'variance_scaling'``                   :class:`VarianceScaling`                  the family the scaled schemes belong to
=======================================  ========================================  ===========================================

Where Keras 1 and Keras 2 differ, this module follows Keras 1, the slides' Keras, and
says so: the ``*_normal`` schemes draw a plain normal of the stated variance (Keras 2
draws a normal truncated at :math:`2\sigma`, rescaled to the same variance; that is
``VarianceScaling(distribution='truncated_normal')`` here); ``'orthogonal'`` has
Keras 2's gain 1 (Keras 1's ``orthogonal`` function defaulted to 1.1, which
:func:`reference.keras.initializations.orthogonal` keeps).

:func:`get` turns a name, a class, an instance, a config dict or a plain function
``f(shape, rng, dtype)`` into an initializer; :func:`serialize` and :func:`deserialize`
write one as plain data and read it back (what ``save`` and ``load_model`` need).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
#: The standard deviation of a standard normal truncated to [-2, 2] (what :class:`VarianceScaling` divides by).
_TRUNCATED_STD = 0.87962566103423978


# -- the arguments of a call ----------------------------------------------------------------------------
def _shape(where, shape):
    if isinstance(shape, (numbers.Integral, np.integer)) and not isinstance(shape, (bool, np.bool_)):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise ValueError(f"{where}: shape must be a tuple of sizes >= 1 (Keras's layout, e.g. (input_dim, units)); "
                         f"got {shape!r}")
    for size in shape:
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(f"{where}: shape must be a tuple of integer sizes >= 1; got {tuple(shape)!r}")
    return tuple(int(s) for s in shape)


def _rng(where, rng):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{where}: rng must be a numpy.random.Generator (numpy.random.default_rng(seed)); "
                         f"got {type(rng).__name__}")
    return rng


def _dtype(where, dtype):
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in _FLOAT_DTYPES:
        raise ValueError(f"{where}: dtype must be float32 or float64; got {dtype!r}")
    return dt


def _real(where, name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{where}: {name} must be a finite real number; got {value!r}")
    return float(value)


def _positive(where, name, value):
    value = _real(where, name, value)
    if value <= 0:
        raise ValueError(f"{where}: {name} must be a number > 0; got {value!r}")
    return value


def fans(shape):
    r"""``(fan_in, fan_out)`` of a parameter of Keras's layout ``shape``.

    ``()``: (1, 1); ``(n,)``: (n, n); ``(fan_in, fan_out)``: as given; ``(..., C, F)``:
    :math:`(rC, rF)` with :math:`r` the product of the leading (receptive-field) axes,
    e.g. a ``(3, 3, 16, 32)`` kernel has fan-in 144 and fan-out 288.

    Concept: model.dense
    """
    shape = _shape("fans", shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2], dtype=np.int64)) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def _truncated_normal(rng, mean, stddev, shape):
    """Normal draws, those farther than two standard deviations from the mean drawn again until none is."""
    x = rng.normal(mean, stddev, size=shape)
    bad = np.abs(x - mean) > 2.0 * stddev
    while bad.any():
        x[bad] = rng.normal(mean, stddev, size=int(bad.sum()))
        bad = np.abs(x - mean) > 2.0 * stddev
    return x


# -- the initializers -----------------------------------------------------------------------------------
class Initializer:
    """What every initializer shares: the call ``init(shape, rng, dtype)``, its config, equality.

    Subclasses define ``_draw(shape, rng)`` (a float64 array, or anything ``numpy.full``
    can fill) and ``get_config()``.
    """

    def __call__(self, shape, rng, dtype="float32"):
        """Initial values of ``shape`` drawn from ``rng``, drawn in float64 and cast to ``dtype``.

        Parameters
        ----------
        shape : tuple of int >= 1 — Keras's layout of the parameter
        rng : numpy.random.Generator
        dtype : float32 or float64

        Returns
        -------
        numpy.ndarray of ``shape`` and ``dtype`` (C-contiguous)
        """
        where = f"{type(self).__name__}"
        shape = _shape(where, shape)
        rng = _rng(where, rng)
        dtype = _dtype(where, dtype)
        return np.ascontiguousarray(np.asarray(self._draw(shape, rng), dtype=np.float64).astype(dtype))

    def _draw(self, shape, rng):
        raise NotImplementedError

    def get_config(self):
        """The constructor's arguments as plain data: ``type(init)(**init.get_config())`` is an equal initializer."""
        return {}

    @classmethod
    def from_config(cls, config):
        if not isinstance(config, dict):
            raise ValueError(f"{cls.__name__}.from_config: config must be a dict from get_config(); "
                             f"got {type(config).__name__}")
        return cls(**config)

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self.get_config().items()))))

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class Zeros(Initializer):
    """All zeros (Keras 1 ``'zero'``, Keras 2 ``'zeros'``): the default of every bias."""

    def _draw(self, shape, rng):
        return np.zeros(shape)


class Ones(Initializer):
    """All ones (Keras 1 ``'one'``, Keras 2 ``'ones'``)."""

    def _draw(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    """Every entry ``value`` (a finite real number)."""

    def __init__(self, value=0.0):
        self.value = _real("Constant", "value", value)

    def _draw(self, shape, rng):
        return np.full(shape, self.value)

    def get_config(self):
        return {"value": self.value}


class RandomUniform(Initializer):
    r"""Uniform draws on :math:`[a, b)`: Keras 1's ``'uniform'`` is :math:`\mathcal U(-0.05, 0.05)`."""

    def __init__(self, minval=-0.05, maxval=0.05):
        where = "RandomUniform"
        self.minval = _real(where, "minval", minval)
        self.maxval = _real(where, "maxval", maxval)
        if not self.minval < self.maxval:
            raise ValueError(f"{where}: minval must be below maxval; got minval={minval!r}, maxval={maxval!r}")

    def _draw(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, size=shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval}


class RandomNormal(Initializer):
    r"""Normal draws :math:`\mathcal N(\mu, \sigma^2)`: Keras 1's ``'normal'`` is :math:`\sigma = 0.05`.

    With a small ``stddev`` it is the slide's "regularization with small initial weights":
    ``Dense(..., kernel_initializer=RandomNormal(stddev=s))`` starts every weight near 0
    (each draw is ``mean + stddev`` times a standard normal, so a smaller ``stddev`` scales
    the same draws down), and a network of such layers with zero biases starts from a
    nearly flat function: with ReLU, which is positively homogeneous, scaling every kernel
    by :math:`c` scales the output of an :math:`L`-layer network by :math:`c^L`.

    Concept: regularize.small_init

    Slides: 001 "Practice – Regularization with small initial weights" ("By initializing NN
    weight using small values we can also do regularization").
    """

    def __init__(self, mean=0.0, stddev=0.05):
        where = type(self).__name__
        self.mean = _real(where, "mean", mean)
        self.stddev = _positive(where, "stddev", stddev)

    def _draw(self, shape, rng):
        return rng.normal(self.mean, self.stddev, size=shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomNormal):
    r"""Normal draws :math:`\mathcal N(\mu, \sigma^2)` with every draw beyond :math:`\mu \pm 2\sigma` drawn again.

    The values keep the mean :math:`\mu`; their standard deviation is about
    :math:`0.88\,\sigma` (that of a normal cut at two standard deviations).
    """

    def _draw(self, shape, rng):
        return _truncated_normal(rng, self.mean, self.stddev, shape)


#: The sizes :class:`VarianceScaling` divides by.
VARIANCE_MODES = ("fan_in", "fan_out", "fan_avg")
#: The distributions :class:`VarianceScaling` draws from.
DISTRIBUTIONS = ("uniform", "normal", "truncated_normal")


class VarianceScaling(Initializer):
    r"""Draws of variance :math:`s / n`, with :math:`n` the fan-in, the fan-out or their mean.

    ``distribution='uniform'``: :math:`\mathcal U(\pm\sqrt{3s/n})`; ``'normal'``:
    :math:`\mathcal N(0, s/n)`; ``'truncated_normal'``: a normal cut at two standard
    deviations and widened so that its variance is still :math:`s/n` (Keras 2's normal
    schemes). Glorot is ``(1, 'fan_avg')``, He ``(2, 'fan_in')``, LeCun ``(1, 'fan_in')``.

    Parameters
    ----------
    scale : float > 0 — :math:`s`
    mode : ``'fan_in'``, ``'fan_out'`` or ``'fan_avg'``
    distribution : ``'uniform'``, ``'normal'`` or ``'truncated_normal'``
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal"):
        where = type(self).__name__
        self.scale = _positive(where, "scale", scale)
        if mode not in VARIANCE_MODES:
            raise ValueError(f"{where}: mode must be one of {', '.join(map(repr, VARIANCE_MODES))}; got {mode!r}")
        if distribution not in DISTRIBUTIONS:
            raise ValueError(f"{where}: distribution must be one of {', '.join(map(repr, DISTRIBUTIONS))}; "
                             f"got {distribution!r}")
        self.mode, self.distribution = mode, distribution

    def _n(self, shape):
        fan_in, fan_out = fans(shape)
        return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]

    def _draw(self, shape, rng):
        variance = self.scale / self._n(shape)
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, size=shape)
        if self.distribution == "normal":
            return rng.normal(0.0, np.sqrt(variance), size=shape)
        return _truncated_normal(rng, 0.0, np.sqrt(variance) / _TRUNCATED_STD, shape)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution}


class _Named(VarianceScaling):
    """A fixed member of the :class:`VarianceScaling` family: no arguments."""

    _args = (1.0, "fan_in", "uniform")

    def __init__(self):
        super().__init__(*self._args)

    def get_config(self):
        return {}


class GlorotUniform(_Named):
    r"""Glorot and Bengio (2010): :math:`\mathcal U(-\ell, \ell)`, :math:`\ell = \sqrt{6/(\text{fan-in}+\text{fan-out})}`.

    Keras's default kernel initializer. :math:`\ell` is computed as ``sqrt(6 / (fan_in + fan_out))``
    exactly, and drawn as ``rng.uniform(-l, l, size=shape)``.
    """

    def _draw(self, shape, rng):
        fan_in, fan_out = fans(shape)
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)


class GlorotNormal(_Named):
    r""":math:`\mathcal N(0, \sigma^2)`, :math:`\sigma^2 = 2/(\text{fan-in}+\text{fan-out})` (Keras 1's form)."""

    _args = (1.0, "fan_avg", "normal")


class HeUniform(_Named):
    r"""He et al. (2015): :math:`\mathcal U(\pm\sqrt{6/\text{fan-in}})`, for ReLU layers."""

    _args = (2.0, "fan_in", "uniform")


class HeNormal(_Named):
    r"""He et al. (2015): :math:`\mathcal N(0, 2/\text{fan-in})`, for ReLU layers (Keras 1's form)."""

    _args = (2.0, "fan_in", "normal")


class LecunUniform(_Named):
    r"""LeCun (1998): :math:`\mathcal U(\pm\sqrt{3/\text{fan-in}})`."""

    _args = (1.0, "fan_in", "uniform")


class LecunNormal(_Named):
    r"""LeCun (1998): :math:`\mathcal N(0, 1/\text{fan-in})`."""

    _args = (1.0, "fan_in", "normal")


class Identity(Initializer):
    """``gain`` times the identity matrix; for square 2-D parameters only (a recurrent kernel)."""

    def __init__(self, gain=1.0):
        self.gain = _real("Identity", "gain", gain)

    def _draw(self, shape, rng):
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(f"Identity: shape must be a square matrix (n, n); got {shape!r}")
        return self.gain * np.eye(shape[0])

    def get_config(self):
        return {"gain": self.gain}


class Orthogonal(Initializer):
    r"""``gain`` times a random orthogonal matrix (Saxe et al. 2014).

    The parameter is viewed as a matrix of ``prod(shape[:-1])`` rows and ``shape[-1]``
    columns; a standard normal matrix of that size is factored :math:`A = QR` and
    :math:`Q` (its signs fixed by :math:`R`'s diagonal, so that :math:`Q` is uniformly
    distributed) is the draw. Its columns are orthonormal when there are at least as
    many rows as columns, its rows otherwise.
    """

    def __init__(self, gain=1.0):
        self.gain = _real("Orthogonal", "gain", gain)

    def _draw(self, shape, rng):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: shape must have at least 2 axes; got {shape!r}")
        rows, cols = int(np.prod(shape[:-1], dtype=np.int64)), shape[-1]
        a = rng.normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def get_config(self):
        return {"gain": self.gain}


# -- names ----------------------------------------------------------------------------------------------
_BY_NAME = {
    "uniform": RandomUniform, "random_uniform": RandomUniform,
    "normal": RandomNormal, "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal,
    "zero": Zeros, "zeros": Zeros, "one": Ones, "ones": Ones, "constant": Constant,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    "identity": Identity, "orthogonal": Orthogonal, "variance_scaling": VarianceScaling,
}
_CLASSES = {cls.__name__: cls for cls in (
    Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal, VarianceScaling, GlorotUniform,
    GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Identity, Orthogonal)}
#: The names :func:`get` accepts (Keras 1's and Keras 2's); the class names are accepted too.
INITIALIZER_NAMES = tuple(_BY_NAME)


def serialize(initializer):
    """An initializer as plain data: ``{"class_name": "RandomUniform", "config": {"minval": ..., ...}}``.

    Raises
    ------
    ValueError
        For a plain function, which has no config to write.

    Concept: model.dense
    """
    if not isinstance(initializer, Initializer):
        raise ValueError(f"serialize: only an Initializer of reference.keras.initializers can be written as "
                         f"data; got {type(initializer).__name__}")
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config):
    """The initializer :func:`serialize` wrote.

    Concept: model.dense
    """
    if (not isinstance(config, dict) or set(config) != {"class_name", "config"}
            or not isinstance(config["config"], dict)):
        raise ValueError(f"deserialize: config must be a dict {{'class_name': ..., 'config': {{...}}}} from "
                         f"serialize(); got {config!r}")
    name = config["class_name"]
    if name not in _CLASSES:
        raise ValueError(f"deserialize: class_name must be one of {', '.join(sorted(_CLASSES))}; got {name!r}")
    return _CLASSES[name].from_config(config["config"])


def get(identifier):
    """An initializer for ``identifier``: a callable ``init(shape, rng, dtype) -> numpy.ndarray``.

    Parameters
    ----------
    identifier : one of
        a name of :data:`INITIALIZER_NAMES` (``'glorot_uniform'``, Keras 1's ``'uniform'``, ``'zero'``, ...)
        or a class name (``'GlorotUniform'``), with the class's default arguments;
        an :class:`Initializer` (returned as it is) or an Initializer class (made with its defaults);
        a dict from :func:`serialize`;
        any other callable ``f(shape, rng, dtype)`` (returned as it is).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones) or anything else.

    Concept: model.dense
    """
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(f"initializers.get: unknown initializer {identifier!r}; the names are "
                             f"{', '.join(map(repr, INITIALIZER_NAMES))} (or a class name such as 'GlorotUniform')")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"initializers.get: identifier must be an initializer's name, an Initializer, its config "
                     f"dict, or a callable f(shape, rng, dtype); got {identifier!r}")


__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal", "TruncatedNormal",
           "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform",
           "LecunNormal", "Identity", "Orthogonal", "INITIALIZER_NAMES", "fans", "get", "serialize",
           "deserialize"]
