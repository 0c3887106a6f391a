"""The maps' texts in HTML: popups, the list beside a map, legends, and cells read as text.

Part of :mod:`assetmap.maps` (which re-exports every public name here). Every value that came
from a person is escaped with :func:`html.escape`; contact fields and ``added_by`` are never shown.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

import geopandas as gpd
import pandas as pd

from assetmap import settings
from assetmap._map_style import (
    BLOCK_STYLE,
    COVERAGE_CLASSES,
    GAP_COLOUR,
    MEETING_FILL,
    MEETING_RIM,
    NO_DATA_COLOUR,
    POPUP_TEXT_CHARS,
    _badge,
)
from assetmap.i18n import block_label, category_label, code_label, codes_label, hours_label, t
from assetmap.layers.freshness import checked_on, is_stale
from assetmap.layers.schema import ENTRY_KINDS, TRANSLATION_FIELDS
from assetmap.layers.translations import LANGUAGE_SUFFIX, in_language, shown_language
from assetmap.leaflet import html_text
from assetmap.numbers import decimal, percent

__all__ = ["asset_list_html", "asset_popup", "block_legend_html", "coverage_legend_html", "is_true", "plain_text",
           "related_entries", "shorten_text"]


def asset_popup(asset: Mapping, *, stories: Iterable[Mapping] = (), linked: Iterable[tuple[str, str]] = (),
                lang: str = "nl", own: bool = False, stale_months: int | None = None,
                photos: Iterable[tuple[str, str]] = ()) -> str:
    """Popup HTML of one asset. Every value is escaped; contact and ``added_by`` are never shown.

    Parameters
    ----------
    asset : mapping
        The asset's fields (``name``, ``building_block``, ``category``, ``description``, ...).
    stories : iterable of mapping
        Stories about this place, each with ``name``, ``description`` and ``story_date``.
    linked : iterable of tuple of (str, str)
        ``(link kind, name of the other asset)`` per link.
    lang : {'nl', 'en'}
        Language of the labels.
    own : bool
        Mark the popup as the viewer's own entry.
    stale_months : int, optional
        The workspace's freshness limit (default :data:`assetmap.settings.STALE_MONTHS`): a check
        longer ago is marked "lang niet gecontroleerd".
    photos : iterable of tuple of (str, str)
        ``(src, caption)`` per approved photo the viewer may see: a ``data:`` URI of the thumbnail
        or a file beside the map; the caption is the ``alt`` text.

    Returns
    -------
    str
        HTML; descriptions longer than :data:`POPUP_TEXT_CHARS` characters are shortened.
    """
    esc = html.escape
    block = plain_text(asset.get("building_block"))
    style = BLOCK_STYLE.get(block, {"color": "#555", "icon": ""})
    # A coloured dot, not the SVG icon: popups are per asset, so every byte counts a thousand times.
    name = _in_its_language(esc(plain_text(asset.get("name"))), shown_language(asset, "name", lang), lang)
    parts = [f"<b><span style='color:{style['color']}' aria-hidden='true'>●</span> {name}</b>"]
    if own:
        parts[0] += f" <i>({t('own_entry', lang)})</i>"
    kind = esc(block_label(block, lang))
    category = category_label(asset.get("category"), lang)
    parts.append(f"<br>{kind}" + (f" · {esc(category)}" if category else ""))
    description = plain_text(asset.get("description"))
    if description:
        parts.append("<br>" + _in_its_language(esc(shorten_text(description)),
                                               shown_language(asset, "description", lang), lang, said=True))
    details = []
    if is_true(asset.get("is_meeting_place")):
        details.append(f"✔ {t('meeting_place', lang)}")
    for field in ("opening_hours", "operator", "story_date", "status", "seeks", "offers", "tags", "access",
                  "scale", "target_groups"):
        value = _shown_value(field, asset.get(field), lang)
        if value:
            details.append(f"{t(_FIELD_LABELS.get(field, field), lang)}: {esc(value)}")
    wheelchair = plain_text(asset.get("wheelchair"))
    if wheelchair in ("yes", "limited", "no"):
        details.append(f"{t('wheelchair', lang)}: {t('wheelchair_' + wheelchair, lang)}")
    free = asset.get("free_entry")
    if free is not None and free is not pd.NA and free == free:
        details.append(f"{t('free_entry', lang)}: {t('yes' if bool(free) else 'no', lang)}")
    checked = checked_on(plain_text(asset.get("last_checked")), plain_text(asset.get("updated_at")),
                         plain_text(asset.get("created_at")))
    if checked:  # "laatst gecontroleerd", and whether that is too long ago (shown as such, never hidden)
        stale = is_stale(checked, date.today(), stale_months or settings.STALE_MONTHS)
        details.append(esc(t("site_last_checked", lang, date=checked))
                       + (f" · <b>{esc(t('site_not_checked_recently', lang))}</b>" if stale else ""))
    if details:
        parts.append("<br><small>" + "<br>".join(details) + "</small>")
    for src, caption in photos:
        parts.append(f"<br><img src='{esc(src)}' alt='{esc(plain_text(caption))}' loading='lazy' "
                     "style='display:block;max-width:220px;height:auto;margin-top:4px'>")
    stories = list(stories)
    if stories:
        items = "".join(
            f"<li><b>{_in_its_language(esc(plain_text(s.get('name'))), shown_language(s, 'name', lang), lang)}</b>"
            + (f" ({esc(plain_text(s.get('story_date')))})" if plain_text(s.get("story_date")) else "")
            + (": " + _in_its_language(esc(shorten_text(plain_text(s.get("description")))),
                                       shown_language(s, "description", lang), lang, said=True)
               if plain_text(s.get("description")) else "")
            + "</li>" for s in stories)
        parts.append(f"<br><b>{t('stories_here', lang)}</b><ul style='margin:0;padding-left:16px'>{items}</ul>")
    linked = list(linked)
    if linked:
        items = "".join(f"<li>{code_label('link', k, lang)} {esc(name)}</li>" for k, name in linked)
        parts.append(f"<br><b>{t('linked_with', lang)}</b><ul style='margin:0;padding-left:16px'>{items}</ul>")
    return "".join(parts)


def _in_its_language(text_html: str, text_lang: str, lang: str, said: bool = False) -> str:
    """An entry's text marked with its language where that is not the reader's (a Dutch text standing
    in for a missing translation): ``lang="nl"`` for screen readers, and with ``said`` the words
    "in het Nederlands" in the reader's language after it."""
    if text_lang == lang or not text_html:
        return text_html
    marked = f"<span lang='{text_lang}'>{text_html}</span>"
    return marked + (f" <small>({html.escape(t('shown_in_dutch', lang))})</small>" if said else "")


