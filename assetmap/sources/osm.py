"""OpenStreetMap: facilities become assets, and the walking network is kept.

Offline files of every format (``.osm``, ``.osm.bz2``, ``.osm.gz``, ``.osm.pbf``) are read by one
libosmium reader (pyosmium, :mod:`assetmap.sources._osm_pbf`); online data (a place name or
polygon) comes from Overpass through osmnx. Both share one code path after reading:
:func:`osm_to_layers`, which also puts every geometry in one canonical form (ring orientation,
ring start, coordinates rounded to OSM's 1e-7 degrees), so the same data read from another
format or source compares equal and a re-import changes nothing.
"""

from __future__ import annotations

import bz2
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError
from assetmap.layers import categories
from assetmap.layers.assets import build_assets
from assetmap.memory import cycle_collection_paused
from assetmap.messages import N_
from assetmap.sources._osm_extent import area_buffer_m, buffered_area, osm_data_date

__all__ = [
    "RESIDENTIAL_BUILDINGS",
    "BASEMAP_TAGS",
    "BASEMAP_SIMPLIFY_M",
    "OsmLayers",
    "mapping_tags",
    "feature_columns",
    "read_osm_file",
    "read_osm_objects",
    "fetch_osm_place",
    "osm_to_layers",
    "canonical_geometry",
    "assets_from_features",
    "buildings_from_features",
    "basemap_from_features",
    "streets_from_ways",
    "is_walkable",
    "walkable_subgraph",
    "network_layers",
    "area_buffer_m",
    "buffered_area",
    "osm_data_date",
]
# Still importable from here for i18n until it reads the catalogue itself; the one copy is in layers.

#: Residential building types; the demand model spreads population over these.
RESIDENTIAL_BUILDINGS = frozenset({
    "house", "residential", "apartments", "terrace", "detached", "semidetached_house", "bungalow",
    "dormitory", "farm", "houseboat", "static_caravan",
})
#: Highway values that are not for walking: osmnx's ``network_type="walk"`` rule, matched as osmnx's
#: Overpass filter matches them (a regular expression found anywhere in the value).
_NOT_WALKABLE = re.compile(r"abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|proposed|"
                           r"raceway|razed|rest_area|services")
_FOOT_ALLOWED = {"yes", "designated", "permissive"}
#: OSM tags of the offline base map (``basemap`` layer) -> its kind. Green and water are drawn on
#: printed maps and on the app's map when tiles cannot load; buildings as outlines.
BASEMAP_TAGS: dict[str, dict[str, str]] = {
    "natural": {"water": "water", "wood": "green", "scrub": "green", "grassland": "green", "heath": "green"},
    "waterway": {"riverbank": "water", "dock": "water", "canal": "waterway", "river": "waterway",
                 "stream": "waterway", "ditch": "waterway", "drain": "waterway"},
    "landuse": {"grass": "green", "forest": "green", "meadow": "green", "recreation_ground": "green",
                "village_green": "green", "allotments": "green", "cemetery": "green", "basin": "water",
                "reservoir": "water"},
    "leisure": {"park": "green", "garden": "green", "nature_reserve": "green"},
}
#: Outlines are simplified by this many metres (RD New) before they are stored: a print needs no more.
BASEMAP_SIMPLIFY_M: float = 0.5
_WAY_TAGS = ["highway", "foot", "access", "service", "area", "name"]
#: OSM keeps coordinates to 7 decimals (about 1 cm); geometries are rounded to that.
_COORDINATE_DECIMALS = 7


