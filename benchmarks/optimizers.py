r"""The optimizer rules: the time of one update against the time its bytes take to move.

An update of a rule (:mod:`reference.optimizers`) reads the parameter, the gradient
and the rule's state and writes the new parameter and state; per parameter it does a
few arithmetic operations on a few numbers, so its time is bounded below by the
memory traffic. This section times one update of every rule at :data:`SIZES`
float32 parameters (one 1-D array):

* the reference (NumPy, ``inplace=False`` and ``inplace=True``);
* the cpu backend, ``inplace=True`` (one pass that overwrites the parameter and the
  state) and ``inplace=False`` (the same pass writing new arrays);
* the cuda backend (``inplace=True``, device arrays, synchronised) on a real GPU only;
* PyTorch's ``torch.optim`` on the CPU when PyTorch is installed, with
  ``foreach=False`` and with the default arguments, each rule's hyperparameters set to
  slidespec's (:data:`TORCH_RULES`; what cannot be matched is said there); and, for
  information only, ``fused=True`` where PyTorch has a fused CPU kernel.

The bound: :func:`copy_bandwidth` measures how fast this machine copies one
float32 array into another (both arrays already touched, counting 8 bytes per
element: one read, one write), at each size: the faster of ``np.copyto`` on one
thread and a Numba ``prange`` copy on all threads, since the cpu backend's update
itself runs on all threads at these sizes. A rule's bytes per
parameter in place (:data:`BYTES`: each array read once, each new value written
once) divided by that rate is the time the rule's traffic takes at copy speed; the
ratio of the measured time to it is reported, with the goal :data:`GOAL_BOUND`.
The in-place pass writes only lines it has just read, whereas a copy into another
array may cost the processor an extra read of the destination (write-allocate), so
a rule can come in under 1×. The rate of ``np.add(a, b, out=a)`` (a read-modify-write
stream, 12 bytes per element, the access pattern of the in-place rules) is printed
beside it.

Steady state: every array is filled before the timing (no first-touch page faults
on the inputs), each figure is the median of several samples after a first call and a
warm-up (:func:`benchmarks.timing.measure`), and ``inplace=True`` keeps updating the
same arrays. ``inplace=False`` allocates its outputs on every call, as a caller would.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import time

import numpy as np

from .timing import combine, fmt_seconds, measure

#: Every name the section answers to (``--only optim``).
NAMES = ("optim_update",)

#: Parameter counts timed (float32).
SIZES = (1_000_000, 10_000_000)
SIZES_QUICK = (1_000_000,)

RULES = ("sgd", "momentum", "adagrad", "rmsprop", "adadelta", "adam", "nadam")

#: Bytes moved per float32 parameter by one in-place update: arrays read + arrays written, 4 bytes each.
BYTES = {"sgd": 12, "momentum": 20, "adagrad": 20, "rmsprop": 20, "adadelta": 28, "adam": 28,
         "nadam": 28}
#: What those bytes are.
TRAFFIC = {"sgd": "read p, g; write p", "momentum": "read p, g, v; write p, v",
           "adagrad": "read p, g, Σg²; write p, Σg²", "rmsprop": "read p, g, σ²; write p, σ²",
           "adadelta": "read p, g, E[g²], E[Δw²]; write p, E[g²], E[Δw²]",
           "adam": "read p, g, m, v; write p, m, v", "nadam": "read p, g, m, v; write p, m, v"}

#: slidespec's hyperparameters for each rule (the defaults, except where PyTorch's form needs otherwise).
HYPER = {"sgd": dict(eta=0.01), "momentum": dict(eta=0.01, momentum=0.9),
         "adagrad": dict(eta=0.01, eps=1e-10), "rmsprop": dict(eta=0.001, alpha=0.9, eps=1e-8),
         "adadelta": dict(eta=1.0, rho=0.95, eps=1e-6),
         "adam": dict(eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8),
         "nadam": dict(eta=0.002, beta1=0.9, beta2=0.999, eps=1e-8)}

#: PyTorch's optimizer and arguments for each rule, and what differs from slidespec's rule.
TORCH_RULES = {
    "sgd": ("SGD", dict(lr=0.01), ""),
    "momentum": ("SGD", dict(lr=0.01, momentum=0.9),
                 "PyTorch keeps v' = μv' + g and steps −ηv' (v = −ηv' for a constant η: the same path)"),
    "adagrad": ("Adagrad", dict(lr=0.01, eps=1e-10),
                "the same form η/(√Σg² + ε) with PyTorch's ε = 1e-10 (slidespec's default ε = 0 is the slide's "
                "η/√Σg²; the benchmark runs slidespec with ε = 1e-10)"),
    "rmsprop": ("RMSprop", dict(lr=0.001, alpha=0.9, eps=1e-8), ""),
    "adadelta": ("Adadelta", dict(lr=1.0, rho=0.95, eps=1e-6), ""),
    "adam": ("Adam", dict(lr=0.001, betas=(0.9, 0.999), eps=1e-8),
             "PyTorch divides by (√v/√(1−β₂ᵗ) + ε) with the step η/(1−β₁ᵗ): the same formula, another rounding order"),
    "nadam": ("NAdam", dict(lr=0.002, betas=(0.9, 0.999), eps=1e-8),
              "PyTorch's NAdam always applies its momentum schedule μ_t = β₁(1 − ½·0.96^(tψ)) (default "
              "ψ = momentum_decay = 0.004; ψ = 0 gives μ = β₁/2, not β₁), so its arithmetic is not Dozat's "
              "constant-β₁ form; the per-parameter work is the same kind (one pass of m, v, a square root, "
              "divisions), and the default is timed"),
}

#: PyTorch optimizers with a fused CPU kernel (``fused=True``), timed for information only.
TORCH_FUSED = ("SGD", "Adam", "Adagrad")

#: The goals for the cpu backend's updates (float32, in place).
GOAL_BOUND = 1.2        # at most this many times the time of the rule's bytes at copy bandwidth
GOAL_REFERENCE = 3.0    # at least this many times faster than the reference
GOAL_TORCH = 1.0        # cpu time / PyTorch time at most this

#: Seconds between two libraries' timings, so that the last one's idle threads stop spinning.
PAUSE = 0.2

#: Columns of the tables: (key, title).
COLUMNS = (("reference", "reference"), ("reference_inplace", "reference inplace"),
           ("cpu_inplace", "cpu inplace"), ("cpu_inplace_1", "cpu inplace, 1 thread"),
           ("cpu", "cpu new arrays"), ("cuda", "cuda inplace"),
           ("torch_foreach_false", "torch foreach=False"), ("torch_default", "torch default"),
           ("torch_fused", "torch fused (info)"))


# --------------------------------------------------------------------------- the bound

def _filled(n, seed, scale=1.0):
    """``n`` float32 values from N(0, scale²): a new array, every page touched."""
    return _normal(n, seed, scale).copy()


@functools.lru_cache(maxsize=4)
def _normal(n, seed, scale):
    return np.random.default_rng(seed).standard_normal(n, dtype=np.float32) * np.float32(scale)


@functools.lru_cache(maxsize=1)
def _threaded_copy():
    """A copy loop on all of Numba's threads (``prange``): the copy rate of the whole machine."""
    from numba import njit, prange

    @njit(parallel=True)
    def copy(dst, src):
        for i in prange(src.shape[0]):
            dst[i] = src[i]

    return copy


