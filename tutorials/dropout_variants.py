r"""DropConnect, annealed dropout and standout beside dropout, on a small overfitting problem.

Reruns the slide "More about dropout" of lecture II of the Deep Learning Tutorial
(``003_ec86197519796290.txt``), which names three variants of dropout and says in one
line what each changes:

* "Dropconnect [Li Wan, ICML'13]: Dropout delete neurons, Dropconnect deletes the
  connection between neurons" — the mask falls on the hidden layer's *weights*
  (:func:`reference.regularize.dropconnect_forward`, one mask per mini-batch);
* "Annealed dropout [S.J. Rennie, SLT'14]: Dropout rate decreases by epochs" — the rate
  falls linearly from :math:`p_0` to 0 over the training
  (:func:`reference.data.noise.annealed_dropout_rate`);
* "Standout [J. Ba, NISP'13]: Each neural has different dropout rate" — unit :math:`i`
  of example :math:`n` is kept with probability
  :math:`q_{ni} = \operatorname{sigmoid}(\alpha r_{ni} + \beta)`, computed from the layer's own
  pre-activation :math:`r = b + x W^T` (the paper's tied form, :math:`W_s = W`, :math:`b_s = b`;
  :func:`reference.regularize.standout_forward`); here :math:`\alpha = 1`, :math:`\beta = 0`,
  so a unit that is strongly on is kept more often than one near its threshold, and at test
  time the layer outputs its expectation :math:`a \odot q`.

The slide prints no numbers (it is a list of references), so the table has no slide number
to put beside this run's. What the lecture claims of all of them is what the recipe claims
of dropout (003 "Recipe of Deep Learning"): dropout is a tool for *good results on testing
data*, not for the training data: it makes the network's training and testing accuracies
closer. Each variant is judged on that claim: its train–test gap (training accuracy of the
test-time network minus test accuracy) against the same network trained without dropout,
from the same initial weights, with the difference measured over several seeds.

The network and why: 64-200-200-10, two ReLU hidden layers and a softmax output, cross
entropy, Adam (:math:`\eta = 0.002`), mini-batches of 20, 60 epochs. Two ReLU layers this wide
learn 300 training images perfectly within a few epochs, so without regularisation the
training accuracy is 100% and the test accuracy several points lower: the gap the slide's
remedies are for. (A sigmoid network trains more slowly and, in trial runs while writing this
tutorial, left a gap no smaller; one hidden layer showed the variants' differences less.) Every
variant acts on both hidden layers, with :math:`p = 0.5` (dropout, and DropConnect on each hidden
layer's weights) and :math:`p_0 = 0.5` (annealed), all in the inverted form (the kept units or
weights scaled by :math:`1/(1-p)` while training, the network unchanged at test time). On these
small, easy images the differences between the settings are about a point of accuracy, the size
of the seeds' own spread: the verdicts weigh each against it, and some come out too close to
call. DropConnect at :math:`p = 0.5` on every hidden layer's weights (including the first
layer's, which see the 64 pixels) trained more slowly and, in the trial runs, widened the gap
rather than narrowing it: the run's verdict says whether this seed set agrees.

The training loop is written out with the backend's primitives (``B.dense_forward``,
``B.dropout_forward``, ``B.dropconnect_forward``, ``B.standout_forward``,
``B.softmax_cross_entropy``, their backwards and ``B.adam_update``), so that what each
variant changes is visible in a few lines. Every mask, standout's uniform draws and the
mini-batch order come from one :class:`numpy.random.Generator` per run (seed and setting);
the five settings of a seed start from the same initial weights and see the same 300
training images.

Data: scikit-learn's 8×8 digits (``reference.data.load_digits``), a random 300 of the
1,347 training images per seed (a small training set, so that regularisation matters) and
all 450 test images. ``--quick``: 2 seeds, 8 epochs, 64 units per hidden layer (a smoke test); the
CUDA simulator: 20 images, 4 units per hidden layer, one epoch.

Concept: regularize.dropout_variants, regularize.dropout

Run: ``python -m tutorials.dropout_variants [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.data.noise import annealed_dropout_rate, dropout_mask

from ._common import Noise, digits, one_blas_thread, pyplot, slide, tutorial_main, verdict

SETTINGS = ("no dropout", "dropout", "DropConnect", "annealed dropout", "standout")
P = 0.5                     # dropout's and DropConnect's rate
P0 = 0.5                    # annealed dropout's first rate, falling to 0 at the last epoch
ALPHA, BETA = 1.0, 0.0      # standout's keep probability q = sigmoid(ALPHA * r + BETA), tied weights
HIDDEN = 200
LAYERS = 2                  # hidden layers, each with the setting's noise
N_TRAIN = 300
EPOCHS = 60
BATCH = 20
ETA = 0.002
SEEDS = 8


def init_weights(rng, hidden, layers, dtype):
    """Glorot-uniform weights and zero biases of the 64-hidden-…-10 network: ``[W1, b1, …, W_out, b_out]``."""
    sizes = [64] + [hidden] * layers + [10]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        params += [rng.uniform(-limit, limit, (fan_out, fan_in)).astype(dtype), np.zeros(fan_out, dtype)]
    return params


def hidden_train(B, setting, x, W, b, rng, p):
    """One hidden layer while training, with ``setting``'s noise; returns its output and its backward
    (``dh`` → ``dx, dW, db``)."""
    if setting == "DropConnect":
        mask = dropout_mask(rng, W.shape, p, dtype=x.dtype)        # one mask on the weights per batch
        r, c1 = B.dropconnect_forward(x, W, b, mask, p)
        h, c2 = B.relu_forward(r)

        def backward(dh):
            (dr,) = B.relu_backward(dh, c2)
            return B.dropconnect_backward(dr, c1)
        return h, backward
    if setting == "standout":
        u = rng.random((x.shape[0], W.shape[0])).astype(x.dtype)   # kept where u < q
        h, c = B.standout_forward(x, W, b, W, b, u, alpha=ALPHA, beta=BETA, activation="relu")
        return h, lambda dh: B.standout_backward(dh, c)
    a, c1 = B.dense_forward(x, W, b, activation="relu")
    if setting == "no dropout":
        return a, lambda dh: B.dense_backward(dh, c1)
    mask = dropout_mask(rng, a.shape, p, dtype=x.dtype)           # dropout and annealed dropout
    h, c2 = B.dropout_forward(a, mask, p)

    def backward(dh):
        (da,) = B.dropout_backward(dh, c2)
        return B.dense_backward(da, c1)
    return h, backward


def predict(B, setting, x, params):
    """The test-time network's scores (inverted forms: the trained weights unchanged; standout: a * q)."""
    h = x
    for W, b in zip(params[0:-2:2], params[1:-2:2]):
        if setting == "standout":
            h, _ = B.standout_forward(h, W, b, W, b, None, alpha=ALPHA, beta=BETA, activation="relu", training=False)
        else:
            h, _ = B.dense_forward(h, W, b, activation="relu")
    z, _ = B.dense_forward(h, params[-2], params[-1], activation="linear")
    return np.asarray(B.to_host(z))


