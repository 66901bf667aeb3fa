r"""Optimizers on the GPU: each update rule is one fused elementwise kernel.

The twins of :mod:`reference.optimizers`, with the same signatures, the same
argument checks (the reference's own checkers) and the same state named tuples
(:class:`~reference.optimizers.MomentumState`, ...). An update reads the
parameter, its gradient and its state once and writes the new parameter and
state once, in one launch (see :mod:`._optim_kernels`): the step of an optimizer
is a memory stream, and a single pass is what makes it as fast as the memory.

Where the arrays live
---------------------
* ``<rule>_init(param)`` makes the state where ``param`` is: device zeros for a
  device array, NumPy zeros for a host one.
* ``inplace=True`` writes the new values into ``param`` and the state's arrays
  and returns those same objects. Device arrays are updated in place by the
  kernel itself: nothing is allocated (a host ``grad`` is uploaded). Host arrays
  are uploaded, updated on the device and copied back into the caller's arrays.
* ``inplace=False`` leaves its inputs alone and returns new arrays: device arrays
  if any of ``param``, ``grad`` and the state's arrays is on the device (the
  backend's rule; host arrays mixed in are uploaded for the call), else NumPy
  arrays (a 0-d result a NumPy scalar, as the reference's arithmetic gives).

The model layer keeps a parameter and its state on the device and updates them
in place: one launch and no transfer per parameter and step.

The scalar coefficients (:math:`1 - \beta`, the bias corrections
:math:`1 - \beta^t`, ...) are computed on the host in float64 and passed to the
kernel in the parameter's dtype; all array arithmetic is in that dtype.
"""

from __future__ import annotations

import numpy as np
from reference import optimizers as _ref
from reference.optimizers import (AdadeltaState, AdagradState, AdamState, MomentumState,
                                  RMSpropState, _checked, _clip_checked, _param, _sgd_checked)

from . import _ops
from ._launch import (any_device, blocks_1d, config, contiguous, dev, empty, is_device,
                      simulator_paced, to_device)

_F64 = np.dtype(np.float64)


def _size(shape) -> int:
    return int(np.prod(shape, dtype=np.int64))


def _zeros_like(param):
    """Zeros of ``param``'s shape and dtype, where ``param`` is (a device fill, or NumPy)."""
    if not is_device(param):
        return np.zeros_like(param)
    z = empty(tuple(param.shape), param.dtype)
    n = _size(param.shape)
    _ops.optimizer_kernels(param.dtype).zero[blocks_1d(n), config.threads](z.reshape(n))
    return z


def _host_value(d):
    """A device result copied to the host: an array, or a NumPy scalar when 0-d."""
    h = d.copy_to_host()
    return h[()] if h.ndim == 0 else h


def _flat_view(d, n):
    """A contiguous device array as a 1-D view (itself when it is 1-D already)."""
    return d if len(d.shape) == 1 else d.reshape(n)


def _stream(kernel, param, grad, written, inplace, *scalars):
    """Launch one fused update over ``written`` (param, then the state's arrays) and ``grad``.

    The kernel is called as ``kernel(*written_in, grad, *written_out, *scalars)`` on
    flat device views. A contiguous device array is read where it is and, with
    ``inplace``, written there too; anything else (a host array, a sliced device
    array) is first copied to a private contiguous device buffer that the kernel
    updates in place, so that no other scratch memory is needed. Returns the new
    arrays in ``written``'s order, where the module docstring says they belong.
    """
    on_device = any_device(grad, *written)
    shape, dtype = tuple(param.shape), param.dtype
    n = _size(shape)
    ins, outs, results = [], [], []
    for a in written:
        if is_device(a) and a.is_c_contiguous():
            d_in = a
            d_out = a if inplace else empty(shape, dtype)
        else:                                   # a private copy: update it where it is
            d_in = d_out = contiguous(a) if is_device(a) else to_device(a)
        ins.append(_flat_view(d_in, n))
        outs.append(_flat_view(d_out, n))
        results.append(d_out)
    g = _flat_view(contiguous(dev(grad)), n)
    kernel[blocks_1d(n), config.threads](*ins, g, *outs, *scalars)
    if inplace:
        for a, d in zip(written, results):
            if d is a:
                continue
            if is_device(a):                    # a sliced device array: a strided device copy
                a[...] = d
            elif a.flags.c_contiguous:
                d.reshape(n).copy_to_host(a.reshape(n))
            else:
                a[...] = d.copy_to_host()
        return list(written)
    if on_device:
        return results
    return [_host_value(d) for d in results]