@dataclass
class OsmLayers:
    """What one OSM source gives the workspace; every layer in EPSG:4326.

    Built by :func:`osm_to_layers` (through :func:`read_osm_file` or :func:`fetch_osm_place`);
    each field is also an attribute of the same name.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Facilities mapped through the category catalogue (points or polygons), with the columns
        of :data:`assetmap.layers.schema.ASSET_FIELDS` (see :func:`assets_from_features`).
    walk_nodes : geopandas.GeoDataFrame
        Walking-network nodes: ``node_id`` (OSM id) and a point.
    walk_edges : geopandas.GeoDataFrame
        Undirected walking-network edges: ``u``, ``v`` and ``length_m`` (metres, measured in RD New).
    buildings : geopandas.GeoDataFrame
        Residential buildings as points with ``footprint_m2`` (m², RD New) and ``levels``.
    study_area : geopandas.GeoDataFrame
        The area the data covers: ``name``, ``source`` (``osm``) and a polygon.
    reference : str
        The file name or place the data came from (``polygon`` for an area given as a polygon).
    basemap : geopandas.GeoDataFrame or None
        The offline base map: ``kind`` (``water``, ``waterway``, ``green`` or ``building``) and
        the outline or line (see :func:`basemap_from_features`).
    streets : geopandas.GeoDataFrame or None
        One point per street name of the walkable ways (see :func:`streets_from_ways`), so a
        resident can type a street and find what is near it without an online geocoder.
    """

    assets: gpd.GeoDataFrame
    walk_nodes: gpd.GeoDataFrame
    walk_edges: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    study_area: gpd.GeoDataFrame
    reference: str
    basemap: gpd.GeoDataFrame | None = None
    streets: gpd.GeoDataFrame | None = None


def mapping_tags() -> dict[str, bool | list[str]]:
    """The tags to ask osmnx (or pyosmium) for: the catalogue's OSM tags, buildings and the base map.

    Returns
    -------
    dict
        osmnx's ``tags`` form: ``{key: True}`` for any value, else ``{key: [values]}``. The
        facility tags come from :func:`assetmap.layers.categories.osm_tags`; every ``building``
        (the demand model keeps :data:`RESIDENTIAL_BUILDINGS`, the base map draws them all) and
        the water and green of :data:`BASEMAP_TAGS`.

    Raises
    ------
    assetmap.errors.InputError
        The category catalogue (``data/osm_tags.csv``) cannot be read.
    """
    tags = categories.osm_tags()
    tags["building"] = True
    for key, kinds in BASEMAP_TAGS.items():
        if tags.get(key) is not True:
            tags[key] = sorted(set(tags.get(key) or []) | set(kinds))
    return tags


def feature_columns() -> list[str]:
    """The OSM tag keys the layers read from a feature: the rest of its tags are not kept.

    Returns
    -------
    list of str
        The keys of the category catalogue (:func:`assetmap.layers.categories.tag_mapping`), the
        asset fields taken from tags (``name``, ``description``, ``opening_hours``,
        ``wheelchair``, ``fee``, ``operator``), ``building`` and ``building:levels`` for the
        demand model, and the keys of :data:`BASEMAP_TAGS`.

    Raises
    ------
    assetmap.errors.InputError
        The category catalogue (``data/osm_tags.csv``) cannot be read.
    """
    keys = list(categories.tag_mapping()["key"])
    keys += ["name", "description", "opening_hours", "wheelchair", "fee", "operator", "building",
             "building:levels", *BASEMAP_TAGS]
    return list(dict.fromkeys(keys))


def read_osm_file(path: str | Path, area: gpd.GeoDataFrame | None = None, progress=None, clip: bool = False,
                  buffer_m: float | None = None) -> OsmLayers:
    """Read facilities and the walking network from a local OSM file, of any format.

    ``.osm``, ``.osm.bz2``, ``.osm.gz`` and ``.osm.pbf`` are all read by libosmium (pyosmium),
    so every format of the same data gives the same layers. With ``clip``, only what intersects
    the ``area`` is kept, checked while the file is read: a province extract can be read for one
    gemeente.

    Parameters
    ----------
    path : str or Path
        The OSM file.
    area : geopandas.GeoDataFrame, optional
        Polygon(s) of the study area (default: the extent of the data).
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with a stage message code, for a progress bar.
    clip : bool
        Keep only the facilities, buildings, base-map shapes and walkable ways that intersect
        ``area`` (whole, not cut at its edge); the rest of the file is dropped while it is read,
        so Python never holds it. Without an ``area`` it changes nothing.
    buffer_m : float, optional
        With ``clip``: keep what lies up to this many metres (RD New) beyond the area, so that
        residents near its edge reach the places and ways just outside it; the study area (where
        residents are counted) stays ``area`` itself. Default :func:`area_buffer_m`.

    Returns
    -------
    OsmLayers
        Assets, walking network, residential buildings and the study area.

    Raises
    ------
    InputError
        ``file_missing``, ``file_larger_than``, ``osm_not_pbf``, ``file_cannot_open``, ``osm_not_xml``,
        ``osm_xml_unreadable``, ``osm_pbf_unreadable`` or ``osm_no_streets``.
    """
    from assetmap.sources._walk import walk_layers

    path = Path(path)
    _check_osm_file(path)
    with cycle_collection_paused():
        # The features become buildings, base map and asset candidates a chunk at a time, while the
        # file is read: the feature table of a whole city (every building outline) is never held.
        built = _FeatureLayers()
        keep = _area_polygon(buffered_area(area, buffer_m)) if clip else None
        _, ways = _read_osmium(path, progress, keep, consume=built.add,
                               line_keys=_line_feature_keys(), way_tags=("name",))
        if progress is not None:
            progress(N_("progress_osm_network"), 0, None)
        nodes, edges = walk_layers(ways.start, ways.node_id, ways.lon, ways.lat)
        streets = streets_from_ways(ways.tags.get("name", []), ways.start, ways.lon, ways.lat)
        del ways
        if progress is not None:
            progress(N_("progress_osm_layers"), 0, None)
        layers = built.layers(nodes, edges, area, path.name)
        layers.streets = streets
        return layers


