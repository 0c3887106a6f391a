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


# ---------------------------------------------------------------------- concurrency
def test_32_writers_by_500_rows_give_exactly_16000(postgis_uri):
    """32 workshop tables at once, each its own connection, saving 500 entries in batches of 50."""
    import threading

    import numpy as np
    import shapely

    from assetmap.layers import build_assets

    create_workspace(postgis_uri).close()
    writers, per_writer, batch = 32, 500, 50
    batches = {}
    for w in range(writers):
        rng = np.random.default_rng(w)
        rows = gpd.GeoDataFrame(
            {"name": [f"tafel {w} asset {i}" for i in range(per_writer)], "building_block": ["resource"] * per_writer},
            geometry=[shapely.Point(4.35 + rng.uniform(0, 0.03), 52.0 + rng.uniform(0, 0.02))
                      for _ in range(per_writer)], crs=4326)
        batches[w] = build_assets(rows, source="workshop", added_by=f"tafel {w}")
    start, errors = threading.Barrier(writers), []

    def write(w):
        try:
            with open_workspace(postgis_uri) as ws:
                start.wait()
                for i in range(0, per_writer, batch):
                    assert len(ws.save_assets(batches[w].iloc[i:i + batch], f"tafel {w}").added) == batch
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with open_workspace(postgis_uri) as ws:
        assets = ws.assets()
        creates = ws.history()
    assert len(assets) == writers * per_writer == 16_000
    assert assets["id"].is_unique
    assert assets.groupby("added_by").size().to_dict() == {f"tafel {w}": per_writer for w in range(writers)}
    assert (creates["action"] == "create").sum() == 16_000


# A writer in its own process: saves in one transaction, says so, then waits to be killed
# (``hold``), or commits and waits (``commit``).
_KILLED_WRITER = r"""
import sys, time
import geopandas as gpd, shapely
from assetmap.layers import build_assets
from assetmap.service import open_workspace

uri, mode = sys.argv[1], sys.argv[2]
n = 2000
rows = gpd.GeoDataFrame({"name": [f"import {i}" for i in range(n)], "building_block": ["resource"] * n},
                        geometry=[shapely.Point(4.36 + i * 1e-6, 52.01) for i in range(n)], crs=4326)
assets = build_assets(rows, source="import", added_by="import")
ws = open_workspace(uri)
if mode == "hold":
    with ws.transaction():
        ws.save_assets(assets, "import")
        print("inside", flush=True)
        time.sleep(600)
else:
    ws.save_assets(assets, "import")
    print("committed", flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("mode, expected", [("hold", 0), ("commit", 2000)])
def test_a_killed_writer_leaves_all_or_nothing(postgis_uri, mode, expected):
    import signal
    import subprocess
    import sys

    with create_workspace(postgis_uri) as ws:
        ws.add_entry(*_entry("er was al iets"))
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, postgis_uri, mode], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() in ("inside", "committed"), proc.stderr.read() if proc.poll() is not None else line
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    # The server rolls the dead connection's transaction back and frees its lock: the next write goes through.
    with open_workspace(postgis_uri) as ws:
        ws.add_entry(*_entry("daarna"))
        names = list(ws.assets()["name"])
        creates = (ws.history()["action"] == "create").sum()
    assert len(names) == 2 + expected and names[0] == "er was al iets" and names[-1] == "daarna"
    assert creates == 2 + expected


# One app process with its workspace open: reads commands on stdin, answers on stdout.
_APP_PROCESS = r"""
import json, sys
from shapely.geometry import Point
from assetmap.service import open_workspace

