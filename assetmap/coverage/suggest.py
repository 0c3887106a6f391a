"""Coverage stage, suggestions and what-if: where a new meeting place helps most, and what a change does.

:func:`coverage_sets` finds the residents within reach of each candidate site;
:func:`choose_sites` solves maximal covering (HiGHS, with greedy as fallback and bound);
:func:`suggest_sites` puts them together; :func:`what_if` and :func:`compare_places` compare
coverage before and after places are added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import optimize, sparse

from assetmap import settings
from assetmap.coverage._common import CoverageError, _column, _plain, _report
from assetmap.coverage.compute import compute_coverage, metres_per_minute
from assetmap.coverage.demand import CoverageInputs, _snap_sites, site_points
from assetmap.coverage.filters import PlaceFilters, filter_speed
from assetmap.coverage.network import Snap, WalkNetwork, distances_from_sites
from assetmap.coverage.results import _pct
from assetmap.layers.assets import target_group_list
from assetmap.messages import N_

__all__ = ["SiteChoice", "candidate_sites", "choose_sites", "compare_places", "coverage_sets", "suggest_sites",
           "what_if"]


_SITE_BATCH = 32  # candidate sites per Dijkstra batch: bounds memory to batch × nodes distances
_BATCH_STRIP_M = 1500.0  # sites are batched along west-east strips this wide, so a batch lies close together


def coverage_sets(inputs: CoverageInputs, sites: gpd.GeoDataFrame, limit_m: float,
                  progress=None) -> list[np.ndarray]:
    """For each site, the demand points within ``limit_m`` walking metres of it.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    sites : geopandas.GeoDataFrame
        Site points (polygons by a point inside), any CRS.
    limit_m : float
        Walking distance in metres.
    progress : callable, optional
        Called as ``progress(N_("progress_site_reach"), done, total)`` per batch of sites.

    Returns
    -------
    list of numpy.ndarray
        Per site, the indices of the demand points (rows of ``inputs.demand``) within reach.
    """
    snapped = _snap_sites(inputs, sites)
    xy = shapely.get_coordinates(sites.geometry.to_crs(settings.METRIC_CRS).array)
    local = len(xy) == len(sites) and np.isfinite(limit_m)
    # Batches of sites near each other (strips, then west to east): each batch searches only the
    # part of the network its sites can reach, not a row of the whole city per site.
    order = np.lexsort((xy[:, 0], np.floor(xy[:, 1] / _BATCH_STRIP_M))) if local else np.arange(len(sites))
    result: list = [None] * len(sites)  # every site is in one batch, which fills its place
    for start in range(0, len(sites), _SITE_BATCH):
        _report(progress, N_("progress_site_reach"), start, len(sites))
        batch = order[start:start + _SITE_BATCH]
        part = Snap(snapped.edge[batch], snapped.offset[batch], snapped.to_u[batch], snapped.to_v[batch])
        if local:
            network, targets, which = _within_reach(inputs.network, inputs.demand_snap, xy[batch], part.edge,
                                                    limit_m)
        else:
            network, targets, which = inputs.network, inputs.demand_snap, np.arange(len(inputs.demand_snap.edge))
        dist = distances_from_sites(network, part, targets, groups=np.arange(len(batch)), limit=limit_m)
        for site, row in zip(batch, dist):
            result[site] = which[row <= limit_m]
    return result


@dataclass
class _Subnetwork:
    """The part of a :class:`WalkNetwork` that :func:`distances_from_sites` reads: its matrix and the
    edges' end nodes, renumbered; the last node stands for every node left out and is never reached."""

    size: int
    matrix: sparse.csr_matrix
    edge_u: np.ndarray
    edge_v: np.ndarray


