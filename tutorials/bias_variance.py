r"""Bias and variance: 5000 fitted polynomials of degree 1, 3 and 5, their average and the truth.

Reruns lecture 2 of the MLP course (``001_2b35647283c26347.txt``), slides "Errors of ML
models" ("ML models learned from training data will have bias and variances"), "Variances
of ML models" (each model learned from its own sample; degree 1 has small variance,
degree 5 large: "Simpler model is less influenced by the sampled data"), "Bias and
variance of ML models" (black curve the true function :math:`\hat f`, red curves 5000
:math:`f^*`, blue curve their average :math:`\bar f`; degree 1 large bias, degree 5 small)
and "Errors of ML model → Reduce variances" ("More data": 10 examples against 100).

Data: SYNTHETIC. The true function is :math:`\hat f(x) = \sin(3x)` on :math:`x \in [-1, 1]`
(chosen here; the slide's is not given); each sample is 100 points with :math:`x` uniform
and labels :math:`\hat f(x)` plus Gaussian noise of standard deviation 0.5. Each degree is
fitted 5000 times (``--quick``: 50) by least squares with the backend's ``closed_form`` on
the features :math:`x, \dots, x^K` and evaluated on a grid with the backend's
``polynomial_forward``; :func:`reference.model_selection.bias_variance` averages the
squared bias and the variance over the grid. The same study with 10-point samples shows
the effect of more data. The noise of each number is the spread of ten groups of fits.

Concept: generalize.bias_variance, model.polynomial, opt.closed_form

Run: ``python -m tutorials.bias_variance [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.model_selection import bias_variance, polynomial_features

from ._common import pyplot, seed_noise, slide, tutorial_main, verdict

DEGREES = (1, 3, 5)
NOISE = 0.5
GROUPS = 10


def true_f(x):
    """The true function (chosen here)."""
    return np.sin(3.0 * x)


def fit_many(ctx, rng, degree, n_points, n_fits, grid):
    """``n_fits`` fits of one degree, each on its own sample of ``n_points``: predictions on ``grid`` (n_fits, P)."""
    B = ctx.backend
    out = np.empty((n_fits, grid.size))
    for m in range(n_fits):
        x = rng.uniform(-1.0, 1.0, n_points)
        y = true_f(x) + rng.normal(0.0, NOISE, n_points)
        w, b = B.closed_form(polynomial_features(x, degree), y)
        pred, _ = B.polynomial_forward(grid, w, b)
        out[m] = np.asarray(B.to_host(pred))
    return out


def grouped(predictions, truth):
    """bias² and variance of each of GROUPS equal groups of fits (for the noise)."""
    parts = np.array_split(predictions, GROUPS)
    return np.array([bias_variance(p, truth) for p in parts])


def run(ctx):
    n_fits = ctx.sized(5000, 50, sim=20)
    grid = np.linspace(-1.0, 1.0, ctx.sized(101, 41, sim=21))
    truth = true_f(grid)
    rng = np.random.default_rng(ctx.seed)
    results = {}
    for n_points in (100, 10):
        for d in DEGREES:
            pred = fit_many(ctx, rng, d, n_points, n_fits, grid)
            results[(n_points, d)] = (pred, bias_variance(pred, truth), grouped(pred, truth))
        ctx.log(f"{n_fits} fits per degree on {n_points}-point samples done")
    rows = []
    for d in DEGREES:
        _, (b100, v100), _ = results[(100, d)]
        _, (b10, v10), _ = results[(10, d)]
        rows.append([f"degree {d}", "large" if d == 1 else "small" if d == 5 else "—",
                     "small" if d == 1 else "large" if d == 5 else "—", b100, v100, b100 + v100, b10, v10])
    ctx.table(f"bias² and variance over {n_fits:,} fits per degree (averaged over x in [−1, 1])",
              ["model", "slide: bias", "slide: variance", "bias² (100 points)", "variance (100 points)",
               "bias² + variance", "bias² (10 points)", "variance (10 points)"], rows,
              note="bias² + variance is the mean square distance of a fitted curve from the true one (the label "
                   "noise, 0.25, comes on top for a new label). The slide prints words, not numbers.")
    where = slide("001", "Variances of ML models", "Bias and variance of ML models")
    g = {d: results[(100, d)][2] for d in DEGREES}
    v = {f"degree {d}": results[(100, d)][1][1] for d in DEGREES}
    top = sorted(DEGREES, key=lambda d: results[(100, d)][1][1])[-2:]
    verdict(ctx, where, "the simpler model is less influenced by the sampled data: degree 5 has the largest "
            "variance", None, v, seed_noise(g[top[0]][:, 1], g[top[1]][:, 1]), winner="degree 5")
    bias = {f"degree {d}": results[(100, d)][1][0] for d in DEGREES}
    low = sorted(DEGREES, key=lambda d: results[(100, d)][1][0])[:2]
    verdict(ctx, where, "degree 5 has the smallest bias (degree 1 the largest)", None, bias,
            seed_noise(g[low[0]][:, 0], g[low[1]][:, 0]), higher_is_better=False, winner="degree 5")
    # Judged on degree 3: degree 5 on 10 points (six parameters) has rare near-singular samples whose
    # wild fits make the variance's own noise as large as the variance (the table shows it anyway).
    more = {"10 examples": results[(10, 3)][1][1], "100 examples": results[(100, 3)][1][1]}
    verdict(ctx, slide("001", "Errors of ML model → Reduce variances"), "more data reduces the variance "
            "(degree 3)", None, more, seed_noise(results[(10, 3)][2][:, 1], results[(100, 3)][2][:, 1]),
            higher_is_better=False, winner="100 examples")
    plot(ctx, results, grid, truth, n_fits)


def plot(ctx, results, grid, truth, n_fits):
    plt = pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True, sharey=True)
    for row, n_points in enumerate((100, 10)):
        for ax, d in zip(axes[row], DEGREES):
            pred, (b2, var), _ = results[(n_points, d)]
            shown = pred[:200]
            ax.plot(grid, shown.T, color="red", lw=0.4, alpha=0.15)
            ax.plot(grid, pred.mean(axis=0), color="blue", lw=2, label="average f̄")
            ax.plot(grid, truth, color="black", lw=2, ls="--", label="true f̂")
            ax.set_ylim(-2.5, 2.5)
            ax.set_title(f"degree {d}, {n_points} points: bias² {b2:.3g}, variance {var:.3g}", fontsize=9)
            ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8, loc="lower right")
    fig.suptitle(f"{slide('001', 'Bias and variance of ML models')}: red = {min(200, n_fits)} of the "
                 f"{n_fits:,} fitted curves f*", fontsize=10)
    fig.tight_layout()
    ctx.figure(fig, "bias_variance.png", "Fitted polynomials of degree 1, 3 and 5 (red), their average (blue) "
               "and the true function (black), on 100-point samples (top) and 10-point samples (bottom).")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
