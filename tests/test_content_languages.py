"""An entry's own text in several languages (#36, item 4): ``name_tr``, ``description_ar``, ... .

* stored in both stores (a schema 9 workspace is upgraded, GeoPackage and PostGIS), read from a workshop
  file under Dutch or English headers, written to a Dutch CSV and read back the same;
* every text check covers them: a phone number in ``description_tr`` is masked in the public view and
  warned about on import and in the moderation queue, a BSN in ``name_pl`` is refused, the queue shows
  them and an edit of one says what changed;
* the resident map (/Kaart, AppTest) and the static site (Chromium, from ``file://``) show the visitor's
  language where given and the Dutch text otherwise, marked ``lang="nl"`` and said so; a search finds
  a name in any of its languages; a site offering nl and tr carries no Polish text of an entry;
* the workshop form takes them and empties them after a save.
"""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest
from test_app import MAP_PAGE, WORKSHOP_PAGE, fill_new_asset, run, save_button
from test_languages import map_workspace  # noqa: F401  (a fixture: the app pointed at a Delft copy)

from assetmap import maps, publish
from assetmap.errors import InputError
from assetmap.export import export_assets
from assetmap.imports import import_workshop
from assetmap.layers.schema import ASSET_FIELDS, CONTENT_LANGUAGES, TRANSLATION_FIELDS
from assetmap.layers.translations import in_language
from assetmap.privacy import CONTACT_MASK
from assetmap.service import Actor, open_workspace
from assetmap.storage import SCHEMA_VERSION

import browsing
from browsing import require_chromium
from conftest import shown_versions

PUBLIC = Actor(None, "public")
COORDINATOR = Actor("carla", "coordinator")
TABLE = Actor("tafel 2", "workshop")
#: In Wippolder (Delft), inside the demo's OSM extract.
WIPPOLDER = Point(4.3720, 52.0060)

#: A workshop file: Dutch headers for the Dutch text, both Dutch and English headers for the others.
WORKSHOP_CSV = (
    "naam;bouwsteen;omschrijving;naam_tr;omschrijving_tr;name_ar;description_ar;naam_pl;zichtbaarheid;toestemming;lat;lon\n"
    "Taalcafé Wippolder;vereniging;Elke dinsdag samen Nederlands praten;Wippolder Dil Kafesi;"
    "Her salı birlikte Felemenkçe konuşuyoruz;مقهى اللغة;نتحدث الهولندية معًا كل يوم ثلاثاء;Kawiarnia językowa;"
    "openbaar;ja;52.0062;4.3718\n"
    "Moestuin Poptahof;hulpbron;Groente voor de buurt;;;;;;openbaar;ja;52.0058;4.3725\n"
)


def _import(path, tmp_path, text: str = WORKSHOP_CSV):
    source = tmp_path / "tafel.csv"
    source.write_text(text, encoding="utf-8")
    with open_workspace(path, COORDINATOR) as ws:
        return import_workshop(ws, source, actor="tafel 1")


def _row(ws, name: str, actor=PUBLIC) -> pd.Series:
    assets = ws.assets(actor=actor)
    return assets[(assets["name"] == name).to_numpy()].iloc[0]


# ---------------------------------------------------------------------- schema, files, exports
def test_every_content_language_is_a_resident_language_but_dutch():
    from assetmap.i18n import LANGUAGES

    assert CONTENT_LANGUAGES == tuple(x for x in LANGUAGES if x != "nl")
    assert set(TRANSLATION_FIELDS) == {f"{f}_{x}" for f in ("name", "description") for x in CONTENT_LANGUAGES}
    assert set(TRANSLATION_FIELDS) <= set(ASSET_FIELDS)


