"""Benchmark: reading OSM into assetmap against the fastest peers, on the same data.

Run by hand (not a test), with ``pip install -e ".[bench]"`` for pyrosm and QuackOSM (with DuckDB's
``spatial`` extension from PyPI, see :func:`spatial_extension_from_wheel`), and ``osmium``
(the ``osmium-tool`` Debian package) for the road-only file:

    .venv/bin/python bench/import_osm.py               # the Delft extract (.osm.bz2 from ../shared/data, .pbf packaged)
    .venv/bin/python bench/import_osm.py --tiles 2     # a synthetic city of 2 x 2 Delft copies
    .venv/bin/python bench/import_osm.py --city DIR --skip-osmnx-raw   # a city written before

The layers: the places (every feature with a tag of ``sources.osm.mapping_tags()``: the catalogue's
facilities, buildings, water and green) and the walking network. Methods, each measured run in its
own process (its peak memory is its own), runs interleaved (A B C ... A B C), CPU and wall time:

(x)  osmnx     ``graph_from_xml`` + ``features_from_xml(tags=mapping_tags())`` on the raw ``.osm.bz2``
(xr) osmnx     the same with osmnx's defaults on files a careful user makes first with ``osmium
               tags-filter`` (outside the timing): ``graph_from_xml`` on the ``w/highway`` file,
               ``features_from_xml`` on the file of the mapping keys
(a)  assetmap  ``import_osm`` of the ``.osm.bz2`` into a new workspace (boundaries there already): read,
               walk network, simplify, assets, buildings, base map, written in one transaction
(p)  assetmap  the same from the ``.osm.pbf``
(r)  assetmap  ``sources.osm.read_osm_file`` of the ``.osm.pbf``: the reading step alone, layers in
               memory, which is what the peers below give (they write nothing)
(y)  pyrosm    ``OSM(pbf).get_network(network_type="walking")`` + ``get_pois(custom_filter=mapping_tags())``
(q)  QuackOSM  ``convert_pbf_to_geodataframe(pbf, tags_filter={**mapping_tags(), "highway": True})``,
               a fresh working directory and ``ignore_cache=True`` (it caches results across calls)

Targets (issue 30): a/xr <= 0.2, p/xr <= 0.1; p (and r) no slower than the faster of y and q. The
peers return GeoDataFrames without assetmap's work after reading (simplified network, assets by
category, residential buildings): (r) against (y)/(q) is the like-for-like comparison.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from _fair import interleaved, machine, summary  # noqa: E402

SHARED_BZ2 = REPO.parent / "shared" / "data" / "osm" / "tudelft_campus.osm.bz2"


def run_osmnx(files: dict, folder: str):
    import osmnx as ox
    from _fair import timed

    from assetmap.sources.osm import mapping_tags

    def read():
        graph = ox.graph_from_xml(files["bz2"], bidirectional=True, simplify=False, retain_all=True)
        return len(graph), len(ox.features_from_xml(files["bz2"], tags=mapping_tags()))

    return timed(read)


def run_osmnx_roads(files: dict, folder: str):
    import osmnx as ox
    from _fair import timed

    from assetmap.sources.osm import mapping_tags

    def read():
        return len(ox.graph_from_xml(files["roads"])), len(ox.features_from_xml(files["features"],
                                                                                 tags=mapping_tags()))

    return timed(read)


def _import(files: dict, folder: str, source: str):
    import shutil

    from _fair import timed

    from assetmap.imports import import_osm
    from assetmap.service import open_workspace

    target = Path(folder) / f"run-{source}-{time.monotonic_ns()}.gpkg"
    shutil.copy(files["workspace"], target)
    with open_workspace(target) as ws:
        result = timed(lambda: import_osm(ws, file=files[source], area_file=files["area"]) and None)
    target.unlink()
    return result


def run_assetmap_bz2(files: dict, folder: str):
    return _import(files, folder, "bz2")


def run_assetmap_pbf(files: dict, folder: str):
    return _import(files, folder, "pbf")


def run_read_pbf(files: dict, folder: str):
    import geopandas as gpd
    from _fair import timed

    from assetmap.sources.osm import read_osm_file

    area = gpd.read_file(files["area"])

    def read():
        layers = read_osm_file(files["pbf"], area=area)
        return len(layers.assets), len(layers.walk_edges)

    return timed(read)


def run_pyrosm(files: dict, folder: str):
    import pyrosm
    from _fair import timed

    from assetmap.sources.osm import mapping_tags

    def read():
        osm = pyrosm.OSM(str(files["pbf"]))
        network = osm.get_network(network_type="walking")
        pois = osm.get_pois(custom_filter=mapping_tags())
        return len(network), len(pois)

    return timed(read)


def spatial_extension_from_wheel() -> None:
    """Install DuckDB's ``spatial`` extension from the ``duckdb-ext-spatial`` wheel (PyPI), outside the timing.

    QuackOSM loads ``spatial`` and DuckDB would download it from extensions.duckdb.org, which a machine with
    only the package registries cannot reach. The wheel ships the same file for one DuckDB version
    (``duckdb==1.4.4`` in the ``bench`` extra); ``INSTALL 'file'`` copies it where DuckDB looks.
    """
    import importlib.util
    import platform

    import duckdb

    spec = importlib.util.find_spec("duckdb_ext")
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    for root in (spec.submodule_search_locations or []) if spec else []:
        packaged = Path(root) / "extensions" / f"v{duckdb.__version__}" / f"linux_{machine}" / "spatial.duckdb_extension"
        if packaged.is_file():
            duckdb.connect().install_extension(str(packaged))
            return


def run_quackosm(files: dict, folder: str):
    import tempfile

    import quackosm
    from _fair import timed

    from assetmap.sources.osm import mapping_tags

    spatial_extension_from_wheel()
    with tempfile.TemporaryDirectory(dir=folder) as work:
        return timed(lambda: len(quackosm.convert_pbf_to_geodataframe(
            files["pbf"], tags_filter={**mapping_tags(), "highway": True}, working_directory=work,
            ignore_cache=True, verbosity_mode="silent")))


METHODS = [("run_osmnx", "(x) osmnx, raw .osm.bz2"),
           ("run_osmnx_roads", "(xr) osmnx, osmium-filtered .osm.bz2"),
           ("run_assetmap_bz2", "(a) assetmap import_osm, .osm.bz2"),
           ("run_assetmap_pbf", "(p) assetmap import_osm, .osm.pbf"),
           ("run_read_pbf", "(r) assetmap read_osm_file, .osm.pbf"),
           ("run_pyrosm", "(y) pyrosm walking network + pois, .pbf"),
           ("run_quackosm", "(q) QuackOSM tags_filter, .pbf")]


def filtered_files(folder: Path, bz2: Path) -> dict:
    """The road-only and the mapping-keys file a careful osmnx user makes first (osmium tags-filter)."""
    from assetmap.sources.osm import mapping_tags

    expressions = [f"nwr/{key}" if kinds is True else f"nwr/{key}={','.join(kinds)}"
                   for key, kinds in mapping_tags().items()]
    out = {"roads": folder / "roads.osm.bz2", "features": folder / "features.osm.bz2"}
    start = time.perf_counter()
    subprocess.run(["osmium", "tags-filter", "-O", "-o", str(out["roads"]), str(bz2), "w/highway"], check=True)
    subprocess.run(["osmium", "tags-filter", "-O", "-o", str(out["features"]), str(bz2), *expressions], check=True)
    print(f"osmium tags-filter (outside the timing): {time.perf_counter() - start:.2f} s; road-only "
          f"{out['roads'].stat().st_size / 2**20:.1f} MB, mapping keys {out['features'].stat().st_size / 2**20:.1f} MB")
    return out


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
    parser.add_argument("--rounds", type=int, default=3, help="processes per method, interleaved (default 3)")
    parser.add_argument("--skip-osmnx-raw", action="store_true", help="leave out (x) (minutes at 5 x 5)")
    parser.add_argument("--only", nargs="*", help="run only these methods (run_pyrosm, run_quackosm, ...)")
    args = parser.parse_args()
    if not args.tiles and not args.city and not SHARED_BZ2.is_file():
        parser.error(f"needs {SHARED_BZ2} (the shared test data), or use --tiles N")
    names = [name for name, _ in METHODS if (not args.only or name in args.only)
             and not (args.skip_osmnx_raw and name == "run_osmnx")]
    with tempfile.TemporaryDirectory() as tmp:
        needs_bz2 = any(name in ("run_osmnx", "run_osmnx_roads", "run_assetmap_bz2") for name in names)
        files, label = prepare(Path(tmp), args.tiles, args.city, bz2_too=needs_bz2)
        if "run_osmnx_roads" in names:
            files.update(filtered_files(Path(tmp), files["bz2"]))
        sizes = ", ".join(f".{k.replace('bz2', 'osm.bz2').replace('pbf', 'osm.pbf')} {files[k].stat().st_size / 2**20:.1f} MB"
                          for k in ("bz2", "pbf") if files[k].is_file())
        print(f"{label}: {sizes}")
        print(f"machine: {machine()}")
        runs = interleaved("import_osm", names, {"files": files, "folder": tmp}, args.rounds)
        rows = {name: summary(runs[name]) for name in names}
        print(f"{'method':<44}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}   (median of {args.rounds} processes)")
        for name, title in METHODS:
            if name in rows:
                row = rows[name]
                print(f"{title:<44}" + (f"{row['wall']:>9.2f}{row['cpu']:>9.2f}{row['peak']:>9.0f}" if row
                                        else "  not run"))

        def ratio(mine: str, theirs: str, target: str = "") -> None:
            if rows.get(mine) and rows.get(theirs):
                m, t = rows[mine], rows[theirs]
                print(f"{mine[4:]} / {theirs[4:]}: CPU {m['cpu'] / t['cpu']:.2f}, wall {m['wall'] / t['wall']:.2f}"
                      + (f"   (target {target})" if target else ""))

        ratio("run_assetmap_bz2", "run_osmnx_roads", "<= 0.2")
        ratio("run_assetmap_pbf", "run_osmnx_roads", "<= 0.1")
        ratio("run_assetmap_bz2", "run_osmnx")
        ratio("run_assetmap_pbf", "run_osmnx")
        for peer in ("run_pyrosm", "run_quackosm"):
            ratio("run_assetmap_pbf", peer, "<= 1 against the faster peer")
            ratio("run_read_pbf", peer, "<= 1 against the faster peer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
