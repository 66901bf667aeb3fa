"""The figures of the "Tips for training I" page, drawn from slidespec's own functions.

Each function draws one figure with ``reference`` only. The slides' Keras experiments
(square error vs cross entropy, mini-batch, depth, ReLU) are trained once per docs
build in ``_experiments.py`` and drawn by several figures here. To look at one::

    python docs/figures/show.py training_tips keras_depth
"""

import numpy as np
from matplotlib import pyplot as plt

from reference import (dense_backward, dense_forward, leaky_relu_backward, leaky_relu_forward,
                       maxout_backward, maxout_forward, mlp_backward, mlp_forward, mse,
                       neuron_backward, neuron_forward, prelu_backward, prelu_forward, relu_backward,
                       relu_forward, sgd_update, sigmoid_backward, sigmoid_forward,
                       softmax_cross_entropy, softmax_forward, tanh_backward, tanh_forward)

import _experiments as ex

RED, BLUE, GREEN, GREY, ORANGE = "#c0392b", "#2471a3", "#1e8449", "#7f8c8d", "#ca6f1e"


def _curves(ax, runs, key="test_accuracy", slide=None):
    for name, label, color in runs:
        h = ex.run(name)
        ax.plot(range(len(h[key])), h[key], "o-", ms=3, color=color,
                label=f"{label}: {h[key][-1]:.2f}" + (f" (slide {slide[name]})" if slide else ""))
    ax.set_xlabel(f"epoch ({ex.EPOCHS} epochs, η = {ex.ETA})")
    ax.set_ylabel(key.replace("_", " "))
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7, loc="center right")


# --------------------------------------------------------------------------- recipe


def _box(ax, xy, text, color):
    ax.text(*xy, text, ha="center", va="center", fontsize=7.5,
            bbox=dict(boxstyle="round,pad=0.4", fc="white", ec=color, lw=1.2))


def _arrow(ax, a, b, label=None, color="k"):
    ax.annotate("", b, a, arrowprops=dict(arrowstyle="->", color=color, lw=1))
    if label:
        ax.text((a[0] + b[0]) / 2 + 0.02, (a[1] + b[1]) / 2, label, fontsize=7, color=color)


