"""Bad input: every backend raises the reference's ValueError, word for word, naming the function and
the argument (all backends check through ``reference._check``)."""

import numpy as np
import pytest

from .helpers import assert_same_error

f64, f32 = np.float64, np.float32
Z = np.array([0.5, -1.0, 2.0])                        # a valid elementwise input
X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, -6.0]])   # (N, D) = (3, 2)
W = np.array([0.5, -1.0])                             # (D,)
Y = np.array([1.0, 2.0, 3.0])                         # (N,)
W1, B1 = np.ones((4, 2)), np.zeros(4)                 # a hidden layer of 4 units
C = np.ones(4)


def cases(*rows):
    """Parametrise (args, kwargs, prefix) from rows (id, args(backend) -> tuple, kwargs, message prefix)."""
    return pytest.mark.parametrize("args, kwargs, prefix", [pytest.param(a, k, p, id=i) for i, a, k, p in rows])


ELEMENTWISE_FORWARD = cases(
    ("int", lambda X_: (np.arange(3),), {}, "z must be a float32 or float64 array; got int64"),
    ("int-list", lambda X_: ([1, 2],), {}, "z must be a float32 or float64 array; got int64"),
    ("bool", lambda X_: (np.array([True, False]),), {}, "z must be a float32 or float64 array; got bool"),
    ("float16", lambda X_: (np.ones(2, np.float16),), {}, "z must be a float32 or float64 array; got float16"),
    ("empty", lambda X_: (np.zeros(0),), {}, "z must not be empty; got (0,)"),
    ("empty-2d", lambda X_: (np.zeros((3, 0)),), {}, "z must not be empty; got (3, 0)"),
    ("none", lambda X_: (None,), {}, "z must be an array; got None"),
)


def _backward_cases(fwd):
    return cases(
        ("shape", lambda X_: (np.ones(4), getattr(X_, fwd)(Z)[1]), {},
         "da must be (3,) like the forward's output; got (4,)"),
        ("rank", lambda X_: (np.ones((3, 1)), getattr(X_, fwd)(Z)[1]), {},
         "da must be (3,) like the forward's output; got (3, 1)"),
        ("mixed-dtype", lambda X_: (np.ones(3, f32), getattr(X_, fwd)(Z)[1]), {},
         "da must be float64 like the forward's output; got float32"),
        ("int", lambda X_: (np.ones(3, int), getattr(X_, fwd)(Z)[1]), {},
         "da must be a float32 or float64 array; got int64"),
        ("none", lambda X_: (None, getattr(X_, fwd)(Z)[1]), {}, "da must be an array; got None"),
    )


@ELEMENTWISE_FORWARD
def test_sigmoid_forward_bad_input(B, R, args, kwargs, prefix):
    """sigmoid_forward rejects a non-float, empty or missing z with the reference's message."""
    assert_same_error(B, R, "sigmoid_forward", args, kwargs, prefix)


@ELEMENTWISE_FORWARD
def test_relu_forward_bad_input(B, R, args, kwargs, prefix):
    """relu_forward rejects a non-float, empty or missing z with the reference's message."""
    assert_same_error(B, R, "relu_forward", args, kwargs, prefix)


@ELEMENTWISE_FORWARD
def test_hard_sigmoid_forward_bad_input(B, R, args, kwargs, prefix):
    """hard_sigmoid_forward rejects a non-float, empty or missing z with the reference's message."""
    assert_same_error(B, R, "hard_sigmoid_forward", args, kwargs, prefix)


@_backward_cases("sigmoid_forward")
def test_sigmoid_backward_bad_input(B, R, args, kwargs, prefix):
    """sigmoid_backward rejects an upstream gradient of the wrong shape or dtype with the reference's message."""
    assert_same_error(B, R, "sigmoid_backward", args, kwargs, prefix)


@_backward_cases("relu_forward")
def test_relu_backward_bad_input(B, R, args, kwargs, prefix):
    """relu_backward rejects an upstream gradient of the wrong shape or dtype with the reference's message."""
    assert_same_error(B, R, "relu_backward", args, kwargs, prefix)


@_backward_cases("hard_sigmoid_forward")
def test_hard_sigmoid_backward_bad_input(B, R, args, kwargs, prefix):
    """hard_sigmoid_backward rejects an upstream gradient of the wrong shape or dtype with the reference's message."""
    assert_same_error(B, R, "hard_sigmoid_backward", args, kwargs, prefix)


@cases(
    ("rank-3", lambda X_: (np.zeros((3, 28, 28)), W, 0.0), {}, "x must be (N, D); got (3, 28, 28)"),
    ("rank-1", lambda X_: (Y, W, 0.0), {}, "x must be (N, D); got (3,)"),
    ("w-length", lambda X_: (X, np.ones(3), 0.0), {}, "w must be (D,) = (2,) (D = 2 from x); got (3,)"),
    ("w-rank", lambda X_: (X, np.ones((2, 1)), 0.0), {}, "w must be (D,); got (2, 1)"),
    ("b-vector", lambda X_: (X, W, np.ones(1)), {}, "b must be a scalar (); got (1,)"),
    ("b-bool", lambda X_: (X, W, True), {}, "b must be a float32 or float64 array; got bool"),
    ("b-str", lambda X_: (X, W, "1"), {}, "b must be a float32 or float64 array; got <U1"),
    ("mixed-dtype", lambda X_: (X.astype(f32), W, 0.0), {}, "w must be float32 like x; got float64"),
    ("b-numpy-float64", lambda X_: (X.astype(f32), W.astype(f32), np.float64(0.5)), {},
     "b must be float32 like x; got float64"),
    ("int-x", lambda X_: (np.ones((3, 2), int), W, 0.0), {}, "x must be a float32 or float64 array; got int64"),
    ("empty-N", lambda X_: (np.zeros((0, 2)), W, 0.0), {}, "x must not be empty; got (0, 2)"),
    ("empty-D", lambda X_: (np.zeros((3, 0)), np.zeros(0), 0.0), {}, "x must not be empty; got (3, 0)"),
)
def test_linear_forward_bad_input(B, R, args, kwargs, prefix):
    """linear_forward rejects wrong ranks, mismatched D, non-scalar b, mixed or int dtypes and empty x."""
    assert_same_error(B, R, "linear_forward", args, kwargs, prefix)


@cases(
    ("length", lambda X_: (np.ones(4), X_.linear_forward(X, W, 0.0)[1]), {},
     "dy must be (3,) like the forward's output; got (4,)"),
    ("rank", lambda X_: (np.ones((3, 1)), X_.linear_forward(X, W, 0.0)[1]), {},
     "dy must be (3,) like the forward's output; got (3, 1)"),
    ("mixed-dtype", lambda X_: (np.ones(3, f32), X_.linear_forward(X, W, 0.0)[1]), {},
     "dy must be float64 like the forward's output; got float32"),
    ("int", lambda X_: (np.ones(3, int), X_.linear_forward(X, W, 0.0)[1]), {},
     "dy must be a float32 or float64 array; got int64"),
)
def test_linear_backward_bad_input(B, R, args, kwargs, prefix):
    """linear_backward rejects an upstream gradient of the wrong shape or dtype."""
    assert_same_error(B, R, "linear_backward", args, kwargs, prefix)


