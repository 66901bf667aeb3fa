"""The backend flag (``accelerated.backend``) and what every backend must expose."""

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import accelerated
import reference
from reference import FAMILIES, PRIMITIVES

from . import tolerance as T
from .conftest import _has_nvidia_driver

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(code, **env):
    """Run ``code`` in a fresh interpreter (so Numba reads its settings anew); returns the completed process."""
    full_env = {k: v for k, v in os.environ.items() if k != "SLIDESPEC_BACKEND"}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=300)


def test_backend_default_reads_environment(monkeypatch):
    """accelerated.backend(None) reads SLIDESPEC_BACKEND (case and spaces forgiven), then defaults to reference."""
    monkeypatch.delenv("SLIDESPEC_BACKEND", raising=False)
    assert accelerated.backend(None).name == "reference"
    assert accelerated.backend().name == "reference"
    monkeypatch.setenv("SLIDESPEC_BACKEND", " CPU ")
    assert accelerated.backend(None).name == "cpu"
    monkeypatch.setenv("SLIDESPEC_BACKEND", "reference")
    assert accelerated.backend(None).name == "reference"


def test_backend_unknown_name_lists_valid_ones(monkeypatch):
    """accelerated.backend with an unknown name (argument or environment) raises ValueError listing the valid names."""
    with pytest.raises(ValueError) as info:
        accelerated.backend("gpu")
    message = str(info.value)
    assert message.startswith("backend: unknown backend 'gpu'")
    assert all(repr(name) in message for name in ("reference", "cpu", "cuda"))
    monkeypatch.setenv("SLIDESPEC_BACKEND", "numpy")
    with pytest.raises(ValueError, match=r"\$SLIDESPEC_BACKEND.*'reference', 'cpu', 'cuda'"):
        accelerated.backend(None)
    with pytest.raises(ValueError, match="valid backends are"):
        accelerated.backend(3)


def test_backend_returns_a_backend_unchanged(B):
    """accelerated.backend(a_backend) returns it unchanged, and a name always gives the same namespace."""
    assert accelerated.backend(B) is B
    assert accelerated.backend(B.name) is B
    assert repr(B) == f"<slidespec backend {B.name!r}>"


@pytest.mark.skipif(_has_nvidia_driver(), reason="a real GPU is present: the cuda backend loads")
def test_backend_cuda_without_gpu_says_how_to_simulate():
    """accelerated.backend("cuda") with no GPU and the simulator off raises an error naming NUMBA_ENABLE_CUDASIM=1."""
    proc = _run("""
        import accelerated
        try:
            accelerated.backend("cuda")
        except Exception as exc:
            print(type(exc).__name__ + ": " + str(exc))
        else:
            print("no error")
        print(accelerated.available())
    """, NUMBA_ENABLE_CUDASIM="0")
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.splitlines()[:2]
    assert first.startswith("RuntimeError: backend 'cuda'") and "NUMBA_ENABLE_CUDASIM=1" in first
    assert second == "['reference', 'cpu']"


@pytest.mark.parametrize("family", list(FAMILIES))
def test_backend_exposes_every_primitive_with_reference_signature(B, family):
    """Every name of a family of reference.FAMILIES is on every backend, from the backend's module of that family.

    Each is callable, is the object that module defines (``accelerated.cpu.losses.mse`` is
    ``accelerated.backend("cpu").mse``) and has the reference's signature.
    """
    module = importlib.import_module(f"{B.module.__name__}.{family}")
    for name in FAMILIES[family]:
        fn = getattr(B, name)
        assert callable(fn), f"{B.name}.{name} is not callable"
        assert fn is getattr(module, name), f"{B.name}.{name} is not {module.__name__}.{name}"
        assert inspect.signature(fn) == inspect.signature(getattr(reference, name)), f"{B.name}.{name}"


def test_backend_exports_the_primitives_in_all(B):
    """A backend's __all__ is reference.PRIMITIVES (family by family) and then its own extras, each once;
    it has to_device/to_host, and an unknown name raises AttributeError naming the backend."""
    exported = list(B.module.__all__)
    assert exported[:len(PRIMITIVES)] == list(PRIMITIVES)
    assert len(set(exported)) == len(exported), f"{B.name}: a name is exported twice"
    assert all(hasattr(B.module, name) for name in exported)
    assert callable(B.to_device) and callable(B.to_host)
    with pytest.raises(AttributeError, match=f"backend {B.name!r} has no function 'no_such_primitive'"):
        B.no_such_primitive


