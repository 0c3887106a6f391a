"""The house rules of the package (README, "How it is built"), checked on the source itself.

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
    "texts": {"layers", "base"},
    "service": {"store", "privacy", "layers", "base"},
    "analysis": {"layers", "base"},
    "workflows": {"service", "sources", "privacy", "layers", "base"},
    "faces": {"workflows", "analysis", "service", "texts", "privacy", "store", "sources", "layers", "base"},
}


def part_of(module: str) -> str:
    """The part of the house a module (``assetmap.x.y``) belongs to."""
    name = module.split(".")
    if len(name) == 1:
        return "base"  # the package's __init__: version only
    top = name[1]
    return {
        "errors": "base", "settings": "base", "messages": "base", "memory": "base",
        "layers": "layers", "sources": "sources", "storage": "store", "privacy": "privacy",
        "i18n": "texts", "service": "service", "coverage": "analysis", "imports": "workflows",
        "matching": "analysis", "changes": "analysis",
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
    assert "assetmap.service" in GRAPH["assetmap.imports"]
    assert part_of("assetmap.layers.schema") == "layers" and part_of("assetmap.cli") == "faces"


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
