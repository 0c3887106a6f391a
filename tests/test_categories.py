"""The category catalogue in layers: one table for the OSM import, the analysis and the labels."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pandas as pd
import pytest

from assetmap import coverage, settings
from assetmap.errors import InputError
from assetmap.layers import categories
from assetmap.service import open_workspace

from conftest import REPO

PACKAGE = REPO / "assetmap"


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A copy of data/ that the test may edit, in force through settings.DATA_DIR."""
    folder = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, folder)
    monkeypatch.setattr(settings, "DATA_DIR", folder)
    return folder


def test_meeting_places_and_candidates_come_from_the_catalogue():
    # Today's list: the OSM meeting places plus the workshop categories that no OSM tag gives.
    assert categories.meeting_place_categories() == (
        "community_centre", "social_centre", "library", "buurthuis", "buurtkamer", "buurtcentrum")
    assert {"school", "place_of_worship", "garden", "library"} <= set(categories.candidate_categories())
    table = categories.table()
    assert set(categories.candidate_categories()) == set(table.loc[table["meeting_place_candidate"] == "yes",
                                                                   "category"])


def test_osm_tags_follow_the_tag_rows_in_file_order():
    mapping = categories.tag_mapping()
    assert (mapping["key"] != "").all()
    assert "buurthuis" not in set(mapping["category"])  # tag-less rows match no OSM feature
    tags = categories.osm_tags()
    assert tags["shop"] is True and tags["club"] is True
    assert tags["amenity"][:3] == ["community_centre", "social_centre", "library"]
    assert list(tags) == list(dict.fromkeys(mapping["key"]))


@pytest.mark.parametrize("category, lang, expected", [
    ("library", "nl", "Bibliotheek"),
    ("library", "en", "Library"),
    ("buurtkamer", "nl", "Buurtkamer"),
    ("shop_bakery", "nl", "Bakker"),  # a shop with a row of its own: a Dutch word
    ("shop_bicycle", "nl", "Fietsenwinkel"),
    ("shop_vacuum_cleaner", "nl", "Winkel"),  # no row of its own: the wildcard row's label, no OSM value
    ("club_sport", "en", "Club"),
    ("library", "fr", "Bibliotheek"),  # unknown language: Dutch
    ("moestuin_van_els", "nl", "moestuin van els"),  # unknown category: itself, readable
    (None, "nl", ""),
    (pd.NA, "en", ""),
    (float("nan"), "nl", ""),
])
def test_labels_in_dutch_and_english(category, lang, expected):
    assert categories.label(category, lang) == expected


def test_labels_table_per_language():
    nl, en = categories.labels("nl"), categories.labels("en")
    assert nl["community_centre"] == "Buurthuis / wijkcentrum" and en["community_centre"] == "Community centre"
    assert set(nl) == set(en) == set(categories.categories())


def test_the_catalogue_in_force_is_read_when_called(data_copy, delft_workspace_file):
    """Edit the table (schools become meeting places) and every user follows: no second copy anywhere."""
    table = pd.read_csv(data_copy / "osm_tags.csv", dtype=str, keep_default_na=False)
    table.loc[table["category"] == "school", "is_meeting_place"] = "yes"
    table.loc[table["category"] == "library", "label_en"] = "Public library"
    table.to_csv(data_copy / "osm_tags.csv", index=False)
    assert "school" in categories.meeting_place_categories()
    assert categories.label("library", "en") == "Public library"
    with open_workspace(delft_workspace_file) as ws:
        inputs = coverage.load_inputs(ws)
    assert "school" in set(inputs.meeting_places["category"])
    assert "school" not in set(inputs.candidates["category"])


