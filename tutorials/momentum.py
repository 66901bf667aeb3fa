r"""Momentum "in physical world": a ball rolls over a plateau and out of a shallow minimum.

Reruns lecture II of the Deep Learning Tutorial (``003_ec86197519796290.txt``):

* 003 "Hard to find optimal network parameters": gradient descent is very slow at a
  plateau (:math:`\partial L/\partial w \approx 0`), and stuck at a saddle point or a
  local minimum (:math:`\partial L/\partial w = 0`);
* 003 "In physical world ..... Momentum": a ball rolling down such a curve keeps its
  speed, so it crosses the flat stretch and may climb out of a shallow dip;
* 003 "Momentum": movement = the negative gradient plus the momentum,
  :math:`v \leftarrow \lambda v - \eta\,\partial L/\partial w`, :math:`w \leftarrow w + v`;
  "Still not guarantee reaching global minima, but give some hope .....".

The slides' curve is a picture the transcript lost. Here it is a synthetic 1-D loss,
written out with its derivative (:func:`loss`, :func:`grad`): a slope down from the
start, a long plateau, a shallow local minimum, a bump, the deeper global minimum, and
a gentle bowl that keeps everything in view. Plain gradient descent is the backend's
``sgd_update``; momentum is ``momentum_update`` with :math:`\lambda` = 0.5, 0.8, 0.9,
0.95 (and Nesterov's form at 0.9), all at the same :math:`\eta` from the same start.
The parameter is a 1-element array; the gradient is computed on the host.

"Give some hope" is then measured rather than shown once: the same settings start from
many points on the slope and the plateau, and the table counts how often each ends in
the global minimum.

Data: a synthetic function only, no data set. ``--quick``: fewer starting points and
updates, a smoke test.

Concept: optim.momentum, optim.sgd

Run: ``python -m tutorials.momentum [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from ._common import exact_noise, pyplot, slide, tutorial_main, verdict

ETA = 0.2                   # the same learning rate for every setting
START = -1.5                # on the slope, above the plateau
STEPS = 400
#: (label, momentum lambda, nesterov); lambda = 0 is plain gradient descent (sgd_update).
SETTINGS = (("gradient descent", 0.0, False), ("momentum λ = 0.5", 0.5, False),
            ("momentum λ = 0.8", 0.8, False), ("momentum λ = 0.9", 0.9, False),
            ("momentum λ = 0.95", 0.95, False), ("Nesterov λ = 0.9", 0.9, True))
STARTS = np.linspace(-2.0, 2.5, 46)       # the "some hope" sweep
STARTS_QUICK = np.linspace(-2.0, 2.5, 10)

# the curve: a sigmoid step (the slope and the plateau), two Gaussian dips, a gentle bowl
_STEP, _STEP_AT, _STEP_K = 0.8, -0.5, 4.0
_DIPS = ((0.4, 3.0, 0.4), (1.5, 6.0, 0.8))      # (depth, centre, width): local, then global
_BOWL, _BOWL_AT = 0.004, 4.0


def loss(x):
    r"""The 1-D loss, a step down, two dips and a bowl.

    :math:`L(x) = 0.8\,\sigma(-4(x + 0.5)) - 0.4\,e^{-(x-3)^2/0.32} - 1.5\,e^{-(x-6)^2/1.28} + 0.004(x-4)^2`
    """
    x = np.asarray(x, dtype=np.float64)
    out = _STEP / (1.0 + np.exp(_STEP_K * (x - _STEP_AT))) + _BOWL * (x - _BOWL_AT) ** 2
    for depth, centre, width in _DIPS:
        out = out - depth * np.exp(-(x - centre) ** 2 / (2 * width ** 2))
    return out


def grad(x):
    """dL/dx of :func:`loss`, written out."""
    x = np.asarray(x, dtype=np.float64)
    s = 1.0 / (1.0 + np.exp(_STEP_K * (x - _STEP_AT)))
    out = -_STEP * _STEP_K * s * (1.0 - s) + 2 * _BOWL * (x - _BOWL_AT)
    for depth, centre, width in _DIPS:
        out = out + depth * (x - centre) / width ** 2 * np.exp(-(x - centre) ** 2 / (2 * width ** 2))
    return out


def minima():
    """The local and the global minimum of :func:`loss` (the lowest points of a fine grid)."""
    xs = np.linspace(-3, 9, 120_001)
    ys = loss(xs)
    inner = np.nonzero((ys[1:-1] < ys[:-2]) & (ys[1:-1] < ys[2:]))[0] + 1
    found = sorted(xs[inner], key=lambda x: float(loss(x)))
    return {"global": float(found[0]), "local": float(found[1])}


def roll(B, x0, eta=ETA, momentum=0.0, nesterov=False, steps=STEPS):
    """The positions of one run from ``x0``: ``sgd_update`` for ``momentum == 0``, else ``momentum_update``."""
    w = np.array([x0], dtype=np.float64)
    plain = momentum == 0.0
    state = B.sgd_init(w) if plain else B.momentum_init(w)
    xs = [float(x0)]
    for _ in range(steps):
        g = np.array([grad(w[0])])
        if plain:
            w, state = B.sgd_update(w, g, state, eta=eta)
        else:
            w, state = B.momentum_update(w, g, state, eta=eta, momentum=momentum, nesterov=nesterov)
        w = np.asarray(B.to_host(w), dtype=np.float64)
        xs.append(float(w[0]))
    return np.array(xs)


def where(x, mins, tol=0.25):
    """Where a run ended: ``"global"``, ``"local"``, ``"plateau"`` or ``"elsewhere"``."""
    for name in ("global", "local"):
        if abs(x - mins[name]) < tol:
            return name
    return "plateau" if x < mins["local"] - tol else "elsewhere"


def settled_after(xs, tol=1e-3):
    """The first update after which the position moves less than ``tol`` per update; None if it never does."""
    moving = np.nonzero(np.abs(np.diff(xs)) >= tol)[0]
    if moving.size == 0:
        return 0
    return None if moving[-1] == xs.size - 2 else int(moving[-1] + 1)


def hope(B, starts, steps=STEPS, settings=SETTINGS):
    """For each setting, the fraction of ``starts`` whose run ends in the global minimum."""
    mins = minima()
    return {label: float(np.mean([where(roll(B, x0, ETA, lam, nest, steps)[-1], mins) == "global"
                                  for x0 in starts]))
            for label, lam, nest in settings}


# ---------------------------------------------------------------------------------------
# drawing (the docs' figure calls this too)

COLORS = {"gradient descent": "#000000", "momentum λ = 0.5": "#f5b041", "momentum λ = 0.8": "#e67e22",
          "momentum λ = 0.9": "#c0392b", "momentum λ = 0.95": "#7b241c", "Nesterov λ = 0.9": "#2471a3"}


def draw_rolls(ax_curve, ax_time, B, steps=STEPS, labels=("gradient descent", "momentum λ = 0.9")):
    """Left: the curve and the positions each run visits; right: the position per update."""
    mins = minima()
    x = np.linspace(-2.2, 8.2, 600)
    ax_curve.plot(x, loss(x), color="0.4", lw=1.5)
    runs = {}
    for label, lam, nest in SETTINGS:
        if label not in labels:
            continue
        xs = roll(B, START, ETA, lam, nest, steps)
        runs[label] = xs
        ax_curve.plot(xs, loss(xs), ".", ms=3.5, color=COLORS[label], alpha=0.6)
        ax_curve.plot(xs[-1], loss(xs[-1]), "o", ms=9, mfc="none", mec=COLORS[label], mew=2,
                      label=f"{label}: ends at w = {xs[-1]:.2f} ({where(xs[-1], mins)})")
        ax_time.plot(xs, "-", color=COLORS[label], label=label)
    ax_curve.annotate("plateau", (1.2, float(loss(1.2))), (1.2, 0.45), ha="center", fontsize=8,
                      arrowprops=dict(arrowstyle="->", color="0.4"))
    ax_curve.annotate("local minimum", (mins["local"], float(loss(mins["local"]))),
                      (mins["local"], -1.0), ha="center", fontsize=8, arrowprops=dict(arrowstyle="->", color="0.4"))
    ax_curve.annotate("global minimum", (mins["global"], float(loss(mins["global"]))),
                      (mins["global"] + 1.2, -1.4), ha="center", fontsize=8,
                      arrowprops=dict(arrowstyle="->", color="0.4"))
    ax_curve.plot(START, loss(START), "k>", ms=8)
    ax_curve.set_xlabel("w")
    ax_curve.set_ylabel("L(w)")
    ax_curve.set_title(f"from w = {START}, η = {ETA}: each dot is one update", fontsize=9)
    ax_curve.legend(fontsize=7, loc="lower left")
    for name in ("local", "global"):
        ax_time.axhline(mins[name], color="0.6", ls=":", lw=0.8)
        ax_time.text(steps, mins[name], f" {name}", fontsize=7, va="center", color="0.4")
    ax_time.set_xlabel("update")
    ax_time.set_ylabel("w")
    ax_time.set_title("the position per update", fontsize=9)
    ax_time.legend(fontsize=7)
    return runs


# ---------------------------------------------------------------------------------------
# the tutorial


def run(ctx):
    B = ctx.backend
    steps = ctx.sized(STEPS, 200, sim=20)
    starts = STARTS[::9] if ctx.quick else STARTS           # --quick: 6 starts
    if ctx.simulated:
        starts = starts[:3]
    mins = minima()
    ctx.log(f"minima: local at {mins['local']:.3f}, global at {mins['global']:.3f}; "
            f"{len(SETTINGS)} settings × {len(starts)} starts × {steps} updates")

    rows, ends, final_loss = [], {}, {}
    for label, lam, nest in SETTINGS:
        xs = roll(B, START, ETA, lam, nest, steps)
        ends[label] = where(xs[-1], mins)
        final_loss[label] = float(loss(xs[-1]))
        settled = settled_after(xs)
        rows.append([label, lam, xs[-1], float(loss(xs[-1])), ends[label],
                     "still moving" if settled is None else settled])
    ctx.table(f"{slide('003-II', 'In physical world ..... Momentum')}: from w = {START}, η = {ETA}, {steps} updates, "
              f"backend {B.name}",
              ["", "λ", "w at the end", "L(w)", "where", "updates until it moves < 1e-3 per update"], rows,
              note=f"The curve: local minimum at w = {mins['local']:.2f} (L = {float(loss(mins['local'])):.3f}), "
                   f"global minimum at w = {mins['global']:.2f} (L = {float(loss(mins['global'])):.3f}); "
                   f"|dL/dw| on the plateau at w = 1.5 is {abs(float(grad(1.5))):.1e}.")

    fractions = hope(B, starts, steps)
    ctx.table(f"{slide('003-II', 'Momentum')}, \"give some hope\": the share of {len(starts)} starts in "
              f"[{starts[0]:g}, {starts[-1]:g}] (the slope and the plateau) that end in the global minimum",
              ["", "λ", "share ending in the global minimum"],
              [[label, lam, fractions[label]] for label, lam, _ in SETTINGS])

    gd, mom = ends["gradient descent"], ends["momentum λ = 0.9"]
    gd_end = "on the plateau" if gd == "plateau" else f"in the {gd} minimum"
    verdict(ctx, slide("003-II", "In physical world ..... Momentum"),
            f"from w = {START}, momentum (λ = 0.9) rolls on to a lower loss than plain gradient descent, which "
            f"stops (here it ends {gd_end}, momentum in the {mom} minimum); final L(w)",
            None, {"gradient descent": final_loss["gradient descent"], "momentum λ = 0.9": final_loss["momentum λ = 0.9"]},
            exact_noise("none: one start, no sampling"), higher_is_better=False, winner="momentum λ = 0.9")
    ctx.note(f"Not a guarantee: over the {len(starts)} starts, gradient descent reaches the global minimum from "
             f"{fractions['gradient descent']:.0%} of them and momentum λ = 0.9 from "
             f"{fractions['momentum λ = 0.9']:.0%}; the share depends on λ and on the start "
             f"(λ = 0.5: {fractions['momentum λ = 0.5']:.0%}, λ = 0.95: {fractions['momentum λ = 0.95']:.0%}). "
             "Momentum gives some hope, not a promise.")

    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.6), gridspec_kw={"width_ratios": [1.4, 1, 0.8]})
    draw_rolls(axes[0], axes[1], B, steps)
    ax = axes[2]
    labels = [label for label, _, _ in SETTINGS]
    ax.barh(range(len(labels)), [fractions[label] for label in labels], color=[COLORS[label] for label in labels])
    for i, label in enumerate(labels):
        ax.text(fractions[label] + 0.02, i, f"{fractions[label]:.0%}", va="center", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of {len(starts)} starts ending in the global minimum")
    ax.set_title("\"not guarantee ..., but give some hope\"", fontsize=9)
    fig.suptitle(f"{slide('003-II', 'In physical world ..... Momentum')} on a synthetic 1-D loss, backend {B.name}", fontsize=10)
    fig.tight_layout()
    ctx.figure(fig, "momentum.png",
               "Plain gradient descent and momentum on a 1-D loss with a plateau and a shallow local minimum "
               "before the global one: the positions visited, the position per update, and how often each "
               "setting reaches the global minimum from many starts.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
