"""The gettext catalogues: every code in the source has a text in Dutch and English, and nothing else.

* Babel extraction (``babel.cfg``, assetmap's extractor) over ``assetmap/``, ``app.py`` and ``pages/``
  finds every code; each has a non-empty, non-fuzzy text in ``nl`` and ``en``, and every entry of the
  catalogues is extracted (so ``pybabel update`` never drops one as obsolete);
* the compiled ``.mo`` files hold exactly what the ``.po`` files say, and ``assetmap.pot`` lists the
  extracted codes;
* every ``{field}`` of a Dutch text is one of the English text, and both format with the fields;
* a problem comes out in Dutch with "rij", "kolom" and "Los op", and rewording the English text never
  loses the Dutch (codes decouple them); a missing translation falls back to English, then the code.
"""

from __future__ import annotations

import gettext
import io
import shutil
import string
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from assetmap import _babel_extract, errors, messages
from assetmap.errors import InputError, Problem, WorkspaceError
from assetmap.messages import Message, cli_language, text

from conftest import REPO

LOCALE = REPO / "assetmap" / "locale"
LANGUAGES = ("nl", "en")


def _po(lang: str):
    with open(LOCALE / lang / "LC_MESSAGES" / "assetmap.po", "rb") as handle:
        return read_po(handle, locale=lang)


def _code(message_id) -> str:
    """The code of an entry: a plural entry's id is ``(code, code)``."""
    return message_id[0] if isinstance(message_id, (tuple, list)) else message_id


def _forms(string) -> tuple[str, ...]:
    """Every text of an entry: one, or one per plural form."""
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def catalogue(lang: str) -> dict[str, str | tuple[str, ...]]:
    """Code -> text of the ``lang`` catalogue (the ``.po`` file), header left out; a plural entry's
    texts as a tuple, one per plural form."""
    return {_code(m.id): m.string if isinstance(m.string, str) else tuple(m.string) for m in _po(lang) if m.id}


