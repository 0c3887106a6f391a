"""Meeting places as residents use them (issue 17), on the real Delft workspace: opening hours parsed
with opening-hours-py, activities, coverage by time, access and target group, the framing (neutral
scale, kansen, completeness, own labels) and the CBS age groups beside the groups served."""

from __future__ import annotations

import colorsys
import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from assetmap import coverage, i18n, maps, settings
from assetmap.errors import InputError, PermissionDenied
from assetmap.imports import import_workshop
from assetmap.layers import hours
from assetmap.layers.assets import build_assets
from assetmap.service import Actor, open_workspace
from assetmap.storage import SCHEMA_VERSION
from assetmap.this_week import week_sessions

from conftest import DELFT_OSM, REPO

OLD = Path(__file__).parent / "data" / "made_before_service.gpkg"
LIBRARY = "TU Delft Library"
WEEK = date(2026, 11, 23)  # a Monday; the windows below are read in this week


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assetmap.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=REPO)


def _only_place(ws, name: str = LIBRARY) -> str:
    """Leave one meeting place in the workspace (the others deleted through the service); its id."""
    inputs_places = coverage.load_inputs(ws).meeting_places
    keep = inputs_places.loc[inputs_places["name"] == name, "id"].iloc[0]
    others = [i for i in inputs_places["id"] if i != keep]
    if others:
        ws.delete_assets(others)
    return keep


@pytest.fixture
def morning_place(delft_copy):
    """The Delft workspace with the library as its only meeting place, open Mo-Fr 09:00-12:00 (set
    through the service)."""
    with open_workspace(delft_copy) as ws:
        place = _only_place(ws)
        ws.update_asset(place, {"opening_hours": "Mo-Fr 09:00-12:00"})
    return delft_copy, place


# ---------------------------------------------------------------------- opening hours
def test_every_opening_hours_value_of_the_delft_extract_is_read_or_reported(delft_ws):
    """The real OSM values of the shared extract: all parse with opening-hours-py but one, whose
    message says what is wrong; it stays stored as tagged and counts as hours unknown."""
    assert DELFT_OSM.exists()  # the packaged PBF is this extract
    assets = delft_ws.assets()
    values = assets["opening_hours"].dropna()
    assert len(values) >= 35
    problems = hours.hours_problems(values, names=assets.loc[values.index, "name"])
    assert [p.params["value"] for p in problems] == ["Mo - Fr 08:00-17:00; PH off"]
    assert problems[0].code == "opening_hours_invalid" and problems[0].fix == "fix_opening_hours"
    assert "Delftse Tweewielerwerld" in problems[0].render("en") and "hours unknown" in problems[0].render("en")
    assert "tijden onbekend" in problems[0].render("nl")
    window = hours.parse_window("Sa 10:00-12:00", WEEK)
    parsed = [hours.parse_hours(v) for v in values if v != "Mo - Fr 08:00-17:00; PH off"]
    open_saturday = [hours.open_in(e, window) for e in parsed]
    assert any(open_saturday) and not all(open_saturday)
    assert not hours.hours_known("Mo - Fr 08:00-17:00; PH off") and hours.hours_known(values.iloc[0])


def test_the_osm_import_notes_the_unreadable_value(delft_copy):
    from assetmap.imports import import_osm

    from conftest import DELFT_AREA, DELFT_PBF
    with open_workspace(delft_copy) as ws:
        result = import_osm(ws, file=DELFT_PBF, area_file=DELFT_AREA)
        stored = ws.assets()
    assert [n.code for n in result.notes] == ["opening_hours_invalid"]
    assert "Mo - Fr 08:00-17:00; PH off" in set(stored["opening_hours"].dropna())  # kept as tagged


