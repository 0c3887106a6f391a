"""Every problem and error that assetmap reports reaches the app user in Dutch (default) or English.

The CLI stays English; :mod:`assetmap.i18n_problems` translates for the screen. Three checks:

* static: every message and fix written in the source (``Problem(...)``, ``InputError(...)``, the other
  :class:`~assetmap.errors.AssetmapError` classes, coverage notes) has a Dutch template, and the table
  holds no template that the source no longer writes;
* dynamic: every file of ``tests/bad_inputs/`` goes through the functions the CLI calls, and every
  problem it produces comes out in Dutch (no English fallback);
* the app: a refused workshop file shows its problems in Dutch, and in English after the switch.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import shutil
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import assetmap
from assetmap import i18n
from assetmap.errors import AssetmapError, InputError, Problem
from assetmap.i18n_problems import DUTCH, problem_line, template_of, translate_error, translate_problem, \
    translate_text
from assetmap.imports import import_boundaries, import_osm, import_workshop
from assetmap.sources.workshop import read_workshop_file
from assetmap.service import open_workspace
from conftest import REPO
from test_bad_input import BAD, CASES

PACKAGE = Path(assetmap.__file__).resolve().parent
APP = str(REPO / "app.py")
DATA_PAGE = str(REPO / "pages" / "4_Data.py")


# ---------------------------------------------------------------------- static: the source
def _error_classes() -> dict[str, type]:
    """AssetmapError and all its subclasses in the package, by name (every module imported to find them)."""
    for module in pkgutil.walk_packages(assetmap.__path__, "assetmap."):
        importlib.import_module(module.name)
    found, todo = {}, [AssetmapError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


ERROR_CLASSES = _error_classes()
#: Classes whose first argument may be a list of problems instead of a text, and whose second is the fix.
PROBLEM_LISTS = {name for name, cls in ERROR_CLASSES.items() if issubclass(cls, InputError)}

#: Texts that are built from variables, each with the reason it needs no template.
NOT_TRANSLATED = {
    ("errors.py", "Problem", "message"): "InputError's own wrapping of a text given to it: the text is "
                                         "checked where that InputError is raised",
    ("errors.py", "Problem", "fix"): "as above, the fix given to InputError",
    ("layers/_validate.py", "InputError", "message"): "raise_or_warn raises the list of Problems it is given",
    ("ui.py", "AssetmapError", "{}: {}"): "the geocoder's own error (osmnx, requests), not assetmap's text; the "
                                          "page shows it inside a Dutch sentence (address_failed)",
}


def _templates(node: ast.AST, function: ast.AST | None) -> list[str] | None:
    """Every text ``node`` can evaluate to, with ``{}`` for each value; ``None`` when it is not a text."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _templates(node.left, function), _templates(node.right, function)
        return None if left is None or right is None else [a + b for a in left for b in right]
    if isinstance(node, ast.IfExp):
        body, orelse = _templates(node.body, function), _templates(node.orelse, function)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.Name):
        values = _assigned(node, function)
        found = [_templates(v, function) for v in values]
        return None if not found or any(f is None for f in found) else [t for f in found for t in f]
    return None


def _assigned(name: ast.Name, function: ast.AST | None) -> list[ast.AST]:
    """The values assigned to ``name`` in its function (none for a parameter)."""
    if function is None:
        return []
    values = []
    for n in ast.walk(function):
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name.id for t in n.targets):
            values.append(n.value)
        elif isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id == name.id and n.value:
            values.append(n.value)
    return values


def _is_problem_list(node: ast.AST, function: ast.AST | None) -> bool:
    """A list of problems (a list, a call that returns one, or a name assigned only such values)."""
    if isinstance(node, (ast.List, ast.ListComp, ast.Call)):
        return True
    if isinstance(node, ast.Name):
        values = _assigned(node, function)
        return bool(values) and all(isinstance(v, (ast.List, ast.ListComp, ast.Call)) for v in values)
    return False


def _functions(tree: ast.AST):
    """(call, enclosing function) for every call in the module."""
    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call):
                yield child, function
            yield from visit(child, inner)
    yield from visit(tree, None)


def source_texts() -> tuple[list[tuple[str, int, str, str]], list[tuple[str, int, str, str, str]]]:
    """Texts written at the source: ([(file, line, class, template)], [(file, line, class, role, code)] unresolved)."""
    texts, unresolved = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "i18n_problems.py":
            continue
        name = str(path.relative_to(PACKAGE))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call, function in _functions(tree):
            func = call.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if called == "append" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                    and func.value.id == "notes" and call.args:
                found = _templates(call.args[0], function)
                if found is not None:  # a note given as text (coverage); Problem notes are calls of their own
                    texts.extend((name, call.lineno, "note", t) for t in found)
                continue
            if called != "Problem" and called not in ERROR_CLASSES:
                continue
            roles = ("message", "fix") if called == "Problem" or called in PROBLEM_LISTS else ("message",)
            given = dict(zip(roles, call.args))
            given.update({k.arg: k.value for k in call.keywords if k.arg in roles})
            for role, node in given.items():
                found = _templates(node, function)
                if found is None:
                    if role == "message" and called in PROBLEM_LISTS and _is_problem_list(node, function):
                        continue  # the Problem(...) calls that fill the list are collected on their own
                    unresolved.append((name, call.lineno, called, role, ast.unparse(node)))
                    continue
                texts.extend((name, call.lineno, called, t) for t in found)
    return texts, unresolved


SOURCE_TEXTS, UNRESOLVED = source_texts()


