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


def lambda_sweep():
    """regularize.lambda_sweep: training, validation and testing RMSE per λ on the λ-table tutorial's data (one draw)."""
    from tutorials import lambda_table as lt

    rows = [lt.one_draw(B, np.random.default_rng(s), 300) for s in range(20)]
    lams = np.array(lt.LAMS, dtype=float)
    x = np.where(lams == 0, 0.1, lams)                  # λ = 0 drawn at 0.1 on the log axis
    fig, ax = plt.subplots(figsize=(6.8, 3.3))
    for key, color, label in (("train", "#2471a3", "training"), ("val", "#1e8449", "validation"),
                              ("test", "#c0392b", "testing")):
        ax.plot(x, np.median([r[key] for r in rows], axis=0), "o-", color=color, label=f"{label} (median of 20 draws)")
    ax.plot(x, lt.SLIDE_TRAIN, "s--", color="#2471a3", alpha=0.5, label="the slide's training")
    ax.plot(x, lt.SLIDE_TEST, "s--", color="#c0392b", alpha=0.5, label="the slide's testing")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(x, ["0"] + [f"{v:g}" for v in lams[1:]])
    ax.set_xlabel("λ")
    ax.set_ylabel("RMSE")
    ax.legend(fontsize=7)


def bias_variance():
    """generalize.bias_variance: 200 least-squares fits of degree 1, 3 and 5, each on its own 20 noisy points; their average and the truth."""
    from types import SimpleNamespace

    from reference.model_selection import bias_variance as decompose
    from tutorials import bias_variance as bv

    grid = np.linspace(-1.0, 1.0, 101)
    truth = bv.true_f(grid)
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.2), sharey=True)
    for ax, degree in zip(axes, (1, 3, 5)):
        f = bv.fit_many(SimpleNamespace(backend=B), np.random.default_rng(degree), degree, 20, 200, grid)
        bias2, variance = decompose(f, truth)
        for row in f[:60]:
            ax.plot(grid, row, color="#e6b0aa", lw=0.5)
        ax.plot(grid, f.mean(axis=0), color="#2471a3", lw=2, label="f̄: the average of 200 f*")
        ax.plot(grid, truth, color="k", lw=1.5, label="f̂: the true function")
        ax.set_title(f"degree {degree}: bias² {bias2:.3g}, variance {variance:.3g}", fontsize=9)
        ax.set_ylim(-2.5, 2.5)
        ax.set_xlabel("x")
    axes[0].set_ylabel("y (60 of the fits in red)")
    axes[0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()


def small_init():
    """regularize.small_init: the function a 1-64-64-1 ReLU network starts from, for three initial spreads."""
    from reference.keras.initializers import RandomNormal
    from tutorials import _practice as pr

    x = np.linspace(-1.5, 1.5, 121)
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.0))
    for ax, stddev, color in zip(axes, (1.0, 0.1, 0.01), ("#c0392b", "#2471a3", "#1e8449")):
        model = pr.build(B, 0, kernel_initializer=RandomNormal(stddev=stddev))
        y = model.predict(x[:, None].astype(model.dtype), verbose=0)[:, 0]
        ax.plot(x, y, color=color)
        ax.set_title(f"stddev {stddev:g}: |output| ≤ {np.abs(y).max():.2g}", fontsize=9)
        ax.set_xlabel("x")
    axes[0].set_ylabel("the untrained network's output")
    fig.tight_layout()


