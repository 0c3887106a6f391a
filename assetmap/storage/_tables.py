"""The tables of a workspace: their shapes, how a table is made, and the filters that read and delete rows.

Inner module of :mod:`assetmap.storage.geopackage` (which re-exports every public name here);
:mod:`assetmap.storage.postgis` uses the same shapes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from assetmap.layers.schema import ACTIVITY_FIELDS, ASSET_FIELDS, BOUNDARY_FIELDS, LINK_FIELDS
from assetmap.storage import _gpkg

__all__ = ["ACCOUNTS", "ENTRY_REPORTS", "HISTORY", "MODERATION_QUEUE", "OWNER_CHANGES", "PHOTOS", "PRIVATE_TABLES", "TABLES",
           "TABLE_CODES", "TableSpec", "UPDATE_LINKS", "Where"]


@dataclass(frozen=True)
class TableSpec:
    """Shape of one table: columns with their SQLite type, geometry type, unique key, description.

    Parameters
    ----------
    fields : dict of str to str
        Column -> SQLite type (``TEXT``, ``INTEGER``, ``REAL``, ``BOOLEAN``), in storage order,
        without ``fid`` and ``geometry``.
    geometry_type : str or None
        GeoPackage geometry type of the ``geometry`` column (``GEOMETRY``, ``POINT``,
        ``LINESTRING``, ...), always EPSG:4326; None for a table without geometry.
    key : str, optional
        Column whose values are unique (declared ``UNIQUE``).
    description : str
        Shown in GIS tools (``gpkg_contents``).
    """

    fields: dict[str, str]
    geometry_type: str | None
    key: str | None = None
    description: str = ""


#: Every table a workspace is made with. Analysis results add their own (see :meth:`GeoPackageStore.replace`).
TABLES: dict[str, TableSpec] = {
    "assets": TableSpec({**ASSET_FIELDS, "version": "INTEGER"}, "GEOMETRY", "id",
                        "ABCD assets: the five building blocks"),
    "boundaries": TableSpec(BOUNDARY_FIELDS, "GEOMETRY", "code", "CBS gemeente, wijk and buurt boundaries"),
    "links": TableSpec(LINK_FIELDS, None, "id", "Links between assets"),
    "activities": TableSpec(ACTIVITY_FIELDS, None, "id",
                            "Activities at meeting places and of associations (recurring time, opening_hours "
                            "syntax)"),
    "walk_nodes": TableSpec({"node_id": "INTEGER"}, "POINT", "node_id", "Walking network nodes (OSM)"),
    "walk_edges": TableSpec({"u": "INTEGER", "v": "INTEGER", "length_m": "REAL"}, "LINESTRING", None,
                            "Walking network edges (OSM), length in metres"),
    "buildings": TableSpec({"osm_ref": "TEXT", "building": "TEXT", "footprint_m2": "REAL", "levels": "REAL"},
                           "POINT", None, "Residential buildings (OSM), as centroids with footprint area"),
    "study_area": TableSpec({"name": "TEXT", "source": "TEXT"}, "GEOMETRY", None,
                            "Area covered by the imported OSM data"),
    # No migration: a workspace made before it gets the table at its next OSM import (Store.replace
    # creates a missing table), and readers treat a missing table as an empty base map.
    "basemap": TableSpec({"kind": "TEXT"}, "GEOMETRY", None,
                         "Offline base map (OSM): water, waterways, green and building outlines"),
    # Also without migration, as the base map: street names of the walking ways, one point each.
    "streets": TableSpec({"name": "TEXT"}, "POINT", None, "Street names (OSM), one point per name"),
    "sources": TableSpec({"name": "TEXT", "reference": "TEXT", "licence": "TEXT", "attribution": "TEXT",
                          "imported_at": "TEXT", "rows": "INTEGER"}, None, None, "Imported data sets"),
}

#: The history table (not a GeoPackage layer: kept out of ``gpkg_contents`` as in every workspace so far).
HISTORY = TableSpec({"asset_id": "TEXT", "action": "TEXT", "actor": "TEXT", "at": "TEXT", "before": "TEXT",
                     "after": "TEXT"}, None, None, "Every create, edit, delete, restore and undo")

#: Local accounts: a name, an argon2 hash of the password (never the password), a role, and the
#: sign-in lock. Not a GeoPackage layer: like ``history`` it stays out of ``gpkg_contents``.
ACCOUNTS = TableSpec({"name": "TEXT", "password_hash": "TEXT", "role": "TEXT", "failed_attempts": "INTEGER",
                      "locked_until": "TEXT", "created_at": "TEXT", "created_by": "TEXT"}, None, "name",
                     "Local accounts (password hashes only)")
#: Table codes for workshop tables, stored only as a hash with their expiry, and the pseudonym of the
#: one table the code belongs to (bound at its first use, or named when it was issued).
TABLE_CODES = TableSpec({"code_hash": "TEXT", "expires_at": "TEXT", "created_at": "TEXT", "created_by": "TEXT",
                         "pseudonym": "TEXT"},
                        None, "code_hash", "Table codes (hashes only)")
#: Entries a workshop participant asked to make public, waiting for a coordinator; a rejected request
#: stays (``status`` ``rejected``, with the coordinator's ``reason``) so its author sees why.
#: ``status`` NULL means waiting (rows written before schema version 6 have no status).
MODERATION_QUEUE = TableSpec({"asset_id": "TEXT", "requested_visibility": "TEXT", "requested_consent": "BOOLEAN",
                              "requested_by": "TEXT", "at": "TEXT", "status": "TEXT", "reason": "TEXT",
                              "decided_by": "TEXT", "decided_at": "TEXT"}, None, "asset_id",
                             "Entries waiting for a coordinator to make them public")
#: Reports ("melden") of public entries by visitors: only a hash of a per-session random token, never who.
#: ``decision`` NULL means open; ``keep`` or ``hide`` once a coordinator decided.
ENTRY_REPORTS = TableSpec({"asset_id": "TEXT", "token_hash": "TEXT", "reason": "TEXT", "at": "TEXT",
                           "decision": "TEXT", "decided_by": "TEXT", "decided_at": "TEXT"}, None, None,
                          "Reports of public entries by visitors (no identity)")

#: Update links: with one, the owner of ONE entry (an association, a buurthuis) keeps it up to date.
#: Only a hash of the code is stored; ``id`` is a short public handle to list and revoke it by.
UPDATE_LINKS = TableSpec({"id": "TEXT", "code_hash": "TEXT", "asset_id": "TEXT", "expires_at": "TEXT",
                          "created_at": "TEXT", "created_by": "TEXT", "revoked_at": "TEXT", "revoked_by": "TEXT"},
                         None, "code_hash", "Update links of single entries (hashes only)")
#: What an entry's owner changed through an update link while moderation is on, waiting for a
#: coordinator: ``kind`` (``entry``, ``activity add``, ``activity update``, ``activity delete``),
#: ``payload`` the change as JSON; ``status`` NULL while waiting, then ``approved`` or ``rejected``.
OWNER_CHANGES = TableSpec({"id": "TEXT", "asset_id": "TEXT", "kind": "TEXT", "target_id": "TEXT", "payload": "TEXT",
                           "link_id": "TEXT", "at": "TEXT", "status": "TEXT", "decided_by": "TEXT",
                           "decided_at": "TEXT"}, None, "id", "Changes by entry owners waiting for a coordinator")
#: Photos of entries: the display image and thumbnail (clean JPEGs, see :mod:`assetmap.layers.photos`)
#: with their SHA-256 checksums, caption (the alt text), credit and licence. ``status`` is ``pending``
#: until a coordinator decides (``approved`` or ``rejected``, with ``reason``): only an approved photo
#: of a public entry is ever public.
PHOTOS = TableSpec({"id": "TEXT", "asset_id": "TEXT", "caption": "TEXT", "credit": "TEXT", "licence": "TEXT",
                    "status": "TEXT", "reason": "TEXT", "added_by": "TEXT", "added_at": "TEXT", "decided_by": "TEXT",
                    "decided_at": "TEXT", "width": "INTEGER", "height": "INTEGER", "mime": "TEXT", "sha256": "TEXT",
                    "thumbnail_sha256": "TEXT", "image": "BLOB", "thumbnail": "BLOB"}, None, "id",
                   "Photos of entries (clean JPEGs, no metadata) with their checksums")

#: Tables of the workspace that are no GeoPackage layer (not in ``gpkg_contents``): only the service
#: reads and writes them, never an export or a GIS tool.
PRIVATE_TABLES: dict[str, TableSpec] = {"history": HISTORY, "accounts": ACCOUNTS, "table_codes": TABLE_CODES,
                                        "moderation_queue": MODERATION_QUEUE, "entry_reports": ENTRY_REPORTS,
                                        "update_links": UPDATE_LINKS, "owner_changes": OWNER_CHANGES,
                                        "photos": PHOTOS}

#: A filter for :meth:`GeoPackageStore.read` and :meth:`GeoPackageStore.delete`: column -> value
#: (``None`` matches NULL) or a list of values (any of them).
Where = Mapping[str, object]

_CHUNK = 500  # ids per IN (...) clause, under SQLite's variable limit


def _create_table(conn: sqlite3.Connection, name: str, spec: TableSpec) -> None:
    columns = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
    for column, kind in spec.fields.items():
        unique = " UNIQUE" if column == spec.key else ""
        columns.append(f"{_q(column)} {kind}{unique}")
    if spec.geometry_type:
        columns.append(f"geometry {spec.geometry_type.upper()}")
    conn.execute(f'CREATE TABLE IF NOT EXISTS {_q(name)} ({", ".join(columns)})')
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
        elif dtype == object and _holds_bytes(frame[column]):
            fields[column] = "BLOB"
        else:
            fields[column] = "TEXT"
    geometry = None
    if isinstance(frame, gpd.GeoDataFrame):
        types = set(frame.geom_type.dropna())
        geometry = types.pop().upper() if len(types) == 1 else "GEOMETRY"
    return TableSpec(fields, geometry, None, description)


def _holds_bytes(column: pd.Series) -> bool:
    """Whether every value of an object column is bytes or missing, and one at least is bytes."""
    values = column.tolist()
    return any(isinstance(v, bytes) for v in values) and all(isinstance(v, bytes) or v is None for v in values)


def _where_clauses(where: Where | None) -> Iterator[tuple[str, list]]:
    """SQL ``WHERE`` clauses with their parameters; a long list of values is split over several."""
    if not where:
        yield "", []
        return
    fixed, params, listed = [], [], None
    for column, value in where.items():
        if isinstance(value, (list, tuple, set, np.ndarray, pd.Series, pd.Index)):
            if listed is not None:
                raise ValueError("read/delete take at most one list-valued filter")
            listed = (column, list(dict.fromkeys(value)))  # each value once: no row twice
        elif value is None:
            fixed.append(f"{_q(column)} IS NULL")
        else:
            fixed.append(f"{_q(column)} = ?")
            params.append(value)
    if listed is None:
        yield "WHERE " + " AND ".join(fixed), params
        return
    column, values = listed
    for start in range(0, len(values), _CHUNK):
        chunk = values[start:start + _CHUNK]
        clause = f"{_q(column)} IN ({','.join('?' * len(chunk))})"
        yield "WHERE " + " AND ".join(fixed + [clause]), params + chunk


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
