"""The documentation in two parts: a short README for users and ``docs/`` for the rest, built with MkDocs.

The README keeps what a new user needs (what it is, the two commands, a tour with pictures, the
command line, where to go next); every other subject is a page of ``docs/``. ``mkdocs build
--strict`` turns every warning into an error: a page left out of the navigation, a link to a page
or an anchor that is not there, an image that is missing. The build needs no network, and the site
it makes loads nothing from elsewhere.
"""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from conftest import REPO

#: About the length of a README a user reads to the end (issue #31: "at most about 300 lines").
README_LINES = 300


def _nav_pages() -> list[str]:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    return [page for item in config["nav"] for page in item.values()]


def test_the_docs_build_strictly_offline_and_load_nothing_from_elsewhere(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"),
                           "-d", str(site)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    pages = sorted(p.name for p in site.glob("*.html") if p.name != "404.html")
    assert pages == sorted(page.replace(".md", ".html") for page in _nav_pages())
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        outside = re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]*\"", html)
        assert not outside, (page.name, outside)
    # The pictures of the pages are in the site.
    assert (site / "img" / "wijkprofiel.png").is_file() and 'src="img/wijkprofiel.png"' in \
        (site / "printing.html").read_text(encoding="utf-8")


def test_every_page_of_docs_is_in_the_navigation():
    on_disk = sorted(p.name for p in (REPO / "docs").glob("*.md"))
    assert sorted(_nav_pages()) == on_disk


def test_the_readme_is_short_keeps_the_two_commands_and_links_to_every_page():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_LINES
    sections = re.findall(r"^## (.+)$", readme, flags=re.MULTILINE)
    assert sections[0] == "Two commands" and sections[-1] == "Where to go next"
    assert "pip install -c constraints.txt -e . && .venv/bin/streamlit run app.py" in readme
    assert 'pip install -c constraints.txt -e ".[test]" && .venv/bin/python -m pytest' in readme
    linked = set(re.findall(r"\]\(docs/([\w./-]+?)(?:#[\w-]*)?\)", readme))
    for target in linked:
        assert (REPO / "docs" / target).is_file(), target
    assert {p for p in _nav_pages() if p != "index.md"} <= linked  # the README names every page
