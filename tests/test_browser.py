"""The running app in a real headless Chromium (Debian's /usr/bin/chromium, no downloaded browser).

One Streamlit server on a copy of the Delft workspace, with two assets named like XSS attacks.
Checks: the map draws its markers offline, a workshop entry made by clicking the map lands in the
file and is there after a reload, the gaps page shows its per-wijk table, no dialog ever opens and
the attack names show as text. Screenshots go to ``test-artifacts/``.

The tests share the server (starting Streamlit is slow) but not each other's results: each test
opens its own browser context (a new Streamlit session), takes what it needs from fixtures (the
map entry made by clicking is the module fixture ``clicked_entry``) and counts the assets it
expects from the file when it runs, so any order passes.

Access: two more servers, started only for the tests that need them, on a Delft copy with private,
group and public entries of two tables (people with contact details among them): one with
``ASSETMAP_ACCESS=public``, where every URL typed directly shows no admin control, no download, no
hidden name, no contact value and no file path; one with ``ASSETMAP_ACCESS=workshop``, which offers
no full export and never another table's private entries.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from assetmap import i18n, settings
from assetmap.layers import build_assets
from assetmap.privacy import public_view
from assetmap.service import open_workspace

import browsing
from browsing import require_chromium as _require_chromium
from browsing import streamlit_server as _streamlit
from conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = REPO / "test-artifacts"
XSS_NAMES = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")
OSM_ASSETS = 185  # public assets of the Delft extract
CLICKED_NAME = "Buurtkamer uit de browser"
TIMEOUT_MS = 120_000
MAP_FRAME = browsing.MAP_FRAME


@pytest.fixture(scope="module")
def server(delft_workspace_file, tmp_path_factory):
    """A Streamlit server on a Delft copy with the two XSS-named public assets saved first (on
    localhost without ``ASSETMAP_ACCESS``: the visitor is a coordinator, as on one's own laptop)."""
    _require_chromium()
    workspace = tmp_path_factory.mktemp("browser") / "delft.gpkg"
    workspace.write_bytes(Path(delft_workspace_file).read_bytes())
    frame = gpd.GeoDataFrame({"name": list(XSS_NAMES), "building_block": ["resource", "association"],
                              "description": ["<b>vet</b>", "<svg onload=alert(1)>"],
                              "visibility": "public", "consent": True},
                             geometry=[Point(4.3725, 52.0015), Point(4.3745, 52.0025)], crs=settings.STORAGE_CRS)
    with open_workspace(workspace) as ws:
        ws.save_assets(build_assets(frame, source="workshop", added_by="test"), "test")
    with _streamlit(workspace) as url:
        yield url, workspace


@pytest.fixture(scope="module")
def browser(server):
    """One headless Chromium for the module; each test opens its own context in it."""
    ARTIFACTS.mkdir(exist_ok=True)
    with browsing.chromium() as browser:
        yield browser


def _new_page(browser, **context_options):
    """A page in a fresh context (no cookies, a new Streamlit session) that records every dialog."""
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 1000}} | context_options))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    return page


@pytest.fixture
def browser_page(browser):
    """A desktop-sized page of its own for one test."""
    page = _new_page(browser)
    try:
        yield page
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def clicked_entry(server, browser):
    """A workshop entry made by clicking the map on the workshop page, saved once for the tests that need it.

    Returns the entry's name, the pseudonym it was saved under and the latitude the form showed.
    """
    url, _ = server
    page = _new_page(browser)
    try:
        _open(page, url + "/In_kaart_brengen")
        pseudonym = page.get_by_role("textbox", name=i18n.t("pseudonym", "nl"))
        pseudonym.fill("browser-tafel")
        pseudonym.press("Enter")
        _wait_idle(page)
        fmap = _map(page)
        fmap.locator(".leaflet-marker-icon").first.wait_for()
        # Near the left edge, halfway down: inside a wijk, away from the markers in the middle.
        browsing.click_map(page, 40, browsing.map_box(page)["height"] / 2)
        lat_input = page.get_by_role("spinbutton", name=i18n.t("lat", "nl"))
        page.wait_for_function(
            "(label) => { const el = [...document.querySelectorAll('input')]"
            ".find(i => i.getAttribute('aria-label') === label); return el && el.value !== ''; }",
            arg=i18n.t("lat", "nl"))
        lat = float(lat_input.input_value())
        _wait_idle(page)
        name = page.get_by_role("textbox", name=i18n.t("name", "nl"), exact=True)
        name.fill(CLICKED_NAME)
        page.get_by_role("button", name=i18n.t("save", "nl"), exact=True).click()
        page.get_by_text(f"Opgeslagen: {CLICKED_NAME}").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "3_in_kaart_brengen.png"), full_page=True)
        assert page.dialogs == []
    finally:
        page.context.close()
    return CLICKED_NAME, "browser-tafel", lat


