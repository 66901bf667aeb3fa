"""What every tutorial shares: the command line, tables, figures, progress and the report.

A tutorial is a module with a docstring (which slides it reruns, on which data) and a
function ``run(ctx)`` that does the experiment. ``ctx`` is a :class:`Run`: it holds the
backend, the seed, the output folder and whether the sizes are ``--quick``, and it
collects what the run produces — tables that put the slide's number beside this run's,
figures, and notes — so that the same run can be printed, written as a Markdown page,
and gathered into the tour's report.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import accelerated

DEFAULT_SEED = 0
DEFAULT_OUT = Path("tour")

try:  # the "tutorials" extra installs tqdm; without it, progress is plain lines
    from tqdm.auto import tqdm as _tqdm
except ImportError:  # pragma: no cover - depends on the installation
    _tqdm = None


def pyplot():
    """``matplotlib.pyplot`` on the non-interactive Agg backend (figures go to PNG files)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def label_points(ax, points, fontsize=7):
    """Label points ``(x, y, text)`` on ``ax`` so that no label overlaps another label or a point.

    Each label tries, in turn, above its point, below, right, left, and further out; it takes
    the first place whose box overlaps no label placed so far and no point's marker (in
    display coordinates, so it holds for log axes too). Call after the data are drawn and
    the axes' limits are set.
    """
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    marks = [ax.transData.transform((x, y)) for x, y, _ in points]
    r = 4.0 * fig.dpi / 72                                   # a marker's half size, in pixels
    boxes = [(mx - r, my - r, mx + r, my + r) for mx, my in marks]
    offsets = [(0, 6, "center", "bottom"), (0, -6, "center", "top"), (6, 0, "left", "center"),
               (-6, 0, "right", "center"), (0, 16, "center", "bottom"), (0, -16, "center", "top"),
               (12, 10, "left", "bottom"), (-12, -10, "right", "top")]

    def overlaps(b):
        return any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in boxes)

    for x, y, text in points:
        for dx, dy, ha, va in offsets:
            t = ax.annotate(text, (x, y), textcoords="offset points", xytext=(dx, dy), ha=ha, va=va,
                            fontsize=fontsize)
            e = t.get_window_extent(renderer)
            box = (e.x0 - 1, e.y0 - 1, e.x1 + 1, e.y1 + 1)
            if not overlaps(box) or (dx, dy) == offsets[-1][:2]:
                boxes.append(box)
                break
            t.remove()


# ---------------------------------------------------------------------------------------
# tables


