"""The optimizer rules, learning-rate schedules and gradient clipping (``reference.optimizers``).

Every rule is checked three ways: against its slide or paper formula written out below one parameter at a
time in plain Python floats (a deliberately different implementation from the reference's array
expressions), against the reference on every backend over 100 updates of drawn parameters, gradients and
hyperparameters, and for the properties the slides state (Adagrad's worked example, Adam's first step,
weight decay as 0.99 w). Tolerances are the interval replays of :mod:`spec_tests.tolerance`
(``optimizer_run``), derived from the arithmetic of each update.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import reference
from reference.optimizers import AdadeltaState, AdagradState, AdamState, MomentumState, RMSpropState

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, call_pure

RULES = reference.OPTIMIZERS
STATE_TYPE = {"sgd": tuple, "momentum": MomentumState, "adagrad": AdagradState, "rmsprop": RMSpropState,
              "adadelta": AdadeltaState, "adam": AdamState, "nadam": AdamState}
f64 = np.dtype(np.float64)


# -- drawing a run: a parameter, a gradient sequence, hyperparameters -----------------------------------
def relayout(a, layout):
    """A copy of ``a`` in the memory ``layout`` of :data:`strategies.LAYOUTS` (a view into a fresh base)."""
    a = np.asarray(a)
    if a.ndim == 0 or layout == "C":
        return np.array(a, copy=True)
    if layout == "transposed":
        return np.array(a.T, copy=True, order="C").T
    if layout == "strided":
        base = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
        base[..., ::2] = a
        return base[..., ::2]
    return np.array(a[::-1], copy=True)[::-1]


def hypers(rule):
    """The hyperparameters of ``rule`` in the ranges the lecture and the libraries use (the defaults among
    them), 0 included for every decay rate."""
    fr = lambda default, hi: st.one_of(st.just(default), st.just(0.0), st.sampled_from((0.5, 0.99, 0.999)),
                                       st.floats(0.0, hi))
    eps = lambda default, lo, hi: st.one_of(st.just(default), st.floats(lo, hi))
    if rule == "sgd":
        return st.fixed_dictionaries({"eta": st.floats(1e-3, 0.5)})
    if rule == "momentum":
        return st.fixed_dictionaries({"eta": st.floats(1e-3, 0.2), "momentum": fr(0.9, 0.99),
                                      "nesterov": st.booleans()})
    if rule == "adagrad":
        return st.fixed_dictionaries({"eta": st.floats(1e-3, 1.0),
                                      "eps": st.one_of(st.just(0.0), eps(1e-8, 1e-10, 1e-2))})
    if rule == "rmsprop":
        return st.fixed_dictionaries({"eta": st.floats(1e-4, 0.1), "alpha": fr(0.9, 0.999),
                                      "eps": eps(1e-8, 1e-8, 1e-3)})
    if rule == "adadelta":
        return st.fixed_dictionaries({"eta": st.floats(0.1, 2.0), "rho": fr(0.95, 0.999),
                                      "eps": eps(1e-6, 1e-8, 1e-3)})
    return st.fixed_dictionaries({"eta": st.floats(1e-4, 0.1), "beta1": fr(0.9, 0.99),
                                  "beta2": st.one_of(st.just(0.999), st.sampled_from((0.5, 0.99, 0.9999)),
                                                     st.floats(0.5, 0.9999)),
                                  "eps": eps(1e-8, 1e-8, 1e-4)})


@st.composite
def grad_sequences(draw, shape, dtype, steps, layout="C"):
    """``steps`` gradients of ``shape``: each entry 0 or of magnitude 2**k, k in a drawn [lo, hi] within
    [-20, 2]; either a steady slope per entry (the same sign each step, its size varying by a factor in
    [0.5, 1.5]: the plateau and ravine of the lecture) or independent signs (noise); a drawn share of
    zeros (a parameter no example touched). The numbers come from a drawn seed, so a run of 100 steps
    costs Hypothesis a few draws while the sequence stays reproducible and shrinkable."""
    seed = draw(st.integers(0, 2 ** 32 - 1))
    lo = draw(st.integers(-20, 0))
    hi = draw(st.integers(lo, 2))
    p_zero = draw(st.sampled_from((0.0, 0.2, 0.5)))
    steady = draw(st.booleans())
    rng = np.random.default_rng(seed)
    full = (steps,) + tuple(shape)
    if steady:
        base = rng.choice([-1.0, 1.0], size=shape) * 2.0 ** rng.uniform(lo, hi, size=shape)
        g = base * rng.uniform(0.5, 1.5, size=full)
    else:
        g = rng.choice([-1.0, 1.0], size=full) * 2.0 ** rng.uniform(lo, hi, size=full)
    g[rng.random(full) < p_zero] = 0.0
    g = g.astype(dtype)
    return [relayout(g[k], layout) for k in range(steps)]


@st.composite
def run_case(draw, rule, max_size, dtype=None, steps=100, max_rank=2):
    """(param, grads, hyper, weight_decay, inplace, layout) for ``steps`` updates of ``rule``."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    rank = draw(st.integers(0, max_rank))
    shape = tuple(draw(S.dims(max_size)) for _ in range(rank))
    layout = draw(st.sampled_from(S.LAYOUTS))
    param = draw(S.arrays(dtype, shape, 4.0, layout=layout))
    grads = draw(grad_sequences(shape, dtype, steps, layout))
    hyper = draw(hypers(rule))
    lam = draw(st.one_of(st.just(0.0), st.floats(1e-5, 1e-2)))
    inplace = draw(st.booleans())
    return param, grads, hyper, lam, inplace, layout


