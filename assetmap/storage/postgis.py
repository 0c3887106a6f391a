"""The PostGIS store: a workspace in a PostgreSQL schema, for many users and several app processes.

Same tables, columns and behaviour as :class:`~assetmap.storage.geopackage.GeoPackageStore`, so the
service, the history and undo work unchanged. The location is a libpq URI,
``postgresql://user:password@host:port/database?schema=name``; without ``schema`` the workspace
lives in the schema ``assetmap`` (see :data:`DEFAULT_SCHEMA`), so one database holds several
workspaces side by side.

Every write transaction first takes a transaction-level advisory lock of its schema: writers of
one workspace queue as they do on a GeoPackage (``BEGIN IMMEDIATE``), so the service's
read-check-write steps stay exact, while readers never wait.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Iterator
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError, WorkspaceError
from assetmap.storage.geopackage import (
    MIGRATIONS_SQL,
    PRIVATE_TABLES,
    SCHEMA_VERSION,
    TABLES,
    TableSpec,
    Where,
    _infer_spec,
    _where_clauses,
    plain_value,
)

__all__ = ["DEFAULT_SCHEMA", "PUBLIC_SUFFIX", "is_uri", "is_reserved_schema", "parse_uri", "mask", "PostgisStore"]

#: Schema a workspace lives in when the URI names none (``public`` stays PostGIS's own).
DEFAULT_SCHEMA = "assetmap"
#: Schema suffix of the public views for GIS tools (``<schema>_public``, see :mod:`assetmap.storage.public_views`).
PUBLIC_SUFFIX = "_public"

_TYPES = {"TEXT": "text", "INTEGER": "bigint", "REAL": "double precision", "BOOLEAN": "boolean", "BLOB": "bytea"}
_BACK = {"text": "TEXT", "bigint": "INTEGER", "integer": "INTEGER", "smallint": "INTEGER",
         "double precision": "REAL", "real": "REAL", "numeric": "REAL", "boolean": "BOOLEAN", "bytea": "BLOB",
         "USER-DEFINED": "GEOMETRY", "character varying": "TEXT"}
_GEOMETRY_TYPES = {"GEOMETRY": "Geometry", "POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
                   "MULTIPOINT": "MultiPoint", "MULTILINESTRING": "MultiLineString",
                   "MULTIPOLYGON": "MultiPolygon", "GEOMETRYCOLLECTION": "GeometryCollection"}
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,40}")
_CHUNK = 5000


def is_uri(location) -> bool:
    """Whether ``location`` is a PostgreSQL connection URI (``postgresql://`` or ``postgres://``).

    Parameters
    ----------
    location : str or path-like
        A workspace location.

    Returns
    -------
    bool
        True for a libpq URI, False for a file path.
    """
    return isinstance(location, str) and location.lower().startswith(("postgresql://", "postgres://"))


def is_reserved_schema(schema: str) -> bool:
    """Whether a schema may never hold a workspace: PostgreSQL's own, or the public views of one.

    A workspace written into ``<schema>_public`` would put every private entry where the GIS team
    reads; ``pg_catalog``, ``information_schema`` and ``pg_*`` belong to the server.

    Parameters
    ----------
    schema : str
        A schema name.

    Returns
    -------
    bool
        True for ``pg_*``, ``information_schema`` and any ``*_public``.
    """
    return schema.startswith("pg_") or schema == "information_schema" or schema.endswith(PUBLIC_SUFFIX)


def parse_uri(uri: str) -> tuple[str, str, str]:
    """Split a workspace URI into the libpq connection URI, the schema and a printable form.

    Parameters
    ----------
    uri : str
        ``postgresql://user:password@host:port/database?schema=name`` (other query parameters
        are passed on to libpq).

    Returns
    -------
    tuple of str
        (conninfo without ``schema``, schema name, the URI with the password masked).

    Raises
    ------
    InputError
        Not a PostgreSQL URI, no database name, or a schema name that is not a plain lower-case
        identifier.
    """
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise InputError("pg_bad_uri", "fix_pg_uri", uri=mask(uri), error=exc) from None
    if parts.scheme.lower() not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise InputError("pg_bad_uri", "fix_pg_uri", uri=mask(uri), error="no database name")
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA)
    if not _SCHEMA_NAME.fullmatch(schema):
        raise InputError("pg_bad_uri", "fix_pg_uri", uri=mask(uri), error=f"schema {schema!r}")
    if is_reserved_schema(schema):
        raise InputError("pg_reserved_schema", "fix_pg_reserved_schema", uri=mask(uri), schema=schema,
                         suffix=PUBLIC_SUFFIX)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, ""))
    return conninfo, schema, mask(uri)


def mask(uri: str) -> str:
    """The URI with its password replaced by ``***`` (for messages and logs).

    Parameters
    ----------
    uri : str
        A connection URI.

    Returns
    -------
    str
        The same URI without the password (also a ``password=`` query parameter).
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return re.sub(r"//([^:@/]*):[^@/]*@", r"//\1:***@", uri)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = "&".join(f"{k}={'***' if k == 'password' else quote(v, safe='')}"
                     for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _connect(uri: str):
    import psycopg

    conninfo, schema, shown = parse_uri(uri)
    try:
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise WorkspaceError("pg_unreachable", "fix_pg_server", uri=shown, error=_plain(exc, conninfo)) from None
    return conn, schema, shown


def _plain(exc, conninfo: str = "") -> str:
    """The driver's message on one line, without any password it might repeat."""
    message = " ".join(str(exc).split())
    password = unquote(urlsplit(conninfo).password or "") if conninfo else ""
    return message.replace(password, "***") if password else message


class PostgisStore:
    """A workspace stored in one schema of a PostgreSQL database with PostGIS.

    Parameters
    ----------
    uri : str
        The workspace URI (``postgresql://...``), as the user gave it.
    conn : psycopg.Connection
        An open connection in autocommit mode (transactions are begun explicitly).
    schema : str
        The schema that holds the workspace.
    """

    def __init__(self, uri: str, conn, schema: str):
        self.uri = uri
        self.schema = schema
        self._conn = conn
        self._depth = 0
        self._shown = mask(uri)
        self.migrated = False  # set by migrate(): the public views are built again on opening
        # One advisory lock key per workspace schema (writers of other workspaces do not wait).
        self._lock_key = zlib.crc32(f"assetmap:{schema}".encode())

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, uri: str) -> PostgisStore:
        """Create a new, empty workspace in the URI's schema (all or nothing).

        Parameters
        ----------
        uri : str
            ``postgresql://user:password@host:port/database?schema=name``.

        Returns
        -------
        PostgisStore
            The new store, open.

        Raises
        ------
        InputError
            The URI is malformed, or its schema already holds a workspace.
        WorkspaceError
            The server cannot be reached, the database has no PostGIS, or the user lacks the
            right to create the schema.
        """
        import psycopg

        conn, schema, shown = _connect(uri)
        store = cls(uri, conn, schema)
        try:
            store._require_postgis()
            if store._has_table("workspace_meta"):
                raise InputError("ws_exists", "fix_other_name", path=shown)
            with store.transaction():
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema)}")
                conn.execute(f"CREATE TABLE {store._t('workspace_meta')} (key text PRIMARY KEY, value text)")
                for name, spec in {**TABLES, **PRIVATE_TABLES}.items():
                    store._create_table(name, spec)
                conn.execute(f"CREATE INDEX ON {store._t('history')} (asset_id)")
                # A new workspace moderates what tables make public (see storage._migrations, version 6).
                conn.execute(f"INSERT INTO {store._t('workspace_meta')} VALUES ('schema_version', %s), "
                             "('created_at', %s), ('moderation', 'on')", (str(SCHEMA_VERSION), _now()))
        except psycopg.errors.InsufficientPrivilege as exc:
            conn.close()
            raise WorkspaceError("pg_no_rights", "fix_pg_rights", uri=shown, error=_plain(exc)) from None
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def open(cls, uri: str) -> PostgisStore:
        """Open an existing workspace and bring its schema up to date.

        Parameters
        ----------
        uri : str
            The workspace URI.

        Returns
        -------
        PostgisStore
            The store, open.

        Raises
        ------
        WorkspaceError
            Unreachable, no workspace in that schema, or a newer schema version.
        """
        conn, schema, shown = _connect(uri)
        store = cls(uri, conn, schema)
        try:
            if not store._has_table("workspace_meta"):
                raise WorkspaceError("ws_missing", "fix_ws_init", path=shown)
            number = store.meta().get("schema_version")
            if number is None or not str(number).isdigit() or int(number) < 1:
                raise WorkspaceError("ws_no_version", "fix_ws_restore", path=shown, version=number)
            if int(number) > SCHEMA_VERSION:
                raise WorkspaceError("ws_too_new", "fix_upgrade", path=shown, version=number, known=SCHEMA_VERSION)
            store.migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> PostgisStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def location(self) -> str:
        """The workspace URI with its password masked (safe to print)."""
        return self._shown

    # ------------------------------------------------------------------ schema
    def schema_version(self) -> int:
        """The workspace schema version recorded in ``workspace_meta``."""
        return int(self.meta()["schema_version"])

    def migrate(self) -> None:
        """Run the migrations from the recorded schema version up to :data:`SCHEMA_VERSION`.

        The steps are the GeoPackage ones written as portable SQL (:data:`MIGRATIONS_SQL`); a step
        without one is not needed here (PostGIS workspaces start at version 4).
        """
        with self.transaction():
            version = self.schema_version()  # read under the lock: two processes never migrate twice
            if version >= SCHEMA_VERSION:
                return
            self.migrated = True  # the columns changed: the service builds the public views again
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS_SQL.get(step, ()):
                    self._conn.execute(statement.format(assets=self._t("assets"), queue=self._t("moderation_queue"),
                                                        reports=self._t("entry_reports"),
                                                        codes=self._t("table_codes"),
                                                        update_links=self._t("update_links"),
                                                        owner_changes=self._t("owner_changes"),
                                                        photos=self._t("photos"),
                                                        meta=self._t("workspace_meta")))
            self.set_meta("schema_version", str(SCHEMA_VERSION))

    def change_count(self) -> int:
        """How many write transactions were committed (the app's cache key, like a file's mtime)."""
        return int(self.meta().get("change_count", 0))

    def meta(self) -> dict[str, str]:
        """The ``workspace_meta`` key/value pairs (schema version, creation time, settings)."""
        return dict(self._conn.execute(f"SELECT key, value FROM {self._t('workspace_meta')}").fetchall())

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
            conn.execute(f"INSERT INTO {self._t('workspace_meta')} VALUES (%s, %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", (key, value))

    def tables(self) -> list[str]:
        """Names of the layers (every table but the private ones and the metadata), sorted."""
        hidden = set(PRIVATE_TABLES) | {"workspace_meta"}
        rows = self._conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                                  "AND table_type = 'BASE TABLE' ORDER BY table_name", (self.schema,)).fetchall()
        return [r[0] for r in rows if r[0] not in hidden]

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
            The workspace has no such table.
        """
        self._spec(name)
        return self._conn.execute(f"SELECT count(*) FROM {self._t(name)}").fetchone()[0]

    # ------------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator:
        """One write transaction; nested calls join the outer one; all or nothing.

        The outermost block takes the workspace's advisory lock, so writers queue like on a
        GeoPackage.

        Yields
        ------
        psycopg.Connection
            The store's connection, inside the transaction.
        """
        if self._depth == 0:
            self._conn.execute("BEGIN")
            try:
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
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
            try:
                # Count the transactions that wrote (a transaction id is assigned on the first write):
                # the app keys its cached reads on this counter, as it keys them on a file's mtime.
                if self._conn.execute("SELECT pg_current_xact_id_if_assigned() IS NOT NULL").fetchone()[0]:
                    self._conn.execute(
                        f"INSERT INTO {self._t('workspace_meta')} VALUES ('change_count', '1') ON CONFLICT (key) "
                        "DO UPDATE SET value = (workspace_meta.value::bigint + 1)::text")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
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
            Keep the ``fid`` row number.

        Returns
        -------
        pandas.DataFrame or geopandas.GeoDataFrame
            A GeoDataFrame in EPSG:4326 for feature tables.

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
        select = ", ".join("ST_AsBinary(geometry)" if c == "geometry" else _q(c) for c in names)
        rows: list = []
        # Binary results: numbers and WKB arrive as they are, not as text to parse (coverage reads
        # whole networks through here).
        with self._conn.cursor(binary=True) as cur:
            for clause, params in _where_clauses(where):
                rows.extend(cur.execute(f"SELECT fid, {select} FROM {self._t(name)} {_pg(clause)}",
                                        params).fetchall())
        rows.sort(key=lambda r: r[0])
        data = {c: [r[i + 1] for r in rows] for i, c in enumerate(names)}
        kinds = dict(columns)
        frame = pd.DataFrame({c: _column(data[c], kinds[c]) for c in names if c != "geometry"})
        if "geometry" in names:
            wkb = np.asarray([None if b is None else bytes(b) for b in data["geometry"]], dtype=object)
            return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapely.from_wkb(wkb), crs=settings.STORAGE_CRS))
        return frame

    def exists(self, name: str, column: str, values: list) -> set:
        """Which of ``values`` occur in ``column`` of table ``name``.

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

        Raises
        ------
        WorkspaceError
            The workspace has no such table or column.
        """
        if column not in dict(self._columns(name)):
            raise WorkspaceError("ws_no_column", name=name, column=column)
        found: set = set()
        values = list(values)
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            found.update(r[0] for r in self._conn.execute(
                f"SELECT {_q(column)} FROM {self._t(name)} WHERE {_q(column)} IN ({','.join(['%s'] * len(chunk))})",
                chunk))
        return found

    # ------------------------------------------------------------------ writing
    def insert(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, *, keep_fid: bool = False,
               schema: str | None = None) -> None:
        """Append rows (with ``COPY``). Columns missing from ``frame`` are stored as NULL.

        Parameters
        ----------
        name : str
            Table name.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The rows; geometry in another CRS is stored reprojected to EPSG:4326.
        keep_fid : bool
            Store the frame's ``fid`` column as the row numbers (and move the row counter past them).
        schema : str, optional
            Another schema of the database (the public views); default the workspace's.

        Raises
        ------
        WorkspaceError
            The workspace has no such table.
        psycopg.errors.UniqueViolation
            A row repeats a value of the table's unique key.
        """
        if len(frame) == 0:
            return
        spec = self._spec(name, schema)
        columns, rows = _rows(frame, spec)
        if keep_fid:
            columns.append("fid")
            for row, fid in zip(rows, frame["fid"].tolist()):
                row.append(int(fid))
        with self.transaction() as conn, conn.cursor() as cur:
            with cur.copy(f"COPY {self._t(name, schema)} ({', '.join(_q(c) for c in columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if keep_fid:
                cur.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'fid'), "
                            f"greatest((SELECT max(fid) FROM {self._t(name)}), 1))", (self._t(name),))

    def update(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, key: str) -> None:
        """Overwrite the rows whose ``key`` matches a row of ``frame`` with that row (every column).

        Parameters
        ----------
        name : str
            Table name.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The new rows; a column missing from ``frame`` is set to NULL.
        key : str
            Column that identifies a row.

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
        sets = ", ".join(f"{_q(c)} = %s::geometry" if c == "geometry" else f"{_q(c)} = %s" for c in columns)
        with self.transaction() as conn, conn.cursor() as cur:
            cur.executemany(f"UPDATE {self._t(name)} SET {sets} WHERE {_q(key)} = %s",
                            [r + [r[position]] for r in rows])

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
        """
        self._spec(name)
        deleted = 0
        with self.transaction() as conn:
            for clause, params in _where_clauses(where):
                deleted += conn.execute(f"DELETE FROM {self._t(name)} {_pg(clause)}", params).rowcount
        return deleted

    def replace(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, where: Where | None = None,
                description: str = "") -> None:
        """Replace the rows matching ``where`` (all rows by default) with ``frame``, in one transaction.

        Parameters
        ----------
        name : str
            Table name; a new name makes a new table with the columns of ``frame``.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The new rows.
        where : mapping, optional
            Which rows to replace. None replaces every row.
        description : str
            Comment of a table this call creates.
        """
        with self.transaction():
            if not self._columns(name):
                self._create_table(name, _infer_spec(frame, description))
            self.delete(name, where)
            self.insert(name, frame)

    # ------------------------------------------------------------------ public views
    @property
    def public_schema(self) -> str:
        """Schema of the public views for GIS tools: ``<schema>_public``."""
        return self.schema + PUBLIC_SUFFIX

    def refresh_public_views(self, people: gpd.GeoDataFrame, hidden: tuple[str, ...],
                             held_back: list[str] | tuple[str, ...] = ()) -> None:
        """Rebuild the public schema: a view per entry kind, and the table of individuals.

        Every kind but ``individual`` is a view over ``assets``: public rows with consent, without
        the ``hidden`` columns, a ``related_asset_id`` only when it points at a public row. An
        individual's public entry (area anchor, masked texts) cannot be computed in SQL: it is
        written as the table ``individual`` from ``people``, which the caller made with
        :func:`assetmap.privacy.public_view`.

        Parameters
        ----------
        people : geopandas.GeoDataFrame
            The individuals of the public view.
        hidden : tuple of str
            Columns that never go into the public schema (contact, pseudonyms).
        held_back : list of str
            Ids of entries kept out of every view (held back by reports until a coordinator decides).
        """
        from assetmap.layers.schema import ENTRY_KINDS

        public = _q(self.public_schema)
        spec = TABLES["assets"]
        have = dict(self._columns("assets"))
        columns = [c for c in spec.fields if c in have and c not in hidden and c != "version"]
        shown = "visibility = 'public' AND consent"
        if held_back:
            shown += f" AND id NOT IN ({', '.join(_literal(str(i)) for i in held_back)})"
        select = ", ".join(
            f"CASE WHEN a.related_asset_id IN (SELECT id FROM {self._t('assets')} WHERE {shown}) "
            "THEN a.related_asset_id END AS related_asset_id" if c == "related_asset_id" else f"a.{_q(c)}"
            for c in columns)
        with self.transaction() as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {public}")
            kinds = dict(conn.execute("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON "
                                      "n.oid = c.relnamespace WHERE n.nspname = %s", (self.public_schema,)).fetchall())
            for kind in ENTRY_KINDS:
                if kinds.get(kind) in ("v", b"v"):
                    conn.execute(f"DROP VIEW {public}.{_q(kind)}")
                elif kinds.get(kind) in ("r", b"r"):
                    conn.execute(f"DROP TABLE {public}.{_q(kind)}")
                if kind == "individual":
                    continue
                # security_barrier: a reader's own function in a query on the view is never run on
                # the rows the view filters out (without it, a cheap function is pushed below the
                # filter and sees every asset). Owner's rights (not security_invoker): the GIS role
                # may read the view and nothing of the workspace schema.
                conn.execute(f"CREATE VIEW {public}.{_q(kind)} WITH (security_barrier) AS "
                             f"SELECT a.fid, {select}, a.geometry "
                             f"FROM {self._t('assets')} a WHERE a.{shown} AND a.building_block = {_literal(kind)}")
            table = TableSpec({c: spec.fields[c] for c in columns}, "POINT", None,
                              "Individuals as the public may see them: at the anchor of their area")
            self._create_table("individual", table, schema=self.public_schema)
            self.insert("individual", people, schema=self.public_schema)

    # ------------------------------------------------------------------ internals
    def _t(self, name: str, schema: str | None = None) -> str:
        return f"{_q(schema or self.schema)}.{_q(name)}"

    def _has_table(self, name: str) -> bool:
        return self._conn.execute("SELECT to_regclass(%s)", (self._t(name),)).fetchone()[0] is not None

    def _require_postgis(self) -> None:
        import psycopg

        if self._conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
            return
        try:
            self._conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.Error as exc:
            raise WorkspaceError("pg_no_postgis", "fix_pg_postgis", uri=self._shown, error=_plain(exc)) from None

    def _create_table(self, name: str, spec: TableSpec, schema: str | None = None) -> None:
        columns = ["fid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"]
        for column, kind in spec.fields.items():
            unique = " UNIQUE" if column == spec.key else ""
            columns.append(f"{_q(column)} {_TYPES.get(kind.upper(), 'text')}{unique}")
        if spec.geometry_type:
            kind = _GEOMETRY_TYPES.get(spec.geometry_type.upper(), "Geometry")
            columns.append(f"geometry geometry({kind}, 4326)")
        self._conn.execute(f"CREATE TABLE IF NOT EXISTS {self._t(name, schema)} ({', '.join(columns)})")
        if spec.geometry_type:
            self._conn.execute(f"CREATE INDEX IF NOT EXISTS {_q(name + '_geometry_gist')} ON {self._t(name, schema)} "
                               "USING GIST (geometry)")
        if spec.description:
            self._conn.execute(f"COMMENT ON TABLE {self._t(name, schema)} IS {_literal(spec.description)}")

    def _spec(self, name: str, schema: str | None = None) -> TableSpec:
        columns = self._columns(name, schema)
        if not columns:
            raise WorkspaceError("ws_no_table", name=name)
        if schema is None and (name in TABLES or name in PRIVATE_TABLES):
            spec = TABLES.get(name) or PRIVATE_TABLES[name]
            have = dict(columns)
            # Only the columns this table has (a workspace may predate a later field).
            return TableSpec({c: k for c, k in spec.fields.items() if c in have}, spec.geometry_type, spec.key,
                             spec.description)
        geometry = "GEOMETRY" if any(c == "geometry" for c, _ in columns) else None
        return TableSpec({c: k for c, k in columns if c not in ("fid", "geometry")}, geometry)

    def _columns(self, name: str, schema: str | None = None) -> list[tuple[str, str]]:
        rows = self._conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = %s ORDER BY ordinal_position", (schema or self.schema, name)).fetchall()
        return [(c, _BACK.get(k, "TEXT")) for c, k in rows]


# ---------------------------------------------------------------------- helpers
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pg(clause: str) -> str:
    """A WHERE clause written for SQLite's ``?`` placeholders, with psycopg's ``%s``."""
    return clause.replace("%", "%%").replace("?", "%s")


def _now() -> str:
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _rows(frame: pd.DataFrame, spec: TableSpec) -> tuple[list[str], list[list]]:
    """Column names and rows ready for COPY / UPDATE; geometry as hex EWKB with SRID 4326."""
    fields = spec.fields
    values = {c: frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in fields}
    rows = [[_value(values[c][i], kind) for c, kind in fields.items()] for i in range(len(frame))]
    columns = list(fields)
    if spec.geometry_type:
        geometry = frame.geometry
        if geometry.crs is not None and not geometry.crs.equals(settings.STORAGE_CRS):
            geometry = geometry.to_crs(settings.STORAGE_CRS)
        geoms = np.asarray(geometry.array, dtype=object)
        present = ~shapely.is_missing(geoms)
        hexes = [None] * len(geoms)
        if present.any():
            idx = np.nonzero(present)[0]
            encoded = shapely.to_wkb(shapely.set_srid(geoms[idx], 4326), hex=True, include_srid=True,
                                     flavor="extended")
            for k, i in enumerate(idx):
                hexes[i] = encoded[k]
        for row, value in zip(rows, hexes):
            row.append(value)
        columns.append("geometry")
    return columns, rows


def _value(value, kind: str):
    plain = plain_value(value, kind)
    if kind == "BOOLEAN" and plain is not None:
        return bool(plain)
    return plain


def _column(values: list, kind: str) -> pd.Series:
    if kind == "BOOLEAN":
        return pd.Series(values, dtype="boolean")
    if kind == "INTEGER":
        return pd.Series(values, dtype="Int64")
    if kind == "REAL":
        return pd.Series(values, dtype="float64")
    if kind == "BLOB":
        return pd.Series([None if v is None else bytes(v) for v in values], dtype=object)
    return pd.Series(values, dtype="string")
