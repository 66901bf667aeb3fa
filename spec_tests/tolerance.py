r"""How far two correct backends may differ: one tolerance per op and dtype, computed from the data.

Two backends that both implement an op correctly still round differently (another
summation order, a fused multiply-add, float64 intermediates, another ``exp``), so
they are compared within a bound, never a loose constant. The bound comes from the
standard rounding-error model: every floating-point operation returns the exact
result of its rounded operands times :math:`(1 + \delta)` with
:math:`|\delta| \le u`, the unit roundoff (:math:`u = 2^{-24}` in float32,
:math:`2^{-53}` in float64, half the machine epsilon). From that:

* a sum or dot product of :math:`K` terms :math:`t_k` is within
  :math:`\gamma_K \sum_k |t_k|` of the exact sum, :math:`\gamma_K = K u / (1 - K u)`,
  whatever the order of the additions (Higham, *Accuracy and Stability of Numerical
  Algorithms*, 2nd ed., §3.1);
* an elementwise function with slope at most :math:`\ell` near its argument turns an
  input error :math:`e` into at most :math:`\ell e`, plus its own rounding.

:class:`Approx` carries both numbers through a computation: the value ``v`` (in
float64, from the exact inputs) and ``e``, a bound on :math:`|\text{result} - \text{exact}|`
for *any* implementation that follows the op's documented formula in the data's dtype
(or better). Two such implementations differ by at most ``2 e``: that is the
tolerance :func:`assert_close` applies. Every op below mirrors the reference's own
formula step by step, so a tolerance is exactly as loose as the arithmetic demands.

Results under the smallest normal number (``tiny``) may be flushed to zero by a fast
backend (denormals are slow, and GPUs flush them under fast math). The drawn data
(0, or magnitudes in [2**-20, a few hundred]) keeps every sum and product far from
that range; only the sigmoid's tail reaches it, so the sigmoid alone earns ``tiny``
of absolute slack.

The table :data:`TOLERANCES` lists every primitive's bound with its one-line
justification; :data:`U` gives :math:`u` per dtype.
"""

from __future__ import annotations

import numpy as np

#: The unit roundoff u (half the machine epsilon) of each dtype.
U = {np.dtype(np.float32): 2.0 ** -24, np.dtype(np.float64): 2.0 ** -53}

#: Own error of one evaluation of exp (in units of u): correctly rounded libms are
#: within 1 ulp = 2u; vectorised float32 implementations (NumPy's SIMD exp) are
#: documented within a few ulp; 4 ulp = 8u covers both.
EXP_U = 8.0

#: Own error of the stable sigmoid (in units of u) for an exact argument: exp(-|z|)
#: (EXP_U), then 1 + e (u) and one division (u), and for z < 0 the numerator's
#: error once more (EXP_U): 2 * 8 + 4 = 20 u, relative to the result.
SIGMOID_U = 20.0


class Ambiguous(Exception):
    """A kink lies within rounding error of an argument: two correct backends may take different branches."""


def u_of(dtype) -> float:
    return U[np.dtype(dtype)]


def _tiny(dtype) -> float:
    return float(np.finfo(dtype).tiny)


def gamma(k, u) -> float:
    r""":math:`\gamma_K = K u / (1 - K u)`, the error factor of a K-term sum."""
    k = max(int(k), 0)
    return k * u / (1 - k * u)


