"""Typed, documented defaults. One place for every tunable number."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "STORAGE_CRS",
    "METRIC_CRS",
    "DATA_DIR",
    "WALK_SPEED_KMH",
    "SLOW_WALK_SPEED_KMH",
    "COVERAGE_MINUTES",
    "COVERAGE_MAX_MINUTES",
    "IMPORT_BUFFER_M",
    "COMPLETE_DATA_SHARE",
    "WITHHOLD_DATA_SHARE",
    "SITE_BASEMAP_MARGIN_M",
    "MAX_SNAP_DISTANCE_M",
    "DEMAND_GRID_M",
    "SUGGEST_TIME_LIMIT_S",
    "NL_BOUNDS_LONLAT",
    "NL_BOUNDS_RD",
    "MAX_IMPORT_BYTES",
    "MAX_XLSX_UNCOMPRESSED_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_TEXT_LENGTH",
    "WRITE_LOCK_TIMEOUT_S",
    "OSM_ATTRIBUTION",
    "CBS_ATTRIBUTION",
    "PDOK_WFS_URL",
    "SIGN_IN_MAX_FAILURES",
    "SIGN_IN_LOCK_MINUTES",
    "SIGN_IN_LOCK_MAX_MINUTES",
    "CLIENT_MAX_FAILURES",
    "PASSWORD_MIN_LENGTH",
    "PASSWORD_MAX_LENGTH",
    "NAME_MAX_LENGTH",
    "TABLE_CODE_MAX_HOURS",
    "REPORTS_TO_HIDE",
    "REASON_MAX_LENGTH",
    "PUBLISH_DIR",
    "RETENTION_MONTHS",
    "STALE_MONTHS",
    "UPDATE_LINK_MAX_DAYS",
    "UPDATE_LINK_DAYS",
]

#: Coordinate reference system in which every layer is stored (WGS84 lon/lat).
STORAGE_CRS: str = "EPSG:4326"
#: Coordinate reference system for every measurement (RD New, metres).
METRIC_CRS: str = "EPSG:28992"

#: Folder with the editable tables that ship with assetmap (OSM tag mapping, templates).
DATA_DIR: Path = Path(os.environ.get("ASSETMAP_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))

#: Default walking speed in km/h (an average adult).
WALK_SPEED_KMH: float = 4.5
#: Slower profile for older people and people with limited mobility, in km/h.
SLOW_WALK_SPEED_KMH: float = 3.0
#: Default threshold in walking minutes for "a meeting place nearby".
COVERAGE_MINUTES: float = 10.0
#: The longest walk the app offers, in minutes (the largest choice of the coverage page's slider).
COVERAGE_MAX_MINUTES: float = 30.0
#: How far beyond the area (metres, RD New) ``import-osm --area ... --clip`` keeps places and the
#: walking network, so that residents near the edge reach places just outside it. None: the longest
#: walk the app offers at the normal speed, ``COVERAGE_MAX_MINUTES`` at ``WALK_SPEED_KMH`` (2,250 m).
IMPORT_BUFFER_M: float | None = None
#: An area counts as complete when at least this share of it lies inside the imported map data;
#: below it, coverage calls it partial (``data_share``, ``partial``).
COMPLETE_DATA_SHARE: float = 0.95
#: A partial area with less than this share inside the map data gets no coverage figure in the CLI
#: table, the app and the profile: its figure would say more about the edge of the data than about
#: the area. From this share up to ``COMPLETE_DATA_SHARE`` the figure is shown with the flag and
#: the share it is about.
WITHHOLD_DATA_SHARE: float = 0.5
#: How far beyond its areas (metres, RD New) a published site's offline base map reaches (streets,
#: water and green drawn until a background tile loads).
SITE_BASEMAP_MARGIN_M: float = 300.0
#: A point further than this from the walking network (metres) is reported as unreachable.
MAX_SNAP_DISTANCE_M: float = 500.0
#: Side of the fallback demand grid cells in metres (CBS uses 100 m squares).
DEMAND_GRID_M: float = 100.0
#: Seconds the exact site-suggestion solver (HiGHS) may take before greedy's picks are kept.
SUGGEST_TIME_LIMIT_S: float = 10.0

#: Bounding box of the Netherlands in WGS84 (lon_min, lat_min, lon_max, lat_max), for sanity checks.
NL_BOUNDS_LONLAT: tuple[float, float, float, float] = (3.2, 50.7, 7.3, 53.7)
#: Bounding box of the Netherlands in RD New (x_min, y_min, x_max, y_max).
NL_BOUNDS_RD: tuple[float, float, float, float] = (0.0, 300000.0, 300000.0, 630000.0)

#: Largest file accepted for import (bytes). Bigger files are refused before reading.
MAX_IMPORT_BYTES: int = 50 * 1024 * 1024
#: Largest uncompressed size accepted inside an XLSX (zip bomb guard), in bytes.
MAX_XLSX_UNCOMPRESSED_BYTES: int = 100 * 1024 * 1024
#: Most rows accepted in one workshop import.
MAX_IMPORT_ROWS: int = 50_000
#: Longest text accepted in one field (characters).
MAX_TEXT_LENGTH: int = 5_000

#: How long a writer waits for another writer's lock on the workspace (seconds).
WRITE_LOCK_TIMEOUT_S: float = 60.0

#: Attribution that every map and export of OSM data carries (ODbL).
OSM_ATTRIBUTION: str = "© OpenStreetMap contributors"
#: Attribution for CBS/Kadaster boundaries (CC BY 4.0).
CBS_ATTRIBUTION: str = "Bron: CBS, Kadaster"

#: PDOK WFS with CBS wijken en buurten (boundaries and population).
PDOK_WFS_URL: str = "https://service.pdok.nl/cbs/wijkenbuurten/2023/wfs/v1_0"

#: Failed sign-ins in a row, from one client for one name, after which that client may not try that
#: name for a while (the account itself stays open to everyone else).
SIGN_IN_MAX_FAILURES: int = 5
#: How long the first lock lasts (minutes); each further lock of the same client and name lasts twice
#: as long as the one before, up to :data:`SIGN_IN_LOCK_MAX_MINUTES`.
SIGN_IN_LOCK_MINUTES: float = 15.0
#: The longest lock (minutes): a day.
SIGN_IN_LOCK_MAX_MINUTES: float = 24 * 60.0
#: Failed sign-ins and wrong table codes from one client, whatever names it tries, after which that
#: client is locked (with the same back-off): guessing codes or trying many names is slowed down.
CLIENT_MAX_FAILURES: int = 10
#: Shortest password accepted for a local account (characters).
PASSWORD_MIN_LENGTH: int = 10
#: Longest password accepted (characters): hashing a huge text would only cost time.
PASSWORD_MAX_LENGTH: int = 1_024
#: Longest account name or pseudonym (characters).
NAME_MAX_LENGTH: int = 80
#: Longest time a table code may be valid (hours).
TABLE_CODE_MAX_HOURS: float = 72.0
#: Open reports ("melden") after which a public entry is held back from every public output until a
#: coordinator decides (Decidim's default, 3). From ``$ASSETMAP_REPORTS_TO_HIDE``.
REPORTS_TO_HIDE: int = int(os.environ.get("ASSETMAP_REPORTS_TO_HIDE") or 3)
#: Longest reason a visitor may give with a report, or a coordinator with a rejection (characters).
REASON_MAX_LENGTH: int = 500
#: Longest caption of a photo (characters): a sentence that says what it shows (its alt text).
PHOTO_CAPTION_MAX: int = 300
#: Longest credit of a photo (characters): who made it.
PHOTO_CREDIT_MAX: int = 200

#: Folder the Data page publishes the static resident map to (``assetmap publish``); None: no button.
#: From ``$ASSETMAP_PUBLISH_DIR``; the page reads this value each time it runs.
PUBLISH_DIR: str | None = os.environ.get("ASSETMAP_PUBLISH_DIR") or None

#: Months a workshop participant's pseudonym is kept after their last edit; then ``assetmap retention``
#: anonymises it (data minimisation). Each workspace can set its own (``assetmap retention WS --months``).
RETENTION_MONTHS: int = 12

#: Months after which an entry nobody checked counts as out of date ("niet gecontroleerd"): listed by
#: ``assetmap stale`` and shown as such on the map and the site (never hidden). Each workspace can
#: set its own (``assetmap stale WS --set-months``).
STALE_MONTHS: int = 12
#: Longest time an update link of one entry may be valid (days), and its default.
UPDATE_LINK_MAX_DAYS: int = 366
UPDATE_LINK_DAYS: int = 90