LOSS_CASES = cases(
    ("shape", lambda X_: (Y, np.ones(4)), {}, "y_hat must have y's shape (3,); got (4,)"),
    ("rank", lambda X_: (Y, np.ones((3, 1))), {}, "y_hat must have y's shape (3,); got (3, 1)"),
    ("mixed-dtype", lambda X_: (Y, Y.astype(f32)), {}, "y_hat must be float64 like y; got float32"),
    ("int-y", lambda X_: (np.arange(3), Y), {}, "y must be a float32 or float64 array; got int64"),
    ("int-y_hat", lambda X_: (Y, np.arange(3)), {}, "y_hat must be a float32 or float64 array; got int64"),
    ("empty", lambda X_: (np.zeros(0), np.zeros(0)), {}, "y must not be empty; got (0,)"),
    ("none", lambda X_: (Y, None), {}, "y_hat must be an array; got None"),
    ("reduction", lambda X_: (Y, Y), {"reduction": "max"}, "reduction must be one of 'mean', 'sum'; got 'max'"),
    ("reduction-none", lambda X_: (Y, Y), {"reduction": None}, "reduction must be one of 'mean', 'sum'; got None"),
)


@LOSS_CASES
def test_mse_bad_input(B, R, args, kwargs, prefix):
    """mse rejects mismatched shapes or dtypes, int or empty arrays and an unknown reduction."""
    assert_same_error(B, R, "mse", args, kwargs, prefix)


@LOSS_CASES
def test_mae_bad_input(B, R, args, kwargs, prefix):
    """mae rejects mismatched shapes or dtypes, int or empty arrays and an unknown reduction."""
    assert_same_error(B, R, "mae", args, kwargs, prefix)


@cases(
    ("x1-rank", lambda X_: (X, Y, W, W), {}, "x1 must be (N,); got (3, 2)"),
    ("y_hat-length", lambda X_: (Y, np.ones(4), W, W), {}, "y_hat must be (N,) = (3,) (N = 3 from x1); got (4,)"),
    ("w_grid-rank", lambda X_: (Y, Y, np.ones((2, 2)), W), {}, "w_grid must be (W,); got (2, 2)"),
    ("b_grid-empty", lambda X_: (Y, Y, W, np.zeros(0)), {}, "b_grid must not be empty; got (0,)"),
    ("mixed-dtype", lambda X_: (Y, Y, W.astype(f32), W), {}, "w_grid must be float64 like x1; got float32"),
    ("loss", lambda X_: (Y, Y, W, W), {"loss": "hinge"}, "loss must be one of 'mse', 'mae'; got 'hinge'"),
)
def test_loss_surface_bad_input(B, R, args, kwargs, prefix):
    """loss_surface rejects wrong ranks, mismatched N, empty grids, mixed dtypes and an unknown loss."""
    assert_same_error(B, R, "loss_surface", args, kwargs, prefix)


@cases(
    ("x-rank", lambda X_: (Y, W1, B1), {}, "x must be (N, D); got (3,)"),
    ("W-D", lambda X_: (X, np.ones((4, 3)), B1), {}, "W must be (H, D) = (4, 2) (D = 2 from x); got (4, 3)"),
    ("b-H", lambda X_: (X, W1, np.zeros(5)), {}, "b must be (H,) = (4,) (H = 4 from W); got (5,)"),
    ("activation", lambda X_: (X, W1, B1), {"activation": "softmax"},
     "activation must be one of 'sigmoid', 'relu', 'hard_sigmoid', 'linear', 'leaky_relu', 'tanh'; got 'softmax'"),
    ("mixed-dtype", lambda X_: (X, W1.astype(f32), B1), {}, "W must be float64 like x; got float32"),
    ("int-W", lambda X_: (X, np.ones((4, 2), int), B1), {}, "W must be a float32 or float64 array; got int64"),
    ("empty-H", lambda X_: (X, np.ones((0, 2)), np.zeros(0)), {}, "W must not be empty; got (0, 2)"),
)
def test_dense_forward_bad_input(B, R, args, kwargs, prefix):
    """dense_forward rejects wrong ranks, mismatched D or H, an unknown activation, mixed or int dtypes."""
    assert_same_error(B, R, "dense_forward", args, kwargs, prefix)


@cases(
    ("shape", lambda X_: (np.ones((3, 5)), X_.dense_forward(X, W1, B1)[1]), {},
     "da must be (3, 4) like the forward's output; got (3, 5)"),
    ("mixed-dtype", lambda X_: (np.ones((3, 4), f32), X_.dense_forward(X, W1, B1)[1]), {},
     "da must be float64 like the forward's output; got float32"),
)
def test_dense_backward_bad_input(B, R, args, kwargs, prefix):
    """dense_backward rejects an upstream gradient of the wrong shape or dtype."""
    assert_same_error(B, R, "dense_backward", args, kwargs, prefix)


@cases(
    ("odd-params", lambda X_: (X, W1, B1, C), {},
     "params must be (W1, b1, ..., WL, bL, c, b), an even number >= 2 of arrays; got 3"),
    ("no-params", lambda X_: (X,), {}, "params must be (W1, b1, ..., WL, bL, c, b), an even number >= 2 of arrays; got 0"),
    ("one-param", lambda X_: (X, W), {}, "params must be (W1, b1, ..., WL, bL, c, b), an even number >= 2 of arrays; got 1"),
    ("W1-D", lambda X_: (X, np.ones((4, 3)), B1, C, 0.0), {}, "W1 must be (H1, D) = (4, 2) (D = 2 from x); got (4, 3)"),
    ("W2-H1", lambda X_: (X, W1, B1, np.ones((3, 5)), np.zeros(3), np.ones(3), 0.0), {},
     "W2 must be (H2, H1) = (3, 4) (H1 = 4 from W1); got (3, 5)"),
    ("c-length", lambda X_: (X, W1, B1, np.ones(3), 0.0), {}, "c must be (H1,) = (4,) (H1 = 4 from W1); got (3,)"),
    ("c-linear-D", lambda X_: (X, np.ones(3), 0.0), {}, "c must be (D,) = (2,) (D = 2 from x); got (3,)"),
    ("b-vector", lambda X_: (X, W1, B1, C, np.zeros(1)), {}, "b must be a scalar (); got (1,)"),
    ("mixed-dtype", lambda X_: (X, W1, B1.astype(f32), C, 0.0), {}, "b1 must be float64 like x; got float32"),
    ("x-rank", lambda X_: (Y, W1, B1, C, 0.0), {}, "x must be (N, D); got (3,)"),
    ("activation", lambda X_: (X, W1, B1, C, 0.0), {"activation": "softmax"},
     "activation must be one of 'sigmoid', 'relu', 'hard_sigmoid', 'linear', 'leaky_relu', 'tanh'; got 'softmax'"),
)
def test_network_forward_bad_input(B, R, args, kwargs, prefix):
    """network_forward rejects bad params, sizes, dtypes, rank or activation with the reference's text.

    A wrong number of params, mismatched layer sizes, a non-scalar b, mixed dtypes, a wrong rank, an unknown activation.
    """
    assert_same_error(B, R, "network_forward", args, kwargs, prefix)


@cases(
    ("length", lambda X_: (np.ones(2), X_.network_forward(X, W1, B1, C, 0.0)[1]), {},
     "dy must be (3,) like the forward's output; got (2,)"),
    ("mixed-dtype", lambda X_: (np.ones(3, f32), X_.network_forward(X, W1, B1, C, 0.0)[1]), {},
     "dy must be float64 like the forward's output; got float32"),
)
def test_network_backward_bad_input(B, R, args, kwargs, prefix):
    """network_backward rejects an upstream gradient of the wrong shape or dtype."""
    assert_same_error(B, R, "network_backward", args, kwargs, prefix)


SINGULAR = "X^T X is singular: the columns of x and the column of ones for b are linearly dependent"


