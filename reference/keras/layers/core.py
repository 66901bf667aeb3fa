r"""Core layers (Keras 1's ``keras.layers.core``): ``Dense``, ``Activation``, ``Maxout``, ``Dropout``
(and its slide spelling ``dropout``), ``GaussianNoise``.

``Dense`` and ``Maxout`` act on the last axis of their input: on ``(N, D)`` they are
the slides' :math:`\sigma(\mathbf b + W\mathbf a)`; on ``(N, T, D)`` (a sequence, or any
stack of feature vectors) the same weights apply to each of the ``T`` vectors, as in
Keras. Weights are kept in the primitives' layout, :math:`W` of shape ``(units, D)``
(``r = b + x @ W.T``); ``get_weights``/``set_weights`` speak Keras's layout, a *kernel*
``(D, units)`` (``r = x @ kernel + b``).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..._check import _is_device_array
from ...activation_table import LEAKY_RELU_ALPHA  # the slide's 0.01, shared with every backend
from .. import initializers
from ...data.noise import add_gaussian_noise, dropout_mask
from .base import Layer, _positive_int, as_matrix, as_shape

#: The names ``Activation(...)`` and ``Dense(activation=...)`` accept.
ACTIVATION_NAMES = ("sigmoid", "relu", "softmax", "linear", "leaky_relu", "tanh")


#: The activations a loss may fuse with itself: the model's last layer then gives its scores (logits).
LOGIT_ACTIVATIONS = ("softmax", "sigmoid")


def _activation(where, value):
    if value is None:
        return "linear"
    if not isinstance(value, str) or value not in ACTIVATION_NAMES:
        valid = ", ".join(repr(a) for a in ACTIVATION_NAMES)
        raise ValueError(f"{where}: activation must be one of {valid}; got {value!r}")
    return value


def activation_forward(B, name, z):
    """``B.<name>_forward(z)`` (softmax over the last axis); ``"linear"`` is the identity (no call).

    Concept: act.sigmoid, act.relu, act.leaky_relu, model.softmax
    """
    if name == "linear":
        return z, None
    if name == "leaky_relu":
        return B.leaky_relu_forward(z, LEAKY_RELU_ALPHA)
    if name == "softmax" and len(z.shape) != 2:
        a, cache = B.softmax_forward(as_matrix(z))
        return as_shape(a, z.shape), cache
    return getattr(B, f"{name}_forward")(z)


def activation_backward(B, name, da, cache):
    r"""``B.<name>_backward(da, cache)``: :math:`\partial L/\partial z` from :math:`\partial L/\partial a`.

    Concept: act.sigmoid, act.relu, act.leaky_relu, model.softmax
    """
    if name == "linear":
        return da
    if name == "softmax" and len(da.shape) != 2:
        (dz,) = B.softmax_backward(as_matrix(da), cache)
        return as_shape(dz, da.shape)
    (dz,) = getattr(B, f"{name}_backward")(da, cache)
    return dz


def _glorot_uniform(rng, fan_in, fan_out, dtype):
    r"""Keras's default kernel initialiser, in Keras's layout ``(fan_in, fan_out)`` (kept for earlier callers:
    ``initializers.get('glorot_uniform')((fan_in, fan_out), rng, dtype)`` draws the same numbers).

    .. math::

        w \sim \mathcal U(-\ell, \ell), \qquad \ell = \sqrt{6 / (\text{fan-in} + \text{fan-out})}

    (Glorot and Bengio 2010). Drawn in float64 from ``rng``, then cast.
    """
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)


def _initializer(where, kernel_initializer, init, default):
    if kernel_initializer is not None and init is not None:
        raise TypeError(f"{where}: give kernel_initializer (Keras 2) or init (Keras 1), not both; got "
                        f"kernel_initializer={kernel_initializer!r}, init={init!r}")
    value = kernel_initializer if kernel_initializer is not None else init
    try:
        return initializers.get(default if value is None else value)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _initializer_config(config, key, value, default):
    if value != initializers.get(default):
        config[key] = initializers.serialize(value)


class _LastAxisDense(Layer):
    """What ``Dense`` and ``Maxout`` share: an affine map of the last axis to ``width`` values."""

    param_names = ("kernel", "bias")
    regularizer_keywords = {"kernel_regularizer": "kernel", "bias_regularizer": "bias"}
    regularizer_aliases = {"W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer"}

    def _setup(self, where, init, kernel_initializer, bias_initializer):
        self.kernel_initializer = _initializer(where, kernel_initializer, init, "glorot_uniform")
        self.bias_initializer = _initializer(where, bias_initializer, None, "zeros")

    def _width(self):
        raise NotImplementedError

    def init_params(self, input_shape, rng):
        D, H = input_shape[-1], self._width()
        kernel = self.kernel_initializer((D, H), rng, np.float64)
        bias = self.bias_initializer((H,), rng, np.float64)
        return kernel.T, bias

    def to_keras(self, index, param):
        return param.T if index == 0 else param

    def from_keras(self, index, weight):
        return weight.T if index == 0 else weight

    def _affine(self, B, x, params):
        W, b = params
        return B.dense_forward(as_matrix(x), W, b, "linear")

    def _affine_backward(self, B, dz, dense_cache, shape):
        dx, dW, db = B.dense_backward(dz, dense_cache)
        return as_shape(dx, shape), (dW, db)

    def get_config(self):
        config = super().get_config()
        _initializer_config(config, "kernel_initializer", self.kernel_initializer, "glorot_uniform")
        _initializer_config(config, "bias_initializer", self.bias_initializer, "zeros")
        return config


class Dense(_LastAxisDense):
    r"""A fully connected layer, then an optional activation.

    .. math::

        \mathbf{a}' = \sigma(\mathbf{b}' + W'\mathbf{a})

    Both of the slides' spellings work: Keras 2's ``Dense(500, activation='sigmoid',
    input_dim=64)`` and Keras 1's ``Dense(input_dim=28*28, output_dim=500)`` followed by
    ``Activation('sigmoid')``. ``input_dim`` is needed on the first layer only (or not at
    all: :meth:`Sequential.fit <reference.keras.models.Sequential.fit>` then takes it from the
    data). The kernel starts Glorot-uniform, the bias at 0, unless ``init`` (Keras 1:
    ``'uniform'``, ``'normal'``, ``'zero'``, ...) or ``kernel_initializer`` /
    ``bias_initializer`` (Keras 2) name others (:mod:`reference.keras.initializers`).

    On an input of more than one axis per example, ``(T, D)``, the layer acts on the last
    axis: each of the ``T`` vectors gets the same weights, and the output is ``(T, units)``.

    Concept: model.dense

    Slides: 003 "Keras" (Step 1: define a set of function); 003 "Fully Connect
    Feedforward Network".

    Parameters
    ----------
    units : int >= 1 — the number of units (Keras 2); ``output_dim`` is Keras 1's name for it
    activation : str or None — one of :data:`ACTIVATION_NAMES`; None is ``"linear"``
    init, kernel_initializer : the kernel's initializer (a name, an initializer, or a function
        ``f(shape, rng, dtype)`` of Keras's layout ``(D, units)``); default ``'glorot_uniform'``
    bias_initializer : the bias's initializer; default ``'zeros'``
    kernel_regularizer, bias_regularizer : a penalty on the kernel / the bias
        (:mod:`reference.keras.regularizers`: ``l2(0.01)``, ``'l1'``, ...) or None; Keras 1 spells
        them ``W_regularizer`` and ``b_regularizer`` (give one spelling of each)
    input_dim, input_shape, batch_input_shape, name, trainable : as for every layer
        (:class:`~reference.keras.layers.base.Layer`)

    Weights (``get_weights``): ``[kernel (D, units), bias (units,)]``, named ``kernel`` and ``bias``.
    """

    prefix = "dense"

    def __init__(self, units=None, activation=None, *, init=None, kernel_initializer=None, bias_initializer=None,
                 output_dim=None, **kwargs):
        if units is not None and output_dim is not None:
            raise TypeError(f"Dense: give units (Keras 2) or output_dim (Keras 1), not both; got "
                            f"units={units!r}, output_dim={output_dim!r}")
        if units is None and output_dim is None:
            raise TypeError("Dense: the number of units is missing: Dense(units) (Keras 2) or "
                            "Dense(output_dim=...) (Keras 1)")
        self.units = _positive_int("Dense", "units" if units is not None else "output_dim",
                                   units if units is not None else output_dim)
        self.activation = _activation("Dense", activation)
        self._setup("Dense", init, kernel_initializer, bias_initializer)
        super().__init__(**kwargs)

    def _width(self):
        return self.units

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        z, dense_cache = self._affine(B, x, params)
        activation = "linear" if logits else self.activation
        a, act_cache = activation_forward(B, activation, z)
        return as_shape(a, tuple(x.shape[:-1]) + (self.units,)), (dense_cache, activation, act_cache, x.shape)

    def backward(self, B, dout, cache):
        dense_cache, activation, act_cache, shape = cache
        dz = activation_backward(B, activation, as_matrix(dout), act_cache)
        return self._affine_backward(B, dz, dense_cache, shape)

    def final_activation(self):
        return self.activation

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": self.activation}


class Activation(Layer):
    r"""An activation function applied to the previous layer's output, elementwise (softmax: over the last axis).

    ``'sigmoid'``, ``'relu'``, ``'tanh'``, ``'linear'``, ``'leaky_relu'`` (slope 0.01 for
    :math:`z \le 0`, the slide's value; Keras's own ``LeakyReLU`` layer defaults to 0.3,
    :class:`~reference.keras.layers.advanced_activations.LeakyReLU`) and ``'softmax'``,
    :math:`y_i = e^{z_i} / \sum_j e^{z_j}`, the output layer for classification.

    Concept: act.sigmoid, act.relu, act.leaky_relu, model.softmax

    Slides: 003 "Keras" (``model.add( Activation('sigmoid') )``); 003 "Output Layer
    (Option)"; 003 "ReLU - variant".

    Parameters
    ----------
    activation : str — one of :data:`ACTIVATION_NAMES`
    input_dim, input_shape, batch_input_shape, name, trainable : as for every layer
    """

    prefix = "activation"

    def __init__(self, activation, **kwargs):
        self.activation = _activation("Activation", activation)
        super().__init__(**kwargs)

    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        if logits:                                       # the loss takes the scores
            return x, None
        return activation_forward(B, self.activation, x)

    def backward(self, B, dout, cache):
        if cache is None:                                # the identity (linear, or skipped for the loss)
            return dout, ()
        return activation_backward(B, self.activation, dout, cache), ()

    def final_activation(self):
        return self.activation

    def get_config(self):
        return {**super().get_config(), "activation": self.activation}


class Maxout(_LastAxisDense):
    r"""A maxout layer: a dense layer to ``units * k`` linear units, then the max of each group of ``k``.

    .. math::

        a_h = \max_{j < k} z_{hk + j}, \qquad \mathbf z = \mathbf b + W\mathbf a

    The activation function is learned: any piecewise linear convex function with up
    to ``k`` pieces; ReLU is the case ``k = 2`` with one unit of each group fixed at 0.
    Groups are ``k`` consecutive units (columns ``h*k .. h*k + k - 1`` of the kernel).
    Like :class:`Dense` it acts on the last axis (Keras 1's ``MaxoutDense``).

    Concept: act.maxout

    Slides: 003 "Maxout" ("ReLU is a special case of Maxout"; 2 or 3 elements in a group).

    Parameters
    ----------
    units : int >= 1 — the number of outputs (groups)
    k : int >= 2 — the group size
    init, kernel_initializer, bias_initializer : as for :class:`Dense`
    kernel_regularizer, bias_regularizer (W_regularizer, b_regularizer) : as for :class:`Dense`
    input_dim, input_shape, batch_input_shape, name, trainable : as for every layer

    Weights (``get_weights``): ``[kernel (D, units * k), bias (units * k,)]``.
    """

    prefix = "maxout"

    def __init__(self, units, k=2, *, init=None, kernel_initializer=None, bias_initializer=None, **kwargs):
        self.units = _positive_int("Maxout", "units", units)
        self.k = _positive_int("Maxout", "k", k, minimum=2)
        self._setup("Maxout", init, kernel_initializer, bias_initializer)
        super().__init__(**kwargs)

    def _width(self):
        return self.units * self.k

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        z, dense_cache = self._affine(B, x, params)
        a, max_cache = B.maxout_forward(z, self.k)
        return as_shape(a, tuple(x.shape[:-1]) + (self.units,)), (dense_cache, max_cache, x.shape)

    def backward(self, B, dout, cache):
        dense_cache, max_cache, shape = cache
        (dz,) = B.maxout_backward(as_matrix(dout), max_cache)
        return self._affine_backward(B, dz, dense_cache, shape)

    def final_activation(self):
        return "maxout"

    def get_config(self):
        return {**super().get_config(), "units": self.units, "k": self.k}


class Dropout(Layer):
    r"""Dropout: while training, each unit of the input is dropped (set to 0) with probability ``rate``.

    .. math::

        a = \frac{x \odot m}{1 - p}, \qquad m_i \sim \mathrm{Bernoulli}(1 - p)

    Keras's inverted form: the kept units are scaled by :math:`1/(1-p)` during training,
    so that at test time (``predict``, ``evaluate``) the layer is the identity and the
    network is used as trained. (The slide's form, no scaling in training and the weights
    times :math:`1-p` at test time, gives the same test-time expectation.) A new mask is
    drawn for every mini-batch, on the host, from the model's Generator
    (:func:`~reference.data.noise.dropout_mask`), and handed to the backend's
    ``dropout_forward`` as data (moved to the device first on cuda). ``rate=0`` keeps every
    unit and draws nothing: the model then trains exactly as without the layer. No parameters.

    Concept: regularize.dropout

    Slides: 001 "Dropout"; 003 "Dropout" (``model.add( dropout(0.8) )``).

    Parameters
    ----------
    rate : float in [0, 1) — the fraction of the units dropped (Keras's ``rate``, the slide's p)
    input_dim, input_shape, batch_input_shape, name, trainable : as for every layer
    """

    prefix = "dropout"

    def __init__(self, rate, **kwargs):
        if (isinstance(rate, (bool, np.bool_)) or not isinstance(rate, numbers.Real) or not math.isfinite(rate)
                or not 0 <= rate < 1):
            raise ValueError(f"Dropout: rate (the fraction of units dropped) must be a number in [0, 1); "
                             f"got {rate!r}")
        self.rate = float(rate)
        super().__init__(**kwargs)

    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        if not training or self.rate == 0:
            return x, None
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"Dropout.forward: training needs rng, a numpy.random.Generator; got {type(rng).__name__}")
        mask = dropout_mask(rng, tuple(x.shape), self.rate, dtype=np.dtype(x.dtype))
        if _is_device_array(x):
            mask = B.to_device(mask)
        return B.dropout_forward(x, mask, self.rate, inverted=True)

    def backward(self, B, dout, cache):
        if cache is None:                                # the identity (test time, or rate 0)
            return dout, ()
        (dx,) = B.dropout_backward(dout, cache)
        return dx, ()

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


def dropout(rate, **kwargs):
    """The slide's spelling, ``model.add( dropout(0.8) )``: the same as ``Dropout(rate, ...)``.

    Concept: regularize.dropout

    Slides: 003 "Dropout".

    Returns
    -------
    Dropout
    """
    return Dropout(rate, **kwargs)


class GaussianNoise(Layer):
    r"""Adds Gaussian noise to its input while training; the identity at test time.

    .. math::

        a = x + \varepsilon, \qquad \varepsilon_i \sim \mathcal N(0, \sigma^2)

    A new noise array is drawn for every mini-batch, on the host, from the model's
    Generator (:func:`~reference.data.noise.add_gaussian_noise`; on cuda the batch is
    copied to the host for it and back). The noise does not depend on the input, so the
    gradient passes through unchanged. ``stddev=0`` adds nothing and draws nothing. No
    parameters.

    Concept: data.augment

    Slides: 003 "Panacea for Overfitting" (noisy training inputs).

    Parameters
    ----------
    stddev : float >= 0 — :math:`\sigma`
    input_dim, input_shape, batch_input_shape, name, trainable : as for every layer
    """

    prefix = "gaussian_noise"

    def __init__(self, stddev, **kwargs):
        if (isinstance(stddev, (bool, np.bool_)) or not isinstance(stddev, numbers.Real)
                or not math.isfinite(stddev) or stddev < 0):
            raise ValueError(f"GaussianNoise: stddev must be a finite number >= 0; got {stddev!r}")
        self.stddev = float(stddev)
        super().__init__(**kwargs)

    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        if not training or self.stddev == 0:
            return x, None
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"GaussianNoise.forward: training needs rng, a numpy.random.Generator; "
                             f"got {type(rng).__name__}")
        if _is_device_array(x):
            return B.to_device(add_gaussian_noise(B.to_host(x), self.stddev, rng)), None
        return add_gaussian_noise(np.asarray(x), self.stddev, rng), None

    def backward(self, B, dout, cache):
        return dout, ()

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev}


__all__ = ["Dense", "Activation", "Maxout", "Dropout", "dropout", "GaussianNoise", "ACTIVATION_NAMES",
           "LEAKY_RELU_ALPHA", "activation_forward", "activation_backward"]