def _public_count(workspace: Path) -> int:
    """How many assets the public map shows now: the public view of the file, as the map page reads it."""
    with open_workspace(workspace) as ws:
        return len(public_view(ws.assets(), ws.boundaries()))


def _wait_idle(page) -> None:
    """Wait until Streamlit has finished running the script (its status widget disappears)."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    page.wait_for_selector("h1")
    _wait_idle(page)


def _map(page):
    page.wait_for_selector(MAP_FRAME)
    return page.frame_locator(MAP_FRAME).first


def test_1_map_page_draws_assets_offline(server, browser_page):
    url, workspace = server
    page = browser_page
    expected = _public_count(workspace)
    assert expected >= OSM_ASSETS + len(XSS_NAMES)  # plus the clicked entry if that test ran first
    _open(page, url + "/Kaart")
    fmap = _map(page)
    markers = fmap.locator(".leaflet-marker-icon")
    markers.nth(expected - 1).wait_for()
    assert markers.count() == expected
    assert fmap.locator("path.leaflet-interactive").count() >= 13  # Delft's wijk outlines
    assert "OpenStreetMap contributors" in fmap.locator(".leaflet-control-attribution").inner_text()
    assert i18n.t("legend_title", "nl") in fmap.locator(".assetmap-legend").inner_text()
    assert fmap.locator(".assetmap-legend details").evaluate("d => d.open") is True  # open on a wide screen
    # A page opened directly (not through the start page) has the same menu, Dutch by default.
    menu = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    assert [menu.nth(i).inner_text().splitlines()[-1].strip() for i in range(menu.count())] == [  # after the icon
        i18n.page_title(key, "nl") for key in ("home", "map", "workshop", "gaps", "page_connections", "data", "changes", "statement",
                                               "page_session", "page_share")]
    page.screenshot(path=str(ARTIFACTS / "1_kaart.png"), full_page=True)


def test_2_xss_names_show_as_text(server, browser_page):
    url, workspace = server
    page = browser_page
    total = _public_count(workspace)
    _open(page, url + "/Kaart")
    for name in XSS_NAMES:
        search = page.get_by_role("textbox", name=i18n.t("search", "nl"))
        search.fill(name)
        search.press("Enter")
        page.get_by_text(re.compile(rf"^1 van {total}\b")).wait_for()
        _wait_idle(page)
        fmap = _map(page)
        marker = fmap.locator(".leaflet-marker-icon")
        # Wait for this search's own map: the previous search also showed one marker.
        page.wait_for_function(
            "(name) => { const f = document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]');"
            " const d = f && f.contentDocument; if (!d) { return false; }"
            " const m = d.querySelectorAll('.leaflet-marker-icon');"
            " return m.length === 1 && (m[0].getAttribute('aria-label') || '').startsWith(name); }", arg=name)
        marker.first.click()
        popup = fmap.locator(".leaflet-popup-content")
        popup.wait_for()
        assert name in popup.inner_text()  # shown as the literal text, not as an element
        assert popup.locator("img, script, svg, b:text('vet')").count() == 0
    page.screenshot(path=str(ARTIFACTS / "2_xss_as_text.png"), full_page=True)
    assert page.dialogs == []


def test_3_workshop_adds_an_asset_by_clicking_the_map(server, clicked_entry):
    _, workspace = server
    name, pseudonym, lat = clicked_entry
    assert lat == pytest.approx(52.0, abs=0.05)  # the form took the clicked place
    with open_workspace(workspace) as ws:
        saved = ws.assets().query("name == @name")
    assert len(saved) == 1
    assert saved["added_by"].iloc[0] == pseudonym
    assert 4.3 < saved.geometry.iloc[0].x < 4.4
    assert saved.geometry.iloc[0].y == pytest.approx(lat, abs=1e-4)


def test_4_reload_finds_the_new_asset(server, browser_page, clicked_entry):
    url, workspace = server
    name, _, _ = clicked_entry
    page = browser_page
    total = _public_count(workspace)
    _open(page, url + "/Kaart")
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("h1")
    _wait_idle(page)
    search = page.get_by_role("textbox", name=i18n.t("search", "nl"))
    search.fill(name)
    search.press("Enter")
    page.get_by_text(re.compile(rf"^1 van {total}\b")).wait_for()
    _wait_idle(page)
    fmap = _map(page)
    fmap.locator(".leaflet-marker-icon").first.click()
    assert name in fmap.locator(".leaflet-popup-content").inner_text()
    page.screenshot(path=str(ARTIFACTS / "4_kaart_na_herladen.png"), full_page=True)


def test_5_gaps_page_shows_the_table_per_wijk(server, browser_page):
    url, _ = server
    page = browser_page
    _open(page, url + "/Ontmoetingsplekken")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    rows = table.locator('table [role="row"]')
    rows.nth(5).wait_for(state="attached")  # the grid keeps an accessible, hidden table
    header = rows.first.inner_text()
    assert i18n.t("col_uncovered", "nl") in header and i18n.t("wijk", "nl") in header
    assert rows.count() >= 6
    assert "Wijk" in rows.nth(1).inner_text()
    fmap = _map(page)
    fmap.locator("canvas.leaflet-zoom-animated").first.wait_for()  # every shape on one canvas
    # The gap dots (compact arrays, not GeoJSON) are drawn, and hovering one shows its walking minutes.
    frame = page.locator(MAP_FRAME).first.element_handle().content_frame()
    dot = frame.wait_for_function("""() => {
      var map = Object.values(window).find(v => v instanceof L.Map);
      var found = null, count = 0;
      map && map.eachLayer(l => { if (l._assetmapTip !== undefined) { count++;
        if (!found && map.getBounds().pad(-0.1).contains(l.getLatLng())) { found = l; } } });
      if (!found) { return null; }
      var p = map.latLngToContainerPoint(found.getLatLng());
      return {count: count, x: p.x, y: p.y};
    }""").json_value()
    assert dot["count"] > 100
    browsing.hover_map(page, dot["x"], dot["y"])  # measured at the move: a rerun may have moved the page
    tip = fmap.locator(".leaflet-tooltip").first
    tip.wait_for()
    minutes = re.escape(i18n.t("walk_minutes", "nl", minutes="MINUTES")).replace("MINUTES", r"\d+")
    assert re.fullmatch(minutes + "|" + re.escape(i18n.t("unreachable", "nl")), tip.inner_text().strip())
    page.screenshot(path=str(ARTIFACTS / "5_ontmoetingsplekken.png"), full_page=True)


def test_6_home_and_data_pages_and_no_dialog_anywhere(server, browser_page):
    url, _ = server
    page = browser_page
    _open(page, url + "/")
    page.get_by_text(i18n.t("home_title", "nl")).wait_for()
    page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "0_start.png"), full_page=True)
    # The menu follows the language switch, like every other text.
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert i18n.page_title("gaps", "nl") in sidebar.inner_text()
    sidebar.get_by_text("English").click()
    page.get_by_text(i18n.t("home_title", "en")).wait_for()
    _wait_idle(page)
    menu = sidebar.locator('[data-testid="stPageLink"]')
    assert [menu.nth(i).inner_text().splitlines()[-1].strip() for i in range(menu.count())] == [  # after the icon
        i18n.page_title(key, "en") for key in ("home", "map", "workshop", "gaps", "page_connections", "data", "changes", "statement",
                                               "page_session", "page_share")]
    page.screenshot(path=str(ARTIFACTS / "0_start_en.png"), full_page=True)
    _open(page, url + "/Data")
    page.get_by_text(i18n.t("data_title", "nl")).wait_for()
    page.screenshot(path=str(ARTIFACTS / "6_data.png"), full_page=True)
    assert page.dialogs == []


def test_7_map_page_fits_a_phone_screen(server, browser):
    """Residents use their phone: at 390 × 844 the map fills the width, nothing scrolls sideways and
    the markers and legend are there."""
    url, workspace = server
    expected = _public_count(workspace)
    page = _new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                     device_scale_factor=2)
    try:
        _open(page, url + "/Kaart")
        fmap = _map(page)
        fmap.locator(".leaflet-marker-icon").nth(expected - 1).wait_for()
        frame_box = page.locator(MAP_FRAME).first.bounding_box()
        assert frame_box["width"] >= 300 and frame_box["x"] >= 0
        assert frame_box["x"] + frame_box["width"] <= 390 + 1
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
        legend = fmap.locator(".assetmap-legend details")
        assert legend.is_visible() and legend.evaluate("d => d.open") is False  # folded, map stays visible
        # Icons are SVG, drawn without any emoji font.
        assert fmap.locator(".leaflet-marker-icon svg path").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "7_kaart_telefoon.png"), full_page=True)
        fmap.locator(".assetmap-legend summary").click()
        assert legend.evaluate("d => d.open") is True
        assert page.dialogs == []
    finally:
        page.context.close()


def test_7b_map_filters_on_a_phone_stay_in_the_page(server, browser):
    """On a phone the filters ("nu open", a day, a street) are in the page: after a choice nothing lies
    over the map, the sidebar stays closed."""
    url, _workspace = server
    page = _new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                     device_scale_factor=2)
    try:
        _open(page, url + "/Kaart")
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text(i18n.t("filters", "nl")).click()
        main.get_by_text(i18n.t("filter_when_now", "nl"), exact=True).click()
        _wait_idle(page)
        main.get_by_text(i18n.t("filter_when_on", "nl"), exact=True).click()
        _wait_idle(page)
        main.get_by_text(i18n.t("filter_day", "nl"), exact=True).wait_for()  # the day and part of the day appear
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("aria-expanded") != "true"
        _map(page).locator(".leaflet-container").wait_for()
        # The map's centre is the map itself, not a panel over it.
        hit = page.evaluate("""(selector) => {
            const frame = document.querySelector(selector);
            frame.scrollIntoView({block: 'center'});
            const box = frame.getBoundingClientRect();
            return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2).tagName;
        }""", MAP_FRAME)
        assert hit == "IFRAME"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
        page.screenshot(path=str(ARTIFACTS / "7b_kaart_filters_telefoon.png"), full_page=True)
    finally:
        page.context.close()


# ---------------------------------------------------------------------- access: public and workshop servers
ME, OTHER = "tafel 1", "tafel 9"
PRIVATE_OTHER, GROUP_OTHER, OWN_PRIVATE = "Geheime moestuin van negen", "Groepsklub Noord", "Mijn eigen plekje"
PERSON_GROUP, PERSON_PUBLIC = "Kookt voor de buren", "Zingt in het koor"
PUBLIC_PLACE = "Openbare pluktuin"
CONTACTS = ("06-12345678", "zanger@example.org", "06-55501234")
URLS = ("/", "/Kaart", "/In_kaart_brengen", "/Ontmoetingsplekken", "/Data")
#: Labels of the controls a resident must never get.
ADMIN_LABELS = tuple(i18n.t(code, "nl") for code in (
    "workspace_create", "workspace_open", "home_place_button", "home_gemeente_button", "home_import_button",
    "import_check", "import_do", "export_prepare", "approve", "reject", "save", "undo", "edit_save", "delete"))


def _add(path: Path, rows: list[dict], actor: str) -> None:
    frame = gpd.GeoDataFrame([{k: v for k, v in r.items() if k not in ("lon", "lat")} for r in rows],
                             geometry=[Point(r["lon"], r["lat"]) for r in rows], crs=settings.STORAGE_CRS)
    with open_workspace(path) as ws:
        ws.save_assets(build_assets(frame, source="workshop", added_by=actor), actor)


@pytest.fixture(scope="module")
def mixed_workspace(delft_workspace_file, tmp_path_factory) -> Path:
    """A Delft copy with private, group and public entries of two tables, people with contact details among them."""
    _require_chromium()
    workspace = tmp_path_factory.mktemp("access") / "wijk-geheim.gpkg"
    workspace.write_bytes(Path(delft_workspace_file).read_bytes())
    _add(workspace, [
        {"name": PRIVATE_OTHER, "building_block": "resource", "visibility": "private", "contact": CONTACTS[2],
         "lon": 4.3725, "lat": 52.0015},
        {"name": GROUP_OTHER, "building_block": "association", "visibility": "group", "lon": 4.3735, "lat": 52.0020},
        {"name": PERSON_GROUP, "building_block": "individual", "contact": CONTACTS[0], "lon": 4.3726, "lat": 52.0016},
        {"name": PERSON_PUBLIC, "building_block": "individual", "visibility": "public", "consent": True,
         "contact": CONTACTS[1], "lon": 4.3727, "lat": 52.0017},
        {"name": PUBLIC_PLACE, "building_block": "resource", "visibility": "public", "consent": True,
         "lon": 4.3730, "lat": 52.0018},
    ], OTHER)
    _add(workspace, [{"name": OWN_PRIVATE, "building_block": "resource", "visibility": "private",
                      "lon": 4.3745, "lat": 52.0025}], ME)
    return workspace


@pytest.fixture(scope="module")
def public_server(mixed_workspace):
    """The app as residents get it: ``ASSETMAP_ACCESS=public``."""
    with _streamlit(mixed_workspace, "public") as url:
        yield url, mixed_workspace


@pytest.fixture(scope="module")
def workshop_server(mixed_workspace, tmp_path_factory):
    """The app for a workshop: ``ASSETMAP_ACCESS=workshop``, on its own copy of the mixed workspace."""
    workspace = tmp_path_factory.mktemp("workshop") / mixed_workspace.name
    workspace.write_bytes(mixed_workspace.read_bytes())
    with _streamlit(workspace, "workshop") as url:
        yield url, workspace


def _open_any(page, url: str, expect: str | None = None) -> None:
    """Open a URL typed directly and wait until the page has run: its title, or the text ``expect``
    (the message of a page that stopped)."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    if expect:
        page.get_by_text(expect).first.wait_for()
    else:
        page.wait_for_selector("h1")
    _wait_idle(page)


