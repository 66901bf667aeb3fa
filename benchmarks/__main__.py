"""``python -m benchmarks``: time every primitive on each backend, and lectures 1 and 3's training.

Options::

    --quick            lecture sizes only, short timings, 2 epochs (seconds, not minutes)
    --only PATTERN     only the cases whose name or shape matches (fnmatch, or a substring);
                       "train_network" selects the training run, "mlp" lecture 3's
                       training steps (mlp_step_hello, mlp_step_small, mlp_step_784,
                       mlp_keras_fit: see benchmarks/mlp.py), "optim" the optimizer
                       updates (optim_update: see benchmarks/optimizers.py), "coldfit"
                       the README's first fit with an empty and a warm Numba cache
                       (only when asked for: see benchmarks/coldfit.py), "dropout_fit"
                       one fit epoch of the slide's dropout network with and without
                       its Dropout layers (only when asked for: benchmarks/dropout.py)
    --backend NAME     reference, cpu, cuda or torch; repeatable (default: every one that runs here)
    --dtype DTYPE      float64 or float32 (default: float64; the MLP steps: both, 784→500→500→10: float32)
    --epochs E         epochs of the training run (default 20; 2 with --quick)
    --repeats R        timed training runs per backend, the median is reported (default 3)
    --no-training      skip the training runs (lecture 1's, and the MLP steps)
    --rounds R         time every case R times, interleaved, and report the median (default 1)
    --cold-cache       compile into an empty Numba cache, so that "first call" is the compile time
    --threads N        limit every library to N threads (BLAS, Numba, OpenMP, PyTorch); default: all
    --out FILE         also write the results as a Markdown table

The MLP section (:mod:`benchmarks.mlp`) times one training step of lecture 3's
networks through each backend's ``mlp_epoch`` and in PyTorch, compares the
784→500→500→10 step with the machine's ``sgemm`` rate, times the model layer's
overhead, and prints its results and the goals' verdicts as a Markdown section
(``--only mlp``; with ``--out`` it is written there too). The optimizer section
(:mod:`benchmarks.optimizers`, ``--only optim``) times one update of every rule at
1M and 10M float32 parameters against the machine's copy bandwidth, the reference
and PyTorch, and prints its Markdown section the same way.

Each figure is the median time of one call after a warm-up; "first call" is the
call before it, which compiles the kernels (or, with the on-disk cache warm, loads
them). The ratios are times: ``cpu/ref`` below 1 means the cpu backend is faster.

Between backends the run pauses for a moment (:data:`PAUSE`): NumPy's BLAS, the
BLAS that Numba's ``np.dot`` calls (SciPy's) and PyTorch each keep their own pool of
threads, which spin for a while after a call; on a machine with few cores, timing
one library while another's threads still spin measures the contention, not the
library.
"""

from __future__ import annotations

import argparse
import atexit
import fnmatch
import os
import shutil
import sys
import tempfile
import time

#: Seconds to wait before timing another backend, so that the last one's idle threads stop spinning.
PAUSE = 0.2


def _parse(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="lecture sizes only, short timings")
    p.add_argument("--only", metavar="PATTERN", help="only cases whose name or shape matches")
    p.add_argument("--backend", action="append", metavar="NAME",
                   choices=("reference", "cpu", "cuda", "torch"), help="backend to time (repeatable)")
    p.add_argument("--dtype", choices=("float64", "float32"), default=None,
                   help="float64 (default) or float32; the MLP steps run both unless it is given")
    p.add_argument("--epochs", type=int, default=None, help="epochs of the training run")
    p.add_argument("--repeats", type=int, default=3, help="timed training runs per backend")
    p.add_argument("--rounds", type=int, default=1, help="time every case this many times (median)")
    p.add_argument("--no-training", action="store_true", help="skip the training runs")
    p.add_argument("--cold-cache", action="store_true",
                   help="compile into an empty Numba cache (first call = compile time)")
    p.add_argument("--threads", type=int, metavar="N",
                   help="limit BLAS, Numba, OpenMP and PyTorch to N threads (default: the usable cores)")
    p.add_argument("--out", metavar="FILE", help="write a Markdown table here too")
    return p.parse_args(argv)


