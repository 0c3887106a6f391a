"""The resident site of the Delft demo as a phone reader gets it, offline from ``file://`` in Chromium.

Its "Verhalen" are what people told (entries with a text), not OSM artworks and memorials (those stay
on the map as culture), so the phone page stays short; it has a meta description, and no error
reaches the console.
"""

from __future__ import annotations

import pytest

from assetmap.cli import main
from assetmap.demo import build_demo

import browsing
from browsing import require_chromium

TILES = "https://tile.openstreetmap.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    workspace = folder / "demo.gpkg"
    build_demo(workspace)
    out = folder / "site"
    assert main(["publish", str(workspace), str(out), "--area", "WK050328", "--lang", "nl"]) == 0
    return out


def test_the_sites_stories_are_what_people_told(site):
    import json

    text = (site / "data.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("{"): text.rindex("}") + 1])
    names = [s["n"] for s in data["stories"]]
    assert names and all(s["d"] for s in data["stories"])  # every story has a text
    for artwork in ("Salami", "Ship", "Water"):  # OSM artworks: on the map, not in the list
        assert artwork not in names
        assert any(a["n"] == artwork for a in data["assets"]), artwork
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="' in html and 'content=""' not in html


@pytest.mark.browser
@pytest.mark.slow
def test_the_phone_page_is_short_and_quiet_offline(site):
    require_chromium()
    with browsing.chromium() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.route(TILES + "**", lambda route: route.abort())
        page.on("requestfailed", lambda r: None)
        page.goto((site / "index.html").as_uri())
        page.wait_for_selector("html[data-ready]")
        height = page.evaluate("document.documentElement.scrollHeight")
        # 7,483 px before (36 OSM artworks listed as stories, every filter open); 3,196 with the
        # stories, the coverage table and its flags unfolded.
        assert height <= 2500, height
        assert page.locator("#story-list article").count() == 2
        # Folded, not gone: a story opens to its text, and the page is as short in English.
        story = page.locator("#story-list details").first
        story.locator("summary").click()
        assert story.locator("p").first.is_visible()
        page.click("#lang-en")
        page.wait_for_function("document.documentElement.lang === 'en'")
        assert page.evaluate("document.documentElement.scrollHeight") <= 2500
        description = page.locator('meta[name="description"]').get_attribute("content")
        assert description and "buurt" in description.lower()
        # Blocked tiles are the only failed loads; nothing else complains.
        assert [p for p in problems if "tile.openstreetmap.org" not in p and "ERR_FAILED" not in p] == []
        context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_long_sections_show_their_first_three_and_the_rest_on_a_button(site, tmp_path):
    """A buurt with many stories and meeting places: the phone page stays short; nothing is lost."""
    import json
    import shutil

    from assetmap import i18n

    require_chromium()
    many = tmp_path / "many"
    shutil.copytree(site, many)
    text = (many / "data.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("{"): text.rindex("}") + 1])
    story = data["stories"][0]
    data["stories"] = [dict(story, n=f"Verhaal {k:02d}") for k in range(12)]
    data["meeting_places"] = list(range(14))
    (many / "data.js").write_text("window.ASSETMAP_SITE = " + json.dumps(data) + ";\n", encoding="utf-8")
    with browsing.chromium() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.route(TILES + "**", lambda route: route.abort())
        page.goto((many / "index.html").as_uri())
        page.wait_for_selector("html[data-ready]")
        assert page.evaluate("document.documentElement.scrollHeight") <= 2500
        assert page.locator("#story-list article").count() == 3
        assert page.locator("#meeting-list > li").count() == 3
        button = page.locator("#story-list-more")
        assert button.inner_text() == i18n.t("site_show_more", "nl", count=9)
        button.click()
        assert page.locator("#story-list article").count() == 12 and page.locator("#story-list-more").count() == 0
        # Focus goes to the first story that appeared, so a keyboard user reads on where the list grew.
        assert page.evaluate("document.activeElement.textContent") == "Verhaal 03"
        page.locator("#meeting-list-more").click()
        assert page.locator("#meeting-list > li").count() == 14
        assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('#meeting-list > li')[3]")
        page.locator("#story-list summary").first.click()  # an open story, its heading inside its summary
        violations = browsing.axe_violations(page)
        assert not violations, browsing.describe(violations)
        context.close()
