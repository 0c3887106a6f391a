"""Import workflows: source -> layers -> workspace, each in one transaction.

The CLI, the app and the tests call these; nothing else writes imported data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.layers.boundaries import assign_codes
from assetmap.layers.hours import hours_problems
from assetmap.layers.schema import text_fields
from assetmap.messages import N_, text
from assetmap.privacy import story_warnings
from assetmap.service import SaveReport
from assetmap.sources import workshop

__all__ = ["DATA_DATES_TABLE", "ImportResult", "import_osm", "import_boundaries", "import_workshop"]

#: The table that keeps how current each imported data set is (one row per source ``name``:
#: ``reference``, ``data_date`` as ISO day or CBS year, ``basis``): the method stamp of coverage
#: cites it (:func:`assetmap.coverage.method_stamp`).
DATA_DATES_TABLE = "source_dates"


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do).

    Parameters
    ----------
    rows : int
        Rows read and checked (assets, or boundaries for a boundary import).
    report : SaveReport or None
        The ids added, updated and unchanged; None for a dry run and for a boundary import.
    notes : list of assetmap.errors.Problem
        Things worth knowing that did not stop the import (e.g. boundaries without population).
    """

    rows: int
    report: SaveReport | None
    notes: list

    def summary(self, lang: str | None = None) -> str:
        """One line: how many were added, updated and unchanged.

        Parameters
        ----------
        lang : str, optional
            Language of the line (``nl`` or ``en``); English when None.

        Returns
        -------
        str
            The counts; without a ``report`` the line reads as a dry run.
        """
        if self.report is None:
            return text("import_summary_dry", lang, rows=self.rows)
        r = self.report
        return text("import_summary", lang, added=len(r.added), updated=len(r.updated), unchanged=len(r.unchanged))


def import_osm(ws, *, file: str | Path | None = None, place: str | None = None,
               area_file: str | Path | None = None, actor: str = "OpenStreetMap", progress=None,
               clip: bool = False, buffer_m: float | None = None) -> ImportResult:
    """Import OSM facilities, residential buildings and the walking network.

    Everything lands in one transaction, with the source logged (ODbL). Assets get their buurt,
    wijk and gemeente codes from the boundaries already in the workspace; the walking network,
    buildings and study area replace the earlier ones.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace to write; its actor must be a ``coordinator``.
    file : path-like, optional
        A local ``.osm``, ``.osm.bz2`` or ``.osm.pbf`` file. Give ``file`` or ``place``, not both.
    place : str, optional
        A place name to download from OpenStreetMap (online), e.g. ``"Transvaal, Den Haag"``.
    area_file : path-like, optional
        GeoJSON polygon of the area ``file`` covers (EPSG:4326 when it names no CRS); default:
        the extent of the data.
    actor : str
        Pseudonym recorded in the history for the assets (their ``added_by`` is ``OpenStreetMap``
        as the source sets it).
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with a stage message code (see
        :mod:`assetmap.progress`); None reports nothing.
    clip : bool
        With ``file`` and ``area_file``: keep only what intersects the area grown by ``buffer_m``,
        dropped while the file is read (a province extract imported for one gemeente stays within
        memory). Residents are counted inside the area only.
    buffer_m : float, optional
        How far beyond the area places and walkable ways are kept (``clip``) or fetched
        (``place``), in metres: residents near the edge reach places just outside it. Default
        ``settings.IMPORT_BUFFER_M``, else the longest walk the app offers at the normal speed
        (:func:`assetmap.sources.osm.area_buffer_m`, 2,250 m).

    Returns
    -------
    ImportResult
        Rows saved, the save report, and an ``opening_hours_invalid`` note per place whose
        ``opening_hours`` cannot be read (it is kept as tagged and counts as "hours unknown").

    Raises
    ------
    InputError
        Neither or both of ``file`` and ``place``; an unreadable file or area file; a file
        without walkable streets; or OpenStreetMap cannot be reached.
    PermissionDenied
        The workspace's actor is not a ``coordinator`` (nothing is written).
    """
    if (file is None) == (place is None):
        raise InputError("osm_source_missing", "fix_osm_source")
    from assetmap.sources import osm  # osmnx costs seconds to import; a workshop import never needs it
    area = _read_area(area_file) if area_file else None
    _report(progress, N_("progress_osm_read"))
    layers = osm.read_osm_file(file, area, progress=progress, clip=clip, buffer_m=buffer_m) if file \
        else osm.fetch_osm_place(place, buffer_m=buffer_m)
    day, basis = osm.osm_data_date(file) if file else (date.today().isoformat(), "downloaded")
    assets = assign_codes(layers.assets, ws.boundaries())
    _report(progress, N_("progress_save"), 0, 1)
    with ws.transaction():
        report = ws.save_assets(assets, actor)
        ws.replace_walk_network(layers.walk_nodes, layers.walk_edges)
        ws.replace_buildings(layers.buildings)
        ws.replace_study_area(layers.study_area)
        if layers.basemap is not None:
            ws.replace_basemap(layers.basemap)
        if getattr(layers, "streets", None) is not None:
            ws.replace_streets(layers.streets)
        ws.log_source("OpenStreetMap", layers.reference, "ODbL 1.0", settings.OSM_ATTRIBUTION, len(assets))
        _log_data_date(ws, "OpenStreetMap", layers.reference, day, basis)
    notes = hours_problems(assets["opening_hours"], rows=[None] * len(assets), names=assets["name"])
    _report(progress, N_("progress_save"), 1, 1)
    return ImportResult(len(assets), report, notes)