def _matches(pattern, *texts):
    if pattern is None:
        return True
    pat = pattern.lower()
    wild = any(ch in pat for ch in "*?[")
    for t in texts:
        t = t.lower()
        if (wild and fnmatch.fnmatch(t, pat)) or (not wild and pat in t):
            return True
    return False


def _import_torch():
    try:
        import torch
    except Exception:       # not installed, or broken: PyTorch is never a dependency
        return None
    return torch


def _choose_backends(args, torch):
    """The backends to time, and a note for each one left out."""
    import accelerated

    notes = []
    wanted = args.backend or (accelerated.available() + ["torch"])
    chosen = []
    for name in dict.fromkeys(wanted):
        if name == "torch":
            if torch is None:
                notes.append("torch: skipped, PyTorch is not installed (it is never a dependency)")
            else:
                chosen.append(name)
        elif name == "cuda":
            if accelerated.cuda_simulated():
                notes.append("cuda: skipped, NUMBA_ENABLE_CUDASIM=1 runs the CUDA kernels on Numba's "
                             "CPU simulator, which is for testing and says nothing about GPU speed")
            elif not accelerated.cuda_available():
                notes.append("cuda: skipped, no CUDA GPU here")
            else:
                chosen.append(name)
        else:
            chosen.append(name)
    return chosen, notes


class _Runner:
    """Builds and times one case on one backend."""

    def __init__(self, torch, dtype):
        import numpy as np

        self.torch = torch
        self.dtype = np.dtype(dtype).type
        self._backends = {}

    def backend(self, name):
        import accelerated

        if name not in self._backends:
            self._backends[name] = accelerated.backend(name)
        return self._backends[name]

    def sync(self, name):
        if name == "cuda":
            from numba import cuda
            return cuda.synchronize
        return None

    def time(self, case, name, budget):
        from .timing import measure

        if name == "torch":
            if case.torch is None:
                return None
            fn = case.torch(self.torch, self.dtype)
        else:
            fn = case.prim(self.backend(name), self.dtype)
        time.sleep(PAUSE)
        return measure(fn, sync=self.sync(name), budget=budget, min_samples=3)


def _ratio(a, b):
    if a is None or b is None or isinstance(a, str) or isinstance(b, str) or b.median <= 0:
        return None
    return a.median / b.median


def _fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}"


def _cell(t):
    from .timing import fmt_seconds

    if t is None:
        return "—"
    if isinstance(t, str):
        return t
    return fmt_seconds(t.median)