def _within_reach(network: WalkNetwork, demand: Snap, points: np.ndarray, edges: np.ndarray, limit_m: float
                  ) -> tuple[_Subnetwork, Snap, np.ndarray]:
    """The nodes around ``points`` (RD New) that a walk of ``limit_m`` metres from one of them can
    reach, the demand points on their edges or on the points' own ``edges``, and those demand
    points' positions in ``demand``.

    Exact: an edge is never shorter than the straight line between its ends, so a walk of at most
    ``limit_m`` never leaves the circle of that radius around its start (the box around the points
    holds every such circle, with a margin for lengths measured otherwise).
    """
    reach = limit_m * 1.01 + 5.0
    low, high = points.min(axis=0) - reach, points.max(axis=0) + reach
    x, y = network.node_xy[:, 0], network.node_xy[:, 1]
    inside = np.flatnonzero((x >= low[0]) & (x <= high[0]) & (y >= low[1]) & (y <= high[1]))
    kept = len(inside)
    number = np.full(network.size, kept, dtype=np.int64)
    number[inside] = np.arange(kept)
    part = network.matrix[inside][:, inside].tocsr()
    matrix = sparse.csr_matrix((part.data, part.indices, np.r_[part.indptr, part.indptr[-1]]),
                               shape=(kept + 1, kept + 1))
    sub = _Subnetwork(kept + 1, matrix, number[network.edge_u], number[network.edge_v])
    edge = np.where(demand.reachable, demand.edge, 0)
    near = demand.reachable & ((sub.edge_u[edge] < kept) | (sub.edge_v[edge] < kept) | np.isin(edge, edges))
    which = np.flatnonzero(near)
    return sub, Snap(demand.edge[which], demand.offset[which], demand.to_u[which], demand.to_v[which]), which


@dataclass
class SiteChoice:
    """The sites a suggestion picks, as :func:`choose_sites` found them.

    Parameters
    ----------
    picks : list of int
        Positions of the chosen sites (in the list of coverage sets), in order: each adds the
        most residents of what the earlier ones left.
    gains : list of int
        Residents each pick adds, in the same order (all above 0).
    method : str
        ``"exact"`` when the integer programme gave the sites (or greedy's picks already reach the
        upper bound, so nothing better exists); ``"greedy"`` when greedy's picks were kept (asked
        for, or the solver found nothing as good within its time limit).
    optimal : bool
        The picks are proven to add the most residents any ``count`` sites could add.
    upper_bound : int
        Proven most residents that any ``count`` sites could add (the solver's dual bound, else
        greedy's (1 − 1/e) guarantee or the sum of the largest single gains).
    """

    picks: list[int]
    gains: list[int]
    method: str
    optimal: bool
    upper_bound: int

    @property
    def added(self) -> int:
        """Residents the picks add together."""
        return int(sum(self.gains))


def choose_sites(reach: list[np.ndarray], population: np.ndarray, covered: np.ndarray, count: int,
                 method: str = "exact", time_limit_s: float | None = None) -> SiteChoice:
    """Pick at most ``count`` sites that together cover most residents not yet covered (maximal covering).

    Parameters
    ----------
    reach : list of numpy.ndarray
        Per site, the demand points within reach (from :func:`coverage_sets`).
    population : numpy.ndarray
        Residents per demand point.
    covered : numpy.ndarray
        Boolean per demand point: already covered (adds nothing).
    count : int
        Most sites to pick.
    method : {'exact', 'greedy'}
        ``exact`` solves the integer programme with scipy's ``milp`` (HiGHS) and keeps greedy's
        picks when the solver does not beat them; ``greedy`` only runs greedy.
    time_limit_s : float, optional
        Seconds the solver may take; default ``settings.SUGGEST_TIME_LIMIT_S``, read when the
        function runs.

    Returns
    -------
    SiteChoice
        The picks in greedy order with their gains, the method used, whether the result is
        proven optimal and the proven upper bound.
    """
    population = np.asarray(population, dtype=np.int64)
    open_points = ~np.asarray(covered, dtype=bool)
    reach = [np.asarray(r, dtype=np.int64)[open_points[np.asarray(r, dtype=np.int64)]] for r in reach]
    greedy = _greedy_order(reach, population, range(len(reach)), count)
    greedy_added = int(sum(g for _, g in greedy))
    singles = np.sort([int(population[r].sum()) for r in reach])[::-1]
    bound = min(int(singles[:count].sum()), int(np.floor(greedy_added / (1 - 1 / np.e) + 1e-9)))
    picks, method_used = [p for p, _ in greedy], "greedy"
    if method == "exact" and greedy_added < bound:
        chosen, dual = _solve_max_covering(reach, population, count, time_limit_s)
        if dual is not None:
            bound = min(bound, dual)
        if chosen is not None:
            exact = _greedy_order(reach, population, chosen, count)
            if sum(g for _, g in exact) >= greedy_added:
                picks, method_used = [p for p, _ in exact], "exact"
    elif method == "exact":
        method_used = "exact"  # greedy already meets the bound: nothing better exists
    order = _greedy_order(reach, population, picks, count)
    gains = [g for _, g in order]
    added = int(sum(gains))
    return SiteChoice([p for p, _ in order], gains, method_used, added >= bound, max(bound, added))