def copy_bandwidth(n, budget=0.3):
    """Bytes per second of copying one touched float32 array of ``n`` into another.

    Returns ``(copy_rate, rmw_rate, copy_rate_1)``: ``copy_rate`` is the machine's copy
    rate, the faster of ``np.copyto`` (one thread) and a Numba ``prange`` copy on all
    of Numba's threads, counted as 8 bytes per element (read the source, write the
    destination); ``rmw_rate`` is ``np.add(a, b, out=a)`` counted as 12 bytes per
    element (read a and b, write a), the access pattern of an in-place update; and
    ``copy_rate_1`` is ``np.copyto``'s alone.
    """
    src = _filled(n, 1)
    dst = np.ones(n, np.float32)
    t_copy = measure(lambda: np.copyto(dst, src), budget=budget, min_samples=7)
    copy = _threaded_copy()
    copy(dst, src)
    t_threads = measure(lambda: copy(dst, src), budget=budget, min_samples=7)
    a = np.zeros(n, np.float32)
    b = np.zeros(n, np.float32)
    t_rmw = measure(lambda: np.add(a, b, out=a), budget=budget, min_samples=7)
    one = 8 * n / t_copy.median
    return max(one, 8 * n / t_threads.median), 12 * n / t_rmw.median, one


#: Parameters of the in-cache run that gives a rule's arithmetic time per parameter (:func:`compute_time`).
IN_CACHE = 16384


