"""The tutorials' one verdict (tutorials._common.judge / verdict) and the lecture names.

Every tutorial judges a slide's claim with the same test: this run's margin against this
run's noise, and a --quick run is a smoke test whatever its numbers. The noises are
checked by simulation: two accuracies of the same true rate differ by more than
``accuracy_noise`` in about 5 % of draws (two standard errors).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")          # the tutorials extra

from tutorials import TUTORIALS, _common as c  # noqa: E402

TUTORIALS_DIR = Path(c.__file__).resolve().parent


class _Ctx:
    """The part of tutorials._common.Run that verdict() uses."""

    def __init__(self, quick=False):
        self.quick = quick
        self.verdicts, self.notes = [], []

    def note(self, text):
        self.notes.append(text)


NOISE = c.Noise(0.05, "a test noise")


def test_judge_ranks_reproduced_not_and_too_close():
    slide = {"a": 0.11, "b": 0.84}
    assert c.judge(slide, {"a": 0.2, "b": 0.9}, NOISE) == (c.REPRODUCED, pytest.approx(0.7))
    assert c.judge(slide, {"a": 0.9, "b": 0.2}, NOISE)[0] == c.NOT_REPRODUCED
    assert c.judge(slide, {"a": 0.50, "b": 0.53}, NOISE) == (c.TOO_CLOSE, pytest.approx(0.03))
    # The winner must lead by MORE than the noise: a lead equal to it is too close to call.
    assert c.judge(slide, {"a": 0.25, "b": 0.75}, c.Noise(0.5, "x"))[0] == c.TOO_CLOSE


def test_judge_lower_is_better_and_three_settings():
    slide = {"1": 24.2, "5": 17.2, "7": 17.1}
    assert c.judge(slide, {"1": 12.0, "5": 9.0, "7": 5.0}, NOISE, higher_is_better=False)[0] == c.REPRODUCED
    # This run's winner leads the runner-up (not the loser) by the margin.
    outcome, margin = c.judge(slide, {"1": 12.0, "5": 9.0, "7": 8.0}, NOISE, higher_is_better=False)
    assert outcome == c.REPRODUCED and margin == pytest.approx(1.0)
    assert c.judge(slide, {"1": 5.0, "5": 9.0, "7": 8.0}, NOISE, higher_is_better=False)[0] == c.NOT_REPRODUCED


def test_judge_value_kind_is_within_the_noise_or_not():
    assert c.judge({"y": 0.51, "z": 0.85}, {"y": 0.514, "z": 0.846}, c.Noise(0.005, "rounding"),
                   kind="value") == (c.REPRODUCED, pytest.approx(0.004))
    assert c.judge({"y": 0.51}, {"y": 0.52}, c.Noise(0.005, "rounding"), kind="value")[0] == c.NOT_REPRODUCED


def test_judge_winner_without_numbers_and_infinities_rank():
    this = {"SGD": np.inf, "Adam": 120.0}                  # SGD never reached the goal
    assert c.judge(None, this, c.exact_noise("none"), higher_is_better=False, winner="Adam")[0] == c.REPRODUCED
    assert c.judge(None, this, c.exact_noise("none"), higher_is_better=False, winner="SGD")[0] == c.NOT_REPRODUCED
    tie = {"SGD": 50.0, "Adam": 50.0}
    assert c.judge(None, tie, c.exact_noise("none"), higher_is_better=False, winner="Adam")[0] == c.TOO_CLOSE
    both = {"SGD": np.inf, "Adam": np.inf}
    assert c.judge(None, both, c.exact_noise("none"), higher_is_better=False, winner="Adam")[0] == c.TOO_CLOSE


def test_judge_nan_is_not_reproduced():
    assert c.judge({"a": 1, "b": 2}, {"a": np.nan, "b": 2.0}, NOISE)[0] == c.NOT_REPRODUCED


@pytest.mark.parametrize("call, error", [
    (lambda: c.judge({"a": 1, "b": 2}, {"a": 1, "c": 2}, NOISE), "same settings"),
    (lambda: c.judge({"a": 1, "b": 2}, {"a": 1, "b": 2}, 0.05), "noise must be a Noise"),
    (lambda: c.judge({"a": 1}, {"a": 1}, NOISE), "two or more"),
    (lambda: c.judge({"a": 1, "b": 2}, {"a": 1, "b": 2}, NOISE, kind="best"), "kind must be"),
    (lambda: c.judge(None, {"a": 1, "b": 2}, NOISE, winner="z"), "winner"),
    (lambda: c.judge({"a": 1, "b": 2}, {"a": 1, "b": 2}, NOISE, winner="a"), "not both"),
    (lambda: c.Noise(-0.1, "x"), ">= 0"),
    (lambda: c.Noise(float("nan"), "x"), ">= 0"),
    (lambda: c.accuracy_noise([0.5], 100), "two or more"),
    (lambda: c.seed_noise([1.0], [1.0, 2.0]), "two or more seeds"),
    (lambda: c.paired_noise([1.0, 2.0], [1.0, 2.0, 3.0]), "same length"),
    (lambda: c.lecture("005"), "unknown lecture"),
])
def test_bad_input_is_a_clear_error(call, error):
    with pytest.raises((ValueError, TypeError), match=error):
        call()


def test_verdict_on_a_quick_run_is_a_smoke_test_whatever_the_numbers():
    ctx = _Ctx(quick=True)
    v = c.verdict(ctx, c.slide("003-II", "Mini-batch is Better!"), "mini-batches win",
                  {"mini-batch": 0.84, "no batch": 0.12}, {"mini-batch": 0.296, "no batch": 0.0867}, NOISE)
    assert v.outcome == c.SMOKE_TEST and v.reproduced is None
    assert "smoke test" in v.sentence and "not a verdict" in v.sentence
    assert "reproduced" not in v.sentence
    assert ctx.verdicts == [v] and ctx.notes == [v.sentence]


def test_verdict_on_a_full_run_says_the_outcome_margin_and_noise():
    ctx = _Ctx()
    v = c.verdict(ctx, c.slide("003-II", "Mini-batch is Better!"), "mini-batches win",
                  {"mini-batch": 0.84, "no batch": 0.12}, {"mini-batch": 0.9, "no batch": 0.3}, NOISE)
    assert v.outcome == c.REPRODUCED and v.reproduced is True
    assert v.sentence.startswith('Deep Learning Tutorial, lecture II, "Mini-batch is Better!"')
    assert "margin 0.6" in v.sentence and "noise of 0.05" in v.sentence and "a test noise" in v.sentence
    close = c.verdict(ctx, "x", "y", {"a": 1, "b": 2}, {"a": 0.5, "b": 0.52}, NOISE)
    assert close.outcome == c.TOO_CLOSE and close.reproduced is None
    assert len(ctx.verdicts) == 2


def test_accuracy_noise_is_two_standard_errors_by_simulation():
    """Two accuracies of the same true rate, each on n examples, differ by more than the
    noise in about 4.6 % of draws (a normal tail beyond two standard deviations)."""
    rng = np.random.default_rng(9)
    n, p, draws = 450, 0.9, 20_000
    a, b = rng.binomial(n, p, draws) / n, rng.binomial(n, p, draws) / n
    noise = c.accuracy_noise([p, p], n).value
    share = np.mean(np.abs(a - b) > noise)
    # 20,000 draws: the share's own standard error is about 0.0015; the binomial's
    # discreteness moves the exact tail by up to about a percentage point.
    assert 0.03 < share < 0.065, share


def test_seed_noise_by_simulation_and_its_invariances():
    rng = np.random.default_rng(10)
    k, draws = 5, 20_000
    a, b = rng.normal(0, 1.0, (draws, k)), rng.normal(0, 1.0, (draws, k))
    noises = np.array([c.seed_noise(x, y).value for x, y in zip(a[:2000], b[:2000])])
    beyond = np.abs(a[:2000].mean(1) - b[:2000].mean(1)) > noises
    # With the sample standard deviation of 5 seeds, the tail is a t tail (8 degrees of
    # freedom, about 8 %), wider than the normal's 4.6 %.
    assert 0.05 < beyond.mean() < 0.12, beyond.mean()
    x, y = a[0], b[0]
    assert c.seed_noise(3 * x + 7, 3 * y - 2).value == pytest.approx(3 * c.seed_noise(x, y).value)


def test_paired_noise_is_zero_for_identical_losses_and_shift_invariant():
    rng = np.random.default_rng(11)
    a = rng.exponential(1.0, 365)
    assert c.paired_noise(a, a).value == 0.0
    b = a + rng.normal(0, 0.1, 365)
    assert c.paired_noise(a + 5, b + 5).value == pytest.approx(c.paired_noise(a, b).value)
    assert c.paired_noise(a, b).value == pytest.approx(2 * np.std(a - b, ddof=1) / np.sqrt(365))


def test_combined_and_scaled_noise():
    a, b = c.Noise(3.0, "a"), c.Noise(4.0, "b")
    assert c.combined_noise(a, b).value == pytest.approx(5.0)
    assert c.Noise(0.01, "x").scaled(100, "points").value == pytest.approx(1.0)


def test_key_table_has_a_row_per_verdict_and_says_failed_or_none():
    ctx = _Ctx()
    c.verdict(ctx, "slide A", "claim A", {"a": 1, "b": 2}, {"a": 1.0, "b": 3.0}, NOISE)
    c.verdict(ctx, "slide B", "claim B", {"a": 1, "b": 2}, {"a": 3.0, "b": 1.0}, NOISE)

    class R:
        def __init__(self, name, verdicts, error=None):
            self.name, self.verdicts, self.error = name, verdicts, error

    table = c.verdict_table_markdown([R("one", ctx.verdicts), R("two", []), R("three", [], "Traceback")])
    lines = table.splitlines()
    assert lines[0].startswith("| tutorial | slide | claim | the slide's numbers | this run's | noise | verdict |")
    assert len(lines) == 2 + 2 + 1 + 1
    assert "claim A" in lines[2] and lines[2].endswith("| reproduced |")
    assert "claim B" in lines[3] and lines[3].endswith("| **NOT reproduced** |")
    assert "two" in lines[4] and lines[4].endswith("| — |")
    assert "three" in lines[5] and "**failed**" in lines[5]


def test_slide_names_the_lecture_and_titles():
    assert c.slide("000") == "ML 2021 lecture 1"
    assert c.slide("003-I", "Keras") == 'Deep Learning Tutorial, lecture I, "Keras"'
    assert c.slide("004", "a", "b") == '2025 lecture, "a" / "b"'
    for key, lec in c.LECTURES.items():
        assert lec.transcript.startswith(key[:3] + "_") and lec.name and lec.title


def _code_strings(path):
    """Every string constant of a module outside docstrings (f-strings' literal parts too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_output_names_lectures_not_file_numbers(name):
    """What a tutorial prints (tables, notes, figures) cites lectures through slide():
    no string outside the docstrings starts a citation with a transcript's number."""
    cited = re.compile(r'(^|[\s(;/—])00[0-4](?:\'s)?(?:[ :]+"|\)|,\s*\d{3}\b)')
    bad = [s for s in _code_strings(TUTORIALS_DIR / f"{name}.py") if cited.search(s)]
    assert not bad, bad


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_judges_claims_only_through_verdict(name):
    """No tutorial words its own verdict: "reproduced" is said by tutorials._common.verdict."""
    source = (TUTORIALS_DIR / f"{name}.py").read_text(encoding="utf-8")
    strings = _code_strings(TUTORIALS_DIR / f"{name}.py")
    assert not [s for s in strings if re.search(r"\breproduced\b", s)], name
    assert "shape_verdict" not in source


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_never_rebinds_slide(name):
    """``slide`` is the citation function imported from _common; a local of that name
    (a loop variable holding the slide's number) would break every citation after it."""
    tree = ast.parse((TUTORIALS_DIR / f"{name}.py").read_text(encoding="utf-8"))
    bound = [n.lineno for n in ast.walk(tree)
             if (isinstance(n, ast.Name) and n.id == "slide" and isinstance(n.ctx, ast.Store))
             or (isinstance(n, ast.arg) and n.arg == "slide")]
    assert not bound, f"tutorials/{name}.py binds 'slide' at lines {bound}"
