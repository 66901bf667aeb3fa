"""The figures of the lecture-1 page, drawn from slidespec's own functions.

Each function draws one figure with ``reference`` (and ``reference.data``,
``reference.training``, ``reference.gradcheck``); the docs build calls them through
matplotlib's ``plot`` directive, so a figure always shows what the code computes now.
To look at one outside the docs::

    python docs/figures/show.py sigmoid_shapes

Views are in thousands (k), as on the slides ("b* = 0.1k", "L = 0.48k").
"""

import numpy as np
from matplotlib import pyplot as plt

from reference import (closed_form, dense_forward, hard_sigmoid_forward, linear_forward, linear_gd,
                       loss_surface, mae, mse, network_backward, network_epoch, network_forward,
                       relu_forward, sigmoid_forward)
from reference.data import (batches, chronological_split, epoch_order, lag_features, load_gait,
                            load_views, split_indices, synthetic_views)
from reference.gradcheck import numeric_gradient
from reference.training import evaluate, init_params, train_network

RED, BLUE, GREEN, GREY = "#c0392b", "#2471a3", "#1e8449", "#7f8c8d"


def _views_2021():
    """The 2021 table as (x1 = views the day before, y_hat = views that day), in k."""
    views = load_views(2021)["views"] / 1000
    return lag_features(views, 1)


# --------------------------------------------------------------------------- data


