r"""Lecture 3's networks: the time of one training step, on each backend and in PyTorch.

A training step is one mini-batch update of mini-batch SGD: the forward pass, the
loss and its gradient, the backward pass and the update of every parameter. Each
backend's step is timed through its fused whole-epoch primitive ``mlp_epoch``, over
whole epochs (the first call, which compiles, apart): the time of an epoch divided
by its :math:`\lceil N/B \rceil` updates. PyTorch, when installed, runs the same
network as a ``torch.nn.Sequential`` with ``torch.optim.SGD`` in the standard
training loop (``zero_grad``, forward, loss, ``backward``, ``step``) over the same
batches, from the same initial values, in the same dtype.

The networks (every hidden layer sigmoid; a softmax output trained with cross
entropy, the fused ``softmax_cross_entropy``; SGD with the slide's ``lr=0.1``):

* the "hello world" network of 003 "Keras" (``500`` sigmoids, twice, then ``10``
  softmax outputs), on scikit-learn's 8×8 digits (64 inputs, 1347 training
  images), batch 100 as on the slide "Mini-batch";
* a small network, 64→32→10, on the same digits, batch 32;
* the slide's own 784→500→500→10 network at batch 100, on MNIST-shaped data.
  MNIST does not ship with slidespec (nothing is downloaded), so this one runs on
  :data:`MNIST_N` synthetic 28×28 images (uniform pixel values in [0, 1), random
  labels): the time of a step does not depend on the values.

For the 784→500→500→10 network the step is compared with the time its matrix
products alone take at this machine's single-precision matrix product (``sgemm``)
rate: see :func:`step_flops` for the count and :func:`sgemm_times` for the rate.
The Keras-like model layer is compared with a bare ``mlp_epoch`` call on the same
model (:func:`keras_overhead`).
"""

from __future__ import annotations

import functools
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass

import numpy as np

from .timing import fmt_seconds

#: Rows of the synthetic MNIST-shaped training set (MNIST has 60,000; the time of a step does not depend on N).
MNIST_N = 10000
MNIST_N_QUICK = 1000

#: Timing stops after this many times the time budget once three epochs are timed.
MAX_FACTOR = 5

#: Seconds between two libraries' timings, so that the last one's idle threads stop spinning.
PAUSE = 0.2

#: The goals for lecture 3's networks.
GOAL_TORCH = 20.0       # the small network's step on cpu at least this many times faster than PyTorch CPU
GOAL_REFERENCE = 2.0    # ... and this many times faster than the reference
GOAL_SGEMM = 1.1        # the 784→500→500→10 step on cpu within this factor of its matrix products' time


@dataclass(frozen=True)
class Net:
    name: str           # what --only matches
    title: str
    sizes: tuple        # (D, H1, ..., K)
    batch: int
    data: str           # "digits" or "mnist-shaped"
    eta: float = 0.1    # 003: SGD(lr=0.1)
    activation: str = "sigmoid"
    output: str = "softmax"
    loss: str = "cross_entropy"

    @property
    def arch(self) -> str:
        return "→".join(str(s) for s in self.sizes)


HELLO = Net("mlp_step_hello", "hello world", (64, 500, 500, 10), 100, "digits")
SMALL = Net("mlp_step_small", "small", (64, 32, 10), 32, "digits")
MNIST = Net("mlp_step_784", "the slide's network", (784, 500, 500, 10), 100, "mnist-shaped")
DIGIT_NETS = (HELLO, SMALL)
KERAS_NAME = "mlp_keras_fit"
TORCH_1 = "torch 1 thread"

#: Every name the section answers to (``--only mlp`` selects them all).
NAMES = (HELLO.name, SMALL.name, MNIST.name, KERAS_NAME)


# --------------------------------------------------------------------------- data and parameters

def digits(dtype):
    """``(x, y_hat, labels)``: the digits' training split, one-hot targets and the int labels."""
    from reference.data import load_digits, onehot

    (x, labels), _ = load_digits(dtype=dtype)
    return np.ascontiguousarray(x), onehot(labels, 10, dtype=dtype), labels


def mnist_shaped(n, dtype, seed=0):
    """``n`` synthetic MNIST-shaped examples: pixels uniform in [0, 1), labels uniform over 0..9."""
    g = np.random.default_rng(seed)
    x = g.random((n, 784), dtype=np.float32 if dtype == np.float32 else np.float64)
    labels = g.integers(0, 10, n)
    y_hat = np.zeros((n, 10), dtype)
    y_hat[np.arange(n), labels] = 1
    return x.astype(dtype, copy=False), y_hat, labels