def test_a_malformed_value_from_a_workshop_is_a_note_and_the_place_is_hours_unknown(delft_copy, tmp_path):
    table = tmp_path / "tafel.csv"
    table.write_text("naam,bouwsteen,lat,lon,ontmoetingsplek,openingstijden,toegang,doelgroepen,capaciteit\n"
                     "Buurtkamer Zuid,hulpbron,51.9985,4.3700,ja,elke dag vanaf tien,inloop,ouderen;jongeren,20\n",
                     encoding="utf-8")
    with open_workspace(delft_copy) as ws:
        result = import_workshop(ws, table, actor="tafel 1")
        place = ws.assets().set_index("name").loc["Buurtkamer Zuid"]
        inputs = coverage.load_inputs(ws)
    assert [(n.code, n.row, n.column) for n in result.notes] == [("opening_hours_invalid", 2, "opening_hours")]
    assert place["opening_hours"] == "elke dag vanaf tien" and place["access"] == "walk_in"
    assert place["target_groups"] == "youth;older_people" and place["capacity"] == 20
    plain = coverage.compute_coverage(inputs)
    assert plain.place_counts["hours_unknown"] == 1
    timed = coverage.compute_coverage(inputs, filters=coverage.place_filters("Sa 11:00", week_of=WEEK))
    assert place.name not in set(timed.meeting_places["name"]) and timed.place_counts["hours_unknown"] == 1
    listed = _cli("list", delft_copy)
    tags = {name: ("(hours unknown)" in row or "(tijden onbekend)" in row)
            for name in ("Buurtkamer Zuid", LIBRARY) for row in listed.stdout.splitlines() if name in row}
    assert tags == {"Buurtkamer Zuid": True, LIBRARY: False}  # the library's hours are read


def test_bad_meeting_place_values_are_refused_with_codes():
    frame = gpd.GeoDataFrame([{"name": "Plek", "building_block": "resource", "access": "soms", "scale": "reusachtig",
                               "capacity": "veel", "target_groups": "iedereen;katten"}],
                             geometry=[Point(4.37, 52.0)], crs=settings.STORAGE_CRS)
    with pytest.raises(InputError) as refused:
        build_assets(frame)
    found = {(p.code, p.column) for p in refused.value.problems}
    assert found == {("value_not_allowed", "access"), ("value_not_allowed", "scale"), ("capacity_invalid", "capacity"),
                     ("value_not_allowed", "target_groups")}
    assert "a number of people" in refused.value.render("en")


@pytest.mark.parametrize("text", ["Xx 10:00", "We 25:00", "We 19:00-18:00", "19:00", "woensdag"])
def test_a_window_that_cannot_be_read_is_refused(text):
    with pytest.raises(InputError) as refused:
        coverage.place_filters(when=text)
    assert refused.value.problems[0].code == "when_invalid"


def test_windows_are_read_in_dutch_and_english():
    a = hours.parse_window("ma-vr 09:00-12:00", WEEK)
    b = hours.parse_window("Mo-Fr 09:00-12:00", WEEK)
    assert a.spans == b.spans and len(a.spans) == 5 and a.spans[0][0].isoformat() == "2026-11-23T09:00:00"


# ---------------------------------------------------------------------- coverage by time
def test_a_morning_place_covers_nobody_in_the_evening_and_residents_in_the_morning(morning_place, tmp_path):
    path, _place = morning_place
    evening, morning, plain = tmp_path / "evening.json", tmp_path / "morning.json", tmp_path / "plain.json"
    for out, extra in ((evening, ["--when", "We 19:00"]), (morning, ["--when", "We 10:00"]), (plain, [])):
        run = _cli("coverage", path, "--no-save", "--json", out, *extra)
        assert run.returncode == 0, run.stderr
    evening, morning, plain = (json.loads(p.read_text(encoding="utf-8")) for p in (evening, morning, plain))
    assert evening["filters"] == {"when": "We 19:00", "access": None, "group": None}
    assert evening["places"] == {"places": 1, "counted": 0, "hours_unknown": 0}
    assert evening["total"]["covered_population"] == 0
    assert morning["places"]["counted"] == 1 and morning["total"]["covered_population"] > 0
    assert morning["total"] == plain["total"]  # open then: the same reach as without a time
    assert plain["filters"] == {"when": None, "access": None, "group": None}
    # The contract stays 2: the area rows are as before, the new keys are beside them.
    assert plain["contract"] == 2 and set(plain["buurten"][0]) == {
        "level", "code", "buurt_code", "name", "population", "covered_population", "coverage_pct",
        "median_minutes", "p90_minutes", "population_cbs", "data_share", "partial", "withheld"}


