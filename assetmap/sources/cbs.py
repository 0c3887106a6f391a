"""CBS wijk- en buurtkaart: boundaries with codes, names and population.

Offline from GeoJSON, TopoJSON, GeoPackage or shapefile; online from PDOK's WFS. Both go
through :func:`normalise_boundaries`, which knows the column names of the CBS editions.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd
import pyogrio

from assetmap import settings
from assetmap.errors import InputError
from assetmap.layers.boundaries import build_boundaries
from assetmap.messages import N_, Message

__all__ = [
    "PDOK_LAYERS",
    "SUPPORTED_SUFFIXES",
    "max_boundaries_bytes",
    "read_boundaries_file",
    "fetch_boundaries",
    "normalise_boundaries",
]

# Column names used by CBS/PDOK editions, most specific first.
_CODE_COLUMNS = ("buurtcode", "bu_code", "buurtCode", "wijkcode", "wk_code", "wijkCode", "gemeentecode", "gm_code",
                 "gemeenteCode", "statcode", "code")
_NAME_COLUMNS = ("buurtnaam", "bu_naam", "buurtNaam", "wijknaam", "wk_naam", "wijkNaam", "gemeentenaam", "gm_naam",
                 "gemeenteNaam", "statnaam", "name", "naam")
#: CBS age groups (% of residents) as the editions name them -> our field.
_AGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "pop_0_14": ("pop_0_14", "p_00_14_jr", "percentagePersonen0Tot15Jaar", "percentage_personen_0_tot_15_jaar"),
    "pop_15_24": ("pop_15_24", "p_15_24_jr", "percentagePersonen15Tot25Jaar", "percentage_personen_15_tot_25_jaar"),
    "pop_25_44": ("pop_25_44", "p_25_44_jr", "percentagePersonen25Tot45Jaar", "percentage_personen_25_tot_45_jaar"),
    "pop_45_64": ("pop_45_64", "p_45_64_jr", "percentagePersonen45Tot65Jaar", "percentage_personen_45_tot_65_jaar"),
    "pop_65plus": ("pop_65plus", "p_65_eo_jr", "percentagePersonen65JaarEnOuder",
                   "percentage_personen_65_jaar_en_ouder"),
}
_POPULATION_COLUMNS = ("aantal_inwoners", "aantalInwoners", "aant_inw", "population", "inwoners", "bevolking")
_LEVEL_OF_COLUMN = {"buurt": "BU", "bu_": "BU", "wijk": "WK", "wk_": "WK", "gemeente": "GM", "gm_": "GM"}
_GEMEENTE = re.compile(r"^GM\d{4}$")

PDOK_LAYERS = {"buurt": "wijkenbuurten:buurten", "wijk": "wijkenbuurten:wijken", "gemeente": "wijkenbuurten:gemeenten"}
SUPPORTED_SUFFIXES = (".geojson", ".json", ".topojson", ".gpkg", ".shp", ".zip")


def max_boundaries_bytes() -> int:
    """Largest boundaries file read, in bytes: 20 × ``settings.MAX_IMPORT_BYTES``, read when called.

    GDAL holds a whole GeoJSON in memory; the national CBS file is far smaller.

    Returns
    -------
    int
        The limit in bytes.
    """
    return int(settings.MAX_IMPORT_BYTES) * 20


def read_boundaries_file(path: str | Path, gemeente: str | None = None, year: int | None = None) -> gpd.GeoDataFrame:
    """Read CBS boundaries from a local file and keep one gemeente (``GM0518``) if given.

    Parameters
    ----------
    path : str or Path
        GeoJSON, TopoJSON, GeoPackage or shapefile (``.zip``).
    gemeente : str, optional
        Keep only this gemeente.
    year : int, optional
        Edition of the boundaries.

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`normalise_boundaries`.

    Raises
    ------
    InputError
        ``file_missing``, ``boundaries_file_type``, ``file_larger_than``, ``file_unreadable`` and
        the problems of :func:`normalise_boundaries`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file_missing", "fix_check_path", path=path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError("boundaries_file_type", "fix_file_ending", name=path.name,
                         suffixes=", ".join(SUPPORTED_SUFFIXES))
    limit = max_boundaries_bytes()
    if path.stat().st_size > limit:
        raise InputError("file_larger_than", "fix_keep_gemeente", name=path.name, limit=limit // 2**20)
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises several DataSource errors; all mean "unreadable"
        raise InputError("file_unreadable", "fix_valid_boundaries", name=path.name, error=exc) from exc
    return normalise_boundaries(frame, gemeente=gemeente, year=year, reference=path.name)


def fetch_boundaries(gemeente: str, level: str = "buurt", year: int | None = None) -> gpd.GeoDataFrame:
    """Download CBS boundaries with population for one gemeente from PDOK (online).

    Parameters
    ----------
    gemeente : str
        Gemeente code (``GM0518``, or its digits).
    level : str
        ``buurt``, ``wijk`` or ``gemeente``.
    year : int, optional
        Edition of the boundaries.

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`normalise_boundaries`.

    Raises
    ------
    InputError
        ``gemeente_code_invalid``, ``pdok_unreachable`` and the problems of :func:`normalise_boundaries`.
    """
    gemeente = _check_gemeente(gemeente)
    params = {
        "service": "WFS", "version": "2.0.0", "request": "GetFeature", "typeNames": PDOK_LAYERS[level],
        "outputFormat": "json", "srsName": "EPSG:4326",
        "filter": ("<Filter><PropertyIsEqualTo><ValueReference>gemeentecode</ValueReference>"
                   f"<Literal>{gemeente}</Literal></PropertyIsEqualTo></Filter>"),
    }
    url = settings.PDOK_WFS_URL + "?" + urlencode(params)
    with warnings.catch_warnings(record=True) as caught:  # GDAL's remarks name the whole address: kept out
        warnings.simplefilter("always")
        try:
            frame = pyogrio.read_dataframe(url)
        except Exception as exc:  # network or service errors come as several GDAL error types
            said = " ".join([str(exc)] + [str(w.message) for w in caught]).lower()
            offline = any(word in said for word in ("resolve host", "curl", "connect", "timed out", "network"))
            reason = Message(N_("net_no_connection") if offline else N_("net_service_error"))
            raise InputError("pdok_unreachable", "fix_pdok_offline", error=reason) from None
    return normalise_boundaries(frame, gemeente=gemeente, year=year, reference=f"PDOK {PDOK_LAYERS[level]}")


def normalise_boundaries(frame: gpd.GeoDataFrame, *, gemeente: str | None = None, year: int | None = None,
                         reference: str = "") -> gpd.GeoDataFrame:
    """Map the column names of any CBS edition to ``code``, ``name``, ``population`` and validate.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Boundaries as read.
    gemeente : str, optional
        Keep only this gemeente.
    year : int, optional
        Edition of the boundaries.
    reference : str
        The file or service, as messages name it ("the file" when empty).

    Returns
    -------
    geopandas.GeoDataFrame
        Boundaries as :func:`~assetmap.layers.boundaries.build_boundaries` returns them.

    Raises
    ------
    InputError
        ``boundaries_empty``, ``boundaries_no_code_column``, ``boundaries_no_gemeente``,
        ``boundaries_no_crs`` and the problems of the boundary checks.
    """
    if frame.empty:
        raise InputError("boundaries_empty", "fix_right_file", name=_name(reference))
    frame = _fix_crs(frame, reference)
    columns = {c.lower(): c for c in frame.columns}
    code_col = next((columns[c.lower()] for c in _CODE_COLUMNS if c.lower() in columns), None)
    if code_col is None:
        raise InputError("boundaries_no_code_column", "fix_code_column", name=_name(reference))
    name_col = _matching(columns, _NAME_COLUMNS, prefer=code_col)
    pop_col = next((columns[c.lower()] for c in _POPULATION_COLUMNS if c.lower() in columns), None)
    out = gpd.GeoDataFrame({
        "code": frame[code_col].astype("string"),
        "name": frame[name_col].astype("string") if name_col else pd.Series(pd.NA, index=frame.index, dtype="string"),
        "population": pd.to_numeric(frame[pop_col], errors="coerce") if pop_col else float("nan"),
    }, geometry=frame.geometry, crs=frame.crs)
    for field, names in _AGE_COLUMNS.items():
        column = next((columns[c.lower()] for c in names if c.lower() in columns), None)
        if column is not None:
            out[field] = pd.to_numeric(frame[column], errors="coerce")
    if gemeente:
        gemeente = _check_gemeente(gemeente)
        digits = gemeente[2:]
        out = out[out["code"].str[2:6] == digits]
        if out.empty:
            raise InputError("boundaries_no_gemeente", "fix_check_gemeente", name=_name(reference), gemeente=gemeente)
    return build_boundaries(out, source="cbs", year=year)


def _matching(columns: dict[str, str], names: tuple[str, ...], prefer: str) -> str | None:
    """Pick the name column of the same level as the code column (buurtcode -> buurtnaam)."""
    prefix = prefer.lower()[:4]
    for name in names:
        if name.lower() in columns and name.lower().startswith(prefix):
            return columns[name.lower()]
    return next((columns[n.lower()] for n in names if n.lower() in columns), None)


def _fix_crs(frame: gpd.GeoDataFrame, reference: str) -> gpd.GeoDataFrame:
    """Set or correct the CRS from the coordinates when the file's claim cannot be true.

    TopoJSON from CBS carries no CRS (lon/lat); some files claim Web Mercator but hold RD metres.
    """
    minx, miny, maxx, maxy = frame.total_bounds
    lon_min, lat_min, lon_max, lat_max = settings.NL_BOUNDS_LONLAT
    x_min, y_min, x_max, y_max = settings.NL_BOUNDS_RD
    looks_lonlat = lon_min <= minx and maxx <= lon_max and lat_min <= miny and maxy <= lat_max
    looks_rd = x_min <= minx and maxx <= x_max and y_min <= miny and maxy <= y_max
    if frame.crs is None or (frame.crs.is_geographic and not looks_lonlat) or \
            (not frame.crs.is_geographic and frame.crs.to_epsg() != 28992 and looks_rd):
        if looks_lonlat:
            return frame.set_crs(settings.STORAGE_CRS, allow_override=True)
        if looks_rd:
            return frame.set_crs(settings.METRIC_CRS, allow_override=True)
        if frame.crs is None:
            raise InputError("boundaries_no_crs", "fix_save_crs", name=_name(reference))
    return frame


def _check_gemeente(code: str) -> str:
    code = code.strip().upper()
    if re.fullmatch(r"\d{1,4}", code):
        code = "GM" + code.zfill(4)
    if not _GEMEENTE.match(code):
        raise InputError("gemeente_code_invalid", "fix_gemeente_example", code=code)
    return code


def _name(reference: str) -> str | Message:
    """The file or service as a message names it: its reference, else the words "the file"."""
    return reference or Message("the_file")
