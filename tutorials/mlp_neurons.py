r"""The 2-3-2-1 network of 001, written neuron by neuron and trained by its chain rule.

Reruns the slides "Model = neural network" and "Gradient decent to find optimal
parameters" of the second course (``001_2b35647283c26347.txt``):

* ① :math:`n_3 = \sigma(x_1 w_{13} + x_2 w_{23} + b_3)`, :math:`n_4`, :math:`n_5` alike;
  ② :math:`n_6 = \sigma(n_3 w_{36} + n_4 w_{46} + n_5 w_{56} + b_6)`, :math:`n_7` alike;
  ③ :math:`y_1 = \sigma(n_6 w_{6y} + n_7 w_{7y} + b_y)` — 20 parameters (the linear model
  of the same slide has 3);
* :math:`e = g(y - y_1)`, :math:`w_i \leftarrow w_i - \eta\, \partial e / \partial w_i`, with
  :math:`\partial e/\partial w_{6y} = \partial e/\partial y_1 \cdot \partial y_1/\partial w_{6y}` and
  :math:`\partial e/\partial w_{57} = \partial e/\partial y_1 \cdot \partial y_1/\partial n_7
  \cdot \partial n_7/\partial w_{57}` (Concept ``backprop.chain``).

Each of the six neurons is one call of the backend's ``neuron_forward``; the backward
pass goes neuron by neuron with ``neuron_backward``, from :math:`y_1` back to
:math:`n_3 \ldots n_5`, adding the two paths through :math:`n_6` and :math:`n_7` that
reach every first-layer neuron. The same network, vectorised — :math:`W^1` (3, 2),
:math:`W^2` (2, 3), :math:`W^3` (1, 2) with :math:`W^2_{i j} = w_{j+3,\,i+6}` — is trained
side by side with ``mlp_forward``/``mlp_backward`` from the same start on the same
batches; the largest difference between the two at every step is printed.

Data: honestly synthetic — the slide's own data (the notebook "1.2 MLP regression")
are not in the transcript. Two inputs drawn uniformly from the square
:math:`[-2, 2]^2`; the label is 1 inside the circle of radius 1.3 and 0 outside (a
task that needs at least three hidden neurons: a linear model cannot do it). 300
training points and 300 test points from ``numpy.random.default_rng(seed)``. Loss:
:math:`g` = the square error, mean over the batch (``mse``), mini-batches of 10,
shuffled every epoch, :math:`\eta = 2`.

Concept: model.mlp_neurons, backprop.chain, backprop.numeric, model.neuron

Run: ``python -m tutorials.mlp_neurons [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys
import time

import numpy as np

from reference import data
from reference.gradcheck import numeric_gradient

from ._common import pyplot, slide, tutorial_main

N_TRAIN = N_TEST = 300
RADIUS = 1.3
BATCH = 10
ETA = 2.0
EPOCHS = 200                  # --quick: 10 (too few to learn the circle: a smoke test)
#: The six neurons of the slide, in order: (name, the neurons it reads).
NEURONS = (("3", ("x1", "x2")), ("4", ("x1", "x2")), ("5", ("x1", "x2")),
           ("6", ("3", "4", "5")), ("7", ("3", "4", "5")), ("y", ("6", "7")))


def make_data(rng, n):
    """n points uniform in [-2, 2]^2, label 1 inside the circle of radius 1.3."""
    x = rng.uniform(-2.0, 2.0, size=(n, 2))
    y_hat = (np.hypot(x[:, 0], x[:, 1]) < RADIUS).astype(np.float64)
    return x, y_hat


# ---------------------------------------------------------------------------------------
# the network, neuron by neuron: one dict {neuron: (w, b)}, w the weights of its inputs


def init_neurons(rng):
    """Every weight and bias from N(0, 1): the slide's "(randomly) pick initial values"."""
    return {name: (rng.normal(size=len(inputs)), float(rng.normal())) for name, inputs in NEURONS}


