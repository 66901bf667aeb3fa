r"""Eight optimisers on two synthetic loss surfaces, and Adagrad's per-parameter learning rates.

Reruns the learning-rate and optimiser slides of lecture II of the Deep Learning
Tutorial (``003_ec86197519796290.txt``):

* 003 "Learning Rates": "Learning rate cannot be one-size-fits-all — giving different
  parameters different learning rates";
* 003 "Adagrad": :math:`\eta_w = \eta / \sqrt{\sum_{i=0}^t (g^i)^2}`, with the worked
  example (:math:`w_1` sees 0.1 then 0.2: :math:`\eta/0.1`, then :math:`\eta/0.22`;
  :math:`w_2` sees 20 then 10: :math:`\eta/20`, then :math:`\eta/22`) and its two
  observations: the learning rate only shrinks, and "smaller derivatives, larger
  learning rate, and vice versa";
* 003 "Not the whole story ....." (Adagrad, RMSprop, Adadelta, Adam, Nadam), "Hard to
  find optimal network parameters" (a plateau where :math:`\partial L/\partial w \approx 0`),
  "In physical world ..... Momentum", "Momentum" and "Adam".

The slides draw these as pictures of loss surfaces, which the transcript lost. Here the
surfaces are synthetic, two parameters :math:`w = (w_1, w_2)` with the gradient written
out by hand:

* **ill-conditioned quadratic** :math:`L = \tfrac12 (w_1^2 + \kappa w_2^2)`, :math:`\kappa = 50`:
  :math:`w_2`'s derivatives are 50 times steeper than :math:`w_1`'s, so one learning rate
  is too large for one parameter or too small for the other;
* **plateau** :math:`L = 1 - \exp(-(w_1^2 + 5 w_2^2)/2)`: a well surrounded by a nearly
  flat plain; the start lies on the plain, where the gradient is about :math:`10^{-3}`.

Every optimiser starts from the same point and updates the 2-vector with the backend's
``<rule>_init`` / ``<rule>_update`` (``sgd``, ``momentum`` with :math:`\lambda = 0.9`, the
same with ``nesterov=True``, ``adagrad``, ``rmsprop``, ``adadelta``, ``adam``, ``nadam``;
every other hyperparameter at its default). The comparison is fair only if each
optimiser gets its own best learning rate, so each is run with every :math:`\eta` of a
log-spaced grid (0.001 to about 3) and the table reports the one that reaches the
tolerance in the fewest updates. "Reaches" means the loss is below the tolerance and
stays below it for the rest of the budget (a path that merely passes through is not
counted). The figures draw the path of each optimiser at that :math:`\eta`. A second
table repeats the quadratic for several :math:`\kappa`; a third recomputes the slide's
worked example from ``adagrad_update``'s state.

Data: synthetic surfaces only, no data set. ``--quick``: a coarser grid of learning
rates and fewer :math:`\kappa`, a smoke test (seconds).

The computing and drawing functions (:func:`tune`, :func:`adagrad_rates`,
:func:`worked_example`, :func:`draw_paths`, :func:`draw_adagrad_rates`) take the backend
as an argument; the docs' figures call them with the reference.

Concept: optim.sgd, optim.momentum, optim.adagrad, optim.adagrad_example, optim.rmsprop,
optim.adadelta, optim.adam, optim.nadam

Run: ``python -m tutorials.optimizers [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from ._common import exact_noise, pyplot, slide, tutorial_main, verdict

#: (label, rule, hyperparameters besides eta): one path per optimiser, in the slides' order.
OPTIMIZERS = (
    ("sgd", "sgd", {}),
    ("momentum", "momentum", {"momentum": 0.9}),
    ("nesterov", "momentum", {"momentum": 0.9, "nesterov": True}),
    ("adagrad", "adagrad", {}),
    ("rmsprop", "rmsprop", {}),
    ("adadelta", "adadelta", {}),
    ("adam", "adam", {}),
    ("nadam", "nadam", {}),
)
COLORS = {"sgd": "#000000", "momentum": "#c0392b", "nesterov": "#e67e22", "adagrad": "#2471a3",
          "rmsprop": "#17a589", "adadelta": "#7d3c98", "adam": "#1e8449", "nadam": "#b7950b"}

#: Learning-rate grids: 10^-3 … 10^0.5, four (full) or two (--quick) per decade.
ETAS = 10.0 ** np.arange(-3.0, 0.51, 0.25)
ETAS_QUICK = 10.0 ** np.arange(-2.5, 0.51, 0.75)
STEPS = 1000                    # the budget of updates per path (--quick: 300)
TOL = 1e-4                      # "reached": the loss below this, and staying below
KAPPAS = (1, 10, 100, 1000)     # the conditioning sweep
KAPPAS_QUICK = (1, 100)
SWEEP = ("sgd", "momentum", "adagrad", "adam")
ADAGRAD_ETA, ADAGRAD_STEPS = 0.1, 100    # the per-parameter learning-rate figure
#: The slide's worked example: (parameter, its gradients g^0, g^1, the slide's eta/eta_w after each,
#: as the slide writes them: 0.22 is sqrt(0.05) and 22 is sqrt(500), rounded).
SLIDE_EXAMPLE = (("w1", (0.1, 0.2), ("0.1", "0.22")), ("w2", (20.0, 10.0), ("20", "22")))


@dataclass(frozen=True)
class Surface:
    """A synthetic loss of two parameters, its gradient, and where the optimisers start."""

    name: str
    formula: str
    loss: object            # w (2,) -> float
    grad: object            # w (2,) -> (2,)
    start: tuple
    xlim: tuple
    ylim: tuple


def quadratic(kappa=50.0):
    r"""The ill-conditioned quadratic :math:`L = \tfrac12 (w_1^2 + \kappa w_2^2)`, minimum at 0."""
    kappa = float(kappa)
    return Surface(
        name=f"ill-conditioned quadratic, κ = {kappa:g}",
        formula=f"L = (w₁² + {kappa:g} w₂²) / 2",
        loss=lambda w: 0.5 * (w[0] ** 2 + kappa * w[1] ** 2),
        grad=lambda w: np.array([w[0], kappa * w[1]]),
        start=(-4.2, 0.9), xlim=(-4.6, 2.2), ylim=(-1.6, 1.6))


def plateau(c=5.0):
    r"""A well in a plain: :math:`L = 1 - \exp(-(w_1^2 + c\, w_2^2)/2)`, minimum at 0."""
    c = float(c)

    def grad(w):
        e = np.exp(-(w[0] ** 2 + c * w[1] ** 2) / 2)
        return np.array([w[0] * e, c * w[1] * e])

    return Surface(
        name="plateau around a well",
        formula=f"L = 1 − exp(−(w₁² + {c:g} w₂²) / 2)",
        loss=lambda w: 1.0 - float(np.exp(-(w[0] ** 2 + c * w[1] ** 2) / 2)),
        grad=grad, start=(-3.8, 0.6), xlim=(-4.3, 1.8), ylim=(-1.5, 1.5))


def path(B, label, surface, eta, steps=STEPS):
    """The points one optimiser visits: ``<rule>_init`` once, then ``steps`` ``<rule>_update``.

    The gradient is the surface's analytic one, computed on the host at each point.
    Returns an array ``(k + 1, 2)``: the start and the point after each update (it stops
    early if the path diverges).
    """
    rule, hyper = {o[0]: o[1:] for o in OPTIMIZERS}[label]
    init, update = getattr(B, f"{rule}_init"), getattr(B, f"{rule}_update")
    w = np.array(surface.start, dtype=np.float64)
    state = init(w)
    points = [w.copy()]
    for _ in range(steps):
        w, state = update(w, surface.grad(w), state, eta=float(eta), **hyper)
        w = np.array(B.to_host(w), dtype=np.float64)
        points.append(w)
        if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > 1e6:
            break
    return np.array(points)


def steps_to_tolerance(losses, tol=TOL):
    """The first update after which the loss stays below ``tol`` to the end; None if it does not."""
    losses = np.asarray(losses)
    above = np.nonzero(~(losses < tol))[0]
    if above.size == 0:
        return 0
    if above[-1] == losses.size - 1:
        return None
    return int(above[-1] + 1)


@dataclass
class Result:
    """One optimiser's best run on one surface."""

    label: str
    eta: float              # the grid's best learning rate
    steps: int | None       # updates to reach the tolerance (None: not within the budget)
    final: float            # the loss after the last update
    points: np.ndarray      # the path at that eta


