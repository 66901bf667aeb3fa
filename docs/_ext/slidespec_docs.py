"""Sphinx extension for the slidespec docs: code beside the slides, and the concept cross-table.

The directives read the project's source files with :mod:`ast` (nothing is imported or
compiled), so a page shows exactly what the files hold at build time, and a file that
does not exist yet is reported, not crashed on. Only the API page generator imports the
packages (to list what they re-export), as autodoc does anyway.

Directives
----------

``spec`` — show one concept's code, pulled from the files::

    ```{spec} sigmoid_forward sigmoid_backward
    :concept: act.sigmoid
    ```

  For each function named: the reference source (``reference/<module>.py``), its
  accelerated twins (``accelerated/cpu/<family>.py`` and ``accelerated/cuda/<family>.py``,
  the family being the primitive's entry of ``reference.FAMILIES``, with the private
  helpers and kernels they call; a twin made by a factory, ``name = factory(...)`` or
  imported from a private sibling module, counts), and its spec tests (every
  ``test_<function>`` or ``test_<function>_<property>`` in ``spec_tests/test_*.py``,
  and every test whose docstring carries the concept's tag). A primitive
  (a name of ``reference.FAMILIES``) whose twin or test is missing gets a build warning
  (``slidespec.missing``); a helper that is not mirrored gets a note. A function already
  shown on the page is linked, not repeated. ``:concept:`` sets an anchor that the
  cross-table links to. Options: ``:no-tests:`` (show no tests), ``:tests-optional:``
  (a missing test is a note, not a warning).

``concept-table`` — the cross-table of every ID in ``docs/concepts.csv`` (the snapshot
  of the concept catalogue): ID → slide source → reference function → cpu → cuda →
  spec tests → tutorial, found from the ``Concept:`` tags in docstrings. IDs with no
  tagged function are shown as not yet covered. A tag naming an ID that the snapshot
  lacks is a build warning (``slidespec.tag``).

Generated pages
---------------

At ``builder-inited`` the API pages ``generated/api/*.md`` (git-ignored) are written
from the modules found in ``reference/``, ``accelerated/cpu/`` and ``accelerated/cuda/``,
so a module added later is documented without editing the docs.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import concept_snapshot

logger = logging.getLogger(__name__)

BACKENDS = ("cpu", "cuda")
ID_RE = r"[a-z]+\.[a-z0-9_]+"
# "Concept: a.b, c.d (a remark), e.f." -- the IDs listed right after the tag.
_TAG = re.compile(r"Concepts?:\s*")
_TAG_ITEM = re.compile(rf"\s*({ID_RE})\s*(?:\([^)]*\))?\s*(,)?")


def concept_ids(doc: str) -> list[str]:
    """The concept IDs a docstring's ``Concept:`` tag(s) name, in order."""
    found = []
    for m in _TAG.finditer(doc or ""):
        pos = m.end()
        while True:
            item = _TAG_ITEM.match(doc, pos)
            if not item:
                break
            found.append(item.group(1))
            pos = item.end()
            if not item.group(2):       # no comma: the list ends here
                break
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- scanning


@dataclass
class Func:
    name: str
    path: Path              # absolute
    rel: str                # relative to the project root, with "/"
    module: str             # dotted module name
    qualname: str
    lineno: int
    end_lineno: int
    source: str
    doc: str
    params: list[str]
    tags: list[str]
    refs: set[str] = field(default_factory=set)   # names used in the body


@dataclass
class ModuleScan:
    path: Path
    rel: str
    module: str
    ok: bool
    error: str = ""
    doc: str = ""
    functions: dict[str, Func] = field(default_factory=dict)   # top-level defs
    tests: list[Func] = field(default_factory=list)           # test_* anywhere
    # module-level definitions: name -> (kind, source, names used, first line, last line)
    helpers: dict[str, tuple[str, str, set[str], int, int]] = field(default_factory=dict)
    # relative imports: local name -> (file, attribute or None for a module)
    imports: dict[str, tuple[Path, str | None]] = field(default_factory=dict)
    text: str = ""


_SCAN_CACHE: dict[Path, tuple[float, ModuleScan]] = {}