def views_tables():
    """data.views: the two tables printed on the slides, and the synthetic stand-in."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.4, 3.0), gridspec_kw={"width_ratios": [1, 1.6]})
    for year, color in ((2020, GREY), (2021, BLUE)):
        t = load_views(year)
        day = np.arange(t["views"].size)
        ax1.plot(day, t["views"] / 1000, "o-", ms=3, color=color,
                 label=f"{t['date'][0]} … {t['date'][-1]}")
    ax1.set_xlabel("day of the table")
    ax1.set_ylabel("views (k)")
    ax1.set_title("the slides' two tables (shipped CSV)")
    ax1.legend(fontsize=7)
    s = synthetic_views(np.random.default_rng(0), start="2020-01-01", end="2021-02-10")
    ax2.plot(s["date"], s["views"] / 1000, color=GREY, lw=0.8, label="synthetic_views (not real data)")
    for year, color in ((2020, "k"), (2021, BLUE)):
        t = load_views(year)
        ax2.plot(t["date"], t["views"] / 1000, "o", ms=2.5, color=color)
    ax2.set_title("synthetic stand-in for the channel's daily views")
    ax2.set_ylabel("views (k)")
    ax2.legend(fontsize=7, loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()


def gait_table():
    """data.gait: the 001 table as regression (TUG, BBS) and classification (y1, y2) data."""
    g = load_gait()
    lost = np.isnan(g["px"])
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    for label, mask, marker in (("y2 = 0", g["y2"] == 0, "o"), ("y2 = 1", g["y2"] == 1, "s")):
        m = mask & ~lost
        ax.scatter(g["tug"][m], g["bbs"][m], marker=marker, c=np.where(g["y1"][m] == 1, RED, BLUE),
                   s=28, label=label)
    ax.scatter(g["tug"][lost], g["bbs"][lost], marker="x", c="k", s=50,
               label="rows 6, 7: px lost in the transcript")
    ax.axvline(14, color=RED, lw=0.8, ls="--")
    ax.axhline(22, color=GREY, lw=0.8, ls="--")
    ax.text(14.3, 27.6, "y1 = 1 ⇔ TUG ≥ 14 (red)", fontsize=7, color=RED)
    ax.text(22, 22.4, "y2 = 1 ⇔ BBS ≤ 22", fontsize=7, color=GREY)
    ax.set_xlabel("TUG (s)")
    ax.set_ylabel("BBS")
    ax.set_title("load_gait(): 23 rows, two thresholded labels")
    ax.legend(fontsize=7, loc="lower left")


def data_split():
    """data.split: train on the past, validate and test on later days (no peeking at the future)."""
    s = synthetic_views(np.random.default_rng(0), start="2019-01-01", end="2021-12-31")
    before, after = chronological_split(s["date"], "2021-01-01")
    # The future part halves into a validation set (the mock exam) and a test set (the real one).
    val, test = split_indices(after.size, fractions=(0.5, 0.5))
    fig, ax = plt.subplots(figsize=(7.6, 2.6))
    v = s["views"] / 1000
    ax.plot(s["date"][before], v[before], color=BLUE, lw=0.7, label="training (2019–2020)")
    ax.plot(s["date"][after[val]], v[after[val]], color=GREEN, lw=0.7, label="validation: the mock exam")
    ax.plot(s["date"][after[test]], v[after[test]], color=RED, lw=0.7, label="testing: used once")
    ax.set_ylabel("views (k), synthetic")
    ax.legend(fontsize=7, loc="upper left", ncol=3)
    ax.set_title("chronological_split + split_indices on synthetic_views")
    fig.autofmt_xdate()


# --------------------------------------------------------------------------- step 1 and 2


def linear_fit():
    """model.linear1, opt.closed_form: y = b + w x1 on the 2021 table."""
    x1, y_hat = _views_2021()
    w, b = closed_form(x1, y_hat)
    grid = np.linspace(3.2, 7.0, 50)[:, None]
    y_slide, _ = linear_forward(grid, np.array([0.97]), 0.1)
    y_fit, _ = linear_forward(grid, w, b)
    L_slide, _ = mae(linear_forward(x1, np.array([0.97]), 0.1)[0], y_hat)
    L_fit, _ = mae(linear_forward(x1, w, b)[0], y_hat)
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    ax.scatter(x1[:, 0], y_hat, color="k", s=14, zorder=3, label="2021 table: (day before, that day)")
    ax.plot(grid[:, 0], y_slide, color=RED,
            label=f"slide's fit on 2017–2020: y = 0.1k + 0.97 x1  (MAE here {L_slide:.2f}k)")
    ax.plot(grid[:, 0], y_fit, color=BLUE,
            label=f"closed_form on these 15 pairs: y = {b:.2f}k + {w[0]:.2f} x1  (MAE {L_fit:.2f}k)")
    ax.set_xlabel("x1: views the day before (k)")
    ax.set_ylabel("y: views (k)")
    ax.legend(fontsize=7, loc="upper left")


def linear_days():
    """model.linear: more days of history, on synthetic views (train 2017–2020, test 2021)."""
    s = synthetic_views(np.random.default_rng(0))
    v = s["views"] / 1000
    days = (1, 7, 28, 56)
    train_L, test_L = [], []
    for d in days:
        x, y_hat = lag_features(v, d)
        tr, te = chronological_split(s["date"][d:], "2021-01-01")
        w, b = closed_form(x[tr], y_hat[tr])
        train_L.append(mae(linear_forward(x[tr], w, b)[0], y_hat[tr])[0])
        test_L.append(mae(linear_forward(x[te], w, b)[0], y_hat[te])[0])
    slide_train, slide_test = (0.48, 0.38, 0.33, 0.32), (0.58, 0.49, 0.46, 0.46)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.0, 3.0), sharey=False)
    pos = np.arange(len(days))
    for ax, (tr_, te_), title in ((ax1, (slide_train, slide_test), "slide (real channel)"),
                                  (ax2, (train_L, test_L), "closed_form on synthetic_views")):
        ax.bar(pos - 0.18, tr_, 0.36, color=BLUE, label="2017–2020 (training)")
        ax.bar(pos + 0.18, te_, 0.36, color=RED, label="2021 (unseen)")
        ax.set_xticks(pos, [f"{d} day{'s' * (d > 1)}" for d in days])
        ax.set_ylabel("MAE (k views)")
        ax.set_title(title)
    ax1.legend(fontsize=7)


def _per_example(loss, r):
    """The loss of one example and its gradient dL/dy, for each residual y − ŷ in ``r``."""
    L = np.empty_like(r)
    g = np.empty_like(r)
    for i, e in enumerate(r):
        L[i], dL_dy = loss(np.array([e]), np.array([0.0]))
        g[i] = dL_dy[0]
    return L, g


def loss_per_example():
    """loss.mae: |y − ŷ| against (y − ŷ)², and the gradients the two losses return."""
    r = np.linspace(-3, 3, 241)
    sq, dsq = _per_example(mse, r)
    ab, dab = _per_example(mae, r)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.6, 2.8))
    ax1.plot(r, ab, color=RED, label="MAE: e = |y − ŷ|")
    ax1.plot(r, sq, color=BLUE, label="MSE: e = (y − ŷ)²")
    ax1.set_xlabel("y − ŷ")
    ax1.set_title("the loss of one example")
    ax1.legend(fontsize=7)
    ax2.plot(r, dab, color=RED, label="mae: sgn(y − ŷ), 0 at the kink")
    ax2.plot(r, dsq, color=BLUE, label="mse: 2(y − ŷ)")
    ax2.set_xlabel("y − ŷ")
    ax2.set_title("dL/dy, the second value each loss returns")
    ax2.legend(fontsize=7)
    fig.tight_layout()


def loss_outlier():
    """loss.mse: the best constant under MSE is the mean, under MAE the median; one outlier shows it."""
    _, y_hat = _views_2021()
    y_out = np.append(y_hat, 25.0)
    c = np.linspace(3, 8, 201)
    fig, ax = plt.subplots(figsize=(5.8, 3.0))
    for data, ls, name in ((y_hat, "-", "2021 table"), (y_out, "--", "table + one 25k day")):
        Ls = np.array([mse(np.full(data.size, ci), data)[0] for ci in c])
        La = np.array([mae(np.full(data.size, ci), data)[0] for ci in c])
        ax.plot(c, np.sqrt(Ls), ls, color=BLUE, label=f"√MSE, {name}: min at {c[np.argmin(Ls)]:.2f}k")
        ax.plot(c, La, ls, color=RED, label=f"MAE, {name}: min at {c[np.argmin(La)]:.2f}k")
    ax.set_xlabel("one constant prediction c for every day (k)")
    ax.set_ylabel("loss (k)")
    ax.set_title("one outlier moves MSE's best c (the mean), hardly MAE's (the median)")
    ax.legend(fontsize=7)


# --------------------------------------------------------------------------- step 3


def loss_surfaces():
    """loss.surface: L(w, b) on a grid of candidate functions, for MSE and for MAE."""
    x1, y_hat = _views_2021()
    w_grid = np.linspace(-0.6, 1.6, 111)
    b_grid = np.linspace(-4.0, 8.0, 121)
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 3.3), sharey=True)
    for ax, loss in zip(axes, ("mse", "mae")):
        L = loss_surface(x1[:, 0], y_hat, w_grid, b_grid, loss=loss)
        i, j = np.unravel_index(np.argmin(L), L.shape)
        cs = ax.contour(w_grid, b_grid, np.log10(L), levels=18, cmap="viridis", linewidths=0.8)
        ax.plot(w_grid[j], b_grid[i], "*", ms=11, color=RED, mec="k",
                label=f"grid minimum: w = {w_grid[j]:.2f}, b = {b_grid[i]:.1f}k")
        fig.colorbar(cs, ax=ax, label=f"log10 L ({loss})")
        ax.set_xlabel("w")
        ax.set_title(f"loss={loss!r}: {L.size:,} candidate (w, b)", fontsize=8)
        ax.legend(fontsize=7, loc="upper right")
    axes[0].set_ylabel("b (k)")
    fig.tight_layout()


def closed_form_vs_gd():
    """opt.closed_form: the formula's answer, and gradient descent creeping towards it."""
    x1, y_hat = _views_2021()
    w_star, b_star = closed_form(x1, y_hat)
    fig, ax = plt.subplots(figsize=(6.0, 3.0))
    for eta, color in ((0.002, GREY), (0.01, BLUE), (0.036, GREEN)):
        wp, bp, _ = linear_gd(x1, y_hat, np.array([1.25]), 4.5, eta, 2000)
        dist = np.hypot(wp[:, 0] - w_star[0], bp - b_star)
        ax.loglog(np.arange(1, dist.size + 1), dist, color=color, label=f"linear_gd, η = {eta}")
    ax.set_xlabel("update t + 1")
    ax.set_ylabel("|(wᵗ, bᵗ) − (w*, b*)|")
    ax.set_title(f"closed_form: w* = {w_star[0]:.3f}, b* = {b_star:.3f}k in one solve")
    ax.legend(fontsize=7, loc="lower left")