def test_an_activity_makes_its_place_count_while_it_runs_for_its_group(morning_place):
    path, place = morning_place
    with open_workspace(path) as ws:
        ws.add_activity({"asset_id": place, "name": "Huiswerkclub", "recurring_time": "We 19:00-21:00",
                         "target_group": "jongeren", "free": "ja", "walk_in": "ja"}, "tafel 2")
        inputs = coverage.load_inputs(ws)

    def covered(**filters) -> int:
        return coverage.compute_coverage(inputs, filters=coverage.place_filters(**filters, week_of=WEEK)
                                         ).total["covered_population"]
    assert covered(when="We 19:30") > 0
    assert covered(when="We 18:00-19:30") > 0  # open at some moment of the stretch
    assert covered(when="We 17:00-19:00") == 0  # the stretch ends as the activity starts
    assert covered(when="We 19:30", group="youth") > 0
    assert covered(when="We 19:30", group="older_people") == 0  # the activity is for young people
    assert covered(when="We 19:30", access="walk_in") > 0  # a walk-in activity
    assert covered(when="We 10:00", access="walk_in") == 0  # the place records no access


def test_filters_never_raise_coverage_above_the_unfiltered_figure(delft_copy):
    with open_workspace(delft_copy) as ws:
        places = coverage.load_inputs(ws).meeting_places
        first, second = list(places["id"])[:2]
        ws.update_asset(first, {"access": "walk_in", "target_groups": "older_people",
                                "opening_hours": "Mo-Sa 10:00-17:00"})
        ws.update_asset(second, {"access": "rent_only", "target_groups": "youth"})
        ws.add_activity({"asset_id": second, "name": "Ouderensoos", "recurring_time": "Tu 14:00-16:00",
                         "target_group": "older_people", "walk_in": True})
        inputs = coverage.load_inputs(ws)
    unfiltered = coverage.compute_coverage(inputs)
    per_area = unfiltered.buurten.set_index("buurt_code")["covered_population"]
    combos = [dict(when="We 19:00"), dict(when="Tu 14:30"), dict(access="walk_in"), dict(access="by_appointment"),
              dict(group="older_people"), dict(group="youth"), dict(group="everyone"),
              dict(when="Tu 14:00-16:00", access="walk_in", group="older_people"), dict(when="Sa 12:00", group="youth"),
              dict(when="Mo-Su 00:00-24:00")]
    seen = set()
    for combo in combos:
        result = coverage.compute_coverage(inputs, filters=coverage.place_filters(**combo, week_of=WEEK))
        assert result.total["covered_population"] <= unfiltered.total["covered_population"], combo
        after = result.buurten.set_index("buurt_code")["covered_population"]
        assert (after <= per_area.loc[after.index]).all(), combo
        assert result.filters == {"when": None, "access": None, "group": None, **combo}
        seen.add(result.total["covered_population"])
    assert len(seen) >= 3  # the filters do change the figure
    slow = coverage.compute_coverage(inputs, filters=coverage.place_filters(group="older_people"))
    assert slow.speed_kmh == settings.SLOW_WALK_SPEED_KMH
    # Suggestions and what-if take the same filters.
    evening = coverage.place_filters(when="We 19:00", week_of=WEEK)
    sites = coverage.suggest_sites(inputs, count=2, filters=evening)
    base = coverage.compute_coverage(inputs, filters=evening)
    assert len(sites) and sites["coverage_pct_after"].iloc[0] > base.total["coverage_pct"]
    change = coverage.what_if(inputs, remove_ids=[first], filters=evening)
    assert (change["covered_population_before"] == base.buurten.set_index("buurt_code").loc[
        change["buurt_code"], "covered_population"].to_numpy()).all()


def test_several_small_places_and_one_large_one_are_compared(delft_copy):
    with open_workspace(delft_copy) as ws:
        inputs = coverage.load_inputs(ws)
    spots = coverage.suggest_sites(inputs, count=3)
    small = gpd.GeoDataFrame({"scale": ["living_room"] * 3, "capacity": [15] * 3}, geometry=list(spots.geometry),
                             crs=settings.STORAGE_CRS)
    large = gpd.GeoDataFrame({"scale": ["large"], "capacity": [150]}, geometry=[spots.geometry.iloc[0]],
                             crs=settings.STORAGE_CRS)
    table = coverage.compare_places(inputs, {"small": small, "large": large}).set_index("option")
    assert table.loc["small", "scale"] == "3 × living_room" and table.loc["large", "scale"] == "1 × large"
    assert table.loc["small", "capacity"] == 45 and table.loc["large", "capacity"] == 150
    assert table.loc["small", "added_population"] >= table.loc["large", "added_population"] > 0
    assert table.loc["large", "residents_per_seat"] == round(table.loc["large", "added_population"] / 150, 1)


