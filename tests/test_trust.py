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
    from assetmap.service import open_workspace
    open_workspace(path).close()  # schema 1 -> current first: opening may migrate, a refused command may not write
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


def _seed_private_entry(path: Path, tmp_path: Path) -> None:
    rows = tmp_path / "anna.csv"
    rows.write_text("id,naam,bouwsteen,lat,lon,zichtbaarheid,toestemming,omschrijving\n"
                    "anna-1,Anna kookt,individual,52.0705,4.2945,private,nee,kookt voor de buren\n", encoding="utf-8")
    assert _run("import", path, rows, "--by", "anna").returncode == 0


def test_an_import_cannot_take_over_someone_elses_entry(workspace, tmp_path):
    _seed_private_entry(workspace, tmp_path)
    before = workspace.read_bytes()
    attack = tmp_path / "bert.csv"
    attack.write_text("id,naam,bouwsteen,lat,lon,zichtbaarheid,toestemming\n"
                      "anna-1,Anna kookt (openbaar),individual,52.0705,4.2945,public,ja\n", encoding="utf-8")
    for extra in ([], ["--dry-run"]):
        done = _run("import", workspace, attack, "--by", "bert", *extra)
        assert done.returncode == 2, done.stderr
        assert "row 2, column 'id'" in done.stderr and "belongs to someone else" in done.stderr
    assert workspace.read_bytes() == before


def test_a_coordinators_take_over_is_on_purpose_recorded_and_never_more_public(workspace, tmp_path):
    from assetmap.service import open_workspace

    _seed_private_entry(workspace, tmp_path)
    rows = tmp_path / "coordinator.csv"
    rows.write_text("id,naam,bouwsteen,lat,lon,zichtbaarheid,toestemming\n"
                    "anna-1,Anna kookt Surinaams,individual,52.0705,4.2945,public,ja\n", encoding="utf-8")
    done = _run("import", workspace, rows, "--by", "coordinator", "--take-over")
    assert done.returncode == 0, done.stderr
    with open_workspace(workspace) as ws:
        entry = ws.asset("anna-1")
        assert entry["name"] == "Anna kookt Surinaams"
        assert entry["visibility"] == "private" and not entry["consent"] and entry["added_by"] == "anna"
        last = ws.history("anna-1").iloc[-1]
        assert (last["action"], last["actor"]) == ("take over", "coordinator")


def test_who_when_and_source_come_from_the_tool_not_the_file(workspace, tmp_path):
    from assetmap.service import open_workspace

    rows = tmp_path / "forged.csv"
    rows.write_text("id,naam,bouwsteen,lat,lon,toegevoegd_door,created_at,updated_at,source\n"
                    "nieuw-1,Repair café,vereniging,52.0705,4.2945,anna,1999-01-01,1999-01-02,osm\n", encoding="utf-8")
    done = _run("import", workspace, rows, "--by", "bert")
    assert done.returncode == 0, done.stderr
    assert "assetmap records these itself" in done.stderr
    with open_workspace(workspace) as ws:
        entry = ws.asset("nieuw-1")
        history = ws.history("nieuw-1")
    assert entry["added_by"] == "bert" and entry["source"] == "workshop"
    assert entry["created_at"] > "2026" and entry["updated_at"] == entry["created_at"]
    assert list(history["actor"]) == ["bert"]


def test_row_numbers_stay_right_after_blank_lines(workspace, tmp_path):
    rows = tmp_path / "met_lege_regels.csv"
    rows.write_text("naam,bouwsteen,lat,lon\nBuurthuis,instelling,52.07,4.29\n\n\nKapot,kasteel,52.07,4.29\n",
                    encoding="utf-8")
    done = _run("import", workspace, rows, "--dry-run")
    assert done.returncode == 2
    assert "row 5, column 'bouwsteen': 'kasteel'" in done.stderr  # line 5 of the file
    assert "1 problem in " in done.stderr  # blank lines are no rows


def test_an_osm_file_without_any_element_gets_a_clear_message(workspace, tmp_path):
    empty = tmp_path / "leeg.osm"
    empty.write_text('<?xml version="1.0"?>\n<osm version="0.6"></osm>\n', encoding="utf-8")
    before = workspace.read_bytes()
    done = _run("import-osm", workspace, "--file", empty)
    assert done.returncode == 2 and "no walkable streets" in done.stderr and "Traceback" not in done.stderr
    assert workspace.read_bytes() == before


