"""The figures of the "Tips for training II" page, drawn from slidespec's own functions.

The experiments are the tutorials' own (``tutorials.optimizers``, ``tutorials.momentum``,
``tutorials.adam_vs_sgd``): their computing and drawing functions are imported and run
here on the NumPy reference, at sizes small enough for a docs build (a coarser grid of
learning rates, fewer starting points, a smaller network and fewer epochs). The
tutorials run them at full size on any backend. To look at one figure::

    python docs/figures/show.py training_tips_2 paths
"""

from functools import lru_cache

import numpy as np
from matplotlib import pyplot as plt

import accelerated
from reference import data, lr_schedule
from tutorials import adam_vs_sgd as avs
from tutorials import momentum as mom
from tutorials import optimizers as opt

#: The learning-rate grid of the docs: 10^-2.5 ... 10^0.5, two per decade (the tutorial: 10^-3 ..., four).
ETAS = 10.0 ** np.arange(-2.5, 0.51, 0.5)
HIDDEN, EPOCHS = 64, 30           # the digits network of the "Let's try it" figure
B = accelerated.backend("reference")


@lru_cache(maxsize=None)
def _tuned(key):
    surface = opt.quadratic(50.0) if key == "quadratic" else opt.plateau()
    return surface, opt.tune(B, surface, ETAS, opt.STEPS)


def lr_schedules():
    """lr.schedule: the learning rate per epoch under each schedule of lr_schedule."""
    t = np.arange(0, 41)
    fig, ax = plt.subplots(figsize=(6.8, 3.0))
    rows = (("inverse_sqrt", {}, "inverse_sqrt: η/√(t+1), the slide's 1/t decay", "#c0392b"),
            ("inverse_time", {"decay": 0.1}, "inverse_time, decay = 0.1: η/(1 + 0.1 t), Keras's SGD(decay=0.1)",
             "#2471a3"),
            ("step", {"drop": 0.5, "every": 10}, "step: η·0.5^⌊t/10⌋", "#1e8449"),
            ("constant", {}, "constant: η", "#7f8c8d"))
    for schedule, kw, label, color in rows:
        ax.plot(t, [lr_schedule(0.1, int(k), schedule=schedule, **kw) for k in t], "-", color=color, label=label)
    ax.set_xlabel("t (update or epoch)")
    ax.set_ylabel("ηᵗ, starting from η = 0.1")
    ax.set_ylim(0, 0.105)
    ax.legend(fontsize=7)


def paths():
    """optim.*: one path per optimiser on the ill-conditioned quadratic and on the plateau, and their losses."""
    fig, axes = plt.subplots(2, 2, figsize=(11.5, 7.6), gridspec_kw={"height_ratios": [1.25, 1]})
    for j, key in enumerate(("quadratic", "plateau")):
        surface, results = _tuned(key)
        opt.draw_paths(axes[0, j], surface, results)
        opt.draw_losses(axes[1, j], surface, results)
    fig.tight_layout()


def adagrad_rates():
    """optim.adagrad, optim.adagrad_example: η_w per parameter along a path, and the slide's worked example."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    opt.draw_adagrad_rates(axes[0], axes[1], B, opt.quadratic(50.0))
    fig.tight_layout()


def momentum():
    """optim.momentum: the 1-D loss with a plateau and a local minimum; gradient descent vs momentum."""
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 3.8), gridspec_kw={"width_ratios": [1.4, 1, 0.9]})
    mom.draw_rolls(axes[0], axes[1], B)
    fractions = mom.hope(B, mom.STARTS_QUICK)
    labels = [label for label, _, _ in mom.SETTINGS]
    ax = axes[2]
    ax.barh(range(len(labels)), [fractions[label] for label in labels],
            color=[mom.COLORS[label] for label in labels])
    for i, label in enumerate(labels):
        ax.text(fractions[label] + 0.02, i, f"{fractions[label]:.0%}", va="center", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of {len(mom.STARTS_QUICK)} starts reaching the global minimum")
    ax.set_title("\"give some hope\"", fontsize=9)
    fig.tight_layout()


@lru_cache(maxsize=1)
def _digits_runs():
    (x, labels), (x_test, labels_test) = data.load_digits(seed=0, dtype=np.float32)
    y, y_test = data.onehot(labels, 10, dtype=np.float32), data.onehot(labels_test, 10, dtype=np.float32)
    runs = {}
    for label, make in avs.OPTIMIZERS.items():
        model = avs.build(B, 0, HIDDEN, make())
        history = model.fit(x, y, batch_size=avs.BATCH_SIZE, epochs=EPOCHS, verbose=0)
        runs[label] = (history.history["loss"], model.evaluate(x_test, y_test, verbose=0)[1])
    return runs


def lets_try_it():
    """optim.adam: the 3-layer ReLU network on digits with every optimiser: training loss and test accuracy."""
    runs = _digits_runs()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [1.5, 1]})
    avs.draw_losses(ax1, {label: loss for label, (loss, _) in runs.items()}, EPOCHS)
    ax1.set_title(f"64-{HIDDEN}-{HIDDEN}-10 ReLU on 8×8 digits: training loss per epoch", fontsize=9)
    labels = list(runs)
    ax2.barh(range(len(labels)), [runs[label][1] for label in labels],
             color=[avs.COLORS[label] for label in labels])
    for i, label in enumerate(labels):
        acc = runs[label][1]
        slide = f"  (slide {avs.SLIDE[label]})" if label in avs.SLIDE else ""
        ax2.text(acc - 0.005, i, f"{acc:.3f}{slide}", va="center", ha="right", fontsize=7, color="white")
    ax2.set_yticks(range(len(labels)), labels, fontsize=7)
    ax2.invert_yaxis()
    ax2.set_xlim(max(0.0, min(a for _, a in runs.values()) - 0.15), 1.0)
    ax2.set_xlabel("test accuracy (450 images)")
    ax2.set_title("the slide: original 0.96, Adam 0.97 (MNIST)", fontsize=9)
    fig.tight_layout()