def loss_surface_gd():
    """loss.surface, gd.loop: the MSE surface over (w, b) and gradient-descent paths on it."""
    x1, y_hat = _views_2021()
    w_grid = np.linspace(-1.1, 1.4, 161)
    b_grid = np.linspace(-1.5, 5.5, 141)
    L = loss_surface(x1[:, 0], y_hat, w_grid, b_grid, loss="mse")
    w_star, b_star = closed_form(x1, y_hat)
    fig, ax = plt.subplots(figsize=(6.2, 4.0))
    cs = ax.contourf(w_grid, b_grid, np.log10(L), levels=24, cmap="viridis")
    fig.colorbar(cs, ax=ax, label="log10 L (MSE, k²)")
    w0, b0 = 1.25, 4.5
    for eta, steps, color in ((0.036, 1000, RED), (0.01, 1000, "orange"), (0.002, 1000, "w")):
        wp, bp, Lp = linear_gd(x1, y_hat, np.array([w0]), b0, eta, steps)
        ax.plot(wp[:, 0], bp, ".-", ms=1.5, lw=0.6, color=color,
                label=f"linear_gd η = {eta}: {steps} updates, L = {Lp[0]:.1f} → {Lp[-1]:.3f}")
    ax.plot(w_star, b_star, "*", ms=12, color=RED, mec="k",
            label=f"closed_form: w* = {w_star[0]:.2f}, b* = {b_star:.2f}k, L = {L.min():.3f}")
    ax.set_xlabel("w")
    ax.set_ylabel("b (k)")
    ax.set_title(f"loss_surface on the 2021 table; start w⁰ = {w0}, b⁰ = {b0}k")
    ax.legend(fontsize=7, loc="lower left")


