"""The map data of a workspace, written by a coordinator: boundaries, walking network, buildings,
study area, base map, the sources log and analysis results.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd

from assetmap.layers.assets import now_iso
from assetmap.layers.boundaries import assign_codes
from assetmap.service import policy
from assetmap.service._core import _Core
from assetmap.service.policy import ActorLike
from assetmap.storage import PRIVATE_TABLES, TABLES

__all__ = ["MapData"]


class MapData(_Core):  # numpydoc ignore=PR01
    """Replacing the map data a coordinator imports, and storing analysis results (see :class:`Workspace`)."""

    def replace_boundaries(self, boundaries: gpd.GeoDataFrame, *, keep_other_levels: bool = True,
                           actor: ActorLike = None) -> int:
        """Replace the boundaries of the levels present in ``boundaries`` and re-code every asset.

        Other levels stay unless ``keep_other_levels`` is False. Buurt, wijk and gemeente codes of
        the assets are derived data, so the re-coding is not recorded in the history.

        Parameters
        ----------
        boundaries : geopandas.GeoDataFrame
            Boundaries as :func:`assetmap.layers.build_boundaries` makes them (EPSG:4326). An empty
            frame has no level, so it removes the boundaries of every level.
        keep_other_levels : bool
            Keep the stored boundaries of levels that ``boundaries`` does not hold.
        actor : Actor or str, optional
            Who loads them (default: the workspace's actor).

        Returns
        -------
        int
            How many boundaries were written.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        with self._write():
            if keep_other_levels and boundaries.empty:
                return 0  # no level given, none replaced
            levels = sorted(set(boundaries["level"])) if keep_other_levels else None
            self._people_changed = True  # individuals are shown at the anchors of their areas
            self.store.replace("boundaries", boundaries, {"level": levels} if levels else None)
            assets = self.store.read("assets")
            if len(assets):
                self.store.update("assets", assign_codes(assets, self.boundaries()), "id")
        return len(boundaries)

    def replace_walk_network(self, nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the walking network (nodes with ``node_id``; edges ``u``, ``v``, ``length_m`` in metres).

        Parameters
        ----------
        nodes : geopandas.GeoDataFrame
            Points (EPSG:4326) with ``node_id``.
        edges : geopandas.GeoDataFrame
            Lines (EPSG:4326) from node ``u`` to node ``v`` with their ``length_m`` in metres.
        actor : Actor or str, optional
            Who loads them (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        with self._write():
            self.store.replace("walk_nodes", nodes)
            self.store.replace("walk_edges", edges)

    def replace_buildings(self, buildings: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the residential buildings.

        Parameters
        ----------
        buildings : geopandas.GeoDataFrame
            Building centroids (EPSG:4326) with ``osm_ref``, ``building``, ``footprint_m2`` (m²)
            and ``levels``.
        actor : Actor or str, optional
            Who loads them (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        with self._write():
            self._people_changed = True  # anchors keep away from homes
            self.store.replace("buildings", buildings)

    def replace_study_area(self, area: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the study area (what the OSM data covers).

        Parameters
        ----------
        area : geopandas.GeoDataFrame
            Polygon(s) in EPSG:4326 with ``name`` and ``source``.
        actor : Actor or str, optional
            Who loads it (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        with self._write():
            self._people_changed = True  # anchors are chosen inside the study area
            self.store.replace("study_area", area)

    def replace_basemap(self, basemap: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the offline base map.

        Parameters
        ----------
        basemap : geopandas.GeoDataFrame
            Outlines and lines (EPSG:4326) with ``kind``: ``water``, ``waterway``, ``green`` or
            ``building``.
        actor : Actor or str, optional
            Who loads it (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        self.store.replace("basemap", basemap, description="Offline base map (OSM): water, green and buildings")

    def replace_streets(self, streets: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the street names (one point per name, for finding a typed street without going online).

        Parameters
        ----------
        streets : geopandas.GeoDataFrame
            Points (EPSG:4326) with ``name``.
        actor : Actor or str, optional
            Who loads them (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        self.store.replace("streets", streets, description="Street names (OSM), one point per name")

    def log_source(self, name: str, reference: str, licence: str, attribution: str, rows: int,
                   actor: ActorLike = None) -> None:
        """Record an imported data set with its licence and attribution.

        Parameters
        ----------
        name : str
            The data set (``OpenStreetMap``, ``CBS wijk- en buurtkaart``, ``workshop``).
        reference : str
            Where it came from (a file name, a place, ``PDOK GM0518``).
        licence : str
            Its licence (``ODbL 1.0``, ``CC BY 4.0``, ``own data``).
        attribution : str
            The attribution every map and export must carry.
        rows : int
            How many rows were imported.
        actor : Actor or str, optional
            Who imported it (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        self.store.insert("sources", pd.DataFrame([{"name": name, "reference": reference, "licence": licence,
                                                    "attribution": attribution, "imported_at": now_iso(),
                                                    "rows": rows}]))

    def save_result(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, description: str = "",
                    actor: ActorLike = None) -> None:
        """Store an analysis result as its own table (replacing an earlier one of that name).

        Parameters
        ----------
        name : str
            Table name, e.g. ``coverage_buurten``.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The result. Geometry in another CRS is stored reprojected to EPSG:4326.
        description : str
            Shown in GIS tools (``gpkg_contents``); used only when the table is created.
        actor : Actor or str, optional
            Who stores it (default: the workspace's actor).

        Raises
        ------
        ValueError
            ``name`` is one of the workspace's own tables, which only the service's other methods write.
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        if name in TABLES or name in PRIVATE_TABLES or not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name):
            raise ValueError(f"{name!r} cannot be an analysis result: use lower-case letters, digits and _, "
                             "and not the name of a workspace table")
        policy.check_manage(self._actor(actor))
        self.store.replace(name, frame, description=description)
