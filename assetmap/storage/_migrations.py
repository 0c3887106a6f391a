"""The schema version of a workspace and the migrations that take an older file up, step by step.

Inner module of :mod:`assetmap.storage.geopackage` (which re-exports every public name here).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from assetmap.layers.schema import AGE_GROUP_FIELDS, ASSET_FIELDS, BOUNDARY_FIELDS, MEETING_PLACE_FIELDS
from assetmap.storage._tables import TABLES, _create_table, _q

__all__ = ["MIGRATIONS", "MIGRATIONS_SQL", "SCHEMA_VERSION"]

#: Version of the workspace schema this code writes. A file with a higher version is refused.
#: Version 2 added the access tables (``accounts``, ``table_codes``, ``moderation_queue``); version 3
#: the meeting-place fields (``access``, ``scale``, ``capacity``, ``target_groups``), the CBS age groups
#: of the boundaries and the ``activities`` table; version 4 the initiative and change-over-time
#: columns of ``assets`` (status, seeks, offers, tags, owners, last_checked, ended_at); version 5 the
#: ``version`` of each asset (a counter every change raises, so a stale edit is refused); version 6
#: the decision of a moderation request (``status``, ``reason``, ``decided_by``, ``decided_at``), the
#: ``entry_reports`` table, and an explicit ``moderation`` setting in every workspace; version 7 the
#: ``pseudonym`` a table code is bound to (at its first use, or when it is issued for a named table); version 8 the
#: ``update_links`` of single entries and the ``owner_changes`` waiting for a coordinator; version 9 the
#: ``photos`` table (clean images of entries with their checksums, approved before they are public);
#: version 10 the names and descriptions in other languages (``name_en`` ... ``description_pl``).
SCHEMA_VERSION = 10

_HISTORY_SQL = """
CREATE TABLE IF NOT EXISTS history (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, asset_id TEXT NOT NULL, action TEXT NOT NULL, actor TEXT,
  at TEXT NOT NULL, before TEXT, after TEXT);