def learning_rates():
    """gd.step: the learning rate η decides how far each update goes."""
    x1, y_hat = _views_2021()
    fig, ax = plt.subplots(figsize=(6.0, 3.0))
    for eta, color in ((0.0005, GREY), (0.002, BLUE), (0.01, GREEN), (0.036, "orange"), (0.038, RED)):
        with np.errstate(over="ignore", invalid="ignore"):
            _, _, Lp = linear_gd(x1, y_hat, np.array([1.25]), 4.5, eta, 300)
        ax.semilogy(Lp, color=color, label=f"η = {eta}")
    ax.set_xlabel("update t")
    ax.set_ylabel("L(wᵗ, bᵗ), MSE (k²)")
    ax.set_ylim(0.2, 200)
    ax.set_title("same start, five learning rates: too small crawls, too large diverges")
    ax.legend(fontsize=7, ncol=3)


def updates_per_epoch():
    """batch.epoch, batch.sizes: ceil(N / B) updates per epoch."""
    rng = np.random.default_rng(0)
    N = 1000
    x = rng.normal(size=(N, 1))
    y_hat = 0.5 * x[:, 0]
    sizes = np.array([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])
    counts = []
    for B in sizes:
        _, losses = network_epoch(x, y_hat, np.array([0.0]), 0.0, order=epoch_order(N, rng),
                                  batch_size=int(B), eta=0.01, activation="linear")
        counts.append(losses.size)          # one loss per update
    slide = [(10_000, 10), (1_000, 100)]
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    ax.loglog(sizes, counts, "o-", color=BLUE, label="network_epoch, N = 1,000: len(losses)")
    for n, B in slide:
        k = len(batches(epoch_order(n), B))
        ax.plot(B, k, "*", ms=12, color=RED)
        ax.annotate(f"N = {n:,}, B = {B} → {k:,} updates", (B, k), textcoords="offset points",
                    xytext=(9, -3), fontsize=7, color=RED)
    ax.set_ylim(0.6, 3e4)
    ax.set_xlabel("batch size B")
    ax.set_ylabel("updates in one epoch")
    ax.set_title("B = N: full batch (1 update); B = 1: SGD (N updates)")
    ax.legend(fontsize=7, loc="lower left")


def minibatch_losses():
    """batch.minibatch: each update sees one batch's loss Lᵏ, not the loss L on all the data."""
    x1, y_hat = _views_2021()
    N, B, eta, epochs = y_hat.size, 3, 0.002, 4
    rng = np.random.default_rng(4)
    c, b = np.array([1.25]), 4.5
    batch_L, full_L = [], [mse(linear_forward(x1, c, b)[0], y_hat)[0]]
    edges = [0]
    for _ in range(epochs):
        order = epoch_order(N, rng)
        for idx in batches(order, B):              # the epoch's batches, one update each
            (c, b), losses = network_epoch(x1[idx], y_hat[idx], c, b, batch_size=idx.size,
                                           eta=eta, activation="linear")
            batch_L.append(losses[0])
            full_L.append(mse(linear_forward(x1, c, b)[0], y_hat)[0])
        edges.append(len(batch_L))
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    k = np.arange(1, len(batch_L) + 1)
    ax.semilogy(k, batch_L, "o", ms=3.5, color=RED, label="Lᵏ: the batch's own loss, before its update")
    ax.semilogy(np.arange(len(full_L)), full_L, "-", color=BLUE, label="L on all 15 examples, after each update")
    for e in edges[1:-1]:
        ax.axvline(e + 0.5, color=GREY, lw=0.6, ls=":")
    ax.set_xlabel(f"update k (B = {B}, N = {N}: {len(batch_L) // epochs} updates per epoch, dotted lines)")
    ax.set_ylabel("MSE (k²)")
    ax.set_title("mini-batch gradient descent on the 2021 table")
    ax.legend(fontsize=7)


