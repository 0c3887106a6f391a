"""The CLI's commands for running assetmap for a community: backup, restore, retention, forget, my-data, status.

Inner module of :mod:`assetmap.cli` (which adds these commands to its parser). Each handler calls
the store's backup (:mod:`assetmap.storage.backup`) or the service (:mod:`assetmap.service.retention`)
and prints one line; none prints a pseudonym it was not given, a password or a hash.
"""

from __future__ import annotations

import argparse
import json
import sys

from assetmap._cli_common import add_force
from assetmap._cli_common import open_for_command as _open
from assetmap._cli_common import shown as _shown
from assetmap._cli_common import write_json as _write_json
from assetmap.files import check_file
from assetmap.messages import text

__all__ = ["add_hosting_commands"]


def add_hosting_commands(sub: argparse._SubParsersAction) -> None:
    """Add backup, restore, retention, forget, my-data and status to the CLI's sub-parsers.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The CLI's sub-parsers.
    """
    p = sub.add_parser("backup", help="write a checked backup of a whole workspace (history and accounts "
                                      "included) to a new .gpkg file, while the app keeps running")
    p.add_argument("workspace")
    p.add_argument("out", help="a new .gpkg file, e.g. /var/backups/assetmap/delft-2026-12-07.gpkg")
    add_force(p, "replace a file that is there (never a workspace or an earlier backup)")
    p.set_defaults(handler=_backup)

    p = sub.add_parser("restore", help="restore a backup to a workspace (checked first; a workspace that is "
                                       "there is replaced only with --force, and kept aside)")
    p.add_argument("backup", help="a backup .gpkg file")
    p.add_argument("workspace", help="a .gpkg file or postgresql:// URI")
    p.add_argument("--force", action="store_true", help="replace the workspace that is there (it is kept aside)")
    p.set_defaults(handler=_restore)

    p = sub.add_parser("retention", help="anonymise pseudonyms whose last edit is older than the retention "
                                         "(default 12 months) and delete expired table codes")
    p.add_argument("workspace")
    p.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")
    p.add_argument("--months", type=int, help="set this workspace's retention in months (1-120) first")
    p.set_defaults(handler=_retention)

    p = sub.add_parser("forget", help="the right to erasure: delete a person's private entries and take their "
                                      "pseudonym out of everything else")
    p.add_argument("workspace")
    p.add_argument("pseudonym")
    p.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")
    p.set_defaults(handler=_forget)

    p = sub.add_parser("my-data", help="the right of access: write what is stored about a pseudonym as JSON")
    p.add_argument("workspace")
    p.add_argument("pseudonym")
    p.add_argument("--out", required=True, help="the JSON file to write")
    add_force(p)
    p.set_defaults(handler=_my_data)

    p = sub.add_parser("status", help="counts, the last backup, publication and retention of a workspace")
    p.add_argument("workspace")
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.set_defaults(handler=_status)


# ---------------------------------------------------------------------- handlers
def _backup(args) -> int:
    from assetmap.storage.backup import backup_store
    with _open(args.workspace):  # a workspace that does not open is said before anything is written
        pass
    counts = backup_store(args.workspace, args.out, force=args.force)
    with _open(args.workspace) as ws:
        ws.note_event("backup")
    print(text("cli_backup_done", args.lang, source=_shown(args.workspace), out=args.out, tables=len(counts),
               rows=sum(counts.values()), history=counts.get("history", 0), accounts=counts.get("accounts", 0)))
    return 0


def _restore(args) -> int:
    from assetmap.storage.backup import restore_store
    report = restore_store(args.backup, args.workspace, force=args.force)
    with _open(args.workspace) as ws:
        ws.refresh_public_views()  # a server workspace gets its public views for GIS tools again
    rows = report["rows"]
    print(text("cli_restored", args.lang, backup=args.backup, target=_shown(args.workspace), tables=len(rows),
               rows=sum(rows.values())))
    if report.get("kept"):
        print(text("cli_restore_kept", args.lang, kept=report["kept"]), file=sys.stderr)
    return 0


def _retention(args) -> int:
    from assetmap.storage.backup import compact
    with _open(args.workspace) as ws:
        if args.months is not None:
            ws.set_retention(args.months)
        report = ws.apply_retention(dry_run=args.dry_run)
    if not args.dry_run and report["pseudonyms"]:
        compact(args.workspace)
    values = dict(months=report["months"], pseudonyms=report["pseudonyms"], entries=report["entries"],
                  history=report["history"], codes=report["table_codes"])
    print(text("cli_retention_dry_run", args.lang, **values) if args.dry_run
          else text("cli_retention_done", args.lang, **values))
    return 0


def _forget(args) -> int:
    from assetmap.storage.backup import compact
    with _open(args.workspace) as ws:
        report = ws.forget(args.pseudonym, dry_run=args.dry_run)
    if not args.dry_run:
        compact(args.workspace)  # the deleted rows leave the file's free pages too
    values = dict(name=args.pseudonym.strip(), deleted=report["deleted"], entries=report["entries"],
                  history=report["history"])
    print(text("cli_forget_dry_run", args.lang, **values) if args.dry_run
          else text("cli_forget_done", args.lang, **values))
    return 0


def _my_data(args) -> int:
    check_file(args.out, force=args.force, workspace=args.workspace)
    with _open(args.workspace) as ws:
        payload = ws.my_data(args.pseudonym)
    _write_json(args.out, payload, force=args.force, workspace=args.workspace, private=True)
    print(text("cli_my_data_written", args.lang, out=args.out, entries=len(payload["entries"]),
               history=len(payload["history"])))
    return 0


def _status(args) -> int:
    with _open(args.workspace) as ws:
        status = ws.status()
    if args.json:
        print(json.dumps(status, indent=1))
        return 0
    never = text("status_never", args.lang)
    print(text("cli_status", args.lang, entries=status["entries"], waiting=status["waiting"],
               accounts=status["accounts"], codes=status["table_codes"], history=status["history"],
               months=status["retention_months"], backup=status["last_backup"] or never,
               publish=status["last_publish"] or never, retention=status["last_retention"] or never))
    return 0
