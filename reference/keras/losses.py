r"""The losses of :meth:`Sequential.compile <reference.keras.models.Sequential.compile>`: an open registry.

A loss is an object with a name, the output activation it fuses with (if any), and one
call ``loss(B, out, t)`` that returns the batch's mean loss and its gradient with
respect to ``out``, from the backend's fused, stable primitives:

=====================================  ==================  =====================================================
name (and aliases)                     fuses with          primitive
=====================================  ==================  =====================================================
``'mse'`` (``mean_squared_error``)     —                   :func:`~reference.losses.mse`
``'mae'`` (``mean_absolute_error``)    —                   :func:`~reference.losses.mae`
``'categorical_crossentropy'``         ``softmax``         :func:`~reference.losses.softmax_cross_entropy` on the
                                                           scores (:func:`~reference.losses.cross_entropy` on a
                                                           sigmoid's probabilities)
``'sparse_categorical_crossentropy'``  ``softmax``         the same (integer labels are one-hot encoded first)
``'binary_crossentropy'``              ``sigmoid``         :func:`~reference.losses.sigmoid_cross_entropy` on the
                                                           scores
=====================================  ==================  =====================================================

When the model ends in the activation a loss fuses with, the model's last layer hands
the loss its scores (``forward(..., logits=True)``) instead of its probabilities, and
the loss it reports (in ``fit``'s history and in ``evaluate``) is computed from those
scores: finite and exact however confident the model is. ``binary_crossentropy`` is the
mean over every output of every example (Keras's), in the stable softplus form.

A new loss is one :class:`Loss` subclass instance given to :func:`register`;
``compile(loss=...)`` then accepts its name, and ``load_model`` finds it.
"""

from __future__ import annotations

#: Every loss by name (aliases included): what ``compile(loss=...)`` accepts.
_REGISTRY: dict[str, "Loss"] = {}


class Loss:
    """A loss of the model layer: its name, the activation it fuses with, its call on a backend.

    Attributes
    ----------
    name : str — the name ``compile`` accepts
    aliases : tuple of str — other names for it (Keras's long names)
    fuses : str or None — the output activation whose scores the loss takes (``"softmax"``, ``"sigmoid"``)
    needs : tuple of str or None — the output activations the loss requires (None: any)
    categorical : bool — whether integer class labels are one-hot encoded for it
    accuracy : ``"categorical"`` (the argmax's hit rate; one output: the side of 0.5) or ``"binary"``
        (every output on its own: the side of 0.5, averaged)
    fast : str or None — the loss's name for ``mlp_epoch`` (the fused fast path), if it has one
    """

    name = ""
    aliases: tuple = ()
    fuses = None
    needs = None
    categorical = True
    accuracy = "categorical"
    fast = None

    def __call__(self, B, out, t, logits):
        """``(L, dL/dout)`` for the batch: ``out`` are scores when ``logits`` (the fused case)."""
        raise NotImplementedError

    def check(self, output):
        """An error message when the model's outputs (its last activation ``output``) do not fit; else None."""
        if self.needs is not None and output not in self.needs:
            want = " or ".join(repr(n) for n in self.needs)
            end = " (or ".join(f"Activation({n!r})" for n in self.needs) + ")" * (len(self.needs) - 1)
            return (f"loss {self.name!r} needs {want} outputs: end the model with {end}; its last layer "
                    f"gives {output!r} outputs")
        return None

    def fast_loss(self, output):
        """The ``mlp_epoch`` loss for a model ending in ``output``, or None (the generic path)."""
        return self.fast

    def __repr__(self):
        return f"<loss {self.name!r}>"


class _Pointwise(Loss):
    categorical = True

    def __call__(self, B, out, t, logits):
        return getattr(B, self.name)(out, t)

    def fast_loss(self, output):
        return self.name


class MeanSquaredError(_Pointwise):
    """The mean square error :math:`\\frac{1}{NK}\\sum (y - \\hat y)^2` (:func:`~reference.losses.mse`). Concept: loss.mse"""

    name = "mse"
    aliases = ("mean_squared_error",)


class MeanAbsoluteError(_Pointwise):
    """The mean absolute error (:func:`~reference.losses.mae`). Concept: loss.mae"""

    name = "mae"
    aliases = ("mean_absolute_error",)


