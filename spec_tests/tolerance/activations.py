"""Bounds of the activations family (``reference/activations.py``): the elementwise activations, their
gates at the kinks, the stable softmax, and :func:`activation`, which the network family uses per layer."""

from __future__ import annotations

import numpy as np

from .core import Ambiguous, Approx, _tiny, _x, exp, rowmax, rowsum, total, widest


#: Own error of the stable sigmoid (in units of u) for an exact argument: exp(-|z|)
#: (EXP_U), then 1 + e (u) and one division (u), and for z < 0 the numerator's
#: error once more (EXP_U): 2 * 8 + 4 = 20 u, relative to the result.
SIGMOID_U = 20.0


#: Own error of tanh (in units of u), relative: libm's tanh is within 1-2 ulp, NumPy's vectorised
#: float32 tanh within a few; 4 ulp = 8u, as for exp.
TANH_U = 8.0


#: The leaky ReLU's slope for z <= 0 inside dense layers and networks (the primitives' default).
LEAKY_ALPHA = 0.01


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


#: The tolerance of every primitive of the activations family (reference.FAMILIES['activations']): its bound,
#: and the bound's one-line justification. A comparison's bound is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``S`` is the sum of the absolute terms.
TOLERANCES = {
    "sigmoid_forward": ("2 (20 u a + tiny)",
                        "exp is within 4 ulp, then one add and one divide: 20 u relative per backend"),
    "sigmoid_backward": ("2 e of da*a*(1-a) with a's own 20 u error carried through the two products",
                         "each backend's cache holds its own forward's a"),
    "relu_forward": ("0 (bitwise)", "max(0, z) is a comparison and a select: nothing is rounded"),
    "relu_backward": ("0 (bitwise)", "da * [z > 0] is a select"),
    "hard_sigmoid_forward": ("0 (bitwise)", "min(1, max(0, z)) rounds nothing"),
    "hard_sigmoid_backward": ("0 (bitwise)", "da * [0 < z < 1] is a select"),
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
}
