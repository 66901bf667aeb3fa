"""Small checks shared by the spec tests: purity, dtypes, identical errors."""

from __future__ import annotations

import numpy as np
import pytest


def _arrays_in(obj):
    if isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _arrays_in(item)
    elif isinstance(obj, (np.ndarray, np.generic)):
        yield obj


def call_pure(B, name, *args, **kwargs):
    """Call ``B.<name>(*args, **kwargs)`` and assert that it changed none of its array arguments."""
    before = [(a, np.array(a, copy=True)) for a in _arrays_in(list(args) + list(kwargs.values()))]
    out = getattr(B, name)(*args, **kwargs)
    for a, copy in before:
        assert np.array_equal(a, copy, equal_nan=True), f"{B.name}.{name} changed one of its inputs"
    return out


def assert_dtype(name, out, dtype):
    """Every array and scalar in ``out`` (nested tuples) has ``dtype``; 0-d results are NumPy scalars
    or 0-d arrays of it, never Python floats."""
    dtype = np.dtype(dtype)
    if isinstance(out, (tuple, list)):
        for item in out:
            assert_dtype(name, item, dtype)
        return
    assert isinstance(out, (np.ndarray, np.generic)), f"{name}: returned {type(out).__name__}, not a NumPy value"
    assert out.dtype == dtype, f"{name}: returned {out.dtype} for {dtype} input"


def error_of(fn, *args, **kwargs) -> str:
    """The message of the ValueError that ``fn`` raises (fails if it raises nothing or something else)."""
    with pytest.raises(ValueError) as info:
        fn(*args, **kwargs)
    return str(info.value)


def assert_same_error(B, R, name, args, kwargs, prefix):
    """``B.<name>(*args(B), **kwargs)`` and the reference's raise the same ValueError text, and that text
    starts with ``"<name>: <prefix>"`` (the function, then the offending argument). ``args`` takes the
    backend, so that a backward gets its own backend's cache."""
    want = error_of(getattr(R, name), *args(R), **kwargs)
    assert want.startswith(f"{name}: {prefix}"), f"the reference says {want!r}; expected '{name}: {prefix}...'"
    got = error_of(getattr(B, name), *args(B), **kwargs)
    assert got == want, f"{B.name}.{name} says {got!r}; the reference says {want!r}"
