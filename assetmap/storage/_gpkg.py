"""GeoPackage 1.4 essentials over plain sqlite3: core tables and the geometry blob format.

We write the GeoPackage ourselves (not through GDAL) so that every write is one SQLite
transaction we control: imports land whole or not at all, and concurrent writers queue on
SQLite's lock instead of overwriting each other.
"""

from __future__ import annotations

import operator
import sqlite3
import struct

import numpy as np
import shapely

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10400  # GeoPackage 1.4.0
SRS_ID = 4326

_CORE_SQL = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,'
    'AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

_EXTENSIONS_SQL = """
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
"""
_RTREE_DEFINITION = "http://www.geopackage.org/spec140/index.html#extension_rtree"
# The RTree table and triggers of the GeoPackage 1.4 extension (t = table, c = geometry column, i = fid),
# one statement each: executescript would commit the caller's transaction.
_RTREE_STATEMENTS: tuple[str, ...] = (
    """CREATE VIRTUAL TABLE "rtree_{t}_{c}" USING rtree(id, minx, maxx, miny, maxy)""",
    """CREATE TRIGGER "rtree_{t}_{c}_insert" AFTER INSERT ON "{t}"
  WHEN (NEW."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (NEW."{i}",
    ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;""",
    """CREATE TRIGGER "rtree_{t}_{c}_update6" AFTER UPDATE OF "{c}" ON "{t}"
  WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
       AND (OLD."{c}" NOTNULL AND NOT ST_IsEmpty(OLD."{c}"))
BEGIN
  UPDATE "rtree_{t}_{c}" SET minx = ST_MinX(NEW."{c}"), maxx = ST_MaxX(NEW."{c}"),
    miny = ST_MinY(NEW."{c}"), maxy = ST_MaxY(NEW."{c}") WHERE id = NEW."{i}";
END;""",
    """CREATE TRIGGER "rtree_{t}_{c}_update7" AFTER UPDATE OF "{c}" ON "{t}"
  WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
       AND (OLD."{c}" ISNULL OR ST_IsEmpty(OLD."{c}"))
BEGIN
  INSERT INTO "rtree_{t}_{c}" VALUES (NEW."{i}",
    ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;""",
    """CREATE TRIGGER "rtree_{t}_{c}_update2" AFTER UPDATE OF "{c}" ON "{t}"
  WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}";
END;""",
    """CREATE TRIGGER "rtree_{t}_{c}_update5" AFTER UPDATE ON "{t}"
  WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}";
  INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (NEW."{i}",
    ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;""",
    """CREATE TRIGGER "rtree_{t}_{c}_update4" AFTER UPDATE ON "{t}"
  WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "rtree_{t}_{c}" WHERE id IN (OLD."{i}", NEW."{i}");
END;""",
    """CREATE TRIGGER "rtree_{t}_{c}_delete" AFTER DELETE ON "{t}"
  WHEN OLD."{c}" NOT NULL
BEGIN
  DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}";
END;""",
)