def forward_neurons(B, x, p):
    """① ② ③ of the slide: six neuron_forward calls.

    Returns y1 (N,), every neuron's output ``n`` (a dict: ``n["7"]`` is n7) and cache.
    """
    n = {"x1": x[:, 0], "x2": x[:, 1]}
    caches = {}
    for name, inputs in NEURONS:
        w, b = p[name]
        a = np.column_stack([n[i] for i in inputs])          # the neuron's inputs, (N, K)
        n[name], caches[name] = B.neuron_forward(a, w, b, activation="sigmoid")
    return n["y"], n, caches


def backward_neurons(B, de_dy1, caches):
    """The chain rule, from y1 back to n3 … n5: neuron_backward once per neuron.

    A neuron's ``da`` is ∂e/∂(each of its inputs); a first-layer neuron feeds both n6 and
    n7, so its ∂e/∂n is the sum of the two paths.
    """
    de_dn = {"y": de_dy1}
    grads = {}
    for name, inputs in reversed(NEURONS):
        da, dw, db = B.neuron_backward(de_dn[name], caches[name])
        grads[name] = (dw, float(db))
        for k, i in enumerate(inputs):
            de_dn[i] = de_dn.get(i, 0.0) + da[:, k]                 # paths through n6 and n7 add up
    return grads


def to_matrices(p):
    """The same 20 numbers in mlp_forward's layout: W^l has one row per neuron."""
    rows = lambda names: (np.array([p[k][0] for k in names]), np.array([p[k][1] for k in names]))  # noqa: E731
    W1, b1 = rows("345")
    W2, b2 = rows("67")
    W3, b3 = rows("y")
    return W1, b1, W2, b2, W3, b3


def flat(p):
    return np.concatenate([np.append(w, b) for w, b in (p[name] for name, _ in NEURONS)])


def flat_mlp(params):
    W1, b1, W2, b2, W3, b3 = params
    return np.concatenate([np.append(W[i], b[i]) for W, b in ((W1, b1), (W2, b2), (W3, b3))
                           for i in range(W.shape[0])])


# ---------------------------------------------------------------------------------------


