"""One ``fit`` epoch of the slide's dropout network, with and without its two Dropout layers.

``python -m benchmarks --only dropout_fit`` (or ``python -m benchmarks.dropout [--rounds R]``)
builds the network of 003's "Dropout" slide on the digits: Dense 64→500, sigmoid,
``dropout(0.8)``, Dense 500, sigmoid, ``dropout(0.8)``, Dense 10, softmax, categorical
cross entropy, ``SGD(lr=0.1)``, batch 100 (1,347 examples, 14 updates an epoch), and
times one epoch of ``fit`` (``verbose=0``, no metrics) with and without the two Dropout
layers, on the cpu backend (the fused path: one ``mlp_epoch`` an epoch, the masks drawn
on the host and passed as data) and on the reference backend. With the dropout, the host
draws 1,347 × 1,000 uniforms an epoch (``dropout_mask``, in the order of the generic
path), which the figures include. Each figure is the median over ``rounds`` timed
epochs after one warm-up epoch (which compiles, or loads from the cache); the rows are
interleaved so that the machine's load touches both alike.

Goals (issue 10): with dropout, at most 1.3× the epoch without it on cpu; cpu at least
5× faster than the reference for the epoch with dropout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

#: Every name the section answers to (``--only dropout_fit``).
NAMES = ("dropout_fit",)


def _model(backend, rate, dtype):
    from reference.keras import SGD, Activation, Dense, Sequential, dropout

    m = Sequential(backend=backend, seed=0, dtype=dtype)
    m.add(Dense(500, input_dim=64))
    m.add(Activation("sigmoid"))
    if rate is not None:
        m.add(dropout(rate))
    m.add(Dense(500))
    m.add(Activation("sigmoid"))
    if rate is not None:
        m.add(dropout(rate))
    m.add(Dense(10))
    m.add(Activation("softmax"))
    m.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.1))
    return m


def _epoch_time(m, x, y):
    t0 = time.perf_counter()
    h = m.fit(x, y, batch_size=100, epochs=1, verbose=0)
    return time.perf_counter() - t0, h.params["path"]


def run(backends=("cpu", "reference"), dtypes=("float64", "float32"), rounds=5, out=print):
    """Times the epochs; returns the Markdown lines of the section."""
    from reference.data import load_digits

    (x, y), _ = load_digits()
    load0 = " ".join(f"{v:.2f}" for v in os.getloadavg())
    lines = ["## Dropout inside the fused epoch (the slide's 500-500 sigmoid network)", "",
             f"`python -m benchmarks --only dropout_fit --rounds {rounds}`, {time.strftime('%Y-%m-%d %H:%M')}; "
             f"load average {load0} at the start, LOAD1 at the end ({os.cpu_count()} cores). One `fit` epoch "
             "of 64→500→500→10 (sigmoid, softmax, cross entropy, SGD(lr=0.1), batch 100, the digits' 1,347 "
             "training images), with two `dropout(0.8)` layers and without; medians of "
             f"{rounds} epochs after a warm-up.", "",
             "| dtype | backend | path | no dropout | two dropout(0.8) | dropout / none |",
             "|---|---|---|---|---|---|"]
    results = {}
    for dtype in dtypes:
        for name in backends:
            models = {rate: _model(name, rate, dtype) for rate in (None, 0.8)}
            paths = {}
            times = {None: [], 0.8: []}
            for rate, m in models.items():
                _, paths[rate] = _epoch_time(m, x, y)            # warm-up: compiles or loads the kernels
            n = rounds if name != "reference" else max(1, min(rounds, 3))
            for _ in range(n):
                for rate, m in models.items():
                    t, _ = _epoch_time(m, x, y)
                    times[rate].append(t)
            med = {rate: statistics.median(ts) for rate, ts in times.items()}
            results[(dtype, name)] = med
            out(f"dropout_fit {dtype} {name}: none {med[None] * 1e3:.1f} ms, dropout {med[0.8] * 1e3:.1f} ms")
            lines.append(f"| {dtype} | {name} | {paths[None]} / {paths[0.8]} | {med[None] * 1e3:.1f} ms | "
                         f"{med[0.8] * 1e3:.1f} ms | {med[0.8] / med[None]:.2f}× |")
    lines[2] = lines[2].replace("LOAD1", " ".join(f"{v:.2f}" for v in os.getloadavg()))
    lines.append("")
    for dtype in dtypes:
        cpu, ref = results.get((dtype, "cpu")), results.get((dtype, "reference"))
        if cpu is None:
            continue
        ratio = cpu[0.8] / cpu[None]
        lines.append(f"- {dtype}: dropout costs {ratio:.2f}× the epoch without it on cpu "
                     f"(goal ≤ 1.3×: {'met' if ratio <= 1.3 else 'not met'})"
                     + ("" if ref is None else
                        f"; cpu is {ref[0.8] / cpu[0.8]:.1f}× faster than the reference with dropout "
                        f"(goal ≥ 5×: {'met' if ref[0.8] / cpu[0.8] >= 5 else 'not met'})") + ".")
    # what the dropout adds on the host: the draws alone
    from reference.data import dropout_mask

    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for _ in range(rounds):
        for start in range(0, x.shape[0], 100):
            nb = min(100, x.shape[0] - start)
            dropout_mask(rng, (nb, 500), 0.8)
            dropout_mask(rng, (nb, 500), 0.8)
    draws = (time.perf_counter() - t0) / rounds
    lines.append(f"- The host's draws of one epoch's masks (28 `dropout_mask` calls, 1.35 M uniforms, float64) "
                 f"take {draws * 1e3:.1f} ms of it.")
    return lines


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.dropout", description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--backend", action="append", choices=("reference", "cpu", "cuda"))
    p.add_argument("--dtype", action="append", choices=("float64", "float32"))
    args = p.parse_args(argv)
    print("\n".join(run(tuple(args.backend or ("cpu", "reference")), tuple(args.dtype or ("float64", "float32")),
                        args.rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
