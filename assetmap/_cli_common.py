"""What every CLI module shares: opening a workspace for one command, printing a location, adding a command.

The commands live in :mod:`assetmap.cli` and its inner modules (``_cli_session``, ``_cli_hosting``,
``_cli_moderation``); each opens its workspace the same way, through :func:`open_for_command`.
"""

from __future__ import annotations

import argparse
import gc
import json
from collections.abc import Callable

from assetmap.files import check_file, write_atomically

__all__ = ["EXIT_OK", "EXIT_BAD_INPUT", "open_for_command", "shown", "add_command", "add_force", "write_json"]

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


def add_force(parser: argparse.ArgumentParser, helptext: str | None = None) -> None:
    """Add ``--force`` to a command that writes a file: replace what is there, never a workspace.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The command's parser.
    helptext : str, optional
        What ``--force`` lets this command do (default: replace an existing file).
    """
    parser.add_argument("--force", action="store_true",
                        help=helptext or "replace a file that is there (never a workspace)")


def write_json(path: str, payload: dict, *, force: bool = False, workspace: str | None = None,
               private: bool = False) -> None:
    """Write ``payload`` as JSON atomically: a reader never sees half a file, nothing is overwritten.

    Parameters
    ----------
    path : str
        The file to write; its folder must exist.
    payload : dict
        JSON-serialisable data (no NaN).
    force : bool
        Replace an existing file (never a workspace).
    workspace : str, optional
        The workspace the command reads (never replaced).
    private : bool
        Only its owner may read the file (mode 600: the personal data of ``my-data``).

    Raises
    ------
    InputError
        The folder does not exist, or the file may not be written (:func:`assetmap.files.check_file`).
    """
    out = check_file(path, force=force, workspace=workspace)
    write_atomically(out, json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8"),
                     private=private)
