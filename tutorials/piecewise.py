r"""Any curve from pieces: hard sigmoids, sigmoids and ReLUs (lecture 1's flexible model).

Reruns lecture 1 (``000_c996cdc71568085c.txt``) and the matching slides of 004:

* 000 "All Piecewise Linear Curves" — *red curve = constant + sum of a set of* hard
  sigmoids (the blue pieces); here the pieces are built exactly from the curve's corners;
* 000 "Sigmoid Function", "Different w", "Different b", "Different c" — one unit
  :math:`y = c\,\mathrm{sigmoid}(b + w x_1)`: w changes the slope, b shifts, c
  changes the height;
* 000 "Hard Sigmoid" and "Sigmoid → ReLU" — a hard sigmoid is two ReLUs,
  :math:`\min(1,\max(0,z)) = \max(0,z) - \max(0,z-1)`, so the same curve is a sum of
  :math:`2K` ReLUs; a steep sigmoid approximates a hard sigmoid;
* 000 "Beyond Piecewise Linear?" / 004 "Any Curves ≈ Piecewise Linear Curves" — *to
  have good approximation, we need sufficient pieces*: a smooth curve fitted with more
  and more units, error vs number of units;
* 000 "New Model: More Features" / "r = b + Wx" — the same sum in matrix form,
  :math:`y = b + \mathbf c^T\sigma(\mathbf b + W\mathbf x)`.

Data: no data set. The red curve is a piecewise linear curve with corners chosen
here (the slides draw one without numbers); the smooth curve is
:math:`f(x) = 1.5 + \sin(1.6x) + 0.25x` on :math:`[0, 5]`, also chosen here. The
slides print no numbers for this part: the tables check the slides' *claims*
(exactly equal; more pieces → smaller error) with this run's numbers.

Everything runs through ``network_forward(x, W, b1, c, b, activation=...)`` with
``activation="hard_sigmoid"``, ``"sigmoid"`` or ``"relu"`` on the chosen backend.

Concept: model.hard_sigmoid, model.sigmoid_sum, model.relu_sum, model.matrix_form, act.sigmoid, act.relu

Run: ``python -m tutorials.piecewise [--backend reference|cpu|cuda] [--quick] [--out DIR] [--seed N]``
"""

from __future__ import annotations

import sys

import numpy as np

from reference.training import init_params, train_network

from ._common import pyplot, slide, tutorial_main

# The red curve's corners (x, y): flat before the first and after the last.
CORNERS_X = np.array([0.5, 1.5, 2.5, 3.5, 4.2])
CORNERS_Y = np.array([1.0, 2.5, 0.9, 1.6, 3.0])
DOMAIN = (0.0, 5.0)


def smooth_curve(x):
    """The smooth curve of part 3 (chosen here; the slides draw one without a formula)."""
    return 1.5 + np.sin(1.6 * x) + 0.25 * x


def run(ctx):
    part1_one_sigmoid(ctx)
    part2_red_curve(ctx)
    part3_smooth_curve(ctx)


# =======================================================================================
# the constructions: the slide's sentence "red curve = constant + sum of a set of ..."


def hard_sigmoid_params(xk, yk):
    r"""Parameters ``(W, b1, c, b)`` of ``network_forward`` that draw the piecewise linear curve exactly.

    Piece :math:`i` ramps from corner :math:`i-1` to corner :math:`i`:
    :math:`c_i\,\mathrm{hard\_sigmoid}(b_i + w_i x)` with :math:`w_i = 1/(x_i - x_{i-1})`
    (the ramp takes the piece from 0 to 1 between the two corners),
    :math:`b_i = -w_i x_{i-1}` (it starts at :math:`x_{i-1}`) and
    :math:`c_i = y_i - y_{i-1}` (it climbs by the curve's rise). The constant is
    :math:`y_0`, the curve's height before the first corner.
    """
    w = 1.0 / np.diff(xk)
    b1 = -w * xk[:-1]
    c = np.diff(yk)
    return w[:, None], b1, c, np.float64(yk[0])


def relu_pair_params(W, b1, c, b):
    """The same curve from ReLUs: each hard sigmoid is ``relu(z) - relu(z - 1)`` (two units)."""
    return np.vstack([W, W]), np.concatenate([b1, b1 - 1.0]), np.concatenate([c, -c]), b


