r"""Optimizer rules on the CPU: :mod:`reference.optimizers`, each update one compiled pass.

An update touches every parameter once and does a handful of arithmetic
operations on it: it is a stream through memory, and its time is the time its
bytes take to move. The reference writes each rule as NumPy expressions, one pass
over the arrays (and one temporary array) per operation: Adam's update is about a
dozen passes. Here each rule is *one* loop (``@njit(cache=True)``) over the raveled
arrays that reads the parameter, the gradient and the state at index ``i``, does
the whole rule on those values in registers, and writes the new parameter and the
new state at ``i``. The compiler vectorises the loop (eight float32 lanes with AVX2;
the square roots and divisions too, since the kernels use NumPy's error model and
have no branches inside the loop), so the arithmetic hides behind the memory
traffic.

Bytes per parameter, for ``inplace=True`` (float32; twice as many for float64),
each array read once and each new value written once:

===========  =================================  =======================  =====
rule         reads                              writes                   bytes
===========  =================================  =======================  =====
sgd          ``param``, ``grad``                ``param``                12
momentum     ``param``, ``grad``, ``v``         ``param``, ``v``         20
adagrad      ``param``, ``grad``, ``g2_sum``    ``param``, ``g2_sum``    20
rmsprop      ``param``, ``grad``, ``sigma2``    ``param``, ``sigma2``    20
adadelta     ``param``, ``grad``, two means     ``param``, two means     28
adam, nadam  ``param``, ``grad``, ``m``, ``v``  ``param``, ``m``, ``v``  28
===========  =================================  =======================  =====

In place, every written cache line was just read, so these are also the bytes the
memory moves. With ``inplace=False`` (the default) the same pass writes into new
arrays from ``np.empty``; the counted bytes are the same, but arrays of megabytes are
new memory that the operating system maps and zeroes page by page on first write
(on the machine this was built on, about 1 GB/s in pages of 4 KiB: for a few million
parameters that costs more than the update itself, on every backend), so the in-place
form is the fast one for training loops.

Each update is a separate loop for ``inplace`` and for a weight decay of 0 or not
(the choice is made once, outside the loop): in place the loop reads and writes
the same arrays, which the compiler can see, so it vectorises without run-time
overlap checks; with ``weight_decay=0`` the term :math:`\lambda w` is not formed at
all, as in the reference. Nesterov's form and Adagrad's :math:`\epsilon = 0` form
are a flag that is constant over the loop.

Each rule's arithmetic on one parameter is written once, as a small function of that
parameter's values (``_adam(p, g, m, v, ...)``); its loop, block loop and two kernels
(one thread, all threads) are made from it at import by :func:`_passes`, from one text
shared by every rule, and compiled as ordinary module-level functions with the rule's
function as a global, so that Numba inlines it into the loop as if written there and
caches each kernel on disk (a closure over a compiled function would be re-keyed in
every process and never load from the cache). ``_SOURCE[name]`` holds each rule's
generated text.

Arithmetic: the scalar coefficients (:math:`1 - \beta_1`, the bias corrections
:math:`1 - \beta^t`, …) are computed on the host in float64, as the reference computes
them in Python, passed as float64 and rounded to the parameter's dtype once in the
kernel, before the loop; every array operation is in the parameter's dtype (float32
stays float32), with no fused multiply-adds and no fast-math. SGD, momentum,
Adagrad and RMSprop are written in the reference's order (``alpha * s + (1 - alpha)
* g**2``, ``eta / (sqrt(s) + eps) * g``, …) and equal its results to the last bit.
Adam, Nadam and Adadelta fold their per-update constants so that each parameter
costs one division and one square root, not three or four divisions
(:math:`\alpha\,\hat m_t = \tfrac{\alpha}{1-\beta_1^t} m_t` and :math:`\hat v_t = v_t \cdot
\tfrac{1}{1-\beta_2^t}` with the fractions formed on the host; Nadam's
:math:`\tfrac{\beta_1}{1-\beta_1^{t+1}}` and :math:`\tfrac{1-\beta_1}{1-\beta_1^t}` likewise; Adadelta's
quotient of two square roots as the square root of one quotient): divisions and
roots are what the vector units do slowest, and with the arrays in cache they, not
the memory, set the pace. Their results differ from the reference's by a rounding
or two per update, no more than the reference's own rounding error (the same count of
roundings, or fewer, per value).

Arrays that are not C-contiguous (slices with steps, transposes, broadcast
gradients) are copied into contiguous buffers for the pass; with ``inplace=True``
the new values are then written back into the caller's arrays, which are the ones
returned, as on every backend.

Threads: from :data:`THREADS_MIN` values on (and when Numba has more than one
thread) the pass runs on all of Numba's threads. The arrays are cut into blocks of
:data:`BLOCK` values and thread ``t`` of ``T`` takes blocks ``t, t + T, t + 2T, …``, so
that the threads stream through neighbouring memory. On the two-core machine this
was built on, otherwise nearly idle, two threads made the in-place update of
10\ :sup:`6` float32 parameters 1.5–2.2 times faster than one (the arrays sit in the
last-level cache; a second core brings a second divider and a second path to it) and
of 10\ :sup:`7` parameters 1.3–1.5 times (main memory); below about 2\ :sup:`19`
values starting the threads costs about what it saves. The threads must all finish
before the update returns, so on a machine whose cores are busy with other work a
single thread (``NUMBA_NUM_THREADS=1``) can be several times faster.

Small arrays: every rule but SGD always runs its kernel; the compiled call costs a
few microseconds, less than NumPy's several ufunc calls, and below about a thousand
values both backends' time is mostly the shared argument checks. SGD's NumPy form
is two ufunc calls (four with weight decay), cheaper than the call into the kernel below
:data:`SGD_KERNEL_MIN` values.

:func:`clip_global_norm` is one pass per array for its sum of squares (in float64)
and one more, only when the gradients are scaled, that writes the new arrays;
:func:`lr_schedule` is a host-side function of scalars, the reference's.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
from numba import get_num_threads, njit, prange

from reference import optimizers as _ref
from reference.optimizers import (AdadeltaState, AdagradState, AdamState, MomentumState,
                                  RMSpropState, _checked, _clip_checked, _param, _sgd_checked)

#: :func:`sgd_update` runs its kernel from this many values on; below, NumPy's one expression
#: (two ufunc calls) costs less than a compiled call. Every other rule always runs its kernel.
SGD_KERNEL_MIN = 4096

#: From this many values on, an update runs on all of Numba's threads (``numba.get_num_threads()``;
#: set ``NUMBA_NUM_THREADS=1`` or call ``numba.set_num_threads(1)`` to keep it on one).
THREADS_MIN = 2 ** 19


# ---------------------------------------------------------------------------
# one parameter's update, in its dtype: the reference's order (Adam, Nadam, Adadelta: folded constants).
# Each rule's arithmetic is written here once; _passes (below) makes its loops and kernels from it.
# Arguments: p (the parameter), g (its gradient), the state's values, then the rule's scalars.


@njit(inline="always")
def _sgd(p, g, eta):
    return p - eta * g


@njit(inline="always")
def _momentum(p, g, v, eta, lam, nesterov):
    v = lam * v - eta * g
    if nesterov:
        return p + lam * v - eta * g, v
    return p + v, v


@njit(inline="always")
def _adagrad(p, g, s, eta, eps, slide):
    s = s + g * g
    root = np.sqrt(s)
    eta_w = eta / (root + eps)
    if slide and not root > 0:              # the slide's eta / sqrt(0): 0 (in the dtype), no step
        eta_w = eta - eta
    return p - eta_w * g, s


@njit(inline="always")
def _rmsprop(p, g, s, eta, alpha, c_alpha, eps):
    s = alpha * s + c_alpha * (g * g)
    return p - eta / (np.sqrt(s) + eps) * g, s


@njit(inline="always")
def _adadelta(p, g, a, b, eta, rho, c_rho, eps):
    a = rho * a + c_rho * (g * g)
    dw = -np.sqrt((b + eps) / (a + eps)) * g      # one root of the quotient, not a quotient of roots
    b = rho * b + c_rho * (dw * dw)
    return p + eta * dw, a, b


@njit(inline="always")
def _adam(p, g, m, v, b1, c1, b2, c2, step, inv_bc2, eps):
    # step = alpha / (1 - beta1^t) and inv_bc2 = 1 / (1 - beta2^t), from the host
    m = b1 * m + c1 * g
    v = b2 * v + c2 * (g * g)
    return p - step * m / (np.sqrt(v * inv_bc2) + eps), m, v


@njit(inline="always")
def _nadam(p, g, m, v, b1, c1, b2, c2, cm, cg, inv_bc2, alpha, eps):
    # cm = beta1 / (1 - beta1^(t+1)), cg = (1 - beta1) / (1 - beta1^t), inv_bc2 = 1 / (1 - beta2^t)
    m = b1 * m + c1 * g
    v = b2 * v + c2 * (g * g)
    m_hat = m * cm + g * cg
    return p - alpha * m_hat / (np.sqrt(v * inv_bc2) + eps), m, v


# ---------------------------------------------------------------------------
# from one parameter's update to the compiled passes

#: The arrays are cut into blocks of this many values; with several threads, thread ``t`` of ``T``
#: updates blocks ``t, t + T, t + 2T, ...``, so that the threads stream through neighbouring memory.
BLOCK = 32768

# Each rule's loop, block loop and two kernels, written once for every rule. ``_passes`` fills
# the fields with one rule's names (for Adam: arrays ``p, g, m, v``, outputs ``po, mo, vo``,
# scalars ``b1, c1, b2, c2, step, inv_bc2, eps, wd``) and compiles the result as if it stood on
# these lines of this file, so that Numba's messages and tracebacks point here and its on-disk
# cache (which keys a function by its file, name and line) keeps each rule's kernels apart.
# The loops: (inputs, outputs) — in place, the outputs are the inputs themselves. The weight
# decay (0 or not) and ``inplace`` are chosen once, outside the loop: in place the loop reads and
# writes the same arrays, which the compiler can see, so it vectorises without overlap checks.
_PASSES_LINE = inspect.currentframe().f_lineno + 2      # the line in this file of the text below
_PASSES = '''\
@njit(inline="always")
def {name}_loop({arrays}, {outs}, {scalars}):
    if wd != 0:
        for i in range(p.size):
            {targets} = {name}(p[i], g[i] + wd * p[i], {element_args})
    else:
        for i in range(p.size):
            {targets} = {name}(p[i], g[i], {element_args})


@njit(inline="always")
def {name}_blocks(t, T, {arrays}, {outs}, {scalars}, inplace):
    n = p.size
    for k in range(t, (n + BLOCK - 1) // BLOCK, T):
        i, j = k * BLOCK, min(n, (k + 1) * BLOCK)
        {block_arrays} = {block_slices}
        if inplace:
            {name}_loop({block_arrays}, {block_same}, {scalars})
        else:
            {name}_loop({block_arrays}, {block_outs}, {scalars})


@njit(cache=True, error_model="numpy")
def {name}_kernel({arrays}, {outs}, {scalars}, inplace, threads):
    dt = p.dtype.type                       # the host's float64 numbers, rounded to the dtype
    {rounded} = {rounding}
    {name}_blocks(0, 1, {arrays}, {outs}, {scalars}, inplace)


@njit(cache=True, error_model="numpy", parallel=True)
def {name}_kernel_threads({arrays}, {outs}, {scalars}, inplace, threads):
    dt = p.dtype.type                       # the host's float64 numbers, rounded to the dtype
    {rounded} = {rounding}
    for t in prange(threads):
        {name}_blocks(t, threads, {arrays}, {outs}, {scalars}, inplace)
'''

#: The names the generated passes use for themselves, which a rule's arguments must not take.
_RESERVED = {"i", "j", "k", "n", "t", "T", "dt", "wd", "inplace", "threads", "BLOCK"}

#: Each kernel's threaded twin; :func:`_passes` adds each rule's pair.
_THREADED = {}

#: Each rule's generated source, by element function name, for a reader (``print(_SOURCE["_adam"])``).
_SOURCE = {}


def _passes(element, states=(), flags=()):
    """Make one rule's kernels from its update of one parameter, ``element``.

    ``element(p, g, *state, *scalars)`` is an ``@njit(inline="always")`` function of
    one parameter's values that returns the new parameter (and, with ``states``, the
    new state values, in ``states``' order). ``states`` names its state arguments,
    ``flags`` those of its scalar arguments that are booleans (passed as they are;
    every other scalar is a float64 from the host, rounded to the parameter's dtype
    once, before the loop). The weight decay ``wd`` is added here: the loop passes
    ``g + wd * p`` as the gradient when ``wd != 0``.

    Defines ``<element>_loop``, ``<element>_blocks``, ``<element>_kernel`` and
    ``<element>_kernel_threads`` in this module, from the text of :data:`_PASSES`, and
    returns the two kernels, which take ``(*inputs, *outputs, *scalars, wd, *flags,
    inplace, threads)``: the inputs ``p, g, *state``, the outputs one array for ``p``
    and one per state array.
    """
    name = element.__name__
    args = list(inspect.signature(element.py_func).parameters)
    states, flags = list(states), list(flags)
    if args[:2] != ["p", "g"] or args[2:2 + len(states)] != states:
        raise TypeError(f"_passes: {name} must take (p, g, {', '.join(states)}, ...); takes {args}")
    extra = args[2 + len(states):]
    hyper = [a for a in extra if a not in flags]
    outs = ["po"] + [s + "o" for s in states]
    names = set(args) | set(outs)
    if names & _RESERVED or len(names) != len(args) + len(outs) or not set(flags) <= set(extra):
        raise TypeError(f"_passes: {name}'s arguments {args} clash with the generated names")
    arrays = ["p", "g"] + states
    written = ["p"] + states                            # the arrays each update writes
    block = {a: a + "_b" for a in arrays}
    rounded = hyper + ["wd"]
    text = _PASSES.format(
        name=name, arrays=", ".join(arrays), outs=", ".join(outs),
        scalars=", ".join(rounded + flags),
        targets=", ".join(f"{o}[i]" for o in outs),
        element_args=", ".join([f"{s}[i]" for s in states] + extra),
        block_arrays=", ".join(block[a] for a in arrays),
        block_slices=", ".join(f"{a}[i:j]" for a in arrays),
        block_same=", ".join(block[a] for a in written),
        block_outs=", ".join(f"{o}[i:j]" for o in outs),
        rounded=", ".join(rounded), rounding=", ".join(f"dt({s})" for s in rounded))
    _SOURCE[name] = text
    exec(compile("\n" * (_PASSES_LINE - 1) + text, __file__, "exec"), globals())
    kernel, threaded = globals()[name + "_kernel"], globals()[name + "_kernel_threads"]
    _THREADED[kernel] = threaded
    return kernel, threaded


_sgd_kernel, _sgd_kernel_threads = _passes(_sgd)
_momentum_kernel, _momentum_kernel_threads = _passes(_momentum, states=["v"], flags=["nesterov"])
_adagrad_kernel, _adagrad_kernel_threads = _passes(_adagrad, states=["s"], flags=["slide"])
_rmsprop_kernel, _rmsprop_kernel_threads = _passes(_rmsprop, states=["s"])
_adadelta_kernel, _adadelta_kernel_threads = _passes(_adadelta, states=["a", "b"])
_adam_kernel, _adam_kernel_threads = _passes(_adam, states=["m", "v"])
_nadam_kernel, _nadam_kernel_threads = _passes(_nadam, states=["m", "v"])

@njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _sum_squares(a):
    """:math:`\\sum_i a_i^2` accumulated in float64 (reassociated, so that it vectorises)."""
    s = 0.0
    for i in range(a.size):
        x = np.float64(a[i])
        s += x * x
    return s


@njit(cache=True, error_model="numpy")
def _scaled(a, scale):
    """``a * scale`` in ``a``'s dtype (``scale``, a float64, rounded to it first, as NumPy does)."""
    scale = a.dtype.type(scale)
    out = np.empty_like(a)
    for i in range(a.size):
        out[i] = a[i] * scale
    return out