@cases(
    ("x-rank", lambda X_: (Y, Y), {}, "x must be (N, D); got (3,)"),
    ("y_hat-length", lambda X_: (X, np.ones(4)), {}, "y_hat must be (N,) = (3,) (N = 3 from x); got (4,)"),
    ("mixed-dtype", lambda X_: (X, Y.astype(f32)), {}, "y_hat must be float64 like x; got float32"),
    ("int", lambda X_: (np.ones((3, 2), int), Y), {}, "x must be a float32 or float64 array; got int64"),
    ("too-few-examples", lambda X_: (X[:2], Y[:2]), {}, SINGULAR),
    ("duplicate-columns", lambda X_: (np.column_stack([Y, Y]), Y), {}, SINGULAR),
    ("constant-column", lambda X_: (np.column_stack([Y, np.full(3, 2.0)]), Y), {}, SINGULAR),
)
def test_closed_form_bad_input(B, R, args, kwargs, prefix):
    """closed_form rejects bad shapes, dtypes and a singular X^T X with the reference's text.

    Wrong ranks, mismatched N, mixed or int dtypes; too few examples and dependent columns are singular.
    """
    assert_same_error(B, R, "closed_form", args, kwargs, prefix)


@cases(
    ("g-shape", lambda X_: (W, np.ones(3), 0.1), {}, "g must have theta's shape (2,); got (3,)"),
    ("mixed-dtype", lambda X_: (W, W.astype(f32), 0.1), {}, "g must be float64 like theta; got float32"),
    ("int-theta", lambda X_: (np.arange(2), W, 0.1), {}, "theta must be a float32 or float64 array; got int64"),
    ("empty", lambda X_: (np.zeros(0), np.zeros(0), 0.1), {}, "theta must not be empty; got (0,)"),
    ("eta-zero", lambda X_: (W, W, 0.0), {}, "eta must be a positive number; got 0.0"),
    ("eta-negative", lambda X_: (W, W, -0.1), {}, "eta must be a positive number; got -0.1"),
    ("eta-nan", lambda X_: (W, W, float("nan")), {}, "eta must be a positive number; got nan"),
    ("eta-inf", lambda X_: (W, W, float("inf")), {}, "eta must be a positive number; got inf"),
    ("eta-str", lambda X_: (W, W, "0.1"), {}, "eta must be a positive number; got '0.1'"),
    ("eta-bool", lambda X_: (W, W, True), {}, "eta must be a positive number; got True"),
    ("eta-none", lambda X_: (W, W, None), {}, "eta must be a positive number; got None"),
    ("eta-array", lambda X_: (W, W, np.array([0.1])), {}, "eta must be a positive number; got array([0.1])"),
)
def test_gd_step_bad_input(B, R, args, kwargs, prefix):
    """gd_step rejects a mismatched gradient, int or empty theta and a bad eta with the reference's text.

    eta must be a positive finite real number: 0, negative, nan, inf, a string, a bool, None and an array are refused.
    """
    assert_same_error(B, R, "gd_step", args, kwargs, prefix)


def _gd(**over):
    kw = dict(x=X, y_hat=Y, w=W, b=0.0, eta=0.1, steps=3)
    kw.update(over)
    return lambda X_: (kw["x"], kw["y_hat"], kw["w"], kw["b"], kw["eta"], kw["steps"])


@cases(
    ("eta-zero", _gd(eta=0), {}, "eta must be a positive number; got 0"),
    ("eta-nan", _gd(eta=float("nan")), {}, "eta must be a positive number; got nan"),
    ("eta-inf", _gd(eta=float("inf")), {}, "eta must be a positive number; got inf"),
    ("steps-negative", _gd(steps=-1), {}, "steps must be an integer >= 0; got -1"),
    ("steps-float", _gd(steps=2.5), {}, "steps must be an integer >= 0; got 2.5"),
    ("steps-float-whole", _gd(steps=3.0), {}, "steps must be an integer >= 0; got 3.0"),
    ("steps-bool", _gd(steps=True), {}, "steps must be an integer >= 0; got True"),
    ("loss", _gd(), {"loss": "hinge"}, "loss must be one of 'mse', 'mae'; got 'hinge'"),
    ("w-length", _gd(w=np.ones(3)), {}, "w must be (D,) = (2,) (D = 2 from x); got (3,)"),
    ("b-vector", _gd(b=np.zeros(2)), {}, "b must be a scalar (); got (2,)"),
    ("y_hat-length", _gd(y_hat=np.ones(2)), {}, "y_hat must be (N,) = (3,) (N = 3 from x); got (2,)"),
    ("mixed-dtype", _gd(w=W.astype(f32)), {}, "w must be float64 like x; got float32"),
)
def test_linear_gd_bad_input(B, R, args, kwargs, prefix):
    """linear_gd rejects an invalid eta, steps < 0 or not an integer, an unknown loss and mismatched arrays."""
    assert_same_error(B, R, "linear_gd", args, kwargs, prefix)


EPOCH_ARGS = lambda X_: (X, Y, W1, B1, C, 0.0)


@cases(
    ("batch_size-zero", EPOCH_ARGS, {"batch_size": 0}, "batch_size must be an integer >= 1; got 0"),
    ("batch_size-float", EPOCH_ARGS, {"batch_size": 2.5}, "batch_size must be an integer >= 1; got 2.5"),
    ("batch_size-bool", EPOCH_ARGS, {"batch_size": True}, "batch_size must be an integer >= 1; got True"),
    ("batch_size-none", EPOCH_ARGS, {"batch_size": None}, "batch_size must be an integer >= 1; got None"),
    ("eta-zero", EPOCH_ARGS, {"eta": 0.0}, "eta must be a positive number; got 0.0"),
    ("eta-negative", EPOCH_ARGS, {"eta": -1}, "eta must be a positive number; got -1"),
    ("eta-nan", EPOCH_ARGS, {"eta": float("nan")}, "eta must be a positive number; got nan"),
    ("order-duplicate", EPOCH_ARGS, {"order": np.array([0, 0, 1])},
     "order must be a permutation of range(3); got 3 indices in [0, 1]"),
    ("order-length", EPOCH_ARGS, {"order": np.array([0, 1])}, "order must be a permutation of range(3); got 2 indices in [0, 1]"),
    ("order-range", EPOCH_ARGS, {"order": np.array([1, 2, 3])}, "order must be a permutation of range(3); got 3 indices in [1, 3]"),
    ("order-negative", EPOCH_ARGS, {"order": np.array([-1, 0, 1])},
     "order must be a permutation of range(3); got 3 indices in [-1, 1]"),
    ("order-float", EPOCH_ARGS, {"order": np.array([0.0, 1.0, 2.0])},
     "order must be a 1-D integer array (a permutation of range(3)); got float64 (3,)"),
    ("order-2d", EPOCH_ARGS, {"order": np.array([[0, 1, 2]])},
     "order must be a 1-D integer array (a permutation of range(3)); got int64 (1, 3)"),
    ("activation", EPOCH_ARGS, {"activation": "softmax"},
     "activation must be one of 'sigmoid', 'relu', 'hard_sigmoid', 'linear', 'leaky_relu', 'tanh'; got 'softmax'"),
    ("loss", EPOCH_ARGS, {"loss": "cross_entropy"}, "loss must be one of 'mse', 'mae'; got 'cross_entropy'"),
    ("odd-params", lambda X_: (X, Y, W1, B1, C), {},
     "params must be (W1, b1, ..., WL, bL, c, b), an even number >= 2 of arrays; got 3"),
    ("y_hat-length", lambda X_: (X, np.ones(4), W, 0.0), {}, "y_hat must be (N,) = (3,) (N = 3 from x); got (4,)"),
    ("y_hat-dtype", lambda X_: (X, Y.astype(f32), W, 0.0), {}, "y_hat must be float64 like x; got float32"),
    ("c-length", lambda X_: (X, Y, W1, B1, np.ones(2), 0.0), {}, "c must be (H1,) = (4,) (H1 = 4 from W1); got (2,)"),
)
def test_network_epoch_bad_input(B, R, args, kwargs, prefix):
    """network_epoch rejects bad batch_size, eta, order, activation, loss or params with the reference's text.

    order must be a permutation of range(N); params must have an even count and matching sizes.
    """
    assert_same_error(B, R, "network_epoch", args, kwargs, prefix)


