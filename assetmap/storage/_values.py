"""Cell values between frames and SQLite: plain values to write, typed columns read back (also through Arrow).

Inner module of :mod:`assetmap.storage.geopackage` (which re-exports :func:`plain_value` and
:func:`plain_values`, the names the service and the PostGIS store use).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.storage import _gpkg
from assetmap.storage._tables import TableSpec

__all__ = ["plain_value", "plain_values"]


def _rows(frame: pd.DataFrame, spec: TableSpec, *, keep_fid: bool = False, skip_empty: bool = False,
          keep=frozenset()) -> tuple[list[str], list[tuple]]:
    """Column names and SQL-ready rows of ``frame`` for a table of shape ``spec`` (geometry encoded),
    with the frame's ``fid`` column last when ``keep_fid``.

    With ``skip_empty``, a column that is missing or has no value in any row is left out, unless
    it is in ``keep``; otherwise every column of ``spec`` is there.
    """
    columns, values = [], []
    for column, kind in spec.fields.items():
        if column in frame.columns:
            plain = plain_values(frame[column], kind)
            if skip_empty and column not in keep and plain.count(None) == len(plain):
                continue
        elif skip_empty and column not in keep:
            continue
        else:
            plain = [None] * len(frame)
        columns.append(column)
        values.append(plain)
    if not columns and not spec.geometry_type and not keep_fid and spec.fields:  # rows of nothing but NULLs
        columns, values = [next(iter(spec.fields))], [[None] * len(frame)]
    if spec.geometry_type:
        geometry = frame.geometry
        if geometry.crs is not None and not geometry.crs.equals(settings.STORAGE_CRS):
            geometry = geometry.to_crs(settings.STORAGE_CRS)
        values.append(_gpkg.encode(geometry.array))
        columns.append("geometry")
    if keep_fid:
        values.append([int(fid) for fid in frame["fid"].tolist()])
        columns.append("fid")
    rows = list(zip(*values)) if values else [() for _ in range(len(frame))]
    return columns, rows


def plain_value(value, kind: str):
    """``value`` as SQLite stores a column of type ``kind``: None for missing, 0/1, int, float or str.

    Parameters
    ----------
    value : object
        Any cell value; None, ``pd.NA``, ``pd.NaT`` and NaN count as missing.
    kind : str
        SQLite type of the column: ``BOOLEAN``, ``INTEGER``, ``REAL``, ``BLOB`` (bytes); anything
        else is text.

    Returns
    -------
    int, float, str, bytes or None
        The plain value.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if kind == "BLOB":
        return bytes(value)
    if kind == "BOOLEAN":
        return int(bool(value))
    if kind == "INTEGER":
        return int(value)
    if kind == "REAL":
        return float(value)
    return str(value)


def _read_arrow(path: Path, name: str, columns: list[tuple[str, str]]) -> pd.DataFrame | gpd.GeoDataFrame | None:
    """Table ``name`` read through pyogrio and Arrow with the types :meth:`GeoPackageStore.read` gives,
    or None when that is not possible here (no pyarrow, a table GDAL does not list, an unexpected
    column type, a lock): the caller then reads it row by row."""
    kinds = {c: k for c, k in columns if c not in ("fid", "geometry")}
    if pd.StringDtype().storage != "pyarrow" or set(kinds.values()) - set(_ARROW_KINDS):
        return None
    try:
        import warnings

        import pyarrow as pa
        import pyogrio.raw
        with warnings.catch_warnings():  # GDAL's remarks on a file: the row-by-row read would not make them
            warnings.simplefilter("ignore")
            meta, table = pyogrio.raw.read_arrow(path, layer=name, columns=list(kinds))
    except Exception:  # any reader trouble: the row-by-row read gives the same frame, or the real error
        return None
    if not set(kinds) <= set(table.column_names):
        return None
    data = {}
    for column, kind in kinds.items():
        values = table.column(column)
        if not any(values.type.equals(t) for t in _ARROW_KINDS[kind](pa)):
            return None
        data[column] = _arrow_column(values, kind, pa)
    frame = pd.DataFrame(data, columns=list(kinds), index=pd.RangeIndex(table.num_rows))
    if not any(c == "geometry" for c, _ in columns):
        return frame
    if meta.get("geometry_name") != "geometry":
        return None
    wkb = table.column("geometry").to_numpy(zero_copy_only=False)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapely.from_wkb(wkb), crs=settings.STORAGE_CRS))


