"""A national run: every gemeente's walking coverage as a task on a Dask cluster, gathered into one result.

Each gemeente is independent: its own workspace (a throwaway GeoPackage), its boundaries, its part of
the OSM file (:func:`assetmap.national.split.split_osm`) clipped to the gemeente with the import
buffer, and the same coverage as ``assetmap coverage``. A task writes its rows to
``parts/GMxxxx.parquet`` only when it finished (written beside and moved into place), so a killed or
failed gemeente leaves nothing half written; Dask retries it, and ``resume`` skips the gemeenten
whose part is there and was made with the same options.

Folder beside the result (``RESULT.parts/``): ``run.json`` (the options and inputs), ``osm/`` (the
parts of the OSM file) and ``parts/`` (one GeoParquet per gemeente).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError
from assetmap.layers.boundaries import parent_codes
from assetmap.messages import N_
from assetmap.national.split import gemeente_areas, split_osm

__all__ = ["BatchOptions", "BatchSummary", "RESULT_LAYERS", "run_batch", "run_gemeente", "parts_folder",
           "gather"]

#: The layers of the national GeoPackage: one per level.
RESULT_LAYERS: tuple[str, ...] = ("buurten", "wijken")


@dataclass(frozen=True)
class BatchOptions:
    """The coverage options of a national run, as ``assetmap coverage`` takes them.

    Parameters
    ----------
    minutes : float, optional
        Walking minutes that count as near (default the setting).
    speed_kmh : float, optional
        Walking speed (default the setting).
    categories : str, optional
        Count only meeting places of these categories (comma-separated).
    when : str, optional
        Count only places open then (``"We 19:00"``).
    access : str, optional
        Count only places of this access.
    group : str, optional
        Count only places for this group.
    """

    minutes: float | None = None
    speed_kmh: float | None = None
    categories: str | None = None
    when: str | None = None
    access: str | None = None
    group: str | None = None


@dataclass
class BatchSummary:
    """What a national run did: per gemeente its rows, residents, time and its worker's peak memory.

    Parameters
    ----------
    gemeenten : list of dict
        Per gemeente run now: as :func:`run_gemeente` returns it.
    skipped : list of str
        The gemeenten an earlier run had finished (``resume``).
    seconds : float
        The whole run's time.
    dashboard : str or None
        The Dask dashboard's address, when there was one.
    outputs : list of str
        What was written (files, or the masked PostGIS URI).
    """

    gemeenten: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    dashboard: str | None = None
    outputs: list[str] = field(default_factory=list)

    @property
    def peak_mb_per_worker(self) -> dict[str, float]:
        """Worker -> the highest peak memory (MB) any of its gemeenten saw."""
        out: dict[str, float] = {}
        for row in self.gemeenten:
            out[row["worker"]] = max(out.get(row["worker"], 0.0), row["peak_mb"])
        return out

    def to_dict(self) -> dict:
        """The summary as plain JSON values (``--json``), with the peak memory per worker."""
        return {"gemeenten": self.gemeenten, "skipped": self.skipped, "seconds": round(self.seconds, 1),
                "dashboard": self.dashboard, "outputs": self.outputs, "peak_mb_per_worker": self.peak_mb_per_worker}


def parts_folder(out: str | Path) -> Path:
    """The working folder of a run writing ``out``: ``out`` with ``.parts`` added.

    Parameters
    ----------
    out : path-like
        The run's result file.

    Returns
    -------
    pathlib.Path
    """
    out = Path(out)
    return out.with_name(out.name + ".parts")


def _peak_mb() -> float:
    """This process's peak resident memory in MB (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)


