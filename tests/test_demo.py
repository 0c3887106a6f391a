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
