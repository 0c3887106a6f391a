"""City scale: one libosmium reader for every OSM format, format parity, parity with osmnx's walk rule,
progress reporting and a small synthetic city (bench/synthetic_city.py) that imports like a real one."""

from __future__ import annotations

import bz2
import collections
import gzip
import re
import shutil

import numpy as np
import osmnx as ox
import pytest
import shapely

from assetmap.imports import import_boundaries, import_osm
from assetmap.service import create_workspace, open_workspace
from assetmap.sources import osm

from conftest import DELFT_AREA, DELFT_OSM, DELFT_PBF, DELFT_WIJKEN


@pytest.fixture(scope="module")
def delft_formats(tmp_path_factory):
    """The Delft extract as .osm.bz2 (shared), .osm and .osm.gz (unpacked here) and .osm.pbf (packaged)."""
    folder = tmp_path_factory.mktemp("formats")
    xml = bz2.decompress(DELFT_OSM.read_bytes())
    (folder / "delft.osm").write_bytes(xml)
    (folder / "delft.osm.gz").write_bytes(gzip.compress(xml, compresslevel=1))
    shutil.copy(DELFT_OSM, folder / "delft.osm.bz2")
    shutil.copy(DELFT_PBF, folder / "delft.osm.pbf")
    return {suffix: folder / f"delft.{suffix}" for suffix in ("osm", "osm.gz", "osm.bz2", "osm.pbf")}


def _wkt(frame):
    return shapely.to_wkt(frame.geometry.array, rounding_precision=-1)


def test_every_format_gives_the_same_layers(delft_formats):
    layers = {suffix: osm.read_osm_file(path) for suffix, path in delft_formats.items()}
    pbf = layers["osm.pbf"]
    assert len(pbf.assets) > 150 and len(pbf.walk_edges) > 2000 and len(pbf.buildings) > 1000
    for suffix, other in layers.items():
        for name in ("assets", "buildings", "walk_nodes", "walk_edges"):
            a, b = getattr(pbf, name), getattr(other, name)
            assert len(a) == len(b), (suffix, name)
            assert list(_wkt(a)) == list(_wkt(b)), (suffix, name)
            columns = [c for c in a.columns if c not in ("geometry", "created_at", "updated_at")]
            assert a[columns].astype(str).equals(b[columns].astype(str)), (suffix, name)


def test_reimporting_the_same_area_in_another_format_changes_nothing(tmp_path):
    path = tmp_path / "delft.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=DELFT_WIJKEN)
        first = import_osm(ws, file=DELFT_OSM, area_file=DELFT_AREA)
        history_before = len(ws.history())
        nodes_before, edges_before = ws.walk_network()
        again = import_osm(ws, file=DELFT_PBF, area_file=DELFT_AREA)
        history = ws.history()
        nodes, edges = ws.walk_network()
    assert len(first.report.added) == first.rows > 150
    assert again.report.updated == [] and again.report.added == []
    assert sorted(again.report.unchanged) == sorted(first.report.added)
    assert len(history) == history_before  # no false "update" in the history
    assert len(nodes) == len(nodes_before) and len(edges) == len(edges_before)
    assert list(_wkt(edges)) == list(_wkt(edges_before))


def test_canonical_geometry_forgets_ring_start_and_orientation():
    ring = [(4.0, 52.0), (4.001, 52.0), (4.001, 52.001), (4.0, 52.001)]
    shapes = [shapely.Polygon(ring), shapely.Polygon(ring[::-1]), shapely.Polygon(ring[2:] + ring[:2]),
              shapely.Polygon([(x + 4e-9, y - 3e-9) for x, y in ring[1:] + ring[:1]])]
    assert len({s.wkt for s in shapes}) == 4
    canonical = osm.canonical_geometry(shapes)
    assert len(set(shapely.to_wkt(canonical, rounding_precision=-1))) == 1
    assert canonical[0].exterior.is_ccw  # GeoJSON's orientation
    point = osm.canonical_geometry([shapely.Point(4.12345678912, 52.0)])[0]
    assert point.x == 4.1234568


# --------------------------------------------------------------------------- osmnx parity

def _osmnx_walk_clauses():
    """osmnx's own walk filter (its Overpass query text), as (key, pattern or None for 'has the key')."""
    text = ox._overpass._get_network_filter("walk")
    clauses = re.findall(r'\["([^"]+)"(?:!~"([^"]*)")?\]', text)
    assert ("highway", "") in clauses and len(clauses) >= 8
    return [(key, pattern or None) for key, pattern in clauses]