def sigmoid_params(W, b1, c, b, m):
    r"""Replace each hard sigmoid by ``m`` steep sigmoids, each a step of height ``c/m``.

    Step :math:`j` of piece :math:`i` sits at :math:`z = (j + 1/2)/m` along the ramp and has
    slope :math:`4m` in :math:`z` (a sigmoid's slope at its centre is a quarter of its
    :math:`w`), so each step is as steep as the ramp it stands for. ``m = 1`` is one
    sigmoid per hard sigmoid; larger ``m`` means more, steeper, smaller sigmoids.
    """
    K = W.shape[0]
    centres = (np.arange(m) + 0.5) / m                      # in z, within each ramp
    steep = 4.0 * m
    Ws = np.repeat(W[:, 0], m) * steep                      # w of each sigmoid, in x
    bs = (np.repeat(b1, m) - np.tile(centres, K)) * steep   # b of each sigmoid
    cs = np.repeat(c, m) / m                                # c: each a step of c_i / m
    return Ws[:, None], bs, cs, b


# =======================================================================================
# Part 1 — one sigmoid: what c, b and w do


def part1_one_sigmoid(ctx):
    B = ctx.backend
    x = np.linspace(-6, 6, ctx.sized(241, 241, sim=61))
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
    variants = [("Different w: change slopes", "w", (0.5, 1.0, 3.0)),
                ("Different b: shift", "b", (-2.0, 0.0, 2.0)),
                ("Different c: change height", "c", (0.5, 1.0, 1.5))]
    for ax, (title, name, values) in zip(axes, variants):
        for value in values:
            c, b, w = 1.0, 0.0, 1.0
            c, b, w = (value, b, w) if name == "c" else (c, value, w) if name == "b" else (c, b, value)
            a, _ = B.sigmoid_forward(b + w * x)
            ax.plot(x, c * a, label=f"{name} = {value:g}")
        ax.set_title(f"{title}  ({slide('000')})", fontsize=10)
        ax.set_xlabel("x1")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel("y = c · sigmoid(b + w·x1)")
    fig.suptitle("One sigmoid, y = c · 1/(1 + exp(−(b + w·x1))): the others fixed at c = 1, b = 0, w = 1",
                 fontsize=10)
    fig.tight_layout()
    ctx.figure(fig, "sigmoid_c_b_w.png",
               f"{slide('000', 'Different w / b / c')}: w changes the slope, b shifts the curve, c changes its height.")
    # The numbers behind the picture, measured on the computed curves: where y crosses c/2
    # (the centre), the height it levels off at, and its steepest slope.
    x = np.linspace(-40, 40, ctx.sized(80_001, 80_001, sim=801))
    rows = []
    for _, name, values in variants:
        for value in values:
            c, b, w = 1.0, 0.0, 1.0
            c, b, w = (value, b, w) if name == "c" else (c, value, w) if name == "b" else (c, b, value)
            a, _ = B.sigmoid_forward(b + w * x)
            y = c * a
            slope = np.gradient(y, x)
            centre = x[np.argmin(np.abs(y - c / 2))]
            rows.append([f"{name} = {value:g}", c, b, w, float(centre), float(y[-1]), float(slope.max())])
    ctx.table("Part 1: one unit y = c·sigmoid(b + w·x1), measured on the computed curve",
              ["varied", "c", "b", "w", "centre (y = c/2)", "height (y at x1 = 40)", "steepest slope"], rows,
              note="The slide shows pictures only. Measured here: the centre is −b/w (b shifts), the "
                   "height is c, the steepest slope is c·w/4 (w changes the slope).")


# =======================================================================================
# Part 2 — the red curve = constant + sum of hard sigmoids (exact), of ReLU pairs (exact),
#           of sigmoids (approximate)


