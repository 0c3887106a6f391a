"""The asset pipeline on real data: OSM and CBS sources -> layers -> one GeoPackage workspace -> CLI."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Geod

from assetmap import settings
from assetmap.cli import main
from assetmap.errors import InputError, WorkspaceError
from assetmap.imports import import_workshop
from assetmap.layers import build_assets, build_links, meeting_places
from assetmap.layers.categories import tag_mapping
from assetmap.service import create_workspace, open_workspace
from assetmap.sources.cbs import read_boundaries_file
from assetmap.storage.geopackage import SCHEMA_VERSION

from conftest import DELFT_AREA, DELFT_OSM, DELFT_PBF, DENHAAG_BUURTEN, DENHAAG_WIJKEN, NL_WIJKEN, REPO, SHARED_DATA

TEMPLATE = REPO / "data" / "workshop_template.csv"


# ---------------------------------------------------------------------- OSM -> building blocks
def test_osm_features_land_in_the_right_building_blocks(delft_ws):
    assets = delft_ws.assets().set_index("source_ref")
    by_name = delft_ws.assets().set_index("name")
    # Known real features of the TU Delft extract.
    assert by_name.loc["TU Delft Library", "building_block"] == "institution"
    assert by_name.loc["TU Delft Library", "category"] == "library"
    assert bool(by_name.loc["TU Delft Library", "is_meeting_place"]) is True
    blocks = {c: set(g) for c, g in assets.groupby("category")["building_block"]}
    assert blocks["playground"] == {"resource"}
    assert blocks["place_of_worship"] == {"institution"}
    assert blocks["school"] == {"institution"}
    assert blocks["artwork"] == {"story"}
    assert blocks["club_sport"] == {"association"}
    assert all(b == {"resource"} for c, b in blocks.items() if c.startswith("shop_"))
    # Everything that is not in the mapping table stays out (benches, parking, waste baskets).
    assert not assets["category"].isin(["bench", "parking", "waste_basket", "bicycle_parking"]).any()
    assert set(assets["building_block"]) <= {"association", "institution", "resource", "story"}
    assert (assets["source"] == "osm").all()
    assert assets.index.str.match(r"^(node|way|relation)/\d+$").all()


def test_every_osm_category_follows_the_mapping_table(delft_ws):
    table = tag_mapping()
    exact = {(r.category): r.building_block for r in table.itertuples() if r.value != "*"}
    wildcard = {r.category.split("{")[0]: r.building_block for r in table.itertuples() if r.value == "*"}
    for category, block in zip(delft_ws.assets()["category"], delft_ws.assets()["building_block"]):
        expected = exact.get(category) or next(b for p, b in wildcard.items() if category.startswith(p))
        assert block == expected, category


def test_meeting_places_are_a_view_not_a_copy(delft_ws):
    assets = delft_ws.assets()
    places = meeting_places(assets)
    assert len(places) >= 2
    assert places.index.isin(assets.index).all()
    assert "meeting_places" not in delft_ws.tables()


def test_walking_network_is_kept_in_the_workspace_with_lengths_in_metres(delft_ws):
    nodes, edges = delft_ws.walk_network()
    assert len(nodes) > 1500 and len(edges) > 2000
    assert set(edges["u"]).union(edges["v"]) <= set(nodes["node_id"])
    # length_m (RD New) agrees with the geodesic length on the ellipsoid within 0.5 %.
    sample = edges[edges["length_m"] > 20].sample(300, random_state=1)
    geod = Geod(ellps="WGS84")
    geodesic = np.array([geod.geometry_length(g) for g in sample.geometry])
    assert np.allclose(sample["length_m"], geodesic, rtol=0.005)


def test_pbf_and_xml_extracts_give_the_same_layers():
    from assetmap.sources.osm import read_osm_file

    pbf, xml = read_osm_file(DELFT_PBF), read_osm_file(DELFT_OSM)
    for name in ("assets", "buildings", "walk_nodes", "walk_edges"):
        a, b = getattr(pbf, name), getattr(xml, name)
        assert len(a) == len(b) > 0, name
    assert sorted(pbf.assets["id"]) == sorted(xml.assets["id"])
    a = pbf.assets.set_index("id").sort_index()
    b = xml.assets.set_index("id").sort_index()
    assert (a["building_block"] == b["building_block"]).all() and (a["category"] == b["category"]).all()
    assert shapely.equals_exact(shapely.normalize(a.geometry.array), shapely.normalize(b.geometry.array), 1e-7).all()
    assert pbf.walk_edges["length_m"].sum() == pytest.approx(xml.walk_edges["length_m"].sum(), rel=1e-9)


def test_only_highways_people_may_use_are_walkable():
    import networkx as nx

    from assetmap.sources.osm import walkable_subgraph

    graph = nx.MultiDiGraph(crs="epsg:4326")
    for node in range(1, 9):
        graph.add_node(node, x=4.36 + node / 1000, y=52.0)
    graph.add_edge(1, 2, highway="footway")
    graph.add_edge(2, 3, highway="residential")
    graph.add_edge(3, 4, building="house")  # a building outline, no highway tag
    graph.add_edge(4, 5, highway="motorway")
    graph.add_edge(5, 6, highway="cycleway")
    graph.add_edge(6, 7, highway="cycleway", foot="designated")
    graph.add_edge(7, 8, highway="service", access="private")
    kept = {(u, v) for u, v in walkable_subgraph(graph).edges()}
    assert kept == {(1, 2), (2, 3), (6, 7)}


def test_osm_import_records_its_source_and_licence(delft_ws):
    sources = delft_ws.sources()
    osm = sources[sources["name"] == "OpenStreetMap"].iloc[0]
    assert osm["licence"] == "ODbL 1.0"
    assert osm["attribution"] == "© OpenStreetMap contributors"
    cbs = sources[sources["name"].str.startswith("CBS")].iloc[0]
    assert cbs["licence"] == "CC BY 4.0"


# ---------------------------------------------------------------------- CBS boundaries
@pytest.mark.parametrize("path, gemeente, count, population", [
    (DENHAAG_WIJKEN, None, 44, 553_110),
    (NL_WIJKEN, "GM0503", 13, 104_580),
    (SHARED_DATA / "cbs" / "hengelo_buurten_cbs.topojson", None, 62, 80_535),
    (SHARED_DATA / "cbs" / "alkmaar_wijken_cbs2024.geojson", None, 8, 94_790),
])
def test_cbs_boundaries_keep_codes_names_and_population(path, gemeente, count, population):
    boundaries = read_boundaries_file(path, gemeente)
    assert len(boundaries) == count
    assert int(boundaries["population"].sum()) == population
    assert boundaries.crs.to_epsg() == 4326
    assert boundaries["code"].str.match(r"^(WK\d{6}|BU\d{8})$").all()
    assert boundaries["name"].notna().all()
    assert (boundaries["gemeente_code"].str.len() == 6).all()


def test_cbs_filter_by_gemeente_code_and_refuse_unknown_gemeente():
    delft = read_boundaries_file(NL_WIJKEN, "GM0503")
    assert set(delft["gemeente_code"]) == {"GM0503"}
    with pytest.raises(InputError, match="GM9999"):
        read_boundaries_file(NL_WIJKEN, "GM9999")


def test_every_asset_inside_the_boundaries_gets_its_buurt_code(denhaag_workspace):
    buurten = read_boundaries_file(DENHAAG_BUURTEN)
    rng = np.random.default_rng(7)
    metric = buurten.to_crs(settings.METRIC_CRS)
    points, expected = [], []
    for code, area in zip(metric["code"], metric.geometry):
        minx, miny, maxx, maxy = area.bounds
        while True:
            p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if area.buffer(-5).contains(p):  # 5 m inside: clear of generalised edges
                points.append(p)
                expected.append(code)
                break
    frame = gpd.GeoDataFrame({"name": [f"asset {i}" for i in range(len(points))], "building_block": "resource"},
                             geometry=gpd.GeoSeries(points, crs=settings.METRIC_CRS))
    path = denhaag_workspace.parent / "points.geojson"
    frame.to_crs(4326).to_file(path, driver="GeoJSON")
    with open_workspace(denhaag_workspace) as ws:
        import_workshop(ws, path, actor="test")
        assets = ws.assets()
    assert len(assets) == len(buurten) == 114
    got = dict(zip(assets["name"], assets["buurt_code"]))
    assert [got[f"asset {i}"] for i in range(len(points))] == expected
    assert (assets["wijk_code"] == "WK" + assets["buurt_code"].str[2:8]).all()
    assert (assets["gemeente_code"] == "GM0518").all()


def test_delft_assets_inside_wijken_get_their_wijk_code(delft_ws):
    assets = delft_ws.assets()
    wijken = delft_ws.boundaries("wijk").to_crs(settings.METRIC_CRS)
    inside = assets.to_crs(settings.METRIC_CRS).representative_point().within(wijken.union_all())
    assert inside.sum() > 100
    assert assets.loc[inside, "wijk_code"].notna().all()
    assert assets.loc[~inside, "wijk_code"].isna().all()
    assert assets.loc[inside, "wijk_code"].str.startswith("WK0503").all()


# ---------------------------------------------------------------------- workshop files
def test_workshop_template_imports_with_dutch_headers(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        result = import_workshop(ws, TEMPLATE, actor="tafel")
        assets = ws.assets().set_index("name")
    assert len(result.report.added) == 5
    assert assets.loc["Buurthuis De Mussen", "building_block"] == "institution"
    assert bool(assets.loc["Buurthuis De Mussen", "is_meeting_place"]) is True
    assert assets.loc["Buurthuis De Mussen", "wheelchair"] == "yes"
    assert assets.loc["Kookt voor de buren", "building_block"] == "individual"
    assert assets.loc["Kookt voor de buren", "visibility"] == "group"
    # A buurt code alone places the asset inside that buurt.
    assert assets.loc["Wijkberaad Moerwijk", "buurt_code"] == "BU05183620"
    # RD x/y are converted to WGS84 and land inside Den Haag.
    rd = assets.loc["Buurtmoestuin Schilderswijk", "geometry"]
    assert 4.2 < rd.x < 4.4 and 52.0 < rd.y < 52.1


def test_workshop_csv_round_trips_through_import_and_export(denhaag_workspace, tmp_path):
    exported = tmp_path / "export.csv"
    with open_workspace(denhaag_workspace) as ws:
        import_workshop(ws, TEMPLATE, actor="tafel")
        before = ws.assets()
    # The plain CSV (field names and codes) reads back exactly; the Dutch Excel one is for people to read.
    assert main(["export", str(denhaag_workspace), str(exported), "--dialect", "plain"]) == 0
    fresh = tmp_path / "fresh.gpkg"
    shutil.copy(denhaag_workspace, fresh)
    with open_workspace(fresh) as ws:
        ws.delete_assets(list(ws.assets()["id"]))
        assert ws.assets().empty
        import_workshop(ws, exported, actor="someone else")
        after = ws.assets()
    columns = ["id", "name", "building_block", "category", "description", "buurt_code", "is_meeting_place",
               "opening_hours", "wheelchair", "free_entry", "operator", "visibility", "consent"]
    left = before.set_index("id").sort_index()
    right = after.set_index("id").sort_index()
    pd.testing.assert_frame_equal(left[columns[1:]], right[columns[1:]], check_dtype=False)
    # Who added a row is recorded by the tool, never taken from the file.
    assert set(left["added_by"]) == {"tafel"} and set(right["added_by"]) == {"someone else"}
    assert left.geometry.geom_equals_exact(right.geometry, tolerance=1e-9).all()


def test_dry_run_reports_every_problem_and_writes_nothing(denhaag_workspace, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("naam,bouwsteen,lat,lon\n"
                   "Goed,vereniging,52.07,4.29\n"
                   ",vereniging,52.07,4.29\n"
                   "Fout blok,kasteel,52.07,4.29\n"
                   "Omgedraaid,verhaal,4.29,52.07\n", encoding="utf-8")
    before = denhaag_workspace.read_bytes()
    assert main(["import", str(denhaag_workspace), str(bad), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "row 3, column 'naam'" in err  # the column as the file names it
    assert "row 4, column 'bouwsteen'" in err and "kasteel" in err
    assert "row 5" in err and "swap" in err
    assert "nothing was written" in err
    assert denhaag_workspace.read_bytes() == before
    # Without --dry-run the same file is refused whole: the good row is not written either.
    assert main(["import", str(denhaag_workspace), str(bad)]) == 2
    with open_workspace(denhaag_workspace) as ws:
        assert ws.assets().empty


def test_semicolon_csv_with_decimal_commas_from_dutch_excel(denhaag_workspace, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffNaam;Bouwsteen;Categorie;Lat;Lon\nDe Bieb;Instelling;bibliotheek;52,0702;4,2967\n"
                     .encode("utf-8"))
    with open_workspace(denhaag_workspace) as ws:
        import_workshop(ws, path)
        asset = ws.assets().iloc[0]
    assert asset["name"] == "De Bieb" and asset["building_block"] == "institution"
    assert asset.geometry.equals_exact(shapely.Point(4.2967, 52.0702), 1e-12)


def test_shipped_xlsx_template_matches_the_csv_template(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        from_xlsx = import_workshop(ws, REPO / "data" / "workshop_template.xlsx", dry_run=True)
        from_csv = import_workshop(ws, TEMPLATE, dry_run=True)
    assert from_xlsx.rows == from_csv.rows == 5
    assert not from_xlsx.notes


def test_xlsx_and_geojson_workshop_files(denhaag_workspace, tmp_path):
    xlsx = tmp_path / "tafel.xlsx"
    pd.read_csv(TEMPLATE, dtype=str).to_excel(xlsx, index=False)
    with open_workspace(denhaag_workspace) as ws:
        assert len(import_workshop(ws, xlsx, dry_run=True).notes) == 0
        import_workshop(ws, xlsx)
        assert len(ws.assets()) == 5
        geojson = tmp_path / "tafel.geojson"
        ws.assets().to_file(geojson, driver="GeoJSON")
        report = import_workshop(ws, geojson).report
    assert len(report.unchanged) == 5 and not report.added


# ---------------------------------------------------------------------- the workspace file
def test_geopackage_reads_back_unchanged_with_pyogrio(delft_copy):
    with open_workspace(delft_copy) as ws:
        ours = {name: ws.read_table(name) for name in ("assets", "boundaries", "walk_edges", "buildings")}
    layers = dict(pyogrio.list_layers(delft_copy))
    assert {"assets", "boundaries", "walk_nodes", "walk_edges", "buildings", "study_area", "links"} <= set(layers)
    for name, frame in ours.items():
        gdal = pyogrio.read_dataframe(delft_copy, layer=name)
        assert gdal.crs.to_epsg() == 4326
        assert len(gdal) == len(frame)
        for column in frame.columns.drop("geometry"):
            a = frame[column].astype(object).where(frame[column].notna(), None).tolist()
            b = gdal[column].astype(object).where(gdal[column].notna(), None).tolist()
            if frame[column].dtype == "boolean":
                b = [None if v is None else bool(v) for v in b]
            if frame[column].dtype == "float64":
                assert np.allclose(np.array(a, dtype=float), np.array(b, dtype=float), equal_nan=True), column
            else:
                assert a == b, (name, column)
        assert shapely.equals_exact(frame.geometry.array, gdal.geometry.array, tolerance=0).all(), name


def _rtree_matches_features(path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        index = {r[0]: r[1:] for r in conn.execute(f'SELECT id, minx, maxx, miny, maxy FROM "rtree_{table}_geometry"')}
        fids = [r[0] for r in conn.execute(f'SELECT fid FROM "{table}" WHERE geometry IS NOT NULL ORDER BY fid')]
    finally:
        conn.close()
    frame = pyogrio.read_dataframe(path, layer=table, fid_as_index=True)
    assert sorted(index) == fids == sorted(frame.index)
    for fid, geom in zip(frame.index, frame.geometry):
        minx, miny, maxx, maxy = geom.bounds
        got = index[fid]  # the RTree stores 32-bit floats, rounded outwards
        assert got[0] <= minx and got[1] >= maxx and got[2] <= miny and got[3] >= maxy
        assert np.allclose(got, (minx, maxx, miny, maxy), atol=1e-5)
    return len(index)


def test_every_feature_table_has_a_gpkg_spatial_index_that_follows_every_write(delft_copy):
    """QGIS and GDAL pan and zoom through the RTree: it must hold every feature, after edits and deletes too."""
    conn = sqlite3.connect(delft_copy)
    features = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")}
    indexed = {r[0] for r in conn.execute(
        "SELECT table_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'")}
    conn.close()
    assert {"assets", "boundaries", "walk_edges", "buildings"} <= features == indexed
    for table in ("assets", "boundaries", "walk_edges", "buildings"):
        assert _rtree_matches_features(delft_copy, table) > 0
        assert pyogrio.read_info(delft_copy, layer=table)["capabilities"]["fast_spatial_filter"]  # GDAL uses it
    with open_workspace(delft_copy) as ws:
        first = ws.assets()["id"].iloc[0]
        ws.update_asset(first, {"geometry": shapely.Point(4.37, 52.0)}, "test")
        ws.delete_assets([ws.assets()["id"].iloc[1]], "test")
        ws.undo_last("test")
    assert _rtree_matches_features(delft_copy, "assets") == len(pyogrio.read_dataframe(delft_copy, layer="assets"))
    conn = sqlite3.connect(delft_copy)
    extent = conn.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'assets'").fetchone()
    conn.close()
    assert extent == tuple(pyogrio.read_dataframe(delft_copy, layer="assets").total_bounds)  # exact, not 32-bit
    # GDAL answers a bounding-box query through the index with exactly the features inside it.
    box = (4.370, 51.998, 4.376, 52.003)
    inside = pyogrio.read_dataframe(delft_copy, layer="assets", bbox=box)
    everything = pyogrio.read_dataframe(delft_copy, layer="assets")
    expected = everything[everything.intersects(shapely.box(*box))]
    assert 0 < len(inside) < len(everything)
    assert sorted(inside["id"]) == sorted(expected["id"])


def _rtree_is_sound(path, table: str) -> bool:
    """SQLite's own check of an RTree: node sizes, boxes within their parents, the rowid and parent maps."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT rtreecheck('rtree_{table}_geometry')").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_a_packed_spatial_index_holds_and_answers_what_sqlites_own_inserts_would(delft_copy):
    """An import packs each layer's RTree in one go (storage/_rtree.py) instead of inserting box by box:
    SQLite must find it sound, with the same 32-bit boxes and the same answers as its own inserts give."""
    rng = np.random.default_rng(14)
    conn = sqlite3.connect(delft_copy)
    try:
        for table in ("buildings", "walk_edges", "basemap", "assets"):
            assert conn.execute(f"SELECT rtreecheck('rtree_{table}_geometry')").fetchone()[0] == "ok"
            depth = int.from_bytes(conn.execute(f'SELECT data FROM "rtree_{table}_geometry_node" WHERE nodeno = 1'
                                                ).fetchone()[0][:2], "big")
            frame = pyogrio.read_dataframe(delft_copy, layer=table, fid_as_index=True)
            assert depth >= (1 if len(frame) > 51 else 0)  # more than one node's worth of boxes: a real tree
            bounds = frame.geometry.bounds
            conn.execute("DROP TABLE IF EXISTS temp.own")
            conn.execute("CREATE VIRTUAL TABLE temp.own USING rtree(id, minx, maxx, miny, maxy)")
            conn.executemany("INSERT INTO temp.own VALUES (?, ?, ?, ?, ?)",
                             zip(frame.index.tolist(), bounds["minx"], bounds["maxx"], bounds["miny"], bounds["maxy"]))
            packed = conn.execute(f'SELECT * FROM "rtree_{table}_geometry" ORDER BY id').fetchall()
            assert packed == conn.execute("SELECT * FROM temp.own ORDER BY id").fetchall()
            west, south, east, north = frame.total_bounds
            for _ in range(40):
                x, y = rng.uniform(west, east), rng.uniform(south, north)
                size = rng.uniform(0, 0.004)
                query = "SELECT id FROM {} WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ? ORDER BY id"
                box = (x + size, x, y + size, y)
                assert conn.execute(query.format(f'"rtree_{table}_geometry"'), box).fetchall() \
                    == conn.execute(query.format("temp.own"), box).fetchall()
    finally:
        conn.close()


