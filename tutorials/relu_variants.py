r"""ReLU and its variants — leaky ReLU, parametric ReLU, maxout — on the same digits task.

Reruns lecture II of the Deep Learning Tutorial (``003_ec86197519796290.txt``):

* 003 "ReLU - variant": leaky ReLU, :math:`a = z` for :math:`z > 0`, :math:`a = 0.01 z`
  otherwise; parametric ReLU, :math:`a = \alpha z` for :math:`z \le 0` with ":math:`\alpha`
  also learned by gradient descent";
* 003 "Maxout": "Learnable activation function [Ian J. Goodfellow, ICML'13]" — the
  maximum of each group of 2 (or more) linear units; "ReLU is a special case of Maxout";
  "Activation function in maxout network can be any piecewise linear convex function".

The slides print no accuracies for the variants, so there is no slide column: the table
compares the four activations with each other on one task, and two checks confirm the
slides' claims exactly: a maxout network whose second unit in every group has zero
weights and bias computes the same function as the ReLU network with the first units'
weights ("ReLU is a special case of Maxout"), and a PReLU network with every
:math:`\alpha = 0.01` is the leaky-ReLU network.

Setup: :mod:`reference.keras` networks with 4 hidden layers of 100 units (``Dense`` +
``Activation('relu')`` / ``Activation('leaky_relu')``, ``Dense`` + ``PReLU()`` with
:math:`\alpha` starting at 0.25, or ``Maxout(100, k=2)``, which has twice the weights),
softmax, cross entropy, ``SGD(lr=0.1)``, ``batch_size=100``, 100 epochs, the same seed for
every network. Data: scikit-learn's 8×8 digits (``reference.data.load_digits``).
``--quick``: 32 units, 10 epochs, a smoke test.

Concept: act.relu, act.leaky_relu, act.prelu, act.maxout

Run: ``python -m tutorials.relu_variants [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.keras import SGD, Activation, Dense, Maxout, PReLU, Sequential

from ._common import Noise, accuracy_noise, digits, fit, pyplot, slide, tutorial_main, verdict

UNITS = 100
HIDDEN_LAYERS = 4
EPOCHS = 100
BATCH_SIZE = 100
VARIANTS = ("ReLU", "leaky ReLU", "PReLU", "maxout (k = 2)")


def hidden(variant, units, first):
    """The layers of one hidden layer of ``units`` outputs, as the slide's variant."""
    size = dict(input_dim=64) if first else {}
    if variant == "maxout (k = 2)":
        return [Maxout(units, k=2, **size)]                # a Dense to 2·units, then max of each pair
    dense = Dense(output_dim=units, **size)
    if variant == "PReLU":
        return [dense, PReLU()]
    return [dense, Activation({"ReLU": "relu", "leaky ReLU": "leaky_relu"}[variant])]


def build(B, seed, variant, units, layers=HIDDEN_LAYERS):
    model = Sequential(backend=B, seed=seed)
    for i in range(layers):
        for layer in hidden(variant, units, first=(i == 0)):
            model.add(layer)
    model.add(Dense(output_dim=10))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1), metrics=['accuracy'])
    return model


def run(ctx):
    B = ctx.backend
    x_train, y_train, x_test, y_test = digits(ctx)           # float32, one-hot targets
    units = ctx.sized(UNITS, 32, sim=4)
    epochs = ctx.sized(EPOCHS, 10, sim=1)

    special_cases(ctx, B, units, x_test)

    runs = {}
    for variant in VARIANTS:
        model = build(B, ctx.seed, variant, units)
        alphas0 = prelu_alphas(model)
        history, seconds = fit(ctx, model, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, desc=variant,
                               validation_data=(x_test, y_test))
        train_loss, train_acc = model.evaluate(x_train, y_train, verbose=0)
        test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
        runs[variant] = dict(history=history, train_loss=train_loss, train_acc=train_acc, test_acc=test_acc,
                             test_loss=test_loss, params=model.count_params(),
                             seconds=seconds, alphas0=alphas0, alphas=prelu_alphas(model))

    rows = [[v, r["params"], r["train_loss"], r["train_acc"], r["test_loss"], r["test_acc"],
             r["seconds"]] for v, r in runs.items()]
    ctx.table(f"{slide('003-II', 'ReLU - variant', 'Maxout')}: {HIDDEN_LAYERS} hidden layers of {units}, {epochs} epochs, "
              f"backend {B.name} (the slides print no numbers)",
              ["activation", "parameters", "training loss", "training accuracy", "testing loss",
               "testing accuracy", "seconds"], rows)
    acc = {v: r["test_acc"] for v, r in runs.items()}
    best = max(acc, key=acc.get)
    noise = accuracy_noise(list(acc.values()), x_test.shape[0]).value
    close = [v for v in acc if acc[best] - acc[v] <= noise]
    ctx.note(f"Best testing accuracy: {best} ({acc[best]:.3f}). Within two standard errors of it "
             f"({noise:.3f} on {x_test.shape[0]} test images): {', '.join(close)} — "
             + ("on this task the variants are indistinguishable." if len(close) == len(acc)
                else "the others are measurably behind."))
    p = runs["PReLU"]
    means = ", ".join(f"{np.mean(a):.3f} (range {np.min(a):.3f} … {np.max(a):.3f})" for a in p["alphas"])
    ctx.note(f"PReLU's slopes α started at {np.mean(p['alphas0'][0]):.2f}; after training, per hidden layer: "
             f"{means}.")
    plot(ctx, runs, units, epochs)


