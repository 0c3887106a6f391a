"""Benchmark: coverage reads its network and demand from PostGIS as fast as from a GeoPackage.

Run by hand (not a test), with PostgreSQL 15 + PostGIS 3 installed (Debian ``postgresql-15-postgis-3``):

    .venv/bin/python bench/postgis_coverage.py              # starts a throwaway cluster itself
    .venv/bin/python bench/postgis_coverage.py --uri postgresql://user:pw@host/db?schema=bench

Builds the Delft workspace (the packaged demo data: CBS wijken + the TU Delft OSM extract) as a
GeoPackage, copies it into PostGIS (``assetmap copy``), then times ``coverage.load_inputs`` +
``coverage.compute_coverage`` on each, best of ``--repeat`` runs, opening the workspace inside the
timing (what a fresh app process does), and prints the ratio PostGIS / GeoPackage.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def _time(location: str, repeat: int) -> tuple[float, float]:
    from assetmap.coverage import compute_coverage, load_inputs
    from assetmap.service import open_workspace

    best, pct = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        with open_workspace(location) as ws:
            inputs = load_inputs(ws)
        result = compute_coverage(inputs)
        best = min(best, time.perf_counter() - start)
        pct = result.areas[["code", "coverage_pct"]].sort_values("code").to_dict("records") \
            if "code" in result.areas.columns else len(result.points)
    return best, pct


def main() -> int:
    """Build, copy, time and print; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", help="a PostGIS workspace URI whose schema holds no workspace (default: a "
                                      "throwaway cluster)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from assetmap import demo
    from assetmap.imports import import_boundaries, import_osm
    from assetmap.service import create_workspace
    from assetmap.storage import copy_store

    cluster = None
    uri = args.uri
    if not uri:
        from postgis_server import Cluster, missing_reason
        reason = missing_reason()
        if reason:
            print(reason)
            return 1
        cluster = Cluster()
        uri = cluster.uri("bench")
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "delft.gpkg"
            with create_workspace(path) as ws:
                import_boundaries(ws, file=demo.WIJKEN_FILE)
                import_osm(ws, file=demo.OSM_FILE, area_file=demo.AREA_FILE)
            copy_store(path, uri)
            _time(str(path), 1)  # warm the imports and the file cache
            gpkg, pct_g = _time(str(path), args.repeat)
            pg, pct_p = _time(uri, args.repeat)
    finally:
        if cluster:
            cluster.stop()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print(f"load_inputs + compute_coverage on Delft, best of {args.repeat}:")
    print(f"  GeoPackage {gpkg:.3f} s   PostGIS {pg:.3f} s   ratio PostGIS/GeoPackage {pg / gpkg:.2f}")
    print(f"  same result from both: {pct_g == pct_p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