def import_boundaries(ws, *, file: str | Path | None = None, gemeente: str | None = None,
                      level: str = "buurt", progress=None) -> ImportResult:
    """Import CBS boundaries (file or PDOK) and give every asset its buurt, wijk and gemeente code.

    The boundaries replace the stored ones of the levels they hold (other levels stay), in one
    transaction with the source logged (CC BY 4.0).

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace to write; its actor must be a ``coordinator``.
    file : path-like, optional
        A local boundaries file (GeoJSON, TopoJSON, GeoPackage or shapefile).
    gemeente : str, optional
        A gemeente code such as ``GM0518``: keeps only its boundaries from ``file``, or, without
        ``file``, downloads them from PDOK (online).
    level : {'buurt', 'wijk', 'gemeente'}
        Level to download from PDOK; not used with ``file``.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with a stage message code; None reports nothing.

    Returns
    -------
    ImportResult
        Number of boundaries, no save report, and a note when none has a population.

    Raises
    ------
    InputError
        Neither ``file`` nor ``gemeente``; the file cannot be read or has no valid CBS boundaries
        (every problem listed); or PDOK cannot be reached.
    PermissionDenied
        The workspace's actor is not a ``coordinator`` (nothing is written).
    """
    if file is None and gemeente is None:
        raise InputError("boundaries_source_missing", "fix_boundaries_source")
    from assetmap.sources import cbs
    _report(progress, N_("progress_boundaries_read"))
    boundaries = cbs.read_boundaries_file(file, gemeente) if file else cbs.fetch_boundaries(gemeente, level)
    _report(progress, N_("progress_save"), 0, 1)
    with ws.transaction():
        ws.replace_boundaries(boundaries)
        ws.log_source("CBS wijk- en buurtkaart", str(file or f"PDOK {gemeente}"), "CC BY 4.0",
                      settings.CBS_ATTRIBUTION, len(boundaries))
        year, basis = _cbs_year(boundaries, file)
        _log_data_date(ws, "CBS wijk- en buurtkaart", str(file or f"PDOK {gemeente}"), year, basis)
    _report(progress, N_("progress_save"), 1, 1)
    notes = []
    if len(boundaries) and boundaries["population"].isna().all():
        notes.append(Problem("boundaries_no_population", "fix_population_column", column="population"))
    return ImportResult(len(boundaries), None, notes)


