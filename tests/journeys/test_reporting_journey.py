"""Residents report an entry on their phones; a coordinator decides (Chromium, real servers; issue #28).

Three residents on a hosted public map (``ASSETMAP_ACCESS=public``), each in a browser of their
own, report the same entry with *Iets melden*: after the third it is gone from the map. The
coordinator, on localhost, finds it under *Gemeld door bezoekers* on the Data page with the
residents' reasons, chooses it and keeps it public: it is back on the map. The workspace holds no
trace of who reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from shapely.geometry import Point

from assetmap import i18n
from assetmap.service import Actor, open_workspace

import browsing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 120_000
NAME = "Gratis fietsen ophalen"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def t(key: str, **values) -> str:
    return i18n.t(key, "nl", **values)


@pytest.fixture(scope="module")
def workspace(delft_workspace_file, tmp_path_factory) -> Path:
    browsing.require_chromium()
    path = tmp_path_factory.mktemp("reporting") / "delft.gpkg"
    path.write_bytes(Path(delft_workspace_file).read_bytes())
    with open_workspace(path) as ws:
        ws.add_entry({"name": NAME, "building_block": "resource", "visibility": "public", "consent": True},
                     Point(4.3733, 52.0023), Actor("coördinator", "coordinator"))
    return path


def _idle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


def _on_map(browser, url: str) -> bool:
    page = browser.new_context(**PHONE).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url + "/Kaart", wait_until="domcontentloaded")
    page.wait_for_selector("h1")
    _idle(page)
    shown = page.locator(".assetmap-list").first.inner_text()
    page.context.close()
    return NAME in shown


def _report(browser, url: str, reason: str) -> None:
    page = browser.new_context(**PHONE).new_page()  # a resident of their own: a new session
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url + "/Kaart", wait_until="domcontentloaded")
    page.wait_for_selector("h1")
    _idle(page)
    page.get_by_text(t("flag_title"), exact=True).click()
    box = page.get_by_role("combobox", name=t("flag_pick"), exact=True)
    option = page.get_by_role("option").filter(has_text=NAME).first
    for _ in range(5):  # a rerun that redraws the box while one types empties its list: type again
        box.click()
        box.fill(NAME)
        try:
            option.wait_for(timeout=15_000)  # the list has filtered to it
            break
        except PlaywrightTimeout:
            box.fill("")
            _idle(page)
    box.press("Enter")
    send = page.get_by_role("button", name=t("flag_button"), exact=True)
    # The choice reaches the server with the rerun it starts: the button is on once that run is drawn
    # (a fixed pause raced it on a busy machine).
    expect(send).to_be_enabled(timeout=TIMEOUT_MS)
    _idle(page)
    page.get_by_role("textbox", name=t("flag_reason"), exact=True).fill(reason)
    page.get_by_role("textbox", name=t("flag_reason"), exact=True).press("Enter")
    _idle(page)
    expect(send).to_be_enabled(timeout=TIMEOUT_MS)
    send.click()
    page.get_by_text(t("flag_done")).first.wait_for()
    _idle(page)
    assert page.get_by_role("button", name=t("flag_button"), exact=True).is_disabled()  # once per session
    page.context.close()


def test_three_residents_report_an_entry_and_the_coordinator_keeps_it(workspace):
    with browsing.chromium() as browser:
        with browsing.streamlit_server(workspace, access="public") as public_url:
            assert _on_map(browser, public_url)
            _report(browser, public_url, "reclame")
            _report(browser, public_url, "lijkt oplichting")
            assert _on_map(browser, public_url)  # two reports: still there
            _report(browser, public_url, "reclame")
            assert not _on_map(browser, public_url)
        with browsing.streamlit_server(workspace) as local_url:  # the coordinator's laptop
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(local_url + "/Data", wait_until="domcontentloaded")
            page.wait_for_selector("h1")
            _idle(page)
            page.get_by_text(t("reported_title"), exact=True).wait_for()
            page.get_by_text(t("moderation_select_all"), exact=True).last.click()
            _idle(page)
            page.get_by_role("button", name=t("reported_keep"), exact=True).click()
            page.get_by_text(t("reported_kept", count=1)).first.wait_for()
            page.context.close()
        with browsing.streamlit_server(workspace, access="public") as public_url:
            assert _on_map(browser, public_url)
    raw = workspace.read_bytes()
    assert b"reclame" in raw  # the reasons are kept for the coordinator ...
    with open_workspace(workspace) as ws:
        assert ws.reported().empty
