r"""Dropout on the slide's 500-500 sigmoid network, and dropout as an ensemble.

Reruns the dropout slides of lecture II of the Deep Learning Tutorial
(``003_ec86197519796290.txt``) and of the second course (``001_2b35647283c26347.txt``):

* 003 "Let's try it" (after "More about dropout"): the slide's Keras code,
  ``Dense(input_dim=28*28, output_dim=500)``, ``Activation('sigmoid')``,
  ``model.add( dropout(0.8) )``, ``Dense(output_dim=500)``, ``Activation('sigmoid')``,
  ``model.add( dropout(0.8) )``, ``Dense(output_dim=10)``, ``Activation('softmax')``,
  against the same network without the two dropout layers ("No Dropout"). The slide
  shows its MNIST result as a picture: no accuracy survives in the transcript, so the
  table has no slide number to put beside this run's, and the verdict is on the claim
  the recipe makes of dropout (003 "Recipe of Deep Learning": dropout is for *good
  results on testing data*, not on training data).
* 001 / 003 "Why multiply weights by (1-p)% during testing?" and "Dropout is a kind of
  ensemble." (four slides): the test-time network stands in for the average of the
  thinned networks training visits. ``reference.training.dropout_ensemble_mean`` computes
  that average: exactly equal to the scaled network for linear hidden units (proved
  by enumeration in ``spec_tests/test_dropout_ensemble.py``), and here, for the trained
  sigmoid network, sampled over more and more masks (up to 256): the figure puts the
  gap to the scaled network beside the same weights with linear hidden units, whose gap
  falls like :math:`1/\sqrt S` towards 0, while the sigmoid network's levels off at the
  nonlinearity's own difference (this run says after how many masks).

What ``dropout(0.8)`` means here: :func:`reference.keras.dropout` is ``Dropout(rate)``,
the *fraction dropped* (Keras's ``rate``, and Keras 1's ``p`` that the slide's code
passes), so 80% of each hidden layer's 500 units are dropped for every mini-batch, in
Keras's inverted form (kept units scaled by 1/0.2 while training, the network unchanged
at test time: the slide's "weights × (1−p)" in another parametrisation).

Data: scikit-learn's 8×8 digits (``reference.data.load_digits``: 1,347 training and 450
test images), not MNIST, which the project does not ship; 64 inputs instead of 28×28.
The slide prints no compile line for this run: cross entropy with Adam (the recipe's
choices by that point of the lecture), ``batch_size=100``, the same number of epochs for
both networks, both from the same initial weights. ``--quick``: 32 hidden units, a few
epochs, few masks — a smoke test.

Concept: regularize.dropout, regularize.dropout_ensemble, data.digits

Run: ``python -m tutorials.dropout [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.keras import Activation, Adam, Dense, Sequential, dropout
from reference.training import dropout_ensemble_mean, dropout_scaled_forward

from ._common import accuracy_noise, digits, fit, pyplot, slide, tutorial_main, verdict

RATE = 0.8                  # the slide's dropout(0.8): the fraction dropped
HIDDEN = 500                # the slide's
EPOCHS = 100
BATCH_SIZE = 100


def build(B, seed, hidden, rate):
    """The slide's model; ``rate=None`` is "No Dropout"."""
    model = Sequential(backend=B, seed=seed)
    model.add(Dense(input_dim=64, output_dim=hidden))      # the slide: input_dim=28*28
    model.add(Activation('sigmoid'))
    if rate is not None:
        model.add(dropout(rate))
    model.add(Dense(output_dim=hidden))
    model.add(Activation('sigmoid'))
    if rate is not None:
        model.add(dropout(rate))
    model.add(Dense(output_dim=10))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=Adam(), metrics=['accuracy'])
    return model


def run(ctx):
    B = ctx.backend
    x_train, y_train, x_test, y_test = digits(ctx)
    hidden = ctx.sized(HIDDEN, 32, sim=4)
    epochs = ctx.sized(EPOCHS, 4, sim=1)
    runs, models = {}, {}
    for name, rate in (("no dropout", None), ("dropout(0.8)", RATE)):
        model = build(B, ctx.seed, hidden, rate)
        history, seconds = fit(ctx, model, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, desc=name,
                               validation_data=(x_test, y_test))
        train_loss, train_acc = model.evaluate(x_train, y_train, verbose=0)
        test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
        runs[name] = dict(history=history, seconds=seconds, train_acc=float(train_acc), test_acc=float(test_acc),
                          test_loss=float(test_loss))
        models[name] = model
    where = slide("003-II", "Let's try it", "dropout(0.8)")
    ctx.table(
        f"{where}: 64-{hidden}-{hidden}-10 sigmoid/softmax, cross entropy, Adam, batch {BATCH_SIZE}, "
        f"{epochs} epochs, backend {B.name}",
        ["", "slide (MNIST)", "training accuracy (test-time network)", "test accuracy", "test loss", "seconds"],
        [[name, None, r["train_acc"], r["test_acc"], r["test_loss"], r["seconds"]] for name, r in runs.items()],
        note="The slide shows its MNIST result as a figure; no number of it survives in the transcript (—). "
             "The test accuracy per epoch (the figure) is watched, never used to choose anything.")
    n_test = x_test.shape[0]
    verdict(ctx, slide("003-II", "Recipe of Deep Learning", "Dropout"),
            "dropout is for good results on testing data: with dropout(0.8) the test accuracy is higher", None,
            {name: r["test_acc"] for name, r in runs.items()},
            accuracy_noise([r["test_acc"] for r in runs.values()], n_test), winner="dropout(0.8)")

    ensemble(ctx, models["dropout(0.8)"], x_test, y_test)
    plot_training(ctx, runs)


