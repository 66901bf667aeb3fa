r"""Practice – the variance of the prediction error: refit on many resampled training sets and measure the spread.

Reruns the second course's practice step (``001_2b35647283c26347.txt``):

* 001 "Errors of ML models": "ML models learned from training data will have bias and
  variances"; "Variances of ML models": each model learned from its own sampled data;
  "Simpler model is less influenced by the sampled data";
* 001 "Bias and variance of ML models": the true function, many :math:`f^*`, their average
  :math:`\bar f`;
* 001 "Practice – Variance of model prediction errors": 'Run "1. 2.4. Variance of
  predicting error.ipynb".'; "Errors of ML model → Reduce variances": "More data" (10 vs
  100 examples), "Regularization".

For each setting the network is refitted on :data:`RESAMPLES` = 16 training sets, each a fresh
draw of the noise at the evenly spaced points (and fresh initial weights). On the dense
grid, :math:`\bar f(x)` is the average of the fits, the *variance* is
:math:`\frac1R\sum_r \overline{(f_r(x) - \bar f(x))^2}` (over the grid) and the *bias²* is
:math:`\overline{(\bar f(x) - f(x))^2}`. Three claims are judged against the 1-64-64-1
network on 12 samples: more data (48 samples) lowers the variance; regularization
(``l2(1e-3)``) lowers it; the simpler 1-8-1 network has less variance. The noise of a
variance is two standard errors of the difference of two means of the per-fit squared
deviations (independent fits). Data: **synthetic**, the cubic :math:`f(x) = x^3 - x`, noise
of standard deviation 0.3 (:mod:`tutorials._practice`). ``--quick``: 3 resamples, 60 epochs,
a smoke test.

Concept: generalize.bias_variance, regularize.l2, generalize.overfit

Run: ``python -m tutorials.practice_variance [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.keras import regularizers

from . import _practice as P
from ._common import pyplot, seed_noise, slide, tutorial_main, verdict

RESAMPLES = 16
EPOCHS = 400
MORE = 48
BASE = "1-64-64-1, 12 samples"


def run(ctx):
    epochs = ctx.sized(EPOCHS, 60, sim=2)
    resamples = ctx.sized(RESAMPLES, 3, sim=2)
    settings = {BASE: ({}, P.N_TRAIN),
                f"1-64-64-1, {MORE} samples (more data)": ({}, MORE),
                "1-64-64-1 + l2(1e-3), 12 samples (regularization)": (
                    dict(kernel_regularizer=regularizers.l2(1e-3)), P.N_TRAIN),
                "1-8-1, 12 samples (simpler model)": (dict(hidden=(8,)), P.N_TRAIN)}
    seed_list = [ctx.seed + 1000 + r for r in range(resamples)]
    results, f = {}, None
    for name, (kwargs, n) in settings.items():
        runs, data = P.compare(ctx, {name: kwargs}, epochs, n_train=n, seed_list=seed_list)
        curves = np.array([r["curve"] for r in runs[name]])
        f = data.f_test.ravel()
        mean_curve = curves.mean(axis=0)
        dev = ((curves - mean_curve) ** 2).mean(axis=1) * resamples / (resamples - 1)
        results[name] = dict(curves=curves, mean=mean_curve, dev=dev, variance=float(dev.mean()),
                             bias2=float(np.mean((mean_curve - f) ** 2)), test=P.mean(runs[name], "test"),
                             train=P.mean(runs[name], "train"))
    x = data.x_test.ravel()
    where = slide("001", "Practice – Variance of model prediction errors")
    ctx.table(f"{where}: {resamples} resampled training sets per setting, {epochs} epochs, backend {ctx.backend.name}",
              ["setting", "training MSE", "testing MSE", "bias²", "variance", "bias² + variance + σ²"],
              [[name, r["train"], r["test"], r["bias2"], r["variance"], r["bias2"] + r["variance"] + P.NOISE ** 2]
               for name, r in results.items()],
              note="Mean over the resamples and the grid. The expected testing MSE is bias² + variance + the noise's "
                   f"variance σ² = {P.NOISE ** 2:.2f}; the slides print no numbers.")
    base = results[BASE]
    for (name, r), (title, claim) in zip(list(results.items())[1:], (
            ("Errors of ML model → Reduce variances", "more data reduces the variance"),
            ("Errors of ML model → Reduce variances", "regularization reduces the variance"),
            ("Variances of ML models", "a simpler model is less influenced by the sampled data: less variance"))):
        verdict(ctx, slide("001", title), claim, None, {BASE: base["variance"], name: r["variance"]},
                seed_noise(base["dev"], r["dev"]), higher_is_better=False, winner=name)
    plt = pyplot()
    fig, axes = plt.subplots(1, len(results), figsize=(4.6 * len(results), 4.2), sharey=True)
    for ax, (name, r) in zip(axes, results.items()):
        for c in r["curves"]:
            ax.plot(x, c, color="tab:red", lw=0.5, alpha=0.4)
        ax.plot(x, r["mean"], color="tab:blue", lw=2, label="average f̄")
        ax.plot(x, f, color="k", lw=2, label=f"truth {P.FUNCTION}")
        ax.set_title(f"{name}\nbias² {r['bias2']:.3f}, variance {r['variance']:.3f}", fontsize=9)
        ax.set_ylim(float(f.min()) - 1.5, float(f.max()) + 1.5)
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("y")
    axes[0].legend(fontsize=7)
    fig.suptitle(f"{slide('001', 'Bias and variance of ML models')}: red, the {resamples} fits f*; blue, their "
                 "average; black, the truth", fontsize=10)
    fig.tight_layout()
    ctx.figure(fig, "practice_variance.png",
               "The fits on resampled training sets (red), their average (blue) and the truth (black), per setting.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
