"""Argument checks shared by every backend.

Every public function of ``reference``, ``accelerated.cpu`` and ``accelerated.cuda``
checks its arguments here, at its public boundary, so that one mistake gets one
message whichever backend made the call::

    ValueError: linear_forward: x must be (N, D); got (3, 28, 28)

Shapes are written as in the docstrings: ``"N, D"`` is a matrix whose dimensions
are bound to the names ``N`` and ``D``; a later argument that says ``"D"`` must
have the same ``D``; ``""`` is a scalar (a 0-d array); ``"..."`` is any shape.
Every named dimension must be at least 1: nothing here is silently empty.

Arrays may be NumPy arrays, anything ``numpy.asarray`` accepts, or CUDA device
arrays (those are checked by shape and dtype and left on the device).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _is_device_array(a) -> bool:
    """True for a CUDA device array (real or simulated): checked, never copied."""
    return hasattr(a, "copy_to_host") and hasattr(a, "shape") and hasattr(a, "dtype")


def _fmt_shape(shape) -> str:
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _fmt_spec(names) -> str:
    return _fmt_shape(names) if names else "a scalar ()"


def _parse(spec: str):
    spec = spec.strip().strip("()").strip()
    if spec == "...":
        return None
    return tuple(p.strip() for p in spec.split(",") if p.strip())


def arrays(fn: str, dims: dict | None = None, **specs):
    """Check and return the arrays named in ``specs``, in order.

    ``specs`` maps an argument name to ``(value, shape)``. All arrays of one call
    share a floating dtype (float32 or float64): the first array fixes it; a
    Python number given for a scalar (``shape ""``) takes that dtype.

    ``dims`` may pre-bind dimension names (e.g. ``{"N": 5}``).
    Returns a tuple of arrays (one per spec), or a single array for one spec.
    """
    bound: dict[str, tuple[int, str]] = {}
    if dims:
        for k, v in dims.items():
            bound[k] = (v, "")
    dtype = None
    first = None
    out = []
    pending_scalars = []
    for name, (value, spec) in specs.items():
        names = _parse(spec)
        # A Python number for a scalar takes the arrays' dtype; a NumPy scalar keeps its own
        # dtype and is checked like an array (np.float64(0.5) with float32 arrays is an error).
        if isinstance(value, numbers.Number) and not isinstance(value, (bool, np.generic)) and names == ():
            pending_scalars.append((len(out), name, value))
            out.append(None)
            continue
        if not _is_device_array(value):
            if value is None:
                raise ValueError(f"{fn}: {name} must be an array; got None")
            value = np.asarray(value)
        if value.dtype not in FLOAT_DTYPES:
            raise ValueError(f"{fn}: {name} must be a float32 or float64 array; got {value.dtype}")
        if dtype is None:
            dtype, first = value.dtype, name
        elif value.dtype != dtype:
            raise ValueError(f"{fn}: {name} must be {dtype} like {first}; got {value.dtype}")
        shape = tuple(value.shape)
        if names is not None:
            if len(shape) != len(names):
                raise ValueError(f"{fn}: {name} must be {_fmt_spec(names)}; got {_fmt_shape(shape)}")
            for axis, (d, size) in enumerate(zip(names, shape)):
                if d.isdigit():
                    if size != int(d):
                        raise ValueError(
                            f"{fn}: {name} must be {_fmt_spec(names)}; got {_fmt_shape(shape)}")
                    continue
                if size < 1:
                    raise ValueError(f"{fn}: {name} must not be empty; got {_fmt_shape(shape)}")
                if d in bound and bound[d][0] != size:
                    want = tuple(str(bound[n][0]) if n in bound else n for n in names)
                    src = f" ({d} = {bound[d][0]} from {bound[d][1]})" if bound[d][1] else ""
                    raise ValueError(
                        f"{fn}: {name} must be {_fmt_spec(names)} = {_fmt_shape(want)}{src}; "
                        f"got {_fmt_shape(shape)}")
                bound.setdefault(d, (size, name))
        elif math.prod(shape) < 1:
            raise ValueError(f"{fn}: {name} must not be empty; got {_fmt_shape(shape)}")
        out.append(value)
    for i, name, value in pending_scalars:
        out[i] = np.asarray(value, dtype=dtype if dtype is not None else np.float64)
    return out[0] if len(out) == 1 else tuple(out)


def same_shape(fn: str, name: str, value, other_name: str, other):
    """Check that ``value`` is a float array of exactly ``other``'s shape and dtype."""
    if not _is_device_array(value):
        if value is None:
            raise ValueError(f"{fn}: {name} must be an array; got None")
        value = np.asarray(value)
    if value.dtype not in FLOAT_DTYPES:
        raise ValueError(f"{fn}: {name} must be a float32 or float64 array; got {value.dtype}")
    if value.dtype != other.dtype:
        raise ValueError(f"{fn}: {name} must be {other.dtype} like {other_name}; got {value.dtype}")
    if tuple(value.shape) != tuple(other.shape):
        raise ValueError(f"{fn}: {name} must have {other_name}'s shape {_fmt_shape(tuple(other.shape))}; "
                         f"got {_fmt_shape(tuple(value.shape))}")
    if math.prod(value.shape) < 1:
        raise ValueError(f"{fn}: {name} must not be empty; got {_fmt_shape(tuple(value.shape))}")
    return value


