"""A photo through the workshop form in Chromium (issue #34): the real app on a Delft copy.

A table picks an entry, uploads a phone photo with EXIF GPS through the form's file input (what a
phone's camera or file picker gives the page), writes a caption and saves. The workspace then holds
one photo, waiting for a coordinator, with no trace of where it was taken.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from photo_files import phone_photo, traces_in
from shapely.geometry import Point

from assetmap import i18n
from assetmap.service import Actor, open_workspace

import browsing
from browsing import require_chromium
from browsing import streamlit_server as _streamlit

TIMEOUT_MS = 120_000
ENTRY = "Pluktuin voor de foto"
COORDINATOR = Actor("carla", "coordinator")


@pytest.fixture(scope="module")
def server(delft_workspace_file, tmp_path_factory):
    require_chromium()
    workspace = tmp_path_factory.mktemp("browser-photos") / "delft.gpkg"
    workspace.write_bytes(Path(delft_workspace_file).read_bytes())
    with open_workspace(workspace) as ws:
        ws.add_entry({"name": ENTRY, "building_block": "resource", "visibility": "public", "consent": True},
                     Point(4.3730, 52.0018), COORDINATOR)
    with _streamlit(workspace) as url:
        yield url, workspace


def _wait_idle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


@pytest.mark.browser
@pytest.mark.slow
def test_a_table_uploads_a_photo_through_the_workshop_form_and_it_is_stored_clean(server, tmp_path):
    url, workspace = server
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(phone_photo())
    assert traces_in(photo.read_bytes())
    with browsing.chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url + "/In_kaart_brengen", wait_until="domcontentloaded")
        page.wait_for_selector("h1")
        _wait_idle(page)
        pseudonym = page.get_by_role("textbox", name=i18n.t("pseudonym", "nl"))
        pseudonym.fill("foto-tafel")
        pseudonym.press("Enter")
        _wait_idle(page)
        form = page.locator('[data-testid="stForm"]').filter(has_text=i18n.t("photo_save", "nl"))
        form.scroll_into_view_if_needed()
        form.get_by_role("combobox").first.click()
        page.keyboard.type(ENTRY)  # the list is long (every Delft place): typing filters it
        page.get_by_role("option", name=ENTRY).click()
        form.locator('input[type="file"]').set_input_files(str(photo))
        form.get_by_text("IMG_0001.jpg").wait_for()
        form.get_by_role("textbox", name=i18n.t("photo_caption", "nl")).fill("Appels plukken in de pluktuin")
        form.get_by_role("textbox", name=i18n.t("photo_credit", "nl")).fill("Ans")
        form.get_by_role("button", name=i18n.t("photo_save", "nl")).click()
        page.get_by_test_id("stAlertContentSuccess").get_by_text(i18n.t("photo_saved_waits", "nl", name=ENTRY)).wait_for()
        _wait_idle(page)
    with open_workspace(workspace) as ws:
        stored = ws.photos(actor=COORDINATOR)
        assert list(stored["caption"]) == ["Appels plukken in de pluktuin"]
        assert list(stored["status"]) == ["pending"] and list(stored["added_by"]) == ["foto-tafel"]
        assert traces_in(ws.photo_image(stored["id"].iloc[0], actor=COORDINATOR)) == []
        assert ws.photos(actor=Actor(None, "public")).empty
