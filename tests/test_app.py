"""The Streamlit app on the real Delft workspace, driven through its widgets (streamlit AppTest).

Each test works on its own copy of the workspace (fixture ``delft_copy``) and points the app at it
with ``ASSETMAP_WORKSPACE``. Maps are checked as HTML from :mod:`assetmap.maps`.
"""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest
from test_messages import catalogue

from assetmap import i18n, maps, settings
from assetmap.layers import build_assets
from assetmap.service import create_workspace, open_workspace

from conftest import DELFT_PBF, NL_WIJKEN, REPO

APP = str(REPO / "app.py")
MAP_PAGE = str(REPO / "pages" / "1_Kaart.py")
WORKSHOP_PAGE = str(REPO / "pages" / "2_In_kaart_brengen.py")
GAPS_PAGE = str(REPO / "pages" / "3_Ontmoetingsplekken.py")
DATA_PAGE = str(REPO / "pages" / "4_Data.py")
STATEMENT_PAGE = str(REPO / "pages" / "6_Toegankelijkheid.py")
ALL_PAGES = (APP, MAP_PAGE, WORKSHOP_PAGE, GAPS_PAGE, DATA_PAGE, STATEMENT_PAGE)
XSS_NAMES = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")


def run(script: str, lang: str | None = None, timeout: float = 180) -> AppTest:
    at = AppTest.from_file(script, default_timeout=timeout)
    if lang:
        at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def add_assets(path, rows: list[dict], actor: str = "test") -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame([{k: v for k, v in r.items() if k not in ("lon", "lat")} for r in rows],
                             geometry=[Point(r["lon"], r["lat"]) for r in rows], crs=settings.STORAGE_CRS)
    assets = build_assets(frame, source="workshop", added_by=actor)
    with open_workspace(path) as ws:
        ws.save_assets(assets, actor)
    return assets


def caption_texts(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def shown_texts(at: AppTest) -> list[str]:
    """The map page's count line ("3 van 10 assets getoond"): the text of its live region."""
    return [html.unescape(re.sub(r"<[^>]+>", "", m.value)) for m in at.markdown if 'role="status"' in m.value]


def map_list_names(at: AppTest) -> list[str]:
    """Names in the map page's list (the text equivalent of the map), in their order."""
    names = []
    for element in at.get("html"):
        body = element.proto.body
        if "assetmap-list" in body:
            names += [html.unescape(n) for n in re.findall(r"<li><b><span [^>]*>●</span> (.*?)</b>", body)]
    return names


@pytest.fixture(autouse=True)
def local_server(monkeypatch):
    """Every test runs as a coordinator on their own computer (server on localhost, ``ASSETMAP_ACCESS``
    unset) unless it sets ``ASSETMAP_ACCESS`` or the server address itself."""
    from streamlit import config

    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


@pytest.fixture
def workspace(delft_copy, monkeypatch):
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    return delft_copy


# ---------------------------------------------------------------------- every page
@pytest.mark.parametrize("script", ALL_PAGES)
def test_every_page_runs_in_dutch_and_english(workspace, script):
    dutch = run(script)
    english = run(script, lang="en")
    nl_title, en_title = dutch.title[0].value, english.title[0].value
    assert nl_title != en_title
    assert nl_title in {i18n.t(k, "nl") for k in catalogue("nl") if k.endswith("_title")}
    assert en_title in {i18n.t(k, "en") for k in catalogue("en") if k.endswith("_title")}


def test_every_page_copes_with_an_empty_workspace(tmp_path, monkeypatch):
    target = tmp_path / "leeg.gpkg"
    create_workspace(target).close()
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(target))
    for script in ALL_PAGES:
        at = run(script)
        if script == GAPS_PAGE:
            assert at.info[0].value == i18n.t("coverage_no_network", "nl")  # a message, not a traceback
        elif script == APP:  # the coordinator is offered the Delft example, and that is the one message
            assert [i.value for i in at.info] == [i18n.t("demo_intro", "nl")]
        elif script == MAP_PAGE:
            assert at.info[0].value == i18n.t("no_assets", "nl")


