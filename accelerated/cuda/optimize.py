r"""Optimization on the GPU: the closed form, gradient descent, and mini-batch epochs.

The twins of :mod:`reference.optimize`. The loops run entirely on the device:

* :func:`linear_gd` keeps the whole path (``w_path``, ``b_path``, ``L_path``) in
  device arrays and does each step in three launches — prediction, loss and
  :math:`\partial L/\partial y` fused; the column sums of
  :math:`\partial L/\partial w`, :math:`\partial L/\partial b`; one block that
  finishes the loss and the gradient and writes the next point of the path — with
  no copy to the host until the end.
* :func:`network_epoch` uploads ``order`` once, gathers each batch with a kernel,
  runs the network forward and backward on preallocated buffers, keeps every
  parameter in one flat buffer and every gradient in another so that one launch
  updates them all, and writes each batch's loss partials to a device table that
  one kernel turns into the losses after the last batch.
* :func:`mlp_epoch` does the same for :func:`~accelerated.cuda.network.mlp_forward`
  (the classifier's layers): one gather of the batch's rows of ``x`` and ``y_hat``,
  two kernels per layer forward, and for ``loss="cross_entropy"`` one kernel that
  adds the output layer's bias, takes the stable softmax and cross entropy of each
  row and writes :math:`\partial L/\partial z` (no softmax output is ever stored);
  tiled products and column sums backward; one update launch for every parameter
  (:func:`~accelerated.cuda.optimizers.sgd_update`'s rule). The parameters stay in
  one device buffer for the whole epoch; the batch losses come back to the host
  once, at the end.
* :func:`closed_form` forms :math:`X^T X` and :math:`X^T \hat y` in float64 with one
  tiled product of :math:`[x \mid 1 \mid \hat y]` with itself, then solves the
  small system on the host with the reference's solver (same error when singular).
"""

import numpy as np
from reference import _check
from reference.activation_table import ACT_CODE, ACTIVATIONS, LINEAR, OUTPUT_CODE, OUTPUTS
from reference.losses import LOSSES
from reference.optimize import MLP_LOSSES, _solve_normal_equations
from reference.regularize import _scale

from . import _ops
from ._kernels import LOSS_CODE
from ._launch import (Workspace, any_device, blocks_1d, cdiv, colsum_blocks, config, dev, empty,
                      flat, is_device, result, scalar_result, simulator_paced, to_device)

_F64 = np.dtype(np.float64)


@simulator_paced
def closed_form(x, y_hat):
    r"""The least-squares solution of linear regression, in closed form.

    .. math::

        \mathbf{w}^* = (X^T X)^{-1} X^T \hat{\mathbf{y}}

    where :math:`X` is ``x`` with a column of ones appended. On the GPU one kernel
    writes :math:`A = [x \mid 1 \mid \hat y]` in float64 and one tiled product forms
    :math:`A^T A`, which holds both :math:`X^T X` and :math:`X^T \hat y`; the
    :math:`(D+1)`-sized system is solved on the host, in float64, by the
    reference's solver.

    Concept: opt.closed_form. Slides: 004 "Closed-form Solution (有公式解)".

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    y_hat : (N,) — the labels

    Returns
    -------
    w : (D,), in ``x``'s dtype
    b : scalar — a NumPy scalar, or a 0-d device array when an argument was on the device

    Raises
    ------
    ValueError
        If :math:`X^T X` is singular (fewer examples than parameters, or dependent columns).
    """
    on_device = any_device(x, y_hat)
    x, y_hat = _check.arrays("closed_form", x=(x, "N, D"), y_hat=(y_hat, "N"))
    N, D = x.shape
    xd, yd = dev(x), dev(y_hat)
    A = empty((N, D + 2), _F64)
    _ops.launch_1d(_ops.data_kernels(x.dtype).augment, N * (D + 2), xd, yd, A)
    G = _ops.gemm(A, A, empty((D + 2, D + 2), _F64), 1, 0).copy_to_host()
    theta = _solve_normal_equations("closed_form", G[:D + 1, :D + 1], G[:D + 1, D + 1])
    dtype = np.dtype(x.dtype)
    w, b = theta[:-1].astype(dtype), dtype.type(theta[-1])
    if on_device:
        return to_device(w), to_device(np.asarray(b))
    return w, b