def grad(fn: str, name: str, value, shape, dtype):
    """Check an upstream gradient against the shape and dtype its forward produced."""
    if not _is_device_array(value):
        if value is None:
            raise ValueError(f"{fn}: {name} must be an array; got None")
        if isinstance(value, numbers.Number) and not isinstance(value, (bool, np.generic)) and tuple(shape) == ():
            value = np.asarray(value, dtype=dtype)
        value = np.asarray(value)
    if value.dtype not in FLOAT_DTYPES:
        raise ValueError(f"{fn}: {name} must be a float32 or float64 array; got {value.dtype}")
    if value.dtype != np.dtype(dtype):
        raise ValueError(f"{fn}: {name} must be {np.dtype(dtype)} like the forward's output; got {value.dtype}")
    if tuple(value.shape) != tuple(shape):
        raise ValueError(f"{fn}: {name} must be {_fmt_shape(tuple(shape))} like the forward's output; "
                         f"got {_fmt_shape(tuple(value.shape))}")
    return value


def positive(fn: str, name: str, value) -> float:
    """A finite real number > 0 (a learning rate, a step)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{fn}: {name} must be a positive number; got {value!r}")
    if not (math.isfinite(float(value)) and value > 0):
        raise ValueError(f"{fn}: {name} must be a positive number; got {value!r}")
    return float(value)


def nonnegative(fn: str, name: str, value) -> float:
    """A finite real number >= 0 (a weight decay, Adagrad's optional epsilon)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{fn}: {name} must be a number >= 0; got {value!r}")
    if not (math.isfinite(float(value)) and value >= 0):
        raise ValueError(f"{fn}: {name} must be a number >= 0; got {value!r}")
    return float(value)


def fraction(fn: str, name: str, value) -> float:
    """A decay rate in [0, 1) (momentum, beta1, beta2, RMSprop's alpha, Adadelta's rho)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{fn}: {name} must be a number in [0, 1); got {value!r}")
    if not (math.isfinite(float(value)) and 0 <= value < 1):
        raise ValueError(f"{fn}: {name} must be a number in [0, 1); got {value!r}")
    return float(value)


def flag(fn: str, name: str, value) -> bool:
    """True or False, nothing else (``nesterov``, ``inplace``)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{fn}: {name} must be True or False; got {value!r}")
    return bool(value)


def rule(fn: str, param, grad, state, state_type, inplace: bool):
    """Check the arguments every optimizer rule ``<rule>_update(param, grad, state, ...)`` takes.

    ``param`` is a non-empty float array of any shape; ``grad`` has its shape and
    dtype; ``state`` is a ``state_type`` (a named tuple from ``<rule>_init``) whose
    arrays have ``param``'s shape and dtype and whose step count ``t``, if it has
    one, is an integer >= 0. With ``inplace`` the arrays are overwritten, so
    ``param`` and the state's arrays must be writeable float arrays already (a list
    or an int array would be converted, and the caller's object left unchanged).

    Returns ``(param, grad, state)`` with the arrays as arrays.
    """
    original = param
    param = arrays(fn, param=(param, "..."))
    grad = same_shape(fn, "grad", grad, "param", param)
    init = fn.replace("_update", "_init")
    if not isinstance(state, state_type):
        raise ValueError(f"{fn}: state must be the {state_type.__name__} that {init} returns; "
                         f"got {type(state).__name__}")
    fields = {}
    for field, value in zip(state._fields, state):
        if field == "t":
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 0:
                raise ValueError(f"{fn}: state.t must be an integer >= 0 (the number of updates so far); "
                                 f"got {value!r}")
            fields[field] = int(value)
            continue
        value = same_shape(fn, f"state.{field}", value, "param", param)
        fields[field] = value
    if inplace:
        for name, checked, given in [("param", param, original)] + [
                (f"state.{f}", fields[f], getattr(state, f)) for f in state._fields if f != "t"]:
            if checked is not given or (not _is_device_array(given) and not given.flags.writeable):
                raise ValueError(f"{fn}: inplace=True needs {name} to be a writeable float32 or float64 "
                                 f"array (it is overwritten); got {type(given).__name__}")
    return param, grad, state_type(**fields)


def binary(fn: str, name: str, value):
    """Raise unless every entry of ``value`` (a float array) is 0 or 1 (a dropout mask).

    A device array is brought to the host for the check, so that the message is the same on
    every backend (a mask is drawn on the host, so one on the device is the rare case).
    """
    host = value.copy_to_host() if _is_device_array(value) else np.asarray(value)
    bad = ~((host == 0) | (host == 1))
    if np.any(bad):
        where = np.unravel_index(np.argmax(bad), host.shape) if host.ndim else ()
        raise ValueError(f"{fn}: {name} must hold only 0 and 1; got {float(host[where])!r} at index "
                         f"{tuple(int(k) for k in where)}")


def dropout_masks(fn: str, masks, rates, x, params):
    """Check the optional dropout of an epoch (:func:`reference.optimize.mlp_epoch`).

    ``masks`` is None (no dropout) or a sequence of one entry per dense layer: None (that
    layer's input is not dropped) or a float array ``(N, H_{l-1})`` of ``x``'s dtype
    holding only 0 and 1, row ``i`` the mask of the ``i``-th example the epoch takes.
    ``rates`` is None exactly when ``masks`` is, else one number per layer: in [0, 1)
    where a mask is given (the rate it was drawn with) and 0 where none is. Returns
    ``(masks, rates)`` as tuples, or ``(None, None)``.
    """
    n_layers = len(params) // 2
    if masks is None:
        if rates is not None:
            raise ValueError(f"{fn}: rates needs masks (one dropout mask per layer, or None); got masks=None "
                             f"and rates={rates!r}")
        return None, None
    if not isinstance(masks, (list, tuple)) or len(masks) != n_layers:
        got = f"a sequence of {len(masks)}" if isinstance(masks, (list, tuple)) else type(masks).__name__
        raise ValueError(f"{fn}: masks must be a list or tuple of {n_layers} entries (one per dense layer: None, "
                         f"or the mask of that layer's input); got {got}")
    if not isinstance(rates, (list, tuple)) or len(rates) != n_layers:
        got = (f"a sequence of {len(rates)}" if isinstance(rates, (list, tuple))
               else "None" if rates is None else type(rates).__name__)
        raise ValueError(f"{fn}: rates must be a list or tuple of {n_layers} numbers (one per dense layer), "
                         f"given with masks; got {got}")
    N = x.shape[0]
    out_masks, out_rates = [], []
    for l, (mask, rate) in enumerate(zip(masks, rates), start=1):
        if mask is None:
            if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, numbers.Real) or rate != 0:
                raise ValueError(f"{fn}: rates[{l - 1}] must be 0 where masks[{l - 1}] is None (layer {l}'s input "
                                 f"is not dropped); got {rate!r}")
            out_masks.append(None)
            out_rates.append(0.0)
            continue
        width = params[2 * l - 2].shape[1]
        shape = (N, width)
        if not _is_device_array(mask):
            mask = np.asarray(mask)
        if mask.dtype not in FLOAT_DTYPES or mask.dtype != x.dtype:
            raise ValueError(f"{fn}: masks[{l - 1}] must be {x.dtype} like x; got {mask.dtype}")
        if tuple(mask.shape) != shape:
            raise ValueError(f"{fn}: masks[{l - 1}] must be (N, H{l - 1}) = {_fmt_shape(shape)} (a row per example "
                             f"of the epoch, a column per input of layer {l}); got {_fmt_shape(tuple(mask.shape))}")
        binary(fn, f"masks[{l - 1}]", mask)
        out_masks.append(mask)
        out_rates.append(fraction(fn, f"rates[{l - 1}]", rate))
    return tuple(out_masks), tuple(out_rates)


