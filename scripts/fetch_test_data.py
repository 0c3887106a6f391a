"""Fetch the real test data into ../shared/data when you have internet (pooch, with checksums).

The project's tests read real open data from ``../shared/data`` (see README, "Test data"). On a
machine without that folder, this script fetches what has a public address and checks every file
against the checksum of the copy the tests were written on:

- the CBS files that come from public GitHub snapshots (``cbs/SOURCE.txt`` in the shared folder
  names each repository, path and commit);
- the Den Haag buurten file, derived from its source as ``SOURCE.txt`` describes;
- the Delft OSM extract and its bounding box, copied from the demo dataset that ships in
  ``assetmap/demo`` (byte for byte the shared files).

The national wijken file (``cbs/wijken_2022_nl.gpkg``) and the files cut from it, the Ermelo grid
sample and the XML copy of the Delft extract were prepared by the project's product side and have
no public address of their own; ask them for a copy of the shared folder. The tests that need
only the demo data run without any of this.

Usage: ``python scripts/fetch_test_data.py [TARGET]`` (default ``../shared/data``). Needs
``pip install pooch``.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RAW = "https://raw.githubusercontent.com"

#: file -> (address, sha256 of the copy the tests were written on)
DOWNLOADS = {
    "cbs/hengelo_buurten_cbs.topojson": (
        f"{RAW}/emielsanders/PowerBI/e94174cb7b0431c2a1e5abba907bd2a5d861c34b/Buurten_Hengelo.json",
        "1e5625915c89fc0bc71918efb60822dd18298c6860dcdd152bad502659f5f458"),
    "cbs/alkmaar_wijken_cbs2024.geojson": (
        f"{RAW}/vinkbram/schoolzones-alkmaar/4d5629cfb3ac6a52eb1622f46228b7bf22a8ced7/data/wijken.geojson",
        "183021e9d77dc83187d91d892c92208a71bcc97469823645be7af37f952e8831"),
}
#: file -> (file in assetmap/demo, sha256)
PACKAGED = {
    "osm/tudelft_campus.osm.pbf": ("delft.osm.pbf",
                                   "ac8674b5cbd81f341409af738ab7f8c5961d12899baf556044765d1aaeee81c4"),
    "osm/tudelft_campus_extract_bbox.geojson": ("delft_extract_bbox.geojson",
                                                "c85991d9876177e91f173ff6aecdf3f79180b07baa1bf0b77755c5976ff915c6"),
    "cbs/wijken_2022_delft_GM0503.geojson": ("wijken_delft_2022.geojson",
                                             "3f2c78ad335cd0770f3511e03cb4a02adbb8f7f789d8d222ab8dddd34309e540"),
}
#: The national Den Haag buurten source, filtered as cbs/SOURCE.txt describes.
DENHAAG_BUURTEN = (f"{RAW}/emielsanders/PowerBI/3cc8e53dd2f7e56fc11582951b90216918bbf768/buurten.json",
                   "cbs/denhaag_buurten_2019_gen_geometry_only.geojson")


def sha256(path: Path) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(target: Path) -> int:
    """Fetch and check every file that has a public address; returns the exit status."""
    import pooch

    for name, (url, digest) in DOWNLOADS.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        pooch.retrieve(url, known_hash=f"sha256:{digest}", fname=path.name, path=path.parent)
        print(f"ok  {name}")
    for name, (packaged, digest) in PACKAGED.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / "assetmap" / "demo" / packaged, path)
        if sha256(path) != digest:
            print(f"checksum differs: {name}", file=sys.stderr)
            return 1
        print(f"ok  {name} (from the demo dataset)")
    import geopandas as gpd
    source = pooch.retrieve(DENHAAG_BUURTEN[0], known_hash=None)
    buurten = gpd.read_file(source).set_crs(4326, allow_override=True)
    buurten[buurten["statcode"].str.startswith("BU0518")][["statcode", "geometry"]].to_file(
        target / DENHAAG_BUURTEN[1], driver="GeoJSON")
    print(f"ok  {DENHAAG_BUURTEN[1]} (derived)")
    print("Not fetched (no public address; ask for a copy of the shared folder): cbs/wijken_2022_nl.gpkg and the "
          "files cut from it, cbs/cbs_vk100_ermelo_sample.gpkg, osm/tudelft_campus.osm.bz2")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else (REPO / ".." / "shared" / "data").resolve()))
