"""WCAG 2.1 AA in a real headless Chromium: axe-core on every page and inside every map, the keyboard, the language.

One Streamlit server per access level (a coordinator on localhost, ``ASSETMAP_ACCESS=workshop`` and
``ASSETMAP_ACCESS=public``) on a copy of the Delft workspace with a public place that has a story and
a link, so popups and the list carry every kind of detail. axe-core (the npm package pinned in
``tests/axe``, injected by ``browsing.axe_violations``) runs the WCAG 2.1 A and AA rules on every
page and in every map frame of every level: no serious or critical violation may be left. A
keyboard-only walk goes from the top of /Kaart to the map's zoom control in at most 20 Tab stops,
opens a marker with Enter and closes it with Escape, and the focus comes back. ``lang`` is checked on
every page and in every map in Dutch and English. Pure checks (palette contrast, the statement page
in AppTest) need no browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from assetmap import i18n, maps
from assetmap.service import Actor, open_workspace

import browsing
from browsing import axe_violations, describe, require_axe
from browsing import require_chromium as _require_chromium
from browsing import streamlit_server as _streamlit
from conftest import REPO

TIMEOUT_MS = 120_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
ARTIFACTS = REPO / "test-artifacts"
#: Every page of the app (the last is the accessibility statement).
URLS = ("/", "/Kaart", "/In_kaart_brengen", "/Ontmoetingsplekken", "/Verbindingen", "/Data", "/Toegankelijkheid")
PLACE, STORY = "Buurtkamer Toegankelijk", "Hier drinken buren sinds 1990 koffie"
STATEMENT_PAGE = str(REPO / "pages" / "6_Toegankelijkheid.py")


# ---------------------------------------------------------------------- without a browser
def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str = "#ffffff") -> float:
    """WCAG contrast ratio of two hex colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_building_block_colours_reach_text_contrast_against_white_and_differ():
    colours = [maps.BLOCK_STYLE[block]["color"] for block in ("individual", "association", "institution",
                                                               "resource", "story")]
    assert len(set(c.lower() for c in colours)) == 5
    for colour in colours:
        assert contrast(colour) >= 4.5, colour  # white icon on the badge, and the badge on a light map
    assert contrast(maps.TEXT_COLOUR) >= 7


def test_popup_writes_the_building_block_in_dark_text_with_colour_only_as_a_swatch():
    popup = maps.asset_popup({"name": "Bieb", "building_block": "institution", "category": "library"}, lang="nl")
    colour = maps.BLOCK_STYLE["institution"]["color"]
    assert popup.count(colour) == 1  # the swatch only
    assert f"<span style='color:{colour}' aria-hidden='true'>●</span>" in popup
    assert f"<br>{i18n.block_label('institution', 'nl')}" in popup


def test_map_html_allows_pinch_zoom_and_names_its_controls_in_the_users_language():
    import geopandas as gpd

    assets = gpd.GeoDataFrame({"id": ["a"], "name": ["Bieb & co"], "building_block": ["institution"]},
                              geometry=[Point(4.37, 52.0)], crs="EPSG:4326")
    for lang in ("nl", "en"):
        html = maps.asset_map(assets, None, lang=lang).get_root().render()
        assert "user-scalable=no" not in html and "maximum-scale" not in html
        assert 'name="viewport"' in html
        for code in ("map_zoom_in", "map_zoom_out", "map_layers", "map_close_popup", "map_label_assets"):
            assert i18n.t(code, lang) in html, (lang, code)
        assert f'"lang":"{lang}"' in html


def test_statement_page_in_dutch_and_english_names_the_upstream_issues():
    for lang in ("nl", "en"):
        at = AppTest.from_file(STATEMENT_PAGE, default_timeout=60)
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        assert at.title[0].value == i18n.t("statement_title", lang)
        text = " ".join(m.value for m in at.markdown)
        assert "WCAG 2.1" in text
        issues = set(re.findall(r"https://github\.com/streamlit/streamlit/(?:issues|pull)/\d+", text))
        assert len(issues) >= 4, issues
        assert "4.14" in text or "axe-core" in text