def fmt(value, digits=3):
    """A number as a table cell: ``None`` → an em dash, floats to ``digits`` significant digits."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-3):
        return f"{value:.{digits - 1}e}"
    if abs(value) >= 10 ** digits:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def k(value, digits=2):
    """Views as the slides write them: 480 → ``0.48k``."""
    if value is None:
        return "—"
    return f"{value / 1000:.{digits}f}k"


@dataclass
class Table:
    """A small table: a title, column names, rows of cells (already strings) and a note."""

    title: str
    columns: list
    rows: list
    note: str | None = None

    def text(self):
        cells = [list(map(str, self.columns))] + [list(map(str, r)) for r in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        line = lambda row: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                     for i, (c, w) in enumerate(zip(row, widths)))
        out = [self.title, line(cells[0]), "  ".join("-" * w for w in widths)]
        out += [line(r) for r in cells[1:]]
        if self.note:
            out.append(_wrap(self.note, "  "))
        return "\n".join(out)

    def markdown(self):
        esc = lambda c: str(c).replace("|", "\\|")  # noqa: E731
        out = [f"**{self.title}**", "",
               "| " + " | ".join(esc(c) for c in self.columns) + " |",
               "|" + "|".join(["---"] + ["---:"] * (len(self.columns) - 1)) + "|"]
        out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in self.rows]
        if self.note:
            out += ["", f"*{self.note}*"]
        return "\n".join(out)


def _wrap(text, indent="", width=96):
    import textwrap

    return "\n".join(textwrap.fill(p, width, initial_indent=indent, subsequent_indent=indent)
                     for p in text.split("\n"))


# ---------------------------------------------------------------------------------------
# one run of one tutorial


@dataclass
class Figure:
    path: Path
    caption: str


@dataclass
class Run:
    """One tutorial run: its settings, and what it produced.

    Attributes
    ----------
    name : str — the tutorial (``views``, ``piecewise`` …)
    backend : accelerated.Backend — call the primitives through it: ``ctx.backend.closed_form(...)``
    quick : bool — small sizes (a smoke test)
    out : pathlib.Path — where figures go (created)
    seed : int — every ``numpy.random.Generator`` of the run is made from it
    """

    name: str
    backend: accelerated.Backend
    quick: bool
    out: Path
    seed: int
    echo: bool = True
    tables: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    verdicts: list = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def B(self):
        """The backend namespace (short name, as in the docs: ``B.linear_forward``)."""
        return self.backend

    def log(self, message):
        """One progress line (a step finished, an epoch's loss), to stderr."""
        if not self.echo:
            return
        if _tqdm is not None:
            _tqdm.write(f"[{self.name}] {message}", file=sys.stderr)
        else:
            print(f"[{self.name}] {message}", file=sys.stderr, flush=True)

    def progress(self, iterable, desc, total=None):
        """A progress bar over ``iterable`` (tqdm when installed; otherwise nothing extra)."""
        if _tqdm is None or not self.echo:
            return iterable
        return _tqdm(iterable, desc=f"[{self.name}] {desc}", total=total, leave=False,
                     file=sys.stderr, dynamic_ncols=True)

    def table(self, title, columns, rows, note=None):
        """Record and print a table; cells may be numbers (formatted with :func:`fmt`) or strings."""
        t = Table(title, list(columns), [[fmt(c) for c in r] for r in rows], note)
        self.tables.append(t)
        if self.echo:
            print("\n" + t.text(), flush=True)
        return t

    def note(self, text):
        """A sentence for the report (and the terminal) that explains how to read the results."""
        self.notes.append(text)
        if self.echo:
            print("\n" + _wrap(text), flush=True)

    def figure(self, fig, filename, caption):
        """Save a matplotlib figure as PNG in the output folder and record its caption."""
        path = self.out / filename
        fig.savefig(path, dpi=110, bbox_inches="tight")
        pyplot().close(fig)
        self.figures.append(Figure(path, caption))
        self.log(f"figure: {path}")
        return path

    @property
    def simulated(self):
        """True on the cuda backend under Numba's CUDA simulator (every GPU thread is a Python thread)."""
        return slow_simulator(self.backend)

    def sized(self, full, quick, sim=None):
        """The size for this run: ``full``; ``quick`` under ``--quick``; ``sim`` (when given) on
        the CUDA simulator, whose every launch runs its threads one by one in Python, so that
        even the ``--quick`` sizes would take hours there."""
        if sim is not None and self.simulated:
            return sim
        return quick if self.quick else full


# ---------------------------------------------------------------------------------------
# the machine, for the report


def machine(backend_name=None):
    """A few facts about where the run happened."""
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu cores": str(os.cpu_count()),
        "numpy": np.__version__,
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if info.get("cpu") is None and platform.processor():
        info["cpu"] = platform.processor()
    try:
        import numba

        info["numba"] = numba.__version__
    except ImportError:
        pass
    if backend_name == "cuda":
        if accelerated.cuda_simulated():
            info["gpu"] = "none: Numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1)"
        else:
            try:
                from numba import cuda

                name = cuda.get_current_device().name
                info["gpu"] = name.decode() if isinstance(name, bytes) else str(name)
            except Exception as exc:  # report, do not fail, on an odd driver
                info["gpu"] = f"unknown ({exc})"
    return info


# ---------------------------------------------------------------------------------------
# Markdown


def section_markdown(run, relative_to):
    """The Markdown of one tutorial's results; figure links relative to ``relative_to``."""
    status = "**failed**" if run.error else "ok"
    if run.simulated:
        status += " (CUDA simulator: tiny smoke-test sizes)"
    out = [f"## `{run.name}`", "",
           f"`python -m tutorials.{run.name} --backend {run.backend.name}"
           f"{' --quick' if run.quick else ''} --seed {run.seed}` — {status}, "
           f"{run.seconds:.1f} s", ""]
    if run.error:
        out += ["```", run.error.rstrip(), "```", ""]
    for t in run.tables:
        out += [t.markdown(), ""]
    for n in run.notes:
        out += [n, ""]
    for f in run.figures:
        rel = os.path.relpath(f.path, relative_to).replace(os.sep, "/")
        out += [f"![{f.caption}]({rel})", "", f"*{f.caption}*", ""]
    return "\n".join(out)


def header_markdown(title, backend_name, seed, quick, seconds, extra=None, level=1):
    info = machine(backend_name)
    out = [f"{'#' * level} {title}", "",
           "| | |", "|---|---|",
           f"| backend | `{backend_name}` |",
           f"| seed | {seed} |",
           f"| sizes | {'quick (smoke test)' if quick else 'full'} |",
           f"| total time | {seconds:.1f} s |",
           f"| date (UTC) | {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} |"]
    out += [f"| {key} | {value} |" for key, value in info.items()]
    if extra:
        out += [f"| {key} | {value} |" for key, value in extra.items()]
    return "\n".join(out + [""])


# ---------------------------------------------------------------------------------------
# running


def resolve_backend(name):
    """The backend for ``--backend NAME`` (``None``: ``$SLIDESPEC_BACKEND``, else reference)."""
    return accelerated.backend(name)


def slow_simulator(backend):
    """True when the cuda backend runs on Numba's CUDA simulator (only ``--quick`` sizes are sensible)."""
    return backend.name == "cuda" and accelerated.cuda_simulated()


def tutorial_name(module):
    """``views`` for ``tutorials.views``, also when it runs as ``python -m tutorials.views``."""
    spec = getattr(module, "__spec__", None)
    return (spec.name if spec is not None else module.__name__).rsplit(".", 1)[-1]


def execute(module, backend, quick, out, seed, echo=True):
    """Run one tutorial module; never raises: a failure is recorded in ``Run.error``."""
    name = tutorial_name(module)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    run = Run(name=name, backend=backend, quick=quick, out=out, seed=seed, echo=echo)
    start = time.perf_counter()
    try:
        module.run(run)
    except Exception:  # the tour goes on with the next tutorial, and reports this one
        run.error = traceback.format_exc()
        print(f"\n[{name}] FAILED:\n{run.error}", file=sys.stderr, flush=True)
    run.seconds = time.perf_counter() - start
    return run


def base_parser(prog, description, default_out):
    parser = argparse.ArgumentParser(prog=prog, description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=accelerated.BACKENDS, default=None,
                        help="which backend computes: reference (readable NumPy), cpu (Numba), "
                             "cuda (numba-cuda; NUMBA_ENABLE_CUDASIM=1 runs it on the simulator, "
                             "use --quick there). Default: $SLIDESPEC_BACKEND, else reference.")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes: a smoke test that the code runs (its numbers judge nothing)")
    parser.add_argument("--out", type=Path, default=default_out,
                        help=f"folder for the figures and the Markdown report (default: {default_out})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed of every numpy.random.Generator in the run (default: {DEFAULT_SEED})")
    return parser


def prepare(args):
    """Resolve the backend and the sizes from parsed arguments; exits with a message on a bad backend."""
    try:
        backend = resolve_backend(args.backend)
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if slow_simulator(backend):
        print("note: the cuda backend is running on Numba's CUDA simulator, which runs every GPU "
              "thread in Python: the tutorials use tiny smoke-test sizes there (their tables say "
              "which), and their numbers mean nothing about the lectures.", file=sys.stderr)
        args.quick = True
    return backend


def plain_text(doc):
    """A reST/numpydoc docstring as plain text for a terminal's ``--help``.

    Roles lose their markup (``:func:`fit``` → ``fit``, ``:math:`y = b + w x_1``` →
    ``y = b + w x_1``), double backticks and ``**bold**`` lose theirs, a ``\\`` in math
    becomes one backslash's worth of nothing (``\\frac`` → ``frac``), and a trailing ``::``
    becomes ``:``. The words and the layout stay.
    """
    import re

    text = re.sub(r":[a-z]+(?::[a-z]+)?:`~?([^`]+)`", r"\1", doc)        # roles
    text = re.sub(r"``([^`]+)``", r"\1", text)                          # literals
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)                      # bold
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", text)  # emphasis
    text = re.sub(r"\\(?=[A-Za-z])", "", text)                          # \frac, \sum → frac, sum
    text = text.replace("::\n", ":\n")
    return text