def compute_time(rule, budget=0.3):
    """Seconds per parameter of the cpu backend's in-place pass when memory is not the limit.

    The pass alone (the rule's kernel through ``accelerated.cpu.optimizers._APPLY``,
    without the argument checks, whose fixed cost would swamp it) over :data:`IN_CACHE`
    float32 parameters (at most 256 KiB of arrays, which stay in the core's L2 cache from
    one call to the next), minus the same over one parameter (the call's own fixed
    cost), over :data:`IN_CACHE` − 1: the time of the rule's arithmetic per parameter.
    Times the parameter count, it is the floor the arithmetic alone puts under an update.
    """
    import inspect

    from accelerated.cpu import optimizers as cpu_optimizers

    update = getattr(cpu_optimizers, f"{rule}_update")
    hyper = {k: v.default for k, v in inspect.signature(update).parameters.items()
             if v.default is not inspect.Parameter.empty and k != "inplace"}
    hyper.update(HYPER[rule])
    apply = cpu_optimizers._APPLY[rule]

    def bare(n):
        p, g = _filled(n, 2), _filled(n, 3, 1e-2)
        box = [p, getattr(cpu_optimizers, f"{rule}_init")(p)]

        def fn():
            box[0], box[1] = apply(box[0], g, box[1], hyper, True)
        return fn

    big, one = bare(IN_CACHE), bare(1)          # IN_CACHE is below THREADS_MIN: one thread
    # the smallest of three medians of each: on a shared machine, load only ever adds time
    t_big = min(measure(big, budget=budget / 3, min_samples=9).median for _ in range(3))
    t_one = min(measure(one, budget=budget / 3, min_samples=9).median for _ in range(3))
    return max(t_big - t_one, 0.0) / (IN_CACHE - 1)


# --------------------------------------------------------------------------- the timed calls

def _backend_fn(B, rule, n, inplace, to_device=None):
    """A function of no arguments making one ``B.<rule>_update`` call on ready arrays."""
    dev = to_device or (lambda a: a)
    p = dev(_filled(n, 2))
    g = dev(_filled(n, 3, 1e-2))
    state = getattr(B, f"{rule}_init")(p)
    update = getattr(B, f"{rule}_update")
    hyper = HYPER[rule]
    p, state = update(p, g, state, inplace=True, **hyper)       # a state that is not all zeros
    if inplace:
        box = [p, state]

        def fn():
            box[0], box[1] = update(box[0], g, box[1], inplace=True, **hyper)
        return fn
    return lambda: update(p, g, state, **hyper)


def _torch_fn(T, rule, n, **extra):
    """One ``step()`` of ``torch.optim`` on one float32 parameter of ``n`` with a fixed gradient."""
    name, kw, _ = TORCH_RULES[rule]
    p = T.nn.Parameter(T.from_numpy(_filled(n, 2)))
    p.grad = T.from_numpy(_filled(n, 3, 1e-2))
    opt = getattr(T.optim, name)([p], **kw, **extra)
    opt.step()
    return opt.step