def tune(B, surface, etas=ETAS, steps=STEPS, tol=TOL, labels=None):
    """Every optimiser at every ``eta`` of the grid; for each, the run that reaches ``tol`` first.

    Ties (and optimisers that never reach it) are broken by the lower final loss. A path
    that diverges counts as never reaching the tolerance. Returns ``{label: Result}``.
    """
    out = {}
    for label in labels or [o[0] for o in OPTIMIZERS]:
        best = None
        for eta in etas:
            points = path(B, label, surface, eta, steps)
            losses = np.array([surface.loss(p) for p in points])
            diverged = len(points) < steps + 1
            n = None if diverged else steps_to_tolerance(losses, tol)
            final = np.inf if diverged else float(losses[-1])
            key = (n if n is not None else np.inf, final)
            if best is None or key < best[0]:
                best = (key, Result(label, float(eta), n, final, points))
        out[label] = best[1]
    return out


def adagrad_rates(B, grads, eta=1.0):
    r"""Adagrad's learning rate per parameter after each update, read from its state.

    ``grads`` is a sequence of gradients (each of the parameters' shape), fed to
    ``adagrad_update`` one after the other. Returns an array ``(updates, n)`` of
    :math:`\eta_w = \eta / \sqrt{\sum_{i \le t} (g^i)^2}` (``state.g2_sum`` after update ``t``).
    """
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    w = np.zeros_like(grads[0])
    state = B.adagrad_init(w)
    rates = []
    for g in grads:
        w, state = B.adagrad_update(w, g, state, eta=eta)
        rates.append(eta / np.sqrt(np.asarray(B.to_host(state.g2_sum), dtype=np.float64)))
    return np.array(rates)


