r"""``Sequential``: the slides' Keras model, written once on a backend's primitives.

A :class:`Sequential` is a stack of layers (:mod:`reference.keras.layers`) trained by
mini-batch gradient descent with an optimizer of :mod:`reference.keras.optimizers`.
Everything it computes is a call to the primitives of its backend
``B = accelerated.backend(backend)``: the same model runs on ``"reference"``,
``"cpu"`` or ``"cuda"``, and gives the same numbers up to rounding.

How ``fit`` trains
------------------
* **Fast path.** When the model is Dense layers, each followed by at most one
  ``Activation`` (or given ``activation=``), the hidden ones sharing one activation of
  :data:`reference.network.ACTIVATIONS`, the last one in :data:`reference.network.OUTPUTS`
  (softmax, sigmoid or linear), the optimizer is plain SGD (no momentum, no decay) and
  the loss ``mse``, ``mae`` or categorical cross entropy with a softmax output, one
  epoch is one call of the fused primitive ``B.mlp_epoch`` (integer labels are one-hot
  encoded first).
* **Generic path.** Otherwise, batch by batch: the layers' forward primitives in
  order, the loss (``B.softmax_cross_entropy`` on the logits when the model ends in a
  softmax and the loss is categorical, else ``B.cross_entropy``, ``B.mse`` or
  ``B.mae``), the backward primitives in reverse, and the optimizer's rule per
  parameter, ``B.<rule>_update(param, grad, state, eta=..., inplace=True)`` (see
  :mod:`reference.keras.optimizers`; the learning rate of the :math:`k`-th update is
  ``B.lr_schedule(lr, k, "inverse_time", decay)`` when the optimizer has a ``decay``).

Both paths take the batches in the same order and compute the same formulas, so
they give the same numbers (the spec tests check it). On ``cuda`` the parameters and
the optimizer's states stay on the GPU for the whole of ``fit``; the fast path uploads
``x`` and ``y`` once per ``fit``, the generic path uploads each batch.

The optimizer's state (one per parameter array, from ``B.<rule>_init``) and the number
of updates so far belong to the model: ``compile`` resets them, a second ``fit``
continues from them (as in Keras), and :meth:`Sequential.save` /
:func:`load_model` carry them over, so that training resumes exactly where it stopped.

Differences from Keras, on purpose
----------------------------------
* ``history.history['accuracy']`` is the accuracy on the training data with the
  weights at the *end* of each epoch (one extra forward pass); Keras reports the
  running average over the epoch's batches while the weights change. ``'loss'`` follows
  Keras: the mean of the epoch's batch losses, each taken before its update, weighted
  by the batch's size.
* Labels may be one-hot ``(N, K)`` or integer classes ``(N,)`` for every loss (integer
  labels are one-hot encoded first); ``'sparse_categorical_crossentropy'`` and
  ``'categorical_crossentropy'`` are the same loss here.
* A first layer without ``input_dim`` is allowed (as in Keras 2): the input size is
  taken from the data at the first ``fit``, ``evaluate`` or ``predict`` (or
  :meth:`Sequential.build`); until then the model has no weights.
* The weights are float32 by default (Keras's ``floatx``); ``dtype="float64"`` gives
  float64. Inputs are converted to the model's dtype.
* ``evaluate`` and ``predict`` run all examples in one forward pass unless given a
  ``batch_size`` (Keras: 32); ``metrics=['acc']`` is reported as ``'accuracy'``.
  Accuracy is the argmax's hit rate, or for a single output the side of 0.5.
* ``Activation('leaky_relu')`` has the slide's slope 0.01, and ``PReLU`` starts its
  slopes at 0.25 (He et al. 2015); Keras's defaults differ.
"""

from __future__ import annotations

import numbers
import time

import numpy as np

from ..network import ACTIVATIONS, OUTPUTS
from . import optimizers
from ._progress import Progress, format_logs
from .layers import Activation, Dense, Layer