def _decay(lam):
    """The kernel arguments of the weight-decay term: ``(lambda, flag)``; the term is skipped at 0."""
    return lam, 1 if lam else 0


# -- plain SGD ------------------------------------------------------------------------------------
@simulator_paced
def sgd_init(param):
    r"""The state plain SGD keeps for one parameter: none.

    Every optimizer rule comes as a pair ``<rule>_init(param) -> state`` and
    ``<rule>_update(param, grad, state, **hyper) -> (param, state)``; plain SGD is
    the one whose state is empty, so its ``init`` returns ``()``.

    Concept: optim.sgd

    Slides: 003 "Keras" (``SGD(lr=0.1)``).

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64

    Returns
    -------
    state : ``()``
    """
    _param("sgd_init", param)
    return ()


@simulator_paced
def sgd_update(param, grad, state, eta=0.01, weight_decay=0.0, inplace=False):
    r"""One plain stochastic-gradient-descent update of one parameter (one elementwise kernel).

    .. math::

        w \leftarrow w - \eta \frac{\partial L}{\partial w}
        \qquad\text{or, with weight decay } \lambda:\qquad
        w \leftarrow w - \eta \left(\frac{\partial L}{\partial w} + \lambda w\right)

    One thread per entry reads :math:`w` and :math:`\partial L/\partial w` and writes
    the new :math:`w`: 12 bytes per float32 parameter, the least an update can move.

    Concept: optim.sgd, gd.step, regularize.l2

    Slides: 003 "Keras" (``SGD(lr=0.1)``), "Gradient Descent", "Weight Decay".

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64
    grad : ``param``'s shape and dtype — :math:`\partial L/\partial w`
    state : from :func:`sgd_init` (``()``)
    eta : float > 0 — the learning rate
    weight_decay : float >= 0 — :math:`\lambda`
    inplace : bool — write the result into ``param``

    Returns
    -------
    param : a new array, on the device if ``param`` or ``grad`` was (a NumPy scalar
        for a 0-d host ``param``, a 0-d device array for a 0-d device one);
        ``param`` itself with ``inplace``
    state : ``()``
    """
    param, grad, eta, lam, inplace = _sgd_checked(param, grad, state, eta, weight_decay, inplace)
    NP = np.dtype(param.dtype).type
    lam, decay = _decay(lam)
    (new,) = _stream(_ops.optimizer_kernels(param.dtype).sgd, param, grad, [param], inplace,
                     NP(eta), NP(lam), decay)
    return new, ()


# -- momentum -------------------------------------------------------------------------------------
@simulator_paced
def momentum_init(param):
    r"""Momentum's state for one parameter: the velocity :math:`v^0 = 0`.

    Concept: optim.momentum

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.MomentumState` ``(v,)`` — zeros of ``param``'s
        shape and dtype, on the device when ``param`` is
    """
    param = _param("momentum_init", param)
    return MomentumState(v=_zeros_like(param))


