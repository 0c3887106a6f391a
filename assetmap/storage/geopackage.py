"""The GeoPackage store: one file that holds every table of a workspace and opens in QGIS as it is.

A *store* only reads and writes frames per table, in transactions, and keeps the schema version.
It knows no rules: history, ownership, visibility and referential checks live in
:mod:`assetmap.service`, the one writer.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError, WorkspaceError
from assetmap.files import PREFIX, check_file
from assetmap.storage import _gpkg, _rtree

# The tables, migrations and values live in inner modules; every name stays importable from here.
from assetmap.storage._migrations import (  # noqa: F401
    _ACCESS_SQL,
    _HISTORY_SQL,
    MIGRATIONS,
    MIGRATIONS_SQL,
    SCHEMA_VERSION,
    _add_access_tables,
    _add_initiative_fields,
    _add_meeting_place_fields,
    _add_photos,
    _add_reports_and_decisions,
    _add_table_code_pseudonym,
    _add_update_links,
    _add_version_column,
)
from assetmap.storage._tables import (  # noqa: F401
    _CHUNK,
    ACCOUNTS,
    HISTORY,
    MODERATION_QUEUE,
    PHOTOS,
    PRIVATE_TABLES,
    TABLE_CODES,
    TABLES,
    TableSpec,
    Where,
    _create_table,
    _holds_bytes,
    _infer_spec,
    _q,
    _where_clauses,
)
from assetmap.storage._values import (  # noqa: F401
    _ARROW_KINDS,
    _arrow_column,
    _column,
    _read_arrow,
    _rows,
    _strings,
    plain_value,
    plain_values,
)

__all__ = ["ACCOUNTS", "HISTORY", "MIGRATIONS", "MIGRATIONS_SQL", "MODERATION_QUEUE", "PHOTOS", "PRIVATE_TABLES",
           "SCHEMA_VERSION", "TABLES", "TABLE_CODES", "GeoPackageStore", "TableSpec", "Where", "plain_value",
           "plain_values", "repair"]


class GeoPackageStore:
    """A workspace stored in one GeoPackage file.

    Every write runs in one SQLite transaction (``BEGIN IMMEDIATE``): it lands whole or not at all,
    and concurrent writers wait for each other instead of overwriting each other's rows.

    Parameters
    ----------
    path : path-like
        The ``.gpkg`` file.
    conn : sqlite3.Connection
        An open connection made by :func:`_connect`.
    """

    def __init__(self, path: str | os.PathLike, conn: sqlite3.Connection):
        self.path = Path(path)
        self._conn = conn
        self._depth = 0

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, path: str | os.PathLike) -> GeoPackageStore:
        """Create a new, empty workspace file.

        Parameters
        ----------
        path : path-like
            Where to create it; must end in ``.gpkg`` and must not exist yet.

        Returns
        -------
        GeoPackageStore
            The new store, open.

        Raises
        ------
        InputError
            The file exists, the name does not end in ``.gpkg``, or the folder is missing.
        """
        path = Path(path)
        cls.check_new(path)
        tmp = path.with_name(f"{PREFIX}{path.name}.{secrets.token_hex(4)}.creating")  # never a file that is there
        conn = _connect(tmp)
        try:
            with conn:
                _gpkg.create_core(conn)
                conn.executescript(_HISTORY_SQL)
                _add_access_tables(conn)
                _add_reports_and_decisions(conn)  # also stores moderation 'on': a new workspace moderates
                _add_table_code_pseudonym(conn)
                _add_update_links(conn)
                _add_photos(conn)
                for name, spec in TABLES.items():
                    _create_table(conn, name, spec)
                conn.execute("INSERT INTO workspace_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                conn.execute("INSERT INTO workspace_meta VALUES ('created_at', ?)", (_now(),))
            conn.close()
            os.replace(tmp, path)  # atomic: a half-made workspace never has the real name
        finally:
            if tmp.exists():
                tmp.unlink()
        return cls.open(path)

    @staticmethod
    def check_new(path: str | os.PathLike, *, force: bool | None = None) -> None:
        """Refuse a path where no new workspace may be made.

        Parameters
        ----------
        path : path-like
            Where a new workspace would go.
        force : bool, optional
            For a command with ``--force`` (backup, copy): whether it was given; then an existing
            file that is no workspace is accepted with it (and replaced at the end), and the refusal
            says so (:func:`assetmap.files.check_file`). None: the command has no ``--force``.

        Raises
        ------
        InputError
            The file exists (with ``force``: is a workspace or a folder), the name does not end in
            ``.gpkg``, or the folder is missing.
        """
        path = Path(path)
        if force is not None and (path.exists() or path.is_symlink()):
            check_file(path, force=force)  # never a workspace, never a folder
        elif path.exists():
            raise InputError("ws_exists", "fix_other_name", path=path)
        if path.suffix.lower() != ".gpkg":
            raise InputError("ws_suffix", "fix_gpkg_name", name=path.name)
        if not path.parent.exists():
            raise InputError("folder_missing", "fix_create_folder", path=path.parent)

    @classmethod
    def open(cls, path: str | os.PathLike) -> GeoPackageStore:
        """Open an existing workspace file and bring its schema up to date.

        Parameters
        ----------
        path : path-like
            The ``.gpkg`` file.

        Returns
        -------
        GeoPackageStore
            The store, open.

        Raises
        ------
        WorkspaceError
            The file is missing, is not a GeoPackage, is not an assetmap workspace, or has a newer
            schema version than this assetmap knows.
        """
        path = Path(path)
        if not path.is_file():
            raise WorkspaceError("ws_missing", "fix_ws_init", path=path)
        conn = _connect(path)
        try:
            if not _gpkg.is_geopackage(conn):
                raise WorkspaceError("ws_not_gpkg", "fix_give_workspace", path=path)
            version = conn.execute("SELECT value FROM workspace_meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and "workspace_meta" in str(exc):
                raise WorkspaceError("ws_not_assetmap", "fix_ws_create", path=path) from exc
            raise WorkspaceError("ws_unreadable", path=path, error=exc) from exc
        except WorkspaceError:
            conn.close()
            raise
        number = version[0] if version else None
        if number is None or not str(number).isdigit() or int(number) < 1:
            conn.close()
            raise WorkspaceError("ws_no_version", "fix_ws_restore", path=path, version=number)
        if int(number) > SCHEMA_VERSION:
            conn.close()
            raise WorkspaceError("ws_too_new", "fix_upgrade", path=path, version=number, known=SCHEMA_VERSION)
        unknown = _unknown_schema(conn)
        if unknown:
            conn.close()
            raise WorkspaceError("ws_unknown_schema", "fix_repair", path=path, names=", ".join(unknown))
        # The schema is now known to hold only our own triggers, which call our ST_* functions:
        # SQLite cannot mark Python functions innocuous, so they run with the schema trusted.
        conn.execute("PRAGMA trusted_schema = ON")
        store = cls(path, conn)
        store.migrate()
        return store

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def __enter__(self) -> GeoPackageStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def location(self) -> str:
        """Where the workspace lives (a file path), as the user would write it."""
        return str(self.path)

    # ------------------------------------------------------------------ schema
    def schema_version(self) -> int:
        """The workspace schema version recorded in the file."""
        return int(self.meta()["schema_version"])

    def migrate(self) -> None:
        """Run the migrations from the file's schema version up to :data:`SCHEMA_VERSION`.

        Also adds the GeoPackage RTree index to feature tables made before it existed. A read-only
        file is left as it is (the data is complete without the index).

        Raises
        ------
        sqlite3.OperationalError
            The file needs a migration but cannot be written (read-only, or locked past the
            write-lock timeout).
        """
        version = self.schema_version()
        missing = [(t, c) for t, c in self._conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
                   if not _gpkg.has_spatial_index(self._conn, t, c)]
        if version == SCHEMA_VERSION and not missing:
            return
        try:
            with self.transaction() as conn:
                for step in range(version, SCHEMA_VERSION):
                    MIGRATIONS[step](conn)
                conn.execute("INSERT OR REPLACE INTO workspace_meta VALUES ('schema_version', ?)",
                             (str(SCHEMA_VERSION),))
                for table, column in missing:
                    _gpkg.create_spatial_index(conn, table, column)
        except sqlite3.OperationalError:
            if version != SCHEMA_VERSION:
                raise
            # read-only: the index only speeds up map tools

    def meta(self) -> dict[str, str]:
        """The ``workspace_meta`` key/value pairs (schema version, creation time, settings)."""
        return dict(self._conn.execute("SELECT key, value FROM workspace_meta").fetchall())

    def set_meta(self, key: str, value: str) -> None:
        """Set one ``workspace_meta`` value.

        Parameters
        ----------
        key : str
            Metadata name.
        value : str
            Its new value (replaces an earlier one).
        """
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO workspace_meta VALUES (?, ?)", (key, value))

    def tables(self) -> list[str]:
        """Names of the GeoPackage layers (feature and attribute tables) in the file."""
        return [r[0] for r in self._conn.execute("SELECT table_name FROM gpkg_contents ORDER BY table_name")]

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

        Raises
        ------
        WorkspaceError
            The file has no such table.
        """
        self._spec(name)  # a clear error for a missing table
        return self._conn.execute(f"SELECT count(*) FROM {_q(name)}").fetchone()[0]

    # ------------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one.

        Everything written inside lands at once when the outermost block ends, or not at all when
        it raises.

        Yields
        ------
        sqlite3.Connection
            The store's connection, inside the transaction.
        """
        if self._depth == 0:
            self._conn.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield self._conn
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._conn.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self._conn.execute("COMMIT")

    # ------------------------------------------------------------------ reading
    def read(self, name: str, where: Where | None = None, *, with_fid: bool = False
             ) -> pd.DataFrame | gpd.GeoDataFrame:
        """Read a table with its declared column types, in the order rows were written.

        Parameters
        ----------
        name : str
            Table name.
        where : mapping, optional
            Column -> value (``None`` matches NULL) or list of values; all must hold.
        with_fid : bool
            Keep the ``fid`` row number (the history uses it to name a change).

        Returns
        -------
        pandas.DataFrame or geopandas.GeoDataFrame
            A GeoDataFrame in EPSG:4326 for feature tables. A list of more than 500 values is
            queried in blocks of 500, and the rows come in write order within each block.

        Raises
        ------
        WorkspaceError
            The workspace has no such table.
        ValueError
            ``where`` has more than one list of values.
        """
        columns = self._columns(name)
        if not columns:
            raise WorkspaceError("ws_no_table", name=name)
        names = [c for c, _ in columns if with_fid or c != "fid"]
        if where is None and not with_fid and not self._conn.in_transaction:
            # A whole table, read in C through GDAL (10,000 assets in tens of milliseconds); inside
            # a transaction only this connection sees its own writes, so it reads them itself.
            frame = _read_arrow(self.path, name, columns)
            if frame is not None:
                return frame
        select = f'SELECT fid, {", ".join(_q(c) for c in names)} FROM {_q(name)}'
        rows: list = []
        for clause, params in _where_clauses(where):
            rows.extend(self._conn.execute(f"{select} {clause}", params).fetchall())
        rows.sort(key=lambda r: r[0])  # write order, also across the blocks of a long list of values
        # One transpose in C instead of a list per column: 10,000 assets list in a fraction of a second.
        columns_of_rows = list(zip(*rows)) if rows else [()] * (len(names) + 1)
        data = {c: list(columns_of_rows[i + 1]) for i, c in enumerate(names)}
        kinds = dict(columns)
        frame = pd.DataFrame({c: _column(data[c], kinds[c]) for c in names if c != "geometry"})
        if "geometry" in names:
            return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(_gpkg.decode(data["geometry"]),
                                                                  crs=settings.STORAGE_CRS))
        return frame

    def exists(self, name: str, column: str, values: list) -> set:
        """Which of ``values`` occur in ``column`` of table ``name`` (a cheap existence check).

        Parameters
        ----------
        name : str
            Table name.
        column : str
            Column to look in.
        values : list
            Values to look for (any length: they are queried 500 at a time).

        Returns
        -------
        set
            The values found.

        Raises
        ------
        WorkspaceError
            The file has no such table or column.
        """
        if column not in dict(self._columns(name)):
            raise WorkspaceError("ws_no_column", name=name, column=column)
        found: set = set()
        for start in range(0, len(values), _CHUNK):
            chunk = list(values[start:start + _CHUNK])
            found.update(r[0] for r in self._conn.execute(
                f"SELECT {_q(column)} FROM {_q(name)} WHERE {_q(column)} IN ({','.join('?' * len(chunk))})", chunk))
        return found

    # ------------------------------------------------------------------ writing
    def insert(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, *, keep_fid: bool = False) -> None:
        """Append rows. Columns missing from ``frame`` are stored as NULL; unknown columns are ignored.

        Parameters
        ----------
        name : str
            Table name: a workspace table, ``history``, or an existing analysis result.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The rows. Geometry in another CRS is stored reprojected to EPSG:4326; a frame with no
            rows writes nothing.
        keep_fid : bool
            Store the frame's ``fid`` column as the row numbers (a copy of a workspace keeps them:
            undo names a change by its ``fid``).

        Raises
        ------
        WorkspaceError
            The workspace has no such table.
        sqlite3.IntegrityError
            A row repeats a value of the table's unique key (e.g. an asset ``id`` already stored).
        """
        if len(frame) == 0:
            return
        spec = self._spec(name)
        # A column with no value in any row is left out of the INSERT (it is NULL all the same, and
        # binding it costs as much as a real value), unless the table gives it a default.
        defaults = {r[1] for r in self._conn.execute(f"PRAGMA table_info({_q(name)})") if r[4] is not None}
        with self.transaction() as conn:
            trigger = None
            if spec.geometry_type and not keep_fid and len(frame) >= _BULK_INDEX_FROM:
                trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                       (f"rtree_{name}_geometry_insert",)).fetchone()
            if trigger is not None:
                # The RTree trigger is set aside and the new rows indexed in bulk (see _index_new_rows);
                # it is created again, unchanged, in the same transaction: nobody sees the table without it.
                conn.execute(f"DROP TRIGGER {_q(f'rtree_{name}_geometry_insert')}")
            # A large frame goes in slices, so that only one slice's rows (blobs) exist at a time.
            boxes = []
            for start in range(0, len(frame), _INSERT_ROWS):
                part = frame.iloc[start:start + _INSERT_ROWS] if len(frame) > _INSERT_ROWS else frame
                columns, rows = _rows(part, spec, keep_fid=keep_fid, skip_empty=True, keep=defaults)
                sql = f'INSERT INTO {_q(name)} ({", ".join(_q(c) for c in columns)}) VALUES ({", ".join("?" * len(columns))})'
                if trigger is None:
                    conn.executemany(sql, rows)
                else:
                    boxes.append(_insert_boxed(conn, name, sql, rows, part))
                del rows
            if trigger is not None:
                _index_new_rows(conn, name, boxes)
                conn.execute(trigger[0])
            if spec.geometry_type:
                _gpkg.update_extent(conn, name)

    def update(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, key: str) -> None:
        """Overwrite the rows whose ``key`` matches a row of ``frame`` with that row (every column).

        Parameters
        ----------
        name : str
            Table name.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The new rows; a column missing from ``frame`` is set to NULL. Geometry in another CRS
            is stored reprojected to EPSG:4326. A key that matches no stored row writes nothing.
        key : str
            Column that identifies a row (``id`` for assets); must be a column of the table.

        Raises
        ------
        WorkspaceError
            The workspace has no such table.
        ValueError
            ``key`` is not a column of the table.
        """
        if len(frame) == 0:
            return
        spec = self._spec(name)
        columns, rows = _rows(frame, spec)
        position = columns.index(key)
        sets = ", ".join(f"{_q(c)} = ?" for c in columns)
        with self.transaction() as conn:
            conn.executemany(f"UPDATE {_q(name)} SET {sets} WHERE {_q(key)} = ?", [(*r, r[position]) for r in rows])
            if spec.geometry_type:
                _gpkg.update_extent(conn, name)

    def delete(self, name: str, where: Where | None = None) -> int:
        """Delete the rows that match ``where`` (every row when it is ``None``). Returns how many.

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

        Raises
        ------
        WorkspaceError
            The workspace has no such table.
        ValueError
            ``where`` has more than one list of values.
        """
        spec = self._spec(name)
        deleted = 0
        with self.transaction() as conn:
            trigger = None
            if where is None and spec.geometry_type:
                trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                       (f"rtree_{name}_geometry_delete",)).fetchone()
            if trigger is not None:
                # Every row goes: the spatial index is emptied at once, not one box at a time by the
                # trigger, which is set aside and made again, unchanged, in the same transaction.
                conn.execute(f"DROP TRIGGER {_q(f'rtree_{name}_geometry_delete')}")
                _rtree.rebuild(conn, f"rtree_{name}_geometry", np.empty(0, dtype=np.int64), np.empty((0, 4)))
            for clause, params in _where_clauses(where):
                deleted += conn.execute(f"DELETE FROM {_q(name)} {clause}", params).rowcount
            if trigger is not None:
                conn.execute(trigger[0])
            if spec.geometry_type:
                _gpkg.update_extent(conn, name)
        return deleted

    def replace(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, where: Where | None = None,
                description: str = "") -> None:
        """Replace the rows matching ``where`` (all rows by default) with ``frame``, in one transaction.

        A table that does not exist yet (an analysis result) is created with the columns of ``frame``.

        Parameters
        ----------
        name : str
            Table name.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The new rows (geometry stored in EPSG:4326).
        where : mapping, optional
            Which rows to replace, a filter as for :meth:`read`. None replaces every row.
        description : str
            Description in ``gpkg_contents`` of a table this call creates; ignored otherwise.

        Raises
        ------
        ValueError
            ``where`` has more than one list of values.
        """
        with self.transaction() as conn:
            if not self._columns(name):
                _create_table(conn, name, _infer_spec(frame, description))
            self.delete(name, where)
            self.insert(name, frame)  # a whole layer is spatially indexed in one go (see insert)

    # ------------------------------------------------------------------ internals
    def _spec(self, name: str) -> TableSpec:
        if name in TABLES:
            return TABLES[name]
        if name in PRIVATE_TABLES:
            return PRIVATE_TABLES[name]
        columns = self._columns(name)
        if not columns:
            raise WorkspaceError("ws_no_table", name=name)
        geometry = "GEOMETRY" if any(c == "geometry" for c, _ in columns) else None
        return TableSpec({c: k for c, k in columns if c not in ("fid", "geometry")}, geometry)

    def _columns(self, name: str) -> list[tuple[str, str]]:
        return [(r[1], (r[2] or "TEXT").upper()) for r in self._conn.execute(f"PRAGMA table_info({_q(name)})")]


# ---------------------------------------------------------------------- helpers
def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves; timeout = wait for other writers.
    conn = sqlite3.connect(str(path), timeout=settings.WRITE_LOCK_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    # Nothing in a file from elsewhere (a trigger, a view) may call our functions until the schema
    # has been checked (see GeoPackageStore.open).
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    _gpkg.register_functions(conn)
    return conn


def _now() -> str:
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# Triggers older GDAL versions add to count features (gpkg_ogr_contents); harmless, so accepted.
_GDAL_COUNT_TRIGGER = re.compile(
    r'CREATE TRIGGER "trigger_(insert|delete)_feature_count_([^"]+)" AFTER (INSERT|DELETE) ON "([^"]+)" '
    r"BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count (\+|-) 1 "
    r"WHERE lower\(table_name\) = lower\('([^']+)'\); END")


def _unknown_schema(conn: sqlite3.Connection) -> list[str]:
    """Names of the triggers and views in the file that assetmap did not make (and GDAL's counters).

    A trigger planted in a workspace from elsewhere would run on every write (and could, say, make
    private entries public); a view could call functions. Only the RTree index triggers, with
    exactly the SQL of the GeoPackage standard, are known.
    """
    known = _gpkg.known_triggers(conn)
    unknown = []
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') "
                                        "ORDER BY name"):
        normal = _gpkg.normalise_sql(sql or "")
        if kind == "trigger" and (known.get(name) == normal or _GDAL_COUNT_TRIGGER.fullmatch(normal)):
            continue
        unknown.append(f"{kind} {name}")
    return unknown


def repair(path: str | os.PathLike) -> tuple[Path, list[str]]:
    """Drop the triggers and views assetmap does not know from a workspace, after making a backup.

    Parameters
    ----------
    path : path-like
        The workspace file.

    Returns
    -------
    tuple of (Path, list of str)
        The backup file (None when nothing had to change) and what was dropped.

    Raises
    ------
    WorkspaceError
        The file is missing or is not a GeoPackage.
    """
    path = Path(path)
    if not path.is_file():
        raise WorkspaceError("ws_missing", "fix_ws_init", path=path)
    conn = _connect(path)
    try:
        if not _gpkg.is_geopackage(conn):
            raise WorkspaceError("ws_not_gpkg", "fix_give_workspace", path=path)
        unknown = _unknown_schema(conn)
        if not unknown:
            return None, []
        backup = path.with_name(f"{path.stem}.backup-{_now().replace(':', '').replace('.', '')}{path.suffix}")
        conn.execute("BEGIN IMMEDIATE")  # no other writer can change the file while it is copied
        shutil.copyfile(path, backup)
        for item in unknown:
            kind, name = item.split(" ", 1)
            conn.execute(f"DROP {kind.upper()} IF EXISTS {_q(name)}")
        conn.execute("COMMIT")
        return backup, unknown
    finally:
        conn.close()


#: From this many rows on, an insert fills the spatial index in one go (see :func:`_index_new_rows`).
_BULK_INDEX_FROM = 500
#: Rows encoded and inserted at a time: bounds the memory a large layer's blobs take while it is written.
_INSERT_ROWS = 20_000


def _insert_boxed(conn: sqlite3.Connection, name: str, sql: str, rows: list, frame: gpd.GeoDataFrame
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Insert ``rows`` (of ``frame``) while the RTree insert trigger is set aside; their fids and boxes.

    The boxes (``minx, maxx, miny, maxy``) come from the geometries' bounds, the same numbers the
    blobs' envelopes hold; a row without geometry, or an empty one, has none. When SQLite numbered
    the rows otherwise than one after the other, the boxes are read back from the blobs.
    """
    fid_before = conn.execute(f"SELECT coalesce(max(fid), 0) FROM {_q(name)}").fetchone()[0]
    conn.executemany(sql, rows)
    fids = np.fromiter((r[0] for r in conn.execute(f"SELECT fid FROM {_q(name)} WHERE fid > ? ORDER BY fid",
                                                     (fid_before,))), dtype=np.int64)
    if len(fids) != len(frame):
        stored = np.array(conn.execute(
            f'SELECT fid, ST_MinX(geometry), ST_MaxX(geometry), ST_MinY(geometry), ST_MaxY(geometry) FROM {_q(name)} '
            'WHERE fid > ? AND geometry NOT NULL AND NOT ST_IsEmpty(geometry)', (fid_before,)).fetchall(),
            dtype=np.float64).reshape(-1, 5)
        return stored[:, 0].astype(np.int64), stored[:, 1:]
    geometry = frame.geometry
    if geometry.crs is not None and not geometry.crs.equals(settings.STORAGE_CRS):
        geometry = geometry.to_crs(settings.STORAGE_CRS)
    bounds = shapely.bounds(np.asarray(geometry.array, dtype=object))  # NaN for a missing or empty geometry
    boxed = ~np.isnan(bounds[:, 0])
    return fids[boxed], bounds[boxed][:, [0, 2, 1, 3]]


def _index_new_rows(conn: sqlite3.Connection, name: str, boxes: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """Add the new rows' ``(fids, boxes)`` to the table's RTree, which their insert left out.

    The trigger calls five Python functions and the RTree once per row, most of a large import's
    time. When the new rows are at least half of the index, the whole index is packed again in
    one go (:func:`assetmap.storage._rtree.rebuild`, a few microseconds a box instead of ten);
    otherwise the boxes are inserted.
    """
    rtree = f"rtree_{name}_geometry"
    fids = np.concatenate([f for f, _ in boxes]) if boxes else np.empty(0, dtype=np.int64)
    bounds = np.concatenate([b for _, b in boxes]) if boxes else np.empty((0, 4))
    if not len(fids):
        return
    held = conn.execute(f'SELECT count(*) FROM {_q(rtree + "_rowid")}').fetchone()[0]
    if held <= len(fids):
        old = np.array(conn.execute(f"SELECT id, minx, maxx, miny, maxy FROM {_q(rtree)}").fetchall(),
                       dtype=np.float64).reshape(-1, 5)
        _rtree.rebuild(conn, rtree, np.concatenate([old[:, 0].astype(np.int64), fids]),
                       np.concatenate([old[:, 1:], bounds]))
        return
    conn.executemany(f"INSERT OR REPLACE INTO {_q(rtree)} VALUES (?, ?, ?, ?, ?)",
                     zip(fids.tolist(), *bounds.T.tolist()))