def test_a_workshop_file_brings_names_and_descriptions_in_other_languages(delft_copy, tmp_path):
    result = _import(delft_copy, tmp_path)
    assert len(result.report.added) == 2
    with open_workspace(delft_copy) as ws:
        cafe = _row(ws, "Taalcafé Wippolder")
        garden = _row(ws, "Moestuin Poptahof")
    assert cafe["name_tr"] == "Wippolder Dil Kafesi" and cafe["description_tr"].startswith("Her salı")
    assert cafe["name_ar"] == "مقهى اللغة" and cafe["description_ar"].startswith("نتحدث")
    assert cafe["name_pl"] == "Kawiarnia językowa" and pd.isna(cafe["description_pl"])
    assert all(pd.isna(garden[f]) for f in TRANSLATION_FIELDS)


def test_a_dutch_csv_export_names_the_columns_in_dutch_and_reads_back_the_same(delft_copy, tmp_path):
    _import(delft_copy, tmp_path)
    out = tmp_path / "export.csv"
    with open_workspace(delft_copy) as ws:
        export_assets(ws, out, public=True)
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str)
    assert {"naam_tr", "omschrijving_ar", "naam_pl", "omschrijving_en"} <= set(table.columns)
    cafe = table[table["naam"] == "Taalcafé Wippolder"].iloc[0]
    assert cafe["naam_tr"] == "Wippolder Dil Kafesi" and cafe["omschrijving_ar"].startswith("نتحدث")
    # Read in again (as a new workspace's workshop file): the same texts under the same fields.
    again = tmp_path / "again.csv"
    table[table["naam"] == "Taalcafé Wippolder"][["naam", "bouwsteen", "naam_tr", "omschrijving_ar", "lat", "lon"]] \
        .to_csv(again, sep=";", index=False, encoding="utf-8-sig")
    from assetmap.sources.workshop import read_workshop_file

    with open_workspace(delft_copy) as ws:
        read = read_workshop_file(again, ws.boundaries(), added_by="x").assets
    assert read.iloc[0]["name_tr"] == "Wippolder Dil Kafesi" and read.iloc[0]["description_ar"].startswith("نتحدث")


def test_a_schema_9_workspace_gets_the_columns_and_keeps_its_entries(delft_copy):
    conn = sqlite3.connect(delft_copy)
    with conn:
        for column in TRANSLATION_FIELDS:
            conn.execute(f'ALTER TABLE assets DROP COLUMN "{column}"')
        conn.execute("UPDATE workspace_meta SET value = '9' WHERE key = 'schema_version'")
        before = conn.execute("SELECT COUNT(*) FROM assets").fetchone()[0]
    conn.close()
    with open_workspace(delft_copy, COORDINATOR) as ws:
        assert ws.schema_version() == SCHEMA_VERSION == 10
        assert len(ws.assets()) == before
        new = ws.add_entry({"name": "Buurtbieb", "building_block": "resource", "name_tr": "Mahalle kitaplığı",
                            "visibility": "public", "consent": True}, WIPPOLDER, COORDINATOR)
        assert _row(ws, "Buurtbieb")["name_tr"] == "Mahalle kitaplığı" and new


def test_a_server_workspace_of_schema_9_gets_the_columns(postgis_uri, tmp_path):
    import psycopg

    from assetmap.service import create_workspace

    with create_workspace(postgis_uri) as ws:
        ws.add_entry({"name": "Buurthuis", "building_block": "institution", "visibility": "public", "consent": True},
                     WIPPOLDER, COORDINATOR)
    from assetmap.storage.postgis import parse_uri

    conninfo, schema, _ = parse_uri(postgis_uri)
    with psycopg.connect(conninfo) as conn:
        for column in TRANSLATION_FIELDS:
            # CASCADE: the public views for GIS tools list the columns; a write builds them again
            conn.execute(f'ALTER TABLE "{schema}".assets DROP COLUMN "{column}" CASCADE')
        conn.execute(f"UPDATE \"{schema}\".workspace_meta SET value = '9' WHERE key = 'schema_version'")
    with open_workspace(postgis_uri, COORDINATOR) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        entry = _row(ws, "Buurthuis")["id"]
        ws.update_asset(entry, {"description_pl": "Dom sąsiedzki"}, COORDINATOR)
        assert _row(ws, "Buurthuis")["description_pl"] == "Dom sąsiedzki"
    with psycopg.connect(conninfo) as conn:  # the GIS team's view of the institutions has it too
        shown = conn.execute(f'SELECT description_pl FROM "{schema}_public".institution').fetchall()
    assert shown == [("Dom sąsiedzki",)]