def steps(B, rule, param, grads, hyper, lam=0.0, inplace=False, layout="C"):
    """``<rule>_init`` then one ``<rule>_update`` per gradient on backend ``B``, yielding (param, state) after
    every update. With ``inplace`` the updates go into a copy of ``param`` in the same layout (the caller's
    stays as it was)."""
    init, update = getattr(B, f"{rule}_init"), getattr(B, f"{rule}_update")
    p = relayout(param, layout) if inplace else param
    state = init(p)
    yield p, state
    for g in grads:
        p, state = update(p, g, state, **hyper, weight_decay=lam, inplace=inplace)
        yield p, state


def run(B, rule, param, grads, hyper, lam=0.0, inplace=False, layout="C"):
    """The (param, state) after the last update of :func:`steps` (after ``init`` for no gradients)."""
    for out in steps(B, rule, param, grads, hyper, lam, inplace, layout):
        pass
    return out


_BOUNDS: dict = {}


def replay_path(rule, param, grads, hyper, lam=0.0):
    """``T.optimizer_path``, remembered: the backends draw the same examples (the ``ci`` profile is
    derandomized), and a 100-step replay costs a few tenths of a second."""
    param = np.asarray(param)
    key = (rule, param.dtype.str, param.shape, np.ascontiguousarray(param).tobytes(),
           b"".join(np.ascontiguousarray(g).tobytes() for g in grads), tuple(sorted(hyper.items())), lam)
    if key not in _BOUNDS:
        if len(_BOUNDS) > 256:
            _BOUNDS.clear()
        try:
            _BOUNDS[key] = T.optimizer_path(rule, param, grads, hyper, lam)
        except T.Ambiguous as exc:
            _BOUNDS[key] = exc
    if isinstance(_BOUNDS[key], T.Ambiguous):
        assume(False)
    return _BOUNDS[key]


def replay(rule, param, grads, hyper, lam=0.0):
    """The bound after the last update (see :func:`replay_path`)."""
    return replay_path(rule, param, grads, hyper, lam)[-1]


