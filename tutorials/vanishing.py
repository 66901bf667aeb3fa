r"""Deeper is not easier: 3 vs 9 sigmoid layers, and sigmoid vs ReLU at 9 layers, on digits.

Reruns lecture II of the Deep Learning Tutorial (``003_ec86197519796290.txt``) and the
vanishing-gradient slides of the second course (``001_2b35647283c26347.txt``):

* 003 "Hard to get the power of Deep ..." / "Let's try it": testing accuracy, 3 layers
  0.84 vs 9 layers 0.11;
* 003 "Vanishing Gradient Problem": near the input, "smaller gradients, learn very slow,
  almost random"; near the output, "larger gradients, learn very fast, already
  converge"; "Intuitive way to compute the derivatives": :math:`\partial l/\partial w
  \approx \Delta l / \Delta w`; 001 "Vanishing gradient problem",
  :math:`\partial L/\partial w_{57} = \partial L/\partial y_1 \cdot \partial y_1/\partial n_7
  \cdot \partial n_7/\partial w_{57}` (each sigmoid on the way back multiplies by
  :math:`\sigma' \le 1/4`);
* 003 "ReLU" / "Let's try it" (9 layers): ``Activation('sigmoid')`` → ``Activation('relu')``,
  testing accuracy sigmoid 0.11 vs ReLU 0.96.

The models are the hello world of 003 "Keras" (``tutorials.hello_world``), built with
:mod:`reference.keras`: cross entropy, ``SGD(lr=0.1)``, ``batch_size=100``. Layers are
counted as Dense layers, as the slide's "3 layers" is the hello world itself (two hidden
layers and the softmax layer: its 0.84 is the cross-entropy run's 0.84); "9 layers" is
eight hidden layers and the softmax layer. Only the depth, or only the activation,
changes between two models.

Data: scikit-learn's 8×8 digits (``reference.data.load_digits``), not MNIST; 300 epochs
of 14 updates (see ``tutorials.hello_world`` for why updates, not epochs, are matched),
100 hidden units per layer (the slide's 500 is 25 times the arithmetic).
``--quick``: 32 units, 10 epochs, a smoke test.

The figure's gradient norms are computed on the backend with the primitives, not by
the model: the model's weights (``get_weights``, transposed to one row per unit) go
through ``mlp_forward`` (``output="linear"``), ``softmax_cross_entropy`` on the whole
training set, and ``mlp_backward``; the norm of each layer's :math:`\partial L/\partial W^l`
is drawn at initialisation and after some epochs.

Concept: act.vanishing, act.sigmoid, act.relu, backprop.numeric, backprop.chain

Run: ``python -m tutorials.vanishing [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.gradcheck import numeric_gradient
from reference.keras import SGD, Activation, Dense, Sequential
from reference.training import layer_gradient_norms

from ._common import digits, accuracy_noise, fit, pyplot, slide, tutorial_main, verdict

HIDDEN = 100
EPOCHS = 300
BATCH_SIZE = 100
#: (name, Dense layers, activation, the slide's testing accuracy)
MODELS = (("3 layers, sigmoid", 3, "sigmoid", 0.84),
          ("9 layers, sigmoid", 9, "sigmoid", 0.11),
          ("9 layers, ReLU", 9, "relu", 0.96))
#: Epochs after which the gradient norms are measured (and 0: at initialisation).
MARKS = (1, 3, 10, 30, 100, 300)


def build(B, seed, layers, hidden, activation):
    """``layers`` Dense layers: ``layers - 1`` hidden ones of ``activation``, then softmax."""
    model = Sequential(backend=B, seed=seed)
    model.add(Dense(input_dim=64, output_dim=hidden))
    model.add(Activation(activation))
    for _ in range(layers - 2):
        model.add(Dense(output_dim=hidden))
        model.add(Activation(activation))
    model.add(Dense(output_dim=10))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1), metrics=['accuracy'])
    return model


def mlp_params(model):
    """The model's (W1, b1, ..., WL, bL) in the primitives' layout (W one row per unit)."""
    w = model.get_weights()
    return tuple(p.T if p.ndim == 2 else p for p in w)


def gradient_norms(B, model, x, y, activation):
    """‖∂L/∂W^l‖ for every layer l, L the mean cross entropy on (x, y): mlp_forward/mlp_backward."""
    return layer_gradient_norms(x, y, *mlp_params(model), activation=activation, output="softmax",
                                loss="cross_entropy", backend=B)


def run(ctx):
    B = ctx.backend
    x_train, y_train, x_test, y_test = digits(ctx)           # float32, one-hot targets
    hidden = ctx.sized(HIDDEN, 32, sim=4)
    epochs = ctx.sized(EPOCHS, 10, sim=1)
    marks = tuple(m for m in MARKS if m < epochs) + (epochs,)
    ctx.log(f"digits: {x_train.shape[0]} training images; {hidden} units per hidden layer, {epochs} epochs")

    runs = {}
    for name, layers, activation, slide_acc in MODELS:
        model = build(B, ctx.seed, layers, hidden, activation)
        norms = {0: gradient_norms(B, model, x_train, y_train, activation)}
        if layers == 9 and activation == "sigmoid" and not ctx.simulated:   # minutes on the CUDA simulator
            check_numeric(ctx, B, model, x_train[:200], y_train[:200], activation)

        def measure(m, done, activation=activation, norms=norms):
            norms[done] = gradient_norms(B, m, x_train, y_train, activation)

        history, seconds = fit(ctx, model, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, desc=name,
                               validation_data=(x_test, y_test), marks=marks, callback=measure)
        score = model.evaluate(x_test, y_test, verbose=0)
        runs[name] = dict(layers=layers, activation=activation, slide=slide_acc, history=history, norms=norms,
                          test_acc=score[1], params=model.count_params(), seconds=seconds)

    rows = [[name, r["params"], r["slide"], r["test_acc"], r["history"]["accuracy"][-1], r["history"]["loss"][-1],
             r["norms"][0][0] / r["norms"][0][-1], r["seconds"]] for name, r in runs.items()]
    where = slide("003-II", "Hard to get the power of Deep ...", "Let's try it")
    ctx.table(f"{where}: testing accuracy after {epochs} epochs (batch_size={BATCH_SIZE}, "
              f"cross entropy, SGD(lr=0.1)), backend {B.name}",
              ["model", "parameters", "slide (MNIST)", "this run: test accuracy", "training accuracy",
               "training loss (last epoch)", "‖∂L/∂W¹‖ / ‖∂L/∂W^L‖ at start", "seconds"], rows,
              note="The ratio compares the gradient of the first layer (next to the input) with that of "
                   "the last (the softmax layer) at initialisation: far below 1 is a vanishing gradient.")
    acc = {name: r["test_acc"] for name, r in runs.items()}
    n_test = x_test.shape[0]
    pairs = (("3 layers, sigmoid", "9 layers, sigmoid"), ("9 layers, sigmoid", "9 layers, ReLU"))
    claims = {pairs[0]: "with sigmoid, 3 layers reach a higher test accuracy than 9 (a vanishing gradient)",
              pairs[1]: "with 9 layers, ReLU reaches a higher test accuracy than sigmoid"}
    for a, b in pairs:
        verdict(ctx, where, claims[(a, b)], {a: runs[a]["slide"], b: runs[b]["slide"]}, {a: acc[a], b: acc[b]},
                accuracy_noise([acc[a], acc[b]], n_test))
    plot(ctx, runs, epochs, hidden)


def check_numeric(ctx, B, model, x, y, activation):
    """003 "Intuitive way to compute the derivatives": ∂l/∂w by backprop vs Δl/Δw, first and last layer."""
    params = [np.asarray(p, dtype=np.float64) for p in mlp_params(model)]
    x, y = x.astype(np.float64), y.astype(np.float64)

    def loss(ps):
        z, _ = B.mlp_forward(x, *ps, activation=activation, output="linear")
        return float(B.softmax_cross_entropy(z, y)[0])

    z, cache = B.mlp_forward(x, *params, activation=activation, output="linear")
    grads = B.mlp_backward(B.softmax_cross_entropy(z, y)[1], cache)[1:]
    rows = []
    for l in (0, len(params) // 2 - 1):
        W = params[2 * l]
        i, j = np.unravel_index(np.argmax(np.abs(np.asarray(B.to_host(grads[2 * l])))), W.shape)

        def l_of_w(w, l=l, i=i, j=j):
            ps = list(params)
            ps[2 * l] = params[2 * l].copy()
            ps[2 * l][i, j] = w[0]
            return loss(ps)

        numeric = float(numeric_gradient(l_of_w, np.array([W[i, j]]))[0])
        rows.append([f"layer {l + 1}, w[{i}, {j}] (its largest gradient)",
                     float(np.asarray(B.to_host(grads[2 * l]))[i, j]), numeric])
    ratio = abs(rows[0][1]) / abs(rows[1][1])
    ctx.table(f"{slide('003-II', 'Vanishing Gradient Problem')}, the intuitive way to compute the derivatives: 9 sigmoid layers at initialisation, "
              f"{x.shape[0]} training images (float64)",
              ["weight", "∂l/∂w by mlp_backward", "Δl/Δw (central difference)"], rows,
              note=f"The largest gradient of a first-layer weight is {ratio:.1e} times the last layer's largest.")


def plot(ctx, runs, epochs, hidden):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
    colors = {"3 layers, sigmoid": "tab:blue", "9 layers, sigmoid": "tab:red", "9 layers, ReLU": "tab:green"}

    ax = axes[0]
    for name, r in runs.items():
        n0 = r["norms"][0]
        ax.semilogy(np.arange(1, n0.size + 1), n0, "o-", color=colors[name], label=name)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("‖∂L/∂W^l‖ on the training set")
    ax.set_title("at initialisation: gradient per layer", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)

    ax = axes[1]
    cmap = plt.get_cmap("viridis")
    for name, ls in (("9 layers, sigmoid", "-"), ("9 layers, ReLU", "--")):
        norms = runs[name]["norms"]
        done = sorted(norms)
        for k, e in enumerate(done):
            ax.semilogy(np.arange(1, norms[e].size + 1), norms[e], ls, color=cmap(k / max(1, len(done) - 1)),
                        lw=1.2, label=f"{name.split(', ')[1]}, after {e} epochs")
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("‖∂L/∂W^l‖")
    ax.set_title("during training, 9 layers: sigmoid (solid) vs ReLU (dashed)", fontsize=10)
    ax.legend(fontsize=6, ncol=2)
    ax.grid(alpha=0.3)

    ax = axes[2]
    for name, r in runs.items():
        h = r["history"]["val_accuracy"]
        ax.plot(np.arange(1, len(h) + 1), h, color=colors[name], label=f"{name} (slide {r['slide']})")
        ax.axhline(r["slide"], color=colors[name], lw=0.7, ls=":")
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy")
    ax.set_title("test accuracy per epoch (dotted: the slide's)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.suptitle(f"{slide('003-II', 'Vanishing Gradient Problem')} on digits: {hidden} units per layer, cross entropy, "
                 "SGD(lr=0.1), batch 100", fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, "vanishing.png",
               "The gradient of each layer's weights at initialisation and during training (computed with "
               "mlp_backward on the backend), and the test accuracy of 3 vs 9 sigmoid layers and 9 ReLU layers.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
