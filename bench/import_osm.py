"""Benchmark: ``import-osm`` from ``.osm.bz2`` and ``.osm.pbf`` against osmnx's own XML readers, on the same data.

Run by hand (not a test):

    .venv/bin/python bench/import_osm.py               # the Delft extract (.osm.bz2 from ../shared/data, .pbf packaged)
    .venv/bin/python bench/import_osm.py --tiles 2     # a synthetic city of 2 x 2 Delft copies
    .venv/bin/python bench/import_osm.py --tiles 10 --skip-osmnx --only pbf   # 10 x 10: time and peak only

Methods, each in its own process (peak resident memory is that method's own), best of ``--repeat``:

(x) osmnx      ``graph_from_xml`` + ``features_from_xml`` on the ``.osm.bz2`` (what the XML import
               used to call, before it does anything with the result)
(a) assetmap   the whole ``import_osm`` of the ``.osm.bz2`` into a new workspace (boundaries there
               already): read, walk network, simplify, assets, buildings, one transaction
(p) assetmap   the same from the ``.osm.pbf``

For a synthetic city the ``.osm.bz2`` is written from its ``.osm.pbf`` by pyosmium first (not with
``--only pbf``). ``--skip-osmnx`` leaves out (x), which takes minutes at 5 x 5 and more: then only the
absolute figures count. ``--city DIR`` reuses a city written before by ``synthetic_city.py``. Ratios
come from this run only. Targets (issue 14): a/x <= 0.2, p/x <= 0.1; a 10 x 10 city from PBF in
<= 60 s and <= 1 GB, time linear in size.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED_BZ2 = REPO.parent / "shared" / "data" / "osm" / "tudelft_campus.osm.bz2"


def run_osmnx(files: dict, folder: Path) -> float:
    import osmnx as ox

    from assetmap.sources.osm import mapping_tags

    start = time.perf_counter()
    ox.graph_from_xml(files["bz2"], bidirectional=True, simplify=False, retain_all=True)
    ox.features_from_xml(files["bz2"], tags=mapping_tags())
    return time.perf_counter() - start


def _import(files: dict, folder: Path, source: str) -> float:
    import shutil

    from assetmap.imports import import_osm
    from assetmap.service import open_workspace

    target = folder / f"run-{source}-{time.monotonic_ns()}.gpkg"
    shutil.copy(files["workspace"], target)
    with open_workspace(target) as ws:
        start = time.perf_counter()
        import_osm(ws, file=files[source], area_file=files["area"])
        seconds = time.perf_counter() - start
    target.unlink()
    return seconds


def run_assetmap_bz2(files: dict, folder: Path) -> float:
    return _import(files, folder, "bz2")


def run_assetmap_pbf(files: dict, folder: Path) -> float:
    return _import(files, folder, "pbf")


METHODS = [("run_osmnx", "(x) osmnx graph_from_xml + features_from_xml, .bz2"),
           ("run_assetmap_bz2", "(a) assetmap import_osm, .osm.bz2"),
           ("run_assetmap_pbf", "(p) assetmap import_osm, .osm.pbf")]


def _child(name: str, files: dict, folder: str, repeat: int, queue) -> None:
    best = min(globals()[name](files, Path(folder)) for _ in range(repeat))
    queue.put((best, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(name: str, files: dict, folder: Path, repeat: int):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, files, str(folder), repeat, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def prepare(folder: Path, tiles: int, city: Path | None = None, bz2_too: bool = True) -> tuple[dict, str]:
    """The files of one run: .osm.bz2, .osm.pbf, area, and a workspace with the boundaries."""
    import osmium

    from assetmap import demo
    from assetmap.imports import import_boundaries
    from assetmap.service import create_workspace

    if tiles or city:
        if city is None:
            sys.path.insert(0, str(REPO / "bench"))
            from synthetic_city import build_city

            city = folder / "city"
            build_city(tiles, city)
        pbf, area, boundaries = city / "city.osm.pbf", city / "area.geojson", city / "boundaries.geojson"
        bz2 = folder / "city.osm.bz2"
        if bz2_too:
            with osmium.SimpleWriter(str(bz2)) as writer:
                for obj in osmium.FileProcessor(str(pbf)):
                    writer.add(obj)
        label = f"synthetic city {tiles} x {tiles}" if tiles else f"synthetic city {city}"
    else:
        pbf, area, boundaries, bz2 = demo.OSM_FILE, demo.AREA_FILE, demo.WIJKEN_FILE, SHARED_BZ2
        label = "Delft extract (TU campus + Wippolder)"
    workspace = folder / "base.gpkg"
    with create_workspace(workspace) as ws:
        import_boundaries(ws, file=boundaries)
    return {"bz2": bz2, "pbf": pbf, "area": area, "workspace": workspace}, label


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiles", type=int, default=0, help="synthetic city of N x N Delft copies (default: Delft)")
    parser.add_argument("--city", type=Path, help="a synthetic city folder written before (city.osm.pbf, ...)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; the best counts (default 1)")
    parser.add_argument("--skip-osmnx", action="store_true", help="leave out (x): absolute figures only")
    parser.add_argument("--only", choices=["bz2", "pbf"], help="run only this assetmap import")
    args = parser.parse_args()
    if not args.tiles and not args.city and not SHARED_BZ2.is_file():
        parser.error(f"needs {SHARED_BZ2} (the shared test data), or use --tiles N")
    methods = [(name, title) for name, title in METHODS
               if not (args.skip_osmnx and name == "run_osmnx")
               and not (args.only and name.startswith("run_assetmap") and not name.endswith(args.only))]
    with tempfile.TemporaryDirectory() as tmp:
        files, label = prepare(Path(tmp), args.tiles, args.city,
                               bz2_too=any(name in ("run_osmnx", "run_assetmap_bz2") for name, _ in methods))
        sizes = ", ".join(f".{k.replace('bz2', 'osm.bz2').replace('pbf', 'osm.pbf')} {files[k].stat().st_size / 2**20:.1f} MB"
                          for k in ("bz2", "pbf") if files[k].is_file())
        print(f"{label}: {sizes}")
        print(f"machine: {platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        print(f"{'method':<52}{'seconds':>9}{'peak MB':>9}")
        seconds = {}
        for name, title in methods:
            seconds[name], peak = measure(name, files, Path(tmp), args.repeat)
            print(f"{title:<52}{seconds[name]:>9.2f}{peak:>9.0f}")
        x = seconds.get("run_osmnx")
        if x and "run_assetmap_bz2" in seconds:
            print(f"a/x = {seconds['run_assetmap_bz2'] / x:.2f}  (target <= 0.2)")
        if x and "run_assetmap_pbf" in seconds:
            print(f"p/x = {seconds['run_assetmap_pbf'] / x:.2f}  (target <= 0.1)")
        if args.tiles and "run_assetmap_pbf" in seconds:
            print(f"p per copy of the Delft extract = {seconds['run_assetmap_pbf'] / args.tiles ** 2:.2f} s"
                  + ("  (10 x 10 target: <= 60 s and <= 1 GB)" if args.tiles >= 10 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