def run(ctx):
    B = ctx.backend
    rng = np.random.default_rng(ctx.seed)
    n_train = ctx.sized(N_TRAIN, N_TRAIN, sim=30)             # the CUDA simulator: 3 updates, a smoke test
    x, y_hat = make_data(rng, n_train)
    x_test, y_test = make_data(rng, ctx.sized(N_TEST, N_TEST, sim=30))
    p = init_neurons(rng)
    params = to_matrices(p)                                   # the vectorised twin, same start
    epochs = ctx.sized(EPOCHS, 10, sim=1)
    ctx.log(f"data: {n_train} training / {N_TEST} test points, {y_hat.mean():.0%} of them inside the circle; "
            f"{epochs} epochs of batches of {BATCH}, eta {ETA}")

    # ---- one chain of the slide, by hand, on the first batch -----------------------------------
    chain_table(ctx, B, x[:BATCH], y_hat[:BATCH], p, params)

    # ---- training, both ways, step by step -----------------------------------------------------
    history = dict(loss=[], test_loss=[], acc=[], test_acc=[], diff=[], grad_diff=[])
    measure(B, p, x, y_hat, x_test, y_test, history)            # before training: "epoch 0"
    start = time.perf_counter()
    for epoch in ctx.progress(range(epochs), "epochs"):
        order = data.epoch_order(n_train, rng)
        for batch in data.batches(order, BATCH):
            xb, yb = x[batch], y_hat[batch]
            y1, _, caches = forward_neurons(B, xb, p)
            _, de_dy1 = B.mse(y1, yb)                           # e = g(y - y1), mean over the batch
            grads = backward_neurons(B, de_dy1, caches)
            p_before = p
            p = {k: (B.gd_step(w, grads[k][0], ETA), float(B.gd_step(b, grads[k][1], ETA)))
                 for k, (w, b) in p.items()}

            # The vectorised network at the same parameters: the same gradients, up to rounding.
            g_same = mlp_gradients(B, xb, yb, to_matrices(p_before))
            g_neuron = np.concatenate([np.append(*grads[name]) for name, _ in NEURONS])
            history["grad_diff"].append(float(np.abs(g_neuron - flat_mlp(g_same)).max()))

            # ... and trained on its own, side by side, from the same start on the same batches.
            g_m = mlp_gradients(B, xb, yb, params)
            params = tuple(B.gd_step(t, g, ETA) for t, g in zip(params, g_m))
            history["diff"].append(float(np.abs(flat(p) - flat_mlp(params)).max()))
        measure(B, p, x, y_hat, x_test, y_test, history)
    seconds = time.perf_counter() - start
    steps = len(history["diff"])
    ctx.log(f"{steps:,} updates in {seconds:.1f} s")

    first = len(history["diff"]) // epochs - 1                    # the last step of epoch 1
    ctx.table(f"Neuron by neuron (neuron_forward/backward) vs vectorised (mlp_forward/backward), "
              f"backend {B.name}: {steps:,} updates",
              ["max |difference|", "after epoch 1", f"after epoch {epochs}", "largest over every step"],
              [["gradients, both programs at the same parameters", history["grad_diff"][first],
                history["grad_diff"][-1], max(history["grad_diff"])],
               ["parameters, the two programs trained side by side", history["diff"][first], history["diff"][-1],
                max(history["diff"])]],
              note="The two programs add the same products in different orders, so at the same parameters their "
                   "gradients differ by rounding only (float64: about 1e-16 of their size). Trained side by side, "
                   "each step starts from slightly different parameters, and the training can amplify those "
                   "rounding differences over thousands of steps: the second row is that drift.")
    base = max(y_test.mean(), 1 - y_test.mean())
    ctx.table("Training on the synthetic circle task (the slide prints no result for it)",
              ["", f"training ({n_train} points)", f"test ({y_test.size} points)"],
              [["square error e, before training → after", f"{history['loss'][0]:.4f} → {history['loss'][-1]:.4f}",
                f"{history['test_loss'][0]:.4f} → {history['test_loss'][-1]:.4f}"],
               ["accuracy (y1 > 0.5 means inside)", history["acc"][-1], history["test_acc"][-1]],
               ["accuracy of always answering the majority class", max(y_hat.mean(), 1 - y_hat.mean()), base]])
    ctx.note(f"The 2-3-2-1 network {'learned' if history['test_acc'][-1] > base + 0.05 else 'did NOT learn'} "
             f"the circle: test accuracy {history['test_acc'][-1]:.3f} against {base:.3f} for always "
             f"answering the majority class. Written neuron by neuron or as matrices it is the same "
             f"network: at every one of the {steps:,} steps their gradients agree to "
             f"{max(history['grad_diff']):.1e}."
             + (" (--quick: 10 epochs are too few to learn it.)" if ctx.quick and not ctx.simulated else ""))
    plot(ctx, B, p, x, y_hat, history, epochs)


def mlp_gradients(B, xb, yb, params):
    """(dW1, db1, dW2, db2, dW3, db3) of the batch's square error, by mlp_forward/mlp_backward."""
    y, cache = B.mlp_forward(xb, *params, activation="sigmoid", output="sigmoid")
    _, dL_dy = B.mse(y, yb[:, None])
    return B.mlp_backward(dL_dy, cache)[1:]


def measure(B, p, x, y_hat, x_test, y_test, history):
    """The square error and the accuracy on the training and the test points."""
    for split, (xs, ys) in (("", (x, y_hat)), ("test_", (x_test, y_test))):
        y1, _, _ = forward_neurons(B, xs, p)
        history[split + "loss"].append(float(B.mse(y1, ys)[0]))
        history[split + "acc"].append(float(np.mean((y1 > 0.5) == (ys > 0.5))))


