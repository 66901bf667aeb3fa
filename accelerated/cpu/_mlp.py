r"""The compiled epoch of :func:`accelerated.cpu.optimize.mlp_epoch`: mini-batch SGD on an MLP.

One call runs the whole epoch; per mini-batch it does, with no return to Python:

* **gather** the batch's rows of ``x`` and ``y_hat`` into a preallocated buffer (or
  take a view when the batch is a run of consecutive rows, as with ``order=None``);
* **forward**: per layer one GEMM ``r = a @ W.T`` (BLAS, written straight into the
  layer's slice of one flat buffer of outputs) and one pass for the bias and the
  activation. With the cross-entropy loss the last layer gets only its bias: the
  softmax, the loss and :math:`\partial L/\partial z = (\mathrm{softmax}(z)\,s_n - \hat y)/N`
  are then one row-wise pass (:func:`accelerated.cpu._fused.softmax_ce`), which also
  sums the output bias's gradient. With MSE or MAE the loss pass writes
  :math:`\partial L/\partial y`, and one more pass turns it into
  :math:`\partial L/\partial z` (the output activation's derivative) with the bias
  gradient;
* **backward and update**, from the top layer down: :math:`\partial L/\partial a^{l-1} =
  \partial L/\partial z^l\, W^l` (BLAS, before :math:`W^l` changes), then
  :math:`W^l \leftarrow W^l - \eta\, (\partial L/\partial z^l)^T a^{l-1}` as **one** BLAS
  ``gemm`` with :math:`\alpha = -\eta` and :math:`\beta = 1`: the weight gradient is
  never stored and the update costs no pass of its own (for the 784-500-500-10
  network the weights are 2.6 MB in float32, more than a core's cache); then one pass
  turns :math:`\partial L/\partial a^{l-1}` into :math:`\partial L/\partial z^{l-1}`
  and sums its bias gradient, after which that layer's bias is updated
  (:math:`H` numbers). The first layer computes no :math:`\partial L/\partial x`.

The parameters are one flat private copy (``W1, b1, ..., WL, bL`` in C order), updated
in place; each :math:`W^l` is a reshaped view of its slice. Workspaces (the batch,
every layer's output, two gradient buffers) are allocated once per epoch.

Rounding: the fused ``gemm`` forms :math:`W - \eta\,G` with :math:`G = dZ^T A` rounded
once at the end (in the dtype, like every product here), where the reference rounds
:math:`G`, then :math:`\eta G`, then the difference: the same value within the
rounding of the reference's own steps. Everything else follows the reference's
order in the input's dtype; losses are summed in float64 and rounded once.

BLAS: for small networks (below :data:`accelerated.cpu.optimize.MLP_OWN_BLAS_MIN`
multiply-adds per batch) the forward and input-gradient products are Numba's
``np.dot`` and the update is SciPy's ``gemm`` (``scipy.linalg.cython_blas``, the
library ``np.dot`` calls), looked up once and passed to the kernel as a ctypes
function. For large ones (``own=True``) *every* product goes through one ``gemm``
passed in, NumPy's own bundled OpenBLAS (:func:`numpy_gemm`; 64-bit integers, so
``dims`` is int64), which is faster than SciPy's at these shapes (for the
784-500-500-10 network at batch 100, float32, about 1.2-1.3x on the products).
The kernel runs the same code either way; only the library (and the integer width
of ``dims``) differs.
"""

import ctypes

import numpy as np
from numba import njit
from numba.extending import get_cython_function_address

from reference.activation_table import LINEAR

from ._fused import CROSS_ENTROPY, activation_grad, bias_activation, loss_and_grad, softmax_ce

_GEMM = {}


def gemm(dtype):
    """BLAS ``sgemm`` or ``dgemm`` (SciPy's), as a ctypes function the kernels can call."""
    name = "sgemm" if np.dtype(dtype) == np.float32 else "dgemm"
    f = _GEMM.get(name)
    if f is None:
        address = get_cython_function_address("scipy.linalg.cython_blas", name)
        f = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * 13)(address)
        _GEMM[name] = f
    return f