def test_the_first_screen_of_a_new_workspace_says_one_thing(tmp_path, monkeypatch):
    """No "still empty" beside "does not exist yet, create it on the start page" while on that page."""
    target = tmp_path / "nieuw.gpkg"
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(target))
    at = run(APP)
    assert not at.exception
    assert [i.value for i in at.info] == [i18n.t("workspace_missing_home", "nl", path=target)]
    assert i18n.t("demo_button", "nl") in [b.label for b in at.main.button]  # beside "open" and "create"
    assert not target.exists()  # looking creates nothing
    at.button(key="load_demo").click().run()
    assert not at.exception and target.is_file()
    assert i18n.t("demo_intro", "nl") not in [i.value for i in at.info]


def test_language_switch_in_sidebar_changes_texts(workspace):
    at = run(APP)
    assert at.title[0].value == i18n.t("home_title", "nl")
    at.sidebar.radio(key="_lang_widget").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == i18n.t("home_title", "en")
    assert at.session_state["lang"] == "en"


def test_every_text_exists_in_both_languages():
    assert set(catalogue("nl")) == set(catalogue("en"))
    assert i18n.t("no_such_key", "en") == "no_such_key"
    assert i18n.block_label("institution", "nl") == "Institutionele middelen"
    assert i18n.category_label("library", "nl") == "Bibliotheek"
    assert i18n.category_label(pd.NA, "nl") == ""


# ---------------------------------------------------------------------- home
def test_home_overview_counts_assets_sources_and_charts(workspace):
    at = run(APP)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[i18n.t("home_assets_total", "nl")] == "185"
    assert metrics[i18n.t("home_meeting_places", "nl")] == "2"
    assert metrics[i18n.t("home_areas", "nl")] == "13"
    assert len(at.get("vega_lite_chart")) == 2  # per building block and per wijk (Delft has no buurten)
    sources = at.dataframe[0].value
    assert set(sources[i18n.t("source_name", "nl")]) == {"CBS wijk- en buurtkaart", "OpenStreetMap"}


def test_home_creates_a_missing_workspace(tmp_path, monkeypatch):
    target = tmp_path / "nieuw.gpkg"
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(target))
    at = run(APP)
    assert any("nieuw.gpkg" in i.value for i in at.info)
    at.button(key="workspace_create").click().run()
    assert not at.exception
    assert target.is_file()
    assert at.metric[0].value == "0"


def test_home_imports_local_files_offline(tmp_path, monkeypatch):
    target = tmp_path / "delft.gpkg"
    create_workspace(target).close()
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(target))
    at = run(APP)
    at.text_input(key="boundaries_path").input(str(NL_WIJKEN))
    at.text_input(key="gemeente_filter").input("GM0503")
    at.text_input(key="osm_path").input(str(DELFT_PBF))
    at.button(key="import_files").click().run(timeout=300)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    with open_workspace(target) as ws:
        imported = len(ws.assets())
        assert set(ws.boundaries()["level"]) == {"wijk"}
    assert imported > 100
    assert int(at.metric[0].value) == imported


def test_home_online_failure_shows_a_message_not_a_traceback(workspace, monkeypatch):
    import osmnx as ox
    # A closed local port stands in for "no internet": the real online code path runs and fails.
    monkeypatch.setattr(ox.settings, "nominatim_url", "http://127.0.0.1:9/")
    monkeypatch.setattr(ox.settings, "overpass_url", "http://127.0.0.1:9/api")
    monkeypatch.setattr(settings, "PDOK_WFS_URL", "http://127.0.0.1:9/wfs")
    at = run(APP)
    at.text_input(key="place").input("Transvaal, Den Haag")
    at.button(key="fetch_osm").click().run()
    assert not at.exception
    assert at.error and "OpenStreetMap" in at.error[0].value
    at.text_input(key="gemeente").input("GM0518")
    at.button(key="fetch_boundaries").click().run()
    assert not at.exception
    assert at.error


def test_home_refuses_a_bad_local_file_with_a_message(workspace, tmp_path):
    bad = tmp_path / "kapot.osm"
    bad.write_text("this is not OSM XML")
    at = run(APP)
    at.text_input(key="osm_path").input(str(bad))
    at.button(key="import_files").click().run()
    assert not at.exception
    assert at.error


