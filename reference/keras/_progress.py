"""Keras-style progress output of :meth:`reference.keras.models.Sequential.fit` (written to ``sys.stdout``).

``verbose=0`` prints nothing; ``verbose=2`` one line per epoch; ``verbose=1`` the same
lines and, when the output is a terminal, a progress bar over the epochs below them
(redrawn in place with ``\\r``, so logs and captured output get the lines only).
"""

from __future__ import annotations

import sys
import time

_BAR_WIDTH = 30


def format_value(value: float) -> str:
    """Keras's number format: 4 decimals, or 4 significant digits in e-notation below 1e-3."""
    value = float(value)
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.4e}"
    return f"{value:.4f}"


def format_logs(logs: dict) -> str:
    return " - ".join(f"{key}: {format_value(value)}" for key, value in logs.items())


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """One Keras-style line per epoch, and a bar over the epochs on a terminal (``verbose=1``)."""

    def __init__(self, verbose: int, epochs: int, stream=None):
        self.verbose = verbose
        self.epochs = epochs
        self.stream = sys.stdout if stream is None else stream
        self.bar = verbose == 1 and _isatty(self.stream)
        self.started = time.perf_counter()
        self._drawn = 0

    def _write(self, text):
        self.stream.write(text)
        self.stream.flush()

    def _clear(self):
        if self._drawn:
            self._write("\r" + " " * self._drawn + "\r")
            self._drawn = 0

    def _draw(self, done):
        filled = _BAR_WIDTH * done // self.epochs
        arrow = ">" if filled < _BAR_WIDTH else ""
        elapsed = time.perf_counter() - self.started
        eta = elapsed / done * (self.epochs - done) if done else 0.0
        text = (f"[{'=' * filled}{arrow}{'.' * (_BAR_WIDTH - filled - len(arrow))}] "
                f"{done}/{self.epochs} epochs - ETA {eta:.0f}s")
        self._write("\r" + text)
        self._drawn = len(text)

    def begin(self):
        if self.bar:
            self._draw(0)

    def epoch(self, epoch: int, seconds: float, logs: dict):
        """Report epoch ``epoch`` (1-based), which took ``seconds``, with its ``logs``."""
        if self.verbose == 0:
            return
        self._clear()
        self._write(f"Epoch {epoch}/{self.epochs} - {seconds:.1f}s - {format_logs(logs)}\n")
        if self.bar and epoch < self.epochs:
            self._draw(epoch)

    def end(self):
        if self.bar:
            self._clear()
