"""Identity that cannot be borrowed (issue #29): each test performs one attack and asserts it fails.

* a table code binds its pseudonym: with table A's code nobody becomes table B;
* pseudonyms and account names are one name after NFKC and case folding (``ｃａｒｌａ`` is ``Carla``);
  roles, source names and e-mail addresses (the pseudonyms of OpenID Connect users) are reserved;
* sign-in and table codes are throttled per client and name: an unknown name answers like a known
  one, and a stranger locks only themselves out, never the coordinator on another client.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from assetmap import settings
from assetmap.errors import InputError, PermissionDenied
from assetmap.layers import build_assets
from assetmap.layers.boundaries import assign_codes
from assetmap.service import Actor, open_workspace
from assetmap.service import accounts as service_accounts  # the clock of sign-in and table codes

PASSWORD = "paarse-olifant-42"
STRANGER, COORDINATOR_PC = "203.0.113.7", "192.0.2.10"


def _code(exc_info) -> str:
    return exc_info.value.problems[0].code


@pytest.fixture
def ws_file(seeded_denhaag_file, tmp_path) -> Path:
    """Den Haag with the coordinator Carla and table B's private, no-consent person."""
    path = tmp_path / "ws.gpkg"
    shutil.copy(seeded_denhaag_file, path)
    with open_workspace(path) as ws:
        ws.create_account("Carla", PASSWORD, "coordinator")
    return path


def _private_person(ws, table: Actor) -> str:
    frame = gpd.GeoDataFrame({"id": ["b-prive"], "name": ["Bep breit"], "building_block": ["individual"],
                              "visibility": ["private"], "consent": [False], "added_by": [table.pseudonym]},
                             geometry=[Point(4.2885, 52.0645)], crs=4326)
    ws.save_assets(assign_codes(build_assets(frame, source="workshop"), ws.boundaries()), table)
    return "b-prive"


# ---------------------------------------------------------------------- a code binds its pseudonym
def test_table_as_code_never_makes_anyone_table_b(ws_file, monkeypatch):
    with open_workspace(ws_file) as ws:
        code_a, code_b = ws.issue_table_code(hours=8), ws.issue_table_code(hours=8)
        table_a = ws.redeem_table_code(code_a, "tafel A")
        table_b = ws.redeem_table_code(code_b, "tafel B")
        entry = _private_person(ws, table_b)
        for pseudonym in ("tafel B", "Tafel b", "ｔａｆｅｌ　Ｂ", "tafel  B "):
            with pytest.raises(PermissionDenied) as refused:
                ws.redeem_table_code(code_a, pseudonym)  # A's code, B's name
            assert _code(refused) == "table_code_other_pseudonym", pseudonym
        # A fresh code cannot take B's name either, while B's code is valid or after it expired.
        with pytest.raises(InputError) as refused:
            ws.redeem_table_code(ws.issue_table_code(hours=1), "Tafel-B".replace("-", " "))
        assert _code(refused) == "pseudonym_taken"
        # What A sees and may do is A's; B's private person stays out of reach.
        assert entry not in set(ws.assets(actor=table_a)["id"])
        with pytest.raises(PermissionDenied):
            ws.update_asset(entry, {"name": "overgenomen"}, table_a)
        assert entry in set(ws.assets(actor=table_b)["id"])
        assert ws.redeem_table_code(code_b, "TAFEL B") == table_b  # B itself comes back
        start = service_accounts._utcnow()
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(hours=9))
        with pytest.raises(InputError) as refused:
            ws.redeem_table_code(ws.issue_table_code(hours=1), "tafel B")  # B's entries are still B's
        assert _code(refused) == "pseudonym_taken"


