"""Shared fixtures. Real data comes from ../shared/data (never copied into the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assetmap.imports import import_boundaries, import_osm, import_workshop
from assetmap.service import create_workspace, open_workspace

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
DELFT_OSM = SHARED_DATA / "osm" / "tudelft_campus.osm.bz2"
DELFT_PBF = SHARED_DATA / "osm" / "tudelft_campus.osm.pbf"
DELFT_AREA = SHARED_DATA / "osm" / "tudelft_campus_extract_bbox.geojson"
NL_WIJKEN = SHARED_DATA / "cbs" / "wijken_2022_nl.gpkg"
DENHAAG_BUURTEN = SHARED_DATA / "cbs" / "denhaag_buurten_2019_gen_geometry_only.geojson"
DENHAAG_WIJKEN = SHARED_DATA / "cbs" / "wijken_2022_denhaag_GM0518.geojson"


def pytest_configure(config):
    if not SHARED_DATA.is_dir():
        raise pytest.UsageError(f"real test data not found at {SHARED_DATA}: check out ../shared beside the repo")


@pytest.fixture(scope="session")
def delft_workspace_file(tmp_path_factory) -> Path:
    """The real end-to-end case, built once: Delft wijken (CBS) + the TU Delft OSM extract.

    Read from the PBF copy (fast); test_pipeline proves the XML copy gives the same layers.
    """
    path = tmp_path_factory.mktemp("delft") / "delft.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=NL_WIJKEN, gemeente="GM0503")
        import_osm(ws, file=DELFT_PBF, area_file=DELFT_AREA)
    return path


@pytest.fixture
def delft_copy(delft_workspace_file, tmp_path) -> Path:
    """A private copy of the Delft workspace that a test may change."""
    target = tmp_path / "delft.gpkg"
    shutil.copy(delft_workspace_file, target)
    return target


@pytest.fixture
def delft_ws(delft_copy):
    with open_workspace(delft_copy) as ws:
        yield ws


@pytest.fixture
def denhaag_workspace(tmp_path) -> Path:
    """A workspace with Den Haag's 114 buurten (2019) and 44 wijken (2022), no assets."""
    path = tmp_path / "denhaag.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=DENHAAG_WIJKEN)
        import_boundaries(ws, file=DENHAAG_BUURTEN)
    return path


@pytest.fixture(scope="session")
def seeded_denhaag_file(tmp_path_factory) -> Path:
    """Den Haag boundaries and three workshop assets (copy it before writing): the base that refused
    input must leave exactly as it was."""
    tmp = tmp_path_factory.mktemp("seeded")
    path = tmp / "base.gpkg"
    seed = tmp / "seed.csv"
    seed.write_text("id,naam,bouwsteen,lat,lon\nbestaand-1,Buurthuis,instelling,52.07,4.29\n"
                    "bestaand-2,Parkje,hulpbron,52.071,4.291\nbestaand-3,Koor,vereniging,52.072,4.292\n",
                    encoding="utf-8")
    with create_workspace(path) as ws:
        import_boundaries(ws, file=DENHAAG_WIJKEN)
        import_boundaries(ws, file=DENHAAG_BUURTEN)
        import_workshop(ws, seed, actor="tafel 1")
    return path