def test_lang_in_the_link_chooses_the_language_and_the_switch_still_changes_it():
    at = AppTest.from_file(STATEMENT_PAGE, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception and at.title[0].value == i18n.t("statement_title", "en")
    scripts = [e.proto.body for e in at.sidebar.get("html")]
    assert any('document.documentElement.lang = "en"' in body for body in scripts)
    at.sidebar.radio(key="_lang_widget").set_value("nl").run()
    assert at.title[0].value == i18n.t("statement_title", "nl")  # the link does not hold the switch back
    assert any('document.documentElement.lang = "nl"' in e.proto.body for e in at.sidebar.get("html"))


# ---------------------------------------------------------------------- servers and pages
@pytest.fixture(scope="module")
def a11y_workspace(delft_workspace_file, tmp_path_factory) -> Path:
    """A Delft copy with a public place that has a story and a link, so every kind of popup detail is there."""
    _require_chromium()
    require_axe()
    workspace = tmp_path_factory.mktemp("a11y") / "delft.gpkg"
    workspace.write_bytes(Path(delft_workspace_file).read_bytes())
    with open_workspace(workspace) as ws:
        ws.set_moderation(False)  # a new workspace moderates; here the table's public entry is shown at once
        library = ws.assets().query("name == 'TU Delft Library'")["id"].iloc[0]
        ws.add_entry({"name": PLACE, "building_block": "association", "category": "community_centre",
                      "description": "Koffie op dinsdag", "visibility": "public", "consent": True},
                     Point(4.3735, 52.0020), Actor("tafel 1", "workshop"), story=STORY, link_to=library)
    return workspace


@pytest.fixture(scope="module")
def browser(a11y_workspace):
    ARTIFACTS.mkdir(exist_ok=True)
    with browsing.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def local_server(a11y_workspace):
    """Coordinator on localhost (``ASSETMAP_ACCESS`` unset)."""
    with _streamlit(a11y_workspace) as url:
        yield url


def _new_page(browser, **options):
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 1000}} | options))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def page(browser):
    page = _new_page(browser)
    try:
        yield page
    finally:
        page.context.close()


def _wait_idle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


