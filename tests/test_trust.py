"""Trust: no destructive export, public listings, quiet pipes. Real files, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "assetmap.cli"]
OLD = Path(__file__).parent / "data" / "made_before_service.gpkg"


def _run(*args, cwd=None):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture
def workspace(tmp_path) -> Path:
    path = tmp_path / "buurt.gpkg"
    shutil.copy(OLD, path)
    return path


@pytest.mark.parametrize("public", [False, True])
def test_an_export_onto_a_workspace_is_refused_and_changes_nothing(workspace, tmp_path, public):
    link = tmp_path / "link.gpkg"
    link.symlink_to(workspace)
    hard = tmp_path / "hard.gpkg"
    os.link(workspace, hard)
    other = tmp_path / "andere-buurt.gpkg"
    shutil.copy(workspace, other)
    before = {p: p.read_bytes() for p in (workspace, other)}
    flag = ["--public"] if public else []
    for target in (workspace, link, hard, other, Path(os.path.relpath(workspace, tmp_path))):
        done = _run("export", workspace, target, *flag, cwd=tmp_path)
        assert done.returncode == 2, (target, done.stdout, done.stderr)
        assert "is a workspace" in done.stderr and "Traceback" not in done.stderr
    assert {p: p.read_bytes() for p in before} == before


def test_list_public_shows_only_the_public_view(workspace):
    done = _run("list", workspace, "--public", "--json")
    assert done.returncode == 0
    assert '"bestaand-1"' in done.stdout and '"bestaand-2"' in done.stdout
    full = _run("list", workspace, "--json")
    assert full.stdout.count('"id"') == done.stdout.count('"id"') == 2  # both are public with consent


def test_piping_into_a_reader_that_stops_gives_no_traceback(workspace):
    # `true` reads nothing and is gone before assetmap writes: every write meets a closed pipe.
    for command in (f"list {workspace}", f"list {workspace} --json", "--help"):
        done = subprocess.run(["bash", "-c", f"{' '.join(CLI)} {command} | true"], capture_output=True, text=True,
                              timeout=120)
        assert done.stderr == "", (command, done.stderr)
