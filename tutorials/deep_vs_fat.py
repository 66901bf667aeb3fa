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

from ._common import digits, accuracy_noise, fit, pyplot, shape_verdict, tutorial_main

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
                             error=float(np.mean(errors)), spread=float(np.std(errors)),
                             train_error=float(np.mean(train_errors)), seconds=secs)

    rows = []
    fat_items = list(fat.items())
    for i, (L, wer) in enumerate(SLIDE_DEEP.items()):
        r = results[f"{L} × {w}"]
        row = [f"{L} × 2k", wer, f"{L} × {w}", r["params"], r["error"], r["train_error"]]
        j = i - (len(SLIDE_DEEP) - len(fat_items))
        if j >= 0:
            fname, (_, sname) = fat_items[j]
            f = results[fname]
            row += [sname, SLIDE_FAT[sname], fname, f["params"], f["error"], f["train_error"]]
        else:
            row += ["", None, "", None, None, None]
        rows.append(row)
    ctx.table(f"003 \"Fat + Short v.s. Thin + Tall\": slide = Seide 2011 word error rate (%); this run = digits "
              f"test error (%), mean of {seeds} seed(s), {epochs} epochs, backend {B.name}",
              ["slide: layers × size", "slide WER", "this run", "parameters", "test error %", "training error %",
               "slide: layers × size", "slide WER", "this run", "parameters", "test error %", "training error %"],
              rows,
              note="Rows side by side have the same number of parameters (the fat network's hidden layer is sized "
                   "to match the deep one; 1 × 16k and its stand-in have more). One test image is "
                   f"{100 / x_test.shape[0]:.2f} percentage points; the spread over seeds is in the log.")
    for name, r in results.items():
        ctx.log(f"{name}: test error {r['error']:.2f} % ± {r['spread']:.2f} (std over seeds), "
                f"{r['params']:,} parameters, {r['seconds']:.1f} s")

    # ---- the shapes ---------------------------------------------------------------------------
    n_test = x_test.shape[0]              # the seeds average the training's luck, not the test set's
    noise = lambda a, b: 100 * accuracy_noise([1 - a / 100, 1 - b / 100], n_test)  # noqa: E731
    deep_errors = {L: results[f"{L} × {w}"]["error"] for L in SLIDE_DEEP}
    _, s1 = shape_verdict({"1 hidden layer": SLIDE_DEEP[1], "7 hidden layers": SLIDE_DEEP[7]},
                          {"1 hidden layer": deep_errors[1], "7 hidden layers": deep_errors[7]},
                          higher_is_better=False, noise=noise(deep_errors[1], deep_errors[7]))
    ctx.note(f"Deeper is better (1 × {w} vs 7 × {w}, error %): " + s1)
    for fname, (_, sname) in list(fat.items())[:2]:
        L = int(fname.split("= ")[1].split(" ×")[0])
        _, s = shape_verdict({"thin + tall": SLIDE_DEEP[L], "fat + short": SLIDE_FAT[sname]},
                             {"thin + tall": deep_errors[L], "fat + short": results[fname]["error"]},
                             higher_is_better=False, noise=noise(deep_errors[L], results[fname]["error"]))
        ctx.note(f"Same parameters, {L} × {w} (thin + tall) vs {fname.split(' (')[0]} (fat + short), error %: " + s)
    errors = {name: r["error"] for name, r in results.items()}
    lo, hi = min(errors, key=errors.get), max(errors, key=errors.get)
    spread_noise = noise(errors[lo], errors[hi])
    ctx.note(f"What the digits show: test errors from {errors[lo]:.2f} % ({lo}) to {errors[hi]:.2f} % ({hi}); "
             + (f"the whole range is within the noise ({spread_noise:.2f} points), so on this small, easy task "
                "no network, deep or fat, is measurably better than another."
                if errors[hi] - errors[lo] <= spread_noise else
                f"the range exceeds the noise ({spread_noise:.2f} points), so at least these two differ.")
             + f" Noise: each error rate is measured on the same {x_test.shape[0]} test images (averaging "
               f"{seeds} seed(s) removes some of the training's luck, not the test set's); a difference smaller "
               "than two standard errors of a difference is called too close to call.")
    plot(ctx, results, w, epochs, seeds)


def plot(ctx, results, w, epochs, seeds):
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.6))
    ax = axes[0]
    for kind, style, label in (("deep", "o-", f"thin + tall: L × {w}"), ("fat", "s--", "fat + short: 1 × H")):
        pts = sorted((r["params"], r["error"], name) for name, r in results.items() if r["kind"] == kind)
        ax.plot([p for p, _, _ in pts], [e for _, e, _ in pts], style, label=label)
        for p, e, name in pts:
            ax.annotate(name, (p, e), textcoords="offset points", xytext=(4, 4 if kind == "deep" else -12),
                        fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("parameters")
    ax.set_ylabel("test error (%)")
    ax.set_title(f"this run: digits, mean of {seeds} seed(s), {epochs} epochs", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)

    ax = axes[1]
    layers = list(SLIDE_DEEP)
    ax.plot(layers, list(SLIDE_DEEP.values()), "o-", label="thin + tall: L × 2k")
    fat = list(SLIDE_FAT.items())[:2]
    ax.plot([5, 7], [wer for _, wer in fat], "s--", label="fat + short: 1 × H, as many parameters as L × 2k")
    for L, wer in SLIDE_DEEP.items():
        ax.annotate(f"{L} × 2k", (L, wer), textcoords="offset points", xytext=(4, 4), fontsize=7)
    for L, (name, wer) in zip((5, 7), fat):
        ax.annotate(name.split(" (")[0], (L, wer), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ax.axhline(SLIDE_FAT["1 × 16k"], color="0.5", ls=":", lw=0.8)
    ax.text(1, SLIDE_FAT["1 × 16k"] + 0.2, "1 × 16k: 22.1", fontsize=7, color="0.4")
    ax.set_xlabel("parameters, counted in hidden layers of 2k (L)")
    ax.set_ylabel("word error rate (%)")
    ax.set_title("the slide: Seide 2011, conversational speech", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.suptitle("003 \"Why Deep?\": the same parameter budget, deep and thin vs shallow and fat", fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, "deep_vs_fat.png",
               "Test error against the number of parameters: this run on the digits (left) and the slide's "
               "Seide 2011 table (right).")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
