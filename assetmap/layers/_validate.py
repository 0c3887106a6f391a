"""Collect every problem in a frame, then report once (osmnx style, with ``strict``)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError, Problem


def row_number(index_position: int) -> int:
    """Spreadsheet row number of a 0-based position (header row not counted)."""
    return int(index_position) + 1


def check_allowed(frame: pd.DataFrame, column: str, allowed: tuple[str, ...], problems: list[Problem],
                  rows: pd.Series | None = None) -> None:
    """Add a problem for every value of ``column`` outside ``allowed``."""
    values = frame[column]
    bad = values.notna() & ~values.isin(allowed)
    for pos in bad.to_numpy().nonzero()[0]:
        problems.append(Problem(
            f"'{values.iloc[pos]}' is not an allowed value",
            f"use one of: {', '.join(allowed)}",
            row=_row(rows, pos), column=column,
        ))


def check_required(frame: pd.DataFrame, columns: tuple[str, ...], problems: list[Problem],
                   rows: pd.Series | None = None) -> None:
    for column in columns:
        if column not in frame.columns:
            problems.append(Problem(f"required column '{column}' is missing", f"add a column '{column}'"))
            continue
        values = frame[column]
        empty = values.isna() | (values.astype("string").str.strip() == "")
        for pos in empty.to_numpy().nonzero()[0]:
            problems.append(Problem("is empty", f"fill in a {column}", row=_row(rows, pos), column=column))


def check_geometry(frame: gpd.GeoDataFrame, problems: list[Problem], rows: pd.Series | None = None,
                   allowed_types: tuple[str, ...] = ("Point", "Polygon", "MultiPolygon")) -> None:
    """Geometry must be present, non-empty, valid, of an allowed type and inside the Netherlands."""
    geoms = frame.geometry.array
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    for pos in (missing | empty).nonzero()[0]:
        problems.append(Problem("has no location", "give lat/lon, RD x/y or a buurt code",
                                row=_row(rows, pos), column="geometry"))
    present = ~(missing | empty)
    type_names = pd.Series(frame.geometry.geom_type.to_numpy())
    for pos in (present & ~type_names.isin(allowed_types).to_numpy()).nonzero()[0]:
        problems.append(Problem(f"geometry type {type_names.iloc[pos]} is not supported",
                                f"use one of: {', '.join(allowed_types)}", row=_row(rows, pos), column="geometry"))
    invalid = present & ~shapely.is_valid(geoms)
    for pos in invalid.nonzero()[0]:
        reason = shapely.is_valid_reason(geoms[pos])
        problems.append(Problem(f"geometry is invalid ({reason})",
                                "redraw the shape so its edges do not cross (in QGIS: Fix geometries)",
                                row=_row(rows, pos), column="geometry"))
    if frame.crs is not None and present.any():
        lon_min, lat_min, lon_max, lat_max = settings.NL_BOUNDS_LONLAT
        ll = frame.geometry[present].to_crs(settings.STORAGE_CRS) if not frame.crs.equals(settings.STORAGE_CRS) \
            else frame.geometry[present]
        b = ll.bounds
        outside = ((b.minx < lon_min) | (b.maxx > lon_max) | (b.miny < lat_min) | (b.maxy > lat_max)).to_numpy()
        positions = present.nonzero()[0][outside]
        for pos in positions:
            problems.append(Problem("lies outside the Netherlands",
                                    "check the coordinates: lat is about 51-53 and lon about 3-7 in the Netherlands; "
                                    "were lat and lon swapped, or RD x/y given as lat/lon?",
                                    row=_row(rows, pos), column="geometry"))


def raise_or_warn(problems: list[Problem], strict: bool = True) -> None:
    """Raise one :class:`InputError` with every problem, or warn when ``strict`` is False."""
    if not problems:
        return
    if strict:
        raise InputError(problems)
    for p in problems:
        warnings.warn(str(p), stacklevel=3)


def _row(rows: pd.Series | None, pos: int) -> int:
    if rows is not None:
        return int(rows.iloc[pos])
    return row_number(pos)
