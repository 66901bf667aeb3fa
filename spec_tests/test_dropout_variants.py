"""The dropout variants of 003 "More about dropout": DropConnect, annealed dropout and standout
(``reference.regularize``, ``reference.data.noise.annealed_dropout_rate``).

Concept: regularize.dropout_variants.
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import reference
from reference.gradcheck import numeric_gradient

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, assert_same_error, call_pure, error_of

FD_RTOL = 1e-7
FD_GAP = 1e-3          # FD stays this far from a kink (ReLU's 0) and from a draw's threshold (u = q)
RATES = (0.0, 0.2, 0.5, 0.8, 0.95)


@st.composite
def dropconnect_case(draw, max_size, dtype=None, lim=2.0, layout=None):
    """(x, W, b, mask, p, inverted, dout): x (N, D), W (H, D), b (H,), a 0/1 mask of W's shape, dout (N, H)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N, D, H = (draw(S.dims(max_size)) for _ in range(3))
    x = draw(S.arrays(dtype, (N, D), lim, layout=layout))
    W = draw(S.arrays(dtype, (H, D), lim, layout=layout))
    b = draw(S.arrays(dtype, (H,), lim, layout=layout))
    mask = draw(S.arrays(dtype, (H, D), layout=layout, elements=st.sampled_from([0.0, 1.0])))
    dout = draw(S.arrays(dtype, (N, H), 1.0, layout=layout))
    return x, W, b, mask, draw(st.sampled_from(RATES)), draw(st.booleans()), dout


@st.composite
def standout_case(draw, max_size, dtype=None, lim=2.0, layout=None, activation=None, training=None):
    """(x, W, b, Ws, bs, u, alpha, beta, activation, training, dout); Ws, bs tied to W, b half the time."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N, D, H = (draw(S.dims(max_size)) for _ in range(3))
    x = draw(S.arrays(dtype, (N, D), lim, layout=layout))
    W = draw(S.arrays(dtype, (H, D), lim, layout=layout))
    b = draw(S.arrays(dtype, (H,), lim, layout=layout))
    if draw(st.booleans()):
        Ws, bs = W, b                                               # the paper's tied form
    else:
        Ws = draw(S.arrays(dtype, (H, D), lim, layout=layout))
        bs = draw(S.arrays(dtype, (H,), lim, layout=layout))
    width = 32 if dtype == np.float32 else 64
    u = draw(S.arrays(dtype, (N, H), layout=layout,
                      elements=st.floats(0.0, 1.0, width=width, exclude_max=True, allow_subnormal=False)))
    alpha = draw(st.sampled_from([1.0, 0.5, 2.0, -1.0]))
    beta = draw(st.sampled_from([0.0, 1.0, -0.5]))
    activation = draw(S.activations()) if activation is None else activation
    training = draw(st.booleans()) if training is None else training
    dout = draw(S.arrays(dtype, (N, H), 1.0, layout=layout))
    return x, W, b, Ws, bs, u, alpha, beta, activation, training, dout


# -- backends against the reference ------------------------------------------------------------------


def test_dropconnect_matches_reference(A, R):
    """dropconnect_forward and dropconnect_backward agree with the reference within the dense layer's sums
    on the kept weights W (m s) (one rounding each), both forms, rates 0 to 0.95, both dtypes, any layout;
    a dropped weight's gradient is 0 on both; inputs untouched."""
    @S.for_backend(A)
    @given(case=dropconnect_case(S.max_dim(A)))
    def check(case):
        x, W, b, mask, p, inverted, dout = case
        r, cache = call_pure(A, "dropconnect_forward", x, W, b, mask, p, inverted=inverted)
        r_ref, cache_ref = R.dropconnect_forward(x, W, b, mask, p, inverted=inverted)
        bound, back = T.dropconnect_forward(x, W, b, mask, p, inverted)
        assert_dtype(f"{A.name}.dropconnect_forward", r, x.dtype)
        T.assert_close(f"{A.name}.dropconnect_forward", r, r_ref, bound)
        got = call_pure(A, "dropconnect_backward", dout, cache)
        want = R.dropconnect_backward(dout, cache_ref)
        assert_dtype(f"{A.name}.dropconnect_backward", got, x.dtype)
        for label, g, w, bd in zip(("dx", "dW", "db"), got, want, back(dout)):
            T.assert_close(f"{A.name}.dropconnect_backward {label}", g, w, bd)
        assert not np.any(np.asarray(got[1])[np.asarray(mask) == 0])
    check()


