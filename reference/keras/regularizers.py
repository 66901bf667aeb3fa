r"""Weight penalties by Keras's names: ``Dense(..., kernel_regularizer=l2(0.01))``.

A regularizer adds a penalty :math:`\Omega(w)` of a layer's parameter to the loss that
``fit`` minimises, and its gradient :math:`\partial\Omega/\partial w` to that parameter's
gradient before the optimizer's step. This module follows **Keras's** definitions:

.. math::

    \Omega(w) = \ell_1 \sum_i |w_i| + \ell_2 \sum_i w_i^2, \qquad
    \frac{\partial \Omega}{\partial w} = \ell_1\,\operatorname{sgn}(w) + 2\,\ell_2\, w,

with :math:`\operatorname{sgn}(0) = 0` (the subgradient ``numpy.sign`` picks at the kink).

The slides write L2 regularisation as :math:`\lambda\,\tfrac12\lVert w\rVert_2^2`, whose
gradient is :math:`\lambda w` (weight decay :math:`w \leftarrow (1-\eta\lambda)w - \eta\,\partial L/\partial w`).
Keras has no :math:`\tfrac12`: the slide's :math:`\lambda` is Keras's ``l2(λ/2)``. Their L1,
:math:`\lambda\lVert w\rVert_1` with gradient :math:`\lambda\operatorname{sgn}(w)`, is Keras's
``l1(λ)``. (The slide-form primitives belong to the backends, with the regularisation
lecture; this module is the Keras surface.)

=====================================  =====================================================
Keras 2                                Keras 1
=====================================  =====================================================
``l1(l=0.01)``                         ``l1(l=0.01)``
``l2(l=0.01)``                         ``l2(l=0.01)``
``l1_l2(l1=0.01, l2=0.01)``            ``l1l2(l1=0.01, l2=0.01)``
``L1L2(l1=0.0, l2=0.0)``               ``WeightRegularizer(l1=0.0, l2=0.0)``
=====================================  =====================================================

Both value and gradient are computed in float64 and then cast to the parameter's dtype.
A regularizer works on host arrays (the model hands it host copies of its parameters).
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _coefficient(where, name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a non-negative finite number; got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}: {name} must be a non-negative finite number; got {value!r}")
    return value


def _weights(where, w):
    a = np.asarray(w)
    if a.dtype.kind not in "fiu" or a.dtype.kind == "b":
        raise ValueError(f"{where}: w must be a real array; got dtype {a.dtype}")
    return a


class Regularizer:
    """The base of every regularizer: ``reg(w)`` is the penalty, ``reg.gradient(w)`` its gradient.

    A subclass defines :meth:`__call__`, :meth:`gradient` and :meth:`get_config`
    (``type(reg)(**reg.get_config())`` must make an equal regularizer).

    Concept: regularize.l2, regularize.l1
    """

    def __call__(self, w):
        """The penalty of the array ``w``: a scalar of ``w``'s dtype (float64 for integers)."""
        raise NotImplementedError(f"{type(self).__name__}.__call__")

    def gradient(self, w):
        """The penalty's gradient with respect to ``w``: an array of ``w``'s shape and dtype."""
        raise NotImplementedError(f"{type(self).__name__}.gradient")

    def get_config(self):
        """The constructor's arguments as JSON-ready data."""
        return {}

    @classmethod
    def from_config(cls, config):
        """The regularizer :meth:`get_config` described."""
        return cls(**config)

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self.get_config().items()))))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    r"""Keras's penalty :math:`\ell_1\sum|w| + \ell_2\sum w^2` (either coefficient may be 0).

    Concept: regularize.l2, regularize.l1

    Slides: 001 and 003 "Weight Decay" (the slides' :math:`\lambda\tfrac12\lVert w\rVert^2` is
    ``L1L2(l2=λ/2)`` here, because Keras's L2 has no :math:`\tfrac12`).

    Parameters
    ----------
    l1 : float >= 0, finite — the coefficient of :math:`\sum|w_i|`
    l2 : float >= 0, finite — the coefficient of :math:`\sum w_i^2`

    Raises
    ------
    TypeError, ValueError
        For a coefficient that is not a number, negative, NaN or infinite (naming it).
    """

    def __init__(self, l1=0.0, l2=0.0):
        where = type(self).__name__
        self.l1 = _coefficient(where, "l1", l1)
        self.l2 = _coefficient(where, "l2", l2)

    def __call__(self, w):
        r""":math:`\ell_1\sum_i|w_i| + \ell_2\sum_i w_i^2`, summed in float64, as a scalar of ``w``'s dtype.

        Concept: regularize.l2, regularize.l1
        """
        a = _weights(f"{type(self).__name__}.__call__", w)
        a64 = a.astype(np.float64)
        value = 0.0
        if self.l1:
            value += self.l1 * float(np.sum(np.abs(a64)))
        if self.l2:
            value += self.l2 * float(np.sum(a64 * a64))
        out = a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
        return out.type(value)

    def gradient(self, w):
        r""":math:`\ell_1\operatorname{sgn}(w) + 2\ell_2 w` (:math:`\operatorname{sgn}(0) = 0`), in float64 then cast.

        Concept: regularize.l2, regularize.l1
        """
        a = _weights(f"{type(self).__name__}.gradient", w)
        a64 = a.astype(np.float64)
        g = self.l1 * np.sign(a64) + (2.0 * self.l2) * a64
        out = a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
        return g.astype(out)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class WeightRegularizer(L1L2):
    """Keras 1's name for :class:`L1L2`: ``WeightRegularizer(l1=0.0, l2=0.0)``.

    Concept: regularize.l2, regularize.l1
    """