def tutorial_main(module, argv=None):
    """The command line of one tutorial: ``python -m tutorials.<name> [--backend …] …``."""
    name = tutorial_name(module)
    doc = plain_text((module.__doc__ or "").strip())
    parser = base_parser(f"python -m tutorials.{name}", doc, DEFAULT_OUT / name)
    parser.epilog = ("the lectures, by the numbers above: "
                     + "; ".join(f"{key[:3]}{' ' + key[4:] if len(key) > 3 else ''} = {lec.name}"
                                 for key, lec in LECTURES.items()))
    args = parser.parse_args(argv)
    backend = prepare(args)
    print(f"tutorial {name}: backend {backend.name}, seed {args.seed}, "
          f"{'quick' if args.quick else 'full'} sizes, figures to {args.out}/", flush=True)
    run = execute(module, backend, args.quick, args.out, args.seed)
    report = Path(args.out) / "README.md"
    text = header_markdown("The run", backend.name, args.seed, args.quick, run.seconds, level=2)
    report.write_text(f"# slidespec tutorial `{name}`\n\n" + verdict_table_markdown([run]) + "\n\n" + text
                      + "\n" + section_markdown(run, args.out), encoding="utf-8")
    print(f"\n{name}: {'FAILED' if run.error else 'done'} in {run.seconds:.1f} s; report: {report}")
    return 1 if run.error else 0


