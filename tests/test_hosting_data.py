"""Running assetmap for a community: backups that restore, data that expires, logs without people in them.

Backups and restores on both stores (a GeoPackage and a real PostGIS cluster on loopback), compared
by ``list --json``, coverage, history and accounts; a backup taken while another process keeps
writing; restore refusing to overwrite and checking the backup first; retention, erasure and the
right of access through the CLI and the service; and the structured log of writes, a sign-in and an
approval, read back as JSON and searched for the entry's texts and the pseudonym.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from shapely.geometry import Point

from assetmap.cli import main
from assetmap.errors import InputError, PermissionDenied, WorkspaceError
from assetmap.service import Actor, audit, open_workspace
from assetmap.storage.backup import backup_store, restore_store, verify_backup

from conftest import shown_versions

TABLE = "tafel-rood"  # a participant's pseudonym: must never reach the log
PERSON = {"name": "Fatima El Amrani", "description": "zingt op buurtfeesten en geeft les",
          "contact": "06-12345678"}


def _entry(name, visibility="public", block="association", lon=4.372, lat=52.005, **more):
    return {"name": name, "building_block": block, "visibility": visibility, "consent": True, **more}, Point(lon, lat)


def _cli_json(capsys, *args):
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def _coverage(location, tmp_path, name):
    out = tmp_path / f"{name}.json"
    assert main(["coverage", str(location), "--no-save", "--json", str(out)]) == 0
    return json.loads(out.read_text())


def _state(location):
    with open_workspace(location) as ws:
        history = ws.history().drop(columns="fid").to_dict("records")
        accounts = ws.accounts().to_dict("records")
    return history, accounts


def _fill(location):
    """A workshop's traces: entries of a table, an edit, a delete, an account and a table code."""
    with open_workspace(location) as ws:
        kept = ws.add_entry(*_entry("Buurthuis Wippolder"), actor=Actor(TABLE, "workshop"))
        gone = ws.add_entry(*_entry("Tijdelijk", lon=4.373), actor=Actor(TABLE, "workshop"))
        ws.update_asset(kept, {"description": "elke dinsdag koffie"}, Actor(TABLE, "workshop"))
        ws.delete_assets([gone], Actor(TABLE, "workshop"))
        ws.create_account("carla", "een lang wachtwoord 123", "coordinator")
        ws.issue_table_code(hours=2)
    return kept


# ---------------------------------------------------------------------- backup and restore
@pytest.mark.parametrize("store", ["geopackage", "postgis"])
def test_backup_and_restore_keep_list_coverage_history_and_accounts(store, delft_copy, tmp_path, capsys, request):
    source = str(delft_copy) if store == "geopackage" else request.getfixturevalue("postgis_uri")
    if store == "postgis":
        assert main(["copy", str(delft_copy), source]) == 0
    _fill(source)
    backup = tmp_path / "backup-2026-12-07.gpkg"
    assert main(["backup", source, str(backup)]) == 0
    assert "checked" in capsys.readouterr().out
    assert verify_backup(backup)["history"] >= 4
    with open_workspace(source) as ws:
        assert ws.status()["last_backup"] is not None  # the status panel shows it

    # Restore beside the original: a new file and (for a server) a new schema.
    targets = [tmp_path / "restored.gpkg"]
    if store == "postgis":
        targets.append(request.getfixturevalue("postgis_cluster").uri())
    for n, target in enumerate(targets):
        assert main(["restore", str(backup), str(target)]) == 0
        listed = [_cli_json(capsys, "list", str(w), "--json") for w in (source, target)]
        assert listed[0] == listed[1] and len(listed[0]) > 100
        assert _coverage(source, tmp_path, f"a{n}") == _coverage(target, tmp_path, f"b{n}")  # no file is overwritten
        assert _state(source) == _state(target)
        assert [a["name"] for a in _state(target)[1]] == ["carla"]
        with open_workspace(target) as ws:  # the accounts work: sign in with the same password
            assert ws.sign_in("carla", "een lang wachtwoord 123").role == "coordinator"


