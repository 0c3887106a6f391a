"""A workshop table enters several entries in a row in a real Chromium, and no entry carries another's data.

Streamlit's browser keeps its own copy of every widget's value. Removing a widget's key on the server
left the previous entry's description, meeting-place settings, visibility and consent in the form, and
the next entry was saved with them: a group-only person's text could become a public place's. This
journey saves a full entry, then a bare one, and reads the workspace: the second has only what was typed
for it. Enter in a field does not submit the form. A second journey takes the paths that lost or doubled
entries: a public text held for a check, then a map click before the confirmation; a double click on
Opslaan; a long story. Counts: entries saved = entries stored.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from assetmap import i18n
from assetmap.i18n import block_label
from assetmap.service import open_workspace

import browsing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 120_000
MAP_FRAME = browsing.MAP_FRAME
TABLE = "tafel-journey"


def t(key: str, **values) -> str:
    return i18n.t(key, "nl", **values)


@pytest.fixture(scope="module")
def server(delft_workspace_file, tmp_path_factory):
    browsing.require_chromium()
    workspace = tmp_path_factory.mktemp("journey") / "delft.gpkg"
    workspace.write_bytes(Path(delft_workspace_file).read_bytes())
    with browsing.streamlit_server(workspace) as url:
        yield url, workspace


def _idle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


def _click_map(page, dx: float) -> None:
    """Click the map left of its middle (inside a wijk), ``dx`` pixels from its left edge."""
    page.frame_locator(MAP_FRAME).first.locator(".leaflet-marker-icon").first.wait_for()
    before = [_field(page, "spinbutton", t(key)).input_value() for key in ("lat", "lon")]
    # A click on a marker opens its popup instead of choosing a place: then try a little lower.
    for dy in (0, 40, 80, -40):
        browsing.click_map(page, dx, browsing.map_box(page)["height"] / 2 + dy)
        try:
            page.wait_for_function(
                "([labels, before]) => { const now = labels.map(l => ([...document.querySelectorAll('input')]"
                ".find(i => i.getAttribute('aria-label') === l) || {}).value || '');"
                " return now.every(v => v !== '') && now.join() !== before.join(); }",
                arg=[[t("lat"), t("lon")], before], timeout=15_000)
        except PlaywrightTimeout:
            continue
        break
    else:
        raise AssertionError(f"no click on the map at {dx} px chose a place")
    _idle(page)


def _field(page, role: str, label: str):
    """A field of the new-entry form (the page's first form; the edit form below has a "Naam" too), also
    when it sits in a closed expander."""
    tag = {"textbox": "input, textarea", "spinbutton": "input"}[role]
    return page.locator('[data-testid="stForm"]').first.locator(
        ", ".join(f'{one}[aria-label="{label}"]' for one in tag.split(", ")))


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the new-entry form's select box labelled ``label``."""
    box = page.locator('[data-testid="stForm"]').first.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)  # the list filters as one types; Enter takes the one left
    page.get_by_role("option").filter(has_text=option).first.wait_for()
    box.press("Enter")
    _idle(page)


def _open_workshop(browser, url: str):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url + "/In_kaart_brengen", wait_until="domcontentloaded")
    page.wait_for_selector("h1")
    _idle(page)
    pseudonym = page.get_by_role("textbox", name=t("pseudonym"), exact=True)
    pseudonym.fill(TABLE)
    pseudonym.press("Enter")
    _idle(page)
    return page


def _save(page):
    page.locator('[data-testid="stForm"]').first.get_by_role("button", name=t("save"), exact=True).click()


def _stored(workspace: Path):
    with open_workspace(workspace) as ws:
        assets = ws.assets()
    return assets[(assets["added_by"] == TABLE).fillna(False).to_numpy()]