#: The losses ``compile`` accepts (and Keras's long names for the first two).
LOSS_NAMES = ("mse", "mae", "categorical_crossentropy", "sparse_categorical_crossentropy")
LOSS_ALIASES = {"mean_squared_error": "mse", "mean_absolute_error": "mae"}
#: The metrics ``compile`` accepts ("acc" is Keras 1's name for "accuracy").
METRIC_NAMES = ("accuracy", "acc")
_CATEGORICAL = ("categorical_crossentropy", "sparse_categorical_crossentropy")


class History:
    """What :meth:`Sequential.fit` returns, as in Keras.

    Attributes
    ----------
    history : dict of lists — one float per epoch under ``'loss'``, and ``'accuracy'``,
        ``'val_loss'``, ``'val_accuracy'`` when compiled with ``metrics=['accuracy']``
        and given validation data
    epoch : list of int — the epochs run, from 0
    params : dict — ``epochs``, ``batch_size``, ``samples``, ``verbose``, ``path`` ("fast" or "generic")
    model : the :class:`Sequential`
    """

    def __init__(self, model, params):
        self.model = model
        self.params = params
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def _append(self, epoch, logs):
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def __repr__(self):
        return f"<History of {len(self.epoch)} epochs: {sorted(self.history)}>"


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


class Sequential:
    r"""A linear stack of layers, as in the slides' Keras: ``add``, ``compile``, ``fit``, ``evaluate``, ``predict``.

    .. math::

        y = f(x) = \sigma\big(W^L \cdots \sigma(W^2 \sigma(W^1 x + b^1) + b^2) \cdots + b^L\big)

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
        weights (Glorot uniform, biases 0) and each epoch's shuffle
    dtype : "float32" (default, Keras's) or "float64" — the weights' dtype
    name : str or None
    """

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
        self.name = name or "sequential"
        self.layers: list[Layer] = []
        self._counts: dict[str, int] = {}
        self._compiled = None
        self._training = None
        for layer in layers or ():
            self.add(layer)

    # -- structure --------------------------------------------------------------------------------------
    @property
    def backend(self):
        """The backend whose primitives the model calls."""
        return self._B

    @property
    def built(self) -> bool:
        """True when every layer has its weights (the input size is known)."""
        return bool(self.layers) and all(layer.built for layer in self.layers)

    @property
    def input_dim(self):
        """The input size D, or None before it is known."""
        return self.layers[0].in_size if self.layers and self.layers[0].built else None

    def add(self, layer):
        """Append a layer. Its weights are drawn now if its input size is known.

        Raises
        ------
        TypeError
            If ``layer`` is not a layer.
        ValueError
            If the layer's ``input_dim`` differs from the previous layer's output size.
        """
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: layer must be a Dense, Activation, PReLU or Maxout layer; "
                            f"got {type(layer).__name__}")
        if any(layer is other for other in self.layers):
            raise ValueError(f"Sequential.add: layer {layer.name!r} is already in the model; add a new layer")
        index = len(self.layers)
        if index and self.layers[-1].built:
            self._check_in_size("Sequential.add", index, layer, self._out_size(index - 1))
        if layer.name is None:
            self._counts[layer.prefix] = self._counts.get(layer.prefix, 0) + 1
            layer.name = f"{layer.prefix}_{self._counts[layer.prefix]}"
        self.layers.append(layer)
        self._training = None            # the optimizer's states no longer fit the parameters
        if index == 0 and layer.input_dim is not None:
            layer.build(layer.input_dim, self._rng, self.dtype)
        elif index and self.layers[index - 1].built:
            layer.build(self._out_size(index - 1), self._rng, self.dtype)

    def build(self, input_shape):
        """Draw every layer's weights for inputs of size D: ``build(D)`` or ``build((None, D))``."""
        shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else (input_shape,)
        dim = shape[-1]
        if not _is_int(dim) or dim < 1:
            raise ValueError(f"Sequential.build: input_shape must be D or (None, D) with D >= 1; got {input_shape!r}")
        self._build("Sequential.build", int(dim), "the given input size")

    def _out_size(self, index):
        layer = self.layers[index]
        return layer.output_size(layer.in_size)

    def _check_in_size(self, where, index, layer, size, source=None):
        if layer.input_dim is not None and layer.input_dim != size:
            source = source or f"the output size of layer {index - 1} ({self.layers[index - 1].name})"
            named = f"{layer.name}, {type(layer).__name__}" if layer.name else type(layer).__name__
            raise ValueError(f"{where}: layer {index} ({named}) has input_dim={layer.input_dim}, but its input "
                             f"has size {size} ({source})")

    def _build(self, where, dim, source):
        if not self.layers:
            raise ValueError(f"{where}: the model has no layers; add some with model.add(Dense(...))")
        size = dim
        for index, layer in enumerate(self.layers):
            if layer.built:
                if layer.in_size != size:
                    raise ValueError(f"{where}: layer {index} ({layer.name}, {type(layer).__name__}) expects "
                                     f"inputs of size {layer.in_size}; got size {size} ({source})")
            else:
                self._check_in_size(where, index, layer, size, source if index == 0 else None)
                layer.build(size, self._rng, self.dtype)
            size = layer.output_size(size)

    def _output_size(self):
        return self._out_size(len(self.layers) - 1)

    def _output_activation(self):
        """The model's last non-identity function: what its outputs are (probabilities or not)."""
        for layer in reversed(self.layers):
            activation = layer.final_activation()
            if isinstance(layer, Activation) and activation == "linear":
                continue
            return activation
        return "linear"

    # -- compile ------------------------------------------------------------------------------------
    @property
    def optimizer(self):
        """The optimizer given to :meth:`compile` (None before): its hyperparameters, not its state."""
        return None if self._compiled is None else self._compiled["optimizer"]

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
        loss : ``"mse"``, ``"mae"``, ``"categorical_crossentropy"`` or
            ``"sparse_categorical_crossentropy"`` (also ``"mean_squared_error"``, ``"mean_absolute_error"``)
        metrics : None or a list: ``["accuracy"]`` (or ``["acc"]``)

        Raises
        ------
        ValueError
            For an unknown loss, optimizer name or metric (the message lists the valid
            ones), a model without layers, or a categorical loss on outputs that are not
            probabilities (the model must end in a softmax or a sigmoid).
        """
        where = "Sequential.compile"
        if not self.layers:
            raise ValueError(f"{where}: the model has no layers; add some with model.add(Dense(...))")
        if loss is None:
            raise ValueError(f"{where}: loss is missing; give one of {', '.join(repr(n) for n in LOSS_NAMES)}")
        if not isinstance(loss, str) or LOSS_ALIASES.get(loss, loss) not in LOSS_NAMES:
            valid = ", ".join(repr(n) for n in LOSS_NAMES + tuple(LOSS_ALIASES))
            raise ValueError(f"{where}: loss must be one of {valid}; got {loss!r}")
        loss = LOSS_ALIASES.get(loss, loss)
        opt = optimizers._get(optimizer, where)
        if metrics is None:
            metrics = []
        if isinstance(metrics, str) or not isinstance(metrics, (list, tuple)):
            raise TypeError(f"{where}: metrics must be a list such as ['accuracy']; got {metrics!r}")
        for metric in metrics:
            if metric not in METRIC_NAMES:
                valid = ", ".join(repr(m) for m in METRIC_NAMES)
                raise ValueError(f"{where}: metrics may hold {valid}; got {metric!r}")
        compiled = {"loss": loss, "optimizer": opt, "metrics": ["accuracy"] if metrics else []}
        self._check_compiled(where, compiled)
        self._compiled = compiled
        self._training = None

    def _check_compiled(self, where, compiled):
        if compiled["loss"] in _CATEGORICAL:
            output = self._output_activation()
            if output not in ("softmax", "sigmoid"):
                raise ValueError(f"{where}: loss {compiled['loss']!r} needs probabilities as outputs: end the "
                                 f"model with Activation('softmax') (or 'sigmoid'); its last layer gives "
                                 f"{output!r} outputs")

    def _require_compiled(self, where):
        if self._compiled is None:
            raise RuntimeError(f"{where}: the model is not compiled; call model.compile(loss=..., "
                               f"optimizer=...) first")
        self._check_compiled(where, self._compiled)
        return self._compiled

    # -- data ---------------------------------------------------------------------------------------
    def _inputs(self, where, x, arg="x"):
        """``x`` as a C-contiguous (N, D) array of the model's dtype; builds the model from D if needed."""
        if x is None:
            raise ValueError(f"{where}: {arg} is missing; give an (N, D) array")
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise ValueError(f"{where}: {arg} must be a real (N, D) array; got dtype {x.dtype}")
        if x.ndim != 2:
            hint = f" (flatten each example: {arg}.reshape(len({arg}), -1))" if x.ndim > 2 else ""
            raise ValueError(f"{where}: {arg} must be (N, D), one row per example; got shape {x.shape}{hint}")
        if x.shape[0] < 1 or x.shape[1] < 1:
            raise ValueError(f"{where}: {arg} must not be empty; got shape {x.shape}")
        if not self.layers:
            raise ValueError(f"{where}: the model has no layers; add some with model.add(Dense(...))")
        self._build(where, x.shape[1], f"{arg} has {x.shape[1]} features, shape {x.shape}")
        return np.ascontiguousarray(x, dtype=self.dtype)

    def _targets(self, where, y, n, arg="y"):
        """``y`` as (N, K) targets: one-hot/real rows as given, integer class labels one-hot encoded."""
        from ..data import onehot

        K = self._output_size()
        expect = (f"one-hot targets ({n}, {K}) or integer class labels ({n},) in 0..{K - 1}" if K > 1
                  else f"targets ({n}, 1) or ({n},)")
        if y is None:
            raise ValueError(f"{where}: {arg} is missing; give {expect}")
        y = np.asarray(y)
        if y.dtype.kind not in "biuf":
            raise ValueError(f"{where}: {arg} must be {expect}; got dtype {y.dtype}")
        if y.ndim == 0 or y.shape[0] != n:
            raise ValueError(f"{where}: {arg} must have one row per example ({n}, the rows of x); got shape {y.shape}")
        if K > 1 and y.dtype.kind in "iu" and (y.ndim == 1 or y.shape[1:] == (1,)):
            labels = y.reshape(n)
            low, high = int(labels.min()), int(labels.max())
            if low < 0 or high >= K:
                raise ValueError(f"{where}: {arg} holds integer class labels in [{low}, {high}], but the model "
                                 f"has {K} outputs: labels must be in 0..{K - 1}")
            return onehot(labels, K, dtype=self.dtype)
        if y.shape == (n, K):
            return np.ascontiguousarray(y, dtype=self.dtype)
        if K == 1 and y.ndim == 1:
            return np.ascontiguousarray(y.reshape(n, 1), dtype=self.dtype)
        hint = f" (class labels must be integers: {arg}.astype(int))" if y.ndim == 1 and y.dtype.kind == "f" else ""
        raise ValueError(f"{where}: {arg} must be {expect}, to match the model's {K} outputs; got "
                         f"{y.dtype} {y.shape}{hint}")

    # -- arithmetic on the primitives ----------------------------------------------------------------
    def _upload(self, copy=False):
        """The parameters on the backend (``copy``: new arrays, which ``fit`` may update in place)."""
        B = self._B
        return [tuple(B.to_device(np.array(p, copy=True) if copy else p) for p in layer.params)
                for layer in self.layers]

    def _fused(self, compiled):
        """Whether the loss takes the last layer's logits (softmax fused with cross entropy)."""
        return compiled["loss"] in _CATEGORICAL and self.layers[-1].final_activation() == "softmax"

    def _forward(self, params, x, skip_softmax=False):
        last = len(self.layers) - 1
        a = x
        caches = []
        for index, (layer, p) in enumerate(zip(self.layers, params)):
            a, cache = layer.forward(self._B, a, p, skip_softmax and index == last)
            caches.append(cache)
        return a, caches

    def _loss(self, out, t, compiled, fused):
        B = self._B
        if compiled["loss"] in ("mse", "mae"):
            return getattr(B, compiled["loss"])(out, t)
        if fused:
            return B.softmax_cross_entropy(out, t)
        return B.cross_entropy(out, t)

    def _score(self, params, x, t, compiled, want_loss=True, batch_size=None, on_device=None):
        """``(loss, accuracy)`` of ``params`` on host arrays ``x``, ``t`` (accuracy None without the metric).

        ``on_device``: ``(x, t)`` already uploaded (used when ``batch_size`` is None).
        """
        B = self._B
        fused = self._fused(compiled)
        n = x.shape[0]
        step = n if batch_size is None else batch_size
        total, correct = 0.0, 0
        for start in range(0, n, step):
            xs, ts = x[start:start + step], t[start:start + step]
            xs_d, ts_d = on_device if on_device is not None and step == n else (B.to_device(xs), None)
            out, _ = self._forward(params, xs_d, skip_softmax=fused)
            if want_loss:
                L, _ = self._loss(out, B.to_device(ts) if ts_d is None else ts_d, compiled, fused)
                total += float(L) * xs.shape[0]
            if compiled["metrics"]:
                correct += _correct(_host(B.to_host(out)), ts, logits=fused)
        loss = total / n if want_loss else None
        accuracy = correct / n if compiled["metrics"] else None
        return loss, accuracy

    def _fast_plan(self, compiled):
        """The ``mlp_epoch`` arguments when ``fit`` can take the fast path, else None."""
        opt = compiled["optimizer"]
        if not self._fast_path or opt.rule != "sgd" or opt.decay:
            return None
        acts, open_dense = [], False
        for layer in self.layers:
            if type(layer) is Dense:
                acts.append(layer.activation)
                open_dense = True
            elif type(layer) is Activation and open_dense:
                open_dense = False
                if acts[-1] == "linear":
                    acts[-1] = layer.activation
                elif layer.activation != "linear":
                    return None
            else:
                return None
        *hidden, output = acts
        if any(h != acts[0] for h in hidden) or (hidden and hidden[0] not in ACTIVATIONS):
            return None
        if output not in OUTPUTS:
            return None
        loss = compiled["loss"]
        if loss in _CATEGORICAL:
            if output != "softmax":
                return None
            loss = "cross_entropy"
        return {"activation": hidden[0] if hidden else "sigmoid", "output": output, "loss": loss}

    def _fast_epoch(self, params, x_d, t_d, order, batch_size, eta, plan):
        B = self._B
        flat = [p for layer_params in params for p in layer_params]
        flat, losses = B.mlp_epoch(x_d, t_d, *flat, order=order, batch_size=batch_size, eta=eta, **plan)
        flat = list(flat)
        grouped = []
        for layer_params in params:
            grouped.append(tuple(flat[:len(layer_params)]))
            del flat[:len(layer_params)]
        return grouped, np.asarray(_host(B.to_host(losses)), dtype=np.float64)

    def _generic_epoch(self, params, training, x, t, order, batch_size, compiled):
        B = self._B
        opt = compiled["optimizer"]
        update, hyper = getattr(B, f"{training.rule}_update"), opt._hyper()
        fused = self._fused(compiled)
        n = x.shape[0]
        losses = []
        for start in range(0, n, batch_size):
            if order is None:
                xb, tb = x[start:start + batch_size], t[start:start + batch_size]
            else:
                batch = order[start:start + batch_size]
                xb, tb = x[batch], t[batch]
            eta = opt.learning_rate
            if opt.decay:                 # Keras's decay: eta / (1 + decay * updates so far)
                eta = B.lr_schedule(eta, training.iterations, "inverse_time", opt.decay)
            out, caches = self._forward(params, B.to_device(xb), skip_softmax=fused)
            L, d = self._loss(out, B.to_device(tb), compiled, fused)
            losses.append(float(L))
            new_params, new_states = [None] * len(params), [None] * len(params)
            for index in reversed(range(len(self.layers))):
                d, grads = self.layers[index].backward(B, d, caches[index])
                updated = [update(p, g, s, eta=eta, **hyper, inplace=True)
                           for p, g, s in zip(params[index], grads, training.states[index])]
                new_params[index] = tuple(u[0] for u in updated)
                new_states[index] = tuple(u[1] for u in updated)
            params, training.states = new_params, new_states
            training.iterations += 1
        return params, np.asarray(losses, dtype=np.float64)

    # -- training -----------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=None, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, *, nb_epoch=None):
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
        x : array (N, D)
        y : array (N, K) of targets (one-hot), or (N,) integer class labels
        batch_size : int >= 1 — default 32
        epochs : int >= 1 — default 1; ``nb_epoch`` is Keras 1's name (give one of the two)
        verbose : 0 (silent), 1 (a line per epoch and, on a terminal, a progress bar) or 2 (a line per epoch)
        callbacks : None — not supported (an empty list is accepted)
        validation_split : float in [0, 1)
        validation_data : (x_val, y_val) or None
        shuffle : bool

        Returns
        -------
        History — ``history.history['loss']`` (the mean of the epoch's batch losses, each
        before its update, weighted by batch size, as Keras), ``'accuracy'`` (on the training
        data with the weights at the end of the epoch: Keras averages over the batches
        instead), ``'val_loss'`` and ``'val_accuracy'`` (at the end of the epoch).

        Raises
        ------
        RuntimeError
            Before :meth:`compile`.
        ValueError, TypeError
            For bad data (wrong input size for a layer, labels that fit neither form) or
            bad arguments.
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
        batch_size = 32 if batch_size is None else batch_size
        if not _is_int(batch_size) or batch_size < 1:
            raise ValueError(f"{where}: batch_size must be an integer >= 1; got {batch_size!r}")
        verbose = _verbose(where, verbose)
        if callbacks:
            raise TypeError(f"{where}: callbacks are not supported; got {callbacks!r}")
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
        return self._train(x, t, val, epochs, batch_size, verbose, shuffle, compiled)

    def _optimizer_states(self, params, opt):
        """The model's optimizer state for the rule of ``opt``: kept from earlier fits, or new (zeros, 0 updates)."""
        training = self._training
        if training is None or training.rule != opt.rule or len(training.states) != len(params):
            init = getattr(self._B, f"{opt.rule}_init")
            training = _Training(opt.rule, 0, [tuple(init(p) for p in layer_params) for layer_params in params])
            self._training = training
        return training

    def _train(self, x, t, val, epochs, batch_size, verbose, shuffle, compiled):
        B = self._B
        n = x.shape[0]
        eta = compiled["optimizer"].learning_rate
        plan = self._fast_plan(compiled)
        sizes = np.diff(np.append(np.arange(0, n, batch_size), n))
        history = History(self, {"epochs": epochs, "batch_size": batch_size, "samples": n, "verbose": verbose,
                                 "path": "fast" if plan else "generic"})
        progress = Progress(verbose, epochs)
        params = self._upload(copy=True)
        try:
            training = self._optimizer_states(params, compiled["optimizer"])
            if plan:
                x_d, t_d = B.to_device(x), B.to_device(t)
            val_d = None if val is None else (B.to_device(val[0]), B.to_device(val[1]))
            progress.begin()
            for epoch in range(1, epochs + 1):
                started = time.perf_counter()
                order = self._rng.permutation(n) if shuffle else None
                if plan:
                    params, losses = self._fast_epoch(params, x_d, t_d, order, batch_size, eta, plan)
                    training.iterations += len(sizes)
                else:
                    params, losses = self._generic_epoch(params, training, x, t, order, batch_size, compiled)
                logs = {"loss": float(np.dot(losses, sizes) / n)}
                if compiled["metrics"]:
                    logs["accuracy"] = self._score(params, x, t, compiled, want_loss=False,
                                                   on_device=(x_d, t_d) if plan else None)[1]
                if val is not None:
                    val_loss, val_accuracy = self._score(params, *val, compiled, on_device=val_d)
                    logs["val_loss"] = val_loss
                    if compiled["metrics"]:
                        logs["val_accuracy"] = val_accuracy
                history._append(epoch - 1, logs)
                progress.epoch(epoch, time.perf_counter() - started, logs)
        finally:
            progress.end()
            for layer, layer_params in zip(self.layers, params):
                layer._params = tuple(np.ascontiguousarray(_host(B.to_host(p)), dtype=self.dtype)
                                      for p in layer_params)
        return history

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
        ``[loss, accuracy]`` (two floats) when compiled with ``metrics=['accuracy']``,
        else ``loss`` (a float), as Keras.
        """
        where = "Sequential.evaluate"
        compiled = self._require_compiled(where)
        verbose = _verbose(where, verbose)
        batch_size = _batch(where, batch_size)
        x = self._inputs(where, x)
        t = self._targets(where, y, x.shape[0])
        loss, accuracy = self._score(self._upload(), x, t, compiled, batch_size=batch_size)
        logs = {"loss": loss}
        if compiled["metrics"]:
            logs["accuracy"] = accuracy
        if verbose:
            import sys

            print(f"{x.shape[0]}/{x.shape[0]} - {format_logs(logs)}", file=sys.stdout, flush=True)
        return [loss, accuracy] if compiled["metrics"] else loss

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

    def set_weights(self, weights):
        """Replace every weight (Keras's layout, the order of :meth:`get_weights`); nothing changes on error."""
        where = "Sequential.set_weights"
        self._require_built(where)
        shapes = [s for layer in self.layers for s in layer.weight_shapes()]
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
                layer._params = params
            raise ValueError(f"{where}: {exc}") from None

    def count_params(self):
        """The number of parameters of the model."""
        self._require_built("Sequential.count_params")
        return sum(layer.count_params() for layer in self.layers)

    def summary(self, print_fn=None):
        """Print a table of the layers: name (type), output shape, parameter count; and the total (as Keras)."""
        self._require_built("Sequential.summary")
        if print_fn is None:
            import sys

            def print_fn(line):
                print(line, file=sys.stdout)
        rule, width = "_" * 65, (29, 26, 10)
        row = lambda a, b, c: f"{a:<{width[0]}}{b:<{width[1]}}{c}"  # noqa: E731
        lines = [f'Model: "{self.name}"', rule, row("Layer (type)", "Output Shape", "Param #"), "=" * 65]
        for index, layer in enumerate(self.layers):
            lines.append(row(f"{layer.name} ({type(layer).__name__})", f"(None, {self._out_size(index)})",
                             str(layer.count_params())))
            lines.append(rule if index == len(self.layers) - 1 else "")
        total = self.count_params()
        lines[-1] = "=" * 65
        lines += [f"Total params: {total:,}", f"Trainable params: {total:,}", "Non-trainable params: 0", rule]
        for line in lines:
            print_fn(line)

    def get_config(self):
        """The architecture as plain data (what :meth:`save` writes as JSON)."""
        return {"name": self.name, "dtype": self.dtype.name, "input_dim": self.input_dim,
                "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                           for layer in self.layers]}

    def save(self, path):
        """Save the architecture, the weights, the compile settings and the training state to one ``.npz`` file.

        The training state is the optimizer's state of every parameter array and its count
        of updates, and the state of the model's Generator: :func:`load_model` restores
        them, so that ``fit`` after loading continues exactly as it would have without the
        save. See :func:`reference.keras.models.load_model`. The file is written atomically: to a
        temporary file in the same directory, then renamed over ``path``.
        """
        from ._saving import save_model

        save_model(self, path)

    def __repr__(self):
        return f"<Sequential {self.name!r}: {len(self.layers)} layers on {self._B.name!r}>"


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


def _correct(out, t, logits=False):
    """How many rows of ``out`` get ``t``'s class: the argmax, or for one output the side of 0.5."""
    if out.shape[1] == 1:
        if logits:   # a softmax over one output is always 1
            return int(np.sum(t[:, 0] > 0.5))
        return int(np.sum((out[:, 0] > 0.5) == (t[:, 0] > 0.5)))
    return int(np.sum(np.argmax(out, axis=1) == np.argmax(t, axis=1)))


def load_model(path, backend=None, seed=None):
    """Load a model saved by :meth:`Sequential.save` (see :func:`reference.keras._saving.load_model`).

    Concept: model.dense
    """
    from ._saving import load_model as _load

    return _load(path, backend=backend, seed=seed)


__all__ = ["Sequential", "History", "load_model", "LOSS_NAMES", "METRIC_NAMES"]
