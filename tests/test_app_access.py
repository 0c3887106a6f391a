"""Roles and access in the app (streamlit AppTest): who the visitor is, what each role sees, what is refused.

``ASSETMAP_ACCESS`` sets the role of an anonymous visitor; unset, a server on localhost gives a
coordinator and any other a resident (``public``). Every page is run once per role on a Delft copy
with private, group and public entries, people with contact details among them, and the text of
everything the page draws is searched. Hiding a control is presentation only, so the tests also
drive the writes a role may not make and check that the service refuses them.

Signing in, table codes and moderation come from the service (``Workspace.sign_in``,
``redeem_table_code``, ``moderation``, ``pending``, ``approve``, ``reject``) and are tested here
through the pages against a real workspace.
"""

from __future__ import annotations

import types

import pandas as pd
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest
from test_app import APP, DATA_PAGE, GAPS_PAGE, MAP_PAGE, WORKSHOP_PAGE, add_assets

from assetmap import i18n, ui
from assetmap.errors import PermissionDenied, render_error
from assetmap.service import Actor, open_workspace

PAGES = (APP, MAP_PAGE, WORKSHOP_PAGE, GAPS_PAGE, DATA_PAGE)
ME = "tafel 1"  # the workshop participant of these tests
OTHER = "tafel 9"  # another table
PRIVATE_OTHER = "Geheime moestuin van negen"
GROUP_OTHER = "Groepsklub Noord"
PERSON_GROUP = "Kookt voor de buren"
PERSON_PUBLIC = "Zingt in het koor"
OWN_PRIVATE = "Mijn eigen plekje"
CONTACTS = ("06-12345678", "zanger@example.org", "06-55501234")
ACCESS_DENIED = i18n.t("access_denied", "nl")


# ---------------------------------------------------------------------- fixtures and helpers
@pytest.fixture(autouse=True)
def server_address(monkeypatch):
    """Streamlit's ``server.address`` as a test sets it (default: localhost), restored afterwards."""
    from streamlit import config

    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield config
    config.set_option("server.address", before)


@pytest.fixture
def mixed(delft_copy, monkeypatch):
    """A Delft copy with private, group and public entries of two tables, people with contact details among them."""
    add_assets(delft_copy, [
        {"name": PRIVATE_OTHER, "building_block": "resource", "visibility": "private", "lon": 4.3725, "lat": 52.0015},
        {"name": GROUP_OTHER, "building_block": "association", "visibility": "group", "contact": CONTACTS[2],
         "lon": 4.3735, "lat": 52.0020},
        {"name": PERSON_GROUP, "building_block": "individual", "contact": CONTACTS[0], "lon": 4.3726, "lat": 52.0016},
        {"name": PERSON_PUBLIC, "building_block": "individual", "visibility": "public", "consent": True,
         "contact": CONTACTS[1], "lon": 4.3727, "lat": 52.0017},
    ], actor=OTHER)
    add_assets(delft_copy, [{"name": OWN_PRIVATE, "building_block": "resource", "visibility": "private",
                             "lon": 4.3745, "lat": 52.0025}], actor=ME)
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    return delft_copy


