"""Photos on the static resident map (issue #34): the real Delft workspace with 50 approved photos.

* the site holds the thumbnails of the approved photos of public entries and nothing else: not a
  pending photo, not one of a private entry, not one of a person; no byte of GPS or EXIF anywhere;
* the Delft site with 50 photos stays under 5 MB;
* in Chromium a place's popup shows its photo, with the caption as ``alt`` text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from photo_files import EXIF_TRACES, GPS_TRACES, phone_photo, traces_in
from shapely.geometry import Point

from assetmap.layers.photos import THUMBNAIL_PX
from assetmap.publish import publish_site
from assetmap.service import Actor, open_workspace

import browsing
from browsing import require_chromium

TABLE = Actor("tafel 3", "workshop")
COORDINATOR = Actor("carla", "coordinator")
PUBLIC = Actor(None, "public")
SITE_BUDGET = 5 * 1024 * 1024
WIPPOLDER = Point(4.3730, 52.0018)


@pytest.fixture(scope="module")
def photo_site(delft_workspace_file, tmp_path_factory):
    """Delft with 50 approved photos on public entries, and three that must not be shown; its site."""
    folder = tmp_path_factory.mktemp("photo-site")
    workspace = folder / "delft.gpkg"
    workspace.write_bytes(Path(delft_workspace_file).read_bytes())
    with open_workspace(workspace) as ws:
        public = ws.assets(actor=PUBLIC)
        entries = list(public[public["building_block"] != "individual"]["id"][:49])
        place = ws.add_entry({"name": "Pluktuin met foto", "building_block": "resource", "visibility": "public",
                              "consent": True}, WIPPOLDER, COORDINATOR)
        shown = {}
        for n, entry in enumerate([place, *entries]):
            added = ws.add_photo(entry, phone_photo(size=(1600 + n, 1200)), caption=f"Foto {n} van de buurt",
                                 credit="Ans", actor=TABLE)
            shown[added["id"]] = added["thumbnail_sha256"]
        private = ws.add_entry({"name": "Geheime schuur", "building_block": "resource", "visibility": "private"},
                               WIPPOLDER, COORDINATOR)
        person = ws.add_entry({"name": "Repareert fietsen", "building_block": "individual", "visibility": "public",
                               "consent": True}, WIPPOLDER, TABLE)
        hidden = [ws.add_photo(e, phone_photo(), caption="Niet openbaar", actor=a)["id"]
                  for e, a in ((private, COORDINATOR), (person, TABLE))]
        ws.approve_photos([*shown, *hidden], actor=COORDINATOR)
        hidden.append(ws.add_photo(place, phone_photo(), caption="Wacht nog", actor=TABLE)["id"])  # pending
    out = folder / "site"
    publish_site(workspace, out)
    return out, shown, hidden


def _data(out: Path) -> dict:
    text = (out / "data.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.ASSETMAP_SITE = ").rstrip().rstrip(";"))


def test_the_site_shows_only_approved_photos_of_public_entries_and_no_trace_of_gps(photo_site):
    from assetmap.layers.photos import checksum

    out, shown, hidden = photo_site
    files = {p.stem: p for p in (out / "photos").iterdir()}
    assert set(files) == set(shown)
    assert all(checksum(files[i].read_bytes()) == shown[i] for i in shown)  # the thumbnails, as stored
    listed = [p for record in _data(out)["assets"] for p in record.get("ph", ())]
    assert sorted(p[0] for p in listed) == sorted(f"photos/{i}.jpg" for i in shown)
    assert all(p[1].startswith("Foto ") and p[2] == "Ans" for p in listed)
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            # Every photo has no trace at all; the map's own files hold real Delft coordinates near the Markt.
            assert traces_in(data, GPS_TRACES if path.suffix == ".jpg" else EXIF_TRACES) == [], path
            assert not any(i.encode() in data for i in hidden), path
            assert b"Niet openbaar" not in data and b"Wacht nog" not in data


def test_the_delft_site_with_50_photos_stays_within_its_size_budget(photo_site):
    out, shown, _ = photo_site
    assert len(shown) == 50
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert size < SITE_BUDGET, f"{size / 1024 / 1024:.1f} MB"


@pytest.mark.browser
def test_a_popup_shows_the_photo_with_its_caption_as_alt_text(photo_site):
    require_chromium()
    out, _, _ = photo_site
    with browsing.chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page.goto((out / "index.html").as_uri())
        page.wait_for_selector("html[data-ready]")
        marker = page.locator('.leaflet-marker-icon[aria-label^="Pluktuin met foto,"]')
        marker.focus()
        page.keyboard.press("Enter")
        image = page.locator(".leaflet-popup-content figure.photo img")
        image.wait_for()
        assert image.get_attribute("alt") == "Foto 0 van de buurt"
        page.wait_for_function("document.querySelector('.leaflet-popup-content figure.photo img').complete")
        width = page.evaluate("document.querySelector('.leaflet-popup-content figure.photo img').naturalWidth")
        assert 0 < width <= THUMBNAIL_PX
        assert "foto: Ans" in page.locator(".leaflet-popup-content figcaption").inner_text()


def test_the_wijk_profile_has_a_page_of_the_stories_approved_photos(tmp_path):
    """The packaged Delft demo: a public story in Wippolder gets an approved photo, another a pending one."""
    import pypdf

    from assetmap.demo import build_demo
    from assetmap.report import write_report

    path = tmp_path / "demo.gpkg"
    build_demo(path)
    with open_workspace(path) as ws:
        public = ws.assets(actor=PUBLIC)
        stories = public[(public["building_block"] == "story") & (public["wijk_code"] == "WK050328")]
        assert len(stories) >= 1
        story = stories["id"].iloc[0]
        shown = ws.add_photo(story, phone_photo(), caption="Het feest op het plein", credit="Ans", actor=TABLE)["id"]
        ws.approve_photos([shown], actor=COORDINATOR)
        ws.add_photo(story, phone_photo(), caption="Nog niet bekeken", actor=TABLE)
        write_report(ws, "WK050328", tmp_path / "profiel.pdf", lang="nl")
        write_report(ws, "WK050328", tmp_path / "profiel.html", lang="nl")
    reader = pypdf.PdfReader(tmp_path / "profiel.pdf")
    last = reader.pages[-1]
    text = " ".join(last.extract_text().split())
    assert "Foto's bij de verhalen" in text and "Het feest op het plein" in text
    assert last["/Resources"].get_object().get("/XObject"), "the photo is drawn on the page"
    assert "Nog niet bekeken" not in " ".join(p.extract_text() for p in reader.pages)
    page = (tmp_path / "profiel.html").read_text(encoding="utf-8")
    assert "alt='Het feest op het plein'" in page and "Nog niet bekeken" not in page
    assert traces_in((tmp_path / "profiel.pdf").read_bytes(), EXIF_TRACES) == []
