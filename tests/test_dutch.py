"""Dutch as people read it (issue 28): codes in words, opening hours in Dutch, Dutch Excel CSV,
Dutch widget texts, and the printed and published outputs in the language of the command line.

Real data: the Delft workspace (``delft_copy``), real GeoPackage files, the CLI's ``main`` and
Streamlit's AppTest.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from assetmap import coverage, export, i18n, maps, settings
from assetmap.cli import main
from assetmap.imports import import_workshop
from assetmap.layers import build_assets, hours
from assetmap.layers.schema import ACCESS_VALUES, INITIATIVE_STATUSES, LINK_KINDS, SEEK_VALUES, TARGET_GROUPS
from assetmap.service import Actor, open_workspace

from conftest import REPO

WEEK = date(2026, 12, 7)  # a Monday


# ---------------------------------------------------------------------- opening hours
@pytest.mark.parametrize("written, stored", [
    ("ma-vr 9-12", "Mo-Fr 09:00-12:00"),
    ("wo 19:00-22:00", "We 19:00-22:00"),
    ("za 10.00-16.00", "Sa 10:00-16:00"),
    ("ma-vr 9-12; za 10.00-16.00", "Mo-Fr 09:00-12:00; Sa 10:00-16:00"),
    ("ma t/m vr 9u-12u", "Mo-Fr 09:00-12:00"),
    ("maandag tot vrijdag 9:00 - 17:00\nzaterdag 10-16", "Mo-Fr 09:00-17:00; Sa 10:00-16:00"),
    ("di en do 10:00–12:00", "Tu,Th 10:00-12:00"),
    ("ma-vr 9-12, 13-17; feestdagen gesloten", "Mo-Fr 09:00-12:00,13:00-17:00; PH off"),
    ("dag en nacht", "24/7"),
    ("Mo-Fr 09:00-12:00", "Mo-Fr 09:00-12:00"),  # OSM syntax stays exactly as written
    ("Tu,Th 10:00-12:00", "Tu,Th 10:00-12:00"),
    ("  ", None),
])
def test_opening_hours_written_in_dutch_are_stored_in_osm_syntax(written, stored):
    assert hours.to_osm_hours(written) == stored
    if stored:
        assert hours.hours_known(stored)  # the analysis reads one syntax


def test_unreadable_opening_hours_are_a_clear_problem_naming_both_forms():
    with pytest.raises(ValueError):
        hours.to_osm_hours("elke dag vanaf tien")
    problem = hours.hours_problems(["elke dag vanaf tien"], rows=[2])[0]
    dutch = problem.render("nl")
    assert "'ma-vr 9-12; za 10-16'" in dutch and "'Mo-Fr 09:00-12:00; Sa 10:00-16:00'" in dutch
    assert "'ma-vr 9-12; za 10-16'" in str(problem)  # English names both forms too


@pytest.mark.parametrize("stored, lang, shown", [
    ("Mo-Fr 09:00-12:00; Sa 10:00-16:00", "nl", "ma–vr 09:00–12:00; za 10:00–16:00"),
    ("We 19:00-22:00; Sa 10:00-12:00", "nl", "wo 19:00–22:00; za 10:00–12:00"),
    ("Tu,Th 10:00-12:00; PH off", "nl", "di, do 10:00–12:00; feestdagen gesloten"),
    ("Mo-Su 08:00-12:00 \"op afspraak\"", "nl", "ma–zo 08:00–12:00 \"op afspraak\""),  # comments as written
    ("Mo-Fr 09:00-12:00", "en", "Mo-Fr 09:00-12:00"),
    ("elke dag vanaf tien", "nl", "elke dag vanaf tien"),  # not OSM: shown as it was written
    (None, "nl", ""),
])
def test_opening_hours_are_shown_in_dutch(stored, lang, shown):
    assert hours.hours_text(stored, lang) == shown
    assert i18n.hours_label(stored, lang) == shown


def test_a_workshop_file_in_dutch_hours_is_stored_in_osm_and_counted_by_the_time_filter(delft_copy, tmp_path):
    table = tmp_path / "tafel.csv"
    table.write_text("naam,bouwsteen,lat,lon,ontmoetingsplek,openingstijden\n"
                     "Avondkamer,hulpbron,51.9985,4.3700,ja,wo 19-22\n"
                     "Ochtendkamer,hulpbron,51.9987,4.3702,ja,ma-vr 9.00-12.00\n", encoding="utf-8")
    with open_workspace(delft_copy) as ws:
        result = import_workshop(ws, table, actor="tafel 1")
        stored = ws.assets().set_index("name")["opening_hours"]
        inputs = coverage.load_inputs(ws)
    assert not [n for n in result.notes if n.code == "opening_hours_invalid"]
    assert stored["Avondkamer"] == "We 19:00-22:00" and stored["Ochtendkamer"] == "Mo-Fr 09:00-12:00"
    evening = coverage.compute_coverage(inputs, filters=coverage.place_filters("We 20:00", week_of=WEEK))
    assert "Avondkamer" in set(evening.meeting_places["name"])
    assert "Ochtendkamer" not in set(evening.meeting_places["name"])


def test_an_activity_time_in_dutch_is_stored_in_osm_syntax():
    from assetmap.layers.activities import build_activities
    frame = pd.DataFrame([{"asset_id": "a1", "name": "Huiswerkklas", "recurring_time": "di 15-17"}])
    assert build_activities(frame)["recurring_time"].iloc[0] == "Tu 15:00-17:00"


# ---------------------------------------------------------------------- codes in words
def test_every_code_has_a_dutch_word():
    for kind, values in (("seek", SEEK_VALUES), ("access", ACCESS_VALUES), ("group", TARGET_GROUPS),
                         ("status", INITIATIVE_STATUSES), ("link", LINK_KINDS)):
        for value in values:
            dutch, english = i18n.code_label(kind, value, "nl"), i18n.code_label(kind, value, "en")
            assert dutch and english and "_" not in dutch, (kind, value)
    assert i18n.codes_label("seek", "money; volunteers", "nl") == "geld, vrijwilligers"
    assert i18n.codes_label("seek", "space; soep; asset:a1", "nl") == "ruimte, soep, asset:a1"  # free text as typed
    assert i18n.code_label("status", "loopt", "en") == "running"
    with pytest.raises(ValueError):
        i18n.code_label("colour", "red")


def test_a_popup_says_codes_and_hours_in_dutch():
    popup = maps.asset_popup({"name": "Soep op zondag", "building_block": "initiative", "status": "loopt",
                              "seeks": "money; volunteers", "offers": "space", "access": "walk_in",
                              "target_groups": "youth;parents", "opening_hours": "We 19:00-22:00; Sa 10:00-12:00"},
                             linked=[("could_work_with", "Buurtkamer")], lang="nl")
    assert "zoekt: geld, vrijwilligers" in popup and "biedt: ruimte" in popup and "status: loopt" in popup
    assert "Openingstijden: wo 19:00–22:00; za 10:00–12:00" in popup
    assert "Toegang: vrije inloop" in popup and "Doelgroepen: jongeren, ouders" in popup
    for raw in ("money", "volunteers", "space", "walk_in", "We 19", "youth"):
        assert raw not in popup, raw


def test_the_published_site_carries_the_hours_in_dutch_and_each_category_label_once(delft_copy, tmp_path):
    from assetmap.publish import site_data
    rows = [{"name": f"Winkel {k}", "building_block": "resource", "category": category, "visibility": "public",
             "consent": True, "opening_hours": "Mo-Fr 09:00-17:00"}
            for k, category in enumerate(("shop_vacuum_cleaner", "shop_tiles", "shop_bicycle"))]
    frame = gpd.GeoDataFrame(rows, geometry=[Point(4.3725 + k / 1000, 52.0015) for k in range(3)],
                             crs=settings.STORAGE_CRS)
    with open_workspace(delft_copy) as ws:
        ws.save_assets(build_assets(frame, source="workshop"), "tafel 1")
    with open_workspace(delft_copy, Actor(None, "public")) as ws:
        data = site_data(ws)
    labels = [names["nl"] for names in data["categories"].values()]
    assert len(labels) == len(set(labels)) and "Winkel" in labels and "Fietsenwinkel" in labels
    shops = [a for a in data["assets"] if a["n"].startswith("Winkel ")]
    assert {a["o"] for a in shops} == {"Mo-Fr 09:00-17:00"} and {a["oh"]["nl"] for a in shops} == {"ma–vr 09:00–17:00"}
    assert {a["oh"]["tr"] for a in shops} == {"Pzt–Cum 09:00–17:00"} and all("en" not in a["oh"] for a in shops)


# ---------------------------------------------------------------------- CSV for Dutch Excel
@pytest.fixture
def with_an_initiative(delft_copy):
    frame = gpd.GeoDataFrame([{"name": "Soep op zondag", "building_block": "initiative", "status": "loopt",
                               "seeks": "money; volunteers", "visibility": "public", "consent": True,
                               "is_meeting_place": False, "access": "walk_in", "capacity": 12,
                               "opening_hours": "za 10-16"}],
                             geometry=[Point(4.3725, 52.0015)], crs=settings.STORAGE_CRS)
    with open_workspace(delft_copy) as ws:
        ws.save_assets(build_assets(frame, source="workshop"), "tafel 1")
    return delft_copy


def test_the_csv_export_opens_in_dutch_excel_by_default(with_an_initiative, tmp_path):
    out = tmp_path / "assets.csv"
    assert main(["export", str(with_an_initiative), str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert {"naam", "bouwsteen", "categorie", "openingstijden", "zoekt", "toegang", "ontmoetingsplek"} <= set(table)
    row = table.set_index("naam").loc["Soep op zondag"]
    assert row["bouwsteen"] == "Initiatieven" and row["status"] == "loopt"
    assert row["zoekt"] == "geld, vrijwilligers" and row["toegang"] == "vrije inloop"
    assert row["ontmoetingsplek"] == "nee" and row["openingstijden"] == "za 10:00–16:00"
    assert row["lat"] == "52,001500" and row["lon"] == "4,372500"  # decimal commas
    assert row["capaciteit"] == "12"
    library = table[table["categorie"] == "Bibliotheek"]
    assert len(library) and set(library["ontmoetingsplek"]) <= {"ja", "nee"}


def test_the_plain_csv_is_for_scripts(with_an_initiative, tmp_path):
    out = tmp_path / "assets.csv"
    assert main(["export", str(with_an_initiative), str(out), "--dialect", "plain"]) == 0
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["name"] == "Soep op zondag")
    assert row["building_block"] == "initiative" and row["seeks"] == "money; volunteers"
    assert row["access"] == "walk_in" and row["is_meeting_place"] == "False"
    assert row["opening_hours"] == "Sa 10:00-16:00" and float(row["lat"]) == pytest.approx(52.0015)
    # The plain file is what the export wrote before the dialects: csv_table as it is.
    with open_workspace(with_an_initiative) as ws:
        expected = export.csv_table(export.assets_for_export(ws, public=False))
    buffer = io.StringIO()
    expected.to_csv(buffer, index=False, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    assert raw.decode("utf-8") == buffer.getvalue()


def test_an_unknown_dialect_is_refused_with_the_choices(with_an_initiative, tmp_path, capsys):
    from assetmap.errors import InputError
    with open_workspace(with_an_initiative) as ws, pytest.raises(InputError) as refused:
        export.export_assets(ws, tmp_path / "x.csv", dialect="excel97")
    assert "excel, plain" in refused.value.render("nl") and not (tmp_path / "x.csv").exists()


def test_every_dutch_header_is_read_back_by_the_workshop_import():
    from assetmap.sources.workshop import HEADER_ALIASES
    for field, header in export.DUTCH_HEADERS.items():
        assert HEADER_ALIASES.get(header, header) == field, (field, header)


# ---------------------------------------------------------------------- the CLI's language
def _dutch_locale(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")


def test_report_and_publish_follow_a_dutch_locale(with_an_initiative, tmp_path, monkeypatch, capsys):
    _dutch_locale(monkeypatch)
    profile = tmp_path / "profiel.html"
    assert main(["report", str(with_an_initiative), "--area", "WK050328", "--out", str(profile)]) == 0
    assert "<html lang='nl'>" in profile.read_text(encoding="utf-8")
    assert "geschreven naar" in capsys.readouterr().out
    assert main(["publish", str(with_an_initiative), str(tmp_path / "kaart")]) == 0
    assert _site_language(tmp_path / "kaart") == "nl"
    assert "gepubliceerd" in capsys.readouterr().out
    monkeypatch.setenv("LANG", "en_GB.UTF-8")  # an English locale: English, as the rest of the CLI
    assert main(["publish", str(with_an_initiative), str(tmp_path / "map")]) == 0
    assert _site_language(tmp_path / "map") == "en"


def _site_language(folder) -> str:
    text = (folder / "data.js").read_text(encoding="utf-8")
    return json.loads(text[len("window.ASSETMAP_SITE = "):].rstrip().rstrip(";"))["lang"]


def test_a_commands_own_lang_sets_its_messages_too(with_an_initiative, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LANGUAGE", "en")
    profile = tmp_path / "profiel.html"
    assert main(["report", str(with_an_initiative), "--area", "WK050328", "--out", str(profile), "--lang", "nl"]) == 0
    assert "<html lang='nl'>" in profile.read_text(encoding="utf-8")
    assert "geschreven naar" in capsys.readouterr().out  # the confirmation in Dutch too


def test_the_cli_counts_in_the_right_form(with_an_initiative, tmp_path, monkeypatch, capsys):
    _dutch_locale(monkeypatch)
    with open_workspace(with_an_initiative) as ws:
        one = ws.assets().iloc[[0]]
    only = tmp_path / "een.gpkg"
    from assetmap.service import create_workspace
    with create_workspace(only) as ws:
        ws.save_assets(build_assets(one.drop(columns=["id"]), source="workshop"), "tafel 1")
    assert main(["export", str(only), str(tmp_path / "een.csv")]) == 0
    assert "1 asset geëxporteerd" in capsys.readouterr().out


# ---------------------------------------------------------------------- no English widget text
#: Every page of the app: a new page is checked without being listed here.
PAGES = ("app.py", *sorted(str(p.relative_to(REPO)) for p in (REPO / "pages").glob("*.py")))


def _elements(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


def _dutch_texts() -> set[str]:
    """Every text of the Dutch catalogue."""
    from babel.messages.pofile import read_po

    with open(REPO / "assetmap" / "locale" / "nl" / "LC_MESSAGES" / "assetmap.po", "rb") as handle:
        catalog = read_po(handle)
    return {m.string for m in catalog if m.id and isinstance(m.string, str) and m.string}


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_streamlits_english_defaults_in_dutch(with_an_initiative, monkeypatch, page):
    """Every select box, multiselect and number box has a Dutch placeholder (else Streamlit shows
    "Choose an option"), and no form says "Press Enter to submit form"."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(with_an_initiative))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")  # a coordinator on their own computer sees every widget
    try:
        at = AppTest.from_file(str(REPO / page), default_timeout=240)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        # A placeholder of our own, from the Dutch catalogue (a generic "Kies..." or one that says what
        # an empty choice means, such as "alle gebieden"); Streamlit's English default is none of them.
        dutch = _dutch_texts()
        checked = 0
        for element in _elements(at._tree):
            proto = getattr(element, "proto", None)
            kind = type(proto).__name__
            if kind in ("Selectbox", "MultiSelect", "NumberInput"):
                assert proto.placeholder in dutch, (page, kind, proto.label, proto.placeholder)
                checked += 1
            elif kind == "Block" and proto.HasField("form"):
                assert not proto.form.enter_to_submit, (page, proto.form.form_id)
                checked += 1
        if page not in ("pages/5_Veranderd.py", "pages/6_Toegankelijkheid.py", "pages/1_Kaart.py", "app.py"):
            assert checked, page  # the page has widgets of these kinds to check
    finally:
        config.set_option("server.address", before)