def part2_red_curve(ctx):
    B = ctx.backend
    x = np.linspace(*DOMAIN, ctx.sized(1001, 401, sim=51))
    X = x[:, None]
    red = np.interp(x, CORNERS_X, CORNERS_Y)      # the curve itself (flat outside the corners)
    hard = hard_sigmoid_params(CORNERS_X, CORNERS_Y)
    K = hard[0].shape[0]
    ctx.log(f"part 2: red curve with {CORNERS_X.size} corners → {K} hard sigmoids: "
            f"w = {np.round(hard[0][:, 0], 3).tolist()}, b = {np.round(hard[1], 3).tolist()}, "
            f"c = {np.round(hard[2], 3).tolist()}, constant = {float(hard[3])}")

    y_hard, _ = B.network_forward(X, *hard, activation="hard_sigmoid")
    relu = relu_pair_params(*hard)
    y_relu, _ = B.network_forward(X, *relu, activation="relu")
    # The matrix form, step by step: r = b + Wx, a = σ(r), y = b + cᵀa.
    a, _ = B.dense_forward(X, hard[0], hard[1], activation="hard_sigmoid")
    y_matrix, _ = B.linear_forward(a, hard[2], hard[3])

    rows = [["hard sigmoids (constructed)", K, "exactly the curve", float(np.abs(y_hard - red).max())],
            ["ReLU pairs: relu(z) − relu(z − 1)", 2 * K, "exactly the curve", float(np.abs(y_relu - red).max())],
            ["matrix form r = b + Wx, a = σ(r), y = b + cᵀa", K, "= network_forward",
             float(np.abs(y_matrix - y_hard).max())]]
    sig_ys = {}
    for m in ctx.sized((1, 2, 4, 8, 16), (1, 2, 4, 8, 16), sim=(1, 4)):
        y_sig, _ = B.network_forward(X, *sigmoid_params(*hard, m), activation="sigmoid")
        sig_ys[m] = y_sig
        rows.append([f"sigmoids, {m} per piece (steep w = {4 * m}/ramp width)", K * m,
                     "approximately", float(np.abs(y_sig - red).max())])
    ctx.table(f"Part 2: red curve = constant + sum of a set of … ({slide('000', 'All Piecewise Linear Curves')})",
              ["pieces", "units", "slide says", "max |y − red curve| (this run)"], rows,
              note="Rounding-level errors (~1e-16) are the float64 arithmetic: the constructions are exact. "
                   "The sigmoid sums approach the curve as the steps get more and smaller (error ∝ 1/m).")

    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), sharey=True)
    W, b1, c, b = hard
    ax = axes[0]
    ax.axhline(b, color="tab:blue", lw=1, ls=":", label=f"constant {float(b):g}")
    for i in range(K):
        piece, _ = B.hard_sigmoid_forward(b1[i] + W[i, 0] * x)
        ax.plot(x, c[i] * piece, color="tab:blue", lw=1, alpha=0.5 + 0.5 * i / K,
                label="c_i · hard sigmoid(b_i + w_i·x1)" if i == 0 else None)
    ax.plot(x, red, color="tab:red", lw=2.5, alpha=0.7, label="red curve")
    ax.plot(x, y_hard, "k--", lw=1, label=f"constant + sum of {K} pieces")
    ax.plot(CORNERS_X, CORNERS_Y, "o", color="tab:red", ms=5)
    ax.set_title(f"{K} hard sigmoids (blue) + constant = red", fontsize=10)
    ax = axes[1]
    Wr, br, cr, _ = relu
    for i in range(2 * K):
        unit, _ = B.relu_forward(br[i] + Wr[i, 0] * x)
        ax.plot(x, cr[i] * unit, color="tab:green" if i < K else "tab:purple", lw=0.8, alpha=0.7,
                label=("c_i·max(0, z_i)" if i == 0 else "−c_i·max(0, z_i − 1)" if i == K else None))
    ax.plot(x, red, color="tab:red", lw=2.5, alpha=0.7, label="red curve")
    ax.plot(x, y_relu, "k--", lw=1, label=f"constant + sum of {2 * K} ReLUs")
    ax.set_ylim(-3.5, 4.5)
    ax.set_title(f"{2 * K} ReLUs (a hard sigmoid = two ReLUs)", fontsize=10)
    ax = axes[2]
    ax.plot(x, red, color="tab:red", lw=2.5, alpha=0.7, label="red curve")
    for m, style in ((1, "-"), (4, "--")):
        ax.plot(x, sig_ys[m], style, color="tab:blue", lw=1.2, label=f"{K * m} sigmoids ({m} per piece)")
    ax.set_title("sigmoids approximate the hard sigmoids", fontsize=10)
    for ax in axes:
        ax.set_xlabel("x1")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    axes[0].set_ylabel("y")
    fig.tight_layout()
    ctx.figure(fig, "red_curve_pieces.png",
               f"{slide('000', 'All Piecewise Linear Curves')}: the red curve as a constant plus blue hard sigmoids "
               "(left), as ReLU pairs (middle), and approximated by sigmoids (right).")


# =======================================================================================
# Part 3 — a smooth curve: more pieces, better approximation