#: Field -> code of its label where the two differ.
_FIELD_LABELS = {"access": "filter_access"}
#: Field -> (kind of code, a list?) for the fields whose stored codes a popup puts into words.
_CODE_FIELDS = {"status": ("status", False), "seeks": ("seek", True), "offers": ("seek", True),
                "access": ("access", False), "scale": ("scale", False), "target_groups": ("group", True)}


def _shown_value(field: str, value, lang: str) -> str:
    """A field's value as people read it: codes as words, opening hours in the language."""
    if field == "opening_hours":
        return hours_label(value, lang)
    if field in _CODE_FIELDS:
        kind, many = _CODE_FIELDS[field]
        return codes_label(kind, value, lang) if many else code_label(kind, value, lang)
    return plain_text(value)


def asset_list_html(assets: gpd.GeoDataFrame, links: pd.DataFrame | None = None, *, lang: str = "nl",
                    area_names: Mapping[str, str] | None = None, area_column: str | None = None,
                    photos: Mapping[str, list[tuple[str, str]]] | None = None) -> str:
    """The text equivalent of :func:`assetmap.maps.asset_map`: one list item per asset with its popup's details.

    Each item holds what the asset's popup holds (name, building block, category, description,
    details, the stories told about it and its links, see :func:`asset_popup`) and the name of its
    area, so that someone who cannot use the map reads everything the map tells.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The assets shown on the map, in the order to list them (already what the viewer may see).
    links : pandas.DataFrame, optional
        The links layer (see :func:`related_entries`).
    lang : {'nl', 'en'}
        Language of the labels.
    area_names : mapping of str to str, optional
        Area code -> area name.
    area_column : str, optional
        Column of ``assets`` with the area code (``buurt_code`` or ``wijk_code``).
    photos : mapping, optional
        Asset id -> ``(src, caption)`` of the photos the viewer may see, shown as in the popup
        (the caption as ``alt`` text).

    Returns
    -------
    str
        HTML of a ``<ul>``; every value is escaped.
    """
    assets = in_language(assets, lang)  # names and descriptions in the reader's language where given
    stories, linked = related_entries(assets, links)
    names = area_names or {}
    items = []
    for row in _records(assets):
        asset_id = row.get("id")
        area = names.get(plain_text(row.get(area_column))) if area_column else None
        where = f"<br>{t('area', lang)}: {html.escape(plain_text(area))}" if area else ""
        items.append("<li>" + asset_popup(row, stories=stories.get(asset_id, ()), linked=linked.get(asset_id, ()),
                                          lang=lang, photos=(photos or {}).get(asset_id, ())) + where + "</li>")
    return f"<ul class='assetmap-list'>{''.join(items)}</ul>"