#: Column kind -> the Arrow types GDAL gives for it.
_ARROW_KINDS: dict[str, Callable] = {
    "TEXT": lambda pa: (pa.string(), pa.large_string(), pa.null()),
    "BOOLEAN": lambda pa: (pa.bool_(), pa.null()),
    "INTEGER": lambda pa: (pa.int64(), pa.int32(), pa.int16(), pa.null()),
    "REAL": lambda pa: (pa.float64(), pa.float32(), pa.null()),
    "BLOB": lambda pa: (pa.binary(), pa.large_binary(), pa.null()),
}


def _arrow_column(values, kind: str, pa) -> pd.Series:
    if kind == "BOOLEAN":
        return pd.Series(pd.array(values.cast(pa.bool_()).to_pylist(), dtype="boolean"))
    if kind == "INTEGER":
        return pd.Series(pd.array(values.cast(pa.int64()).to_pylist(), dtype="Int64"))
    if kind == "REAL":
        return pd.Series(values.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")
    if kind == "BLOB":
        return pd.Series(values.to_pylist(), dtype=object)
    return pd.Series(pd.array(values.cast(pa.string()), dtype="string"))


def plain_values(column: pd.Series, kind: str) -> list:
    """:func:`plain_value` of every cell of ``column``, a column at a time where its dtype allows.

    Parameters
    ----------
    column : pandas.Series
        The cells.
    kind : str
        SQLite type of the column: ``BOOLEAN``, ``INTEGER``, ``REAL``, ``BLOB``; anything else is text.

    Returns
    -------
    list
        The plain values, in order (the same as ``[plain_value(v, kind) for v in column]``).
    """
    dtype = column.dtype
    if kind not in ("BOOLEAN", "INTEGER", "REAL") and isinstance(dtype, pd.StringDtype):
        return column.to_numpy(dtype=object, na_value=None).tolist()  # text already
    if kind in ("BOOLEAN", "INTEGER") and isinstance(dtype, (pd.BooleanDtype, pd.Int64Dtype)):
        return [None if v is None else int(v) for v in column.to_numpy(dtype=object, na_value=None).tolist()]
    if kind == "REAL" and dtype == np.float64:
        return [None if v != v else v for v in column.tolist()]
    if kind == "INTEGER" and dtype == np.int64:
        return column.tolist()  # Python ints already, none missing
    if kind == "BOOLEAN" and dtype == np.bool_:
        return [int(v) for v in column.tolist()]
    if dtype == object:
        return _plain_objects(column.tolist(), kind)
    return [plain_value(v, kind) for v in column.tolist()]


def _plain_objects(values: list, kind: str) -> list:
    """:func:`plain_value` of the cells of an object column, the list itself when they are plain already."""
    # Mostly plain already (rows built by the service): the types of a whole column are checked
    # in C, and only a column with other values goes the long way, cell by cell.
    types = set(map(type, values))
    if kind == "BOOLEAN":
        if types <= _INT_OR_NONE and set(values) <= _ZERO_ONE_NONE:
            return values
    elif types <= (_INT_OR_NONE if kind == "INTEGER" else _NONE if kind == "REAL" else _STR_OR_NONE):
        return values
    return [plain_value(v, kind) for v in values]


_NONE = frozenset({type(None)})
_INT_OR_NONE = _NONE | {int}
_STR_OR_NONE = _NONE | {str}
_ZERO_ONE_NONE = frozenset({0, 1, None})


def _column(values: list, kind: str) -> pd.Series:
    if kind == "BOOLEAN":
        return pd.Series([None if v is None else bool(v) for v in values], dtype="boolean")
    if kind == "INTEGER":
        return pd.Series(values, dtype="Int64")
    if kind in ("REAL", "DOUBLE", "FLOAT"):
        return pd.Series(values, dtype="float64")
    if kind == "BLOB":
        return pd.Series(values, dtype=object)
    return pd.Series(_strings(values), dtype="string")


def _strings(values: list):
    """Text values as an array pandas takes without checking each cell again (pyarrow when it backs ``string``)."""
    if pd.StringDtype().storage == "pyarrow":
        import pyarrow as pa
        try:
            return pd.array(pa.array(values, type=pa.string()), dtype="string")
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # a cell that is not text (a file written by another tool)
            pass
    return values