def streets_from_ways(names, start, lon, lat) -> gpd.GeoDataFrame:
    """One point per street name: the way node nearest the middle of all nodes of ways with that name.

    Parameters
    ----------
    names : list of str or None
        The ``name`` tag of each way.
    start : numpy.ndarray
        Offsets of the ways into the node arrays (one more than there are ways).
    lon, lat : numpy.ndarray
        Coordinates (degrees, EPSG:4326) of the way nodes.

    Returns
    -------
    geopandas.GeoDataFrame
        ``name`` and a point (EPSG:4326), sorted by name; the middle is found in RD New.
    """
    points: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        text = str(name).strip() if name is not None else ""
        if text and start[i + 1] > start[i]:
            points.setdefault(text, []).extend(range(int(start[i]), int(start[i + 1])))
    if not points:
        return gpd.GeoDataFrame({"name": pd.Series([], dtype=object)},
                                geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS), crs=settings.STORAGE_CRS)
    all_nodes = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=settings.STORAGE_CRS).to_crs(settings.METRIC_CRS)
    x, y = all_nodes.x.to_numpy(), all_nodes.y.to_numpy()
    chosen = []
    for name in sorted(points, key=str.casefold):
        at = np.asarray(points[name], dtype=np.int64)
        mx, my = np.median(x[at]), np.median(y[at])
        chosen.append(int(at[np.argmin((x[at] - mx) ** 2 + (y[at] - my) ** 2)]))
    return gpd.GeoDataFrame({"name": sorted(points, key=str.casefold)},
                            geometry=gpd.points_from_xy(np.asarray(lon)[chosen], np.asarray(lat)[chosen]),
                            crs=settings.STORAGE_CRS)


def read_osm_objects(path: str | Path, progress=None) -> tuple[gpd.GeoDataFrame, nx.MultiDiGraph]:
    """The features and the unsimplified walking graph of a local OSM file, of any format.

    The import itself builds no graph (see :func:`read_osm_file`); this one is for comparing the
    walking ways with osmnx's.

    Parameters
    ----------
    path : str or Path
        An ``.osm``, ``.osm.bz2``, ``.osm.gz`` or ``.osm.pbf`` file (checked by the caller).
    progress : callable, optional
        Called as ``progress(stage, done, total)`` while reading.

    Returns
    -------
    tuple
        ``(features, graph)``: osmnx-style features matching :func:`mapping_tags` (with the tag
        columns of :func:`feature_columns`), and the bidirectional, unsimplified graph of the
        ways :func:`is_walkable` accepts, in EPSG:4326.

    Raises
    ------
    InputError
        ``osm_xml_unreadable`` or ``osm_pbf_unreadable`` (libosmium cannot read it), or
        ``osm_no_streets`` (no walkable way).
    """
    features, ways = _read_osmium(Path(path), progress, way_tags=_WAY_TAGS)
    return features, ways.graph()


def _feature_column_needs() -> dict[str, tuple[str, ...] | None]:
    """:func:`feature_columns`, each with the keys an object needs for the column to matter: the asset
    fields only for an object with a catalogue key, ``building:levels`` only for a building (most
    features are buildings; every key not read saves a lookup)."""
    catalogue = tuple(dict.fromkeys(categories.tag_mapping()["key"]))
    needs: dict[str, tuple[str, ...] | None] = dict.fromkeys(feature_columns())
    for key in ("name", "description", "opening_hours", "wheelchair", "fee", "operator"):
        needs[key] = catalogue
    needs["building:levels"] = ("building",)
    return needs


