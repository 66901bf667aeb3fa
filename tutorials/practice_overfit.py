r"""Practice – overfitting: a 1-64-64-1 network on 12 noisy samples fits the noise and does worse on unseen data.

Reruns the second course's practice step (``001_2b35647283c26347.txt``):

* 001 "Overfitting problem – NN performs well on training data but not good on test data":
  the table of symptoms — underfitting: high training error, close to the testing error;
  overfitting: "very low training error", "training error much lower than test error",
  "high variance";
* 001 "Practice – Overfitting": 'Run "1. 2.2. Overfitting.ipynb", observe the overfitting
  problem.'; "A more complex model does not always lead to better performance on testing
  data. This is **Overfitting**. ➔ Select suitable model".

The slides print no numbers. Three claims are judged over several seeds: the large
network's training error falls below the noise's variance (it has learned the noise,
which no function of :math:`x` can predict); its training error is much lower than its
testing error, a gap larger than a small network's (1-8-1); and the more complex model
is not the better one on testing data. Data: **synthetic**, the homework's cubic
:math:`f(x) = x^3 - x` at 12 evenly spaced points with noise of standard deviation 0.3
(:mod:`tutorials._practice`). ``Adam(lr=0.01)``, full batch, the same epochs for both
networks. ``--quick``: 2 seeds, 60 epochs, a smoke test.

Concept: generalize.overfit, model.dense, loss.mse

Run: ``python -m tutorials.practice_overfit [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from . import _practice as P
from ._common import Noise, slide, tutorial_main, verdict

SMALL = (8,)


def run(ctx):
    epochs = ctx.sized(P.EPOCHS, 60, sim=2)
    big, small = "1-64-64-1", "1-8-1"
    runs, data = P.compare(ctx, {big: {}, small: dict(hidden=SMALL)}, epochs)
    where = slide("001", "Overfitting problem – NN performs well on training data but not good on test data")
    ctx.table(f"{slide('001', 'Practice – Overfitting')}: {P.FUNCTION} from {P.N_TRAIN} samples, {epochs} epochs, "
              f"{len(runs[big])} seeds (mean ± sd), backend {ctx.backend.name}",
              ["network"] + P.ERROR_COLUMNS, P.error_rows(runs),
              note=f"The noise's variance is {P.NOISE ** 2:.2f}: a training MSE below it means the network has "
                   "fitted part of the noise; the testing MSE can not go below it.")
    b = runs[big]
    train = np.array([r["train"] for r in b])
    verdict(ctx, where, f"very low training error: the {big} network's training MSE is below the noise's variance",
            None, {"training MSE": float(train.mean()), "noise variance": P.NOISE ** 2},
            Noise(2.0 * float(train.std(ddof=1) / np.sqrt(train.size)),
                  f"two standard errors of the mean training MSE over {train.size} seeds"),
            higher_is_better=False, winner="training MSE")
    gaps = {name: [{"gap": r["test"] - r["train"]} for r in rs] for name, rs in runs.items()}
    verdict(ctx, where, "training error much lower than test error: the testing − training gap is larger for the "
                        f"complex {big} network than for the {small} network",
            None, {name: P.mean(g, "gap") for name, g in gaps.items()},
            P.paired_noise(gaps[big], gaps[small], key="gap"), winner=big)
    verdict(ctx, slide("001", "Overfitting problem"), "a more complex model does not always lead to better "
                                                      f"performance on testing data: {big} tests no better than {small}",
            None, {name: P.mean(rs, "test") for name, rs in runs.items()},
            P.paired_noise(runs[big], runs[small]), higher_is_better=False, winner=small)
    P.plot_fits(ctx, "practice_overfit.png",
                f"The {big} and {small} networks fitted to the same 12 samples (first seed) against the truth, "
                "and their training and validation losses per epoch: the large network's training loss keeps "
                "falling below the noise while its validation loss turns up.",
                data, {name: rs[0]["curve"] for name, rs in runs.items()}, f"{where.split(',')[0]}: overfitting",
                {name: rs[0]["history"] for name, rs in runs.items()})


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
