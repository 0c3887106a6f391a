"""Change over time: what was added, changed, archived and linked in a period, from the history.

Staff and volunteers change often; a buurt's map must tell a successor what happened. The
service records every create, edit, archive, delete, restore and link with who and when
(:meth:`assetmap.service.Workspace.history`, for coordinators); this module only counts and lists
it, per building block and per area. Read only.

Workshop work and data imports are told apart: a change that an import made (an entry from a data
source such as OpenStreetMap, written in the name of that source) is not listed one by one but
counted as one line per import (source, day, how many entries), so the 19 entries a workshop added
are not lost among the 191 a data import brought. Areas are named as the boundaries name them
(``Wippolder``, not ``BU05030801``); an entry outside every buurt and wijk is counted apart.

For a public or handover summary, :func:`summarise_changes` takes ``public_names``: only entries in
the public view are named (with their public name), and who made a change is left out.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd

from assetmap.errors import InputError
from assetmap.messages import N_, text

__all__ = ["KINDS", "WORKSHOP_SOURCE", "parse_day", "is_import", "summarise_changes", "day_text", "import_line"]

#: What a change is, in the summary, by the history's action.
KINDS: tuple[str, ...] = ("added", "changed", "archived", "restored", "removed", "linked")
_KIND_OF_ACTION = {
    "create": "added", "archive": "archived", "link": "linked", "delete": "removed",
    "restore": "restored", "unarchive": "restored", "undo delete": "restored", "undo create": "removed",
    "undo restore": "removed", "reject": None,
}
#: The ``source`` of entries that people made (in a workshop, on the map or in a workshop file).
WORKSHOP_SOURCE = "workshop"


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


def is_import(state: dict, actor) -> bool:
    """Whether a change was made by a data import rather than by a person.

    Parameters
    ----------
    state : dict
        The entry as the change left it (``source``, ``added_by``).
    actor : str or None
        Who the history says made the change.

    Returns
    -------
    bool
        True when the entry comes from a data source (``source`` set and not ``workshop``) and the
        change was made in that source's name (the import writes ``added_by`` and the actor alike,
        ``OpenStreetMap``). A person's edit of an imported entry is not an import.
    """
    source = state.get("source")
    return bool(source) and source != WORKSHOP_SOURCE and actor is not None and actor == state.get("added_by")


def summarise_changes(history: pd.DataFrame, since: str, until: str | None = None, area: str | None = None, *,
                      assets: pd.DataFrame | None = None, public_names: dict | None = None,
                      boundaries: pd.DataFrame | None = None) -> dict:
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
    boundaries : pandas.DataFrame, optional
        The boundaries (``code``, ``name``), to name the areas; without them an area is shown by
        its code.

    Returns
    -------
    dict
        ``since``, ``until``, ``area``; for the changes people made: ``totals`` (count per kind of
        :data:`KINDS`), ``per_building_block`` (block -> counts per kind), ``per_area`` (area name
        -> counts per kind, buurt or else wijk, sorted by name), ``outside_areas`` (counts per kind
        of the entries in no buurt or wijk) and ``items``, one dict per change, oldest first:
        ``at``, ``kind``, ``action``, ``asset_id``, ``name``, ``building_block``, ``area`` (code or
        None), ``area_name`` (name or None) and (unless ``public_names``) ``actor``. And
        ``imports``: one dict per import (source and day), oldest first: ``source``, ``day``
        (ISO), ``rows`` (changes it made) and ``counts`` per kind; imports are in no other key.

    Raises
    ------
    InputError
        ``since`` or ``until`` is not a day or time.
    """
    since = parse_day(since, "since")
    until = parse_day(until, "until") if until else None
    code = area.strip().upper() if area else None
    names = _area_names(boundaries)
    imports: dict[tuple[str, str], dict] = {}
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
        if action != "link" and is_import(state, row.get("actor")):
            key = (str(row.get("actor")), at[:10])
            batch = imports.setdefault(key, {"source": key[0], "day": key[1], "rows": 0,
                                             "counts": {k: 0 for k in KINDS}})
            batch["rows"] += 1
            batch["counts"][kind] += 1
            continue
        name = state.get("name")
        if public_names is not None:
            ends = {row["asset_id"]} | ({link.get("to_asset_id")} if action == "link" else set())
            if not ends <= set(public_names):
                continue
            name = public_names[row["asset_id"]]
        place = state.get("buurt_code") or state.get("wijk_code") or None
        item = {"at": at, "kind": kind, "action": action, "asset_id": row["asset_id"], "name": name,
                "building_block": state.get("building_block"), "area": place,
                "area_name": names.get(place, place) if place else None}
        if action == "link":
            target = known.get(link.get("to_asset_id")) or {}
            item["linked_to"] = link.get("to_asset_id")
            item["linked_name"] = public_names.get(item["linked_to"]) if public_names is not None \
                else target.get("name")
        if public_names is None:
            item["actor"] = row.get("actor")
        items.append(item)
    placed = [i for i in items if i["area_name"]]
    return {"since": since, "until": until, "area": code, "totals": _count(items, None),
            "per_building_block": _count([i for i in items if i["building_block"]], "building_block"),
            "per_area": _count(placed, "area_name"),
            "outside_areas": _count([i for i in items if not i["area_name"]], None),
            "items": items, "imports": sorted(imports.values(), key=lambda b: (b["day"], b["source"]))}


def day_text(day: str, lang: str | None = None) -> str:
    """A day written out: ``7 december 2026`` (Dutch), ``7 December 2026`` (English).

    Parameters
    ----------
    day : str
        ISO day (``2026-12-07``; a longer ISO time is cut to its day).
    lang : str, optional
        Language code; English when None.

    Returns
    -------
    str
        The day with the month's name (from the catalogue, ``month_names``); the text as given
        when it is no day.
    """
    try:
        value = date.fromisoformat(str(day)[:10])
    except ValueError:
        return str(day)
    months = text("month_names", lang).split()
    month = months[value.month - 1] if len(months) == 12 else f"{value.month:02d}"
    return f"{value.day} {month} {value.year}"


def import_line(batch: dict, lang: str | None = None) -> str:
    """One import in words: ``OpenStreetMap-import 7 december 2026: 191 objecten``.

    Parameters
    ----------
    batch : dict
        One of the ``imports`` of :func:`summarise_changes`.
    lang : str, optional
        Language code; English when None.

    Returns
    -------
    str
        The line (code ``changes_import_line``, or ``changes_import_line_one`` for one entry).
    """
    code = N_("changes_import_line_one") if batch["rows"] == 1 else N_("changes_import_line")
    return text(code, lang, source=batch["source"], day=day_text(batch["day"], lang), rows=batch["rows"])


def _count(items: list[dict], key: str | None) -> dict:
    if key is None:
        return {kind: sum(1 for i in items if i["kind"] == kind) for kind in KINDS}
    out: dict[str, dict] = {}
    for item in items:
        group = out.setdefault(str(item[key]), {kind: 0 for kind in KINDS})
        group[item["kind"]] += 1
    return dict(sorted(out.items(), key=lambda pair: pair[0].casefold()))


def _area_names(boundaries: pd.DataFrame | None) -> dict:
    """Boundary code -> name (the code where a name is missing)."""
    if boundaries is None or not len(boundaries) or "code" not in boundaries.columns:
        return {}
    return {str(c): (str(n) if isinstance(n, str) and n.strip() else str(c))
            for c, n in zip(boundaries["code"], boundaries["name"].astype(object)) if isinstance(c, str)}


def _load(text) -> dict | None:
    if text is None or (isinstance(text, float) and text != text):
        return None
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
