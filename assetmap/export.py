"""Exports: GeoPackage, GeoJSON and CSV, full or public. Files are replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from assetmap import settings
from assetmap.errors import InputError
from assetmap.privacy import public_view

FORMATS = (".gpkg", ".geojson", ".csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def assets_for_export(ws, public: bool) -> gpd.GeoDataFrame:
    """The assets of a workspace, as everyone (``public``) or the workspace owner may see them."""
    assets = ws.assets()
    return public_view(assets, ws.boundaries()) if public else assets


def export_assets(ws, out: str | os.PathLike, public: bool = False) -> int:
    """Write the assets to ``out`` (.gpkg, .geojson or .csv), atomically.

    Parameters
    ----------
    ws : Workspace
        An open workspace.
    out : str or os.PathLike
        The file to write; its suffix picks the format.
    public : bool
        Only what the public may see (:func:`~assetmap.privacy.public_view`).

    Returns
    -------
    int
        The number of rows written.

    Raises
    ------
    InputError
        ``export_suffix`` for another suffix, ``folder_missing`` when the folder does not exist.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InputError("export_suffix", "fix_export_formats", suffix=suffix, formats=", ".join(FORMATS))
    if not out.parent.exists():
        raise InputError("folder_missing", "fix_create_it_first", path=out.parent)
    assets = assets_for_export(ws, public)
    fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        if suffix == ".csv":
            # CRLF line ends (RFC 4180) also make the writer quote texts holding a bare CR, which
            # would otherwise split a row in two in Excel and in Python's csv reader.
            csv_table(assets).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
        elif suffix == ".geojson":
            pyogrio.write_dataframe(_for_ogr(assets), tmp, driver="GeoJSON", RFC7946="YES")
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


def csv_table(assets: gpd.GeoDataFrame, neutralise: bool = True) -> pd.DataFrame:
    """Assets as a flat table with ``lat``/``lon`` (a point on each asset), safe to open in Excel.

    With ``neutralise`` (for files a spreadsheet may open) text that would run as a formula gets a
    leading apostrophe; without it (JSON, the terminal) the text stays as people typed it.
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


def neutralise_formula(value):
    """Prefix text that a spreadsheet would run as a formula (CSV injection) with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _for_ogr(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    for column in out.columns:
        if column != "geometry" and str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out