def create_core(conn: sqlite3.Connection) -> None:
    """Create the GeoPackage core tables and the required spatial reference systems.

    Sets the GeoPackage ``application_id`` and ``user_version`` (1.4.0). Runs ``executescript``,
    which commits an open transaction, so call it on a new file only.

    Parameters
    ----------
    conn : sqlite3.Connection
        Connection to the new file.
    """
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {USER_VERSION}")
    conn.executescript(_CORE_SQL)
    conn.executemany(
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
        [
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
            ("WGS 84 geodetic", 4326, "EPSG", 4326, _WGS84_WKT, "longitude/latitude coordinates in decimal degrees"),
        ],
    )


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the RTree triggers call (GDAL and QGIS bring their own).

    Registers ``ST_IsEmpty``, ``ST_MinX``, ``ST_MaxX``, ``ST_MinY`` and ``ST_MaxY`` on geometry blobs.

    Parameters
    ----------
    conn : sqlite3.Connection
        Every connection that writes a feature table needs them.
    """
    conn.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    for name, position in (("ST_MinX", 0), ("ST_MaxX", 1), ("ST_MinY", 2), ("ST_MaxY", 3)):
        conn.create_function(name, 1, lambda blob, k=position: _envelope(blob)[k], deterministic=True)


def has_spatial_index(conn: sqlite3.Connection, table: str, column: str = "geometry") -> bool:
    """Whether the RTree index of ``table``'s geometry column exists.

    Parameters
    ----------
    conn : sqlite3.Connection
        Connection to the GeoPackage.
    table : str
        Feature table name.
    column : str
        Geometry column name.

    Returns
    -------
    bool
        True when the ``rtree_<table>_<column>`` table exists.
    """
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (f"rtree_{table}_{column}",)).fetchone() \
        is not None


def create_spatial_index(conn: sqlite3.Connection, table: str, column: str = "geometry",
                         key: str = "fid") -> None:
    """Add the GeoPackage RTree index to a feature table (QGIS and GDAL use it for every pan and zoom).

    Creates the index, its triggers and its ``gpkg_extensions`` row, and fills it from the rows
    already there; does nothing when the index exists. Names go into the SQL as they are, quoted
    with ``"`` but not escaped.

    Parameters
    ----------
    conn : sqlite3.Connection
        Connection with :func:`register_functions` applied, inside the caller's transaction.
    table : str
        Feature table name.
    column : str
        Geometry column name.
    key : str
        Integer primary key column of the table.
    """
    if has_spatial_index(conn, table, column):
        return
    conn.execute(_EXTENSIONS_SQL)
    conn.execute("INSERT OR IGNORE INTO gpkg_extensions VALUES (?,?,?,?,?)",
                 (table, column, "gpkg_rtree_index", _RTREE_DEFINITION, "write-only"))
    for statement in _RTREE_STATEMENTS:
        conn.execute(statement.format(t=table, c=column, i=key))
    conn.execute(f'INSERT OR REPLACE INTO "rtree_{table}_{column}" SELECT "{key}", ST_MinX("{column}"), '
                 f'ST_MaxX("{column}"), ST_MinY("{column}"), ST_MaxY("{column}") FROM "{table}" '
                 f'WHERE "{column}" NOT NULL AND NOT ST_IsEmpty("{column}")')


def _header(blob: bytes) -> tuple[int, int, bool]:
    """(flags, envelope byte count, little endian) of a GeoPackage geometry blob."""
    flags = blob[3]
    return flags, _ENVELOPE_BYTES[(flags >> 1) & 0b111], bool(flags & 1)


def _is_empty(blob) -> int | None:
    if blob is None:
        return None
    blob = bytes(blob)
    flags, _, _ = _header(blob)
    return int(bool(flags & 0b10000))


def _envelope(blob) -> tuple[float, float, float, float] | tuple[None, None, None, None]:
    """(minx, maxx, miny, maxy): from the blob's envelope, else from its geometry."""
    if blob is None:
        return (None, None, None, None)
    blob = bytes(blob)
    _, size, little = _header(blob)
    if size:
        return struct.unpack_from("<4d" if little else ">4d", blob, 8)
    geom = shapely.from_wkb(blob[8:])
    if geom.is_empty:
        return (None, None, None, None)
    minx, miny, maxx, maxy = geom.bounds
    return (minx, maxx, miny, maxy)


def known_triggers(conn: sqlite3.Connection) -> dict[str, str]:
    """The triggers a workspace may hold: name -> normalised SQL of each RTree index trigger.

    Parameters
    ----------
    conn : sqlite3.Connection
        An open GeoPackage.

    Returns
    -------
    dict
        One entry per trigger of the RTree extension on every geometry column (fid as key).
    """
    known = {}
    for table, column in conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"):
        for statement in _RTREE_STATEMENTS:
            sql = statement.format(t=table, c=column, i="fid")
            if sql.startswith("CREATE TRIGGER"):
                known[sql.split('"')[1]] = normalise_sql(sql)
    return known


def normalise_sql(sql: str) -> str:
    """SQL with runs of white space folded and no trailing semicolon, for comparing definitions.

    Parameters
    ----------
    sql : str
        A statement as ``sqlite_master`` keeps it.

    Returns
    -------
    str
        The normalised statement.
    """
    return " ".join(sql.split()).rstrip(";").strip()