def recipe_flow():
    """recipe.flow: the recipe as a flow chart, and a deeper network that fails on its training data."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.6, 3.4), gridspec_kw={"width_ratios": [1.15, 1]})
    ax1.axis("off")
    ax1.set_xlim(0, 1)
    ax1.set_ylim(0, 1)
    _box(ax1, (0.3, 0.9), "the three steps:\na network, a loss, training", GREY)
    _box(ax1, (0.3, 0.62), "good results on\nTRAINING data?", BLUE)
    _box(ax1, (0.3, 0.32), "good results on\nTESTING data?", BLUE)
    _box(ax1, (0.3, 0.06), "done", GREEN)
    _box(ax1, (0.8, 0.62), "fix the training:\nloss, mini-batch,\nnew activation (ReLU),\nlearning rate", RED)
    _box(ax1, (0.8, 0.32), "overfitting: early stop,\nregularisation, dropout,\nmore data", ORANGE)
    _arrow(ax1, (0.3, 0.84), (0.3, 0.69))
    _arrow(ax1, (0.3, 0.55), (0.3, 0.39), "yes")
    _arrow(ax1, (0.3, 0.25), (0.3, 0.1), "yes")
    _arrow(ax1, (0.45, 0.62), (0.63, 0.62), "no", RED)
    _arrow(ax1, (0.45, 0.32), (0.63, 0.32), "no", ORANGE)
    ax1.set_title("the recipe: check the training data first", fontsize=9)
    for name, label, color in (("base", "3 layers", BLUE), ("deep_sigmoid", "9 layers", RED)):
        h = ex.run(name)
        ax2.plot(h["accuracy"], "-", color=color, label=f"{label}, training data: {h['accuracy'][-1]:.2f}")
        ax2.plot(h["test_accuracy"], ":", color=color, label=f"{label}, testing data: {h['test_accuracy'][-1]:.2f}")
    ax2.set_ylim(0, 1.02)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy")
    ax2.set_title("sigmoid networks on 8×8 digits: the deeper one\nis worse on its own training data", fontsize=9)
    ax2.legend(fontsize=7, loc="center right")
    fig.tight_layout()


# --------------------------------------------------------------------------- the Keras experiments


def keras_loss():
    """loss.cross_entropy vs loss.mse on a softmax output: the loss curves, and the digits experiment."""
    margins = np.linspace(-8, 8, 161)
    z = np.column_stack([margins, np.zeros_like(margins)])      # two classes, target class 1
    y_hat = np.tile([1.0, 0.0], (margins.size, 1))
    y, cache = softmax_forward(z)
    ce = np.array([softmax_cross_entropy(z[i:i + 1], y_hat[i:i + 1])[0] for i in range(margins.size)])
    se = np.array([2 * mse(y[i:i + 1], y_hat[i:i + 1])[0] for i in range(margins.size)])   # Σ over the 2 outputs
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.4, 3.2))
    ax1.plot(margins, ce, color=BLUE, label="cross entropy −Σ ŷᵢ ln yᵢ")
    ax1.plot(margins, se, color=RED, label="square error Σ (yᵢ − ŷᵢ)²")
    ax1.set_xlabel("z₁ − z₂ (target: class 1)")
    ax1.set_ylabel("loss of one example")
    ax1.set_title("far from the target, square error is flat:\nits gradient vanishes", fontsize=9)
    ax1.legend(fontsize=7)
    _curves(ax2, [("base", "cross entropy", BLUE), ("mse", "square error (loss='mse')", RED)],
            slide={"base": 0.84, "mse": 0.11})
    ax2.set_title("test accuracy on 8×8 digits, 3 sigmoid layers", fontsize=9)
    fig.tight_layout()


def keras_minibatch():
    """batch.minibatch: mini-batch (B = 10) against no batch (B = N) for the same epochs."""
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    n = len(ex.digits()[0])
    _curves(ax, [("base", f"mini-batch, B = {ex.BATCH}: {-(-n // ex.BATCH)} updates/epoch", BLUE),
                 ("no_batch", f"no batch, B = N = {n}: 1 update/epoch", RED)],
            slide={"base": 0.84, "no_batch": 0.12})
    ax.set_title("test accuracy on 8×8 digits, 3 sigmoid layers, same number of epochs", fontsize=9)


def keras_depth():
    """act.vanishing, act.relu: 3 vs 9 sigmoid layers; 9 layers of sigmoid vs ReLU."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.4, 3.0), sharey=True)
    _curves(ax1, [("base", "3 layers", BLUE), ("deep_sigmoid", "9 layers", RED)],
            slide={"base": 0.84, "deep_sigmoid": 0.11})
    ax1.set_title("sigmoid: deeper is worse", fontsize=9)
    _curves(ax2, [("deep_sigmoid", "9 layers, sigmoid", RED), ("deep_relu", "9 layers, ReLU", GREEN)],
            slide={"deep_sigmoid": 0.11, "deep_relu": 0.96})
    ax2.set_title("9 layers: ReLU trains where sigmoid does not", fontsize=9)
    fig.tight_layout()


# --------------------------------------------------------------------------- vanishing gradients