def _everything(page) -> str:
    """The visible text of the page and the full HTML of every frame (the map's data included)."""
    return "\n".join([page.locator("body").inner_text()] + [frame.content() for frame in page.frames])


def test_8_public_server_shows_no_control_no_hidden_entry_and_no_path_on_any_url(public_server, browser):
    url, workspace = public_server
    denied = i18n.t("access_denied", "nl")
    for path in URLS:
        page = _new_page(browser)
        try:
            _open_any(page, url + path, denied if path in ("/In_kaart_brengen", "/Data") else None)
            links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
            links.nth(2).wait_for()  # the menu draws after the page's first elements: read the page after it
            if path == "/Kaart":
                _map(page).locator(".leaflet-marker-icon").first.wait_for()
            if path == "/Ontmoetingsplekken":
                page.locator('[data-testid="stDataFrame"]').first.wait_for()
                _map(page).locator(".leaflet-overlay-pane canvas").first.wait_for()  # every shape on one canvas
            text = _everything(page)
            for secret in (PRIVATE_OTHER, GROUP_OTHER, PERSON_GROUP, OWN_PRIVATE, OTHER, ME, *CONTACTS):
                assert secret not in text, (path, secret)
            for where in (str(workspace), str(workspace.parent), workspace.name, workspace.stem, "pytest-of"):
                assert where not in text, (path, where)
            assert page.locator('[data-testid="stDownloadButton"], [data-testid="stFileUploader"], '
                                'input[type="file"]').count() == 0, path
            buttons = [b.strip() for b in page.locator("button").all_inner_texts()]
            assert not set(buttons) & set(ADMIN_LABELS), (path, buttons)
            menu = links.all_inner_texts()
            assert [m.splitlines()[-1].strip() for m in menu] == [
                i18n.page_title(key, "nl") for key in ("home", "map", "gaps", "page_connections", "statement")], path
            if path in ("/In_kaart_brengen", "/Data"):
                assert denied in text, path
            else:
                assert denied not in text, path
            if path == "/Kaart":
                assert PUBLIC_PLACE in text  # the public view is there: the checks above looked at the map's data
            page.screenshot(path=str(ARTIFACTS / f"8_public{path.replace('/', '_') or '_start'}.png"), full_page=True)
            assert page.dialogs == []
        finally:
            page.context.close()


