"""The activity layer: what happens at a meeting place or in an association, and when.

An activity belongs to one asset (a place or an association) and has a recurring time in OSM
``opening_hours`` syntax (``Tu 19:00-21:00``), a target group, and whether it is free and walk-in.
"""

from __future__ import annotations

import re

import pandas as pd

from assetmap.errors import Problem
from assetmap.layers import _validate
from assetmap.layers.assets import new_asset_ids, now_iso, parse_bool_column
from assetmap.layers.hours import to_osm_hours
from assetmap.layers.schema import ACTIVITY_FIELDS, TARGET_GROUP_ALIASES, TARGET_GROUPS

__all__ = ["REQUIRED_ACTIVITY_FIELDS", "empty_activities", "build_activities", "osm_when"]

REQUIRED_ACTIVITY_FIELDS: tuple[str, ...] = ("asset_id", "name", "recurring_time")


def empty_activities() -> pd.DataFrame:
    """An activity table with no rows and every column of :data:`ACTIVITY_FIELDS`."""
    kinds = {"TEXT": "string", "BOOLEAN": "boolean"}
    return pd.DataFrame({c: pd.Series(dtype=kinds[k]) for c, k in ACTIVITY_FIELDS.items()})


def build_activities(frame: pd.DataFrame, *, added_by: str | None = None, strict: bool = True) -> pd.DataFrame:
    """Validate and complete activity rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with at least ``asset_id``, ``name`` and ``recurring_time`` (OSM ``opening_hours``,
        or one day as ``2026-12-10 18:00-20:00``, see :func:`osm_when`); optionally ``id``,
        ``target_group`` (Dutch or English, see :data:`TARGET_GROUP_ALIASES`), ``free`` and
        ``walk_in`` (yes/no in Dutch or English).
    added_by : str, optional
        Default pseudonym for ``added_by``.
    strict : bool
        Raise with every problem (default), or only warn.

    Returns
    -------
    pandas.DataFrame
        Exactly the columns of :data:`ACTIVITY_FIELDS`; a new ``id`` and ``created_at`` where missing.

    Raises
    ------
    InputError
        With every problem: a required cell empty (``cell_empty``), a recurring time that does not
        parse (``activity_time_invalid``), an unknown target group (``value_not_allowed``), or a
        yes/no that is neither (``yes_no_invalid``).
    """
    problems: list[Problem] = []
    out = frame.reset_index(drop=True).copy()
    for column in ACTIVITY_FIELDS:
        if column not in out.columns:
            out[column] = None
    for column in ("id", "asset_id", "name", "recurring_time", "target_group", "added_by", "created_at"):
        text = out[column].astype("string").str.strip()
        out[column] = text.mask(text == "")
    _validate.check_required(out, REQUIRED_ACTIVITY_FIELDS, problems)
    out["recurring_time"] = out["recurring_time"].map(osm_when, na_action="ignore")  # one day, the OSM way
    out["recurring_time"] = _validate.parse_cells(out["recurring_time"], _check_time, "recurring_time", problems)
    out["target_group"] = _validate.parse_cells(out["target_group"], _target_group, "target_group", problems,
                                                missing="everyone")
    for column in ("free", "walk_in"):
        out[column] = parse_bool_column(out[column], problems, column)
    missing = out["id"].isna()
    out.loc[missing, "id"] = new_asset_ids(int(missing.sum()))
    if added_by is not None:
        out["added_by"] = out["added_by"].fillna(added_by)
    out["created_at"] = out["created_at"].fillna(now_iso())
    _validate.raise_or_warn(problems, strict)
    return pd.DataFrame(out[list(ACTIVITY_FIELDS)])


def _check_time(value, complain) -> str:
    """A recurring time in OSM syntax, written in Dutch or OSM (``di 19-21`` -> ``Tu 19:00-21:00``);
    one that does not parse is complained of and kept as written."""
    try:
        return to_osm_hours(value)
    except ValueError as exc:
        complain("activity_time_invalid", "fix_opening_hours", value=value, reason=str(exc))
        return value


def _target_group(value, complain) -> str | None:
    """The target group a cell names (Dutch or English), or None with a complaint."""
    group = TARGET_GROUP_ALIASES.get(str(value).strip().lower().replace(" ", "_"))
    if group is None:
        complain("value_not_allowed", "fix_use_one_of", value=value, allowed=", ".join(TARGET_GROUPS))
    return group


#: One day as people write it: ``2026-12-10`` or ``10-12-2026``, optionally followed by times.
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(.*\S))?\s*$")
_DUTCH_DAY = re.compile(r"^\s*(\d{1,2})-(\d{1,2})-(\d{4})(?:\s+(.*\S))?\s*$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def osm_when(value):
    """When an activity runs, as an OSM ``opening_hours`` rule: a single day is written the OSM way.

    ``2026-12-10 18:00-20:00`` and ``10-12-2026 18:00-20:00`` become ``2026 Dec 10 18:00-20:00``;
    a weekly rule (``We 18:00-20:00``) and anything else are given back as they are (the layer
    checks them).

    Parameters
    ----------
    value : object
        The time as given.

    Returns
    -------
    object
        The OSM rule, or ``value`` unchanged.

    Examples
    --------
    >>> osm_when("2026-12-10 18:00-20:00")
    '2026 Dec 10 18:00-20:00'
    >>> osm_when("We 18:00-20:00")
    'We 18:00-20:00'
    """
    if not isinstance(value, str):
        return value
    match = _ISO_DAY.match(value)
    if match:
        year, month, day, rest = match.groups()
    else:
        match = _DUTCH_DAY.match(value)
        if not match:
            return value
        day, month, year, rest = match.groups()
    if not 1 <= int(month) <= 12:
        return value
    return f"{year} {_MONTHS[int(month) - 1]} {int(day):02d}" + (f" {rest}" if rest else "")
