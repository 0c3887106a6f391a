"""Boundaries: gemeente, wijk and buurt polygons with CBS codes, names and population."""

from __future__ import annotations

import difflib
import re
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.layers import _validate
from assetmap.layers.schema import AGE_GROUP_FIELDS, BOUNDARY_FIELDS

__all__ = ["level_of", "parent_codes", "build_boundaries", "finest_level", "assign_codes", "area_code"]

_CODE_PATTERN = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8})$")
_LEVEL_BY_PREFIX = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}


def level_of(code: str) -> str:
    """``gemeente``, ``wijk`` or ``buurt`` for a CBS code such as GM0518, WK051800 or BU05180000.

    Parameters
    ----------
    code : str
        A CBS code; only its two-letter prefix is read.

    Returns
    -------
    str
        The level.

    Raises
    ------
    KeyError
        The prefix is not ``GM``, ``WK`` or ``BU``.
    """
    return _LEVEL_BY_PREFIX[code[:2]]


def parent_codes(code: str) -> tuple[str | None, str]:
    """(wijk_code, gemeente_code) of a CBS code. CBS codes nest by their digits.

    Parameters
    ----------
    code : str
        A valid CBS code (not checked).

    Returns
    -------
    tuple of (str or None, str)
        The wijk code (the code itself for a wijk, None for a gemeente) and the gemeente code.
    """
    digits = code[2:]
    gemeente = "GM" + digits[:4]
    wijk = "WK" + digits[:6] if code.startswith("BU") else (code if code.startswith("WK") else None)
    return wijk, gemeente


def build_boundaries(frame: gpd.GeoDataFrame, *, source: str = "cbs", year: int | None = None,
                     strict: bool = True) -> gpd.GeoDataFrame:
    """Validate a boundary table with at least ``code`` and geometry; derive level and parent codes.

    Population may be missing (NA): CBS marks secret values with negative numbers, which become NA.

    Slightly invalid polygons are mended, and the polygon parts of a mended geometry kept.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Boundaries with ``code`` and polygons in any CRS that is set; optionally ``name``
        (default: the code), ``population`` and the CBS age groups of
        :data:`~assetmap.layers.schema.AGE_GROUP_FIELDS` (% of the residents).
    source : str
        Value of the ``source`` column.
    year : int, optional
        Value of the ``year`` column (the CBS edition).
    strict : bool
        Raise on problems (default), or only warn: then rows with a bad code are dropped and
        other problem rows are kept.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :data:`assetmap.layers.schema.BOUNDARY_FIELDS` and ``geometry``, in
        EPSG:4326, codes upper case.

    Raises
    ------
    InputError
        With ``strict``: every problem (row, column, fix): a value that is not a CBS code, a
        code that occurs twice, or a geometry that is missing, not a polygon, invalid or outside
        the Netherlands.
    """
    problems: list[Problem] = []
    out = frame.to_crs(settings.STORAGE_CRS).reset_index(drop=True).copy()
    codes = out["code"].astype("string").str.strip().str.upper()
    bad = ~codes.fillna("").str.match(_CODE_PATTERN)
    for pos in bad.to_numpy().nonzero()[0]:
        problems.append(Problem("cbs_code_invalid", "fix_cbs_code_example", row=pos + 1, column="code",
                                code=codes.iloc[pos]))
    dup = codes.duplicated(keep=False) & ~bad
    for pos in dup.to_numpy().nonzero()[0]:
        problems.append(Problem("code_duplicate", "fix_dissolve", row=pos + 1, column="code", code=codes.iloc[pos]))
    out["code"] = codes
    # Polygons from generalised sources are sometimes slightly invalid; mend them, since the fix is unambiguous.
    geoms = out.geometry.array
    fixable = ~shapely.is_missing(geoms) & ~shapely.is_valid(geoms)
    if fixable.any():
        out.loc[fixable, "geometry"] = shapely.make_valid(geoms[fixable], method="structure", keep_collapsed=False)
    out.geometry = out.geometry.apply(_polygonal)
    _validate.check_geometry(out, problems, allowed_types=("Polygon", "MultiPolygon"))
    _validate.raise_or_warn(problems, strict)
    out = out[~bad.to_numpy()].reset_index(drop=True)
    out["level"] = [level_of(c) for c in out["code"]]
    parents = [parent_codes(c) for c in out["code"]]
    out["wijk_code"] = pd.array([p[0] for p in parents], dtype="string")
    out["gemeente_code"] = pd.array([p[1] for p in parents], dtype="string")
    if "name" not in out.columns:
        out["name"] = pd.NA
    out["name"] = out["name"].astype("string").fillna(out["code"])
    population = pd.to_numeric(out["population"], errors="coerce") if "population" in out.columns \
        else pd.Series(np.nan, index=out.index)
    out["population"] = population.where(population >= 0).round().astype("Int64")
    out["source"] = source
    out["year"] = pd.array([year] * len(out), dtype="Int64")
    for column in AGE_GROUP_FIELDS:
        # Shares (%) of the residents; CBS marks secret values with negative numbers.
        share = pd.to_numeric(out[column], errors="coerce") if column in out.columns \
            else pd.Series(np.nan, index=out.index)
        out[column] = share.where((share >= 0) & (share <= 100)).astype("float64")
    columns = list(BOUNDARY_FIELDS) + ["geometry"]
    return gpd.GeoDataFrame(out[columns], geometry="geometry", crs=settings.STORAGE_CRS)


def finest_level(boundaries: gpd.GeoDataFrame) -> str | None:
    """``buurt`` if there are buurten, else ``wijk``, else ``gemeente``; None if empty.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Boundaries with a ``level`` column.

    Returns
    -------
    str or None
        The finest level present.
    """
    for level in ("buurt", "wijk", "gemeente"):
        if (boundaries["level"] == level).any():
            return level
    return None