def test_9_workshop_server_offers_no_full_export_and_no_other_tables_private_entries(workshop_server, browser):
    url, workspace = workshop_server
    page = _new_page(browser)
    try:
        _open_any(page, url + "/In_kaart_brengen")
        pseudonym = page.get_by_role("textbox", name=i18n.t("pseudonym", "nl"))
        pseudonym.fill(ME)
        pseudonym.press("Enter")
        _wait_idle(page)
        page.locator('[data-testid="stDataFrame"]').first.wait_for()  # own entries, listed for editing
        _map(page).locator(".leaflet-marker-icon").first.wait_for()
        text = _everything(page)
        assert GROUP_OTHER in text and OWN_PRIVATE in text  # group entries and one's own private ones
        for secret in (PRIVATE_OTHER, *CONTACTS, str(workspace.parent), workspace.name):
            assert secret not in text, secret
        page.screenshot(path=str(ARTIFACTS / "9_workshop_in_kaart_brengen.png"), full_page=True)
        _open_any(page, url + "/Data")
        page.get_by_text(i18n.t("data_title", "nl")).wait_for()
        text = _everything(page)
        assert i18n.t("export_public_only", "nl") in text and i18n.t("export_full", "nl") not in text
        assert page.locator('[data-testid="stFileUploader"], input[type="file"]').count() == 0
        for secret in (PRIVATE_OTHER, *CONTACTS, str(workspace.parent), workspace.name):
            assert secret not in text, secret
        page.screenshot(path=str(ARTIFACTS / "9_workshop_data.png"), full_page=True)
        assert page.dialogs == []
    finally:
        page.context.close()


