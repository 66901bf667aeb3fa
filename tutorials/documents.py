r"""Document classification: a bag of 1,000 words into 46 topics, Adam with and without dropout.

Reruns the last experiment of lecture II of the Deep Learning Tutorial
(``003_ec86197519796290.txt``): "Let's try another task" / "Document Classification"
(Reuters newswires as 1,000-dimensional bags of words, ``x_train.shape`` (8982, 1000),
``y_train.shape`` (8982, 46)), and the results table after "Dropout" (accuracy: Adam 0.77,
+ dropout 0.79).

Data, said plainly: **SYNTHETIC, not Reuters.** The Reuters set does not ship, so
``reference.data.synthetic_documents(rng)`` draws a stand-in of the same shape: 8,982
training and 2,246 test documents, 46 topics with a few large ones and a long tail, word
indices ranked by frequency (Zipf's law), each topic with its own words, documents of
about 145 words (its docstring gives the whole generative model). The word-index
sequences go through Keras's own preprocessing, as the Keras Reuters example does:
``Tokenizer(nb_words=1000).sequences_to_matrix(x, mode='binary')`` (1 where a word of the
999 most frequent occurs; column 0 is the padding index) and ``to_categorical`` targets.
The numbers are this model's, not Reuters's: the table compares the *shape* — whether
dropout changes the test accuracy of the same network, and by how much against the noise.

The model, in :mod:`reference.keras`: ``Dense(512, input_shape=(1000,))``,
``Activation('relu')``, [``Dropout(0.5)``], ``Dense(46)``, ``Activation('softmax')``,
``compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])``,
``fit(batch_size=32)`` (the Keras example's settings; the slide does not print them).
Both runs start from the same weights (one seed), so the only difference is the layer.
``--quick``: 600 documents, 32 hidden units, 2 epochs — a smoke test.

Concept: data.onehot, regularize.dropout, optim.adam, model.softmax, loss.cross_entropy

Run: ``python -m tutorials.documents [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference import data
from reference.keras import Activation, Adam, Dense, Dropout, Sequential
from reference.keras.preprocessing.text import Tokenizer

from ._common import accuracy_noise, fit, pyplot, slide, tutorial_main, verdict

SLIDE = {"Adam": 0.77, "+ dropout": 0.79}      # 003 "Dropout" (after "Document Classification"): accuracy
MAX_WORDS = 1000                                # the slide's 1,000-d input
EPOCHS = 8
BATCH_SIZE = 32


def build(B, seed, hidden, n_topics, rate):
    """The Keras Reuters example's network; ``rate=None`` leaves Dropout out."""
    model = Sequential(backend=B, seed=seed)
    model.add(Dense(hidden, input_shape=(MAX_WORDS,)))
    model.add(Activation('relu'))
    if rate is not None:
        model.add(Dropout(rate))
    model.add(Dense(n_topics))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=Adam(), metrics=['accuracy'])
    return model


def run(ctx):
    B = ctx.backend
    shape = data.REUTERS_SHAPE
    n_train = ctx.sized(shape["train"], 480, sim=20)
    n_test = ctx.sized(shape["test"], 120, sim=20)
    sequences, labels = data.synthetic_documents(np.random.default_rng([ctx.seed, 46]), n_train + n_test)
    x_seq, y_lab = sequences[:n_train], labels[:n_train]
    t_seq, t_lab = sequences[n_train:], labels[n_train:]
    tokenizer = Tokenizer(nb_words=MAX_WORDS)
    x_train = tokenizer.sequences_to_matrix(x_seq, mode='binary').astype(np.float32)
    x_test = tokenizer.sequences_to_matrix(t_seq, mode='binary').astype(np.float32)
    K = shape["topics"]
    y_train, y_test = data.onehot(y_lab, K, dtype=np.float32), data.onehot(t_lab, K, dtype=np.float32)
    lengths = np.array([len(s) for s in sequences])
    kept = x_train.sum(axis=1)
    ctx.table(
        f"The data: SYNTHETIC documents of the shape of the slide's Reuters ({slide('003-II', 'Document Classification')})",
        ["", "slide (Reuters)", "this run (synthetic)"],
        [["x_train.shape", "(8982, 1000)", str(x_train.shape)], ["y_train.shape", "(8982, 46)", str(y_train.shape)],
         ["x_test.shape", "(2246, 1000)", str(x_test.shape)],
         ["words per document (mean)", None, float(lengths.mean())],
         ["distinct of the 999 most frequent words per document (mean)", None, float(kept.mean())],
         ["largest topic's share of the training set", None, float(np.bincount(y_lab, minlength=K).max() / n_train)]],
        note="mode='binary': a 1 for every word of the 999 most frequent that occurs at least once.")

    hidden = ctx.sized(512, 32, sim=4)
    epochs = ctx.sized(EPOCHS, 2, sim=1)
    runs = {}
    for name, rate in (("Adam", None), ("+ dropout", 0.5)):
        model = build(B, ctx.seed, hidden, K, rate)
        history, seconds = fit(ctx, model, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, desc=name,
                               validation_data=(x_test, y_test), steps=epochs)
        loss, acc = model.evaluate(x_test, y_test, verbose=0)
        runs[name] = dict(history=history, seconds=seconds, test_acc=float(acc), test_loss=float(loss))
    where = slide("003-II", "Dropout", "accuracy table after Document Classification")
    ctx.table(
        f"{where}: test accuracy, 1000-{hidden}-46 ReLU/softmax, Adam, batch {BATCH_SIZE}, {epochs} epochs, "
        f"backend {B.name}",
        ["", "slide (Reuters)", "this run: test accuracy", "training accuracy (last epoch, with dropout on)",
         "test loss", "seconds"],
        [[name, SLIDE[name], r["test_acc"], r["history"]["accuracy"][-1], r["test_loss"], r["seconds"]]
         for name, r in runs.items()],
        note="Synthetic documents: shape, not value. The test accuracy per epoch (the figure) is watched, "
             "never used to choose anything; the number of epochs is fixed in advance.")
    verdict(ctx, where, "adding dropout raises the test accuracy of the Adam-trained network", SLIDE,
            {name: r["test_acc"] for name, r in runs.items()},
            accuracy_noise([r["test_acc"] for r in runs.values()], x_test.shape[0]))
    plot(ctx, runs)


def plot(ctx, runs):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {"Adam": "tab:blue", "+ dropout": "tab:orange"}
    for name, r in runs.items():
        h = r["history"]
        ep = np.arange(1, len(h["accuracy"]) + 1)
        ax.plot(ep, h["accuracy"], color=colors[name], label=f"{name}: training")
        ax.plot(ep, h["val_accuracy"], color=colors[name], ls="--", label=f"{name}: test")
        ax.axhline(SLIDE[name], color=colors[name], lw=0.8, ls=":", label=f"slide (Reuters): {name} {SLIDE[name]}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_title("SYNTHETIC documents (not Reuters): 1000-d binary bag of words, 46 topics", fontsize=10)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    ctx.figure(fig, "documents_accuracy.png",
               "Training and test accuracy per epoch, with and without Dropout(0.5), beside the slide's "
               "Reuters accuracies (dotted).")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
