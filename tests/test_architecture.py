"""The house rules of the package (docs/architecture.md, "How it is built"), checked on the source itself.

Every ``import`` in every module (also the ones inside functions) is read with :mod:`ast`:
no module imports a floor above its own, and the package has no import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "assetmap"

#: Part of the house -> the parts it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "layers": {"base"},
    "sources": {"layers", "base"},
    "store": {"layers", "base"},
    "privacy": {"layers", "base"},
    "policy": {"layers", "base"},
    "texts": {"layers", "base"},
    "service": {"policy", "store", "privacy", "layers", "base"},
    "analysis": {"layers", "base"},
    "workflows": {"service", "policy", "sources", "privacy", "layers", "base"},
    # The national run (assetmap batch): the imports and the analysis of many gemeenten at once. It reads
    # and writes workspaces through the service only; the store it uses for its own result tables in
    # PostGIS (storage.postgis_tables), which are no workspace.
    "national": {"workflows", "analysis", "service", "policy", "sources", "privacy", "store", "layers", "base"},
    "faces": {"national", "workflows", "analysis", "service", "policy", "texts", "privacy", "store", "sources", "layers", "base"},
}


def part_of(module: str) -> str:
    """The part of the house a module (``assetmap.x.y``) belongs to."""
    name = module.split(".")
    if len(name) == 1:
        return "base"  # the package's __init__: version only
    top = name[1]
    if name[1:3] == ["service", "policy"]:
        return "policy"  # who may do what: below the rest of the service, which asks it
    return {
        "errors": "base", "settings": "base", "messages": "base", "memory": "base", "files": "base",
        "layers": "layers", "sources": "sources", "storage": "store", "privacy": "privacy",
        "i18n": "texts", "numbers": "texts", "service": "service", "coverage": "analysis", "imports": "workflows",
        "matching": "analysis", "changes": "analysis", "connections": "analysis", "national": "national",
    }.get(top, "faces")


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(module: str, path: Path) -> set[str]:
    """Every assetmap module that ``module`` imports anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    modules = _modules()
    return {m for m in found if m in modules and m != module}


GRAPH = {m: _imports(m, p) for m, p in _modules().items()}


def test_the_graph_is_read():
    """The check sees the real imports (a broken reader would pass everything)."""
    assert "assetmap.storage" in GRAPH["assetmap.service._core"]
    assert "assetmap.service.policy" in GRAPH["assetmap.service.entries"]
    assert "assetmap.service" in GRAPH["assetmap.imports"]
    assert part_of("assetmap.layers.schema") == "layers" and part_of("assetmap.cli") == "faces"
    assert part_of("assetmap.service.policy") == "policy" and part_of("assetmap.service.entries") == "service"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_a_floor_above_its_own(module):
    own = part_of(module)
    wrong = sorted(m for m in GRAPH[module] if part_of(m) != own and part_of(m) not in ALLOWED[own])
    assert not wrong, f"{module} ({own}) imports {wrong} ({[part_of(m) for m in wrong]})"


