"""The figures of the "Tips for training III" page, drawn from slidespec's own functions.

Every figure calls the primitives of :mod:`reference` (the NumPy spec) at sizes small
enough for a docs build; the tutorials run the same experiments at full size on any
backend. To look at one figure::

    python docs/figures/show.py training_tips_3 penalties
"""

import numpy as np
from matplotlib import pyplot as plt

import accelerated
from reference import data
from reference.training import early_stopping

B = accelerated.backend("reference")


def penalties():
    """regularize.l2, regularize.l1: the two penalties, and what one gradient step of each does to a weight."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 3.4))
    lam = 1.0
    w = np.linspace(-2.0, 2.0, 401)
    l2 = [float(B.l2_penalty(np.array([v]), lam)[0]) for v in w]
    l1 = [float(B.l1_penalty(np.array([v]), lam)[0]) for v in w]
    left.plot(w, l2, color="#2471a3", label="L2: λ·½w²  (gradient λw)")
    left.plot(w, l1, color="#c0392b", label="L1: λ|w|  (gradient λ·sgn w)")
    left.set_xlabel("w")
    left.set_ylabel("penalty, λ = 1")
    left.legend(fontsize=7)
    left.set_title("the penalty added to the loss", fontsize=9)

    # A weight that the data do not need: L = 0, so only the penalty moves it.
    eta, lam, steps = 0.1, 0.5, 60
    for name, penalty, color in (("L2: w ← (1 − ηλ)w", B.l2_penalty, "#2471a3"),
                                 ("L1: w ← w − ηλ·sgn w", B.l1_penalty, "#c0392b")):
        w = np.array([1.5, 0.6])
        path = [w.copy()]
        for _ in range(steps):
            w = w - eta * penalty(w, lam)[1]
            path.append(w.copy())
        path = np.array(path)
        right.plot(path[:, 0], color=color, label=f"{name}, from 1.5")
        right.plot(path[:, 1], color=color, ls="--", label=f"{name}, from 0.6")
    right.axhline(0.0, color="0.6", lw=0.8)
    right.set_xlabel(f"update t (η = {eta}, λ = {lam}, the loss's own gradient 0)")
    right.set_ylabel("w")
    right.legend(fontsize=7)
    right.set_title("L2 shrinks by a factor, L1 by a constant", fontsize=9)
    fig.tight_layout()


def early_stop():
    """regularize.early_stop: gradient descent on a degree-9 polynomial from 12 noisy points; early_stopping marks the stop."""
    rng = np.random.default_rng(3)
    truth = lambda x: np.sin(np.pi * x)  # noqa: E731
    x_train = np.sort(rng.uniform(-1, 1, 12))
    y_train = truth(x_train) + rng.normal(0, 0.25, x_train.size)
    x_val = rng.uniform(-1, 1, 200)
    y_val = truth(x_val) + rng.normal(0, 0.25, x_val.size)
    w, b = np.zeros(9), np.array(0.0)
    eta, epochs = 0.5, 3000
    train, val = [], []
    for _ in range(epochs):
        y, cache = B.polynomial_forward(x_train, w, b)
        loss, dy = B.mse(y, y_train)
        _, dw, db = B.polynomial_backward(dy, cache)
        w, b = w - eta * dw, b - eta * db
        train.append(float(loss))
        val.append(float(B.mse(B.polynomial_forward(x_val, w, b)[0], y_val)[0]))
    stop, best = early_stopping(val, patience=200, min_delta=1e-5)
    fig, ax = plt.subplots(figsize=(6.8, 3.2))
    ax.plot(train, color="#2471a3", label="training loss (MSE, 12 points)")
    ax.plot(val, color="#c0392b", label="validation loss (200 fresh points)")
    ax.axvline(best, color="#1e8449", ls="--", label=f"best epoch {best}: the model kept")
    if stop is not None:
        ax.axvline(stop, color="0.4", ls=":", label=f"stop after epoch {stop} (patience 200)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch (one full-batch gradient step)")
    ax.set_ylabel("MSE")
    ax.legend(fontsize=7)


def dropout_forms():
    """regularize.dropout: what the next layer sees in training (sampled masks) and at test time, in the two forms."""
    rng = np.random.default_rng(0)
    p, units = 0.5, 8
    a = rng.uniform(0.2, 1.0, units)           # one example's activations
    w = rng.normal(0.0, 1.0, units)            # the next layer's weights
    z_test = float(w @ a)
    zs = {True: [], False: []}
    for _ in range(4000):
        mask = data.dropout_mask(rng, a.shape, p)
        for inverted in (True, False):
            zs[inverted].append(float(w @ B.dropout_forward(a, mask, p, inverted=inverted)[0]))
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.2), sharey=True)
    for ax, inverted in zip(axes, (False, True)):
        z = np.array(zs[inverted])
        ax.hist(z, bins=40, color="0.75", label=f"training: z over 4,000 masks (mean {z.mean():.3f})")
        if inverted:
            ax.axvline(z_test, color="#c0392b", label=f"test: no dropout, weights as trained, z = {z_test:.3f}")
            ax.set_title("inverted (Keras, PyTorch): kept units × 1/(1−p) in training", fontsize=9)
        else:
            ax.axvline((1 - p) * z_test, color="#c0392b",
                       label=f"test: no dropout, weights × (1−p), z = {(1 - p) * z_test:.3f}")
            ax.set_title("the slide's form: no scaling in training", fontsize=9)
        ax.set_xlabel(f"z = w·a of the next layer (p = {p}, {units} units)")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("masks")
    fig.tight_layout()


def kfold():
    """generalize.cross_validation: the folds of kfold_indices(20, 4): each example validates once."""
    n, k = 20, 4
    folds = data.kfold_indices(n, k, rng=np.random.default_rng(0))
    fig, ax = plt.subplots(figsize=(7.0, 2.0))
    for j, (train, val) in enumerate(folds):
        ax.scatter(train, [j] * len(train), marker="s", s=60, color="#aed6f1", label="train" if j == 0 else None)
        ax.scatter(val, [j] * len(val), marker="s", s=60, color="#c0392b", label="validation" if j == 0 else None)
    ax.set_yticks(range(k), [f"split {j + 1}" for j in range(k)])
    ax.set_xticks(range(n))
    ax.set_xlabel("example (its index; shuffled once by the Generator before the cut)")
    ax.invert_yaxis()
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
