"""The tutorials' --help: plain text (no reST markup) and one honest statement of --quick's time."""

from __future__ import annotations

import importlib
import re

import pytest

pytest.importorskip("matplotlib")          # the tutorials extra

from tutorials import TUTORIALS, _common as c  # noqa: E402
from tutorials import __main__ as tour  # noqa: E402

#: reST that a terminal would print raw: roles, double backticks, literal-block colons.
RST = re.compile(r":(func|mod|class|math|meth|attr|data|obj|ref|doc):`|``|::\s*$|\*\*\w", re.MULTILINE)


def _help(main, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_plain_text_strips_roles_literals_and_math_markup():
    doc = ("Reruns :func:`fit` of :mod:`reference.keras` (``Dense(n)``), :math:`y = \\frac{1}{N}\\sum_n e_n`,\n"
           "**real** data and *synthetic* ones; 2 * 3 stays::\n\n    code\n")
    text = c.plain_text(doc)
    assert text == ("Reruns fit of reference.keras (Dense(n)), y = frac{1}{N}sum_n e_n,\n"
                    "real data and synthetic ones; 2 * 3 stays:\n\n    code\n")


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_help_is_plain_text(name, capsys):
    module = importlib.import_module(f"tutorials.{name}")
    text = _help(module.main, capsys)
    assert not RST.findall(text), RST.findall(text)
    assert text.startswith(f"usage: python -m tutorials.{name}")
    first = (module.__doc__ or "").strip().splitlines()[0]
    assert c.plain_text(first) in text                      # the description is there, in words
    assert "ML 2021 lecture 1" in text                      # the lectures' names, for the numbers


def test_tour_help_states_the_quick_time_once(capsys):
    text = _help(tour.main, capsys)
    assert not RST.findall(text)
    assert "finishes in seconds" not in text
    # Every statement of a duration next to --quick: exactly one, in the "how long" section.
    quick_times = [line for line in text.splitlines()
                   if "--quick" in line and re.search(r"\d+\s*(s\b|seconds?|minutes?)", line)]
    assert len(quick_times) == 1, quick_times
    assert "about 1 minute" in quick_times[0]