@simulator_paced
def momentum_update(param, grad, state, eta=0.01, momentum=0.9, nesterov=False, weight_decay=0.0,
                    inplace=False):
    r"""One update of gradient descent with momentum (one elementwise kernel).

    .. math::

        v \leftarrow \lambda v - \eta \nabla L(\theta), \qquad \theta \leftarrow \theta + v

    and with ``nesterov=True`` (the gradient taken at the look-ahead point, which is
    the stored :math:`\theta`):

    .. math::

        v \leftarrow \lambda v - \eta \nabla L(\theta), \qquad
        \theta \leftarrow \theta + \lambda v - \eta \nabla L(\theta)

    One thread per entry reads :math:`\theta`, the gradient and :math:`v` and
    writes :math:`\theta` and :math:`v`.

    Concept: optim.momentum

    Slides: 003 "In physical world ..... Momentum", "Momentum".

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64 — :math:`\theta`
    grad : ``param``'s shape and dtype — :math:`\nabla L(\theta)`
    state : :class:`~reference.optimizers.MomentumState` from :func:`momentum_init`
    eta : float > 0 — the learning rate :math:`\eta`
    momentum : float in [0, 1) — the slide's :math:`\lambda`
    nesterov : bool — Nesterov's form
    weight_decay : float >= 0 — L2 decay, :math:`g = \nabla L + \lambda_{wd}\theta`
    inplace : bool — overwrite ``param`` and ``state.v``

    Returns
    -------
    param : array — :math:`\theta` after the update
    state : :class:`~reference.optimizers.MomentumState`
    """
    theta, g, state, h = _checked("momentum_update", param, grad, state, MomentumState, inplace,
                                  eta=eta, momentum=momentum, nesterov=nesterov,
                                  weight_decay=weight_decay)
    NP = np.dtype(theta.dtype).type
    lam, decay = _decay(h["weight_decay"])
    new_theta, v = _stream(_ops.optimizer_kernels(theta.dtype).momentum, theta, g, [theta, state.v], inplace,
                           NP(h["eta"]), NP(h["momentum"]), NP(lam), decay, 1 if h["nesterov"] else 0)
    return new_theta, MomentumState(v=v)


# -- Adagrad --------------------------------------------------------------------------------------
@simulator_paced
def adagrad_init(param):
    r"""Adagrad's state for one parameter: the sum of squared gradients, 0 at first.

    Concept: optim.adagrad

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.AdagradState` ``(g2_sum,)`` — zeros of
        ``param``'s shape and dtype, on the device when ``param`` is
    """
    param = _param("adagrad_init", param)
    return AdagradState(g2_sum=_zeros_like(param))


@simulator_paced
def adagrad_update(param, grad, state, eta=0.01, eps=0.0, weight_decay=0.0, inplace=False):
    r"""One Adagrad update (one elementwise kernel): a learning rate per parameter.

    .. math::

        w \leftarrow w - \eta_w \frac{\partial L}{\partial w}, \qquad
        \eta_w = \frac{\eta}{\sqrt{\sum_{i=0}^{t} (g^i)^2}}

    with this update's :math:`g^t` in the sum. With ``eps = 0`` (the slide's form) an
    entry whose sum is 0 does not move; with ``eps > 0``,
    :math:`\eta_w = \eta / (\sqrt{\sum_i (g^i)^2} + \epsilon)`. One thread per entry
    reads :math:`w`, the gradient and the sum and writes :math:`w` and the sum.

    Concept: optim.adagrad, optim.adagrad_example

    Slides: 003 "Learning Rates", "Adagrad".

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64 — :math:`w`
    grad : ``param``'s shape and dtype — :math:`g^t`
    state : :class:`~reference.optimizers.AdagradState` from :func:`adagrad_init`
    eta : float > 0 — the constant :math:`\eta`
    eps : float >= 0 — 0 for the slide's form, > 0 for the usual one
    weight_decay : float >= 0 — L2 decay, :math:`g = \partial L/\partial w + \lambda w`
    inplace : bool — overwrite ``param`` and ``state.g2_sum``

    Returns
    -------
    param : array
    state : :class:`~reference.optimizers.AdagradState` — :math:`\sum_{i=0}^{t} (g^i)^2`
    """
    w, g, state, h = _checked("adagrad_update", param, grad, state, AdagradState, inplace,
                              eta=eta, eps=eps, weight_decay=weight_decay)
    NP = np.dtype(w.dtype).type
    lam, decay = _decay(h["weight_decay"])
    slide = 1 if h["eps"] == 0 else 0           # decided on the float64 eps, not its rounding
    new_w, s = _stream(_ops.optimizer_kernels(w.dtype).adagrad, w, g, [w, state.g2_sum], inplace,
                       NP(h["eta"]), NP(h["eps"]), NP(lam), decay, slide)
    return new_w, AdagradState(g2_sum=s)


