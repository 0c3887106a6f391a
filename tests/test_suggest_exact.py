"""Exact site suggestions (maximal covering with HiGHS) against a brute-force optimum on Delft, and the
rule that only public or non-profit places are candidates for a new meeting place."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from assetmap import coverage, settings
from assetmap.errors import InputError
from assetmap.layers import categories
from assetmap.service import open_workspace


@pytest.fixture(scope="module")
def delft_inputs(delft_workspace_file):
    with open_workspace(delft_workspace_file) as ws:
        return coverage.load_inputs(ws)


def _oracle(inputs, minutes: float, sites):
    """Residents each single site would newly cover, from plain coverage runs (not the suggestion code)."""
    population = inputs.demand["population"].to_numpy(dtype=np.int64)
    base = coverage.compute_coverage(inputs, minutes, 4.5).points["covered"].to_numpy()
    alone = np.array([coverage.compute_coverage(inputs, minutes, 4.5, add_points=sites.iloc[[i]]).points["covered"]
                      .to_numpy() & ~base for i in range(len(sites))])
    return population, alone


def _brute_force_best(population, alone, k: int) -> int:
    return max(int(population[alone[list(chosen)].any(axis=0)].sum())
               for chosen in itertools.combinations(range(len(alone)), k))


@pytest.mark.parametrize("minutes", [5, 10])
def test_exact_suggestions_equal_the_brute_force_optimum(delft_inputs, minutes):
    candidates = delft_inputs.candidates.reset_index(drop=True)
    assert 4 <= len(candidates) <= 20  # a handful: brute force tries every set
    population, alone = _oracle(delft_inputs, minutes, candidates)
    for k in (1, 2, 3):
        sites = coverage.suggest_sites(delft_inputs, minutes, 4.5, count=k)
        best = _brute_force_best(population, alone, k)
        chosen = [int(np.flatnonzero(candidates["id"] == a)[0]) for a in sites["asset_id"]]
        # The promised total is what the chosen sites really add, and nothing beats it.
        assert int(population[alone[chosen].any(axis=0)].sum()) == sites["added_population"].sum() == best
        assert sites.attrs["method"] == "exact" and sites.attrs["optimal"]
        assert sites.attrs["added_population"] == best == sites.attrs["upper_bound_added_population"]
        greedy = coverage.suggest_sites(delft_inputs, minutes, 4.5, count=k, method="greedy")
        assert greedy.attrs["method"] == "greedy"
        assert greedy.attrs["added_population"] <= best <= greedy.attrs["upper_bound_added_population"]


def test_exact_beats_or_matches_greedy_with_gap_cells(delft_inputs):
    """With 10 uncovered spots as extra sites greedy can miss the best set; the exact solver never does."""
    minutes, cells, k = 10, 10, 4
    gaps = coverage.compute_coverage(delft_inputs, minutes, 4.5).gaps.nlargest(cells, "population")
    sites_frame = pd.concat([delft_inputs.candidates, gaps[["geometry"]]], ignore_index=True)
    population, alone = _oracle(delft_inputs, minutes, sites_frame)
    best = _brute_force_best(population, alone, k)
    exact = coverage.suggest_sites(delft_inputs, minutes, 4.5, count=k, include_gap_cells=True, max_gap_cells=cells)
    greedy = coverage.suggest_sites(delft_inputs, minutes, 4.5, count=k, include_gap_cells=True,
                                    max_gap_cells=cells, method="greedy")
    assert exact.attrs["added_population"] == exact["added_population"].sum() == best
    assert exact.attrs["optimal"] and exact.attrs["upper_bound_added_population"] == best
    assert greedy.attrs["added_population"] <= best <= greedy.attrs["upper_bound_added_population"]
    # Rows are in greedy order within the set: gains never grow, coverage never drops.
    assert exact["added_population"].is_monotonic_decreasing and exact["coverage_pct_after"].is_monotonic_increasing


def test_choose_sites_on_a_case_where_greedy_is_not_optimal():
    """The textbook trap: one big site overlapping two others that together cover more."""
    population = np.array([5, 5, 5, 5, 4, 4], dtype=np.int64)
    reach = [np.array([0, 1, 2, 3]), np.array([0, 1, 4]), np.array([2, 3, 5])]
    covered = np.zeros(6, dtype=bool)
    greedy = coverage.choose_sites(reach, population, covered, 2, method="greedy")
    exact = coverage.choose_sites(reach, population, covered, 2)
    assert greedy.picks[0] == 0 and greedy.added == 24
    assert sorted(exact.picks) == [1, 2] and exact.added == 28 and exact.method == "exact" and exact.optimal
    assert exact.upper_bound == 28
    assert not greedy.optimal and greedy.upper_bound >= 28  # greedy alone cannot prove it is the best
    # Residents already covered add nothing: then the big site is the best single pick.
    assert coverage.choose_sites(reach, population, np.array([0, 0, 0, 0, 1, 1], bool), 1).picks == [0]


def test_cli_suggest_json_names_the_method_and_the_bound(delft_copy, tmp_path):
    out = tmp_path / "suggest.json"
    run = subprocess.run([sys.executable, "-m", "assetmap.cli", "suggest", str(delft_copy), "--minutes", "10",
                          "--count", "3", "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["method"] == "exact" and data["optimal"] is True
    assert data["added_population"] == sum(s["added_population"] for s in data["sites"])
    assert data["upper_bound_added_population"] == data["added_population"]
    assert data["upper_bound_coverage_pct"] == data["sites"][-1]["coverage_pct_after"]
    assert "proven best" in run.stdout


# --------------------------------------------------------------------------- candidates

COMMERCIAL = ("fitness_centre", "sports_centre", "shop_{value}", "cafe", "pub", "doctors")


def test_no_commercial_category_is_a_candidate():
    table = categories.table()
    candidates = set(categories.candidate_categories())
    assert not candidates & set(COMMERCIAL)
    assert set(table.loc[table["category"].isin(candidates), "ownership"]) <= {"public", "non_profit"}
    assert set(table.loc[table["category"].isin(COMMERCIAL), "ownership"]) <= {"commercial", "mixed"}
    assert {"library", "school", "place_of_worship"} <= candidates


def test_delft_suggestions_are_public_or_non_profit_places(delft_inputs):
    """The top Delft suggestion used to be a commercial gym (leisure=sports_centre, sport=fitness)."""
    assert "Fitness & Health Club Delft" not in set(delft_inputs.candidates["name"])
    assert not set(delft_inputs.candidates["category"]) & set(COMMERCIAL)
    sites = coverage.suggest_sites(delft_inputs, 10, 4.5, count=5)
    assert len(sites) and set(sites["category"]) <= set(categories.candidate_categories())


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    import shutil
    folder = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, folder)
    monkeypatch.setattr(settings, "DATA_DIR", folder)
    categories.clear_cache()
    yield folder
    categories.clear_cache()


@pytest.mark.parametrize("row, ownership", [
    ("amenity,restaurant,resource,restaurant,no,yes,Restaurant,Restaurant,commercial", "commercial"),
    ("leisure,bowling_alley,resource,bowling,no,yes,Bowling,Bowling,mixed", "mixed"),
    ("amenity,cinema,resource,cinema,no,yes,Bioscoop,Cinema", "-"),
])
def test_a_catalogue_with_a_commercial_candidate_is_refused(data_copy, row, ownership):
    path = data_copy / "osm_tags.csv"
    path.write_text(path.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    rows = len(path.read_text(encoding="utf-8").splitlines()) - 1
    with pytest.raises(InputError) as caught:
        categories.candidate_categories()
    [problem] = caught.value.problems
    assert (problem.code, problem.row, problem.column) == ("candidate_not_public", rows, "ownership")
    assert ownership in problem.text() and "public" in problem.render("en")


@pytest.mark.parametrize("minutes", [3, 10, 25])
def test_coverage_sets_searching_only_around_each_batch_equal_a_search_of_the_whole_network(delft_inputs, minutes):
    """Sites are searched a batch of neighbours at a time, on the nodes within reach of the batch:
    each site must reach exactly the residents a Dijkstra over the whole network finds."""
    import geopandas as gpd

    rng = np.random.default_rng(14)
    xy = delft_inputs.network.node_xy
    picks = xy[rng.choice(len(xy), 300, replace=False)] + rng.normal(0, 30, (300, 2))  # on and off the streets
    sites = gpd.GeoDataFrame(geometry=gpd.points_from_xy(picks[:, 0], picks[:, 1]), crs=settings.METRIC_CRS)
    limit = minutes * 4.5 * 1000 / 60
    got = coverage.coverage_sets(delft_inputs, sites, limit)
    snapped = coverage.snap(delft_inputs.network, picks)
    whole = coverage.distances_from_sites(delft_inputs.network, snapped, delft_inputs.demand_snap,
                                          groups=np.arange(len(picks)), limit=limit)
    expected = [np.flatnonzero(row <= limit) for row in whole]
    assert len(got) == len(expected) == 300
    assert all(np.array_equal(a, b) for a, b in zip(got, expected))
    assert sum(len(e) > 0 for e in expected) > 200 and max(len(e) for e in expected) > 20  # a real test
