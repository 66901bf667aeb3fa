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
that range; only the tails of exp reach it (the sigmoid's, the softmax's, tanh's near
0), so those alone earn ``tiny`` of absolute slack.

Where a conforming backend may follow one of several equally documented formulas
(tanh's derivative as 1 - a^2 or (1 - a)(1 + a); the fused cross entropy's loss as
s lse - sum y_hat z or sum y_hat (lse - z)), each formula gets its own bound and the
comparison uses the widest (:func:`widest`).

The table :data:`TOLERANCES` lists every primitive's bound with its one-line
justification; :data:`U` gives :math:`u` per dtype.
"""

from __future__ import annotations

import math

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


#: Own error of tanh (in units of u), relative: libm's tanh is within 1-2 ulp, NumPy's vectorised
#: float32 tanh within a few; 4 ulp = 8u, as for exp.
TANH_U = 8.0

#: Own error of the natural logarithm (in units of u), relative to the result: as for exp, 4 ulp = 8u.
LOG_U = 8.0

#: The leaky ReLU's slope for z <= 0 inside dense layers and networks (the primitives' default).
LEAKY_ALPHA = 0.01


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

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __mul__(self, other):
        other = _lift(other, self.dtype)
        e = np.abs(self.v) * other.e + np.abs(other.v) * self.e + self.e * other.e
        return self._rounded(self.v * other.v, e)

    def div_exact(self, n):
        """Division by an exact positive number (N, the batch size)."""
        return self._rounded(self.v / n, self.e / n)

    def div(self, other):
        r"""``self / other`` for a positive ``other`` (a softmax's row sum, a probability): the quotient of
        the interval ends, :math:`(e_a + |v| e_b) / (b - e_b)`, then two roundings (a division, or a
        reciprocal and a product, which some backends compute instead)."""
        other = _lift(other, self.dtype)
        low = other.v - other.e
        if np.any(low <= 0):
            raise Ambiguous("a divisor's error interval reaches 0")
        v = self.v / other.v
        e = (self.e + np.abs(v) * other.e) / low
        once = self._rounded(v, e)
        return once._rounded(once.v, once.e)

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


def exp(a: Approx) -> Approx:
    r""":math:`e^a`: an argument error :math:`e` moves it by at most :math:`e^{v}(e^{e} - 1)`; then its own
    rounding (:data:`EXP_U` u, relative to the computed result) and ``tiny`` (a result that underflows
    may be flushed to 0)."""
    v = np.exp(a.v)
    e = v * np.expm1(a.e)
    return Approx(v, e + EXP_U * a.u * (v + e) + _tiny(a.dtype), a.dtype)


def log(a: Approx) -> Approx:
    r""":math:`\ln a` for :math:`a > 0`: an argument error :math:`e` moves it by at most
    :math:`-\ln(1 - e / a)`; then its own rounding (:data:`LOG_U` u, relative)."""
    low = a.v - a.e
    if np.any(low <= 0):
        raise Ambiguous("a logarithm's argument may be 0 within rounding")
    v = np.log(a.v)
    e = -np.log1p(-a.e / a.v)
    return Approx(v, e + LOG_U * a.u * (np.abs(v) + e), a.dtype)


def rowsum(a: Approx) -> Approx:
    """``a.sum(axis=-1, keepdims=True)``: a K-term sum per row (see :func:`total`)."""
    s = total(a, axis=-1)
    return Approx(s.v[..., None], s.e[..., None], a.dtype)


def rowmax(a: Approx) -> Approx:
    """The row max: exact for exact data; within the largest error of the row otherwise."""
    return Approx(a.v.max(axis=-1, keepdims=True), a.e.max(axis=-1, keepdims=True), a.dtype)


def widest(*bounds: Approx) -> Approx:
    """The first bound's value with the entrywise largest error: an op that a conforming backend may
    compute by any of several formulas (each bounded here) is within the widest of their bounds."""
    e = np.maximum.reduce([b.e for b in bounds])
    return Approx(bounds[0].v, e, bounds[0].dtype)


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


def tanh(z: Approx) -> Approx:
    r"""tanh: slope :math:`1 - \tanh^2` at most, taken at the point of the error interval nearest 0, plus
    its own rounding (:data:`TANH_U` u, relative) and ``tiny``."""
    a = np.tanh(z.v)
    near = np.maximum(np.abs(z.v) - z.e, 0.0)
    slope = 1 - np.tanh(near) ** 2
    return Approx(a, slope * z.e + TANH_U * z.u * np.abs(a) + _tiny(z.dtype), z.dtype)


def tanh_grad(da: Approx, a: Approx) -> Approx:
    """da * (1 - a^2), computed as written or as da * (1 - a) * (1 + a): the wider of the two bounds."""
    return widest((da * (1.0 - a * a)), (da * (1.0 - a)) * (1.0 + a), da * ((1.0 - a) * (1.0 + a)))


def leaky_relu(z: Approx, alpha) -> Approx:
    """z where z > 0, else alpha z: slope max(1, |alpha|) on the input's error (the two pieces meet at 0, so
    a kink within rounding changes nothing), plus alpha's rounding to the dtype and the product's."""
    alpha = float(alpha)
    a = np.where(z.v > 0, z.v, alpha * z.v)
    e = max(1.0, abs(alpha)) * z.e + 2 * z.u * abs(alpha) * (np.abs(z.v) + z.e)
    return Approx(a, e, z.dtype)


def leaky_gate(da: Approx, z: Approx, alpha, kinks="reject") -> Approx:
    """da where z > 0, else alpha da (alpha rounded to the dtype, one product). Where z is within rounding of
    0, ``kinks`` as for :func:`gate` (the result may be either branch: the bound grows by |1 - alpha| |da|)."""
    near = _near_kink(z, 0.0, np.inf)
    if kinks == "reject" and np.any(near):
        raise Ambiguous("an argument lies within rounding error of the kink 0")
    scaled = Approx.constant(alpha, da.dtype) * da
    pos = z.v > 0
    v = np.where(pos, da.v, scaled.v)
    e = np.where(pos, da.e, scaled.e) + near * (abs(1 - float(alpha)) * (np.abs(da.v) + da.e) + scaled.e)
    return Approx(v, e, da.dtype)


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
    if name == "leaky_relu":
        return leaky_relu(r, LEAKY_ALPHA), lambda da: leaky_gate(da, r, LEAKY_ALPHA, kinks=kinks)
    if name == "tanh":
        a = tanh(r)
        return a, lambda da: tanh_grad(da, a)
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


# -- lecture 2: more activations, softmax, cross entropy, the neuron, the MLP ---------------------------
def tanh_forward(z):
    return tanh(_x(z))


def tanh_backward(da, z):
    """dz = da (1 - a^2), with a from each backend's own forward (its TANH_U u error carried through)."""
    da = _x(da)
    return tanh_grad(da, tanh(_x(z, da.dtype)))