def batch_paths():
    """batch.minibatch, batch.sizes: full batch vs B = 5 vs B = 1, twenty epochs each."""
    x1, y_hat = _views_2021()
    w_grid = np.linspace(-0.05, 1.35, 141)
    b_grid = np.linspace(3.6, 4.7, 111)
    L = loss_surface(x1[:, 0], y_hat, w_grid, b_grid)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.8, 3.4))
    ax1.contourf(w_grid, b_grid, np.log10(L), levels=20, cmap="Greys")
    N, epochs, eta = y_hat.size, 20, 0.005
    for B, color in ((N, BLUE), (5, GREEN), (1, RED)):
        rng = np.random.default_rng(1)
        c, b = np.array([1.25]), 4.5
        path, updates, Ls = [(c[0], b)], [0], [mse(linear_forward(x1, c, b)[0], y_hat)[0]]
        for _ in range(epochs):
            (c, b), losses = network_epoch(x1, y_hat, c, b, order=epoch_order(N, rng), batch_size=B,
                                           eta=eta, activation="linear")
            path.append((c[0], b))
            updates.append(updates[-1] + losses.size)
            Ls.append(mse(linear_forward(x1, c, b)[0], y_hat)[0])
        path = np.array(path)
        label = "full batch" if B == N else f"B = {B}" + (" (SGD)" if B == 1 else "")
        ax1.plot(path[:, 0], path[:, 1], "o-", ms=2.5, lw=0.9, color=color, label=label)
        ax2.semilogy(np.arange(epochs + 1), Ls, "o-", ms=2.5, color=color,
                     label=f"{label}: {updates[-1]} updates")
    ax1.set_xlabel("w")
    ax1.set_ylabel("b (k)")
    ax1.set_title(f"(w, b) after each epoch, η = {eta}")
    ax1.legend(fontsize=7)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("training MSE")
    ax2.set_title("same epochs, more updates per epoch")
    ax2.legend(fontsize=7)
    fig.tight_layout()


# --------------------------------------------------------------------------- flexible models


def sigmoid_shapes():
    """act.sigmoid: c sigmoid(b + w x1) with w, b and c varied."""
    x = np.linspace(-6, 6, 301)
    fig, axes = plt.subplots(1, 3, figsize=(9.0, 2.6), sharey=True)
    cases = [("different w: slope", [(1, 0, 0.5), (1, 0, 1), (1, 0, 4)], lambda c, b, w: f"w = {w}"),
             ("different b: shift", [(1, -2, 1), (1, 0, 1), (1, 2, 1)], lambda c, b, w: f"b = {b}"),
             ("different c: height", [(0.5, 0, 1), (1, 0, 1), (1.5, 0, 1)], lambda c, b, w: f"c = {c}")]
    for ax, (title, params, label) in zip(axes, cases):
        for (c, b, w), color in zip(params, (GREY, BLUE, RED)):
            a, _ = sigmoid_forward(b + w * x)
            ax.plot(x, c * a, color=color, label=label(c, b, w))
        ax.set_title(title)
        ax.set_xlabel("x1")
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel("c · sigmoid(b + w x1)")
    fig.tight_layout()


# A red curve like the slides': flat at 1 up to x1 = 0, then straight pieces through
# 3 at x1 = 1, 0.5 at x1 = 3 and 2 at x1 = 5, flat after that.
_KNOTS = np.array([1.0, 3.0, 5.0])
_VALUES = np.array([1.0, 3.0, 0.5, 2.0])


def _red_curve(x):
    xs = np.concatenate([[-10.0, 0.0], _KNOTS, [6.0, 20.0]])
    ys = np.concatenate([[_VALUES[0], _VALUES[0]], _VALUES[1:], [_VALUES[-1], _VALUES[-1]]])
    return np.interp(x, xs, ys)


def _hard_sigmoid_params():
    """One hard sigmoid per ramp: c_i hard_sigmoid(b_i + w_i x1) climbs c_i on [x_i, x_{i+1}]."""
    starts = np.array([0.0, 1.0, 3.0, 5.0])
    ends = np.array([1.0, 3.0, 5.0, 6.0])
    heights = np.diff(np.concatenate([[_VALUES[0]], _VALUES[1:], [_VALUES[-1]]]))
    keep = heights != 0
    w = 1 / (ends - starts)[keep]
    b = -starts[keep] * w
    return _VALUES[0], heights[keep], w, b


def hard_sigmoid_sum():
    """model.hard_sigmoid: red curve = constant + sum of hard sigmoids (network_forward, hard_sigmoid)."""
    x = np.linspace(-1, 7, 401)
    const, c, w, b = _hard_sigmoid_params()
    y, _ = network_forward(x[:, None], w[:, None], b, c, const, activation="hard_sigmoid")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.0), sharey=True)
    ax1.axhline(const, color=GREY, ls=":", label=f"constant {const}")
    for i in range(c.size):
        a, _ = hard_sigmoid_forward(b[i] + w[i] * x)
        ax1.plot(x, c[i] * a, color=BLUE, alpha=0.4 + 0.2 * i, label=f"{c[i]:+.1f} · hard_sigmoid({b[i]:+.2f} {w[i]:+.2f} x1)")
    ax1.set_title("the pieces")
    ax1.legend(fontsize=6, loc="lower right")
    ax2.plot(x, _red_curve(x), color=RED, lw=4, alpha=0.35, label="red curve")
    ax2.plot(x, y, color="k", lw=1, label="constant + Σ pieces (network_forward)")
    ax2.set_title("their sum is the red curve")
    ax2.legend(fontsize=7, loc="lower right")
    for ax in (ax1, ax2):
        ax.set_xlabel("x1")
    fig.tight_layout()