def test_a_code_issued_for_a_table_gives_only_that_table(ws_file):
    with open_workspace(ws_file) as ws:
        table_b = ws.redeem_table_code(ws.issue_table_code(hours=1), "tafel B")
        _private_person(ws, table_b)
        again = ws.issue_table_code(hours=8, table="tafel B")  # B comes back to a second session
        with pytest.raises(PermissionDenied) as refused:
            ws.redeem_table_code(again, "tafel C")
        assert _code(refused) == "table_code_other_pseudonym"
        assert ws.redeem_table_code(again, "Tafel B") == table_b
        for table, wanted in (("carla", "pseudonym_taken"), ("OSM", "name_reserved"), ("Werktafel", "name_reserved"),
                              ("publiek", "name_reserved"), ("", "pseudonym_missing")):
            with pytest.raises(InputError) as refused:
                ws.issue_table_code(hours=1, table=table)
            assert _code(refused) == wanted, table


# ---------------------------------------------------------------------- one name, whatever its form
@pytest.mark.parametrize("name, wanted", [
    ("ｃａｒｌａ", "account_exists"), ("CARLA", "account_exists"), ("tafel-2", "account_name_taken"),
    ("Tafel-２", "account_name_taken"), ("openstreetmap", "name_reserved"), ("ＯＳＭ", "name_reserved"),
    ("ans@gemeente.example", "name_reserved")])
def test_an_account_name_that_is_someone_elses_in_another_form_is_refused(ws_file, name, wanted):
    with open_workspace(ws_file) as ws:
        ws.redeem_table_code(ws.issue_table_code(hours=1), "Tafel-2")
        with pytest.raises(InputError) as refused:
            ws.create_account(name, PASSWORD, "workshop")
        assert wanted in {p.code for p in refused.value.problems}, name
        assert list(ws.accounts()["name"]) == ["Carla"]


def test_a_full_width_name_is_stored_plain(ws_file):
    with open_workspace(ws_file) as ws:
        ws.create_account("Ｄａａｎ", PASSWORD, "workshop")
        assert ws.sign_in("daan", PASSWORD) == Actor("Daan", "workshop")


# ---------------------------------------------------------------------- throttling, no enumeration
def _failures(ws, name, client, count=settings.SIGN_IN_MAX_FAILURES) -> list[str]:
    codes = []
    for _ in range(count):
        with pytest.raises(PermissionDenied) as refused:
            ws.sign_in(name, "fout-wachtwoord-123", client=client)
        codes.append(_code(refused))
    return codes


def test_an_unknown_name_answers_like_a_known_one(ws_file):
    with open_workspace(ws_file) as ws:
        known, unknown = _failures(ws, "Carla", "a"), _failures(ws, "Nobody", "b")
        assert known == unknown == ["sign_in_failed"] * (settings.SIGN_IN_MAX_FAILURES - 1) + ["sign_in_locked"]
        with pytest.raises(PermissionDenied) as locked_known:
            ws.sign_in("Carla", PASSWORD, client="a")
        with pytest.raises(PermissionDenied) as locked_unknown:
            ws.sign_in("Nobody", PASSWORD, client="b")
        assert str(locked_known.value) == str(locked_unknown.value)
        assert ws.accounts()["failed_attempts"].fillna(0).eq(0).all()  # a failure writes nothing


def test_a_stranger_cannot_lock_the_coordinator_out(ws_file):
    with open_workspace(ws_file) as ws:
        for _ in range(3):  # keep trying: each lock of the stranger lasts longer, none reaches Carla
            _failures(ws, "Carla", STRANGER)
        assert ws.sign_in("Carla", PASSWORD, client=COORDINATOR_PC) == Actor("Carla", "coordinator")
        with pytest.raises(PermissionDenied) as refused:
            ws.sign_in("Carla", PASSWORD, client=STRANGER)  # the stranger, even with the password
        assert _code(refused) == "sign_in_locked"


