"""What goes into a map's script: folium elements, the base map, features and points for display.

Part of :mod:`assetmap.maps`. Every element writes its data with
:func:`assetmap.leaflet.json_for_script` and is never rendered again as a template
(:class:`assetmap.leaflet.ScriptElement`); texts reach them escaped already.
"""

from __future__ import annotations

import html
import json
import math
import re

import folium
import geopandas as gpd
import numpy as np
import shapely
from folium.utilities import JsCode
from jinja2 import Template

from assetmap import settings
from assetmap._map_style import BLOCK_STYLE, COORD_DECIMALS, SIMPLIFY_TOLERANCE_M, TEXT_COLOUR, TOUCH_TARGET_PX, _badge
from assetmap.basemap import add_offline_base
from assetmap.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from assetmap.leaflet import Raw, ScriptElement, json_for_script

__all__ = ["display_boundaries", "display_points"]


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


class _MetricScale(ScriptElement):
    """Leaflet's scale bar in metres and kilometres only (no feet or miles under the metres)."""

    _template = Template("""
{% macro script(this, kwargs) %}
L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
{% endmacro %}""")


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


def _base_map(leaflet_base: str | None, tiles: bool, canvas: bool = False) -> folium.Map:
    # With ``canvas`` every shape (outlines and dots) is drawn on one canvas, so the topmost under
    # the pointer gets it; its tolerance keeps a dot a touch target of TOUCH_TARGET_PX.
    options = {"renderer": JsCode(f"L.canvas({{padding: 0.5, tolerance: {TOUCH_TARGET_PX // 2 - 7}}})")} if canvas else {}
    fmap = _Map(location=[52.1, 5.1], zoom_start=14, tiles=None, control_scale=False, prefer_canvas=canvas, **options)
    fmap.add_child(_MetricScale())  # metres only: Leaflet's own scale also shows feet and miles
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
    """Point-to-layer of a block from :data:`~assetmap._map_style.CANVAS_FROM` on: a dot on the map's canvas (see
    :func:`_base_map`), a meeting place larger with a black rim."""
    colour = json.dumps(BLOCK_STYLE[block]["color"])
    return ("(function () { window.assetmapDots = true;"
            " return function (f, ll) { var m = f.properties.m; return L.circleMarker(ll, {"
            f" radius: m ? 9 : 7, color: m ? '#000' : '#fff', weight: m ? 3 : 2, fillColor: {colour},"
            " fillOpacity: 1}); };"
            " })()")


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