def ensemble(ctx, model, x_test, y_test):
    """The trained dropout network's test-time output against sampled averages of its thinned networks."""
    w = [np.asarray(a, dtype=np.float64) for a in model.get_weights()]
    layers = list(zip(w[0::2], w[1::2]))
    x = np.asarray(x_test, dtype=np.float64)
    scaled = dropout_scaled_forward(x, layers, RATE, activation="sigmoid", output="softmax", inverted=True)
    gap_predict = float(np.max(np.abs(scaled - model.predict(x_test))))
    ctx.log(f"dropout_scaled_forward vs model.predict: largest difference {gap_predict:.2e} (float32 model)")
    labels = np.argmax(y_test, axis=1)
    counts = [2 ** j for j in range(ctx.sized(8, 4, sim=2) + 1)]           # 1, 2, 4, … 256 masks
    curves = {}
    for activation in ("sigmoid", "linear"):
        rng = np.random.default_rng([ctx.seed, 8])
        ref = scaled if activation == "sigmoid" else dropout_scaled_forward(
            x, layers, RATE, activation="linear", output="linear", inverted=True)
        output = "softmax" if activation == "sigmoid" else "linear"
        total, done, rows = 0.0, 0, []
        for S in ctx.progress(counts, f"ensemble ({activation})"):
            more = S - done
            total = total + more * dropout_ensemble_mean(x, layers, RATE, activation=activation, output=output,
                                                         inverted=True, n_masks=more, rng=rng)
            done = S
            mean = total / S
            gap = float(np.mean(np.abs(mean - ref).sum(axis=1)))
            acc = float(np.mean(np.argmax(mean, axis=1) == labels))
            rows.append((S, gap, acc))
        curves[activation] = rows
    ref_acc = float(np.mean(np.argmax(scaled, axis=1) == labels))
    sig, lin = curves["sigmoid"], curves["linear"]
    ctx.table(
        f"{slide('003-II', 'Dropout is a kind of ensemble.')}: the scaled network against the mean of S sampled "
        f"thinned networks (the trained dropout(0.8) network, {x.shape[0]} test images)",
        ["S (masks)", "sigmoid: mean |Σ gap| per image", "sigmoid: ensemble accuracy", "linear hidden units: gap"],
        [[S, g, a, gl] for (S, g, a), (_, gl, _) in zip(sig, lin)]
        + [["scaled network", 0.0, ref_acc, 0.0]],
        note="The gap is Σ_k |ȳ_k − y_k| over the 10 outputs, averaged over the test images (for the sigmoid "
             "network: probabilities; for the same weights with linear hidden units: the outputs before a "
             "softmax). For linear hidden units the sampled mean converges to the scaled network (the exact "
             "average equals it: spec_tests/test_dropout_ensemble.py); for sigmoid units it stops at the "
             "nonlinearity's own difference.")
    halving = lin[-1][1] / lin[0][1] if lin[0][1] > 0 else float("nan")
    ctx.note(f"From 1 to {counts[-1]} masks the linear network's gap shrinks by {halving:.3g} "
             f"(1/√S predicts {1 / np.sqrt(counts[-1]):.3g}); the sigmoid network's by "
             f"{sig[-1][1] / sig[0][1]:.3g}.")
    plot_ensemble(ctx, curves)


def plot_training(ctx, runs):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {"no dropout": "tab:blue", "dropout(0.8)": "tab:orange"}
    for name, r in runs.items():
        h = r["history"]
        ep = np.arange(1, len(h["accuracy"]) + 1)
        ax.plot(ep, h["accuracy"], color=colors[name], label=f"{name}: training (as trained)")
        ax.plot(ep, h["val_accuracy"], color=colors[name], ls="--", label=f"{name}: test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.02)
    ax.set_title("The slide's 500-500 sigmoid network on digits, with and without dropout(0.8)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ctx.figure(fig, "dropout_accuracy.png",
               "Training accuracy (measured with dropout on, as Keras reports it) and test accuracy per "
               "epoch, with and without the slide's two dropout(0.8) layers.")


def plot_ensemble(ctx, curves):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for activation, color in (("sigmoid", "tab:red"), ("linear", "tab:blue")):
        S = np.array([r[0] for r in curves[activation]])
        gap = np.array([r[1] for r in curves[activation]])
        ax.plot(S, gap, "o-", color=color, label=f"{activation} hidden units")
        ax.plot(S, gap[0] / np.sqrt(S), ":", color=color, lw=0.8, label=f"{activation}: 1/√S from S = 1")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("S: thinned networks averaged (sampled masks)")
    ax.set_ylabel("mean Σ|ensemble − scaled network|")
    ax.set_title("Dropout is a kind of ensemble: the scaled network vs a sampled ensemble", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    ctx.figure(fig, "dropout_ensemble_gap.png",
               "The gap between the test-time (scaled) network and the mean of S sampled thinned networks, for "
               "the trained weights with sigmoid and with linear hidden units: the linear gap falls like 1/√S "
               "towards 0, the sigmoid one levels off at the nonlinearity's difference.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
