"""Two versions of the cpu optimizer rules timed against each other, interleaved.

``python -m benchmarks.optimizers_ab OLD.py [--rounds R] [--budget S] [--asm]`` loads ``OLD.py``
(a copy of an earlier ``accelerated/cpu/optimizers.py``) beside today's module and times
one in-place update of every rule with each, in turns: in every round, for every rule
and size, the two versions are timed one after the other, the order swapped from one
round to the next. On a machine shared with other work the load changes from minute to
minute; two runs of ``python -m benchmarks --only optim`` made minutes apart compare the
load as much as the code, while alternating within one process lets both versions see
the same load. The figure per version is the median over rounds of each round's median
(:func:`benchmarks.timing.combine`); ``new/old`` is their ratio, and the rounds' spread
of that ratio says how far the noise goes.

Cases: in place (``inplace=True``, the training loop's form) at 1M and 10M float32
parameters on all of Numba's threads and on one, and at 16,384 parameters (arrays that
stay in the core's cache, one thread: the arithmetic's time rather than memory's), each
through the public ``<rule>_update`` with the hyperparameters of
:data:`benchmarks.optimizers.HYPER`.

``--asm`` first compares the two versions' kernels instruction by instruction
(:func:`same_code`): where the machine code is the same, so is the speed, whatever the
timings' noise says. The process compiles into an empty Numba cache of its own.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import os
import re
import sys
import tempfile
import time

import numpy as np

from .optimizers import HYPER, RULES, _filled
from .timing import combine, fmt_seconds, measure

#: (label, parameters, threads: "all" or 1).
CASES = (("1M, all threads", 1_000_000, "all"), ("1M, 1 thread", 1_000_000, 1),
         ("10M, all threads", 10_000_000, "all"), ("10M, 1 thread", 10_000_000, 1),
         ("16K in cache, 1 thread", 16_384, 1))


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _asm(kernel, sig):
    """``kernel``'s machine code for ``sig``, without what names it (symbols, its module's name)."""
    text = kernel.inspect_asm(sig)
    text = re.sub(r"_ZN\w+", "SYM", text)
    lines = [ln.split("#")[0].rstrip() for ln in text.splitlines()]
    return [ln for ln in lines if ln and not ln.lstrip().startswith((".file", ".loc", ".ident"))
            and "missing Environment" not in ln]


def same_code(old, new, out=print):
    """Compare every rule's two kernels (one thread, all threads; float32 and float64) instruction by
    instruction; returns the number of pairs that differ. Needs code compiled in this process (Numba
    cannot show the machine code of a kernel loaded from its cache), which :func:`main` arranges."""
    differ = 0
    for rule in RULES:
        for suffix in ("_kernel", "_kernel_threads"):
            k_old, k_new = getattr(old, f"_{rule}{suffix}"), getattr(new, f"_{rule}{suffix}")
            names = list(inspect.signature(k_new.py_func).parameters)
            n_arrays = 1 + 2 * (names.index("po") - 1)           # p, g, the state; po, the state's outputs
            for dt in (np.float32, np.float64):
                arrays = [np.ones(8, dt) for _ in range(n_arrays)]
                scalars = [name not in ("nesterov", "slide") and 0.5 for name in names[n_arrays:-2]]
                for k in (k_old, k_new):
                    k(*arrays, *scalars, False, 1)
                sig = k_new.signatures[-1]
                a, b = _asm(k_old, sig), _asm(k_new, sig)
                differ += a != b
                out(f"{rule}{suffix}, {dt.__name__}: {len(a)} and {len(b)} lines of assembly, "
                    f"{'identical' if a == b else 'DIFFERENT'}")
    return differ


def _fn(mod, rule, n):
    """One in-place update of ``rule`` through ``mod`` on ready float32 arrays of ``n``."""
    p, g = _filled(n, 2), _filled(n, 3, 1e-2)
    update = getattr(mod, f"{rule}_update")
    hyper = HYPER[rule]
    box = list(update(p, g, getattr(mod, f"{rule}_init")(p), inplace=True, **hyper))

    def fn():
        box[0], box[1] = update(box[0], g, box[1], inplace=True, **hyper)
    return fn


def run(old_path, rounds=5, budget=0.3, out=print):
    import numba

    from accelerated.cpu import optimizers as new

    old = sys.modules.get("optimizers_old") or _load(old_path, "optimizers_old")
    versions = {"old": old, "new": new}
    threads_all = numba.get_num_threads()
    out(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"Numba threads: {threads_all}; {rounds} rounds")
    times = {}                                   # (rule, case, version) -> [Timing per round]
    ratios = {}                                  # (rule, case) -> [new/old per round]
    fns = {}
    for r in range(rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        for label, n, threads in CASES:
            numba.set_num_threads(threads_all if threads == "all" else threads)
            try:
                for rule in RULES:
                    got = {}
                    for v in order:
                        key = (rule, n, v)
                        if key not in fns:
                            fns[key] = _fn(versions[v], rule, n)
                        got[v] = measure(fns[key], budget=budget, min_samples=5)
                        times.setdefault((rule, label, v), []).append(got[v])
                    ratios.setdefault((rule, label), []).append(got["new"].median / got["old"].median)
            finally:
                numba.set_num_threads(threads_all)
        out(f"round {r + 1} of {rounds} done")
    out(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    lines = ["| rule | case | old | new | new/old (median) | new/old, rounds' range |", "|---|---|---|---|---|---|"]
    for rule in RULES:
        for label, _, _ in CASES:
            t_old = combine(times[(rule, label, "old")])
            t_new = combine(times[(rule, label, "new")])
            rs = ratios[(rule, label)]
            lines.append(f"| {rule} | {label} | {fmt_seconds(t_old.median)} | {fmt_seconds(t_new.median)} | "
                         f"{t_new.median / t_old.median:.2f} | {min(rs):.2f}–{max(rs):.2f} |")
    out("\n".join(lines))
    return times, ratios


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.optimizers_ab", description=__doc__.split("\n\n")[0])
    p.add_argument("old", help="the earlier optimizers.py to compare with")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--budget", type=float, default=0.3, help="seconds of samples per case and version")
    p.add_argument("--asm", action="store_true",
                   help="also compare the two versions' kernels instruction by instruction")
    args = p.parse_args(argv)
    # an empty cache: both versions compile here (and their machine code can be shown)
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="slidespec-optim-ab-")
    t0 = time.perf_counter()
    if args.asm:
        from accelerated.cpu import optimizers as new

        differ = same_code(_load(args.old, "optimizers_old"), new)
        print(f"kernels whose machine code differs: {differ}")
    if args.rounds > 0:
        run(args.old, rounds=args.rounds, budget=args.budget)
    print(f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
