"""Sphinx configuration for the slidespec documentation.

Build (from the project root)::

    python -m pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

Nothing here reaches the network: no intersphinx, no downloads, and the built pages load
nothing from it either (MathJax is copied into the build, see "math" below). Figures are drawn by
matplotlib at build time from the project's own functions (``docs/figures/``); code,
twins, tests and the concept cross-table are read from the source files at build time
(``docs/_ext/slidespec_docs.py``); the examples that show output are run at build time
(``docs/_ext/slidespec_run.py``).
"""

import os
import sys
import tomllib
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))            # reference, accelerated (also without `pip install -e`)
sys.path.insert(0, str(DOCS / "_ext"))   # slidespec_docs, slidespec_run, concept_snapshot

os.environ.setdefault("MPLBACKEND", "Agg")
# The figures call the NumPy reference on small arrays, where a multi-threaded BLAS only
# adds contention (ten times slower on a busy two-core machine). This must be set before
# NumPy is first imported, which is after this file runs; an explicit setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

_meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

project = "slidespec"
author = "the slidespec authors"
copyright = "the slidespec authors; MIT licence"
release = _meta["version"]
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",        # ships MathJax 3's files into _build/html/_static/mathjax
    "sphinx.ext.viewcode",
    "matplotlib.sphinxext.plot_directive",
    "slidespec_docs",
    "slidespec_run",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "figures", "_ext", "README.md"]

# --- MyST ------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

# --- math: MathJax 3, served from the built docs themselves -----------------------------
# The docs extra installs sphinx-mathjax-offline, which copies MathJax 3.2.2 (scripts and
# fonts) into ``_static/mathjax`` when a build finishes; pointing ``mathjax_path`` there
# (a path relative to ``_static``) keeps the pages' math rendering with no network.
# How to check it in a headless browser: docs/README.md, "Math offline".
mathjax_path = "mathjax/tex-chtml.js"

# --- autodoc / napoleon -------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"             # the numpydoc sections say the types, in words
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True

# --- figures (matplotlib.sphinxext.plot_directive) -------------------------------------
plot_basedir = str(DOCS)              # ``{plot} figures/lecture1.py fn`` from any page
plot_include_source = False
plot_html_show_source_link = True
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_pre_code = "import numpy as np\nfrom matplotlib import pyplot as plt\n"
plot_rcparams = {"figure.figsize": (7.2, 3.4), "figure.dpi": 110, "axes.grid": True,
                 "grid.alpha": 0.3, "font.size": 9, "savefig.bbox": "tight"}
plot_apply_rcparams = True

# --- the slidespec extension --------------------------------------------------------
# "warning": a primitive whose accelerated twin or spec test is missing fails a -W build.
# Set SLIDESPEC_DOCS_MISSING=info to build while those files are still being written.
slidespec_missing = os.environ.get("SLIDESPEC_DOCS_MISSING", "warning")

# --- HTML ------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"slidespec {release}"
html_static_path = ["_static"]
html_css_files = ["slidespec.css"]
html_theme_options = {
    "description": "An executable, property-tested specification of an introductory ML/DL lecture series",
    "fixed_sidebar": True,
    "page_width": "1180px",
    "sidebar_width": "230px",
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_show_sourcelink = False
