"""A newly started server whose first visitors arrive together (issue 28, the live-workshop bench).

Streamlit runs each session's script in its own thread. Without ``assetmap._ui_preload`` the first
scripts imported shapely, pandas and assetmap at the same time, and Python's import locks handed some
of them partly initialised modules: on this machine 11 of the 12 scripts failed in the race below.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]
PRELOAD = "assetmap._ui_preload"


def _body(script: Path) -> list[ast.stmt]:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    docstring = isinstance(tree.body[0], ast.Expr) and isinstance(tree.body[0].value, ast.Constant)
    return tree.body[1:] if docstring else tree.body


def _assetmap_modules(tree: ast.AST) -> set[str]:
    """The assetmap modules a script imports anywhere (``from assetmap import ui`` names assetmap.ui)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("assetmap"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assetmap"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                is_module = (REPO / (full.replace(".", "/") + ".py")).is_file() or (REPO / full.replace(".", "/")).is_dir()
                found.add(full if is_module else node.module)
    return found - {PRELOAD}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_imports_the_preload_before_anything_else(script):
    first = _body(script)[0]
    assert isinstance(first, ast.Import) and [a.name for a in first.names] == [PRELOAD], \
        f"{script.name} must start with `import {PRELOAD}` (after its docstring)"


def test_the_preload_imports_every_assetmap_module_the_scripts_use():
    used = set().union(*(_assetmap_modules(ast.parse(s.read_text(encoding="utf-8"))) for s in SCRIPTS))
    preloaded = _assetmap_modules(ast.parse((REPO / "assetmap" / "_ui_preload.py").read_text(encoding="utf-8")))
    assert len(used) > 20  # the scripts were read
    assert used - preloaded == set()


# A fresh interpreter: every script's imports (and only those) in its own thread, started together,
# as Streamlit's script threads run them for the first sessions of a cold server.
_RACE = textwrap.dedent("""
    import ast, json, sys, threading
    from pathlib import Path

    scripts = [Path(p) for p in sys.argv[1:]]
    headers = []
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"))
        imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        headers.append((script.name, compile(ast.Module(body=imports, type_ignores=[]), str(script), "exec")))
    start = threading.Barrier(len(headers))
    errors = []

    def run(name, code):
        start.wait()
        try:
            exec(code, {"__name__": name})
        except Exception as exc:  # what a visitor would get as an error page
            errors.append(f"{name}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=header) for header in headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"scripts": len(headers), "errors": errors}))
""")


@pytest.mark.parametrize("attempt", range(3))
def test_the_first_sessions_of_a_cold_server_import_without_a_race(attempt):
    done = subprocess.run([sys.executable, "-c", _RACE, *map(str, SCRIPTS)], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"scripts": len(SCRIPTS), "errors": []}