def vanishing():
    """act.vanishing: the gradient at each layer of a 9-layer network at its start, sigmoid vs ReLU."""
    x, labels, y_hat, _, _ = ex.digits()
    batch = slice(0, 100)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.4, 3.2), gridspec_kw={"width_ratios": [1.3, 1]})
    for activation, color in (("sigmoid", RED), ("relu", GREEN)):
        rng = np.random.default_rng(0)
        sizes = (64,) + (ex.HIDDEN,) * 8 + (10,)
        params = ex.init(sizes, rng, gain=2.0 if activation == "relu" else 1.0)
        z, cache = mlp_forward(x[batch], *params, activation=activation, output="linear")
        L, dL_dz = softmax_cross_entropy(z, y_hat[batch])
        grads = mlp_backward(dL_dz, cache)[1::2]                 # dW1, dW2, ..., dW9
        rms = [float(np.sqrt(np.mean(g ** 2))) for g in grads]
        ax1.semilogy(range(1, 10), rms, "o-", color=color, label=f"{activation}: backprop (RMS of ∂L/∂W)")
        # The slide's intuitive derivative: nudge one weight of each layer by Δw, watch Δl.
        dw = 1e-4
        ratios = []
        for layer in range(9):
            k = 2 * layer
            i = int(np.argmax(np.abs(grads[layer]).ravel()))
            nudged = list(params)
            W = params[k].copy()
            W.flat[i] += dw
            nudged[k] = W
            z2, _ = mlp_forward(x[batch], *nudged, activation=activation, output="linear")
            L2, _ = softmax_cross_entropy(z2, y_hat[batch])
            ratios.append(abs(float(L2 - L)) / dw)
        ax1.semilogy(range(1, 10), ratios, "x", color=color, ms=7,
                     label=f"{activation}: |Δl/Δw| for the layer's steepest weight")
    ax1.set_xlabel("layer (1 = next to the input, 9 = the softmax layer)")
    ax1.set_ylabel("gradient size")
    ax1.set_title("at the start of training: 8 hidden layers of 64", fontsize=9)
    ax1.legend(fontsize=6.5)
    zz = np.linspace(-6, 6, 241)
    for fwd, bwd, label, color in ((sigmoid_forward, sigmoid_backward, "σ'(z) ≤ 1/4", RED),
                                   (relu_forward, relu_backward, "ReLU'(z) ∈ {0, 1}", GREEN)):
        _, cache = fwd(zz)
        (d,) = bwd(np.ones_like(zz), cache)
        ax2.plot(zz, d, color=color, label=label)
    ax2.set_xlabel("z")
    ax2.set_ylabel("derivative (from *_backward)")
    ax2.set_title("each sigmoid layer multiplies the gradient\nby at most 1/4", fontsize=9)
    ax2.legend(fontsize=7)
    fig.tight_layout()


# --------------------------------------------------------------------------- activations


def activations():
    """act.sigmoid, act.relu, act.leaky_relu, act.prelu: the functions and their derivatives."""
    z = np.linspace(-4, 4, 401)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.4, 3.2))
    alpha = np.full(1, 0.25)
    rows = [
        ("sigmoid", sigmoid_forward, sigmoid_backward, {}, RED),
        ("tanh", tanh_forward, tanh_backward, {}, ORANGE),
        ("ReLU", relu_forward, relu_backward, {}, GREEN),
        ("leaky ReLU, α = 0.01", leaky_relu_forward, leaky_relu_backward, {}, BLUE),
        ("leaky ReLU, α = 0.1", leaky_relu_forward, leaky_relu_backward, {"alpha": 0.1}, GREY),
    ]
    for label, fwd, bwd, kw, color in rows:
        a, cache = fwd(z, **kw)
        (d,) = bwd(np.ones_like(z), cache)
        ax1.plot(z, a, color=color, label=label)
        ax2.plot(z, d, color=color, label=label)
    a, cache = prelu_forward(z[:, None], alpha)
    d, _ = prelu_backward(np.ones((z.size, 1)), cache)
    ax1.plot(z, a[:, 0], "--", color="k", lw=0.9, label="PReLU, α = 0.25 (its start; learned)")
    ax2.plot(z, d[:, 0], "--", color="k", lw=0.9, label="PReLU, α = 0.25")
    ax1.set_ylim(-1.5, 4)
    ax1.set_title("a = act(z)", fontsize=9)
    ax2.set_title("∂a/∂z, from the *_backward functions", fontsize=9)
    ax1.legend(fontsize=7)
    for ax in (ax1, ax2):
        ax.set_xlabel("z")
    fig.tight_layout()


