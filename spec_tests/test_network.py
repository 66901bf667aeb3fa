"""Dense layers, networks with the slides' linear read-out, the neuron and the MLP (``reference.network``)."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import reference
import reference.training
from reference import ACTIVATIONS, OUTPUTS
from reference.gradcheck import numeric_gradient

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, call_pure

FD_RTOL = 1e-7
FD_KINK_GAP = 1e-3
KINKS = {"sigmoid": (), "linear": (), "relu": (0.0,), "hard_sigmoid": (0.0, 1.0), "leaky_relu": (0.0,), "tanh": ()}


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
              "hard_sigmoid": lambda r: np.clip(r, 0, 1), "tanh": np.tanh,
              "leaky_relu": lambda r: r if r > 0 else T.LEAKY_ALPHA * r}

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


# == lecture 2: the neuron and the MLP of any depth ====================================================


@st.composite
def neuron_case(draw, max_size, dtype=None, activation=None, lim=2.0, layout=None):
    """(a, w, b, dy, activation) for one neuron: a (N, K), w (K,), b a scalar, dy (N,)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    activation = draw(S.activations()) if activation is None else activation
    N, K = draw(S.dims(max_size)), draw(S.dims(max_size))
    a = draw(S.arrays(dtype, (N, K), lim, layout=layout))
    w = draw(S.arrays(dtype, (K,), lim, layout=layout))
    b = np.asarray(draw(S.values(dtype, lim)), dtype=dtype)[()]
    dy = draw(S.arrays(dtype, (N,), 1.0, layout=layout))
    return a, w, b, dy, activation


@st.composite
def mlp_case(draw, max_size, dtype=None, activation=None, output=None, n_layers=None, max_layers=4, lim=2.0,
             layout=None):
    """(x, params, dy, activation, output) for an MLP of 1 to ``max_layers`` layers: x (N, D), W_l (H_l, H_{l-1})."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    activation = draw(S.activations()) if activation is None else activation
    output = draw(st.sampled_from(OUTPUTS)) if output is None else output
    n_layers = draw(st.integers(1, max_layers)) if n_layers is None else n_layers
    N, D = draw(S.dims(max_size)), draw(S.dims(max_size))
    widths = [D] + [draw(S.dims(max_size)) for _ in range(n_layers)]
    x = draw(S.arrays(dtype, (N, D), lim, layout=layout))
    params = []
    for fan_in, H in zip(widths[:-1], widths[1:]):
        params.append(draw(S.arrays(dtype, (H, fan_in), lim, layout=layout)))
        params.append(draw(S.arrays(dtype, (H,), lim, layout=layout)))
    dy = draw(S.arrays(dtype, (N, widths[-1]), 1.0, layout=layout))
    return x, tuple(params), dy, activation, output


def mlp_pre_activations(x, params, act):
    """r of every hidden layer of an MLP, in float64 (to keep finite differences away from kinks)."""
    a, rs = np.asarray(x, dtype=np.float64), []
    layers = list(zip(params[0::2], params[1::2]))[:-1]
    for W, b in layers:
        rs.append(b + a @ np.asarray(W, dtype=np.float64).T)
        a = rs[-1] if act == "linear" else getattr(reference, f"{act}_forward")(rs[-1])[0]
    return rs


def _max_layers(backend):
    return 3 if S.simulated(backend) else 4


def test_neuron_forward_matches_reference(A, R):
    """neuron_forward agrees with the reference within a (K+1)-term sum through the activation, every activation."""
    @S.for_backend(A)
    @given(case=neuron_case(S.max_dim(A)))
    def check(case):
        a, w, b, _, act = case
        got, _ = A.neuron_forward(a, w, b, activation=act)
        want, _ = R.neuron_forward(a, w, b, activation=act)
        bound, _ = T.neuron_forward(a, w, b, act)
        T.assert_close(f"{A.name}.neuron_forward[{act}]", got, want, bound)
    check()


def test_neuron_backward_matches_reference(A, R):
    """neuron_backward's (da, dw, db) agree with the reference: one product, N-term sums, through the activation."""
    @S.for_backend(A)
    @given(case=neuron_case(S.max_dim(A)))
    def check(case):
        a, w, b, dy, act = case
        _, back = T.neuron_forward(a, w, b, act)
        try:
            bounds = back(dy)
        except T.Ambiguous:
            assume(False)
        got = A.neuron_backward(dy, A.neuron_forward(a, w, b, activation=act)[1])
        want = R.neuron_backward(dy, R.neuron_forward(a, w, b, activation=act)[1])
        assert isinstance(got, tuple) and len(got) == 3
        for label, g, r, bd in zip(("da", "dw", "db"), got, want, bounds):
            T.assert_close(f"{A.name}.neuron_backward[{act}] {label}", g, r, bd)
    check()