# -- RMSprop --------------------------------------------------------------------------------------
@simulator_paced
def rmsprop_init(param):
    r"""RMSprop's state for one parameter: the mean square :math:`(\sigma^0)^2 = 0`.

    Concept: optim.rmsprop

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.RMSpropState` ``(sigma2,)`` — zeros of
        ``param``'s shape and dtype, on the device when ``param`` is
    """
    param = _param("rmsprop_init", param)
    return RMSpropState(sigma2=_zeros_like(param))


@simulator_paced
def rmsprop_update(param, grad, state, eta=0.001, alpha=0.9, eps=1e-8, weight_decay=0.0,
                   inplace=False):
    r"""One RMSprop update (one elementwise kernel): Adagrad with a decaying average.

    .. math::

        (\sigma^t)^2 = \alpha (\sigma^{t-1})^2 + (1 - \alpha)(g^t)^2, \qquad
        w \leftarrow w - \frac{\eta}{\sigma^t + \epsilon}\, g^t

    One thread per entry reads :math:`w`, the gradient and :math:`(\sigma^{t-1})^2`
    and writes :math:`w` and :math:`(\sigma^t)^2`; :math:`1 - \alpha` comes from the host.

    Concept: optim.rmsprop

    Slides: 003 "Not the whole story ....." (RMSprop).

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64 — :math:`w`
    grad : ``param``'s shape and dtype — :math:`g^t`
    state : :class:`~reference.optimizers.RMSpropState` from :func:`rmsprop_init`
    eta : float > 0
    alpha : float in [0, 1) — the decay of the average
    eps : float > 0
    weight_decay : float >= 0 — L2 decay, :math:`g = \partial L/\partial w + \lambda w`
    inplace : bool — overwrite ``param`` and ``state.sigma2``

    Returns
    -------
    param : array
    state : :class:`~reference.optimizers.RMSpropState` — :math:`(\sigma^t)^2`
    """
    w, g, state, h = _checked("rmsprop_update", param, grad, state, RMSpropState, inplace,
                              eta=eta, alpha=alpha, eps=eps, weight_decay=weight_decay)
    NP = np.dtype(w.dtype).type
    lam, decay = _decay(h["weight_decay"])
    alpha = h["alpha"]
    new_w, s = _stream(_ops.optimizer_kernels(w.dtype).rmsprop, w, g, [w, state.sigma2], inplace,
                       NP(h["eta"]), NP(alpha), NP(1 - alpha), NP(h["eps"]), NP(lam), decay)
    return new_w, RMSpropState(sigma2=s)


# -- Adadelta -------------------------------------------------------------------------------------
@simulator_paced
def adadelta_init(param):
    r"""Adadelta's state for one parameter: :math:`E[g^2] = E[\Delta w^2] = 0`.

    Concept: optim.adadelta

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.AdadeltaState` ``(g2_mean, dw2_mean)`` — zeros
        of ``param``'s shape and dtype, on the device when ``param`` is
    """
    param = _param("adadelta_init", param)
    return AdadeltaState(g2_mean=_zeros_like(param), dw2_mean=_zeros_like(param))


