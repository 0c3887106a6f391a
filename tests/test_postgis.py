"""The PostGIS store: the same workspace in a server database (issue 13).

A real PostgreSQL 15 + PostGIS 3 cluster per session (``postgis_cluster`` in conftest.py); the
tests skip without one, except on CI.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from assetmap.errors import InputError, WorkspaceError
from assetmap.service import Actor, create_workspace, open_workspace
from assetmap.storage import TABLES, PostgisStore, open_store
from assetmap.storage.postgis import mask, parse_uri


def _entry(name, block="association", lon=4.37, lat=52.0):
    return {"name": name, "building_block": block, "visibility": "public"}, Point(lon, lat)


def test_create_open_read_write(postgis_uri):
    with create_workspace(postgis_uri) as ws:
        assert ws.schema_version() >= 4
        assert set(TABLES) <= set(ws.tables())
        fields, point = _entry("Buurthuis De Hoven")
        asset_id = ws.add_entry(fields, point, actor=Actor("Ans"))
    with open_workspace(postgis_uri) as ws:
        assets = ws.assets()
        assert list(assets["name"]) == ["Buurthuis De Hoven"]
        assert assets.crs.to_epsg() == 4326
        assert assets.geometry.iloc[0].equals_exact(point, 1e-9)
        assert list(ws.history(asset_id)["action"]) == ["create"]


def test_geometry_columns_have_srid_and_gist_index(postgis_uri):
    import psycopg
    store = PostgisStore.create(postgis_uri)
    store.close()
    conninfo, schema, _ = parse_uri(postgis_uri)
    with psycopg.connect(conninfo) as conn:
        columns = dict(conn.execute("SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = %s",
                                    (schema,)).fetchall())
        types = dict(conn.execute("SELECT f_table_name, type FROM geometry_columns WHERE f_table_schema = %s",
                                  (schema,)).fetchall())
        indexes = {r[0] for r in conn.execute("SELECT tablename FROM pg_indexes WHERE schemaname = %s "
                                              "AND indexdef LIKE '%%USING gist%%'", (schema,))}
    feature_tables = {n for n, spec in TABLES.items() if spec.geometry_type}
    assert set(columns) == feature_tables and set(columns.values()) == {4326}
    assert types["walk_nodes"] == "POINT" and types["walk_edges"] == "LINESTRING"
    assert indexes == feature_tables


def test_one_transaction_per_edit_and_nested_join(postgis_uri):
    with create_workspace(postgis_uri) as ws:
        store = ws.store
        with pytest.raises(RuntimeError):
            with store.transaction():
                fields, point = _entry("Half")
                ws.add_entry(fields, point)
                raise RuntimeError("stop")
        assert store.count("assets") == 0
        with ws.transaction():
            ws.add_entry(*_entry("A"))
            ws.add_entry(*_entry("B"))
        assert store.count("assets") == 2


def test_uri_schema_keeps_workspaces_apart_and_password_is_masked(postgis_cluster):
    first, second = postgis_cluster.uri(), postgis_cluster.uri()
    create_workspace(first).close()
    create_workspace(second).close()
    with open_workspace(first) as ws:
        ws.add_entry(*_entry("only in first"))
    with open_workspace(second) as ws:
        assert len(ws.assets()) == 0
    shown = mask("postgresql://ans:geheim@db.example:5432/abcd?schema=delft")
    assert "geheim" not in shown and "***" in shown
    store = open_store(first.replace("assetmap@", "assetmap:geheim@"))
    assert "geheim" not in store.location
    store.close()


def test_bad_locations_name_the_fix(postgis_cluster):
    with pytest.raises(InputError) as bad:
        create_workspace("postgresql://host:notaport/db")
    assert bad.value.problems[0].code == "pg_bad_uri"
    with pytest.raises(WorkspaceError) as unreachable:
        open_workspace(f"postgresql://nobody:secret@127.0.0.1:{postgis_cluster.port + 1}/x")
    assert unreachable.value.problems[0].code == "pg_unreachable" and "secret" not in str(unreachable.value)
    with pytest.raises(WorkspaceError) as missing:
        open_workspace(postgis_cluster.uri())
    assert missing.value.problems[0].code == "ws_missing"
    uri = postgis_cluster.uri()
    create_workspace(uri).close()
    with pytest.raises(InputError) as exists:
        create_workspace(uri)
    assert exists.value.problems[0].code == "ws_exists"
