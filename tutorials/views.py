r"""Predicting a channel's daily views: lecture 1 from the linear model to deep ReLU networks.

Reruns lecture 1 (``000_c996cdc71568085c.txt``, ML 2021 "Predicting a YouTube
channel's views") and the matching parts of the 2025 lecture (``004``):

* 000 "Function with Unknown Parameters", "Define Loss from Training Data",
  "Optimization", "Machine Learning is so simple": the one-feature model
  :math:`y = b + w x_1` (:math:`x_1` = the views the day before) and its loss;
* 004 "Loss Surface (Loss 等高線圖)", "Closed-form Solution (有公式解)" and
  "概念很簡單，做起來不容易": the loss brute-forced on a grid of :math:`(w, b)`,
  the closed form :math:`w^* = (X^TX)^{-1}X^T\hat y`, and gradient descent with a
  learning rate that is too small, good, or too large;
* 000 "Linear models" (1, 7, 28 and 56 past days, and the 7-day weights
  0.79, −0.31, 0.12, −0.01, −0.10, 0.30, 0.18), "Sigmoid → ReLU" / "Experimental
  Results" and "Why don't we go deeper?" (1–4 layers of 100 ReLU on 56 days).

Data, said plainly:

1. **Real, shipped**: the table printed on 000 "The function we want to find",
   ``reference.data.load_views(2021)`` — the 16 days 2021-01-26 … 2021-02-10, columns
   ``date``, ``likes``, ``subscribers``, ``views``. Only ``views`` is used: the pairs
   (views on day d−1 → views on day d) for d = 2021-01-27 … 2021-02-10, i.e. 15
   examples, in thousands of views (the slides' unit, "0.1k").
2. **Synthetic, not real**: the slides train on the channel's daily views of
   2017–2020 and test on 2021; that series does not ship, so part 2 uses
   ``reference.data.synthetic_views(rng)`` (2017-01-01 … 2021-12-31; a weekly cycle,
   trend, terms, upload bursts and noise, at the channel's level). Train on the
   days of 2017–2020, test on 2021 (``chronological_split``); the features are the
   past 1, 7, 28 or 56 days (``lag_features``). Its numbers cannot be the slides'
   numbers: the tables compare the *shape* — which model wins, by how much.

The loss reported is the MAE, :math:`L = \frac1N\sum_n |y_n - \hat y_n|`, in
thousands of views: lecture 1 defines :math:`L` as the mean of :math:`e_n` and lists
the MAE first, and its tables (0.48k on a channel with about 5k views a day) read as
an average miss in views. The linear models are fitted by the closed form, which
minimises the MSE (the one loss with a formula); the networks are trained on the MAE
itself. The networks' inputs and target are standardised with the mean and standard
deviation of the 2017–2020 views (one pair of numbers: every input is the same
series), because raw counts in the thousands make ReLU training with one learning rate
unstable; predictions are turned back into views before any loss is reported.

Concept: data.views, model.linear1, model.linear, loss.mae, loss.mse, loss.surface, gd.step, gd.loop, opt.closed_form, model.relu_sum, model.dense, generalize.overfit, data.split

Run: ``python -m tutorials.views [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference import data
from reference.training import init_params, train_network

from ._common import k, paired_noise, pyplot, slide, tutorial_main, verdict

# What the slides print (000), in views.
SLIDE_ONE_DAY = {"w": 0.97, "b": 100.0, "train": 480.0, "2021": 580.0}
SLIDE_LINEAR = {1: (480.0, 580.0), 7: (380.0, 490.0), 28: (330.0, 460.0), 56: (320.0, 460.0)}
SLIDE_SEVEN_DAY = {"b": 50.0, "w": (0.79, -0.31, 0.12, -0.01, -0.10, 0.30, 0.18)}
SLIDE_RELU = {1: (280.0, 430.0), 2: (180.0, 390.0), 3: (140.0, 380.0), 4: (100.0, 440.0)}

# Gradient descent on the 2021 table (004 "概念很簡單，做起來不容易" starts at
# w0 = 1.0, b0 = 15.0 on its own data, where b* = 4.85). Here, in thousands of views,
# b* ≈ 1.3; the analogue keeps w0 = 1.0 and starts b a few times above the optimum.
W0, B0 = 1.0, 4.0
SLIDE_ETAS = (0.0001, 0.001)          # the slide's learning rates: both too small here too
GOOD_ETA, BAD_ETA = 0.03, 0.04        # just under and just over 2 / λ_max ≈ 0.037 (computed below)
CHECKPOINTS = (100, 1_000, 10_000)    # the slide's 100, 1,000 and 10,000 updates


def run(ctx):
    """The whole experiment; ``ctx`` is a :class:`tutorials._common.Run`."""
    part1_real_table(ctx)
    part2_synthetic_years(ctx)


# =======================================================================================
# Part 1 — the real 16-day table: y = b + w x1, closed form, loss surface, gradient descent


def part1_real_table(ctx):
    B = ctx.backend
    table = data.load_views(2021)
    views = table["views"] / 1000.0                      # thousands of views, as the slides
    x = views[:-1, None]                                 # x1: the views the day before, (15, 1)
    y_hat = views[1:]                                    # the label: the views that day, (15,)
    dates = table["date"][1:]
    ctx.log(f"part 1: the 2021 table, {x.shape[0]} pairs (x1 = views on d-1, y = views on d), "
            f"d = {dates[0]} … {dates[-1]}")

    # Step 3, the shortcut: the closed-form least-squares solution (004).
    w_cf, b_cf = B.closed_form(x, y_hat)
    mse_cf, mae_cf = losses(B, x, y_hat, w_cf, b_cf)

    # The loss surface: the MSE of every (w, b) on a grid (004, brute force).
    n_grid = ctx.sized(241, 81, sim=21)
    w_grid = np.linspace(-0.4, 1.6, n_grid)
    b_grid = np.linspace(-2.5, 6.5, n_grid)
    surface = B.loss_surface(x[:, 0], y_hat, w_grid, b_grid, loss="mse")
    i, j = np.unravel_index(np.argmin(surface), surface.shape)
    ctx.log(f"loss surface: {n_grid}×{n_grid} grid, smallest MSE {surface[i, j]:.4f} at "
            f"w = {w_grid[j]:.3f}, b = {b_grid[i]:.3f}")

    # Why some learning rates fail: the MSE is a quadratic bowl with Hessian 2/N XᵀX.
    X1 = np.column_stack([x[:, 0], np.ones(x.shape[0])])
    lam = np.linalg.eigvalsh(2.0 / x.shape[0] * X1.T @ X1)
    eta_max = 2.0 / lam[-1]

    # Step 3, the general way: gradient descent from (w0, b0), every update on all 15 pairs.
    steps = ctx.sized(CHECKPOINTS[-1], 2_000, sim=100)
    checkpoints = [c for c in CHECKPOINTS if c <= steps]
    paths = {}
    for eta in ctx.progress(SLIDE_ETAS + (GOOD_ETA,), "gradient descent"):
        paths[eta] = B.linear_gd(x, y_hat, np.array([W0]), B0, eta, steps, loss="mse")
        w_p, b_p, L_p = paths[eta]
        ctx.log(f"GD η = {eta:g}: " + ", ".join(
            f"after {c:,} updates w = {w_p[c, 0]:.4f}, b = {b_p[c]:.4f}, MSE = {L_p[c]:.4f}"
            for c in checkpoints))
    bad_steps = ctx.sized(60, 60, sim=20)
    paths[BAD_ETA] = B.linear_gd(x, y_hat, np.array([W0]), B0, BAD_ETA, bad_steps, loss="mse")
    ctx.log(f"GD η = {BAD_ETA:g}: after {bad_steps} updates MSE = {paths[BAD_ETA][2][-1]:.3g} (diverging)")

    w_path, b_path, _ = paths[GOOD_ETA]
    w_gd, b_gd = w_path[-1, 0], b_path[-1]
    mse_gd, mae_gd = losses(B, x, y_hat, np.array([w_gd]), b_gd)
    w_bf, b_bf = w_grid[j], b_grid[i]                    # the brute-force winner on the grid
    mse_bf, mae_bf = losses(B, x, y_hat, np.array([w_bf]), b_bf)
    w_sl, b_sl = SLIDE_ONE_DAY["w"], SLIDE_ONE_DAY["b"] / 1000   # the slide's line, on this table
    mse_sl, mae_sl = losses(B, x, y_hat, np.array([w_sl]), b_sl)
    ctx.table(
        f"Part 1 (real 2021 table, 15 pairs, thousands of views): y = b + w·x1 by brute force, closed "
        f"form and gradient descent (η = {GOOD_ETA}, {steps:,} updates)",
        ["", "slide (2017–2020 data)", "slide's line on these 15 pairs", f"grid {n_grid}×{n_grid}",
         "closed form", "GD", "|GD − closed form|"],
        [["w*", SLIDE_ONE_DAY["w"], w_sl, float(w_bf), float(w_cf[0]), float(w_gd),
          abs(float(w_gd) - float(w_cf[0]))],
         ["b* (k views)", SLIDE_ONE_DAY["b"] / 1000, b_sl, float(b_bf), float(b_cf), float(b_gd),
          abs(float(b_gd) - float(b_cf))],
         ["MAE L (k views)", SLIDE_ONE_DAY["train"] / 1000, float(mae_sl), float(mae_bf), float(mae_cf),
          float(mae_gd), abs(float(mae_gd) - float(mae_cf))],
         ["MSE (k views²)", None, float(mse_sl), float(mse_bf), float(mse_cf), float(mse_gd),
          abs(float(mse_gd) - float(mse_cf))]],
        note="The slide fits four years (2017–2020) and reports L = 0.48k (read here as the MAE it "
             "defines first); this run fits the 15 pairs the slide prints, so the values differ (a "
             "flatter w and a larger b). Every column but the first is this run. The grid's best point "
             "(004's brute force), the closed form and gradient descent find the same line, up to the "
             "grid's spacing and the number of updates.")

    rows = []
    for eta in SLIDE_ETAS + (GOOD_ETA,):
        w_p, b_p, L_p = paths[eta]
        for c in checkpoints:
            dist = np.hypot(w_p[c, 0] - w_cf[0], b_p[c] - b_cf)
            rows.append([f"{eta:g}", c, float(w_p[c, 0]), float(b_p[c]), float(L_p[c]), float(dist)])
    w_p, b_p, L_p = paths[BAD_ETA]
    rows.append([f"{BAD_ETA:g}", bad_steps, float(w_p[-1, 0]), float(b_p[-1]), float(L_p[-1]),
                 float(np.hypot(w_p[-1, 0] - w_cf[0], b_p[-1] - b_cf))])
    ctx.table(
        f"Part 1: gradient descent from w0 = {W0}, b0 = {B0} (k views) — {slide('004', '概念很簡單，做起來不容易')}",
        ["η", "updates", "w", "b", "MSE", "distance to (w*, b*)"], rows,
        note=f"The slide uses η = 0.001 and 0.0001 with 100, 1,000 and 10,000 updates on its own data "
             f"(w0 = 1.0, b0 = 15.0). Here the MSE bowl has Hessian eigenvalues "
             f"{lam[0]:.3f} and {lam[1]:.1f}: a long, narrow valley. Full-batch GD is stable only for "
             f"η < 2/λ_max = {eta_max:.4f}, and along the valley it shrinks the error by (1 − η·λ_min) "
             f"per update, so the slide's two rates crawl here as they do on the slide; η = {GOOD_ETA} "
             f"(just under the limit) converges, η = {BAD_ETA} (just over it) diverges.")

    plot_fit(ctx, x[:, 0], y_hat, w_cf[0], b_cf)
    plot_surface(ctx, w_grid, b_grid, surface, paths, (w_cf[0], b_cf), checkpoints, eta_max)


def losses(B, x, y_hat, w, b):
    """MSE and MAE of ``y = b + w x`` on ``(x, y_hat)``, through the backend."""
    y, _ = B.linear_forward(x, np.asarray(w, dtype=x.dtype), b)
    return B.mse(y, y_hat)[0], B.mae(y, y_hat)[0]


def plot_fit(ctx, x1, y_hat, w, b):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.scatter(x1, y_hat, color="tab:red", zorder=3, label="the 15 pairs (real, 2021 table)")
    line = np.linspace(3.2, 7.0, 50)
    ax.plot(line, b + w * line, color="tab:blue", label=f"closed form: y = {b:.2f}k + {w:.2f}·x1")
    ax.plot(line, SLIDE_ONE_DAY["b"] / 1000 + SLIDE_ONE_DAY["w"] * line, "--", color="gray",
            label="slide (fit on 2017–2020): y = 0.1k + 0.97·x1")
    ax.set_xlabel("x1: views the day before (thousands)")
    ax.set_ylabel("y: views that day (thousands)")
    ax.set_title(f"y = b + w·x1 on the 2021 table ({slide('000')})")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ctx.figure(fig, "fit_2021_table.png",
               "The 15 (day before → day) pairs of the slide's 2021 table, the closed-form line, and "
               "the slide's line fitted on four years.")


def plot_surface(ctx, w_grid, b_grid, surface, paths, optimum, checkpoints, eta_max):
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(11, 9))
    L_min, L_max = surface.min(), surface.max()
    levels = L_min + (L_max - L_min) * np.geomspace(3e-4, 1, 20)   # dense near the valley floor
    panels = [(axes[0, 0], SLIDE_ETAS[0]), (axes[0, 1], SLIDE_ETAS[1]), (axes[1, 0], GOOD_ETA)]
    for ax, eta in panels:
        cs = ax.contour(w_grid, b_grid, surface, levels=levels, cmap="viridis", linewidths=0.8)
        ax.clabel(cs, cs.levels[6::3], fontsize=6, fmt="%.2g")   # label the outer rings only
        w_p, b_p, _ = paths[eta]
        ax.plot(w_p[:, 0], b_p, color="black", lw=1.2)
        ax.plot(W0, B0, "o", color="black", ms=5)
        for c, marker in zip(checkpoints, ("s", "^", "D")):
            ax.plot(w_p[c, 0], b_p[c], marker, color="tab:orange", ms=7, mec="black",
                    label=f"after {c:,} updates")
        ax.plot(*optimum, "x", color="red", ms=10, mew=2, label="closed form (w*, b*)")
        title = f"η = {eta:g}"
        if eta == GOOD_ETA:
            w_b, b_b, _ = paths[BAD_ETA]
            ax.plot(w_b[:9, 0], b_b[:9], ".-", color="tab:red", lw=0.6, ms=5,
                    label=f"η = {BAD_ETA:g}: first 8 updates, diverging")
            title += f" (and η = {BAD_ETA:g}); limit 2/λ_max = {eta_max:.3f}"
        ax.set_xlim(w_grid[0], w_grid[-1])
        ax.set_ylim(b_grid[0], b_grid[-1])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("w")
        ax.set_ylabel("b (thousands of views)")
        ax.legend(fontsize=7, loc="upper right")
    ax = axes[1, 1]
    for eta in SLIDE_ETAS + (GOOD_ETA, BAD_ETA):
        L_p = paths[eta][2]
        ax.plot(np.arange(1, L_p.size + 1), L_p, label=f"η = {eta:g}")
    ax.axhline(surface.min(), color="gray", lw=0.8, ls=":", label="smallest MSE on the grid")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(surface.min() * 0.8, 1e3)
    ax.set_xlabel("update (1 = the start)")
    ax.set_ylabel("MSE (thousands of views)²")
    ax.set_title("loss per update", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    # (The figure's fonts have no Chinese glyphs: the slide title is translated.)
    fig.suptitle("Loss surface (MSE) of y = b + w·x1 on the 2021 table, with gradient-descent paths\n"
                 f"({slide('004', 'Loss Surface', 'the concept is simple, doing it is not')})", fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, "loss_surface_gd.png",
               f"MSE contours over (w, b) with gradient-descent paths from (w0, b0) = ({W0}, {B0}): the "
               f"slide's η = {SLIDE_ETAS[0]:g} and {SLIDE_ETAS[1]:g} crawl along the valley; η = "
               f"{GOOD_ETA:g} reaches the closed form; η = {BAD_ETA:g} zig-zags out of the picture.")


# =======================================================================================
# Part 2 — four synthetic years: linear models on 1/7/28/56 days, then 1–4 ReLU layers


def part2_synthetic_years(ctx):
    B = ctx.backend
    rng = np.random.default_rng(ctx.seed)
    series = data.synthetic_views(rng)                   # SYNTHETIC: 2017-01-01 … 2021-12-31
    views, dates = series["views"], series["date"]
    max_days = 56
    # Every model predicts the same days (from 2017-02-26 on, when 56 past days exist),
    # so that the four feature sets are compared on identical training and test sets.
    target_dates = dates[max_days:]
    train, test = data.chronological_split(target_dates, "2021-01-01")
    if ctx.simulated:                                     # a smoke test only: a few days, tiny layers
        train, test = train[-64:], test[:32]
        ctx.note("CUDA simulator: part 2 trains on the last 64 days of 2020 and tests on the first 32 "
                 "days of 2021, with 4 units per layer and 1 epoch — a smoke test of the kernels, not "
                 "the lecture's experiment.")
    ctx.log(f"part 2: SYNTHETIC series {dates[0]} … {dates[-1]}; training targets "
            f"{target_dates[train[0]]} … {target_dates[train[-1]]} ({train.size} days), "
            f"test 2021 ({test.size} days)")

    def features(days):
        x, y_hat = data.lag_features(views, days)
        return x[max_days - days:], y_hat[max_days - days:]

    # --- linear models, closed form ---------------------------------------------------
    linear = {}
    for days in (1, 7, 28, 56):
        x, y_hat = features(days)
        w, b = B.closed_form(x[train], y_hat[train])
        mae_train = float(B.mae(predict_linear(B, x[train], w, b), y_hat[train])[0])
        mae_test = float(B.mae(predict_linear(B, x[test], w, b), y_hat[test])[0])
        linear[days] = (w, b, mae_train, mae_test)
        ctx.log(f"linear, {days:2d} days: train MAE {k(mae_train)}, 2021 MAE {k(mae_test)}")

    ctx.table(
        "Part 2 (SYNTHETIC 2017–2021): linear models y = b + Σ_j w_j x_j, closed form — MAE in views",
        ["model", "slide train 2017–20", "this run train", "slide 2021", "this run 2021"],
        [[f"{d} day{'s' if d > 1 else ''}", k(SLIDE_LINEAR[d][0]), k(linear[d][2]),
          k(SLIDE_LINEAR[d][1]), k(linear[d][3])] for d in (1, 7, 28, 56)],
        note="Shape, not value: the data are synthetic. The slide: more past days help, a lot from 1 to "
             "7, little after 28; 2021 (unseen) is always worse than 2017–2020.")
    w7, b7 = linear[7][0], linear[7][1]
    w1, b1 = linear[1][0], linear[1][1]
    ctx.table(
        "Part 2: the fitted weights (x_j = views j days before)",
        ["", "b", "w1", "w2", "w3", "w4", "w5", "w6", "w7"],
        [["slide, 7 days"] + [k(SLIDE_SEVEN_DAY["b"])] + list(SLIDE_SEVEN_DAY["w"]),
         ["this run, 7 days"] + [k(float(b7))] + [float(v) for v in w7],
         ["slide, 1 day"] + [k(SLIDE_ONE_DAY["b"]), SLIDE_ONE_DAY["w"]] + [None] * 6,
         ["this run, 1 day"] + [k(float(b1)), float(w1[0])] + [None] * 6],
        note="On the slide w1 (yesterday) is the largest weight and w6, w7 (six and seven days before) "
             "the next largest: the weekly cycle. This run's 7-day weights, largest first: "
             + ", ".join(f"w{j + 1}" for j in np.argsort(-np.asarray(w7))) + ".")

    # --- 1–4 hidden layers of 100 ReLU on 56 days ----------------------------------------
    x, y_hat = features(56)
    mu, sigma = views[:max_days + train[-1] + 1].mean(), views[:max_days + train[-1] + 1].std()
    xs, ys = (x - mu) / sigma, (y_hat - mu) / sigma       # standardised (see the docstring)
    epochs = ctx.sized(300, 8, sim=1)
    batch_size, eta, width = 32, 0.003, ctx.sized(100, 100, sim=4)
    chunk = ctx.sized(25, 4, sim=1)                       # one log line per chunk of epochs
    nets = {}
    for depth in ctx.progress(range(1, 5), "ReLU depth", total=4):
        params = init_params([56] + [width] * depth, np.random.default_rng([ctx.seed, depth]),
                             activation="relu")
        order_rng = np.random.default_rng([ctx.seed, 100 + depth])   # shuffles every epoch
        history = {"loss": [], "val_loss": [], "seconds": 0.0}
        done = 0
        while done < epochs:
            n = min(chunk, epochs - done)
            params, h = train_network(xs[train], ys[train], params, epochs=n, batch_size=batch_size,
                                      eta=eta, activation="relu", loss="mae", rng=order_rng,
                                      validation=(xs[test], ys[test]), backend=B)
            done += n
            for key in ("loss", "val_loss"):
                history[key] += h[key]
            history["seconds"] += h["seconds"]
            ctx.log(f"{depth} layer(s), epoch {done}/{epochs}: train MAE {k(history['loss'][-1] * sigma)}, "
                    f"2021 MAE {k(history['val_loss'][-1] * sigma)}")
        y_train = predict_net(B, xs[train], params) * sigma + mu
        y_test = predict_net(B, xs[test], params) * sigma + mu
        nets[depth] = dict(params=params, history=history, y_test=y_test,
                           train=float(B.mae(y_train, y_hat[train])[0]),
                           test=float(B.mae(y_test, y_hat[test])[0]))
    ctx.table(
        f"Part 2 (SYNTHETIC): 1–4 hidden layers of {width} ReLU on the past 56 days "
        f"({epochs} epochs, B = {batch_size}, η = {eta}, trained on the MAE) — MAE in views",
        ["", "slide train 2017–20", "this run train", "slide 2021", "this run 2021", "seconds"],
        [["linear, 56 days", k(SLIDE_LINEAR[56][0]), k(linear[56][2]), k(SLIDE_LINEAR[56][1]),
          k(linear[56][3]), None]]
        + [[f"{d} layer{'s' if d > 1 else ''}", k(SLIDE_RELU[d][0]), k(nets[d]["train"]),
            k(SLIDE_RELU[d][1]), k(nets[d]["test"]), nets[d]["history"]["seconds"]]
           for d in range(1, 5)],
        note="Shape, not value. The slide: deeper is better on 2017–2020 all the way to 4 layers "
             "(0.28k → 0.10k), better on 2021 up to 3 layers, then worse at 4 — overfitting. 2021 is "
             "watched here, never used to choose anything.")
    ctx.note(describe_depths(linear, nets, ctx.quick))
    # The verdicts: per-day absolute errors on the same days give each comparison its noise.
    y1 = predict_linear(B, features(1)[0][test], linear[1][0], linear[1][1])
    y56 = predict_linear(B, features(56)[0][test], linear[56][0], linear[56][1])
    y_test = y_hat[test]
    verdict(ctx, slide("000", "Linear models"), "on the unseen 2021, the 56-day linear model misses by less than "
            "the 1-day one (MAE in views)", {"1 day": SLIDE_LINEAR[1][1], "56 days": SLIDE_LINEAR[56][1]},
            {"1 day": float(np.abs(y1 - y_test).mean()), "56 days": float(np.abs(y56 - y_test).mean())},
            paired_noise(np.abs(y1 - y_test), np.abs(y56 - y_test)), higher_is_better=False)
    d1, d4 = (predict_net(B, xs[train], nets[d]["params"]) * sigma + mu for d in (1, 4))
    verdict(ctx, slide("000", "Why don't we go deeper?"), "on the training years, 4 layers of ReLU miss by less "
            "than 1 (MAE in views)", {"1 layer": SLIDE_RELU[1][0], "4 layers": SLIDE_RELU[4][0]},
            {"1 layer": nets[1]["train"], "4 layers": nets[4]["train"]},
            paired_noise(np.abs(d1 - y_hat[train]), np.abs(d4 - y_hat[train])), higher_is_better=False)
    # The slide's 2021 column: deeper helps until 3 layers, the 4th overfits. Two claims, each with the
    # paired noise of the two networks' per-day errors on the same 2021 days.
    e = {d: np.abs(nets[d]["y_test"] - y_test) for d in (1, 3, 4)}
    for a, b, claim in ((1, 3, "on the unseen 2021, 3 layers of ReLU miss by less than 1 (deeper helps until 3)"),
                        (4, 3, "on the unseen 2021, 3 layers of ReLU miss by less than 4 (the 4th layer overfits)")):
        verdict(ctx, slide("000", "Why don't we go deeper?"), claim + " (MAE in views)",
                {f"{a} layer{'s' if a > 1 else ''}": SLIDE_RELU[a][1], f"{b} layers": SLIDE_RELU[b][1]},
                {f"{a} layer{'s' if a > 1 else ''}": nets[a]["test"], f"{b} layers": nets[b]["test"]},
                paired_noise(e[a], e[b]), higher_is_better=False)

    plot_series(ctx, dates, views)
    plot_predictions(ctx, target_dates[test], y_hat[test], linear[1], features(1)[0][test], nets.get(3), B)
    plot_depth(ctx, linear, nets, sigma)


def describe_depths(linear, nets, quick):
    """Say in words what this run's depth table shows (computed, so it cannot drift from the numbers)."""
    depths = sorted(nets)
    train = [nets[d]["train"] for d in depths]
    test = [nets[d]["test"] for d in depths]
    falls = all(a > b for a, b in zip(train, train[1:]))
    best_net = depths[int(np.argmin(test))]
    best_linear = min(linear, key=lambda d: linear[d][3])
    words = [f"What this run shows: the training MAE for 1–{depths[-1]} layers is "
             f"{', '.join(k(v) for v in train)}"
             + (" — falling with every layer, as on the slide." if falls else
                " — not falling with every layer, unlike the slide"
                + (" (with --quick the networks are far from trained)." if quick else ".")),
             f"On 2021 the best network has {best_net} layer(s) ({k(min(test))}); the best linear model "
             f"uses {best_linear} days ({k(linear[best_linear][3])})."]
    if linear[best_linear][3] < min(test):
        words.append("Unlike the slide, the linear model beats every network on the unseen year: the "
                     "synthetic series is close to linear by construction (a multiplicative weekly "
                     "cycle, autocorrelated noise, random bursts), so the networks' extra flexibility "
                     "mostly fits noise and bursts of the training years — the overfitting the slide "
                     "finds at 4 layers appears here already at 1.")
    gaps = [b - a for a, b in zip(train, test)]
    words.append(f"The gap between 2021 and training MAE per depth: {', '.join(k(g) for g in gaps)} "
                 f"(slide: {', '.join(k(SLIDE_RELU[d][1] - SLIDE_RELU[d][0]) for d in depths)}).")
    return " ".join(words)


