"""The README's first ``fit`` on the cpu backend, with an empty Numba cache and with a warm one.

``python -m benchmarks --only coldfit`` (or ``python -m benchmarks.coldfit [--rounds R]``)
runs the README's Keras example — ``Sequential(backend="cpu", seed=0)``, Dense
64→500→500→10 with sigmoid hidden layers and a softmax output, ``SGD(lr=0.1)``, the
square error, ``fit`` on the digits for 20 epochs at batch 100, then ``evaluate`` and
``predict`` — in a new Python process with an empty ``NUMBA_CACHE_DIR`` (*cold*: every
kernel it calls compiles) and then in another process with the same directory (*warm*:
every kernel loads from the cache). Each process reports the time of ``import``, of
``fit`` and of ``evaluate`` with ``predict``, and every compilation Numba announced
(its ``"numba:compile"`` events): which function, and for how long, apart from the
compilations nested inside it (a kernel compiles the non-inlined functions it calls
while it is typed). With several rounds each round has its own empty directory and the
figures are medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Every name the section answers to (``--only coldfit``).
NAMES = ("coldfit",)

ROOT = Path(__file__).resolve().parents[1]


def _child():
    """The README's example in this process; prints one JSON line of timings and compilations."""
    t0 = time.perf_counter()
    from numba.core import event

    records = []                                 # (start, end, name, depth)
    stack = []

    class Recorder(event.Listener):
        def on_start(self, ev):
            stack.append(time.thread_time())

        def on_end(self, ev):
            start = stack.pop()
            f = ev.data["dispatcher"].py_func
            records.append((start, time.thread_time(), f"{f.__module__}.{f.__qualname__}", len(stack),
                            ", ".join(str(a) for a in ev.data["args"])))

    event.register("numba:compile", Recorder())

    from reference.data import load_digits
    from reference.keras import SGD, Activation, Dense, Sequential

    (x_train, y_train), (x_test, y_test) = load_digits()
    t_import = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    model = Sequential(backend="cpu", seed=0)
    model.add(Dense(input_dim=8 * 8, output_dim=500))
    model.add(Activation("sigmoid"))
    model.add(Dense(output_dim=500))
    model.add(Activation("sigmoid"))
    model.add(Dense(output_dim=10))
    model.add(Activation("softmax"))
    model.compile(loss="mse", optimizer=SGD(lr=0.1), metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=100, nb_epoch=20, verbose=0)
    t_fit, c_fit = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    score = model.evaluate(x_test, y_test, verbose=0)
    model.predict(x_test)
    t_eval = time.perf_counter() - t0

    own = []                                     # each compilation's time minus its nested ones'
    for s, e, name, depth, sig in records:
        nested = sum(e2 - s2 for s2, e2, _, d2, _ in records if d2 == depth + 1 and s <= s2 and e2 <= e)
        own.append((name, e - s - nested, e - s, depth, sig))
    print(json.dumps({"import": t_import, "fit": t_fit, "fit_cpu": c_fit, "evaluate_predict": t_eval,
                      "score": [float(v) for v in score], "compiles": own}))


def _process(cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), SLIDESPEC_QUIET="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "benchmarks.coldfit", "--child"], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"coldfit child failed:\n{done.stderr}")
    res = json.loads(done.stdout.strip().splitlines()[-1])
    res["process"] = wall
    return res


def run(rounds=1, out=print):
    """Cold then warm, ``rounds`` times; returns the Markdown lines of the section."""
    colds, warms = [], []
    load0 = " ".join(f"{v:.2f}" for v in os.getloadavg())
    for r in range(rounds):
        cache_dir = tempfile.mkdtemp(prefix="slidespec-coldfit-")
        try:
            colds.append(_process(cache_dir))
            warms.append(_process(cache_dir))
        finally:
            shutil.rmtree(cache_dir, ignore_errors=True)
        out(f"coldfit round {r + 1} of {rounds}: cold fit {colds[-1]['fit']:.1f} s, warm fit {warms[-1]['fit']:.2f} s")
    load1 = " ".join(f"{v:.2f}" for v in os.getloadavg())
    med = lambda runs, k: statistics.median(x[k] for x in runs)  # noqa: E731
    lines = ["## The README's first fit: cold and warm cache", "",
             f"`python -m benchmarks --only coldfit --rounds {rounds}`, {time.strftime('%Y-%m-%d %H:%M')}; "
             f"load average {load0} at the start, {load1} at the end ({os.cpu_count()} cores). "
             "The README's Keras example (64→500→500→10, sigmoid, softmax, square error, SGD(lr=0.1), "
             "20 epochs of the digits at batch 100) in a new process with an empty Numba cache (cold), "
             "then in another with the same cache (warm); medians over rounds.", "",
             "| cache | process | import | fit | evaluate + predict | compilations | compiling (own time, summed) |",
             "|---|---|---|---|---|---|---|"]
    for label, runs in (("cold", colds), ("warm", warms)):
        n_comp = statistics.median(len(x["compiles"]) for x in runs)
        t_comp = statistics.median(sum(c[1] for c in x["compiles"]) for x in runs)
        lines.append(f"| {label} | {med(runs, 'process'):.1f} s | {med(runs, 'import'):.2f} s | "
                     f"{med(runs, 'fit'):.2f} s | {med(runs, 'evaluate_predict'):.2f} s | {n_comp:g} | {t_comp:.1f} s |")
    totals = {}
    for x in colds:
        for name, own, *_ in x["compiles"]:
            totals.setdefault(name, []).append(own)
    top = sorted(totals.items(), key=lambda kv: -sum(kv[1]) / len(colds))[:12]
    lines += ["", "What compiles (cold), by the time of its own compilation (nested ones apart), mean over rounds:",
              "", "| function | own time |", "|---|---|"]
    lines += [f"| `{name}` | {sum(ts) / len(colds):.2f} s |" for name, ts in top]
    lines += ["", f"Score after fit (evaluate: loss, accuracy): {colds[0]['score']}; warm: {warms[0]['score']}."]
    return lines


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.coldfit", description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child()
        return 0
    print("\n".join(run(args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
