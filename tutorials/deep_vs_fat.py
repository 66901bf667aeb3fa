r"""Thin + tall vs fat + short with the same number of parameters, on digits, beside Seide 2011.

Reruns lecture I of the Deep Learning Tutorial (``003_ec86197519796290.txt``):

* 003 "Deeper is Better?": word error rate (%) of networks of 1, 2, 3, 4, 5 and 7
  hidden layers of 2k units — 24.2, 20.4, 18.4, 17.8, 17.2, 17.1 ("Not surprised, more
  parameters, better performance");
* 003 "Universality Theorem": one hidden layer can realise any continuous function,
  given enough neurons — "Why 'Deep' neural network not 'Fat' neural network?";
* 003 "Fat + Short v.s. Thin + Tall": one hidden layer with as many parameters as the
  deep ones, 1 × 3772: 22.5 (as many as 5 × 2k), 1 × 4634: 22.6 (as many as 7 × 2k),
  and 1 × 16k: 22.1 — all worse than the thin, tall networks (Seide, Li and Yu,
  Interspeech 2011, conversational speech).

Here: the same design scaled to the digits (``reference.data.load_digits``, 64 inputs,
10 classes, 1,347 training and 450 test images): thin layers of ``WIDTH = 64`` units
(for Seide's 2k); the fat networks' single hidden layer is sized so that the network
has the same number of parameters as 5 × 64 and 7 × 64 (solved from
:math:`P = 64H + H + 10H + 10`), and 1 × 512 stands for 1 × 16k (8 times the thin
width). Trained with :mod:`reference.keras`: ReLU hidden layers, softmax, cross entropy,
``SGD(lr=0.1)``, ``batch_size=100``, 150 epochs, the test error averaged over 3 seeds
(``--quick``: 16 units, 10 epochs, 1 seed). Seide's networks were sigmoid networks
pretrained layer by layer; plain SGD on deep sigmoid networks stalls (see
``tutorials.vanishing``), so ReLU stands in for the pretraining here.

What to expect, honestly: the digits are a small, easy task on which one hidden layer
already does well, and 450 test images measure an error rate to about ±1 percentage
point. The slide's gaps (5 points between 5 × 2k and 1 × 3772) came from 300 hours of
speech. The tables print this run's numbers and say which shape they show.

Concept: model.deep_vs_fat, act.relu, data.digits

Run: ``python -m tutorials.deep_vs_fat [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.keras import SGD, Activation, Dense, Sequential
from reference.training import mlp_param_count, width_for_budget

from ._common import (accuracy_noise, combined_noise, digits, fit, label_points, pyplot, seed_noise, slide,
                      tutorial_main, verdict)

WIDTH = 64                  # the thin layers (Seide: 2k)
EPOCHS = 150
SEEDS = 3
BATCH_SIZE = 100
#: Seide 2011 as printed on 003: layers x size -> word error rate (%).
SLIDE_DEEP = {1: 24.2, 2: 20.4, 3: 18.4, 4: 17.8, 5: 17.2, 7: 17.1}
SLIDE_FAT = {"1 × 3772 (= 5 × 2k)": 22.5, "1 × 4634 (= 7 × 2k)": 22.6, "1 × 16k": 22.1}


def build(B, seed, hidden_sizes):
    model = Sequential(backend=B, seed=seed)
    model.add(Dense(input_dim=64, output_dim=hidden_sizes[0]))
    model.add(Activation('relu'))
    for h in hidden_sizes[1:]:
        model.add(Dense(output_dim=h))
        model.add(Activation('relu'))
    model.add(Dense(output_dim=10))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1), metrics=['accuracy'])
    return model


def n_params(hidden_sizes, d=64, k=10):
    return mlp_param_count([d, *hidden_sizes, k])


def fat_width(params, d=64, k=10):
    """The one hidden layer H with (about) ``params`` parameters: P = dH + H + kH + k."""
    return width_for_budget(d, k, 1, params)


def run(ctx):
    B = ctx.backend
    x_train, y_train, x_test, y_test = digits(ctx)           # float32, one-hot targets
    w = ctx.sized(WIDTH, 16, sim=4)
    epochs = ctx.sized(EPOCHS, 10, sim=1)
    seeds = ctx.sized(SEEDS, 1, sim=1)

    nets = {f"{L} × {w}": [w] * L for L in SLIDE_DEEP}
    fat = {}
    for L, slide_name in ((5, "1 × 3772 (= 5 × 2k)"), (7, "1 × 4634 (= 7 × 2k)")):
        H = fat_width(n_params([w] * L))
        fat[f"1 × {H} (= {L} × {w})"] = ([H], slide_name)
    fat[f"1 × {8 * w}"] = ([8 * w], "1 × 16k")
    nets.update({name: sizes for name, (sizes, _) in fat.items()})
    ctx.log(f"{len(nets)} networks × {seeds} seed(s), {epochs} epochs each")

    results = {}
    for name, sizes in nets.items():
        errors, train_errors, secs = [], [], 0.0
        for s in range(seeds):
            model = build(B, np.random.default_rng([ctx.seed, s]), sizes)
            history, seconds = fit(ctx, model, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE,
                                   desc=f"{name}, seed {s + 1}/{seeds}", steps=5)
            errors.append(100 * (1 - model.evaluate(x_test, y_test, verbose=0)[1]))
            train_errors.append(100 * (1 - history["accuracy"][-1]))
            secs += seconds
        results[name] = dict(sizes=sizes, kind="fat" if name in fat else "deep", params=model.count_params(),
                             error=float(np.mean(errors)), spread=float(np.std(errors)), errors=errors,
                             train_error=float(np.mean(train_errors)), seconds=secs)

    # One table, one row per network: the slide's network and number beside this run's stand-in.
    match = {name: f"{int(name.split('= ')[1].split(' ×')[0])} × {w}" for name in list(fat)[:2]}
    rows = []
    for name, r in results.items():
        if r["kind"] == "deep":
            L = len(r["sizes"])
            slide_net, wer, same = f"{L} × 2k", SLIDE_DEEP[L], ""
        else:
            slide_net = fat[name][1].split(" (")[0]
            wer, same = SLIDE_FAT[fat[name][1]], match.get(name, f"more than 7 × {w}")
        spread = f" ± {r['spread']:.2f}" if seeds > 1 else ""
        rows.append([slide_net, wer, name.split(" (")[0], same, r["params"], f"{r['error']:.2f}{spread}",
                     r["train_error"]])
    where = slide("003-I", "Deeper is Better?", "Fat + Short v.s. Thin + Tall")
    ctx.table(f"{where}: slide = Seide 2011 word error rate (%); this run = digits test error (%), mean of "
              f"{seeds} seed(s), {epochs} epochs, backend {B.name}",
              ["slide: layers × size", "slide WER %", "this run: layers × size", "as many parameters as",
               "parameters", "test error %" + (" (mean ± sd over seeds)" if seeds > 1 else ""),
               "training error %"],
              rows,
              note="The thin, tall networks first, then the fat, short ones: each fat network's one hidden layer is "
                   "sized to have as many parameters as the deep network named (1 × 16k and its stand-in have "
                   f"more). One test image is {100 / x_test.shape[0]:.2f} percentage points.")
    for name, r in results.items():
        ctx.log(f"{name}: test error {r['error']:.2f} % ± {r['spread']:.2f} (std over seeds), "
                f"{r['params']:,} parameters, {r['seconds']:.1f} s")

    # ---- the verdicts ---------------------------------------------------------------------------
    n_test = x_test.shape[0]

    def noise(a, b):
        """Two standard errors of a difference of two networks' error rates (%): the test set's
        draw, and with several seeds the training's luck too."""
        test_set = accuracy_noise([1 - results[a]["error"] / 100, 1 - results[b]["error"] / 100], n_test)
        test_set = test_set.scaled(100, "percentage points")
        if seeds < 2:
            return test_set
        return combined_noise(test_set, seed_noise(results[a]["errors"], results[b]["errors"]))

    deep = {L: f"{L} × {w}" for L in SLIDE_DEEP}
    verdict(ctx, slide("003-I", "Deeper is Better?"), f"7 hidden layers have a lower error than 1 ({deep[1]} "
            f"vs {deep[7]} here)", {"1 hidden layer": SLIDE_DEEP[1], "7 hidden layers": SLIDE_DEEP[7]},
            {"1 hidden layer": results[deep[1]]["error"], "7 hidden layers": results[deep[7]]["error"]},
            noise(deep[1], deep[7]), higher_is_better=False)
    for fname, (_, sname) in list(fat.items())[:2]:
        thin = match[fname]
        verdict(ctx, slide("003-I", "Fat + Short v.s. Thin + Tall"), f"with the same parameters, thin + tall "
                f"({thin}) has a lower error than fat + short ({fname.split(' (')[0]})",
                {"thin + tall": SLIDE_DEEP[int(thin.split(' ×')[0])], "fat + short": SLIDE_FAT[sname]},
                {"thin + tall": results[thin]["error"], "fat + short": results[fname]["error"]},
                noise(thin, fname), higher_is_better=False)
    errors = {name: r["error"] for name, r in results.items()}
    lo, hi = min(errors, key=errors.get), max(errors, key=errors.get)
    spread_noise = noise(lo, hi).value
    ctx.note(f"What the digits show: test errors from {errors[lo]:.2f} % ({lo}) to {errors[hi]:.2f} % ({hi}); "
             + (f"the whole range is within the noise ({spread_noise:.2f} points), so on this small, easy task "
                "no network, deep or fat, is measurably better than another."
                if errors[hi] - errors[lo] <= spread_noise else
                f"the range exceeds the noise ({spread_noise:.2f} points), so at least these two differ.")
             + f" Noise: each error rate is measured on the same {n_test} test images"
             + (f", and over {seeds} seeds, whose spread is added" if seeds > 1 else "")
             + "; a difference smaller than two standard errors of a difference is called too close to call.")
    plot(ctx, results, w, epochs, seeds)


