"""Backups that restore: a whole workspace to one checked GeoPackage file, and back.

- **A GeoPackage workspace** is backed up with SQLite's online backup API
  (:meth:`sqlite3.Connection.backup`): one consistent copy of every page, taken while the app
  keeps writing (a writer waits for the moment the copy takes, never gets a half state).
- **A PostGIS workspace** is backed up with the project's own copy (:func:`assetmap.storage.copy_store`)
  to a GeoPackage file, read in one transaction of the workspace (its write lock held, so
  the history and the entries it names are of the same moment). Not ``pg_dump``: the backup is then
  the same kind of file for both stores, opens in QGIS, restores to either store (a server
  workspace can be restored on a laptop and back), needs no ``pg_dump`` of the server's version on
  the machine that makes it, and its round trip is the one the tests already hold to the same
  list, coverage and history.

Every backup and restore is built under a temporary name beside its target, **checked** (SQLite's
``integrity_check``, opened as a workspace, the rows of every table counted against the source)
and only then moved into place. A restore never overwrites a workspace unless asked (``force``),
and even then keeps what it replaces: a file as ``<name>.before-restore-<time>.gpkg`` beside it, a
server schema renamed to ``<schema>_before_<time>``.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from assetmap.errors import InputError, WorkspaceError
from assetmap.storage.geopackage import PRIVATE_TABLES, GeoPackageStore
from assetmap.storage.postgis import PUBLIC_SUFFIX, is_uri, mask, parse_uri

__all__ = ["BackupReport", "backup_store", "compact", "restore_store", "verify_backup"]

#: Result of a backup or restore: table name -> rows, and where the replaced workspace was kept.
BackupReport = dict


def backup_store(source: str | os.PathLike, out: str | os.PathLike, *, force: bool | None = None) -> dict[str, int]:
    """Write a checked backup of a whole workspace (history, accounts, table codes, results) to ``out``.

    Parameters
    ----------
    source : path-like or str
        The workspace: a ``.gpkg`` file or a ``postgresql://`` URI.
    out : path-like
        A new ``.gpkg`` file (a scheduled backup names each file by its date).
    force : bool, optional
        Replace a file that is there and is no workspace (an earlier backup is one: never replaced);
        None (the default) refuses any file that is there, as ``False`` does, with a message that
        names no ``--force``.

    Returns
    -------
    dict of str to int
        Table name -> rows in the backup.

    Raises
    ------
    InputError
        ``out`` exists, does not end in ``.gpkg`` or its folder is missing.
    WorkspaceError
        The source cannot be opened, or the backup failed its check (then no file is left).
    """
    out = Path(out)
    GeoPackageStore.check_new(out, force=force)
    build = _temporary(out)
    try:
        if is_uri(source):
            from assetmap.storage import copy_store
            expected = copy_store(source, build)
        else:
            _sqlite_copy(Path(source), build)
            expected = None
        counts = verify_backup(build, expected)
        os.replace(build, out)
        return counts
    finally:
        build.unlink(missing_ok=True)
        Path(str(build) + "-journal").unlink(missing_ok=True)


def verify_backup(path: str | os.PathLike, expected: dict[str, int] | None = None) -> dict[str, int]:
    """Check that a backup file is whole: SQLite's integrity check, opened as a workspace, rows counted.

    Parameters
    ----------
    path : path-like
        The backup (a ``.gpkg`` file).
    expected : dict of str to int, optional
        Table name -> rows the file must hold (the rows a copy wrote).

    Returns
    -------
    dict of str to int
        Table name -> rows, for every layer and the private tables (history, accounts, ...).

    Raises
    ------
    WorkspaceError
        ``backup_broken``: the file is damaged, is no workspace, or holds other counts than expected.
    """
    path = Path(path)
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
    except sqlite3.Error as exc:
        raise WorkspaceError("backup_broken", "fix_backup_other", path=path.name, error=str(exc)) from None
    if check != "ok":
        raise WorkspaceError("backup_broken", "fix_backup_other", path=path.name, error=check)
    try:
        store = GeoPackageStore.open(path)
    except (WorkspaceError, InputError) as exc:
        raise WorkspaceError("backup_broken", "fix_backup_other", path=path.name, error=exc.problems[0].code) from None
    try:
        counts = {name: store.count(name) for name in [*store.tables(), *PRIVATE_TABLES]}
    finally:
        store.close()
    if expected is not None:
        wrong = sorted(n for n, rows in expected.items() if counts.get(n) != rows)
        if wrong:
            raise WorkspaceError("backup_broken", "fix_backup_other", path=path.name,
                                 error="rows differ in " + ", ".join(wrong))
    return counts


def restore_store(backup: str | os.PathLike, target: str | os.PathLike, *, force: bool = False) -> BackupReport:
    """Restore a backup to ``target``: checked first, built beside it, then moved into place.

    Parameters
    ----------
    backup : path-like
        A backup made by :func:`backup_store` (any workspace ``.gpkg`` file).
    target : path-like or str
        A ``.gpkg`` file or a ``postgresql://`` URI.
    force : bool
        Replace a workspace that is there. What it replaces is kept (see the module's description).

    Returns
    -------
    dict
        ``rows`` (table name -> rows restored) and ``kept`` (where the replaced workspace was kept,
        or None).

    Raises
    ------
    InputError
        ``restore_target_exists`` when the target holds a workspace and ``force`` is not given;
        ``backup_missing`` when the backup file is not there.
    WorkspaceError
        ``backup_broken`` when the backup or what was built from it fails its check: nothing was replaced.
    """
    backup = Path(backup)
    if not backup.is_file():
        raise InputError("backup_missing", "fix_backup_path", path=backup)
    expected = verify_backup(backup)  # before anything is touched
    from assetmap.storage import location_exists
    exists = location_exists(target)
    if exists and not force:
        raise InputError("restore_target_exists", "fix_restore_force", target=_shown(target))
    if is_uri(target):
        return _restore_server(backup, str(target), expected, exists)
    return _restore_file(backup, Path(target), expected, exists)


def compact(location: str | os.PathLike) -> bool:
    """Rewrite a GeoPackage without its free pages (``VACUUM``), so that deleted data is gone from the file.

    After an erasure the deleted rows would otherwise stay in the file's free pages until they are
    reused. A server workspace is left to PostgreSQL's autovacuum.

    Parameters
    ----------
    location : path-like or str
        The workspace.

    Returns
    -------
    bool
        True when a file was compacted, False for a server workspace.
    """
    if is_uri(location):
        return False
    conn = sqlite3.connect(location, timeout=60)
    try:
        conn.execute("VACUUM")
    finally:
        conn.close()
    return True


# ---------------------------------------------------------------------- inner steps
def _restore_file(backup: Path, target: Path, expected: dict[str, int], exists: bool) -> BackupReport:
    if target.suffix.lower() != ".gpkg":
        raise InputError("ws_suffix", "fix_gpkg_name", name=target.name)
    if not target.parent.exists():
        raise InputError("folder_missing", "fix_create_folder", path=target.parent)
    build = _temporary(target)
    kept = None
    try:
        _sqlite_copy(backup, build)
        rows = verify_backup(build, expected)
        if exists:
            kept = target.with_name(f"{target.stem}.before-restore-{_stamp()}.gpkg")
            os.link(target, kept)  # the old file stays whole under its new name; the rename below is atomic
        os.replace(build, target)
    finally:
        build.unlink(missing_ok=True)
    return {"rows": rows, "kept": str(kept) if kept else None}


def _restore_server(backup: Path, target: str, expected: dict[str, int], exists: bool) -> BackupReport:
    import psycopg

    from assetmap.storage import copy_store
    from assetmap.storage.postgis import PostgisStore, _q

    conninfo, schema, shown = parse_uri(target)
    building = f"{schema[:40]}_restore_{secrets.token_hex(4)}"
    build_uri = _with_schema(target, building)
    rows = copy_store(backup, build_uri)  # one transaction; a failure leaves no schema behind
    wrong = sorted(n for n, count in expected.items() if rows.get(n, 0) != count)
    kept = f"{schema[:40]}_before_{_stamp().replace('-', '').lower()}" if exists else None
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if wrong:
            conn.execute(f"DROP SCHEMA IF EXISTS {_q(building)} CASCADE")
            conn.execute(f"DROP SCHEMA IF EXISTS {_q(building + PUBLIC_SUFFIX)} CASCADE")
            raise WorkspaceError("backup_broken", "fix_backup_other", path=backup.name,
                                 error="rows differ in " + ", ".join(wrong))
        with conn.transaction():
            # The workspace's write lock: no writer is half way while the schemas change names.
            from zlib import crc32
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (crc32(f"assetmap:{schema}".encode()),))
            if kept:
                conn.execute(f"ALTER SCHEMA {_q(schema)} RENAME TO {_q(kept)}")
                conn.execute(f"DROP SCHEMA IF EXISTS {_q(schema + PUBLIC_SUFFIX)} CASCADE")
            elif _schema_exists(conn, schema):  # an empty schema of that name: move the tables into it
                for (name,) in conn.execute("SELECT table_name FROM information_schema.tables WHERE "
                                            "table_schema = %s", (building,)).fetchall():
                    conn.execute(f"ALTER TABLE {_q(building)}.{_q(name)} SET SCHEMA {_q(schema)}")
                conn.execute(f"DROP SCHEMA {_q(building)} CASCADE")
            if _schema_exists(conn, building):
                conn.execute(f"ALTER SCHEMA {_q(building)} RENAME TO {_q(schema)}")
            conn.execute(f"DROP SCHEMA IF EXISTS {_q(building + PUBLIC_SUFFIX)} CASCADE")
    PostgisStore.open(target).close()  # opens as a workspace (the caller refreshes its public views)
    return {"rows": rows, "kept": kept and mask(_with_schema(target, kept)), "shown": shown}


def _schema_exists(conn, schema: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is not None


def _sqlite_copy(source: Path, build: Path) -> None:
    """Copy a GeoPackage page by page with SQLite's online backup API (a consistent snapshot)."""
    if not source.is_file():
        raise WorkspaceError("ws_missing", "fix_ws_init", path=source)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(build)
    try:
        src.backup(dst)  # every page in one step: the source's read lock is held for the whole copy
    except sqlite3.Error as exc:
        raise WorkspaceError("backup_broken", "fix_backup_other", path=source.name, error=str(exc)) from None
    finally:
        dst.close()
        src.close()


def _temporary(final: Path) -> Path:
    """A new name beside ``final`` for the file being built (same folder: the rename is atomic)."""
    return final.with_name(f".{final.stem}.{secrets.token_hex(4)}.partial.gpkg")


def _with_schema(uri: str, schema: str) -> str:
    """The same server URI with another ``?schema=``."""
    parts = urlsplit(uri)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "schema"]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode([*query, ("schema", schema)]), ""))


def _shown(location) -> str:
    return mask(location) if is_uri(location) else str(location)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
