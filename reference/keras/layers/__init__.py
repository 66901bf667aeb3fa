r"""Layers of :class:`reference.keras.models.Sequential`, at Keras 1's module paths.

* :mod:`reference.keras.layers.base` — the layer protocol (:class:`~reference.keras.layers.base.Layer`):
  what a new layer's author writes, with a worked example;
* :mod:`reference.keras.layers.core` — :class:`~reference.keras.layers.core.Dense`,
  :class:`~reference.keras.layers.core.Activation`, :class:`~reference.keras.layers.core.Maxout`;
* :mod:`reference.keras.layers.advanced_activations` —
  :class:`~reference.keras.layers.advanced_activations.PReLU`,
  :class:`~reference.keras.layers.advanced_activations.LeakyReLU`.

Every layer is importable from here too: ``from reference.keras.layers import Dense``.
"""

from .advanced_activations import PRELU_INITIAL_ALPHA, LeakyReLU, PReLU
from .base import LAYERS, Layer
from .core import ACTIVATION_NAMES, LEAKY_RELU_ALPHA, Activation, Dense, Maxout, _glorot_uniform  # noqa: F401

__all__ = ["Layer", "Dense", "Activation", "Maxout", "PReLU", "LeakyReLU", "ACTIVATION_NAMES", "LAYERS",
           "LEAKY_RELU_ALPHA", "PRELU_INITIAL_ALPHA"]