def prelu_learned():
    """act.prelu: α learned by gradient descent, in a loop written with the primitives."""
    x, labels, y_hat, x_test, labels_test = ex.digits()
    rng = np.random.default_rng(0)
    H = 32
    W1, b1, W2, b2 = ex.init((64, H, 10), rng, gain=2.0)
    alpha = np.full(H, 0.25)
    params = [W1, b1, alpha, W2, b2]
    start = alpha.copy()
    acc = []
    for epoch in range(8):
        order = rng.permutation(len(x))
        for s in range(0, len(x), 32):
            batch = order[s:s + 32]
            W1, b1, alpha, W2, b2 = params
            r, c1 = dense_forward(x[batch], W1, b1, activation="linear")
            a, c2 = prelu_forward(r, alpha)
            z, c3 = dense_forward(a, W2, b2, activation="linear")
            _, dz = softmax_cross_entropy(z, y_hat[batch])
            da, dW2, db2 = dense_backward(dz, c3)
            dr, dalpha = prelu_backward(da, c2)
            _, dW1, db1 = dense_backward(dr, c1)
            grads = [dW1, db1, dalpha, dW2, db2]
            params = [sgd_update(p, g, (), eta=0.1)[0] for p, g in zip(params, grads)]
        W1, b1, alpha, W2, b2 = params
        r, _ = dense_forward(x_test, W1, b1, activation="linear")
        z, _ = dense_forward(prelu_forward(r, alpha)[0], W2, b2, activation="linear")
        acc.append(float(np.mean(z.argmax(axis=1) == labels_test)))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.0))
    order = np.argsort(alpha)
    ax1.bar(range(H), alpha[order], color=BLUE, label="learned α, one per unit (sorted)")
    ax1.axhline(start[0], color=GREY, ls="--", label=f"every α at the start: {start[0]}")
    ax1.axhline(0, color="k", lw=0.5)
    ax1.set_xlabel("hidden unit")
    ax1.set_ylabel("α")
    ax1.set_title("after 8 epochs of sgd_update on every parameter, α included", fontsize=9)
    ax1.legend(fontsize=7)
    ax2.plot(range(1, 9), acc, "o-", ms=3, color=BLUE)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("test accuracy")
    ax2.set_ylim(0.5, 1.0)
    ax2.set_title(f"64-{H}-10 with PReLU on 8×8 digits: {acc[-1]:.2f}", fontsize=9)
    fig.tight_layout()


def maxout():
    """act.maxout: ReLU as maxout of (z, 0); three linear units make a convex piecewise linear activation."""
    x = np.linspace(-3, 3, 301)[:, None]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.0))
    # Two linear units per group: z1 = w x + b and z2 = 0 (zero weight and bias).
    W = np.array([[1.5], [0.0]])
    b = np.array([-0.5, 0.0])
    z, _ = dense_forward(x, W, b, activation="linear")
    a, _ = maxout_forward(z, k=2)
    r, _ = relu_forward(z[:, 0])
    ax1.plot(x, z[:, 0], ":", color=GREY, label="z₁ = 1.5 x − 0.5")
    ax1.plot(x, z[:, 1], ":", color=GREY, label="z₂ = 0 (weights and bias 0)")
    ax1.plot(x, a[:, 0], color=BLUE, lw=3, alpha=0.5, label="maxout_forward(z, k=2)")
    ax1.plot(x, r, color="k", lw=1, label="relu_forward(z₁)")
    ax1.set_title(f"ReLU is maxout with one unit fixed at 0 (gap {np.max(np.abs(a[:, 0] - r)):.0e})",
                  fontsize=9)
    ax1.legend(fontsize=7)
    W3 = np.array([[-1.0], [0.3], [2.0]])
    b3 = np.array([-1.0, 0.2, -2.5])
    z3, _ = dense_forward(x, W3, b3, activation="linear")
    a3, cache = maxout_forward(z3, k=3)
    (dz3,) = maxout_backward(np.ones_like(a3), cache)
    for j, color in enumerate((RED, GREEN, ORANGE)):
        ax2.plot(x, z3[:, j], ":", color=color, label=f"z{j + 1} = {W3[j, 0]:g} x {b3[j]:+g}")
        won = dz3[:, j] > 0
        ax2.plot(x[won], a3[won, 0], color=color, lw=3)
    ax2.set_ylim(-3, 4.5)
    ax2.set_title("3 units per group: a learned convex activation;\n"
                  "colour = the unit maxout_backward sends the gradient to", fontsize=9)
    ax2.legend(fontsize=7)
    for ax in (ax1, ax2):
        ax.set_xlabel("x")
    fig.tight_layout()


