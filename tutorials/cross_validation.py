r"""N-fold cross-validation against a single split: choosing a polynomial's degree.

Reruns lecture 2 of the MLP course (``001_2b35647283c26347.txt``), slide "Errors of ML
model → Cross validation": choose the model by its error on data held out from training,
each example held out once (N-fold), rather than on one validation split, whose choice
depends on which examples happened to land in it. The slide prints no numbers.

Data: SYNTHETIC. Each data set is 30 points, :math:`x` uniform on [−1, 1], labels
:math:`\sin(3x)` plus Gaussian noise of standard deviation 0.5 (the function of the
``bias_variance`` tutorial). The candidates are the polynomials of degree 1 … 8, fitted by
the backend's ``closed_form`` on :math:`x, \dots, x^K` and evaluated with its
``polynomial_forward``. A single split trains on 20 points and validates on 10; 5-fold
cross-validation (:func:`reference.data.kfold_indices`) averages the validation error of
five fits, each validating on 6 points. Either way the chosen degree is refitted on all 30
points and scored once on 1,000 fresh test points. The study is repeated on many data
sets (500; 20 with ``--quick``): how much the choice varies from data set to data set is
the point.

Concept: generalize.cross_validation, model.polynomial, data.split

Run: ``python -m tutorials.cross_validation [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.data import kfold_indices, split_indices
from reference.model_selection import polynomial_features

from ._common import paired_noise, pyplot, seed_noise, slide, tutorial_main, verdict

DEGREES = tuple(range(1, 9))
N, FOLDS, NOISE = 30, 5, 0.5


def true_f(x):
    return np.sin(3.0 * x)


def fit_and_score(B, x, y, xs, ys, degree):
    """Fit degree ``degree`` on (x, y) with the backend's closed form; the mean square error on (xs, ys)."""
    w, b = B.closed_form(polynomial_features(x, degree), y)
    pred, _ = B.polynomial_forward(xs, w, b)
    return float(B.mse(np.asarray(B.to_host(pred)), ys)[0])


def run(ctx):
    B = ctx.backend
    repeats = ctx.sized(500, 20, sim=3)
    n_test = ctx.sized(1000, 200, sim=50)
    rng = np.random.default_rng(ctx.seed)
    chosen = {"single split": [], f"{FOLDS}-fold": []}
    tested = {"single split": [], f"{FOLDS}-fold": []}
    for _ in ctx.progress(range(repeats), "data sets"):
        x = rng.uniform(-1.0, 1.0, N)
        y = true_f(x) + rng.normal(0.0, NOISE, N)
        xs = rng.uniform(-1.0, 1.0, n_test)
        ys = true_f(xs) + rng.normal(0.0, NOISE, n_test)
        tr, va = split_indices(N, (2 / 3, 1 / 3), rng=rng)
        single = [fit_and_score(B, x[tr], y[tr], x[va], y[va], d) for d in DEGREES]
        folds = kfold_indices(N, FOLDS, rng=rng)
        cv = [np.mean([fit_and_score(B, x[t], y[t], x[v], y[v], d) for t, v in folds]) for d in DEGREES]
        for name, scores in (("single split", single), (f"{FOLDS}-fold", cv)):
            d = DEGREES[int(np.argmin(scores))]
            chosen[name].append(d)
            tested[name].append(fit_and_score(B, x, y, xs, ys, d))
    chosen = {k: np.array(v, dtype=float) for k, v in chosen.items()}
    tested = {k: np.array(v) for k, v in tested.items()}
    rows = []
    for name in chosen:
        counts = np.bincount(chosen[name].astype(int), minlength=max(DEGREES) + 1)[1:]
        rows.append([name, float(chosen[name].mean()), float(chosen[name].std()), float(tested[name].mean())]
                    + [int(c) for c in counts])
    ctx.table(f"Choosing the degree on {repeats} data sets of {N} points: how the choice varies",
              ["selection", "mean degree chosen", "sd of the degree", "test MSE of the choice"]
              + [f"chose {d}" for d in DEGREES], rows,
              note=f"The test MSE includes the label noise ({NOISE ** 2:g}). The slide prints no numbers.")
    where = slide("001", "Errors of ML model → Cross validation")
    sq = {k: (v - v.mean()) ** 2 for k, v in chosen.items()}
    names = list(chosen)
    verdict(ctx, where, f"{FOLDS}-fold cross-validation's choice varies less from data set to data set than "
            "a single split's", None, {k: float(v.mean()) for k, v in sq.items()},
            seed_noise(sq[names[0]], sq[names[1]]), higher_is_better=False, winner=f"{FOLDS}-fold")
    verdict(ctx, where, f"the model chosen by {FOLDS}-fold cross-validation tests better", None,
            {k: float(v.mean()) for k, v in tested.items()}, paired_noise(tested[names[0]], tested[names[1]]),
            higher_is_better=False, winner=f"{FOLDS}-fold")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    width = 0.4
    for i, name in enumerate(names):
        counts = np.bincount(chosen[name].astype(int), minlength=max(DEGREES) + 1)[1:]
        ax.bar(np.array(DEGREES) + (i - 0.5) * width, counts / repeats, width, label=name)
    ax.set_xlabel("degree chosen")
    ax.set_ylabel("fraction of data sets")
    ax.set_title(where, fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    ctx.figure(fig, "cross_validation.png", f"The degree chosen on each of {repeats} data sets: one split "
               f"of 20/10 against {FOLDS}-fold cross-validation.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
