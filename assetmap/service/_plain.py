"""Plain values of entries: asset rows as records, history states and their JSON, frames for the store.

The service's parts share these helpers; none of them decides anything about access.
"""

from __future__ import annotations

import itertools
import operator

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely

from assetmap import settings
from assetmap.layers.schema import ACTIVITY_FIELDS, ASSET_FIELDS
from assetmap.storage.geopackage import plain_value, plain_values

__all__ = ["_TIMESTAMPS", "_frame", "_history_json", "_jsonable", "_never_more_public", "_plain_activity",
           "_records", "_row_dict", "_same", "_state", "_version_map"]

_TIMESTAMPS = ("updated_at", "created_at")


def _records(frame: pd.DataFrame) -> list[dict]:
    """Asset rows as plain values (see :func:`assetmap.storage.geopackage.plain_value`)."""
    columns = [plain_values(frame[c], kind) if c in frame.columns else [None] * len(frame)
               for c, kind in ASSET_FIELDS.items()]
    names = list(ASSET_FIELDS)
    return [dict(zip(names, row)) for row in zip(*columns)]


def _frame(rows, versions: dict[str, int] | None = None) -> gpd.GeoDataFrame:
    """Plain asset records with their geometries (and versions, by id) as a frame for the store."""
    rows = list(rows)
    if not rows:
        return gpd.GeoDataFrame()
    records = [r for r, _ in rows]
    # Object columns of the plain values: the store writes them as they are (no dtype guessing,
    # no conversion to text arrays and back).
    names = list(dict.fromkeys(itertools.chain.from_iterable(records)))
    pick = operator.itemgetter(*names)
    try:
        values = zip(*map(pick, records)) if len(names) > 1 else ([pick(r) for r in records],)
    except KeyError:  # records with different fields: a missing one is None
        values = ([r.get(name) for r in records] for name in names)
    columns = dict(zip(names, map(list, values)))
    if versions is not None:
        columns["version"] = [versions.get(r["id"]) for r in records]
    return gpd.GeoDataFrame(pd.DataFrame(columns, dtype=object), geometry=[g for _, g in rows],
                            crs=settings.STORAGE_CRS)


def _version_map(frame: pd.DataFrame) -> dict[str, int]:
    """id -> stored version of an asset frame (1 where a row has none)."""
    if "version" not in frame.columns:
        return {i: 1 for i in frame["id"]}
    return {i: (1 if pd.isna(v) else int(v)) for i, v in zip(frame["id"], frame["version"])}


def _history_json(state: dict) -> str:
    """A state as the history keeps it: JSON text, non-ASCII as written (orjson: an import's
    10,000 entries in hundredths of a second instead of tenths)."""
    return orjson.dumps(state, default=_json_plain, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def _json_plain(value):
    """A value orjson does not know (a numpy or pandas scalar) as plain Python, as ``json`` took it."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float):  # a subclass of float
        return float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")

_BOOLEAN_FIELDS = frozenset(k for k, kind in ASSET_FIELDS.items() if kind == "BOOLEAN")


def _state(record: dict, wkt: str | None) -> dict:
    """A record of plain values as history keeps it: booleans as JSON booleans, geometry as WKT."""
    out = dict(record)  # a copy in C; then only the few yes/no fields are touched (order stays)
    out.pop("geometry", None)
    for k in _BOOLEAN_FIELDS.intersection(out):
        if out[k] is not None:
            out[k] = bool(out[k])
    out["geometry_wkt"] = wkt
    return out


def _jsonable(record: dict) -> dict:
    """An asset dict (as :meth:`Workspace.asset` gives it) as history keeps it."""
    geometry = record.get("geometry")
    plain = {k: plain_value(v, ASSET_FIELDS.get(k, "TEXT")) for k, v in record.items() if k != "geometry"}
    return _state(plain, None if geometry is None else shapely.to_wkt(geometry, rounding_precision=-1))


def _row_dict(row: pd.Series) -> dict:
    out = {}
    for k, v in row.items():
        out[k] = None if (v is pd.NA or v is None or (isinstance(v, float) and np.isnan(v))) else v
        if isinstance(out[k], np.bool_):
            out[k] = bool(out[k])
    return out


def _plain_activity(row) -> dict:
    """An activity row as plain values (as stored and as the history keeps it)."""
    return {c: (bool(v) if v is not None and kind == "BOOLEAN" else v)
            for c, kind in ACTIVITY_FIELDS.items() for v in [plain_value(row.get(c), kind)]}


_VISIBILITY_RANK = {"private": 0, "group": 1, "public": 2}


def _never_more_public(record: dict, before: dict) -> None:
    """Keep visibility and consent of a taken-over entry at most as public as they were."""
    old, new = before.get("visibility"), record.get("visibility")
    if _VISIBILITY_RANK.get(new, 0) > _VISIBILITY_RANK.get(old, 0):
        record["visibility"] = old
    if not before.get("consent"):
        record["consent"] = before.get("consent")


def _same(before: dict, after: dict) -> bool:
    return {k: v for k, v in before.items() if k not in _TIMESTAMPS} == \
        {k: v for k, v in after.items() if k not in _TIMESTAMPS}
