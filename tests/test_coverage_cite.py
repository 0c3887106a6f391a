"""Coverage you can cite (issue #30): no edge effects, areas by name, ``--categories`` a restriction, the method stamped.

Everything runs on the real Delft data: the TU Delft OSM extract (PBF and XML) and the 13 CBS wijken
of Delft. The extract covers a box around the TU campus: Wijk 24 Voorhof is a quarter inside it,
Wijk 28 Wippolder 61 %.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pypdf import PdfReader

from assetmap import coverage, settings
from assetmap.cli import main
from assetmap.errors import InputError
from assetmap.imports import DATA_DATES_TABLE, import_boundaries, import_osm
from assetmap.layers.boundaries import area_code
from assetmap.service import create_workspace, open_workspace
from assetmap.sources.osm import area_buffer_m, osm_data_date

from conftest import DELFT_AREA, DELFT_OSM, DELFT_PBF, DELFT_WIJKEN, REPO

VOORHOF, WIPPOLDER = "WK050324", "WK050328"
#: The newest object in the Delft extract (its PBF header carries no timestamp).
OSM_DAY = "2025-08-06"
OSM_DAY_NL = "6 augustus 2025"  # as a Dutch reader sees it (assetmap.numbers.day)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assetmap.cli", *args], capture_output=True, text=True,
                          timeout=300, cwd=REPO)


@pytest.fixture(scope="module")
def delft_result(delft_workspace_file):
    with open_workspace(delft_workspace_file) as ws:
        inputs = coverage.load_inputs(ws)
    return inputs, coverage.compute_coverage(inputs)


# ---------------------------------------------------------------------- 1. no edge effect
def test_areas_partly_outside_the_osm_data_are_partial_with_their_share(delft_result):
    _, result = delft_result
    rows = result.buurten.set_index("buurt_code")
    voorhof, wippolder = rows.loc[VOORHOF], rows.loc[WIPPOLDER]
    # Voorhof: a quarter of the wijk lies in the extract, so 3,314 of CBS's 13,540 residents are analysed.
    assert voorhof["population_cbs"] == 13540 and voorhof["population"] == 3314
    assert 0.23 < voorhof["data_share"] < 0.26
    assert voorhof["partial"] and voorhof["withheld"]
    # Wippolder: 61 % inside: partial too (the extract's box cuts off its north), but its figure is shown.
    assert 0.60 < wippolder["data_share"] < 0.62 and wippolder["partial"] and not wippolder["withheld"]
    # The figures themselves are those of the code before areas were flagged (main at a808fd0, same data).
    figures = ["population", "covered_population", "coverage_pct", "median_minutes", "p90_minutes"]
    before = {WIPPOLDER: (8126, 3404, 41.9, 11.2, 14.2), VOORHOF: (3314, 0, 0.0, 38.5, 43.8),
              "WK050327": (292, 0, 0.0, 30.3, 33.6), "WK050313": (174, 0, 0.0, 29.8, 30.2),
              "WK050311": (133, 0, 0.0, 28.3, 28.3), "WK050329": (1, 0, 0.0, 19.5, 19.5)}
    assert {code: tuple(rows.loc[code, figures]) for code in before} == before
    assert list(rows.index) == list(before)  # the same order: most residents out of reach first
    # The residents analysed are the share of the CBS count inside the data (to the resident).
    assert (abs(rows["population"] - rows["population_cbs"] * rows["data_share"]) <= 0.001 * rows["population_cbs"] + 1).all()


def test_an_area_wholly_inside_the_data_is_complete_and_keeps_its_figures(tmp_path):
    # A buurt drawn inside the extract's box, beside the real wijken: wholly inside the data.
    inner = shapely.box(4.366, 51.998, 4.378, 52.004)
    wijken = gpd.read_file(DELFT_WIJKEN)
    buurt = gpd.GeoDataFrame({"code": ["BU05032899"], "name": ["Campus midden"], "population": [1000]},
                             geometry=[inner], crs=settings.STORAGE_CRS)
    file = tmp_path / "buurt.geojson"
    buurt.to_file(file, driver="GeoJSON")
    path = tmp_path / "w.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=DELFT_WIJKEN)
        import_boundaries(ws, file=file)
        import_osm(ws, file=DELFT_PBF, area_file=DELFT_AREA)
        result = coverage.compute_coverage(coverage.load_inputs(ws))
    row = result.to_dict()["buurten"][0]
    assert len(wijken) == 13 and row["code"] == "BU05032899"
    assert row["data_share"] == 1.0 and not row["partial"] and not row["withheld"]
    assert row["population"] == row["population_cbs"] == 1000 and row["coverage_pct"] > 0


def _edge_case(tmp_path, buffer_m: float | None) -> tuple[gpd.GeoDataFrame, coverage.CoverageResult]:
    """The Delft extract clipped to a box that ends 260 m west of Studievereniging Equinox."""
    area = gpd.GeoDataFrame(geometry=[shapely.box(4.356, 51.997, 4.364, 52.004)], crs=settings.STORAGE_CRS)
    area_file = tmp_path / f"area-{buffer_m}.geojson"
    area.to_file(area_file, driver="GeoJSON")
    path = tmp_path / f"clip-{buffer_m}.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=DELFT_WIJKEN)
        import_osm(ws, file=DELFT_PBF, area_file=area_file, clip=True, buffer_m=buffer_m)
        assets = ws.assets()
        study = ws.study_area()
        result = coverage.compute_coverage(coverage.load_inputs(ws))
    assert shapely.equals_exact(study.geometry.iloc[0], area.geometry.iloc[0], 1e-9)  # residents stay inside
    return assets, result


def test_a_resident_near_the_edge_reaches_a_place_just_outside_the_clipped_area(tmp_path):
    place = "osm-node-2596100480"  # Studievereniging Equinox, a meeting place east of the box
    before, cut = _edge_case(tmp_path, 0)  # the old clip: nothing beyond the area
    after, buffered = _edge_case(tmp_path, None)  # the default buffer: the longest walk the app offers
    assert area_buffer_m() == pytest.approx(settings.COVERAGE_MAX_MINUTES * settings.WALK_SPEED_KMH * 1000 / 60)
    assert place not in set(before["id"]) and place in set(after["id"])
    # The same residents, inside the same area; only what they can reach changed.
    assert cut.total["population"] == buffered.total["population"] > 0
    assert cut.total["covered_population"] == 0
    assert buffered.total["covered_population"] > 0
    points = buffered.points
    assert points["covered"].any()
    # Those who reach it live near the box's east edge.
    lon = points.geometry.x[points["covered"]]
    assert lon.min() > 4.358


def test_the_buffer_is_a_setting_in_metres(monkeypatch):
    monkeypatch.setattr(settings, "IMPORT_BUFFER_M", 400.0)
    assert area_buffer_m() == 400.0
    monkeypatch.setattr(settings, "IMPORT_BUFFER_M", None)
    monkeypatch.setattr(settings, "COVERAGE_MAX_MINUTES", 20.0)
    assert area_buffer_m() == pytest.approx(1500.0)


def test_cli_json_and_table_flag_partial_areas_and_never_show_a_bare_zero(delft_copy, tmp_path):
    out = tmp_path / "c.json"
    run = _cli("--lang", "nl", "coverage", str(delft_copy), "--json", str(out))
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    row = next(r for r in data["buurten"] if r["code"] == VOORHOF)
    assert row["partial"] and row["withheld"] and row["population_cbs"] == 13540 and 0.23 < row["data_share"] < 0.26
    line = next(line for line in run.stdout.splitlines() if line.startswith(VOORHOF))
    assert "gedeeltelijk: 24\xa0% van de wijk valt binnen de kaartgegevens" in line
    fields = line.split("\t")
    assert fields[:3] == [VOORHOF, "Wijk 24 Voorhof", "3314"] and fields[3:8] == ["-"] * 5  # no 0 % anywhere
    wippolder = next(line for line in run.stdout.splitlines() if line.startswith(WIPPOLDER)).split("\t")
    assert wippolder[5] == "41.9" and "61\xa0% van de wijk" in wippolder[-1] and "over dat deel" in wippolder[-1]
    assert "6 van de 6 gebieden vallen deels buiten de kaartgegevens" in run.stdout


# ---------------------------------------------------------------------- 2. names
def test_area_code_takes_codes_and_forgiving_unique_names(delft_ws):
    boundaries = delft_ws.boundaries()
    for typed in ("Wippolder", "wippolder", " WIPPOLDER ", "wíppölder", "Wijk 28 Wippolder", "wijk28-wippolder",
                  "WK050328", "wk 050328"):
        assert area_code(boundaries, typed) == WIPPOLDER, typed
    assert area_code(boundaries, "Hof van Delft") == "WK050313"


def test_an_ambiguous_or_unknown_name_is_refused_with_the_names_to_choose_from(delft_ws):
    boundaries = delft_ws.boundaries()
    with pytest.raises(InputError) as ambiguous:
        area_code(boundaries, "Tanthof")
    problem = ambiguous.value.problems[0]
    assert problem.code == "area_name_ambiguous"
    message = ambiguous.value.render("en")
    assert "Wijk 22 Tanthof-West (WK050322)" in message and "Wijk 23 Tanthof-Oost (WK050323)" in message
    with pytest.raises(InputError) as unknown:
        area_code(boundaries, "Voorhoff")
    assert unknown.value.problems[0].code == "area_name_unknown"
    assert "Wijk 24 Voorhof (WK050324)" in unknown.value.render("nl")


def test_report_and_coverage_take_a_name(delft_copy, tmp_path, capsys):
    out = tmp_path / "wippolder.pdf"
    assert main(["report", str(delft_copy), "--area", "Wippolder", "--lang", "en", "--out", str(out)]) == 0
    assert "Profile of Wijk 28 Wippolder" in " ".join(_pdf_text(out).split())
    data = tmp_path / "c.json"
    assert main(["coverage", str(delft_copy), "--area", "voorhof", "--json", str(data), "--no-save"]) == 0
    payload = json.loads(data.read_text(encoding="utf-8"))
    assert payload["area"] == {"code": VOORHOF, "name": "Wijk 24 Voorhof"}
    assert [r["code"] for r in payload["buurten"]] == [VOORHOF]
    assert payload["total"]["population"] == 3314
    capsys.readouterr()
    # Every command that takes --area takes the name: changes gives the same summary for both.
    assert main(["changes", str(delft_copy), "--since", "2020-01-01", "--area", "Wippolder", "--json"]) == 0
    by_name = json.loads(capsys.readouterr().out)
    assert main(["changes", str(delft_copy), "--since", "2020-01-01", "--area", WIPPOLDER, "--json"]) == 0
    assert by_name == json.loads(capsys.readouterr().out) and by_name["area"] == WIPPOLDER
    assert main(["report", str(delft_copy), "--area", "Tanthof", "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "Tanthof-West (WK050322)" in err and "Tanthof-Oost (WK050323)" in err
    assert not (tmp_path / "x.pdf").exists()
    assert main(["coverage", str(delft_copy), "--area", "Nergenshuizen"]) == 2
    assert "Nergenshuizen" in capsys.readouterr().err


# ---------------------------------------------------------------------- 3. --categories
def test_unknown_categories_are_refused_naming_the_known_ones(delft_copy, capsys):
    assert main(["coverage", str(delft_copy), "--categories", "xyz", "--no-save"]) == 2
    err = capsys.readouterr().err
    assert "'xyz'" in err and "community_centre" in err and "library" in err
    with pytest.raises(InputError) as refused:
        coverage.only_categories("library, xyz,abc")
    assert [p.params["value"] for p in refused.value.problems] == ["xyz", "abc"]
    assert coverage.only_categories(" Library ,community_centre,library") == ("library", "community_centre")
    assert coverage.only_categories("shop_bakery") == ("shop_bakery",)  # a category the catalogue makes
    assert coverage.only_categories(None) == ()


def test_categories_restrict_the_meeting_places_that_count(delft_ws):
    everything = coverage.load_inputs(delft_ws)
    libraries = coverage.load_inputs(delft_ws, categories=("library",))
    assert set(everything.meeting_places["category"]) > {"library"}
    assert len(libraries.meeting_places) and set(libraries.meeting_places["category"]) == {"library"}
    # A restriction never adds: schools are no meeting places, so restricting to them leaves none.
    assert coverage.load_inputs(delft_ws, categories=("school",)).meeting_places.empty
    full, only = coverage.compute_coverage(everything), coverage.compute_coverage(libraries)
    assert only.total["covered_population"] <= full.total["covered_population"]


# ---------------------------------------------------------------------- 4. method stamped
def test_the_osm_date_is_the_newest_object_of_the_extract_in_every_format():
    assert osm_data_date(DELFT_PBF) == (OSM_DAY, "newest_object")
    assert osm_data_date(DELFT_OSM) == (OSM_DAY, "newest_object")


def test_the_imports_keep_the_data_dates_and_every_output_carries_the_method(delft_copy, tmp_path):
    with open_workspace(delft_copy) as ws:
        dates = ws.read_table(DATA_DATES_TABLE)
    kept = dict(zip(dates["name"], dates["data_date"]))
    assert kept == {"CBS wijk- en buurtkaart": "2022", "OpenStreetMap": OSM_DAY}
    out, csv = tmp_path / "c.json", tmp_path / "c.csv"
    assert main(["coverage", str(delft_copy), "--json", str(out), "--csv", str(csv)]) == 0
    method = json.loads(out.read_text(encoding="utf-8"))["method"]
    assert method == {"version": coverage.METHOD_VERSION, "speed_kmh": 4.5,
                      "snapping": "nearest walkable way, at most 500 m; network parts under 50 nodes skipped",
                      "osm_date": OSM_DAY, "cbs_year": "2022"}
    table = pd.read_csv(csv, dtype={"osm_date": str, "cbs_year": str, "method_version": str})
    assert len(table) == 6 and set(table["method_version"]) == {coverage.METHOD_VERSION}
    assert set(table["osm_date"]) == {OSM_DAY} and set(table["cbs_year"]) == {"2022"}
    assert set(table["speed_kmh"]) == {4.5} and {"data_share", "partial", "withheld"} <= set(table.columns)
    with open_workspace(delft_copy) as ws:
        saved = ws.read_table("coverage_buurten")
    assert set(saved["method_version"]) == {coverage.METHOD_VERSION} and set(saved["osm_date"]) == {OSM_DAY}
    assert saved.set_index("buurt_code").loc[VOORHOF, "partial"]
    with open_workspace(delft_copy) as ws:
        kept = ws.read_table(coverage.METHOD_TABLE).iloc[0]
    assert (kept["method_version"], kept["osm_date"], kept["cbs_year"], kept["minutes"]) == \
        (coverage.METHOD_VERSION, OSM_DAY, "2022", 10.0)
    # suggest --json carries the same stamp (its "method" names the solver, as it always has).
    assert main(["suggest", str(delft_copy), "--count", "1", "--json", str(tmp_path / "s.json")]) == 0
    suggested = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert suggested["coverage_method"] == method and suggested["method"] in ("exact", "greedy")
    # The slow speed is stamped as used.
    assert main(["coverage", str(delft_copy), "--slow", "--json", str(out), "--no-save", "--force"]) == 0  # replaces c.json
    assert json.loads(out.read_text(encoding="utf-8"))["method"]["speed_kmh"] == settings.SLOW_WALK_SPEED_KMH


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_the_pdf_profile_flags_a_partial_area_withholds_voorhofs_figure_and_is_stamped(delft_copy, tmp_path):
    voorhof = tmp_path / "voorhof.pdf"
    assert main(["report", str(delft_copy), "--area", "Voorhof", "--lang", "nl", "--out", str(voorhof)]) == 0
    text = " ".join(_pdf_text(voorhof).split())
    assert "gedeeltelijk: 24 % van de wijk valt binnen de kaartgegevens; daarom geen cijfer" in text
    assert "van de bewoners woont binnen" not in text and not re.search(r"\b0,0%", text)
    assert f"OSM-gegevens van {OSM_DAY_NL}" in text and "CBS 2022" in text and f"Methode {coverage.METHOD_VERSION}" in text
    # The snapping rule in Dutch too (the JSON keeps it as English data).
    assert "koppelen: dichtstbijzijnde beloopbare weg, hoogstens 500 m;" in text and "walkable" not in text
    wippolder = tmp_path / "wippolder.pdf"
    assert main(["report", str(delft_copy), "--area", WIPPOLDER, "--lang", "en", "--out", str(wippolder)]) == 0
    text = " ".join(_pdf_text(wippolder).split())
    assert "41.9% of residents live within 10 minutes' walk" in text
    assert "partial: 61% of the wijk lies within the map data; the figure is about that part" in text
    assert f"Method {coverage.METHOD_VERSION}: walking 4.5 km/h" in text
    # A gemeente: one row per wijk, partial ones starred and flagged, the withheld ones without a figure.
    gemeente = tmp_path / "gemeente.pdf"
    assert main(["report", str(delft_copy), "--area", "GM0503", "--lang", "en", "--out", str(gemeente)]) == 0
    text = " ".join(_pdf_text(gemeente).split())
    assert "* partial (share of the area within the map data): " in text
    assert "Wijk 24 Voorhof 24%;" in text and "Wijk 28 Wippolder 61%;" in text  # English: no space
    assert re.search(r"Wijk 24 Voorhof \* WK050324 3,314 - - -", text)


# ---------------------------------------------------------------------- the app
def test_the_coverage_page_flags_partial_areas_and_shows_the_method(delft_copy, monkeypatch):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from assetmap import i18n

    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    try:
        at = AppTest.from_file(str(REPO / "pages" / "3_Ontmoetingsplekken.py"), default_timeout=180)
        at.run()
    finally:
        config.set_option("server.address", before)
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value.set_index(i18n.t("wijk", "nl"))
    voorhof = table.loc["Wijk 24 Voorhof"]
    assert voorhof[i18n.t("col_pct", "nl")] is None or pd.isna(voorhof[i18n.t("col_pct", "nl")])
    assert voorhof[i18n.t("col_partial", "nl")].startswith("gedeeltelijk: 24\xa0% van de wijk")
    assert table.loc["Wijk 28 Wippolder", i18n.t("col_pct", "nl")] == 41.9
    assert any("6 van de 6 gebieden vallen deels buiten" in i.value for i in at.info)
    assert any(c.value.startswith(f"Methode {coverage.METHOD_VERSION}") and OSM_DAY_NL in c.value for c in at.caption)


def test_the_published_site_gives_no_figure_for_voorhof_and_carries_the_method(delft_copy, tmp_path):
    from assetmap.publish import publish_site

    publish_site(delft_copy, tmp_path / "site")
    script = (tmp_path / "site" / "data.js").read_text(encoding="utf-8")
    data = json.loads(script[script.index("{"):script.rindex("}") + 1])
    areas = {a["name"]: a for a in data["coverage"]["areas"]}
    assert areas["Wijk 24 Voorhof"]["pct"] is None and areas["Wijk 24 Voorhof"]["withheld"]
    assert areas["Wijk 28 Wippolder"]["pct"] == 41.9 and areas["Wijk 28 Wippolder"]["partial"]
    assert data["coverage"]["method"]["osm_date"] == OSM_DAY and data["coverage"]["method"]["cbs_year"] == "2022"

