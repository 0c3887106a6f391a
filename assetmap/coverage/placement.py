"""Coverage stage, the kept placement: placed residents and the network as built, kept in the workspace.

:func:`save_demand_placement` writes both (tables :data:`PLACEMENT_TABLE` and
:data:`NETWORK_TABLE`); the next :func:`assetmap.coverage.load_inputs` reads them back while
:func:`placement_key` is unchanged, and skips the slow part.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse

from assetmap import settings
from assetmap.coverage.demand import CoverageInputs
from assetmap.coverage.network import MIN_COMPONENT_NODES, MIN_COMPONENT_SHARE, Snap, WalkNetwork

__all__ = ["NETWORK_TABLE", "PLACEMENT_TABLE", "placement_key", "save_demand_placement"]


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
