"""Coverage stage, compute: walking minutes from every resident to the nearest meeting place, and the table.

:func:`compute_coverage` is a slider move in the app: the inner ``_Prepared`` (built once per
:class:`CoverageInputs`) keeps the network matrix with one spare row for a virtual source, so a
recompute is one Dijkstra pass and a few bincounts.
"""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from assetmap import settings
from assetmap.coverage._common import CoverageError, _column, _group_quantiles
from assetmap.coverage.demand import CoverageInputs, _points, _snap_sites, _snap_sites_raw, site_points
from assetmap.coverage.filters import PlaceFilters, filter_places, filter_speed
from assetmap.coverage.network import Snap, _ranges
from assetmap.coverage.results import CoverageResult, _pct, _Shared, method_stamp
from assetmap.layers import hours

__all__ = ["active_meeting_places", "compute_coverage", "filtered_inputs_places", "metres_per_minute",
           "nearest_distances"]


class _Prepared:
    """Everything a recompute reuses, built once per :class:`CoverageInputs` (see :func:`_prepared`).

    The network matrix gets one extra row, for a virtual source joined to every meeting place;
    a recompute writes only that row's entries into spare room at the end of the arrays, so the
    matrix is never rebuilt. Demand points keep their edge ends and offsets; meeting places their
    snap and whether their opening hours can be read.
    """

    def __init__(self, inputs: CoverageInputs):
        network, targets = inputs.network, inputs.demand_snap
        n = self.n = network.size
        self.network = network
        # Built as distances_from_sites builds it (same entry order, so the same sums in Dijkstra).
        marker = sparse.csr_matrix(([1.0], ([n], [0])), shape=(n + 1, n + 1))
        base = sparse.bmat([[network.matrix, None], [None, sparse.csr_matrix((1, 1))]], format="csr") + marker
        self._nnz = int(base.indptr[n])
        self._indptr = base.indptr.copy()
        self._data = np.empty(self._nnz + 256)
        self._indices = np.empty(self._nnz + 256, dtype=base.indices.dtype)
        self._data[:self._nnz] = base.data[:self._nnz]
        self._indices[:self._nnz] = base.indices[:self._nnz]
        self._lock = threading.Lock()  # the spare room is shared: one Dijkstra at a time per inputs
        ok = self.ok = targets.reachable
        edge = targets.edge[ok]
        self.target_u, self.target_v = network.edge_u[edge], network.edge_v[edge]
        self.to_u, self.to_v, self.offset = targets.to_u[ok], targets.to_v[ok], targets.offset[ok]
        self.by_edge = np.argsort(edge, kind="stable")
        self.sorted_edge = edge[self.by_edge]
        self.places = inputs.meeting_places
        self.place_snaps = _snap_sites(inputs, self.places)
        self._hours_known = None
        self.shared = _Shared(inputs)

    def _positions(self, places: gpd.GeoDataFrame) -> np.ndarray | None:
        """Rows of ``places`` in the inputs' meeting places, or None when they are not all from there."""
        index = self.places.index
        if places is self.places:
            return np.arange(len(index))
        if not index.is_unique or not places.index.isin(index).all():
            return None
        at = index.get_indexer(places.index)
        # The same rows only when they hold the very same geometry objects (a filtered view does).
        mine = self.places.geometry.array.to_numpy()[at]
        theirs = places.geometry.array.to_numpy()
        same = np.fromiter(map(id, mine), dtype=np.int64, count=len(at)) == \
            np.fromiter(map(id, theirs), dtype=np.int64, count=len(at))
        return at if same.all() else None

    def place_snap(self, places: gpd.GeoDataFrame) -> Snap:
        """The snap of meeting places taken from the inputs (filtered or not), without snapping again."""
        at = self._positions(places)
        if at is None:
            return _snap_sites_raw(self.network, places)
        snapped = self.place_snaps
        return Snap(snapped.edge[at], snapped.offset[at], snapped.to_u[at], snapped.to_v[at])

    def hours_known(self, places: gpd.GeoDataFrame) -> np.ndarray:
        """Per place, whether its opening hours can be read (:func:`assetmap.layers.hours.hours_known`)."""
        if self._hours_known is None:
            self._hours_known = np.array([hours.hours_known(v) for v in _column(self.places, "opening_hours")],
                                         dtype=bool)
        at = self._positions(places)
        if at is None:
            return np.array([hours.hours_known(v) for v in _column(places, "opening_hours")], dtype=bool)
        return self._hours_known[at]

    def nearest(self, sites: Snap) -> np.ndarray:
        """Walking metres from every demand point to the nearest site (as :func:`distances_from_sites`)."""
        out = np.full(len(self.ok), np.inf)
        live = sites.reachable
        if not live.any():
            return out
        network, n = self.network, self.n
        e, offset, along = sites.edge[live], sites.offset[live], sites.to_u[live]
        columns = np.concatenate([network.edge_u[e], network.edge_v[e]])
        weights = np.maximum(np.concatenate([offset + along, offset + sites.to_v[live]]), 1e-6)
        order = np.lexsort((weights, columns))  # the shortest of parallel entries, by column
        columns, weights = columns[order], weights[order]
        first = np.concatenate([[True], columns[1:] != columns[:-1]])
        columns, weights = columns[first], weights[first]
        k, nnz = len(columns), self._nnz
        with self._lock:
            if len(self._data) < nnz + k:
                self._data = np.concatenate([self._data[:nnz], np.empty(2 * k)])
                self._indices = np.concatenate([self._indices[:nnz], np.empty(2 * k, dtype=self._indices.dtype)])
            self._data[nnz:nnz + k] = weights
            self._indices[nnz:nnz + k] = columns
            self._indptr[n + 1] = nnz + k
            graph = sparse.csr_matrix((self._data[:nnz + k], self._indices[:nnz + k], self._indptr),
                                      shape=(n + 1, n + 1), copy=False)
            dist = csgraph.dijkstra(graph, directed=True, indices=n)
        best = np.minimum(dist[self.target_u] + self.to_u, dist[self.target_v] + self.to_v)
        # A site and a target on the same edge can also meet directly along it.
        low = np.searchsorted(self.sorted_edge, e, side="left")
        many = np.searchsorted(self.sorted_edge, e, side="right") - low
        if many.sum():
            site = np.repeat(np.arange(len(e)), many)
            target = self.by_edge[_ranges(low, many)]
            np.minimum.at(best, target, offset[site] + np.abs(along[site] - self.to_u[target]))
        out[self.ok] = best + self.offset
        return out