def _greedy_order(reach, population, allowed, count) -> list[tuple[int, int]]:
    """Greedy picks among ``allowed`` sites: (site, residents added), gains above 0 only."""
    taken = np.zeros(len(population), dtype=bool)
    left = list(allowed)
    out = []
    while left and len(out) < count:
        gains = [int(population[reach[j][~taken[reach[j]]]].sum()) for j in left]
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break  # nothing left to gain: fewer than `count` useful sites
        site = left.pop(best)
        taken[reach[site]] = True
        out.append((site, gains[best]))
    return out


def _solve_max_covering(reach, population, count, time_limit_s) -> tuple[list[int] | None, int | None]:
    """The maximal covering integer programme with HiGHS: chosen sites and the proven bound.

    Variables: x_j (site j opens, binary) and y_g (a group of residents is covered, 0..1), where a
    group gathers the demand points reached by exactly the same sites. Maximise the residents of
    covered groups, with sum x_j <= count and y_g <= sum of x_j over the sites that reach g.
    """
    if time_limit_s is None:
        time_limit_s = settings.SUGGEST_TIME_LIMIT_S
    n = len(reach)
    sites = np.repeat(np.arange(n), [len(r) for r in reach])
    points = np.concatenate(reach) if n else np.array([], dtype=np.int64)
    if not len(points):
        return None, 0
    incidence = sparse.csc_matrix((np.ones(len(points)), (sites, points)),
                                  shape=(n, int(points.max()) + 1)).tocsc()
    incidence.sort_indices()
    reached = np.flatnonzero(np.diff(incidence.indptr) > 0)
    keys = [incidence.indices[incidence.indptr[i]:incidence.indptr[i + 1]].tobytes() for i in reached]
    group_of = pd.Series(keys).factorize()[0]
    groups = int(group_of.max()) + 1
    weight = np.bincount(group_of, weights=population[reached].astype(float), minlength=groups)
    first = pd.Series(np.arange(len(reached))).groupby(group_of).first().to_numpy()
    group_sites = incidence[:, reached[first]].tocsc()  # sites × groups
    # Rows: one "y_g - sum x_j <= 0" per group, then "sum x_j <= count".
    link = sparse.hstack([-group_sites.T, sparse.identity(groups)])
    budget = sparse.hstack([sparse.csr_matrix(np.ones((1, n))), sparse.csr_matrix((1, groups))])
    matrix = sparse.vstack([link, budget]).tocsr()
    upper = np.concatenate([np.zeros(groups), [count]])
    result = optimize.milp(
        np.concatenate([np.zeros(n), -weight]),
        integrality=np.concatenate([np.ones(n), np.zeros(groups)]),
        bounds=optimize.Bounds(0, 1),
        constraints=optimize.LinearConstraint(matrix, -np.inf, upper),
        options={"time_limit": float(time_limit_s), "mip_rel_gap": 0.0, "presolve": True})
    dual = getattr(result, "mip_dual_bound", None)
    bound = int(np.floor(-dual + 1e-6)) if dual is not None and np.isfinite(dual) else None
    chosen = None if result.x is None else [int(j) for j in np.flatnonzero(result.x[:n] > 0.5)]
    return chosen, bound


