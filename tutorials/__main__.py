"""The tour: run every tutorial on one backend and write a report.

    python -m tutorials [--backend NAME] [--quick] [--out DIR] [--only NAME ...] [--seed N]

Writes ``DIR/README.md`` (default ``tour/README.md``): each tutorial's tables (the
slide's number beside this run's), its figures (``DIR/<tutorial>/*.png``, linked by
relative path), its run time, and the backend, seed and machine. A tutorial that fails
is reported with its traceback and the tour goes on; the exit code is 1 if any failed.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from . import TUTORIALS
from ._common import (DEFAULT_OUT, LECTURES, base_parser, execute, header_markdown, prepare,
                      section_markdown, verdict_table_markdown)

EPILOG = """\
how long, measured on a 2-core machine shared with other work (wall-clock time; less
than half of it is CPU time, so an idle machine is faster):
  --quick  reference: about 1 minute (61-75 s; 25 s of CPU time); cpu: about the same once
           Numba's on-disk cache is warm, and longer the first time, when every kernel
           compiles once.
  full     reference: about 8 minutes. Most of it is the digits tutorials (vanishing,
           deep_vs_fat, hello_world, adam_vs_sgd), which train networks for 100-300
           epochs, and optimizers, which tries every optimiser at 15 learning rates on
           two surfaces.
  cuda on NUMBA_ENABLE_CUDASIM=1 (the simulator, one Python thread per GPU thread):
           tiny smoke-test sizes whatever the flags, about 8 minutes.

tutorials: """ + ", ".join(TUTORIALS)


def main(argv=None):
    parser = base_parser("python -m tutorials", __doc__.strip().split("\n\n")[0], DEFAULT_OUT)
    parser.epilog = EPILOG
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=TUTORIALS, default=None,
                        help="run only these tutorials (default: all)")
    args = parser.parse_args(argv)
    backend = prepare(args)
    names = args.only or list(TUTORIALS)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"tour: {', '.join(names)} on backend {backend.name}, seed {args.seed}, "
          f"{'quick' if args.quick else 'full'} sizes; report in {out}/README.md", flush=True)

    runs = []
    start = time.perf_counter()
    for name in names:
        print(f"\n{'=' * 20} {name} {'=' * 20}", flush=True)
        module = importlib.import_module(f"tutorials.{name}")
        run = execute(module, backend, args.quick, out / name, args.seed)
        runs.append(run)
        print(f"--- {name}: {'FAILED' if run.error else 'ok'} in {run.seconds:.1f} s", flush=True)
    total = time.perf_counter() - start

    failed = [r.name for r in runs if r.error]
    summary = ["| tutorial | status | seconds |", "|---|---|---:|"]
    summary += [f"| [`{r.name}`](#{r.name}) | {'**failed**' if r.error else 'ok'} | "
                f"{r.seconds:.1f} |" for r in runs]
    text = ["# slidespec tour", "",
            "## The key table: each slide's claim, its number and this run's", "",
            ("**A --quick run: small sizes, a smoke test that the code runs. Its numbers say nothing "
             "about the slides, and no claim is judged; run without --quick for verdicts.**\n\n"
             if args.quick else ""),
            "Each row is one claim of a slide, judged by one test (`tutorials._common.verdict`): this "
            "run's margin (the winner's lead, or the largest miss) against this run's noise (two "
            "standard errors: of an accuracy from the test set's size, of a mean over seeds, of a "
            "mean difference over the same examples; none where nothing is sampled). A margin within "
            "the noise is too close to call. Where this run's data differ from the slide's (synthetic "
            "stand-ins, or a smaller real table), what is compared is the shape — which setting wins — "
            "not the value.", "",
            verdict_table_markdown(runs), "",
            header_markdown("The run", backend.name, args.seed, args.quick, total, level=2),
            "\n".join(summary), "",
            "The lectures cited: " + "; ".join(f"{lec.name} — {lec.title} (`{lec.transcript}`)"
                                               for lec in LECTURES.values()) + ".", ""]
    text += [section_markdown(r, out) for r in runs]
    report = out / "README.md"
    report.write_text("\n".join(text), encoding="utf-8")

    print(f"\ntour: {len(runs) - len(failed)}/{len(runs)} tutorials ok in {total:.1f} s; report: {report}")
    for r in runs:
        print(f"  {r.name:<12} {'FAILED' if r.error else 'ok':<6} {r.seconds:6.1f} s")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
