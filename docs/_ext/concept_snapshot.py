"""Refresh ``docs/concepts.csv`` from the project's concept catalogue.

The documentation must build from a plain clone, where the catalogue (``CONCEPTS.md``,
kept beside the lecture transcripts, outside this repository) is not present. So the
docs carry a snapshot of its ID tables: one row per concept ID with its section,
name, slide equation and source. Refresh it whenever the catalogue changes::

    python docs/_ext/concept_snapshot.py PATH/TO/CONCEPTS.md

Only rows whose first cell is a backticked ID (``| `gd.step` | ...``) are kept; the
catalogue's other tables (the lecture files, the slides' printed numbers) are not
ID tables and are skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "concepts.csv"
FIELDS = ("id", "section", "concept", "equation", "source")
_ROW = re.compile(r"^\|\s*`([a-z]+\.[a-z0-9_]+)`\s*\|")


def _cells(line: str) -> list[str]:
    """Split a Markdown table row on unescaped ``|``; ``\\|`` stays a literal bar."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    parts = re.split(r"(?<!\\)\|", body)
    return [p.strip().replace("\\|", "|") for p in parts]


def parse(text: str) -> list[dict]:
    rows, section = [], ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if not _ROW.match(line):
            continue
        cells = _cells(line)
        if len(cells) != 4:
            raise ValueError(f"concept row with {len(cells)} cells, expected 4: {line!r}")
        cid, concept, equation, source = cells
        rows.append({"id": cid.strip("`"), "section": section, "concept": concept,
                     "equation": equation, "source": source})
    ids = [r["id"] for r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate concept IDs in the catalogue: {dupes}")
    return rows


def render(rows: list[dict], source_name: str, digest: str) -> str:
    out = io.StringIO()
    out.write("# Snapshot of the ID tables of the slidespec concept catalogue (CONCEPTS.md,\n")
    out.write("# kept beside the lecture transcripts in seeds/, outside this repository).\n")
    out.write(f"# Catalogue file: {source_name}; sha256 {digest}.\n")
    out.write("# The docs read this file to build the concept cross-table. Do not edit by hand:\n")
    out.write("# refresh with  python docs/_ext/concept_snapshot.py PATH/TO/CONCEPTS.md\n")
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read(path: Path = DEFAULT_OUT) -> list[dict]:
    """Read a snapshot written by :func:`render` (comment lines start with ``#``)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__)
        return 2
    src = Path(argv[1])
    out = Path(argv[2]) if len(argv) == 3 else DEFAULT_OUT
    data = src.read_bytes()
    rows = parse(data.decode("utf-8"))
    out.write_text(render(rows, src.name, hashlib.sha256(data).hexdigest()), encoding="utf-8")
    print(f"wrote {len(rows)} concepts to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