ws = open_workspace(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    command, _, name = line.strip().partition(" ")
    if command == "add":
        ws.add_entry({"name": name, "building_block": "association", "visibility": "public"}, Point(4.37, 52.0))
        print("saved", flush=True)
    elif command == "list":
        print(json.dumps(sorted(ws.assets()["name"])), flush=True)
"""


def test_two_app_processes_see_each_others_saves(postgis_uri):
    import json
    import subprocess
    import sys

    create_workspace(postgis_uri).close()
    apps = [subprocess.Popen([sys.executable, "-c", _APP_PROCESS, postgis_uri], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]

    def ask(app, command):
        app.stdin.write(command + "\n")
        app.stdin.flush()
        return app.stdout.readline().strip()

    try:
        assert [app.stdout.readline().strip() for app in apps] == ["ready", "ready"]
        assert ask(apps[0], "add Buurtkoor") == "saved"
        assert json.loads(ask(apps[1], "list")) == ["Buurtkoor"]
        assert ask(apps[1], "add Voedselbank") == "saved"
        assert json.loads(ask(apps[0], "list")) == ["Buurtkoor", "Voedselbank"]
    finally:
        for app in apps:
            app.stdin.close()
            app.wait(timeout=60)


@pytest.mark.parametrize("backend", ["geopackage", "postgis"])
def test_a_stale_edit_is_refused_never_written_over(backend, request, tmp_path):
    location = tmp_path / "ws.gpkg" if backend == "geopackage" else request.getfixturevalue("postgis_uri")
    with create_workspace(location) as ws:
        asset_id = ws.add_entry(*_entry("Buurthuis"))
    with open_workspace(location) as table_1, open_workspace(location) as table_2:
        opened_1 = table_1.asset(asset_id)["version"]
        opened_2 = table_2.asset(asset_id)["version"]
        assert opened_1 == opened_2 == 1
        table_2.update_asset(asset_id, {"name": "Buurthuis De Hoven"}, expected_version=opened_2)
        with pytest.raises(InputError) as conflict:
            table_1.update_asset(asset_id, {"name": "Het Buurthuis"}, expected_version=opened_1)
        assert conflict.value.problems[0].code == "edit_conflict"
        assert "reload" in str(conflict.value)
        assert table_1.asset(asset_id)["name"] == "Buurthuis De Hoven"
        assert table_1.asset(asset_id)["version"] == 2
        # Reloaded, the same change goes through.
        table_1.update_asset(asset_id, {"name": "Het Buurthuis"}, expected_version=2)
        assert table_2.asset(asset_id)["version"] == 3
        assert "version" not in table_2.assets().columns  # bookkeeping, not a field of the entry


# ---------------------------------------------------------------------- copy
def _cli_json(capsys, *args):
    import json

    from assetmap.cli import main
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def _coverage(location, tmp_path, name):
    import json

    from assetmap.cli import main
    out = tmp_path / f"{name}.json"
    assert main(["coverage", str(location), "--no-save", "--json", str(out)]) == 0
    return json.loads(out.read_text())


def test_copy_geopackage_to_postgis_and_back_keeps_everything(delft_copy, postgis_uri, tmp_path, capsys):
    from assetmap.cli import main

    with open_workspace(delft_copy) as ws:
        kept = ws.add_entry(*_entry("Buurthuis Wippolder", lon=4.372, lat=52.005), actor=Actor("ans"))
        gone = ws.add_entry(*_entry("Tijdelijk", lon=4.373, lat=52.006), actor=Actor("ans"))
        ws.update_asset(kept, {"description": "elke dinsdag koffie"}, Actor("ans"))
        ws.delete_assets([gone], Actor("ans"))
        ws.create_account("ans", "een lang wachtwoord 123", "workshop")
    assert main(["coverage", str(delft_copy)]) == 0  # an analysis result in the workspace too
    back = tmp_path / "back.gpkg"
    assert main(["copy", str(delft_copy), postgis_uri]) == 0
    assert main(["copy", postgis_uri, str(back)]) == 0

    listed = [_cli_json(capsys, "list", str(where), "--json") for where in (delft_copy, postgis_uri, back)]
    assert listed[0] == listed[1] == listed[2] and len(listed[0]) > 10
    coverage = [_coverage(where, tmp_path, f"c{i}") for i, where in enumerate((delft_copy, postgis_uri, back))]
    assert coverage[0] == coverage[1] == coverage[2]
    histories, counts = [], []
    for where in (delft_copy, postgis_uri, back):
        with open_workspace(where) as ws:
            histories.append(ws.history().to_dict("records"))
            counts.append(ws.counts())
            assert list(ws.accounts()["name"]) == ["ans"]
    assert histories[0] == histories[1] == histories[2]
    assert {"delete", "update", "create"} <= {h["action"] for h in histories[0]}
    assert counts[0] == counts[1] == counts[2] and "coverage_buurten" in counts[0]
    # The kept network is a binary column (BLOB, bytea): the same bytes in all three, and read back as kept.
    from assetmap import coverage as analysis
    kept = []
    for where in (delft_copy, postgis_uri, back):
        with open_workspace(where) as ws:
            parts = ws.read_table(analysis.NETWORK_TABLE).sort_values("part")["data"].tolist()
            assert parts and all(isinstance(p, bytes) for p in parts)
            kept.append(b"".join(parts))
            stages = []
            analysis.load_inputs(ws, progress=lambda stage, *_, seen=stages: seen.append(stage))
            assert "progress_snap" not in stages  # the kept placement was used, not placed again
    assert kept[0] == kept[1] == kept[2] and len(kept[0]) > 100_000
    # The copy is a working workspace: undo (which names a change by its row number) works there.
    with open_workspace(postgis_uri) as ws:
        assert ws.undo_last(Actor("ans")) == gone
        assert ws.asset(gone)["name"] == "Tijdelijk"


def test_copy_refuses_an_existing_target_and_leaves_nothing_half_made(delft_copy, postgis_uri, tmp_path, capsys):
    from assetmap.cli import main

    create_workspace(postgis_uri).close()
    assert main(["copy", str(delft_copy), postgis_uri]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["copy", str(delft_copy), str(delft_copy)]) == 2
    assert main(["copy", str(tmp_path / "missing.gpkg"), str(tmp_path / "new.gpkg")]) == 2
    assert not (tmp_path / "new.gpkg").exists()


# ---------------------------------------------------------------------- public views for QGIS
def test_public_views_hold_only_public_entries_without_contact(postgis_uri):
    import psycopg
    import shapely

    from assetmap.layers.schema import ENTRY_KINDS
    from assetmap.privacy import CONTACT_MASK

    with create_workspace(postgis_uri) as ws:
        anna = Actor("anna")
        ws.add_entry({"name": "Bibliotheek", "building_block": "institution", "visibility": "public",
                      "consent": True, "contact": "info@bieb.example"}, Point(4.37, 52.0), anna)
        ws.add_entry({"name": "Koor", "building_block": "association", "visibility": "group", "consent": True,
                      "contact": "koor@example.org"}, Point(4.371, 52.001), anna)
        ws.add_entry({"name": "Geheime tuin", "building_block": "resource", "visibility": "private"},
                     Point(4.372, 52.002), anna)
        person = ws.add_entry({"name": "Anna kookt, bel 06-12345678", "building_block": "individual",
                               "visibility": "public", "consent": True, "contact": "06-12345678"},
                              Point(4.3731, 52.0031), anna)
        ws.add_entry({"name": "Bert zingt", "building_block": "individual", "visibility": "public",
                      "consent": False}, Point(4.374, 52.004), anna)
        expected = ws.assets(actor=Actor(None, "public"))
    conninfo, schema, _ = parse_uri(postgis_uri)
    public = schema + "_public"
    with psycopg.connect(conninfo) as conn:
        relations = dict(conn.execute("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
                                      "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'v')",
                                      (public,)).fetchall())
        assert set(relations) == set(ENTRY_KINDS)
        columns = {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_schema = %s", (public,))}
        rows = {kind: conn.execute(f'SELECT name, ST_AsText(geometry) FROM "{public}"."{kind}"').fetchall()
                for kind in ENTRY_KINDS}
        everything = " ".join(str(r) for kind_rows in rows.values() for r in kind_rows)
    assert not {"contact", "added_by", "owners", "version"} & columns
    assert [r[0] for r in rows["institution"]] == ["Bibliotheek"]
    assert rows["association"] == [] and rows["resource"] == []
    assert len(rows["individual"]) == 1 and CONTACT_MASK in rows["individual"][0][0]
    for secret in ("Koor", "Geheime tuin", "Bert zingt", "06-12345678", "info@bieb.example", "anna"):
        assert secret not in everything
    # The person is where the public view puts them (the area anchor), never at the point given.
    anchor = expected[expected["id"] == person].geometry.iloc[0]
    stored = rows["individual"][0][1]
    assert (None if stored is None else shapely.from_wkt(stored)) == anchor  # no boundaries here: no location
    assert stored is None or not shapely.from_wkt(stored).equals(shapely.Point(4.3731, 52.0031))


def test_a_gis_role_with_the_documented_grants_cannot_leak_filtered_rows(postgis_cluster):
    """The README's grants (USAGE and SELECT on ``<schema>_public``) and a reader's own cheap function:
    the function never sees a row the views filter out (security_barrier views)."""
    import psycopg

    uri = postgis_cluster.uri()
    with create_workspace(uri) as ws:
        anna = Actor("anna")
        ws.add_entry({"name": "Buurtkamer", "building_block": "association", "visibility": "public",
                      "consent": True}, Point(4.37, 52.0), anna)
        ws.add_entry({"name": "Koos helpt, alleen de groep", "building_block": "individual", "visibility": "group",
                      "consent": False, "contact": "06-11122233"}, Point(4.371234, 52.001234), anna)
        ws.add_entry({"name": "Geheime moestuin", "building_block": "association", "visibility": "private"},
                     Point(4.372, 52.002), anna)
    conninfo, schema, _ = parse_uri(uri)
    public = schema + "_public"
    reader = f"gis_{schema}"
    with psycopg.connect(postgis_cluster.base(), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{reader}" LOGIN')
        conn.execute(f'GRANT USAGE ON SCHEMA "{public}" TO "{reader}"')
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{public}" TO "{reader}"')
    seen: list[str] = []
    with psycopg.connect(postgis_cluster.base().replace("assetmap@", f"{reader}@"), autocommit=True) as conn:
        conn.add_notice_handler(lambda notice: seen.append(notice.message_primary))
        # Declared almost free, so a planner without a barrier runs it before the view's own filter.
        conn.execute("CREATE FUNCTION pg_temp.peek(t text, g geometry) RETURNS boolean LANGUAGE plpgsql "
                     "COST 0.0000001 AS $$ BEGIN RAISE NOTICE 'peek: % %', t, ST_AsText(g); RETURN true; END $$")
        for kind in ("association", "resource", "story", "institution", "initiative"):
            conn.execute(f'SELECT name FROM "{public}"."{kind}" WHERE pg_temp.peek(name, geometry)').fetchall()
        # The documented rights give nothing of the workspace schema itself.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'SELECT name FROM "{schema}"."assets"')
    leaked = " ".join(seen)
    assert "Buurtkamer" in leaked  # the function ran, on the public row
    for secret in ("Koos", "06-11122233", "Geheime moestuin", "4.371234"):
        assert secret not in leaked, f"{secret!r} reached a reader's function: {seen}"


def test_a_workspace_never_goes_into_a_public_or_system_schema(delft_copy, postgis_cluster, capsys):
    from assetmap.cli import main

    for schema in ("delft_public", "pg_catalog", "information_schema", "pg_temp"):
        target = postgis_cluster.uri(schema)
        assert main(["copy", str(delft_copy), target]) == 2
        err = capsys.readouterr().err
        assert schema in err and "Traceback" not in err
        assert main(["init", target]) == 2
        assert schema in capsys.readouterr().err
    import psycopg

    with psycopg.connect(postgis_cluster.base()) as conn:
        assert not conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'delft_public'").fetchone()


def test_public_individuals_stand_at_their_area_anchor(delft_copy, postgis_uri):
    import psycopg
    import shapely

    from assetmap.storage import copy_store

    copy_store(delft_copy, postgis_uri)
    with open_workspace(postgis_uri) as ws:
        home = Point(4.3705, 52.0005)
        person = ws.add_entry({"name": "Fatima naait", "building_block": "individual", "visibility": "public",
                               "consent": True}, home, Actor("fatima"))
        anchor = ws.assets(actor=Actor(None, "public")).set_index("id").geometry[person]
    conninfo, schema, _ = parse_uri(postgis_uri)
    with psycopg.connect(conninfo) as conn:
        stored = conn.execute(f'SELECT ST_AsText(geometry) FROM "{schema}_public"."individual"').fetchall()
    assert anchor is not None and not anchor.equals(home)
    assert [shapely.from_wkt(g).equals_exact(anchor, 1e-9) for (g,) in stored] == [True]


def test_missing_postgis_or_rights_give_exit_2_with_the_fix(postgis_cluster, capsys):
    import psycopg

    from assetmap.cli import main

    with psycopg.connect(postgis_cluster.base("postgres"), autocommit=True) as conn:
        conn.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'plain') THEN "
                     "CREATE ROLE plain LOGIN NOSUPERUSER NOCREATEDB; END IF; END $$")
    plain = postgis_cluster.base().replace("assetmap@", "plain:pw@")
    # A database without PostGIS, and a user who may not add it.
    assert main(["init", plain.rsplit("/", 1)[0] + "/no_postgis"]) == 2
    err = capsys.readouterr().err
    assert "no PostGIS" in err and "CREATE EXTENSION postgis" in err and ":pw@" not in err
    # PostGIS is there, but the user may not create a schema: nothing is left behind.
    uri = plain + "?schema=not_allowed"
    assert main(["init", uri]) == 2
    err = capsys.readouterr().err
    assert "may not create" in err and "grant" in err
    with psycopg.connect(postgis_cluster.base()) as conn:
        assert conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'not_allowed'").fetchone() is None
    # A malformed URI says how to write one.
    assert main(["list", "postgresql://host:port/db"]) == 2
    assert "postgresql://user:password@host:port/database" in capsys.readouterr().err


# ---------------------------------------------------------------------- the app on PostGIS
def test_two_app_sessions_on_postgis_see_each_others_saves(delft_copy, postgis_uri, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from test_app import map_list_names

    from assetmap.storage import copy_store

    from conftest import REPO

    copy_store(delft_copy, postgis_uri)
    monkeypatch.setenv("ASSETMAP_WORKSPACE", postgis_uri)
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    sessions = [AppTest.from_file(str(REPO / "pages" / "1_Kaart.py"), default_timeout=180) for _ in range(2)]
    for at in sessions:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    before = set(map_list_names(sessions[1]))
    assert len(before) > 100 and "Buurtkoor Wippolder" not in before
    # A save made by another app process (its own connection) ...
    with open_workspace(postgis_uri) as ws:
        ws.add_entry({"name": "Buurtkoor Wippolder", "building_block": "association", "visibility": "public"},
                     Point(4.3725, 52.0015), Actor("koor"))
    # ... shows in both sessions at their next run (the cache is keyed on the server's change counter).
    for at in sessions:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert set(map_list_names(at)) == before | {"Buurtkoor Wippolder"}


def test_an_older_server_workspace_is_migrated_on_opening(postgis_uri):
    import psycopg

    from assetmap.storage import SCHEMA_VERSION

    with create_workspace(postgis_uri) as ws:
        asset_id = ws.add_entry(*_entry("Speeltuin"))
    conninfo, schema, _ = parse_uri(postgis_uri)
    with psycopg.connect(conninfo, autocommit=True) as conn:  # as a schema-4 workspace was
        conn.execute(f'ALTER TABLE "{schema}".assets DROP COLUMN version')
        conn.execute(f"UPDATE \"{schema}\".workspace_meta SET value = '4' WHERE key = 'schema_version'")
    with open_workspace(postgis_uri) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        assert ws.asset(asset_id)["version"] == 1
        ws.update_asset(asset_id, {"name": "Speeltuin Poptahof"}, expected_version=1)
        assert ws.asset(asset_id)["version"] == 2


def test_two_tables_editing_one_entry_in_the_app_never_overwrite_each_other(delft_copy, postgis_uri, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from test_app import fill_new_asset, save_button

    from assetmap import i18n
    from assetmap.storage import copy_store

    from conftest import REPO

    copy_store(delft_copy, postgis_uri)
    monkeypatch.setenv("ASSETMAP_WORKSPACE", postgis_uri)
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    page = str(REPO / "pages" / "2_In_kaart_brengen.py")
    tables = [AppTest.from_file(page, default_timeout=180) for _ in range(2)]
    for at in tables:
        at.run()
        at.text_input(key="_pseudonym_widget").input("tafel 2").run()
    fill_new_asset(tables[0], "Moestuin")
    save_button(tables[0]).click().run()
    with open_workspace(postgis_uri) as ws:
        asset_id = ws.assets().query("name == 'Moestuin'")["id"].iloc[0]
    for at in tables:
        at.run()  # both tables open the entry's edit form
        assert not at.exception, [e.value for e in at.exception]
    tables[1].text_input(key=f"edit_name_{asset_id}").input("Moestuin Wippolder")
    next(b for b in tables[1].button if b.label == i18n.t("edit_save", "nl")).click().run()
    tables[0].text_input(key=f"edit_name_{asset_id}").input("Moestuin aan de Schie")
    next(b for b in tables[0].button if b.label == i18n.t("edit_save", "nl")).click().run()
    assert not tables[0].exception
    assert any("iemand anders" in e.value for e in tables[0].error), [e.value for e in tables[0].error]
    with open_workspace(postgis_uri) as ws:
        assert ws.asset(asset_id)["name"] == "Moestuin Wippolder"
        assert ws.asset(asset_id)["version"] == 2
