"""Privacy of public views and public exports, on a workspace full of people.

Individual capacities are about people: a public output (the public view, and every ``export
--public`` format) shows only public entries with consent, never a contact value or the pseudonym
of who added an entry, and never a person's own point: people are shown at their area's anchor,
made from public map data only, so no private or group entry changes any public output.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
import shapely

from assetmap import settings
from assetmap.errors import InputError
from assetmap.export import export_assets
from assetmap.layers import build_assets
from assetmap.layers.schema import ASSET_FIELDS, BOUNDARY_FIELDS, CONTACT_FIELDS, FORBIDDEN_FIELD_WORDS, LINK_FIELDS
from assetmap.privacy import ANCHOR_CLEARANCE_M, area_anchors, public_view
from assetmap.service import open_workspace
from assetmap.sources.workshop import read_workshop_file
from assetmap.storage import _gpkg
from assetmap.storage.geopackage import TABLES

CLI = [sys.executable, "-c", "from assetmap.cli import main; raise SystemExit(main())"]
N_DENSE, N_SPARSE = 120, 40


@pytest.fixture(scope="module")
def people_workspace(tmp_path_factory):
    """Den Haag buurten + wijken and 320 individual capacities in four buurten, mixed visibility/consent.

    Two small buurten are packed so full of people that no point in them is 100 m from everyone;
    two larger ones have room for a buurt anchor.
    """
    from assetmap.imports import import_boundaries
    from assetmap.service import create_workspace

    from conftest import DENHAAG_BUURTEN, DENHAAG_WIJKEN

    tmp = tmp_path_factory.mktemp("people")
    path = tmp / "people.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=DENHAAG_WIJKEN)
        import_boundaries(ws, file=DENHAAG_BUURTEN)
        buurten = ws.boundaries("buurt").to_crs(settings.METRIC_CRS)
    buurten = buurten.assign(area=buurten.area).sort_values("area").reset_index(drop=True)
    dense = buurten.iloc[[0, 1]]
    sparse = buurten.iloc[[len(buurten) // 2, len(buurten) // 2 + 1]]
    rng = np.random.default_rng(20240605)
    rows = []
    for counts, chosen in ((N_DENSE, dense), (N_SPARSE, sparse)):
        for area in chosen.geometry:
            minx, miny, maxx, maxy = area.bounds
            placed = 0
            while placed < counts:
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if area.contains(shapely.Point(x, y)):
                    rows.append((x, y))
                    placed += 1
    xy = np.array(rows)
    lonlat = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=settings.METRIC_CRS).to_crs(4326)
    visibility = rng.choice(["openbaar", "groep", "prive"], size=len(xy))
    consent = rng.choice(["ja", "nee", ""], size=len(xy))
    csv_path = tmp / "mensen.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["naam", "bouwsteen", "omschrijving", "lat", "lon", "contact", "zichtbaarheid",
                         "toestemming", "toegevoegd_door"])
        for i, point in enumerate(lonlat):
            writer.writerow([f"Talent nummer {i:03d}", "individuele capaciteiten", "kookt graag voor de buren",
                             f"{point.y:.8f}", f"{point.x:.8f}", f"06-5550{i:04d} / persoon{i:03d}@voorbeeld.nl",
                             visibility[i], consent[i], f"pseudo-tafel-{i:03d}-xq"])
    with open_workspace(path) as ws:
        # Read as an import reads it, saved with each row's own pseudonym (an import would record
        # the importer instead), so that 320 pseudonyms are there to leak.
        checked = read_workshop_file(csv_path, ws.boundaries())
        ws.save_assets(checked.assets, "tafel")
        stored = ws.assets()
    assert len(stored) == len(xy) and set(stored["building_block"]) == {"individual"}
    assert stored["contact"].notna().all() and stored["added_by"].notna().all()
    public = (stored["visibility"] == "public") & stored["consent"].fillna(False).astype(bool)
    assert 30 < public.sum() < len(stored) - 30  # a real mix of shown and hidden people
    # The people's own points, in metres, as the workspace holds them.
    own = np.array([(p.x, p.y) for p in stored.geometry.to_crs(settings.METRIC_CRS)])
    return {"path": path, "stored": stored, "own": own, "public_names": set(stored.loc[public, "name"]),
            "hidden_names": set(stored.loc[~public, "name"]), "secrets": _secrets(stored), "tmp": tmp}


def _secrets(stored) -> list[str]:
    values = []
    for column in CONTACT_FIELDS + ("added_by",):
        values += [str(v) for v in stored[column].dropna()]
    # Parts of a contact value are secret too (the phone number alone, the e-mail alone).
    for value in stored["contact"].dropna():
        values += [part.strip() for part in str(value).split("/")]
    return sorted(set(values))


def _own_points_shown(lonlat: np.ndarray, own: np.ndarray) -> list:
    """Output coordinates (lon, lat) that are some person's own point (to the centimetre)."""
    if len(lonlat) == 0:
        return []
    metric = gpd.GeoSeries(gpd.points_from_xy(lonlat[:, 0], lonlat[:, 1]), crs=4326).to_crs(settings.METRIC_CRS)
    xy = np.array([(p.x, p.y) for p in metric])
    own_keys = {(round(x, 2), round(y, 2)) for x, y in own}
    return [tuple(c) for c, (x, y) in zip(lonlat, xy) if (round(x, 2), round(y, 2)) in own_keys]


