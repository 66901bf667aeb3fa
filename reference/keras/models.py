r"""``Sequential``: the slides' Keras model, written once on a backend's primitives.

A :class:`Sequential` is a stack of layers (:mod:`reference.keras.layers`) trained by
mini-batch gradient descent with an optimizer of :mod:`reference.keras.optimizers`.
Everything it computes is a call to the primitives of its backend
``B = accelerated.backend(backend)``: the same model runs on ``"reference"``,
``"cpu"`` or ``"cuda"``, and gives the same numbers up to rounding.

A ``Sequential`` is itself a layer (:class:`~reference.keras.layers.base.Layer`): it has
an input and an output shape, ``forward``/``backward`` and named parameters, so a model
can be added to another model. Its parameters are then named through it:
``"sequential_1/dense_1/kernel"``.

How ``fit`` trains
------------------
* **Fast path.** When the model is Dense layers, each followed by at most one
  ``Activation`` (or given ``activation=``) and preceded by at most one ``Dropout``
  (its masks drawn on the host per batch, as the generic path draws them, and handed to
  the fused epoch as data), the hidden ones sharing one activation of
  :data:`reference.network.ACTIVATIONS`, the last one in :data:`reference.network.OUTPUTS`
  (softmax, sigmoid or linear), on 2-D data, every layer trainable, the optimizer plain
  SGD (no momentum, no decay), the loss ``mse``, ``mae`` or categorical cross entropy with
  a softmax output, no weight regularizer (:mod:`reference.keras.regularizers`), and no
  callback asking for mini-batches, one epoch is one call of the
  fused primitive ``B.mlp_epoch`` (integer labels are one-hot encoded first).
* **Generic path.** Otherwise, batch by batch: the layers' ``forward`` in order (with
  ``training=True`` and the model's Generator), the loss of :mod:`reference.keras.losses`
  (fused with the last activation where it can be: ``B.softmax_cross_entropy`` or
  ``B.sigmoid_cross_entropy`` on the scores), the layers' ``backward`` in reverse, and the
  optimizer's rule per trainable parameter,
  ``B.<rule>_update(param, grad, state, eta=..., inplace=True)`` (see
  :mod:`reference.keras.optimizers`; the learning rate of the :math:`k`-th update is
  ``B.lr_schedule(lr, k, "inverse_time", decay)`` when the optimizer has a ``decay``).
  A frozen parameter (``layer.trainable = False``) is not updated, and its optimizer
  state stays as it was. A regularized parameter's penalty gradient
  (``reg.gradient(param)``, on the host) is added to its gradient before the update, and
  each batch's loss is the data loss plus the penalties of the weights its forward pass
  used (frozen ones included, as in Keras); ``evaluate`` and ``val_loss`` add the penalties
  too.

Both paths take the batches in the same order and compute the same formulas, so
they give the same numbers (the spec tests check it). On ``cuda`` the parameters and
the optimizer's states stay on the GPU for the whole of ``fit``; the fast path uploads
``x`` and ``y`` once per ``fit``, the generic path uploads each batch.

``fit`` reads the optimizer's learning rate at the start of every epoch, so a callback
that sets ``model.optimizer.lr`` (:class:`~reference.keras.callbacks.LearningRateScheduler`)
changes the next epoch's steps.

The optimizer's state (one per parameter array, from ``B.<rule>_init``) and the number
of updates so far belong to the model: ``compile`` resets them, a second ``fit``
continues from them (as in Keras), and :meth:`Sequential.save` /
:func:`load_model` carry them over, so that training resumes exactly where it stopped.

Bad data loses nothing: ``fit``, ``evaluate`` and ``predict`` refuse inputs and targets
that hold NaN or infinity (naming the argument and the first bad row), and a loss that
turns non-finite during ``fit`` stops it with a ``FloatingPointError``, the model keeping
the weights and optimizer state of its last finite epoch.

Differences from Keras, on purpose
----------------------------------
* ``history.history['accuracy']`` is the accuracy on the training data with the
  weights at the *end* of each epoch (one extra forward pass); Keras reports the
  running average over the epoch's batches while the weights change. ``'loss'`` follows
  Keras: the mean of the epoch's batch losses, each taken before its update, weighted
  by the batch's size.
* Labels may be one-hot ``(N, K)`` or integer classes ``(N,)`` for every categorical loss
  (integer labels are one-hot encoded first); ``'sparse_categorical_crossentropy'`` and
  ``'categorical_crossentropy'`` are the same loss here.
* A first layer without ``input_dim`` is allowed (as in Keras 2): the input shape is
  taken from the data at the first ``fit``, ``evaluate`` or ``predict`` (or
  :meth:`Sequential.build`); until then the model has no weights.
* The weights are float32 by default (Keras's ``floatx``); ``dtype="float64"`` gives
  float64. Inputs are converted to the model's dtype.
* ``evaluate`` and ``predict`` run all examples in one forward pass unless given a
  ``batch_size`` (Keras: 32). ``metrics=['acc']`` is logged as ``'acc'``/``'val_acc'``
  (Keras 1's keys), ``metrics=['accuracy']`` as ``'accuracy'``/``'val_accuracy'``.
  Accuracy is the argmax's hit rate, or for a single output the side of 0.5
  (per output for ``binary_crossentropy``).
* ``Activation('leaky_relu')`` has the slide's slope 0.01, and ``PReLU`` starts its
  slopes at 0.25 (He et al. 2015); Keras's defaults differ.
"""

from __future__ import annotations

import math
import numbers
import sys
import time

import numpy as np

from ..network import ACTIVATIONS, OUTPUTS
from . import losses as losses_module
from . import optimizers
from ._progress import Progress, format_logs
from .callbacks import CallbackList, History
from ..data.noise import dropout_mask
from .layers import Activation, Dense, Dropout, Layer
from .layers.base import batch_shape, example_shape, format_shape

#: The losses ``compile`` accepts by name (their aliases too; see :mod:`reference.keras.losses`).
LOSS_NAMES = losses_module.names()
#: The metrics ``compile`` accepts ("acc" is Keras 1's name for "accuracy", logged as "acc").
METRIC_NAMES = ("accuracy", "acc")


def _host(array):
    """A device array's host copy; host arrays unchanged."""
    if hasattr(array, "copy_to_host"):
        return array.copy_to_host()
    return np.asarray(array)


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


class _Training:
    """A model's optimizer state: the rule, the number of updates so far, one state per parameter array.

    ``states[i][j]`` belongs to ``layers[i].params[j]`` (the backend's arrays: on the GPU on ``cuda``).
    """

    __slots__ = ("rule", "iterations", "states")

    def __init__(self, rule, iterations, states):
        self.rule = rule
        self.iterations = iterations
        self.states = states


def _first_bad_row(where, arg, a):
    """Raise ValueError naming ``arg`` and its first row holding NaN or infinity, if any."""
    if a.dtype.kind != "f" or a.size == 0:
        return
    finite = np.isfinite(a)
    if finite.all():
        return
    rows = finite.reshape(a.shape[0], -1).all(axis=1) if a.ndim else finite.reshape(1)
    row = int(np.argmin(rows))
    bad = a[row] if a.ndim else a
    value = np.asarray(bad)[~np.isfinite(bad)].ravel()[0]
    raise ValueError(f"{where}: {arg} holds a non-finite value ({value}) in row {row}; clean or drop that row "
                     f"(nothing was trained or changed)")


def _warn_simulator(B):
    """Once per process (:func:`accelerated.warn_if_simulated`): the simulated cuda backend is for testing."""
    if B.name == "cuda":
        import accelerated

        accelerated.warn_if_simulated(stacklevel=3)


