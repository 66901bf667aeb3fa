r"""The worked fully connected network of 002 and 003: f([1, −1]) = [0.62, 0.83].

Reruns the slides "Fully Connect Feedforward Network" of the deep-learning
introduction (``002_157e8ca680afe733.txt``) and of lecture I of the Deep Learning
Tutorial (``003_ec86197519796290.txt``):

* 003 "Neuron": :math:`z = a_1 w_1 + \dots + a_K w_K + b`, :math:`a = \sigma(z)`,
  :math:`\sigma(z) = 1 / (1 + e^{-z})`;
* 002 "Matrix Operation", 003 "Fully Connect Feedforward Network":
  :math:`y = f(x) = \sigma(W^L \cdots \sigma(W^2 \sigma(W^1 x + b^1) + b^2) \cdots + b^L)`;
* 002, 003 "This is a function. Input vector, output vector":
  :math:`f([1, -1]) = [0.62, 0.83]`, :math:`f([0, 0]) = [0.51, 0.85]`.

The network (Concept ``model.fc_example``), sigmoid in every layer, the output layer
included: :math:`W^1 = [[1, -2], [-1, 1]]`, :math:`b^1 = [1, 0]`;
:math:`W^2 = [[2, -1], [-2, -1]]`, :math:`b^2 = [0, 0]`;
:math:`W^3 = [[3, -1], [-1, 4]]`, :math:`b^3 = [-2, 2]`. Row :math:`i` of :math:`W^l`
holds the weights of neuron :math:`i` of layer :math:`l` (the primitives' layout).

Computed three ways on the backend, which must agree: ``mlp_forward`` (the whole
network, ``output="sigmoid"``), ``dense_forward`` layer by layer, and
``neuron_forward`` neuron by neuron. The slide's pictures also wrote each hidden
neuron's output; the transcript lost them, so the tables give the slide's number for
the output layer only.

Data: none — the two input vectors of the slide. No randomness.

Concept: model.fc_example, model.neuron, model.dense, act.sigmoid

Run: ``python -m tutorials.fc_example [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from ._common import Noise, pyplot, slide, tutorial_main, verdict

#: The worked example's parameters (002, 003), W^l with one row per neuron.
PARAMS = (np.array([[1.0, -2.0], [-1.0, 1.0]]), np.array([1.0, 0.0]),
          np.array([[2.0, -1.0], [-2.0, -1.0]]), np.array([0.0, 0.0]),
          np.array([[3.0, -1.0], [-1.0, 4.0]]), np.array([-2.0, 2.0]))
#: The inputs and the outputs printed on the slides (two decimals).
SLIDE = {(1.0, -1.0): (0.62, 0.83), (0.0, 0.0): (0.51, 0.85)}


def run(ctx):
    B = ctx.backend
    x = np.array(list(SLIDE), dtype=np.float64)                  # (2, 2): the slide's two inputs

    # ---- the whole network in one call ----------------------------------------------------
    y, _ = B.mlp_forward(x, *PARAMS, activation="sigmoid", output="sigmoid")
    y = np.asarray(B.to_host(y))

    # ---- layer by layer: a^l = sigma(W^l a^{l-1} + b^l) --------------------------------------
    layers, a = [], x
    for W, b in zip(PARAMS[0::2], PARAMS[1::2]):
        a, _ = B.dense_forward(a, W, b, activation="sigmoid")
        a = np.asarray(B.to_host(a))
        layers.append(a)

    # ---- neuron by neuron: z = a_1 w_1 + ... + a_K w_K + b, a = sigma(z) -------------------------
    neurons, zs, a = [], [], x
    for W, b in zip(PARAMS[0::2], PARAMS[1::2]):
        outs = []
        for w_i, b_i in zip(W, b):                                 # one neuron: its row of W, its bias
            out, _ = B.neuron_forward(a, w_i, float(b_i), activation="sigmoid")
            outs.append(np.asarray(B.to_host(out)))
        zs.append(a @ W.T + b)                                     # z written out, for the table
        a = np.column_stack(outs)
        neurons.append(a)

    agree_dense = float(np.abs(layers[-1] - y).max())
    agree_neuron = max(float(np.abs(n - l).max()) for n, l in zip(neurons, layers))

    rows = []
    for n, inp in enumerate(SLIDE):
        for j in range(2):
            printed = SLIDE[inp][j]
            rows.append([f"f({list(inp)})_{j + 1}".replace(".0", ""), printed, float(y[n, j]),
                         f"{y[n, j]:.2f}", "yes" if f"{y[n, j]:.2f}" == f"{printed:.2f}" else "NO"])
    where = f"{slide('002')}; {slide('003-I', 'This is a function')}"
    ctx.table(f"{where}: the output f(x), slide vs this run (mlp_forward, "
              f"backend {B.name})",
              ["output", "slide", "this run", "this run, 2 decimals", "same to 2 decimals"], rows)

    rows = []
    for n, inp in enumerate(SLIDE):
        for l in range(3):
            for i in range(2):
                printed = SLIDE[inp][i] if l == 2 else "— (lost)"
                rows.append([f"x = {list(inp)}".replace(".0", ""), f"layer {l + 1}, neuron {i + 1}",
                             float(zs[l][n, i]), float(layers[l][n, i]), printed])
    ctx.table(f"{slide('003-I', 'Neuron')}: every neuron's z = a·w + b and its output σ(z)",
              ["input", "neuron", "z", "σ(z) this run", "slide"], rows,
              note="The transcript kept the slide's numbers for the output layer only; the hidden "
                   "neurons' outputs were in the lost pictures.")
    ctx.table("Three ways to compute the same network agree",
              ["comparison", "max |difference|"],
              [["dense_forward layer by layer vs mlp_forward", agree_dense],
               ["neuron_forward neuron by neuron vs dense_forward", agree_neuron]])

    # The slide prints two decimals: a computed output matches when it rounds to the printed one,
    # i.e. lies within half a unit of the second decimal (plus float64 rounding, far smaller).
    name = lambda inp, j: f"f({list(inp)})_{j + 1}".replace(".0", "")  # noqa: E731
    verdict(ctx, where, "the network with the slide's weights outputs the slide's numbers (to its two decimals)",
            {name(inp, j): SLIDE[inp][j] for inp in SLIDE for j in range(2)},
            {name(inp, j): float(y[n, j]) for n, inp in enumerate(SLIDE) for j in range(2)},
            Noise(0.005 + 1e-12, "half a unit of the slide's second decimal"), kind="value", digits=4)
    plot(ctx, B, x, layers)


def plot(ctx, B, x, layers):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6), gridspec_kw={"width_ratios": [1.4, 1, 1]})

    # The network, with each neuron's output for both inputs.
    ax = axes[0]
    xs_pos = [0, 1, 2, 3]
    values = [x] + layers
    for l in range(4):
        for i in range(2):
            px, py = xs_pos[l], 1 - i
            if l < 3:
                W = PARAMS[2 * l]
                for k in range(2):
                    ax.plot([px, px + 1], [py, 1 - k], color="0.7", lw=0.8, zorder=1)
                    t = 0.3
                    ax.text(px + t, py + (1 - k - py) * t + 0.05, f"{W[k, i]:g}", fontsize=7,
                            color="tab:blue")
            ax.scatter([px], [py], s=900, color="white", edgecolor="k", zorder=2)
            v = values[l]
            ax.text(px, py, f"{v[0, i]:.2f}\n{v[1, i]:.2f}", ha="center", va="center", fontsize=8, zorder=3)
            if l > 0:
                ax.text(px, py - 0.22, f"b={PARAMS[2 * l - 1][i]:g}", ha="center", fontsize=7,
                        color="tab:red")
    for l, name in enumerate(["x", "layer 1", "layer 2", "layer 3 = y"]):
        ax.text(l, 1.35, name, ha="center", fontsize=9)
    ax.set_xlim(-0.5, 3.5)
    ax.set_ylim(-0.5, 1.5)
    ax.axis("off")
    ax.set_title("each node: its value for x = [1, −1] (top) and x = [0, 0] (bottom)", fontsize=9)

    # The network as a function of its two inputs.
    n = ctx.sized(201, 61, sim=21)
    g = np.linspace(-3, 3, n)
    X1, X2 = np.meshgrid(g, g)
    grid = np.column_stack([X1.ravel(), X2.ravel()])
    y, _ = B.mlp_forward(grid, *PARAMS, activation="sigmoid", output="sigmoid")
    y = np.asarray(B.to_host(y))
    for j, ax in enumerate(axes[1:]):
        im = ax.pcolormesh(g, g, y[:, j].reshape(n, n), shading="auto", cmap="viridis", vmin=0, vmax=1)
        ax.contour(g, g, y[:, j].reshape(n, n), levels=[0.25, 0.5, 0.75], colors="w", linewidths=0.6)
        for inp, out in SLIDE.items():
            ax.plot(*inp, "r*", ms=10)
            ax.annotate(f"slide {out[j]:.2f}", inp, textcoords="offset points", xytext=(6, 6),
                        color="w", fontsize=8)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_title(f"y{j + 1} = f(x)_{j + 1}", fontsize=10)
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.suptitle(f"{slide('003-I', 'Fully Connect Feedforward Network')}: given the parameters, the network "
                 "is a function", fontsize=11)
    fig.tight_layout()
    ctx.figure(fig, "fc_example.png",
               "The worked network: every neuron's output for the slide's two inputs, and both outputs "
               "over a grid of inputs (stars: the slide's inputs).")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
