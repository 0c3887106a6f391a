"""The workspace: one GeoPackage file holding every layer. Opens in QGIS as it is."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import AssetmapError, InputError, Problem, WorkspaceError
from assetmap.layers.assets import empty_assets, now_iso
from assetmap.layers.schema import ASSET_FIELDS, BOUNDARY_FIELDS, LINK_FIELDS
from assetmap.storage import _gpkg

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class TableSpec:
    fields: dict[str, str]
    geometry_type: str | None
    key: str | None = None
    description: str = ""


TABLES: dict[str, TableSpec] = {
    "assets": TableSpec(ASSET_FIELDS, "GEOMETRY", "id", "ABCD assets: the five building blocks"),
    "boundaries": TableSpec(BOUNDARY_FIELDS, "GEOMETRY", "code", "CBS gemeente, wijk and buurt boundaries"),
    "links": TableSpec(LINK_FIELDS, None, "id", "Links between assets"),
    "walk_nodes": TableSpec({"node_id": "INTEGER"}, "POINT", "node_id", "Walking network nodes (OSM)"),
    "walk_edges": TableSpec({"u": "INTEGER", "v": "INTEGER", "length_m": "REAL"}, "LINESTRING", None,
                            "Walking network edges (OSM), length in metres"),
    "buildings": TableSpec({"osm_ref": "TEXT", "building": "TEXT", "footprint_m2": "REAL", "levels": "REAL"},
                           "POINT", None, "Residential buildings (OSM), as centroids with footprint area"),
    "study_area": TableSpec({"name": "TEXT", "source": "TEXT"}, "GEOMETRY", None,
                            "Area covered by the imported OSM data"),
    "sources": TableSpec({"name": "TEXT", "reference": "TEXT", "licence": "TEXT", "attribution": "TEXT",
                          "imported_at": "TEXT", "rows": "INTEGER"}, None, None, "Imported data sets"),
}

_HISTORY_SQL = """
CREATE TABLE IF NOT EXISTS history (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, asset_id TEXT NOT NULL, action TEXT NOT NULL, actor TEXT,
  at TEXT NOT NULL, before TEXT, after TEXT);
CREATE INDEX IF NOT EXISTS history_asset ON history(asset_id);
CREATE TABLE IF NOT EXISTS workspace_meta (key TEXT PRIMARY KEY, value TEXT);
"""


@dataclass
class SaveReport:
    """What a write did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class PermissionDenied(AssetmapError):
    """Someone tried to change an entry that is not theirs."""


