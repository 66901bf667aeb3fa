r"""Practice – L2 regularization: a penalty on the squared weights keeps the network from chasing the noise.

Reruns the second course's practice step (``001_2b35647283c26347.txt``):

* 001 "Regularization – L2": :math:`L'(\theta) = L(\theta) + \lambda\frac12\lVert\theta\rVert_2`,
  :math:`\lVert\theta\rVert_2 = w_1^2 + w_2^2 + \dots` ("usually not consider biases");
* 001 "L2 regularization": gradient :math:`\partial L/\partial w + \lambda w`, update
  :math:`(1 - \eta\lambda)w^t - \eta\,\partial L/\partial w` ("Weight Decay", closer to zero);
* 001 "Practice – L2 regularization": 'Run "1. 2.3. L2_Regularization.ipynb", observe the
  overfitting problem.'

Every ``Dense`` gets ``kernel_regularizer=l2(λ)`` (the biases none, as the slide says).
Keras's ``l2(λ)`` adds :math:`\lambda\sum w^2`, twice the slide's :math:`\lambda\frac12\lVert w\rVert^2`:
Keras's λ is the slide's λ/2, and the second table checks that the penalty the model adds
to its loss is :func:`reference.l2_penalty` (the slide's form) at :math:`2\lambda`. The
claim judged: with L2 the testing error is lower than without; λ is chosen per seed
among :data:`LAMBDAS` on the validation samples (the slide's "select λ obtaining the best
model"), never on the testing grid. Data: **synthetic**, the cubic :math:`f(x) = x^3 - x` at
12 evenly spaced points, noise of standard deviation 0.3 (:mod:`tutorials._practice`).
``--quick``: 2 seeds, 60 epochs, a smoke test.

Concept: regularize.l2, regularize.lambda_sweep, generalize.overfit

Run: ``python -m tutorials.practice_l2 [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

import reference
from reference.keras import regularizers

from . import _practice as P
from ._common import slide, tutorial_main

LAMBDAS = (1e-3, 1e-2)        # Keras's λ (the slide's λ is twice it)


def run(ctx):
    epochs = ctx.sized(P.EPOCHS, 60, sim=2)
    settings = {"no penalty": {}}
    settings.update({f"l2({lam:g})": dict(kernel_regularizer=regularizers.l2(lam)) for lam in LAMBDAS})
    where = slide("001", "Practice – L2 regularization")
    runs, chosen = P.regularizer_study(
        ctx, where, "L2 regularization reduces overfitting: the testing error is lower with the penalty",
        settings, epochs,
        ("practice_l2.png", "No penalty vs l2(λ) for each λ (first seed): the fitted curves, and the loss per epoch "
                            "of the unregularised network and of the λ chosen on validation."),
        f"{where}: kernel_regularizer=l2(λ)")
    rows = []
    for lam in LAMBDAS:
        r = runs[f"l2({lam:g})"][0]
        model = r["model"]
        w = P.kernels(model)
        slide_form = sum(float(reference.l2_penalty(k, 2.0 * lam)[0]) for k in w)
        with P.one_blas_thread():
            total = float(model.evaluate(r["data"].x_train, r["data"].y_train, verbose=0))
        data_loss = r["train"]
        rows.append([f"l2({lam:g})", total, data_loss, total - data_loss, slide_form,
                     float(np.sqrt(sum(float(np.sum(k * k)) for k in w)))])
    base = P.kernels(runs["no penalty"][0]["model"])
    rows.append(["no penalty", "—", runs["no penalty"][0]["train"], 0.0, 0.0,
                 float(np.sqrt(sum(float(np.sum(k * k)) for k in base)))])
    ctx.table("What the penalty adds (first seed): model.evaluate on the training samples minus the data MSE, "
              "against Σ reference.l2_penalty(W, 2λ) over the kernels",
              ["penalty", "evaluate (loss + penalty)", "data MSE", "difference", "Σ l2_penalty(W, 2λ)",
               "‖kernels‖₂"], rows,
              note="The model computes in float32: the difference and the slide-form sum agree to its rounding. "
                   "The weights' norm falls as λ grows (the slide's 'closer to zero').")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
