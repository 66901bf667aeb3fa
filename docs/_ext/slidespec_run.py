"""Sphinx extension: run a short example when the pages are built, and show what it printed.

A page that shows what a call prints (a model summary, a history, the exact error message
a user gets) should not copy that output by hand: it would drift from the code. The
``run-example`` directive runs its code when the page is built and shows the code and its
output (stdout, and the exception message for an expected error)::

    ```{run-example}
    :raises: ValueError
    from reference.keras import Dense
    Dense(0)
    ```

Options:

``:raises: ValueError``
  The code is expected to end by raising this exception (a class name); the output
  shows ``ValueError: <message>``. Raising nothing, or something else, is a build warning.
``:fresh:``
  Start from an empty namespace. Otherwise the examples of one page share a namespace,
  in page order, like the cells of a notebook.
``:hide-code:``
  Show the output only.

Any other exception is a build warning (an error under ``-W``), so an example that stops
working fails the build instead of showing a stale answer. The code runs with the project
root on ``sys.path``, inside a temporary working directory (files it writes are removed),
with ``SLIDESPEC_BACKEND`` unset unless the code sets it (the environment is restored
afterwards), and with NumPy printing 4 decimals; paths inside the project are shown
relative to its root. Keep examples small: they run on every build.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import traceback
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from slidespec_docs import _record

logger = logging.getLogger(__name__)


def _block(text: str, language: str, classes=()) -> nodes.literal_block:
    block = nodes.literal_block(text, text, language=language)
    block["classes"].extend(classes)
    return block


class RunExample(SphinxDirective):
    has_content = True
    option_spec = {
        "raises": directives.unchanged_required,
        "fresh": directives.flag,
        "hide-code": directives.flag,
    }

    def run(self):
        import numpy as np

        code = "\n".join(self.content)
        _record(self.env, self.env.docname, "uses", None)   # re-run on every build, as the spec pages
        store = self.env.temp_data.setdefault("slidespec_run_ns", {})
        if "fresh" in self.options or "ns" not in store:
            store["ns"] = {"__name__": "__docs_example__"}
        ns = store["ns"]
        expected = self.options.get("raises")
        out = io.StringIO()
        saved_env = dict(os.environ)
        saved_cwd = os.getcwd()
        saved_print = np.get_printoptions()
        error = None
        try:
            os.environ.pop("SLIDESPEC_BACKEND", None)
            np.set_printoptions(precision=4, suppress=True, legacy=False)
            with tempfile.TemporaryDirectory(prefix="slidespec-docs-") as tmp:
                os.chdir(tmp)
                try:
                    with contextlib.redirect_stdout(out):
                        exec(compile(code, f"<{self.env.docname} example, line {self.lineno}>", "exec"), ns)
                except Exception as exc:  # noqa: BLE001 - shown on the page or reported
                    error = exc
                finally:
                    os.chdir(saved_cwd)
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            np.set_printoptions(**saved_print)
        text = out.getvalue().rstrip()
        loc = self.get_location()
        root = str(Path(self.env.app.confdir).resolve().parent) + os.sep
        if error is not None:
            line = f"{type(error).__name__}: {error}"
            if expected and type(error).__name__ == expected:
                text = (text + "\n" if text else "") + line
            else:
                tb = "".join(traceback.format_exception(error)).rstrip()
                logger.warning(f"slidespec: run-example raised {line}\n{tb}", location=loc,
                               type="slidespec", subtype="example")
                text = (text + "\n" if text else "") + line
        elif expected:
            logger.warning(f"slidespec: run-example was expected to raise {expected} and did not",
                           location=loc, type="slidespec", subtype="example")
        text = text.replace(root, "")          # paths inside the project, relative to its root
        result = []
        if "hide-code" not in self.options:
            result.append(_block(code, "python", ["slidespec-example"]))
        caption = "What it printed when these pages were built:" if text else "It printed nothing."
        result.append(nodes.paragraph(caption, caption, classes=["slidespec-note"]))
        if text:
            result.append(_block(text, "text", ["slidespec-output"]))
        return result


def setup(app):
    app.add_directive("run-example", RunExample)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