def leaky_relu_forward(z, alpha=LEAKY_ALPHA):
    return leaky_relu(_x(z), alpha)


def leaky_relu_backward(da, z, alpha=LEAKY_ALPHA):
    """da where z > 0, else alpha da: z is exact data, so the branch is never ambiguous."""
    da = _x(da)
    return leaky_gate(da, _x(z, da.dtype), alpha)


def prelu_forward(z, alpha):
    """z where z > 0, else alpha_h z: one product (alpha is data, exact)."""
    z = _x(z)
    alpha = _x(alpha, z.dtype)
    neg = z.v <= 0
    prod = Approx(alpha.v[None, :], alpha.e[None, :], z.dtype) * z
    return Approx(np.where(neg, prod.v, z.v), np.where(neg, prod.e, z.e), z.dtype)


def prelu_backward(da, z, alpha):
    """(dz, dalpha): dz as the forward (one product where z <= 0); dalpha_h = sum_n da min(z, 0), an N-term dot."""
    da = _x(da)
    z, alpha = _x(z, da.dtype), _x(alpha, da.dtype)
    neg = z.v <= 0
    prod = Approx(alpha.v[None, :], alpha.e[None, :], da.dtype) * da
    dz = Approx(np.where(neg, prod.v, da.v), np.where(neg, prod.e, da.e), da.dtype)
    zneg = Approx(np.minimum(z.v, 0.0), np.where(neg, z.e, 0.0), da.dtype)
    return dz, total(da * zneg, axis=0)