def test_mlp_forward_matches_reference(A, R):
    """mlp_forward agrees with the reference within the layer-by-layer bound.

    1 to 4 layers (3 in the CUDA simulator), every hidden activation, every output, any layout and dtype.
    """
    @S.for_backend(A)
    @given(case=mlp_case(S.max_dim(A, 5), max_layers=_max_layers(A)))
    def check(case):
        x, params, _, act, out = case
        got, _ = A.mlp_forward(x, *params, activation=act, output=out)
        want, _ = R.mlp_forward(x, *params, activation=act, output=out)
        bound, _ = T.mlp_forward(x, params, act, out)
        T.assert_close(f"{A.name}.mlp_forward[{act}, {out}, {len(params) // 2} layers]", got, want, bound)
    check()


def test_mlp_backward_matches_reference(A, R):
    """mlp_backward's (dx, dW1, db1, ..., dWL, dbL) agree with the reference within the layer-by-layer bound."""
    @S.for_backend(A)
    @given(case=mlp_case(S.max_dim(A, 5), max_layers=_max_layers(A)))
    def check(case):
        x, params, dy, act, out = case
        _, back = T.mlp_forward(x, params, act, out)
        try:
            bounds = back(dy)
        except T.Ambiguous:
            assume(False)
        got = A.mlp_backward(dy, A.mlp_forward(x, *params, activation=act, output=out)[1])
        want = R.mlp_backward(dy, R.mlp_forward(x, *params, activation=act, output=out)[1])
        assert isinstance(got, tuple) and len(got) == len(params) + 1
        for k, (g, r, bd) in enumerate(zip(got, want, bounds)):
            T.assert_close(f"{A.name}.mlp_backward[{act}, {out}] gradient {k}", g, r, bd)
    check()


def test_neuron_backward_finite_differences():
    """neuron_backward equals the central differences of sum(dy * neuron_forward(a, w, b)).

    In a, w and b, every activation; float64; relative error < 1e-7 (scale: the larger gradient or 1); z kept
    1e-3 from kinks.

    Concept: backprop.numeric, model.neuron.
    """
    @given(case=neuron_case(4, dtype=np.float64, lim=1.5, layout="C"))
    def check(case):
        a, w, b, dy, act = case
        _away_from_kinks([b + a @ w], act)
        grads = reference.neuron_backward(dy, reference.neuron_forward(a, w, b, act)[1])
        f = lambda a_, w_, b_: np.sum(dy * reference.neuron_forward(a_, w_, b_, act)[0])
        numeric = (numeric_gradient(lambda t: f(t, w, b), a), numeric_gradient(lambda t: f(a, t, b), w),
                   numeric_gradient(lambda t: f(a, w, t), b))
        _fd_check(grads, numeric)
    check()


