"""The editing service decides who sees and changes what; the faces only ask it.

Real GeoPackage workspaces with the Den Haag boundaries from ../shared/data, and the same in a
PostGIS schema (``postgis_uri`` in conftest.py).
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from assetmap.layers import build_assets
from assetmap.layers.boundaries import assign_codes
from assetmap.service import Actor, PermissionDenied, open_workspace


@pytest.fixture(params=["geopackage", "postgis"])
def mixed(request, denhaag_workspace):
    """Anna's public library, her group choir and her private talent; Bert's private talent.

    Once in the GeoPackage file, once in a PostGIS schema (a copy of the file; skipped without a
    PostgreSQL server, except on CI).
    """
    location = denhaag_workspace
    if request.param == "postgis":
        from assetmap.storage import copy_store
        location = request.getfixturevalue("postgis_uri")
        copy_store(denhaag_workspace, location)
    with open_workspace(location) as ws:
        rows = gpd.GeoDataFrame({
            "id": ["bieb", "koor", "anna-kookt", "bert-zingt"],
            "name": ["Bibliotheek Transvaal", "Buurtkoor", "Anna kookt", "Bert zingt"],
            "building_block": ["institution", "association", "individual", "individual"],
            "visibility": ["public", "group", "private", "private"], "consent": [True, True, False, False],
            "contact": ["info@bieb.example", "koor@example.org", "06-12345678", "06-87654321"],
            "added_by": ["anna", "anna", "anna", "bert"],
        }, geometry=[Point(4.2885, 52.0645), Point(4.289, 52.065), Point(4.2895, 52.0655), Point(4.29, 52.066)],
            crs=4326)
        ws.save_assets(assign_codes(build_assets(rows), ws.boundaries()), "anna")
    return location


def test_each_role_reads_only_what_it_may(mixed):
    with open_workspace(mixed) as ws:
        assert set(ws.assets()["id"]) == {"bieb", "koor", "anna-kookt", "bert-zingt"}
        assert ws.asset("bert-zingt")["contact"] == "06-87654321"

        anna = Actor("anna", "workshop")
        seen = ws.assets(actor=anna)
        assert set(seen["id"]) == {"bieb", "koor", "anna-kookt"}
        assert "contact" not in seen.columns
        assert ws.asset("bert-zingt", actor=anna) is None

        public = Actor(None, "public")
        assert set(ws.assets(actor=public)["id"]) == {"bieb"}
        assert set(ws.assets("institution", actor=public)["id"]) == {"bieb"}
        assert ws.assets("association", actor=public).empty
        assert ws.asset("koor", actor=public) is None
        with pytest.raises(PermissionDenied):
            ws.history(actor=public)
        with pytest.raises(PermissionDenied):
            ws.history(actor=anna)
        assert len(ws.history()) == 4


def _snapshot(location):
    """The file's bytes; for a server workspace, its count of committed writes and its rows."""
    if isinstance(location, str):
        from assetmap.storage import open_store
        store = open_store(location)
        try:
            return store.change_count(), {name: store.count(name) for name in store.tables()}
        finally:
            store.close()
    return location.read_bytes()


def test_each_role_writes_only_what_it_may(mixed):
    before = _snapshot(mixed)
    with open_workspace(mixed) as ws:
        public = Actor(None, "public")
        bert = Actor("bert", "workshop")
        for attempt in (lambda: ws.update_asset("bieb", {"name": "x"}, public),
                        lambda: ws.delete_assets(["bieb"], public),
                        lambda: ws.add_entry({"name": "x", "building_block": "resource"}, Point(4.29, 52.066), public),
                        lambda: ws.update_asset("bieb", {"name": "x"}, bert),
                        lambda: ws.delete_assets(["koor"], bert),
                        lambda: ws.replace_study_area(ws.study_area(), bert),
                        lambda: ws.log_source("x", "x", "x", "x", 1, bert)):
            with pytest.raises(PermissionDenied):
                attempt()
    assert _snapshot(mixed) == before  # refused writes leave the file as it was

    with open_workspace(mixed) as ws:
        bert = Actor("bert", "workshop")
        ws.update_asset("bert-zingt", {"name": "Bert zingt en speelt gitaar"}, bert)
        new_id = ws.add_entry({"name": "Moestuin", "building_block": "resource"}, Point(4.2905, 52.0662), bert,
                              story="Hier kweken we samen tomaten", link_to="bieb")
        assert ws.asset(new_id)["added_by"] == "bert"
        assert ws.asset(new_id)["buurt_code"] is not None  # coded from the stored boundaries
        assert set(ws.links()["to_asset_id"]) == {"bieb"}
        stories = ws.assets("story")
        assert list(stories["related_asset_id"]) == [new_id]
        assert ws.undo_last(bert) == stories["id"].iloc[0]
        assert ws.undo_last(bert) == new_id
        assert ws.asset(new_id) is None


