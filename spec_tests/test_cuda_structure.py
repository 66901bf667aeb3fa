"""The cuda backend's structure: kernel families, the one activation table, the one block sum.

These tests hold the backend to its layout rather than to numbers (the numbers are
every other test's business): each kernel family of :mod:`accelerated.cuda._kernels`
(and :mod:`accelerated.cuda._optim_kernels`) builds at the tiny launch settings the
simulator uses; the codes the kernels take mean the activations
:mod:`reference.activation_table` names; the table is the only place that defines the
codes and the leaky slope (a scan of the sources' syntax trees); and one ``block_sum``
device function serves every block reduction.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import accelerated
from reference import activation_table as table

from . import tolerance as T

ROOT = Path(__file__).resolve().parent.parent
CUDA_DIR = ROOT / "accelerated" / "cuda"

pytestmark = pytest.mark.skipif("cuda" not in accelerated.available(),
                                reason="the cuda backend does not run here (no GPU, simulator off)")

DTYPES = (np.float32, np.float64)
#: The tiny launch settings of the simulator's tests (conftest's), at which every family must build.
TINY = dict(threads=2, tile=2)


def _families():
    """Every kernel family: ``(name, builder)`` for each ``build_*`` of _kernels, and _optim_kernels.build."""
    from accelerated.cuda import _kernels, _optim_kernels

    fams = [(name, fn) for name, fn in vars(_kernels).items()
            if name.startswith("build_") and inspect.isfunction(inspect.unwrap(fn))]
    fams.append(("optim_build", _optim_kernels.build))
    return sorted(fams)


def _build(builder, dtype):
    """Call a family builder with the tiny settings it takes (by parameter name)."""
    args = {"dtype": np.dtype(dtype).str, **TINY}
    params = inspect.signature(builder).parameters
    return builder(**{p: args[p] for p in params})


def _python_function(kernel):
    """The Python function a kernel or device function was made from (GPU dispatcher or simulator)."""
    return getattr(kernel, "py_func", None) or kernel.fn


def _is_device_function(k):
    if hasattr(k, "_device"):                        # the simulator's FakeCUDAKernel
        return bool(k._device)
    return bool(getattr(k, "targetoptions", {}).get("device", False))


def _closure(kernel, name):
    """The object a kernel's Python function closes over as ``name``."""
    fn = _python_function(kernel)
    return fn.__closure__[fn.__code__.co_freevars.index(name)].cell_contents


def _sources(*dirs, files=()):
    paths = [p for d in dirs for p in sorted((ROOT / d).rglob("*.py"))] + [ROOT / f for f in files]
    return [(p.relative_to(ROOT).as_posix(), ast.parse(p.read_text(), str(p))) for p in paths]


# -- the families -----------------------------------------------------------------------------------


#: The families (named here, not found at collection, so that collecting needs no numba-cuda).
FAMILIES = ("build_activations", "build_augment", "build_data", "build_dense", "build_descent",
            "build_linear_algebra", "build_losses", "build_polynomial", "build_regularize", "optim_build")


def test_kernel_families_are_found():
    """The families this file checks are exactly the builders the backend has (a new family is
    added to FAMILIES, and so gets the checks below)."""
    assert tuple(n for n, _ in _families()) == FAMILIES
    from accelerated.cuda import _kernels
    assert not hasattr(_kernels, "build"), "the one all-kernels build() should be gone"


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("family", FAMILIES)
def test_kernel_family_builds_at_tiny_launch_settings(family, dtype):
    """Each family builds for float32 and float64 at threads=2, tile=2: a namespace of kernels
    (not device functions), cached per dtype and setting, and each kernel is launched somewhere
    in the backend (no dead kernel)."""
    builder = dict(_families())[family]
    ns = _build(builder, dtype)
    kernels = vars(ns)
    assert kernels, f"{family} returned no kernel"
    for name, k in kernels.items():
        assert callable(_python_function(k)), f"{family}.{name} is not a kernel"
        assert not _is_device_function(k), f"{family}.{name} is a device function, not a kernel"
    assert _build(builder, dtype) is ns, f"{family} is not cached"
    other = _build(builder, np.float64 if dtype is np.float32 else np.float32)
    assert other is not ns, f"{family} returns the same kernels for two dtypes"
    callers = "\n".join(p.read_text() for p in sorted(CUDA_DIR.glob("*.py"))
                        if p.name not in ("_kernels.py", "_optim_kernels.py", "_device.py"))
    unused = [n for n in kernels if not re.search(rf"\.{n}\b", callers)]
    assert not unused, f"{family}: kernels launched nowhere: {unused}"


