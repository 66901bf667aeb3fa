"""Dense layers and networks with the slides' linear read-out (``reference.network``)."""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import reference
import reference.training
from reference import ACTIVATIONS
from reference.gradcheck import numeric_gradient

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, call_pure

FD_RTOL = 1e-7
FD_KINK_GAP = 1e-3
KINKS = {"sigmoid": (), "linear": (), "relu": (0.0,), "hard_sigmoid": (0.0, 1.0)}


@st.composite
def dense_case(draw, max_size, dtype=None, activation=None, lim=2.0, layout=None):
    """(x, W, b, da, activation) for one dense layer: x (N, D), W (H, D), b (H,), da (N, H)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    activation = draw(S.activations()) if activation is None else activation
    N, D, H = (draw(S.dims(max_size)) for _ in range(3))
    x = draw(S.arrays(dtype, (N, D), lim, layout=layout))
    W = draw(S.arrays(dtype, (H, D), lim, layout=layout))
    b = draw(S.arrays(dtype, (H,), lim, layout=layout))
    da = draw(S.arrays(dtype, (N, H), 1.0, layout=layout))
    return x, W, b, da, activation


@st.composite
def network_case(draw, max_size, dtype=None, activation=None, n_hidden=None, lim=2.0, layout=None):
    """(x, params, dy, activation) for a network of 0 to 3 hidden layers."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    activation = draw(S.activations()) if activation is None else activation
    n_hidden = draw(st.integers(0, 3)) if n_hidden is None else n_hidden
    N, D = draw(S.dims(max_size)), draw(S.dims(max_size))
    hidden = [draw(S.dims(max_size)) for _ in range(n_hidden)]
    x = draw(S.arrays(dtype, (N, D), lim, layout=layout))
    params = draw(S.network_params(D, hidden, dtype, lim, layout=layout))
    dy = draw(S.arrays(dtype, (N,), 1.0, layout=layout))
    return x, params, dy, activation


def pre_activations(x, params, act):
    """r of every hidden layer, in float64 (to keep finite differences away from kinks)."""
    a, rs = np.asarray(x, dtype=np.float64), []
    *hidden, _, _ = params
    for W, b in zip(hidden[0::2], hidden[1::2]):
        rs.append(b + a @ np.asarray(W, dtype=np.float64).T)
        a = rs[-1] if act == "linear" else getattr(reference, f"{act}_forward")(rs[-1])[0]
    return rs


# -- every backend against the reference ---------------------------------------------------------
def test_dense_forward_matches_reference(A, R):
    """dense_forward agrees with the reference within a (D+1)-term sum through the activation, every activation."""
    @S.for_backend(A)
    @given(case=dense_case(S.max_dim(A)))
    def check(case):
        x, W, b, _, act = case
        got, _ = A.dense_forward(x, W, b, activation=act)
        want, _ = R.dense_forward(x, W, b, activation=act)
        bound, _ = T.dense_forward(x, W, b, act)
        T.assert_close(f"{A.name}.dense_forward[{act}]", got, want, bound)
    check()


def test_dense_backward_matches_reference(A, R):
    """dense_backward's (dx, dW, db) agree with the reference within the replayed bound.

    Sums of H, N and N terms, with the forward's error carried through the activation's derivative.
    """
    @S.for_backend(A)
    @given(case=dense_case(S.max_dim(A)))
    def check(case):
        x, W, b, da, act = case
        _, back = T.dense_forward(x, W, b, act)
        try:
            bounds = back(da)
        except T.Ambiguous:
            assume(False)
        got = A.dense_backward(da, A.dense_forward(x, W, b, activation=act)[1])
        want = R.dense_backward(da, R.dense_forward(x, W, b, activation=act)[1])
        for label, g, r, bd in zip(("dx", "dW", "db"), got, want, bounds):
            T.assert_close(f"{A.name}.dense_backward[{act}] {label}", g, r, bd)
    check()


def test_network_forward_matches_reference(A, R):
    """network_forward agrees with the reference within the layer-by-layer bound.

    0 to 3 hidden layers, every activation, any layout and dtype.
    """
    @S.for_backend(A)
    @given(case=network_case(S.max_dim(A, 5)))
    def check(case):
        x, params, _, act = case
        got, _ = A.network_forward(x, *params, activation=act)
        want, _ = R.network_forward(x, *params, activation=act)
        bound, _ = T.network_forward(x, params, act)
        T.assert_close(f"{A.name}.network_forward[{act}, {len(params) // 2 - 1} hidden]", got, want, bound)
    check()


