"""Moderation people can see, in the app (streamlit AppTest on a Delft copy; issue #28, items 2 and 7).

* a table's own entries say where they stand ("wacht op goedkeuring", "openbaar", "afgewezen: reden"),
  and a save that goes to moderation says it waits for a coordinator;
* residents report an entry on /Kaart without an account: three sessions hide it from the map, two do
  not, and a coordinator's decision brings it back or keeps it hidden;
* a public visitor of /Ontmoetingsplekken sees suggested sites and the what-if.

The queue on the Data page (whole entries, select several) is in ``test_app_access.py``.
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point
from test_app import GAPS_PAGE, MAP_PAGE, WORKSHOP_PAGE, map_list_names
from test_app_access import ME, keys, mixed, run, server_address  # noqa: F401  (the access tests' fixtures)

from assetmap import i18n
from assetmap.service import Actor, open_workspace

from conftest import shown_versions

COORDINATOR = Actor("carla", "coordinator")


@pytest.fixture
def mixed_workspace(request):
    """The access tests' Delft copy with private, group and public entries (``test_app_access.mixed``)."""
    return request.getfixturevalue("mixed")


def _own_states(at) -> dict[str, str]:
    table = at.dataframe[0].value
    return dict(zip(table[i18n.t("name", "nl")], table[i18n.t("own_col_state", "nl")]))


def test_a_tables_entry_waits_then_is_public_and_a_rejection_shows_its_reason(mixed_workspace, monkeypatch):
    monkeypatch.setenv("ASSETMAP_ACCESS", "workshop")  # hosted, as in the workshop of #28
    at = run(WORKSHOP_PAGE, pseudonym=ME)
    at.number_input(key="new_lat").set_value(52.0021)
    at.number_input(key="new_lon").set_value(4.3731)
    at.text_input(key="new_name").input("Bankje bij de bieb")
    at.selectbox(key="new_visibility").set_value("public")
    at.checkbox(key="new_consent").check()
    next(b for b in at.button if b.label == i18n.t("save", "nl")).click().run()
    assert not at.exception
    assert i18n.t("saved_waits", "nl", name="Bankje bij de bieb") in [s.value for s in at.success]
    assert _own_states(at)["Bankje bij de bieb"] == "wacht op goedkeuring"

    with open_workspace(mixed_workspace) as ws:
        waiting = ws.pending()
        entry = waiting.loc[waiting["name"] == "Bankje bij de bieb", "asset_id"].iloc[0]
        ws.approve(shown_versions(ws, [entry]), COORDINATOR)
        other = ws.add_entry({"name": "Mevrouw de Vries kookt", "building_block": "resource",
                              "visibility": "public", "consent": True}, Point(4.3732, 52.0022), Actor(ME, "workshop"))
        ws.reject([other], COORDINATOR, reason="Noemt iemand bij naam")
    states = _own_states(run(WORKSHOP_PAGE, pseudonym=ME))
    assert states["Bankje bij de bieb"] == "openbaar"
    assert states["Mevrouw de Vries kookt"] == "afgewezen: Noemt iemand bij naam"


def _report(entry: str, reason: str | None = None) -> None:
    """One visitor (a new session) reports the entry on /Kaart."""
    at = run(MAP_PAGE)
    assert "flag_send" in keys(at)
    at.selectbox(key="flag_pick").set_value(entry).run()  # the button waits for a choice
    if reason:
        at.text_input(key="flag_reason").input(reason)
    at.button(key="flag_send").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [i18n.t("flag_done", "nl")]
    at.run()  # the same session again: it may not report this entry twice
    assert at.button(key="flag_send").disabled
    if at.selectbox(key="flag_pick").value == entry:  # (a third report took it off the map)
        assert i18n.t("flag_already", "nl") in [c.value for c in at.caption]


def test_three_reports_hide_an_entry_from_the_map_and_a_coordinator_decides(mixed_workspace, monkeypatch):
    with open_workspace(mixed_workspace) as ws:
        ws.set_moderation(False)
        entry = ws.add_entry({"name": "Snel geld verdienen", "building_block": "resource", "visibility": "public",
                              "consent": True}, Point(4.3733, 52.0023), Actor("tafel 4", "workshop"))
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    _report(entry, "reclame")
    _report(entry)
    assert "Snel geld verdienen" in map_list_names(run(MAP_PAGE))  # two reports: still on the map
    _report(entry, "oplichting")
    assert "Snel geld verdienen" not in map_list_names(run(MAP_PAGE))
    with open_workspace(mixed_workspace) as ws:
        reported = ws.reported().set_index("asset_id").loc[entry]
        assert reported["reports"] == 3 and sorted(reported["reasons"]) == ["oplichting", "reclame"]
        ws.decide_reports([entry], True, COORDINATOR)  # keep
    assert "Snel geld verdienen" in map_list_names(run(MAP_PAGE))
    for n in range(3):
        _report(entry, f"nog steeds reclame {n}")
    with open_workspace(mixed_workspace) as ws:
        ws.decide_reports([entry], False, COORDINATOR, reason="Reclame")  # hide
    assert "Snel geld verdienen" not in map_list_names(run(MAP_PAGE))