def run(script: str, *, pseudonym: str | None = None, timeout: float = 180) -> AppTest:
    """Run a page once (with a pseudonym typed in the sidebar beforehand); no exception allowed."""
    at = AppTest.from_file(script, default_timeout=timeout)
    if pseudonym:
        at.session_state["pseudonym"] = pseudonym
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """Everything the page drew, as text: every element's message (labels, values, options, help,
    the map component's arguments) and every table's cells."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        value = getattr(node, "value", None) if type(node).__name__ == "Dataframe" else None
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def keys(at: AppTest) -> set[str]:
    """The keys of every widget on the page (main area and sidebar)."""
    found: set[str] = set()

    def walk(node) -> None:
        key = getattr(node, "key", None)
        if isinstance(key, str):
            found.add(key)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def count_assets(path) -> int:
    with open_workspace(path) as ws:
        return len(ws.assets())


# ---------------------------------------------------------------------- who the visitor is
@pytest.mark.parametrize(("access", "address", "role", "hosted"), [
    (None, "127.0.0.1", "coordinator", False),
    (None, "localhost", "coordinator", False),
    (None, "::1", "coordinator", False),
    (None, "[::1]", "coordinator", False),
    (None, None, "public", True),  # unset address: every interface, reachable from outside
    (None, "", "public", True),
    (None, "0.0.0.0", "public", True),
    (None, "192.168.1.20", "public", True),
    ("public", "127.0.0.1", "public", True),
    ("workshop", "127.0.0.1", "workshop", True),
    ("coordinator", None, "coordinator", True),
    (" Workshop ", None, "workshop", True),
    ("admin", "127.0.0.1", "public", True),  # an unknown value is the safe one
])
def test_anonymous_role_and_hosted_mode_follow_access_and_server_address(
        server_address, monkeypatch, access, address, role, hosted):
    if access is None:
        monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    else:
        monkeypatch.setenv("ASSETMAP_ACCESS", access)
    server_address.set_option("server.address", address)
    assert ui.anonymous_role() == role
    assert ui.hosted() is hosted
    coordinator = Actor(None, "coordinator")
    assert ui.local_files_allowed(coordinator) is (not hosted)
    assert ui.local_files_allowed(Actor("x", "workshop")) is False


def test_a_request_through_a_reverse_proxy_is_not_local(monkeypatch):
    """A proxy on the same machine connects from localhost: its forwarding headers give it away."""
    import streamlit as st

    monkeypatch.setattr(st, "context", types.SimpleNamespace(headers={"X-Forwarded-For": "203.0.113.7"}))
    assert ui.listens_locally() is False
    assert ui.anonymous_role() == "public" and ui.hosted()


def test_roles_are_ordered():
    assert ui.has_role(Actor(None, "coordinator"), "workshop")
    assert ui.has_role(Actor("a", "workshop"), "workshop") and ui.has_role(Actor("a", "workshop"), "public")
    assert not ui.has_role(Actor(None, "public"), "workshop")
    assert ui.PAGE_ROLES == {"home": "public", "map": "public", "workshop": "workshop", "gaps": "public",
                             "data": "workshop", "statement": "public", "page_session": "coordinator",
                             "page_share": "coordinator", "page_connections": "public"}


# ---------------------------------------------------------------------- every page, once per role
def test_public_sees_the_map_and_the_coverage_summary_and_nothing_else(mixed, monkeypatch):
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    texts = {}
    for script in PAGES:
        at = run(script, pseudonym=ME)  # a typed pseudonym gives no rights
        text = texts[script] = page_text(at)
        for secret in (PRIVATE_OTHER, GROUP_OTHER, PERSON_GROUP, OWN_PRIVATE, OTHER, ME, *CONTACTS):
            assert secret not in text, (script, secret)
        assert str(mixed.parent) not in text and mixed.name not in text, script  # no server path or file name
        assert not at.get("download_button") and not at.get("file_uploader"), script
        present = keys(at)
        for control in ("workspace_input", "workspace_open", "workspace_create", "fetch_osm", "import_files",
                        "osm_path", "boundaries_path", "workshop_path", "import_do", "import_check",
                        "export_prepare", "export_public", "undo", "new_name", "moderation_approve",
                        "_pseudonym_widget"):
            assert control not in present, (script, control)
        if script in (WORKSHOP_PAGE, DATA_PAGE):
            assert [w.value for w in at.warning] == [ACCESS_DENIED], script
            assert not at.title, script  # stopped before the page itself
        else:
            assert ACCESS_DENIED not in text, script
    # The map shows the public view: the public person is there, at the buurt anchor, without contact.
    assert PERSON_PUBLIC in texts[MAP_PAGE]
    # The coverage: the per-wijk table and the groups per wijk (aggregates only); suggested sites and the
    # what-if are there for whoever may see coverage (a ward manager needs no workshop role).
    at = run(GAPS_PAGE)
    assert i18n.t("col_uncovered", "nl") in at.dataframe[0].value.columns
    assert len(at.dataframe) == 2 and i18n.t("group_everyone", "nl") in at.dataframe[1].value.columns
    assert {"gap_remove", "gap_show_sites"} <= keys(at)
    # The start page counts only what the public may see and lists the public pages.
    at = run(APP)
    with open_workspace(mixed) as ws:
        public_count = len(ws.assets(actor=Actor(None, "public")))
    assert at.metric[0].value == str(public_count) and public_count < count_assets(mixed)
    assert i18n.t("home_pages_public", "nl") in page_text(at)
    assert i18n.t("source_reference", "nl") not in at.dataframe[-1].value.columns


def test_workshop_sees_group_entries_and_its_own_but_never_another_tables_private_ones(mixed, monkeypatch):
    monkeypatch.setenv("ASSETMAP_ACCESS", "workshop")
    for script in PAGES:
        at = run(script, pseudonym=ME)
        text = page_text(at)
        for secret in (PRIVATE_OTHER, *CONTACTS):
            assert secret not in text, (script, secret)
        assert str(mixed.parent) not in text and mixed.name not in text, script
        assert ACCESS_DENIED not in text, script
        present = keys(at)
        for control in ("workspace_input", "workspace_create", "fetch_osm", "import_files", "osm_path",
                        "boundaries_path", "workshop_path", "import_do", "import_check", "export_public",
                        "moderation_approve"):
            assert control not in present, (script, control)
        if script == WORKSHOP_PAGE:
            assert GROUP_OTHER in text and PERSON_GROUP in text and OWN_PRIVATE in text
            assert "undo" in present and "new_name" in present
            own = set(at.dataframe[0].value[i18n.t("name", "nl")])
            assert own == {OWN_PRIVATE}
        if script == DATA_PAGE:
            assert "export_prepare" in present and i18n.t("export_full", "nl") not in text
            assert i18n.t("export_public_only", "nl") in text
            assert not at.get("file_uploader")
        if script == GAPS_PAGE:
            assert {"gap_remove", "gap_show_sites"} <= present
    # The export a workshop participant can make is the public one.
    at = run(DATA_PAGE, pseudonym=ME)
    at.radio(key="export_format").set_value(".csv").run()
    at.button(key="export_prepare").click().run()
    assert not at.exception
    name, payload, _rows = at.session_state["export"]
    assert name == "assetmap-public.csv"  # the workspace's file name is not shown when hosted
    exported = payload.decode("utf-8")
    assert PERSON_PUBLIC in exported and GROUP_OTHER not in exported and OWN_PRIVATE not in exported
    assert not any(c in exported for c in CONTACTS)


def test_coordinator_when_hosted_has_todays_rights_but_uploads_only(mixed, monkeypatch):
    monkeypatch.setenv("ASSETMAP_ACCESS", "coordinator")
    for script in PAGES:
        at = run(script, pseudonym=ME)
        text = page_text(at)
        assert ACCESS_DENIED not in text, script
        assert str(mixed.parent) not in text and mixed.name not in text, script  # hosted: no server path
        assert not any(c in text for c in CONTACTS), script
        present = keys(at)
        for control in ("workspace_input", "workspace_open", "osm_path", "boundaries_path", "workshop_path"):
            assert control not in present, (script, control)
        if script == APP:
            assert {"fetch_osm", "fetch_boundaries", "import_files", "osm_upload", "boundaries_upload"} <= present
            assert i18n.t("source_rows", "nl") in at.dataframe[-1].value.columns
        if script == DATA_PAGE:
            assert {"workshop_upload", "import_check", "import_do", "export_public", "export_prepare"} <= present
        if script == WORKSHOP_PAGE:
            assert {"new_name", "undo"} <= present
    at = run(DATA_PAGE)
    at.radio(key="export_public").set_value(False).run()
    at.radio(key="export_format").set_value(".csv").run()
    at.button(key="export_prepare").click().run()
    name, payload, _ = at.session_state["export"]
    assert name == "assetmap.csv" and PRIVATE_OTHER in payload.decode("utf-8")  # the full export is theirs
    assert at.get("download_button")


def test_coordinator_on_localhost_may_type_paths_and_sees_the_file_name(mixed):
    at = run(APP)
    assert {"workspace_input", "osm_path", "boundaries_path"} <= keys(at)
    assert any(mixed.name in c.value for c in at.sidebar.caption)
    assert {"workshop_path"} <= keys(run(DATA_PAGE))


def test_hosted_mode_ignores_a_workspace_path_in_the_session(mixed, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSETMAP_ACCESS", "coordinator")
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["workspace_path"] = str(tmp_path / "elders.gpkg")
    at.run()
    assert not at.exception
    assert at.metric[0].value == str(count_assets(mixed))  # still the configured workspace


def test_hosted_app_without_workspace_names_no_path(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(tmp_path / "nog-niet.gpkg"))
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    at = run(MAP_PAGE)
    assert [i.value for i in at.info] == [i18n.t("workspace_missing_hosted", "nl")]
    monkeypatch.setenv("ASSETMAP_ACCESS", "coordinator")
    at = run(APP)
    assert "nog-niet" not in page_text(at)
    at.button(key="workspace_create").click().run()
    assert not at.exception and (tmp_path / "nog-niet.gpkg").is_file()
    assert "nog-niet" not in page_text(at)


# ---------------------------------------------------------------------- refused, even when driven
def test_public_cannot_save_even_when_the_form_is_driven(mixed, monkeypatch):
    """The workshop page's gate taken away: the form is there, and the service still refuses the save."""
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    monkeypatch.setattr(ui, "require_role", lambda role, lang: ui.session_actor())
    before = count_assets(mixed)
    at = run(WORKSHOP_PAGE, pseudonym="indringer")
    at.number_input(key="new_lat").set_value(52.0015)
    at.number_input(key="new_lon").set_value(4.3725)
    at.text_input(key="new_name").input("Mag niet")
    next(b for b in at.button if b.label == i18n.t("save", "nl")).click().run()
    assert not at.exception
    assert at.error and i18n.t("permission_public_read_only", "nl") in at.error[0].value
    at.button(key="undo").click().run()
    assert not at.exception
    assert count_assets(mixed) == before
    # And what the page read was the public view: no group or private entry reached it.
    text = page_text(at)
    assert GROUP_OTHER not in text and PRIVATE_OTHER not in text and PERSON_GROUP not in text


