"""Bounds of the optimizers family (``reference/optimizers.py``): the optimizer rules replayed on
intervals, and global-norm gradient clipping."""

from __future__ import annotations

import math

import numpy as np

from .core import Ambiguous, Approx, _lift, descent, gamma, u_of, widest


def sgd_update(param, grad, eta=0.01):
    """w - eta g: as ``gd_step`` (:func:`descent`)."""
    return descent(param, grad, eta)


# An update is a handful of elementwise products, quotients, square roots and sums, so its bound is
# built from three order-free pieces, each the standard model applied to every way of evaluating it:
#
# * monomial(num, den): prod(num) / prod(den) for positive den, in any association:
#   k = len(num) + len(den) - 1 roundings, each a factor (1 + delta). With relative input errors
#   a_i = e_i / |v_i| (numerators) and b_j = e_j / v_j (denominators), the result is within
#   |v| (prod(1 + a_i) / prod(1 - b_j) (1 + u)^k - 1) of the exact one (for v = 0: the largest
#   magnitude the intervals allow, prod(|v_i| + e_i) / prod(v_j - e_j) (1 + u)^k).
# * add(*terms): a K-term sum in any order: sum e_k + gamma_{K-1} sum |t_k| (Higham, §4.2).
# * sqrt(a): IEEE square root, correctly rounded: an argument error e moves it by at most
#   max(sqrt(a + e) - sqrt(a), sqrt(a) - sqrt(max(a - e, 0))) (concavity), then one rounding.
#
# Hyperparameters are Python floats, exact as given. A scalar coefficient computed from them on the
# host in float64 (1 - beta, 1 - beta**t) carries its float64 roundings (pow within 1 ulp = 2u of
# beta**t) and one more rounding when it meets a float32 array (:func:`host`).
#
# A fused multiply-add, or a coefficient computed in float64 on the host instead of in the dtype,
# rounds less and stays within these bounds. Where a rule has two documented ways to be written
# (SGD's weight decay, Adam's bias correction inside or outside the root) the wider bound is used.
#
# The replay runs the updates one after another, each update's bound starting from the previous
# one's intervals (interval arithmetic: an interval holds the exact value and every conforming
# result). A decay (beta, rho, alpha, momentum < 1) multiplies the carried error by itself, so it
# shrinks; the parameter's error adds up over the updates. A divisor known to be at least eps (a
# root plus eps) keeps that floor however wide its interval grows (:func:`at_least`).
#
# Weight decay feeds the parameter back into g = grad + lambda w. Intervals treat that w and the w
# being updated as independent, so for SGD the carried error grows by (1 + eta lambda) per update
# where the exact map shrinks it by (1 - eta lambda): over 100 updates the bound is loose by at most
# ((1 + x) / (1 - x))^100 with x = eta lambda, under 3 for the x <= 0.005 the tests draw. For the
# adaptive rules the growth is (1 + |d step / d w|), large only where the step is about eta times
# the sign of g and g is near 0: there two correct implementations really do drift apart.

_U64 = 2.0 ** -53


