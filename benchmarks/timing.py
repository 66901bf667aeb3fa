"""Timing: the first call apart (it compiles, or loads the compiled code), then the median of repeats.

Each sample times a loop of ``k`` calls, with ``k`` chosen so that a sample lasts
about a millisecond at least: timing a single call of a few microseconds would
measure the timer. The reported figure is the median over samples of the time
per call; the spread (the interquartile range relative to the median) is kept too,
because the machines this runs on are often shared.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass
class Timing:
    first: float        # seconds, the first call (compilation or cache load included)
    median: float       # seconds per call, median over samples
    iqr: float          # interquartile range / median
    samples: int
    calls: int          # calls per sample

    @property
    def compile(self) -> float:
        """The first call's excess over a warm call: compilation (or loading it from the cache)."""
        return max(self.first - self.median, 0.0)


def measure(fn, sync=None, budget=0.5, min_samples=5, max_samples=200, sample_min=1e-3) -> Timing:
    """Time ``fn()``: the first call, a warm-up, then samples for about ``budget`` seconds."""
    sync = sync or (lambda: None)
    t0 = time.perf_counter()
    fn()
    sync()
    first = time.perf_counter() - t0

    # warm-up, and the number of calls per sample
    t0 = time.perf_counter()
    fn()
    sync()
    one = max(time.perf_counter() - t0, 1e-7)
    k = max(1, int(sample_min / one))
    n_samples = int(min(max_samples, max(min_samples, budget / (k * one))))

    times = []
    for _ in range(n_samples):
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        sync()
        times.append((time.perf_counter() - t0) / k)
    med = statistics.median(times)
    if len(times) >= 4:
        q = statistics.quantiles(times, n=4)
        iqr = (q[2] - q[0]) / med if med > 0 else 0.0
    else:
        iqr = 0.0
    return Timing(first=first, median=med, iqr=iqr, samples=n_samples, calls=k)


def fmt_seconds(s: float) -> str:
    """A duration with a unit that keeps three significant digits."""
    if s != s:  # NaN
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def combine(timings):
    """One figure from several rounds: the median of the rounds' medians; the first round's first call.

    A round that did not run (``None``) or failed (a string saying why) is returned as it is.
    """
    for t in timings:
        if t is None or isinstance(t, str):
            return t
    if len(timings) == 1:
        return timings[0]
    meds = [t.median for t in timings]
    med = statistics.median(meds)
    return Timing(first=timings[0].first, median=med, iqr=(max(meds) - min(meds)) / med if med else 0.0,
                  samples=sum(t.samples for t in timings), calls=timings[0].calls)