def numpy_gemm(dtype):
    """NumPy's own BLAS ``sgemm`` or ``dgemm`` (its bundled OpenBLAS, 64-bit integers), as a
    ctypes function the kernels can call; ``None`` where it cannot be found.

    NumPy's wheels ship OpenBLAS as ``numpy.libs/libscipy_openblas64_*.so`` with the
    Fortran interface as ``scipy_sgemm_64_``; it is the library NumPy's ``@`` calls
    (already loaded, so this opens the same instance and the same thread pool). At
    the shapes of the 784-500-500-10 network at batch 100 it is faster than SciPy's.
    """
    name = "sgemm" if np.dtype(dtype) == np.float32 else "dgemm"
    key = "numpy_" + name
    if key in _GEMM:
        return _GEMM[key]
    f = None
    try:
        import glob
        import os

        libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
        for path in sorted(glob.glob(os.path.join(libs, "libscipy_openblas64_*.so*"))):
            lib = ctypes.CDLL(path)
            sym = getattr(lib, f"scipy_{name}_64_", None)
            if sym is not None:
                f = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * 13)(ctypes.cast(sym, ctypes.c_void_p).value)
                break
    except OSError:
        f = None
    _GEMM[key] = f
    return f


@njit(inline="always")
def _product(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ab, dims, flags, gemm):
    r"""Row-major ``C (M, N) = alpha op(A) op(B) + beta C`` by the column-major ``gemm``:
    :math:`C^T = op(B)^T op(A)^T` (``tA``, ``tB``: 0 or 1, whether ``A`` or ``B`` is
    transposed; ``lda``, ``ldb`` their row lengths). ``ab[alpha]``, ``ab[beta]`` index
    the scalars in ``ab``; ``flags = ('N', 'T')``."""
    dims[0] = N
    dims[1] = M
    dims[2] = K
    dims[3] = ldb
    dims[4] = lda
    dims[5] = N
    gemm(flags[tB:].ctypes, flags[tA:].ctypes, dims[0:].ctypes, dims[1:].ctypes, dims[2:].ctypes,
         ab[alpha:].ctypes, B.ctypes, dims[3:].ctypes, A.ctypes, dims[4:].ctypes,
         ab[beta:].ctypes, C.ctypes, dims[5:].ctypes)


@njit(inline="always")
def _update_weights(W, dz, a, ab, dims, flags, gemm):
    r"""``W <- W - eta * dz.T @ a`` in one BLAS call (``ab = [-eta, 1]`` in the dtype).

    Row-major ``W`` (H, D) is column-major ``W^T`` (D, H): ``W^T += (-eta) a^T dz``,
    with ``a`` (nb, D) read as ``a^T`` (column-major, ``lda = D``, no transpose) and
    ``dz`` (nb, H) as ``dz^T`` (column-major, ``ldb = H``, transposed).
    """
    nb, H = dz.shape
    D = a.shape[1]
    dims[0] = D          # m
    dims[1] = H          # n
    dims[2] = nb         # k
    dims[3] = D          # lda
    dims[4] = H          # ldb
    dims[5] = D          # ldc
    gemm(flags[0:].ctypes, flags[1:].ctypes, dims[0:].ctypes, dims[1:].ctypes, dims[2:].ctypes,
         ab[0:].ctypes, a.ctypes, dims[3:].ctypes, dz.ctypes, dims[4:].ctypes,
         ab[1:].ctypes, W.ctypes, dims[5:].ctypes)


