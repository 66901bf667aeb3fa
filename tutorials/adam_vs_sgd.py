r"""Original 0.96 vs Adam 0.97: the 3-layer ReLU network trained with SGD and with Adam, and every optimiser's loss.

Reruns lecture II of the Deep Learning Tutorial (``003_ec86197519796290.txt``):

* 003 "Adam": "RMSProp (Advanced Adagrad) + Momentum"; the slide swaps
  ``model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1), metrics=['accuracy'])``
  for ``model.compile(loss='categorical_crossentropy', optimizer=Adam(), metrics=['accuracy'])``;
* 003 "Let's try it" (ReLU, 3 layers): testing accuracy, original 0.96, Adam 0.97;
* 003 "Not the whole story ....." (Adagrad, RMSprop, Adadelta, Adam, Nadam) and
  "Momentum": the same network with each of them, their training loss per epoch on one
  figure.

The model is the hello world of 003 "Keras" (``tutorials.hello_world``) with
``Activation('relu')`` in place of the sigmoids, as on the "ReLU" slide: "3 layers" is
two hidden layers and the softmax layer. It is written with :mod:`reference.keras`
exactly as the slide writes it, ``optimizer=SGD(lr=0.1)`` or ``optimizer=Adam()``; the
other optimisers are the Keras objects with Keras 1's defaults (``Adagrad()``,
``RMSprop()``, ``Adadelta()``, ``Nadam()``), and momentum is
``SGD(lr=0.01, momentum=0.9)`` (with and without ``nesterov=True``), whose steps on a
steady gradient are as long as ``SGD(lr=0.1)``'s. Every model starts from the same
weights (one seed) and sees the mini-batches in the same order, so only the optimiser
changes. ``batch_size=100``, cross entropy.

Data: scikit-learn's 8×8 digits (``reference.data.load_digits``: 1,347 training and 450
test images), not MNIST. 100 hidden units per layer (the slide's 500 is 25 times the
arithmetic) and 100 epochs, i.e. 1,400 updates (the slide's 20 MNIST epochs are
12,000): enough for every optimiser's training loss to level off, so that what is
compared is where each ends, not how far it got. The accuracy is measured on the 450
test images, as ``model.evaluate`` reports it: with so few, two standard errors of a
difference of two accuracies near 0.96 are about 0.025, more than the slide's gap of
0.01, and the verdict says so. ``--quick``: 32 units, 5 epochs, a smoke test.

Concept: optim.adam, optim.sgd, optim.momentum, optim.adagrad, optim.rmsprop, optim.adadelta,
optim.nadam, act.relu

Run: ``python -m tutorials.adam_vs_sgd [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.keras import SGD, Activation, Adadelta, Adagrad, Adam, Dense, Nadam, RMSprop, Sequential

from ._common import accuracy_noise, digits, fit, pyplot, slide, tutorial_main, verdict

HIDDEN = 100
EPOCHS = 100
BATCH_SIZE = 100            # the slide's
#: The slide's testing accuracies (MNIST).
SLIDE = {"SGD(lr=0.1)": 0.96, "Adam()": 0.97}
#: label -> a function making the Keras optimizer object (a fresh one per model).
OPTIMIZERS = {
    "SGD(lr=0.1)": lambda: SGD(lr=0.1),
    "SGD(lr=0.01, momentum=0.9)": lambda: SGD(lr=0.01, momentum=0.9),
    "SGD(lr=0.01, momentum=0.9, nesterov=True)": lambda: SGD(lr=0.01, momentum=0.9, nesterov=True),
    "Adagrad()": lambda: Adagrad(),
    "RMSprop()": lambda: RMSprop(),
    "Adadelta()": lambda: Adadelta(),
    "Adam()": lambda: Adam(),
    "Nadam()": lambda: Nadam(),
}
COLORS = {"SGD(lr=0.1)": "#000000", "SGD(lr=0.01, momentum=0.9)": "#c0392b",
          "SGD(lr=0.01, momentum=0.9, nesterov=True)": "#e67e22", "Adagrad()": "#2471a3",
          "RMSprop()": "#17a589", "Adadelta()": "#7d3c98", "Adam()": "#1e8449", "Nadam()": "#b7950b"}


def build(B, seed, hidden, optimizer):
    """The slide's 3-layer ReLU network, compiled as the slide compiles it, with ``optimizer``."""
    model = Sequential(backend=B, seed=seed)
    model.add(Dense(input_dim=64, output_dim=hidden))      # the slide: input_dim=28*28, output_dim=500
    model.add(Activation('relu'))
    model.add(Dense(output_dim=hidden))
    model.add(Activation('relu'))
    model.add(Dense(output_dim=10))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=optimizer, metrics=['accuracy'])
    return model