def sigmoid_sum():
    """model.sigmoid_sum, model.matrix_form: sigmoids approximate each hard sigmoid; the matrix form
    r = b + W x, a = σ(r), y = b + cᵀa computes the same sum."""
    x = np.linspace(-1, 7, 161)
    const, c, w_hard, b_hard = _hard_sigmoid_params()
    centre = -(b_hard / w_hard) + 0.5 / w_hard        # the middle of each ramp
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.0), sharey=True)
    for slope, color in ((1.5, GREY), (4.0, BLUE), (12.0, GREEN)):
        w = slope * w_hard                          # steeper with the ramp: w_i = slope / width
        b = -w * centre
        # The matrix form: one dense layer and the linear read-out.
        y, _ = network_forward(x[:, None], w[:, None], b, c, const, activation="sigmoid")
        ax2.plot(x, y, color=color, label=f"w_i = {slope:g} / ramp width")
        if slope == 4.0:
            # ... and the same sum written unit by unit, as on the slide: r_i, a_i, c_i a_i.
            terms = [c[i] * sigmoid_forward(b[i] + w[i] * x)[0] for i in range(c.size)]
            for i, t in enumerate(terms):
                ax1.plot(x, t, color=BLUE, alpha=0.4 + 0.2 * i, label=f"c_{i + 1} sigmoid(b_{i + 1} + w_{i + 1} x1)")
            ax2.plot(x[::8], const + np.sum(terms, axis=0)[::8], "o", ms=3, color="k",
                     label="b + Σ_i c_i sigmoid(...), unit by unit")
    ax2.plot(x, _red_curve(x), color=RED, lw=4, alpha=0.3, label="red curve")
    ax1.set_title("the sigmoids (w_i = 4 / ramp width)")
    ax1.legend(fontsize=6, loc="lower right")
    ax2.set_title("b + cᵀ σ(b + W x) approaches the curve")
    ax2.legend(fontsize=6, loc="lower right")
    for ax in (ax1, ax2):
        ax.set_xlabel("x1")
    fig.tight_layout()