# ---------------------------------------------------------------------- map page (public)
def test_map_page_filters_by_name_block_category_and_area(workspace):
    at = run(MAP_PAGE)
    assert any("185 van 185" in c for c in shown_texts(at))
    assert len(map_list_names(at)) == 185
    assert any(i18n.t("offline_tiles", "nl") == c for c in caption_texts(at))
    at.text_input(key="map_search").input("library").run()
    assert any(c.startswith("1 van 185") for c in shown_texts(at))
    assert map_list_names(at) == ["TU Delft Library"]
    at.text_input(key="map_search").input("").run()
    at.multiselect(key="map_blocks").set_value(["institution"]).run()
    assert any(c.startswith("38 van 185") for c in shown_texts(at))
    at.multiselect(key="map_categories").set_value(["university"]).run()
    assert any(c.startswith("9 van 185") for c in shown_texts(at))
    at.multiselect(key="map_blocks").set_value([]).run()
    at.multiselect(key="map_categories").set_value([]).run()
    at.multiselect(key="map_areas").set_value(["WK050324"]).run()
    assert any(c.startswith("40 van 185") for c in shown_texts(at))
    assert not at.exception


def test_map_page_shows_only_the_public_view(workspace):
    add_assets(workspace, [
        {"name": "Geheime tuin", "building_block": "resource", "visibility": "private", "lon": 4.3725, "lat": 52.0015},
        {"name": "Kookt voor de buren", "building_block": "individual", "contact": "06-12345678",
         "lon": 4.3726, "lat": 52.0016},
        {"name": "Zingt in het koor", "building_block": "individual", "visibility": "public", "consent": True,
         "contact": "zanger@example.org", "lon": 4.3727, "lat": 52.0017},
    ])
    at = run(MAP_PAGE)
    names = set(map_list_names(at))
    assert "Zingt in het koor" in names  # public and with consent
    assert "Geheime tuin" not in names and "Kookt voor de buren" not in names
    assert any(c.startswith("186 van 186") for c in shown_texts(at))


# ---------------------------------------------------------------------- workshop page
def fill_new_asset(at: AppTest, name: str, lat: float = 52.0015, lon: float = 4.3725, **extra) -> AppTest:
    at.number_input(key="new_lat").set_value(lat)
    at.number_input(key="new_lon").set_value(lon)
    at.text_input(key="new_name").input(name)
    for key, value in extra.items():
        if key in ("new_story", "new_description"):
            at.text_area(key=key).input(value)
        else:
            at.selectbox(key=key).set_value(value)
    return at


def save_button(at: AppTest):
    return next(b for b in at.button if b.label == i18n.t("save", "nl"))


def test_workshop_adds_an_asset_with_story_and_link_to_the_file(workspace):
    with open_workspace(workspace) as ws:
        library = ws.assets().query("name == 'TU Delft Library'")["id"].iloc[0]
    at = run(WORKSHOP_PAGE)
    assert save_button(at).disabled  # no pseudonym yet
    at.text_input(key="_pseudonym_widget").input("tafel 1").run()
    assert not save_button(at).disabled
    fill_new_asset(at, "Buurtkamer De Linde", new_block="association", new_story="Hier begon in 1985 het buurtfeest",
                   new_link=library)
    at.text_area(key="new_description").input("Koffie op dinsdag")
    save_button(at).click().run()
    assert not at.exception
    assert any("Buurtkamer De Linde" in s.value for s in at.success)
    with open_workspace(workspace) as ws:
        assets = ws.assets()
        mine = assets[assets["added_by"] == "tafel 1"]
        place = mine[mine["name"] == "Buurtkamer De Linde"].iloc[0]
        story = mine[mine["building_block"] == "story"].iloc[0]
        links = ws.links()
    assert len(assets) == 187
    assert place["building_block"] == "association" and place["description"] == "Koffie op dinsdag"
    assert place["wijk_code"] == "WK050328"  # codes assigned from the boundaries
    assert story["related_asset_id"] == place["id"]
    assert place.geometry.x == pytest.approx(4.3725) and place.geometry.y == pytest.approx(52.0015)
    assert ((links["from_asset_id"] == place["id"]) & (links["to_asset_id"] == library)).sum() == 1
    # Own entries are listed for editing after the save.
    assert "Buurtkamer De Linde" in set(at.dataframe[0].value[i18n.t("name", "nl")])


