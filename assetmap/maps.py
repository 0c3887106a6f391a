"""Folium maps for the app: pure functions that take layers and return a ``folium.Map``.

No Streamlit here, so tests can render a map and read its HTML. Every text that came from a
person (names, descriptions, stories, categories) is escaped with :func:`html.escape` before it
reaches the map, and the embedded JSON has ``</`` broken up, so no name can open a tag or leave
its ``<script>``. To keep the page small: one GeoJSON layer per building block (not one Marker per
asset), coordinates rounded to ~1 m, boundary polygons simplified in RD New.

Accessibility (WCAG 2.1 AA, see docs/accessibility.md): every map says its language, names its controls in it,
puts them before the markers in the focus order, makes markers named buttons that open with Enter or
Space and close with Escape, keeps inert shapes out of the tab order, allows pinch-zoom and gives
touch targets of 44 px; :func:`asset_list_html` is the map's text equivalent.

The builders are here; the rest is in three inner modules, each re-exported from this one:
:mod:`assetmap._map_style` (colours, icons, sizes), :mod:`assetmap._map_elements` (folium
elements, the base map, features) and :mod:`assetmap._map_html` (popups, lists, legends).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap._map_elements import (
    _Accessibility,
    _base_map,
    _dot_js,
    _DotCloud,
    _feature,
    _fit,
    _GeoJsonLayer,
    _Legend,
    _marker_js,
    _point_feature,
    display_boundaries,
    display_points,
)
from assetmap._map_html import (
    _layer_name,
    _number,
    _records,
    asset_list_html,
    asset_popup,
    block_legend_html,
    coverage_legend_html,
    is_true,
    plain_text,
    related_entries,
    shorten_text,
)
from assetmap._map_style import (
    BLOCK_STYLE,
    CANVAS_FROM,
    COORD_DECIMALS,
    COVERAGE_CLASSES,
    GAP_COLOUR,
    LOCAL_LEAFLET,
    MEETING_FILL,
    MEETING_RIM,
    NO_DATA_COLOUR,
    POPUP_TEXT_CHARS,
    SIMPLIFY_TOLERANCE_M,
    SITE_COLOUR,
    TEXT_COLOUR,
    TOUCH_TARGET_PX,
    coverage_colour,
    icon_svg,
)
from assetmap.coverage_notes import partial_note
from assetmap.i18n import block_label, category_label, t
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.layers.translations import in_language
from assetmap.numbers import decimal, percent

__all__ = [
    # the map builders
    "asset_map", "boundary_layer", "coverage_map", "network_map",
    # re-exported from _map_style, _map_elements and _map_html
    "BLOCK_STYLE", "CANVAS_FROM", "COORD_DECIMALS", "COVERAGE_CLASSES", "GAP_COLOUR", "LOCAL_LEAFLET",
    "MEETING_FILL", "MEETING_RIM", "NO_DATA_COLOUR", "POPUP_TEXT_CHARS", "SIMPLIFY_TOLERANCE_M", "SITE_COLOUR",
    "TEXT_COLOUR", "TOUCH_TARGET_PX", "asset_list_html", "asset_popup", "block_legend_html", "coverage_colour",
    "coverage_legend_html", "display_boundaries", "display_points", "icon_svg", "is_true", "plain_text",
    "related_entries", "shorten_text",
]


def asset_map(assets: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame | None = None, *,
              links: pd.DataFrame | None = None, lang: str = "nl", own_ids: Iterable[str] = (),
              leaflet_base: str | None = None, tiles: bool = True, stale_months: int | None = None,
              photos: Mapping[str, list[tuple[str, str]]] | None = None) -> folium.Map:
    """A map of assets: one toggleable FeatureGroup per building block, boundaries and a legend.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The assets to draw, already filtered to what the viewer may see (for example
        :func:`assetmap.privacy.public_view`). Popups never show ``contact`` or ``added_by``.
        EPSG:4326 (a frame without CRS is taken as EPSG:4326); rows without a location are left out.
    boundaries : geopandas.GeoDataFrame, optional
        Wijk/buurt polygons drawn with their names as tooltips (see :func:`boundary_layer`).
    links : pandas.DataFrame, optional
        The links layer; linked assets and stories (``related_asset_id``) appear in popups, but
        only when the other end is among ``assets`` too.
    lang : {'nl', 'en'}
        Language of labels, legend and popups (another code falls back to Dutch).
    own_ids : iterable of str
        Asset ids marked as "your entry" in popups (workshop mode).
    leaflet_base : str, optional
        URL folder holding ``leaflet.js``/``leaflet.css``; default folium's CDN.
    tiles : bool
        Draw the OpenStreetMap background tiles (fetched by the browser); False for a blank
        background.
    stale_months : int, optional
        The workspace's freshness limit: popups mark entries checked longer ago than this as such
        (default :data:`assetmap.settings.STALE_MONTHS`).
    photos : mapping, optional
        Asset id -> ``(src, caption)`` of its photos the viewer may see (approved, public entries
        for a public map), shown in its popup with the caption as ``alt`` text.

    Returns
    -------
    folium.Map
        Fitted to the assets, or to the boundaries when no asset has a location.
    """
    shown = assets[assets.geometry.notna() & ~assets.geometry.is_empty] if len(assets) else assets
    shown = in_language(shown, lang)  # names and descriptions in the reader's language where given
    canvas = len(shown) >= CANVAS_FROM
    fmap = _base_map(leaflet_base, tiles, canvas)
    if boundaries is not None and not boundaries.empty:
        boundary_layer(boundaries, lang).add_to(fmap)
    points = display_points(shown)
    stories, linked = related_entries(shown, links)
    own = set(own_ids)
    counts = {}
    for block in ENTRY_KINDS:
        in_block = (shown["building_block"] == block).fillna(False).to_numpy() if len(shown) else []
        rows = shown[in_block] if len(shown) else shown
        counts[block] = len(rows)
        group = folium.FeatureGroup(name=_layer_name(block, len(rows), lang), show=True)
        features = []
        for row, point in zip(_records(rows), points[in_block] if len(shown) else []):
            asset_id = row["id"]
            features.append(_point_feature(point, {
                "popup": asset_popup(row, stories=stories.get(asset_id, ()), linked=linked.get(asset_id, ()),
                                     lang=lang, own=asset_id in own, stale_months=stale_months,
                                     photos=(photos or {}).get(asset_id, ())),
                "tip": html.escape(plain_text(row.get("name"))),
                "m": 1 if is_true(row.get("is_meeting_place")) else 0,
            }))
        _GeoJsonLayer(features, point_js=_dot_js(block) if canvas else _marker_js(block),
                      label_suffix=", " + block_label(block, lang),
                      meeting_suffix=", " + t("meeting_place", lang), lazy=canvas).add_to(group)
        group.add_to(fmap)
    _Legend(block_legend_html(counts, lang)).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    label = t("map_label_assets", lang)
    if canvas:  # the dots are no controls: say where the same places can be reached
        label = f"{label}. {t('map_canvas_hint', lang, count=len(shown))}"
    _Accessibility(lang, label).add_to(fmap)
    _fit(fmap, shown if len(shown) else boundaries)
    return fmap


def coverage_map(areas: gpd.GeoDataFrame, *, gaps: gpd.GeoDataFrame | None = None,
                 meeting_places: gpd.GeoDataFrame | None = None, sites: gpd.GeoDataFrame | None = None,
                 lang: str = "nl", minutes: float | None = None, leaflet_base: str | None = None,
                 tiles: bool = True) -> folium.Map:
    """Choropleth of the share of residents within reach per area, with gaps, meeting places and sites.

    ``areas`` has ``name``, ``coverage_pct``, ``population``, ``uncovered_population`` and polygons;
    ``gaps`` are points with ``walk_minutes`` (NaN: unreachable); ``sites`` come from
    ``coverage.suggest_sites`` (``rank``, ``name``, ``added_population``).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        One polygon per area, ``coverage_pct`` in percent (0-100).
    gaps : geopandas.GeoDataFrame or pandas.DataFrame, optional
        Demand points beyond the walking threshold, with ``walk_minutes`` in minutes; rows
        without a location are left out. Or a plain table with ``lon`` and ``lat`` (EPSG:4326)
        instead of points, as ``CoverageResult.gap_coordinates`` gives it.
    meeting_places : geopandas.GeoDataFrame, optional
        Meeting places with ``name`` and ``category``; every row needs a geometry.
    sites : geopandas.GeoDataFrame, optional
        Suggested sites with ``rank``, ``name`` and ``added_population``; every row needs a geometry.
    lang : {'nl', 'en'}
        Language of the labels and legend.
    minutes : float, optional
        The walking time in minutes that counts as "in reach", shown in the legend title.
    leaflet_base : str, optional
        URL folder holding ``leaflet.js``/``leaflet.css``; default folium's CDN.
    tiles : bool
        Draw the OpenStreetMap background tiles; False for a blank background.

    Returns
    -------
    folium.Map
        Fitted to ``areas``. All layers in EPSG:4326 (a layer without CRS is taken as EPSG:4326).
    """
    # One canvas for every shape: the gap dots are many, and a canvas over SVG areas would take
    # their pointer events (the topmost shape under the pointer gets it).
    fmap = _base_map(leaflet_base, tiles, canvas=True)
    simplified = display_boundaries(areas)
    features = []
    for row, geom in zip(_records(areas), simplified.geometry):
        withheld = is_true(row.get("withheld"))  # too little of the area in the map data: no figure
        pct = None if withheld else _number(row.get("coverage_pct"))
        uncovered = None if withheld else _number(row.get("uncovered_population"))
        tip = (f"<b>{html.escape(plain_text(row.get('name')))}</b><br>"
               f"{t('col_pct', lang)}: {percent(pct, lang, 0)}<br>"
               f"{t('col_population', lang)}: {decimal(_number(row.get('population')), lang)}<br>"
               f"{t('col_uncovered', lang)}: {decimal(uncovered, lang)}")
        if is_true(row.get("partial")):  # the same words as the table, the CLI and the profile
            tip += f"<br><i>{html.escape(partial_note(row, lang))}</i>"
        features.append(_feature(geom, {"tip": tip, "fill": coverage_colour(pct)}))
    group = folium.FeatureGroup(name=t("layer_coverage", lang))
    _GeoJsonLayer(features, sticky=True, style_js=(
        "function (f) { return {color: '#333', weight: 1, fillColor: f.properties.fill, fillOpacity: 0.6}; }")
    ).add_to(group)
    group.add_to(fmap)
    if gaps is not None and len(gaps):
        group = folium.FeatureGroup(name=t("layer_gaps", lang))
        if isinstance(gaps, gpd.GeoDataFrame):
            gap_points = gaps[gaps.geometry.notna() & ~gaps.geometry.is_empty]
            lonlat = shapely.get_coordinates(display_points(gap_points).array)
        else:
            gap_points = gaps[gaps["lon"].notna() & gaps["lat"].notna()]
            lonlat = gap_points[["lon", "lat"]].to_numpy(dtype=float)
        # One text per shown minute value: a city has 100,000 gap points, not 100 texts.
        minutes_away = pd.to_numeric(gap_points["walk_minutes"], errors="coerce").to_numpy(dtype=float)
        values, index = np.unique(np.nan_to_num(minutes_away, nan=-1.0), return_inverse=True)
        texts = [t("unreachable", lang) if value < 0 else t("walk_minutes", lang, minutes=decimal(value, lang))
                 for value in values]
        _DotCloud(lonlat, index.ravel(), texts, colour=GAP_COLOUR).add_to(group)
        group.add_to(fmap)
    if meeting_places is not None and len(meeting_places):
        group = folium.FeatureGroup(name=t("layer_meeting", lang))
        mp_features = [
            _point_feature(point, {"tip": html.escape(plain_text(name)) + " · " + html.escape(category_label(cat, lang))})
            for name, cat, point in zip(meeting_places["name"], meeting_places["category"],
                                        display_points(meeting_places))]
        _GeoJsonLayer(mp_features, point_js=(
            "function (f, ll) { return L.circleMarker(ll, {radius: 7, color: '" + MEETING_RIM + "', weight: 3, "
            "fillColor: '" + MEETING_FILL + "', fillOpacity: 1}); }")).add_to(group)
        group.add_to(fmap)
    if sites is not None and len(sites):
        group = folium.FeatureGroup(name=t("layer_sites", lang))
        site_features = [
            _point_feature(point, {
                "tip": f"{int(rank)}. {html.escape(plain_text(name))}: +{decimal(_number(added), lang)}",
                "rank": int(rank)})
            for rank, name, added, point in zip(sites["rank"], sites["name"], sites["added_population"],
                                                display_points(sites))]
        _GeoJsonLayer(site_features, label_suffix="", point_js=(
            "function (f, ll) { return L.marker(ll, {keyboard: false, icon: L.divIcon({className: '', iconSize: [24, 24], "
            "html: '<div style=\"background:#000;color:#fff;border:2px solid #ffd700;border-radius:50%;"
            "width:20px;height:20px;line-height:20px;text-align:center;font:bold 12px sans-serif\">' "
            "+ f.properties.rank + '</div>'})}); }")).add_to(group)
        group.add_to(fmap)
    _Legend(coverage_legend_html(lang, minutes)).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    _Accessibility(lang, t("map_label_coverage", lang)).add_to(fmap)
    _fit(fmap, areas)
    return fmap


#: Colour of the lines between linked entries, and of the ring around the chosen one.
LINK_COLOUR, CHOSEN_COLOUR = "#555555", "#d7191c"


def network_map(assets: gpd.GeoDataFrame, edges: Iterable[tuple[str, str]], boundaries: gpd.GeoDataFrame | None = None,
                *, links: pd.DataFrame | None = None, chosen: str | None = None, lang: str = "nl",
                leaflet_base: str | None = None, tiles: bool = True) -> folium.Map:
    """The map of a network: its entries as on :func:`asset_map` (the same colours), a line per link
    and a ring around the chosen entry.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The entries of the network, already filtered to what the viewer may see.
    edges : iterable of (str, str)
        Pairs of entry ids; a pair with an entry not among ``assets`` (or without a location) is not drawn.
    boundaries : geopandas.GeoDataFrame, optional
        Wijk/buurt outlines.
    links : pandas.DataFrame, optional
        The links layer, for the popups (see :func:`asset_map`).
    chosen : str, optional
        The id of the entry to mark with a ring (selected beside the map).
    lang : {'nl', 'en'}
        Language of the labels.
    leaflet_base : str, optional
        URL folder holding Leaflet; default folium's CDN.
    tiles : bool
        Draw the OpenStreetMap background tiles.

    Returns
    -------
    folium.Map
        Fitted to the entries.
    """
    fmap = asset_map(assets, boundaries, links=links, lang=lang, leaflet_base=leaflet_base, tiles=tiles)
    shown = assets[assets.geometry.notna() & ~assets.geometry.is_empty] if len(assets) else assets
    where = dict(zip(shown["id"], display_points(shown))) if len(shown) else {}
    features = [_feature(shapely.LineString([where[a], where[b]]), {}) for a, b in edges
                if a in where and b in where and where[a] is not None and where[b] is not None]
    group = folium.FeatureGroup(name=t("layer_links", lang, count=len(features)), show=True)
    _GeoJsonLayer(features, interactive=False, style_js=(
        f"function (f) {{ return {{color: '{LINK_COLOUR}', weight: 2, opacity: 0.7}}; }}")).add_to(group)
    if chosen in where and where[chosen] is not None:
        ring = _feature(where[chosen].buffer(0.0004), {})
        _GeoJsonLayer([ring], interactive=False, style_js=(
            f"function (f) {{ return {{color: '{CHOSEN_COLOUR}', weight: 4, fillOpacity: 0}}; }}")).add_to(group)
    group.add_to(fmap)
    # The layer control names every layer, and the accessibility script names the control: after them all.
    for key, child in list(fmap._children.items()):
        if isinstance(child, (folium.LayerControl, _Accessibility)):
            fmap._children.move_to_end(key)
    return fmap


def boundary_layer(boundaries: gpd.GeoDataFrame, lang: str = "nl") -> folium.FeatureGroup:
    """Wijk and buurt outlines (buurten thinner), each with its name as tooltip.

    Every row is drawn, whatever its level: wijken 2 px wide, any other level 1 px; a level other
    than ``wijk`` or ``buurt`` is labelled with its stored name, untranslated.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Boundaries with ``level`` and ``name`` (EPSG:4326), simplified for display by
        :func:`display_boundaries`.
    lang : {'nl', 'en'}
        Language of the level labels and the layer name.

    Returns
    -------
    folium.FeatureGroup
        The layer, to add to a map.
    """
    simplified = display_boundaries(boundaries)
    features = []
    for row, geom in zip(_records(boundaries), simplified.geometry):
        level = plain_text(row.get("level"))
        label = t(level, lang) if level in ("wijk", "buurt") else html.escape(level)
        features.append(_feature(geom, {"tip": f"{label}: {html.escape(plain_text(row.get('name')))}",
                                        "w": 2 if level == "wijk" else 1}))
    group = folium.FeatureGroup(name=t("layer_boundaries", lang))
    _GeoJsonLayer(features, sticky=True, style_js=(
        "function (f) { return {color: '#555', weight: f.properties.w, dashArray: '4 4', "
        "fillOpacity: 0.03}; }")).add_to(group)
    return group