# ---------------------------------------------------------------------------
# the host side: flat views (or contiguous copies), outputs, results


def _flat(a):
    """``a`` as a 1-D C-ordered array: a view when ``a`` is C-contiguous, else a contiguous copy."""
    if a.flags.c_contiguous:
        return a.reshape(-1)
    return np.ascontiguousarray(a).reshape(-1)


def _run(kernel, arrays, inplace, *scalars):
    """Run ``kernel(*inputs, *outputs, *scalars, inplace, threads)`` on ``arrays`` (param first, then
    grad, then the state's arrays) and return the new parameter and state arrays in ``arrays``' shape.

    From :data:`THREADS_MIN` values on, and when Numba has more than one thread, the
    kernel's threaded twin runs instead. In place the kernel writes into the flat inputs:
    views of the caller's arrays, or contiguous copies that are written back afterwards.
    Otherwise it writes new arrays.
    """
    flat = [_flat(a) for a in arrays]
    written = [flat[0]] + flat[2:]                       # param and the state's arrays
    threads = get_num_threads() if flat[0].size >= THREADS_MIN else 1
    if threads > 1:
        kernel = _THREADED[kernel]
    if inplace:
        kernel(*flat, *written, *scalars, True, threads)
        out = []
        for orig, f in zip(arrays[:1] + arrays[2:], written):
            if not np.may_share_memory(orig, f):
                orig[...] = f.reshape(orig.shape)
            out.append(orig)
        return out
    outs = [np.empty_like(f) for f in written]
    kernel(*flat, *outs, *scalars, False, threads)
    shape = arrays[0].shape
    return [o.reshape(shape) for o in outs]