def is_geopackage(conn: sqlite3.Connection) -> bool:
    """Whether the file's ``application_id`` says GeoPackage (``GPKG``).

    Parameters
    ----------
    conn : sqlite3.Connection
        Connection to the file.

    Returns
    -------
    bool
        True for a GeoPackage; the tables themselves are not checked.

    Raises
    ------
    sqlite3.DatabaseError
        The file is not an SQLite database.
    """
    return conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def register_table(conn: sqlite3.Connection, name: str, geometry_type: str | None, description: str = "") -> None:
    """Record a table in gpkg_contents (and gpkg_geometry_columns for features).

    A table already recorded is left as it is.

    Parameters
    ----------
    conn : sqlite3.Connection
        Connection to the GeoPackage.
    name : str
        Table name (also its identifier).
    geometry_type : str or None
        Geometry type of the ``geometry`` column (EPSG:4326); None for an attribute table.
    description : str
        Shown in GIS tools.
    """
    data_type = "features" if geometry_type else "attributes"
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?,?,?,?,?)",
        (name, data_type, name, description, SRS_ID if geometry_type else None),
    )
    if geometry_type:
        conn.execute("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                     (name, "geometry", geometry_type.upper(), SRS_ID))


def update_extent(conn: sqlite3.Connection, name: str) -> None:
    """Refresh a feature table's extent and last_change in gpkg_contents (QGIS zooms to it).

    The extent is in degrees (EPSG:4326); an empty table gets no extent.

    Parameters
    ----------
    conn : sqlite3.Connection
        Connection with :func:`register_functions` applied.
    name : str
        Feature table name (geometry column ``geometry``).
    """
    rtree = f"rtree_{name}_geometry"
    if has_spatial_index(conn, name):
        # The index keeps 32-bit boxes rounded outwards: it finds the few features at the edges of the
        # table in C, and only those are decoded for the exact extent.
        box = conn.execute(f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "{rtree}"').fetchone()
        if box[0] is None:
            rows = []
        else:
            margin = 1e-3  # well above the 32-bit rounding of any coordinate in degrees
            rows = conn.execute(
                f'SELECT geometry FROM "{name}" WHERE fid IN (SELECT id FROM "{rtree}" '
                "WHERE minx <= ? OR miny <= ? OR maxx >= ? OR maxy >= ?)",
                (box[0] + margin, box[1] + margin, box[2] - margin, box[3] - margin)).fetchall()
    else:
        rows = conn.execute(f'SELECT geometry FROM "{name}" WHERE geometry IS NOT NULL').fetchall()
    bounds = [np.nan] * 4
    if rows:
        bounds = [float(v) for v in shapely.total_bounds(decode([r[0] for r in rows]))]
    conn.execute(
        "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
        "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
        [None if np.isnan(v) else v for v in bounds] + [name],
    )


def encode(geoms) -> list[bytes | None]:
    """Shapely geometries -> GeoPackage geometry blobs (little endian, xy envelope).

    Parameters
    ----------
    geoms : array-like of shapely.Geometry or None
        Geometries already in EPSG:4326: the blobs say SRS 4326 whatever the input was.

    Returns
    -------
    list of bytes or None
        One blob per geometry; None stays None, an empty geometry gets the empty flag.
    """
    geoms = np.asarray(geoms, dtype=object)
    out: list[bytes | None] = [None] * len(geoms)
    present = ~shapely.is_missing(geoms)
    if not present.any():
        return out
    idx = np.nonzero(present)[0]
    wkbs = shapely.to_wkb(geoms[idx], byte_order=1, flavor="iso")
    bounds = shapely.bounds(geoms[idx])
    empty = shapely.is_empty(geoms[idx])
    # Every header at once (numpy writes the same little-endian bytes struct.pack would), joined to
    # its WKB in C: a large import encodes a million geometries.
    header = np.zeros(len(idx), dtype=_HEADER)
    header["magic"], header["flags"], header["srs_id"] = b"GP", 0b00000011, SRS_ID
    header["envelope"] = bounds[:, [0, 2, 1, 3]]  # minx, maxx, miny, maxy
    blobs = list(map(operator.add, header.view(f"V{_HEADER.itemsize}").tolist(), wkbs.tolist()))
    for k in np.nonzero(empty)[0].tolist():
        blobs[k] = struct.pack("<2sBBi", b"GP", 0, 0b00010001, SRS_ID) + wkbs[k]
    if len(idx) == len(geoms):
        return blobs
    for k, i in enumerate(idx.tolist()):
        out[i] = blobs[k]
    return out


#: The header of a GeoPackage geometry blob with an xy envelope (little endian).
_HEADER = np.dtype([("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srs_id", "<i4"), ("envelope", "<f8", (4,))])


def decode(blobs) -> np.ndarray:
    """GeoPackage geometry blobs -> shapely geometries (None stays None).

    Parameters
    ----------
    blobs : iterable of bytes or None
        GeoPackage geometry blobs as SQLite returns them.

    Returns
    -------
    numpy.ndarray
        Shapely geometries (object array); the SRS id in the blobs is not read.

    Raises
    ------
    ValueError
        A blob does not start with the GeoPackage magic ``GP``.
    """
    wkbs: list[bytes | None] = []
    for blob in blobs:
        if blob is None:
            wkbs.append(None)
            continue
        blob = bytes(blob)
        if blob[:2] != b"GP":
            raise ValueError("not a GeoPackage geometry blob")
        wkbs.append(blob[8 + _header(blob)[1]:])
    return shapely.from_wkb(np.asarray(wkbs, dtype=object))