def _shifted(z: Approx) -> Approx:
    """z - max(z) per row, rounded once: the argument of the stable softmax's exp. A backend subtracts the
    max of its own z, within the row's largest error of the exact max."""
    m = rowmax(z)
    d = Approx(z.v - m.v, z.e + m.e, z.dtype)
    return d._rounded(d.v, d.e)


def softmax(z: Approx) -> Approx:
    r"""The stable softmax row by row: :math:`e^{z - m}` (:func:`exp` of the rounded shift), a K-term sum,
    one division (:meth:`Approx.div`). Exact data gives the op's own bound; data with errors (a network's
    last layer) has them carried through every step."""
    ex = exp(_shifted(z))
    return ex.div(rowsum(ex))


def softmax_grad(dy: Approx, y: Approx) -> Approx:
    """dz = y (dy - sum_k dy y), or y dy - y sum_k dy y: the wider bound. The row sum has K terms."""
    s = rowsum(dy * y)
    return widest(y * (dy - s), y * dy - y * s)


def softmax_forward(z):
    return softmax(_x(z))


def softmax_backward(dy, z):
    """As :func:`softmax_grad`, with y from each backend's own forward."""
    dy = _x(dy)
    return softmax_grad(dy, softmax(_x(z, dy.dtype)))


def _concat(*parts: Approx) -> Approx:
    return Approx(np.concatenate([p.v.ravel() for p in parts]), np.concatenate([p.e.ravel() for p in parts]),
                  parts[0].dtype)


def _rows(a: Approx, reduction) -> int:
    return a.v.shape[0] if reduction == "mean" else 1


def cross_entropy(y, y_hat, reduction="mean"):
    r"""L = -(1/N) sum y_hat ln y (terms with y_hat = 0 are 0) and dL/dy = -y_hat / y / N.

    L: each log within :data:`LOG_U` u (plus ``y``'s own error, for a softmax output carrying one), one
    product, then all N K terms summed in any order (:math:`\gamma_{NK-1}`) and divided by N.
    dL/dy: a division (two roundings: :meth:`Approx.div`) and one more for N.
    """
    y = _x(y)
    y_hat = _x(y_hat, y.dtype)
    n = _rows(y, reduction)
    used = y_hat.v != 0
    safe = Approx(np.where(used, y.v, 1.0), np.where(used, y.e, 0.0), y.dtype)
    L = -total(y_hat * log(safe)).div_exact(n)
    g = -(y_hat.div(safe)).div_exact(n)
    return L, g


def softmax_cross_entropy(z, y_hat, reduction="mean"):
    r"""The fused softmax + cross entropy, stable by log-sum-exp.

    With :math:`d = z - m` (rounded), :math:`S = \sum e^{d}` and :math:`\mathrm{lse} = m + \ln S`:

    * L, computed by any of :math:`\sum_n s_n \mathrm{lse}_n - \sum_{n,i} \hat y_{ni} z_{ni}`,
      :math:`\sum_{n,i} \hat y_{ni}(\mathrm{lse}_n - z_{ni})` or
      :math:`\sum_{n,i} \hat y_{ni}(\ln S_n - d_{ni})`, every sum over all its terms in any order;
      the widest of the three bounds;
    * dL/dz = (p s_n - y_hat) / N with p = e^d / S or e^{d - ln S}, and the difference taken before or
      after the division by N: the widest bound.
    """
    z = _x(z)
    y_hat = _x(y_hat, z.dtype)
    n = _rows(z, reduction)
    d = _shifted(z)
    ex = exp(d)
    S = rowsum(ex)
    logS = log(S)
    lse = logS + rowmax(z)
    s = rowsum(y_hat)
    form_a = _concat(s * lse, -(y_hat * z))
    form_b = y_hat * (lse - z)
    form_d = y_hat * (logS - d)
    L = widest(*(total(f).div_exact(n) for f in (form_a, form_b, form_d)))
    p = widest(ex.div(S), exp(d - logS))
    ps = p * s
    g = widest((ps - y_hat).div_exact(n), ps.div_exact(n) - y_hat.div_exact(n))
    return L, g