def worked_example(B):
    """The slide's Adagrad example on the backend: rows (parameter, update, g, slide's η/η_w, this run's)."""
    grads = np.array([example[1] for example in SLIDE_EXAMPLE]).T      # (2 updates, 2 parameters)
    rates = adagrad_rates(B, grads, eta=1.0)
    rows = []
    for j, (name, gs, printed) in enumerate(SLIDE_EXAMPLE):
        for t in range(2):
            rows.append([name, t, gs[t], float(printed[t]), float(1.0 / rates[t, j])])
    return rows


def matches_slide(this, printed):
    """True when ``this`` rounded to the decimals the slide writes (``printed``, a string) is the slide's number."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return round(this, decimals) == float(printed)


def adagrad_on_surface(B, surface, eta, steps):
    """The gradients along Adagrad's path on ``surface`` and the per-parameter rates they give."""
    points = path(B, "adagrad", surface, eta, steps)
    grads = [surface.grad(p) for p in points[:-1]]
    return adagrad_rates(B, grads, eta), np.array(grads)


# ---------------------------------------------------------------------------------------
# drawing (the docs' figures call these too)


def _grid(surface, nx=121, ny=91):
    x = np.linspace(*surface.xlim, nx)
    y = np.linspace(*surface.ylim, ny)
    X, Y = np.meshgrid(x, y)
    return X, Y, np.vectorize(lambda a, b: surface.loss((a, b)))(X, Y)


def draw_paths(ax, surface, results, title=None):
    """Contours of ``surface`` and one path per optimiser (``results`` from :func:`tune`)."""
    X, Y, Z = _grid(surface)
    levels = np.unique(np.quantile(Z, np.linspace(0.0, 1.0, 16)))
    ax.contourf(X, Y, Z, levels=levels, cmap="Greys", alpha=0.35)
    ax.contour(X, Y, Z, levels=levels, colors="0.6", linewidths=0.5)
    for label, r in results.items():
        reached = f"{r.steps} steps" if r.steps is not None else "not reached"
        ax.plot(r.points[:, 0], r.points[:, 1], "-", lw=1.1, color=COLORS[label], alpha=0.9,
                label=f"{label}, η = {r.eta:.3g}: {reached}")
    ax.plot(*surface.start, "ko", ms=5)
    ax.plot(0, 0, "k*", ms=9)
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.set_title(title or f"{surface.name}: {surface.formula}", fontsize=9)
    ax.legend(fontsize=6.5, loc="lower right", ncol=2)