def import_workshop(ws, path: str | Path, *, dry_run: bool = False, actor: str | None = None,
                    take_over: bool = False, progress=None) -> ImportResult:
    """Import a workshop table in one transaction; with ``dry_run`` check everything and write nothing.

    Assets are matched on ``id``: a row with a stored id updates that asset, unless the asset
    belongs to someone else. Codes come from the workspace's boundaries. All rows land in one
    transaction, or none.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace to write; its actor must be a ``coordinator`` (the source is logged).
    path : path-like
        A CSV, XLSX or GeoJSON file (see ``data/workshop_template.csv``).
    dry_run : bool
        Run every check the import runs (rows, links, ownership) in a transaction that is rolled
        back: nothing is written.
    actor : str, optional
        Pseudonym recorded as ``added_by`` of new rows and in the history.
    take_over : bool
        A coordinator changes entries that belong to others on purpose (see
        :meth:`assetmap.service.Workspace.save_assets`).
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with a stage message code; None reports nothing.

    Returns
    -------
    ImportResult
        Rows checked, the save report (None for a dry run) and notes on the file.

    Raises
    ------
    InputError
        The file cannot be used, or a row would change someone else's entry: every problem with
        its row (as in the file), column and fix.
    PermissionDenied
        The workspace's actor is not a ``coordinator``, or ``take_over`` is asked by someone else.

    Notes
    -----
    Who added a row, when, and its source are set by assetmap, never by the file: columns such as
    ``added_by``, ``created_at`` or ``source`` in the file are ignored, with a note.
    """
    _report(progress, N_("progress_workshop_read"))
    checked = workshop.read_workshop_file(path, ws.boundaries(), added_by=actor)
    assets, notes = checked.assets, list(checked.notes)
    claimed = [c for c, tool in (("added_by", actor), ("source", "workshop"))
               if (assets[c].notna() & (assets[c] != tool)).any()]
    if claimed:
        notes.append(Problem("file_sets_tool_columns", "fix_leave_out_tool_columns", columns=", ".join(claimed)))
    assets = assets.assign(added_by=actor, source="workshop")
    # Unreadable opening hours are kept as written (a note, not a refusal): the place counts as "hours unknown".
    notes.extend(hours_problems(assets["opening_hours"], rows=range(checked.first_row, checked.first_row + len(assets)),
                                names=assets["name"]))
    public = ((assets["visibility"] == "public").fillna(False) & assets["consent"].fillna(False).astype(bool)).tolist()
    # The texts in other languages (name_tr, description_ar, ...) are checked as the Dutch ones are.
    texts = [c for c in (*text_fields("description", "name"), "seeks") if c in assets.columns]
    for number, (is_public, row) in enumerate(zip(public, assets[texts].astype(object).to_dict("records")),
                                              start=checked.first_row):
        found: dict[str, str] = {}  # each code once, with the first column it is found in
        for column in texts if is_public else ():
            for code in story_warnings(row[column]):
                found.setdefault(code, column)
        for code, column in found.items():
            notes.append(Problem(code, "fix_story_check", row=number, column=column))
    photos = _photo_files(checked.photos, Path(path).parent)  # every file checked before anything is written
    for photo in photos:
        for code in story_warnings(photo["caption"]):
            notes.append(Problem(code, "fix_story_check", row=photo["row"], column="foto"))
    _report(progress, N_("progress_save"), 0, 1)
    try:
        with ws.transaction():
            report = ws.save_assets(assets, actor, take_over=take_over, first_row=checked.first_row)
            _add_activities(ws, checked.activities, actor)  # activiteit/wanneer columns: in the same transaction
            for photo in photos:  # foto column: in the same transaction, each waiting for a coordinator
                ws.add_photo(photo["asset_id"], photo["data"], caption=photo["caption"], credit=photo["credit"],
                             name=photo["file"], actor=actor)
            ws.log_source("workshop", Path(path).name, "own data", "", checked.rows)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return ImportResult(checked.rows, None, notes)
    return ImportResult(checked.rows, report, notes)