def part3_smooth_curve(ctx):
    B = ctx.backend
    x = np.linspace(*DOMAIN, ctx.sized(201, 201, sim=41))
    X = x[:, None]
    y_true = smooth_curve(x)
    counts = ctx.sized((1, 2, 4, 8, 16, 32, 64), (1, 2, 4, 8, 16, 32, 64), sim=(1, 2, 4, 8))
    constructed = {}
    for K in counts:
        knots = np.linspace(*DOMAIN, K + 1)
        hard = hard_sigmoid_params(knots, smooth_curve(knots))     # the piecewise linear interpolant
        y_hard, _ = B.network_forward(X, *hard, activation="hard_sigmoid")
        y_relu, _ = B.network_forward(X, *relu_pair_params(*hard), activation="relu")
        y_sig, _ = B.network_forward(X, *sigmoid_params(*hard, 1), activation="sigmoid")
        constructed[K] = dict(hard=y_hard, relu=y_relu, sig=y_sig)

    # Fitted, not constructed: a sum of H sigmoids trained by mini-batch gradient descent.
    trained_counts = ctx.sized((1, 2, 4, 8, 16), (1, 2, 4, 8, 16), sim=(1, 2))
    epochs = ctx.sized(1500, 60, sim=2)
    batch_size, eta = 16, 0.1
    xs = (X - 2.5) / 1.25                                          # inputs standardised to [-2, 2]
    trained = {}
    for H in ctx.progress(trained_counts, "training sums of sigmoids"):
        rng = np.random.default_rng([ctx.seed, H])
        W, b1, c, b = init_params([1, H], rng, activation="sigmoid")
        # (Randomly) pick initial values: steeper slopes, and each sigmoid's centre −b_i/w_i
        # somewhere in the input range (with b_i = 0 every centre would sit at x = 2.5).
        W = 3.0 * W
        b1 = -W[:, 0] * rng.uniform(-2, 2, H)
        b = np.float64(y_true.mean())
        params, history = train_network(xs, y_true, (W, b1, c, b), epochs=epochs, batch_size=batch_size,
                                        eta=eta, activation="sigmoid", loss="mse",
                                        rng=np.random.default_rng([ctx.seed, 100 + H]), backend=B)
        y_fit, _ = B.network_forward(xs, *params, activation="sigmoid")
        trained[H] = dict(y=y_fit, history=history)
        ctx.log(f"{H:2d} sigmoid(s), {epochs} epochs (B = {batch_size}, η = {eta}): final training MSE "
                f"{history['loss'][-1]:.3g}, max |error| {np.abs(y_fit - y_true).max():.3g} "
                f"({history['seconds']:.1f} s)")

    err = lambda y: float(np.abs(y - y_true).max())  # noqa: E731
    rows = []
    for K in counts:
        rows.append([K, err(constructed[K]["hard"]), err(constructed[K]["relu"]),
                     err(constructed[K]["sig"]), err(trained[K]["y"]) if K in trained else None])
    ctx.table("Part 3: a smooth curve f(x) = 1.5 + sin(1.6x) + 0.25x on [0, 5] — max |y − f| vs pieces "
              f"({slide('000', 'To have good approximation, we need sufficient pieces')})",
              ["pieces K", "K hard sigmoids (interpolant)", "2K ReLUs (same curve)",
               "K sigmoids (constructed)", f"K sigmoids (trained, {epochs} epochs)"], rows,
              note="The slide: more pieces, better approximation. Constructed pieces (the piecewise linear "
                   "interpolant through K + 1 points) shrink the error about 4× per doubling (∝ 1/K²); "
                   "one sigmoid per piece ∝ 1/K. The trained column is what gradient descent finds from "
                   "random initial values in a fixed number of epochs: capacity grows with K, but the "
                   "optimisation does not always use it.")
    plot_smooth(ctx, x, y_true, constructed, trained, counts, epochs)


def plot_smooth(ctx, x, y_true, constructed, trained, counts, epochs):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    ax = axes[0]
    ax.plot(x, y_true, color="tab:red", lw=2.5, alpha=0.7, label="f(x)")
    for K, style in ((2, ":"), (4, "--"), (8, "-")):
        ax.plot(x, constructed[K]["hard"], style, color="tab:blue", lw=1.2, label=f"{K} hard sigmoids")
    ax.set_title("more pieces (constructed)", fontsize=10)
    ax = axes[1]
    ax.plot(x, y_true, color="tab:red", lw=2.5, alpha=0.7, label="f(x)")
    for H, style in ((2, ":"), (4, "--"), (16, "-")):
        if H in trained:
            ax.plot(x, trained[H]["y"], style, color="tab:blue", lw=1.2, label=f"{H} sigmoids, trained")
    ax.set_title(f"more sigmoids (trained by GD, {epochs} epochs)", fontsize=10)
    for ax in axes[:2]:
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    ax = axes[2]
    errs = lambda key: [float(np.abs(constructed[K][key] - y_true).max()) for K in counts]  # noqa: E731
    ax.loglog(counts, errs("hard"), "o-", label="hard sigmoids (= ReLU pairs)")
    ax.loglog(counts, errs("sig"), "s-", label="sigmoids, constructed")
    Hs = sorted(trained)
    ax.loglog(Hs, [float(np.abs(trained[H]["y"] - y_true).max()) for H in Hs], "^-",
              label="sigmoids, trained")
    ax.set_xlabel("pieces (units) K")
    ax.set_ylabel("max |y − f(x)|")
    ax.set_title("error vs number of pieces", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    ctx.figure(fig, "smooth_curve.png",
               "A smooth curve approximated by more and more pieces: constructed (left), trained by "
               "gradient descent (middle), and the error against the number of pieces (right).")


def main(argv=None):
    return tutorial_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
