r"""Optimization on the CPU: :mod:`reference.optimize`, compiled with Numba.

What is fused, and why:

* :func:`~accelerated.cpu.optimize.network_epoch` runs the *whole* epoch in one compiled call: for every
  mini-batch it gathers the batch's rows, runs the forward pass, the loss, the
  backward pass and the update, with no return to Python in between. The reference
  makes dozens of Python calls per batch (each with its argument checks), which at
  the lecture's sizes (batches of 32, 100 units) cost more than the arithmetic. The
  parameters travel as one flat buffer with the layer sizes beside it, so one kernel
  serves any depth; each ``W_l`` is a reshaped view of its slice. The gradients go
  to a second flat buffer and the update :math:`\theta \leftarrow \theta - \eta g` is one
  loop over it. Workspaces (the batch, each layer's output, two gradient buffers)
  are allocated once per epoch. Matrix products go to BLAS; the bias, the
  activation and its derivative, the bias gradients, the loss and its gradient are
  folded into the passes around them (see :mod:`accelerated.cpu._fused`).
* :func:`~accelerated.cpu.optimize.mlp_epoch` does the same for the classifier MLP,
  with the softmax and the cross entropy fused into one pass and each weight update
  folded into the BLAS call that forms its gradient (:mod:`accelerated.cpu._mlp`).
* :func:`~accelerated.cpu.optimize.linear_gd` runs its whole loop compiled: per step two BLAS matrix-vector
  products (``x @ w`` and ``x.T @ dL/dy``) and one pass that adds ``b``, forms the
  loss and its gradient; the reference also forms the unused ``(N, D)``
  :math:`\partial L/\partial x` at every step.
* :func:`~accelerated.cpu.optimize.closed_form` forms :math:`X^T X` and :math:`X^T \hat y` in float64 in
  one kernel, without building :math:`X`: one pass over ``x`` sums its columns (the
  products with the column of ones) and forms :math:`x^T \hat y` (and, for a float32
  ``x``, writes its float64 copy), and :math:`x^T x` comes from BLAS ``dsyrk``, which
  exploits the symmetry for half the work of a general product (NumPy does the
  same for ``X.T @ X``; Numba's ``np.dot`` would do the whole product). Then it
  solves with the reference's own
  :func:`reference.optimize._solve_normal_equations`, so a singular system gets
  the same error.
* :func:`~accelerated.cpu.optimize.gd_step` is one pass, :math:`\theta - \eta g` computed in the
  input's dtype as the reference does (:math:`\eta` rounded to float32 first for float32).
  The optimizer rules (``sgd_update`` and the adaptive ones) are in
  :mod:`accelerated.cpu.optimizers`.

Losses are summed in float64 and rounded to the input's dtype; all other
arithmetic is in the input's dtype, in the reference's order.
"""

import ctypes

import numpy as np
from numba import njit
from numba.extending import get_cython_function_address

from reference import _check
from reference.activation_table import ACT_CODE, ACTIVATIONS, OUTPUT_CODE, OUTPUTS
from reference.losses import LOSSES
from reference.optimize import MLP_LOSSES, _solve_normal_equations
from reference.regularize import _scale

from ._fused import LOSS_CODE, activation_grad, bias_activation, loss_and_grad, readout_grad
from ._mlp import gemm, mlp_epoch_kernel, numpy_gemm

#: :func:`mlp_epoch` calls NumPy's own BLAS for every matrix product from this many
#: multiply-adds per batch on (below, Numba's ``np.dot`` and SciPy's BLAS).
MLP_OWN_BLAS_MIN = 2 ** 20

# ---------------------------------------------------------------------------
# kernels


def _dsyrk():
    """BLAS ``dsyrk`` from SciPy (the library behind Numba's ``np.dot``), looked up on first use."""
    f = _BLAS.get("dsyrk")
    if f is None:
        P = ctypes.c_void_p
        address = get_cython_function_address("scipy.linalg.cython_blas", "dsyrk")
        f = ctypes.CFUNCTYPE(None, *[P] * 10)(address)
        _BLAS["dsyrk"] = f
    return f


_BLAS = {}