def dropout_ensemble():
    """regularize.dropout_ensemble: the scaled network against the exact average of all 2^M thinned networks (3-6-4-1, p = 0.5)."""
    from reference.training import dropout_ensemble_mean, dropout_scaled_forward

    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 1.0, (40, 3))
    sizes = (3, 6, 4, 1)                      # dropout on the 6 + 4 hidden units: 2^10 thinned networks
    layers = [(rng.normal(0, 1.5, (m, n)), rng.normal(0, 0.5, n)) for m, n in zip(sizes, sizes[1:])]
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.4))
    for ax, activation in zip(axes, ("linear", "sigmoid")):
        exact = dropout_ensemble_mean(x, layers, 0.5, activation=activation, output="linear")[:, 0]
        scaled = dropout_scaled_forward(x, layers, 0.5, activation=activation, output="linear")[:, 0]
        lim = [min(exact.min(), scaled.min()), max(exact.max(), scaled.max())]
        ax.plot(lim, lim, color="0.7", lw=1)
        ax.scatter(exact, scaled, s=12, color="#2471a3")
        ax.set_xlabel(f"average of all 2¹⁰ = 1,024 thinned networks ({activation} hidden units)")
        ax.set_ylabel("the scaled network (weights × (1−p))")
        ax.set_title(f"{activation}: largest gap {np.max(np.abs(exact - scaled)):.2g}", fontsize=9)
    fig.tight_layout()


def dropout_variants():
    """regularize.dropout_variants: what dropout, DropConnect and standout drop, and annealed dropout's rate."""
    from reference.data.noise import annealed_dropout_rate

    rng = np.random.default_rng(2)
    H, D, p = 8, 12, 0.5
    unit = data.dropout_mask(rng, (D,), p)                       # dropout: a whole input unit goes
    masks = {"dropout: a dropped unit loses all its weights": np.tile(unit, (H, 1)),
             "DropConnect: each weight dropped on its own": data.dropout_mask(rng, (H, D), p)}
    x = rng.normal(0.0, 1.0, (1, D))
    W = rng.normal(0.0, 1.0, (H, D))
    u = rng.random((1, H))
    kept = B.standout_forward(x, W, np.zeros(H), W, np.zeros(H), u)[0] != 0
    fig, axes = plt.subplots(1, 4, figsize=(12.5, 2.9), gridspec_kw={"width_ratios": [1.3, 1.3, 0.45, 1.5]})
    for ax, (title, m) in zip(axes, masks.items()):
        ax.imshow(m, cmap="Greys", vmin=-0.3, vmax=1.3)
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("input unit j")
        ax.set_ylabel("output unit i")
    q = 1.0 / (1.0 + np.exp(-(x @ W.T)))                          # standout's keep probability, α = 1, β = 0
    axes[2].imshow(np.vstack([q[0], kept[0]]).T, cmap="Greys", vmin=-0.3, vmax=1.3, aspect="auto")
    axes[2].set_xticks([0, 1], ["q", "kept"])
    axes[2].set_title("standout: own q per unit", fontsize=8)
    axes[2].set_ylabel("output unit i")
    epochs = np.arange(0, 41)
    for p0, color in ((0.8, "#c0392b"), (0.5, "#2471a3")):
        axes[3].plot(epochs, [annealed_dropout_rate(int(e), p0, 30) for e in epochs], color=color,
                     label=f"p0 = {p0}, to 0 at epoch 30")
    axes[3].set_xlabel("epoch")
    axes[3].set_ylabel("dropout rate")
    axes[3].set_title("annealed dropout", fontsize=8)
    axes[3].legend(fontsize=7)
    fig.tight_layout()


def augment():
    """data.augment: digits rotated by up to 15° and shifted by up to a pixel (transform_images), and noisy ones."""
    (x_train, _), _ = data.load_digits()
    images = x_train[:6].reshape(6, 1, 8, 8)
    rng = np.random.default_rng(0)
    angles, shifts = data.random_transforms(rng, 6, max_angle=15.0, max_shift=1.0)
    created = B.transform_images(images, angles, shifts)
    noisy = data.add_gaussian_noise(images, 1.0, rng)
    fig, axes = plt.subplots(3, 6, figsize=(8.0, 4.2))
    for k in range(6):
        for row, (imgs, label) in enumerate(((images, "original"), (created, f"{angles[k]:+.0f}°, "
                                             f"({shifts[k, 0]:+.1f}, {shifts[k, 1]:+.1f}) px"),
                                             (noisy, "noise sd 1"))):
            ax = axes[row, k]
            ax.imshow(imgs[k, 0], cmap="Greys", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(label if row else "original", fontsize=7)
    fig.tight_layout()