# ---------------------------------------------------------------------- activities
def test_activities_go_through_the_service_with_history_roles_and_privacy(delft_copy):
    with open_workspace(delft_copy) as ws:
        assets = ws.assets()
        public_place = assets.loc[assets["name"] == LIBRARY, "id"].iloc[0]
        hidden = ws.add_entry({"name": "Huiskamer van Els", "building_block": "resource", "visibility": "private"},
                              Point(4.371, 52.001), "tafel 1")
        shown = ws.add_activity({"asset_id": public_place, "name": "Taalcafé", "recurring_time": "Th 19:00-21:00",
                                 "target_group": "nieuwkomers", "free": "ja", "walk_in": "ja"}, "tafel 1")
        secret = ws.add_activity({"asset_id": hidden, "name": "Breiclub", "recurring_time": "Mo 14:00-16:00"},
                                 "tafel 1")
        public = ws.activities(actor=Actor(None, "public"))
        assert list(public["id"]) == [shown] and public["added_by"].isna().all()
        # A person's entry never says which group they belong to in public.
        person = ws.add_entry({"name": "Fietsenmaker Ali", "building_block": "individual", "visibility": "public",
                               "consent": True, "target_groups": "nieuwkomers", "capacity": 4}, Point(4.372, 52.0),
                              "tafel 1")
        seen = ws.assets(actor=Actor(None, "public")).set_index("id").loc[person]
        assert seen["target_groups"] is pd.NA and seen["capacity"] is pd.NA
        with pytest.raises(InputError) as refused:  # an activity is of a place or an association
            ws.add_activity({"asset_id": person, "name": "Fietsles", "recurring_time": "Sa 10:00-12:00"}, "tafel 1")
        assert refused.value.problems[0].code == "activity_not_place"
        assert set(ws.activities()["id"]) == {shown, secret}
        assert set(ws.read_table("activities")["id"]) == {shown, secret}  # the coordinator's own view
        with pytest.raises(PermissionDenied):
            ws.add_activity({"asset_id": public_place, "name": "x", "recurring_time": "Mo 10:00-11:00"},
                            Actor(None, "public"))
        with pytest.raises(PermissionDenied):
            ws.update_activity(shown, {"name": "Koffie"}, Actor("tafel 2", "workshop"))
        with pytest.raises(InputError) as refused:  # another table's private place reads as missing
            ws.add_activity({"asset_id": hidden, "name": "x", "recurring_time": "Mo 10:00-11:00"},
                            Actor("tafel 2", "workshop"))
        assert refused.value.problems[0].code == "asset_missing"
        with pytest.raises(InputError) as refused:
            ws.add_activity({"asset_id": public_place, "name": "x", "recurring_time": "elke dag"})
        assert refused.value.problems[0].code == "activity_time_invalid"
        changed = ws.update_activity(shown, {"recurring_time": "Th 19:30-21:00"}, Actor("tafel 1", "workshop"))
        assert changed["recurring_time"] == "Th 19:30-21:00" and changed["added_by"] == "tafel 1"
        ws.delete_activity(secret, Actor("tafel 1", "workshop"))
        actions = list(ws.history()["action"])
        assert actions[-6:] == ["create", "activity create", "activity create", "create", "activity update",
                                "activity delete"]
        assert ws.undo_last("tafel 1") == person  # undo takes back the asset change, not an activity's
        assert shown in set(ws.activities()["id"]) and secret not in set(ws.activities()["id"])


def test_this_week_lists_the_sessions_of_public_places_in_the_chosen_area(delft_copy):
    with open_workspace(delft_copy) as ws:
        assets = ws.assets()
        place = assets[assets["name"] == LIBRARY].iloc[0]
        ws.add_activity({"asset_id": place["id"], "name": "Voorleesuur", "recurring_time": "Tu,Sa 10:00-11:00",
                         "target_group": "ouders"})
        public = Actor(None, "public")
        sessions = week_sessions(ws.activities(actor=public), ws.assets(actor=public), area_codes=[place["wijk_code"]],
                                 level="wijk", week_of=WEEK)
        elsewhere = week_sessions(ws.activities(actor=public), ws.assets(actor=public), area_codes=["WK050311"],
                                  level="wijk", week_of=WEEK)
    assert [s.isoformat() for s in sessions["start"]] == ["2026-11-24T10:00:00", "2026-11-28T10:00:00"]
    assert set(sessions["place"]) == {LIBRARY} and set(sessions["target_group"]) == {"parents"}
    assert elsewhere.empty


