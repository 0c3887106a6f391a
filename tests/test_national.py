"""The national run (``assetmap batch``): many gemeenten on a real Dask cluster of two worker processes
give exactly what a run per gemeente gives, a stopped run resumes, and bad input gets a coded message.

The country is made of synthetic cities (bench/synthetic_city.py: the packaged Delft extract copied,
one gemeente per city, in one ``.osm.pbf``), split by the real ``osmium`` program."""

from __future__ import annotations

import importlib.util
import json
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from assetmap import cli
from assetmap.coverage import compute_coverage, load_inputs
from assetmap.errors import InputError
from assetmap.imports import import_boundaries, import_osm
from assetmap.national import BatchOptions, parts_folder, run_batch
from assetmap.service import create_workspace

from conftest import REPO

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("osmium") is None, reason="needs osmium-tool (Debian osmium-tool)")]

CITIES = 4
NUMBERS = ["population", "covered_population", "uncovered_population", "unreachable_population",
           "coverage_pct", "median_minutes", "p90_minutes"]


def _synthetic_city():
    spec = importlib.util.spec_from_file_location("synthetic_city", REPO / "bench" / "synthetic_city.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", autouse=True)
def plain_main():
    """Dask starts its worker processes with multiprocessing's spawn, which runs ``__main__`` again in
    each; in a full test run an AppTest earlier may have left a page script there. A user's
    ``assetmap batch`` has the CLI there (guarded by ``if __name__ == "__main__"``)."""
    import sys
    import types

    kept = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    yield
    sys.modules["__main__"] = kept


@pytest.fixture(scope="module")
def country(plain_main, tmp_path_factory):
    folder = tmp_path_factory.mktemp("country")
    counts = _synthetic_city().build_city(1, folder, cities=CITIES)
    return folder, counts


@pytest.fixture(scope="module")
def national(country):
    folder, _ = country
    out = folder / "nederland.gpkg"
    seen = []
    summary = run_batch(folder / "city.osm.pbf", folder / "boundaries.geojson", out, workers=2,
                        progress=lambda stage, done, total: seen.append((stage, done, total)))
    return out, summary, seen


def _separate_run(folder, code, tmp_path):
    """One gemeente the way a ward manager runs it alone: its boundaries, the whole OSM file clipped to
    its outline, ``coverage``."""
    boundaries = gpd.read_file(folder / "boundaries.geojson")
    mine = boundaries[boundaries["code"].str.startswith("BU" + code.removeprefix("GM"))]
    outline = tmp_path / f"{code}.geojson"
    outline.write_text(json.dumps({"type": "Feature", "properties": {},
                                   "geometry": shapely.geometry.mapping(shapely.union_all(mine.geometry.array))}))
    with create_workspace(tmp_path / f"{code}.gpkg") as ws:
        import_boundaries(ws, file=folder / "boundaries.geojson", gemeente=code)
        import_osm(ws, file=folder / "city.osm.pbf", area_file=outline, clip=True)
        inputs = load_inputs(ws)
    return compute_coverage(inputs).stamped_table(), len(mine)


def test_a_national_run_on_two_workers_equals_a_run_per_gemeente(country, national, tmp_path):
    folder, counts = country
    out, summary, seen = national
    codes = [f"GM{900 + c:04d}" for c in range(CITIES)]
    assert sorted(row["gemeente_code"] for row in summary.gemeenten) == codes
    assert len({row["worker"] for row in summary.gemeenten}) == 2  # both workers took gemeenten
    assert summary.outputs == [str(out), str(out.with_suffix(".parquet"))]
    assert [s for s, d, t in seen if d == t and s == "progress_batch_gemeenten"] == ["progress_batch_gemeenten"]

    layers = dict(pyogrio.list_layers(out))
    assert set(layers) == {"buurten", "wijken"}
    buurten = gpd.read_file(out, layer="buurten")
    wijken = gpd.read_file(out, layer="wijken")
    table = gpd.read_parquet(out.with_suffix(".parquet"))
    assert len(buurten) == counts["areas"] and len(wijken) == CITIES
    assert len(table) == len(buurten) + len(wijken)
    assert buurten.crs.to_epsg() == 4326 and buurten.geometry.notna().all()
    assert int(buurten["population"].sum()) == counts["population"]  # every resident counted once

    for code in codes:
        alone, areas = _separate_run(folder, code, tmp_path)
        batch = buurten[buurten["gemeente_code"] == code].set_index("code").sort_index()
        alone = alone.set_index("buurt_code").sort_index()
        assert len(batch) == len(alone) == areas
        assert list(batch.index) == list(alone.index)
        for column in NUMBERS:
            assert np.allclose(batch[column].to_numpy(float), alone[column].to_numpy(float), equal_nan=True), (code, column)
        assert alone["covered_population"].sum() > 0  # the comparison is not between two empty runs
        wijk = wijken[wijken["gemeente_code"] == code]
        assert len(wijk) == 1
        assert int(wijk["population"].iloc[0]) == int(alone["population"].sum())
        assert int(wijk["covered_population"].iloc[0]) == int(alone["covered_population"].sum())
        mine = summary.gemeenten[[r["gemeente_code"] for r in summary.gemeenten].index(code)]
        assert mine["covered_population"] == int(alone["covered_population"].sum())
        assert mine["peak_mb"] > 50