def predict_linear(B, x, w, b):
    return B.linear_forward(x, w, b)[0]


def predict_net(B, x, params):
    return B.network_forward(x, *params, activation="relu")[0]


def plot_series(ctx, dates, views):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(11, 3.6))
    ax.plot(dates, views / 1000, lw=0.6, color="tab:blue", label="synthetic daily views (NOT real data)")
    real = data.load_views(2021)
    ax.plot(real["date"], real["views"] / 1000, "o-", color="tab:red", ms=3, lw=1,
            label="the real 2021 table (16 days), for scale")
    ax.axvline(np.datetime64("2021-01-01"), color="black", ls="--", lw=1)
    ax.text(np.datetime64("2020-12-20"), ax.get_ylim()[1] * 0.93, "train ← | → test 2021",
            ha="center", fontsize=9, bbox=dict(fc="white", ec="none"))
    ax.set_ylabel("views (thousands)")
    ax.set_title("The synthetic stand-in for the channel's 2017–2021 views (reference.data.synthetic_views)")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    ctx.figure(fig, "synthetic_series.png",
               "The synthetic series the linear models and networks are trained on (2017–2020) and "
               "tested on (2021), with the slide's real 2021 table for scale.")


def plot_predictions(ctx, dates, y_hat, linear1, x1_test, net3, B):
    plt = pyplot()
    panels = [("linear, 1 day: y = b + w·x1", predict_linear(B, x1_test, linear1[0], linear1[1]))]
    if net3 is not None:
        panels.append(("3 layers of 100 ReLU, 56 days", net3["y_test"]))
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.4 * len(panels)), sharex=True, squeeze=False)
    for ax, (title, y) in zip(axes[:, 0], panels):
        ax.plot(dates, y_hat / 1000, color="tab:red", lw=1, label="real no. of views (synthetic series)")
        ax.plot(dates, y / 1000, color="tab:blue", lw=1, label="estimated no. of views")
        mae = np.abs(y - y_hat).mean()
        ax.set_title(f"2021, unseen during training — {title}: MAE {k(mae)}", fontsize=10)
        ax.set_ylabel("views (thousands)")
        ax.legend(fontsize=8, loc="upper left")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    ctx.figure(fig, "predictions_2021.png",
               "Red: real no. of views; blue: estimated no. of views (the slides' colours), on the "
               "synthetic 2021 test year.")


