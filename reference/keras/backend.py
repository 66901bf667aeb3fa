"""Keras's ``keras.backend`` (imported as ``K``): the few settings that scripts of the slides' era read.

Keras 1 ran on Theano or TensorFlow and scripts asked the backend how images are
laid out and which float type it computes in. slidespec's answers are fixed:

* :func:`image_dim_ordering` is ``'th'`` (Keras 2: :func:`image_data_format` is
  ``'channels_first'``): an image batch is ``(N, C, H, W)``, channels before rows and
  columns, the layout of the slides' ``(None, 25, 26, 26)``;
* :func:`floatx` is ``'float32'``, the default ``dtype`` of
  :class:`~reference.keras.models.Sequential` (``Sequential(dtype="float64")`` changes
  it for one model);
* :func:`epsilon` is Keras's fuzz factor ``1e-07``.

The setters accept only these values, so that a script which asks for another layout
is told at once rather than silently computing in this one.
"""

from __future__ import annotations

import numpy as np

_IMAGE_DIM_ORDERING = "th"
_IMAGE_DATA_FORMAT = "channels_first"
_FLOATX = "float32"
_EPSILON = 1e-07


def backend():
    """The name of the engine: ``'slidespec'`` (Keras answers ``'theano'`` or ``'tensorflow'``)."""
    return "slidespec"


def image_dim_ordering():
    """Keras 1's image layout: ``'th'`` (channels first, ``(N, C, H, W)``)."""
    return _IMAGE_DIM_ORDERING


def image_data_format():
    """Keras 2's image layout: ``'channels_first'`` (``(N, C, H, W)``)."""
    return _IMAGE_DATA_FORMAT


def floatx():
    """The default float type: ``'float32'``."""
    return _FLOATX


def epsilon():
    """Keras's fuzz factor, ``1e-07`` (the optimizers here take their own ``epsilon=`` argument)."""
    return _EPSILON


def cast_to_floatx(x):
    """``x`` as a NumPy array of :func:`floatx` (a copy)."""
    return np.array(x, dtype=_FLOATX)


def _only(where, name, value, allowed):
    if value != allowed:
        raise ValueError(f"{where}: slidespec supports only {name} {allowed!r}; got {value!r}")


def set_image_dim_ordering(dim_ordering):
    """Keras 1's setter: only ``'th'`` is supported (anything else raises ``ValueError``)."""
    _only("set_image_dim_ordering", "dim_ordering", dim_ordering, _IMAGE_DIM_ORDERING)


def set_image_data_format(data_format):
    """Keras 2's setter: only ``'channels_first'`` is supported."""
    _only("set_image_data_format", "data_format", data_format, _IMAGE_DATA_FORMAT)


def set_floatx(value):
    """Only ``'float32'`` is supported globally; give ``Sequential(dtype="float64")`` for one model."""
    _only("set_floatx", "floatx", value, _FLOATX)


__all__ = ["backend", "image_dim_ordering", "image_data_format", "floatx", "epsilon", "cast_to_floatx",
           "set_image_dim_ordering", "set_image_data_format", "set_floatx"]
