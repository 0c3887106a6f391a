"""The asset layer: one schema for the five ABCD building blocks."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date, datetime, timezone

import geopandas as gpd
import numpy as np
import pandas as pd

from assetmap import settings
from assetmap.errors import Problem
from assetmap.layers import _validate
from assetmap.layers.hours import to_osm_hours
from assetmap.layers.initiatives import check_initiative_fields
from assetmap.layers.schema import (
    ACCESS_ALIASES,
    ACCESS_VALUES,
    ASSET_FIELDS,
    BOOLEAN_FIELDS,
    ENTRY_KINDS,
    FORBIDDEN_FIELD_WORDS,
    PERSONAL_PROBLEM_WORDS,
    REQUIRED_ASSET_FIELDS,
    SCALE_ALIASES,
    SCALE_VALUES,
    SOURCES,
    TARGET_GROUP_ALIASES,
    TARGET_GROUPS,
    VISIBILITIES,
    WHEELCHAIR_VALUES,
)

__all__ = [
    "now_iso",
    "new_asset_id",
    "new_asset_ids",
    "empty_assets",
    "parse_bool",
    "special_category_problems",
    "build_assets",
    "meeting_places",
    "target_group_list",
    "parse_bool_column",
]

_TRUE = {"true", "1", "yes", "ja", "j", "y", "waar", "x", "✓"}
_FALSE = {"false", "0", "no", "nee", "n", "onwaar", ""}


def now_iso() -> str:
    """Current UTC time as ISO 8601 with milliseconds, as stored in the workspace."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_asset_id() -> str:
    """A new stable, unique asset id."""
    return new_asset_ids(1)[0]


def new_asset_ids(count: int) -> list[str]:
    """``count`` new asset ids at once: random (version 4) UUIDs as 32 hex digits, like ``uuid4().hex``.

    Parameters
    ----------
    count : int
        How many.

    Returns
    -------
    list of str
        The ids.
    """
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    digits = raw.tobytes().hex()
    return [digits[i:i + 32] for i in range(0, 32 * count, 32)]


def empty_assets() -> gpd.GeoDataFrame:
    """An asset layer with no rows and every column."""
    frame = pd.DataFrame({name: pd.Series(dtype=_dtype(kind)) for name, kind in ASSET_FIELDS.items()})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))


