r"""Practice – activation function: the MLP regression with ReLU, then with sigmoid.

Reruns the second course's first practice step (``001_2b35647283c26347.txt``):

* 001 "Practice – Activation function": 'Run "1.2 MLP regression.ipynb", change the
  activation function from ReLU to Sigmoid and explain why the results become worse?';
* 001 "Vanishing gradient problem": smaller gradients near the input, "learn very
  slow"; "Sigmoid is hard to get the power of deep"; "ReLU" (reason 4: the vanishing
  gradient problem).

The slides print no numbers; their claim is the ranking: after the same training, the
sigmoid network's results are worse than the ReLU network's. Data: **synthetic**, the
homework's cubic :math:`f(x) = x^3 - x` from 12 noisy samples, a dense testing grid
(:mod:`tutorials._practice`). The network: 1-64-64-1, ``Adam(lr=0.01)``, full batch; the
two runs of a seed share the samples and the initial weights (only ``Activation(...)``
changes). Judged after :data:`SHORT` epochs (the claim: sigmoid learns slower) and after
the full :data:`tutorials._practice.EPOCHS` (whether it catches up), each over several
seeds; the noise is the spread of the paired differences over the seeds. ``--quick``: 2
seeds, 60 epochs, a smoke test.

Concept: act.sigmoid, act.relu, act.vanishing, model.dense

Run: ``python -m tutorials.practice_activation [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

from . import _practice as P
from ._common import slide, tutorial_main, verdict

SHORT = 200             # a short budget: where a slow learner shows


def run(ctx):
    full = ctx.sized(P.EPOCHS, 60, sim=2)
    short = ctx.sized(SHORT, 20, sim=1)
    settings = {"ReLU": dict(activation="relu"), "sigmoid": dict(activation="sigmoid")}
    where = slide("001", "Practice – Activation function")
    results = {}
    for epochs in (short, full):
        runs, data = P.compare(ctx, settings, epochs)
        results[epochs] = runs
        ctx.table(f"{where}: {P.FUNCTION} from {P.N_TRAIN} samples, 1-64-64-1, {epochs} epochs, "
                  f"{len(runs['ReLU'])} seeds (mean ± sd), backend {ctx.backend.name}",
                  ["activation"] + P.ERROR_COLUMNS, P.error_rows(runs),
                  note="The slides print no numbers: the claim is that the sigmoid network's results are worse.")
        verdict(ctx, where, f"after {epochs} epochs, the sigmoid network's testing error is higher than "
                            "the ReLU network's",
                None, {k: P.mean(v, "test") for k, v in runs.items()},
                P.paired_noise(runs["ReLU"], runs["sigmoid"]), higher_is_better=False, winner="ReLU")
        if epochs == short:
            curves = {f"{k}, {epochs} epochs": v[0]["curve"] for k, v in runs.items()}
    runs = results[full]
    curves.update({f"{k}, {full} epochs": v[0]["curve"] for k, v in runs.items()})
    ctx.note("Why: the sigmoid's derivative is at most 1/4, so each layer shrinks the gradient on its way "
             "to the input (the slides' vanishing gradient); ReLU passes it through unchanged where a unit "
             "is active. With a short budget the sigmoid network is still fitting the curve's overall "
             "shape; given enough epochs (and Adam, which rescales small gradients) it may catch up — the "
             "second table says whether it did here.")
    P.plot_fits(ctx, "practice_activation.png",
                "ReLU vs sigmoid on the sparse samples: the fitted curves after the short and the full budget "
                "(first seed), and the loss curves of the full run.",
                data, curves, f"{where}: ReLU vs sigmoid", {k: v[0]["history"] for k, v in runs.items()})


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