def sgd_init(param):
    r"""The state plain SGD keeps for one parameter, none: :func:`reference.optimizers.sgd_init`.

    Concept: optim.sgd

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64

    Returns
    -------
    state : ``()``
    """
    _param("sgd_init", param)
    return ()


def sgd_update(param, grad, state, eta=0.01, weight_decay=0.0, inplace=False):
    r"""One plain SGD update in one pass: :func:`reference.optimizers.sgd_update`.

    .. math::

        w \leftarrow w - \eta \frac{\partial L}{\partial w}
        \qquad\text{or, with weight decay } \lambda:\qquad
        w \leftarrow w - \eta \left(\frac{\partial L}{\partial w} + \lambda w\right)

    Below :data:`SGD_KERNEL_MIN` values it is NumPy's expression (the same arithmetic).

    Concept: optim.sgd, gd.step, regularize.l2

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64
    grad : ndarray, ``param``'s shape and dtype
    state : from :func:`sgd_init` (``()``)
    eta : float > 0
    weight_decay : float >= 0
    inplace : bool — write the result into ``param``

    Returns
    -------
    param : ndarray, a new array (``param`` itself with ``inplace``)
    state : ``()``
    """
    param, grad, eta, lam, inplace = _sgd_checked(param, grad, state, eta, weight_decay, inplace)
    return _apply_sgd(param, grad, (), {"eta": eta, "weight_decay": lam}, inplace)