@njit(inline="always")
def _gram(x64, XtX, dsyrk):
    """``XtX[:D, :D] = x64.T @ x64`` by BLAS ``dsyrk`` (``dsyrk`` is passed in, a ctypes function).

    The row-major ``x64`` is the column-major ``x64.T``, so ``dsyrk('U', 'N')`` writes
    the lower triangle of the row-major result, which is then mirrored.
    """
    N, D = x64.shape
    flags = np.array([85, 78], np.uint8)                  # 'U', 'N'
    dims = np.array([D, N, D, D + 1], np.int32)           # n, k, lda, ldc
    ab = np.array([1.0, 0.0])                             # alpha, beta
    dsyrk(flags[0:].ctypes, flags[1:].ctypes, dims[0:].ctypes, dims[1:].ctypes, ab[0:].ctypes,
          x64.ctypes, dims[2:].ctypes, ab[1:].ctypes, XtX.ctypes, dims[3:].ctypes)
    for i in range(D):
        for j in range(i + 1, D):
            XtX[i, j] = XtX[j, i]


@njit(inline="always")
def _border(colsum, xty, ysum, N, XtX, Xty):
    """The column of ones: its products with ``x`` (column sums) and with itself (``N``)."""
    D = colsum.size
    for j in range(D):
        XtX[j, D] = colsum[j]
        XtX[D, j] = colsum[j]
        Xty[j] = xty[j]
    XtX[D, D] = N
    Xty[D] = ysum


@njit(cache=True, error_model="numpy")
def _normal_equations(x, y_hat, dsyrk):
    """:math:`X^T X` and :math:`X^T \\hat y` for ``X = [x, 1]``, ``x`` and ``y_hat`` float64:
    ``dsyrk``, then one pass for the column sums and :math:`x^T \\hat y`."""
    N, D = x.shape
    XtX = np.empty((D + 1, D + 1))
    Xty = np.empty(D + 1)
    _gram(x, XtX, dsyrk)
    colsum = np.zeros(D)
    xty = np.zeros(D)
    ysum = 0.0
    for n in range(N):
        yn = y_hat[n]
        ysum += yn
        for j in range(D):
            colsum[j] += x[n, j]
            xty[j] += x[n, j] * yn
    _border(colsum, xty, ysum, N, XtX, Xty)
    return XtX, Xty


@njit(cache=True, error_model="numpy")
def _normal_equations32(x, y_hat, dsyrk):
    """The same for a float32 ``x``: the pass that sums also writes ``x``'s float64 copy."""
    N, D = x.shape
    x64 = np.empty((N, D))
    colsum = np.zeros(D)
    xty = np.zeros(D)
    ysum = 0.0
    for n in range(N):
        yn = np.float64(y_hat[n])
        ysum += yn
        for j in range(D):
            v = np.float64(x[n, j])
            x64[n, j] = v
            colsum[j] += v
            xty[j] += v * yn
    XtX = np.empty((D + 1, D + 1))
    Xty = np.empty(D + 1)
    _gram(x64, XtX, dsyrk)
    _border(colsum, xty, ysum, N, XtX, Xty)
    return XtX, Xty


@njit(cache=True, error_model="numpy")
def _gd_step(theta, g, eta):
    eta = theta.dtype.type(eta)             # rounded to float32 first for float32, as NumPy does
    out = np.empty_like(theta)
    for i in range(theta.size):
        out[i] = theta[i] - eta * g[i]
    return out


@njit(cache=True, error_model="numpy")
def _linear_gd(x, y_hat, w0, b0, eta, steps, loss):
    N, D = x.shape
    dt = x.dtype
    eta = dt.type(eta)
    w_path = np.empty((steps + 1, D), dt)
    b_path = np.empty(steps + 1, dt)
    L_path = np.empty(steps + 1, dt)
    w = w0.copy()
    b = b0[()]
    y = np.empty(N, dt)
    g = np.empty(N, dt)
    dw = np.empty(D, dt)
    for t in range(steps + 1):
        w_path[t, :] = w
        b_path[t] = b
        np.dot(x, w, y)
        for n in range(N):
            y[n] = b + y[n]
        L_path[t] = loss_and_grad(y, y_hat, loss, g)
        if t == steps:
            break
        np.dot(x.T, g, dw)
        db = 0.0
        for n in range(N):
            db += g[n]
        for j in range(D):
            w[j] = w[j] - eta * dw[j]
        b = b - eta * dt.type(db)
    return w_path, b_path, L_path