def test_a_table_enters_entries_in_a_row_and_none_carries_the_last_ones_fields(server):
    url, workspace = server
    with browsing.chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url + "/In_kaart_brengen", wait_until="domcontentloaded")
        page.wait_for_selector("h1")
        _idle(page)
        pseudonym = page.get_by_role("textbox", name=t("pseudonym"), exact=True)
        pseudonym.fill(TABLE)
        pseudonym.press("Enter")
        _idle(page)

        # 1: a full entry: a place with a phone number in its text, meeting-place fields and consent.
        _click_map(page, 40)
        _field(page, "textbox", t("name")).fill("Kookt voor de buren")
        _field(page, "textbox", t("description")).fill("Kookt elke vrijdag, bel 06-12345678")
        page.get_by_text(t("meeting_place_fields")).click()
        page.get_by_text(t("meeting_place"), exact=True).click()
        _field(page, "textbox", t("opening_hours")).fill("Fr 17:00-19:00")
        page.get_by_text(t("consent_person")).click()
        page.locator('[data-testid="stForm"]').first.get_by_role("button", name=t("save"), exact=True).click()
        page.get_by_text(t("saved", name="Kookt voor de buren")).first.wait_for()
        _idle(page)

        # The form is empty again, in the browser itself (once the run after the save has drawn it).
        # Streamlit sends the widgets of one run as separate deltas: wait for the name and the description.
        page.wait_for_function("(labels) => labels.every(label => { const el = [...document.querySelectorAll("
                               "'input, textarea')].find(i => i.getAttribute('aria-label') === label);"
                               " return el && el.value === ''; })",
                               arg=[t("name"), t("description")])
        assert _field(page, "textbox", t("name")).input_value() == ""
        assert _field(page, "textbox", t("description")).input_value() == ""
        assert _field(page, "textbox", t("opening_hours")).input_value() == ""
        assert _field(page, "spinbutton", t("lat")).input_value() == ""

        # Enter in a field of a half-filled form saves nothing.
        _field(page, "textbox", t("name")).fill("Half ingevuld")
        _field(page, "textbox", t("name")).press("Enter")
        _idle(page)
        assert len(_stored(workspace)) == 1

        # 2: a bare entry: a person, with only a place and a name (a person's consent is no by default).
        _click_map(page, 70)
        _field(page, "textbox", t("name")).fill("Bankje aan de Schie")
        _choose(page, t("building_block"), block_label("individual", "nl"))
        page.locator('[data-testid="stForm"]').first.get_by_role("button", name=t("save"), exact=True).click()
        page.get_by_text(t("saved", name="Bankje aan de Schie")).first.wait_for()
        _idle(page)
        page.context.close()

    stored = _stored(workspace).set_index("name")
    assert sorted(stored.index) == ["Bankje aan de Schie", "Kookt voor de buren"]  # 2 saved, 2 stored
    first, second = stored.loc["Kookt voor de buren"], stored.loc["Bankje aan de Schie"]
    assert first["description"].startswith("Kookt elke vrijdag") and bool(first["is_meeting_place"])
    assert first["opening_hours"] == "Fr 17:00-19:00" and bool(first["consent"])
    # Nothing of the first entry in the second.
    assert second["building_block"] == "individual" and second["visibility"] == "group"
    for column in ("description", "opening_hours", "consent", "access", "scale", "capacity", "target_groups",
                   "is_meeting_place"):
        assert pd.isna(second[column]) or second[column] in ("", False), (column, second[column])
    assert second.geometry.x != first.geometry.x  # its own place, not the last click


def test_a_held_public_text_a_map_click_a_double_click_and_a_long_story_lose_and_double_nothing(server):
    url, workspace = server
    before = len(_stored(workspace))
    story = ("Mijn oma vertelde dat hier vroeger de molen stond, en dat de kinderen uit de hele wijk er op "
             "woensdagmiddag kwamen spelen tot het donker werd.")
    with browsing.chromium() as browser:
        page = _open_workshop(browser, url)

        # A public place whose text gives a phone number: held for a check, not saved.
        _click_map(page, 100)
        _field(page, "textbox", t("name")).fill("Molenplein")
        _field(page, "textbox", t("description")).fill("Info: bel 06-98765432")
        _field(page, "textbox", t("story")).fill(story)
        _choose(page, t("visibility"), t("visibility_public"))
        page.get_by_text(t("consent_person")).click()
        _save(page)
        page.get_by_text(t("entry_not_saved_yet")).wait_for()
        assert len(_stored(workspace)) == before

        # A map click before confirming: the entry is still in the form and still says it is not saved.
        _click_map(page, 130)
        _idle(page)
        assert page.get_by_text(t("entry_not_saved_yet")).is_visible()
        assert _field(page, "textbox", t("name")).input_value() == "Molenplein"
        assert len(_stored(workspace)) == before
        page.get_by_text(t("story_confirm")).click()
        _save(page)
        page.get_by_text(t("saved", name="Molenplein")).first.wait_for()
        _idle(page)
        page.get_by_text(t("entry_not_saved_yet")).wait_for(state="detached")  # gone once saved

        # A double click on Opslaan saves one entry.
        _click_map(page, 160)
        _field(page, "textbox", t("name")).fill("Dubbelklik")
        page.locator('[data-testid="stForm"]').first.get_by_role("button", name=t("save"), exact=True).dblclick()
        page.get_by_text(t("saved", name="Dubbelklik")).first.wait_for()
        _idle(page)
        page.wait_for_timeout(2000)
        page.context.close()

    stored = _stored(workspace)
    new = stored.iloc[before:] if len(stored) > before else stored.iloc[0:0]
    names = sorted(stored["name"].tolist())
    assert names.count("Dubbelklik") == 1
    place = stored[(stored["name"] == "Molenplein") & (stored["building_block"] != "story")]
    assert len(place) == 1 and place["visibility"].iloc[0] == "public"  # the local user is a coordinator
    told = stored[stored["building_block"] == "story"]
    assert len(told) == 1 and told["related_asset_id"].iloc[0] == place["id"].iloc[0]
    # The story keeps its whole text and is named after its place, not cut mid-word.
    assert told["name"].iloc[0] == "Molenplein" and told["description"].iloc[0] == story
    # Saved at the place clicked last before saving, not the first click.
    assert place.geometry.x.iloc[0] != pytest.approx(told.geometry.x.iloc[0] + 1)
    assert len(new) == 3  # the place, its story and the double-clicked entry: 3 saved, 3 stored
