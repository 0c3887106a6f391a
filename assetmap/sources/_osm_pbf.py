"""Read any OSM file (``.osm``, ``.osm.bz2``, ``.osm.gz``, ``.osm.pbf``) with pyosmium (libosmium, in C++).

One reader for every offline format, so every format gives the same layers: a feature frame in the
form osmnx gives (index ``element``, ``id``; one column per tag) and the graph of the walkable
ways. libosmium parses the Delft extract's XML several times faster than osmnx's XML parsers, and
its PBF faster still. The result feeds the same :func:`assetmap.sources.osm.osm_to_layers` as the
online path (osmnx / Overpass).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import networkx as nx
import osmium
import osmnx as ox
import pandas as pd
import shapely

from assetmap import settings
from assetmap.messages import N_
from assetmap.layers import categories


def read_osmium(path: Path, tags: dict[str, bool | list[str]] | None = None,
                way_tags: list[str] | tuple[str, ...] = ("highway",),
                keep_way: Callable[[dict], bool] | None = None,
                progress: Callable[[str, int, int | None], None] | None = None,
                ) -> tuple[gpd.GeoDataFrame, nx.MultiDiGraph]:
    """Features matching ``tags`` and the graph of the ``highway`` ways that ``keep_way`` accepts.

    The graph is bidirectional and unsimplified, with node ``x``/``y`` and edge ``length``,
    like ``osmnx.graph_from_xml(bidirectional=True, simplify=False, retain_all=True)``.

    Parameters
    ----------
    path : pathlib.Path
        An OSM file: XML (``.osm``, ``.osm.bz2``, ``.osm.gz``) or PBF (``.osm.pbf``); libosmium
        picks the format from the name.
    tags : dict, optional
        The tags to keep features for, in osmnx's form (``{key: True}`` for any value, else
        ``{key: [values]}``). Default: the OSM tags of the category catalogue
        (:func:`assetmap.layers.categories.osm_tags`), read when the function runs.
    way_tags : list or tuple of str
        Way tags copied onto the graph's edges (the walk rule needs ``highway``, ``foot``, ...).
    keep_way : callable, optional
        Called with a way's tags (a dict); the way joins the graph when it returns True. Default:
        every way with a ``highway`` tag.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` while reading (``done`` counts OSM objects,
        ``total`` is None); for a progress bar.

    Returns
    -------
    tuple
        ``(features, graph)``: a GeoDataFrame in EPSG:4326 indexed by (``element``, ``id``) with
        every tag of each matching object as a column (areas as polygons, open ways as lines,
        nodes as points); and a ``networkx.MultiDiGraph`` with ``crs`` ``epsg:4326`` and edge
        ``length`` in metres (great-circle, as osmnx computes it).

    Raises
    ------
    RuntimeError
        libosmium cannot read the file (damaged, or not the format its name says).
    assetmap.errors.InputError
        ``tags`` is None and the category catalogue cannot be read.
    """
    if tags is None:
        tags = categories.osm_tags()
    way_tags = list(way_tags)
    wkb = osmium.geom.WKBFactory()
    features: dict[tuple[str, int], dict] = {}
    graph = nx.MultiDiGraph(crs="epsg:4326")
    # Only objects with a key asked for reach Python (libosmium filters in C++, after the node
    # locations and areas are built from everything): most nodes have no tags at all.
    processor = osmium.FileProcessor(str(path)).with_locations().with_areas() \
        .with_filter(osmium.filter.KeyFilter(*dict.fromkeys([*tags, "highway"])))
    for count, obj in enumerate(processor):
        if progress is not None and count % 200_000 == 0:
            progress(N_("progress_osm_read"), count, None)
        if obj.is_area():
            wanted = _matching(obj.tags, tags)
            if wanted:
                element = "way" if obj.from_way() else "relation"
                geometry = _polygon(shapely.from_wkb(wkb.create_multipolygon(obj)))
                features[(element, obj.orig_id())] = {**wanted, "geometry": geometry}
        elif obj.is_node():
            wanted = _matching(obj.tags, tags)
            if wanted and obj.location.valid():
                features[("node", obj.id)] = {**wanted, "geometry": shapely.Point(obj.location.lon,
                                                                                   obj.location.lat)}
        elif obj.is_way():
            walk = "highway" in obj.tags and (keep_way is None or keep_way(dict(obj.tags)))
            closed = obj.is_closed()
            if not walk and closed:
                continue  # a closed way is a feature as an area (above), if at all
            nodes = [n for n in obj.nodes if n.location.valid()]
            if walk and len(nodes) > 1:
                _add_way(graph, obj, nodes, way_tags)
            wanted = _matching(obj.tags, tags) if not closed else None
            if wanted and len(nodes) > 1 and ("way", obj.id) not in features:
                line = shapely.LineString([(n.location.lon, n.location.lat) for n in nodes])
                features[("way", obj.id)] = {**wanted, "geometry": line}
    if features:
        index = pd.MultiIndex.from_tuples(list(features), names=["element", "id"])
        frame = gpd.GeoDataFrame(list(features.values()), index=index, geometry="geometry",
                                 crs=settings.STORAGE_CRS)
    else:
        frame = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))
    if graph.number_of_edges():
        graph = ox.distance.add_edge_lengths(graph)
    return frame, graph


def _matching(tag_list, tags: dict[str, bool | list[str]]) -> dict[str, str]:
    """All tags of an object if any of them is asked for, else an empty dict."""
    found = False
    for key, wanted in tags.items():
        value = tag_list.get(key)
        if value is not None and (wanted is True or value in wanted):
            found = True
            break
    return {t.k: t.v for t in tag_list} if found else {}


def _add_way(graph: nx.MultiDiGraph, way, nodes, way_tags: list[str]) -> None:
    data = {"osmid": way.id, **{k: way.tags[k] for k in way_tags if k in way.tags}}
    for node in nodes:
        graph.add_node(node.ref, x=node.location.lon, y=node.location.lat)
    for a, b in zip(nodes[:-1], nodes[1:]):
        if a.ref != b.ref:
            graph.add_edge(a.ref, b.ref, **data)
            graph.add_edge(b.ref, a.ref, **data)  # walking goes both ways


def _polygon(geometry):
    if geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 1:
        return geometry.geoms[0]
    return geometry