def draw_losses(ax, surface, results, tol=TOL):
    """The loss after each update, one curve per optimiser (log scales), and the tolerance."""
    for label, r in results.items():
        losses = np.array([surface.loss(p) for p in r.points])
        ax.loglog(np.arange(1, losses.size + 1), np.maximum(losses, 1e-30), "-", lw=1.1,
                  color=COLORS[label], label=label)
    ax.axhline(tol, color="0.5", ls=":", lw=0.8)
    ax.set_ylim(1e-12, 10)
    ax.set_yticks(10.0 ** np.arange(-12, 1, 3))
    ax.minorticks_off()
    ax.set_xlabel("update + 1 (log scale)")
    ax.set_ylabel("loss")
    ax.set_title(f"{surface.name}: the loss per update (dotted: {tol:g})", fontsize=9)
    ax.legend(fontsize=6.5, ncol=2)


def draw_adagrad_rates(ax_surface, ax_example, B, surface, eta=ADAGRAD_ETA, steps=ADAGRAD_STEPS):
    """Left: η_w/η per parameter along Adagrad's path on ``surface``; right: the slide's example."""
    rates, grads = adagrad_on_surface(B, surface, eta, steps)
    t = np.arange(rates.shape[0])
    for j, (color, name) in enumerate((("#2471a3", "w₁ (gentle: small derivatives)"),
                                       ("#c0392b", "w₂ (steep: large derivatives)"))):
        ax_surface.semilogy(t, rates[:, j] / eta, "-", color=color, label=f"η_w/η of {name}")
        ax_surface.semilogy(t, np.abs(grads[:, j]), ":", color=color, lw=0.9, label=f"|g| of {name.split()[0]}")
    ax_surface.set_xlabel("update t")
    ax_surface.set_ylabel("η_w / η   (dotted: |∂L/∂w|)")
    ax_surface.set_title(f"Adagrad on the {surface.name} (η = {eta:.3g})", fontsize=9)
    ax_surface.legend(fontsize=6.5)
    rows = worked_example(B)
    labels = [f"{r[0]}, g{'⁰¹'[r[1]]} = {r[2]:g}" for r in rows]
    x = np.arange(len(rows))
    ax_example.bar(x - 0.2, [r[3] for r in rows], 0.4, color="0.7", label="the slide: η/η_w")
    ax_example.bar(x + 0.2, [r[4] for r in rows], 0.4, color="#2471a3", label="adagrad_update's state")
    for xi, r in zip(x, rows):
        ax_example.text(xi + 0.2, r[4] * 1.15, f"{r[4]:.3g}", ha="center", fontsize=7)
    ax_example.set_yscale("log")
    ax_example.set_xticks(x, labels, fontsize=7)
    ax_example.set_ylabel("η / η_w = √(Σ gⁱ²)")
    ax_example.set_title("the slide's worked example (larger: smaller learning rate)", fontsize=9)
    ax_example.legend(fontsize=7, loc="upper left")


# ---------------------------------------------------------------------------------------
# the tutorial


def _cell(n, steps):
    return f"> {steps:,}" if n is None else n