def test_workshop_records_a_meeting_place_as_residents_use_it_and_an_initiative(workspace):
    """The form takes access, scale, capacity, hours and target groups, and an initiative's seeks and offers."""
    at = run(WORKSHOP_PAGE)
    at.text_input(key="_pseudonym_widget").input("tafel 7").run()
    fill_new_asset(at, "Huiskamer Wippolder", new_block="association", new_access="walk_in", new_scale="living_room")
    at.checkbox(key="new_is_meeting").check()
    at.number_input(key="new_capacity").set_value(15)
    at.text_input(key="new_opening_hours").input("We 19:00-21:00")
    at.multiselect(key="new_groups").set_value(["older_people", "newcomers"])
    save_button(at).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    fill_new_asset(at, "Repair café", new_block="initiative", new_status="idee")
    at.text_input(key="new_seeks").input("ruimte; vrijwilligers")
    at.text_input(key="new_offers").input("reparaties")
    save_button(at).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with open_workspace(workspace) as ws:
        assets = ws.assets().set_index("name")
    place, initiative = assets.loc["Huiskamer Wippolder"], assets.loc["Repair café"]
    assert bool(place["is_meeting_place"]) and place["access"] == "walk_in" and place["scale"] == "living_room"
    assert int(place["capacity"]) == 15 and place["opening_hours"] == "We 19:00-21:00"
    assert set(place["target_groups"].replace(" ", "").split(";")) == {"older_people", "newcomers"}
    assert initiative["building_block"] == "initiative" and initiative["status"] == "idee"
    assert "space" in initiative["seeks"] and "volunteers" in initiative["seeks"]


def test_workshop_keeps_a_person_private_by_default(workspace):
    at = run(WORKSHOP_PAGE)
    at.text_input(key="_pseudonym_widget").input("tafel 4").run()
    fill_new_asset(at, "Kookt voor de buren", new_block="individual")
    save_button(at).click().run()
    assert not at.exception
    with open_workspace(workspace) as ws:
        person = ws.assets().query("name == 'Kookt voor de buren'").iloc[0]
    assert person["visibility"] == "group" and not person["consent"]
    map_page = run(MAP_PAGE)
    assert "Kookt voor de buren" not in set(map_list_names(map_page))


def test_workshop_edit_remove_and_undo_own_entries(workspace):
    at = run(WORKSHOP_PAGE)
    at.text_input(key="_pseudonym_widget").input("tafel 2").run()
    fill_new_asset(at, "Moestuin")
    save_button(at).click().run()
    with open_workspace(workspace) as ws:
        asset_id = ws.assets().query("name == 'Moestuin'")["id"].iloc[0]
    at.text_input(key=f"edit_name_{asset_id}").input("Moestuin Wippolder")
    next(b for b in at.button if b.label == i18n.t("edit_save", "nl")).click().run()
    assert not at.exception
    with open_workspace(workspace) as ws:
        assert ws.asset(asset_id)["name"] == "Moestuin Wippolder"
    at.button(key="undo").click().run()
    with open_workspace(workspace) as ws:
        assert ws.asset(asset_id)["name"] == "Moestuin"
    next(b for b in at.button if b.label == i18n.t("delete", "nl")).click().run()
    with open_workspace(workspace) as ws:
        assert ws.asset(asset_id) is None
    at.button(key="undo").click().run()
    with open_workspace(workspace) as ws:
        assert ws.asset(asset_id)["name"] == "Moestuin"


def test_workshop_needs_a_location_and_shows_others_entries(workspace):
    add_assets(workspace, [{"name": "Van een andere tafel", "building_block": "resource", "visibility": "group",
                            "lon": 4.373, "lat": 52.002}], actor="tafel 9")
    at = run(WORKSHOP_PAGE)
    at.text_input(key="_pseudonym_widget").input("tafel 3").run()
    at.text_input(key="new_name").input("Zonder plek")
    save_button(at).click().run()
    assert at.error and at.error[0].value == i18n.t("no_location", "nl")
    with open_workspace(workspace) as ws:
        assert len(ws.assets()) == 186
    names = [o for o in at.selectbox(key="new_link").options]
    assert "Van een andere tafel" in names  # a group entry of another table can be linked to


