"""A corpus of malformed inputs, each run through the real CLI against a workspace copy.

Refused input: exit status 2, a message on stderr that names the problem and the fix, and the
workspace unchanged (asset count, a hash of the assets rows, a dump of every table, the bytes).
Accepted input (other encodings, Dutch Excel CSV, HTML in a name): exit status 0 and the right values.
The files are in ``tests/bad_inputs/`` (see its README.md); the big ones are made at test time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import shapely

from assetmap import settings
from assetmap.cli import main
from assetmap.export import export_assets
from assetmap.service import open_workspace

BAD = Path(__file__).resolve().parent / "bad_inputs"
CLI = [sys.executable, "-c", "from assetmap.cli import main; raise SystemExit(main())"]


# ---------------------------------------------------------------------- checks for accepted files
def _only_new(ws, before_ids):
    assets = ws.assets()
    return assets[~assets["id"].isin(before_ids)].set_index("name")


def _close(geom, lon, lat, tol=1e-7):
    return abs(geom.x - lon) < tol and abs(geom.y - lat) < tol


def check_cp1252(ws, new, err):
    assert list(new.index) == ["Café Óns Huïs"]
    assert new.iloc[0]["description"] == "Koffie à € 1,50"
    assert _close(new.iloc[0].geometry, 4.2967, 52.0702)
    assert "not UTF-8" in err and "Windows-1252" in err and "CSV UTF-8" in err


def check_bom(ws, new, err):
    assert list(new.index) == ["Buurtkamer Één"]  # the BOM did not end up in the header or the name
    assert new.iloc[0]["building_block"] == "institution"
    assert _close(new.iloc[0].geometry, 4.2967, 52.0702)


def check_utf16(ws, new, err):
    assert list(new.index) == ["Buurttuin Ü"] and new.iloc[0]["building_block"] == "resource"
    assert _close(new.iloc[0].geometry, 4.2967, 52.0702)


def check_dutch_excel(ws, new, err):
    assert set(new.index) == {"De Bieb", "Moestuin"}
    assert _close(new.loc["De Bieb"].geometry, 4.2967, 52.0702)
    import geopandas as gpd
    rd = gpd.GeoSeries([new.loc["Moestuin"].geometry], crs=4326).to_crs(settings.METRIC_CRS).iloc[0]
    assert abs(rd.x - 80350.5) < 0.01 and abs(rd.y - 453950.25) < 0.01  # decimal commas in RD metres too


def check_html_stored_as_text(ws, new, err):
    name = "<script>alert(1)</script><b>Buurthuis</b>"
    assert list(new.index) == [name]  # kept as the literal text; the map escapes it when it shows it
    assert new.iloc[0]["description"] == "<img src=x onerror=alert(2)>"


def check_formula_cells(ws, new, err):
    """Formulas are stored as the text people typed, and neutralised in every CSV export."""
    assert set(new.index) == {'=HYPERLINK("http://evil.example","klik")', "-2+3"}
    assert new.loc["-2+3", "description"] == "Tab voorop"  # leading whitespace is trimmed on import
    for dialect, separator, encoding in (("excel", ";", "utf-8-sig"), ("plain", ",", "utf-8")):
        out = Path(ws.path).with_name(f"export-{dialect}.csv")
        export_assets(ws, out, dialect=dialect)
        raw = out.read_text(encoding=encoding)
        for dangerous in ('=HYPERLINK', '+31 70 123', '@SUM(A1:A9)', '-2+3', '=1+1'):
            cells = [c for line in raw.splitlines() for c in _cells(line, separator) if dangerous.strip() in c]
            assert cells, (dialect, dangerous)
            assert all(c.startswith("'") for c in cells), (dialect, dangerous, cells)


def _cells(line: str, separator: str = ","):
    import csv
    return next(csv.reader([line], delimiter=separator))


def check_no_population(ws, new, err):
    row = ws.boundaries().set_index("code").loc["BU05189901"]
    assert row["name"] == "Zonder inwoners"
    assert str(row["population"]) == "<NA>"  # unknown, not 0


def check_negative_population(ws, new, err):
    b = ws.boundaries().set_index("code")
    assert str(b.loc["BU05189901", "population"]) == "<NA>"  # CBS marks secret values as negative
    assert b.loc["BU05189902", "population"] == 850


def check_rd_claimed_wgs84(ws, new, err):
    geom = ws.boundaries().set_index("code").loc["BU05189901"].geometry
    lon, lat = geom.centroid.x, geom.centroid.y
    assert 4.0 < lon < 4.6 and 51.9 < lat < 52.2  # read as RD New (Den Haag), stored as lon/lat


def check_mended_boundary(ws, new, err):
    geom = ws.boundaries().set_index("code").loc["BU05189901"].geometry
    assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon") and geom.area > 0


# ---------------------------------------------------------------------- the corpus
@dataclass(frozen=True)
class Case:
    file: str
    wrong: str
    words: tuple[str, ...]  # all must be on stderr (refused) / stderr or stdout (accepted)
    status: int = 2
    check: Callable | None = None

    @property
    def command(self) -> str:
        if self.file.endswith((".osm", ".osm.pbf", ".osm.bz2")):
            return "import-osm"
        return "import-boundaries" if self.file.startswith("boundaries") else "import"


CASES = [
    # accepted
    Case("cp1252_excel.csv", "Windows-1252 (Excel 'CSV'), semicolons, decimal commas", ("Windows-1252",), 0,
         check_cp1252),
    Case("utf8_bom.csv", "UTF-8 with a byte order mark", ("1 added",), 0, check_bom),
    Case("utf16_unicode_text.csv", "UTF-16 tab-separated (Excel 'Unicode text')", ("1 added",), 0, check_utf16),
    Case("dutch_semicolon_decimal_comma.csv", "Dutch Excel: semicolons, decimal commas in lat/lon and RD x/y",
         ("2 added",), 0, check_dutch_excel),
    Case("html_script_in_name.csv", "HTML and a script in name and description", ("1 added",), 0,
         check_html_stored_as_text),
    Case("formula_in_cells.csv", "spreadsheet formulas in cells (=, +, -, @, tab)", ("2 added",), 0,
         check_formula_cells),
    Case("boundaries_no_population.geojson", "boundaries without a population column",
         ("1 areas", "have no population", "aantal_inwoners"), 0,
         check_no_population),
    Case("boundaries_negative_population.geojson", "negative population (CBS secret value)", ("2 areas",), 0,
         check_negative_population),
    Case("boundaries_rd_as_wgs84.geojson", "RD New coordinates in a file that claims WGS84", ("1 areas",), 0,
         check_rd_claimed_wgs84),
    Case("boundaries_self_intersecting.geojson", "a self-intersecting buurt polygon (mended)", ("1 areas",), 0,
         check_mended_boundary),
    # refused: workshop tables
    Case("missing_name_column.csv", "no name column", ("required column 'name' is missing", "naam")),
    Case("renamed_columns.csv", "columns renamed beyond recognition",
         ("required column 'name' is missing", "required column 'building_block' is missing", "Wat is het")),
    Case("unknown_building_block.csv", "building block 'kasteel'",
         ("row 2", "column 'bouwsteen'", "kasteel", "use one of: 1 (individual, persoon, talent)")),
    Case("empty_building_block_cell.csv", "an empty building block cell", ("row 2", "building_block", "is empty")),
    Case("swapped_lat_lon.csv", "lat and lon swapped", ("row 2", "look swapped", "swap the lat and lon")),
    Case("rd_in_lat_lon.csv", "RD x/y metres in the lat/lon columns", ("row 2", "look like RD", "columns x and y")),
    Case("wgs84_in_rd_xy.csv", "lon/lat degrees in the RD x/y columns",
         ("row 2", "look like lon/lat degrees", "columns lat and lon")),
    Case("outside_the_area.csv", "a point in Groningen in a Den Haag workspace",
         ("row 2", "outside the area of this workspace", "import the boundaries")),
    Case("outside_the_netherlands.csv", "a point in Paris", ("row 2", "outside the Netherlands")),
    Case("truncated.csv", "file cut off inside a quoted text", ("CSV cannot be read", "quote texts")),
    Case("ragged_rows.csv", "a row with one value too many (unquoted comma)",
         ("row 2", "7 values but the header has 6 columns", "put quotes around")),
    Case("duplicate_ids.csv", "the same id twice", ("row 3", "id 'A1' occurs more than once")),
    Case("empty.csv", "an empty file (0 bytes)", ("is empty", "template")),
    Case("header_only.csv", "a header and no rows", ("no rows", "one row per asset")),
    Case("binary_garbage.csv", "binary bytes with a .csv name", ("binary data", "save the table as CSV")),
    Case("wrong_extension.pdf", "a PDF", ("'.pdf' are not supported", "CSV, XLSX or GeoJSON")),
    Case("csv_named_xlsx.xlsx", "a CSV renamed to .xlsx", ("not a valid Excel", "save it again as .xlsx")),
    Case("truncated.xlsx", "an XLSX cut in half", ("not a valid Excel", "save it again as .xlsx")),
    Case("huge_cell.csv", "a description of 6,500 characters", ("row 2", "longer than 5000 characters", "shorten")),
    Case("not_a_number.csv", "letter O for zero in a latitude", ("row 2", "'52.07O2' is not a number")),
    Case("half_a_coordinate.csv", "lat without lon", ("row 2", "only half a coordinate", "both lat and lon")),
    Case("short_row.csv", "a row that ends before its last cell (no lon, no comma)",
         ("row 2", "only half a coordinate", "both lat and lon")),
    Case("missing_location.csv", "no location columns at all", ("row 2", "has no location", "buurt code")),
    Case("unknown_buurt.csv", "a buurt code that is not in the workspace", ("BU99999999 is not in the workspace",)),
    Case("bad_yes_no.csv", "'misschien' as meeting place", ("row 2", "'misschien' is not yes or no", "ja/nee")),
    Case("bad_story_date.csv", "month 13 in a story date", ("row 2", "'31-13-1985' is not a date")),
    Case("two_columns_same_meaning.csv", "both 'naam' and 'name'", ("both mean 'name'", "keep one")),
    Case("unknown_visibility.csv", "visibility 'geheim'", ("'geheim' is not an allowed value", "public, group")),
    Case("related_asset_missing.csv", "a story linked to an asset that does not exist",
         ("row 2", "'bestaat-niet' does not exist", "existing asset id")),
    # refused: workshop GeoJSON
    Case("empty_geometry.geojson", "null and empty geometries", ("row 1", "row 2", "has no location")),
    Case("invalid_geometry.geojson", "a polygon ring of two points", ("row 1", "cannot be read", "redraw")),
    Case("self_intersecting.geojson", "a bow-tie polygon", ("row 1", "Self-intersection", "Fix geometries")),
    Case("not_a_featurecollection.geojson", "a single Feature", ("is a Feature, not a FeatureCollection",)),
    Case("json_array.geojson", "a JSON list", ("is a list, not a FeatureCollection",)),
    Case("truncated.geojson", "GeoJSON cut off", ("GeoJSON cannot be read", "complete")),
    Case("html_saved_as.geojson", "an HTML error page saved as .geojson", ("GeoJSON cannot be read",)),
    Case("linestring.geojson", "a line, not a point or area", ("LineString is not supported", "Point, Polygon")),
    Case("geojson_swapped_lat_lon.geojson", "[lat, lon] instead of [lon, lat]",
         ("row 1", "outside the Netherlands", "swapped")),
    Case("geojson_rd_without_crs.geojson", "RD metres without a crs member", ("outside the Netherlands", "RD")),
    # refused: OSM
    Case("not_xml.osm", "a CSV named .osm", ("not an OpenStreetMap XML file",)),
    Case("truncated.osm", "OSM XML cut off inside a tag", ("could not be read as OSM XML", "export the area again")),
    Case("garbage.osm.pbf", "bytes that are not PBF", ("not an OpenStreetMap PBF file",)),
    Case("not_bz2.osm.bz2", "plain XML with a .bz2 name", ("cannot be opened",)),
    Case("no_streets.osm", "OSM with a node and no streets", ("no walkable streets", "highway")),
    # refused: boundaries
    Case("boundaries_no_code_column.geojson", "no CBS code column", ("no CBS code column", "buurtcode")),
    Case("boundaries_bad_codes.geojson", "'Moerwijk' as a code", ("is not a CBS code", "BU05180000")),
    Case("boundaries_duplicate_codes.geojson", "one code twice", ("BU05189901 occurs more than once", "dissolve")),
    Case("boundaries_empty.geojson", "an empty FeatureCollection", ("holds no boundaries",)),
    Case("boundaries_not_geo.geojson", "a CSV named .geojson", ("could not be read", "valid GeoJSON")),
    Case("boundaries_wrong_extension.csv", "a .csv as boundaries", ("not a boundaries file", ".geojson")),
    Case("boundaries_web_mercator_as_wgs84.geojson", "Web Mercator metres in a file that claims WGS84",
         ("outside the Netherlands",)),
]


# ---------------------------------------------------------------------- workspace and fingerprint
@pytest.fixture
def workspace(seeded_denhaag_file, tmp_path):
    path = tmp_path / "workspace.gpkg"
    shutil.copy(seeded_denhaag_file, path)
    return path


def fingerprint(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        assets = conn.execute("SELECT * FROM assets ORDER BY fid").fetchall()
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return {"assets": len(assets), "assets_hash": hashlib.sha256(repr(assets).encode()).hexdigest(),
            "dump_hash": hashlib.sha256(dump.encode()).hexdigest(),
            "file_hash": hashlib.sha256(path.read_bytes()).hexdigest()}


def run_cli(command: str, workspace: Path, file: Path) -> tuple[int, str, str]:
    argv = [command, str(workspace), str(file)] if command == "import" else \
        [command, str(workspace), "--file", str(file)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def assert_refused(status, err, workspace, before, words):
    assert status == 2, err
    assert re.match(r"assetmap [a-z-]+: ", err), err
    for word in words:
        assert word in err, (word, err)
    assert "Fix:" in err  # every message says how to fix it
    assert "Traceback" not in err
    assert fingerprint(workspace) == before


# ---------------------------------------------------------------------- the tests
def test_the_corpus_is_large_enough_and_every_file_is_tested_and_documented():
    files = {p.name for p in BAD.iterdir() if p.name != "README.md"}
    assert files == {c.file for c in CASES}
    assert sum(c.status == 2 for c in CASES) >= 30
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    for case in CASES:
        assert f"`{case.file}`" in readme, case.file
    assert max((BAD / f).stat().st_size for f in files) < 20_000  # small files only


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_bad_input_file(case, workspace):
    before = fingerprint(workspace)
    with open_workspace(workspace) as ws:
        ids_before = set(ws.assets()["id"])
    status, out, err = run_cli(case.command, workspace, BAD / case.file)
    if case.status == 2:
        assert_refused(status, err, workspace, before, case.words)
        return
    assert status == 0, err
    for word in case.words:
        assert word in out + err, (word, out, err)
    with open_workspace(workspace) as ws:
        case.check(ws, _only_new(ws, ids_before), err)


def test_a_200_mb_file_is_refused_before_it_is_read(workspace, tmp_path):
    big = tmp_path / "tweehonderd.csv"
    with open(big, "wb") as handle:  # sparse: 200 MB on paper, a few bytes on disk
        handle.write(b"naam,bouwsteen,lat,lon\n")
        handle.truncate(200 * 2**20)
    before = fingerprint(workspace)
    status, out, err = run_cli("import", workspace, big)
    assert_refused(status, err, workspace, before, ("200 MB", "limit of 50 MB", "split the file"))


def test_a_boundaries_file_over_a_gigabyte_is_refused_before_it_is_read(workspace, tmp_path):
    big = tmp_path / "alle_buurten.geojson"
    with open(big, "wb") as handle:
        handle.write(b'{"type": "FeatureCollection", "features": [')
        handle.truncate(1100 * 2**20)
    before = fingerprint(workspace)
    status, out, err = run_cli("import-boundaries", workspace, big)
    assert_refused(status, err, workspace, before, ("larger than 1000 MB", "gemeente"))


def _xlsx_with_sheet(path: Path, sheet_bytes_mb: int) -> None:
    """A real XLSX skeleton whose sheet is a long run of spaces: tiny packed, huge unpacked."""
    template = Path(__file__).resolve().parent.parent / "data" / "workshop_template.xlsx"
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with out.open(info.filename, "w", force_zip64=True) as handle:
                    handle.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                                 b'spreadsheetml/2006/main"><sheetData>')
                    chunk = b" " * 2**20
                    for _ in range(sheet_bytes_mb):
                        handle.write(chunk)
                    handle.write(b"</sheetData></worksheet>")
            else:
                out.writestr(info, src.read(info.filename))


def test_a_zip_bomb_given_as_xlsx_is_refused_without_unpacking(workspace, tmp_path):
    bomb = tmp_path / "bom.xlsx"
    _xlsx_with_sheet(bomb, 150)
    assert bomb.stat().st_size < 2 * 2**20  # small on disk
    before = fingerprint(workspace)
    status, out, err = run_cli("import", workspace, bomb)
    assert_refused(status, err, workspace, before, ("unpacks to", "not a normal workshop table"))


def test_a_zip_bomb_that_lies_about_its_size_is_refused_too(workspace, tmp_path):
    """The zip directory says the sheet is small; reading stops at the stated size and fails the CRC."""
    honest = tmp_path / "eerlijk.xlsx"
    _xlsx_with_sheet(honest, 150)
    raw = bytearray(honest.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(honest) as archive:
        info = archive.getinfo(name.decode())
    # Patch the central directory entry's uncompressed size to 1 KB (in its zip64 field if it has one).
    central = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name))
    assert raw[central + 46:central + 46 + len(name)] == name
    extra_at = central + 46 + len(name)
    extra = raw[extra_at:extra_at + int.from_bytes(raw[central + 30:central + 32], "little")]
    if int.from_bytes(raw[central + 24:central + 28], "little") == 0xFFFFFFFF:
        pos = extra.find(b"\x01\x00")
        assert pos >= 0 and int.from_bytes(extra[pos + 4:pos + 12], "little") == info.file_size
        raw[extra_at + pos + 4:extra_at + pos + 12] = (1024).to_bytes(8, "little")
    else:
        assert int.from_bytes(raw[central + 24:central + 28], "little") == info.file_size
        raw[central + 24:central + 28] = (1024).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        assert archive.getinfo(name.decode()).file_size == 1024  # the lie is what a reader sees
    liar = tmp_path / "leugenaar.xlsx"
    liar.write_bytes(bytes(raw))
    before = fingerprint(workspace)
    status, out, err = run_cli("import", workspace, liar)
    assert_refused(status, err, workspace, before, ("leugenaar.xlsx",))
    assert "unpacks to" in err or "could not be read as Excel" in err


def test_more_rows_than_the_limit_are_refused(workspace, tmp_path):
    many = tmp_path / "te_veel.csv"
    with open(many, "w", encoding="utf-8") as handle:
        handle.write("naam,bouwsteen,lat,lon\n")
        handle.write("Bankje,hulpbron,52.07,4.29\n" * (settings.MAX_IMPORT_ROWS + 1))
    before = fingerprint(workspace)
    status, out, err = run_cli("import", workspace, many)
    assert_refused(status, err, workspace, before, (f"{settings.MAX_IMPORT_ROWS + 1} rows", "split"))


@pytest.mark.parametrize("file, status, words", [
    ("unknown_building_block.csv", 2, "kasteel"),
    ("truncated.osm", 2, "could not be read as OSM XML"),
    ("boundaries_no_code_column.geojson", 2, "no CBS code column"),
    ("cp1252_excel.csv", 0, "Windows-1252"),
])
def test_the_installed_command_exits_with_the_same_status(workspace, file, status, words):
    """The exit status as a shell sees it, from a real process."""
    case = next(c for c in CASES if c.file == file)
    argv = [case.command, str(workspace)] + ([str(BAD / file)] if case.command == "import"
                                             else ["--file", str(BAD / file)])
    before = fingerprint(workspace)
    done = subprocess.run(CLI + argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == status, done.stderr
    assert words in done.stderr
    if status == 2:
        assert fingerprint(workspace) == before


def test_dry_run_of_an_accepted_file_writes_nothing_either(workspace):
    before = fingerprint(workspace)
    status = main(["import", str(workspace), str(BAD / "dutch_semicolon_decimal_comma.csv"), "--dry-run"])
    assert status == 0
    assert fingerprint(workspace) == before


def test_every_refused_file_is_also_refused_by_a_dry_run(workspace):
    """A dry run checks the same things as the real import: none of these passes a dry run."""
    for case in CASES:
        if case.command != "import" or case.status != 2:
            continue
        with contextlib.redirect_stderr(io.StringIO()) as err:
            status = main(["import", str(workspace), str(BAD / case.file), "--dry-run"])
        assert status == 2, (case.file, err.getvalue())


# ---------------------------------------------------------------------- CSV formula injection
DANGEROUS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-10+20", "@SUM(A1)", "\tstarts with a tab", "\rstarts with CR",
             '=HYPERLINK("http://evil.example","klik")']


def test_csv_export_neutralises_formulas_in_every_text_column(workspace, tmp_path):
    import geopandas as gpd

    from assetmap.layers import build_assets

    n = len(DANGEROUS)
    frame = gpd.GeoDataFrame({"name": [f"plek {i}" for i in range(n)], "building_block": ["resource"] * n},
                             geometry=[shapely.Point(4.29 + i / 1000, 52.07) for i in range(n)], crs=4326)
    assets = build_assets(frame, source="workshop")
    # Straight into storage, past the import's whitespace trimming: the export must hold on its own.
    for column in ("name", "description", "category", "operator", "opening_hours", "added_by"):
        assets[column] = DANGEROUS
    with open_workspace(workspace) as ws:
        ws.save_assets(assets, "tafel 1")
    out = tmp_path / "alles.csv"
    excel = tmp_path / "alles-excel.csv"
    done = subprocess.run(CLI + ["export", str(workspace), str(excel)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import csv
    with open(excel, newline="", encoding="utf-8-sig") as handle:
        cells = [value for row in csv.reader(handle, delimiter=";") for value in row]
    assert "naam" in cells and "openingstijden" in cells  # the Dutch Excel dialect, by default
    assert not [v for v in cells if v.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "|", "%"))]
    done = subprocess.run(CLI + ["export", str(workspace), str(out), "--dialect", "plain"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 + n
    for row in rows:
        for column, value in row.items():
            if column in ("lat", "lon") or not value:
                continue
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    by_id = {r["id"]: r for r in rows}
    for i, asset_id in enumerate(assets["id"]):
        for column in ("name", "description", "category", "operator", "opening_hours", "added_by"):
            assert by_id[asset_id][column] == "'" + DANGEROUS[i]  # the text itself is all there
    assert float(by_id[assets["id"].iloc[2]]["lon"]) == pytest.approx(4.292)  # numbers stay numbers
    # The JSON listing is not a spreadsheet: it shows the text as typed.
    listed = subprocess.run(CLI + ["list", str(workspace), "--json"], capture_output=True, text=True, timeout=120)
    import json
    names = {r["name"] for r in json.loads(listed.stdout)}
    assert set(DANGEROUS) <= names