@pytest.mark.parametrize("store", ["geopackage", "postgis"])
def test_restore_refuses_to_overwrite_and_keeps_the_old_workspace_with_force(store, delft_copy, tmp_path, capsys,
                                                                              request):
    target = str(delft_copy) if store == "geopackage" else request.getfixturevalue("postgis_uri")
    if store == "postgis":
        assert main(["copy", str(delft_copy), target]) == 0
    backup = tmp_path / "b.gpkg"
    assert main(["backup", target, str(backup)]) == 0
    with open_workspace(target) as ws:  # a change after the backup
        added = ws.add_entry(*_entry("Na de back-up"), actor=Actor(TABLE, "workshop"))
    before = delft_copy.read_bytes() if store == "geopackage" else None
    capsys.readouterr()
    assert main(["restore", str(backup), target]) == 2
    assert "--force" in capsys.readouterr().err
    if before is not None:
        assert delft_copy.read_bytes() == before  # refused: not a byte changed
    with open_workspace(target) as ws:
        assert ws.asset(added) is not None

    assert main(["restore", str(backup), target, "--force"]) == 0
    kept = capsys.readouterr().err
    with open_workspace(target) as ws:
        assert ws.asset(added) is None  # back to the backup
    if store == "geopackage":
        old = list(tmp_path.glob("*.before-restore-*.gpkg"))
        assert len(old) == 1 and old[0].name in kept
        with open_workspace(old[0]) as ws:
            assert ws.asset(added) is not None  # nothing lost: the replaced workspace is kept
    else:
        assert "_before_" in kept
        from assetmap.storage.backup import _with_schema
        aside = _with_schema(target, kept.split("schema=")[1].split()[0].rstrip(";"))
        with open_workspace(aside) as ws:
            assert ws.asset(added) is not None  # nothing lost: the replaced schema is kept


def test_restore_checks_the_backup_before_replacing_anything(delft_copy, tmp_path, capsys):
    backup = tmp_path / "b.gpkg"
    backup_store(delft_copy, backup)
    damaged = tmp_path / "damaged.gpkg"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2: len(data) // 2 + 8192] = b"\xff" * 8192  # a torn write in the middle
    damaged.write_bytes(bytes(data))
    before = delft_copy.read_bytes()
    with pytest.raises(WorkspaceError) as caught:
        restore_store(damaged, delft_copy, force=True)
    assert caught.value.problems[0].code == "backup_broken"
    assert delft_copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".gpkg") == ["b.gpkg", "damaged.gpkg", "delft.gpkg"]
    not_a_workspace = tmp_path / "plain.gpkg"
    sqlite3.connect(not_a_workspace).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(WorkspaceError):
        restore_store(not_a_workspace, tmp_path / "new.gpkg")
    assert not (tmp_path / "new.gpkg").exists()
    with pytest.raises(InputError) as caught:
        backup_store(delft_copy, backup)  # a backup never overwrites
    assert caught.value.problems[0].code == "ws_exists"


#: Another process that writes entries; it touches ``started`` after its sixth. A plain interpreter
#: (not multiprocessing's spawn, which re-imports whatever ``__main__`` an earlier test left behind).
_WRITER = """
import sys
from pathlib import Path
from shapely.geometry import Point
from assetmap.service import Actor, open_workspace
path, n, started = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
with open_workspace(path) as ws:
    for i in range(n):
        ws.add_entry({"name": f"Schrijver {i}", "building_block": "association", "visibility": "public",
                      "consent": True}, Point(4.37 + i * 1e-5, 52.005), actor=Actor("schrijver", "workshop"))
        if i == 5:
            started.touch()
"""


def test_a_geopackage_backup_is_consistent_while_another_process_writes(delft_copy, tmp_path):
    from conftest import REPO

    started = tmp_path / "started"
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(delft_copy), "150", str(started)],
                              env=os.environ | {"PYTHONPATH": str(REPO)})
    try:
        deadline = time.monotonic() + 120
        while not started.exists() and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert started.exists()
        backups = []
        for i in range(3):
            out = tmp_path / f"b{i}.gpkg"
            backup_store(delft_copy, out)
            backups.append(out)
    finally:
        writer.wait(300)
    assert writer.returncode == 0
    for out in backups:
        with open_workspace(out) as ws:
            mine = ws.assets()
            mine = mine[(mine["added_by"] == "schrijver").to_numpy()]
            history = ws.history()
            creates = history[(history["actor"] == "schrijver").to_numpy()]
            # Every entry has its history row and no history row lacks its entry: one moment.
            assert set(mine["id"]) == set(creates["asset_id"])
    with open_workspace(delft_copy) as ws:
        assert (ws.assets()["added_by"] == "schrijver").sum() == 150


