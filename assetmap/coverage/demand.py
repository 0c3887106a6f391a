"""Coverage stage, demand: the areas analysed, the residents placed in them, the sites, each area's profile.

:func:`analysis_areas` cuts the finest boundaries to the study area; :func:`demand_points`
spreads each area's population over its homes (else a grid) by :func:`largest_remainder`;
:func:`site_points` and the inner ``_points`` turn meeting places and candidates into points;
:func:`area_profiles` says how complete each area's mapping is and whom its places serve.
:class:`CoverageInputs` holds all of it, as :func:`assetmap.coverage.load_inputs` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.coverage._common import CoverageError, _plain
from assetmap.coverage.network import Snap, WalkNetwork, snap
from assetmap.layers.assets import target_group_list
from assetmap.layers.boundaries import finest_level
from assetmap.layers.schema import AGE_GROUP_FIELDS, BUILDING_BLOCKS, TARGET_GROUPS
from assetmap.messages import Message

__all__ = ["PLACE_ATTRIBUTES", "CoverageInputs", "analysis_areas", "area_profiles", "demand_points",
           "largest_remainder", "site_points"]


def analysis_areas(boundaries: gpd.GeoDataFrame, study_area: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """The finest boundaries (buurten, else wijken) cut to the study area, population scaled by surface share.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        The workspace's CBS boundaries (``code``, ``name``, ``level``, ``population``), any CRS.
    study_area : geopandas.GeoDataFrame or None
        The area analysed, any CRS; None or empty for the whole boundaries.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:28992 polygons with ``buurt_code`` (the area's CBS code), ``name``, ``level``,
        ``population`` (integer residents analysed), ``population_cbs`` and ``share_in_area``
        (0..1 of the surface inside the study area). Areas with less than 1 m² inside are
        left out.

    Raises
    ------
    CoverageError
        There are no boundaries, or none of them carries a population.
    """
    if boundaries is None or boundaries.empty:
        raise CoverageError("coverage_no_boundaries", "fix_import_boundaries_first")
    # The finest level that carries population (CBS buurt files without counts fall back to wijken).
    counted = boundaries[pd.to_numeric(boundaries["population"], errors="coerce").notna()]
    level = finest_level(counted) if len(counted) else finest_level(boundaries)
    areas = boundaries[boundaries["level"] == level].to_crs(settings.METRIC_CRS).reset_index(drop=True)
    shape = areas.geometry.make_valid().to_numpy()
    full = shapely.area(shape)
    if study_area is not None and not study_area.empty:
        limit = shapely.make_valid(shapely.union_all(study_area.to_crs(settings.METRIC_CRS).geometry.array))
        shape = shapely.intersection(shape, limit)
    inside = shapely.area(shape)
    share = np.where(full > 0, inside / np.maximum(full, 1e-9), 0.0)
    cbs = pd.to_numeric(areas["population"], errors="coerce").astype(float)
    if cbs.isna().all():
        raise CoverageError("coverage_no_population", "fix_population_cbs", level=level)
    share = np.where(share > 0.999, 1.0, share)  # areas wholly inside keep the CBS count exactly
    population = np.round(cbs.fillna(0).to_numpy() * share).astype(np.int64)
    out = gpd.GeoDataFrame({
        "buurt_code": areas["code"].astype(str).to_numpy(),
        "name": areas["name"].astype("string").fillna("").to_numpy(),
        "level": level,
        "population": population,
        "population_cbs": cbs.to_numpy(),
        "share_in_area": share,
    }, geometry=shape, crs=settings.METRIC_CRS)
    return out[inside > 1.0].reset_index(drop=True)


def demand_points(areas: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None,
                  grid_m: float | None = None) -> gpd.GeoDataFrame:
    """Spread each area's population over residential buildings, else over a clipped grid.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        From :func:`analysis_areas` (EPSG:28992, ``buurt_code``, ``population``).
    buildings : geopandas.GeoDataFrame or None
        Residential buildings (``footprint_m2`` in m², ``levels``), any CRS; weight is
        footprint × floors.
    grid_m : float, optional
        Side of the fallback grid cells in metres; default ``settings.DEMAND_GRID_M``, read when
        the function runs.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:28992 points: ``buurt_code``, ``population`` (integers summing exactly to the
        area's population), ``method`` (``buildings`` or ``grid``).
    """
    if grid_m is None:
        grid_m = settings.DEMAND_GRID_M
    homes = _homes(buildings)
    joined = gpd.sjoin(homes, areas[["buurt_code", "geometry"]], predicate="within", how="inner") \
        if not homes.empty else homes.assign(buurt_code=pd.Series(dtype="string"))
    # One join for all buildings, then each area's rows by position (not one filter of all buildings per area).
    rows_of = joined.groupby("buurt_code", sort=False).indices if len(joined) else {}
    home_points = joined.geometry.to_numpy() if len(joined) else np.array([], dtype=object)
    home_weights = joined["weight"].to_numpy(dtype=float) if len(joined) else np.array([])
    codes, counts_all, methods, geometry = [], [], [], []
    for code, population, shape in zip(areas["buurt_code"].tolist(), areas["population"].tolist(),
                                       areas.geometry.array):
        if population <= 0:
            continue
        rows = rows_of.get(code)
        if rows is not None and len(rows):
            points, weights, method = home_points[rows], home_weights[rows], "buildings"
        else:
            points, weights, method = _grid(shape, grid_m)
        counts = largest_remainder(int(population), weights)
        keep = counts > 0
        codes.append(np.full(int(keep.sum()), code, dtype=object))
        counts_all.append(counts[keep])
        methods.append(np.full(int(keep.sum()), method, dtype=object))
        geometry.append(np.asarray(points)[keep])
    if not codes:
        return gpd.GeoDataFrame({"buurt_code": [], "population": [], "method": []},
                                geometry=gpd.GeoSeries([], crs=settings.METRIC_CRS))
    frame = pd.DataFrame({"buurt_code": np.concatenate(codes), "population": np.concatenate(counts_all),
                          "method": np.concatenate(methods), "geometry": np.concatenate(geometry)})
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.METRIC_CRS)


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to exactly ``total`` (largest remainder method).

    Parameters
    ----------
    total : int
        The sum to reach (residents).
    weights : numpy.ndarray
        Non-negative weights; NaN and negative count as 0, all zero as equal weights.

    Returns
    -------
    numpy.ndarray
        int64 counts, one per weight, summing to ``total``.
    """
    weights = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    weights = np.where(weights > 0, weights, 0.0)
    if weights.sum() <= 0:
        weights = np.ones(len(weights))
    quota = total * weights / weights.sum()
    counts = np.floor(quota).astype(np.int64)
    rest = total - int(counts.sum())
    if rest > 0:
        counts[np.argsort(-(quota - counts), kind="stable")[:rest]] += 1
    return counts


def _homes(buildings: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if buildings is None or buildings.empty:
        return gpd.GeoDataFrame({"weight": []}, geometry=gpd.GeoSeries([], crs=settings.METRIC_CRS))
    footprint = pd.to_numeric(buildings["footprint_m2"], errors="coerce").fillna(50.0).clip(lower=10.0)
    levels = pd.to_numeric(buildings["levels"], errors="coerce").fillna(1.0).clip(lower=1.0, upper=60.0)
    return gpd.GeoDataFrame({"weight": (footprint * levels).to_numpy()},
                            geometry=buildings.geometry.to_crs(settings.METRIC_CRS).to_numpy(), crs=settings.METRIC_CRS)


def _grid(shape, grid_m: float) -> tuple[np.ndarray, np.ndarray, str]:
    x0, y0, x1, y1 = shape.bounds
    xs = np.arange(np.floor(x0 / grid_m) * grid_m, x1, grid_m)
    ys = np.arange(np.floor(y0 / grid_m) * grid_m, y1, grid_m)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    cells = shapely.intersection(shapely.box(gx, gy, gx + grid_m, gy + grid_m), shape)
    area = shapely.area(cells)
    keep = area > 1.0
    if not keep.any():
        return np.array([shapely.point_on_surface(shape)]), np.array([1.0]), "grid"
    return shapely.point_on_surface(cells[keep]), area[keep], "grid"


#: Meeting-place attributes the filters read, kept with every site.
PLACE_ATTRIBUTES = ("building_block", "opening_hours", "access", "scale", "capacity", "target_groups")


def _points(assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sites as points (polygons by a point inside them), EPSG:4326, with their meeting-place attributes."""
    frame = assets[["id", "name", "category"] + [c for c in PLACE_ATTRIBUTES if c in assets.columns]
                   + ["geometry"]].copy()
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    metric = frame.geometry.to_crs(settings.METRIC_CRS)
    frame["geometry"] = metric.representative_point().to_crs(settings.STORAGE_CRS)
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry="geometry", crs=settings.STORAGE_CRS)


def site_points(lon_lat) -> gpd.GeoDataFrame:
    """New (hypothetical) meeting places, for what-if questions.

    Parameters
    ----------
    lon_lat : iterable of (float, float)
        ``[(lon, lat), ...]`` in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points with ``id`` None, ``name`` ``new meeting place``, ``category`` ``new``.
    """
    coords = np.asarray(list(lon_lat), dtype=float).reshape(-1, 2)
    return gpd.GeoDataFrame({"id": [None] * len(coords), "name": ["new meeting place"] * len(coords),
                             "category": ["new"] * len(coords)},
                            geometry=shapely.points(coords), crs=settings.STORAGE_CRS)


def _snap_sites(inputs: CoverageInputs, sites: gpd.GeoDataFrame) -> Snap:
    return _snap_sites_raw(inputs.network, sites)


def _snap_sites_raw(network: WalkNetwork, sites: gpd.GeoDataFrame) -> Snap:
    return snap(network, shapely.get_coordinates(sites.geometry.to_crs(settings.METRIC_CRS).array))


def area_profiles(areas: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, assets: gpd.GeoDataFrame,
                  activities: pd.DataFrame | None, meeting_place_categories: tuple[str, ...] = ()
                  ) -> tuple[dict, dict]:
    """How complete the mapping of each area is, and which groups its mapped places serve.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        From :func:`analysis_areas` (``buurt_code`` holds the area's CBS code, ``level``).
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries, with the CBS age groups
        (:data:`~assetmap.layers.schema.AGE_GROUP_FIELDS`, % of residents).
    assets : geopandas.GeoDataFrame
        The assets the reader may see, with ``buurt_code``/``wijk_code``, ``building_block``,
        ``source``, ``updated_at``, ``target_groups``.
    activities : pandas.DataFrame or None
        Activities the reader may see.
    meeting_place_categories : tuple of str
        Categories that count as meeting places besides those marked.

    Returns
    -------
    tuple of (dict, dict)
        Per area code: completeness (``assets`` per building block, ``total``,
        ``last_entry`` — the latest workshop or import entry or activity, ISO date or None — and
        ``possibly_unmapped``: no entry from a workshop or import) and groups (``age_groups``: %
        of residents per CBS age group, None where CBS gives none; ``served``: number of mapped
        associations and meeting places per target group, ``not_recorded`` for those that name none).
    """
    level = str(areas["level"].iloc[0]) if len(areas) else "buurt"
    column = "buurt_code" if level == "buurt" else "wijk_code" if level == "wijk" else "gemeente_code"
    codes = list(areas["buurt_code"])
    own = assets[assets[column].isin(codes).fillna(False).to_numpy()] if column in assets.columns else assets.iloc[:0]
    local = own["source"].isin(["workshop", "import"]).fillna(False).to_numpy()
    acts = activities if activities is not None and len(activities) else None
    act_area = {}
    if acts is not None:
        area_of = dict(zip(own["id"], own[column]))
        for asset_id, created in zip(acts["asset_id"], acts["created_at"]):
            if asset_id in area_of and isinstance(created, str):
                act_area.setdefault(area_of[asset_id], []).append(created)
    marked = own["is_meeting_place"].fillna(False).astype(bool) if "is_meeting_place" in own.columns \
        else pd.Series(False, index=own.index)
    is_serving = (marked | own["category"].isin(meeting_place_categories).fillna(False)
                  | (own["building_block"] == "association").fillna(False)).to_numpy(dtype=bool)
    # Each area's rows by position, found once (not one comparison of all assets per area).
    own = own.reset_index(drop=True)
    rows_of = own.groupby(column, sort=False).indices if len(own) else {}
    block_of = pd.Index(list(BUILDING_BLOCKS)).get_indexer(own["building_block"])  # -1 for an unknown block
    updated = own["updated_at"].astype(object).to_numpy()
    target_groups = own["target_groups"].astype(object).to_numpy() if len(own) else np.array([], dtype=object)
    ages = _age_rows(boundaries)
    nothing = np.array([], dtype=np.int64)
    completeness, groups = {}, {}
    for code in codes:
        rows = rows_of.get(code, nothing)
        counts = np.bincount(block_of[rows][block_of[rows] >= 0], minlength=len(BUILDING_BLOCKS))
        mine = updated[rows[local[rows]]]
        dates = [str(d) for d in mine[~pd.isna(mine)]] + act_area.get(code, [])
        completeness[code] = {
            "assets": {b: int(counts[i]) for i, b in enumerate(BUILDING_BLOCKS)}, "total": int(len(rows)),
            "last_entry": max(dates)[:10] if dates else None, "possibly_unmapped": not dates}
        served = {g: 0 for g in TARGET_GROUPS}
        served["not_recorded"] = 0
        for value in target_groups[rows[is_serving[rows]]]:
            recorded = target_group_list(_plain(value))
            for group in recorded:
                served[group] += 1
            served["not_recorded"] += 0 if recorded else 1
        groups[code] = {"age_groups": ages.get(code) or {f: None for f in AGE_GROUP_FIELDS}, "served": served}
    return completeness, groups


def _age_rows(boundaries: gpd.GeoDataFrame) -> dict:
    """Per boundary code, the CBS age groups (% of residents; None where CBS gives none)."""
    if not len(boundaries):
        return {}
    columns = {f: boundaries[f].astype(object).to_numpy() if f in boundaries.columns else None
               for f in AGE_GROUP_FIELDS}
    out = {}
    for i, code in enumerate(boundaries["code"].tolist()):
        if code not in out:
            out[code] = {f: (None if values is None or pd.isna(values[i]) else float(values[i]))
                         for f, values in columns.items()}
    return out


@dataclass
class CoverageInputs:
    """Everything the analysis needs, read from a workspace once (see :func:`load_inputs`).

    Parameters
    ----------
    network : WalkNetwork
        The walking network (EPSG:28992, metres), from :func:`build_network`.
    areas : geopandas.GeoDataFrame
        The analysed areas in EPSG:28992, from :func:`analysis_areas`.
    demand : geopandas.GeoDataFrame
        Demand points (residents) in EPSG:28992, from :func:`demand_points`.
    demand_snap : Snap
        The demand points placed on the network, in the order of ``demand``.
    meeting_places : geopandas.GeoDataFrame
        The meeting places counted, as EPSG:4326 points (polygons by a point inside them):
        ``id``, ``name``, ``category``.
    candidates : geopandas.GeoDataFrame
        Candidate sites for a new meeting place, as EPSG:4326 points: ``id``, ``name``,
        ``category``.
    notes : list of assetmap.messages.Message
        Things the user should know (residents that cannot reach the network, no meeting
        places at all).
    activities : pandas.DataFrame or None
        The activities the reader may see (for the ``when``, ``access`` and ``group`` filters).
    completeness : dict
        Per area code, how complete its mapping is (see :func:`area_profiles`).
    groups : dict
        Per area code, the CBS age groups and the target groups its mapped places serve (see
        :func:`area_profiles`).
    placement_key : str
        The :func:`placement_key` of the workspace the demand was placed for.
    data_dates : dict
        How current the data are, as kept at import: ``osm_date`` (ISO day of the OSM data) and
        ``cbs_year`` (the CBS edition), None where unknown (see :func:`method_stamp`).
    """

    network: WalkNetwork
    areas: gpd.GeoDataFrame            # RD New, see analysis_areas
    demand: gpd.GeoDataFrame           # RD New points, see demand_points
    demand_snap: Snap
    meeting_places: gpd.GeoDataFrame   # EPSG:4326: id, name, category, geometry
    candidates: gpd.GeoDataFrame       # EPSG:4326: id, name, category, geometry
    notes: list[Message] = field(default_factory=list)
    activities: pd.DataFrame | None = None
    completeness: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    placement_key: str = ""            # see placement_key: what demand and demand_snap were made from
    data_dates: dict = field(default_factory=dict)
