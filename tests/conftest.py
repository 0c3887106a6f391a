"""Shared fixtures. Real data comes from ../shared/data (never copied into the repo) and from the
small Delft demo dataset that the package ships (``assetmap/demo``: the same OSM extract and the
same Delft wijken, with their licences).

Without ../shared the tests that need only the demo data run; the others are skipped with a
message that says where the data comes from (README, "Test data").
"""

from __future__ import annotations

import inspect
import re
import shutil
from pathlib import Path

import pytest

from assetmap import demo
from assetmap.imports import import_boundaries, import_osm, import_workshop
from assetmap.service import create_workspace, open_workspace

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
DELFT_OSM = SHARED_DATA / "osm" / "tudelft_campus.osm.bz2"
NL_WIJKEN = SHARED_DATA / "cbs" / "wijken_2022_nl.gpkg"
DENHAAG_BUURTEN = SHARED_DATA / "cbs" / "denhaag_buurten_2019_gen_geometry_only.geojson"
DENHAAG_WIJKEN = SHARED_DATA / "cbs" / "wijken_2022_denhaag_GM0518.geojson"
# The demo dataset: byte for byte the shared Delft extract, its bounding box and the Delft wijken.
DELFT_PBF = demo.OSM_FILE
DELFT_AREA = demo.AREA_FILE
DELFT_WIJKEN = demo.WIJKEN_FILE

#: Names whose use means a test needs ../shared/data.
_SHARED_NAMES = re.compile(r"\b(SHARED_DATA|DELFT_OSM|NL_WIJKEN|DENHAAG_BUURTEN|DENHAAG_WIJKEN)\b|shared/data")
SHARED_MISSING = ("needs the real test data in ../shared/data (a checkout of the project's shared folder beside "
                  "this repository; see README, 'Test data'); the tests that need only the packaged Delft demo "
                  "data ran")


def pytest_collection_modifyitems(config, items):
    """Without ../shared, skip the tests whose code or fixtures use its files (and say why)."""
    if SHARED_DATA.is_dir():
        return
    skip = pytest.mark.skip(reason=SHARED_MISSING)
    for item in items:
        if _needs_shared(item):
            item.add_marker(skip)


def _needs_shared(item) -> bool:
    functions = [getattr(item, "function", None)]
    for name in getattr(item, "fixturenames", ()):
        for definition in item._fixtureinfo.name2fixturedefs.get(name, ()):
            functions.append(definition.func)
    for function in functions:
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        if _SHARED_NAMES.search(source):
            return True
    # A module-level use (a parametrised list of shared files, say) counts for every test in it.
    module = getattr(item, "module", None)
    try:
        return bool(module and _SHARED_NAMES.search(_module_level_source(module)))
    except (OSError, TypeError):
        return False


def _module_level_source(module) -> str:
    """The module's code outside its functions and classes."""
    source = inspect.getsource(module)
    return re.sub(r"(?ms)^(?:@.*?\n)*(?:def|class) .*?(?=^\S|\Z)", "", source)


@pytest.fixture(scope="session")
def delft_workspace_file(tmp_path_factory) -> Path:
    """The real end-to-end case, built once: Delft wijken (CBS) + the TU Delft OSM extract.

    Read from the demo dataset's PBF (the shared extract, packaged); test_pipeline proves the XML
    copy gives the same layers, and that the wijken equal those of the national CBS file.
    """
    path = tmp_path_factory.mktemp("delft") / "delft.gpkg"
    with create_workspace(path) as ws:
        import_boundaries(ws, file=DELFT_WIJKEN)
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


@pytest.fixture(scope="session")
def postgis_cluster():
    """A throwaway PostgreSQL + PostGIS server for the session (skips without one; fails on CI)."""
    from postgis_server import Cluster, require_postgis
    require_postgis()
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgis_uri(postgis_cluster) -> str:
    """A workspace URI in a fresh schema of the session's PostGIS database."""
    return postgis_cluster.uri()


def shown_versions(ws, ids) -> dict:
    """What a coordinator's queue showed of these items: id -> ``version`` (as approve names it).

    An id that does not wait gets a placeholder version, so that approve says it does not wait.
    """
    ids = [ids] if isinstance(ids, str) else list(ids)
    pending = ws.pending()
    versions = dict(zip(pending["asset_id"], pending["version"]))
    return {i: versions.get(i, "not-shown") for i in ids}
