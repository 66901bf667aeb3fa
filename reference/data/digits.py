r"""Handwritten digits: scikit-learn's bundled 8×8 set, and real MNIST from your own files.

The slides recognise 28×28 MNIST digits (``002``, ``003`` "Example Application",
"Keras": 784 inputs, ink → 1, no ink → 0, ten outputs, the largest is the answer).
MNIST does not ship with slidespec and nothing is ever downloaded, so:

* :func:`load_digits` gives scikit-learn's bundled 1,797 handwritten digits (8×8,
  64 inputs), real data that needs no network, split into training and test sets;
* :func:`load_mnist` reads the four MNIST IDX files from a directory you name, if you
  have them (``train-images-idx3-ubyte`` etc., raw or ``.gz``).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from .. import _check


def _float_dtype(fn, dtype):
    dtype = np.dtype(dtype)
    if dtype not in _check.FLOAT_DTYPES:
        raise ValueError(f"{fn}: dtype must be float32 or float64; got {dtype}")
    return dtype


def load_digits(test_fraction=0.25, seed=0, dtype=np.float64):
    r"""scikit-learn's 8×8 handwritten digits, split into training and test sets.

    Each image becomes a vector of 64 inputs, ink → 1 and no ink → 0 (the pixel's
    darkness 0–16 divided by 16, so grey is in between), with its digit 0–9 as the
    label. The split is stratified: within each digit's images, a
    ``numpy.random.default_rng(seed)`` permutation sends ``round(test_fraction ×
    count)`` of them to the test set, so both sets keep the classes' proportions.
    With the defaults: 1,347 training and 450 test images; the same ``seed`` always
    gives the same split. The data ship inside scikit-learn (nothing is downloaded).

    Concept: data.digits

    Slides: 002 "Example Application" (input: ink → 1, no ink → 0; output: each dimension
    the confidence of a digit); 003 "Example Application", "Keras".

    Parameters
    ----------
    test_fraction : float in (0, 1)
    seed : int — for the split
    dtype : float32 or float64 — of ``x``

    Returns
    -------
    (x_train, y_train), (x_test, y_test) : ``x`` (N, 64) in [0, 1]; ``y`` (N,) int64 digits 0–9

    Raises
    ------
    ImportError
        When scikit-learn is not installed (``pip install -e ".[tutorials]"`` installs it).
    """
    dtype = _float_dtype("load_digits", dtype)
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float)) \
            or not 0 < test_fraction < 1:
        raise ValueError(f"load_digits: test_fraction must be a number in (0, 1); got {test_fraction!r}")
    try:
        from sklearn.datasets import load_digits as _sklearn_digits
    except ImportError as exc:
        raise ImportError("load_digits: needs scikit-learn, which bundles the digits; "
                          "install it with  pip install scikit-learn  "
                          "(or pip install -e \".[tutorials]\")") from exc
    bunch = _sklearn_digits()
    x = (bunch.data / 16.0).astype(dtype)
    y = bunch.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    test = []
    for digit in range(10):
        members = np.flatnonzero(y == digit)
        members = rng.permutation(members)
        test.extend(members[:int(round(test_fraction * members.size))])
    is_test = np.zeros(y.size, dtype=bool)
    is_test[test] = True
    return (x[~is_test], y[~is_test]), (x[is_test], y[is_test])


#: IDX type codes (the third byte of the magic number) and their big-endian dtypes.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    r"""Read one IDX file (the format MNIST ships in), raw or gzip-compressed.

    The format: two zero bytes, a type code, the number of dimensions, then each
    dimension as a big-endian 32-bit integer, then the values. A gzip file is
    recognised by its content, whatever its name.

    Concept: data.digits

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    ndarray — shape as the header says (e.g. (60000, 28, 28) uint8 images or (60000,) labels)

    Raises
    ------
    ValueError
        For a file that is not IDX (bad magic number) or is shorter than its header says.
    FileNotFoundError
        For a missing file.
    """
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as exc:
        raise ValueError(f"read_idx: {path} is not a readable gzip file ({exc})") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES or data[3] == 0:
        raise ValueError(f"read_idx: {path} is not an IDX file: its magic number is "
                         f"{data[:4].hex() or 'missing'} (expected 0000 + a type code + dimensions)")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"read_idx: {path} is truncated: its header needs {header} bytes; got {len(data)}")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    item = np.dtype(_IDX_TYPES[data[2]])
    need = header + int(np.prod(shape)) * item.itemsize
    if len(data) != need:
        what = "truncated" if len(data) < need else "longer than its header says"
        raise ValueError(f"read_idx: {path} is {what}: shape {shape} of {item.name} needs "
                         f"{need} bytes; got {len(data)}")
    return np.frombuffer(data, dtype=item, offset=header).reshape(shape).astype(item.newbyteorder("="))


_MNIST_FILES = {"train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
                "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte"}


def _find(directory: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"load_mnist: {directory} has no {stem} (nor {stem}.gz); MNIST does not "
                            f"ship with slidespec and is never downloaded: put the four IDX files there")


def load_mnist(directory, dtype=np.float32, flatten=True):
    r"""Real MNIST from the four IDX files in ``directory`` (raw or ``.gz``); nothing downloads.

    Expects ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each may end in ``.gz``).
    Pixels become ink in [0, 1] (value / 255); with ``flatten`` each 28×28 image is the
    slides' vector of 784 inputs.

    Concept: data.digits

    Slides: 003 "Keras" (``x_train`` of 784 inputs), "Example Application".

    Parameters
    ----------
    directory : str or path-like
    dtype : float32 or float64 — of the images
    flatten : bool — (N, 784) rather than (N, 28, 28)

    Returns
    -------
    (x_train, y_train), (x_test, y_test) — ``y`` int64 digits 0–9
    """
    dtype = _float_dtype("load_mnist", dtype)
    directory = Path(os.fspath(directory))
    if not directory.is_dir():
        raise FileNotFoundError(f"load_mnist: {directory} is not a directory")
    arrays = {key: read_idx(_find(directory, stem)) for key, stem in _MNIST_FILES.items()}
    out = []
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
            raise ValueError(f"load_mnist: the {split} files disagree: images {images.shape}, "
                             f"labels {labels.shape} (expected (N, rows, cols) and (N,))")
        x = images.astype(dtype) / dtype.type(255)
        if flatten:
            x = x.reshape(x.shape[0], -1)
        out.append((x, labels.astype(np.int64)))
    return tuple(out)