def test_standout_matches_reference(A, R):
    """standout_forward agrees with the reference within the dense layer's bound and that of its keep
    probability q (a draw within rounding error of q is skipped: two correct backends may decide it
    either way), training and test time, every activation, tied and free standout weights; the training
    backward within the dense backward's bound on dout times the mask."""
    @S.for_backend(A)
    @given(case=standout_case(S.max_dim(A)))
    def check(case):
        x, W, b, Ws, bs, u, alpha, beta, act, training, dout = case
        u_arg = u if training else None
        try:
            bound, back = T.standout_forward(x, W, b, Ws, bs, u, alpha, beta, act, training)
            grads = back(dout) if training else None
        except T.Ambiguous:
            assume(False)
        kw = dict(alpha=alpha, beta=beta, activation=act, training=training)
        out, cache = call_pure(A, "standout_forward", x, W, b, Ws, bs, u_arg, **kw)
        out_ref, cache_ref = R.standout_forward(x, W, b, Ws, bs, u_arg, **kw)
        assert_dtype(f"{A.name}.standout_forward", out, x.dtype)
        T.assert_close(f"{A.name}.standout_forward[{act}, training={training}]", out, out_ref, bound)
        if not training:
            assert cache is None and cache_ref is None
            return
        got = call_pure(A, "standout_backward", dout, cache)
        want = R.standout_backward(dout, cache_ref)
        assert_dtype(f"{A.name}.standout_backward", got, x.dtype)
        for label, g, w, bd in zip(("dx", "dW", "db"), got, want, grads):
            T.assert_close(f"{A.name}.standout_backward[{act}] {label}", g, w, bd)
    check()


# -- the reference against calculus ---------------------------------------------------------------


def _fd(analytic, numeric):
    scale = max(np.abs(analytic).max(), np.abs(numeric).max(), 1.0)
    assert np.abs(analytic - numeric).max() / scale < FD_RTOL


def test_dropconnect_backward_finite_differences():
    """dropconnect_backward's (dx, dW, db) equal the central differences of sum(dout * r) in x, W and b
    (float64, relative error < 1e-7), both forms: the dropped weights' zero gradient included.

    Concept: backprop.numeric, regularize.dropout_variants.
    """
    @given(case=dropconnect_case(4, dtype=np.float64, layout="C"))
    def check(case):
        x, W, b, mask, p, inverted, dout = case
        dx, dW, db = reference.dropconnect_backward(dout, reference.dropconnect_forward(x, W, b, mask, p, inverted)[1])
        loss = lambda x_, W_, b_: np.sum(dout * reference.dropconnect_forward(x_, W_, b_, mask, p, inverted)[0])
        _fd(dx, numeric_gradient(lambda t: loss(t, W, b), x.copy()))
        _fd(dW, numeric_gradient(lambda t: loss(x, t, b), W.copy()))
        _fd(db, numeric_gradient(lambda t: loss(x, W, t), b.copy()))
    check()


