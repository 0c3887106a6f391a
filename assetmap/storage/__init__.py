"""Stores: where a workspace's tables live. Today one GeoPackage file; a server database next.

A store is narrow on purpose: it reads and writes frames per table, runs transactions and keeps
the schema version. It knows no rules. History, undo, ownership, visibility and referential
checks live in :mod:`assetmap.service`, so a second backend implements only :class:`Store`.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import Protocol

import geopandas as gpd
import pandas as pd

from assetmap.storage.geopackage import SCHEMA_VERSION, TABLES, GeoPackageStore, TableSpec, Where


class Store(Protocol):
    """What every storage backend offers (see :class:`~assetmap.storage.geopackage.GeoPackageStore`)."""

    @property
    def location(self) -> str:
        """Where the workspace lives, as the user would write it (a path, later a URI)."""

    def transaction(self) -> AbstractContextManager:
        """One write transaction; nested calls join the outer one; all or nothing."""

    def read(self, name: str, where: Where | None = None, *, with_fid: bool = False
             ) -> pd.DataFrame | gpd.GeoDataFrame:
        """Rows of a table (a GeoDataFrame in EPSG:4326 for feature tables), in write order."""

    def exists(self, name: str, column: str, values: list) -> set:
        """Which of ``values`` occur in ``column``."""

    def insert(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame) -> None:
        """Append rows."""

    def update(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, key: str) -> None:
        """Overwrite the rows whose ``key`` matches a row of ``frame``."""

    def delete(self, name: str, where: Where | None = None) -> int:
        """Delete matching rows (all when ``where`` is None); returns how many."""

    def replace(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, where: Where | None = None,
                description: str = "") -> None:
        """Replace matching rows (all by default) with ``frame``; creates a missing table."""

    def tables(self) -> list[str]:
        """Names of the layers in the store."""

    def has_table(self, name: str) -> bool:
        """Whether the store has a table ``name``."""

    def count(self, name: str) -> int:
        """Number of rows in a table."""

    def meta(self) -> dict[str, str]:
        """Workspace metadata (schema version, creation time)."""

    def set_meta(self, key: str, value: str) -> None:
        """Set one metadata value."""

    def schema_version(self) -> int:
        """The schema version recorded in the store."""

    def migrate(self) -> None:
        """Bring the schema up to the version this code writes."""

    def close(self) -> None:
        """Release the connection."""


def open_store(location: str | os.PathLike) -> Store:
    """Open the store of an existing workspace.

    Parameters
    ----------
    location : path-like
        A ``.gpkg`` file.

    Returns
    -------
    Store

    Raises
    ------
    assetmap.errors.WorkspaceError
        Missing, not a workspace, or of a newer schema version.
    """
    return GeoPackageStore.open(location)


def create_store(location: str | os.PathLike) -> Store:
    """Create the store of a new, empty workspace.

    Parameters
    ----------
    location : path-like
        A ``.gpkg`` file that does not exist yet.

    Returns
    -------
    Store

    Raises
    ------
    assetmap.errors.InputError
        The file exists, has the wrong suffix, or its folder is missing.
    """
    return GeoPackageStore.create(location)


__all__ = ["SCHEMA_VERSION", "TABLES", "GeoPackageStore", "Store", "TableSpec", "Where", "create_store",
           "open_store"]
