"""The README's code blocks run on their own and print what the README says they print.

Every ```` ```python ```` block of ``README.md`` is run by itself in a fresh Python
process, from the repository root, with ``SLIDESPEC_BACKEND=reference`` (a block that
wants another backend names it in its code). Right after the block come a line
``Output:`` and a ```` ```text ```` block (blank lines between are allowed), which the
block's standard output must equal line by line (trailing spaces aside). The blocks
are seeded, so they print the same numbers on every run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

_BLOCK = re.compile(r"^```python\n(?P<code>.*?)^```\n(?P<after>.*?)(?=^```python\n|\Z)", re.S | re.M)
_OUTPUT = re.compile(r"\A\s*Output:\s*\n+```(?:text)?\n(?P<out>.*?)^```\n", re.S | re.M)


def readme_blocks(text):
    """``[(line, code, expected_output or None)]`` for every python block of ``text``."""
    blocks = []
    for m in _BLOCK.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        out = _OUTPUT.match(m.group("after"))
        blocks.append((line, m.group("code"), out.group("out") if out else None))
    return blocks


def _lines(text):
    return [line.rstrip() for line in text.strip("\n").splitlines()]


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def test_readme_has_python_blocks_each_with_its_output():
    assert len(BLOCKS) >= 3
    missing = [line for line, _, out in BLOCKS if out is None]
    assert not missing, f"README.md: the python blocks at lines {missing} have no 'Output:' block after them"


def test_readme_blocks_parse_as_the_test_reads_them():
    text = "intro\n```python\nprint(1)\n```\n\nOutput:\n\n```\n1\n```\n\nprose\n```python\nx = 2\n```\nmore\n"
    assert readme_blocks(text) == [(2, "print(1)\n", "1\n"), (13, "x = 2\n", None)]


@pytest.mark.parametrize("line, code, expected", BLOCKS, ids=[f"README.md:{b[0]}" for b in BLOCKS])
def test_readme_block_prints_what_the_readme_says(line, code, expected, tmp_path):
    env = dict(os.environ, SLIDESPEC_BACKEND="reference", PYTHONPATH=str(ROOT) + os.pathsep
               + os.environ.get("PYTHONPATH", ""), PYTHONHASHSEED="0")
    script = tmp_path / "block.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"README.md:{line}: the block failed on its own:\n{done.stderr}"
    assert expected is not None, f"README.md:{line}: no 'Output:' block follows this block"
    assert _lines(done.stdout) == _lines(expected), (
        f"README.md:{line}: the block printed\n{done.stdout}\nbut the README says\n{expected}")
