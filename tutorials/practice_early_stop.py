r"""Practice – early stop: stop training when the validation loss stops falling, and keep the best epoch's weights.

Reruns the second course's practice step (``001_2b35647283c26347.txt``):

* 001 "Early stopping" (the Keras FAQ: "how can I interrupt training when the validation
  loss isn't decreasing anymore");
* 001 "Practice – Early stop": 'Run "1. 2.3. Early stop.ipynb", observe how the
  overfitting problem is reduced.'

The model layer's callback ``EarlyStopping(monitor='val_loss', patience=…,
restore_best_weights=True)`` watches the validation loss of 12 held-out samples after every
epoch, stops once it has not improved for :data:`PATIENCE` epochs, and puts back the best
epoch's weights. The same rule, applied after the fact to the validation curve of the run
without the callback, is :func:`reference.training.early_stopping`: both runs of a seed
start from the same weights and take the same steps until the callback stops, so the two
must name the same epochs (a check, in the second table). The claim judged: the
early-stopped network's testing error is lower than that of the network trained for all
:data:`tutorials._practice.EPOCHS` epochs (several seeds; the noise is the spread of the
paired differences). Data: **synthetic**, the cubic :math:`f(x) = x^3 - x` at 12 evenly
spaced points, noise of standard deviation 0.3 (:mod:`tutorials._practice`).
``--quick``: 2 seeds, 60 epochs, patience 10, a smoke test.

Concept: regularize.early_stop, data.split, generalize.overfit

Run: ``python -m tutorials.practice_early_stop [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

from reference.keras import EarlyStopping
from reference.training import early_stopping

from . import _practice as P
from ._common import slide, tutorial_main, verdict

PATIENCE = 100


def run(ctx):
    epochs = ctx.sized(P.EPOCHS, 60, sim=2)
    patience = ctx.sized(PATIENCE, 10, sim=1)
    full, stop = f"all {epochs} epochs", f"EarlyStopping(patience={patience})"

    def callbacks(name):
        if name == stop:
            return [EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)]
        return None

    runs, data = P.compare(ctx, {full: {}, stop: {}}, epochs, callbacks=callbacks)
    where = slide("001", "Practice – Early stop")
    ctx.table(f"{where}: {P.FUNCTION} from {P.N_TRAIN} samples, 1-64-64-1 ReLU, {len(runs[full])} seeds "
              f"(mean ± sd), backend {ctx.backend.name}",
              ["training"] + P.ERROR_COLUMNS, P.error_rows(runs),
              note="The early-stopped rows are the restored best epoch's weights.")
    rows, agree = [], 0
    for seed, a, b in zip(P.seeds(ctx), runs[full], runs[stop]):
        cb = b["callbacks"][0]
        rule = early_stopping(a["history"]["val_loss"], patience)
        stopped = cb.stopped_epoch if cb.stopped_epoch > 0 else None
        same = rule.stop_epoch == stopped and rule.best_epoch == cb.best_epoch
        agree += same
        rows.append([seed, stopped if stopped is not None else "—", cb.best_epoch,
                     rule.stop_epoch if rule.stop_epoch is not None else "—", rule.best_epoch, same])
    ctx.table("The callback and the rule: reference.keras.callbacks.EarlyStopping during training vs "
              "reference.training.early_stopping on the full run's validation curve (epochs from 0)",
              ["seed", "callback: stopped after", "callback: best epoch", "rule: stop", "rule: best epoch", "same"],
              rows, note=f"{agree} of {len(rows)} seeds agree.")
    verdict(ctx, where, "early stopping reduces overfitting: the restored best epoch tests better than training "
                        "for all the epochs",
            None, {full: P.mean(runs[full], "test"), stop: P.mean(runs[stop], "test")},
            P.paired_noise(runs[full], runs[stop]), higher_is_better=False, winner=stop)
    P.plot_fits(ctx, "practice_early_stop.png",
                "Trained for all the epochs vs stopped early (first seed): the fitted curves, and the loss per "
                "epoch (the early-stopped run's curves end where it stopped).",
                data, {name: rs[0]["curve"] for name, rs in runs.items()}, f"{where}",
                {name: rs[0]["history"] for name, rs in runs.items()})


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