def _failed_clauses(data, clauses):
    def value(key):
        v = data.get(key)
        return v[0] if isinstance(v, list) else v

    failed = []
    for key, pattern in clauses:
        v = value(key)
        if pattern is None and v is None:
            failed.append(key)
        elif pattern is not None and v is not None and re.search(pattern, str(v)):
            failed.append(key)
    return failed


def test_walk_network_equals_osmnx_walk_filter_up_to_the_documented_differences():
    """osmnx reads the same XML file and its own walk filter picks the ways; ours differs only where the
    documentation says (docs/coverage.md): cycleways with foot access and streets with separately mapped sidewalks stay walkable."""
    clauses = _osmnx_walk_clauses()
    keys = sorted({key for key, _ in clauses})
    saved = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = sorted(set(saved) | set(keys))
    try:
        reference = ox.graph_from_xml(DELFT_OSM, bidirectional=True, simplify=False, retain_all=True)
    finally:
        ox.settings.useful_tags_way = saved
    osmnx_edges, extra_edges = collections.Counter(), collections.Counter()
    for u, v, data in reference.edges(data=True):
        failed = _failed_clauses(data, clauses)
        pair = (min(u, v), max(u, v), data["osmid"])
        if not failed:
            osmnx_edges[pair] += 1
        elif set(failed) <= {"sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right"}:
            extra_edges[pair] += 1  # documented: a street with separate sidewalks stays walkable
        elif failed == ["highway"] and data.get("highway") == "cycleway" and data.get("foot") in (
                "yes", "designated", "permissive"):
            extra_edges[pair] += 1  # documented: a cycleway open to pedestrians
    _, ours = osm.read_osm_objects(DELFT_OSM)
    our_edges = collections.Counter((min(u, v), max(u, v), d["osmid"]) for u, v, d in ours.edges(data=True))
    assert our_edges == osmnx_edges + extra_edges
    assert sum(extra_edges.values()) > 0  # the differences exist in Delft, so this test checks them
    nodes = {n for u, v, _ in osmnx_edges + extra_edges for n in (u, v)}
    assert set(ours.nodes) == nodes
    assert sum(extra_edges.values()) < 0.05 * sum(osmnx_edges.values())


def test_our_walk_rule_agrees_with_osmnx_on_single_ways():
    clauses = _osmnx_walk_clauses()
    cases = [{"highway": "footway"}, {"highway": "residential", "foot": "no"}, {"highway": "rest_area"},
             {"highway": "services"}, {"highway": "service", "service": "private"},
             {"highway": "pedestrian", "area": "yes"}, {"highway": "track", "access": "private"},
             {"highway": "motorway_link"}, {"highway": "platform"}, {"building": "house"},
             {"highway": "cycleway"}, {"highway": "steps", "foot": "yes"}]
    for tags in cases:
        assert osm.is_walkable(tags) == (not _failed_clauses(tags, clauses)), tags
    assert osm.is_walkable({"highway": "cycleway", "foot": "designated"})  # documented difference
    assert osm.is_walkable({"highway": "residential", "sidewalk": "separate"})  # documented difference


def test_features_equal_those_osmnx_reads_from_the_same_file():
    """The facilities our reader finds are exactly those of osmnx's features_from_xml, in the same form."""
    reference = ox.features_from_xml(DELFT_OSM, tags=osm.mapping_tags())
    reference = reference.set_geometry(osm.canonical_geometry(reference.geometry.array))
    theirs = osm.assets_from_features(reference).set_index("id").sort_index()
    features, _ = osm.read_osm_objects(DELFT_OSM)
    features = features.set_geometry(osm.canonical_geometry(features.geometry.array))
    mine = osm.assets_from_features(features).set_index("id").sort_index()
    assert list(mine.index) == list(theirs.index) and len(mine) > 150
    assert (mine["category"] == theirs["category"]).all() and (mine["name"] == theirs["name"]).all()
    assert np.array_equal(_wkt(mine), _wkt(theirs))