def suggest_sites(inputs: CoverageInputs, minutes: float | None = None, speed_kmh: float | None = None,
                  count: int = 3, remove_ids=(), include_gap_cells: bool = False,
                  max_gap_cells: int = 500, filters: PlaceFilters | None = None, method: str = "exact",
                  time_limit_s: float | None = None, progress=None) -> gpd.GeoDataFrame:
    """The ``count`` sites that add most covered residents (maximal covering, see the package docstring).

    The set is solved exactly with HiGHS (:func:`choose_sites`) within ``time_limit_s``; greedy's
    set is kept when the solver does not find one as good in time. The rows are in greedy order
    within the set (each adds most of what the earlier rows left), so the gains never grow from
    one row to the next and ``coverage_pct_after`` is the coverage with that row and those above.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`. Candidates are existing public assets that could open as a
        meeting place (``meeting_place_candidate`` in the category catalogue: schools, places
        of worship, libraries, sports centres, community gardens...).
    minutes : float, optional
        Walking minutes that count as nearby; default ``settings.COVERAGE_MINUTES``, read when
        the function runs.
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``, read when the function runs.
    count : int
        Number of sites to pick (fewer come back when no site adds anyone).
    remove_ids : iterable of str
        Meeting places (asset ids) to switch off first.
    include_gap_cells : bool
        Also consider the most populous uncovered demand points as sites.
    max_gap_cells : int
        How many of those at most.
    filters : PlaceFilters, optional
        Count only the existing places that match (see :func:`compute_coverage`), and leave out
        candidates that record target groups without the one asked for. A new meeting place is
        taken to open at the time and with the access asked for.
    method : {'exact', 'greedy'}
        ``exact`` (default) solves the integer programme; ``greedy`` only picks greedily.
    time_limit_s : float, optional
        Seconds the solver may take; default ``settings.SUGGEST_TIME_LIMIT_S``, read when the
        function runs.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with a stage message code (reach of each
        site, then solving); None reports nothing.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points: ``rank``, ``asset_id`` (None for a gap cell), ``name``, ``category``,
        ``lon``, ``lat``, ``added_population`` and ``coverage_pct_after``. Its ``attrs`` hold
        ``method`` (``exact`` or ``greedy``), ``optimal`` (proven best), ``added_population``,
        ``upper_bound_added_population`` (proven most that any ``count`` sites could add) and
        ``upper_bound_coverage_pct``.

    Raises
    ------
    CoverageError
        ``count`` is below 1, or minutes or speed is not a number above 0.
    """
    minutes = settings.COVERAGE_MINUTES if minutes is None else minutes
    speed_kmh = filter_speed(filters, speed_kmh)
    speed_kmh = settings.WALK_SPEED_KMH if speed_kmh is None else speed_kmh
    if count < 1:
        raise CoverageError("count_invalid", "fix_count", count=count)
    base = compute_coverage(inputs, minutes, speed_kmh, remove_ids=remove_ids, filters=filters)
    limit = minutes * metres_per_minute(speed_kmh)
    sites = candidate_sites(inputs, filters).copy()
    if include_gap_cells and len(base.gaps):
        cells = base.gaps.nlargest(max_gap_cells, "population")
        sites = pd.concat([sites, gpd.GeoDataFrame({"id": None, "name": "gap cell", "category": "gap_cell"},
                                                   geometry=cells.geometry.to_numpy(), index=range(len(cells)),
                                                   crs=settings.STORAGE_CRS)], ignore_index=True)
    columns = ["rank", "asset_id", "name", "category", "lon", "lat", "added_population", "coverage_pct_after"]
    empty = gpd.GeoDataFrame({c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))
    population = inputs.demand["population"].to_numpy(dtype=np.int64)
    covered = base._covered.copy()  # the points layer (EPSG:4326) is not needed here
    total = int(population.sum())
    reach = coverage_sets(inputs, sites, limit, progress) if len(sites) else []
    _report(progress, N_("progress_solve"))
    choice = choose_sites(reach, population, covered, count, method=method, time_limit_s=time_limit_s)
    already = int(population[covered].sum())
    picks = []
    for rank, (best, gain) in enumerate(zip(choice.picks, choice.gains), start=1):
        covered[reach[best]] = True
        site = sites.iloc[best]
        picks.append({"rank": rank, "asset_id": site["id"] if pd.notna(site["id"]) else None,
                      "name": site["name"], "category": site["category"],
                      "lon": round(site.geometry.x, 6), "lat": round(site.geometry.y, 6),
                      "added_population": int(gain),
                      "coverage_pct_after": _pct(int(population[covered].sum()), total),
                      "geometry": site.geometry})
    out = gpd.GeoDataFrame(picks, geometry="geometry", crs=settings.STORAGE_CRS) if picks else empty
    out.attrs.update({"method": choice.method, "optimal": choice.optimal, "added_population": choice.added,
                      "upper_bound_added_population": choice.upper_bound,
                      "upper_bound_coverage_pct": _pct(already + choice.upper_bound, total)})
    return out


def candidate_sites(inputs: CoverageInputs, filters: PlaceFilters | None = None) -> gpd.GeoDataFrame:
    """The candidate sites that fit the filters: those that record target groups must name the group asked for.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    filters : PlaceFilters, optional
        The filters; only ``group`` applies to a site that is not a meeting place yet.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of ``inputs.candidates`` kept.
    """
    sites = inputs.candidates
    if filters is None or not filters.group or sites.empty:
        return sites
    keep = [not recorded or filters.group in recorded or "everyone" in recorded
            for recorded in (target_group_list(_plain(v)) for v in _column(sites, "target_groups"))]
    return sites[np.array(keep, dtype=bool)]