# ---------------------------------------------------------------------------------------
# the lectures, by name


@dataclass(frozen=True)
class Lecture:
    """One lecture of the series: how the tutorials name it, and its transcript.

    Attributes
    ----------
    name : str — what a reader calls it: ``"Deep Learning Tutorial, lecture II"``
    title : str — the lecture's own title (its first slide or outline entry)
    transcript : str — its file in the transcripts (``seeds/``), for a reader who has them
    """

    name: str
    title: str
    transcript: str


#: Every lecture the tutorials cite, by key: the transcript's number, and for the Deep
#: Learning Tutorial (one transcript, four lectures) the lecture's Roman numeral. The one
#: place a lecture is named: tables, notes, figures and the tour's report go through
#: :func:`slide`.
LECTURES = {
    "000": Lecture("ML 2021 lecture 1", "Introduction of Machine / Deep Learning (predicting a channel's views)",
                   "000_c996cdc71568085c.txt"),
    "001": Lecture("MLP course, unit 1", "ML tasks, MLP regression, tips for training (its Colab notebooks "
                   "\"1. 1. Understand MLP\" …)", "001_2b35647283c26347.txt"),
    "002": Lecture("ML course, \"Deep Learning Introduction\"", "Deep Learning Introduction",
                   "002_157e8ca680afe733.txt"),
    "003-I": Lecture("Deep Learning Tutorial, lecture I", "Introduction of Deep Learning",
                     "003_ec86197519796290.txt"),
    "003-II": Lecture("Deep Learning Tutorial, lecture II", "Tips for Training Deep Neural Network",
                      "003_ec86197519796290.txt"),
    "003-III": Lecture("Deep Learning Tutorial, lecture III", "Variants of Neural Network",
                       "003_ec86197519796290.txt"),
    "003-IV": Lecture("Deep Learning Tutorial, lecture IV", "Next Wave", "003_ec86197519796290.txt"),
    "004": Lecture("2025 lecture", "一堂課搞懂機器學習和深度學習的基本概念 (the basic ideas of machine and "
                   "deep learning in one lecture)", "004_6a114cf363ec5596.txt"),
}


def lecture(key):
    """The :class:`Lecture` of ``key`` (``"000"``, ``"003-II"`` …); a ValueError names the keys."""
    try:
        return LECTURES[key]
    except KeyError:
        raise ValueError(f"lecture: unknown lecture {key!r}; expected one of {', '.join(LECTURES)}") from None


def slide(key, *titles):
    """A slide cited by lecture name and title: ``slide("003-II", "Mini-batch is Better!")`` →
    ``Deep Learning Tutorial, lecture II, "Mini-batch is Better!"``; several titles are
    joined with " / "; no title names the lecture alone."""
    name = lecture(key).name
    if not titles:
        return name
    return f"{name}, " + " / ".join(f"\"{t}\"" for t in titles)


# ---------------------------------------------------------------------------------------
# the verdict: this run's numbers against the slide's claim, against this run's noise


@dataclass(frozen=True)
class Noise:
    """How far this run's numbers could move by chance: a margin smaller than ``value`` is
    not a result. ``how`` says in words where the number comes from."""

    value: float
    how: str

    def __post_init__(self):
        if not (np.isfinite(self.value) and self.value >= 0):
            raise ValueError(f"Noise: value must be a finite number >= 0; got {self.value!r}")

    def scaled(self, factor, unit=""):
        """The same noise in other units (``scaled(100, "points")`` for accuracies in percent)."""
        return Noise(self.value * factor, self.how + (f", in {unit}" if unit else ""))