def init_params(sizes, dtype, seed=0):
    """``(W1, b1, ..., WL, bL)``, W_l (H_l, H_{l-1}) from N(0, 1/fan-in), biases 0."""
    g = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append((g.standard_normal((fan_out, fan_in)) / np.sqrt(fan_in)).astype(dtype))
        params.append(np.zeros(fan_out, dtype))
    return tuple(params)


@functools.lru_cache(maxsize=8)
def net_data(net, dtype, quick=False):
    """``(x, y_hat, labels)`` for ``net`` (the arrays are shared: nothing here changes them)."""
    if net.data == "digits":
        return digits(dtype)
    return mnist_shaped(MNIST_N_QUICK if quick else MNIST_N, dtype)


# --------------------------------------------------------------------------- the count of operations

def step_flops(sizes, batch):
    r"""Floating-point operations of one training step's matrix products.

    With :math:`n_0 = D, n_1, \dots, n_L` the layer widths, :math:`B` the batch and
    :math:`S = \sum_{l=1}^{L} n_{l-1} n_l`: the forward pass makes one product
    :math:`(B \times n_{l-1}) \cdot (n_{l-1} \times n_l)` per layer, :math:`2BS`
    operations (a multiply and an add per term); the backward pass makes two per
    layer, the weight gradient :math:`\partial r^\top a` and the input gradient
    :math:`\partial r\, W`, except the first layer's input gradient, which
    nothing needs: :math:`2 \cdot 2BS - 2 B n_0 n_1`. In all

    .. math:: F = 6BS - 2Bn_0n_1.

    The bias adds, activations, softmax, loss and the update, all linear in the
    layer sizes or in the parameter count, are not counted (about 1% of F here).

    >>> step_flops((784, 500, 500, 10), 100)     # the slide's network at batch 100
    309800000
    >>> sum(2 * m * k * n for _, m, k, n, _, _ in step_products((784, 500, 500, 10), 100))
    309800000
    """
    s = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return 6 * batch * s - 2 * batch * sizes[0] * sizes[1]


FLOP_FORMULA = ("F = 2·B·S (forward) + 2·(2·B·S) − 2·B·n0·n1 (backward: each layer's weight gradient "
                "and input gradient, no input gradient for the first layer) = 6·B·S − 2·B·n0·n1, "
                "S = Σ_l n_(l−1)·n_l; matrix products only (bias adds, activations, softmax, loss "
                "and update not counted)")


def step_products(sizes, batch):
    """The matrix products of one step: ``(what, m, k, n, trans_a, trans_b)`` for C = op(A) @ op(B), C (m, n)."""
    out = []
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
        out.append((f"layer {l} forward  a @ W.T", batch, n_in, n_out, False, True))
        out.append((f"layer {l} weights  dr.T @ a", n_out, batch, n_in, True, False))
        if l > 1:
            out.append((f"layer {l} input    dr @ W", batch, n_out, n_in, False, False))
    return out


def _operands(m, k, n, ta, tb, dtype, g):
    """C-ordered operands laid out as the primitives hold them (W (H, D), activations (B, H))."""
    a = g.standard_normal((k, m) if ta else (m, k)).astype(dtype)
    b = g.standard_normal((n, k) if tb else (k, n)).astype(dtype)
    return a, b


def _best(fn, repeats, sample_min=2e-3):
    """The best over ``repeats`` samples of the time per call (each sample a loop of at least ``sample_min`` s,
    after two calls that warm the caches and size the loop)."""
    fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    k = max(1, int(sample_min / one))
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        best = min(best, (time.perf_counter() - t0) / k)
    return best