def _worker_name() -> str:
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def run_gemeente(code: str, osm_part: str | Path, boundaries_file: str | Path, folder: str | Path,
                 options: BatchOptions) -> dict:
    """Import and cover one gemeente in a throwaway workspace; write its rows to ``parts/CODE.parquet``.

    Parameters
    ----------
    code : str
        The gemeente (``GM0518``).
    osm_part : path-like
        Its part of the OSM file.
    boundaries_file : path-like
        The national boundaries file (the gemeente's rows are kept).
    folder : path-like
        The run's working folder (:func:`parts_folder`).
    options : BatchOptions
        The coverage options.

    Returns
    -------
    dict
        ``gemeente_code``, ``areas``, ``population``, ``covered_population``, ``seconds``, ``peak_mb``
        and ``worker``.
    """
    from assetmap.coverage import compute_coverage, load_inputs, only_categories, place_filters
    from assetmap.imports import import_boundaries, import_osm
    from assetmap.service import create_workspace

    start = time.perf_counter()
    folder = Path(folder)
    parts = folder / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{code}-", dir=folder) as tmp:
        tmp = Path(tmp)
        with create_workspace(tmp / f"{code}.gpkg") as ws:
            import_boundaries(ws, file=boundaries_file, gemeente=code)
            boundaries = ws.boundaries()
            area = tmp / "area.geojson"
            area.write_text(gemeente_outline_json(boundaries), encoding="utf-8")
            import_osm(ws, file=osm_part, area_file=area, clip=True)
            inputs = load_inputs(ws, categories=only_categories(options.categories))
        filters = place_filters(options.when, options.access, options.group)
        result = compute_coverage(inputs, options.minutes, options.speed_kmh, filters=filters)
        frame = result_rows(result, boundaries, code)
        written = tmp / "part.parquet"
        frame.to_parquet(written)
        os.replace(written, parts / f"{code}.parquet")  # the whole part or none
    total = result.total
    return {"gemeente_code": code, "areas": int(len(frame)),
            "population": total["population"], "covered_population": total["covered_population"],
            "seconds": round(time.perf_counter() - start, 2), "peak_mb": _peak_mb(), "worker": _worker_name()}


