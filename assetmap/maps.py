"""Folium maps for the app: pure functions that take layers and return a ``folium.Map``.

No Streamlit here, so tests can render a map and read its HTML. Every text that came from a
person (names, descriptions, stories, categories) is escaped with :func:`html.escape` before it
reaches the map, and the embedded JSON has ``</`` broken up, so no name can open a tag or leave
its ``<script>``. To keep the page small: one GeoJSON layer per building block (not one Marker per
asset), coordinates rounded to ~1 m, boundary polygons simplified in RD New.

Accessibility (WCAG 2.1 AA, see README): every map says its language, names its controls in it,
puts them before the markers in the focus order, makes markers named buttons that open with Enter or
Space and close with Escape, keeps inert shapes out of the tab order, allows pinch-zoom and gives
touch targets of 44 px; :func:`asset_list_html` is the map's text equivalent.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from typing import Iterable, Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.utilities import JsCode
from jinja2 import Template

from assetmap import settings
from assetmap.basemap import add_offline_base
from assetmap.i18n import DEFAULT_LANGUAGE, LANGUAGES, block_label, category_label, t
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.leaflet import Raw, ScriptElement, html_text, json_for_script

# Icons are inline SVG, not emoji: a workshop laptop or projector without an emoji font would draw
# empty boxes. Paths are drawn in a 24 × 24 box, in white on the block colour.
_ICON_PATHS: dict[str, str] = {
    "individual": "M12 3a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM4 21c0-4.4 3.6-8 8-8s8 3.6 8 8z",
    "association": "M8 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM16 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6z"
                   "M1 20c0-3.6 3-6.5 7-6.5 1.6 0 3 .4 4 1.2 1-.8 2.4-1.2 4-1.2 4 0 7 2.9 7 6.5z",
    "institution": "M12 2 2 7v2h20V7zM4 10h3v8H4zm6.5 0h3v8h-3zM17 10h3v8h-3zM2 19h20v3H2z",
    "resource": "M12 2a7 7 0 0 1 7 7 7 7 0 0 1-6 6.9V22h-2v-6.1A7 7 0 0 1 5 9a7 7 0 0 1 7-7z",
    "story": "M2 4h7a3 3 0 0 1 3 3v14a2 2 0 0 0-2-2H2zM22 4h-7a3 3 0 0 0-3 3v14a2 2 0 0 1 2-2h8z",
    "initiative": "M5 2h2v20H5zM8 3h12l-3.5 4.5L20 12H8z",  # a flag: something people started
}


def icon_svg(block: str) -> str:
    """The white icon of a building block as inline SVG (empty for an unknown block).

    Parameters
    ----------
    block : str
        A building block as stored (``individual``, ``association``, ...).

    Returns
    -------
    str
        An ``<svg>`` element, or ``""``.
    """
    path = _ICON_PATHS.get(block)
    if not path:
        return ""
    return (f"<svg viewBox='0 0 24 24' width='62%' height='62%' fill='#fff' aria-hidden='true' "
            f"style='vertical-align:middle'><path d='{path}'/></svg>")


#: Colour and icon of each building block (one icon per layer, drawn by Leaflet as a div). The colours
#: are the Okabe–Ito palette (told apart with every common colour-vision deficiency), darkened until
#: each reaches 4.5:1 against white: the white icon on its badge and the badge on a light map both
#: pass WCAG 1.4.11 (3:1), and the colour could even carry text. Popups and lists write in dark text
#: and use the colour only as a swatch; every block has its own icon shape too, so colour is never
#: the only sign.
BLOCK_STYLE: dict[str, dict[str, str]] = {
    block: {"color": colour, "icon": icon_svg(block)}
    for block, colour in (("individual", "#C35400"),    # vermillion #D55E00, darkened (4.6:1)
                          ("association", "#0072B2"),   # blue (5.2:1)
                          ("institution", "#007A5C"),   # bluish green #009E73, darkened (5.3:1)
                          ("resource", "#8F5A00"),      # orange #E69F00, darkened to ochre (5.8:1)
                          ("story", "#A3478A"),         # reddish purple #CC79A7, darkened (5.5:1)
                          ("initiative", "#4D4D4D"))    # dark grey: Okabe–Ito's black, softened (8.5:1)
}
#: Text colour of popups, lists and legends (12.6:1 on white).
TEXT_COLOUR = "#333333"
#: Smallest touch target in CSS pixels (WCAG 2.5.5): markers and map buttons get at least this.
TOUCH_TARGET_PX = 44
#: From this many assets on, :func:`asset_map` draws dots on one canvas instead of one element per
#: marker (10,000 markers as elements take the browser many seconds); the list before the map is
#: then the way in with a keyboard, as on the static site (:data:`assetmap.publish.CANVAS_FROM`).
CANVAS_FROM: int = 2000
#: Decimals kept in coordinates: 5 decimals of a degree is about 1 m in the Netherlands.
COORD_DECIMALS: int = 5
#: Boundary polygons are simplified by this many metres for display (not for analysis).
SIMPLIFY_TOLERANCE_M: float = 5.0
#: Longest description shown in a popup (characters); the full text is in the workspace.
POPUP_TEXT_CHARS: int = 300
#: Where the Streamlit app serves Leaflet itself (``static/leaflet``, server.enableStaticServing),
#: so maps draw without internet. ``None`` keeps folium's CDN links (for standalone HTML).
LOCAL_LEAFLET: str = "/app/static/leaflet"
#: Coverage classes: (upper bound of % within reach, colour). A neutral sequential scale, light to dark
#: blue (ColorBrewer Blues): no alarm red for a low share, no green "score": a light area is a place
#: to look for kansen, and may simply be unmapped.
COVERAGE_CLASSES: tuple[tuple[float, str], ...] = (
    (25.0, "#eff3ff"), (50.0, "#bdd7e7"), (75.0, "#6baed6"), (90.0, "#3182bd"), (100.0, "#08519c"))
NO_DATA_COLOUR = "#bdbdbd"
#: Homes further than the walking time: kansen (opportunities), not deficits.
GAP_COLOUR = "#6a00a8"
#: Meeting places on the coverage map: white with a dark rim, visible on light and dark blue alike.
MEETING_FILL, MEETING_RIM = "#ffffff", "#08306b"
SITE_COLOUR = "#000000"


# ---------------------------------------------------------------------- map elements
class _GeoJsonLayer(ScriptElement):
    """GeoJSON added to its parent layer, with popups and tooltips bound from pre-escaped properties.

    ``point_js`` is a JS function ``(feature, latlng) -> layer`` and ``style`` a Leaflet path style.
    With ``lazy`` (thousands of features) a popup or tooltip is bound on the first click or hover.
    With ``label_suffix`` every point is a named control: its accessible name is its tooltip text
    plus the suffix (the building block) and, for a meeting place (``m``), ``meeting_suffix``; one
    with a popup opens it with Enter or Space, one without is an image with that name. Without it,
    a shape with a tooltip and no popup stays out of the tab order. :class:`_Accessibility` does both.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson({{ this.data_js }}, {
  {% if this.point_js %}pointToLayer: {{ this.point_js }},{% endif %}
  {% if this.style_js %}style: {{ this.style_js }},{% endif %}
  {% if not this.interactive %}interactive: false,{% endif %}
  onEachFeature: function (f, layer) {
    var p = f.properties || {};
    {% if not this.lazy %}
    if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 280}); }
    if (p.tip) { layer.bindTooltip(p.tip, {sticky: {{ 'true' if this.sticky else 'false' }}}); }
    {% endif %}
    // Named by the map's accessibility script (_Accessibility) whenever the layer is drawn.
    layer._assetmapSuffix = {% if this.label_suffix is none %}null{% else %}{{ this.label_suffix }} + (p.m ? {{ this.meeting_suffix }} : ''){% endif %};
  }
}).addTo({{ this._parent.get_name() }});
{% if this.lazy %}
// Thousands of dots: popup and tooltip are bound when a dot is first clicked or hovered, not all at load.
{{ this.get_name() }}.on('click mouseover', function (e) {
  var layer = e.propagatedFrom || e.layer, p = (layer.feature && layer.feature.properties) || {};
  if (e.type === 'click' && p.popup && !layer.getPopup()) { layer.bindPopup(p.popup, {maxWidth: 280}).openPopup(); }
  if (e.type === 'mouseover' && p.tip && !layer.getTooltip()) {
    layer.bindTooltip(p.tip, {sticky: {{ 'true' if this.sticky else 'false' }}}).openTooltip(e.latlng);
  }
});
{% endif %}
{% endmacro %}
""")

    def __init__(self, features: list[dict], *, point_js: str = "", style_js: str = "",
                 interactive: bool = True, sticky: bool = False, label_suffix: str | None = None,
                 meeting_suffix: str = "", lazy: bool = False):
        super().__init__()
        self.lazy = lazy
        self._name = "GeoJsonLayer"
        self.data_js = '{"type":"FeatureCollection","features":[' + ",".join(map(_feature_json, features)) + "]}"
        self.point_js = point_js
        self.style_js = style_js
        self.interactive = interactive
        self.sticky = sticky
        self.label_suffix = None if label_suffix is None else json_for_script(label_suffix)
        self.meeting_suffix = json_for_script(meeting_suffix)


class _DotCloud(ScriptElement):
    """Many small dots with a tooltip each, their data as compact arrays (for a map that prefers canvas).

    A city's 100,000 gap points as GeoJSON features were 10 MB of script and as many SVG elements;
    on the map's canvas each is two integers (degrees times 10^COORD_DECIMALS, each the difference from the
    previous dot) and the number of its tooltip text. A tooltip is bound when its dot is first
    hovered. The dots are pictures, not controls: the table beside the map says the same in words.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function (d, group) {
  var style = {radius: 3, color: d.colour, weight: 0, fillOpacity: 0.7};
  var x = 0, y = 0;
  for (var i = 0; i < d.tip.length; i++) {
    x += d.x[i]; y += d.y[i];
    var dot = L.circleMarker([y / d.scale, x / d.scale], style);
    dot._assetmapTip = d.tip[i];
    group.addLayer(dot);
  }
  group.on('mouseover', function (e) {
    var dot = e.layer;
    if (!dot.getTooltip()) { dot.bindTooltip(d.tips[dot._assetmapTip]).openTooltip(e.latlng); }
  });
})({{ this.data_js }}, {{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, lonlat: np.ndarray, tip: np.ndarray, tips: list[str], colour: str):
        super().__init__()
        self._name = "DotCloud"
        scale = 10 ** COORD_DECIMALS
        fixed = np.round(np.asarray(lonlat, dtype=float).reshape(-1, 2) * scale).astype(np.int64)
        steps = np.diff(fixed, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))

        def numbers(values: np.ndarray) -> str:  # integers only: nothing to escape
            return "[" + ",".join(map(str, values.tolist())) + "]"

        self.data_js = (f'{{"scale":{scale},"colour":{json_for_script(colour)},"x":{numbers(steps[:, 0])},'
                        f'"y":{numbers(steps[:, 1])},"tip":{numbers(np.asarray(tip, dtype=np.int64))},'
                        f'"tips":{json_for_script([html.escape(text) for text in tips])}}}')


class _Legend(ScriptElement):
    """A legend as a Leaflet control (lives inside the map script, so it works in st_folium too)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: 'bottomright'});
{{ this.get_name() }}.onAdd = function () {
  var div = L.DomUtil.create('div', 'assetmap-legend');
  div.style.cssText = 'background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;font:12px/1.5 sans-serif;box-shadow:0 0 4px rgba(0,0,0,.3);max-width:220px';
  div.innerHTML = {{ this.html_js }};
  // On a phone the legend starts folded so it does not cover the map; its title opens it.
  var details = div.querySelector('details');
  if (details && {{ this._parent.get_name() }}.getSize().x < 500) { details.open = false; }
  L.DomEvent.disableClickPropagation(div);
  return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "Legend"
        self.html_js = json_for_script(html_text)


class _Accessibility(ScriptElement):
    """Makes a map usable with a keyboard and a screen reader; added last, after every control.

    Sets the frame's ``lang``; names the map region and Leaflet's own controls in the user's
    language; puts the controls (zoom, layers, legend) before the markers in the focus order, so a
    keyboard user reaches them first; moves focus into a popup when it opens and back to its marker
    when it closes; Escape closes a popup from anywhere in the map.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map, texts) {
  document.documentElement.lang = texts.lang;
  var box = map.getContainer();
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', texts.map);
  // Leaflet focuses the map on every mouse press; when the map is not wholly on screen the page
  // would scroll between press and release, and the click would miss its marker.
  box.focus = function (options) { HTMLElement.prototype.focus.call(box, Object.assign({preventScroll: true}, options)); };
  // DOM order is focus order: controls first; Leaflet positions them absolutely, so nothing moves.
  box.insertBefore(map._controlContainer, box.firstChild);
  function name(el, text) { if (el) { el.title = text; el.setAttribute('aria-label', text); } }
  if (map.zoomControl) {
    name(map.zoomControl._zoomInButton, texts.zoom_in);
    name(map.zoomControl._zoomOutButton, texts.zoom_out);
  }
  name(box.querySelector('.leaflet-control-layers-toggle'), texts.layers);
  if (map.attributionControl) { map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>'); }
  // Markers become named controls, shapes that do nothing leave the tab order (Chromium makes an
  // SVG shape with a tooltip's focus listener focusable). Run for every layer each time it is drawn.
  var decoder = document.createElement('textarea');
  function label(layer) {
    var el = layer.getElement && layer.getElement(), p = layer.feature && layer.feature.properties;
    if (!el || !p || !p.tip) { return; }
    if (layer._assetmapSuffix === null || layer._assetmapSuffix === undefined) {
      if (!p.popup) { el.setAttribute('tabindex', '-1'); }
      return;
    }
    var tip = p.tip;
    // The tooltip is escaped HTML; a textarea decodes it to text without making any element.
    if (tip.indexOf('&') >= 0) { decoder.innerHTML = tip; tip = decoder.value; }
    el.setAttribute('aria-label', tip + layer._assetmapSuffix);
    if (p.popup) { el._assetmapLayer = layer; } else { el.setAttribute('role', 'img'); }
  }
  map.eachLayer(label);
  map.on('layeradd', function (e) { label(e.layer); });
  // Enter or Space on a marker opens its popup (one listener for all markers).
  L.DomEvent.on(map.getPane('markerPane'), 'keydown', function (e) {
    var layer = e.target && e.target._assetmapLayer;
    if (layer && (e.key === 'Enter' || e.key === ' ')) { L.DomEvent.preventDefault(e); layer.openPopup(); }
  });
  var open = null;
  map.on('popupopen', function (e) {
    open = e.popup;
    var el = e.popup.getElement(), source = e.popup._source;
    var marker = source && source.getElement && source.getElement();
    el.setAttribute('role', 'dialog');
    if (marker && marker.getAttribute('aria-label')) { el.setAttribute('aria-label', marker.getAttribute('aria-label')); }
    name(el.querySelector('.leaflet-popup-close-button'), texts.close);
    var content = el.querySelector('.leaflet-popup-content');
    content.setAttribute('tabindex', '-1');
    content.focus({preventScroll: true});
  });
  map.on('popupclose', function (e) {
    if (open === e.popup) { open = null; }
    var el = e.popup.getElement(), source = e.popup._source;
    var marker = source && source.getElement && source.getElement();
    var active = document.activeElement;
    // Give focus back to the marker, unless the user has already moved it elsewhere.
    if (marker && (!active || active === document.body || (el && el.contains(active)))) {
      marker.focus({preventScroll: true});
    }
  });
  L.DomEvent.on(box, 'keydown', function (e) {
    if ((e.key === 'Escape' || e.key === 'Esc') && open) { L.DomEvent.stop(e); map.closePopup(open); }
  });
})({{ this._parent.get_name() }}, {{ this.texts_js }});
{% endmacro %}
""")

    def __init__(self, lang: str, map_label: str):
        super().__init__()
        self._name = "Accessibility"
        self.texts_js = json_for_script({
            "lang": lang if lang in LANGUAGES else DEFAULT_LANGUAGE, "map": map_label,
            "zoom_in": t("map_zoom_in", lang), "zoom_out": t("map_zoom_out", lang),
            "layers": t("map_layers", lang), "close": t("map_close_popup", lang)})


#: Styles inside every map frame: touch targets of at least :data:`TOUCH_TARGET_PX`, a focus ring
#: that shows on every background, dark popup text.
_MAP_CSS = f"""<style>
.leaflet-bar a, .leaflet-touch .leaflet-bar a {{
  width: {TOUCH_TARGET_PX}px; height: {TOUCH_TARGET_PX}px; line-height: {TOUCH_TARGET_PX}px; font-size: 22px; }}
