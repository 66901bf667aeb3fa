r"""Training loops written once on the primitives and run on any backend.

This is lecture 1's training recipe as a function: pick initial values at random,
run epochs of mini-batch gradient descent, and watch the loss on the training data
and on data unseen during training. It calls only the primitives of the backend it
is given, so ``backend="cpu"`` or ``"cuda"`` runs the same loop fast; on ``cuda``
the data and the parameters stay on the GPU for the whole run.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from typing import NamedTuple

import numpy as np

from . import _check
from .network import ACTIVATIONS


def init_params(sizes, rng, activation="relu", dtype=np.float64):
    r"""Random initial parameters for :func:`reference.network.network_forward`.

    ``sizes = (D, H1, ..., HL)`` gives the input size and the width of each hidden
    layer. Weights are drawn from :math:`\mathcal{N}(0, s^2 / \text{fan-in})` with
    :math:`s^2 = 2` for the ReLU (He et al. 2015, cited on the slide "ReLU" of 001)
    and :math:`s^2 = 1` otherwise; biases start at 0.

    Concept: gd.loop

    Slides: 000 "Optimization" ("(Randomly) pick initial values").

    Parameters
    ----------
    sizes : sequence of int >= 1 — ``(D, H1, ..., HL)``; ``(D,)`` gives the linear model
    rng : numpy.random.Generator
    activation : str — the hidden units' activation (sets the scale)
    dtype : float32 or float64

    Returns
    -------
    tuple ``(W1, b1, ..., WL, bL, c, b)``
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"init_params: rng must be a numpy.random.Generator; got {type(rng).__name__}")
    sizes = [_check.count("init_params", "sizes", s) for s in sizes]
    if not sizes:
        raise ValueError("init_params: sizes must name at least the input size D; got ()")
    _check.choice("init_params", "activation", activation, ACTIVATIONS)
    dtype = np.dtype(dtype)
    if dtype not in _check.FLOAT_DTYPES:
        raise ValueError(f"init_params: dtype must be float32 or float64; got {dtype}")
    gain = 2.0 if activation == "relu" else 1.0
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append(rng.normal(0, np.sqrt(gain / fan_in), size=(fan_out, fan_in)).astype(dtype))
        params.append(np.zeros(fan_out, dtype=dtype))
    params.append(rng.normal(0, np.sqrt(1.0 / sizes[-1]), size=sizes[-1]).astype(dtype))
    params.append(dtype.type(0))
    return tuple(params)


def evaluate(x, y_hat, params, activation="relu", loss="mse", backend=None):
    """The loss :math:`L(\theta)` of ``params`` on ``(x, y_hat)``: one forward pass, no update.

    Concept: loss.mse, loss.mae

    Slides: 000 "Loss: how good a set of values is".

    Returns a Python float.
    """
    from accelerated import backend as get_backend

    B = get_backend(backend)
    y, _ = B.network_forward(x, *params, activation=activation)
    L, _ = getattr(B, loss)(y, y_hat)
    return float(L)