def test_kernel_families_are_documented():
    """The _kernels docstring names every kernel of every family (the reader's map of the file)."""
    from accelerated.cuda import _kernels

    doc = _kernels.__doc__
    for family, builder in _families():
        if family == "optim_build":
            continue
        section = doc.split(f":func:`{family}`", 1)
        assert len(section) == 2, f"{family} has no section in the _kernels docstring"
        text = re.split(r"\n:func:`build_", section[1], maxsplit=1)[0]
        missing = [n for n in vars(_build(builder, np.float64)) if f"``{n}``" not in text]
        assert not missing, f"{family}: kernels missing from its docstring section: {missing}"


def test_ops_accessors_follow_the_launch_settings():
    """_ops' per-family accessors hand out the family built for the current config."""
    from accelerated.cuda import _kernels, _ops, config

    with config.override(threads=4, tile=2):
        assert _ops.loss_kernels(np.float32) is _kernels.build_losses("<f4", 4, 2)
        assert _ops.linear_algebra_kernels(np.float64) is _kernels.build_linear_algebra("<f8", 2)
        assert _ops.descent_kernels(np.float64) is _kernels.build_descent("<f8", 4)
    with config.override(threads=8, tile=2):
        assert _ops.loss_kernels(np.float32) is not _kernels.build_losses("<f4", 4, 2)


# -- the activation table ------------------------------------------------------------------------------


def _grid(dtype):
    """Values on both sides of every kink (0 for the ReLUs, 1 for the hard sigmoid), none on one."""
    return (np.linspace(-3.0, 3.0, 41) + 0.0371).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", table.ACTIVATIONS)
def test_act_code_means_the_named_activation(name, dtype):
    """The cuda ``act``/``act_grad`` device functions (through act_forward/act_backward) and the
    cpu fused kernels, given a name's code from the table, compute that name's reference
    activation and gradient (each within its op's tolerance; the identity exactly)."""
    from accelerated.cpu import _fused
    from accelerated.cuda import _ops, config, to_device, to_host
    from reference.network import _ACTIVATION

    code = table.ACT_CODE[name]
    z = _grid(dtype)
    da = np.cos(3.0 * z).astype(dtype)
    forward, backward = _ACTIVATION[name]
    want_a, cache = forward(z)
    (want_dz,) = backward(da, cache)
    if name == "linear":
        bound_a = bound_dz = np.zeros(z.shape)
    elif name == "leaky_relu":
        bound_a, bound_dz = T.leaky_relu_forward(z, table.LEAKY_RELU_ALPHA), \
            T.leaky_relu_backward(da, z, table.LEAKY_RELU_ALPHA)
    else:
        bound_a, bound_dz = getattr(T, f"{name}_forward")(z), getattr(T, f"{name}_backward")(da, z)

    with config.override(**TINY):
        a_d = _ops.activation_forward(to_device(z), code)
        c_d = a_d if code in table.CACHES_OUTPUT else to_device(z)
        dz_d = _ops.activation_backward(to_device(da), c_d, code)
    T.assert_close(f"cuda act[{name}={code}]", to_host(a_d), want_a, bound_a)
    T.assert_close(f"cuda act_grad[{name}={code}]", to_host(dz_d), want_dz, bound_dz)

    # the cpu backend's fused kernels take the same codes (its derivative reads the output a)
    r = z.reshape(1, -1).copy()
    _fused.bias_activation(r, np.zeros(z.size, dtype), code)
    T.assert_close(f"cpu act[{name}={code}]", r[0], want_a, bound_a)
    dr, db = np.empty_like(r), np.empty(z.size, dtype)
    _fused.activation_grad(da.reshape(1, -1), r, code, dr, db)
    T.assert_close(f"cpu act_grad[{name}={code}]", dr[0], want_dz, bound_dz)


