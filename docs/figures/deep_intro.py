"""The figures of the "Deep learning introduction" page, drawn from slidespec's own functions.

Each function draws one figure with ``reference`` (and ``reference.data``,
``reference.gradcheck``); the docs build calls them through matplotlib's ``plot``
directive, so a figure always shows what the code computes now. To look at one
outside the docs::

    python docs/figures/show.py deep_intro fc_example

Training runs here are small (8×8 digits, a few epochs) so that the pages build in
seconds; the tutorials rerun the slides' experiments at full size.
"""

import numpy as np
from matplotlib import pyplot as plt

from reference import (cross_entropy, dense_forward, mlp_backward, mlp_epoch, mlp_forward, mse,
                       neuron_forward, sgd_update, softmax_backward, softmax_cross_entropy,
                       softmax_forward)
from reference.data import load_digits, onehot, word_hashing
from reference.gradcheck import numeric_gradient

RED, BLUE, GREEN, GREY = "#c0392b", "#2471a3", "#1e8449", "#7f8c8d"

# The worked example of 002 and 003 ("Fully Connect Feedforward Network"): one row per
# unit, one column per input, as every slidespec layer stores W.
FC_PARAMS = (np.array([[1.0, -2.0], [-1.0, 1.0]]), np.array([1.0, 0.0]),
             np.array([[2.0, -1.0], [-2.0, -1.0]]), np.array([0.0, 0.0]),
             np.array([[3.0, -1.0], [-1.0, 4.0]]), np.array([-2.0, 2.0]))


