"""slidespec's fast backends, and the one flag that picks a backend.

>>> import accelerated
>>> B = accelerated.backend("cpu")            # or "reference", or "cuda"
>>> y, cache = B.linear_forward(x, w, b)      # doctest: +SKIP

``backend(None)`` reads the environment variable ``SLIDESPEC_BACKEND`` and falls
back to ``"reference"``. Every backend offers the same functions with the same
names and signatures (``reference.PRIMITIVES``), and also ``to_device(array)`` and
``to_host(array)``: the identity on ``reference`` and ``cpu``; on ``cuda`` they move
an array to the GPU and back, so that a training loop can keep its data there.

Importing this package compiles nothing: each Numba kernel compiles on its first
call (and is cached on disk for the next run).

On a machine without a GPU the cuda backend runs on Numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``), which interprets every GPU thread in Python: it is
for testing the kernels, and a training run there can take minutes where the cpu
backend takes a second. The first time a process selects the cuda backend under
the simulator it says so, once, with a :class:`SimulatorWarning`; silence it with
``warnings.filterwarnings("ignore", category=accelerated.SimulatorWarning)``.
"""

from __future__ import annotations

import importlib
import os
import warnings

BACKENDS = ("reference", "cpu", "cuda")
ENV_VAR = "SLIDESPEC_BACKEND"

_loaded: dict[str, "Backend"] = {}


class SimulatorWarning(UserWarning):
    """The cuda backend runs on Numba's CUDA simulator: correct, but for testing, not speed."""


#: The text of the one :class:`SimulatorWarning` a process gets.
SIMULATOR_MESSAGE = (
    "backend 'cuda' is running on Numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1): every GPU "
    "thread is interpreted in Python, so the kernels are correct but slow, meant for testing; "
    "a training run can take minutes. For speed use backend 'cpu', or a machine with a CUDA GPU.")

_simulator_warned = False


def warn_if_simulated(stacklevel: int = 2) -> bool:
    """Warn once per process, with :class:`SimulatorWarning`, when the cuda backend is simulated.

    Called wherever the cuda backend is first used (:func:`backend`, and importing
    :mod:`accelerated.cuda` directly). Returns True when it warned.
    """
    global _simulator_warned
    if _simulator_warned or not cuda_simulated():
        return False
    _simulator_warned = True
    warnings.warn(SIMULATOR_MESSAGE, SimulatorWarning, stacklevel=stacklevel + 1)
    return True


class Backend:
    """A namespace holding one backend's primitives (and ``name``, ``to_device``, ``to_host``)."""

    def __init__(self, name, module, to_device=None, to_host=None):
        self.name = name
        self.module = module
        self.to_device = to_device or _identity
        self.to_host = to_host or _identity

    def __getattr__(self, attr):
        # Only called for names not set in __init__: the primitives themselves.
        try:
            return getattr(self.__dict__["module"], attr)
        except AttributeError:
            raise AttributeError(f"backend {self.__dict__['name']!r} has no function {attr!r}") from None

    def __dir__(self):
        return sorted(set(dir(self.module)) | {"name", "module", "to_device", "to_host"})

    def __repr__(self):
        return f"<slidespec backend {self.name!r}>"


def _identity(array):
    return array


def backend(name: str | None = None) -> Backend:
    """Return the backend called ``name``: ``"reference"``, ``"cpu"`` or ``"cuda"``.

    Parameters
    ----------
    name : str or None
        ``None`` reads ``SLIDESPEC_BACKEND``, then defaults to ``"reference"``.
        A :class:`Backend` is returned unchanged, so functions can take either.

    Raises
    ------
    ValueError
        For a name that is not a backend (the message lists the valid ones).
    RuntimeError
        For ``"cuda"`` when neither a CUDA GPU nor the simulator is available
        (the message says how to turn the simulator on), or when ``numba-cuda``
        is not installed.
    """
    if isinstance(name, Backend):
        return name
    source = "argument"
    if name is None:
        name, source = os.environ.get(ENV_VAR, "reference"), f"${ENV_VAR}"
    if not isinstance(name, str) or name.strip().lower() not in BACKENDS:
        valid = ", ".join(repr(b) for b in BACKENDS)
        raise ValueError(f"backend: unknown backend {name!r} (from the {source}); valid backends are {valid}")
    name = name.strip().lower()
    if name not in _loaded:
        if name == "cuda" and cuda_available():
            warn_if_simulated(stacklevel=2)      # before the import, to point at backend()'s caller
        _loaded[name] = _load(name)
    return _loaded[name]


def _load(name: str) -> Backend:
    if name == "reference":
        return Backend("reference", importlib.import_module("reference"))
    if name == "cpu":
        return Backend("cpu", importlib.import_module("accelerated.cpu"))
    try:
        from numba import cuda  # noqa: F401  (numba-cuda provides numba.cuda)
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "backend 'cuda' needs the numba-cuda package: python -m pip install 'slidespec[cuda]'"
        ) from exc
    if not cuda_available():
        raise RuntimeError(
            "backend 'cuda': no CUDA GPU is available here. To run the CUDA kernels on the "
            "CPU simulator instead, set NUMBA_ENABLE_CUDASIM=1 in the environment before "
            "starting Python (e.g. NUMBA_ENABLE_CUDASIM=1 python script.py); it is slow, "
            "and meant for testing.")
    module = importlib.import_module("accelerated.cuda")
    return Backend("cuda", module, to_device=module.to_device, to_host=module.to_host)


def cuda_available() -> bool:
    """True when the cuda backend can run here: a working CUDA GPU, or the simulator."""
    try:
        from numba import cuda
    except ImportError:
        return False
    try:
        return bool(cuda.is_available())
    except Exception:  # a broken driver counts as no GPU
        return False


def cuda_simulated() -> bool:
    """True when Numba's CUDA simulator is on (``NUMBA_ENABLE_CUDASIM=1``)."""
    try:
        from numba import config
    except ImportError:
        return False
    return bool(getattr(config, "ENABLE_CUDASIM", False))


def available() -> list[str]:
    """The backends that can run on this machine, in order."""
    names = ["reference", "cpu"]
    if cuda_available():
        names.append("cuda")
    return names