# ---------------------------------------------------------------------- framing and groups
def test_the_coverage_scale_is_neutral_and_gaps_are_kansen():
    hues = []
    for _high, colour in maps.COVERAGE_CLASSES:
        r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        hue, _light, _sat = colorsys.rgb_to_hls(r, g, b)
        hues.append(hue * 360)
    assert all(190 <= h <= 230 for h in hues)  # blues only: no red, no green
    lightness = [colorsys.rgb_to_hls(*(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)))[1]
                 for _h, c in maps.COVERAGE_CLASSES]
    assert lightness == sorted(lightness, reverse=True)  # light to dark
    for lang, word in (("nl", "Kansen"), ("en", "Kansen")):
        legend = maps.coverage_legend_html(lang, 10)
        assert word in legend and ("niet in kaart" in legend or "unmapped" in legend)


def test_completeness_and_groups_per_area_in_the_json(delft_copy, tmp_path):
    with open_workspace(delft_copy) as ws:
        place = ws.assets().set_index("name").loc[LIBRARY, "id"]
        ws.update_asset(place, {"target_groups": "youth;everyone"})
        ws.add_entry({"name": "Buurtkoor", "building_block": "association", "target_groups": "ouderen"},
                     Point(4.3725, 52.0015), "tafel 1")
    out = tmp_path / "c.json"
    run = _cli("coverage", delft_copy, "--no-save", "--json", out, "--group", "older_people")
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["speed_kmh"] == settings.SLOW_WALK_SPEED_KMH and data["filters"]["group"] == "older_people"
    wippolder = data["groups"]["WK050328"]
    assert wippolder["age_groups"] == {"pop_0_14": 9.0, "pop_15_24": 29.0, "pop_25_44": 34.0, "pop_45_64": 16.0,
                                       "pop_65plus": 12.0}
    assert wippolder["served"]["youth"] == 1 and wippolder["served"]["everyone"] == 1
    assert wippolder["served"]["older_people"] == 1  # the choir
    per_area = data["completeness"]["per_area"]
    assert per_area["WK050328"]["assets"]["association"] >= 1 and per_area["WK050328"]["last_entry"]
    assert not per_area["WK050328"]["possibly_unmapped"] and per_area["WK050324"]["possibly_unmapped"]
    assert data["completeness"]["total"] == sum(p["total"] for p in per_area.values())
    assert "may be unmapped" in run.stdout or "niet in kaart" in run.stdout


def test_a_workspace_renames_its_building_blocks(delft_copy):
    run = _cli("--lang", "nl", "labels", delft_copy, "--set", "individual=Talenten")
    assert run.returncode == 0, run.stderr
    assert "individual\tTalenten" in run.stdout
    with open_workspace(delft_copy) as ws:
        labels = ws.labels()
        assert labels == {"individual": "Talenten"}
        assert i18n.block_label("individual", "en", labels) == "Talenten"
        assert i18n.block_label("story", "nl", labels) == "Verhalen en cultuur"
        with pytest.raises(PermissionDenied):
            ws.set_labels({"story": "Verhalen"}, Actor("tafel 1", "workshop"))
    run = _cli("labels", delft_copy, "--set", "kasteel=Burcht")
    assert run.returncode == 2 and "not a building block" in run.stderr
    assert _cli("labels", delft_copy, "--set", "individual=").returncode == 0
    with open_workspace(delft_copy) as ws:
        assert ws.labels() == {}


