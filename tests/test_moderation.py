"""Moderation people can use, service and CLI side (issue #28, items 2 and 7), on real Den Haag buurten.

* one moderation setting, stored: a new workspace moderates, an older one gets ``on`` stored when it
  is upgraded (schema 6), a stored ``off`` stays off;
* the queue gives each waiting entry whole (description, story, place, buurt, who, when; for an edit,
  what changed), tells entries of the same name apart, and approves or rejects several at once;
* a table sees where its entries stand: waiting, public, rejected with the coordinator's reason;
* residents report ("melden") a public entry: three reports hold it back from every public output,
  two do not; a coordinator keeps it (reports closed) or hides it; no identity is stored;
* the CLI: ``pending`` shows the same fields, ``approve`` and ``reject`` take several ids.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from shapely.geometry import Point

from assetmap import settings
from assetmap.errors import InputError, PermissionDenied
from assetmap.export import export_assets
from assetmap.service import Actor, create_workspace, open_workspace, policy
from assetmap.storage import SCHEMA_VERSION

CLI = [sys.executable, "-m", "assetmap.cli"]
TABLE = Actor("tafel 3", "workshop")
OTHER_TABLE = Actor("tafel 5", "workshop")
PUBLIC = Actor(None, "public")
COORDINATOR = Actor("carla", "coordinator")
TRANSVAAL = Point(4.2905, 52.0662)  # in a Den Haag buurt (Transvaalkwartier)
MOERWIJK = Point(4.2880, 52.0480)


def _public_ids(ws) -> set:
    return set(ws.assets(actor=PUBLIC)["id"])


def _add(ws, name, where=TRANSVAAL, actor=TABLE, **fields) -> str:
    return ws.add_entry({"name": name, "building_block": "resource", "visibility": "public", "consent": True,
                         **fields}, where, actor)


def _token(n: int) -> str:
    return f"sessie-{n:02d}-" + "x" * 16


# ---------------------------------------------------------------------- one setting
def test_a_new_workspace_stores_moderation_on(tmp_path):
    with create_workspace(tmp_path / "nieuw.gpkg"):
        pass
    conn = sqlite3.connect(tmp_path / "nieuw.gpkg")
    assert conn.execute("SELECT value FROM workspace_meta WHERE key = 'moderation'").fetchone() == ("on",)
    conn.close()


@pytest.mark.parametrize(("stored", "after"), [(None, "on"), ("off", "off"), ("on", "on")])
def test_upgrading_to_schema_6_stores_a_clear_setting_and_keeps_a_chosen_one(tmp_path, stored, after):
    """A workspace of schema 5: no ``moderation`` stored (the hosted app guessed on, the CLI said off),
    no report table, no decision columns. Upgraded, it holds one clear value for every face."""
    path = tmp_path / "v5.gpkg"
    with create_workspace(path) as ws:
        ws.add_entry({"name": "Buurtkast", "building_block": "resource", "visibility": "public", "consent": True},
                     TRANSVAAL, TABLE)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM workspace_meta WHERE key = 'moderation'")
        if stored:
            conn.execute("INSERT INTO workspace_meta VALUES ('moderation', ?)", (stored,))
        conn.execute("DROP TABLE entry_reports")
        for column in ("status", "reason", "decided_by", "decided_at"):
            conn.execute(f'ALTER TABLE moderation_queue DROP COLUMN "{column}"')
        conn.execute("UPDATE workspace_meta SET value = '5' WHERE key = 'schema_version'")
    conn.close()
    with open_workspace(path) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        assert ws.moderation() is (after == "on")
        assert list(ws.pending()["name"]) == ["Buurtkast"]  # the waiting entry kept its place in the queue
        assert ws.reported().empty
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM workspace_meta WHERE key = 'moderation'").fetchone() == (after,)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


# ---------------------------------------------------------------------- the queue, whole
def test_the_queue_gives_each_entry_whole_and_tells_same_names_apart(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        one = ws.add_entry({"name": "Bankje", "building_block": "resource", "visibility": "public", "consent": True,
                            "description": "Groen bankje bij de speeltuin"}, TRANSVAAL, TABLE,
                           story="Hier zat mijn opa elke ochtend")
        two = ws.add_entry({"name": "Bankje", "building_block": "resource", "visibility": "public", "consent": True,
                            "description": "Houten bank aan het water"}, MOERWIJK, OTHER_TABLE)
        queue = ws.pending()
    rows = {r["asset_id"]: r for r in queue.to_dict("records")}
    assert {one, two} <= set(rows)
    first, second = rows[one], rows[two]
    assert first["description"] == "Groen bankje bij de speeltuin"
    assert first["stories"] == "Hier zat mijn opa elke ochtend"
    assert (first["lat"], first["lon"]) == (52.0662, 4.2905) and first["area"]
    assert first["kind"] == "new" and first["changes"] == [] and first["requested_by"] == "tafel 3"
    # Same name: told apart by short id, buurt, who and place.
    assert first["short_id"] != second["short_id"] and first["short_id"] == one[:8]
    assert first["area"] != second["area"] and second["requested_by"] == "tafel 5"
    story = next(r for r in rows.values() if r["building_block"] == "story")
    assert story["about"] == "Bankje"


def test_an_edit_waits_with_what_changed(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Ruilkast", description="Boeken ruilen")
        ws.approve(entry)
        ws.update_asset(entry, {"name": "Ruilkast Paul Krugerlaan", "description": "Boeken en speelgoed ruilen"},
                        TABLE)
        waiting = ws.pending().set_index("asset_id").loc[entry]
        states = ws.entry_states([entry], TABLE)
    assert waiting["kind"] == "edit"
    assert ("name", "Ruilkast", "Ruilkast Paul Krugerlaan") in waiting["changes"]
    assert ("description", "Boeken ruilen", "Boeken en speelgoed ruilen") in waiting["changes"]
    assert list(states["state"]) == ["pending"]


def test_three_entries_approved_in_one_action(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        ids = [_add(ws, f"Plantenbak {n}") for n in range(3)]
        assert _public_ids(ws).isdisjoint(ids)
        assert ws.approve(ids, COORDINATOR) == 3
        assert set(ids) <= _public_ids(ws) and ws.pending().empty
        history = ws.history()
    approvals = history[history["action"] == "approve"]
    assert sorted(approvals["asset_id"]) == sorted(ids) and approvals["at"].nunique() == 1


def test_a_bulk_decision_is_all_or_nothing(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        ids = [_add(ws, f"Fietsenrek {n}") for n in range(2)]
        with pytest.raises(InputError) as refused:
            ws.approve([*ids, "bestaat-niet"], COORDINATOR)
        assert [p.code for p in refused.value.problems] == ["not_pending"]
        assert set(ids) <= set(ws.pending()["asset_id"]) and _public_ids(ws).isdisjoint(ids)
        with pytest.raises(PermissionDenied):
            ws.approve(ids, TABLE)
        with pytest.raises(InputError):
            ws.reject(ids, COORDINATOR, reason="x" * (settings.REASON_MAX_LENGTH + 1))
        assert set(ids) <= set(ws.pending()["asset_id"])


def test_a_table_sees_waiting_then_public_and_a_reason_after_a_rejection(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        kept, refused = _add(ws, "Speeltuin"), _add(ws, "Buurvrouw Jansen")
        mine = ws.entry_states([kept, refused], TABLE).set_index("asset_id")["state"]
        assert dict(mine) == {kept: "pending", refused: "pending"}
        ws.approve([kept], COORDINATOR)
        ws.reject([refused], COORDINATOR, reason="Dit noemt iemand bij naam; vraag eerst toestemming")
        states = ws.entry_states([kept, refused], TABLE).set_index("asset_id")
        assert states.loc[kept, "state"] == "public"
        assert states.loc[refused, "state"] == "rejected"
        assert states.loc[refused, "reason"] == "Dit noemt iemand bij naam; vraag eerst toestemming"
        assert refused not in _public_ids(ws) and ws.asset(refused)["visibility"] == "group"
        # Another table learns nothing of it; saving it as public again asks anew.
        assert ws.entry_states([kept, refused], OTHER_TABLE).empty
        ws.update_asset(refused, {"name": "Mevrouw J.", "visibility": "public"}, TABLE)
        assert ws.entry_states([refused], TABLE)["state"].tolist() == ["pending"]
        with pytest.raises(PermissionDenied):
            ws.entry_states([kept], PUBLIC)


# ---------------------------------------------------------------------- reports
def test_three_reports_hide_an_entry_from_every_public_output_and_two_do_not(denhaag_workspace, tmp_path):
    with open_workspace(denhaag_workspace) as ws:
        ws.set_moderation(False)
        entry = _add(ws, "Gratis fietsen (oplichting)")
        assert entry in _public_ids(ws)
        assert ws.report(entry, _token(1), "Dit is reclame", PUBLIC)
        assert not ws.report(entry, _token(1), "nog eens", PUBLIC)  # one report per session per entry
        assert ws.report(entry, _token(2), None, PUBLIC)
        assert entry in _public_ids(ws)  # two reports: still shown
        export_assets(ws, tmp_path / "twee.csv", public=True)
        assert "Gratis fietsen" in (tmp_path / "twee.csv").read_text(encoding="utf-8")
        assert ws.report(entry, _token(3), "Oplichting", PUBLIC)
        assert entry not in _public_ids(ws)
        export_assets(ws, tmp_path / "drie.csv", public=True)
        assert "Gratis fietsen" not in (tmp_path / "drie.csv").read_text(encoding="utf-8")
        assert entry in set(ws.assets(actor=COORDINATOR)["id"])  # nothing lost: it waits for a decision
        assert ws.entry_states([entry], TABLE)["state"].tolist() == ["reported"]
        reported = ws.reported(COORDINATOR).set_index("asset_id").loc[entry]
        assert reported["reports"] == 3 and reported["hidden"]
        assert sorted(reported["reasons"]) == ["Dit is reclame", "Oplichting"]
        with pytest.raises(InputError):  # held back: nothing left to report
            ws.report(entry, _token(4), None, PUBLIC)
    raw = (denhaag_workspace).read_bytes()
    assert _token(1).encode() not in raw and _token(3).encode() not in raw  # only a hash of the token


def test_a_coordinator_keeps_a_reported_entry_or_hides_it(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        ws.set_moderation(False)
        keep, hide = _add(ws, "Moestuin"), _add(ws, "Scheldwoorden op de muur")
        for n in range(3):
            ws.report(keep, _token(n), "klopt niet", PUBLIC)
            ws.report(hide, _token(n), "kwetsend", PUBLIC)
        assert _public_ids(ws).isdisjoint({keep, hide})
        with pytest.raises(PermissionDenied):
            ws.decide_reports([keep], True, TABLE)
        assert ws.decide_reports([keep], True, COORDINATOR) == 1
        assert keep in _public_ids(ws)
        assert not ws.report(keep, _token(0), None, PUBLIC)  # a session that reported cannot again
        ws.report(keep, _token(7), None, PUBLIC)
        assert keep in _public_ids(ws)  # the old reports were closed: one new one hides nothing
        assert ws.decide_reports([hide], False, COORDINATOR, reason="Kwetsend") == 1
        assert hide not in _public_ids(ws) and ws.asset(hide)["visibility"] == "group"
        state = ws.entry_states([hide], TABLE).iloc[0]
        assert (state["state"], state["reason"]) == ("rejected", "Kwetsend")
        assert list(ws.reported()["asset_id"]) == [keep]
        history = ws.history(hide)
        assert "hide" in set(history["action"])
        with pytest.raises(InputError):
            ws.decide_reports([hide], True, COORDINATOR)  # no open reports any more


def test_only_public_entries_can_be_reported(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        waiting = _add(ws, "Nog niet openbaar")
        with pytest.raises(InputError) as refused:
            ws.report(waiting, _token(1), None, PUBLIC)
        assert refused.value.problems[0].code == "flag_not_public"
        with pytest.raises(ValueError):
            ws.report(waiting, "kort", None, PUBLIC)


def test_the_policy_decides_reports_and_coverage():
    for role in ("public", "workshop", "coordinator"):
        actor = Actor("x", role)
        assert policy.may_report(actor) and policy.may_explore_coverage(actor) and policy.may_see_coverage(actor)
        assert policy.may_decide_reports(actor) is (role == "coordinator")


# ---------------------------------------------------------------------- CLI
def _run(*args):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=120)


def test_the_cli_shows_each_entry_whole_and_decides_several(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        ids = [ws.add_entry({"name": "Bankje", "building_block": "resource", "visibility": "public",
                             "consent": True, "description": f"Bank {n} bij de vijver"}, TRANSVAAL, TABLE,
                            story="Hier praten buren" if n == 0 else None) for n in range(3)]
        waiting = list(ws.pending()["asset_id"])
    listed = _run("pending", denhaag_workspace)
    assert listed.returncode == 0, listed.stderr
    assert "Bank 0 bij de vijver" in listed.stdout and "Hier praten buren" in listed.stdout
    assert "52.06620,4.29050" in listed.stdout
    lines = [line.split("\t") for line in listed.stdout.splitlines()[1:] if not line.startswith(" ")]
    assert {line[0] for line in lines} == set(waiting)
    done = _run("approve", denhaag_workspace, *[i[:8] for i in ids])  # the short ids 'pending' shows
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("public") == 3
    rest = [i for i in waiting if i not in ids]
    refused = _run("reject", denhaag_workspace, *rest, "--reason", "Dubbel")
    assert refused.returncode == 0, refused.stderr
    with open_workspace(denhaag_workspace) as ws:
        assert set(ids) <= _public_ids(ws) and ws.pending().empty
        assert set(ws.entry_states(rest, TABLE)["reason"]) == {"Dubbel"}
    again = _run("approve", denhaag_workspace, ids[0])
    assert again.returncode == 2 and "not waiting for approval" in again.stderr


# ---------------------------------------------------------------------- the same on a server workspace
def test_a_server_workspace_moderates_and_its_public_views_leave_a_reported_entry_out(postgis_uri):
    import psycopg

    from assetmap.storage.postgis import parse_uri

    with create_workspace(postgis_uri) as ws:
        assert ws.moderation()
        ws.set_moderation(False)
        entry = ws.add_entry({"name": "Reclamebord", "building_block": "resource", "visibility": "public",
                              "consent": True}, TRANSVAAL, TABLE)
        for n in range(3):
            ws.report(entry, _token(n), "reclame", PUBLIC)
        assert entry not in _public_ids(ws)
    conninfo, schema, _ = parse_uri(postgis_uri)
    view = f'"{schema}_public"."resource"'
    with psycopg.connect(conninfo, autocommit=True) as conn:
        assert conn.execute(f"SELECT count(*) FROM {view}").fetchone() == (0,)  # what GIS tools see
        # As a schema-5 server workspace was: no report table, no decision columns, no setting stored.
        conn.execute(f'DROP TABLE "{schema}".entry_reports')
        for column in ("status", "reason", "decided_by", "decided_at"):
            conn.execute(f'ALTER TABLE "{schema}".moderation_queue DROP COLUMN "{column}"')
        conn.execute(f"DELETE FROM \"{schema}\".workspace_meta WHERE key = 'moderation'")
        conn.execute(f"UPDATE \"{schema}\".workspace_meta SET value = '5' WHERE key = 'schema_version'")
    with open_workspace(postgis_uri) as ws:
        assert ws.schema_version() == SCHEMA_VERSION and ws.moderation() and ws.reported().empty
        assert entry in _public_ids(ws)  # its reports went with the old table: public again
        waits = ws.add_entry({"name": "Nieuw bankje", "building_block": "resource", "visibility": "public",
                              "consent": True}, TRANSVAAL, TABLE)
        ws.reject([waits], COORDINATOR, reason="Dubbel")
        assert ws.entry_states([waits], TABLE)["reason"].tolist() == ["Dubbel"]
