"""Keras's ``keras.utils``: :func:`to_categorical` and :func:`normalize` (also at Keras 1's ``utils.np_utils``)."""

from . import np_utils
from .np_utils import normalize, to_categorical

__all__ = ["np_utils", "to_categorical", "normalize"]
