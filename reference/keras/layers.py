r"""Layers of :class:`reference.keras.models.Sequential`: ``Dense``, ``Activation``, ``PReLU``, ``Maxout``.

A layer is a description (its sizes and activation) plus its parameters. Its
arithmetic is always a backend's primitives: ``forward(B, x, params)`` and
``backward(B, da, cache)`` take the backend ``B`` and the parameters explicitly, so
that :meth:`~reference.keras.models.Sequential.fit` can keep the parameters on the GPU
while the layer keeps its own copy on the host between calls.

Weights are kept in the primitives' layout, :math:`W` of shape ``(units, input_dim)``
(one row per unit, ``r = b + x @ W.T``); ``get_weights``/``set_weights`` speak
Keras's layout, a *kernel* of shape ``(input_dim, units)`` (``r = x @ kernel + b``).
"""

from __future__ import annotations

import numbers

import numpy as np

#: The names ``Activation(...)`` and ``Dense(activation=...)`` accept.
ACTIVATION_NAMES = ("sigmoid", "relu", "softmax", "linear", "leaky_relu", "tanh")

#: The leaky ReLU's slope for :math:`z \le 0`: the slide's 0.01 (003 "ReLU - variant").
LEAKY_RELU_ALPHA = 0.01

#: PReLU's initial slope, as in He et al. 2015 (Keras itself starts at 0).
PRELU_INITIAL_ALPHA = 0.25


