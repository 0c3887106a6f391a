"""A GeoPackage spatial index (SQLite's R*Tree module) built in one go from its boxes.

Inserting a million boxes into an R*Tree one at a time takes SQLite about ten seconds: every insert
walks the tree, splits nodes and writes them back. Here the tree is packed in numpy instead
(sort-tile-recursive: the boxes sorted into vertical slices by x, each slice into nodes by y, and
the same again one level up), and its three shadow tables are written as SQLite's own code writes
them (``ext/rtree/rtree.c``; GDAL and SpatiaLite bulk-load the same way). Queries, later inserts
and deletes, and ``rtreecheck()`` all see an ordinary R*Tree.

Format of a node (a row of ``<name>_node``; every node has the root's length): a big-endian 16-bit
tree depth (the root only; 0 elsewhere), a big-endian 16-bit cell count, then the cells, each a
big-endian 64-bit id (a row's fid in a leaf, a node number above) and the box as big-endian 32-bit
floats ``minx, maxx, miny, maxy``, rounded outwards as SQLite rounds them. The root is node 1.
"""

from __future__ import annotations

import sqlite3

import numpy as np

_CELL = np.dtype([("id", ">i8"), ("minx", ">f4"), ("maxx", ">f4"), ("miny", ">f4"), ("maxy", ">f4")])
# SQLite's rounding of a double to the float it stores: never inwards (rtreeValueDown / rtreeValueUp).
_TOWARDS_ZERO = 1.0 - 1.0 / 8388608.0
_AWAY_FROM_ZERO = 1.0 + 1.0 / 8388608.0
_ROWS_AT_ONCE = 100_000


def rebuild(conn: sqlite3.Connection, rtree: str, ids: np.ndarray, boxes: np.ndarray) -> None:
    """Replace the whole R*Tree ``rtree`` with one of the given boxes, in the caller's transaction.

    Parameters
    ----------
    conn : sqlite3.Connection
        Connection inside a transaction.
    rtree : str
        Name of an existing ``USING rtree(id, minx, maxx, miny, maxy)`` virtual table; it is dropped
        and created again with the same definition (so no connection holds an old view of it).
    ids : numpy.ndarray
        Integer ids (fids), one per box, unique.
    boxes : numpy.ndarray
        ``(n, 4)`` doubles ``minx, maxx, miny, maxy`` (no NaN).
    """
    quoted = '"' + rtree.replace('"', '""') + '"'
    definition = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (rtree,)).fetchone()
    conn.execute(f"DROP TABLE {quoted}")
    conn.execute(definition[0])
    if not len(ids):
        return
    node_bytes = conn.execute(f'SELECT length(data) FROM "{rtree}_node" WHERE nodeno = 1').fetchone()[0]
    capacity = (node_bytes - 4) // _CELL.itemsize
    levels = _pack(np.asarray(ids, dtype=np.int64), _outward(np.asarray(boxes, dtype=np.float64)), capacity)
    # Node numbers from the top: the root is 1, then each level below it in turn.
    first = [0] * len(levels)
    number = 1
    for depth in range(len(levels) - 1, -1, -1):
        first[depth] = number
        number += levels[depth].nodes
    nodes, parents = [], []
    for depth, level in enumerate(levels):
        cells = np.zeros((level.nodes, capacity), dtype=_CELL)
        slot = np.arange(len(level.node)) - np.searchsorted(level.node, level.node)  # place within its node
        cells["id"][level.node, slot] = level.child if depth == 0 else level.child + first[depth - 1]
        for k, name in enumerate(("minx", "maxx", "miny", "maxy")):
            cells[name][level.node, slot] = level.boxes[:, k]
        header = np.zeros((level.nodes, 2), dtype=">u2")
        header[:, 1] = np.bincount(level.node, minlength=level.nodes)
        if depth == len(levels) - 1:
            header[0, 0] = depth
        data = np.concatenate([header.view(np.uint8).reshape(level.nodes, 4),
                               cells.view(np.uint8).reshape(level.nodes, -1)], axis=1).tobytes()
        numbers = range(first[depth], first[depth] + level.nodes)
        nodes.extend(zip(numbers, (data[i:i + node_bytes] for i in range(0, len(data), node_bytes))))
        if depth + 1 < len(levels):  # the level above holds this level's nodes as its cells
            above = levels[depth + 1]
            parent_of = np.empty(level.nodes, dtype=np.int64)
            parent_of[above.child] = above.node + first[depth + 1]
            parents.extend(zip(numbers, parent_of.tolist()))
    leaves = levels[0]
    by_id = np.argsort(leaves.child)  # rows in key order: each one appended to the table's B-tree
    conn.execute(f'DELETE FROM "{rtree}_node"')
    conn.executemany(f'INSERT INTO "{rtree}_node" (nodeno, data) VALUES (?, ?)', nodes)
    conn.executemany(f'INSERT INTO "{rtree}_parent" (nodeno, parentnode) VALUES (?, ?)', parents)
    ids, leaf = leaves.child[by_id], leaves.node[by_id] + first[0]
    for start in range(0, len(ids), _ROWS_AT_ONCE):  # a slice's Python ints at a time
        conn.executemany(f'INSERT INTO "{rtree}_rowid" (rowid, nodeno) VALUES (?, ?)',
                         zip(ids[start:start + _ROWS_AT_ONCE].tolist(), leaf[start:start + _ROWS_AT_ONCE].tolist()))