# == lecture 2: the classifiers' primitives ===========================================================
ACTS = "'sigmoid', 'relu', 'hard_sigmoid', 'linear', 'leaky_relu', 'tanh'"
M = np.array([[0.5, -1.0, 2.0, 0.0], [1.0, 2.0, -3.0, 4.0]])     # (N, K) = (2, 4)
ONE_HOT = np.eye(4)[[1, 3]]                                       # targets for M


@ELEMENTWISE_FORWARD
def test_tanh_forward_bad_input(B, R, args, kwargs, prefix):
    """tanh_forward rejects a non-float, empty or missing z with the reference's message."""
    assert_same_error(B, R, "tanh_forward", args, kwargs, prefix)


@ELEMENTWISE_FORWARD
def test_leaky_relu_forward_bad_input(B, R, args, kwargs, prefix):
    """leaky_relu_forward rejects a non-float, empty or missing z with the reference's message."""
    assert_same_error(B, R, "leaky_relu_forward", args, kwargs, prefix)


@cases(
    ("alpha-str", lambda X_: (Z, "0.1"), {}, "alpha must be a finite real number; got '0.1'"),
    ("alpha-none", lambda X_: (Z, None), {}, "alpha must be a finite real number; got None"),
    ("alpha-nan", lambda X_: (Z, float("nan")), {}, "alpha must be a finite real number; got nan"),
    ("alpha-inf", lambda X_: (Z, float("-inf")), {}, "alpha must be a finite real number; got -inf"),
    ("alpha-bool", lambda X_: (Z, True), {}, "alpha must be a finite real number; got True"),
    ("alpha-array", lambda X_: (Z, np.array([0.1])), {}, "alpha must be a finite real number; got array([0.1])"),
)
def test_leaky_relu_forward_bad_alpha(B, R, args, kwargs, prefix):
    """leaky_relu_forward rejects an alpha that is not a finite real number (a string, None, nan, inf, a bool, an array)."""
    assert_same_error(B, R, "leaky_relu_forward", args, kwargs, prefix)


@_backward_cases("tanh_forward")
def test_tanh_backward_bad_input(B, R, args, kwargs, prefix):
    """tanh_backward rejects an upstream gradient of the wrong shape, rank or dtype."""
    assert_same_error(B, R, "tanh_backward", args, kwargs, prefix)


@_backward_cases("leaky_relu_forward")
def test_leaky_relu_backward_bad_input(B, R, args, kwargs, prefix):
    """leaky_relu_backward rejects an upstream gradient of the wrong shape, rank or dtype."""
    assert_same_error(B, R, "leaky_relu_backward", args, kwargs, prefix)


ALPHA = np.array([0.1, 0.2, 0.3, 0.4])                           # one slope per column of M


@cases(
    ("z-rank-1", lambda X_: (Z, ALPHA[:3]), {}, "z must be (N, H); got (3,)"),
    ("z-rank-3", lambda X_: (np.ones((2, 4, 1)), ALPHA), {}, "z must be (N, H); got (2, 4, 1)"),
    ("alpha-length", lambda X_: (M, ALPHA[:3]), {}, "alpha must be (H,) = (4,) (H = 4 from z); got (3,)"),
    ("alpha-rank", lambda X_: (M, ALPHA[None, :]), {}, "alpha must be (H,); got (1, 4)"),
    ("alpha-scalar", lambda X_: (M, 0.25), {}, "alpha must be (H,); got ()"),
    ("mixed-dtype", lambda X_: (M, ALPHA.astype(f32)), {}, "alpha must be float64 like z; got float32"),
    ("int-z", lambda X_: (np.ones((2, 4), int), ALPHA), {}, "z must be a float32 or float64 array; got int64"),
    ("empty", lambda X_: (np.zeros((0, 4)), ALPHA), {}, "z must not be empty; got (0, 4)"),
)
def test_prelu_forward_bad_input(B, R, args, kwargs, prefix):
    """prelu_forward rejects a z that is not (N, H), an alpha that is not (H,), mixed or int dtypes, empty z."""
    assert_same_error(B, R, "prelu_forward", args, kwargs, prefix)


@cases(
    ("shape", lambda X_: (np.ones((2, 3)), X_.prelu_forward(M, ALPHA)[1]), {},
     "da must be (2, 4) like the forward's output; got (2, 3)"),
    ("mixed-dtype", lambda X_: (np.ones((2, 4), f32), X_.prelu_forward(M, ALPHA)[1]), {},
     "da must be float64 like the forward's output; got float32"),
)
def test_prelu_backward_bad_input(B, R, args, kwargs, prefix):
    """prelu_backward rejects an upstream gradient of the wrong shape or dtype."""
    assert_same_error(B, R, "prelu_backward", args, kwargs, prefix)


@cases(
    ("z-rank-1", lambda X_: (Z,), {}, "z must be (N, M); got (3,)"),
    ("k-one", lambda X_: (M, 1), {}, "k must be an integer >= 2; got 1"),
    ("k-zero", lambda X_: (M, 0), {}, "k must be an integer >= 2; got 0"),
    ("k-float", lambda X_: (M, 2.0), {}, "k must be an integer >= 2; got 2.0"),
    ("k-bool", lambda X_: (M, True), {}, "k must be an integer >= 2; got True"),
    ("k-not-dividing", lambda X_: (M, 3), {}, "z must have a multiple of k = 3 columns; got (2, 4)"),
    ("int-z", lambda X_: (np.ones((2, 4), int),), {}, "z must be a float32 or float64 array; got int64"),
    ("empty", lambda X_: (np.zeros((2, 0)),), {}, "z must not be empty; got (2, 0)"),
)
def test_maxout_forward_bad_input(B, R, args, kwargs, prefix):
    """maxout_forward rejects a z that is not (N, M), k < 2 or not an integer, k not dividing the columns, int z."""
    assert_same_error(B, R, "maxout_forward", args, kwargs, prefix)


@cases(
    ("shape", lambda X_: (np.ones((2, 4)), X_.maxout_forward(M, 2)[1]), {},
     "da must be (2, 2) like the forward's output; got (2, 4)"),
    ("mixed-dtype", lambda X_: (np.ones((2, 2), f32), X_.maxout_forward(M, 2)[1]), {},
     "da must be float64 like the forward's output; got float32"),
    ("int", lambda X_: (np.ones((2, 2), int), X_.maxout_forward(M, 2)[1]), {},
     "da must be a float32 or float64 array; got int64"),
)
def test_maxout_backward_bad_input(B, R, args, kwargs, prefix):
    """maxout_backward rejects an upstream gradient of the wrong shape (it is (N, H), not z's) or dtype."""
    assert_same_error(B, R, "maxout_backward", args, kwargs, prefix)


@cases(
    ("rank-1", lambda X_: (Z,), {}, "z must be (N, K); got (3,)"),
    ("rank-3", lambda X_: (np.ones((2, 2, 2)),), {}, "z must be (N, K); got (2, 2, 2)"),
    ("int", lambda X_: (np.ones((2, 3), int),), {}, "z must be a float32 or float64 array; got int64"),
    ("empty", lambda X_: (np.zeros((2, 0)),), {}, "z must not be empty; got (2, 0)"),
    ("none", lambda X_: (None,), {}, "z must be an array; got None"),
)
def test_softmax_forward_bad_input(B, R, args, kwargs, prefix):
    """softmax_forward rejects a z that is not a non-empty float (N, K) matrix."""
    assert_same_error(B, R, "softmax_forward", args, kwargs, prefix)