def _sync(name):
    if name == "cuda":
        from numba import cuda
        return cuda.synchronize
    return None


def time_rule(rule, n, column, backends, torch, budget):
    """The :class:`~benchmarks.timing.Timing` of one update for one column, or ``None`` when not run."""
    if column.startswith("reference"):
        if "reference" not in backends:
            return None
        fn = _backend_fn(backends["reference"], rule, n, column.endswith("inplace"))
    elif column == "cpu_inplace_1":
        if "cpu" not in backends:
            return None
        import numba

        before = numba.get_num_threads()
        if before == 1:
            return None                 # the same as "cpu_inplace"
        numba.set_num_threads(1)
        try:
            fn = _backend_fn(backends["cpu"], rule, n, True)
            time.sleep(PAUSE)
            return measure(fn, budget=budget, min_samples=5)
        finally:
            numba.set_num_threads(before)
    elif column.startswith("cpu"):
        if "cpu" not in backends:
            return None
        fn = _backend_fn(backends["cpu"], rule, n, column.endswith("inplace"))
    elif column == "cuda":
        if "cuda" not in backends:
            return None
        B = backends["cuda"]
        fn = _backend_fn(B, rule, n, True, B.to_device)
    else:
        if torch is None:
            return None
        if column == "torch_foreach_false":
            fn = _torch_fn(torch, rule, n, foreach=False)
        elif column == "torch_default":
            fn = _torch_fn(torch, rule, n)
        else:
            if TORCH_RULES[rule][0] not in TORCH_FUSED:
                return None
            fn = _torch_fn(torch, rule, n, fused=True)
    time.sleep(PAUSE)
    return measure(fn, sync=_sync(column), budget=budget, min_samples=5)


# --------------------------------------------------------------------------- the whole section

def run(backend_names, torch, quick=False, rounds=1, info=None, notes=(), threads=None):
    """Time every rule at every size, print the results and the goals, return the Markdown section's lines."""
    import accelerated

    backends = {b: accelerated.backend(b) for b in backend_names if b in ("reference", "cpu", "cuda")}
    if torch is not None and "torch" not in backend_names:
        torch = None
    torch_threads = None
    if torch is not None:
        if threads:
            torch.set_num_threads(threads)
        torch_threads = torch.get_num_threads()
    sizes = SIZES_QUICK if quick else SIZES
    budget = 0.05 if quick else 0.3
    rounds = max(1, rounds)
    columns = [c for c, _ in COLUMNS]

    print()
    print("Optimizer updates, float32, one 1-D parameter; time of one update (median)"
          + (f", {rounds} rounds" if rounds > 1 else ""))
    results = {}        # (rule, n, column) -> Timing or error string
    bandwidth = {}      # n -> (copy rate, read-modify-write rate, one thread's copy rate)
    per_param = {}      # rule -> seconds per parameter of the cpu backend's arithmetic (in cache)
    if "cpu" in backends:
        for rule in RULES:
            try:
                per_param[rule] = statistics.median(
                    compute_time(rule, budget) for _ in range(rounds))
            except Exception as exc:
                print(f"  {rule} in-cache time: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("  cpu in place, in cache (n = %d), arithmetic per parameter: " % IN_CACHE
              + "; ".join(f"{r} {t * 1e9:.2f} ns" for r, t in per_param.items()))
    for n in sizes:
        got = {}
        bw = []
        for rnd in range(rounds):
            time.sleep(PAUSE)
            bw.append(copy_bandwidth(n, budget))
            for rule in RULES:
                for col in columns:
                    key = (rule, col)
                    if isinstance(got.get(key), str):
                        continue
                    try:
                        t = time_rule(rule, n, col, backends, torch, budget)
                    except Exception as exc:       # a backend that cannot run says why; the rest go on
                        got[key] = f"error: {type(exc).__name__}"
                        print(f"  {rule} n={n} {col}: {type(exc).__name__}: {exc}", file=sys.stderr)
                        continue
                    if t is not None:
                        got.setdefault(key, []).append(t)
        bandwidth[n] = tuple(statistics.median(b[k] for b in bw) for k in range(3))
        copy_rate, rmw_rate, copy_1 = bandwidth[n]
        print(f"  n = {n:,}: copy {copy_rate / 1e9:.1f} GB/s (the faster of np.copyto, one thread, "
              f"{copy_1 / 1e9:.1f} GB/s, and a prange copy on all threads; 8 bytes/element), "
              f"np.add(a, b, out=a) {rmw_rate / 1e9:.1f} GB/s (12 bytes/element, one thread)")
        for rule in RULES:
            cells = []
            for col in columns:
                v = got.get((rule, col))
                v = v if v is None or isinstance(v, str) else combine(v)
                results[(rule, n, col)] = v
                if v is not None:
                    cells.append(f"{col} {_cell(v)}")
            print(f"    {rule:<9} " + "; ".join(cells), flush=True)

    goals = goal_lines(results, bandwidth, sizes, torch is not None, quick, per_param)
    print()
    for g in goals:
        print(g)
    return markdown(results, bandwidth, sizes, goals, torch, torch_threads, backends, quick, rounds,
                    info, notes, per_param)


