"""The static resident map (``assetmap publish``): what it holds, where it may go, and how it works in Chromium.

The workspace is a copy of the real Delft workspace with private, group and public entries of two
tables, people with contact details among them, a public story about a public place and an asset
named like an XSS attack. Every byte of every file of the site is searched for the hidden names,
the contact details and the pseudonyms. Chromium (Debian's ``/usr/bin/chromium``) opens
``index.html`` from ``file://`` with the tile server blocked, so the test runs offline, and records
every request the page makes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from assetmap import i18n, publish, settings
from assetmap.cli import main
from assetmap.errors import InputError
from assetmap.export import export_assets
from assetmap.layers import build_assets
from assetmap.publish import MARKER, is_publication, publish_site
from assetmap.service import Actor, open_workspace

import browsing
from browsing import axe_violations, describe, require_chromium
from conftest import REPO

ARTIFACTS = REPO / "test-artifacts"
ME, OTHER = "tafel 1", "tafel 9"
PRIVATE_OTHER, GROUP_OTHER, OWN_PRIVATE = "Geheime moestuin van negen", "Groepsklub Noord", "Mijn eigen plekje"
PERSON_GROUP, PERSON_PUBLIC = "Kookt voor de buren", "Zingt in het koor"
PUBLIC_PLACE, PUBLIC_STORY = "Openbare pluktuin", "Veertig jaar plukken"
XSS_NAME = "<img src=x onerror=alert(1)>"
CONTACTS = ("06-12345678", "zanger@example.org", "06-55501234", "bel 06-98765432")
SECRETS = (PRIVATE_OTHER, GROUP_OTHER, PERSON_GROUP, OWN_PRIVATE, OTHER, ME, *CONTACTS, "98765432")
TILES = "https://tile.openstreetmap.org/"


def _add(path: Path, rows: list[dict], actor: str) -> list[str]:
    # In Wijk 28 Wippolder (the TU campus); a person is shown at the anchor of the wijk.
    frame = gpd.GeoDataFrame([{k: v for k, v in r.items() if k not in ("lon", "lat")} | {"wijk_code": "WK050328"}
                              for r in rows],
                             geometry=[Point(r["lon"], r["lat"]) for r in rows], crs=settings.STORAGE_CRS)
    assets = build_assets(frame, source="workshop", added_by=actor)
    with open_workspace(path) as ws:
        ws.save_assets(assets, actor)
    return list(assets["id"])


@pytest.fixture(scope="module")
def mixed_workspace(delft_workspace_file, tmp_path_factory) -> Path:
    """A Delft copy with private, group and public entries of two tables, people with contact details among them."""
    workspace = tmp_path_factory.mktemp("publish") / "wijk-geheim.gpkg"
    workspace.write_bytes(Path(delft_workspace_file).read_bytes())
    place_id, = _add(workspace, [{"name": PUBLIC_PLACE, "building_block": "resource", "visibility": "public",
                                  "consent": True, "is_meeting_place": True, "lon": 4.3730, "lat": 52.0018}], OTHER)
    _add(workspace, [
        {"name": PRIVATE_OTHER, "building_block": "resource", "visibility": "private", "contact": CONTACTS[2],
         "lon": 4.3725, "lat": 52.0015},
        {"name": GROUP_OTHER, "building_block": "association", "visibility": "group", "lon": 4.3735, "lat": 52.0020},
        {"name": PERSON_GROUP, "building_block": "individual", "contact": CONTACTS[0], "lon": 4.3726, "lat": 52.0016},
        {"name": PERSON_PUBLIC, "building_block": "individual", "visibility": "public", "consent": True,
         "contact": CONTACTS[1], "description": f"Zingt graag, {CONTACTS[3]}", "lon": 4.3727, "lat": 52.0017},
        {"name": PUBLIC_STORY, "building_block": "story", "visibility": "public", "consent": True,
         "description": "Sinds 1985 plukken buren hier samen appels.", "related_asset_id": place_id,
         "lon": 4.3730, "lat": 52.0018},
        {"name": XSS_NAME, "building_block": "association", "visibility": "public", "consent": True,
         "description": "<script>alert(2)</script>", "lon": 4.3740, "lat": 52.0022},
    ], OTHER)
    _add(workspace, [{"name": OWN_PRIVATE, "building_block": "resource", "visibility": "private",
                      "lon": 4.3745, "lat": 52.0025}], ME)
    return workspace


@pytest.fixture(scope="module")
def site(mixed_workspace, tmp_path_factory):
    """The published site of the mixed workspace, and the report."""
    out = tmp_path_factory.mktemp("web") / "buurtkaart"
    report = publish_site(mixed_workspace, out)
    return out, report


def _data(out: Path) -> dict:
    text = (out / "data.js").read_text(encoding="utf-8")
    prefix = "window.ASSETMAP_SITE = "
    assert text.startswith(prefix)
    return json.loads(text[len(prefix):].rstrip().rstrip(";"))


# ---------------------------------------------------------------------- what the site holds
def test_every_file_of_the_site_holds_only_the_public_view(site, mixed_workspace):
    out, report = site
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"index.html", "data.js", "site.js", "site.css", "assets.geojson",
                                       "leaflet.js", "leaflet.css", MARKER, "story.svg", "individual-meeting.svg"}
    assert report.files == len(files) and report.size_bytes == sum(p.stat().st_size for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in SECRETS + (str(mixed_workspace.parent), mixed_workspace.stem):
            assert secret.encode() not in content, (path.name, secret)
    data = (out / "data.js").read_text(encoding="utf-8")
    # The scan looked at real content: the public entries are there.
    for shown in (PUBLIC_PLACE, PERSON_PUBLIC, PUBLIC_STORY, "Sinds 1985"):
        assert shown in data
    assert "[contact verborgen]" in data  # the public person's phone number is masked


def test_the_site_holds_what_export_public_holds(site, mixed_workspace, tmp_path):
    out, report = site
    with open_workspace(mixed_workspace) as ws:
        export_assets(ws, tmp_path / "public.geojson", public=True)
    exported = json.loads((tmp_path / "public.geojson").read_text(encoding="utf-8"))
    published = json.loads((out / "assets.geojson").read_text(encoding="utf-8"))
    assert sorted(f["properties"]["id"] for f in published["features"]) == \
        sorted(f["properties"]["id"] for f in exported["features"])
    data = _data(out)
    with open_workspace(mixed_workspace, Actor(None, "public")) as ws:
        public = ws.assets()
    located = public[public.geometry.notna() & ~public.geometry.is_empty]
    assert sorted(a["i"] for a in data["assets"]) == sorted(located["id"])
    assert report.assets == len(located) > 180
    # Coordinates rounded as in the app's map; boundaries simplified and rounded too.
    for asset in data["assets"]:
        assert round(asset["x"], 5) == asset["x"] and round(asset["y"], 5) == asset["y"]
    ring = data["boundaries"]["features"][0]["geometry"]["coordinates"][0]
    while isinstance(ring[0][0], list):
        ring = ring[0]
    assert all(round(v, 5) == v for point in ring for v in point)
    # The story is told at its place, the place is a meeting place, and the coverage is there.
    place = next(a for a in data["assets"] if a["n"] == PUBLIC_PLACE)
    assert place["s"][0][0] == PUBLIC_STORY
    assert data["assets"].index(place) in data["meeting_places"]
    assert report.coverage and data["coverage"]["areas"] and data["coverage"]["population"] > 0
    assert {b["key"]: b["color"] for b in data["blocks"]} == {k: v["color"] for k, v in
                                                              publish.maps.BLOCK_STYLE.items()}
    assert data["texts"]["site_stories_title"] == {x: i18n.t("site_stories_title", x) for x in i18n.LANGUAGES}
    assert data["texts"]["site_stories_title"]["tr"] == "Hikâyeler"


def test_private_and_group_entries_change_no_byte_of_the_site(mixed_workspace, tmp_path):
    """Differential: the site of a workspace with more hidden entries (a person with a contact, a
    private meeting place right beside a public one) is the same, byte for byte, but its time stamp."""
    workspace = tmp_path / "meer.gpkg"
    workspace.write_bytes(mixed_workspace.read_bytes())
    before = publish_site(workspace, tmp_path / "voor")
    _add(workspace, [
        {"name": "Verborgen buurtkamer", "building_block": "institution", "visibility": "private",
         "is_meeting_place": True, "category": "community_centre", "lon": 4.3731, "lat": 52.0019},
        {"name": "Woont om de hoek", "building_block": "individual", "visibility": "group", "consent": True,
         "contact": "06-11122233", "lon": 4.3728, "lat": 52.0016},
    ], "tafel 5")
    after = publish_site(workspace, tmp_path / "na")
    assert before.assets == after.assets
    for name in ("assets.geojson", "index.html", "site.js", "site.css", "icons/story.svg"):
        assert (tmp_path / "voor" / name).read_bytes() == (tmp_path / "na" / name).read_bytes(), name
    old, new = _data(tmp_path / "voor"), _data(tmp_path / "na")
    old.pop("published"), new.pop("published")
    assert old == new
    data = (tmp_path / "na" / "data.js").read_text(encoding="utf-8")
    assert "Verborgen buurtkamer" not in data and "Woont om de hoek" not in data and "tafel 5" not in data


def test_a_workspace_opened_as_coordinator_is_refused_for_the_site_data(mixed_workspace):
    with open_workspace(mixed_workspace) as ws, pytest.raises(InputError) as caught:
        publish.site_data(ws)
    assert caught.value.problems[0].code == "publish_not_public"


def test_one_area_only(mixed_workspace, tmp_path):
    with open_workspace(mixed_workspace) as ws:
        wijken = ws.boundaries("wijk")
    code = "WK050328"  # Wijk 28 Wippolder: the TU campus, where the OSM extract lies
    assert code in set(wijken["code"])
    report = publish_site(mixed_workspace, tmp_path / "wippolder", area=code.lower(), lang="en")
    data = _data(tmp_path / "wippolder")
    assert data["lang"] == "en" and data["area_name"] == "Wijk 28 Wippolder"
    assert [a["code"] for a in data["areas"]] == [code]
    assert 0 < report.assets and {a.get("a") for a in data["assets"]} == {code}
    assert '<html lang="en" dir="ltr">' in (tmp_path / "wippolder" / "index.html").read_text(encoding="utf-8")
    with pytest.raises(InputError) as caught:
        publish_site(mixed_workspace, tmp_path / "nowhere", area="WK999999")
    assert caught.value.problems[0].code == "publish_area_unknown"
    assert not (tmp_path / "nowhere").exists()


# ---------------------------------------------------------------------- where it may go
def test_publishing_into_a_folder_with_other_files_is_refused(mixed_workspace, tmp_path, capsys):
    target = tmp_path / "website"
    target.mkdir()
    (target / "contact.html").write_text("<p>ons adres</p>", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        publish_site(mixed_workspace, target)
    assert caught.value.problems[0].code == "publish_folder_not_empty"
    assert "fix_publish_choose_folder" == caught.value.problems[0].fix
    assert sorted(p.name for p in target.iterdir()) == ["contact.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["website"]  # no temporary folder left
    # The CLI says so with exit 2 and what to do.
    assert main(["publish", str(mixed_workspace), str(target)]) == 2
    err = capsys.readouterr().err
    assert "already holds other files" in err and "new or empty folder" in err
    # A file is not a folder; a folder whose parent is missing is refused too.
    (tmp_path / "file.html").write_text("x", encoding="utf-8")
    for bad, code in ((tmp_path / "file.html", "publish_not_folder"), (tmp_path / "no" / "site", "folder_missing")):
        with pytest.raises(InputError) as caught:
            publish_site(mixed_workspace, bad)
        assert caught.value.problems[0].code == code


def test_republishing_replaces_an_earlier_publication_atomically(mixed_workspace, tmp_path, capsys):
    target = tmp_path / "kaart"
    assert main(["publish", str(mixed_workspace), str(target), "--lang", "nl"]) == 0
    assert "file://" in capsys.readouterr().out
    first = json.loads((target / MARKER).read_text(encoding="utf-8"))
    assert first["generator"] == "assetmap" and first["format"] == publish.SITE_FORMAT
    # A file someone put into the publication since is never deleted by the next one: refused, kept.
    (target / "verslag.docx").write_text("notes of the buurt meeting", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        publish_site(mixed_workspace, target)
    assert caught.value.problems[0].code == "publish_folder_has_other_files"
    assert "verslag.docx" in str(caught.value)
    assert (target / "verslag.docx").is_file() and (target / "index.html").is_file()
    (target / "verslag.docx").unlink()
    old_data = (target / "data.js").read_bytes()
    # Leftovers of a publication killed midway are cleaned up by the next one.
    (tmp_path / ".kaart.publishing-dead").mkdir()
    (tmp_path / ".kaart.publishing-dead" / "data.js").write_text("half", encoding="utf-8")
    assert main(["--lang", "nl", "publish", str(mixed_workspace), str(target), "--lang", "en"]) == 0
    assert "assets gepubliceerd in" in capsys.readouterr().out  # messages in Dutch, the site opens in English
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kaart"]  # no temporary or old folder beside it
    assert (target / "data.js").read_bytes() != old_data
    assert _data(target)["lang"] == "en" and '<html lang="en" dir="ltr">' in (target / "index.html").read_text(encoding="utf-8")
    report = publish_site(mixed_workspace, target)
    assert report.index == target / "index.html" and _data(target)["lang"] == "nl"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kaart"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~umask  # a web server may read it, as any new folder


# ---------------------------------------------------------------------- in Chromium
@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with browsing.chromium() as browser:
        yield browser


def _open(browser, out: Path, **options):
    """The site from ``file://`` with the tile server blocked (offline); returns the page and its requests."""
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | options))
    page = context.new_page()
    requests, dialogs, errors = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(TILES + "**", lambda route: route.abort())
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("html[data-ready]")
    return page, requests, dialogs, errors


