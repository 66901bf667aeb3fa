r"""What the ``practice_*`` tutorials share: the sparse data, the network, the fitting loop, the figures.

The second course's practice sequence (``001_2b35647283c26347.txt``, the slides "Practice – …")
runs Colab notebooks on an MLP regression of a 1-D function learned from a few samples
("1. 2.1. Learn from sparse data", "1. 2.2. Overfitting", "1. 2.3. Early stop" …). The
transcript names no function and prints no numbers: the sparse-data notebook fits "a
linear equation", and the homework (HW3) asks for a "quadratic or cubic equation"
instead. So the data here are **synthetic**, said so: the cubic of the homework,

.. math::

    f(x) = x^3 - x, \qquad x \in [-1.5, 1.5], \qquad y = f(x) + \varepsilon,\;
    \varepsilon \sim \mathcal N(0, 0.3^2),

sampled at :data:`N_TRAIN` = 12 evenly spaced points (the sparse training set; only their
noise changes from seed to seed), :data:`N_VAL` = 12 more drawn uniformly (the validation set
that early stopping watches), and a dense
grid of :data:`N_GRID` = 200 evenly spaced points with their own noise (the testing set).
Each seed draws its own samples and its own initial weights.

The network is the notebook's kind: ``Sequential`` of ``Dense(64)`` → activation →
``Dense(64)`` → activation → ``Dense(1)`` (1-64-64-1, 4,353 parameters for 12 points),
the loss ``'mse'``, ``Adam(lr=0.01)``, full batch (one update per epoch). Errors are mean
squared errors; ``truth`` is the error of the fitted curve against :math:`f` itself on the
grid (the part of the testing error that the model, not the noise, causes: testing error
≈ truth error + 0.09).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reference.keras import Activation, Adam, Dense, Dropout, Sequential

from ._common import Noise, one_blas_thread, pyplot, seed_noise, verdict

X_LOW, X_HIGH = -1.5, 1.5
NOISE = 0.3                 # the standard deviation of ε
N_TRAIN = 12                # the sparse training set
N_VAL = 12                  # the validation set early stopping watches
N_GRID = 200                # the dense testing grid
HIDDEN = (64, 64)
LR = 0.01
EPOCHS = 600                # long enough for the 1-64-64-1 ReLU network to chase the noise
FUNCTION = "f(x) = x³ − x"


def truth(x):
    """The function the samples come from, :math:`f(x) = x^3 - x`."""
    return x ** 3 - x


@dataclass(frozen=True)
class Data:
    """One draw of the practice data (float32 columns ``(N, 1)``)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray          # the dense grid
    y_test: np.ndarray          # f on the grid plus fresh noise
    f_test: np.ndarray          # f on the grid


def _column(a):
    return np.asarray(a, dtype=np.float32).reshape(-1, 1)


def sample(rng, n, noise=NOISE, even=False):
    """``n`` points on [−1.5, 1.5] and their noisy values ``f(x) + ε``: evenly spaced (``even``), or
    drawn uniformly (sorted)."""
    x = np.linspace(X_LOW, X_HIGH, n) if even else np.sort(rng.uniform(X_LOW, X_HIGH, size=n))
    return _column(x), _column(truth(x) + rng.normal(0.0, noise, size=n))


def draw(seed, n_train=N_TRAIN, n_val=N_VAL, noise=NOISE):
    """The training, validation and testing sets of one seed (:class:`Data`)."""
    # One stream per set, so that a larger training set leaves the validation and testing sets as they were.
    x_train, y_train = sample(np.random.default_rng([seed, 10]), n_train, noise, even=True)
    x_val, y_val = sample(np.random.default_rng([seed, 11]), n_val, noise)
    grid = np.linspace(X_LOW, X_HIGH, N_GRID)
    f = truth(grid)
    test_noise = np.random.default_rng([seed, 12]).normal(0.0, noise, size=N_GRID)
    return Data(x_train, y_train, x_val, y_val, _column(grid), _column(f + test_noise), _column(f))


