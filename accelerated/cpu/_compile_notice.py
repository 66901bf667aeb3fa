"""One line on stderr when the cpu backend starts compiling: the first run's silence explained.

The cpu kernels compile on their first call and are cached on disk afterwards; in a
fresh environment the first ``fit`` can spend most of a minute compiling before its
first epoch. :func:`install` registers a listener for Numba's ``"numba:compile"``
event, which Numba raises only when it compiles (a function loaded from the on-disk
cache raises none), and the listener prints :data:`MESSAGE` the first time a function
of this package (a module under ``accelerated.cpu``) starts compiling, once per
process. With the environment variable ``SLIDESPEC_QUIET=1`` it prints nothing.
"""

from __future__ import annotations

import os
import sys

from numba.core import event

#: What is printed, once per process.
MESSAGE = "slidespec: compiling the cpu kernels, once; cached afterwards"

#: The package whose compilations are announced.
PACKAGE = "accelerated.cpu"


def _ours(ev):
    """Whether the event is the compilation of one of this package's functions."""
    dispatcher = (ev.data or {}).get("dispatcher")
    module = getattr(getattr(dispatcher, "py_func", None), "__module__", None) or ""
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def _quiet():
    """Whether ``SLIDESPEC_QUIET`` asks for silence (set, and not ``0``)."""
    return os.environ.get("SLIDESPEC_QUIET", "") not in ("", "0")


class _Notice(event.Listener):
    """Prints :data:`MESSAGE` to stderr at the first compilation of this package's code."""

    def __init__(self):
        self.said = False

    def on_start(self, ev):
        if self.said or _quiet() or not _ours(ev):
            return
        self.said = True
        print(MESSAGE, file=sys.stderr, flush=True)

    def on_end(self, ev):
        pass


_LISTENER = None


def install():
    """Register the listener (once; a second call does nothing)."""
    global _LISTENER
    if _LISTENER is None:
        _LISTENER = _Notice()
        event.register("numba:compile", _LISTENER)
    return _LISTENER
