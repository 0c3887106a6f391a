"""Roles and access, service side: every rule holds in the service, whatever face calls it.

* a role x action matrix over a real workspace (Den Haag boundaries from ../shared/data): for each
  role (public, the workshop owner of an entry, another workshop participant, a coordinator) every
  write and read path is allowed or refused, and a refused write leaves the file byte for byte;
* local accounts: sign-in, one error for a wrong name and a wrong password, lockout and its end;
  no password or hash in any list, export or error;
* table codes: issued as a short code, stored only as a hash, redeemed for a workshop actor, expired;
* moderation: what a workshop table makes public waits as ``group`` until a coordinator approves;
* a workspace of schema version 1 migrates and gets all of it;
* the CLI commands (``account``, ``table-code``, ``moderation``, ``pending``, ``approve``).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from assetmap import settings
from assetmap.errors import InputError, PermissionDenied
from assetmap.export import asset_records, export_assets
from assetmap.layers import build_assets
from assetmap.layers.boundaries import assign_codes
from assetmap.service import Actor, create_workspace, open_workspace
from assetmap.service import accounts as service_accounts  # the clock of sign-in and table codes
from assetmap.storage import SCHEMA_VERSION

from conftest import shown_versions

CLI = [sys.executable, "-m", "assetmap.cli"]
OLD = Path(__file__).parent / "data" / "made_before_service.gpkg"
PASSWORD = "paarse-olifant-42"  # what a coordinator would type; must never come out again
CODE = re.compile(r"^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$")  # eight of 31 symbols: not guessable at redeem

PUBLIC = Actor("anna", "public")  # carries the owner's pseudonym: the role decides, not the name
OWNER = Actor("anna", "workshop")
OTHER = Actor("bert", "workshop")
COORDINATOR = Actor("coördinator", "coordinator")
ROLES = {"public": PUBLIC, "owner": OWNER, "other": OTHER, "coordinator": COORDINATOR}


def _rows(ws, *rows) -> gpd.GeoDataFrame:
    """Assets from ``(id, name, block, visibility, consent, added_by)`` tuples, coded to their buurt."""
    frame = gpd.GeoDataFrame(
        {"id": [r[0] for r in rows], "name": [r[1] for r in rows], "building_block": [r[2] for r in rows],
         "visibility": [r[3] for r in rows], "consent": [r[4] for r in rows], "added_by": [r[5] for r in rows]},
        geometry=[Point(4.2885 + 0.0005 * i, 52.0645 + 0.0005 * i) for i in range(len(rows))], crs=4326)
    return assign_codes(build_assets(frame, source="workshop"), ws.boundaries())


def _code(exc_info) -> str:
    return exc_info.value.problems[0].code


# ---------------------------------------------------------------------- the workspace of the matrix
@pytest.fixture(scope="module")
def base_file(seeded_denhaag_file, tmp_path_factory) -> Path:
    """Den Haag with: Anna's public club, group park and private talent; a deleted entry of Anna's;
    Bert's private talent; an entry of Anna's waiting for moderation; two accounts."""
    path = tmp_path_factory.mktemp("access") / "base.gpkg"
    shutil.copy(seeded_denhaag_file, path)
    with open_workspace(path) as ws:
        ws.save_assets(_rows(ws, ("anna-club", "Buurtkoor", "association", "public", True, "anna"),
                             ("anna-park", "Parkje", "resource", "group", True, "anna"),
                             ("anna-prive", "Anna kookt", "individual", "private", False, "anna"),
                             ("anna-weg", "Oude moestuin", "resource", "group", True, "anna"),
                             ("bert-prive", "Bert zingt", "individual", "private", False, "bert")), "anna")
        ws.delete_assets(["anna-weg"], OWNER)
        ws.set_moderation(True)
        ws.add_entry({"name": "Ruilkast", "building_block": "resource", "visibility": "public", "consent": True,
                      "id": "anna-wacht"}, Point(4.291, 52.066), OWNER)
        ws.set_moderation(False)
        ws.create_account("Carla", PASSWORD, "coordinator")
        ws.create_account("tafel-7", PASSWORD, "workshop")
    return path


@pytest.fixture
def access_ws(base_file, tmp_path) -> Path:
    path = tmp_path / "ws.gpkg"
    shutil.copy(base_file, path)
    return path


def test_the_matrix_workspace_is_as_described(base_file):
    with open_workspace(base_file) as ws:
        assert ws.moderation() is False
        assert list(ws.pending()["asset_id"]) == ["anna-wacht"]
        assert ws.asset("anna-wacht")["visibility"] == "group"
        assert ws.asset("anna-weg") is None
        assert list(ws.accounts()["name"]) == ["Carla", "tafel-7"]


# ---------------------------------------------------------------------- writes
def _save_existing(ws, actor, **kw):
    return ws.save_assets(_rows(ws, ("anna-club", "Buurtkoor Transvaal", "association", "public", True, "anna")),
                          actor, **kw)


WRITES = {
    "save_assets new": lambda ws, a: ws.save_assets(_rows(ws, ("nieuw", "Fietsmaker", "institution", "group", True,
                                                              a.pseudonym)), a),
    "save_assets existing": lambda ws, a: _save_existing(ws, a),
    "save_assets take_over": lambda ws, a: _save_existing(ws, a, take_over=True),
    "add_entry": lambda ws, a: ws.add_entry({"name": "Bankje", "building_block": "resource"}, Point(4.29, 52.066), a,
                                            story="Hier zit oma Jo elke ochtend", link_to="anna-club"),
    "update_asset": lambda ws, a: ws.update_asset("anna-club", {"name": "Koor"}, a),
    "delete_assets": lambda ws, a: ws.delete_assets(["anna-club"], a),
    "restore_asset": lambda ws, a: ws.restore_asset("anna-weg", a),
    "undo_last": lambda ws, a: ws.undo_last(a),
    "add_links": lambda ws, a: ws.add_links(pd.DataFrame([{"from_asset_id": "anna-club", "to_asset_id": "anna-park"}]),
                                            a),
    "add_links to a hidden entry": lambda ws, a: ws.add_links(
        pd.DataFrame([{"from_asset_id": "anna-club", "to_asset_id": "anna-prive"}]), a),
    "replace_boundaries": lambda ws, a: ws.replace_boundaries(ws.boundaries("wijk"), actor=a),
    "replace_walk_network": lambda ws, a: ws.replace_walk_network(*ws.walk_network(), actor=a),
    "replace_buildings": lambda ws, a: ws.replace_buildings(ws.buildings(), actor=a),
    "replace_study_area": lambda ws, a: ws.replace_study_area(ws.study_area(), actor=a),
    "log_source": lambda ws, a: ws.log_source("workshop", "tafel.csv", "own data", "wij", 3, actor=a),
    "save_result": lambda ws, a: ws.save_result("mijn_analyse", pd.DataFrame({"x": [1]}), actor=a),
    "create_account": lambda ws, a: ws.create_account("Daan", PASSWORD, "workshop", actor=a),
    "remove_account": lambda ws, a: ws.remove_account("tafel-7", actor=a),
    "issue_table_code": lambda ws, a: ws.issue_table_code(actor=a),
    "set_moderation": lambda ws, a: ws.set_moderation(True, actor=a),
    "approve": lambda ws, a: ws.approve(shown_versions(ws, "anna-wacht"), actor=a),
    "reject": lambda ws, a: ws.reject("anna-wacht", actor=a),
}

# ok: done; denied: PermissionDenied; refused: InputError (not the actor's to change without take_over,
# or an entry they cannot see). Both refusals leave the file byte for byte.
_ONLY_COORDINATOR = {"public": "denied", "owner": "denied", "other": "denied", "coordinator": "ok"}
EXPECTED_WRITES = {
    "save_assets new": {"public": "denied", "owner": "ok", "other": "ok", "coordinator": "ok"},
    "save_assets existing": {"public": "denied", "owner": "ok", "other": "denied", "coordinator": "refused"},
    "save_assets take_over": _ONLY_COORDINATOR,
    "add_entry": {"public": "denied", "owner": "ok", "other": "ok", "coordinator": "ok"},
    "update_asset": {"public": "denied", "owner": "ok", "other": "denied", "coordinator": "ok"},
    "delete_assets": {"public": "denied", "owner": "ok", "other": "denied", "coordinator": "ok"},
    "restore_asset": {"public": "denied", "owner": "ok", "other": "denied", "coordinator": "ok"},
    "undo_last": {"public": "denied", "owner": "ok", "other": "ok", "coordinator": "ok"},
    "add_links": {"public": "denied", "owner": "ok", "other": "ok", "coordinator": "ok"},
    "add_links to a hidden entry": {"public": "denied", "owner": "ok", "other": "refused", "coordinator": "ok"},
    **{name: _ONLY_COORDINATOR for name in (
        "replace_boundaries", "replace_walk_network", "replace_buildings", "replace_study_area", "log_source",
        "save_result", "create_account", "remove_account", "issue_table_code", "set_moderation", "approve",
        "reject")},
}
assert set(EXPECTED_WRITES) == set(WRITES)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(WRITES))
def test_write_matrix(access_ws, action, role):
    expected = EXPECTED_WRITES[action][role]
    before = access_ws.read_bytes()
    with open_workspace(access_ws) as ws:
        if expected == "ok":
            WRITES[action](ws, ROLES[role])
        else:
            with pytest.raises(PermissionDenied if expected == "denied" else InputError) as refused:
                WRITES[action](ws, ROLES[role])
            assert not isinstance(refused.value, PermissionDenied) or expected == "denied"
    if expected != "ok":
        assert access_ws.read_bytes() == before, f"a refused {action} changed the file"


def test_allowed_writes_do_what_they_say(access_ws):
    with open_workspace(access_ws) as ws:
        assert ws.undo_last(OTHER) is None and ws.undo_last(COORDINATOR) is None  # nothing of theirs
        ws.approve(shown_versions(ws, "anna-wacht"), COORDINATOR)
        assert ws.asset("anna-wacht", actor=Actor(None, "public"))["name"] == "Ruilkast"
        assert ws.pending().empty
        assert ws.undo_last(COORDINATOR) == "anna-wacht"  # the approval, taken back
        assert ws.asset("anna-wacht")["visibility"] == "group"
        assert ws.undo_last(OWNER) == "anna-wacht"  # Anna's last change: she added it
        assert ws.asset("anna-wacht") is None
        assert ws.undo_last(OWNER) == "anna-weg"  # and before that she deleted this one
        assert ws.asset("anna-weg")["name"] == "Oude moestuin"


# ---------------------------------------------------------------------- reads
READS = {
    "assets": lambda ws, a: set(ws.assets(actor=a)["id"]),
    "asset": lambda ws, a: ws.asset("anna-prive", actor=a) is not None,
    "links": lambda ws, a: len(ws.links(actor=a)),
    "history": lambda ws, a: len(ws.history(actor=a)),
    "accounts": lambda ws, a: list(ws.accounts(actor=a)["name"]),
    "pending": lambda ws, a: list(ws.pending(actor=a)["asset_id"]),
}
_SEEDED = {"bestaand-1", "bestaand-2", "bestaand-3"}
EXPECTED_READS = {
    # The seeded entries are public places (consent by default): the public sees them and Anna's club.
    "assets": {"public": _SEEDED | {"anna-club"},
               "owner": _SEEDED | {"anna-club", "anna-park", "anna-prive", "anna-wacht"},
               "other": _SEEDED | {"anna-club", "anna-park", "anna-wacht", "bert-prive"},
               "coordinator": _SEEDED | {"anna-club", "anna-park", "anna-prive", "anna-wacht", "bert-prive"}},
    "asset": {"public": False, "owner": True, "other": False, "coordinator": True},
    "links": {"public": 0, "owner": 0, "other": 0, "coordinator": 0},
    "history": {"public": "denied", "owner": "denied", "other": "denied", "coordinator": 10},
    "accounts": {"public": "denied", "owner": "denied", "other": "denied", "coordinator": ["Carla", "tafel-7"]},
    "pending": {"public": "denied", "owner": "denied", "other": "denied", "coordinator": ["anna-wacht"]},
}
assert set(EXPECTED_READS) == set(READS)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(READS))
def test_read_matrix(base_file, action, role):
    expected = EXPECTED_READS[action][role]
    before = base_file.read_bytes()
    with open_workspace(base_file) as ws:
        if expected == "denied":
            with pytest.raises(PermissionDenied):
                READS[action](ws, ROLES[role])
        else:
            seen = READS[action](ws, ROLES[role])
            assert seen == expected, (action, role, seen)
    assert base_file.read_bytes() == before


def test_the_public_view_has_the_public_entries_with_consent_only(base_file):
    with open_workspace(base_file) as ws:
        stored = ws.assets()
        public = stored[(stored["visibility"] == "public") & stored["consent"].fillna(False).astype(bool)]
        assert set(ws.assets(actor=Actor(None, "public"))["id"]) == set(public["id"]) == _SEEDED | {"anna-club"}


def test_links_a_role_sees_are_those_between_entries_it_sees(access_ws):
    with open_workspace(access_ws) as ws:
        ws.add_links(pd.DataFrame([{"from_asset_id": "anna-club", "to_asset_id": "anna-prive"},
                                   {"from_asset_id": "anna-club", "to_asset_id": "anna-park"}]), OWNER)
        assert len(ws.links(actor=COORDINATOR)) == len(ws.links(actor=OWNER)) == 2
        assert len(ws.links(actor=OTHER)) == 1
        assert ws.links(actor=PUBLIC).empty


def test_the_service_tables_are_not_read_around_the_service(base_file):
    with open_workspace(base_file) as ws:
        for table in ("accounts", "table_codes", "moderation_queue", "history"):
            with pytest.raises(PermissionDenied):
                ws.read_table(table)
            with pytest.raises(ValueError):
                ws.save_result(table, pd.DataFrame({"x": [1]}))
        assert not {"accounts", "table_codes", "moderation_queue", "history"} & set(ws.tables())


# ---------------------------------------------------------------------- workshop actors: own name, own entries
def test_a_workshop_actor_adds_entries_only_in_their_own_name(access_ws):
    with open_workspace(access_ws) as ws:
        ws.save_assets(_rows(ws, ("namens-anna", "Nep", "resource", "group", True, "anna")), OTHER)
        assert ws.asset("namens-anna")["added_by"] == "bert"
        ws.add_entry({"name": "Nep 2", "building_block": "resource", "added_by": "anna", "id": "nep-2"},
                     Point(4.29, 52.066), OTHER)
        assert ws.asset("nep-2")["added_by"] == "bert"
        ws.add_links(pd.DataFrame([{"from_asset_id": "anna-club", "to_asset_id": "anna-park", "added_by": "anna"}]),
                     OTHER)
        assert list(ws.links()["added_by"]) == ["bert"]


def test_a_workshop_actor_cannot_change_an_entry_nobody_owns(access_ws):
    with open_workspace(access_ws) as ws:
        ws.save_assets(_rows(ws, ("van-niemand", "Speeltuin", "resource", "public", True, None)))
    before = access_ws.read_bytes()
    with open_workspace(access_ws) as ws:
        for actor in (OTHER, Actor(None, "workshop")):
            with pytest.raises(PermissionDenied):
                ws.save_assets(_rows(ws, ("van-niemand", "Mijn speeltuin", "resource", "public", True, "bert")), actor)
            with pytest.raises(PermissionDenied):
                ws.update_asset("van-niemand", {"name": "Mijn speeltuin"}, actor)
    assert access_ws.read_bytes() == before


def test_a_link_or_story_to_a_hidden_entry_reads_as_a_missing_one(access_ws):
    before = access_ws.read_bytes()
    with open_workspace(access_ws) as ws:
        links, stories = [], []
        for target in ("anna-prive", "bestaat-niet"):
            with pytest.raises(InputError) as refused:
                ws.add_links(pd.DataFrame([{"from_asset_id": "anna-club", "to_asset_id": target}]), OTHER)
            links.append(str(refused.value).replace(target, "X"))
            story = _rows(ws, ("verhaal", "Over Anna", "story", "group", True, "bert")).assign(related_asset_id=target)
            with pytest.raises(InputError) as refused:
                ws.save_assets(story, OTHER)
            stories.append(str(refused.value).replace(target, "X"))
        assert links[0] == links[1] and stories[0] == stories[1]
    assert access_ws.read_bytes() == before
    with open_workspace(access_ws) as ws:  # the owner may
        ws.save_assets(_rows(ws, ("verhaal", "Over mij", "story", "group", True, "anna"))
                       .assign(related_asset_id="anna-prive"), OWNER)
        ws.update_asset("anna-prive", {"visibility": "group"}, OWNER)
        ws.update_asset("verhaal", {"name": "Over mij, Anna"}, OWNER)


# ---------------------------------------------------------------------- accounts and sign-in
def test_sign_in_gives_the_accounts_actor(access_ws):
    with open_workspace(access_ws, Actor(None, "public")) as ws:
        assert ws.sign_in("Carla", PASSWORD) == Actor("Carla", "coordinator")
        assert ws.sign_in("  carla ", PASSWORD) == Actor("Carla", "coordinator")  # case and spaces do not count
        assert ws.sign_in("tafel-7", PASSWORD) == Actor("tafel-7", "workshop")
        me = ws.sign_in("Carla", PASSWORD)
        assert ws.history(actor=me) is not None  # the actor works with every call


def test_a_wrong_name_and_a_wrong_password_give_the_same_error(access_ws):
    with open_workspace(access_ws) as ws:
        texts = []
        for name, password in (("Carla", "verkeerd-wachtwoord"), ("Niemand", PASSWORD), ("", ""), ("Carla", "")):
            with pytest.raises(PermissionDenied) as refused:
                ws.sign_in(name, password)
            assert _code(refused) == "sign_in_failed"
            texts.append((str(refused.value), refused.value.render("nl")))
        assert len(set(texts)) == 1
        assert PASSWORD not in texts[0][0] and "verkeerd" not in texts[0][0]


def test_five_failures_lock_the_account_until_the_time_is_up(access_ws, monkeypatch):
    with open_workspace(access_ws) as ws:
        for _ in range(settings.SIGN_IN_MAX_FAILURES - 1):
            with pytest.raises(PermissionDenied) as refused:
                ws.sign_in("Carla", "fout-fout-fout")
            assert _code(refused) == "sign_in_failed"
        with pytest.raises(PermissionDenied) as refused:
            ws.sign_in("Carla", "fout-fout-fout")  # the fifth
        assert _code(refused) == "sign_in_locked"
        assert refused.value.problems[0].params == {"minutes": 15}
        with pytest.raises(PermissionDenied) as refused:
            ws.sign_in("Carla", PASSWORD)  # even the right password, while locked
        assert _code(refused) == "sign_in_locked"
        assert "15 minutes" in str(refused.value) and "15 minuten" in refused.value.render("nl")
        assert ws.sign_in("Carla", PASSWORD, client="elders") == Actor("Carla", "coordinator")  # only this client

        start = service_accounts._utcnow()
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(minutes=10))
        with pytest.raises(PermissionDenied) as refused:
            ws.sign_in("Carla", PASSWORD)
        assert refused.value.problems[0].params == {"minutes": 5}

        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(minutes=15, seconds=1))
        assert ws.sign_in("Carla", PASSWORD) == Actor("Carla", "coordinator")


def test_a_lock_that_ran_out_gives_a_full_count_again(access_ws, monkeypatch):
    monkeypatch.setattr(settings, "SIGN_IN_MAX_FAILURES", 2)
    monkeypatch.setattr(settings, "SIGN_IN_LOCK_MINUTES", 1)
    with open_workspace(access_ws) as ws:
        for code in ("sign_in_failed", "sign_in_locked"):
            with pytest.raises(PermissionDenied) as refused:
                ws.sign_in("tafel-7", "nee-nee-nee")
            assert _code(refused) == code
        start = service_accounts._utcnow()
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(minutes=2))
        for code in ("sign_in_failed", "sign_in_locked"):
            with pytest.raises(PermissionDenied) as refused:
                ws.sign_in("tafel-7", "nee-nee-nee")
            assert _code(refused) == code


def test_a_success_clears_the_failures(access_ws):
    with open_workspace(access_ws) as ws:
        for _ in range(2):  # twice one short of a lock: the success in between cleared the count
            for _ in range(settings.SIGN_IN_MAX_FAILURES - 1):
                with pytest.raises(PermissionDenied, match="not right"):
                    ws.sign_in("Carla", "bijna-goed-wachtwoord")
            assert ws.sign_in("Carla", PASSWORD).role == "coordinator"
        assert ws.accounts().set_index("name").loc["Carla", "failed_attempts"] == 0  # nothing is written


@pytest.mark.parametrize("name, password, role, codes", [
    ("carla", PASSWORD, "workshop", ["account_exists"]),
    ("Eva", "", "workshop", ["password_empty"]),
    ("Eva", "123456789", "workshop", ["password_too_short"]),
    ("Eva", "x" * 2000, "workshop", ["password_too_long"]),
    ("Eva", PASSWORD, "public", ["account_role_unknown"]),
    ("Eva", PASSWORD, "admin", ["account_role_unknown"]),
    ("   ", "kort", "baas", ["account_name_missing", "account_role_unknown", "password_too_short"]),
    ("Eva\nde Vries", PASSWORD, "workshop", ["account_name_invalid"]),
    ("E" * 81, PASSWORD, "workshop", ["account_name_invalid"]),
])
def test_create_account_refuses_bad_input_with_codes(access_ws, name, password, role, codes):
    before = access_ws.read_bytes()
    with open_workspace(access_ws) as ws:
        with pytest.raises(InputError) as refused:
            ws.create_account(name, password, role)
        assert [p.code for p in refused.value.problems] == codes
        assert not password or password not in str(refused.value)
    assert access_ws.read_bytes() == before


def test_an_account_can_be_removed_but_not_by_itself(access_ws):
    with open_workspace(access_ws) as ws:
        carla = ws.sign_in("Carla", PASSWORD)
        with pytest.raises(InputError, match="signed in with"):
            ws.remove_account("carla", carla)
        with pytest.raises(InputError, match="no account named Niemand"):
            ws.remove_account("Niemand", carla)
        ws.remove_account("TAFEL-7", carla)
        assert list(ws.accounts()["name"]) == ["Carla"]
        with pytest.raises(PermissionDenied) as refused:
            ws.sign_in("tafel-7", PASSWORD)
        assert _code(refused) == "sign_in_failed"


def test_no_password_or_hash_in_any_list_export_or_error(access_ws, tmp_path):
    with open_workspace(access_ws) as ws:
        listed = ws.accounts()
        assert "password_hash" not in listed.columns and "password" not in " ".join(listed.columns)
        assert not listed.astype(str).apply(lambda c: c.str.contains(r"\$argon2|paarse")).any().any()
        outputs = [listed.to_csv().encode(), json.dumps(asset_records(ws.assets())).encode(),
                   json.dumps(asset_records(ws.assets(actor=Actor(None, "public")))).encode()]
        for name in ("full.gpkg", "full.geojson", "full.csv", "public.gpkg", "public.geojson", "public.csv"):
            export_assets(ws, tmp_path / name, public=name.startswith("public"))
            outputs.append((tmp_path / name).read_bytes())
        stored_hash = ws.store.read("accounts")["password_hash"].iloc[0]
    assert stored_hash.startswith("$argon2id$")
    for output in outputs:
        for secret in (PASSWORD.encode(), b"$argon2", stored_hash.encode(), b"password_hash"):
            assert secret not in output
    assert PASSWORD.encode() not in access_ws.read_bytes()  # the workspace keeps the hash only
    listing = _run("account", "list", access_ws)
    assert listing.returncode == 0 and "Carla" in listing.stdout
    assert "argon2" not in listing.stdout + listing.stderr and PASSWORD not in listing.stdout


# ---------------------------------------------------------------------- table codes
def test_a_table_code_is_short_stored_as_a_hash_and_gives_a_workshop_actor(access_ws):
    with open_workspace(access_ws) as ws:
        code = ws.issue_table_code(hours=2)
        assert CODE.match(code), code
        assert ws.redeem_table_code(code, "tafel 3") == Actor("tafel 3", "workshop")
        # join again, the code as typed from a card: the same table, the same entries
        assert ws.redeem_table_code(code.lower().replace("-", " "), "  Tafel 3 ") == Actor("tafel 3", "workshop")
        assert ws.issue_table_code() != code
    raw = access_ws.read_bytes()
    assert code.encode() not in raw and code.replace("-", "").encode() not in raw
    conn = sqlite3.connect(access_ws)
    rows = conn.execute("SELECT code_hash, expires_at FROM table_codes").fetchall()
    conn.close()
    assert len(rows) == 2 and all(len(h) == 64 and e.endswith("Z") for h, e in rows)


def test_a_table_code_is_refused_when_unknown_or_expired(access_ws, monkeypatch):
    with open_workspace(access_ws) as ws:
        code = ws.issue_table_code(COORDINATOR, hours=8)
        for wrong in ("ABC-DEF", "", code[:-1]):
            with pytest.raises(PermissionDenied) as refused:
                ws.redeem_table_code(wrong, "tafel 3")
            assert _code(refused) == "table_code_invalid"
        start = service_accounts._utcnow()
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(hours=7, minutes=59))
        assert ws.redeem_table_code(code, "tafel 3").role == "workshop"
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(hours=8, seconds=1))
        with pytest.raises(PermissionDenied) as refused:
            ws.redeem_table_code(code, "tafel 3")
        assert _code(refused) == "table_code_invalid"
        ws.issue_table_code(hours=1)  # a new code clears the expired ones
        assert ws.store.count("table_codes") == 1


def test_a_table_code_needs_a_pseudonym_that_is_nobody_elses(access_ws):
    with open_workspace(access_ws) as ws:
        osm = build_assets(gpd.GeoDataFrame({"name": ["Bibliotheek"], "building_block": ["institution"]},
                                            geometry=[Point(4.29, 52.066)], crs=4326),
                           source="osm", added_by="OpenStreetMap")
        ws.save_assets(osm, "OpenStreetMap")
        code = ws.issue_table_code()
        for pseudonym, wanted in (("", "pseudonym_missing"), ("   ", "pseudonym_missing"), (None, "pseudonym_missing"),
                                  ("x" * 81, "pseudonym_invalid"), ("tab\there", "pseudonym_invalid"),
                                  ("carla", "pseudonym_taken"), ("Tafel-7", "pseudonym_taken"),
                                  ("ｃａｒｌａ", "pseudonym_taken"), ("TAFEL-７", "pseudonym_taken"),
                                  ("anna", "pseudonym_taken"), ("OpenStreetMap", "name_reserved"),
                                  ("openstreetmap", "name_reserved"), ("Coordinator", "name_reserved"),
                                  ("ans@gemeente.example", "name_reserved")):
            with pytest.raises(InputError) as refused:
                ws.redeem_table_code(code, pseudonym)
            assert _code(refused) == wanted, pseudonym
        # A table's own pseudonym from before: only with a code the coordinator issued for it.
        assert ws.redeem_table_code(ws.issue_table_code(table="anna"), "anna") == OWNER


@pytest.mark.parametrize("hours", [0, -1, 73, float("nan"), "acht"])
def test_a_table_code_is_valid_for_a_sensible_time(access_ws, hours):
    with open_workspace(access_ws) as ws:
        with pytest.raises(InputError) as refused:
            ws.issue_table_code(hours=hours)
        assert _code(refused) == "table_code_hours"


# ---------------------------------------------------------------------- moderation
def _public_ids(ws) -> set:
    return set(ws.assets(actor=Actor(None, "public"))["id"])


def test_a_new_workspace_moderates_until_a_coordinator_turns_it_off(denhaag_workspace):
    """One stored setting, on from the start: no face has a default of its own."""
    with open_workspace(denhaag_workspace) as ws:
        assert ws.moderation() is True
        waits = ws.add_entry({"name": "Moestuin", "building_block": "resource", "visibility": "public",
                              "consent": True}, Point(4.29, 52.066), OWNER)
        assert waits not in _public_ids(ws) and list(ws.pending()["asset_id"]) == [waits]
        ws.set_moderation(False)
        assert ws.moderation() is False
        new = ws.add_entry({"name": "Moestuin 2", "building_block": "resource", "visibility": "public",
                            "consent": True}, Point(4.29, 52.066), OWNER)
        assert new in _public_ids(ws) and list(ws.pending()["asset_id"]) == [waits]
        with pytest.raises(TypeError):
            ws.set_moderation("off")
        ws.set_moderation(True)
        assert ws.moderation() is True


def test_a_moderated_public_entry_waits_until_a_coordinator_approves(access_ws):
    with open_workspace(access_ws) as ws:
        ws.set_moderation(True, COORDINATOR)
        new = ws.add_entry({"name": "Repair café", "building_block": "association", "visibility": "public",
                            "consent": True}, Point(4.2905, 52.0662), OWNER, story="Elke zaterdag repareren we samen")
        stored = ws.asset(new)
        assert stored["visibility"] == "group" and stored["consent"] is True
        story = ws.assets("story")["id"].iloc[0]
        assert new not in _public_ids(ws) and story not in _public_ids(ws)
        assert new in set(ws.assets(actor=OTHER)["id"])  # the group sees it meanwhile
        pending = ws.pending(COORDINATOR).set_index("asset_id")
        assert {new, story} <= set(pending.index)
        assert pending.loc[new, "name"] == "Repair café" and pending.loc[new, "requested_visibility"] == "public"
        assert pending.loc[new, "requested_by"] == "anna" and bool(pending.loc[new, "requested_consent"])

        ws.approve(shown_versions(ws, new), COORDINATOR)
        assert new in _public_ids(ws) and new not in set(ws.pending()["asset_id"])
        last = ws.history(new).iloc[-1]
        assert (last["action"], last["actor"]) == ("approve", "coördinator")
        assert json.loads(last["before"])["visibility"] == "group"
        assert json.loads(last["after"])["visibility"] == "public"
        with pytest.raises(InputError, match="not waiting"):
            ws.approve(shown_versions(ws, new), COORDINATOR)

        ws.reject(story, COORDINATOR)
        assert ws.asset(story)["visibility"] == "group" and story not in _public_ids(ws)
        assert list(ws.pending()["asset_id"]) == ["anna-wacht"] and ws.history(story).iloc[-1]["action"] == "reject"


def test_a_coordinators_own_save_is_not_queued(access_ws):
    with open_workspace(access_ws) as ws:
        ws.set_moderation(True)
        new = ws.add_entry({"name": "Wijkbus", "building_block": "resource", "visibility": "public", "consent": True},
                           Point(4.29, 52.066), COORDINATOR)
        ws.save_assets(_rows(ws, ("coord-2", "Markt", "resource", "public", True, "coördinator")), COORDINATOR)
        assert {new, "coord-2"} <= _public_ids(ws)
        assert list(ws.pending()["asset_id"]) == ["anna-wacht"]


def test_an_edit_of_a_public_entry_waits_again_and_deleting_drops_the_request(access_ws):
    with open_workspace(access_ws) as ws:
        ws.set_moderation(True)
        ws.update_asset("anna-club", {"name": "Buurtkoor <b>nieuw</b>"}, OWNER)
        assert ws.asset("anna-club")["visibility"] == "group" and "anna-club" not in _public_ids(ws)
        assert "anna-club" in set(ws.pending()["asset_id"])
        ws.delete_assets(["anna-club"], OWNER)
        assert "anna-club" not in set(ws.pending()["asset_id"])
        ws.delete_assets(["anna-wacht"], COORDINATOR)
        assert ws.pending().empty


def test_an_approved_entry_saved_unchanged_stays_public(access_ws):
    with open_workspace(access_ws) as ws:
        ws.set_moderation(True)
        ws.approve(shown_versions(ws, "anna-wacht"))
        again = ws.assets().set_index("id").loc[["anna-wacht"]].reset_index()
        assert ws.save_assets(gpd.GeoDataFrame(again, geometry="geometry", crs=4326), OWNER).unchanged == ["anna-wacht"]
        assert "anna-wacht" in _public_ids(ws) and ws.pending().empty


def test_saving_an_entry_private_withdraws_its_request(access_ws):
    with open_workspace(access_ws) as ws:
        ws.set_moderation(True)
        ws.update_asset("anna-wacht", {"name": "Ruilkast bij de school"}, OWNER)  # still group: still waiting
        assert list(ws.pending()["asset_id"]) == ["anna-wacht"]
        ws.update_asset("anna-wacht", {"visibility": "private"}, OWNER)
        assert ws.pending().empty
        with pytest.raises(InputError):
            ws.approve(shown_versions(ws, "anna-wacht"))
        assert ws.asset("anna-wacht")["visibility"] == "private"


def test_undoing_a_queued_entry_drops_its_request(access_ws):
    with open_workspace(access_ws) as ws:
        ws.set_moderation(True)
        new = ws.add_entry({"name": "Speelstraat", "building_block": "resource", "visibility": "public"},
                           Point(4.29, 52.066), OTHER)
        assert new in set(ws.pending()["asset_id"])
        assert ws.undo_last(OTHER) == new
        assert ws.asset(new) is None and new not in set(ws.pending()["asset_id"])


# ---------------------------------------------------------------------- schema version 1 -> 2
def test_a_version_1_workspace_migrates_and_gets_accounts_codes_and_moderation(tmp_path):
    path = tmp_path / "old.gpkg"
    shutil.copy(OLD, path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM workspace_meta WHERE key = 'schema_version'").fetchone() == ("1",)
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'accounts'").fetchone()
    conn.close()
    with open_workspace(path) as ws:
        # Never set before: the upgrade stores it, on (what the hosted app already did), for every face.
        assert ws.schema_version() == SCHEMA_VERSION and ws.moderation() is True
        assert ws.accounts().empty and ws.pending().empty
        ws.set_moderation(False)
        ws.create_account("Carla", PASSWORD, "coordinator")
        assert ws.sign_in("carla", PASSWORD) == Actor("Carla", "coordinator")
        code = ws.issue_table_code()
        assert ws.redeem_table_code(code, "tafel 9").role == "workshop"
        ws.set_moderation(True)
    with open_workspace(path) as ws:  # opened again: nothing to migrate, nothing lost
        assert ws.schema_version() == SCHEMA_VERSION and ws.moderation() is True
        assert list(ws.accounts()["name"]) == ["Carla"]
        assert sorted(ws.assets()["id"]) == ["bestaand-1", "bestaand-2"]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    contents = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
    assert not {"accounts", "table_codes", "moderation_queue"} & contents
    conn.close()


def test_a_new_workspace_is_made_at_the_current_version(tmp_path):
    with create_workspace(tmp_path / "nieuw.gpkg") as ws:
        assert ws.schema_version() == SCHEMA_VERSION and ws.moderation() is True and ws.accounts().empty


# ---------------------------------------------------------------------- CLI
def _run(*args, stdin: str | None = None):
    return subprocess.run(CLI + [str(a) for a in args], input=stdin if stdin is not None else "",
                          capture_output=True, text=True, timeout=120)


def test_the_cli_manages_accounts(access_ws):
    done = _run("account", "add", access_ws, "Daan", "--role", "coordinator", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "Daan" in done.stdout and PASSWORD not in done.stdout + done.stderr
    with open_workspace(access_ws) as ws:
        assert ws.sign_in("daan", PASSWORD) == Actor("Daan", "coordinator")

    short = _run("account", "add", access_ws, "Eva", stdin="kort\n")
    assert short.returncode == 2 and "shorter than 10 characters" in short.stderr and "kort" not in short.stderr
    dutch = _run("--lang", "nl", "account", "add", access_ws, "Daan", stdin=PASSWORD + "\n")
    assert dutch.returncode == 2 and "bestaat al een account" in dutch.stderr

    listing = _run("account", "list", access_ws)
    assert listing.returncode == 0
    assert [line.split("\t")[:2] for line in listing.stdout.splitlines()[1:]] == [
        ["Carla", "coordinator"], ["tafel-7", "workshop"], ["Daan", "coordinator"]]
    removed = _run("account", "remove", access_ws, "daan")
    assert removed.returncode == 0 and "daan removed" in removed.stdout
    missing = _run("account", "remove", access_ws, "daan")
    assert missing.returncode == 2 and "no account named daan" in missing.stderr


def test_the_cli_issues_table_codes_and_moderates(access_ws):
    done = _run("table-code", access_ws, "--hours", "3")
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip()
    assert CODE.match(code) and "Valid until" in done.stderr
    with open_workspace(access_ws) as ws:
        assert ws.redeem_table_code(code, "tafel 2").role == "workshop"
    assert _run("table-code", access_ws, "--hours", "0").returncode == 2

    assert "off" in _run("moderation", access_ws).stdout
    on = _run("moderation", access_ws, "on")
    assert on.returncode == 0 and "Moderation is on" in on.stdout
    pending = _run("pending", access_ws)
    assert pending.returncode == 0
    rows = [line.split("\t") for line in pending.stdout.splitlines()[1:] if not line.startswith(" ")]
    assert [(r[0], r[2], r[3], r[5]) for r in rows] == [("anna-wacht", "public", "anna", "Ruilkast")]
    approved = _run("approve", access_ws, f"anna-wacht@{rows[0][-1]}")
    assert approved.returncode == 0 and "public" in approved.stdout
    assert "Nothing waits" in _run("pending", access_ws).stdout
    again = _run("approve", access_ws, "anna-wacht")
    assert again.returncode == 2 and "not waiting for approval" in again.stderr
    with open_workspace(access_ws) as ws:
        assert ws.moderation() is True and "anna-wacht" in _public_ids(ws)
    assert "Moderation is off" in _run("moderation", access_ws, "off").stdout
