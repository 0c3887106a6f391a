"""Exports: GeoPackage, GeoJSON and CSV, full or public. Files are replaced atomically."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from assetmap import settings
from assetmap.errors import InputError
from assetmap.service import Actor

FORMATS = (".gpkg", ".geojson", ".csv")
#: What a spreadsheet may take as the start of a formula (full-width forms too, and DDE's ``|``).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A cell is split again wherever a spreadsheet might: on , ; tab (the separator it guesses) and line ends.
_SEGMENT = re.compile(r"([,;\t\r\n]\s*)")


def assets_for_export(ws, public: bool) -> gpd.GeoDataFrame:
    """The assets of a workspace, as everyone (``public``) or the workspace owner may see them.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace to read.
    public : bool
        What the public role may see (the service applies :func:`assetmap.privacy.public_view`);
        otherwise what the workspace's own actor may see.

    Returns
    -------
    geopandas.GeoDataFrame
        The assets in EPSG:4326.
    """
    return ws.assets(actor=Actor(None, "public")) if public else ws.assets()


def export_assets(ws, out: str | os.PathLike, public: bool = False) -> int:
    """Write the assets to ``out`` (.gpkg, .geojson or .csv). Returns the number of rows.

    The file is written beside ``out`` and moved into place, so a reader never sees half a file.
    GeoJSON follows RFC 7946 (EPSG:4326); CSV is UTF-8 with CRLF line ends and ``lat``/``lon``
    columns (see :func:`csv_table`); a full (not public) GeoPackage also holds the boundaries.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace to read.
    out : path-like
        The file to write; its suffix picks the format. An existing file is replaced.
    public : bool
        Export only what the public may see (:func:`assetmap.privacy.public_view`).

    Returns
    -------
    int
        Number of assets written.

    Raises
    ------
    InputError
        The suffix is not one of :data:`FORMATS`, or the folder of ``out`` does not exist.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InputError("export_suffix", "fix_export_formats", suffix=suffix, formats=", ".join(FORMATS))
    if not out.parent.exists():
        raise InputError("folder_missing", "fix_create_it_first", path=out.parent)
    if _is_workspace(out, ws):
        raise InputError("export_onto_workspace", "fix_export_new_name", path=out)
    assets = assets_for_export(ws, public)
    fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        if suffix == ".csv":
            # CRLF line ends (RFC 4180) also make the writer quote texts holding a bare CR, which
            # would otherwise split a row in two in Excel and in Python's csv reader.
            # Every text field is quoted, so no separator inside a text can start a new cell.
            csv_table(assets).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n",
                                     quoting=csv.QUOTE_NONNUMERIC)
        elif suffix == ".geojson":
            pyogrio.write_dataframe(_for_ogr(assets), tmp, layer="assets", driver="GeoJSON", RFC7946="YES")
        else:
            pyogrio.write_dataframe(_for_ogr(assets), tmp, layer="assets", driver="GPKG")
            if not public:
                pyogrio.write_dataframe(_for_ogr(ws.boundaries()), tmp, layer="boundaries", driver="GPKG",
                                        append=True)
        os.replace(tmp, out)  # never leave a half-written export under the real name
    finally:
        if tmp.exists():
            tmp.unlink()
    return len(assets)


def _is_workspace(out: Path, ws) -> bool:
    """Whether ``out`` is this workspace (by path, link or inode) or any other assetmap workspace."""
    if not out.exists():
        return False
    own = getattr(ws, "path", None)
    if own is not None and Path(own).exists() and os.path.samefile(out, own):
        return True
    import sqlite3
    try:
        with contextlib.closing(sqlite3.connect(f"file:{out}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'workspace_meta'").fetchone() is not None
    except sqlite3.DatabaseError:
        return False


def csv_table(assets: gpd.GeoDataFrame, neutralise: bool = True) -> pd.DataFrame:
    """Assets as a flat table with ``lat``/``lon`` (a point on each asset), safe to open in Excel.

    With ``neutralise`` (for files a spreadsheet may open) text that would run as a formula gets a
    leading apostrophe; without it (JSON, the terminal) the text stays as people typed it.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Assets in EPSG:4326 (point coordinates are taken as lon/lat as they are).
    neutralise : bool
        Neutralise formulas (see :func:`neutralise_formula`).

    Returns
    -------
    pandas.DataFrame
        Every column but ``geometry``, plus ``lat`` and ``lon`` in WGS84 degrees: a point as
        stored, or a point inside a polygon (found in EPSG:28992); None without a location.
    """
    points = assets.geometry.copy()
    present = points.notna() & ~points.is_empty
    reps = points.where(present & (points.geom_type == "Point"), None)
    shapes = present & (points.geom_type != "Point")
    if shapes.any():
        # A point on the shape, found in metres; points themselves are kept exactly as stored.
        reps[shapes] = points[shapes].to_crs(settings.METRIC_CRS).representative_point() \
            .to_crs(settings.STORAGE_CRS)
    table = pd.DataFrame(assets.drop(columns="geometry"))
    table["lat"] = [p.y if p is not None else None for p in reps]
    table["lon"] = [p.x if p is not None else None for p in reps]
    for column in table.columns:
        if column in ("lat", "lon") or not neutralise:
            continue
        table[column] = table[column].map(neutralise_formula)
    return table


#: The fields of ``assetmap list --json``, in order.
LIST_FIELDS: tuple[str, ...] = ("id", "name", "building_block", "category", "buurt_code", "wijk_code",
                                "is_meeting_place", "lon", "lat")


def asset_records(assets: gpd.GeoDataFrame) -> list[dict]:
    """Assets as plain JSON-ready records (``assetmap list --json``), text as people typed it.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Assets in EPSG:4326.

    Returns
    -------
    list of dict
        One dict per asset with the keys of :data:`LIST_FIELDS`; ``lon``/``lat`` in WGS84 degrees
        (a point on a polygon), missing values as None.
    """
    if not len(assets):
        return []
    table = csv_table(assets, neutralise=False)[list(LIST_FIELDS)]
    table = table.astype(object).where(table.notna(), None)
    records = table.to_dict("records")
    for record in records:
        record["is_meeting_place"] = bool(record["is_meeting_place"])
    return records


def neutralise_formula(value):
    """Neutralise text that a spreadsheet would run as a formula (CSV injection).

    Every part of the text that a spreadsheet might take as a cell of its own (split on ``,``,
    ``;``, tabs and line ends, as Dutch Excel does with ``;``) and that starts with a formula
    character (``=``, ``+``, ``-``, ``@``, ``|``, ``%``, their full-width forms, a tab or a line
    end) gets a leading ``'``.

    Parameters
    ----------
    value : object
        A cell value; anything but a ``str`` is returned as it is.

    Returns
    -------
    object
        ``value``, with a ``'`` before every part that could start a formula.
    """
    if not isinstance(value, str):
        return value
    parts = _SEGMENT.split(value)
    # parts alternate: text, separator, text, ...; a text part that starts a formula gets a quote.
    out = "".join("'" + part if k % 2 == 0 and part.lstrip(" ").startswith(_FORMULA_START) else part
                  for k, part in enumerate(parts))
    # The cell itself may start with a separator-like character (a tab, a line end): quote it too.
    return "'" + out if out.lstrip(" ").startswith(_FORMULA_START) else out


def _for_ogr(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    for column in out.columns:
        if column != "geometry" and str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out
