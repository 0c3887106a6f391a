"""CLI commands for the coverage analysis: ``assetmap coverage`` and ``assetmap suggest``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from assetmap import settings
from assetmap.cli import EXIT_OK, _PARSER_EXTENSIONS, _open, command
from assetmap.errors import InputError


def _add_parsers(sub) -> None:
    for name, helptext in (("coverage", "walking coverage of meeting places per buurt (writes it to the workspace)"),
                           ("suggest", "best sites for a new meeting place (maximal covering)")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("workspace")
        p.add_argument("--minutes", type=float, default=settings.COVERAGE_MINUTES,
                       help=f"walking minutes that count as nearby (default {settings.COVERAGE_MINUTES:g})")
        speed = p.add_mutually_exclusive_group()
        speed.add_argument("--speed-kmh", type=float, default=None,
                           help=f"walking speed (default {settings.WALK_SPEED_KMH:g})")
        speed.add_argument("--slow", action="store_true",
                           help=f"slow profile, {settings.SLOW_WALK_SPEED_KMH:g} km/h (older people, limited mobility)")
        p.add_argument("--categories", help="comma-separated categories that count as meeting places "
                                            "(default: community_centre, library, buurthuis, buurtkamer, ...)")
        p.add_argument("--json", metavar="OUT.json", help="also write the result as JSON")
        if name == "suggest":
            p.add_argument("--count", type=int, default=3, help="number of sites to pick (default 3)")
            p.add_argument("--gap-cells", action="store_true",
                           help="also consider any uncovered spot, not only existing assets")
        else:
            p.add_argument("--no-save", action="store_true", help="do not write the result into the workspace")


_PARSER_EXTENSIONS.append(_add_parsers)


def _inputs(ws, args):
    from assetmap.coverage import load_inputs
    categories = None
    if args.categories:
        categories = tuple(c.strip() for c in args.categories.split(",") if c.strip())
    return load_inputs(ws, meeting_place_categories=categories)


def _speed(args) -> float:
    if args.slow:
        return settings.SLOW_WALK_SPEED_KMH
    return settings.WALK_SPEED_KMH if args.speed_kmh is None else args.speed_kmh


@command("coverage")
def _coverage(args) -> int:
    from assetmap.coverage import compute_coverage, save_coverage
    with _open(args.workspace) as ws:
        inputs = _inputs(ws, args)
        result = compute_coverage(inputs, args.minutes, _speed(args))
        if not args.no_save:
            save_coverage(ws, result)
    if args.json:
        _write_json(args.json, result.to_dict())
    for note in result.notes:
        print(f"note: {note}")
    total = result.total
    print(f"{len(result.meeting_places)} meeting places; within {result.minutes:g} min at {result.speed_kmh:g} km/h: "
          f"{total['covered_population']} of {total['population']} residents ({total['coverage_pct']:g}%)")
    print("code\tname\tpopulation\tcovered\tuncovered\tcoverage_%\tmedian_min\tp90_min")
    for row in result.buurten.itertuples():
        print(f"{row.buurt_code}\t{row.name}\t{row.population}\t{row.covered_population}\t"
              f"{row.uncovered_population}\t{row.coverage_pct:g}\t{_minutes(row.median_minutes)}\t"
              f"{_minutes(row.p90_minutes)}")
    return EXIT_OK


@command("suggest")
def _suggest(args) -> int:
    from assetmap.coverage import compute_coverage, suggest_sites
    with _open(args.workspace) as ws:
        inputs = _inputs(ws, args)
    speed = _speed(args)
    sites = suggest_sites(inputs, args.minutes, speed, count=args.count, include_gap_cells=args.gap_cells)
    records = [{"asset_id": row.asset_id, "name": row.name, "lon": float(row.lon), "lat": float(row.lat),
                "added_population": int(row.added_population), "coverage_pct_after": float(row.coverage_pct_after)}
               for row in sites.itertuples()]
    if args.json:
        _write_json(args.json, {"minutes": args.minutes, "speed_kmh": speed, "sites": records})
    before = compute_coverage(inputs, args.minutes, speed).total
    print(f"now {before['coverage_pct']:g}% of {before['population']} residents within {args.minutes:g} min "
          f"at {speed:g} km/h")
    if not records:
        print("no candidate site adds covered residents (try --gap-cells or more minutes)")
    for rank, site in enumerate(records, start=1):
        print(f"{rank}. {site['name']} ({site['asset_id'] or 'new spot'}) at {site['lat']:.5f}, {site['lon']:.5f}: "
              f"+{site['added_population']} residents -> {site['coverage_pct_after']:g}%")
    return EXIT_OK


def _minutes(value) -> str:
    return "-" if value != value else f"{value:g}"  # NaN: cannot reach a meeting place


def _write_json(path: str, payload: dict) -> None:
    """Write atomically: a reader never sees half a file."""
    out = Path(path)
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist", "create it first or write the JSON elsewhere")
    fd, tmp = tempfile.mkstemp(prefix=".assetmap-", suffix=".json", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1, allow_nan=False)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