@njit(cache=True, error_model="numpy")
def _epoch(x, y_hat, theta, sizes, order, batch_size, eta, code, loss):
    """One epoch of mini-batch gradient descent; ``theta`` (flat) is updated in place.

    ``theta`` holds ``W1, b1, ..., WL, bL, c, b`` one after the other (C order);
    ``sizes = (D, H1, ..., HL)``. Returns the loss of each batch before its update.
    """
    N, D = x.shape
    dt = x.dtype
    eta = dt.type(eta)
    n_layers = sizes.size - 1
    # offsets of W_l and b_l in theta; the biggest width; the room for the layer outputs
    offW = np.empty(n_layers + 1, np.int64)
    offb = np.empty(n_layers + 1, np.int64)
    pos = 0
    width = D
    act_room = 0
    for l in range(1, n_layers + 1):
        offW[l] = pos
        pos += sizes[l] * sizes[l - 1]
        offb[l] = pos
        pos += sizes[l]
        width = max(width, sizes[l])
        act_room += sizes[l]
    offc = pos
    H_top = sizes[n_layers]
    B = batch_size if batch_size < N else N
    n_batches = (N + batch_size - 1) // batch_size

    grad = np.empty_like(theta)
    xb = np.empty(B * D, dt)
    yb = np.empty(B, dt)
    y = np.empty(B, dt)
    dy = np.empty(B, dt)
    outs = np.empty(B * act_room, dt)       # every hidden layer's output for the batch
    buf0 = np.empty(B * width, dt)          # dL/dr of a layer, and dL/da of the one below
    buf1 = np.empty(B * width, dt)
    losses = np.empty(n_batches, dt)

    for k in range(n_batches):
        start = k * batch_size
        nb = min(batch_size, N - start)
        # gather the batch
        X = xb[:nb * D].reshape(nb, D)
        for i in range(nb):
            r = order[start + i]
            yb[i] = y_hat[r]
            for j in range(D):
                X[i, j] = x[r, j]
        # forward: the hidden layers, then the read-out
        a = X
        ao = 0
        for l in range(1, n_layers + 1):
            H = sizes[l]
            W = theta[offW[l]:offW[l] + H * sizes[l - 1]].reshape(H, sizes[l - 1])
            out = outs[ao:ao + nb * H].reshape(nb, H)
            np.dot(a, W.T, out)
            bias_activation(out, theta[offb[l]:offb[l] + H], code)
            a = out
            ao += nb * H
        c = theta[offc:offc + H_top]
        yk = y[:nb]
        np.dot(a, c, yk)
        b0 = theta[offc + H_top]
        for i in range(nb):
            yk[i] = b0 + yk[i]
        g = dy[:nb]
        losses[k] = loss_and_grad(yk, yb[:nb], loss, g)
        # backward
        dc = grad[offc:offc + H_top]
        if n_layers == 0:
            np.dot(a.T, g, dc)
            s = 0.0
            for i in range(nb):
                s += g[i]
            grad[offc + H_top] = s
        else:
            H = H_top
            dr = buf0[:nb * H].reshape(nb, H)
            grad[offc + H_top] = readout_grad(g, c, a, code, dr, grad[offb[n_layers]:offb[n_layers] + H], dc)
            cur, other = buf0, buf1
            for l in range(n_layers, 0, -1):
                H = sizes[l]
                Dl = sizes[l - 1]
                ao -= nb * H
                if l > 1:
                    below = outs[ao - nb * Dl:ao].reshape(nb, Dl)
                else:
                    below = X
                dr = cur[:nb * H].reshape(nb, H)
                np.dot(dr.T, below, grad[offW[l]:offW[l] + H * Dl].reshape(H, Dl))
                if l > 1:
                    W = theta[offW[l]:offW[l] + H * Dl].reshape(H, Dl)
                    da = other[:nb * Dl].reshape(nb, Dl)
                    np.dot(dr, W, da)
                    activation_grad(da, below, code, da, grad[offb[l - 1]:offb[l - 1] + Dl])
                    cur, other = other, cur
        # update every parameter at once
        for p in range(theta.size):
            theta[p] = theta[p] - eta * grad[p]
    return losses


# ---------------------------------------------------------------------------
# public functions


def closed_form(x, y_hat):
    r"""Least squares in closed form, :math:`\mathbf{w}^* = (X^T X)^{-1} X^T \hat{\mathbf{y}}`: :func:`reference.optimize.closed_form`.

    :math:`X^T X` and :math:`X^T \hat y` are formed in float64 in a kernel; the small
    system is solved by the reference's own solver (same result, same error when
    it is singular).

    Concept: opt.closed_form

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    y_hat : ndarray (N,)

    Returns
    -------
    w : ndarray (D,)
    b : scalar

    Raises
    ------
    ValueError
        If :math:`X^T X` is singular.
    """
    x, y_hat = _check.arrays("closed_form", x=(x, "N, D"), y_hat=(y_hat, "N"))
    kernel = _normal_equations if x.dtype == np.float64 else _normal_equations32
    XtX, Xty = kernel(np.ascontiguousarray(x), np.ascontiguousarray(y_hat), _dsyrk())
    theta = _solve_normal_equations("closed_form", XtX, Xty)
    return theta[:-1].astype(x.dtype), x.dtype.type(theta[-1])


