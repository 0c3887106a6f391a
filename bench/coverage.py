"""Benchmark: the coverage recompute (a slider move) against fair baselines, on ONE graph and ONE demand set.

Run by hand (not a test), with ``pip install -e ".[bench]"`` for pandana:

    .venv/bin/python bench/coverage.py                 # the Delft extract
    .venv/bin/python bench/coverage.py --tiles 2       # a synthetic city of 2 x 2 Delft copies (bench/synthetic_city.py)
    .venv/bin/python bench/coverage.py --workspace W.gpkg   # a copy of a workspace imported before

Every method gets its network built and its sites and residents placed ONCE, outside the timing
(that is what a cached app session has); the timing is what one recompute costs, best of
``--repeat`` runs:

(a) assetmap   ``coverage.compute_coverage`` on loaded inputs: snap the meeting places, one multi-source
               csgraph Dijkstra, residents' minutes and the per-buurt table (what the app's slider runs)
(a0) assetmap  ``coverage.nearest_distances`` alone: the distances without the table
(b) pandana    ``nearest_pois`` on a network built and given its POIs once (no ``precompute``, which
               nearest_pois does not need)
(c) networkx   one ``multi_source_dijkstra_path_length`` from all meeting places
(d) floor      bare ``scipy.sparse.csgraph.dijkstra(indices=sites, min_only=True)`` on the same matrix

(b)-(d) place sites and residents on their nearest network node (a KD-tree, outside the timing); (a)
places them on the nearest edge, so distances differ by a few metres. Each method runs in its own
process, so the peak resident memory printed is that method's own (Python, imports and loading the
workspace included). The one-time costs are printed too: loading the inputs (network, residents,
snapping) the first time, and again once ``coverage.save_demand_placement`` has kept the placed
residents in the workspace (what reopening the app's coverage page costs). Ratios are computed from
the figures of this run only.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
MINUTES, SPEED = 10.0, 4.5


def _inputs(workspace: Path):
    from assetmap import coverage
    from assetmap.service import open_workspace

    start = time.perf_counter()
    with open_workspace(workspace) as ws:
        inputs = coverage.load_inputs(ws)
    return inputs, time.perf_counter() - start


def _cached_load(workspace: Path) -> float:
    """Seconds of load_inputs once the demand placement is kept (what reopening the coverage page costs)."""
    from assetmap import coverage
    from assetmap.service import Actor, open_workspace

    with open_workspace(workspace, actor=Actor("bench", "coordinator")) as ws:
        coverage.save_demand_placement(ws, coverage.load_inputs(ws))
    return _inputs(workspace)[1]


def _node_problem(inputs):
    """Matrix, and the nearest node of every meeting place and resident (for the node-snapping baselines)."""
    import shapely
    from scipy.spatial import cKDTree

    from assetmap import settings

    net = inputs.network
    tree = cKDTree(net.node_xy)
    sites = shapely.get_coordinates(inputs.meeting_places.to_crs(settings.METRIC_CRS).geometry.array)
    demand = shapely.get_coordinates(inputs.demand.geometry.array)
    return net, tree.query(sites)[1], tree.query(demand)[1]


def _best(function, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = function()
        best = min(best, time.perf_counter() - start)
    return best, out


def run_assetmap(workspace: Path, repeat: int):
    from assetmap import coverage

    inputs, setup = _inputs(workspace)
    seconds, result = _best(lambda: coverage.compute_coverage(inputs, MINUTES, SPEED), repeat)
    return seconds, setup, result.points["walk_minutes"].to_numpy() * coverage.metres_per_minute(SPEED)


def run_assetmap_distances(workspace: Path, repeat: int):
    from assetmap import coverage

    inputs, setup = _inputs(workspace)
    seconds, metres = _best(lambda: coverage.nearest_distances(inputs, inputs.meeting_places), repeat)
    return seconds, setup, metres


def run_pandana(workspace: Path, repeat: int):
    import pandana
    import pandas as pd

    inputs, _ = _inputs(workspace)
    net, site_nodes, demand_nodes = _node_problem(inputs)
    start = time.perf_counter()
    ids = pd.Index(np.arange(net.size))
    network = pandana.Network(pd.Series(net.node_xy[:, 0], index=ids), pd.Series(net.node_xy[:, 1], index=ids),
                              pd.Series(net.edge_u), pd.Series(net.edge_v),
                              pd.DataFrame({"length": net.edge_length}), twoway=True)
    network.set_pois("meeting_place", 5000, 1, pd.Series(net.node_xy[site_nodes, 0]),
                     pd.Series(net.node_xy[site_nodes, 1]))
    setup = time.perf_counter() - start
    seconds, nearest = _best(lambda: network.nearest_pois(5000, "meeting_place", num_pois=1), repeat)
    metres = nearest[1].to_numpy()[demand_nodes]
    return seconds, setup, np.where(metres >= 5000, np.inf, metres)


def run_networkx(workspace: Path, repeat: int):
    import networkx as nx

    inputs, _ = _inputs(workspace)
    net, site_nodes, demand_nodes = _node_problem(inputs)
    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(net.edge_u.tolist(), net.edge_v.tolist(), net.edge_length.tolist()))
    setup = time.perf_counter() - start

    def recompute():
        lengths = nx.multi_source_dijkstra_path_length(graph, set(site_nodes.tolist()), weight="weight")
        return np.array([lengths.get(n, np.inf) for n in demand_nodes.tolist()])

    seconds, metres = _best(recompute, repeat)
    return seconds, setup, metres


def run_floor(workspace: Path, repeat: int):
    from scipy.sparse import csgraph

    inputs, _ = _inputs(workspace)
    net, site_nodes, demand_nodes = _node_problem(inputs)
    seconds, metres = _best(lambda: csgraph.dijkstra(net.matrix, directed=False, indices=np.unique(site_nodes),
                                                     min_only=True)[demand_nodes], repeat)
    return seconds, 0.0, metres


METHODS = [("run_assetmap", "(a) assetmap compute_coverage"), ("run_assetmap_distances", "(a0) assetmap distances only"),
           ("run_pandana", "(b) pandana nearest_pois"), ("run_networkx", "(c) networkx multi_source_dijkstra"),
           ("run_floor", "(d) csgraph dijkstra min_only")]


def _child(name: str, workspace: str, repeat: int, queue) -> None:
    try:
        seconds, setup, metres = globals()[name](Path(workspace), repeat)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        queue.put((seconds, setup, peak_mb, np.asarray(metres, dtype=float), None))
    except Exception as exc:  # a missing optional baseline (pandana) is reported, not fatal
        queue.put((None, None, None, None, f"{type(exc).__name__}: {exc}"))


def measure(name: str, workspace: Path, repeat: int):
    """Run one method in a fresh process: (seconds, setup seconds, peak MB, metres, error)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, str(workspace), repeat, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def build_workspace(folder: Path, tiles: int) -> tuple[Path, str]:
    """A workspace of Delft (tiles 0) or of a synthetic city of tiles x tiles Delft copies."""
    from assetmap import demo
    from assetmap.imports import import_boundaries, import_osm
    from assetmap.service import create_workspace

    path = folder / "bench.gpkg"
    if tiles:
        sys.path.insert(0, str(REPO / "bench"))
        from synthetic_city import build_city

        build_city(tiles, folder / "city")
        files = (folder / "city" / "boundaries.geojson", folder / "city" / "city.osm.pbf", folder / "city" / "area.geojson")
        label = f"synthetic city {tiles} x {tiles}"
    else:
        files = (demo.WIJKEN_FILE, demo.OSM_FILE, demo.AREA_FILE)
        label = "Delft extract (TU campus + Wippolder)"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=files[0])
        import_osm(ws, file=files[1], area_file=files[2])
    return path, label


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiles", type=int, default=0, help="synthetic city of N x N Delft copies (default: Delft)")
    parser.add_argument("--repeat", type=int, default=5, help="recomputes per method; the best counts (default 5)")
    parser.add_argument("--workspace", type=Path, help="measure on a copy of this workspace (e.g. a synthetic "
                        "city imported before) instead of importing one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.workspace:
            workspace, label = Path(tmp) / "bench.gpkg", f"workspace {args.workspace.name}"
            shutil.copy(args.workspace, workspace)
        else:
            workspace, label = build_workspace(Path(tmp), args.tiles)
        inputs, load = _inputs(workspace)
        print(f"{label}: {inputs.network.size:,} nodes, {len(inputs.network.edge_u):,} edges, "
              f"{len(inputs.demand):,} demand points, {len(inputs.meeting_places)} meeting places; "
              f"{MINUTES:g} min at {SPEED:g} km/h")
        print(f"machine: {platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}")
        print(f"one-time: load_inputs (network, residents, snapping) {load:.3f} s")
        cached = _cached_load(workspace)
        print(f"reopening (load_inputs with the demand placement kept in the workspace) {cached:.3f} s, "
              f"{cached / load:.2f} x the first load   (target <= 2 s at 10 x 10)")
        rows = {}
        print(f"{'method':<38}{'recompute s':>12}{'setup s':>10}{'peak MB':>9}")
        for name, title in METHODS:
            seconds, setup, peak, metres, error = measure(name, workspace, args.repeat)
            if error:
                print(f"{title:<38}  not run: {error}")
                continue
            rows[name] = (seconds, metres)
            print(f"{title:<38}{seconds:>12.4f}{setup:>10.3f}{peak:>9.0f}")
        a = rows.get("run_assetmap", (np.nan, None))[0]
        a0 = rows.get("run_assetmap_distances", (np.nan, None))[0]
        for name, target in (("run_pandana", "target a <= b at 10 x 10"), ("run_networkx", ""),
                             ("run_floor", "target a0 <= 3 x d from 10k nodes")):
            if name in rows:
                other = rows[name][0]
                print(f"ratios vs {name[4:]}: a/{name[4:]} = {a / other:.2f}, a0/{name[4:]} = {a0 / other:.2f}"
                      + (f"   ({target})" if target else ""))
        if "run_assetmap_distances" in rows and "run_networkx" in rows:
            mine, theirs = rows["run_assetmap_distances"][1], rows["run_networkx"][1]
            both = np.isfinite(mine) & np.isfinite(theirs)
            print(f"median |a0 - c| = {np.median(np.abs(mine[both] - theirs[both])):.1f} m "
                  "(edge snapping in a vs node snapping in c)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
