"""Meeting-place coverage on the real Delft data: distances, population, suggestions, CLI."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from assetmap import coverage, settings
from assetmap.layers.assets import build_assets
from assetmap.service import open_workspace

from conftest import DENHAAG_WIJKEN


@pytest.fixture(scope="module")
def delft_inputs(delft_workspace_file):
    with open_workspace(delft_workspace_file) as ws:
        return coverage.load_inputs(ws)


def _reference_metres(inputs, sites: gpd.GeoDataFrame, sample: np.ndarray) -> np.ndarray:
    """Plain networkx Dijkstra on the stored walk_edges, with points inserted where they snap.

    Each sample point and each site becomes a node joined to its edge at the snap position (the
    edge is split there); then one single-source Dijkstra per sample point (the naive way).
    """
    net = inputs.network
    graph = nx.MultiGraph()
    for i, (u, v, length) in enumerate(zip(net.edge_u, net.edge_v, net.edge_length)):
        graph.add_edge(int(u), int(v), key=i, weight=float(length))
    site_snap = coverage.snap(net, shapely.get_coordinates(sites.geometry.to_crs(settings.METRIC_CRS).array))
    demand = inputs.demand_snap
    on_edge: dict[int, list[tuple[float, str]]] = {}
    for kind, snapped, ids in (("site", site_snap, range(len(sites))), ("point", demand, sample)):
        for i in ids:
            if snapped.edge[i] < 0:
                continue
            name = f"{kind}{i}"
            graph.add_edge(name, f"{name}@", weight=float(snapped.offset[i]))
            on_edge.setdefault(int(snapped.edge[i]), []).append((float(snapped.to_u[i]), f"{name}@"))
    for edge, stops in on_edge.items():
        u, v, length = int(net.edge_u[edge]), int(net.edge_v[edge]), float(net.edge_length[edge])
        graph.remove_edge(u, v, key=edge)
        chain = [(0.0, u)] + sorted(stops) + [(length, v)]
        for (a, na), (b, nb) in zip(chain, chain[1:]):
            graph.add_edge(na, nb, weight=max(b - a, 0.0))
    targets = {f"site{i}" for i in range(len(sites))}
    out = np.full(len(sample), np.inf)
    for k, i in enumerate(sample):
        if f"point{i}" not in graph:
            continue
        lengths = nx.single_source_dijkstra_path_length(graph, f"point{i}", weight="weight")
        reached = [lengths[t] for t in targets if t in lengths]
        out[k] = min(reached) if reached else np.inf
    return out


def test_network_distances_match_networkx_reference(delft_inputs):
    inputs = delft_inputs
    # Meeting places plus the candidates, so that paths run all over the campus and Wippolder.
    sites = pd.concat([inputs.meeting_places, inputs.candidates], ignore_index=True)
    ours = coverage.nearest_distances(inputs, sites)
    sample = np.random.default_rng(7).choice(len(inputs.demand), size=250, replace=False)
    reference = _reference_metres(inputs, sites, sample)
    assert np.isfinite(reference).sum() >= 200
    np.testing.assert_array_equal(np.isfinite(ours[sample]), np.isfinite(reference))
    finite = np.isfinite(reference)
    assert np.max(np.abs(ours[sample][finite] - reference[finite])) <= 1.0
    # Minutes are metres at walking speed.
    result = coverage.compute_coverage(inputs, 10, 4.5, add_points=sites[sites["id"].isin(inputs.candidates["id"])])
    minutes = result.points["walk_minutes"].to_numpy()[sample][finite]
    np.testing.assert_allclose(minutes, reference[finite] / 75.0, atol=0.01)


def _brute_force_nearest(points: np.ndarray, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Oracle without any spatial index: the distance from every point to every line, then the minimum."""
    best = np.full(len(points), np.inf)
    which = np.full(len(points), -1)
    for start in range(0, len(points), 200):  # 200 × edges distances at a time bounds memory
        block = shapely.distance(points[start:start + 200, None], lines[None, :])
        which[start:start + 200] = np.argmin(block, axis=1)
        best[start:start + 200] = block[np.arange(len(block)), which[start:start + 200]]
    return best, which