CREATE INDEX IF NOT EXISTS history_asset ON history(asset_id);
CREATE TABLE IF NOT EXISTS workspace_meta (key TEXT PRIMARY KEY, value TEXT);
"""

_ACCESS_SQL = (
    "CREATE TABLE IF NOT EXISTS accounts (fid INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, "
    "password_hash TEXT NOT NULL, role TEXT NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0, "
    "locked_until TEXT, created_at TEXT NOT NULL, created_by TEXT)",
    "CREATE TABLE IF NOT EXISTS table_codes (fid INTEGER PRIMARY KEY AUTOINCREMENT, code_hash TEXT NOT NULL UNIQUE, "
    "expires_at TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT)",
    "CREATE TABLE IF NOT EXISTS moderation_queue (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "asset_id TEXT NOT NULL UNIQUE, requested_visibility TEXT NOT NULL, requested_consent BOOLEAN, "
    "requested_by TEXT, at TEXT NOT NULL)",
)


def _add_access_tables(conn: sqlite3.Connection) -> None:
    """Schema 1 -> 2: local accounts, table codes and the moderation queue (moderation not set: the
    service's default applies, off on a laptop and on in a hosted app)."""
    for statement in _ACCESS_SQL:  # one by one: executescript would commit the migration's transaction
        conn.execute(statement)


def _add_meeting_place_fields(conn: sqlite3.Connection) -> None:
    """Schema -> 3: the meeting-place fields of assets, the CBS age groups of boundaries and the
    ``activities`` table, each only where missing (so the step may run after another's)."""
    for table, fields in (("assets", {f: ASSET_FIELDS[f] for f in MEETING_PLACE_FIELDS}),
                          ("boundaries", {f: BOUNDARY_FIELDS[f] for f in AGE_GROUP_FIELDS})):
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({_q(table)})")}
        if not have:
            continue
        for column, kind in fields.items():
            if column not in have:
                conn.execute(f"ALTER TABLE {_q(table)} ADD COLUMN {_q(column)} {kind}")
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='activities'").fetchone():
        _create_table(conn, "activities", TABLES["activities"])


def _add_initiative_fields(conn: sqlite3.Connection) -> None:
    """Schema 3 -> 4: the initiative and change-over-time columns of ``assets``, added where missing.

    Self-contained (its own column list, not today's schema): a migration must do the same on every
    file, whatever later versions add.
    """
    columns = ("status", "seeks", "offers", "tags", "owners", "last_checked", "ended_at")
    present = {row[1] for row in conn.execute('PRAGMA table_info("assets")')}
    for column in columns:
        if column not in present:
            conn.execute(f'ALTER TABLE "assets" ADD COLUMN "{column}" TEXT')


def _add_version_column(conn: sqlite3.Connection) -> None:
    """Schema 4 -> 5: the ``version`` of each asset, 1 for every stored row (edits raise it)."""
    present = {row[1] for row in conn.execute('PRAGMA table_info("assets")')}
    if "version" not in present:
        conn.execute('ALTER TABLE "assets" ADD COLUMN "version" INTEGER DEFAULT 1')


_REPORTS_SQL = (
    "CREATE TABLE IF NOT EXISTS entry_reports (fid INTEGER PRIMARY KEY AUTOINCREMENT, asset_id TEXT NOT NULL, "
    "token_hash TEXT NOT NULL, reason TEXT, at TEXT NOT NULL, decision TEXT, decided_by TEXT, decided_at TEXT)",
    "CREATE INDEX IF NOT EXISTS entry_reports_asset ON entry_reports(asset_id)",
)
_QUEUE_DECISION_COLUMNS = ("status", "reason", "decided_by", "decided_at")


def _add_reports_and_decisions(conn: sqlite3.Connection) -> None:
    """Schema 5 -> 6: the decision columns of ``moderation_queue``, the ``entry_reports`` table, and
    the ``moderation`` setting stored where it was never set.

    A workspace that never set moderation gets ``on``: the hosted app already moderated such a
    workspace, and a coordinator's own saves are never moderated, so nothing that worked changes,
    and every face (CLI, app, service) now reads the same stored value. Idempotent (also run when a
    workspace is created).
    """
    present = {row[1] for row in conn.execute('PRAGMA table_info("moderation_queue")')}
    for column in _QUEUE_DECISION_COLUMNS:
        if column not in present:
            conn.execute(f'ALTER TABLE "moderation_queue" ADD COLUMN "{column}" TEXT')
    for statement in _REPORTS_SQL:
        conn.execute(statement)
    conn.execute("INSERT OR IGNORE INTO workspace_meta VALUES ('moderation', 'on')")


def _add_table_code_pseudonym(conn: sqlite3.Connection) -> None:
    """Schema 6 -> 7: the ``pseudonym`` of each table code (NULL: not used yet). Idempotent (also run
    when a workspace is created)."""
    present = {row[1] for row in conn.execute('PRAGMA table_info("table_codes")')}
    if "pseudonym" not in present:
        conn.execute('ALTER TABLE "table_codes" ADD COLUMN "pseudonym" TEXT')


_UPDATE_LINKS_SQL = (
    "CREATE TABLE IF NOT EXISTS update_links (fid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
    "code_hash TEXT NOT NULL UNIQUE, asset_id TEXT NOT NULL, expires_at TEXT NOT NULL, created_at TEXT NOT NULL, "
    "created_by TEXT, revoked_at TEXT, revoked_by TEXT)",
    "CREATE TABLE IF NOT EXISTS owner_changes (fid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
    "asset_id TEXT NOT NULL, kind TEXT NOT NULL, target_id TEXT, payload TEXT, link_id TEXT, at TEXT NOT NULL, "
    "status TEXT, decided_by TEXT, decided_at TEXT)",
)


def _add_update_links(conn: sqlite3.Connection) -> None:
    """Schema 7 -> 8: the ``update_links`` of single entries and the ``owner_changes`` waiting for a
    coordinator. Idempotent (also run when a workspace is created)."""
    for statement in _UPDATE_LINKS_SQL:
        conn.execute(statement)


_PHOTOS_SQL = (
    "CREATE TABLE IF NOT EXISTS photos (fid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
    "asset_id TEXT NOT NULL, caption TEXT, credit TEXT, licence TEXT, status TEXT NOT NULL, reason TEXT, "
    "added_by TEXT, added_at TEXT NOT NULL, decided_by TEXT, decided_at TEXT, width INTEGER, height INTEGER, "
    "mime TEXT, sha256 TEXT NOT NULL, thumbnail_sha256 TEXT NOT NULL, image BLOB NOT NULL, thumbnail BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS photos_asset ON photos(asset_id)",
)


def _add_photos(conn: sqlite3.Connection) -> None:
    """Schema 8 -> 9: the ``photos`` table, a private table as ``history`` (no GeoPackage layer: a
    photo waiting for a coordinator is nobody else's business). Idempotent (also run when a workspace
    is created)."""
    for statement in _PHOTOS_SQL:
        conn.execute(statement)


#: The columns schema version 10 adds to ``assets``: its own list, as every step keeps one.
_TRANSLATION_COLUMNS = tuple(f"{field}_{language}" for field in ("name", "description")
                             for language in ("en", "tr", "ar", "pl"))


def _add_translation_columns(conn: sqlite3.Connection) -> None:
    """Schema 9 -> 10: an entry's name and description in English, Turkish, Arabic and Polish,
    added where missing (empty: the resident map shows the Dutch text)."""
    present = {row[1] for row in conn.execute('PRAGMA table_info("assets")')}
    for column in _TRANSLATION_COLUMNS:
        if column not in present:
            conn.execute(f'ALTER TABLE "assets" ADD COLUMN "{column}" TEXT')


#: Migrations: ``MIGRATIONS[v]`` takes a workspace from schema version ``v`` to ``v + 1`` inside the
#: transaction that also records the new version.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _add_access_tables, 2: _add_meeting_place_fields, 3: _add_initiative_fields, 4: _add_version_column,
    5: _add_reports_and_decisions, 6: _add_table_code_pseudonym, 7: _add_update_links, 8: _add_photos,
    9: _add_translation_columns}

