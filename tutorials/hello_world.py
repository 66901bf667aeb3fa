r"""The "Hello World" of deep learning in Keras, on digits: square error vs cross entropy, mini-batch vs full batch.

Reruns lecture I ("Keras") and the first experiments of lecture II ("Tips for
Training DNN") of the Deep Learning Tutorial (``003_ec86197519796290.txt``):

* 003 "Keras": ``model = Sequential()``; ``Dense(input_dim=28*28, output_dim=500)``,
  ``Activation('sigmoid')``, ``Dense(output_dim=500)``, ``Activation('sigmoid')``,
  ``Dense(output_dim=10)``, ``Activation('softmax')``;
  ``model.compile(loss='mse', optimizer=SGD(lr=0.1), metrics=['accuracy'])``;
  ``model.fit(x_train, y_train, batch_size=100, nb_epoch=20)``;
  ``score = model.evaluate(x_test, y_test)``;
* 003 "Choosing Proper Loss" / "Let's try it": testing accuracy, square error 0.11 vs
  cross entropy 0.84 ("When using softmax output layer, choose cross entropy");
* 003 "Mini-batch is Better!": mini-batch 0.84 vs no batch 0.12, for the same number
  of epochs ("If there are 20 batches, update 20 times in one epoch").

The model is built with :mod:`reference.keras` exactly as the slide writes it, but
with 64 inputs instead of 28×28. Data: scikit-learn's 8×8 digits
(``reference.data.load_digits``: 1,347 training and 450 test images, a stratified split
drawn from the seed), not MNIST, which the project does not ship. What training
costs is counted in *updates*, not epochs: MNIST's 60,000 images make 600 updates per
epoch at ``batch_size=100``, 12,000 in the slide's 20 epochs; the digits make 14 per
epoch, so this tutorial runs 300 epochs, 4,200 updates: about a third of the slide's,
not the same number, but enough to show the slides' shapes. The full-batch run ("no
batch") has the same 300 epochs, hence 300 updates.

Hidden width: the slide's 500 hidden units (``HIDDEN``), so the network is the slide's
own 64-500-500-10; each of the three runs is 4,200 updates of about 3 ms on the cpu
backend (about 4 ms on the reference; see ``benchmarks/RESULTS.md``). ``--quick``: 32
hidden units, 10 epochs — a smoke test, whose numbers say nothing about the slides.

All models start from the same weights (one seed), so each comparison changes one
thing. The test accuracy per epoch (the figure) is measured on the test images only to
draw the curve; nothing is chosen with it.

Concept: data.digits, loss.cross_entropy, loss.mse, batch.minibatch, optim.sgd, model.softmax

Run: ``python -m tutorials.hello_world [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference import data
from reference.keras import SGD, Activation, Dense, Sequential

from ._common import accuracy_noise, fit, pyplot, slide, tutorial_main, verdict

HIDDEN = 500                # the slide's
EPOCHS = 300                # 14 updates per epoch on the digits: 4,200 updates
BATCH_SIZE = 100            # the slide's
#: The slide's MNIST: 60,000 training images, batch 100, 20 epochs.
SLIDE_N, SLIDE_EPOCHS = 60_000, 20


def hello_world(B, seed, hidden, loss):
    """The slide's model, the slide's compile: only ``loss`` changes."""
    model = Sequential(backend=B, seed=seed)
    model.add(Dense(input_dim=64, output_dim=hidden))      # the slide: input_dim=28*28, output_dim=500
    model.add(Activation('sigmoid'))
    model.add(Dense(output_dim=hidden))
    model.add(Activation('sigmoid'))
    model.add(Dense(output_dim=10))
    model.add(Activation('softmax'))
    model.compile(loss=loss, optimizer=SGD(lr=0.1), metrics=['accuracy'])
    return model


def run(ctx):
    B = ctx.backend
    (x_train, labels_train), (x_test, labels_test) = data.load_digits(seed=ctx.seed, dtype=np.float32)
    if ctx.simulated:                                          # the CUDA simulator: a smoke test
        x_train, labels_train, x_test, labels_test = x_train[:20], labels_train[:20], x_test[:20], labels_test[:20]
    y_train = data.onehot(labels_train, 10, dtype=np.float32)   # 1-of-N targets, as Keras 1 wanted
    y_test = data.onehot(labels_test, 10, dtype=np.float32)
    n = x_train.shape[0]
    hidden = ctx.sized(HIDDEN, 32, sim=8)
    epochs = ctx.sized(EPOCHS, 10, sim=1)
    ctx.log(f"digits: {n} training, {x_test.shape[0]} test images of 64 pixels; "
            f"64-{hidden}-{hidden}-10 sigmoid/softmax, {epochs} epochs")

    per_epoch = -(-n // BATCH_SIZE)
    ctx.table("Updates: the slide's MNIST run vs this run",
              ["", "training images", "batch_size", "updates per epoch", "epochs", "updates"],
              [[f"{slide('003-I', 'Keras')} (MNIST)", SLIDE_N, BATCH_SIZE, SLIDE_N // BATCH_SIZE, SLIDE_EPOCHS,
                SLIDE_N // BATCH_SIZE * SLIDE_EPOCHS],
               ["this run, mini-batch (digits)", n, BATCH_SIZE, per_epoch, epochs, per_epoch * epochs],
               ["this run, full batch (digits)", n, n, 1, epochs, epochs]])

    runs = {}
    for name, loss, batch_size in (("square error", "mse", BATCH_SIZE),
                                   ("cross entropy", "categorical_crossentropy", BATCH_SIZE),
                                   ("no batch (full batch)", "categorical_crossentropy", n)):
        model = hello_world(B, ctx.seed, hidden, loss)
        history, seconds = fit(ctx, model, x_train, y_train, epochs=epochs, batch_size=batch_size,
                               desc=name, validation_data=(x_test, y_test))
        score = model.evaluate(x_test, y_test, verbose=0)
        runs[name] = dict(history=history, seconds=seconds, test_loss=score[0], test_acc=score[1],
                          updates=epochs * -(-n // batch_size), loss=loss, batch_size=batch_size)
    n_test = x_test.shape[0]

    # ---- square error vs cross entropy ------------------------------------------------------
    se, ce, fb = runs["square error"], runs["cross entropy"], runs["no batch (full batch)"]
    rows = [[name, f"loss='{r['loss']}'", printed, r["test_acc"], r["history"]["accuracy"][-1],
             r["test_loss"], r["seconds"]]
            for (name, r), printed in zip((("square error", se), ("cross entropy", ce)), (0.11, 0.84))]
    where = slide("003-II", "Choosing Proper Loss", "Let's try it")
    ctx.table(f"{where}: testing accuracy, batch_size={BATCH_SIZE}, {epochs} epochs "
              f"({se['updates']:,} updates), backend {B.name}",
              ["", "compile", "slide (MNIST)", "this run: test accuracy", "training accuracy",
               "test loss", "seconds"], rows)
    verdict(ctx, where, "with a softmax output, cross entropy reaches a higher test accuracy than square error",
            {"square error": 0.11, "cross entropy": 0.84},
            {"square error": se["test_acc"], "cross entropy": ce["test_acc"]},
            accuracy_noise([se["test_acc"], ce["test_acc"]], n_test))

    # ---- mini-batch vs no batch --------------------------------------------------------------
    rows = [[name, r["batch_size"], r["updates"], printed, r["test_acc"], r["history"]["accuracy"][-1],
             r["seconds"]]
            for (name, r), printed in zip((("mini-batch", ce), ("no batch (full batch)", fb)), (0.84, 0.12))]
    where = slide("003-II", "Mini-batch is Better!")
    ctx.table(f"{where}: testing accuracy after the same {epochs} epochs, cross entropy",
              ["", "batch_size", "updates", "slide (MNIST)", "this run: test accuracy", "training accuracy",
               "seconds"], rows,
              note="One epoch costs about the same arithmetic either way; the mini-batches make "
                   f"{per_epoch} updates of it, the full batch one.")
    verdict(ctx, where, "after the same epochs, mini-batches reach a higher test accuracy than the full batch",
            {"mini-batch": 0.84, "no batch": 0.12},
            {"mini-batch": ce["test_acc"], "no batch": fb["test_acc"]},
            accuracy_noise([ce["test_acc"], fb["test_acc"]], n_test))
    plot(ctx, runs, n, epochs, hidden)


def plot(ctx, runs, n, epochs, hidden):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.4), layout="constrained")
    colors = {"square error": "tab:red", "cross entropy": "tab:blue", "no batch (full batch)": "tab:gray"}
    for name, r in runs.items():
        h = r["history"]
        ep = np.arange(1, len(h["val_accuracy"]) + 1)
        per_epoch = r["updates"] // epochs
        axes[0].plot(ep, h["val_accuracy"], color=colors[name], label=f"{name} (batch {r['batch_size']})")
        axes[1].plot(ep * per_epoch, h["val_accuracy"], color=colors[name], label=name)
        axes[2].plot(ep, h["loss"], color=colors[name], label=f"{name}: loss='{r['loss']}'")
    # The slide's numbers as reference lines, labelled on a right-hand axis of their own, so
    # that neither the curves nor the legend (below the axes) cover a label.
    refs = {0.84: "slide: cross entropy,\nmini-batch 0.84", 0.115: "slide: square error 0.11,\nno batch 0.12"}
    for ax in axes[:2]:
        ax.set_ylim(0, 1)
        for y in (0.84, 0.11, 0.12):
            ax.axhline(y, color="0.55", lw=0.7, ls=":")
    right = axes[0].twinx()
    right.set_ylim(axes[0].get_ylim())
    right.set_yticks(list(refs), list(refs.values()), fontsize=7, color="0.35")
    right.tick_params(length=0)
    right.grid(False)
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("test accuracy")
    axes[0].set_title("test accuracy per epoch", fontsize=10)
    axes[1].set_xscale("log")
    axes[1].set_xlabel("update (log scale)")
    axes[1].set_ylabel("test accuracy")
    axes[1].set_title("the same, per update: the full batch makes 1 per epoch", fontsize=10)
    axes[2].set_yscale("log")
    axes[2].set_xlabel("epoch")
    axes[2].set_ylabel("training loss (each run's own loss)")
    axes[2].set_title("training loss", fontsize=10)
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, frameon=False)
    fig.suptitle(f"{slide('003-I', 'Hello World')} on digits: 64-{hidden}-{hidden}-10, sigmoid, softmax, "
                 "SGD(lr=0.1)", fontsize=11)
    ctx.figure(fig, "hello_world.png",
               "Square error vs cross entropy, and mini-batches of 100 vs the full batch, on the digits: test "
               "accuracy per epoch and per update (dotted: the slide's numbers), and each run's training loss.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