def matrix_form():
    """model.matrix_form: r = b + W x, a = σ(r), y = b + cᵀa for one day of the 2021 table."""
    views = load_views(2021)["views"] / 1000
    x, _ = lag_features(views, 3)                  # x1, x2, x3: views 1, 2, 3 days before
    rng = np.random.default_rng(5)
    W = rng.normal(0, 0.5, size=(3, 3))
    bias = rng.normal(0, 1, size=3)
    c = rng.normal(0, 1, size=3)
    b = 0.5
    xi = x[-1:]                                    # the last day of the table
    r, _ = dense_forward(xi, W, bias, activation="linear")
    a, _ = dense_forward(xi, W, bias, activation="sigmoid")
    y, _ = network_forward(xi, W, bias, c, b, activation="sigmoid")
    # The same numbers one unit at a time, as the slide first writes them.
    r_units = [bias[i] + sum(W[i, j] * xi[0, j] for j in range(3)) for i in range(3)]
    y_units = b + sum(c[i] * sigmoid_forward(np.array(r_units[i]))[0] for i in range(3))
    gap = max(np.max(np.abs(r[0] - r_units)), abs(y[0] - y_units))
    panels = [("x", xi.T), ("W", W), ("b", bias[:, None]), ("r = b + Wx", r.T), ("a = σ(r)", a.T),
              ("cᵀ", c[None, :]), ("y = b + cᵀa", y[:, None])]
    fig, axes = plt.subplots(1, len(panels), figsize=(9.4, 2.3),
                             gridspec_kw={"width_ratios": [p[1].shape[1] + 0.6 for p in panels]})
    for ax, (name, M) in zip(axes, panels):
        ax.imshow(M, cmap="coolwarm", vmin=-np.max(np.abs(M)) - 1e-9, vmax=np.max(np.abs(M)) + 1e-9)
        for (i, j), v in np.ndenumerate(M):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7)
        ax.set_title(name, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.suptitle(f"dense_forward / network_forward vs the unit-by-unit sums: largest difference {gap:.1e}",
                 fontsize=8)
    fig.tight_layout()


def relu_pair():
    """act.relu: c max(0, b + w x1) + c' max(0, b' + w' x1) is a hard sigmoid."""
    x = np.linspace(-1, 7, 401)
    r1, _ = relu_forward(x - 1.0)
    r2, _ = relu_forward(x - 3.0)
    fig, ax = plt.subplots(figsize=(5.6, 3.0))
    ax.plot(x, 1.0 * r1, color=BLUE, label="c max(0, b + w x1) = max(0, x1 − 1)")
    ax.plot(x, -1.0 * r2, color=GREEN, label="c' max(0, b' + w' x1) = −max(0, x1 − 3)")
    ax.plot(x, r1 - r2, color="k", lw=2, label="their sum")
    a, _ = hard_sigmoid_forward((x - 1.0) / 2.0)
    ax.plot(x[::12], 2.0 * a[::12], "o", ms=3, color=RED, label="2 · hard_sigmoid((x1 − 1) / 2)")
    ax.set_ylim(-3, 4)
    ax.set_xlabel("x1")
    ax.set_title("two ReLUs make one hard sigmoid")
    ax.legend(fontsize=7, loc="lower left")


def relu_sum():
    """model.relu_sum: the red curve as b + a sum of 2 × (number of hard sigmoids) ReLUs."""
    x = np.linspace(-1, 7, 401)
    # c hard_sigmoid(b + w x) = c relu(b + w x) − c relu(b + w x − 1): each piece is two ReLUs.
    const, c, w, b = _hard_sigmoid_params()
    W = np.concatenate([w, w])[:, None]
    bias = np.concatenate([b, b - 1])
    cc = np.concatenate([c, -c])
    y, _ = network_forward(x[:, None], W, bias, cc, const, activation="relu")
    fig, ax = plt.subplots(figsize=(5.6, 3.0))
    for i in range(cc.size):
        r, _ = relu_forward(bias[i] + W[i, 0] * x)
        ax.plot(x, cc[i] * r, color=GREY, lw=0.7, alpha=0.8, label="the 6 terms c_i max(0, ...)" if i == 0 else None)
    ax.plot(x, _red_curve(x), color=RED, lw=4, alpha=0.35, label="red curve")
    ax.plot(x, y, color="k", lw=1, label=f"b + Σ over {cc.size} ReLUs (network_forward, relu)")
    ax.set_ylim(-4, 5)
    ax.set_xlabel("x1")
    ax.set_title(f"{c.size} hard sigmoids = {cc.size} ReLUs: the Σ over 2i")
    ax.legend(fontsize=7, loc="lower left")


def deep_pieces():
    """model.dense: stacking layers a' = σ(b' + W'a); random ReLU networks of 1–4 layers on one input."""
    x = np.linspace(-3, 3, 2001)[:, None]
    fig, axes = plt.subplots(1, 4, figsize=(9.6, 2.4), sharey=False)
    for depth, ax in zip(range(1, 5), axes):
        rng = np.random.default_rng(3)
        params = list(init_params((1,) + (8,) * depth, rng, activation="relu"))
        for layer in range(depth):                    # init_params starts biases at 0: spread
            params[2 * layer + 1] = rng.normal(0, 1, size=8)   # the kinks out along x1
        y, _ = network_forward(x, *params, activation="relu")
        # The same layers one at a time, a' = relu(b' + W'a): a linear piece ends wherever
        # some unit switches on or off.
        a, pattern = x, []
        for W_l, b_l in zip(params[0:-2:2], params[1:-2:2]):
            a, _ = dense_forward(a, W_l, b_l, activation="relu")
            pattern.append(a > 0)
        pattern = np.hstack(pattern)
        pieces = 1 + int(np.any(pattern[1:] != pattern[:-1], axis=1).sum())
        ax.plot(x[:, 0], y, color=BLUE)
        ax.set_title(f"{depth} layer{'s' * (depth > 1)} of 8 ReLU: {pieces} pieces", fontsize=8)
        ax.set_xlabel("x1")
    axes[0].set_ylabel("y")
    fig.tight_layout()


def depth_overfit():
    """generalize.overfit: 1–4 layers of 100 ReLU on 56 days, trained on 2017–2020, scored on 2021."""
    s = synthetic_views(np.random.default_rng(0))
    v = s["views"] / 1000
    x, y_hat = lag_features(v, 56)
    tr, va = chronological_split(s["date"][56:], "2021-01-01")
    mu, sd = x[tr].mean(), x[tr].std()          # standardise with training statistics only
    xs, ys = (x - mu) / sd, (y_hat - mu) / sd
    train_L, val_L, curves = [], [], []
    for depth in (1, 2, 3, 4):
        params = init_params((56,) + (100,) * depth, np.random.default_rng(1), activation="relu")
        params, hist = train_network(xs[tr], ys[tr], params, epochs=40, batch_size=64, eta=0.01,
                                     activation="relu", rng=np.random.default_rng(2),
                                     validation=(xs[va], ys[va]))
        train_L.append(evaluate(xs[tr], ys[tr], params, activation="relu", loss="mae") * sd)
        val_L.append(evaluate(xs[va], ys[va], params, activation="relu", loss="mae") * sd)
        curves.append(hist)
    slide_train, slide_val = (0.28, 0.18, 0.14, 0.10), (0.43, 0.39, 0.38, 0.44)
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(9.6, 3.0))
    pos = np.arange(4)
    for ax, (a, b), title in ((ax1, (slide_train, slide_val), "slide (real channel)"),
                              (ax2, (train_L, val_L), "train_network on synthetic_views")):
        ax.bar(pos - 0.18, a, 0.36, color=BLUE, label="2017–2020 (training)")
        ax.bar(pos + 0.18, b, 0.36, color=RED, label="2021 (unseen)")
        ax.set_xticks(pos, ["1 layer", "2", "3", "4"])
        ax.set_ylabel("MAE (k views)")
        ax.set_title(title, fontsize=8)
    ax1.legend(fontsize=7)
    for depth, hist, alpha in zip((1, 2, 3, 4), curves, (0.4, 0.6, 0.8, 1.0)):
        ax3.plot(np.sqrt(hist["loss"]) * sd, color=BLUE, alpha=alpha)
        ax3.plot(np.sqrt(hist["val_loss"]) * sd, color=RED, alpha=alpha, label=f"{depth} layer(s)")
    ax3.set_xlabel("epoch")
    ax3.set_ylabel("√MSE (k): blue train, red 2021")
    ax3.set_title("per epoch, darker = deeper", fontsize=8)
    ax3.legend(fontsize=6)
    fig.tight_layout()


