"""Command-line commands of a workshop session: ``activity add|list|remove`` and table cards.

Kept beside :mod:`assetmap.cli` (which adds them to its parser) so that module stays one room.
Each handler opens the workspace through the service, as every command does.
"""

from __future__ import annotations

import argparse
import json
import sys

from assetmap._cli_common import EXIT_OK
from assetmap._cli_common import open_for_command as _open
from assetmap.messages import text

__all__ = ["add_activity_commands", "add_card_options", "table_cards"]




def add_activity_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``activity add``, ``activity list`` and ``activity remove`` to the command parser.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The sub-parsers of :func:`assetmap.cli.build_parser`.
    """
    actions = sub.add_parser("activity", help="activities of places and associations: add, list, remove "
                                              "(shown in 'Deze week in de buurt')").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("add", help="add an activity to a place or association")
    p.add_argument("workspace")
    p.add_argument("--place", required=True, metavar="ID", help="the id of the place or association (assetmap list)")
    p.add_argument("--name", required=True, metavar="TEXT", help="what happens, e.g. 'Taalcafé'")
    p.add_argument("--when", required=True,
                   help='when, as OSM opening_hours: "We 18:00-20:00" (every week) or one day: "2026-12-10 18:00-20:00"')
    p.add_argument("--group", help="for whom: everyone, youth, older_people, parents or newcomers (Dutch works too)")
    price = p.add_mutually_exclusive_group()
    price.add_argument("--free", dest="free", action="store_const", const=True, default=None, help="free of charge")
    price.add_argument("--paid", dest="free", action="store_const", const=False, help="costs money")
    p.add_argument("--walk-in", action="store_true", help="anyone can walk in, no need to sign up")
    p.set_defaults(handler=_activity_add)
    p = actions.add_parser("list", help="list the activities")
    p.add_argument("workspace")
    p.add_argument("--place", metavar="ID", help="only the activities of this place or association")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(handler=_activity_list)
    p = actions.add_parser("remove", help="remove an activity (the history keeps it)")
    p.add_argument("workspace")
    p.add_argument("activity_id", help="the activity's id, as 'activity list' shows it")
    p.set_defaults(handler=_activity_remove)


def add_card_options(p: argparse.ArgumentParser) -> None:
    """Add ``--table``, ``--cards``, ``--count`` and ``--url`` to the ``table-code`` command.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The parser of ``table-code``.
    """
    p.add_argument("--table", metavar="PSEUDONYM", help="issue the code for this table's pseudonym: a table that "
                                                        "comes back to its entries (else the code takes the "
                                                        "pseudonym it is first used with)")
    p.add_argument("--count", type=int, default=1, help="how many codes to issue (default 1, at most 40)")
    p.add_argument("--cards", metavar="CARDS.pdf", help="also write printable table cards (A4, eight a page) with "
                                                          "each code, how to sign in and a QR code to the app")
    p.add_argument("--url", help="the app's address for the QR code (default: $ASSETMAP_PUBLIC_URL)")
    p.add_argument("--force", action="store_true", help="replace the --cards file if it is there (never a workspace)")


def table_cards(args) -> int:
    """Issue ``--count`` table codes, print them, and write the cards to ``--cards`` when asked.

    Parameters
    ----------
    args : argparse.Namespace
        ``workspace``, ``hours``, ``table``, ``count``, ``cards``, ``url`` and ``lang``.

    Returns
    -------
    int
        The exit status.

    Raises
    ------
    InputError
        The count is out of range, the address is not a web address, or the cards' folder is missing.
    """
    from datetime import datetime, timedelta, timezone

    from assetmap.errors import InputError
    from assetmap.files import check_file, write_atomically
    from assetmap.table_cards import check_url, public_url, table_cards_pdf

    if not 1 <= args.count <= 40:
        raise InputError("cards_count", "fix_cards_count", count=args.count)
    url = check_url(args.url if args.url is not None else public_url())
    # Checked before a code is issued: a refusal changes nothing in the workspace.
    out = check_file(args.cards, force=args.force, workspace=args.workspace) if args.cards else None
    with _open(args.workspace) as ws:
        codes = [ws.issue_table_code(hours=args.hours, table=args.table) for _ in range(args.count)]
    until = datetime.now(timezone.utc) + timedelta(hours=args.hours)
    print("\n".join(codes))
    print(text("cli_table_code_valid", args.lang, until=until.strftime("%Y-%m-%d %H:%M")), file=sys.stderr)
    if out is not None:
        write_atomically(out, table_cards_pdf(codes, url, args.lang, valid_until=until.astimezone()))
        print(text("cli_cards_written", args.lang, path=out, count=len(codes)), file=sys.stderr)
        if url is None:
            print(text("cli_cards_no_url", args.lang), file=sys.stderr)
    return EXIT_OK


def _activity_add(args) -> int:
    fields = {"asset_id": args.place, "name": args.name, "recurring_time": args.when, "target_group": args.group,
              "free": args.free, "walk_in": True if args.walk_in else None}
    with _open(args.workspace) as ws:
        new_id = ws.add_activity(fields)
    print(new_id)
    print(text("cli_activity_added", args.lang, name=args.name.strip(), place=args.place), file=sys.stderr)
    return EXIT_OK


def _activity_list(args) -> int:
    with _open(args.workspace) as ws:
        frame = ws.activities(args.place)
        names = dict(zip(ws.assets()["id"], ws.assets()["name"].astype(object)))
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    if not records:
        print(text("cli_no_activities", args.lang))
        return EXIT_OK
    for row in records:
        print("\t".join(str(v) if v is not None else "-" for v in (
            row["id"], row["name"], row["recurring_time"], names.get(row["asset_id"]) or row["asset_id"],
            row["target_group"], row["free"], row["walk_in"])))
    return EXIT_OK


def _activity_remove(args) -> int:
    with _open(args.workspace) as ws:
        ws.delete_activity(args.activity_id)
    print(text("cli_activity_removed", args.lang, id=args.activity_id))
    return EXIT_OK