_PREPARE_LOCK = threading.Lock()


def _prepared(inputs: CoverageInputs) -> _Prepared:
    """The :class:`_Prepared` of these inputs, built on first use and rebuilt when a part was replaced."""
    parts = (inputs.network, inputs.areas, inputs.demand, inputs.demand_snap, inputs.meeting_places)
    with _PREPARE_LOCK:
        cached = inputs.__dict__.get("_prepared_cache")
        if cached is None or any(a is not b for a, b in zip(cached[0], parts)):
            cached = (parts, _Prepared(inputs))
            inputs.__dict__["_prepared_cache"] = cached
    return cached[1]


def _join_snaps(*parts: Snap) -> Snap:
    """Snaps one after the other (no parts: an empty snap)."""
    if not parts:
        return Snap(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0), np.zeros(0))
    return Snap(*(np.concatenate([getattr(p, name) for p in parts]) for name in ("edge", "offset", "to_u", "to_v")))


def metres_per_minute(speed_kmh: float | None = None) -> float:
    """Walking metres per minute at a speed.

    Parameters
    ----------
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``, read when the function runs.

    Returns
    -------
    float
        Metres per minute (75 at 4.5 km/h).

    Raises
    ------
    CoverageError
        The speed is not a finite number above 0.
    """
    if speed_kmh is None:
        speed_kmh = settings.WALK_SPEED_KMH
    if not speed_kmh or speed_kmh <= 0 or not np.isfinite(speed_kmh):
        raise CoverageError("speed_invalid", "fix_speed", speed=speed_kmh)
    return speed_kmh * 1000.0 / 60.0


