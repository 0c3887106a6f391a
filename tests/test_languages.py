"""The resident map in the languages of the wijk (#36): Turkish, Arabic (right to left), Polish, English, Dutch.

* the catalogues: every resident code (:data:`assetmap.i18n.RESIDENT_CODES`: the map page, the static
  site, the agenda; :data:`assetmap.i18n.GAPS_PUBLIC_CODES`: /Ontmoetingsplekken) has a text in ``tr``,
  ``ar`` and ``pl`` with the fields of the English one (a plural entry: each form the catalogue's header
  asks for); what a language lacks comes in English, never as a code;
* opening hours, numbers, dates and building blocks in each language;
* /Kaart (AppTest) in each of the five languages, Arabic right to left; /Ontmoetingsplekken as the public
  sees it in Turkish, Arabic and Polish, no text of it in English; the workshop pages in English;
* the static site in Chromium in each language: ``lang`` and ``dir``, a translated heading, no message
  code on the page, the Arabic layout mirrored, the choice remembered and a Polish browser served Polish;
* ``agenda.ics`` in the language the site is published in.
"""

from __future__ import annotations

import gettext
import json
import re
import string

import pytest
from babel.messages.mofile import read_mo
from streamlit.testing.v1 import AppTest
from test_app import GAPS_PAGE, MAP_PAGE, STATEMENT_PAGE, WORKSHOP_PAGE
from test_hosting import ARABIC_FONT_LOADED
from test_keeping import a_place
from test_messages import LOCALE, _po, catalogue, extracted

from assetmap import i18n, numbers, publish
from assetmap.cli import main
from assetmap.fonts import FONT_DIR
from assetmap.i18n import GAPS_PUBLIC_CODES, LANGUAGES, RESIDENT_CODES, t
from assetmap.layers.hours import hours_text
from assetmap.messages import text
from assetmap.service import open_workspace

import browsing
from browsing import axe_violations, describe, require_chromium

WIJK_LANGUAGES = ("tr", "ar", "pl")
#: Plural forms of each wijk language (``Plural-Forms`` of its catalogue).
PLURAL_FORMS = {"tr": 1, "ar": 6, "pl": 3}
#: Every code a resident reads in a wijk language: the map page, the site, the agenda, the statement and
#: /Ontmoetingsplekken.
WIJK_CODES = tuple(dict.fromkeys((*RESIDENT_CODES, *GAPS_PUBLIC_CODES)))
#: A heading of each language, written here (not read from the catalogues), so a lost translation fails.
MAP_TITLES = {"nl": "Kaart van de buurt", "en": "Map of the neighbourhood", "tr": "Mahalle haritası",
              "ar": "خريطة الحي", "pl": "Mapa okolicy"}


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _codes() -> set[str]:
    """Every message code of the catalogues."""
    return set(catalogue("en"))