def test_the_spatial_index_stays_sound_through_edits_small_inserts_and_replacements(delft_copy):
    """After packing, SQLite keeps the RTree with its own inserts and deletes; a layer that is
    replaced whole is emptied and packed again."""
    with open_workspace(delft_copy) as ws:
        ws.update_asset(ws.assets()["id"].iloc[0], {"geometry": shapely.Point(4.37, 52.0)}, "test")
        ws.delete_assets([ws.assets()["id"].iloc[1]], "test")
        buildings = ws.store.read("buildings")
        # 600 rows into an index of more: inserted box by box (through the bulk path's own insert).
        ws.store.insert("buildings", buildings.iloc[:600].drop(columns="fid", errors="ignore"))
        assert _rtree_is_sound(delft_copy, "buildings") and _rtree_is_sound(delft_copy, "assets")
        assert _rtree_matches_features(delft_copy, "buildings") == len(buildings) + 600
        ws.replace_buildings(buildings.iloc[:700].drop(columns="fid", errors="ignore"), "test")
        assert _rtree_is_sound(delft_copy, "buildings")
        assert _rtree_matches_features(delft_copy, "buildings") == 700
        ws.store.delete("buildings")
        assert _rtree_is_sound(delft_copy, "buildings") and len(ws.store.read("buildings")) == 0
    assert pyogrio.read_dataframe(delft_copy, layer="buildings").empty
    conn = sqlite3.connect(delft_copy)
    try:
        assert conn.execute('SELECT count(*) FROM "rtree_buildings_geometry"').fetchone()[0] == 0
    finally:
        conn.close()