def train_network(x, y_hat, params, *, epochs, batch_size, eta, activation="relu", loss="mse",
                  rng=None, validation=None, backend=None, verbose=False):
    r"""Train :func:`reference.network.network_forward` by mini-batch gradient descent.

    Each epoch draws a fresh order from ``rng`` (shuffle; none if ``rng`` is None),
    runs :func:`reference.optimize.network_epoch`, then measures the loss on the
    whole training set and, if given, on ``validation = (x_val, y_val)``. A
    network that keeps getting better on the first and worse on the second is
    overfitting (000: 4 layers reach 0.10k on 2017–2020 but 0.44k on 2021).

    Concept: generalize.overfit, batch.epoch


    Slides: 000 "Why don't we go deeper?"
    ("Better on training data, worse on unseen data: Overfitting"); 004 "Overfitting".

    Parameters
    ----------
    x, y_hat : ndarray (N, D), (N,) — training data
    params : tuple from :func:`init_params` (not changed)
    epochs : int >= 1
    batch_size : int >= 1
    eta : float > 0
    activation, loss : as for :func:`reference.optimize.network_epoch`
    rng : numpy.random.Generator or None — shuffles each epoch
    validation : (x_val, y_val) or None
    backend : str, a backend, or None (``SLIDESPEC_BACKEND``, then ``"reference"``)
    verbose : bool — print one line per epoch (to stderr)

    Returns
    -------
    params : tuple of host ndarrays — the trained parameters
    history : dict — ``"loss"`` and ``"val_loss"`` (one float per epoch; ``val_loss``
        empty without validation data), ``"seconds"`` (wall time of the run)
    """
    from accelerated import backend as get_backend

    B = get_backend(backend)
    epochs = _check.count("train_network", "epochs", epochs)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise ValueError(f"train_network: rng must be a numpy.random.Generator or None; got {type(rng).__name__}")
    from .data import epoch_order

    start = time.perf_counter()
    x_d, y_d = B.to_device(x), B.to_device(y_hat)
    params_d = tuple(B.to_device(p) for p in params)
    val = None
    if validation is not None:
        x_val, y_val = validation
        val = (B.to_device(x_val), B.to_device(y_val))
    history = {"loss": [], "val_loss": []}
    n = x.shape[0]
    for epoch in range(1, epochs + 1):
        order = epoch_order(n, rng)
        params_d, _ = B.network_epoch(x_d, y_d, *params_d, order=order, batch_size=batch_size,
                                      eta=eta, activation=activation, loss=loss)
        history["loss"].append(evaluate(x_d, y_d, params_d, activation, loss, B))
        if val is not None:
            history["val_loss"].append(evaluate(*val, params_d, activation, loss, B))
        if verbose:
            line = f"epoch {epoch}/{epochs} - {loss}: {history['loss'][-1]:.4g}"
            if val is not None:
                line += f" - val_{loss}: {history['val_loss'][-1]:.4g}"
            print(line, file=sys.stderr, flush=True)
    history["seconds"] = time.perf_counter() - start
    params = tuple(_host(B.to_host(p)) for p in params_d)
    return params, history


def _host(p):
    return p if isinstance(p, np.generic) else np.asarray(p)


def layer_gradient_norms(x, y_hat, *params, activation="sigmoid", output="softmax",
                         loss="cross_entropy", backend=None):
    r"""How large the loss's gradient is at each layer: the picture of the vanishing gradient.

    .. math::

        g_l = \Big\lVert \frac{\partial L}{\partial W^l} \Big\rVert_F, \qquad l = 1, \dots, L

    In a deep sigmoid network :math:`g_l` shrinks layer by layer towards the input
    (each sigmoid multiplies the backward signal by :math:`\sigma' \le 1/4`), so the
    first layers learn slowly and stay almost random while the last ones have already
    converged; with ReLUs it does not.

    Concept: act.vanishing

    Slides: 003 "Vanishing Gradient Problem" (smaller gradients near the input, learn very
    slow, almost random; larger gradients near the output, learn very fast, already
    converge); 001 "Vanishing gradient problem".

    Parameters
    ----------
    x, y_hat : ndarray (N, D), (N, K)
    *params : ``W1, b1, ..., WL, bL`` as for :func:`reference.network.mlp_forward`
    activation, output, loss : as for :func:`reference.optimize.mlp_epoch`
    backend : str, a backend, or None

    Returns
    -------
    ndarray (L,) float64 — :math:`g_1, \dots, g_L`, input layer first
    """
    from accelerated import backend as get_backend

    from .optimize import MLP_LOSSES

    B = get_backend(backend)
    _check.choice("layer_gradient_norms", "loss", loss, MLP_LOSSES)
    if loss == "cross_entropy":
        if output != "softmax":
            raise ValueError(f"layer_gradient_norms: loss 'cross_entropy' needs output 'softmax'; "
                             f"got output {output!r}")
        z, cache = B.mlp_forward(x, *params, activation=activation, output="linear")
        _, dL = B.softmax_cross_entropy(z, y_hat)
    else:
        y, cache = B.mlp_forward(x, *params, activation=activation, output=output)
        _, dL = getattr(B, loss)(y, y_hat)
    _, *grads = B.mlp_backward(dL, cache)
    return np.array([np.linalg.norm(np.asarray(B.to_host(dW))) for dW in grads[0::2]])


def mlp_param_count(sizes):
    r"""The number of parameters of a fully connected network with layer sizes ``(D, H1, ..., K)``.

    .. math::

        \#\theta = \sum_{l=1}^{L} (H_{l-1} + 1)\,H_l

    (each unit has one weight per input and one bias).

    Concept: model.deep_vs_fat

    Slides: 003 "Why Deep?" (deep and thin vs shallow and fat, compared "with the same
    number of parameters").
    """
    sizes = [_check.count("mlp_param_count", "sizes", s) for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"mlp_param_count: sizes must be (D, ..., K), at least 2 sizes; got {len(sizes)}")
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))


