"""The activity layer: what happens at a meeting place or in an association, and when.

An activity belongs to one asset (a place or an association) and has a recurring time in OSM
``opening_hours`` syntax (``Tu 19:00-21:00``), a target group, and whether it is free and walk-in.
"""

from __future__ import annotations

import pandas as pd

from assetmap.errors import Problem
from assetmap.layers import _validate
from assetmap.layers.assets import new_asset_ids, now_iso, parse_bool
from assetmap.layers.hours import parse_hours
from assetmap.layers.schema import ACTIVITY_FIELDS, TARGET_GROUP_ALIASES, TARGET_GROUPS

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
        Rows with at least ``asset_id``, ``name`` and ``recurring_time``; optionally ``id``,
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
    for pos, value in enumerate(out["recurring_time"].tolist()):
        try:
            parse_hours(None if value is pd.NA else value)
        except ValueError as exc:
            problems.append(Problem("activity_time_invalid", "fix_opening_hours", row=pos + 1,
                                    column="recurring_time", value=value, reason=str(exc)))
    groups = []
    for pos, value in enumerate(out["target_group"].tolist()):
        if value is None or value is pd.NA:
            groups.append("everyone")
            continue
        group = TARGET_GROUP_ALIASES.get(str(value).strip().lower().replace(" ", "_"))
        if group is None:
            problems.append(Problem("value_not_allowed", "fix_use_one_of", row=pos + 1, column="target_group",
                                    value=value, allowed=", ".join(TARGET_GROUPS)))
        groups.append(group)
    out["target_group"] = pd.Series(groups, dtype="string")
    for column in ("free", "walk_in"):
        parsed = []
        for pos, value in enumerate(out[column].tolist()):
            try:
                parsed.append(parse_bool(value))
            except ValueError:
                problems.append(Problem("yes_no_invalid", "fix_write_yes_no", row=pos + 1, column=column, value=value))
                parsed.append(None)
        out[column] = pd.Series(parsed, dtype="boolean")
    missing = out["id"].isna()
    out.loc[missing, "id"] = new_asset_ids(int(missing.sum()))
    if added_by is not None:
        out["added_by"] = out["added_by"].fillna(added_by)
    out["created_at"] = out["created_at"].fillna(now_iso())
    _validate.raise_or_warn(problems, strict)
    return pd.DataFrame(out[list(ACTIVITY_FIELDS)])
