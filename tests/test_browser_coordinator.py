"""A hosted app's first hour in real Chromium: the server prints a setup code to its log, whoever runs
the server makes the first coordinator with it on the start page, and that coordinator downloads
printable table cards from the Werksessie page; a table then joins with a code from the cards.

Debian's ``/usr/bin/chromium`` through Playwright (see ``tests/browsing.py``); the server runs with
``ASSETMAP_ACCESS=public``, as the Docker image does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from assetmap import i18n
from assetmap.service import Actor, open_workspace

from browsing import chromium, require_chromium, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TIMEOUT_MS = 120_000
URL = "https://kaart.delft.example/"


def _idle(page) -> None:
    """Wait until Streamlit has finished running the script (its status widget disappears)."""
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


def _setup_code(log: Path) -> str:
    """The code the server printed to its log (waits for it: the first visit makes it)."""
    found = re.search(r"setup code: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", log.read_text(errors="replace"))
    assert found, "the server printed no setup code"
    return found.group(1)


def test_first_coordinator_then_table_cards_in_the_browser(delft_copy, tmp_path):
    require_chromium()
    with streamlit_server(delft_copy, access="public", env={"ASSETMAP_PUBLIC_URL": URL}) as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text(i18n.t("setup_title", "nl")).first.wait_for()
        _idle(page)
        code = _setup_code(delft_copy.with_suffix(".public.log"))
        assert code not in page.locator("body").inner_text()  # in the server's log only
        main = page.locator('[data-testid="stMain"]')
        main.get_by_role("textbox", name=i18n.t("setup_code", "nl")).fill(code)
        main.get_by_role("textbox", name=i18n.t("sign_in_name", "nl")).fill("Coördinator")
        main.get_by_role("textbox", name=i18n.t("sign_in_password", "nl")).fill("een lang wachtwoord")
        main.get_by_role("button", name=i18n.t("setup_button", "nl")).click()
        page.get_by_text(i18n.t("signed_in_as", "nl", name="Coördinator", role=i18n.t("role_coordinator", "nl")))\
            .first.wait_for()
        _idle(page)
        # Signed in for this tab's session: the menu now offers the coordinator pages.
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name=i18n.t("page_session", "nl")).click()
        page.get_by_role("heading", name=i18n.t("page_session", "nl")).wait_for()
        _idle(page)
        main = page.locator('[data-testid="stMain"]')
        count = main.get_by_role("spinbutton", name=i18n.t("codes_count", "nl"))
        count.fill("2")
        assert main.get_by_role("textbox", name=i18n.t("codes_url", "nl")).input_value() == URL  # from ASSETMAP_PUBLIC_URL
        main.get_by_role("button", name=i18n.t("codes_button", "nl")).click()
        button = main.get_by_role("button", name=i18n.t("codes_cards_download", "nl"))
        button.wait_for()
        _idle(page)
        with page.expect_download() as download:
            button.click()
        cards = tmp_path / "kaartjes.pdf"
        download.value.save_as(cards)
        text = "".join(p.extract_text() for p in PdfReader(cards).pages)
        codes = re.findall(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", text)
        assert len(codes) == 2 and URL in text
        shown = main.locator("code").inner_text()
        assert set(codes) == set(shown.split())
    with open_workspace(delft_copy) as ws:
        assert ws.accounts()["name"].tolist() == ["Coördinator"]
        assert ws.redeem_table_code(codes[1], "tafel 4") == Actor("tafel 4", "workshop")
        assert not ws.needs_first_coordinator()
