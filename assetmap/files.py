"""Files that commands write: checked targets and atomic writes, one way for every command.

Every command that writes a file or a folder (``export``, ``report``, ``poster``, ``handover``,
``publish``, ``table-code --cards``, ``coverage --json``/``--csv``, ``my-data``, ``backup``,
``copy``) asks this module first whether it may, and writes through it:

* :func:`check_file` refuses an existing file unless ``force``, and a workspace always;
* :func:`check_folder` refuses a folder that holds anything unless ``force``, and a folder that
  holds the workspace being read always;
* :func:`write_atomically` and :func:`atomic_path` write under a temporary name beside the target
  and move it into place with :func:`os.replace`, so no reader ever sees half a file and a failed
  write leaves the old file as it was.

``--force`` replaces files of the same name and nothing else; it never replaces a workspace (a
GeoPackage file that holds assetmap's ``workspace_meta``), whatever the name.

Imports nothing of assetmap but :mod:`assetmap.errors`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from assetmap.errors import InputError

__all__ = ["is_workspace_file", "check_file", "check_folder", "write_atomically", "atomic_path", "PREFIX"]

#: Prefix of every temporary file or folder a write makes beside its target.
PREFIX = ".assetmap-"


def is_workspace_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an assetmap GeoPackage workspace (a SQLite file with ``workspace_meta``).

    Parameters
    ----------
    path : path-like
        Any path.

    Returns
    -------
    bool
        True for a workspace file (also one reached through a link); False for anything else.
    """
    path = Path(path)
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return False
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'workspace_meta'").fetchone() is not None
    except (OSError, sqlite3.Error):
        return True  # a file that looks like SQLite but cannot be read is treated as one: never replaced


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


#: The files SQLite keeps beside a database while it is open: part of the workspace.
SIDECARS = ("-journal", "-wal", "-shm")


def _is_sidecar(path: Path) -> bool:
    """Whether ``path`` is a journal or write-ahead file of a workspace (replacing it damages the workspace)."""
    return any(path.name.endswith(end) and is_workspace_file(path.with_name(path.name[:-len(end)]))
               for end in SIDECARS)


def check_file(out: str | os.PathLike, *, force: bool = False, workspace: str | os.PathLike | None = None) -> Path:
    """Refuse a file a command may not write; the path to write otherwise.

    Parameters
    ----------
    out : path-like
        The file the command would write.
    force : bool
        Replace an existing file (never a workspace).
    workspace : path-like, optional
        The workspace the command reads (a ``.gpkg`` path; a server URI is ignored).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    InputError
        ``folder_missing`` (the folder of ``out`` is not there), ``target_is_folder``,
        ``target_is_workspace`` (``out`` is the workspace read, any workspace, or the journal or
        write-ahead file beside one: also with ``force``),
        ``target_exists`` (``out`` exists and ``force`` is not given).
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError("folder_missing", "fix_create_it_first", path=out.parent)
    if out.is_dir():
        raise InputError("target_is_folder", "fix_target_file_name", path=out)
    own = Path(workspace) if workspace is not None and "://" not in str(workspace) else None
    if (own is not None and _same(out, own)) or is_workspace_file(out) or _is_sidecar(out):
        raise InputError("target_is_workspace", "fix_target_workspace", path=out)
    if (out.exists() or out.is_symlink()) and not force:
        raise InputError("target_exists", "fix_target_exists", path=out)
    return out


def check_folder(out: str | os.PathLike, *, force: bool = False, workspace: str | os.PathLike | None = None,
                 names: tuple[str, ...] = ()) -> Path:
    """Refuse a folder a command may not write into; the folder otherwise (it may not exist yet).

    Parameters
    ----------
    out : path-like
        The folder the command would fill.
    force : bool
        Write into a folder that holds files already, replacing those of the same name (never a
        workspace, never in the folder of the workspace read).
    workspace : path-like, optional
        The workspace the command reads (a ``.gpkg`` path; a server URI is ignored).
    names : tuple of str
        The names of the files the command writes into the folder: with ``force``, none of them
        may be a workspace.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    InputError
        ``folder_missing`` (its parent is not there), ``target_not_folder`` (a file),
        ``target_holds_workspace`` (the workspace read lies in it: also with ``force``),
        ``target_is_workspace`` (a file the command writes is a workspace: also with ``force``),
        ``target_folder_not_empty`` (it holds anything and ``force`` is not given).
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError("folder_missing", "fix_create_it_first", path=out.parent)
    if out.exists() and not out.is_dir():
        if is_workspace_file(out):
            raise InputError("target_is_workspace", "fix_target_workspace", path=out)
        raise InputError("target_not_folder", "fix_target_other_folder", path=out)
    if not out.is_dir():
        return out
    own = Path(workspace) if workspace is not None and "://" not in str(workspace) else None
    if own is not None and own.exists() and _same(own.resolve().parent, out.resolve()):
        raise InputError("target_holds_workspace", "fix_target_other_folder", path=out, workspace=own.name)
    for name in names:
        if is_workspace_file(out / name):
            raise InputError("target_is_workspace", "fix_target_workspace", path=out / name)
    if any(out.iterdir()) and not force:
        raise InputError("target_folder_not_empty", "fix_target_folder", path=out)
    return out


@contextlib.contextmanager
def atomic_path(out: str | os.PathLike, *, private: bool = False) -> Iterator[Path]:
    """A temporary path beside ``out`` to write to; moved onto ``out`` when the block ends without error.

    The temporary file does not exist when the block starts (writers such as GDAL make it
    themselves); whatever is left of it after an error is removed, and ``out`` stays as it was.

    Parameters
    ----------
    out : path-like
        The file to write in the end.
    private : bool
        Only its owner may read the file (mode 600; personal data such as ``my-data``); otherwise
        the mode any other file of the user gets (the umask's).

    Yields
    ------
    pathlib.Path
        The temporary path, with the suffix of ``out``.
    """
    out = Path(out)
    fd, name = tempfile.mkstemp(prefix=PREFIX, suffix=out.suffix, dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o600 if private else 0o666 & ~umask)
        os.replace(tmp, out)
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def write_atomically(out: str | os.PathLike, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` beside ``out`` and move it into place, so no reader sees half a file.

    Parameters
    ----------
    out : path-like
        The target (checked before by :func:`check_file`); an existing file is replaced.
    data : bytes
        The content.
    private : bool
        Only its owner may read the file (mode 600).
    """
    with atomic_path(out, private=private) as tmp:
        tmp.write_bytes(data)