# ---------------------------------------------------------------------- gaps page
def test_gaps_page_table_sorted_by_uncovered_and_controls_change_results(workspace):
    at = run(GAPS_PAGE)
    table = at.dataframe[0].value
    # Areas mostly outside the map data show no figure (None); the figures shown are sorted.
    uncovered = table[i18n.t("col_uncovered", "nl")].dropna().to_numpy(dtype=float)
    assert len(table) >= 5 and len(uncovered)
    assert (np.diff(uncovered) <= 0).all()
    assert i18n.t("wijk", "nl") in table.columns  # Delft has no buurten: analysed per wijk
    covered_normal = _pct(at.metric[0].value)
    # Suggested sites are searched when asked for (on a city they take longer than the rest of the page).
    assert i18n.t("sites_title", "nl") not in [s.value for s in at.subheader] and not at.number_input
    at.toggle(key="gap_show_sites").set_value(True).run()
    assert i18n.t("sites_title", "nl") in [s.value for s in at.subheader]
    sites = at.dataframe[1].value
    assert list(sites[i18n.t("col_rank", "nl")]) == [1, 2, 3]
    at.number_input(key="gap_sites").set_value(2).run()
    assert list(at.dataframe[1].value[i18n.t("col_rank", "nl")]) == [1, 2]
    at.radio(key="gap_speed").set_value("slow").run()
    covered_slow = _pct(at.metric[0].value)
    assert covered_slow <= covered_normal
    at.slider(key="gap_minutes").set_value(30).run()
    covered_30 = _pct(at.metric[0].value)
    assert covered_30 >= covered_slow
    remove = at.multiselect(key="gap_remove")
    remove.set_value(list(remove.options)).run()
    assert not at.exception
    assert _pct(at.metric[0].value) == 0.0
    assert at.metric[0].delta.startswith("-")


# ---------------------------------------------------------------------- data page
def test_data_page_reports_every_bad_row_and_writes_nothing(workspace, tmp_path):
    bad = tmp_path / "werksessie.csv"
    bad.write_text("naam,bouwsteen,lat,lon\n"
                   "Buurthuis,instelling,52.0015,4.3725\n"
                   ",vereniging,52.0016,4.3726\n"
                   "Moestuin,toverij,52.0017,4.3727\n", encoding="utf-8")
    at = run(DATA_PAGE)
    at.text_input(key="workshop_path").input(str(bad))
    at.button(key="import_do").click().run()
    assert not at.exception
    assert at.error
    report = at.dataframe[0].value
    assert {3, 4} <= set(report[i18n.t("col_row", "nl")].dropna().astype(int))
    assert {"naam", "bouwsteen"} <= set(report[i18n.t("col_column", "nl")])  # as the file names them
    assert report[i18n.t("col_fix", "nl")].str.len().gt(0).all()
    with open_workspace(workspace) as ws:
        assert len(ws.assets()) == 185


def test_data_page_dry_run_then_import(workspace, tmp_path):
    good = tmp_path / "goed.csv"
    good.write_text("naam,bouwsteen,lat,lon\nBuurthuis Oost,instelling,52.0015,4.3725\n", encoding="utf-8")
    at = run(DATA_PAGE)
    at.text_input(key="workshop_path").input(str(good))
    at.button(key="import_check").click().run()
    assert at.success and "1" in at.success[0].value
    with open_workspace(workspace) as ws:
        assert len(ws.assets()) == 185
    at.button(key="import_do").click().run()
    assert not at.exception and at.success
    with open_workspace(workspace) as ws:
        assert "Buurthuis Oost" in set(ws.assets()["name"])


def test_data_page_exports_public_csv_without_contact(workspace):
    add_assets(workspace, [{"name": "Zingt in het koor", "building_block": "individual", "visibility": "public",
                            "consent": True, "contact": "zanger@example.org", "lon": 4.3727, "lat": 52.0017}])
    at = run(DATA_PAGE)
    at.radio(key="export_format").set_value(".csv").run()
    at.button(key="export_prepare").click().run()
    assert not at.exception
    name, payload, rows = at.session_state["export"]
    assert name.endswith("-public.csv") and rows == 186
    text = payload.decode("utf-8")
    assert "Zingt in het koor" in text and "zanger@example.org" not in text
    assert at.get("download_button")


