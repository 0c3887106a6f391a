"""No command overwrites (issue #29): every command that writes files refuses what is there.

Each command that writes a file refuses an existing file, and each that fills a folder refuses a
folder that holds files, unless ``--force`` is given; ``--force`` never replaces a workspace and
never writes into the folder of the workspace being read. A refusal is a coded message (exit 2)
and changes nothing: every file under the test's folder, the workspace included, keeps its
checksum. The attack this answers: ``assetmap handover WS --out DIR`` replaced README.md and
index.html in DIR, and, with DIR the workspace's folder and the workspace named as the bundle's
GeoPackage, the workspace itself.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from assetmap.cli import main
from assetmap.files import atomic_path, check_file, is_workspace_file, write_atomically
from assetmap.handover import BUNDLE_FILES, GEOPACKAGE

WIPPOLDER = "WK050328"


def sums(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) -> its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(argv: list[str], capsys, *codes_text: str) -> str:
    """Run a command that must be refused; its message (stderr), which must name each of ``codes_text``."""
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for part in codes_text:
        assert part in err, err
    return err


@pytest.fixture
def place(delft_copy) -> Path:
    """A folder holding the workspace ``delft.gpkg`` and nothing else."""
    return delft_copy.parent


#: Command -> (argv with {ws} and {out}, the suffix of the file it writes).
FILE_COMMANDS = {
    "export-csv": (["export", "{ws}", "{out}"], ".csv"),
    "export-gpkg": (["export", "{ws}", "{out}", "--public"], ".gpkg"),
    "report": (["report", "{ws}", "--area", WIPPOLDER, "--out", "{out}"], ".html"),
    "poster": (["poster", "{ws}", "--area", WIPPOLDER, "--size", "A3", "--out", "{out}"], ".pdf"),
    "coverage-json": (["coverage", "{ws}", "--json", "{out}"], ".json"),
    "coverage-csv": (["coverage", "{ws}", "--csv", "{out}"], ".csv"),
    "suggest-json": (["suggest", "{ws}", "--count", "1", "--json", "{out}"], ".json"),
    "my-data": (["my-data", "{ws}", "tafel 1", "--out", "{out}"], ".json"),
    "table-cards": (["table-code", "{ws}", "--cards", "{out}"], ".pdf"),
    "backup": (["backup", "{ws}", "{out}"], ".gpkg"),
    "copy": (["copy", "{ws}", "{out}"], ".gpkg"),
}


def _argv(name: str, ws: Path, out: Path) -> list[str]:
    return [a.format(ws=ws, out=out) for a in FILE_COMMANDS[name][0]]


@pytest.mark.parametrize("name", sorted(FILE_COMMANDS))
def test_a_file_command_refuses_an_existing_file_and_force_replaces_it(name, delft_copy, place, capsys):
    out = place / f"mine{FILE_COMMANDS[name][1]}"
    out.write_bytes(b"my own file, not assetmap's")
    before = sums(place)
    refused(_argv(name, delft_copy, out), capsys, "exists already", "--force")
    assert sums(place) == before  # nothing changed: not the file, not the workspace (no code issued, no coverage saved)

    assert main(_argv(name, delft_copy, out) + ["--force"]) == 0
    assert out.read_bytes() != b"my own file, not assetmap's"
    assert not [p.name for p in place.iterdir() if p.name.startswith(".assetmap-")]  # no temporary file left


@pytest.mark.parametrize("name", sorted(FILE_COMMANDS))
def test_force_never_writes_over_the_workspace_itself(name, delft_copy, place, capsys):
    """The workspace read, named as the output (whatever its suffix), is never replaced."""
    before = sums(place)
    target = delft_copy
    if FILE_COMMANDS[name][1] != ".gpkg":  # the same workspace under the output's suffix, through a link
        target = place / f"link{FILE_COMMANDS[name][1]}"
        target.symlink_to(delft_copy)
        before = sums(place)
    refused(_argv(name, delft_copy, target) + ["--force"], capsys, "workspace")
    assert sums(place) == before
    assert is_workspace_file(delft_copy)


def test_force_never_writes_over_another_workspace(delft_copy, delft_workspace_file, place, capsys):
    other = place / "other.gpkg"
    shutil.copy(delft_workspace_file, other)
    before = sums(place)
    for argv in (["export", str(delft_copy), str(other), "--force"],
                 ["backup", str(delft_copy), str(other), "--force"],
                 ["copy", str(delft_copy), str(other), "--force"]):
        refused(argv, capsys, "workspace")
    assert sums(place) == before


# ---------------------------------------------------------------------- handover: the attack
def test_handover_refuses_a_folder_with_files_and_force_replaces_only_the_bundles(delft_copy, tmp_path, capsys):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "README.md").write_text("# our own notes\n", encoding="utf-8")
    (folder / "index.html").write_text("<p>our own page</p>", encoding="utf-8")
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    before = sums(tmp_path)
    err = refused(["handover", str(delft_copy), "--out", str(folder)], capsys, "holds files already", "--force")
    assert "target_folder_not_empty" not in err  # a text, not a code
    assert sums(tmp_path) == before

    assert main(["handover", str(delft_copy), "--out", str(folder), "--force"]) == 0
    assert "our own notes" not in (folder / "README.md").read_text(encoding="utf-8")
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in folder.iterdir()) == sorted((*BUNDLE_FILES, "notes.txt"))


def test_handover_into_a_new_or_empty_folder_needs_no_force(delft_copy, tmp_path):
    assert main(["handover", str(delft_copy), "--out", str(tmp_path / "new")]) == 0
    (tmp_path / "empty").mkdir()
    assert main(["handover", str(delft_copy), "--out", str(tmp_path / "empty")]) == 0
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == sorted(BUNDLE_FILES)


def test_handover_never_writes_over_the_workspace_named_as_the_bundle(delft_copy, tmp_path, capsys):
    """DIR the workspace's folder, the workspace named as the bundle's GeoPackage: refused, even with --force."""
    ws = delft_copy.rename(delft_copy.with_name(GEOPACKAGE))
    before = sums(tmp_path)
    for extra in ([], ["--force"]):
        refused(["handover", str(ws), "--out", str(ws.parent), *extra], capsys, "workspace")
    assert sums(tmp_path) == before
    assert is_workspace_file(ws)


def test_handover_force_never_replaces_another_workspace_in_the_folder(delft_copy, delft_workspace_file, tmp_path,
                                                                      capsys):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    shutil.copy(delft_workspace_file, folder / GEOPACKAGE)
    before = sums(tmp_path)
    refused(["handover", str(delft_copy), "--out", str(folder), "--force"], capsys, "workspace", GEOPACKAGE)
    assert sums(tmp_path) == before


def test_handover_refuses_a_file_as_its_folder(delft_copy, tmp_path, capsys):
    (tmp_path / "bundle").write_text("a file", encoding="utf-8")
    before = sums(tmp_path)
    refused(["handover", str(delft_copy), "--out", str(tmp_path / "bundle"), "--force"], capsys, "not a folder")
    assert sums(tmp_path) == before


# ---------------------------------------------------------------------- publish
def test_publish_refuses_a_folder_with_other_files_and_says_force(delft_copy, tmp_path, capsys):
    site = tmp_path / "site"
    site.mkdir()
    (site / "contact.html").write_text("<p>ons adres</p>", encoding="utf-8")
    before = sums(tmp_path)
    refused(["publish", str(delft_copy), str(site)], capsys, "--force")
    assert sums(tmp_path) == before

    assert main(["publish", str(delft_copy), str(site), "--force"]) == 0
    assert (site / "index.html").is_file()
    assert (site / "contact.html").read_text(encoding="utf-8") == "<p>ons adres</p>"  # kept


def test_publish_force_never_replaces_the_workspaces_folder(delft_copy, place, capsys):
    before = sums(place)
    refused(["publish", str(delft_copy), str(place), "--force"], capsys, "workspace", delft_copy.name)
    assert sums(place) == before
    assert is_workspace_file(delft_copy)


def test_a_previous_publication_is_renewed_without_force(delft_copy, tmp_path):
    """Publishing again into the same site is the point of a publication (a scheduled job does it)."""
    site = tmp_path / "site"
    assert main(["publish", str(delft_copy), str(site)]) == 0
    assert main(["publish", str(delft_copy), str(site)]) == 0


# ---------------------------------------------------------------------- the one writer
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    out = tmp_path / "profiel.pdf"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the writer broke")
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profiel.pdf"]
    write_atomically(out, b"new", private=True)
    assert out.read_bytes() == b"new" and (out.stat().st_mode & 0o777) == 0o600


def test_check_file_says_what_to_do(tmp_path):
    from assetmap.errors import InputError
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    for path, force, code, fix in ((tmp_path / "a.csv", False, "target_exists", "fix_target_exists"),
                                   (tmp_path, True, "target_is_folder", "fix_target_file_name"),
                                   (tmp_path / "no" / "a.csv", True, "folder_missing", "fix_create_it_first")):
        with pytest.raises(InputError) as caught:
            check_file(path, force=force)
        problem = caught.value.problems[0]
        assert (problem.code, problem.fix) == (code, fix)
        assert problem.render("nl") != problem.render("en")
    assert check_file(tmp_path / "a.csv", force=True) == tmp_path / "a.csv"


def test_force_never_writes_over_the_journal_or_write_ahead_file_beside_a_workspace(delft_copy, place, capsys):
    """SQLite's ``-wal``, ``-shm`` and ``-journal`` files are part of the workspace: replacing one damages it."""
    for end in ("-wal", "-shm", "-journal"):
        sidecar = place / f"{delft_copy.name}{end}"
        sidecar.write_bytes(b"")  # as SQLite leaves it between writes
        before = sums(place)
        refused(["coverage", str(delft_copy), "--no-save", "--json", str(sidecar), "--force"], capsys, "workspace")
        assert sums(place) == before
        sidecar.unlink()
    other = place / "notes.json-wal"  # the same ending beside no workspace is a file like any other
    other.write_bytes(b"{}")
    assert check_file(other, force=True) == other