def nearest_distances(inputs: CoverageInputs, sites: gpd.GeoDataFrame) -> np.ndarray:
    """Walking metres from every demand point to the nearest of ``sites``.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    sites : geopandas.GeoDataFrame
        Site points (polygons by a point inside), any CRS.

    Returns
    -------
    numpy.ndarray
        One distance in metres per demand point; inf where no site is reachable.
    """
    if sites.empty:
        return np.full(len(inputs.demand), np.inf)
    prepared = _prepared(inputs)
    return prepared.nearest(prepared.place_snap(sites))


def active_meeting_places(inputs: CoverageInputs, remove_ids=(), add_points=None,
                          places: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The meeting places after switching some off (by asset id) and adding new ones.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    remove_ids : iterable of str
        Asset ids of meeting places to leave out.
    add_points : geopandas.GeoDataFrame or iterable of (lon, lat), optional
        New places: a frame (any CRS) or ``[(lon, lat), ...]`` in EPSG:4326.
    places : geopandas.GeoDataFrame, optional
        The places to start from (default: every meeting place of ``inputs``).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points with ``id``, ``name``, ``category`` and the attributes the places have.
    """
    places = inputs.meeting_places if places is None else places
    places = places[~places["id"].isin([] if remove_ids is None else list(remove_ids))]
    if add_points is not None:
        extra = add_points if isinstance(add_points, gpd.GeoDataFrame) else site_points(add_points)
        extra = _points(extra.assign(**{c: extra.get(c) for c in ("id", "name", "category")}))
        places = pd.concat([places, extra.to_crs(settings.STORAGE_CRS)], ignore_index=True)
    return gpd.GeoDataFrame(places, geometry="geometry", crs=settings.STORAGE_CRS)


def compute_coverage(inputs: CoverageInputs, minutes: float | None = None, speed_kmh: float | None = None,
                     remove_ids=(), add_points=None, filters: PlaceFilters | None = None) -> CoverageResult:
    """Walking minutes to the nearest meeting place for every demand point, and the per-area table.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    minutes : float, optional
        Walking minutes that count as nearby; default ``settings.COVERAGE_MINUTES``, read when
        the function runs.
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``, read when the function runs.
    remove_ids : iterable of str
        Meeting places (asset ids) to switch off.
    add_points : geopandas.GeoDataFrame or iterable of (lon, lat), optional
        Meeting places to add (see :func:`active_meeting_places`); they count whatever the filters.
    filters : PlaceFilters, optional
        Count only the places open at a time, of an access or for a group (see
        :func:`place_filters`). The group ``older_people`` walks at the slow speed unless
        ``speed_kmh`` is given.

    Returns
    -------
    CoverageResult
        Areas and points in EPSG:4326, with the minutes, speed and filters used.

    Raises
    ------
    CoverageError
        ``minutes`` or ``speed_kmh`` is not a number above 0.
    """
    minutes = settings.COVERAGE_MINUTES if minutes is None else minutes
    speed_kmh = filter_speed(filters, speed_kmh)
    speed_kmh = settings.WALK_SPEED_KMH if speed_kmh is None else speed_kmh
    if not np.isfinite(minutes) or minutes <= 0:
        raise CoverageError("minutes_invalid", "fix_minutes", minutes=minutes)
    places, counts = filtered_inputs_places(inputs, filters, remove_ids)
    prepared = _prepared(inputs)
    sites = prepared.place_snap(places)
    if add_points is not None:
        kept = places
        places = active_meeting_places(inputs, remove_ids, add_points, places=kept)
        sites = _join_snaps(sites, _snap_sites(inputs, places.iloc[len(kept):]))
    else:
        places = places.copy(deep=False)  # copy-on-write: the caller's changes never reach the inputs
    walk_minutes = prepared.nearest(sites) / metres_per_minute(speed_kmh)
    result = _result(prepared, walk_minutes, float(minutes), float(speed_kmh), places, inputs.notes)
    result.filters = (filters or PlaceFilters()).to_dict()
    result.place_counts = counts
    result.completeness, result.groups = inputs.completeness, inputs.groups
    result.method = method_stamp(speed_kmh, inputs.data_dates)
    return result


def filtered_inputs_places(inputs: CoverageInputs, filters: PlaceFilters | None,
                           remove_ids=()) -> tuple[gpd.GeoDataFrame, dict]:
    """The workspace's meeting places that count under ``filters`` (see :func:`filter_places`).

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    filters : PlaceFilters or None
        The filters.
    remove_ids : iterable of str
        Places switched off (not counted in ``places`` either).

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, dict)
        The places kept and the counts of :func:`filter_places`.
    """
    places = inputs.meeting_places
    removed = [] if remove_ids is None else list(remove_ids)
    if removed:
        places = places[~places["id"].isin(removed)]
    if filters is None or not filters.active:  # the opening hours are read once per inputs, not per slider move
        known = _prepared(inputs).hours_known(places)
        return places, {"places": int(len(places)), "counted": int(len(places)), "hours_unknown": int((~known).sum())}
    return filter_places(places, inputs.activities, filters)


def _result(prepared: _Prepared, walk_minutes, minutes, speed_kmh, places, notes) -> CoverageResult:
    """The per-area table from the minutes of every demand point: sums by bincount, quantiles on one sort."""
    shared = prepared.shared
    population = shared.population
    covered = walk_minutes <= minutes
    reachable = np.isfinite(walk_minutes)
    group, count = shared.point_group, shared.group_count
    inside = group >= 0
    g = group[inside]
    covered_sum = np.bincount(g, weights=np.where(covered, population, 0)[inside], minlength=count)
    unreachable_sum = np.bincount(g, weights=np.where(reachable, 0, population)[inside], minlength=count)
    median, p90 = _group_quantiles(walk_minutes[inside], population[inside], g, count, (0.5, 0.9))
    area = shared.area_group
    population = shared.area_population
    covered_area = covered_sum.astype(np.int64)[area]
    uncovered = population - covered_area
    # Most uncovered first, then by code (as sort_values on both would, stable for equal codes).
    order = np.lexsort((shared.code_rank, -uncovered))
    columns = {"buurt_code": shared.area_columns["buurt_code"].take(order),
               "name": shared.area_columns["name"].take(order), "level": shared.area_columns["level"].take(order),
               "population": population[order], "covered_population": covered_area[order],
               "uncovered_population": uncovered[order],
               "coverage_pct": np.array([_pct(c, p) for c, p in zip(covered_area[order].tolist(),
                                                                   population[order].tolist())], dtype=float),
               "median_minutes": median[area][order], "p90_minutes": p90[area][order],
               "unreachable_population": unreachable_sum.astype(np.int64)[area][order],
               "population_cbs": shared.population_cbs[order], "data_share": shared.data_share[order]}
    # Inside the map data for less than COMPLETE_DATA_SHARE: partial, its figures about that part only;
    # below WITHHOLD_DATA_SHARE the faces show no figure for it (see CoverageResult).
    columns["partial"] = columns["data_share"] < float(settings.COMPLETE_DATA_SHARE)
    columns["withheld"] = columns["data_share"] < float(settings.WITHHOLD_DATA_SHARE)
    table = pd.DataFrame(columns)
    result = CoverageResult(minutes, speed_kmh, places, list(notes))
    result._order, result._table = order, table
    result._walk_minutes, result._covered, result._shared = walk_minutes, covered, shared
    return result


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Smallest value at or below which a share ``q`` of the weight lies; NaN if that is unreachable."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    value = values[order][np.searchsorted(cumulative, q * cumulative[-1], side="left")]
    return round(float(value), 1) if np.isfinite(value) else float("nan")