FORMULA_START = ("=", "+", "-", "@", "|", "%", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")


@pytest.mark.parametrize("public", [False, True])
def test_no_csv_cell_can_start_a_formula_with_either_separator(workspace, tmp_path, public):
    import csv

    attacks = ["desc;=1+1", "=HYPERLINK(\"http://x\")", "＝1+1", "|calc", "naam, +31 6 1234", "-2+3",
               "@SUM(1)", "tekst\t=1", "regel\r\n=1+1", "a;b;=cmd|' /C calc'!A0"]
    rows = tmp_path / "formules.csv"
    with open(rows, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["naam", "bouwsteen", "omschrijving", "categorie", "lat", "lon", "zichtbaarheid", "toestemming"])
        for n, attack in enumerate(attacks):
            writer.writerow([f"Plek {n} {attack}", "hulpbron", attack, attack, "52.07", "4.29", "public", "ja"])
    assert _run("import", workspace, rows).returncode == 0
    out = tmp_path / "export.csv"
    assert _run("export", workspace, out, *(["--public"] if public else [])).returncode == 0
    text = out.read_text(encoding="utf-8")
    for separator in (",", ";"):
        # As a spreadsheet reads it: quotes respected, and also as raw text split on the separator.
        cells = [c for row in csv.reader(text.splitlines(), delimiter=separator) for c in row]
        raw = [c.strip().strip('"') for line in text.splitlines() for c in line.split(separator)]
        bad = [c for c in cells + raw if c.lstrip(" ").startswith(FORMULA_START)]
        assert bad == [], (separator, bad[:5])
    assert "'=1+1" in text and "Plek 0" in text  # neutralised, not dropped


@pytest.mark.parametrize("planted", [
    "CREATE TRIGGER openbaar AFTER INSERT ON assets BEGIN UPDATE assets SET visibility = 'public', consent = 1; END",
    "CREATE TRIGGER rtree_assets_geometry_insert2 AFTER UPDATE ON assets BEGIN DELETE FROM history; END",
    "CREATE VIEW alles AS SELECT name, contact FROM assets",
])
def test_a_workspace_with_planted_triggers_or_views_is_refused_until_repaired(workspace, tmp_path, planted):
    import sqlite3

    from assetmap.service import open_workspace

    _seed_private_entry(workspace, tmp_path)
    with sqlite3.connect(workspace) as conn:
        conn.execute(planted)
    before = workspace.read_bytes()
    rows = tmp_path / "nieuw.csv"
    rows.write_text("naam,bouwsteen,lat,lon\nRepair café,vereniging,52.07,4.29\n", encoding="utf-8")
    for command in (["import", workspace, rows], ["list", workspace], ["export", workspace, tmp_path / "x.csv"]):
        done = _run(*command)
        assert done.returncode == 2, done.stdout
        assert "did not make" in done.stderr and "assetmap repair" in done.stderr
    assert workspace.read_bytes() == before  # nothing ran, nothing was written

    repaired = _run("repair", workspace)
    assert repaired.returncode == 0 and "backup" in repaired.stdout
    backups = list(tmp_path.glob("buurt.backup-*.gpkg"))
    assert len(backups) == 1 and backups[0].read_bytes() == before  # the file as it was, kept
    assert _run("import", workspace, rows).returncode == 0
    with open_workspace(workspace) as ws:
        anna = ws.asset("anna-1")
        assert anna["visibility"] == "private" and not anna["consent"]
        assert list(ws.history()["action"])[-2:] == ["create", "create"]  # Anna, then the café
    assert "nothing changed" in _run("repair", workspace).stdout


def test_a_workspace_edited_in_gdal_still_opens(workspace):
    """QGIS writes through GDAL: its edits leave only the standard RTree triggers."""
    gdal = pytest.importorskip("osgeo.ogr") if not os.environ.get("CI") else __import__("osgeo.ogr").ogr
    from assetmap.service import open_workspace

    ds = gdal.Open(str(workspace), update=1)
    layer = ds.GetLayerByName("assets")
    feature = gdal.Feature(layer.GetLayerDefn())
    feature.SetField("id", "via-qgis")
    feature.SetField("name", "Bankje in het park")
    feature.SetGeometry(gdal.CreateGeometryFromWkt("POINT (4.29 52.07)"))
    layer.CreateFeature(feature)
    ds = None
    with open_workspace(workspace) as ws:
        assert ws.asset("via-qgis")["name"] == "Bankje in het park"


def test_an_import_notes_public_stories_that_name_a_person_or_give_an_address(workspace, tmp_path):
    rows = tmp_path / "verhalen.csv"
    rows.write_text("naam,bouwsteen,omschrijving,lat,lon,zichtbaarheid,toestemming\n"
                    "Straatfeest,verhaal,Al 40 jaar het feest van de straat,52.07,4.29,public,ja\n"
                    "Het bankje,verhaal,Meneer De Boer van de Kerkstraat 3 zit hier,52.07,4.29,public,ja\n"
                    "Onder ons,verhaal,Meneer De Boer van de Kerkstraat 3,52.07,4.29,group,ja\n", encoding="utf-8")
    done = _run("import", workspace, rows, "--by", "tafel 2")
    assert done.returncode == 0  # a warning, the author decides
    notes = [line for line in done.stderr.splitlines() if line.startswith("note: row")]
    assert notes and all(line.startswith("note: row 3") for line in notes)  # only the public one
    assert any("name a person" in line for line in notes) and any("address" in line for line in notes)


def test_the_cli_speaks_dutch_when_asked(workspace, tmp_path):
    english = _run("export", workspace, workspace)
    dutch = _run("--lang", "nl", "export", workspace, workspace)
    env = {**os.environ, "LANG": "nl_NL.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
    by_locale = subprocess.run(CLI + ["export", str(workspace), str(workspace)], capture_output=True, text=True,
                               timeout=120, env=env)
    assert english.returncode == dutch.returncode == by_locale.returncode == 2
    assert "is a workspace" in english.stderr and "Fix:" in english.stderr
    assert "is een werkruimte" in dutch.stderr and "Los op:" in dutch.stderr
    assert by_locale.stderr == dutch.stderr
    listed = _run("--lang", "nl", "list", workspace)
    assert listed.stdout.strip().endswith("2 assets")


def test_a_row_with_an_unknown_buurt_code_gets_one_problem_not_two(workspace, tmp_path):
    from assetmap.imports import import_boundaries
    from assetmap.service import open_workspace

    from conftest import DENHAAG_BUURTEN

    with open_workspace(workspace) as ws:
        import_boundaries(ws, file=DENHAAG_BUURTEN)
    rows = tmp_path / "buurtcode.csv"
    rows.write_text("naam,bouwsteen,buurtcode\nWijkberaad,vereniging,BU99999999\n", encoding="utf-8")
    done = _run("import", workspace, rows, "--dry-run")
    assert done.returncode == 2
    assert "row 2, column 'buurtcode': buurt BU99999999 is not in the workspace" in done.stderr
    assert "has no location" not in done.stderr and "1 problem in " in done.stderr
