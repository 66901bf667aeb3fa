"""Bounds of the optimize family (``reference/optimize.py``): the gradient step, the closed form, and
the training loops replayed step by step on intervals."""

from __future__ import annotations

import numpy as np

from .core import Approx, U, _x, descent, gamma, u_of
from .linear import linear_backward, linear_forward
from .losses import mae, mse, softmax_cross_entropy
from .network import _mlp, network_forward
from .optimizers import sgd_update


def gd_step(theta, g, eta):
    """theta - eta * g, with eta rounded to the dtype (:func:`descent`)."""
    return descent(theta, g, eta)


_LOSS = {"mse": mse, "mae": mae}


def linear_gd(x, y_hat, w, b, eta, steps, loss="mse"):
    """Replays the reference's loop; returns Approx (w_path, b_path, L_path)."""
    x = _x(x)
    y_hat, w, b = _x(y_hat, x.dtype), _x(w, x.dtype), _x(b, x.dtype)
    ws, bs, Ls = [], [], []
    for t in range(steps + 1):
        ws.append(w)
        bs.append(b)
        y = linear_forward(x, w, b)
        L, dL_dy = _LOSS[loss](y, y_hat)
        Ls.append(L)
        if t == steps:
            break
        _, dw, db = linear_backward(dL_dy, x, w)
        w, b = gd_step(w, dw, eta), gd_step(b, db, eta)
    stack = lambda items: Approx(np.stack([a.v for a in items]), np.stack([a.e for a in items]), x.dtype)
    return stack(ws), stack(bs), stack(Ls)


def network_epoch(x, y_hat, params, order=None, batch_size=1, eta=0.01, activation_name="sigmoid",
                  loss="mse", kinks="reject"):
    """Replays the reference's epoch; returns (params as Approx, losses as Approx). ``kinks`` as for
    :func:`gate`."""
    x = _x(x)
    y_hat = _x(y_hat, x.dtype)
    params = [_x(p, x.dtype) for p in params]
    N = x.v.shape[0]
    order = np.arange(N) if order is None else np.asarray(order)
    losses = []
    for start in range(0, N, batch_size):
        batch = order[start:start + batch_size]
        y, backward = network_forward(x[batch], params, activation_name, kinks)
        L, dL_dy = _LOSS[loss](y, y_hat[batch])
        _, *grads = backward(dL_dy)
        params = [gd_step(p, g, eta) for p, g in zip(params, grads)]
        losses.append(L)
    return params, Approx(np.array([L.v for L in losses]), np.array([L.e for L in losses]), x.dtype)


def closed_form(x, y_hat):
    r"""Bound for :func:`closed_form`, formed and solved in float64 whatever the input dtype.

    Backends may form :math:`A = X^T X` and :math:`c = X^T \hat y` in another order:
    entrywise within :math:`\gamma_N |X|^T |X|` and :math:`\gamma_N |X|^T |\hat y|` (u of
    float64). The shared LU solver adds a backward error of at most :math:`\gamma_{3n} |L||U|`,
    :math:`n = D + 1`, which for these small, well-conditioned systems is
    :math:`\gamma_{3n} |A| \le \gamma_{3n} |X|^T|X|`. To first order the solution then moves by
    :math:`|\Delta\theta| \le |A^{-1}| (|\Delta A| |\theta| + |\Delta c|)` componentwise
    (Higham, §7.2), and the result is rounded once to the input dtype (u(dtype) |theta|).
    Returns (w, b) as Approx.
    """
    dtype = np.asarray(x).dtype
    x = np.asarray(x, dtype=np.float64)
    y_hat = np.asarray(y_hat, dtype=np.float64)
    u64 = U[np.dtype(np.float64)]
    N, n = x.shape[0], x.shape[1] + 1
    X = np.column_stack([x, np.ones(N)])
    A = X.T @ X
    theta = np.linalg.solve(A, X.T @ y_hat)
    g = gamma(N, u64) + gamma(3 * n, u64)
    dA = g * (np.abs(X).T @ np.abs(X))
    dc = g * (np.abs(X).T @ np.abs(y_hat))
    e = np.abs(np.linalg.inv(A)) @ (dA @ np.abs(theta) + dc) + u_of(dtype) * np.abs(theta)
    return Approx(theta[:-1], e[:-1], dtype), Approx(theta[-1], e[-1], dtype)


def mlp_epoch(x, y_hat, params, order=None, batch_size=32, eta=0.01, activation_name="sigmoid",
              output="softmax", loss="cross_entropy", kinks="reject", masks=None, rates=None):
    """Replays the reference's epoch (cross entropy fused on the last pre-activation; mse/mae on y);
    returns (params as Approx, losses as Approx). ``masks``, ``rates``: the dropout of the layers'
    inputs, as for mlp_epoch (each batch takes its rows of the masks; exact data)."""
    x = _x(x)
    y_hat = _x(y_hat, x.dtype)
    params = [_x(p, x.dtype) for p in params]
    N = x.v.shape[0]
    order = np.arange(N) if order is None else np.asarray(order)
    losses = []
    for start in range(0, N, batch_size):
        batch = order[start:start + batch_size]
        drops = None if masks is None else [
            None if m is None else (np.asarray(m)[start:start + batch.size], p) for m, p in zip(masks, rates)]
        y, backward, r, backward_r = _mlp(x[batch], params, activation_name, output, kinks, drops)
        if loss == "cross_entropy":
            L, dr = softmax_cross_entropy(r, y_hat[batch])
            _, *grads = backward_r(dr)
        else:
            L, dL_dy = _LOSS[loss](y, y_hat[batch])
            _, *grads = backward(dL_dy)
        params = [sgd_update(p, g, eta) for p, g in zip(params, grads)]
        losses.append(L)
    return params, Approx(np.array([L.v for L in losses]), np.array([L.e for L in losses]), x.dtype)


#: The tolerance of every primitive of the optimize family (reference.FAMILIES['optimize']): its bound,
#: and the bound's one-line justification. A comparison's bound is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``S`` is the sum of the absolute terms.
TOLERANCES = {
    "closed_form": ("2 (|A^-1| (dA |theta| + dc) + u |theta|), dA = (gamma_N + gamma_3n) |X|^T |X| in float64",
                    "A = X^T X and X^T y_hat formed in float64 (N-term sums), then the shared LU solve"),
    "gd_step": ("2 (|eta g| (2u) + u |theta - eta g|)", "eta rounded to the dtype, one product, one difference"),
    "linear_gd": ("linear_forward, the loss and linear_backward bounds replayed for every step",
                  "errors of step t enter step t + 1 through the same formulas"),
    "network_epoch": ("network_forward/backward, the loss and gd_step bounds replayed for every batch",
                      "as linear_gd"),
    "mlp_epoch": ("mlp_forward/backward (or the fused softmax_cross_entropy), the loss and sgd_update bounds "
                  "replayed for every batch, with dropout_forward/backward's on the layers with a mask",
                  "as network_epoch; a mask times its exact scale is exact data, one rounding per product"),
}