class _Level:
    """One level of the packed tree: its cells sorted by node (``node``: which node, ``child``: the
    fid or the index of the node below, ``boxes``: float32 ``minx, maxx, miny, maxy``) and its node count."""

    def __init__(self, node: np.ndarray, child: np.ndarray, boxes: np.ndarray, nodes: int):
        self.node, self.child, self.boxes, self.nodes = node, child, boxes, nodes


def _pack(ids: np.ndarray, boxes: np.ndarray, capacity: int) -> list[_Level]:
    """The levels of a sort-tile-recursive R-tree over ``boxes``, from the leaves up to the root."""
    levels = []
    child = ids
    while True:
        count = len(child)
        if count <= capacity:  # the root
            levels.append(_Level(np.zeros(count, dtype=np.int64), child, boxes, 1))
            return levels
        order, node, nodes = _tiles((boxes[:, 0] + boxes[:, 1]) / 2, (boxes[:, 2] + boxes[:, 3]) / 2, capacity)
        boxes = boxes[order]
        levels.append(_Level(node, child[order], boxes, nodes))
        starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
        boxes = np.column_stack([np.minimum.reduceat(boxes[:, 0], starts), np.maximum.reduceat(boxes[:, 1], starts),
                                 np.minimum.reduceat(boxes[:, 2], starts), np.maximum.reduceat(boxes[:, 3], starts)])
        child = np.arange(nodes, dtype=np.int64)


def _tiles(x: np.ndarray, y: np.ndarray, capacity: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Sort-tile-recursive grouping of points: their order, the node of each (in that order,
    ascending) and the node count. Slices hold equal numbers of points and nodes within a slice
    equal numbers of cells (± 1), so every node is at least about half full."""
    count = len(x)
    slices = int(np.ceil(np.sqrt(-(-count // capacity))))
    slice_of = np.empty(count, dtype=np.int64)
    slice_of[np.argsort(x, kind="stable")] = np.arange(count) * slices // count
    order = np.lexsort((y, slice_of))
    in_slice = np.bincount(slice_of, minlength=slices)
    per_slice = -(-in_slice // capacity)
    slice_start = np.r_[0, np.cumsum(in_slice)[:-1]]
    node_start = np.r_[0, np.cumsum(per_slice)[:-1]]
    which = slice_of[order]
    position = np.arange(count) - slice_start[which]
    node = node_start[which] + position * per_slice[which] // in_slice[which]
    return order, node, int(per_slice.sum())


def _outward(boxes: np.ndarray) -> np.ndarray:
    """Doubles ``minx, maxx, miny, maxy`` as the float32 SQLite stores: minima rounded down, maxima up."""
    out = boxes.astype(np.float32)
    for k, down in ((0, True), (1, False), (2, True), (3, False)):
        exact = boxes[:, k]
        wrong = (out[:, k] > exact) if down else (out[:, k] < exact)
        if wrong.any():
            value = exact[wrong]
            factor = np.where(value < 0, _AWAY_FROM_ZERO, _TOWARDS_ZERO) if down \
                else np.where(value < 0, _TOWARDS_ZERO, _AWAY_FROM_ZERO)
            out[wrong, k] = (value * factor).astype(np.float32)
    return out
