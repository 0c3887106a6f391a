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
