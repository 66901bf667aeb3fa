"""pytest configuration for the spec tests.

* ``--backend=NAME`` (repeatable): the backends under test; default every backend
  that runs here. The cuda backend runs on Numba's CUDA simulator when the machine
  has no NVIDIA driver (``NUMBA_ENABLE_CUDASIM=1`` is set here, before Numba is
  imported); set ``NUMBA_ENABLE_CUDASIM=0`` to insist on a real GPU.
* Hypothesis profiles: ``ci`` (the default; the whole suite in minutes on two cores)
  and ``thorough`` (many more examples): ``pytest --hypothesis-profile=thorough``
  (or ``HYPOTHESIS_PROFILE=thorough``).
* Fixtures: ``B`` is each selected backend (the reference included), ``A`` each
  selected accelerated backend, ``R`` the reference. Under the CUDA simulator the
  cuda backend's launch settings are made tiny (2 threads, 2x2 tiles), so that the
  small shapes the simulator can afford still span several blocks and exercise the
  kernels' multi-block paths; :mod:`spec_tests.strategies` also draws fewer, smaller
  examples for it.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os

import pytest
from hypothesis import HealthCheck, settings

BACKENDS = ("reference", "cpu", "cuda")


def _has_nvidia_driver() -> bool:
    return ctypes.util.find_library("cuda") is not None or os.path.exists("/dev/nvidiactl")


# Must happen before anything imports numba: numba reads the variable once.
if "NUMBA_ENABLE_CUDASIM" not in os.environ and not _has_nvidia_driver():
    os.environ["NUMBA_ENABLE_CUDASIM"] = "1"

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
               print_blob=True)
settings.register_profile("ci", max_examples=30, derandomize=True, **_common)
settings.register_profile("thorough", max_examples=400, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    parser.addoption("--backend", action="append", choices=BACKENDS, default=None,
                     help="backend(s) to test (repeatable); default: every backend that runs here")


def selected_backends(config) -> list[str]:
    import accelerated

    chosen = config.getoption("--backend") or list(BACKENDS)
    runnable = accelerated.available()
    return [name for name in chosen if name in runnable or config.getoption("--backend")]


def pytest_configure(config):
    config.addinivalue_line("markers", "cuda_sim_slow: a test kept small because the CUDA simulator is slow")


def pytest_report_header(config):
    import accelerated

    names = selected_backends(config)
    sim = " (CUDA simulator)" if "cuda" in names and accelerated.cuda_simulated() else ""
    return f"slidespec backends under test: {', '.join(names)}{sim}; hypothesis profile: {settings.get_current_profile_name()}"


def pytest_generate_tests(metafunc):
    """Parametrise ``backend_name`` over the selected backends, ``accel_name`` over the accelerated ones."""
    names = selected_backends(metafunc.config)
    if "backend_name" in metafunc.fixturenames:
        metafunc.parametrize("backend_name", names)
    if "accel_name" in metafunc.fixturenames:
        metafunc.parametrize("accel_name", [n for n in names if n != "reference"])


def _launch_settings(name):
    """Tiny launch settings for the cuda backend under the simulator (see the module docstring)."""
    import accelerated

    if name == "cuda" and accelerated.cuda_simulated():
        from accelerated.cuda import config

        return config.override(threads=2, tile=2, min_blocks=2)
    return contextlib.nullcontext()


@pytest.fixture
def B(backend_name):
    """The backend under test (any of the selected ones, the reference included)."""
    import accelerated

    backend = accelerated.backend(backend_name)
    with _launch_settings(backend_name):
        yield backend


@pytest.fixture
def A(accel_name):
    """An accelerated backend under test, to compare against the reference."""
    import accelerated

    backend = accelerated.backend(accel_name)
    with _launch_settings(accel_name):
        yield backend


@pytest.fixture(scope="session")
def R():
    """The reference backend."""
    import accelerated

    return accelerated.backend("reference")