class Sequential(Layer):
    r"""A linear stack of layers, as in the slides' Keras: ``add``, ``compile``, ``fit``, ``evaluate``, ``predict``.

    .. math::

        y = f(x) = \sigma\big(W^L \cdots \sigma(W^2 \sigma(W^1 x + b^1) + b^2) \cdots + b^L\big)

    A model is also a layer: ``outer.add(inner)`` puts a whole model in another one (its
    parameters then named ``"<inner>/<layer>/<param>"``); ``model.trainable = False``
    freezes every layer in it.

    Concept: model.dense, batch.minibatch, batch.epoch, optim.sgd

    Slides: 003 "Keras" (the three steps: define a set of functions with ``add``, the
    goodness of a function with ``compile``, pick the best function with ``fit``; then
    ``evaluate`` and ``predict``).

    Parameters
    ----------
    layers : list of layers or None — added in order (Keras 2's ``Sequential([...])``)
    backend : str, a backend, or None — ``"reference"``, ``"cpu"``, ``"cuda"``; None reads
        ``SLIDESPEC_BACKEND`` (then ``"reference"``)
    seed : int, numpy.random.Generator or None — the one source of randomness: the initial
        weights (Glorot uniform, biases 0, or the layers' initializers), each epoch's shuffle,
        and what layers draw while training (dropout masks)
    dtype : "float32" (default, Keras's) or "float64" — the weights' dtype
    name : str or None

    Attributes
    ----------
    stop_training : bool — set True (by a callback) to end ``fit`` after the current epoch
    """

    prefix = "sequential"

    #: Set to False to make ``fit`` take the generic path always (for tests and comparisons).
    _fast_path = True

    def __init__(self, layers=None, *, backend=None, seed=None, dtype="float32", name=None):
        from accelerated import backend as get_backend

        if isinstance(layers, (str, numbers.Number)) or (layers is not None and not isinstance(layers, (list, tuple))):
            raise TypeError(f"Sequential: layers must be a list of layers or None; got {layers!r} "
                            f"(give the backend as backend=...)")
        self._B = get_backend(backend)
        if isinstance(seed, np.random.Generator):
            self._rng = seed
        elif seed is None or _is_int(seed):
            self._rng = np.random.default_rng(seed)
        else:
            raise TypeError(f"Sequential: seed must be an int, a numpy.random.Generator or None; got {seed!r}")
        try:
            self.dtype = np.dtype(dtype)
        except TypeError:
            self.dtype = None
        if self.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"Sequential: dtype must be 'float32' or 'float64'; got {dtype!r}")
        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ValueError(f"Sequential: name must be a non-empty str without '/'; got {name!r}")
        self._auto_named = name is None
        self.name = name or "sequential"
        self._trainable = True
        self.layers: list[Layer] = []
        self._counts: dict[str, int] = {}
        self._compiled = None
        self._training = None
        self.stop_training = False
        for layer in layers or ():
            self.add(layer)

    # -- structure --------------------------------------------------------------------------------------
    @property
    def backend(self):
        """The backend whose primitives the model calls."""
        return self._B

    @property
    def built(self) -> bool:
        """True when every layer has its weights (the input shape is known)."""
        return bool(self.layers) and all(layer.built for layer in self.layers)

    @property
    def declared_shape(self):
        """The input shape the first layer declares (``input_dim=``/``input_shape=``), or None."""
        return self.layers[0].declared_shape if self.layers else None

    @property
    def built_shape(self):
        """The shape of one input example, once the model is built (else None)."""
        return self.layers[0].built_shape if self.built else None

    @property
    def input_dim(self):
        """The input size D of 1-D examples, or None before it is known (or for other shapes)."""
        shape = self.built_shape
        return shape[0] if shape is not None and len(shape) == 1 else None

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    def _output_shape(self):
        """The output shape of one example (the model is built)."""
        return self.compute_output_shape(self.built_shape)

    def _output_size(self):
        return self._output_shape()[-1]

    def add(self, layer):
        """Append a layer (or a whole model). Its weights are drawn now if its input shape is known.

        Raises
        ------
        TypeError
            If ``layer`` is not a layer.
        ValueError
            If the layer's declared input shape differs from the previous layer's output shape,
            the layer is in the model already, or its name is taken.
        """
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: layer must be a layer (Dense, Activation, PReLU or Maxout, any "
                            f"layer of reference.keras.layers, or a Sequential); got {type(layer).__name__}")
        if layer is self or (isinstance(layer, Sequential) and layer._contains(self)):
            raise ValueError(f"Sequential.add: a model cannot contain itself ({layer.name!r})")
        if any(layer is other for other in self.layers):
            raise ValueError(f"Sequential.add: layer {layer.name!r} is already in the model; add a new layer")
        if isinstance(layer, Sequential):
            if not layer.layers:
                raise ValueError("Sequential.add: the model to add has no layers")
            if layer.built and layer.dtype != self.dtype:
                raise ValueError(f"Sequential.add: model {layer.name!r} has {layer.dtype} weights; this model is "
                                 f"{self.dtype} (make both with the same dtype=)")
        index = len(self.layers)
        if index and self.layers[-1].built:
            self._check_declared("Sequential.add", index, layer, self._out_shape(index - 1))
        if layer.name is None or (isinstance(layer, Sequential) and layer._auto_named):
            self._counts[layer.prefix] = self._counts.get(layer.prefix, 0) + 1
            layer.name = f"{layer.prefix}_{self._counts[layer.prefix]}"
            if isinstance(layer, Sequential):
                layer._auto_named = False
        if any(layer.name == other.name for other in self.layers):
            raise ValueError(f"Sequential.add: the name {layer.name!r} is taken by layer "
                             f"{[o.name for o in self.layers].index(layer.name)}; names key the parameters "
                             f"('{layer.name}/...') and must be unique in a model")
        self.layers.append(layer)
        self._training = None            # the optimizer's states no longer fit the parameters
        if layer.built:
            return
        if index == 0 and layer.declared_shape is not None:
            layer.build(layer.declared_shape, self._rng, self.dtype)
        elif index and self.layers[index - 1].built:
            layer.build(self._out_shape(index - 1), self._rng, self.dtype)

    def _contains(self, model):
        return any(layer is model or (isinstance(layer, Sequential) and layer._contains(model))
                   for layer in self.layers)

    def build(self, input_shape=None, rng=None, dtype=None):
        """Draw every layer's weights for examples of ``input_shape``.

        As a model: ``build(D)``, ``build((None, D))`` or ``build((None, C, H, W))`` (Keras's
        batch axis first, as ``None``). As a layer inside another model (``rng`` and ``dtype``
        given): ``input_shape`` is one example's shape, and the weights are drawn from ``rng``.
        """
        where = "Sequential.build"
        if rng is None:
            if input_shape is None and self.declared_shape is not None:
                shape = self.declared_shape
            elif _is_int(input_shape):
                shape = example_shape(where, "input_shape", input_shape)
            elif isinstance(input_shape, (tuple, list)) and len(input_shape) >= 2 and input_shape[0] is None:
                shape = example_shape(where, "input_shape[1:]", tuple(input_shape[1:]))
            else:
                raise ValueError(f"{where}: input_shape must be D or (None, D) (or (None, C, H, W), ...: the batch "
                                 f"axis first, as None) with sizes >= 1; got {input_shape!r}")
            self._build(where, shape, "the given input shape")
            return
        self.dtype = np.dtype(dtype)
        self._build(where, example_shape(where, "input_shape", input_shape), "its input", rng)

    def _out_shape(self, index):
        layer = self.layers[index]
        return tuple(layer.compute_output_shape(layer.built_shape))

    def _check_declared(self, where, index, layer, shape, source=None):
        declared = layer.declared_shape
        if declared is None or declared == tuple(shape):
            return
        source = source or (f"the output size of layer {index - 1} ({self.layers[index - 1].name})"
                            if len(shape) == 1 else f"the output of layer {index - 1} ({self.layers[index - 1].name})")
        named = f"{layer.name}, {type(layer).__name__}" if layer.name else type(layer).__name__
        if len(declared) == 1 and len(shape) == 1:
            raise ValueError(f"{where}: layer {index} ({named}) has input_dim={declared[0]}, but its input "
                             f"has size {shape[0]} ({source})")
        raise ValueError(f"{where}: layer {index} ({named}) has input_shape={format_shape(declared)}, but its "
                         f"input has shape {format_shape(shape)} ({source})")

    def _build(self, where, shape, source, rng=None):
        if not self.layers:
            raise ValueError(f"{where}: the model has no layers; add some with model.add(Dense(...))")
        rng = self._rng if rng is None else rng
        shape = tuple(shape)
        for index, layer in enumerate(self.layers):
            if layer.built:
                if tuple(layer.built_shape) != shape:
                    want, got = layer.built_shape, shape
                    what = (f"inputs of size {want[0]}; got size {got[0]}" if len(want) == len(got) == 1 else
                            f"inputs of shape {format_shape(want)}; got shape {format_shape(got)}")
                    hint = (f" (flatten each example: x.reshape(len(x), -1))"
                            if len(got) > len(want) and index == 0 else "")
                    raise ValueError(f"{where}: layer {index} ({layer.name}, {type(layer).__name__}) expects "
                                     f"{what} ({source}){hint}")
            else:
                self._check_declared(where, index, layer, shape, source if index == 0 else None)
                try:
                    layer.build(shape, rng, self.dtype)
                except ValueError as exc:
                    raise ValueError(f"{where}: layer {index} ({layer.name}, {type(layer).__name__}) cannot take "
                                     f"inputs of shape {format_shape(shape)}: {exc}") from None
            shape = tuple(layer.compute_output_shape(shape))

    def _output_activation(self):
        """The model's last non-identity function: what its outputs are (probabilities or not)."""
        for layer in reversed(self.layers):
            if isinstance(layer, Sequential):
                activation = layer._output_activation()
            else:
                activation = layer.final_activation()
            if isinstance(layer, Activation) and activation == "linear":
                continue
            return activation
        return "linear"

    # -- the layer protocol (a model inside another model) ------------------------------------------------
    @property
    def param_names(self):
        """Every parameter's name through the layers: ``("dense_1/kernel", "dense_1/bias", ...)``."""
        return tuple(f"{layer.name}/{n}" for layer in self.layers for n in layer.param_names)

    @property
    def params(self):
        """Every layer's parameters, in order, as one flat tuple (the primitives' layout)."""
        return tuple(p for layer in self.layers for p in layer.params)

    def _set_params(self, params):
        start = 0
        for layer in self.layers:
            count = len(layer.params)
            layer._set_params(tuple(params[start:start + count]))
            start += count

    def _split(self, flat):
        grouped, start = [], 0
        for layer in self.layers:
            grouped.append(tuple(flat[start:start + len(layer.params)]))
            start += len(layer.params)
        return grouped

    def to_keras(self, index, param):
        for layer in self.layers:
            if index < len(layer.params):
                return layer.to_keras(index, param)
            index -= len(layer.params)
        raise IndexError(index)

    def from_keras(self, index, weight):
        for layer in self.layers:
            if index < len(layer.params):
                return layer.from_keras(index, weight)
            index -= len(layer.params)
        raise IndexError(index)

    @property
    def weight_names(self):
        return self.param_names

    def init_params(self, input_shape, rng):            # pragma: no cover - build() draws through the layers
        raise TypeError("Sequential draws its parameters through its layers (build)")

    @property
    def trainable(self):
        """Whether ``fit`` updates the model's parameters; setting it sets every layer's ``trainable``."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"Sequential.trainable: trainable must be True or False; got {value!r}")
        self._trainable = bool(value)
        for layer in self.layers:
            layer.trainable = bool(value)

    @property
    def trainable_mask(self):
        return tuple(t and self._trainable for layer in self.layers for t in layer.trainable_mask)

    @property
    def param_regularizers(self):
        """One regularizer (or None) per parameter array, through the layers (the order of ``params``)."""
        return tuple(r for layer in self.layers for r in layer.param_regularizers)

    @property
    def regularizers(self):
        """``{"dense_1/kernel": regularizer, ...}``: the penalised parameters by their names through the layers."""
        return {name: reg for name, reg in zip(self.param_names, self.param_regularizers) if reg is not None}

    def forward(self, B, x, params, training=False, rng=None, *, logits=False):
        """The layers' forward passes in order (see :class:`~reference.keras.layers.base.Layer`)."""
        return self._forward(self._split(params), x, training, logits, B=B, rng=rng)

    def backward(self, B, dout, cache):
        """The layers' backward passes in reverse; the gradients flat, in the order of ``params``."""
        grads = [()] * len(self.layers)
        for index in reversed(range(len(self.layers))):
            dout, grads[index] = self.layers[index].backward(B, dout, cache[index])
        return dout, tuple(g for layer_grads in grads for g in layer_grads)

    def final_activation(self):
        return self.layers[-1].final_activation() if self.layers else "linear"

    # -- compile ------------------------------------------------------------------------------------
    @property
    def optimizer(self):
        """The optimizer given to :meth:`compile` (None before): its hyperparameters, not its state."""
        return None if self._compiled is None else self._compiled["optimizer"]

    @property
    def metrics_names(self):
        """The names of :meth:`evaluate`'s values: ``['loss']``, or ``['loss', 'accuracy']`` (``'acc'``)."""
        if self._compiled is None:
            return []
        return ["loss"] + list(self._compiled["metrics"])

    def compile(self, optimizer="sgd", loss=None, metrics=None):
        r"""Choose the loss, the optimizer and the metrics (step 2 and step 3.1 of the slides).

        Compiling starts the optimizer afresh: its states (velocities, running means,
        step counts) and the count of updates that ``decay`` uses begin at zero at the
        next ``fit``.

        Concept: loss.mse, loss.cross_entropy, optim.sgd, optim.adam

        Slides: 003 "Keras" (Step 2: goodness of function; Step 3.1: Configuration);
        003 "Choosing Proper Loss".

        Parameters
        ----------
        optimizer : an optimizer of :mod:`reference.keras.optimizers` (``SGD(lr=0.1)``, ``Adam()``, ...)
            or one of the names :data:`~reference.keras.optimizers.OPTIMIZER_NAMES` (``"sgd"``,
            ``"adam"``, ..., in any case: that optimizer with Keras's defaults)
        loss : a name of :mod:`reference.keras.losses` — ``"mse"``, ``"mae"``,
            ``"categorical_crossentropy"``, ``"sparse_categorical_crossentropy"``,
            ``"binary_crossentropy"`` (also ``"mean_squared_error"``, ``"mean_absolute_error"``),
            or a :class:`~reference.keras.losses.Loss`
        metrics : None or a list: ``["accuracy"]`` (or Keras 1's ``["acc"]``, logged as ``acc``)

        Raises
        ------
        ValueError
            For an unknown loss, optimizer name or metric (the message lists the valid
            ones), a model without layers, or a loss whose outputs the model does not give
            (categorical cross entropy needs a softmax or sigmoid, binary cross entropy a sigmoid).
        """
        where = "Sequential.compile"
        if not self.layers:
            raise ValueError(f"{where}: the model has no layers; add some with model.add(Dense(...))")
        if loss is None:
            raise ValueError(f"{where}: loss is missing; give one of {', '.join(repr(n) for n in LOSS_NAMES)}")
        loss_fn = losses_module.get(loss, where)
        opt = optimizers._get(optimizer, where)
        if metrics is None:
            metrics = []
        if isinstance(metrics, str) or not isinstance(metrics, (list, tuple)):
            raise TypeError(f"{where}: metrics must be a list such as ['accuracy']; got {metrics!r}")
        names = []
        for metric in metrics:
            if metric not in METRIC_NAMES:
                valid = ", ".join(repr(m) for m in METRIC_NAMES)
                raise ValueError(f"{where}: metrics may hold {valid}; got {metric!r}")
            if metric not in names:
                names.append(metric)
        compiled = {"loss": loss_fn.name, "loss_fn": loss_fn, "optimizer": opt, "metrics": names}
        self._check_compiled(where, compiled)
        self._compiled = compiled
        self._training = None

    def _check_compiled(self, where, compiled):
        loss = compiled["loss_fn"]
        message = loss.check(self._output_activation())
        if message is None and loss.needs == (loss.fuses,) and self.layers[-1].final_activation() != loss.fuses:
            message = (f"loss {loss.name!r} takes the {loss.fuses}'s scores: the model's last layer must be the "
                       f"{loss.fuses} (Activation({loss.fuses!r}) or activation={loss.fuses!r})")
        if message is not None:
            raise ValueError(f"{where}: {message}")

    def _require_compiled(self, where):
        if self._compiled is None:
            raise RuntimeError(f"{where}: the model is not compiled; call model.compile(loss=..., "
                               f"optimizer=...) first")
        self._check_compiled(where, self._compiled)
        return self._compiled

    # -- data ---------------------------------------------------------------------------------------
    def _inputs(self, where, x, arg="x"):
        """``x`` as a C-contiguous (N, ...) array of the model's dtype; builds the model from its shape if needed."""
        if x is None:
            raise ValueError(f"{where}: {arg} is missing; give an (N, D) array")
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise ValueError(f"{where}: {arg} must be a real (N, D) array; got dtype {x.dtype}")
        if x.ndim < 2:
            raise ValueError(f"{where}: {arg} must be (N, D), one row per example; got shape {x.shape}")
        if x.size == 0:
            raise ValueError(f"{where}: {arg} must not be empty; got shape {x.shape}")
        if not self.layers:
            raise ValueError(f"{where}: the model has no layers; add some with model.add(Dense(...))")
        source = (f"{arg} has {x.shape[1]} features, shape {x.shape}" if x.ndim == 2 else
                  f"{arg} has examples of shape {format_shape(x.shape[1:])}, shape {x.shape}")
        self._build(where, x.shape[1:], source)
        _first_bad_row(where, arg, x)
        return np.ascontiguousarray(x, dtype=self.dtype)

    def _targets(self, where, y, n, arg="y"):
        """``y`` as targets of the output's shape: one-hot/real rows as given, integer class labels one-hot encoded."""
        from ..data import onehot

        shape = self._output_shape()
        K = shape[-1]
        lead = tuple(shape[:-1])
        categorical = self._compiled is None or self._compiled["loss_fn"].categorical
        full = (n,) + tuple(shape)
        if lead:
            expect = (f"targets {full} or integer class labels {(n,) + lead} in 0..{K - 1}"
                      if K > 1 and categorical else f"targets {full}")
        else:
            expect = (f"one-hot targets ({n}, {K}) or integer class labels ({n},) in 0..{K - 1}"
                      if K > 1 and categorical else (f"targets ({n}, 1) or ({n},)" if K == 1 else
                                                     f"targets ({n}, {K})"))
        if y is None:
            raise ValueError(f"{where}: {arg} is missing; give {expect}")
        y = np.asarray(y)
        if y.dtype.kind not in "biuf":
            raise ValueError(f"{where}: {arg} must be {expect}; got dtype {y.dtype}")
        if y.ndim == 0 or y.shape[0] != n:
            raise ValueError(f"{where}: {arg} must have one row per example ({n}, the rows of x); got shape {y.shape}")
        _first_bad_row(where, arg, y)
        labels_shape = (n,) + lead
        if (K > 1 and categorical and y.dtype.kind in "iu"
                and (y.shape == labels_shape or y.shape == labels_shape + (1,))):
            labels = y.reshape(labels_shape)
            low, high = int(labels.min()), int(labels.max())
            if low < 0 or high >= K:
                raise ValueError(f"{where}: {arg} holds integer class labels in [{low}, {high}], but the model "
                                 f"has {K} outputs: labels must be in 0..{K - 1}")
            return onehot(labels.reshape(-1), K, dtype=self.dtype).reshape(full)
        if y.shape == full:
            return np.ascontiguousarray(y, dtype=self.dtype)
        if K == 1 and y.shape == labels_shape:
            return np.ascontiguousarray(y.reshape(full), dtype=self.dtype)
        hint = (f" (class labels must be integers: {arg}.astype(int))"
                if y.shape == labels_shape and y.dtype.kind == "f" and categorical else "")
        raise ValueError(f"{where}: {arg} must be {expect}, to match the model's {K} outputs; got "
                         f"{y.dtype} {y.shape}{hint}")

    # -- arithmetic on the primitives ----------------------------------------------------------------
    def _upload(self, copy=False):
        """The parameters on the backend (``copy``: new arrays, which ``fit`` may update in place)."""
        B = self._B
        return [tuple(B.to_device(np.array(p, copy=True) if copy else p) for p in layer.params)
                for layer in self.layers]

    def _fused(self, compiled):
        """Whether the loss takes the last layer's scores (its softmax or sigmoid fused with the loss)."""
        fuses = compiled["loss_fn"].fuses
        return fuses is not None and self.layers[-1].final_activation() == fuses

    def _forward(self, params, x, training=False, logits=False, B=None, rng=None):
        B = self._B if B is None else B
        last = len(self.layers) - 1
        a = x
        caches = []
        for index, (layer, p) in enumerate(zip(self.layers, params)):
            a, cache = layer.forward(B, a, p, training, rng, logits=logits and index == last)
            caches.append(cache)
        return a, caches

    def _loss(self, out, t, compiled, fused):
        """``(L, dL/dout)``: the compiled loss on outputs of any shape (folded to rows of the last axis)."""
        if len(out.shape) == 2:
            return compiled["loss_fn"](self._B, out, t, fused)
        from .layers.base import as_matrix, as_shape

        L, d = compiled["loss_fn"](self._B, as_matrix(out), as_matrix(t), fused)
        return L, as_shape(d, out.shape)

    def _penalty(self, params):
        """The regularizers' penalty of ``params`` (the backend's arrays, grouped by layer), a float.

        Each regularizer is evaluated on a host copy of its parameter (in float64, cast to the
        model's dtype); the sum over the parameters is a Python float. Frozen parameters count too
        (as in Keras, where a layer's penalties are part of the model's loss whatever ``trainable`` is).
        """
        B = self._B
        total = 0.0
        for layer, layer_params in zip(self.layers, params):
            for p, reg in zip(layer_params, layer.param_regularizers):
                if reg is not None:
                    total += float(reg(_host(B.to_host(p))))
        return total

    def _score(self, params, x, t, compiled, want_loss=True, batch_size=None, on_device=None):
        """``(loss, accuracy)`` of ``params`` on host arrays ``x``, ``t`` (accuracy None without the metric).

        The loss is the data loss's mean over the examples plus the regularizers' penalty of ``params``
        (as Keras's ``evaluate`` and ``val_loss`` report it).

        ``on_device``: ``(x, t)`` already uploaded (used when ``batch_size`` is None).
        """
        B = self._B
        fused = self._fused(compiled)
        n = x.shape[0]
        step = n if batch_size is None else batch_size
        total, correct, count = 0.0, 0, 0
        for start in range(0, n, step):
            xs, ts = x[start:start + step], t[start:start + step]
            xs_d, ts_d = on_device if on_device is not None and step == n else (B.to_device(xs), None)
            out, _ = self._forward(params, xs_d, logits=fused)
            if want_loss:
                L, _ = self._loss(out, B.to_device(ts) if ts_d is None else ts_d, compiled, fused)
                total += float(L) * xs.shape[0]
            if compiled["metrics"]:
                hits, seen = _correct(_host(B.to_host(out)), ts, fused and compiled["loss_fn"].fuses,
                                      compiled["loss_fn"].accuracy)
                correct += hits
                count += seen
        loss = total / n + self._penalty(params) if want_loss else None
        accuracy = correct / count if compiled["metrics"] else None
        return loss, accuracy

    def _fast_plan(self, compiled, x_ndim=2, callbacks=None):
        """The ``mlp_epoch`` arguments when ``fit`` can take the fast path, else None.

        Dense layers (each with its activation, or a linear one followed by an Activation), each
        optionally preceded by one Dropout (of the network's input, or of the layer below's
        output). A Dropout with a rate > 0 puts ``"rates"`` (one per Dense, 0 where there is none)
        in the plan; :meth:`_fast_epoch` then draws the masks. A Dropout after the last Dense, two
        in a row, or one between a Dense and its Activation leave the fast path.
        """
        opt = compiled["optimizer"]
        if not self._fast_path or opt.rule != "sgd" or opt.decay or x_ndim != 2:
            return None
        if callbacks is not None and callbacks.wants_batches:
            return None
        if not all(self.trainable_mask):
            return None
        if any(reg is not None for reg in self.param_regularizers):   # mlp_epoch has no penalty term
            return None
        acts, rates, open_dense, pending = [], [], False, None
        for layer in self.layers:
            if type(layer) is Dense:
                acts.append(layer.activation)
                rates.append(0.0 if pending is None else pending)
                open_dense, pending = True, None
            elif type(layer) is Dropout and pending is None:
                open_dense, pending = False, layer.rate
            elif type(layer) is Activation and open_dense:
                open_dense = False
                if acts[-1] == "linear":
                    acts[-1] = layer.activation
                elif layer.activation != "linear":
                    return None
            else:
                return None
        if pending is not None:                  # a Dropout after the last Dense: not an input of a layer
            return None
        *hidden, output = acts
        if any(h != acts[0] for h in hidden) or (hidden and hidden[0] not in ACTIVATIONS):
            return None
        if output not in OUTPUTS:
            return None
        loss = compiled["loss_fn"].fast_loss(output)
        if loss is None:
            return None
        plan = {"activation": hidden[0] if hidden else "sigmoid", "output": output, "loss": loss}
        if any(rate > 0 for rate in rates):
            plan["rates"] = tuple(rates)
        return plan

    def _dropout_masks(self, params, n, batch_size, rates):
        """The epoch's dropout masks, one (n, H_{l-1}) host array per Dense (None where its rate is 0).

        Drawn from the model's Generator batch by batch and, within a batch, layer by layer from
        the input up: the draws the generic path's Dropout layers make, in the same order, so both
        paths see the same masks. Row ``i`` is the mask of the ``i``-th example of the epoch.
        """
        widths = [layer_params[0].shape[1] for layer_params in params if layer_params]
        parts = [[] if rate > 0 else None for rate in rates]
        for start in range(0, n, batch_size):
            nb = min(batch_size, n - start)
            for width, rate, part in zip(widths, rates, parts):
                if part is not None:
                    part.append(dropout_mask(self._rng, (nb, width), rate, dtype=self.dtype))
        return [None if part is None else np.concatenate(part) if len(part) > 1 else part[0] for part in parts]

    def _fast_epoch(self, params, x_d, t_d, order, batch_size, eta, plan, masks=None):
        B = self._B
        flat = [p for layer_params in params for p in layer_params]
        if "rates" in plan:
            plan = dict(plan, masks=masks)
        flat, losses = B.mlp_epoch(x_d, t_d, *flat, order=order, batch_size=batch_size, eta=eta, **plan)
        flat = list(flat)
        grouped = []
        for layer_params in params:
            grouped.append(tuple(flat[:len(layer_params)]))
            del flat[:len(layer_params)]
        return grouped, np.asarray(_host(B.to_host(losses)), dtype=np.float64)

    def _generic_epoch(self, params, training, x, t, order, batch_size, compiled, eta, callbacks=None,
                       on_batches=None):
        """One epoch batch by batch; returns ``(params, losses)``, or stops at a non-finite loss.

        A non-finite batch loss ends the epoch at once: ``losses`` then ends with it (the caller
        rolls back).
        """
        B = self._B
        opt = compiled["optimizer"]
        update, hyper = getattr(B, f"{training.rule}_update"), opt._hyper()
        fused = self._fused(compiled)
        masks = [layer.trainable_mask for layer in self.layers]
        regs = [layer.param_regularizers for layer in self.layers]
        regularized = any(r is not None for layer_regs in regs for r in layer_regs)
        batches = callbacks is not None and callbacks.wants_batches
        n = x.shape[0]
        losses = []
        for number, start in enumerate(range(0, n, batch_size)):
            if order is None:
                xb, tb = x[start:start + batch_size], t[start:start + batch_size]
            else:
                batch = order[start:start + batch_size]
                xb, tb = x[batch], t[batch]
            if batches:
                callbacks.on_batch_begin(number, {"batch": number, "size": xb.shape[0]})
            step = eta
            if opt.decay:                 # Keras's decay: eta / (1 + decay * updates so far)
                step = B.lr_schedule(eta, training.iterations, "inverse_time", opt.decay)
            out, caches = self._forward(params, B.to_device(xb), training=True, logits=fused, rng=self._rng)
            L, d = self._loss(out, B.to_device(tb), compiled, fused)
            # the batch's loss: the data loss plus the penalty of the weights this batch's forward pass used
            losses.append(float(L) + self._penalty(params) if regularized else float(L))
            if not math.isfinite(losses[-1]):
                if batches:
                    callbacks.on_batch_end(number, {"batch": number, "size": xb.shape[0], "loss": losses[-1]})
                return params, np.asarray(losses, dtype=np.float64)
            new_params, new_states = list(params), list(training.states)
            for index in reversed(range(len(self.layers))):
                d, grads = self.layers[index].backward(B, d, caches[index])
                if regularized:
                    grads = self._regularized_grads(params[index], grads, regs[index], masks[index])
                updated = [update(p, g, s, eta=step, **hyper, inplace=True) if trainable else (p, s)
                           for p, g, s, trainable in zip(params[index], grads, training.states[index],
                                                         masks[index])]
                new_params[index] = tuple(u[0] for u in updated)
                new_states[index] = tuple(u[1] for u in updated)
            params, training.states = new_params, new_states
            training.iterations += 1
            if batches:
                callbacks.on_batch_end(number, {"batch": number, "size": xb.shape[0], "loss": losses[-1]})
            if on_batches is not None:
                on_batches(number + 1, losses)
        return params, np.asarray(losses, dtype=np.float64)

    def _regularized_grads(self, layer_params, grads, layer_regs, mask):
        """``grads`` with each trainable regularized parameter's penalty gradient added (on the host, in the
        model's dtype: the data gradient plus ``reg.gradient(param)``, then uploaded)."""
        B = self._B
        out = []
        for p, g, reg, trainable in zip(layer_params, grads, layer_regs, mask):
            if reg is not None and trainable:
                g = B.to_device(np.ascontiguousarray(_host(B.to_host(g)) + reg.gradient(_host(B.to_host(p)))))
            out.append(g)
        return tuple(out)

    # -- training -----------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=None, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, *, initial_epoch=0, nb_epoch=None):
        r"""Train by mini-batch gradient descent (step 3.2 of the slides: find the optimal network parameters).

        .. math::

            \boldsymbol\theta^{k} \leftarrow \boldsymbol\theta^{k-1} - \eta\,\nabla L^k(\boldsymbol\theta^{k-1}),
            \qquad k = 1, \dots, \lceil N / B \rceil \text{ per epoch}

        (with plain SGD; the other optimizers replace this update by their rule, fed the
        same mini-batch gradients :math:`\nabla L^k`). Each epoch draws a fresh order from
        the model's Generator (``shuffle=True``), cuts it into batches of ``batch_size``
        (the last one smaller), and updates once per batch. ``validation_split`` keeps the
        *last* fraction of ``x``/``y`` out of training (before shuffling, as Keras does);
        ``validation_data`` takes precedence. A second ``fit`` continues the first: the
        optimizer's states and its count of updates carry over (``compile`` resets them).

        Concept: batch.minibatch, batch.epoch, gd.loop

        Slides: 003 "Keras" (``model.fit(x_train, y_train, batch_size=100, nb_epoch=20)``);
        003 "Mini-batch".

        Parameters
        ----------
        x : array (N, D) (or (N, ...) of the first layer's input shape)
        y : array (N, K) of targets (one-hot), or (N,) integer class labels
        batch_size : int >= 1 — default 32
        epochs : int >= 1 — the index at which training ends (default 1), as Keras: the epochs
            run are ``initial_epoch .. epochs - 1``; ``nb_epoch`` is Keras 1's name (give one of the two)
        verbose : 0 (silent), 1 ("Train on N samples", a line per epoch and, on a terminal, a
            progress bar) or 2 (a line per epoch)
        callbacks : None or a list of :class:`~reference.keras.callbacks.Callback`
        validation_split : float in [0, 1)
        validation_data : (x_val, y_val) or None
        shuffle : bool
        initial_epoch : int >= 0 — the epoch to start counting from (to resume a run)

        Returns
        -------
        History — ``history.history['loss']`` (the mean of the epoch's batch losses, each
        before its update, weighted by batch size, as Keras), ``'accuracy'`` (or ``'acc'``:
        on the training data with the weights at the end of the epoch; Keras averages over
        the batches instead), ``'val_loss'`` and ``'val_accuracy'`` (at the end of the epoch).

        Raises
        ------
        RuntimeError
            Before :meth:`compile`.
        ValueError, TypeError
            For bad data (wrong input shape for a layer, labels that fit neither form, NaN or
            infinity in ``x`` or ``y``, naming the first bad row) or bad arguments.
        FloatingPointError
            When the loss becomes NaN or infinite: training stops, and the model keeps the
            weights and optimizer state it had at the end of the last finite epoch.
        """
        where = "Sequential.fit"
        compiled = self._require_compiled(where)
        if nb_epoch is not None and epochs is not None:
            raise TypeError(f"{where}: give epochs (Keras 2) or nb_epoch (Keras 1), not both; got "
                            f"epochs={epochs!r}, nb_epoch={nb_epoch!r}")
        arg = "nb_epoch" if nb_epoch is not None else "epochs"
        epochs = nb_epoch if nb_epoch is not None else (1 if epochs is None else epochs)
        if not _is_int(epochs) or epochs < 1:
            raise ValueError(f"{where}: {arg} must be an integer >= 1; got {epochs!r}")
        if not _is_int(initial_epoch) or not 0 <= initial_epoch < epochs:
            raise ValueError(f"{where}: initial_epoch must be an integer in [0, {arg}) = [0, {epochs}); "
                             f"got {initial_epoch!r}")
        batch_size = 32 if batch_size is None else batch_size
        if not _is_int(batch_size) or batch_size < 1:
            raise ValueError(f"{where}: batch_size must be an integer >= 1; got {batch_size!r}")
        verbose = _verbose(where, verbose)
        callbacks = CallbackList(callbacks)
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"{where}: shuffle must be True or False; got {shuffle!r}")
        x = self._inputs(where, x)
        t = self._targets(where, y, x.shape[0])
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                got = type(validation_data).__name__
                if isinstance(validation_data, (tuple, list)):
                    got += f" of {len(validation_data)}"
                raise ValueError(f"{where}: validation_data must be a pair (x_val, y_val); got {got}")
            x_val = self._inputs(where, validation_data[0], "validation_data[0]")
            val = (x_val, self._targets(where, validation_data[1], x_val.shape[0], "validation_data[1]"))
        elif validation_split:
            if (isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real)
                    or not 0 <= validation_split < 1):
                raise ValueError(f"{where}: validation_split must be a number in [0, 1); got {validation_split!r}")
            split = int(x.shape[0] * (1.0 - validation_split))
            if split < 1 or split >= x.shape[0]:
                raise ValueError(f"{where}: validation_split={validation_split!r} of {x.shape[0]} examples leaves "
                                 f"{split} for training and {x.shape[0] - split} for validation; both need >= 1")
            x, x_val, t, t_val = x[:split], x[split:], t[:split], t[split:]
            val = (x_val, t_val)
        return self._train(x, t, val, epochs, initial_epoch, batch_size, verbose, shuffle, compiled, callbacks)

    def _optimizer_states(self, params, opt):
        """The model's optimizer state for the rule of ``opt``: kept from earlier fits, or new (zeros, 0 updates)."""
        training = self._training
        if training is None or training.rule != opt.rule or len(training.states) != len(params):
            init = getattr(self._B, f"{opt.rule}_init")
            training = _Training(opt.rule, 0, [tuple(init(p) for p in layer_params) for layer_params in params])
            self._training = training
        return training

    def _snapshot(self, params, training):
        """Host copies of the parameters and the optimizer state: what a failed epoch rolls back to."""
        B = self._B

        def host_state(state):
            if not hasattr(state, "_fields"):
                return state
            return type(state)(*(v if isinstance(v, (int, np.integer)) else np.array(_host(B.to_host(v)), copy=True)
                                 for v in state))
        return ([tuple(np.array(_host(B.to_host(p)), copy=True) for p in layer) for layer in params],
                training.iterations, [tuple(host_state(s) for s in layer) for layer in training.states])

    def _restore(self, snapshot, training):
        B = self._B
        params, iterations, states = snapshot

        def device_state(state):
            if not hasattr(state, "_fields"):
                return state
            return type(state)(*(v if isinstance(v, (int, np.integer)) else B.to_device(np.array(v)) for v in state))
        training.iterations = iterations
        training.states = [tuple(device_state(s) for s in layer) for layer in states]
        return [tuple(B.to_device(np.array(p)) for p in layer) for layer in params]

    def _train(self, x, t, val, epochs, initial_epoch, batch_size, verbose, shuffle, compiled, callbacks):
        B = self._B
        n = x.shape[0]
        opt = compiled["optimizer"]
        plan = self._fast_plan(compiled, x.ndim, callbacks)
        sizes = np.diff(np.append(np.arange(0, n, batch_size), n))
        history = History()
        callbacks.append(history)
        callbacks.set_model(self)
        callbacks.set_params({"epochs": epochs, "initial_epoch": initial_epoch, "batch_size": batch_size,
                              "samples": n, "steps": len(sizes), "verbose": verbose,
                              "do_validation": val is not None, "metrics": self.metrics_names,
                              "path": "fast" if plan else "generic"})
        _warn_simulator(B)
        progress = Progress(verbose, epochs, samples=n, validation=None if val is None else val[0].shape[0],
                            batches=_simulated(B))
        params = self._upload(copy=True)
        self.stop_training = False
        watched = len(callbacks) > 1             # more than the History
        failure = None
        try:
            training = self._optimizer_states(params, opt)
            if plan:
                x_d, t_d = B.to_device(x), B.to_device(t)
            val_d = None if val is None else (B.to_device(val[0]), B.to_device(val[1]))
            progress.begin(batch_size)
            callbacks.on_train_begin({})
            for epoch in range(initial_epoch, epochs):
                callbacks.on_epoch_begin(epoch, {})
                eta = _check_lr(opt)             # read every epoch: a callback may have set it
                started = time.perf_counter()
                order = self._rng.permutation(n) if shuffle else None
                snapshot = self._snapshot(params, training)
                if plan:
                    params, losses = self._fast_epochs(params, x_d, t_d, order, batch_size, eta, plan, progress, x, t)
                    training.iterations += len(sizes)
                else:
                    params, losses = self._generic_epoch(params, training, x, t, order, batch_size, compiled, eta,
                                                         callbacks, progress.batches_done if progress.batches
                                                         else None)
                if len(losses) < len(sizes) or not np.all(np.isfinite(losses)):
                    bad = int(np.argmin(np.isfinite(losses)))
                    params = self._restore(snapshot, training)
                    failure = (f"Sequential.fit: the loss became {losses[bad]} at batch {bad} of epoch {epoch + 1} "
                               f"(a learning rate too large, or values overflowing); training stopped, and the "
                               f"model keeps the weights and optimizer state of the end of "
                               + (f"epoch {epoch}" if epoch > initial_epoch else "the previous fit (or its start)"))
                    break
                logs = {"loss": float(np.dot(losses, sizes) / n)}
                names = compiled["metrics"]
                if names:
                    accuracy = self._score(params, x, t, compiled, want_loss=False,
                                           on_device=(x_d, t_d) if plan else None)[1]
                    logs.update({name: accuracy for name in names})
                if val is not None:
                    val_loss, val_accuracy = self._score(params, *val, compiled, on_device=val_d)
                    logs["val_loss"] = val_loss
                    logs.update({f"val_{name}": val_accuracy for name in names})
                progress.epoch(epoch + 1, time.perf_counter() - started, logs)
                if watched:                      # callbacks read (and may set) the weights: hand them over
                    self._download(params)
                    callbacks.on_epoch_end(epoch, logs)
                    params = self._upload(copy=True)
                else:
                    callbacks.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        finally:
            progress.end()
            self._download(params)
        if failure is not None:
            raise FloatingPointError(failure)
        callbacks.on_train_end({})
        return history

    def _download(self, params):
        """Give every layer the host copies of ``params`` (the backend's arrays fit trains)."""
        B = self._B
        for layer, layer_params in zip(self.layers, params):
            layer._set_params(tuple(_host(B.to_host(p)) for p in layer_params))

    def _fast_epochs(self, params, x_d, t_d, order, batch_size, eta, plan, progress, x, t):
        """One epoch of the fused path: one ``mlp_epoch``, or (to show progress on the simulator) a few, each on
        a run of whole batches of the epoch's order (those examples, in that order, uploaded): the same
        sequence of updates. With dropout, the epoch's masks are drawn first (:meth:`_dropout_masks`)
        and each call gets its rows."""
        n = x.shape[0]
        masks = self._dropout_masks(params, n, batch_size, plan["rates"]) if "rates" in plan else None
        if not progress.batches:
            return self._fast_epoch(params, x_d, t_d, order, batch_size, eta, plan, masks)
        B = self._B
        order = np.arange(n) if order is None else order
        steps = -(-n // batch_size)
        chunk = max(1, -(-steps // 10)) * batch_size
        all_losses = []
        for start in range(0, n, chunk):
            rows = order[start:start + chunk]
            part = None if masks is None else [None if m is None else m[start:start + chunk] for m in masks]
            params, losses = self._fast_epoch(params, B.to_device(np.ascontiguousarray(x[rows])),
                                              B.to_device(np.ascontiguousarray(t[rows])), None, batch_size, eta,
                                              plan, part)
            all_losses.extend(losses)
            progress.batches_done(len(all_losses), all_losses)
        return params, np.asarray(all_losses, dtype=np.float64)

    # -- using the model --------------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose=1):
        """The loss (and accuracy) on ``(x, y)``: ``[loss, accuracy]``, or the loss alone (a float) without metrics.

        Slides: 003 "Keras" (``score = model.evaluate(x_test, y_test)``; ``score[0]`` the
        total loss, ``score[1]`` the accuracy).

        Parameters
        ----------
        x, y : as for :meth:`fit`
        batch_size : int or None — examples per forward pass (None: all at once)
        verbose : 0 or 1 (one line ``loss: ... - accuracy: ...``) or 2

        Returns
        -------
        ``[loss, accuracy]`` (two floats; the names in :attr:`metrics_names`) when compiled with
        ``metrics=['accuracy']``, else ``loss`` (a float), as Keras.
        """
        where = "Sequential.evaluate"
        compiled = self._require_compiled(where)
        verbose = _verbose(where, verbose)
        batch_size = _batch(where, batch_size)
        x = self._inputs(where, x)
        t = self._targets(where, y, x.shape[0])
        loss, accuracy = self._score(self._upload(), x, t, compiled, batch_size=batch_size)
        logs = {"loss": loss}
        logs.update({name: accuracy for name in compiled["metrics"]})
        if verbose:
            print(f"{x.shape[0]}/{x.shape[0]} - {format_logs(logs)}", file=sys.stdout, flush=True)
        return [loss] + [accuracy] * len(compiled["metrics"]) if compiled["metrics"] else loss

    def predict(self, x, batch_size=None, verbose=0):
        """The outputs for ``x``: a host array (N, K) of the model's dtype (probabilities after a softmax).

        Slides: 003 "Keras" (``result = model.predict(x_test)``).
        """
        where = "Sequential.predict"
        _verbose(where, verbose)
        batch_size = _batch(where, batch_size)
        x = self._inputs(where, x)
        B = self._B
        params = self._upload()
        step = x.shape[0] if batch_size is None else batch_size
        outs = [_host(B.to_host(self._forward(params, B.to_device(x[s:s + step]))[0]))
                for s in range(0, x.shape[0], step)]
        return np.concatenate(outs, axis=0) if len(outs) > 1 else np.asarray(outs[0])

    def predict_proba(self, x, batch_size=None, verbose=0):
        """Keras 1's name for :meth:`predict` on a model whose outputs are probabilities."""
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def predict_classes(self, x, batch_size=None, verbose=0):
        """The predicted class of each example (Keras 1): the argmax ``(N,)``, or for one output ``(N, 1)``
        of 0/1 (the side of 0.5)."""
        out = self.predict(x, batch_size=batch_size, verbose=verbose)
        if out.shape[-1] == 1:
            return (out > 0.5).astype(np.int64)
        return np.argmax(out, axis=-1)

    # -- weights --------------------------------------------------------------------------------------
    def _require_built(self, where):
        if not self.layers:
            raise ValueError(f"{where}: the model has no layers; add some with model.add(Dense(...))")
        if not self.built:
            raise ValueError(f"{where}: the model has no weights yet: its input size is unknown (give the first "
                             f"layer input_dim=..., call model.build(D), or fit)")

    def get_weights(self):
        """Every layer's weights, in order, in Keras's layout (kernels ``(input_dim, units)``); copies."""
        self._require_built("Sequential.get_weights")
        return [w for layer in self.layers for w in layer.get_weights()]

    @property
    def weights_by_name(self):
        """``{"dense_1/kernel": ..., "dense_1/bias": ..., ...}``: every weight by its name (Keras's layout, copies)."""
        return dict(zip(self.param_names, self.get_weights()))

    def weight_shapes(self):
        return [s for layer in self.layers for s in layer.weight_shapes()]

    @property
    def optimizer_state_by_name(self):
        """``{"dense_1/kernel": state, ...}``: the optimizer's state of every parameter by its name (the rule's
        state tuples of the backend's arrays, in the primitives' layout), ``{}`` before the first ``fit``."""
        if self._training is None:
            return {}
        return dict(zip(self.param_names, (s for layer in self._training.states for s in layer)))

    def set_weights(self, weights):
        """Replace weights: all of them as a list (Keras's layout, the order of :meth:`get_weights`), or some or all
        by name as a dict (``{"dense_1/kernel": ...}``); nothing changes on error."""
        where = "Sequential.set_weights"
        self._require_built(where)
        shapes = self.weight_shapes()
        if isinstance(weights, dict):
            names = self.param_names
            unknown = [k for k in weights if k not in names]
            if unknown:
                raise ValueError(f"{where}: the model has no weight named {unknown[0]!r}; its weights are "
                                 f"{', '.join(repr(n) for n in names)}")
            current = self.get_weights()
            weights = [weights.get(n, c) for n, c in zip(names, current)]
        if not isinstance(weights, (list, tuple)) or len(weights) != len(shapes):
            got = f"{len(weights)} arrays" if isinstance(weights, (list, tuple)) else type(weights).__name__
            raise ValueError(f"{where}: the model has {len(shapes)} weight arrays; got {got}")
        saved = [layer.params for layer in self.layers]
        try:
            start = 0
            for layer in self.layers:
                count = len(layer.weight_shapes())
                layer.set_weights(list(weights[start:start + count]))
                start += count
        except ValueError as exc:
            for layer, params in zip(self.layers, saved):
                layer._set_params(params)
            raise ValueError(f"{where}: {exc}") from None

    def count_params(self):
        """The number of parameters of the model."""
        self._require_built("Sequential.count_params")
        return sum(layer.count_params() for layer in self.layers)

    def count_trainable_params(self):
        """The number of parameters ``fit`` updates."""
        self._require_built("Sequential.count_trainable_params")
        return int(sum(np.size(p) for p, t in zip(self.params, self.trainable_mask) if t))

    def summary(self, print_fn=None):
        """Print a table of the layers, as Keras: name (type), output shape ``(None, ...)``, parameter count; then
        the total, trainable and non-trainable counts."""
        self._require_built("Sequential.summary")
        if print_fn is None:
            def print_fn(line):
                print(line, file=sys.stdout)
        cells = [(f"{layer.name} ({type(layer).__name__})", batch_shape(self._out_shape(index)),
                  str(layer.count_params())) for index, layer in enumerate(self.layers)]
        # Keras's widths (29, 26), widened where a name or a shape is longer, so columns never run together.
        width = (max([29] + [len(c[0]) + 2 for c in cells]), max([26] + [len(c[1]) + 2 for c in cells]))
        total_width = max(65, width[0] + width[1] + 10)
        rule = "_" * total_width
        row = lambda a, b, c: f"{a:<{width[0]}}{b:<{width[1]}}{c}"  # noqa: E731
        lines = [f'Model: "{self.name}"', rule, row("Layer (type)", "Output Shape", "Param #"), "=" * total_width]
        for index, cell in enumerate(cells):
            lines.append(row(*cell))
            lines.append(rule if index == len(cells) - 1 else "")
        total, trainable = self.count_params(), self.count_trainable_params()
        lines[-1] = "=" * total_width
        lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                  f"Non-trainable params: {total - trainable:,}", rule]
        for line in lines:
            print_fn(line)

    def get_config(self):
        """The architecture as plain data (what :meth:`save` writes as JSON)."""
        config = {"name": self.name, "dtype": self.dtype.name, "input_dim": self.input_dim,
                  "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                             for layer in self.layers]}
        shape = self.built_shape
        if shape is not None and len(shape) != 1:
            config["input_shape"] = list(shape)
        if not self._trainable:
            config["trainable"] = False
        return config

    @classmethod
    def from_config(cls, config, backend=None, seed=None):
        """The model :meth:`get_config` described: its layers rebuilt (and built, when the input shape is known)."""
        from .layers.base import LAYERS

        model = cls(backend=backend, seed=seed, dtype=config.get("dtype", "float32"), name=config.get("name"))
        for entry in config["layers"]:
            layer_cls = LAYERS.get(entry.get("class_name"))
            if layer_cls is None:
                raise ValueError(f"unknown layer {entry.get('class_name')!r} (known: {', '.join(LAYERS)})")
            if layer_cls is Sequential:
                model.add(Sequential.from_config(entry["config"], backend=model.backend, seed=model._rng))
            else:
                model.add(layer_cls.from_config(entry["config"]))
        shape = config.get("input_shape")
        if shape is None and config.get("input_dim") is not None:
            shape = [config["input_dim"]]
        if shape is not None and not model.built:
            model._build("load_model", tuple(shape), "the saved input shape")
        if config.get("trainable") is False:
            model._trainable = False
        return model

    def save(self, path):
        """Save the architecture, the weights, the compile settings and the training state to one ``.npz`` file.

        The training state is the optimizer's state of every parameter array and its count
        of updates, and the state of the model's Generator: :func:`load_model` restores
        them, so that ``fit`` after loading continues exactly as it would have without the
        save. See :func:`reference.keras.models.load_model`. The file is written atomically: to a
        temporary file in the same directory, then renamed over ``path``.

        Raises
        ------
        FileNotFoundError
            If the directory of ``path`` does not exist (the message names it).
        """
        from ._saving import save_model

        save_model(self, path)

    def __repr__(self):
        return f"<Sequential {self.name!r}: {len(self.layers)} layers on {self._B.name!r}>"


def _simulated(B):
    """Whether ``B`` is the cuda backend on the simulator (then ``fit`` reports progress within epochs)."""
    if B.name != "cuda":
        return False
    import accelerated

    return accelerated.cuda_simulated()


def _check_lr(opt):
    """The optimizer's learning rate, checked (a callback may have set it)."""
    eta = opt.learning_rate
    if isinstance(eta, bool) or not isinstance(eta, numbers.Real) or not math.isfinite(eta) or eta <= 0:
        raise ValueError(f"Sequential.fit: the optimizer's learning rate must be a positive number; got {eta!r}")
    return float(eta)


def _verbose(where, verbose):
    if isinstance(verbose, (bool, np.bool_)):
        return int(verbose)
    if not _is_int(verbose) or verbose not in (0, 1, 2):
        raise ValueError(f"{where}: verbose must be 0, 1 or 2; got {verbose!r}")
    return int(verbose)


def _batch(where, batch_size):
    if batch_size is not None and (not _is_int(batch_size) or batch_size < 1):
        raise ValueError(f"{where}: batch_size must be an integer >= 1 or None; got {batch_size!r}")
    return batch_size


def _correct(out, t, logits=None, kind="categorical"):
    """``(hits, count)``: how many of ``out``'s predictions get ``t``'s answer, out of how many.

    ``"categorical"``: one prediction per row of the last axis, the argmax (one output: the side of
    0.5, or of 0 for a sigmoid's scores). ``"binary"``: every output on its own, the side of 0.5
    (of 0 for scores). ``logits`` names the activation whose scores ``out`` holds (or None).
    """
    K = out.shape[-1]
    out, t = out.reshape(-1, K), t.reshape(-1, K)
    threshold = 0.0 if logits == "sigmoid" else 0.5
    if kind == "binary":
        return int(np.sum((out > threshold) == (t > 0.5))), out.size
    if K == 1:
        if logits == "softmax":   # a softmax over one output is always 1
            return int(np.sum(t[:, 0] > 0.5)), out.shape[0]
        return int(np.sum((out[:, 0] > threshold) == (t[:, 0] > 0.5))), out.shape[0]
    return int(np.sum(np.argmax(out, axis=1) == np.argmax(t, axis=1))), out.shape[0]


def load_model(path, backend=None, seed=None):
    """Load a model saved by :meth:`Sequential.save` (see :func:`reference.keras._saving.load_model`).

    Concept: model.dense
    """
    from ._saving import load_model as _load

    return _load(path, backend=backend, seed=seed)


__all__ = ["Sequential", "History", "load_model", "LOSS_NAMES", "METRIC_NAMES"]