# --------------------------------------------------------------------------- backprop


def backprop_check():
    """backprop.chain: every parameter's gradient from network_backward against Δl/Δw."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 3))
    y_hat = rng.normal(size=10)
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.2))
    for ax, activation in zip(axes, ("sigmoid", "relu")):
        prng = np.random.default_rng(1)
        params = list(init_params((3, 5, 4, 3), prng, activation=activation))
        for k in (1, 3, 5):                  # non-zero biases: no unit sits exactly on a ReLU kink,
            params[k] = prng.normal(0, 0.5, size=params[k].shape)   # where no derivative exists
        y, cache = network_forward(x, *params, activation=activation)
        _, dL_dy = mse(y, y_hat)
        grads = network_backward(dL_dy, cache)[1:]
        names = ["W1", "b1", "W2", "b2", "W3", "b3", "c", "b"]
        worst = 0.0
        for k, (p, g) in enumerate(zip(params, grads)):
            def loss_of(theta, k=k):
                trial = list(params)
                trial[k] = theta
                return mse(network_forward(x, *trial, activation=activation)[0], y_hat)[0]
            num = numeric_gradient(loss_of, p)
            worst = max(worst, float(np.max(np.abs(num - g))))
            ax.plot(np.ravel(num), np.ravel(g), "o", ms=3, label=names[k])
        lim = ax.get_xlim()
        ax.plot(lim, lim, color=GREY, lw=0.6)
        ax.set_xlabel("numeric_gradient (central difference)")
        ax.set_title(f"3 hidden layers, {activation}: largest |difference| {worst:.1e}", fontsize=8)
    axes[0].set_ylabel("network_backward (chain rule)")
    axes[1].legend(fontsize=6, ncol=2)
    fig.tight_layout()


def numeric_check():
    """backprop.chain, backprop.numeric: backprop against Δl/Δw, as the step h shrinks."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3))
    y_hat = rng.normal(size=8)
    params = list(init_params((3, 4, 4), rng, activation="sigmoid"))
    y, cache = network_forward(x, *params, activation="sigmoid")
    _, dL_dy = mse(y, y_hat)
    grads = network_backward(dL_dy, cache)[1:]           # drop dx: the parameters' gradients
    k = 0                                                # W1, the first layer's weights

    def loss_of(W1):
        out, _ = network_forward(x, W1, *params[1:], activation="sigmoid")
        return mse(out, y_hat)[0]

    hs = np.logspace(-13, -1, 25)
    err = []
    for h in hs:
        g = numeric_gradient(loss_of, params[k], h=h)
        err.append(np.max(np.abs(g - grads[k])) / np.max(np.abs(grads[k])))
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    ax.loglog(hs, err, "o-", ms=3, color=BLUE, label="max |Δl/Δw − backprop| / max |backprop|")
    err = np.array(err)
    ax.loglog(hs, err[-1] * (hs / hs[-1]) ** 2, ":", color=GREY, label="∝ h² (truncation)")
    ax.loglog(hs, err[0] * hs[0] / hs, "--", color=GREY, label="∝ ε/h (rounding)")
    ax.axvline(1e-6, color=RED, lw=0.8, label="numeric_gradient's default h = 1e-6")
    ax.set_ylim(1e-12, 1)
    ax.set_xlabel("h")
    ax.set_ylabel("relative error, float64")
    ax.set_title("network_backward vs numeric_gradient (2 sigmoid layers)")
    ax.legend(fontsize=7, loc="upper center")

