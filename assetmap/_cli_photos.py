"""The CLI's photo commands: ``photo add``, ``photo list``, ``photo approve``, ``photo reject``, ``photo remove``.

Every photo goes through the service (:meth:`assetmap.service.photos.Photos.add_photo`), which makes
it clean (no EXIF, no GPS) before it is stored and keeps it ``pending`` until a coordinator approves it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assetmap._cli_common import EXIT_OK
from assetmap._cli_common import open_for_command as _open
from assetmap.layers.photos import PHOTO_LICENCES
from assetmap.messages import text

__all__ = ["add_photo_commands"]


def add_photo_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``photo`` and its actions to the CLI.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the main parser.
    """
    photo = sub.add_parser("photo", help="photos of entries: add, list, approve, reject, remove")
    actions = photo.add_subparsers(dest="photo_action", required=True, metavar="ACTION")
    p = actions.add_parser("add", help="add a photo to an entry (stored without EXIF/GPS; public only once approved)")
    p.add_argument("workspace")
    p.add_argument("entry", help="the entry's id")
    p.add_argument("file", help="the photo (JPEG, PNG, WebP, ...)")
    p.add_argument("--caption", required=True, help="what the photo shows, in a sentence (its alt text)")
    p.add_argument("--credit", help="who made it")
    p.add_argument("--licence", choices=PHOTO_LICENCES, default=PHOTO_LICENCES[0], help="the maker's licence")
    p.add_argument("--approve", action="store_true", help="approve it at once (a coordinator who has looked at it)")
    p.set_defaults(handler=_add)
    p = actions.add_parser("list", help="list the photos (of one entry), with status and checksum")
    p.add_argument("workspace")
    p.add_argument("entry", nargs="?", help="only this entry's photos")
    p.set_defaults(handler=_list)
    for name, handler, helptext in (("approve", _approve, "approve waiting photos: public where their entry is"),
                                    ("reject", _reject, "reject waiting photos: never public"),
                                    ("remove", _remove, "remove photos")):
        p = actions.add_parser(name, help=helptext)
        p.add_argument("workspace")
        p.add_argument("id", nargs="+", help="the photos' ids, as 'photo list' shows them")
        if name == "reject":
            p.add_argument("--reason", help="why, in a few words: the one who added it sees it")
        p.set_defaults(handler=handler)


def _add(args) -> int:
    from assetmap.layers.photos import read_photo_file

    data = read_photo_file(args.file)
    with _open(args.workspace) as ws:
        added = ws.add_photo(args.entry, data, caption=args.caption, credit=args.credit, licence=args.licence,
                             name=Path(args.file).name, approve=args.approve)
    print(text("cli_photo_added", args.lang, id=added["id"], entry=args.entry, status=added["status"],
               sha256=added["sha256"]))
    for code in added["warnings"]:
        print(text("cli_photo_warning", args.lang, warning=text(code, args.lang)))
    return EXIT_OK


def _list(args) -> int:
    """One photo on one tab-separated line: id, entry, status, size, checksum, caption."""
    with _open(args.workspace) as ws:
        photos = ws.photos(args.entry)
    if photos.empty:
        print(text("cli_no_photos", args.lang))
    for row in photos.itertuples():
        print(f"{row.id}\t{row.asset_id}\t{row.status}\t{row.width}x{row.height}\t{row.sha256}\t{row.caption}")
    return EXIT_OK


def _approve(args) -> int:
    with _open(args.workspace) as ws:
        count = ws.approve_photos(args.id)
    print(text("cli_photos_approved", args.lang, count=count))
    return EXIT_OK


def _reject(args) -> int:
    with _open(args.workspace) as ws:
        count = ws.reject_photos(args.id, reason=args.reason)
    print(text("cli_photos_rejected", args.lang, count=count))
    return EXIT_OK


def _remove(args) -> int:
    with _open(args.workspace) as ws, ws.transaction():
        for photo_id in args.id:
            ws.delete_photo(photo_id)
    print(text("cli_photos_removed", args.lang, count=len(args.id)))
    return EXIT_OK