def test_ways_libosmium_drops_unread_change_no_layer():
    """The import lets libosmium drop the ways that can matter only as areas (building outlines, land
    use): the layers must equal those made from every feature of the file."""
    layers = osm.read_osm_file(DELFT_PBF)
    features, _ = osm.read_osm_objects(DELFT_PBF)
    # Open ways are features here (waterways on the base map): the filter must keep those.
    assert (layers.basemap["kind"] == "waterway").sum() > 10
    whole = osm._layers(features.set_geometry(osm.canonical_geometry(features.geometry.array)),
                        layers.walk_nodes, layers.walk_edges, None, "delft")
    for name in ("assets", "buildings", "basemap"):
        a, b = getattr(layers, name), getattr(whole, name)
        assert len(a) == len(b) > 100, name
        assert list(_wkt(a)) == list(_wkt(b)), name
        columns = [c for c in a.columns if c not in ("geometry", "created_at", "updated_at")]
        assert a[columns].astype(str).equals(b[columns].astype(str)), name


# --------------------------------------------------------------------------- progress

def test_imports_and_coverage_report_their_stages(tmp_path):
    from assetmap import coverage
    from assetmap.progress import StageBar

    seen = []

    def record(stage, done=0, total=None):
        seen.append((stage, done, total))

    path = tmp_path / "delft.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=DELFT_WIJKEN, progress=record)
        import_osm(ws, file=DELFT_PBF, area_file=DELFT_AREA, progress=record)
        inputs = coverage.load_inputs(ws, progress=record)
    coverage.suggest_sites(inputs, 10, 4.5, count=2, progress=record)
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["progress_boundaries_read", "progress_save", "progress_osm_read", "progress_osm_network",
                      "progress_osm_layers", "progress_network", "progress_demand", "progress_snap",
                      "progress_site_reach", "progress_solve"]
    assert ("progress_save", 1, 1) in seen
    reach = [(done, total) for stage, done, total in seen if stage == "progress_site_reach"]
    assert reach[0] == (0, len(inputs.candidates))
    # A bar names each stage in the user's language; without a terminal it stays quiet.
    bar = StageBar("nl", enabled=False)
    for stage in stages:
        bar(stage)
    assert bar.stages == stages