# ---------------------------------------------------------------------- every text check covers them
def test_contact_details_in_a_persons_turkish_text_never_reach_the_public(delft_copy):
    with open_workspace(delft_copy, COORDINATOR) as ws:
        ws.add_entry({"name": "Ayse kookt", "building_block": "individual", "visibility": "public", "consent": True,
                      "description_tr": "Yemek yapar, ara 06-12345678", "name_en": "Ayse cooks, ayse@example.nl"},
                     WIPPOLDER, COORDINATOR)
        person = _row(ws, "Ayse kookt")
    assert "12345678" not in person["description_tr"] and CONTACT_MASK in person["description_tr"]
    assert "example.nl" not in person["name_en"] and CONTACT_MASK in person["name_en"]
    shown = maps.asset_list_html(in_language(pd.DataFrame([person]), "en"), lang="en")
    assert "example.nl" not in shown and "12345678" not in shown


def test_a_bsn_in_a_polish_name_is_refused_and_nothing_is_stored(delft_copy):
    with open_workspace(delft_copy, COORDINATOR) as ws:
        before = len(ws.assets())
        with pytest.raises(InputError) as refused:
            ws.add_entry({"name": "Jan", "building_block": "individual", "visibility": "group",
                          "name_pl": "Jan, BSN 111222333"}, WIPPOLDER, COORDINATOR)
        assert [p.code for p in refused.value.problems] == ["bsn_refused"]
        assert [p.column for p in refused.value.problems] == ["name_pl"]
        assert len(ws.assets()) == before


def test_a_public_row_with_a_phone_number_in_turkish_gets_a_note_on_that_column(delft_copy, tmp_path):
    text = ("naam;bouwsteen;omschrijving_tr;zichtbaarheid;toestemming;lat;lon\n"
            "Naaiclub;vereniging;Bizi arayın: 06-12345678;openbaar;ja;52.0062;4.3718\n")
    result = _import(delft_copy, tmp_path, text)
    notes = [(n.code, n.column) for n in result.notes]
    assert ("story_gives_contact", "description_tr") in notes


def test_the_queue_shows_the_other_languages_warns_and_says_what_changed(delft_copy):
    with open_workspace(delft_copy, COORDINATOR) as ws:
        ws.set_moderation(True)  # the default of a new workspace; said here because the test needs it
        entry = ws.add_entry({"name": "Buurtkeuken", "building_block": "resource", "visibility": "public",
                              "consent": True, "name_ar": "مطبخ الحي", "description_tr": "Arayın 06-12345678"},
                             WIPPOLDER, TABLE)
        queue = ws.pending()
        row = queue[(queue["asset_id"] == entry).to_numpy()].iloc[0]
        assert row["translations"] == {"name_ar": "مطبخ الحي", "description_tr": "Arayın 06-12345678"}
        assert "story_gives_contact" in row["warnings"]
        ws.approve(shown_versions(ws, [entry]))
        ws.update_asset(entry, {"name_ar": "مطبخ الجيران"}, TABLE)
        queue = ws.pending()
        edit = queue[(queue["asset_id"] == entry).to_numpy()].iloc[0]
    assert edit["kind"] == "edit" and ("name_ar", "مطبخ الحي", "مطبخ الجيران") in edit["changes"]


