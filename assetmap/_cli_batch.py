"""The CLI's national run: ``assetmap batch`` (coverage of many gemeenten on Dask).

Inner module of :mod:`assetmap.cli`. The handler reads the options as ``assetmap coverage`` takes
them, runs :func:`assetmap.national.run_batch` with a progress bar per stage, and prints a summary:
per gemeente its residents, coverage, time and peak memory, and the total time.
"""

from __future__ import annotations

import argparse
import sys

from assetmap import settings
from assetmap._cli_common import EXIT_BAD_INPUT, EXIT_OK
from assetmap._cli_common import shown as _shown
from assetmap._cli_common import write_json as _write_json
from assetmap.errors import InputError
from assetmap.messages import text
from assetmap.numbers import decimal, percent

__all__ = ["add_batch_commands"]


def add_batch_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``batch`` to the CLI's sub-parsers.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The CLI's sub-parsers.
    """
    p = sub.add_parser("batch", help="coverage of many gemeenten at once, in parallel on Dask (one machine or a "
                                     "cluster): one national GeoPackage and GeoParquet")
    p.add_argument("--osm", required=True, metavar="FILE.osm.pbf", help="the OSM file of the country or province")
    p.add_argument("--boundaries", required=True, metavar="FILE",
                   help="CBS buurten (or wijken) with population of every gemeente to run")
    p.add_argument("--gemeenten", help="comma-separated gemeente codes, e.g. GM0518,GM0034 (default: all in the file)")
    p.add_argument("--out", required=True, metavar="RESULT.gpkg|URI",
                   help="the national result (RESULT.parquet is written beside it; RESULT.gpkg.parts/ holds the work), "
                        "or postgresql://...?schema=NAME for a table per level in that PostGIS schema")
    p.add_argument("--work", metavar="DIR", help="with a PostGIS --out: the folder for the run's parts")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="workers of a cluster on this machine (default: its cores)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--memory-limit", default="auto", help='memory per local worker, e.g. "4GB" (default: shared)')
    p.add_argument("--resume", action="store_true", help="keep the gemeenten an earlier run finished")
    p.add_argument("--force", action="store_true", help="start again: replace an earlier result")
    p.add_argument("--json", metavar="OUT.json", help="also write the summary as JSON")
    p.add_argument("--minutes", type=float, default=None,
                   help=f"walking minutes that count as nearby (default {settings.COVERAGE_MINUTES:g})")
    speed = p.add_mutually_exclusive_group()
    speed.add_argument("--speed-kmh", type=float, default=None, help=f"walking speed (default {settings.WALK_SPEED_KMH:g})")
    speed.add_argument("--slow", action="store_true", help=f"slow profile, {settings.SLOW_WALK_SPEED_KMH:g} km/h")
    p.add_argument("--categories", help="count only the meeting places of these categories (as coverage)")
    p.add_argument("--when", help='count only places open then, e.g. "We 19:00" (as coverage)')
    p.add_argument("--access", help="count only places of this access (as coverage)")
    p.add_argument("--group", help="count only places for this group (as coverage)")
    p.set_defaults(handler=_batch)


def _batch(args) -> int:
    from assetmap.national import BatchOptions, run_batch
    from assetmap.progress import StageBar

    if args.workers is not None and args.workers < 1:
        raise InputError("batch_workers", "fix_batch_workers", workers=args.workers)
    gemeenten = [c.strip().upper() for c in args.gemeenten.split(",") if c.strip()] if args.gemeenten else None
    options = BatchOptions(minutes=args.minutes, speed_kmh=settings.SLOW_WALK_SPEED_KMH if args.slow else args.speed_kmh,
                           categories=args.categories, when=args.when, access=args.access, group=args.group)

    def dashboard(address: str) -> None:
        print(text("cli_batch_dashboard", args.lang, address=address), file=sys.stderr, flush=True)

    with StageBar(args.lang) as progress:
        summary = run_batch(args.osm, args.boundaries, args.out, gemeenten=gemeenten, options=options,
                            workers=args.workers, scheduler=args.scheduler, memory_limit=args.memory_limit,
                            work=args.work, resume=args.resume, force=args.force, progress=progress, on_dashboard=dashboard)
    for row in sorted(summary.gemeenten, key=lambda r: r["gemeente_code"]):
        pct = 100.0 * row["covered_population"] / row["population"] if row["population"] else 0.0
        print(text("cli_batch_gemeente", args.lang, code=row["gemeente_code"], areas=row["areas"],
                   population=decimal(row["population"], args.lang), pct=percent(round(pct, 1), args.lang),
                   seconds=decimal(row["seconds"], args.lang, 1), memory=decimal(row["peak_mb"], args.lang, 0)))
    if summary.skipped:
        print(text("cli_batch_skipped", args.lang, count=len(summary.skipped), codes=", ".join(summary.skipped)))
    for worker, peak in sorted(summary.peak_mb_per_worker.items()):
        print(text("cli_batch_worker", args.lang, worker=worker, memory=decimal(peak, args.lang, 0)))
    print(text("cli_batch_done", args.lang, count=len(summary.gemeenten) + len(summary.skipped),
               seconds=decimal(summary.seconds, args.lang, 1), outputs=", ".join(_shown(o) for o in summary.outputs)))
    if args.json:
        _write_json(args.json, summary.to_dict())
    return EXIT_OK if summary.outputs else EXIT_BAD_INPUT
