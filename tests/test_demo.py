"""The offline demo: ``assetmap demo`` builds a complete Delft workspace from the packaged data."""

from __future__ import annotations

import subprocess
import sys

from assetmap import demo
from assetmap.service import open_workspace

CLI = [sys.executable, "-m", "assetmap.cli"]


def test_the_demo_dataset_ships_with_its_licences():
    licences = (demo.DEMO_DIR / "LICENCES.md").read_text(encoding="utf-8")
    assert "ODbL" in licences and "CC BY 4.0" in licences and "© OpenStreetMap contributors" in licences
    for path in (demo.OSM_FILE, demo.WIJKEN_FILE, demo.WORKSHOP_FILE, demo.AREA_FILE):
        assert path.is_file() and path.name in licences


def test_assetmap_demo_builds_a_complete_workspace_offline(tmp_path):
    path = tmp_path / "delft-voorbeeld.gpkg"
    done = subprocess.run(CLI + ["demo", str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "13 wijken of Delft" in done.stdout and "Bron: CBS, Kadaster" in done.stdout
    with open_workspace(path) as ws:
        assets = ws.assets()
        assert len(ws.boundaries("wijk")) == 13 and ws.boundaries()["population"].notna().all()
        assert len(assets) > 150 and assets["source"].eq("osm").sum() > 100
        entries = assets[assets["added_by"] == demo.DEMO_ACTOR]
        assert len(entries) == 6
        stories = entries[entries["building_block"] == "story"]
        assert set(stories["related_asset_id"]) == {"demo-vereniging", "demo-buurtkamer"}
        assert len(ws.read_table("coverage_buurten")) > 0 and len(ws.walk_network()[1]) > 1000
        assert ws.asset("demo-fietsen")["visibility"] == "group"  # a person stays within the group
    again = subprocess.run(CLI + ["demo", str(path)], capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_the_start_page_loads_the_example_into_a_new_workspace(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from assetmap import i18n

    from conftest import REPO

    path = tmp_path / "eerste-keer.gpkg"
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(path))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.run()
    assert not at.exception
    button = at.button(key="load_demo")
    assert button.label == i18n.t("demo_button", "nl") == "Voorbeeld laden (Delft)"
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Delft" in s.value for s in at.success)
    with open_workspace(path) as ws:
        assert len(ws.boundaries()) == 13 and len(ws.assets()) > 150
    assert "load_demo" not in [b.key for b in at.button]  # the workspace is no longer empty


def test_the_example_never_mixes_with_real_data(tmp_path):
    import pytest

    from assetmap.errors import InputError
    from assetmap.service import create_workspace

    path = tmp_path / "echt.gpkg"
    with create_workspace(path) as ws:
        ws.add_entry({"name": "Echte buurtkamer", "building_block": "institution"},
                     __import__("shapely").Point(4.37, 52.0), "tafel 1")
    before = path.read_bytes()
    with open_workspace(path) as ws, pytest.raises(InputError, match="holds data already"):
        demo.load_demo(ws)
    assert path.read_bytes() == before


def test_the_quick_start_guides_exist_in_dutch_and_english_with_their_screenshots():
    import re

    from conftest import REPO

    for name in ("aan-de-slag.md", "getting-started.md"):
        text = (REPO / "docs" / name).read_text(encoding="utf-8")
        images = re.findall(r"!\[[^\]]*\]\((img/[^)]+)\)", text)
        assert len(images) >= 4 and all((REPO / "docs" / image).is_file() for image in images)
        assert "Voorbeeld laden (Delft)" in text and "assetmap demo" in text