def accuracy(B, setting, x, labels, params):
    return float(np.mean(np.argmax(predict(B, setting, x, params), axis=1) == labels))


def train(B, setting, params, x, y, x_test, labels_test, *, epochs, batch, rng):
    """Adam on the mini-batches of one run; returns the trained weights and the test accuracy per epoch."""
    params = [w.copy() for w in params]
    states = [B.adam_init(w) for w in params]
    curve = []
    n = x.shape[0]
    for epoch in range(epochs):
        p = annealed_dropout_rate(epoch, P0, epochs) if setting == "annealed dropout" else P
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            h, backwards = x[idx], []
            for W, b in zip(params[0:-2:2], params[1:-2:2]):
                h, backward = hidden_train(B, setting, h, W, b, rng, p)
                backwards.append(backward)
            z, c_out = B.dense_forward(h, params[-2], params[-1], activation="linear")
            _, dz = B.softmax_cross_entropy(z, y[idx])
            dh, dW, db = B.dense_backward(dz, c_out)
            grads = [dW, db]
            for backward in reversed(backwards):
                dh, dW, db = backward(dh)
                grads = [dW, db] + grads
            for i, g in enumerate(grads):
                params[i], states[i] = B.adam_update(params[i], g, states[i], eta=ETA)
        curve.append(accuracy(B, setting, x_test, labels_test, params))
    params = [np.asarray(B.to_host(w)) for w in params]
    return params, curve