def _line_feature_keys() -> list[str]:
    """The keys that make an open way count for the layers: a catalogue key (an asset on a line) or
    a key the base map keeps lines of (waterways). Buildings, land use and nature count as areas only."""
    lines = [key for key, kinds in BASEMAP_TAGS.items() if "waterway" in kinds.values()]
    return list(dict.fromkeys([*categories.tag_mapping()["key"], *lines]))


def _read_osmium(path: Path, progress=None, area=None, way_tags=(), consume=None, line_keys=None):
    from assetmap.sources._osm_pbf import read_osmium

    try:
        features, ways = read_osmium(path, mapping_tags(), way_tags, keep_way=is_walkable, progress=progress,
                                     columns=_feature_column_needs(), area=area, consume=consume,
                                     line_keys=line_keys)
    except RuntimeError as exc:  # libosmium reports damaged files as RuntimeError
        if path.name.lower().endswith(".pbf"):
            raise InputError("osm_pbf_unreadable", "fix_osmium_extract", name=path.name, error=exc) from exc
        raise InputError("osm_xml_unreadable", "fix_export_osm_again", name=path.name, error=exc) from exc
    ids = ways.node_id
    same_way = np.ones(max(len(ids) - 1, 0), dtype=bool)
    same_way[ways.start[1:-1] - 1] = False
    has_segment = bool(np.any((ids[:-1] != ids[1:]) & same_way)) if len(ids) > 1 else False
    if not has_segment:
        raise InputError("osm_no_streets", "fix_extract_with_streets", name=path.name)
    return features, ways


def _area_polygon(area: gpd.GeoDataFrame | None):
    """The study area as one shapely geometry in EPSG:4326, or None."""
    if area is None or area.empty:
        return None
    return shapely.union_all(area.geometry.to_crs(settings.STORAGE_CRS).array)


def fetch_osm_place(place: str | shapely.Polygon, buffer_m: float | None = None) -> OsmLayers:
    """Download facilities and the walking network online (Overpass) for a place name or polygon.

    Places and ways are fetched up to ``buffer_m`` beyond the place, so that residents near its
    edge reach what lies just outside; the study area (where residents are counted) is the place.

    Parameters
    ----------
    place : str or shapely.Polygon
        A place name such as ``"Transvaal, Den Haag"``, or the area itself (EPSG:4326).
    buffer_m : float, optional
        Metres (RD New) fetched beyond the place; default :func:`area_buffer_m`.

    Returns
    -------
    OsmLayers
        Assets, walking network, residential buildings and the study area.

    Raises
    ------
    InputError
        ``osm_unreachable`` when offline, ``place_not_found`` when the place holds nothing.
    """
    import osmnx as ox  # online only: the offline reader needs none of it, and it is slow to import

    try:
        if isinstance(place, str):
            area = ox.geocode_to_gdf(place)[["geometry"]]
            polygon = area.geometry.iloc[0]
        else:
            polygon = place
            area = gpd.GeoDataFrame(geometry=[polygon], crs=settings.STORAGE_CRS)
        reach = _area_polygon(buffered_area(area, buffer_m))
        graph = ox.graph_from_polygon(reach, network_type="walk", simplify=True, retain_all=True)
        features = ox.features_from_polygon(reach, tags=mapping_tags())
    except (ConnectionError, OSError, ox._errors.ResponseStatusCodeError) as exc:
        raise InputError("osm_unreachable", "fix_osm_offline", error=type(exc).__name__) from exc
    except (ValueError, TypeError, ox._errors.InsufficientResponseError) as exc:
        raise InputError("place_not_found", "fix_spell_place", place=place, error=exc) from exc
    area = area.assign(name=str(place) if isinstance(place, str) else "polygon", source="osm")
    return osm_to_layers(features, graph, area, reference=str(place) if isinstance(place, str) else "polygon")