def _dotted(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _segment(lines: list[str], node) -> tuple[str, int, int]:
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    end = node.end_lineno
    seg = lines[start - 1:end]
    indent = min((len(s) - len(s.lstrip()) for s in seg if s.strip()), default=0)
    return "\n".join(s[indent:] for s in seg), start, end


def _names_used(node) -> set[str]:
    """Names a node uses, and ``module.attr`` for attributes of a plain name."""
    used = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            used.add(sub.id)
        elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
            used.add(sub.value.id)
            used.add(f"{sub.value.id}.{sub.attr}")
    return used


def _module_file(base: Path, dotted: str) -> Path:
    target = base.joinpath(*dotted.split("."))
    return target / "__init__.py" if target.is_dir() else target.with_suffix(".py")


def scan(root: Path, path: Path) -> ModuleScan:
    """Parse one Python file (cached by modification time)."""
    path = path.resolve()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = -1.0
    hit = _SCAN_CACHE.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    rel = path.relative_to(root).as_posix()
    info = ModuleScan(path=path, rel=rel, module=_dotted(root, path), ok=False)
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(path))
    except (OSError, SyntaxError, ValueError) as exc:
        info.error = f"{type(exc).__name__}: {exc}"
        _SCAN_CACHE[path] = (mtime, info)
        return info
    info.ok, info.text = True, text
    info.doc = ast.get_docstring(tree) or ""
    lines = text.splitlines()

    def make(node, qual):
        src, l0, l1 = _segment(lines, node)
        a = node.args
        doc = ast.get_docstring(node) or ""
        return Func(name=node.name, path=path, rel=rel, module=info.module, qualname=qual,
                    lineno=l0, end_lineno=l1, source=src, doc=doc,
                    params=[p.arg for p in a.posonlyargs + a.args + a.kwonlyargs],
                    tags=concept_ids(doc), refs=_names_used(node))

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            f = make(node, node.name)
            info.functions[node.name] = f
            info.helpers[node.name] = ("def", f.source, f.refs, f.lineno, f.end_lineno)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = []
            for t in targets:
                if isinstance(t, ast.Name):
                    names.append(t.id)
                elif isinstance(t, (ast.Tuple, ast.List)):      # a, b = factory(...)
                    names += [e.id for e in t.elts if isinstance(e, ast.Name)]
            for name in names:
                src, l0, l1 = _segment(lines, node)
                info.helpers[name] = ("assign", src, _names_used(node.value) if node.value else set(), l0, l1)
        elif isinstance(node, ast.ClassDef):
            src, l0, l1 = _segment(lines, node)
            info.helpers[node.name] = ("class", src, _names_used(node), l0, l1)
        elif isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = path.parent
            for _ in range(node.level - 1):
                base = base.parent
            for alias in node.names:
                local = alias.asname or alias.name
                if node.module:
                    info.imports[local] = (_module_file(base, node.module), alias.name)
                else:
                    info.imports[local] = (_module_file(base, alias.name), None)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub.name.startswith("test"):
                    info.tests.append(make(sub, f"{node.name}.{sub.name}"))
    info.tests[:0] = [f for n, f in info.functions.items() if n.startswith("test")]
    _SCAN_CACHE[path] = (mtime, info)
    return info


def defined(root: Path, m: ModuleScan, name: str, depth: int = 0) -> Func | None:
    """The definition of ``name`` in module ``m``: a ``def``, or a factory-made function.

    A factory-made function is a module-level assignment (``sgd_update = _rule(...)``, also as
    one target of a tuple) or a name imported from a private sibling module
    (``from ._rules import sgd_update``), followed to its definition there. For an assignment
    the returned :class:`Func` holds the assignment's source, so the docs show it and the
    helpers it calls (the factory and what it is given).
    """
    f = m.functions.get(name)
    if f is not None:
        return f
    hit = m.helpers.get(name)
    if hit is not None and hit[0] == "assign":
        _, src, refs, l0, l1 = hit
        return Func(name=name, path=m.path, rel=m.rel, module=m.module, qualname=name, lineno=l0,
                    end_lineno=l1, source=src, doc="", params=[], tags=[], refs=set(refs))
    target = m.imports.get(name)
    if target is not None and depth < 4:
        file, attr = target
        if attr is not None and file.parent == m.path.parent and file.name.startswith("_") and file.is_file():
            other = scan(root, file)
            if other.ok:
                return defined(root, other, attr, depth + 1)
    return None


