r"""Activations with parameters (Keras 1's ``keras.layers.advanced_activations``): ``PReLU``, ``LeakyReLU``.

Both act elementwise, so their output has their input's shape. ``PReLU`` learns one
slope per input value (per feature of ``(D,)``; per entry of ``(T, D)`` or
``(C, H, W)``, as Keras's default, which shares no axis).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .base import Layer, as_shape

#: PReLU's initial slope, as in He et al. 2015 (Keras itself starts at 0).
PRELU_INITIAL_ALPHA = 0.25

#: LeakyReLU's default slope, Keras's (the slide's 0.01 is ``Activation('leaky_relu')``).
LEAKY_RELU_LAYER_ALPHA = 0.3


def _flat(x):
    """``(N, ...)`` as ``(N, prod(...))``."""
    return x if len(x.shape) == 2 else x.reshape((x.shape[0], math.prod(x.shape[1:])))


class PReLU(Layer):
    r"""The parametric ReLU: one slope :math:`\alpha_h` per unit, learned by gradient descent.

    .. math::

        a = z \ (z > 0), \qquad a = \alpha z \ (z \le 0)

    :math:`\alpha` starts at 0.25 (He et al. 2015; Keras starts it at 0) and is trained
    with the other parameters through ``prelu_backward``'s
    :math:`\partial L/\partial\alpha_h = \sum_n \partial L/\partial a_{nh} \min(z_{nh}, 0)`.

    Concept: act.prelu

    Slides: 003 "ReLU - variant" (":math:`\alpha` also learned by gradient descent").

    Parameters
    ----------
    input_dim, input_shape, batch_input_shape, name, trainable : as for every layer (the layer
        keeps its input's shape)

    Weights (``get_weights``): ``[alpha]`` of the input's shape (``(units,)`` after a Dense), named ``alpha``.
    """

    prefix = "p_re_lu"
    param_names = ("alpha",)

    def init_params(self, input_shape, rng):
        return (np.full(math.prod(input_shape), PRELU_INITIAL_ALPHA),)

    def to_keras(self, index, param):
        return param.reshape(self.built_shape)

    def from_keras(self, index, weight):
        return weight.reshape(-1)

    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        (alpha,) = params
        a, cache = B.prelu_forward(_flat(x), alpha)
        return as_shape(a, x.shape), (cache, x.shape)

    def backward(self, B, dout, cache):
        cache, shape = cache
        dz, dalpha = B.prelu_backward(_flat(dout), cache)
        return as_shape(dz, shape), (dalpha,)

    def final_activation(self):
        return "prelu"


class LeakyReLU(Layer):
    r"""The leaky ReLU with a fixed slope ``alpha`` for :math:`z \le 0` (Keras's layer; default 0.3).

    .. math::

        a = z \ (z > 0), \qquad a = \alpha z \ (z \le 0)

    ``LeakyReLU(alpha=0.01)`` is the slide's variant, the same as ``Activation('leaky_relu')``.

    Concept: act.leaky_relu

    Slides: 003 "ReLU - variant".

    Parameters
    ----------
    alpha : float >= 0 — the slope for :math:`z \le 0` (default 0.3, Keras's)
    input_dim, input_shape, batch_input_shape, name, trainable : as for every layer
    """

    prefix = "leaky_re_lu"

    def __init__(self, alpha=LEAKY_RELU_LAYER_ALPHA, **kwargs):
        if (isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real)
                or not math.isfinite(alpha) or alpha < 0):
            raise ValueError(f"LeakyReLU: alpha must be a finite number >= 0; got {alpha!r}")
        self.alpha = float(alpha)
        super().__init__(**kwargs)

    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        return B.leaky_relu_forward(x, self.alpha)

    def backward(self, B, dout, cache):
        (dz,) = B.leaky_relu_backward(dout, cache)
        return dz, ()

    def final_activation(self):
        return "leaky_relu"

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


__all__ = ["PReLU", "LeakyReLU"]