# ---------------------------------------------------------------------- maps (HTML)
def _xss_assets() -> gpd.GeoDataFrame:
    rows = [
        {"name": XSS_NAMES[0], "building_block": "resource", "category": "<b>cat</b>",
         "description": "<iframe src=javascript:alert(1)>", "visibility": "public", "consent": True},
        {"name": XSS_NAMES[1], "building_block": "story", "description": "\"'><svg onload=alert(1)>",
         "visibility": "public", "consent": True},
    ]
    frame = gpd.GeoDataFrame(rows, geometry=[Point(4.3725, 52.0015), Point(4.3726, 52.0016)],
                             crs=settings.STORAGE_CRS)
    assets = build_assets(frame, source="workshop")
    assets.loc[1, "related_asset_id"] = assets.loc[0, "id"]
    return assets


def test_asset_map_escapes_every_user_text(delft_ws):
    html = maps.asset_map(_xss_assets(), delft_ws.boundaries()).get_root().render()
    assert "&lt;img" in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)" in html and "<script>alert(1)" not in html
    assert "<iframe" not in html and "<svg onload" not in html and "<b>cat</b>" not in html
    assert "\\u00a9 OpenStreetMap contributors" in html and settings.CBS_ATTRIBUTION in html  # JSON-escaped ©
    assert "Wijk 28 Wippolder" in html  # boundary names as tooltips


def test_asset_map_has_one_layer_per_block_legend_and_story_in_popup(delft_ws):
    assets = _xss_assets()
    fmap = maps.asset_map(assets, delft_ws.boundaries(), lang="en")
    html = fmap.get_root().render()
    for block in ("individual", "association", "institution", "resource", "story"):
        assert maps.BLOCK_STYLE[block]["color"] in html
        assert i18n.block_label(block, "en") in html  # legend and layer names
    assert html.count("L.control.layers") == 1
    popup = maps.asset_popup(assets.iloc[0], stories=[assets.iloc[1]], lang="en")
    assert i18n.t("stories_here", "en") in popup and "&lt;script&gt;" in popup


def test_asset_map_popups_never_show_contact_or_added_by(delft_ws):
    assets = add_free_assets()
    html = maps.asset_map(assets, None).get_root().render()
    assert "06-99999999" not in html and "tafel-geheim" not in html
    # ...and the asset itself is drawn: one marker at its place, named in its tooltip and popup,
    # in the institution layer.
    features = [f for layer in _geojson_layers(html) for f in layer["features"]]
    assert len(features) == 1
    (feature,) = features
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.3725, 52.0015]}
    assert feature["properties"]["tip"] == "Buurthuis"
    assert "Buurthuis" in feature["properties"]["popup"]
    assert i18n.block_label("institution", "nl") in feature["properties"]["popup"]
    assert "06-99999999" not in feature["properties"]["popup"]


def _geojson_layers(html: str) -> list[dict]:
    """The GeoJSON data of every ``L.geoJson(...)`` layer in a rendered map."""
    decoder = json.JSONDecoder()
    marker = "L.geoJson("
    layers, start = [], html.find(marker)
    while start >= 0:
        layers.append(decoder.raw_decode(html, start + len(marker))[0])
        start = html.find(marker, start + 1)
    return layers


def add_free_assets() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame([{"name": "Buurthuis", "building_block": "institution", "contact": "06-99999999"}],
                             geometry=[Point(4.3725, 52.0015)], crs=settings.STORAGE_CRS)
    return build_assets(frame, source="workshop", added_by="tafel-geheim")


def test_asset_map_of_1000_assets_stays_small(delft_ws):
    wijk = delft_ws.boundaries().query("code == 'WK050328'").to_crs(settings.METRIC_CRS).geometry.iloc[0]
    rng = np.random.default_rng(4)
    minx, miny, maxx, maxy = wijk.bounds
    xy = rng.uniform((minx, miny), (maxx, maxy), size=(4000, 2))
    inside = xy[shapely.contains_xy(wijk, xy[:, 0], xy[:, 1])][:1000]
    points = gpd.GeoSeries(shapely.points(inside), crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS)
    blocks = np.resize(["individual", "association", "institution", "resource", "story"], 1000)
    frame = gpd.GeoDataFrame({"name": [f"Plek nummer {i} met een wat langere naam" for i in range(1000)],
                              "building_block": blocks, "category": "community_centre",
                              "description": "Een omschrijving van ongeveer honderd tekens, zoals mensen die in een "
                                             "werksessie schrijven."}, geometry=points.to_numpy(),
                             crs=settings.STORAGE_CRS)
    html = maps.asset_map(build_assets(frame, source="workshop"), delft_ws.boundaries()).get_root().render()
    assert len(html.encode()) <= 2 * 2**20
    assert html.count("Plek nummer") == 2000  # each in a popup and a tooltip