def width_for_budget(D, K, depth, budget):
    r"""The hidden width that gives a ``depth``-hidden-layer network about ``budget`` parameters.

    Solves :math:`(D+1)H + (\text{depth}-1)(H+1)H + (H+1)K = \#\theta` for the width
    :math:`H` (rounded to the nearest integer, at least 1): this is how the slide's
    table sets a deep-and-thin network (7 × 2k) against a shallow-and-fat one
    (1 × 16k) of the same size.

    Concept: model.deep_vs_fat

    Slides: 003 "Why Deep?" (Seide et al., 2011: 1 × 3772 and 1 × 4634 match 5 × 2k and
    7 × 2k in parameters).

    Returns
    -------
    int
    """
    D = _check.count("width_for_budget", "D", D)
    K = _check.count("width_for_budget", "K", K)
    depth = _check.count("width_for_budget", "depth", depth)
    budget = _check.count("width_for_budget", "budget", budget)
    a = depth - 1                                  # (depth-1) H^2 + (D + 1 + depth - 1 + K) H + K = budget
    b = D + 1 + (depth - 1) + K
    c = K - budget
    H = (-b + np.sqrt(b * b - 4 * a * c)) / (2 * a) if a else -c / b
    return max(1, int(round(H)))


#: The slide's flow chart: which remedies suit which failure.
RECIPE = {
    "training": ("the network is not good on its own training data: this is an optimisation "
                 "problem, not overfitting; try a new activation function (ReLU, maxout) or an "
                 "adaptive learning rate (Adagrad, RMSprop, Adam)"),
    "testing": ("good on training data, not on testing data: this is overfitting; try early "
                "stopping, regularization (weight decay), dropout, or more training data"),
    "done": "good on both training and testing data: done",
}


def recipe(good_on_training, good_on_testing=None):
    r"""The slides' recipe of deep learning: check the training data first, then the testing data.

    A deeper network with a *higher training* loss than a shallower one has not
    overfitted — it has failed to optimise ("Do not always blame overfitting": the
    56-layer network is worse than the 20-layer one on the training data too).
    Only a network good on its training data and bad on its testing data overfits.

    Concept: recipe.flow

    Slides: 003 "Recipe of Deep Learning", "Do not always blame Overfitting"; 004
    (H = 100: a deeper network's training loss 80 vs 71).

    Parameters
    ----------
    good_on_training : bool
    good_on_testing : bool or None — only looked at when ``good_on_training``

    Returns
    -------
    str — one of :data:`RECIPE`'s keys: ``"training"``, ``"testing"`` or ``"done"``
    """
    for name, value in (("good_on_training", good_on_training), ("good_on_testing", good_on_testing)):
        if value is not None and not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"recipe: {name} must be True or False; got {value!r}")
    if good_on_training is None:
        raise ValueError("recipe: good_on_training must be True or False; got None")
    if not good_on_training:
        return "training"
    if good_on_testing is None:
        raise ValueError("recipe: good_on_testing must be True or False once the training data are fine; got None")
    return "testing" if not good_on_testing else "done"


# -- early stopping: the rule, and the slide's pure function -----------------------------------------
def _improves(current, best, min_delta, mode):
    r"""Whether ``current`` beats ``best`` by more than ``min_delta`` in the direction of ``mode``.

    ``mode='min'``: :math:`c < b - \delta`; ``mode='max'``: :math:`c > b + \delta`.
    ``best=None`` (nothing seen yet) is beaten by any number; a NaN beats nothing.
    """
    if best is None:
        return not math.isnan(current)
    return current < best - min_delta if mode == "min" else current > best + min_delta


class _StopState(NamedTuple):
    """Where the stopping rule stands after an epoch: epochs since the last reset, the best value, its epoch."""

    wait: int
    best: float | None
    best_epoch: int