def test_standout_backward_finite_differences():
    """standout_backward's (dx, dW, db) equal the central differences of sum(dout * out) in x, W and b with
    the draws u held fixed (float64, relative error < 1e-7), for free standout weights (the differences then
    move q too, and the mask is a step function of q: flat away from u = q, as the backward assumes; draws
    within 1e-3 of q and pre-activations within 1e-3 of a kink are skipped).

    Concept: backprop.numeric, regularize.dropout_variants.
    """
    @given(case=standout_case(4, dtype=np.float64, layout="C", training=True))
    def check(case):
        x, W, b, Ws, bs, u, alpha, beta, act, _, dout = case
        if Ws is W:
            Ws, bs = W.copy(), b.copy()
        r = b + x @ W.T
        q = reference.sigmoid_forward(alpha * (bs + x @ Ws.T) + beta)[0]
        assume(np.all(np.abs(u - q) > FD_GAP))
        assume(np.all(np.abs(r) > FD_GAP) and np.all(np.abs(r - 1) > FD_GAP))
        kw = dict(alpha=alpha, beta=beta, activation=act)
        dx, dW, db = reference.standout_backward(dout, reference.standout_forward(x, W, b, Ws, bs, u, **kw)[1])
        loss = lambda x_, W_, b_: np.sum(dout * reference.standout_forward(x_, W_, b_, Ws, bs, u, **kw)[0])
        _fd(dx, numeric_gradient(lambda t: loss(t, W, b), x.copy()))
        _fd(dW, numeric_gradient(lambda t: loss(x, t, b), W.copy()))
        _fd(db, numeric_gradient(lambda t: loss(x, W, t), b.copy()))
    check()


# -- DropConnect's properties ------------------------------------------------------------------------


def _dyadic(rng, shape, den):
    """Small dyadic numbers k / den: every product and short sum of them is exact in float32 and float64."""
    return rng.integers(-8, 9, shape) / den


@pytest.mark.parametrize("dtype", (np.float32, np.float64), ids=lambda d: np.dtype(d).name)
def test_dropconnect_all_ones_mask_is_the_linear_layer(B, dtype):
    """With every weight kept, DropConnect in the slide's form is the plain layer: unit i's pre-activation is
    linear_forward(x, W[i], b[i]) and the whole is dense_forward(..., 'linear'); the backward is the
    dense layer's. Inverted, it is the layer with weights W / (1 - p) (p = 0.5: exactly 2 W). Dyadic data,
    so every result is exact and compared exactly.

    Concept: regularize.dropout_variants, model.linear.
    """
    rng = np.random.default_rng(0)
    x, W, b = (_dyadic(rng, s, 4).astype(dtype) for s in ((5, 3), (4, 3), (4,)))
    ones = np.ones_like(W)
    r, cache = B.dropconnect_forward(x, W, b, ones, 0.5, inverted=False)
    r = B.to_host(r)
    for i in range(W.shape[0]):
        y, _ = B.linear_forward(x, W[i], b[i])
        assert np.array_equal(r[:, i], B.to_host(y))
    dense, dense_cache = B.dense_forward(x, W, b, activation="linear")
    assert np.array_equal(r, B.to_host(dense))
    dout = _dyadic(rng, (5, 4), 2).astype(dtype)
    for g, want in zip(B.dropconnect_backward(dout, cache), B.dense_backward(dout, dense_cache)):
        assert np.array_equal(B.to_host(g), B.to_host(want))
    r_inv, _ = B.dropconnect_forward(x, W, b, ones, 0.5)
    assert np.array_equal(B.to_host(r_inv), B.to_host(B.dense_forward(x, 2 * W, b, activation="linear")[0]))


def test_dropconnect_all_zeros_mask_leaves_the_bias(B):
    """With every weight dropped, r is the bias on every row and dx, dW are exactly 0; db is still sum dout.

    Concept: regularize.dropout_variants.
    """
    rng = np.random.default_rng(1)
    x, W, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    for inverted in (True, False):
        r, cache = B.dropconnect_forward(x, W, b, np.zeros_like(W), 0.3, inverted=inverted)
        assert np.array_equal(B.to_host(r), np.broadcast_to(b, (3, 2)))
        dout = rng.standard_normal((3, 2))
        dx, dW, db = (B.to_host(g) for g in B.dropconnect_backward(dout, cache))
        assert not np.any(dx) and not np.any(dW)
        np.testing.assert_allclose(db, dout.sum(axis=0), rtol=4 * np.finfo(float).eps)