def run(ctx):
    B = ctx.backend
    etas = ETAS_QUICK if ctx.quick else ETAS
    kappas = KAPPAS_QUICK if ctx.quick else KAPPAS
    steps = ctx.sized(STEPS, 300, sim=30)
    if ctx.simulated:
        etas = etas[::4]
    ctx.log(f"{len(OPTIMIZERS)} optimisers × {len(etas)} learning rates × {steps} updates per surface")

    surfaces = {"quadratic": quadratic(50.0), "plateau": plateau()}
    results = {key: tune(B, s, etas, steps) for key, s in surfaces.items()}

    rows = []
    for label, *_ in OPTIMIZERS:
        q, p = results["quadratic"][label], results["plateau"][label]
        rows.append([label, q.eta, _cell(q.steps, steps), q.final, p.eta, _cell(p.steps, steps), p.final])
    ctx.table(f"Updates to reach L < {TOL:g} and stay there, each optimiser at its best η of "
              f"{len(etas)} ({etas[0]:g} … {etas[-1]:.3g}), from the same start, backend {B.name}",
              ["optimiser", "quadratic κ=50: best η", "updates", f"loss after {steps:,}",
               "plateau: best η", "updates", f"loss after {steps:,}"], rows,
              note=f"Quadratic: {surfaces['quadratic'].formula}, start {surfaces['quadratic'].start}. "
                   f"Plateau: {surfaces['plateau'].formula}, start {surfaces['plateau'].start} "
                   f"(|∇L| = {np.linalg.norm(surfaces['plateau'].grad(surfaces['plateau'].start)):.1e} there). "
                   "momentum and nesterov use λ = 0.9; every other hyperparameter is the rule's default.")

    # ---- the conditioning sweep ------------------------------------------------------------
    sweep = {kappa: tune(B, quadratic(kappa), etas, steps, labels=SWEEP) for kappa in kappas}
    ctx.table("Updates to reach L < 1e-4 on L = (w₁² + κ w₂²)/2, each at its best η",
              ["optimiser"] + [f"κ = {kappa:g}" for kappa in kappas],
              [[label] + [_cell(sweep[kappa][label].steps, steps) for kappa in kappas] for label in SWEEP])

    # ---- Adagrad's learning rates -----------------------------------------------------------
    ex = worked_example(B)
    ctx.table(f"{slide('003-II', 'Adagrad')}: the worked example, η/η_w = √(Σ (gⁱ)²) from adagrad_update's state",
              ["parameter", "update t", "gᵗ", "slide: η/η_w", "this run: η/η_w"], ex)
    slide_text = [text for _, _, texts in SLIDE_EXAMPLE for text in texts]
    example_ok = all(matches_slide(r[4], text) for r, text in zip(ex, slide_text))
    rates, _ = adagrad_on_surface(B, surfaces["quadratic"], ADAGRAD_ETA, ADAGRAD_STEPS)
    shrinking = bool(np.all(np.diff(rates, axis=0) <= 0))
    ratio = float(rates[-1, 0] / rates[-1, 1])

    # ---- verdicts ---------------------------------------------------------------------------
    def n(key, label):
        s = results[key][label].steps
        return np.inf if s is None else s

    ctx.note(f"Worked example: {'matches' if example_ok else 'does NOT match'} the slide to its two "
             f"digits (√0.05 = {ex[1][4]:.4f} is the slide's 0.22, √500 = {ex[3][4]:.2f} its 22). Along "
             f"Adagrad's path on the quadratic, every η_w {'only shrinks' if shrinking else 'does not only shrink'} "
             f"(observation 1), and after {ADAGRAD_STEPS} updates at η = {ADAGRAD_ETA:g} the gentle w₁ has a "
             f"learning rate {ratio:.3g} times the steep "
             f"w₂'s (observation 2: smaller derivatives, larger learning rate).")
    better = [label for label in ("momentum", "adam") if n("plateau", label) < n("plateau", "sgd")]
    sgd_p = results["plateau"]["sgd"].steps
    ctx.note(f"Plateau: plain SGD needs {_cell(sgd_p, steps)} updates at its best η "
             f"({results['plateau']['sgd'].eta:.3g}); momentum needs "
             f"{_cell(results['plateau']['momentum'].steps, steps)}, Adam "
             f"{_cell(results['plateau']['adam'].steps, steps)}"
             + (f"; only {', '.join(better) or 'neither'} beats SGD." if len(better) < 2 else "; both beat SGD."))
    deterministic = exact_noise("none: one start on a fixed surface, no sampling")
    for label, name in (("momentum", "momentum"), ("adam", "Adam")):
        verdict(ctx, slide("003-II", "Hard to find optimal network parameters", "Momentum", "Adam"),
                f"{name} crosses the plateau in fewer updates than plain SGD (updates to L < {TOL:g}, "
                f"each at its best η; inf: never)", None,
                {"SGD": float(n("plateau", "sgd")), name: float(n("plateau", label))}, deterministic,
                higher_is_better=False, winner=name)
    q_sgd, q_ada = n("quadratic", "sgd"), n("quadratic", "adagrad")
    grows = [sweep[k]["sgd"].steps for k in kappas]
    flat = [sweep[k]["adagrad"].steps for k in kappas]
    ctx.note(f"Ill-conditioning ({slide('003-II', 'Learning Rates')}: one learning rate cannot fit all parameters): "
             f"at κ = 50 SGD needs {_cell(results['quadratic']['sgd'].steps, steps)} updates and Adagrad "
             f"{_cell(results['quadratic']['adagrad'].steps, steps)}; over κ = {', '.join(f'{k:g}' for k in kappas)} "
             f"SGD needs {', '.join(str(_cell(s, steps)) for s in grows)} and Adagrad "
             f"{', '.join(str(_cell(s, steps)) for s in flat)}. "
             + ("Adagrad's per-parameter rates remove the dependence on κ that slows SGD."
                if q_ada < q_sgd else "Adagrad is not faster than SGD here."))
    verdict(ctx, slide("003-II", "Learning Rates", "Adagrad"), "on an ill-conditioned quadratic (κ = 50), "
            "Adagrad's per-parameter learning rates reach the minimum in fewer updates than SGD's one rate "
            "(updates to L < 1e-4 at the best η; inf: never)", None,
            {"SGD": float(q_sgd), "Adagrad": float(q_ada)}, deterministic, higher_is_better=False, winner="Adagrad")
    missed = [label for label, r in results["quadratic"].items() if r.steps is None]
    if missed:
        ctx.note(f"Not below the tolerance on the quadratic within {steps:,} updates at any η of the grid: "
                 f"{', '.join(missed)}."
                 + (" RMSprop's steps stay about η long however small the gradient, so with a constant η it "
                    "hovers around the minimum instead of settling: the reason for a schedule ("
                    f"{slide('003-II', 'Learning Rates')})." if "rmsprop" in missed else ""))
    plot(ctx, surfaces, results, sweep, kappas, steps)


