r"""Regularisation: dropout and the L1 / L2 penalties ("good results on testing data").

Following the second half of lecture ``001`` and the "Recipe of Deep Learning" part of
``003``: a network that does well on its training data and badly on its testing data
overfits, and these are the primitives of the remedies the slides list.

* **Dropout** (slides 001 and 003 "Dropout"): for every mini-batch each unit is dropped
  with probability :math:`p`, i.e. multiplied by a mask entry :math:`m \in \{0, 1\}`
  drawn on the host by :func:`dropout_mask`. The slide trains without rescaling and
  multiplies the weights by :math:`1 - p` at test time (``inverted=False``); Keras and
  PyTorch scale the kept units by :math:`1/(1-p)` while training and change nothing at
  test time (``inverted=True``, the default). Both give the same expected input to the
  next layer, hence the same test-time network.
* **L2** (weight decay) and **L1** penalties: the value added to the loss and its
  gradient with respect to the weights. Biases are not regularised: pass the weights
  only.

The mask is data, not a primitive: :func:`~reference.data.noise.dropout_mask` (in
:mod:`reference.data.noise`, beside the other host-side random draws; also
``reference.dropout_mask``) draws it from an explicit :class:`numpy.random.Generator`,
so a run is reproducible from its seed and every backend applies the very same mask.
"""

import numpy as np

from . import _check
from .data.noise import dropout_mask  # the mask is drawn on the host, with the other random draws

__all__ = ["dropout_forward", "dropout_backward", "l2_penalty", "l1_penalty"]

def _scale(x, p, inverted):
    """The factor of the kept units, rounded once to ``x``'s dtype: 1/(1 - p) (inverted) or 1."""
    return x.dtype.type(1.0 / (1.0 - p) if inverted else 1.0)


def dropout_forward(x, mask, p, inverted=True):
    r"""Dropout during training: drop the units where ``mask`` is 0.

    .. math::

        \text{inverted=True:}\quad a = \frac{x \odot m}{1 - p}, \qquad
        \text{inverted=False (the slide's form):}\quad a = x \odot m

    With ``inverted=True`` (Keras's and PyTorch's form) the test-time network is the
    trained one, unchanged; with ``inverted=False`` (the slide's form) the weights that
    multiply the dropped-out layer's output are multiplied by :math:`1 - p` at test
    time. Either way the next layer sees, at test time, the expectation over masks of
    what it saw in training. The factor :math:`1/(1-p)` is rounded once to ``x``'s dtype
    and each kept unit is multiplied by it (one rounding); a dropped one is exactly 0.

    Concept: regularize.dropout

    Slides: 001 "Dropout"; 003 "Dropout" ("If the dropout rate at training is p%, all the
    weights times 1-p% at testing").

    Parameters
    ----------
    x : ndarray, any shape, float32 or float64 — a layer's input (or output)
    mask : ndarray, ``x``'s shape and dtype — 1 kept, 0 dropped (:func:`dropout_mask`); no broadcasting
    p : float in [0, 1) — the dropout rate the mask was drawn with
    inverted : bool — scale the kept units by 1/(1 - p) (True) or not (False, the slide's form)

    Returns
    -------
    a : ndarray, ``x``'s shape and dtype
    cache : opaque, for :func:`dropout_backward`
    """
    fn = "dropout_forward"
    x = _check.arrays(fn, x=(x, "..."))
    mask = _check.same_shape(fn, "mask", mask, "x", x)
    p = _check.fraction(fn, "p", p)
    inverted = _check.flag(fn, "inverted", inverted)
    _check.binary(fn, "mask", mask)
    s = _scale(x, p, inverted)
    a = (x * (mask * s)).astype(x.dtype, copy=False)
    return a, (mask, s)