def _cpu_threads():
    """The threads the cpu backend's update uses at :data:`SIZES` (Numba's count, from its threshold on)."""
    import numba

    from accelerated.cpu import optimizers as cpu_optimizers

    return numba.get_num_threads() if min(SIZES_QUICK) >= cpu_optimizers.THREADS_MIN else 1


def _cell(t):
    if t is None:
        return "—"
    if isinstance(t, str):
        return t
    return fmt_seconds(t.median)


def _get(results, rule, n, col):
    t = results.get((rule, n, col))
    return None if t is None or isinstance(t, str) else t


def figures(results, bandwidth, rule, n, per_param=None):
    """The derived figures of one rule at one size: a dict (missing ones are ``None``)."""
    cpu_in, cpu_out = _get(results, rule, n, "cpu_inplace"), _get(results, rule, n, "cpu")
    ref_out, ref_in = _get(results, rule, n, "reference"), _get(results, rule, n, "reference_inplace")
    tor = [t for t in (_get(results, rule, n, "torch_foreach_false"), _get(results, rule, n, "torch_default"))
           if t is not None]
    copy_rate = bandwidth[n][0]
    nbytes = BYTES[rule] * n
    bound = nbytes / copy_rate
    out = {"bound": bound, "bytes": nbytes}
    out["gbs"] = nbytes / cpu_in.median / 1e9 if cpu_in else None
    out["x_bound"] = cpu_in.median / bound if cpu_in else None
    one = _get(results, rule, n, "cpu_inplace_1")
    out["x_bound_1"] = one.median / bound if one else None
    out["x_bound_new"] = cpu_out.median / bound if cpu_out else None
    out["ref_speedup"] = ref_out.median / cpu_out.median if ref_out and cpu_out else None
    out["ref_speedup_inplace"] = ref_in.median / cpu_in.median if ref_in and cpu_in else None
    out["vs_torch"] = cpu_in.median / min(t.median for t in tor) if cpu_in and tor else None
    floor = (per_param or {}).get(rule)
    out["floor"] = floor * n if floor else None
    out["x_floor"] = cpu_in.median / (floor * n) if cpu_in and floor else None
    return out


