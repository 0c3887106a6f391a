"""Coverage stage, results: :class:`CoverageResult` (the per-area table and its layers) and :func:`save_coverage`.

The inner ``_Shared`` holds what every result of one :class:`CoverageInputs` shares (demand →
area groups, geometry in EPSG:4326, made when a layer first needs it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.coverage._common import DATA_DATES_TABLE, _group_quantiles
from assetmap.coverage.demand import CoverageInputs
from assetmap.coverage.filters import PlaceFilters
from assetmap.coverage.network import MIN_COMPONENT_NODES
from assetmap.coverage.placement import _demand_lonlat
from assetmap.layers.schema import BUILDING_BLOCKS
from assetmap.messages import Message

__all__ = ["AREA_COLUMNS", "DATA_DATES_TABLE", "METHOD_TABLE", "METHOD_VERSION", "CoverageResult", "area_rows",
           "method_stamp", "save_coverage"]

#: The version of the coverage method, cited with every figure (``method.version``). Raised whenever
#: a change would give another figure for the same data: how residents are placed, snapped, walked
#: or counted. 3: areas partly outside the map data are flagged (``data_share``, ``partial``), an
#: import keeps places and ways up to a buffer beyond the area, ``--categories`` restricts.
METHOD_VERSION: str = "3"

#: The one-row table that :func:`save_coverage` writes beside the per-area table: minutes and method stamp.
METHOD_TABLE: str = "coverage_method"


def method_stamp(speed_kmh: float, data_dates: dict | None = None) -> dict:
    """What a coverage figure needs beside it to be cited and compared across years.

    Parameters
    ----------
    speed_kmh : float
        The walking speed used, km/h.
    data_dates : dict, optional
        ``osm_date`` and ``cbs_year`` as kept at import (:attr:`CoverageInputs.data_dates`).

    Returns
    -------
    dict
        ``version`` (:data:`METHOD_VERSION`), ``speed_kmh``, ``snapping`` (the rule, with the
        current settings), ``osm_date`` (ISO day of the OSM data, None when unknown) and
        ``cbs_year`` (the CBS edition as text, None when unknown).

    Examples
    --------
    >>> method_stamp(4.5, {"osm_date": "2025-08-06", "cbs_year": "2022"})["snapping"]
    'nearest walkable way, at most 500 m; network parts under 50 nodes skipped'
    """
    dates = data_dates or {}
    return {"version": METHOD_VERSION, "speed_kmh": float(speed_kmh),
            "snapping": (f"nearest walkable way, at most {settings.MAX_SNAP_DISTANCE_M:g} m; "
                         f"network parts under {MIN_COMPONENT_NODES} nodes skipped"),
            "osm_date": dates.get("osm_date"), "cbs_year": dates.get("cbs_year")}


#: Columns of the per-area coverage table (:attr:`CoverageResult.buurten`).
AREA_COLUMNS = ["buurt_code", "name", "level", "population", "covered_population", "uncovered_population",
                "coverage_pct", "median_minutes", "p90_minutes", "unreachable_population", "population_cbs",
                "data_share", "partial", "withheld"]


@dataclass
class CoverageResult:
    """Coverage for one walking time and speed (see :func:`compute_coverage`).

    The per-area table and the figures are computed at once; the layers with geometry
    (``areas``, ``gaps``, ``points``) are built when first read, since a slider move in the app
    or a what-if needs only the figures.

    Parameters
    ----------
    minutes : float
        Walking minutes that counted as nearby.
    speed_kmh : float
        Walking speed used, in km/h.
    meeting_places : geopandas.GeoDataFrame
        The meeting places counted (EPSG:4326 points), after any removed or added.
    notes : list of assetmap.messages.Message
        The notes of the inputs (see :class:`CoverageInputs`).
    filters : dict
        The filters applied (``when``, ``access``, ``group``; None where not set).
    place_counts : dict
        ``places`` (meeting places before the filters), ``counted`` and ``hours_unknown`` (see
        :func:`filter_places`).
    completeness : dict
        Per area code, how complete the mapping is (see :func:`area_profiles`).
    groups : dict
        Per area code, the CBS age groups and the target groups served (see :func:`area_profiles`).
    method : dict
        The method stamp (:func:`method_stamp`): version, speed, snapping rule, data dates.

    Attributes
    ----------
    areas : geopandas.GeoDataFrame
        EPSG:4326 polygons with :data:`AREA_COLUMNS`, most uncovered residents first.
    gaps : geopandas.GeoDataFrame
        EPSG:4326 demand points beyond ``minutes`` (unreachable ones too): ``buurt_code``,
        ``population`` and ``walk_minutes`` (NaN where unreachable).
    points : geopandas.GeoDataFrame
        EPSG:4326, every demand point: ``buurt_code``, ``population``, ``walk_minutes`` (NaN
        where unreachable) and ``covered``.
    """

    minutes: float
    speed_kmh: float
    meeting_places: gpd.GeoDataFrame  # the meeting places counted
    notes: list[Message]
    filters: dict = field(default_factory=lambda: PlaceFilters().to_dict())
    place_counts: dict = field(default_factory=dict)
    completeness: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    method: dict = field(default_factory=dict)
    _table: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)
    _order: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _walk_minutes: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _covered: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _shared: object = field(default=None, init=False, repr=False, compare=False)

    @cached_property
    def areas(self) -> gpd.GeoDataFrame:
        """EPSG:4326 polygons with :data:`AREA_COLUMNS`, most uncovered residents first."""
        return gpd.GeoDataFrame(self._table.copy(), geometry=self._shared.area_geometry()[self._order],
                                crs=settings.STORAGE_CRS)

    @cached_property
    def points(self) -> gpd.GeoDataFrame:
        """EPSG:4326, every demand point: ``buurt_code``, ``population``, ``walk_minutes`` and ``covered``."""
        return self._point_frame(slice(None), with_covered=True)

    @cached_property
    def gaps(self) -> gpd.GeoDataFrame:
        """EPSG:4326 demand points beyond the minutes (unreachable ones too), without ``covered``."""
        return self._point_frame(~self._covered, with_covered=False)

    @cached_property
    def gap_coordinates(self) -> pd.DataFrame:
        """The gaps to draw, as a plain table: ``lon``, ``lat`` (EPSG:4326) and ``walk_minutes`` (NaN
        where unreachable), in the order of ``gaps``, without a point object per row, and without the
        gaps of a ``withheld`` area: where too little of an area lies in the map data to give its
        figure, a dot "too far from a meeting place" would claim what the figure does not."""
        rows = ~self._covered & ~self._in_withheld_area()
        lonlat = self._shared.point_lonlat(rows)
        walk = self._walk_minutes[rows]
        return pd.DataFrame({"lon": lonlat[:, 0], "lat": lonlat[:, 1],
                             "walk_minutes": np.where(np.isfinite(walk), np.round(walk, 2), np.nan)})

    def _in_withheld_area(self) -> np.ndarray:
        """Per demand point: whether it lies in an area whose figure is withheld (see :meth:`to_dict`)."""
        shared = self._shared
        withheld = np.zeros(len(self._table), dtype=bool)
        withheld[self._order] = self._table["withheld"].to_numpy(dtype=bool)  # back to the order of the inputs
        group_withheld = np.zeros(shared.group_count + 1, dtype=bool)  # the last slot: points in no area
        group_withheld[shared.area_group[withheld]] = True
        return group_withheld[shared.point_group]

    def _point_frame(self, rows, with_covered: bool) -> gpd.GeoDataFrame:
        shared, walk = self._shared, self._walk_minutes
        frame = {"buurt_code": shared.point_code[rows], "population": shared.population[rows],
                 "walk_minutes": np.where(np.isfinite(walk), np.round(walk, 2), np.nan)[rows]}
        if with_covered:
            frame["covered"] = self._covered[rows]
        return gpd.GeoDataFrame(frame, geometry=shared.point_geometry(rows), crs=settings.STORAGE_CRS)

    def __getstate__(self) -> dict:
        """Pickled (``st.cache_data``) with its layers built, and without the inputs it was computed from."""
        for name in ("areas", "points", "gaps", "gap_coordinates"):
            getattr(self, name)
        state = dict(self.__dict__)
        state["_shared"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        """Restore a pickled result (see :meth:`__getstate__`)."""
        self.__dict__.update(state)

    def stamped_table(self) -> pd.DataFrame:
        """The per-area table as saved and written to CSV: :data:`AREA_COLUMNS`, ``minutes`` and the
        method stamp on every row (``speed_kmh``, ``method_version``, ``snapping``, ``osm_date``,
        ``cbs_year``), so that a row read on its own can still be cited.

        Returns
        -------
        pandas.DataFrame
            One row per area, most uncovered residents first, without geometry.
        """
        return self.buurten.assign(minutes=self.minutes, **_stamp_columns(self))

    def parent_table(self, parent_of: dict, names: dict | None = None, level: str = "wijk") -> pd.DataFrame:
        """The per-area table summed up to parent areas (the wijken of the buurten), stamped as
        :meth:`stamped_table`: sums of residents, and medians from the demand points themselves (a
        median of medians would be wrong).

        Parameters
        ----------
        parent_of : dict
            Area code -> parent code (``BU05180101`` -> ``WK051801``); areas without one are left out.
        names : dict, optional
            Parent code -> name.
        level : str
            The ``level`` the rows get.

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`stamped_table`, one row per parent in code order; ``partial`` and
            ``withheld`` when any of its areas is, ``data_share`` the population-weighted share.
        """
        table = self.buurten
        table = table.assign(parent=table["buurt_code"].map(parent_of))
        table = table[table["parent"].notna()]
        parents = sorted(table["parent"].unique())
        index = {code: k for k, code in enumerate(parents)}
        sums = table.groupby("parent")[["population", "covered_population", "uncovered_population",
                                        "unreachable_population", "population_cbs"]].sum()
        flags = table.groupby("parent")[["partial", "withheld"]].any()
        share = (table["data_share"] * table["population_cbs"]).groupby(table["parent"]).sum() \
            / sums["population_cbs"].where(sums["population_cbs"] > 0)
        point_parent = pd.Series(self._shared.point_code).map(parent_of).map(index)
        inside = point_parent.notna().to_numpy()
        walk = np.where(np.isfinite(self._walk_minutes), self._walk_minutes, np.inf)[inside]
        median, p90 = _group_quantiles(walk, self._shared.population[inside],
                                       point_parent[inside].astype(np.int64).to_numpy(), len(parents), (0.5, 0.9))
        sums, flags, share = sums.reindex(parents), flags.reindex(parents), share.reindex(parents)
        out = pd.DataFrame({
            "buurt_code": parents, "name": [(names or {}).get(c, c) for c in parents], "level": level,
            "population": sums["population"].to_numpy(), "covered_population": sums["covered_population"].to_numpy(),
            "uncovered_population": sums["uncovered_population"].to_numpy(),
            "coverage_pct": [_pct(int(c), int(p)) for c, p in zip(sums["covered_population"], sums["population"])],
            "median_minutes": median, "p90_minutes": p90,
            "unreachable_population": sums["unreachable_population"].to_numpy(),
            "population_cbs": sums["population_cbs"].to_numpy(), "data_share": share.fillna(0.0).to_numpy(),
            "partial": flags["partial"].to_numpy(dtype=bool), "withheld": flags["withheld"].to_numpy(dtype=bool)})
        return out[AREA_COLUMNS].assign(minutes=self.minutes, **_stamp_columns(self))

    @property
    def buurten(self) -> pd.DataFrame:
        """The per-area table without geometry (:data:`AREA_COLUMNS`)."""
        return self._table.copy()

    @property
    def total(self) -> dict:
        """``population``, ``covered_population`` and ``coverage_pct`` over all areas."""
        population = int(self._table["population"].sum())
        covered = int(self._table["covered_population"].sum())
        return {"population": population, "covered_population": covered,
                "coverage_pct": _pct(covered, population)}

    def to_dict(self) -> dict:
        """The result as plain JSON-ready data (minutes, speed, total and one row per area).

        The contract of ``assetmap coverage --json`` (version 2): each area says its ``level``
        (``buurt``, or ``wijk`` where the workspace has no buurten with population) and its CBS
        ``code``. The key ``buurten`` and the field ``buurt_code`` (the same code) stay for
        readers of version 1.

        Additions within version 2 (new top-level keys only; the rows of ``buurten`` are as
        before): ``filters`` (the filters applied, None where not set), ``hours_unknown`` (meeting
        places whose opening hours are missing or unreadable), ``places`` (``places``,
        ``counted``, ``hours_unknown``), ``completeness`` (over all areas, with ``per_area`` by
        code) and ``groups`` (by code: CBS age groups and the target groups served; see
        :func:`area_profiles`); ``method`` (:func:`method_stamp`: ``version``, ``speed_kmh``,
        ``snapping``, ``osm_date``, ``cbs_year``), and per area ``population_cbs`` (the CBS count of
        the whole area), ``data_share`` (0..1 of the area inside the map data; ``population`` is
        that share of ``population_cbs``), ``partial`` (``data_share`` below
        ``settings.COMPLETE_DATA_SHARE``: the row's figures are about the part inside the data,
        and residents near its edge may reach places the data does not hold) and ``withheld``
        (below ``settings.WITHHOLD_DATA_SHARE``: the CLI, the app and the profile show no figure).

        Returns
        -------
        dict
            ``contract``, ``method``, ``minutes``, ``speed_kmh``, ``level``, ``total``, ``filters``,
            ``hours_unknown``, ``places``, ``completeness``, ``groups`` and ``buurten`` (one row
            per area; NaN minutes as None).
        """
        rows = []
        for row in self.buurten.itertuples():
            rows.append({"level": row.level, "code": row.buurt_code,
                         "buurt_code": row.buurt_code, "name": row.name, "population": int(row.population),
                         "covered_population": int(row.covered_population), "coverage_pct": row.coverage_pct,
                         "median_minutes": _json_number(row.median_minutes),
                         "p90_minutes": _json_number(row.p90_minutes), "population_cbs": int(row.population_cbs),
                         "data_share": float(row.data_share), "partial": bool(row.partial),
                         "withheld": bool(row.withheld)})
        levels = sorted({r["level"] for r in rows})
        return {"contract": 2, "method": dict(self.method) or method_stamp(self.speed_kmh),
                "minutes": self.minutes, "speed_kmh": self.speed_kmh,
                "level": levels[0] if len(levels) == 1 else None, "total": self.total,
                "filters": dict(self.filters), "hours_unknown": int(self.place_counts.get("hours_unknown", 0)),
                "places": dict(self.place_counts),
                "completeness": {**self.completeness_summary, "per_area": {r["code"]: self.completeness.get(r["code"])
                                                                         for r in rows}},
                "groups": {r["code"]: self.groups.get(r["code"]) for r in rows}, "buurten": rows}

    @property
    def completeness_summary(self) -> dict:
        """Mapping completeness over all areas: ``assets`` per building block, ``total``,
        ``last_entry`` (ISO date or None), ``areas`` and ``possibly_unmapped_areas`` (codes of the
        areas without any workshop or import entry: an empty area may simply be unmapped)."""
        parts = list(self.completeness.values())
        dates = [p["last_entry"] for p in parts if p.get("last_entry")]
        return {"assets": {b: sum(p["assets"][b] for p in parts) for b in BUILDING_BLOCKS},
                "total": sum(p["total"] for p in parts), "last_entry": max(dates) if dates else None,
                "areas": len(parts),
                "possibly_unmapped_areas": sorted(c for c, p in self.completeness.items() if p["possibly_unmapped"])}


class _Shared:
    """What every result of one :class:`CoverageInputs` shares: demand → area groups, tables, geometry in EPSG:4326."""

    def __init__(self, inputs: CoverageInputs):
        areas, demand = inputs.areas, inputs.demand
        self.area_group, unique = pd.factorize(areas["buurt_code"].to_numpy())
        self.group_count = len(unique)
        self.point_code = demand["buurt_code"].to_numpy()
        self.point_group = pd.Index(unique).get_indexer(self.point_code)  # -1: in no area (left out of the table)
        self.population = demand["population"].to_numpy(dtype=np.int64)
        table = pd.DataFrame(areas[["buurt_code", "name", "level", "population"]]).reset_index(drop=True)
        self.area_columns = {c: table[c].array for c in ("buurt_code", "name", "level")}
        self.area_population = table["population"].to_numpy(dtype=np.int64)
        share = areas["share_in_area"].to_numpy(dtype=float) if "share_in_area" in areas.columns \
            else np.ones(len(areas))
        self.data_share = np.round(share, 3)
        cbs = areas["population_cbs"].to_numpy(dtype=float) if "population_cbs" in areas.columns \
            else self.area_population.astype(float)
        self.population_cbs = np.where(np.isfinite(cbs), np.round(cbs), self.area_population).astype(np.int64)
        self.code_rank = np.unique(table["buurt_code"].astype(str).to_numpy(dtype=object), return_inverse=True)[1]
        self._area_rd, self._point_rd = areas.geometry.array, demand.geometry.array
        self._point_lonlat = _demand_lonlat(demand) if "lon" in demand.columns else None
        self._area_geometry = None
        self._point_geometry = np.empty(len(self._point_rd), dtype=object)  # filled as layers need them
        self._point_done = np.zeros(len(self._point_rd), dtype=bool)

    def area_geometry(self) -> np.ndarray:
        if self._area_geometry is None:  # reprojected once, when a layer is first drawn or saved
            self._area_geometry = gpd.GeoSeries(self._area_rd, crs=settings.METRIC_CRS).to_crs(
                settings.STORAGE_CRS).to_numpy()
        return self._area_geometry

    def point_lonlat(self, rows) -> np.ndarray:
        """(k, 2) EPSG:4326 coordinates of the points of ``rows``: as kept, else of :meth:`point_geometry`."""
        if self._point_lonlat is not None:
            return self._point_lonlat[rows]
        return shapely.get_coordinates(self.point_geometry(rows))

    def point_geometry(self, rows) -> np.ndarray:
        """The points of ``rows`` in EPSG:4326; each is made once, when a layer first needs it."""
        need = np.zeros(len(self._point_rd), dtype=bool)
        need[rows] = True
        need &= ~self._point_done
        if need.any():  # e.g. only the gaps of the first result drawn, not every resident
            if self._point_lonlat is not None:  # kept with the placement: no reprojection
                self._point_geometry[need] = shapely.points(self._point_lonlat[need])
            else:
                self._point_geometry[need] = gpd.GeoSeries(self._point_rd[need], crs=settings.METRIC_CRS).to_crs(
                    settings.STORAGE_CRS).to_numpy()
            self._point_done[need] = True
        return self._point_geometry[rows]


def area_rows(rows: list[dict], boundaries: gpd.GeoDataFrame, code: str) -> list[dict]:
    """The rows of ``coverage --json`` (``buurten``) that make up one area: its own row, or the rows inside it.

    Parameters
    ----------
    rows : list of dict
        The ``buurten`` of :meth:`CoverageResult.to_dict`.
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries (``code``, ``wijk_code``, ``gemeente_code``).
    code : str
        CBS code of a gemeente, wijk or buurt.

    Returns
    -------
    list of dict
        The area's own row; else the rows of the areas inside it; for a buurt of a workspace
        analysed per wijk, its wijk's row. Empty when the area lies outside the analysis.
    """
    own = [r for r in rows if r["code"] == code]
    if own:
        return own
    parent = {}
    for column in ("wijk_code", "gemeente_code"):
        if column in boundaries.columns:
            parent[column] = dict(zip(boundaries["code"], boundaries[column]))
    inside = [r for r in rows if code in (parent.get("wijk_code", {}).get(r["code"]),
                                          parent.get("gemeente_code", {}).get(r["code"]))]
    if inside or not code.startswith("BU"):
        return inside
    wijk = parent.get("wijk_code", {}).get(code)  # a buurt in a workspace analysed per wijk: its wijk's figures
    return [r for r in rows if r["code"] == wijk]


def _stamp_columns(result: CoverageResult) -> dict:
    """The method stamp as columns of a saved table (and of a CSV): one value for every row."""
    stamp = dict(result.method) or method_stamp(result.speed_kmh)
    return {"speed_kmh": result.speed_kmh, "method_version": stamp["version"], "snapping": stamp["snapping"],
            "osm_date": stamp["osm_date"], "cbs_year": stamp["cbs_year"]}


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _json_number(value):
    return None if value is None or pd.isna(value) else float(value)


def save_coverage(ws, result: CoverageResult) -> None:
    """Write the per-area table (polygons) and the gap layer into the workspace, in one transaction.

    Parameters
    ----------
    ws : assetmap.storage.Workspace
        An open workspace.
    result : CoverageResult
        From :func:`compute_coverage`; tables ``coverage_buurten`` and ``coverage_gaps``
        (EPSG:4326) are replaced, each row with the minutes and the method stamp
        (``speed_kmh``, ``method_version``, ``snapping``, ``osm_date``, ``cbs_year``), and the
        stamp alone in the one-row table :data:`METHOD_TABLE` (``coverage_method``).

    Returns
    -------
    None
    """
    stamp = _stamp_columns(result)
    areas = result.areas.assign(minutes=result.minutes, **stamp)
    gaps = result.gaps.assign(minutes=result.minutes, **stamp)
    # The stamp also as its own one-row table: a coverage_buurten written by an earlier version keeps
    # its columns (a stored table gains none), and this one is always there to cite.
    method = pd.DataFrame([{"minutes": result.minutes, **stamp}]).astype(
        {"method_version": "string", "snapping": "string", "osm_date": "string", "cbs_year": "string"})
    with ws.transaction():
        ws.save_result(METHOD_TABLE, method, "the method and data dates of the saved coverage (assetmap coverage)")
        ws.save_result("coverage_buurten", areas, "meeting-place coverage per buurt (assetmap coverage)")
        ws.save_result("coverage_gaps", gaps, "residents beyond the walking threshold (assetmap coverage)")