def _driven_writes() -> None:
    """An AppTest script: every write and read a role might try, through the session's workspace."""
    import os
    from pathlib import Path

    import streamlit as st
    from shapely.geometry import Point

    from assetmap import export, imports, ui
    from assetmap.errors import AssetmapError

    outcome = {}
    actor = ui.session_actor()
    tries = {
        "add_entry": lambda ws: ws.add_entry({"name": "Gedreven", "building_block": "resource"},
                                             Point(4.3725, 52.0015), actor),
        "add_entry_as_pseudonym": lambda ws: ws.add_entry({"name": "Gedreven 2", "building_block": "resource"},
                                                          Point(4.3725, 52.0015), "iemand"),
        "import": lambda ws: imports.import_workshop(ws, os.environ["DRIVEN_CSV"], actor=actor.pseudonym),
        "boundaries": lambda ws: ws.replace_boundaries(ws.boundaries(), actor=actor),
        "history": lambda ws: ws.history(actor=actor),
        "full_export": lambda ws: export.export_assets(ws, Path(os.environ["DRIVEN_OUT"]), public=False),
    }
    for name, attempt in tries.items():
        try:
            with ui.workspace() as ws:
                attempt(ws)
        except AssetmapError as exc:
            outcome[name] = exc.problems[0].code if getattr(exc, "problems", None) else type(exc).__name__
        else:
            outcome[name] = "ok"
    st.session_state["outcome"] = outcome


