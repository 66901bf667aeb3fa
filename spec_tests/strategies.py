"""Hypothesis strategies shared by the spec tests, and the per-backend example budget.

Shapes include size-1 dimensions and odd sizes; arrays come in four memory layouts
(C-contiguous, a transposed view, a strided view, a reversed view), because a fast
backend that assumes contiguous input is wrong on the other three. Values are 0 or
of magnitude in ``[2**-20, lim]`` (both signs): the spec is about arithmetic, and this
keeps every product and sum of the tested sizes clear of the denormal range (the
sigmoid's tails are tested separately, in ``test_activations.py``).

The CUDA simulator runs each GPU thread as a Python thread, so under it shapes stay
tiny and examples few: :func:`for_backend` and :func:`max_dim` read the backend.
"""

from __future__ import annotations

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
LAYOUTS = ("C", "transposed", "strided", "reversed")

#: Values closer to 0 than this are drawn as 0 (see the module docstring).
SMALLEST = 2.0 ** -20


def simulated(backend) -> bool:
    """True for the cuda backend running on Numba's CUDA simulator."""
    if getattr(backend, "name", backend) != "cuda":
        return False
    import accelerated

    return accelerated.cuda_simulated()


def max_dim(backend, default=7) -> int:
    """The largest dimension to draw: small everywhere (odd sizes included), tiny in the simulator."""
    return 3 if simulated(backend) else default


def for_backend(backend, **overrides):
    """Hypothesis settings for a property run against ``backend``: the loaded profile's example
    count, cut to a quarter (at least 5) under the CUDA simulator."""
    current = settings()
    n = current.max_examples
    if simulated(backend):
        n = max(5, n // 4)
    return settings(current, max_examples=overrides.pop("max_examples", n), **overrides)


def dtypes():
    return st.sampled_from(DTYPES)


def dims(max_size):
    """A dimension in 1 .. max_size (1 and odd sizes included)."""
    return st.integers(1, max_size)


def values(dtype, lim=4.0):
    """Finite floats of ``dtype`` in [-lim, lim], 0 or of magnitude >= 2**-20."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    return st.floats(-lim, lim, width=width, allow_nan=False, allow_infinity=False,
                     allow_subnormal=False).map(lambda v: 0.0 if abs(v) < SMALLEST else v)


@st.composite
def arrays(draw, dtype, shape, lim=4.0, layout=None, elements=None):
    """An array of ``dtype`` and ``shape``, in a drawn memory layout (a view where the layout is one)."""
    dtype = np.dtype(dtype)
    shape = tuple(shape)
    layout = draw(st.sampled_from(LAYOUTS)) if layout is None else layout
    elements = values(dtype, lim) if elements is None else elements
    if len(shape) == 0 or layout == "C":
        return draw(hnp.arrays(dtype, shape, elements=elements))
    if layout == "transposed":
        base = draw(hnp.arrays(dtype, shape[::-1], elements=elements))
        return base.T                                   # F-ordered view (for 1-D: the array itself)
    if layout == "strided":
        base = draw(hnp.arrays(dtype, shape[:-1] + (2 * shape[-1],), elements=elements))
        return base[..., ::2]                           # every other column: a strided view
    base = draw(hnp.arrays(dtype, shape, elements=elements))
    return base[::-1]                                   # negative stride along the first axis


@st.composite
def tensors(draw, max_size, lim=4.0, dtype=None, max_rank=3):
    """An array of any rank 0 .. max_rank (the elementwise ops take any shape)."""
    dtype = draw(dtypes()) if dtype is None else dtype
    rank = draw(st.integers(0, max_rank))
    shape = tuple(draw(dims(max_size)) for _ in range(rank))
    return draw(arrays(dtype, shape, lim))


@st.composite
def network_params(draw, D, hidden, dtype, lim=2.0, layout=None):
    """``(W1, b1, ..., WL, bL, c, b)`` for input size D and hidden widths ``hidden``."""
    params = []
    fan_in = D
    for H in hidden:
        params.append(draw(arrays(dtype, (H, fan_in), lim, layout=layout)))
        params.append(draw(arrays(dtype, (H,), lim, layout=layout)))
        fan_in = H
    params.append(draw(arrays(dtype, (fan_in,), lim, layout=layout)))
    params.append(np.asarray(draw(values(dtype, lim)), dtype=dtype)[()])
    return tuple(params)


def activations():
    from reference import ACTIVATIONS

    return st.sampled_from(ACTIVATIONS)


def copies(*arrays_):
    """Deep copies of the arguments (to check later that a call left them unchanged)."""
    return [np.array(a, copy=True) for a in arrays_]