def relu_thinner():
    """act.relu: for one input, a ReLU network is a thinner linear network (the units that are on)."""
    rng = np.random.default_rng(4)
    W1, b1 = rng.normal(0, 1.5, (6, 1)), rng.normal(0, 1.5, 6)
    W2, b2 = rng.normal(0, 0.8, (6, 6)), rng.normal(0, 0.8, 6)
    W3, b3 = rng.normal(0, 0.8, (1, 6)), rng.normal(0, 0.5, 1)
    x = np.linspace(-3, 3, 601)[:, None]
    y, _ = mlp_forward(x, W1, b1, W2, b2, W3, b3, activation="relu", output="linear")
    fig, ax = plt.subplots(figsize=(6.8, 3.2))
    ax.plot(x, y, color="k", lw=1.5, label="the ReLU network (mlp_forward)")
    for x0, color in ((-1.5, RED), (0.8, GREEN)):
        # Which units are on at x0: those are the thinner network; the others output 0.
        a1, _ = dense_forward(np.array([[x0]]), W1, b1, activation="relu")
        on1 = a1[0] > 0
        a2, _ = dense_forward(a1, W2, b2, activation="relu")
        on2 = a2[0] > 0
        # The thinner network: keep the rows of the units that are on, and no activation at all.
        t1, _ = dense_forward(x, W1[on1], b1[on1], activation="linear")
        t2, _ = dense_forward(t1, W2[on2][:, on1], b2[on2], activation="linear")
        t3, _ = dense_forward(t2, W3[:, on2], b3, activation="linear")
        ax.plot(x, t3, "--", color=color, lw=1,
                label=f"at x = {x0}: {on1.sum()} + {on2.sum()} of 6 + 6 units on → a linear network")
        y0, _ = mlp_forward(np.array([[x0]]), W1, b1, W2, b2, W3, b3, activation="relu", output="linear")
        ax.plot([x0], [y0[0, 0]], "o", color=color)
    ax.set_ylim(float(y.min()) - 1, float(y.max()) + 1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("near each input, only the units that are on matter, and they are linear", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")


def dead_unit():
    """act.leaky_relu: a neuron whose input is negative for every example: ReLU never recovers, leaky ReLU does."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    target = np.maximum(0, x @ np.array([1.0, -1.0]) + 0.5)     # a ReLU neuron to imitate
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.0))
    for activation, color in (("relu", GREEN), ("leaky_relu", BLUE)):
        w, b = np.array([0.3, -0.2]), np.array(-4.0)            # b = −4: z < 0 for every example
        losses, biases = [], []
        for _ in range(250):
            y, cache = neuron_forward(x, w, b, activation=activation)
            L, dL_dy = mse(y, target)
            _, dw, db = neuron_backward(dL_dy, cache)
            w, _ = sgd_update(w, dw, (), eta=0.5)
            b, _ = sgd_update(b, np.asarray(db), (), eta=0.5)
            losses.append(float(L))
            biases.append(float(b))
        label = "ReLU" if activation == "relu" else "leaky ReLU, α = 0.01"
        ax1.plot(biases, color=color, label=label)
        ax2.semilogy(losses, color=color, label=f"{label}: {losses[-1]:.1g}")
    ax1.axhline(0.5, color=GREY, ls=":", label="the target's bias, 0.5")
    ax1.set_ylabel("bias b")
    ax1.set_title("the bias under gradient descent", fontsize=9)
    ax2.set_ylabel("mse")
    ax2.set_title("the loss", fontsize=9)
    for ax in (ax1, ax2):
        ax.set_xlabel("update (full batch, η = 0.5)")
        ax.legend(fontsize=7)
    fig.tight_layout()