class CategoricalCrossentropy(Loss):
    r"""Cross entropy :math:`-\frac{1}{N}\sum_n \sum_i \hat y_i \ln y_i` against one-hot (or soft) targets.

    Fused with a softmax output (:func:`~reference.losses.softmax_cross_entropy` on the
    scores); on a sigmoid output it is :func:`~reference.losses.cross_entropy` on the
    probabilities. Concept: loss.cross_entropy
    """

    name = "categorical_crossentropy"
    fuses = "softmax"
    needs = ("softmax", "sigmoid")

    def check(self, output):
        if output not in self.needs:
            return (f"loss {self.name!r} needs probabilities as outputs: end the model with "
                    f"Activation('softmax') (or 'sigmoid'); its last layer gives {output!r} outputs")
        return None

    def __call__(self, B, out, t, logits):
        if logits:
            return B.softmax_cross_entropy(out, t)
        return B.cross_entropy(out, t)

    def fast_loss(self, output):
        return "cross_entropy" if output == "softmax" else None


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross entropy on integer class labels (one-hot encoded first). Concept: loss.cross_entropy"""

    name = "sparse_categorical_crossentropy"


class BinaryCrossentropy(Loss):
    r"""Binary cross entropy of a sigmoid output, fused with it in the stable softplus form.

    .. math::

        L = \frac{1}{NK}\sum_{n,k} \max(z, 0) - z\,\hat y + \ln(1 + e^{-|z|})

    (:func:`~reference.losses.sigmoid_cross_entropy` on the scores :math:`z`): every output
    is a yes/no answer with target 0 or 1 (or a probability). The model must end in a
    sigmoid. Accuracy is per output, the side of 0.5 (Keras's ``binary_accuracy``).

    Concept: loss.cross_entropy, act.sigmoid
    """

    name = "binary_crossentropy"
    fuses = "sigmoid"
    needs = ("sigmoid",)
    categorical = False
    accuracy = "binary"

    def __call__(self, B, out, t, logits):
        if not logits:                                   # never: check() insists on a sigmoid output
            raise ValueError("binary_crossentropy: the loss takes the sigmoid's scores")
        return B.sigmoid_cross_entropy(out, t)


def register(loss):
    """Add ``loss`` (a :class:`Loss` instance) under its name and aliases.

    Raises
    ------
    TypeError
        If ``loss`` is not a :class:`Loss` instance.
    ValueError
        If one of its names is taken.

    Concept: loss.mse, loss.mae, loss.cross_entropy
    """
    if not isinstance(loss, Loss):
        raise TypeError(f"losses.register: loss must be a Loss instance; got {type(loss).__name__}")
    names = (loss.name,) + tuple(loss.aliases)
    for name in names:
        if not isinstance(name, str) or not name:
            raise ValueError(f"losses.register: a loss's names must be non-empty strings; got {name!r}")
        if name in _REGISTRY:
            raise ValueError(f"losses.register: the name {name!r} is taken by {_REGISTRY[name]!r}")
    for name in names:
        _REGISTRY[name] = loss
    return loss


for _loss in (MeanSquaredError(), MeanAbsoluteError(), CategoricalCrossentropy(), SparseCategoricalCrossentropy(),
              BinaryCrossentropy()):
    register(_loss)


def names():
    """The losses' own names (no aliases), in the order they were registered.

    Concept: loss.mse, loss.mae, loss.cross_entropy
    """
    seen = []
    for loss in _REGISTRY.values():
        if loss.name not in seen:
            seen.append(loss.name)
    return tuple(seen)


def all_names():
    """Every name ``compile`` accepts, aliases included.

    Concept: loss.mse, loss.mae, loss.cross_entropy
    """
    return tuple(_REGISTRY)


def get(identifier, where="Sequential.compile"):
    """The loss called ``identifier`` (a name or alias), or ``identifier`` itself if it is a :class:`Loss`.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones).

    Concept: loss.mse, loss.mae, loss.cross_entropy
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str) and identifier in _REGISTRY:
        return _REGISTRY[identifier]
    valid = ", ".join(repr(n) for n in all_names())
    raise ValueError(f"{where}: loss must be one of {valid}; got {identifier!r}")


__all__ = ["Loss", "MeanSquaredError", "MeanAbsoluteError", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy", "BinaryCrossentropy", "register", "get", "names", "all_names"]