def test_mlp_backward_finite_differences():
    """mlp_backward equals the central differences of sum(dy * mlp_forward(x, ...)).

    In x and every parameter; 1 to 4 layers; every hidden activation and every output (softmax, sigmoid,
    linear), so every output unit's gradient; float64; relative error < 1e-7 (scale: the larger gradient or 1);
    every hidden r kept 1e-3 from kinks.

    Concept: backprop.numeric, backprop.chain.
    """
    @given(case=mlp_case(4, dtype=np.float64, lim=1.5, layout="C"))
    def check(case):
        x, params, dy, act, out = case
        _away_from_kinks(mlp_pre_activations(x, params, act), act)
        grads = reference.mlp_backward(dy, reference.mlp_forward(x, *params, activation=act, output=out)[1])
        inputs = [x, *params]

        def f(k, t):
            args = list(inputs)
            args[k] = t
            return np.sum(dy * reference.mlp_forward(*args, activation=act, output=out)[0])

        numeric = [numeric_gradient(lambda t, k=k: f(k, t), inputs[k]) for k in range(len(inputs))]
        _fd_check(grads, numeric)
    check()


def test_neuron_forward_equals_one_unit_dense_layer(B):
    """neuron_forward(a, w, b) is dense_forward(a, w[None, :], [b])[:, 0], and its gradients are the dense layer's.

    003 "Neuron": a dense layer is neurons side by side. Within both sides' bounds, every activation.

    Concept: model.neuron, model.dense.
    """
    @S.for_backend(B)
    @given(case=neuron_case(S.max_dim(B)))
    def check(case):
        a, w, b, dy, act = case
        W, bb = w[None, :], np.asarray(b).reshape(1)
        y, cache = B.neuron_forward(a, w, b, activation=act)
        d, d_cache = B.dense_forward(a, W, bb, activation=act)
        y_bound, back = T.neuron_forward(a, w, b, act)
        T.assert_close(f"{B.name}.neuron_forward vs dense_forward", y, d[:, 0], y_bound)
        try:
            bounds = back(dy)
        except T.Ambiguous:
            return
        da, dw, db = B.neuron_backward(dy, cache)
        dx, dW, dbb = B.dense_backward(dy[:, None], d_cache)
        for label, g, r, bd in zip(("da", "dw", "db"), (da, dw, db), (dx, dW[0], dbb[0]), bounds):
            T.assert_close(f"{B.name}.neuron_backward vs dense_backward {label}", g, r, bd)
    check()


def test_mlp_forward_one_layer_equals_dense_forward(B):
    """mlp_forward with one layer is dense_forward with the output as activation (softmax: of the linear layer).

    And mlp_backward equals dense_backward (through softmax_backward for a softmax output). Within the bounds.

    Concept: model.dense, model.softmax.
    """
    @S.for_backend(B)
    @given(case=mlp_case(S.max_dim(B), n_layers=1))
    def check(case):
        x, (W, b), dy, _, out = case
        y, cache = B.mlp_forward(x, W, b, output=out)
        if out == "softmax":
            r, d_cache = B.dense_forward(x, W, b, activation="linear")
            want, s_cache = B.softmax_forward(r)
        else:
            want, d_cache = B.dense_forward(x, W, b, activation=out)
        y_bound, back = T.mlp_forward(x, (W, b), "sigmoid", out)
        T.assert_close(f"{B.name}.mlp_forward vs dense_forward[{out}]", y, want, y_bound)
        bounds = back(dy)
        dr = B.softmax_backward(dy, s_cache)[0] if out == "softmax" else dy
        for label, g, r, bd in zip(("dx", "dW", "db"), B.mlp_backward(dy, cache), B.dense_backward(dr, d_cache),
                                   bounds):
            T.assert_close(f"{B.name}.mlp_backward vs dense_backward[{out}] {label}", g, r, bd)
    check()


def test_mlp_forward_is_dense_layers_chained(B):
    """mlp_forward with L layers is dense_forward L - 1 times with the activation, then the output layer.

    (002 "Neural Network": f(x) = sigma(W^L ... sigma(W^1 x + b^1) ... + b^L)), within the layer-by-layer bound.

    Concept: model.dense, backprop.chain.
    """
    @S.for_backend(B)
    @given(case=mlp_case(S.max_dim(B), max_layers=_max_layers(B)))
    def check(case):
        x, params, _, act, out = case
        y, _ = B.mlp_forward(x, *params, activation=act, output=out)
        a = x
        layers = list(zip(params[0::2], params[1::2]))
        for W, b in layers[:-1]:
            a, _ = B.dense_forward(a, W, b, activation=act)
        W, b = layers[-1]
        if out == "softmax":
            want, _ = B.softmax_forward(B.dense_forward(a, W, b, activation="linear")[0])
        else:
            want, _ = B.dense_forward(a, W, b, activation=out)
        T.assert_close(f"{B.name}.mlp_forward vs dense layers", y, want, T.mlp_forward(x, params, act, out)[0])
    check()