def related_entries(assets: gpd.GeoDataFrame, links: pd.DataFrame | None
                    ) -> tuple[dict[str, list[dict]], dict[str, list[tuple[str, str]]]]:
    """Stories per place (``related_asset_id``) and linked names per asset, within ``assets`` only.

    Limiting both ends to the assets shown keeps a hidden (private) entry out of public popups.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The assets shown, with ``id``, ``name``, ``building_block`` and ``related_asset_id``.
    links : pandas.DataFrame or None
        Links with ``from_asset_id``, ``to_asset_id`` and ``kind``.

    Returns
    -------
    stories : dict
        Place id -> list of its stories (dicts with ``name``, ``description``, ``story_date``).
    linked : dict
        Asset id -> list of ``(kind, name of the other end)``, for both ends of every link; an
        unknown kind reads as ``other``.
    """
    stories: dict[str, list[dict]] = defaultdict(list)
    linked: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if assets is None or not len(assets):
        return stories, linked
    names = dict(zip(assets["id"], assets["name"].astype(object)))
    for story in _records(assets[(assets["building_block"] == "story").fillna(False).to_numpy()]):
        place = story.get("related_asset_id")
        if plain_text(place) and place in names:
            stories[place].append({k: story.get(k) for k in ("name", "description", "story_date", *TRANSLATION_FIELDS,
                                                             "name" + LANGUAGE_SUFFIX, "description" + LANGUAGE_SUFFIX)})
    if links is not None and len(links):
        for a, b, kind in zip(links["from_asset_id"], links["to_asset_id"], links["kind"]):
            if a in names and b in names:
                kind = plain_text(kind) if plain_text(kind) in _LINK_KINDS else "other"
                linked[a].append((kind, plain_text(names[b])))
                linked[b].append((kind, plain_text(names[a])))
    return stories, linked


def block_legend_html(counts: Mapping[str, int], lang: str = "nl") -> str:
    """Legend of the building blocks: colour, icon, label and number shown.

    Parameters
    ----------
    counts : mapping of str to int
        Number of assets shown per building block (a missing block counts 0).
    lang : {'nl', 'en'}
        Language of the labels.

    Returns
    -------
    str
        HTML of a ``<details>`` block (folded on a narrow screen).
    """
    rows = [f"<details open><summary><b>{t('legend_title', lang)}</b></summary>"]
    for block in ENTRY_KINDS:
        style = BLOCK_STYLE[block]
        rows.append(f"<div>{_badge(style['color'], style['icon'], 16)} {html.escape(block_label(block, lang))}"
                    f" ({int(counts.get(block, 0))})</div>")
    rows.append(f"<div>{_badge('#888', '', 16, meeting=True)} {t('legend_meeting_place', lang)}</div></details>")
    return "".join(rows)


def coverage_legend_html(lang: str = "nl", minutes: float | None = None) -> str:
    """Legend of the coverage classes and the point layers.

    Parameters
    ----------
    lang : {'nl', 'en'}
        Language of the labels.
    minutes : float, optional
        Walking time in minutes that counts as "in reach", added to the title.

    Returns
    -------
    str
        HTML of a ``<details>`` block.
    """
    title = t("legend_coverage", lang)
    if minutes is not None:
        title += f" ({t('walk_minutes', lang, minutes=decimal(minutes, lang))})"
    rows = [f"<details open><summary><b>{html.escape(title)}</b></summary>"]
    low = 0
    for high, colour in COVERAGE_CLASSES:
        rows.append(f"<div><span style='display:inline-block;width:14px;height:10px;background:{colour};"
                    f"border:1px solid #333'></span> {decimal(low, lang)}–{html.escape(percent(high, lang, 0))}</div>")
        low = high
    rows.append(f"<div><span style='display:inline-block;width:14px;height:10px;background:{NO_DATA_COLOUR};"
                f"border:1px solid #333'></span> {t('no_data', lang)}</div>")
    rows.append(f"<div><span style='color:{GAP_COLOUR}'>●</span> {t('legend_gap', lang)}</div>")
    rows.append(f"<div><span style='display:inline-block;width:10px;height:10px;border-radius:50%;"
                f"background:{MEETING_FILL};border:3px solid {MEETING_RIM}'></span> {t('legend_meeting', lang)}</div>")
    rows.append(f"<div><span style='background:#000;color:#fff;border-radius:50%;padding:0 4px'>1</span> "
                f"{t('legend_site', lang)}</div>")
    rows.append(f"<div style='max-width:16em'><i>{html.escape(t('legend_may_be_unmapped', lang))}</i></div></details>")
    return "".join(rows)


_LINK_KINDS = ("works_with", "could_work_with", "part_of", "located_at", "story_about", "other")


def _layer_name(block: str, count: int, lang: str) -> str:
    style = BLOCK_STYLE[block]
    return f"{_badge(style['color'], style['icon'], 16)} {html_text(block_label(block, lang))} ({count})"


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.drop(columns=frame.geometry.name).to_dict("records") if len(frame) else []


def plain_text(value) -> str:
    """A cell as text: ``""`` for None, pandas' NA and NaN.

    Parameters
    ----------
    value : object
        A value from a frame.

    Returns
    -------
    str
        The value as text, or an empty string when it is missing.
    """
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def is_true(value) -> bool:
    """Whether a cell holds a true value (None, pandas' NA and NaN are not).

    Parameters
    ----------
    value : object
        A value from a frame.

    Returns
    -------
    bool
        True for a set, truthy value.
    """
    if value is None or value is pd.NA:
        return False
    try:
        return bool(value) and value == value
    except TypeError:
        return False


def shorten_text(text: str) -> str:
    """Cut a text to :data:`POPUP_TEXT_CHARS` characters, ending in an ellipsis when cut.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    str
        At most :data:`POPUP_TEXT_CHARS` characters.
    """
    return text if len(text) <= POPUP_TEXT_CHARS else text[:POPUP_TEXT_CHARS - 1] + "…"
