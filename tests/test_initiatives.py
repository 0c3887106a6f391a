"""From map to action: initiatives with what they seek and offer, matching, archive, changes and handover.

On the real Delft workspace (CBS wijken and the TU Delft OSM extract with its walking network).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from assetmap.changes import summarise_changes
from assetmap.cli import main
from assetmap.errors import InputError, PermissionDenied
from assetmap.imports import import_workshop
from assetmap.layers import assign_codes, build_assets, now_iso
from assetmap.layers.schema import (
    ASSET_FIELDS,
    BUILDING_BLOCKS,
    ENTRY_KINDS,
    FORBIDDEN_FIELD_WORDS,
    PERSONAL_PROBLEM_WORDS,
)
from assetmap.matching import match, with_tag
from assetmap.service import Actor, open_workspace

from conftest import shown_versions

REPO = Path(__file__).resolve().parent.parent
WIPPOLDER = "WK050328"
HERE = (4.3720, 52.0030)  # in Wippolder, near the TU campus
ANNA, BERT, CARLA = Actor("anna-7", "workshop"), Actor("bert-3", "workshop"), Actor("carla-5", "workshop")


def _add(ws, rows: list[dict], actor="tafel 1") -> list[str]:
    """Save rows with ``lon``/``lat`` as assets of ``actor`` (a coordinator's import)."""
    frame = gpd.GeoDataFrame([{k: v for k, v in r.items() if k not in ("lon", "lat")} for r in rows],
                             geometry=[shapely.Point(r["lon"], r["lat"]) for r in rows], crs=4326)
    assets = assign_codes(build_assets(frame, source="workshop", added_by=actor), ws.boundaries())
    return ws.save_assets(assets, actor).added


# ---------------------------------------------------------------------- schema
def test_initiative_is_a_sixth_kind_beside_the_five_building_blocks_and_no_field_holds_a_persons_problems():
    assert BUILDING_BLOCKS == ("individual", "association", "institution", "resource", "story")
    assert ENTRY_KINDS == BUILDING_BLOCKS + ("initiative",)
    for name in ASSET_FIELDS:
        plain = name.lower()
        assert not any(word in plain for word in PERSONAL_PROBLEM_WORDS + FORBIDDEN_FIELD_WORDS), name
    assert {"status", "seeks", "offers", "tags", "owners", "created_at", "last_checked", "ended_at"} <= set(ASSET_FIELDS)


@pytest.mark.parametrize("column", ["hulpvraag", "problem", "needs_help", "Zorgvraag bewoner", "problemen"])
def test_a_column_for_a_persons_problems_is_refused_on_import(delft_ws, tmp_path, column):
    table = tmp_path / "tafel.csv"
    table.write_text(f"naam,bouwsteen,lat,lon,{column}\nAnna,individuele capaciteiten,52.003,4.372,eenzaam\n",
                     encoding="utf-8")
    before = len(delft_ws.assets())
    with pytest.raises(InputError) as refused:
        import_workshop(delft_ws, table, actor="tafel 1")
    assert [p.code for p in refused.value.problems] == ["personal_problem_column"]
    assert "zoekt" in refused.value.render("nl")  # says where what an initiative seeks goes instead
    assert len(delft_ws.assets()) == before
    assert main(["import", str(delft_ws.path), str(table), "--dry-run"]) == 2


def test_a_person_never_seeks_only_initiatives_and_associations_do(delft_ws):
    with pytest.raises(InputError) as refused:
        delft_ws.add_entry({"name": "Anna", "building_block": "individual", "seeks": "geld"},
                           shapely.Point(*HERE), ANNA)
    assert [p.code for p in refused.value.problems] == ["seeks_not_for_block"]
    club = delft_ws.add_entry({"name": "Buurtkoor", "building_block": "association", "seeks": "Ruimte; dirigent",
                               "offers": "Muziek", "tags": "Muziek; zingen"}, shapely.Point(*HERE), ANNA)
    stored = delft_ws.asset(club)
    assert (stored["seeks"], stored["offers"], stored["tags"]) == ("space; dirigent", "muziek", "muziek; zingen")


# ---------------------------------------------------------------------- life cycle
def test_initiative_life_cycle_with_owners_moderation_and_history(delft_ws):
    ws = delft_ws
    ws.set_moderation(True)
    # A resident at a workshop table starts one for the whole wijk: it is placed in the wijk.
    kook = ws.add_initiative({"name": "Kookclub Wippolder", "seeks": "ruimte; vrijwilligers", "tags": "Koken",
                              "visibility": "public", "consent": True}, None, ANNA, buurt_code=WIPPOLDER,
                             story="Begon met soep voor de hele straat")
    stored = ws.asset(kook)
    assert stored["building_block"] == "initiative" and stored["wijk_code"] == WIPPOLDER
    assert (stored["status"], stored["owners"], stored["added_by"]) == ("idee", "anna-7", "anna-7")
    assert stored["seeks"] == "space; volunteers" and stored["tags"] == "koken"
    # Moderation: what a table makes public waits for a coordinator, as every other entry.
    assert stored["visibility"] == "group" and kook in set(ws.pending()["asset_id"])
    assert kook not in set(ws.assets(actor=Actor(None, "public"))["id"])
    ws.approve(shown_versions(ws, kook))
    assert kook in set(ws.assets(actor=Actor(None, "public"))["id"])
    # Owners may edit: Anna adds Bert, and Bert moves it along; Carla, no owner, may not.
    ws.update_asset(kook, {"owners": "anna-7; bert-3"}, ANNA)
    assert ws.set_status(kook, "gestart", BERT)["status"] == "gestart"
    ws.update_asset(kook, {"description": "Elke donderdag"}, BERT)
    with pytest.raises(PermissionDenied):
        ws.set_status(kook, "loopt", CARLA)
    with pytest.raises(PermissionDenied):
        ws.remove([kook], CARLA)
    with pytest.raises(InputError):
        ws.set_status(kook, "klaar", ANNA)
    assert ws.set_status(kook, "loopt", ANNA)["ended_at"] is None
    stopped = ws.set_status(kook, "gestopt", BERT)
    assert stopped["status"] == "gestopt" and stopped["ended_at"]
    assert ws.set_status(kook, "overgedragen", ANNA)["ended_at"] is None
    history = ws.history(kook)
    assert list(history["action"]) == ["create", "approve", "update", "update", "update", "update", "archive",
                                       "unarchive", "update"]
    assert list(history["actor"])[2:] == ["anna-7", "bert-3", "bert-3", "anna-7", "bert-3", "anna-7", "anna-7"]
    with pytest.raises(InputError):
        ws.set_status("osm-node-5823561924", "loopt")  # a library has no life cycle of an initiative
    with pytest.raises(InputError) as nowhere:
        ws.add_initiative({"name": "Zonder plek"}, None, ANNA, buurt_code="WK999999")
    assert nowhere.value.problems[0].code == "initiative_no_place"


# ---------------------------------------------------------------------- matching
def test_an_initiative_seeking_space_gets_the_places_that_offer_space_nearest_on_foot_first(delft_ws):
    ws = delft_ws
    ids = _add(ws, [
        {"id": "zaal-dichtbij", "name": "Zaaltje om de hoek", "building_block": "resource", "offers": "ruimte",
         "lon": HERE[0] + 0.0022, "lat": HERE[1]},
        {"id": "zaal-verder", "name": "Kerkzaal", "building_block": "institution", "tags": "Ruimte; koffie",
         "lon": HERE[0] + 0.0088, "lat": HERE[1] + 0.001},
        {"id": "zaal-ver", "name": "Zaal in Tanthof", "building_block": "resource", "offers": "space",
         "lon": 4.3560, "lat": 51.9880},
        {"id": "koor", "name": "Koor", "building_block": "association", "offers": "vrijwilligers",
         "lon": HERE[0] + 0.001, "lat": HERE[1] + 0.001},
        {"id": "prive-kamer", "name": "Logeerkamer van Xerxes", "building_block": "individual", "offers": "ruimte",
         "visibility": "private", "consent": False, "lon": HERE[0] + 0.0005, "lat": HERE[1]},
        {"id": "kookclub", "name": "Kookclub", "building_block": "initiative", "seeks": "ruimte; vrijwilligers",
         "lon": HERE[0], "lat": HERE[1]},
    ])
    assert "kookclub" in ids
    found = match(ws, "kookclub")
    by_id = found.set_index("asset_id")
    space = found[found["answers"].str.contains("space")]
    # Marked offers, tags and meeting-place categories (the OSM library and community centre) offer space.
    assert {"zaal-dichtbij", "zaal-verder", "osm-node-5823561924", "osm-node-2596100480"} <= set(space["asset_id"])
    assert space["asset_id"].iloc[0] == "zaal-dichtbij"
    assert by_id.loc["koor", "answers"] == "volunteers"
    assert "zaal-ver" not in by_id.index  # about 2.5 km away: not nearby
    assert "prive-kamer" not in by_id.index  # a private person's room is nobody's match
    assert (found["method"] == "walk").all()
    assert found["walk_m"].is_monotonic_increasing  # nearest on foot first
    # A walk is never shorter than the straight line (1 m for rounding), and the minutes follow from it.
    assert (found["walk_m"] >= found["straight_m"] - 1).all()
    assert found["walk_minutes"].round(6).tolist() == (found["walk_m"] / 75).round(6).tolist()
    assert "zaal-ver" in set(match(ws, "kookclub", max_m=10_000)["asset_id"])
    # Accepting a match records a link and says so in the history.
    assert main(["match", str(ws.path), "kookclub", "--accept", "zaal-dichtbij", "--json"]) == 0
    with open_workspace(ws.path) as again:
        links = again.links()
        assert links[["from_asset_id", "to_asset_id", "kind", "note"]].values.tolist() == \
            [["kookclub", "zaal-dichtbij", "could_work_with", "space"]]
        assert list(again.history("kookclub")["action"]) == ["create", "link"]
        # A link is no undo step of its own: undo takes back the create, and the link goes with its asset.
        assert again.undo_last("tafel 1") == "kookclub" and again.asset("kookclub") is None and again.links().empty
    with pytest.raises(InputError):
        match(ws, "koor-bestaat-niet")


def test_without_a_walk_network_matching_falls_back_to_the_straight_line(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        _add(ws, [{"id": "plan", "name": "Plan", "building_block": "initiative", "seeks": "asset:bieb; geld",
                   "lon": 4.2967, "lat": 52.0702},
                  {"id": "bieb", "name": "Bieb", "building_block": "institution", "lon": 4.3067, "lat": 52.0702},
                  {"id": "fonds", "name": "Buurtfonds", "building_block": "institution", "offers": "Geld",
                   "lon": 4.2967, "lat": 52.0712}])
        found = match(ws, "plan", max_m=200)
    assert list(found["asset_id"]) == ["fonds", "bieb"]  # the named asset stays at any distance
    assert (found["method"] == "straight_line").all() and found["walk_m"].isna().all()
    assert found["straight_m"].iloc[0] == pytest.approx(111, abs=2)


def test_who_or_what_in_this_wijk_has_a_tag_shows_people_only_with_consent(delft_ws, capsys):
    ws = delft_ws
    _add(ws, [{"id": "kookt-open", "name": "Kookt graag", "building_block": "individual", "tags": "koken",
               "visibility": "group", "consent": True, "lon": HERE[0], "lat": HERE[1]},
              {"id": "kookt-stil", "name": "Kookt stiekem", "building_block": "individual", "tags": "koken",
               "visibility": "group", "consent": False, "lon": HERE[0], "lat": HERE[1]},
              {"id": "keuken", "name": "Buurtkeuken", "building_block": "resource", "tags": "Koken; groen",
               "lon": HERE[0], "lat": HERE[1]},
              {"id": "keuken-elders", "name": "Keuken elders", "building_block": "resource", "tags": "koken",
               "lon": 4.3560, "lat": 51.9880}])
    assert set(with_tag(ws.assets(), "Koken", WIPPOLDER)["id"]) == {"kookt-open", "keuken"}
    assert main(["list", str(ws.path), "--tag", "koken", "--json"]) == 0
    listed = {r["id"] for r in json.loads(capsys.readouterr().out)}
    assert listed == {"kookt-open", "keuken", "keuken-elders"}
    assert main(["list", str(ws.path), "--tag", "koken", "--public", "--json"]) == 0
    assert {r["id"] for r in json.loads(capsys.readouterr().out)} == {"keuken", "keuken-elders"}


# ---------------------------------------------------------------------- archive and restore
def test_removing_an_initiative_or_association_archives_it_until_its_owner_removes_it_for_good(delft_ws):
    ws = delft_ws
    ws.set_moderation(False)  # a new workspace moderates; this test is about archiving, not moderation
    kook = ws.add_initiative({"name": "Kookclub", "status": "loopt", "visibility": "public", "consent": True},
                             shapely.Point(*HERE), ANNA, story="Twintig jaar soep")
    story = ws.assets("story")["id"].iloc[-1]
    club = ws.add_entry({"name": "Buurtkoor", "building_block": "association"}, shapely.Point(*HERE), ANNA)
    bank = ws.add_entry({"name": "Bankje", "building_block": "resource"}, shapely.Point(*HERE), ANNA)
    assert ws.remove([kook, club, bank], ANNA) == 3
    archived = ws.asset(kook)
    assert archived["status"] == "gestopt" and archived["ended_at"]
    assert ws.asset(story) is not None  # its story stays
    assert ws.asset(club)["status"] == "gestopt"
    assert ws.asset(bank) is None  # a bench is simply deleted
    public = ws.assets(actor=Actor(None, "public")).set_index("id")
    assert public.loc[kook, "status"] == "gestopt"  # still on the map, as stopped
    assert ws.history(kook)["action"].iloc[-1] == "archive"
    # Restore from the archive: back to the status it had.
    restored = ws.restore_asset(kook, ANNA)
    assert restored["status"] == "loopt" and restored["ended_at"] is None
    assert ws.history(kook)["action"].iloc[-1] == "unarchive"
    # Undo takes the restore back (field by field), and a second undo the archive.
    assert ws.undo_last(ANNA) == kook and ws.asset(kook)["status"] == "gestopt"
    # For good: only an owner or a coordinator.
    with pytest.raises(PermissionDenied):
        ws.remove([kook], BERT, permanently=True)
    ws.remove([kook], ANNA, permanently=True)
    assert ws.asset(kook) is None and ws.history(kook)["action"].iloc[-1] == "delete"
    assert ws.restore_asset(kook, ANNA)["name"] == "Kookclub"  # a delete is reversible too
    ws.remove([club], permanently=True)  # the workspace's coordinator
    assert ws.asset(club) is None


# ---------------------------------------------------------------------- changes over time
def test_changes_over_a_period_with_edits_by_two_pseudonyms(delft_ws, capsys):
    ws = delft_ws
    since = now_iso()
    kook = ws.add_initiative({"name": "Kookclub", "seeks": "ruimte"}, shapely.Point(*HERE), ANNA)
    ws.update_asset(kook, {"owners": "anna-7; bert-3"}, ANNA)
    ws.set_status(kook, "loopt", BERT)
    koor = ws.add_entry({"name": "Koor", "building_block": "association"}, shapely.Point(*HERE), BERT)
    ws.remove([koor], BERT)
    ws.accept_match(kook, "osm-node-5823561924", ANNA, note="space")
    summary = summarise_changes(ws.history(), since, assets=ws.assets())
    assert summary["totals"] == {"added": 2, "changed": 2, "archived": 1, "restored": 0, "removed": 0, "linked": 1}
    assert summary["per_building_block"]["initiative"] == {"added": 1, "changed": 2, "archived": 0, "restored": 0,
                                                          "removed": 0, "linked": 1}
    assert summary["per_building_block"]["association"]["archived"] == 1
    assert set(summary["per_area"]) == {WIPPOLDER}
    assert {i["actor"] for i in summary["items"]} == {"anna-7", "bert-3"}
    link = [i for i in summary["items"] if i["kind"] == "linked"][0]
    assert link["linked_name"] == "TU Delft Library"
    # Before the period, another area, a later start: nothing.
    assert summarise_changes(ws.history(), since, area="WK050311")["totals"]["added"] == 0
    assert summarise_changes(ws.history(), "2099-01-01")["items"] == []
    # The command line gives the same, as JSON; a day that is no day is refused with exit 2.
    assert main(["changes", str(ws.path), "--since", since, "--area", WIPPOLDER, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["totals"] == summary["totals"]
    assert main(["changes", str(ws.path), "--since", "gisteren"]) == 2
    assert "gisteren" in capsys.readouterr().err


def test_the_changes_page_shows_the_summary_to_coordinators_only(delft_copy, monkeypatch):
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    with open_workspace(delft_copy) as ws:
        ws.add_initiative({"name": "Kookclub Veranderd"}, shapely.Point(*HERE), ANNA)
    at = AppTest.from_file(str(REPO / "pages" / "5_Veranderd.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Wat is er veranderd"
    items = at.dataframe[-1].value
    assert "Kookclub Veranderd" in set(items["Naam"]) and "anna-7" in set(items["Door"])
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    at = AppTest.from_file(str(REPO / "pages" / "5_Veranderd.py"), default_timeout=120)
    at.run()
    assert not at.title and at.warning  # stopped before the page


# ---------------------------------------------------------------------- privacy and handover
SECRETS = ("Geheim plan Zwanenburg", "Groepje Ypsilon", "Talent van Xerxes", "xerxes@voorbeeld.nl",
           "06-55501234", "anna-7", "bert-3", "owner-quirijn")


def _privacy_fixture(ws) -> None:
    """Public, group and private initiatives and people, with owners and contacts."""
    ws.set_moderation(False)  # public at once: what is tested here is what public output leaves out
    ws.add_initiative({"id": "open-kook", "name": "Open kookclub", "seeks": "ruimte; opvolger", "offers": "soep",
                       "owners": "anna-7; owner-quirijn", "contact": "kookclub@voorbeeld.nl",
                       "visibility": "public", "consent": True}, shapely.Point(*HERE), ANNA)
    ws.add_initiative({"id": "geheim", "name": "Geheim plan Zwanenburg", "seeks": "geld", "visibility": "private"},
                      shapely.Point(*HERE), BERT)
    ws.add_initiative({"id": "groep", "name": "Groepje Ypsilon", "seeks": "vrijwilligers", "visibility": "group",
                       "contact": "06-55501234"}, shapely.Point(*HERE), BERT)
    _add(ws, [{"id": "xerxes", "name": "Talent van Xerxes", "building_block": "individual", "tags": "koken",
               "contact": "xerxes@voorbeeld.nl", "visibility": "private", "consent": False,
               "lon": HERE[0], "lat": HERE[1]},
              {"id": "bieb-zaal", "name": "Bieb zaal", "building_block": "resource", "offers": "ruimte",
               "visibility": "public", "consent": True, "lon": HERE[0] + 0.002, "lat": HERE[1]}], "anna-7")
    ws.accept_match("open-kook", "bieb-zaal", ANNA, note="space")
    ws.accept_match("geheim", "bieb-zaal", BERT, note="space")


def test_no_private_or_group_initiative_or_owner_in_public_output(delft_ws, tmp_path, capsys):
    ws = delft_ws
    _privacy_fixture(ws)
    public = ws.assets(actor=Actor(None, "public"))
    assert "open-kook" in set(public["id"]) and not {"geheim", "groep", "xerxes"} & set(public["id"])
    assert public["owners"].isna().all() and public["added_by"].isna().all() and public["contact"].isna().all()
    assert public.set_index("id").loc["open-kook", "seeks"] == "space; successor"  # what it seeks, not who
    out = tmp_path / "public.geojson"
    assert main(["export", str(ws.path), str(out), "--public"]) == 0
    assert main(["list", str(ws.path), "--public", "--json"]) == 0
    for text in (out.read_text(encoding="utf-8"), capsys.readouterr().out):
        assert "Open kookclub" in text
        for secret in SECRETS:
            assert secret not in text, secret


def test_the_handover_bundle_opens_as_a_geopackage_and_holds_no_private_entry(delft_ws, tmp_path, capsys):
    ws = delft_ws
    _privacy_fixture(ws)
    ws.remove(["open-kook"], ANNA)
    ws.restore_asset("open-kook", ANNA)
    ws.close()
    out = tmp_path / "overdracht"
    assert main(["--lang", "nl", "handover", str(ws.path), "--area", WIPPOLDER, "--out", str(out)]) == 0
    assert "overdrachtsmap" in capsys.readouterr().out
    gpkg = out / "overdracht.gpkg"
    assert {"README.md", "index.html", "kaart.html", "changes.json", "overdracht.gpkg"} <= {p.name for p in out.iterdir()}
    layers = dict(pyogrio.list_layers(gpkg))
    assert {"public_assets", "open_initiatives", "links", "changes", "contacts", "boundaries"} <= set(layers)
    initiatives = pyogrio.read_dataframe(gpkg, layer="open_initiatives")
    assert initiatives[["id", "seeks", "offers"]].values.tolist() == [["open-kook", "space; successor", "soep"]]
    assert initiatives.crs.to_epsg() == 4326
    links = pyogrio.read_dataframe(gpkg, layer="links", read_geometry=False)
    assert links[["from_name", "to_name"]].values.tolist() == [["Open kookclub", "Bieb zaal"]]
    contacts = pyogrio.read_dataframe(gpkg, layer="contacts", read_geometry=False)
    assert contacts[["id", "contact"]].values.tolist() == [["open-kook", "kookclub@voorbeeld.nl"]]
    changes = pyogrio.read_dataframe(gpkg, layer="changes", read_geometry=False)
    assert {"added", "archived", "restored", "linked"} <= set(changes["kind"])
    public = pyogrio.read_dataframe(gpkg, layer="public_assets")
    assert "owners" not in public.columns and "added_by" not in public.columns
    assert (public["wijk_code"] == WIPPOLDER).all()
    # No private or group entry, no pseudonym and no private contact in any file of the bundle.
    for path in out.rglob("*"):
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, (path.name, secret)
    assert "Open kookclub" in (out / "README.md").read_text(encoding="utf-8")
    _assert_valid_geopackage(gpkg)
    assert main(["handover", str(ws.path), "--area", "WK999999", "--out", str(tmp_path / "x")]) == 2


def _assert_valid_geopackage(path: Path) -> None:
    """GDAL's GeoPackage validator, as tests/test_pipeline.py runs it (skipped without GDAL's bindings)."""
    try:
        from osgeo_utils.samples import validate_gpkg
    except ImportError:
        validate_gpkg = None
    if validate_gpkg is None or not validate_gpkg.has_gdal:
        if os.environ.get("CI"):
            pytest.fail("GDAL's validator needs gdal-utils and the GDAL Python bindings")
        pytest.skip("GDAL's validator needs gdal-utils and the GDAL Python bindings")
    said: list[str] = []
    errors = validate_gpkg.check(str(path), abort_at_first_error=False, extra_checks=True, warning_as_error=True,
                                 log_msg=False, warning_msg=False, myprint=said.append)
    assert errors == [], f"{path.name}: {errors} {said}"


# ---------------------------------------------------------------------- workshop files
def test_workshop_files_take_status_zoekt_biedt_tags_and_eigenaren(delft_ws, tmp_path):
    table = tmp_path / "tafel.csv"
    table.write_text(
        "naam;bouwsteen;lat;lon;status;zoekt;biedt;tags;eigenaren;zichtbaarheid\n"
        "Repair café;initiatief;52,003;4,372;Gestart;Ruimte; Vrijwilligers;;;;openbaar\n", encoding="utf-8")
    with pytest.raises(InputError):  # a ; in a cell of a ;-separated file splits it: the row is too wide
        import_workshop(delft_ws, table, dry_run=True)
    table.write_text(
        "naam,bouwsteen,lat,lon,status,zoekt,biedt,tags,eigenaren,zichtbaarheid\n"
        'Repair café,initiatief,52.003,4.372,Gestart,"Ruimte; Vrijwilligers",reparaties,"Techniek; groen",'
        '"tafel 2; anna-7",openbaar\n'
        "Buurtkoor,vereniging,52.004,4.371,loopt,opvolger,muziek,muziek,,openbaar\n", encoding="utf-8")
    import_workshop(delft_ws, table, actor="tafel 2")
    stored = delft_ws.assets().set_index("name")
    cafe = stored.loc["Repair café"]
    assert (cafe["building_block"], cafe["status"], cafe["seeks"], cafe["offers"], cafe["tags"], cafe["owners"]) == \
        ("initiative", "gestart", "space; volunteers", "reparaties", "techniek; groen", "tafel 2; anna-7")
    assert stored.loc["Buurtkoor", "seeks"] == "successor"


def test_a_table_starts_an_initiative_on_the_data_page_and_accepts_a_match(delft_copy, monkeypatch):
    from assetmap import i18n
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    at = AppTest.from_file(str(REPO / "pages" / "4_Data.py"), default_timeout=180)
    at.session_state["pseudonym"] = "anna-7"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert i18n.t("initiatives_title", "nl") in [s.value for s in at.subheader]
    at.text_input(key="initiative_name").input("Soepclub Wippolder")
    at.selectbox(key="initiative_area").set_value(WIPPOLDER)
    at.text_input(key="initiative_seeks").input("Ruimte")
    at.button(key="FormSubmitter:initiative_add-" + i18n.t("initiative_add", "nl")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    with open_workspace(delft_copy) as ws:
        made = ws.assets("initiative")
    assert list(made["name"]) == ["Soepclub Wippolder"] and list(made["seeks"]) == ["space"]
    assert list(made["wijk_code"]) == [WIPPOLDER] and list(made["owners"]) == ["anna-7"]
    matches = [d.value for d in at.dataframe if i18n.t("match_answers", "nl") in d.value.columns][0]
    assert {"TU Delft Library", "Studievereniging Equinox"} <= set(matches[i18n.t("name", "nl")])
    at.selectbox(key="match_pick").set_value("osm-node-5823561924")
    at.button(key="match_accept").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with open_workspace(delft_copy) as ws:
        links = ws.links()
    assert links[["to_asset_id", "note"]].values.tolist() == [["osm-node-5823561924", "space"]]


def test_a_resident_starts_an_initiative_on_the_map_page_only_with_a_session_that_may_write(delft_copy, monkeypatch):
    """Anonymous on a public server: a line on how to take part, no form. With write rights: the form saves."""
    from streamlit.testing.v1 import AppTest

    from assetmap import i18n

    from conftest import REPO

    page = str(REPO / "pages" / "1_Kaart.py")
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    at = AppTest.from_file(page, default_timeout=120)
    at.run()
    assert not at.exception
    assert i18n.t("resident_initiative_how", "nl") in [c.value for c in at.caption]
    assert "resident_initiative_name" not in {w.key for w in at.text_input}
    monkeypatch.delenv("ASSETMAP_ACCESS")  # localhost: the one at the laptop may write
    at = AppTest.from_file(page, default_timeout=120)
    at.run()
    at.text_input(key="resident_initiative_name").input("Moestuin Wippolder")
    at.selectbox(key="resident_initiative_area").set_value("WK050328")
    at.text_input(key="resident_initiative_seeks").input("ruimte")
    next(b for b in at.button if b.label == i18n.t("initiative_add", "nl")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with open_workspace(delft_copy) as ws:
        found = ws.assets().query("name == 'Moestuin Wippolder'")
    assert len(found) == 1 and found["building_block"].iloc[0] == "initiative"
    assert found["wijk_code"].iloc[0] == "WK050328" and "space" in found["seeks"].iloc[0]
