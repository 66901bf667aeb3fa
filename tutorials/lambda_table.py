r"""The λ table: regularised regression on many polynomial features, λ from 0 to 100000.

Reruns lecture 2 of the MLP course (``001_2b35647283c26347.txt``), slide "Regularization":
the loss :math:`L'(\theta) = L(\theta) + \lambda\frac12\lVert\theta\rVert_2` (biases not
regularised) and its table of λ = 0, 1, 10, 100, 1000, 10000, 100000 against the training
error (1.9 … 8.5) and the testing error (102.3 … 26.8): the training error rises with λ,
the testing error falls and then rises again ("How smooth? Select λ obtaining the best
model").

Data: SYNTHETIC, because the lecture's data does not ship. The true function is
:math:`f(x) = 200 + 150\sin(2.5x) + 60x` on :math:`x \in [-1, 1]`, the labels add Gaussian
noise of standard deviation 10; 14 training examples, 14 validation examples and 2,000
test examples per draw. The model is linear in ten polynomial features
:math:`300\,x^i` (i = 1 … 10): ten weights and a bias for fourteen examples, so λ = 0
nearly interpolates the noise. The factor 300 sets the features' units, and λ's scale is
set by them: it is chosen here so that the slide's λ grid runs from overfitting to
underfitting. The slide's numbers come from other data, so only the table's *shape* is
compared.

Each λ is fitted by :func:`reference.model_selection.ridge` (the mean square error plus
the slide's :math:`\lambda\frac12\lVert w\rVert^2`); the errors are measured with the
backend's ``linear_forward`` and ``mse``, and λ = 0 is also fitted with the backend's
``closed_form`` (the two agree). The errors are root mean square errors (the slide does
not say which error it prints). λ is chosen on the validation data; the test data is
looked at for the chosen model once (the per-λ test column reproduces the slide's table,
and chooses nothing). The verdicts use the mean over many draws of the data (200; 10
with ``--quick``) and their spread.

Concept: regularize.lambda_sweep, regularize.l2, generalize.overfit, model.polynomial

Run: ``python -m tutorials.lambda_table [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.model_selection import polynomial_features, ridge

from ._common import exact_noise, pyplot, seed_noise, slide, tutorial_main, verdict

LAMS = (0, 1, 10, 100, 1000, 10000, 100000)
SLIDE_TRAIN = (1.9, 2.3, 3.5, 4.1, 5.6, 6.3, 8.5)
SLIDE_TEST = (102.3, 68.7, 25.7, 11.1, 12.8, 18.7, 26.8)
DEGREE, SCALE, NOISE = 10, 300.0, 10.0
N_TRAIN, N_VAL = 14, 14


def true_f(x):
    """The synthetic regression's true function (chosen here)."""
    return 200.0 + 150.0 * np.sin(2.5 * x) + 60.0 * x


def features(x):
    """The ten polynomial features 300·x^i."""
    return SCALE * polynomial_features(x, DEGREE)


def draw(rng, n):
    x = rng.uniform(-1.0, 1.0, n)
    return x, true_f(x) + rng.normal(0.0, NOISE, n)


def rmse(B, phi, y, w, b):
    pred, _ = B.linear_forward(phi, w, b)
    return float(np.sqrt(B.mse(np.asarray(B.to_host(pred)), y)[0]))


def one_draw(B, rng, n_test):
    """One draw of training, validation and test data; the per-λ errors and the λ chosen on validation."""
    (xt, yt), (xv, yv), (xs, ys) = draw(rng, N_TRAIN), draw(rng, N_VAL), draw(rng, n_test)
    pt, pv, ps = features(xt), features(xv), features(xs)
    fits = [ridge(pt, yt, lam) for lam in LAMS]
    train = [rmse(B, pt, yt, w, b) for w, b in fits]
    val = [rmse(B, pv, yv, w, b) for w, b in fits]
    test = [rmse(B, ps, ys, w, b) for w, b in fits]
    best = int(np.argmin(val))
    return dict(x=xt, y=yt, fits=fits, train=train, val=val, test=test, best=best, pt=pt, yt=yt)