@pytest.mark.parametrize("p", (0.5, 0.75))
def test_dropconnect_expectation_over_all_masks_is_the_test_time_layer(B, p):
    """The expected pre-activation over all 2^(H D) weight masks, each with its exact probability, is the
    test-time layer: b + x ((1 - p) W)^T in the slide's form (the weights times 1 - p, as the slide scales
    them after dropout), b + x W^T in the inverted form. r is linear in the mask, so this holds exactly;
    with 1 - p a power of two and dyadic data every product and sum is exact in float64, and so are the
    equalities.

    Concept: regularize.dropout_variants, regularize.dropout_ensemble.
    """
    rng = np.random.default_rng(2)
    N, H, D = 2, 2, 3
    x, W, b = _dyadic(rng, (N, D), 4), _dyadic(rng, (H, D), 8), _dyadic(rng, H, 2)
    expect = {True: np.zeros((N, H)), False: np.zeros((N, H))}
    for kept in itertools.product((0.0, 1.0), repeat=H * D):
        mask = np.array(kept).reshape(H, D)
        prob = (1 - p) ** mask.sum() * p ** (mask.size - mask.sum())
        for inverted in (True, False):
            expect[inverted] += prob * B.to_host(B.dropconnect_forward(x, W, b, mask, p, inverted=inverted)[0])
    assert np.array_equal(expect[False], b + x @ ((1 - p) * W).T)
    assert np.array_equal(expect[True], b + x @ W.T)


def test_dropconnect_mask_is_one_per_batch(B):
    """One mask serves every example: feeding the batch at once equals feeding each row alone with the
    same mask (exactly, on this backend's own arithmetic per row of a GEMM with one row).

    Concept: regularize.dropout_variants.
    """
    rng = np.random.default_rng(3)
    x, W, b = _dyadic(rng, (4, 3), 4), _dyadic(rng, (5, 3), 4), _dyadic(rng, 5, 2)
    mask = reference.dropout_mask(rng, W.shape, 0.5)
    whole = B.to_host(B.dropconnect_forward(x, W, b, mask, 0.5)[0])
    for n in range(4):
        assert np.array_equal(whole[n], B.to_host(B.dropconnect_forward(x[n:n + 1], W, b, mask, 0.5)[0])[0])


# -- standout's properties ---------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ("sigmoid", "relu", "tanh"))
def test_standout_with_q_one_is_the_plain_layer(B, activation):
    """With beta = 1000 the keep probability is exactly 1 (every draw u < 1 keeps its unit), so standout is
    the plain dense layer, exactly, in training and at test time, and its backward is the dense layer's;
    with beta = -1000, q is exactly 0 and every unit is dropped (output and gradients 0).

    Concept: regularize.dropout_variants, model.dense.
    """
    rng = np.random.default_rng(4)
    x, W, b = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal(5)
    u = rng.random((3, 5))
    dense, dense_cache = B.dense_forward(x, W, b, activation=activation)
    out, cache = B.standout_forward(x, W, b, W, b, u, beta=1000.0, activation=activation)
    assert np.array_equal(B.to_host(out), B.to_host(dense))
    test, _ = B.standout_forward(x, W, b, W, b, None, beta=1000.0, activation=activation, training=False)
    assert np.array_equal(B.to_host(test), B.to_host(dense))
    dout = rng.standard_normal((3, 5))
    for g, want in zip(B.standout_backward(dout, cache), B.dense_backward(dout, dense_cache)):
        assert np.array_equal(B.to_host(g), B.to_host(want))
    out, cache = B.standout_forward(x, W, b, W, b, u, beta=-1000.0, activation=activation)
    assert not np.any(B.to_host(out))
    assert not any(np.any(B.to_host(g)) for g in B.standout_backward(dout, cache))