def visible_codes(shown: str) -> list[str]:
    """Message codes that appear as words in a text a resident sees (``site_close``, ``map_title``)."""
    codes = {c for c in _codes() if "_" in c}
    return sorted({w for w in re.findall(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", shown) if w in codes})


# ---------------------------------------------------------------------- the catalogues
def test_the_five_languages_dutch_first_and_arabic_right_to_left():
    assert LANGUAGES == ("nl", "en", "tr", "ar", "pl")
    assert [i18n.direction(x) for x in LANGUAGES] == ["ltr", "ltr", "ltr", "rtl", "ltr"]
    assert set(i18n.LANGUAGE_NAMES) == set(LANGUAGES)


@pytest.mark.parametrize("lang", WIJK_LANGUAGES)
def test_every_resident_code_has_a_text_in_each_wijk_language(lang):
    po, english = _po(lang), catalogue("en")
    missing, broken = [], []
    for code in WIJK_CODES:
        entry = po.get(code)
        plural = isinstance(english[code], tuple)  # a plural entry: one text per form of the catalogue
        forms = entry.string if entry is not None and plural else (entry.string,) if entry is not None else ()
        template = english[code][-1] if plural else english[code]
        if entry is None or not forms or not all(forms) or entry.fuzzy:
            missing.append(code)
        elif plural and len(forms) != PLURAL_FORMS[lang]:
            broken.append((code, f"{len(forms)} forms"))
        elif any(_fields(form) != _fields(template) for form in forms):
            broken.append((code, forms))
        elif set(forms) & set(english[code] if plural else (template,)) and \
                re.search(r"[a-z]{4}", re.sub(r"\{\w+\}", "", template)):
            broken.append((code, "still English"))
    assert not missing, f"no {lang} text for: {missing}"
    assert not broken, broken
    assert not po.fuzzy
    assert set(WIJK_CODES) <= set(extracted()), "a resident code no source uses"
    assert po.plural_forms.startswith(f"nplurals={PLURAL_FORMS[lang]}")


def test_the_site_and_the_map_page_ask_only_for_resident_codes():
    assert set(publish.SITE_TEXTS) <= set(RESIDENT_CODES)
    assert {"map_title", "filters", "shown", "agenda_free", "agenda_walk_in", "flag_title", "this_week_title",
            "wheelchair_yes", "status_loopt", "seek_money", "group_newcomers"} <= set(RESIDENT_CODES)


@pytest.mark.parametrize("lang", WIJK_LANGUAGES)
def test_the_compiled_wijk_catalogue_matches_the_po_file(lang):
    with open(LOCALE / lang / "LC_MESSAGES" / "assetmap.mo", "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id and isinstance(m.id, str) and m.string}
    written = {code: value for code, value in catalogue(lang).items() if isinstance(value, str) and value}
    assert compiled == written, "run pybabel compile -d assetmap/locale -D assetmap"
    with open(LOCALE / lang / "LC_MESSAGES" / "assetmap.mo", "rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("map_title") == MAP_TITLES[lang]


@pytest.mark.parametrize("lang", WIJK_LANGUAGES)
def test_a_text_the_wijk_language_lacks_comes_in_english_never_as_a_code(lang):
    english, own = catalogue("en"), catalogue(lang)
    for code, template in english.items():
        sample = {field: f"<{field}>" for field in _fields(template[-1] if isinstance(template, tuple) else template)}
        sample = sample | ({"count": 3} if isinstance(template, tuple) or "count" in sample else {})
        shown = text(code, lang, **sample)
        in_english = text(code, "en", **sample)
        assert shown and not shown.startswith(f"{code} ("), (code, shown)
        assert shown != code or in_english == code, (code, shown)  # a code only where English says that word
        mine = own.get(code)
        if not (mine if isinstance(mine, str) else mine and all(mine)):  # not translated: the English text
            assert shown == in_english, code
    assert t("map_title", lang) == MAP_TITLES[lang]
    assert t("home_title", lang) == t("home_title", "en")  # a coordinator's text: English
    assert i18n.tn("cli_asset_count", 3, lang) == "3 assets"  # a plural entry not translated: English too


def test_hours_numbers_dates_and_building_blocks_in_each_language():
    hours = "Mo-Fr 09:00-12:00; Sa 10:00-16:00; PH off"
    assert hours_text(hours, "tr") == "Pzt–Cum 09:00–12:00; Cmt 10:00–16:00; resmî tatiller kapalı"
    assert hours_text(hours, "pl") == "pon.–pt. 09:00–12:00; sob. 10:00–16:00; święta zamknięte"
    assert hours_text(hours, "ar") == "الاثنين–الجمعة 09:00–12:00; السبت 10:00–16:00; العطل الرسمية مغلق"
    assert hours_text(hours, "en") == hours  # English reads OSM's own words
    assert hours_text('Mo 10:00-12:00 "op afspraak"', "tr") == 'Pzt 10:00–12:00 "op afspraak"'  # quotes stay
    assert [numbers.decimal(12040, x) for x in LANGUAGES] == ["12.040", "12,040", "12.040", "12,040", "12\xa0040"]
    assert [numbers.percent(43.3, x) for x in ("tr", "ar", "pl")] == ["%43,3", "43.3%", "43,3%"]
    assert numbers.day("2026-12-07", "tr") == "7 Aralık 2026" and numbers.day("2026-12-07", "pl") == "7 grudnia 2026"
    assert numbers.day("2026-12-07", "ar") == "7 ديسمبر 2026"  # digits 0-9, as on the street signs
    assert [i18n.category_label("library", x) for x in LANGUAGES] == \
        ["Bibliotheek", "Library", "Kütüphane", "مكتبة عامة", "Biblioteka"]
    for lang in LANGUAGES:  # every category has a label of its own in each language, each label once
        from assetmap.layers import categories
        named = categories.labels(lang)
        assert all(named.values()) and len(named) == len(categories.labels("nl"))
    labels = {x: i18n.block_label("association", x) for x in LANGUAGES}
    assert len(set(labels.values())) == 5 and labels["tr"] == "Dernekler ve topluluklar"


# ---------------------------------------------------------------------- /Kaart in each language
@pytest.fixture
def map_workspace(delft_copy, monkeypatch):
    from streamlit import config

    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield delft_copy
    config.set_option("server.address", before)


def _page_texts(at: AppTest) -> str:
    """What the page says: titles, captions, messages, labels of widgets and options, expanders, HTML."""
    parts = [e.value for e in (*at.title, *at.caption, *at.info, *at.markdown)]
    for kind in ("text_input", "multiselect", "selectbox", "radio", "button", "expander"):
        for widget in at.get(kind):
            parts += [str(getattr(widget, "label", "") or ""), *map(str, getattr(widget, "options", []) or [])]
    parts += [element.proto.body for element in at.get("html")]
    return "\n".join(parts)


def _assert_speaks(at, lang: str, title: str) -> None:
    """The page ran, has its title in ``lang``, offers all five languages with ``lang`` chosen, and sets the
    page's ``lang`` and ``dir``."""
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    switch = at.sidebar.radio(key="_lang_widget")
    assert switch.value == lang and list(switch.options) == [i18n.LANGUAGE_NAMES[x] for x in LANGUAGES]
    direction = f"document.documentElement.dir = \"{i18n.direction(lang)}\""
    assert any(direction in e.proto.body and f'lang = "{lang}"' in e.proto.body for e in at.sidebar.get("html"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_map_page_in_each_language(map_workspace, lang):
    at = AppTest.from_file(MAP_PAGE, default_timeout=240)
    at.session_state["lang"] = lang
    at.run()
    _assert_speaks(at, lang, MAP_TITLES[lang])
    shown = _page_texts(at)
    assert t("filters", lang) in shown and t("map_list", lang) in shown
    assert not visible_codes(shown), visible_codes(shown)
    # Arabic brings its own font, served with the app; the other languages load none.
    font_rules = [e.proto.body for e in at.get("html") if "@font-face" in e.proto.body]
    if lang == "ar":
        assert len(font_rules) == 1 and "url(/app/static/fonts/noto-sans-arabic-400.woff2)" in font_rules[0]
        assert (FONT_DIR / "noto-sans-arabic-400.woff2").is_file()
    else:
        assert font_rules == []


@pytest.mark.parametrize(("lang", "written"), [
    ("tr", ("Çar 19:00", "çarşamba 19:00", "carsamba 19:00", "Pzt-Cum 09:00-12:00")),
    ("pl", ("śr 19:00", "Środa 19:00", "sroda 19:00", "pon-pt 09:00-12:00")),
    ("ar", ("الأربعاء 19:00", "الاربعاء 19:00", "الاثنين-الجمعة 09:00-12:00")),
    ("nl", ("wo 19:00", "woensdag 19:00", "ma-vr 09:00-12:00")),
])
def test_a_time_is_read_with_the_days_of_each_language(lang, written):
    """The "when" filter of /Ontmoetingsplekken reads the days as a resident writes them, and the
    example its placeholder shows in that language is one it reads."""
    from assetmap.layers.hours import parse_window

    for when in (*written, t("filter_when_placeholder", lang)):
        days = sorted({start.weekday() for start, _ in parse_window(when).spans})
        assert days == ([2] if "-" not in when.split(" ")[0] else [0, 1, 2, 3, 4]), when


@pytest.mark.parametrize("lang", WIJK_LANGUAGES)
def test_the_sidebar_of_a_hosted_resident_page_speaks_the_wijk_language(map_workspace, monkeypatch, lang):
    """A hosted app (anyone may open it) shows a resident the sign-in panel: in the resident's language."""
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")
    at = AppTest.from_file(MAP_PAGE, default_timeout=240)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [w.label for kind in ("text_input", "button", "expander") for w in at.sidebar.get(kind)]
    expected = [t(code, lang) for code in ("sign_in_name", "sign_in_password", "table_code", "pseudonym", "sign_in")]
    assert set(expected) <= set(labels), labels
    assert not set(labels) & {t(code, "en") for code in ("sign_in_name", "sign_in_password", "table_code", "sign_in")}
    captions = [c.value for c in at.sidebar.caption]
    assert t("access_line", lang, role=t("role_public", lang)) in captions


@pytest.mark.parametrize("lang", ["tr", "ar", "pl"])
def test_the_accessibility_statement_in_each_wijk_language(map_workspace, lang):
    at = AppTest.from_file(STATEMENT_PAGE, default_timeout=120)
    at.query_params["lang"] = lang  # a link with ?lang= opens the language
    at.run()
    assert not at.exception
    assert at.title[0].value == {"tr": "Erişilebilirlik beyanı", "ar": "بيان إمكانية الوصول",
                                 "pl": "Deklaracja dostępności"}[lang]
    said = " ".join(m.value for m in at.markdown)
    assert "WCAG 2.1" in said and "streamlit#13332" in said and t("statement_intro", "en") not in said
    assert not visible_codes(_page_texts(at))


#: The title of /Ontmoetingsplekken in each wijk language, written here (not read from the catalogues).
GAPS_TITLES = {"tr": "Buluşma yerleri: kim yürüyerek gidebilir, fırsatlar nerede?",
               "ar": "أماكن اللقاء: من يستطيع أن يمشي إليها، وأين توجد الفرص؟",
               "pl": "Miejsca spotkań: kto może dojść pieszo i gdzie są szanse?"}
#: The columns of its table per area, in order (the first names the level: buurt or wijk).
GAPS_TABLE_COLUMNS = ("col_population", "col_covered", "col_uncovered", "col_pct", "col_median", "col_p90",
                      "col_data_share", "col_partial", "col_unreachable", "col_mapped", "col_last_entry")


def _english_texts(lang: str) -> dict[str, re.Pattern]:
    """The English text of each code of GAPS_PUBLIC_CODES that ``lang`` words otherwise, as a pattern
    that matches it with any values in its fields (a text shown in English where it should not be)."""
    english, own = catalogue("en"), catalogue(lang)
    patterns = {}
    for code in GAPS_PUBLIC_CODES:
        forms = english[code] if isinstance(english[code], tuple) else (english[code],)
        own_forms = own.get(code) if isinstance(own.get(code), tuple) else (own.get(code),)
        for form in forms:
            if form not in own_forms:
                pieces = re.split(r"\{\w+\}", form)
                patterns[f"{code}: {form}"] = re.compile(".+?".join(re.escape(piece) for piece in pieces))
    return patterns


def _main_texts(at: AppTest) -> list[str]:
    """Each text of the page itself (not the sidebar) on its own: headings, captions, messages, labels,
    options, help and placeholders of widgets, metrics, expanders, table columns."""
    parts = [e.value for kind in ("title", "subheader", "caption", "info", "error", "markdown")
             for e in at.main.get(kind)]
    for kind in ("slider", "radio", "toggle", "number_input", "text_input", "selectbox", "multiselect", "button",
                 "expander", "metric"):
        for widget in at.main.get(kind):
            parts += [str(getattr(widget, "label", "") or ""), *map(str, getattr(widget, "options", []) or [])]
            parts += [str(getattr(widget.proto, name, "") or "") for name in ("help", "placeholder")]
    parts += [str(column) for table in at.main.get("dataframe") for column in table.value.columns]
    return [part for part in parts if part]


@pytest.mark.parametrize("lang", WIJK_LANGUAGES)
def test_the_meeting_places_page_for_the_public_in_each_wijk_language(map_workspace, monkeypatch, lang):
    monkeypatch.setenv("ASSETMAP_ACCESS", "public")  # an anonymous visitor of a hosted app
    at = AppTest.from_file(GAPS_PAGE, default_timeout=240)
    at.query_params["lang"] = lang
    at.run()
    _assert_speaks(at, lang, GAPS_TITLES[lang])
    at.toggle(key="gap_show_sites").set_value(True).run()  # suggested places: whoever sees coverage may ask
    assert not at.exception, [e.value for e in at.exception]
    level = at.dataframe[0].value.columns[0]
    assert level in {t("buurt", lang), t("wijk", lang)}
    headers = list(at.dataframe[0].value.columns)
    assert headers == [level, *(t(code, lang) for code in GAPS_TABLE_COLUMNS)]
    assert not set(headers) & {t(code, "en") for code in ("buurt", "wijk", *GAPS_TABLE_COLUMNS)}
    shown = _main_texts(at)
    assert len(at.dataframe) == 4 and t("sites_title", lang) in shown and t("show_sites", lang) in shown
    in_english = [(code, part) for part in shown for code, english in _english_texts(lang).items()
                  if english.fullmatch(part)]
    assert not in_english, in_english
    assert not visible_codes("\n".join(shown)), visible_codes("\n".join(shown))
    # The coverage map (its own frame): layers, legend and its label.
    drawn = "\n".join(json.loads(e.proto.json_args).get("script", "") for e in at.main.get("component_instance")
                      if getattr(e.proto, "json_args", ""))
    def said(words: str) -> bool:  # as it is, or as a JSON string writes it ("B\\u00f6lgelere")
        return words in drawn or json.dumps(words)[1:-1] in drawn

    for code in ("layer_coverage", "layer_gaps", "layer_meeting", "layer_sites", "legend_coverage", "legend_gap",
                 "legend_meeting", "legend_site", "legend_may_be_unmapped", "map_label_coverage"):
        assert said(t(code, lang)) and not said(t(code, "en")), code
    # The printed profile speaks Dutch and English only: in a wijk language it is made in English.
    at.button(key="report_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    made_in, pdf = at.session_state["report_pdf"][0][3], at.session_state["report_pdf"][1]
    assert made_in == "en" and pdf.startswith(b"%PDF")


def test_the_map_page_switches_to_arabic_and_the_workshop_page_stays_in_english(map_workspace):
    at = AppTest.from_file(MAP_PAGE, default_timeout=240)
    at.run()
    assert at.title[0].value == MAP_TITLES["nl"]
    at.sidebar.radio(key="_lang_widget").set_value("ar").run()
    assert not at.exception and at.title[0].value == MAP_TITLES["ar"] and at.session_state["lang"] == "ar"
    workshop = AppTest.from_file(WORKSHOP_PAGE, default_timeout=240)
    workshop.session_state["lang"] = "ar"
    workshop.run()
    assert not workshop.exception
    assert list(workshop.sidebar.radio(key="_lang_widget").options) == ["Nederlands", "English"]
    assert workshop.title[0].value == t("ws_title", "en")
    assert workshop.session_state["lang"] == "ar"  # kept for the resident pages


# ---------------------------------------------------------------------- the static site in Chromium
@pytest.fixture(scope="module")
def site(delft_workspace_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("site_languages") / "site"
    publish.publish_site(delft_workspace_file, out, lang="nl")
    return out


def _site_page(browser, **context):
    """A page in a new browser context that reaches no tile server (the site must work offline)."""
    page = browser.new_context(**context).new_page()
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    return page


def _open_site(page, folder, address: str = "") -> None:
    """Open a published site from ``file://`` and wait until its script has drawn it."""
    page.goto((folder / "index.html").as_uri() + address)
    page.wait_for_selector("html[data-ready]")


@pytest.mark.browser
def test_the_site_in_each_language_from_file(site):
    require_chromium()
    with browsing.chromium() as browser:
        page = _site_page(browser)
        for lang in LANGUAGES:
            _open_site(page, site, f"?lang={lang}")
            assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == \
                [lang, i18n.direction(lang)]
            assert page.locator("h1").inner_text() == MAP_TITLES[lang]
            assert page.locator("#stories h2").inner_text() == t("site_stories_title", lang)
            assert page.locator("#languages").get_attribute("aria-label") == t("site_language", lang)
            assert page.locator(f"#lang-{lang}").get_attribute("aria-pressed") == "true"
            body = page.locator("body").inner_text()
            assert not visible_codes(body), (lang, visible_codes(body))
            assert all(name in body for name in i18n.LANGUAGE_NAMES.values())
        page.context.close()


@pytest.mark.browser
def test_the_arabic_site_is_mirrored_accessible_and_remembered(site):
    require_chromium()
    with browsing.chromium() as browser:
        page = _site_page(browser)
        _open_site(page, site)
        assert page.evaluate("document.documentElement.lang") == "nl"  # published in Dutch
        assert page.evaluate(ARABIC_FONT_LOADED) == 0 and page.locator("#font-ar").count() == 0  # Dutch: no font
        page.click("#lang-ar")
        page.wait_for_function("document.documentElement.dir === 'rtl'")
        assert page.locator("h1").inner_text() == MAP_TITLES["ar"]
        # Its own font, from file:// and offline: embedded in fonts-ar.css (a font file would be refused).
        page.wait_for_selector("#font-ar", state="attached")
        assert page.evaluate(ARABIC_FONT_LOADED) >= 1
        assert (site / "fonts" / "OFL.txt").read_text(encoding="utf-8").startswith("Copyright")
        # What people typed keeps its own direction: a Dutch name reads left to right on the Arabic page.
        directions = page.evaluate("""Array.from(document.querySelectorAll('#list .name'), n =>
            [n.textContent, n.getAttribute('dir'), getComputedStyle(n).direction])""")
        latin = [d for d in directions if re.fullmatch(r"[\x00-\u024f]+", d[0])]
        assert latin and all(d[1:] == ["auto", "ltr"] for d in latin), latin[:3]
        # Mirrored: the title starts at the right, the language buttons run right to left, the zoom
        # buttons move to the right-hand corner.
        width = page.evaluate("document.documentElement.clientWidth")
        title = page.locator("h1").bounding_box()
        assert title["x"] + title["width"] > width * 0.6 and title["x"] > 40
        first, last = page.locator("#lang-nl").bounding_box(), page.locator("#lang-pl").bounding_box()
        assert first["x"] > last["x"]
        zoom, frame = page.locator(".leaflet-control-zoom").bounding_box(), page.locator("#map").bounding_box()
        assert zoom["x"] > frame["x"] + frame["width"] / 2
        if browsing.AXE_JS.is_file():
            violations = axe_violations(page)
            assert not violations, describe(violations)
        # The choice is remembered: the page opens in Arabic again without ?lang=.
        _open_site(page, site)
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        page.context.close()
        # A Polish browser gets the Polish page; an English one the published (Dutch) page.
        for locale, expected in (("pl-PL", "pl"), ("en-US", "nl")):
            page = _site_page(browser, locale=locale)
            _open_site(page, site)
            assert page.evaluate("document.documentElement.lang") == expected, locale
            assert page.locator("h1").inner_text() == MAP_TITLES[expected]
            page.context.close()


# ---------------------------------------------------------------------- the agenda
def test_publish_in_turkish_writes_the_page_and_the_agenda_in_turkish(delft_copy, tmp_path):
    from icalendar import Calendar

    with open_workspace(delft_copy) as ws:
        place, _ = a_place(ws)
        ws.add_activity({"asset_id": place, "name": "Taalcafé", "recurring_time": "We 18:00-20:00",
                         "target_group": "newcomers", "free": True, "walk_in": True})
    out = tmp_path / "site"
    assert main(["publish", str(delft_copy), str(out), "--lang", "tr"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="tr" dir="ltr">' in page and f"<h1 id=\"title\">{MAP_TITLES['tr']}" in page
    calendar = Calendar.from_ical((out / "agenda.ics").read_bytes())
    assert str(calendar["x-wr-calname"]).startswith("Mahalle ajandası")
    [event] = [e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Taalcafé"]
    description = str(event["description"])
    assert "yeni gelenler için" in description and "ücretsiz" in description
    assert "randevusuz gelebilirsiniz" in description
    assert main(["publish", str(delft_copy), str(tmp_path / "ar"), "--lang", "ar"]) == 0
    assert '<html lang="ar" dir="rtl">' in (tmp_path / "ar" / "index.html").read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as refused:  # a language without a catalogue: argparse's usage message
        main(["publish", str(delft_copy), str(tmp_path / "fr"), "--lang", "fr"])
    assert refused.value.code == 2 and not (tmp_path / "fr").exists()


# ---------------------------------------------------------------------- a site with some of the languages
@pytest.mark.browser
def test_publish_with_three_languages_offers_those_three_only(delft_copy, tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["--lang", "nl", "publish", str(delft_copy), str(out), "--languages", "nl, tr,ar"]) == 0
    data = (out / "data.js").read_text(encoding="utf-8")
    assert MAP_TITLES["tr"] in data and MAP_TITLES["ar"] in data
    assert MAP_TITLES["pl"] not in data and MAP_TITLES["en"] not in data  # no text of a language not offered
    require_chromium()
    with browsing.chromium() as browser:
        for locale, address, expected in (("pl-PL", "", "nl"), ("tr-TR", "", "tr"), ("nl-NL", "?lang=pl", "nl"),
                                          ("nl-NL", "?lang=ar", "ar")):
            page = _site_page(browser, locale=locale)
            _open_site(page, out, address)
            assert page.evaluate("document.documentElement.lang") == expected, (locale, address)
            assert page.locator("h1").inner_text() == MAP_TITLES[expected]
            buttons = page.locator("#languages button")
            assert [buttons.nth(k).get_attribute("data-lang") for k in range(buttons.count())] == ["nl", "tr", "ar"]
            body = page.locator("body").inner_text()
            assert not visible_codes(body), visible_codes(body)
            page.context.close()


def test_publish_refuses_an_unknown_language_or_an_opening_language_not_offered(delft_copy, tmp_path, capsys):
    assert main(["--lang", "nl", "publish", str(delft_copy), str(tmp_path / "a"), "--languages", "nl,fr"]) == 2
    said = capsys.readouterr().err
    assert "onbekende taalcode(s) fr" in said and "nl, en, tr, ar, pl" in said and "--languages nl,tr,ar" in said
    assert main(["--lang", "nl", "publish", str(delft_copy), str(tmp_path / "b"), "--languages", "nl,tr",
                 "--lang", "pl"]) == 2
    said = capsys.readouterr().err
    assert "de site zou openen in pl" in said and "zet pl bij --languages" in said
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()  # nothing written
    # Without --lang, a site that does not offer the messages' language opens in its first language.
    assert main(["--lang", "nl", "publish", str(delft_copy), str(tmp_path / "c"), "--languages", "ar,tr"]) == 0
    assert '<html lang="tr" dir="ltr">' in (tmp_path / "c" / "index.html").read_text(encoding="utf-8")
