"""What every CLI module shares: opening a workspace for one command, printing a location, adding a command.

The commands live in :mod:`assetmap.cli` and its inner modules (``_cli_session``, ``_cli_hosting``,
``_cli_moderation``); each opens its workspace the same way, through :func:`open_for_command`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from assetmap.errors import InputError

__all__ = ["EXIT_OK", "EXIT_BAD_INPUT", "open_for_command", "shown", "add_command", "write_json"]

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def open_for_command(location: str):
    """The workspace at ``location``, with its own names of the building blocks in use.

    Everything loaded so far (libraries, the workspace) lives until the command ends: it is set aside
    from the garbage collector (``gc.freeze``; :func:`assetmap.cli.main` undoes it), which otherwise walks
    it again and again while a large import or list makes its many small objects.

    Parameters
    ----------
    location : str
        A ``.gpkg`` file or a ``postgresql://`` URI.

    Returns
    -------
    assetmap.service.Workspace
        The open workspace (a context manager).
    """
    from assetmap.i18n import use_block_labels
    from assetmap.service import open_workspace

    ws = open_workspace(location)
    use_block_labels(ws.labels())  # the workspace's own names in what the command prints or writes
    gc.freeze()
    return ws


def shown(location) -> str:
    """A location as it may be printed: a server URI without its password.

    Parameters
    ----------
    location : str or os.PathLike
        A file or a ``postgresql://`` URI.

    Returns
    -------
    str
        The location, with a URI's password masked.
    """
    from assetmap.storage.postgis import is_uri, mask

    return mask(str(location)) if is_uri(str(location)) else str(location)


def add_command(sub: argparse._SubParsersAction, name: str, handler: Callable[[argparse.Namespace], int],
                helptext: str) -> argparse.ArgumentParser:
    """Add a command that takes a workspace; its parser, to add the command's own arguments to.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the main parser.
    name : str
        The command.
    handler : callable
        Runs the command with the parsed arguments; returns the exit status.
    helptext : str
        One line for ``--help``.

    Returns
    -------
    argparse.ArgumentParser
        The command's parser.
    """
    p = sub.add_parser(name, help=helptext)
    p.add_argument("workspace")
    p.set_defaults(handler=handler)
    return p


def write_json(path: str, payload: dict) -> None:
    """Write ``payload`` as JSON atomically: a reader never sees half a file.

    The file is made by :func:`tempfile.mkstemp`, so only its owner may read it (mode 600), which
    also suits the personal data of ``my-data``.

    Parameters
    ----------
    path : str
        The file to write; its folder must exist.
    payload : dict
        JSON-serialisable data (no NaN).

    Raises
    ------
    InputError
        The folder does not exist.
    """
    out = Path(path)
    if not out.parent.exists():
        raise InputError("folder_missing", "fix_create_folder_or_elsewhere", path=out.parent)
    fd, tmp = tempfile.mkstemp(prefix=".assetmap-", suffix=".json", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1, allow_nan=False)
        os.chmod(tmp, 0o600)  # mkstemp's mode already; said here, since my-data depends on it
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