def test_activation_table_is_consistent():
    """Names, codes and outputs: distinct codes, the softmax an output only, every name of the
    reference networks' function tables in the activation table and no other."""
    from reference.network import _ACTIVATION, _OUTPUT

    assert tuple(_ACTIVATION) == table.ACTIVATIONS
    assert tuple(_OUTPUT) == table.OUTPUTS
    assert len(set(table.ACT_CODE.values())) == len(table.ACT_CODE)
    assert table.SOFTMAX not in table.ACT_CODE.values()
    for name, code in table.OUTPUT_CODE.items():
        assert table.ACT_CODE.get(name, code) == code, f"output {name!r} has a code of its own"
    assert set(table.CACHES_OUTPUT) <= set(table.ACT_CODE.values())


def test_leaky_slope_is_the_table_everywhere():
    """The leaky ReLU's default slope on every backend, and the slope the test bounds and the model
    layer use, are the table's LEAKY_RELU_ALPHA (the slide's 0.01)."""
    import reference.keras.layers as keras_layers

    assert table.LEAKY_RELU_ALPHA == 0.01
    for name in ("reference", "cpu", "cuda"):
        fn = accelerated.backend(name).leaky_relu_forward
        default = inspect.signature(fn).parameters["alpha"].default
        assert default == table.LEAKY_RELU_ALPHA, f"{name}.leaky_relu_forward: alpha={default}"
    assert T.LEAKY_ALPHA == table.LEAKY_RELU_ALPHA
    assert getattr(keras_layers, "LEAKY_RELU_ALPHA", table.LEAKY_RELU_ALPHA) == table.LEAKY_RELU_ALPHA


#: Names the table defines; nothing else may assign them a literal value.
_TABLE_NAMES = {"SIGMOID", "RELU", "HARD_SIGMOID", "LINEAR", "LEAKY_RELU", "TANH", "SOFTMAX",
                "ACT_CODE", "OUTPUT_CODE", "OUT_CODE", "CACHES_OUTPUT", "LEAK", "LEAKY_ALPHA",
                "LEAKY_RELU_ALPHA"}
#: The variables that hold an activation or loss code in the kernels and their callers.
_CODE_VARS = {"kind", "code", "act", "out_kind", "loss_kind"}