def main(argv=None):
    args = _parse(argv)
    mlp_dtypes = [args.dtype] if args.dtype else ["float32", "float64"]
    args.dtype = args.dtype or "float64"
    if args.threads:
        # before NumPy, SciPy, Numba or PyTorch is imported: their thread pools read these at start-up
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    if args.cold_cache:
        cache_dir = tempfile.mkdtemp(prefix="slidespec-numba-cache-")
        atexit.register(shutil.rmtree, cache_dir, ignore_errors=True)
        os.environ["NUMBA_CACHE_DIR"] = cache_dir
    torch = _import_torch()

    import numpy as np

    from . import machine
    from .cases import all_cases
    from .timing import combine, fmt_seconds

    backends, notes = _choose_backends(args, torch)
    info = machine.describe(torch)
    budget = 0.02 if args.quick else 0.4
    epochs = args.epochs or (2 if args.quick else 20)
    repeats = 1 if args.quick else max(1, args.repeats)

    print("slidespec benchmarks —", time.strftime("%Y-%m-%d %H:%M"), f"— dtype {args.dtype}")
    for k, v in info.items():
        print(f"  {k}: {v}")
    for n in notes:
        print(f"  {n}")
    print(f"  backends: {', '.join(backends)}")
    print()

    cases = [c for c in all_cases()
             if (not args.quick or c.size == "lecture") and _matches(args.only, c.name, c.label)]
    runner = _Runner(torch, args.dtype)
    has = set(backends)
    ratio_cols = [("cpu/ref", "cpu", "reference"), ("cpu/torch", "cpu", "torch"),
                  ("cuda/ref", "cuda", "reference"), ("cuda/torch", "cuda", "torch")]
    ratio_cols = [r for r in ratio_cols if r[1] in has and r[2] in has]
    first_cols = [b for b in backends if b in ("cpu", "cuda")]
    header = (["primitive", "size", "inputs"] + backends + [f"{b} first call" for b in first_cols]
              + [r[0] for r in ratio_cols])

    rows = []
    width = max([len(c.label) for c in cases] + [40]) if cases else 40
    if cases:
        print(f"{'case':<{width}}  {'size':<7}  " + "  ".join(f"{h:>11}" for h in header[3:]))
    rounds = max(1, args.rounds)
    collected = [{b: [] for b in backends} for _ in cases]
    for rnd in range(rounds):
        if rounds > 1:
            print(f"round {rnd + 1} of {rounds}", file=sys.stderr, flush=True)
        for case, got in zip(cases, collected):
            for name in backends:
                try:
                    got[name].append(runner.time(case, name, budget))
                except Exception as exc:   # a backend that cannot run a case says why, and the rest go on
                    got[name].append(f"error: {type(exc).__name__}")
                    if rnd == 0:
                        print(f"  {case.label} on {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            if rnd < rounds - 1:
                continue
            times = {b: combine(got[b]) for b in backends}
            row = ([case.name, case.size, case.shape] + [_cell(times.get(b)) for b in backends]
                   + [fmt_seconds(times[b].first) if not isinstance(times.get(b), (str, type(None))) else "—"
                      for b in first_cols]
                   + [_fmt_ratio(_ratio(times.get(a), times.get(b))) for _, a, b in ratio_cols])
            rows.append((case, times, row))
            print(f"{case.label:<{width}}  {case.size:<7}  " + "  ".join(f"{c:>11}" for c in row[3:]),
                  flush=True)

    # the full training run
    train_rows = []
    if not args.no_training and _matches(args.only, "train_network", "training"):
        from . import training

        print()
        print(f"train_network: lecture 1's ReLU network on 56 past days, 2017–2020 "
              f"(N = {training.views_split()[0].shape[0]}), batch {32}, {epochs} epochs, "
              f"loss on 2017–2020 and 2021 after each epoch; median of {repeats} run(s)")
        dtype = np.dtype(args.dtype).type
        for layers in (1, 3):
            res = {}
            for name in backends:
                if name == "torch":
                    runner_fn = lambda L, E: training.run_torch(torch, L, E, dtype)  # noqa: E731
                else:
                    runner_fn = lambda L, E, name=name: training.run_backend(name, L, E, dtype)  # noqa: E731
                try:
                    res[name] = training.measure(runner_fn, layers, epochs, repeats)
                except Exception as exc:
                    res[name] = None
                    print(f"  training on {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            line = [f"{layers} hidden layer{'s' if layers > 1 else ''}"]
            for name in backends:
                r = res.get(name)
                line.append(f"{name} {fmt_seconds(r['median'])} (loss {r['loss']:.4g}, 2021 {r['val_loss']:.4g})"
                            if r else f"{name} —")
            speed = []
            for label, a, b in ratio_cols:
                if res.get(a) and res.get(b):
                    speed.append(f"{label} {res[a]['median'] / res[b]['median']:.2f}")
            print("  " + "; ".join(line + speed), flush=True)
            train_rows.append((layers, res))

    # lecture 3's networks: the training step
    mlp_lines = []
    from . import mlp

    mlp.THREADS = args.threads
    if not args.no_training and any(_matches(args.only, n) for n in mlp.NAMES):
        mlp_lines = mlp.run(backends, torch, mlp_dtypes, lambda n: _matches(args.only, n),
                            quick=args.quick, rounds=args.rounds, info=info, notes=notes)

    # the optimizer rules: one update against the memory traffic it needs
    optim_lines = []
    from . import optimizers as optim

    if any(_matches(args.only, n) for n in optim.NAMES):
        optim_lines = optim.run(backends, torch, quick=args.quick, rounds=args.rounds, info=info, notes=notes,
                                threads=args.threads)

    # the README's first fit, cold and warm (in new processes)
    from . import coldfit

    if args.only is not None and any(_matches(args.only, n) for n in coldfit.NAMES):
        optim_lines = list(optim_lines) + ([""] if optim_lines else []) + coldfit.run(max(1, args.rounds))

    # dropout inside the fused epoch (issue 10)
    from . import dropout as dropout_bench

    if args.only is not None and any(_matches(args.only, n) for n in dropout_bench.NAMES):
        optim_lines = list(optim_lines) + ([""] if optim_lines else []) + dropout_bench.run(
            rounds=max(5, args.rounds))

    # the goals of this slice
    print()
    summary = _summary(rows, train_rows, backends, args.quick)
    summary.append("load average at the end: " + " ".join(f"{v:.2f}" for v in os.getloadavg())
                   + f" (at the start: {info['load average']}); this machine has "
                   + f"{os.cpu_count()} cores")
    for line in summary:
        print(line)

    sections = list(mlp_lines) + ([""] if mlp_lines and optim_lines else []) + list(optim_lines)
    if sections:
        print("\n----- Markdown -----\n")
        print("\n".join(sections))
        print("----- end of Markdown -----")
    if args.out:
        _write_markdown(args, info, notes, backends, header, rows, train_rows, epochs, repeats, summary,
                        sections)
        print(f"\nwrote {args.out}")
    return 0


def _summary(rows, train_rows, backends, quick=False):
    out = []
    if "cpu" in backends and "reference" in backends:
        slower = [(c, _ratio(t.get("cpu"), t.get("reference"))) for c, t, _ in rows if c.size == "lecture"]
        slower = [(c, r) for c, r in slower if r is not None and r > 1]
        n_lecture = sum(1 for c, _, _ in rows if c.size == "lecture")
        if n_lecture:
            if slower:
                out.append(f"cpu slower than reference on {len(slower)} of {n_lecture} lecture-size cases:")
                out += [f"  {c.label}: cpu/ref {r:.2f}" for c, r in slower]
            else:
                out.append(f"cpu faster than reference on all {n_lecture} lecture-size cases")
        for layers, res in train_rows:
            if res.get("cpu") and res.get("reference"):
                s = res["reference"]["median"] / res["cpu"]["median"]
                if quick:
                    verdict = "--quick runs too few epochs to judge"
                else:
                    verdict = ("meets" if s >= 2 else "misses") + " the 2× goal"
                out.append(f"training run, {layers} hidden layer(s): cpu {s:.1f}× faster than reference "
                           f"({verdict})")
    return out


def _write_markdown(args, info, notes, backends, header, rows, train_rows, epochs, repeats, summary,
                    mlp_lines=()):
    from .timing import fmt_seconds

    if mlp_lines and not rows and not train_rows:       # the MLP or optimizer sections alone: they describe the machine
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write("\n".join(mlp_lines) + "\n")
        return
    lines = [f"# slidespec benchmarks ({args.dtype})", ""]
    lines.append(f"`python -m benchmarks {' '.join(sys.argv[1:])}`, {time.strftime('%Y-%m-%d %H:%M')}.")
    lines.append("")
    lines += [f"- **{k}**: {v}" for k, v in info.items()]
    lines += [f"- {n}" for n in notes]
    lines.append("")
    lines.append("Times are per call, the median after a warm-up"
                 + (f"; with {args.rounds} rounds, the median of the rounds' medians, ± half their range"
                    if args.rounds > 1 else "")
                 + ". Ratios are times (below 1: cpu is faster). \"first call\" includes compiling the "
                 "kernels, or loading them from Numba's on-disk cache when it is warm.")
    lines.append("")
    if rows:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join("---" for _ in header) + "|")
        for _, times, row in rows:
            cells = list(row)
            for i, b in enumerate(backends):       # the spread over rounds, when there were several
                t = times.get(b)
                if args.rounds > 1 and t is not None and not isinstance(t, str):
                    cells[3 + i] += f" ±{50 * t.iqr:.0f}%"
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if train_rows:
        lines.append(f"Training run: `reference.training.train_network`, {epochs} epochs, batch 32, "
                     f"median of {repeats} run(s) (first run of 1 epoch, which compiles, not counted).")
        lines.append("")
        head = ["hidden layers"] + backends + [f"ref/{b}" for b in backends if b != "reference"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---" for _ in head) + "|")
        for layers, res in train_rows:
            cells = [str(layers)]
            for b in backends:
                r = res.get(b)
                cells.append(f"{fmt_seconds(r['median'])} (min {fmt_seconds(r['min'])})" if r else "—")
            for b in backends:
                if b == "reference":
                    continue
                r, ref = res.get(b), res.get("reference")
                cells.append(f"{ref['median'] / r['median']:.2f}×" if r and ref else "—")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += summary
    if mlp_lines:
        lines += [""] + list(mlp_lines)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