def test_the_package_has_no_import_cycle():
    done: set[str] = set()
    stack: list[str] = []

    def visit(module: str) -> None:
        if module in stack:
            cycle = stack[stack.index(module):] + [module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        stack.append(module)
        for other in sorted(GRAPH[module]):
            # A package imports its own submodules to re-export them; that is not a cycle of parts.
            if module.startswith(other + ".") :
                continue
            visit(other)
        stack.pop()
        done.add(module)

    for module in sorted(GRAPH):
        visit(module)


def test_nothing_but_the_service_writes_to_a_store():
    """Store writes (insert/update/delete/replace) appear only in the service and the store itself."""
    writers = []
    for module, path in _modules().items():
        if part_of(module) in ("store", "service"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "store" and isinstance(node.ctx, ast.Load):
                writers.append(module)
    for page in [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]:
        if ".store." in page.read_text(encoding="utf-8") or "open_store" in page.read_text(encoding="utf-8"):
            writers.append(page.name)
    assert not writers, f"these reach past the service to the store: {sorted(set(writers))}"


# ---------------------------------------------------------------------- roles are compared in one place
#: The roles (:data:`assetmap.service.policy.ROLES`), as they are written in the source.
ROLE_NAMES = frozenset({"public", "workshop", "coordinator"})
#: Role names that are nothing else: ``public`` is also a visibility and ``workshop`` a source, so
#: those two count only when compared with something that holds a role, or together in a collection.
ONLY_ROLES = frozenset({"coordinator"})
#: The one module that may compare roles.
POLICY = PACKAGE / "service" / "policy.py"


def _is_role_literal(node: ast.AST, names: frozenset = ROLE_NAMES) -> bool:
    return isinstance(node, ast.Constant) and node.value in names


def _is_role_collection(node: ast.AST) -> bool:
    """A tuple, list or set with two role names, or with ``coordinator`` (``("workshop", "coordinator")``)."""
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return False
    roles = {e.value for e in node.elts if _is_role_literal(e)}
    return len(roles) >= 2 or bool(roles & ONLY_ROLES)


def _is_role_valued(node: ast.AST) -> bool:
    """An expression that holds a role: ``role``, ``x.role``, ``DEFAULT_ROLE``, ``ROLES``, ``row["role"]``,
    ``anonymous_role()``, ``ROLES.index(x)``."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        return (isinstance(key, ast.Constant) and key.value == "role") or _is_role_valued(node.value)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) > 1:
            return _is_role_literal(node.args[1], frozenset({"role"})) or _is_role_valued(node.args[0])
        if isinstance(func, ast.Attribute) and func.attr == "index":  # ROLES.index(x): a rank
            return _is_role_valued(func.value)
        return _is_role_valued(func)
    if isinstance(node, ast.Name):
        name = node.id.lower()
    elif isinstance(node, ast.Attribute):
        name = node.attr.lower()
    else:
        return False
    return name in ("role", "roles") or name.endswith(("_role", "_roles"))


def role_comparisons(source: str) -> list[int]:
    """Line numbers of every comparison of roles in ``source``.

    A comparison (``==``, ``!=``, ``<``, ``in``, ``not in``, ...) or a ``match`` is one when a side
    holds a role (a name or attribute ``role``, ``*_role``, ``ROLES``, ``x["role"]``, ``anonymous_role()``,
    ``ROLES.index(x)``), is ``"coordinator"``, or is a collection of role names (see :data:`ONLY_ROLES`).
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_role_literal(s, ONLY_ROLES) or _is_role_collection(s) or _is_role_valued(s) for s in sides):
                found.append(node.lineno)
        elif isinstance(node, ast.Match):
            cases = [c.pattern for c in node.cases]
            patterns = [p for c in cases for p in ast.walk(c) if isinstance(p, ast.MatchValue)]
            if _is_role_valued(node.subject) or any(_is_role_literal(p.value, ONLY_ROLES) for p in patterns):
                found.append(node.lineno)
    return found


def _sources_that_may_not_compare_roles() -> list[Path]:
    files = [p for p in sorted(PACKAGE.rglob("*.py")) if p != POLICY]
    return files + [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]


def test_the_role_check_finds_comparisons():
    """A checker that finds nothing would pass everything: it must flag the comparisons it is for."""
    flagged = role_comparisons(
        'if actor.role == "coordinator":\n    pass\n'                 # line 1
        'ok = role in ("workshop", "coordinator")\n'                   # line 3
        'ok = anonymous_role() != "public"\n'                          # line 4
        'ok = ROLES.index(a.role) >= ROLES.index(role)\n'              # line 5
        'ok = "coordinator" == kind\n'                                 # line 6
        'match actor.role:\n    case "public":\n        pass\n'      # line 7
        'ok = record.get("visibility") == "public"\n'                  # line 10: a visibility
        'ok = policy.may_manage(actor) and i in index\n'               # line 11: asking is fine
        'ok = kind in ("public", "group")\n'                           # line 12: visibilities
        'ok = getattr(ws.actor, "role", "public") != "public"\n'       # line 13
    )
    assert sorted(flagged) == [1, 3, 4, 5, 6, 7, 13]


def test_no_role_is_compared_outside_the_policy():
    """Every access decision asks :mod:`assetmap.service.policy`; no other module compares roles."""
    found = [f"{path.relative_to(REPO)}:{line}" for path in _sources_that_may_not_compare_roles()
             for line in role_comparisons(path.read_text(encoding="utf-8"))]
    assert POLICY.exists() and role_comparisons(POLICY.read_text(encoding="utf-8"))  # the policy itself does
    assert not found, "roles compared outside assetmap/service/policy.py (ask the policy): " + ", ".join(found)


#: The most lines a module may have: past that, a room holds two concerns (docs/architecture.md).
MAX_MODULE_LINES = 800


def test_no_module_is_past_the_size_of_one_room():
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these by concern (at most {MAX_MODULE_LINES} lines each): {long}"


def _declared_all(path: Path) -> list[str] | None:
    """The names in a module's top-level ``__all__``, or None when it has none."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(node.value))
    return None


@pytest.mark.parametrize("module", sorted(m for m, p in _modules().items()
                                          if not p.name.startswith("_") or p.name == "__init__.py"))
def test_every_public_module_says_what_it_exports(module):
    """``__all__`` names the module's public API, and every name in it exists."""
    import importlib

    names = _declared_all(_modules()[module])
    assert names is not None, f"{module} has no __all__"
    loaded = importlib.import_module(module)
    missing = [n for n in names if not hasattr(loaded, n)]
    assert not missing, f"{module}.__all__ names what it does not have: {missing}"
