"""Ownership and roles (issue #29): each test performs one attack and asserts it fails.

* an entry without an owner (an import made without ``--by``) belongs to the coordinators: a
  later import under a name cannot make it its own, turn it public or give consent, and a
  workshop table can neither change, delete nor archive it;
* only an initiative's owners and the coordinators bring it back from the archive;
* ``Actor`` takes only the three roles.
Real files, the real CLI for the imports.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import Point

from assetmap.errors import PermissionDenied
from assetmap.service import Actor, open_workspace

CLI = [sys.executable, "-m", "assetmap.cli"]
OLD = Path(__file__).parent / "data" / "made_before_service.gpkg"
HEADER = "id,naam,bouwsteen,lat,lon,zichtbaarheid,toestemming\n"
TABLE, OTHER_TABLE = Actor("tafel 3", "workshop"), Actor("tafel 4", "workshop")
COORDINATOR = Actor("Carla", "coordinator")


def _run(*args):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A workspace with a private, no-consent person imported by a coordinator without ``--by``."""
    path = tmp_path / "buurt.gpkg"
    shutil.copy(OLD, path)
    open_workspace(path).close()
    rows = tmp_path / "mensen.csv"
    rows.write_text(HEADER + "mens-1,Mevrouw Bakker naait,individual,52.0705,4.2945,private,nee\n", encoding="utf-8")
    done = _run("import", path, rows)
    assert done.returncode == 0, done.stderr
    with open_workspace(path) as ws:
        assert ws.asset("mens-1")["added_by"] is None
    return path


def _person(path: Path) -> dict:
    with open_workspace(path) as ws:
        return ws.asset("mens-1")


def test_an_import_under_a_name_cannot_take_an_ownerless_person_public(workspace, tmp_path):
    before = workspace.read_bytes()
    attack = tmp_path / "bert.csv"
    attack.write_text(HEADER + "mens-1,Bert,individual,52.0705,4.2945,public,ja\n", encoding="utf-8")
    done = _run("import", workspace, attack, "--by", "bert")
    assert done.returncode == 2 and "belongs to someone else" in done.stderr, done.stderr
    assert workspace.read_bytes() == before

    # Even a coordinator's take over keeps its owner, visibility and consent.
    done = _run("import", workspace, attack, "--by", "Carla", "--take-over")
    assert done.returncode == 0, done.stderr
    person = _person(workspace)
    assert person["name"] == "Bert"
    assert (person["visibility"], bool(person["consent"]), person["added_by"]) == ("private", False, None)


def test_the_nameless_import_that_made_it_may_update_it(workspace, tmp_path):
    again = tmp_path / "mensen-2.csv"
    again.write_text(HEADER + "mens-1,Mevrouw Bakker naait en breit,individual,52.0705,4.2945,private,nee\n",
                     encoding="utf-8")
    done = _run("import", workspace, again)
    assert done.returncode == 0, done.stderr
    assert _person(workspace)["name"] == "Mevrouw Bakker naait en breit"


def test_a_table_cannot_change_delete_or_archive_an_ownerless_entry(workspace):
    with open_workspace(workspace) as ws:
        club = ws.add_initiative({"name": "Repair café", "status": "loopt", "visibility": "group"},
                                 Point(4.2945, 52.0705), Actor(None, "coordinator"))
        assert ws.asset(club)["added_by"] is None
        for attempt in (lambda: ws.update_asset("mens-1", {"name": "Van tafel 3"}, TABLE),
                        lambda: ws.delete_assets(["mens-1"], TABLE),
                        lambda: ws.remove([club], TABLE),
                        lambda: ws.set_status(club, "gestopt", TABLE),
                        lambda: ws.update_asset(club, {"owners": "tafel 3"}, TABLE)):
            with pytest.raises(PermissionDenied):
                attempt()
        assert ws.asset("mens-1")["name"] == "Mevrouw Bakker naait"
        assert ws.asset(club)["status"] == "loopt" and not ws.asset(club).get("owners")
        # Ownerless entries are the coordinators': a named coordinator edits them as usual.
        ws.update_asset("mens-1", {"name": "Mevrouw Bakker"}, COORDINATOR)
        assert ws.asset("mens-1")["name"] == "Mevrouw Bakker"


def test_only_owners_and_coordinators_unarchive_an_initiative(workspace):
    with open_workspace(workspace) as ws:
        club = ws.add_initiative({"name": "Buurtmoestuin", "status": "loopt", "visibility": "group"}, Point(4.2946, 52.0706), TABLE)
        ws.remove([club], TABLE)
        assert ws.asset(club)["status"] == "gestopt"
        for attempt in (lambda: ws.restore_asset(club, OTHER_TABLE), lambda: ws.set_status(club, "loopt", OTHER_TABLE),
                        lambda: ws.restore_asset(club, Actor("tafel 3", "public"))):
            with pytest.raises(PermissionDenied):
                attempt()
        assert ws.asset(club)["status"] == "gestopt"
        ws.restore_asset(club, COORDINATOR)  # a coordinator may
        assert ws.asset(club)["status"] == "loopt"
        ws.remove([club], COORDINATOR)
        ws.restore_asset(club, TABLE)  # and so may its owner
        assert ws.asset(club)["status"] == "loopt"


@pytest.mark.parametrize("role", ["admin", "Public", "COORDINATOR", " workshop", "", None, "beheerder"])
def test_an_actor_takes_only_the_three_roles(role):
    with pytest.raises(ValueError):
        Actor("iemand", role)


def test_an_unknown_role_never_reaches_the_coordinators_view(workspace):
    with pytest.raises(ValueError):
        with open_workspace(workspace, Actor("iemand", "admin")) as ws:
            ws.assets()


def test_a_table_does_not_see_who_else_added_or_owns_an_initiative(workspace):
    with open_workspace(workspace) as ws:
        ws.set_moderation(False)
        club = ws.add_initiative({"name": "Taalcafé", "status": "loopt", "visibility": "public", "consent": True,
                                  "owners": "tafel 4; Marieke"}, Point(4.2946, 52.0706), OTHER_TABLE)
        mine = ws.add_initiative({"name": "Buurtkast", "status": "idee", "visibility": "group",
                                  "owners": "tafel 3; Joop"}, Point(4.2947, 52.0707), TABLE)
        seen = ws.assets(actor=TABLE).set_index("id")
        assert seen.loc[club, ["added_by", "owners"]].isna().all()  # tafel 4 and Marieke stay unnamed
        assert seen.loc[mine, "added_by"] == "tafel 3" and "Joop" in seen.loc[mine, "owners"]  # its own: kept
        assert ws.assets(actor=OTHER_TABLE).set_index("id").loc[club, "added_by"] == "tafel 4"
        public = ws.assets(actor=Actor(None, "public")).set_index("id")
        assert public.loc[club, ["added_by", "owners"]].isna().all()
        everything = ws.assets(actor=COORDINATOR).set_index("id")
        assert "Marieke" in everything.loc[club, "owners"]
