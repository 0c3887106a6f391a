"""Stores: where a workspace's tables live: one GeoPackage file, or a PostgreSQL/PostGIS schema.

A store is narrow on purpose: it reads and writes frames per table, runs transactions and keeps
the schema version. It knows no rules. History, undo, ownership, visibility and referential
checks live in :mod:`assetmap.service`, so a second backend implements only :class:`Store`.
"""

from __future__ import annotations

import os
import secrets
from contextlib import AbstractContextManager
from typing import Protocol

import geopandas as gpd
import pandas as pd

from assetmap.errors import WorkspaceError
from assetmap.files import PREFIX
from assetmap.storage.geopackage import PRIVATE_TABLES, SCHEMA_VERSION, TABLES, GeoPackageStore, TableSpec, Where
from assetmap.storage.postgis import PostgisStore, is_uri


class Store(Protocol):
    """What every storage backend offers (see :class:`~assetmap.storage.geopackage.GeoPackageStore`)."""

    @property
    def location(self) -> str:
        """Where the workspace lives, as the user would write it (a path, or a URI without its password)."""

    def transaction(self) -> AbstractContextManager:
        """One write transaction; nested calls join the outer one; all or nothing."""

    def read(self, name: str, where: Where | None = None, *, with_fid: bool = False
             ) -> pd.DataFrame | gpd.GeoDataFrame:
        """Rows of a table (a GeoDataFrame in EPSG:4326 for feature tables), in write order.

        Parameters
        ----------
        name : str
            Table name.
        where : mapping, optional
            Column -> value (``None`` matches NULL) or list of values (any of them); all must hold.
            At most one value may be a list. None reads every row.
        with_fid : bool
            Keep the ``fid`` row number (the history uses it to name a change).

        Returns
        -------
        pandas.DataFrame or geopandas.GeoDataFrame
            The rows with their declared column types.

        Raises
        ------
        assetmap.errors.WorkspaceError
            The store has no such table.
        """

    def exists(self, name: str, column: str, values: list) -> set:
        """Which of ``values`` occur in ``column``.

        Parameters
        ----------
        name : str
            Table name.
        column : str
            Column to look in.
        values : list
            Values to look for.

        Returns
        -------
        set
            The values found.
        """

    def insert(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, *, keep_fid: bool = False) -> None:
        """Append rows.

        Parameters
        ----------
        name : str
            Table name.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The rows; a column the table lacks is ignored, a column the frame lacks is stored empty.
        keep_fid : bool
            Store the frame's ``fid`` column as the row numbers (copies keep them).
        """

    def update(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, key: str) -> None:
        """Overwrite the rows whose ``key`` matches a row of ``frame``.

        Parameters
        ----------
        name : str
            Table name.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The new rows, every column.
        key : str
            Column that identifies a row (``id`` for assets).
        """

    def delete(self, name: str, where: Where | None = None) -> int:
        """Delete matching rows (all when ``where`` is None); returns how many.

        Parameters
        ----------
        name : str
            Table name.
        where : mapping, optional
            A filter as for :meth:`read`.

        Returns
        -------
        int
            How many rows were deleted.
        """

    def replace(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, where: Where | None = None,
                description: str = "") -> None:
        """Replace matching rows (all by default) with ``frame``; creates a missing table.

        Parameters
        ----------
        name : str
            Table name; a new name makes a new table with the columns of ``frame``.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The new rows.
        where : mapping, optional
            Which rows to replace, a filter as for :meth:`read`. None replaces every row.
        description : str
            Description of a table this call creates.
        """

    def tables(self) -> list[str]:
        """Names of the layers in the store."""

    def count(self, name: str) -> int:
        """Number of rows in a table.

        Parameters
        ----------
        name : str
            Table name.

        Returns
        -------
        int
            The number of rows.
        """

    def meta(self) -> dict[str, str]:
        """Workspace metadata (schema version, creation time)."""

    def set_meta(self, key: str, value: str) -> None:
        """Set one metadata value.

        Parameters
        ----------
        key : str
            Metadata name, e.g. ``schema_version``.
        value : str
            Its new value.
        """

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
    location : path-like or str
        A ``.gpkg`` file, or a PostgreSQL URI ``postgresql://user:password@host:port/db?schema=name``.

    Returns
    -------
    Store

    Raises
    ------
    assetmap.errors.WorkspaceError
        Missing, not a workspace, of a newer schema version, or a server that cannot be reached.
    """
    if is_uri(location):
        return PostgisStore.open(location)
    return GeoPackageStore.open(location)


def create_store(location: str | os.PathLike) -> Store:
    """Create the store of a new, empty workspace.

    Parameters
    ----------
    location : path-like or str
        A ``.gpkg`` file that does not exist yet, or a PostgreSQL URI whose schema holds no workspace.

    Returns
    -------
    Store

    Raises
    ------
    assetmap.errors.InputError
        The file exists, has the wrong suffix, or its folder is missing; a malformed URI.
    assetmap.errors.WorkspaceError
        A server that cannot be reached, without PostGIS, or without the right to create.
    """
    if is_uri(location):
        return PostgisStore.create(location)
    return GeoPackageStore.create(location)


def location_exists(location: str | os.PathLike) -> bool:
    """Whether a workspace lives at ``location`` (a file that exists, or a URI whose schema has one).

    Parameters
    ----------
    location : path-like or str
        A ``.gpkg`` file or a PostgreSQL URI.

    Returns
    -------
    bool
        True when there is something to open (a URI that cannot be reached counts as present, so
        that opening it says why).
    """
    if not is_uri(location):
        return os.path.exists(location)
    try:
        PostgisStore.open(location).close()
    except WorkspaceError as exc:
        return exc.problems[0].code != "ws_missing"
    return True


def copy_store(source: str | os.PathLike, target: str | os.PathLike, *, force: bool | None = None) -> dict[str, int]:
    """Copy a whole workspace, history, accounts and metadata included, to a new location.

    Every layer (also analysis results) and every private table is copied with its row numbers
    (``fid``: undo names a change by it), in one transaction of the target: a failed copy leaves
    nothing behind in a server schema, and no file (a file is created under a temporary name and
    renamed at the end).

    Parameters
    ----------
    source : path-like or str
        An existing workspace: a ``.gpkg`` file or a ``postgresql://`` URI.
    target : path-like or str
        Where to put the copy; must not hold a workspace yet.
    force : bool, optional
        A file target: replace a file that is there and is no workspace (a workspace never); None
        (the default) refuses any file that is there with a message that names no ``--force``.

    Returns
    -------
    dict of str to int
        Table name -> rows copied.

    Raises
    ------
    assetmap.errors.InputError
        The target exists already or is not a valid location.
    assetmap.errors.WorkspaceError
        The source is missing or unreadable, or a server cannot be reached.
    """
    from pathlib import Path

    src = open_store(source)
    try:
        file_target = not is_uri(target)
        if file_target:  # checks first, then build under a temporary name (renamed at the end)
            final = Path(target)
            GeoPackageStore.check_new(final, force=force)
            # A new name of its own: a file that happens to be there (even one named like ours) is never touched.
            build = final.with_name(f"{PREFIX}{final.stem}.{secrets.token_hex(4)}.copying.gpkg")
        else:
            build = target
            schema_was_there = _schema_exists(target)
        dst = create_store(build)
        copied: dict[str, int] = {}
        try:
            # The source is read in one transaction (its write lock held): every table of the same moment.
            with dst.transaction(), src.transaction():
                names = [n for n in src.tables()] + [n for n in PRIVATE_TABLES if n not in src.tables()]
                for name in names:
                    frame = src.read(name, with_fid=True)
                    description = TABLES[name].description if name in TABLES else ""
                    if name in TABLES or name in PRIVATE_TABLES:
                        dst.delete(name)
                        dst.insert(name, frame, keep_fid=True)
                    else:  # an analysis result: made with the column types of a row (empty, bytes look like text)
                        dst.replace(name, frame.drop(columns="fid").iloc[:1], description=description)
                        dst.delete(name)
                        dst.insert(name, frame, keep_fid=True)
                    copied[name] = len(frame)
                for key, value in src.meta().items():
                    if key != "change_count":
                        dst.set_meta(key, value)
        except BaseException:
            dst.close()
            if file_target:
                Path(build).unlink(missing_ok=True)
            else:
                _drop_workspace(target, whole_schema=not schema_was_there)
            raise
        dst.close()
        if file_target:
            os.replace(build, final)
        return copied
    finally:
        src.close()


def _schema_exists(uri: str) -> bool:
    """Whether the URI's schema exists already (then a failed copy removes only its own tables)."""
    import psycopg

    from assetmap.storage.postgis import parse_uri
    conninfo, schema, _ = parse_uri(uri)
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is not None
    except psycopg.Error:
        return True  # unknown: never drop the schema; create_store says why it cannot connect


def _drop_workspace(uri: str, whole_schema: bool) -> None:
    """Remove a half-made server workspace (its create committed before the copy failed): the
    schema when the copy made it, else only the tables of the workspace."""
    import psycopg

    from assetmap.storage.postgis import PUBLIC_SUFFIX, _q, parse_uri
    conninfo, schema, _ = parse_uri(uri)
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            if whole_schema:
                conn.execute(f"DROP SCHEMA IF EXISTS {_q(schema)} CASCADE")
            else:
                for name in [*TABLES, *PRIVATE_TABLES, "workspace_meta"]:
                    conn.execute(f"DROP TABLE IF EXISTS {_q(schema)}.{_q(name)} CASCADE")
            conn.execute(f"DROP SCHEMA IF EXISTS {_q(schema + PUBLIC_SUFFIX)} CASCADE")
    except psycopg.Error:
        pass


__all__ = ["PRIVATE_TABLES", "SCHEMA_VERSION", "TABLES", "GeoPackageStore", "PostgisStore", "Store", "TableSpec", "Where",
           "copy_store", "create_store", "is_uri",
           "location_exists", "open_store"]
