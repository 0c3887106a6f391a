"""Workshop files: CSV, XLSX and GeoJSON tables filled in by people, with Dutch or English headers.

Location comes as lat/lon, as RD x/y, as a cell of a workshop poster's grid (``grid`` ``C4`` with
the poster's area code in ``grid_area``: the asset goes to the cell's centre, see
:mod:`assetmap.layers.grid`), or as a buurt code (the asset goes to the buurt's representative
point). Every problem is collected and reported by row and column.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.layers.assets import build_assets, special_category_problems
from assetmap.layers.boundaries import assign_codes
from assetmap.layers.grid import GRID_COLUMNS, GRID_ROWS, PosterGrid, area_of, parse_cell, poster_grid
from assetmap.layers.schema import CONTENT_LANGUAGES, REQUIRED_ASSET_FIELDS
from assetmap.messages import N_, Message

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ACTIVITY_COLUMNS",
    "PHOTO_COLUMNS",
    "HEADER_ALIASES",
    "BUILDING_BLOCK_ALIASES",
    "VISIBILITY_ALIASES",
    "WorkshopImport",
    "read_workshop_file",
    "table_to_assets",
]

SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json")

#: Header aliases (normalised: lower case, no accents, words joined by ``_``) -> field.
HEADER_ALIASES: dict[str, str] = {
    "id": "id", "nummer": "id",
    "name": "name", "naam": "name", "titel": "name", "title": "name",
    "building_block": "building_block", "bouwsteen": "building_block", "block": "building_block",
    "blok": "building_block", "soort_asset": "building_block", "type_asset": "building_block",
    "category": "category", "categorie": "category", "soort": "category", "type": "category",
    "description": "description", "omschrijving": "description", "beschrijving": "description",
    "toelichting": "description", "verhaal": "description", "story": "description",
    "lat": "lat", "latitude": "lat", "breedtegraad": "lat", "breedte": "lat",
    "lon": "lon", "lng": "lon", "long": "lon", "longitude": "lon", "lengtegraad": "lon", "lengte": "lon",
    "x": "x", "rd_x": "x", "x_rd": "x", "rdx": "x",
    "y": "y", "rd_y": "y", "y_rd": "y", "rdy": "y",
    "buurt_code": "buurt_code", "buurtcode": "buurt_code", "buurt": "buurt_code",
    "is_meeting_place": "is_meeting_place", "meeting_place": "is_meeting_place",
    "ontmoetingsplek": "is_meeting_place", "ontmoetingsplaats": "is_meeting_place",
    "opening_hours": "opening_hours", "openingstijden": "opening_hours", "open": "opening_hours",
    "wheelchair": "wheelchair", "rolstoel": "wheelchair", "rolstoeltoegankelijk": "wheelchair",
    "free_entry": "free_entry", "gratis": "free_entry", "gratis_toegang": "free_entry",
    "operator": "operator", "beheerder": "operator", "organisatie": "operator",
    "access": "access", "toegang": "access", "toegankelijkheid": "access",
    "scale": "scale", "schaal": "scale", "grootte": "scale",
    "capacity": "capacity", "capaciteit": "capacity", "aantal_plaatsen": "capacity", "plaatsen": "capacity",
    "target_groups": "target_groups", "target_group": "target_groups", "doelgroepen": "target_groups",
    "doelgroep": "target_groups", "voor_wie": "target_groups",
    "contact": "contact",
    "story_date": "story_date", "datum": "story_date", "date": "story_date", "verhaal_datum": "story_date",
    "related_asset_id": "related_asset_id", "hoort_bij": "related_asset_id", "gekoppeld_aan": "related_asset_id",
    "visibility": "visibility", "zichtbaarheid": "visibility", "zichtbaar": "visibility",
    "consent": "consent", "toestemming": "consent",
    "added_by": "added_by", "toegevoegd_door": "added_by", "auteur": "added_by", "tafel": "added_by",
    "source": "source", "bron": "source", "source_ref": "source_ref",
    "created_at": "created_at", "updated_at": "updated_at",
    "wijk_code": "wijk_code", "wijkcode": "wijk_code", "gemeente_code": "gemeente_code",
    "gemeentecode": "gemeente_code",
    # initiatives and change over time
    "status": "status", "fase": "status",
    "seeks": "seeks", "zoekt": "seeks", "gezocht": "seeks", "nodig": "seeks",
    "offers": "offers", "biedt": "offers", "aanbod": "offers", "geboden": "offers",
    "tags": "tags", "tag": "tags", "trefwoorden": "tags", "labels": "tags",
    "owners": "owners", "eigenaren": "owners", "eigenaar": "owners", "trekkers": "owners",
    "last_checked": "last_checked", "laatst_gecontroleerd": "last_checked", "gecontroleerd": "last_checked",
    "ended_at": "ended_at", "gestopt_op": "ended_at", "einddatum": "ended_at",
    # An entry's name and description in another language: name_tr, naam_tr, omschrijving_ar, ...
    **{f"{alias}_{language}": f"{field}_{language}" for field, aliases in (
        ("name", ("name", "naam", "titel", "title")),
        ("description", ("description", "omschrijving", "beschrijving", "toelichting")),
    ) for alias in aliases for language in CONTENT_LANGUAGES},
    # A workshop poster's grid cell, and the area code printed on that poster (data/workshop_form_grid.csv).
    "grid": "grid", "vak": "grid", "kaartvak": "grid", "rastervak": "grid", "grid_cell": "grid", "hokje": "grid",
    "grid_area": "grid_area", "gebied": "grid_area", "poster": "grid_area", "postergebied": "grid_area",
    "gebiedscode": "grid_area", "area": "grid_area", "area_code": "grid_area",
    # An activity of the row's place or association (see ACTIVITY_COLUMNS).
    **{alias: field for field, aliases in (
        ("activity", ("activiteit", "activity")),
        ("activity_when", ("wanneer", "when", "activiteit_wanneer", "activity_when", "tijd_activiteit")),
        ("activity_group", ("activiteit_voor_wie", "activity_group", "activity_for", "activity_target_group")),
        ("activity_free", ("activiteit_gratis", "activity_free")),
        ("activity_walk_in", ("inloop", "vrije_inloop", "walk_in", "activity_walk_in")),
    ) for alias in aliases},
    # Photos of the row's entry: file names in the folder of the workshop file (see PHOTO_COLUMNS).
    **{alias: field for field, aliases in (
        ("photo", ("foto", "fotos", "photo", "photos", "afbeelding")),
        ("photo_caption", ("foto_onderschrift", "onderschrift", "bijschrift", "photo_caption", "caption")),
        ("photo_credit", ("foto_maker", "fotograaf", "maker", "photo_credit", "credit")),
    ) for alias in aliases},
}
#: Columns of a row's photos: ``foto`` names one file or several (``;`` between them) in the folder
#: of the workshop file; ``foto_onderschrift`` (its alt text; default the entry's name) and
#: ``foto_maker`` go with every photo of the row.
PHOTO_COLUMNS: tuple[str, ...] = ("photo", "photo_caption", "photo_credit")
#: Columns of an activity on a row -> the activity field they fill. A row with ``activiteit`` and
#: ``wanneer`` adds that activity to the row's place or association (``activiteit_voor_wie``,
#: ``activiteit_gratis`` and ``inloop`` are optional).
ACTIVITY_COLUMNS: dict[str, str] = {"activity": "name", "activity_when": "recurring_time",
                                    "activity_group": "target_group", "activity_free": "free",
                                    "activity_walk_in": "walk_in"}

#: Building block values as people write them (Dutch, English, numbers 1-5).
BUILDING_BLOCK_ALIASES: dict[str, str] = {
    "1": "individual", "individual": "individual", "individu": "individual", "individuele_capaciteiten": "individual",
    "individuele_capaciteit": "individual", "capaciteit": "individual", "talent": "individual", "persoon": "individual",
    "bewoner": "individual", "individual_capacities": "individual", "individueel": "individual",
    "individuele": "individual", "mensen": "individual",
    "2": "association", "association": "association", "associations": "association", "vereniging": "association",
    "verenigingen": "association", "netwerk": "association", "gemeenschapsnetwerken_en_verenigingen": "association",
    "gemeenschapsnetwerk": "association", "bewonersgroep": "association", "groep": "association",
    "3": "institution", "institution": "institution", "institutions": "institution", "instelling": "institution",
    "instellingen": "institution", "institutie": "institution", "institutionele_middelen": "institution",
    "organisatie": "institution",
    "4": "resource", "resource": "resource", "resources": "resource", "hulpbron": "resource",
    "fysieke_hulpbron": "resource", "fysieke_en_economische_hulpbronnen": "resource", "plek": "resource",
    "plaats": "resource", "physical_and_economic_resources": "resource", "voorziening": "resource",
    "5": "story", "story": "story", "stories": "story", "verhaal": "story", "verhalen": "story",
    "verhalen_en_cultuur": "story", "cultuur": "story", "stories_and_culture": "story",
    "6": "initiative", "initiative": "initiative", "initiatives": "initiative", "initiatief": "initiative",
    "initiatieven": "initiative", "bewonersinitiatief": "initiative",
}
#: Codes of the words for what a JSON file holds when it is not an object (``type(data)``).
_JSON_KINDS = {list: N_("json_list"), str: N_("json_text"), int: N_("json_number"), float: N_("json_number"),
               bool: N_("json_yes_no"), type(None): N_("json_null")}
#: The Dutch header of a field as the template writes it.
_DUTCH_HEADER = {"name": "naam", "building_block": "bouwsteen"}
VISIBILITY_ALIASES = {"openbaar": "public", "publiek": "public", "groep": "group", "prive": "private",
                      "privé": "private", "public": "public", "group": "group", "private": "private"}


@dataclass
class WorkshopImport:
    """A checked workshop table, ready to save.

    Built by :func:`read_workshop_file` and :func:`table_to_assets`; nothing is written yet.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The checked assets in EPSG:4326 with the columns of
        :data:`assetmap.layers.schema.ASSET_FIELDS` (see
        :func:`assetmap.layers.assets.build_assets`). With boundaries given, ``buurt_code``,
        ``wijk_code`` and ``gemeente_code`` are set from the boundaries the asset lies in; a
        ``buurt_code`` from the file is kept where no buurt contains the asset.
    notes : list of Problem
        Problems that did not stop the import: the file was not UTF-8 (``not_utf8``), a column
        was not used (``column_unused``).
    first_row : int
        Row number of the first asset in the file (2 below a header, 1 for GeoJSON features),
        so that saving can name rows as the user's file does.
    grid_cells : dict of int to str
        Rows (numbered as in the file) placed at the centre of a poster grid cell, with the cell.
    activities : pandas.DataFrame
        The activities the rows name (see :data:`ACTIVITY_COLUMNS`), checked, each with the
        ``asset_id`` of its row's asset and that ``row``; empty when the file names none.
    photos : pandas.DataFrame
        The photos the rows name (``asset_id``, ``row``, ``file`` as written, ``caption``,
        ``credit``), read and checked; empty when the file names none.
    """

    assets: gpd.GeoDataFrame
    notes: list[Problem] = field(default_factory=list)
    #: Row number of the first asset in the file (2 below a header, 1 for GeoJSON features).
    first_row: int = 2
    #: Rows placed by a poster grid cell -> the cell (``C4``).
    grid_cells: dict[int, str] = field(default_factory=dict)
    #: Activities of the rows' places and associations, with their ``asset_id`` and ``row``.
    activities: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Photos the rows name: ``asset_id``, ``row``, ``file`` (as written), ``caption`` and ``credit``.
    photos: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def rows(self) -> int:
        return len(self.assets)


def read_workshop_file(path: str | Path, boundaries: gpd.GeoDataFrame | None = None, *,
                       added_by: str | None = None, source: str = "workshop") -> WorkshopImport:
    """Read and check a workshop CSV, XLSX or GeoJSON file; nothing is written by this function.

    Parameters
    ----------
    path : str or Path
        The file.
    boundaries : geopandas.GeoDataFrame, optional
        Boundaries of the workspace: buurt codes as locations, and points outside them refused.
    added_by : str, optional
        Pseudonym recorded for rows without one.
    source : str
        Value of the ``source`` field.

    Returns
    -------
    WorkshopImport
        The checked assets and the notes (problems that did not stop the import).

    Raises
    ------
    InputError
        Listing every problem (row, column, code, fix) if any row cannot be used.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file_missing", "fix_check_path", path=path)
    size = path.stat().st_size
    if size > settings.MAX_IMPORT_BYTES:
        raise InputError("file_too_large", "fix_split_file", name=path.name, size=size // 2**20,
                         limit=settings.MAX_IMPORT_BYTES // 2**20)
    if size == 0:
        raise InputError("file_empty", "fix_fill_template", name=path.name)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError("file_type_unsupported", "fix_save_table_formats", name=path.name, suffix=suffix)
    notes: list[Problem] = []
    if suffix in (".csv", ".txt"):
        table, first_row = _read_csv(path.read_bytes(), notes), 2
        geometry = None
    elif suffix == ".xlsx":
        table, first_row = _read_xlsx(path), 2
        geometry = None
    else:
        table, geometry = _read_geojson(path.read_bytes())
        first_row = 1
    return table_to_assets(table, boundaries, geometry=geometry, first_row=first_row, notes=notes,
                           added_by=added_by, source=source)


def table_to_assets(table: pd.DataFrame, boundaries: gpd.GeoDataFrame | None = None, *,
                    geometry: list | None = None, first_row: int = 2, notes: list[Problem] | None = None,
                    added_by: str | None = None, source: str = "workshop") -> WorkshopImport:
    """Check a table of text cells (as read from a file or typed in the app) and build assets.

    Parameters
    ----------
    table : pandas.DataFrame
        Text cells with the user's headers (Dutch or English).
    boundaries : geopandas.GeoDataFrame, optional
        Boundaries of the workspace (see :func:`read_workshop_file`).
    geometry : list, optional
        Geometries of a GeoJSON file, one per row; else the location columns are read.
    first_row : int
        Row number of the first row in the file (2 below a header, 1 for GeoJSON features).
    notes : list of Problem, optional
        Notes found while reading the file, kept in the result.
    added_by : str, optional
        Pseudonym recorded for rows without one.
    source : str
        Value of the ``source`` field.

    Returns
    -------
    WorkshopImport
        The checked assets and the notes.

    Raises
    ------
    InputError
        With every problem, sorted by row and column.
    """
    notes = list(notes or [])
    problems: list[Problem] = []
    table = _checked_headers(table, notes)
    headers = dict(table.attrs.get("headers", {}))
    # A reader that dropped blank lines keeps each row's position in the file as its index.
    positions = table.index.to_numpy() if pd.api.types.is_integer_dtype(table.index) else np.arange(len(table))
    rows = pd.Series(positions + first_row)
    table = table.reset_index(drop=True)
    activity_cells = table[[c for c in ACTIVITY_COLUMNS if c in table.columns]]
    photo_cells = table[[c for c in PHOTO_COLUMNS if c in table.columns]]
    table = table.drop(columns=list(activity_cells.columns) + list(photo_cells.columns))
    _map_aliases(table)
    grid_cells: dict[int, str] = {}
    points = geometry if geometry is not None else _locate(table, rows, boundaries, problems, grid_cells)
    if grid_cells:
        notes.append(Problem("placed_by_grid", count=len(grid_cells),
                             rows=", ".join(f"{row} ({cell})" for row, cell in grid_cells.items())))
    frame = gpd.GeoDataFrame(table.drop(columns=[c for c in ("lat", "lon", "x", "y", "grid", "grid_area")
                                                 if c in table.columns]),
                             geometry=gpd.GeoSeries(points, crs=settings.STORAGE_CRS), crs=settings.STORAGE_CRS)
    has_boundaries = boundaries is not None and not boundaries.empty
    if has_boundaries:
        _check_inside(frame, boundaries, rows, problems)
    assets = _build(frame, source, added_by, rows, problems)
    activities = _activities(activity_cells, assets, rows, problems)
    if problems:
        problems = [_in_the_files_words(p, headers) for p in problems]
        raise InputError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    if has_boundaries:
        explicit = assets["buurt_code"].copy()
        assets = assign_codes(assets, boundaries)
        assets["buurt_code"] = assets["buurt_code"].fillna(explicit)
    return WorkshopImport(assets, notes, first_row, grid_cells, activities, _photos(photo_cells, assets, rows))


def _photos(cells: pd.DataFrame, assets: gpd.GeoDataFrame, rows: pd.Series) -> pd.DataFrame:
    """The photo files that rows name, one row each, with the row's asset id, caption and credit."""
    if "photo" not in cells.columns:
        return pd.DataFrame()
    found = []
    for position, value in enumerate(cells["photo"]):
        if not _filled(value):
            continue
        caption = cells["photo_caption"].iloc[position] if "photo_caption" in cells.columns else None
        credit = cells["photo_credit"].iloc[position] if "photo_credit" in cells.columns else None
        for name in (n.strip() for n in str(value).split(";")):
            if name:
                found.append({"asset_id": assets["id"].iloc[position], "row": int(rows.iloc[position]), "file": name,
                              "caption": caption if _filled(caption) else assets["name"].iloc[position],
                              "credit": credit if _filled(credit) else None})
    return pd.DataFrame(found)


def _in_the_files_words(problem: Problem, headers: dict[str, str]) -> Problem:
    """``problem`` with its column as the file names it (``bouwsteen``), and a building block's
    accepted values in the reader's words (``1 persoon, talent``, …) rather than the stored codes."""
    column = headers.get(problem.column, problem.column)
    params = dict(problem.params)
    if problem.code == "value_not_allowed" and problem.column == "building_block":
        params["allowed"] = Message(N_("allowed_building_blocks"))
    if column == problem.column and params == problem.params:
        return problem
    return Problem(problem.code, problem.fix, row=problem.row, column=column, **params)


def _activities(cells: pd.DataFrame, assets: gpd.GeoDataFrame | None, rows: pd.Series,
                problems: list[Problem]) -> pd.DataFrame:
    """The activities that rows name (``activiteit``, ``wanneer``, ...), checked, with their row's asset id.

    A problem names the row as in the file and the column by its Dutch header.
    """
    from assetmap.layers.activities import build_activities

    if cells.empty or assets is None:
        return pd.DataFrame()
    filled = cells.apply(lambda column: column.map(_filled)).any(axis=1).to_numpy()
    header = {field: name for name, field in (("activiteit", "activity"), ("wanneer", "activity_when"),
                                              ("activiteit_voor_wie", "activity_group"),
                                              ("activiteit_gratis", "activity_free"), ("inloop", "activity_walk_in"))}
    by_field = {target: header[column] for column, target in ACTIVITY_COLUMNS.items()}
    found = []
    for position in filled.nonzero()[0]:
        row, block = int(rows.iloc[position]), assets["building_block"].iloc[position]
        fields = {ACTIVITY_COLUMNS[c]: cells[c].iloc[position] for c in cells.columns if _filled(cells[c].iloc[position])}
        if block in ("individual", "story"):
            problems.append(Problem("activity_not_place", "fix_activity_place", row=row, column="activiteit",
                                    id=assets["name"].iloc[position], block=block))
            continue
        fields["asset_id"] = assets["id"].iloc[position]
        try:
            checked = build_activities(pd.DataFrame([fields]))
        except InputError as exc:
            for p in exc.problems:
                column = by_field.get(p.column, p.column)
                params = {k: (column if k == "name" and v == p.column else v) for k, v in p.params.items()}
                problems.append(Problem(p.code, p.fix, row=row, column=column, **params))
            continue
        found.append(checked.assign(row=row))
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame()


def _checked_headers(table: pd.DataFrame, notes: list[Problem]) -> pd.DataFrame:
    """``table`` with its headers renamed to fields; refused when too long, empty or missing a required field."""
    if len(table) > settings.MAX_IMPORT_ROWS:
        raise InputError("too_many_rows", "fix_split_table", rows=len(table), limit=settings.MAX_IMPORT_ROWS)
    table = _rename_headers(table, notes)
    missing = [f for f in REQUIRED_ASSET_FIELDS if f not in table.columns]
    if missing:
        unused = [p.column for p in notes if p.column]
        raise InputError([Problem("column_missing", "fix_add_column_alias_unused" if unused else "fix_add_column_alias",
                                  name=f, dutch=_DUTCH_HEADER.get(f, f), unused=", ".join(unused))
                          for f in missing])
    if table.empty:
        raise InputError("table_no_rows", "fix_add_rows")
    return table


#: Values of ``wheelchair`` as people write them.
_WHEELCHAIR_ALIASES = {"ja": "yes", "nee": "no", "beperkt": "limited", "yes": "yes", "no": "no", "limited": "limited"}


def _map_aliases(table: pd.DataFrame) -> None:
    """Put the values people write (building block, visibility, wheelchair) as their codes, in place."""
    for column, aliases in (("building_block", BUILDING_BLOCK_ALIASES), ("visibility", VISIBILITY_ALIASES),
                            ("wheelchair", _WHEELCHAIR_ALIASES)):
        if column in table.columns:
            table[column] = _map_values(table[column], aliases)


def _build(frame: gpd.GeoDataFrame, source: str, added_by: str | None, rows: pd.Series,
           problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """The assets of ``frame``, or None with their problems added to ``problems``."""
    try:
        return build_assets(frame, source=source, added_by=added_by, rows=rows)
    except InputError as exc:
        # A row whose location was already found wrong (an unknown buurt code, swapped
        # coordinates) does not also get "has no location": one problem, the real one.
        placed_wrong = {p.row for p in problems if p.column in ("lat", "x", "buurt_code", "grid", "grid_area")}
        problems.extend(p for p in exc.problems if not (p.code == "location_missing" and p.row in placed_wrong))
        return None


# ---------------------------------------------------------------------- readers
def _read_csv(raw: bytes, notes: list[Problem]) -> pd.DataFrame:
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" as Windows-1252; every byte decodes, so nothing is lost.
            text = raw.decode("cp1252", errors="replace")
            notes.append(Problem("not_utf8", "fix_check_accents"))
    if "\x00" in text:
        raise InputError("binary_data", "fix_save_csv_xlsx")
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] if sample else sample, delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False,
                            on_bad_lines="error")
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError("csv_unreadable", "fix_csv_separators_quote", error=exc) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError("csv_no_header", "fix_start_template") from exc
    if not isinstance(table.index, pd.RangeIndex):
        # pandas silently takes the first column as an index when rows have one value more than the
        # header, which shifts every value one column to the right: find the row and say so.
        width = None
        for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=sep), start=1):
            if width is None:
                width = len(record)
            elif record and len(record) != width:
                raise InputError("row_too_wide", "fix_extra_separator", row=number, values=len(record),
                                 columns=width, sep=sep)
        raise InputError("rows_too_wide", "fix_csv_separators")
    # Blank lines go, but every row keeps its position in the file, so problems name the right row.
    table = table[~(table.isna() | (table == "")).all(axis=1)]
    table.attrs["decimal_comma"] = sep == ";"
    return table


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unpacked = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
    except zipfile.BadZipFile as exc:
        raise InputError("xlsx_invalid", "fix_resave_xlsx", name=path.name) from exc
    if unpacked > settings.MAX_XLSX_UNCOMPRESSED_BYTES or unpacked / packed > 200:
        raise InputError("xlsx_too_large", "fix_save_table_only", name=path.name, size=unpacked // 2**20)
    try:
        return pd.read_excel(path, dtype=str, engine="openpyxl").fillna("")
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError("xlsx_unreadable", "fix_resave_xlsx", name=path.name, error=exc) from exc


def _read_geojson(raw: bytes) -> tuple[pd.DataFrame, list]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("geojson_unreadable", "fix_geojson_complete", error=exc) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or \
            not isinstance(data.get("features"), list):
        kind = data.get("type") if isinstance(data, dict) else Message(_JSON_KINDS[type(data)])
        raise InputError("geojson_not_collection", "fix_export_collection", kind=kind)
    crs_name = str(((data.get("crs") or {}).get("properties") or {}).get("name", ""))
    rd = "28992" in crs_name
    problems: list[Problem] = []
    records, geoms = [], []
    for number, feature in enumerate(data["features"], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        records.append({k: "" if v is None else str(v) for k, v in (props or {}).items()})
        try:
            geom = shape(feature["geometry"]) if feature.get("geometry") else None
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as exc:
            problems.append(Problem("geometry_unreadable", "fix_redraw_feature", row=number, column="geometry",
                                    error=exc))
            geom = None
        geoms.append(geom)
    if problems:
        raise InputError(problems)
    if rd:
        geoms = list(gpd.GeoSeries(geoms, crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS))
    return pd.DataFrame(records), geoms


# ---------------------------------------------------------------------- checks
def _normalise_header(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().strip().lower()
    for ch in " -/.()":
        text = text.replace(ch, "_")
    return "_".join(filter(None, text.split("_")))


def _rename_headers(table: pd.DataFrame, notes: list[Problem]) -> pd.DataFrame:
    # A column of special-category data is refused, not silently dropped: the people in the file
    # should know that it must not be collected at all (GDPR art. 9).
    forbidden = special_category_problems(table.columns)
    if forbidden:
        raise InputError(forbidden)
    mapping, seen = {}, {}
    for column in table.columns:
        key = HEADER_ALIASES.get(_normalise_header(column))
        if key is None:
            notes.append(Problem("column_unused", "fix_rename_column", column=str(column), name=column))
            continue
        if key in seen:
            raise InputError("columns_same_meaning", "fix_keep_one", first=seen[key], second=column, field=key)
        seen[key] = column
        mapping[column] = key
    out = table[list(mapping)].rename(columns=mapping)
    out.attrs = dict(table.attrs) | {"headers": {key: str(column) for column, key in mapping.items()}}
    return out


def _map_values(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    def one(value):
        if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
            return None
        return aliases.get(_normalise_header(str(value)), str(value).strip())
    # A column holds few distinct values: normalise each once, then put them in place in one step.
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([one(v) for v in distinct] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _numbers(values: pd.Series, decimal_comma: bool) -> pd.Series:
    text = values.astype("string").str.strip()
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text.replace("", pd.NA), errors="coerce")


@dataclass
class _Coordinates:
    """The four coordinate columns of a table as numbers, and which rows they place.

    Whole columns at once: the rows that are simply right (coordinates inside the Netherlands) are
    placed here; only the other rows go through the row-by-row checks of :func:`_locate`.
    """

    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    #: Column -> its cells as written, for the columns the table has.
    raw: dict[str, list]
    #: Column -> rows where a cell was written, but not as a number.
    not_numbers: dict[str, np.ndarray]
    has_lat_lon: np.ndarray
    lat_lon_ok: np.ndarray
    has_xy: np.ndarray
    xy_ok: np.ndarray

    @classmethod
    def read(cls, table: pd.DataFrame) -> _Coordinates:
        """The coordinates of ``table`` (``lat``, ``lon``, ``x``, ``y``; a missing column is all NaN)."""
        n = len(table)
        decimal_comma = bool(table.attrs.get("decimal_comma"))
        nothing = np.full(n, np.nan)
        parsed = {c: _numbers(table[c], decimal_comma).to_numpy(dtype="float64", na_value=np.nan)
                  if c in table.columns else nothing for c in ("lat", "lon", "x", "y")}
        lat, lon, x, y = parsed["lat"], parsed["lon"], parsed["x"], parsed["y"]
        lon_min, lat_min, lon_max, lat_max = settings.NL_BOUNDS_LONLAT
        x_min, y_min, x_max, y_max = settings.NL_BOUNDS_RD
        raw = {c: table[c].tolist() for c in ("lat", "lon", "x", "y") if c in table.columns}
        not_numbers = {c: np.array([bool(str(v).strip()) for v in values]) & np.isnan(parsed[c])
                       for c, values in raw.items()}
        has_lat_lon = ~np.isnan(lat) & ~np.isnan(lon)
        lat_lon_ok = has_lat_lon & (lon_min <= lon) & (lon <= lon_max) & (lat_min <= lat) & (lat <= lat_max)
        has_xy = ~has_lat_lon & ~np.isnan(x) & ~np.isnan(y)
        xy_ok = has_xy & (x_min <= x) & (x <= x_max) & (y_min <= y) & (y <= y_max)
        return cls(lat, lon, x, y, raw, not_numbers, has_lat_lon, lat_lon_ok, has_xy, xy_ok)

    def points(self) -> np.ndarray:
        """Points (EPSG:4326) of the rows whose coordinates are right, None for the others."""
        points = np.full(len(self.lat), None, dtype=object)
        ok, xy_ok = self.lat_lon_ok, self.xy_ok
        points[ok] = shapely.points(self.lon[ok], self.lat[ok])
        if xy_ok.any():
            points[xy_ok] = np.asarray(gpd.GeoSeries(gpd.points_from_xy(self.x[xy_ok], self.y[xy_ok]),
                                                     crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS).array,
                                       dtype=object)
        return points

    def unsure(self) -> np.ndarray:
        """Positions of the rows to check one by one: not placed, or with a cell that is no number."""
        unreadable = np.logical_or.reduce(list(self.not_numbers.values())) if self.not_numbers \
            else np.zeros(len(self.lat), dtype=bool)
        return np.nonzero(unreadable | ~(self.lat_lon_ok | self.xy_ok))[0]

    def not_a_number(self, i: int, row: int) -> list[Problem]:
        """The problems of row position ``i`` (numbered ``row``) for cells that are no number."""
        return [Problem("not_a_number", "fix_write_number", row=row, column=column, value=values[i])
                for column, values in self.raw.items() if self.not_numbers[column][i]]

    def pair_problem(self, i: int, row: int) -> Problem:
        """Why the full lat/lon or x/y pair of an unplaced row is wrong (swapped, the other system, outside)."""
        if self.has_lat_lon[i]:
            return _lat_lon_problem(row, float(self.lat[i]), float(self.lon[i]))
        return _xy_problem(row, float(self.x[i]), float(self.y[i]))

    def half_problem(self, i: int, row: int) -> Problem | None:
        """The problem of a row with only half a pair of coordinates; None for a row with none at all."""
        la, lo, xx, yy = float(self.lat[i]), float(self.lon[i]), float(self.x[i]), float(self.y[i])
        if not (np.isnan(la) and np.isnan(lo) and np.isnan(xx) and np.isnan(yy)):
            return Problem("half_coordinate", "fix_both_coordinates", row=row,
                           column="lat" if not (np.isnan(la) and np.isnan(lo)) else "x")
        return None  # no location at all; build_assets reports it


def _lat_lon_problem(row: int, la: float, lo: float) -> Problem:
    """Why a lat/lon pair outside the Netherlands is wrong: swapped, RD numbers, or just outside."""
    lon_min, lat_min, lon_max, lat_max = settings.NL_BOUNDS_LONLAT
    x_min, y_min, x_max, y_max = settings.NL_BOUNDS_RD
    if lon_min <= la <= lon_max and lat_min <= lo <= lat_max:
        return Problem("lat_lon_swapped", "fix_swap_lat_lon", row=row, column="lat", lat=la, lon=lo)
    if x_min <= la <= x_max and y_min <= lo <= y_max or x_min <= lo <= x_max and y_min <= la <= y_max:
        return Problem("lat_lon_rd", "fix_use_xy", row=row, column="lat", lat=la, lon=lo)
    return Problem("lat_lon_outside_nl", "fix_check_lat_lon", row=row, column="lat", lat=la, lon=lo)


def _xy_problem(row: int, xx: float, yy: float) -> Problem:
    """Why an RD x/y pair outside the Netherlands is wrong: degrees, or just outside."""
    lon_min, lat_min, lon_max, lat_max = settings.NL_BOUNDS_LONLAT
    if lon_min <= xx <= lon_max and lat_min <= yy <= lat_max or lon_min <= yy <= lon_max and lat_min <= xx <= lat_max:
        return Problem("xy_degrees", "fix_use_lat_lon", row=row, column="x", x=xx, y=yy)
    return Problem("xy_outside_nl", "fix_check_xy", row=row, column="x", x=xx, y=yy)


class _Places:
    """The other ways a row gives its place: a poster grid cell, or a buurt code.

    The boundaries in RD and their anchor points are made when a row first needs them.
    """

    def __init__(self, table: pd.DataFrame, boundaries: gpd.GeoDataFrame | None,
                 grid_cells: dict[int, str] | None):
        n = len(table)
        self.cells = table["grid"].tolist() if "grid" in table.columns else [None] * n
        self.grid_areas = table["grid_area"].tolist() if "grid_area" in table.columns else [None] * n
        self.buurt = table["buurt_code"].astype("string").str.strip().str.upper().tolist() \
            if "buurt_code" in table.columns else [None] * n
        self.boundaries = boundaries
        self.grid_cells = grid_cells
        self.grids: dict[str, PosterGrid | None] = {}

    @functools.cached_property
    def metric(self) -> gpd.GeoDataFrame | None:
        """The boundaries in RD, or None without any."""
        return self.boundaries.to_crs(settings.METRIC_CRS) \
            if self.boundaries is not None and not self.boundaries.empty else None

    @functools.cached_property
    def anchors(self) -> dict:
        """Boundary code -> its representative point (EPSG:4326)."""
        areas = self.metric
        return {} if areas is None else dict(zip(
            areas["code"], areas.geometry.representative_point().to_crs(settings.STORAGE_CRS)))

    def has_cell(self, i: int) -> bool:
        """Whether row position ``i`` names a grid cell."""
        return _filled(self.cells[i])

    def has_buurt(self, i: int) -> bool:
        """Whether row position ``i`` names a buurt code."""
        return self.buurt[i] is not None and self.buurt[i] is not pd.NA

    def grid_point(self, i: int, row: int, problems: list[Problem]):
        """The centre of row position ``i``'s grid cell, or None with a problem."""
        return _grid_point(self.cells[i], self.grid_areas[i], self.metric, self.grids, row, problems,
                           self.grid_cells)

    def buurt_point(self, i: int, row: int, problems: list[Problem]):
        """The anchor point of row position ``i``'s buurt, or None with a problem."""
        point = self.anchors.get(self.buurt[i])
        if point is None:
            problems.append(Problem("buurt_unknown", "fix_check_buurt_code" if self.anchors else "fix_import_buurten",
                                    row=row, column="buurt_code", code=self.buurt[i]))
        return point


def _locate(table: pd.DataFrame, rows: pd.Series, boundaries: gpd.GeoDataFrame | None,
            problems: list[Problem], grid_cells: dict[int, str] | None = None) -> list:
    """A point (EPSG:4326) or None for every row of ``table``, with the problems of the rows that give
    their place wrongly; rows placed by a poster grid cell are noted in ``grid_cells``."""
    coordinates = _Coordinates.read(table)
    points = coordinates.points()
    unsure = coordinates.unsure()
    if not len(unsure):
        return list(points)
    places = _Places(table, boundaries, grid_cells)
    row_numbers = rows.tolist()
    for i in unsure.tolist():
        row = int(row_numbers[i])
        problems.extend(coordinates.not_a_number(i, row))
        if coordinates.lat_lon_ok[i] or coordinates.xy_ok[i]:
            continue  # placed above; only an unreadable cell of the other pair was to report
        if coordinates.has_lat_lon[i] or coordinates.has_xy[i]:
            problems.append(coordinates.pair_problem(i, row))
        elif places.has_cell(i):
            points[i] = places.grid_point(i, row, problems)
        elif places.has_buurt(i):
            points[i] = places.buurt_point(i, row, problems)
        elif (half := coordinates.half_problem(i, row)) is not None:
            problems.append(half)
    return list(points)


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and str(value).strip() != ""


def _grid_point(cell, area, metric: gpd.GeoDataFrame | None, grids: dict, row: int, problems: list[Problem],
                grid_cells: dict[int, str] | None):
    """The centre of a poster grid cell (EPSG:4326), or None with a problem."""
    label = parse_cell(cell)
    if label is None:
        problems.append(Problem("grid_cell_invalid", "fix_grid_cell", row=row, column="grid", value=str(cell).strip(),
                                last=GRID_COLUMNS[-1], rows=GRID_ROWS))
        return None
    if not _filled(area):
        problems.append(Problem("grid_area_missing", "fix_grid_area", row=row, column="grid_area"))
        return None
    code = str(area).strip().upper()
    if code not in grids:
        found = area_of(metric, code) if metric is not None else None
        grids[code] = poster_grid(found[2].bounds) if found else None
    grid = grids[code]
    if grid is None:
        problems.append(Problem("grid_area_unknown", "fix_grid_area" if metric is not None else "fix_import_buurten",
                                row=row, column="grid_area", code=code))
        return None
    if grid_cells is not None:
        grid_cells[row] = label
    x, y = grid.cell_centre(label)
    return gpd.GeoSeries([shapely.Point(x, y)], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS).iloc[0]


def _check_inside(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, rows: pd.Series,
                  problems: list[Problem]) -> None:
    """Points outside every boundary of the workspace are mistakes more often than not."""
    geoms = frame.geometry.array
    present = pd.Series(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms), index=frame.index)
    if not present.any():
        return
    area = boundaries.to_crs(settings.METRIC_CRS).union_all().buffer(50)
    shapely.prepare(area)  # thousands of points against one polygon
    metric = frame.geometry[present].to_crs(settings.METRIC_CRS)
    outside = ~shapely.intersects(area, np.asarray(metric.array, dtype=object))  # the prepared one first
    for pos in np.nonzero(present.to_numpy())[0][outside]:
        problems.append(Problem("outside_workspace", "fix_check_or_import_area", row=int(rows.iloc[pos]),
                                column="geometry"))
