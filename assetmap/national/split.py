"""The gemeenten of a boundaries file and one read of a big OSM file split into a file per gemeente.

A national run works per gemeente: each gets its own part of the OSM file, the gemeente with a walking
buffer around it, so that residents near its edge still reach places across the border. The parts
come from one run of libosmium's ``osmium extract`` with all polygons at once (the ``smart``
strategy: whole ways and whole multipolygons, so a park or a footpath cut by the polygon is not
cut in the part). Reading the country once instead of once per gemeente is what makes 342 gemeenten
affordable.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely

from assetmap import settings
from assetmap.errors import InputError
from assetmap.layers.boundaries import parent_codes
from assetmap.sources.cbs import read_boundaries_file

__all__ = ["SPLIT_MARGIN_M", "gemeente_areas", "split_osm", "osmium_command"]

#: Metres added to the import buffer for the split, so the clip of each part (at the import buffer)
#: never reaches the part's own edge.
SPLIT_MARGIN_M = 500.0


def gemeente_areas(boundaries_file: str | Path, gemeenten: list[str] | None = None) -> gpd.GeoDataFrame:
    """Every gemeente of a CBS boundaries file as one polygon, with its boundaries.

    Parameters
    ----------
    boundaries_file : path-like
        CBS buurten or wijken (GeoJSON, GeoPackage, ...); the gemeente of each comes from its code.
    gemeenten : list of str, optional
        Keep only these gemeente codes (``GM0518``); every one must be in the file.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per gemeente in code order: ``gemeente_code``, ``areas`` (the number of
        boundaries), ``population`` and the gemeente's outline as the union of its boundaries.

    Raises
    ------
    InputError
        The file cannot be read, or a named gemeente is not in it.
    """
    boundaries = read_boundaries_file(boundaries_file)
    codes = [parent_codes(str(code))[1] for code in boundaries["code"]]
    boundaries = boundaries.assign(gemeente_code=codes)
    boundaries = boundaries[boundaries["code"] != boundaries["gemeente_code"]]  # the gemeente rows themselves
    if gemeenten:
        missing = sorted(set(gemeenten) - set(boundaries["gemeente_code"]))
        if missing:
            raise InputError("batch_gemeente_unknown", "fix_batch_gemeenten", codes=", ".join(missing),
                             path=boundaries_file)
        boundaries = boundaries[boundaries["gemeente_code"].isin(gemeenten)]
    if boundaries.empty:
        raise InputError("batch_no_gemeenten", "fix_batch_gemeenten", codes="-", path=boundaries_file)
    grouped = boundaries.groupby("gemeente_code", sort=True)
    frame = gpd.GeoDataFrame({
        "gemeente_code": list(grouped.groups),
        "areas": grouped.size().to_numpy(),
        "population": grouped["population"].sum(min_count=1).fillna(0).astype("int64").to_numpy(),
    }, geometry=[shapely.union_all(group.geometry.array) for _, group in grouped], crs=settings.STORAGE_CRS)
    return frame


def osmium_command() -> str:
    """The ``osmium`` program (osmium-tool, libosmium's command line), or a coded error saying how to get it."""
    found = shutil.which("osmium")
    if not found:
        raise InputError("batch_no_osmium", "fix_install_osmium")
    return found


def split_osm(osm_file: str | Path, areas: gpd.GeoDataFrame, folder: str | Path, buffer_m: float) -> dict[str, Path]:
    """Split ``osm_file`` into one ``.osm.pbf`` per gemeente of ``areas``, in one run over the file.

    Parameters
    ----------
    osm_file : path-like
        The big OSM file (``.osm.pbf``), e.g. the country.
    areas : geopandas.GeoDataFrame
        From :func:`gemeente_areas`.
    folder : path-like
        Where the parts go (``GM0518.osm.pbf``); made if missing. The parts are written into a
        temporary folder first and moved in only when ``osmium`` finished, so a stopped split
        leaves no half part.
    buffer_m : float
        Metres around each gemeente; :data:`SPLIT_MARGIN_M` is added.

    Returns
    -------
    dict
        Gemeente code -> path of its part.

    Raises
    ------
    InputError
        The OSM file is missing, ``osmium`` is not installed, or it failed (its message quoted).
    """
    osm_file = Path(osm_file)
    if not osm_file.is_file():
        raise InputError("file_missing", "fix_check_path", path=osm_file)
    program = osmium_command()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buffered = areas.to_crs(settings.METRIC_CRS).buffer(buffer_m + SPLIT_MARGIN_M).to_crs(settings.STORAGE_CRS)
    with tempfile.TemporaryDirectory(prefix=".split-", dir=folder) as tmp:
        tmp = Path(tmp)
        extracts = []
        for code, shape in zip(areas["gemeente_code"], buffered):
            polygon = tmp / f"{code}.geojson"
            polygon.write_text(json.dumps({"type": "Feature", "properties": {},
                                           "geometry": shapely.geometry.mapping(shape)}), encoding="utf-8")
            extracts.append({"output": f"{code}.osm.pbf", "polygon": {"file_name": polygon.name,
                                                                      "file_type": "geojson"}})
        config = tmp / "extracts.json"
        config.write_text(json.dumps({"directory": str(tmp), "extracts": extracts}), encoding="utf-8")
        run = subprocess.run([program, "extract", "--config", str(config), "--strategy", "smart",
                              "--overwrite", "--no-progress", str(osm_file)],
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise InputError("batch_split_failed", "fix_batch_split", path=osm_file,
                             message=(run.stderr or run.stdout).strip()[-500:])
        parts = {}
        for code in areas["gemeente_code"]:
            target = folder / f"{code}.osm.pbf"
            (tmp / f"{code}.osm.pbf").replace(target)
            parts[code] = target
    return parts
