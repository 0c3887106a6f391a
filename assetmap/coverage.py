"""Meeting-place coverage: who lives too far from a meeting place, per buurt, and where a new one helps.

One function per step; the CLI, the app and the tests call the same ones:

1. :func:`load_inputs` reads the workspace once: walking network, demand points (residents),
   meeting places and candidate sites. This is the expensive part; callers cache it.
2. :func:`compute_coverage` gives walking minutes from every demand point to the nearest meeting
   place and the per-buurt table (population, covered, coverage %, median and p90 minutes).
3. :func:`suggest_sites` picks the *k* candidate sites that add most covered residents.
4. :func:`what_if` compares coverage per buurt before and after adding/removing meeting places.
5. :func:`save_coverage` writes the per-buurt table and the gap layer into the workspace.

Method (also in the README):

* **Network.** The undirected walking network kept in the workspace, lengths in metres (RD New).
  A point is snapped to the nearest *edge* (not node): its walk is the straight line to that
  edge plus the distance along the edge to either end. Points further than
  ``settings.MAX_SNAP_DISTANCE_M`` from any walkable way cannot reach anything and are
  reported as unreachable, never dropped.
* **Meeting places.** Assets marked ``is_meeting_place`` plus every asset of a meeting-place
  category of the catalogue (:func:`assetmap.layers.categories.meeting_place_categories`);
  candidate sites are the catalogue's ``meeting_place_candidate`` categories.
* **Settings.** Every parameter that defaults to a setting defaults to ``None``, meaning the
  value of ``assetmap.settings`` when the function runs (walking speed, minutes, snap distance,
  grid size), so a changed setting is honoured without re-importing this module.
* **Shortest paths.** One multi-source Dijkstra pass (``scipy.sparse.csgraph``, in C) from a
  virtual source joined to every meeting place gives the distance to the *nearest* meeting
  place for every node at once.
* **Demand.** Each area's CBS population is spread over the residential OSM buildings inside
  it (weight: footprint × floors), else over 100 m grid cells clipped to the area (weight:
  cell area). Integer residents per point by the largest-remainder method, so each area's
  total is kept exactly. Areas cut by the edge of the study area keep the share of their
  population that matches the share of their surface inside it.
* **Filters** (:class:`PlaceFilters`). ``when`` counts a place that is open at any moment of the
  window (see :mod:`assetmap.layers.hours`) or has an activity then; a place whose hours are
  missing or unreadable is left out and counted as ``hours_unknown``. ``access`` counts places of
  that access (a ``walk_in`` activity also makes a place walk-in while it runs). ``group`` counts
  places for that group or for everyone (a place that records no target group is for everyone),
  or with an activity for it, and ``older_people`` walks at the slow speed. A filter only ever
  removes places, so a filtered coverage is never above the unfiltered one. Places added in a
  what-if are taken to match the filters.
* **Suggestions.** Maximal covering, solved exactly as an integer programme with scipy's
  ``milp`` (HiGHS) within ``settings.SUGGEST_TIME_LIMIT_S``. Greedy (each pick the candidate that
  adds most not-yet-covered residents) runs first: it is the fallback when the solver does not
  beat it in time, and its value gives a bound, since coverage is monotone submodular and greedy
  reaches at least (1 − 1/e) ≈ 63 % of the best *k* sites (Nemhauser et al. 1978). ``milp`` takes
  no starting solution, so greedy cannot warm-start it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import optimize, sparse
from scipy.sparse import csgraph

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.memory import cycle_collection_paused
from assetmap.messages import Message, N_
from assetmap.layers import categories, hours
from assetmap.layers.assets import meeting_places, target_group_list
from assetmap.layers.boundaries import finest_level
from assetmap.layers.schema import ACCESS_VALUES, AGE_GROUP_FIELDS, BUILDING_BLOCKS, TARGET_GROUPS


def speed_profiles() -> dict[str, float]:
    """The walking-speed profiles, read from the settings when called.

    Returns
    -------
    dict of str to float
        ``{"normal": settings.WALK_SPEED_KMH, "slow": settings.SLOW_WALK_SPEED_KMH}`` in km/h:
        an average adult, and older people / people with limited mobility.
    """
    return {"normal": float(settings.WALK_SPEED_KMH), "slow": float(settings.SLOW_WALK_SPEED_KMH)}


#: Columns of the per-area coverage table (:attr:`CoverageResult.buurten`).
AREA_COLUMNS = ["buurt_code", "name", "level", "population", "covered_population", "uncovered_population",
                "coverage_pct", "median_minutes", "p90_minutes", "unreachable_population"]

#: Connected parts of the walking network smaller than this (nodes, or share of the largest part)
#: are not snapped to.
MIN_COMPONENT_NODES = 50
MIN_COMPONENT_SHARE = 0.05

_SITE_BATCH = 32  # candidate sites per Dijkstra batch: bounds memory to batch × nodes distances
_BATCH_STRIP_M = 1500.0  # sites are batched along west-east strips this wide, so a batch lies close together


class CoverageError(InputError):
    """The workspace lacks what the analysis needs (network, boundaries or population).

    Also raised for an analysis setting that cannot be used: walking minutes, a walking speed
    (km/h) or a number of sites to suggest that is not a number above 0. An
    :class:`~assetmap.errors.InputError`, so callers that catch input errors catch it too.

    Parameters
    ----------
    code : str, Problem or list of Problem
        A message code such as ``"no_walk_network"`` (with ``fix``, ``row``, ``column`` and
        ``params`` it makes one :class:`~assetmap.errors.Problem`), a problem, or the problems
        found.
    fix : str or None
        Code of the text that says how to fix it, when ``code`` is a code.
    row : int or None
        Row where the problem is (1-based, header not counted), when ``code`` is a code; None
        (as every coverage error has it) for the whole input.
    column : str or None
        Column (field) the problem is in, when ``code`` is a code.
    **params
        Values for the ``{name}`` fields of the message and the fix.
    """


# --------------------------------------------------------------------------- network

@dataclass
class WalkNetwork:
    """The walking network as a sparse matrix, with edge lines in RD New for snapping.

    Built by :func:`build_network`. Node positions and lines are in EPSG:28992 (RD New, metres);
    the matrix holds edge lengths in metres. The lines are kept as coordinate arrays; their
    shapely geometries and spatial index are made when first needed (a network read back from a
    workspace snaps a few meeting places without them, see :func:`snap`).

    Parameters
    ----------
    node_ids : numpy.ndarray
        OSM node ids (int64); the position of an id is its row and column in ``matrix``.
    node_xy : numpy.ndarray
        (n, 2) node coordinates in EPSG:28992 (RD New, metres), in the order of ``node_ids``.
    matrix : scipy.sparse.csr_matrix
        (n, n) symmetric matrix of edge lengths in metres (the shortest where two nodes are
        joined by several edges).
    edge_u : numpy.ndarray
        Matrix index of each edge's first node.
    edge_v : numpy.ndarray
        Matrix index of each edge's other node.
    edge_length : numpy.ndarray
        Length of each edge in metres, as stored in ``walk_edges.length_m`` (at least 1e-6,
        since the shortest-path routine ignores zero weights).
    edge_coordinates : numpy.ndarray
        (V, 2) vertices of every edge's line in EPSG:28992, edge after edge, each from its ``u``
        node to its ``v`` node.
    edge_vertices : numpy.ndarray
        Number of vertices of each edge's line (their rows in ``edge_coordinates``, in order).
    snappable : numpy.ndarray
        Indices of the edges points may snap to: those in connected parts of real size.
    """

    node_ids: np.ndarray          # OSM node ids, position = matrix index
    node_xy: np.ndarray           # (n, 2) RD metres
    matrix: sparse.csr_matrix     # symmetric, lengths in metres
    edge_u: np.ndarray            # matrix index of the edge's first node
    edge_v: np.ndarray
    edge_length: np.ndarray       # metres, as stored
    edge_coordinates: np.ndarray  # (V, 2) RD vertices, edge after edge, from u to v
    edge_vertices: np.ndarray     # vertices per edge
    snappable: np.ndarray         # edges points may snap to (those in sizeable connected parts)

    @property
    def size(self) -> int:
        """Number of nodes (the matrix is ``size`` × ``size``)."""
        return len(self.node_ids)

    @cached_property
    def edge_geometry(self) -> np.ndarray:
        """Shapely LineStrings in EPSG:28992, one per edge, each oriented from its ``u`` node to its ``v`` node."""
        return self.lines(np.arange(len(self.edge_u)))

    @cached_property
    def tree(self) -> shapely.STRtree:
        """Spatial index over ``edge_geometry[snappable]`` (tree positions index ``snappable``)."""
        return shapely.STRtree(self.edge_geometry[self.snappable])

    def lines(self, edges: np.ndarray) -> np.ndarray:
        """The LineStrings of some edges, made from the coordinates unless all are made already.

        Parameters
        ----------
        edges : numpy.ndarray
            Edge indices.

        Returns
        -------
        numpy.ndarray
            One LineString per index, in EPSG:28992, oriented from ``u`` to ``v``.
        """
        edges = np.asarray(edges, dtype=np.int64)
        if "edge_geometry" in self.__dict__:
            return self.edge_geometry[edges]
        if not len(edges):
            return np.empty(0, dtype=object)
        count = self.edge_vertices[edges]
        rows = _ranges(self._first_vertex[edges], count)
        return shapely.linestrings(self.edge_coordinates[rows], indices=np.repeat(np.arange(len(edges)), count))

    @cached_property
    def _first_vertex(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.edge_vertices)[:-1]]).astype(np.int64)

    @cached_property
    def _near(self) -> _NearEdges:
        return _NearEdges(self)


class _NearEdges:
    """Finds the snappable edges that may be nearest to a few points, without a line of the whole network.

    Every point of an edge's line lies within half the line's length of one of its ends, and an
    end lies within ``slack`` of its node: an edge is no nearer to a point than the nearer of its
    nodes, less ``reach`` (half its length plus that slack). Edges with a short reach are found
    through the nodes near the point (a k-d tree); the few long ones are checked one by one.
    """

    def __init__(self, network: WalkNetwork):
        from scipy.spatial import cKDTree

        xy, count = network.edge_coordinates, network.edge_vertices
        first = network._first_vertex
        last = first + count - 1
        step = np.hypot(*np.diff(xy, axis=0).T)
        inside = np.ones(len(step), dtype=bool)
        inside[last[:-1][count[:-1] > 0]] = False  # the step from one edge's last vertex to the next edge
        length = np.bincount(np.repeat(np.arange(len(count)), count)[:-1][inside], weights=step[inside],
                             minlength=len(count)) if len(step) else np.zeros(len(count))
        slack = np.maximum(np.hypot(*(xy[first] - network.node_xy[network.edge_u]).T),
                           np.hypot(*(xy[last] - network.node_xy[network.edge_v]).T))
        edges = network.snappable
        self.network = network
        self.reach = (length / 2 + slack)[edges] * (1 + 1e-9) + 1e-6
        self.edges = edges
        self.short_reach = max(50.0, float(np.quantile(self.reach, 0.995))) if len(edges) else 50.0
        self.long = np.flatnonzero(self.reach > self.short_reach)
        short = np.flatnonzero(self.reach <= self.short_reach)
        # Positions in ``edges`` grouped by node (a sparse matrix's rows: a counting sort in C).
        at_node = sparse.csr_matrix((np.ones(2 * len(short), dtype=np.int8),
                                     (np.concatenate([network.edge_u[edges[short]], network.edge_v[edges[short]]]),
                                      np.concatenate([short, short]))), shape=(network.size, max(len(edges), 1)))
        self.by_node, self.node_start = at_node.indices.astype(np.int64), at_node.indptr.astype(np.int64)
        self.tree = cKDTree(network.node_xy, balanced_tree=False, compact_nodes=False)  # built 3x faster, same answers
        self.u_xy = network.node_xy[network.edge_u[edges]]
        self.v_xy = network.node_xy[network.edge_v[edges]]

    def _at_nodes(self, point: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point, position) pairs of the short edges at ``nodes`` (both arrays, one node per point)."""
        count = self.node_start[nodes + 1] - self.node_start[nodes]
        return np.repeat(point, count), self.by_node[_ranges(self.node_start[nodes], count)]

    def nearest(self, xy: np.ndarray, max_distance_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point index, edge index and distance of each point's nearest snappable edge within ``max_distance_m``.

        The same answer as the spatial index over every line (ties: the lowest edge index).
        """
        network, m = self.network, len(xy)
        points = shapely.points(xy)
        # An upper bound: the nearest of the edges at the four nearest nodes.
        k = min(4, network.size)
        nodes = self.tree.query(xy, k=k)[1].reshape(m, k)
        point, position = self._at_nodes(np.repeat(np.arange(m), k), nodes.ravel())
        bound = np.full(m, np.inf)
        if len(point):
            np.minimum.at(bound, point, shapely.distance(points[point], network.lines(self.edges[position])))
        bound = np.minimum(bound, max_distance_m)
        # Every edge that may be as near: short ones through the nodes within bound + reach, long ones all.
        found = self.tree.query_ball_point(xy, bound + self.short_reach)
        sizes = np.fromiter((len(f) for f in found), dtype=np.int64, count=m)
        flat = np.fromiter((i for f in found for i in f), dtype=np.int64, count=int(sizes.sum()))
        point, position = self._at_nodes(np.repeat(np.arange(m), sizes), flat)
        point = np.concatenate([point, np.repeat(np.arange(m), len(self.long))])
        position = np.concatenate([position, np.tile(self.long, m)])
        # A short edge comes once per end found; both copies give the same distance, and one is kept.
        near_end = np.minimum(np.hypot(*(xy[point] - self.u_xy[position]).T),
                              np.hypot(*(xy[point] - self.v_xy[position]).T))
        keep = near_end - self.reach[position] <= bound[point]
        point, edge = point[keep], self.edges[position[keep]]
        distance = shapely.distance(points[point], network.lines(edge))
        within = distance <= max_distance_m
        return _nearest_per_point(point[within], edge[within], distance[within])


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``starts[i]``, ``starts[i] + 1``, ... (``counts[i]`` numbers) for every ``i``, one run after the other."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.repeat(np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts), counts) \
        + np.arange(int(counts.sum()))


def _nearest_per_point(point: np.ndarray, edge: np.ndarray, distance: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of every (point, edge, distance), each point's nearest edge; ties go to the lowest edge index."""
    order = np.lexsort((edge, distance, point))
    point, edge, distance = point[order], edge[order], distance[order]
    first = np.ones(len(point), dtype=bool)
    first[1:] = point[1:] != point[:-1]
    return point[first], edge[first], distance[first]


#: Up to this many points, :func:`snap` on a network whose lines are not made yet finds the nearest
#: edges around each point (:class:`_NearEdges`); more points make every line and the spatial index.
SNAP_LOCAL_POINTS = 2000


@dataclass
class Snap:
    """Points placed on the network: nearest edge, distance to it and along it to both ends.

    Built by :func:`snap`; all distances in metres (RD New). Each array has one value per point.

    Parameters
    ----------
    edge : numpy.ndarray
        Index (int64) of the nearest snappable edge in the :class:`WalkNetwork`; -1 where the
        point is further than the snap distance from every snappable edge (unreachable).
    offset : numpy.ndarray
        Straight-line metres from the point to that edge; inf where unreachable.
    to_u : numpy.ndarray
        Metres along the edge from the snapped position to its ``u`` end; 0 where unreachable.
    to_v : numpy.ndarray
        Metres along the edge from the snapped position to its ``v`` end; 0 where unreachable.
    """

    edge: np.ndarray      # edge index, -1 where too far from the network
    offset: np.ndarray    # straight-line metres from the point to the edge
    to_u: np.ndarray      # metres along the edge to its u end
    to_v: np.ndarray

    @property
    def reachable(self) -> np.ndarray:
        """Boolean array: the point lies within the snap distance of a walkable edge."""
        return self.edge >= 0


def build_network(nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> WalkNetwork:
    """Turn the workspace's walk_nodes / walk_edges layers into a :class:`WalkNetwork`.

    Parameters
    ----------
    nodes : geopandas.GeoDataFrame
        ``walk_nodes``: ``node_id`` and a point, any CRS (EPSG:4326 as stored).
    edges : geopandas.GeoDataFrame
        ``walk_edges``: ``u``, ``v``, ``length_m`` (metres) and a line, any CRS.

    Returns
    -------
    WalkNetwork
        Symmetric matrix of lengths in metres; geometries in EPSG:28992 oriented from ``u`` to
        ``v``. Only edges in connected parts of at least :data:`MIN_COMPONENT_NODES` nodes (or
        :data:`MIN_COMPONENT_SHARE` of the largest part) are snappable.

    Raises
    ------
    CoverageError
        The workspace has no walking network.
    """
    if nodes is None or edges is None or nodes.empty or edges.empty:
        raise CoverageError("no_walk_network", "fix_import_osm_first")
    node_ids = nodes["node_id"].to_numpy(dtype="int64")
    node_xy = shapely.get_coordinates(nodes.geometry.to_crs(settings.METRIC_CRS).array)
    index = pd.Index(node_ids)
    u = index.get_indexer(edges["u"].to_numpy(dtype="int64"))
    v = index.get_indexer(edges["v"].to_numpy(dtype="int64"))
    geometry = edges.geometry.to_crs(settings.METRIC_CRS).to_numpy()
    keep = (u >= 0) & (v >= 0) & (u != v) & ~shapely.is_empty(geometry) & ~pd.isna(geometry)
    u, v, geometry = u[keep], v[keep], geometry[keep]
    length = np.maximum(edges["length_m"].to_numpy(dtype=float)[keep], 1e-6)  # csgraph ignores 0 weights
    # Orient every geometry from u to v so that "along the edge" is measured from u.
    start = shapely.get_coordinates(shapely.get_point(geometry, 0))
    flip = np.hypot(*(start - node_xy[u]).T) > np.hypot(*(start - node_xy[v]).T)
    geometry = geometry.copy()
    geometry[flip] = shapely.reverse(geometry[flip])
    n = len(node_ids)
    matrix = _min_matrix(np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([length, length]), n)
    # Snap only onto connected parts of real size: an isolated path in a courtyard or a fragment cut
    # off by the edge of the extract would strand everyone snapped to it.
    _, component = csgraph.connected_components(matrix, directed=False)
    sizes = np.bincount(component)
    main = sizes[component[u]] >= min(sizes.max(), max(MIN_COMPONENT_NODES, MIN_COMPONENT_SHARE * sizes.max()))
    snappable = np.flatnonzero(main)
    network = WalkNetwork(node_ids, node_xy, matrix, u, v, length, shapely.get_coordinates(geometry),
                          shapely.get_num_coordinates(geometry), snappable)
    network.__dict__["edge_geometry"] = geometry  # made already: kept, not made again from the coordinates
    return network


def snap(network: WalkNetwork, xy: np.ndarray, max_distance_m: float | None = None) -> Snap:
    """Place points on their nearest snappable edge.

    Parameters
    ----------
    network : WalkNetwork
        The walking network.
    xy : numpy.ndarray
        (n, 2) coordinates in EPSG:28992 (RD New, metres).
    max_distance_m : float, optional
        Points further than this many metres from every snappable edge stay unsnapped
        (unreachable). Default ``settings.MAX_SNAP_DISTANCE_M``, read when the function runs.

    Returns
    -------
    Snap
        Per point: edge index (-1 if too far), straight-line metres to the edge (inf if too far)
        and metres along the edge to its ``u`` and ``v`` ends.
    """
    if max_distance_m is None:
        max_distance_m = settings.MAX_SNAP_DISTANCE_M
    m = len(xy)
    edge = np.full(m, -1, dtype=np.int64)
    offset = np.full(m, np.inf)
    to_u = np.zeros(m)
    to_v = np.zeros(m)
    if m == 0:
        return Snap(edge, offset, to_u, to_v)
    points = shapely.points(xy)
    if "edge_geometry" not in network.__dict__ and m <= SNAP_LOCAL_POINTS:
        point_index, edge_index, distance = network._near.nearest(xy, max_distance_m)
    else:
        found, distance = network.tree.query_nearest(points, max_distance=max_distance_m, return_distance=True,
                                                     all_matches=True)
        point_index, edge_index, distance = _nearest_per_point(found[0], network.snappable[found[1]], distance)
    geometry = network.lines(edge_index)
    along = shapely.line_locate_point(geometry, points[point_index])
    share = np.clip(along / np.maximum(shapely.length(geometry), 1e-9), 0.0, 1.0)
    edge[point_index] = edge_index
    offset[point_index] = distance
    to_u[point_index] = share * network.edge_length[edge_index]
    to_v[point_index] = (1.0 - share) * network.edge_length[edge_index]
    return Snap(edge, offset, to_u, to_v)


def distances_from_sites(network: WalkNetwork, sites: Snap, targets: Snap, groups: np.ndarray | None = None,
                         limit: float = np.inf) -> np.ndarray:
    """Walking metres from sites to targets, in one Dijkstra pass for all groups of sites.

    Parameters
    ----------
    network : WalkNetwork
        The walking network.
    sites : Snap
        The sites, snapped with :func:`snap`.
    targets : Snap
        The targets (usually the demand points), snapped with :func:`snap`.
    groups : numpy.ndarray, optional
        A group number 0..G-1 per site; default all sites one group, so the result is the
        distance to the *nearest* site.
    limit : float
        Stop searching beyond this many metres (default no limit).

    Returns
    -------
    numpy.ndarray
        (G, number of targets) walking metres, each the distance to the nearest site of the
        group: straight line to the network, along it, straight line off it. ``inf`` where no
        site of the group is within ``limit`` or a point is unsnapped.
    """
    if groups is None:
        groups = np.zeros(len(sites.edge), dtype=np.int64)
    count = int(groups.max()) + 1 if len(groups) else 0
    out = np.full((count, len(targets.edge)), np.inf)
    live = sites.reachable
    if count == 0 or not live.any():
        return out
    n = network.size
    e = sites.edge[live]
    g = groups[live]
    # One virtual node per group, joined to both ends of each of its sites' edges.
    rows = np.concatenate([n + g, n + g])
    cols = np.concatenate([network.edge_u[e], network.edge_v[e]])
    weights = np.concatenate([sites.offset[live] + sites.to_u[live], sites.offset[live] + sites.to_v[live]])
    virtual = _min_matrix(rows, cols, np.maximum(weights, 1e-6), n + count)
    graph = sparse.bmat([[network.matrix, None], [None, sparse.csr_matrix((count, count))]], format="csr") + virtual
    dist = csgraph.dijkstra(graph, directed=True, indices=np.arange(n, n + count), limit=limit)
    ok = targets.reachable
    te = targets.edge[ok]
    via_u = dist[:, network.edge_u[te]] + targets.to_u[ok]
    via_v = dist[:, network.edge_v[te]] + targets.to_v[ok]
    best = np.minimum(via_u, via_v)
    # A site and a target on the same edge can also meet directly along it.
    same = pd.DataFrame({"edge": e, "group": g, "offset": sites.offset[live], "along": sites.to_u[live]}).merge(
        pd.DataFrame({"edge": te, "target": np.arange(len(te)), "t_along": targets.to_u[ok]}), on="edge")
    if not same.empty:
        direct = same["offset"].to_numpy() + np.abs(same["along"].to_numpy() - same["t_along"].to_numpy())
        np.minimum.at(best, (same["group"].to_numpy(), same["target"].to_numpy()), direct)
    best = best + targets.offset[ok]
    best[best > limit] = np.inf
    out[:, ok] = best
    return out


def _min_matrix(rows, cols, weights, size: int) -> sparse.csr_matrix:
    """A sparse matrix keeping the shortest of parallel entries (coo would add them up)."""
    rows, cols, weights = np.asarray(rows), np.asarray(cols), np.asarray(weights, dtype=float)
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    return sparse.csr_matrix((weights[first], (rows[first], cols[first])), shape=(size, size))


# --------------------------------------------------------------------------- demand

def analysis_areas(boundaries: gpd.GeoDataFrame, study_area: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """The finest boundaries (buurten, else wijken) cut to the study area, population scaled by surface share.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        The workspace's CBS boundaries (``code``, ``name``, ``level``, ``population``), any CRS.
    study_area : geopandas.GeoDataFrame or None
        The area analysed, any CRS; None or empty for the whole boundaries.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:28992 polygons with ``buurt_code`` (the area's CBS code), ``name``, ``level``,
        ``population`` (integer residents analysed), ``population_cbs`` and ``share_in_area``
        (0..1 of the surface inside the study area). Areas with less than 1 m² inside are
        left out.

    Raises
    ------
    CoverageError
        There are no boundaries, or none of them carries a population.
    """
    if boundaries is None or boundaries.empty:
        raise CoverageError("coverage_no_boundaries", "fix_import_boundaries_first")
    # The finest level that carries population (CBS buurt files without counts fall back to wijken).
    counted = boundaries[pd.to_numeric(boundaries["population"], errors="coerce").notna()]
    level = finest_level(counted) if len(counted) else finest_level(boundaries)
    areas = boundaries[boundaries["level"] == level].to_crs(settings.METRIC_CRS).reset_index(drop=True)
    shape = areas.geometry.make_valid().to_numpy()
    full = shapely.area(shape)
    if study_area is not None and not study_area.empty:
        limit = shapely.make_valid(shapely.union_all(study_area.to_crs(settings.METRIC_CRS).geometry.array))
        shape = shapely.intersection(shape, limit)
    inside = shapely.area(shape)
    share = np.where(full > 0, inside / np.maximum(full, 1e-9), 0.0)
    cbs = pd.to_numeric(areas["population"], errors="coerce").astype(float)
    if cbs.isna().all():
        raise CoverageError("coverage_no_population", "fix_population_cbs", level=level)
    share = np.where(share > 0.999, 1.0, share)  # areas wholly inside keep the CBS count exactly
    population = np.round(cbs.fillna(0).to_numpy() * share).astype(np.int64)
    out = gpd.GeoDataFrame({
        "buurt_code": areas["code"].astype(str).to_numpy(),
        "name": areas["name"].astype("string").fillna("").to_numpy(),
        "level": level,
        "population": population,
        "population_cbs": cbs.to_numpy(),
        "share_in_area": share,
    }, geometry=shape, crs=settings.METRIC_CRS)
    return out[inside > 1.0].reset_index(drop=True)


def demand_points(areas: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None,
                  grid_m: float | None = None) -> gpd.GeoDataFrame:
    """Spread each area's population over residential buildings, else over a clipped grid.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        From :func:`analysis_areas` (EPSG:28992, ``buurt_code``, ``population``).
    buildings : geopandas.GeoDataFrame or None
        Residential buildings (``footprint_m2`` in m², ``levels``), any CRS; weight is
        footprint × floors.
    grid_m : float, optional
        Side of the fallback grid cells in metres; default ``settings.DEMAND_GRID_M``, read when
        the function runs.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:28992 points: ``buurt_code``, ``population`` (integers summing exactly to the
        area's population), ``method`` (``buildings`` or ``grid``).
    """
    if grid_m is None:
        grid_m = settings.DEMAND_GRID_M
    homes = _homes(buildings)
    joined = gpd.sjoin(homes, areas[["buurt_code", "geometry"]], predicate="within", how="inner") \
        if not homes.empty else homes.assign(buurt_code=pd.Series(dtype="string"))
    # One join for all buildings, then each area's rows by position (not one filter of all buildings per area).
    rows_of = joined.groupby("buurt_code", sort=False).indices if len(joined) else {}
    home_points = joined.geometry.to_numpy() if len(joined) else np.array([], dtype=object)
    home_weights = joined["weight"].to_numpy(dtype=float) if len(joined) else np.array([])
    codes, counts_all, methods, geometry = [], [], [], []
    for code, population, shape in zip(areas["buurt_code"].tolist(), areas["population"].tolist(),
                                       areas.geometry.array):
        if population <= 0:
            continue
        rows = rows_of.get(code)
        if rows is not None and len(rows):
            points, weights, method = home_points[rows], home_weights[rows], "buildings"
        else:
            points, weights, method = _grid(shape, grid_m)
        counts = largest_remainder(int(population), weights)
        keep = counts > 0
        codes.append(np.full(int(keep.sum()), code, dtype=object))
        counts_all.append(counts[keep])
        methods.append(np.full(int(keep.sum()), method, dtype=object))
        geometry.append(np.asarray(points)[keep])
    if not codes:
        return gpd.GeoDataFrame({"buurt_code": [], "population": [], "method": []},
                                geometry=gpd.GeoSeries([], crs=settings.METRIC_CRS))
    frame = pd.DataFrame({"buurt_code": np.concatenate(codes), "population": np.concatenate(counts_all),
                          "method": np.concatenate(methods), "geometry": np.concatenate(geometry)})
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.METRIC_CRS)


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to exactly ``total`` (largest remainder method).

    Parameters
    ----------
    total : int
        The sum to reach (residents).
    weights : numpy.ndarray
        Non-negative weights; NaN and negative count as 0, all zero as equal weights.

    Returns
    -------
    numpy.ndarray
        int64 counts, one per weight, summing to ``total``.
    """
    weights = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    weights = np.where(weights > 0, weights, 0.0)
    if weights.sum() <= 0:
        weights = np.ones(len(weights))
    quota = total * weights / weights.sum()
    counts = np.floor(quota).astype(np.int64)
    rest = total - int(counts.sum())
    if rest > 0:
        counts[np.argsort(-(quota - counts), kind="stable")[:rest]] += 1
    return counts


def _homes(buildings: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if buildings is None or buildings.empty:
        return gpd.GeoDataFrame({"weight": []}, geometry=gpd.GeoSeries([], crs=settings.METRIC_CRS))
    footprint = pd.to_numeric(buildings["footprint_m2"], errors="coerce").fillna(50.0).clip(lower=10.0)
    levels = pd.to_numeric(buildings["levels"], errors="coerce").fillna(1.0).clip(lower=1.0, upper=60.0)
    return gpd.GeoDataFrame({"weight": (footprint * levels).to_numpy()},
                            geometry=buildings.geometry.to_crs(settings.METRIC_CRS).to_numpy(), crs=settings.METRIC_CRS)


def _grid(shape, grid_m: float) -> tuple[np.ndarray, np.ndarray, str]:
    x0, y0, x1, y1 = shape.bounds
    xs = np.arange(np.floor(x0 / grid_m) * grid_m, x1, grid_m)
    ys = np.arange(np.floor(y0 / grid_m) * grid_m, y1, grid_m)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    cells = shapely.intersection(shapely.box(gx, gy, gx + grid_m, gy + grid_m), shape)
    area = shapely.area(cells)
    keep = area > 1.0
    if not keep.any():
        return np.array([shapely.point_on_surface(shape)]), np.array([1.0]), "grid"
    return shapely.point_on_surface(cells[keep]), area[keep], "grid"


# --------------------------------------------------------------------------- inputs

@dataclass
class CoverageInputs:
    """Everything the analysis needs, read from a workspace once (see :func:`load_inputs`).

    Parameters
    ----------
    network : WalkNetwork
        The walking network (EPSG:28992, metres), from :func:`build_network`.
    areas : geopandas.GeoDataFrame
        The analysed areas in EPSG:28992, from :func:`analysis_areas`.
    demand : geopandas.GeoDataFrame
        Demand points (residents) in EPSG:28992, from :func:`demand_points`.
    demand_snap : Snap
        The demand points placed on the network, in the order of ``demand``.
    meeting_places : geopandas.GeoDataFrame
        The meeting places counted, as EPSG:4326 points (polygons by a point inside them):
        ``id``, ``name``, ``category``.
    candidates : geopandas.GeoDataFrame
        Candidate sites for a new meeting place, as EPSG:4326 points: ``id``, ``name``,
        ``category``.
    notes : list of assetmap.messages.Message
        Things the user should know (residents that cannot reach the network, no meeting
        places at all).
    activities : pandas.DataFrame or None
        The activities the reader may see (for the ``when``, ``access`` and ``group`` filters).
    completeness : dict
        Per area code, how complete its mapping is (see :func:`area_profiles`).
    groups : dict
        Per area code, the CBS age groups and the target groups its mapped places serve (see
        :func:`area_profiles`).
    placement_key : str
        The :func:`placement_key` of the workspace the demand was placed for.
    """

    network: WalkNetwork
    areas: gpd.GeoDataFrame            # RD New, see analysis_areas
    demand: gpd.GeoDataFrame           # RD New points, see demand_points
    demand_snap: Snap
    meeting_places: gpd.GeoDataFrame   # EPSG:4326: id, name, category, geometry
    candidates: gpd.GeoDataFrame       # EPSG:4326: id, name, category, geometry
    notes: list[Message] = field(default_factory=list)
    activities: pd.DataFrame | None = None
    completeness: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    placement_key: str = ""            # see placement_key: what demand and demand_snap were made from


def load_inputs(ws, meeting_place_categories: tuple[str, ...] | None = None,
                include_private: bool = False, progress=None) -> CoverageInputs:
    """Read network, demand, meeting places and candidate sites from a workspace.

    Parameters
    ----------
    ws : assetmap.storage.Workspace
        An open workspace (read only).
    meeting_place_categories : tuple of str, optional
        Categories that count as meeting places besides the assets marked
        ``is_meeting_place``. Default: the catalogue's
        (:func:`assetmap.layers.categories.meeting_place_categories`).
    include_private : bool
        Also count meeting places that are not public or lack consent (default: only public ones
        with consent count).
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with a stage message code (network, residents,
        placing residents on the network); None reports nothing.

    Returns
    -------
    CoverageInputs
        Network and demand in EPSG:28992; meeting places and candidates (the catalogue's
        ``meeting_place_candidate`` categories, public, not individuals, not already meeting
        places) as EPSG:4326 points with their meeting-place attributes; the activities, the
        completeness and groups per area; notes for the user.

    Raises
    ------
    CoverageError
        The workspace has no walking network, no boundaries or no population.
    assetmap.errors.InputError
        The category catalogue cannot be read.
    """
    # A city's network and residents are hundreds of thousands of long-lived objects: the cycle
    # collector would walk them again and again while they are made.
    with cycle_collection_paused():
        return _load_inputs(ws, meeting_place_categories, include_private, progress)


def _load_inputs(ws, meeting_place_categories: tuple[str, ...] | None, include_private: bool,
                 progress) -> CoverageInputs:
    _report(progress, N_("progress_network"))
    boundaries = ws.boundaries()
    key = placement_key(ws, boundaries)
    network, kept = _kept_network(ws, key)
    if network is None:  # not kept yet (see save_demand_placement), or out of date: built from the layers
        network = build_network(*ws.walk_network())
    _report(progress, N_("progress_demand"))
    areas = analysis_areas(boundaries, ws.study_area())
    cached = _cached_placement(ws, key, network, areas, kept)
    if cached is not None:  # placed before (see save_demand_placement): the slow part is skipped
        demand, demand_snap = cached
    else:
        demand = demand_points(areas, ws.buildings())
        _report(progress, N_("progress_snap"))
        demand_snap = snap(network, shapely.get_coordinates(demand.geometry.array))
    assets = ws.assets()
    counted = tuple(categories.meeting_place_categories() if meeting_place_categories is None
                    else meeting_place_categories)
    places = _points(meeting_places(assets, counted, public_only=not include_private))
    public = (assets["visibility"] == "public").fillna(False) & assets["consent"].fillna(False).astype(bool)
    candidates = _points(assets[assets["category"].isin(categories.candidate_categories()) & public
                                & ~assets["id"].isin(places["id"]) & (assets["building_block"] != "individual")])
    notes = []
    unreachable = int(demand.loc[~demand_snap.reachable, "population"].sum())
    if unreachable:
        notes.append(Message("note_unreachable", count=unreachable, distance=f"{settings.MAX_SNAP_DISTANCE_M:.0f}"))
    if places.empty:
        notes.append(Message("note_no_meeting_places"))
    activities = ws.activities() if hasattr(ws, "activities") else None
    completeness, groups = area_profiles(areas, boundaries, assets, activities, counted)
    return CoverageInputs(network, areas, demand, demand_snap, places, candidates, notes, activities,
                          completeness, groups, key)


#: Meeting-place attributes the filters read, kept with every site.
PLACE_ATTRIBUTES = ("building_block", "opening_hours", "access", "scale", "capacity", "target_groups")



#: Table in which :func:`save_demand_placement` keeps the residents placed on the network.
PLACEMENT_TABLE = "coverage_demand"


#: Table in which :func:`save_demand_placement` keeps the walking network as built (RD New arrays).
NETWORK_TABLE = "coverage_network_arrays"
#: Where an earlier version kept it, as base64 text: emptied when the placement is kept again.
_OLD_NETWORK_TABLE = "coverage_network"

_NETWORK_PART = 8_000_000  # bytes per row of NETWORK_TABLE


def placement_key(ws, boundaries: gpd.GeoDataFrame) -> str:
    """A fingerprint of what the demand placement and the built network depend on.

    The imports recorded in the workspace (every OSM or boundaries import logs one), the number of
    walking-network nodes and edges, the boundaries' codes and population, and the settings
    used. It reads no network, so a kept network is found without reading the layers.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The open workspace (its ``sources`` and the number of rows of its layers are read).
    boundaries : geopandas.GeoDataFrame
        The boundaries as read.

    Returns
    -------
    str
        16 hexadecimal characters; another key means the stored placement is out of date.
    """
    import hashlib
    import json

    sources = ws.sources()
    imports = sources[sources["name"] != "workshop"].astype(str).to_numpy().tolist() if len(sources) else []
    counts = ws.counts(("walk_nodes", "walk_edges"))
    population = pd.to_numeric(boundaries.get("population", pd.Series(dtype=float)), errors="coerce")
    text = json.dumps([imports, counts.get("walk_nodes", 0), counts.get("walk_edges", 0),
                       sorted(boundaries["code"].astype(str)) if len(boundaries) else [],
                       float(population.fillna(-1).sum()), settings.DEMAND_GRID_M, settings.MAX_SNAP_DISTANCE_M,
                       MIN_COMPONENT_NODES, MIN_COMPONENT_SHARE], default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _kept_parts(inputs: CoverageInputs) -> list[bytes]:
    """The built network and the placed residents as a NumPy archive, cut into rows (a binary column).

    One archive read back in one go is much faster than rows of a table.
    """
    import io

    network, demand, placed = inputs.network, inputs.demand, inputs.demand_snap
    codes, code_index = np.unique(demand["buurt_code"].astype(str).to_numpy(dtype=str), return_inverse=True)
    methods, method_index = np.unique(demand["method"].astype(str).to_numpy(dtype=str), return_inverse=True)
    buffer = io.BytesIO()
    matrix = network.matrix
    np.savez(buffer, node_ids=network.node_ids, node_xy=network.node_xy, data=matrix.data, indices=matrix.indices,
             indptr=matrix.indptr, edge_u=network.edge_u, edge_v=network.edge_v, edge_length=network.edge_length,
             coordinates=network.edge_coordinates, vertices=network.edge_vertices, snappable=network.snappable,
             codes=codes, code_index=code_index, methods=methods, method_index=method_index,
             population=demand["population"].to_numpy(dtype=np.int64),
             demand_xy=shapely.get_coordinates(demand.geometry.array), demand_lonlat=_demand_lonlat(demand),
             edge=placed.edge, offset=placed.offset,
             to_u=placed.to_u, to_v=placed.to_v)
    data = buffer.getvalue()
    return [data[i:i + _NETWORK_PART] for i in range(0, len(data), _NETWORK_PART)]


def _demand_lonlat(demand: gpd.GeoDataFrame) -> np.ndarray:
    """(n, 2) EPSG:4326 coordinates of the demand points: their ``lon``/``lat`` where kept, else reprojected."""
    if "lon" in demand.columns and "lat" in demand.columns:
        return np.column_stack([demand["lon"].to_numpy(dtype=float), demand["lat"].to_numpy(dtype=float)])
    return shapely.get_coordinates(demand.geometry.to_crs(settings.STORAGE_CRS).array)


def _kept_network(ws, key: str) -> tuple[WalkNetwork | None, dict | None]:
    """The network and the arrays of the placed residents kept for this very ``key``; else (None, None)."""
    import io

    if NETWORK_TABLE not in ws.tables():
        return None, None
    frame = ws.read_table(NETWORK_TABLE)
    if frame.empty or (frame["placement_key"] != key).any():
        return None, None
    raw = b"".join(frame.sort_values("part")["data"].tolist())
    with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
        a = {name: arrays[name] for name in arrays.files}
    n = len(a["node_ids"])
    matrix = sparse.csr_matrix((a["data"], a["indices"], a["indptr"]), shape=(n, n))
    # The lines are made when first needed: a reopened page snaps only its meeting places.
    network = WalkNetwork(a["node_ids"], a["node_xy"], matrix, a["edge_u"], a["edge_v"], a["edge_length"],
                          a["coordinates"], a["vertices"].astype(np.int64), a["snappable"])
    return network, a


def save_demand_placement(ws, inputs: CoverageInputs) -> None:
    """Keep the residents placed on the network, and the network as built, so that the next :func:`load_inputs` skips both.

    Spreading residents over homes, placing them on the network and building the network from
    its layers are most of the time of :func:`load_inputs` on a large area; with both kept
    (tables :data:`PLACEMENT_TABLE` and :data:`NETWORK_TABLE`), reopening the coverage page reads
    them back instead. They are used only while :func:`placement_key` is unchanged (no new import
    of OSM data or boundaries since).

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace; its actor must be a ``coordinator``.
    inputs : CoverageInputs
        From :func:`load_inputs` on this workspace.

    Returns
    -------
    None
    """
    demand, placed = inputs.demand, inputs.demand_snap
    xy = shapely.get_coordinates(demand.geometry.array)
    frame = pd.DataFrame({"buurt_code": demand["buurt_code"].astype(str).to_numpy(),
                          "population": demand["population"].to_numpy(dtype=np.int64),
                          "method": demand["method"].astype(str).to_numpy(), "x_rd": xy[:, 0], "y_rd": xy[:, 1],
                          "edge": placed.edge, "offset_m": np.where(placed.reachable, placed.offset, -1.0),
                          "to_u_m": placed.to_u, "to_v_m": placed.to_v, "placement_key": inputs.placement_key})
    parts = _kept_parts(inputs)
    network = pd.DataFrame({"placement_key": inputs.placement_key, "part": np.arange(len(parts), dtype=np.int64),
                            "data": parts})
    with ws.transaction():
        ws.save_result(PLACEMENT_TABLE, frame, "residents placed on the walking network (assetmap coverage)")
        ws.save_result(NETWORK_TABLE, network, "the walking network as built for coverage (assetmap coverage)")
        if _OLD_NETWORK_TABLE in ws.tables():  # base64 text of an earlier version: its rows are no use now
            ws.save_result(_OLD_NETWORK_TABLE, pd.DataFrame({"placement_key": pd.Series(dtype="string")}))


def _cached_placement(ws, key: str, network: WalkNetwork, areas: gpd.GeoDataFrame, kept: dict | None = None):
    """The stored demand points and their snap, when they were stored for this very ``key``; else None.

    Read from the arrays kept with the network (``kept``, already checked against ``key``) when
    there are any, else from :data:`PLACEMENT_TABLE`.
    """
    if kept is not None and "codes" in kept:
        codes = kept["codes"].astype(object)[kept["code_index"]]
        edge = kept["edge"]
        if not np.isin(kept["codes"], areas["buurt_code"].astype(str).to_numpy(dtype=str)).all() \
                or (edge >= len(network.edge_u)).any():
            return None
        columns = {"buurt_code": codes, "population": kept["population"],
                   "method": kept["methods"].astype(object)[kept["method_index"]]}
        if "demand_lonlat" in kept:  # kept since 2026-11: drawing the gaps needs no reprojection
            columns |= {"lon": kept["demand_lonlat"][:, 0], "lat": kept["demand_lonlat"][:, 1]}
        demand = gpd.GeoDataFrame(columns, geometry=shapely.points(kept["demand_xy"]), crs=settings.METRIC_CRS)
        return demand, Snap(edge, kept["offset"], kept["to_u"], kept["to_v"])
    if PLACEMENT_TABLE not in ws.tables():
        return None
    frame = ws.read_table(PLACEMENT_TABLE)
    if frame.empty or (frame["placement_key"] != key).any() or not frame["buurt_code"].isin(areas["buurt_code"]).all() \
            or (frame["edge"] >= len(network.edge_u)).any():
        return None
    demand = gpd.GeoDataFrame({"buurt_code": frame["buurt_code"].astype(str).to_numpy(),
                               "population": frame["population"].to_numpy(dtype=np.int64),
                               "method": frame["method"].astype(str).to_numpy()},
                              geometry=shapely.points(frame[["x_rd", "y_rd"]].to_numpy(dtype=float)),
                              crs=settings.METRIC_CRS)
    edge = frame["edge"].to_numpy(dtype=np.int64)
    offset = frame["offset_m"].to_numpy(dtype=float)
    return demand, Snap(edge, np.where(edge >= 0, offset, np.inf), frame["to_u_m"].to_numpy(dtype=float),
                        frame["to_v_m"].to_numpy(dtype=float))


def _report(progress, stage: str, done: int = 0, total: int | None = None) -> None:
    if progress is not None:
        progress(stage, done, total)


def _points(assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sites as points (polygons by a point inside them), EPSG:4326, with their meeting-place attributes."""
    frame = assets[["id", "name", "category"] + [c for c in PLACE_ATTRIBUTES if c in assets.columns]
                   + ["geometry"]].copy()
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    metric = frame.geometry.to_crs(settings.METRIC_CRS)
    frame["geometry"] = metric.representative_point().to_crs(settings.STORAGE_CRS)
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry="geometry", crs=settings.STORAGE_CRS)


def site_points(lon_lat) -> gpd.GeoDataFrame:
    """New (hypothetical) meeting places, for what-if questions.

    Parameters
    ----------
    lon_lat : iterable of (float, float)
        ``[(lon, lat), ...]`` in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points with ``id`` None, ``name`` ``new meeting place``, ``category`` ``new``.
    """
    coords = np.asarray(list(lon_lat), dtype=float).reshape(-1, 2)
    return gpd.GeoDataFrame({"id": [None] * len(coords), "name": ["new meeting place"] * len(coords),
                             "category": ["new"] * len(coords)},
                            geometry=shapely.points(coords), crs=settings.STORAGE_CRS)


def _snap_sites(inputs: CoverageInputs, sites: gpd.GeoDataFrame) -> Snap:
    return _snap_sites_raw(inputs.network, sites)


def _snap_sites_raw(network: WalkNetwork, sites: gpd.GeoDataFrame) -> Snap:
    return snap(network, shapely.get_coordinates(sites.geometry.to_crs(settings.METRIC_CRS).array))


# --------------------------------------------------------------------------- filters

@dataclass(frozen=True)
class PlaceFilters:
    """Which meeting places count: by time, access and target group (see the module docstring).

    Build it with :func:`place_filters`, which checks the values.

    Parameters
    ----------
    when : str or None
        A window in the week (``We 19:00``, ``Tu 19:00-21:00``); None counts places whatever
        their hours.
    access : str or None
        One of :data:`~assetmap.layers.schema.ACCESS_VALUES`; None counts every access.
    group : str or None
        One of :data:`~assetmap.layers.schema.TARGET_GROUPS`; None counts places for anyone.
    window : assetmap.layers.hours.Window or None
        ``when`` read as stretches of time in the week it was read for.
    """

    when: str | None = None
    access: str | None = None
    group: str | None = None
    window: hours.Window | None = field(default=None, compare=False, repr=False)

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.when or self.access or self.group)

    def to_dict(self) -> dict:
        """The filters as JSON-ready data: ``when``, ``access`` and ``group`` (None where not set)."""
        return {"when": self.when, "access": self.access, "group": self.group}