def sigmoid_cross_entropy(z, y_hat, reduction="mean"):
    r"""The fused sigmoid + binary cross entropy, l = max(z, 0) - z y_hat + log1p(e^{-|z|}).

    L: e = exp(-|z|) (:func:`exp`), log1p of it (slope at most 1, then :data:`LOG_U` u relative), the
    product z y_hat (one rounding), the three terms added in any order (:math:`\gamma_2` of their
    magnitudes), then all NK entries summed (:math:`\gamma_{NK-1}`) and divided by M (NK or 1).
    dL/dz: the stable sigmoid's bound (:func:`sigmoid`), a difference, and / M.
    """
    z = _x(z)
    y_hat = _x(y_hat, z.dtype)
    m = z.v.size if reduction == "mean" else 1
    e = exp(Approx(-np.abs(z.v), z.e, z.dtype))
    lp_v = np.log1p(e.v)
    lp = Approx(lp_v, e.e + LOG_U * z.u * lp_v, z.dtype)
    pos = relu(z)
    prod = z * y_hat
    mags = pos.mag + prod.mag + lp.mag
    l = Approx(pos.v - prod.v + lp.v, pos.e + prod.e + lp.e + gamma(2, z.u) * mags, z.dtype)
    L = total(l).div_exact(m)
    g = (sigmoid(z) - y_hat).div_exact(m)
    return L, g


def neuron_forward(a, w, b, activation_name="sigmoid", kinks="reject"):
    """z = b + a @ w (a (K+1)-term sum), y = act(z); returns (y, backward closure -> (da, dw, db))."""
    a = _x(a)
    w, b = _x(w, a.dtype), _x(b, a.dtype)
    z = affine(a, Approx(w.v[None, :], w.e[None, :], a.dtype), b)[:, 0]
    y, dact = activation(activation_name, z, kinks)

    def backward(dy):
        dz = dact(_x(dy, a.dtype))
        return outer(dz, w), dot(a.T, dz), total(dz)

    return y, backward


def _mlp(x, params, activation_name="sigmoid", output="softmax", kinks="reject"):
    """(y, backward from dy, r of the last layer, backward from dr): the hidden dense layers, then the output."""
    x = _x(x)
    params = [_x(p, x.dtype) for p in params]
    layers = list(zip(params[0::2], params[1::2]))
    a, backs = x, []
    for W_l, b_l in layers[:-1]:
        a, back = dense_forward(a, W_l, b_l, activation_name, kinks)
        backs.append(back)
    W, b = layers[-1]
    r = affine(a, W, b)
    a_in = a
    if output == "softmax":
        y = softmax(r)
        d_out = lambda dy: softmax_grad(dy, y)
    else:
        y, d_out = activation(output, r, kinks)

    def backward_r(dr):
        dr = _x(dr, x.dtype)
        da, grads = dot(dr, W), [dot(dr.T, a_in), total(dr, axis=0)]
        for back in reversed(backs):
            da, dW_l, db_l = back(da)
            grads = [dW_l, db_l] + grads
        return (da, *grads)

    return y, (lambda dy: backward_r(d_out(_x(dy, x.dtype)))), r, backward_r


def mlp_forward(x, params, activation_name="sigmoid", output="softmax", kinks="reject"):
    """The dense bound layer by layer, the output layer's (softmax, sigmoid or linear) last; returns
    (y, backward closure -> (dx, dW1, db1, ..., dWL, dbL))."""
    y, backward, _, _ = _mlp(x, params, activation_name, output, kinks)
    return y, backward


def sgd_update(param, grad, eta=0.01):
    """w - eta g: as :func:`gd_step`."""
    return gd_step(param, grad, eta)


def mlp_epoch(x, y_hat, params, order=None, batch_size=32, eta=0.01, activation_name="sigmoid",
              output="softmax", loss="cross_entropy", kinks="reject"):
    """Replays the reference's epoch (cross entropy fused on the last pre-activation; mse/mae on y);
    returns (params as Approx, losses as Approx)."""
    x = _x(x)
    y_hat = _x(y_hat, x.dtype)
    params = [_x(p, x.dtype) for p in params]
    N = x.v.shape[0]
    order = np.arange(N) if order is None else np.asarray(order)
    losses = []
    for start in range(0, N, batch_size):
        batch = order[start:start + batch_size]
        y, backward, r, backward_r = _mlp(x[batch], params, activation_name, output, kinks)
        if loss == "cross_entropy":
            L, dr = softmax_cross_entropy(r, y_hat[batch])
            _, *grads = backward_r(dr)
        else:
            L, dL_dy = _LOSS[loss](y, y_hat[batch])
            _, *grads = backward(dL_dy)
        params = [sgd_update(p, g, eta) for p, g in zip(params, grads)]
        losses.append(L)
    return params, Approx(np.array([L.v for L in losses]), np.array([L.e for L in losses]), x.dtype)