def sgemm_times(sizes, batch, repeats=9):
    """Best time of each of the step's products in float32: NumPy's ``@`` and SciPy's BLAS ``sgemm``.

    Each product is timed on C-ordered operands in the layout the step uses
    (``a @ W.T`` with W (H, D) row-major, and so on), best of ``repeats``
    samples taken in rounds (every product in NumPy, a pause, every product in
    SciPy). NumPy calls its bundled OpenBLAS; ``scipy.linalg.blas.sgemm`` calls
    SciPy's, the BLAS that Numba's ``np.dot`` (and so the cpu backend) uses. A
    C-ordered product is computed by SciPy's column-major ``sgemm`` as its
    transpose, :math:`C^\\top = op(B)^\\top op(A)^\\top`, on the operands'
    transposed views, so no operand is copied.

    Returns a list of ``(what, shape, flops, numpy_seconds, scipy_seconds)``.
    """
    from scipy.linalg.blas import sgemm

    g = np.random.default_rng(0)
    products = []
    for what, m, k, n, ta, tb in step_products(sizes, batch):
        a, b = _operands(m, k, n, ta, tb, np.float32, g)
        opa, opb = (a.T if ta else a), (b.T if tb else b)
        aT, bT = a.T, b.T          # Fortran-ordered views, no copies
        assert aT.flags.f_contiguous and bT.flags.f_contiguous
        c = sgemm(1.0, bT, aT, trans_a=int(tb), trans_b=int(ta)).T
        if not np.allclose(c, opa @ opb, rtol=1e-3, atol=1e-3 * k):
            raise AssertionError(f"sgemm at {what}: not the product")
        products.append((what, m, k, n, opa, opb, aT, bT, int(tb), int(ta)))
    # Rounds of one library at a time, with a pause between, so that the other's BLAS threads are not
    # spinning; the rounds spread each library's samples over time, so that a burst of load on a shared
    # machine does not hit all of one library's samples.
    t_np = [math.inf] * len(products)
    t_sp = [math.inf] * len(products)
    for _ in range(repeats):
        time.sleep(PAUSE)
        for i, (_, _, _, _, opa, opb, *_) in enumerate(products):
            t_np[i] = min(t_np[i], _best(lambda: opa @ opb, 1))
        time.sleep(PAUSE)
        for i, (*_, aT, bT, ta_, tb_) in enumerate(products):
            t_sp[i] = min(t_sp[i], _best(lambda: sgemm(1.0, bT, aT, trans_a=ta_, trans_b=tb_), 1))
    rows = []
    for (what, m, k, n, *_), tn, ts in zip(products, t_np, t_sp):
        rows.append((what, f"({m}×{k})·({k}×{n})", 2 * m * k * n, tn, ts))
    return rows


# --------------------------------------------------------------------------- timing whole epochs

@dataclass
class EpochTiming:
    first: float            # seconds, the first call (compilation or cache load included)
    epochs: list            # seconds of each timed epoch
    steps: int              # updates per epoch

    @property
    def median(self):
        return statistics.median(self.epochs)

    @property
    def step(self):
        return self.median / self.steps

    @property
    def step_min(self):
        return min(self.epochs) / self.steps

    @property
    def spread(self):
        """Interquartile range / median of the epochs."""
        if len(self.epochs) < 4:
            return (max(self.epochs) - min(self.epochs)) / self.median
        q = statistics.quantiles(self.epochs, n=4)
        return (q[2] - q[0]) / self.median


def _more(n, elapsed, budget, min_epochs, max_epochs):
    """Time another epoch? Until ``budget`` seconds and ``min_epochs``, but never past ``MAX_FACTOR * budget``
    once three epochs are in (a loaded machine must not make a run last forever)."""
    if n >= max_epochs:
        return False
    if n < min_epochs:
        return n < 3 or elapsed < MAX_FACTOR * budget
    return elapsed < budget


def time_epochs(fn, steps, sync=None, budget=2.0, min_epochs=5, max_epochs=500):
    """The first call, a warm-up, then whole epochs until ``budget`` seconds and at least ``min_epochs``."""
    sync = sync or (lambda: None)
    t0 = time.perf_counter()
    fn()
    sync()
    first = time.perf_counter() - t0
    fn()                    # warm-up
    sync()
    times = []
    start = time.perf_counter()
    while _more(len(times), time.perf_counter() - start, budget, min_epochs, max_epochs):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return EpochTiming(first, times, steps)


def time_interleaved(fns, steps, sync=None, budget=2.0, min_epochs=5, max_epochs=500):
    """Like :func:`time_epochs` for several functions, called in turn, so that a change of load hits all alike."""
    sync = sync or (lambda: None)
    firsts = []
    for fn in fns:
        t0 = time.perf_counter()
        fn()
        sync()
        firsts.append(time.perf_counter() - t0)
    for fn in fns:
        fn()
        sync()
    times = [[] for _ in fns]
    start = time.perf_counter()
    while _more(len(times[0]), time.perf_counter() - start, budget, min_epochs, max_epochs):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            sync()
            ts.append(time.perf_counter() - t0)
    return [EpochTiming(f, ts, steps) for f, ts in zip(firsts, times)]


def backend_epoch(B, net, x, y_hat, params, order):
    """A function of no arguments running one epoch of ``B.mlp_epoch``, with everything on ``B``'s device."""
    x, y_hat = B.to_device(x), B.to_device(y_hat)
    params = tuple(B.to_device(p) for p in params)
    kw = dict(order=order, batch_size=net.batch, eta=net.eta, activation=net.activation,
              output=net.output, loss=net.loss)
    return lambda: B.mlp_epoch(x, y_hat, *params, **kw)


#: PyTorch's thread count (``--threads``); ``None``: the usable cores.
THREADS = None


def torch_threads():
    return THREADS or len(os.sched_getaffinity(0))