def place_filters(when: str | None = None, access: str | None = None, group: str | None = None,
                  week_of=None) -> PlaceFilters:
    """Check and build the place filters.

    Parameters
    ----------
    when : str, optional
        A window such as ``We 19:00`` or ``Tu 19:00-21:00`` (see
        :func:`assetmap.layers.hours.parse_window`); empty means any time.
    access : str, optional
        ``walk_in``, ``by_appointment`` or ``rent_only``; empty means any access.
    group : str, optional
        ``everyone``, ``youth``, ``older_people``, ``parents`` or ``newcomers``; empty means
        any group.
    week_of : datetime.date, optional
        The week ``when`` is read in (today's by default).

    Returns
    -------
    PlaceFilters
        The checked filters.

    Raises
    ------
    CoverageError
        ``when_invalid`` for a window that cannot be read, ``value_not_allowed`` for an access or
        group outside the lists; every problem at once.
    """
    problems = []
    window = None
    when = (when or "").strip() or None
    access = (access or "").strip() or None
    group = (group or "").strip() or None
    if when:
        try:
            window = hours.parse_window(when, week_of)
        except InputError as exc:
            problems.extend(exc.problems)
    for column, value, allowed in (("access", access, ACCESS_VALUES), ("group", group, TARGET_GROUPS)):
        if value is not None and value not in allowed:
            problems.append(Problem("value_not_allowed", "fix_use_one_of", column=column, value=value,
                                    allowed=", ".join(allowed)))
    if problems:
        raise CoverageError(problems)
    return PlaceFilters(when, access, group, window)


