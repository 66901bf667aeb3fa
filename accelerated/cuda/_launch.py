"""Launch settings of the CUDA backend, and the traffic between host and device.

Launch settings
---------------
:data:`config` holds the few numbers that shape every launch. They belong to the
backend, not to a function's signature, so that ``accelerated.cuda.relu_forward(z)``
has exactly the signature of ``reference.relu_forward(z)``:

``threads``
    Threads per block of every 1-D launch (elementwise kernels, block
    reductions). A power of two: the block reductions halve it.
``tile``
    Edge of the square thread blocks of the 2-D launches: the tiles of the
    shared-memory matrix product, the column sums, the loss surface. Shared-memory
    sizes must be compile-time constants, so each value gets its own compiled
    kernels (see :mod:`._kernels`).
``max_blocks``
    The most blocks of a 1-D launch: the kernels loop with a grid stride, so
    each thread takes several items when there are more, and a reduction never
    has more than this many partial sums to add in its second pass (nor a column
    sum more than this many block rows).
``min_blocks``
    A matrix product whose output covers fewer blocks than this splits its inner
    sum across more blocks (split-K), so that a small ``(H, D)`` gradient summed
    over a long batch still fills the GPU.

On a GPU the defaults are 256 threads, 16×16 tiles, ``max_blocks = 1024`` (about
one resident wave on a large GPU) and ``min_blocks = 128``. Under Numba's CUDA
simulator (``NUMBA_ENABLE_CUDASIM=1``), which runs every thread of a block as a
Python thread, they are 8 threads, 4×4 tiles, ``max_blocks = 2`` and
``min_blocks = 4``: few threads, so that a launch is quick, yet enough that
shapes of a few tiles take every multi-block path (grid strides, partial sums,
split-K). The environment variables ``SLIDESPEC_CUDA_THREADS`` and
``SLIDESPEC_CUDA_TILE`` override the defaults; :meth:`LaunchConfig.override`
changes any setting for a ``with`` block.

The backend silences numba-cuda's "Grid size N will likely result in GPU
under-utilization" warning: lecture-sized data makes small grids on purpose.

Shared memory under the simulator
---------------------------------
The simulator runs each thread of a block as a Python thread, and its
``cuda.shared.array`` (``FakeCUDAShared.array``) hands every thread the array
kept for the calling source line with an unlocked check-then-insert on a dict:
two threads of a launch's first block can both miss, both allocate, and each
keep a private array, so that one thread's writes to the "shared" tile never
reach the others (the GEMM tiles, the column sums and the block reductions then
read uninitialised memory). It is rare, depends on the interpreter's thread
switches, and so shows under load as an unreproducible wrong result. Under the
simulator this module replaces that method with one that allocates under a lock
(:func:`_make_simulated_shared_arrays_thread_safe`); on a GPU nothing changes.

Host and device
---------------
:func:`to_device` and :func:`to_host` move arrays; the public functions use the
helpers below to upload what the caller gave on the host and to hand results
back where the caller's arrays live (the rule is in the package docstring).
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import warnings
from contextlib import contextmanager

import numpy as np
from numba import config as _numba_config
from numba import cuda

#: True when Numba's CUDA simulator stands in for a GPU.
SIMULATED = bool(getattr(_numba_config, "ENABLE_CUDASIM", False))

# Lecture-sized data makes small grids (a batch of 10 rows is one block), and
# numba-cuda warns about every launch of fewer than 128 blocks. The grids here are
# small because the data is, not by mistake, so that one warning is silenced.
warnings.filterwarnings("ignore", message=r"Grid size \d+ will likely result in GPU under-utilization")


def _make_simulated_shared_arrays_thread_safe():
    """Under the simulator, make ``cuda.shared.array`` give every thread of a block the same array.

    numba-cuda's ``FakeCUDAShared.array`` (0.30) keys a launch's static shared arrays by
    the caller's (file, line) and does ``get``, ``np.empty``, then an insert, with no
    lock: when the interpreter switches threads in between, two threads of the
    launch's first block allocate an array each and the block no longer shares
    memory. The replacement does the same lookup and allocation under a lock (and
    finds the caller with ``sys._getframe`` instead of a full ``traceback``, which also
    makes it cheaper). Dynamic shared memory (``shape == 0``) and alignment requests go
    to the original method (the former is one buffer made at launch, the latter
    raises). Idempotent; a no-op when the simulator's internals are not the expected ones.
    """
    try:
        from numba.cuda.simulator import kernelapi
    except ImportError:                                 # pragma: no cover - other numba-cuda layouts
        return
    cls = getattr(kernelapi, "FakeCUDAShared", None)
    types = getattr(kernelapi, "types", None)
    numpy_support = getattr(kernelapi, "numpy_support", None)
    if cls is None or types is None or numpy_support is None:     # pragma: no cover
        return
    original = cls.array
    if getattr(original, "_slidespec_thread_safe", False):
        return
    lock = threading.Lock()

    def array(self, shape, dtype, alignment=None):
        if alignment is not None or (np.ndim(shape) == 0 and shape == 0):
            return original(self, shape, dtype, alignment)      # raises / dynamic memory: no race
        if isinstance(dtype, types.Type):
            dtype = numpy_support.as_dtype(dtype)
        frame = sys._getframe(1)
        caller = (frame.f_code.co_filename, frame.f_lineno)   # the key the original uses
        del frame
        with lock:
            res = self._allocations.get(caller)
            if res is None:
                res = np.empty(shape, dtype)
                self._allocations[caller] = res
        return res

    array._slidespec_thread_safe = True
    array.__doc__ = original.__doc__
    cls.array = array


if SIMULATED:
    _make_simulated_shared_arrays_thread_safe()


#: Rows each thread of a column sum adds before the block combines them.
ROWS_PER_THREAD = 4


def _env_int(name):
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"accelerated.cuda: ${name} must be an integer; got {value!r}") from None


_SETTINGS = ("threads", "tile", "max_blocks", "min_blocks")


class LaunchConfig:
    """The launch settings of the CUDA backend (one instance: :data:`config`).

    Attributes
    ----------
    threads : int
        Threads per block of 1-D launches; a power of two in [1, 1024].
    tile : int
        Edge of the square blocks of 2-D launches, in [1, 32] (``tile**2 <= 1024``).
    max_blocks : int >= 1
        The most blocks of a 1-D launch (grid-stride loops take the rest).
    min_blocks : int >= 1
        Below this many output blocks a matrix product splits its inner sum.

    Examples
    --------
    >>> from accelerated.cuda import config
    >>> with config.override(threads=8, tile=2):    # doctest: +SKIP
    ...     y, _ = relu_forward(z)
    """

    def __init__(self):
        self.reset()

    def reset(self):
        """Restore the defaults (for a GPU, or for the simulator)."""
        self._threads = 8 if SIMULATED else 256
        self._tile = 4 if SIMULATED else 16
        self._max_blocks = 2 if SIMULATED else 1024
        self._min_blocks = 4 if SIMULATED else 128
        env_threads, env_tile = _env_int("SLIDESPEC_CUDA_THREADS"), _env_int("SLIDESPEC_CUDA_TILE")
        if env_threads is not None:
            self.threads = env_threads
        if env_tile is not None:
            self.tile = env_tile

    @property
    def threads(self) -> int:
        return self._threads

    @threads.setter
    def threads(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                or not 1 <= value <= 1024 or value & (value - 1):
            raise ValueError(f"accelerated.cuda.config: threads must be a power of two in [1, 1024]; got {value!r}")
        self._threads = int(value)

    @property
    def tile(self) -> int:
        return self._tile

    @tile.setter
    def tile(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= 32:
            raise ValueError(f"accelerated.cuda.config: tile must be an integer in [1, 32]; got {value!r}")
        self._tile = int(value)

    @property
    def max_blocks(self) -> int:
        return self._max_blocks

    @max_blocks.setter
    def max_blocks(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"accelerated.cuda.config: max_blocks must be an integer >= 1; got {value!r}")
        self._max_blocks = int(value)

    @property
    def min_blocks(self) -> int:
        return self._min_blocks

    @min_blocks.setter
    def min_blocks(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"accelerated.cuda.config: min_blocks must be an integer >= 1; got {value!r}")
        self._min_blocks = int(value)

    @contextmanager
    def override(self, **settings):
        """Change some settings for the duration of a ``with`` block."""
        saved = (self._threads, self._tile, self._max_blocks, self._min_blocks)
        try:
            for name, value in settings.items():
                if name not in _SETTINGS:
                    raise ValueError(f"accelerated.cuda.config: no setting {name!r} "
                                     f"(settings: {', '.join(_SETTINGS)})")
                setattr(self, name, value)
            yield self
        finally:
            self._threads, self._tile, self._max_blocks, self._min_blocks = saved

    def __repr__(self):
        where = "simulator" if SIMULATED else "GPU"
        return (f"LaunchConfig(threads={self._threads}, tile={self._tile}, "
                f"max_blocks={self._max_blocks}, min_blocks={self._min_blocks})  # {where}")


#: The launch settings of the backend.
config = LaunchConfig()


def cdiv(a: int, b: int) -> int:
    """``ceil(a / b)`` for positive integers, at least 1."""
    return max(1, -(-int(a) // int(b)))


def blocks_1d(n: int) -> int:
    """Blocks of ``config.threads`` for ``n`` items: one item per thread, at most
    ``config.max_blocks`` blocks (the kernels' grid-stride loops take the rest).
    For a reduction this is also its number of partial sums."""
    return min(cdiv(n, config.threads), config.max_blocks)


def colsum_blocks(rows: int) -> int:
    """Block rows of a column sum over ``rows`` rows (each thread adds
    ``ROWS_PER_THREAD`` rows or more); also its number of partial sums per column."""
    return min(cdiv(rows, config.tile * ROWS_PER_THREAD), config.max_blocks)


def simulator_paced(fn):
    """Under the simulator, run ``fn`` with a 1 ms interpreter switch interval.

    The simulator runs a block's threads as Python threads and polls them at every
    ``cuda.syncthreads()``; with Python's default 5 ms switch interval most of a
    launch is spent waiting for the interpreter to hand over, and a shorter
    interval makes the kernels about three times faster. The previous interval is
    restored when ``fn`` returns. On a GPU ``fn`` is returned unchanged.
    """
    if not SIMULATED:
        return fn

    @functools.wraps(fn)
    def paced(*args, **kwargs):
        old = sys.getswitchinterval()
        sys.setswitchinterval(min(old, 1e-3))
        try:
            return fn(*args, **kwargs)
        finally:
            sys.setswitchinterval(old)

    return paced


# ---------------------------------------------------------------- host <-> device


def is_device(a) -> bool:
    """True for a CUDA device array, real or simulated (the test ``_check`` uses too)."""
    return hasattr(a, "copy_to_host") and hasattr(a, "shape") and hasattr(a, "dtype")


def to_device(array):
    """Copy a host array to the GPU; a device array is returned unchanged.

    NumPy scalars, Python numbers and 0-d arrays become 0-d device arrays;
    a non-contiguous host array is made contiguous first.
    """
    if is_device(array):
        return array
    host = np.asarray(array)
    if not host.flags.c_contiguous:
        host = np.ascontiguousarray(host)
    return cuda.to_device(host)


def to_host(array):
    """Copy a device array back to a NumPy array; a host array is returned unchanged.

    A 0-d device array (a scalar parameter such as ``b``) comes back as a NumPy
    scalar of its dtype, as the reference returns scalars.
    """
    if not is_device(array):
        return array
    host = array.copy_to_host()
    return host[()] if host.ndim == 0 else host


def any_device(*arrays) -> bool:
    """True when the caller handed in at least one device array."""
    return any(is_device(a) for a in arrays)


def dev(a):
    """A checked array on the device: uploaded if it is on the host (the caller's copy is untouched)."""
    return a if is_device(a) else to_device(a)


def contiguous(d):
    """``d`` itself when C-contiguous, else a contiguous device copy.

    Device arrays a caller sliced are rare; they take one round trip through the host.
    """
    if d.is_c_contiguous():
        return d
    return cuda.to_device(np.ascontiguousarray(d.copy_to_host()))


def flat(d):
    """A 1-D view of a (contiguous) device array; a 0-d array becomes a 1-vector."""
    return contiguous(d).reshape(int(np.prod(d.shape, dtype=np.int64)))


def empty(shape, dtype):
    """An uninitialised device array."""
    return cuda.device_array(shape, dtype=np.dtype(dtype))


def result(d, on_device: bool):
    """Hand an array result back: the device array, or its host copy."""
    return d if on_device else d.copy_to_host()


def scalar_result(d0, on_device: bool):
    """Hand a 0-d result back: the 0-d device array, or a NumPy scalar of its dtype."""
    return d0 if on_device else d0.copy_to_host()[()]


class Workspace:
    """Scratch buffers reused across the launches of one call (e.g. every batch of an epoch).

    ``get(key, shape, dtype)`` returns a device array of that shape, carved from a
    buffer kept under ``key`` and grown when too small, so that a loop allocates
    its scratch memory once instead of on every iteration.
    """

    def __init__(self):
        self._bufs = {}

    def get(self, key, shape, dtype):
        dtype = np.dtype(dtype)
        size = int(np.prod(shape, dtype=np.int64))
        buf = self._bufs.get((key, dtype.str))
        if buf is None or buf.shape[0] < size:
            buf = cuda.device_array(max(size, 1), dtype=dtype)
            self._bufs[(key, dtype.str)] = buf
        return buf[:size].reshape(tuple(shape))


def scratch(ws, key, shape, dtype):
    """A scratch array from ``ws``, or a fresh one when there is no workspace."""
    return ws.get(key, shape, dtype) if ws is not None else empty(tuple(shape), dtype)


__all__ = ["config", "LaunchConfig", "SIMULATED", "to_device", "to_host"]