def test_a_workspace_without_spatial_index_gets_it_when_opened(delft_copy):
    conn = sqlite3.connect(delft_copy)
    for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_%'"
                                   ).fetchall():
        conn.execute(f'DROP TRIGGER "{trigger}"')
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rtree_%' "
                                 "AND sql LIKE 'CREATE VIRTUAL%'").fetchall():
        conn.execute(f'DROP TABLE "{table}"')
    conn.execute("DROP TABLE gpkg_extensions")
    conn.commit()
    conn.close()
    assert not pyogrio.read_info(delft_copy, layer="walk_edges")["capabilities"]["fast_spatial_filter"]
    open_workspace(delft_copy).close()
    for table in ("assets", "walk_edges"):
        assert _rtree_matches_features(delft_copy, table) > 0
        assert pyogrio.read_info(delft_copy, layer=table)["capabilities"]["fast_spatial_filter"]


def test_exported_geopackage_and_geojson_read_back(delft_ws, tmp_path):
    for suffix in ("gpkg", "geojson"):
        out = tmp_path / f"out.{suffix}"
        assert main(["export", str(delft_ws.path), str(out)]) == 0
        back = pyogrio.read_dataframe(out, layer="assets") if suffix == "gpkg" else pyogrio.read_dataframe(out)
        assets = delft_ws.assets()
        assert sorted(back["id"]) == sorted(assets["id"])
        merged = assets.set_index("id").geometry.loc[back["id"]]
        # RFC 7946 GeoJSON may reorient rings, so compare normalised shapes.
        assert shapely.equals_exact(shapely.normalize(merged.array), shapely.normalize(back.geometry.array),
                                    tolerance=1e-7).all()