def test_the_data_page_exports_a_dutch_csv_and_offers_the_plain_one(with_an_initiative, monkeypatch):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(with_an_initiative))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    try:
        at = AppTest.from_file(str(REPO / "pages/4_Data.py"), default_timeout=240)
        at.run()
        at.radio(key="export_format").set_value(".csv").run()
        assert at.radio(key="export_dialect").value == "excel"
        at.button(key="export_prepare").click().run()
        _, payload, _ = at.session_state["export"]
        table = pd.read_csv(io.BytesIO(payload), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert table.set_index("naam").loc["Soep op zondag", "zoekt"] == "geld, vrijwilligers"
        at.radio(key="export_dialect").set_value("plain").run()
        at.button(key="export_prepare").click().run()
        _, payload, _ = at.session_state["export"]
        assert payload.decode("utf-8").startswith('"id","name","building_block"')
    finally:
        config.set_option("server.address", before)


def test_the_handover_bundle_says_codes_in_words(with_an_initiative, tmp_path):
    from assetmap.handover import write_handover
    with open_workspace(with_an_initiative) as ws:
        done = write_handover(ws, tmp_path / "overdracht", None, lang="nl")
    readme = (done.folder / "README.md").read_text(encoding="utf-8")
    assert "**Soep op zondag** (loopt): zoekt geld, vrijwilligers" in readme
    assert "money" not in readme and "volunteers" not in readme
    assert "zoekt geld, vrijwilligers" in (done.folder / "index.html").read_text(encoding="utf-8")