@pytest.mark.browser
@pytest.mark.slow
def test_the_site_works_from_file_in_chromium(site, chromium):
    out, report = site
    page, requests, dialogs, errors = _open(chromium, out)
    try:
        markers = page.locator(".leaflet-marker-icon")
        assert markers.count() == report.assets
        assert page.evaluate("document.documentElement.lang") == "nl"
        status = page.locator("#status")
        assert status.get_attribute("aria-live") == "polite"
        assert status.inner_text() == i18n.t("shown", "nl", shown=report.assets, total=report.assets)
        # Named, keyboard-operable markers: Enter opens the popup, Escape closes it and focus returns.
        place = page.locator(f'.leaflet-marker-icon[aria-label^="{PUBLIC_PLACE},"]')
        assert place.count() == 1 and place.get_attribute("role") == "button" and place.get_attribute("tabindex") == "0"
        place.focus()
        page.keyboard.press("Enter")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert PUBLIC_PLACE in popup.inner_text() and PUBLIC_STORY in popup.inner_text()
        page.keyboard.press("Escape")
        popup.wait_for(state="detached")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(PUBLIC_PLACE)
        # Typing a search while a popup is open closes it, and focus stays in the search field.
        place.press("Enter")
        popup.wait_for()
        page.locator("#q").press_sequentially("zzz-niets")
        popup.wait_for(state="detached")
        assert page.evaluate("document.activeElement.id") == "q"
        page.fill("#q", "")
        page.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length === {report.assets}")
        # The XSS name is text: no dialog, and it reads as typed.
        assert page.locator(f'.leaflet-marker-icon[aria-label^="{XSS_NAME},"]').count() == 1
        # Search: one place left on the map and in the list, and the status says so.
        page.fill("#q", "pluktuin")
        page.wait_for_function("document.getElementById('status').textContent.startsWith('1 ')")
        assert markers.count() == 1 and page.locator("#list > li").count() == 1
        assert status.inner_text() == i18n.t("shown", "nl", shown=1, total=report.assets)
        page.fill("#q", "")
        page.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length === {report.assets}")
        # Building-block filter: switching off the stories takes exactly the stories away.
        stories = len([a for a in _data(out)["assets"] if a["b"] == 4])
        assert stories >= 1
        page.locator("#block-story").uncheck()
        page.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length === {report.assets - stories}")
        assert page.locator("#list > li").count() == min(50, report.assets - stories)
        page.click("#clear")
        page.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length === {report.assets}")
        # The list draws 50 entries at a time; "Meer tonen" adds the next and moves focus to the first new one.
        more = page.locator("#more")
        assert more.inner_text() == i18n.t("site_show_more", "nl", count=report.assets - 50)
        more.click()
        assert page.locator("#list > li").count() == min(100, report.assets)
        assert page.evaluate("document.activeElement === document.querySelectorAll('#list summary')[50]")
        # The list holds the same places, and opens them on the map.
        page.fill("#q", "pluktuin")
        page.wait_for_function("document.querySelectorAll('#list > li').length === 1")
        page.locator("#list summary").first.click()
        # The entry's button is added when it opens (its toggle event): wait for that one, not
        # the first "show on map" of the page, which may be a story's, about a place filtered out.
        button = page.locator("#list").get_by_role("button", name=i18n.t("site_show_on_map", "nl")).first
        button.click()
        popup.wait_for()
        page.keyboard.press("Escape")
        popup.wait_for(state="detached")
        assert page.evaluate("document.activeElement.textContent") == i18n.t("site_show_on_map", "nl")
        page.fill("#q", "")
        # Stories, meeting places and coverage are on the page.
        assert PUBLIC_STORY in page.locator("#stories").inner_text()
        assert PUBLIC_PLACE in page.locator("#meeting-places").inner_text()
        assert page.locator("#coverage tbody tr").count() == len(_data(out)["coverage"]["areas"])
        body = page.locator("body").inner_text()
        assert settings.OSM_ATTRIBUTION in body and settings.CBS_ATTRIBUTION in body
        assert settings.OSM_ATTRIBUTION in page.locator(".leaflet-control-attribution").inner_text()
        page.screenshot(path=str(ARTIFACTS / "publish_site_nl.png"), full_page=True)
        violations = axe_violations(page)
        assert not violations, describe(violations)
        # English with one button: lang and texts switch.
        page.click("#lang-en")
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("#status").inner_text() == i18n.t("shown", "en", shown=report.assets, total=report.assets)
        assert page.locator("#stories h2").inner_text() == i18n.t("site_stories_title", "en")
        violations = axe_violations(page)
        assert not violations, describe(violations)
        # No request leaves the folder except the background tiles.
        folder = out.resolve().as_uri() + "/"
        outside = [u for u in requests if not u.startswith(folder) and not u.startswith(TILES)]
        assert not outside, outside
        assert any(u.startswith(TILES) for u in requests)  # the tiles were asked for (and blocked)
        assert dialogs == [] and errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_site_on_a_phone_allows_zoom_and_large_touch_targets(site, chromium):
    out, report = site
    page, requests, dialogs, errors = _open(chromium, out, viewport={"width": 390, "height": 844},
                                            device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        viewport = page.locator('meta[name="viewport"]').get_attribute("content")
        assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
        # A checkbox is reached through its label (.check), which is the touch target.
        small = page.evaluate("""() => Array.from(document.querySelectorAll(
            'button, select, input:not([type=checkbox]), summary, .check, nav a, .leaflet-marker-icon, .leaflet-bar a'))
            .filter(e => e.offsetParent !== null)
            .map(e => [e.id || e.className || e.tagName, e.getBoundingClientRect().height])
            .filter(([name, h]) => h < 44)""")
        assert small == [], small
        assert page.locator(".leaflet-marker-icon").count() == report.assets
        page.screenshot(path=str(ARTIFACTS / "publish_site_phone.png"), full_page=True)
        assert errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_from_the_canvas_threshold_on_the_map_draws_circles_and_the_list_opens_them(mixed_workspace, chromium,
                                                                                   tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "CANVAS_FROM", 50)  # the setting, lowered so the Delft site is "large"
    out = tmp_path / "groot"
    report = publish_site(mixed_workspace, out)
    page, requests, dialogs, errors = _open(chromium, out)
    try:
        assert page.locator(".leaflet-marker-icon").count() == 0
        assert page.locator(".leaflet-overlay-pane canvas").count() == 1
        assert page.locator("#map-hint").inner_text() == i18n.t("site_map_hint_many", "nl")
        page.fill("#q", "pluktuin")
        page.wait_for_function("document.querySelectorAll('#list > li').length === 1")
        page.locator("#list summary").first.click()
        # The entry's own button, added when it opens (not the first of the page, which may be a story's).
        page.locator("#list").get_by_role("button", name=i18n.t("site_show_on_map", "nl")).first.click()
        page.locator(".leaflet-popup-content").wait_for()
        assert PUBLIC_PLACE in page.locator(".leaflet-popup-content").inner_text()
        assert report.assets > 50 and errors == []
    finally:
        page.context.close()


# ---------------------------------------------------------------------- the Data page
@pytest.mark.slow
def test_a_coordinator_republishes_from_the_data_page(mixed_workspace, tmp_path, monkeypatch):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    workspace = tmp_path / mixed_workspace.name
    workspace.write_bytes(mixed_workspace.read_bytes())
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(workspace))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")  # a coordinator on their own computer
    try:
        monkeypatch.setattr(settings, "PUBLISH_DIR", None)
        at = AppTest.from_file(str(REPO / "pages" / "4_Data.py"), default_timeout=180)
        at.run()
        assert not at.exception
        assert i18n.t("publish_unset", "nl") in [c.value for c in at.caption]
        assert not [b for b in at.button if b.key == "publish_site"]
        target = tmp_path / "web" / "buurtkaart"
        target.parent.mkdir()
        monkeypatch.setattr(settings, "PUBLISH_DIR", str(target))
        at.run()
        at.button(key="publish_site").click().run()
        assert not at.exception and not at.error
        assert at.success[0].value.startswith(i18n.t("publish_done", "nl", assets=0, size="0").split(":")[0])
        assert is_publication(target) and (target / "index.html").is_file()
        data = (target / "data.js").read_text(encoding="utf-8")
        assert PUBLIC_PLACE in data and not any(secret in data for secret in SECRETS)
        # A folder that holds other files is refused on the page too, with the message that says what to do.
        (target / MARKER).unlink()
        at.button(key="publish_site").click().run()
        assert not at.exception and at.error and target.is_dir()
    finally:
        config.set_option("server.address", before)


@pytest.mark.browser
def test_an_empty_workspace_gives_a_working_site(chromium, tmp_path):
    from assetmap.service import create_workspace

    create_workspace(tmp_path / "leeg.gpkg").close()
    report = publish_site(tmp_path / "leeg.gpkg", tmp_path / "site")
    assert report.assets == 0 and not report.coverage
    page, requests, dialogs, errors = _open(chromium, tmp_path / "site")
    try:
        assert errors == []
        assert page.locator("#status").inner_text().startswith(i18n.t("shown", "nl", shown=0, total=0))
        assert page.locator("#coverage").inner_text().endswith(i18n.t("site_coverage_none", "nl"))
        assert i18n.t("site_no_stories", "nl") in page.locator("#stories").inner_text()
    finally:
        page.context.close()