def gd_step(theta, g, eta):
    r"""One gradient-descent update :math:`\boldsymbol\theta - \eta\,\mathbf g`: :func:`reference.optimize.gd_step`.

    Concept: gd.step

    Parameters
    ----------
    theta : ndarray, any shape, float32 or float64
    g : ndarray, ``theta``'s shape and dtype
    eta : float > 0

    Returns
    -------
    theta : ndarray, a new array (a NumPy scalar for a 0-d ``theta``, as in the reference)
    """
    theta = _check.arrays("gd_step", theta=(theta, "..."))
    g = _check.same_shape("gd_step", "g", g, "theta", theta)
    eta = _check.positive("gd_step", "eta", eta)
    out = _gd_step(theta.ravel(), g.ravel(), eta)
    return out.reshape(theta.shape) if theta.ndim else out[0]


def linear_gd(x, y_hat, w, b, eta, steps, loss="mse"):
    r"""Full-batch gradient descent on the linear model, keeping the path: :func:`reference.optimize.linear_gd`.

    The whole loop runs in one compiled call.

    Concept: gd.loop, gd.step

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    y_hat : ndarray (N,)
    w : ndarray (D,)
    b : scalar
    eta : float > 0
    steps : int >= 0
    loss : {"mse", "mae"}

    Returns
    -------
    w_path : ndarray (steps + 1, D)
    b_path : ndarray (steps + 1,)
    L_path : ndarray (steps + 1,)
    """
    x, y_hat, w, b = _check.arrays(
        "linear_gd", x=(x, "N, D"), y_hat=(y_hat, "N"), w=(w, "D"), b=(b, ""))
    eta = _check.positive("linear_gd", "eta", eta)
    steps = _check.count("linear_gd", "steps", steps, minimum=0)
    _check.choice("linear_gd", "loss", loss, LOSSES)
    c = np.ascontiguousarray
    return _linear_gd(c(x), c(y_hat), c(w), b, eta, steps, LOSS_CODE[loss])


def network_epoch(x, y_hat, *params, order=None, batch_size=1, eta=0.01,
                  activation="sigmoid", loss="mse"):
    r"""One epoch of mini-batch gradient descent on the network: :func:`reference.optimize.network_epoch`.

    The whole epoch — every batch's forward pass, loss, backward pass and
    update — runs in one compiled call.

    Concept: batch.minibatch, batch.epoch, batch.sizes

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    y_hat : ndarray (N,)
    *params : ``W1, b1, ..., WL, bL, c, b`` as for :func:`reference.network.network_forward`
    order : ndarray (N,) of int, a permutation of ``range(N)``; ``None`` keeps the given order
    batch_size : int >= 1
    eta : float > 0
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}
    loss : {"mse", "mae"}

    Returns
    -------
    params : tuple — the parameters after the epoch (new arrays; the inputs are not changed)
    losses : ndarray (ceil(N / B),) — each batch's loss before its update
    """
    x, params, y_hat = _check.params_chain("network_epoch", x, params, y_hat=(y_hat, "N"))
    N = x.shape[0]
    order = np.arange(N) if order is None else _check.order("network_epoch", "order", order, N)
    batch_size = _check.count("network_epoch", "batch_size", batch_size)
    eta = _check.positive("network_epoch", "eta", eta)
    _check.choice("network_epoch", "activation", activation, ACTIVATIONS)
    _check.choice("network_epoch", "loss", loss, LOSSES)
    theta = np.concatenate([p.ravel() for p in params])
    sizes = np.array([x.shape[1]] + [W.shape[0] for W in params[0:-2:2]], dtype=np.int64)
    c = np.ascontiguousarray
    losses = _epoch(c(x), c(y_hat), theta, sizes, c(order, dtype=np.int64), batch_size,
                    eta, ACT_CODE[activation], LOSS_CODE[loss])
    out = []
    pos = 0
    for p in params[:-1]:
        out.append(theta[pos:pos + p.size].reshape(p.shape))
        pos += p.size
    out.append(theta[pos])
    return tuple(out), losses