def test_standout_keep_rate_is_q_and_test_time_is_the_expectation():
    """Over 40,000 independent draws of u for one example, each unit is kept a number of times within 6
    binomial standard deviations of 40,000 q (q from the tied standout network), and the mean training
    output is within 6 standard errors of the test-time output a q: the test-time layer is the expectation
    of the training one (a false alarm has probability below 1e-8 per unit).

    Concept: regularize.dropout_variants.
    """
    rng = np.random.default_rng(5)
    n, D, H = 40_000, 3, 4
    x1, W, b = rng.standard_normal((1, D)), rng.standard_normal((H, D)), rng.standard_normal(H)
    x = np.repeat(x1, n, axis=0)
    out, _ = reference.standout_forward(x, W, b, W, b, rng.random((n, H)), alpha=0.5, beta=0.2)
    test, _ = reference.standout_forward(x1, W, b, W, b, None, alpha=0.5, beta=0.2, training=False)
    a, _ = reference.dense_forward(x1, W, b)
    q = reference.sigmoid_forward(0.5 * (b + x1 @ W.T) + 0.2)[0][0]
    kept = (out != 0).sum(axis=0)
    assert np.all(np.abs(kept - n * q) <= 6 * np.sqrt(n * q * (1 - q))), (kept, n * q)
    np.testing.assert_allclose(test[0], a[0] * q, rtol=4 * np.finfo(float).eps)
    assert np.all(np.abs(out.mean(axis=0) - test[0]) <= 6 * a[0] * np.sqrt(q * (1 - q) / n))


def test_standout_units_have_their_own_keep_probability():
    """Two units whose standout pre-activations differ keep at different rates (q = sigmoid(+-2) = 0.88 and
    0.12), unlike dropout's one rate: over 10,000 draws each unit's kept fraction is within 0.02 (about 6
    standard deviations) of its own q.

    Concept: regularize.dropout_variants.
    """
    rng = np.random.default_rng(6)
    x = np.ones((10_000, 1))
    W, b = np.array([[1.0], [1.0]]), np.zeros(2)
    Ws, bs = np.array([[2.0], [-2.0]]), np.zeros(2)
    out, _ = reference.standout_forward(x, W, b, Ws, bs, rng.random((10_000, 2)), activation="linear")
    kept = (out != 0).mean(axis=0)
    q = 1 / (1 + np.exp(-2.0))
    assert abs(kept[0] - q) < 0.02 and abs(kept[1] - (1 - q)) < 0.02


# -- annealed dropout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("p0, n_epochs", [(0.5, 10), (0.8, 3), (0.0, 5), (0.3, 1)])
def test_annealed_dropout_rate_falls_linearly_to_zero(p0, n_epochs):
    """The rate is p0 at epoch 0, p0 (1 - t / T) in between (exactly the linear schedule), 0 at epoch T and
    after, never rising and never outside [0, p0].

    Concept: regularize.dropout_variants.
    """
    rates = [reference.annealed_dropout_rate(t, p0, n_epochs) for t in range(n_epochs + 4)]
    assert rates[0] == p0
    assert rates[n_epochs:] == [0.0] * 4
    assert all(later <= earlier for earlier, later in zip(rates, rates[1:]))
    assert all(0.0 <= r <= p0 for r in rates)
    for t in range(n_epochs):
        assert math.isclose(rates[t], p0 * (1 - t / n_epochs), rel_tol=1e-15, abs_tol=0.0)
    assert reference.data.annealed_dropout_rate is reference.annealed_dropout_rate


def test_annealed_dropout_rate_drives_the_mask():
    """The schedule's rate feeds dropout_mask: the kept fraction of a 100,000-entry mask follows 1 - p(t)
    within 6 binomial standard deviations at every epoch, and the last epochs keep everything.

    Concept: regularize.dropout_variants, regularize.dropout.
    """
    rng = np.random.default_rng(7)
    n = 100_000
    for t in range(6):
        p = reference.annealed_dropout_rate(t, 0.6, 4)
        kept = reference.dropout_mask(rng, n, p).sum()
        assert abs(kept - n * (1 - p)) <= 6 * math.sqrt(n * p * (1 - p)) + 1e-9, (t, p, kept)
        if t >= 4:
            assert kept == n


