"""Check that the built docs render their math in a real browser with no network.

    python docs/_ext/check_math_offline.py docs/_build/html [PAGE.html ...]

Opens each page (default: every page with math, at most the first 12) in headless
Chromium with every host name unresolvable and every request sent to a closed proxy
port, lets its scripts run, and reads the DOM that the browser ends with. A page
passes when each of its math nodes (Sphinx writes ``<span class="math">\\(…\\)</span>``
and ``<div class="math">\\[…\\]</div>``) now holds MathJax's output (an
``mjx-container``), no node is a MathJax error (``mjx-merror``), and no raw TeX
delimiter is left in a math node. Exits 0 when every page passes, 1 otherwise, 2 when
no Chromium is found (``apt-get install chromium``; or name the binary in
``$CHROMIUM``).

The same functions serve ``spec_tests/test_docs_math_offline.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

#: Chromium flags that cut it off from any network: no host name resolves (localhost
#: aside, which nothing here uses) and anything that still tries goes to a closed port.
OFFLINE_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
                 "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
_RAW_TEX = ("\\(", "\\)", "\\[", "\\]", "$$")


def find_chromium():
    """The Chromium (or Chrome) binary: ``$CHROMIUM``, else the first found on ``PATH``; or None."""
    names = [os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else []
    names += ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def rendered_dom(page, chromium=None, budget_ms=20_000, timeout_s=120):
    """The DOM of ``page`` (a path to an HTML file) after its scripts ran, offline, as a string."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("check_math_offline: no Chromium found (install chromium or set $CHROMIUM)")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", *OFFLINE_FLAGS,
               f"--virtual-time-budget={budget_ms}", "--dump-dom", Path(page).resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if done.returncode != 0 or "<html" not in done.stdout:
        raise RuntimeError(f"check_math_offline: Chromium failed on {page} (exit {done.returncode}):\n"
                           f"{done.stderr[-2000:]}")
    return done.stdout


@dataclass
class MathReport:
    """What one page's DOM holds: its math nodes and how many MathJax rendered."""

    nodes: int = 0                      # elements with class "math"
    rendered: int = 0                   # of those, the ones holding an mjx-container
    errors: int = 0                     # mjx-merror elements
    raw: list = field(default_factory=list)   # text left with a TeX delimiter inside a math node

    @property
    def ok(self):
        return self.nodes > 0 and self.rendered == self.nodes and not self.errors and not self.raw


class _MathScanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.report = MathReport()
        self._stack = []                # per open element: is it a math node (or inside one)?
        self._seen = []                 # per open math node: has it an mjx-container yet?
        self._style = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        inside = bool(self._stack) and self._stack[-1][1]
        is_math = "math" in classes and tag in ("span", "div") and not inside
        if tag == "mjx-container" and self._seen:
            self._seen[-1] = True
        if tag == "mjx-merror":
            self.report.errors += 1
        if tag in ("style", "script"):
            self._style += 1
        if is_math:
            self.report.nodes += 1
            self._seen.append(False)
        self._stack.append((tag, inside or is_math, is_math))

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, _, was_math = self._stack.pop()
            if open_tag in ("style", "script"):
                self._style -= 1
            if was_math:
                self.report.rendered += self._seen.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        # MathJax keeps the source out of the visible text; a delimiter in a math node's own
        # text means that node was never typeset.
        if self._style or not self._stack or not self._stack[-1][1] or self._stack[-1][0].startswith("mjx"):
            return
        if any(d in data for d in _RAW_TEX):
            self.report.raw.append(data.strip()[:80])


def scan(dom):
    """A :class:`MathReport` of a rendered DOM (a string of HTML)."""
    scanner = _MathScanner()
    scanner.feed(dom)
    scanner.close()
    return scanner.report


def pages_with_math(html_dir, limit=12):
    """The built pages whose source HTML has a math node, in name order (at most ``limit``)."""
    found = []
    for page in sorted(Path(html_dir).rglob("*.html")):
        if "_static" in page.parts or "_modules" in page.parts:
            continue
        if 'class="math' in page.read_text(encoding="utf-8", errors="replace"):
            found.append(page)
    return found[:limit]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
        return 2
    html_dir = Path(argv[0])
    pages = [html_dir / p for p in argv[1:]] or pages_with_math(html_dir)
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found: apt-get install chromium, or set $CHROMIUM", file=sys.stderr)
        return 2
    if not pages:
        print(f"no page with math under {html_dir}", file=sys.stderr)
        return 1
    failed = 0
    for page in pages:
        r = scan(rendered_dom(page, chromium))
        failed += not r.ok
        print(f"{'ok  ' if r.ok else 'FAIL'} {page}: {r.rendered}/{r.nodes} math nodes rendered, "
              f"{r.errors} MathJax errors" + (f", raw TeX left: {r.raw[:3]}" if r.raw else ""))
    print(f"{len(pages) - failed}/{len(pages)} pages render their math offline")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