#: The PyTorch runs: at the machine's thread count (as configured for the goals), and on one thread.
TORCH_RUNS = {"torch": None, TORCH_1: 1}


def _threads(n):
    return f"{n} thread" + ("s" if n != 1 else "")


def torch_epoch(T, net, x, labels, params, order, threads=None):
    """One epoch of the standard PyTorch training loop on a ``torch.nn.Sequential`` of the same network.

    ``threads`` (default: the usable cores) goes to ``torch.set_num_threads``.
    """
    if net.output != "softmax" or net.loss != "cross_entropy" or net.activation != "sigmoid":
        raise ValueError("the PyTorch version is written for sigmoid hidden layers and softmax + cross entropy")
    T.set_num_threads(threads or torch_threads())
    dtype = T.from_numpy(params[0]).dtype
    layers = []
    n_layers = len(params) // 2
    for l in range(n_layers):
        W, b = params[2 * l], params[2 * l + 1]
        lin = T.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)   # weight (out, in): the same layout
        with T.no_grad():
            lin.weight.copy_(T.from_numpy(W))
            lin.bias.copy_(T.from_numpy(b))
        layers.append(lin)
        if l < n_layers - 1:
            layers.append(T.nn.Sigmoid())
    model = T.nn.Sequential(*layers)
    loss_fn = T.nn.CrossEntropyLoss()        # log-softmax + cross entropy on the last layer's output, fused
    opt = T.optim.SGD(model.parameters(), lr=net.eta)
    xt, yt = T.from_numpy(x), T.from_numpy(np.asarray(labels, dtype=np.int64))
    batches = [T.from_numpy(np.ascontiguousarray(order[s:s + net.batch])) for s in range(0, len(order), net.batch)]

    def epoch():
        losses = []
        for idx in batches:
            xb, yb = xt[idx], yt[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.detach())
        return T.stack(losses)

    return epoch


def _sync(name):
    if name == "cuda":
        from numba import cuda
        return cuda.synchronize
    return None