@simulator_paced
def adadelta_update(param, grad, state, eta=1.0, rho=0.95, eps=1e-6, weight_decay=0.0,
                    inplace=False):
    r"""One Adadelta update (one elementwise kernel; Zeiler 2012, Algorithm 1).

    .. math::

        E[g^2] &\leftarrow \rho\, E[g^2] + (1 - \rho)\, g^2 \\
        \Delta w &= -\frac{\sqrt{E[\Delta w^2] + \epsilon}}{\sqrt{E[g^2] + \epsilon}}\; g \\
        E[\Delta w^2] &\leftarrow \rho\, E[\Delta w^2] + (1 - \rho)\, \Delta w^2 \\
        w &\leftarrow w + \eta\, \Delta w

    One thread per entry reads :math:`w`, the gradient and both averages and writes
    all three back: 28 bytes per float32 parameter.

    Concept: optim.adadelta

    Slides: 003 "Not the whole story ....." (Adadelta).

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64 — :math:`w`
    grad : ``param``'s shape and dtype — :math:`g`
    state : :class:`~reference.optimizers.AdadeltaState` from :func:`adadelta_init`
    eta : float > 0 — a multiplier of the step (1 is the paper)
    rho : float in [0, 1) — the decay of both averages
    eps : float > 0
    weight_decay : float >= 0 — L2 decay, :math:`g = \partial L/\partial w + \lambda w`
    inplace : bool — overwrite ``param`` and the state's arrays

    Returns
    -------
    param : array
    state : :class:`~reference.optimizers.AdadeltaState`
    """
    w, g, state, h = _checked("adadelta_update", param, grad, state, AdadeltaState, inplace,
                              eta=eta, rho=rho, eps=eps, weight_decay=weight_decay)
    NP = np.dtype(w.dtype).type
    lam, decay = _decay(h["weight_decay"])
    rho = h["rho"]
    new_w, eg, ed = _stream(_ops.optimizer_kernels(w.dtype).adadelta, w, g,
                            [w, state.g2_mean, state.dw2_mean], inplace, NP(h["eta"]), NP(rho), NP(1 - rho), NP(h["eps"]), NP(lam), decay)
    return new_w, AdadeltaState(g2_mean=eg, dw2_mean=ed)


# -- Adam and Nadam -------------------------------------------------------------------------------
def _adam(fn, param, grad, state, eta, beta1, beta2, eps, weight_decay, inplace, nadam):
    """Adam's and Nadam's update: one kernel, the coefficients of step ``t`` from the host."""
    theta, g, state, h = _checked(fn, param, grad, state, AdamState, inplace,
                                  eta=eta, beta1=beta1, beta2=beta2, eps=eps,
                                  weight_decay=weight_decay)
    NP = np.dtype(theta.dtype).type
    b1, b2 = h["beta1"], h["beta2"]
    lam, decay = _decay(h["weight_decay"])
    t = state.t + 1
    coeffs = (NP(h["eta"]), NP(b1), NP(1 - b1), NP(b2), NP(1 - b2),
              NP(1 - b1 ** t), NP(1 - b2 ** t), NP(1 - b1 ** (t + 1)), NP(h["eps"]), NP(lam))
    new_theta, m, v = _stream(_ops.optimizer_kernels(theta.dtype).adam, theta, g, [theta, state.m, state.v],
                              inplace, *coeffs, decay, 1 if nadam else 0)
    return new_theta, AdamState(m=m, v=v, t=t)


@simulator_paced
def adam_init(param):
    r"""Adam's state for one parameter: :math:`m_0 = 0`, :math:`v_0 = 0`, :math:`t = 0`.

    Concept: optim.adam

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.AdamState` ``(m, v, t)`` — zeros of ``param``'s
        shape and dtype (on the device when ``param`` is), and ``t = 0``
    """
    param = _param("adam_init", param)
    return AdamState(m=_zeros_like(param), v=_zeros_like(param), t=0)