def gemeente_outline_json(boundaries: gpd.GeoDataFrame) -> str:
    """The outline of a gemeente's finest boundaries as a GeoJSON Feature (the area of its import).

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        The gemeente's boundaries, as a workspace holds them.

    Returns
    -------
    str
    """
    from assetmap.layers.boundaries import finest_level
    finest = finest_level(boundaries)
    rows = boundaries[boundaries["level"] == finest] if finest else boundaries
    shape = shapely.union_all(rows.to_crs(settings.STORAGE_CRS).geometry.array)
    return json.dumps({"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(shape)})


def result_rows(result, boundaries: gpd.GeoDataFrame, gemeente: str) -> gpd.GeoDataFrame:
    """One gemeente's national rows: its areas as ``assetmap coverage`` tables them, and their wijken
    summed up (where the areas are buurten), with ``gemeente_code`` and the outlines (EPSG:4326).

    Parameters
    ----------
    result : assetmap.coverage.CoverageResult
        The gemeente's coverage.
    boundaries : geopandas.GeoDataFrame
        Its boundaries (names and outlines).
    gemeente : str
        Its code.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    areas = result.stamped_table()
    level_rows = [areas]
    if (areas["level"] == "buurt").any():
        parent_of = {code: parent_codes(code)[0] for code in areas["buurt_code"]}
        names = dict(zip(boundaries["code"], boundaries["name"]))
        level_rows.append(result.parent_table(parent_of, names, level="wijk"))
    table = pd.concat(level_rows, ignore_index=True).rename(columns={"buurt_code": "code"})
    table.insert(0, "gemeente_code", gemeente)
    outline = dict(zip(boundaries["code"], boundaries.to_crs(settings.STORAGE_CRS).geometry))
    return gpd.GeoDataFrame(table, geometry=[outline.get(c) for c in table["code"]], crs=settings.STORAGE_CRS)


def _run_record(osm_file: Path, boundaries_file: Path, options: BatchOptions) -> dict:
    """What makes finished parts reusable: the same inputs (path, size, time) and the same options."""
    def stamp(path: Path) -> dict:
        info = path.stat()
        return {"path": str(path.resolve()), "bytes": info.st_size, "modified": int(info.st_mtime)}
    return {"osm": stamp(osm_file), "boundaries": stamp(boundaries_file), "options": asdict(options),
            "method": _method_version()}


def _method_version() -> str:
    from assetmap.coverage import METHOD_VERSION
    return METHOD_VERSION


def gather(folder: Path, codes: list[str]) -> gpd.GeoDataFrame:
    """Every gemeente's part in code order, as one table.

    Parameters
    ----------
    folder : pathlib.Path
        The run's working folder.
    codes : list of str
        The gemeenten.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    frames = [gpd.read_parquet(folder / "parts" / f"{code}.parquet") for code in codes]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=settings.STORAGE_CRS)


def _write_outputs(table: gpd.GeoDataFrame, out: Path | str, replace: bool) -> list[str]:
    """The national result as GeoPackage (a layer per level) and GeoParquet, each moved into place whole,
    or as a table per level in a PostGIS schema (one transaction)."""
    from assetmap.storage.postgis import is_uri

    if is_uri(str(out)):
        from assetmap.storage.postgis_tables import write_tables
        levels = {layer: table[table["level"] == level] for layer, level in zip(RESULT_LAYERS, ("buurt", "wijk"))}
        return [write_tables(str(out), {k: v for k, v in levels.items() if len(v)}, replace=replace,
                             description="assetmap batch: walking coverage per area")]
    from assetmap.files import atomic_path

    gpkg = out if out.suffix.lower() == ".gpkg" else out.with_suffix(".gpkg")
    parquet = gpkg.with_suffix(".parquet")
    with atomic_path(gpkg) as tmp:
        for layer, level in zip(RESULT_LAYERS, ("buurt", "wijk")):
            rows = table[table["level"] == level]
            if len(rows):
                rows.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio")
    with atomic_path(parquet) as tmp:
        table.to_parquet(tmp)
    written = [str(gpkg), str(parquet)]
    return written


def run_batch(osm_file: str | Path, boundaries_file: str | Path, out: str | Path, *,
              gemeenten: list[str] | None = None, options: BatchOptions = BatchOptions(),
              workers: int | None = None, scheduler: str | None = None, memory_limit: str = "auto",
              work: str | Path | None = None,
              resume: bool = False, force: bool = False, progress: Callable[..., None] | None = None,
              on_dashboard: Callable[[str], None] | None = None) -> BatchSummary:
    """Coverage for many gemeenten on a Dask cluster; one national GeoPackage and GeoParquet.

    Parameters
    ----------
    osm_file, boundaries_file : path-like
        The OSM file of the whole country (or province) and the CBS boundaries of its gemeenten.
    out : path-like or str
        The result: ``NAME.gpkg`` (layers :data:`RESULT_LAYERS`) and ``NAME.parquet`` beside it, or a
        PostGIS URI (``postgresql://...?schema=national``: a table per layer in that schema, which
        must not hold a workspace).
    gemeenten : list of str, optional
        The gemeente codes to run; default every gemeente of ``boundaries_file``.
    options : BatchOptions
        Minutes, speed and filters, as ``assetmap coverage`` takes them.
    workers : int, optional
        Workers of the local cluster (default: the machine's cores); not with ``scheduler``.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); its workers must reach the files.
    work : path-like, optional
        With a PostGIS ``out``: the folder for the run's parts (``national.parts/`` in it).
    memory_limit : str
        Memory per local worker (Dask's ``memory_limit``: ``"auto"`` shares the machine's memory).
    resume : bool
        Keep the finished gemeenten of an earlier run with the same inputs and options.
    force : bool
        Replace an existing result (the working folder of another run is never mixed in).
    progress : callable, optional
        ``progress(stage, done, total)`` with a stage message code, as :class:`assetmap.progress.StageBar`
        takes it: the split, the gemeenten (one step each), the gathering.
    on_dashboard : callable, optional
        Called with the Dask dashboard's address as soon as the cluster has one.

    Returns
    -------
    BatchSummary

    Raises
    ------
    InputError
        Unreadable inputs, unknown gemeenten, an existing result without ``resume`` or ``force``,
        a resume with other inputs or options, or a gemeente that failed after its retries.
    """
    from assetmap.coverage import only_categories, place_filters
    from assetmap.storage.postgis import is_uri

    start = time.perf_counter()
    osm_file, boundaries_file = Path(osm_file), Path(boundaries_file)
    for path in (osm_file, boundaries_file):
        if not path.is_file():
            raise InputError("file_missing", "fix_check_path", path=path)
    to_postgis = is_uri(str(out))
    if to_postgis:  # the parts need a folder of their own
        if work is None:
            raise InputError("batch_postgis_work", "fix_batch_postgis_work")
        work = Path(work)
        if not work.is_dir():
            raise InputError("folder_missing", "fix_create_it_first", path=work)
        from assetmap.storage.postgis_tables import check_tables
        check_tables(str(out), list(RESULT_LAYERS), replace=resume or force)  # refused before any work, not after
    else:
        from assetmap.files import check_file
        out = Path(out)
        for target in (out, out.with_suffix(".parquet")):
            check_file(target, force=True)  # never onto a workspace; an existing result: see below
    only_categories(options.categories)  # checked before any work
    place_filters(options.when, options.access, options.group)
    report = progress or (lambda *a: None)
    announce = on_dashboard or (lambda address: None)
    folder = work / "national.parts" if to_postgis else parts_folder(out)
    record = _run_record(osm_file, boundaries_file, options)
    if folder.exists() and not resume and not force:
        raise InputError("batch_exists", "fix_batch_resume", path=folder)
    if not to_postgis and out.exists() and not (resume or force):
        raise InputError("batch_exists", "fix_batch_resume", path=out)
    folder.mkdir(exist_ok=True)
    record_file = folder / "run.json"
    if resume and record_file.exists():
        earlier = json.loads(record_file.read_text(encoding="utf-8"))
        if earlier != record:
            raise InputError("batch_resume_other", "fix_batch_resume_other", path=folder)
    elif force:
        for old in (folder / "parts").glob("*.parquet"):
            old.unlink()
    record_file.write_text(json.dumps(record, indent=1), encoding="utf-8")

    areas = gemeente_areas(boundaries_file, gemeenten)
    codes = list(areas["gemeente_code"])
    summary = BatchSummary()
    summary.skipped = [c for c in codes if resume and (folder / "parts" / f"{c}.parquet").exists()]
    todo = areas[~areas["gemeente_code"].isin(summary.skipped)]
    if len(todo):
        report(N_("progress_batch_split"), 0, 1)
        from assetmap.sources.osm import area_buffer_m  # the import's own buffer (settings, else the longest walk)
        buffer = area_buffer_m()
        osm_parts = split_osm(osm_file, todo, folder / "osm", buffer)
        report(N_("progress_batch_split"), 1, 1)
        summary.gemeenten, summary.dashboard = _run_on_dask(
            list(todo["gemeente_code"]), osm_parts, boundaries_file, folder, options,
            workers=workers, scheduler=scheduler, memory_limit=memory_limit, report=report, announce=announce)
    report(N_("progress_batch_gather"), 0, 1)
    summary.outputs = _write_outputs(gather(folder, codes), out, replace=resume or force)
    report(N_("progress_batch_gather"), 1, 1)
    summary.seconds = time.perf_counter() - start
    return summary


def _run_on_dask(codes, osm_parts, boundaries_file, folder, options, *, workers, scheduler, memory_limit,
                 report, announce) -> tuple[list[dict], str | None]:
    """Every gemeente a task (retried twice); their summaries in the order they finished."""
    from distributed import Client, LocalCluster, as_completed

    if scheduler:
        client, cluster = Client(scheduler), None
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               memory_limit=memory_limit, processes=True, dashboard_address=_dashboard_address())
        client = Client(cluster)
    try:
        dashboard = client.dashboard_link if _dashboard_address() or scheduler else None
        if dashboard:
            announce(dashboard)
        report(N_("progress_batch_gemeenten"), 0, len(codes))
        futures = [client.submit(run_gemeente, code, str(osm_parts[code]), str(boundaries_file), str(folder),
                                 options, key=f"gemeente-{code}", retries=2, pure=False) for code in codes]
        done = []
        failures = []
        for future in as_completed(futures):
            try:
                row = future.result()
            except Exception as exc:  # a gemeente that failed after its retries: the others go on
                failures.append(f"{future.key.removeprefix('gemeente-')}: {exc}")
                continue
            done.append(row)
            report(N_("progress_batch_gemeenten"), len(done), len(codes))
        if failures:
            raise InputError("batch_failed", "fix_batch_failed", count=len(failures), details="; ".join(failures))
        return done, dashboard
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dashboard_address() -> str | None:
    """Dask serves its dashboard only with bokeh installed; without it no address is promised."""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return None
    return ":0"
