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
)
def test_mlp_epoch_bad_input(B, R, args, kwargs, prefix):
    """mlp_epoch rejects cross entropy without a softmax output, unknown loss/output/activation names, bad batch_size,
    eta or order, targets that are not (N, K) (labels included) and mismatched params, with the reference's text."""
    assert_same_error(B, R, "mlp_epoch", args, kwargs, prefix)