# -- helpers ------------------------------------------------------------------------------------------
def _positive_int(where, name, value, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{where}: {name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _input_dim(where, input_dim, input_shape):
    """``input_dim=D`` (Keras 1 and 2) or ``input_shape=(D,)`` (Keras 2); None when neither is given."""
    if input_shape is not None:
        shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else (input_shape,)
        if len(shape) != 1:
            raise ValueError(f"{where}: input_shape must be (D,), one size per example (flatten images "
                             f"first); got {input_shape!r}")
        shape_dim = _positive_int(where, "input_shape[0]", shape[0])
        if input_dim is not None and _positive_int(where, "input_dim", input_dim) != shape_dim:
            raise ValueError(f"{where}: input_dim={input_dim!r} and input_shape={input_shape!r} disagree")
        return shape_dim
    if input_dim is None:
        return None
    return _positive_int(where, "input_dim", input_dim)


def _activation(where, value):
    if value is None:
        return "linear"
    if not isinstance(value, str) or value not in ACTIVATION_NAMES:
        valid = ", ".join(repr(a) for a in ACTIVATION_NAMES)
        raise ValueError(f"{where}: activation must be one of {valid}; got {value!r}")
    return value


def _activation_forward(B, name, z):
    """``B.<name>_forward(z)``; ``"linear"`` is the identity (no call)."""
    if name == "linear":
        return z, None
    if name == "leaky_relu":
        return B.leaky_relu_forward(z, LEAKY_RELU_ALPHA)
    return getattr(B, f"{name}_forward")(z)


def _activation_backward(B, name, da, cache):
    """``B.<name>_backward(da, cache)``: :math:`\\partial L/\\partial z` from :math:`\\partial L/\\partial a`."""
    if name == "linear":
        return da
    (dz,) = getattr(B, f"{name}_backward")(da, cache)
    return dz


def _glorot_uniform(rng, fan_in, fan_out, dtype):
    r"""Keras's default kernel initialiser, in Keras's layout ``(fan_in, fan_out)``.

    .. math::

        w \sim \mathcal U(-\ell, \ell), \qquad \ell = \sqrt{6 / (\text{fan-in} + \text{fan-out})}

    (Glorot and Bengio 2010). Drawn in float64 from ``rng``, then cast, so float32 and
    float64 models with one seed start from the same values (up to rounding).
    """
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)


# -- layers -------------------------------------------------------------------------------------------
class Layer:
    """What every layer shares: a name, the input size, and the parameters (host arrays).

    Subclasses define ``output_size(in_size)``, ``_init_params(rng)``, ``_keras_weights()``,
    ``_from_keras(weights)``, ``forward``, ``backward`` and ``get_config``.
    """

    #: The prefix of automatic names (``dense_1``, ``activation_2``, ...).
    prefix = "layer"

    def __init__(self, input_dim=None, input_shape=None, name=None):
        where = type(self).__name__
        self.input_dim = _input_dim(where, input_dim, input_shape)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{where}: name must be a str; got {type(name).__name__}")
        self.name = name
        self.built = False
        self.in_size = None
        self.dtype = None
        self._params = ()

    # sizes and building --------------------------------------------------------------------------
    def output_size(self, in_size):
        return in_size

    def build(self, in_size, rng, dtype):
        """Create the parameters for inputs of size ``in_size`` (drawn from ``rng``)."""
        self.in_size, self.dtype = int(in_size), np.dtype(dtype)
        self._params = tuple(np.ascontiguousarray(p, dtype=self.dtype) for p in self._init_params(rng))
        self.built = True

    def _init_params(self, rng):
        return ()

    @property
    def params(self):
        """The parameters in the primitives' layout (host arrays; what ``forward`` takes)."""
        return self._params

    # Keras's weight API ----------------------------------------------------------------------------
    def weight_shapes(self):
        """The shapes ``get_weights`` returns (Keras's layout)."""
        return [w.shape for w in self._keras_weights()]

    def get_weights(self):
        """The layer's weights as NumPy arrays in Keras's layout (copies)."""
        self._require_built("get_weights")
        return [np.array(w, copy=True) for w in self._keras_weights()]

    def set_weights(self, weights):
        """Replace the weights, given in Keras's layout (as :meth:`get_weights` returns them).

        Raises
        ------
        ValueError
            For the wrong number of arrays, a wrong shape, or a non-numeric array.
        """
        where = f"{type(self).__name__}.set_weights"
        self._require_built("set_weights")
        want = self.weight_shapes()
        if not isinstance(weights, (list, tuple)) or len(weights) != len(want):
            got = f"{len(weights)} arrays" if isinstance(weights, (list, tuple)) else type(weights).__name__
            raise ValueError(f"{where}: layer {self.name!r} takes a list of {len(want)} arrays of shapes "
                             f"{_shapes(want)}; got {got}")
        checked = []
        for i, (w, shape) in enumerate(zip(weights, want)):
            w = np.asarray(w)
            if w.dtype.kind not in "fiu":
                raise ValueError(f"{where}: layer {self.name!r} weight {i} must be a real array; got {w.dtype}")
            if w.shape != tuple(shape):
                raise ValueError(f"{where}: layer {self.name!r} weight {i} must be {_shape(shape)}; "
                                 f"got {_shape(w.shape)}")
            checked.append(w.astype(self.dtype))
        self._params = tuple(np.ascontiguousarray(p) for p in self._from_keras(checked))

    def count_params(self):
        """The number of parameters (every one is trained)."""
        self._require_built("count_params")
        return int(sum(np.size(p) for p in self._params))

    def _keras_weights(self):
        return list(self._params)

    def _from_keras(self, weights):
        return tuple(weights)

    def _require_built(self, method):
        if not self.built:
            raise ValueError(f"{type(self).__name__}.{method}: layer {self.name!r} has no weights yet: its "
                             f"input size is unknown (give the first layer input_dim=..., or call fit)")

    # arithmetic ----------------------------------------------------------------------------------------
    def forward(self, B, x, params, skip_softmax=False):
        """``(a, cache)``: the layer's output for the batch ``x`` with ``params``."""
        raise NotImplementedError

    def backward(self, B, da, cache):
        """``(dx, grads)``: the gradient for the input and one gradient per parameter."""
        raise NotImplementedError

    def final_activation(self):
        """The last elementwise function the layer applies (``"linear"`` if none)."""
        return "linear"

    def get_config(self):
        config = {"name": self.name}
        if self.input_dim is not None:
            config["input_dim"] = self.input_dim
        return config

    def __repr__(self):
        return f"<{type(self).__name__} {self.name or ''}>".replace(" >", ">")


def _shape(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _shapes(shapes):
    return "[" + ", ".join(_shape(s) for s in shapes) + "]"


class Dense(Layer):
    r"""A fully connected layer, then an optional activation.

    .. math::

        \mathbf{a}' = \sigma(\mathbf{b}' + W'\mathbf{a})

    Both of the slides' spellings work: Keras 2's ``Dense(500, activation='sigmoid',
    input_dim=64)`` and Keras 1's ``Dense(input_dim=28*28, output_dim=500)`` followed by
    ``Activation('sigmoid')``. ``input_dim`` is needed on the first layer only (or not at
    all: :meth:`Sequential.fit <reference.keras.models.Sequential.fit>` then takes it from the
    data). The kernel starts Glorot-uniform, the bias at 0.

    Concept: model.dense


    Slides: 003 "Keras" (Step 1: define a set of function); 003 "Fully Connect
    Feedforward Network".

    Parameters
    ----------
    units : int >= 1 — the number of units (Keras 2); ``output_dim`` is Keras 1's name for it
    activation : str or None — one of :data:`ACTIVATION_NAMES`; None is ``"linear"``
    input_dim : int >= 1 or None — the input size (first layer); ``input_shape=(D,)`` also works
    name : str or None — a name for :meth:`~reference.keras.models.Sequential.summary` (default ``dense_<i>``)

    Weights (``get_weights``): ``[kernel (input_dim, units), bias (units,)]``.
    """

    prefix = "dense"

    def __init__(self, units=None, activation=None, *, input_dim=None, output_dim=None, input_shape=None,
                 name=None):
        if units is not None and output_dim is not None:
            raise TypeError(f"Dense: give units (Keras 2) or output_dim (Keras 1), not both; got "
                            f"units={units!r}, output_dim={output_dim!r}")
        if units is None and output_dim is None:
            raise TypeError("Dense: the number of units is missing: Dense(units) (Keras 2) or "
                            "Dense(output_dim=...) (Keras 1)")
        self.units = _positive_int("Dense", "units" if units is not None else "output_dim",
                                   units if units is not None else output_dim)
        self.activation = _activation("Dense", activation)
        super().__init__(input_dim, input_shape, name)

    def output_size(self, in_size):
        return self.units

    def _init_params(self, rng):
        kernel = _glorot_uniform(rng, self.in_size, self.units, np.float64)
        return kernel.T, np.zeros(self.units)

    def _keras_weights(self):
        W, b = self._params
        return [W.T, b]

    def _from_keras(self, weights):
        kernel, bias = weights
        return kernel.T, bias

    def forward(self, B, x, params, skip_softmax=False):
        W, b = params
        z, dense_cache = B.dense_forward(x, W, b, "linear")
        if skip_softmax and self.activation == "softmax":
            return z, (dense_cache, "linear", None)
        a, act_cache = _activation_forward(B, self.activation, z)
        return a, (dense_cache, self.activation, act_cache)

    def backward(self, B, da, cache):
        dense_cache, activation, act_cache = cache
        dz = _activation_backward(B, activation, da, act_cache)
        dx, dW, db = B.dense_backward(dz, dense_cache)
        return dx, (dW, db)

    def final_activation(self):
        return self.activation

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": self.activation}


class Activation(Layer):
    r"""An activation function applied to the previous layer's output, elementwise (softmax: per row).

    ``'sigmoid'``, ``'relu'``, ``'tanh'``, ``'linear'``, ``'leaky_relu'`` (slope 0.01 for
    :math:`z \le 0`, the slide's value; Keras's own default differs) and ``'softmax'``,
    :math:`y_i = e^{z_i} / \sum_j e^{z_j}`, the output layer for classification.

    Concept: act.sigmoid, act.relu, act.leaky_relu, model.softmax


    Slides: 003 "Keras" (``model.add( Activation('sigmoid') )``); 003 "Output Layer
    (Option)"; 003 "ReLU - variant".

    Parameters
    ----------
    activation : str — one of :data:`ACTIVATION_NAMES`
    input_dim, input_shape, name : as for :class:`Dense`
    """

    prefix = "activation"

    def __init__(self, activation, *, input_dim=None, input_shape=None, name=None):
        self.activation = _activation("Activation", activation)
        super().__init__(input_dim, input_shape, name)

    def forward(self, B, x, params, skip_softmax=False):
        if skip_softmax and self.activation == "softmax":
            return x, None
        return _activation_forward(B, self.activation, x)

    def backward(self, B, da, cache):
        if cache is None and self.activation == "softmax":   # skipped: the loss took the logits
            return da, ()
        return _activation_backward(B, self.activation, da, cache), ()

    def final_activation(self):
        return self.activation

    def get_config(self):
        return {**super().get_config(), "activation": self.activation}


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
    input_dim, input_shape, name : as for :class:`Dense` (the layer keeps its input's size)

    Weights (``get_weights``): ``[alpha (units,)]``.
    """

    prefix = "p_re_lu"

    def __init__(self, *, input_dim=None, input_shape=None, name=None):
        super().__init__(input_dim, input_shape, name)

    def _init_params(self, rng):
        return (np.full(self.in_size, PRELU_INITIAL_ALPHA),)

    def forward(self, B, x, params, skip_softmax=False):
        (alpha,) = params
        return B.prelu_forward(x, alpha)

    def backward(self, B, da, cache):
        dz, dalpha = B.prelu_backward(da, cache)
        return dz, (dalpha,)

    def final_activation(self):
        return "prelu"


class Maxout(Layer):
    r"""A maxout layer: a dense layer to ``units * k`` linear units, then the max of each group of ``k``.

    .. math::

        a_h = \max_{j < k} z_{hk + j}, \qquad \mathbf z = \mathbf b + W\mathbf a

    The activation function is learned: any piecewise linear convex function with up
    to ``k`` pieces; ReLU is the case ``k = 2`` with one unit of each group fixed at 0.
    Groups are ``k`` consecutive units (columns ``h*k .. h*k + k - 1`` of the kernel).

    Concept: act.maxout


    Slides: 003 "Maxout" ("ReLU is a special case of Maxout"; 2 or 3 elements in a group).

    Parameters
    ----------
    units : int >= 1 — the number of outputs (groups)
    k : int >= 2 — the group size
    input_dim, input_shape, name : as for :class:`Dense`

    Weights (``get_weights``): ``[kernel (input_dim, units * k), bias (units * k,)]``.
    """

    prefix = "maxout"

    def __init__(self, units, k=2, *, input_dim=None, input_shape=None, name=None):
        self.units = _positive_int("Maxout", "units", units)
        self.k = _positive_int("Maxout", "k", k, minimum=2)
        super().__init__(input_dim, input_shape, name)

    def output_size(self, in_size):
        return self.units

    def _init_params(self, rng):
        kernel = _glorot_uniform(rng, self.in_size, self.units * self.k, np.float64)
        return kernel.T, np.zeros(self.units * self.k)

    def _keras_weights(self):
        W, b = self._params
        return [W.T, b]

    def _from_keras(self, weights):
        kernel, bias = weights
        return kernel.T, bias

    def forward(self, B, x, params, skip_softmax=False):
        W, b = params
        z, dense_cache = B.dense_forward(x, W, b, "linear")
        a, max_cache = B.maxout_forward(z, self.k)
        return a, (dense_cache, max_cache)

    def backward(self, B, da, cache):
        dense_cache, max_cache = cache
        (dz,) = B.maxout_backward(da, max_cache)
        dx, dW, db = B.dense_backward(dz, dense_cache)
        return dx, (dW, db)

    def final_activation(self):
        return "maxout"

    def get_config(self):
        return {**super().get_config(), "units": self.units, "k": self.k}


#: Layer classes by name, for :func:`~reference.keras.load_model`.
LAYERS = {cls.__name__: cls for cls in (Dense, Activation, PReLU, Maxout)}

__all__ = ["Dense", "Activation", "PReLU", "Maxout", "ACTIVATION_NAMES"]