def accuracy_noise(accuracies, n):
    r"""Two standard errors of the difference of two accuracies each measured on ``n`` examples.

    :math:`2\sqrt{p_1(1-p_1)/n + p_2(1-p_2)/n}` for the two largest accuracies given: a
    smaller gap between them could be a different draw of the test set. An error rate
    ``e = 1 - p`` has the same standard error.
    """
    if len(accuracies) < 2 or int(n) < 1:
        raise ValueError(f"accuracy_noise: need two or more accuracies and n >= 1; got {len(accuracies)} and {n}")
    top = sorted(float(p) for p in accuracies)[-2:]
    return Noise(2.0 * float(np.sqrt(sum(p * (1.0 - p) for p in top) / n)),
                 f"two standard errors of a difference of accuracies on {int(n):,} test examples")


def seed_noise(a, b):
    r"""Two standard errors of the difference of two means, each over several seeds.

    ``a`` and ``b`` are one setting's numbers over its seeds (two or more each):
    :math:`2\sqrt{s_a^2/k_a + s_b^2/k_b}`, with the sample variances ``s²`` (ddof 1).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size < 2 or b.size < 2:
        raise ValueError(f"seed_noise: need two or more seeds per setting; got {a.size} and {b.size}")
    return Noise(2.0 * float(np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)),
                 f"two standard errors of a difference of means over {a.size} and {b.size} seeds")


def paired_noise(a, b):
    r"""Two standard errors of the mean of ``a - b``, the two settings' losses on the same examples.

    :math:`2\,\mathrm{sd}(a_n - b_n)/\sqrt{N}`. The examples are treated as independent;
    for a series (consecutive days) that understates the noise.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or a.size < 2:
        raise ValueError(f"paired_noise: need two 1-D arrays of the same length >= 2; got shapes {a.shape} "
                         f"and {b.shape}")
    return Noise(2.0 * float(np.std(a - b, ddof=1) / np.sqrt(a.size)),
                 f"two standard errors of a mean difference over the same {a.size:,} examples")


def exact_noise(why):
    """No noise: the numbers are computed, not sampled (``why`` says so); only a margin of
    exactly zero is a tie."""
    return Noise(0.0, why)


def combined_noise(*noises):
    """Independent noises added in quadrature (the root of the sum of squares)."""
    if not noises:
        raise ValueError("combined_noise: give one or more Noise")
    return Noise(float(np.sqrt(sum(n.value ** 2 for n in noises))), "; ".join(n.how for n in noises))


REPRODUCED, NOT_REPRODUCED, TOO_CLOSE, SMOKE_TEST = ("reproduced", "NOT reproduced", "too close to call",
                                                     "smoke test, not a verdict")


@dataclass(frozen=True)
class Verdict:
    """One claim of a slide, checked by one run (see :func:`verdict`).

    Attributes
    ----------
    where : str — the slide (:func:`slide`)
    claim : str — what the slide claims, in words
    slide : dict — setting → the slide's number
    this : dict — setting → this run's number
    noise : Noise
    margin : float — this run's margin (ranks: the winner's lead; value: the largest miss)
    outcome : str — REPRODUCED, NOT_REPRODUCED, TOO_CLOSE or SMOKE_TEST
    sentence : str — all of it, in one sentence
    """

    where: str
    claim: str
    slide: dict
    this: dict
    noise: Noise
    margin: float
    outcome: str
    sentence: str

    @property
    def reproduced(self):
        """True, False, or None (too close to call, or a smoke test)."""
        return {REPRODUCED: True, NOT_REPRODUCED: False}.get(self.outcome)


