"""Map-paint benchmark (run by hand): size and first paint of a map with 1,000 (or ``--assets N``) assets in one wijk.

Generates 1,000 assets at random points inside a real wijk polygon (CBS wijken 2022 from the shared
data), builds the map with :func:`assetmap.maps.asset_map` exactly as the app does, saves the HTML
and loads it in headless Chromium from ``file://``. Leaflet is read from the repository's
``static/leaflet`` (as the app serves it), so no internet is needed; tiles fail offline, which is
fine. Time to first paint = navigation start until every marker is in the DOM and a frame has been
painted after it; from ``maps.CANVAS_FROM`` assets on (dots on one canvas), until every dot is a
layer of the map and two frames have been painted after it.

    .venv/bin/python bench/map_paint.py [--wijk WK051828] [--assets 1000] [--runs 5]

Targets: HTML ≤ 2 MB (at 1,000 assets), first map paint ≤ 2 s (also at 10,000: ``--assets 10000``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assetmap import maps, settings  # noqa: E402
from assetmap.layers import build_assets  # noqa: E402
from assetmap.layers.schema import BUILDING_BLOCKS  # noqa: E402
from assetmap.sources.cbs import read_boundaries_file  # noqa: E402

WIJKEN = REPO.parent / "shared" / "data" / "cbs" / "wijken_2022_denhaag_GM0518.geojson"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZE_TARGET_MB = 2.0
PAINT_TARGET_S = 2.0


def random_points(area, count: int, seed: int = 7) -> gpd.GeoSeries:
    """``count`` random points inside ``area`` (a polygon in RD New), in EPSG:4326 (also used by
    ``bench/publish_paint.py`` and ``tests/test_map_many.py``)."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = area.bounds
    points = np.empty((0, 2))
    while len(points) < count:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(count * 2, 2))
        points = np.vstack([points, xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]])
    return gpd.GeoSeries(shapely.points(points[:count]), crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS)


def random_assets(wijk, count: int, seed: int = 7) -> gpd.GeoDataFrame:
    """``count`` assets at random points inside ``wijk`` (a polygon in RD New), all building blocks."""
    geometry = random_points(wijk, count, seed)
    frame = gpd.GeoDataFrame({
        "name": [f"Plek {i}: buurthuis, club of initiatief" for i in range(count)],
        "building_block": np.resize(BUILDING_BLOCKS, count),
        "category": np.resize(["community_centre", "library", "park", "sports_centre", "cafe"], count),
        "description": "Een omschrijving zoals mensen die in een werksessie schrijven: wie, wat, wanneer open.",
        "opening_hours": "Mo-Fr 09:00-17:00",
        "is_meeting_place": np.arange(count) % 10 == 0,
        "visibility": "public", "consent": True,
    }, geometry=geometry.to_numpy(), crs=settings.STORAGE_CRS)
    return build_assets(frame, source="workshop")


def first_paint_seconds(html_file: Path, expected_markers: int, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(html_file.as_uri(), wait_until="commit")
                # Resolves in the first animation frame after all markers exist: they have been painted.
                # Markers are elements (.leaflet-marker-icon) below maps.CANVAS_FROM, and dots on one
                # canvas from there on: those are counted as the map's layers, and the canvas draws
                # them in the next frame, so two frames are waited for.
                elapsed_ms = page.evaluate("""(n) => new Promise(resolve => {
                    const drawn = () => {
                        const icons = document.querySelectorAll('.leaflet-marker-icon').length;
                        if (icons >= n) { return true; }
                        if (!window.assetmapDots) { return false; }  // element markers: no scan of window
                        const map = Object.values(window).find(v => v instanceof L.Map);
                        if (!map) { return false; }
                        let dots = 0;
                        map.eachLayer(l => { if (l instanceof L.CircleMarker && l.feature) { dots += 1; } });
                        return dots >= n;
                    };
                    const check = () => {
                        if (window.L && drawn()) {
                            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
                        } else { requestAnimationFrame(check); }
                    };
                    check();
                })""", expected_markers)
                times.append(elapsed_ms / 1000.0)
                page.close()
        finally:
            browser.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wijk", default="WK051830", help="CBS wijk code in the Den Haag file (default Transvaalkwartier)")
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="where to keep the HTML (default a temp folder)")
    args = parser.parse_args(argv)

    boundaries = read_boundaries_file(WIJKEN)
    chosen = boundaries[boundaries["code"] == args.wijk]
    if chosen.empty:
        parser.error(f"wijk {args.wijk} is not in {WIJKEN.name}; pick one of {', '.join(boundaries['code'][:8])}, ...")
    wijk = chosen.to_crs(settings.METRIC_CRS).geometry.iloc[0]
    assets = random_assets(wijk, args.assets)

    started = time.perf_counter()
    fmap = maps.asset_map(assets, boundaries, leaflet_base=(REPO / "static" / "leaflet").as_uri())
    html = fmap.get_root().render()
    build_s = time.perf_counter() - started

    folder = args.out or Path(tempfile.mkdtemp(prefix="assetmap-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    html_file = folder / f"map_{args.assets}.html"
    html_file.write_text(html, encoding="utf-8")
    size_mb = len(html.encode("utf-8")) / 2**20
    paint = first_paint_seconds(html_file, args.assets, args.runs)

    name = chosen["name"].iloc[0]
    import platform
    print(f"machine: {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs · "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    rows = [
        ("wijk", f"{args.wijk} {name}", ""),
        ("markers", "canvas dots" if args.assets >= maps.CANVAS_FROM else "elements (named buttons)",
         f"canvas from {maps.CANVAS_FROM}"),
        ("assets", f"{args.assets}", ""),
        ("boundaries drawn", f"{len(boundaries)}", ""),
        ("map build (Python)", f"{build_s:.2f} s", ""),
        ("HTML size", f"{size_mb:.2f} MB", f"≤ {SIZE_TARGET_MB} MB {'ok' if size_mb <= SIZE_TARGET_MB else 'OVER'}"),
        ("first map paint, median", f"{statistics.median(paint):.2f} s",
         f"≤ {PAINT_TARGET_S} s {'ok' if statistics.median(paint) <= PAINT_TARGET_S else 'OVER'}"),
        ("first map paint, max", f"{max(paint):.2f} s", f"{len(paint)} runs"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)} | value | target")
    for label, value, target in rows:
        print(f"{label.ljust(width)} | {value} | {target}")
    print(f"HTML kept at {html_file}")
    return 0 if size_mb <= SIZE_TARGET_MB and statistics.median(paint) <= PAINT_TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