def test_workspace_records_schema_version_and_is_a_valid_geopackage(tmp_path):
    path = tmp_path / "w.gpkg"
    create_workspace(path).close()
    with open_workspace(path) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0, 4326)").fetchone()[0] == 3
    conn.close()


# ---------------------------------------------------------------------- GDAL's GeoPackage validator
def _gdal_validator():
    """GDAL's own GeoPackage validator (gdal-utils), with the GDAL bindings it checks geometries with."""
    try:
        from osgeo_utils.samples import validate_gpkg
    except ImportError:
        validate_gpkg = None
    if validate_gpkg is None or not validate_gpkg.has_gdal:
        message = "GDAL's validator needs gdal-utils and the GDAL Python bindings (see docs/libraries.md)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return validate_gpkg


def assert_valid_geopackage(path) -> None:
    """Every requirement of the GeoPackage standard and GDAL's extra checks hold; warnings count as errors."""
    validate_gpkg = _gdal_validator()
    said: list[str] = []
    errors = validate_gpkg.check(str(path), abort_at_first_error=False, extra_checks=True, warning_as_error=True,
                                 log_msg=False, warning_msg=False, myprint=said.append)
    assert errors == [], f"{path.name}: {errors} {said}"


@pytest.fixture(scope="module")
def delft_after_imports(delft_workspace_file, tmp_path_factory):
    """The Delft workspace after every kind of import: OSM and CBS (the fixture), a workshop table with
    people, a place, a story linked to it and a link, and the coverage tables."""
    from assetmap import coverage

    tmp = tmp_path_factory.mktemp("validated")
    path = tmp / "delft.gpkg"
    shutil.copy(delft_workspace_file, path)
    table = tmp / "tafel.csv"
    table.write_text(
        "id,naam,bouwsteen,categorie,omschrijving,lat,lon,contact,zichtbaarheid,toestemming,datum,hoort_bij\n"
        "w-1,Buurtkamer Wippolder,hulpbron,buurtkamer,Koffie op dinsdag,52.0040,4.3720,,openbaar,ja,,\n"
        "w-2,Talent van Anna,individuele capaciteiten,,Repareert fietsen,52.0050,4.3700,06-12345678,openbaar,ja,,\n"
        "w-3,Talent van Bob,individuele capaciteiten,,Zingt,52.0052,4.3702,bob@voorbeeld.nl,prive,nee,,\n"
        "w-4,Het eerste buurtfeest,verhaal,,Zomer met muziek,52.0041,4.3721,,openbaar,ja,1985,w-1\n",
        encoding="utf-8")
    with open_workspace(path) as ws:
        import_workshop(ws, table, actor="tafel 1")
        ws.add_links(build_links(pd.DataFrame({"from_asset_id": ["w-2"], "to_asset_id": ["w-1"], "kind": ["works_with"]}),
                                 set(ws.assets()["id"]), added_by="tafel 1"))
        coverage.save_coverage(ws, coverage.compute_coverage(coverage.load_inputs(ws)))
    return path


