"""Installs are pinned: the README's commands and .ci/run install with constraints.txt, which pins
every package the project asks for (and what they bring along) to the versions that were tested."""

from __future__ import annotations

import re

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not a pin: {line}"
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_every_requirement_is_pinned_within_its_range():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"]) + [r for extra in ("test", "validate")
                                              for r in project["optional-dependencies"][extra]]
    pins = _pins()
    assert len(pins) > 50  # the whole tree, not only the direct requirements
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name], text)


def test_the_readme_commands_and_ci_install_with_the_constraints():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"python3 -m venv \.venv && (.*)", readme)
    assert len(commands) >= 2 and all("-c constraints.txt" in c for c in commands)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert '-c constraints.txt -e ".[test,validate]"' in ci
    assert "assetmap" not in _pins() and "gdal" not in _pins()  # the project itself; GDAL follows the system
