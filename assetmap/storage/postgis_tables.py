"""Plain result tables in a PostGIS schema (the national run's buurten and wijken), not a workspace.

The tables of one call are written in one transaction: a reader sees the old tables or the new
ones, never a half. A schema that holds a workspace is refused, so a result never lands among (or
over) a workspace's tables.
"""

from __future__ import annotations

import geopandas as gpd

from assetmap.errors import InputError, WorkspaceError
from assetmap.storage._tables import _infer_spec
from assetmap.storage.postgis import PostgisStore, _connect, _plain, _q, _rows

__all__ = ["check_tables", "write_tables"]


def check_tables(uri: str, names: list[str], *, replace: bool = False) -> str:
    """Refuse before any work what :func:`write_tables` would refuse at the end (same errors).

    Parameters
    ----------
    uri : str
        The result's PostGIS URI.
    names : list of str
        The tables the run will write.
    replace : bool
        Whether existing tables of these names may be replaced.

    Returns
    -------
    str
        The URI with its password masked.
    """
    conn, schema, shown = _connect(uri)
    try:
        _refuse(PostgisStore(uri, conn, schema), names, replace, shown, schema)
    finally:
        conn.close()
    return shown


def _refuse(store: PostgisStore, names, replace: bool, shown: str, schema: str) -> None:
    store._require_postgis()
    if store._has_table("workspace_meta"):
        raise InputError("pg_result_in_workspace", "fix_pg_result_schema", uri=shown, schema=schema)
    existing = [name for name in names if store._has_table(name)]
    if existing and not replace:
        raise InputError("pg_result_exists", "fix_pg_result_replace", uri=shown, tables=", ".join(existing))


def write_tables(uri: str, tables: dict[str, gpd.GeoDataFrame], *, replace: bool = False,
                 description: str = "") -> str:
    """Write each frame as a table of the URI's schema (made if missing), all in one transaction.

    Parameters
    ----------
    uri : str
        ``postgresql://user:password@host:port/database?schema=name``.
    tables : dict
        Table name -> rows (geometry stored in EPSG:4326, with a spatial index).
    replace : bool
        Replace tables of these names that exist; without it they are refused.
    description : str
        The tables' comment.

    Returns
    -------
    str
        The URI with its password masked (to print).

    Raises
    ------
    InputError
        The URI is malformed, the schema holds a workspace, or a table exists and ``replace`` is off.
    WorkspaceError
        The server cannot be reached, has no PostGIS, or the user may not write the schema.
    """
    import psycopg

    conn, schema, shown = _connect(uri)
    try:
        store = PostgisStore(uri, conn, schema)
        _refuse(store, list(tables), replace, shown, schema)
        conn.execute("BEGIN")
        try:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema)}")
            for name, frame in tables.items():
                conn.execute(f"DROP TABLE IF EXISTS {store._t(name)}")
                spec = _infer_spec(frame, description)
                store._create_table(name, spec)
                columns, rows = _rows(frame, spec)
                with conn.cursor() as cur, cur.copy(
                        f"COPY {store._t(name)} ({', '.join(_q(c) for c in columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except psycopg.errors.InsufficientPrivilege as exc:
        raise WorkspaceError("pg_no_rights", "fix_pg_rights", uri=shown, error=_plain(exc)) from None
    finally:
        conn.close()
    return shown