def build(B, seed, *, activation="relu", hidden=HIDDEN, kernel_initializer=None, kernel_regularizer=None,
          dropout=0.0, lr=LR):
    """The practice network: ``Dense(h)`` → ``Activation`` (→ ``Dropout``) per hidden layer, then ``Dense(1)``.

    ``kernel_initializer`` and ``kernel_regularizer`` go to every ``Dense`` (``None``: Keras's
    defaults, Glorot uniform and no penalty); ``dropout`` > 0 adds ``Dropout(dropout)`` after
    each hidden activation. Loss ``'mse'``, ``Adam(lr=lr)``.
    """
    extra = {}
    if kernel_initializer is not None:
        extra["kernel_initializer"] = kernel_initializer
    if kernel_regularizer is not None:
        extra["kernel_regularizer"] = kernel_regularizer
    model = Sequential(backend=B, seed=seed)
    for i, units in enumerate(hidden):
        model.add(Dense(units, **({"input_dim": 1} if i == 0 else {}), **extra))
        model.add(Activation(activation))
        if dropout > 0:
            model.add(Dropout(dropout))
    model.add(Dense(1, **extra))
    model.compile(loss="mse", optimizer=Adam(lr=lr))
    return model


def train(model, data, epochs, callbacks=None):
    """Full-batch ``fit`` on the training set, the validation set watched; returns ``history.history``."""
    with one_blas_thread():
        h = model.fit(data.x_train, data.y_train, batch_size=data.x_train.shape[0], epochs=epochs, verbose=0,
                      validation_data=(data.x_val, data.y_val), callbacks=callbacks)
    return h.history


def mse(a, b):
    return float(np.mean((np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) ** 2))


def errors(model, data):
    """The data errors (no penalty) of a fitted model: training, validation, testing, and against f."""
    with one_blas_thread():
        p_train, p_val, p_test = (model.predict(x) for x in (data.x_train, data.x_val, data.x_test))
    return {"train": mse(p_train, data.y_train), "val": mse(p_val, data.y_val), "test": mse(p_test, data.y_test),
            "truth": mse(p_test, data.f_test), "curve": np.asarray(p_test, dtype=np.float64).ravel()}


def seeds(ctx, full=4, quick=2):
    """The seeds of a run: ``ctx.seed``, ``ctx.seed + 1``, … (``full`` of them, ``quick`` under --quick)."""
    return [ctx.seed + i for i in range(ctx.sized(full, quick, sim=2))]


def mean(runs, key):
    return float(np.mean([r[key] for r in runs]))


def noise_of(runs_a, runs_b, key="test"):
    """Two standard errors of the difference of the two settings' mean ``key`` error over their seeds."""
    return seed_noise([r[key] for r in runs_a], [r[key] for r in runs_b])


def error_rows(settings, slide_cells=None):
    """Table rows: setting, (the slide's cell), mean training / validation / testing / truth error ± sd."""
    rows = []
    for name, runs in settings.items():
        cells = [name] + ([slide_cells.get(name, "—")] if slide_cells is not None else [])
        for key in ("train", "val", "test", "truth"):
            v = np.array([r[key] for r in runs])
            cells.append(f"{v.mean():.3f} ± {v.std(ddof=1) if v.size > 1 else 0.0:.3f}")
        rows.append(cells)
    return rows


ERROR_COLUMNS = ["training MSE", "validation MSE", "testing MSE", "MSE against f"]


def plot_fits(ctx, filename, caption, data, curves, title, histories=None):
    """The fitted curves of one seed against the truth and the samples; the loss curves beside them."""
    plt = pyplot()
    ncols = 2 if histories else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6.4 * ncols, 4.6), squeeze=False)
    ax = axes[0, 0]
    grid = data.x_test.ravel()
    ax.plot(grid, data.f_test.ravel(), color="k", lw=2, label=f"truth {FUNCTION}")
    for label, curve in curves.items():
        ax.plot(grid, curve, lw=1.4, label=label)
    ax.scatter(data.x_train.ravel(), data.y_train.ravel(), color="k", zorder=5, s=22, label="training samples")
    ax.scatter(data.x_val.ravel(), data.y_val.ravel(), facecolors="none", edgecolors="0.4", zorder=5, s=22,
               label="validation samples")
    span = float(np.ptp(data.f_test))
    ax.set_ylim(float(data.f_test.min()) - 0.6 * span, float(data.f_test.max()) + 0.6 * span)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"seed {ctx.seed}: fitted curves", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    if histories:
        ax = axes[0, 1]
        for i, (label, h) in enumerate(histories.items()):
            color = f"C{i}"
            ep = np.arange(1, len(h["loss"]) + 1)
            ax.plot(ep, h["loss"], color=color, lw=1, label=f"{label}: training")
            ax.plot(ep, h["val_loss"], color=color, lw=1, ls="--", label=f"{label}: validation")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (MSE, with any penalty)")
        ax.set_title("loss per epoch", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, filename, caption)