def filter_speed(filters: PlaceFilters | None, speed_kmh: float | None) -> float | None:
    """The walking speed to use: the one asked for, else the slow profile for older people.

    Parameters
    ----------
    filters : PlaceFilters or None
        The filters.
    speed_kmh : float or None
        A speed the user chose (km/h); None for the default.

    Returns
    -------
    float or None
        ``speed_kmh`` when given; ``settings.SLOW_WALK_SPEED_KMH`` for the group
        ``older_people``; else None (the analysis then reads ``settings.WALK_SPEED_KMH``).
    """
    if speed_kmh is not None:
        return speed_kmh
    if filters is not None and filters.group == "older_people":
        return float(settings.SLOW_WALK_SPEED_KMH)
    return None


def filter_places(places: gpd.GeoDataFrame, activities: pd.DataFrame | None,
                  filters: PlaceFilters | None) -> tuple[gpd.GeoDataFrame, dict]:
    """The meeting places that count under ``filters``, and what was left out.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Meeting places with ``id`` and, where known, ``opening_hours``, ``access`` and
        ``target_groups`` (as :attr:`CoverageInputs.meeting_places`).
    activities : pandas.DataFrame or None
        Activities (``asset_id``, ``recurring_time``, ``target_group``, ``walk_in``).
    filters : PlaceFilters or None
        The filters; None or none set keeps every place.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, dict)
        The places kept (a filtered view, same columns) and counts: ``places`` (before),
        ``counted`` (kept) and ``hours_unknown`` (places whose opening hours are missing or cannot
        be read: left out under ``when`` unless an activity runs then).
    """
    known = np.array([hours.hours_known(v) for v in _column(places, "opening_hours")], dtype=bool)
    counts = {"places": int(len(places)), "counted": int(len(places)), "hours_unknown": int((~known).sum())}
    if filters is None or not filters.active or places.empty:
        return places, counts
    by_place: dict = {}
    if activities is not None and len(activities):
        for row in activities.itertuples(index=False):
            by_place.setdefault(row.asset_id, []).append(row)
    keep = []
    for place, hours_text, access, groups in zip(places["id"], _column(places, "opening_hours"),
                                                 _column(places, "access"), _column(places, "target_groups")):
        keep.append(_place_counts(filters, hours_text, access, groups)
                    or any(_activity_counts(filters, a) for a in by_place.get(place, ())))
    keep = np.array(keep, dtype=bool)
    counts["counted"] = int(keep.sum())
    return places[keep], counts