def l1(l=0.01):  # noqa: E741 - Keras's argument name
    r"""Keras's L1 penalty :math:`\ell\sum_i|w_i|` (gradient :math:`\ell\operatorname{sgn}(w)`): ``L1L2(l1=l)``.

    Concept: regularize.l1
    """
    return L1L2(l1=_coefficient("l1", "l", l))


def l2(l=0.01):  # noqa: E741 - Keras's argument name
    r"""Keras's L2 penalty :math:`\ell\sum_i w_i^2` (gradient :math:`2\ell w`): ``L1L2(l2=l)``.

    The slides' :math:`\lambda\tfrac12\lVert w\rVert_2^2` (gradient :math:`\lambda w`) is ``l2(λ/2)``.

    Concept: regularize.l2
    """
    return L1L2(l2=_coefficient("l2", "l", l))


def l1_l2(l1=0.01, l2=0.01):  # noqa: F811 - Keras's argument names shadow the functions inside
    r"""Both penalties, :math:`\ell_1\sum|w_i| + \ell_2\sum w_i^2`: ``L1L2(l1, l2)`` (Keras 2).

    Concept: regularize.l2, regularize.l1
    """
    return L1L2(l1=_coefficient("l1_l2", "l1", l1), l2=_coefficient("l1_l2", "l2", l2))


#: Keras 1's spelling of :func:`l1_l2`.
l1l2 = l1_l2

_BY_NAME = {"l1": l1, "l2": l2, "l1_l2": l1_l2, "l1l2": l1_l2}
_CLASSES = {"L1L2": L1L2, "WeightRegularizer": WeightRegularizer}

#: The names :func:`get` accepts (each with Keras's default coefficient 0.01).
REGULARIZER_NAMES = tuple(_BY_NAME)


def serialize(regularizer):
    """A regularizer as plain data: ``{"class_name": "L1L2", "config": {"l1": ..., "l2": ...}}``.

    Concept: regularize.l2, regularize.l1
    """
    if not isinstance(regularizer, Regularizer):
        raise ValueError(f"serialize: regularizer must be a Regularizer of reference.keras.regularizers; got "
                         f"{type(regularizer).__name__}")
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def get(identifier):
    """A regularizer for ``identifier``, or None.

    Parameters
    ----------
    identifier : None (no penalty); a :class:`Regularizer` (returned as it is); a name of
        :data:`REGULARIZER_NAMES` (``'l1'``, ``'l2'``, ``'l1_l2'``, with coefficients 0.01); or a
        dict ``{"class_name": "L1L2", "config": {"l1": ..., "l2": ...}}`` from :func:`serialize`

    Raises
    ------
    ValueError
        For an unknown name or class name (listing the valid ones), or a malformed dict.
    TypeError
        For anything else.

    Concept: regularize.l2, regularize.l1
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        make = _BY_NAME.get(identifier)
        if make is None:
            raise ValueError(f"regularizers.get: unknown regularizer {identifier!r}; valid names are "
                             f"{', '.join(repr(n) for n in REGULARIZER_NAMES)}")
        return make()
    if isinstance(identifier, dict):
        if (set(identifier) != {"class_name", "config"} or not isinstance(identifier["config"], dict)):
            raise ValueError(f"regularizers.get: a dict must be {{'class_name': ..., 'config': {{...}}}} from "
                             f"serialize(); got {identifier!r}")
        cls = _CLASSES.get(identifier["class_name"])
        if cls is None:
            raise ValueError(f"regularizers.get: unknown class_name {identifier['class_name']!r}; valid ones are "
                             f"{', '.join(repr(n) for n in _CLASSES)}")
        try:
            return cls.from_config(identifier["config"])
        except TypeError as exc:
            raise ValueError(f"regularizers.get: bad config for {identifier['class_name']}: {exc}") from None
    raise TypeError(f"regularizers.get: a regularizer must be None, a Regularizer (l2(0.01), L1L2(...)), one of "
                    f"the names {', '.join(repr(n) for n in REGULARIZER_NAMES)}, or a dict from serialize(); "
                    f"got {type(identifier).__name__}")


__all__ = ["Regularizer", "L1L2", "WeightRegularizer", "l1", "l2", "l1_l2", "l1l2", "get", "serialize",
           "REGULARIZER_NAMES"]