def dropout_backward(dout, cache):
    r"""Gradient of dropout: the upstream gradient through the kept units, scaled as in the forward.

    .. math::

        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial a} \odot m \cdot s, \qquad
        s = \frac{1}{1 - p} \text{ (inverted) or } 1

    Concept: regularize.dropout, backprop.chain

    Parameters
    ----------
    dout : ndarray, the forward output's shape and dtype — :math:`\partial L / \partial a`
    cache : from :func:`dropout_forward`

    Returns
    -------
    (dx,) : ``x``'s shape and dtype
    """
    mask, s = cache
    dout = _check.grad("dropout_backward", "dout", dout, mask.shape, mask.dtype)
    dx = (dout * (mask * s)).astype(mask.dtype, copy=False)
    return (dx,)


def l2_penalty(w, lam):
    r"""The L2 penalty (weight decay) and its gradient, in the slide's form.

    .. math::

        \Omega(w) = \lambda \cdot \tfrac12 \lVert w \rVert_2^2 = \frac{\lambda}{2} \sum_i w_i^2, \qquad
        \frac{\partial \Omega}{\partial w} = \lambda w

    so a gradient step on :math:`L + \Omega` is :math:`w \leftarrow (1 - \eta\lambda) w -
    \eta\, \partial L/\partial w`: the weights decay. (Keras's ``l2(λ)`` adds
    :math:`\lambda \sum w^2`, twice this, with gradient :math:`2\lambda w`.) The sum of squares
    is taken in float64 and the value rounded once to ``w``'s dtype; the gradient is
    :math:`\lambda` rounded to the dtype times each weight (one rounding). Pass the weights
    only: biases are not regularised.

    Concept: regularize.l2

    Slides: 001 "Regularization" (:math:`L' = L + \lambda \frac12 \lVert\theta\rVert_2`, "Weight Decay");
    003 "Weight Decay".

    Parameters
    ----------
    w : ndarray, any shape, float32 or float64 — the weights
    lam : float >= 0 — :math:`\lambda`

    Returns
    -------
    value : scalar of ``w``'s dtype
    grad : ndarray, ``w``'s shape and dtype
    """
    w = _check.arrays("l2_penalty", w=(w, "..."))
    lam = _check.nonnegative("l2_penalty", "lam", lam)
    w64 = w.astype(np.float64)
    value = lam * 0.5 * np.sum(w64 * w64)
    grad = (w.dtype.type(lam) * w).astype(w.dtype, copy=False)
    return w.dtype.type(value), grad


def l1_penalty(w, lam):
    r"""The L1 penalty and its gradient.

    .. math::

        \Omega(w) = \lambda \lVert w \rVert_1 = \lambda \sum_i |w_i|, \qquad
        \frac{\partial \Omega}{\partial w} = \lambda \operatorname{sgn}(w), \quad \operatorname{sgn}(0) = 0

    The slide writes the penalty as :math:`\lambda \frac12 \lVert\theta\rVert_1` and then
    differentiates it as :math:`\lambda \operatorname{sgn}(w)`; the two do not agree (the
    derivative of :math:`\frac{\lambda}{2}|w|` is :math:`\frac{\lambda}{2}\operatorname{sgn}(w)`).
    This function implements the consistent pair: the value :math:`\lambda \lVert w \rVert_1`,
    whose derivative is the slide's :math:`\lambda \operatorname{sgn}(w)` (0 at :math:`w = 0`,
    the subgradient in the middle of the kink). A step is :math:`w \leftarrow w - \eta\,
    \partial L/\partial w - \eta\lambda \operatorname{sgn}(w)`: every weight moves towards 0
    by the same amount, which drives small weights to exactly 0. The sum of :math:`|w_i|` is
    taken in float64 and the value rounded once to ``w``'s dtype.

    Concept: regularize.l1

    Slides: 001 "L1 regularization".

    Parameters
    ----------
    w : ndarray, any shape, float32 or float64 — the weights
    lam : float >= 0 — :math:`\lambda`

    Returns
    -------
    value : scalar of ``w``'s dtype
    grad : ndarray, ``w``'s shape and dtype
    """
    w = _check.arrays("l1_penalty", w=(w, "..."))
    lam = _check.nonnegative("l1_penalty", "lam", lam)
    value = lam * np.sum(np.abs(w.astype(np.float64)))
    grad = (w.dtype.type(lam) * np.sign(w)).astype(w.dtype, copy=False)
    return w.dtype.type(value), grad