@cases(
    ("shape", lambda X_: (np.ones((4, 2)), X_.softmax_forward(M)[1]), {},
     "dy must be (2, 4) like the forward's output; got (4, 2)"),
    ("mixed-dtype", lambda X_: (np.ones((2, 4), f32), X_.softmax_forward(M)[1]), {},
     "dy must be float64 like the forward's output; got float32"),
)
def test_softmax_backward_bad_input(B, R, args, kwargs, prefix):
    """softmax_backward rejects an upstream gradient of the wrong shape or dtype."""
    assert_same_error(B, R, "softmax_backward", args, kwargs, prefix)


def _ce_cases(first):
    return cases(
        ("rank-1", lambda X_: (Z, Z), {}, f"{first} must be (N, K); got (3,)"),
        ("y_hat-K", lambda X_: (M, np.ones((2, 3))), {}, "y_hat must be (N, K) = (2, 4) (K = 4 from "
                                                          f"{first}); got (2, 3)"),
        ("y_hat-N", lambda X_: (M, np.ones((3, 4))), {}, "y_hat must be (N, K) = (2, 4) (N = 2 from "
                                                          f"{first}); got (3, 4)"),
        ("y_hat-labels", lambda X_: (M, np.array([1.0, 3.0])), {}, "y_hat must be (N, K); got (2,)"),
        ("mixed-dtype", lambda X_: (M, ONE_HOT.astype(f32)), {}, f"y_hat must be float64 like {first}; got float32"),
        ("int-y_hat", lambda X_: (M, np.eye(4, dtype=int)[[1, 3]]), {},
         "y_hat must be a float32 or float64 array; got int64"),
        ("int-first", lambda X_: (np.ones((2, 4), int), ONE_HOT), {},
         f"{first} must be a float32 or float64 array; got int64"),
        ("reduction", lambda X_: (M, ONE_HOT), {"reduction": "none"},
         "reduction must be one of 'mean', 'sum'; got 'none'"),
    )


@_ce_cases("y")
def test_cross_entropy_bad_input(B, R, args, kwargs, prefix):
    """cross_entropy rejects ranks other than (N, K), mismatched targets (labels instead of one-hot rows included),
    mixed or int dtypes and an unknown reduction."""
    assert_same_error(B, R, "cross_entropy", args, kwargs, prefix)


@_ce_cases("z")
def test_softmax_cross_entropy_bad_input(B, R, args, kwargs, prefix):
    """softmax_cross_entropy rejects ranks other than (N, K), mismatched targets, mixed or int dtypes, bad reduction."""
    assert_same_error(B, R, "softmax_cross_entropy", args, kwargs, prefix)


@_ce_cases("z")
def test_sigmoid_cross_entropy_bad_input(B, R, args, kwargs, prefix):
    """sigmoid_cross_entropy rejects ranks other than (N, K), mismatched targets, mixed or int dtypes, bad reduction."""
    assert_same_error(B, R, "sigmoid_cross_entropy", args, kwargs, prefix)


@cases(
    ("a-rank", lambda X_: (Y, W, 0.0), {}, "a must be (N, K); got (3,)"),
    ("w-length", lambda X_: (X, np.ones(3), 0.0), {}, "w must be (K,) = (2,) (K = 2 from a); got (3,)"),
    ("b-vector", lambda X_: (X, W, np.zeros(1)), {}, "b must be a scalar (); got (1,)"),
    ("activation", lambda X_: (X, W, 0.0), {"activation": "softmax"},
     f"activation must be one of {ACTS}; got 'softmax'"),
    ("mixed-dtype", lambda X_: (X, W.astype(f32), 0.0), {}, "w must be float64 like a; got float32"),
    ("int-a", lambda X_: (np.ones((3, 2), int), W, 0.0), {}, "a must be a float32 or float64 array; got int64"),
)
def test_neuron_forward_bad_input(B, R, args, kwargs, prefix):
    """neuron_forward rejects wrong ranks, mismatched K, a non-scalar b, an unknown activation, mixed or int dtypes."""
    assert_same_error(B, R, "neuron_forward", args, kwargs, prefix)


@cases(
    ("length", lambda X_: (np.ones(4), X_.neuron_forward(X, W, 0.0)[1]), {},
     "dy must be (3,) like the forward's output; got (4,)"),
    ("mixed-dtype", lambda X_: (np.ones(3, f32), X_.neuron_forward(X, W, 0.0)[1]), {},
     "dy must be float64 like the forward's output; got float32"),
)
def test_neuron_backward_bad_input(B, R, args, kwargs, prefix):
    """neuron_backward rejects an upstream gradient of the wrong shape or dtype."""
    assert_same_error(B, R, "neuron_backward", args, kwargs, prefix)


W2, B2 = np.ones((5, 4)), np.zeros(5)                             # an output layer of 5 units after W1
MLP_PARAMS = "params must be (W1, b1, ..., WL, bL), an even number >= 2 of arrays; got"


@cases(
    ("no-params", lambda X_: (X,), {}, f"{MLP_PARAMS} 0"),
    ("odd-params", lambda X_: (X, W1, B1, W2), {}, f"{MLP_PARAMS} 3"),
    ("x-rank", lambda X_: (Y, W1, B1), {}, "x must be (N, D); got (3,)"),
    ("W1-D", lambda X_: (X, np.ones((4, 3)), B1), {}, "W1 must be (K, D) = (4, 2) (D = 2 from x); got (4, 3)"),
    ("W2-H1", lambda X_: (X, W1, B1, np.ones((5, 3)), B2), {},
     "W2 must be (K, H1) = (5, 4) (H1 = 4 from W1); got (5, 3)"),
    ("b2-length", lambda X_: (X, W1, B1, W2, np.zeros(4)), {}, "b2 must be (K,) = (5,) (K = 5 from W2); got (4,)"),
    ("mixed-dtype", lambda X_: (X, W1, B1.astype(f32), W2, B2), {}, "b1 must be float64 like x; got float32"),
    ("int-W", lambda X_: (X, np.ones((4, 2), int), B1), {}, "W1 must be a float32 or float64 array; got int64"),
    ("activation", lambda X_: (X, W1, B1, W2, B2), {"activation": "softmax"},
     f"activation must be one of {ACTS}; got 'softmax'"),
    ("output", lambda X_: (X, W1, B1, W2, B2), {"output": "relu"},
     "output must be one of 'softmax', 'sigmoid', 'linear'; got 'relu'"),
)
def test_mlp_forward_bad_input(B, R, args, kwargs, prefix):
    """mlp_forward rejects a wrong number of params, mismatched layer sizes, mixed or int dtypes, a wrong rank,
    an unknown activation or output, with the reference's text."""
    assert_same_error(B, R, "mlp_forward", args, kwargs, prefix)


@cases(
    ("shape", lambda X_: (np.ones((3, 4)), X_.mlp_forward(X, W1, B1, W2, B2)[1]), {},
     "dy must be (3, 5) like the forward's output; got (3, 4)"),
    ("rank", lambda X_: (np.ones(3), X_.mlp_forward(X, W1, B1, W2, B2)[1]), {},
     "dy must be (3, 5) like the forward's output; got (3,)"),
    ("mixed-dtype", lambda X_: (np.ones((3, 5), f32), X_.mlp_forward(X, W1, B1, W2, B2)[1]), {},
     "dy must be float64 like the forward's output; got float32"),
)
def test_mlp_backward_bad_input(B, R, args, kwargs, prefix):
    """mlp_backward rejects an upstream gradient of the wrong shape, rank or dtype."""
    assert_same_error(B, R, "mlp_backward", args, kwargs, prefix)


@cases(
    ("int", lambda X_: (np.arange(3),), {}, "param must be a float32 or float64 array; got int64"),
    ("none", lambda X_: (None,), {}, "param must be an array; got None"),
    ("empty", lambda X_: (np.zeros(0),), {}, "param must not be empty; got (0,)"),
)
def test_sgd_init_bad_input(B, R, args, kwargs, prefix):
    """sgd_init rejects a parameter that is not a non-empty float array."""
    assert_same_error(B, R, "sgd_init", args, kwargs, prefix)


