"""Benchmark: nearest meeting place for every resident, three ways, on ONE graph and ONE demand set.

Run by hand (not a test):  .venv/bin/python bench/coverage.py [--city-scale]

(a) assetmap   build_network + snap + one multi-source Dijkstra (scipy.sparse.csgraph)
(b) pandana    Network(...) with its contraction-hierarchy preprocessing + set_pois + nearest_pois
(c) naive      osmnx nearest_nodes + one networkx Dijkstra per origin (the loop people write first)

The graph and demand come from the largest real extract in ../shared/data (TU Delft campus and
Wippolder, via a workspace built from the OSM PBF and the CBS wijken). Each method runs in its own
process, so the peak resident memory printed is that method's own (imports included).
Targets: a/b <= 1.0, a/c <= 0.05, peak memory <= 1 GB at city scale (--city-scale adds a synthetic
lattice of ~90,000 nodes and 100,000 residents for assetmap alone).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO / ".." / "shared" / "data").resolve()
REPEAT = 3


def _problem(workspace: Path):
    """Nodes/edges (RD metres), demand points and sites as plain arrays: the same input for all three."""
    import shapely

    from assetmap import coverage, settings
    from assetmap.service import open_workspace

    with open_workspace(workspace) as ws:
        nodes, edges = ws.walk_network()
        inputs = coverage.load_inputs(ws)
    sites = np.concatenate([shapely.get_coordinates(inputs.meeting_places.to_crs(settings.METRIC_CRS).geometry.array),
                            shapely.get_coordinates(inputs.candidates.to_crs(settings.METRIC_CRS).geometry.array)])
    demand = shapely.get_coordinates(inputs.demand.geometry.array)
    return nodes, edges, demand, sites


def run_assetmap(workspace: Path):
    from assetmap import coverage

    nodes, edges, demand, sites = _problem(workspace)
    best = np.inf
    for _ in range(REPEAT):
        start = time.perf_counter()
        network = coverage.build_network(nodes, edges)
        metres = coverage.distances_from_sites(network, coverage.snap(network, sites), coverage.snap(network, demand))[0]
        best = min(best, time.perf_counter() - start)
    return best, metres


def run_pandana(workspace: Path):
    import pandana
    import pandas as pd
    import shapely

    from assetmap import settings

    nodes, edges, demand, sites = _problem(workspace)
    xy = shapely.get_coordinates(nodes.to_crs(settings.METRIC_CRS).geometry.array)
    best = np.inf
    for _ in range(REPEAT):
        start = time.perf_counter()
        net = pandana.Network(pd.Series(xy[:, 0], index=nodes["node_id"]), pd.Series(xy[:, 1], index=nodes["node_id"]),
                              edges["u"], edges["v"], edges[["length_m"]], twoway=True)
        net.precompute(5000)
        net.set_pois("meeting_place", 5000, 1, pd.Series(sites[:, 0]), pd.Series(sites[:, 1]))
        origin_nodes = net.get_node_ids(pd.Series(demand[:, 0]), pd.Series(demand[:, 1]))
        nearest = net.nearest_pois(5000, "meeting_place", num_pois=1)
        metres = nearest[1].reindex(origin_nodes.to_numpy()).to_numpy()
        best = min(best, time.perf_counter() - start)
    return best, metres


def run_naive(workspace: Path):
    import networkx as nx
    import osmnx as ox
    import shapely

    from assetmap import settings

    nodes, edges, demand, sites = _problem(workspace)
    xy = shapely.get_coordinates(nodes.to_crs(settings.METRIC_CRS).geometry.array)
    start = time.perf_counter()
    graph = nx.MultiGraph(crs=settings.METRIC_CRS)
    graph.add_nodes_from((int(n), {"x": x, "y": y}) for n, (x, y) in zip(nodes["node_id"], xy))
    graph.add_weighted_edges_from(zip(edges["u"].astype(int), edges["v"].astype(int), edges["length_m"]),
                                  weight="length")
    site_nodes = set(ox.distance.nearest_nodes(graph, sites[:, 0], sites[:, 1]))
    origins = ox.distance.nearest_nodes(graph, demand[:, 0], demand[:, 1])
    metres = np.full(len(origins), np.inf)
    for i, origin in enumerate(origins):  # one shortest-path search per origin
        lengths = nx.single_source_dijkstra_path_length(graph, origin, weight="length")
        reached = [lengths[s] for s in site_nodes if s in lengths]
        metres[i] = min(reached) if reached else np.inf
    return time.perf_counter() - start, metres


def run_city_scale(_workspace: Path):
    """assetmap alone on a synthetic city: a 300 x 300 street lattice (50 m blocks), 100,000 residents."""
    import geopandas as gpd
    import shapely

    from assetmap import coverage, settings

    side, block = 300, 50.0
    ids = np.arange(side * side).reshape(side, side)
    gx, gy = np.meshgrid(np.arange(side) * block + 80000, np.arange(side) * block + 440000)
    xy = np.column_stack([gx.ravel(), gy.ravel()])
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    lines = shapely.linestrings(np.stack([xy[u], xy[v]], axis=1))
    nodes = gpd.GeoDataFrame({"node_id": ids.ravel()}, geometry=shapely.points(xy), crs=settings.METRIC_CRS)
    edges = gpd.GeoDataFrame({"u": u, "v": v, "length_m": block}, geometry=lines, crs=settings.METRIC_CRS)
    rng = np.random.default_rng(1)
    demand = rng.uniform(xy.min(0), xy.max(0), size=(100_000, 2))
    sites = rng.uniform(xy.min(0), xy.max(0), size=(60, 2))
    start = time.perf_counter()
    network = coverage.build_network(nodes, edges)
    metres = coverage.distances_from_sites(network, coverage.snap(network, sites), coverage.snap(network, demand))[0]
    return time.perf_counter() - start, metres


def _child(name: str, workspace: str, queue) -> None:
    seconds, metres = globals()[name](Path(workspace))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, peak_mb, np.asarray(metres)))


def measure(name: str, workspace: Path):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, str(workspace), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def build_workspace(folder: Path) -> Path:
    from assetmap.imports import import_boundaries, import_osm
    from assetmap.service import create_workspace

    path = folder / "delft.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=SHARED / "cbs" / "wijken_2022_nl.gpkg", gemeente="GM0503")
        import_osm(ws, file=SHARED / "osm" / "tudelft_campus.osm.pbf",
                   area_file=SHARED / "osm" / "tudelft_campus_extract_bbox.geojson")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--city-scale", action="store_true", help="also run assetmap on a 90,000-node synthetic city")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        workspace = build_workspace(Path(tmp))
        nodes, edges, demand, sites = _problem(workspace)
        print(f"graph: {len(nodes)} nodes, {len(edges)} edges; {len(demand)} demand points; {len(sites)} sites "
              f"(TU Delft campus + Wippolder, real OSM)")
        a, a_mb, a_m = measure("run_assetmap", workspace)
        b, b_mb, b_m = measure("run_pandana", workspace)
        c, c_mb, c_m = measure("run_naive", workspace)
        print(f"{'method':<34}{'seconds':>10}{'peak MB':>10}")
        print(f"{'(a) assetmap (csgraph, edge snap)':<34}{a:>10.4f}{a_mb:>10.0f}")
        print(f"{'(b) pandana (CH + nearest_pois)':<34}{b:>10.4f}{b_mb:>10.0f}")
        print(f"{'(c) osmnx + networkx per origin':<34}{c:>10.4f}{c_mb:>10.0f}")
        print(f"a/b = {a / b:.3f}   (target <= 1.0)")
        print(f"a/c = {a / c:.4f}  (target <= 0.05)")
        both = np.isfinite(a_m) & np.isfinite(c_m)
        print(f"median |a - c| = {np.median(np.abs(a_m[both] - c_m[both])):.1f} m "
              "(node snapping in b and c vs edge snapping in a)")
        if args.city_scale:
            s, s_mb, _ = measure("run_city_scale", workspace)
            print(f"city scale (90,000 nodes, 179,400 edges, 100,000 residents, 60 sites): assetmap {s:.2f} s, "
                  f"peak {s_mb:.0f} MB (target <= 1024 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