def plot(ctx, results, w, epochs, seeds):
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(14, 5.0), layout="constrained")
    ax = axes[0]
    points = []
    for kind, style, label in (("deep", "o-", f"thin + tall: L × {w} (labels: L × {w})"),
                               ("fat", "s--", "fat + short: 1 × H (labels: 1 × H)")):
        pts = sorted((r["params"], r["error"], name.split(" (")[0]) for name, r in results.items()
                     if r["kind"] == kind)
        ax.plot([p for p, _, _ in pts], [e for _, e, _ in pts], style, label=label)
        points += pts
    ax.set_xscale("log")
    ax.set_xlabel("parameters (log scale)")
    ax.set_ylabel("test error (%)")
    ax.margins(x=0.08, y=0.15)
    label_points(ax, points)
    ax.set_title(f"this run: digits, mean of {seeds} seed(s), {epochs} epochs", fontsize=10)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), frameon=False)
    ax.grid(alpha=0.3)

    ax = axes[1]
    layers = list(SLIDE_DEEP)
    ax.plot(layers, list(SLIDE_DEEP.values()), "o-", label="thin + tall: L × 2k")
    fat = list(SLIDE_FAT.items())[:2]
    ax.plot([5, 7], [wer for _, wer in fat], "s--", label="fat + short: 1 × H, as many parameters as L × 2k")
    for L, wer in SLIDE_DEEP.items():
        ax.annotate(f"{L} × 2k", (L, wer), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=7)
    for L, (name, wer) in zip((5, 7), fat):
        ax.annotate(name.split(" (")[0], (L, wer), textcoords="offset points", xytext=(0, 7), ha="center",
                    fontsize=7)
    ax.axhline(SLIDE_FAT["1 × 16k"], color="0.5", ls=":", lw=0.8, label="1 × 16k: 22.1")
    ax.set_xlabel("parameters, counted in hidden layers of 2k (L)")
    ax.set_ylabel("word error rate (%)")
    ax.margins(x=0.08, y=0.12)
    ax.set_title("the slide: Seide 2011, conversational speech", fontsize=10)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), frameon=False)
    ax.grid(alpha=0.3)
    fig.suptitle(f"{slide('003-I', 'Why Deep?')}: the same parameter budget, deep and thin vs shallow and fat",
                 fontsize=11)
    ctx.figure(fig, "deep_vs_fat.png",
               "Test error against the number of parameters: this run on the digits (left) and the slide's "
               "Seide 2011 table (right).")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