def _open(page, url: str, maps_expected: int = 0) -> list:
    """Open a URL, wait until the page has run and every map in it has drawn; the maps' frames.

    ``maps_expected`` maps are waited for (a map's frame comes after the page has run); any more
    that are there are returned too."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    page.wait_for_selector("h1, [data-testid='stAlert']")
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').nth(2).wait_for()
    _wait_idle(page)
    if maps_expected:
        page.locator(MAP_FRAME).nth(maps_expected - 1).wait_for()
    frames = []
    for i in range(page.locator(MAP_FRAME).count()):
        page.frame_locator(MAP_FRAME).nth(i).locator(".leaflet-control-zoom-in[aria-label]").wait_for()
        frames.append(page.locator(MAP_FRAME).nth(i).element_handle().content_frame())
    return frames


def _expect_maps(path: str, access: str | None) -> int:
    """How many maps a page shows to a role."""
    if path in ("/Kaart", "/Ontmoetingsplekken", "/Verbindingen"):
        return 1
    if path == "/In_kaart_brengen":
        return 0 if access == "public" else 1
    return 0


# ---------------------------------------------------------------------- axe on every page, every role
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("access", [None, "workshop", "public"])
def test_axe_finds_no_serious_violation_on_any_page_or_map(access, a11y_workspace, browser, tmp_path):
    workspace = tmp_path / a11y_workspace.name
    workspace.write_bytes(a11y_workspace.read_bytes())
    found = {}
    with _streamlit(workspace, access) as url:
        for path in URLS:
            page = _new_page(browser)
            try:
                frames = _open(page, url + path, _expect_maps(path, access))
                assert len(frames) == _expect_maps(path, access), (access, path)
                violations = axe_violations(page)
                if violations:
                    found[path] = violations
                for number, frame in enumerate(frames):
                    inside = axe_violations(frame)
                    if inside:
                        found[f"{path} map {number}"] = inside
                page.screenshot(path=str(ARTIFACTS / f"a11y_{access or 'local'}{path.replace('/', '_') or '_start'}.png"),
                                full_page=True)
            finally:
                page.context.close()
    assert not found, "\n".join(f"{where}:\n{describe(v)}" for where, v in found.items())


# ---------------------------------------------------------------------- language
@pytest.mark.browser
@pytest.mark.slow
def test_lang_follows_the_language_on_every_page_and_in_every_map(local_server, page):
    """Dutch and English on every page and in every map; axe runs on the English pages too."""
    found = {}
    for lang in ("nl", "en"):
        for path in URLS:
            frames = _open(page, f"{local_server}{path}?lang={lang}", _expect_maps(path, None))
            assert page.evaluate("document.documentElement.lang") == lang, (lang, path)
            assert page.locator("h1").first.inner_text().strip() != "", (lang, path)
            menu = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
            # The menu is in the page's language (the statement's title, and the last page's).
            assert i18n.page_title("statement", lang) in menu.nth(7).inner_text(), (lang, path)
            assert i18n.page_title("page_share", lang) in menu.last.inner_text(), (lang, path)
            assert len(frames) == _expect_maps(path, None)
            for frame in frames:
                assert frame.evaluate("document.documentElement.lang") == lang, (lang, path)
                assert frame.locator(".leaflet-control-zoom-in").get_attribute("aria-label") == \
                    i18n.t("map_zoom_in", lang)
                assert frame.locator(".leaflet-control-zoom-out").get_attribute("aria-label") == \
                    i18n.t("map_zoom_out", lang)
                assert frame.locator(".leaflet-control-layers-toggle").get_attribute("aria-label") == \
                    i18n.t("map_layers", lang)
            if lang == "en":  # the Dutch pages are checked per access level in the test above
                for where, target in [(path, page)] + [(f"{path} map", f) for f in frames]:
                    violations = axe_violations(target)
                    if violations:
                        found[where] = violations
    assert not found, "\n".join(f"{where}:\n{describe(v)}" for where, v in found.items())


@pytest.mark.browser
@pytest.mark.slow
def test_the_language_switch_changes_lang_of_the_page_and_the_map(local_server, page):
    frames = _open(page, local_server + "/Kaart", 1)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert frames[0].evaluate("document.documentElement.lang") == "nl"
    page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    page.get_by_text(i18n.t("map_title", "en")).wait_for()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    frames = _open_frames_after_rerun(page)
    frames[0].wait_for_function("() => document.documentElement.lang === 'en'")
    # The menu keeps the session: the next page is English too.
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').filter(
        has_text=i18n.page_title("statement", "en")).click()
    page.get_by_text(i18n.t("statement_title", "en")).wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"


def _open_frames_after_rerun(page) -> list:
    _wait_idle(page)
    page.frame_locator(MAP_FRAME).first.locator(".leaflet-control-zoom-in[aria-label]").wait_for()
    return [page.locator(MAP_FRAME).first.element_handle().content_frame()]


# ---------------------------------------------------------------------- keyboard
_FOCUSED = """() => { let el = document.activeElement, depth = 0;
  while (el && el.tagName === 'IFRAME' && el.contentDocument) { el = el.contentDocument.activeElement; depth++; }
  return {depth: depth, tag: el ? el.tagName : '', cls: el ? String(el.className) : '',
          label: el ? (el.getAttribute('aria-label') || '') : '', role: el ? (el.getAttribute('role') || '') : ''}; }"""


@pytest.mark.browser
@pytest.mark.slow
def test_keyboard_walk_reaches_the_map_controls_and_opens_and_closes_a_marker(local_server, page):
    frames = _open(page, local_server + "/Kaart", 1)
    frames[0].locator(".leaflet-marker-icon").first.wait_for()
    # Nothing has been focused since the page loaded: the first Tab goes to the top of the page.
    stops = []
    for _ in range(30):  # the menu, the skip link, the filters, then the map
        page.keyboard.press("Tab")
        stops.append(page.evaluate(_FOCUSED))
        if "leaflet-control-zoom-in" in stops[-1]["cls"]:
            break
    assert "leaflet-control-zoom-in" in stops[-1]["cls"], stops
    assert stops[-1]["depth"] == 1 and stops[-1]["label"] == i18n.t("map_zoom_in", "nl")
    skip = [s for s in stops if "assetmap-skip" in s["cls"]]
    assert skip and stops.index(skip[0]) < len(stops) - 1  # the skip link comes before the map
    # On through the other controls to the first marker: a named button.
    for _ in range(15):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if "leaflet-marker-icon" in focused["cls"]:
            break
    assert "leaflet-marker-icon" in focused["cls"], focused
    assert focused["role"] == "button"
    blocks = [i18n.block_label(b, "nl") for b in maps.BLOCK_STYLE]
    assert any(focused["label"].endswith(", " + b) or (", " + b + ", ") in focused["label"] for b in blocks), focused
    marker_label = focused["label"]
    page.keyboard.press("Enter")
    popup = frames[0].locator(".leaflet-popup")
    popup.wait_for()
    inside = page.evaluate(_FOCUSED)
    assert "leaflet-popup-content" in inside["cls"]  # the popup took the focus
    assert popup.get_attribute("aria-label") == marker_label and popup.get_attribute("role") == "dialog"
    assert frames[0].locator(".leaflet-popup-close-button").get_attribute("aria-label") == \
        i18n.t("map_close_popup", "nl")
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    back = page.evaluate(_FOCUSED)
    assert "leaflet-marker-icon" in back["cls"] and back["label"] == marker_label  # focus came back
    page.keyboard.press(" ")  # Space opens it too
    popup.wait_for()
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    page.screenshot(path=str(ARTIFACTS / "a11y_keyboard.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.slow
def test_shapes_without_action_are_out_of_the_tab_order(local_server, page):
    (frame,) = _open(page, local_server + "/Kaart", 1)
    frame.locator("path.leaflet-interactive").first.wait_for()
    focusable_paths = frame.evaluate(
        "() => [...document.querySelectorAll('path')].filter(p => p.tabIndex >= 0).length")
    assert focusable_paths == 0
    assert frame.evaluate("() => document.querySelectorAll('path[tabindex=\"-1\"]').length") > 0
    # The coverage map draws its areas and gap dots on one canvas: nothing in it takes the focus.
    (frame,) = _open(page, local_server + "/Ontmoetingsplekken", 1)
    frame.locator(".leaflet-overlay-pane canvas").first.wait_for()
    assert frame.evaluate(
        "() => [...document.querySelectorAll('.leaflet-overlay-pane *')].filter(e => e.tabIndex >= 0).length") == 0


@pytest.mark.browser
@pytest.mark.slow
def test_skip_link_jumps_past_the_map(local_server, page):
    _open(page, local_server + "/Kaart", 1)
    skip = page.locator("a.assetmap-skip")
    assert skip.inner_text().strip() == i18n.t("skip_map", "nl")
    skip.focus()
    assert skip.bounding_box()["width"] > 40  # shown when it has the focus
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'after-explore-map'")
    after = page.evaluate("""() => { const map = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
        return !!(map.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    assert after


# ---------------------------------------------------------------------- text equivalent and live region
@pytest.mark.browser
@pytest.mark.slow
def test_the_list_before_the_map_has_the_popup_details_and_the_count_is_announced(local_server, page):
    _open(page, local_server + "/Kaart", 1)
    region = page.locator(".assetmap-scroll")
    status = page.locator('[role="status"][aria-live="polite"]')
    map_frame = page.locator(MAP_FRAME).first
    for element in (region, status):
        assert element.evaluate("""(el, map) => !!(el.compareDocumentPosition(map) & Node.DOCUMENT_POSITION_FOLLOWING)""",
                                map_frame.element_handle())  # before the map
    items = region.locator("ul.assetmap-list > li")
    item = items.filter(has_text=re.compile("^● " + PLACE))
    text = item.inner_text()
    assert i18n.block_label("association", "nl") in text and STORY in text and "TU Delft Library" in text
    assert "Koffie op dinsdag" in text and i18n.t("area", "nl") in text
    total = items.count()
    assert re.match(rf"^{total} van {total}\b", status.inner_text())
    search = page.get_by_role("textbox", name=i18n.t("search", "nl"))
    search.fill(PLACE)
    search.press("Enter")
    page.wait_for_function("(t) => { const s = document.querySelector('[role=status]'); return s && s.textContent.startsWith(t); }",
                           arg=f"1 van {total}")
    _wait_idle(page)
    assert page.locator(".assetmap-scroll ul.assetmap-list > li").count() == 1


# ---------------------------------------------------------------------- phones
@pytest.mark.browser
@pytest.mark.slow
def test_phone_can_pinch_zoom_and_touch_targets_are_44_px(local_server, browser):
    page = _new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                     device_scale_factor=2)
    try:
        (frame,) = _open(page, local_server + "/Kaart", 1)
        frame.locator(".leaflet-marker-icon").first.wait_for()
        viewports = frame.evaluate("() => [...document.querySelectorAll('meta[name=viewport]')].map(m => m.content)")
        assert viewports and not any("user-scalable=no" in v or "maximum-scale" in v for v in viewports)
        for selector in (".leaflet-control-zoom-in", ".leaflet-control-zoom-out", ".leaflet-control-layers-toggle",
                         ".assetmap-legend summary"):
            box = frame.locator(selector).bounding_box()
            assert box["height"] >= 44 and (box["width"] >= 44 or selector.endswith("summary")), selector
        # A marker answers a touch 20 px from its centre: its hit area is 44 px across.
        hit = frame.evaluate("""() => {
            const icon = [...document.querySelectorAll('.leaflet-marker-icon')].find(m => {
                const r = m.getBoundingClientRect(); return r.left > 60 && r.top > 60 && r.right < innerWidth - 60 && r.bottom < innerHeight - 60; });
            const r = icon.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            const hits = [[x + 20, y], [x - 20, y], [x, y + 20], [x, y - 20]].map(([a, b]) => document.elementFromPoint(a, b));
            return {area: parseFloat(getComputedStyle(icon, '::before').width),
                    own: hits.filter(h => h && h.closest('.leaflet-marker-icon') === icon).length,
                    markers: hits.filter(h => h && h.closest('.leaflet-marker-icon')).length}; }""")
        assert hit["area"] >= 44 and hit["own"] >= 1 and hit["markers"] == 4, hit
    finally:
        page.context.close()
