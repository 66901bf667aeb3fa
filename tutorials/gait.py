r"""A small real regression: the 23-row gait table of lecture 001 "Notations".

Reruns the first slides of the second course (``001_2b35647283c26347.txt``):

* 001 "ML tasks" and "Notations" — the table of 23 people (age, the times t1–t6 at
  which the phases of the timed-up-and-go test end, the test time, step frequency,
  n1–n6, px/py/pz, steps, gender, TUG, y1, BBS, y2);
* 001 "Linear regression" — :math:`y^n = \sum_i w_i x_i^n + b`,
  :math:`L(w, b) = \sum_n (\hat y^n - y^n)^2`, solved by gradient descent
  ("Gradient decent to find two parameters"); 004 "Closed-form Solution" for the
  same problem in one line;
* 004 "驗證 (Validation)" — fit on a training part, judge on a held-out part;
* optional, 001 "Model = neural network": the 2-input MLP written neuron by neuron,
  :math:`n_3 = \sigma(x_1 w_{13} + x_2 w_{23} + b_3)`, …, checked against
  ``network_forward`` and trained.

Data: the real table as printed on the slide, ``reference.data.load_gait()``. The
transcript garbled two rows: row 6 lost one cell and row 7 has the slide's annotation
``x_i^n`` printed over a cell; in both the lost value is ``px``, which is NaN in the
shipped table. This tutorial uses ``t1`` … ``t6`` and ``tug`` only, so all 23 rows are
used and nothing is filled in (to use ``px``, call ``load_gait(missing="drop")`` or
``missing="mean"``). The two labels are thresholds of the two clinical scores, and the
script checks it on every row: ``y1 = 1`` exactly when TUG ≥ 14 s, ``y2 = 1`` exactly
when BBS ≤ 22.

The task: predict the TUG time (seconds) from the six phase times t1 … t6. The split
is random with an explicit seed (``split_indices(23, (0.7, 0.3), rng)``: 16 training
rows, 7 validation rows); features are standardised with the training rows' mean and
standard deviation. The loss is the MSE (mean); 001 writes the summed form
:math:`\sum_n`, which is N times it — both are printed. The slide fits no model to this
table and prints no result, so there is no slide column: the tables show this run.

Concept: data.gait, model.linear, data.split, loss.mse, model.mlp_neurons

Run: ``python -m tutorials.gait [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference import data
from reference.training import init_params, train_network

from ._common import pyplot, slide, tutorial_main

FEATURES = ("t1", "t2", "t3", "t4", "t5", "t6")
TARGET = "tug"


def run(ctx):
    B = ctx.backend
    g = data.load_gait()                                   # missing="nan": px is NaN in rows 6, 7
    n = g["no"].size

    # ---- the table, and what its labels mean -----------------------------------------------
    lost = g["no"][np.isnan(g["px"])].astype(int).tolist()
    ctx.table(f"The table of {slide('001', 'Notations')} (real, 23 rows): checks on every row",
              ["check", "rows where it holds", "of"],
              [["y1 = 1 exactly when TUG ≥ 14", int(np.sum((g["tug"] >= 14) == (g["y1"] == 1))), n],
               ["y2 = 1 exactly when BBS ≤ 22", int(np.sum((g["bbs"] <= 22) == (g["y2"] == 1))), n],
               [f"px present (missing in rows {lost}: the garbled transcript rows)",
                int(np.sum(~np.isnan(g["px"]))), n],
               ["t1 … t6 and TUG present (used here)",
                int(np.sum(np.all([~np.isnan(g[c]) for c in FEATURES + (TARGET,)], axis=0))), n]])

    x = np.column_stack([g[c] for c in FEATURES])          # (23, 6), seconds
    y_hat = g[TARGET]                                      # (23,), seconds
    train, val = data.split_indices(n, (0.7, 0.3), rng=np.random.default_rng(ctx.seed))
    mu, sd = x[train].mean(axis=0), x[train].std(axis=0)
    xs = (x - mu) / sd                                     # standardised with the training rows only
    ctx.log(f"split (seed {ctx.seed}): training rows {sorted((g['no'][train]).astype(int).tolist())}, "
            f"validation rows {sorted((g['no'][val]).astype(int).tolist())}")

    # ---- closed form --------------------------------------------------------------------------
    w_cf, b_cf = B.closed_form(xs[train], y_hat[train])

    # ---- gradient descent, standardised features ----------------------------------------------
    lam_max = largest_curvature(xs[train])
    eta = 1.0 / lam_max                                    # half the largest stable step 2/λ_max
    steps = ctx.sized(20_000, 2_000, sim=50)
    w_path, b_path, L_path = B.linear_gd(xs[train], y_hat[train], np.zeros(len(FEATURES)), 0.0, eta,
                                         steps, loss="mse")
    w_gd, b_gd = w_path[-1], b_path[-1]
    # ... and on the raw features (seconds), with its own largest sensible step, for contrast
    eta_raw = 1.0 / largest_curvature(x[train])
    w_raw_path, b_raw_path, L_raw_path = B.linear_gd(x[train], y_hat[train], np.zeros(len(FEATURES)), 0.0,
                                                     eta_raw, steps, loss="mse")
    ctx.log(f"GD, standardised: η = {eta:.3g}, {steps:,} updates, final MSE {L_path[-1]:.4g}; "
            f"raw seconds: η = {eta_raw:.3g}, final MSE {L_raw_path[-1]:.4g}")

    rows = []
    for j, name in enumerate(FEATURES):
        rows.append([f"w ({name})", float(w_cf[j]), float(w_gd[j]), abs(float(w_gd[j] - w_cf[j])),
                     float(w_cf[j] / sd[j])])
    b_seconds = float(b_cf - np.sum(w_cf * mu / sd))
    rows.append(["b", float(b_cf), float(b_gd), abs(float(b_gd - b_cf)), b_seconds])
    ctx.table(f"Linear regression TUG = b + Σ w_i t_i on the 16 training rows: closed form vs gradient "
              f"descent ({steps:,} updates, η = {eta:.3g})",
              ["parameter", "closed form (standardised)", "GD (standardised)", "|GD − closed form|",
               "closed form, per second of t_i"], rows,
              note="The last column undoes the standardisation (w_i / sd_i, and b in seconds): the fit finds "
                   "TUG ≈ t6 − t1 — the test time runs from the end of the first phase to the end of the "
                   "last. The phase times are strongly correlated, which makes the loss surface a narrow "
                   "valley and gradient descent slow in some directions even after standardising.")

    # ---- losses on training and validation rows -----------------------------------------------
    models = {
        "closed form": (xs, w_cf, b_cf),
        f"GD, standardised ({steps:,} updates)": (xs, w_gd, b_gd),
        f"GD, raw seconds ({steps:,} updates)": (x, w_raw_path[-1], b_raw_path[-1]),
    }
    rows = []
    for name, (features, w, b) in models.items():
        rows.append([name] + scores(B, features, y_hat, w, b, train, val))

    # ---- optional: the 001 MLP, neuron by neuron (2 inputs, 3 + 2 sigmoid neurons) -----------
    mlp_rows, check = mlp(ctx, B, xs, y_hat, train, val)
    rows += mlp_rows
    ctx.table(f"Losses (seconds²; MAE in seconds) — {slide('004', '驗證 (Validation)')}: fit on training, judge on validation",
              ["model", "train MSE", "train Σ e² (001's L)", "validation MSE", "train MAE", "validation MAE"],
              rows,
              note=f"{len(train)} training rows, {len(val)} validation rows (seed {ctx.seed}). "
                   f"The MLP written neuron by neuron matches network_forward to {check:.1e}. "
                   "Seven validation rows make a noisy exam: change --seed to see how much it moves.")

    plot(ctx, g, y_hat, train, val, xs, w_cf, b_cf, L_path, L_raw_path, B)


def largest_curvature(x):
    """λ_max of the MSE's Hessian 2/N XᵀX (X with a column of ones): GD needs η < 2/λ_max."""
    X = np.column_stack([x, np.ones(x.shape[0])])
    return float(np.linalg.eigvalsh(2.0 / x.shape[0] * X.T @ X)[-1])