def _place_counts(filters: PlaceFilters, hours_text, access, groups) -> bool:
    if filters.access and _plain(access) != filters.access:
        return False
    if filters.group:
        recorded = target_group_list(_plain(groups)) or ("everyone",)
        if filters.group not in recorded and "everyone" not in recorded:
            return False
    if filters.window is not None:
        try:
            return hours.open_in(hours.parse_hours(_plain(hours_text)), filters.window)
        except ValueError:
            return False  # hours unknown
    return True


def _activity_counts(filters: PlaceFilters, activity) -> bool:
    """An activity makes its place count while it runs, for its group, walk-in when it is."""
    if filters.access and not (filters.access == "walk_in" and _plain(activity.walk_in) is True):
        return False
    group = _plain(activity.target_group) or "everyone"
    if filters.group and group not in (filters.group, "everyone"):
        return False
    try:
        expression = hours.parse_hours(_plain(activity.recurring_time))
    except ValueError:
        return False
    if expression is None:
        return False
    return hours.open_in(expression, filters.window) if filters.window is not None else True


def _column(frame: pd.DataFrame, name: str) -> list:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return bool(value) if isinstance(value, np.bool_) else value


# --------------------------------------------------------------------------- completeness and groups

def area_profiles(areas: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, assets: gpd.GeoDataFrame,
                  activities: pd.DataFrame | None, meeting_place_categories: tuple[str, ...] = ()
                  ) -> tuple[dict, dict]:
    """How complete the mapping of each area is, and which groups its mapped places serve.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        From :func:`analysis_areas` (``buurt_code`` holds the area's CBS code, ``level``).
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries, with the CBS age groups
        (:data:`~assetmap.layers.schema.AGE_GROUP_FIELDS`, % of residents).
    assets : geopandas.GeoDataFrame
        The assets the reader may see, with ``buurt_code``/``wijk_code``, ``building_block``,
        ``source``, ``updated_at``, ``target_groups``.
    activities : pandas.DataFrame or None
        Activities the reader may see.
    meeting_place_categories : tuple of str
        Categories that count as meeting places besides those marked.

    Returns
    -------
    tuple of (dict, dict)
        Per area code: completeness (``assets`` per building block, ``total``,
        ``last_entry`` — the latest workshop or import entry or activity, ISO date or None — and
        ``possibly_unmapped``: no entry from a workshop or import) and groups (``age_groups``: %
        of residents per CBS age group, None where CBS gives none; ``served``: number of mapped
        associations and meeting places per target group, ``not_recorded`` for those that name none).
    """
    level = str(areas["level"].iloc[0]) if len(areas) else "buurt"
    column = "buurt_code" if level == "buurt" else "wijk_code" if level == "wijk" else "gemeente_code"
    codes = list(areas["buurt_code"])
    own = assets[assets[column].isin(codes).fillna(False).to_numpy()] if column in assets.columns else assets.iloc[:0]
    local = own["source"].isin(["workshop", "import"]).fillna(False).to_numpy()
    acts = activities if activities is not None and len(activities) else None
    act_area = {}
    if acts is not None:
        area_of = dict(zip(own["id"], own[column]))
        for asset_id, created in zip(acts["asset_id"], acts["created_at"]):
            if asset_id in area_of and isinstance(created, str):
                act_area.setdefault(area_of[asset_id], []).append(created)
    marked = own["is_meeting_place"].fillna(False).astype(bool) if "is_meeting_place" in own.columns \
        else pd.Series(False, index=own.index)
    is_serving = (marked | own["category"].isin(meeting_place_categories).fillna(False)
                  | (own["building_block"] == "association").fillna(False)).to_numpy(dtype=bool)
    # Each area's rows by position, found once (not one comparison of all assets per area).
    own = own.reset_index(drop=True)
    rows_of = own.groupby(column, sort=False).indices if len(own) else {}
    block_of = pd.Categorical(own["building_block"], categories=list(BUILDING_BLOCKS)).codes
    updated = own["updated_at"].astype(object).to_numpy()
    target_groups = own["target_groups"].astype(object).to_numpy() if len(own) else np.array([], dtype=object)
    ages = _age_rows(boundaries)
    nothing = np.array([], dtype=np.int64)
    completeness, groups = {}, {}
    for code in codes:
        rows = rows_of.get(code, nothing)
        counts = np.bincount(block_of[rows][block_of[rows] >= 0], minlength=len(BUILDING_BLOCKS))
        mine = updated[rows[local[rows]]]
        dates = [str(d) for d in mine[~pd.isna(mine)]] + act_area.get(code, [])
        completeness[code] = {
            "assets": {b: int(counts[i]) for i, b in enumerate(BUILDING_BLOCKS)}, "total": int(len(rows)),
            "last_entry": max(dates)[:10] if dates else None, "possibly_unmapped": not dates}
        served = {g: 0 for g in TARGET_GROUPS}
        served["not_recorded"] = 0
        for value in target_groups[rows[is_serving[rows]]]:
            recorded = target_group_list(_plain(value))
            for group in recorded:
                served[group] += 1
            served["not_recorded"] += 0 if recorded else 1
        groups[code] = {"age_groups": ages.get(code) or {f: None for f in AGE_GROUP_FIELDS}, "served": served}
    return completeness, groups