def what_if(inputs: CoverageInputs, minutes: float | None = None, speed_kmh: float | None = None,
            add_points=None, remove_ids=(), filters: PlaceFilters | None = None) -> pd.DataFrame:
    """Coverage per area before and after adding or removing meeting places.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    minutes : float, optional
        Walking minutes that count as nearby; default ``settings.COVERAGE_MINUTES``, read when
        the function runs.
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``, read when the function runs.
    add_points : geopandas.GeoDataFrame or iterable of (lon, lat), optional
        Meeting places to add (``[(lon, lat)]`` in EPSG:4326).
    remove_ids : iterable of str
        Meeting places (asset ids) to switch off.
    filters : PlaceFilters, optional
        Count only the places that match, before and after (see :func:`compute_coverage`).

    Returns
    -------
    pandas.DataFrame
        Per area: ``buurt_code``, ``name``, ``population``, covered population and coverage %
        before and after, ``covered_change`` and ``coverage_pct_change``; largest loss first.

    Raises
    ------
    CoverageError
        Minutes or speed is not a number above 0.
    """
    before = compute_coverage(inputs, minutes, speed_kmh, filters=filters).buurten
    after = compute_coverage(inputs, minutes, speed_kmh, remove_ids=remove_ids, add_points=add_points,
                             filters=filters).buurten
    table = before[["buurt_code", "name", "population", "covered_population", "coverage_pct"]].merge(
        after[["buurt_code", "covered_population", "coverage_pct"]], on="buurt_code", suffixes=("_before", "_after"))
    table["covered_change"] = table["covered_population_after"] - table["covered_population_before"]
    table["coverage_pct_change"] = (table["coverage_pct_after"] - table["coverage_pct_before"]).round(1)
    return table.sort_values(["covered_change", "buurt_code"], ascending=[True, True]).reset_index(drop=True)


def compare_places(inputs: CoverageInputs, options: dict, minutes: float | None = None,
                   speed_kmh: float | None = None, filters: PlaceFilters | None = None) -> pd.DataFrame:
    """Compare ways of adding places, e.g. several small living rooms against one large centre.

    Reach alone favours many small places; seats favour one large one. The table shows both, so
    that the choice stays with the people who know the buurt.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    options : dict
        Option name -> the places it adds: a GeoDataFrame (any CRS) with, where known, ``scale``
        (``living_room``, ``small``, ``large``) and ``capacity`` (people), or ``[(lon, lat), ...]``.
    minutes : float, optional
        Walking minutes that count as nearby (default ``settings.COVERAGE_MINUTES``).
    speed_kmh : float, optional
        Walking speed in km/h (default ``settings.WALK_SPEED_KMH``, slow for older people).
    filters : PlaceFilters, optional
        Count only the existing places that match (the new ones are taken to match).

    Returns
    -------
    pandas.DataFrame
        One row per option: ``option``, ``places`` (number added), ``scale`` (e.g.
        ``3 × living_room``), ``capacity`` (seats added; NA when not all are given),
        ``covered_population``, ``added_population`` (residents newly within reach),
        ``coverage_pct`` and ``residents_per_seat`` (newly reached residents per seat added).

    Raises
    ------
    CoverageError
        Minutes or speed is not a number above 0.
    """
    base = compute_coverage(inputs, minutes, speed_kmh, filters=filters)
    rows = []
    for name, added in options.items():
        frame = added if isinstance(added, gpd.GeoDataFrame) else site_points(added)
        result = compute_coverage(inputs, base.minutes, base.speed_kmh, add_points=frame, filters=filters)
        scales = pd.Series(_column(frame, "scale"), dtype=object).dropna().value_counts()
        capacity = pd.to_numeric(pd.Series(_column(frame, "capacity"), dtype=object), errors="coerce")
        seats = int(capacity.sum()) if len(capacity) and capacity.notna().all() else None
        added_population = result.total["covered_population"] - base.total["covered_population"]
        rows.append({"option": name, "places": len(frame),
                     "scale": ", ".join(f"{n} × {s}" for s, n in scales.items()) or None,
                     "capacity": seats, "covered_population": result.total["covered_population"],
                     "added_population": int(added_population), "coverage_pct": result.total["coverage_pct"],
                     "residents_per_seat": round(added_population / seats, 1) if seats else None})
    table = pd.DataFrame(rows, columns=["option", "places", "scale", "capacity", "covered_population",
                                        "added_population", "coverage_pct", "residents_per_seat"])
    table["capacity"] = table["capacity"].astype("Int64")
    return table