@cases(
    ("grad-shape", lambda X_: (W, np.ones(3), ()), {}, "grad must have param's shape (2,); got (3,)"),
    ("mixed-dtype", lambda X_: (W, W.astype(f32), ()), {}, "grad must be float64 like param; got float32"),
    ("int-param", lambda X_: (np.arange(2), W, ()), {}, "param must be a float32 or float64 array; got int64"),
    ("state", lambda X_: (W, W, (np.zeros(2),)), {}, "state must be () from sgd_init; got tuple"),
    ("state-none", lambda X_: (W, W, None), {}, "state must be () from sgd_init; got NoneType"),
    ("eta-zero", lambda X_: (W, W, ()), {"eta": 0.0}, "eta must be a positive number; got 0.0"),
    ("eta-nan", lambda X_: (W, W, ()), {"eta": float("nan")}, "eta must be a positive number; got nan"),
    ("eta-str", lambda X_: (W, W, ()), {"eta": "0.1"}, "eta must be a positive number; got '0.1'"),
)
def test_sgd_update_bad_input(B, R, args, kwargs, prefix):
    """sgd_update rejects a mismatched gradient, an int parameter, a state not from sgd_init and a bad eta."""
    assert_same_error(B, R, "sgd_update", args, kwargs, prefix)


MLP_EPOCH_ARGS = lambda X_: (X, np.eye(5)[[0, 2, 4]], W1, B1, W2, B2)


@cases(
    ("ce-needs-softmax", MLP_EPOCH_ARGS, {"output": "sigmoid"},
     "loss 'cross_entropy' needs output 'softmax'; got output 'sigmoid'"),
    ("ce-needs-softmax-linear", MLP_EPOCH_ARGS, {"output": "linear", "loss": "cross_entropy"},
     "loss 'cross_entropy' needs output 'softmax'; got output 'linear'"),
    ("loss", MLP_EPOCH_ARGS, {"loss": "hinge"}, "loss must be one of 'mse', 'mae', 'cross_entropy'; got 'hinge'"),
    ("output", MLP_EPOCH_ARGS, {"output": "tanh"}, "output must be one of 'softmax', 'sigmoid', 'linear'; got 'tanh'"),
    ("activation", MLP_EPOCH_ARGS, {"activation": "softmax"}, f"activation must be one of {ACTS}; got 'softmax'"),
    ("batch_size-zero", MLP_EPOCH_ARGS, {"batch_size": 0}, "batch_size must be an integer >= 1; got 0"),
    ("batch_size-float", MLP_EPOCH_ARGS, {"batch_size": 32.0}, "batch_size must be an integer >= 1; got 32.0"),
    ("eta-negative", MLP_EPOCH_ARGS, {"eta": -0.1}, "eta must be a positive number; got -0.1"),
    ("order-duplicate", MLP_EPOCH_ARGS, {"order": np.array([0, 0, 1])},
     "order must be a permutation of range(3); got 3 indices in [0, 1]"),
    ("order-float", MLP_EPOCH_ARGS, {"order": np.array([0.0, 1.0, 2.0])},
     "order must be a 1-D integer array (a permutation of range(3)); got float64 (3,)"),
    ("y_hat-labels", lambda X_: (X, np.array([0.0, 2.0, 4.0]), W1, B1, W2, B2), {},
     "y_hat must be (N, K); got (3,)"),
    ("y_hat-K", lambda X_: (X, np.eye(4)[[0, 1, 2]], W1, B1, W2, B2), {},
     "y_hat must be (N, K) = (3, 5) (K = 5 from W2); got (3, 4)"),
    ("y_hat-N", lambda X_: (X, np.eye(5)[[0, 1]], W1, B1, W2, B2), {},
     "y_hat must be (N, K) = (3, 5) (N = 3 from x); got (2, 5)"),
    ("y_hat-dtype", lambda X_: (X, np.eye(5, dtype=f32)[[0, 2, 4]], W1, B1, W2, B2), {},
     "y_hat must be float64 like x; got float32"),
    ("y_hat-int", lambda X_: (X, np.eye(5, dtype=int)[[0, 2, 4]], W1, B1, W2, B2), {},
     "y_hat must be a float32 or float64 array; got int64"),
    ("odd-params", lambda X_: (X, np.eye(5)[[0, 2, 4]], W1, B1, W2), {}, f"{MLP_PARAMS} 3"),
    ("W2-H1", lambda X_: (X, np.eye(5)[[0, 2, 4]], W1, B1, np.ones((5, 3)), B2), {},
     "W2 must be (K, H1) = (5, 4) (H1 = 4 from W1); got (5, 3)"),
    ("rates-no-masks", MLP_EPOCH_ARGS, {"rates": [0.5, 0.0]},
     "rates needs masks (one dropout mask per layer, or None); got masks=None and rates=[0.5, 0.0]"),
    ("masks-length", MLP_EPOCH_ARGS, {"masks": [None], "rates": [0.0]},
     "masks must be a list or tuple of 2 entries (one per dense layer: None, or the mask of that layer's input); "
     "got a sequence of 1"),
    ("masks-array", MLP_EPOCH_ARGS, {"masks": np.ones((3, 4)), "rates": [0.0, 0.5]},
     "masks must be a list or tuple of 2 entries"),
    ("rates-missing", MLP_EPOCH_ARGS, {"masks": [None, np.ones((3, 4))]},
     "rates must be a list or tuple of 2 numbers (one per dense layer), given with masks; got None"),
    ("rate-without-mask", MLP_EPOCH_ARGS, {"masks": [None, np.ones((3, 4))], "rates": [0.5, 0.5]},
     "rates[0] must be 0 where masks[0] is None (layer 1's input is not dropped); got 0.5"),
    ("mask-shape", MLP_EPOCH_ARGS, {"masks": [None, np.ones((3, 5))], "rates": [0.0, 0.5]},
     "masks[1] must be (N, H1) = (3, 4) (a row per example of the epoch, a column per input of layer 2); "
     "got (3, 5)"),
    ("mask-dtype", MLP_EPOCH_ARGS, {"masks": [None, np.ones((3, 4), dtype=f32)], "rates": [0.0, 0.5]},
     "masks[1] must be float64 like x; got float32"),
    ("mask-binary", MLP_EPOCH_ARGS, {"masks": [None, np.full((3, 4), 0.5)], "rates": [0.0, 0.5]},
     "masks[1] must hold only 0 and 1; got 0.5 at index (0, 0)"),
    ("mask-rate", MLP_EPOCH_ARGS, {"masks": [None, np.ones((3, 4))], "rates": [0.0, 1.0]},
     "rates[1] must be a number in [0, 1); got 1.0"),
)
def test_mlp_epoch_bad_input(B, R, args, kwargs, prefix):
    """mlp_epoch rejects cross entropy without a softmax output, unknown loss/output/activation names, bad batch_size,
    eta or order, targets that are not (N, K) (labels included), mismatched params and dropout masks or rates that
    do not fit the layers (count, shape, dtype, values other than 0 and 1, a rate without its mask), with the
    reference's text."""
    assert_same_error(B, R, "mlp_epoch", args, kwargs, prefix)


# -- lecture 003 (II): the optimizer rules, learning-rate schedules, gradient clipping -------------------
from reference.optimizers import (AdadeltaState, AdagradState, AdamState, MomentumState,  # noqa: E402
                                  RMSpropState)

