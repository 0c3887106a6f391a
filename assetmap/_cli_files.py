"""The CLI's commands that write files for others: handover, export, publish, report, poster.

Inner module of :mod:`assetmap.cli` (which adds these commands to its parser). None of them
overwrites: each refuses an existing file or a folder that holds files unless ``--force`` is given,
and ``--force`` never replaces a workspace or writes into the folder of the workspace it reads
(:mod:`assetmap.files`). Every file is written under a temporary name and moved into place.
"""

from __future__ import annotations

import argparse
import functools
import sys

from assetmap._cli_common import EXIT_OK, add_command, add_force
from assetmap._cli_common import open_for_command as _open
from assetmap.errors import InputError
from assetmap.i18n import LANGUAGES
from assetmap.messages import text

__all__ = ["add_output_commands", "add_print_commands"]


def add_output_commands(sub: argparse._SubParsersAction) -> None:
    """Add the commands that write files for others: handover, export, publish.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The CLI's sub-parsers.
    """
    command = functools.partial(add_command, sub)
    p = command("handover", _handover, "write a handover bundle for a successor (GeoPackage, map, README)")
    p.add_argument("--area", help="buurt, wijk or gemeente code (default: the whole workspace)")
    p.add_argument("--out", required=True, help="a new or empty folder to write the bundle into")
    p.add_argument("--since", help="first day of the changes listed (default: a year ago)")
    add_force(p, "write into a folder that holds files, replacing those with the bundle's names")

    p = command("export", _export, "export assets to .gpkg, .geojson or .csv")
    p.add_argument("out")
    p.add_argument("--public", action="store_true", help="only what the public may see (privacy rules applied)")
    p.add_argument("--dialect", choices=("excel", "plain"), default="excel",
                   help="CSV only: excel (default: ';', UTF-8 with BOM, Dutch headers and values, for Dutch Excel) "
                        "or plain (',', UTF-8, English column names and codes, for scripts)")
    add_force(p)

    p = command("publish", _publish, "write the public resident map as a static site (any web server, or file://)")
    p.add_argument("out_dir", help="folder of the site: new, empty, or an earlier publication")
    p.add_argument("--area", help="only this wijk or buurt (CBS code, e.g. WK050328)")
    # dest differs from the global --lang (the language of messages): this is the site's opening language.
    p.add_argument("--lang", dest="site_lang", choices=LANGUAGES, default=None,
                   help="language the site opens in: nl, en, tr, ar or pl (default: that of the messages; "
                        "buttons switch)")
    p.add_argument("--languages", default=None,
                   help="the languages the site offers, with commas (e.g. nl,tr,ar; default all five); "
                        "the opening language is one of them")
    add_force(p, "publish into a folder that holds other files too (they are kept; never one with a workspace)")


def add_print_commands(sub: argparse._SubParsersAction) -> None:
    """Add the commands that print an area: report, poster.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The CLI's sub-parsers.
    """
    from assetmap import settings

    command = functools.partial(add_command, sub)
    p = command("report", _report, "print an A4 profile of a gemeente, wijk or buurt (PDF or HTML, public data only)")
    p.add_argument("--area", required=True, help="the area: a CBS code (GM0503, WK050328, BU05032800) or a name")
    p.add_argument("--minutes", type=float, default=None,
                   help=f"walking minutes that count as nearby (default {settings.COVERAGE_MINUTES:g})")
    p.add_argument("--out", required=True, help="the file to write: profile.pdf or profile.html")
    p.add_argument("--lang", dest="print_lang", choices=("en", "nl"), default=None,
                   help="language of the profile (default: that of the messages)")
    add_force(p)
    p = command("poster", _poster, "print a workshop poster: a large map with a reference grid (PDF)")
    p.add_argument("--area", required=True, help="the area: a CBS code (GM0503, WK050328, BU05032800) or a name")
    p.add_argument("--size", choices=("A0", "A1", "A2", "A3"), default="A1", help="paper size (default A1)")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--lang", dest="print_lang", choices=("en", "nl"), default=None,
                   help="language of the poster (default: that of the messages)")
    add_force(p)


# ---------------------------------------------------------------------- handlers
def _handover(args) -> int:
    from assetmap.handover import write_handover
    with _open(args.workspace) as ws:
        done = write_handover(ws, args.out, args.area, since=args.since, lang=args.lang, force=args.force)
    print(text("cli_handover_written", args.lang, out=done.folder, assets=done.assets,
               initiatives=done.open_initiatives, links=done.links, changes=done.changes, contacts=done.contacts))
    return EXIT_OK


def _export(args) -> int:
    from assetmap.export import export_assets
    with _open(args.workspace) as ws:
        n = export_assets(ws, args.out, public=args.public, dialect=args.dialect, force=args.force)
    print(text("cli_exported_public" if args.public else "cli_exported", args.lang, count=n, out=args.out))
    return EXIT_OK


def _publish(args) -> int:
    from assetmap._site_languages import site_languages
    from assetmap.publish import publish_site
    offered = site_languages(args.languages)
    # Without --lang the site opens in the language of the messages, when the site offers it.
    lang = args.site_lang or (args.lang if args.lang in offered else offered[0])
    try:
        report = publish_site(args.workspace, args.out_dir, area=args.area, lang=lang, force=args.force,
                              languages=offered)
    except InputError as exc:
        first = exc.problems[0]
        if first.code in ("publish_folder_not_empty", "publish_folder_has_other_files"):
            # The app's text names no flag; here the fix names the one that lets it happen.
            raise InputError(first.code, "fix_publish_force", **first.params) from None
        raise
    with _open(args.workspace) as ws:
        ws.note_event("publish")  # the coordinator's status panel shows the last publication
    print(text("cli_published", args.lang, assets=report.assets, path=report.out_dir, files=report.files,
               size=f"{report.size_bytes / 1e6:.2f}", index=report.index.as_uri()))
    if not report.coverage:
        print(text("cli_note", args.lang, note=text("cli_published_no_coverage", args.lang)), file=sys.stderr)
    return EXIT_OK


def _report(args) -> int:
    from assetmap.report import write_report
    with _open(args.workspace) as ws:
        profile = write_report(ws, args.area, args.out, lang=args.print_lang or args.lang, minutes=args.minutes,
                               force=args.force)
    print(text("cli_report_written", args.lang, out=args.out, name=profile.name, assets=len(profile.assets)))
    return EXIT_OK


def _poster(args) -> int:
    from assetmap.poster import write_poster
    with _open(args.workspace) as ws:
        poster = write_poster(ws, args.area, args.out, size=args.size, lang=args.print_lang or args.lang,
                              force=args.force)
    print(text("cli_poster_written", args.lang, out=args.out, size=args.size, name=poster.name,
               assets=poster.numbered, cell=f"{poster.grid.cell_m:g}"))
    return EXIT_OK
