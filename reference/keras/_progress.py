"""Keras-style progress output of :meth:`reference.keras.models.Sequential.fit` (written to ``sys.stdout``).

``verbose=0`` prints nothing; ``verbose=2`` one line per epoch; ``verbose=1`` first
Keras's ``Train on N samples, validate on M samples``, then the same lines and, when the
output is a terminal, a progress bar over the epochs below them (redrawn in place with
``\\r``, so logs and captured output get the lines only).

Where an epoch is slow to come (the cuda backend on the simulator), ``verbose`` 1 and 2
also print a line every tenth or so of the epoch's mini-batches: the samples done, the
time, and the running mean of the batch losses.
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

    def __init__(self, verbose: int, epochs: int, stream=None, samples=None, validation=None, batches=False):
        self.verbose = verbose
        self.epochs = epochs
        self.stream = sys.stdout if stream is None else stream
        self.bar = verbose == 1 and _isatty(self.stream)
        self.started = time.perf_counter()
        self.samples = samples
        self.validation = validation
        self.batches = bool(batches) and verbose > 0
        self._batch_size = None
        self._epoch_started = self.started
        self._last_reported = 0
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

    def begin(self, batch_size=None):
        """Start the run: Keras's ``Train on N samples[, validate on M samples]`` (``verbose=1``)."""
        self._batch_size = batch_size
        if self.verbose == 1 and self.samples is not None:
            line = f"Train on {self.samples} samples"
            if self.validation is not None:
                line += f", validate on {self.validation} samples"
            self._write(line + "\n")
        if self.bar:
            self._draw(0)
        self._epoch_started = time.perf_counter()

    def batches_done(self, done: int, losses):
        """Report that ``done`` mini-batches of the epoch are through (their ``losses`` so far): a line per
        tenth of the epoch or so, when :attr:`batches` is on."""
        if not self.batches or self.samples is None or self._batch_size is None:
            return
        steps = -(-self.samples // self._batch_size)
        if done < steps and done - self._last_reported < max(1, -(-steps // 10)):
            return
        self._last_reported = done
        seen = min(done * self._batch_size, self.samples)
        mean = sum(losses[:done]) / max(1, len(losses[:done]))
        self._clear()
        self._write(f"  {seen}/{self.samples} samples - {time.perf_counter() - self._epoch_started:.1f}s - "
                    f"loss: {format_value(mean)}\n")

    def epoch(self, epoch: int, seconds: float, logs: dict):
        """Report epoch ``epoch`` (1-based), which took ``seconds``, with its ``logs``."""
        self._last_reported = 0
        if self.verbose == 0:
            return
        self._clear()
        self._write(f"Epoch {epoch}/{self.epochs} - {seconds:.1f}s - {format_logs(logs)}\n")
        if self.bar and epoch < self.epochs:
            self._draw(epoch)
        self._epoch_started = time.perf_counter()

    def end(self):
        if self.bar:
            self._clear()