def _init(sizes, rng, gain=1.0):
    """Weights N(0, gain / fan-in) (gain 2 for ReLU, He et al. 2015), zero biases: mlp_forward's parameters."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(0, np.sqrt(gain / fan_in), size=(fan_out, fan_in)), np.zeros(fan_out)]
    return tuple(params)


def _accuracy(params, x, labels, activation):
    y, _ = mlp_forward(x, *params, activation=activation, output="softmax")
    return float(np.mean(y.argmax(axis=1) == labels))


def _draw_net(ax, columns, edges, names=None, values=None, node_color=BLUE):
    """Nodes in columns; edges (i, j, k, label) from node j of column i to node k of column i+1."""
    pos = {}
    for i, n in enumerate(columns):
        ys = np.linspace(0.8, 0.2, n) if n > 1 else [0.5]
        for j in range(n):
            pos[i, j] = (0.08 + 0.84 * i / (len(columns) - 1), ys[j])
    for i, j, k, label in edges:
        (x0, y0), (x1, y1) = pos[i, j], pos[i + 1, k]
        ax.plot([x0, x1], [y0, y1], color=GREY, lw=0.8, zorder=1)
        if label is not None:
            t = 0.28 if (j + k) % 2 == 0 else 0.42
            ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), label, fontsize=7, color=RED,
                    ha="center", va="center", bbox=dict(fc="white", ec="none", pad=0.3), zorder=3)
    for (i, j), (x, y) in pos.items():
        ax.scatter([x], [y], s=900, color="white", edgecolor=node_color, lw=1.5, zorder=2)
        text = ""
        if names is not None:
            text = names[i][j]
        if values is not None:
            text = (text + "\n" if text else "") + values[i][j]
        ax.text(x, y, text, ha="center", va="center", fontsize=7, zorder=4)
    ax.set_xlim(0, 1)
    ax.set_ylim(0.05, 0.95)
    ax.axis("off")


# --------------------------------------------------------------------------- step 1


def neuron():
    """model.neuron: z = a1 w1 + ... + aK wK + b, a = σ(z), with neuron_forward."""
    w, b = np.array([1.0, -2.0]), 1.0           # the first neuron of the worked example
    a = np.array([[1.0, -1.0]])
    z, _ = neuron_forward(a, w, b, activation="linear")
    y, _ = neuron_forward(a, w, b, activation="sigmoid")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.0), gridspec_kw={"width_ratios": [1, 1.2]})
    _draw_net(ax1, [2, 1], [(0, 0, 0, "w1 = 1"), (0, 1, 0, "w2 = −2")],
              names=[["a1", "a2"], ["σ(z)"]], values=[["1", "−1"], [f"{y[0]:.2f}"]])
    ax1.text(0.5, 0.08, f"z = 1·1 + (−1)·(−2) + b = {z[0]:.0f}  (b = 1),  σ(4) = {y[0]:.2f}",
             ha="center", fontsize=8)
    ax1.set_title("one neuron: neuron_forward", fontsize=9)
    g = np.linspace(-3, 3, 121)
    A1, A2 = np.meshgrid(g, g)
    grid = np.column_stack([A1.ravel(), A2.ravel()])
    out, _ = neuron_forward(grid, w, b, activation="sigmoid")
    im = ax2.contourf(A1, A2, out.reshape(A1.shape), levels=np.linspace(0, 1, 11), cmap="coolwarm")
    ax2.contour(A1, A2, out.reshape(A1.shape), levels=[0.5], colors="k", linewidths=0.8)
    ax2.plot([1], [-1], "k*", ms=10)
    ax2.annotate(f"(1, −1) → {y[0]:.2f}", (1, -1), (1.3, -2.4), fontsize=8)
    fig.colorbar(im, ax=ax2, label="σ(a1 − 2 a2 + 1)")
    ax2.set_xlabel("a1")
    ax2.set_ylabel("a2")
    ax2.set_title("the same neuron on every input: the line z = 0 splits it", fontsize=9)
    fig.tight_layout()


def fc_example():
    """model.fc_example: the worked network of 002/003, layer by layer, for [1, −1] and [0, 0]."""
    W1, b1, W2, b2, W3, b3 = FC_PARAMS
    x = np.array([[1.0, -1.0], [0.0, 0.0]])
    a1, _ = dense_forward(x, W1, b1, activation="sigmoid")
    a2, _ = dense_forward(a1, W2, b2, activation="sigmoid")
    y, _ = mlp_forward(x, *FC_PARAMS, activation="sigmoid", output="sigmoid")
    edges = []
    for layer, W in enumerate((W1, W2, W3)):
        for k in range(2):
            for j in range(2):
                edges.append((layer, j, k, f"{W[k, j]:g}"))
    fig, axes = plt.subplots(1, 2, figsize=(9.4, 3.2))
    for row, ax in enumerate(axes):
        values = [[f"{v:g}" for v in x[row]], [f"{v:.2f}" for v in a1[row]],
                  [f"{v:.2f}" for v in a2[row]], [f"{v:.2f}" for v in y[row]]]
        _draw_net(ax, [2, 2, 2, 2], edges, values=values)
        for i, (b, name) in enumerate(((b1, "b¹"), (b2, "b²"), (b3, "b³")), start=1):
            ax.text(0.08 + 0.84 * i / 3, 0.93, f"{name} = [{b[0]:g}, {b[1]:g}]", ha="center", fontsize=7)
        ax.set_title(f"f([{x[row, 0]:g}, {x[row, 1]:g}]) = [{y[row, 0]:.2f}, {y[row, 1]:.2f}]  "
                     f"(slide: {['[0.62, 0.83]', '[0.51, 0.85]'][row]})", fontsize=9)
    fig.tight_layout()


def matrix_operation():
    """model.dense: the worked example's first layer as one matrix operation, σ(x W¹ᵀ + b¹), on a batch."""
    W1, b1 = FC_PARAMS[0], FC_PARAMS[1]
    x = np.array([[1.0, -1.0], [0.0, 0.0]])           # the slide's two inputs, one per row
    r, _ = dense_forward(x, W1, b1, activation="linear")
    a, _ = dense_forward(x, W1, b1, activation="sigmoid")
    panels = [("x (one row per input)", x), ("W¹ (one row per unit)", W1), ("b¹", b1[None, :]),
              ("r = b¹ + x W¹ᵀ", r), ("a = σ(r)", a)]
    fig, axes = plt.subplots(1, len(panels), figsize=(9.0, 2.0),
                             gridspec_kw={"width_ratios": [p[1].shape[1] + 0.8 for p in panels]})
    for ax, (name, M) in zip(axes, panels):
        top = np.max(np.abs(M)) + 1e-9
        ax.imshow(M, cmap="coolwarm", vmin=-top, vmax=top)
        for (i, j), v in np.ndenumerate(M):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8)
        ax.set_title(name, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.tight_layout()


# 001 "Model = neural network": x1, x2 -> n3, n4, n5 -> n6, n7 -> y1, sigmoid everywhere.
_MLP_NAMES = [["x1", "x2"], ["n3", "n4", "n5"], ["n6", "n7"], ["y1"]]


def _mlp_001_params(seed):
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 2, (3, 2)), rng.normal(0, 1, 3), rng.normal(0, 3, (2, 3)),
            rng.normal(0, 1, 2), rng.normal(0, 4, (1, 2)), rng.normal(0, 1, 1))