@pytest.mark.parametrize("role", ["public", "workshop", "coordinator"])
def test_the_service_refuses_what_the_session_role_may_not_do(mixed, monkeypatch, tmp_path, role):
    csv = tmp_path / "tafel.csv"
    csv.write_text("naam,bouwsteen,lat,lon\nGedreven import,instelling,52.0015,4.3725\n", encoding="utf-8")
    out = tmp_path / "volledig.csv"
    monkeypatch.setenv("DRIVEN_CSV", str(csv))
    monkeypatch.setenv("DRIVEN_OUT", str(out))
    monkeypatch.setenv("ASSETMAP_ACCESS", role)
    at = AppTest.from_function(_driven_writes, default_timeout=120)
    at.session_state["pseudonym"] = ME
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    outcome = at.session_state["outcome"]
    if role == "public":
        assert {k: v for k, v in outcome.items() if k != "full_export"} == {
            "add_entry": "permission_public_read_only", "add_entry_as_pseudonym": "permission_public_read_only",
            "import": "permission_public_read_only", "boundaries": "permission_coordinator_only",
            "history": "permission_coordinator_only"}
    elif role == "workshop":
        assert outcome["add_entry"] == "ok"
        for write in ("import", "boundaries", "history"):
            assert outcome[write] == "permission_coordinator_only", write
    else:
        assert set(outcome.values()) == {"ok"}, outcome
    if role != "coordinator" and out.exists():
        # Whatever a "full" export gives a lesser role, it is that role's own view.
        exported = out.read_text(encoding="utf-8")
        assert PRIVATE_OTHER not in exported and not any(c in exported for c in CONTACTS)
        if role == "public":
            assert GROUP_OTHER not in exported and PERSON_GROUP not in exported