def paired_noise(runs_a, runs_b, key="test"):
    r"""Two standard errors of the mean paired difference of ``key`` over the same seeds.

    Both settings of one seed train on the same samples from the same initial weights
    (where the setting leaves them alone), so most of a seed's luck cancels in the
    difference: :math:`2\,\mathrm{sd}(a_s - b_s)/\sqrt{k}` over the :math:`k` seeds.
    """
    a = np.array([r[key] for r in runs_a])
    b = np.array([r[key] for r in runs_b])
    if a.shape != b.shape or a.size < 2:
        raise ValueError(f"paired_noise: need the same two or more seeds per setting; got {a.size} and {b.size}")
    return Noise(2.0 * float(np.std(a - b, ddof=1) / np.sqrt(a.size)),
                 f"two standard errors of the mean paired difference over {a.size} seeds (each seed: the same "
                 "samples for both settings)")


def compare(ctx, settings, epochs, *, n_train=N_TRAIN, callbacks=None, seed_list=None):
    """Train every setting on every seed; returns ``(runs, first)``.

    ``settings`` maps a name to :func:`build`'s keyword arguments; ``callbacks(name)``, when
    given, makes the callbacks of one fit. ``runs[name]`` is the list of :func:`errors`
    dicts (one per seed, with ``"history"``, ``"callbacks"``, ``"model"`` and ``"data"`` added); ``first`` is the
    first seed's :class:`Data`, for the figure.
    """
    seed_list = seeds(ctx) if seed_list is None else seed_list
    tiny = {"hidden": (4,)} if ctx.simulated else {}    # the CUDA simulator: a smoke test at tiny sizes
    runs = {name: [] for name in settings}
    first = None
    for seed in ctx.progress(seed_list, "seeds"):
        data = draw(seed, n_train=n_train)
        first = data if first is None else first
        for name, kwargs in settings.items():
            model = build(ctx.backend, seed, **{**kwargs, **tiny})
            cbs = callbacks(name) if callbacks is not None else None
            history = train(model, data, epochs, callbacks=cbs)
            r = errors(model, data)
            r.update(history=history, callbacks=cbs, model=model, data=data)
            runs[name].append(r)
    for name, rs in runs.items():
        ctx.log(f"{name}: testing MSE {mean(rs, 'test'):.4f}, training MSE {mean(rs, 'train'):.4f} "
                f"over {len(rs)} seeds")
    return runs, first


def chosen_on_validation(runs, candidates):
    """Per seed, the run of the candidate with the lowest validation MSE: ``(runs, names)``.

    ``runs[name]`` are :func:`compare`'s lists (one run per seed, the seeds in the same
    order for every name); only the validation error decides, never the testing error.
    """
    picked, names = [], []
    for i in range(len(runs[candidates[0]])):
        best = min(candidates, key=lambda name: runs[name][i]["val"])
        picked.append(runs[best][i])
        names.append(best)
    return picked, names


def kernels(model):
    """The kernels (not the biases) of a model's Dense layers, float64."""
    return [np.asarray(w, dtype=np.float64) for w in model.get_weights()[0::2]]


def regularizer_study(ctx, where, claim, settings, epochs, figure, title):
    """The L2 / L1 / dropout step: no regularizer vs candidates, the candidate chosen per seed on validation.

    ``settings`` maps names to :func:`build` keywords, the first one the unregularised
    network. Records the table and the verdict (the validation-chosen candidate's testing
    error against the unregularised network's, paired over the seeds) and the figure;
    returns ``(runs, names_chosen)``.
    """
    names = list(settings)
    runs, data = compare(ctx, settings, epochs)
    picked, chosen = chosen_on_validation(runs, names[1:])
    shown = dict(runs)
    shown["chosen on validation, per seed"] = picked
    ctx.table(f"{where}: {FUNCTION} from {N_TRAIN} samples, 1-64-64-1 ReLU, {epochs} epochs, "
              f"{len(runs[names[0]])} seeds (mean ± sd), backend {ctx.backend.name}",
              ["network"] + ERROR_COLUMNS, error_rows(shown),
              note="The slides print no numbers. The last row takes, for each seed, the candidate with the "
                   f"lowest validation MSE (chosen: {', '.join(chosen)}); the testing set chooses nothing.")
    verdict(ctx, where, claim, None,
            {names[0]: mean(runs[names[0]], "test"), "chosen on validation": mean(picked, "test")},
            paired_noise(runs[names[0]], picked), higher_is_better=False, winner="chosen on validation")
    plot_fits(ctx, figure[0], figure[1], data, {name: rs[0]["curve"] for name, rs in runs.items()}, title,
              {name: runs[name][0]["history"] for name in (names[0], chosen[0])})
    return runs, chosen