#: The same steps for a server database (:mod:`assetmap.storage.postgis`), as SQL statements with
#: ``{assets}``, ``{queue}``, ``{reports}``, ``{codes}``, ``{meta}``, ``{update_links}``,
#: ``{owner_changes}`` and ``{photos}`` for the qualified table names. Server
#: workspaces start at version 4, so only the later steps need a form here.
MIGRATIONS_SQL: dict[int, tuple[str, ...]] = {
    4: ('ALTER TABLE {assets} ADD COLUMN IF NOT EXISTS "version" bigint DEFAULT 1',),
    5: (*(f'ALTER TABLE {{queue}} ADD COLUMN IF NOT EXISTS "{c}" text' for c in _QUEUE_DECISION_COLUMNS),
        "CREATE TABLE IF NOT EXISTS {reports} (fid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "asset_id text, token_hash text, reason text, at text, decision text, decided_by text, decided_at text)",
        "INSERT INTO {meta} VALUES ('moderation', 'on') ON CONFLICT (key) DO NOTHING"),
    6: ('ALTER TABLE {codes} ADD COLUMN IF NOT EXISTS "pseudonym" text',),
    7: ("CREATE TABLE IF NOT EXISTS {update_links} (fid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "id text UNIQUE, code_hash text UNIQUE, asset_id text, expires_at text, created_at text, created_by text, "
        "revoked_at text, revoked_by text)",
        "CREATE TABLE IF NOT EXISTS {owner_changes} (fid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "id text UNIQUE, asset_id text, kind text, target_id text, payload text, link_id text, at text, "
        "status text, decided_by text, decided_at text)"),
    8: ("CREATE TABLE IF NOT EXISTS {photos} (fid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "id text UNIQUE, asset_id text, caption text, credit text, licence text, status text, reason text, "
        "added_by text, added_at text, decided_by text, decided_at text, width bigint, height bigint, mime text, "
        "sha256 text, thumbnail_sha256 text, image bytea, thumbnail bytea)",),
    9: tuple(f'ALTER TABLE {{assets}} ADD COLUMN IF NOT EXISTS "{c}" text' for c in _TRANSLATION_COLUMNS),
}
