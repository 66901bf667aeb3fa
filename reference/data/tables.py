"""The tables the slides print, read from the CSV files beside this module."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .. import _check

HERE = Path(__file__).resolve().parent


def _read_csv(name):
    with open(HERE / name, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rows


def load_views(year=2021):
    """The daily channel statistics printed on the lecture-1 slides.

    Concept: data.views


    Slides: 000 "The function we want to find" (2021),
    "Function with Unknown Parameters" (2020).

    Parameters
    ----------
    year : {2021, 2020}
        2021: the 16 days 2021-01-26 … 2021-02-10, columns ``date``, ``likes``,
        ``subscribers``, ``views``.
        2020: the 14 days 2020-01-01 … 2020-01-14, columns ``date``,
        ``videos_added``, ``likes``, ``subscribers_gained``, ``impressions``,
        ``views``, ``watch_hours``, ``avg_view_duration`` (in seconds). The
        transcript garbled this table's headers; the names here are inferred and
        checked: ``views × avg_view_duration`` matches ``watch_hours`` within 0.3% in every row
        (the printed duration is rounded to the second, which explains most of it).

    Returns
    -------
    dict of str → ndarray
        ``date`` as ``datetime64[D]``, the counts as float64.
    """
    if year not in (2020, 2021):
        raise ValueError(f"load_views: year must be 2020 or 2021; got {year!r}")
    rows = _read_csv(f"views_{year}.csv")
    table = {"date": np.array([r["date"] for r in rows], dtype="datetime64[D]")}
    for name in rows[0]:
        if name == "date":
            continue
        if name == "avg_view_duration":
            minutes_seconds = [r[name].split(":") for r in rows]
            table[name] = np.array([60.0 * int(m) + int(s) for m, s in minutes_seconds])
        else:
            table[name] = np.array([float(r[name]) for r in rows])
    return table


GAIT_MISSING = ("nan", "drop", "mean")


def load_gait(missing="nan"):
    """The 23-row gait and balance table of lecture 001 "Notations".

    Columns: ``no``, ``age``, ``t1`` … ``t6``, ``time``, ``step_frequency``,
    ``n1`` … ``n6``, ``px``, ``py``, ``pz``, ``steps``, ``gender`` (``"F"``/``"M"``),
    ``tug`` (the timed-up-and-go test, seconds), ``y1``, ``bbs`` (the Berg balance
    score), ``y2``. In every row ``y1 = 1`` exactly when ``tug >= 14`` and
    ``y2 = 1`` exactly when ``bbs <= 22``: the two labels are thresholds of the two
    clinical scores, which makes the table a small regression set (predict ``tug`` or
    ``bbs``) and a small classification set (predict ``y1`` or ``y2``).

    Two rows are garbled in the transcript, and their ``px`` is missing here:
    row 6 has one cell fewer (``py`` and ``pz`` are clearly the two values after
    ``n6``, so ``px`` is the lost one) and row 7 has the slide's annotation
    ``x_i^n`` printed over its ``px`` cell. Row 8's ``pz`` is +4.594 where every
    other row is negative; the transcript may have lost a minus sign, but nothing
    here guesses: it is kept as printed.

    Concept: data.gait


    Slides: 001 "Notations", "ML tasks".

    Parameters
    ----------
    missing : {"nan", "drop", "mean"}
        What to do with the two missing ``px`` cells: leave NaN, drop rows 6 and 7,
        or fill with the mean of the other 21 rows.

    Returns
    -------
    dict of str → ndarray
        ``gender`` as a str array, every other column as float64.
    """
    _check.choice("load_gait", "missing", missing, GAIT_MISSING)
    rows = _read_csv("gait.csv")
    table = {}
    for name in rows[0]:
        if name == "gender":
            table[name] = np.array([r[name] for r in rows])
        else:
            table[name] = np.array([float(r[name]) if r[name] != "" else np.nan for r in rows])
    lost = np.isnan(table["px"])
    if missing == "drop":
        table = {k: v[~lost] for k, v in table.items()}
    elif missing == "mean":
        table["px"] = np.where(lost, np.nanmean(table["px"]), table["px"])
    return table