def measure_net(net, name, dtype, torch=None, quick=False, backends=None):
    """Time ``net``'s training step on backend ``name`` (or ``"torch"``); an :class:`EpochTiming`."""
    import accelerated

    x, y_hat, labels = net_data(net, dtype, quick)
    params = init_params(net.sizes, dtype)
    n = x.shape[0]
    order = np.random.default_rng(1).permutation(n)
    steps = -(-n // net.batch)
    if name in TORCH_RUNS:
        fn = torch_epoch(torch, net, x, labels, params, order, TORCH_RUNS[name])
    else:
        B = (backends or {}).get(name) or accelerated.backend(name)
        fn = backend_epoch(B, net, x, y_hat, params, order)
    budget, min_epochs = (0.3, 2) if quick else (2.0, 5)
    time.sleep(PAUSE)
    return time_epochs(fn, steps, sync=_sync(name), budget=budget, min_epochs=min_epochs)


def torch_agrees(net, dtype, torch, quick=False):
    """The largest relative difference between PyTorch's and the reference's batch losses over one epoch.

    Both start from the same parameters and take the same batches, so the losses agree
    to rounding when the two compute the same thing: a check that the comparison is fair.
    """
    import accelerated

    x, y_hat, labels = net_data(net, dtype, quick)
    params = init_params(net.sizes, dtype)
    order = np.random.default_rng(1).permutation(x.shape[0])
    theirs = torch_epoch(torch, net, x, labels, params, order)().numpy().astype(np.float64)
    _, ours = accelerated.backend("reference").mlp_epoch(
        x, y_hat, *params, order=order, batch_size=net.batch, eta=net.eta, activation=net.activation,
        output=net.output, loss=net.loss)
    ours = np.asarray(ours, dtype=np.float64)
    return float(np.max(np.abs(theirs - ours) / np.abs(ours)))


def _combine(rounds):
    """One :class:`EpochTiming` from several rounds: the epochs of the round with the median median."""
    if len(rounds) == 1:
        return rounds[0]
    ordered = sorted(rounds, key=lambda t: t.median)
    mid = ordered[len(ordered) // 2]
    return EpochTiming(rounds[0].first, mid.epochs, mid.steps)


# --------------------------------------------------------------------------- the model layer's overhead

def keras_overhead(net, dtype, backend="cpu", quick=False):
    """One epoch of ``reference.keras`` ``Sequential.fit`` against a bare ``mlp_epoch`` on the same model.

    Returns ``(fit, bare, label)``: two :class:`EpochTiming` and the model's dtype and
    ``fit``'s path (``"fast"`` when it calls ``mlp_epoch``); the model is the slide's code
    (``Dense``, ``Activation('sigmoid')``, ..., ``Activation('softmax')``,
    ``categorical_crossentropy``, ``SGD(lr=0.1)``), fitted with ``verbose=0`` and
    the default shuffle; the bare call gets the model's weights and a fixed order.
    """
    import accelerated
    from reference.keras import SGD, Activation, Dense, Sequential

    x, y_hat, _ = net_data(net, dtype, quick)
    model = Sequential(backend=backend, seed=0)
    sizes = net.sizes
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        model.add(Dense(n_out, input_dim=n_in) if l == 0 else Dense(n_out))
        model.add(Activation(net.activation if l < len(sizes) - 2 else net.output))
    model.compile(loss="categorical_crossentropy", optimizer=SGD(lr=net.eta))
    ws = model.get_weights()
    mdtype = ws[0].dtype
    x, y_hat = x.astype(mdtype, copy=False), y_hat.astype(mdtype, copy=False)
    params = tuple(np.ascontiguousarray(w.T) if w.ndim == 2 else np.ascontiguousarray(w) for w in ws)
    n = x.shape[0]
    steps = -(-n // net.batch)
    budget, min_epochs = (0.3, 2) if quick else (2.0, 5)

    path = []

    def fit():
        history = model.fit(x, y_hat, batch_size=net.batch, epochs=1, verbose=0)
        path[:] = [getattr(history, "params", {}).get("path", "?")]

    B = accelerated.backend(backend)
    bare = backend_epoch(B, net, x, y_hat, params, np.random.default_rng(1).permutation(n))
    time.sleep(PAUSE)
    t_fit, t_bare = time_interleaved((fit, bare), steps, sync=_sync(backend), budget=budget,
                                     min_epochs=min_epochs)
    return t_fit, t_bare, f"{mdtype}, {path[0]} path"


# --------------------------------------------------------------------------- the whole section

def run(backends, torch, dtypes, matches, quick=False, rounds=1, info=None, notes=()):
    """Run the selected measurements, print them as they come, and return the Markdown section's lines."""
    import accelerated

    names = [b for b in backends if b in ("reference", "cpu", "cuda", "torch")]
    if "torch" in names and torch_threads() > 1:
        names.append(TORCH_1)
    loaded = {}
    for b in names:
        if b not in TORCH_RUNS:
            loaded[b] = accelerated.backend(b)
    results = {}        # (net name, dtype, backend) -> EpochTiming or error string
    nets = [n for n in (HELLO, SMALL, MNIST) if matches(n.name)]
    plan = []
    for net in nets:
        for dt in (dtypes if net is not MNIST else ("float32",)):
            plan.append((net, dt))
    rounds = max(1, rounds)
    if plan:
        print()
        print("MLP training step (one mini-batch update, timed over whole epochs of mlp_epoch; "
              "softmax + cross entropy, SGD lr 0.1)" + (f"; {rounds} rounds" if rounds > 1 else ""))
    collected = {}
    for rnd in range(rounds):
        for net, dt in plan:
            dtype = np.dtype(dt).type
            for b in names:
                key = (net.name, dt, b)
                try:
                    collected.setdefault(key, []).append(
                        measure_net(net, b, dtype, torch=torch, quick=quick, backends=loaded))
                except Exception as exc:      # a backend that cannot run says why; the rest go on
                    collected[key] = f"error: {type(exc).__name__}"
                    if rnd == 0:
                        print(f"  {net.arch} {dt} on {b}: {type(exc).__name__}: {exc}", file=sys.stderr)
            if rnd == rounds - 1:
                cells = []
                for b in names:
                    t = collected.get((net.name, dt, b))
                    t = t if isinstance(t, str) else _combine(t)
                    results[(net.name, dt, b)] = t
                    cells.append(f"{b} {_step_cell(t)}")
                print(f"  {net.title} {net.arch}, batch {net.batch}, {dt}: " + "; ".join(cells), flush=True)

    agree = {}
    if torch is not None and "torch" in names:
        for net, dt in plan:
            try:
                agree[(net.name, dt)] = torch_agrees(net, np.dtype(dt).type, torch, quick)
            except Exception as exc:
                print(f"  PyTorch vs reference losses, {net.arch} {dt}: {type(exc).__name__}: {exc}", file=sys.stderr)
        if agree:
            print("  PyTorch's batch losses over one epoch vs the reference's, largest relative difference: "
                  + "; ".join(f"{n} {d} {v:.1e}" for (n, d), v in agree.items()))

    gemm = None
    if matches(MNIST.name):
        print(f"  sgemm at the step's shapes ({MNIST.arch}, batch {MNIST.batch}, float32), best of several:")
        gemm = sgemm_times(MNIST.sizes, MNIST.batch, repeats=3 if quick else 9)
        for what, shape, fl, t_np, t_sp in gemm:
            print(f"    {what:<28} {shape:<18} numpy {fmt_seconds(t_np):>9} ({fl / t_np / 1e9:5.1f} GFLOP/s)  "
                  f"scipy {fmt_seconds(t_sp):>9} ({fl / t_sp / 1e9:5.1f} GFLOP/s)")

    keras = {}
    if matches(KERAS_NAME) and "cpu" not in names:
        print("  reference.keras fit: skipped, it is timed on the cpu backend, which is not selected")
    if matches(KERAS_NAME) and "cpu" in names:
        for net in DIGIT_NETS:
            try:
                keras[net.name] = keras_overhead(net, np.float32, "cpu", quick)
            except Exception as exc:
                keras[net.name] = f"error: {type(exc).__name__}"
                print(f"  reference.keras fit, {net.arch}: {type(exc).__name__}: {exc}", file=sys.stderr)
            k = keras[net.name]
            if not isinstance(k, str):
                fit, bare, mdt = k
                print(f"  reference.keras fit ({mdt}) vs bare mlp_epoch, {net.arch}, batch {net.batch}, cpu: "
                      f"fit {fmt_seconds(fit.median)}/epoch, bare {fmt_seconds(bare.median)}/epoch "
                      f"({_signed(fit.median - bare.median)}, {100 * (fit.median / bare.median - 1):+.0f}%)",
                      flush=True)

    if not plan and gemm is None and not keras:
        return []
    goals = goal_lines(results, gemm, names, dtypes, torch is not None, quick)
    print()
    for g in goals:
        print(g)
    return markdown(results, gemm, keras, goals, names, plan, torch, quick, rounds, info, notes, agree)


def _signed(seconds):
    return ("+" if seconds >= 0 else "−") + fmt_seconds(abs(seconds))


def _step_cell(t, with_min=False):
    if t is None:
        return "—"
    if isinstance(t, str):
        return t
    s = fmt_seconds(t.step)
    return s + (f" (min {fmt_seconds(t.step_min)})" if with_min else "")


def _get(results, net, dt, b):
    t = results.get((net.name, dt, b))
    return None if t is None or isinstance(t, str) else t


def goal_lines(results, gemm, names, dtypes, have_torch, quick=False):
    """The goals for lecture 3's networks, each met or not met, with the numbers."""
    out = []
    caveat = " (--quick: too short to judge)" if quick else ""
    for dt in dtypes:
        cpu, ref, tor = (_get(results, SMALL, dt, b) for b in ("cpu", "reference", "torch"))
        if (SMALL.name, dt, "cpu") not in results:
            continue
        if cpu is None:
            out.append(f"goal: small network {SMALL.arch} step on cpu, {dt}: not measured (cpu failed)")
            continue
        if tor is not None:
            r = tor.step / cpu.step
            tor1 = _get(results, SMALL, dt, TORCH_1)
            one = ""
            if tor1 is not None:
                r1 = tor1.step / cpu.step
                one = f"; PyTorch on 1 thread {fmt_seconds(tor1.step)}, {r1:.1f}×"
                if tor1.step < tor.step:
                    one += f", {'met' if r1 >= GOAL_TORCH else 'NOT met'} against this faster PyTorch run"
            out.append(f"goal: small network {SMALL.arch} (batch {SMALL.batch}) step on cpu ≥ {GOAL_TORCH:g}× "
                       f"faster than PyTorch CPU, {dt}: {'met' if r >= GOAL_TORCH else 'NOT met'} — {r:.1f}× "
                       f"(cpu {fmt_seconds(cpu.step)}, PyTorch on {_threads(torch_threads())} "
                       f"{fmt_seconds(tor.step)}{one}){caveat}")
        else:
            why = "PyTorch not installed" if not have_torch else "PyTorch not timed"
            out.append(f"goal: small network step on cpu ≥ {GOAL_TORCH:g}× faster than PyTorch CPU, {dt}: "
                       f"not measured ({why})")
        if ref is not None:
            r = ref.step / cpu.step
            out.append(f"goal: small network {SMALL.arch} (batch {SMALL.batch}) step on cpu ≥ {GOAL_REFERENCE:g}× "
                       f"faster than reference, {dt}: {'met' if r >= GOAL_REFERENCE else 'NOT met'} — {r:.1f}× "
                       f"(cpu {fmt_seconds(cpu.step)}, reference {fmt_seconds(ref.step)}){caveat}")
        else:
            out.append(f"goal: small network step on cpu ≥ {GOAL_REFERENCE:g}× faster than reference, {dt}: "
                       "not measured (reference not timed)")
    cpu = _get(results, MNIST, "float32", "cpu")
    if gemm is not None and (MNIST.name, "float32", "cpu") in results:
        if cpu is None:
            out.append(f"goal: {MNIST.arch} step on cpu within {GOAL_SGEMM:g}× of its sgemm time: "
                       "not measured (cpu failed)")
        else:
            flops = step_flops(MNIST.sizes, MNIST.batch)
            t_np = sum(r[3] for r in gemm)
            t_sp = sum(r[4] for r in gemm)
            t_best = min(t_np, t_sp)
            r = cpu.step / t_best
            out.append(f"goal: {MNIST.arch} (batch {MNIST.batch}, float32) step on cpu within {GOAL_SGEMM:g}× of "
                       f"F / sgemm rate: {'met' if r <= GOAL_SGEMM else 'NOT met'} — {r:.2f}× (step "
                       f"{fmt_seconds(cpu.step)}; F = {flops / 1e6:.1f} MFLOP; at the faster measured rate, "
                       f"{'NumPy' if t_np <= t_sp else 'SciPy'} {flops / t_best / 1e9:.1f} GFLOP/s, "
                       f"{fmt_seconds(t_best)}; at SciPy's (Numba's np.dot; the cpu backend's mlp_epoch calls "
                       f"NumPy's own BLAS at this size) "
                       f"{cpu.step / t_sp:.2f}×){caveat}")
    return out


# --------------------------------------------------------------------------- Markdown

def markdown(results, gemm, keras, goals, names, plan, torch, quick, rounds, info=None, notes=(), agree=None):
    lines = ["## Lecture 3's networks: the training step", ""]
    lines.append(f"`python -m benchmarks {' '.join(sys.argv[1:])}`, {time.strftime('%Y-%m-%d %H:%M')}"
                 + (" (--quick: indicative only)" if quick else "") + ".")
    lines.append("")
    if info:
        lines += [f"- **{k}**: {v}" for k, v in info.items()]
        lines.append(f"- **load average at the end**: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        lines += [f"- {n}" for n in notes]
        lines.append("")
    lines.append("A step is one mini-batch update (forward, loss, backward, update of every parameter). "
                 "Each backend's step is its `mlp_epoch` over whole epochs, the epoch's time over its "
                 "⌈N/B⌉ updates, median over the timed epochs after a compiling call and a warm-up"
                 + (f"; with {rounds} interleaved rounds, the round with the median median" if rounds > 1 else "")
                 + ". Every hidden layer is sigmoid; the output softmax, trained with cross entropy "
                 "(fused); SGD with lr 0.1 (003 \"Keras\", `SGD(lr=0.1)`). The ratios `x/cpu` are x's step "
                 "time over the cpu backend's: how many times faster the cpu backend is.")
    if torch is not None:
        lines.append("")
        lines.append(f"PyTorch {torch.__version__}: the same network as `torch.nn.Sequential` (`Linear`, `Sigmoid`, "
                     "..., `Linear`) with `torch.nn.CrossEntropyLoss` and `torch.optim.SGD`, the standard loop "
                     "(`zero_grad`, forward, loss, `backward`, `step`) over the same batches, from the same "
                     f"initial values, in the same dtype, `torch.set_num_threads({torch_threads()})` ("
                     + ("as `--threads`" if THREADS else "the usable cores") + "; the goal is judged against this)"
                     + (f", and again with `torch.set_num_threads(1)` (\"{TORCH_1}\")" if torch_threads() > 1 else "")
                     + ".")
        if agree:
            worst = max(agree.values())
            lines.append(f"Its batch losses over one epoch agree with the reference `mlp_epoch`'s to {worst:.1e} "
                         "(largest relative difference over the networks and dtypes): the same computation.")
    lines.append("")
    digit_rows = [(net, dt) for net, dt in plan if net.data == "digits"]
    if digit_rows:
        lines.append("On scikit-learn's 8×8 digits (`reference.data.load_digits`: 1347 training images of 64 "
                     "pixels, 10 classes; an epoch's last batch is smaller, 1347 = 13·100 + 47 = 42·32 + 3), "
                     "per step (median; min in brackets):")
        lines.append("")
        lines += _table(results, digit_rows, names)
        lines.append("")
    mnist_rows = [(net, dt) for net, dt in plan if net is MNIST]
    if mnist_rows or gemm is not None:
        n_rows = MNIST_N_QUICK if quick else MNIST_N
        lines.append(f"The slide's network {MNIST.arch} at batch {MNIST.batch}, float32. MNIST does not ship "
                     f"with slidespec (nothing is downloaded): this runs on {n_rows} synthetic MNIST-shaped "
                     "images (784 pixel values uniform in [0, 1), random labels); the time of a step does not "
                     "depend on the values.")
        lines.append("")
        if mnist_rows:
            lines += _table(results, mnist_rows, names)
            lines.append("")
        flops = step_flops(MNIST.sizes, MNIST.batch)
        s = sum(a * b for a, b in zip(MNIST.sizes[:-1], MNIST.sizes[1:]))
        lines.append(f"Operations per step: {FLOP_FORMULA}. Here B = {MNIST.batch}, S = {s:,}, "
                     f"n0·n1 = {MNIST.sizes[0] * MNIST.sizes[1]:,}: F = {flops:,} ≈ {flops / 1e6:.1f} MFLOP.")
        lines.append("")
        if gemm is not None:
            lines.append("The step's matrix products in float32, each timed alone on operands in the step's "
                         "layout, best of several: NumPy's `@` (its bundled OpenBLAS) and "
                         "`scipy.linalg.blas.sgemm` (SciPy's OpenBLAS, the one Numba's `np.dot` calls; the cpu "
                         "backend's `mlp_epoch` calls NumPy's own at 2**20 multiply-adds per batch and above):")
            lines.append("")
            lines.append("| product | shape | MFLOP | NumPy | SciPy sgemm |")
            lines.append("|---|---|---|---|---|")
            for what, shape, fl, t_np, t_sp in gemm:
                lines.append(f"| {' '.join(what.split())} | {shape} | {fl / 1e6:.1f} | {fmt_seconds(t_np)} "
                             f"({fl / t_np / 1e9:.0f} GFLOP/s) | {fmt_seconds(t_sp)} ({fl / t_sp / 1e9:.0f} GFLOP/s) |")
            t_np = sum(r[3] for r in gemm)
            t_sp = sum(r[4] for r in gemm)
            lines.append(f"| **all** | | **{flops / 1e6:.1f}** | **{fmt_seconds(t_np)}** ({flops / t_np / 1e9:.0f} "
                         f"GFLOP/s) | **{fmt_seconds(t_sp)}** ({flops / t_sp / 1e9:.0f} GFLOP/s) |")
            lines.append("")
            row = []
            for b in names:
                t = _get(results, MNIST, "float32", b)
                if t is not None:
                    row.append(f"{b} {t.step / t_np:.2f}× / {t.step / t_sp:.2f}×")
            if row:
                lines.append("Step time / (F / sgemm rate), at NumPy's rate / at SciPy's: " + "; ".join(row) + ".")
                lines.append("")
    if keras:
        lines.append("The model layer's overhead: one epoch of `reference.keras` `Sequential.fit(..., epochs=1, "
                     "verbose=0)` (the slide's model, `categorical_crossentropy`, `SGD(lr=0.1)`, shuffled) against "
                     "a bare `mlp_epoch` call on the same weights, cpu backend, digits:")
        lines.append("")
        lines.append("| network | batch | dtype, `fit`'s path | fit, one epoch | bare `mlp_epoch` | overhead |")
        lines.append("|---|---|---|---|---|---|")
        for net in DIGIT_NETS:
            k = keras.get(net.name)
            if k is None:
                continue
            if isinstance(k, str):
                lines.append(f"| {net.arch} | {net.batch} | | {k} | | |")
                continue
            fit, bare, mdt = k
            lines.append(f"| {net.arch} | {net.batch} | {mdt} | {fmt_seconds(fit.median)} | {fmt_seconds(bare.median)} "
                         f"| {_signed(fit.median - bare.median)} ({100 * (fit.median / bare.median - 1):+.0f}%) |")
        lines.append("")
    if goals:
        lines.append("Goals:")
        lines.append("")
        lines += [f"- {g[len('goal: '):] if g.startswith('goal: ') else g}" for g in goals]
        lines.append("")
    return lines


def _table(results, rows, names):
    head = ["network", "batch", "steps/epoch", "dtype"] + names
    ratios = [(f"{b}/cpu", b) for b in ("reference", "torch", TORCH_1) if b in names and "cpu" in names]
    head += [r[0] for r in ratios] + (["cpu first call"] if "cpu" in names else [])
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for net, dt in rows:
        cells = [net.arch, str(net.batch)]
        steps = next((t.steps for b in names if (t := _get(results, net, dt, b)) is not None), None)
        cells += [str(steps) if steps else "—", dt]
        for b in names:
            cells.append(_step_cell(results.get((net.name, dt, b)), with_min=True))
        cpu = _get(results, net, dt, "cpu")
        for _, b in ratios:
            t = _get(results, net, dt, b)
            cells.append(f"{t.step / cpu.step:.1f}×" if t is not None and cpu is not None else "—")
        if "cpu" in names:
            cells.append(fmt_seconds(cpu.first) if cpu is not None else "—")
        out.append("| " + " | ".join(cells) + " |")
    return out
