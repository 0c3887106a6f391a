"""Every problem and error that assetmap reports reaches the app user in Dutch (default) or English.

Problems and errors carry a message code; the texts come from the gettext catalogues
(:mod:`assetmap.messages`; ``tests/test_messages.py`` checks the catalogues themselves). Here:

* a problem and an error are put into words per language, row, column and fix included, and a
  text that is no code is shown as it is (a missing translation never hides the problem);
* every file of ``tests/bad_inputs/`` goes through the functions the CLI calls, and every problem
  it produces has a code with a Dutch text of its own (no English fallback);
* the app: a refused workshop file shows its problems in Dutch, and in English after the switch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_bad_input import BAD, CASES

from assetmap import i18n
from assetmap.errors import AssetmapError, InputError, Problem, WorkspaceError, render_error
from assetmap.imports import import_boundaries, import_osm, import_workshop
from assetmap.messages import is_code
from assetmap.service import open_workspace
from assetmap.sources.workshop import read_workshop_file

from conftest import REPO

APP = str(REPO / "app.py")
DATA_PAGE = str(REPO / "pages" / "4_Data.py")


# ---------------------------------------------------------------------- problems and errors in words
def test_a_problem_in_dutch_and_english():
    problem = Problem("value_not_allowed", "fix_use_one_of", row=2, column="building_block", value="kasteel",
                      allowed="individual, association")
    assert problem.text("nl") == "'kasteel' is geen toegestane waarde"
    assert problem.fix_text("nl") == "gebruik een van: individual, association"
    assert problem.render("nl") == ("rij 2, kolom 'building_block': 'kasteel' is geen toegestane waarde. "
                                    "Los op: gebruik een van: individual, association")
    assert str(problem) == problem.render("en") == problem.render() == (
        "row 2, column 'building_block': 'kasteel' is not an allowed value. Fix: use one of: individual, association")
    assert (problem.row, problem.column) == (2, "building_block")


def test_a_text_that_is_no_code_is_shown_as_it_is():
    problem = Problem("something nobody wrote", "do this")
    assert problem.render("nl") == "something nobody wrote. Los op: do this"
    assert str(problem) == "something nobody wrote. Fix: do this"
    assert Problem("no_such_code", value=3).render("nl") == "no_such_code (value=3)."
    assert render_error(ValueError("not ours"), "nl") == "not ours"


def test_errors_translate_whole():
    many = InputError([Problem("cell_empty", "fix_fill_in", row=r, column="name", name="name") for r in range(1, 61)])
    text = many.render("nl")
    assert text.splitlines()[0] == "rij 1, kolom 'name': is leeg. Los op: vul een waarde in voor 'name'"
    assert text.splitlines()[-1] == "... en nog 10 problemen"
    assert many.render("en") == str(many)
    assert str(many).splitlines()[-1] == "... and 10 more problems"
    assert many.report(limit=5, lang="nl").splitlines()[-1] == "... en nog 55 problemen"
    missing = WorkspaceError("ws_missing", "fix_ws_init", path="/tmp/x.gpkg")
    assert str(missing) == "workspace /tmp/x.gpkg does not exist. Fix: create it with 'assetmap init /tmp/x.gpkg'"
    assert render_error(missing, "nl") == ("werkruimte /tmp/x.gpkg bestaat niet. Los op: maak hem aan op de "
                                           "startpagina of met 'assetmap init /tmp/x.gpkg'")


# ---------------------------------------------------------------------- dynamic: the bad inputs
def _run_like_the_cli(command: str, workspace: Path, file: Path) -> list[Problem]:
    """The problems (refused) or notes (accepted) of one file, from the functions the CLI calls."""
    with open_workspace(workspace) as ws:
        try:
            if command == "import":
                result = import_workshop(ws, file, dry_run=True)
            elif command == "import-boundaries":
                result = import_boundaries(ws, file=file)
            else:
                result = import_osm(ws, file=file)
        except InputError as exc:
            return exc.problems
    return list(result.notes)


def _assert_dutch(problems: list[Problem], what: str) -> None:
    for problem in problems:
        assert problem.fix, (what, problem)  # every problem names the fix
        for code in (problem.code, problem.fix):
            assert is_code(code), (what, code)
        assert problem.text("nl") != problem.text("en"), (what, problem)
        assert problem.fix_text("nl") != problem.fix_text("en"), (what, problem)


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_every_bad_input_is_reported_in_dutch(case, seeded_denhaag_file, tmp_path):
    workspace = tmp_path / "ws.gpkg"
    shutil.copy(seeded_denhaag_file, workspace)
    problems = _run_like_the_cli(case.command, workspace, BAD / case.file)
    if case.status == 2:
        assert problems, case.file
    _assert_dutch(problems, case.file)


def test_files_over_the_limits_are_reported_in_dutch(seeded_denhaag_file, tmp_path):
    big = tmp_path / "tweehonderd.csv"
    with open(big, "wb") as handle:  # sparse: 200 MB on paper
        handle.write(b"naam,bouwsteen,lat,lon\n")
        handle.truncate(200 * 2**20)
    with pytest.raises(InputError) as too_big:
        read_workshop_file(big)
    _assert_dutch(too_big.value.problems, big.name)
    assert too_big.value.render("nl").startswith("tweehonderd.csv is 200 MB, meer dan de grens van 50 MB.")
    with open_workspace(seeded_denhaag_file) as ws, pytest.raises(AssetmapError) as missing:
        import_workshop(ws, tmp_path / "weg.csv", dry_run=True)
    _assert_dutch(missing.value.problems, "missing file")


# ---------------------------------------------------------------------- the app
def _run(script: str, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(script, default_timeout=180)
    if lang:
        at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_data_page_shows_the_problems_of_a_refused_file_in_dutch_then_english(delft_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(delft_copy))
    bad = tmp_path / "werksessie.csv"
    bad.write_text("naam,bouwsteen,lat,lon,ontmoetingsplek\n"
                   "Buurthuis,instelling,52.0015,4.3725,misschien\n"
                   ",vereniging,52.0016,4.3726,ja\n"
                   "Moestuin,toverij,4.3727,52.0017,nee\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_workshop_file(bad)
    english = refused.value.problems
    assert len(english) >= 4

    at = _run(DATA_PAGE)
    at.text_input(key="workshop_path").input(str(bad))
    at.button(key="import_check").click().run()
    assert not at.exception
    assert at.error[0].value == i18n.t("import_problems", "nl", count=len(english))
    table = at.dataframe[0].value
    messages = list(table[i18n.t("col_problem", "nl")])
    fixes = list(table[i18n.t("col_fix", "nl")])
    assert messages == [p.text("nl") for p in english]
    assert fixes == [p.fix_text("nl") for p in english]
    assert not set(messages) & {p.text("en") for p in english}  # nothing left in English
    assert "'toverij' is geen toegestane waarde" in messages and "is leeg" in messages
    assert "'misschien' is geen ja of nee" in messages
    assert any(m.startswith("lat 4.3727 en lon 52.0017 lijken verwisseld") for m in messages)
    assert list(table[i18n.t("col_row", "nl")]) == [p.row for p in english]  # rows and columns as they are

    at.sidebar.radio(key="_lang_widget").set_value("en").run()
    at.button(key="import_check").click().run()
    assert not at.exception
    assert at.error[0].value == i18n.t("import_problems", "en", count=len(english))
    table = at.dataframe[0].value
    assert list(table[i18n.t("col_problem", "en")]) == [p.text() for p in english]
    assert list(table[i18n.t("col_fix", "en")]) == [p.fix_text() for p in english]
    with open_workspace(delft_copy) as ws:
        assert len(ws.assets()) == 185  # a check writes nothing


def test_home_shows_a_workspace_error_in_the_chosen_language(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(tmp_path / "nog_niet.gpkg"))
    wrong = tmp_path / "buurt.txt"
    at = _run(APP)
    at.text_input(key="workspace_input").input(str(wrong))
    at.button(key="workspace_create").click().run()
    assert not at.exception
    assert at.error[0].value == i18n.t("error", "nl", error=(
        f"{wrong.name} eindigt niet op .gpkg. Los op: geef het werkruimtebestand een naam zoals buurt.gpkg"))
    at.sidebar.radio(key="_lang_widget").set_value("en").run()
    at.button(key="workspace_create").click().run()
    assert at.error[0].value == i18n.t("error", "en", error=(
        f"{wrong.name} does not end in .gpkg. Fix: name the workspace file like buurt.gpkg"))