def _early_stopping_step(state, epoch, current, patience, min_delta, mode, baseline):
    """One epoch of the stopping rule: ``(new_state, stop)``. Pure; :func:`early_stopping` and
    :class:`reference.keras.callbacks.EarlyStopping` call it.

    Keras's rule: the count ``wait`` grows by one each epoch; an improvement on the best
    value so far (by more than ``min_delta``) records the new best and, if it also beats
    ``baseline`` (when one is given), sets ``wait`` back to 0. An epoch that did not set
    the count back stops training once ``wait >= patience``, but never epoch 0. (So a
    model that keeps improving yet never beats ``baseline`` stops after ``patience``
    epochs, as Keras documents; an epoch that resets the count never stops training,
    whatever ``patience``.)
    """
    wait, best, best_epoch = state.wait + 1, state.best, state.best_epoch
    if _improves(current, best, min_delta, mode):
        best, best_epoch = current, epoch
        if baseline is None or _improves(current, baseline, min_delta, mode):
            return _StopState(0, best, best_epoch), False
    return _StopState(wait, best, best_epoch), bool(wait >= patience and epoch > 0)


def _scan(values, patience, min_delta, mode, baseline):
    """Apply the rule epoch by epoch to checked values: ``(stopped_epoch or None, final state)``."""
    state = _StopState(0, None, 0)
    for epoch, value in enumerate(values):
        state, stop = _early_stopping_step(state, epoch, value, patience, min_delta, mode, baseline)
        if stop:
            return epoch, state
    return None, state


class StopPoint(NamedTuple):
    """What :func:`early_stopping` finds: unpack it as ``stop_epoch, best_epoch = ...``.

    Attributes
    ----------
    stop_epoch : int or None — the epoch (from 0) after which training stops; None if the curve ends first
    best_epoch : int — the epoch of the lowest validation loss up to the stop: the model to keep
    """

    stop_epoch: int | None
    best_epoch: int


def early_stopping(val_losses, patience, min_delta=0.0):
    r"""When early stopping ends training, and which epoch's model it keeps, on a recorded validation curve.

    Concept: regularize.early_stop

    Slides: 001 "Early stop"; 003 "Early Stopping"; 004 "驗證 (Validation)". The
    training loss keeps falling, the validation loss falls and then rises: training
    stops once the validation loss has not improved for ``patience`` epochs, and the
    model kept is the one of the best epoch.

    ``val_losses[e]`` is the validation loss after epoch ``e`` (from 0). An epoch
    *improves* when its loss is below the best so far by more than ``min_delta``
    (:math:`v_e < v^\ast - \delta`; NaN never improves). Each epoch adds one to a
    count that an improvement sets back to 0; training stops after the first epoch
    ``e > 0`` that does not improve and leaves the count ``>= patience`` (so with
    ``patience = 0`` the first epoch that does not improve stops it). This is the
    rule of :class:`reference.keras.callbacks.EarlyStopping` (Keras's), applied to a
    whole list: both call the same step.

    Parameters
    ----------
    val_losses : sequence of real numbers, at least one — the validation loss after each epoch
    patience : int >= 0 — epochs without improvement tolerated
    min_delta : float >= 0 — the smallest decrease that counts as an improvement

    Returns
    -------
    StopPoint — ``(stop_epoch, best_epoch)``; ``stop_epoch`` is None when the curve ends
    before the rule stops it

    Examples
    --------
    >>> early_stopping([1.0, 0.8, 0.9, 0.85, 0.7], patience=2)
    StopPoint(stop_epoch=3, best_epoch=1)
    """
    where = "early_stopping"
    if isinstance(val_losses, (str, bytes)) or not hasattr(val_losses, "__iter__"):
        raise ValueError(f"{where}: val_losses must be a sequence of numbers; got {type(val_losses).__name__}")
    raw = list(np.asarray(val_losses, dtype=object).ravel()) if isinstance(val_losses, np.ndarray) \
        else list(val_losses)
    for i, v in enumerate(raw):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise ValueError(f"{where}: val_losses[{i}] must be a real number; got {v!r}")
    if not raw:
        raise ValueError(f"{where}: val_losses must hold at least one value; got an empty sequence")
    patience = _check.count(where, "patience", patience, minimum=0)
    min_delta = _check.nonnegative(where, "min_delta", min_delta)
    stopped, state = _scan([float(v) for v in raw], patience, min_delta, "min", None)
    return StopPoint(stopped, state.best_epoch)


# ---------------------------------------------------------------------------------------
# dropout as an ensemble (host side: the exact average enumerates 2^M networks)

_ENSEMBLE_HIDDEN = ("linear", "sigmoid", "relu")
_ENSEMBLE_OUTPUT = ("linear", "softmax")
#: The most hidden units :func:`dropout_ensemble_mean` enumerates exactly (2^20 thinned networks).
ENSEMBLE_EXACT_MAX_UNITS = 20


