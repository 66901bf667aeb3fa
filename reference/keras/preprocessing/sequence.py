"""Keras's ``keras.preprocessing.sequence``: sequences of different lengths made one array.

A batch of a recurrent network is one array ``(N, T)``; sentences have different
lengths. :func:`pad_sequences` cuts each to ``maxlen`` items and fills the rest with
``value``, as Keras does.
"""

from __future__ import annotations

import numbers

import numpy as np

#: Where :func:`pad_sequences` pads and cuts: ``'pre'`` (the start) or ``'post'`` (the end).
SIDES = ("pre", "post")


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """One array ``(N, maxlen)`` from ``N`` sequences: each cut to ``maxlen`` items and padded with ``value``.

    Parameters
    ----------
    sequences : list of sequences (lists or arrays of numbers; items may themselves be
        arrays of one shape, giving ``(N, maxlen) + item_shape``)
    maxlen : int >= 1 or None — the length of every row; None: the longest sequence's length
    dtype : the result's dtype (Keras's default ``'int32'``)
    padding : ``'pre'`` (pad before the sequence, Keras's default) or ``'post'`` (after)
    truncating : ``'pre'`` (drop the first items of a longer sequence, keep its end) or ``'post'``
    value : the padding value

    Returns
    -------
    ndarray of shape ``(N, maxlen)`` (or with the items' shape after it) and ``dtype``

    Raises
    ------
    ValueError
        For an empty list, a ``maxlen`` below 1, a side not ``'pre'``/``'post'``, items of
        different shapes, or values an integer ``dtype`` would truncate (1.5 in ``'int32'``).

    Examples
    --------
    >>> pad_sequences([[1, 2, 3], [4, 5]], maxlen=2)
    array([[2, 3],
           [4, 5]], dtype=int32)
    >>> pad_sequences([[1], [2, 3]], padding='post')
    array([[1, 0],
           [2, 3]], dtype=int32)

    Concept: batch.minibatch
    """
    where = "pad_sequences"
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__") or not hasattr(sequences, "__iter__"):
        raise ValueError(f"{where}: sequences must be a list of sequences; got {type(sequences).__name__}")
    if len(sequences) == 0:
        raise ValueError(f"{where}: sequences must hold at least one sequence; got an empty list")
    for side, name in ((padding, "padding"), (truncating, "truncating")):
        if side not in SIDES:
            raise ValueError(f"{where}: {name} must be 'pre' or 'post'; got {side!r}")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"{where}: dtype must be a numpy dtype such as 'int32' or 'float32'; got {dtype!r}") from None
    if dt.kind not in "biuf":
        raise ValueError(f"{where}: dtype must be a numeric dtype such as 'int32' or 'float32'; got {dt}")
    arrays = []
    for i, s in enumerate(sequences):
        if isinstance(s, (str, bytes)) or not hasattr(s, "__len__"):
            raise ValueError(f"{where}: sequences[{i}] must be a list or array of numbers; got {type(s).__name__}")
        a = np.asarray(s)
        if len(s) and a.dtype.kind not in "biuf":
            raise ValueError(f"{where}: sequences[{i}] must hold numbers; got dtype {a.dtype}")
        arrays.append(a)
    shapes = {a.shape[1:] for a in arrays if a.shape[0]}
    if len(shapes) > 1:
        raise ValueError(f"{where}: every item must have one shape; got items of shapes "
                         f"{', '.join(str(s) for s in sorted(shapes))}")
    item_shape = shapes.pop() if shapes else ()
    if maxlen is None:
        maxlen = max(a.shape[0] for a in arrays)
        if maxlen == 0:
            raise ValueError(f"{where}: every sequence is empty; give maxlen to pad them")
    elif isinstance(maxlen, (bool, np.bool_)) or not isinstance(maxlen, numbers.Integral) or maxlen < 1:
        raise ValueError(f"{where}: maxlen must be an integer >= 1 or None; got {maxlen!r}")
    maxlen = int(maxlen)
    _exact(where, "value", np.asarray(value), dt)
    out = np.full((len(arrays), maxlen) + item_shape, value, dtype=dt)
    for i, a in enumerate(arrays):
        if a.shape[0] == 0:
            continue
        kept = a[-maxlen:] if truncating == "pre" else a[:maxlen]
        _exact(where, f"sequences[{i}]", kept, dt)
        if padding == "post":
            out[i, :kept.shape[0]] = kept
        else:
            out[i, maxlen - kept.shape[0]:] = kept
    return out


def _exact(where, name, a, dt):
    """Refuse values that ``dt`` cannot hold exactly (a fraction or NaN in an integer dtype)."""
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{where}: {name} must be a number; got {a!r}")
    if dt.kind in "biu" and a.dtype.kind == "f":
        bad = ~np.isfinite(a) | (a != np.round(a))
        if np.any(bad):
            raise ValueError(f"{where}: {name} holds {a[bad].ravel()[0].item()!r}, which dtype {dt} would truncate; "
                             f"pass dtype='float32' for real-valued sequences")
    if dt.kind in "iu" and a.size:
        info = np.iinfo(dt)
        if np.nanmin(a) < info.min or np.nanmax(a) > info.max:
            raise ValueError(f"{where}: {name} holds values outside the range of {dt} ({info.min}..{info.max})")


__all__ = ["pad_sequences", "SIDES"]
