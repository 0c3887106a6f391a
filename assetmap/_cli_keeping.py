"""Command-line commands that keep the map alive: ``stale``, ``checked``, ``update-link``,
``owner-changes`` and ``agenda``.

Kept beside :mod:`assetmap.cli` (which adds them to its parser with one line) so that module stays
one room. Each handler opens the workspace through the service, as every command does; what is
stale, who may hold an update link and what an owner may change are decided there.
"""

from __future__ import annotations

import argparse
import json
import sys

from assetmap._cli_common import EXIT_OK, add_command, add_force
from assetmap._cli_common import open_for_command as _open
from assetmap.messages import text

__all__ = ["add_keeping_commands"]


def add_keeping_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``stale``, ``checked``, ``update-link``, ``owner-changes`` and ``agenda`` to the parser.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The sub-parsers of :func:`assetmap.cli.build_parser`.
    """
    p = add_command(sub, "stale", _stale, "entries nobody checked for too long, per area and block, oldest first")
    p.add_argument("--months", type=int, help="out of date after this many months (default: the workspace's limit, "
                                              "12 unless set with --set-months)")
    p.add_argument("--area", help="only this buurt, wijk or gemeente: a CBS code or a name")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.add_argument("--set-months", type=int, metavar="N", help="store N months as this workspace's limit")
    p = add_command(sub, "checked", _checked, "mark entries as checked today: still right ('klopt nog')")
    p.add_argument("ids", nargs="+", metavar="ID", help="the entries' ids (assetmap list, assetmap stale)")
    p = sub.add_parser("update-link", help="a link with which the owner of one place or group keeps it up to date")
    p.add_argument("workspace")
    p.add_argument("entry", nargs="?", metavar="ENTRY", help="the entry to issue a link for")
    p.add_argument("--days", type=float, default=None, help="how long the link is valid (default 90, at most 366)")
    p.add_argument("--list", action="store_true", help="list the links issued (never their codes)")
    p.add_argument("--revoke", metavar="LINK", help="revoke the link with this id")
    p.add_argument("--url", help="the app's address: also print the owner's page with the code, and --qr "
                                 "(default: $ASSETMAP_PUBLIC_URL)")
    p.add_argument("--qr", metavar="LINK.png", help="with an address: write that page as a QR code (PNG) to print")
    add_force(p, "replace the --qr file if it is there (never a workspace)")
    p.set_defaults(handler=_update_link)
    p = add_command(sub, "owner-changes", _owner_changes, "changes owners made with an update link, waiting for "
                                                          "a coordinator: list, approve, reject")
    decide = p.add_mutually_exclusive_group()
    decide.add_argument("--approve", metavar="ID", help="write this change, in the owner's name")
    decide.add_argument("--reject", metavar="ID", help="drop this change")
    p = add_command(sub, "agenda", _agenda, "print an A4 agenda 'Deze maand in de buurt' of an area (PDF)")
    p.add_argument("--area", required=True, help="the area: a CBS code (GM0503, WK050328, BU05032800) or a name")
    p.add_argument("--weeks", type=int, default=4, help="how many weeks, from this Monday (default 4, at most 8)")
    p.add_argument("--out", required=True, metavar="AGENDA.pdf", help="the PDF to write")
    p.add_argument("--url", help="the published site's address for the QR codes (default: $ASSETMAP_PUBLIC_URL)")
    p.add_argument("--site-lang", choices=("nl", "en"), default=None, help="language of the agenda (default Dutch)")
    add_force(p)


def _stale(args) -> int:
    with _open(args.workspace) as ws:
        if args.set_months is not None:
            ws.set_stale_months(args.set_months)
        months = args.months if args.months is not None else ws.stale_months()
        frame = ws.stale_entries(months, args.area)
        since = ws.stale_since(months).isoformat()
    records = frame.to_dict("records")
    if args.json:
        print(json.dumps({"months": months, "checked_before": since, "area": args.area, "entries": records},
                         ensure_ascii=False, indent=1))
        return EXIT_OK
    if not records:
        print(text("cli_stale_none", args.lang, months=months))
        return EXIT_OK
    for row in records:
        print("\t".join(str(v) if v is not None else "-" for v in (
            row["checked"] or text("cli_stale_never", args.lang), row["area_name"] or row["area_code"],
            row["building_block"], row["id"], row["name"])))
    print(text("cli_stale_count", args.lang, count=len(records), since=since), file=sys.stderr)
    return EXIT_OK


def _checked(args) -> int:
    with _open(args.workspace) as ws:
        count = ws.mark_checked(list(dict.fromkeys(args.ids)))
        day = ws.today().isoformat()
    print(text("cli_checked", args.lang, count=count, day=day))
    return EXIT_OK


def _update_link(args) -> int:
    from pathlib import Path

    from assetmap import settings
    from assetmap.errors import InputError
    from assetmap.files import check_file, write_atomically
    from assetmap.table_cards import check_url, owner_page_url, public_url, qr_png

    if args.qr:  # refused before a link is issued, never onto a workspace
        check_file(args.qr, force=args.force, workspace=args.workspace)
    issuing = args.entry and not (args.list or args.revoke)
    url = check_url(args.url if args.url is not None else public_url()) if issuing else None  # before any link
    with _open(args.workspace) as ws:
        if args.revoke:
            ws.revoke_update_link(args.revoke)
            print(text("cli_update_link_revoked", args.lang, id=args.revoke))
            return EXIT_OK
        if args.list:
            frame = ws.update_links(args.entry)
            if not len(frame):
                print(text("cli_no_update_links", args.lang))
            for row in frame.to_dict("records"):
                print("\t".join(str(row[k]) if row[k] is not None else "-"
                                for k in ("id", "state", "expires_at", "asset_id", "name")))
            return EXIT_OK
        if not args.entry:
            raise InputError("update_link_entry_missing", "fix_update_link_entry")
        days = settings.UPDATE_LINK_DAYS if args.days is None else args.days
        code, link_id = ws.issue_update_link(args.entry, days)
        row = ws.update_links(args.entry).set_index("id").loc[link_id]
    print(code)
    print(text("cli_update_link_issued", args.lang, id=link_id, name=row["name"] or args.entry,
               until=str(row["expires_at"])[:10]), file=sys.stderr)
    if url:
        link = owner_page_url(url, code)
        print(link)
        if args.qr:
            write_atomically(Path(args.qr), qr_png(link))
    return EXIT_OK


def _owner_changes(args) -> int:
    with _open(args.workspace) as ws:
        if args.approve or args.reject:
            ws.decide_owner_change(args.approve or args.reject, bool(args.approve))
            print(text("cli_owner_change_approved" if args.approve else "cli_owner_change_rejected", args.lang,
                       id=args.approve or args.reject))
            return EXIT_OK
        frame = ws.owner_changes()
    if not len(frame):
        print(text("cli_no_owner_changes", args.lang))
    for row in frame.to_dict("records"):
        print("\t".join((row["id"], str(row["at"])[:16], row["kind"], row["name"] or row["asset_id"],
                         json.dumps(row["payload"], ensure_ascii=False))))
    return EXIT_OK


def _agenda(args) -> int:
    from pathlib import Path

    from assetmap.agenda import area_agenda_pdf
    from assetmap.files import check_file, write_atomically
    from assetmap.table_cards import check_url, public_url

    url = check_url(args.url if args.url is not None else public_url())
    out = check_file(Path(args.out), force=args.force, workspace=args.workspace)
    pdf, count = area_agenda_pdf(args.workspace, args.area, weeks=args.weeks, site_url=url,
                                 lang=args.site_lang or "nl")
    write_atomically(out, pdf)
    print(text("cli_agenda_written", args.lang, path=out, count=count, weeks=args.weeks))
    return EXIT_OK
