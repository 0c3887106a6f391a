"""Residents find what is open and near them; 'Wat is er veranderd' people can read (issue #28, items 5 and 6).

On the real Delft workspace (CBS wijken + the OSM extract, its street names included) with three
public places put near the Mekelweg: one open on weekdays 09–17, one on Sundays only, one without
opening hours. The app's /Kaart page runs in Streamlit's AppTest with its clock set through the
session (no mock); the published site runs from ``file://`` in Debian's Chromium, with a granted
geolocation and Playwright's clock.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from assetmap import i18n, settings
from assetmap.changes import day_text, import_line, summarise_changes
from assetmap.cli import main
from assetmap.layers import build_assets, opening
from assetmap.layers.hours import hours_known
from assetmap.privacy import public_view
from assetmap.publish import publish_site
from assetmap.resident_filters import CLOCK_KEY, find_street
from assetmap.service import open_workspace

import browsing
from browsing import require_chromium
from conftest import REPO

MAP_PAGE = str(REPO / "pages" / "1_Kaart.py")
CHANGES_PAGE = str(REPO / "pages" / "5_Veranderd.py")
STREET = "Mekelweg"
WEEKDAYS, SUNDAY, UNKNOWN = "Buurtkamer Dichtbij", "Zondagscafé Verderop", "Tuin Ver Weg"
TABLE = "tafel 3"
TILES = "https://tile.openstreetmap.org/"


def _street_point(path: Path) -> Point:
    with open_workspace(path) as ws:
        streets = ws.streets()
    return streets[streets["name"] == STREET].geometry.iloc[0]


def _near(origin: Point, east_m: float) -> Point:
    """A point ``east_m`` metres east of ``origin`` (moved in RD New, never in degrees)."""
    rd = gpd.GeoSeries([origin], crs=settings.STORAGE_CRS).to_crs(settings.METRIC_CRS).iloc[0]
    return gpd.GeoSeries([Point(rd.x + east_m, rd.y)], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS).iloc[0]


def _add_places(path: Path) -> dict[str, Point]:
    origin = _street_point(path)
    places = {WEEKDAYS: (_near(origin, 60), "Mo-Fr 09:00-17:00"), SUNDAY: (_near(origin, 250), "Su 10:00-16:00"),
              UNKNOWN: (_near(origin, 900), None)}
    frame = gpd.GeoDataFrame([{"name": name, "building_block": "resource", "visibility": "public", "consent": True,
                               "opening_hours": hours, "wijk_code": "WK050328"} for name, (_p, hours) in places.items()],
                             geometry=[p for p, _h in places.values()], crs=settings.STORAGE_CRS)
    with open_workspace(path) as ws:
        ws.save_assets(build_assets(frame, source="workshop", added_by=TABLE), TABLE)
    return {name: point for name, (point, _h) in places.items()}


@pytest.fixture
def workspace(delft_copy, monkeypatch):
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    from streamlit import config
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    _add_places(delft_copy)
    yield delft_copy
    config.set_option("server.address", before)


def _map_names(at: AppTest) -> list[str]:
    names = []
    for element in at.get("html"):
        body = element.proto.body
        if "assetmap-list" in body:
            names += [re.sub(r"&amp;", "&", n) for n in re.findall(r"<li><b><span [^>]*>●</span> (.*?)</b>", body)]
    return names


def _table(at: AppTest, column: str, first: bool = False):
    """The page's table with ``column`` (as its first column when ``first``)."""
    return next(d.value for d in at.dataframe if column in d.value.columns
                and (not first or d.value.columns[0] == column))


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---------------------------------------------------------------------- the hours, as numbers
def test_open_in_dutch_time_whatever_the_clock_zone():
    # 07:30 UTC on a Monday in July is 09:30 in Delft (summer time): open on 'Mo-Fr 09:00-17:00'.
    window = opening.moment_window(datetime(2026, 7, 6, 7, 30, tzinfo=timezone.utc))
    assert window.spans[0][0] == datetime(2026, 7, 6, 9, 30)
    assert opening.local_now(datetime(2026, 12, 7, 7, 30, tzinfo=timezone.utc)).hour == 8  # winter: UTC+1
    week = opening.week_minutes("Mo-Fr 09:00-17:00; Sa 22:00-24:00", date(2026, 12, 9))
    assert week[0] == [540, 1020] and week[-1] == [5 * 1440 + 22 * 60, 6 * 1440]
    assert opening.week_minutes("elke dag open", date(2026, 12, 9)) is None  # unreadable: unknown, not open
    assert opening.week_minutes(None) is None