def test_the_coordinator_decides_reported_entries_on_the_data_page(mixed_workspace, monkeypatch):
    from test_app import DATA_PAGE
    from test_app_access import _pick_rows

    with open_workspace(mixed_workspace) as ws:
        ws.set_moderation(False)
        entry = ws.add_entry({"name": "Gratis fietsen", "building_block": "resource", "visibility": "public",
                              "consent": True}, Point(4.3734, 52.0024), Actor("tafel 4", "workshop"))
        for n in range(3):
            ws.report(entry, f"sessie-{n}-" + "y" * 16, "oplichting" if n else None, Actor(None, "public"))
    at = run(DATA_PAGE)
    assert i18n.t("reported_title", "nl") in [s.value for s in at.subheader]
    shown = next(f for f in at.dataframe if f.key == "reports_editor").value
    assert list(shown[i18n.t("name", "nl")]) == ["Gratis fietsen"]
    assert list(shown[i18n.t("reported_col_reasons", "nl")]) == ["oplichting; oplichting"]
    _pick_rows(at, "reports_editor", [0])
    at.button(key="reports_keep").click().run()
    assert not at.exception
    with open_workspace(mixed_workspace) as ws:
        assert entry in set(ws.assets(actor=Actor(None, "public"))["id"]) and ws.reported().empty


def test_a_public_visitor_sees_suggested_sites(mixed_workspace, monkeypatch):
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    at = run(GAPS_PAGE)
    assert {"gap_show_sites", "gap_remove"} <= keys(at)
    at.toggle(key="gap_show_sites").set_value(True).run()
    assert not at.exception
    assert i18n.t("sites_title", "nl") in [s.value for s in at.subheader]


def test_the_queue_refuses_to_approve_an_entry_edited_while_it_was_shown(mixed_workspace):
    """Attack 3 on the Data page: the coordinator reads the queue, the table edits, the click must not publish."""
    from test_app import DATA_PAGE
    from test_app_access import _pick_rows

    with open_workspace(mixed_workspace) as ws:
        ws.set_moderation(True)
        entry = ws.add_entry({"name": "Ruilkast", "building_block": "resource", "description": "Boeken ruilen",
                              "visibility": "public", "consent": True}, Point(4.3731, 52.0022), Actor(ME, "workshop"))
    at = run(DATA_PAGE, pseudonym="coördinator")  # the queue as the coordinator reads it
    with open_workspace(mixed_workspace) as ws:
        ws.update_asset(entry, {"description": "Boeken ruilen, bel 06-12345678"}, Actor(ME, "workshop"))
    rows = list(next(f for f in at.dataframe if f.key == "moderation_editor").value[i18n.t("name", "nl")])
    _pick_rows(at, "moderation_editor", [rows.index("Ruilkast")])
    at.button(key="moderation_approve").click().run()
    assert not at.exception
    assert any(i18n.t("changed_since_shown", "nl", id=entry)[:20] in e.value for e in at.error)
    with open_workspace(mixed_workspace) as ws:
        assert entry not in set(ws.assets(actor=Actor(None, "public"))["id"])
        assert entry in set(ws.pending()["asset_id"])


def test_the_workshop_page_warns_of_a_persons_health_and_the_entry_waits(mixed_workspace, monkeypatch):
    """Attack 7 on the workshop page: what an initiative seeks names a sick neighbour; the table is
    warned (GDPR art. 9) and, saved anyway, it waits for a coordinator even with moderation off."""
    from test_app import fill_new_asset, save_button

    with open_workspace(mixed_workspace) as ws:
        ws.set_moderation(False, COORDINATOR)
    monkeypatch.setenv("ASSETMAP_ACCESS", "workshop")  # a hosted workshop: the visitor is a table
    at = run(WORKSHOP_PAGE, pseudonym=ME)
    fill_new_asset(at, "Boodschappen voor de buurvrouw", new_block="initiative")
    at.text_input(key="new_seeks").input("hulp voor mijn zieke buurvrouw mevrouw Jansen")
    at.selectbox(key="new_visibility").set_value("public")
    at.checkbox(key="new_consent").check()
    save_button(at).click().run()
    assert not at.exception
    assert i18n.t("story_names_health", "nl") in " ".join(w.value for w in at.warning)
    at.checkbox(key="story_confirm").check()
    save_button(at).click().run()
    assert not at.exception
    with open_workspace(mixed_workspace) as ws:
        saved = ws.assets().query("name == 'Boodschappen voor de buurvrouw'")
        assert len(saved) == 1 and saved["visibility"].iloc[0] == "group"
        assert saved["id"].iloc[0] in set(ws.pending()["asset_id"])
        assert saved["id"].iloc[0] not in set(ws.assets(actor=Actor(None, "public"))["id"])