# ---------------------------------------------------------------------- sign-in, against the real service
PASSWORD = "geheim-wachtwoord"


@pytest.fixture
def accounts(mixed):
    """A coordinator account "anna" and a table code for table ME (who comes back to their entries),
    made by the service in the workspace."""
    with open_workspace(mixed) as ws:
        ws.create_account("anna", PASSWORD, "coordinator")
        code = ws.issue_table_code(hours=2, table=ME)
    return code


def _submit(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.sidebar.button if b.label == label).click().run()


def test_sign_in_with_an_account_raises_the_session_to_its_role(mixed, monkeypatch, accounts):
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    at = run(DATA_PAGE)
    assert [w.value for w in at.warning] == [ACCESS_DENIED]
    at.sidebar.text_input(key="sign_in_name").input("anna")
    at.sidebar.text_input(key="sign_in_password").input("bijna-goed-wachtwoord")
    _submit(at, i18n.t("sign_in_button", "nl"))
    assert not at.exception
    wrong = render_error(PermissionDenied("sign_in_failed", "fix_sign_in"), "nl")  # the service's text, in Dutch
    assert [e.value for e in at.error] == [i18n.t("sign_in_not_done", "nl", error=wrong)]
    assert [w.value for w in at.warning] == [ACCESS_DENIED]
    at.sidebar.text_input(key="sign_in_name").input("anna")
    at.sidebar.text_input(key="sign_in_password").input(PASSWORD)
    _submit(at, i18n.t("sign_in_button", "nl"))
    assert not at.exception
    assert ACCESS_DENIED not in [w.value for w in at.warning]
    assert {"import_do", "export_public"} <= keys(at)
    assert any("anna" in c.value for c in at.sidebar.caption)
    assert PASSWORD not in page_text(at)
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [ACCESS_DENIED]


def test_empty_sign_in_fields_give_a_message(mixed, monkeypatch):
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    at = run(MAP_PAGE)
    _submit(at, i18n.t("sign_in_button", "nl"))
    assert not at.exception and i18n.t("sign_in_missing", "nl") in [e.value for e in at.error]


def test_a_table_code_makes_a_workshop_participant_under_their_pseudonym(mixed, monkeypatch, accounts):
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    at = run(WORKSHOP_PAGE)
    assert [w.value for w in at.warning] == [ACCESS_DENIED]
    at.sidebar.text_input(key="table_code").input("GEEN-CODE")
    at.sidebar.text_input(key="table_pseudonym").input(ME)
    _submit(at, i18n.t("table_code_button", "nl"))
    assert not at.exception and at.error
    at.sidebar.text_input(key="table_code").input(accounts)
    at.sidebar.text_input(key="table_pseudonym").input(ME)
    _submit(at, i18n.t("table_code_button", "nl"))
    assert not at.exception
    text = page_text(at)
    assert OWN_PRIVATE in text and GROUP_OTHER in text and PRIVATE_OTHER not in text
    assert "_pseudonym_widget" not in keys(at)  # the pseudonym is the one signed in with
    assert "import_do" not in keys(run(DATA_PAGE))  # a fresh session is public again


def test_a_coordinator_on_localhost_gets_no_sign_in_panel(mixed, monkeypatch):
    present = keys(run(MAP_PAGE))
    assert "sign_in_name" not in present and "table_code" not in present


def test_openid_connect_button_only_when_configured(mixed, monkeypatch):
    """The button follows the real ``assetmap.auth_oidc.oidc_configured`` and the page's secrets;
    the sign-in itself is tested against a real provider in ``test_oidc.py``."""
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    assert "sign_in_oidc" not in keys(run(MAP_PAGE))
    at = AppTest.from_file(MAP_PAGE, default_timeout=180)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "assetmap", "client_secret": "geheim",
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    at.run()
    assert not at.exception and "sign_in_oidc" in keys(at)