def scores(B, features, y_hat, w, b, train, val):
    out = []
    for rows in (train, val):
        y, _ = B.linear_forward(features[rows], np.asarray(w), b)
        out.append((float(B.mse(y, y_hat[rows])[0]), float(B.mse(y, y_hat[rows], reduction="sum")[0]),
                    float(B.mae(y, y_hat[rows])[0])))
    (tr_mse, tr_sum, tr_mae), (va_mse, _, va_mae) = out
    return [tr_mse, tr_sum, va_mse, tr_mae, va_mae]


def mlp(ctx, B, xs, y_hat, train, val):
    """001 "Model = neural network": x1, x2 → n3, n4, n5 → n6, n7 → y, every neuron a sigmoid.

    The two inputs are t1 and t6 (standardised). The slide's output neuron is also a
    sigmoid (for a 0/1 label); for the TUG time in seconds the read-out here is linear,
    y = b + c6·n6 + c7·n7, as in lecture 1's networks.
    """
    x2 = xs[:, [FEATURES.index("t1"), FEATURES.index("t6")]]
    scale = y_hat[train].std()
    centre = y_hat[train].mean()
    params = init_params([2, 3, 2], np.random.default_rng([ctx.seed, 7]), activation="sigmoid")
    W1, b1, W2, b2, c, b = params
    # Neuron by neuron, as the slide writes it ...
    x1_, x2_ = x2[:, 0], x2[:, 1]
    sig = lambda z: B.sigmoid_forward(z)[0]  # noqa: E731
    n3 = sig(x1_ * W1[0, 0] + x2_ * W1[0, 1] + b1[0])
    n4 = sig(x1_ * W1[1, 0] + x2_ * W1[1, 1] + b1[1])
    n5 = sig(x1_ * W1[2, 0] + x2_ * W1[2, 1] + b1[2])
    n6 = sig(n3 * W2[0, 0] + n4 * W2[0, 1] + n5 * W2[0, 2] + b2[0])
    n7 = sig(n3 * W2[1, 0] + n4 * W2[1, 1] + n5 * W2[1, 2] + b2[1])
    y_neurons = b + c[0] * n6 + c[1] * n7
    # ... is the matrix form that network_forward computes.
    y_matrix, _ = B.network_forward(x2, *params, activation="sigmoid")
    check = float(np.abs(y_neurons - y_matrix).max())

    epochs = ctx.sized(3000, 300, sim=5)
    target = (y_hat - centre) / scale                      # standardised target for training
    params, history = train_network(x2[train], target[train], params, epochs=epochs, batch_size=len(train),
                                    eta=0.5, activation="sigmoid", loss="mse", rng=None,
                                    validation=(x2[val], target[val]), backend=B)
    ctx.log(f"MLP 2-3-2: {epochs} full-batch epochs, η = 0.5, standardised training MSE "
            f"{history['loss'][-1]:.4g}, validation {history['val_loss'][-1]:.4g}")
    rows = []
    out = []
    for part in (train, val):
        y, _ = B.network_forward(x2[part], *params, activation="sigmoid")
        y = y * scale + centre
        out.append((float(B.mse(y, y_hat[part])[0]), float(B.mse(y, y_hat[part], reduction="sum")[0]),
                    float(B.mae(y, y_hat[part])[0])))
    rows.append([f"MLP 2-3-2 on t1, t6 ({epochs} epochs)", out[0][0], out[0][1], out[1][0], out[0][2],
                 out[1][2]])
    w2, b2_ = B.closed_form(x2[train], y_hat[train])
    rows.append(["closed form on t1, t6 only"] + scores(B, x2, y_hat, w2, b2_, train, val))
    return rows, check