def test_10_signing_in_with_a_local_account_opens_the_data_page(mixed_workspace, browser, tmp_path):
    workspace = tmp_path / mixed_workspace.name
    workspace.write_bytes(mixed_workspace.read_bytes())
    with open_workspace(workspace) as ws:
        ws.create_account("anna", "geheim-wachtwoord", "coordinator")
    with _streamlit(workspace, "public") as url:
        page = _new_page(browser)
        try:
            _open_any(page, url + "/")
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.locator('[data-testid="stExpander"] summary').first.click()
            sidebar.get_by_role("textbox", name=i18n.t("sign_in_name", "nl"), exact=True).fill("anna")
            sidebar.get_by_role("textbox", name=i18n.t("sign_in_password", "nl"), exact=True).fill("geheim-wachtwoord")
            sidebar.get_by_role("button", name=i18n.t("sign_in_button", "nl")).click()
            sidebar.get_by_role("button", name=i18n.t("sign_out", "nl")).wait_for()
            _wait_idle(page)
            # A typed URL would start a new session: follow the menu, as a person does.
            sidebar.locator('[data-testid="stPageLink"]').filter(has_text=i18n.page_title("data", "nl")).click()
            page.get_by_text(i18n.t("data_title", "nl")).wait_for()
            # The coordinator's controls draw after the title: wait for them, then count.
            page.get_by_role("button", name=i18n.t("import_do", "nl")).wait_for(timeout=60_000)
            _wait_idle(page)
            assert page.get_by_role("button", name=i18n.t("import_do", "nl")).count() == 1
            assert page.dialogs == []
        finally:
            page.context.close()
