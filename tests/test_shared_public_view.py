"""The residents' map shares one public view across sessions, renewed on every write, and public only.

/Kaart used to read the public view through ``st.cache_data`` (unpickled for every visit) and built
and rendered the whole folium map again for every visitor. Now the public view is one read-only
object (``ui.shared_public``, ``st.cache_resource`` keyed by the workspace version), and the map and
its list are built once per version, language and set of assets shown (``ui.public_map``,
``ui.public_list_html``). These tests run the page in two sessions (streamlit AppTest) and check that
they get the very same objects, that a write gives new ones at once, and that nothing in them is a
group or private entry or a contact detail, whichever role built them first.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_app import MAP_PAGE, add_assets

from assetmap import ui

PRIVATE = "Geheime moestuin"
GROUP = "Groepsklub Noord"
PERSON_GROUP = "Kookt voor de buren"
PUBLIC = "Buurtbieb Voorhof"
LATER = "Later erbij: de Speeltuin"
CONTACTS = ("06-12345678", "zanger@example.org")

#: A resident's visit: the map page, then the shared objects this session drew, kept in its state.
VISIT = f"""
import runpy

import streamlit as st

from assetmap import ui

runpy.run_path({MAP_PAGE!r}, run_name="__main__")
path = ui.workspace_path()
version = ui.workspace_version(path)
st.session_state["seen"] = (ui.shared_public(str(path), version), ui.public_map(str(path), version, "nl"),
                            ui.public_list_html(str(path), version, "nl"))
"""


@pytest.fixture
def workspace(delft_copy, monkeypatch):
    """A Delft copy with a private, a group and a public entry, and a group person with a contact."""
    from streamlit import config

    add_assets(delft_copy, [
        {"name": PRIVATE, "building_block": "resource", "visibility": "private", "lon": 4.3725, "lat": 52.0015},
        {"name": GROUP, "building_block": "association", "visibility": "group", "lon": 4.3735, "lat": 52.0020},
        {"name": PERSON_GROUP, "building_block": "individual", "contact": CONTACTS[0], "lon": 4.3726, "lat": 52.0016},
        {"name": PUBLIC, "building_block": "resource", "visibility": "public", "consent": True,
         "contact": CONTACTS[1], "lon": 4.3727, "lat": 52.0017},
    ], actor="tafel 9")
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield delft_copy
    config.set_option("server.address", before)


def visit(access: str | None, monkeypatch) -> tuple:
    """One new session's visit to /Kaart (as ``access``'s anonymous role); the shared objects it drew."""
    if access:
        monkeypatch.setenv("ASSETMAP_ACCESS", access)
    else:
        monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    at = AppTest.from_string(VISIT, default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.session_state["seen"]


def test_two_residents_share_one_public_view_and_a_write_gives_a_new_one(workspace, monkeypatch):
    # A coordinator (localhost, no ASSETMAP_ACCESS) opens the map first: what is shared is still public.
    first = visit(None, monkeypatch)
    second = visit("public", monkeypatch)
    for mine, theirs in zip(first, second):
        assert mine is theirs  # the same object, not a copy per session
    view, rendered, listing = first
    assert isinstance(rendered, ui.RenderedMap)

    # Public only: no group or private entry, no contact, in the frames, the map or the list.
    names = set(view["assets"]["name"])
    assert PUBLIC in names and not names & {PRIVATE, GROUP, PERSON_GROUP}
    assert set(view["assets"]["visibility"].dropna()) <= {"public"}
    for text in (rendered.script, listing):
        assert PUBLIC in text
    for text in (rendered.script, rendered.html, rendered.header, listing):
        for secret in (PRIVATE, GROUP, PERSON_GROUP, "tafel 9", *CONTACTS):
            assert secret not in text, secret

    # A write changes the workspace version: the next visit gets new objects with the new entry.
    add_assets(workspace, [{"name": LATER, "building_block": "resource", "visibility": "public", "consent": True,
                            "lon": 4.3729, "lat": 52.0018}], actor="tafel 9")
    after = visit("public", monkeypatch)
    for old, new in zip(first, after):
        assert old is not new
    assert LATER in set(after[0]["assets"]["name"]) and LATER in after[1].script and LATER in after[2]
    assert visit("workshop", monkeypatch)[1] is after[1]  # and shared again