def run(ctx):
    B = ctx.backend
    x_all, y_all, x_test, y_test = digits(ctx)
    labels_all, labels_test = np.argmax(y_all, axis=1), np.argmax(y_test, axis=1)
    hidden = ctx.sized(HIDDEN, 64, sim=4)
    epochs = ctx.sized(EPOCHS, 8, sim=1)
    n_seeds = ctx.sized(SEEDS, 2, sim=2)
    n_train = min(N_TRAIN, x_all.shape[0])
    seeds = [ctx.seed + s for s in range(n_seeds)]
    results = {name: dict(train=[], test=[], curves=[]) for name in SETTINGS}
    with one_blas_thread():
        for seed in ctx.progress(seeds, "seeds"):
            pick = np.random.default_rng([seed, 0]).choice(x_all.shape[0], n_train, replace=False)
            x, y, labels = x_all[pick], y_all[pick], labels_all[pick]
            start = init_weights(np.random.default_rng([seed, 1]), hidden, LAYERS, x.dtype)
            for k, name in enumerate(SETTINGS):
                rng = np.random.default_rng([seed, 2, k])      # this run's masks, draws and batch order
                params, curve = train(B, name, start, x, y, x_test, labels_test, epochs=epochs,
                                      batch=BATCH, rng=rng)
                r = results[name]
                r["train"].append(accuracy(B, name, x, labels, params))
                r["test"].append(curve[-1])
                r["curves"].append(curve)
            ctx.log(f"seed {seed}: " + ", ".join(f"{name} {results[name]['train'][-1]:.3f}/"
                                                f"{results[name]['test'][-1]:.3f}" for name in SETTINGS))
    for r in results.values():
        # Accuracies are multiples of 1/n; rounding to 12 decimals drops the float residue (1e-17)
        # that would otherwise show where two settings' gaps are equal.
        r["gap"] = np.round(np.array(r["train"]) - np.array(r["test"]), 12)
    base = results["no dropout"]["gap"]
    sd = lambda v: float(np.std(v, ddof=1))  # noqa: E731
    ctx.table(
        f"{slide('003-II', 'More about dropout')}: 64-{'-'.join([str(hidden)] * LAYERS)}-10 ReLU/softmax, "
        f"{n_train} training images, Adam, batch {BATCH}, {epochs} epochs, {n_seeds} seeds, backend {B.name}",
        ["setting", "slide", "training accuracy", "test accuracy", "train−test gap", "gap: sd over seeds",
         "gap − no dropout's gap"],
        [[name, None, np.mean(r["train"]), np.mean(r["test"]), np.mean(r["gap"]), sd(r["gap"]),
          None if name == "no dropout" else float(np.round(np.mean(r["gap"] - base), 12))]
         for name, r in results.items()],
        note=f"Means over {n_seeds} seeds (each: its own draw of {n_train} of the {x_all.shape[0]:,} training images "
             f"and its own initial weights, shared by the five settings). The training accuracy is the test-time network's on the training images. "
             f"The slide prints no numbers (—): it names the variants. p = {P} (dropout, DropConnect), "
             f"p0 = {P0} falling linearly to 0 (annealed), standout tied with alpha = {ALPHA}, beta = {BETA}.")
    where = slide("003-II", "More about dropout", "Recipe of Deep Learning")
    for name in SETTINGS[1:]:
        diff = results[name]["gap"] - base
        noise = Noise(2.0 * sd(diff) / np.sqrt(diff.size),
                      f"two standard errors of the mean paired difference of the gaps over {diff.size} seeds "
                      f"(same images and initial weights)")
        verdict(ctx, where, f"{name} is for good results on testing data: its train−test gap is below "
                            f"no dropout's", None,
                {"no dropout": float(np.mean(base)), name: float(np.mean(results[name]["gap"]))}, noise,
                higher_is_better=False, winner=name)
    plot(ctx, results, epochs, n_train)


def plot(ctx, results, epochs, n_train):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ep = np.arange(1, epochs + 1)
    for name, r in results.items():
        curves = np.array(r["curves"])
        mean = curves.mean(axis=0)
        line, = ax.plot(ep, mean, label=name)
        if curves.shape[0] > 1:
            ax.fill_between(ep, curves.min(axis=0), curves.max(axis=0), color=line.get_color(), alpha=0.12)
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy (test-time network)")
    ax.set_title(f"Dropout and its variants on {n_train} digits: test accuracy per epoch", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ctx.figure(fig, "dropout_variants_test_accuracy.png",
               "Test accuracy per epoch of the two-hidden-layer ReLU network without dropout and with dropout, "
               "DropConnect, annealed dropout and standout: the mean over the seeds, and the band from their "
               "lowest to their highest.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