class Project:
    """What the docs need to know about the source tree, read with ``ast``."""

    def __init__(self, root: Path):
        self.root = root
        self.ref_modules: list[ModuleScan] = []
        self.ref_funcs: dict[str, Func] = {}
        ref = root / "reference"
        for path in sorted(ref.rglob("*.py")) if ref.is_dir() else []:
            if "__pycache__" in path.parts:
                continue
            m = scan(root, path)
            self.ref_modules.append(m)
            if path.name.startswith("_") and path.name != "__init__.py":
                continue
            for name, f in m.functions.items():
                if not name.startswith("_"):
                    self.ref_funcs.setdefault(name, f)
        self.families = self._families()
        # Each primitive's family: the module that defines it in every backend.
        self.primitives: dict[str, str] = {name: family for family, names in self.families.items()
                                           for name in names}
        self.tests: list[Func] = []
        for path in sorted((root / "spec_tests").rglob("test_*.py")) if (root / "spec_tests").is_dir() else []:
            m = scan(root, path)
            self.tests.extend(m.tests)
        self.tutorials: list[ModuleScan] = []
        tut = root / "tutorials"
        for path in sorted(tut.rglob("*.py")) if tut.is_dir() else []:
            if "__pycache__" not in path.parts:
                self.tutorials.append(scan(root, path))

    def _families(self) -> dict[str, tuple[str, ...]]:
        """``reference.FAMILIES`` (family module -> its primitives), read from ``reference/__init__.py``."""
        init = self.root / "reference" / "__init__.py"
        try:
            tree = ast.parse(init.read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            return {}
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            if any(isinstance(t, ast.Name) and t.id == "FAMILIES" for t in targets) and node.value is not None:
                try:
                    return {str(k): tuple(v) for k, v in ast.literal_eval(node.value).items()}
                except (ValueError, TypeError, SyntaxError, AttributeError):
                    return {}
        return {}

    def files(self) -> list[Path]:
        out = [m.path for m in self.ref_modules] + [m.path for m in self.tutorials]
        out += sorted({t.path for t in self.tests})
        return out

    def twin_path(self, backend: str, f: Func) -> Path:
        """Where ``f``'s twin lives: ``accelerated/<backend>/<family>.py`` for a primitive of
        ``reference.FAMILIES``; otherwise the file of the same name as ``f``'s own."""
        family = self.primitives.get(f.name)
        if family is not None:
            return self.root / "accelerated" / backend / f"{family}.py"
        rel = f.path.relative_to(self.root / "reference")
        return self.root / "accelerated" / backend / rel

    def twin(self, backend: str, f: Func) -> tuple[Path, ModuleScan | None, Func | None]:
        path = self.twin_path(backend, f)
        if not path.is_file():
            return path, None, None
        m = scan(self.root, path)
        return path, m, defined(self.root, m, f.name) if m.ok else None

    def subjects(self, test_name: str) -> list[str]:
        """The functions a test is named after: the leading run of function names.

        ``test_gd_step_is_theta_minus_eta_g`` → ``gd_step``;
        ``test_mse_mae_loss_surface_pure_and_dtype`` → ``mse, mae, loss_surface``;
        ``test_relu_forward_backward_pure_and_dtype`` → ``relu_forward, relu_backward``.
        """
        rest = test_name[len("test_"):] if test_name.startswith("test_") else ""
        names = sorted(self.ref_funcs, key=len, reverse=True)
        found = []
        while rest:
            hit = next((n for n in names if rest == n or rest.startswith(n + "_")), None)
            if hit is None:
                break
            found.append(hit)
            rest = rest[len(hit) + 1:]
            stem = hit[:-len("_forward")] if hit.endswith("_forward") else None
            if stem and (rest == "backward" or rest.startswith("backward_")) and f"{stem}_backward" in self.ref_funcs:
                found.append(f"{stem}_backward")
                rest = rest[len("backward") + 1:]
        return found

    def tests_for(self, name: str) -> list[Func]:
        return [t for t in self.tests if name in self.subjects(t.name)]

    def tests_tagged(self, cid: str) -> list[Func]:
        return [t for t in self.tests if cid in t.tags]


def helper_chain(root: Path, m: ModuleScan, f: Func) -> list[tuple[str, str, str, int, int]]:
    """The private helpers and kernels that ``f`` reaches, as ``(file, name, source, l0, l1)``.

    Followed: module-level definitions of ``f``'s own file whose names start with ``_``,
    and definitions in private sibling modules (``_kernels.py``, ``_ops.py`` ...) reached
    through relative imports (``from ._fused import act`` or ``_ops.gemm``). Public
    functions of other public modules are not followed: they are shown on their own.
    """
    pkg = m.path.parent

    def private_sibling(path: Path) -> bool:
        return path.parent == pkg and path.name.startswith("_") and path.name != "__init__.py" and path.is_file()

    def resolve(ms: ModuleScan, ref: str):
        if "." in ref:
            base, attr = ref.split(".", 1)
            target = ms.imports.get(base)
            if target and target[1] is None and private_sibling(target[0]):
                return scan(root, target[0]), attr
            return None
        if ref in ms.helpers and (ref.startswith("_") or ms.path.name.startswith("_")):
            return ms, ref
        target = ms.imports.get(ref)
        if target and target[1] is not None and private_sibling(target[0]):
            return scan(root, target[0]), target[1]
        return None

    seen = {(m.rel, f.name)}
    order = []
    todo = [(m, r) for r in sorted(f.refs)]
    while todo:
        ms, ref = todo.pop(0)
        hit = resolve(ms, ref)
        if hit is None:
            continue
        ms2, name = hit
        if not ms2.ok or name not in ms2.helpers or (ms2.rel, name) in seen:
            continue
        kind, src, refs, l0, l1 = ms2.helpers[name]
        if ms2 is not m and kind == "assign" and not name.startswith("_"):
            continue                    # a public constant of a helper module: not code to read
        seen.add((ms2.rel, name))
        order.append((ms2.rel, name, src, l0, l1))
        todo.extend((ms2, r) for r in sorted(refs))
    return order


# --------------------------------------------------------------------------- nodes


class details(nodes.General, nodes.Element):
    """An HTML ``<details>`` block; its first child is a :class:`summary`."""


class summary(nodes.General, nodes.TextElement):
    pass


class concept_ref(nodes.General, nodes.Inline, nodes.TextElement):
    """A link to a concept's anchor (``kind`` = "lecture" or "table"), resolved after reading."""


def _visit_details_html(self, node):
    self.body.append(self.starttag(node, "details", CLASS="slidespec-details"))


def _depart_details_html(self, node):
    self.body.append("</details>\n")


def _visit_summary_html(self, node):
    self.body.append(self.starttag(node, "summary", ""))


def _depart_summary_html(self, node):
    self.body.append("</summary>\n")


def _visit_pass(self, node):
    pass


def _depart_pass(self, node):
    pass


# --------------------------------------------------------------------------- helpers


def _root(env) -> Path:
    return Path(env.app.confdir).resolve().parent


def _project(env) -> Project:
    proj = Project(_root(env))
    for path in proj.files():
        env.note_dependency(str(path))
    return proj


def _code(text: str, caption: str | None = None) -> nodes.Node:
    block = nodes.literal_block(text, text, language="python")
    block["classes"].append("slidespec-code")
    if not caption:
        return block
    cont = nodes.container("", literal_block=True, classes=["literal-block-wrapper"])
    cap = nodes.caption(caption, "")
    cap += nodes.literal(caption, caption)
    cont += cap
    cont += block
    return cont


def _para(*parts) -> nodes.paragraph:
    p = nodes.paragraph()
    for part in parts:
        p += nodes.Text(part) if isinstance(part, str) else part
    return p


def _inline(text: str) -> nodes.paragraph:
    """A paragraph from catalogue text, with its `backticked` parts as literals."""
    p = nodes.paragraph()
    for i, part in enumerate(text.split("`")):
        if part:
            p += nodes.literal(part, part) if i % 2 else nodes.Text(part)
    return p


def _lit(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _api_xref(target: str, text: str | None = None):
    from sphinx import addnodes

    text = text or target.rsplit(".", 1)[-1] + "()"
    ref = addnodes.pending_xref("", refdomain="py", reftype="func", reftarget=target,
                                refexplicit=True, refwarn=False)
    ref += nodes.literal(text, text, classes=["xref", "py", "py-func"])
    return ref


def _details(title_parts, body) -> details:
    d = details()
    s = summary()
    for part in title_parts:
        s += nodes.Text(part) if isinstance(part, str) else part
    d += s
    for b in body:
        d += b
    return d


def _anchor(kind: str, cid: str) -> str:
    return nodes.make_id(f"{kind}-{cid}")


def _missing(env, location, message: str, strict: bool) -> nodes.Node:
    """Report something the docs expected to find; show it on the page too."""
    if strict and env.config.slidespec_missing == "warning":
        logger.warning(message, location=location, type="slidespec", subtype="missing")
    else:
        logger.verbose(message, location=location)
    note = nodes.paragraph(classes=["slidespec-missing"])
    note += nodes.emphasis(message, message)
    return note


# --------------------------------------------------------------------------- spec


class SpecDirective(SphinxDirective):
    required_arguments = 1
    optional_arguments = 20
    has_content = False
    option_spec = {
        "concept": directives.unchanged,
        "no-tests": directives.flag,
        "tests-optional": directives.flag,
        "no-twins": directives.flag,
    }

    def run(self):
        env = self.env
        proj = _project(env)
        shown: dict = env.temp_data.setdefault("slidespec_shown", {})
        _record(env, env.docname, "uses", None)
        out: list[nodes.Node] = []
        cids = [c.strip() for c in self.options.get("concept", "").replace(",", " ").split() if c.strip()]
        for cid in cids:
            anchor = _anchor("concept", cid)
            target = nodes.target("", "", ids=[anchor])
            out.append(target)
            _record(env, env.docname, ("lecture", cid), anchor)
        if cids:
            p = nodes.paragraph(classes=["slidespec-concept-line"])
            p += nodes.strong("The code", "The code")
            p += nodes.Text(" of ")
            for i, cid in enumerate(cids):
                if i:
                    p += nodes.Text(", ")
                ref = concept_ref("", "", kind="table", cid=cid)
                ref += nodes.literal(cid, cid)
                p += ref
            p += nodes.Text(" (the link goes to its row in the cross-table), its twins and its tests:")
            out.append(p)
        loc = self.get_location()
        for name in self.arguments:
            f = proj.ref_funcs.get(name)
            if f is None:
                out.append(_missing(env, loc, f"slidespec: no reference function {name!r} in reference/", True))
                continue
            out.extend(self._one(proj, f, shown, cids, loc))
        return out

    def _one(self, proj: Project, f: Func, shown: dict, cids, loc) -> list[nodes.Node]:
        key = ("ref", f.rel, f.name)
        full = f"{f.module}.{f.name}"
        if key in shown:
            ref = nodes.reference("", "", refid=shown[key], internal=True)
            ref += nodes.Text("shown above")
            return [_para("Reference ", _api_xref(full), f" ({f.rel}): ", ref, ".")]
        anchor = nodes.make_id(f"code-{f.module}-{f.name}")
        shown[key] = anchor
        body: list[nodes.Node] = [nodes.target("", "", ids=[anchor])]
        body.append(_para("Reference: ", _api_xref(full), f" — {f.rel}, lines {f.lineno}–{f.end_lineno}"))
        body.append(_code(f.source))
        primitive = f.name in proj.primitives
        if "no-twins" not in self.options and not primitive:
            if "backend" in f.params:
                text = (f"Accelerated twins: not needed. {f.name}() takes backend= and calls that "
                        f"backend's primitives, so backend=\"cpu\" or \"cuda\" runs it fast.")
            else:
                text = (f"Accelerated twins: none. {f.name}() is a host-side helper, not one of "
                        f"reference.PRIMITIVES, so the backends do not mirror it.")
            body.append(nodes.paragraph(text, text, classes=["slidespec-note"]))
        elif "no-twins" not in self.options:
            for backend in BACKENDS:
                body.append(self._twin(proj, backend, f, primitive, loc))
        if "no-tests" not in self.options:
            body.append(self._tests(proj, f, cids, primitive, loc))
        return body

    def _twin(self, proj: Project, backend: str, f: Func, primitive: bool, loc) -> nodes.Node:
        env = self.env
        path, m, twin = proj.twin(backend, f)
        rel = path.relative_to(proj.root).as_posix()
        label = {"cpu": "CPU twin (Numba @njit)", "cuda": "CUDA twin (numba-cuda kernels)"}[backend]
        if m is None:
            return _missing(env, loc, f"slidespec: {label} of {f.name}: {rel} does not exist yet", True)
        if not m.ok:
            return _missing(env, loc, f"slidespec: {label} of {f.name}: cannot parse {rel} ({m.error})", True)
        if twin is None:
            return _missing(env, loc, f"slidespec: {label}: {rel} defines no {f.name}() yet", True)
        env.note_dependency(str(path))
        full = f"accelerated.{backend}.{m.module.split('.', 2)[-1]}.{f.name}"
        home = m if twin.path == m.path else scan(proj.root, twin.path)   # imported from a private sibling
        env.note_dependency(str(twin.path))
        blocks = [_para("API: ", _api_xref(full, f"accelerated.{backend}.{f.name}()"),
                        f". Source: {twin.rel}, lines {twin.lineno}–{twin.end_lineno}:"), _code(twin.source)]
        shown: dict = env.temp_data["slidespec_shown"]
        helpers = helper_chain(proj.root, home, twin)
        new = [h for h in helpers if ("helper", h[0], h[1]) not in shown]
        old = [h for h in helpers if ("helper", h[0], h[1]) in shown]
        if new:
            blocks.append(_para("The helpers and kernels it calls:"))
        for file in dict.fromkeys(h[0] for h in new):
            part = [h for h in new if h[0] == file]
            for h in part:
                shown[("helper", h[0], h[1])] = True
                env.note_dependency(str(proj.root / h[0]))
            names = ", ".join(f"{h[1]} (lines {h[3]}–{h[4]})" for h in part)
            blocks.append(_para(_lit(file), f": {names}"))
            blocks.append(_code("\n\n\n".join(h[2] for h in part)))
        if old:
            names = [h[1] for h in old]
            listed = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            blocks.append(_para(f"It also uses {listed}: helpers shown with an earlier function "
                                f"on this page."))
        return _details([f"{label}: ", _lit(f"{f.name}()"), f" in {rel}"], blocks)

    def _tests(self, proj: Project, f: Func, cids, primitive: bool, loc) -> nodes.Node:
        env = self.env
        found = proj.tests_for(f.name)
        for cid in cids or ():
            found += [t for t in proj.tests_tagged(cid) if t not in found]
        strict = primitive and "tests-optional" not in self.options
        if not found:
            return _missing(env, loc, f"slidespec: no spec test named after {f.name} "
                            f"(test_{f.name}_<property>) in spec_tests/test_*.py yet", strict)
        shown: dict = env.temp_data["slidespec_shown"]
        blocks = []
        for t in found:
            key = ("test", t.rel, t.qualname)
            if key in shown:
                continue
            shown[key] = True
            env.note_dependency(str(t.path))
            blocks.append(_para(_lit(f"{t.rel}::{t.qualname.replace('.', '::')}"),
                                f" (lines {t.lineno}–{t.end_lineno})"))
            blocks.append(_code(t.source))
        names = sorted({t.rel for t in found})
        title = [f"Spec tests of {f.name} ({len(found)}) in ", _lit(", ".join(names))]
        if not blocks:
            blocks.append(_para("All of them are shown above on this page."))
        listing = nodes.bullet_list()
        for t in found:
            item = nodes.list_item()
            item += _para(_lit(t.name))
            listing += item
        return _details(title, [listing] + blocks)


# --------------------------------------------------------------------------- cross-table


def _row_cells(proj: Project, row: dict, tagged: dict[str, list[Func]]) -> list:
    cid = row["id"]
    funcs = tagged.get(cid, [])
    cells = []
    # ID (links to the lecture page's section, when there is one)
    ref = concept_ref("", "", kind="lecture", cid=cid)
    ref += nodes.literal(cid, cid)
    cells.append([nodes.target("", "", ids=[_anchor("table", cid)]), _para(ref)])
    cells.append([_inline(row["concept"])])
    cells.append([_inline(row["source"])])
    if not funcs:
        na = nodes.emphasis("not yet covered", "not yet covered")
        cells.append([_para(na)])
        cells += [[_para("—")] for _ in range(4)]
        return cells
    ref_p = nodes.paragraph()
    for i, f in enumerate(funcs):
        if i:
            ref_p += nodes.Text(", ")
        ref_p += _api_xref(f"{f.module}.{f.name}")
    cells.append([ref_p])
    for backend in BACKENDS:
        p = nodes.paragraph()
        items = []
        for f in funcs:
            if f.name not in proj.primitives:
                continue
            _, m, twin = proj.twin(backend, f)
            if twin is not None:
                items.append(_api_xref(f"accelerated.{backend}.{m.module.split('.', 2)[-1]}.{f.name}"))
            else:
                items.append(nodes.emphasis(f"{f.name}: missing", f"{f.name}: missing"))
        if not items:
            any_backend = any("backend" in f.params for f in funcs)
            text = "any backend (backend=)" if any_backend else "n/a (helper)"
            items.append(nodes.Text(text))
        for i, item in enumerate(items):
            if i:
                p += nodes.Text(", ")
            p += item
        cells.append([p])
    tests = []
    for f in funcs:
        tests += proj.tests_for(f.name)
    tests += proj.tests_tagged(cid)
    tests = list({(t.rel, t.qualname): t for t in tests}.values())
    if tests:
        files = sorted({t.rel.rsplit("/", 1)[-1] for t in tests})
        p = _para(f"{len(tests)} in ", _lit(", ".join(files)))
        cells.append([p])
    else:
        cells.append([_para(nodes.emphasis("none yet", "none yet"))])
    tut = [m.rel for m in proj.tutorials if m.ok and re.search(rf"(?<![\w.]){re.escape(cid)}(?![\w])", m.text)]
    if tut:
        p = nodes.paragraph()
        for i, t in enumerate(tut):
            if i:
                p += nodes.Text(", ")
            p += _lit(t)
        cells.append([p])
    else:
        cells.append([_para("—")])
    return cells


def _table(header: list[str], rows: list[list], widths: list[int], classes=()) -> nodes.table:
    table = nodes.table(classes=["slidespec-table", *classes])
    group = nodes.tgroup(cols=len(header))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    thead = nodes.thead()
    group += thead
    hrow = nodes.row()
    for h in header:
        entry = nodes.entry()
        entry += _para(h)
        hrow += entry
    thead += hrow
    tbody = nodes.tbody()
    group += tbody
    for cells in rows:
        r = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            for n in cell:
                entry += n
            r += entry
        tbody += r
    return table


class ConceptTableDirective(SphinxDirective):
    has_content = False
    option_spec = {"summary-only": directives.flag}

    def run(self):
        env = self.env
        proj = _project(env)
        _record(env, env.docname, "uses", None)
        snap = Path(env.app.confdir) / "concepts.csv"
        env.note_dependency(str(snap))
        rows = concept_snapshot.read(snap)
        known = {r["id"] for r in rows}
        tagged: dict[str, list[Func]] = {}
        for f in sorted(proj.ref_funcs.values(), key=lambda f: (f.rel, f.lineno)):
            for cid in f.tags:
                tagged.setdefault(cid, []).append(f)
        loc = self.get_location()
        # Tags that name no catalogue ID, anywhere in the code.
        strays = []
        sources = [(f.rel, f.name, f.tags) for f in proj.ref_funcs.values()]
        sources += [(t.rel, t.qualname, t.tags) for t in proj.tests]
        for backend in BACKENDS:
            for path in sorted((proj.root / "accelerated" / backend).rglob("*.py")):
                m = scan(proj.root, path)
                sources += [(m.rel, f.name, f.tags) for f in m.functions.values()]
        for rel, name, tags in sources:
            for cid in tags:
                if cid not in known:
                    strays.append((rel, name, cid))
        for rel, name, cid in strays:
            logger.warning(f"slidespec: {rel}: {name} is tagged 'Concept: {cid}', which is not an ID "
                           f"of docs/concepts.csv (a typo, or refresh the snapshot with "
                           f"docs/_ext/concept_snapshot.py)", location=loc, type="slidespec", subtype="tag")
        out: list[nodes.Node] = []
        covered = [r for r in rows if r["id"] in tagged]
        out.append(_para(f"{len(covered)} of the catalogue's {len(rows)} concepts have a reference "
                         f"function so far; the rest are marked not yet covered."))
        # Summary per section
        sections = list(dict.fromkeys(r["section"] for r in rows))
        srows = []
        for sec in sections:
            sec_rows = [r for r in rows if r["section"] == sec]
            n = sum(r["id"] in tagged for r in sec_rows)
            srows.append([[_para(sec)], [_para(f"{n} / {len(sec_rows)}")]])
        out.append(_table(["section", "covered"], srows, [60, 15], classes=["slidespec-summary"]))
        if "summary-only" in self.options:
            return out
        header = ["ID", "concept", "slide (source)", "reference", "cpu", "cuda", "spec tests", "tutorial"]
        for sec in sections:
            sec_id = nodes.make_id(f"concepts-{sec}")
            section = nodes.section(ids=[sec_id])
            section += nodes.title(sec, sec)
            body = [_row_cells(proj, r, tagged) for r in rows if r["section"] == sec]
            section += _table(header, body, [10, 20, 16, 14, 10, 10, 12, 8], classes=["slidespec-concepts"])
            out.append(section)
        for r in rows:
            _record(env, env.docname, ("table", r["id"]), _anchor("table", r["id"]))
        return out


# --------------------------------------------------------------------------- env bookkeeping


def _record(env, docname, key, anchor):
    data = env.__dict__.setdefault("slidespec_data", {})
    data.setdefault(docname, {})[key] = anchor


def _purge(app, env, docname):
    data = getattr(env, "slidespec_data", None)
    if data:
        data.pop(docname, None)


def _merge(app, env, docnames, other):
    data = env.__dict__.setdefault("slidespec_data", {})
    for doc in docnames:
        if doc in getattr(other, "slidespec_data", {}):
            data[doc] = other.slidespec_data[doc]


def _always_outdated(app, env, added, changed, removed):
    """Pages built from the source tree are re-read on every build: new files show up."""
    data = getattr(env, "slidespec_data", {})
    return [doc for doc in data if doc not in removed and doc in env.found_docs]


class ConceptLinks(SphinxPostTransform):
    """Turn :class:`concept_ref` placeholders into links, once every page has been read."""

    default_priority = 5

    def run(self, **kwargs):
        data = getattr(self.env, "slidespec_data", {})
        where = {}
        for doc, keys in data.items():
            for key, anchor in keys.items():
                if isinstance(key, tuple):
                    where.setdefault(key, (doc, anchor))
        for node in list(self.document.findall(concept_ref)):
            hit = where.get((node["kind"], node["cid"]))
            if hit is None:
                node.replace_self(node.children)
                continue
            doc, anchor = hit
            if doc == self.env.docname:
                ref = nodes.reference("", "", refid=anchor, internal=True)
            else:
                uri = self.app.builder.get_relative_uri(self.env.docname, doc)
                ref = nodes.reference("", "", refuri=f"{uri}#{anchor}", internal=True)
            ref += node.children
            node.replace_self(ref)


# --------------------------------------------------------------------------- API pages


API_PAGES = {
    "reference": ("reference", "The readable specification, in pure NumPy: one module per lecture "
                  "topic. Every public function validates its arguments through "
                  "{py:mod}`reference._check`, so every backend raises the same message."),
    "accelerated.cpu": ("accelerated/cpu", "The Numba CPU backend (`@njit(cache=True)`): the same "
                        "module files, function names and parameter names as `reference`. Select it "
                        "with `accelerated.backend(\"cpu\")`."),
    "accelerated.cuda": ("accelerated/cuda", "The CUDA backend (numba-cuda kernels): the same module "
                         "files, function names and parameter names as `reference`, plus "
                         "`to_device`/`to_host`. Documenting it imports `numba.cuda`, which needs no "
                         "GPU; running it needs one, or the simulator (`NUMBA_ENABLE_CUDASIM=1`)."),
}


def _automodule(dotted: str, package: bool) -> list[str]:
    # autodoc writes reStructuredText: in a MyST page it must sit in an eval-rst block.
    lines = ["```{eval-rst}", ".. automodule:: " + dotted, "   :members:"]
    if not package:
        return lines + ["```", ""]
    # A package: its own members only. Its __all__ re-exports are documented where they
    # are defined, and listed here with links.
    lines += ["   :ignore-module-all:", "```", ""]
    exports = _exports(dotted)
    if exports:
        lines += [f"`{dotted}` exports these names (`from {dotted} import ...`), each documented "
                  "in the module that defines it:", ""]
        lines += [f"- {{py:{role}}}`{name} <{target}>`" for name, role, target in exports]
        lines.append("")
    return lines


def _api_markdown(root: Path, package: str, rel: str, intro: str) -> str:
    pkg_dir = root / rel
    lines = [f"# `{package}`", "", intro, ""]
    if not (pkg_dir / "__init__.py").is_file():
        lines += [f"*`{rel}/` does not exist in this checkout yet.*", ""]
        return "\n".join(lines)
    lines += _automodule(package, True)
    mods = []
    for path in sorted(pkg_dir.rglob("*.py")):
        if "__pycache__" in path.parts or path == pkg_dir / "__init__.py":
            continue
        dotted = _dotted(root, path)
        private = any(p.startswith("_") and p != "__init__" for p in dotted.split("."))
        mods.append((private, dotted, path.name == "__init__.py"))
    for private, dotted, is_pkg in sorted(mods, key=lambda m: (m[0], m[1])):
        lines += [f"## `{dotted}`", ""]
        if private:
            lines += ["Internal module (its name starts with `_`): documented for readers of the code.", ""]
        lines += _automodule(dotted, is_pkg)
    return "\n".join(lines)


def _exports(package: str) -> list[tuple[str, str, str]]:
    """``(name, role, full target)`` for each name in a package's ``__all__`` defined elsewhere."""
    import importlib
    import inspect

    try:
        mod = importlib.import_module(package)
    except Exception:                      # autodoc reports the import error itself
        return []
    out = []
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name, None)
        where = getattr(obj, "__module__", None) if callable(obj) else None
        if where and where != package and where.startswith(package.split(".")[0]):
            role = "class" if inspect.isclass(obj) else "func"
            out.append((name, role, f"{where}.{name}"))
    return out


def _write_api_pages(app):
    root = Path(app.confdir).resolve().parent
    outdir = Path(app.confdir) / "generated" / "api"
    outdir.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for package, (rel, intro) in API_PAGES.items():
        name = f"{package}.md"
        wanted.add(name)
        text = ("<!-- Generated by docs/_ext/slidespec_docs.py at build time; do not edit. -->\n"
                + _api_markdown(root, package, rel, intro))
        path = outdir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for stale in outdir.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()


# --------------------------------------------------------------------------- re-exported names


_REPORTED: set[str] = set()


def _own_doc(docname: str) -> bool:
    return not docname.startswith("generated/")


def _missing_reference(app, env, node, contnode):
    """Resolve ``reference.linear_forward`` to ``reference.linear.linear_forward``.

    The packages re-export their modules' functions (``from reference import mse``), but
    each function is documented once, where it is defined. A Python reference to the
    re-exported name is resolved to the one documented object below that package. An
    unresolvable reference to a ``reference.*`` or ``accelerated.*`` name on a hand-written
    page is a warning (docstrings are left to Sphinx's own ``nitpicky`` mode).
    """
    if node.get("refdomain") != "py":
        return None
    from sphinx.util.nodes import make_refnode

    target = node.get("reftarget", "")
    py = env.get_domain("py")
    if "." in target:
        prefix, last = target.rsplit(".", 1)
        found = [n for n in py.objects
                 if n.startswith(prefix + ".") and n.endswith("." + last) and not py.objects[n].aliased]
        if len(found) == 1:
            entry = py.objects[found[0]]
            return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, found[0])
    project_name = target.split(".")[0] in ("reference", "accelerated")
    if project_name and _own_doc(node.get("refdoc", "")) and target not in _REPORTED:
        _REPORTED.add(target)           # once per name: a failed import would repeat it everywhere
        logger.warning(f"slidespec: Python reference {target!r} is not documented in the API pages",
                       location=node, type="slidespec", subtype="ref")
    return None


# --------------------------------------------------------------------------- setup


def setup(app):
    app.add_config_value("slidespec_missing", "warning", "env")
    app.add_node(details, html=(_visit_details_html, _depart_details_html),
                 latex=(_visit_pass, _depart_pass), text=(_visit_pass, _depart_pass),
                 man=(_visit_pass, _depart_pass), texinfo=(_visit_pass, _depart_pass))
    app.add_node(summary, html=(_visit_summary_html, _depart_summary_html),
                 latex=(_visit_pass, _depart_pass), text=(_visit_pass, _depart_pass),
                 man=(_visit_pass, _depart_pass), texinfo=(_visit_pass, _depart_pass))
    app.add_node(concept_ref)
    app.add_directive("spec", SpecDirective)
    app.add_directive("concept-table", ConceptTableDirective)
    app.add_post_transform(ConceptLinks)
    app.connect("builder-inited", _write_api_pages)
    app.connect("missing-reference", _missing_reference)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _always_outdated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
