"""Keras 1's module path for the losses (``keras.objectives``): the same objects as :mod:`reference.keras.losses`.

Keras 1 scripts write ``from keras.objectives import categorical_crossentropy``; here each
name is the registered :class:`~reference.keras.losses.Loss`, which ``compile(loss=...)`` accepts
as it accepts its name.
"""

from . import losses as _losses
from .losses import get

mean_squared_error = mse = _losses.get("mse")
mean_absolute_error = mae = _losses.get("mae")
categorical_crossentropy = _losses.get("categorical_crossentropy")
sparse_categorical_crossentropy = _losses.get("sparse_categorical_crossentropy")
binary_crossentropy = _losses.get("binary_crossentropy")

__all__ = ["mean_squared_error", "mse", "mean_absolute_error", "mae", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "binary_crossentropy", "get"]
