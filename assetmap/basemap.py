"""The offline base map of the app's maps: streets, water and green from the workspace, under the markers.

The background tiles of the interactive maps come from openstreetmap.org and need internet. So
that a map stays readable in a workshop room without Wi-Fi, :func:`add_offline_base` (one call in
:func:`assetmap.maps._base_map`) adds a layer drawn from the OSM data already in the workspace:
the walking network (``walk_edges``) and the water and green of the ``basemap`` layer. The layer
is removed in the browser as soon as a background tile loads, so online nothing changes.

A page says which workspace to draw from with :func:`offline_base` around the map it builds::

    with offline_base(path):
        fmap = maps.asset_map(...)

Building outlines are left out here (thousands of polygons would make every page heavy); the
printed maps (profile and poster, :mod:`assetmap.report`) draw them.
"""

from __future__ import annotations

import contextlib
import json
import os
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import folium
import geopandas as gpd
import shapely
from jinja2 import Template

from assetmap import settings
from assetmap.leaflet import ScriptElement, json_for_script

__all__ = [
    "OFFLINE_STYLE",
    "OFFLINE_SIMPLIFY_M",
    "OFFLINE_DECIMALS",
    "offline_base",
    "add_offline_base",
    "offline_base_layer",
    "offline_geojson",
    "workspace_geojson",
]

#: Colours of the offline layer (those of the printed maps).
OFFLINE_STYLE: dict[str, dict] = {
    "street": {"color": "#9e9e9e", "weight": 1.2, "fill": False},
    "waterway": {"color": "#7fb5dc", "weight": 2.5, "fill": False},
    "water": {"color": "#a9cfe8", "weight": 0, "fillColor": "#a9cfe8", "fillOpacity": 1.0},
    "green": {"color": "#cfe5bf", "weight": 0, "fillColor": "#cfe5bf", "fillOpacity": 1.0},
}
#: Lines and outlines are simplified by this many metres (RD New) for the browser.
OFFLINE_SIMPLIFY_M: float = 3.0
#: Decimals kept in coordinates (about 1 m).
OFFLINE_DECIMALS: int = 5

_CURRENT: ContextVar[dict | None] = ContextVar("assetmap_offline_base", default=None)


@contextlib.contextmanager
def offline_base(path: str | os.PathLike | None):
    """Let the maps built inside this block carry the offline base map of a workspace.

    Parameters
    ----------
    path : path-like or None
        The workspace file; None (or a file that cannot be read) adds nothing.

    Yields
    ------
    None
    """
    data = None
    if path is not None:
        try:
            stat = Path(path).stat()
            data = offline_geojson(str(path), stat.st_mtime_ns, stat.st_size)
        except (OSError, ValueError):
            data = None
        except Exception:  # noqa: BLE001 - a base map is never worth a broken page
            data = None
    token = _CURRENT.set(data)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def add_offline_base(fmap: folium.Map) -> None:
    """Add the offline base map of the surrounding :func:`offline_base` block to a map (else nothing).

    Parameters
    ----------
    fmap : folium.Map
        The map, with its tile layer (if any) already added.
    """
    data = _CURRENT.get()
    if data and data["features"]:
        offline_base_layer(data).add_to(fmap)


def offline_base_layer(data: dict, name: str = "basemap") -> folium.FeatureGroup:
    """A layer of streets, water and green that steps aside when a background tile loads.

    Parameters
    ----------
    data : dict
        A GeoJSON FeatureCollection whose features have ``kind`` (``street``, ``waterway``,
        ``water`` or ``green``), as :func:`offline_geojson` makes.
    name : str
        Name of the layer (it is not listed in the layer control).

    Returns
    -------
    folium.FeatureGroup
        The layer; not interactive, drawn below the map's other overlays.
    """
    group = folium.FeatureGroup(name=name, control=False)
    _OfflineLayer(data).add_to(group)
    return group


@lru_cache(maxsize=4)
def offline_geojson(path: str, mtime_ns: int, size: int) -> dict:
    """The offline base map of a workspace file as GeoJSON (cached per file version).

    Parameters
    ----------
    path : str
        The workspace file.
    mtime_ns, size : int
        Its modification time and size: a new version is read again.

    Returns
    -------
    dict
        A FeatureCollection in EPSG:4326, features with ``kind``; green and water first, then
        waterways and streets.
    """
    from assetmap.service import open_workspace

    with open_workspace(path) as ws:
        return workspace_geojson(ws)


def workspace_geojson(ws, bbox: tuple[float, float, float, float] | None = None) -> dict:
    """The offline base map of an open workspace as GeoJSON: the app's (:func:`offline_geojson`) and
    the published site's (:mod:`assetmap.publish`).

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (the walking network and the ``basemap`` layer are OSM data, the same for
        every actor).
    bbox : tuple of float, optional
        ``(min lon, min lat, max lon, max lat)``: keep only what lies inside (a site about one wijk).

    Returns
    -------
    dict
        A FeatureCollection in EPSG:4326, features with ``kind``; green and water first, then
        waterways and streets.
    """
    _, edges = ws.walk_network()
    base = ws.basemap()
    parts = []
    for kind in ("green", "water", "waterway"):
        rows = base[(base["kind"] == kind).to_numpy()] if len(base) else base
        if len(rows):
            parts.append((kind, rows.geometry))
    if len(edges):
        parts.append(("street", edges.geometry))
    features = []
    for kind, geoms in parts:
        if bbox is not None:
            geoms = geoms.to_crs(settings.STORAGE_CRS)
            geoms = gpd.GeoSeries(shapely.clip_by_rect(geoms.geometry.array, *bbox), crs=settings.STORAGE_CRS)
        simple = geoms.to_crs(settings.METRIC_CRS).simplify(OFFLINE_SIMPLIFY_M).to_crs(settings.STORAGE_CRS)
        simple = simple[~simple.is_empty]  # (empty first: notna() warns about empty geometries)
        simple = gpd.GeoSeries(simple[simple.notna()]).set_precision(10 ** -OFFLINE_DECIMALS)
        # One multi-geometry per kind: thousands of small features would cost more than their coordinates.
        pieces = [g for geom in simple for g in getattr(geom, "geoms", [geom]) if not g.is_empty]
        lines = [g for g in pieces if g.geom_type == "LineString"]
        polygons = [g for g in pieces if g.geom_type == "Polygon"]
        if not lines and not polygons:
            continue  # clipping may leave points only
        # A kind is lines (streets, waterways) or areas (water, green); a clip's stray bits of the other go.
        multi = shapely.MultiLineString(lines) if len(lines) >= len(polygons) else shapely.MultiPolygon(polygons)
        features.append({"type": "Feature", "properties": {"kind": kind}, "geometry": multi.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


class _OfflineLayer(ScriptElement):
    """The GeoJSON with its styles, and the script that removes it once a background tile has loaded."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var styles = {{ this.styles }};
  var group = {{ this._parent.get_name() }};
  L.geoJson({{ this.data }}, {interactive: false,
    style: function (f) { return styles[f.properties.kind] || {}; }}).addTo(group);
  var map = group._map || null;
  function watch(m) {
    m.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) {
        layer.once('tileload', function () { if (m.hasLayer(group)) { m.removeLayer(group); } });
      }
    });
    group.bringToBack && group.bringToBack();
  }
  if (map) { watch(map); } else { group.once('add', function (e) { watch(e.target._map); }); }
})();
{% endmacro %}
""")

    def __init__(self, data: dict):
        super().__init__()
        self._name = "OfflineLayer"
        self.data = json_for_script(data)
        self.styles = json.dumps(OFFLINE_STYLE)