def test_locks_back_off(ws_file, monkeypatch):
    with open_workspace(ws_file) as ws:
        start = service_accounts._utcnow()
        _failures(ws, "Carla", STRANGER)
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(minutes=16))
        _failures(ws, "Carla", STRANGER)  # a second lock: twice as long
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(minutes=16 + 29))
        with pytest.raises(PermissionDenied) as refused:
            ws.sign_in("Carla", PASSWORD, client=STRANGER)
        assert _code(refused) == "sign_in_locked"
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(minutes=16 + 31))
        assert ws.sign_in("Carla", PASSWORD, client=STRANGER).role == "coordinator"


def test_guessing_table_codes_is_stopped_per_client(ws_file):
    with open_workspace(ws_file) as ws:
        code = ws.issue_table_code(hours=8)
        answers = []
        for guess in range(settings.CLIENT_MAX_FAILURES):
            with pytest.raises(PermissionDenied) as refused:
                ws.redeem_table_code(f"AAAA-{guess:04d}", f"gast {guess}", client=STRANGER)  # a new name each time
            answers.append(_code(refused))
        assert answers[-1] == "table_code_locked" and set(answers[:-1]) == {"table_code_invalid"}
        for call in (lambda: ws.redeem_table_code(code, "tafel 8", client=STRANGER),  # even the right code
                     lambda: ws.sign_in("Carla", PASSWORD, client=STRANGER)):
            with pytest.raises(PermissionDenied) as refused:
                call()
            assert _code(refused) in {"table_code_locked", "sign_in_locked"}
        assert ws.redeem_table_code(code, "tafel 8", client="the real table").role == "workshop"


def test_the_cli_issues_a_code_for_a_named_table(ws_file):
    done = subprocess.run([sys.executable, "-m", "assetmap.cli", "table-code", str(ws_file), "--table", "tafel 1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip()
    with open_workspace(ws_file) as ws:
        with pytest.raises(PermissionDenied):
            ws.redeem_table_code(code, "tafel 2")
        assert ws.redeem_table_code(code, "Tafel 1") == Actor("tafel 1", "workshop")  # the seeded table's entries
        assert len(ws.assets(actor=Actor("tafel 1", "workshop"))) == len(ws.assets())
    refused = subprocess.run([sys.executable, "-m", "assetmap.cli", "table-code", str(ws_file), "--table", "OSM"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "reserved" in refused.stderr and "Traceback" not in refused.stderr


def test_a_found_code_does_not_make_guessing_its_tables_name_free(ws_file):
    with open_workspace(ws_file) as ws:
        code = ws.issue_table_code(hours=8)
        ws.redeem_table_code(code, "tafel geheim", client="the real table")
        answers = []
        for guess in range(settings.CLIENT_MAX_FAILURES + 1):
            with pytest.raises(PermissionDenied) as refused:
                ws.redeem_table_code(code, f"tafel {guess}", client=STRANGER)
            answers.append(_code(refused))
        assert answers[-1] == "table_code_locked"
        with pytest.raises(PermissionDenied):
            ws.redeem_table_code(code, "tafel geheim", client=STRANGER)  # locked, even with the right name
        assert ws.redeem_table_code(code, "tafel geheim", client="the real table").role == "workshop"


def test_many_clients_do_not_grow_the_throttle_without_end(ws_file, monkeypatch):
    from assetmap.service import _throttle

    monkeypatch.setattr(_throttle, "_KEEP", 50)
    with open_workspace(ws_file) as ws:
        start = service_accounts._utcnow()
        for number in range(60):  # one wrong guess each, from many addresses
            with pytest.raises(PermissionDenied):
                ws.sign_in("Carla", "fout-wachtwoord-123", client=f"198.51.100.{number}")
        monkeypatch.setattr(service_accounts, "_utcnow", lambda: start + timedelta(hours=1))
        _failures(ws, "Carla", STRANGER)  # the stranger's lock is kept, the old single failures are not
        mine = [key for key in _throttle._STATE if key[0] == ws.location]
        assert len(mine) <= 3
        with pytest.raises(PermissionDenied) as refused:
            ws.sign_in("Carla", PASSWORD, client=STRANGER)
        assert _code(refused) == "sign_in_locked"
