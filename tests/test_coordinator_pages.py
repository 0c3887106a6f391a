"""The coordinator pages in the app (streamlit AppTest, real Delft workspace): Werksessie and Delen,
who may open them, and the first coordinator of a hosted workspace through the setup code."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from test_app import APP, MAP_PAGE, REPO
from test_app_access import page_text, run

from assetmap import _ui_coordinator, i18n
from assetmap.errors import PermissionDenied
from assetmap.service import Actor, open_workspace

SESSION_PAGE = str(REPO / "pages" / "7_Werksessie.py")
SHARE_PAGE = str(REPO / "pages" / "8_Delen.py")
ACCESS_DENIED = i18n.t("access_denied", "nl")


@pytest.fixture(autouse=True)
def local_server(monkeypatch):
    """A server on localhost (a coordinator) unless a test sets ``ASSETMAP_ACCESS``."""
    from streamlit import config

    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    monkeypatch.delenv("ASSETMAP_PUBLIC_URL", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


@pytest.fixture
def workspace(delft_copy, monkeypatch):
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    return delft_copy


def submit(at: AppTest, form_key: str) -> AppTest:
    """Press the submit button of a form and run the page again; no exception allowed."""
    button = next(b for b in at.button if b.form_id == form_key)
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_coordinator_issues_codes_and_downloads_cards(workspace):
    at = run(SESSION_PAGE)
    at.number_input(key="codes_count").set_value(3)
    at.text_input(key="codes_url").input("https://kaart.delft.example/")
    submit(at, "table_codes_form")
    issued = at.session_state["_table_cards"]
    assert len(issued["codes"]) == 3 and at.get("download_button")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(issued["pdf"])).pages)
    assert all(code in text for code in issued["codes"]) and "https://kaart.delft.example/" in text
    with open_workspace(workspace) as ws:  # a printed code lets a table in
        assert ws.redeem_table_code(issued["codes"][0], "tafel 2").role == "workshop"


def test_a_coordinator_issues_a_code_for_a_table_that_comes_back(workspace):
    at = run(SESSION_PAGE)
    at.number_input(key="codes_count").set_value(1)
    at.text_input(key="codes_table").input("tafel 1")  # a table that comes back to its entries
    submit(at, "table_codes_form")
    code = at.session_state["_table_cards"]["codes"][0]
    with open_workspace(workspace) as ws:
        with pytest.raises(PermissionDenied):
            ws.redeem_table_code(code, "tafel 9")  # the code is that table's only
        assert ws.redeem_table_code(code, "Tafel 1").pseudonym == "tafel 1"
    at.text_input(key="codes_table").input("OpenStreetMap")
    submit(at, "table_codes_form")
    assert at.error and "OpenStreetMap" in at.error[0].value


def test_a_coordinator_adds_and_removes_an_account(workspace):
    at = run(SESSION_PAGE)
    at.text_input(key="account_name").input("Fatima")
    at.text_input(key="account_password").input("kort")
    submit(at, "account_add_form")
    with open_workspace(workspace) as ws:
        assert ws.accounts().empty  # a short password: refused, with the reason on the page
    assert i18n.t("password_too_short", "nl", min=10) in page_text(at)
    assert at.text_input(key="account_name").value == "Fatima"  # what was typed stays, to fix the password only
    at.text_input(key="account_name").input("Fatima")
    at.text_input(key="account_password").input("een lang wachtwoord")
    at.radio(key="account_role").set_value("coordinator")
    submit(at, "account_add_form")
    with open_workspace(workspace) as ws:
        assert ws.sign_in("Fatima", "een lang wachtwoord") == Actor("Fatima", "coordinator")
    at.run()
    assert "Fatima" in page_text(at)
    at.selectbox(key="account_remove_name").set_value("Fatima").run()
    at.button(key="account_remove").click().run()
    with open_workspace(workspace) as ws:
        assert ws.accounts().empty


def test_a_renamed_label_shows_on_the_map_page(workspace):
    at = run(SESSION_PAGE)
    at.text_input(key="label_individual").input("Talenten van de buurt")
    submit(at, "labels_form")
    with open_workspace(workspace) as ws:
        assert ws.labels() == {"individual": "Talenten van de buurt"}
    assert "Talenten van de buurt" in page_text(run(MAP_PAGE))


def test_an_added_activity_shows_in_this_week(workspace):
    with open_workspace(workspace) as ws:
        public = ws.assets(actor=Actor(None, "public"))
        place = public[(public["building_block"] == "resource").to_numpy()].iloc[0]
    at = run(SESSION_PAGE)
    at.selectbox(key="activity_place").set_value(place["id"])
    at.text_input(key="activity_name").input("Taalcafé op woensdag")
    at.text_input(key="activity_weekly").input("elke woensdag")
    at.checkbox(key="activity_walk_in").check()
    submit(at, "activity_form")
    assert "elke woensdag" in at.error[0].value  # refused with the reason; the form keeps what was typed
    assert at.text_input(key="activity_name").value == "Taalcafé op woensdag"
    at.text_input(key="activity_weekly").input("Mo-Su 18:00-20:00")  # every day: always in this week
    submit(at, "activity_form")
    assert at.text_input(key="activity_name").value == ""  # saved: the form is empty for the next one
    with open_workspace(workspace) as ws:
        added = ws.activities(place["id"])
    assert list(added["name"]) == ["Taalcafé op woensdag"] and bool(added["walk_in"].iloc[0])
    week = next(d.value for d in run(MAP_PAGE).dataframe if "Taalcafé op woensdag" in d.value.to_csv())
    assert len(week) == 7 and set(week[i18n.t("this_week_place", "nl")]) == {place["name"]}


def test_a_coordinator_downloads_the_site_and_the_poster(workspace):
    at = run(SHARE_PAGE)
    at.button(key="share_site").click().run()
    assert not at.exception, [e.value for e in at.exception]
    name, data = at.session_state["_share_ready"]["site"]
    files = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert name.endswith(".zip") and "index.html" in files
    with open_workspace(workspace) as ws:
        wijk = ws.boundaries().query("level == 'wijk'")["code"].iloc[0]
    at.selectbox(key="share_area").set_value(wijk)
    at.radio(key="share_size").set_value("A3").run()
    at.button(key="share_poster").click().run()
    assert not at.exception, [e.value for e in at.exception]
    name, pdf = at.session_state["_share_ready"]["poster"]
    assert name == f"poster-{wijk}-A3.pdf" and pdf.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    assert len(at.get("download_button")) == 2


@pytest.mark.parametrize("access", ["workshop", "public"])
@pytest.mark.parametrize("page", [SESSION_PAGE, SHARE_PAGE])
def test_a_table_or_a_resident_cannot_open_the_coordinator_pages(workspace, monkeypatch, access, page):
    monkeypatch.setenv("ASSETMAP_ACCESS", access)
    at = run(page, pseudonym="tafel 1")
    assert ACCESS_DENIED in page_text(at)
    assert not at.get("download_button") and not at.main.button and "codes_count" not in page_text(at)


def test_the_first_coordinator_of_a_hosted_workspace(workspace, monkeypatch, capfd):
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    _ui_coordinator._SETUP_PRINTED.clear()
    at = run(APP)
    code = capfd.readouterr().err.split("setup code: ")[1].split()[0]
    assert code not in page_text(at)  # in the server's log only, never on a page
    assert i18n.t("setup_title", "nl") in page_text(at)
    at.text_input(key="setup_code").input("AAAA-BBBB-CCCC")
    at.text_input(key="setup_name").input("Coördinator")
    at.text_input(key="setup_password").input("een lang wachtwoord")
    submit(at, "setup_form")
    with open_workspace(workspace) as ws:
        assert ws.needs_first_coordinator()  # a wrong code: nothing happens
    at.text_input(key="setup_code").input(code)
    at.text_input(key="setup_name").input("Coördinator")
    at.text_input(key="setup_password").input("een lang wachtwoord")
    submit(at, "setup_form")
    assert at.session_state["_signed_in"] == Actor("Coördinator", "coordinator")
    assert i18n.t("setup_title", "nl") not in page_text(at)
    with open_workspace(workspace) as ws:
        assert not ws.needs_first_coordinator()
        with pytest.raises(PermissionDenied):  # the code is used up
            ws.redeem_setup_code(code, "Tweede", "een lang wachtwoord")
    again = run(APP)  # another visitor: no form, and no new code printed
    assert i18n.t("setup_title", "nl") not in page_text(again)
    assert "setup code" not in capfd.readouterr().err


@pytest.mark.parametrize("page", [SESSION_PAGE, SHARE_PAGE])
def test_the_coordinator_pages_speak_english_and_cope_with_an_empty_workspace(workspace, tmp_path, monkeypatch,
                                                                              page):
    at = AppTest.from_file(page, default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    key = "page_session" if page == SESSION_PAGE else "page_share"
    assert at.title[0].value == i18n.t(key, "en") != i18n.t(key, "nl")
    empty = tmp_path / "leeg.gpkg"
    from assetmap.service import create_workspace
    create_workspace(empty).close()
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(empty))
    at = run(page)  # no places, no areas: the forms are there, nothing breaks
    assert at.title[0].value == i18n.t(key, "nl")


def test_a_coordinator_keeps_the_map_current_on_the_keeping_tab(workspace):
    """Bijhouden: mark stale entries "klopt nog", issue an update link, and decide an owner's change."""
    import sqlite3
    from datetime import datetime, timedelta, timezone

    from assetmap.storage._gpkg import register_functions

    old = (datetime.now(timezone.utc) - timedelta(days=500)).date().isoformat()
    with sqlite3.connect(workspace) as conn:  # a workspace nobody looked after for 500 days
        register_functions(conn)
        conn.execute("UPDATE assets SET created_at = ?, updated_at = ?, last_checked = NULL", (f"{old}T09:00:00Z",) * 2)
    with open_workspace(workspace) as ws:
        stale_before = len(ws.stale_entries())
        place = ws.assets().query("building_block == 'institution'")["id"].iloc[0]
    at = run(SESSION_PAGE)
    assert i18n.t("keeping_stale_title", "nl") in page_text(at)
    at.multiselect(key="keeping_checked_ids").set_value([place])
    submit(at, "keeping_checked_form")
    with open_workspace(workspace) as ws:
        assert len(ws.stale_entries()) == stale_before - 1 and place not in set(ws.stale_entries()["id"])
    at.selectbox(key="keeping_link_entry").set_value(place)
    at.number_input(key="keeping_link_days").set_value(30)
    submit(at, "keeping_link_form")
    code = at.session_state["_update_link"]["code"]
    with open_workspace(workspace) as ws:
        owner = ws.redeem_update_link(code)
        assert owner.entry == place
        assert ws.owner_change("entry", {"description": "Open op zondag"}, actor=owner) == "waiting"
    at.run()
    approve = next(b for b in at.button if b.key and b.key.startswith("owner_change_ok_"))
    approve.click().run()
    assert not at.exception
    with open_workspace(workspace) as ws:
        assert ws.asset(place)["description"] == "Open op zondag" and ws.owner_changes().empty