def test_coverage_map_escapes_area_names_and_colours_by_class():
    areas = gpd.GeoDataFrame({"name": ["<script>alert(1)</script>", "Buurt B"], "coverage_pct": [10.0, np.nan],
                              "population": [100, 0], "uncovered_population": [90, 0]},
                             geometry=[shapely.box(4.36, 52.0, 4.37, 52.01), shapely.box(4.37, 52.0, 4.38, 52.01)],
                             crs=settings.STORAGE_CRS)
    html = maps.coverage_map(areas, lang="nl", minutes=10).get_root().render()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert maps.coverage_colour(10.0) in html and maps.NO_DATA_COLOUR in html


def test_coverage_map_draws_every_gap_at_its_place_with_its_minutes():
    areas = gpd.GeoDataFrame({"name": ["Buurt A"], "coverage_pct": [40.0], "population": [100],
                              "uncovered_population": [60]}, geometry=[shapely.box(4.36, 52.0, 4.38, 52.01)],
                             crs=settings.STORAGE_CRS)
    lonlat = np.array([[4.361234, 52.004321], [4.379999, 52.009999], [4.365, 52.001], [4.361234, 52.004321]])
    gaps = gpd.GeoDataFrame({"walk_minutes": [12.4, np.nan, 31.6, 12.6]},
                            geometry=shapely.points(lonlat), crs=settings.STORAGE_CRS)
    page = maps.coverage_map(areas, gaps=gaps, lang="nl", minutes=10).get_root().render()
    start = page.index('({"scale":') + 1
    data = json.JSONDecoder().raw_decode(page, start)[0]
    xy = np.cumsum(np.column_stack([data["x"], data["y"]]), axis=0) / data["scale"]
    np.testing.assert_allclose(xy, np.round(lonlat, maps.COORD_DECIMALS), atol=1e-9)
    shown = [data["tips"][i] for i in data["tip"]]
    assert shown == [i18n.t("walk_minutes", "nl", minutes="12"), i18n.t("unreachable", "nl"),
                     i18n.t("walk_minutes", "nl", minutes="32"), i18n.t("walk_minutes", "nl", minutes="13")]
    assert len(data["tips"]) == 4 and "L.canvas(" in page  # one text per shown value; all on one canvas
    # A plain table of lon/lat (CoverageResult.gap_coordinates) draws the same dots.
    table = pd.DataFrame({"lon": lonlat[:, 0], "lat": lonlat[:, 1], "walk_minutes": gaps["walk_minutes"]})
    again = maps.coverage_map(areas, gaps=table, lang="nl", minutes=10).get_root().render()
    assert json.JSONDecoder().raw_decode(again, again.index('({"scale":') + 1)[0] == data


#: Jinja syntax in names: folium re-rendered every element's output as a template, so these ran on the server.
TEMPLATE_NAMES = ("{{ 7*7 }}", "{{ cycler.__init__.__globals__.os.getcwd() }}", "{% if true %}ja{% endif %}",
                  "{# weg #}", "{{{ drie }}}")


def test_maps_show_template_syntax_in_names_as_text_and_never_run_it(delft_ws):
    points = [Point(4.3725 + i / 10000, 52.0015) for i in range(len(TEMPLATE_NAMES))]
    assets = build_assets(gpd.GeoDataFrame({"name": list(TEMPLATE_NAMES), "building_block": "association"},
                                           geometry=points, crs=settings.STORAGE_CRS), source="workshop")
    areas = gpd.GeoDataFrame({"name": list(TEMPLATE_NAMES), "coverage_pct": 50.0, "population": 10,
                              "uncovered_population": 5},
                             geometry=[shapely.box(4.36 + i / 100, 52.0, 4.37 + i / 100, 52.01)
                                       for i in range(len(TEMPLATE_NAMES))], crs=settings.STORAGE_CRS)
    places = gpd.GeoDataFrame({"name": list(TEMPLATE_NAMES), "category": "community_centre"}, geometry=points,
                              crs=settings.STORAGE_CRS)
    for fmap in (maps.asset_map(assets, delft_ws.boundaries()),
                 maps.coverage_map(areas, meeting_places=places, lang="nl", minutes=10)):
        page = fmap.get_root().render()
        tips = [html.unescape(re.sub(r"<[^>]+>", "", f["properties"]["tip"]))
                for layer in _geojson_layers(page) for f in layer["features"]]
        for name in TEMPLATE_NAMES:
            assert any(tip.startswith(name) for tip in tips), (name, tips)
        assert "49" not in tips and not any(tip.startswith(("ja", "/")) for tip in tips)
        assert "{{" not in page.split("<script>", 1)[-1]  # no Jinja opener left for a later render
    # A workspace's own building-block name is a layer name in folium's own layer control.
    i18n.use_block_labels({"association": "{{ 7*7 }}"})
    try:
        page = maps.asset_map(assets, None).get_root().render()
    finally:
        i18n.use_block_labels(None)
    assert "\\u0026#123;\\u0026#123; 7*7 }} (5)" in page and " 49 (5)" not in page  # as folium's JSON has it