# ---------------------------------------------------------------------- the resident map
def test_the_map_list_shows_the_readers_language_and_marks_dutch_as_dutch(delft_copy, tmp_path):
    _import(delft_copy, tmp_path)
    with open_workspace(delft_copy) as ws:
        public = ws.assets(actor=PUBLIC)
    two = public[public["name"].isin(["Taalcafé Wippolder", "Moestuin Poptahof"]).to_numpy()]
    turkish = maps.asset_list_html(two, lang="tr")
    assert "Wippolder Dil Kafesi" in turkish and "Her salı birlikte" in turkish
    assert "Taalcafé Wippolder" not in turkish
    # No Turkish text for the garden: the Dutch one, marked as Dutch and said so in Turkish.
    assert "<span lang='nl'>Moestuin Poptahof</span>" in turkish
    assert "<span lang='nl'>Groente voor de buurt</span> <small>(Felemenkçe)</small>" in turkish
    # Polish: a name but no description; the Dutch description is said to be Dutch.
    polish = maps.asset_list_html(two, lang="pl")
    assert "Kawiarnia językowa" in polish and "<span lang='nl'>Elke dinsdag samen Nederlands praten</span>" in polish
    dutch = maps.asset_list_html(two, lang="nl")
    assert "Taalcafé Wippolder" in dutch and "lang='nl'" not in dutch and "Wippolder Dil Kafesi" not in dutch


@pytest.fixture
def app_workspace(map_workspace, tmp_path):  # noqa: F811  (the fixture imported above)
    """The app pointed at a Delft copy (``map_workspace`` of test_languages), the workshop file imported."""
    _import(map_workspace, tmp_path)
    return map_workspace


def _html(at) -> str:
    return "\n".join(e.proto.body for e in at.get("html"))


def test_the_map_page_in_arabic_shows_the_arabic_text_and_finds_a_turkish_name(app_workspace):
    at = AppTest.from_file(MAP_PAGE, default_timeout=240)
    at.session_state["lang"] = "ar"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "مقهى اللغة" in _html(at) and "نتحدث الهولندية" in _html(at)
    assert any("بالهولندية" in c.value for c in at.caption)  # the note on content languages
    at.text_input(key="map_search").input("Dil Kafesi").run()
    listed = _html(at)
    assert "مقهى اللغة" in listed and "Moestuin Poptahof" not in listed


def test_the_workshop_form_saves_the_other_languages_and_empties_them(app_workspace):
    at = run(WORKSHOP_PAGE)
    at.text_input(key="_pseudonym_widget").input("tafel 4").run()
    fill_new_asset(at, "Speeltuin De Vlieger", lat=52.0061, lon=4.3721)
    at.text_input(key="new_name_tr").input("De Vlieger oyun parkı")
    at.text_area(key="new_description_pl").input("Plac zabaw dla dzieci")
    save_button(at).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Speeltuin De Vlieger" in s.value for s in at.success)
    assert at.text_input(key="new_name_tr").value == "" and at.text_area(key="new_description_pl").value == ""
    with open_workspace(app_workspace) as ws:
        saved = _row(ws, "Speeltuin De Vlieger", actor=COORDINATOR)
    assert saved["name_tr"] == "De Vlieger oyun parkı" and saved["description_pl"] == "Plac zabaw dla dzieci"
    assert pd.isna(saved["name_ar"])


# ---------------------------------------------------------------------- the static site
def test_the_site_data_carries_each_language_given_and_only_the_offered_ones(delft_copy, tmp_path):
    _import(delft_copy, tmp_path)
    out = tmp_path / "site"
    publish.publish_site(delft_copy, out, lang="nl", languages="nl,tr")
    data = json.loads((out / "data.js").read_text(encoding="utf-8").split("=", 1)[1].rstrip().rstrip(";"))
    cafe = next(a for a in data["assets"] if a["n"] == "Taalcafé Wippolder")
    assert cafe["nt"] == {"tr": "Wippolder Dil Kafesi"} and cafe["dt"] == {"tr": cafe["dt"]["tr"]}
    assert "Kawiarnia" not in (out / "data.js").read_text(encoding="utf-8")  # Polish not offered
    garden = next(a for a in data["assets"] if a["n"] == "Moestuin Poptahof")
    assert "nt" not in garden and "dt" not in garden