def test_backend_families_are_the_family_modules():
    """reference.FAMILIES names every primitive once, and exactly the modules and public functions there are.

    Each family's names are the public functions that reference/<family>.py defines (a primitive
    added to a module but not to FAMILIES, or the reverse, fails here; host-side helpers such as
    the dropout mask live in reference.data), and the public modules of accelerated/cpu and
    accelerated/cuda are exactly the families.
    """
    assert PRIMITIVES == tuple(name for names in FAMILIES.values() for name in names)
    assert len(set(PRIMITIVES)) == len(PRIMITIVES), "a primitive is listed in two families"
    for family, names in FAMILIES.items():
        module = importlib.import_module(f"reference.{family}")
        defined = {name for name, obj in vars(module).items()
                   if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_")}
        assert defined == set(names), (
            f"reference/{family}.py defines the public functions {sorted(defined - set(names))} that "
            f"reference.FAMILIES[{family!r}] does not list, and lacks {sorted(set(names) - defined)}")
    for backend in ("cpu", "cuda"):
        folder = os.path.join(ROOT, "accelerated", backend)
        modules = {m.name for m in pkgutil.iter_modules([folder]) if not m.name.startswith("_")}
        assert modules == set(FAMILIES), f"accelerated/{backend}: modules {sorted(modules)}, families {list(FAMILIES)}"


def test_backend_export_families_names_backend_module_and_missing_name(tmp_path, monkeypatch):
    """export_families binds exactly a family's names; a missing module, a missing name or one that is not
    a function raises ImportError naming the backend, the module and the name."""
    from reference._families import export_families

    pkg = tmp_path / "slidespec_fake_backend"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "alpha.py").write_text("def f(x):\n    return x\n\n\ndef _private():\n    pass\n\n\nn = 3\n")
    (pkg / "gamma.py").write_text("import slidespec_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("slidespec_fake_backend")]:
        monkeypatch.delitem(sys.modules, name)
    namespace = {"__name__": "slidespec_fake_backend"}
    assert export_families(namespace, "fake", {"alpha": ("f",)}) == ["f"]
    assert namespace["f"](5) == 5 and "_private" not in namespace and "n" not in namespace
    with pytest.raises(ImportError, match=r"^backend 'fake': slidespec_fake_backend\.alpha defines no 'g', 'h'; "
                                          r"reference\.FAMILIES\['alpha'\] lists them"):
        export_families({"__name__": "slidespec_fake_backend"}, "fake", {"alpha": ("f", "g", "h")})
    with pytest.raises(ImportError, match=r"^backend 'fake': slidespec_fake_backend has no module 'beta'; .* "
                                          r"slidespec_fake_backend/beta\.py must define conv2d_forward"):
        export_families({"__name__": "slidespec_fake_backend"}, "fake", {"beta": ("conv2d_forward",)})
    with pytest.raises(ImportError, match=r"^backend 'fake': slidespec_fake_backend\.alpha\.n is not callable \(it is of type int\)"):
        export_families({"__name__": "slidespec_fake_backend"}, "fake", {"alpha": ("n",)})
    # A family module that exists but fails to import keeps its own error.
    with pytest.raises(ModuleNotFoundError, match="slidespec_no_such_dependency"):
        export_families({"__name__": "slidespec_fake_backend"}, "fake", {"gamma": ("f",)})


def test_backend_tolerance_modules_cover_their_family():
    """spec_tests/tolerance/ has a module per family of reference.FAMILIES, whose TOLERANCES lists exactly
    that family's primitives, with a bound and a justification each; its primitive bounds are its family's.

    The package re-exports every family module's public names (``T.softmax_forward``), and its merged
    TOLERANCES is every primitive's.
    """
    folder = os.path.join(ROOT, "spec_tests", "tolerance")
    modules = {m.name for m in pkgutil.iter_modules([folder]) if not m.name.startswith("_")}
    assert modules == set(FAMILIES) | {"core"}, f"spec_tests/tolerance: modules {sorted(modules)}"
    for family, names in FAMILIES.items():
        module = importlib.import_module(f"{T.__name__}.{family}")
        listed = set(module.TOLERANCES)
        assert listed == set(names), (f"spec_tests/tolerance/{family}.py: TOLERANCES lacks "
                                      f"{sorted(set(names) - listed)} and lists {sorted(listed - set(names))}, "
                                      f"not of this family")
        for name, entry in module.TOLERANCES.items():
            assert len(entry) == 2 and all(isinstance(t, str) and t.strip() for t in entry), name
        bounds = {n for n, obj in vars(module).items() if inspect.isfunction(obj) and obj.__module__ == module.__name__}
        strays = (bounds & set(PRIMITIVES)) - set(names)
        assert not strays, f"spec_tests/tolerance/{family}.py bounds {sorted(strays)} of another family"
        for name, obj in vars(module).items():
            if not name.startswith("_") and name != "TOLERANCES" and not inspect.ismodule(obj):
                assert getattr(T, name, None) is obj, f"spec_tests.tolerance does not re-export {family}.{name}"
    order = {name: k for k, names in enumerate(FAMILIES.values()) for name in names}
    ranks = [order[name] for name in T.TOLERANCES]
    assert ranks == sorted(ranks), "spec_tests.tolerance.TOLERANCES is not merged family by family"
    assert set(T.TOLERANCES) == set(PRIMITIVES)


def test_backend_to_device_to_host_round_trip(B):
    """to_host(to_device(a)) gives back a's values, shape and dtype (a strided view and a 0-d scalar included)."""
    for dtype in (np.float32, np.float64):
        a = np.arange(12, dtype=dtype).reshape(3, 4)[:, ::2]
        back = B.to_host(B.to_device(a))
        assert isinstance(back, np.ndarray) and back.dtype == dtype
        np.testing.assert_array_equal(back, a)
        s = B.to_host(B.to_device(np.asarray(2.5, dtype=dtype)))
        assert np.ndim(s) == 0 and np.asarray(s).dtype == dtype and float(s) == 2.5


def test_backend_device_arrays_round_trip_through_primitives(A, R):
    """Primitives given to_device arrays return what the host call returns, after to_host.

    cuda keeps the results on the device; elsewhere to_device is the identity.
    """
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]])
    w, b = np.array([0.5, -1.5]), np.asarray(0.25)
    y_dev, cache = A.linear_forward(A.to_device(x), A.to_device(w), A.to_device(b))
    y_host, cache_h = A.linear_forward(x, w, b)
    np.testing.assert_array_equal(A.to_host(y_dev), y_host)
    dy = np.array([1.0, -2.0, 0.5])
    for g_dev, g_host in zip(A.linear_backward(A.to_device(dy), cache), A.linear_backward(dy, cache_h)):
        np.testing.assert_array_equal(np.asarray(A.to_host(g_dev)), np.asarray(g_host))
    y_hat = np.array([1.0, 0.0, 2.0])
    p_dev, L_dev = A.network_epoch(A.to_device(x), A.to_device(y_hat), A.to_device(w), A.to_device(b),
                                   batch_size=2, eta=0.1)
    p_ref, L_ref = R.network_epoch(x, y_hat, w, b, batch_size=2, eta=0.1)
    p_bound, L_bound = T.network_epoch(x, y_hat, (w, b), None, 2, 0.1)
    T.assert_close(f"{A.name}.network_epoch losses", np.asarray(A.to_host(L_dev)), L_ref, L_bound)
    for k, (p, q, bd) in enumerate(zip(p_dev, p_ref, p_bound)):
        T.assert_close(f"{A.name}.network_epoch param {k}", np.asarray(A.to_host(p)), np.asarray(q), bd)


