"""Read any OSM file (``.osm``, ``.osm.bz2``, ``.osm.gz``, ``.osm.pbf``) with pyosmium (libosmium, in C++).

One reader for every offline format, so every format gives the same layers: a feature frame in the
form osmnx gives (index ``element``, ``id``; one column per tag) and the walkable ways as flat
arrays (:class:`WalkWays`). libosmium parses the file, keeps the node locations, builds the areas
and drops every object without a key asked for, all in C++; Python sees only the tagged objects it
may keep, and their geometries come from libosmium as WKB, turned into shapely geometries in bulk.

With an ``area``, objects are checked against it while reading, a chunk at a time, and only those
that intersect it are kept: a province extract read for one gemeente never sits in memory as
Python objects.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmium
import pandas as pd
import shapely

from assetmap import settings
from assetmap.layers import categories
from assetmap.messages import N_

#: Objects read between two area checks (and progress reports): bounds what Python holds of objects
#: outside the area.
_CHUNK = 50_000


@dataclass
class WalkWays:
    """The walkable ways of an OSM file as flat arrays: one entry per way, one per way node.

    Parameters
    ----------
    way_id : numpy.ndarray
        OSM id of each way (int64), in file order.
    tags : dict of str to list
        Per way tag key, the way's value (None when untagged), in the order of ``way_id``.
    start : numpy.ndarray
        ``len(way_id) + 1`` offsets: the nodes of way ``i`` are ``start[i]:start[i + 1]`` of the
        node arrays.
    node_id : numpy.ndarray
        OSM ids of the way nodes (int64), in way order; nodes without a location are left out.
    lon, lat : numpy.ndarray
        Their coordinates in degrees (EPSG:4326).
    """

    way_id: np.ndarray
    tags: dict[str, list] = field(default_factory=dict)
    start: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    node_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def graph(self) -> nx.MultiDiGraph:
        """The ways as osmnx builds them: a bidirectional, unsimplified ``networkx.MultiDiGraph``.

        Like ``osmnx.graph_from_xml(bidirectional=True, simplify=False, retain_all=True)``: node
        ``x``/``y``, and per segment an edge each way with ``osmid``, the way's tags and ``length``
        (metres, great-circle, as osmnx computes it). The import does not build it (see
        :func:`assetmap.sources.osm.simplify_walk_ways`); it is here for comparison with osmnx.

        Returns
        -------
        networkx.MultiDiGraph
            With ``crs`` ``epsg:4326``; nodes left without an edge are dropped.
        """
        import osmnx as ox

        graph = nx.MultiDiGraph(crs="epsg:4326")
        nodes, lon, lat = self.node_id.tolist(), self.lon.tolist(), self.lat.tolist()
        for i, way in enumerate(self.way_id.tolist()):
            data = {"osmid": way, **{k: values[i] for k, values in self.tags.items() if values[i] is not None}}
            first, last = int(self.start[i]), int(self.start[i + 1])
            for j in range(first, last):
                graph.add_node(nodes[j], x=lon[j], y=lat[j])
            for j in range(first, last - 1):
                if nodes[j] != nodes[j + 1]:
                    graph.add_edge(nodes[j], nodes[j + 1], **data)
                    graph.add_edge(nodes[j + 1], nodes[j], **data)  # walking goes both ways
        graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
        if graph.number_of_edges():
            graph = ox.distance.add_edge_lengths(graph)
        return graph


def read_osmium(path: Path, tags: dict[str, bool | list[str]] | None = None,
                way_tags: list[str] | tuple[str, ...] = (),
                keep_way: Callable[[dict], bool] | None = None,
                progress: Callable[[str, int, int | None], None] | None = None,
                columns: list[str] | tuple[str, ...] | None = None,
                area=None, chunk: int = _CHUNK,
                consume: Callable[[gpd.GeoDataFrame], None] | None = None,
                line_keys: list[str] | tuple[str, ...] | None = None) -> tuple[gpd.GeoDataFrame, WalkWays]:
    """Features matching ``tags`` and the ``highway`` ways that ``keep_way`` accepts.

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
        Way tags kept for each walkable way (for :meth:`WalkWays.graph`; the import needs none).
    keep_way : callable, optional
        Called with a way's tags (a read-only mapping with ``get``); the way is walkable when it
        returns True. Default: every way with a ``highway`` tag.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` while reading (``done`` counts OSM objects
        that passed libosmium's key filter, ``total`` is None); for a progress bar.
    columns : list, tuple or dict, optional
        The tag keys kept as columns of the features (default: every tag of each feature). A
        dict maps a key to the keys it needs: it is read only from an object that has one of
        them (``{"name": ("amenity", "shop")}``), or always when that is None. Every key of
        ``tags`` is read anyway.
    area : shapely geometry, optional
        A polygon in EPSG:4326: only features and walkable ways that intersect it are kept
        (whole, not clipped), checked while reading.
    chunk : int
        Objects read between two area checks (and progress reports): at most this many objects
        outside the area are held at a time.
    consume : callable, optional
        Called with the features of each chunk, in file order (frames of the form returned below),
        as soon as they are read: the caller keeps what it needs of them, and the reader keeps
        none, so the features of a whole city never sit in memory at once. It is called from a
        worker thread (one chunk at a time, while the next chunk is read), so its shapely and
        pyproj work overlaps with the reading.
    line_keys : list or tuple of str, optional
        The keys that make an open way a feature (default: every key of ``tags``). A way with none
        of them and no ``highway`` tag is dropped by libosmium, unseen by Python: most ways are
        building outlines, which count as areas (a closed way is a feature as an area only).

    Returns
    -------
    tuple
        ``(features, ways)``: a GeoDataFrame in EPSG:4326 indexed by (``element``, ``id``) with
        the tags of each matching object as columns (areas as polygons, open ways as lines, nodes
        as points), in file order (empty with ``consume``); and the walkable ways
        (:class:`WalkWays`), in file order.

    Raises
    ------
    RuntimeError
        libosmium cannot read the file (damaged, or not the format its name says).
    assetmap.errors.InputError
        ``tags`` is None and the category catalogue cannot be read.
    """
    path = Path(path)
    if tags is None:
        tags = categories.osm_tags()
    wanted = [(key, None if value is True else frozenset(value)) for key, value in tags.items()]
    if columns is not None and not isinstance(columns, dict):
        columns = dict.fromkeys(columns)
    if area is not None:
        shapely.prepare(area)  # many tests against one polygon
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="assetmap-osm-")))
        reader = _Reader(wanted, columns, list(way_tags), keep_way, area, folder, consume)
        stack.callback(reader.close)
        if path.name.lower().endswith((".bz2", ".gz")):
            path = _decompressed(path, folder)
        # Only objects with a key asked for reach Python (libosmium filters in C++, after the node
        # locations and areas are built from everything): most nodes have no tags at all. Nodes
        # and areas count only with a key asked for (not for ``highway`` alone); relations come
        # as areas.
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas() \
            .with_filter(osmium.filter.EntityFilter(osmium.osm.NODE | osmium.osm.WAY | osmium.osm.AREA)) \
            .with_filter(osmium.filter.KeyFilter(*tags).enable_for(osmium.osm.NODE | osmium.osm.AREA)) \
            .with_filter(osmium.filter.KeyFilter(*dict.fromkeys([*(tags if line_keys is None else line_keys),
                                                                 "highway"])).enable_for(osmium.osm.WAY))
        for count, obj in enumerate(processor):
            if count % chunk == 0 and count:
                reader.check_area()
                if progress is not None:
                    progress(N_("progress_osm_read"), count, None)
            reader.add(obj)
        reader.check_area()
        reader.finish()
        return reader.features(), reader.walk_ways(chunk)


def _frame(element: list, ids: list, tags: list, geometry) -> gpd.GeoDataFrame:
    """Features as osmnx gives them: index (``element``, ``id``), one column per tag key, EPSG:4326."""
    if not ids:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))
    index = pd.MultiIndex.from_arrays([element, ids], names=["element", "id"])
    frame = pd.DataFrame(tags, index=index)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(list(geometry), index=index, crs=settings.STORAGE_CRS),
                            crs=settings.STORAGE_CRS)


def _decompressed(path: Path, folder: Path) -> Path:
    """The file unpacked once into ``folder``: libosmium reads a file twice to build areas, and
    unpacking ``.bz2`` costs more than parsing the XML."""
    plain = folder / "data.osm"
    opener = bz2.open if path.name.lower().endswith(".bz2") else gzip.open
    try:
        with opener(path, "rb") as source, open(plain, "wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
    except (OSError, EOFError) as exc:  # damaged or cut off: reported like a file libosmium cannot read
        raise RuntimeError(f"{path.name}: {exc}") from exc
    return plain


class _Reader:
    """Collects what one pass over an OSM file keeps; :meth:`check_area` turns a chunk into geometries.

    Tags are read one key at a time (iterating an object's tags costs far more in pyosmium), and
    the walkable ways go to a temporary OPL file with their node locations, written by libosmium:
    their node ids and coordinates are read back in bulk (:meth:`_walk_chunks`), not node by node.
    """

    def __init__(self, wanted, columns, way_tags, keep_way, area, folder: Path, consume=None):
        self.way_tags, self.keep_way, self.area, self.consume = way_tags, keep_way, area, consume
        # With ``consume``, a chunk's geometries, area check, frame and whatever ``consume`` does run
        # in this thread (mostly GEOS and pyproj, without the GIL) while the next chunk is read.
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="assetmap-osm") if consume is not None else None
        self.pending = None
        self.keys = [key for key, _ in wanted]
        self.allowed = [values for _, values in wanted]
        self.columns = columns
        if columns is not None:
            self.kept_keys = [key in columns for key in self.keys]
            self.extra = [(key, needs) for key, needs in columns.items() if key not in self.keys]
        self.wkb = osmium.geom.WKBFactory()
        # features: element, id, tags (dict), geometry (hex WKB until checked, then shapely)
        self.f_element: list[str] = []
        self.f_id: list[int] = []
        self.f_tags: list[dict] = []
        self.f_geometry: list = []
        self.f_checked = 0
        # walkable ways: to an OPL file; their tag values (only when asked for) in order
        self.opl = folder / "walk.opl"
        self.writer = osmium.SimpleWriter(osmium.io.File(str(self.opl), "opl,locations_on_ways=true,add_metadata=false"))
        self.w_tags: list[tuple] = []

    def _tags(self, obj) -> dict | None:
        """The tags to keep of an object, or None when no tag asked for matches."""
        try:  # pyosmium's own lookup, without the wrapper's Python call (millions of calls)
            get = obj._pyosmium_data.tags_get_value_by_key
        except AttributeError:
            get = obj.tags.get
        values = [get(key, None) for key in self.keys]
        for value, allowed in zip(values, self.allowed):
            if value is not None and (allowed is None or value in allowed):
                break
        else:
            return None
        if self.columns is None:
            return {tag.k: tag.v for tag in obj.tags}
        kept = {key: value for key, value, keep in zip(self.keys, values, self.kept_keys)
                if value is not None and keep}
        present: dict = {}  # per tuple of keys needed: whether the object has one of them
        for key, needs in self.extra:
            if needs is not None:
                if needs not in present:
                    present[needs] = any(need in kept for need in needs)
                if not present[needs]:
                    continue
            value = get(key, None)
            if value is not None:
                kept[key] = value
        return kept

    def _feature(self, element: str, osm_id: int, tags: dict, geometry) -> None:
        self.f_element.append(element)
        self.f_id.append(osm_id)
        self.f_tags.append(tags)
        self.f_geometry.append(geometry)

    def add(self, obj) -> None:
        kind = obj.type_str()
        if kind == "a":
            kept = self._tags(obj)
            if kept is not None:
                self._feature("way" if obj.from_way() else "relation", obj.orig_id(), kept,
                              self.wkb.create_multipolygon(obj))
        elif kind == "n":
            kept = self._tags(obj)
            if kept is not None and obj.location.valid():
                self._feature("node", obj.id, kept, self.wkb.create_point(obj.location))
        elif kind == "w":
            tag_list = obj.tags
            walk = "highway" in tag_list and (self.keep_way is None or self.keep_way(tag_list))
            closed = obj.is_closed()
            if not walk and closed:
                return  # a closed way is a feature as an area (above), if at all
            kept = None if closed else self._tags(obj)
            if walk:
                self.writer.add_way(obj)
                if self.way_tags:
                    self.w_tags.append(tuple(tag_list.get(k) for k in self.way_tags))
            if kept is not None:
                try:
                    line = self.wkb.create_linestring(obj, osmium.geom.use_nodes.ALL)
                except (osmium.InvalidLocationError, RuntimeError):
                    # a node without a location (cut off by the extract) or fewer than two nodes
                    valid = [(n.location.lon, n.location.lat) for n in obj.nodes if n.location.valid()]
                    if len(valid) < 2:
                        return
                    line = shapely.LineString(valid)
                self._feature("way", obj.id, kept, line)

    def check_area(self) -> None:
        """Turn the features read since the last call into shapely geometries; with an area, drop those outside.

        With ``consume``, the chunk goes to the worker thread instead (after the one before it is done).
        """
        if self.worker is not None:
            self.finish()
            if self.f_id:
                chunk = (self.f_element, self.f_id, self.f_tags, self.f_geometry)
                self.f_element, self.f_id, self.f_tags, self.f_geometry = [], [], [], []
                self.pending = self.worker.submit(self._consume, *chunk)
            return
        new = slice(self.f_checked, None)
        element, ids, tags, geometry = self._checked(self.f_element[new], self.f_id[new], self.f_tags[new],
                                                     self.f_geometry[new])
        self.f_element[new], self.f_id[new], self.f_tags[new], self.f_geometry[new] = element, ids, tags, list(geometry)
        self.f_checked = len(self.f_geometry)

    def finish(self) -> None:
        """Wait until the worker has consumed the chunk given last (raising what it raised)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        if self.worker is not None:
            self.worker.shutdown(wait=True, cancel_futures=True)

    def _consume(self, element: list, ids: list, tags: list, geometry: list) -> None:
        element, ids, tags, geometry = self._checked(element, ids, tags, geometry)
        if ids:
            self.consume(_frame(element, ids, tags, geometry))

    def _checked(self, element: list, ids: list, tags: list, geometry: list) -> tuple[list, list, list, np.ndarray]:
        """The features with shapely geometries (from WKB), and only those inside the area when there is one."""
        geometry = np.asarray(geometry, dtype=object)
        if not len(geometry):
            return element, ids, tags, geometry
        is_wkb = np.fromiter((isinstance(g, str) for g in geometry), dtype=bool, count=len(geometry))
        # GEOS reads binary WKB five times faster than libosmium's hex: unhexed first, same geometries
        binary = np.empty(int(is_wkb.sum()), dtype=object)
        binary[:] = [bytes.fromhex(g) for g in geometry[is_wkb]]
        geometry[is_wkb] = shapely.from_wkb(binary)
        # libosmium gives every area as a multipolygon; osmnx gives a single one as a polygon
        single = (shapely.get_type_id(geometry) == 6) & (shapely.get_num_geometries(geometry) == 1)
        geometry[single] = shapely.get_geometry(geometry[single], 0)
        inside = self._inside(geometry)
        if inside is not None:
            element, ids, tags = ([v for v, k in zip(lst, inside) if k] for lst in (element, ids, tags))
            geometry = geometry[inside]
        return element, ids, tags, geometry

    def _inside(self, geometry: np.ndarray) -> np.ndarray | None:
        if self.area is None or not len(geometry):
            return None
        return shapely.intersects(self.area, geometry)

    def features(self) -> gpd.GeoDataFrame:
        return _frame(self.f_element, self.f_id, self.f_tags, self.f_geometry)

    def walk_ways(self, chunk: int) -> WalkWays:
        """The walkable ways read back from the OPL file, a chunk of ways at a time (with an area, those inside)."""
        self.writer.close()
        parts = list(self._walk_chunks(chunk))
        if not parts:
            return WalkWays(np.zeros(0, dtype=np.int64), {k: [] for k in self.way_tags})
        ways, counts, refs, lon, lat, rows = (np.concatenate([p[i] for p in parts]) for i in range(6))
        start = np.zeros(len(ways) + 1, dtype=np.int64)
        np.cumsum(counts, out=start[1:])
        tags = {k: [row[i] for row in rows] for i, k in enumerate(self.way_tags)} if self.way_tags else {}
        return WalkWays(ways, tags, start, refs, lon, lat)

    def _walk_chunks(self, chunk: int):
        done = 0
        with open(self.opl, encoding="utf-8") as lines:
            while True:
                block = [line for _, line in zip(range(chunk), lines)]
                if not block:
                    return
                rows = np.empty(len(block), dtype=object)
                rows[:] = self.w_tags[done:done + len(block)] if self.way_tags else [None] * len(block)
                done += len(block)
                yield self._parse(block, rows)

    def _parse(self, block: list[str], rows: np.ndarray):
        """Way ids, node counts, node ids and coordinates of OPL lines ``w<id> T<tags> Nn<id>x<lon>y<lat>,...``."""
        ids, fields, keep = [], [], []
        for number, line in enumerate(block):
            head, _, nodes = line.rstrip("\n").rpartition(" N")
            if "xy" in nodes or nodes.endswith("y") or "y," in nodes:  # a node without a location: left out
                nodes = ",".join(n for n in nodes.split(",") if "xy" not in n and not n.endswith("y"))
            if nodes.count(",") < 1:
                continue  # fewer than two nodes with a location
            ids.append(int(head[1:head.index(" ")] if " " in head else head[1:]))
            fields.append(nodes)
            keep.append(number)
        counts = np.fromiter((f.count(",") + 1 for f in fields), dtype=np.int64, count=len(fields))
        text = ",".join(fields).replace("n", "").replace("x", ",").replace("y", ",")
        values = np.fromstring(text, sep=",").reshape(-1, 3) if fields else np.zeros((0, 3))
        refs = values[:, 0].astype(np.int64)  # ids are exact as doubles below 2**53
        ways, lon, lat, rows = np.asarray(ids, dtype=np.int64), values[:, 1].copy(), values[:, 2].copy(), rows[keep]
        if self.area is not None and len(ways):
            lines = shapely.linestrings(values[:, 1:], indices=np.repeat(np.arange(len(ways)), counts))
            inside = self._inside(lines)
            node_inside = np.repeat(inside, counts)
            ways, counts, rows = ways[inside], counts[inside], rows[inside]
            refs, lon, lat = refs[node_inside], lon[node_inside], lat[node_inside]
        return ways, counts, refs, lon, lat, rows