def test_gdal_validator_passes_a_fresh_workspace(tmp_path):
    path = tmp_path / "fresh.gpkg"
    create_workspace(path).close()
    assert_valid_geopackage(path)


def test_gdal_validator_passes_the_delft_workspace_after_imports(delft_after_imports):
    with open_workspace(delft_after_imports) as ws:
        assert {"assets", "boundaries", "links", "walk_edges", "coverage_buurten", "coverage_gaps"} <= set(ws.tables())
        assert len(ws.links()) == 1 and (ws.assets()["building_block"] == "individual").sum() == 2
    assert_valid_geopackage(delft_after_imports)


@pytest.mark.parametrize("public", [False, True], ids=["full", "public"])
def test_gdal_validator_passes_every_geopackage_export(delft_after_imports, tmp_path, public):
    out = tmp_path / "export.gpkg"
    assert main(["export", str(delft_after_imports), str(out), *(["--public"] if public else [])]) == 0
    assert_valid_geopackage(out)
    names = set(pyogrio.read_dataframe(out, layer="assets")["name"])
    assert "Buurtkamer Wippolder" in names
    assert ("Talent van Bob" in names) is not public


def test_opening_a_file_that_is_not_a_workspace_says_so(tmp_path):
    not_gpkg = tmp_path / "notes.gpkg"
    not_gpkg.write_text("hello")
    with pytest.raises(WorkspaceError, match="not"):
        open_workspace(not_gpkg)
    with pytest.raises(WorkspaceError, match="assetmap init"):
        open_workspace(tmp_path / "missing.gpkg")


