"""The cpu backend says once when it compiles, and its kernels load from the on-disk cache.

Each test runs a fresh Python process with its own empty ``NUMBA_CACHE_DIR`` (Numba
reads the variable at start-up), so the cache's state is known: the first process
compiles, a second one given the same directory loads. The processes compile only
small kernels (``clip_global_norm``'s sum of squares, SGD's update), so that the
tests take seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spec_tests.conftest import selected_backends

ROOT = Path(__file__).resolve().parents[1]
MESSAGE = "slidespec: compiling the cpu kernels, once; cached afterwards"

# argv[1] == "sgd": also run SGD's generated kernel (its one-thread form) and report its cache counts;
# every run also compiles a function of its own, which must not be announced.
SCRIPT = r"""
import json, sys
import numpy as np
from numba import njit
from accelerated.cpu import optimizers as o

o.clip_global_norm([np.ones(3)], 10.0)          # one small kernel: the sum of squares
counts = {}
if sys.argv[1] == "sgd":
    p = np.ones(o.SGD_KERNEL_MIN, np.float32)
    o.sgd_update(p, p, (), eta=0.5, inplace=True)
    assert (p == 0.5).all()
    counts = {"hits": sum(o._sgd_kernel.stats.cache_hits.values()),
              "misses": sum(o._sgd_kernel.stats.cache_misses.values())}

@njit
def not_ours(x):
    return x + 1

not_ours(1)
print(json.dumps(counts))
"""


@pytest.fixture(autouse=True)
def _cpu_only(pytestconfig):
    if "cpu" not in selected_backends(pytestconfig):
        pytest.skip("the cpu backend is not under test")


def _run(cache_dir, what="clip", quiet=None):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    env.pop("SLIDESPEC_QUIET", None)
    if quiet is not None:
        env["SLIDESPEC_QUIET"] = quiet
    done = subprocess.run([sys.executable, "-c", SCRIPT, what], env=env, capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stderr, json.loads(done.stdout.strip().splitlines()[-1])


def test_first_compile_says_so_once_and_a_cache_hit_says_nothing(tmp_path):
    err, counts = _run(tmp_path, "sgd")
    assert err.count(MESSAGE) == 1, err             # two kernels compiled, one line
    assert counts == {"hits": 0, "misses": 1}
    err, counts = _run(tmp_path, "sgd")             # the same cache: everything loads
    assert MESSAGE not in err, err
    assert counts == {"hits": 1, "misses": 0}       # the generated kernel came from the cache


def test_quiet_silences_the_notice(tmp_path):
    err, _ = _run(tmp_path / "quiet", quiet="1")
    assert MESSAGE not in err, err
    err, _ = _run(tmp_path / "zero", quiet="0")     # "0" is not a request for quiet
    assert err.count(MESSAGE) == 1, err