def parse_bool(value: object) -> bool | None:
    """Read yes/no in Dutch or English; ``None`` when the value says nothing.

    Parameters
    ----------
    value : object
        A cell: a bool, a number (0 is no, any other number yes) or a text such as ``ja``,
        ``nee``, ``yes``, ``no``, ``waar``, ``onwaar``, ``1``, ``0``, ``x`` or ``✓`` (case and
        surrounding spaces ignored).

    Returns
    -------
    bool or None
        True or False; None for None, NaN, ``pd.NA`` and an empty or blank text.

    Raises
    ------
    ValueError
        The value is a text that says neither yes nor no (the exception's message is that text,
        lower-cased); :func:`build_assets` turns it into a ``yes_no_invalid`` problem.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer, float)):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False if text else None
    raise ValueError(text)


def special_category_problems(columns) -> list[Problem]:
    """One problem per column that would hold a special category of personal data (GDPR art. 9).

    Parameters
    ----------
    columns : iterable
        Column names as the user wrote them.

    Returns
    -------
    list of Problem
        ``special_category_column`` for every column whose name holds a word of
        :data:`FORBIDDEN_FIELD_WORDS`, ``personal_problem_column`` for one that would record a
        person's problems or need for help (:data:`PERSONAL_PROBLEM_WORDS`).
    """
    def plain(name) -> str:
        text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
        return "_".join(re.split(r"[\s\-/.()]+", text))
    found = []
    for column in columns:
        if any(word in plain(column) for word in FORBIDDEN_FIELD_WORDS):
            found.append(Problem("special_category_column", "fix_remove_special_column", column=str(column),
                                 name=str(column)))
        elif any(word in plain(column) for word in PERSONAL_PROBLEM_WORDS):
            found.append(Problem("personal_problem_column", "fix_remove_problem_column", column=str(column),
                                 name=str(column)))
    return found


def build_assets(frame: pd.DataFrame | gpd.GeoDataFrame, *, source: str = "import", added_by: str | None = None,
                 rows: pd.Series | None = None, strict: bool = True) -> gpd.GeoDataFrame:
    """Validate and complete an asset table.

    Fills defaults (id, timestamps, visibility and consent by building block), parses yes/no
    values, checks required fields, allowed values and geometry, and returns a GeoDataFrame in
    EPSG:4326 with exactly the columns of :data:`ASSET_FIELDS` plus ``geometry``.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        Rows to check. Must have a geometry with a CRS.
    source : str
        Default for the ``source`` field.
    added_by : str, optional
        Default pseudonym for ``added_by``.
    rows : pandas.Series, optional
        Row numbers to name in problems (1-based, as in the user's file); defaults to positions.
    strict : bool
        Raise :class:`~assetmap.errors.InputError` with every problem (default), or only warn.

    Returns
    -------
    geopandas.GeoDataFrame
        The assets.

    Raises
    ------
    InputError
        With every problem found (codes and values, see :class:`~assetmap.errors.Problem`).
    """
    problems: list[Problem] = []
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
        problems.append(Problem("assets_no_crs", "fix_give_crs"))
        _validate.raise_or_warn(problems, True)
    problems.extend(special_category_problems(frame.columns))
    out = frame.to_crs(settings.STORAGE_CRS).reset_index(drop=True).copy()
    if rows is not None:
        rows = pd.Series(np.asarray(rows)).reset_index(drop=True)
    stamp = now_iso()
    for name, kind in ASSET_FIELDS.items():
        if name not in out.columns:
            out[name] = pd.Series(np.nan if kind == "REAL" else pd.NA, index=out.index, dtype=_dtype(kind))
    for name, kind in ASSET_FIELDS.items():
        if kind == "TEXT":
            out[name] = _clean_text(out[name], problems, name, rows)
    for name in ("category", "building_block", "visibility", "source", "wheelchair"):
        out[name] = out[name].str.lower()
    missing_id = out["id"].isna()
    out.loc[missing_id, "id"] = new_asset_ids(int(missing_id.sum()))
    dup = out["id"].duplicated(keep=False)
    for pos in dup.to_numpy().nonzero()[0]:
        problems.append(Problem("id_duplicate", "fix_unique_id", row=_validate._row(rows, pos), column="id",
                                id=out["id"].iloc[pos]))
    out["source"] = out["source"].fillna(source)
    if added_by is not None:
        out["added_by"] = out["added_by"].fillna(added_by)
    out["created_at"] = out["created_at"].fillna(stamp)
    out["updated_at"] = out["updated_at"].fillna(out["created_at"])
    for name in BOOLEAN_FIELDS:
        out[name] = parse_bool_column(out[name], problems, name, rows)
    # An empty building block is reported below; here it must not break the defaults (NA is not a bool).
    individual = (out["building_block"] == "individual").fillna(False).astype(bool)
    # Privacy by default: a person's talents are shared with the group only, and only with consent.
    out["visibility"] = out["visibility"].where(out["visibility"].notna(),
                                                np.where(individual, "group", "public"))
    out["consent"] = out["consent"].where(out["consent"].notna(), ~individual).astype("boolean")
    out["is_meeting_place"] = out["is_meeting_place"].fillna(False).astype("boolean")
    out["story_date"] = _parse_story_dates(out["story_date"], problems, rows)
    out["access"] = _choice(out["access"], ACCESS_ALIASES)
    out["scale"] = _choice(out["scale"], SCALE_ALIASES)
    out["target_groups"] = _parse_target_groups(out["target_groups"], problems, rows)
    out["capacity"] = _parse_capacity(out["capacity"], problems, rows)
    # Typed in Dutch or OSM syntax, stored as OSM syntax; what neither reads stays as written and counts as
    # "hours unknown" (the imports note it with opening_hours_invalid, naming both forms). OSM's own stay as tagged.
    if source != "osm":
        out["opening_hours"] = _validate.parse_cells(out["opening_hours"], _opening_hours, "opening_hours",
                                                     problems, rows)
    check_initiative_fields(out, problems, rows, stamp)
    _validate.check_required(out, REQUIRED_ASSET_FIELDS, problems, rows)
    _validate.check_allowed(out, "building_block", ENTRY_KINDS, problems, rows)
    _validate.check_allowed(out, "visibility", VISIBILITIES, problems, rows)
    _validate.check_allowed(out, "source", SOURCES, problems, rows)
    _validate.check_allowed(out, "wheelchair", WHEELCHAIR_VALUES, problems, rows)
    _validate.check_allowed(out, "access", ACCESS_VALUES, problems, rows)
    _validate.check_allowed(out, "scale", SCALE_VALUES, problems, rows)
    _validate.check_geometry(out, problems, rows)
    _validate.raise_or_warn(problems, strict)
    columns = list(ASSET_FIELDS) + ["geometry"]
    return gpd.GeoDataFrame(out[columns], geometry="geometry", crs=settings.STORAGE_CRS)


def meeting_places(assets: gpd.GeoDataFrame, categories: tuple[str, ...] | None = None,
                   public_only: bool = False) -> gpd.GeoDataFrame:
    """The meeting places among ``assets``: a view (a filtered frame), never a second copy.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The asset layer (columns ``is_meeting_place``, ``category``, ``visibility``,
        ``consent``), any CRS; the CRS is kept.
    categories : tuple of str, optional
        Also count assets of these categories as meeting places, whether or not they are marked.
    public_only : bool
        Keep only public assets with consent.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of ``assets`` marked ``is_meeting_place`` or of one of ``categories``, with
        their index and every column.
    """
    mask = assets["is_meeting_place"].fillna(False).astype(bool)
    if categories:
        mask |= assets["category"].isin(categories)
    if public_only:
        mask &= (assets["visibility"] == "public") & assets["consent"].fillna(False).astype(bool)
    return assets[mask]


def target_group_list(value) -> tuple[str, ...]:
    """The target groups of a stored ``target_groups`` value (``youth;older_people``).

    Parameters
    ----------
    value : str or None
        A semicolon list as stored; empty or missing means none recorded.

    Returns
    -------
    tuple of str
        The groups in the order of :data:`~assetmap.layers.schema.TARGET_GROUPS`; empty when
        none are recorded.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ()
    found = {p.strip() for p in re.split(r"[;,]", str(value)) if p.strip()}
    return tuple(g for g in TARGET_GROUPS if g in found)


def _normal(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().strip().lower()
    return re.sub(r"[\s\-/]+", "_", plain)


def _choice(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Dutch or English words for a choice -> the stored value; an unknown word is left for check_allowed."""
    return values.map(lambda v: v if v is None or v is pd.NA else aliases.get(_normal(str(v)), str(v).lower()),
                      na_action="ignore").astype("string")


def _parse_target_groups(values: pd.Series, problems: list[Problem], rows: pd.Series | None) -> pd.Series:
    return _validate.parse_cells(values, _target_groups, "target_groups", problems, rows)


def _target_groups(value, complain) -> str | None:
    """The known groups of one cell as stored (``youth;parents``), each unknown one complained of."""
    groups = []
    for part in re.split(r"[;,]", str(value)):
        if not part.strip():
            continue
        group = TARGET_GROUP_ALIASES.get(_normal(part))
        if group is None:
            complain("value_not_allowed", "fix_use_one_of", value=part.strip(), allowed=", ".join(TARGET_GROUPS))
        elif group not in groups:
            groups.append(group)
    return ";".join(g for g in TARGET_GROUPS if g in groups) or None


def _opening_hours(value, complain) -> str:
    """Opening hours in OSM syntax, from Dutch or OSM (:func:`~assetmap.layers.hours.to_osm_hours`);
    kept as written when neither can be read (never lost; the place counts as "hours unknown")."""
    try:
        return to_osm_hours(value)
    except ValueError:
        return value


def _parse_capacity(values: pd.Series, problems: list[Problem], rows: pd.Series | None) -> pd.Series:
    """Capacity is a whole number of people, 0 or more."""
    return _validate.parse_cells(values, _capacity, "capacity", problems, rows, dtype="Int64")


def _capacity(value, complain) -> int | None:
    """One cell's capacity; None for NaN and a blank text."""
    if (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
        if not np.isfinite(number) or number < 0 or number != int(number):
            raise ValueError(value)
        return int(number)
    except ValueError:
        complain("capacity_invalid", "fix_capacity", value=value)
        return None


def _dtype(kind: str) -> str:
    return {"TEXT": "string", "BOOLEAN": "boolean", "INTEGER": "Int64", "REAL": "float64"}[kind]


def _clean_text(values: pd.Series, problems: list[Problem], column: str, rows: pd.Series | None) -> pd.Series:
    """Strip whitespace and control characters; refuse texts longer than the limit."""
    text = values.astype("string")
    if not text.notna().any():
        return text  # an empty column (most optional columns of a workshop file): nothing to clean
    text = text.str.replace(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", regex=True).str.strip()
    text = text.mask(text == "")
    too_long = text.str.len() > settings.MAX_TEXT_LENGTH
    for pos in too_long.fillna(False).to_numpy().nonzero()[0]:
        problems.append(Problem("text_too_long", "fix_shorten", row=_validate._row(rows, pos), column=column,
                                limit=settings.MAX_TEXT_LENGTH))
    return text


def _parse_story_dates(values: pd.Series, problems: list[Problem], rows: pd.Series | None) -> pd.Series:
    """Stories carry a date as precise as people remember it: 1985, 1985-06 or 1985-06-21.

    Dutch day-first dates (21-6-1985) are turned into ISO form.
    """
    return _validate.parse_cells(values, _story_date, "story_date", problems, rows)


def _story_date(value, complain) -> str | None:
    """One cell's date in ISO form, as precise as written."""
    text = str(value).strip()
    iso = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    dutch = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    parts = None
    if iso:
        parts = [int(p) for p in iso.groups() if p is not None]
    elif dutch:
        parts = [int(dutch.group(3)), int(dutch.group(2)), int(dutch.group(1))]
    try:
        if parts is None:
            raise ValueError(text)
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        complain("date_invalid", "fix_write_date", value=text)
        return None
    return "-".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])


def parse_bool_column(values: pd.Series, problems: list[Problem], column: str,
                      rows: pd.Series | None = None) -> pd.Series:
    """Every cell of a yes/no column read with :func:`parse_bool`, each one that is neither a problem.

    Parameters
    ----------
    values : pandas.Series
        The cells.
    problems : list of Problem
        Found problems (``yes_no_invalid``) are appended here.
    column : str
        Column to name in the problems.
    rows : pandas.Series, optional
        Row numbers to name (as in the user's file); positions + 1 when not given.

    Returns
    -------
    pandas.Series
        ``boolean`` values on the index of ``values``; missing for an empty cell and one that is neither.
    """
    parsed = []
    known: dict = {}  # the few distinct cells of a column ("ja", "nee", empty), each read once
    for pos, value in enumerate(values.tolist()):
        try:
            if isinstance(value, str) or value is None or value is pd.NA:
                if value not in known:
                    known[value] = parse_bool(value)
                parsed.append(known[value])
            else:
                parsed.append(parse_bool(value))
        except ValueError:
            problems.append(Problem("yes_no_invalid", "fix_write_yes_no", row=_validate._row(rows, pos),
                                    column=column, value=value))
            parsed.append(None)
    return pd.Series(parsed, index=values.index, dtype="boolean")