class Approx:
    """A float64 value ``v`` and a bound ``e`` on how far a conforming result in ``dtype`` is from the exact one."""

    __slots__ = ("v", "e", "dtype")

    def __init__(self, v, e, dtype):
        self.v = np.asarray(v, dtype=np.float64)
        self.e = np.broadcast_to(np.asarray(e, dtype=np.float64), self.v.shape).copy()
        self.dtype = np.dtype(dtype)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def exact(cls, a, dtype=None):
        """Data given to a function, in its dtype (a Python number is first converted to ``dtype``,
        as the shared argument check does): exact by definition."""
        a = np.asarray(a, dtype=dtype)
        return cls(a.astype(np.float64), 0.0, a.dtype)

    @classmethod
    def constant(cls, c, dtype):
        """A Python number used in ``dtype`` arithmetic (a learning rate): rounded once to ``dtype``."""
        c = float(c)
        return cls(c, u_of(dtype) * abs(c), dtype)

    @property
    def u(self) -> float:
        return u_of(self.dtype)

    def _rounded(self, v, e):
        """The result of one more rounding: at most u times the computed result's magnitude, |v| + e."""
        return Approx(v, e + self.u * (np.abs(v) + e), self.dtype)

    @property
    def mag(self):
        """An upper bound on the magnitude of any conforming result."""
        return np.abs(self.v) + self.e

    @property
    def tol(self):
        """How far two conforming implementations may differ: 2 e."""
        return 2.0 * self.e

    # -- arithmetic ---------------------------------------------------------------------------
    def __add__(self, other):
        other = _lift(other, self.dtype)
        return self._rounded(self.v + other.v, self.e + other.e)

    def __sub__(self, other):
        other = _lift(other, self.dtype)
        return self._rounded(self.v - other.v, self.e + other.e)

    def __rsub__(self, other):
        return _lift(other, self.dtype) - self

    def __mul__(self, other):
        other = _lift(other, self.dtype)
        e = np.abs(self.v) * other.e + np.abs(other.v) * self.e + self.e * other.e
        return self._rounded(self.v * other.v, e)

    def div_exact(self, n):
        """Division by an exact positive number (N, the batch size)."""
        return self._rounded(self.v / n, self.e / n)

    def times_exact(self, k):
        """Multiplication by an exact small integer (the 2 of a squared error's derivative)."""
        return self._rounded(self.v * k, self.e * abs(k))

    def __getitem__(self, index):
        return Approx(self.v[index], self.e[index], self.dtype)

    @property
    def T(self):
        return Approx(self.v.T, self.e.T, self.dtype)

    def __neg__(self):
        return Approx(-self.v, self.e, self.dtype)

    def __abs__(self):
        return Approx(np.abs(self.v), self.e, self.dtype)


def _lift(x, dtype) -> Approx:
    return x if isinstance(x, Approx) else Approx(np.asarray(x, dtype=np.float64), 0.0, dtype)


def dot(a: Approx, b: Approx) -> Approx:
    r"""``a @ b``: each entry a K-term dot product, K the shared dimension: input errors through
    the products, plus :math:`\gamma_{K} \sum_k |a_k||b_k|` for the K roundings of products and sums."""
    k = a.v.shape[-1] if a.v.ndim else 1
    v = a.v @ b.v
    e = np.abs(a.v) @ b.e + a.e @ np.abs(b.v) + a.e @ b.e
    e = e + gamma(k, a.u) * (a.mag @ b.mag)
    return Approx(v, e, a.dtype)


def outer(a: Approx, b: Approx) -> Approx:
    """``outer(a, b)``: one product per entry."""
    v = np.outer(a.v, b.v)
    e = np.outer(np.abs(a.v), b.e) + np.outer(a.e, np.abs(b.v)) + np.outer(a.e, b.e)
    return a._rounded(v, e)


def total(a: Approx, axis=None) -> Approx:
    r"""``a.sum(axis)``: a K-term sum, within :math:`\gamma_{K-1} \sum |t_k|` plus the terms' errors."""
    k = a.v.size if axis is None else a.v.shape[axis]
    v = a.v.sum(axis=axis)
    e = a.e.sum(axis=axis) + gamma(k - 1, a.u) * a.mag.sum(axis=axis)
    return Approx(v, e, a.dtype)


def affine(x: Approx, W: Approx, b: Approx) -> Approx:
    r"""``b + x @ W.T``: a (D + 1)-term sum per entry (the bias is one more term)."""
    k = x.v.shape[-1] + 1
    v = b.v + x.v @ W.v.T
    e = b.e + np.abs(x.v) @ W.e.T + x.e @ np.abs(W.v).T + x.e @ W.e.T
    e = e + gamma(k, x.u) * (b.mag + x.mag @ W.mag.T)
    return Approx(v, e, x.dtype)


# -- activations --------------------------------------------------------------------------------
def sigmoid64(z):
    """The sigmoid in float64 (stable form), for building bounds and expected values."""
    z = np.asarray(z, dtype=np.float64)
    ez = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + ez), ez / (1 + ez))