def test_neuron_forward_backward_mlp_forward_backward_pure_and_dtype(B):
    """neuron_forward/backward and mlp_forward/backward keep the dtype, return one gradient per input, change no input."""
    for dtype in S.DTYPES:
        rng = np.random.default_rng(5)
        a = rng.normal(size=(3, 5)).astype(dtype).T                          # (5, 3), a transposed view
        w = rng.normal(size=6).astype(dtype)[::2]
        y, cache = call_pure(B, "neuron_forward", a, w, dtype.type(0.5), activation="tanh")
        assert_dtype("neuron_forward", y, dtype)
        assert y.shape == (5,)
        grads = call_pure(B, "neuron_backward", np.ones(5, dtype=dtype), cache)
        assert_dtype("neuron_backward", grads, dtype)
        assert [np.shape(g) for g in grads] == [(5, 3), (3,), ()]
        for n_layers in ((2,) if S.simulated(B) else (1, 2, 4)):
            sizes = [3] + [4 - k % 2 for k in range(n_layers - 1)] + [2]
            params = []
            for fan_in, H in zip(sizes[:-1], sizes[1:]):
                params += [rng.normal(size=(fan_in, H)).astype(dtype).T, rng.normal(size=2 * H).astype(dtype)[::2]]
            for out in OUTPUTS:
                y, cache = call_pure(B, "mlp_forward", a, *params, activation="relu", output=out)
                assert_dtype("mlp_forward", y, dtype)
                assert y.shape == (5, 2)
                grads = call_pure(B, "mlp_backward", np.ones((5, 2), dtype=dtype), cache)
                assert len(grads) == len(params) + 1
                assert_dtype("mlp_backward", grads, dtype)
                assert [np.shape(g) for g in grads] == [a.shape] + [np.shape(p) for p in params]


def _random_mlp(rng, depth, D=3, K=3, N=4, width=3):
    sizes = [D] + [width + (l % 2) for l in range(depth - 1)] + [K]
    params = []
    for fan_in, H in zip(sizes[:-1], sizes[1:]):
        params += [rng.uniform(-1.5, 1.5, size=(H, fan_in)), rng.uniform(-1, 1, size=H)]
    return rng.uniform(-1.5, 1.5, size=(N, D)), tuple(params), rng.uniform(-1, 1, size=(N, K))


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_backward_finite_differences_every_activation_and_output(activation, output):
    """mlp_backward equals the central differences of sum(dy * mlp_forward) for every activation, output and depth 1-4.

    Seeded data (redrawn until every hidden r is 1e-3 from the kinks), float64, every output unit weighted by dy;
    relative error < 1e-7 (scale: the larger gradient or 1). Complements the drawn cases above, which need not
    reach every combination in the ci profile.

    Concept: backprop.numeric, backprop.chain.
    """
    rng = np.random.default_rng([ACTIVATIONS.index(activation), OUTPUTS.index(output)])
    for depth in (1, 2, 3, 4):
        while True:
            x, params, dy = _random_mlp(rng, depth)
            rs = mlp_pre_activations(x, params, activation)
            if all(np.all(np.abs(r - k) > FD_KINK_GAP) for r in rs for k in KINKS[activation]):
                break
        grads = reference.mlp_backward(dy, reference.mlp_forward(x, *params, activation=activation, output=output)[1])
        inputs = [x, *params]

        def f(k, t):
            args = list(inputs)
            args[k] = t
            return np.sum(dy * reference.mlp_forward(*args, activation=activation, output=output)[0])

        _fd_check(grads, [numeric_gradient(lambda t, k=k: f(k, t), inputs[k]) for k in range(len(inputs))])
