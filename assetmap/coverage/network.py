"""Coverage stage, the network: the walking network as a sparse matrix, snapping points to it, walking distances.

Built from the workspace's ``walk_nodes`` and ``walk_edges`` (:func:`build_network`); a point
is placed on its nearest snappable edge (:func:`snap`); :func:`distances_from_sites` runs one
Dijkstra pass from a virtual node per group of sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from assetmap import settings
from assetmap.coverage._common import CoverageError

__all__ = ["MIN_COMPONENT_NODES", "MIN_COMPONENT_SHARE", "SNAP_LOCAL_POINTS", "Snap", "WalkNetwork", "build_network",
           "distances_from_sites", "snap"]


#: Connected parts of the walking network smaller than this (nodes, or share of the largest part)
#: are not snapped to.
MIN_COMPONENT_NODES = 50
MIN_COMPONENT_SHARE = 0.05


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
