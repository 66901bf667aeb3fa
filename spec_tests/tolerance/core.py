"""The rounding-error model's pieces, shared by every family's bounds.

:data:`U` (the unit roundoff of each dtype), :class:`Approx` (a float64 value and a bound on
the error of any conforming result), the order-free bounds of sums and dot products
(:func:`gamma`, :func:`dot`, :func:`total`, :func:`affine`), ``exp`` and ``log`` with their own
rounding, :func:`descent` (the gradient step) and :func:`assert_close`, which every comparison
uses. The model itself is described in :mod:`spec_tests.tolerance`.
"""

from __future__ import annotations

import numpy as np


#: The unit roundoff u (half the machine epsilon) of each dtype.
U = {np.dtype(np.float32): 2.0 ** -24, np.dtype(np.float64): 2.0 ** -53}


#: Own error of one evaluation of exp (in units of u): correctly rounded libms are
#: within 1 ulp = 2u; vectorised float32 implementations (NumPy's SIMD exp) are
#: documented within a few ulp; 4 ulp = 8u covers both.
EXP_U = 8.0


#: Own error of the natural logarithm (in units of u), relative to the result: as for exp, 4 ulp = 8u.
LOG_U = 8.0


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


def descent(theta, g, eta):
    """theta - eta * g, with eta rounded to the dtype: the step of gd_step and of plain sgd_update."""
    theta = _x(theta)
    g = _x(g, theta.dtype)
    return theta - Approx.constant(eta, theta.dtype) * g


def _x(a, dtype=None):
    return a if isinstance(a, Approx) else Approx.exact(a, dtype)


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