class GeoPackageWorkspace:
    """A workspace stored in one GeoPackage file.

    Every write runs in one SQLite transaction (``BEGIN IMMEDIATE``): it lands whole or not at all,
    and concurrent writers wait for each other instead of overwriting each other's rows.
    """

    def __init__(self, path: str | os.PathLike, conn: sqlite3.Connection):
        self.path = Path(path)
        self._conn = conn
        self._depth = 0

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, path: str | os.PathLike, *, exist_ok: bool = False) -> "GeoPackageWorkspace":
        """Create a new, empty workspace file (refuses to overwrite an existing one)."""
        path = Path(path)
        if path.exists():
            if exist_ok:
                return cls.open(path)
            raise InputError(f"{path} already exists", "choose another file name, or open the existing workspace")
        if path.suffix.lower() != ".gpkg":
            raise InputError(f"{path.name} does not end in .gpkg", "name the workspace file like buurt.gpkg")
        if not path.parent.exists():
            raise InputError(f"folder {path.parent} does not exist", "create the folder first")
        tmp = path.with_name(path.name + ".creating")
        conn = _connect(tmp)
        try:
            with conn:
                _gpkg.create_core(conn)
                conn.executescript(_HISTORY_SQL)
                for name, spec in TABLES.items():
                    _create_table(conn, name, spec)
                conn.execute("INSERT INTO workspace_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                conn.execute("INSERT INTO workspace_meta VALUES ('created_at', ?)", (now_iso(),))
            conn.close()
            os.replace(tmp, path)  # atomic: a half-made workspace never has the real name
        finally:
            if tmp.exists():
                tmp.unlink()
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike) -> "GeoPackageWorkspace":
        path = Path(path)
        if not path.is_file():
            raise WorkspaceError(f"workspace {path} does not exist. Fix: create it with 'assetmap init {path}'")
        conn = _connect(path)
        try:
            if not _gpkg.is_geopackage(conn):
                raise WorkspaceError(f"{path} is not a GeoPackage. Fix: give an assetmap workspace (.gpkg)")
            version = conn.execute("SELECT value FROM workspace_meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and "workspace_meta" in str(exc):
                raise WorkspaceError(f"{path} is a GeoPackage but not an assetmap workspace. "
                                     "Fix: create one with 'assetmap init'") from exc
            raise WorkspaceError(f"{path} cannot be read as a workspace ({exc})") from exc
        except WorkspaceError:
            conn.close()
            raise
        if version is None or int(version[0]) > SCHEMA_VERSION:
            conn.close()
            raise WorkspaceError(f"{path} has workspace schema version {version and version[0]}, "
                                 f"this assetmap knows up to {SCHEMA_VERSION}. Fix: upgrade assetmap")
        workspace = cls(path, conn)
        workspace._add_missing_spatial_indexes()
        return workspace

    def close(self) -> None:
        self._conn.close()

    def _add_missing_spatial_indexes(self) -> None:
        """A workspace made before the RTree index existed gets it the first time it is opened."""
        columns = self._conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        missing = [(t, c) for t, c in columns if not _gpkg.has_spatial_index(self._conn, t, c)]
        if not missing:
            return
        try:
            with self.transaction() as conn:
                for table, column in missing:
                    _gpkg.create_spatial_index(conn, table, column)
        except sqlite3.OperationalError:
            pass  # a read-only file: the index only speeds up map tools, the data is complete without it

    def __enter__(self) -> "GeoPackageWorkspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested calls join the outer one."""
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
    def meta(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT key, value FROM workspace_meta").fetchall())

    def schema_version(self) -> int:
        return int(self.meta()["schema_version"])

    def tables(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT table_name FROM gpkg_contents ORDER BY table_name")]

    def read_table(self, name: str, where: str = "", params: tuple = ()) -> pd.DataFrame | gpd.GeoDataFrame:
        """Read any table of the workspace with its declared types."""
        columns = self._columns(name)
        if not columns:
            raise WorkspaceError(f"the workspace has no table '{name}'")
        names = [c for c, _ in columns if c != "fid"]
        sql = f'SELECT {", ".join(_q(c) for c in names)} FROM "{name}" {where} ORDER BY fid'
        rows = self._conn.execute(sql, params).fetchall()
        data = {c: [r[i] for r in rows] for i, c in enumerate(names)}
        frame = pd.DataFrame({c: _column(data[c], kind) for c, kind in columns if c not in ("fid", "geometry")})
        if "geometry" in names:
            geoms = _gpkg.decode(data["geometry"])
            return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=settings.STORAGE_CRS))
        return frame

    def assets(self, building_block: str | None = None, buurt_code: str | None = None) -> gpd.GeoDataFrame:
        clauses, params = [], []
        if building_block:
            clauses.append("building_block = ?")
            params.append(building_block)
        if buurt_code:
            clauses.append("buurt_code = ?")
            params.append(buurt_code)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        frame = self.read_table("assets", where, tuple(params))
        return frame if len(frame) else empty_assets()

    def asset(self, asset_id: str) -> dict | None:
        frame = self.read_table("assets", "WHERE id = ?", (asset_id,))
        return None if frame.empty else _row_dict(frame.iloc[0])

    def boundaries(self, level: str | None = None) -> gpd.GeoDataFrame:
        if level:
            return self.read_table("boundaries", "WHERE level = ?", (level,))
        return self.read_table("boundaries")

    def links(self) -> pd.DataFrame:
        return self.read_table("links")

    def buildings(self) -> gpd.GeoDataFrame:
        return self.read_table("buildings")

    def study_area(self) -> gpd.GeoDataFrame:
        return self.read_table("study_area")

    def sources(self) -> pd.DataFrame:
        return self.read_table("sources")

    def walk_network(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """(nodes, edges) of the walking network kept in the workspace."""
        return self.read_table("walk_nodes"), self.read_table("walk_edges")

    def history(self, asset_id: str | None = None) -> pd.DataFrame:
        sql = "SELECT fid, asset_id, action, actor, at, before, after FROM history"
        params: tuple = ()
        if asset_id:
            sql += " WHERE asset_id = ?"
            params = (asset_id,)
        rows = self._conn.execute(sql + " ORDER BY fid", params).fetchall()
        return pd.DataFrame(rows, columns=["fid", "asset_id", "action", "actor", "at", "before", "after"])

    def counts(self) -> dict[str, int]:
        """Number of rows in each table, for an overview."""
        return {t: self._conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in self.tables()}

    # ------------------------------------------------------------------ writing assets
    def save_assets(self, assets: gpd.GeoDataFrame, actor: str | None = None) -> SaveReport:
        """Insert new assets and update existing ones (matched on ``id``), one transaction.

        Rows are validated already (see :func:`assetmap.layers.build_assets`). Every change is
        recorded in ``history`` with its before and after state.
        """
        report = SaveReport()
        if assets.empty:
            return report
        records = _records(assets, ASSET_FIELDS)
        blobs = _gpkg.encode(assets.geometry.array)
        # The history's after-state, made in one go: a 20,000-row import spends seconds, not minutes, here.
        wkts = shapely.to_wkt(np.asarray(assets.geometry.array, dtype=object), rounding_precision=-1)
        stamp = now_iso()
        names = list(ASSET_FIELDS)
        insert = f'INSERT INTO assets ({", ".join(_q(c) for c in names)}, geometry) VALUES ({", ".join("?" * (len(names) + 1))})'
        with self.transaction() as conn:
            self.check_related([r["id"] for r in records], [r.get("related_asset_id") for r in records])
            stored = self._stored_assets([r["id"] for r in records])
            for record, blob, wkt in zip(records, blobs, wkts):
                existing = stored.get(record["id"])
                if existing is None:
                    conn.execute(insert, [record[c] for c in names] + [blob])
                    after = _state(record, wkt)
                    self._log(record["id"], "create", actor, None, after, at=stamp)
                    # The same id later in this batch is an update of this row.
                    stored[record["id"]] = {**after, "geometry": shapely.from_wkt(wkt) if wkt else None}
                    del stored[record["id"]]["geometry_wkt"]
                    report.added.append(record["id"])
                    continue
                record["created_at"] = existing["created_at"]
                record["added_by"] = existing["added_by"] or record["added_by"]
                after = _state(record, wkt)
                before = _jsonable(existing)
                if _same(before, after):
                    report.unchanged.append(record["id"])
                    continue
                record["updated_at"] = stamp
                after["updated_at"] = stamp
                _update(conn, "assets", ASSET_FIELDS, record, blob, "id")
                self._log(record["id"], "update", actor, before, after, at=stamp)
                report.updated.append(record["id"])
            _gpkg.update_extent(conn, "assets")
        return report

    def update_asset(self, asset_id: str, changes: dict, actor: str | None = None, *,
                     owner_only: bool = False) -> dict:
        """Change some fields of one asset. ``geometry`` may be among the changes (a shapely geometry)."""
        from assetmap.layers.assets import build_assets

        with self.transaction():
            current = self._require(asset_id, actor, owner_only)
            merged = {**current, **changes, "id": asset_id}
            frame = gpd.GeoDataFrame([merged], geometry="geometry", crs=settings.STORAGE_CRS)
            checked = build_assets(frame, source=current["source"] or "workshop")
            self.save_assets(checked, actor)
        return self.asset(asset_id)

    def delete_assets(self, asset_ids: list[str], actor: str | None = None, *, owner_only: bool = False) -> int:
        """Delete assets (and their links). Reversible with :meth:`restore_asset`."""
        with self.transaction() as conn:
            for asset_id in asset_ids:
                current = self._require(asset_id, actor, owner_only)
                conn.execute("DELETE FROM assets WHERE id = ?", (asset_id,))
                conn.execute("DELETE FROM links WHERE from_asset_id = ? OR to_asset_id = ?", (asset_id, asset_id))
                self._log(asset_id, "delete", actor, _jsonable(current), None)
            _gpkg.update_extent(conn, "assets")
        return len(asset_ids)

    def restore_asset(self, asset_id: str, actor: str | None = None) -> dict:
        """Bring back a deleted asset as it was just before its last delete."""
        row = self._conn.execute(
            "SELECT before FROM history WHERE asset_id = ? AND action = 'delete' ORDER BY fid DESC LIMIT 1",
            (asset_id,)).fetchone()
        if row is None:
            raise InputError(f"asset {asset_id} was never deleted", "pick an asset from the history")
        with self.transaction() as conn:
            if self.asset(asset_id) is not None:
                raise InputError(f"asset {asset_id} exists already", "nothing to restore")
            state = json.loads(row[0])
            blob = _gpkg.encode([shapely.from_wkt(state.pop("geometry_wkt"))])[0]
            _insert(conn, "assets", ASSET_FIELDS, state, blob)
            self._log(asset_id, "restore", actor, None, _with_wkt(state, blob))
            _gpkg.update_extent(conn, "assets")
        return self.asset(asset_id)

    def undo_last(self, actor: str) -> str | None:
        """Undo ``actor``'s most recent change. Returns the asset id, or None if nothing to undo.

        Only what ``actor`` changed is taken back: an edit is undone field by field, and a field
        someone else has changed since keeps their value. An entry someone else deleted since stays
        deleted, and a deleted entry someone restored since is not written twice.
        """
        with self.transaction() as conn:
            undone = {r[0] for r in conn.execute(
                "SELECT json_extract(after, '$.undoes') FROM history WHERE actor = ? AND action LIKE 'undo%'",
                (actor,)) if r[0] is not None}
            rows = conn.execute(
                "SELECT fid, asset_id, action, before, after FROM history WHERE actor = ? AND action NOT LIKE 'undo%' "
                "ORDER BY fid DESC", (actor,)).fetchall()
            target = next((r for r in rows if r[0] not in undone), None)
            if target is None:
                return None
            fid, asset_id, action, before, after = target
            current = self.asset(asset_id)
            current_state = None if current is None else _jsonable(current)
            if action in ("create", "restore"):
                conn.execute("DELETE FROM assets WHERE id = ?", (asset_id,))
                self._log(asset_id, "undo " + action, actor, current_state, {"undoes": fid})
            elif action == "delete":
                state = json.loads(before)
                if current is None:
                    blob = _gpkg.encode([shapely.from_wkt(state["geometry_wkt"])])[0]
                    _insert(conn, "assets", ASSET_FIELDS, state, blob)
                else:
                    state = current_state  # restored by someone already
                self._log(asset_id, "undo " + action, actor, current_state, {**state, "undoes": fid})
            else:
                old, new = json.loads(before), json.loads(after)
                state = None
                if current is not None:
                    state = dict(current_state)
                    for key in old:
                        if key in ("updated_at", "created_at") or old.get(key) == new.get(key):
                            continue
                        if current_state.get(key) == new.get(key):  # nobody changed it since
                            state[key] = old[key]
                    if state != current_state:
                        state["updated_at"] = now_iso()
                        blob = _gpkg.encode([shapely.from_wkt(state["geometry_wkt"])])[0]
                        _update(conn, "assets", ASSET_FIELDS, state, blob, "id")
                self._log(asset_id, "undo " + action, actor, current_state, {**(state or {}), "undoes": fid})
            _gpkg.update_extent(conn, "assets")
        return asset_id

    def refresh_codes(self, assets: gpd.GeoDataFrame) -> None:
        """Store recomputed buurt/wijk/gemeente codes. Derived data, so not recorded in history."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE assets SET buurt_code = ?, wijk_code = ?, gemeente_code = ? WHERE id = ?",
                [[_to_sql(r[c], "TEXT") for c in ("buurt_code", "wijk_code", "gemeente_code", "id")]
                 for r in _records(assets, {c: "TEXT" for c in ("buurt_code", "wijk_code", "gemeente_code", "id")})])

    # ------------------------------------------------------------------ writing other layers
    def add_links(self, links: pd.DataFrame) -> int:
        with self.transaction():
            self._insert_frame("links", links)
        return len(links)

    def replace_boundaries(self, boundaries: gpd.GeoDataFrame, *, keep_other_levels: bool = True) -> int:
        """Replace the boundaries of the levels present in ``boundaries`` (others stay unless told)."""
        with self.transaction() as conn:
            if keep_other_levels:
                levels = sorted(set(boundaries["level"]))
                conn.execute(f"DELETE FROM boundaries WHERE level IN ({','.join('?' * len(levels))})", levels)
            else:
                conn.execute("DELETE FROM boundaries")
            self._insert_frame("boundaries", boundaries)
        return len(boundaries)

    def replace_walk_network(self, nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> None:
        with self.transaction():
            self.write_table("walk_nodes", nodes)
            self.write_table("walk_edges", edges)

    def replace_buildings(self, buildings: gpd.GeoDataFrame) -> None:
        self.write_table("buildings", buildings)

    def replace_study_area(self, area: gpd.GeoDataFrame) -> None:
        self.write_table("study_area", area)

    def log_source(self, name: str, reference: str, licence: str, attribution: str, rows: int) -> None:
        record = pd.DataFrame([{"name": name, "reference": reference, "licence": licence,
                                "attribution": attribution, "imported_at": now_iso(), "rows": rows}])
        with self.transaction():
            self._insert_frame("sources", record)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO workspace_meta VALUES (?, ?)", (key, value))

    def write_table(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, description: str = "") -> None:
        """Replace all rows of a table, creating it first if needed (for analysis results)."""
        spec = TABLES.get(name) or _infer_spec(frame, description)
        with self.transaction() as conn:
            if not self._columns(name):
                _create_table(conn, name, spec)
            conn.execute(f'DELETE FROM "{name}"')
            self._insert_frame(name, frame, spec)

    # ------------------------------------------------------------------ internals
    def _insert_frame(self, name: str, frame: pd.DataFrame, spec: TableSpec | None = None) -> None:
        spec = spec or TABLES[name]
        fields = {c: k for c, k in spec.fields.items()}
        records = _records(frame, fields)
        blobs = _gpkg.encode(frame.geometry.array) if spec.geometry_type else [None] * len(records)
        if spec.geometry_type and isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None \
                and not frame.crs.equals(settings.STORAGE_CRS):
            blobs = _gpkg.encode(frame.to_crs(settings.STORAGE_CRS).geometry.array)
        columns = list(fields) + (["geometry"] if spec.geometry_type else [])
        sql = f'INSERT INTO "{name}" ({", ".join(_q(c) for c in columns)}) VALUES ({", ".join("?" * len(columns))})'
        rows = [[r[c] for c in fields] + ([b] if spec.geometry_type else []) for r, b in zip(records, blobs)]
        self._conn.executemany(sql, rows)
        if spec.geometry_type:
            _gpkg.update_extent(self._conn, name)

    def _columns(self, name: str) -> list[tuple[str, str]]:
        return [(r[1], (r[2] or "TEXT").upper()) for r in self._conn.execute(f'PRAGMA table_info("{name}")')]

    def _stored_assets(self, ids: list[str]) -> dict[str, dict]:
        """The stored rows of these asset ids, as plain values (one query per 500 ids, no frames).

        ``save_assets`` needs the current state of every row it writes; reading them one by one
        through :meth:`asset` cost about 30 ms a row (a 30,000-row import took a quarter of an hour).
        """
        names = list(ASSET_FIELDS)
        sql = f'SELECT {", ".join(_q(c) for c in names)}, geometry FROM assets WHERE id IN '
        out: dict[str, dict] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self._conn.execute(sql + f"({','.join('?' * len(chunk))})", chunk).fetchall()
            geoms = _gpkg.decode([r[-1] for r in rows]) if rows else []
            for row, geom in zip(rows, geoms):
                record = {c: row[i] for i, c in enumerate(names)}
                for c, kind in ASSET_FIELDS.items():
                    if kind == "BOOLEAN" and record[c] is not None:
                        record[c] = bool(record[c])
                record["geometry"] = geom
                out[record["id"]] = record
        return out

    def check_related(self, ids: list[str], related_ids: list, first_row: int = 1) -> None:
        """A story may point at a place: that place must be in the same batch or in the workspace.

        ``related_ids[k]`` belongs to ``ids[k]``; problems are numbered from ``first_row`` (a file's
        own row numbers for an import, the position in the batch otherwise).
        """
        batch = set(ids)
        problems = []
        for number, related in enumerate(related_ids, start=first_row):
            if related is None or pd.isna(related) or not related or related in batch:
                continue
            if self._conn.execute("SELECT 1 FROM assets WHERE id = ?", (related,)).fetchone() is None:
                problems.append(Problem(f"asset '{related}' does not exist", "link to an existing asset id",
                                        row=number, column="related_asset_id"))
        if problems:
            raise InputError(problems)

    def _require(self, asset_id: str, actor: str | None, owner_only: bool) -> dict:
        current = self.asset(asset_id)
        if current is None:
            raise InputError(f"asset {asset_id} does not exist", "refresh the list; someone may have removed it")
        if owner_only and not actor:
            raise PermissionDenied("give your name or pseudonym first; only the person who added an entry may "
                                   "change it")
        if owner_only and current.get("added_by") != actor:
            raise PermissionDenied(f"asset {asset_id} was added by someone else; you can change only your own entries")
        return current

    def _log(self, asset_id: str, action: str, actor: str | None, before: dict | None, after: dict | None, *,
             at: str | None = None) -> None:
        self._conn.execute(
            "INSERT INTO history (asset_id, action, actor, at, before, after) VALUES (?,?,?,?,?,?)",
            (asset_id, action, actor, at or now_iso(),
             None if before is None else json.dumps(before, ensure_ascii=False),
             None if after is None else json.dumps(after, ensure_ascii=False)))


# ---------------------------------------------------------------------- helpers
def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves; timeout = wait for other writers.
    conn = sqlite3.connect(str(path), timeout=settings.WRITE_LOCK_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    _gpkg.register_functions(conn)
    return conn


def _create_table(conn: sqlite3.Connection, name: str, spec: TableSpec) -> None:
    columns = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
    for column, kind in spec.fields.items():
        unique = " UNIQUE" if column == spec.key else ""
        columns.append(f"{_q(column)} {kind}{unique}")
    if spec.geometry_type:
        columns.append(f"geometry {spec.geometry_type.upper()}")
    conn.execute(f'CREATE TABLE IF NOT EXISTS "{name}" ({", ".join(columns)})')
    _gpkg.register_table(conn, name, spec.geometry_type, spec.description)
    if spec.geometry_type:
        _gpkg.create_spatial_index(conn, name)


def _infer_spec(frame: pd.DataFrame, description: str) -> TableSpec:
    fields: dict[str, str] = {}
    for column, dtype in frame.dtypes.items():
        if column == "geometry":
            continue
        if pd.api.types.is_bool_dtype(dtype):
            fields[column] = "BOOLEAN"
        elif pd.api.types.is_integer_dtype(dtype):
            fields[column] = "INTEGER"
        elif pd.api.types.is_float_dtype(dtype):
            fields[column] = "REAL"
        else:
            fields[column] = "TEXT"
    geometry = None
    if isinstance(frame, gpd.GeoDataFrame):
        types = set(frame.geom_type.dropna())
        geometry = types.pop().upper() if len(types) == 1 else "GEOMETRY"
    return TableSpec(fields, geometry, None, description)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _records(frame: pd.DataFrame, fields: dict[str, str]) -> list[dict]:
    out = []
    columns = {c: frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in fields}
    for i in range(len(frame)):
        out.append({c: _to_sql(columns[c][i], kind) for c, kind in fields.items()})
    return out


def _to_sql(value, kind: str):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if kind == "BOOLEAN":
        return int(bool(value))
    if kind == "INTEGER":
        return int(value)
    if kind == "REAL":
        return float(value)
    return str(value)


def _column(values: list, kind: str) -> pd.Series:
    if kind == "BOOLEAN":
        return pd.Series([None if v is None else bool(v) for v in values], dtype="boolean")
    if kind == "INTEGER":
        return pd.Series(values, dtype="Int64")
    if kind in ("REAL", "DOUBLE", "FLOAT"):
        return pd.Series(values, dtype="float64")
    return pd.Series(values, dtype="string")


def _insert(conn, table: str, fields: dict[str, str], record: dict, blob) -> None:
    columns = list(fields) + ["geometry"]
    conn.execute(f'INSERT INTO "{table}" ({", ".join(_q(c) for c in columns)}) VALUES ({", ".join("?" * len(columns))})',
                 [_to_sql(record.get(c), fields[c]) for c in fields] + [blob])


def _update(conn, table: str, fields: dict[str, str], record: dict, blob, key: str) -> None:
    sets = ", ".join(f"{_q(c)} = ?" for c in list(fields) + ["geometry"])
    conn.execute(f'UPDATE "{table}" SET {sets} WHERE {_q(key)} = ?',
                 [_to_sql(record.get(c), fields[c]) for c in fields] + [blob, record[key]])


def _row_dict(row: pd.Series) -> dict:
    out = {}
    for k, v in row.items():
        out[k] = None if (v is pd.NA or v is None or (isinstance(v, float) and np.isnan(v))) else v
    if isinstance(out.get("consent"), (np.bool_,)):
        out["consent"] = bool(out["consent"])
    return out


def _jsonable(record: dict) -> dict:
    out = {}
    for k, v in record.items():
        if k == "geometry":
            out["geometry_wkt"] = None if v is None else shapely.to_wkt(v, rounding_precision=-1)
        else:
            out[k] = _to_sql(v, ASSET_FIELDS.get(k, "TEXT"))
            if ASSET_FIELDS.get(k) == "BOOLEAN" and out[k] is not None:
                out[k] = bool(out[k])
    return out


def _state(record: dict, wkt: str | None) -> dict:
    """A record of SQL values (see :func:`_records`) as history keeps it: what :func:`_jsonable` gives."""
    out = {k: (bool(v) if v is not None and ASSET_FIELDS.get(k) == "BOOLEAN" else v) for k, v in record.items()}
    out["geometry_wkt"] = wkt
    return out


def _with_wkt(record: dict, blob: bytes | None) -> dict:
    geom = _gpkg.decode([blob])[0] if blob is not None else None
    return _jsonable({**record, "geometry": geom})


def _same(before: dict, after: dict) -> bool:
    ignore = {"updated_at", "created_at"}
    return {k: v for k, v in before.items() if k not in ignore} == {k: v for k, v in after.items() if k not in ignore}
