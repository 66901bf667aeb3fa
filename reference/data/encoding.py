r"""Turning labels and words into vectors: 1-of-N encoding and word hashing.

``003`` ("1-of-N encoding", "Beyond 1-of-N encoding") represents each word of a
lexicon by a vector as long as the lexicon, with a single 1; a classifier's targets
are the same vectors over its classes (the digit 3 is ``[0 0 0 1 0 0 0 0 0 0]``).
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _check

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _float_dtype(fn, dtype):
    dtype = np.dtype(dtype)
    if dtype not in _check.FLOAT_DTYPES:
        raise ValueError(f"{fn}: dtype must be float32 or float64; got {dtype}")
    return dtype


def onehot(labels, classes, other=False, dtype=np.float64):
    r"""1-of-N encoding: one row per label, a 1 in the label's dimension and 0 elsewhere.

    .. math::

        \text{apple} = [1\ 0\ 0\ 0\ 0],\quad \text{bag} = [0\ 1\ 0\ 0\ 0],\ \dots

    ``classes`` is either the number of classes (the labels are the integers
    ``0 .. classes-1``, as for digits) or the lexicon itself, a sequence of names
    (the labels are names, as for words). With ``other=True`` a last dimension is
    added for "other": every label not among the classes goes there, as the slide
    "Beyond 1-of-N encoding" does for words outside the lexicon. Without it, an
    unknown label is an error, never silently dropped.

    Concept: data.onehot

    Slides: 003 "1-of-N encoding", "Beyond 1-of-N encoding" (dimension for "other");
    002 and 003 "Example Application" (ten outputs, one per digit).

    Parameters
    ----------
    labels : sequence or 1-D array of int (when ``classes`` is an int) or of names
    classes : int >= 1, or a sequence of distinct names (the lexicon)
    other : bool — add the "other" dimension
    dtype : float32 or float64

    Returns
    -------
    ndarray (N, C) or (N, C + 1) with ``other``, of ``dtype``

    Examples
    --------
    >>> onehot(["cat", "dog", "zebra"], ["apple", "bag", "cat", "dog", "elephant"], other=True)
    array([[0., 0., 1., 0., 0., 0.],
           [0., 0., 0., 1., 0., 0.],
           [0., 0., 0., 0., 0., 1.]])
    """
    dtype = _float_dtype("onehot", dtype)
    if isinstance(labels, str):
        raise ValueError(f"onehot: labels must be a sequence of labels; got the single string {labels!r}")
    labels = list(np.asarray(labels).ravel()) if isinstance(labels, np.ndarray) else list(labels)
    if not labels:
        raise ValueError("onehot: labels must not be empty; got 0 labels")
    if isinstance(classes, numbers.Integral) and not isinstance(classes, (bool, np.bool_)):
        n = _check.count("onehot", "classes", classes)
        index = {}
        for i, label in enumerate(labels):
            if isinstance(label, (bool, np.bool_)) or not isinstance(label, numbers.Integral):
                raise ValueError(f"onehot: labels must be integer classes 0..{n - 1} when classes is "
                                 f"an int; got {label!r} at position {i}")
        codes = [int(label) if 0 <= label < n else -1 for label in labels]
    else:
        if isinstance(classes, str) or not hasattr(classes, "__iter__"):
            raise ValueError(f"onehot: classes must be an int or a sequence of names; got {classes!r}")
        names = list(classes)
        if not names:
            raise ValueError("onehot: classes must name at least one class; got an empty sequence")
        index = {name: i for i, name in enumerate(names)}
        if len(index) != len(names):
            raise ValueError("onehot: classes must be distinct; got a repeated name")
        n = len(names)
        codes = [index.get(label, -1) for label in labels]
    unknown = [i for i, c in enumerate(codes) if c < 0]
    if unknown and not other:
        i = unknown[0]
        valid = f"0..{n - 1}" if not index else f"one of the {n} classes"
        raise ValueError(f"onehot: labels must be {valid} (or pass other=True); got {labels[i]!r} "
                         f"at position {i} ({len(unknown)} unknown in all)")
    out = np.zeros((len(labels), n + (1 if other else 0)), dtype=dtype)
    for row, c in enumerate(codes):
        out[row, c if c >= 0 else n] = 1
    return out


def word_hashing(words, dtype=np.float64):
    r"""Word hashing: a word as the counts of its letter trigrams, a vector of 26×26×26.

    "apple" has the trigrams *app*, *ppl*, *ple*, so its vector has a 1 in those three
    of the :math:`26^3 = 17{,}576` dimensions. Unlike 1-of-N, a word never seen
    before still gets a useful vector. Only the letters a–z count (case is ignored);
    other characters split the word.

    Concept: data.onehot

    Slides: 003 "Beyond 1-of-N encoding" (word hashing, 26 × 26 × 26).

    Parameters
    ----------
    words : sequence of str
    dtype : float32 or float64

    Returns
    -------
    ndarray (N, 17576) — entry ``(n, 676 i + 26 j + k)`` counts the trigram of letters i, j, k in word n
    """
    dtype = _float_dtype("word_hashing", dtype)
    if isinstance(words, str):
        raise ValueError(f"word_hashing: words must be a sequence of words; got the single string {words!r}")
    words = list(words)
    if not words:
        raise ValueError("word_hashing: words must not be empty; got 0 words")
    out = np.zeros((len(words), 26 ** 3), dtype=dtype)
    for n, word in enumerate(words):
        if not isinstance(word, str):
            raise ValueError(f"word_hashing: words must be strings; got {word!r} at position {n}")
        for part in "".join(c if c in _LETTERS else " " for c in word.lower()).split():
            for t in range(len(part) - 2):
                i, j, k = (_LETTERS.index(c) for c in part[t:t + 3])
                out[n, 676 * i + 26 * j + k] += 1
    return out
