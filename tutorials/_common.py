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


def header_markdown(title, backend_name, seed, quick, seconds, extra=None):
    info = machine(backend_name)
    out = [f"# {title}", "",
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
                        help="small sizes: a smoke test that finishes in seconds")
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


def tutorial_main(module, argv=None):
    """The command line of one tutorial: ``python -m tutorials.<name> [--backend …] …``."""
    name = tutorial_name(module)
    doc = (module.__doc__ or "").strip()
    parser = base_parser(f"python -m tutorials.{name}", doc, DEFAULT_OUT / name)
    args = parser.parse_args(argv)
    backend = prepare(args)
    print(f"tutorial {name}: backend {backend.name}, seed {args.seed}, "
          f"{'quick' if args.quick else 'full'} sizes, figures to {args.out}/", flush=True)
    run = execute(module, backend, args.quick, args.out, args.seed)
    report = Path(args.out) / "README.md"
    text = header_markdown(f"slidespec tutorial `{name}`", backend.name, args.seed, args.quick,
                           run.seconds)
    report.write_text(text + "\n" + section_markdown(run, args.out), encoding="utf-8")
    print(f"\n{name}: {'FAILED' if run.error else 'done'} in {run.seconds:.1f} s; report: {report}")
    return 1 if run.error else 0


# ---------------------------------------------------------------------------------------
# the slide's shape: which setting wins


def shape_verdict(slide, this, higher_is_better=True, noise=0.0, digits=3):
    """Whether this run ranks two or more settings the way the slide does, as one sentence.

    ``slide`` and ``this`` map the same setting names to a number each (an accuracy, an
    error rate, a loss). The slide's *shape* is which setting wins; it is reproduced when
    this run's best setting is the slide's best. A win smaller than ``noise`` (for
    instance two standard errors of an accuracy measured on a few hundred test images) is
    reported as too close to call rather than as a win.

    Returns
    -------
    reproduced : bool or None — None when this run's margin is within ``noise``
    sentence : str
    """
    if set(slide) != set(this) or len(slide) < 2:
        raise ValueError("shape_verdict: slide and this must name the same two or more settings")
    pick = max if higher_is_better else min
    best_slide = pick(slide, key=slide.get)
    best_this = pick(this, key=this.get)
    rest = [this[k] for k in this if k != best_this]
    margin = abs(this[best_this] - (max(rest) if higher_is_better else min(rest)))
    f = lambda d: ", ".join(f"{k} {fmt(v, digits)}" for k, v in d.items())  # noqa: E731
    head = f"Slide: {best_slide} wins ({f(slide)}); this run: "
    if margin <= noise:
        return None, (head + f"{f(this)}, a margin of {fmt(margin, digits)} within the noise "
                      f"({fmt(noise, digits)}): too close to call.")
    if best_this == best_slide:
        return True, head + f"{best_this} wins too ({f(this)}): the slide's shape is reproduced."
    return False, (head + f"{best_this} wins ({f(this)}): the slide's shape is NOT reproduced.")


def accuracy_noise(accuracies, n):
    """Two standard errors of the difference of two accuracies each measured on ``n`` examples.

    :math:`2\\sqrt{p_1(1-p_1)/n + p_2(1-p_2)/n}` for the two largest accuracies given: a
    smaller gap between them could be a different draw of the test set.
    """
    top = sorted(accuracies)[-2:]
    return 2.0 * float(np.sqrt(sum(p * (1.0 - p) for p in top) / n))


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