def sigmoid(z: Approx) -> Approx:
    r"""The sigmoid: slope at most :math:`\sigma'(\max(|z| - e, 0)) \le 1/4` on the argument's error
    interval, plus its own rounding (:data:`SIGMOID_U` u, relative)."""
    a = sigmoid64(z.v)
    near = np.maximum(np.abs(z.v) - z.e, 0.0)
    s = sigmoid64(near)
    slope = s * (1 - s)
    e = slope * z.e + SIGMOID_U * z.u * a + _tiny(z.dtype)
    return Approx(a, e, z.dtype)


def relu(z: Approx) -> Approx:
    """max(0, z): slope 1, no rounding (a comparison and a select)."""
    return Approx(np.maximum(z.v, 0.0), z.e, z.dtype)


def hard_sigmoid(z: Approx) -> Approx:
    """min(1, max(0, z)): slope 1, no rounding."""
    return Approx(np.clip(z.v, 0.0, 1.0), z.e, z.dtype)


def _near_kink(z: Approx, low, high):
    """Where ``z`` is within rounding error (2 e) of ``low`` or ``high``."""
    near = np.zeros(z.v.shape, dtype=bool)
    for kink in (low, high):
        if np.isfinite(kink):
            near |= (z.e > 0) & (np.abs(z.v - kink) <= 2 * z.e)
    return near


def gate(da: Approx, z: Approx, low, high=np.inf, kinks="reject") -> Approx:
    """``da * [low < z < high]``. Where ``z`` is within rounding error of a kink, ``kinks="reject"``
    raises :class:`Ambiguous`; ``kinks="widen"`` lets the result be either ``da`` or 0 there (the
    error bound grows by ``|da|``), so that a bound exists for any input."""
    near = _near_kink(z, low, high)
    if kinks == "reject" and np.any(near):
        raise Ambiguous(f"an argument lies within rounding error of a kink ({low} or {high})")
    ind = ((z.v > low) & (z.v < high)).astype(np.float64)
    return Approx(da.v * ind, da.e * ind + near * (np.abs(da.v) + da.e), da.dtype)


def sign(d: Approx) -> Approx:
    """sgn(d) (the MAE's derivative): exact unless d is within rounding error of 0."""
    if np.any((d.e > 0) & (np.abs(d.v) <= 2 * d.e)):
        raise Ambiguous("a residual lies within rounding error of 0")
    return Approx(np.sign(d.v), 0.0, d.dtype)


def activation(name, r: Approx, kinks="reject"):
    """(a, derivative factor as a function of the upstream gradient) for a named activation."""
    if name == "sigmoid":
        a = sigmoid(r)
        return a, lambda da: (da * a) * (1.0 - a)
    if name == "relu":
        a = relu(r)
        return a, lambda da: gate(da, r, 0.0, kinks=kinks)
    if name == "hard_sigmoid":
        a = hard_sigmoid(r)
        return a, lambda da: gate(da, r, 0.0, 1.0, kinks=kinks)
    if name == "linear":
        return r, lambda da: da
    raise ValueError(name)


# -- the primitives, mirrored ---------------------------------------------------------------------
def _x(a, dtype=None):
    return a if isinstance(a, Approx) else Approx.exact(a, dtype)


def sigmoid_forward(z):
    return sigmoid(_x(z))


def sigmoid_backward(da, z):
    """dz = da * a * (1 - a), with a from each backend's own forward."""
    da = _x(da)
    a = sigmoid(_x(z))
    return (da * a) * (1.0 - a)


def relu_forward(z):
    return relu(_x(z))


def relu_backward(da, z):
    return gate(_x(da), _x(z), 0.0)


def hard_sigmoid_forward(z):
    return hard_sigmoid(_x(z))


def hard_sigmoid_backward(da, z):
    return gate(_x(da), _x(z), 0.0, 1.0)


def linear_forward(x, w, b):
    x = _x(x)
    w, b = _x(w, x.dtype), _x(b, x.dtype)
    y = affine(x, Approx(w.v[None, :], w.e[None, :], x.dtype), b)
    return y[:, 0]


def linear_backward(dy, x, w):
    """(dx, dw, db) = (outer(dy, w), x.T @ dy, sum(dy))."""
    dy, x = _x(dy), _x(x)
    w = _x(w, x.dtype)
    return outer(dy, w), dot(x.T, dy), total(dy)