def judge(slide_numbers, this, noise, *, kind="ranks", higher_is_better=True, winner=None):
    """The outcome of comparing this run's numbers with the slide's, and the margin.

    ``kind="ranks"``: the slide's claim is which setting wins. The outcome is
    TOO_CLOSE when this run's winner leads the runner-up by no more than the noise,
    otherwise REPRODUCED when this run's winner is the slide's, else NOT_REPRODUCED.

    ``kind="value"``: the claim is the numbers themselves. REPRODUCED when every
    setting's |this − slide| is within the noise (which should include the rounding of
    the slide's printed numbers), else NOT_REPRODUCED.

    A slide that names a winner without printing numbers passes ``slide_numbers=None`` and
    ``winner=`` the setting (``kind="ranks"`` only). A NaN in ``this`` is NOT_REPRODUCED;
    an infinity ranks (an optimiser that never reached the goal took "infinitely long").

    Returns ``(outcome, margin)``.
    """
    if slide_numbers is None:
        if kind != "ranks" or winner not in this:
            raise ValueError(f"judge: without the slide's numbers, give kind='ranks' and a winner among "
                             f"{sorted(this)}; got kind={kind!r}, winner={winner!r}")
        slide_numbers = {key: (1.0 if key == winner else 0.0) if higher_is_better else
                         (0.0 if key == winner else 1.0) for key in this}
    elif winner is not None:
        raise ValueError("judge: give the slide's numbers or a winner, not both")
    if set(slide_numbers) != set(this) or not slide_numbers:
        raise ValueError(f"judge: slide and this must name the same settings; got {sorted(slide_numbers)} "
                         f"and {sorted(this)}")
    if not isinstance(noise, Noise):
        raise TypeError(f"judge: noise must be a Noise (accuracy_noise, seed_noise, paired_noise, "
                        f"exact_noise …); got {type(noise).__name__}")
    values = {key: float(v) for key, v in this.items()}
    if any(np.isnan(v) for v in values.values()):
        return NOT_REPRODUCED, float("nan")
    if kind == "value":
        margin = max(abs(values[key] - float(slide_numbers[key])) for key in values)
        return (REPRODUCED if margin <= noise.value else NOT_REPRODUCED), margin
    if kind != "ranks":
        raise ValueError(f"judge: kind must be 'ranks' or 'value'; got {kind!r}")
    if len(slide_numbers) < 2:
        raise ValueError("judge: kind='ranks' needs two or more settings")
    pick = max if higher_is_better else min
    best_slide = pick(slide_numbers, key=slide_numbers.get)
    best_this = pick(values, key=values.get)
    rest = [v for key, v in values.items() if key != best_this]
    runner_up = max(rest) if higher_is_better else min(rest)
    margin = 0.0 if values[best_this] == runner_up else abs(values[best_this] - runner_up)
    if margin <= noise.value:
        return TOO_CLOSE, margin
    return (REPRODUCED if best_this == best_slide else NOT_REPRODUCED), margin


def verdict(ctx, where, claim, slide_numbers, this, noise, *, kind="ranks", higher_is_better=True, winner=None,
            digits=3):
    """Judge one claim of a slide with this run's numbers and noise; record it and say it.

    Every tutorial's verdicts go through here, so that each is the same test (:func:`judge`)
    against an explicit noise, and each lands in the tour's key table. On a ``--quick``
    run (or the CUDA simulator's tiny sizes) the outcome is SMOKE_TEST whatever the
    numbers: they show that the code runs, not what the slide claims.

    Parameters
    ----------
    ctx : Run
    where : str — the slide, from :func:`slide`
    claim : str — the slide's claim in words ("cross entropy beats square error")
    slide_numbers, this : dict — the same settings → the slide's and this run's numbers;
        ``slide_numbers=None`` with ``winner=`` where the slide names a winner but prints no number
    noise : Noise — how far this run's numbers could move by chance
    kind : {"ranks", "value"} — see :func:`judge`
    higher_is_better : bool — for ``kind="ranks"``

    Returns
    -------
    Verdict
    """
    outcome, margin = judge(slide_numbers, this, noise, kind=kind, higher_is_better=higher_is_better,
                            winner=winner)
    if ctx.quick:
        outcome = SMOKE_TEST
    f = lambda d: ", ".join(f"{key} {fmt(v, digits)}" for key, v in d.items())  # noqa: E731
    measure = "largest miss" if kind == "value" else "margin"
    said = f(slide_numbers) if slide_numbers is not None else f"{winner} wins (no number printed)"
    sentence = (f"{where}: {claim}. Slide: {said}; this run: {f(this)}; {measure} "
                f"{fmt(margin, digits)} against a noise of {fmt(noise.value, digits)} ({noise.how}): ")
    if outcome == SMOKE_TEST:
        sentence += ("a --quick run at small sizes is a smoke test that the code runs, not a verdict on the "
                     "slide (run without --quick for one).")
    else:
        sentence += f"{outcome}."
    v = Verdict(where, claim, dict(slide_numbers) if slide_numbers is not None else {winner: "wins"},
                dict(this), noise, margin, outcome, sentence)
    ctx.verdicts.append(v)
    ctx.note(sentence)
    return v