def _apply_sgd(param, grad, state, h, inplace):
    eta, lam = h["eta"], h["weight_decay"]
    if param.size < SGD_KERNEL_MIN:
        g = grad + lam * param if lam else grad
        new = (param - eta * g).astype(param.dtype, copy=False)
        if inplace:
            param[...] = new
            return param, ()
        return new, ()
    (new,) = _run(_sgd_kernel, [param, grad], inplace, eta, lam)
    return new, ()


def momentum_init(param):
    r"""Momentum's state, the velocity :math:`v^0 = 0`: :func:`reference.optimizers.momentum_init`.

    Concept: optim.momentum

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.MomentumState` ``(v,)`` — zeros like ``param``
    """
    param = _param("momentum_init", param)
    return MomentumState(v=np.zeros_like(param))


def momentum_update(param, grad, state, eta=0.01, momentum=0.9, nesterov=False, weight_decay=0.0,
                    inplace=False):
    r"""One momentum update in one pass: :func:`reference.optimizers.momentum_update`.

    .. math::

        v \leftarrow \lambda v - \eta \nabla L(\theta), \qquad \theta \leftarrow \theta + v
        \qquad(\text{Nesterov: } \theta \leftarrow \theta + \lambda v - \eta \nabla L(\theta))

    Concept: optim.momentum

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64 — :math:`\theta`
    grad : ndarray, ``param``'s shape and dtype
    state : :class:`~reference.optimizers.MomentumState` from :func:`momentum_init`
    eta : float > 0
    momentum : float in [0, 1) — :math:`\lambda`
    nesterov : bool
    weight_decay : float >= 0
    inplace : bool — overwrite ``param`` and ``state.v``

    Returns
    -------
    param : ndarray
    state : :class:`~reference.optimizers.MomentumState`
    """
    theta, g, state, h = _checked("momentum_update", param, grad, state, MomentumState, inplace,
                                  eta=eta, momentum=momentum, nesterov=nesterov,
                                  weight_decay=weight_decay)
    return _apply_momentum(theta, g, state, h, inplace)