def mlp_epoch_kernel(x, y_hat, theta, sizes, order, batch_size, eta, code, out_code, loss, gemm, dims, own,
                     masks, moff, scales):
    """One epoch of mini-batch SGD; ``theta`` (flat ``W1, b1, ..., WL, bL``) is updated in place.

    ``sizes = (D, H1, ..., HL)`` with ``HL = K``; ``code`` the hidden activation,
    ``out_code`` the output's, ``loss`` the loss code. ``gemm`` is a ctypes BLAS
    ``?gemm`` and ``dims`` a 6-entry scratch array of its integer type (int32 for
    SciPy's, int64 for NumPy's); with ``own`` every product calls ``gemm``, else
    the forward and input-gradient products are ``np.dot`` and only the update
    calls ``gemm``. Dropout: ``moff[l]`` (``l = 1..L``) is -1 where layer ``l``'s input
    is kept whole, else the offset in the flat ``masks`` of its (N, H_{l-1}) mask (row
    ``i`` for the ``i``-th example taken), and ``scales[l]`` its factor 1/(1 - p) in the
    dtype. Returns each batch's loss before its update.

    The epoch runs in a kernel compiled for this loss (:func:`_epoch_for`), so that a
    first run compiles only the loss it uses.
    """
    loss = int(loss)
    kernel = _EPOCH.get(loss)
    if kernel is None:
        kernel = _EPOCH[loss] = _epoch_for(loss)
    return kernel(x, y_hat, theta, sizes, order, batch_size, eta, code, out_code, gemm, dims, own,
                  masks, moff, scales)


#: The epoch kernels compiled so far, by loss code.
_EPOCH = {}


def _epoch_for(loss):
    """The epoch kernel for one loss: :func:`_epoch` with ``loss`` a constant.

    Numba drops the other losses' branches before it compiles (the cross entropy's
    fused softmax pass, or the square and absolute errors' pass and the output
    activation's derivative), so a first run compiles the loss it uses only. The
    activation codes stay arguments: the kernels of the activations
    (:func:`~accelerated.cpu._fused.bias_activation`,
    :func:`~accelerated.cpu._fused.activation_grad`) compile once for every code and
    serve the layer primitives too. The kernel closes over one integer, which Numba's
    on-disk cache keys by value (one index for the three losses, an entry each).
    """
    @njit(cache=True, error_model="numpy")
    def epoch_kernel(x, y_hat, theta, sizes, order, batch_size, eta, code, out_code, gemm, dims, own,
                     masks, moff, scales):
        return _epoch(x, y_hat, theta, sizes, order, batch_size, eta, code, out_code, loss, gemm, dims, own,
                      masks, moff, scales)
    return epoch_kernel


@njit(inline="always")
def _drop(a, masks, base, s, out):
    """``out = a * (m * s)`` for a batch (nb, D), ``m`` the batch's rows of a flat mask from ``base``
    (``m * s`` is 0 or ``s`` exactly, so each entry rounds once, as the reference's); ``out`` may be ``a``."""
    nb, D = a.shape
    for i in range(nb):
        row = base + i * D
        for j in range(D):
            out[i, j] = a[i, j] * (masks[row + j] * s)
    return out