def assign_codes(assets: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Set ``buurt_code``, ``wijk_code`` and ``gemeente_code`` of each asset by a spatial join.

    An asset polygon counts as inside the area that holds its representative point. Codes follow
    from the finest level that contains the asset (a buurt code implies its wijk and gemeente).
    Only codes that are found are written: an asset outside every boundary keeps the codes it
    had (empty for a new asset), as does a level at which no boundary contains it.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Assets in any CRS that is set; the containment test runs in EPSG:28992.
    boundaries : geopandas.GeoDataFrame
        Boundaries with ``code`` and ``level``, in any CRS that is set.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``assets`` with ``buurt_code``, ``wijk_code`` and ``gemeente_code`` as strings;
        unchanged when either frame is empty.
    """
    out = assets.copy()
    if out.empty or boundaries.empty:
        return out
    points = gpd.GeoDataFrame(geometry=out.geometry.to_crs(settings.METRIC_CRS).representative_point(),
                              crs=settings.METRIC_CRS)
    metric = boundaries.to_crs(settings.METRIC_CRS)
    # Plain arrays while codes are set, one text column each at the end (setting rows of a pandas
    # text column one level at a time costs more than the join).
    codes = {column: (np.array(out[column].to_numpy(dtype=object, na_value=None)) if column in out.columns
                      else np.full(len(out), None, dtype=object))
             for column in ("buurt_code", "wijk_code", "gemeente_code")}
    for level, column in (("gemeente", "gemeente_code"), ("wijk", "wijk_code"), ("buurt", "buurt_code")):
        areas = metric[metric["level"] == level]
        if areas.empty:
            continue
        joined = gpd.sjoin(points, areas[["code", "geometry"]], how="left", predicate="within")
        code = joined[~joined.index.duplicated(keep="first")]["code"].reindex(points.index)
        found = code.notna().to_numpy()
        inside = code[found].tolist()
        codes[column][found] = inside
        if level == "buurt":
            derived = [parent_codes(c) for c in inside]
            codes["wijk_code"][found] = [d[0] for d in derived]
            codes["gemeente_code"][found] = [d[1] for d in derived]
        elif level == "wijk":
            codes["gemeente_code"][found] = [parent_codes(c)[1] for c in inside]
    for column, values in codes.items():
        out[column] = pd.Series(values, index=out.index, dtype="string")
    return out


def area_code(boundaries: gpd.GeoDataFrame | None, query: str | None) -> str:
    """The CBS code of the area a person means: a code, or a name (unique, forgiving).

    Every command that takes ``--area`` and the app ask this one function. A CBS code (``GM0503``,
    ``WK050328``, ``BU05032800``; case and spaces do not matter) is returned as it is, upper case,
    whether or not the workspace holds it (the caller says when it does not). Anything else is a
    name, matched without regard to case, accents, spaces and punctuation: first a whole name
    (``wijk 28 wippolder``), then a name that ends with it or holds it (``Wippolder`` finds
    ``Wijk 28 Wippolder``). Within the first of these steps that finds anything, it must find
    exactly one area.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame or None
        The workspace's boundaries (``code``, ``name``, ``level``).
    query : str or None
        What the person typed.

    Returns
    -------
    str
        The area's CBS code.

    Raises
    ------
    InputError
        ``area_name_unknown`` (no area has that name; the fix lists the nearest names, or all of
        them, with their codes) or ``area_name_ambiguous`` (several do; the fix lists them).

    Examples
    --------
    ``area_code(boundaries, "wippolder")`` and ``area_code(boundaries, "WK050328")`` both give
    ``"WK050328"`` for the Delft wijken.
    """
    typed = str(query or "").strip()
    code = re.sub(r"\s+", "", typed).upper()
    if _CODE_PATTERN.match(code):
        return code
    if boundaries is None or not len(boundaries):
        raise InputError("area_name_unknown", "fix_import_boundaries_first", name=typed, known="-")
    codes = boundaries["code"].astype(str).tolist()
    names = boundaries["name"].astype("string").fillna("").astype(str).tolist()
    keys = [_name_key(n) for n in names]
    wanted = _name_key(typed)
    found = []
    if wanted:
        for test in (lambda k: k == wanted, lambda k: k.endswith(wanted), lambda k: wanted in k):
            found = [i for i, k in enumerate(keys) if k and test(k)]
            if found:
                break
    if len(found) == 1:
        return codes[found[0]]
    if found:
        raise InputError("area_name_ambiguous", "fix_area_pick_one", name=typed,
                         known=_listed(names, codes, found))
    close = difflib.get_close_matches(wanted, keys, n=8, cutoff=0.5)
    near = [keys.index(k) for k in dict.fromkeys(close)]
    if not near:
        near = sorted(range(len(names)), key=lambda i: (names[i], codes[i]))[:12]
    raise InputError("area_name_unknown", "fix_area_known_names", name=typed, known=_listed(names, codes, near))


def _name_key(value: str) -> str:
    """A name as compared: without accents, case, spaces and punctuation (``Wijk 28 Wippolder`` → ``wijk28wippolder``)."""
    plain = unicodedata.normalize("NFKD", str(value))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "", plain.casefold())


def _listed(names: list[str], codes: list[str], rows: list[int]) -> str:
    """``Name (CODE), ...`` of the rows, in their order."""
    return ", ".join(f"{names[i] or codes[i]} ({codes[i]})" for i in rows)


def _polygonal(geom):
    """Keep the polygon parts of a geometry (make_valid may return a collection)."""
    if geom is None or geom.is_empty or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geom