def test_a_script_element_puts_its_output_in_as_it_is():
    import folium
    from jinja2 import Template

    from assetmap.leaflet import ScriptElement, json_for_script

    class Echo(ScriptElement):
        _template = Template("{% macro script(this, kwargs) %}var echo = {{ this.text }};{% endmacro %}")

        def __init__(self, text):
            super().__init__()
            self.text = text

    fmap = folium.Map()
    Echo("'{{ 7*7 }} {% if true %}ja{% endif %}'").add_to(fmap)
    assert "var echo = '{{ 7*7 }} {% if true %}ja{% endif %}';" in fmap.get_root().render()
    for value in ("{{ 7*7 }}", "{{{", "{%", "{#", "\\{{", "</script><!--", "\u2028 \u2029", {"a": [{"b": "{{x}}"}]}):
        text = json_for_script(value)
        assert json.loads(text) == value
        assert not any(opener in text for opener in ("{{", "{%", "{#", "</", "<!--"))


def test_local_leaflet_replaces_cdn_links():
    html = maps.asset_map(add_free_assets(), None, leaflet_base=maps.LOCAL_LEAFLET).get_root().render()
    assert '/app/static/leaflet/leaflet.js' in html
    assert "cdn.jsdelivr.net" not in html and "bootstrap" not in html
    assert (REPO / "static" / "leaflet" / "leaflet.js").is_file()


def test_workshop_warns_before_a_public_story_that_names_a_person_and_its_author_decides(workspace):
    at = run(WORKSHOP_PAGE)
    at.text_input(key="_pseudonym_widget").input("tafel 5").run()
    fill_new_asset(at, "Bankje bij de vijver", new_block="resource",
                   new_story="Mevrouw Jansen van de Vijverlaan 12 zit hier elke ochtend")
    at.selectbox(key="new_visibility").set_value("public")
    at.checkbox(key="new_consent").check()
    save_button(at).click().run()
    assert not at.exception
    with open_workspace(workspace) as ws:
        assert ws.assets().query("name == 'Bankje bij de vijver'").empty  # held back, nothing saved
    warning = " ".join(w.value for w in at.warning)
    assert i18n.t("story_names_person", "nl") in warning and i18n.t("story_gives_address", "nl") in warning
    at.checkbox(key="story_confirm").check()
    save_button(at).click().run()
    assert not at.exception
    with open_workspace(workspace) as ws:
        saved = ws.assets().query("name == 'Bankje bij de vijver'")
    assert len(saved) == 1 and saved["visibility"].iloc[0] == "public"


def test_the_consent_box_says_it_is_a_persons_consent(workspace):
    """Unticked by default, it is no refusal for a place or a club (they need no consent): the label says whose
    consent it is, so that a table does not read an unticked box as "not public"."""
    at = run(WORKSHOP_PAGE)
    at.text_input(key="_pseudonym_widget").input("tafel 5").run()
    box = at.checkbox(key="new_consent")
    assert box.label == i18n.t("consent_person", "nl") and "individuele capaciteit" in box.label
    assert box.label != i18n.t("consent", "nl")


def _pct(shown: str) -> float:
    """A percentage as the page writes it in Dutch (``43,3 %``), as a number."""
    return float(shown.replace("\xa0", "").rstrip("%").replace(".", "").replace(",", "."))