def _literal(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
        and not isinstance(node.value, bool)


def _scan(rel, tree):
    """The forbidden things in one parsed source, as ``"file:line: what"`` lines."""
    problems = []
    names = set(table.ACT_CODE) | set(table.OUTPUT_CODE)
    defaults = {id(d) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.Lambda))
                for d in f.args.defaults + f.args.kw_defaults if d is not None}
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Name) and s.id in _CODE_VARS for s in sides) and \
                    any(_literal(s) or (isinstance(s, (ast.Tuple, ast.Set, ast.List))
                                        and any(_literal(e) for e in s.elts)) for s in sides):
                problems.append(f"{rel}:{node.lineno}: a code compared with a bare number")
        elif isinstance(node, ast.Assign):
            targets = [e for t in node.targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
            if any(isinstance(t, ast.Name) and t.id in _TABLE_NAMES for t in targets) and \
                    any(_literal(v) for v in ast.walk(node.value)):
                problems.append(f"{rel}:{node.lineno}: defines a table name with a literal")
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if len(keys & names) >= 2 and all(_literal(v) for v in node.values):
                problems.append(f"{rel}:{node.lineno}: an activation-code map of its own")
        elif isinstance(node, ast.Constant) and node.value == 0.01 and id(node) not in defaults:
            problems.append(f"{rel}:{node.lineno}: the literal 0.01")
    return problems


def test_no_bare_activation_codes_or_slopes():
    """No source of the backends (or reference/network.py) compares a code variable with a bare
    number, gives a table name a literal value, spells a name -> integer activation map of its
    own, or writes the slope 0.01 outside a signature's default (which the test above pins)."""
    sources = _sources("accelerated", files=("reference/network.py",))
    assert any(rel == "accelerated/cuda/_device.py" for rel, _ in sources)
    problems = [p for rel, tree in sources for p in _scan(rel, tree)]
    assert not problems, "\n".join(problems)


def test_structure_scan_sees_what_it_forbids():
    """The scan flags each thing it forbids (so that its silence above means something), and
    passes the forms the backends use (named codes, a literal signature default)."""
    bad = ast.parse("if kind == 4:\n    pass\n"
                    "ok = code in (0, 5)\n"
                    "LEAK = 0.01\n"
                    "M = {'relu': 1, 'tanh': 5}\n"
                    "y = 0.01 * z\n")
    assert sorted(p.split(": ", 1)[1] for p in _scan("bad.py", bad)) == [
        "a code compared with a bare number", "a code compared with a bare number",
        "an activation-code map of its own", "defines a table name with a literal",
        "the literal 0.01", "the literal 0.01"]                     # LEAK = 0.01 is both
    good = ast.parse("if kind == RELU:\n    pass\n"
                     "def leaky_relu_forward(z, alpha=0.01):\n    return z\n"
                     "ACT = {'relu': (relu_forward, relu_backward), 'tanh': (tanh_forward, tanh_backward)}\n")
    assert _scan("good.py", good) == []


# -- one block sum -----------------------------------------------------------------------------------


def test_one_block_sum_serves_every_block_reduction():
    """The block tree-sum (a ``block_sum`` that synchronises the block) is written once, in
    _device.py, and the loss kernels, the descent step and the optimizer's clipping norm, built
    for the same block size, close over that very device function."""
    from accelerated.cuda import _device, _kernels, _optim_kernels

    def syncs(fn):
        return any(isinstance(n, ast.Attribute) and n.attr == "syncthreads" for n in ast.walk(fn))

    defs = [f"{rel}:{node.lineno}" for rel, tree in _sources("accelerated/cuda")
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name == "block_sum" and syncs(node)
            and not any(isinstance(inner, ast.FunctionDef) and inner is not node for inner in ast.walk(node))]
    assert len(defs) == 1 and defs[0].startswith("accelerated/cuda/_device.py"), defs
    shared = _device.block_sum(TINY["threads"])
    users = [_kernels.build_losses("<f4", 2, 2).loss_partial, _kernels.build_losses("<f8", 2, 2).softmax_xent,
             _kernels.build_descent("<f4", 2).lgd_update, _optim_kernels.build("<f4", 2).sumsq,
             _optim_kernels.build("<f8", 2).finish_norm]
    for k in users:
        assert _closure(k, "block_sum") is shared
    assert _device.block_sum(4) is not shared          # a constant of the block size: one per size


def test_one_act_serves_activations_and_dense_layers():
    """The activation kernels, the fused dense-layer kernels and standout's gate call the same act and act_grad."""
    from accelerated.cuda import _device, _kernels

    for dt in ("<f4", "<f8"):
        shared = _device.activation(dt)
        assert _closure(_kernels.build_activations(dt).act_forward, "act") is shared.act
        assert _closure(_kernels.build_dense(dt).bias_act, "act") is shared.act
        assert _closure(_kernels.build_dense(dt).readout_act_bwd, "act_grad") is shared.act_grad
        assert _closure(_kernels.build_regularize(dt, TINY["threads"]).standout_gate, "act") is shared.act
        assert _closure(_kernels.build_activations(dt).act_backward, "act_grad") is shared.act_grad
