"""One locale for numbers and dates (``assetmap.numbers``), and the faces that write figures with it.

Dutch: ``43,3 %``, ``4,5``, ``12.040``, ``7 december 2026``; English: ``43.3%``, ``12,040``,
``7 December 2026``. The CLI's human output and the app's maps use the same helpers.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from assetmap.cli import main
from assetmap.demo import build_demo
from assetmap.numbers import day, decimal, percent


def test_dutch_and_english_numbers_and_dates():
    assert decimal(12040, "nl") == "12.040" and decimal(12040, "en") == "12,040"
    assert decimal(4.5, "nl", 1) == "4,5" and decimal(4.5, "en", 1) == "4.5" and decimal(4, "nl", 1) == "4,0"
    assert percent(43.3, "nl") == "43,3\xa0%" and percent(43.3, "en") == "43.3%"
    assert percent(64.2, "nl", 0) == "64\xa0%" and percent(None, "nl") == "–" and decimal(float("nan"), "en") == "–"
    assert day(date(2026, 12, 7), "nl") == "7 december 2026" and day(date(2026, 12, 7), "en") == "7 December 2026"
    assert day("2026-12-07T02:37:00+00:00", "nl") == "7 december 2026"
    assert day(datetime(2026, 1, 2, 23, 0), "en") == "2 January 2026"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("numbers") / "demo.gpkg"
    build_demo(path)
    return path


def test_the_cli_writes_figures_in_the_language_of_its_messages(demo_file, capsys):
    assert main(["--lang", "nl", "coverage", str(demo_file), "--no-save"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "ontmoetingsplekken; binnen" in x)
    assert re.search(r"bij 4,5 km/u: [\d.]+ van [\d.]+ bewoners \(\d+,\d\xa0%\)", line), line
    assert not re.search(r"\d\.\d%|\d \d{3}\b", line)
    assert main(["--lang", "en", "coverage", str(demo_file), "--no-save"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "meeting places; within" in x)
    assert re.search(r"at 4\.5 km/h: [\d,]+ of [\d,]+ residents \(\d+\.\d%\)", line), line


def test_the_web_maps_draw_a_metric_scale_bar_only():
    from assetmap import _map_elements

    page = _map_elements._base_map(None, False).get_root().render()
    assert "L.control.scale({imperial: false})" in page
    assert "L.control.scale()" not in page  # Leaflet's default shows feet and miles under the metres


def test_lang_works_before_and_after_the_command(demo_file, capsys):
    assert main(["coverage", str(demo_file), "--no-save", "--lang", "nl"]) == 0
    after = capsys.readouterr().out
    assert main(["--lang", "nl", "coverage", str(demo_file), "--no-save"]) == 0
    before = capsys.readouterr().out
    assert "ontmoetingsplekken; binnen" in after and after == before
    assert re.search(r"laatste invoer van een bijeenkomst \d{1,2} \w+ 20\d\d", after)
    assert main(["activity", "list", str(demo_file), "--lang", "nl"]) == 0  # a nested command too
    assert "Geen activiteiten" in capsys.readouterr().out
