"""History, restore, undo and ownership: people own their entries and can take back their changes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from assetmap.errors import InputError
from assetmap.layers import build_assets
from assetmap.service import PermissionDenied, open_workspace


def _add(ws, name, actor, *, block="association", point=(4.2967, 52.0702), asset_id=None):
    frame = gpd.GeoDataFrame({"name": [name], "building_block": [block], "description": ["eerste versie"]},
                             geometry=[shapely.Point(*point)], crs=4326)
    if asset_id:
        frame["id"] = [asset_id]
    return ws.save_assets(build_assets(frame, source="workshop", added_by=actor), actor).added[0]


@pytest.fixture
def ws(denhaag_workspace):
    with open_workspace(denhaag_workspace) as workspace:
        yield workspace


def _recent(stamp: str) -> bool:
    at = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return abs(datetime.now(timezone.utc) - at) < timedelta(minutes=5)


def test_create_edit_delete_are_recorded_with_who_when_before_and_after(ws):
    asset_id = _add(ws, "Wijkberaad", "tafel 1")
    ws.update_asset(asset_id, {"name": "Wijkberaad Moerwijk", "geometry": shapely.Point(4.30, 52.06)}, "tafel 2")
    ws.delete_assets([asset_id], "tafel 3")
    history = ws.history(asset_id)
    assert list(history["action"]) == ["create", "update", "delete"]
    assert list(history["actor"]) == ["tafel 1", "tafel 2", "tafel 3"]
    assert all(_recent(at) for at in history["at"])
    create, update, delete = (history.iloc[i] for i in range(3))
    assert pd.isna(create["before"]) and json.loads(create["after"])["name"] == "Wijkberaad"
    before, after = json.loads(update["before"]), json.loads(update["after"])
    assert (before["name"], after["name"]) == ("Wijkberaad", "Wijkberaad Moerwijk")
    assert shapely.from_wkt(before["geometry_wkt"]).equals(shapely.Point(4.2967, 52.0702))
    assert shapely.from_wkt(after["geometry_wkt"]).equals(shapely.Point(4.30, 52.06))
    assert json.loads(delete["before"])["name"] == "Wijkberaad Moerwijk" and pd.isna(delete["after"])
    assert ws.asset(asset_id) is None


def test_delete_is_reversible_with_restore(ws):
    asset_id = _add(ws, "Buurtmoestuin", "tafel 1", block="resource")
    original = ws.asset(asset_id)
    ws.delete_assets([asset_id], "tafel 1")
    restored = ws.restore_asset(asset_id, "tafel 1")
    assert restored == original
    assert list(ws.history(asset_id)["action"]) == ["create", "delete", "restore"]
    with pytest.raises(InputError, match="exists already"):
        ws.restore_asset(asset_id, "tafel 1")
    with pytest.raises(InputError, match="never deleted"):
        ws.restore_asset("no-such-asset", "tafel 1")


def test_undo_last_undoes_only_that_actors_last_change(ws):
    a = _add(ws, "Kookclub", "anna")
    b = _add(ws, "Voetbalclub", "bram", point=(4.29, 52.07))
    ws.update_asset(a, {"name": "Kookclub De Pan"}, "anna")
    ws.update_asset(b, {"name": "Voetbalclub Oranje"}, "bram")
    assert ws.undo_last("anna") == a
    assert ws.asset(a)["name"] == "Kookclub"
    assert ws.asset(b)["name"] == "Voetbalclub Oranje"  # bram's change stays
    assert ws.undo_last("anna") == a  # then anna's creation
    assert ws.asset(a) is None
    assert ws.undo_last("anna") is None  # nothing left of anna's
    assert ws.asset(b)["name"] == "Voetbalclub Oranje"
    actions = list(ws.history(a)["action"])
    assert actions == ["create", "update", "undo update", "undo create"]


def test_undo_of_a_delete_brings_the_entry_back(ws):
    asset_id = _add(ws, "Bankje op het plein", "anna", block="resource")
    original = ws.asset(asset_id)
    ws.delete_assets([asset_id], "anna")
    assert ws.undo_last("anna") == asset_id
    assert ws.asset(asset_id) == original


def test_undo_keeps_a_later_change_by_someone_else(ws):
    """anna renames, then bram edits the description: anna's undo must not throw bram's work away."""
    asset_id = _add(ws, "Buurthuis", "anna")
    ws.update_asset(asset_id, {"name": "Buurthuis De Mussen"}, "anna")
    ws.update_asset(asset_id, {"description": "open inloop met koffie"}, "bram")
    assert ws.undo_last("anna") == asset_id
    now = ws.asset(asset_id)
    assert now["name"] == "Buurthuis"
    assert now["description"] == "open inloop met koffie"
    undo = ws.history(asset_id).iloc[-1]
    assert undo["action"] == "undo update" and undo["actor"] == "anna"
    assert json.loads(undo["before"])["name"] == "Buurthuis De Mussen"
    assert json.loads(undo["after"])["name"] == "Buurthuis"


def test_undo_of_an_edit_does_not_bring_back_an_entry_someone_deleted(ws):
    asset_id = _add(ws, "Buurthuis", "anna")
    ws.update_asset(asset_id, {"name": "Buurthuis De Mussen"}, "anna")
    ws.delete_assets([asset_id], "bram")
    ws.undo_last("anna")
    assert ws.asset(asset_id) is None


def test_owners_edit_and_remove_their_own_entries_others_cannot(ws):
    asset_id = _add(ws, "Kookt voor de buren", "anna", block="individual")
    before = ws.asset(asset_id)
    with pytest.raises(PermissionDenied, match="only your own"):
        ws.update_asset(asset_id, {"name": "Gekaapt"}, "bram", owner_only=True)
    with pytest.raises(PermissionDenied):
        ws.delete_assets([asset_id], "bram", owner_only=True)
    with pytest.raises(PermissionDenied):
        ws.update_asset(asset_id, {"name": "Anoniem"}, None, owner_only=True)
    assert ws.asset(asset_id) == before
    assert list(ws.history(asset_id)["action"]) == ["create"]
    # The owner may; and an edit never changes who owns the entry.
    ws.update_asset(asset_id, {"name": "Kookt Surinaams", "added_by": "bram"}, "anna", owner_only=True)
    assert ws.asset(asset_id)["added_by"] == "anna"
    ws.delete_assets([asset_id], "anna", owner_only=True)
    assert ws.asset(asset_id) is None


def test_an_entry_without_an_owner_cannot_be_changed_anonymously_when_owners_only(ws):
    rows = gpd.GeoDataFrame({"name": ["Bankje"], "building_block": ["resource"]},
                            geometry=[shapely.Point(4.3, 52.07)], crs=4326)
    ws.save_assets(build_assets(rows))
    asset_id = ws.assets()["id"].iloc[-1]
    assert ws.asset(asset_id)["added_by"] is None
    for actor in (None, ""):
        with pytest.raises(PermissionDenied, match="pseudonym"):
            ws.delete_assets([asset_id], actor, owner_only=True)
    assert ws.asset(asset_id) is not None


def test_a_refused_delete_in_a_batch_deletes_nothing(ws):
    mine = _add(ws, "Mijn plek", "anna", block="resource")
    theirs = _add(ws, "Jouw plek", "bram", block="resource", point=(4.29, 52.07))
    with pytest.raises(PermissionDenied):
        ws.delete_assets([mine, theirs], "anna", owner_only=True)
    assert ws.asset(mine) is not None and ws.asset(theirs) is not None
    assert set(ws.history()["action"]) == {"create"}
