"""Change over time: what was added, changed, archived and linked in a period, from the history.

Staff and volunteers change often; a buurt's map must tell a successor what happened. The
service records every create, edit, archive, delete, restore and link with who and when
(:meth:`assetmap.service.Workspace.history`, for coordinators); this module only counts and lists
it, per building block and per area. Read only.

For a public or handover summary, :func:`summarise_changes` takes ``public_names``: only entries in
the public view are named (with their public name), and who made a change is left out.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd

from assetmap.errors import InputError

__all__ = ["KINDS", "NO_AREA", "parse_day", "summarise_changes"]

#: What a change is, in the summary, by the history's action.
KINDS: tuple[str, ...] = ("added", "changed", "archived", "restored", "removed", "linked")
_KIND_OF_ACTION = {
    "create": "added", "archive": "archived", "link": "linked", "delete": "removed",
    "restore": "restored", "unarchive": "restored", "undo delete": "restored", "undo create": "removed",
    "undo restore": "removed", "reject": None,
}
#: The area of an entry without buurt or wijk code.
NO_AREA = "-"


def parse_day(value: str, column: str = "since") -> str:
    """A day or time as the history compares it (ISO 8601 text).

    Parameters
    ----------
    value : str
        ``2026-01-01``, ``1-1-2026`` or an ISO 8601 time.
    column : str
        The option or field named in the problem.

    Returns
    -------
    str
        The ISO form (``2026-01-01`` or the time as given).

    Raises
    ------
    InputError
        ``date_invalid``: not a day or time.
    """
    text = str(value).strip()
    try:
        if len(text) <= 10 and "-" in text and not text[:4].isdigit():
            d, m, y = (int(p) for p in text.replace("/", "-").replace(".", "-").split("-"))
            return date(y, m, d).isoformat()
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return text
    except ValueError as exc:
        raise InputError("date_invalid", "fix_write_day", column=column, value=text) from exc


def summarise_changes(history: pd.DataFrame, since: str, until: str | None = None, area: str | None = None, *,
                      assets: pd.DataFrame | None = None, public_names: dict | None = None) -> dict:
    """What changed in ``[since, until)``, per building block and per area.

    Parameters
    ----------
    history : pandas.DataFrame
        The workspace history (``asset_id``, ``action``, ``actor``, ``at``, ``before``, ``after``),
        as :meth:`assetmap.service.Workspace.history` gives it.
    since : str
        First day (or time) counted, ISO 8601.
    until : str, optional
        First day (or time) no longer counted; default: up to now.
    area : str, optional
        Only entries of this buurt, wijk or gemeente code.
    assets : pandas.DataFrame, optional
        The assets as they are now, for the block and area of a link's entry.
    public_names : dict, optional
        Asset id -> public name. When given, only these entries are listed (a link only when both
        ends are), under that name, and no pseudonym is given.

    Returns
    -------
    dict
        ``since``, ``until``, ``area``; ``totals`` (count per kind of :data:`KINDS`);
        ``per_building_block`` and ``per_area`` (block or area code -> counts per kind); ``items``,
        one dict per change, oldest first: ``at``, ``kind``, ``action``, ``asset_id``, ``name``,
        ``building_block``, ``area`` and (unless ``public_names``) ``actor``.

    Raises
    ------
    InputError
        ``since`` or ``until`` is not a day or time.
    """
    since = parse_day(since, "since")
    until = parse_day(until, "until") if until else None
    code = area.strip().upper() if area else None
    known: dict[str, dict] = {}
    if assets is not None and len(assets):
        columns = [c for c in ("id", "name", "building_block", "buurt_code", "wijk_code", "gemeente_code")
                   if c in assets.columns]
        for record in pd.DataFrame(assets[columns]).astype(object).where(assets[columns].notna(), None) \
                .to_dict("records"):
            known[record["id"]] = record
    items = []
    for row in history.sort_values("at", kind="stable").to_dict("records"):
        action = row["action"]
        state = _load(row.get("after")) or _load(row.get("before")) or {}
        if action == "link":
            link = state
            state = known.get(row["asset_id"]) or {}
        elif state:
            known[row["asset_id"]] = {**known.get(row["asset_id"], {}), **state}
        kind = _KIND_OF_ACTION.get(action, "changed")
        at = row["at"] or ""
        if kind is None or at < since or (until and at >= until):
            continue
        codes = {state.get("buurt_code"), state.get("wijk_code"), state.get("gemeente_code")}
        if code and code not in codes:
            continue
        name = state.get("name")
        if public_names is not None:
            ends = {row["asset_id"]} | ({link.get("to_asset_id")} if action == "link" else set())
            if not ends <= set(public_names):
                continue
            name = public_names[row["asset_id"]]
        item = {"at": at, "kind": kind, "action": action, "asset_id": row["asset_id"], "name": name,
                "building_block": state.get("building_block"),
                "area": state.get("buurt_code") or state.get("wijk_code") or NO_AREA}
        if action == "link":
            target = known.get(link.get("to_asset_id")) or {}
            item["linked_to"] = link.get("to_asset_id")
            item["linked_name"] = public_names.get(item["linked_to"]) if public_names is not None \
                else target.get("name")
        if public_names is None:
            item["actor"] = row.get("actor")
        items.append(item)
    return {"since": since, "until": until, "area": code, "totals": _count(items, None),
            "per_building_block": _count(items, "building_block"), "per_area": _count(items, "area"),
            "items": items}


def _count(items: list[dict], key: str | None) -> dict:
    if key is None:
        return {kind: sum(1 for i in items if i["kind"] == kind) for kind in KINDS}
    out: dict[str, dict] = {}
    for item in items:
        group = out.setdefault(str(item[key] or NO_AREA), {kind: 0 for kind in KINDS})
        group[item["kind"]] += 1
    return dict(sorted(out.items()))


def _load(text) -> dict | None:
    if text is None or (isinstance(text, float) and text != text):
        return None
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