def chain_table(ctx, B, xb, yb, p, params):
    """∂e/∂w57 = ∂e/∂y1 · ∂y1/∂n7 · ∂n7/∂w57 written out, against the backward passes and Δe/Δw."""
    y1, n, caches = forward_neurons(B, xb, p)
    e, de_dy1 = B.mse(y1, yb)
    w7y = p["y"][0][1]
    dy1_dn7 = y1 * (1 - y1) * w7y                               # σ'(z_y) · w7y
    dn7_dw57 = n["7"] * (1 - n["7"]) * n["5"]                   # σ'(z_7) · n5
    by_hand = float(np.sum(de_dy1 * dy1_dn7 * dn7_dw57))        # summed over the batch's examples
    grads = backward_neurons(B, de_dy1, caches)
    y_m, cache = B.mlp_forward(xb, *params, activation="sigmoid", output="sigmoid")
    _, dL_dy = B.mse(y_m, yb[:, None])
    _, dW1, db1, dW2, db2, dW3, db3 = B.mlp_backward(dL_dy, cache)

    def e_of_w57(w57):
        q = dict(p)
        w = p["7"][0].copy()
        w[2] = w57[0]
        q["7"] = (w, p["7"][1])
        return float(B.mse(forward_neurons(B, xb, q)[0], yb)[0])

    numeric = float(numeric_gradient(e_of_w57, np.array([p["7"][0][2]]))[0])
    ctx.table(f"001: ∂e/∂w57 = ∂e/∂y1 · ∂y1/∂n7 · ∂n7/∂w57 on one batch of {len(yb)} (start values)",
              ["computed by", "∂e/∂w57"],
              [["the slide's three factors, multiplied by hand", by_hand],
               ["neuron_backward, neuron by neuron", float(grads["7"][0][2])],
               ["mlp_backward: dW2[1, 2] (row n7, column n5)", float(np.asarray(B.to_host(dW2))[1, 2])],
               [f"Δe/Δw57, central difference ({slide('003-II', 'Vanishing Gradient Problem')})", numeric]],
              note=f"e = {float(e):.5f} at the start.")


def plot(ctx, B, p, x, y_hat, history, epochs):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.4), layout="constrained")
    ax = axes[0]
    n = ctx.sized(161, 61, sim=21)
    g = np.linspace(-2, 2, n)
    X1, X2 = np.meshgrid(g, g)
    y1, _, _ = forward_neurons(B, np.column_stack([X1.ravel(), X2.ravel()]), p)
    # A pale background (the network's output y1) so that the points, drawn in two shapes with
    # contrasting edges, stay visible wherever they fall.
    im = ax.pcolormesh(g, g, np.asarray(y1).reshape(n, n), shading="auto", cmap="RdBu_r", vmin=0, vmax=1,
                       alpha=0.45, linewidth=0, rasterized=True)
    ax.contour(g, g, np.asarray(y1).reshape(n, n), levels=[0.5], colors="k", linewidths=1.4)
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(RADIUS * np.cos(t), RADIUS * np.sin(t), color="tab:green", ls="--", lw=1.6, label="true boundary")
    ax.plot([], [], color="k", lw=1.4, label="learned: y1 = 0.5")
    inside = np.asarray(y_hat).ravel() > 0.5
    ax.scatter(x[~inside, 0], x[~inside, 1], s=14, marker="o", facecolor="white", edgecolor="k",
               linewidths=0.6, label="training point, target 0")
    ax.scatter(x[inside, 0], x[inside, 1], s=16, marker="^", facecolor="tab:red", edgecolor="white",
               linewidths=0.5, label="training point, target 1")
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("the network's output y1 after training", fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    fig.colorbar(im, ax=ax, fraction=0.046, label="y1")

    ax = axes[1]
    ep = np.arange(0, epochs + 1)
    ax.plot(ep, history["loss"], label="training e")
    ax.plot(ep, history["test_loss"], label="test e")
    ax.set_xlabel("epoch")
    ax.set_ylabel("square error (mean)")
    ax.set_title("loss per epoch", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)

    ax = axes[2]
    ax.semilogy(np.arange(1, len(history["diff"]) + 1), np.maximum(history["diff"], 1e-18), lw=0.8,
                label="parameters, trained side by side (drift)")
    ax.semilogy(np.arange(1, len(history["grad_diff"]) + 1), np.maximum(history["grad_diff"], 1e-18),
                lw=0.8, alpha=0.7, label="gradients at the same parameters")
    ax.set_xlabel("update")
    ax.set_ylabel("max |neuron by neuron − vectorised|")
    ax.set_title("neuron by neuron vs vectorised, every step (0 drawn as 1e-18)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.suptitle(f"{slide('001', 'Model = neural network')}: 2 inputs → 3 → 2 → 1 sigmoid neurons, trained by "
                 "the chain rule", fontsize=11)
    ctx.figure(fig, "mlp_neurons.png",
               "The neuron-by-neuron network on the synthetic circle task: what it learned, its loss, "
               "and its largest difference from mlp_forward/mlp_backward at every update.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
