"""Bounds of the linear family (``reference/linear.py``): the slide's y = b + x @ w and its gradients."""

from __future__ import annotations

from .core import Approx, _x, affine, dot, outer, total


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


#: The tolerance of every primitive of the linear family (reference.FAMILIES['linear']): its bound,
#: and the bound's one-line justification. A comparison's bound is twice the Approx error ``e``;
#: ``u`` is 2**-24 in float32 and 2**-53 in float64; ``S`` is the sum of the absolute terms.
TOLERANCES = {
    "linear_forward": ("2 gamma_{D+1} (|b| + |x| @ |w|)", "a (D+1)-term sum of products"),
    "linear_backward": ("dx: 2 u |dy||w|; dw: 2 gamma_N |x|^T |dy|; db: 2 gamma_{N-1} sum |dy|",
                        "one product; an N-term dot; an N-term sum"),
}