def test_a_workshop_edit_keeps_the_fields_its_view_hides(mixed):
    """A workshop actor never sees contact fields; changing a name must not wipe them."""
    with open_workspace(mixed) as ws:
        ws.update_asset("anna-kookt", {"name": "Anna kookt Surinaams"}, Actor("anna", "workshop"))
        assert ws.asset("anna-kookt")["contact"] == "06-12345678"


def test_analysis_results_cannot_overwrite_workspace_tables(mixed):
    with open_workspace(mixed) as ws:
        with pytest.raises(ValueError):
            ws.save_result("assets", ws.assets())
        with pytest.raises(ValueError):
            ws.save_result("history", ws.history())


def test_a_moved_asset_gets_the_codes_of_where_it_is_now(mixed):
    with open_workspace(mixed) as ws:
        buurten = ws.boundaries("buurt")
        start, elsewhere = buurten.iloc[3], buurten.iloc[60]
        ws.update_asset("bieb", {"geometry": start.geometry.representative_point()}, "anna")
        assert ws.asset("bieb")["buurt_code"] == start["code"]
        ws.update_asset("bieb", {"geometry": elsewhere.geometry.representative_point()}, "anna")
        assert ws.asset("bieb")["buurt_code"] == elsewhere["code"]
        ws.update_asset("bieb", {"geometry": Point(5.5, 52.5)}, "anna")  # Flevoland: outside Den Haag
        assert ws.asset("bieb")["buurt_code"] is None and ws.asset("bieb")["wijk_code"] is None


def test_links_go_with_a_deleted_asset_and_come_back_with_it(mixed):
    import pandas as pd

    with open_workspace(mixed) as ws:
        ws.add_links(pd.DataFrame([{"from_asset_id": "koor", "to_asset_id": "bieb", "note": "oefent in de bieb"}]),
                     "anna")
        link_id = ws.links()["id"].iloc[0]
        ws.delete_assets(["bieb"], "anna")
        assert ws.links().empty
        ws.restore_asset("bieb", "anna")
        assert list(ws.links()["id"]) == [link_id] and ws.links()["note"].iloc[0] == "oefent in de bieb"
        ws.undo_last("anna")  # undoes the restore: asset and link go again
        assert ws.asset("bieb") is None and ws.links().empty
        ws.undo_last("anna")  # undoes the delete: both come back
        assert ws.asset("bieb") is not None and list(ws.links()["id"]) == [link_id]


def test_a_workshop_actor_cannot_restore_someone_elses_entry(mixed):
    with open_workspace(mixed) as ws:
        ws.delete_assets(["bieb"], "anna")
        with pytest.raises(PermissionDenied):
            ws.restore_asset("bieb", Actor("bert", "workshop"))
        assert ws.asset("bieb") is None
        assert ws.restore_asset("bieb", Actor("anna", "workshop"))["name"] == "Bibliotheek Transvaal"


def test_empty_boundaries_replace_nothing(mixed):
    with open_workspace(mixed) as ws:
        before = len(ws.boundaries())
        assert ws.replace_boundaries(ws.boundaries().iloc[0:0]) == 0
        assert len(ws.boundaries()) == before > 0


def test_reading_many_ids_keeps_write_order_and_gives_each_row_once(mixed):
    with open_workspace(mixed) as ws:
        ids = ["bert-zingt", "bieb"] * 400 + [f"x{i}" for i in range(700)] + ["koor"]
        frame = ws.store.read("assets", {"id": ids})
        assert list(frame["id"]) == ["bieb", "koor", "bert-zingt"]
