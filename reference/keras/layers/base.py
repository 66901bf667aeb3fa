r"""The layer protocol of :mod:`reference.keras`: what a layer is, and what a new layer's author writes.

A layer is a description (its sizes, its activation, its initializers) plus its
parameters, held on the host between calls. Its arithmetic is always a backend's
primitives: ``forward`` and ``backward`` take the backend ``B`` and the parameters
explicitly, so that :meth:`~reference.keras.models.Sequential.fit` can keep the
parameters (and the optimizer's states) on the GPU for a whole run while the layer
keeps its own host copy.

Shapes never include the batch axis: a layer is built from the shape of *one
example*, ``(D,)`` for a feature vector, ``(C, H, W)`` for an image, ``(T, D)`` for a
sequence; the arrays it computes on have the batch axis in front, ``(N,) + shape``.
Keras prints that axis as ``None``: ``summary()`` shows ``(None, 25, 26, 26)``.

What a layer class defines
--------------------------
``prefix`` (class attribute)
    The stem of automatic names: ``dense`` gives ``dense_1``, ``dense_2``, ... in a model.
``param_names`` (class attribute)
    The names of its parameter arrays, in order: ``("kernel", "bias")``; ``()`` for none.
    A model keys each parameter as ``"<layer name>/<param name>"`` (``"dense_1/kernel"``),
    and everything that works on parameters (optimizers and their states, ``trainable``,
    ``get_weights``/``set_weights``, ``save``/``load_model``) goes by these names.
``regularizer_keywords`` (class attribute)
    Which parameter each regularizer keyword penalises: ``{"kernel_regularizer": "kernel",
    "bias_regularizer": "bias"}``; ``{}`` (the default) for a layer that takes none. The
    base ``__init__`` then accepts those keywords (and Keras 1's spellings listed in
    ``regularizer_aliases``, such as ``{"W_regularizer": "kernel_regularizer"}``), turns each
    value into a :class:`~reference.keras.regularizers.Regularizer` (or None) and keeps the
    mapping *parameter name -> regularizer*; the model adds each one's penalty to the loss
    and its gradient to that parameter's gradient, ``get_config`` writes them and
    ``layer.kernel_regularizer = l2(0.01)`` after construction takes effect at the next
    ``fit``. Nothing else is written for a new layer to be regularisable.
``__init__(self, ..., **kwargs)``
    Check and store the layer's own arguments, then call ``super().__init__(**kwargs)``,
    which takes the ones every layer shares: ``input_shape=`` (or ``input_dim=``, or
    Keras 1's ``batch_input_shape=``), ``name=``, ``trainable=`` and the regularizer
    keywords of ``regularizer_keywords``.
``compute_output_shape(self, input_shape)``
    The output shape for an input shape (both without the batch axis); default: the same.
    Raise ``ValueError`` here for an input shape the layer cannot take.
``init_params(self, input_shape, rng)``
    The initial parameters, one array per name of ``param_names``, in the *primitives'*
    layout, drawn from ``rng`` (the model's Generator) in float64; the layer casts them to
    the model's dtype. Default: no parameters.
``to_keras(self, index, param)`` and ``from_keras(self, index, weight)``
    Only where Keras's layout differs from the primitives' (``Dense`` keeps ``W`` as
    ``(units, D)`` for ``dense_forward`` and shows Keras's kernel ``(D, units)``). Default:
    the same array.
``forward(self, B, x, params, training=False, rng=None, *, logits=False)``
    Returns ``(out, cache)``: the batch's output, and whatever ``backward`` needs.
    ``training`` is True inside ``fit`` (a dropout layer drops units only then) and
    ``rng`` is then the model's Generator (draw masks and noise from it on the host and hand
    them to the primitives as data). ``logits=True`` asks the model's *last* layer for the
    scores before its final softmax or sigmoid, because the loss fuses that function with
    itself (``softmax_cross_entropy``, ``sigmoid_cross_entropy``); only a layer whose
    :meth:`final_activation` is such a function is ever asked.
``backward(self, B, dout, cache)``
    Returns ``(dx, grads)``: the gradient with respect to the input, and a tuple of one
    gradient per parameter (in ``param_names`` order), each the shape of its parameter.
``final_activation(self)``
    The name of the last elementwise function the layer applies (``"softmax"``,
    ``"sigmoid"``, ...), or ``"linear"``; default ``"linear"``.
``get_config(self)``
    The constructor's arguments as JSON-ready data, starting from ``super().get_config()``;
    ``type(layer)(**layer.get_config())`` must make an equal, unbuilt layer (that is how
    :func:`~reference.keras.models.load_model` rebuilds a model).

Every subclass is registered by its class name when it is defined, so that
``load_model`` finds it: a new layer is one class, and nothing else is edited.

A worked example: a layer that scales its input by a learned vector
----------------------------------------------------------------------
.. code-block:: python

    class Scale(Layer):
        '''out = x * gamma, one learned factor per feature (the last axis).'''
        prefix = "scale"
        param_names = ("gamma",)

        def init_params(self, input_shape, rng):
            return (np.ones(input_shape[-1]),)

        def forward(self, B, x, params, training=False, rng=None, *, logits=False):
            (gamma,) = params
            return x * gamma, (x, gamma)        # a real layer calls B's primitives here

        def backward(self, B, dout, cache):
            x, gamma = cache
            axes = tuple(range(x.ndim - 1))
            return dout * gamma, ((dout * x).sum(axis=axes),)

``Sequential([Dense(4, input_dim=3), Scale()])`` then trains ``scale_1/gamma`` with
the other parameters, saves and loads it, and freezes it with
``model.layers[1].trainable = False``. (Its arithmetic is NumPy's, so it runs on the
host backends only; a layer meant for every backend calls primitives.)
"""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