def goal_lines(results, bandwidth, sizes, have_torch, quick=False, per_param=None):
    """One line per rule and size: each goal met or not, with the numbers."""
    caveat = " (--quick: too short to judge)" if quick else ""
    out = []
    for n in sizes:
        for rule in RULES:
            f = figures(results, bandwidth, rule, n, per_param)
            head = f"goal: {rule}, n = {n:,}, float32"
            if f["x_bound"] is None:
                out.append(f"{head}: not measured (cpu not timed, or it failed)")
                continue
            parts = []
            r = f["x_bound"]
            floor = ""
            if f["floor"] is not None and r > GOAL_BOUND:
                floor = (f", its arithmetic alone takes {fmt_seconds(f['floor'])} on one thread = "
                         f"{f['floor'] / f['bound']:.2f}× the bound")
            one = f"; on 1 thread {f['x_bound_1']:.2f}×" if f["x_bound_1"] is not None else ""
            parts.append(f"in place ≤ {GOAL_BOUND:g}× the copy-bandwidth time of its {BYTES[rule]} bytes/parameter "
                         f"{'met' if r <= GOAL_BOUND else 'NOT met'} ({r:.2f}×, {f['gbs']:.1f} GB/s{floor}{one})")
            ref = [(f[k], what) for k, what in (("ref_speedup", "new arrays"), ("ref_speedup_inplace", "in place"))
                   if f[k] is not None]
            if ref:
                ok = all(s >= GOAL_REFERENCE for s, _ in ref)
                parts.append(f"≥ {GOAL_REFERENCE:g}× faster than reference {'met' if ok else 'NOT met'} ("
                             + ", ".join(f"{s:.1f}× {what}" for s, what in ref) + ")")
            else:
                parts.append(f"≥ {GOAL_REFERENCE:g}× faster than reference not measured")
            if f["vs_torch"] is None:
                why = "PyTorch not installed" if not have_torch else "PyTorch not timed"
                parts.append(f"no slower than PyTorch not measured ({why})")
            else:
                r = f["vs_torch"]
                parts.append(f"no slower than PyTorch (foreach=False or default, the faster) "
                             f"{'met' if r <= GOAL_TORCH else 'NOT met'} (cpu/torch {r:.2f})")
            out.append(f"{head}: " + "; ".join(parts) + caveat)
    return out