def _age_rows(boundaries: gpd.GeoDataFrame) -> dict:
    """Per boundary code, the CBS age groups (% of residents; None where CBS gives none)."""
    if not len(boundaries):
        return {}
    columns = {f: boundaries[f].astype(object).to_numpy() if f in boundaries.columns else None
               for f in AGE_GROUP_FIELDS}
    out = {}
    for i, code in enumerate(boundaries["code"].tolist()):
        if code not in out:
            out[code] = {f: (None if values is None or pd.isna(values[i]) else float(values[i]))
                         for f, values in columns.items()}
    return out


# --------------------------------------------------------------------------- coverage

@dataclass
class CoverageResult:
    """Coverage for one walking time and speed (see :func:`compute_coverage`).

    The per-area table and the figures are computed at once; the layers with geometry
    (``areas``, ``gaps``, ``points``) are built when first read, since a slider move in the app
    or a what-if needs only the figures.

    Parameters
    ----------
    minutes : float
        Walking minutes that counted as nearby.
    speed_kmh : float
        Walking speed used, in km/h.
    meeting_places : geopandas.GeoDataFrame
        The meeting places counted (EPSG:4326 points), after any removed or added.
    notes : list of assetmap.messages.Message
        The notes of the inputs (see :class:`CoverageInputs`).
    filters : dict
        The filters applied (``when``, ``access``, ``group``; None where not set).
    place_counts : dict
        ``places`` (meeting places before the filters), ``counted`` and ``hours_unknown`` (see
        :func:`filter_places`).
    completeness : dict
        Per area code, how complete the mapping is (see :func:`area_profiles`).
    groups : dict
        Per area code, the CBS age groups and the target groups served (see :func:`area_profiles`).

    Attributes
    ----------
    areas : geopandas.GeoDataFrame
        EPSG:4326 polygons with :data:`AREA_COLUMNS`, most uncovered residents first.
    gaps : geopandas.GeoDataFrame
        EPSG:4326 demand points beyond ``minutes`` (unreachable ones too): ``buurt_code``,
        ``population`` and ``walk_minutes`` (NaN where unreachable).
    points : geopandas.GeoDataFrame
        EPSG:4326, every demand point: ``buurt_code``, ``population``, ``walk_minutes`` (NaN
        where unreachable) and ``covered``.
    """

    minutes: float
    speed_kmh: float
    meeting_places: gpd.GeoDataFrame  # the meeting places counted
    notes: list[Message]
    filters: dict = field(default_factory=lambda: PlaceFilters().to_dict())
    place_counts: dict = field(default_factory=dict)
    completeness: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    _table: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)
    _order: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _walk_minutes: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _covered: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _shared: object = field(default=None, init=False, repr=False, compare=False)

    @cached_property
    def areas(self) -> gpd.GeoDataFrame:
        """EPSG:4326 polygons with :data:`AREA_COLUMNS`, most uncovered residents first."""
        return gpd.GeoDataFrame(self._table.copy(), geometry=self._shared.area_geometry()[self._order],
                                crs=settings.STORAGE_CRS)

    @cached_property
    def points(self) -> gpd.GeoDataFrame:
        """EPSG:4326, every demand point: ``buurt_code``, ``population``, ``walk_minutes`` and ``covered``."""
        return self._point_frame(slice(None), with_covered=True)

    @cached_property
    def gaps(self) -> gpd.GeoDataFrame:
        """EPSG:4326 demand points beyond the minutes (unreachable ones too), without ``covered``."""
        return self._point_frame(~self._covered, with_covered=False)

    @cached_property
    def gap_coordinates(self) -> pd.DataFrame:
        """The gaps as a plain table for drawing: ``lon``, ``lat`` (EPSG:4326) and ``walk_minutes``
        (NaN where unreachable), in the order of ``gaps``, without a point object per row."""
        rows = ~self._covered
        lonlat = self._shared.point_lonlat(rows)
        walk = self._walk_minutes[rows]
        return pd.DataFrame({"lon": lonlat[:, 0], "lat": lonlat[:, 1],
                             "walk_minutes": np.where(np.isfinite(walk), np.round(walk, 2), np.nan)})

    def _point_frame(self, rows, with_covered: bool) -> gpd.GeoDataFrame:
        shared, walk = self._shared, self._walk_minutes
        frame = {"buurt_code": shared.point_code[rows], "population": shared.population[rows],
                 "walk_minutes": np.where(np.isfinite(walk), np.round(walk, 2), np.nan)[rows]}
        if with_covered:
            frame["covered"] = self._covered[rows]
        return gpd.GeoDataFrame(frame, geometry=shared.point_geometry(rows), crs=settings.STORAGE_CRS)

    def __getstate__(self) -> dict:
        """Pickled (``st.cache_data``) with its layers built, and without the inputs it was computed from."""
        for name in ("areas", "points", "gaps", "gap_coordinates"):
            getattr(self, name)
        state = dict(self.__dict__)
        state["_shared"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        """Restore a pickled result (see :meth:`__getstate__`)."""
        self.__dict__.update(state)

    @property
    def buurten(self) -> pd.DataFrame:
        """The per-area table without geometry (:data:`AREA_COLUMNS`)."""
        return self._table.copy()

    @property
    def total(self) -> dict:
        """``population``, ``covered_population`` and ``coverage_pct`` over all areas."""
        population = int(self._table["population"].sum())
        covered = int(self._table["covered_population"].sum())
        return {"population": population, "covered_population": covered,
                "coverage_pct": _pct(covered, population)}

    def to_dict(self) -> dict:
        """The result as plain JSON-ready data (minutes, speed, total and one row per area).

        The contract of ``assetmap coverage --json`` (version 2): each area says its ``level``
        (``buurt``, or ``wijk`` where the workspace has no buurten with population) and its CBS
        ``code``. The key ``buurten`` and the field ``buurt_code`` (the same code) stay for
        readers of version 1.

        Additions within version 2 (new top-level keys only; the rows of ``buurten`` are as
        before): ``filters`` (the filters applied, None where not set), ``hours_unknown`` (meeting
        places whose opening hours are missing or unreadable), ``places`` (``places``,
        ``counted``, ``hours_unknown``), ``completeness`` (over all areas, with ``per_area`` by
        code) and ``groups`` (by code: CBS age groups and the target groups served; see
        :func:`area_profiles`).

        Returns
        -------
        dict
            ``contract``, ``minutes``, ``speed_kmh``, ``level``, ``total``, ``filters``,
            ``hours_unknown``, ``places``, ``completeness``, ``groups`` and ``buurten`` (one row
            per area; NaN minutes as None).
        """
        rows = []
        for row in self.buurten.itertuples():
            rows.append({"level": row.level, "code": row.buurt_code,
                         "buurt_code": row.buurt_code, "name": row.name, "population": int(row.population),
                         "covered_population": int(row.covered_population), "coverage_pct": row.coverage_pct,
                         "median_minutes": _json_number(row.median_minutes),
                         "p90_minutes": _json_number(row.p90_minutes)})
        levels = sorted({r["level"] for r in rows})
        return {"contract": 2, "minutes": self.minutes, "speed_kmh": self.speed_kmh,
                "level": levels[0] if len(levels) == 1 else None, "total": self.total,
                "filters": dict(self.filters), "hours_unknown": int(self.place_counts.get("hours_unknown", 0)),
                "places": dict(self.place_counts),
                "completeness": {**self.completeness_summary, "per_area": {r["code"]: self.completeness.get(r["code"])
                                                                         for r in rows}},
                "groups": {r["code"]: self.groups.get(r["code"]) for r in rows}, "buurten": rows}

    @property
    def completeness_summary(self) -> dict:
        """Mapping completeness over all areas: ``assets`` per building block, ``total``,
        ``last_entry`` (ISO date or None), ``areas`` and ``possibly_unmapped_areas`` (codes of the
        areas without any workshop or import entry: an empty area may simply be unmapped)."""
        parts = list(self.completeness.values())
        dates = [p["last_entry"] for p in parts if p.get("last_entry")]
        return {"assets": {b: sum(p["assets"][b] for p in parts) for b in BUILDING_BLOCKS},
                "total": sum(p["total"] for p in parts), "last_entry": max(dates) if dates else None,
                "areas": len(parts),
                "possibly_unmapped_areas": sorted(c for c, p in self.completeness.items() if p["possibly_unmapped"])}


class _Shared:
    """What every result of one :class:`CoverageInputs` shares: demand → area groups, tables, geometry in EPSG:4326."""

    def __init__(self, inputs: CoverageInputs):
        areas, demand = inputs.areas, inputs.demand
        self.area_group, unique = pd.factorize(areas["buurt_code"].to_numpy())
        self.group_count = len(unique)
        self.point_code = demand["buurt_code"].to_numpy()
        self.point_group = pd.Index(unique).get_indexer(self.point_code)  # -1: in no area (left out of the table)
        self.population = demand["population"].to_numpy(dtype=np.int64)
        table = pd.DataFrame(areas[["buurt_code", "name", "level", "population"]]).reset_index(drop=True)
        self.area_columns = {c: table[c].array for c in ("buurt_code", "name", "level")}
        self.area_population = table["population"].to_numpy(dtype=np.int64)
        self.code_rank = np.unique(table["buurt_code"].astype(str).to_numpy(dtype=object), return_inverse=True)[1]
        self._area_rd, self._point_rd = areas.geometry.array, demand.geometry.array
        self._point_lonlat = _demand_lonlat(demand) if "lon" in demand.columns else None
        self._area_geometry = None
        self._point_geometry = np.empty(len(self._point_rd), dtype=object)  # filled as layers need them
        self._point_done = np.zeros(len(self._point_rd), dtype=bool)

    def area_geometry(self) -> np.ndarray:
        if self._area_geometry is None:  # reprojected once, when a layer is first drawn or saved
            self._area_geometry = gpd.GeoSeries(self._area_rd, crs=settings.METRIC_CRS).to_crs(
                settings.STORAGE_CRS).to_numpy()
        return self._area_geometry

    def point_lonlat(self, rows) -> np.ndarray:
        """(k, 2) EPSG:4326 coordinates of the points of ``rows``: as kept, else of :meth:`point_geometry`."""
        if self._point_lonlat is not None:
            return self._point_lonlat[rows]
        return shapely.get_coordinates(self.point_geometry(rows))

    def point_geometry(self, rows) -> np.ndarray:
        """The points of ``rows`` in EPSG:4326; each is made once, when a layer first needs it."""
        need = np.zeros(len(self._point_rd), dtype=bool)
        need[rows] = True
        need &= ~self._point_done
        if need.any():  # e.g. only the gaps of the first result drawn, not every resident
            if self._point_lonlat is not None:  # kept with the placement: no reprojection
                self._point_geometry[need] = shapely.points(self._point_lonlat[need])
            else:
                self._point_geometry[need] = gpd.GeoSeries(self._point_rd[need], crs=settings.METRIC_CRS).to_crs(
                    settings.STORAGE_CRS).to_numpy()
            self._point_done[need] = True
        return self._point_geometry[rows]


class _Prepared:
    """Everything a recompute reuses, built once per :class:`CoverageInputs` (see :func:`_prepared`).

    The network matrix gets one extra row, for a virtual source joined to every meeting place;
    a recompute writes only that row's entries into spare room at the end of the arrays, so the
    matrix is never rebuilt. Demand points keep their edge ends and offsets; meeting places their
    snap and whether their opening hours can be read.
    """

    def __init__(self, inputs: CoverageInputs):
        network, targets = inputs.network, inputs.demand_snap
        n = self.n = network.size
        self.network = network
        # Built as distances_from_sites builds it (same entry order, so the same sums in Dijkstra).
        marker = sparse.csr_matrix(([1.0], ([n], [0])), shape=(n + 1, n + 1))
        base = sparse.bmat([[network.matrix, None], [None, sparse.csr_matrix((1, 1))]], format="csr") + marker
        self._nnz = int(base.indptr[n])
        self._indptr = base.indptr.copy()
        self._data = np.empty(self._nnz + 256)
        self._indices = np.empty(self._nnz + 256, dtype=base.indices.dtype)
        self._data[:self._nnz] = base.data[:self._nnz]
        self._indices[:self._nnz] = base.indices[:self._nnz]
        self._lock = threading.Lock()  # the spare room is shared: one Dijkstra at a time per inputs
        ok = self.ok = targets.reachable
        edge = targets.edge[ok]
        self.target_u, self.target_v = network.edge_u[edge], network.edge_v[edge]
        self.to_u, self.to_v, self.offset = targets.to_u[ok], targets.to_v[ok], targets.offset[ok]
        self.by_edge = np.argsort(edge, kind="stable")
        self.sorted_edge = edge[self.by_edge]
        self.places = inputs.meeting_places
        self.place_snaps = _snap_sites(inputs, self.places)
        self._hours_known = None
        self.shared = _Shared(inputs)

    def _positions(self, places: gpd.GeoDataFrame) -> np.ndarray | None:
        """Rows of ``places`` in the inputs' meeting places, or None when they are not all from there."""
        index = self.places.index
        if places is self.places:
            return np.arange(len(index))
        if not index.is_unique or not places.index.isin(index).all():
            return None
        at = index.get_indexer(places.index)
        # The same rows only when they hold the very same geometry objects (a filtered view does).
        mine = self.places.geometry.array.to_numpy()[at]
        theirs = places.geometry.array.to_numpy()
        same = np.fromiter(map(id, mine), dtype=np.int64, count=len(at)) == \
            np.fromiter(map(id, theirs), dtype=np.int64, count=len(at))
        return at if same.all() else None

    def place_snap(self, places: gpd.GeoDataFrame) -> Snap:
        """The snap of meeting places taken from the inputs (filtered or not), without snapping again."""
        at = self._positions(places)
        if at is None:
            return _snap_sites_raw(self.network, places)
        snapped = self.place_snaps
        return Snap(snapped.edge[at], snapped.offset[at], snapped.to_u[at], snapped.to_v[at])

    def hours_known(self, places: gpd.GeoDataFrame) -> np.ndarray:
        """Per place, whether its opening hours can be read (:func:`assetmap.layers.hours.hours_known`)."""
        if self._hours_known is None:
            self._hours_known = np.array([hours.hours_known(v) for v in _column(self.places, "opening_hours")],
                                         dtype=bool)
        at = self._positions(places)
        if at is None:
            return np.array([hours.hours_known(v) for v in _column(places, "opening_hours")], dtype=bool)
        return self._hours_known[at]

    def nearest(self, sites: Snap) -> np.ndarray:
        """Walking metres from every demand point to the nearest site (as :func:`distances_from_sites`)."""
        out = np.full(len(self.ok), np.inf)
        live = sites.reachable
        if not live.any():
            return out
        network, n = self.network, self.n
        e, offset, along = sites.edge[live], sites.offset[live], sites.to_u[live]
        columns = np.concatenate([network.edge_u[e], network.edge_v[e]])
        weights = np.maximum(np.concatenate([offset + along, offset + sites.to_v[live]]), 1e-6)
        order = np.lexsort((weights, columns))  # the shortest of parallel entries, by column
        columns, weights = columns[order], weights[order]
        first = np.concatenate([[True], columns[1:] != columns[:-1]])
        columns, weights = columns[first], weights[first]
        k, nnz = len(columns), self._nnz
        with self._lock:
            if len(self._data) < nnz + k:
                self._data = np.concatenate([self._data[:nnz], np.empty(2 * k)])
                self._indices = np.concatenate([self._indices[:nnz], np.empty(2 * k, dtype=self._indices.dtype)])
            self._data[nnz:nnz + k] = weights
            self._indices[nnz:nnz + k] = columns
            self._indptr[n + 1] = nnz + k
            graph = sparse.csr_matrix((self._data[:nnz + k], self._indices[:nnz + k], self._indptr),
                                      shape=(n + 1, n + 1), copy=False)
            dist = csgraph.dijkstra(graph, directed=True, indices=n)
        best = np.minimum(dist[self.target_u] + self.to_u, dist[self.target_v] + self.to_v)
        # A site and a target on the same edge can also meet directly along it.
        low = np.searchsorted(self.sorted_edge, e, side="left")
        many = np.searchsorted(self.sorted_edge, e, side="right") - low
        if many.sum():
            site = np.repeat(np.arange(len(e)), many)
            target = self.by_edge[_ranges(low, many)]
            np.minimum.at(best, target, offset[site] + np.abs(along[site] - self.to_u[target]))
        out[self.ok] = best + self.offset
        return out


_PREPARE_LOCK = threading.Lock()


def _prepared(inputs: CoverageInputs) -> _Prepared:
    """The :class:`_Prepared` of these inputs, built on first use and rebuilt when a part was replaced."""
    parts = (inputs.network, inputs.areas, inputs.demand, inputs.demand_snap, inputs.meeting_places)
    with _PREPARE_LOCK:
        cached = inputs.__dict__.get("_prepared_cache")
        if cached is None or any(a is not b for a, b in zip(cached[0], parts)):
            cached = (parts, _Prepared(inputs))
            inputs.__dict__["_prepared_cache"] = cached
    return cached[1]


def _join_snaps(*parts: Snap) -> Snap:
    """Snaps one after the other (no parts: an empty snap)."""
    if not parts:
        return Snap(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0), np.zeros(0))
    return Snap(*(np.concatenate([getattr(p, name) for p in parts]) for name in ("edge", "offset", "to_u", "to_v")))