def test_backend_import_compiles_nothing():
    """Importing accelerated, accelerated.cpu and accelerated.cuda compiles no kernel.

    In a fresh interpreter, every Numba dispatcher in the packages has no compiled signature after import.
    """
    proc = _run("""
        import sys, types
        import accelerated, accelerated.cpu
        try:
            import accelerated.cuda
        except Exception as exc:
            print("cuda not importable:", exc, file=sys.stderr)
        from numba.core.dispatcher import Dispatcher
        try:
            from numba.cuda.dispatcher import CUDADispatcher
        except Exception:
            CUDADispatcher = ()
        found, compiled = 0, []
        for mod_name, mod in list(sys.modules.items()):
            if not mod_name.startswith("accelerated") or not isinstance(mod, types.ModuleType):
                continue
            for attr, obj in vars(mod).items():
                if isinstance(obj, Dispatcher):
                    found += 1
                    if obj.signatures:
                        compiled.append(f"{mod_name}.{attr}: {obj.signatures}")
                elif CUDADispatcher and isinstance(obj, CUDADispatcher):
                    found += 1
                    if obj.overloads:
                        compiled.append(f"{mod_name}.{attr}: {list(obj.overloads)}")
        print(found)
        print(compiled)
    """)
    assert proc.returncode == 0, proc.stderr
    found, compiled = proc.stdout.splitlines()[-2:]
    assert int(found) > 0, "no Numba dispatcher found in accelerated.cpu: the check would be vacuous"
    assert compiled == "[]", f"compiled at import: {compiled}"