def test_an_owner_keeps_their_entry_with_the_link_and_nothing_else(workspace):
    """Bijwerken: the code from the link opens one entry; a change waits for the coordinator, "klopt nog"
    counts at once, and a revoked code opens nothing."""
    owner_page = str(REPO / "pages" / "9_Bijwerken.py")
    with open_workspace(workspace) as ws:
        place = ws.assets().query("building_block == 'institution'")["id"].iloc[0]
        other = ws.assets().query("building_block == 'institution'")["id"].iloc[1]
        other_before = ws.asset(other)
        code, link_id = ws.issue_update_link(place, days=30)
    at = run(owner_page)
    at.text_input(key="owner_code_input").input(code.lower())
    submit(at, "owner_code_form")
    assert i18n.t("owner_still_right", "nl") in page_text(at)
    at.text_input(key="owner_opening_hours").input("ma-vr 9-17")
    submit(at, "owner_entry_form")
    at.text_input(key="owner_activity_name").input("Koffieochtend")
    at.text_input(key="owner_activity_when").input("We 10:00-12:00")
    submit(at, "owner_activity_form")
    at.button(key="owner_confirm").click().run()
    assert not at.exception
    with open_workspace(workspace) as ws:
        waiting = ws.owner_changes()
        assert waiting["kind"].tolist() == ["entry", "activity add"] and set(waiting["asset_id"]) == {place}
        assert waiting["payload"].iloc[0] == {"opening_hours": "Mo-Fr 09:00-17:00"}
        assert ws.asset(place)["last_checked"] == ws.today().isoformat()  # "klopt nog": at once
        assert ws.asset(other) == other_before
        ws.revoke_update_link(link_id)
    at.run()
    assert not at.exception and i18n.t("owner_still_right", "nl") not in page_text(at)
    assert i18n.t("update_link_invalid", "nl") in page_text(at)


def test_a_coordinator_prints_the_agenda_of_an_area(workspace, monkeypatch):
    monkeypatch.setenv("ASSETMAP_PUBLIC_URL", "https://kaart.delft.example/")
    with open_workspace(workspace) as ws:
        place = ws.assets().query("building_block == 'institution'")["id"].iloc[0]
        ws.add_activity({"asset_id": place, "name": "Taalcafé", "recurring_time": "We 18:00-20:00"})
        wijk = ws.asset(place)["wijk_code"]
    at = run(SHARE_PAGE)
    at.selectbox(key="share_area").set_value(wijk).run()
    at.number_input(key="share_agenda_weeks").set_value(2).run()
    at.button(key="share_agenda").click().run()
    assert not at.exception, [e.value for e in at.exception]
    name, pdf = at.session_state["_share_ready"]["agenda"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert name == f"agenda-{wijk}.pdf" and "Deze maand in de buurt" in text and text.count("Taalcafé") == 2