def metres_per_minute(speed_kmh: float | None = None) -> float:
    """Walking metres per minute at a speed.

    Parameters
    ----------
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``, read when the function runs.

    Returns
    -------
    float
        Metres per minute (75 at 4.5 km/h).

    Raises
    ------
    CoverageError
        The speed is not a finite number above 0.
    """
    if speed_kmh is None:
        speed_kmh = settings.WALK_SPEED_KMH
    if not speed_kmh or speed_kmh <= 0 or not np.isfinite(speed_kmh):
        raise CoverageError("speed_invalid", "fix_speed", speed=speed_kmh)
    return speed_kmh * 1000.0 / 60.0


def nearest_distances(inputs: CoverageInputs, sites: gpd.GeoDataFrame) -> np.ndarray:
    """Walking metres from every demand point to the nearest of ``sites``.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    sites : geopandas.GeoDataFrame
        Site points (polygons by a point inside), any CRS.

    Returns
    -------
    numpy.ndarray
        One distance in metres per demand point; inf where no site is reachable.
    """
    if sites.empty:
        return np.full(len(inputs.demand), np.inf)
    prepared = _prepared(inputs)
    return prepared.nearest(prepared.place_snap(sites))


def active_meeting_places(inputs: CoverageInputs, remove_ids=(), add_points=None,
                          places: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The meeting places after switching some off (by asset id) and adding new ones.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    remove_ids : iterable of str
        Asset ids of meeting places to leave out.
    add_points : geopandas.GeoDataFrame or iterable of (lon, lat), optional
        New places: a frame (any CRS) or ``[(lon, lat), ...]`` in EPSG:4326.
    places : geopandas.GeoDataFrame, optional
        The places to start from (default: every meeting place of ``inputs``).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points with ``id``, ``name``, ``category`` and the attributes the places have.
    """
    places = inputs.meeting_places if places is None else places
    places = places[~places["id"].isin([] if remove_ids is None else list(remove_ids))]
    if add_points is not None:
        extra = add_points if isinstance(add_points, gpd.GeoDataFrame) else site_points(add_points)
        extra = _points(extra.assign(**{c: extra.get(c) for c in ("id", "name", "category")}))
        places = pd.concat([places, extra.to_crs(settings.STORAGE_CRS)], ignore_index=True)
    return gpd.GeoDataFrame(places, geometry="geometry", crs=settings.STORAGE_CRS)


def compute_coverage(inputs: CoverageInputs, minutes: float | None = None, speed_kmh: float | None = None,
                     remove_ids=(), add_points=None, filters: PlaceFilters | None = None) -> CoverageResult:
    """Walking minutes to the nearest meeting place for every demand point, and the per-area table.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    minutes : float, optional
        Walking minutes that count as nearby; default ``settings.COVERAGE_MINUTES``, read when
        the function runs.
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``, read when the function runs.
    remove_ids : iterable of str
        Meeting places (asset ids) to switch off.
    add_points : geopandas.GeoDataFrame or iterable of (lon, lat), optional
        Meeting places to add (see :func:`active_meeting_places`); they count whatever the filters.
    filters : PlaceFilters, optional
        Count only the places open at a time, of an access or for a group (see
        :func:`place_filters`). The group ``older_people`` walks at the slow speed unless
        ``speed_kmh`` is given.

    Returns
    -------
    CoverageResult
        Areas and points in EPSG:4326, with the minutes, speed and filters used.

    Raises
    ------
    CoverageError
        ``minutes`` or ``speed_kmh`` is not a number above 0.
    """
    minutes = settings.COVERAGE_MINUTES if minutes is None else minutes
    speed_kmh = filter_speed(filters, speed_kmh)
    speed_kmh = settings.WALK_SPEED_KMH if speed_kmh is None else speed_kmh
    if not np.isfinite(minutes) or minutes <= 0:
        raise CoverageError("minutes_invalid", "fix_minutes", minutes=minutes)
    places, counts = filtered_inputs_places(inputs, filters, remove_ids)
    prepared = _prepared(inputs)
    sites = prepared.place_snap(places)
    if add_points is not None:
        kept = places
        places = active_meeting_places(inputs, remove_ids, add_points, places=kept)
        sites = _join_snaps(sites, _snap_sites(inputs, places.iloc[len(kept):]))
    else:
        places = places.copy(deep=False)  # copy-on-write: the caller's changes never reach the inputs
    walk_minutes = prepared.nearest(sites) / metres_per_minute(speed_kmh)
    result = _result(prepared, walk_minutes, float(minutes), float(speed_kmh), places, inputs.notes)
    result.filters = (filters or PlaceFilters()).to_dict()
    result.place_counts = counts
    result.completeness, result.groups = inputs.completeness, inputs.groups
    return result


def filtered_inputs_places(inputs: CoverageInputs, filters: PlaceFilters | None,
                           remove_ids=()) -> tuple[gpd.GeoDataFrame, dict]:
    """The workspace's meeting places that count under ``filters`` (see :func:`filter_places`).

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    filters : PlaceFilters or None
        The filters.
    remove_ids : iterable of str
        Places switched off (not counted in ``places`` either).

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, dict)
        The places kept and the counts of :func:`filter_places`.
    """
    places = inputs.meeting_places
    removed = [] if remove_ids is None else list(remove_ids)
    if removed:
        places = places[~places["id"].isin(removed)]
    if filters is None or not filters.active:  # the opening hours are read once per inputs, not per slider move
        known = _prepared(inputs).hours_known(places)
        return places, {"places": int(len(places)), "counted": int(len(places)), "hours_unknown": int((~known).sum())}
    return filter_places(places, inputs.activities, filters)


def _result(prepared: "_Prepared", walk_minutes, minutes, speed_kmh, places, notes) -> CoverageResult:
    """The per-area table from the minutes of every demand point: sums by bincount, quantiles on one sort."""
    shared = prepared.shared
    population = shared.population
    covered = walk_minutes <= minutes
    reachable = np.isfinite(walk_minutes)
    group, count = shared.point_group, shared.group_count
    inside = group >= 0
    g = group[inside]
    covered_sum = np.bincount(g, weights=np.where(covered, population, 0)[inside], minlength=count)
    unreachable_sum = np.bincount(g, weights=np.where(reachable, 0, population)[inside], minlength=count)
    median, p90 = _group_quantiles(walk_minutes[inside], population[inside], g, count, (0.5, 0.9))
    area = shared.area_group
    population = shared.area_population
    covered_area = covered_sum.astype(np.int64)[area]
    uncovered = population - covered_area
    # Most uncovered first, then by code (as sort_values on both would, stable for equal codes).
    order = np.lexsort((shared.code_rank, -uncovered))
    columns = {"buurt_code": shared.area_columns["buurt_code"].take(order),
               "name": shared.area_columns["name"].take(order), "level": shared.area_columns["level"].take(order),
               "population": population[order], "covered_population": covered_area[order],
               "uncovered_population": uncovered[order],
               "coverage_pct": np.array([_pct(c, p) for c, p in zip(covered_area[order].tolist(),
                                                                   population[order].tolist())], dtype=float),
               "median_minutes": median[area][order], "p90_minutes": p90[area][order],
               "unreachable_population": unreachable_sum.astype(np.int64)[area][order]}
    table = pd.DataFrame(columns)
    result = CoverageResult(minutes, speed_kmh, places, list(notes))
    result._order, result._table = order, table
    result._walk_minutes, result._covered, result._shared = walk_minutes, covered, shared
    return result


def _group_quantiles(values: np.ndarray, weights: np.ndarray, group: np.ndarray, count: int,
                     shares: tuple[float, ...]) -> list[np.ndarray]:
    """Per group, the :func:`_weighted_quantile` of each share, with one sort for all groups.

    Sort by value, then stably by group (a radix sort for small integers), so each group's values
    are in order; the cumulative weights are integers, so "at least q × total" is "at least
    ceil(q × total)", found with one searchsorted over all groups.
    """
    out = [np.full(count, np.nan) for _ in shares]
    if len(values) == 0:
        return out
    order = np.argsort(values, kind="stable")
    small = group.astype(np.int16 if count < 2**15 else np.int32)
    order = order[np.argsort(small[order], kind="stable")]
    cumulative = np.cumsum(weights[order].astype(np.int64))
    sizes = np.bincount(group, minlength=count)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    before = np.where(starts > 0, cumulative[np.maximum(starts - 1, 0)], 0)
    total = np.where(sizes > 0, cumulative[np.maximum(ends - 1, 0)] - before, 0)
    live = np.flatnonzero(total > 0)
    sorted_values = values[order]
    for share, column in zip(shares, out):
        need = np.ceil(share * total[live].astype(float)).astype(np.int64)
        at = np.searchsorted(cumulative, before[live] + need, side="left")
        picked = sorted_values[at]
        column[live] = [round(float(v), 1) if np.isfinite(v) else np.nan for v in picked.tolist()]
    return out


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Smallest value at or below which a share ``q`` of the weight lies; NaN if that is unreachable."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    value = values[order][np.searchsorted(cumulative, q * cumulative[-1], side="left")]
    return round(float(value), 1) if np.isfinite(value) else float("nan")


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _json_number(value):
    return None if value is None or pd.isna(value) else float(value)


# --------------------------------------------------------------------------- suggestions

def coverage_sets(inputs: CoverageInputs, sites: gpd.GeoDataFrame, limit_m: float,
                  progress=None) -> list[np.ndarray]:
    """For each site, the demand points within ``limit_m`` walking metres of it.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    sites : geopandas.GeoDataFrame
        Site points (polygons by a point inside), any CRS.
    limit_m : float
        Walking distance in metres.
    progress : callable, optional
        Called as ``progress(N_("progress_site_reach"), done, total)`` per batch of sites.

    Returns
    -------
    list of numpy.ndarray
        Per site, the indices of the demand points (rows of ``inputs.demand``) within reach.
    """
    snapped = _snap_sites(inputs, sites)
    xy = shapely.get_coordinates(sites.geometry.to_crs(settings.METRIC_CRS).array)
    local = len(xy) == len(sites) and np.isfinite(limit_m)
    # Batches of sites near each other (strips, then west to east): each batch searches only the
    # part of the network its sites can reach, not a row of the whole city per site.
    order = np.lexsort((xy[:, 0], np.floor(xy[:, 1] / _BATCH_STRIP_M))) if local else np.arange(len(sites))
    result: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(sites)
    for start in range(0, len(sites), _SITE_BATCH):
        _report(progress, N_("progress_site_reach"), start, len(sites))
        batch = order[start:start + _SITE_BATCH]
        part = Snap(snapped.edge[batch], snapped.offset[batch], snapped.to_u[batch], snapped.to_v[batch])
        if local:
            network, targets, which = _within_reach(inputs.network, inputs.demand_snap, xy[batch], part.edge,
                                                    limit_m)
        else:
            network, targets, which = inputs.network, inputs.demand_snap, np.arange(len(inputs.demand_snap.edge))
        dist = distances_from_sites(network, part, targets, groups=np.arange(len(batch)), limit=limit_m)
        for site, row in zip(batch, dist):
            result[site] = which[row <= limit_m]
    return result


@dataclass
class _Subnetwork:
    """The part of a :class:`WalkNetwork` that :func:`distances_from_sites` reads: its matrix and the
    edges' end nodes, renumbered; the last node stands for every node left out and is never reached."""

    size: int
    matrix: sparse.csr_matrix
    edge_u: np.ndarray
    edge_v: np.ndarray