def markdown(results, bandwidth, sizes, goals, torch, torch_threads, backends, quick, rounds, info=None,
             notes=(), per_param=None):
    lines = ["## Optimizer updates: one pass through memory", ""]
    lines.append(f"`python -m benchmarks {' '.join(sys.argv[1:])}`, {time.strftime('%Y-%m-%d %H:%M')}"
                 + (" (--quick: indicative only)" if quick else "") + ".")
    lines.append("")
    if info:
        lines += [f"- **{k}**: {v}" for k, v in info.items()]
        lines.append(f"- **load average at the end**: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        lines += [f"- {n}" for n in notes]
        lines.append("")
    lines.append("One update of each rule on one float32 parameter array of n values, median of several "
                 "samples after a first call and a warm-up"
                 + (f"; with {rounds} rounds, the median of the rounds' medians" if rounds > 1 else "")
                 + ". Every array is filled before the timing. `inplace` keeps overwriting the same arrays; "
                 "`new arrays` (`inplace=False`, the default) allocates the new parameter and state on every "
                 "call, which for arrays of megabytes costs the operating system's page faults (and, with "
                 "transparent huge pages, zeroing) on top of the pass. The cpu backend's pass runs on "
                 f"{_cpu_threads()} thread(s) at these sizes (Numba's thread count; from "
                 "`accelerated.cpu.optimizers.THREADS_MIN` values on); the bound below is the machine's copy "
                 "rate, the faster of one thread's and all threads'.")
    lines.append("")
    lines.append("The bound: copying one float32 array of n into another, both touched, counted as 8 bytes "
                 "per element (one read, one write), at the faster of `np.copyto` (one thread) and a Numba "
                 "`prange` copy on all threads; a rule's bytes per parameter divided by that rate. The in-place pass writes only cache lines it has just read, while a copy into "
                 "another array can cost an extra read of the destination (write-allocate), so a rule can beat "
                 "its bound; `np.add(a, b, out=a)` (12 bytes per element, the in-place pattern) is shown beside it.")
    lines.append("")
    lines.append("| n | copy (the bound) | np.copyto, one thread | np.add(a, b, out=a), one thread |")
    lines.append("|---|---|---|---|")
    for n in sizes:
        c, r, c1 = bandwidth[n]
        lines.append(f"| {n:,} | {c / 1e9:.1f} GB/s | {c1 / 1e9:.1f} GB/s | {r / 1e9:.1f} GB/s |")
    lines.append("")
    per_param = per_param or {}
    lines.append("| rule | bytes/parameter (float32, in place) | traffic | cpu, one thread, in cache, per parameter |")
    lines.append("|---|---|---|---|")
    for rule in RULES:
        t = per_param.get(rule)
        lines.append(f"| {rule} | {BYTES[rule]} | {TRAFFIC[rule]} | "
                     + (f"{t * 1e9:.2f} ns" if t else "—") + " |")
    lines.append("")
    if per_param:
        lines.append(f"The last column: the cpu backend's in-place pass over {IN_CACHE} parameters on one thread "
                     "(arrays that stay in the core's L2 cache), without the argument checks, minus the same over "
                     "one parameter (the fixed cost of a call), per parameter: the time of the rule's arithmetic "
                     "when memory is not the limit. Times n it is the `1-thread arithmetic` column below: on one "
                     "thread, an update cannot beat the larger of its bound and that.")
        lines.append("")
    if torch is not None:
        lines.append(f"PyTorch {torch.__version__} on {torch_threads} thread(s) (`torch.get_num_threads()`): "
                     "`torch.optim.<Rule>([p], ...).step()` with `p.grad` set, the same hyperparameters. "
                     "On CPU tensors the default is the single-tensor loop, as `foreach=False`. `fused=True` "
                     "(SGD, Adam, Adagrad: PyTorch's own one-pass CPU kernels, multi-threaded) is shown for "
                     "information; the goal is judged against foreach=False and the default. Differences of "
                     "form:")
        lines.append("")
        for rule in RULES:
            name, kw, diff = TORCH_RULES[rule]
            args = ", ".join(f"{k}={v}" for k, v in kw.items())
            lines.append(f"- {rule}: `torch.optim.{name}({args})`" + (f"; {diff}." if diff else "."))
        lines.append("")
    shown = [(c, title) for c, title in COLUMNS
             if any(results.get((r, n, c)) is not None for r in RULES for n in sizes)]
    for n in sizes:
        lines.append(f"n = {n:,} (bound at {bandwidth[n][0] / 1e9:.1f} GB/s):")
        lines.append("")
        head = (["rule", "bound", "1-thread arithmetic"] + [t for _, t in shown]
                + ["cpu inplace GB/s", "cpu inplace / bound", "cpu new / bound", "reference / cpu (new)",
                   "reference / cpu (inplace)", "cpu inplace / torch"])
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---" for _ in head) + "|")
        for rule in RULES:
            f = figures(results, bandwidth, rule, n, per_param)

            def fmt(v, spec, suffix=""):
                return "—" if v is None else f"{v:{spec}}{suffix}"
            cells = ([rule, fmt_seconds(f["bound"]), fmt_seconds(f["floor"]) if f["floor"] else "—"]
                     + [_cell(results.get((rule, n, c))) for c, _ in shown])
            cells += [fmt(f["gbs"], ".1f"), fmt(f["x_bound"], ".2f", "×"), fmt(f["x_bound_new"], ".2f", "×"),
                      fmt(f["ref_speedup"], ".1f", "×"), fmt(f["ref_speedup_inplace"], ".1f", "×"),
                      fmt(f["vs_torch"], ".2f")]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if goals:
        lines.append("Goals (cpu backend, float32):")
        lines.append("")
        lines += [f"- {g[len('goal: '):] if g.startswith('goal: ') else g}" for g in goals]
        lines.append("")
    return lines
