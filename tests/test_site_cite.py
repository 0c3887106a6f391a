"""What people take home from the Delft demo's maps and site (issues #30 and #31): flagged areas, no
gap dots where a figure is withheld, numbers in the reader's locale, a short phone page, and a base
map that needs no internet.

The demo's OSM extract covers the TU campus and Wippolder: every wijk is partly outside it, and all
but Wippolder so far outside that their figure is withheld.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from assetmap import coverage, i18n, maps
from assetmap.coverage_notes import partial_note
from assetmap.demo import build_demo
from assetmap.numbers import decimal, percent
from assetmap.service import open_workspace

VOORHOF, WIPPOLDER = "WK050324", "WK050328"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path)
    return path


@pytest.fixture(scope="module")
def demo_result(demo):
    with open_workspace(demo) as ws:
        return coverage.compute_coverage(coverage.load_inputs(ws))


def _dots(page: str) -> np.ndarray:
    """The lon/lat of every gap dot a rendered coverage map draws (its dot cloud, delta-encoded)."""
    data = json.JSONDecoder().raw_decode(page, page.index('({"scale":') + 1)[0]
    return np.cumsum(np.column_stack([data["x"], data["y"]]), axis=0) / data["scale"]


# ---------------------------------------------------------------------- gap dots
def test_no_gap_dot_is_drawn_inside_an_area_whose_figure_is_withheld(demo_result):
    result = demo_result
    areas = result.areas
    withheld = areas[areas["withheld"].to_numpy(dtype=bool)]
    shown = areas[~areas["withheld"].to_numpy(dtype=bool)]
    assert VOORHOF in set(withheld["buurt_code"]) and list(shown["buurt_code"]) == [WIPPOLDER]
    # The analysis keeps every resident beyond reach; only the drawing leaves the withheld areas out.
    in_withheld = result.gaps["buurt_code"].isin(set(withheld["buurt_code"])).to_numpy()
    assert in_withheld.sum() > 0
    table = result.gap_coordinates
    assert len(table) == int((~in_withheld).sum()) > 0
    page = maps.coverage_map(areas, gaps=table, lang="nl", minutes=result.minutes).get_root().render()
    dots = shapely.points(_dots(page))
    assert len(dots) == len(table)
    # Geometric: no dot lies inside a withheld wijk (its outline shrunk by the 1 m that drawing rounds to).
    inside = shapely.union_all(withheld.to_crs(28992).buffer(-1.0).to_crs(4326).geometry.array)
    assert not shapely.intersects(dots, inside).any()
    # ... and every dot lies in the wijk whose figure is shown.
    assert shapely.intersects(dots, shapely.union_all(shown.to_crs(28992).buffer(1.0).to_crs(4326).geometry.array)).all()


# ---------------------------------------------------------------------- popup numbers
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_coverage_map_tooltips_write_numbers_in_the_readers_locale_and_flag_partial_areas(demo_result, lang):
    result = demo_result
    rows = result.areas.set_index("buurt_code")
    wippolder, voorhof = rows.loc[WIPPOLDER], rows.loc[VOORHOF]
    page = maps.coverage_map(result.areas, gaps=result.gap_coordinates, lang=lang,
                             minutes=result.minutes).get_root().render()
    population = decimal(int(wippolder["population"]), lang)
    assert population == {"nl": "8.126", "en": "8,126"}[lang]
    assert f"{i18n.t('col_population', lang)}: {population}<" in page
    assert f"{i18n.t('col_pct', lang)}: {percent(wippolder['coverage_pct'], lang, 0)}<" in page
    assert "8 126" not in page  # the old "12 040" style, in neither language
    # Each partial area says so in the tooltip, in the table's words; Voorhof's figure is a dash.
    for row in (wippolder, voorhof):
        assert partial_note(row.to_dict(), lang) in page
    assert f"{i18n.t('col_pct', lang)}: –<br>{i18n.t('col_population', lang)}: {decimal(int(voorhof['population']), lang)}<" in page


# ---------------------------------------------------------------------- the site's coverage section
def _site_data(folder) -> dict:
    text = (folder / "data.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("{"): text.rindex("}") + 1])


@pytest.fixture(scope="module")
def sites(demo, tmp_path_factory):
    """The demo published whole (every wijk) and for Wippolder alone."""
    from assetmap.cli import main

    out = tmp_path_factory.mktemp("sites")
    assert main(["publish", str(demo), str(out / "delft"), "--lang", "nl"]) == 0
    assert main(["publish", str(demo), str(out / "wippolder"), "--area", WIPPOLDER, "--lang", "nl"]) == 0
    return {"delft": out / "delft", "wippolder": out / "wippolder"}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_sites_coverage_flags_every_partial_area_and_gives_no_bare_total(sites, demo_result, lang):
    result = demo_result
    rows = {r["code"]: r for r in result.to_dict()["buurten"]}
    cov = _site_data(sites["delft"])["coverage"]
    areas = {a["code"]: a for a in cov["areas"]}
    assert set(areas) == set(rows) and len(areas) == 6
    for code, area in areas.items():
        row = rows[code]
        # Every area of the demo is partly outside the data: each carries its flag, in the CLI's words.
        assert area["partial"] and area["note"][lang] == partial_note(row, lang) != ""
        cells = area["cells"][lang]
        assert cells[0] == row["name"] and cells[1] == decimal(row["population"], lang)
        if row["withheld"]:
            assert area["pct"] is None and cells[2:] == ["–"] * 4  # a dash, never 0 %
        else:
            assert cells[4] == percent(row["coverage_pct"], lang)
    assert areas[VOORHOF]["withheld"] and areas[VOORHOF]["cells"][lang][4] == "–"
    # The area with a figure leads the table; the withheld ones follow by name (their "beyond reach" is the data's edge).
    assert [a["code"] for a in cov["areas"]][0] == WIPPOLDER
    assert [a["name"] for a in cov["areas"][1:]] == sorted(r["name"] for r in rows.values() if r["withheld"])
    assert areas[WIPPOLDER]["cells"][lang][1] == {"nl": "8.126", "en": "8,126"}[lang]
    # The whole gemeente lies mostly outside the data: its headline gives no figure, only the flag.
    assert cov["total"]["withheld"] and cov["pct"] is None
    lines = cov["lines"][lang]
    assert lines[0] == partial_note({**cov["total"], "level": "gemeente"}, lang)
    assert percent(22, lang, 0) in lines[0]  # 12,040 of Delft's 54,865 residents (CBS) lie inside the data
    headline = i18n.t("site_coverage_total", lang, minutes="10", pct="x", population="y")
    assert not any(line.startswith(headline[:20]) for line in lines)  # no headline figure at all
    assert decimal(54865, lang) in " ".join(lines)  # the partial summary: 12.040 of 54.865 residents (CBS)
    assert lines[-1].startswith({"nl": "Methode", "en": "Method"}[lang])  # the method stamp
    # The site draws no gap dots at all (so none in a withheld area): no resident's point is in its data.
    text = (sites["delft"] / "data.js").read_text(encoding="utf-8")
    assert "gap" not in json.dumps(cov) and '"gaps"' not in text and "gap_coordinates" not in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_one_partial_wijk_shows_its_figure_with_its_flag(sites, demo_result, lang):
    row = next(r for r in demo_result.to_dict()["buurten"] if r["code"] == WIPPOLDER)
    cov = _site_data(sites["wippolder"])["coverage"]
    assert [a["code"] for a in cov["areas"]] == [WIPPOLDER]
    assert cov["pct"] == row["coverage_pct"] and cov["total"]["partial"] and not cov["total"]["withheld"]
    headline, flag = cov["lines"][lang][:2]
    assert percent(row["coverage_pct"], lang) in headline and decimal(row["population"], lang) in headline
    assert headline == i18n.t("site_coverage_total", lang, minutes=decimal(cov["minutes"], lang),
                              pct=percent(row["coverage_pct"], lang), population=decimal(row["population"], lang))
    assert flag == partial_note(row, lang)


@pytest.mark.browser
@pytest.mark.slow
def test_the_site_page_shows_the_flags_and_no_figure_for_withheld_areas(sites):
    from browsing import chromium, require_chromium

    require_chromium()
    data = _site_data(sites["delft"])["coverage"]
    with chromium() as browser:
        page = browser.new_page()
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page.goto((sites["delft"] / "index.html").as_uri())
        page.wait_for_selector("html[data-ready]")
        for lang in ("nl", "en"):
            if lang == "en":
                page.click("#lang-en")
                page.wait_for_function("document.documentElement.lang === 'en'")
            # The headline and its flags are in view; the table, the areas' flags and the method fold under one line.
            folded = page.locator("#coverage").inner_text()
            for line in data["lines"][lang][:-1]:
                assert line in folded
            assert data["lines"][lang][-1] not in folded and "Voorhof" not in folded
            page.click("#coverage-more > summary")
            text = page.locator("#coverage").inner_text()
            for line in data["lines"][lang]:
                assert line in text
            notes = page.locator("#coverage .partial-note").all_inner_texts()
            assert len(notes) == 6 and any(n.endswith(data["areas"][0]["note"][lang]) for n in notes)
            voorhof = page.locator("#coverage tbody tr", has_text="Voorhof").locator("td").all_inner_texts()
            assert voorhof == [{"nl": "3.314", "en": "3,314"}[lang], "–", "–", "–", "–"]
            wippolder = page.locator("#coverage tbody tr", has_text="Wippolder").locator("td").all_inner_texts()
            assert wippolder[3] == {"nl": "64,2\u00a0%", "en": "64.2%"}[lang]
            # The % column: a dash in every withheld area, never 0 %.
            column = page.locator("#coverage tbody tr td:nth-of-type(4)").all_inner_texts()
            assert sorted(column) == sorted(["–"] * 5 + [wippolder[3]])
        page.close()


# ---------------------------------------------------------------------- offline base map
def test_the_site_carries_its_own_base_map_around_its_areas(sites, demo):
    from assetmap.basemap import OFFLINE_STYLE

    whole, wijk = _site_data(sites["delft"]), _site_data(sites["wippolder"])
    assert whole["basemap_style"] == OFFLINE_STYLE
    for data in (whole, wijk):
        kinds = {f["properties"]["kind"] for f in data["basemap"]["features"]}
        assert {"street", "water", "green"} <= kinds
    with open_workspace(demo) as ws:
        edges = ws.walk_network()[1].to_crs(4326)
        area = ws.boundaries().set_index("code").loc[[WIPPOLDER]].to_crs(28992)
    # The wijk's site keeps only what lies near the wijk: fewer streets, none far beyond it.
    streets = {k: shapely.from_geojson(json.dumps(next(f["geometry"] for f in d["basemap"]["features"]
                                                     if f["properties"]["kind"] == "street")))
               for k, d in (("whole", whole), ("wijk", wijk))}
    assert shapely.get_num_geometries(streets["wijk"]) < shapely.get_num_geometries(streets["whole"])
    near = area.buffer(400).to_crs(4326).union_all()
    assert shapely.covers(near.envelope.buffer(1e-4), streets["wijk"])
    assert not shapely.covers(near.envelope, streets["whole"])
    assert len(edges) > 0


@pytest.mark.browser
@pytest.mark.slow
def test_the_site_map_draws_streets_offline_and_steps_aside_for_tiles(sites, tmp_path):
    from PIL import Image

    from browsing import chromium, require_chromium

    require_chromium()
    street = '.leaflet-overlay-pane path[stroke="{}"]'.format(_site_data(sites["wippolder"])["basemap_style"]["street"]["color"])
    tile = tmp_path / "tile.png"
    Image.new("RGB", (256, 256), (240, 240, 240)).save(tile)
    with chromium() as browser:
        page = browser.new_page()
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page.goto((sites["wippolder"] / "index.html").as_uri())
        page.wait_for_selector("html[data-ready]")
        # Offline: the streets are drawn (in pieces of about 1,200 points, one piece a task), under the outlines.
        assert page.locator(street).count() >= 1
        assert page.evaluate(f"""() => {{
            const paths = [...document.querySelectorAll('.leaflet-overlay-pane path')];
            const streets = paths.filter(p => p.matches('{street}')).map(p => paths.indexOf(p));
            const outlines = paths.filter(p => p.getAttribute('stroke-dasharray')).map(p => paths.indexOf(p));
            return outlines.length > 0 && Math.max(...streets) < Math.min(...outlines);
        }}""")
        assert page.locator('.leaflet-overlay-pane path[fill="{}"]'.format("#a9cfe8")).count() >= 1  # water
        page.close()
        # Online (a tile server that answers): the first tile takes the base map's place.
        page = browser.new_page()
        page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(path=str(tile), content_type="image/png"))
        page.goto((sites["wippolder"] / "index.html").as_uri())
        page.wait_for_selector("html[data-ready]")
        page.wait_for_selector(".leaflet-tile-loaded")
        page.wait_for_function(f"document.querySelectorAll('{street}').length === 0")
        assert page.locator(".leaflet-overlay-pane path").count() >= 1  # the wijk's outline stays
        page.close()


def test_a_storys_date_is_written_in_each_language_and_a_typed_text_stays_as_typed():
    from assetmap._site_records import _written_date

    assert _written_date("2026-12-07") == {"nl": "7 december 2026", "en": "7 December 2026", "tr": "7 Aralık 2026",
                                           "ar": "7 ديسمبر 2026", "pl": "7 grudnia 2026"}
    assert _written_date("Sinds 1985") == {x: "Sinds 1985" for x in ("nl", "en", "tr", "ar", "pl")}
    assert _written_date(None) == "" == _written_date("  ")