@simulator_paced
def gd_step(theta, g, eta):
    r"""One gradient-descent update (one elementwise kernel; the input is not changed).

    .. math::

        \boldsymbol\theta^1 \leftarrow \boldsymbol\theta^0 - \eta\, \mathbf{g}

    Concept: gd.step. Slides: 000 "Optimization of New Model"; 004 "Gradient Descent".

    Parameters
    ----------
    theta : ndarray or device array, any shape, float32 or float64
    g : ``theta``'s shape and dtype — the gradient at ``theta``
    eta : float > 0 — the learning rate

    Returns
    -------
    theta : a new array (a NumPy scalar for a 0-d host ``theta``; a 0-d device
        array for a 0-d device one)
    """
    on_device = any_device(theta, g)
    theta = _check.arrays("gd_step", theta=(theta, "..."))
    g = _check.same_shape("gd_step", "g", g, "theta", theta)
    eta = _check.positive("gd_step", "eta", eta)
    td, gd_ = flat(dev(theta)), flat(dev(g))
    out = empty(theta.shape, theta.dtype)
    n = td.shape[0]
    NP = np.dtype(theta.dtype).type
    _ops.launch_1d(_ops.descent_kernels(theta.dtype).gd_update, n, td, gd_, out.reshape(n), NP(eta))
    if len(theta.shape) == 0:
        return scalar_result(out, on_device)
    return result(out, on_device)


@simulator_paced
def linear_gd(x, y_hat, w, b, eta, steps, loss="mse"):
    r"""Gradient descent on the linear model, keeping the whole path.

    .. math::

        w^{t+1} \leftarrow w^t - \eta \frac{\partial L}{\partial w}\Big|_{w^t, b^t},
        \qquad
        b^{t+1} \leftarrow b^t - \eta \frac{\partial L}{\partial b}\Big|_{w^t, b^t}

    Every update uses all N examples. Each step is three launches on device-resident
    data; row ``t`` of the path is read by step ``t`` and row ``t + 1`` written by it.

    Concept: gd.loop, gd.step. Slides: 000 "Optimization", "Update w and b
    iteratively"; 004 (:math:`\eta = 0.001`, then 0.0001; 100 to 10,000 updates).

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    y_hat : (N,)
    w : (D,) — :math:`w^0`
    b : scalar — :math:`b^0`
    eta : float > 0
    steps : int >= 0 — the number of updates
    loss : {"mse", "mae"}

    Returns
    -------
    w_path : (steps + 1, D)
    b_path : (steps + 1,)
    L_path : (steps + 1,) — the loss at :math:`(w^t, b^t)`; all three on the device
        when an argument was
    """
    on_device = any_device(x, y_hat, w, b)
    x, y_hat, w, b = _check.arrays(
        "linear_gd", x=(x, "N, D"), y_hat=(y_hat, "N"), w=(w, "D"), b=(b, ""))
    eta = _check.positive("linear_gd", "eta", eta)
    steps = _check.count("linear_gd", "steps", steps, minimum=0)
    _check.choice("linear_gd", "loss", loss, LOSSES)
    dtype = np.dtype(x.dtype)
    NP = dtype.type
    N, D = x.shape
    xd, yd = dev(x), dev(y_hat)
    lk, ck, dk = _ops.loss_kernels(dtype), _ops.linear_algebra_kernels(dtype), _ops.descent_kernels(dtype)
    w_path = empty((steps + 1, D), dtype)
    b_path = empty(steps + 1, dtype)
    L_path = empty(steps + 1, dtype)
    _ops.copy_into(dev(w), w_path[0])
    _ops.copy_into(dev(b), b_path[0:1])
    kind = LOSS_CODE[loss]
    TH, T = config.threads, config.tile
    Se = blocks_1d(N)
    Sg = colsum_blocks(N)
    Pe = empty(Se, _F64)
    Pg = empty((Sg, D + 1), _F64)
    dL = empty(N, dtype)
    eta_d, N_d = NP(eta), NP(N)
    colsum_grid = (cdiv(D + 1, T), Sg)
    dummy_out, dummy0 = empty(D, dtype), empty((), dtype)
    for t in range(steps + 1):
        lk.readout_loss[Se, TH](xd, w_path[t], b_path, t, yd, dL, Pe, kind, N_d)
        update = 1 if t < steps else 0
        if update:
            ck.colsum[colsum_grid, (T, T)](xd, dL, 1, 1, Pg, dummy_out, dummy0, 0)
        dk.lgd_update[1, TH](Pe, Pg, w_path, b_path, L_path, t, eta_d, float(N), update)
    return result(w_path, on_device), result(b_path, on_device), result(L_path, on_device)