def _apply_momentum(theta, g, state, h, inplace):
    p, v = _run(_momentum_kernel, [theta, g, state.v], inplace,
                h["eta"], h["momentum"], h["weight_decay"], h["nesterov"])
    return p, MomentumState(v=v)


def adagrad_init(param):
    r"""Adagrad's state, the sum of squared gradients (0): :func:`reference.optimizers.adagrad_init`.

    Concept: optim.adagrad

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.AdagradState` ``(g2_sum,)`` — zeros like ``param``
    """
    param = _param("adagrad_init", param)
    return AdagradState(g2_sum=np.zeros_like(param))


def adagrad_update(param, grad, state, eta=0.01, eps=0.0, weight_decay=0.0, inplace=False):
    r"""One Adagrad update in one pass: :func:`reference.optimizers.adagrad_update`.

    .. math::

        w \leftarrow w - \frac{\eta}{\sqrt{\sum_{i=0}^{t} (g^i)^2}}\, g^t
        \qquad(\epsilon > 0:\ \frac{\eta}{\sqrt{\sum_i (g^i)^2} + \epsilon})

    With ``eps=0`` (the slide's form) a parameter whose sum is 0 does not move.

    Concept: optim.adagrad, optim.adagrad_example

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64 — :math:`w`
    grad : ndarray, ``param``'s shape and dtype — :math:`g^t`
    state : :class:`~reference.optimizers.AdagradState` from :func:`adagrad_init`
    eta : float > 0
    eps : float >= 0
    weight_decay : float >= 0
    inplace : bool — overwrite ``param`` and ``state.g2_sum``

    Returns
    -------
    param : ndarray
    state : :class:`~reference.optimizers.AdagradState`
    """
    w, g, state, h = _checked("adagrad_update", param, grad, state, AdagradState, inplace,
                              eta=eta, eps=eps, weight_decay=weight_decay)
    return _apply_adagrad(w, g, state, h, inplace)


