"""Moderation that cannot be skipped (issue 29, round 3): each test performs one attack and asserts it fails.

- approve is bound to the version the coordinator saw: an edit while it waits is not published;
- undo after approval goes back through moderation: the first text never goes public unseen;
- activities and links a table adds to entries it does not own (a public OSM club) wait for a
  coordinator before residents see them.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from shapely.geometry import Point

from assetmap.errors import InputError
from assetmap.service import Actor, open_workspace

from conftest import shown_versions

TABLE = Actor("tafel 3", "workshop")
PUBLIC = Actor(None, "public")
COORDINATOR = Actor("carla", "coordinator")
TRANSVAAL = Point(4.2905, 52.0662)  # in a Den Haag buurt (Transvaalkwartier)
PHONE = "06-12345678"


def _add(ws, name, actor=TABLE, **fields) -> str:
    return ws.add_entry({"name": name, "building_block": "resource", "visibility": "public", "consent": True,
                         **fields}, TRANSVAAL, actor)


def _public(ws) -> dict:
    """id -> (name, description) of what the public sees."""
    seen = ws.assets(actor=PUBLIC)
    return {i: (n, d) for i, n, d in zip(seen["id"], seen["name"], seen["description"])}


def _public_text(ws) -> str:
    return " ".join(f"{n} {d}" for n, d in _public(ws).values())


# ---------------------------------------------------------------------- approve names the version seen
def test_approving_the_version_seen_refuses_an_edit_made_while_it_waited(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Ruilkast", description="Boeken ruilen")
        seen = shown_versions(ws, entry)  # what the coordinator read
        ws.update_asset(entry, {"description": f"Boeken ruilen, bel {PHONE}"}, TABLE)  # the attack
        with pytest.raises(InputError) as refused:
            ws.approve(seen, COORDINATOR)
        assert [p.code for p in refused.value.problems] == ["changed_since_shown"]
        assert entry not in _public(ws) and PHONE not in _public_text(ws)
        assert entry in set(ws.pending()["asset_id"])  # the new version waits
        assert shown_versions(ws, entry) != seen
        assert ws.approve(shown_versions(ws, entry), COORDINATOR) == 1  # seen now: it may go public
        assert _public(ws)[entry][1] == f"Boeken ruilen, bel {PHONE}"


def test_a_story_added_while_waiting_changes_the_version(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Speeltuin")
        seen = shown_versions(ws, entry)
        ws.add_entry({"name": "Verhaal", "building_block": "story", "description": f"Bel Piet: {PHONE}",
                      "related_asset_id": entry, "visibility": "public", "consent": True}, TRANSVAAL, TABLE)
        with pytest.raises(InputError, match="changed since"):
            ws.approve(seen, COORDINATOR)
        assert entry not in _public(ws)


def test_approve_without_a_version_is_refused_with_a_code(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Bankje")
        with pytest.raises(InputError) as refused:
            ws.approve([entry], COORDINATOR)
        assert [p.code for p in refused.value.problems] == ["approve_needs_version"]
        with pytest.raises(InputError) as refused:
            ws.approve({entry: ""}, COORDINATOR)
        assert [p.code for p in refused.value.problems] == ["approve_needs_version"]
        assert entry not in _public(ws)


# ---------------------------------------------------------------------- undo goes back through moderation
def test_undo_after_approval_does_not_publish_the_unseen_text(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Hulp bij formulieren", description=f"bel mij op {PHONE}")
        ws.update_asset(entry, {"description": "spreekuur in het buurthuis"}, TABLE)  # harmless now
        ws.approve(shown_versions(ws, entry), COORDINATOR)
        assert _public(ws)[entry][1] == "spreekuur in het buurthuis"
        assert ws.undo_last(TABLE) == entry  # the attack: back to the first text
        assert PHONE not in _public_text(ws) and entry not in _public(ws)
        waiting = ws.pending().set_index("asset_id")
        assert waiting.loc[entry, "description"] == f"bel mij op {PHONE}"
        assert "story_gives_contact" in waiting.loc[entry, "warnings"]
        assert ws.asset(entry)["visibility"] == "group"  # the group still sees it, as before approval


def test_undo_back_to_an_approved_text_stays_public(denhaag_workspace):
    """Not every undo waits: back to exactly what a coordinator made public, it stays public."""
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Ruilkast", description="Boeken ruilen")
        ws.approve(shown_versions(ws, entry), COORDINATOR)
        ws.update_asset(entry, {"description": "Boeken en speelgoed ruilen"}, TABLE)  # waits as an edit
        assert ws.undo_last(TABLE) == entry
        assert _public(ws)[entry][1] == "Boeken ruilen" and entry not in set(ws.pending()["asset_id"])


def test_restoring_a_deleted_entry_with_unseen_text_waits(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Buurtkast", description=f"bel {PHONE}")
        ws.update_asset(entry, {"description": "boeken"}, TABLE)
        ws.approve(shown_versions(ws, entry), COORDINATOR)
        ws.update_asset(entry, {"description": f"bel {PHONE}"}, TABLE)  # waits again, group only
        ws.delete_assets([entry], TABLE)
        assert ws.restore_asset(entry, TABLE)["visibility"] == "group"
        assert PHONE not in _public_text(ws) and entry not in _public(ws)


def test_restoring_an_approved_entry_keeps_it_public(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Buurtkast", description="boeken")
        ws.approve(shown_versions(ws, entry), COORDINATOR)
        ws.delete_assets([entry], TABLE)
        ws.restore_asset(entry, TABLE)
        assert _public(ws)[entry][1] == "boeken" and ws.pending().empty


# ---------------------------------------------------------------------- activities and links wait too
def _osm_club(ws) -> str:
    """A public OSM place no table owns (a club, a community centre)."""
    seen = ws.assets(actor=PUBLIC)
    places = seen[seen["added_by"].isna().to_numpy() & (seen["building_block"] != "individual").to_numpy()
                  & (seen["building_block"] != "story").to_numpy()]
    assert len(places), "the Delft extract has public OSM places"
    return places["id"].iloc[0]


def test_an_activity_on_a_public_osm_club_waits_for_a_coordinator(delft_ws):
    ws = delft_ws
    club = _osm_club(ws)
    before = len(ws.activities(actor=PUBLIC))
    activity = ws.add_activity({"asset_id": club, "name": f"Gratis spreekuur - bel {PHONE}",
                                "recurring_time": "Tu 19:00-21:00"}, TABLE)  # the attack
    public = ws.activities(actor=PUBLIC)
    assert len(public) == before and activity not in set(public["id"])
    waiting = ws.pending(COORDINATOR).set_index("asset_id")
    assert waiting.loc[activity, "kind"] == "activity"
    assert "story_gives_contact" in waiting.loc[activity, "warnings"]
    ws.approve(shown_versions(ws, activity), COORDINATOR)
    assert activity in set(ws.activities(actor=PUBLIC)["id"]) and ws.pending(COORDINATOR).empty
    # Changed afterwards by the table: hidden again until a coordinator looks.
    ws.update_activity(activity, {"name": f"Spreekuur, bel {PHONE} of mail"}, TABLE)
    assert activity not in set(ws.activities(actor=PUBLIC)["id"])
    ws.reject([activity], COORDINATOR, reason="een telefoonnummer")
    assert activity not in set(ws.activities(actor=PUBLIC)["id"])  # rejected: never public


def test_a_link_a_table_adds_between_public_entries_waits(delft_ws):
    import pandas as pd

    ws = delft_ws
    club = _osm_club(ws)
    mine = _add(ws, "Moestuin", description="groente")
    ws.approve(shown_versions(ws, mine), COORDINATOR)
    before = len(ws.links(actor=PUBLIC))
    ws.add_links(pd.DataFrame([{"from_asset_id": mine, "to_asset_id": club, "kind": "works_with",
                                "note": f"bel {PHONE}"}]), TABLE)
    assert len(ws.links(actor=PUBLIC)) == before
    waiting = ws.pending(COORDINATOR)
    link = waiting.loc[waiting["kind"] == "link", "asset_id"].iloc[0]
    ws.approve(shown_versions(ws, link), COORDINATOR)
    assert len(ws.links(actor=PUBLIC)) == before + 1


def test_a_coordinators_activity_is_public_at_once(delft_ws):
    ws = delft_ws
    club = _osm_club(ws)
    activity = ws.add_activity({"asset_id": club, "name": "Koffie-ochtend", "recurring_time": "We 10:00-12:00"},
                               COORDINATOR)
    assert activity in set(ws.activities(actor=PUBLIC)["id"]) and ws.pending(COORDINATOR).empty


# ---------------------------------------------------------------------- a person's health (GDPR art. 9)
HEALTH = "zoekt hulp voor mijn zieke buurvrouw mevrouw Jansen Mekelweg 12b"


@pytest.mark.parametrize(("text", "flagged"), [
    (HEALTH, True), ("Mijn buurman zit sinds zijn beroerte in een rolstoel", True), ("Oma heeft dementie", True),
    ("De zieke boom bij de speeltuin is gekapt", False), ("Rolstoeltoegankelijk buurthuis", False),
    ("Repair café, elke zaterdag", False), (None, False)])
def test_a_text_about_a_persons_health_gets_the_art9_warning(text, flagged):
    from assetmap.privacy import story_warnings

    assert ("story_names_health" in story_warnings(text)) is flagged


def test_an_initiative_about_a_sick_neighbour_waits_with_the_health_warning(denhaag_workspace):
    """Attack 7: the text went into the public export unseen; now it waits, and the coordinator is told why."""
    with open_workspace(denhaag_workspace) as ws:
        entry = ws.add_entry({"name": "Boodschappen voor de buurvrouw", "building_block": "initiative",
                              "seeks": HEALTH, "visibility": "public", "consent": True}, TRANSVAAL, TABLE)
        assert entry not in _public(ws)
        waiting = ws.pending().set_index("asset_id")
        assert "story_names_health" in waiting.loc[entry, "warnings"]


def test_the_cli_refuses_an_approval_of_the_version_before_an_edit(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Ruilkast", description="Boeken ruilen")
    cli = [sys.executable, "-m", "assetmap.cli"]
    listed = subprocess.run([*cli, "pending", str(denhaag_workspace)], capture_output=True, text=True, timeout=120)
    line = next(r.split("\t") for r in listed.stdout.splitlines() if r.startswith(entry))
    assert "Boeken ruilen" in listed.stdout
    with open_workspace(denhaag_workspace) as ws:
        ws.update_asset(entry, {"description": f"Boeken ruilen, bel {PHONE}"}, TABLE)
    done = subprocess.run([*cli, "approve", str(denhaag_workspace), f"{entry[:8]}@{line[-1]}", "--lang", "en"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "changed since you saw it" in done.stderr and "Traceback" not in done.stderr
    bare = subprocess.run([*cli, "approve", str(denhaag_workspace), entry[:8], "--lang", "en"],
                          capture_output=True, text=True, timeout=120)
    assert bare.returncode != 0 and "ID@VERSION" in bare.stderr
    with open_workspace(denhaag_workspace) as ws:
        assert entry not in _public(ws) and entry in set(ws.pending()["asset_id"])


def test_a_story_about_a_public_osm_club_waits_for_a_coordinator(delft_ws):
    ws = delft_ws
    club = _osm_club(ws)
    geometry = ws.asset(club)["geometry"]
    story = ws.add_entry({"name": "Spreekuur", "building_block": "story", "related_asset_id": club,
                          "description": f"Gratis spreekuur - bel {PHONE}", "visibility": "public",
                          "consent": True}, geometry.representative_point(), TABLE)
    assert story not in _public(ws) and PHONE not in _public_text(ws)
    assert story in set(ws.pending(COORDINATOR)["asset_id"])


def test_health_text_waits_for_a_coordinator_even_with_moderation_off(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        ws.set_moderation(False, COORDINATOR)
        plain = _add(ws, "Boodschappendienst", description="Wij doen boodschappen voor wie dat wil")
        sick = _add(ws, "Hulp voor de buurvrouw", description=HEALTH)
        assert plain in _public(ws)  # moderation is off: the rest goes public at once
        assert sick not in _public(ws) and "zieke" not in _public_text(ws)
        waiting = ws.pending().set_index("asset_id")
        assert list(waiting.index) == [sick] and "story_names_health" in waiting.loc[sick, "warnings"]
        ws.approve(shown_versions(ws, sick), COORDINATOR)  # the coordinator confirms
        assert sick in _public(ws)


def test_a_server_workspace_holds_back_an_edit_an_undo_and_an_activity(postgis_uri):
    """The same rules on PostGIS: the queue, the versions and the public reads are the service's."""
    from assetmap.service import create_workspace

    with create_workspace(postgis_uri) as ws:
        place = ws.add_entry({"name": "Buurthuis", "building_block": "institution", "visibility": "public",
                              "consent": True}, TRANSVAAL, COORDINATOR)
        entry = _add(ws, "Ruilkast", description=f"bel {PHONE}")
        ws.update_asset(entry, {"description": "Boeken ruilen"}, TABLE)
        seen = shown_versions(ws, entry)
        ws.update_asset(entry, {"description": "Boeken en speelgoed ruilen"}, TABLE)
        with pytest.raises(InputError, match="changed since"):
            ws.approve(seen, COORDINATOR)
        ws.approve(shown_versions(ws, entry), COORDINATOR)
        ws.undo_last(TABLE)  # back to "Boeken ruilen": never approved
        assert entry not in _public(ws) and entry in set(ws.pending()["asset_id"])
        activity = ws.add_activity({"asset_id": place, "name": f"Spreekuur, bel {PHONE}",
                                    "recurring_time": "Tu 19:00-21:00"}, TABLE)
        assert activity not in set(ws.activities(actor=PUBLIC)["id"])
        assert PHONE not in _public_text(ws)