@njit(inline="always")
def _epoch(x, y_hat, theta, sizes, order, batch_size, eta, code, out_code, loss, gemm, dims, own,
           masks, moff, scales):
    """The body of :func:`mlp_epoch_kernel` (its arguments, in its order)."""
    N, D = x.shape
    K = y_hat.shape[1]
    dt = x.dtype
    eta_t = dt.type(eta)
    n_layers = sizes.size - 1
    offW = np.empty(n_layers + 1, np.int64)
    offb = np.empty(n_layers + 1, np.int64)
    offa = np.empty(n_layers + 1, np.int64)          # offset of each layer's output per example
    offd = np.empty(n_layers + 1, np.int64)          # offset of each dropped-out input per example
    pos = 0
    width = 1
    room = 0
    droom = 0
    for l in range(1, n_layers + 1):
        offW[l] = pos
        pos += sizes[l] * sizes[l - 1]
        offb[l] = pos
        pos += sizes[l]
        offa[l] = room
        room += sizes[l]
        width = max(width, sizes[l])
        offd[l] = droom
        if moff[l] >= 0:
            droom += sizes[l - 1]
    B = batch_size if batch_size < N else N
    n_batches = (N + batch_size - 1) // batch_size

    xb = np.empty(B * D, dt)
    yb = np.empty(B * K, dt)
    outs = np.empty(B * room, dt)           # every layer's output for the batch
    drops = np.empty(B * droom, dt)         # the dropped-out inputs of the layers with a mask
    buf0 = np.empty(B * width, dt)          # dL/dz of a layer, and dL/da of the one below
    buf1 = np.empty(B * width, dt)
    db = np.empty(width, dt)                # a layer's bias gradient
    losses = np.empty(n_batches, dt)
    ab = np.empty(4, dt)                    # alpha, beta of the products: -eta, 1, 1, 0
    ab[0] = -eta_t
    ab[1] = 1
    ab[2] = 1
    ab[3] = 0
    flags = np.array([78, 84], np.uint8)    # 'N', 'T'

    for k in range(n_batches):
        start = k * batch_size
        nb = min(batch_size, N - start)
        # the batch: a view when its rows are consecutive, else a gather
        r0 = order[start]
        run = r0 + nb <= N
        for i in range(1, nb):
            if order[start + i] != r0 + i:
                run = False
                break
        if run:
            X = x[r0:r0 + nb]
            Y = y_hat[r0:r0 + nb]
        else:
            X = xb[:nb * D].reshape(nb, D)
            Y = yb[:nb * K].reshape(nb, K)
            for i in range(nb):
                r = order[start + i]
                for j in range(D):
                    X[i, j] = x[r, j]
                for j in range(K):
                    Y[i, j] = y_hat[r, j]
        # forward
        a = X
        for l in range(1, n_layers + 1):
            H = sizes[l]
            if moff[l] >= 0:                # dropout of the layer's input: a * (m * s), as the reference
                a = _drop(a, masks, moff[l] + start * sizes[l - 1], scales[l],
                          drops[offd[l] * nb:(offd[l] + sizes[l - 1]) * nb].reshape(nb, sizes[l - 1]))
            W = theta[offW[l]:offW[l] + H * sizes[l - 1]].reshape(H, sizes[l - 1])
            out = outs[offa[l] * nb:(offa[l] + H) * nb].reshape(nb, H)
            if own:
                _product(0, 1, nb, H, sizes[l - 1], 2, a, sizes[l - 1], W, sizes[l - 1], 3, out,
                         ab, dims, flags, gemm)
            else:
                np.dot(a, W.T, out)
            if l < n_layers:
                c = code
            elif loss == CROSS_ENTROPY:
                c = LINEAR                  # the scores z: the softmax is in the loss
            else:
                c = out_code
            bias_activation(out, theta[offb[l]:offb[l] + H], c)
            a = out
        # the loss and dL/dz of the output layer, with its bias gradient
        dz = buf0[:nb * K].reshape(nb, K)
        if loss == CROSS_ENTROPY:
            losses[k] = softmax_ce(a, Y, nb, dz, db[:K])
        else:
            losses[k] = loss_and_grad(a.ravel(), Y.ravel(), loss, dz.ravel())
            activation_grad(dz, a, out_code, dz, db[:K])
        # backward and update, top down
        cur, other = buf0, buf1
        for l in range(n_layers, 0, -1):
            H = sizes[l]
            Dl = sizes[l - 1]
            dz = cur[:nb * H].reshape(nb, H)
            W = theta[offW[l]:offW[l] + H * Dl].reshape(H, Dl)
            dropped = moff[l] >= 0
            if l > 1:
                below = outs[offa[l - 1] * nb:(offa[l - 1] + Dl) * nb].reshape(nb, Dl)
                da = other[:nb * Dl].reshape(nb, Dl)
                if own:                                      # before W changes
                    _product(0, 0, nb, Dl, H, 2, dz, H, W, Dl, 3, da, ab, dims, flags, gemm)
                else:
                    np.dot(dz, W, da)
                if dropped:                                  # through the mask: da * (m * s)
                    _drop(da, masks, moff[l] + start * Dl, scales[l], da)
            else:
                below = X
            if dropped:                                      # the layer saw its dropped-out input
                inp = drops[offd[l] * nb:(offd[l] + Dl) * nb].reshape(nb, Dl)
            else:
                inp = below
            _update_weights(W, dz, inp, ab, dims, flags, gemm)
            bl = theta[offb[l]:offb[l] + H]
            for h in range(H):
                bl[h] = bl[h] - eta_t * db[h]
            if l > 1:
                activation_grad(da, below, code, da, db[:Dl])
                cur, other = other, cur
    return losses