def mse(y, y_hat, reduction="mean"):
    """L = sum((y - y_hat)^2) / N and dL/dy = 2 (y - y_hat) / N."""
    y, y_hat = _x(y), _x(y_hat)
    n = y.v.size if reduction == "mean" else 1
    d = y - y_hat
    return total(d * d).div_exact(n), d.times_exact(2).div_exact(n)


def mae(y, y_hat, reduction="mean"):
    """L = sum(|y - y_hat|) / N and dL/dy = sgn(y - y_hat) / N."""
    y, y_hat = _x(y), _x(y_hat)
    n = y.v.size if reduction == "mean" else 1
    d = y - y_hat
    if y.e.max(initial=0) == 0 and y_hat.e.max(initial=0) == 0:
        # The difference of two exact numbers has the sign of the exact difference
        # (IEEE subtraction rounds 0 only at equality): the sign is exact.
        g = Approx(np.sign(d.v), 0.0, d.dtype)
    else:
        g = sign(d)
    return total(abs(d)).div_exact(n), g.div_exact(n)


def loss_value(name, y, y_hat, reduction="mean"):
    """The bound of the loss value alone (no gradient, so no kink to be ambiguous about)."""
    y, y_hat = _x(y), _x(y_hat)
    n = y.v.size if reduction == "mean" else 1
    d = y - y_hat
    return total(d * d if name == "mse" else abs(d)).div_exact(n)


def loss_surface(x1, y_hat, w_grid, b_grid, loss="mse"):
    """L[i, j] = mean over n of e(b_i + w_j x1_n, y_hat_n), entry by entry."""
    x1 = _x(x1)
    y_hat, w_grid, b_grid = (_x(a, x1.dtype) for a in (y_hat, w_grid, b_grid))
    n = x1.v.size
    B, W = b_grid.v.size, w_grid.v.size
    out_v, out_e = np.empty((B, W)), np.empty((B, W))
    for i in range(B):
        for j in range(W):
            y = b_grid[i] + w_grid[j] * x1
            d = y - y_hat
            e = d * d if loss == "mse" else abs(d)
            L = total(e).div_exact(n)
            out_v[i, j], out_e[i, j] = L.v, L.e
    return Approx(out_v, out_e, x1.dtype)


def dense_forward(x, W, b, activation_name="sigmoid", kinks="reject"):
    """a = act(b + x @ W.T); returns (a, backward closure)."""
    x = _x(x)
    W, b = _x(W, x.dtype), _x(b, x.dtype)
    r = affine(x, W, b)
    a, dact = activation(activation_name, r, kinks)

    def backward(da):
        dr = dact(_x(da, x.dtype))
        return dot(dr, W), dot(dr.T, x), total(dr, axis=0)

    return a, backward


def network_forward(x, params, activation_name="sigmoid", kinks="reject"):
    """The hidden layers, then y = b + a @ c; returns (y, backward closure)."""
    x = _x(x)
    params = [_x(p, x.dtype) for p in params]
    *hidden, c, b = params
    a, backs = x, []
    for W_l, b_l in zip(hidden[0::2], hidden[1::2]):
        a, back = dense_forward(a, W_l, b_l, activation_name, kinks)
        backs.append(back)
    y = affine(a, Approx(c.v[None, :], c.e[None, :], x.dtype), b)[:, 0]
    a_L = a

    def backward(dy):
        dy = _x(dy, x.dtype)
        da, dc, db = outer(dy, c), dot(a_L.T, dy), total(dy)
        grads = [dc, db]
        for back in reversed(backs):
            da, dW_l, db_l = back(da)
            grads = [dW_l, db_l] + grads
        return (da, *grads)

    return y, backward


def gd_step(theta, g, eta):
    """theta - eta * g, with eta rounded to the dtype."""
    theta = _x(theta)
    g = _x(g, theta.dtype)
    return theta - Approx.constant(eta, theta.dtype) * g


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