def verdict_table_markdown(runs):
    """The key table of a report: one row per verdict of every run (tutorial, slide, claim,
    the slide's numbers, this run's, noise, verdict); a tutorial without one says so."""
    f = lambda d: "; ".join(f"{key} {fmt(v)}" for key, v in d.items())  # noqa: E731
    esc = lambda c: str(c).replace("|", "\\|")  # noqa: E731
    out = ["| tutorial | slide | claim | the slide's numbers | this run's | noise | verdict |",
           "|---|---|---|---|---|---:|---|"]
    for r in runs:
        link = f"[`{r.name}`](#{r.name})"
        if r.error:
            out.append(f"| {link} | | | | | | **failed** |")
            continue
        if not r.verdicts:
            out.append(f"| {link} | | (checks only: no slide number to rank; see its section) | | | | — |")
        for v in r.verdicts:
            shown = f"**{v.outcome}**" if v.outcome == NOT_REPRODUCED else v.outcome
            out.append("| " + " | ".join(esc(c) for c in (link, v.where, v.claim, f(v.slide), f(v.this),
                                                         fmt(v.noise.value), shown)) + " |")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# training a reference.keras model with a progress bar


def one_blas_thread():
    """A context in which NumPy's BLAS uses one thread (threadpoolctl; nothing without it).

    The tutorials' networks multiply small matrices (at most 1,347 × 500 by 500 × 500):
    a second BLAS thread gains little on them, and on a machine busy with other work the
    threads wait for each other — training ran several times slower with two threads than
    with one on a shared 2-core machine. One thread also fixes how each product is split:
    the rounding depends on the split, and a long training amplifies such differences, so
    with one thread the numbers do not depend on how many threads BLAS would have chosen.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn (the tutorials extra) installs it
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def fit(ctx, model, x, y, *, epochs, batch_size, desc, validation_data=None, steps=20, marks=(),
        callback=None):
    """``model.fit(x, y, batch_size=…, epochs=…)`` in about ``steps`` calls, with a progress bar.

    Keras's ``fit`` goes on from the weights it has, so ``epochs`` epochs in a few calls are
    the same training as in one (each epoch still draws its own shuffle from the model's
    Generator). After the epochs listed in ``marks``, ``callback(model, epochs_done)`` is
    called (to measure something during training). The matrix products run on one BLAS
    thread (:func:`one_blas_thread`). Returns the joined ``history.history`` (one value per
    epoch) and the seconds spent in ``fit``.
    """
    chunk = max(1, epochs // steps)
    ends = sorted({e for e in range(chunk, epochs + 1, chunk)} | {epochs}
                  | {m for m in marks if 0 < m <= epochs})
    logs, done, seconds = {}, 0, 0.0
    for end in ctx.progress(ends, desc):
        start = time.perf_counter()
        with one_blas_thread():
            h = model.fit(x, y, batch_size=batch_size, epochs=end - done, verbose=0,
                          validation_data=validation_data)
        seconds += time.perf_counter() - start
        for key, values in h.history.items():
            logs.setdefault(key, []).extend(values)
        done = end
        if callback is not None and end in marks:
            callback(model, end)
    last = ", ".join(f"{key} {values[-1]:.4g}" for key, values in logs.items())
    ctx.log(f"{desc}: {epochs} epochs in {seconds:.1f} s; {last}")
    return logs, seconds


def digits(ctx):
    """The 8×8 digits as the Keras tutorials use them: float32 images, 1-of-N targets.

    ``reference.data.load_digits(seed=ctx.seed)`` (1,347 training and 450 test images);
    on the CUDA simulator only the first 20 training and 20 test images (a smoke test: the
    simulator takes seconds per update even then).
    Returns ``x_train, y_train, x_test, y_test`` with ``y`` one-hot (N, 10).
    """
    from reference import data

    (x_train, labels_train), (x_test, labels_test) = data.load_digits(seed=ctx.seed, dtype=np.float32)
    if ctx.simulated:
        x_train, labels_train, x_test, labels_test = x_train[:20], labels_train[:20], x_test[:20], labels_test[:20]
        ctx.log("CUDA simulator: 20 training and 20 test images only")
    return (x_train, data.onehot(labels_train, 10, dtype=np.float32),
            x_test, data.onehot(labels_test, 10, dtype=np.float32))
