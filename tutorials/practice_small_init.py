r"""Practice – regularization with small initial weights: start every weight near zero.

Reruns the second course's practice step (``001_2b35647283c26347.txt``):

* 001 "Practice – Regularization with small initial weights": 'Run "1. 2.3.
  Initialize_small_weights.ipynb". By initializing NN weight using small values we can
  also do regularization.'

Every ``Dense`` kernel is drawn by
:class:`reference.keras.initializers.RandomNormal` ``(stddev=σ)`` for each σ of
:data:`STDDEVS` (the biases start at 0), beside Keras's default Glorot uniform (standard
deviation about 0.18 for the 1→64 layer, 0.125 for 64→64). The claim judged, over
several seeds (each seed's networks train on the same samples): the network started
from small weights (σ = :data:`SMALL`) tests better than the one started from large
weights (σ = :data:`LARGE`). The table shows every σ, and so whether smaller is always
better: a start too close to zero leaves a ReLU network's gradients tiny too. Data:
**synthetic**, the cubic :math:`f(x) = x^3 - x` at 12 evenly spaced points, noise of
standard deviation 0.3 (:mod:`tutorials._practice`); ``Adam(lr=0.01)``, full batch.
``--quick``: 2 seeds, 60 epochs, a smoke test.

Concept: regularize.small_init, generalize.overfit

Run: ``python -m tutorials.practice_small_init [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.keras.initializers import RandomNormal

from . import _practice as P
from ._common import slide, tutorial_main, verdict

STDDEVS = (0.01, 0.1, 1.0)
SMALL, LARGE = 0.1, 1.0


def run(ctx):
    epochs = ctx.sized(P.EPOCHS, 60, sim=2)
    settings = {f"RandomNormal(stddev={s:g})": dict(kernel_initializer=RandomNormal(stddev=s)) for s in STDDEVS}
    settings["Glorot uniform (Keras's default)"] = {}
    runs, data = P.compare(ctx, settings, epochs)
    where = slide("001", "Practice – Regularization with small initial weights")
    rows = P.error_rows(runs)
    for row, rs in zip(rows, runs.values()):
        start = [float(np.sqrt(np.mean(np.concatenate([k.ravel() for k in P.kernels(r["model"])]) ** 2)))
                 for r in rs]
        row.insert(1, f"{np.mean(start):.3f}")
    ctx.table(f"{where}: {P.FUNCTION} from {P.N_TRAIN} samples, 1-64-64-1 ReLU, {epochs} epochs, "
              f"{len(next(iter(runs.values())))} seeds (mean ± sd), backend {ctx.backend.name}",
              ["initial kernels", "rms weight after training"] + P.ERROR_COLUMNS, rows,
              note="The slides print no numbers.")
    small, large = f"RandomNormal(stddev={SMALL:g})", f"RandomNormal(stddev={LARGE:g})"
    verdict(ctx, where, f"small initial weights regularize: σ = {SMALL:g} tests better than σ = {LARGE:g}",
            None, {small: P.mean(runs[small], "test"), large: P.mean(runs[large], "test")},
            P.paired_noise(runs[small], runs[large]), higher_is_better=False, winner=small)
    P.plot_fits(ctx, "practice_small_init.png",
                "Networks started from RandomNormal(stddev=σ) kernels and from Glorot uniform, trained alike "
                "(first seed): the fitted curves, and the loss per epoch of the small and the large start.",
                data, {name: rs[0]["curve"] for name, rs in runs.items()}, f"{where}",
                {name: runs[name][0]["history"] for name in (small, large)})


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
