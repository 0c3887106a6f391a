"""Several workshop tables writing to one workspace file at the same moment lose nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

from assetmap.service import open_workspace

WORKERS, PER_WORKER, BATCH = 8, 200, 5

# One workshop table: builds its rows first, says it is ready, waits for the start signal, then
# saves its assets in small batches (each save is its own transaction: 40 per writer, 320 in all),
# as tables of people clicking "add" would.
WORKER = r"""
import sys, time, pathlib
import geopandas as gpd, numpy as np, shapely
from assetmap.layers import build_assets
from assetmap.service import open_workspace

path, start, worker, n, batch = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = np.random.default_rng(worker)
rows = gpd.GeoDataFrame(
    {"name": [f"tafel {worker} asset {i}" for i in range(n)], "building_block": ["resource"] * n,
     "description": [f"ingevoerd door tafel {worker}"] * n},
    geometry=[shapely.Point(4.28 + rng.uniform(0, 0.03), 52.06 + rng.uniform(0, 0.02)) for _ in range(n)], crs=4326)
assets = build_assets(rows, source="workshop", added_by=f"tafel {worker}")
pathlib.Path(f"{start}.ready{worker}").touch()
while not start.exists():
    time.sleep(0.005)
with open_workspace(path) as ws:
    for i in range(0, n, batch):
        report = ws.save_assets(assets.iloc[i:i + batch], f"tafel {worker}")
        assert len(report.added) == batch, report
print("done", worker)
"""


def test_eight_writers_at_once_lose_no_asset_and_keep_the_file_sound(denhaag_workspace, tmp_path):
    with open_workspace(denhaag_workspace) as ws:
        before = len(ws.assets())
        boundaries_before = len(ws.boundaries())
    start = tmp_path / "start"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(denhaag_workspace), str(start), str(w),
                               str(PER_WORKER), str(BATCH)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for w in range(WORKERS)]
    try:
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"start.ready{w}").exists() for w in range(WORKERS)):
            assert time.monotonic() < deadline, "workers did not get ready"
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs if p.poll() is not None]
            time.sleep(0.05)
        start.touch()  # all together now
        results = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert out.startswith("done")

    conn = sqlite3.connect(denhaag_workspace)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        per_worker = dict(conn.execute(
            "SELECT added_by, count(*) FROM assets GROUP BY added_by").fetchall())
        creates = conn.execute("SELECT count(*) FROM history WHERE action = 'create'").fetchone()[0]
    finally:
        conn.close()
    assert per_worker == {f"tafel {w}": PER_WORKER for w in range(WORKERS)}
    with open_workspace(denhaag_workspace) as ws:
        assets = ws.assets()
        assert len(ws.boundaries()) == boundaries_before
    assert len(assets) - before == WORKERS * PER_WORKER == 1600
    assert assets["id"].is_unique
    assert set(assets["name"]) == {f"tafel {w} asset {i}" for w in range(WORKERS) for i in range(PER_WORKER)}
    assert creates == 1600
    # The layer extent that QGIS zooms to covers every row written by every writer.
    conn = sqlite3.connect(denhaag_workspace)
    extent = conn.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name='assets'").fetchone()
    conn.close()
    minx, miny, maxx, maxy = assets.total_bounds
    assert extent == (minx, miny, maxx, maxy)