def test_progress_bars_name_the_stage_and_stay_quiet_off_a_terminal(capsys, delft_copy):
    import subprocess
    import sys

    from assetmap.progress import StageBar

    with StageBar("nl", enabled=True) as bar:
        bar("progress_snap", 5, 10)
        bar("progress_solve")
    assert "inwoners op het netwerk plaatsen" in capsys.readouterr().err
    run = subprocess.run([sys.executable, "-m", "assetmap.cli", "--lang", "nl", "coverage", str(delft_copy),
                          "--no-save"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "inwoners op het netwerk plaatsen" not in run.stderr + run.stdout and "\r" not in run.stderr


# --------------------------------------------------------------------------- synthetic city

def test_a_two_by_two_synthetic_city_imports_as_one_city(tmp_path):
    import importlib.util

    import geopandas as gpd
    from scipy.sparse import csgraph

    from assetmap import coverage

    from conftest import REPO

    spec = importlib.util.spec_from_file_location("synthetic_city", REPO / "bench" / "synthetic_city.py")
    synthetic_city = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic_city)
    one = synthetic_city.build_city(1, tmp_path / "one")
    two = synthetic_city.build_city(2, tmp_path / "two")
    folder = tmp_path / "two"
    assert {p.name for p in folder.iterdir()} == {"city.osm.pbf", "boundaries.geojson", "area.geojson"}
    assert two["nodes"] == 4 * one["nodes"] and two["seam_joins"] > 4
    boundaries = gpd.read_file(folder / "boundaries.geojson")
    assert boundaries["code"].str.fullmatch(r"BU0999\d{4}").all() and boundaries["code"].is_unique
    assert two["population"] == 4 * one["population"] == int(boundaries["population"].sum()) > 40_000

    results = {}
    for name in ("one", "two"):
        path = tmp_path / f"{name}.gpkg"
        with create_workspace(path) as ws:
            import_boundaries(ws, file=tmp_path / name / "boundaries.geojson")
            imported = import_osm(ws, file=tmp_path / name / "city.osm.pbf", area_file=tmp_path / name / "area.geojson")
            inputs = coverage.load_inputs(ws)
        results[name] = (imported, inputs, coverage.compute_coverage(inputs, 10, 4.5))
    (imported_one, _, cover_one), (imported_two, inputs_two, cover_two) = results["one"], results["two"]
    assert imported_two.rows == 4 * imported_one.rows > 100
    assert len(set(inputs_two.demand["buurt_code"])) == len(boundaries)
    assert cover_two.total["population"] == two["population"]
    # The copies are joined at the seams: one walking network, not four.
    _, component = csgraph.connected_components(inputs_two.network.matrix, directed=False)
    assert np.bincount(component).max() > 0.9 * inputs_two.network.size
    # Joined copies reach across the seams, so coverage is at least that of one copy.
    assert cover_two.total["covered_population"] >= 4 * cover_one.total["covered_population"]


def test_the_coverage_page_shows_its_stages_only_while_computing(delft_copy, monkeypatch):
    """The page draws an st.status box that names each loading stage and removes it once coverage is there."""
    from streamlit.testing.v1 import AppTest

    from conftest import REPO

    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    source = (REPO / "pages" / "3_Ontmoetingsplekken.py").read_text(encoding="utf-8")
    assert "_progress=" in source and ".status(" in source
    at = AppTest.from_file(str(REPO / "pages" / "3_Ontmoetingsplekken.py"), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # The box is gone once done (AppTest lists a status box among the expanders: none has its label).
    from assetmap import i18n
    computing = {i18n.t("computing", lang) for lang in ("nl", "en")}
    assert len(at.status) == 0 and not computing & {e.label for e in at.expander}
    assert len(at.metric) >= 1 and len(at.dataframe) >= 1


# --------------------------------------------------------------------------- demand placement kept

def test_demand_placement_is_kept_in_the_workspace_and_dropped_when_the_data_change(delft_copy):
    import subprocess
    import sys

    from assetmap import coverage

    with open_workspace(delft_copy) as ws:
        fresh = coverage.load_inputs(ws)
        assert coverage.PLACEMENT_TABLE not in ws.tables()
    run = subprocess.run([sys.executable, "-m", "assetmap.cli", "coverage", str(delft_copy)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen = []
    with open_workspace(delft_copy) as ws:
        assert coverage.PLACEMENT_TABLE in ws.tables()
        assert coverage.NETWORK_TABLE in ws.tables()  # the built network is kept too, read back as it was built
        kept = coverage.load_inputs(ws, progress=lambda stage, *_: seen.append(stage))
    assert "progress_snap" not in seen  # read back, not placed again
    for name in ("node_ids", "node_xy", "edge_u", "edge_v", "edge_length", "snappable"):
        assert np.array_equal(getattr(kept.network, name), getattr(fresh.network, name))
    assert (kept.network.matrix != fresh.network.matrix).nnz == 0
    assert shapely.equals_exact(kept.network.edge_geometry, fresh.network.edge_geometry, 0).all()
    for name in ("edge", "offset", "to_u", "to_v"):
        assert np.array_equal(getattr(kept.demand_snap, name), getattr(fresh.demand_snap, name))
    assert kept.demand["population"].tolist() == fresh.demand["population"].tolist()
    assert np.array_equal(shapely.get_coordinates(kept.demand.geometry.array),
                          shapely.get_coordinates(fresh.demand.geometry.array))
    kept_result, fresh_result = coverage.compute_coverage(kept, 10, 4.5), coverage.compute_coverage(fresh, 10, 4.5)
    assert kept_result.total == fresh_result.total
    # The points in EPSG:4326 are kept too (drawing the gaps reprojects nothing), the same as reprojected.
    assert {"lon", "lat"} <= set(kept.demand.columns) and "lon" not in fresh.demand.columns
    assert np.array_equal(shapely.get_coordinates(kept_result.gaps.geometry.array),
                          shapely.get_coordinates(fresh_result.gaps.geometry.array))
    for result in (kept_result, fresh_result):  # the plain table the page draws from, without point objects
        table = result.gap_coordinates  # (without the gaps of areas whose figure is withheld)
        drawn = result.gaps[~result.gaps["buurt_code"].isin(set(result.areas.loc[result.areas["withheld"], "buurt_code"]))]
        assert 0 < len(drawn) < len(result.gaps)
        assert np.array_equal(table[["lon", "lat"]].to_numpy(), shapely.get_coordinates(drawn.geometry.array))
        assert table["walk_minutes"].equals(drawn["walk_minutes"].reset_index(drop=True))
    # A new import (other boundaries) makes the kept placement out of date: it is placed again.
    with open_workspace(delft_copy) as ws:
        import_boundaries(ws, file=DELFT_WIJKEN)
        seen.clear()
        again = coverage.load_inputs(ws, progress=lambda stage, *_: seen.append(stage))
    assert "progress_snap" in seen and again.placement_key != kept.placement_key


# --------------------------------------------------------------------------- streaming area filter

def test_clipping_to_an_area_while_reading_equals_filtering_afterwards_and_keeps_nothing_outside():
    """``clip``: what does not intersect the area is dropped while the file is read; the layers are those of
    filtering the whole file's objects afterwards (osmnx simplifying the kept ways), and less is held."""
    import tracemalloc

    import geopandas as gpd

    from assetmap.sources._osm_pbf import read_osmium

    box = shapely.box(4.366, 51.998, 4.376, 52.003)  # about 700 m x 550 m inside the Delft extract
    area = gpd.GeoDataFrame({"name": ["box"]}, geometry=[box], crs="EPSG:4326")
    clipped = osm.read_osm_file(DELFT_PBF, area, clip=True, buffer_m=0)  # the area itself, no buffer beyond it

    # The same, filtered after reading everything: features and whole ways that intersect the box.
    features, graph = osm.read_osm_objects(DELFT_PBF)
    inside = shapely.intersects(box, features.geometry.array)
    assert 0 < inside.sum() < 0.5 * len(features)  # the box leaves most of the file out
    segments = [(u, v, k, shapely.LineString([(graph.nodes[u]["x"], graph.nodes[u]["y"]),
                                              (graph.nodes[v]["x"], graph.nodes[v]["y"])]), d["osmid"])
                for u, v, k, d in graph.edges(keys=True, data=True)]
    ways_inside = {way for *_, line, way in segments if line.intersects(box)}
    graph.remove_edges_from([(u, v, k) for u, v, k, _, way in segments if way not in ways_inside])
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    expected = osm.osm_to_layers(features[inside], ox.simplify_graph(graph), area, reference=DELFT_PBF.name)
    everything = osm.read_osm_file(DELFT_PBF, area)
    for name in ("assets", "buildings", "basemap", "walk_nodes", "walk_edges"):
        mine, theirs, whole = getattr(clipped, name), getattr(expected, name), getattr(everything, name)
        assert 0 < len(mine) < len(whole), name
        if name == "walk_edges":  # an edge may be stored either way round; lengths to the micrometre
            mine, theirs = (frame.set_geometry(shapely.normalize(frame.geometry.array))
                            .assign(length_m=frame["length_m"].round(6)) for frame in (mine, theirs))
        assert sorted(_wkt(mine)) == sorted(_wkt(theirs)), name
        columns = [c for c in mine.columns if c not in ("geometry", "created_at", "updated_at")]
        assert sorted(map(str, mine[columns].astype(str).to_numpy().tolist())) == \
            sorted(map(str, theirs[columns].astype(str).to_numpy().tolist())), name
    # Nothing outside is kept: no asset that lies outside the box.
    assert set(clipped.assets["id"]) < set(everything.assets["id"])
    outside = everything.assets[~shapely.intersects(box, everything.assets.geometry.array)]
    assert len(outside) > 0 and not set(outside["id"]) & set(clipped.assets["id"])

    # Read a few objects at a time, Python holds what is inside the box, not the file.
    def peak(area_polygon):
        tracemalloc.start()
        read_osmium(DELFT_PBF, osm.mapping_tags(), ("highway",), osm.is_walkable, columns=osm.feature_columns(),
                    area=area_polygon, chunk=500)
        held = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return held

    assert peak(box) < 0.5 * peak(None)


# --------------------------------------------------------------------------- cycle collector pause

def test_the_cycle_collector_pause_is_counted_across_threads_and_restores_what_it_found():
    import gc
    import threading

    from assetmap.memory import cycle_collection_paused

    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other_thread():
        with cycle_collection_paused():
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=other_thread)
    with cycle_collection_paused():
        assert not gc.isenabled()
        worker.start()
        inside.wait(10)
    assert not gc.isenabled()  # the other thread's pause still runs
    release.set()
    worker.join()
    assert gc.isenabled()
    gc.disable()  # a collector that was off stays off
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