# ---------------------------------------------------------------------- retention, erasure, access
def _old(location, pseudonym, months):
    """Move every trace of ``pseudonym`` back in time by ``months`` (as if it were last active then)."""
    moment = (datetime.now(timezone.utc) - timedelta(days=months * 31)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    conn = sqlite3.connect(location)
    conn.execute("UPDATE history SET at = ? WHERE actor = ?", (moment, pseudonym))
    # Their requests waiting for a coordinator (moderation is on in a new workspace) are as old.
    conn.execute("UPDATE moderation_queue SET at = ? WHERE requested_by = ?", (moment, pseudonym))
    conn.commit()
    conn.close()
    with open_workspace(location) as ws:  # through the store: its spatial index triggers need its functions
        frame = ws.store.read("assets", {"added_by": pseudonym})
        ws.store.update("assets", frame.assign(updated_at=moment, created_at=moment), "id")


def test_retention_anonymises_old_pseudonyms_and_deletes_expired_table_codes(delft_copy, capsys):
    with open_workspace(delft_copy) as ws:
        old_id = ws.add_entry(*_entry("Moestuin Buitenhof"), actor=Actor("oude-tafel", "workshop"))
        ws.update_asset(old_id, {"description": "open op zaterdag"}, Actor("oude-tafel", "workshop"))
        new_id = ws.add_entry(*_entry("Koffieochtend"), actor=Actor("nieuwe-tafel", "workshop"))
        ws.create_account("carla", "een lang wachtwoord 123", "coordinator")
        ws.add_entry(*_entry("Van carla"), actor=Actor("carla", "coordinator"))
    _old(delft_copy, "oude-tafel", 13)
    _old(delft_copy, "carla", 13)  # an account holder: not a table pseudonym, kept
    with open_workspace(delft_copy) as ws:  # someone else's recent edit is not the old table's activity
        ws.update_asset(old_id, {"category": "moestuin"}, Actor("carla", "coordinator"))
    conn = sqlite3.connect(delft_copy)
    conn.execute("INSERT INTO table_codes (code_hash, expires_at, created_at, created_by) VALUES "
                 "('x', '2020-01-01T00:00:00.000Z', '2019-12-31T00:00:00.000Z', 'carla')")
    conn.commit()
    conn.close()

    before = delft_copy.read_bytes()
    assert main(["retention", str(delft_copy), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 pseudonym" in out or "would anonymise 1" in out
    assert delft_copy.read_bytes() == before  # a dry run writes nothing

    assert main(["retention", str(delft_copy)]) == 0
    with open_workspace(delft_copy) as ws:
        assert ws.asset(old_id)["added_by"] is None
        assert ws.asset(old_id)["name"] == "Moestuin Buitenhof"  # the place stays on the map
        assert ws.asset(new_id)["added_by"] == "nieuwe-tafel"  # active within 12 months: kept
        history = ws.history()
        assert "oude-tafel" not in history.to_json()
        assert "nieuwe-tafel" in history.to_json() and "carla" in set(history["actor"])
        assert ws.status()["last_retention"] is not None
        # An anonymised entry has no owner: the old table's pseudonym no longer changes it.
        with pytest.raises(PermissionDenied):
            ws.update_asset(old_id, {"name": "overgenomen"}, Actor("oude-tafel", "workshop"))
    conn = sqlite3.connect(delft_copy)
    assert conn.execute("SELECT count(*) FROM table_codes WHERE code_hash = 'x'").fetchone()[0] == 0
    conn.close()

    # A shorter retention per workspace reaches the newer table too; only coordinators may set or run it.
    with open_workspace(delft_copy) as ws:
        with pytest.raises(PermissionDenied):
            ws.apply_retention(Actor("nieuwe-tafel", "workshop"))
        with pytest.raises(InputError):
            ws.set_retention(0)
        ws.set_retention(1)
        report = ws.apply_retention(now=datetime.now(timezone.utc) + timedelta(days=40))
        assert report["pseudonyms"] == 1 and ws.asset(new_id)["added_by"] is None


def test_forget_deletes_private_entries_and_anonymises_the_rest_and_my_data_shows_it_first(delft_copy, tmp_path,
                                                                                            capsys):
    with open_workspace(delft_copy) as ws:
        private = ws.add_entry(*_entry(PERSON["name"], "private", "individual", description=PERSON["description"],
                                       contact=PERSON["contact"]), actor=Actor(TABLE, "workshop"))
        public = ws.add_entry(*_entry("Speeltuin De Bras"), actor=Actor(TABLE, "workshop"))
        other = ws.add_entry(*_entry("Buurtkamer", owners=f"anders; {TABLE}"), actor=Actor("anders", "workshop"))
        ws.update_asset(other, {"description": "koffie"}, Actor(TABLE, "workshop"))
        ws.create_account("carla", "een lang wachtwoord 123", "coordinator")

    out = tmp_path / "mijn-gegevens.json"
    assert main(["my-data", str(delft_copy), TABLE, "--out", str(out)]) == 0
    mine = json.loads(out.read_text(encoding="utf-8"))
    assert {e["id"] for e in mine["entries"]} == {private, public, other}
    assert any(e.get("contact") == PERSON["contact"] for e in mine["entries"])  # their own, in full
    assert {(h["asset_id"], h["action"]) for h in mine["history"]} >= {(private, "create"), (other, "update")}
    assert "password_hash" not in out.read_text() and "code_hash" not in out.read_text()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    carla = tmp_path / "carla.json"
    assert main(["my-data", str(delft_copy), "carla", "--out", str(carla)]) == 0
    account = json.loads(carla.read_text())["account"]
    assert account["role"] == "coordinator" and "password_hash" not in account

    before = delft_copy.read_bytes()
    assert main(["forget", str(delft_copy), TABLE, "--dry-run"]) == 0
    assert "1 private" in capsys.readouterr().out
    assert delft_copy.read_bytes() == before
    assert main(["forget", str(delft_copy), "carla"]) == 2  # an account: remove it first
    assert main(["forget", str(delft_copy), "niemand"]) == 2

    assert main(["forget", str(delft_copy), TABLE]) == 0
    with open_workspace(delft_copy) as ws:
        assert ws.asset(private) is None
        assert ws.asset(public)["added_by"] is None and ws.asset(public)["name"] == "Speeltuin De Bras"
        assert ws.asset(other)["owners"] == "anders" and ws.asset(other)["added_by"] == "anders"
        history = ws.history()
        text = history.to_json()
        assert TABLE not in text and PERSON["name"] not in text and PERSON["contact"] not in text
        assert private not in set(history["asset_id"])
        assert {"create", "update"} <= set(history[history["asset_id"] == other]["action"])
        with pytest.raises(PermissionDenied):
            ws.forget("anders", Actor("anders", "workshop"))
    raw = delft_copy.read_bytes()  # compacted after the erasure: not even in the file's free pages
    assert TABLE.encode() not in raw and PERSON["contact"].encode() not in raw
    conn = sqlite3.connect(delft_copy)
    dump = "\n".join(conn.iterdump())
    conn.close()
    assert TABLE not in dump and PERSON["contact"] not in dump and PERSON["description"] not in dump


# ---------------------------------------------------------------------- the structured log
def test_the_log_is_json_lines_without_names_descriptions_contacts_or_pseudonyms(delft_copy, tmp_path, monkeypatch):
    log = tmp_path / "assetmap.log"
    audit.configure(str(log))
    try:
        with open_workspace(delft_copy) as ws:
            ws.set_moderation(True)  # the table's public entry waits, so an approval is logged too
            ws.create_account("carla", "een lang wachtwoord 123", "coordinator")
            coordinator = ws.sign_in("carla", "een lang wachtwoord 123")
            with pytest.raises(PermissionDenied):
                ws.sign_in("carla", "fout wachtwoord")
            table = ws.redeem_table_code(ws.issue_table_code(hours=1), TABLE)
            asset_id = ws.add_entry(*_entry(PERSON["name"], "public", "individual",
                                            description=PERSON["description"], contact=PERSON["contact"]),
                                    actor=table)
            ws.update_asset(asset_id, {"description": PERSON["description"] + " en kookt"}, table)
            assert not ws.pending().empty  # moderated: waits for a coordinator
            ws.approve(shown_versions(ws, asset_id), coordinator)
            ws.forget(TABLE, coordinator, dry_run=True)
    finally:
        audit.configure("")
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    actions = [(line["action"], line.get("result"), line.get("role")) for line in lines]
    assert ("sign in", "ok", "coordinator") in actions and ("sign in", "refused", None) in actions
    assert ("table code", "ok", "workshop") in actions
    assert ("create", "ok", "workshop") in actions and ("update", "ok", "workshop") in actions
    assert ("approve", "ok", "coordinator") in actions
    assert ("forget", "dry run", "coordinator") in actions
    assert all(line.get("entry") == asset_id for line in lines if line["action"] in ("create", "approve"))
    for line in lines:
        assert set(line) <= {"time", "action", "entry", "role", "result", "count", "store"}
        datetime.fromisoformat(line["time"].replace("Z", "+00:00"))
    text = log.read_text(encoding="utf-8")
    for secret in (*PERSON.values(), TABLE, "carla", "een lang wachtwoord", "fout wachtwoord"):
        assert secret not in text, secret


def test_a_bulk_import_logs_one_line_per_action_with_a_count(delft_copy, tmp_path):
    log = tmp_path / "bulk.log"
    audit.configure(str(log))
    try:
        with open_workspace(delft_copy) as ws, ws.transaction():
            for i in range(60):
                ws.add_entry(*_entry(f"Plek {i}", lon=4.37 + i * 1e-5), actor=Actor(TABLE, "workshop"))
    finally:
        audit.configure("")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(line["action"], line["count"]) for line in lines] == [("create", 60)]


# ---------------------------------------------------------------------- the coordinator's status panel
def test_the_data_page_shows_a_coordinator_the_status_with_the_last_backup(delft_copy, tmp_path, monkeypatch):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from assetmap import i18n

    from conftest import REPO

    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.setenv("ASSETMAP_ACCESS", "coordinator")
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    try:
        def metrics_and_warnings():
            at = AppTest.from_file(str(REPO / "pages" / "4_Data.py"), default_timeout=180)
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            return {m.label: m.value for m in at.metric}, [w.value for w in at.warning], \
                [c.value for c in at.caption]

        with open_workspace(delft_copy) as ws:
            ws.add_entry(*_entry("Wacht op goedkeuring"), actor=Actor(TABLE, "workshop"))
            entries = ws.status()["entries"]
        metrics, warnings, captions = metrics_and_warnings()
        assert metrics[i18n.t("status_entries", "nl")] == str(entries)
        assert i18n.t("status_backup_old", "nl") in warnings  # never backed up
        assert any(i18n.t("status_never", "nl") in c for c in captions)

        assert main(["backup", str(delft_copy), str(tmp_path / "b.gpkg")]) == 0
        metrics, warnings, captions = metrics_and_warnings()
        assert i18n.t("status_backup_old", "nl") not in warnings
        today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        assert any(today in c for c in captions)

        # Retention from the page: an old table's pseudonym goes, as with the timer's CLI.
        with open_workspace(delft_copy) as ws:
            old = ws.add_entry(*_entry("Oud bankje"), actor=Actor("oude-tafel", "workshop"))
        _old(delft_copy, "oude-tafel", 13)
        at = AppTest.from_file(str(REPO / "pages" / "4_Data.py"), default_timeout=180)
        at.run()
        at.button(key="status_retention").click().run()
        assert not at.exception, [e.value for e in at.exception]
        done = i18n.t("status_retention_done", "nl", pseudonyms=1, entries=1, codes=0)
        assert done in [s.value for s in at.success]
        with open_workspace(delft_copy) as ws:
            assert ws.asset(old)["added_by"] is None and ws.status()["last_retention"] is not None
    finally:
        config.set_option("server.address", before)
    with open_workspace(delft_copy) as ws, pytest.raises(PermissionDenied):
        ws.status(Actor(TABLE, "workshop"))