class _FlatParams:
    """A network's parameters (or gradients) as views into one flat device buffer."""

    def __init__(self, shapes, dtype):
        self.shapes = shapes
        self.sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)
        self.buffer = empty(int(self.offsets[-1]), dtype)
        self.views = [self.buffer[o:o + n].reshape(s)
                      for o, n, s in zip(self.offsets[:-1], self.sizes, self.shapes)]

    def load(self, params):
        """Copy ``params`` in: one upload for host arrays, device copies for device ones."""
        if not any(is_device(p) for p in params):
            host = np.concatenate([np.asarray(p).reshape(-1) for p in params])
            self.buffer.copy_to_device(host)
            return
        for p, view in zip(params, self.views):
            _ops.copy_into(dev(p), view)

    def scalar_slot(self, i):
        """Parameter ``i`` (a scalar) as a 1-vector view, the form the kernels index."""
        o = int(self.offsets[i])
        return self.buffer[o:o + 1]


@simulator_paced
def network_epoch(x, y_hat, *params, order=None, batch_size=1, eta=0.01,
                  activation="sigmoid", loss="mse"):
    r"""One epoch of mini-batch gradient descent on :func:`~accelerated.cuda.network.network_forward`.

    .. math::

        \mathbf{g} = \nabla L^k(\boldsymbol\theta^{k-1}),\qquad
        \boldsymbol\theta^{k} \leftarrow \boldsymbol\theta^{k-1} - \eta\,\mathbf{g},
        \qquad k = 1, \dots, \lceil N / B \rceil

    Per batch, on the device: a gather kernel takes the batch's rows in ``order``;
    two kernels per dense layer run the forward; one kernel computes the read-out,
    the loss partials and :math:`\partial L/\partial y`; the backward fuses the
    read-out into the top activation gradient, then tiled products and column sums
    give each layer's gradients into one flat gradient buffer; one kernel updates
    every parameter. The losses are finished by one kernel after the last batch.

    Concept: batch.minibatch, batch.epoch, batch.sizes. Slides: 000 "Optimization of
    New Model"; 003 "Mini-batch"; 004 "N/B updates (iterations) in one epoch", "Shuffle".

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    y_hat : (N,)
    *params : as for :func:`~accelerated.cuda.network.network_forward`
    order : (N,) int on the host (or device), a permutation of ``range(N)``;
        ``None`` keeps the given order. Uploaded once.
    batch_size : int >= 1 (B)
    eta : float > 0
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"}
    loss : {"mse", "mae"}

    Returns
    -------
    params : tuple — new arrays (the inputs are not changed): device arrays (``b``
        a 0-d device array) when any argument was on the device, else NumPy
        arrays (``b`` a NumPy scalar)
    losses : (ceil(N / B),) — :math:`L^k` of each batch, before its update
    """
    on_device = any_device(x, y_hat, *params)
    x, params, y_hat = _check.params_chain("network_epoch", x, params, y_hat=(y_hat, "N"))
    N = x.shape[0]
    order = np.arange(N) if order is None else _check.order("network_epoch", "order", order, N)
    batch_size = _check.count("network_epoch", "batch_size", batch_size)
    eta = _check.positive("network_epoch", "eta", eta)
    _check.choice("network_epoch", "activation", activation, ACTIVATIONS)
    _check.choice("network_epoch", "loss", loss, LOSSES)

    dtype = np.dtype(x.dtype)
    NP = dtype.type
    lk, dk = _ops.loss_kernels(dtype), _ops.descent_kernels(dtype)
    TH = config.threads
    act, loss_kind = ACT_CODE[activation], LOSS_CODE[loss]
    xd, yd = dev(x), dev(y_hat)
    order_d = to_device(np.ascontiguousarray(order, dtype=np.int64))
    B = min(batch_size, N)
    n_batches = cdiv(N, batch_size)
    D = x.shape[1]

    shapes = [tuple(p.shape) for p in params]
    theta = _FlatParams(shapes, dtype)
    theta.load(params)
    grad = _FlatParams(shapes, dtype)
    n_hidden = len(params) // 2 - 1
    widths = [D] + [shapes[2 * l][0] for l in range(n_hidden)]
    W_views = theta.views[0:2 * n_hidden:2]
    bl_views = theta.views[1:2 * n_hidden:2]
    c_view, b_slot = theta.views[-2], theta.scalar_slot(len(params) - 1)
    dW_views = grad.views[0:2 * n_hidden:2]
    dbl_views = grad.views[1:2 * n_hidden:2]
    dc_view, db_view = grad.views[-2], grad.views[-1]

    # Buffers for a full batch; the last, smaller batch uses their leading rows.
    ws = Workspace()
    xb_buf, yb_buf, dL_buf = empty((B, D), dtype), empty(B, dtype), empty(B, dtype)
    r_bufs = [empty((B, h), dtype) for h in widths[1:]]
    a_bufs = [r if act == LINEAR else empty(r.shape, dtype) for r in r_bufs]
    d_bufs = [empty((B, h), dtype) for h in widths[1:]]
    S_loss = blocks_1d(B)
    P_loss = to_device(np.zeros((n_batches, S_loss)))
    losses = empty(n_batches, dtype)
    eta_d = NP(eta)

    for kb, start in enumerate(range(0, N, batch_size)):
        nb = min(batch_size, N - start)
        xb, yb, dL = xb_buf[:nb], yb_buf[:nb], dL_buf[:nb]
        _ops.launch_1d(_ops.data_kernels(dtype).gather, nb * D, xd, yd, order_d, start, xb, yb)
        # forward
        a = xb
        inputs, act_caches = [], []
        for l in range(n_hidden):
            inputs.append(a)
            a, cache = _ops.dense_forward(a, W_views[l], bl_views[l], act, ws,
                                          r=r_bufs[l][:nb], a=a_bufs[l][:nb])
            act_caches.append(cache)
        # read-out, loss and dL/dy in one kernel; the loss partials go to row kb
        Sk = blocks_1d(nb)
        lk.readout_loss[Sk, TH](a, c_view, b_slot, 0, yb, dL, P_loss[kb], loss_kind, NP(nb))
        # backward
        _ops.colsum(a, dL, dc_view, db_view, ws)
        if n_hidden:
            dr = d_bufs[-1][:nb]
            _ops.readout_act_backward(dL, c_view, act_caches[-1], act, dr)
            for l in range(n_hidden - 1, -1, -1):
                _ops.dense_backward_params(dr, inputs[l], dW_views[l], dbl_views[l], ws)
                if l > 0:
                    below = d_bufs[l - 1][:nb]
                    _ops.gemm(dr, W_views[l], below, 0, 0, ws)
                    if act != LINEAR:
                        _ops.activation_backward(below, act_caches[l - 1], act, out=below)
                    dr = below
        # one update for every parameter
        n_all = theta.buffer.shape[0]
        _ops.launch_1d(dk.gd_update, n_all, theta.buffer, grad.buffer, theta.buffer, eta_d)

    lk.finalize_losses[blocks_1d(n_batches), TH](P_loss, losses, N, batch_size, 1)
    new_params = tuple(theta.views[:-1]) + (theta.views[-1],)
    if on_device:
        return new_params, losses
    host = tuple(v.copy_to_host() for v in new_params[:-1]) + (new_params[-1].copy_to_host()[()],)
    return host, losses.copy_to_host()