def test_network_backward_matches_reference(A, R):
    """network_backward's (dx, dW1, db1, ..., dc, db) agree with the reference within the layer-by-layer bound."""
    @S.for_backend(A)
    @given(case=network_case(S.max_dim(A, 5)))
    def check(case):
        x, params, dy, act = case
        _, back = T.network_forward(x, params, act)
        try:
            bounds = back(dy)
        except T.Ambiguous:
            assume(False)
        got = A.network_backward(dy, A.network_forward(x, *params, activation=act)[1])
        want = R.network_backward(dy, R.network_forward(x, *params, activation=act)[1])
        assert isinstance(got, tuple) and len(got) == len(params) + 1
        for k, (g, r, bd) in enumerate(zip(got, want, bounds)):
            T.assert_close(f"{A.name}.network_backward[{act}] gradient {k}", g, r, bd)
    check()


# -- the reference against calculus ---------------------------------------------------------------
def _fd_check(analytic, numeric):
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        scale = max(np.abs(a).max(), np.abs(n).max(), 1.0)
        assert np.abs(a - n).max() / scale < FD_RTOL, f"gradient {k}: {a} vs {n}"


def _away_from_kinks(rs, act):
    for r in rs:
        for kink in KINKS[act]:
            assume(np.all(np.abs(r - kink) > FD_KINK_GAP))


def test_dense_backward_finite_differences():
    """dense_backward equals the central differences of sum(da * dense_forward(x, W, b)).

    In x, W and b, every activation; float64; relative error < 1e-7 (scale: the larger gradient or 1); r kept
    1e-3 from kinks.

    Concept: backprop.numeric, backprop.chain.
    """
    @given(case=dense_case(4, dtype=np.float64, lim=1.5, layout="C"))
    def check(case):
        x, W, b, da, act = case
        _away_from_kinks([b + x @ W.T], act)
        grads = reference.dense_backward(da, reference.dense_forward(x, W, b, act)[1])
        f = lambda x_, W_, b_: np.sum(da * reference.dense_forward(x_, W_, b_, act)[0])
        numeric = (numeric_gradient(lambda t: f(t, W, b), x), numeric_gradient(lambda t: f(x, t, b), W),
                   numeric_gradient(lambda t: f(x, W, t), b))
        _fd_check(grads, numeric)
    check()


def test_network_backward_finite_differences():
    """network_backward equals the central differences of sum(dy * network_forward(x, ...)).

    In x and every parameter, 0 to 3 hidden layers, every activation; float64; relative error < 1e-7 (scale:
    the larger gradient or 1); every hidden r kept 1e-3 from kinks.

    Concept: backprop.numeric, backprop.chain.
    """
    @given(case=network_case(4, dtype=np.float64, lim=1.5, layout="C"))
    def check(case):
        x, params, dy, act = case
        _away_from_kinks(pre_activations(x, params, act), act)
        grads = reference.network_backward(dy, reference.network_forward(x, *params, activation=act)[1])
        inputs = [x, *[np.asarray(p, dtype=np.float64) for p in params]]

        def f(k, t):
            args = list(inputs)
            args[k] = t
            return np.sum(dy * reference.network_forward(*args, activation=act)[0])

        numeric = [numeric_gradient(lambda t, k=k: f(k, t), inputs[k]) for k in range(len(inputs))]
        _fd_check(grads, numeric)
    check()


# -- the slides' models ---------------------------------------------------------------------------
def test_network_forward_no_hidden_layer_equals_linear_forward(B):
    """network_forward(x, c, b) with no hidden layer equals linear_forward(x, c, b).

    And network_backward equals linear_backward (000: with no hidden layer the network is y = b + c^T x).

    Concept: model.linear, model.matrix_form.
    """
    @S.for_backend(B)
    @given(case=network_case(S.max_dim(B), n_hidden=0))
    def check(case):
        x, (c, b), dy, act = case
        y_net, cache_net = B.network_forward(x, c, b, activation=act)
        y_lin, cache_lin = B.linear_forward(x, c, b)
        T.assert_close(f"{B.name}.network_forward vs linear_forward", y_net, y_lin, T.linear_forward(x, c, b))
        bounds = T.linear_backward(dy, x, c)
        for label, g_net, g_lin, bd in zip(("dx", "dc", "db"), B.network_backward(dy, cache_net),
                                           B.linear_backward(dy, cache_lin), bounds):
            T.assert_close(f"{B.name}.network_backward vs linear_backward {label}", g_net, g_lin, bd)
    check()