def _mk(v, e, dtype) -> Approx:
    """An Approx from float64 ``v`` and ``e`` of one shape, without the copies of the general constructor
    (the replays below build thousands of them)."""
    v = np.asarray(v, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    if v.shape != e.shape:
        return Approx(v, e, dtype)
    out = Approx.__new__(Approx)
    out.v, out.e, out.dtype = v, e, np.dtype(dtype)
    return out


def host_exact(v, e64, dtype) -> Approx:
    """A scalar computed on the host in float64 within ``e64`` of its exact value ``v``, then rounded once
    to ``dtype`` where it meets the arrays (a float32 array; for float64 this extra rounding is void, and
    counted anyway)."""
    v = float(v)
    return _mk(v, e64 + u_of(dtype) * (abs(v) + e64), dtype)


def host(c, dtype, ops=0) -> Approx:
    """A hyperparameter (``ops = 0``) or a host coefficient made from them by ``ops`` float64 roundings
    (e.g. ``1 - beta``: one), used in ``dtype`` arithmetic."""
    c = float(c)
    return host_exact(c, abs(c) * np.expm1(ops * np.log1p(_U64)), dtype)


def one_minus_pow(beta, t, dtype) -> Approx:
    r""":math:`1 - \beta^t` on the host: pow within 1 ulp (2u of :math:`\beta^t`), one subtraction (u of
    the result), then :func:`host_exact`'s rounding to ``dtype`` (Adam's bias corrections)."""
    p = float(beta) ** int(t)
    c = 1.0 - p
    return host_exact(c, 2 * _U64 * p + _U64 * abs(c), dtype)


def monomial(num, den=()) -> Approx:
    """``prod(num) / prod(den)`` (every ``den`` > 0) in any association; see the section comment."""
    num = [a if isinstance(a, Approx) else Approx.exact(a) for a in num]
    dtype = num[0].dtype
    den = [_lift(d, dtype) for d in den]
    u = u_of(dtype)
    k = len(num) + len(den) - 1
    lows = [np.maximum(d.v - d.e, getattr(d, "floor", -np.inf)) for d in den]
    for low in lows:
        if np.any(low <= 0):
            raise Ambiguous("a divisor's error interval reaches 0")
    v, mag, log_rel = 1.0, 1.0, k * np.log1p(u)
    with np.errstate(all="ignore"):
        for a in num:
            v = v * a.v
            mag = mag * a.mag
            log_rel = log_rel + np.log1p(a.e / np.abs(a.v))
        for d, low in zip(den, lows):
            v = v / d.v
            mag = mag / low
            log_rel = log_rel - np.log1p(-np.minimum(d.e, d.v - low) / d.v)
        mag = mag * (1 + u) ** k
        e = np.where(v != 0, np.abs(v) * np.expm1(log_rel), mag)
    return _mk(v, e, dtype)


def add(*terms) -> Approx:
    r"""A K-term sum in any order: :math:`\sum_k e_k + \gamma_{K-1} \sum_k (|t_k| + e_k)`."""
    dtype = next(t.dtype for t in terms if isinstance(t, Approx))
    terms = [_lift(t, dtype) for t in terms]
    v = sum(t.v for t in terms)
    e = sum(t.e for t in terms) + gamma(len(terms) - 1, u_of(dtype)) * sum(t.mag for t in terms)
    return _mk(v, e, dtype)


def sqrt(a: Approx) -> Approx:
    """The correctly rounded square root of a non-negative value; see the section comment."""
    with np.errstate(all="ignore"):
        v = np.sqrt(np.maximum(a.v, 0.0))
        low = np.sqrt(np.maximum(a.v - a.e, 0.0))
        down = np.where(a.v > a.e, a.e / (v + low), v)
        up = np.where(a.e > 0, a.e / (np.sqrt(a.v + a.e) + v), 0.0)
    e = np.maximum(down, up)
    return _mk(v, e + a.u * (v + e), a.dtype)


#: The state fields of each rule, in the order of its NamedTuple (Adam's and Nadam's also carry t).
OPTIMIZER_STATE = {"sgd": (), "momentum": ("v",), "adagrad": ("g2_sum",), "rmsprop": ("sigma2",),
                   "adadelta": ("g2_mean", "dw2_mean"), "adam": ("m", "v"), "nadam": ("m", "v")}


class _AtLeast(Approx):
    """An Approx whose every conforming value is also known to be >= ``floor`` (see :func:`at_least`)."""

    __slots__ = ("floor",)


def at_least(a: Approx, floor) -> Approx:
    """``a``, known to be >= ``floor`` > 0 in every conforming evaluation (a root plus eps): a quotient by it
    uses max(v - e, floor) as its smallest value, so it stays bounded where the carried error has grown."""
    out = _AtLeast(a.v, a.e, a.dtype)
    out.floor = float(floor)
    return out


def _adagrad_step(eta, g, root, dtype):
    """Adagrad's eps = 0 step eta g / root, 0 where the root is exactly 0. Where the root's interval
    reaches 0 without being exactly 0 (a weight-decayed g that is 0 within rounding), any conforming
    step still has |step| <= eta (1 + 6u): root >= |g| (1 - 2u) in any rounding, since the sum holds g^2."""
    exact_zero = (root.v == 0) & (root.e == 0)
    ambiguous = (root.v - root.e <= 0) & ~exact_zero
    safe = Approx(np.where(exact_zero | ambiguous, 1.0, root.v), np.where(exact_zero | ambiguous, 0.0, root.e),
                  dtype)
    step = monomial([host(eta, dtype), g], [safe])
    u = u_of(dtype)
    e = np.where(exact_zero, 0.0, np.where(ambiguous, np.abs(step.v) + eta * (1 + 8 * u), step.e))
    return Approx(np.where(exact_zero | ambiguous, 0.0, step.v), e, dtype)


def _inv_sqrt_forms(num, v, bc2, eps, dtype):
    r"""``num / (sqrt(v / bc2) + eps)`` (Algorithm 1) or ``num / (sqrt(v) / sqrt(bc2) + eps)`` (the
    bias correction taken out of the root, as PyTorch writes it): the wider bound."""
    floor = eps * (1 - u_of(dtype))          # sqrt(.) >= 0, so the divisor is at least eps rounded
    eps = host(eps, dtype)
    a = monomial([num], [at_least(add(sqrt(monomial([v], [bc2])), eps), floor)])
    b = monomial([num], [at_least(add(monomial([sqrt(v)], [sqrt(bc2)]), eps), floor)])
    return widest(a, b)


def optimizer_step(rule, param, grad, state, t, hyper, weight_decay=0.0):
    """One ``<rule>_update`` replayed on intervals: ``(param, state, t)`` as Approx (and the new t).

    ``param`` and the state's arrays may be data (exact) or the Approx of an earlier step; ``grad`` is
    data. The formulas are the reference's, each op bounded by :func:`monomial`, :func:`add` and
    :func:`sqrt`. SGD with weight decay may also be computed as the slide's (1 - eta lambda) w - eta g
    (the coefficient on the host): the wider bound of the two.
    """
    w = param if isinstance(param, Approx) else Approx.exact(param)
    dt = w.dtype
    state = tuple(s if isinstance(s, Approx) else Approx.exact(s, dt) for s in state)
    g0 = Approx.exact(grad, dt)
    lam = float(weight_decay)
    g = add(g0, monomial([host(lam, dt), w])) if lam else g0
    h = hyper
    u = u_of(dt)
    c = lambda x, ops=0: host(x, dt, ops)

    if rule == "sgd":
        new = add(w, -monomial([c(h["eta"]), g]))
        if lam:
            eta = h["eta"]
            coef = host_exact(1 - eta * lam, _U64 * (eta * lam + abs(1 - eta * lam)), dt)
            new = widest(new, add(monomial([coef, w]), -monomial([c(eta), g0])))
        return new, (), t
    if rule == "momentum":
        (v,) = state
        v = add(monomial([c(h["momentum"]), v]), -monomial([c(h["eta"]), g]))
        if h.get("nesterov", False):
            new = add(w, monomial([c(h["momentum"]), v]), -monomial([c(h["eta"]), g]))
        else:
            new = add(w, v)
        return new, (v,), t
    if rule == "adagrad":
        (s,) = state
        s = add(s, monomial([g, g]))
        root = sqrt(s)
        eps = h.get("eps", 0.0)
        if eps == 0:
            step = _adagrad_step(h["eta"], g, root, dt)
        else:
            step = monomial([c(h["eta"]), g], [at_least(add(root, c(eps)), eps * (1 - u))])
        return add(w, -step), (s,), t
    if rule == "rmsprop":
        (s,) = state
        alpha = h["alpha"]
        s = add(monomial([c(alpha), s]), monomial([c(1 - alpha, 1), g, g]))
        step = monomial([c(h["eta"]), g], [at_least(add(sqrt(s), c(h["eps"])), h["eps"] * (1 - u))])
        return add(w, -step), (s,), t
    if rule == "adadelta":
        g2, dw2 = state
        rho, eps = h["rho"], h["eps"]
        g2 = add(monomial([c(rho), g2]), monomial([c(1 - rho, 1), g, g]))
        dw = -monomial([sqrt(add(dw2, c(eps))), g], [at_least(sqrt(add(g2, c(eps))), math.sqrt(eps) * (1 - 2 * u))])
        dw2 = add(monomial([c(rho), dw2]), monomial([c(1 - rho, 1), dw, dw]))
        return add(w, monomial([c(h["eta"]), dw])), (g2, dw2), t
    if rule in ("adam", "nadam"):
        m, v = state
        b1, b2 = h["beta1"], h["beta2"]
        t = t + 1
        m = add(monomial([c(b1), m]), monomial([c(1 - b1, 1), g]))
        v = add(monomial([c(b2), v]), monomial([c(1 - b2, 1), g, g]))
        if rule == "adam":
            m_hat = monomial([m], [one_minus_pow(b1, t, dt)])
        else:
            m_hat = add(monomial([c(b1), m], [one_minus_pow(b1, t + 1, dt)]),
                        monomial([c(1 - b1, 1), g], [one_minus_pow(b1, t, dt)]))
        step = _inv_sqrt_forms(monomial([c(h["eta"]), m_hat]), v, one_minus_pow(b2, t, dt), h["eps"], dt)
        return add(w, -step), (m, v), t
    raise ValueError(rule)


def optimizer_path(rule, param, grads, hyper, weight_decay=0.0):
    """``<rule>_init`` then one ``<rule>_update`` per gradient, replayed: the list of
    ``(param, state arrays, t)`` after each update."""
    w = Approx.exact(param)
    state = tuple(Approx.exact(np.zeros(w.v.shape), w.dtype) for _ in OPTIMIZER_STATE[rule])
    t = 0
    path = []
    for grad in grads:
        w, state, t = optimizer_step(rule, w, grad, state, t, hyper, weight_decay)
        path.append((w, state, t))
    return path


def optimizer_run(rule, param, grads, hyper, weight_decay=0.0):
    """As :func:`optimizer_path`, the last update's ``(param, state arrays, t)`` only."""
    return optimizer_path(rule, param, grads, hyper, weight_decay)[-1]


def clip_global_norm(grads, max_norm):
    r"""``(clipped, norm)``: the norm as an Approx in float64 and each clipped array as an Approx.

    norm: K squares and K - 1 additions in float64, any order (:math:`\gamma_K` of the sum, all terms
    positive), then a square root. scale = min(1, tau / norm): where the norm's interval lies above tau,
    one float64 division; below, exactly 1; across, anything in [tau / (norm + e), 1]. clipped = g scale
    with the scale rounded to the dtype: :func:`monomial` of two factors.
    """
    grads = [np.asarray(g) for g in grads]
    dtype = grads[0].dtype
    f64 = np.dtype(np.float64)
    flat = np.concatenate([g.astype(np.float64).ravel() for g in grads])
    S = float(np.sum(flat * flat))
    norm = sqrt(Approx(S, gamma(flat.size, _U64) * S, f64))
    tau = float(max_norm)
    n, e = float(norm.v), float(norm.e)
    if n == 0:
        scale = Approx(1.0, 0.0, f64)
    elif n - e > tau:
        scale = monomial([Approx(tau, 0.0, f64)], [norm])
    elif n + e <= tau:
        scale = Approx(1.0, 0.0, f64)
    else:
        low = tau / (n + e) * (1 - 2 * _U64)
        v = min(1.0, tau / n)
        scale = Approx(v, max(1.0 - low, v - low), f64)
    s = host_exact(float(scale.v), float(scale.e), dtype)
    clipped = [monomial([s, Approx.exact(g)]) if s.v != 1 or s.e else Approx.exact(g) for g in grads]
    return clipped, norm


#: The tolerance of every primitive of the optimizers family (reference.FAMILIES['optimizers']): its bound,
#: and the bound's one-line justification. A comparison's bound is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``S`` is the sum of the absolute terms.
TOLERANCES = {
    "sgd_init": ("exact: ()", "plain SGD keeps no state: no arithmetic"),
    "sgd_update": ("as gd_step; with weight decay lambda, 2 e of the wider of w - eta (grad + lambda w) and "
                   "(1 - eta lambda) w - eta grad", "w - eta g; both weight-decay forms are the documented rule "
                   "(the coefficient 1 - eta lambda computed on the host)"),
    # lecture 003 (II): every rule's bound is optimizer_path's interval replay, compared after every update;
    # with weight decay lambda, g = grad + lambda w adds one product and a 2-term sum (and w's error, times
    # lambda) to each update. Host coefficients (1 - beta, 1 - beta**t) carry float64 roundings, then one
    # rounding to the dtype.
    "momentum_init": ("exact: zeros", "no arithmetic"), "adagrad_init": ("exact: zeros", "no arithmetic"),
    "rmsprop_init": ("exact: zeros", "no arithmetic"), "adadelta_init": ("exact: zeros", "no arithmetic"),
    "adam_init": ("exact: zeros, t = 0", "no arithmetic"), "nadam_init": ("exact: zeros, t = 0", "no arithmetic"),
    "momentum_update": ("2 e: v = lambda v - eta g (two products, a 2-term sum); theta + v, or theta + lambda v - "
                        "eta g (a 3-term sum in any order)", "v's carried error shrinks by the momentum < 1 each "
                        "update; theta's adds up"),
    "adagrad_update": ("2 e: S + g^2 (a product, a sum), sqrt (0.5 of S's relative error + u), eta g / root or "
                       "eta g / (root + eps) (three factors, any association); eps = 0 with S = 0: exactly 0",
                       "S's relative error grows by about u per update (a sum of positive terms); where a root is 0 "
                       "within rounding, any conforming step is within eta (1 + 6u) of 0"),
    "rmsprop_update": ("2 e: alpha s + (1 - alpha) g^2 (products, a 2-term sum), sqrt, + eps, eta g / (.)",
                       "s's carried error shrinks by alpha each update"),
    "adadelta_update": ("2 e: Zeiler's four lines, each a monomial or a 2-term sum, two square roots",
                        "both means' carried errors shrink by rho; the step's by half of theirs"),
    "adam_update": ("2 e: m, v (products, 2-term sums), bias corrections 1 - beta^t on the host (pow within "
                    "1 ulp), eta m_hat / (sqrt(v_hat) + eps) or with sqrt(v) / sqrt(1 - beta2^t): the wider",
                    "m, v contract by beta1, beta2; the parameter's error adds up over the updates"),
    "nadam_update": ("2 e: as adam_update, m_hat a 2-term sum of two monomials (1 - beta1^(t+1), 1 - beta1^t)",
                     "as adam_update"),
    "lr_schedule": ("4 u of float64, relative", "two or three float64 operations on exact numbers"),
    "clip_global_norm": ("norm: 2 (gamma_K + u) in float64 (K squares summed, a square root); clipped: 2 e of "
                         "g (tau / norm) with the scale rounded to the dtype and one product",
                         "the norm accumulated in float64; scale exactly 1 when the norm is within tau"),
}