def osm_to_layers(features: gpd.GeoDataFrame, graph: nx.MultiDiGraph, area: gpd.GeoDataFrame | None,
                  reference: str) -> OsmLayers:
    """Turn osmnx features and a walking graph into workspace layers.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        osmnx features (index ``element``, ``id``; one column per OSM tag), any CRS.
    graph : networkx.MultiDiGraph
        A walking graph with node ``x``/``y`` in EPSG:4326, as osmnx builds it.
    area : geopandas.GeoDataFrame or None
        The study area (any CRS); None or empty for the extent of the facilities and buildings.
    reference : str
        File name or place, kept as :attr:`OsmLayers.reference` and as the area's name.

    Returns
    -------
    OsmLayers
        Every layer in EPSG:4326.

    Raises
    ------
    assetmap.errors.InputError
        The category catalogue cannot be read.
    """
    nodes, edges = network_layers(graph)
    return _layers(features, nodes, edges, area, reference)


def _layers(features: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame,
            area: gpd.GeoDataFrame | None, reference: str) -> OsmLayers:
    built = _FeatureLayers()
    built.add(features)
    return built.layers(nodes, edges, area, reference)


class _FeatureLayers:
    """Buildings, base map and assets of features given a chunk at a time (in file order).

    Each chunk is put in canonical form and turned into its buildings and base-map rows at once;
    only the few features that may be assets (those with a key of the category catalogue) are kept
    until the end, where the catalogue maps them all in one go. Every step works row by row, so the
    layers equal those of the whole feature table at once.
    """

    def __init__(self):
        self.catalogue_keys = list(dict.fromkeys(categories.tag_mapping()["key"]))
        self.candidates: list[gpd.GeoDataFrame] = []
        self.buildings: list[gpd.GeoDataFrame] = []
        self.basemap: list[gpd.GeoDataFrame] = []

    def add(self, features: gpd.GeoDataFrame) -> None:
        if not len(features):
            return
        features = features.to_crs(settings.STORAGE_CRS)
        features = features.set_geometry(canonical_geometry(features.geometry.array))
        # Projected once for both: nearly every feature is a building outline, which both measure.
        metric = features.geometry.to_crs(settings.METRIC_CRS)
        self.buildings.append(buildings_from_features(features, metric))
        self.basemap.append(basemap_from_features(features, metric))
        keys = [key for key in self.catalogue_keys if key in features.columns]
        if keys:
            maybe = features[keys].notna().to_numpy().any(axis=1)
            if maybe.any():
                self.candidates.append(features[maybe])

    def layers(self, nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame, area: gpd.GeoDataFrame | None,
               reference: str) -> OsmLayers:
        features = _concat(self.candidates, gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS)))
        assets = assets_from_features(features)
        del features
        buildings = _concat(self.buildings, buildings_from_features(gpd.GeoDataFrame()))
        basemap = _concat(self.basemap, basemap_from_features(gpd.GeoDataFrame()))
        self.candidates, self.buildings, self.basemap = [], [], []
        if area is None or area.empty:
            area = _extent_of(assets, buildings, nodes)
        area = gpd.GeoDataFrame({"name": area.get("name", pd.Series([reference] * len(area))).astype(str).to_list(),
                                 "source": ["osm"] * len(area)}, geometry=area.geometry.to_crs(settings.STORAGE_CRS)
                                .to_list(), crs=settings.STORAGE_CRS)
        return OsmLayers(assets, nodes, edges, buildings, area, reference, basemap)


