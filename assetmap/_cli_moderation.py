"""The CLI's moderation commands: ``moderation``, ``pending``, ``approve`` and ``reject``.

The same decisions as the Data page's queue, through the service (which asks the policy who may decide).
"""

from __future__ import annotations

import argparse
import functools

from assetmap._cli_common import EXIT_OK, add_command
from assetmap._cli_common import open_for_command as _open
from assetmap.messages import text

__all__ = ["add_moderation_commands"]


def add_moderation_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``moderation``, ``pending``, ``approve`` and ``reject`` to the CLI.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the main parser.
    """
    command = functools.partial(add_command, sub)
    p = command("moderation", _moderation, "turn moderation of public workshop entries on or off")
    p.add_argument("state", nargs="?", choices=("on", "off"), help="without it: show whether it is on")
    command("pending", _pending, "list the entries waiting for a coordinator, and the reported ones")
    for name, handler, helptext in (
            ("approve", _approve, "make waiting entries as public as their authors asked (a reported one: keep it)"),
            ("reject", _reject, "keep waiting entries visible to the group only (a reported one: hide it)")):
        p = command(name, handler, helptext)
        p.add_argument("id", nargs="+", help="the entries' ids (or their first characters), as 'pending' lists them"
                       + (", each with the version 'pending' showed: ID@VERSION" if name == "approve" else ""))
        if name == "reject":
            p.add_argument("--reason", help="why, in a few words: the authors see it")



def _moderation(args) -> int:
    with _open(args.workspace) as ws:
        if args.state:
            ws.set_moderation(args.state == "on")
        on = ws.moderation()
    print(text("cli_moderation_on" if on else "cli_moderation_off", args.lang))
    return EXIT_OK


def _pending(args) -> int:
    """Each waiting entry on one tab-separated line, then indented: its texts, stories and changes."""
    with _open(args.workspace) as ws:
        pending, reported = ws.pending(), ws.reported()
    if pending.empty:
        print(text("cli_nothing_pending", args.lang))
    else:
        print(text("cli_pending_header", args.lang))
    for row in pending.astype(object).where(pending.notna(), None).itertuples():
        place = "-" if row.lat is None else f"{row.lat:.5f},{row.lon:.5f}"
        print(f"{row.asset_id}\t{row.building_block or '-'}\t{row.requested_visibility}\t{row.requested_by or '-'}\t"
              f"{row.at}\t{row.name or '-'}\t{row.kind}\t{row.area or '-'}\t{place}\t{row.version}")
        _indented(args.lang, description=row.description, story=row.stories, about=row.about,
                  check=", ".join(text(code, args.lang) for code in row.warnings) or None)
        for field, before, after in row.changes:
            print("    " + text("cli_pending_change", args.lang, field=field, before=before, after=after))
    if len(reported):
        print(text("cli_reported_header", args.lang))
        for row in reported.astype(object).where(reported.notna(), None).itertuples():
            print(f"{row.asset_id}\t{row.building_block or '-'}\t{row.reports}\t{row.hidden}\t{row.area or '-'}\t"
                  f"{row.name or '-'}")
            _indented(args.lang, description=row.description, reasons="; ".join(row.reasons) or None)
    return EXIT_OK


def _indented(lang: str, **fields) -> None:
    for field, value in fields.items():
        if value:
            print("    " + text("cli_pending_field", lang, field=field, value=" ".join(str(value).split())))


def _decide(args, approve: bool) -> int:
    """Approve or reject waiting entries, keep or hide reported ones: all in one transaction."""
    with _open(args.workspace) as ws:
        waiting, reported = list(ws.pending()["asset_id"]), list(ws.reported()["asset_id"])
        # ID@VERSION: the version 'pending' showed, so that approve makes public what was read, not a later edit.
        given = [arg.partition("@") for arg in args.id]
        ids = [_full_id(i, waiting + reported) for i, _, _ in given]
        versions = {full: version or None for full, (_, _, version) in zip(ids, given)}
        queued = [i for i in ids if i in waiting or i not in reported]
        with ws.transaction():
            if queued and approve:
                ws.approve({i: versions[i] for i in queued})
            elif queued:
                ws.reject(queued, reason=args.reason)
            if len(queued) < len(ids):
                ws.decide_reports([i for i in ids if i not in queued], keep=approve,
                                  reason=None if approve else args.reason)
        for asset_id in ids:
            if approve:
                entry = ws.asset(asset_id)  # None for an activity or a link: public now
                visibility = entry["visibility"] if entry is not None else "public"
                print(text("cli_approved", args.lang, id=asset_id, visibility=visibility))
            else:
                print(text("cli_rejected", args.lang, id=asset_id))
    return EXIT_OK


def _full_id(given: str, known: list[str]) -> str:
    """An id from its first characters (as 'pending' shows them), when exactly one known id starts so."""
    matches = [k for k in known if k.startswith(given)]
    return matches[0] if len(matches) == 1 and len(given) >= 6 else given


def _approve(args) -> int:
    return _decide(args, approve=True)


def _reject(args) -> int:
    return _decide(args, approve=False)
