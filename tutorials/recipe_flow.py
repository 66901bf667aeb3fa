r"""Do not always blame overfitting: a deeper network that is worse on its own training data.

Reruns the recipe slides of the 2025 lecture (``004_6a114cf363ec5596.txt``) and of
lecture II of the Deep Learning Tutorial (``003_ec86197519796290.txt``):

* 004: :math:`y = b + \sum_{i=1}^{H} c_i \max(0, w_{i,1} x_1 + b_i)`, :math:`H = 100`:
  "Training Loss ≈ 71" for the shallow network, "Training Loss ≈ 80" for the deeper one —
  "Optimization Fail!";
* 003 "Recipe of Deep Learning": first "Good Results on Training Data?", only then
  "Good Results on Testing Data?" — different remedies for different problems;
  003 "Do not always blame Overfitting" (the deeper network of "Deep Residual Learning
  for Image Recognition" has the higher error on the *training* data too).

Why a higher training loss is the optimiser's fault and not the model's: a deeper ReLU
network can compute everything a shallower one of the same width computes — the
shallower one's hidden outputs are :math:`\ge 0`, and an extra layer with the identity as
its weights and zero biases passes them on unchanged, since :math:`\max(0, z) = z` for
:math:`z \ge 0`. So its best training loss is at most the shallower one's; if training
finds a higher one, the search failed (optimisation), which overfitting cannot explain
(overfitting is a *low* training loss with a high testing loss).

Here: 100 ReLU units per hidden layer (004's H = 100), 1, 5, 10 and 20 hidden layers,
built with :mod:`reference.keras` (Keras's default initialisation: Glorot uniform, zero
biases), softmax, cross entropy, ``SGD(lr=0.1)``, ``batch_size=100``, 100 epochs, the same
seed for every network. Data: scikit-learn's 8×8 digits (``reference.data.load_digits``),
not 004's channel views (the lecture's own data are not public): the loss is the cross
entropy, not 004's MSE in views, so only the shape compares — which network has the
higher training loss. ``--quick``: 32 units, 1 and 20 hidden layers, 10 epochs.

Concept: recipe.flow, generalize.overfit, act.relu

Run: ``python -m tutorials.recipe_flow [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference import training
from reference.keras import SGD, Activation, Dense, Sequential

from ._common import digits, fit, paired_noise, pyplot, slide, tutorial_main, verdict

H = 100                     # 004: H = 100
DEPTHS = (1, 5, 10, 20)     # hidden layers
EPOCHS = 100
BATCH_SIZE = 100
#: 004's two training losses (the lecture's own task, MSE on views): shallow, deeper.
SLIDE = {"shallow": 71, "deeper": 80}


def build(B, seed, hidden_layers, units):
    model = Sequential(backend=B, seed=seed)
    model.add(Dense(input_dim=64, output_dim=units))
    model.add(Activation('relu'))
    for _ in range(hidden_layers - 1):
        model.add(Dense(output_dim=units))
        model.add(Activation('relu'))
    model.add(Dense(output_dim=10))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1), metrics=['accuracy'])
    return model


def run(ctx):
    B = ctx.backend
    x_train, y_train, x_test, y_test = digits(ctx)           # float32, one-hot targets
    units = ctx.sized(H, 32, sim=4)
    depths = ctx.sized(DEPTHS, (1, 20), sim=(1, 3))
    epochs = ctx.sized(EPOCHS, 10, sim=1)

    runs = {}
    for depth in depths:
        model = build(B, ctx.seed, depth, units)
        history, seconds = fit(ctx, model, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE,
                               desc=f"{depth} hidden layer{'s' if depth > 1 else ''}",
                               validation_data=(x_test, y_test))
        train_loss, train_acc = model.evaluate(x_train, y_train, verbose=0)
        test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
        p = np.clip(np.asarray(model.predict(x_train), dtype=np.float64), 1e-12, 1.0)
        per_example = -(np.asarray(y_train, dtype=np.float64) * np.log(p)).sum(axis=1)   # each image's loss
        runs[depth] = dict(history=history, train_loss=train_loss, per_example=per_example, test_loss=test_loss, train_acc=train_acc,
                           test_acc=test_acc, params=model.count_params(), seconds=seconds)

    shallow, deep = depths[0], depths[-1]
    rows = []
    for depth, r in runs.items():
        on_slide = SLIDE["shallow"] if depth == shallow else SLIDE["deeper"] if depth == deep else None
        rows.append([f"{depth} × {units}", r["params"], on_slide, r["train_loss"], r["test_loss"],
                     r["train_acc"], r["test_acc"], recipe(runs, depth), r["seconds"]])
    ctx.table(f"{slide('004', 'Optimization Fail!')}: training loss, ReLU, {units} units per hidden layer, {epochs} epochs, "
              f"backend {B.name}",
              ["hidden layers × units", "parameters", "slide: training loss (MSE, views)",
               "this run: training loss (cross entropy)", "testing loss", "training accuracy",
               "testing accuracy", "the recipe, against the shallower networks", "seconds"], rows,
              note="The slide's two numbers are an MSE on the 2025 lecture's channel views; this run's are cross entropies on "
                   "the digits: compare which network is worse on its training data, not the values.")

    s, d = runs[shallow], runs[deep]
    verdict(ctx, slide("004", "Optimization Fail!"), "the shallower network reaches the lower training loss",
            {f"{shallow} hidden layer (shallow)": SLIDE["shallow"], f"{deep} hidden layers (deeper)": SLIDE["deeper"]},
            {f"{shallow} hidden layer (shallow)": s["train_loss"], f"{deep} hidden layers (deeper)": d["train_loss"]},
            paired_noise(s["per_example"], d["per_example"]), higher_is_better=False)
    if d["train_loss"] > s["train_loss"]:
        ctx.note(f"Diagnosis by the recipe ({slide('003-II', 'Recipe of Deep Learning')}): the {deep}-layer network is worse on its *training* data "
                 f"({d['train_loss']:.3g} vs {s['train_loss']:.3g}) although it could compute everything the "
                 f"{shallow}-layer one does; its testing loss ({d['test_loss']:.3g}) is "
                 f"{'higher' if d['test_loss'] > s['test_loss'] else 'not higher'} than the shallow one's "
                 f"({s['test_loss']:.3g}). Overfitting cannot explain a high training loss: this is an "
                 "optimisation failure (remedies: a new activation, an adaptive learning rate, …).")
    else:
        ctx.note(f"This run did not show an optimisation failure: the {deep}-layer network reached a training loss "
                 f"of {d['train_loss']:.3g}, the {shallow}-layer one {s['train_loss']:.3g}.")
    plot(ctx, runs, units, epochs)


def recipe(runs, depth):
    """The Deep Learning Tutorial's "Recipe of Deep Learning" for one network, compared with the shallower ones of the run.

    Good results on training data? If a shallower network reached a lower training loss,
    no: the optimisation failed. Good results on testing data? If the training loss is
    lower but a shallower network has a lower testing loss, no: overfitting.
    """
    shallower = [r for d, r in runs.items() if d < depth]
    if not shallower:
        return "the baseline"
    r = runs[depth]
    step = training.recipe(good_on_training=r["train_loss"] <= min(s["train_loss"] for s in shallower),
                           good_on_testing=r["test_loss"] <= min(s["test_loss"] for s in shallower))
    return {"training": "worse on training data: optimisation",
            "testing": "better on training, worse on testing: overfitting",
            "done": "better on both"}[step]


def plot(ctx, runs, units, epochs):
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.6))
    ax = axes[0]
    for depth, r in runs.items():
        h = r["history"]
        ep = np.arange(1, len(h["loss"]) + 1)
        line, = ax.plot(ep, h["loss"], label=f"{depth} hidden: training")
        ax.plot(ep, h["val_loss"], "--", color=line.get_color(), lw=0.8, label=f"{depth} hidden: testing")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross entropy")
    ax.set_title("loss per epoch (solid: training, mean over the epoch's batches; dashed: testing)", fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)

    ax = axes[1]
    depths = list(runs)
    pos = np.arange(len(depths))
    ax.bar(pos - 0.2, [runs[d]["train_loss"] for d in depths], 0.4, label="training loss")
    ax.bar(pos + 0.2, [runs[d]["test_loss"] for d in depths], 0.4, label="testing loss")
    ax.set_xticks(pos, [f"{d} × {units}" for d in depths])
    ax.set_xlabel("hidden layers × units")
    ax.set_ylabel(f"cross entropy after {epochs} epochs")
    ax.set_title("good results on training data? then on testing data?", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.suptitle(f"{slide('004', 'Optimization Fail!')}; {slide('003-II', 'Do not always blame Overfitting')}: "
                 "deeper ReLU networks on digits", fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, "recipe_flow.png",
               "Training and testing loss of ReLU networks of growing depth: a deeper network that is worse on its "
               "own training data failed to optimise; it did not overfit.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