def _apply_adagrad(w, g, state, h, inplace):
    p, s = _run(_adagrad_kernel, [w, g, state.g2_sum], inplace,
                h["eta"], h["eps"], h["weight_decay"], h["eps"] == 0)
    return p, AdagradState(g2_sum=s)


def rmsprop_init(param):
    r"""RMSprop's state, the mean square (0): :func:`reference.optimizers.rmsprop_init`.

    Concept: optim.rmsprop

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.RMSpropState` ``(sigma2,)`` — zeros like ``param``
    """
    param = _param("rmsprop_init", param)
    return RMSpropState(sigma2=np.zeros_like(param))


def rmsprop_update(param, grad, state, eta=0.001, alpha=0.9, eps=1e-8, weight_decay=0.0,
                   inplace=False):
    r"""One RMSprop update in one pass: :func:`reference.optimizers.rmsprop_update`.

    .. math::

        (\sigma^t)^2 = \alpha (\sigma^{t-1})^2 + (1 - \alpha)(g^t)^2, \qquad
        w \leftarrow w - \frac{\eta}{\sigma^t + \epsilon}\, g^t

    Concept: optim.rmsprop

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64 — :math:`w`
    grad : ndarray, ``param``'s shape and dtype — :math:`g^t`
    state : :class:`~reference.optimizers.RMSpropState` from :func:`rmsprop_init`
    eta : float > 0
    alpha : float in [0, 1)
    eps : float > 0
    weight_decay : float >= 0
    inplace : bool — overwrite ``param`` and ``state.sigma2``

    Returns
    -------
    param : ndarray
    state : :class:`~reference.optimizers.RMSpropState`
    """
    w, g, state, h = _checked("rmsprop_update", param, grad, state, RMSpropState, inplace,
                              eta=eta, alpha=alpha, eps=eps, weight_decay=weight_decay)
    return _apply_rmsprop(w, g, state, h, inplace)


def _apply_rmsprop(w, g, state, h, inplace):
    alpha = h["alpha"]
    p, s = _run(_rmsprop_kernel, [w, g, state.sigma2], inplace,
                h["eta"], alpha, 1 - alpha, h["eps"], h["weight_decay"])
    return p, RMSpropState(sigma2=s)


def adadelta_init(param):
    r"""Adadelta's state, :math:`E[g^2] = E[\Delta w^2] = 0`: :func:`reference.optimizers.adadelta_init`.

    Concept: optim.adadelta

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.AdadeltaState` ``(g2_mean, dw2_mean)`` — zeros like ``param``
    """
    param = _param("adadelta_init", param)
    return AdadeltaState(g2_mean=np.zeros_like(param), dw2_mean=np.zeros_like(param))


