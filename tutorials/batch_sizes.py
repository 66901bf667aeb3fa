r"""Full batch, batch size 5, batch size 1: mini-batches, epochs and shuffling.

Reruns the batch-size slides of the 2025 lecture (``004_6a114cf363ec5596.txt``) and of
lecture 1 (``000_c996cdc71568085c.txt``):

* 004 "迫不及待更新參數" (eager to update): each update uses one batch's loss
  :math:`L^k`, :math:`\theta^{k} \leftarrow \theta^{k-1} - \eta \nabla L^k(\theta^{k-1})`;
  "1 epoch = see all the batches once"; "N/B updates (iterations) in one epoch";
  "epochs = 100"; "Batch size = all training data (Full Batch)", "Batch size = 5",
  "Batch size = 1 (Stochastic Gradient Descent, SGD)"; "Shuffle";
* 000 "Optimization of New Model", Example 1 (N = 10,000, B = 10 → 1,000 updates in an
  epoch) and Example 2 (N = 1,000, B = 100 → 10 updates) — counted here by
  ``reference.data.batches`` and by the backend's ``network_epoch``, not typed in.

Data: the real table printed on 000 "The function we want to find"
(``reference.data.load_views(2021)``, 2021-01-26 … 2021-02-10): the 15 pairs
x1 = views the day before → y = views that day, y in thousands of views. The model is
the linear regression :math:`y = b + w x_1`, loss MSE (as in 004). x1 is standardised
(mean 0, standard deviation 1 over the 15 days) so that one learning rate suits both
w and b — the ``views`` tutorial shows how slowly gradient descent crawls without it.
Examples 1 and 2 count the updates on random stand-in data of those sizes (synthetic;
only N and B matter there). The slides print no losses for the three batch sizes:
the table compares this run's batch sizes with each other, and with the closed form.

Every epoch draws a new order of the examples from an explicit
``numpy.random.Generator`` (``reference.data.epoch_order``).

Concept: batch.minibatch, batch.epoch, batch.sizes, gd.step

Run: ``python -m tutorials.batch_sizes [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys
import time

import numpy as np

from reference import data

from ._common import pyplot, slide, tutorial_main

EPOCHS = 100                 # 004: "epochs = 100" (3 on the CUDA simulator: a smoke test)
ETA = 0.01                   # one learning rate for every batch size
W0, B0 = -1.5, 2.0           # an arbitrary start, far from the optimum, the same for every run
BATCH_SIZES = {"full batch (B = N = 15)": 15, "B = 5": 5, "B = 1 (SGD)": 1}
EXAMPLES = {"000 Example 1": (10_000, 10, 1_000), "000 Example 2": (1_000, 100, 10)}


def run(ctx):
    B = ctx.backend
    table = data.load_views(2021)
    views = table["views"] / 1000.0
    x1 = views[:-1]
    mean, std = x1.mean(), x1.std()
    x = ((x1 - mean) / std)[:, None]                  # (15, 1), standardised
    y_hat = views[1:]
    N = x.shape[0]
    epochs = ctx.sized(EPOCHS, EPOCHS, sim=3)
    ctx.log(f"data: {N} pairs from the 2021 table; x1 standardised (mean {mean:.3f}k, std {std:.3f}k)")

    # ---- how many updates in one epoch: N/B, rounded up ----------------------------------
    rows = []
    for name, bs in BATCH_SIZES.items():
        order = data.epoch_order(N, np.random.default_rng(ctx.seed))
        n_batches = len(data.batches(order, bs))
        _, losses = B.network_epoch(x, y_hat, np.array([W0]), B0, order=order, batch_size=bs, eta=ETA,
                                    activation="linear", loss="mse")
        rows.append([f"this data, {name}", N, bs, "N/B", n_batches, len(losses)])
    rng = np.random.default_rng(ctx.seed)
    for name, (n, bs, printed) in EXAMPLES.items():
        x_n = rng.normal(size=(n, 1))                 # stand-in data: only N and B matter here
        y_n = 2.0 * x_n[:, 0] + rng.normal(size=n)
        order = data.epoch_order(n, rng)
        n_batches = len(data.batches(order, bs))
        if ctx.simulated and n_batches > 20:          # 1,000 simulated updates would take many minutes
            counted = "not run on the CUDA simulator"
        else:
            _, losses = B.network_epoch(x_n, y_n, np.array([0.0]), 0.0, order=order, batch_size=bs,
                                        eta=ETA, activation="linear", loss="mse")
            counted = len(losses)
        rows.append([name, n, bs, printed, n_batches, counted])
    ctx.table(f"Updates in one epoch ({slide('000', '1 epoch = see all the batches once')}; "
              f"{slide('004', 'N/B updates in one epoch')})",
              ["case", "N", "B", "slide", "len(batches(order, B))", "len(network_epoch losses)"], rows,
              note="Counted, not typed: batches() cuts a shuffled order into ceil(N/B) batches, and the "
                   "backend's network_epoch returns one loss per update.")

    # ---- the closed form, for reference ----------------------------------------------------
    w_cf, b_cf = B.closed_form(x, y_hat)
    y_cf, _ = B.linear_forward(x, w_cf, b_cf)
    mse_cf = float(B.mse(y_cf, y_hat)[0])

    # ---- 100 epochs with each batch size -------------------------------------------------
    results = {}
    for name, bs in ctx.progress(list(BATCH_SIZES.items()), "batch sizes"):
        rng = np.random.default_rng([ctx.seed, bs])          # shuffles every epoch
        results[name] = train(ctx, B, x, y_hat, bs, rng, epochs)
        r = results[name]
        ctx.log(f"{name}: {r['updates']:,} updates in {epochs} epochs, final MSE {r['epoch_loss'][-1]:.4f} "
                f"(closed form {mse_cf:.4f}); hand-written loop vs network_epoch: max |Δθ| = {r['agree']:.1e}")

    marks = sorted({1, 10, epochs} & set(range(1, epochs + 1)))  # the epochs the table reports
    rows = []
    for name, r in results.items():
        L = r["epoch_loss"]
        rows.append([name, r["updates"] // epochs, r["updates"]] + [float(L[e]) for e in marks]
                    + [float(np.hypot(r["w"] - w_cf[0], r["b"] - b_cf)), float(r["w"]), float(r["b"]),
                       r["agree"], r["seconds"]])
    rows.append(["closed form", None, None] + [None] * (len(marks) - 1)
                + [mse_cf, 0.0, float(w_cf[0]), float(b_cf), None, None])
    ctx.table(f"{epochs} epochs, η = {ETA}, from (w0, b0) = ({W0}, {B0}) — MSE on all 15 pairs (k views²)",
              ["batch size", "updates / epoch", "updates"]
              + [f"after {e} epoch{'s' if e > 1 else ''}" for e in marks]
              + ["distance to closed form", "w", "b (k views)", "loop vs network_epoch", "seconds"],
              rows,
              note="The slides show pictures, no numbers, so there is no slide column. What they show: "
                   "per epoch, small batches make more updates and get down faster, along a noisy path "
                   "(each update follows only its own batch's loss L^k: see the figure), while the full "
                   "batch moves smoothly but makes one update per epoch. w is the weight of the "
                   "standardised x1. 'loop vs network_epoch' is the largest difference in (w, b) between "
                   "the hand-written loop and the backend's network_epoch given the same orders.")
    plot(ctx, B, x, y_hat, results, (float(w_cf[0]), float(b_cf)), mse_cf, epochs)


def train(ctx, B, x, y_hat, batch_size, rng, epochs):
    """``epochs`` epochs of mini-batch gradient descent on y = b + w·x1, written out by hand.

    Each epoch shuffles, cuts the order into batches and makes one update per batch with
    that batch's own loss L^k. The same epoch is also run by the backend's
    ``network_epoch`` with the same order, and the two must agree.
    """
    w, b = np.array([W0]), np.float64(B0)
    w_path, b_path, batch_loss, epoch_loss = [W0], [B0], [], [full_loss(B, x, y_hat, w, b)]
    agree = 0.0
    start = time.perf_counter()
    for epoch in range(epochs):
        order = data.epoch_order(x.shape[0], rng)              # shuffle
        (w_ne, b_ne), _ = B.network_epoch(x, y_hat, w, b, order=order, batch_size=batch_size, eta=ETA,
                                          activation="linear", loss="mse")
        for batch in data.batches(order, batch_size):          # one update per batch
            y, cache = B.linear_forward(x[batch], w, b)
            L_k, dL_dy = B.mse(y, y_hat[batch])                # this batch's loss L^k
            _, dw, db = B.linear_backward(dL_dy, cache)
            w, b = B.gd_step(w, dw, ETA), B.gd_step(b, db, ETA)
            batch_loss.append(float(L_k))
            w_path.append(float(w[0]))
            b_path.append(float(b))
        agree = max(agree, float(np.abs(w - w_ne).max()), abs(float(b) - float(b_ne)))
        epoch_loss.append(full_loss(B, x, y_hat, w, b))
    return dict(w=w[0], b=b, w_path=np.array(w_path), b_path=np.array(b_path),
                batch_loss=np.array(batch_loss), epoch_loss=np.array(epoch_loss),
                updates=len(batch_loss), agree=agree, seconds=time.perf_counter() - start)


def full_loss(B, x, y_hat, w, b):
    y, _ = B.linear_forward(x, w, b)
    return float(B.mse(y, y_hat)[0])


def plot(ctx, B, x, y_hat, results, optimum, mse_cf, epochs):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    colors = dict(zip(results, ("tab:blue", "tab:orange", "tab:green")))

    ax = axes[0]
    w_grid = np.linspace(-2.0, 2.0, ctx.sized(161, 81, sim=21))
    b_grid = np.linspace(1.5, 6.5, ctx.sized(161, 81, sim=21))
    surface = B.loss_surface(x[:, 0], y_hat, w_grid, b_grid, loss="mse")
    levels = mse_cf + (surface.max() - mse_cf) * np.geomspace(2e-3, 1, 16)
    ax.contour(w_grid, b_grid, surface, levels=levels, colors="0.55", linewidths=0.7)
    for name, r in results.items():
        ax.plot(r["w_path"], r["b_path"], "-", color=colors[name], lw=0.9, alpha=0.85, label=name)
    ax.plot(W0, B0, "ko", ms=5, label="start")
    ax.plot(*optimum, "x", color="red", ms=10, mew=2, label="closed form")
    # A zoom on the last updates near the minimum, where SGD keeps moving.
    zoom = ax.inset_axes([0.05, 0.52, 0.4, 0.4])
    zoom.contour(w_grid, b_grid, surface, levels=levels, colors="0.55", linewidths=0.5)
    for name, r in results.items():
        zoom.plot(r["w_path"][-150:], r["b_path"][-150:], ".-", color=colors[name], lw=0.6, ms=2)
    zoom.plot(*optimum, "x", color="red", ms=8, mew=2)
    zoom.set_xlim(optimum[0] - 0.12, optimum[0] + 0.12)
    zoom.set_ylim(optimum[1] - 0.12, optimum[1] + 0.12)
    zoom.set_title("last 150 updates", fontsize=7)
    zoom.tick_params(labelsize=6)
    ax.set_xlabel("w (weight of standardised x1)")
    ax.set_ylabel("b (thousands of views)")
    ax.set_title("paths on the MSE surface, every update", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")

    ax = axes[1]
    for name, r in results.items():
        ax.plot(np.arange(1, r["batch_loss"].size + 1), r["batch_loss"], color=colors[name], lw=0.8,
                alpha=0.8, label=f"{name}: {r['batch_loss'].size:,} updates")
    ax.axhline(mse_cf, color="red", lw=0.8, ls=":", label="closed form, all data")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.2 * results[next(iter(results))]["batch_loss"][0])
    ax.set_xlabel("update k")
    ax.set_ylabel("batch loss L^k (before the update)")
    ax.set_title("loss per update: each batch's own L^k", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(alpha=0.3, which="both")

    ax = axes[2]
    for name, r in results.items():
        ax.plot(np.arange(r["epoch_loss"].size), r["epoch_loss"], color=colors[name], lw=1.2, label=name)
    ax.axhline(mse_cf, color="red", lw=0.8, ls=":", label="closed form")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("MSE on all 15 pairs (k views²)")
    ax.set_title(f"loss per epoch ({epochs} epochs, η = {ETA})", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.suptitle(f"Batch size = all training data / 5 / 1 ({slide('004')}), y = b + w·x1 on the 2021 table", fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, "batch_sizes.png",
               f"Full batch vs B = 5 vs B = 1 (SGD), {epochs} epochs each: the paths on the loss surface, the "
               "loss of each update's batch, and the loss on all the data after each epoch.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