def real(fn: str, name: str, value) -> float:
    """A finite real number (a slope, a coefficient)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{fn}: {name} must be a finite real number; got {value!r}")
    if not math.isfinite(float(value)):
        raise ValueError(f"{fn}: {name} must be a finite real number; got {value!r}")
    return float(value)


def count(fn: str, name: str, value, minimum: int = 1) -> int:
    """An integer >= ``minimum`` (a batch size, a number of steps)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{fn}: {name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{fn}: {name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def choice(fn: str, name: str, value, options) -> str:
    """One of a fixed set of names (an activation, a loss, a reduction)."""
    if not isinstance(value, str) or value not in options:
        valid = ", ".join(repr(o) for o in options)
        raise ValueError(f"{fn}: {name} must be one of {valid}; got {value!r}")
    return value


def order(fn: str, name: str, value, n: int):
    """A permutation of ``range(n)`` as a 1-D integer array (the example order of an epoch)."""
    if _is_device_array(value):
        value = value.copy_to_host()
    value = np.asarray(value)
    if value.ndim != 1 or not np.issubdtype(value.dtype, np.integer):
        raise ValueError(f"{fn}: {name} must be a 1-D integer array (a permutation of range({n})); "
                         f"got {value.dtype} {_fmt_shape(value.shape)}")
    if value.size == 0:
        raise ValueError(f"{fn}: {name} must be a permutation of range({n}); got no indices")
    low, high = int(value.min()), int(value.max())
    if value.shape[0] != n or low < 0 or high >= n or np.bincount(value, minlength=n).max() != 1:
        raise ValueError(f"{fn}: {name} must be a permutation of range({n}); got "
                         f"{value.shape[0]} indices in [{low}, {high}]")
    return value.astype(np.int64, copy=False)


def params_chain(fn: str, x, params, **more):
    """Check the parameters of :func:`reference.network.network_forward` against ``x``.

    ``params`` is ``(W1, b1, ..., WL, bL, c, b)``: ``W_l`` is ``(H_l, H_{l-1})`` with
    ``H_0 = D``, ``b_l`` is ``(H_l,)``, ``c`` is ``(H_L,)`` and ``b`` a scalar.
    ``more`` are further ``name=(value, shape)`` specs checked in the same call
    (sharing ``N`` and the dtype). Returns ``(x, params)`` followed by the checked
    ``more`` arrays, in order.
    """
    if len(params) < 2 or len(params) % 2:
        raise ValueError(f"{fn}: params must be (W1, b1, ..., WL, bL, c, b), an even number >= 2 of "
                         f"arrays; got {len(params)}")
    specs = {"x": (x, "N, D")}
    n_hidden = len(params) // 2 - 1
    width = ["D"] + [f"H{l}" for l in range(1, n_hidden + 1)]
    for l in range(1, n_hidden + 1):
        specs[f"W{l}"] = (params[2 * l - 2], f"{width[l]}, {width[l - 1]}")
        specs[f"b{l}"] = (params[2 * l - 1], width[l])
    specs["c"] = (params[-2], width[-1])
    specs["b"] = (params[-1], "")
    specs.update(more)
    checked = arrays(fn, **specs)
    n_params = len(params)
    return (checked[0], tuple(checked[1:1 + n_params]), *checked[1 + n_params:])


def params_layers(fn: str, x, params, **more):
    """Check the parameters of :func:`reference.network.mlp_forward` against ``x``.

    ``params`` is ``(W1, b1, ..., WL, bL)`` with ``L >= 1``: ``W_l`` is
    ``(H_l, H_{l-1})`` with ``H_0 = D`` and ``b_l`` is ``(H_l,)``; the last layer's
    width is bound to ``K`` (so ``more`` may say ``"N, K"`` for the targets).
    Returns ``(x, params)`` followed by the checked ``more`` arrays, in order.
    """
    if len(params) < 2 or len(params) % 2:
        raise ValueError(f"{fn}: params must be (W1, b1, ..., WL, bL), an even number >= 2 of "
                         f"arrays; got {len(params)}")
    specs = {"x": (x, "N, D")}
    n_layers = len(params) // 2
    width = ["D"] + [f"H{l}" for l in range(1, n_layers)] + ["K"]
    for l in range(1, n_layers + 1):
        specs[f"W{l}"] = (params[2 * l - 2], f"{width[l]}, {width[l - 1]}")
        specs[f"b{l}"] = (params[2 * l - 1], width[l])
    specs.update(more)
    checked = arrays(fn, **specs)
    n_params = len(params)
    return (checked[0], tuple(checked[1:1 + n_params]), *checked[1 + n_params:])


def unit_interval(fn: str, name: str, value):
    """Raise unless every entry of ``value`` (a float array) lies in [0, 1) (uniform draws, standout's ``u``).

    A device array is brought to the host for the check, so that the message is the same on every
    backend (the draws are made on the host, so one on the device is the rare case).
    """
    host = value.copy_to_host() if _is_device_array(value) else np.asarray(value)
    bad = ~((host >= 0) & (host < 1))
    if np.any(bad):
        where = np.unravel_index(np.argmax(bad), host.shape) if host.ndim else ()
        raise ValueError(f"{fn}: {name} must hold uniform draws in [0, 1); got {float(host[where])!r} at index "
                         f"{tuple(int(k) for k in where)}")
