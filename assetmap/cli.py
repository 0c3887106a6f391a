"""Command line: ``assetmap COMMAND WORKSPACE.gpkg ...``.

One flat module: each command is a small handler that parses nothing itself and calls the
editing service (:mod:`assetmap.service`), the import workflows (:mod:`assetmap.imports`) or the
analysis (:mod:`assetmap.coverage`). Heavy modules are imported inside the handlers, so that
``assetmap --help`` starts fast.

Exit status 0 on success, 2 on bad input (with a message on stderr and nothing written).
"""

from __future__ import annotations

import argparse
import functools
import gc
import getpass
import json
import os
import sys

from assetmap import __version__, settings
from assetmap._cli_batch import add_batch_commands
from assetmap._cli_common import EXIT_BAD_INPUT, EXIT_OK, add_command, add_force
from assetmap._cli_common import open_for_command as _open
from assetmap._cli_common import shown as _shown
from assetmap._cli_common import write_json as _write_json
from assetmap._cli_files import add_output_commands, add_print_commands
from assetmap._cli_hosting import add_hosting_commands
from assetmap._cli_keeping import add_keeping_commands
from assetmap._cli_moderation import add_moderation_commands
from assetmap._cli_network import add_network_commands
from assetmap._cli_photos import add_photo_commands
from assetmap._cli_session import add_activity_commands, add_card_options, table_cards
from assetmap.errors import AssetmapError, InputError
from assetmap.files import check_file, write_atomically
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.messages import N_, cli_language, text
from assetmap.numbers import day, decimal, percent

__all__ = ["build_parser", "main"]



