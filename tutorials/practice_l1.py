r"""Practice – L1 regularization: a penalty on the absolute weights, which pulls every weight towards 0 by the same step.

Reruns the second course's practice step (``001_2b35647283c26347.txt``):

* 001 "L1 regularization": :math:`\lVert\theta\rVert_1 = |w_1| + |w_2| + \dots`; the slide
  writes :math:`L' = L + \lambda\frac12\lVert\theta\rVert_1` and then the gradient
  :math:`\partial L/\partial w + \lambda\operatorname{sgn}(w)`, the update
  :math:`w - \eta\,\partial L/\partial w - \eta\lambda\operatorname{sgn}(w)` ("Always delete");
  the consistent pair is the value :math:`\lambda\lVert w\rVert_1` with that gradient, which is
  what :func:`reference.l1_penalty` and Keras's ``l1(λ)`` compute;
* 001 "Practice – L1 regularization": 'Run "1. 2.3. L1_Regularization.ipynb", observe the
  overfitting problem.'

Every ``Dense`` gets ``kernel_regularizer=l1(λ)``. Two claims are judged over several
seeds: with L1 the testing error is lower than without (λ chosen per seed among
:data:`LAMBDAS` on the validation samples, never on the testing grid); and L1 "always
deletes": more of the kernels' weights end near zero (:math:`|w| <` :data:`NEAR_ZERO`) with
``l1(1e-3)`` than without a penalty. The second table checks that the penalty the model
adds is :func:`reference.l1_penalty` at the same λ. Data: **synthetic**, the cubic
:math:`f(x) = x^3 - x` at 12 evenly spaced points, noise of standard deviation 0.3
(:mod:`tutorials._practice`). ``--quick``: 2 seeds, 60 epochs, a smoke test.

Concept: regularize.l1, generalize.overfit

Run: ``python -m tutorials.practice_l1 [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

import reference
from reference.keras import regularizers

from . import _practice as P
from ._common import slide, tutorial_main, verdict

LAMBDAS = (1e-3, 1e-2)
NEAR_ZERO = 1e-2


def near_zero(model):
    """The fraction of the kernels' weights with |w| below :data:`NEAR_ZERO`."""
    w = np.concatenate([k.ravel() for k in P.kernels(model)])
    return float(np.mean(np.abs(w) < NEAR_ZERO))


def run(ctx):
    epochs = ctx.sized(P.EPOCHS, 60, sim=2)
    settings = {"no penalty": {}}
    settings.update({f"l1({lam:g})": dict(kernel_regularizer=regularizers.l1(lam)) for lam in LAMBDAS})
    where = slide("001", "Practice – L1 regularization")
    runs, chosen = P.regularizer_study(
        ctx, where, "L1 regularization reduces overfitting: the testing error is lower with the penalty",
        settings, epochs,
        ("practice_l1.png", "No penalty vs l1(λ) for each λ (first seed): the fitted curves, and the loss per epoch "
                            "of the unregularised network and of the λ chosen on validation."),
        f"{where}: kernel_regularizer=l1(λ)")
    rows = []
    for name, rs in runs.items():
        lam = 0.0 if name == "no penalty" else float(name[3:-1])
        r = rs[0]
        with P.one_blas_thread():
            total = float(r["model"].evaluate(r["data"].x_train, r["data"].y_train, verbose=0))
        slide_form = sum(float(reference.l1_penalty(k, lam)[0]) for k in P.kernels(r["model"]))
        fractions = [near_zero(x["model"]) for x in rs]
        rows.append([name, total - r["train"], slide_form, float(np.mean(fractions))])
    ctx.table(f"What the penalty adds (first seed: evaluate − data MSE vs Σ reference.l1_penalty(W, λ)) and the "
              f"weights near zero (|w| < {NEAR_ZERO:g}, mean over the seeds)",
              ["penalty", "evaluate − data MSE", "Σ l1_penalty(W, λ)", "fraction near zero"], rows,
              note="The model computes in float32: the two penalty columns agree to its rounding.")
    key = "l1(0.001)"
    fa = [{"z": near_zero(x["model"])} for x in runs["no penalty"]]
    fb = [{"z": near_zero(x["model"])} for x in runs[key]]
    verdict(ctx, slide("001", "L1 regularization"), f"L1 'always deletes': more weights end near zero with {key} "
                                                     "than without a penalty",
            None, {"no penalty": P.mean(fa, "z"), key: P.mean(fb, "z")}, P.paired_noise(fa, fb, key="z"),
            winner=key)


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