Z2 = np.zeros(2)
RULE_STATES = {
    "momentum": (MomentumState, lambda a: MomentumState(a)),
    "adagrad": (AdagradState, lambda a: AdagradState(a)),
    "rmsprop": (RMSpropState, lambda a: RMSpropState(a)),
    "adadelta": (AdadeltaState, lambda a: AdadeltaState(a, a.copy())),
    "adam": (AdamState, lambda a: AdamState(a, a.copy(), 0)),
    "nadam": (AdamState, lambda a: AdamState(a, a.copy(), 0)),
}
FIRST_FIELD = {"momentum": "v", "adagrad": "g2_sum", "rmsprop": "sigma2", "adadelta": "g2_mean", "adam": "m",
               "nadam": "m"}
INPLACE_NEEDS = "inplace=True needs {} to be a writeable float32 or float64 array (it is overwritten); got {}"


def _state(rule, a=None):
    return RULE_STATES[rule][1](np.zeros(2) if a is None else a)


def _read_only():
    a = np.zeros(2)
    a.flags.writeable = False
    return a


def _rule_cases(rule):
    """The argument errors every ``<rule>_update`` shares (the state's type name and its first field vary)."""
    kind, field = RULE_STATES[rule][0].__name__, FIRST_FIELD[rule]
    other = AdagradState(Z2) if rule == "momentum" else MomentumState(Z2)
    st = lambda X_: (W, W, _state(rule))
    return [
        ("eta-negative", st, {"eta": -0.1}, "eta must be a positive number; got -0.1"),
        ("eta-zero", st, {"eta": 0.0}, "eta must be a positive number; got 0.0"),
        ("eta-nan", st, {"eta": float("nan")}, "eta must be a positive number; got nan"),
        ("eta-str", st, {"eta": "0.1"}, "eta must be a positive number; got '0.1'"),
        ("weight_decay-negative", st, {"weight_decay": -1e-4}, "weight_decay must be a number >= 0; got -0.0001"),
        ("weight_decay-inf", st, {"weight_decay": float("inf")}, "weight_decay must be a number >= 0; got inf"),
        ("inplace-int", st, {"inplace": 1}, "inplace must be True or False; got 1"),
        ("inplace-str", st, {"inplace": "yes"}, "inplace must be True or False; got 'yes'"),
        ("int-param", lambda X_: (np.arange(2), W, _state(rule)), {},
         "param must be a float32 or float64 array; got int64"),
        ("int-grad", lambda X_: (W, np.arange(2), _state(rule)), {},
         "grad must be a float32 or float64 array; got int64"),
        ("grad-shape", lambda X_: (W, np.ones(3), _state(rule)), {}, "grad must have param's shape (2,); got (3,)"),
        ("grad-dtype", lambda X_: (W, W.astype(f32), _state(rule)), {}, "grad must be float64 like param; got float32"),
        ("empty-param", lambda X_: (np.zeros(0), np.zeros(0), _state(rule, np.zeros(0))), {},
         "param must not be empty; got (0,)"),
        ("state-other-rule", lambda X_: (W, W, other), {},
         f"state must be the {kind} that {rule}_init returns; got {type(other).__name__}"),
        ("state-tuple", lambda X_: (W, W, ()), {}, f"state must be the {kind} that {rule}_init returns; got tuple"),
        ("state-none", lambda X_: (W, W, None), {}, f"state must be the {kind} that {rule}_init returns; got NoneType"),
        ("state-shape", lambda X_: (W, W, _state(rule, np.zeros(3))), {},
         f"state.{field} must have param's shape (2,); got (3,)"),
        ("state-dtype", lambda X_: (W, W, _state(rule, np.zeros(2, f32))), {},
         f"state.{field} must be float64 like param; got float32"),
        ("inplace-list-param", lambda X_: ([0.5, -1.0], W, _state(rule)), {"inplace": True},
         INPLACE_NEEDS.format("param", "list")),
        ("inplace-read-only-state", lambda X_: (W.copy(), W, _state(rule, _read_only())), {"inplace": True},
         INPLACE_NEEDS.format(f"state.{field}", "ndarray")),
    ]


def _rule_param(rule, rows):
    return cases(*[(f"{rule}-{i}", a, k, p) for i, a, k, p in _rule_cases(rule) + rows])


@_rule_param("momentum", [
    ("momentum-one", lambda X_: (W, W, MomentumState(Z2)), {"momentum": 1.0},
     "momentum must be a number in [0, 1); got 1.0"),
    ("momentum-negative", lambda X_: (W, W, MomentumState(Z2)), {"momentum": -0.5},
     "momentum must be a number in [0, 1); got -0.5"),
    ("nesterov-int", lambda X_: (W, W, MomentumState(Z2)), {"nesterov": 1}, "nesterov must be True or False; got 1"),
    ("nesterov-none", lambda X_: (W, W, MomentumState(Z2)), {"nesterov": None},
     "nesterov must be True or False; got None"),
])
def test_momentum_update_bad_input(B, R, args, kwargs, prefix):
    """momentum_update rejects a bad eta, momentum outside [0, 1), a nesterov that is not a bool, a negative weight
    decay, a non-bool inplace, int or mismatched arrays, a state not from momentum_init or of the wrong shape or
    dtype, and inplace=True on a list or a read-only state, with the reference's text."""
    assert_same_error(B, R, "momentum_update", args, kwargs, prefix)


@_rule_param("adagrad", [
    ("eps-negative", lambda X_: (W, W, AdagradState(Z2)), {"eps": -1e-8}, "eps must be a number >= 0; got -1e-08"),
    ("eps-nan", lambda X_: (W, W, AdagradState(Z2)), {"eps": float("nan")}, "eps must be a number >= 0; got nan"),
])
def test_adagrad_update_bad_input(B, R, args, kwargs, prefix):
    """adagrad_update rejects a bad eta, eps < 0 (eps = 0 is the slide's form and allowed), and the shared argument
    errors of every rule, with the reference's text."""
    assert_same_error(B, R, "adagrad_update", args, kwargs, prefix)


def test_adagrad_update_eps_zero_is_allowed(B):
    """eps = 0 is Adagrad's slide form (eta / sqrt(sum g^2)), accepted by every backend, unlike every other rule's."""
    w, state = B.adagrad_update(W, W, AdagradState(Z2), eps=0.0)
    assert np.all(np.isfinite(np.asarray(w))) and state.g2_sum.shape == (2,)


@_rule_param("rmsprop", [
    ("alpha-one", lambda X_: (W, W, RMSpropState(Z2)), {"alpha": 1.0}, "alpha must be a number in [0, 1); got 1.0"),
    ("alpha-negative", lambda X_: (W, W, RMSpropState(Z2)), {"alpha": -0.5},
     "alpha must be a number in [0, 1); got -0.5"),
    ("eps-zero", lambda X_: (W, W, RMSpropState(Z2)), {"eps": 0.0}, "eps must be a positive number; got 0.0"),
    ("eps-negative", lambda X_: (W, W, RMSpropState(Z2)), {"eps": -1e-8}, "eps must be a positive number; got -1e-08"),
])
def test_rmsprop_update_bad_input(B, R, args, kwargs, prefix):
    """rmsprop_update rejects alpha outside [0, 1), eps <= 0, and the shared argument errors of every rule."""
    assert_same_error(B, R, "rmsprop_update", args, kwargs, prefix)


@_rule_param("adadelta", [
    ("rho-one", lambda X_: (W, W, AdadeltaState(Z2, Z2)), {"rho": 1.0}, "rho must be a number in [0, 1); got 1.0"),
    ("rho-large", lambda X_: (W, W, AdadeltaState(Z2, Z2)), {"rho": 1.5}, "rho must be a number in [0, 1); got 1.5"),
    ("rho-negative", lambda X_: (W, W, AdadeltaState(Z2, Z2)), {"rho": -0.1},
     "rho must be a number in [0, 1); got -0.1"),
    ("eps-zero", lambda X_: (W, W, AdadeltaState(Z2, Z2)), {"eps": 0.0}, "eps must be a positive number; got 0.0"),
    ("dw2-shape", lambda X_: (W, W, AdadeltaState(Z2, np.zeros(3))), {},
     "state.dw2_mean must have param's shape (2,); got (3,)"),
])
def test_adadelta_update_bad_input(B, R, args, kwargs, prefix):
    """adadelta_update rejects rho outside [0, 1), eps <= 0, a second state array of the wrong shape, and the shared
    argument errors of every rule."""
    assert_same_error(B, R, "adadelta_update", args, kwargs, prefix)