def _ensemble_layers(fn, x, layers):
    if not isinstance(x, np.ndarray) or x.ndim != 2 or x.dtype not in _check.FLOAT_DTYPES:
        raise ValueError(f"{fn}: x must be a 2-D float32 or float64 ndarray (N, D); got "
                         f"{type(x).__name__}{'' if not isinstance(x, np.ndarray) else f' {x.dtype} {x.shape}'}")
    if not isinstance(layers, (list, tuple)) or len(layers) < 2:
        raise ValueError(f"{fn}: layers must be a list of two or more (W, b) pairs (one hidden layer at least); "
                         f"got {layers if not isinstance(layers, (list, tuple)) else f'{len(layers)} pair(s)'}")
    width = x.shape[1]
    out = []
    for i, pair in enumerate(layers):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"{fn}: layers[{i}] must be a pair (W, b); got {type(pair).__name__}")
        W, b = (np.asarray(a) for a in pair)
        if W.ndim != 2 or W.shape[0] != width or b.shape != (W.shape[1],):
            raise ValueError(f"{fn}: layers[{i}] must be W of shape ({width}, H) and b of shape (H,); got W "
                             f"{W.shape} and b {b.shape}")
        width = W.shape[1]
        out.append((W.astype(x.dtype, copy=False), b.astype(x.dtype, copy=False)))
    return out


def _ensemble_forward(x, layers, masks, scale, activation, output):
    """The network with hidden layer ``l``'s outputs multiplied by ``masks[l] * scale``."""
    f = {"linear": lambda z: z, "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
         "relu": lambda z: np.maximum(z, 0.0)}[activation]
    a = x
    for (W, b), m in zip(layers[:-1], masks):
        a = f(a @ W + b) * (m * scale)
    W, b = layers[-1]
    z = a @ W + b
    if output == "softmax":
        z = np.exp(z - z.max(axis=1, keepdims=True))
        z = z / z.sum(axis=1, keepdims=True)
    return z


def dropout_scaled_forward(x, layers, p, *, activation="sigmoid", output="softmax", inverted=False):
    r"""The test-time network of dropout: no unit dropped, every hidden unit's output scaled.

    The slide's form (``inverted=False``): trained without rescaling, the network is used
    at test time with the weights out of every hidden unit multiplied by :math:`1 - p`,
    which is the same as multiplying the unit's output by :math:`1 - p`. In the inverted
    form (``inverted=True``, Keras's), the kept units were scaled by :math:`1/(1-p)` while
    training, and the test-time network is the trained one unchanged.

    .. math::

        a^{(l)} = c\, f\bigl(a^{(l-1)} W^{(l)} + b^{(l)}\bigr), \qquad
        c = 1 - p \ (\text{slide}), \quad c = 1 \ (\text{inverted}); \qquad
        y = a^{(L-1)} W^{(L)} + b^{(L)} \ (\text{then softmax, for } \texttt{output="softmax"})

    Concept: regularize.dropout_ensemble

    Slides: 001 "Why multiply weights by (1-p)% during testing?"; 003 "Dropout is a kind of
    ensemble." ("Testing of Dropout").

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    layers : list of ``(W, b)`` — ``W`` of shape (fan-in, fan-out) (Keras's ``Dense`` kernel), two
        or more layers; dropout acts on the output of every layer but the last
    p : float in [0, 1) — the dropout rate (the fraction of hidden units dropped)
    activation : {"linear", "sigmoid", "relu"} — the hidden layers' activation
    output : {"linear", "softmax"} — the last layer's
    inverted : bool — the form dropout was trained in (see above)

    Returns
    -------
    ndarray (N, K)
    """
    fn = "dropout_scaled_forward"
    layers = _ensemble_layers(fn, x, layers)
    p = _check.fraction(fn, "p", p)
    _check.choice(fn, "activation", activation, _ENSEMBLE_HIDDEN)
    _check.choice(fn, "output", output, _ENSEMBLE_OUTPUT)
    inverted = _check.flag(fn, "inverted", inverted)
    c = 1.0 if inverted else 1.0 - p
    ones = [np.ones(W.shape[1], dtype=x.dtype) for W, _ in layers[:-1]]
    return _ensemble_forward(x, layers, ones, c, activation, output)