def plot(ctx, g, y_hat, train, val, xs, w_cf, b_cf, L_path, L_raw_path, B):
    plt = pyplot()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    y, _ = B.linear_forward(xs, w_cf, b_cf)
    lo, hi = y_hat.min() - 1, y_hat.max() + 1
    ax.plot([lo, hi], [lo, hi], color="gray", lw=0.8, ls="--", label="prediction = truth")
    ax.scatter(y_hat[train], y[train], color="tab:blue", label="training rows", zorder=3)
    ax.scatter(y_hat[val], y[val], color="tab:orange", marker="s", label="validation rows", zorder=3)
    labels = {}                                            # rows on the same spot share one label
    for i in val:
        labels.setdefault((round(float(y_hat[i]), 1), round(float(y[i]), 1)), []).append(str(int(g["no"][i])))
    for (tx, ty), rows in labels.items():
        ax.annotate("row " + ", ".join(rows), (tx, ty), textcoords="offset points", xytext=(6, -12),
                    fontsize=7, color="tab:orange")
    ax.axvline(14, color="tab:red", lw=0.8, ls=":")
    ax.text(14.2, lo + 0.5, "y1 = 1 (TUG ≥ 14)", color="tab:red", fontsize=8)
    ax.set_xlabel("TUG, seconds (the table)")
    ax.set_ylabel("predicted TUG, seconds")
    ax.set_title("closed form TUG = b + Σ w_i t_i (validation rows numbered)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    steps = np.arange(L_path.size)
    ax2.plot(steps + 1, L_path, label="standardised features")
    ax2.plot(steps + 1, L_raw_path, label="raw seconds")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("update")
    ax2.set_ylabel("training MSE (seconds²)")
    ax2.set_title("gradient descent, each with η = 1/λ_max", fontsize=10)
    ax2.legend(fontsize=8)
    ax2.grid(alpha=0.3, which="both")
    fig.tight_layout()
    ctx.figure(fig, "gait_tug.png",
               "Left: predicted vs true TUG on the 001 table (training and validation rows). Right: the "
               "training loss of gradient descent with standardised and with raw features.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