def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command; each sub-parser names its handler as ``handler``."""
    parser = argparse.ArgumentParser(prog="assetmap", description="ABCD asset mapping for Dutch neighbourhoods.")
    parser.add_argument("--version", action="version", version=f"assetmap {__version__}")
    parser.add_argument("--lang", choices=("en", "nl"), default=None,
                        help="language of messages (default: English, or Dutch when the locale is Dutch)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # In this order: the order of the commands in --help.
    for add in (_add_workspace_commands, _add_import_commands, _add_reading_commands, add_output_commands,
                _add_coverage_commands, add_network_commands, _add_labels_command, add_print_commands,
                _add_access_commands, add_activity_commands, add_keeping_commands, add_hosting_commands,
                add_photo_commands, add_batch_commands):
        add(sub)
    _lang_after_the_command(sub)
    return parser


def _lang_after_the_command(sub: argparse._SubParsersAction) -> None:
    """Let ``--lang`` also follow the command (``coverage W --lang nl``), in every sub-parser without its own."""
    for parser in dict.fromkeys(sub.choices.values()):
        nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        for action in nested:
            _lang_after_the_command(action)
        if "--lang" not in parser._option_string_actions:
            # SUPPRESS: given before the command, the global value stays.
            parser.add_argument("--lang", choices=("en", "nl"), default=argparse.SUPPRESS,
                                help="language of messages (also accepted before the command)")


def _add_workspace_commands(sub: argparse._SubParsersAction) -> None:
    """Add the commands on a whole workspace: init, copy, demo, repair."""
    command = functools.partial(add_command, sub)
    command("init", _init, "create a new workspace: a .gpkg file, or postgresql://user:pw@host:port/db[?schema=name]")
    p = command("copy", _copy, "copy a whole workspace, history included, to a new file or server schema")
    p.add_argument("target", help="a new .gpkg file or postgresql:// URI (its schema must hold no workspace)")
    p.add_argument("--json", action="store_true", help="print the rows copied per table as JSON")
    add_force(p, "a file target: replace a file that is there (never a workspace)")
    command("demo", _demo, "build the Delft demo workspace, offline (boundaries, OSM, workshop entries, coverage)")
    command("repair", _repair, "drop triggers and views assetmap did not make (after a backup)")


def _add_import_commands(sub: argparse._SubParsersAction) -> None:
    """Add the commands that import data: import-osm, import-boundaries, import."""
    command = functools.partial(add_command, sub)
    p = command("import-osm", _import_osm, "import OSM facilities and the walking network")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--file", help="local OSM file (.osm, .osm.bz2 or .osm.pbf)")
    src.add_argument("--place", help='place name, e.g. "Transvaal, Den Haag" (online)')
    p.add_argument("--area", help="GeoJSON polygon of the area the file covers (default: its extent)")
    p.add_argument("--clip", action="store_true",
                   help="with --file and --area: import only what intersects the area (e.g. one gemeente from a "
                        "province extract), dropped while reading; places and walkable ways up to "
                        "settings.IMPORT_BUFFER_M beyond it are kept (default: a 30-minute walk, 2,250 m)")

    p = command("import-boundaries", _import_boundaries, "import CBS gemeente/wijk/buurt boundaries with population")
    p.add_argument("--file", help="GeoJSON, TopoJSON, GeoPackage or shapefile (offline)")
    p.add_argument("--gemeente", help="keep only this gemeente, e.g. GM0518 (online from PDOK without --file)")
    p.add_argument("--level", choices=["buurt", "wijk", "gemeente"], default="buurt",
                   help="level to fetch from PDOK (default buurt)")

    p = command("import", _import, "import a workshop table (CSV, XLSX or GeoJSON)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
    p.add_argument("--by", help="pseudonym to record as the one who added the rows")
    p.add_argument("--take-over", action="store_true",
                   help="coordinators: change entries that belong to others (recorded as 'take over')")


def _add_reading_commands(sub: argparse._SubParsersAction) -> None:
    """Add the commands that read entries: list, match, changes."""
    command = functools.partial(add_command, sub)
    p = command("list", _list, "list assets")
    p.add_argument("--block", choices=ENTRY_KINDS)
    p.add_argument("--buurt", help="buurt code, e.g. BU05180000")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--public", action="store_true", help="only what the public may see (privacy rules applied)")
    p.add_argument("--tag", help="only entries with this tag: who or what here has ... (e.g. koken)")
    p.add_argument("--area", help="with --tag: only this buurt, wijk or gemeente code")

    p = command("match", _match, "the entries nearby that answer what an initiative seeks, nearest on foot first")
    p.add_argument("initiative", help="the initiative's id (assetmap list WS --block initiative)")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--max-m", type=float, default=None, help="farthest match in metres (default 1500)")
    p.add_argument("--accept", metavar="ASSET_ID", help="accept this match: record a link 'could work with'")

    p = command("changes", _changes, "what was added, changed, archived and linked since a day, per block and area")
    p.add_argument("--since", required=True, help="first day counted, e.g. 2026-01-01")
    p.add_argument("--until", help="first day no longer counted (default: up to now)")
    p.add_argument("--area", help="only this buurt, wijk or gemeente code")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def _add_coverage_commands(sub: argparse._SubParsersAction) -> None:
    """Add the commands of walking coverage: coverage, suggest."""
    command = functools.partial(add_command, sub)
    for name, handler, helptext in (
            ("coverage", _coverage, "walking coverage of meeting places per buurt (writes it to the workspace)"),
            ("suggest", _suggest, "best sites for a new meeting place (maximal covering)")):
        p = command(name, handler, helptext)
        p.add_argument("--minutes", type=float, default=None,
                       help=f"walking minutes that count as nearby (default {settings.COVERAGE_MINUTES:g})")
        speed = p.add_mutually_exclusive_group()
        speed.add_argument("--speed-kmh", type=float, default=None,
                           help=f"walking speed (default {settings.WALK_SPEED_KMH:g})")
        speed.add_argument("--slow", action="store_true",
                           help=f"slow profile, {settings.SLOW_WALK_SPEED_KMH:g} km/h (older people, limited mobility)")
        p.add_argument("--categories", help="count only the meeting places of these comma-separated categories "
                                            "of data/osm_tags.csv, e.g. library,community_centre (default: all)")
        p.add_argument("--json", metavar="OUT.json", help="also write the result as JSON")
        add_force(p, "replace the --json (and --csv) file if it is there (never a workspace)")
        p.add_argument("--when", help='count only places open (or with an activity) then, e.g. "We 19:00" or '
                                      '"Tu 19:00-21:00": open at any moment of the stretch')
        p.add_argument("--access", help="count only places of this access: walk_in, by_appointment or rent_only")
        p.add_argument("--group", help="count only places for this group or for everyone: everyone, youth, "
                                       "older_people (walks at the slow speed), parents or newcomers")
    p.add_argument("--count", type=int, default=3, help="number of sites to pick (default 3)")
    p.add_argument("--gap-cells", action="store_true", help="also consider any uncovered spot, not only existing assets")
    sub.choices["coverage"].add_argument("--no-save", action="store_true",
                                         help="do not write the result into the workspace")
    sub.choices["coverage"].add_argument("--csv", metavar="OUT.csv",
                                         help="also write the table per area as CSV, the method stamp on every row")
    sub.choices["coverage"].add_argument("--area", help="show only this gemeente, wijk or buurt: a CBS code or a "
                                                        "name (the whole workspace is still computed and saved)")


def _add_labels_command(sub: argparse._SubParsersAction) -> None:
    """Add the command that names the building blocks: labels."""
    command = functools.partial(add_command, sub)
    p = command("labels", _labels, "rename building blocks for this workspace, e.g. individual=Talenten")
    p.add_argument("--set", action="append", default=[], metavar="BLOCK=LABEL",
                   help="give a building block its own name here (an empty label brings back the standard one)")


def _add_access_commands(sub: argparse._SubParsersAction) -> None:
    """Add the commands of access and moderation: account, table-code, moderation, pending, approve, reject."""
    command = functools.partial(add_command, sub)
    accounts = sub.add_parser("account", help="local accounts: add, list, remove").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    p = accounts.add_parser("add", help="add an account (asks for the password; reads it from stdin when piped)")
    p.add_argument("workspace")
    p.add_argument("name")
    p.add_argument("--role", choices=("coordinator", "workshop"), default="workshop",
                   help="what the account may do (default workshop)")
    p.set_defaults(handler=_account_add)
    p = accounts.add_parser("list", help="list the accounts (never their passwords)")
    p.add_argument("workspace")
    p.set_defaults(handler=_account_list)
    p = accounts.add_parser("remove", help="remove an account (its entries stay)")
    p.add_argument("workspace")
    p.add_argument("name")
    p.set_defaults(handler=_account_remove)

    p = command("table-code", _table_code, "issue a code with which a workshop table joins under a pseudonym")
    p.add_argument("--hours", type=float, default=8.0, help="how long the code is valid (default 8)")
    add_card_options(p)  # --cards, --count, --url: printable table cards with a QR code
    add_moderation_commands(sub)

def main(argv: list[str] | None = None) -> int:
    """Run one command. Returns the exit status (0 done, 2 refused input, 130 interrupted).

    An assetmap error (:class:`~assetmap.errors.InputError`, ``WorkspaceError``,
    ``PermissionDenied``) is printed on stderr and gives 2; a closed pipe (``| head``) gives 0.

    Parameters
    ----------
    argv : list of str, optional
        The arguments without the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status.

    Raises
    ------
    SystemExit
        From :mod:`argparse`: 2 on a usage error, 0 after ``--help`` or ``--version``.
    """
    args = build_parser().parse_args(argv)
    # Without the global --lang, a command's own --lang (report, poster, publish) is that of its messages too.
    args.lang = cli_language(args.lang or getattr(args, "print_lang", None) or getattr(args, "site_lang", None))
    try:
        _named_area(args)
        status = args.handler(args)
        sys.stdout.flush()  # inside the try: a reader that went away shows up here, not at exit
        return status
    except AssetmapError as exc:
        print(text("cli_error", args.lang, command=args.command, error=exc.render(args.lang)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(text("cli_interrupted", args.lang), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly, as other Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    finally:
        gc.unfreeze()  # a caller that runs several commands in one process (tests) collects as before


# ---------------------------------------------------------------------- handlers
def _named_area(args) -> None:
    """``--area`` as a name becomes the CBS code it names, for every command that takes an area
    (``import-osm --area`` is a file); a code stays as it is, without opening the workspace."""
    if args.command == "import-osm" or not getattr(args, "area", None):
        return
    from assetmap.layers.boundaries import area_code
    try:
        args.area = area_code(None, args.area)
    except InputError:  # not a code: a name, looked up among the workspace's boundaries
        from assetmap.service import open_workspace
        with open_workspace(args.workspace) as ws:
            args.area = area_code(ws.boundaries(), args.area)


def _init(args) -> int:
    from assetmap.service import create_workspace
    create_workspace(args.workspace).close()
    print(text("cli_created", args.lang, path=_shown(args.workspace)))
    return EXIT_OK


def _copy(args) -> int:
    from assetmap.storage import copy_store
    copied = copy_store(args.workspace, args.target, force=args.force)
    with _open(args.target) as ws:
        ws.refresh_public_views()  # a server copy gets its public views for GIS tools
    if args.json:
        print(json.dumps(copied, indent=2))
    else:
        print(text("cli_copied", args.lang, source=_shown(args.workspace), target=_shown(args.target),
                   tables=len(copied), rows=sum(copied.values())))
    return EXIT_OK


def _demo(args) -> int:
    from assetmap.demo import build_demo
    summary = build_demo(args.workspace)
    print(text("cli_demo_built", args.lang, path=_shown(args.workspace), areas=summary.areas, assets=summary.assets,
               places=summary.meeting_places, pct=percent(summary.coverage_pct, args.lang), minutes=summary.minutes))
    return EXIT_OK


def _repair(args) -> int:
    from assetmap.errors import WorkspaceError
    from assetmap.storage.geopackage import repair
    from assetmap.storage.postgis import is_uri
    if is_uri(args.workspace):  # a server schema holds only what assetmap made: nothing to repair
        raise WorkspaceError("ws_not_gpkg", "fix_give_workspace", path=_shown(args.workspace))
    backup, dropped = repair(args.workspace)
    if not dropped:
        print(text("cli_nothing_to_repair", args.lang, path=args.workspace))
    else:
        print(text("cli_repaired", args.lang, path=args.workspace, names=", ".join(dropped), backup=backup))
    return EXIT_OK


def _import_osm(args) -> int:
    from assetmap.imports import import_osm
    from assetmap.progress import StageBar
    with _open(args.workspace) as ws, StageBar(args.lang) as progress:
        result = import_osm(ws, file=args.file, place=args.place, area_file=args.area, progress=progress,
                            clip=args.clip)
        nodes, edges = ws.walk_network()
    _notes(result.notes, args.lang)
    print(text("cli_osm_imported", args.lang, summary=result.summary(args.lang), nodes=len(nodes), edges=len(edges)))
    return EXIT_OK


def _import_boundaries(args) -> int:
    from assetmap.imports import import_boundaries
    from assetmap.progress import StageBar
    with _open(args.workspace) as ws, StageBar(args.lang) as progress:
        result = import_boundaries(ws, file=args.file, gemeente=args.gemeente, level=args.level, progress=progress)
    _notes(result.notes, args.lang)
    print(text("cli_boundaries_imported", args.lang, rows=result.rows))
    return EXIT_OK


def _import(args) -> int:
    from assetmap.imports import import_workshop
    from assetmap.progress import StageBar
    with _open(args.workspace) as ws, StageBar(args.lang) as progress:
        try:
            result = import_workshop(ws, args.file, dry_run=args.dry_run, actor=args.by, take_over=args.take_over,
                                     progress=progress)
        except InputError as exc:
            print(text("cli_import_refused", args.lang, count=len(exc.problems), file=args.file), file=sys.stderr)
            print(exc.report(limit=200, lang=args.lang), file=sys.stderr)
            return EXIT_BAD_INPUT
    _notes(result.notes, args.lang)
    print(result.summary(args.lang))
    return EXIT_OK


def _list(args) -> int:
    from assetmap.export import asset_records
    from assetmap.service import Actor
    with _open(args.workspace) as ws:
        actor = Actor(None, "public") if args.public else None
        assets = ws.assets(building_block=args.block, buurt_code=args.buurt, actor=actor)
    if args.tag:
        from assetmap.matching import with_tag
        assets = with_tag(assets, args.tag, args.area)
    records = asset_records(assets, with_location=args.json)
    if args.json:
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return EXIT_OK
    if not records:
        print(text("cli_no_assets", args.lang))
        return EXIT_OK
    from assetmap.layers.hours import hours_known
    opening = dict(zip(assets["id"].tolist(), assets["opening_hours"].tolist()))
    meeting = " " + text("cli_meeting_place_tag", args.lang)
    unknown = meeting + " " + text("cli_hours_unknown_tag", args.lang)
    lines = []
    for row in records:
        mp = (meeting if hours_known(opening.get(row["id"])) else unknown) if row["is_meeting_place"] else ""
        lines.append(f"{row['id']}\t{row['building_block']}\t{row['category'] or '-'}\t{row['buurt_code'] or '-'}\t"
                     f"{row['name']}{mp}")
    lines.append(text("cli_asset_count", args.lang, count=len(records)))
    sys.stdout.write("\n".join(lines) + "\n")  # one write: 10,000 lines print in milliseconds
    return EXIT_OK


def _match(args) -> int:
    from assetmap.matching import match
    with _open(args.workspace) as ws:
        found = match(ws, args.initiative, max_m=args.max_m)
        if args.accept:
            row = found[found["asset_id"] == args.accept]
            note = row["answers"].iloc[0] if len(row) else None
            ws.accept_match(args.initiative, args.accept, note=note)
    records = found.astype(object).where(found.notna(), None).to_dict("records")
    if args.json:
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif not records:
        print(text("cli_no_matches", args.lang))
    else:
        for rank, row in enumerate(records, start=1):
            minutes = "-" if row["walk_minutes"] is None else f"{row['walk_minutes']:.0f}"
            metres = row["walk_m"] if row["walk_m"] is not None else row["straight_m"]
            print(text("cli_match_row", args.lang, rank=rank, name=row["name"], answers=row["answers"],
                       minutes=minutes, metres=round(metres), id=row["asset_id"]))
    if args.accept:
        print(text("cli_match_accepted", args.lang, id=args.accept), file=sys.stderr)
    return EXIT_OK


def _changes(args) -> int:
    from assetmap.changes import import_line, summarise_changes
    with _open(args.workspace) as ws:
        summary = summarise_changes(ws.history(), args.since, args.until, args.area, assets=ws.assets(),
                                    boundaries=ws.boundaries())
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return EXIT_OK
    totals = summary["totals"]
    print(text("cli_changes_total", args.lang, since=summary["since"], **totals))
    if summary["imports"]:  # imports apart: one line each, not one per entry they brought
        print(text("cli_changes_imports", args.lang))
        for batch in summary["imports"]:
            print(import_line(batch, args.lang))
    outside = text("changes_outside_areas", args.lang)
    areas = summary["per_area"] | ({outside: summary["outside_areas"]} if any(summary["outside_areas"].values())
                                   else {})
    for heading, groups in ((N_("cli_changes_per_block"), summary["per_building_block"]),
                            (N_("cli_changes_per_area"), areas)):
        print(text(heading, args.lang))
        for key, counts in groups.items():
            print(f"{key}\t" + "\t".join(str(counts[k]) for k in totals))
    for item in summary["items"]:
        print("\t".join((item["at"], item["kind"], item["building_block"] or "", item["area_name"] or outside,
                         item.get("actor") or "", item["name"] or "")))
    return EXIT_OK


def _coverage_inputs(ws, args, progress=None):
    from assetmap.coverage import load_inputs, only_categories
    return load_inputs(ws, categories=only_categories(args.categories), progress=progress)


def _speed(args) -> float | None:
    """The walking speed asked for, or None for the default (read from settings by the analysis)."""
    return settings.SLOW_WALK_SPEED_KMH if args.slow else args.speed_kmh


def _filters(args):
    """The place filters asked for (checked before the workspace is read)."""
    from assetmap.coverage import place_filters
    return place_filters(args.when, args.access, args.group)


def _coverage(args) -> int:
    from assetmap.coverage import compute_coverage, save_coverage, save_demand_placement
    from assetmap.coverage_notes import for_area, method_note, partial_note, partial_summary
    from assetmap.progress import StageBar
    filters = _filters(args)
    _categories_checked(args)
    _outputs_checked(args, args.json, args.csv)  # before anything is computed or saved
    with _open(args.workspace) as ws, StageBar(args.lang) as progress:
        boundaries = ws.boundaries()
        if args.area:  # an area the workspace lacks is refused before anything is computed or saved
            for_area({"buurten": []}, boundaries, args.area)
        inputs = _coverage_inputs(ws, args, progress)
        progress(N_("progress_coverage"))
        result = compute_coverage(inputs, args.minutes, _speed(args), filters=filters)
        if not args.no_save:
            progress(N_("progress_save"))
            save_coverage(ws, result)
            save_demand_placement(ws, inputs)  # the app's coverage page then opens without placing residents
    payload = result.to_dict()
    if args.area:
        payload = for_area(payload, boundaries, args.area)
    if args.json:
        _write_json(args.json, payload, force=args.force, workspace=args.workspace)
    if args.csv:
        table = result.stamped_table()
        codes = {r["code"] for r in payload["buurten"]}
        out = check_file(args.csv, force=args.force, workspace=args.workspace)
        write_atomically(out, table[table["buurt_code"].isin(codes)].to_csv(index=False).encode("utf-8"))
    _notes(result.notes, args.lang, sys.stdout)
    total = payload["total"]
    print(text("cli_coverage_total", args.lang, places=len(result.meeting_places), minutes=result.minutes,
               speed=decimal(result.speed_kmh, args.lang, 1), covered=decimal(total["covered_population"], args.lang),
               population=decimal(total["population"], args.lang), pct=percent(total["coverage_pct"], args.lang)))
    _coverage_context(result, args.lang)
    for line in partial_summary(payload["buurten"], args.lang) + [method_note(payload["method"], args.lang)]:
        print(line)
    print(text("cli_coverage_header", args.lang))
    for row in payload["buurten"]:
        shown = not row["withheld"]
        figures = (row["covered_population"], row["population"] - row["covered_population"], f"{row['coverage_pct']:g}",
                   _minutes(row["median_minutes"]), _minutes(row["p90_minutes"])) if shown else ("-",) * 5
        line = "\t".join(str(v) for v in (row["code"], row["name"], row["population"], *figures))
        print(line + (f"\t{partial_note(row, args.lang)}" if row["partial"] else ""))
    return EXIT_OK


def _outputs_checked(args, *outs) -> None:
    """Refuse the files a command would write before it reads or changes anything (:func:`files.check_file`)."""
    for out in outs:
        if out:
            check_file(out, force=args.force, workspace=args.workspace)


def _categories_checked(args) -> None:
    """Refuse unknown ``--categories`` before the workspace is read (see :func:`coverage.only_categories`)."""
    from assetmap.coverage import only_categories
    only_categories(args.categories)


def _suggest(args) -> int:
    from assetmap.coverage import compute_coverage, suggest_sites
    from assetmap.progress import StageBar
    filters = _filters(args)
    _categories_checked(args)
    _outputs_checked(args, args.json)
    with StageBar(args.lang) as progress:
        with _open(args.workspace) as ws:
            inputs = _coverage_inputs(ws, args, progress)
        progress(N_("progress_coverage"))
        before = compute_coverage(inputs, args.minutes, _speed(args), filters=filters)
        minutes, speed = before.minutes, before.speed_kmh
        sites = suggest_sites(inputs, minutes, speed, count=args.count, include_gap_cells=args.gap_cells,
                              filters=filters, progress=progress)
    records = [{"asset_id": row.asset_id, "name": row.name, "lon": float(row.lon), "lat": float(row.lat),
                "added_population": int(row.added_population), "coverage_pct_after": float(row.coverage_pct_after)}
               for row in sites.itertuples()]
    solved = sites.attrs
    if args.json:
        # "method" is the solver here (an older key); the coverage method stamp is "coverage_method".
        _write_json(args.json, {"minutes": minutes, "speed_kmh": speed, "filters": filters.to_dict(),
                                "coverage_method": before.method, "method": solved["method"],
                                "optimal": solved["optimal"], "added_population": solved["added_population"],
                                "upper_bound_added_population": solved["upper_bound_added_population"],
                                "upper_bound_coverage_pct": solved["upper_bound_coverage_pct"], "sites": records},
                    force=args.force, workspace=args.workspace)
    total = before.total
    print(text("cli_suggest_now", args.lang, pct=percent(total["coverage_pct"], args.lang),
               population=decimal(total["population"], args.lang), minutes=minutes, speed=decimal(speed, args.lang, 1)))
    if not records:
        print(text("cli_suggest_none", args.lang))
    for rank, site in enumerate(records, start=1):
        print(text("cli_suggest_site", args.lang, rank=rank, name=site["name"],
                   asset=site["asset_id"] or text("cli_new_spot", args.lang), lat=site["lat"], lon=site["lon"],
                   added=site["added_population"],
                   pct=percent(site["coverage_pct_after"], args.lang)))
    print(text("cli_suggest_optimal" if solved["optimal"] else "cli_suggest_bound", args.lang,
               method=solved["method"], added=solved["added_population"], count=args.count,
               bound=solved["upper_bound_added_population"]))
    return EXIT_OK


def _coverage_context(result, lang: str) -> None:
    """The filters applied and how complete the mapping is: every coverage figure comes with them."""
    counts, filters = result.place_counts, result.filters
    if any(filters.values()):
        print(text("cli_coverage_filters", lang, counted=counts.get("counted", 0), places=counts.get("places", 0),
                   when=filters["when"] or "-", access=filters["access"] or "-", group=filters["group"] or "-"))
    if counts.get("hours_unknown"):
        print(text("cli_coverage_hours_unknown", lang, count=counts["hours_unknown"]))
    summary = result.completeness_summary
    print(text("cli_coverage_completeness", lang, total=summary["total"],
               last=day(summary["last_entry"], lang) if summary["last_entry"] else "-",
               unmapped=len(summary["possibly_unmapped_areas"]), areas=summary["areas"]))


def _labels(args) -> int:
    changes = {}
    for item in args.set:
        block, sep, label = item.partition("=")
        if not sep:
            raise InputError("label_not_pair", "fix_label_pair", value=item)
        changes[block.strip()] = label
    with _open(args.workspace) as ws:
        labels = ws.set_labels(changes) if changes else ws.labels()
    from assetmap.i18n import block_label
    for block in ENTRY_KINDS:
        print(f"{block}\t{block_label(block, args.lang, labels)}")
    return EXIT_OK


def _account_add(args) -> int:
    with _open(args.workspace) as ws:  # a missing workspace is said before the password is asked
        ws.create_account(args.name, _read_password(args), args.role)
    print(text("cli_account_added", args.lang, name=args.name.strip(), role=args.role))
    return EXIT_OK


def _read_password(args) -> str:
    """The new password: typed twice on a terminal (not echoed), else the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(text("cli_password_prompt", args.lang, name=args.name))
        if getpass.getpass(text("cli_password_again", args.lang)) != first:
            raise InputError("password_mismatch", "fix_type_password_twice")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _account_list(args) -> int:
    with _open(args.workspace) as ws:
        accounts = ws.accounts()
    if accounts.empty:
        print(text("cli_no_accounts", args.lang))
        return EXIT_OK
    print(text("cli_accounts_header", args.lang))
    for row in accounts.astype(object).where(accounts.notna(), None).itertuples():
        print(f"{row.name}\t{row.role}\t{row.created_at or '-'}\t{row.locked_until or '-'}")
    return EXIT_OK


def _account_remove(args) -> int:
    with _open(args.workspace) as ws:
        ws.remove_account(args.name)
    print(text("cli_account_removed", args.lang, name=args.name.strip()))
    return EXIT_OK


def _table_code(args) -> int:
    from datetime import datetime, timedelta, timezone
    if args.cards or args.count != 1:
        return table_cards(args)
    with _open(args.workspace) as ws:
        code = ws.issue_table_code(hours=args.hours, table=args.table)
    until = datetime.now(timezone.utc) + timedelta(hours=args.hours)
    print(code)
    print(text("cli_table_code_valid", args.lang, until=until.strftime("%Y-%m-%d %H:%M")), file=sys.stderr)
    return EXIT_OK


def _notes(notes, lang: str, stream=None) -> None:
    """Print notes (problems that did not stop the command) in ``lang``, on stderr by default."""
    for note in notes:
        rendered = note.render(lang) if hasattr(note, "render") else str(note)
        print(text("cli_note", lang, note=rendered), file=stream or sys.stderr)


def _minutes(value) -> str:
    return "-" if value is None or value != value else f"{value:g}"  # None or NaN: cannot reach a meeting place


if __name__ == "__main__":
    sys.exit(main())