def mlp_neurons():
    """model.mlp_neurons: 001's 2-3-2-1 network neuron by neuron (neuron_forward) and at once (mlp_forward)."""
    W1, b1, W2, b2, W3, b3 = params = _mlp_001_params(9)
    g = np.linspace(-3, 3, 61)
    X1, X2 = np.meshgrid(g, g)
    x = np.column_stack([X1.ravel(), X2.ravel()])
    # Neuron by neuron, as the slide writes it: n3 = σ(x1 w13 + x2 w23 + b3), ...
    n3, n4, n5 = (neuron_forward(x, W1[i], b1[i])[0] for i in range(3))
    h = np.column_stack([n3, n4, n5])
    n6, n7 = (neuron_forward(h, W2[i], b2[i])[0] for i in range(2))
    y1, _ = neuron_forward(np.column_stack([n6, n7]), W3[0], b3[0])
    # ... and the whole network in one call.
    y, _ = mlp_forward(x, *params, activation="sigmoid", output="sigmoid")
    gap = float(np.max(np.abs(y[:, 0] - y1)))
    k = int(np.argmin(np.abs(x[:, 0] - 1) + np.abs(x[:, 1] + 1)))     # the input (1, −1)
    values = [["1", "−1"], [f"{v[k]:.2f}" for v in (n3, n4, n5)], [f"{v[k]:.2f}" for v in (n6, n7)],
              [f"{y1[k]:.2f}"]]
    edges = [(0, j, i, None) for i in range(3) for j in range(2)]
    edges += [(1, j, i, None) for i in range(2) for j in range(3)]
    edges += [(2, j, 0, None) for j in range(2)]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.2), gridspec_kw={"width_ratios": [1.2, 1]})
    _draw_net(ax1, [2, 3, 2, 1], edges, names=_MLP_NAMES, values=values)
    n_params = sum(p.size for p in params)
    ax1.set_title(f"001's network at x = (1, −1): {n_params} parameters (a linear model: 3)", fontsize=9)
    im = ax2.contourf(X1, X2, y[:, 0].reshape(X1.shape), levels=11, cmap="coolwarm")
    fig.colorbar(im, ax=ax2, label="y1")
    ax2.set_xlabel("x1")
    ax2.set_ylabel("x2")
    ax2.set_title(f"y1 from mlp_forward; neuron by neuron differs by {gap:.0e}", fontsize=9)
    fig.tight_layout()


