"""The README's command-line walkthrough runs as written, line by line, on a fresh clone."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import REPO


def walkthrough() -> list[str]:
    """The lines of the README's walkthrough block (the bash block that activates the venv)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    block = next(b for b in blocks if b.startswith("source .venv/bin/activate"))
    return [line for line in block.splitlines() if line.strip()]


def test_the_walkthrough_block_is_found_and_uses_the_packaged_data():
    lines = walkthrough()
    assert lines[0] == "source .venv/bin/activate" and len(lines) >= 8
    assert not any("../shared" in line for line in lines)  # a new user has only the clone


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to make a fresh clone")
def test_the_readme_walkthrough_runs_as_written_on_a_fresh_clone(tmp_path):
    clone = tmp_path / "assetmap"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=120)
    # What the README's install gives: .venv/bin/assetmap and an activate script that puts it first.
    venv_bin = clone / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    shim = venv_bin / "assetmap"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m assetmap.cli "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    (venv_bin / "activate").write_text(f'export PATH="{venv_bin}:$PATH"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(clone)}  # the clone's code, not this checkout's
    for number, line in enumerate(walkthrough(), start=1):
        # Each line in its own shell, as a person types them, after the activation of line 1.
        script = ("source .venv/bin/activate\n" if number > 1 else "") + line
        done = subprocess.run(["bash", "-c", "set -e\n" + script], cwd=clone, capture_output=True, text=True,
                              env=env, timeout=300)
        assert done.returncode == 0, f"line {number}: {line}\n{done.stdout}\n{done.stderr}"
    listed = subprocess.run(["bash", "-c", "source .venv/bin/activate && assetmap list workspaces/delft.gpkg --json"],
                            cwd=clone, capture_output=True, text=True, env=env, timeout=120)
    names = {a["name"] for a in json.loads(listed.stdout)}
    assert "Buurtkamer Wippolder" in names and "Het Wippolderfeest" in names
    coverage = json.loads((clone / "workspaces" / "coverage.json").read_text(encoding="utf-8"))
    assert coverage["level"] == "wijk" and coverage["total"]["population"] > 0
    public = json.loads((clone / "workspaces" / "public.geojson").read_text(encoding="utf-8"))
    assert "Repareert fietsen voor buren" not in {f["properties"]["name"] for f in public["features"]}
    # The walkthrough leaves nothing untracked in the clone.
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True)
    assert [line for line in status.stdout.splitlines() if ".venv" not in line] == []