# ---------------------------------------------------------------------- moderation, against the real service
def test_moderation_queue_on_the_data_page_for_coordinators(mixed, monkeypatch):
    from shapely.geometry import Point

    with open_workspace(mixed) as ws:
        ws.set_moderation(True)
        for name in ("Buurtbankje", "Koffiehoek"):
            ws.add_entry({"name": name, "building_block": "resource", "visibility": "public", "consent": True},
                         Point(4.373, 52.002), Actor(ME, "workshop"))
        assert set(ws.assets(actor=Actor(None, "public"))["name"]).isdisjoint({"Buurtbankje", "Koffiehoek"})
    at = run(DATA_PAGE, pseudonym="coördinator")
    assert i18n.t("moderation_title", "nl") in [s.value for s in at.subheader]
    names = list(_editor(at, "moderation_editor")[i18n.t("name", "nl")])
    assert sorted(names) == ["Buurtbankje", "Koffiehoek"]
    assert not any(c in page_text(at) for c in CONTACTS)
    _pick_rows(at, "moderation_editor", [0])
    at.button(key="moderation_approve").click().run()
    assert not at.exception
    with open_workspace(mixed) as ws:
        public = set(ws.assets(actor=Actor(None, "public"))["name"])
        left = set(ws.pending()["asset_id"])
    assert public & {"Buurtbankje", "Koffiehoek"} == {names[0]} and len(left) == 1
    at = run(DATA_PAGE, pseudonym="coördinator")
    at.button(key="moderation_reject").click().run()  # nothing chosen: a warning, nothing decided
    # The one warning of the queue (the status panel may warn of an old backup, which is not the queue's).
    backup = i18n.t("status_backup_old", "nl")
    assert not at.exception and [w.value for w in at.warning if w.value != backup] == \
        [i18n.t("moderation_none_selected", "nl")]
    _pick_rows(at, "moderation_editor", [0])
    at.text_input(key="moderation_reason").input("Dubbel met de bank op het plein")
    at.button(key="moderation_reject").click().run()
    assert not at.exception
    with open_workspace(mixed) as ws:
        assert ws.pending().empty
        assert len(set(ws.assets(actor=Actor(None, "public"))["name"]) & {"Buurtbankje", "Koffiehoek"}) == 1
    monkeypatch.setenv("ASSETMAP_ACCESS", "workshop")
    assert "moderation_approve" not in keys(run(DATA_PAGE, pseudonym=ME))  # coordinators only


def _editor(at: AppTest, key: str) -> pd.DataFrame:
    """The table an ``st.data_editor`` with this key shows."""
    return next(frame for frame in at.dataframe if frame.key == key).value


def _pick_rows(at: AppTest, key: str, rows: list[int]) -> None:
    """Tick the select column of these rows of a data editor, as a coordinator's clicks do."""
    at.session_state[key] = {"edited_rows": {r: {"_select": True} for r in rows}, "added_rows": [],
                             "deleted_rows": []}


def test_the_queue_shows_each_entry_whole_and_approves_three_at_once(mixed):
    from shapely.geometry import Point

    with open_workspace(mixed) as ws:
        ids = [ws.add_entry({"name": "Bankje", "building_block": "resource", "visibility": "public", "consent": True,
                             "description": f"Bankje nummer {n}"}, Point(4.3730 + n / 1000, 52.002),
                            Actor(f"tafel {n}", "workshop"), story="Hier zat opa altijd" if n == 1 else None)
               for n in (1, 2, 3)]
        queued = list(ws.pending()["asset_id"])
    assert set(ids) <= set(queued)
    at = run(DATA_PAGE, pseudonym="coördinator")
    shown = _editor(at, "moderation_editor")
    text = page_text(at)
    # Two (here three) entries of the same name told apart: short id, who, place; each whole.
    assert {f"Bankje nummer {n}" for n in (1, 2, 3)} <= set(shown[i18n.t("description", "nl")])
    assert "Hier zat opa altijd" in text
    assert {i[:8] for i in ids} <= set(shown[i18n.t("moderation_col_id", "nl")])
    assert {"tafel 1", "tafel 2", "tafel 3"} <= set(shown[i18n.t("moderation_by", "nl")])
    benches = shown[shown[i18n.t("name", "nl")] == "Bankje"]
    assert len(set(benches[i18n.t("moderation_col_place", "nl")])) == len(benches) == 3
    at.checkbox(key="moderation_all").check().run()
    at.button(key="moderation_approve").click().run()
    assert not at.exception
    with open_workspace(mixed) as ws:
        assert ws.pending().empty
        assert set(ids) <= set(ws.assets(actor=Actor(None, "public"))["id"])
        approvals = ws.history()
    assert len(approvals[approvals["action"] == "approve"]) == len(queued)  # one action, every entry