@pytest.mark.parametrize("row, column, words", [
    ("amenity,bench,furniture,bench,no,no,Bank,Bench", "building_block", "'furniture' is not an allowed value"),
    ("amenity,bench,resource,bench,maybe,no,Bank,Bench", "is_meeting_place", "'maybe' is not an allowed value"),
    (",,resource,plein_{value},no,no,Plein,Square", "key", "is empty"),  # {value} needs a tag
    ("amenity,,resource,bench,no,no,Bank,Bench", "value", "is empty"),
    (",bench,resource,bench,no,no,Bank,Bench", "key", "is empty"),
    ("amenity,bench,resource,,no,no,Bank,Bench", "category", "is empty"),
])
def test_a_broken_row_is_refused_with_its_row_and_column(data_copy, row, column, words):
    path = data_copy / "osm_tags.csv"
    path.write_text(path.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    rows = len(path.read_text(encoding="utf-8").splitlines()) - 1  # as a spreadsheet counts, header not counted
    with pytest.raises(InputError) as caught:
        categories.table()
    assert [(p.row, p.column, p.text()) for p in caught.value.problems] == [(rows, column, words)]
    assert categories.label("library", "nl") == "library"  # labels never fail


def test_every_broken_row_is_reported_at_once(data_copy):
    path = data_copy / "osm_tags.csv"
    path.write_text(path.read_text(encoding="utf-8") + "amenity,bench,furniture,bench,no,no,Bank,Bench\n"
                    "amenity,bin,resource,bin,misschien,no,Bak,Bin\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        categories.meeting_place_categories()
    assert [p.column for p in caught.value.problems] == ["building_block", "is_meeting_place"]


def test_a_missing_column_is_refused(data_copy):
    path = data_copy / "osm_tags.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="meeting_place_candidate")
    table.to_csv(path, index=False)
    with pytest.raises(InputError, match="meeting_place_candidate"):
        categories.candidate_categories()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("module", ["maps.py", "privacy.py", "export.py", "i18n.py",
                                    *[f"coverage/{p.name}" for p in sorted((PACKAGE / "coverage").glob("*.py"))],
                                    *[f"layers/{p.name}" for p in sorted((PACKAGE / "layers").glob("*.py"))]])
def test_analysis_texts_and_layers_never_import_sources(module):
    assert not {name for name in _imports(PACKAGE / module) if name.startswith("assetmap.sources")}


def test_no_second_copy_of_the_category_lists():
    """The meeting-place and candidate lists are written down once: in data/osm_tags.csv."""
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for words in ('"buurtkamer", "buurtcentrum"', "DEFAULT_MEETING_CATEGORIES", '"place_of_worship", "school"'):
            assert words not in text, f"{path.relative_to(REPO)} keeps its own copy ({words})"


def test_every_category_reads_as_its_own_dutch_word():
    """Two catalogue categories never share a label (the wildcard rows aside), and no label shows an OSM value."""
    dutch = {c: name for c, name in categories.labels("nl").items() if "{value}" not in c}
    assert len(set(dutch.values())) == len(dutch), sorted(n for n in dutch.values() if list(dutch.values()).count(n) > 1)
    assert categories.label("kindergarten") != categories.label("childcare")
    for value in ("bicycle", "electronics", "hairdresser", "supermarket", "vacant"):
        assert "(" not in categories.label(f"shop_{value}") and value not in categories.label(f"shop_{value}")


def test_a_category_list_shows_each_label_once():
    present = ["shop_vacuum_cleaner", "shop_tiles", "shop_bicycle", "library", "childcare", "kindergarten", "library"]
    offered = categories.choices(present, "nl")
    labels = [categories.label(c, "nl") for c in offered]
    assert labels == sorted(labels, key=str.casefold) and len(labels) == len(set(labels))
    assert offered["shop"] == ("shop_vacuum_cleaner", "shop_tiles")  # one "Winkel" stands for both
    assert offered["shop_bicycle"] == ("shop_bicycle",) and offered["library"] == ("library",)
    assert categories.canonical("moestuin") == "moestuin" and categories.canonical(None) is None


def test_the_analysis_categories_stay_as_they_were():
    """The shop rows only name categories: meeting places, candidates and OSM tags are unchanged."""
    assert not any(c.startswith("shop") for c in categories.meeting_place_categories())
    assert not any(c.startswith("shop") for c in categories.candidate_categories())
    assert categories.osm_tags()["shop"] is True
    assert list(categories.tag_mapping()["category"]).count("shop_{value}") == 1
