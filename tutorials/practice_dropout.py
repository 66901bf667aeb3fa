r"""Practice – dropout: each hidden unit dropped with probability p at every update; no dropout at test time.

Reruns the second course's practice step (``001_2b35647283c26347.txt``):

* 001 "Drop out": "Each time before updating the parameters, each neuron has p% to
  dropout"; "for each mini-batch, we resample the dropout neurons"; testing: "no dropout",
  "all the weights times 1−p%";
* 001 "Practice – Drop out": 'Run "1. 2.3. Dropout.ipynb".'; "HW3 (6)": 'study whether the
  overfitting problem can be reduced'.

Each hidden activation is followed by ``Dropout(rate)``, Keras's inverted form: the kept
units are scaled by :math:`1/(1-p)` during training, so that ``predict`` (no dropout) needs
no rescaling; it is the same test-time network as the slide's "weights × (1 − p)". The
masks are drawn on the host by :func:`reference.data.noise.dropout_mask` from the model's
Generator. The claim judged: with dropout the testing error is lower than without (the
rate chosen per seed among :data:`RATES` on the validation samples, never on the testing
grid), over several seeds. Full batch: one mask per epoch. Data: **synthetic**, the cubic
:math:`f(x) = x^3 - x` at 12 evenly spaced points, noise of standard deviation 0.3
(:mod:`tutorials._practice`). ``--quick``: 2 seeds, 60 epochs, a smoke test.

Concept: regularize.dropout, generalize.overfit

Run: ``python -m tutorials.practice_dropout [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

from . import _practice as P
from ._common import slide, tutorial_main

RATES = (0.1, 0.3)


def run(ctx):
    epochs = ctx.sized(P.EPOCHS, 60, sim=2)
    settings = {"no dropout": {}}
    settings.update({f"Dropout({p:g})": dict(dropout=p) for p in RATES})
    where = slide("001", "Practice – Drop out")
    P.regularizer_study(
        ctx, where, "dropout reduces overfitting: the testing error is lower with dropout",
        settings, epochs,
        ("practice_dropout.png", "No dropout vs Dropout(p) after each hidden layer (first seed): the fitted curves "
                                 "(test time: no dropout), and the loss per epoch of the network without dropout and "
                                 "of the rate chosen on validation (its training loss is measured with the masks on)."),
        f"{where}: Dropout(p) after each hidden activation")
    ctx.note("With dropout, the training loss of each epoch is that of a thinned network (the masks on), so it "
             "stays above the loss without; the fitted curve is the whole network's, at test time.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