def _within_reach(network: WalkNetwork, demand: Snap, points: np.ndarray, edges: np.ndarray, limit_m: float
                  ) -> tuple[_Subnetwork, Snap, np.ndarray]:
    """The nodes around ``points`` (RD New) that a walk of ``limit_m`` metres from one of them can
    reach, the demand points on their edges or on the points' own ``edges``, and those demand
    points' positions in ``demand``.

    Exact: an edge is never shorter than the straight line between its ends, so a walk of at most
    ``limit_m`` never leaves the circle of that radius around its start (the box around the points
    holds every such circle, with a margin for lengths measured otherwise).
    """
    reach = limit_m * 1.01 + 5.0
    low, high = points.min(axis=0) - reach, points.max(axis=0) + reach
    x, y = network.node_xy[:, 0], network.node_xy[:, 1]
    inside = np.flatnonzero((x >= low[0]) & (x <= high[0]) & (y >= low[1]) & (y <= high[1]))
    kept = len(inside)
    number = np.full(network.size, kept, dtype=np.int64)
    number[inside] = np.arange(kept)
    part = network.matrix[inside][:, inside].tocsr()
    matrix = sparse.csr_matrix((part.data, part.indices, np.r_[part.indptr, part.indptr[-1]]),
                               shape=(kept + 1, kept + 1))
    sub = _Subnetwork(kept + 1, matrix, number[network.edge_u], number[network.edge_v])
    edge = np.where(demand.reachable, demand.edge, 0)
    near = demand.reachable & ((sub.edge_u[edge] < kept) | (sub.edge_v[edge] < kept) | np.isin(edge, edges))
    which = np.flatnonzero(near)
    return sub, Snap(demand.edge[which], demand.offset[which], demand.to_u[which], demand.to_v[which]), which


@dataclass
class SiteChoice:
    """The sites a suggestion picks, as :func:`choose_sites` found them.

    Parameters
    ----------
    picks : list of int
        Positions of the chosen sites (in the list of coverage sets), in order: each adds the
        most residents of what the earlier ones left.
    gains : list of int
        Residents each pick adds, in the same order (all above 0).
    method : str
        ``"exact"`` when the integer programme gave the sites (or greedy's picks already reach the
        upper bound, so nothing better exists); ``"greedy"`` when greedy's picks were kept (asked
        for, or the solver found nothing as good within its time limit).
    optimal : bool
        The picks are proven to add the most residents any ``count`` sites could add.
    upper_bound : int
        Proven most residents that any ``count`` sites could add (the solver's dual bound, else
        greedy's (1 − 1/e) guarantee or the sum of the largest single gains).
    """

    picks: list[int]
    gains: list[int]
    method: str
    optimal: bool
    upper_bound: int

    @property
    def added(self) -> int:
        """Residents the picks add together."""
        return int(sum(self.gains))


def choose_sites(reach: list[np.ndarray], population: np.ndarray, covered: np.ndarray, count: int,
                 method: str = "exact", time_limit_s: float | None = None) -> SiteChoice:
    """Pick at most ``count`` sites that together cover most residents not yet covered (maximal covering).

    Parameters
    ----------
    reach : list of numpy.ndarray
        Per site, the demand points within reach (from :func:`coverage_sets`).
    population : numpy.ndarray
        Residents per demand point.
    covered : numpy.ndarray
        Boolean per demand point: already covered (adds nothing).
    count : int
        Most sites to pick.
    method : {'exact', 'greedy'}
        ``exact`` solves the integer programme with scipy's ``milp`` (HiGHS) and keeps greedy's
        picks when the solver does not beat them; ``greedy`` only runs greedy.
    time_limit_s : float, optional
        Seconds the solver may take; default ``settings.SUGGEST_TIME_LIMIT_S``, read when the
        function runs.

    Returns
    -------
    SiteChoice
        The picks in greedy order with their gains, the method used, whether the result is
        proven optimal and the proven upper bound.
    """
    population = np.asarray(population, dtype=np.int64)
    open_points = ~np.asarray(covered, dtype=bool)
    reach = [np.asarray(r, dtype=np.int64)[open_points[np.asarray(r, dtype=np.int64)]] for r in reach]
    greedy = _greedy_order(reach, population, range(len(reach)), count)
    greedy_added = int(sum(g for _, g in greedy))
    singles = np.sort([int(population[r].sum()) for r in reach])[::-1]
    bound = min(int(singles[:count].sum()), int(np.floor(greedy_added / (1 - 1 / np.e) + 1e-9)))
    picks, method_used = [p for p, _ in greedy], "greedy"
    if method == "exact" and greedy_added < bound:
        chosen, dual = _solve_max_covering(reach, population, count, time_limit_s)
        if dual is not None:
            bound = min(bound, dual)
        if chosen is not None:
            exact = _greedy_order(reach, population, chosen, count)
            if sum(g for _, g in exact) >= greedy_added:
                picks, method_used = [p for p, _ in exact], "exact"
    elif method == "exact":
        method_used = "exact"  # greedy already meets the bound: nothing better exists
    order = _greedy_order(reach, population, picks, count)
    gains = [g for _, g in order]
    added = int(sum(gains))
    return SiteChoice([p for p, _ in order], gains, method_used, added >= bound, max(bound, added))


def _greedy_order(reach, population, allowed, count) -> list[tuple[int, int]]:
    """Greedy picks among ``allowed`` sites: (site, residents added), gains above 0 only."""
    taken = np.zeros(len(population), dtype=bool)
    left = list(allowed)
    out = []
    while left and len(out) < count:
        gains = [int(population[reach[j][~taken[reach[j]]]].sum()) for j in left]
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break  # nothing left to gain: fewer than `count` useful sites
        site = left.pop(best)
        taken[reach[site]] = True
        out.append((site, gains[best]))
    return out