def _geometry_coords(geoms) -> np.ndarray:
    present = [g for g in geoms if g is not None and not g.is_empty]
    if not present:
        return np.empty((0, 2))
    return shapely.get_coordinates(np.asarray(present, dtype=object))


def _geojson_coords(node, out: list) -> None:
    """Every number pair anywhere in a GeoJSON document (coordinates and bbox alike)."""
    if isinstance(node, dict):
        if "bbox" in node:
            box = node["bbox"]
            out += [(box[0], box[1]), (box[2], box[3])]
        for value in node.values():
            _geojson_coords(value, out)
    elif isinstance(node, list):
        if len(node) >= 2 and all(isinstance(v, (int, float)) for v in node):
            out.append((node[0], node[1]))
        else:
            for value in node:
                _geojson_coords(value, out)


def _gpkg_coords(path) -> np.ndarray:
    """Every geometry coordinate in every feature table of a GeoPackage (read as raw SQLite)."""
    conn = sqlite3.connect(path)
    try:
        coords = []
        tables = conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        assert tables
        for table, column in tables:
            blobs = [r[0] for r in conn.execute(f'SELECT "{column}" FROM "{table}"')]
            coords.append(_geometry_coords(_gpkg.decode(blobs)))
            # The layer extent must not say more than the geometries themselves.
            extent = conn.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name=?",
                                  (table,)).fetchone()
            if coords[-1].size and extent[0] is not None:
                assert np.allclose(extent, [*coords[-1].min(axis=0), *coords[-1].max(axis=0)], atol=1e-6)
    finally:
        conn.close()
    return np.vstack(coords) if coords else np.empty((0, 2))


def _check_no_secrets(raw: bytes, secrets: list[str], hidden_names: set[str]) -> None:
    text = raw.decode("utf-8", errors="replace")
    leaked = [s for s in secrets if s.encode("utf-8") in raw or s in text]
    assert not leaked, f"contact or added_by values in a public output: {leaked[:5]}"
    shown_hidden = [n for n in hidden_names if n in text]
    assert not shown_hidden, f"non-public or non-consenting entries in a public output: {shown_hidden[:5]}"


