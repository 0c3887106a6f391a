"""Every public function, class and method of the package has a numpydoc docstring.

For each module under ``assetmap/`` (one test per module, so the report reads module by
module) every public object *defined in that module* is run through numpydoc's own
validator, :func:`numpydoc.validate.validate`, and only these codes fail the test:

* ``GL08``: the object has no docstring;
* ``SS01``: the docstring has no summary line;
* ``PR01``: a parameter of the signature is not in the Parameters section;
* ``PR02``: the Parameters section names a parameter the signature does not have.

Public means: the name does not start with ``_``, and the object's ``__module__`` is the
module itself (names imported into a module are checked where they are defined). Private
modules (``_gpkg``) count too: their public names are the package's inner API. For a
class the class itself is checked (numpydoc compares its Parameters with the constructor's
signature, so a dataclass documents its fields there) and so is every public method,
classmethod, staticmethod and property found in the class body. The signature text that
``@dataclass`` puts in place of a missing docstring counts as no docstring (GL08).

Exempt are dunder methods (``_`` prefix), properties whose getter is a single statement
(the name says it all), methods of a ``typing.Protocol`` that numpydoc cannot load, and
PR01/PR02 on a Protocol class whose constructor is the ``(*args, **kwargs)`` one typing
gives it. numpydoc's own ``# numpydoc ignore=CODE`` comment is honoured.

All failures of a module are collected and reported at once as ``module.qualname: CODES``.
Modules listed in :data:`PENDING` are skipped while other work on them is in flight
(a name may be of a module that is not on this branch yet); remove a module from the set
once its docstrings are done.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import textwrap
import typing
from pathlib import Path

import pytest
from numpydoc import validate as numpydoc_validate  # a plain import: a missing numpydoc fails, not skips

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "assetmap"

#: The numpydoc error codes this test enforces; every other code is ignored.
ENFORCED = ("GL08", "SS01", "PR01", "PR02")

#: Modules whose docstrings are not done yet (being edited elsewhere): skipped, not checked.
PENDING: set[str] = set()


def _module_names() -> list[str]:
    """Every module of the package, ``assetmap.x.y``, found from the files on disk."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _is_one_line_property(prop: property) -> bool:
    """True for a property whose getter body is one statement besides its docstring."""
    try:
        source = textwrap.dedent(inspect.getsource(prop.fget))
    except (OSError, TypeError):
        return False
    func = ast.parse(source).body[0]
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return len(body) <= 1


def _function(obj):
    """The plain function ``obj`` is or wraps (``st.cache_data`` and ``functools.wraps`` wrappers), else None."""
    if inspect.isfunction(obj):
        return obj
    if not callable(obj) or not hasattr(obj, "__wrapped__"):
        return None
    try:
        inner = inspect.unwrap(obj)
    except ValueError:  # a wrapper cycle
        return None
    return inner if inspect.isfunction(inner) else None


def _public_objects(module) -> list[tuple[str, object]]:
    """``(qualname, object)`` of every public function, class and class member defined in ``module``."""
    found = []
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        defined = obj if inspect.isclass(obj) else _function(obj)
        if defined is None:
            continue
        if getattr(defined, "__module__", None) != module.__name__:
            continue  # imported: checked in the module that defines it
        found.append((name, obj))
        if not inspect.isclass(obj):
            continue
        protocol = typing.Protocol in obj.__mro__
        for member_name, member in vars(obj).items():
            if member_name.startswith("_"):
                continue  # private and dunder methods
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if isinstance(member, property):
                if _is_one_line_property(member):
                    continue
            elif not inspect.isfunction(member):
                continue  # class attributes and nested classes are not checked
            found.append((f"{name}.{member_name}", (obj, member, protocol)))
    return found


def _own_doc(obj) -> str | None:
    """The docstring written for ``obj``, not one a decorator made up (dataclass signatures)."""
    doc = obj.__doc__
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and doc is not None:
        # @dataclass fills a missing docstring with "Name(field: type, ...)".
        if doc.startswith(f"{obj.__name__}(") and "\n" not in doc.strip():
            return None
    return doc


def _problems(module_name: str) -> list[str]:
    """``"module.qualname: CODES (numpydoc's messages)"`` for every public object that breaks a rule."""
    module = importlib.import_module(module_name)
    problems = []
    for qualname, obj in _public_objects(module):
        full = f"{module_name}.{qualname}"
        protocol_member = False
        target = obj
        if isinstance(obj, tuple):
            _cls, target, protocol_member = obj
        try:
            result = numpydoc_validate.validate(full)
        except Exception as exc:  # noqa: BLE001 - numpydoc could not read the object
            if protocol_member:
                continue  # a Protocol stub numpydoc cannot load: exempt
            problems.append(f"{full}: numpydoc could not validate it ({type(exc).__name__}: {exc})")
            continue
        errors = result["errors"]
        if inspect.isclass(target) and typing.Protocol in target.__mro__ \
                and getattr(target.__init__, "__module__", None) == "typing":
            # typing gives every Protocol a (*args, **kwargs) constructor nobody calls.
            errors = [(code, msg) for code, msg in errors if code not in ("PR01", "PR02")]
        codes = sorted({code for code, _msg in errors if code in ENFORCED})
        if inspect.isclass(target) and _own_doc(target) is None and "GL08" not in codes:
            codes.insert(0, "GL08")
        if codes:
            messages = "; ".join(msg for code, msg in errors if code in ENFORCED and code != "GL08")
            problems.append(f"{full}: {', '.join(codes)}" + (f" ({messages})" if messages else ""))
    return problems


@pytest.mark.parametrize("module_name", _module_names())
def test_public_docstrings(module_name):
    if module_name in PENDING:
        pytest.skip("docstrings pending: being edited")
    problems = _problems(module_name)
    assert not problems, (
        f"{len(problems)} public object(s) in {module_name} break the docstring rules "
        f"({', '.join(ENFORCED)}):\n  " + "\n  ".join(problems)
    )