@simulator_paced
def adam_update(param, grad, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                inplace=False):
    r"""One Adam update (one elementwise kernel): Algorithm 1 of Kingma and Ba (ICLR 2015).

    .. math::

        t &\leftarrow t + 1 \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \\
        v_t &\leftarrow \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \\
        \hat m_t &\leftarrow m_t / (1 - \beta_1^t) \\
        \hat v_t &\leftarrow v_t / (1 - \beta_2^t) \\
        \theta_t &\leftarrow \theta_{t-1} - \alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    The step count and the bias corrections :math:`1 - \beta^t` are host numbers
    (float64, rounded once to the dtype); one thread per entry reads
    :math:`\theta`, the gradient, :math:`m` and :math:`v` and writes all but the gradient.

    Concept: optim.adam

    Slides: 003 "Adam" (RMSProp + Momentum; Algorithm 1), "Let's try it".

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64 — :math:`\theta_{t-1}`
    grad : ``param``'s shape and dtype — :math:`g_t`
    state : :class:`~reference.optimizers.AdamState` from :func:`adam_init`
    eta : float > 0 — the step size :math:`\alpha`
    beta1, beta2 : float in [0, 1) — the decay rates of the moment estimates
    eps : float > 0 — :math:`\epsilon`
    weight_decay : float >= 0 — L2 decay, :math:`g_t = \nabla_\theta f_t + \lambda\theta_{t-1}`
    inplace : bool — overwrite ``param``, ``state.m`` and ``state.v``

    Returns
    -------
    param : array — :math:`\theta_t`
    state : :class:`~reference.optimizers.AdamState` — :math:`(m_t, v_t, t)`
    """
    return _adam("adam_update", param, grad, state, eta, beta1, beta2, eps, weight_decay, inplace,
                 nadam=False)


@simulator_paced
def nadam_init(param):
    r"""Nadam's state for one parameter: the same as Adam's, :math:`(0, 0, t = 0)`.

    Concept: optim.nadam

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.AdamState` ``(m, v, t)``
    """
    param = _param("nadam_init", param)
    return AdamState(m=_zeros_like(param), v=_zeros_like(param), t=0)


@simulator_paced
def nadam_update(param, grad, state, eta=0.002, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                 inplace=False):
    r"""One Nadam update (one elementwise kernel): Adam with a Nesterov look-ahead (Dozat 2016).

    .. math::

        t &\leftarrow t + 1 \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \\
        v_t &\leftarrow \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \\
        \hat m_t &\leftarrow \frac{\beta_1\, m_t}{1 - \beta_1^{t+1}} + \frac{(1 - \beta_1)\, g_t}{1 - \beta_1^t} \\
        \hat v_t &\leftarrow v_t / (1 - \beta_2^t) \\
        \theta_t &\leftarrow \theta_{t-1} - \alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    Adam's kernel with the look-ahead term; :math:`1 - \beta_1^{t+1}`,
    :math:`1 - \beta_1^t` and :math:`1 - \beta_2^t` come from the host.

    Concept: optim.nadam

    Slides: 003 "Not the whole story ....." (Nadam).

    Parameters
    ----------
    param : ndarray or device array, any shape, float32 or float64 — :math:`\theta_{t-1}`
    grad : ``param``'s shape and dtype — :math:`g_t`
    state : :class:`~reference.optimizers.AdamState` from :func:`nadam_init`
    eta : float > 0 — the step size :math:`\alpha`
    beta1, beta2 : float in [0, 1)
    eps : float > 0
    weight_decay : float >= 0 — L2 decay, :math:`g_t = \nabla_\theta f_t + \lambda\theta_{t-1}`
    inplace : bool — overwrite ``param``, ``state.m`` and ``state.v``

    Returns
    -------
    param : array — :math:`\theta_t`
    state : :class:`~reference.optimizers.AdamState` — :math:`(m_t, v_t, t)`
    """
    return _adam("nadam_update", param, grad, state, eta, beta1, beta2, eps, weight_decay, inplace,
                 nadam=True)