def run(ctx):
    B = ctx.backend
    repeats = ctx.sized(200, 10, sim=2)
    n_test = ctx.sized(2000, 300, sim=50)
    rng = np.random.default_rng(ctx.seed)
    draws = [one_draw(B, rng, n_test) for _ in ctx.progress(range(repeats), "draws")]
    first = draws[0]

    # λ = 0 is ordinary least squares: the backend's closed form gives the same fit.
    w_cf, b_cf = B.closed_form(first["pt"], first["yt"])
    w0, b0 = first["fits"][0]
    ctx.note(f"λ = 0 by ridge and by the {B.name} backend's closed_form: the largest difference of the "
             f"weights is {np.max(np.abs(np.asarray(B.to_host(w_cf)) - w0)):.2e} (bias {abs(float(b_cf) - float(b0)):.2e}); "
             f"the features are 300·x^i, so x^10's weight is tiny and ill-determined.")

    rows = [[f"{lam:,}", st, ss, tr, va, te] for lam, st, ss, tr, va, te in
            zip(LAMS, SLIDE_TRAIN, SLIDE_TEST, first["train"], first["val"], first["test"])]
    ctx.table(f"One draw (seed {ctx.seed}): λ → training / validation / testing RMSE",
              ["λ", "slide training", "slide testing", "training", "validation", "testing"], rows,
              note=f"This draw's validation data chooses λ = {LAMS[first['best']]:,}; its test RMSE, looked at "
                   f"once, is {first['test'][first['best']]:.3g}. The slide's errors come from the lecture's data.")

    tr = np.array([d["train"] for d in draws])
    te = np.array([d["test"] for d in draws])
    picked = np.array([d["test"][d["best"]] for d in draws])
    counts = np.bincount([d["best"] for d in draws], minlength=len(LAMS))
    rows = [[f"{lam:,}", st, ss, float(tr[:, i].mean()), float(te[:, i].mean()), float(np.median(te[:, i])),
             int(counts[i])] for i, (lam, st, ss) in enumerate(zip(LAMS, SLIDE_TRAIN, SLIDE_TEST))]
    ctx.table(f"Over {repeats} draws of the data: mean training and testing RMSE per λ",
              ["λ", "slide training", "slide testing", "training (mean)", "testing (mean)", "testing (median)",
               "times chosen on validation"], rows,
              note="At λ = 0 a few draws nearly interpolate the noise and test very badly: the mean is "
                   "larger than the median there. The verdicts use the means.")

    where = slide("001", "Regularization")
    verdict(ctx, where, "the training error rises with λ: the largest λ fits the training data worst",
            {f"λ={lam:g}": v for lam, v in zip(LAMS, SLIDE_TRAIN)},
            {f"λ={lam:g}": float(v) for lam, v in zip(LAMS, tr.mean(axis=0))},
            exact_noise("the training error of a ridge fit cannot fall as λ grows (a property of the minimum)"))
    mean_te = te.mean(axis=0)
    a, b = np.argsort(mean_te)[:2]
    verdict(ctx, where, "the testing error falls and then rises: λ = 100 has the lowest testing error",
            {f"λ={lam:g}": v for lam, v in zip(LAMS, SLIDE_TEST)},
            {f"λ={lam:g}": float(v) for lam, v in zip(LAMS, mean_te)},
            seed_noise(te[:, a], te[:, b]), higher_is_better=False)
    other = 0 if mean_te[0] < mean_te[-1] else len(LAMS) - 1
    verdict(ctx, where, "select λ on validation data: the chosen model tests better than no regularisation "
            "and than the largest λ", None,
            {"λ = 0": float(mean_te[0]), "λ on validation": float(picked.mean()),
             "λ = 100000": float(mean_te[-1])},
            seed_noise(picked, te[:, other]), higher_is_better=False, winner="λ on validation")
    plot(ctx, first, tr, te)


def plot(ctx, first, tr, te):
    plt = pyplot()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    pos = np.array([0.1] + list(LAMS[1:]), dtype=float)
    ax.plot(pos, tr.mean(axis=0), "o-", label="training (this run, mean)")
    ax.plot(pos, te.mean(axis=0), "s-", label="testing (this run, mean)")
    ax.plot(pos, SLIDE_TRAIN, "o:", color="gray", label="training (slide)")
    ax.plot(pos, SLIDE_TEST, "s:", color="black", label="testing (slide)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(pos, ["0"] + [f"{lam:g}" for lam in LAMS[1:]])
    ax.set_xlabel("λ")
    ax.set_ylabel("RMSE")
    ax.set_title(slide("001", "Regularization"), fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    grid = np.linspace(-1, 1, 400)
    ax2.plot(grid, true_f(grid), "k-", lw=2, label="true f")
    ax2.plot(first["x"], first["y"], "ko", ms=4, label="training data")
    for i in (0, LAMS.index(100), len(LAMS) - 1):
        w, b = first["fits"][i]
        ax2.plot(grid, features(grid) @ w + b, label=f"λ = {LAMS[i]:,}")
    ax2.set_ylim(true_f(grid).min() - 100, true_f(grid).max() + 100)
    ax2.set_xlabel("x")
    ax2.set_title("How smooth? The fits of one draw", fontsize=10)
    ax2.legend(fontsize=8)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    ctx.figure(fig, "lambda_table.png", "Training and testing RMSE against λ (this run's means beside the "
               "slide's table), and one draw's fits at λ = 0, 100 and 100000.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
