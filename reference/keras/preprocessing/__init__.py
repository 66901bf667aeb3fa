"""Keras's ``keras.preprocessing``: :mod:`.sequence` (``pad_sequences``) and :mod:`.text` (``Tokenizer``, ...)."""

from . import sequence, text

__all__ = ["sequence", "text"]
