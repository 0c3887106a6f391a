"""Exports: GeoPackage, GeoJSON, CSV and a zip with photos, full or public. Files are replaced atomically.

A ``.zip`` holds the GeoPackage export (``assets.gpkg``, with a ``photos`` table: caption, credit,
licence, file and SHA-256 of every photo) and the photo files (``photos/<id>.jpg``), as CoMapeo's
export does: a public zip only the approved photos of public entries.

A CSV comes in two dialects (:data:`CSV_DIALECTS`): ``excel`` (the default) opens in Dutch Excel as
it is (``;`` between cells, UTF-8 with a byte-order mark, Dutch headers and values, ``ja``/``nee``,
decimal commas); ``plain`` is for scripts (``,``, UTF-8 without BOM, the field names and stored codes).
Both neutralise formulas (:func:`neutralise_formula`).
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from assetmap import settings
from assetmap.errors import InputError
from assetmap.files import atomic_path, check_file
from assetmap.i18n import block_label, category_label, code_label, codes_label, hours_label, t
from assetmap.layers.schema import CONTENT_LANGUAGES
from assetmap.service import Actor

__all__ = [
    "FORMATS",
    "ZIP_GEOPACKAGE",
    "ZIP_PHOTOS",
    "CSV_DIALECTS",
    "DUTCH_HEADERS",
    "excel_table",
    "assets_for_export",
    "export_assets",
    "csv_table",
    "LIST_FIELDS",
    "asset_records",
    "neutralise_formula",
]

FORMATS = (".gpkg", ".geojson", ".csv", ".zip")
#: Name of the GeoPackage in a zip export, and the folder of its photo files.
ZIP_GEOPACKAGE, ZIP_PHOTOS = "assets.gpkg", "photos"
#: CSV dialects: ``excel`` (Dutch Excel: ``;``, BOM, Dutch headers and values) and ``plain`` (for scripts).
CSV_DIALECTS = ("excel", "plain")
#: Field -> its header in a Dutch CSV: the Dutch header a workshop file may use for it (docs/architecture.md,
#: "Workshop files"), so the columns keep their meaning when the file is read in again.
DUTCH_HEADERS: dict[str, str] = {
    "id": "id", "name": "naam", "building_block": "bouwsteen", "category": "categorie",
    "description": "omschrijving", "buurt_code": "buurtcode", "wijk_code": "wijkcode",
    "gemeente_code": "gemeentecode", "source": "bron", "source_ref": "source_ref",
    "is_meeting_place": "ontmoetingsplek", "opening_hours": "openingstijden", "wheelchair": "rolstoeltoegankelijk",
    "free_entry": "gratis", "operator": "beheerder", "access": "toegang", "scale": "schaal",
    "capacity": "capaciteit", "target_groups": "doelgroepen", "contact": "contact", "story_date": "verhaal_datum",
    "related_asset_id": "hoort_bij", "visibility": "zichtbaarheid", "consent": "toestemming",
    "added_by": "toegevoegd_door", "created_at": "created_at", "updated_at": "updated_at", "status": "status",
    "seeks": "zoekt", "offers": "biedt", "tags": "trefwoorden", "owners": "eigenaren",
    "last_checked": "laatst_gecontroleerd", "ended_at": "gestopt_op", "lat": "lat", "lon": "lon",
    # naam_tr, omschrijving_ar, ...: read back by a workshop file as the same fields
    **{f"{field}_{language}": f"{dutch}_{language}" for field, dutch in (("name", "naam"), ("description", "omschrijving"))
       for language in CONTENT_LANGUAGES},
}
#: Field -> kind of code (:func:`assetmap.i18n.code_label`) for the columns that hold one code or a list.
_CODE_COLUMNS: dict[str, tuple[str, bool]] = {
    "access": ("access", False), "scale": ("scale", False), "status": ("status", False),
    "visibility": ("visibility", False), "wheelchair": ("wheelchair", False),
    "target_groups": ("group", True), "seeks": ("seek", True), "offers": ("seek", True),
}
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


def export_assets(ws, out: str | os.PathLike, public: bool = False, dialect: str = "excel", lang: str = "nl", *,
                  force: bool = False) -> int:
    """Write the assets to ``out`` (.gpkg, .geojson or .csv). Returns the number of rows.

    The file is written beside ``out`` and moved into place, so a reader never sees half a file.
    GeoJSON follows RFC 7946 (EPSG:4326); CSV has CRLF line ends and ``lat``/``lon`` columns, in the
    ``excel`` dialect for Dutch Excel (:func:`excel_table`) or ``plain`` (:func:`csv_table`); a full
    (not public) GeoPackage also holds the boundaries.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace to read.
    out : path-like
        The file to write; its suffix picks the format. An existing file is replaced only with
        ``force``, a workspace never (:func:`assetmap.files.check_file`).
    public : bool
        Export only what the public may see (:func:`assetmap.privacy.public_view`).
    dialect : {'excel', 'plain'}
        CSV only: ``excel`` (``;``, UTF-8 with BOM, headers and values in ``lang``, ``ja``/``nee``,
        decimal commas) or ``plain`` (``,``, UTF-8, field names and stored codes).
    lang : {'nl', 'en'}
        CSV only, ``excel`` dialect: language of headers and values (English keeps the field names
        as headers).
    force : bool
        Replace an existing file that is not a workspace.

    Returns
    -------
    int
        Number of assets written.

    Raises
    ------
    InputError
        The suffix is not one of :data:`FORMATS`, the dialect not one of :data:`CSV_DIALECTS`,
        the folder of ``out`` does not exist, ``out`` exists (without ``force``) or is a workspace.
    """
    if dialect not in CSV_DIALECTS:
        raise InputError("export_dialect_unknown", "fix_export_dialects", dialect=dialect, dialects=", ".join(CSV_DIALECTS))
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InputError("export_suffix", "fix_export_formats", suffix=suffix, formats=", ".join(FORMATS))
    check_file(out, force=force, workspace=getattr(ws, "path", None))
    assets = assets_for_export(ws, public)
    with atomic_path(out) as tmp:  # never a half-written export under the real name
        if suffix == ".csv":
            # CRLF line ends (RFC 4180) also make the writer quote texts holding a bare CR, which
            # would otherwise split a row in two in Excel and in Python's csv reader.
            # Every text field is quoted, so no separator inside a text can start a new cell.
            if dialect == "plain":
                csv_table(assets).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n",
                                         quoting=csv.QUOTE_NONNUMERIC)
            else:  # decimal commas are text here, so every cell is quoted as text is
                excel_table(assets, lang).to_csv(tmp, index=False, sep=";", encoding="utf-8-sig",
                                                 lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
        elif suffix == ".zip":
            _write_zip(ws, tmp, public)
        elif suffix == ".geojson":
            pyogrio.write_dataframe(_for_ogr(assets), tmp, layer="assets", driver="GeoJSON", RFC7946="YES")
        else:
            pyogrio.write_dataframe(_for_ogr(assets), tmp, layer="assets", driver="GPKG")
            if not public:
                pyogrio.write_dataframe(_for_ogr(ws.boundaries()), tmp, layer="boundaries", driver="GPKG",
                                        append=True)
    return len(assets)


def _write_zip(ws, out: Path, public: bool) -> None:
    """The GeoPackage export and the photo files it lists, in one zip (photos as stored: checksums hold)."""
    import zipfile

    actor = Actor(None, "public") if public else None
    folder = Path(tempfile.mkdtemp(prefix=".export-", dir=out.parent))
    try:
        gpkg = folder / ZIP_GEOPACKAGE
        export_assets(ws, gpkg, public=public)
        photos = ws.photos(actor=actor)
        table = pd.DataFrame({
            **{c: photos[c].astype(object).to_numpy() for c in ("id", "asset_id", "caption", "credit", "licence",
                                                                 "width", "height", "sha256")},
            "file": [f"{ZIP_PHOTOS}/{i}.jpg" for i in photos["id"]]})
        pyogrio.write_dataframe(table.astype(object).where(table.notna(), None), gpkg, layer="photos",
                                driver="GPKG", append=True)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.write(gpkg, ZIP_GEOPACKAGE)
            for photo_id, name in zip(photos["id"], table["file"]):
                image = ws.photo_image(photo_id, actor=actor)
                if image is not None:
                    bundle.writestr(name, image, compress_type=zipfile.ZIP_STORED)  # JPEG: compressed already
    finally:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)


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
    table = pd.DataFrame(assets.drop(columns="geometry"))
    table["lon"], table["lat"] = _lon_lat(assets.geometry)
    table = table[[c for c in table.columns if c not in ("lat", "lon")] + ["lat", "lon"]]
    for column in table.columns:
        if column in ("lat", "lon") or not neutralise:
            continue
        table[column] = table[column].map(neutralise_formula)
    return table


def excel_table(assets: gpd.GeoDataFrame, lang: str = "nl") -> pd.DataFrame:
    """Assets as a table for people in a spreadsheet: :func:`csv_table`, with words for the codes.

    Building blocks, categories and every code column (access, scale, target groups, status,
    seeks and offers, visibility, wheelchair) read as their labels in ``lang``, opening hours as
    :func:`assetmap.i18n.hours_label` writes them, yes/no as ``ja``/``nee``, numbers with decimals
    with a comma in Dutch; headers from :data:`DUTCH_HEADERS` in Dutch. Formulas are neutralised.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Assets in EPSG:4326.
    lang : {'nl', 'en'}
        Language of headers and values.

    Returns
    -------
    pandas.DataFrame
        Every cell as text (None where empty), in the columns of :func:`csv_table`.
    """
    table = csv_table(assets, neutralise=False)
    yes, no = t("yes", lang).lower(), t("no", lang).lower()
    comma = lang == "nl"
    out = {}
    for column in table.columns:
        values = table[column].astype(object).where(table[column].notna(), None)
        if column == "building_block":
            cells = [block_label(v, lang) if v else None for v in values]
        elif column == "category":
            cells = [category_label(v, lang) or None for v in values]
        elif column == "opening_hours":
            cells = [hours_label(v, lang) or None for v in values]
        elif column in _CODE_COLUMNS:
            kind, many = _CODE_COLUMNS[column]
            cells = [(codes_label(kind, v, lang) if many else code_label(kind, v, lang)) or None for v in values]
        elif str(table[column].dtype).lower() == "boolean" or column in ("is_meeting_place", "free_entry", "consent"):
            cells = [None if v is None else (yes if bool(v) else no) for v in values]
        elif column in ("lat", "lon"):
            cells = [None if v is None or v != v else _decimal(f"{float(v):.6f}", comma) for v in values]
        else:
            cells = [None if v is None else _decimal(str(v), comma) if isinstance(v, float) else str(v)
                     for v in values]
        header = DUTCH_HEADERS.get(column, column) if lang == "nl" else column
        out[header] = [neutralise_formula(c) for c in cells]
    return pd.DataFrame(out, columns=list(out))


def _decimal(text: str, comma: bool) -> str:
    return text.replace(".", ",") if comma else text


#: The fields of ``assetmap list --json``, in order.
LIST_FIELDS: tuple[str, ...] = ("id", "name", "building_block", "category", "buurt_code", "wijk_code",
                                "is_meeting_place", "lon", "lat")


def asset_records(assets: gpd.GeoDataFrame, *, with_location: bool = True) -> list[dict]:
    """Assets as plain JSON-ready records (``assetmap list --json``), text as people typed it.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Assets in EPSG:4326.
    with_location : bool
        Give ``lon`` and ``lat``; without, both are None (the text listing shows no coordinates,
        and a point on each polygon costs a transformer to metres and back).

    Returns
    -------
    list of dict
        One dict per asset with the keys of :data:`LIST_FIELDS`; ``lon``/``lat`` in WGS84 degrees
        (a point on a polygon), missing values as None.
    """
    if not len(assets):
        return []
    lon, lat = _lon_lat(assets.geometry) if with_location else ([None] * len(assets),) * 2
    # Column by column, then one zip: a dict per row from pandas costs more than the rest of ``list``.
    columns = {"lon": _plain(pd.Series(lon, dtype="float64")), "lat": _plain(pd.Series(lat, dtype="float64"))}
    for field in LIST_FIELDS:
        if field not in columns:
            columns[field] = _plain(assets[field]) if field in assets.columns else [None] * len(assets)
    columns["is_meeting_place"] = [bool(v) for v in columns["is_meeting_place"]]
    return [dict(zip(LIST_FIELDS, row)) for row in zip(*(columns[f] for f in LIST_FIELDS))]


def _plain(column: pd.Series) -> list:
    """A column as plain Python values, missing values as None."""
    return column.to_numpy(dtype=object, na_value=None).tolist()


def _lon_lat(geometry: gpd.GeoSeries) -> tuple[list, list]:
    """WGS84 lon and lat of a point on each geometry (None without a location), as lists.

    Points are taken exactly as stored; for other shapes a point inside the shape, found in metres.
    """
    geoms = np.array(geometry.array, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if not present.any():
        return [None] * len(geoms), [None] * len(geoms)
    shapes = present & (shapely.get_type_id(geoms) != shapely.GeometryType.POINT)
    if shapes.any():
        # One transformer both ways: building a transformer costs more than the rest of ``list``.
        from pyproj import Transformer
        there = Transformer.from_crs(geometry.crs or settings.STORAGE_CRS, settings.METRIC_CRS, always_xy=True)
        metric = shapely.transform(geoms[shapes], lambda xy: np.column_stack(there.transform(xy[:, 0], xy[:, 1])))
        geoms[shapes] = shapely.transform(shapely.point_on_surface(metric), lambda xy: np.column_stack(
            there.transform(xy[:, 0], xy[:, 1], direction="INVERSE")))
    lon, lat = np.full(len(geoms), np.nan), np.full(len(geoms), np.nan)
    lon[present], lat[present] = shapely.get_x(geoms[present]), shapely.get_y(geoms[present])
    return lon.tolist(), lat.tolist()


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
