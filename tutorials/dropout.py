r"""Dropout on the slide's 500-500 sigmoid network, and dropout as an ensemble.

Reruns the dropout slides of lecture II of the Deep Learning Tutorial
(``003_ec86197519796290.txt``) and of the second course (``001_2b35647283c26347.txt``):

* 003 "Let's try it" (after "More about dropout"): the slide's Keras code,
  ``Dense(input_dim=28*28, output_dim=500)``, ``Activation('sigmoid')``,
  ``model.add( dropout(0.8) )``, ``Dense(output_dim=500)``, ``Activation('sigmoid')``,
  ``model.add( dropout(0.8) )``, ``Dense(output_dim=10)``, ``Activation('softmax')``,
  against the same network without the two dropout layers ("No Dropout"). The slide
  shows its MNIST result as a picture: no accuracy survives in the transcript, so the
  tables have no slide number to put beside this run's, and the verdicts are on the claim
  the recipe makes of dropout (003 "Recipe of Deep Learning": dropout is for *good
  results on testing data*, not on training data). The lecture runs its "Let's try it"
  slides of this part on noisy test images (003 "Why Overfitting?": "For experiments, we
  added some noises to the testing data", clean 0.97 against noisy 0.50), so each network
  is tested twice: on the clean test images and on the same images with Gaussian noise of
  standard deviation ``NOISE_SD = 1`` added (the ``panacea`` tutorial says why 1).
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

What is compared, and why so. A network that keeps only a fifth of its hidden units on
each update learns far more slowly than the same network without dropout: trained for the
same fixed number of epochs, the comparison says which of the two has *finished* training,
not which generalises better (at 100 epochs the dropout network still underfits). So each
network is trained until it stops improving on data it does not train on, and judged with
the weights of its best epoch: ``EarlyStopping(monitor='val_accuracy', patience=PATIENCE,
restore_best_weights=True)`` on the last fifth of the *training* images (Keras's
``validation_split=0.2`` rule; validation is never the test set), for at most
``MAX_EPOCHS`` epochs; the tables say after how many epochs each network stopped, which
epoch it kept, and whether a run reached ``MAX_EPOCHS`` before the patience ran out (then
it might still have been improving). The test images are used only for the final numbers.
Nothing is tuned: the rate (0.8), the network, Adam, ``batch_size=100`` are the slide's or
the lecture's, and the budget rule is the same for both networks.

Training sizes. Dropout is a remedy for overfitting, and the 8×8 digits are a small, easy
problem: the undropped network fits its 1,077 training images perfectly but loses little
on test images. As a stand-in for a setting that overfits more (a stand-in: the slide's
MNIST has 60,000 training images, more, not fewer), the same comparison is also run on the
first quarter of them (``SMALL = 0.25``: 269 images), with the same validation images.

Noise. Each setting is trained from ``SEEDS`` seeds (initial weights, shuffles and masks
from ``numpy.random.default_rng([seed, 10, i])``; the same split of the digits for all),
and the verdicts compare the mean test accuracies: their noise adds in quadrature two
standard errors over the seeds (:func:`~tutorials._common.seed_noise`, training's
randomness) and two standard errors of the mean paired difference over the test images
(:func:`~tutorials._common.paired_noise` of each image's correctness averaged over the
seeds, the draw of the test set: both networks see the same images).

Data: scikit-learn's 8×8 digits (``reference.data.load_digits``: 1,347 training images,
of which 1,077 train and 270 validate, and 450 test images), not MNIST, which the project
does not ship; 64 inputs instead of 28×28. The slide prints no compile line for this run:
cross entropy with Adam (the recipe's choices by that point of the lecture),
``batch_size=100``, both networks of one seed from the same generator. ``--quick``: 32
hidden units, a few epochs, two seeds, few masks — a smoke test; on the CUDA simulator
also only the full training set (16 of its 20 images).

Concept: regularize.dropout, regularize.dropout_ensemble, regularize.early_stop, data.digits

Run: ``python -m tutorials.dropout [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys
import time

import numpy as np

from reference import data
from reference.keras import Activation, Adam, Dense, Sequential, dropout
from reference.keras.callbacks import Callback, EarlyStopping
from reference.training import dropout_ensemble_mean, dropout_scaled_forward

from ._common import (combined_noise, digits, one_blas_thread, paired_noise, pyplot, seed_noise, slide,
                      tutorial_main, verdict)

RATE = 0.8                  # the slide's dropout(0.8): the fraction dropped
HIDDEN = 500                # the slide's
BATCH_SIZE = 100
VALIDATION_SPLIT = 0.2      # the last fifth of the training images validate (Keras's validation_split rule)
MAX_EPOCHS = 1000           # the most either network trains
PATIENCE = 150              # epochs without a better validation accuracy before stopping
SEEDS = 3
SMALL = 0.25                # the small training set: the first quarter of the training images
NOISE_SD = 1.0              # the lecture's noisy test images (see tutorials.panacea)
NETS = (("no dropout", None), ("dropout(0.8)", RATE))


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


class _Every(Callback):
    """A progress line every ``every`` epochs (training runs in one ``fit``, for EarlyStopping)."""

    def __init__(self, ctx, desc, every):
        super().__init__()
        self.ctx, self.desc, self.every = ctx, desc, every

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.ctx.log(f"{self.desc}: epoch {epoch + 1}, val_accuracy {logs['val_accuracy']:.3f}")


def train(ctx, model, fit_data, val_data, max_epochs, patience, desc):
    """Train ``model`` until its validation accuracy stops improving; keep its best epoch's weights.

    One ``fit`` of at most ``max_epochs`` epochs with ``EarlyStopping(monitor='val_accuracy',
    patience=patience, restore_best_weights=True)``, the products on one BLAS thread.
    Returns the history, the epochs run, the best epoch (from 1), whether the run reached
    ``max_epochs`` before the patience ran out, and the seconds.
    """
    stop = EarlyStopping(monitor="val_accuracy", patience=patience, restore_best_weights=True)
    start = time.perf_counter()
    with one_blas_thread():
        history = model.fit(*fit_data, batch_size=BATCH_SIZE, epochs=max_epochs, verbose=0,
                            validation_data=val_data, callbacks=[stop, _Every(ctx, desc, 100)])
    seconds = time.perf_counter() - start
    h = history.history
    ran = len(h["loss"])
    capped = ran == max_epochs and stop.stopped_epoch == 0
    ctx.log(f"{desc}: {ran} epochs in {seconds:.1f} s, kept epoch {stop.best_epoch + 1} "
            f"(val_accuracy {stop.best:.3f}){'; reached the epoch limit' if capped else ''}")
    return h, ran, stop.best_epoch + 1, capped, seconds


def correct(model, x, y):
    """1.0 where the model's class is the label's, else 0.0 (one entry per example)."""
    return (np.argmax(np.asarray(model.predict(x)), axis=1) == np.argmax(y, axis=1)).astype(np.float64)


def run(ctx):
    B = ctx.backend
    x_train, y_train, x_test, y_test = digits(ctx)
    n_fit = int(x_train.shape[0] * (1.0 - VALIDATION_SPLIT))
    x_fit, y_fit, val = x_train[:n_fit], y_train[:n_fit], (x_train[n_fit:], y_train[n_fit:])
    x_noisy = data.add_gaussian_noise(x_test, NOISE_SD, np.random.default_rng([ctx.seed, 2]))
    hidden = ctx.sized(HIDDEN, 32, sim=4)
    max_epochs = ctx.sized(MAX_EPOCHS, 6, sim=1)
    patience = ctx.sized(PATIENCE, 2, sim=0)
    seeds = ctx.sized(SEEDS, 2)
    sizes = {"all": n_fit}
    if not ctx.simulated:            # the simulator's smoke test: one size (the code is the same for both)
        sizes["small"] = int(n_fit * SMALL)
    results, first = {}, {}
    for size, n in sizes.items():
        for name, rate in NETS:
            rows = []
            for i in range(seeds):
                model = build(B, np.random.default_rng([ctx.seed, 10, i]), hidden, rate)
                h, ran, best, capped, seconds = train(ctx, model, (x_fit[:n], y_fit[:n]), val, max_epochs,
                                                      patience, f"{name}, {n} images, seed {i}")
                rows.append(dict(ran=ran, best=best, capped=capped, seconds=seconds,
                                 train=float(np.mean(correct(model, x_fit[:n], y_fit[:n]))),
                                 val=float(np.mean(correct(model, *val))),
                                 clean=correct(model, x_test, y_test), noisy=correct(model, x_noisy, y_test),
                                 loss=float(model.evaluate(x_test, y_test, verbose=0)[0])))
                if i == 0:
                    first[(size, name)] = (model, h, best)
            results[(size, name)] = rows
    where = slide("003-II", "Let's try it", "dropout(0.8)")
    for size, n in sizes.items():
        report(ctx, where, size, n, {name: results[(size, name)] for name, _ in NETS}, hidden, max_epochs,
               patience, x_test.shape[0], val[0].shape[0])
    ensemble(ctx, first[("all", "dropout(0.8)")][0], x_test, y_test)
    plot_training(ctx, first, sizes)


def report(ctx, where, size, n, runs, hidden, max_epochs, patience, n_test, n_val):
    """The table of one training size, and its two verdicts (clean and noisy test images)."""
    seeds = len(next(iter(runs.values())))
    mean = lambda rows, key: float(np.mean([np.mean(r[key]) for r in rows]))  # noqa: E731
    listed = lambda rows, key: ", ".join(str(r[key]) for r in rows)  # noqa: E731
    stand_in = "" if size == "all" else " (a stand-in for a setting that overfits more)"
    ctx.table(
        f"{where}: 64-{hidden}-{hidden}-10 sigmoid/softmax, cross entropy, Adam, batch {BATCH_SIZE}, "
        f"{n:,} training images{stand_in}, each network trained to its best validation accuracy "
        f"(patience {patience}, at most {max_epochs} epochs), mean of {seeds} seeds, backend {ctx.backend.name}",
        ["", "slide (MNIST)", "epochs run", "epoch kept", "training accuracy", "validation accuracy",
         "test accuracy", f"noisy test accuracy (sd {NOISE_SD:g})", "test loss", "seconds"],
        [[name, None, listed(rows, "ran"), listed(rows, "best"), mean(rows, "train"), mean(rows, "val"),
          mean(rows, "clean"), mean(rows, "noisy"), mean(rows, "loss"), float(sum(r["seconds"] for r in rows))]
         for name, rows in runs.items()],
        note=f"Epochs per seed. Accuracies of the kept (best-validation) weights, measured with the test-time "
             f"network (no units dropped); validation: the last {n_val} of the training images, the one thing "
             f"the training looks at besides its own images; test: {n_test} images never looked at before "
             f"the end; test loss: the mean cross entropy on the clean test images (shown, not judged: the "
             f"lecture's \"Let's try it\" slides report test accuracy, and so do the verdicts). Seconds: all "
             f"seeds together. The slide shows its MNIST result as a figure; no number of it survives in the "
             f"transcript (—).")
    capped = {name: sum(r["capped"] for r in rows) for name, rows in runs.items()}
    if any(capped.values()):
        ctx.note(f"{n:,} training images: " + "; ".join(f"{name}: {c} of {seeds} seeds reached the {max_epochs}-"
                                                        f"epoch limit still improving" for name, c in capped.items()
                                                        if c) + " (their numbers may understate them).")
    label = f"{n:,} training images{stand_in}"
    for key, what in (("clean", "test images"), ("noisy", f"noisy test images (Gaussian noise, sd {NOISE_SD:g})")):
        a, b = ([float(np.mean(r[key])) for r in runs[name]] for name, _ in NETS)
        per_image = [np.mean([r[key] for r in runs[name]], axis=0) for name, _ in NETS]
        noise = combined_noise(seed_noise(a, b), paired_noise(*per_image))
        verdict(ctx, where, f"dropout is for good results on testing data: with dropout(0.8) the accuracy on the "
                            f"{what} is higher ({label}, each network at its best validation epoch)", None,
                {name: float(np.mean(v)) for (name, _), v in zip(NETS, (a, b))}, noise, winner="dropout(0.8)")


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


def plot_training(ctx, first, sizes):
    """Training and validation accuracy per epoch of the first seed, one panel per training size."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(sizes), figsize=(6 * len(sizes), 4.5), squeeze=False)
    colors = {"no dropout": "tab:blue", "dropout(0.8)": "tab:orange"}
    for ax, (size, n) in zip(axes[0], sizes.items()):
        for name, _ in NETS:
            _, h, best = first[(size, name)]
            ep = np.arange(1, len(h["accuracy"]) + 1)
            ax.plot(ep, h["accuracy"], color=colors[name], lw=0.8, label=f"{name}: training")
            ax.plot(ep, h["val_accuracy"], color=colors[name], ls="--", lw=0.8, label=f"{name}: validation")
            ax.axvline(best, color=colors[name], ls=":", lw=1.2, label=f"{name}: epoch kept ({best})")
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_ylim(0.6, 1.01)             # the first epochs' climb from 0.1 is cut off: the plateaus matter
        ax.set_title(f"{n:,} training images", fontsize=10)
        ax.legend(fontsize=7, loc="lower right")
        ax.grid(alpha=0.3)
    fig.suptitle("The slide's 500-500 sigmoid network on digits, with and without dropout(0.8) (first seed)",
                 fontsize=10)
    ctx.figure(fig, "dropout_accuracy.png",
               "Training accuracy (the test-time network, with the weights at the end of each epoch) and "
               "validation accuracy per epoch, with and without the slide's two dropout(0.8) layers, each "
               "trained until its validation accuracy stopped improving; the dotted lines mark the epoch whose "
               "weights are kept.")


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
