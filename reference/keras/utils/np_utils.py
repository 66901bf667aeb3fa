r"""Keras 1's ``keras.utils.np_utils``: class labels to one-hot rows, and rows to unit length.

``to_categorical`` is the 1-of-N encoding of the slides (003 "1-of-N encoding"; 002
"Example Application": ten outputs, one per digit) in Keras's spelling; the same
encoding with a lexicon of names and an "other" dimension is
:func:`reference.data.onehot`.
"""

from __future__ import annotations

import numbers

import numpy as np


def _labels(where, y):
    """``y`` as an integer array, refusing what Keras would silently truncate (1.5 -> 1) or mis-index (-1)."""
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: y must be an array of integer class labels; got {type(y).__name__} "
                         f"({error})") from None
    if arr.size == 0:
        raise ValueError(f"{where}: y must hold at least one class label; got an empty array of shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            bad = np.flatnonzero(~np.isfinite(arr.ravel()) | (arr.ravel() != np.round(arr.ravel())))[0]
            raise ValueError(f"{where}: y must hold integer class labels; got {arr.ravel()[bad].item()!r} at flat "
                             f"index {bad}")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"{where}: y must be an array of integer class labels; got dtype {arr.dtype}")
    if arr.min() < 0:
        bad = int(np.flatnonzero(arr.ravel() < 0)[0])
        raise ValueError(f"{where}: class labels must be >= 0; got {arr.ravel()[bad]} at flat index {bad}")
    return arr.astype(np.int64)


def to_categorical(y, num_classes=None, dtype="float32", *, nb_classes=None):
    r"""One-hot rows of the class labels ``y``: label :math:`k` becomes :math:`e_k`.

    Concept: data.onehot

    Slides: 003 "Keras" (the digits' labels as 10-dimensional targets); 003 "1-of-N encoding".

    Parameters
    ----------
    y : array-like of int >= 0 — class labels, any shape; a trailing axis of size 1,
        ``(N, 1)``, is dropped as Keras drops it
    num_classes : int >= 1 or None — the number of classes (Keras 2's name); None: ``max(y) + 1``
    dtype : float32 (Keras's default) or float64 — the result's dtype
    nb_classes : Keras 1's name for ``num_classes`` (give one of the two)

    Returns
    -------
    ndarray of shape ``y.shape + (num_classes,)`` (``(N, num_classes)`` for labels ``(N,)``
    or ``(N, 1)``), with a 1 at each label and 0 elsewhere

    Raises
    ------
    ValueError
        For a label that is negative, not an integer, or not below ``num_classes``.

    Examples
    --------
    >>> to_categorical([0, 2, 1], 3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    """
    where = "to_categorical"
    if nb_classes is not None:
        if num_classes is not None:
            raise TypeError(f"{where}: give num_classes (Keras 2) or nb_classes (Keras 1), not both; got "
                            f"num_classes={num_classes!r}, nb_classes={nb_classes!r}")
        num_classes = nb_classes
    arr = _labels(where, y)
    shape = arr.shape[:-1] if arr.ndim > 1 and arr.shape[-1] == 1 else arr.shape
    flat = arr.ravel()
    if num_classes is None:
        num_classes = int(flat.max()) + 1
    elif (isinstance(num_classes, (bool, np.bool_)) or not isinstance(num_classes, numbers.Integral)
          or num_classes < 1):
        raise ValueError(f"{where}: num_classes must be an integer >= 1 or None; got {num_classes!r}")
    num_classes = int(num_classes)
    if flat.max() >= num_classes:
        bad = int(np.flatnonzero(flat >= num_classes)[0])
        raise ValueError(f"{where}: class labels must be in 0..{num_classes - 1} for num_classes={num_classes}; "
                         f"got {flat[bad]} at flat index {bad}")
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"{where}: dtype must be float32 or float64; got {dtype!r}")
    out = np.zeros((flat.size, num_classes), dtype=dt)
    out[np.arange(flat.size), flat] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    r"""``x`` with each slice along ``axis`` divided by its :math:`L^p` norm (a zero slice stays zero).

    Parameters
    ----------
    x : float array
    axis : int — the axis the norm runs along
    order : the norm's order, as :func:`numpy.linalg.norm` takes it (2: Euclidean, 1, ``np.inf``)

    Returns
    -------
    ndarray of ``x``'s shape and float dtype
    """
    where = "normalize"
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiu" or arr.ndim == 0:
        raise ValueError(f"{where}: x must be a real array of at least one axis; got {arr.dtype} of shape {arr.shape}")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral) or not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"{where}: axis must be an integer in [-{arr.ndim}, {arr.ndim - 1}]; got {axis!r}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    try:
        norm = np.atleast_1d(np.linalg.norm(arr, order, axis))
    except ValueError as error:
        raise ValueError(f"{where}: order must be a norm order numpy.linalg.norm takes; got {order!r} ({error})") \
            from None
    norm = np.where(norm == 0, 1, norm)
    return arr / np.expand_dims(norm, axis)


__all__ = ["to_categorical", "normalize"]