def test_an_activity_opens_a_place_and_unknown_hours_never_count_as_open():
    import pandas as pd
    assets = pd.DataFrame({"id": ["a", "b", "c"], "opening_hours": ["Mo 09:00-12:00", None, "kapot"]})
    activities = pd.DataFrame({"asset_id": ["b"], "recurring_time": ["We 19:00-21:00"]})
    evening = opening.day_window("we", "evening", date(2026, 12, 9))
    state = opening.open_state(assets, evening, activities)
    assert state.open.tolist() == [False, True, False] and state.unknown.tolist() == [False, False, True]
    morning = opening.day_window("mo", "morning", date(2026, 12, 9))
    assert opening.open_state(assets, morning, activities).open.tolist() == [True, False, False]


def test_the_import_keeps_street_names_and_a_typed_street_is_found(delft_copy):
    with open_workspace(delft_copy) as ws:
        streets = ws.streets()
    assert len(streets) > 100 and STREET in set(streets["name"])
    assert find_street("  mekelWEG ", streets) == STREET
    assert find_street("Mekel", streets) is not None and find_street("Nergensstraat", streets) is None


# ---------------------------------------------------------------------- /Kaart in the app
def test_map_page_open_on_a_day_and_part_of_the_day(workspace):
    at = _run(AppTest.from_file(MAP_PAGE, default_timeout=180))
    # The filters are on the page, never in the sidebar (which covers a phone's screen).
    assert "map_when" not in {r.key for r in at.sidebar.radio}
    at.radio(key="map_when").set_value("on")
    _run(at)
    at.selectbox(key="map_day").set_value("mo")
    at.selectbox(key="map_part").set_value("morning")
    _run(at)
    names = _map_names(at)
    assert WEEKDAYS in names and SUNDAY not in names and UNKNOWN not in names
    unknown = [e for e in at.expander if e.label.startswith("Tijden onbekend")]
    # Places without readable hours, and no story or person (they have no hours to know).
    with open_workspace(workspace) as ws:
        public = public_view(ws.assets(), ws.boundaries())
    expected = sum(1 for block, value in zip(public["building_block"], public["opening_hours"])
                   if block not in ("story", "individual") and not hours_known(value))
    assert unknown and int(unknown[0].label.split(":")[1]) == expected and expected >= 1
    at.selectbox(key="map_day").set_value("su")
    at.selectbox(key="map_part").set_value("day")
    _run(at)
    names = _map_names(at)
    assert SUNDAY in names and WEEKDAYS not in names


def test_map_page_open_now_at_a_given_clock(workspace):
    at = AppTest.from_file(MAP_PAGE, default_timeout=180)
    at.session_state[CLOCK_KEY] = datetime(2026, 7, 6, 7, 30, tzinfo=timezone.utc)  # Monday 09:30 in Delft
    _run(at)
    at.radio(key="map_when").set_value("now")
    _run(at)
    names = _map_names(at)
    assert WEEKDAYS in names and SUNDAY not in names
    assert any("maandag 09:30" in c.value for c in at.caption)
    at.session_state[CLOCK_KEY] = datetime(2026, 7, 5, 10, 0, tzinfo=timezone.utc)  # Sunday 12:00
    _run(at)
    names = _map_names(at)
    assert SUNDAY in names and WEEKDAYS not in names


def test_map_page_near_a_typed_street_sorts_the_nearest_first(workspace):
    at = _run(AppTest.from_file(MAP_PAGE, default_timeout=180))
    at.text_input(key="map_near").set_value("mekelweg")
    _run(at)
    table = _table(at, i18n.t("near_distance_column", "nl"))
    names = list(table.iloc[:, 0])
    metres = list(table.iloc[:, 1])
    assert metres == sorted(metres) and max(metres) <= 500  # nearest first, within the 500 m chosen
    assert names.index(WEEKDAYS) < names.index(SUNDAY) and UNKNOWN not in names
    assert _map_names(at)[:len(names)] == names  # the list follows the same order
    assert any(STREET in c.value and "hemelsbreed" in c.value for c in at.caption)
    at.text_input(key="map_near").set_value("Nergensstraat")
    _run(at)
    assert any("Nergensstraat" in w.value for w in at.warning)


