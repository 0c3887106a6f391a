"""The walking network of an OSM file from its walkable ways, with numpy instead of networkx.

It gives exactly what ``osmnx.simplify_graph`` gives for the bidirectional graph of the same ways,
and the same rows :func:`assetmap.sources.osm.network_layers` makes of that, in the same order:

* A node stays when it is not an interior node of a street: an interior node has exactly two
  segments, to two different neighbours (osmnx's endpoint rules, which on a graph where every
  segment goes both ways come down to this). Interior nodes are dropped, and so is every ring
  without an endpoint (osmnx's ``remove_rings``).
* Each chain of interior nodes between two endpoints becomes one edge each way, with the chain's
  line; a segment between two endpoints stays as it is, with a straight line.
* Edges come in the order networkx would list them (by start node, then by when the neighbour
  was first seen from it, then by key), so that keeping the first of each ``(u, v, length)`` pair
  keeps the same line, in the same direction, as before.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from assetmap import settings


def walk_layers(start: np.ndarray, node_id: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Nodes and undirected edges of the simplified walking network of some ways.

    Parameters
    ----------
    start : numpy.ndarray
        Offsets of the ways into the node arrays (one more than there are ways): way ``i`` is
        ``node_id[start[i]:start[i + 1]]``, in the order the file gives them.
    node_id, lon, lat : numpy.ndarray
        OSM id (int64) and coordinates (degrees, EPSG:4326) of each way node.

    Returns
    -------
    tuple of geopandas.GeoDataFrame
        ``(nodes, edges)`` in EPSG:4326, as :func:`assetmap.sources.osm.network_layers` makes them
        of the osmnx-simplified graph: nodes with ``node_id``; edges with ``u`` < ``v``,
        ``length_m`` (metres, measured in RD New) and the line, one per pair and line whatever
        its direction. Both are empty when no way has a segment.
    """
    node_id = np.asarray(node_id, dtype=np.int64)
    count = len(node_id)
    # Segments join consecutive nodes of one way; a repeated node makes no segment.
    last = np.zeros(count, dtype=bool)
    last[np.asarray(start[1:], dtype=np.int64) - 1] = True
    first_of_pair = np.nonzero(~last[:-1])[0] if count > 1 else np.zeros(0, dtype=np.int64)
    # Nodes numbered in the order they are first seen, as networkx keeps them.
    unique, first, inverse = np.unique(node_id, return_index=True, return_inverse=True)
    seen = np.argsort(first, kind="stable")
    label = np.empty(len(unique), dtype=np.int64)
    label[seen] = np.arange(len(unique))
    node = label[inverse.ravel()]
    osm_id, x, y = unique[seen], np.asarray(lon, dtype=float)[first[seen]], np.asarray(lat, dtype=float)[first[seen]]
    a, b = node[first_of_pair], node[first_of_pair + 1]
    a, b = a[a != b], b[a != b]
    n = len(osm_id)
    if not len(a):
        return _empty_layers()
    # Each segment goes both ways: copy 2k is a -> b, 2k + 1 is b -> a, in the order networkx adds them.
    src = np.empty(2 * len(a), dtype=np.int64)
    dst = np.empty_like(src)
    src[0::2], src[1::2], dst[0::2], dst[1::2] = a, b, b, a
    degree = np.bincount(src, minlength=n)
    pair = src * n + dst
    pairs, pair_first = np.unique(pair, return_index=True)  # every (u, v) and when it was first added
    neighbours = np.bincount(pairs // n, minlength=n)
    interior = (degree == 2) & (neighbours == 2)
    endpoint = (degree > 0) & ~interior

    # The two neighbours of each interior node.
    at_interior = np.nonzero(interior[src])[0]
    by_node = at_interior[np.argsort(src[at_interior], kind="stable")]
    next_a = np.full(n, -1, dtype=np.int64)
    next_b = np.full(n, -1, dtype=np.int64)
    next_a[src[by_node[0::2]]] = dst[by_node[0::2]]
    next_b[src[by_node[1::2]]] = dst[by_node[1::2]]

    # Direct edges: both ends are endpoints; kept as they are (one per copy).
    direct = np.nonzero(endpoint[src] & endpoint[dst])[0]
    # Paths: from an endpoint through an interior neighbour to the next endpoint.
    starts = np.nonzero(endpoint[src] & interior[dst])[0]
    path_nodes, path_length, path_end = _follow(src[starts], dst[starts], next_a, next_b, endpoint)

    u = np.concatenate([src[direct], src[starts]])
    v = np.concatenate([dst[direct], path_end])
    is_path = np.concatenate([np.zeros(len(direct), dtype=np.int8), np.ones(len(starts), dtype=np.int8)])
    key_order = np.concatenate([direct, starts])  # seq of the copy, or of the path's first segment
    # The neighbour's place in u's adjacency: when u -> v was first added; a new neighbour (only
    # reached by a path) comes after all of u's first neighbours, in the order of its first path.
    key = u * n + v
    where = np.searchsorted(pairs, key)
    where = np.minimum(where, len(pairs) - 1)
    known = pairs[where] == key
    rank = np.where(known, pair_first[where], 0).astype(np.int64)
    new = np.nonzero(~known)[0]
    if len(new):
        first_path = pd.Series(key_order[new]).groupby(key[new]).transform("min").to_numpy()
        rank[new] = 2 * len(a) + first_path
    order = np.lexsort((key_order, is_path, rank, u))

    # Lines: the nodes of each edge, gathered in edge order.
    lengths = np.concatenate([np.full(len(direct), 2, dtype=np.int64), path_length])
    flat = np.concatenate([np.column_stack([src[direct], dst[direct]]).ravel(), path_nodes])
    offsets = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    lengths = lengths[order]
    edge_of = np.repeat(np.arange(len(order)), lengths)
    within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    along = flat[offsets[order][edge_of] + within]
    u, v = u[order], v[order]
    # Projected once per node, with the transformer geopandas' ``to_crs`` uses (so the same numbers,
    # without a shapely point per node), and measured as geopandas would the lines.
    to_metric = pyproj.Transformer.from_crs(settings.STORAGE_CRS, settings.METRIC_CRS, always_xy=True)
    metric = np.column_stack(to_metric.transform(x, y))
    length = shapely.length(shapely.linestrings(metric[along], indices=edge_of))
    lo, hi = np.minimum(osm_id[u], osm_id[v]), np.maximum(osm_id[u], osm_id[v])
    table = pd.DataFrame({"u": lo, "v": hi, "length_m": length})
    keep = ~table.assign(r=np.round(length, 1)).duplicated(["u", "v", "r"]).to_numpy()
    kept_edges = np.nonzero(keep)[0]
    kept_points = np.isin(edge_of, kept_edges)
    lines = shapely.linestrings(x[along[kept_points]], y[along[kept_points]],
                                indices=np.searchsorted(kept_edges, edge_of[kept_points]))
    edges = gpd.GeoDataFrame(table[keep].reset_index(drop=True), geometry=lines, crs=settings.STORAGE_CRS)
    nodes = gpd.GeoDataFrame({"node_id": osm_id[endpoint]}, geometry=shapely.points(x[endpoint], y[endpoint]),
                             crs=settings.STORAGE_CRS)
    return nodes, edges


def _follow(first: np.ndarray, second: np.ndarray, next_a: np.ndarray, next_b: np.ndarray,
            endpoint: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walk each path from ``first`` through ``second`` to the next endpoint.

    Returns the path nodes (flat), each path's node count and its last node. An interior node has
    two neighbours: the path goes on to the one it did not come from.
    """
    next_a, next_b, is_end = next_a.tolist(), next_b.tolist(), endpoint.tolist()
    nodes: list[int] = []
    counts: list[int] = []
    ends: list[int] = []
    for prev, cur in zip(first.tolist(), second.tolist()):
        nodes.append(prev)
        nodes.append(cur)
        size = 2
        while not is_end[cur]:
            step = next_a[cur]
            if step == prev:
                step = next_b[cur]
            nodes.append(step)
            prev, cur = cur, step
            size += 1
        counts.append(size)
        ends.append(cur)
    return (np.asarray(nodes, dtype=np.int64), np.asarray(counts, dtype=np.int64), np.asarray(ends, dtype=np.int64))


def _empty_layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    nodes = gpd.GeoDataFrame({"node_id": np.zeros(0, dtype=np.int64)}, geometry=gpd.GeoSeries([]),
                             crs=settings.STORAGE_CRS)
    edges = gpd.GeoDataFrame({"u": np.zeros(0, dtype=np.int64), "v": np.zeros(0, dtype=np.int64),
                              "length_m": np.zeros(0)}, geometry=gpd.GeoSeries([]), crs=settings.STORAGE_CRS)
    return nodes, edges