def test_the_own_names_show_on_the_map_page_and_the_published_site(delft_copy, tmp_path, monkeypatch):
    """A renamed building block is called so in the app's filters and list, and on the static site."""
    from streamlit.testing.v1 import AppTest

    from assetmap.publish import publish_site

    with open_workspace(delft_copy) as ws:
        ws.set_labels({"resource": "Plekken en voorzieningen"})
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    at = AppTest.from_file(str(REPO / "pages" / "1_Kaart.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Plekken en voorzieningen" in at.multiselect(key="map_blocks").options
    assert i18n.block_label("resource", "nl", {}) not in at.multiselect(key="map_blocks").options
    publish_site(delft_copy, tmp_path / "site")
    assert "Plekken en voorzieningen" in (tmp_path / "site" / "data.js").read_text(encoding="utf-8")
    i18n.use_block_labels(None)  # this thread's names back to the standard ones for the next test


def test_bad_filters_on_the_cli_give_a_coded_message(delft_copy):
    run = _cli("coverage", delft_copy, "--when", "woensdagavond", "--access", "soms")
    assert run.returncode == 2
    assert "not a time in the week" in run.stderr and "walk_in, by_appointment, rent_only" in run.stderr
    assert "Traceback" not in run.stderr


# ---------------------------------------------------------------------- migration
def test_an_old_file_migrates_to_meeting_places_and_activities(tmp_path):
    path = tmp_path / "old.gpkg"
    shutil.copy(OLD, path)
    with open_workspace(path) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        ws.update_asset("bestaand-1", {"access": "by_appointment", "scale": "small", "capacity": 30,
                                       "target_groups": "parents"})
        stored = ws.asset("bestaand-1")
        activity = ws.add_activity({"asset_id": "bestaand-1", "name": "Ouderkamer", "recurring_time": "Fr 09:00-10:30"})
        assert list(ws.activities()["id"]) == [activity]
        assert {"pop_0_14", "pop_65plus"} <= set(ws.boundaries().columns)
    assert (stored["access"], stored["scale"], stored["capacity"], stored["target_groups"]) == \
        ("by_appointment", "small", 30, "parents")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT table_name FROM gpkg_contents WHERE table_name = 'activities'").fetchone()
    conn.close()


# ---------------------------------------------------------------------- the app
@pytest.fixture
def app_workspace(morning_place, monkeypatch):
    """The morning-place workspace, opened by the app as a coordinator on their own computer."""
    from streamlit import config
    path, place = morning_place
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(path))
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield path, place
    config.set_option("server.address", before)


def _run(script: str):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(REPO / "pages" / script), default_timeout=240)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_coverage_page_has_the_same_choices_and_shows_completeness_and_groups(app_workspace):
    at = _run("3_Ontmoetingsplekken.py")
    all_day = _pct(at.metric[0].value)
    assert all_day > 0
    assert at.metric[3].label == i18n.t("mapped_assets", "nl") and int(at.metric[3].value) > 100
    captions = [c.value for c in at.caption]
    assert any("niet in kaart" in c for c in captions)
    at.text_input(key="gap_when").input("We 19:00").run()
    assert not at.exception and _pct(at.metric[0].value) == 0.0  # the library is closed then
    assert any(c.startswith("0 van 1") for c in (c.value for c in at.caption))
    at.text_input(key="gap_when").input("We 10:00").run()
    assert _pct(at.metric[0].value) == all_day
    at.selectbox(key="gap_group").set_value("older_people").run()
    assert _pct(at.metric[0].value) < all_day  # the slow walking speed
    at.selectbox(key="gap_access").set_value("walk_in").run()
    assert _pct(at.metric[0].value) == 0.0  # the library records no access
    groups = next(d.value for d in at.dataframe if i18n.t("age_pop_65plus", "nl") in d.value.columns)
    assert i18n.t("group_older_people", "nl") in groups.columns and len(groups) >= 5
    at.text_input(key="gap_when").input("woensdag").run()
    assert at.error and not at.exception  # a coded message, the page stops there


def test_the_residents_map_lists_this_weeks_activities(app_workspace):
    path, place = app_workspace
    with open_workspace(path) as ws:
        ws.add_activity({"asset_id": place, "name": "Voorleesuur", "recurring_time": "Mo-Su 10:00-11:00"})
    at = _run("1_Kaart.py")
    assert i18n.t("this_week_title", "nl") in [h.value for h in at.subheader]
    week = next(d.value for d in at.dataframe if i18n.t("this_week_activity", "nl") in d.value.columns)
    assert len(week) == 7 and set(week[i18n.t("this_week_place", "nl")]) == {LIBRARY}


def _pct(shown: str) -> float:
    """A percentage as the page writes it in Dutch (``43,3 %``), as a number."""
    return float(shown.replace("\xa0", "").rstrip("%").replace(".", "").replace(",", "."))
