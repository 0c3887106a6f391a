"""Photos in the app (issue #34; streamlit AppTest on a Delft copy with private, group and public entries).

* the workshop page offers a photo upload (camera or file) for the entries a table sees, never for
  another table's person, and shows where the table's own photos stand;
* a coordinator sees each waiting photo with its entry on the Data page and approves or rejects it
  there; only then does the public see it.
"""

from __future__ import annotations

import pytest
from photo_files import phone_photo
from shapely.geometry import Point
from test_app import DATA_PAGE, WORKSHOP_PAGE
from test_app_access import ME, OTHER, PERSON_GROUP, keys, mixed, run, server_address  # noqa: F401

from assetmap import i18n
from assetmap.service import Actor, open_workspace

COORDINATOR = Actor("carla", "coordinator")
PUBLIC = Actor(None, "public")


@pytest.fixture
def mixed_workspace(request):
    """The access tests' Delft copy with private, group and public entries (``test_app_access.mixed``)."""
    return request.getfixturevalue("mixed")


def test_the_workshop_page_offers_a_photo_upload_and_shows_the_tables_own_photos(mixed_workspace, monkeypatch):
    monkeypatch.setenv("ASSETMAP_ACCESS", "workshop")
    with open_workspace(mixed_workspace) as ws:
        entry = ws.add_entry({"name": "Bankje met foto", "building_block": "resource", "visibility": "public",
                              "consent": True}, Point(4.3731, 52.0021), COORDINATOR)
        ws.add_photo(entry, phone_photo(), caption="Het bankje", actor=Actor(ME, "workshop"))["id"]
        refused = ws.add_photo(entry, phone_photo(), caption="Het bankje met buren", actor=Actor(ME, "workshop"))["id"]
        ws.reject_photos([refused], COORDINATOR, reason="Er staan gezichten op")
        ws.add_photo(entry, phone_photo(), caption="Van een ander", actor=Actor(OTHER, "workshop"))
    at = run(WORKSHOP_PAGE, pseudonym=ME)
    assert {"photo_entry", "photo_file", "photo_caption", "photo_credit", "photo_licence"} <= keys(at)
    offered = at.selectbox(key="photo_entry")
    names = set(offered.options)  # as shown: the entries' names
    assert "Bankje met foto" in names and PERSON_GROUP not in names  # another table's person: never
    own = next(f.value for f in at.dataframe if i18n.t("photo_caption", "nl") in f.value.columns)
    states = dict(zip(own[i18n.t("photo_caption", "nl")], own[i18n.t("own_col_state", "nl")]))
    assert states == {"Het bankje": i18n.t("photo_state_pending", "nl"),
                      "Het bankje met buren": i18n.t("photo_state_rejected", "nl") + ": Er staan gezichten op"}


def test_the_coordinator_approves_a_waiting_photo_on_the_data_page(mixed_workspace):
    with open_workspace(mixed_workspace) as ws:
        entry = ws.add_entry({"name": "Bankje met foto", "building_block": "resource", "visibility": "public",
                              "consent": True}, Point(4.3731, 52.0021), COORDINATOR)
        first = ws.add_photo(entry, phone_photo(), caption="Het bankje", actor=Actor(ME, "workshop"))["id"]
        second = ws.add_photo(entry, phone_photo(), caption="Het bankje van opzij", actor=Actor(ME, "workshop"))["id"]
    at = run(DATA_PAGE)  # localhost: a coordinator
    assert i18n.t("photo_queue_title", "nl") in [s.value for s in at.subheader]
    assert {f"photo_approve_{first}", f"photo_reject_{second}"} <= keys(at)
    at.button(key=f"photo_approve_{first}").click().run()
    assert not at.exception
    at.text_input(key=f"photo_reason_{second}").input("Er staat een kenteken op")
    at.button(key=f"photo_reject_{second}").click().run()
    assert not at.exception
    with open_workspace(mixed_workspace) as ws:
        assert list(ws.photos(actor=PUBLIC)["id"]) == [first]
        decided = ws.photos(actor=COORDINATOR).set_index("id")
        assert decided.loc[second, "status"] == "rejected" and decided.loc[second, "reason"] == "Er staat een kenteken op"
    at.run()
    assert i18n.t("photo_queue_none", "nl") in [c.value for c in at.caption]


def test_the_residents_map_shows_approved_photos_in_popups_and_its_list_and_nothing_else(mixed_workspace):
    from test_app import MAP_PAGE
    from test_app_access import page_text

    with open_workspace(mixed_workspace) as ws:
        entry = ws.add_entry({"name": "Bankje met foto", "building_block": "resource", "visibility": "public",
                              "consent": True}, Point(4.3731, 52.0021), COORDINATOR)
        shown = ws.add_photo(entry, phone_photo(), caption="Het bankje in de zon", actor=Actor(ME, "workshop"))["id"]
        ws.add_photo(entry, phone_photo(), caption="Wacht nog op goedkeuring", actor=Actor(ME, "workshop"))
        ws.approve_photos([shown], COORDINATOR)
    at = run(MAP_PAGE)
    text = page_text(at)
    text = text.replace("\\'", "'")  # the component's arguments are quoted text
    assert "alt='Het bankje in de zon'" in text and "data:image/jpeg;base64," in text
    assert "Wacht nog op goedkeuring" not in text
    # The list under the map (its text equivalent) shows the same photo in the entry's item, no other.
    listing = next(e.proto.body for e in at.get("html") if "assetmap-list" in e.proto.body)
    item = next(li for li in listing.split("<li>") if "Bankje met foto" in li)
    assert "alt='Het bankje in de zon'" in item and "data:image/jpeg;base64," in item
    assert listing.count("data:image/jpeg;base64,") == 1 and "Wacht nog op goedkeuring" not in listing
