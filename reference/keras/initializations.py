r"""Keras 1's module of initial values, ``keras.initializations``: one function per name.

Keras 1 wrote an initializer as a function of the shape, ``glorot_uniform(shape)``;
Keras 2 renamed the module ``keras.initializers`` and made them classes. Here both
paths draw the same numbers: each function below is the initializer of
:mod:`reference.keras.initializers` of the same name, called with the explicit
``rng`` and ``dtype`` that slidespec's initializers take::

    from reference.keras import initializations
    W = initializations.glorot_uniform((64, 500), rng)        # == initializers.get('glorot_uniform')(...)
    init = initializations.get('uniform')                     # what Dense(init='uniform') uses

``uniform``, ``normal``, ``identity`` and ``orthogonal`` take Keras 1's ``scale``
(and its defaults: 0.05, 0.05, 1 and 1.1).
"""

from __future__ import annotations

from . import initializers as _init
from .initializers import INITIALIZER_NAMES, fans, get

_DEFAULT = "float32"


def uniform(shape, rng, dtype=_DEFAULT, scale=0.05):
    r""":math:`\mathcal U(-s, s)`, Keras 1's ``uniform(shape, scale=0.05)``.

    Concept: model.dense
    """
    return _init.RandomUniform(-scale, scale)(shape, rng, dtype)


def normal(shape, rng, dtype=_DEFAULT, scale=0.05):
    r""":math:`\mathcal N(0, s^2)`, Keras 1's ``normal(shape, scale=0.05)``.

    Concept: model.dense
    """
    return _init.RandomNormal(0.0, scale)(shape, rng, dtype)


def zero(shape, rng=None, dtype=_DEFAULT):
    """Zeros (``rng`` is not used and may be omitted).

    Concept: model.dense
    """
    return _init.Zeros()(shape, rng if rng is not None else _no_rng(), dtype)


def one(shape, rng=None, dtype=_DEFAULT):
    """Ones (``rng`` is not used and may be omitted).

    Concept: model.dense
    """
    return _init.Ones()(shape, rng if rng is not None else _no_rng(), dtype)


def glorot_uniform(shape, rng, dtype=_DEFAULT):
    r""":math:`\mathcal U(\pm\sqrt{6/(\text{fan-in}+\text{fan-out})})`.

    Concept: model.dense
    """
    return _init.GlorotUniform()(shape, rng, dtype)


def glorot_normal(shape, rng, dtype=_DEFAULT):
    r""":math:`\mathcal N(0, 2/(\text{fan-in}+\text{fan-out}))`.

    Concept: model.dense
    """
    return _init.GlorotNormal()(shape, rng, dtype)


def he_uniform(shape, rng, dtype=_DEFAULT):
    r""":math:`\mathcal U(\pm\sqrt{6/\text{fan-in}})`.

    Concept: model.dense
    """
    return _init.HeUniform()(shape, rng, dtype)


def he_normal(shape, rng, dtype=_DEFAULT):
    r""":math:`\mathcal N(0, 2/\text{fan-in})`.

    Concept: model.dense
    """
    return _init.HeNormal()(shape, rng, dtype)


def lecun_uniform(shape, rng, dtype=_DEFAULT):
    r""":math:`\mathcal U(\pm\sqrt{3/\text{fan-in}})`.

    Concept: model.dense
    """
    return _init.LecunUniform()(shape, rng, dtype)


def lecun_normal(shape, rng, dtype=_DEFAULT):
    r""":math:`\mathcal N(0, 1/\text{fan-in})` (a Keras 2 name).

    Concept: model.dense
    """
    return _init.LecunNormal()(shape, rng, dtype)


def identity(shape, rng=None, dtype=_DEFAULT, scale=1.0):
    """``scale`` times the identity of a square ``shape`` (``rng`` is not used and may be omitted).

    Concept: model.dense
    """
    return _init.Identity(scale)(shape, rng if rng is not None else _no_rng(), dtype)


def orthogonal(shape, rng, dtype=_DEFAULT, scale=1.1):
    """``scale`` times a random orthogonal matrix; Keras 1's default scale 1.1 (Keras 2's gain is 1).

    Concept: model.dense
    """
    return _init.Orthogonal(scale)(shape, rng, dtype)


def _no_rng():
    import numpy as np

    return np.random.default_rng(0)  # never drawn from: the constant initializers ignore it


__all__ = ["get", "fans", "INITIALIZER_NAMES", "uniform", "normal", "zero", "one", "glorot_uniform", "glorot_normal",
           "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "identity", "orthogonal"]
