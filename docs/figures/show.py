"""Draw one figure of the docs on screen: ``python docs/figures/show.py NAME``.

``python docs/figures/show.py`` lists the names. The figures live in ``lecture1.py``.
"""

import inspect
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lecture1  # noqa: E402


def main(argv):
    names = [n for n, f in inspect.getmembers(lecture1, inspect.isfunction)
             if not n.startswith("_") and f.__module__ == "lecture1"]
    if len(argv) != 2 or argv[1] not in names:
        print("usage: python docs/figures/show.py NAME, one of:\n  " + "\n  ".join(names))
        return 2
    from matplotlib import pyplot as plt

    getattr(lecture1, argv[1])()
    plt.show()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