.leaflet-control-layers-toggle, .leaflet-touch .leaflet-control-layers-toggle {{
  width: {TOUCH_TARGET_PX}px; height: {TOUCH_TARGET_PX}px; }}
.assetmap-marker::before {{
  content: ''; position: absolute; left: 50%; top: 50%; width: {TOUCH_TARGET_PX}px; height: {TOUCH_TARGET_PX}px;
  margin: -{TOUCH_TARGET_PX // 2}px 0 0 -{TOUCH_TARGET_PX // 2}px; border-radius: 50%; }}
.assetmap-legend summary {{ min-height: {TOUCH_TARGET_PX}px; line-height: {TOUCH_TARGET_PX}px; cursor: pointer; }}
.leaflet-container a.leaflet-popup-close-button {{
  width: {TOUCH_TARGET_PX}px; height: {TOUCH_TARGET_PX}px; font: 24px/{TOUCH_TARGET_PX}px Tahoma, Verdana, sans-serif;
  color: #333; }}
.leaflet-popup-content {{ margin-right: {TOUCH_TARGET_PX}px; }}
.leaflet-popup-content-wrapper, .leaflet-tooltip {{ color: {TEXT_COLOUR}; }}
.leaflet-container :focus-visible, .leaflet-marker-icon:focus {{
  outline: 3px solid #000; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }}
</style>"""


class _Map(folium.Map):
    """folium's map with a viewport that lets people pinch-zoom (folium's own forbids it, WCAG 1.4.4)."""

    def render(self, **kwargs):
        super().render(**kwargs)
        header = self.get_root().header
        element = header._children.get(self.get_name())
        if element is not None:  # folium's header for this map, rendered: swap its viewport
            header._children[self.get_name()] = Raw(
                re.sub(r'<meta name="viewport"[^>]*>', _VIEWPORT, element.render()))
        header._children["assetmap_css"] = Raw(_MAP_CSS)


_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


# ---------------------------------------------------------------------- public functions
def asset_map(assets: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame | None = None, *,
              links: pd.DataFrame | None = None, lang: str = "nl", own_ids: Iterable[str] = (),
              leaflet_base: str | None = None, tiles: bool = True) -> folium.Map:
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

    Returns
    -------
    folium.Map
        Fitted to the assets, or to the boundaries when no asset has a location.
    """
    shown = assets[assets.geometry.notna() & ~assets.geometry.is_empty] if len(assets) else assets
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
                                     lang=lang, own=asset_id in own),
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
        pct = _number(row.get("coverage_pct"))
        tip = (f"<b>{html.escape(plain_text(row.get('name')))}</b><br>"
               f"{t('col_pct', lang)}: {_fmt(pct, 0)}%<br>"
               f"{t('col_population', lang)}: {_fmt(_number(row.get('population')), 0)}<br>"
               f"{t('col_uncovered', lang)}: {_fmt(_number(row.get('uncovered_population')), 0)}")
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
        texts = [t("unreachable", lang) if value < 0 else t("walk_minutes", lang, minutes=_fmt(value, 0))
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
                "tip": f"{int(rank)}. {html.escape(plain_text(name))}: +{_fmt(_number(added), 0)}",
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


def asset_popup(asset: Mapping, *, stories: Iterable[Mapping] = (), linked: Iterable[tuple[str, str]] = (),
                lang: str = "nl", own: bool = False) -> str:
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

    Returns
    -------
    str
        HTML; descriptions longer than :data:`POPUP_TEXT_CHARS` characters are shortened.
    """
    esc = html.escape
    block = plain_text(asset.get("building_block"))
    style = BLOCK_STYLE.get(block, {"color": "#555", "icon": ""})
    # A coloured dot, not the SVG icon: popups are per asset, so every byte counts a thousand times.
    parts = [f"<b><span style='color:{style['color']}' aria-hidden='true'>●</span> {esc(plain_text(asset.get('name')))}</b>"]
    if own:
        parts[0] += f" <i>({t('own_entry', lang)})</i>"
    kind = esc(block_label(block, lang))
    category = category_label(asset.get("category"), lang)
    parts.append(f"<br>{kind}" + (f" · {esc(category)}" if category else ""))
    description = plain_text(asset.get("description"))
    if description:
        parts.append(f"<br>{esc(shorten_text(description))}")
    details = []
    if is_true(asset.get("is_meeting_place")):
        details.append(f"✔ {t('meeting_place', lang)}")
    for field in ("opening_hours", "operator", "story_date", "status", "seeks", "offers", "tags"):
        value = plain_text(asset.get(field))
        if value:
            details.append(f"{t(field, lang)}: {esc(value)}")
    wheelchair = plain_text(asset.get("wheelchair"))
    if wheelchair in ("yes", "limited", "no"):
        details.append(f"{t('wheelchair', lang)}: {t('wheelchair_' + wheelchair, lang)}")
    free = asset.get("free_entry")
    if free is not None and free is not pd.NA and free == free:
        details.append(f"{t('free_entry', lang)}: {t('yes' if bool(free) else 'no', lang)}")
    if details:
        parts.append("<br><small>" + "<br>".join(details) + "</small>")
    stories = list(stories)
    if stories:
        items = "".join(
            f"<li><b>{esc(plain_text(s.get('name')))}</b>"
            + (f" ({esc(plain_text(s.get('story_date')))})" if plain_text(s.get("story_date")) else "")
            + (f": {esc(shorten_text(plain_text(s.get('description'))))}" if plain_text(s.get("description")) else "")
            + "</li>" for s in stories)
        parts.append(f"<br><b>{t('stories_here', lang)}</b><ul style='margin:0;padding-left:16px'>{items}</ul>")
    linked = list(linked)
    if linked:
        items = "".join(f"<li>{t('link_' + k, lang) if k else ''} {esc(name)}</li>" for k, name in linked)
        parts.append(f"<br><b>{t('linked_with', lang)}</b><ul style='margin:0;padding-left:16px'>{items}</ul>")
    return "".join(parts)


def asset_list_html(assets: gpd.GeoDataFrame, links: pd.DataFrame | None = None, *, lang: str = "nl",
                    area_names: Mapping[str, str] | None = None, area_column: str | None = None) -> str:
    """The text equivalent of :func:`asset_map`: one list item per asset with its popup's details.

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

    Returns
    -------
    str
        HTML of a ``<ul>``; every value is escaped.
    """
    stories, linked = related_entries(assets, links)
    names = area_names or {}
    items = []
    for row in _records(assets):
        asset_id = row.get("id")
        area = names.get(plain_text(row.get(area_column))) if area_column else None
        where = f"<br>{t('area', lang)}: {html.escape(plain_text(area))}" if area else ""
        items.append("<li>" + asset_popup(row, stories=stories.get(asset_id, ()), linked=linked.get(asset_id, ()),
                                          lang=lang) + where + "</li>")
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
            stories[place].append({k: story.get(k) for k in ("name", "description", "story_date")})
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
        title += f" ({t('walk_minutes', lang, minutes=_fmt(minutes, 0))})"
    rows = [f"<details open><summary><b>{html.escape(title)}</b></summary>"]
    low = 0
    for high, colour in COVERAGE_CLASSES:
        rows.append(f"<div><span style='display:inline-block;width:14px;height:10px;background:{colour};"
                    f"border:1px solid #333'></span> {low:.0f}–{high:.0f}%</div>")
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


def coverage_colour(pct: float | None) -> str:
    """Fill colour of a coverage percentage (grey when unknown).

    Parameters
    ----------
    pct : float or None
        Share of residents in reach, in percent (0-100). None is unknown; NaN is not (it gets the
        colour of the highest class), so pass None for a missing value.

    Returns
    -------
    str
        A hex colour from :data:`COVERAGE_CLASSES`, or :data:`NO_DATA_COLOUR`.
    """
    if pct is None:
        return NO_DATA_COLOUR
    for high, colour in COVERAGE_CLASSES:
        if pct <= high:
            return colour
    return COVERAGE_CLASSES[-1][1]


def display_points(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """One point per row for drawing: points as they are, polygons by a point inside (found in RD New).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Rows with a geometry, in any CRS (none set is taken as EPSG:4326).

    Returns
    -------
    geopandas.GeoSeries
        One point per row in EPSG:4326 (RD New is EPSG:28992); a missing geometry stays missing.
    """
    if not len(frame):
        return gpd.GeoSeries([], crs=settings.STORAGE_CRS)
    geoms = frame.geometry
    if geoms.crs is None:
        geoms = geoms.set_crs(settings.STORAGE_CRS)
    geoms = geoms.to_crs(settings.STORAGE_CRS)
    shapes = (geoms.geom_type != "Point").to_numpy() & geoms.notna().to_numpy()
    if shapes.any():
        geoms = geoms.copy()
        geoms[shapes] = geoms[shapes].to_crs(settings.METRIC_CRS).representative_point() \
            .to_crs(settings.STORAGE_CRS)
    return geoms


def display_boundaries(boundaries: gpd.GeoDataFrame, tolerance_m: float = SIMPLIFY_TOLERANCE_M) -> gpd.GeoDataFrame:
    """Polygons simplified in RD New by ``tolerance_m`` and brought back to WGS84, for display only.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Polygons in any CRS (none set is taken as EPSG:4326).
    tolerance_m : float
        Simplification tolerance in metres, applied in EPSG:28992 (topology kept).

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows with simplified polygons in EPSG:4326; an empty frame as it was given.
    """
    if not len(boundaries):
        return boundaries
    frame = boundaries if boundaries.crs is not None else boundaries.set_crs(settings.STORAGE_CRS)
    metric = frame.to_crs(settings.METRIC_CRS)
    simple = metric.geometry.simplify(tolerance_m, preserve_topology=True)
    return frame.set_geometry(simple.to_crs(settings.STORAGE_CRS))


# ---------------------------------------------------------------------- helpers
_LINK_KINDS = ("works_with", "could_work_with", "part_of", "located_at", "story_about", "other")


def _base_map(leaflet_base: str | None, tiles: bool, canvas: bool = False) -> folium.Map:
    # With ``canvas`` every shape (outlines and dots) is drawn on one canvas, so the topmost under
    # the pointer gets it; its tolerance keeps a dot a touch target of TOUCH_TARGET_PX.
    options = {"renderer": JsCode(f"L.canvas({{padding: 0.5, tolerance: {TOUCH_TARGET_PX // 2 - 7}}})")} if canvas else {}
    fmap = _Map(location=[52.1, 5.1], zoom_start=14, tiles=None, control_scale=True, prefer_canvas=canvas, **options)
    if leaflet_base:
        # Only Leaflet itself: folium's other defaults (jQuery, Bootstrap, awesome-markers) are not used
        # here, and st_folium stops drawing when any script fails to load (as CDN links do offline).
        base = leaflet_base.rstrip("/")
        fmap.default_js = [("leaflet", f"{base}/leaflet.js")]
        fmap.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    if tiles:
        folium.TileLayer(
            tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            attr=f"{html.escape(settings.OSM_ATTRIBUTION)} | {html.escape(settings.CBS_ATTRIBUTION)}",
            name="OpenStreetMap", control=False, max_zoom=19,
        ).add_to(fmap)
    add_offline_base(fmap)  # streets, water and green from the workspace, until a tile loads (assetmap.basemap)
    return fmap


def _fit(fmap: folium.Map, frame: gpd.GeoDataFrame | None) -> None:
    if frame is None or not len(frame):
        return
    geoms = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
    if not len(geoms):
        return
    minx, miny, maxx, maxy = geoms.to_crs(settings.STORAGE_CRS).total_bounds
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        return
    fmap.location = [round((miny + maxy) / 2, COORD_DECIMALS), round((minx + maxx) / 2, COORD_DECIMALS)]
    fmap.fit_bounds([[round(miny, COORD_DECIMALS), round(minx, COORD_DECIMALS)],
                     [round(maxy, COORD_DECIMALS), round(maxx, COORD_DECIMALS)]], max_zoom=17)


def _marker_js(block: str) -> str:
    style = BLOCK_STYLE[block]
    plain = json.dumps(_badge(style["color"], style["icon"], 20))
    meeting = json.dumps(_badge(style["color"], style["icon"], 24, meeting=True))
    return ("(function () {"
            f" var plain = L.divIcon({{className: 'assetmap-marker', iconSize: [22, 22], html: {plain}}});"
            f" var meet = L.divIcon({{className: 'assetmap-marker', iconSize: [28, 28], html: {meeting}}});"
            " return function (f, ll) { return L.marker(ll, {icon: f.properties.m ? meet : plain,"
            " riseOnHover: true}); };"
            " })()")


def _dot_js(block: str) -> str:
    """Point-to-layer of a block from :data:`CANVAS_FROM` on: a dot on the map's canvas (see
    :func:`_base_map`), a meeting place larger with a black rim."""
    colour = json.dumps(BLOCK_STYLE[block]["color"])
    return ("(function () { window.assetmapDots = true;"
            " return function (f, ll) { var m = f.properties.m; return L.circleMarker(ll, {"
            f" radius: m ? 9 : 7, color: m ? '#000' : '#fff', weight: m ? 3 : 2, fillColor: {colour},"
            " fillOpacity: 1}); };"
            " })()")


def _badge(colour: str, icon: str, size: int, meeting: bool = False) -> str:
    border = "3px solid #000" if meeting else "2px solid #fff"
    return (f"<span style='box-sizing:border-box;width:{size}px;height:{size}px;"
            f"border-radius:50%;background:{colour};border:{border};box-shadow:0 0 2px rgba(0,0,0,.6);"
            f"vertical-align:middle;display:inline-flex;align-items:center;justify-content:center'>{icon}</span>")


def _layer_name(block: str, count: int, lang: str) -> str:
    style = BLOCK_STYLE[block]
    return f"{_badge(style['color'], style['icon'], 16)} {html_text(block_label(block, lang))} ({count})"


def _point_feature(point, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Point",
                         "coordinates": [round(point.x, COORD_DECIMALS), round(point.y, COORD_DECIMALS)]}}


class _GeometryJSON:
    """A geometry as GeoJSON text from shapely, put into a layer's data as it is (numbers only:
    parsing it into lists to write it out again took longer than the rest of a coverage map)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _feature(geom, properties: dict) -> dict:
    if geom is None or geom.is_empty:
        geometry = None
    else:
        geometry = _GeometryJSON(shapely.to_geojson(shapely.set_precision(geom, 10 ** -COORD_DECIMALS)))
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _feature_json(feature: dict) -> str:
    geometry = feature.get("geometry")
    if isinstance(geometry, _GeometryJSON):
        return f'{{"type":"Feature","properties":{json_for_script(feature["properties"])},"geometry":{geometry.text}}}'
    return json_for_script(feature)


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


def _fmt(value: float | None, decimals: int) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}".replace(",", " ")


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
