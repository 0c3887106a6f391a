"""Static-site benchmark (run by hand): size and first map paint of the published resident map.

1. Builds the Delft demo workspace (``assetmap demo``, offline, from ``assetmap/demo``), publishes it
   with :func:`assetmap.publish.publish_site` and measures the size of the whole site folder and the
   first map paint in headless Chromium from ``file://``.
2. Copies that workspace, adds ``--assets`` (10,000) public assets at random points inside the Delft
   wijken (all building blocks, a tenth meeting places, with descriptions and opening hours, as a
   workshop writes them), publishes it and measures it the same way.

First map paint = navigation start until the page has added every marker to the map and two
animation frames have passed (the page sets ``data-painted`` on ``<html>`` then). The background
tiles are blocked (offline), as the map must work without them.

    .venv/bin/python bench/publish_paint.py [--assets 10000] [--runs 5] [--out FOLDER]

Targets: the Delft site ≤ 2 MB and painted ≤ 1 s; the 10,000-asset site painted ≤ 2 s.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from map_paint import random_points  # noqa: E402  (bench/ is on sys.path as the script's folder)

from assetmap import settings  # noqa: E402
from assetmap.demo import build_demo  # noqa: E402
from assetmap.layers import build_assets  # noqa: E402
from assetmap.layers.schema import BUILDING_BLOCKS  # noqa: E402
from assetmap.publish import publish_site  # noqa: E402
from assetmap.service import open_workspace  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZE_TARGET_MB = 2.0
PAINT_TARGET_S = 1.0
LARGE_PAINT_TARGET_S = 2.0


def random_assets(area, count: int, seed: int = 7) -> gpd.GeoDataFrame:
    """``count`` public assets at random points inside ``area`` (a polygon in RD New), all building blocks."""
    geometry = random_points(area, count, seed)
    # No individuals: public people are shown at their area's anchor, which would stack 2,000 on one point.
    blocks = [b for b in BUILDING_BLOCKS if b != "individual"]
    frame = gpd.GeoDataFrame({
        "name": [f"Plek {i}: buurthuis, club of initiatief" for i in range(count)],
        "building_block": np.resize(blocks, count),
        "category": np.resize(["community_centre", "library", "park", "sports_centre", "cafe"], count),
        "description": "Een omschrijving zoals mensen die in een werksessie schrijven: wie, wat, wanneer open.",
        "opening_hours": "Mo-Fr 09:00-17:00",
        "is_meeting_place": np.arange(count) % 10 == 0,
        "visibility": "public", "consent": True,
    }, geometry=geometry.to_numpy(), crs=settings.STORAGE_CRS)
    return build_assets(frame, source="workshop", added_by="bench")


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def first_paint_seconds(index: Path, runs: int) -> list[float]:
    """Navigation start until ``data-painted``, ``runs`` times, each in a fresh browser context."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
                page.goto(index.as_uri(), wait_until="commit")
                page.wait_for_selector("html[data-painted]", timeout=60_000)
                times.append(float(page.get_attribute("html", "data-painted")) / 1000.0)
                context.close()
        finally:
            browser.close()
    return times


def measure(label: str, workspace: Path, out: Path, runs: int) -> dict:
    started = time.perf_counter()
    report = publish_site(workspace, out)
    publish_s = time.perf_counter() - started
    paint = first_paint_seconds(report.index, runs)
    return {"label": label, "assets": report.assets, "mb": folder_mb(out), "data_mb": (out / "data.js").stat().st_size / 2**20,
            "publish_s": publish_s, "median": statistics.median(paint), "max": max(paint), "runs": len(paint)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000, help="assets in the large synthetic site")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="where to keep the sites (default a temp folder)")
    args = parser.parse_args(argv)
    folder = args.out or Path(tempfile.mkdtemp(prefix="assetmap-publish-bench-"))
    folder.mkdir(parents=True, exist_ok=True)

    delft = folder / "delft.gpkg"
    if not delft.exists():
        build_demo(delft)
    small = measure("Delft demo", delft, folder / "site-delft", args.runs)

    large_ws = folder / f"delft-{args.assets}.gpkg"
    if not large_ws.exists():
        shutil.copyfile(delft, large_ws)
        with open_workspace(large_ws) as ws:
            area = ws.boundaries("wijk").to_crs(settings.METRIC_CRS).geometry.union_all()
            ws.save_assets(random_assets(area, args.assets), "bench")
    large = measure(f"Delft + {args.assets:,} synthetic", large_ws, folder / "site-large", args.runs)

    print(f"machine: {platform.machine()}, {platform.processor() or platform.system()}, "
          f"{__import__('os').cpu_count()} CPU cores, Python {platform.python_version()}")
    print("site | assets | site size | data.js | publish (Python) | first paint median | max | target")
    for result, size_target, paint_target in ((small, SIZE_TARGET_MB, PAINT_TARGET_S),
                                              (large, None, LARGE_PAINT_TARGET_S)):
        size_ok = "" if size_target is None else f"size ≤ {size_target} MB {'ok' if result['mb'] <= size_target else 'OVER'}, "
        paint_ok = f"paint ≤ {paint_target} s {'ok' if result['median'] <= paint_target else 'OVER'}"
        print(f"{result['label']} | {result['assets']} | {result['mb']:.2f} MB | {result['data_mb']:.2f} MB | "
              f"{result['publish_s']:.1f} s | {result['median']:.2f} s | {result['max']:.2f} s ({result['runs']} runs) | "
              f"{size_ok}{paint_ok}")
    print(f"sites kept in {folder}")
    ok = small["mb"] <= SIZE_TARGET_MB and small["median"] <= PAINT_TARGET_S and large["median"] <= LARGE_PAINT_TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
