"""Dump every table of an OSM import, to check that a change to the import path keeps the stored result.

    PYTHONPATH=OLD_CHECKOUT .venv/bin/python bench/import_outputs.py delft before.gpkg before.txt
    PYTHONPATH=NEW_CHECKOUT .venv/bin/python bench/import_outputs.py delft after.gpkg after.txt
    cmp before.txt after.txt

The source is ``delft`` (the packaged Delft extract, ``.osm.pbf``), ``delft-bz2`` (the shared
``.osm.bz2``) or a synthetic city folder written by ``bench/synthetic_city.py``. Imports its
boundaries and then the OSM file into a new workspace, and writes every table's rows (every column,
``fid`` and geometry blobs included, and each spatial index' boxes), sorted, with timestamps replaced
by ``TS``. Equal files mean an equal stored result. The spatial index' shadow tables are left out:
how a packed RTree lays out its nodes is not data (``rtreecheck`` and the tests see to it). Not a test.
"""

from __future__ import annotations

import re
import resource
import sqlite3
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_BZ2 = REPO.parent / "shared" / "data" / "osm" / "tudelft_campus.osm.bz2"
#: Columns that hold the time of the run, not data.
_TIME_COLUMNS = {"created_at", "updated_at", "changed_at", "at", "last_change"}
_TIMESTAMP = re.compile(r"20\d\d-\d\d-\d\dT[0-9:.]+Z")


def main(source: str, workspace: str, out: str) -> int:
    from assetmap import demo
    from assetmap.imports import import_boundaries, import_osm
    from assetmap.service import create_workspace, open_workspace

    if source in ("delft", "delft-bz2"):
        osm_file = demo.OSM_FILE if source == "delft" else SHARED_BZ2
        area, boundaries = demo.AREA_FILE, demo.WIJKEN_FILE
    else:
        city = Path(source)
        osm_file, area, boundaries = city / "city.osm.pbf", city / "area.geojson", city / "boundaries.geojson"
    target = Path(workspace)
    target.unlink(missing_ok=True)
    with create_workspace(target) as ws:
        import_boundaries(ws, file=boundaries)
    start = time.perf_counter()
    with open_workspace(target) as ws:
        import_osm(ws, file=osm_file, area_file=area)
    print(f"import {time.perf_counter() - start:.2f} s, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    conn = sqlite3.connect(target)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
              if not re.fullmatch(r"rtree_.+_(node|parent|rowid)", r[0])]
    with open(out, "w", encoding="utf-8") as handle:
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] not in _TIME_COLUMNS]
            rows = conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{table}"')
            lines = sorted(_TIMESTAMP.sub("TS", repr(tuple(v.hex() if isinstance(v, bytes) else v for v in row)))
                           for row in rows)
            handle.write(f"## {table} {columns} {len(lines)}\n")
            handle.writelines(line + "\n" for line in lines)
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
