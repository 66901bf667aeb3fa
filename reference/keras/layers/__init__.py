r"""Layers of :class:`reference.keras.models.Sequential`, at Keras 1's module paths.

* :mod:`reference.keras.layers.base` — the layer protocol (:class:`~reference.keras.layers.base.Layer`):
  what a new layer's author writes, with a worked example;
* :mod:`reference.keras.layers.core` — :class:`~reference.keras.layers.core.Dense`,
  :class:`~reference.keras.layers.core.Activation`, :class:`~reference.keras.layers.core.Maxout`,
  :class:`~reference.keras.layers.core.Dropout` (and the slide's ``dropout``),
  :class:`~reference.keras.layers.core.GaussianNoise`;
* :mod:`reference.keras.layers.advanced_activations` —
  :class:`~reference.keras.layers.advanced_activations.PReLU`,
  :class:`~reference.keras.layers.advanced_activations.LeakyReLU`.

Every layer is importable from here too: ``from reference.keras.layers import Dense``.
"""

from .advanced_activations import PRELU_INITIAL_ALPHA, LeakyReLU, PReLU
from .base import LAYERS, Layer
from .core import (ACTIVATION_NAMES, LEAKY_RELU_ALPHA, Activation, Dense, Dropout, GaussianNoise,  # noqa: F401
                   Maxout, _glorot_uniform, dropout)

__all__ = ["Layer", "Dense", "Activation", "Maxout", "Dropout", "dropout", "GaussianNoise", "PReLU", "LeakyReLU",
           "ACTIVATION_NAMES", "LAYERS",
           "LEAKY_RELU_ALPHA", "PRELU_INITIAL_ALPHA"]
