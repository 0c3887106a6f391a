"""The workshop poster as a table reads it: every number named, no text over another, the profile's count.

The workspace is the Delft demo (``assetmap demo``); its wijk Wippolder has more public entries than
fit below the map, so the poster gets a second sheet. Texts are measured with matplotlib's own
extents (the figures :func:`assetmap.poster.poster_pdf` saves), the PDF is read back with pypdf.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from assetmap.demo import build_demo
from assetmap.poster import LAYOUT, poster_figures, poster_pdf
from assetmap.report import build_profile
from assetmap.service import open_workspace

AREA = "WK050328"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("poster") / "demo.gpkg"
    build_demo(path)
    return path


def _boxes(fig):
    """Every figure-level text with its box in figure fractions (x0, y0, x1, y1)."""
    renderer = fig.canvas.get_renderer()
    out = []
    for text in fig.texts:
        if not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer).transformed(fig.transFigure.inverted())
        out.append((text.get_text(), (box.x0, box.y0, box.x1, box.y1)))
    return out


def _overlap(a, b, tolerance=1e-4):
    return a[0] < b[2] - tolerance and b[0] < a[2] - tolerance and a[1] < b[3] - tolerance and b[1] < a[3] - tolerance


@pytest.mark.parametrize("size", ["A3", "A2", "A1", "A0"])
def test_no_poster_text_overlaps_another_or_leaves_its_frame(demo_file, size):
    with open_workspace(demo_file) as ws:
        figures, poster = poster_figures(ws, AREA, size, "nl")
    assert len(figures) >= 2  # Wippolder's names do not all fit below the map
    form_left = 1 - LAYOUT["margin"] - LAYOUT["form_width"]
    aspect = figures[0].get_size_inches()[1] / figures[0].get_size_inches()[0]
    form_top = 1 - (LAYOUT["margin"] + LAYOUT["title"]) / aspect  # the title band spans the sheet
    for page, fig in enumerate(figures, start=1):
        boxes = _boxes(fig)
        assert boxes
        for k, (text, box) in enumerate(boxes):
            assert 0 <= box[0] and box[2] <= 1 and 0 <= box[1] and box[3] <= 1, (size, page, text, box)
            beside_form = page == 1 and box[1] < form_top
            if beside_form and box[0] < form_left:  # the map and legend side stays out of the form
                assert box[2] <= form_left, (size, text, box)
            if beside_form and box[0] >= form_left:  # the form's texts stay inside the form
                assert box[2] <= form_left + LAYOUT["form_width"] - 0.004, (size, text, box)
            for other, other_box in boxes[k + 1:]:
                assert not _overlap(box, other_box), (size, page, text, other)


def test_every_number_on_the_poster_is_named_and_the_count_is_the_profiles(demo_file):
    with open_workspace(demo_file) as ws:
        data, poster = poster_pdf(ws, AREA, "A1", "nl")
        profile = build_profile(ws, AREA)
    assert poster.numbered == len(profile.assets) == 111
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    named = {int(n) for n in re.findall(r"(?:^|\s)(\d{1,3})\. \S", text)}
    assert set(range(1, poster.numbered + 1)) <= named
    assert "De 111 nummers op de kaart: de openbare inbreng van Wijk 28 Wippolder (dezelfde als in het profiel)" \
        in flat
    assert "Vel 2: de nummers" in flat and "–111 van de 111 op de kaart" in flat
    # Each kind of entry with the number the form takes, initiatives included; dates in words.
    for label in ("1 Individuele capaciteiten", "5 Verhalen en cultuur", "6 Initiatieven"):
        assert label in flat, label
    assert "6 initiatieven" in flat
    assert re.search(r"afgedrukt met assetmap op \d{1,2} \w+ 20\d\d", flat)
    assert not re.search(r"20\d\d-\d\d-\d\d", flat)


def test_the_poster_in_english_says_the_same(demo_file):
    with open_workspace(demo_file) as ws:
        data, poster = poster_pdf(ws, AREA, "A3", "en")
    flat = " ".join("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).split())
    assert f"The {poster.numbered} numbers on the map: the public entries of Wijk 28 Wippolder" in flat
    assert "6 Initiatives" in flat and "Sheet 2: numbers" in flat
