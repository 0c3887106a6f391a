"""Command line: ``assetmap COMMAND WORKSPACE.gpkg ...``.

Exit status 0 on success, 2 on bad input (with a message on stderr and nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable

import numpy as np

from assetmap import __version__
from assetmap.errors import AssetmapError, InputError
from assetmap.layers.schema import BUILDING_BLOCKS

EXIT_OK, EXIT_BAD_INPUT = 0, 2
_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(func):
        _COMMANDS[name] = func
        return func
    return register


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assetmap", description="ABCD asset mapping for Dutch neighbourhoods.")
    parser.add_argument("--version", action="version", version=f"assetmap {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create a new workspace file")
    p.add_argument("workspace")

    p = sub.add_parser("import-osm", help="import OSM facilities and the walking network")
    p.add_argument("workspace")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--file", help="local OSM XML file (.osm or .osm.bz2)")
    src.add_argument("--place", help='place name, e.g. "Transvaal, Den Haag" (online)')
    p.add_argument("--area", help="GeoJSON polygon of the area the file covers (default: its extent)")

    p = sub.add_parser("import-boundaries", help="import CBS gemeente/wijk/buurt boundaries with population")
    p.add_argument("workspace")
    p.add_argument("--file", help="GeoJSON, TopoJSON, GeoPackage or shapefile (offline)")
    p.add_argument("--gemeente", help="keep only this gemeente, e.g. GM0518 (online from PDOK without --file)")
    p.add_argument("--level", choices=["buurt", "wijk", "gemeente"], default="buurt",
                   help="level to fetch from PDOK (default buurt)")

    p = sub.add_parser("import", help="import a workshop table (CSV, XLSX or GeoJSON)")
    p.add_argument("workspace")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
    p.add_argument("--by", help="pseudonym to record as the one who added the rows")

    p = sub.add_parser("list", help="list assets")
    p.add_argument("workspace")
    p.add_argument("--block", choices=BUILDING_BLOCKS)
    p.add_argument("--buurt", help="buurt code, e.g. BU05180000")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = sub.add_parser("export", help="export assets to .gpkg, .geojson or .csv")
    p.add_argument("workspace")
    p.add_argument("out")
    p.add_argument("--public", action="store_true", help="only what the public may see (privacy rules applied)")

    for extend in _PARSER_EXTENSIONS:
        extend(sub)
    return parser


#: Other modules add sub-commands here (analysis registers coverage and suggest).
_PARSER_EXTENSIONS: list[Callable] = []


def main(argv: list[str] | None = None) -> int:
    _load_extensions()
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except AssetmapError as exc:
        print(f"assetmap {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted; nothing was written by the interrupted step", file=sys.stderr)
        return 130


def _load_extensions() -> None:
    # Imported late (it pulls in scipy and the analysis) so that plain commands start fast.
    import assetmap.analysis_cli  # noqa: F401  (registers coverage/suggest)


def _open(path: str):
    from assetmap.storage import open_workspace
    return open_workspace(path)


@command("init")
def _init(args) -> int:
    from assetmap.storage import create_workspace
    create_workspace(args.workspace).close()
    print(f"created workspace {args.workspace}")
    return EXIT_OK


@command("import-osm")
def _import_osm(args) -> int:
    from assetmap.imports import import_osm
    with _open(args.workspace) as ws:
        result = import_osm(ws, file=args.file, place=args.place, area_file=args.area)
        nodes, edges = ws.walk_network()
    print(f"OpenStreetMap: {result.summary()}; walking network {len(nodes)} nodes, {len(edges)} edges. "
          "© OpenStreetMap contributors")
    return EXIT_OK


@command("import-boundaries")
def _import_boundaries(args) -> int:
    from assetmap.imports import import_boundaries
    with _open(args.workspace) as ws:
        result = import_boundaries(ws, file=args.file, gemeente=args.gemeente, level=args.level)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"CBS boundaries: {result.rows} areas imported. Bron: CBS, Kadaster")
    return EXIT_OK


@command("import")
def _import(args) -> int:
    from assetmap.imports import import_workshop
    with _open(args.workspace) as ws:
        try:
            result = import_workshop(ws, args.file, dry_run=args.dry_run, actor=args.by)
        except InputError as exc:
            print(f"assetmap import: {len(exc.problems)} problem(s) in {args.file}; nothing was written:",
                  file=sys.stderr)
            print(exc.report(limit=200), file=sys.stderr)
            return EXIT_BAD_INPUT
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(result.summary())
    return EXIT_OK


@command("list")
def _list(args) -> int:
    from assetmap.export import csv_table
    with _open(args.workspace) as ws:
        assets = ws.assets(building_block=args.block, buurt_code=args.buurt)
    table = csv_table(assets, neutralise=False) if len(assets) else None
    if args.json:
        records = []
        if table is not None:
            for row in table.itertuples(index=False):
                records.append({
                    "id": row.id, "name": _plain(row.name), "building_block": row.building_block,
                    "category": _plain(row.category),
                    "buurt_code": _plain(row.buurt_code), "wijk_code": _plain(row.wijk_code),
                    "is_meeting_place": bool(row.is_meeting_place), "lon": _plain(row.lon), "lat": _plain(row.lat),
                })
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return EXIT_OK
    if table is None:
        print("no assets")
        return EXIT_OK
    for row in table.itertuples(index=False):
        mp = " [ontmoetingsplek]" if row.is_meeting_place else ""
        print(f"{row.id}\t{row.building_block}\t{row.category}\t{_plain(row.buurt_code) or '-'}\t{row.name}{mp}")
    print(f"{len(table)} assets")
    return EXIT_OK


@command("export")
def _export(args) -> int:
    from assetmap.export import export_assets
    with _open(args.workspace) as ws:
        n = export_assets(ws, args.out, public=args.public)
    print(f"exported {n} assets to {args.out}{' (public view)' if args.public else ''}")
    return EXIT_OK


def _plain(value):
    if value is None or value is np.nan:
        return None
    try:
        import pandas as pd
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


if __name__ == "__main__":
    # Run the imported module's main, so that extensions register with the same command table.
    from assetmap.cli import main as _main
    sys.exit(_main())