def test_public_view_shows_only_consenting_public_people_at_a_buurt_anchor(people_workspace):
    with open_workspace(people_workspace["path"]) as ws:
        view = public_view(ws.assets(), ws.boundaries())
        anchors = area_anchors(ws.boundaries())
    assert set(view["name"]) == people_workspace["public_names"]
    for column in CONTACT_FIELDS + ("added_by",):
        assert view[column].isna().all()
    coords = _geometry_coords(view.geometry)
    assert _own_points_shown(coords, people_workspace["own"]) == []
    # People of one buurt share one anchor, made from the public boundary alone.
    assert view.geometry.notna().all()
    for code, group in view.groupby("buurt_code"):
        assert {(g.x, g.y) for g in group.geometry} == {(anchors[code].x, anchors[code].y)}


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".csv"])
def test_public_exports_through_the_cli_leak_no_location_contact_or_pseudonym(people_workspace, suffix):
    out = people_workspace["tmp"] / f"public{suffix}"
    before = people_workspace["path"].read_bytes()
    done = subprocess.run(CLI + ["export", str(people_workspace["path"]), str(out), "--public"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "(public view)" in done.stdout
    assert people_workspace["path"].read_bytes() == before  # exporting never writes the workspace
    raw = out.read_bytes()
    _check_no_secrets(raw, people_workspace["secrets"], people_workspace["hidden_names"])
    if suffix == ".geojson":
        found: list = []
        _geojson_coords(json.loads(raw), found)
        coords = np.array(found, dtype=float).reshape(-1, 2)
        names = {f["properties"]["name"] for f in json.loads(raw)["features"]}
    elif suffix == ".csv":
        # The CSV for Dutch Excel (the default): ';', BOM, Dutch headers, decimal commas.
        with open(out, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
        coords = np.array([(float(r["lon"].replace(",", ".")), float(r["lat"].replace(",", "."))) for r in rows
                           if r["lon"] and r["lat"]])
        names = {r["naam"] for r in rows}
        assert {"lat", "lon"} <= set(rows[0])
    else:
        coords = _gpkg_coords(out)
        conn = sqlite3.connect(out)
        names = {r[0] for r in conn.execute("SELECT name FROM assets")}
        conn.close()
    assert names == people_workspace["public_names"]
    assert len(coords) > 0
    assert _own_points_shown(coords, people_workspace["own"]) == []


def test_full_export_keeps_what_the_public_export_hides(people_workspace, tmp_path):
    """The owner's own export has everything: so the public export's silence is the privacy rule at work."""
    out = tmp_path / "all.csv"
    with open_workspace(people_workspace["path"]) as ws:
        assert export_assets(ws, out, public=False) == len(people_workspace["stored"])
    raw = out.read_bytes().decode("utf-8")
    assert all(s in raw for s in people_workspace["secrets"][:20])
    assert all(n in raw for n in people_workspace["hidden_names"])


def test_a_public_non_person_next_to_a_person_keeps_its_place_but_people_move(delft_ws):
    """Only individuals are moved, to a spot away from every home; a library is where it is."""
    from assetmap.layers.boundaries import assign_codes

    homes = delft_ws.buildings()
    home = homes.geometry.iloc[len(homes) // 2]  # someone's house in the OSM data
    rows = gpd.GeoDataFrame({"name": ["Buurman met talent", "Bibliotheek"],
                             "building_block": ["individual", "institution"],
                             "visibility": ["public", "public"], "consent": [True, True],
                             "contact": ["buurman@example.org", "info@bieb.example"]},
                            geometry=[home, home], crs=4326)
    delft_ws.save_assets(assign_codes(build_assets(rows, added_by="tafel 9"), delft_ws.boundaries()))
    view = public_view(delft_ws.assets(), delft_ws.boundaries(), homes, delft_ws.study_area()).set_index("name")
    shown = gpd.GeoSeries([view.loc["Buurman met talent", "geometry"]], crs=4326).to_crs(28992).iloc[0]
    every_home = homes.geometry.to_crs(28992)
    assert every_home.distance(shown).min() >= ANCHOR_CLEARANCE_M
    assert view.loc["Bibliotheek", "geometry"].equals(home)
    assert view["contact"].isna().all() and view["added_by"].isna().all()


def test_no_layer_has_a_field_for_special_categories_of_personal_data():
    fields = list(ASSET_FIELDS) + list(BOUNDARY_FIELDS) + list(LINK_FIELDS)
    for spec in TABLES.values():
        fields += list(spec.fields)
    assert fields
    bad = [f for f in fields if any(word in f.lower() for word in FORBIDDEN_FIELD_WORDS)]
    assert bad == []


def test_a_frame_with_a_special_category_column_is_refused():
    frame = gpd.GeoDataFrame({"name": ["Een"], "building_block": ["individual"], "migratieachtergrond": ["x"]},
                             geometry=[shapely.Point(4.29, 52.07)], crs=4326)
    with pytest.raises(InputError) as info:
        build_assets(frame)
    assert "special category" in str(info.value) and "migratieachtergrond" in str(info.value)


@pytest.mark.parametrize("header", ["etniciteit", "Gezondheid", "geloof", "Religie", "religion", "Nationaliteit", "seksuele_voorkeur"])
def test_a_workshop_file_with_a_special_category_column_is_refused_and_nothing_written(
        denhaag_workspace, tmp_path, header):
    path = tmp_path / "met_bijzondere_gegevens.csv"
    path.write_text(f"naam,bouwsteen,lat,lon,{header}\nKookt,individu,52.07,4.29,iets\n", encoding="utf-8")
    before = denhaag_workspace.read_bytes()
    done = subprocess.run(CLI + ["import", str(denhaag_workspace), str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert header in done.stderr and "special category" in done.stderr and "remove this column" in done.stderr
    assert denhaag_workspace.read_bytes() == before


def test_contact_details_typed_into_a_persons_text_and_links_to_hidden_people_are_not_published(
        denhaag_workspace, tmp_path):
    """A phone number or e-mail in an individual's name or description is masked in public output;
    a club's phone number stays (it is the club's), and a public story loses its link to a hidden person."""
    with open_workspace(denhaag_workspace) as ws:
        home = ws.boundaries("buurt").iloc[12].geometry.representative_point()
        rows = gpd.GeoDataFrame({
            "id": ["p-open", "p-hidden", "club", "story"],
            "name": ["Fatima (06-12345678)", "Verborgen buurman", "Schaakclub De Toren", "Het straatfeest"],
            "building_block": ["individual", "individual", "association", "story"],
            "description": ["Naait kleding, mail fatima.naait@example.nl of bel +31 6 1234 5678 of (010) 765 4321. "
                            "Sinds 1985 1986 1987 elk jaar.",
                            "repareert fietsen", "Bel 070 123 4567 voor de clubavond", "Sinds 1985 elk jaar"],
            "visibility": ["public", "private", "public", "public"], "consent": [True, False, True, True],
            "related_asset_id": [None, None, None, "p-hidden"]},
            geometry=[home] * 4, crs=4326)
        ws.save_assets(build_assets(rows, added_by="tafel 3"))
    out = tmp_path / "openbaar.geojson"
    done = subprocess.run(CLI + ["export", str(denhaag_workspace), str(out), "--public"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    raw = out.read_text(encoding="utf-8")
    for secret in ("12345678", "1234 5678", "765 4321", "fatima.naait@example.nl"):
        assert secret not in raw
    shown = {f["properties"]["id"]: f["properties"] for f in json.loads(raw)["features"]}
    assert shown["p-open"]["name"] == "Fatima ([contact verborgen])"
    assert "Naait kleding" in shown["p-open"]["description"]
    assert "Sinds 1985 1986 1987 elk jaar" in shown["p-open"]["description"]  # years are not phone numbers
    assert shown["club"]["description"] == "Bel 070 123 4567 voor de clubavond"
    assert "p-hidden" not in shown and shown["story"]["related_asset_id"] is None
    full = tmp_path / "volledig.geojson"
    assert subprocess.run(CLI + ["export", str(denhaag_workspace), str(full)], timeout=120).returncode == 0
    assert "06-12345678" in full.read_text(encoding="utf-8")  # stored as typed; only public output masks


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".gpkg"])
def test_every_free_text_field_of_a_person_is_masked_or_left_out(denhaag_workspace, tmp_path, suffix):
    """Contact details in any text field of a person, written to dodge a simple pattern, never go out."""
    secrets = {
        "category": "bel 06-98765432",
        "operator": "beheer: piet.jansen@voorbeeld.nl",
        "opening_hours": "Mo 10:00-12:00, bel +31 6 2345 6789",
        "description": "mail anna(at)voorbeeld(punt)nl of anna [at] voorbeeld . nl of anna@voorbeeld, "
                       "gift op NL91 ABNA 0417 1643 00, bsn 111222333, ook BSN 123.456.782",
        "name": "Anna (anna at buurtnet punt nl)",
    }
    leaks = ["06-98765432", "piet.jansen", "2345 6789", "anna(at)voorbeeld", "anna [at] voorbeeld",
             "anna@voorbeeld", "NL91 ABNA", "0417 1643", "111222333", "123.456.782", "buurtnet"]
    with open_workspace(denhaag_workspace) as ws:
        home = ws.boundaries("buurt").iloc[5].geometry.representative_point()
        rows = gpd.GeoDataFrame([{"id": "anna", "building_block": "individual", "visibility": "public",
                                  "consent": True, **secrets},
                                 {"id": "club", "name": "Repair café", "building_block": "association",
                                  "operator": "Stichting Buurtwerk, info@buurtwerk.example", "visibility": "public",
                                  "consent": True, "opening_hours": "Sa 10:00-13:00"}],
                                geometry=[home, home], crs=4326)
        typed = rows["description"].iloc[0]
        rows.loc[0, "description"] = typed.split(", bsn")[0]  # a BSN is refused at input now
        ws.save_assets(build_assets(rows), "tafel 3")
        stored = ws.store.read("assets", {"id": "anna"})  # as a workspace from before that rule holds it
        stored["description"] = typed
        ws.store.update("assets", stored, "id")
        out = tmp_path / f"openbaar{suffix}"
        export_assets(ws, out, public=True)
    raw = out.read_bytes().decode("utf-8", errors="replace")
    assert [leak for leak in leaks if leak in raw] == []
    assert "Anna" in raw and "[contact verborgen]" in raw  # the person is there, masked
    hours = "za 10:00–13:00" if suffix == ".csv" else "Sa 10:00-13:00"  # the CSV for Dutch Excel says it in Dutch
    assert "info@buurtwerk.example" in raw and hours in raw  # a club's own details stay


@pytest.mark.parametrize("text, masked", [
    ("bel 06-12345678", True), ("mail anna@voorbeeld.nl", True), ("anna(at)voorbeeld(punt)nl", True),
    ("anna [at] voorbeeld . nl", True), ("anna@voorbeeld", True), ("anna at voorbeeld punt nl", True),
    ("NL91ABNA0417164300", True), ("GB82 WEST 1234 5698 7654 32", True), ("bsn 111222333", True),
    ("BSN 123.456.782", True),
    ("sinds 1985 in de straat", False), ("we meet at noon", False), ("3 kinderen, 20 jaar", False),
    ("123456789", False),  # nine digits that fail the 11-proef are no BSN
])
def test_the_contact_mask_catches_evasions_and_leaves_ordinary_text(text, masked):
    from assetmap.privacy import CONTACT_MASK, mask_contact_details
    assert (CONTACT_MASK in mask_contact_details(text)) is masked


# Texts around the story checks' shortcuts: upper case, a long s, title words inside other words,
# name particles, house numbers and postcodes, spoken and bracketed "at"s.
STORY_TEXTS = ["Mevrouw Jansen helpt", "MEVR. de Vries", "oma Truus bakt", "OOM KEES", "Buurthuis Voorhof",
               "de buurvrouw", "de heer Pietersen", "Jan van der Berg kookt", "Fatima el Amrani", "opa",
               "Hoofdstraat 12a", "postcode 2611 AB", "sinds 1985", "anna apenſtaartje voorbeeld punt nl",
               "anna (AT) voorbeeld (PUNT) nl", "we meet at noon", "wat praat je", "Koffie en een praatje",
               "", "   ", "Europa en Romantiek", "tel. ０６１２３４５６７８"]


@pytest.mark.parametrize("text", STORY_TEXTS)
def test_the_story_checks_shortcuts_answer_as_their_patterns(text):
    from assetmap import privacy
    names = bool(privacy._TITLE_NAME.search(text) or privacy._FULL_NAME.search(text))
    address = bool(privacy._ADDRESS.search(text))
    codes = privacy.story_warnings(text)
    assert ("story_names_person" in codes) is names
    assert ("story_gives_address" in codes) is address
    assert privacy._may_hold_contact(text) is bool(privacy._MAYBE_CONTACT.search(text))


def test_the_story_checks_find_names_and_addresses():
    from assetmap.privacy import story_warnings
    assert story_warnings("MEVROUW Jansen, Hoofdstraat 12") == ["story_names_person", "story_gives_address"]
    assert story_warnings("Jan van der Berg, 2611 AB") == ["story_names_person", "story_gives_address"]
    assert story_warnings("mail anna apenſtaartje voorbeeld punt nl") == ["story_gives_contact"]
    assert story_warnings("Buurthuis Voorhof, koffie op dinsdag") == []