def mlp_epoch(x, y_hat, *params, order=None, batch_size=32, eta=0.01, activation="sigmoid",
              output="softmax", loss="cross_entropy", masks=None, rates=None):
    r"""One epoch of mini-batch SGD on the MLP: :func:`reference.optimize.mlp_epoch`.

    The whole epoch runs in one compiled call (:mod:`accelerated.cpu._mlp`): per
    batch the GEMMs go to BLAS, the bias, activation, softmax, loss and their
    gradients are fused into the passes around them, and each weight update is folded
    into the GEMM that forms its gradient. From :data:`MLP_OWN_BLAS_MIN`
    multiply-adds per batch on, every GEMM calls NumPy's own OpenBLAS (faster than
    SciPy's, which Numba's ``np.dot`` calls, at the 784-500-500-10 network's shapes).
    Dropout runs inside the same kernel: the masks are one flat array of data, and each
    batch's rows of a layer's mask multiply its input (and, in the backward, the
    gradient of that input) in one pass.

    .. math::

        \mathbf{g} = \nabla L^k(\boldsymbol\theta^{k-1}),\qquad
        \boldsymbol\theta^{k} \leftarrow \boldsymbol\theta^{k-1} - \eta\,\mathbf{g},
        \qquad k = 1, \dots, \lceil N / B \rceil

    Concept: batch.minibatch, batch.epoch, optim.sgd, backprop.chain, regularize.dropout

    Parameters
    ----------
    x : ndarray (N, D), float32 or float64
    y_hat : ndarray (N, K)
    *params : ``W1, b1, ..., WL, bL`` as for :func:`reference.network.mlp_forward`
    order : ndarray (N,) of int, a permutation of ``range(N)``; ``None`` keeps the given order
    batch_size : int >= 1
    eta : float > 0
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}
    output : {"softmax", "sigmoid", "linear"}
    loss : {"mse", "mae", "cross_entropy"}
    masks, rates : dropout of the layers' inputs, as for :func:`reference.optimize.mlp_epoch`
        (None: no dropout)

    Returns
    -------
    params : tuple — the parameters after the epoch (new arrays; the inputs are not changed)
    losses : ndarray (ceil(N / B),) — each batch's loss before its update
    """
    x, params, y_hat = _check.params_layers("mlp_epoch", x, params, y_hat=(y_hat, "N, K"))
    N = x.shape[0]
    order = np.arange(N) if order is None else _check.order("mlp_epoch", "order", order, N)
    batch_size = _check.count("mlp_epoch", "batch_size", batch_size)
    eta = _check.positive("mlp_epoch", "eta", eta)
    _check.choice("mlp_epoch", "activation", activation, ACTIVATIONS)
    _check.choice("mlp_epoch", "output", output, OUTPUTS)
    _check.choice("mlp_epoch", "loss", loss, MLP_LOSSES)
    if loss == "cross_entropy" and output != "softmax":
        raise ValueError(f"mlp_epoch: loss 'cross_entropy' needs output 'softmax'; got output {output!r}")
    masks, rates = _check.dropout_masks("mlp_epoch", masks, rates, x, params)
    theta = np.concatenate([np.ravel(p) for p in params])
    sizes = np.array([x.shape[1]] + [W.shape[0] for W in params[0::2]], dtype=np.int64)
    c = np.ascontiguousarray
    n_layers = len(params) // 2
    moff = np.full(n_layers + 1, -1, dtype=np.int64)
    scales = np.ones(n_layers + 1, dtype=x.dtype)
    flat_masks = np.empty(0, dtype=x.dtype)
    if masks is not None:
        given = [(l, m) for l, m in enumerate(masks, start=1) if m is not None]
        pos = 0
        for l, m in given:
            moff[l] = pos
            pos += m.size
            scales[l] = _scale(x, rates[l - 1], True)
        if given:
            flat_masks = np.concatenate([np.ravel(m) for _, m in given]) if len(given) > 1 else c(given[0][1]).ravel()
    blas = None
    if min(batch_size, N) * int(np.dot(sizes[:-1], sizes[1:])) >= MLP_OWN_BLAS_MIN:
        blas = numpy_gemm(x.dtype)
    if blas is None:
        blas, dims, own = gemm(x.dtype), np.empty(6, np.int32), False
    else:
        blas, dims, own = blas, np.empty(6, np.int64), True
    losses = mlp_epoch_kernel(c(x), c(y_hat), theta, sizes, c(order, dtype=np.int64), batch_size, eta,
                              ACT_CODE[activation], OUTPUT_CODE[output], LOSS_CODE[loss], blas, dims, own,
                              flat_masks, moff, scales)
    out = []
    pos = 0
    for p in params:
        out.append(theta[pos:pos + p.size].reshape(p.shape))
        pos += p.size
    return tuple(out), losses