def test_network_forward_one_hidden_layer_is_sum_of_units(B):
    """network_forward with one hidden layer is y = b + sum_i c_i act(b_i + sum_j w_ij x_j).

    Written out unit by unit (000, "New Model: More Features"; with ReLUs, 004's sum of ReLUs).

    Concept: model.sigmoid_sum, model.relu_sum.
    """
    act_fn = {"sigmoid": T.sigmoid64, "relu": lambda r: np.maximum(r, 0), "linear": lambda r: r,
              "hard_sigmoid": lambda r: np.clip(r, 0, 1)}

    @S.for_backend(B)
    @given(case=network_case(S.max_dim(B), n_hidden=1))
    def check(case):
        x, (W1, b1, c, b), _, act = case
        y, _ = B.network_forward(x, W1, b1, c, b, activation=act)
        x64, W64 = x.astype(np.float64), W1.astype(np.float64)
        for n in range(x.shape[0]):
            units = [act_fn[act](float(b1[i]) + sum(float(W64[i, j]) * x64[n, j] for j in range(x.shape[1])))
                     for i in range(W1.shape[0])]
            want = float(b) + sum(float(c[i]) * units[i] for i in range(len(units)))
            bound = T.network_forward(x[n:n + 1], (W1, b1, c, b), act)[0]
            assert abs(float(y[n]) - want) <= bound.e[0], f"example {n}: {y[n]} vs {want}"
    check()


def test_dense_forward_linear_activation_is_affine(B):
    """dense_forward with activation="linear" returns r = b + x W^T itself (the slides' r = b + Wx)."""
    for dtype in S.DTYPES:
        x = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]], dtype=dtype)
        W = np.array([[1.0, -1.0], [2.0, 0.0], [0.5, 4.0]], dtype=dtype)
        b = np.array([0.5, -1.0, 0.0], dtype=dtype)
        a, _ = B.dense_forward(x, W, b, activation="linear")
        np.testing.assert_array_equal(a, (b + x.astype(np.float64) @ W.astype(np.float64).T).astype(dtype))


def test_dense_forward_dense_backward_pure_and_dtype(B):
    """dense_forward/backward keep the dtype, return (dx, dW, db) of the inputs' shapes, change no input."""
    for dtype in S.DTYPES:
        for act in ACTIVATIONS:
            x = np.linspace(-1, 1, 10, dtype=dtype).reshape(2, 5).T          # (5, 2) transposed view
            W = np.linspace(-2, 2, 6, dtype=dtype).reshape(3, 2)[::-1]
            b = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], dtype=dtype)[::2]
            a, cache = call_pure(B, "dense_forward", x, W, b, activation=act)
            assert_dtype("dense_forward", a, dtype)
            assert a.shape == (5, 3)
            grads = call_pure(B, "dense_backward", np.ones((3, 5), dtype=dtype).T, cache)
            assert_dtype("dense_backward", grads, dtype)
            assert [g.shape for g in grads] == [(5, 2), (3, 2), (3,)]


def test_network_forward_network_backward_pure_and_dtype(B):
    """network_forward/backward keep the dtype, return one gradient per input, change no input."""
    for dtype in S.DTYPES:
        for n_hidden in (0, 1, 2):
            rng = np.random.default_rng(n_hidden)
            sizes = [3] + [4 - k for k in range(n_hidden)]
            params = reference.training.init_params(sizes, rng, dtype=dtype)
            x = rng.normal(size=(3, 6)).astype(dtype).T                      # (6, 3) transposed view
            y, cache = call_pure(B, "network_forward", x, *params, activation="sigmoid")
            assert_dtype("network_forward", y, dtype)
            assert y.shape == (6,)
            grads = call_pure(B, "network_backward", np.ones(6, dtype=dtype), cache)
            assert len(grads) == len(params) + 1
            assert_dtype("network_backward", grads, dtype)
            assert [np.shape(g) for g in grads] == [x.shape] + [np.shape(p) for p in params]
