r"""Training loops written once on the primitives and run on any backend.

This is lecture 1's training recipe as a function: pick initial values at random,
run epochs of mini-batch gradient descent, and watch the loss on the training data
and on data unseen during training. It calls only the primitives of the backend it
is given, so ``backend="cpu"`` or ``"cuda"`` runs the same loop fast; on ``cuda``
the data and the parameters stay on the GPU for the whole run.
"""

from __future__ import annotations

import sys
import time

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