def plot(ctx, surfaces, results, sweep, kappas, steps):
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(15, 9.5), gridspec_kw={"height_ratios": [1.25, 1]})
    for j, key in enumerate(("quadratic", "plateau")):
        draw_paths(axes[0, j], surfaces[key], results[key])
        draw_losses(axes[1, j], surfaces[key], results[key])
    fig.suptitle(f"One path per optimiser from the same start (●) to the minimum (★), each at its best "
                 f"learning rate; backend {ctx.backend.name}", fontsize=10)
    fig.tight_layout()
    ctx.figure(fig, "optimizer_paths.png",
               "The paths of eight optimisers on an ill-conditioned quadratic (left) and on a plateau around "
               "a well (right), and the loss after each update; the legend gives each one's learning rate and the "
               "updates it needed.")

    fig, axes = plt.subplots(1, 3, figsize=(17, 4.6))
    draw_adagrad_rates(axes[0], axes[1], ctx.backend, surfaces["quadratic"])
    ax = axes[2]
    for label in SWEEP:
        ys = [sweep[k][label].steps for k in kappas]
        ax.loglog(kappas, [np.nan if s is None else s for s in ys], "o-", color=COLORS[label], label=label)
        for k, s in zip(kappas, ys):
            if s is None:
                ax.plot(k, steps, "x", color=COLORS[label], ms=8)
    ax.axhline(steps, color="0.6", ls=":", lw=0.8)
    ax.set_xlabel("κ (how much steeper w₂ is than w₁)")
    ax.set_ylabel(f"updates to L < {TOL:g} (× at the top: not in {steps:,})")
    ax.set_title("conditioning: plain SGD slows down, Adagrad does not", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    ctx.figure(fig, "adagrad_rates.png",
               "Adagrad's learning rate per parameter along its path on the quadratic, the slide's worked "
               "example recomputed from adagrad_update's state, and the updates needed as the conditioning worsens.")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