def _filled(template: str) -> tuple[str, list[str]]:
    """The template with a distinct made-up value in each ``{}``."""
    parts = template.split("{}")
    values = [f"WAARDE{i}" for i in range(len(parts) - 1)]
    return "".join(part + value for part, value in zip(parts, values + [""])), values


def test_the_source_scan_finds_the_texts():
    """The scan sees the reader, check, storage and analysis texts (so an empty scan cannot pass)."""
    files = {f for f, *_ in SOURCE_TEXTS}
    assert {"sources/workshop.py", "sources/cbs.py", "sources/osm.py", "layers/_validate.py", "layers/assets.py",
            "storage/geopackage.py", "coverage.py", "imports.py", "export.py"} <= files
    classes = {c for _, _, c, _ in SOURCE_TEXTS}
    assert {"Problem", "InputError", "WorkspaceError", "PermissionDenied", "CoverageError", "note"} <= classes
    assert len({t for *_, t in SOURCE_TEXTS}) > 150


def test_every_text_built_from_variables_is_accounted_for():
    unexplained = [u for u in UNRESOLVED if (u[0], u[2], u[3]) not in NOT_TRANSLATED]
    assert not unexplained, unexplained
    used = {(u[0], u[2], u[3]) for u in UNRESOLVED} | {(f, c, t) for f, _, c, t in SOURCE_TEXTS}
    assert set(NOT_TRANSLATED) <= used, "an exemption that no longer applies: remove it"


def test_every_text_in_the_source_has_a_dutch_template():
    exempt = {(f, c, t) for f, c, t in NOT_TRANSLATED}
    missing = sorted({(f, line, t) for f, line, c, t in SOURCE_TEXTS if t not in DUTCH and (f, c, t) not in exempt})
    assert not missing, "\n".join(f"{f}:{line}: {t!r}" for f, line, t in missing)


def test_every_template_is_matched_by_its_own_text_and_translated():
    """A text made from the template finds that template (no other one shadows it) and comes out Dutch."""
    for english, dutch in DUTCH.items():
        text, values = _filled(english)
        assert template_of(text) == english, (english, template_of(text))
        out = translate_text(text, "nl")
        assert out != text, english
        for value in values:
            assert value in out, (english, out)  # every value is kept
        assert translate_text(text, "en") == text
        fields = [f for _, f, _, _ in string.Formatter().parse(dutch) if f is not None]
        assert len(fields) == len(values), (english, dutch)


def test_the_table_holds_no_template_the_source_no_longer_writes():
    written = {t for *_, t in SOURCE_TEXTS}
    assert not set(DUTCH) - written, sorted(set(DUTCH) - written)


def test_unknown_text_and_english_stay_as_they_are():
    assert translate_text("something nobody wrote", "nl") == "something nobody wrote"
    assert translate_text("", "nl") == ""
    problem = Problem("'kasteel' is not an allowed value", "use one of: individual, association", row=2,
                      column="building_block")
    assert translate_problem(problem, "en") == problem
    dutch = translate_problem(problem, "nl")
    assert dutch.message == "'kasteel' is geen toegestane waarde"
    assert dutch.fix == "gebruik een van: individual, association"
    assert (dutch.row, dutch.column) == (2, "building_block")
    assert problem_line(problem, "nl") == ("rij 2, kolom 'building_block': 'kasteel' is geen toegestane waarde. "
                                           "Los op: gebruik een van: individual, association")
    assert problem_line(problem, "en") == str(problem)


def test_errors_translate_whole():
    many = InputError([Problem("is empty", "fill in a name", row=r, column="name") for r in range(1, 61)])
    text = translate_error(many, "nl")
    assert text.splitlines()[0] == "rij 1, kolom 'name': is leeg. Los op: vul een waarde in voor 'name'"
    assert text.splitlines()[-1] == "... en nog 10 problemen"
    assert translate_error(many, "en") == str(many)
    from assetmap.errors import WorkspaceError
    missing = WorkspaceError("workspace /tmp/x.gpkg does not exist. Fix: create it with 'assetmap init /tmp/x.gpkg'")
    assert translate_error(missing, "nl") == ("werkruimte /tmp/x.gpkg bestaat niet. Los op: maak hem aan op de "
                                              "startpagina of met 'assetmap init /tmp/x.gpkg'")
    assert translate_error(ValueError("not ours"), "nl") == "not ours"


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
        for english in (problem.message, problem.fix):
            assert english, (what, problem)  # every problem names the fix
            assert template_of(english) is not None, (what, english)
            assert translate_text(english, "nl") != english, (what, english)


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
    assert translate_error(too_big.value, "nl").startswith("tweehonderd.csv is 200 MB, meer dan de grens van 50 MB.")
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
    assert messages == [translate_text(p.message, "nl") for p in english]
    assert fixes == [translate_text(p.fix, "nl") for p in english]
    assert not set(messages) & {p.message for p in english}  # nothing left in English
    assert "'toverij' is geen toegestane waarde" in messages and "is leeg" in messages
    assert "'misschien' is geen ja of nee" in messages
    assert any(m.startswith("lat 4.3727 en lon 52.0017 lijken verwisseld") for m in messages)
    assert list(table[i18n.t("col_row", "nl")]) == [p.row for p in english]  # rows and columns as they are

    at.sidebar.radio(key="_lang_widget").set_value("en").run()
    at.button(key="import_check").click().run()
    assert not at.exception
    assert at.error[0].value == i18n.t("import_problems", "en", count=len(english))
    table = at.dataframe[0].value
    assert list(table[i18n.t("col_problem", "en")]) == [p.message for p in english]
    assert list(table[i18n.t("col_fix", "en")]) == [p.fix for p in english]
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