def adadelta_update(param, grad, state, eta=1.0, rho=0.95, eps=1e-6, weight_decay=0.0,
                    inplace=False):
    r"""One Adadelta update in one pass: :func:`reference.optimizers.adadelta_update`.

    .. math::

        E[g^2] &\leftarrow \rho\, E[g^2] + (1 - \rho)\, g^2 \\
        \Delta w &= -\frac{\sqrt{E[\Delta w^2] + \epsilon}}{\sqrt{E[g^2] + \epsilon}}\; g \\
        E[\Delta w^2] &\leftarrow \rho\, E[\Delta w^2] + (1 - \rho)\, \Delta w^2 \\
        w &\leftarrow w + \eta\, \Delta w

    Concept: optim.adadelta

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64 — :math:`w`
    grad : ndarray, ``param``'s shape and dtype — :math:`g`
    state : :class:`~reference.optimizers.AdadeltaState` from :func:`adadelta_init`
    eta : float > 0
    rho : float in [0, 1)
    eps : float > 0
    weight_decay : float >= 0
    inplace : bool — overwrite ``param`` and the state's arrays

    Returns
    -------
    param : ndarray
    state : :class:`~reference.optimizers.AdadeltaState`
    """
    w, g, state, h = _checked("adadelta_update", param, grad, state, AdadeltaState, inplace,
                              eta=eta, rho=rho, eps=eps, weight_decay=weight_decay)
    return _apply_adadelta(w, g, state, h, inplace)


def _apply_adadelta(w, g, state, h, inplace):
    rho = h["rho"]
    p, a, b = _run(_adadelta_kernel, [w, g, state.g2_mean, state.dw2_mean], inplace,
                   h["eta"], rho, 1 - rho, h["eps"], h["weight_decay"])
    return p, AdadeltaState(g2_mean=a, dw2_mean=b)


def adam_init(param):
    r"""Adam's state, :math:`m_0 = v_0 = 0`, :math:`t = 0`: :func:`reference.optimizers.adam_init`.

    Concept: optim.adam

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.AdamState` ``(m, v, t)`` — zeros like ``param``, ``t = 0``
    """
    param = _param("adam_init", param)
    return AdamState(m=np.zeros_like(param), v=np.zeros_like(param), t=0)


def adam_update(param, grad, state, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                inplace=False):
    r"""One Adam update in one pass: :func:`reference.optimizers.adam_update`.

    .. math::

        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
        v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \\
        \theta_t &\leftarrow \theta_{t-1} - \alpha\, \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}

    The bias corrections :math:`1 - \beta^t` are computed once per update on the host.

    Concept: optim.adam

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64 — :math:`\theta_{t-1}`
    grad : ndarray, ``param``'s shape and dtype — :math:`g_t`
    state : :class:`~reference.optimizers.AdamState` from :func:`adam_init`
    eta : float > 0 — :math:`\alpha`
    beta1, beta2 : float in [0, 1)
    eps : float > 0
    weight_decay : float >= 0
    inplace : bool — overwrite ``param``, ``state.m`` and ``state.v``

    Returns
    -------
    param : ndarray — :math:`\theta_t`
    state : :class:`~reference.optimizers.AdamState` — :math:`(m_t, v_t, t)`
    """
    theta, g, state, h = _checked("adam_update", param, grad, state, AdamState, inplace,
                                  eta=eta, beta1=beta1, beta2=beta2, eps=eps,
                                  weight_decay=weight_decay)
    return _apply_adam(theta, g, state, h, inplace)


def _apply_adam(theta, g, state, h, inplace):
    b1, b2, t = h["beta1"], h["beta2"], state.t + 1
    p, m, v = _run(_adam_kernel, [theta, g, state.m, state.v], inplace,
                   b1, 1 - b1, b2, 1 - b2, h["eta"] / (1 - b1 ** t),
                   1 / (1 - b2 ** t), h["eps"], h["weight_decay"])
    return p, AdamState(m=m, v=v, t=t)


def nadam_init(param):
    r"""Nadam's state, Adam's :math:`(0, 0, t = 0)`: :func:`reference.optimizers.nadam_init`.

    Concept: optim.nadam

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64

    Returns
    -------
    state : :class:`~reference.optimizers.AdamState` ``(m, v, t)``
    """
    param = _param("nadam_init", param)
    return AdamState(m=np.zeros_like(param), v=np.zeros_like(param), t=0)