# -- lecture 003 (II): the optimizer rules and gradient clipping -----------------------------------
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
    "tanh_forward": ("2 (8 u |a| + slope e_z + tiny)", "tanh within 4 ulp (libm, NumPy's SIMD): 8 u relative"),
    "tanh_backward": ("2 e of da (1 - a^2) or da (1 - a)(1 + a), the wider, a carrying its 8 u",
                      "each backend's cache holds its own forward's a; two formulas in use"),
    "leaky_relu_forward": ("2 (2 u |alpha z|) where z <= 0, else 0", "alpha rounded to the dtype, one product"),
    "leaky_relu_backward": ("2 (2 u |alpha da|) where z <= 0, else 0 (bitwise)", "as the forward, on da"),
    "prelu_forward": ("2 u |alpha_h z| where z <= 0, else 0", "one product (alpha is data)"),
    "prelu_backward": ("dz: 2 u |alpha da|; dalpha: 2 (gamma_{N-1} + u) sum_n |da min(z, 0)|",
                       "one product; an N-term dot"),
    "maxout_forward": ("0 (bitwise)", "a max rounds nothing"),
    "maxout_backward": ("0 (bitwise)", "da routed to the group's first maximal entry: a select"),
    "softmax_forward": ("2 e of exp(z - m) / sum: u |z - m|, 8 u per exp, gamma_{K-1}, a division (2 u)",
                        "the stable form's steps; + tiny where exp underflows"),
    "softmax_backward": ("2 e of y (dy - sum dy y) or y dy - y sum dy y, the wider; y carries the forward's bound",
                         "a K-term dot, a difference, a product"),
    "cross_entropy": ("L: 2 ((8 u |ln y| |y_hat| + u) terms, gamma_{NK-1} sum, / N); dL/dy: 2 (3 u |y_hat / y / N|)",
                      "a log per used term, a product, an NK-term sum; a division (or reciprocal) and / N"),
    "softmax_cross_entropy": ("L: the widest bound of three ways to form s lse - sum y_hat z over NK terms; "
                              "dL/dz: (p s - y_hat) / N with p from either softmax form",
                              "log-sum-exp (exp 8 u, K-term sum, log 8 u, + m) and the dots of the loss"),
    "sigmoid_cross_entropy": ("L: 2 e of max(z, 0) - z y_hat + log1p(exp(-|z|)) (exp 8 u, log1p 8 u, a product, a "
                              "3-term sum), NK terms summed, / M; dL/dz: the stable sigmoid's 20 u, a difference, / M",
                              "the softplus form's steps; the sigmoid shares exp(-|z|)"),
    "neuron_forward": ("as linear_forward, then the activation's bound", "a (K+1)-term sum, an elementwise function"),
    "neuron_backward": ("as linear_backward with dz from the activation's derivative", "one product; N-term sums"),
    "mlp_forward": ("the dense bound layer by layer; the last layer's output (softmax, sigmoid or linear) bound",
                    "error propagation through every sum, product, exp and division"),
    "mlp_backward": ("the dense_backward bound layer by layer from the output's derivative", "as mlp_forward"),
    "sgd_init": ("exact: ()", "plain SGD keeps no state: no arithmetic"),
    "sgd_update": ("as gd_step; with weight decay lambda, 2 e of the wider of w - eta (grad + lambda w) and "
                   "(1 - eta lambda) w - eta grad", "w - eta g; both weight-decay forms are the documented rule "
                   "(the coefficient 1 - eta lambda computed on the host)"),
    "mlp_epoch": ("mlp_forward/backward (or the fused softmax_cross_entropy), the loss and sgd_update bounds "
                  "replayed for every batch", "as network_epoch"),
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