def test_coordinators_manage_accounts_table_codes_and_moderation_on_the_data_page(mixed, monkeypatch):
    at = run(DATA_PAGE, pseudonym="coördinator")
    assert i18n.t("admin_title", "nl") in [s.value for s in at.subheader]
    at.text_input(key="admin_name").input("bert")
    at.text_input(key="admin_password").input("kort")
    at.button(key="FormSubmitter:admin_add_account-" + i18n.t("admin_add", "nl")).click().run()
    assert not at.exception and at.error  # too short: the service's message, no account
    at.text_input(key="admin_name").input("bert")
    at.text_input(key="admin_password").input(PASSWORD)
    at.selectbox(key="admin_role").set_value("workshop")
    at.button(key="FormSubmitter:admin_add_account-" + i18n.t("admin_add", "nl")).click().run()
    assert not at.exception
    with open_workspace(mixed) as ws:
        assert ws.sign_in("bert", PASSWORD) == Actor("bert", "workshop")
    assert PASSWORD not in page_text(at)
    at.button(key="admin_code").click().run()
    shown = " ".join(i.value for i in at.info)
    code = shown.split(":", 1)[1].split("(")[0].strip()
    with open_workspace(mixed) as ws:
        assert ws.redeem_table_code(code, "tafel 4") == Actor("tafel 4", "workshop")
        assert ws.moderation()  # a new workspace moderates
    at.toggle(key="admin_moderation").set_value(False).run()
    with open_workspace(mixed) as ws:
        assert not ws.moderation()
    monkeypatch.setenv("ASSETMAP_ACCESS", "workshop")
    assert "admin_add_account" not in str(keys(run(DATA_PAGE, pseudonym=ME)))


def test_the_app_and_the_cli_read_one_moderation_setting(mixed, monkeypatch):
    """The workshop in #28: the hosted app moderated while ``assetmap moderation`` said off. Now one
    stored setting: on for a new workspace, the same in the CLI, the Data page and a hosted page."""
    import subprocess
    import sys

    from shapely.geometry import Point

    def cli(*args):
        done = subprocess.run([sys.executable, "-m", "assetmap.cli", "moderation", str(mixed), *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "Moderation is on" in cli()
    at = run(DATA_PAGE)  # a coordinator on localhost
    assert i18n.t("moderation_setting_on", "nl") in [c.value for c in at.caption]
    assert at.toggle(key="admin_moderation").value is True
    monkeypatch.setenv("ASSETMAP_ACCESS", "workshop")
    with ui_workspace_as(Actor(ME, "workshop")) as ws:  # hosted
        assert ws.moderation()
        waits = ws.add_entry({"name": "Openbaar bankje", "building_block": "resource", "visibility": "public",
                              "consent": True}, Point(4.373, 52.002), Actor(ME, "workshop"))
    with open_workspace(mixed) as ws:  # on a laptop
        assert ws.moderation() and waits in set(ws.pending()["asset_id"])
    assert "Moderation is off" in cli("off")
    with ui_workspace_as(Actor(ME, "workshop")) as ws:
        assert not ws.moderation()
        at_once = ws.add_entry({"name": "Meteen openbaar", "building_block": "resource", "visibility": "public",
                                "consent": True}, Point(4.373, 52.002), Actor(ME, "workshop"))
        assert at_once in set(ws.assets(actor=Actor(None, "public"))["id"])
    monkeypatch.delenv("ASSETMAP_ACCESS")
    at = run(DATA_PAGE)
    assert i18n.t("moderation_setting_off", "nl") in [c.value for c in at.caption]
    assert at.toggle(key="admin_moderation").value is False


def ui_workspace_as(actor: Actor):
    """The workspace as the app opens it for a visitor (``ui.workspace``), outside a page run."""
    return open_workspace(ui.default_workspace_path(), actor)