@lru_cache(maxsize=1)
def extracted() -> dict[str, list[tuple[str, int]]]:
    """Code -> places, from Babel's extraction with ``babel.cfg`` (as ``pybabel extract`` does it)."""
    with open(REPO / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(str(REPO), method_map, options_map):
        found.setdefault(_code(message), []).append((filename, lineno))
    return found


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _sample(template: str) -> dict[str, object]:
    """A value for every field (a number where the field has a format spec such as ``:g``)."""
    return {field: 1.5 if spec else f"<{field}>" for _, field, spec, _ in string.Formatter().parse(template)
            if field is not None}


# ---------------------------------------------------------------------- extraction against the catalogues
def test_extraction_finds_the_codes_of_every_layer():
    files = {f for places in extracted().values() for f, _ in places}
    assert {"assetmap/errors.py", "assetmap/sources/workshop.py", "assetmap/sources/cbs.py", "assetmap/sources/osm.py",
            "assetmap/layers/_validate.py", "assetmap/coverage/inputs.py", "assetmap/export.py", "assetmap/ui.py",
            "assetmap/i18n.py", "app.py", "pages/4_Data.py"} <= files
    assert {"asset_missing", "fix_link_existing", "ws_title", "problem_fix", "page_gaps", "speed_slow"} \
        <= set(extracted())
    assert len(extracted()) > 400


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_extracted_code_has_a_text(lang):
    po = _po(lang)
    missing = []
    for code, places in extracted().items():
        entry = po.get(code)
        if entry is None or not all(_forms(entry.string)) or entry.fuzzy:
            missing.append(f"{code} ({places[0][0]}:{places[0][1]})")
    assert not missing, f"no {lang} text for:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_entry_is_used_and_none_is_obsolete(lang):
    po = _po(lang)
    unused = sorted(set(catalogue(lang)) - set(extracted()))
    assert not unused, f"entries of {lang} no source uses (a code made at run time goes in i18n.RUNTIME_KEYS): {unused}"
    assert not po.obsolete, sorted(po.obsolete)
    assert not po.fuzzy  # a fuzzy header makes pybabel compile skip the catalogue


def test_the_template_lists_the_extracted_codes():
    with open(LOCALE / "assetmap.pot", "rb") as handle:
        pot = {_code(m.id) for m in read_po(handle) if m.id}
    assert pot == set(extracted()), "run pybabel extract (docs/app.md, 'Texts and translations')"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(lang):
    with open(LOCALE / lang / "LC_MESSAGES" / "assetmap.mo", "rb") as handle:
        compiled = {_code(m.id): m.string if isinstance(m.string, str) else tuple(m.string)
                    for m in read_mo(handle) if m.id}
    assert compiled == catalogue(lang), "run pybabel compile -d assetmap/locale -D assetmap"
    buffer = io.BytesIO()
    write_mo(buffer, _po(lang))  # what pybabel compile makes of the .po, read back by gettext itself
    buffer.seek(0)
    assert gettext.GNUTranslations(buffer).gettext("asset_missing") == catalogue(lang)["asset_missing"]


def test_every_dutch_text_has_the_fields_of_the_english_one_and_both_format():
    english, dutch = catalogue("en"), catalogue("nl")
    assert set(english) == set(dutch)
    for code, english_text in english.items():
        if isinstance(english_text, tuple):  # a plural entry: every form has the fields of the English plural
            template = english_text[-1]
            assert isinstance(dutch[code], tuple) and len(dutch[code]) == 2, code  # Plural-Forms: nplurals=2
            assert all(_fields(form) == _fields(template) for form in (*english_text, *dutch[code])), code
            assert "count" in _fields(template), code
            for count, form in ((1, 0), (3, 1)):
                values = _sample(template) | {"count": count}
                assert text(code, "en", **values) == english_text[form].format(**values), code
                assert text(code, "nl", **values) == dutch[code][form].format(**values), code
            continue
        template = english_text
        assert _fields(dutch[code]) == _fields(template), (code, template, dutch[code])
        values = _sample(template)
        assert text(code, "en", **values) == template.format(**values), code
        assert text(code, "nl", **values) == dutch[code].format(**values), code  # Dutch, not the fallback


def test_no_file_writes_a_sentence_where_a_code_goes():
    """Every text given where a code goes (errors, problems, ``t``, ``text``) is a code of the catalogues."""
    sentences = {}
    for path in sorted([*(REPO / "assetmap").rglob("*.py"), REPO / "app.py", *(REPO / "pages").glob("*.py")]):
        name = path.relative_to(REPO).as_posix()
        for lineno, value in _babel_extract.arguments(path.read_text(encoding="utf-8")):
            if not _babel_extract.is_code(value):
                sentences.setdefault(name, []).append((lineno, value))
    assert not sentences, sentences


# ---------------------------------------------------------------------- problems in words
def test_a_problem_renders_in_dutch_and_english():
    problem = Problem("lat_lon_swapped", "fix_swap_lat_lon", row=3, column="lat", lat=4.3, lon=52.0)
    dutch = problem.render("nl")
    assert dutch == ("rij 3, kolom 'lat': lat 4.3 en lon 52.0 lijken verwisseld. "
                     "Los op: verwissel de waarden van lat en lon")
    assert "rij 3" in dutch and "kolom 'lat'" in dutch and "Los op:" in dutch
    assert str(problem) == "row 3, column 'lat': lat 4.3 and lon 52.0 look swapped. Fix: swap the lat and lon values"
    error = InputError([problem, Problem("cell_empty", "fix_fill_in", row=4, column="name", name="name")])
    assert error.render("nl").splitlines()[1] == "rij 4, kolom 'name': is leeg. Los op: vul een waarde in voor 'name'"
    assert str(error).splitlines()[1] == "row 4, column 'name': is empty. Fix: fill in a name"
    only_fix = WorkspaceError("ws_no_table", name="assets")
    assert only_fix.render("nl") == "de werkruimte heeft geen tabel 'assets'."
    assert Message("note_no_meeting_places").render("nl").startswith("de werkruimte heeft geen ontmoetingsplekken")


def test_words_inside_a_message_are_translated_too():
    refused = InputError("boundaries_no_gemeente", "fix_check_gemeente", name=Message("the_file"), gemeente="GM0001")
    assert str(refused).startswith("the file has no boundaries of GM0001.")
    assert refused.render("nl").startswith("het bestand bevat geen grenzen van GM0001.")


@pytest.fixture
def own_catalogues(tmp_path, monkeypatch):
    """A copy of the catalogues that a test may change; ``compile()`` puts them in use."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)

    def compile_(changes: dict[str, dict[str, str | None]]) -> None:
        for lang, entries in changes.items():
            po = _po(lang)
            for code, new in entries.items():
                if new is None:
                    del po[code]
                else:
                    po[code].string = new
            with open(locale / lang / "LC_MESSAGES" / "assetmap.mo", "wb") as handle:
                write_mo(handle, po)
        monkeypatch.setattr(messages, "LOCALE_DIR", locale)
        messages._catalogue.cache_clear()

    yield compile_
    messages._catalogue.cache_clear()


def test_rewording_the_english_text_keeps_the_dutch(own_catalogues):
    problem = Problem("asset_missing", "fix_link_existing", row=2, column="related_asset_id", id="weg")
    dutch_before = problem.render("nl")
    own_catalogues({"en": {"asset_missing": "there is no asset with id '{id}'"}})
    assert problem.render("nl") == dutch_before
    assert str(problem) == ("row 2, column 'related_asset_id': there is no asset with id 'weg'. "
                            "Fix: link existing assets only")


def test_a_missing_or_broken_translation_never_hides_the_message(own_catalogues):
    own_catalogues({"nl": {"file_missing": None, "file_empty": "{naam} is leeg"},
                    "en": {"fix_check_path": None}})
    assert text("file_missing", "nl", path="x.csv") == "file x.csv does not exist"  # English instead
    assert text("file_empty", "nl", name="x.csv") == "x.csv is empty"  # a field the call does not give
    problem = Problem("file_missing", "fix_check_path", path="x.csv")
    assert problem.render("nl") == "file x.csv does not exist. Los op: controleer het pad"
    assert problem.render("en") == "file x.csv does not exist. Fix: fix_check_path (path='x.csv')"
    assert text("no_such_code", "nl") == "no_such_code"
    assert text("no_such_code", "fr", n=2) == "no_such_code (n=2)"
    assert text("file_missing", "fr", path="x.csv") == "file x.csv does not exist"  # no French: English


def test_no_catalogues_at_all_still_shows_code_and_values(tmp_path, monkeypatch):
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    messages._catalogue.cache_clear()
    try:
        shown = str(InputError("file_missing", "fix_check_path", row=3, path="x.csv"))
        assert "file_missing (path='x.csv')" in shown and "fix_check_path" in shown and "3" in shown
    finally:
        messages._catalogue.cache_clear()


# ---------------------------------------------------------------------- the language of the CLI
@pytest.mark.parametrize("explicit, env, expected", [
    (None, {}, "en"),
    ("nl", {}, "nl"),
    ("en", {"LANG": "nl_NL.UTF-8"}, "en"),
    (None, {"LANG": "nl_NL.UTF-8"}, "nl"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {"LANGUAGE": "nl:en", "LANG": "en_GB.UTF-8"}, "nl"),
    (None, {"LC_ALL": "en_US.UTF-8", "LANG": "nl_BE.UTF-8"}, "en"),
    (None, {"LC_MESSAGES": "nl_NL", "LANG": "en_GB"}, "nl"),
])
def test_cli_language(explicit, env, expected, monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli_language(explicit) == expected


def test_errors_imports_only_the_messages_module():
    source = Path(errors.__file__).read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert all(not line.split()[1].startswith("assetmap") or line.split()[1] in ("assetmap", "assetmap.messages")
               for line in imports), imports
    assert "from assetmap import messages" in source


# ---------------------------------------------------------------------- plural forms
@pytest.mark.parametrize("lang", LANGUAGES)
def test_both_catalogues_say_how_many_plural_forms(lang):
    assert _po(lang).plural_forms == "nplurals=2; plural=(n != 1);"


def test_a_count_picks_the_plural_form_of_the_catalogue():
    from assetmap.i18n import tn
    from assetmap.messages import ntext
    assert text("import_problems", "nl", count=1).startswith("1 probleem gevonden")
    assert text("import_problems", "nl", count=3).startswith("3 problemen gevonden")
    assert tn("import_problems", 1, "en").startswith("1 problem found;")
    assert tn("cli_asset_count", 0, "nl") == "0 assets" and tn("cli_asset_count", 1, "nl") == "1 asset"
    assert ntext("hours_unknown_list", 1, "nl") == "1 ontmoetingsplek met onbekende tijden"
    # A number already formatted in Dutch still picks the right form.
    assert text("report_out_of_reach", "nl", count="12.040", minutes=10).startswith("12.040 bewoners wonen")
    assert text("report_out_of_reach", "nl", count="1", minutes=10).startswith("1 bewoner woont")
    # A problem or a message with a count says it in the right form too.
    assert Problem("placed_by_grid", count=1, rows="4").render("nl") == "1 rij op het midden van zijn postervak gezet: rij 4."
    assert Message("note_unreachable", count=2, distance="500").render("nl").startswith("2 bewoners wonen")
    error = InputError([Problem("cell_empty", "fix_fill_in", row=k, column="name", name="name") for k in range(1, 4)])
    assert error.report(limit=2, lang="nl").splitlines()[-1] == "... en nog 1 probleem"


def test_the_extractor_knows_plural_entries():
    source = "tn('cli_asset_count', n, lang)\nt('ws_title', lang)\ntext('import_problems', lang, count=n)\n"
    found = {_code(message): (funcname, message) for _, funcname, message, _ in
             _babel_extract.extract(io.BytesIO(source.encode()), (), (), {})}
    assert found["cli_asset_count"] == ("ngettext", ("cli_asset_count", "cli_asset_count"))
    assert found["import_problems"][0] == "ngettext"  # plural in the catalogue, so extracted as plural
    assert found["ws_title"] == (None, "ws_title")