def test_backend_device_arrays_bad_input_same_error(A, R):
    """Device arrays get the reference's ValueError text for the same bad input.

    Rank, mismatched D, dtype and upstream-gradient shape, handed over with to_device.
    """
    from .helpers import error_of

    x3 = np.zeros((3, 28, 28))
    x, w = np.ones((3, 2)), np.ones(3)
    cases = [("linear_forward", (x3, np.ones(28), 0.0)), ("linear_forward", (x, w, 0.0)),
             ("mse", (np.ones(3), np.ones(3, np.float32))), ("relu_forward", (np.arange(3),)),
             ("gd_step", (np.ones(2), np.ones(3), 0.1))]
    for name, args in cases:
        want = error_of(getattr(R, name), *args)
        got = error_of(getattr(A, name), *[A.to_device(a) if isinstance(a, np.ndarray) else a for a in args])
        assert got == want, f"{A.name}.{name} with device arrays says {got!r}; the reference says {want!r}"
    _, cache = A.linear_forward(A.to_device(x), A.to_device(np.ones(2)), 0.0)
    got = error_of(A.linear_backward, A.to_device(np.ones(4)), cache)
    assert got == "linear_backward: dy must be (3,) like the forward's output; got (4,)"


def test_backend_device_arrays_round_trip_through_classifier_primitives(A, R):
    """softmax, the fused cross entropy, mlp_forward/backward and mlp_epoch accept to_device arrays.

    They return what the reference returns (after to_host) within the bounds; the loss is a host NumPy scalar.
    """
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]])
    y_hat = np.eye(3)[[0, 2, 1]]
    params = (np.array([[0.5, -1.0], [1.0, 0.25]]), np.array([0.1, -0.2]),
              np.array([[1.0, -1.0], [0.5, 0.5], [-0.25, 2.0]]), np.array([0.0, 0.1, -0.1]))
    dev = [A.to_device(p) for p in params]
    host = lambda a: np.asarray(A.to_host(a))
    y, _ = A.softmax_forward(A.to_device(x))
    T.assert_close(f"{A.name}.softmax_forward (device)", host(y), R.softmax_forward(x)[0], T.softmax_forward(x))
    L, g = A.softmax_cross_entropy(A.to_device(x[:, :2]), A.to_device(np.eye(2)[[0, 1, 1]]))
    L_ref, g_ref = R.softmax_cross_entropy(x[:, :2], np.eye(2)[[0, 1, 1]])
    L_bound, g_bound = T.softmax_cross_entropy(x[:, :2], np.eye(2)[[0, 1, 1]])
    assert isinstance(L, np.generic), f"{A.name}.softmax_cross_entropy: L must be a host NumPy scalar"
    T.assert_close(f"{A.name}.softmax_cross_entropy L (device)", L, L_ref, L_bound)
    T.assert_close(f"{A.name}.softmax_cross_entropy dL/dz (device)", host(g), g_ref, g_bound)
    y, cache = A.mlp_forward(A.to_device(x), *dev, activation="tanh")
    y_bound, back = T.mlp_forward(x, params, "tanh", "softmax")
    T.assert_close(f"{A.name}.mlp_forward (device)", host(y), R.mlp_forward(x, *params, activation="tanh")[0], y_bound)
    dy = np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5], [0.0, 2.0, 0.0]])
    want = R.mlp_backward(dy, R.mlp_forward(x, *params, activation="tanh")[1])
    for k, (g, r, bd) in enumerate(zip(A.mlp_backward(A.to_device(dy), cache), want, back(dy))):
        T.assert_close(f"{A.name}.mlp_backward gradient {k} (device)", host(g), r, bd)
    p_dev, L_dev = A.mlp_epoch(A.to_device(x), A.to_device(y_hat), *dev, batch_size=2, eta=0.1)
    p_ref, L_ref = R.mlp_epoch(x, y_hat, *params, batch_size=2, eta=0.1)
    p_bound, L_bound = T.mlp_epoch(x, y_hat, params, None, 2, 0.1)
    T.assert_close(f"{A.name}.mlp_epoch losses (device)", host(L_dev), L_ref, L_bound)
    for k, (p, q, bd) in enumerate(zip(p_dev, p_ref, p_bound)):
        T.assert_close(f"{A.name}.mlp_epoch param {k} (device)", host(p), q, bd)


