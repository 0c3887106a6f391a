"""Public output never depends on private or group entries (differential, on the real Delft wijken).

An attacker who knows the rules and the public CBS boundaries must learn nothing about a private,
non-consenting person from where the public anchor lands. So: adding, moving or removing a private
or group entry, anywhere, changes no byte of any public output (GeoJSON, CSV, the GeoPackage's
rows, ``list --public``).
"""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest
import shapely

from assetmap.export import asset_records, export_assets
from assetmap.layers import build_assets
from assetmap.layers.boundaries import assign_codes
from assetmap.service import Actor

#: Delft wijken inside the OSM extract (buildings known) and one outside it.
WIJKEN = ("WK050324", "WK050327", "WK050328", "WK050311")


def _people(ws, rows) -> None:
    frame = gpd.GeoDataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in rows],
                             geometry=[r["geometry"] for r in rows], crs=4326)
    ws.save_assets(assign_codes(build_assets(frame), ws.boundaries()), "tafel 1")


def _public_outputs(ws, tmp_path) -> dict[str, bytes]:
    out = {}
    for suffix in (".geojson", ".csv", ".gpkg"):
        path = tmp_path / f"public{suffix}"
        export_assets(ws, path, public=True)
        if suffix == ".gpkg":  # the file has timestamps of its own: compare its rows
            out[suffix] = pyogrio.read_dataframe(path, layer="assets").to_json(sort_keys=True).encode()
        else:
            out[suffix] = path.read_bytes()
        path.unlink()
    out["list"] = json.dumps(asset_records(ws.assets(actor=Actor(None, "public"))), sort_keys=True).encode()
    return out


@pytest.fixture
def delft_people(delft_ws):
    """Public, consenting people in four Delft wijken (three inside the OSM extract, one outside)."""
    wijken = delft_ws.boundaries("wijk").set_index("code")
    rows = []
    for n, code in enumerate(WIJKEN):
        inside = wijken.loc[code, "geometry"].representative_point()
        rows.append({"id": f"open-{n}", "name": f"Open talent {n}", "building_block": "individual",
                     "visibility": "public", "consent": True, "geometry": inside})
    _people(delft_ws, rows)
    return delft_ws


def test_the_public_people_are_shown_at_an_anchor_and_not_where_they_live(delft_people):
    view = delft_people.assets(actor=Actor(None, "public")).set_index("id")
    stored = delft_people.assets().set_index("id")
    for n in range(len(WIJKEN)):
        assert view.loc[f"open-{n}", "geometry"] is not None
        assert not view.loc[f"open-{n}", "geometry"].equals(stored.loc[f"open-{n}", "geometry"])


def test_no_private_or_group_entry_changes_any_public_output(delft_people, tmp_path):
    ws = delft_people
    before = _public_outputs(ws, tmp_path)
    wijken = ws.boundaries("wijk").set_index("code")
    view = ws.assets(actor=Actor(None, "public")).set_index("id")
    # Hidden people right at each public anchor (the old rule moved the anchor away from them), and
    # spread over every wijk, with every hidden visibility and consent.
    rows = []
    for n, code in enumerate(WIJKEN):
        anchor = view.loc[f"open-{n}", "geometry"]
        for k, (visibility, consent) in enumerate((("private", False), ("group", True), ("public", False))):
            rows.append({"id": f"hidden-{n}-{k}", "name": f"Verborgen {n}-{k}", "building_block": "individual",
                         "visibility": visibility, "consent": consent, "contact": "06-11112222",
                         "geometry": shapely.Point(anchor.x + 0.0002 * k, anchor.y)})
        rows.append({"id": f"grid-{n}", "name": f"Verborgen rand {n}", "building_block": "individual",
                     "visibility": "private", "consent": False,
                     "geometry": wijken.loc[code, "geometry"].buffer(-0.001).exterior.interpolate(0.3, normalized=True)})
    rows.append({"id": "hidden-place", "name": "Privé huiskamer", "building_block": "resource",
                 "visibility": "group", "consent": True, "geometry": view.loc["open-0", "geometry"]})
    _people(ws, rows)
    assert _public_outputs(ws, tmp_path) == before, "adding hidden entries changed a public output"

    ws.update_asset("hidden-0-0", {"geometry": view.loc["open-1", "geometry"]}, "tafel 1")
    ws.update_asset("grid-2", {"geometry": wijken.loc["WK050311", "geometry"].representative_point()}, "tafel 1")
    assert _public_outputs(ws, tmp_path) == before, "moving hidden entries changed a public output"

    ws.delete_assets(["hidden-1-1", "grid-0", "hidden-place"], "tafel 1")
    assert _public_outputs(ws, tmp_path) == before, "removing hidden entries changed a public output"


def test_a_public_change_does_change_the_public_output(delft_people, tmp_path):
    """The comparison above can fail: a change to a public entry shows."""
    before = _public_outputs(delft_people, tmp_path)
    delft_people.update_asset("open-0", {"name": "Open talent nul"}, "tafel 1")
    after = _public_outputs(delft_people, tmp_path)
    assert all(after[k] != before[k] for k in before)