# ---------------------------------------------------------------------- the published site in Chromium
@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    with browsing.chromium() as browser:
        yield browser


@pytest.fixture
def site(delft_copy, tmp_path):
    places = _add_places(delft_copy)
    out = tmp_path / "buurtkaart"
    publish_site(delft_copy, out)
    return out, places


def _open_site(browser, out: Path, clock: datetime | None = None, **options):
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | options))
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(TILES + "**", lambda route: route.abort())
    if clock is not None:
        page.clock.set_fixed_time(clock)
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("html[data-ready]")
    return page, requests, errors


def _list_names(page) -> list[str]:
    return page.locator("#list .name").all_inner_texts()


@pytest.mark.browser
def test_site_open_on_a_day_and_open_now_in_chromium(site, chromium):
    out, _places = site
    data = json.loads((out / "data.js").read_text(encoding="utf-8").split("=", 1)[1].rstrip().rstrip(";"))
    record = next(a for a in data["assets"] if a["n"] == WEEKDAYS)
    assert record["h"][0] == [540, 1020] and "Mo-Fr" in record["o"]  # week minutes made in Python
    assert not any("h" in a for a in data["assets"] if a["n"] == UNKNOWN)
    page, requests, errors = _open_site(chromium, out, clock=datetime(2026, 12, 6, 11, 0, tzinfo=timezone.utc))
    try:
        page.fill("#q", "e")  # every test place has an 'e'
        page.select_option("#when", "on")
        assert page.locator("#day").is_visible() and page.locator("#part").is_visible()
        page.select_option("#day", "0")
        page.select_option("#part", "morning")
        names = _list_names(page)
        assert WEEKDAYS in names and SUNDAY not in names and UNKNOWN not in names
        assert page.locator("#unknown").is_visible()
        page.locator("#unknown summary").click()
        assert UNKNOWN in page.locator("#unknown-list").inner_text()
        keys = [b["key"] for b in data["blocks"]]
        # The search also matches words of a category, so the list is checked against every place
        # without hours: places only, never a story or a person, and every name-matching one is there.
        places = {a["n"] for a in data["assets"] if "h" not in a and "ah" not in a
                  and keys[a["b"]] not in ("story", "individual")}
        by_name = {n for n in places if "e" in n.lower()}
        listed = set(page.locator("#unknown-list li").all_inner_texts())
        assert by_name <= listed <= places and UNKNOWN in listed
        assert "Tijden onbekend" in page.locator("#unknown summary").inner_text()
        page.select_option("#day", "6")
        page.select_option("#part", "day")
        names = _list_names(page)
        assert SUNDAY in names and WEEKDAYS not in names
        # Sunday 6 December 2026, 12:00 in Delft (11:00 UTC): the Sunday café is open now, the other not.
        page.select_option("#when", "now")
        assert page.locator("#day").is_hidden()
        names = _list_names(page)
        assert SUNDAY in names and WEEKDAYS not in names
        assert "zondag 12:00" in page.locator("#filter-note").inner_text()
        assert errors == [] and all(u.startswith(("file:", TILES)) for u in requests)
    finally:
        page.context.close()


@pytest.mark.browser
def test_site_near_me_with_the_browsers_location_and_a_typed_street(site, chromium):
    out, places = site
    here = places[SUNDAY]
    page, requests, errors = _open_site(chromium, out, geolocation={"latitude": here.y, "longitude": here.x},
                                        permissions=["geolocation"])
    try:
        page.click("#locate")
        page.wait_for_function("document.getElementById('filter-note').textContent.indexOf('je locatie') >= 0")
        names = _list_names(page)
        assert names[0] == SUNDAY and UNKNOWN not in names  # 0 m away first; 650 m is beyond 500 m
        assert re.search(r"· \d+ m$", page.locator("#list .meta").first.inner_text())
        page.select_option("#distance", "1000")
        assert UNKNOWN in _list_names(page)
        # A typed street of the workspace: nearest first from there.
        page.fill("#near", "mekelweg")
        page.locator("#near").press("Enter")
        page.wait_for_function("document.getElementById('filter-note').textContent.indexOf('Mekelweg') >= 0")
        names = _list_names(page)
        assert names.index(WEEKDAYS) < names.index(SUNDAY) < names.index(UNKNOWN)
        # The location never left the browser: no request but the site's own files (and blocked tiles).
        assert errors == [] and all(u.startswith(("file:", TILES)) for u in requests)
        assert f"{here.y:.3f}" not in " ".join(requests)
    finally:
        page.context.close()