def softmax():
    """model.softmax: scores → e^z → probabilities, and the same output for z + 1000."""
    z = np.array([[3.0, 1.0, -3.0]])
    y, _ = softmax_forward(z)
    y_shift, _ = softmax_forward(z + 1000.0)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z + 1000.0) / np.exp(z + 1000.0).sum()
    fig, axes = plt.subplots(1, 3, figsize=(9.0, 2.6))
    labels = ["1", "2", "3"]
    axes[0].bar(labels, z[0], color=GREY)
    axes[0].set_title("scores z (the last layer)", fontsize=9)
    axes[1].bar(labels, np.exp(z[0]), color=BLUE)
    for i, v in enumerate(np.exp(z[0])):
        axes[1].text(i, v, f"{v:.2g}", ha="center", va="bottom", fontsize=8)
    axes[1].set_title("e^z", fontsize=9)
    axes[2].bar(labels, y[0], color=GREEN, label="softmax_forward(z)")
    axes[2].plot(labels, y_shift[0], "k_", ms=30, mew=2, label="softmax_forward(z + 1000)")
    for i, v in enumerate(y[0]):
        axes[2].text(i, v, f"{v:.3f}", ha="center", va="bottom", fontsize=8)
    axes[2].set_ylim(0, 1.15)
    axes[2].set_title(f"y = e^z / Σ e^z   (Σ y = {y.sum():.0f}; naive e^(z+1000): {naive[0, 0]})",
                      fontsize=8)
    axes[2].legend(fontsize=6, loc="center right")
    for ax in axes:
        ax.set_xlabel("class i")
    fig.tight_layout()


def digits():
    """data.digits: load_digits images, one image as its 64 inputs, and its 10 targets."""
    (x, labels), _ = load_digits()
    fig = plt.figure(figsize=(9.0, 3.0))
    for i in range(10):
        k = int(np.flatnonzero(labels == i)[0])
        ax = fig.add_subplot(2, 10, i + 1)
        ax.imshow(x[k].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"“{i}”", fontsize=8)
        ax.axis("off")
    k = int(np.flatnonzero(labels == 5)[0])
    ax = fig.add_axes([0.06, 0.22, 0.6, 0.12])
    ax.imshow(x[k][None, :], cmap="gray_r", vmin=0, vmax=1, aspect="auto")
    ax.set_yticks([])
    ax.set_xticks([0, 16, 32, 48, 63])
    ax.set_title("the “5” as its 64 inputs x (ink 1, no ink 0, grey between)", fontsize=8)
    ax.grid(False)
    ax = fig.add_axes([0.72, 0.22, 0.24, 0.12])
    ax.imshow(onehot(labels[k:k + 1], 10), cmap="Greens", vmin=0, vmax=1, aspect="auto")
    ax.set_yticks([])
    ax.set_xticks(range(10))
    ax.tick_params(labelsize=7)
    ax.set_title("its target onehot([5], 10)", fontsize=8)
    ax.grid(False)