@pytest.mark.parametrize("args, message", [
    ((-1, 0.5, 10), "epoch must be an integer >= 0; got -1"),
    ((1.5, 0.5, 10), "epoch must be an integer >= 0; got 1.5"),
    ((True, 0.5, 10), "epoch must be an integer >= 0; got True"),
    ((0, 1.0, 10), "p0 must be a number in [0, 1); got 1.0"),
    ((0, -0.1, 10), "p0 must be a number in [0, 1); got -0.1"),
    ((0, float("nan"), 10), "p0 must be a number in [0, 1); got nan"),
    ((0, 0.5, 0), "n_epochs must be an integer >= 1; got 0"),
    ((0, 0.5, 2.0), "n_epochs must be an integer >= 1; got 2.0"),
], ids=["epoch-negative", "epoch-float", "epoch-bool", "p0-one", "p0-negative", "p0-nan", "n-zero", "n-float"])
def test_annealed_dropout_rate_bad_input(args, message):
    """annealed_dropout_rate takes an integer epoch >= 0, p0 in [0, 1) and an integer n_epochs >= 1."""
    assert error_of(reference.annealed_dropout_rate, *args) == f"annealed_dropout_rate: {message}"


# -- device arrays -----------------------------------------------------------------------------------


def test_dropout_variants_device_arrays_stay_on_the_device(A):
    """Device arrays in give device arrays out (cuda; elsewhere to_device is the identity), equal to the
    host call's results."""
    rng = np.random.default_rng(8)
    x, W, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    mask, u, dout = reference.dropout_mask(rng, W.shape, 0.4), rng.random((3, 2)), rng.standard_normal((3, 2))
    d = A.to_device
    kind = type(d(x))
    r_h, c_h = A.dropconnect_forward(x, W, b, mask, 0.4)
    r_d, c_d = A.dropconnect_forward(d(x), d(W), d(b), d(mask), 0.4)
    assert type(r_d) is kind
    np.testing.assert_array_equal(A.to_host(r_d), r_h)
    for g_d, g_h in zip(A.dropconnect_backward(d(dout), c_d), A.dropconnect_backward(dout, c_h)):
        assert type(g_d) is kind
        np.testing.assert_array_equal(A.to_host(g_d), g_h)
    o_h, c_h = A.standout_forward(x, W, b, W, b, u)
    o_d, c_d = A.standout_forward(d(x), d(W), d(b), d(W), d(b), d(u))
    assert type(o_d) is kind
    np.testing.assert_array_equal(A.to_host(o_d), o_h)
    for g_d, g_h in zip(A.standout_backward(d(dout), c_d), A.standout_backward(dout, c_h)):
        assert type(g_d) is kind
        np.testing.assert_array_equal(A.to_host(g_d), g_h)


# -- bad input -------------------------------------------------------------------------------------------


X = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])            # (N, D) = (2, 3)
W = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])           # (H, D) = (2, 3)
B2 = np.array([0.1, -0.2])
M = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
U = np.array([[0.1, 0.9], [0.5, 0.0]])


def _rows(*rows):
    return pytest.mark.parametrize("args, kwargs, prefix", [pytest.param(a, k, p, id=i) for i, a, k, p in rows])


@_rows(
    ("mask-x-shape", lambda B: (X, W, B2, X[:, :2], 0.5), {}, "mask must have W's shape (2, 3); got (2, 2)"),
    ("mask-broadcast", lambda B: (X, W, B2, M[0], 0.5), {}, "mask must have W's shape (2, 3); got (3,)"),
    ("mask-dtype", lambda B: (X, W, B2, M.astype(np.float32), 0.5), {}, "mask must be float64 like W; got float32"),
    ("mask-values", lambda B: (X, W, B2, 2 * M, 0.5), {}, "mask must hold only 0 and 1; got 2.0 at index (0, 0)"),
    ("mask-none", lambda B: (X, W, B2, None, 0.5), {}, "mask must be an array; got None"),
    ("p-one", lambda B: (X, W, B2, M, 1.0), {}, "p must be a number in [0, 1); got 1.0"),
    ("p-negative", lambda B: (X, W, B2, M, -0.1), {}, "p must be a number in [0, 1); got -0.1"),
    ("inverted", lambda B: (X, W, B2, M, 0.5), {"inverted": 0}, "inverted must be True or False; got 0"),
    ("W-shape", lambda B: (X, W[:, :2], B2, M[:, :2], 0.5), {}, "W must be (H, D) = (2, 3)"),
    ("b-shape", lambda B: (X, W, B2[:1], M, 0.5), {}, "b must be (H,) = (2,)"),
)
def test_dropconnect_forward_bad_input(B, R, args, kwargs, prefix):
    """dropconnect_forward rejects a mask not of W's shape (no broadcasting), dtype or values, a rate outside
    [0, 1), a non-boolean form and mismatched W, b, with the reference's message."""
    assert_same_error(B, R, "dropconnect_forward", args, kwargs, prefix)