def _solve_max_covering(reach, population, count, time_limit_s) -> tuple[list[int] | None, int | None]:
    """The maximal covering integer programme with HiGHS: chosen sites and the proven bound.

    Variables: x_j (site j opens, binary) and y_g (a group of residents is covered, 0..1), where a
    group gathers the demand points reached by exactly the same sites. Maximise the residents of
    covered groups, with sum x_j <= count and y_g <= sum of x_j over the sites that reach g.
    """
    if time_limit_s is None:
        time_limit_s = settings.SUGGEST_TIME_LIMIT_S
    n = len(reach)
    sites = np.repeat(np.arange(n), [len(r) for r in reach])
    points = np.concatenate(reach) if n else np.array([], dtype=np.int64)
    if not len(points):
        return None, 0
    incidence = sparse.csc_matrix((np.ones(len(points)), (sites, points)),
                                  shape=(n, int(points.max()) + 1)).tocsc()
    incidence.sort_indices()
    reached = np.flatnonzero(np.diff(incidence.indptr) > 0)
    keys = [incidence.indices[incidence.indptr[i]:incidence.indptr[i + 1]].tobytes() for i in reached]
    group_of = pd.Series(keys).factorize()[0]
    groups = int(group_of.max()) + 1
    weight = np.bincount(group_of, weights=population[reached].astype(float), minlength=groups)
    first = pd.Series(np.arange(len(reached))).groupby(group_of).first().to_numpy()
    group_sites = incidence[:, reached[first]].tocsc()  # sites × groups
    # Rows: one "y_g - sum x_j <= 0" per group, then "sum x_j <= count".
    link = sparse.hstack([-group_sites.T, sparse.identity(groups)])
    budget = sparse.hstack([sparse.csr_matrix(np.ones((1, n))), sparse.csr_matrix((1, groups))])
    matrix = sparse.vstack([link, budget]).tocsr()
    upper = np.concatenate([np.zeros(groups), [count]])
    result = optimize.milp(
        np.concatenate([np.zeros(n), -weight]),
        integrality=np.concatenate([np.ones(n), np.zeros(groups)]),
        bounds=optimize.Bounds(0, 1),
        constraints=optimize.LinearConstraint(matrix, -np.inf, upper),
        options={"time_limit": float(time_limit_s), "mip_rel_gap": 0.0, "presolve": True})
    dual = getattr(result, "mip_dual_bound", None)
    bound = int(np.floor(-dual + 1e-6)) if dual is not None and np.isfinite(dual) else None
    chosen = None if result.x is None else [int(j) for j in np.flatnonzero(result.x[:n] > 0.5)]
    return chosen, bound


def suggest_sites(inputs: CoverageInputs, minutes: float | None = None, speed_kmh: float | None = None,
                  count: int = 3, remove_ids=(), include_gap_cells: bool = False,
                  max_gap_cells: int = 500, filters: PlaceFilters | None = None, method: str = "exact",
                  time_limit_s: float | None = None, progress=None) -> gpd.GeoDataFrame:
    """The ``count`` sites that add most covered residents (maximal covering, see module docstring).

    The set is solved exactly with HiGHS (:func:`choose_sites`) within ``time_limit_s``; greedy's
    set is kept when the solver does not find one as good in time. The rows are in greedy order
    within the set (each adds most of what the earlier rows left), so the gains never grow from
    one row to the next and ``coverage_pct_after`` is the coverage with that row and those above.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`. Candidates are existing public assets that could open as a
        meeting place (``meeting_place_candidate`` in the category catalogue: schools, places
        of worship, libraries, sports centres, community gardens...).
    minutes : float, optional
        Walking minutes that count as nearby; default ``settings.COVERAGE_MINUTES``, read when
        the function runs.
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``, read when the function runs.
    count : int
        Number of sites to pick (fewer come back when no site adds anyone).
    remove_ids : iterable of str
        Meeting places (asset ids) to switch off first.
    include_gap_cells : bool
        Also consider the most populous uncovered demand points as sites.
    max_gap_cells : int
        How many of those at most.
    filters : PlaceFilters, optional
        Count only the existing places that match (see :func:`compute_coverage`), and leave out
        candidates that record target groups without the one asked for. A new meeting place is
        taken to open at the time and with the access asked for.
    method : {'exact', 'greedy'}
        ``exact`` (default) solves the integer programme; ``greedy`` only picks greedily.
    time_limit_s : float, optional
        Seconds the solver may take; default ``settings.SUGGEST_TIME_LIMIT_S``, read when the
        function runs.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with a stage message code (reach of each
        site, then solving); None reports nothing.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points: ``rank``, ``asset_id`` (None for a gap cell), ``name``, ``category``,
        ``lon``, ``lat``, ``added_population`` and ``coverage_pct_after``. Its ``attrs`` hold
        ``method`` (``exact`` or ``greedy``), ``optimal`` (proven best), ``added_population``,
        ``upper_bound_added_population`` (proven most that any ``count`` sites could add) and
        ``upper_bound_coverage_pct``.

    Raises
    ------
    CoverageError
        ``count`` is below 1, or minutes or speed is not a number above 0.
    """
    minutes = settings.COVERAGE_MINUTES if minutes is None else minutes
    speed_kmh = filter_speed(filters, speed_kmh)
    speed_kmh = settings.WALK_SPEED_KMH if speed_kmh is None else speed_kmh
    if count < 1:
        raise CoverageError("count_invalid", "fix_count", count=count)
    base = compute_coverage(inputs, minutes, speed_kmh, remove_ids=remove_ids, filters=filters)
    limit = minutes * metres_per_minute(speed_kmh)
    sites = candidate_sites(inputs, filters).copy()
    if include_gap_cells and len(base.gaps):
        cells = base.gaps.nlargest(max_gap_cells, "population")
        sites = pd.concat([sites, gpd.GeoDataFrame({"id": None, "name": "gap cell", "category": "gap_cell"},
                                                   geometry=cells.geometry.to_numpy(), index=range(len(cells)),
                                                   crs=settings.STORAGE_CRS)], ignore_index=True)
    columns = ["rank", "asset_id", "name", "category", "lon", "lat", "added_population", "coverage_pct_after"]
    empty = gpd.GeoDataFrame({c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))
    population = inputs.demand["population"].to_numpy(dtype=np.int64)
    covered = base._covered.copy()  # the points layer (EPSG:4326) is not needed here
    total = int(population.sum())
    reach = coverage_sets(inputs, sites, limit, progress) if len(sites) else []
    _report(progress, N_("progress_solve"))
    choice = choose_sites(reach, population, covered, count, method=method, time_limit_s=time_limit_s)
    already = int(population[covered].sum())
    picks = []
    for rank, (best, gain) in enumerate(zip(choice.picks, choice.gains), start=1):
        covered[reach[best]] = True
        site = sites.iloc[best]
        picks.append({"rank": rank, "asset_id": site["id"] if pd.notna(site["id"]) else None,
                      "name": site["name"], "category": site["category"],
                      "lon": round(site.geometry.x, 6), "lat": round(site.geometry.y, 6),
                      "added_population": int(gain),
                      "coverage_pct_after": _pct(int(population[covered].sum()), total),
                      "geometry": site.geometry})
    out = gpd.GeoDataFrame(picks, geometry="geometry", crs=settings.STORAGE_CRS) if picks else empty
    out.attrs.update({"method": choice.method, "optimal": choice.optimal, "added_population": choice.added,
                      "upper_bound_added_population": choice.upper_bound,
                      "upper_bound_coverage_pct": _pct(already + choice.upper_bound, total)})
    return out


def candidate_sites(inputs: CoverageInputs, filters: PlaceFilters | None = None) -> gpd.GeoDataFrame:
    """The candidate sites that fit the filters: those that record target groups must name the group asked for.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    filters : PlaceFilters, optional
        The filters; only ``group`` applies to a site that is not a meeting place yet.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of ``inputs.candidates`` kept.
    """
    sites = inputs.candidates
    if filters is None or not filters.group or sites.empty:
        return sites
    keep = [not recorded or filters.group in recorded or "everyone" in recorded
            for recorded in (target_group_list(_plain(v)) for v in _column(sites, "target_groups"))]
    return sites[np.array(keep, dtype=bool)]


# --------------------------------------------------------------------------- what-if and storage

def what_if(inputs: CoverageInputs, minutes: float | None = None, speed_kmh: float | None = None,
            add_points=None, remove_ids=(), filters: PlaceFilters | None = None) -> pd.DataFrame:
    """Coverage per area before and after adding or removing meeting places.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    minutes : float, optional
        Walking minutes that count as nearby; default ``settings.COVERAGE_MINUTES``, read when
        the function runs.
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``, read when the function runs.
    add_points : geopandas.GeoDataFrame or iterable of (lon, lat), optional
        Meeting places to add (``[(lon, lat)]`` in EPSG:4326).
    remove_ids : iterable of str
        Meeting places (asset ids) to switch off.
    filters : PlaceFilters, optional
        Count only the places that match, before and after (see :func:`compute_coverage`).

    Returns
    -------
    pandas.DataFrame
        Per area: ``buurt_code``, ``name``, ``population``, covered population and coverage %
        before and after, ``covered_change`` and ``coverage_pct_change``; largest loss first.

    Raises
    ------
    CoverageError
        Minutes or speed is not a number above 0.
    """
    before = compute_coverage(inputs, minutes, speed_kmh, filters=filters).buurten
    after = compute_coverage(inputs, minutes, speed_kmh, remove_ids=remove_ids, add_points=add_points,
                             filters=filters).buurten
    table = before[["buurt_code", "name", "population", "covered_population", "coverage_pct"]].merge(
        after[["buurt_code", "covered_population", "coverage_pct"]], on="buurt_code", suffixes=("_before", "_after"))
    table["covered_change"] = table["covered_population_after"] - table["covered_population_before"]
    table["coverage_pct_change"] = (table["coverage_pct_after"] - table["coverage_pct_before"]).round(1)
    return table.sort_values(["covered_change", "buurt_code"], ascending=[True, True]).reset_index(drop=True)


def compare_places(inputs: CoverageInputs, options: dict, minutes: float | None = None,
                   speed_kmh: float | None = None, filters: PlaceFilters | None = None) -> pd.DataFrame:
    """Compare ways of adding places, e.g. several small living rooms against one large centre.

    Reach alone favours many small places; seats favour one large one. The table shows both, so
    that the choice stays with the people who know the buurt.

    Parameters
    ----------
    inputs : CoverageInputs
        From :func:`load_inputs`.
    options : dict
        Option name -> the places it adds: a GeoDataFrame (any CRS) with, where known, ``scale``
        (``living_room``, ``small``, ``large``) and ``capacity`` (people), or ``[(lon, lat), ...]``.
    minutes : float, optional
        Walking minutes that count as nearby (default ``settings.COVERAGE_MINUTES``).
    speed_kmh : float, optional
        Walking speed in km/h (default ``settings.WALK_SPEED_KMH``, slow for older people).
    filters : PlaceFilters, optional
        Count only the existing places that match (the new ones are taken to match).

    Returns
    -------
    pandas.DataFrame
        One row per option: ``option``, ``places`` (number added), ``scale`` (e.g.
        ``3 × living_room``), ``capacity`` (seats added; NA when not all are given),
        ``covered_population``, ``added_population`` (residents newly within reach),
        ``coverage_pct`` and ``residents_per_seat`` (newly reached residents per seat added).

    Raises
    ------
    CoverageError
        Minutes or speed is not a number above 0.
    """
    base = compute_coverage(inputs, minutes, speed_kmh, filters=filters)
    rows = []
    for name, added in options.items():
        frame = added if isinstance(added, gpd.GeoDataFrame) else site_points(added)
        result = compute_coverage(inputs, base.minutes, base.speed_kmh, add_points=frame, filters=filters)
        scales = pd.Series(_column(frame, "scale"), dtype=object).dropna().value_counts()
        capacity = pd.to_numeric(pd.Series(_column(frame, "capacity"), dtype=object), errors="coerce")
        seats = int(capacity.sum()) if len(capacity) and capacity.notna().all() else None
        added_population = result.total["covered_population"] - base.total["covered_population"]
        rows.append({"option": name, "places": len(frame),
                     "scale": ", ".join(f"{n} × {s}" for s, n in scales.items()) or None,
                     "capacity": seats, "covered_population": result.total["covered_population"],
                     "added_population": int(added_population), "coverage_pct": result.total["coverage_pct"],
                     "residents_per_seat": round(added_population / seats, 1) if seats else None})
    table = pd.DataFrame(rows, columns=["option", "places", "scale", "capacity", "covered_population",
                                        "added_population", "coverage_pct", "residents_per_seat"])
    table["capacity"] = table["capacity"].astype("Int64")
    return table


def save_coverage(ws, result: CoverageResult) -> None:
    """Write the per-area table (polygons) and the gap layer into the workspace, in one transaction.

    Parameters
    ----------
    ws : assetmap.storage.Workspace
        An open workspace.
    result : CoverageResult
        From :func:`compute_coverage`; tables ``coverage_buurten`` and ``coverage_gaps``
        (EPSG:4326) are replaced, each row with the minutes and speed used.

    Returns
    -------
    None
    """
    areas = result.areas.assign(minutes=result.minutes, speed_kmh=result.speed_kmh)
    gaps = result.gaps.assign(minutes=result.minutes, speed_kmh=result.speed_kmh)
    with ws.transaction():
        ws.save_result("coverage_buurten", areas, "meeting-place coverage per buurt (assetmap coverage)")
        ws.save_result("coverage_gaps", gaps, "residents beyond the walking threshold (assetmap coverage)")