@simulator_paced
def mlp_epoch(x, y_hat, *params, order=None, batch_size=32, eta=0.01, activation="sigmoid",
              output="softmax", loss="cross_entropy", masks=None, rates=None):
    r"""One epoch of mini-batch SGD on :func:`~accelerated.cuda.network.mlp_forward`.

    .. math::

        \mathbf{g} = \nabla L^k(\boldsymbol\theta^{k-1}),\qquad
        \boldsymbol\theta^{k} \leftarrow \boldsymbol\theta^{k-1} - \eta\,\mathbf{g},
        \qquad k = 1, \dots, \lceil N / B \rceil

    Per batch, on the device: one gather kernel takes the batch's rows of ``x`` and
    ``y_hat`` in ``order``; two kernels per hidden layer run the forward; for
    ``loss="cross_entropy"`` the output layer's product is followed by one kernel
    that adds the bias, takes each row's stable softmax and cross entropy, writes
    :math:`\partial L/\partial z` and the batch's loss partials; for ``"mse"`` and
    ``"mae"`` the output activation, then one loss kernel over the N×K entries and
    the output activation's gradient. Backward: tiled products and column sums into
    one flat gradient buffer; one kernel updates every parameter. The losses are
    finished by one kernel after the last batch and copied to the host once.
    Dropout: the masks are uploaded once per epoch; a layer with a mask gets one more
    kernel on its input in the forward (into a buffer of its own, the activation's cache
    kept) and one on the gradient of that input in the backward.

    Concept: batch.minibatch, batch.epoch, optim.sgd, backprop.chain, regularize.dropout

    Slides: 003 "Mini-batch", "Keras"; 002 "Gradient Descent", "Backpropagation".

    Parameters
    ----------
    x : ndarray or device array (N, D), float32 or float64
    y_hat : (N, K) — the targets (one-hot rows for a classifier)
    *params : as for :func:`~accelerated.cuda.network.mlp_forward`
    order : (N,) int on the host (or device), a permutation of ``range(N)``;
        ``None`` keeps the given order. Uploaded once.
    batch_size : int >= 1 (B)
    eta : float > 0
    activation : {"sigmoid", "relu", "hard_sigmoid", "linear", "leaky_relu", "tanh"} — the hidden layers
    output : {"softmax", "sigmoid", "linear"}
    loss : {"mse", "mae", "cross_entropy"} — "cross_entropy" needs ``output="softmax"``
    masks, rates : dropout of the layers' inputs, as for :func:`reference.optimize.mlp_epoch`
        (None: no dropout); the masks on the host or the device

    Returns
    -------
    params : tuple — new arrays (the inputs are not changed): device arrays when any
        argument was on the device, else NumPy arrays
    losses : NumPy array (ceil(N / B),) — :math:`L^k` of each batch, before its update
        (on the host in both modes: one copy per epoch)
    """
    on_device = any_device(x, y_hat, *params)
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

    dtype = np.dtype(x.dtype)
    NP = dtype.type
    lk, dk = _ops.loss_kernels(dtype), _ops.descent_kernels(dtype)
    TH = config.threads
    act, out_kind = ACT_CODE[activation], OUTPUT_CODE[output]
    fused = loss == "cross_entropy"
    loss_kind = None if fused else LOSS_CODE[loss]
    xd, yd = dev(x), dev(y_hat)
    order_d = to_device(np.ascontiguousarray(order, dtype=np.int64))
    B = min(batch_size, N)
    n_batches = cdiv(N, batch_size)
    D, K = x.shape[1], y_hat.shape[1]

    shapes = [tuple(p.shape) for p in params]
    theta = _FlatParams(shapes, dtype)
    theta.load(params)
    grad = _FlatParams(shapes, dtype)
    n_layers = len(params) // 2
    widths = [D] + [shapes[2 * l][0] for l in range(n_layers)]
    W_views, b_views = theta.views[0::2], theta.views[1::2]
    dW_views, db_views = grad.views[0::2], grad.views[1::2]

    # Buffers for a full batch; the last, smaller batch uses their leading rows.
    ws = Workspace()
    xb_buf, yb_buf, dL_buf = empty((B, D), dtype), empty((B, K), dtype), empty((B, K), dtype)
    r_bufs = [empty((B, h), dtype) for h in widths[1:]]
    kinds = [act] * (n_layers - 1) + [out_kind]
    a_bufs = [r if kd == LINEAR else empty(r.shape, dtype) for r, kd in zip(r_bufs, kinds)]
    d_bufs = [empty((B, h), dtype) for h in widths[1:]]
    S_loss = blocks_1d(B) if fused else blocks_1d(B * K)
    n_masks = [None] * n_layers if masks is None else masks
    mask_d = [None if m is None else dev(m).reshape(m.shape[0] * m.shape[1]) for m in n_masks]
    scales = [None if m is None else _scale(x, rates[l], True) for l, m in enumerate(n_masks)]
    drop_bufs = [None if m is None else empty((B, widths[l]), dtype) for l, m in enumerate(n_masks)]
    P_loss = to_device(np.zeros((n_batches, S_loss)))
    losses = empty(n_batches, dtype)
    eta_d = NP(eta)
    n_all = theta.buffer.shape[0]

    for kb, start in enumerate(range(0, N, batch_size)):
        nb = min(batch_size, N - start)
        xb, yb = xb_buf[:nb], yb_buf[:nb]
        _ops.gather_rows(xd, yd, order_d, start, xb, yb)
        # forward through the hidden layers
        a = xb
        inputs, act_caches = [], []
        for l in range(n_layers - 1):
            if mask_d[l] is not None:
                a = _ops.dropout_rows(a, mask_d[l], start, scales[l], drop_bufs[l][:nb])
            inputs.append(a)
            a, cache = _ops.dense_forward(a, W_views[l], b_views[l], act, ws,
                                          r=r_bufs[l][:nb], a=a_bufs[l][:nb])
            act_caches.append(cache)
        if mask_d[-1] is not None:
            a = _ops.dropout_rows(a, mask_d[-1], start, scales[-1], drop_bufs[-1][:nb])
        inputs.append(a)
        # output layer, loss and dL/dz; the loss partials go to row kb
        dz = d_bufs[-1][:nb]
        if fused:
            r = _ops.gemm(a, W_views[-1], r_bufs[-1][:nb], 0, 1, ws)
            _ops.softmax_cross_entropy_rows(r, yb, dz, P_loss[kb], nb, b=b_views[-1])
        else:
            y, out_cache = _ops.dense_forward(a, W_views[-1], b_views[-1], out_kind, ws,
                                              r=r_bufs[-1][:nb], a=a_bufs[-1][:nb])
            dL = dL_buf[:nb]
            n_out = nb * K
            lk.loss_partial[blocks_1d(n_out), TH](y.reshape(n_out), yb.reshape(n_out), dL.reshape(n_out),
                                                 P_loss[kb], loss_kind, NP(n_out))
            dz = _ops.output_backward(dL, out_cache, out_kind, out=dz)
        # backward
        dr = dz
        for l in range(n_layers - 1, -1, -1):
            _ops.dense_backward_params(dr, inputs[l], dW_views[l], db_views[l], ws)
            if l > 0:
                below = d_bufs[l - 1][:nb]
                _ops.gemm(dr, W_views[l], below, 0, 0, ws)
                if mask_d[l] is not None:
                    _ops.dropout_rows(below, mask_d[l], start, scales[l], below)
                if act != LINEAR:
                    _ops.activation_backward(below, act_caches[l - 1], act, out=below)
                dr = below
        # one update for every parameter
        _ops.launch_1d(dk.gd_update, n_all, theta.buffer, grad.buffer, theta.buffer, eta_d)

    lk.finalize_losses[blocks_1d(n_batches), TH](P_loss, losses, N, batch_size, 1 if fused else K)
    host_losses = losses.copy_to_host()
    if on_device:
        return tuple(theta.views), host_losses
    return tuple(v.copy_to_host() for v in theta.views), host_losses
