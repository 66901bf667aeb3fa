"""The docs render their math with no network (docs/_ext/check_math_offline.py).

The scanner is tested on DOM snippets; the whole path — a small Sphinx project with the
docs' math settings, built here, opened in headless Chromium cut off from any network —
runs where the docs extra and a Chromium are installed, and is skipped (saying which is
missing) elsewhere.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_math_offline", DOCS / "_ext" / "check_math_offline.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_math_offline", module)
    spec.loader.exec_module(module)
    return module


check = _load_checker()


def test_scan_counts_a_typeset_node_as_rendered():
    dom = ('<html><body><p>a <span class="math notranslate"><mjx-container class="MathJax">'
           '<mjx-math><mjx-mi>y</mjx-mi></mjx-math></mjx-container></span></p>'
           '<div class="math"><mjx-container display="true"><mjx-math></mjx-math></mjx-container></div>'
           '</body></html>')
    r = check.scan(dom)
    assert (r.nodes, r.rendered, r.errors, r.raw) == (2, 2, 0, [])
    assert r.ok


def test_scan_flags_raw_tex_left_in_a_math_node():
    dom = ('<html><body><span class="math notranslate nohighlight">\\(y = b + w x_1\\)</span>'
           '<div class="math"><mjx-container><mjx-math></mjx-math></mjx-container></div></body></html>')
    r = check.scan(dom)
    assert (r.nodes, r.rendered) == (2, 1)
    assert r.raw == ["\\(y = b + w x_1\\)"]
    assert not r.ok


def test_scan_flags_a_mathjax_error_and_a_page_without_math():
    err = check.scan('<html><div class="math"><mjx-container><mjx-merror>x</mjx-merror></mjx-container></div></html>')
    assert err.errors == 1 and not err.ok
    assert not check.scan("<html><body><p>no math</p></body></html>").ok


def test_scan_ignores_delimiters_in_styles_scripts_and_ordinary_text():
    dom = ('<html><head><style>.a::before { content: "\\\\(" }</style></head><body><p>costs $$ and \\[ here</p>'
           '<span class="math"><mjx-container></mjx-container></span></body></html>')
    r = check.scan(dom)
    assert r.ok, r


def test_conf_loads_mathjax_from_the_build_not_a_url():
    tree = ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))
    values = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
              for t in node.targets if isinstance(t, ast.Name)}
    path = ast.literal_eval(values["mathjax_path"])
    assert "://" not in path and not path.startswith("//"), path
    extensions = ast.literal_eval(values["extensions"])
    assert "sphinx-mathjax-offline" in extensions


def _needs(module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[docs]')")


def test_built_page_renders_its_math_in_chromium_offline(tmp_path):
    for module in ("sphinx", "myst_parser", "sphinx-mathjax-offline"):
        _needs(module)
    chromium = check.find_chromium()
    if chromium is None:
        pytest.skip("no Chromium (apt-get install chromium, or set $CHROMIUM)")
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    conf = (DOCS / "conf.py").read_text(encoding="utf-8")
    tree = ast.parse(conf)
    keep = {"myst_enable_extensions", "myst_dmath_double_inline", "mathjax_path"}
    lines = [ast.get_source_segment(conf, n) for n in tree.body if isinstance(n, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id in keep for t in n.targets)]
    lines.append('extensions = ["myst_parser", "sphinx.ext.mathjax", "sphinx-mathjax-offline"]')
    (src / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "index.md").write_text("# Math\n\nInline $y = b + w x_1$ and a display:\n\n"
                                  "$$\n\\frac{\\partial L}{\\partial w} = \\frac{1}{N}\\sum_{n=1}^{N} 2 (y_n - \\hat y_n) x_n\n$$\n",
                                  encoding="utf-8")
    out = tmp_path / "html"
    app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html", status=None,
                 warningiserror=True, freshenv=True)
    app.build()
    page = out / "index.html"
    assert 'class="math' in page.read_text(encoding="utf-8")
    assert (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    r = check.scan(check.rendered_dom(page, chromium))
    assert r.ok, r
    assert r.nodes == 2

    # The same page with MathJax from a CDN, offline: nothing renders (the check can fail).
    cdn = out / "cdn.html"
    cdn.write_text(page.read_text(encoding="utf-8").replace(
        "_static/mathjax/tex-chtml.js", "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"),
        encoding="utf-8")
    r = check.scan(check.rendered_dom(cdn, chromium))
    assert r.rendered == 0 and not r.ok and r.raw
