r"""Optimizers of :meth:`reference.keras.Sequential.compile`: plain SGD.

An optimizer names the update rule and its settings; the update itself is the
backend's primitive ``sgd_update(param, grad, state, eta)`` (or, for whole epochs
of a plain dense network, the fused ``mlp_epoch``).
"""

from __future__ import annotations

import math
import numbers

#: The optimizer names ``compile(optimizer=...)`` accepts as a string.
OPTIMIZER_NAMES = ("sgd",)


class SGD:
    r"""Plain (mini-batch) stochastic gradient descent.

    .. math::

        w \leftarrow w - \eta\, \partial L / \partial w

    ``SGD(lr=0.1)`` is the slide's (Keras 1) spelling; ``SGD(learning_rate=0.1)`` is
    Keras 2's. The default :math:`\eta` is Keras's 0.01.

    Concept: optim.sgd, gd.step


    Slides: 003 "Keras" (Step 3.1: Configuration, ``optimizer=SGD(lr=0.1)``).

    Parameters
    ----------
    learning_rate : float > 0 — :math:`\eta`
    lr : float > 0 — the same, Keras 1's name (give one of the two)
    """

    name = "sgd"

    def __init__(self, learning_rate=None, *, lr=None):
        if learning_rate is not None and lr is not None:
            raise TypeError(f"SGD: give learning_rate (Keras 2) or lr (Keras 1), not both; got "
                            f"learning_rate={learning_rate!r}, lr={lr!r}")
        value = 0.01 if learning_rate is None and lr is None else (lr if lr is not None else learning_rate)
        arg = "lr" if lr is not None else "learning_rate"
        if (isinstance(value, bool) or not isinstance(value, numbers.Real)
                or not math.isfinite(float(value)) or value <= 0):
            raise ValueError(f"SGD: {arg} must be a positive number; got {value!r}")
        self.learning_rate = float(value)

    @property
    def lr(self):
        """Keras 1's name for :attr:`learning_rate`."""
        return self.learning_rate

    def get_config(self):
        return {"name": self.name, "learning_rate": self.learning_rate}

    def __repr__(self):
        return f"SGD(learning_rate={self.learning_rate!r})"


def _get(value, where="Sequential.compile"):
    """An optimizer from ``compile``'s argument: an optimizer object or one of :data:`OPTIMIZER_NAMES`."""
    if isinstance(value, SGD):
        return value
    if isinstance(value, str):
        if value.lower() in OPTIMIZER_NAMES:
            return SGD()
        valid = ", ".join(repr(o) for o in OPTIMIZER_NAMES)
        raise ValueError(f"{where}: optimizer must be an optimizer such as SGD(lr=0.1) or one of {valid}; "
                         f"got {value!r}")
    raise TypeError(f"{where}: optimizer must be an optimizer such as SGD(lr=0.1) or one of "
                    f"{', '.join(repr(o) for o in OPTIMIZER_NAMES)}; got {type(value).__name__}")


def _from_config(config):
    """The optimizer :meth:`SGD.get_config` described."""
    if not isinstance(config, dict) or config.get("name") not in OPTIMIZER_NAMES:
        raise ValueError(f"unknown optimizer config {config!r}")
    return SGD(learning_rate=config["learning_rate"])


__all__ = ["SGD", "OPTIMIZER_NAMES"]