def plot_depth(ctx, linear, nets, sigma):
    plt = pyplot()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 5.4), layout="constrained")
    depths = sorted(nets)
    ax.plot(depths, [nets[d]["train"] / 1000 for d in depths], "o-", color="tab:blue",
            label="this run, train 2017–20")
    ax.plot(depths, [nets[d]["test"] / 1000 for d in depths], "o-", color="tab:red",
            label="this run, 2021")
    ax.plot(depths, [SLIDE_RELU[d][0] / 1000 for d in depths], "s--", color="tab:blue", mfc="none",
            label="slide, train 2017–20")
    ax.plot(depths, [SLIDE_RELU[d][1] / 1000 for d in depths], "s--", color="tab:red", mfc="none",
            label="slide, 2021")
    ax.axhline(linear[56][3] / 1000, color="tab:red", ls=":", lw=1, label="this run, linear 56 days, 2021")
    ax.set_xticks(depths)
    ax.set_xlabel("hidden layers (100 ReLU each)")
    ax.set_ylabel("MAE (thousands of views)")
    ax.set_ylim(bottom=0)
    ax.set_title(slide("000", "Why don't we go deeper?"), fontsize=10)
    # Below the axes: inside, the legend covered the 2021 lines.
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
    ax.grid(alpha=0.3)
    colors = plt.cm.viridis(np.linspace(0, 0.85, len(depths)))
    for d, c in zip(depths, colors):
        h = nets[d]["history"]
        epochs = np.arange(1, len(h["loss"]) + 1)
        ax2.plot(epochs, np.array(h["loss"]) * sigma / 1000, color=c, lw=1.2, label=f"{d} layer(s) train")
        ax2.plot(epochs, np.array(h["val_loss"]) * sigma / 1000, color=c, lw=1.2, ls="--",
                 label=f"{d} layer(s) 2021")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("MAE (thousands of views)")
    ax2.set_title("per epoch: solid = training, dashed = 2021", fontsize=10)
    ax2.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4, frameon=False)
    ax2.grid(alpha=0.3)
    ctx.figure(fig, "depth.png",
               "Training (2017–20) and 2021 MAE per depth, this run (synthetic) beside the slide's "
               "table; right: the same per epoch.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
