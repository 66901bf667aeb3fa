"""Export a backend's primitives from :data:`reference.FAMILIES`, the one list of them.

Every backend package (``reference``, ``accelerated.cpu``, ``accelerated.cuda``) holds one
module per lecture family, named as the family (``activations.py``, ``losses.py``, ...).
Its ``__init__.py`` calls :func:`export_families`, which imports each family module and
binds exactly the family's names in the package, so that ``from accelerated.cpu import
relu_forward`` and ``accelerated.backend("cpu").relu_forward`` work, and returns them for
the package's ``__all__``. A primitive is added by defining it in the family module of
each backend and naming it in :data:`reference.FAMILIES`; a family, by one more entry
there and its module in each backend.

Importing a family module compiles nothing (the kernels compile on their first call).
"""

from __future__ import annotations

import importlib


def export_families(namespace: dict, backend: str, families=None) -> list[str]:
    """Bind every primitive of every family in a backend package's namespace.

    Parameters
    ----------
    namespace : dict
        The package's ``globals()``; its ``__name__`` names the package whose family
        modules are imported (``accelerated.cpu`` imports ``accelerated.cpu.losses``...).
    backend : str
        The backend's name, for error messages (``"reference"``, ``"cpu"``, ``"cuda"``).
    families : dict of str to tuple of str, optional
        Family module name -> the primitives it defines. Default :data:`reference.FAMILIES`.

    Returns
    -------
    list of str
        The primitive names, family by family in the order of ``families`` (the
        order of :data:`reference.PRIMITIVES`): the package's ``__all__`` starts with them.

    Raises
    ------
    ImportError
        When a family module does not exist, or does not define one of its names,
        or defines one that is not callable. The message names the backend, the
        module and every missing name.
    """
    if families is None:
        from reference import FAMILIES as families
    package = namespace["__name__"]
    exported = []
    for family, names in families.items():
        module_name = f"{package}.{family}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:      # the module exists; something it imports does not
                raise
            raise ImportError(
                f"backend {backend!r}: {package} has no module {family!r}; reference.FAMILIES lists the "
                f"family {family!r}, so {package.replace('.', '/')}/{family}.py must define "
                f"{', '.join(names)}") from None
        missing = [name for name in names if not hasattr(module, name)]
        if missing:
            raise ImportError(
                f"backend {backend!r}: {module_name} defines no {', '.join(repr(n) for n in missing)}; "
                f"reference.FAMILIES[{family!r}] lists {'them' if len(missing) > 1 else 'it'}, so every "
                f"backend's {family} module must define {'them' if len(missing) > 1 else 'it'}")
        for name in names:
            obj = getattr(module, name)
            if not callable(obj):
                raise ImportError(f"backend {backend!r}: {module_name}.{name} is not callable (it is of type "
                                  f"{type(obj).__name__}); reference.FAMILIES[{family!r}] lists it as a primitive")
            namespace[name] = obj
            exported.append(name)
    return exported
