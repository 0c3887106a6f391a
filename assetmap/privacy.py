"""Public views: what residents and the world may see.

Rules (see README, "Privacy and data safety"):

* only assets with ``visibility == "public"`` and ``consent`` are shown;
* contact details and the pseudonym of who added an entry are never shown, and a phone number or
  e-mail address typed into an individual's name or description is replaced by ``CONTACT_MASK``;
* a link (``related_asset_id``) to an asset that the view leaves out is removed, so a public story
  does not point at a hidden person;
* an individual capacity is never placed finer than its buurt: all individuals of a buurt share
  one anchor point inside the buurt that lies at least ``min_distance_m`` from every
  individual's own point. If no such point exists, the entry is shown without a location.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.layers.schema import CONTACT_FIELDS

#: Minimum distance between a public anchor and any person's own point, in metres.
MIN_ANCHOR_DISTANCE_M: float = 100.0
_HIDDEN_FIELDS = CONTACT_FIELDS + ("added_by",)
#: What a phone number or e-mail address in a person's public text is replaced by.
CONTACT_MASK: str = "[contact verborgen]"
# Phone numbers start with 0 or + (06-12345678, (070) 123 4567, +31 6 1234 5678, 0031 ...), so years
# and counts ("1985 1986 1987") are left alone; and e-mail addresses.
_CONTACT_PATTERN = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w+])(?:\((?=0\d{1,3}\)))?(?:\+\d|0)(?:[\s().-]{0,2}\d){8,13}(?![\w])")


def is_public(assets: gpd.GeoDataFrame) -> pd.Series:
    """Rows that may appear in a public view.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Assets with ``visibility`` and ``consent``.

    Returns
    -------
    pandas.Series
        Boolean, True where ``visibility`` is ``public`` and ``consent`` is true; a missing value
        counts as not public.
    """
    return (assets["visibility"] == "public").fillna(False) & assets["consent"].fillna(False).astype(bool)


def public_view(assets: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame | None,
                min_distance_m: float = MIN_ANCHOR_DISTANCE_M) -> gpd.GeoDataFrame:
    """The assets as the public may see them (see the module docstring for the rules).

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Every asset of the workspace (EPSG:4326), private ones too: every individual's own point
        is kept away from the anchors.
    boundaries : geopandas.GeoDataFrame or None
        Boundaries with ``code`` (EPSG:4326). An individual is placed at the anchor of its
        ``buurt_code``, else of its ``wijk_code``; without boundaries (or without an anchor) it is
        shown without a location.
    min_distance_m : float
        Least distance in metres (measured in EPSG:28992) between an anchor and any individual's
        own point.

    Returns
    -------
    geopandas.GeoDataFrame
        The public rows in EPSG:4326 with contact fields and ``added_by`` emptied.
    """
    individual_points = assets[assets["building_block"] == "individual"].geometry
    shown = assets[is_public(assets)].copy()
    for column in _HIDDEN_FIELDS:
        if column in shown.columns:
            shown[column] = pd.Series([pd.NA] * len(shown), dtype="string", index=shown.index)
    if "related_asset_id" in shown.columns:
        dangling = shown["related_asset_id"].notna() & ~shown["related_asset_id"].isin(shown["id"])
        shown.loc[dangling, "related_asset_id"] = pd.NA
    people = shown["building_block"] == "individual"
    if people.any():
        for column in ("name", "description"):
            if column in shown.columns:
                shown.loc[people, column] = shown.loc[people, column].map(mask_contact_details)
        anchors = buurt_anchors(boundaries, individual_points, min_distance_m)
        area = shown.loc[people, "buurt_code"].fillna(shown.loc[people, "wijk_code"])
        shown.loc[people, "geometry"] = gpd.GeoSeries([anchors.get(code) for code in area],
                                                      index=area.index, crs=settings.STORAGE_CRS)
    return gpd.GeoDataFrame(shown, geometry="geometry", crs=settings.STORAGE_CRS)


def mask_contact_details(text):
    """``text`` with phone numbers and e-mail addresses replaced by :data:`CONTACT_MASK`.

    Parameters
    ----------
    text : object
        A text; anything that is not a ``str`` (None, NA) is returned as it is.

    Returns
    -------
    object
        The masked text, or ``text`` itself when it is not a ``str``.
    """
    if not isinstance(text, str):
        return text
    return _CONTACT_PATTERN.sub(CONTACT_MASK, text)


def buurt_anchors(boundaries: gpd.GeoDataFrame | None, private_points: gpd.GeoSeries,
                  min_distance_m: float = MIN_ANCHOR_DISTANCE_M, step_m: float = 20.0) -> dict[str, object]:
    """One display point per boundary code, inside the area and away from every private point.

    Candidates are the area's representative point, then a grid of ``step_m`` inside the area,
    nearest to the centre first. Returns ``code -> Point`` (EPSG:4326) or ``None`` where no
    candidate is far enough from all private points.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame or None
        Areas with ``code``, in any CRS that is set; None or empty gives no anchors.
    private_points : geopandas.GeoSeries
        The points no anchor may come near, in any CRS that is set (a polygon counts by its
        representative point); missing and empty geometries are skipped.
    min_distance_m : float
        Least distance in metres from every private point (measured in EPSG:28992, with one
        metre of slack).
    step_m : float
        Spacing of the candidate grid in metres.

    Returns
    -------
    dict
        Boundary code -> shapely Point in EPSG:4326, or None.
    """
    if boundaries is None or boundaries.empty:
        return {}
    metric = boundaries.to_crs(settings.METRIC_CRS)
    private = private_points[private_points.notna() & ~private_points.is_empty]
    private_metric = private.to_crs(settings.METRIC_CRS).representative_point() if len(private) else private
    tree = shapely.STRtree(np.asarray(private_metric.geometry.array)) if len(private_metric) else None
    margin = min_distance_m + 1.0  # a metre of slack against rounding in exports
    anchors: dict[str, object] = {}
    to_wgs84 = []
    for code, area in zip(metric["code"], metric.geometry):
        chosen = None
        for candidate in _candidates(area, step_m):
            if tree is None or len(tree.query(candidate, predicate="dwithin", distance=margin)) == 0:
                chosen = candidate
                break
        anchors[code] = chosen
        to_wgs84.append(code)
    points = gpd.GeoSeries([anchors[c] for c in to_wgs84], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS)
    return {code: (None if p is None or p.is_empty else p) for code, p in zip(to_wgs84, points)}


def _candidates(area, step_m: float):
    centre = area.representative_point()
    yield centre
    minx, miny, maxx, maxy = area.bounds
    xs, ys = np.meshgrid(np.arange(minx, maxx, step_m), np.arange(miny, maxy, step_m))
    grid = shapely.points(xs.ravel(), ys.ravel())
    grid = grid[shapely.contains(area, grid)]
    order = np.argsort(shapely.distance(grid, centre))
    yield from grid[order]


def workshop_view(assets: gpd.GeoDataFrame, pseudonym: str | None) -> gpd.GeoDataFrame:
    """What a participant at a workshop table sees: public and group entries plus their own private ones.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Every asset of the workspace.
    pseudonym : str or None
        The participant's pseudonym; without one, no private entry is shown.

    Returns
    -------
    geopandas.GeoDataFrame
        The visible rows, without contact fields (people's own locations stay, as the group agreed).
    """
    if not len(assets):
        return assets
    visible = assets["visibility"].isin(["public", "group"]).fillna(False)
    if pseudonym:
        visible |= (assets["added_by"] == pseudonym).fillna(False)
    return assets[visible.to_numpy()].drop(columns=list(CONTACT_FIELDS), errors="ignore")