# -- comparisons -----------------------------------------------------------------------------------
def assert_close(what, got, want, bound, dtype=None):
    """Assert ``|got - want| <= bound`` entrywise (``bound`` an :class:`Approx`, whose ``tol`` is used,
    or an array), with the same shape and dtype; the message shows the worst entry."""
    got_a, want_a = np.asarray(got), np.asarray(want)
    tol = bound.tol if isinstance(bound, Approx) else np.asarray(bound, dtype=np.float64)
    assert got_a.shape == want_a.shape, f"{what}: shape {got_a.shape}, reference {want_a.shape}"
    assert got_a.dtype == want_a.dtype, f"{what}: dtype {got_a.dtype}, reference {want_a.dtype}"
    diff = np.abs(got_a.astype(np.float64) - want_a.astype(np.float64))
    bad = ~(diff <= tol)                                   # NaN counts as bad
    bad |= np.isnan(got_a) != np.isnan(want_a)
    if np.any(bad):
        tol_b = np.broadcast_to(tol, diff.shape)
        excess = np.where(bad, np.nan_to_num(diff - tol_b, nan=np.inf), -np.inf)
        i = np.unravel_index(np.argmax(excess), diff.shape) if diff.ndim else ()
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} entries differ from the reference by more than "
            f"the tolerance; worst at index {tuple(int(k) for k in i)}: got {got_a[i]!r}, reference "
            f"{want_a[i]!r}, |difference| {diff[i]:.3e} > tolerance {tol_b[i]:.3e}")


#: Every primitive's tolerance (the bound of a comparison is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``S`` is the sum of the absolute terms).
TOLERANCES = {
    "sigmoid_forward": ("2 (20 u a + tiny)",
                        "exp is within 4 ulp, then one add and one divide: 20 u relative per backend"),
    "sigmoid_backward": ("2 e of da*a*(1-a) with a's own 20 u error carried through the two products",
                         "each backend's cache holds its own forward's a"),
    "relu_forward": ("0 (bitwise)", "max(0, z) is a comparison and a select: nothing is rounded"),
    "relu_backward": ("0 (bitwise)", "da * [z > 0] is a select"),
    "hard_sigmoid_forward": ("0 (bitwise)", "min(1, max(0, z)) rounds nothing"),
    "hard_sigmoid_backward": ("0 (bitwise)", "da * [0 < z < 1] is a select"),
    "linear_forward": ("2 gamma_{D+1} (|b| + |x| @ |w|)", "a (D+1)-term sum of products"),
    "linear_backward": ("dx: 2 u |dy||w|; dw: 2 gamma_N |x|^T |dy|; db: 2 gamma_{N-1} sum |dy|",
                        "one product; an N-term dot; an N-term sum"),
    "mse": ("L: 2 (gamma_{N-1} S + 3 u S) / N, S = sum (y - y_hat)^2; dL/dy: 2 (3 u |2 (y - y_hat)| / N)",
            "a rounded difference, squared, summed over N, divided by N"),
    "mae": ("L: 2 (gamma_{N-1} + u) sum |y - y_hat| / N (+ u L); dL/dy: 2 u / N (sign is exact)",
            "the sign of an exact difference is exact; the sum has N terms"),
    "loss_surface": ("per cell, the mse/mae bound with y = b + w x1 carrying 2 u (|b| + |w x1|)",
                     "each cell is an N-term mean of a residual computed with two roundings"),
    "dense_forward": ("r: gamma_{D+1} (|b| + |x| @ |W|^T); a: the activation's slope times that, plus its own rounding",
                      "a (D+1)-term sum, then an elementwise function"),
    "dense_backward": ("dr carried from the forward's a; dW: gamma_N; db: gamma_{N-1}; dx: gamma_H",
                       "three sums of N, N and H terms of products"),
    "network_forward": ("the dense bound layer by layer, each layer's error carried through |W| into the next",
                        "error propagation through every sum and product, as the formulas compute them"),
    "network_backward": ("the dense_backward bound layer by layer from the top", "as network_forward"),
    "closed_form": ("2 (|A^-1| (dA |theta| + dc) + u |theta|), dA = (gamma_N + gamma_3n) |X|^T |X| in float64",
                    "A = X^T X and X^T y_hat formed in float64 (N-term sums), then the shared LU solve"),
    "gd_step": ("2 (|eta g| (2u) + u |theta - eta g|)", "eta rounded to the dtype, one product, one difference"),
    "linear_gd": ("linear_forward, the loss and linear_backward bounds replayed for every step",
                  "errors of step t enter step t + 1 through the same formulas"),
    "network_epoch": ("network_forward/backward, the loss and gd_step bounds replayed for every batch",
                      "as linear_gd"),
}
