"""The national run (``assetmap batch``) against its baseline: one gemeente after another, by hand.

    .venv/bin/python bench/national.py --cities 20 --tiles 5 --work /tmp/country

Builds a synthetic country (``bench/synthetic_city.py --cities N``: N cities of T × T copies of the
Delft demo, one gemeente each, in one ``.osm.pbf``) unless ``--work`` already holds it, then times:

- **baseline**: what a ward-management team does without the batch, and the way it would do it at its
  best: per gemeente one workspace, its boundaries (``import_boundaries(gemeente=...)``), the country's
  OSM file clipped to the gemeente (``import_osm(clip=True)``), ``compute_coverage``; one process,
  nothing kept between gemeenten (``--baseline-cities`` limits how many, the time is scaled to all);
- **batch, 1 worker** and **batch, W workers** (``run_batch`` on a Dask LocalCluster): one read of the
  country split by ``osmium extract``, then the gemeenten as tasks.

Prints the times, the ratios (baseline / batch, and the speed-up from 1 to W workers) and the peak
memory per worker. Both runs cover the same gemeenten with the same options, and the batch's rows
are checked against the baseline's for the gemeenten both ran. Not a test: run it by hand, on a
quiet machine, and note the machine with the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _synthetic_city():
    spec = importlib.util.spec_from_file_location("synthetic_city", REPO / "bench" / "synthetic_city.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _baseline(country: Path, codes: list[str], work: Path) -> tuple[float, dict]:
    """Seconds for ``codes`` one after another, and their covered residents per gemeente."""
    import geopandas as gpd
    import shapely

    from assetmap.coverage import compute_coverage, load_inputs
    from assetmap.imports import import_boundaries, import_osm
    from assetmap.service import create_workspace

    boundaries = gpd.read_file(country / "boundaries.geojson")
    covered = {}
    start = time.perf_counter()
    for code in codes:
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            tmp = Path(tmp)
            mine = boundaries[boundaries["code"].str.startswith("BU" + code.removeprefix("GM"))]
            outline = tmp / "area.geojson"
            outline.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(
                shapely.union_all(mine.geometry.array))}))
            with create_workspace(tmp / f"{code}.gpkg") as ws:
                import_boundaries(ws, file=country / "boundaries.geojson", gemeente=code)
                import_osm(ws, file=country / "city.osm.pbf", area_file=outline, clip=True)
                inputs = load_inputs(ws)
            covered[code] = compute_coverage(inputs).total["covered_population"]
    return time.perf_counter() - start, covered


def _batch(country: Path, out: Path, workers: int) -> tuple[float, object]:
    from assetmap.national import parts_folder, run_batch

    shutil.rmtree(parts_folder(out), ignore_errors=True)
    for old in (out, out.with_suffix(".parquet")):
        old.unlink(missing_ok=True)
    start = time.perf_counter()
    summary = run_batch(country / "city.osm.pbf", country / "boundaries.geojson", out, workers=workers)
    return time.perf_counter() - start, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cities", type=int, default=20, help="gemeenten in the country (default 20)")
    parser.add_argument("--tiles", type=int, default=5, help="each city T x T Delft copies (default 5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="workers of the parallel run")
    parser.add_argument("--baseline-cities", type=int, default=3,
                        help="gemeenten the baseline runs (its time is scaled to all; default 3)")
    parser.add_argument("--work", default=None, help="folder for the country and the results (kept)")
    args = parser.parse_args()

    import logging
    logging.getLogger("distributed").setLevel(logging.WARNING)

    work = Path(args.work or tempfile.mkdtemp(prefix="national-"))
    country = work / f"country-{args.cities}x{args.tiles}"
    if not (country / "city.osm.pbf").exists():
        start = time.perf_counter()
        counts = _synthetic_city().build_city(args.tiles, country, cities=args.cities)
        print(f"country: {counts} (built in {time.perf_counter() - start:.0f} s)")
    codes = [f"GM{900 + c:04d}" for c in range(args.cities)] if args.cities > 1 else ["GM0999"]
    size = (country / "city.osm.pbf").stat().st_size / 2**20
    print(f"{args.cities} gemeenten of {args.tiles}x{args.tiles} tiles; OSM file {size:.0f} MB; cores {os.cpu_count()}")

    sample = codes[:max(1, min(args.baseline_cities, len(codes)))]
    base_s, base_covered = _baseline(country, sample, work)
    base_all = base_s * len(codes) / len(sample)
    print(f"baseline (one gemeente after another): {base_s:.1f} s for {len(sample)}, "
          f"{base_all:.1f} s scaled to {len(codes)}; peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")

    one_s, one = _batch(country, work / "nl-1.gpkg", 1)
    many_s, many = _batch(country, work / f"nl-{args.workers}.gpkg", args.workers)
    for label, seconds, summary in (("batch, 1 worker", one_s, one), (f"batch, {args.workers} workers", many_s, many)):
        peaks = ", ".join(f"{mb:.0f}" for mb in summary.peak_mb_per_worker.values())
        print(f"{label}: {seconds:.1f} s; peak MB per worker: {peaks}")
    same = all(next(r for r in many.gemeenten if r["gemeente_code"] == code)["covered_population"] == base_covered[code]
               for code in sample)
    print(f"same covered residents as the baseline for {', '.join(sample)}: {same}")
    print(f"ratio baseline / batch ({args.workers} workers): {base_all / many_s:.2f}x")
    print(f"ratio baseline / batch (1 worker): {base_all / one_s:.2f}x")
    print(f"speed-up 1 -> {args.workers} workers: {one_s / many_s:.2f}x")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
