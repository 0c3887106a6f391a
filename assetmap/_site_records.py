"""The records of ``data.js`` for the static site: one short record per entry, and the stories told.

Part of :mod:`assetmap.publish` (the site is built from the privacy layer's public view only); kept
apart so each module holds one concern.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from assetmap import maps
from assetmap.i18n import LANGUAGES, hours_label
from assetmap.layers import categories
from assetmap.layers.schema import CONTENT_LANGUAGES, ENTRY_KINDS
from assetmap.numbers import day as written_day

__all__ = ["asset_records", "story_records"]


def asset_records(assets: gpd.GeoDataFrame, level: str, stories: dict, linked: dict, places: set) -> list[dict]:
    """One small record per asset: short keys, empty fields left out (the page reads them).

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The public view (of the area), EPSG:4326.
    level : str
        ``buurt`` or ``wijk``: the areas the records name.
    stories : dict
        Place id -> the stories told about it (:func:`assetmap.maps.related_entries`).
    linked : dict
        Entry id -> ``(kind, name)`` of its links.
    places : set of str
        Ids of the meeting places coverage counts.

    Returns
    -------
    list of dict
        Sorted by name; ``nt`` and ``dt`` hold an entry's name and description in other languages.
    """
    if not len(assets):
        return []
    points = maps.display_points(assets)
    block_index = {b: k for k, b in enumerate(ENTRY_KINDS)}
    area_column = f"{level}_code"
    records = []
    for row, point in zip(assets.drop(columns=assets.geometry.name).to_dict("records"), points):
        record = {"i": maps.plain_text(row.get("id")), "n": maps.plain_text(row.get("name")),
                  "b": block_index.get(maps.plain_text(row.get("building_block")), len(ENTRY_KINDS) - 1),
                  "x": round(point.x, maps.COORD_DECIMALS), "y": round(point.y, maps.COORD_DECIMALS)}
        # One category per label (two OSM values that read the same are one choice in the site's filter).
        optional = {"c": categories.canonical(maps.plain_text(row.get("category"))) or "",
                    "a": maps.plain_text(row.get(area_column)),
                    "d": maps.shorten_text(maps.plain_text(row.get("description"))), "o": maps.plain_text(row.get("opening_hours")),
                    "p": maps.plain_text(row.get("operator")), "t": _written_date(row.get("story_date"))}
        record |= {k: v for k, v in optional.items() if v}
        record |= _translations(row)
        if record.get("o"):  # the hours as each language reads them, where not OSM's own; "o" stays OSM syntax
            written = {x: hours_label(record["o"], x) for x in LANGUAGES}
            written = {x: w for x, w in written.items() if w != record["o"]}
            if written:
                record["oh"] = written
        if maps.is_true(row.get("is_meeting_place")):
            record["m"] = 1
        if record["i"] in places:
            record["mp"] = 1
        wheelchair = maps.plain_text(row.get("wheelchair"))
        if wheelchair in ("yes", "limited", "no"):
            record["w"] = wheelchair
        free = row.get("free_entry")
        if free is not None and free is not pd.NA and free == free:
            record["f"] = 1 if bool(free) else 0
        told = stories.get(record["i"])
        if told:
            record["s"] = [_story_item(s) for s in told]
        links = linked.get(record["i"])
        if links:
            record["l"] = [[kind, name] for kind, name in links]
        records.append(record)
    # Sorted by name here, so the page lists them alphabetically without sorting thousands of names.
    return sorted(records, key=lambda r: (r["n"].casefold(), r["i"]))


def _story_item(story: dict) -> list:
    """A story told about a place: ``[name, date, description]``, then its names and descriptions in
    other languages (``{tr: ...}``, ``{ar: ...}``) where it has any."""
    item = [maps.plain_text(story.get("name")), _written_date(story.get("story_date")),
            maps.shorten_text(maps.plain_text(story.get("description")))]
    more = _translations(story)
    return item + [more.get("nt", {}), more.get("dt", {})] if more else item


def _translations(row, shorten: bool = True) -> dict:
    """``nt`` and ``dt``: an entry's name and description per language where given (the page shows the
    reader's, else the Dutch ``n`` and ``d`` marked as Dutch); left out when there are none."""
    out = {}
    for field, key in (("name", "nt"), ("description", "dt")):
        given = {language: maps.plain_text(row.get(f"{field}_{language}")).strip() for language in CONTENT_LANGUAGES}
        given = {language: maps.shorten_text(text) if shorten and field == "description" else text
                 for language, text in given.items() if text}
        if given:
            out[key] = given
    return out


def _written_date(value) -> dict | str:
    """A story's date as each language writes it (``7 december 2026``, :func:`assetmap.numbers.day`);
    a text that is no date (``Sinds 1985``) as it was typed, in both; empty when there is none."""
    typed = maps.plain_text(value).strip()
    if not typed:
        return ""
    try:
        return {language: written_day(typed, language) for language in LANGUAGES}
    except (TypeError, ValueError):
        return {language: typed for language in LANGUAGES}


def story_records(assets: gpd.GeoDataFrame, index: dict[str, int]) -> list[dict]:
    """The public stories people told (a text, not an OSM artwork or memorial: those stay on the map as
    culture), with their full text and the place they are about (an index into the assets).

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The public view (of the area).
    index : dict
        Entry id -> its position in the records of :func:`asset_records`.

    Returns
    -------
    list of dict
        Sorted by title.
    """
    if not len(assets):
        return []
    told = assets[(assets["building_block"] == "story").fillna(False).to_numpy()]
    out = []
    for row in told.drop(columns=told.geometry.name).to_dict("records"):
        if not maps.plain_text(row.get("description")) or maps.plain_text(row.get("source")).lower().startswith("osm"):
            continue
        item = {"k": index.get(maps.plain_text(row.get("id"))), "n": maps.plain_text(row.get("name")),
                "t": _written_date(row.get("story_date")), "d": maps.plain_text(row.get("description")),
                **_translations(row, shorten=False)}
        place = index.get(maps.plain_text(row.get("related_asset_id")))
        if place is not None:
            item["p"] = place
        out.append(item)
    return sorted(out, key=lambda s: s["n"].casefold())