def dropout_ensemble_mean(x, layers, p, *, activation="sigmoid", output="softmax", inverted=False,
                          n_masks=None, rng=None):
    r"""The average output of the thinned networks dropout trains: exact over all masks, or sampled.

    Dropout trains, with every mini-batch, one of the :math:`2^M` networks obtained by
    dropping some of the :math:`M` hidden units; they share their weights, and the
    network used at test time stands in for their average (the slide's "Dropout is a
    kind of ensemble"). This computes that average itself. With ``n_masks=None`` it is
    exact: every mask :math:`m \in \{0, 1\}^M` is enumerated and weighted by its
    probability,

    .. math::

        \bar y = \sum_{m} P(m)\, y_m(x), \qquad P(m) = (1 - p)^{|m|}\, p^{M - |m|},

    (for :math:`p = 1/2` the plain mean of the :math:`2^M` outputs), with ``M`` at most
    :data:`ENSEMBLE_EXACT_MAX_UNITS`. With ``n_masks=S`` and a Generator ``rng`` it is the
    mean over ``S`` masks drawn by :func:`~reference.data.noise.dropout_mask` (one mask per
    network, shared by every example, as in one mini-batch), an unbiased estimate of
    :math:`\bar y`.

    For a network with linear hidden units (``activation="linear"``, ``output="linear"``)
    the output is a multilinear function of the independent mask entries, so its
    expectation is the network with every mask entry replaced by its mean
    :math:`1 - p`: :math:`\bar y` equals :func:`dropout_scaled_forward` exactly. For a
    nonlinear network the two differ; the scaled network is an approximation.

    Concept: regularize.dropout_ensemble

    Slides: 001 "Why drop out makes NN performs better? — Ensemble", "Why multiply weights by
    (1-p)% during testing?"; 003 "Dropout is a kind of ensemble." (four slides).

    Parameters
    ----------
    x, layers, p, activation, output, inverted : as for :func:`dropout_scaled_forward`; a thinned
        network multiplies a kept unit's output by 1 (slide) or :math:`1/(1-p)` (inverted) and a
        dropped one's by 0
    n_masks : int >= 1 or None — None: exact; otherwise the number of masks sampled
    rng : numpy.random.Generator — required when sampling, not allowed when exact

    Returns
    -------
    ndarray (N, K) — the (probability-weighted) mean output
    """
    from .data.noise import dropout_mask

    fn = "dropout_ensemble_mean"
    layers = _ensemble_layers(fn, x, layers)
    p = _check.fraction(fn, "p", p)
    _check.choice(fn, "activation", activation, _ENSEMBLE_HIDDEN)
    _check.choice(fn, "output", output, _ENSEMBLE_OUTPUT)
    inverted = _check.flag(fn, "inverted", inverted)
    scale = 1.0 / (1.0 - p) if inverted else 1.0
    widths = [W.shape[1] for W, _ in layers[:-1]]
    M = sum(widths)
    cuts = np.cumsum(widths)[:-1]
    if n_masks is None:
        if rng is not None:
            raise ValueError(f"{fn}: rng is for sampling masks; with n_masks=None the average is exact and draws "
                             f"nothing; got rng={type(rng).__name__}")
        if M > ENSEMBLE_EXACT_MAX_UNITS:
            raise ValueError(f"{fn}: the exact average enumerates 2^M masks, M (the hidden units) at most "
                             f"{ENSEMBLE_EXACT_MAX_UNITS}; got M = {M} (give n_masks and rng to sample)")
        total = 0.0
        for code in range(2 ** M):
            bits = ((code >> np.arange(M)) & 1).astype(x.dtype)
            kept = int(bits.sum())
            weight = (1.0 - p) ** kept * p ** (M - kept)
            if weight == 0.0:
                continue
            total = total + weight * _ensemble_forward(x, layers, np.split(bits, cuts), scale, activation, output)
        return np.asarray(total, dtype=x.dtype)
    n_masks = _check.count(fn, "n_masks", n_masks)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{fn}: sampling n_masks masks needs rng, a numpy.random.Generator; got "
                         f"{type(rng).__name__}")
    total = 0.0
    for _ in range(n_masks):
        bits = dropout_mask(rng, M, p, dtype=x.dtype)
        total = total + _ensemble_forward(x, layers, np.split(bits, cuts), scale, activation, output)
    return np.asarray(total / n_masks, dtype=x.dtype)