def test_snapping_goes_to_the_nearest_edge_of_the_connected_network(delft_inputs):
    inputs = delft_inputs
    net, snapped = inputs.network, inputs.demand_snap
    assert snapped.reachable.all()
    points = inputs.demand.geometry.to_numpy()
    direct = shapely.distance(points, net.edge_geometry[snapped.edge])
    np.testing.assert_allclose(direct, snapped.offset, atol=0.01)
    np.testing.assert_allclose(snapped.to_u + snapped.to_v, net.edge_length[snapped.edge], rtol=1e-9)
    # The chosen edge is a snappable one, and no snappable edge is nearer (brute force over all of them).
    assert np.isin(snapped.edge, net.snappable).all()
    nearest, _ = _brute_force_nearest(points, net.edge_geometry[net.snappable])
    np.testing.assert_allclose(snapped.offset, nearest, atol=0.01)
    # The position along the edge is where the edge passes closest to the point.
    xy = shapely.get_coordinates(points)
    at = shapely.line_interpolate_point(net.edge_geometry[snapped.edge],
                                        snapped.to_u / net.edge_length[snapped.edge], normalized=True)
    np.testing.assert_allclose(np.hypot(*(shapely.get_coordinates(at) - xy).T), snapped.offset, atol=0.05)


def test_snapping_leaves_points_beyond_the_snap_distance_unreachable(delft_inputs):
    net = delft_inputs.network
    xy = shapely.get_coordinates(delft_inputs.demand.geometry.array)[::10]
    # Points moved 0..900 m east: some stay near a way, some end up far from any.
    shifted = xy + np.column_stack([np.linspace(0, 900, len(xy)), np.zeros(len(xy))])
    nearest, _ = _brute_force_nearest(shapely.points(shifted), net.edge_geometry[net.snappable])
    snapped = coverage.snap(net, shifted, max_distance_m=40.0)
    np.testing.assert_array_equal(snapped.reachable, nearest <= 40.0)
    assert snapped.reachable.any() and not snapped.reachable.all()
    np.testing.assert_allclose(snapped.offset[snapped.reachable], nearest[snapped.reachable], atol=0.01)


def test_a_network_without_its_lines_snaps_a_few_points_as_the_spatial_index_does(delft_inputs):
    """A network read back from a workspace makes no line of its own for a few points (``_NearEdges``):
    the same edges, distances and positions as the index over every line, ties included."""
    built = delft_inputs.network
    bare = coverage.WalkNetwork(built.node_ids, built.node_xy, built.matrix, built.edge_u, built.edge_v,
                                built.edge_length, built.edge_coordinates, built.edge_vertices, built.snappable)
    rng = np.random.default_rng(5)
    low, high = built.node_xy.min(axis=0) - 300, built.node_xy.max(axis=0) + 300
    xy = np.concatenate([
        rng.uniform(low, high, size=(1200, 2)),                   # anywhere, some beyond the snap distance
        built.node_xy[rng.choice(built.size, 300)],               # on a node: equally near to its edges
        shapely.get_coordinates(built.edge_geometry[built.snappable[rng.choice(len(built.snappable), 200)]])[::3],
    ])
    assert len(xy) <= coverage.SNAP_LOCAL_POINTS
    for distance in (500.0, 40.0):
        local = coverage.snap(bare, xy, max_distance_m=distance)
        assert "edge_geometry" not in bare.__dict__  # no line of the whole network was made
        indexed = coverage.snap(built, xy, max_distance_m=distance)
        for name in ("edge", "offset", "to_u", "to_v"):
            np.testing.assert_array_equal(getattr(local, name), getattr(indexed, name), err_msg=name)
        assert local.reachable.any() and not local.reachable.all()
    nearest, _ = _brute_force_nearest(shapely.points(xy), built.edge_geometry[built.snappable])
    np.testing.assert_allclose(local.offset[local.reachable], nearest[local.reachable], atol=1e-9)
    assert np.array_equal(bare.lines(np.arange(len(bare.edge_u))), built.edge_geometry)  # the same lines


def test_population_is_spread_over_homes_and_totals_are_exact(delft_inputs):
    inputs = delft_inputs
    per_area = inputs.demand.groupby("buurt_code")["population"].sum()
    expected = inputs.areas.set_index("buurt_code")["population"]
    expected = expected[expected > 0]
    pd.testing.assert_series_equal(per_area.sort_index(), expected.sort_index().astype(per_area.dtype),
                                   check_names=False)
    # Wippolder lies mostly inside the extract: its residents sit on residential buildings.
    assert (inputs.demand.loc[inputs.demand["buurt_code"] == "WK050328", "method"] == "buildings").all()
    result = coverage.compute_coverage(inputs)
    assert result.total["population"] == int(inputs.demand["population"].sum())
    assert (result.buurten["covered_population"] + result.buurten["uncovered_population"]
            == result.buurten["population"]).all()