def nadam_update(param, grad, state, eta=0.002, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                 inplace=False):
    r"""One Nadam update in one pass: :func:`reference.optimizers.nadam_update`.

    .. math::

        \hat m_t = \frac{\beta_1\, m_t}{1 - \beta_1^{t+1}} + \frac{(1 - \beta_1)\, g_t}{1 - \beta_1^t},
        \qquad
        \theta_t \leftarrow \theta_{t-1} - \alpha\, \frac{\hat m_t}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}

    with :math:`m_t` and :math:`v_t` as in Adam.

    Concept: optim.nadam

    Parameters
    ----------
    param : ndarray, any shape, float32 or float64 — :math:`\theta_{t-1}`
    grad : ndarray, ``param``'s shape and dtype — :math:`g_t`
    state : :class:`~reference.optimizers.AdamState` from :func:`nadam_init`
    eta : float > 0 — :math:`\alpha`
    beta1, beta2 : float in [0, 1)
    eps : float > 0
    weight_decay : float >= 0
    inplace : bool — overwrite ``param``, ``state.m`` and ``state.v``

    Returns
    -------
    param : ndarray — :math:`\theta_t`
    state : :class:`~reference.optimizers.AdamState` — :math:`(m_t, v_t, t)`
    """
    theta, g, state, h = _checked("nadam_update", param, grad, state, AdamState, inplace,
                                  eta=eta, beta1=beta1, beta2=beta2, eps=eps,
                                  weight_decay=weight_decay)
    return _apply_nadam(theta, g, state, h, inplace)


def _apply_nadam(theta, g, state, h, inplace):
    b1, b2, t = h["beta1"], h["beta2"], state.t + 1
    p, m, v = _run(_nadam_kernel, [theta, g, state.m, state.v], inplace,
                   b1, 1 - b1, b2, 1 - b2, b1 / (1 - b1 ** (t + 1)),
                   (1 - b1) / (1 - b1 ** t), 1 / (1 - b2 ** t), h["eta"], h["eps"],
                   h["weight_decay"])
    return p, AdamState(m=m, v=v, t=t)


#: Each rule's update after the argument checks: ``_APPLY[rule](param, grad, state, hyper, inplace)``, with
#: ``hyper`` the checked hyperparameters (a dict of floats, as ``_checked`` returns it). For benchmarks that
#: time the pass without the checks' fixed cost.
_APPLY = {"sgd": _apply_sgd, "momentum": _apply_momentum, "adagrad": _apply_adagrad,
          "rmsprop": _apply_rmsprop, "adadelta": _apply_adadelta, "adam": _apply_adam,
          "nadam": _apply_nadam}


def lr_schedule(eta, t, schedule="inverse_sqrt", decay=1.0, drop=0.5, every=10):
    r"""The learning rate :math:`\eta^t` of the :math:`t`-th update: :func:`reference.optimizers.lr_schedule`.

    .. math::

        \text{inverse\_sqrt}: \ \eta^t = \eta / \sqrt{t + 1}, \quad
        \text{inverse\_time}: \ \eta / (1 + d\, t), \quad
        \text{step}: \ \eta \cdot \text{drop}^{\lfloor t / \text{every} \rfloor}, \quad
        \text{constant}: \ \eta

    A host-side function of numbers, the same on every backend: this calls the reference's.

    Concept: lr.schedule

    Parameters
    ----------
    eta : float > 0
    t : int >= 0
    schedule : one of :data:`reference.optimizers.SCHEDULES`
    decay : float >= 0
    drop : float in (0, 1]
    every : int >= 1

    Returns
    -------
    eta_t : float
    """
    return _ref.lr_schedule(eta, t, schedule=schedule, decay=decay, drop=drop, every=every)


def clip_global_norm(grads, max_norm):
    r"""Scale gradients together to a joint norm of at most :math:`\tau`: :func:`reference.optimizers.clip_global_norm`.

    .. math::

        \lVert g \rVert = \sqrt{\textstyle\sum_k \lVert g_k \rVert^2}, \qquad
        g_k \leftarrow g_k \cdot \min\!\left(1, \frac{\tau}{\lVert g \rVert}\right)

    One pass per array sums its squares in float64; one more writes each scaled
    array (a copy when nothing is scaled).

    Concept: rnn.clipping

    Parameters
    ----------
    grads : sequence of ndarrays — one or more non-empty float arrays, any shapes, one dtype
    max_norm : float > 0 — :math:`\tau`

    Returns
    -------
    clipped : tuple of ndarrays — new arrays, in ``grads``' order, shapes and dtype
    norm : float — :math:`\lVert g \rVert` before clipping
    """
    grads, tau = _clip_checked(grads, max_norm)
    flat = [_flat(g) for g in grads]
    norm = math.sqrt(sum(_sum_squares(f) for f in flat))
    scale = min(1.0, tau / norm) if norm > 0 else 1.0
    if scale == 1.0:
        return tuple(g.copy() for g in grads), norm
    return tuple(_scaled(f, scale).reshape(g.shape) for f, g in zip(flat, grads)), norm
