"""Draw one figure of the docs on screen: ``python docs/figures/show.py [PAGE] NAME``.

``PAGE`` is the figure file without ``.py`` (``lecture1``, ``deep_intro``,
``training_tips``; default ``lecture1``). ``python docs/figures/show.py
PAGE`` lists that page's names; ``--save DIR`` writes PNG files instead of showing them
(``NAME`` may then be ``all``).
"""

import importlib
import inspect
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))          # reference, without pip install -e

PAGES = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in ("show",) and not p.stem.startswith("_"))


def _names(module):
    return [n for n, f in inspect.getmembers(module, inspect.isfunction)
            if not n.startswith("_") and f.__module__ == module.__name__]


def main(argv):
    args = argv[1:]
    save = None
    if "--save" in args:
        i = args.index("--save")
        save = Path(args[i + 1])
        del args[i:i + 2]
    page = "lecture1"
    if args and args[0] in PAGES:
        page = args.pop(0)
    module = importlib.import_module(page)
    names = _names(module)
    wanted = names if save is not None and args == ["all"] else args
    if not wanted or any(n not in names for n in wanted):
        print(f"usage: python docs/figures/show.py [PAGE] NAME [--save DIR]\n  PAGE: {', '.join(PAGES)}\n"
              f"  NAME ({page}):\n    " + "\n    ".join(names))
        return 2
    import matplotlib
    if save is not None:
        matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    for name in wanted:
        getattr(module, name)()
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            plt.savefig(save / f"{page}.{name}.png", dpi=110, bbox_inches="tight")
            plt.close("all")
    if save is None:
        plt.show()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
