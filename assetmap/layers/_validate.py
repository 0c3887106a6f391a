"""Collect every problem in a frame, then report once (osmnx style, with ``strict``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError, Problem


def row_number(index_position: int) -> int:
    """Spreadsheet row number of a 0-based position (header row not counted).

    Parameters
    ----------
    index_position : int
        0-based position of the row in the frame.

    Returns
    -------
    int
        The 1-based row number a person counts (position + 1).
    """
    return int(index_position) + 1


def check_allowed(frame: pd.DataFrame, column: str, allowed: tuple[str, ...], problems: list[Problem],
                  rows: pd.Series | None = None) -> None:
    """Add a problem (``value_not_allowed``) for every value of ``column`` outside ``allowed``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows.
    column : str
        Column to check; empty cells are left to :func:`check_required`.
    allowed : tuple of str
        The allowed values.
    problems : list of Problem
        Found problems are appended here.
    rows : pandas.Series, optional
        Row numbers to name (as in the user's file); positions + 1 when not given.
    """
    values = frame[column]
    bad = values.notna() & ~values.isin(allowed)
    for pos in bad.to_numpy().nonzero()[0]:
        problems.append(Problem("value_not_allowed", "fix_use_one_of", row=_row(rows, pos), column=column,
                                value=values.iloc[pos], allowed=", ".join(allowed)))


def check_required(frame: pd.DataFrame, columns: tuple[str, ...], problems: list[Problem],
                   rows: pd.Series | None = None) -> None:
    """Add a problem for every missing column (``column_missing``) and every empty cell (``cell_empty``).

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows.
    columns : tuple of str
        Columns that must be present and filled in.
    problems : list of Problem
        Found problems are appended here.
    rows : pandas.Series, optional
        Row numbers to name (as in the user's file); positions + 1 when not given.
    """
    for column in columns:
        if column not in frame.columns:
            problems.append(Problem("column_missing", "fix_add_column", name=column))
            continue
        values = frame[column]
        empty = values.isna() | (values.astype("string").str.strip() == "")
        for pos in empty.to_numpy().nonzero()[0]:
            problems.append(Problem("cell_empty", "fix_fill_in", row=_row(rows, pos), column=column, name=column))


def check_geometry(frame: gpd.GeoDataFrame, problems: list[Problem], rows: pd.Series | None = None,
                   allowed_types: tuple[str, ...] = ("Point", "Polygon", "MultiPolygon")) -> None:
    """Geometry must be present, non-empty, valid, of an allowed type and inside the Netherlands.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The rows; the Netherlands check needs a CRS.
    problems : list of Problem
        Found problems are appended here (``location_missing``, ``geometry_type_unsupported``,
        ``geometry_invalid``, ``outside_nl``), all in column ``geometry``.
    rows : pandas.Series, optional
        Row numbers to name (as in the user's file); positions + 1 when not given.
    allowed_types : tuple of str
        Allowed geometry types.
    """
    geoms = frame.geometry.array
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    for pos in (missing | empty).nonzero()[0]:
        problems.append(Problem("location_missing", "fix_give_location", row=_row(rows, pos), column="geometry"))
    present = ~(missing | empty)
    type_names = pd.Series(frame.geometry.geom_type.to_numpy())
    for pos in (present & ~type_names.isin(allowed_types).to_numpy()).nonzero()[0]:
        problems.append(Problem("geometry_type_unsupported", "fix_use_one_of", row=_row(rows, pos),
                                column="geometry", kind=type_names.iloc[pos], allowed=", ".join(allowed_types)))
    invalid = present & ~shapely.is_valid(geoms)
    for pos in invalid.nonzero()[0]:
        reason = shapely.is_valid_reason(geoms[pos])
        problems.append(Problem("geometry_invalid", "fix_redraw_shape", row=_row(rows, pos), column="geometry",
                                reason=reason))
    if frame.crs is not None and present.any():
        lon_min, lat_min, lon_max, lat_max = settings.NL_BOUNDS_LONLAT
        ll = frame.geometry[present].to_crs(settings.STORAGE_CRS) if not frame.crs.equals(settings.STORAGE_CRS) \
            else frame.geometry[present]
        b = ll.bounds
        outside = ((b.minx < lon_min) | (b.maxx > lon_max) | (b.miny < lat_min) | (b.maxy > lat_max)).to_numpy()
        positions = present.nonzero()[0][outside]
        for pos in positions:
            problems.append(Problem("outside_nl", "fix_check_nl_coordinates", row=_row(rows, pos),
                                    column="geometry"))


def parse_cells(values: pd.Series, parse: Callable, column: str, problems: list[Problem],
                rows: pd.Series | None = None, *, dtype: str = "string", missing=None) -> pd.Series:
    """Read a column cell by cell, with every problem at its row and column.

    The one per-cell loop of the layers: stories' dates, capacities, target groups, the moments of
    initiatives and the times and groups of activities are each read by their own ``parse``.

    Parameters
    ----------
    values : pandas.Series
        The cells.
    parse : callable
        ``parse(value, complain)`` gives the value of one cell that is not None or ``pd.NA``. For a
        cell it cannot read, or reads only in part, it calls ``complain(code, fix, **params)`` once
        per problem and returns what it could read (None for nothing).
    column : str
        Column to name in the problems.
    problems : list of Problem
        Found problems are appended here.
    rows : pandas.Series, optional
        Row numbers to name (as in the user's file); positions + 1 when not given.
    dtype : str
        Dtype of the result.
    missing : object, optional
        The value of a cell that is None or ``pd.NA`` (not parsed); None leaves it missing.

    Returns
    -------
    pandas.Series
        The values, on the index of ``values``.
    """
    if not values.notna().any():  # an empty column (most optional columns of most files): nothing to read
        return pd.Series(pd.NA if missing is None else missing, index=values.index, dtype=dtype)
    out = []
    for pos, value in enumerate(values.tolist()):
        if value is None or value is pd.NA:
            out.append(missing)
            continue

        def complain(code: str, fix: str, /, *, row: int | None = _row(rows, pos), **params) -> None:
            problems.append(Problem(code, fix, row=row, column=column, **params))

        out.append(parse(value, complain))
    return pd.Series(out, index=values.index, dtype=dtype)


def raise_or_warn(problems: list[Problem], strict: bool = True) -> None:
    """Raise one :class:`InputError` with every problem, or warn when ``strict`` is False.

    Parameters
    ----------
    problems : list of Problem
        The problems found; nothing happens when the list is empty.
    strict : bool
        Raise (default); when False, warn once per problem instead (a :class:`UserWarning`
        with the English text of the problem) and return.

    Raises
    ------
    InputError
        ``strict`` is True and there is at least one problem; it carries every problem.
    """
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
