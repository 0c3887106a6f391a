"""The app's map with thousands of assets: dots on one canvas, popups and tooltips on demand.

From ``maps.CANVAS_FROM`` assets on, :func:`assetmap.maps.asset_map` draws circle markers on one
shared canvas instead of one named button per asset (10,000 buttons take the browser many seconds);
the map's accessible name then points to the list before the map. The assets lie at spread points
inside the real Delft wijken of the packaged demo (CBS wijken 2022). The browser test loads the map
from ``file://`` with Leaflet from ``static/`` in Debian's Chromium: the dots are drawn, a click on
one opens its popup, hovering shows its name, Escape closes the popup, and axe-core finds no serious
violation in the map.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from assetmap import i18n, maps, settings
from assetmap.layers import build_assets
from assetmap.layers.schema import BUILDING_BLOCKS
from assetmap.sources.cbs import read_boundaries_file

import browsing
from browsing import axe_violations, describe, require_chromium
from conftest import REPO

WIJKEN = REPO / "assetmap" / "demo" / "wijken_delft_2022.geojson"
ARTIFACTS = REPO / "test-artifacts"


def _bench_map_paint():
    """``bench/map_paint.py`` as a module: its random points inside an area, as the benchmark draws them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("map_paint", REPO / "bench" / "map_paint.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _assets_in_delft(count: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``count`` public assets at spread points inside the Delft wijken, every building block; and the wijken."""
    wijken = read_boundaries_file(WIJKEN)
    area = wijken.to_crs(settings.METRIC_CRS).union_all()
    geometry = _bench_map_paint().random_points(area, count, seed=14)
    frame = gpd.GeoDataFrame({
        "name": [f"Buurtplek {i}" for i in range(count)],
        "building_block": np.resize(BUILDING_BLOCKS, count),
        "category": "community_centre", "description": "Koffie op dinsdag",
        "is_meeting_place": np.arange(count) % 10 == 0, "visibility": "public", "consent": True,
    }, geometry=geometry.to_numpy(), crs=settings.STORAGE_CRS)
    return build_assets(frame, source="workshop"), wijken


def test_below_the_threshold_markers_are_named_buttons_and_from_it_dots_on_one_canvas():
    assets, wijken = _assets_in_delft(maps.CANVAS_FROM)
    below = maps.asset_map(assets.iloc[:maps.CANVAS_FROM - 1], wijken, tiles=False).get_root().render()
    assert "L.divIcon" in below and "assetmapDots" not in below
    assert i18n.t("map_canvas_hint", "nl", count=maps.CANVAS_FROM - 1) not in below

    many = maps.asset_map(assets, wijken, tiles=False, lang="nl").get_root().render()
    assert "L.divIcon" not in many and "L.circleMarker" in many and "assetmapDots" in many
    # The map's accessible name says where the same places can be reached with a keyboard.
    assert i18n.t("map_canvas_hint", "nl", count=maps.CANVAS_FROM) in many
    # Popups and tooltips are bound on demand, not once per dot at load.
    assert "layer.bindPopup(p.popup, {maxWidth: 280}).openPopup()" in many
    assert many.count("Buurtplek 1999") == 2  # in the tooltip and in the popup of its feature



def test_names_on_the_canvas_map_stay_text():
    assets, wijken = _assets_in_delft(maps.CANVAS_FROM)
    assets = assets.copy()
    assets.loc[assets.index[0], "name"] = "<script>alert(1)</script>"
    assets.loc[assets.index[1], "name"] = "<img src=x onerror=alert(2)>"
    many = maps.asset_map(assets, wijken, tiles=False, lang="nl").get_root().render()
    assert "assetmapDots" in many
    assert "<script>alert(1)" not in many and "<img src=x" not in many  # only as escaped text
    assert "alert(1)" in many and "alert(2)" in many

@pytest.mark.browser
@pytest.mark.slow
def test_thousands_of_dots_draw_on_a_canvas_and_open_their_popup_in_chromium(tmp_path):
    require_chromium()
    count = maps.CANVAS_FROM + 500
    assets, wijken = _assets_in_delft(count)
    html_file = tmp_path / "many.html"
    html_file.write_text(maps.asset_map(assets, wijken, tiles=False, lang="nl",
                                        leaflet_base=(REPO / "static" / "leaflet").as_uri()).get_root().render(),
                         encoding="utf-8")
    target = assets.iloc[1234]
    with browsing.chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(html_file.as_uri())
        page.wait_for_function("() => window.assetmapDots && document.querySelector('canvas.leaflet-zoom-animated')")
        assert page.locator(".leaflet-marker-icon").count() == 0
        assert page.locator("canvas.leaflet-zoom-animated").count() >= 1
        dots = page.evaluate("""() => { const map = Object.values(window).find(v => v instanceof L.Map);
            let n = 0; map.eachLayer(l => { if (l instanceof L.CircleMarker && l.feature) { n += 1; } }); return n; }""")
        assert dots == count
        label = page.locator(".leaflet-container").get_attribute("aria-label")
        assert i18n.t("map_canvas_hint", "nl", count=count) in label

        # Zoom in on one dot so that no other covers it, then hover and click it where it is drawn.
        # On a loaded machine the map may still be fitting its first view: set the view until it holds.
        lat_lon = [target.geometry.y, target.geometry.x]
        page.wait_for_function("""([lat, lon]) => { const map = Object.values(window).find(v => v instanceof L.Map);
            const c = map.getCenter();
            if (map.getZoom() === 19 && Math.abs(c.lat - lat) < 1e-6 && Math.abs(c.lng - lon) < 1e-6) { return true; }
            map.setView([lat, lon], 19, {animate: false}); return false; }""", arg=lat_lon, polling=200)
        page.wait_for_timeout(300)  # the canvas redraws in the next frames
        where = page.evaluate("""([lat, lon]) => { const map = Object.values(window).find(v => v instanceof L.Map);
            const p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y]; }""", lat_lon)
        page.mouse.move(where[0], where[1])
        page.wait_for_selector(".leaflet-tooltip", timeout=10_000)
        assert page.locator(".leaflet-tooltip").inner_text() == target["name"]
        page.mouse.click(where[0], where[1])
        popup = page.wait_for_selector(".leaflet-popup-content", timeout=10_000)
        assert target["name"] in popup.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map_many_dots.png"))
        # A bare folium file has no <title>; in the app the map lives in the st_folium frame, whose page has one.
        page.evaluate("() => { document.title = 'Kaart'; }")
        violations = axe_violations(page)
        assert not violations, describe(violations)
        page.keyboard.press("Escape")
        page.wait_for_selector(".leaflet-popup", state="detached", timeout=10_000)
