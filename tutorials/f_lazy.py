r"""f_lazy and the size of the candidate set: zero training loss, and the gap that grows with |H|.

Reruns the validation part of the 2025 lecture (``004_6a114cf363ec5596.txt``):

* "如果世上一切函數都可以選，會怎麼樣？" (what if every function could be chosen?):
  :math:`f_{\text{lazy}}` answers 10, 20, 30 for the three training videos and 0 for any
  other, so its loss on the training data is 0 ("在訓練資料上的 Loss 為 0") and its loss on
  the validation data explodes ("在驗證資料上的 Loss 炸裂");
* the threshold classifier :math:`f_h` with :math:`\mathcal H = \{1, 2, \dots, 10000\}`,
  ":math:`|\mathcal H|`: number of candidate functions (model complexity)", and
  "選擇越多，訓練和驗證的差距越大" (the more choices, the larger the gap between training
  and validation);
* "如果可以無限的使用驗證資料" (if the validation data could be used without limit):
  :math:`f_{\text{lazy2}}` copies the validation answers too, and only the test data shows
  it knows nothing. Here: a model chosen among many by the same validation set scores
  better on that set than on fresh test data.

Data: SYNTHETIC. Part 1: "video durations" :math:`y = 20 + 3x` plus Gaussian noise (standard
deviation 3) at :math:`x` uniform on [0, 10], 30 training and 30 validation examples;
:func:`reference.model_selection.f_lazy` against the linear model fitted by the backend's
``closed_form``. Parts 2 and 3: one feature :math:`e(x)` per creature, Gaussian with mean
4000 (Pokémon) or 6000 (Digimon) and standard deviation 1500, classes equally likely;
:math:`f_h` says Digimon when :math:`e \ge h`. The candidate sets are :math:`|\mathcal H|`
= 1, 10, 100, 1000, 10000 thresholds evenly spread over 1 … 10000 (one candidate: 5000);
the best on 10 training examples is scored on 1,000 validation examples. Every number is
a mean over many draws of the data (2,000; 50 with ``--quick``). The threshold errors are
counted on the host; only part 1 calls the backend.

Concept: generalize.lazy, generalize.overfit, data.split

Run: ``python -m tutorials.f_lazy [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.model_selection import f_lazy

from ._common import exact_noise, paired_noise, pyplot, seed_noise, slide, tutorial_main, verdict

SIZES = (1, 10, 100, 1000, 10000)
N_TRAIN, N_VAL = 10, 1000


def run(ctx):
    part1_memoriser(ctx)
    gaps = part2_candidates(ctx)
    part3_reused_validation(ctx, gaps)


# -- part 1: the memoriser -----------------------------------------------------------------------------
def durations(rng, n):
    x = rng.uniform(0.0, 10.0, n)
    return x, 20.0 + 3.0 * x + rng.normal(0.0, 3.0, n)


def part1_memoriser(ctx):
    B = ctx.backend
    rng = np.random.default_rng(ctx.seed)
    (xt, yt), (xv, yv) = durations(rng, 30), durations(rng, 30)
    w, b = B.closed_form(xt[:, None], yt)
    lin = lambda x: np.asarray(B.to_host(B.linear_forward(x[:, None], w, b)[0]))  # noqa: E731
    L = lambda y, t: float(B.mse(y, t)[0])  # noqa: E731
    lazy_t, lazy_v = L(f_lazy(xt, xt, yt), yt), L(f_lazy(xv, xt, yt), yv)
    lin_t, lin_v = L(lin(xt), yt), L(lin(xv), yv)
    ctx.table("Part 1: f_lazy (memorise the training set, answer 0 elsewhere) against the linear model",
              ["model", "slide: training loss", "training MSE", "slide: validation loss", "validation MSE"],
              [["f_lazy", 0, lazy_t, "explodes (炸裂)", lazy_v], ["linear y = b + w x", "—", lin_t, "—", lin_v]],
              note="The validation inputs are new numbers, so f_lazy answers 0 for every one of them.")
    where = slide("004", "f_lazy")
    verdict(ctx, where, "f_lazy's loss on the training data is 0", {"f_lazy training MSE": 0.0},
            {"f_lazy training MSE": lazy_t}, exact_noise("f_lazy returns the memorised labels exactly"),
            kind="value")
    sq = lambda y, t: (y - t) ** 2  # noqa: E731
    verdict(ctx, where, "on the validation data f_lazy's loss explodes: the linear model is far better", None,
            {"f_lazy": lazy_v, "linear": lin_v}, paired_noise(sq(f_lazy(xv, xt, yt), yv), sq(lin(xv), yv)),
            higher_is_better=False, winner="linear")


# -- part 2: the threshold classifiers and |H| ---------------------------------------------------------
def creatures(rng, n):
    """``n`` creatures: the feature e and the label (1 = Digimon)."""
    label = rng.integers(0, 2, n)
    return rng.normal(np.where(label == 1, 6000.0, 4000.0), 1500.0), label


def candidates(size):
    """|H| thresholds evenly spread over 1 … 10000 (one candidate: the middle, 5000)."""
    return np.array([5000.0]) if size == 1 else np.linspace(1.0, 10000.0, size)


def errors(h, e, label):
    """The error rate of each f_h (Digimon when e >= h) on (e, label): one number per threshold."""
    return np.mean((e[:, None] >= h[None, :]) != (label[:, None] == 1), axis=0)


def part2_candidates(ctx):
    draws = ctx.sized(2000, 50, sim=10)
    rng = np.random.default_rng(ctx.seed + 1)
    train = np.empty((draws, len(SIZES)))
    val = np.empty_like(train)
    for r in ctx.progress(range(draws), "draws"):
        e, lab = creatures(rng, N_TRAIN)
        ev, labv = creatures(rng, N_VAL)
        for j, size in enumerate(SIZES):
            h = candidates(size)
            err = errors(h, e, lab)
            best = int(np.argmin(err))                  # the first (lowest) threshold among ties
            train[r, j] = err[best]
            val[r, j] = errors(h[best:best + 1], ev, labv)[0]
    gaps = val - train
    ctx.table(f"Part 2: the best f_h on {N_TRAIN} training examples, scored on {N_VAL:,} validation examples "
              f"(mean over {draws:,} draws)",
              ["|H|", "training error", "validation error", "gap (validation − training)"],
              [[size, float(train[:, j].mean()), float(val[:, j].mean()), float(gaps[:, j].mean())]
               for j, size in enumerate(SIZES)],
              note="The slide prints no numbers: its claim is that the gap grows with the number of choices. "
                   "The best threshold for these classes is 5000 (error 0.25), so the one-candidate set "
                   "already holds it. Ten training examples cut 1 … 10000 into at most eleven intervals, so beyond "
                   "about a thousand thresholds more candidates change nothing: the gap levels off.")
    verdict(ctx, slide("004", "Overfitting"), "the more choices, the larger the gap between training and "
            "validation: 10000 candidates open a wider gap than 10", None,
            {"|H|=10": float(gaps[:, 1].mean()), "|H|=10000": float(gaps[:, -1].mean())},
            paired_noise(gaps[:, -1], gaps[:, 1]), winner="|H|=10000")
    plot(ctx, train, val)
    return gaps


# -- part 3: choosing on the validation set many times -------------------------------------------------
def part3_reused_validation(ctx, gaps):
    draws = ctx.sized(2000, 50, sim=10)
    n_val, n_test = 10, 1000
    rng = np.random.default_rng(ctx.seed + 2)
    h = candidates(SIZES[-1])
    val, test = np.empty(draws), np.empty(draws)
    for r in range(draws):
        ev, labv = creatures(rng, n_val)
        es, labs = creatures(rng, n_test)
        err = errors(h, ev, labv)
        best = int(np.argmin(err))
        val[r], test[r] = err[best], errors(h[best:best + 1], es, labs)[0]
    ctx.table(f"Part 3: {len(h):,} choices made on the same {n_val} validation examples (mean over {draws:,} draws)",
              ["", "error"], [["the chosen f_h on the validation set it was chosen on", float(val.mean())],
                              ["the same f_h on fresh test data", float(test.mean())]],
              note="Each choice looks at the validation set once more: after many, the validation error of the "
                   "pick is as optimistic as a training error (f_lazy2 copies the validation answers).")
    verdict(ctx, slide("004", "如果可以無限的使用驗證資料"), "a model chosen by reusing the validation set for "
            "many choices does worse on fresh test data than on that validation set", None,
            {"validation (reused)": float(val.mean()), "fresh test": float(test.mean())},
            paired_noise(test, val), winner="fresh test")


def plot(ctx, train, val):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(SIZES, train.mean(axis=0), "o-", label="training error of the best f_h")
    ax.plot(SIZES, val.mean(axis=0), "s-", label="its validation error")
    ax.fill_between(SIZES, train.mean(axis=0), val.mean(axis=0), alpha=0.15, label="the gap")
    ax.set_xscale("log")
    ax.set_xlabel("|H| (number of candidate thresholds)")
    ax.set_ylabel("error rate")
    ax.set_title(slide("004", "Overfitting"), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    ctx.figure(fig, "f_lazy_gap.png", "The train–validation gap of the best threshold classifier grows with "
               "the number of candidates |H|.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