def test_failed_import_inside_a_transaction_leaves_the_workspace_as_it_was(denhaag_workspace):
    good = gpd.GeoDataFrame({"name": ["Een"], "building_block": ["story"]},
                            geometry=[shapely.Point(4.29, 52.07)], crs=4326)
    with open_workspace(denhaag_workspace) as ws:
        ws.save_assets(build_assets(good))
        with pytest.raises(RuntimeError):
            with ws.transaction():
                ws.save_assets(build_assets(good.assign(name="Twee")))
                raise RuntimeError("power cut")
        assert list(ws.assets()["name"]) == ["Een"]


# ---------------------------------------------------------------------- CLI
def test_cli_end_to_end_on_real_data(tmp_path, capsys):
    ws = tmp_path / "delft.gpkg"
    assert main(["init", str(ws)]) == 0
    assert main(["import-boundaries", str(ws), "--file", str(NL_WIJKEN), "--gemeente", "GM0503"]) == 0
    assert main(["import-osm", str(ws), "--file", str(DELFT_OSM), "--area", str(DELFT_AREA)]) == 0
    out = capsys.readouterr().out
    assert "© OpenStreetMap contributors" in out
    assert main(["list", str(ws), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) > 150
    assert {"id", "name", "building_block", "category", "buurt_code", "is_meeting_place", "lon", "lat"} \
        <= set(records[0])
    lons = [r["lon"] for r in records]
    lats = [r["lat"] for r in records]
    assert 4.3 < min(lons) and max(lons) < 4.45 and 51.95 < min(lats) and max(lats) < 52.05
    assert main(["list", str(ws), "--block", "story", "--json"]) == 0
    stories = json.loads(capsys.readouterr().out)
    assert stories and {r["building_block"] for r in stories} == {"story"}
    # Re-importing the same file changes nothing and adds no duplicates.
    assert main(["import-osm", str(ws), "--file", str(DELFT_OSM), "--area", str(DELFT_AREA)]) == 0
    assert f"0 added, 0 updated, {len(records)} unchanged" in capsys.readouterr().out


@pytest.mark.parametrize("argv, words", [
    (["import", "{ws}", "{tmp}/missing.csv"], "does not exist"),
    (["init", "{ws}"], "already exists"),
    (["import-boundaries", "{ws}", "--file", str(NL_WIJKEN), "--gemeente", "Delft"], "GM0518"),
    (["import-osm", "{ws}", "--file", str(NL_WIJKEN)], "not an OpenStreetMap XML file"),
    (["export", "{ws}", "{tmp}/out.shp"], ".gpkg, .geojson, .csv"),
    (["list", "{tmp}/nothing.gpkg"], "assetmap init"),
])
def test_cli_bad_input_exits_2_with_a_message_and_changes_nothing(denhaag_workspace, tmp_path, capsys, argv,
                                                                   words):
    before = denhaag_workspace.read_bytes()
    argv = [a.format(ws=denhaag_workspace, tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    assert words in capsys.readouterr().err
    assert denhaag_workspace.read_bytes() == before


# ---------------------------------------------------------------------- stories and links
def test_stories_carry_a_date_and_link_to_a_place(denhaag_workspace):
    place = gpd.GeoDataFrame({"id": ["markt"], "name": ["Haagse Markt"], "building_block": ["resource"]},
                             geometry=[shapely.Point(4.2948, 52.0648)], crs=4326)
    story = gpd.GeoDataFrame({"name": ["De markt van vroeger"], "building_block": ["story"],
                              "description": ["Mijn opa stond hier in 1960 met vis."],
                              "story_date": ["21-6-1960"], "related_asset_id": ["markt"]},
                             geometry=[shapely.Point(4.2948, 52.0648)], crs=4326)
    with open_workspace(denhaag_workspace) as ws:
        ws.save_assets(build_assets(place, source="workshop"))
        ws.save_assets(build_assets(story, source="workshop"))
        saved = ws.assets(building_block="story").iloc[0]
        assert saved["story_date"] == "1960-06-21"
        assert saved["related_asset_id"] == "markt"
        with pytest.raises(InputError, match="'nowhere' does not exist") as refused:
            ws.save_assets(build_assets(story.assign(related_asset_id="nowhere", name="Los verhaal")))
        problem = refused.value.problems[0]
        assert (problem.code, problem.params) == ("asset_missing", {"id": "nowhere"})
        assert "asset 'nowhere' bestaat niet" in refused.value.render("nl")
        assert len(ws.assets()) == 2
    with pytest.raises(InputError, match="story_date") as refused:
        build_assets(story.assign(story_date="vroeger"))
    assert [(p.code, p.column, p.params) for p in refused.value.problems] == \
        [("date_invalid", "story_date", {"value": "vroeger"})]
    assert build_assets(story.assign(story_date="1985"))["story_date"].iloc[0] == "1985"


def test_links_between_assets_are_a_layer_of_their_own(denhaag_workspace):
    from assetmap.layers import build_links

    frame = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["Voedselbank", "Moskee"],
                              "building_block": ["association", "institution"]},
                             geometry=[shapely.Point(4.29, 52.07), shapely.Point(4.30, 52.07)], crs=4326)
    with open_workspace(denhaag_workspace) as ws:
        ws.save_assets(build_assets(frame))
        links = build_links(pd.DataFrame({"from_asset_id": ["a"], "to_asset_id": ["b"], "note": ["samen koken"]}),
                            set(ws.assets()["id"]), added_by="tafel 2")
        ws.add_links(links)
        stored = ws.links()
        assert stored.iloc[0][["from_asset_id", "to_asset_id", "kind", "note"]].tolist() == \
            ["a", "b", "could_work_with", "samen koken"]
        with pytest.raises(InputError, match="does not exist") as refused:
            build_links(pd.DataFrame({"from_asset_id": ["a"], "to_asset_id": ["zz"]}), set(ws.assets()["id"]))
        assert refused.value.render("nl") == ("rij 1, kolom 'to_asset_id': asset 'zz' bestaat niet. "
                                              "Los op: verbind alleen bestaande assets")
        ws.delete_assets(["b"])
        assert ws.links().empty  # a link never points at a removed asset
    assert "links" in dict(pyogrio.list_layers(denhaag_workspace))


# ---------------------------------------------------------------------- online sources, offline
@pytest.fixture
def unreachable_services(monkeypatch):
    """Point the online services at a closed local port: the real request code fails at once."""
    import osmnx as ox

    monkeypatch.setattr(ox.settings, "nominatim_url", "http://127.0.0.1:9/")
    monkeypatch.setattr(ox.settings, "overpass_url", "http://127.0.0.1:9/api")
    monkeypatch.setattr(ox.settings, "use_cache", False)
    monkeypatch.setattr(ox.settings, "requests_timeout", 5)
    monkeypatch.setattr(settings, "PDOK_WFS_URL", "http://127.0.0.1:9/wfs")


def test_online_sources_fail_with_a_clear_message_when_offline(unreachable_services, denhaag_workspace, capsys):
    before = denhaag_workspace.read_bytes()
    assert main(["import-osm", str(denhaag_workspace), "--place", "Transvaal, Den Haag"]) == 2
    err = capsys.readouterr().err
    assert "could not be reached" in err and "--file" in err
    assert main(["import-boundaries", str(denhaag_workspace), "--gemeente", "GM0518"]) == 2
    err = capsys.readouterr().err
    assert "PDOK could not be reached" in err and "from this computer" in err
    assert "--file" not in err and "http" not in err  # no CLI flag or address in a message the app shows too
    assert denhaag_workspace.read_bytes() == before


def test_the_packaged_delft_wijken_are_the_national_cbs_wijken_of_delft():
    from conftest import DELFT_WIJKEN

    national = read_boundaries_file(NL_WIJKEN, "GM0503").set_index("code").sort_index()
    packaged = read_boundaries_file(DELFT_WIJKEN).set_index("code").sort_index()
    assert list(packaged.index) == list(national.index) and len(packaged) == 13
    assert (packaged["population"] == national["population"]).all()
    a, b = packaged.to_crs(28992).geometry, national.to_crs(28992).geometry
    assert max(x.hausdorff_distance(y) for x, y in zip(a, b)) < 2.0  # metres