def _adam_rows(rule):
    st = lambda X_: (W, W, AdamState(Z2, Z2.copy(), 0))
    return [
        ("beta1-one", st, {"beta1": 1.0}, "beta1 must be a number in [0, 1); got 1.0"),
        ("beta1-negative", st, {"beta1": -0.1}, "beta1 must be a number in [0, 1); got -0.1"),
        ("beta2-one", st, {"beta2": 1.0}, "beta2 must be a number in [0, 1); got 1.0"),
        ("beta2-large", st, {"beta2": 1.5}, "beta2 must be a number in [0, 1); got 1.5"),
        ("beta2-negative", st, {"beta2": -0.5}, "beta2 must be a number in [0, 1); got -0.5"),
        ("eps-zero", st, {"eps": 0.0}, "eps must be a positive number; got 0.0"),
        ("eps-negative", st, {"eps": -1e-8}, "eps must be a positive number; got -1e-08"),
        ("t-negative", lambda X_: (W, W, AdamState(Z2, Z2.copy(), -1)), {},
         "state.t must be an integer >= 0 (the number of updates so far); got -1"),
        ("t-float", lambda X_: (W, W, AdamState(Z2, Z2.copy(), 1.0)), {},
         "state.t must be an integer >= 0 (the number of updates so far); got 1.0"),
        ("t-bool", lambda X_: (W, W, AdamState(Z2, Z2.copy(), True)), {},
         "state.t must be an integer >= 0 (the number of updates so far); got True"),
        ("v-dtype", lambda X_: (W, W, AdamState(Z2, np.zeros(2, f32), 0)), {},
         "state.v must be float64 like param; got float32"),
    ]


@_rule_param("adam", _adam_rows("adam"))
def test_adam_update_bad_input(B, R, args, kwargs, prefix):
    """adam_update rejects beta1 or beta2 outside [0, 1) (1 included), eps <= 0, a negative or non-integer t, state
    arrays of the wrong dtype, and the shared argument errors of every rule."""
    assert_same_error(B, R, "adam_update", args, kwargs, prefix)


@_rule_param("nadam", _adam_rows("nadam"))
def test_nadam_update_bad_input(B, R, args, kwargs, prefix):
    """nadam_update rejects what adam_update rejects, with its own name in the text."""
    assert_same_error(B, R, "nadam_update", args, kwargs, prefix)


@cases(
    ("weight_decay-negative", lambda X_: (W, W, ()), {"weight_decay": -0.1},
     "weight_decay must be a number >= 0; got -0.1"),
    ("inplace-int", lambda X_: (W, W, ()), {"inplace": 1}, "inplace must be True or False; got 1"),
    ("inplace-list", lambda X_: ([0.5, -1.0], W, ()), {"inplace": True}, INPLACE_NEEDS.format("param", "list")),
    ("eta-negative", lambda X_: (W, W, ()), {"eta": -0.1}, "eta must be a positive number; got -0.1"),
)
def test_sgd_update_bad_optimizer_arguments(B, R, args, kwargs, prefix):
    """sgd_update rejects a negative weight decay, a non-bool inplace, inplace=True on a list and a negative eta."""
    assert_same_error(B, R, "sgd_update", args, kwargs, prefix)


@pytest.mark.parametrize("rule", ["momentum", "adagrad", "rmsprop", "adadelta", "adam", "nadam"])
@pytest.mark.parametrize("param, message", [
    (np.arange(3), "param must be a float32 or float64 array; got int64"),
    (None, "param must be an array; got None"),
    (np.zeros((2, 0)), "param must not be empty; got (2, 0)"),
], ids=["int", "none", "empty"])
def test_rule_init_bad_input(B, R, rule, param, message):
    """Every ``<rule>_init`` rejects a parameter that is not a non-empty float array."""
    assert_same_error(B, R, f"{rule}_init", lambda X_: (param,), {}, message)


GRADS_LIST = "grads must be a non-empty list or tuple of arrays; got"


@cases(
    ("empty-list", lambda X_: ([], 1.0), {}, f"{GRADS_LIST} list of length 0"),
    ("empty-tuple", lambda X_: ((), 1.0), {}, f"{GRADS_LIST} tuple of length 0"),
    ("bare-array", lambda X_: (W, 1.0), {}, f"{GRADS_LIST} ndarray"),
    ("none", lambda X_: (None, 1.0), {}, f"{GRADS_LIST} NoneType"),
    ("mixed-dtype", lambda X_: ([W, W.astype(f32)], 1.0), {}, "grads[1] must be float64 like grads[0]; got float32"),
    ("int-array", lambda X_: ([W, np.arange(2)], 1.0), {}, "grads[1] must be a float32 or float64 array; got int64"),
    ("empty-array", lambda X_: ([W, np.zeros(0)], 1.0), {}, "grads[1] must not be empty; got (0,)"),
    ("none-array", lambda X_: ([W, None], 1.0), {}, "grads[1] must be an array; got None"),
    ("max_norm-zero", lambda X_: ([W], 0.0), {}, "max_norm must be a positive number; got 0.0"),
    ("max_norm-negative", lambda X_: ([W], -1.0), {}, "max_norm must be a positive number; got -1.0"),
    ("max_norm-nan", lambda X_: ([W], float("nan")), {}, "max_norm must be a positive number; got nan"),
)
def test_clip_global_norm_bad_input(B, R, args, kwargs, prefix):
    """clip_global_norm rejects an empty list or tuple, a bare array or None for grads, mixed dtypes, int, empty or
    missing arrays among them, and max_norm <= 0 or nan."""
    assert_same_error(B, R, "clip_global_norm", args, kwargs, prefix)


@cases(
    ("t-negative", lambda X_: (0.1, -1), {}, "t must be an integer >= 0; got -1"),
    ("t-float", lambda X_: (0.1, 1.5), {}, "t must be an integer >= 0; got 1.5"),
    ("t-bool", lambda X_: (0.1, True), {}, "t must be an integer >= 0; got True"),
    ("schedule", lambda X_: (0.1, 1, "cosine"), {},
     "schedule must be one of 'constant', 'inverse_sqrt', 'inverse_time', 'step'; got 'cosine'"),
    ("drop-above-one", lambda X_: (0.1, 1, "step"), {"drop": 1.5}, "drop must be a number in (0, 1]; got 1.5"),
    ("drop-zero", lambda X_: (0.1, 1, "step"), {"drop": 0.0}, "drop must be a positive number; got 0.0"),
    ("every-zero", lambda X_: (0.1, 1, "step"), {"every": 0}, "every must be an integer >= 1; got 0"),
    ("eta-zero", lambda X_: (0.0, 1), {}, "eta must be a positive number; got 0.0"),
    ("eta-negative", lambda X_: (-0.1, 1), {}, "eta must be a positive number; got -0.1"),
    ("decay-negative", lambda X_: (0.1, 1, "inverse_time"), {"decay": -1.0}, "decay must be a number >= 0; got -1.0"),
)
def test_lr_schedule_bad_input(B, R, args, kwargs, prefix):
    """lr_schedule rejects a negative or non-integer t, an unknown schedule, drop outside (0, 1], every < 1, eta <= 0
    and a negative decay."""
    assert_same_error(B, R, "lr_schedule", args, kwargs, prefix)