def draw_losses(ax, histories, epochs=None):
    """Training loss per epoch (``history['loss']``), one curve per optimiser, log scale."""
    for label, loss in histories.items():
        ax.semilogy(np.arange(1, len(loss) + 1), loss, "-", lw=1.3, color=COLORS.get(label), label=label)
    ax.set_xlabel("epoch" + (f" ({epochs} epochs, batch_size={BATCH_SIZE})" if epochs else ""))
    ax.set_ylabel("training loss (cross entropy, mean over the epoch's batches)")
    ax.legend(fontsize=7)


def run(ctx):
    B = ctx.backend
    x_train, y_train, x_test, y_test = digits(ctx)           # float32, one-hot targets
    hidden = ctx.sized(HIDDEN, 32, sim=4)
    epochs = ctx.sized(EPOCHS, 5, sim=1)
    n = x_train.shape[0]
    updates = epochs * -(-n // BATCH_SIZE)
    ctx.log(f"digits: {n} training images; 64-{hidden}-{hidden}-10 ReLU/softmax, {epochs} epochs "
            f"({updates:,} updates), {len(OPTIMIZERS)} optimisers")

    runs = {}
    for label, make in OPTIMIZERS.items():
        model = build(B, ctx.seed, hidden, make())
        history, seconds = fit(ctx, model, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, desc=label)
        test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
        runs[label] = dict(history=history, seconds=seconds, test_loss=test_loss, test_acc=test_acc)

    rows = [[label, SLIDE.get(label), r["test_acc"], r["history"]["accuracy"][-1], r["history"]["loss"][-1],
             r["test_loss"], r["seconds"]] for label, r in runs.items()]
    where = slide("003-II", "Adam", "Let's try it")
    ctx.table(f"{where} (ReLU, 3 layers): testing accuracy after {epochs} epochs "
              f"({updates:,} updates, batch_size={BATCH_SIZE}), backend {B.name}",
              ["optimizer=", "slide (MNIST)", "this run: test accuracy", "training accuracy",
               "training loss (last epoch)", "test loss", "seconds"], rows,
              note="The slide compares only SGD(lr=0.1) (\"Original\") and Adam(); the other rows are the "
                   "optimisers of \"Not the whole story .....\" with Keras 1's defaults.")

    sgd, adam = runs["SGD(lr=0.1)"]["test_acc"], runs["Adam()"]["test_acc"]
    noise = accuracy_noise([sgd, adam], x_test.shape[0])
    verdict(ctx, where, "Adam() reaches a higher test accuracy than SGD(lr=0.1)", SLIDE,
            {"SGD(lr=0.1)": sgd, "Adam()": adam}, noise)
    noise = noise.value
    at_least = adam >= sgd - noise
    ctx.note(f"The slide's gap is 0.01; this run's is {adam - sgd:+.3f} (Adam minus SGD), and two standard errors "
             f"of a difference measured on {x_test.shape[0]} test images are {noise:.3f}"
             + (", so a gap of 0.01 could not be resolved here either way. " if noise > 0.01 else ". ")
             + ("Adam is at least as good as SGD(lr=0.1) within that noise."
                if at_least else "Adam is worse than SGD(lr=0.1) by more than that noise: NOT as on the slide."))
    first = {label: r["history"]["loss"][0] for label, r in runs.items()}
    last = {label: r["history"]["loss"][-1] for label, r in runs.items()}
    order = sorted(last, key=last.get)
    ctx.note("Training loss after the last epoch, lowest first: "
             + ", ".join(f"{label} {last[label]:.3g}" for label in order)
             + f". After the first epoch Adam's is {first['Adam()']:.3g} and SGD(lr=0.1)'s {first['SGD(lr=0.1)']:.3g}.")

    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(15, 5), gridspec_kw={"width_ratios": [1.5, 1]})
    draw_losses(axes[0], {label: r["history"]["loss"] for label, r in runs.items()}, epochs)
    axes[0].set_title("training loss per epoch, every optimiser from the same start", fontsize=10)
    ax = axes[1]
    labels = list(runs)
    ax.barh(range(len(labels)), [runs[label]["test_acc"] for label in labels],
            color=[COLORS[label] for label in labels])
    for i, label in enumerate(labels):
        acc = runs[label]["test_acc"]
        text = f"{acc:.3f}" + (f"  (slide {SLIDE[label]})" if label in SLIDE else "")
        ax.text(acc - 0.005, i, text, va="center", ha="right", fontsize=8, color="white")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    lo = min(runs[label]["test_acc"] for label in labels)
    ax.set_xlim(max(0.0, lo - 0.15), 1.0)
    ax.set_xlabel(f"test accuracy ({x_test.shape[0]} images)")
    ax.set_title("testing accuracy (the slide: original 0.96, Adam 0.97)", fontsize=10)
    fig.suptitle(f"{slide('003-II', 'Adam', 'Let' + chr(39) + 's try it')} on digits: 64-{hidden}-{hidden}-10, ReLU, softmax, "
                 f"backend {B.name}", fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, "adam_vs_sgd.png",
               "The 3-layer ReLU network trained with each optimiser from the same start: training loss per "
               "epoch, and the test accuracy beside the slide's.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