def _concat(frames: list[gpd.GeoDataFrame], empty: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The non-empty frames one after the other (a single one as it is), or ``empty``."""
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return empty
    if len(frames) == 1:
        return frames[0]
    keep_index = isinstance(frames[0].index, pd.MultiIndex)
    return pd.concat(frames, ignore_index=not keep_index)


def canonical_geometry(geometry) -> np.ndarray:
    """One form for one shape: rings counter-clockwise (holes clockwise), each starting at its lowest point.

    ``.osm`` and ``.pbf`` readers, osmnx and Overpass may give the same polygon with another ring
    start or orientation; put in this form, the same asset compares equal whatever its source,
    so a re-import from another format records no change.

    Parameters
    ----------
    geometry : array-like of shapely geometries
        Geometries in EPSG:4326 (None allowed).

    Returns
    -------
    numpy.ndarray
        The geometries with coordinates rounded to 7 decimals (OSM's precision), normalised
        (:func:`shapely.normalize`: canonical ring start and part order) and then oriented
        counter-clockwise (exterior) as GeoJSON prefers.
    """
    geometry = np.asarray(geometry, dtype=object)
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, _COORDINATE_DECIMALS))
    normal = shapely.normalize(rounded)
    return shapely.orient_polygons(normal, exterior_cw=False)


def assets_from_features(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Map OSM features to assets with the category catalogue (first matching row wins).

    A tag value ``no`` never matches. Features without a ``name`` are named after the Dutch label
    of their category; lines become a point on the line, polygons stay polygons.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        osmnx features in EPSG:4326 (index ``element``, ``id``; one column per OSM tag).

    Returns
    -------
    geopandas.GeoDataFrame
        Assets in EPSG:4326 with the columns of ``assetmap.layers.schema.ASSET_FIELDS``,
        ``source`` ``osm``, public, with consent; features matching no row are left out.

    Raises
    ------
    assetmap.errors.InputError
        The category catalogue cannot be read.
    """
    if features.empty:
        return build_assets(gpd.GeoDataFrame({"name": [], "building_block": []},
                                             geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS)), source="osm")
    table = list(categories.tag_mapping().itertuples(index=False))
    frame = features.reset_index()
    choice = np.full(len(frame), -1)  # the first catalogue row each feature matches
    values = {key: frame[key].to_numpy(dtype=object, na_value=None)
              for key in dict.fromkeys(row.key for row in table) if key in frame.columns}
    usable = {key: np.array([v is not None and str(v) != "no" for v in column], dtype=bool)
              for key, column in values.items()}
    for number, row in enumerate(table):
        if row.key not in values:
            continue
        hit = usable[row.key] & (choice < 0)
        if row.value != "*":
            hit &= values[row.key] == row.value
        choice[hit] = number
    keep = choice >= 0
    frame = frame[keep].reset_index(drop=True)
    chosen = [table[number] for number in choice[keep]]
    geometry = gpd.GeoSeries(_point_or_polygon(frame.geometry.array), crs=settings.STORAGE_CRS)
    names = _col(frame, "name").fillna(pd.Series([r.label_nl for r in chosen], dtype="string"))
    picked = np.nonzero(keep)[0]
    category = [r.category.replace("{value}", _slug(values[r.key][picked[i]])) if "{value}" in r.category
                else r.category for i, r in enumerate(chosen)]
    fee = _col(frame, "fee").str.lower()
    wheelchair = _col(frame, "wheelchair").str.lower()
    assets = gpd.GeoDataFrame({
        "id": [f"osm-{e}-{i}" for e, i in zip(frame["element"], frame["id"])],
        "name": names,
        "building_block": [r.building_block for r in chosen],
        "category": category,
        "description": _col(frame, "description"),
        "source": "osm",
        "source_ref": [f"{e}/{i}" for e, i in zip(frame["element"], frame["id"])],
        "is_meeting_place": [r.is_meeting_place == "yes" for r in chosen],
        "opening_hours": _col(frame, "opening_hours"),
        "wheelchair": wheelchair.where(wheelchair.isin(["yes", "limited", "no"])),
        "free_entry": fee.map({"no": True, "yes": False}).astype("boolean"),
        "operator": _col(frame, "operator"),
        "visibility": "public",
        "consent": True,
        "added_by": "OpenStreetMap",
    }, geometry=geometry, crs=settings.STORAGE_CRS)
    return build_assets(assets, source="osm", strict=False)


def buildings_from_features(features: gpd.GeoDataFrame, metric: gpd.GeoSeries | None = None) -> gpd.GeoDataFrame:
    """Residential buildings as points with their footprint area.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        osmnx features in EPSG:4326 (index ``element``, ``id``), possibly with ``building`` and
        ``building:levels`` columns.
    metric : geopandas.GeoSeries, optional
        The features' geometries in RD New (EPSG:28992), row for row, when the caller has them
        already; else they are projected here.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points inside each footprint: ``osm_ref``, ``building`` (a type from
        :data:`RESIDENTIAL_BUILDINGS`), ``footprint_m2`` (m², measured in RD New) and ``levels``
        (NaN when untagged). Empty when there are none.
    """
    empty = gpd.GeoDataFrame({"osm_ref": [], "building": [], "footprint_m2": [], "levels": []},
                             geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))
    if features.empty or "building" not in features.columns:
        return empty
    keep = (features["building"].isin(RESIDENTIAL_BUILDINGS)
            & features.geometry.geom_type.isin(["Polygon", "MultiPolygon"])).to_numpy()
    if not keep.any():
        return empty
    # Only the columns used are filtered: taking rows of every tag column costs more than the rest.
    frame = features[[c for c in ("building", "building:levels") if c in features.columns]][keep].reset_index()
    metric = metric[keep] if metric is not None else features.geometry[keep].to_crs(settings.METRIC_CRS)
    levels = pd.to_numeric(_col(frame, "building:levels"), errors="coerce")
    return gpd.GeoDataFrame({
        "osm_ref": [f"{e}/{i}" for e, i in zip(frame["element"], frame["id"])],
        "building": frame["building"].astype(str).to_numpy(),
        "footprint_m2": metric.area.to_numpy(),
        "levels": levels.to_numpy(dtype=float),
    }, geometry=metric.representative_point().to_crs(settings.STORAGE_CRS).to_numpy(), crs=settings.STORAGE_CRS)


