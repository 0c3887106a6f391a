"""The messages a newcomer meets first, in their own words.

A refused building block names the column as the file does and the values that are accepted in
the reader's language; an unreachable PDOK says so without library text, an address or a CLI flag,
and without a raw warning before it.
"""

from __future__ import annotations

import pytest

from assetmap import settings
from assetmap.cli import main
from assetmap.demo import build_demo


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("first") / "demo.gpkg"
    build_demo(path)
    return path


def test_a_refused_building_block_names_the_files_column_and_the_dutch_words(demo_file, tmp_path, capsys):
    table = tmp_path / "tafel.csv"
    table.write_text("naam,bouwsteen,lat,lon\nMarie zingt,kasteel,52.0010,4.3710\n", encoding="utf-8")
    before = demo_file.read_bytes()
    assert main(["import", str(demo_file), str(table), "--lang", "nl"]) == 2
    err = capsys.readouterr().err
    assert "rij 2, kolom 'bouwsteen': 'kasteel'" in err
    for words in ("1 (individueel, persoon, talent)", "5 (verhaal, cultuur)", "6 (initiatief)"):
        assert words in err, words
    line = next(x for x in err.splitlines() if "kasteel" in x)
    assert "building_block" not in line and "individual, association" not in line
    assert main(["import", str(demo_file), str(table), "--lang", "en"]) == 2
    assert "row 2, column 'bouwsteen'" in capsys.readouterr().err
    assert demo_file.read_bytes() == before


def test_individueel_is_a_building_block(demo_file, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy.gpkg"
    shutil.copy(demo_file, copy)
    table = tmp_path / "tafel.csv"
    table.write_text("naam,bouwsteen,lat,lon\nMarie zingt,individueel,52.0010,4.3710\n", encoding="utf-8")
    assert main(["import", str(copy), str(table), "--lang", "nl"]) == 0


def test_an_unreachable_pdok_is_one_message_in_the_users_words(demo_file, tmp_path, monkeypatch, capfd):
    import shutil

    copy = tmp_path / "copy.gpkg"
    shutil.copy(demo_file, copy)
    # A real lookup of a name that never resolves (RFC 2606 reserves .invalid).
    monkeypatch.setattr(settings, "PDOK_WFS_URL", "https://pdok.invalid/wijkenbuurten/wfs")
    assert main(["import-boundaries", str(copy), "--gemeente", "GM0503", "--lang", "nl"]) == 2
    captured = capfd.readouterr()
    err = captured.err + captured.out
    assert "PDOK is niet bereikbaar (geen internetverbinding, of de naam van de server is onbekend)" in err
    for leak in ("CURL", "curl", "http", "pdok.invalid", "--file", "Warning", "pyogrio"):
        assert leak not in err, leak
    assert err.strip().count("\n") == 0  # one line: nothing printed before it


def test_the_shipped_template_says_where_its_example_rows_lie():
    from pathlib import Path

    import pandas as pd

    template = Path(__file__).resolve().parent.parent / "data" / "workshop_template.xlsx"
    explanation = pd.read_excel(template, sheet_name="uitleg")
    first = " ".join(str(v) for v in explanation.iloc[0])
    assert "Den Haag" in first and "buiten het gebied" in first  # the first thing a reader of the sheet meets