def test_grid_fallback_keeps_every_wijk_total_exactly(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        areas = coverage.analysis_areas(ws.boundaries(), ws.study_area())
        demand = coverage.demand_points(areas, ws.buildings())
    # The 2019 buurten carry no population, so the analysis falls back to the 2022 wijken.
    assert set(areas["level"]) == {"wijk"}
    cbs = gpd.read_file(DENHAAG_WIJKEN)
    expected = cbs.set_index("code")["population"].astype(int)
    got = demand.groupby("buurt_code")["population"].sum()
    for code, population in expected.items():
        if population > 0:
            assert got.get(code, 0) == population, code
    assert set(demand["method"]) == {"grid"}
    assert demand["population"].sum() == expected[expected > 0].sum()


def test_largest_remainder_is_exact_and_proportional():
    counts = coverage.largest_remainder(10, np.array([1.0, 1.0, 1.0]))
    assert counts.sum() == 10 and sorted(counts) == [3, 3, 4]
    assert coverage.largest_remainder(7, np.array([0.0, np.nan, 5.0])).tolist() == [0, 0, 7]
    assert coverage.largest_remainder(5, np.array([0.0, 0.0])).sum() == 5


def test_adding_a_meeting_place_never_lowers_coverage(delft_inputs):
    inputs = delft_inputs
    before = coverage.compute_coverage(inputs).buurten.set_index("buurt_code")
    area = inputs.areas.to_crs(settings.STORAGE_CRS).union_all()
    x0, y0, x1, y1 = area.bounds
    rng = np.random.default_rng(3)
    points = [(x, y) for x, y in zip(rng.uniform(x0, x1, 40), rng.uniform(y0, y1, 40))
              if area.contains(shapely.Point(x, y))][:12]
    assert len(points) >= 8
    grew = 0
    for point in points:
        after = coverage.compute_coverage(inputs, add_points=[point]).buurten.set_index("buurt_code")
        change = after["covered_population"] - before.loc[after.index, "covered_population"]
        assert (change >= 0).all()
        grew += int(change.sum() > 0)
    assert grew >= 1


def test_removing_the_only_meeting_place_of_a_wijk_lowers_it(delft_copy):
    # Voorhof has no meeting place; a workshop adds its buurthuis, then we switch it off again.
    with open_workspace(delft_copy) as ws:
        voorhof = ws.boundaries().set_index("code").loc["WK050324"].geometry
        ws.save_assets(build_assets(gpd.GeoDataFrame(
            {"name": ["Buurthuis Voorhof"], "building_block": ["resource"], "category": ["buurthuis"],
             "visibility": ["public"], "consent": [True]},
            geometry=[voorhof.representative_point()], crs=settings.STORAGE_CRS), source="workshop"))
        inputs = coverage.load_inputs(ws)
    place = inputs.meeting_places[inputs.meeting_places["name"] == "Buurthuis Voorhof"]
    assert len(place) == 1
    with_it = coverage.compute_coverage(inputs).buurten.set_index("buurt_code").loc["WK050324"]
    without = coverage.compute_coverage(inputs, remove_ids=place["id"]).buurten.set_index("buurt_code").loc["WK050324"]
    assert with_it["covered_population"] > 0
    assert without["covered_population"] < with_it["covered_population"]
    table = coverage.what_if(inputs, remove_ids=list(place["id"])).set_index("buurt_code")
    assert table.loc["WK050324", "covered_change"] == without["covered_population"] - with_it["covered_population"]


def test_unreachable_residents_are_reported_not_dropped(delft_inputs):
    result = coverage.compute_coverage(delft_inputs, remove_ids=delft_inputs.meeting_places["id"])
    assert result.total["covered_population"] == 0
    assert (result.buurten["unreachable_population"] == result.buurten["population"]).all()
    assert result.gaps["population"].sum() == result.total["population"]
    assert result.gaps["walk_minutes"].isna().all()
    assert result.buurten["median_minutes"].isna().all()


def test_slower_walking_and_fewer_minutes_cover_fewer(delft_inputs):
    profiles = coverage.speed_profiles()
    normal = coverage.compute_coverage(delft_inputs, 10, profiles["normal"]).total
    slow = coverage.compute_coverage(delft_inputs, 10, profiles["slow"]).total
    short = coverage.compute_coverage(delft_inputs, 5, 4.5).total
    assert slow["covered_population"] < normal["covered_population"]
    assert short["covered_population"] < normal["covered_population"]
    with pytest.raises(coverage.CoverageError, match="speed"):
        coverage.compute_coverage(delft_inputs, 10, 0)


def test_settings_are_read_when_the_analysis_runs(delft_inputs, monkeypatch):
    default = coverage.compute_coverage(delft_inputs)
    assert default.speed_kmh == settings.WALK_SPEED_KMH and default.minutes == settings.COVERAGE_MINUTES
    monkeypatch.setattr(settings, "WALK_SPEED_KMH", 2.0)
    slower = coverage.compute_coverage(delft_inputs)
    assert slower.speed_kmh == 2.0
    assert slower.total["covered_population"] < default.total["covered_population"]
    assert slower.total == coverage.compute_coverage(delft_inputs, speed_kmh=2.0).total
    assert coverage.speed_profiles()["normal"] == 2.0
    assert coverage.metres_per_minute() == pytest.approx(2000 / 60)
    suggested = coverage.suggest_sites(delft_inputs, count=1)
    assert suggested["added_population"].iloc[0] == \
        coverage.suggest_sites(delft_inputs, speed_kmh=2.0, count=1)["added_population"].iloc[0]
    monkeypatch.setattr(settings, "COVERAGE_MINUTES", 20.0)
    assert coverage.compute_coverage(delft_inputs).minutes == 20.0
    # Snap distance and grid size too.
    xy = shapely.get_coordinates(delft_inputs.demand.geometry.array)
    reachable = coverage.snap(delft_inputs.network, xy).reachable.sum()
    monkeypatch.setattr(settings, "MAX_SNAP_DISTANCE_M", 5.0)
    assert coverage.snap(delft_inputs.network, xy).reachable.sum() < reachable
    areas = delft_inputs.areas.iloc[:1].assign(population=1000)
    coarse = coverage.demand_points(areas, None)
    monkeypatch.setattr(settings, "DEMAND_GRID_M", 50.0)
    assert len(coverage.demand_points(areas, None)) > len(coarse)


def test_meeting_place_categories_are_configurable(delft_workspace_file):
    with open_workspace(delft_workspace_file) as ws:
        default = coverage.load_inputs(ws)
        with_schools = coverage.load_inputs(ws, meeting_place_categories=("library", "community_centre", "school"))
    assert set(default.meeting_places["name"]) >= {"TU Delft Library"}
    assert len(with_schools.meeting_places) > len(default.meeting_places)
    assert "school" not in set(with_schools.candidates["category"])
    assert coverage.compute_coverage(with_schools).total["covered_population"] > \
        coverage.compute_coverage(default).total["covered_population"]


def test_suggestions_keep_the_greedy_guarantees(delft_inputs):
    """Only what greedy maximal covering guarantees, checked against an oracle built from plain coverage
    runs (one per candidate, not the suggestion code): each pick adds the most of what is left, gains
    never grow, coverage never drops, and the total is at least (1 − 1/e) of the brute-force best."""
    inputs, k = delft_inputs, 3
    sites = coverage.suggest_sites(inputs, 10, 4.5, count=k, method="greedy")
    assert len(sites) == k and sites.attrs["method"] == "greedy"
    candidates = inputs.candidates.reset_index(drop=True)
    assert 5 <= len(candidates) <= 30  # small enough for brute force over every set of k
    population = inputs.demand["population"].to_numpy(dtype=np.int64)
    base = coverage.compute_coverage(inputs, 10, 4.5).points["covered"].to_numpy()
    # A resident is covered by a set of sites when one of them is in reach: the union of single-site runs.
    alone = np.array([coverage.compute_coverage(inputs, 10, 4.5, add_points=candidates.iloc[[i]]).points["covered"]
                      .to_numpy() for i in range(len(candidates))])

    def added(chosen) -> int:
        return int(population[~base & alone[list(chosen)].any(axis=0)].sum())

    picked = [int(np.flatnonzero(candidates["id"] == asset_id)[0]) for asset_id in sites["asset_id"]]
    gains = sites["added_population"].tolist()
    for j in range(len(picked)):
        # The pick's promised gain is its real marginal gain, and no other candidate would add more.
        assert gains[j] == added(picked[:j + 1]) - added(picked[:j])
        assert gains[j] == max(added(picked[:j] + [i]) for i in range(len(candidates))) - added(picked[:j])
    assert all(a >= b for a, b in zip(gains, gains[1:])) and gains[-1] > 0
    assert sites["coverage_pct_after"].is_monotonic_increasing
    best = max(added(chosen) for chosen in itertools.combinations(range(len(candidates)), k))
    assert sum(gains) >= (1 - 1 / np.e) * best
    # Opening the picked sites gives exactly the coverage the suggestion promised.
    before = coverage.compute_coverage(inputs, 10, 4.5).total
    after = coverage.compute_coverage(inputs, 10, 4.5, add_points=sites).total
    assert after["covered_population"] == before["covered_population"] + sum(gains)
    assert after["coverage_pct"] == sites["coverage_pct_after"].iloc[-1]


def test_gap_cells_can_be_suggested(delft_inputs):
    sites = coverage.suggest_sites(delft_inputs, 5, 4.5, count=2, include_gap_cells=True)
    assert len(sites) == 2
    plain = coverage.suggest_sites(delft_inputs, 5, 4.5, count=2)
    assert sites["added_population"].sum() >= plain["added_population"].sum()


def test_private_meeting_places_do_not_count(delft_copy):
    with open_workspace(delft_copy) as ws:
        ws.save_assets(build_assets(gpd.GeoDataFrame(
            {"name": ["Huiskamer van Els"], "building_block": ["resource"], "category": ["buurtkamer"],
             "is_meeting_place": [True], "visibility": ["private"], "consent": [False]},
            geometry=[shapely.Point(4.3600, 51.9990)], crs=settings.STORAGE_CRS), source="workshop"))
        public = coverage.load_inputs(ws)
        everything = coverage.load_inputs(ws, include_private=True)
    assert "Huiskamer van Els" not in set(public.meeting_places["name"])
    assert "Huiskamer van Els" in set(everything.meeting_places["name"])


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assetmap.cli", *args], capture_output=True, text=True, timeout=300)


def test_cli_coverage_and_suggest_write_json_and_workspace(delft_copy, tmp_path):
    out = tmp_path / "coverage.json"
    run = _cli("coverage", str(delft_copy), "--minutes", "10", "--speed-kmh", "4.5", "--json", str(out))
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["minutes"] == 10 and data["speed_kmh"] == 4.5
    assert set(data["total"]) == {"population", "covered_population", "coverage_pct"}
    assert data["total"]["population"] == sum(b["population"] for b in data["buurten"])
    assert set(data["buurten"][0]) == {"level", "code", "buurt_code", "name", "population", "covered_population",
                                       "coverage_pct", "median_minutes", "p90_minutes", "population_cbs",
                                       "data_share", "partial", "withheld"}
    # Delft has wijken, no buurten: the contract says so instead of calling wijk codes buurt codes.
    assert data["contract"] == 2 and data["level"] == "wijk"
    assert all(b["level"] == "wijk" and b["code"].startswith("WK") and b["code"] == b["buurt_code"]
               for b in data["buurten"])
    assert "Wippolder" in run.stdout
    # The per-buurt table and the gap layer are in the workspace, readable by GDAL (and QGIS).
    layers = dict(pyogrio.list_layers(delft_copy))
    assert layers.get("coverage_buurten") in ("Polygon", "MultiPolygon", "Unknown")
    assert "coverage_gaps" in layers
    saved = gpd.read_file(delft_copy, layer="coverage_buurten")
    assert saved["population"].sum() == data["total"]["population"]

    out = tmp_path / "suggest.json"
    run = _cli("suggest", str(delft_copy), "--minutes", "10", "--count", "2", "--json", str(out))
    assert run.returncode == 0, run.stderr
    sites = json.loads(out.read_text(encoding="utf-8"))["sites"]
    assert len(sites) == 2
    assert set(sites[0]) == {"asset_id", "name", "lon", "lat", "added_population", "coverage_pct_after"}
    assert 4.3 < sites[0]["lon"] < 4.4 and 51.9 < sites[0]["lat"] < 52.1


def test_cli_refuses_a_workspace_without_network(tmp_path):
    empty = tmp_path / "empty.gpkg"
    assert _cli("init", str(empty)).returncode == 0
    run = _cli("coverage", str(empty))
    assert run.returncode == 2
    assert "no walking network" in run.stderr and "import-osm" in run.stderr
    run = _cli("coverage", str(empty), "--minutes", "0")
    assert run.returncode == 2


# --------------------------------------------------------------------------- the fast recompute


def test_the_per_area_table_matches_a_plain_computation_from_the_points(delft_inputs):
    """The table comes from bincounts and one sort; here each area is summed and sorted on its own."""
    inputs = delft_inputs
    places = inputs.meeting_places
    for minutes, speed, remove in ((10, 4.5, ()), (4, 3.0, ()), (7, 4.5, tuple(places["id"][:1]))):
        result = coverage.compute_coverage(inputs, minutes, speed, remove_ids=remove)
        metres = coverage.distances_from_sites(inputs.network, coverage.snap(
            inputs.network, shapely.get_coordinates(result.meeting_places.to_crs(settings.METRIC_CRS).geometry.array)),
            inputs.demand_snap)[0]
        walk = metres / coverage.metres_per_minute(speed)
        population = inputs.demand["population"].to_numpy()
        table = result.buurten.set_index("buurt_code")
        assert len(table) == len(inputs.areas)
        for code in inputs.areas["buurt_code"]:
            mine = (inputs.demand["buurt_code"] == code).to_numpy()
            row = table.loc[code]
            assert row["covered_population"] == population[mine & (walk <= minutes)].sum()
            assert row["unreachable_population"] == population[mine & ~np.isfinite(walk)].sum()
            for column, share in (("median_minutes", 0.5), ("p90_minutes", 0.9)):
                expected = coverage._weighted_quantile(walk[mine], population[mine], share)
                assert (np.isnan(expected) and np.isnan(row[column])) or row[column] == expected
        assert np.array_equal(result.points["walk_minutes"].to_numpy(),
                              np.where(np.isfinite(walk), np.round(walk, 2), np.nan), equal_nan=True)
        uncovered = result.buurten["uncovered_population"].to_numpy()
        assert (np.diff(uncovered) <= 0).all()


def test_areas_summed_up_to_a_parent_get_medians_from_their_residents_not_from_medians(delft_inputs):
    """``parent_table`` (the national run's wijken): sums of the areas, quantiles of all their residents."""
    result = coverage.compute_coverage(delft_inputs, 10, 4.5)
    areas = result.buurten.set_index("buurt_code")
    codes = list(areas.index)
    one_each = result.parent_table({code: code for code in codes}, level="buurt").set_index("buurt_code")
    for column in ("population", "covered_population", "unreachable_population", "coverage_pct",
                   "median_minutes", "p90_minutes"):
        assert np.allclose(one_each.loc[codes, column].to_numpy(float), areas.loc[codes, column].to_numpy(float),
                           equal_nan=True), column
    together = result.parent_table({code: "WK000001" for code in codes}, {"WK000001": "Alles"}).iloc[0]
    walk = result.points["walk_minutes"].to_numpy()
    population = delft_inputs.demand["population"].to_numpy()
    assert together["name"] == "Alles" and together["level"] == "wijk"
    assert together["population"] == population.sum() == areas["population"].sum()
    expected = coverage._weighted_quantile(np.where(np.isfinite(walk), walk, np.inf), population, 0.5)
    assert (np.isnan(expected) and np.isnan(together["median_minutes"])) or abs(together["median_minutes"] - expected) <= 0.05


def test_a_result_keeps_its_layers_when_pickled_as_the_app_caches_it(delft_inputs):
    import pickle

    result = coverage.compute_coverage(delft_inputs, 5, 4.5)
    again = pickle.loads(pickle.dumps(result))
    assert again.to_dict() == result.to_dict()
    for layer in ("areas", "gaps", "points"):
        assert getattr(again, layer).equals(getattr(result, layer))
    assert len(again.gaps) == int((~result.points["covered"]).sum()) > 0
    assert again.areas.crs == result.gaps.crs == settings.STORAGE_CRS