# -- learning-rate schedules and gradient clipping ------------------------------------------------
def lr_schedule(eta, t, schedule="inverse_sqrt", decay=1.0, drop=0.5, every=10):
    r"""The learning rate :math:`\eta^t` of the :math:`t`-th update (or epoch): a host number.

    .. math::

        \text{inverse\_sqrt (the slide's "1/t decay")}: &\quad \eta^t = \eta / \sqrt{t + 1} \\
        \text{inverse\_time}: &\quad \eta^t = \eta / (1 + d\, t) \\
        \text{step}: &\quad \eta^t = \eta \cdot \text{drop}^{\lfloor t / \text{every} \rfloor} \\
        \text{constant}: &\quad \eta^t = \eta

    A schedule is one Python float per update, passed as ``eta`` to an update
    kernel; nothing runs on the device, and this is the reference's function
    (:func:`reference.optimizers.lr_schedule`), the same numbers and errors.

    Concept: lr.schedule

    Slides: 003 "Learning Rates" (E.g. 1/t decay).

    Parameters
    ----------
    eta : float > 0 — the initial learning rate :math:`\eta^0`
    t : int >= 0 — the update (or epoch) count
    schedule : one of :data:`reference.optimizers.SCHEDULES`
    decay : float >= 0 — :math:`d` of ``inverse_time``
    drop : float in (0, 1] — the factor of ``step``
    every : int >= 1 — how many counts between two drops of ``step``

    Returns
    -------
    eta_t : float
    """
    return _ref.lr_schedule(eta, t, schedule=schedule, decay=decay, drop=drop, every=every)


@simulator_paced
def clip_global_norm(grads, max_norm):
    r"""Scale a set of gradients down together when their joint norm exceeds :math:`\tau`.

    .. math::

        \lVert g \rVert = \sqrt{\textstyle\sum_k \lVert g_k \rVert^2}, \qquad
        g_k \leftarrow g_k \cdot \min\!\left(1, \frac{\tau}{\lVert g \rVert}\right)

    On the device: one reduction launch per array writes its float64 partial sums
    of squares (one per block), one single-block launch adds them all in a fixed
    order and writes the norm and the scale, and one elementwise launch per array
    writes its clipped copy, reading the scale from the device. The host waits
    once, at the end, for the norm (8 bytes).

    Concept: rnn.clipping

    Slides: 003 "Why?" (RNN training: the error surface is rough).

    Parameters
    ----------
    grads : sequence of ndarrays or device arrays — one or more non-empty float
        arrays, any shapes, one dtype
    max_norm : float > 0 — :math:`\tau`

    Returns
    -------
    clipped : tuple of arrays — new arrays in ``grads``' order, shapes and dtype; on
        the device if any of ``grads`` was (a 0-d host result is a NumPy scalar)
    norm : float — :math:`\lVert g \rVert` before clipping
    """
    grads, tau = _clip_checked(grads, max_norm)

    on_device = any_device(*grads)
    k = _ops.optimizer_kernels(grads[0].dtype)
    TH = config.threads
    fulls = [contiguous(dev(g)) for g in grads]     # uploads and compacted copies are private
    flats = [_flat_view(d, _size(d.shape)) for d in fulls]
    S = max(blocks_1d(f.shape[0]) for f in flats)
    P = empty((len(flats), S), _F64)
    for row, f in enumerate(flats):
        k.sumsq[blocks_1d(f.shape[0]), TH](f, P, row)
    norm_scale = empty(2, _F64)
    k.finish_norm[1, TH](P, tau, norm_scale)
    clipped = []
    for g, d, f in zip(grads, fulls, flats):
        n = f.shape[0]
        out = empty(tuple(g.shape), g.dtype) if d is g else d    # a private copy is scaled in place
        k.scale[blocks_1d(n), TH](f, _flat_view(out, n), norm_scale)
        clipped.append(out)
    norm = float(norm_scale.copy_to_host()[0])
    if on_device:
        return tuple(clipped), norm
    return tuple(_host_value(d) for d in clipped), norm