# -- the simulator's warning ----------------------------------------------------------------------

_SIMULATOR_WARNINGS = """
    import json, os, warnings
    import accelerated
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")             # every warning recorded, however often given
        accelerated.backend("reference")
        accelerated.backend("cpu")
        quiet = len(caught)
        {first}
        accelerated.backend("cuda")
        import accelerated.cuda
        from reference.keras import Sequential
        Sequential(backend="cuda")
        Sequential(backend="cuda")
    sim = [w for w in caught if issubclass(w.category, accelerated.SimulatorWarning)]
    print(json.dumps({{"quiet": quiet, "categories": [w.category.__qualname__ for w in sim],
                      "user": [issubclass(w.category, UserWarning) for w in sim],
                      "messages": [str(w.message) for w in sim],
                      "where": [(os.path.basename(w.filename), w.lineno) for w in sim]}}))
"""


@pytest.mark.skipif(_has_nvidia_driver(), reason="a real GPU is present: the cuda backend is not simulated")
@pytest.mark.parametrize("first", ["backend", "import"])
def test_backend_cuda_simulator_warns_once_per_process(first):
    """Under NUMBA_ENABLE_CUDASIM=1 the first use of the cuda backend warns once, with
    accelerated.SimulatorWarning (a UserWarning) saying the simulator is for testing, not
    speed, at the user's line; later uses (backend(), import, Sequential) and the other
    backends stay quiet."""
    first_use = {"backend": 'accelerated.backend("cuda")', "import": "from accelerated.cuda import relu_forward"}
    code = textwrap.dedent(_SIMULATOR_WARNINGS).format(first=first_use[first])
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**{k: v for k, v in os.environ.items() if k != "SLIDESPEC_BACKEND"},
                               "NUMBA_ENABLE_CUDASIM": "1"})
    assert proc.returncode == 0, proc.stderr
    import json
    got = json.loads(proc.stdout.splitlines()[-1])
    assert got["quiet"] == 0, "the reference or cpu backend gave a warning"
    assert got["categories"] == ["SimulatorWarning"], got
    assert got["user"] == [True]
    (message,) = got["messages"]
    assert message == accelerated.SIMULATOR_MESSAGE
    assert "simulator" in message and "NUMBA_ENABLE_CUDASIM=1" in message and "testing" in message
    first_line = code.splitlines().index(next(l for l in code.splitlines() if first_use[first] in l)) + 1
    assert got["where"] == [["<string>", first_line]], "the warning should point at the first use"


def test_backend_simulator_warning_given_once(monkeypatch):
    """warn_if_simulated warns with SimulatorWarning only under the simulator, and only the first time."""
    monkeypatch.setattr(accelerated, "_simulator_warned", False)
    monkeypatch.setattr(accelerated, "cuda_simulated", lambda: False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert accelerated.warn_if_simulated() is False          # a GPU (or no cuda): nothing to say
    monkeypatch.setattr(accelerated, "cuda_simulated", lambda: True)
    with pytest.warns(accelerated.SimulatorWarning, match="for testing") as record:
        assert accelerated.warn_if_simulated() is True
    assert len(record) == 1 and issubclass(record[0].category, UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert accelerated.warn_if_simulated() is False          # once per process