def test_a_stopped_run_resumes_with_the_gemeenten_it_had_not_finished(country, national):
    folder, counts = country
    out, first, _ = national
    before = gpd.read_parquet(out.with_suffix(".parquet"))
    (parts_folder(out) / "parts" / "GM0901.parquet").unlink()  # as if its worker was killed
    summary = run_batch(folder / "city.osm.pbf", folder / "boundaries.geojson", out, workers=1, resume=True)
    assert summary.skipped == ["GM0900", "GM0902", "GM0903"]
    assert [row["gemeente_code"] for row in summary.gemeenten] == ["GM0901"]
    after = gpd.read_parquet(out.with_suffix(".parquet"))
    pd.testing.assert_frame_equal(before.drop(columns="geometry"), after.drop(columns="geometry"))

    with pytest.raises(InputError) as other:  # a resume with other options would mix two methods
        run_batch(folder / "city.osm.pbf", folder / "boundaries.geojson", out, resume=True,
                  options=BatchOptions(minutes=5))
    assert other.value.problems[0].code == "batch_resume_other"
    with pytest.raises(InputError) as exists:
        run_batch(folder / "city.osm.pbf", folder / "boundaries.geojson", out)
    assert exists.value.problems[0].code == "batch_exists"
    assert gpd.read_parquet(out.with_suffix(".parquet")).shape == before.shape  # nothing lost


def test_the_cli_names_what_to_fix(country, tmp_path, capsys):
    folder, _ = country
    code = cli.main(["batch", "--osm", str(folder / "city.osm.pbf"), "--boundaries", str(folder / "boundaries.geojson"),
                     "--gemeenten", "GM0900,GM0518", "--out", str(tmp_path / "nl.gpkg"), "--lang", "nl"])
    err = capsys.readouterr().err
    assert code != 0 and "GM0518" in err and "Traceback" not in err
    assert not (tmp_path / "nl.gpkg").exists()
    code = cli.main(["batch", "--osm", str(tmp_path / "missing.osm.pbf"), "--boundaries",
                     str(folder / "boundaries.geojson"), "--out", str(tmp_path / "nl.gpkg")])
    err = capsys.readouterr().err
    assert code != 0 and "missing.osm.pbf" in err and "Traceback" not in err
    code = cli.main(["batch", "--osm", str(folder / "city.osm.pbf"), "--boundaries", str(folder / "boundaries.geojson"),
                     "--out", str(tmp_path / "nl.gpkg"), "--workers", "0"])
    assert code != 0 and "Traceback" not in capsys.readouterr().err


def test_one_gemeente_from_the_cli_writes_its_summary(country, tmp_path, capsys):
    folder, _ = country
    code = cli.main(["batch", "--osm", str(folder / "city.osm.pbf"), "--boundaries", str(folder / "boundaries.geojson"),
                     "--gemeenten", "gm0902", "--out", str(tmp_path / "een.gpkg"), "--workers", "1",
                     "--json", str(tmp_path / "een.json"), "--lang", "nl"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "GM0902" in printed and "GM0900" not in printed
    summary = json.loads((tmp_path / "een.json").read_text())
    assert [row["gemeente_code"] for row in summary["gemeenten"]] == ["GM0902"]
    assert summary["gemeenten"][0]["population"] > 10_000
    assert set(gpd.read_file(tmp_path / "een.gpkg", layer="buurten")["gemeente_code"]) == {"GM0902"}


def test_a_given_scheduler_runs_the_same_and_the_result_goes_into_postgis(country, national, postgis_cluster, tmp_path):
    import psycopg
    from distributed import LocalCluster

    from assetmap.service import create_workspace as create
    from assetmap.storage.postgis import parse_uri

    folder, _ = country
    out, _, _ = national
    expected = gpd.read_file(out, layer="buurten")
    expected = expected[expected["gemeente_code"].isin(["GM0901", "GM0903"])].set_index("code").sort_index()
    uri = postgis_cluster.uri("national")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = run_batch(folder / "city.osm.pbf", folder / "boundaries.geojson", uri, gemeenten=["GM0901", "GM0903"],
                            scheduler=cluster.scheduler_address, work=tmp_path)
    assert len(summary.outputs) == 1 and summary.outputs[0].endswith("schema=national")
    conninfo, schema, _ = parse_uri(uri)
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute('SELECT code, population, covered_population, median_minutes, ST_SRID(geometry), '
                            'ST_IsValid(geometry) FROM national.buurten ORDER BY code').fetchall()
        wijken = conn.execute("SELECT count(*), sum(population) FROM national.wijken").fetchone()
    assert [r[0] for r in rows] == list(expected.index)
    assert [r[1] for r in rows] == expected["population"].tolist()
    assert [r[2] for r in rows] == expected["covered_population"].tolist()
    assert all(r[4] == 4326 and r[5] for r in rows)
    assert (wijken[0], int(wijken[1])) == (2, int(expected["population"].sum()))

    second = tmp_path / "second"
    second.mkdir()
    with pytest.raises(InputError) as exists:  # another run does not replace the tables unasked, and says so before any work
        run_batch(folder / "city.osm.pbf", folder / "boundaries.geojson", uri, gemeenten=["GM0901"],
                  workers=1, work=second)
    assert exists.value.problems[0].code == "pg_result_exists"

    workspace = postgis_cluster.uri()
    create(workspace).close()
    with pytest.raises(InputError) as among:  # never among (or over) a workspace's tables
        run_batch(folder / "city.osm.pbf", folder / "boundaries.geojson", workspace, gemeenten=["GM0901"],
                  workers=1, work=second, force=True)
    assert among.value.problems[0].code == "pg_result_in_workspace"
    with pytest.raises(InputError) as no_work:
        run_batch(folder / "city.osm.pbf", folder / "boundaries.geojson", uri)
    assert no_work.value.problems[0].code == "batch_postgis_work"