def encodings():
    """data.onehot: 1-of-N with the "other" dimension, and word hashing's letter trigrams."""
    lexicon = ["apple", "bag", "cat", "dog", "elephant"]
    words = ["apple", "bag", "cat", "dog", "elephant", "Taipei"]
    E = onehot(words, lexicon, other=True)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.4, 2.8), gridspec_kw={"width_ratios": [1, 1.5]})
    ax1.imshow(E, cmap="Greens", vmin=0, vmax=1)
    ax1.set_xticks(range(E.shape[1]), lexicon + ["other"], rotation=30, fontsize=7)
    ax1.set_yticks(range(len(words)), words, fontsize=7)
    ax1.set_title("onehot(words, lexicon, other=True)", fontsize=9)
    ax1.grid(False)
    hw = ["apple", "apples", "applet", "bag"]
    H = word_hashing(hw)
    cols = np.flatnonzero(H.sum(axis=0))
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = [letters[c // 676] + letters[c // 26 % 26] + letters[c % 26] for c in cols]
    ax2.imshow(H[:, cols], cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax2.set_xticks(range(cols.size), names, rotation=60, fontsize=7)
    ax2.set_yticks(range(len(hw)), hw, fontsize=7)
    ax2.set_title(f"word_hashing: {H.shape[1]:,} trigram dimensions; the {cols.size} used here", fontsize=9)
    ax2.grid(False)
    fig.tight_layout()


def deep_vs_fat():
    """model.deep_vs_fat: the Seide 2011 table, and thin+tall vs fat+short on digits at one budget."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.2))
    layers = [1, 2, 3, 4, 5, 7]
    wer = [24.2, 20.4, 18.4, 17.8, 17.2, 17.1]
    ax1.plot(layers, wer, "o-", color=BLUE, label="L × 2k (thin + tall)")
    for L, w, size in ((5, 22.5, "1 × 3772"), (7, 22.6, "1 × 4634")):
        ax1.plot([L], [w], "s", color=RED)
        ax1.annotate(size, (L, w), (L - 1.6, w + 0.6), fontsize=7, color=RED,
                     arrowprops=dict(arrowstyle="-", color=RED, lw=0.5))
    ax1.axhline(22.1, color=RED, ls=":", lw=0.8)
    ax1.text(1.1, 22.3, "1 × 16k: 22.1", fontsize=7, color=RED)
    ax1.plot([], [], "s", color=RED, label="1 hidden layer (fat + short), beside its row")
    ax1.set_xlabel("hidden layers")
    ax1.set_ylabel("word error rate (%)")
    ax1.set_title("the slide's table (Seide et al. 2011); not rerun", fontsize=9)
    ax1.legend(fontsize=7)
    (x, labels), (x_test, labels_test) = load_digits()
    y_hat = onehot(labels, 10)
    EPOCHS = 15
    shapes = {"thin + tall: 64-32-32-32-10": (64, 32, 32, 32, 10), "fat + short: 64-60-10": (64, 60, 10)}
    for (name, sizes), color in zip(shapes.items(), (BLUE, RED)):
        for seed, ls in ((0, "-"), (1, "--")):
            rng = np.random.default_rng(seed)
            params = _init(sizes, rng, gain=2.0)
            acc = []
            for _ in range(EPOCHS):
                params, _ = mlp_epoch(x, y_hat, *params, order=rng.permutation(len(x)), batch_size=16,
                                      eta=0.02, activation="relu")
                acc.append(_accuracy(params, x_test, labels_test, "relu"))
            n = sum(p.size for p in params)
            ax2.plot(range(1, EPOCHS + 1), acc, ls, color=color,
                     label=f"{name} ({n:,} parameters), seed {seed}: last 3 epochs {np.mean(acc[-3:]):.3f}")
    ax2.set_ylim(0.5, 1.0)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("test accuracy")
    ax2.set_title("mlp_epoch on 8×8 digits (ReLU, same budget, η = 0.02, B = 16)", fontsize=9)
    ax2.legend(fontsize=6, loc="lower right")
    fig.tight_layout()


# --------------------------------------------------------------------------- step 2


def cross_entropy_stability():
    """loss.cross_entropy: softmax then cross_entropy vs the fused softmax_cross_entropy, float32."""
    margins = np.linspace(-140, 20, 321).astype(np.float32)
    y_hat = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)
    plain, fused, g_plain, g_fused = [], [], [], []
    with np.errstate(all="ignore"):
        for m in margins:
            z = np.array([[m, 0.0, 0.0]], dtype=np.float32)
            y, cache = softmax_forward(z)
            L, dL_dy = cross_entropy(y, y_hat)
            (dz,) = softmax_backward(dL_dy, cache)
            Lf, dzf = softmax_cross_entropy(z, y_hat)
            plain.append(L)
            fused.append(Lf)
            g_plain.append(dz[0, 0])
            g_fused.append(dzf[0, 0])
    plain, fused, g_plain, g_fused = map(np.array, (plain, fused, g_plain, g_fused))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.0))
    ax1.plot(margins, fused, color=BLUE, lw=3, alpha=0.5, label="softmax_cross_entropy(z, ŷ)")
    ok = np.isfinite(plain)
    ax1.plot(margins[ok], plain[ok], color=RED, lw=1, label="cross_entropy(softmax_forward(z), ŷ)")
    ax2.plot(margins, g_fused, color=BLUE, lw=3, alpha=0.5, label="fused: y − ŷ")
    ok = np.isfinite(g_plain)
    ax2.plot(margins[ok], g_plain[ok], color=RED, lw=1, label="plain: softmax_backward of −ŷ / y")
    for ax, values, what in ((ax1, plain, "loss"), (ax2, g_plain, "gradient")):
        lost = ~np.isfinite(values)
        if lost.any():
            edge = margins[lost].max()
            ax.axvspan(margins[0], edge, color=RED, alpha=0.08)
            ax.text(edge - 2, 0.5, f"plain {what}:\n{values[lost][0]} below {edge:.0f}", fontsize=7,
                    color=RED, ha="right", transform=ax.get_xaxis_transform())
        ax.set_xlabel("z₁ − z₂ (target class 1's score minus the others'), float32")
        ax.legend(fontsize=7, loc="upper right")
    ax1.set_ylabel("loss l")
    ax2.set_ylabel("∂l/∂z₁")
    ax1.set_title("the loss of one example", fontsize=9)
    ax2.set_title("its gradient with respect to the score", fontsize=9)
    fig.tight_layout()


def total_loss():
    """loss.total: the per-example losses l^n and their sum L, before and after training."""
    (x, labels), _ = load_digits()
    y_hat = onehot(labels, 10)
    rng = np.random.default_rng(0)
    params = _init((64, 32, 10), rng)
    show = np.arange(12)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.0))
    totals = []
    trained = params
    for epoch in range(6):
        z, _ = mlp_forward(x, *trained, activation="sigmoid", output="linear")
        L_sum, _ = softmax_cross_entropy(z, y_hat, reduction="sum")
        totals.append(L_sum)
        if epoch in (0, 5):
            l_n = [softmax_cross_entropy(z[n:n + 1], y_hat[n:n + 1])[0] for n in show]
            off = -0.2 if epoch == 0 else 0.2
            ax1.bar(show + off, l_n, 0.4, color=GREY if epoch == 0 else BLUE,
                    label=f"after {epoch} epochs: Σ over all {len(x)} = {L_sum:.0f}")
        trained, _ = mlp_epoch(x, y_hat, *trained, order=rng.permutation(len(x)), batch_size=32,
                               eta=0.5, activation="sigmoid")
    ax1.set_xticks(show, [f"{labels[n]}" for n in show])
    ax1.set_xlabel("example n (its digit)")
    ax1.set_ylabel("lⁿ")
    ax1.set_title("the loss of each example", fontsize=9)
    ax1.legend(fontsize=7)
    ax2.plot(range(6), totals, "o-", color=BLUE)
    ax2.set_xlabel("epochs of mlp_epoch")
    ax2.set_ylabel("L = Σₙ lⁿ  (reduction=\"sum\")")
    ax2.set_title("the total loss falls as training goes on", fontsize=9)
    fig.tight_layout()


# --------------------------------------------------------------------------- step 3


def sgd_rates():
    """optim.sgd: mlp_epoch = forward, fused loss, backward and sgd_update per batch; three learning rates."""
    (x, labels), (x_test, labels_test) = load_digits()
    y_hat = onehot(labels, 10)
    # One batch by hand: the same update as the first one of mlp_epoch.
    params = _init((64, 32, 10), np.random.default_rng(0))
    order = np.random.default_rng(1).permutation(len(x))
    batch = order[:32]
    z, cache = mlp_forward(x[batch], *params, activation="sigmoid", output="linear")
    _, dL_dz = softmax_cross_entropy(z, y_hat[batch])
    _, *grads = mlp_backward(dL_dz, cache)
    by_hand = [sgd_update(p, g, (), eta=0.1)[0] for p, g in zip(params, grads)]
    fused, _ = mlp_epoch(x[batch], y_hat[batch], *params, batch_size=32, eta=0.1)
    gap = max(float(np.max(np.abs(a - b))) for a, b in zip(by_hand, fused))
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    for eta, color in ((0.01, GREY), (0.1, BLUE), (1.0, GREEN)):
        rng = np.random.default_rng(1)
        p = params
        acc = [_accuracy(p, x_test, labels_test, "sigmoid")]
        for _ in range(10):
            p, _ = mlp_epoch(x, y_hat, *p, order=rng.permutation(len(x)), batch_size=32, eta=eta)
            acc.append(_accuracy(p, x_test, labels_test, "sigmoid"))
        ax.plot(range(11), acc, "o-", ms=3, color=color, label=f"η = {eta:g}")
    ax.set_xlabel("epoch (43 updates each, batch size 32)")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"SGD on 8×8 digits, 64-32-10 sigmoid + softmax; by-hand vs mlp_epoch update: {gap:.0e}",
                 fontsize=8)
    ax.legend(fontsize=7)


def backprop_001():
    """backprop.chain: the slide's ∂e/∂w57 written out, against mlp_backward and numeric_gradient."""
    W1, b1, W2, b2, W3, b3 = params = _mlp_001_params(7)
    x = np.array([[1.0, -1.0]])
    target = np.array([[1.0]])
    y, cache = mlp_forward(x, *params, activation="sigmoid", output="sigmoid")
    e, de_dy = mse(y, target)                     # e = (y1 − ŷ)², one example
    grads = mlp_backward(de_dy, cache)[1:]
    # The slide's chain for w57 (n5 → n7): ∂e/∂y1 · ∂y1/∂n7 · ∂n7/∂w57.
    h1, _ = dense_forward(x, W1, b1)              # n3, n4, n5
    h2, _ = dense_forward(h1, W2, b2)             # n6, n7
    n5, n7, y1 = h1[0, 2], h2[0, 1], y[0, 0]
    de_dy1 = 2 * (y1 - target[0, 0])
    dy1_dn7 = y1 * (1 - y1) * W3[0, 1]
    dn7_dw57 = n7 * (1 - n7) * n5
    chain = de_dy1 * dy1_dn7 * dn7_dw57
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.2))
    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    worst = 0.0
    for k, (p, g) in enumerate(zip(params, grads)):
        def loss_of(theta, k=k):
            trial = list(params)
            trial[k] = theta
            return mse(mlp_forward(x, *trial, activation="sigmoid", output="sigmoid")[0], target)[0]
        num = numeric_gradient(loss_of, p)
        worst = max(worst, float(np.max(np.abs(num - g))))
        ax1.plot(np.ravel(num), np.ravel(g), "o", ms=4, label=names[k])
    lim = ax1.get_xlim()
    ax1.plot(lim, lim, color=GREY, lw=0.6)
    ax1.set_xlabel("numeric_gradient")
    ax1.set_ylabel("mlp_backward")
    ax1.set_title(f"all 20 parameters of 001's network: largest gap {worst:.0e}", fontsize=9)
    ax1.legend(fontsize=7, ncol=2)
    factors = [de_dy1, dy1_dn7, dn7_dw57, chain, grads[2][1, 2]]
    labels = ["∂e/∂y1", "∂y1/∂n7", "∂n7/∂w57", "product", "mlp_backward:\ndW2[n7, n5]"]
    ax2.bar(labels, factors, color=[GREY, GREY, GREY, BLUE, GREEN])
    for i, v in enumerate(factors):
        ax2.text(i, v, f"{v:.4f}", ha="center", va="bottom" if v >= 0 else "top", fontsize=7)
    ax2.axhline(0, color="k", lw=0.5)
    ax2.tick_params(axis="x", labelsize=7)
    ax2.set_title("the slide's chain for w57, factor by factor", fontsize=9)
    fig.tight_layout()