@pytest.mark.browser
def test_site_filters_fit_a_phone(site, chromium):
    out, _places = site
    page, _requests, errors = _open_site(chromium, out, viewport={"width": 390, "height": 844}, is_mobile=True,
                                         has_touch=True)
    try:
        page.locator("#more-filters summary").click()  # on a phone the filters start folded
        page.select_option("#when", "on")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
        for control in ("#when", "#day", "#part", "#locate", "#near", "#distance"):
            box = page.locator(control).bounding_box()
            assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, control
        assert errors == []
    finally:
        page.context.close()


# ---------------------------------------------------------------------- Wat is er veranderd
def _workshop_changes(path: Path) -> None:
    """A table adds two entries: one in Wippolder, one outside every wijk."""
    frame = gpd.GeoDataFrame([{"name": "Repair café", "building_block": "association", "wijk_code": "WK050328"},
                              {"name": "Ergens buiten", "building_block": "resource"}],
                             geometry=[Point(4.3730, 52.0018), Point(4.9, 52.37)], crs=settings.STORAGE_CRS)
    with open_workspace(path) as ws:
        ws.save_assets(build_assets(frame, source="workshop", added_by=TABLE), TABLE)


def test_changes_keep_imports_apart_and_name_the_areas(delft_copy, capsys):
    _workshop_changes(delft_copy)
    with open_workspace(delft_copy) as ws:
        summary = summarise_changes(ws.history(), "2000-01-01", assets=ws.assets(), boundaries=ws.boundaries())
        osm_rows = int((ws.assets()["source"] == "osm").sum())
        wippolder = ws.boundaries().set_index("code").loc["WK050328", "name"]
    # The import is one line, not 185 rows among the workshop's two.
    assert [(b["source"], b["rows"]) for b in summary["imports"]] == [("OpenStreetMap", osm_rows)]
    assert {i["actor"] for i in summary["items"]} == {TABLE} and summary["totals"]["added"] == 2
    assert set(summary["per_area"]) == {wippolder}  # a name, not WK050328, and no "-" row
    assert summary["outside_areas"]["added"] == 1
    day = summary["imports"][0]["day"]
    assert import_line(summary["imports"][0], "nl") == f"OpenStreetMap-import {day_text(day, 'nl')}: {osm_rows} objecten"
    assert day_text("2026-12-07", "nl") == "7 december 2026" and day_text("2026-12-07", "en") == "7 December 2026"
    # The command line prints the same: the import as one line, areas by name, no "-".
    assert main(["--lang", "nl", "changes", str(delft_copy), "--since", "2000-01-01"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert f"OpenStreetMap-import {day_text(day, 'nl')}: {osm_rows} objecten" in lines
    assert any(line.startswith(wippolder + "\t") for line in lines)
    assert any(line.startswith("buiten de wijken\t") for line in lines)
    assert not any(re.search(r"(^|\t)-(\t|$)", line) for line in lines)
    assert "WK0503" not in out and "osm-" not in out  # no codes, no row of the import


def test_changes_page_shows_imports_apart_and_areas_by_name(delft_copy, monkeypatch):
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    from streamlit import config
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    try:
        _workshop_changes(delft_copy)
        at = AppTest.from_file(CHANGES_PAGE, default_timeout=180)
        at.run()
        at.date_input(key="changes_since").set_value(date(2000, 1, 1))
        _run(at)
    finally:
        config.set_option("server.address", before)
    with open_workspace(delft_copy) as ws:
        wippolder = ws.boundaries().set_index("code").loc["WK050328", "name"]
    assert any("OpenStreetMap-import" in m.value for m in at.markdown)
    areas = _table(at, i18n.t("changes_area_column", "nl"), first=True)
    assert list(areas.iloc[:, 0]) == [wippolder, i18n.t("changes_outside_areas", "nl")]
    items = _table(at, i18n.t("changes_who", "nl"))
    assert set(items["Naam"]) == {"Repair café", "Ergens buiten"}  # the workshop's, not the import's 185
    assert "-" not in set(items.iloc[:, 4]) and not any(str(v).startswith("WK") for v in items.iloc[:, 4])