#: Every layer class by its class name (filled as each class is defined): what ``load_model`` reads.
LAYERS: dict[str, type] = {}


def _positive_int(where, name, value, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{where}: {name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def format_shape(shape):
    """``(3,)``, ``(3, 4)``: a shape as Python writes a tuple.

    Concept: model.dense
    """
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def format_shapes(shapes):
    """Several shapes as one list, ``[(3,), (3, 4)]`` (a layer with several inputs or outputs).

    Concept: model.dense
    """
    return "[" + ", ".join(format_shape(s) for s in shapes) + "]"


def batch_shape(shape):
    """A shape with Keras's batch axis in front: ``(None, 25, 26, 26)``.

    Concept: model.dense
    """
    return "(" + ", ".join(["None"] + [str(s) for s in shape]) + ")"


def example_shape(where, name, shape):
    """``shape`` (an int or a sequence of ints >= 1) as a tuple, one example's shape.

    Concept: model.dense
    """
    items = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if not items:
        raise ValueError(f"{where}: {name} must name at least one axis, such as (D,); got {shape!r}")
    return tuple(_positive_int(where, f"{name}[{i}]", s) for i, s in enumerate(items))


def declared_input_shape(where, input_shape=None, input_dim=None, batch_input_shape=None):
    """The input shape a layer is given, without the batch axis, or None when none is given.

    ``input_shape=(D,)`` or ``(C, H, W)`` (Keras 2), ``input_dim=D`` (Keras 1 and 2; the same
    as ``input_shape=(D,)``), ``batch_input_shape=(None, D)`` (Keras 1: the batch axis first,
    whose size is not fixed here). Given together, they must agree.

    Concept: model.dense
    """
    found = []
    if input_shape is not None:
        found.append(("input_shape", example_shape(where, "input_shape", input_shape)))
    if input_dim is not None:
        found.append(("input_dim", (_positive_int(where, "input_dim", input_dim),)))
    if batch_input_shape is not None:
        if not isinstance(batch_input_shape, (tuple, list)) or len(batch_input_shape) < 2:
            raise ValueError(f"{where}: batch_input_shape must be (batch, ...) with the batch size (or None) "
                             f"first, such as (None, 784); got {batch_input_shape!r}")
        batch = batch_input_shape[0]
        if batch is not None:
            _positive_int(where, "batch_input_shape[0]", batch)
        found.append(("batch_input_shape",
                      example_shape(where, "batch_input_shape[1:]", tuple(batch_input_shape[1:]))))
    if not found:
        return None
    (first, shape), *rest = found
    for other, other_shape in rest:
        if other_shape != shape:
            raise ValueError(f"{where}: {first} and {other} disagree: {format_shape(shape)} vs "
                             f"{format_shape(other_shape)} (without the batch axis)")
    return shape


def _flag(where, name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be True or False; got {value!r}")
    return bool(value)


def _constructing(init):
    """``init`` wrapped so that the layer counts as constructed once the outermost ``__init__`` returns."""
    @functools.wraps(init)
    def wrapped(self, *args, **kwargs):
        depth = self.__dict__.get("_init_depth", 0)
        object.__setattr__(self, "_init_depth", depth + 1)
        try:
            init(self, *args, **kwargs)
        finally:
            object.__setattr__(self, "_init_depth", depth)
        if depth == 0:
            object.__setattr__(self, "_constructed", True)
    return wrapped


class Layer:
    """The base of every layer: a name, a declared input shape, ``trainable``, and the parameters.

    See the module's docstring for the protocol a subclass implements.

    Parameters
    ----------
    input_shape : tuple of int or None — one example's shape (the first layer of a model)
    input_dim : int or None — Keras 1's ``input_dim=D``, the same as ``input_shape=(D,)``
    batch_input_shape : tuple or None — Keras 1's ``(None, D)``: the batch axis first
    name : str or None — default: ``<prefix>_<i>``, given by the model
    trainable : bool — False freezes the layer's parameters (``fit`` leaves them, and their
        optimizer state, unchanged)

    Attributes
    ----------
    built : bool — whether the parameters exist (the input shape is known)
    built_shape : tuple or None — the input shape the layer was built for (no batch axis)
    dtype : numpy.dtype or None — the parameters' dtype (the model's)
    """

    #: The stem of automatic names (``dense_1``, ``activation_2``, ...).
    prefix = "layer"
    #: The names of the parameter arrays, in order.
    param_names: tuple = ()
    #: Regularizer keyword -> the parameter it penalises (``{"kernel_regularizer": "kernel"}``).
    regularizer_keywords: dict = {}
    #: Other spellings (Keras 1's) of those keywords: ``{"W_regularizer": "kernel_regularizer"}``.
    regularizer_aliases: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            LAYERS[cls.__name__] = cls
        init = cls.__dict__.get("__init__")
        if init is not None:
            cls.__init__ = _constructing(init)

    def __getattr__(self, name):
        # Only called when the normal lookup fails: the regularizer keywords read the mapping.
        cls = type(self)
        keyword = cls.regularizer_aliases.get(name, name)
        if keyword in cls.regularizer_keywords and "_regularizers" in self.__dict__:
            return self.__dict__["_regularizers"].get(cls.regularizer_keywords[keyword])
        raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name, value):
        cls = type(self)
        keyword = cls.regularizer_aliases.get(name, name)
        if keyword in cls.regularizer_keywords and "_regularizers" in self.__dict__:
            self._set_regularizer(f"{cls.__name__}.{name}", name, keyword, value)
            return
        # After construction, a public attribute the layer does not have is refused rather than silently
        # ignored (``layer.trainble = False`` would freeze nothing).
        if (not name.startswith("_") and self.__dict__.get("_constructed", False)
                and name not in self.__dict__ and not hasattr(type(self), name)):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}: setting it would change "
                                 f"nothing (a typo? 'trainable' freezes a layer)")
        object.__setattr__(self, name, value)

    def __init__(self, *, input_shape=None, input_dim=None, batch_input_shape=None, name=None, trainable=True,
                 **regularizers):
        where = type(self).__name__
        object.__setattr__(self, "_regularizers", {})
        given = {}
        for arg, value in regularizers.items():
            keyword = self.regularizer_aliases.get(arg, arg)
            if keyword not in self.regularizer_keywords:
                known = ", ".join(list(self.regularizer_keywords) + list(self.regularizer_aliases))
                raise TypeError(f"{where}: unexpected keyword argument {arg!r}"
                                + (f" (its regularizer keywords: {known})" if known else ""))
            if keyword in given:
                first = given[keyword]
                raise TypeError(f"{where}: give {keyword} (Keras 2) or "
                                f"{first if first != keyword else arg} (Keras 1), not both; got "
                                f"{first}={regularizers[first]!r}, {arg}={value!r}")
            given[keyword] = arg
            self._set_regularizer(where, arg, keyword, value)
        self.declared_shape = declared_input_shape(where, input_shape, input_dim, batch_input_shape)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{where}: name must be a str; got {type(name).__name__}")
        if isinstance(name, str) and (not name or "/" in name):
            raise ValueError(f"{where}: name must be a non-empty str without '/' (it keys the parameters as "
                             f"'<name>/<param>'); got {name!r}")
        self.name = name
        self._trainable = _flag(where, "trainable", trainable)
        self.built = False
        self.built_shape = None
        self.dtype = None
        self._params = ()

    # -- shapes ------------------------------------------------------------------------------------
    @property
    def input_dim(self):
        """The declared input size D of ``input_dim=D`` / ``input_shape=(D,)``; None otherwise."""
        shape = self.declared_shape
        return shape[0] if shape is not None and len(shape) == 1 else None

    @property
    def input_shape(self):
        """Keras's input shape with the batch axis, ``(None, D)``; None before the layer is built."""
        return None if self.built_shape is None else (None,) + tuple(self.built_shape)

    @property
    def output_shape(self):
        """Keras's output shape with the batch axis, ``(None, units)``; None before the layer is built."""
        return None if self.built_shape is None else (None,) + tuple(self.compute_output_shape(self.built_shape))

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape`` (both without the batch axis)."""
        return tuple(input_shape)

    # -- building ------------------------------------------------------------------------------------
    def build(self, input_shape, rng, dtype):
        """Create the parameters for inputs of ``input_shape`` (one example's), drawn from ``rng``.

        Raises
        ------
        ValueError
            If the layer cannot take that shape (from :meth:`compute_output_shape`).
        """
        shape = example_shape(type(self).__name__, "input_shape", input_shape)
        self.compute_output_shape(shape)                 # refuses a shape the layer cannot take
        self.dtype = np.dtype(dtype)
        params = tuple(self.init_params(shape, rng))
        if len(params) != len(self.param_names):
            raise TypeError(f"{type(self).__name__}.init_params returned {len(params)} arrays for the "
                            f"{len(self.param_names)} names {self.param_names}")
        self._params = tuple(np.ascontiguousarray(p, dtype=self.dtype) for p in params)
        self.built_shape = shape
        self.built = True

    def init_params(self, input_shape, rng):
        """The initial parameters in the primitives' layout (float64 draws from ``rng``); none here."""
        return ()

    @property
    def params(self):
        """The parameters in the primitives' layout (host arrays; what ``forward`` takes), a tuple."""
        return self._params

    # -- trainable ------------------------------------------------------------------------------------
    @property
    def trainable(self):
        """Whether ``fit`` updates this layer's parameters (set False to freeze them)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = _flag(f"{type(self).__name__}.trainable", "trainable", value)

    @property
    def trainable_mask(self):
        """One bool per parameter array: whether ``fit`` updates it."""
        return (self._trainable,) * len(self._params)

    # -- regularizers ---------------------------------------------------------------------------------
    def _set_regularizer(self, where, arg, keyword, value):
        from .. import regularizers

        try:
            reg = regularizers.get(value)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where}: {arg}: {exc}") from None
        param = self.regularizer_keywords[keyword]
        if reg is None:
            self._regularizers.pop(param, None)
        else:
            self._regularizers[param] = reg

    @property
    def regularizers(self):
        """``{param name: regularizer}`` for the penalised parameters (a copy; ``{}`` for none)."""
        return dict(self.__dict__.get("_regularizers", {}))

    @property
    def param_regularizers(self):
        """One regularizer (or None) per parameter array, in ``param_names`` order."""
        regs = self.__dict__.get("_regularizers", {})
        return tuple(regs.get(name) for name in self.param_names)

    # -- Keras's weight API ------------------------------------------------------------------------------
    def to_keras(self, index, param):
        """Parameter ``index`` in Keras's layout (default: as it is)."""
        return param

    def from_keras(self, index, weight):
        """Parameter ``index`` from Keras's layout to the primitives' (default: as it is)."""
        return weight

    @property
    def weight_names(self):
        """The parameters' names, in the order of :meth:`get_weights`."""
        return tuple(self.param_names)

    def weight_shapes(self):
        """The shapes ``get_weights`` returns (Keras's layout)."""
        return [np.shape(self.to_keras(i, p)) for i, p in enumerate(self._params)]

    def get_weights(self):
        """The layer's weights as NumPy arrays in Keras's layout (copies), in ``param_names`` order."""
        self._require_built("get_weights")
        return [np.array(self.to_keras(i, p), copy=True) for i, p in enumerate(self._params)]

    @property
    def weights_by_name(self):
        """``{param name: weight}`` in Keras's layout (copies): ``{"kernel": ..., "bias": ...}``."""
        return dict(zip(self.weight_names, self.get_weights()))

    def set_weights(self, weights):
        """Replace the weights: a list in :meth:`get_weights` order, or a dict by name (some or all).

        Raises
        ------
        ValueError
            For the wrong number of arrays, an unknown name, a wrong shape, or a non-numeric
            array; nothing changes then.
        """
        where = f"{type(self).__name__}.set_weights"
        self._require_built("set_weights")
        want = self.weight_shapes()
        names = self.weight_names
        current = self.get_weights()
        if isinstance(weights, dict):
            unknown = [k for k in weights if k not in names]
            if unknown:
                raise ValueError(f"{where}: layer {self.name!r} has no weight named {unknown[0]!r}; its weights are "
                                 f"{', '.join(repr(n) for n in names) or 'none'}")
            weights = [weights.get(n, c) for n, c in zip(names, current)]
        if not isinstance(weights, (list, tuple)) or len(weights) != len(want):
            got = f"{len(weights)} arrays" if isinstance(weights, (list, tuple)) else type(weights).__name__
            raise ValueError(f"{where}: layer {self.name!r} takes a list of {len(want)} arrays of shapes "
                             f"{format_shapes(want)}; got {got}")
        checked = []
        for i, (w, shape) in enumerate(zip(weights, want)):
            w = np.asarray(w)
            if w.dtype.kind not in "fiu":
                raise ValueError(f"{where}: layer {self.name!r} weight {i} must be a real array; got {w.dtype}")
            if w.shape != tuple(shape):
                raise ValueError(f"{where}: layer {self.name!r} weight {i} must be {format_shape(shape)}; "
                                 f"got {format_shape(w.shape)}")
            checked.append(w.astype(self.dtype))
        self._set_params(tuple(self.from_keras(i, w) for i, w in enumerate(checked)))

    def _set_params(self, params):
        self._params = tuple(np.ascontiguousarray(p, dtype=self.dtype) for p in params)

    def count_params(self):
        """The number of parameters (trainable or not)."""
        self._require_built("count_params")
        return int(sum(np.size(p) for p in self._params))

    def count_trainable_params(self):
        """The number of parameters ``fit`` updates."""
        self._require_built("count_trainable_params")
        return int(sum(np.size(p) for p, t in zip(self._params, self.trainable_mask) if t))

    def _require_built(self, method):
        if not self.built:
            raise ValueError(f"{type(self).__name__}.{method}: layer {self.name!r} has no weights yet: its "
                             f"input size is unknown (give the first layer input_dim=..., or call fit)")

    # -- arithmetic ----------------------------------------------------------------------------------------
    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        """``(out, cache)``: the layer's output for the batch ``x`` with ``params``."""
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, B, dout, cache):
        """``(dx, grads)``: the gradient for the input and one gradient per parameter."""
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def final_activation(self):
        """The last elementwise function the layer applies (``"linear"`` if none)."""
        return "linear"

    # -- config ------------------------------------------------------------------------------------------
    def get_config(self):
        """The constructor's arguments as JSON-ready data (``type(layer)(**config)`` rebuilds it)."""
        config = {"name": self.name}
        shape = self.declared_shape
        if shape is not None:
            if len(shape) == 1:
                config["input_dim"] = shape[0]
            else:
                config["input_shape"] = list(shape)
        if not self._trainable:
            config["trainable"] = False
        from .. import regularizers

        regs = self.__dict__.get("_regularizers", {})
        for keyword, param in self.regularizer_keywords.items():
            if param in regs:
                config[keyword] = regularizers.serialize(regs[param])
        return config

    @classmethod
    def from_config(cls, config):
        """The layer :meth:`get_config` described (unbuilt)."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} {self.name or ''}>".replace(" >", ">")


def rows(shape):
    """The number of rows when every axis but the last is folded into the batch axis.

    Concept: model.dense
    """
    return math.prod(shape[:-1])


def as_matrix(x):
    """``x`` as a 2-D ``(rows, last axis)`` array (itself if 2-D): how a last-axis layer meets a primitive.

    Concept: model.dense
    """
    shape = tuple(x.shape)                     # a plain tuple: device arrays' shapes refuse negative indices
    return x if len(shape) == 2 else x.reshape((rows(shape), shape[-1]))


def as_shape(a, shape):
    """``a`` reshaped to ``shape`` (itself if it already is).

    Concept: model.dense
    """
    return a if tuple(a.shape) == tuple(shape) else a.reshape(tuple(shape))