def few(B, share=3):
    """Hypothesis settings for the long runs (50 or 100 updates, each compared): a ``share``-th of the profile's
    examples, at least 5 (the ``thorough`` profile still gets its many), and as many under the CUDA simulator
    (whose shapes are tiny)."""
    return S.for_backend(B, max_examples=max(5, settings().max_examples // share))


def finite_bound(bound, param=None, eta=None):
    """Skip a draw whose replayed bound is not a number, or (given ``param`` and ``eta``) no longer pins the
    result to 1 part in 1000 of its scale |w_0| + |w| + eta.

    Such runs exist and are not a fault of the bound: an adaptive rule (Adagrad, RMSprop, Adadelta, Adam,
    Nadam) under weight decay, with gradients near 0, steps by about eta against the sign of
    g = grad + lambda w, so w hovers around the point where g changes sign and a rounding that flips g's sign
    changes the path: two correct implementations really do drift apart there, and the honest bound grows
    with them. Comparing such a run says nothing about the backend's arithmetic (it would pass any result),
    so the draw is discarded and Hypothesis looks for a telling one.
    """
    w, state, _ = bound
    assume(all(np.all(np.isfinite(a.v)) and np.all(np.isfinite(a.e)) for a in (w, *state)))
    if param is not None:
        scale = np.abs(w.v) + np.abs(np.asarray(param, dtype=np.float64)) + eta
        assume(np.all(w.e <= 1e-3 * scale))
    return bound


def assert_run_close(what, got, want, bound, rule):
    """Param and every state array of ``got`` within the bound of ``want`` (t equal)."""
    (gp, gs), (wp, ws) = got, want
    bw, bs, bt = bound
    T.assert_close(f"{what} param", np.asarray(gp), np.asarray(wp), bw)
    assert type(gs) is type(ws), f"{what}: state is {type(gs).__name__}, not {type(ws).__name__}"
    for field, b in zip(T.OPTIMIZER_STATE[rule], bs):
        T.assert_close(f"{what} state.{field}", np.asarray(getattr(gs, field)), np.asarray(getattr(ws, field)), b)
    if rule in ("adam", "nadam"):
        assert gs.t == ws.t == bt


# -- 1. every rule against its formula, one parameter at a time ----------------------------------------
def formula_sgd(w, gs, h, lam):
    """003 "Weight Decay": w <- (1 - eta lambda) w - eta dL/dw (plain SGD for lambda = 0)."""
    eta = h["eta"]
    for g in gs:
        w = (1.0 - eta * lam) * w - eta * g
    return w, ()


def formula_momentum(theta, gs, h, lam):
    """003 "Momentum": v <- lambda v - eta grad; theta <- theta + v. Nesterov, with the gradient at the
    stored look-ahead point: theta <- theta + lambda v - eta grad (the new v)."""
    eta, mu, v = h["eta"], h["momentum"], 0.0
    for g in gs:
        g = g + lam * theta
        v = mu * v - eta * g
        theta = theta + mu * v - eta * g if h["nesterov"] else theta + v
    return theta, (v,)


def formula_adagrad(w, gs, h, lam):
    """003 "Adagrad": eta_w = eta / sqrt(sum_{i=0}^t (g^i)^2), this g included (0 / 0: no move);
    with eps > 0, eta / (sqrt(sum) + eps)."""
    eta, eps, total = h["eta"], h["eps"], 0.0
    for g in gs:
        g = g + lam * w
        total = total + g * g
        if eps == 0:
            rate = eta / math.sqrt(total) if total > 0 else 0.0
        else:
            rate = eta / (math.sqrt(total) + eps)
        w = w - rate * g
    return w, (total,)


def formula_rmsprop(w, gs, h, lam):
    """RMSprop: sigma^t = sqrt(alpha (sigma^{t-1})^2 + (1 - alpha) (g^t)^2), sigma^0 = 0;
    w <- w - eta / (sigma^t + eps) g^t."""
    eta, alpha, eps, sigma2 = h["eta"], h["alpha"], h["eps"], 0.0
    for g in gs:
        g = g + lam * w
        sigma2 = alpha * sigma2 + (1.0 - alpha) * g * g
        sigma = math.sqrt(sigma2)
        w = w - eta / (sigma + eps) * g
    return w, (sigma2,)


def formula_adadelta(x, gs, h, lam):
    """Zeiler 2012, Algorithm 1: E[g^2] <- rho E[g^2] + (1 - rho) g^2; dx = -RMS[dx]_{t-1} / RMS[g]_t g with
    RMS[y] = sqrt(E[y^2] + eps); E[dx^2] <- rho E[dx^2] + (1 - rho) dx^2; x <- x + dx (times eta)."""
    eta, rho, eps, eg2, edx2 = h["eta"], h["rho"], h["eps"], 0.0, 0.0
    for g in gs:
        g = g + lam * x
        eg2 = rho * eg2 + (1.0 - rho) * g * g
        rms_dx, rms_g = math.sqrt(edx2 + eps), math.sqrt(eg2 + eps)
        dx = -(rms_dx / rms_g) * g
        edx2 = rho * edx2 + (1.0 - rho) * dx * dx
        x = x + eta * dx
    return x, (eg2, edx2)


def formula_adam(theta, gs, h, lam):
    """Kingma and Ba, Algorithm 1, line for line (alpha = eta)."""
    alpha, b1, b2, eps = h["eta"], h["beta1"], h["beta2"], h["eps"]
    m = v = 0.0
    for t, g in enumerate(gs, start=1):
        g = g + lam * theta
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g * g
        m_hat = m / (1.0 - b1 ** t)
        v_hat = v / (1.0 - b2 ** t)
        theta = theta - alpha * m_hat / (math.sqrt(v_hat) + eps)
    return theta, (m, v)


def formula_nadam(theta, gs, h, lam):
    """Dozat 2016 with a constant beta1: m_hat = beta1 m_t / (1 - beta1^{t+1}) + (1 - beta1) g_t / (1 - beta1^t),
    the rest as Adam."""
    alpha, b1, b2, eps = h["eta"], h["beta1"], h["beta2"], h["eps"]
    m = v = 0.0
    for t, g in enumerate(gs, start=1):
        g = g + lam * theta
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g * g
        m_hat = b1 * m / (1.0 - b1 ** (t + 1)) + (1.0 - b1) * g / (1.0 - b1 ** t)
        v_hat = v / (1.0 - b2 ** t)
        theta = theta - alpha * m_hat / (math.sqrt(v_hat) + eps)
    return theta, (m, v)


FORMULAS = {"sgd": formula_sgd, "momentum": formula_momentum, "adagrad": formula_adagrad,
            "rmsprop": formula_rmsprop, "adadelta": formula_adadelta, "adam": formula_adam,
            "nadam": formula_nadam}


def by_formula(rule, param, grads, hyper, lam):
    """The formula applied to each entry of ``param`` on its own, in Python floats: (param, state arrays)."""
    param = np.asarray(param, dtype=np.float64)
    flat_g = [np.asarray(g, dtype=np.float64).ravel().tolist() for g in grads]
    ws, states = [], []
    for i, w in enumerate(param.ravel().tolist()):
        w, s = FORMULAS[rule](w, [g[i] for g in flat_g], hyper, lam)
        ws.append(w)
        states.append(s)
    shape = param.shape
    fields = [np.array([s[k] for s in states]).reshape(shape) for k in range(len(T.OPTIMIZER_STATE[rule]))]
    return np.array(ws).reshape(shape), fields


@pytest.mark.parametrize("rule", RULES)
def test_rule_is_its_formula(B, rule):
    """Each rule, run 50 steps in float64, equals its formula written out entry by entry in Python floats.

    The slide's or paper's equations (the ``formula_*`` functions above: SGD with weight decay as the slide's
    (1 - eta lambda) w - eta g, momentum and Nesterov, Adagrad in both forms, RMSprop's sigma^t, Adadelta's
    Algorithm 1, Adam's Algorithm 1 with bias correction, Nadam) against the backend's param and state, on
    drawn parameters, gradients, hyperparameters and weight decay. Tolerance: twice the replayed float64
    bound (``T.optimizer_run``): both are conforming float64 evaluations of the same formula, each within
    the bound of the exact result; over 50 steps it is of the order of 10 u per step relative to the
    running magnitudes, about 1e-13 relative.

    Concept: optim.sgd, optim.momentum, optim.adagrad, optim.rmsprop, optim.adadelta, optim.adam, optim.nadam,
    regularize.l2
    """
    @few(B)
    @given(case=run_case(rule, S.max_dim(B, 4), dtype=np.float64, steps=50))
    def check(case):
        param, grads, hyper, lam, inplace, layout = case
        bound = finite_bound(replay(rule, param, grads, hyper, lam), param, hyper["eta"])
        want_p, want_s = by_formula(rule, param, grads, hyper, lam)
        got_p, got_s = run(B, rule, param, grads, hyper, lam, inplace, layout)
        T.assert_close(f"{B.name}.{rule}_update vs formula: param", np.asarray(got_p, dtype=np.float64),
                       want_p, bound[0])
        for field, want, b in zip(T.OPTIMIZER_STATE[rule], want_s, bound[1]):
            T.assert_close(f"{B.name}.{rule}_update vs formula: state.{field}",
                           np.asarray(getattr(got_s, field), dtype=np.float64), want, b)
    check()


@pytest.mark.parametrize("dtype", S.DTYPES)
def test_adagrad_first_step_is_eta_against_the_sign(B, dtype):
    """Adagrad's first update (slide form, eps = 0) moves every parameter by exactly eta against its
    gradient's sign, whatever the gradient's size; a zero gradient does not move it (0 / 0 is no move);
    with eps > 0 the first step is eta g / (|g| + eps).

    One update, from w = 0 (so the step is the result): eta g / sqrt(g^2) with sqrt(g^2) = |g| exactly
    (a correctly rounded square root of the rounded square of a float gives |g| back when g^2 neither
    overflows nor underflows), then eta's rounding to the dtype, a division and a product: within 3 u of
    eta (4 u allowed). The eps form within its replayed one-step bound.

    Concept: optim.adagrad
    """
    g = np.array([0.1, 20.0, -3e-5, 0.0, -7.0, 2.0 ** -20], dtype=dtype)
    w = np.zeros_like(g)
    eta = 0.3
    new, state = B.adagrad_update(w, g, B.adagrad_init(w), eta=eta)
    u = T.u_of(dtype)
    new = np.asarray(new, dtype=np.float64)
    want = -eta * np.sign(g.astype(np.float64))
    assert np.all(np.abs(new - want) <= 4 * u * eta), f"{B.name}: first steps {new}, want {want}"
    assert new[3] == 0.0 and np.asarray(state.g2_sum)[3] == 0.0
    # the eps form: eta g / (|g| + eps)
    eps = 1e-3
    new, _ = B.adagrad_update(w, g, B.adagrad_init(w), eta=eta, eps=eps)
    step = T.optimizer_step("adagrad", w, g, (np.zeros_like(g),), 0, {"eta": eta, "eps": eps})[0]
    g64 = g.astype(np.float64)
    T.assert_close(f"{B.name}.adagrad_update eps form", np.asarray(new),
                   (-eta * g64 / (np.abs(g64) + eps)).astype(dtype), step)
    # a zero gradient after others: the parameter stays where it is (exactly)
    w2, _ = B.adagrad_update(np.ones_like(g), np.zeros_like(g), state, eta=eta)
    assert np.array_equal(np.asarray(w2), np.ones_like(g))


# -- 2. the Adagrad worked example ------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", S.DTYPES)
def test_adagrad_worked_example(B, dtype):
    """The slide's example: w1 sees 0.1 then 0.2, w2 sees 20 then 10; their learning rates are eta/0.1 then
    eta/0.22 (sqrt(0.05) = 0.2236), eta/20 then eta/22 (sqrt(500) = 22.36).

    The effective learning rate is measured from the update itself, eta_w = (w_before - w_after) / g, and
    eta / eta_w compared with sqrt(sum g^2) to 2 decimals (the slide's rounding); w after each update is within
    the replayed bound of the exact w, and sqrt(state.g2_sum) within 8 u of sqrt(0.01 + 0.04) and
    sqrt(400 + 100) (the data's own rounding to the dtype, a 2-term sum, a square root). Then the slide's
    observations: eta_w only shrinks; smaller derivatives, larger rate.

    Concept: optim.adagrad_example, optim.adagrad
    """
    eta = 1.0
    w = np.zeros(2, dtype=dtype)
    state = B.adagrad_init(w)
    grads = [np.array([0.1, 20.0], dtype=dtype), np.array([0.2, 10.0], dtype=dtype)]
    path = T.optimizer_path("adagrad", w, grads, {"eta": eta, "eps": 0.0})
    rates = []
    for g, bound, want_root, want_2dp in zip(grads, path, ([0.1, 20.0], [math.sqrt(0.05), math.sqrt(500.0)]),
                                             ([0.1, 20.0], [0.22, 22.36])):
        before = np.asarray(w, dtype=np.float64).copy()
        w, state = B.adagrad_update(w, g, state, eta=eta)
        T.assert_close(f"{B.name}.adagrad_update (the worked example)", np.asarray(w), bound[0].v.astype(dtype),
                       bound[0])
        eta_w = (before - np.asarray(w, dtype=np.float64)) / g.astype(np.float64)
        rates.append(eta_w)
        assert np.round(eta / eta_w, 2).tolist() == want_2dp, f"{B.name}: eta / eta_w = {eta / eta_w}"
        root = np.sqrt(np.asarray(state.g2_sum, dtype=np.float64))
        np.testing.assert_allclose(root, want_root, rtol=8 * T.u_of(dtype))
    assert rates[0][0] > rates[0][1] and rates[1][0] > rates[1][1]      # smaller derivatives, larger rate
    assert np.all(rates[1] < rates[0])                                  # the rate only shrinks


def test_adagrad_rate_never_increases(B):
    """Adagrad's per-parameter rate eta / sqrt(sum g^2) never increases, on drawn gradient sequences, and a
    parameter whose gradients are all smaller (in size) than another's keeps a larger rate.

    The rate is read from the state (the running sum), which only grows: checked exactly (a sum of
    non-negative rounded terms is non-decreasing in any rounding mode to nearest).

    Concept: optim.adagrad
    """
    @S.for_backend(B)
    @given(case=run_case("adagrad", S.max_dim(B, 4), steps=20))
    def check(case):
        param, grads, hyper, _, _, _ = case
        state = B.adagrad_init(param)
        p = param
        previous = np.zeros(np.shape(param))
        for g in grads:
            p, state = B.adagrad_update(p, g, state, **hyper)
            total = np.asarray(state.g2_sum, dtype=np.float64)
            assert np.all(total >= previous), f"{B.name}: the sum of squared gradients decreased"
            previous = total
    check()

    eta = 0.5
    small, large = np.array([0.1, 0.2, 0.05, 0.3]), np.array([1.0, 0.5, 2.0, 0.4])  # |small| < |large| each step
    w = np.zeros(2)
    state = B.adagrad_init(w)
    for a, b in zip(small, large):
        w, state = B.adagrad_update(w, np.array([a, -b]), state, eta=eta)
        rate = eta / np.sqrt(np.asarray(state.g2_sum))
        assert rate[0] > rate[1]


# -- 3. backends agree with the reference over 100 updates ---------------------------------------------
@pytest.mark.parametrize("rule", RULES)
def test_rule_matches_reference_over_100_steps(A, R, rule):
    """100 updates of each rule on the backend agree with the reference's within the replayed bound, after every
    update (the early ones have the tightest bounds: a coefficient rounded in the wrong place shows there).

    Drawn: the parameter (rank 0 to 2, any memory layout, float32 and float64), a 100-step gradient sequence
    (steady slopes or noise, magnitudes 2**-20 to 6, zeros), the rule's hyperparameters (defaults, 0 for every
    decay rate, ranges around them), weight decay 0 or in [1e-4, 0.1], and inplace on the backend (the
    reference's run is never in place). Param and every state array are compared; the bound is
    ``T.optimizer_run``: each update's products, quotients, square roots and sums bounded in any evaluation
    order, the host's float64 coefficients rounded to the dtype, errors carried from step to step.

    Concept: optim.sgd, optim.momentum, optim.adagrad, optim.rmsprop, optim.adadelta, optim.adam, optim.nadam
    """
    @few(A)
    @given(case=run_case(rule, S.max_dim(A, 5)))
    def check(case):
        param, grads, hyper, lam, inplace, layout = case
        path = replay_path(rule, param, grads, hyper, lam)
        finite_bound(path[-1], param, hyper["eta"])
        runs = zip(itertools.islice(steps(A, rule, param, grads, hyper, lam, inplace, layout), 1, None),
                   itertools.islice(steps(R, rule, param, grads, hyper, lam), 1, None), path)
        for k, (got, want, bound) in enumerate(runs, start=1):
            assert_run_close(f"{A.name}.{rule}_update step {k} [{param.dtype}, inplace={inplace}, wd={lam}]",
                             got, want, bound, rule)
    check()


# -- 4. inplace, purity, dtypes, shapes, the step count ----------------------------------------------------
@pytest.mark.parametrize("rule", RULES)
def test_rule_inplace_and_pure(B, rule):
    """inplace=True gives the same numbers as inplace=False (bitwise: the same arithmetic) and returns the
    same objects: param is the input array and the state's arrays are the input state's arrays; inplace=False
    changes no input (param, grad, state) and returns new arrays. Every result is in param's dtype, the state
    arrays have param's shape and dtype, the state is the reference's NamedTuple, and t counts the updates.

    Concept: optim.sgd, optim.adam
    """
    @S.for_backend(B)
    @given(case=run_case(rule, S.max_dim(B, 4), steps=3))
    def check(case):
        param, grads, hyper, lam, _, layout = case
        dtype, shape = param.dtype, param.shape
        p_pure, p_in = param, relayout(param, layout)
        s_pure, s_in = getattr(B, f"{rule}_init")(p_pure), getattr(B, f"{rule}_init")(p_in)
        for k, g in enumerate(grads, start=1):
            new_p, new_s = call_pure(B, f"{rule}_update", p_pure, g, s_pure, **hyper, weight_decay=lam)
            out_p, out_s = getattr(B, f"{rule}_update")(p_in, g, s_in, **hyper, weight_decay=lam, inplace=True)
            assert out_p is p_in, f"{B.name}.{rule}_update(inplace=True) did not return param itself"
            assert type(new_s) is type(out_s) is STATE_TYPE[rule]
            for field in T.OPTIMIZER_STATE[rule]:
                a_in, a_out = getattr(s_in, field), getattr(out_s, field)
                assert a_out is a_in, f"{B.name}.{rule}_update(inplace=True): state.{field} is a new array"
                assert np.array_equal(np.asarray(getattr(new_s, field)), a_out), \
                    f"{B.name}.{rule}_update: state.{field} differs between inplace=True and inplace=False"
                assert np.shape(getattr(new_s, field)) == shape
                assert_dtype(f"{rule}_update state.{field}", getattr(new_s, field), dtype)
            assert np.array_equal(np.asarray(new_p), out_p), \
                f"{B.name}.{rule}_update: param differs between inplace=True and inplace=False"
            assert_dtype(f"{rule}_update", new_p, dtype)
            assert np.shape(new_p) == shape
            if isinstance(new_p, np.ndarray) and new_p.ndim:
                for a in [p_pure, g] + [a for a in s_pure if isinstance(a, np.ndarray)]:
                    assert not np.shares_memory(new_p, a), f"{B.name}.{rule}_update returned a view of an input"
            if rule in ("adam", "nadam"):
                assert new_s.t == out_s.t == k
            p_pure, s_pure, p_in, s_in = new_p, new_s, out_p, out_s
    check()


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("dtype", S.DTYPES)
def test_rule_init_state(B, rule, dtype):
    """``<rule>_init`` gives zeros of param's shape and dtype in the reference's NamedTuple (t = 0 for Adam and
    Nadam; () for SGD), for 0-d to 3-d params, and leaves param unchanged.

    Concept: optim.sgd, optim.momentum, optim.adagrad, optim.rmsprop, optim.adadelta, optim.adam, optim.nadam
    """
    for shape in [(), (1,), (3,), (2, 3), (2, 1, 3)]:
        param = np.arange(1, 1 + int(np.prod(shape)), dtype=dtype).reshape(shape)
        state = call_pure(B, f"{rule}_init", param)
        if rule == "sgd":
            assert state == ()
            continue
        assert type(state) is STATE_TYPE[rule]
        for field in T.OPTIMIZER_STATE[rule]:
            a = getattr(state, field)
            assert np.shape(a) == shape and np.asarray(a).dtype == dtype and not np.any(np.asarray(a))
        if rule in ("adam", "nadam"):
            assert state.t == 0 and isinstance(state.t, int)


# -- 5. weight decay -------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", RULES)
def test_weight_decay_is_coupled_l2(B, rule):
    """update(param, grad, state, weight_decay=lam) equals update(param, grad + lam param, state): the gradient
    of L + (lam/2) ||w||^2 (003 "Weight Decay"; coupled, not AdamW's decoupled form).

    One update from a state reached by a few drawn updates. The reference computes exactly this g, so it is
    bitwise equal there; another backend within twice the one-update bound with weight decay (both are
    conforming evaluations of the rule on g = grad + lam w, the explicit one with g rounded as NumPy rounds it).

    Concept: regularize.l2
    """
    @S.for_backend(B)
    @given(case=run_case(rule, S.max_dim(B, 4), steps=4), lam=st.floats(1e-4, 1.0))
    def check(case, lam):
        param, grads, hyper, _, _, _ = case
        p, state = run(B, rule, param, grads[:-1], hyper)
        p = np.asarray(p)
        g = grads[-1]
        update = getattr(B, f"{rule}_update")
        with_wd, s1 = update(p, g, state, **hyper, weight_decay=lam)
        explicit, s2 = update(p, g + lam * p, state, **hyper)
        arrays = tuple(np.asarray(getattr(state, f)) for f in T.OPTIMIZER_STATE[rule])
        try:
            bw, bs, _ = T.optimizer_step(rule, p, g, arrays, getattr(state, "t", 0), hyper, lam)
        except T.Ambiguous:
            assume(False)
        if B.name == "reference":
            assert np.array_equal(np.asarray(with_wd), np.asarray(explicit))
        T.assert_close(f"{B.name}.{rule}_update weight decay", np.asarray(with_wd), np.asarray(explicit), bw)
        for field, b in zip(T.OPTIMIZER_STATE[rule], bs):
            T.assert_close(f"{B.name}.{rule}_update weight decay state.{field}",
                           np.asarray(getattr(s1, field)), np.asarray(getattr(s2, field)), b)
    check()


@pytest.mark.parametrize("dtype", S.DTYPES)
def test_sgd_weight_decay_is_the_slide(B, dtype):
    """SGD with weight decay is the slide's w <- (1 - eta lambda) w - eta dL/dw: lambda = 0.01 at eta = 1 gives
    w <- 0.99 w - dL/dw (003 "Weight Decay": "smaller and smaller").

    Exact cases: w = 100, g = 0 gives 99 (0.01 * 100 rounds to 1 in both dtypes) and w = 100, g = 1 gives 98;
    drawn cases against (1 - eta lambda) w - eta g within the replayed bound (which covers both forms).

    Concept: regularize.l2, optim.sgd
    """
    w = np.array([100.0, 100.0, -100.0], dtype=dtype)
    g = np.array([0.0, 1.0, 0.0], dtype=dtype)
    new, _ = B.sgd_update(w, g, (), eta=1.0, weight_decay=0.01)
    assert np.asarray(new).tolist() == [99.0, 98.0, -99.0]
    # w shrinks geometrically with no loss gradient: 0.99^k w
    p = np.array([3.0, -0.5], dtype=dtype)
    for k in range(1, 31):
        p, _ = B.sgd_update(p, np.zeros_like(p), (), eta=1.0, weight_decay=0.01)
    bound = T.optimizer_run("sgd", np.array([3.0, -0.5], dtype=dtype), [np.zeros(2, dtype)] * 30, {"eta": 1.0}, 0.01)[0]
    T.assert_close(f"{B.name}.sgd_update 0.99^30 w", np.asarray(p), bound.v.astype(dtype), bound)
    assert np.allclose(bound.v, 0.99 ** 30 * np.array([3.0, -0.5]), rtol=1e-13, atol=0)

    @S.for_backend(B)
    @given(case=run_case("sgd", S.max_dim(B, 5), dtype=dtype, steps=1), lam=st.floats(1e-4, 1.0))
    def check(case, lam):
        param, grads, hyper, _, _, _ = case
        eta = hyper["eta"]
        got, _ = B.sgd_update(param, grads[0], (), eta=eta, weight_decay=lam)
        want = (1 - eta * lam) * param.astype(np.float64) - eta * grads[0].astype(np.float64)
        # both within their bound of the exact (1 - eta lam) w - eta g: the backend's in the dtype, this
        # float64 evaluation within the float64 bound
        bound = T.optimizer_step("sgd", param, grads[0], (), 0, hyper, lam)[0]
        mine = T.optimizer_step("sgd", param.astype(np.float64), grads[0].astype(np.float64), (), 0, hyper, lam)[0]
        assert np.all(np.abs(np.asarray(got, dtype=np.float64) - want) <= bound.e + mine.e)
    check()


# -- 6. learning-rate schedules ----------------------------------------------------------------------------
def test_lr_schedule_values(B):
    """lr_schedule: inverse_sqrt is the slide's eta / sqrt(t + 1) (t = 0, 1, 2, 3: eta, eta / sqrt 2, eta / sqrt 3,
    eta / 2), inverse_time eta / (1 + d t), step eta drop^floor(t / every), constant eta; all return floats.

    A schedule is two or three float64 operations on exact inputs: within 4 u of the formula.

    Concept: lr.schedule
    """
    eta = 0.3
    rel = 4 * T.u_of(np.float64)
    close = lambda a, b: abs(a - b) <= rel * abs(b)
    assert [B.lr_schedule(eta, t) for t in range(4)] == pytest.approx([eta, eta / math.sqrt(2),
                                                                        eta / math.sqrt(3), eta / 2], rel=rel)
    assert B.lr_schedule(eta, 0) == eta and B.lr_schedule(eta, 3) == eta / 2
    for t in (0, 1, 7, 99, 10 ** 6):
        assert close(B.lr_schedule(eta, t, "inverse_sqrt"), eta / math.sqrt(t + 1))
        assert close(B.lr_schedule(eta, t, "inverse_time", decay=0.01), eta / (1 + 0.01 * t))
        assert close(B.lr_schedule(eta, t, "step", drop=0.5, every=10), eta * 0.5 ** (t // 10))
        assert B.lr_schedule(eta, t, "constant") == eta
        assert isinstance(B.lr_schedule(eta, t), float)
    assert [B.lr_schedule(1.0, t, "step", drop=0.5, every=3) for t in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    assert B.lr_schedule(eta, 5, "inverse_time", decay=0.0) == eta
    assert B.lr_schedule(eta, 5, "step", drop=1.0) == eta
    # the rate only falls (or stays): "after several epochs ... reduce the learning rate"
    for schedule in reference.SCHEDULES:
        rates = [B.lr_schedule(eta, t, schedule, decay=0.1, drop=0.7, every=3) for t in range(50)]
        assert all(b <= a for a, b in zip(rates, rates[1:]))


# -- 7. gradient clipping --------------------------------------------------------------------------------
@st.composite
def clip_case(draw, max_size):
    dtype = draw(S.dtypes())
    k = draw(st.integers(1, 4))
    grads = [draw(S.tensors(max_size, lim=8.0, dtype=dtype)) for _ in range(k)]
    norm = math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))
    which = draw(st.sampled_from(("clip", "keep", "tiny")))
    if which == "clip" and norm > 0:
        tau = norm * draw(st.floats(0.01, 0.99))
    elif which == "keep":
        tau = max(norm, 1e-3) * draw(st.floats(1.01, 100.0))
    else:
        tau = draw(st.floats(1e-6, 10.0))
    return grads, tau


def test_clip_global_norm_properties(B):
    """clip_global_norm: unchanged (bitwise) when the norm is at most tau; otherwise the clipped set has global
    norm tau and every entry is scale g with scale = tau / norm (the whole gradient's direction kept); the
    returned norm is the float64 norm; zero stays zero; dtype kept; inputs unchanged.

    Bounds: the norm within gamma_K u of float64 (K squares summed in any order, a square root); each entry
    within (the scale's error + 2 u of the dtype) of scale g (``T.clip_global_norm``); the clipped norm, computed
    here in float64, within tau (max relative entry error + gamma_K u64).

    Concept: rnn.clipping
    """
    @S.for_backend(B)
    @given(case=clip_case(S.max_dim(B, 5)))
    def check(case):
        grads, tau = case
        clipped, norm = call_pure(B, "clip_global_norm", grads, tau)
        bounds, norm_bound = T.clip_global_norm(grads, tau)
        assert isinstance(norm, float)
        assert abs(norm - float(norm_bound.v)) <= float(norm_bound.tol), \
            f"{B.name}.clip_global_norm: norm {norm!r}, float64 norm {float(norm_bound.v)!r}"
        assert isinstance(clipped, tuple) and len(clipped) == len(grads)
        flat64 = np.concatenate([np.asarray(c, dtype=np.float64).ravel() for c in clipped])
        for c, g, b in zip(clipped, grads, bounds):
            assert_dtype("clip_global_norm", c, g.dtype)
            assert np.shape(c) == g.shape
            if norm_bound.v + norm_bound.e <= tau:
                assert np.array_equal(np.asarray(c), g), "a gradient within the norm must be unchanged"
            assert np.all(np.abs(np.asarray(c, dtype=np.float64) - b.v) <= b.tol), "direction not kept"
            assert np.all((np.asarray(c) == 0) == (g == 0))
            if isinstance(c, np.ndarray) and c.ndim:
                assert not np.shares_memory(c, g)
        if norm_bound.v - norm_bound.e > tau:
            rel = max(float(np.max(b.e / np.maximum(np.abs(b.v), 1e-300), initial=0.0)) for b in bounds)
            after = math.sqrt(float(np.sum(flat64 * flat64)))
            assert abs(after - tau) <= tau * (rel + T.gamma(flat64.size + 2, T.u_of(np.float64))), \
                f"clipped norm {after}, tau {tau}"
    check()


def test_clip_global_norm_examples(B):
    """clip_global_norm on exact cases: a (3, 4) gradient with tau = 1 becomes (0.6, 0.8) with norm 5; a split
    gradient is scaled as one vector; zero stays zero; tau above the norm changes nothing.

    Concept: rnn.clipping
    """
    for dtype in S.DTYPES:
        (c,), norm = B.clip_global_norm([np.array([3.0, 4.0], dtype=dtype)], 1.0)
        assert norm == 5.0 and np.allclose(c, [0.6, 0.8], rtol=4 * T.u_of(dtype), atol=0)
        (a, b), norm = B.clip_global_norm((np.array([3.0], dtype=dtype), np.array([[4.0]], dtype=dtype)), 2.5)
        assert norm == 5.0 and float(a[0]) == 1.5 and float(b[0, 0]) == 2.0 and b.shape == (1, 1)
        (z,), norm = B.clip_global_norm([np.zeros(3, dtype=dtype)], 1.0)
        assert norm == 0.0 and not np.any(z) and z.dtype == dtype
        g = np.array([0.3, -0.4], dtype=dtype)
        (same,), norm = B.clip_global_norm([g], 10.0)
        assert np.array_equal(same, g) and same is not g


def test_clip_global_norm_matches_reference(A, R):
    """clip_global_norm agrees with the reference: the norm within twice its float64 bound, each clipped entry
    within twice its bound (``T.clip_global_norm``).

    Concept: rnn.clipping
    """
    @S.for_backend(A)
    @given(case=clip_case(S.max_dim(A, 5)))
    def check(case):
        grads, tau = case
        got, got_norm = A.clip_global_norm(grads, tau)
        want, want_norm = R.clip_global_norm(grads, tau)
        bounds, norm_bound = T.clip_global_norm(grads, tau)
        assert abs(got_norm - want_norm) <= norm_bound.tol, \
            f"{A.name}.clip_global_norm: norm {got_norm!r}, the reference's {want_norm!r}"
        for k, (g, w, b) in enumerate(zip(got, want, bounds)):
            T.assert_close(f"{A.name}.clip_global_norm[{k}]", np.asarray(g), np.asarray(w), b)
    check()


# -- 8. Adam's first step, and rules that coincide --------------------------------------------------------
def test_adam_first_step_is_eta(B):
    """Adam's first update moves every parameter by eta g / (|g| + eps) against the gradient's sign: a step of
    about eta for |g| >> eps, whatever the gradient's size. Bias correction makes m_hat_1 = g and v_hat_1 = g^2
    (without it the step would be (1 - beta1) / sqrt(1 - beta2) eta = 3.16 eta). Nadam's first step is
    eta (1 + 2 beta1) / (1 + beta1) g / (|g| + eps) (its m_hat_1 = beta1 g / (1 + beta1) + g). Within the replayed
    one-step bound.

    Concept: optim.adam, optim.nadam
    """
    @S.for_backend(B)
    @given(case=run_case("adam", S.max_dim(B, 5), steps=1))
    def check(case):
        param, grads, hyper, _, _, _ = case
        g = grads[0]
        g64 = g.astype(np.float64)
        eta, b1, eps = hyper["eta"], hyper["beta1"], hyper["eps"]
        base = eta * g64 / (np.abs(g64) + eps)
        for rule, factor in (("adam", 1.0), ("nadam", (1 + 2 * b1) / (1 + b1))):
            new, state = getattr(B, f"{rule}_update")(param, g, getattr(B, f"{rule}_init")(param), **hyper)
            step = param.astype(np.float64) - np.asarray(new, dtype=np.float64)
            bw = T.optimizer_run(rule, param, grads, hyper)[0]
            # |new - exact| <= e; factor * base is about 8 float64 operations on exact inputs (8 u64 of it);
            # the float64 difference param - new rounds once more (u64 of step)
            want = factor * base
            slack = bw.e + 10 * T.u_of(np.float64) * (np.abs(want) + np.abs(step))
            assert np.all(np.abs(step - want) <= slack), rule
            big = np.abs(g64) >= 1e4 * eps
            assert np.all(np.abs(np.abs(step[big]) - factor * eta) <= 1e-4 * factor * eta + slack[big])
            moved = np.abs(want) > slack
            assert np.all(np.sign(step[moved]) == np.sign(g64[moved]))
    check()


def test_rmsprop_first_step(B):
    """RMSprop's average starts at 0 (as Keras and PyTorch start it), so its first update is
    eta g / (sqrt(1 - alpha) |g| + eps): a step of about eta / sqrt(1 - alpha) for |g| >> eps (3.16 eta at
    alpha = 0.9), whatever the gradient's size. Within the replayed one-step bound, plus 8 u64 of the float64
    evaluation here.

    Concept: optim.rmsprop
    """
    @S.for_backend(B)
    @given(case=run_case("rmsprop", S.max_dim(B, 5), steps=1))
    def check(case):
        param, grads, hyper, _, _, _ = case
        g64 = grads[0].astype(np.float64)
        eta, alpha, eps = hyper["eta"], hyper["alpha"], hyper["eps"]
        want = param.astype(np.float64) - eta * g64 / (math.sqrt(1 - alpha) * np.abs(g64) + eps)
        new, state = B.rmsprop_update(param, grads[0], B.rmsprop_init(param), **hyper)
        bound = T.optimizer_run("rmsprop", param, grads, hyper)
        slack = bound[0].e + 8 * T.u_of(np.float64) * (np.abs(want) + np.abs(param))
        assert np.all(np.abs(np.asarray(new, dtype=np.float64) - want) <= slack)
        T.assert_close(f"{B.name}.rmsprop_update first sigma2", np.asarray(state.sigma2),
                       ((1 - alpha) * g64 * g64).astype(param.dtype), bound[1][0])
    check()


@pytest.mark.parametrize("pair", [("momentum", "sgd"), ("nadam", "adam")])
def test_rules_that_coincide(B, pair):
    """Rules that are the same formula for some hyperparameters give the same run, over 30 drawn updates:
    momentum with momentum = 0 (Nesterov or not) is plain SGD (v = -eta g, theta + v); Nadam with beta1 = 0 is
    Adam with beta1 = 0 (both m_hat = g). Within the sum of the two runs' replayed bounds (the exact runs are
    identical).

    Concept: optim.momentum, optim.sgd, optim.nadam, optim.adam
    """
    rule, same = pair

    @few(B)
    @given(case=run_case(rule, S.max_dim(B, 4), steps=30))
    def check(case):
        param, grads, hyper, lam, _, _ = case
        if rule == "momentum":
            hyper = dict(hyper, momentum=0.0)
            other = {"eta": hyper["eta"]}
        else:
            hyper = dict(hyper, beta1=0.0)
            other = hyper
        a = finite_bound(replay(rule, param, grads, hyper, lam))[0]
        b = finite_bound(replay(same, param, grads, other, lam))[0]
        got_a, _ = run(B, rule, param, grads, hyper, lam)
        got_b, _ = run(B, same, param, grads, other, lam)
        diff = np.abs(np.asarray(got_a, dtype=np.float64) - np.asarray(got_b, dtype=np.float64))
        assert np.all(diff <= a.e + b.e), f"{B.name}: {rule} {hyper} vs {same}: {diff.max()}"
    check()