def test_the_turkish_agenda_names_the_place_in_turkish(delft_copy, tmp_path):
    from icalendar import Calendar

    text = WORKSHOP_CSV.replace(";lat;lon\n", ";lat;lon;activiteit;wanneer\n", 1)
    text = text.replace(";52.0062;4.3718\n", ";52.0062;4.3718;Taalles;Tu 19:00-21:00\n", 1)
    text = text.replace(";52.0058;4.3725\n", ";52.0058;4.3725;Oogsten;Sa 10:00-12:00\n", 1)
    _import(delft_copy, tmp_path, text)
    out = tmp_path / "site"
    publish.publish_site(delft_copy, out, lang="tr")
    events = {str(e["summary"]): str(e["location"])
              for e in Calendar.from_ical((out / "agenda.ics").read_bytes()).walk("VEVENT")}
    assert events == {"Taalles": "Wippolder Dil Kafesi", "Oogsten": "Moestuin Poptahof"}


def test_the_printed_english_agenda_names_the_place_in_english(delft_copy, tmp_path):
    from pypdf import PdfReader

    from assetmap.agenda import area_agenda_pdf

    text = ("naam;naam_en;bouwsteen;zichtbaarheid;toestemming;lat;lon;activiteit;wanneer\n"
            "Buurtkamer Poptahof;Poptahof living room;hulpbron;openbaar;ja;52.0062;4.3718;Koffie;Tu 10:00-12:00\n")
    _import(delft_copy, tmp_path, text)
    with open_workspace(delft_copy) as ws:
        wijk = _row(ws, "Buurtkamer Poptahof")["wijk_code"]
    pdf, runs = area_agenda_pdf(delft_copy, wijk, lang="en")
    (tmp_path / "agenda.pdf").write_bytes(pdf)
    printed = " ".join(page.extract_text() for page in PdfReader(tmp_path / "agenda.pdf").pages)
    assert runs >= 4 and "Poptahof living room" in printed and "Buurtkamer Poptahof" not in printed


@pytest.mark.browser
def test_the_site_shows_the_visitors_language_marks_dutch_and_finds_any_name(delft_copy, tmp_path):
    require_chromium()
    _import(delft_copy, tmp_path)
    out = tmp_path / "site"
    publish.publish_site(delft_copy, out, lang="nl")
    with browsing.chromium() as browser:
        page = browser.new_context().new_page()
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page.goto((out / "index.html").as_uri() + "?lang=tr")
        page.wait_for_selector("html[data-ready]")
        page.fill("#q", "Kafesi")  # a Turkish name, found on the Turkish page
        page.wait_for_function("document.querySelectorAll('#list > li').length === 1 && "
                               "document.querySelector('#list .name').textContent === 'Wippolder Dil Kafesi'")
        item = page.locator("#list > li").first
        assert item.locator(".name").inner_text() == "Wippolder Dil Kafesi"
        assert item.locator(".name").get_attribute("lang") is None
        item.locator("summary").click()
        item.locator(".details").wait_for()
        assert "Her salı birlikte" in item.inner_text()
        assert page.locator("#content-language").is_visible()
        page.fill("#q", "Moestuin")
        page.wait_for_function("document.querySelector('#list .name').textContent === 'Moestuin Poptahof' && "
                               "document.querySelectorAll('#list > li').length === 1")
        garden = page.locator("#list > li").first
        assert garden.locator(".name").get_attribute("lang") == "nl"
        garden.locator("summary").click()
        garden.locator(".details").wait_for()
        described = garden.locator(".details p[lang='nl']")
        assert "Groente voor de buurt" in described.inner_text() and "(Felemenkçe)" in described.inner_text()
        # Dutch: the Dutch texts, unmarked, and no note.
        page.goto((out / "index.html").as_uri() + "?lang=nl")
        page.wait_for_selector("html[data-ready]")
        page.fill("#q", "Taalcafé")
        page.wait_for_function("document.querySelector('#list .name').textContent === 'Taalcafé Wippolder'")
        assert page.locator("#list .name").first.inner_text() == "Taalcafé Wippolder"
        assert not page.locator("#content-language").is_visible()
        page.context.close()
