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

"More about dropout" (``003``) names three variants, here beside dropout (concept
``regularize.dropout_variants``):

* **DropConnect** (Wan et al., 2013): the mask falls on a dense layer's *weights* instead of
  its units, :math:`r = b + x (W \odot M)^T` (:func:`dropconnect_forward`); the mask has
  :math:`W`'s shape and is drawn by the same :func:`dropout_mask`. As the slide's dropout
  does, one mask serves the whole mini-batch (the paper draws one per example); at test time
  the slide's form scales the weights by :math:`1 - p`, the inverted form changes nothing.
* **Annealed dropout** (Rennie et al., 2014): the rate falls with the epoch, linearly from
  :math:`p_0` to 0; a host-side schedule,
  :func:`~reference.data.noise.annealed_dropout_rate`, whose rate is then handed to
  :func:`dropout_mask` and :func:`dropout_forward`.
* **Standout** (Ba & Frey, 2013): every unit has its own keep probability, computed from the
  layer's input by a second set of weights, :math:`q = \sigma(\alpha (b_s + x W_s^T) + \beta)`
  (the paper ties :math:`W_s = W`, :math:`b_s = b`); :func:`standout_forward` keeps a unit
  where a uniform draw made on the host is below its :math:`q`, and outputs the expectation
  :math:`a \odot q` at test time.