def basemap_from_features(features: gpd.GeoDataFrame, metric: gpd.GeoSeries | None = None) -> gpd.GeoDataFrame:
    """The offline base map: water, green and building outlines, and waterways as lines.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        osmnx features in EPSG:4326 (one column per OSM tag).
    metric : geopandas.GeoSeries, optional
        The features' geometries in RD New (EPSG:28992), row for row, when the caller has them
        already; else they are projected here.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, ``kind`` (``water``, ``green``, ``building`` for polygons; ``waterway`` for
        lines) and the geometry, simplified by :data:`BASEMAP_SIMPLIFY_M` metres. The first tag of
        :data:`BASEMAP_TAGS` that matches gives the kind; a building outline is ``building``
        whatever else it is. Empty when nothing matches.
    """
    empty = gpd.GeoDataFrame({"kind": pd.Series([], dtype=object)}, geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))
    if features.empty:
        return empty
    frame = features.reset_index(drop=True)
    kind = pd.Series([None] * len(frame), dtype=object)
    for key, kinds in BASEMAP_TAGS.items():
        if key in frame.columns:
            kind = kind.fillna(frame[key].map(kinds))
    if "building" in frame.columns:
        is_building = frame["building"].notna() & (frame["building"].astype(str) != "no")
        kind = kind.where(~is_building, "building")
    areas = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    lines = frame.geometry.geom_type.isin(["LineString", "MultiLineString"])
    keep = (kind.notna() & ((areas & (kind != "waterway")) | (lines & (kind == "waterway")))).to_numpy()
    if not keep.any():
        return empty
    metric = (metric[keep] if metric is not None else frame.geometry[keep].to_crs(settings.METRIC_CRS)) \
        .simplify(BASEMAP_SIMPLIFY_M)
    return gpd.GeoDataFrame({"kind": kind[keep].to_numpy()}, geometry=metric.to_crs(settings.STORAGE_CRS).to_numpy(),
                            crs=settings.STORAGE_CRS)


def is_walkable(tags) -> bool:
    """Whether people may walk on a way with these tags: osmnx's walk rule, with two deliberate differences.

    As osmnx's ``network_type="walk"`` (its Overpass filter, matched the same way): a ``highway``
    tag, and no ``area`` matching ``yes``, ``access`` or ``service`` matching ``private``, ``foot``
    matching ``no``, or ``highway`` matching abandoned, bus_guideway, construction, cycleway,
    motor, no, planned, platform, proposed, raceway, razed, rest_area or services. Unlike osmnx
    (see docs/coverage.md, "Walking network"):

    * a cycleway with ``foot`` ``yes``, ``designated`` or ``permissive`` is walkable (a Dutch
      fiets-/voetpad, often the only path);
    * a street with ``sidewalk=separate`` (or ``sidewalk:both``/``:left``/``:right``) stays
      walkable, because its separately mapped pavements often lack the crossings that join them.

    Parameters
    ----------
    tags : mapping
        The way's tags (``str`` → ``str``; lists as osmnx gives them use their first value).

    Returns
    -------
    bool
        True when the way belongs in the walking network.
    """
    def tag(key: str) -> str:
        value = _first(tags.get(key))
        return "" if value is None or value != value else str(value)

    highway, foot = tag("highway"), tag("foot")
    if not highway or "yes" in tag("area") or "private" in tag("access") or "no" in foot \
            or "private" in tag("service"):
        return False
    return not _NOT_WALKABLE.search(highway) or (highway == "cycleway" and foot in _FOOT_ALLOWED)