@_rows(
    ("shape", lambda B: (np.ones((2, 3)), B.dropconnect_forward(X, W, B2, M, 0.5)[1]), {},
     "dout must be (2, 2) like the forward's output; got (2, 3)"),
    ("dtype", lambda B: (np.ones((2, 2), np.float32), B.dropconnect_forward(X, W, B2, M, 0.5)[1]), {},
     "dout must be float64 like the forward's output; got float32"),
)
def test_dropconnect_backward_bad_input(B, R, args, kwargs, prefix):
    """dropconnect_backward rejects an upstream gradient unlike the forward's output with the reference's message."""
    assert_same_error(B, R, "dropconnect_backward", args, kwargs, prefix)


@_rows(
    ("u-one", lambda B: (X, W, B2, W, B2, np.where(U == 0.9, 1.0, U)), {},
     "u must hold uniform draws in [0, 1); got 1.0 at index (0, 1)"),
    ("u-negative", lambda B: (X, W, B2, W, B2, U - 0.2), {},
     "u must hold uniform draws in [0, 1); got -0.1 at index (0, 0)"),
    ("u-nan", lambda B: (X, W, B2, W, B2, np.where(U == 0.5, np.nan, U)), {},
     "u must hold uniform draws in [0, 1); got nan at index (1, 0)"),
    ("u-shape", lambda B: (X, W, B2, W, B2, U[:, :1]), {}, "u must be (N, H) = (2, 2)"),
    ("u-none", lambda B: (X, W, B2, W, B2, None), {},
     "u must be an (N, H) array of uniform draws in [0, 1) when training; got None"),
    ("u-at-test", lambda B: (X, W, B2, W, B2, U), {"training": False},
     "u must be None at test time (training=False: the output a * q draws nothing); got ndarray"),
    ("Ws-shape", lambda B: (X, W, B2, W[:1], B2, U), {}, "Ws must be (H, D) = (2, 3)"),
    ("bs-dtype", lambda B: (X, W, B2, W, B2.astype(np.float32), U), {}, "bs must be float64 like x; got float32"),
    ("alpha-nan", lambda B: (X, W, B2, W, B2, U), {"alpha": float("nan")}, "alpha must be a finite real number; got nan"),
    ("beta-str", lambda B: (X, W, B2, W, B2, U), {"beta": "0"}, "beta must be a finite real number; got '0'"),
    ("activation", lambda B: (X, W, B2, W, B2, U), {"activation": "softmax"}, "activation must be one of"),
    ("training", lambda B: (X, W, B2, W, B2, U), {"training": 1}, "training must be True or False; got 1"),
)
def test_standout_forward_bad_input(B, R, args, kwargs, prefix):
    """standout_forward rejects draws outside [0, 1) or of the wrong shape, a missing u when training and one
    given at test time (it would be ignored), mismatched standout weights, non-finite alpha or beta, an
    unknown activation and a non-boolean flag, with the reference's message."""
    assert_same_error(B, R, "standout_forward", args, kwargs, prefix)


@_rows(
    ("shape", lambda B: (np.ones((2, 3)), B.standout_forward(X, W, B2, W, B2, U)[1]), {},
     "dout must be (2, 2) like the forward's output; got (2, 3)"),
    ("test-time", lambda B: (np.ones((2, 2)), B.standout_forward(X, W, B2, W, B2, None, training=False)[1]), {},
     "cache is None: a test-time forward (training=False) has no backward"),
)
def test_standout_backward_bad_input(B, R, args, kwargs, prefix):
    """standout_backward rejects an upstream gradient unlike the output, and a test-time forward's cache."""
    assert_same_error(B, R, "standout_backward", args, kwargs, prefix)