"""

import numpy as np

from . import _check
from .activations import sigmoid_forward
from .data.noise import dropout_mask  # the mask is drawn on the host, with the other random draws
from .network import ACTIVATIONS, dense_backward, dense_forward

__all__ = ["dropout_forward", "dropout_backward", "l2_penalty", "l1_penalty", "dropconnect_forward",
           "dropconnect_backward", "standout_forward", "standout_backward"]

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


def dropconnect_forward(x, W, b, mask, p, inverted=True):
    r"""DropConnect during training: a dense layer's pre-activation with some of its *weights* dropped.

    .. math::

        r = b + x\,(W \odot M\, s)^T, \qquad r_{ni} = b_i + \sum_j w_{ij}\, m_{ij}\, s\, x_{nj},
        \qquad s = \frac{1}{1-p} \text{ (inverted) or } 1 \text{ (the slide's form)}

    Dropout drops a unit (a whole column of the next layer's weights); DropConnect drops each
    weight :math:`w_{ij}` on its own, with probability :math:`p`. ``mask`` has ``W``'s shape
    (:func:`dropout_mask` ``(rng, W.shape, p)``) and is **one mask for the whole mini-batch**,
    as the slide's dropout is: every example of the batch sees the same thinned layer (Wan et
    al. draw a mask per example; that costs a weight matrix per example). The activation is
    not part of this function: apply it to ``r`` (e.g. :func:`~reference.activations.relu_forward`).

    At test time the expectation over masks of :math:`r` is :math:`b + x ((1 - p) W)^T` in the
    slide's form (the weights times :math:`1 - p`, as for dropout) and :math:`b + x W^T` in the
    inverted form; this is exact, because :math:`r` is linear in the mask. The masked weights
    :math:`W \odot (M s)` are formed first (:math:`M s` is exact; one rounding each), then the
    product, as :func:`~reference.network.dense_forward` with the linear activation computes it.

    Concept: regularize.dropout_variants

    Slides: 003 "More about dropout" ("Dropout delete neurons", "Dropconnect deletes the
    connection between neurons").

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64 — the layer's input, one row per example
    W : ndarray (H, D) — one row per unit, as in :func:`~reference.network.dense_forward`
    b : ndarray (H,) — one bias per unit (never dropped)
    mask : ndarray, ``W``'s shape and dtype — 1 kept, 0 dropped (:func:`dropout_mask`); no broadcasting
    p : float in [0, 1) — the rate the mask was drawn with
    inverted : bool — scale the kept weights by 1/(1 - p) (True) or not (False, the slide's form)

    Returns
    -------
    r : ndarray (N, H) — the pre-activation
    cache : opaque, for :func:`dropconnect_backward`
    """
    fn = "dropconnect_forward"
    x, W, b = _check.arrays(fn, x=(x, "N, D"), W=(W, "H, D"), b=(b, "H"))
    mask = _check.same_shape(fn, "mask", mask, "W", W)
    p = _check.fraction(fn, "p", p)
    inverted = _check.flag(fn, "inverted", inverted)
    _check.binary(fn, "mask", mask)
    ms = (mask * _scale(x, p, inverted)).astype(x.dtype, copy=False)
    W_kept = (W * ms).astype(x.dtype, copy=False)
    r = (b + x @ W_kept.T).astype(x.dtype, copy=False)
    return r, (x, W_kept, ms)


def dropconnect_backward(dout, cache):
    r"""Gradients of DropConnect: a dense layer's, through the kept weights only.

    .. math::

        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial r} (W \odot M s), \qquad
        \frac{\partial L}{\partial W} = \Big(\frac{\partial L}{\partial r}\Big)^T x \odot M s, \qquad
        \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial r_n}

    A dropped weight gets a zero gradient (exactly 0); a kept one the dense layer's gradient
    times :math:`s`. The mask is data, not a parameter: it has no gradient.

    Concept: regularize.dropout_variants, backprop.chain

    Parameters
    ----------
    dout : ndarray (N, H) — :math:`\partial L / \partial r`, the forward output's dtype
    cache : from :func:`dropconnect_forward`

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,)
    """
    x, W_kept, ms = cache
    dout = _check.grad("dropconnect_backward", "dout", dout, (x.shape[0], W_kept.shape[0]), x.dtype)
    dx = dout @ W_kept
    dW = (dout.T @ x) * ms
    db = dout.sum(axis=0)
    return dx.astype(x.dtype, copy=False), dW.astype(x.dtype, copy=False), db.astype(x.dtype, copy=False)


def _keep_probability(x, Ws, bs, alpha, beta):
    """Standout's q = sigmoid(alpha (bs + x Ws^T) + beta), alpha and beta rounded to x's dtype."""
    rs, _ = dense_forward(x, Ws, bs, activation="linear")
    t = x.dtype.type
    q, _ = sigmoid_forward((t(alpha) * rs + t(beta)).astype(x.dtype, copy=False))
    return q



def _standout_args(fn, x, W, b, Ws, bs, u, alpha, beta, activation, training):
    """Standout's arguments checked once for every backend: ``(x, W, b, Ws, bs, u, alpha, beta, training)``.

    ``u`` must be an (N, H) array in [0, 1) when training and ``None`` at test time."""
    training = _check.flag(fn, "training", training)
    specs = dict(x=(x, "N, D"), W=(W, "H, D"), b=(b, "H"), Ws=(Ws, "H, D"), bs=(bs, "H"))
    if training:
        if u is None:
            raise ValueError(f"{fn}: u must be an (N, H) array of uniform draws in [0, 1) when training; got None")
        x, W, b, Ws, bs, u = _check.arrays(fn, **specs, u=(u, "N, H"))
        _check.unit_interval(fn, "u", u)
    else:
        if u is not None:
            raise ValueError(f"{fn}: u must be None at test time (training=False: the output a * q draws "
                             f"nothing); got {type(u).__name__}")
        x, W, b, Ws, bs = _check.arrays(fn, **specs)
    alpha = _check.real(fn, "alpha", alpha)
    beta = _check.real(fn, "beta", beta)
    _check.choice(fn, "activation", activation, ACTIVATIONS)
    return x, W, b, Ws, bs, u, alpha, beta, training


def standout_forward(x, W, b, Ws, bs, u, alpha=1.0, beta=0.0, activation="sigmoid", training=True):
    r"""Standout: a dense layer whose every unit is kept with its own probability, computed from the input.

    .. math::

        a = \sigma_{act}(b + x W^T), \qquad
        q = \operatorname{sigmoid}\big(\alpha\,(b_s + x W_s^T) + \beta\big), \qquad
        \text{training: } \text{out} = a \odot [u < q], \qquad
        \text{test: } \text{out} = a \odot q

    Dropout keeps every unit with the same probability :math:`1 - p`; standout (Ba & Frey
    2013, "adaptive dropout") gives unit :math:`i` of example :math:`n` the keep probability
    :math:`q_{ni}`, a second dense layer of the same input (the *standout network*, weights
    ``Ws``, ``bs``). The paper finds it works with the weights tied, :math:`W_s = W` and
    :math:`b_s = b` (pass the same arrays), so that :math:`\alpha` and :math:`\beta` are
    the only new hyperparameters. A unit is kept where the uniform draw :math:`u_{ni}` (made
    on the host from an explicit :class:`numpy.random.Generator`, ``rng.random((N, H))``, and
    passed as data, so every backend keeps the very same units) is below :math:`q_{ni}`: a
    kept unit passes with probability :math:`q_{ni}`. At test time (``training=False``) the
    layer outputs the expectation :math:`a \odot q` and takes no draws (``u`` is ``None``).
    With :math:`q \equiv 1` (a large :math:`\beta`) standout is the plain dense layer.

    :math:`\alpha` and :math:`\beta` are rounded to the dtype; :math:`b_s + x W_s^T` is the
    linear dense layer of ``Ws``, ``bs`` and :math:`q` the sigmoid of
    :func:`~reference.activations.sigmoid_forward`.

    Concept: regularize.dropout_variants

    Slides: 003 "More about dropout" (standout: "Each neural has different dropout rate"; here,
    as in the paper, the rate is computed from the layer's input).

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64 — the layer's input
    W : ndarray (H, D), b : ndarray (H,) — the layer's weights and biases
    Ws : ndarray (H, D), bs : ndarray (H,) — the standout network's (``W`` and ``b`` for the tied form)
    u : ndarray (N, H) of uniform draws in [0, 1) when ``training``; ``None`` at test time
    alpha, beta : finite floats — the standout network's scale and shift
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"} — the layer's, as for
        :func:`~reference.network.dense_forward`
    training : bool — draw the mask (True) or output the expectation :math:`a \odot q` (False)

    Returns
    -------
    out : ndarray (N, H)
    cache : opaque, for :func:`standout_backward` (training only)
    """
    fn = "standout_forward"
    x, W, b, Ws, bs, u, alpha, beta, training = _standout_args(fn, x, W, b, Ws, bs, u, alpha, beta, activation,
                                                               training)
    a, layer_cache = dense_forward(x, W, b, activation=activation)
    q = _keep_probability(x, Ws, bs, alpha, beta)
    if not training:
        return (a * q).astype(x.dtype, copy=False), None
    keep = (u < q).astype(x.dtype)
    return (a * keep).astype(x.dtype, copy=False), (layer_cache, keep)


def standout_backward(dout, cache):
    r"""Gradients of standout during training, through the kept units; the mask is a sample.

    .. math::

        \frac{\partial L}{\partial a} = \frac{\partial L}{\partial\,\text{out}} \odot [u < q],
        \quad\text{then the dense layer's } \frac{\partial L}{\partial x},
        \frac{\partial L}{\partial W}, \frac{\partial L}{\partial b}
        \text{ (as } :func:`~reference.network.dense_backward`\text{)}

    As in the paper, the mask :math:`[u < q]` is treated as a sample: no gradient flows through
    :math:`q`, so the standout network's ``Ws`` and ``bs`` get none and are not returned (in the
    tied form, :math:`W_s = W`, the layer's gradient is the one to apply). (The mask is a step
    function of :math:`q`: its derivative is 0 almost everywhere, so this *is* the gradient of
    the training output, wherever no draw equals its :math:`q`.) A test-time forward
    (``training=False``) keeps no cache and has no backward.

    Concept: regularize.dropout_variants, backprop.chain

    Parameters
    ----------
    dout : ndarray (N, H) — :math:`\partial L / \partial\,\text{out}`, the forward output's dtype
    cache : from :func:`standout_forward` with ``training=True``

    Returns
    -------
    (dx, dW, db) : (N, D), (H, D), (H,)
    """
    fn = "standout_backward"
    if cache is None:
        raise ValueError(f"{fn}: cache is None: a test-time forward (training=False) has no backward; "
                         f"call standout_forward with training=True")
    layer_cache, keep = cache
    dout = _check.grad(fn, "dout", dout, keep.shape, keep.dtype)
    return dense_backward((dout * keep).astype(keep.dtype, copy=False), layer_cache)