def walkable_subgraph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Keep the ways people may walk on (:func:`is_walkable`, applied to each edge's tags).

    Ways without a ``highway`` tag are dropped, and so are private ways, areas and ways with
    ``foot=no``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        An OSM graph with edge tags ``highway``, ``foot``, ``access``, ``service``, ``area``.

    Returns
    -------
    networkx.MultiDiGraph
        A copy without the other edges and without the nodes they leave unconnected.
    """
    drop = [(u, v, k) for u, v, k, data in graph.edges(keys=True, data=True) if not is_walkable(data)]
    graph = graph.copy()
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    return graph


def network_layers(graph: nx.MultiDiGraph) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Nodes and undirected edges of a walking graph.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A walking graph with node ``x``/``y`` in EPSG:4326 (osmnx form).

    Returns
    -------
    tuple of geopandas.GeoDataFrame
        ``(nodes, edges)`` in EPSG:4326: nodes with ``node_id``; edges with ``u`` < ``v``,
        ``length_m`` (metres, measured in RD New) and the line, one per pair and geometry
        whatever its direction.
    """
    import osmnx as ox

    nodes, edges = ox.convert.graph_to_gdfs(graph, nodes=True, edges=True, fill_edge_geometry=True)
    edges = edges.reset_index()
    # Walking is two-way: keep one edge per (u, v, geometry) pair regardless of direction.
    lo = np.minimum(edges["u"].to_numpy(), edges["v"].to_numpy())
    hi = np.maximum(edges["u"].to_numpy(), edges["v"].to_numpy())
    length = edges.geometry.to_crs(settings.METRIC_CRS).length.to_numpy()
    table = pd.DataFrame({"u": lo, "v": hi, "length_m": length})
    keep = ~table.assign(r=np.round(length, 1)).duplicated(["u", "v", "r"]).to_numpy()
    edge_layer = gpd.GeoDataFrame(table[keep].reset_index(drop=True),
                                  geometry=edges.geometry[keep].to_crs(settings.STORAGE_CRS).to_numpy(),
                                  crs=settings.STORAGE_CRS)
    node_layer = gpd.GeoDataFrame({"node_id": nodes.index.to_numpy(dtype="int64")},
                                  geometry=nodes.geometry.to_crs(settings.STORAGE_CRS).to_numpy(),
                                  crs=settings.STORAGE_CRS)
    return node_layer, edge_layer


def _check_osm_file(path: Path) -> None:
    if not path.is_file():
        raise InputError("file_missing", "fix_check_path", path=path)
    if path.stat().st_size > settings.MAX_IMPORT_BYTES * 20:
        raise InputError("file_larger_than", "fix_smaller_extract", name=path.name,
                         limit=settings.MAX_IMPORT_BYTES * 20 // 2**20)
    name = path.name.lower()
    if name.endswith(".pbf"):
        with open(path, "rb") as handle:
            if b"OSMHeader" not in handle.read(64):
                raise InputError("osm_not_pbf", "fix_give_osm_file", name=path.name)
        return
    opener = bz2.open if name.endswith(".bz2") else gzip.open if name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(2048)
    except (OSError, EOFError) as exc:
        raise InputError("file_cannot_open", "fix_give_osm_xml", name=path.name, error=exc) from exc
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"<") or b"<osm" not in head:
        raise InputError("osm_not_xml", "fix_give_osm_xml_exported", name=path.name)


def _extent_of(*layers: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The area the data covers: the bounding box of the facilities and buildings (not of long ways)."""
    frames = [layer.geometry for layer in layers[:2] if len(layer)] or [layers[-1].geometry]
    box = shapely.box(*pd.concat(frames).total_bounds)
    return gpd.GeoDataFrame({"name": ["osm extent"]}, geometry=[box], crs=settings.STORAGE_CRS)


def _point_or_polygon(geometry) -> np.ndarray:
    """Points and polygons as they are; lines (and anything else) as a point on them."""
    geometry = np.asarray(geometry, dtype=object)
    kind = shapely.get_type_id(geometry)
    other = ~np.isin(kind, (-1, 0, 3, 6))  # missing, Point, Polygon, MultiPolygon stay
    out = geometry.copy()
    out[other] = shapely.point_on_surface(geometry[other])
    return out


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([None] * len(frame), dtype="string", index=frame.index)
    return frame[name].astype("string")


def _first(value):
    return value[0] if isinstance(value, list) else value


def _slug(value) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", str(value).lower()).strip("_")