def prelu_alphas(model):
    """Every PReLU layer's slopes α (one per unit)."""
    return [np.array(layer.get_weights()[0]) for layer in model.layers if isinstance(layer, PReLU)]


def special_cases(ctx, B, units, x):
    """003's claims, checked exactly: ReLU is maxout with a zero unit; leaky ReLU is PReLU with α = 0.01."""
    relu = build(B, ctx.seed, "ReLU", units, layers=2)
    maxout = build(B, ctx.seed, "maxout (k = 2)", units, layers=2)
    weights = relu.get_weights()                           # [kernel1, bias1, kernel2, bias2, kernel3, bias3]
    for i, layer in enumerate(m for m in maxout.layers if isinstance(m, Maxout)):
        kernel, bias = weights[2 * i], weights[2 * i + 1]
        k2 = np.zeros((kernel.shape[0], 2 * units), dtype=kernel.dtype)
        b2 = np.zeros(2 * units, dtype=bias.dtype)
        k2[:, 0::2], b2[0::2] = kernel, bias               # unit 1 of each group: the ReLU unit's weights
        layer.set_weights([k2, b2])                         # unit 2: weights 0, bias 0, so z2 = 0 always
    maxout.layers[-2].set_weights(weights[-2:])
    d_max = float(np.abs(maxout.predict(x) - relu.predict(x)).max())

    leaky = build(B, ctx.seed, "leaky ReLU", units, layers=2)
    prelu = build(B, ctx.seed, "PReLU", units, layers=2)
    dense_p = [layer for layer in prelu.layers if isinstance(layer, Dense)]
    dense_l = [layer for layer in leaky.layers if isinstance(layer, Dense)]
    for to, source in zip(dense_p, dense_l):
        to.set_weights(source.get_weights())
    for layer in prelu.layers:
        if isinstance(layer, PReLU):
            layer.set_weights([np.full_like(layer.get_weights()[0], 0.01)])
    d_prelu = float(np.abs(prelu.predict(x) - leaky.predict(x)).max())
    ctx.table(f"{slide('003-II', 'ReLU - variant', 'Maxout')}: the claims, checked on the test images "
              "(2 hidden layers, the same weights)",
              ["claim", "max |difference| of the predictions"],
              [["ReLU is a special case of maxout (second unit of each group: weights 0, bias 0)", d_max],
               ["leaky ReLU is PReLU with every α = 0.01", d_prelu]],
              note="The models compute in float32 (Keras's default), whose rounding is about 6e-8 of a value: "
                   "differences of that size are the order of the sums, not the functions.")
    # float32 rounding: each output is a softmax of sums of at most n products per layer; n unit
    # roundoffs (2⁻²⁴ each) per sum, on either model, bound what two orders of summation can change.
    n = max(x.shape[1], units)
    rounding = Noise(2 * n * 2.0 ** -24, f"float32 rounding of sums of up to {n} products (2 × {n} × 2⁻²⁴)")
    for claim, d in (("ReLU is maxout whose second unit has weights 0 and bias 0", d_max),
                     ("leaky ReLU is PReLU with every α = 0.01", d_prelu)):
        verdict(ctx, slide("003-II", "ReLU - variant", "Maxout"), claim + " (the predictions' largest difference)",
                {"max |difference|": 0.0}, {"max |difference|": d}, rounding, kind="value")


def plot(ctx, runs, units, epochs):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.6))
    for v, r in runs.items():
        h = r["history"]
        ep = np.arange(1, len(h["loss"]) + 1)
        axes[0].plot(ep, h["loss"], label=v)
        axes[1].plot(ep, h["val_accuracy"], label=f"{v}: {r['test_acc']:.3f}")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("training loss (cross entropy)")
    axes[0].set_title("training loss", fontsize=10)
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("testing accuracy")
    axes[1].set_title("testing accuracy per epoch", fontsize=10)
    ax = axes[2]
    alphas = runs["PReLU"]["alphas"]
    for i, a in enumerate(alphas):
        ax.hist(a, bins=30, alpha=0.6, label=f"layer {i + 1}")
    ax.axvline(float(np.mean(runs["PReLU"]["alphas0"][0])), color="k", ls=":", label="start")
    ax.axvline(0.01, color="tab:red", ls="--", lw=0.8, label="leaky ReLU's 0.01")
    ax.set_xlabel("α")
    ax.set_ylabel("units")
    ax.set_title(f"PReLU: the slopes α learned by gradient descent ({epochs} epochs)", fontsize=10)
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"{slide('003-II', 'ReLU - variant', 'Maxout')} on digits: {HIDDEN_LAYERS} hidden layers of {units}, "
                 "SGD(lr=0.1), batch 100", fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, "relu_variants.png",
               "ReLU, leaky ReLU, PReLU and maxout on the same task: training loss, testing accuracy, and the "
               "slopes PReLU learned.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
