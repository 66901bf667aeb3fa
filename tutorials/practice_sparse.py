r"""Practice – learn from sparse data: an MLP learns a 1-D mapping from 12 noisy samples, and more data helps.

Reruns the second course's practice step (``001_2b35647283c26347.txt``):

* 001 "Practice – Learn from sparse data": 'Run "1. 2.1. Learn from sparse data.ipynb",
  try to improve the training results.';
* 001 "HW3 (1)": 'Change the linear equation … to quadratic or cubic equation. Sample sparse
  data and build a MLP to learn the mapping :math:`y = f(x)`.'

The slides print no numbers. Two claims are judged: the MLP does learn the mapping from
the sparse samples (its testing error is below that of the best straight line through the
same samples, fitted by least squares — what a linear model can do with a cubic), and the
fit improves with more samples (the same network on 48 evenly spaced samples instead of
12). Data: **synthetic**, the homework's cubic :math:`f(x) = x^3 - x` with noise of
standard deviation 0.3, a dense testing grid of 200 points (:mod:`tutorials._practice`).
Network: 1-64-64-1 ReLU, ``Adam(lr=0.01)``, full batch, :data:`EPOCHS` epochs (before the
network starts to chase the noise: see ``practice_overfit``). Several seeds; the noise is
the spread of the paired differences. ``--quick``: 2 seeds, 60 epochs, a smoke test.

Concept: task.kinds, model.dense, act.relu, loss.mse

Run: ``python -m tutorials.practice_sparse [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from . import _practice as P
from ._common import slide, tutorial_main, verdict

EPOCHS = 300
MORE = 48               # "more data": four times the sparse set


def line_fit(data):
    """The least-squares straight line through the training samples, evaluated like a model."""
    X = np.hstack([np.ones_like(data.x_train, dtype=np.float64), data.x_train.astype(np.float64)])
    coef, *_ = np.linalg.lstsq(X, data.y_train.astype(np.float64), rcond=None)
    curve = coef[0, 0] + coef[1, 0] * data.x_test.ravel().astype(np.float64)
    line = lambda x: coef[0, 0] + coef[1, 0] * x.ravel().astype(np.float64)  # noqa: E731
    train = line(data.x_train)
    return {"train": P.mse(train, data.y_train.ravel()), "val": P.mse(line(data.x_val), data.y_val.ravel()),
            "test": P.mse(curve, data.y_test.ravel()), "truth": P.mse(curve, data.f_test.ravel()), "curve": curve}


def run(ctx):
    epochs = ctx.sized(EPOCHS, 60, sim=2)
    sparse, data = P.compare(ctx, {"MLP, 12 samples": {}}, epochs)
    more, data_more = P.compare(ctx, {f"MLP, {MORE} samples": {}}, epochs, n_train=MORE)
    lines = [line_fit(P.draw(s)) for s in P.seeds(ctx)]
    runs = {"straight line (least squares), 12 samples": lines, **sparse, **more}
    where = slide("001", "Practice – Learn from sparse data")
    ctx.table(f"{where}: {P.FUNCTION} + noise (sd {P.NOISE}), {epochs} epochs, {len(lines)} seeds "
              f"(mean ± sd), backend {ctx.backend.name}",
              ["model"] + P.ERROR_COLUMNS, P.error_rows(runs),
              note="The slides print no numbers. Testing MSE includes the noise's variance "
                   f"{P.NOISE ** 2:.2f}; 'MSE against f' leaves it out.")
    mlp = sparse["MLP, 12 samples"]
    verdict(ctx, slide("001", "HW3 (1)"), "an MLP learns the mapping y = f(x) from sparse samples: its testing error "
                                         "is below the best straight line's",
            None, {"straight line": P.mean(lines, "test"), "MLP": P.mean(mlp, "test")},
            P.paired_noise(lines, mlp), higher_is_better=False, winner="MLP")
    big = more[f"MLP, {MORE} samples"]
    verdict(ctx, where, f"more samples improve the fit: {MORE} samples give a lower testing error than 12",
            None, {"12 samples": P.mean(mlp, "test"), f"{MORE} samples": P.mean(big, "test")},
            P.paired_noise(mlp, big), higher_is_better=False, winner=f"{MORE} samples")
    P.plot_fits(ctx, "practice_sparse.png",
                "The MLP and the straight line fitted to 12 sparse samples (points), and the MLP fitted to 48 "
                "(first seed), against the truth; the loss curves of the 12-sample fit.",
                data, {"straight line, 12 samples": lines[0]["curve"], "MLP, 12 samples": mlp[0]["curve"],
                       f"MLP, {MORE} samples": big[0]["curve"]},
                f"{where}: {P.FUNCTION}", {"MLP, 12 samples": mlp[0]["history"]})


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