def _photo_files(photos: pd.DataFrame, folder: Path) -> list[dict]:
    """The photos a workshop file names, each read and checked (:func:`process_photo`); every problem
    names its row and the ``foto`` column, and all of them are raised together before anything is written.

    A file is looked for in the folder of the workshop file (or a folder below it), never outside it."""
    from assetmap.layers.photos import process_photo, read_photo_file

    found, problems = [], []
    root = folder.resolve()
    for photo in photos.to_dict("records") if len(photos) else []:
        target = (root / photo["file"]).resolve()
        try:
            if not target.is_relative_to(root):
                raise InputError("photo_outside_folder", "fix_photo_folder", name=photo["file"], folder=root.name)
            if not target.is_file():  # named as the file names it: no server folder in the message
                raise InputError("file_missing", "fix_check_path", path=photo["file"])
            data = read_photo_file(target)
            process_photo(data, photo["file"])
        except InputError as exc:
            problems += [Problem(p.code, p.fix, row=photo["row"], column="foto", **p.params) for p in exc.problems]
            continue
        found.append({**photo, "data": data})
    if problems:
        raise InputError(problems)
    return found


def _add_activities(ws, activities: pd.DataFrame, actor: str | None) -> None:
    """Add the activities a workshop file's rows name; one that is stored already (same place, name
    and time) is not added twice, so importing a file again adds nothing new."""
    for record in activities.astype(object).where(activities.notna(), None).to_dict("records") \
            if len(activities) else ():
        stored = ws.activities(record["asset_id"])
        if ((stored["name"] == record["name"]) & (stored["recurring_time"] == record["recurring_time"])).any():
            continue
        fields = {k: record[k] for k in ("asset_id", "name", "recurring_time", "target_group", "free", "walk_in")}
        ws.add_activity(fields, actor)


def _cbs_year(boundaries: gpd.GeoDataFrame, file) -> tuple[str | None, str]:
    """The CBS edition of boundaries: their ``year``, else a year in the file name, else PDOK's edition."""
    years = boundaries["year"].dropna() if "year" in boundaries.columns else []
    if len(years):
        return str(int(years.max())), "year_column"
    found = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", Path(str(file)).name) if file else \
        re.findall(r"/((?:19|20)\d\d)/", settings.PDOK_WFS_URL)
    return (found[0], "file_name" if file else "pdok") if found else (None, "unknown")


def _log_data_date(ws, name: str, reference: str, day: str | None, basis: str) -> None:
    """Keep how current a source is in :data:`DATA_DATES_TABLE` (its earlier row replaced, the others kept)."""
    old = ws.read_table(DATA_DATES_TABLE) if DATA_DATES_TABLE in ws.tables() else None
    rows = [] if old is None else [r for r in old[["name", "reference", "data_date", "basis"]].to_dict("records")
                                   if r["name"] != name]
    rows.append({"name": name, "reference": reference, "data_date": day, "basis": basis})
    frame = pd.DataFrame(rows, columns=["name", "reference", "data_date", "basis"]).astype("string")
    ws.save_result(DATA_DATES_TABLE, frame, "how current each imported data set is (assetmap imports)")


def _report(progress, stage: str, done: int = 0, total: int | None = None) -> None:
    if progress is not None:
        progress(stage, done, total)


class _DryRun(Exception):
    """Rolls back a dry run's transaction after every check has run."""


def _read_area(path: str | Path) -> gpd.GeoDataFrame:
    try:
        area = gpd.read_file(path)
    except Exception as exc:  # any reader error means the same to the user
        raise InputError("area_unreadable", "fix_give_polygon", path=path, error=exc) from exc
    if area.empty or not area.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise InputError("area_no_polygon", "fix_one_polygon", path=path)
    return area.set_crs(settings.STORAGE_CRS) if area.crs is None else area
