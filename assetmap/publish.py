"""The resident map as a static site: ``index.html``, the data, Leaflet and the icons, nothing else.

A visit to the site touches no Python and no workspace: a gemeente or a bewonersorganisatie puts
the folder on any web server (or opens ``index.html`` from disk) and it holds up however many
people come. What the site holds is what ``assetmap export --public`` holds and nothing more:
:func:`publish_site` opens the workspace as the ``public`` actor, so every read (assets, links,
meeting places, coverage) goes through :func:`assetmap.privacy.public_view` in the service, and no
private or group entry, contact detail or pseudonym can reach a file it writes.

Files written (see :data:`SITE_FILES`):

* ``index.html``, ``site.css`` and ``site.js``: the page, from the templates in ``assetmap/site``;
* ``data.js``: the public view and the texts in Dutch and English, as a script that sets
  ``window.ASSETMAP_SITE`` (a browser will not ``fetch`` a local JSON file from ``file://``);
* ``assets.geojson``: the same assets as ``export --public`` writes them, for reuse;
* ``leaflet/``: the vendored Leaflet (``static/leaflet``); ``icons/``: one SVG per building block;
* ``fonts-ar.css``: the Arabic font (:mod:`assetmap.fonts`) for a page in Arabic; ``fonts/OFL.txt``;
* ``agenda.ics`` and ``agenda/<CBS code>.ics``: the public activities as calendar feeds (the
  whole site, and per area), which the page links as "zet in je agenda";
* ``photos/``: the thumbnails of the approved photos of the public entries (``<id>.jpg``, as stored:
  no metadata), which the popups and the list show with their caption as ``alt`` text;
* ``.assetmap-site.json``: the marker that says the folder is a publication (so a later
  publication may replace it, and nothing else is ever replaced).

Publishing is atomic: the site is written to a temporary folder beside the target and swapped in
with two renames, so a visitor sees the old site or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import __version__, export, maps, settings
from assetmap._site_coverage import site_coverage
from assetmap._site_languages import only_languages, site_languages
from assetmap._site_records import asset_records, story_records
from assetmap.basemap import OFFLINE_STYLE, workspace_geojson
from assetmap.errors import InputError
from assetmap.files import is_workspace_file
from assetmap.fonts import FONT_DIR, arabic_font_css
from assetmap.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    block_label,
    category_label,
    direction,
    t,
    use_block_labels,
)
from assetmap.layers import categories, opening
from assetmap.layers.assets import meeting_places
from assetmap.layers.freshness import checked_on, is_stale
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.leaflet import json_for_script
from assetmap.messages import N_
from assetmap.numbers import day as written_day
from assetmap.service import Actor, open_workspace, policy

__all__ = [
    "SITE_TEMPLATES",
    "LEAFLET_DIR",
    "MARKER",
    "SITE_FORMAT",
    "SITE_FILES",
    "CANVAS_FROM",
    "TILE_URL",
    "SITE_TEXTS",
    "PublishReport",
    "publish_site",
    "check_target",
    "is_publication",
    "site_data",
    "badge_svg",
    "render_index",
    "glob_escape",
]

#: The templates of the page (copied or filled in when publishing).
SITE_TEMPLATES = Path(__file__).resolve().parent / "site"
#: Leaflet as the app serves it (``static/leaflet`` in the repository, BSD-2).
LEAFLET_DIR = Path(__file__).resolve().parent.parent / "static" / "leaflet"
#: The marker file of a publication: a folder holding it may be replaced by the next publication.
MARKER = ".assetmap-site.json"
#: Format of a publication (in the marker); raise it when the layout of the folder changes.
SITE_FORMAT = 1
#: The files and folders of a publication, besides :data:`MARKER`.
SITE_FILES: tuple[str, ...] = ("index.html", "site.css", "site.js", "data.js", "assets.geojson", "leaflet", "icons",
                               "agenda.ics", "agenda", "photos", "fonts-ar.css", "fonts")
#: From this many assets on, the map draws circles on one canvas instead of one element per marker
#: (keyboard users then open the places from the list, which holds the same content).
CANVAS_FROM: int = 2000
#: Background tiles: the one request the site makes outside its own folder.
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_TMP_PREFIX, _OLD_PREFIX = ".publishing-", ".replaced-"

#: The texts the page shows, looked up in every language of :data:`assetmap.i18n.LANGUAGES` when publishing
#: (``data.js``); each is one of :data:`assetmap.i18n.RESIDENT_CODES`.
SITE_TEXTS: tuple[str, ...] = (
    N_("map_title"), N_("map_intro"), N_("search"), N_("filter_blocks"), N_("filter_categories"),
    N_("filter_areas"), N_("shown"), N_("legend_meeting_place"), N_("meeting_place"),
    N_("opening_hours"), N_("operator"), N_("story_date"), N_("wheelchair"), N_("wheelchair_yes"),
    N_("wheelchair_limited"), N_("wheelchair_no"), N_("free_entry"), N_("yes"), N_("no"), N_("stories_here"),
    N_("linked_with"), N_("link_works_with"), N_("link_could_work_with"), N_("link_part_of"),
    N_("link_located_at"), N_("link_story_about"), N_("link_other"), N_("name"), N_("category"), N_("area"),
    N_("map_list"), N_("layer_meeting"), N_("col_population"), N_("col_covered"),
    N_("col_uncovered"), N_("col_pct"), N_("col_median"), N_("page_map"),
    N_("site_skip_list"), N_("site_skip_map"), N_("site_language"), N_("shown_in_dutch"), N_("content_language_note"),
    N_("site_agenda_link"), N_("site_last_checked"), N_("site_not_checked_recently"), N_("site_all_categories"), N_("site_all_areas"), N_("site_clear_filters"), N_("site_show_on_map"),
    N_("site_show_more"), N_("site_no_results"), N_("site_stories_title"),
    N_("site_no_stories"), N_("site_story_about"), N_("site_no_meeting_places"), N_("site_coverage_title"),
    N_("site_more_filters"), N_("site_coverage_none"), N_("site_coverage_details"), N_("site_updated"),
    N_("site_download"), N_("site_close"), N_("site_zoom_in"), N_("site_zoom_out"), N_("site_sections"),
    N_("site_map_hint"), N_("site_map_hint_many"), N_("site_filters_title"), N_("site_photo_credit"),
    # When open and near me (filters of the resident map; the same texts as the app's).
    N_("filter_open"), N_("site_when_choice"), N_("filter_when_any"), N_("filter_when_now"), N_("filter_when_on"),
    N_("filter_day"), N_("filter_part"), N_("weekday_mo"), N_("weekday_tu"), N_("weekday_we"), N_("weekday_th"),
    N_("weekday_fr"), N_("weekday_sa"), N_("weekday_su"), N_("part_morning"), N_("part_afternoon"),
    N_("part_evening"), N_("part_day"), N_("open_now_at"), N_("open_on_window"), N_("open_unknown_list"),
    N_("hours_unknown_hint"), N_("site_near_title"), N_("site_near_locate"), N_("site_near_street"),
    N_("filter_distance"), N_("distance_m"), N_("distance_km_exact"), N_("site_near_privacy"),
    N_("site_near_sorted"), N_("near_not_found"), N_("site_near_my_location"), N_("site_near_no_location")
)


@dataclass
class PublishReport:
    """What :func:`publish_site` wrote.

    Parameters
    ----------
    out_dir : pathlib.Path
        The folder of the site.
    assets : int
        Public assets on the map.
    files : int
        Files written.
    size_bytes : int
        Total size of the files.
    coverage : bool
        Whether the coverage summary is in the site (it needs a walking network and population).
    """

    out_dir: Path
    assets: int
    files: int
    size_bytes: int
    coverage: bool

    @property
    def index(self) -> Path:
        """The page to open: ``out_dir / "index.html"``."""
        return self.out_dir / "index.html"


def publish_site(workspace: str | os.PathLike, out_dir: str | os.PathLike, *, area: str | None = None,
                 lang: str = "nl", minutes: float | None = None, force: bool = False,
                 languages: Sequence[str] | None = None) -> PublishReport:
    """Write the resident map of a workspace as a static site into ``out_dir``, atomically.

    The workspace is opened as the ``public`` actor, so the site is built from
    :func:`assetmap.privacy.public_view` only (as ``export --public``). The site is written into a
    temporary folder beside ``out_dir`` and renamed into place; a previous publication there is
    moved away first and deleted after. Two publications into the same folder take turns.

    Parameters
    ----------
    workspace : path-like
        The workspace file (``.gpkg``).
    out_dir : path-like
        The folder of the site. It may be missing, empty, or a previous publication (it holds
        :data:`MARKER`); its parent folder must exist.
    area : str, optional
        A CBS wijk or buurt code (``WK050328``, ``BU05032801``): publish only that area.
    lang : str
        The language the page opens in (one of :data:`assetmap.i18n.LANGUAGES`); buttons switch to the others.
    minutes : float, optional
        Walking minutes that count as "in reach" in the coverage summary; default
        ``settings.COVERAGE_MINUTES``, read when the function runs.
    force : bool
        Also publish into a folder that holds other files: they are kept (copied into the new
        site), the site's own files replaced. Never into a folder that holds a workspace.
    languages : sequence of str, optional
        The languages the site offers, ``lang`` among them (:mod:`assetmap._site_languages`); default all.

    Returns
    -------
    PublishReport
        The folder, the number of assets and files, the size and whether coverage is included.

    Raises
    ------
    InputError
        ``out_dir`` is a file, holds files of its own (``publish_folder_not_empty``) or its parent
        is missing; ``area`` is not a wijk or buurt of the workspace; Leaflet is missing; ``languages``
        has an unknown code or lacks ``lang``.
    WorkspaceError
        The workspace cannot be opened.
    """
    out = Path(out_dir).expanduser().absolute()
    offered = site_languages(languages)
    lang = lang if lang in LANGUAGES else "nl"
    if lang not in offered:
        raise InputError("publish_lang_not_offered", "fix_publish_lang_not_offered", lang=lang,
                         languages=", ".join(offered))
    check_target(out, force=force)
    if not (LEAFLET_DIR / "leaflet.js").is_file():
        raise InputError("publish_leaflet_missing", "fix_publish_leaflet", path=LEAFLET_DIR)
    with open_workspace(workspace, Actor(None, "public")) as ws:
        use_block_labels(ws.labels())  # the workspace's own names ("Talenten") on the site
        data = only_languages(site_data(ws, area=area, lang=lang, minutes=minutes), offered)
        with _lock(out.parent):
            check_target(out, force=force)  # again, under the lock: another publication may have come first
            _clean_leftovers(out)
            tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}{_TMP_PREFIX}", dir=out.parent))
            os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a web server must read the site
            try:
                _write_site(ws, tmp, data)
                if force and out.is_dir():
                    _carry_over(out, tmp)
                _write_agenda(ws, tmp, data, area)
                files, size = _folder_size(tmp)
                _swap(tmp, out)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
    return PublishReport(out, len(data["assets"]), files, size, data["coverage"] is not None)


def check_target(out: str | os.PathLike, *, force: bool = False) -> None:
    """Refuse a target that is not a folder assetmap may fill: missing, empty or a previous publication.

    Parameters
    ----------
    out : path-like
        The folder of the site.
    force : bool
        Also accept a folder that holds other files (they are kept), unless it holds a workspace.

    Raises
    ------
    InputError
        Its parent folder is missing (``folder_missing``), it is a file (``publish_not_folder``), or
        it holds files and no :data:`MARKER` of a previous publication (``publish_folder_not_empty``),
        or it is a previous publication that also holds files assetmap did not write
        (``publish_folder_has_other_files``), or it holds a workspace (``target_holds_workspace``,
        also with ``force``: publishing replaces the folder).
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError("folder_missing", "fix_create_it_first", path=out.parent)
    if out.exists() and not out.is_dir():
        raise InputError("publish_not_folder", "fix_publish_choose_folder", path=out)
    if out.is_dir() and any(out.iterdir()):
        held = next((p for p in out.rglob("*") if is_workspace_file(p)), None)
        if held is not None:
            raise InputError("target_holds_workspace", "fix_target_other_folder", path=out,
                             workspace=held.relative_to(out))
        if force:
            return
        if not is_publication(out):
            raise InputError("publish_folder_not_empty", "fix_publish_choose_folder", path=out)
        # Replacing the folder would delete whatever someone put into it since: refuse that too.
        others = sorted(p.name for p in out.iterdir() if p.name not in SITE_FILES + (MARKER,))
        if others:
            raise InputError("publish_folder_has_other_files", "fix_publish_move_files", path=out,
                             names=", ".join(others[:5]) + (", …" if len(others) > 5 else ""))


def is_publication(folder: str | os.PathLike) -> bool:
    """Whether ``folder`` holds a site that assetmap published (its :data:`MARKER` says so).

    Parameters
    ----------
    folder : path-like
        A folder.

    Returns
    -------
    bool
        True when the marker file is there and names assetmap and a format number.
    """
    try:
        marker = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("generator") == "assetmap" and isinstance(marker.get("format"), int)


# ---------------------------------------------------------------------- the data
def site_data(ws, *, area: str | None = None, lang: str = "nl", minutes: float | None = None) -> dict:
    """Everything the page shows, as JSON-ready data (the content of ``data.js``).

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace, opened as the ``public`` actor (``open_workspace(path, Actor(None, "public"))``):
        the assets are read with :func:`assetmap.export.assets_for_export` (the public view).
    area : str, optional
        A wijk or buurt code: keep only that area, its buurten and the assets in it.
    lang : str
        The language the page opens in (one of :data:`assetmap.i18n.LANGUAGES`).
    minutes : float, optional
        Walking minutes for the coverage summary (default ``settings.COVERAGE_MINUTES``).

    Returns
    -------
    dict
        ``lang``, ``texts`` (code -> {nl, en}), ``blocks``, ``categories``, ``areas``, ``level``,
        ``assets`` (compact records, coordinates rounded to :data:`assetmap.maps.COORD_DECIMALS`),
        ``stories``, ``meeting_places`` (indices into ``assets``), ``boundaries`` (GeoJSON,
        simplified in RD New), ``bounds``, ``coverage`` (or None), ``attribution``, ``tiles``,
        ``basemap`` and ``basemap_style`` (streets, water and green from the workspace's OSM data,
        drawn until a background tile loads: the map needs no tile server offline),
        ``canvas_from``, ``published``; ``week`` (the Monday of the week whose opening times the
        records hold) and ``streets`` (``[name, lat, lon]`` per street name of the workspace, for
        "bij mij in de buurt" without any online look-up).

    Raises
    ------
    InputError
        ``area`` is not a wijk or buurt code of the workspace.
    """
    actor = getattr(ws, "actor", None)
    if actor is not None and not policy.sees_public_view(actor):
        # Only the public actor's reads are public output; a coordinator's ws would read everything.
        raise InputError("publish_not_public", "fix_publish_public")
    assets = export.assets_for_export(ws, public=True)
    boundaries = ws.boundaries()
    links = ws.links()
    area_name, boundaries, assets = _limit_to_area(area, boundaries, assets)
    assets = assets[assets.geometry.notna() & ~assets.geometry.is_empty].reset_index(drop=True)
    level = "buurt" if len(boundaries) and (boundaries["level"] == "buurt").any() else "wijk"
    shown_areas = boundaries[boundaries["level"] == level] if len(boundaries) else boundaries
    stories, linked = maps.related_entries(assets, links)
    places = set(meeting_places(assets, categories.meeting_place_categories(), public_only=True)["id"]) \
        if len(assets) else set()
    records = asset_records(assets, level, stories, linked, places)
    _add_checked(records, assets, ws.stale_months())
    week = opening.local_now().date()
    _add_week_hours(records, assets, ws.activities(), week)
    _add_photos(records, ws)
    index = {r["i"]: k for k, r in enumerate(records)}
    present_categories = sorted({r["c"] for r in records if r.get("c")})
    return {
        "lang": lang,
        "languages": [{"code": x, "name": LANGUAGE_NAMES[x], "dir": direction(x)} for x in LANGUAGES],
        "generator": f"assetmap {__version__}",
        "published": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "published_day": {language: written_day(opening.local_now().date(), language) for language in LANGUAGES},
        "texts": {code: {language: t(code, language) for language in LANGUAGES} for code in SITE_TEXTS}
        | {level_code: {language: t(level_code, language) for language in LANGUAGES} for level_code in ("buurt", "wijk")},
        "area_name": area_name,
        "level": level,
        "blocks": [{"key": block, "color": _colour(block), "label": {x: block_label(block, x) for x in LANGUAGES},
                    "icon": f"icons/{block}.svg", "icon_meeting": f"icons/{block}-meeting.svg"}
                   for block in ENTRY_KINDS],
        "categories": {c: {x: category_label(c, x) for x in LANGUAGES} for c in present_categories},
        "areas": sorted(({"code": str(c), "name": str(n)} for c, n in
                         zip(shown_areas["code"], shown_areas["name"].astype(object)) if maps.plain_text(c)),
                        key=lambda a: a["name"]) if len(shown_areas) else [],
        "assets": records,
        "stories": story_records(assets, index),
        "meeting_places": sorted((index[i] for i in places if i in index), key=lambda k: records[k]["n"].lower()),
        "boundaries": _boundary_features(boundaries),
        "bounds": _bounds(assets if len(assets) else boundaries),
        "coverage": site_coverage(ws, boundaries, minutes, area),
        "attribution": f"{settings.OSM_ATTRIBUTION} | {settings.CBS_ATTRIBUTION}",
        "tiles": TILE_URL,
        "basemap": _basemap(ws, boundaries),
        "basemap_style": OFFLINE_STYLE,
        "canvas_from": CANVAS_FROM,
        "week": (week - timedelta(days=week.weekday())).isoformat(),
        "streets": _streets(ws),
    }


def _limit_to_area(area, boundaries: gpd.GeoDataFrame, assets: gpd.GeoDataFrame):
    """The area's name, and the boundaries and assets inside it (everything when ``area`` is None)."""
    if not area:
        return None, boundaries, assets
    code = str(area).strip().upper()
    chosen = boundaries[(boundaries["code"].astype(object) == code).to_numpy()] if len(boundaries) else boundaries
    chosen = chosen[chosen["level"].isin(["wijk", "buurt", "gemeente"]).to_numpy()] if len(chosen) else chosen
    if not len(chosen):
        examples = ", ".join(sorted(str(c) for c in boundaries["code"].dropna())[:3]) if len(boundaries) else "-"
        raise InputError("publish_area_unknown", "fix_publish_area", code=code, examples=examples)
    shape = chosen.to_crs(settings.METRIC_CRS).geometry.union_all().buffer(1.0)
    inside = boundaries.to_crs(settings.METRIC_CRS).representative_point().within(shape).to_numpy()
    points = maps.display_points(assets).to_crs(settings.METRIC_CRS) if len(assets) else None
    keep = np.zeros(len(assets), dtype=bool)
    if len(assets):
        keep = np.array(points.within(shape).fillna(False), dtype=bool)
        for column in ("buurt_code", "wijk_code"):
            if column in assets.columns:
                keep = keep | np.array((assets[column] == code).fillna(False), dtype=bool)
    return str(chosen["name"].iloc[0]), boundaries[inside], assets[keep]


def _add_checked(records: list[dict], assets: gpd.GeoDataFrame, months: int) -> None:
    """Add ``lc``, the day each entry was last checked ("laatst gecontroleerd"), and ``ls`` = 1 where
    that is longer ago than the workspace's limit: shown as such on the page, never hidden."""
    if not len(assets):
        return
    today = opening.local_now().date()
    columns = [assets[c] if c in assets else pd.Series(None, index=assets.index)
               for c in ("last_checked", "updated_at", "created_at")]
    checked = {str(i): checked_on(*(maps.plain_text(v) for v in values))
               for i, *values in zip(assets["id"], *columns)}
    for record in records:
        day = checked.get(record["i"])
        if day:
            record["lc"] = day
        if is_stale(day, today, months):
            record["ls"] = 1


def _add_photos(records: list[dict], ws) -> None:
    """Add ``ph`` (``[file, caption, credit]`` per photo) to the records of entries with approved
    public photos; the photos are read as the public reads them, whatever actor ``ws`` has."""
    photos = ws.photos(actor=Actor(None, "public"))
    if photos.empty:
        return
    by_entry: dict[str, list] = {}
    for row in photos.itertuples():
        by_entry.setdefault(row.asset_id, []).append(
            [f"photos/{row.id}.jpg", maps.plain_text(row.caption), maps.plain_text(row.credit)])
    for record in records:
        if record["i"] in by_entry:
            record["ph"] = by_entry[record["i"]]


def _add_week_hours(records: list[dict], assets: gpd.GeoDataFrame, activities: pd.DataFrame, week: date) -> None:
    """Add the opening times of one week to the records, as minutes since Monday 00:00 (computed here,
    so the page never parses OSM syntax): ``h`` the entry's own hours (left out when unknown), ``ah``
    the times its public activities run."""
    if not records:
        return
    hours_of = dict(zip(assets["id"].astype(object), assets["opening_hours"].astype(object))) \
        if "opening_hours" in assets.columns else {}
    runs: dict[str, list] = {}
    if activities is not None and len(activities):
        for asset_id, recurring in zip(activities["asset_id"], activities["recurring_time"]):
            found = opening.week_minutes(recurring, week)
            if found:
                runs.setdefault(asset_id, []).extend(found)
    for record in records:
        own = opening.week_minutes(hours_of.get(record["i"]), week)
        if own is not None:
            record["h"] = own
        if runs.get(record["i"]):
            record["ah"] = sorted(runs[record["i"]])


def _streets(ws) -> list[list]:
    """Street names with one point each (the workspace's OSM walking ways), rounded like the assets."""
    streets = ws.streets()
    if not len(streets):
        return []
    d = maps.COORD_DECIMALS
    return [[maps.plain_text(name), round(point.y, d), round(point.x, d)]
            for name, point in zip(streets["name"], streets.geometry.to_crs(settings.STORAGE_CRS))
            if maps.plain_text(name) and point is not None and not point.is_empty]


def _boundary_features(boundaries: gpd.GeoDataFrame) -> dict:
    """Wijk and buurt outlines, simplified in RD New and rounded, as a GeoJSON FeatureCollection."""
    features = []
    if len(boundaries):
        outlines = boundaries[boundaries["level"].isin(["wijk", "buurt"]).to_numpy()]
        simple = maps.display_boundaries(outlines)
        for level, name, geom in zip(outlines["level"], outlines["name"].astype(object), simple.geometry):
            if geom is None or geom.is_empty:
                continue
            geom = shapely.set_precision(geom, 10 ** -maps.COORD_DECIMALS)
            features.append({"type": "Feature", "properties": {"n": maps.plain_text(name), "w": 2 if level == "wijk" else 1},
                             "geometry": json.loads(shapely.to_geojson(geom))})
    return {"type": "FeatureCollection", "features": features}


def _bounds(frame: gpd.GeoDataFrame) -> list | None:
    if frame is None or not len(frame):
        return None
    geoms = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
    if not len(geoms):
        return None
    minx, miny, maxx, maxy = geoms.to_crs(settings.STORAGE_CRS).total_bounds
    if not all(np.isfinite([minx, miny, maxx, maxy])):
        return None
    d = maps.COORD_DECIMALS
    return [[round(miny, d), round(minx, d)], [round(maxy, d), round(maxx, d)]]


def _basemap(ws, boundaries: gpd.GeoDataFrame) -> dict:
    """The offline base map (:func:`assetmap.basemap.workspace_geojson`), within the site's areas' bounds
    and a margin (``settings.SITE_BASEMAP_MARGIN_M``) when the site is about some of the workspace's areas."""
    if not len(boundaries):
        return workspace_geojson(ws)
    margin = boundaries.to_crs(settings.METRIC_CRS).geometry.union_all().buffer(settings.SITE_BASEMAP_MARGIN_M)
    bbox = gpd.GeoSeries([margin], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS).total_bounds
    return workspace_geojson(ws, tuple(float(v) for v in bbox))


# ---------------------------------------------------------------------- writing
def _write_site(ws, folder: Path, data: dict) -> None:
    """Every file of the site into ``folder`` (a fresh, empty temporary folder)."""
    lang = data["lang"]
    (folder / "data.js").write_text(
        "window.ASSETMAP_SITE = " + json_for_script(data, allow_nan=False) + ";\n", encoding="utf-8")
    export.export_assets(ws, folder / "assets.geojson", public=True)
    for name in ("site.css", "site.js"):
        shutil.copyfile(SITE_TEMPLATES / name, folder / name)
    shutil.copytree(LEAFLET_DIR, folder / "leaflet")
    # The Arabic font, embedded (site.js links it only when the page is in Arabic), and its licence.
    (folder / "fonts-ar.css").write_text(arabic_font_css(), encoding="utf-8")
    (folder / "fonts").mkdir()
    shutil.copyfile(FONT_DIR / "OFL.txt", folder / "fonts" / "OFL.txt")
    shown_photos = [p[0] for r in data["assets"] for p in r.get("ph", ())]
    if shown_photos:
        (folder / "photos").mkdir()
        for name in shown_photos:  # the thumbnail: the site's size budget holds with many photos
            image = ws.photo_image(Path(name).stem, thumbnail=True, actor=Actor(None, "public"))
            if image is not None:
                (folder / name).write_bytes(image)
    icons = folder / "icons"
    icons.mkdir()
    for block in data["blocks"]:
        for meeting in (False, True):
            name = f"{block['key']}{'-meeting' if meeting else ''}.svg"
            (icons / name).write_text(badge_svg(block["key"], meeting), encoding="utf-8")
    (folder / "index.html").write_text(render_index(data), encoding="utf-8")
    (folder / MARKER).write_text(json.dumps({"generator": "assetmap", "version": __version__,
                                             "format": SITE_FORMAT, "published": data["published"],
                                             "lang": lang, "assets": len(data["assets"])}, indent=1),
                                 encoding="utf-8")


def _write_agenda(ws, folder: Path, data: dict, area: str | None) -> None:
    """``agenda.ics`` (every public activity of the site) and ``agenda/<code>.ics`` per area shown:
    calendar feeds a phone subscribes to (:func:`assetmap.agenda.agenda_ics`), from public reads only."""
    from assetmap.agenda import AREA_ICS_FOLDER, ICS_NAME, agenda_ics

    lang = data["lang"]
    activities, assets = ws.activities(), ws.assets()  # the public actor's view (publish_site opens it so)
    whole = data.get("area_name") or t("map_title", lang)
    (folder / ICS_NAME).write_bytes(agenda_ics(activities, assets, area=area, lang=lang,
                                               title=t("agenda_calendar_name", lang, area=whole)))
    (folder / AREA_ICS_FOLDER).mkdir()
    for shown in data["areas"]:
        (folder / AREA_ICS_FOLDER / f"{shown['code']}.ics").write_bytes(agenda_ics(
            activities, assets, area=shown["code"], lang=lang,
            title=t("agenda_calendar_name", lang, area=shown["name"])))


def badge_svg(block: str, meeting: bool = False) -> str:
    """The marker of a building block as a standalone SVG: the white icon on a disc of the block's colour.

    Parameters
    ----------
    block : str
        A building block (``individual``, ``association``, ...).
    meeting : bool
        The meeting-place form: a thick black ring, as on the app's map.

    Returns
    -------
    str
        An SVG document (24 × 24 view box); colours from :data:`assetmap.maps.BLOCK_STYLE`.
    """
    found = re.search(r"d='([^']*)'", maps.icon_svg(block))
    path = f"<path fill='#fff' transform='translate(4.6 4.6) scale(.62)' d='{found.group(1)}'/>" if found else ""
    ring = "<circle cx='12' cy='12' r='10.25' fill='none' stroke='#000' stroke-width='3.5'/>" if meeting else \
        "<circle cx='12' cy='12' r='11' fill='none' stroke='#fff' stroke-width='2'/>"
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'>"
            f"<circle cx='12' cy='12' r='12' fill='{_colour(block)}'/>{path}{ring}</svg>\n")


def render_index(data: dict) -> str:
    """``index.html`` in the opening language, from ``assetmap/site/index.html``.

    Every ``{{code}}`` in the template becomes the escaped text of ``code`` in ``data["lang"]``;
    the page switches language itself from the texts in ``data.js``.

    Parameters
    ----------
    data : dict
        The result of :func:`site_data`.

    Returns
    -------
    str
        The HTML.
    """
    lang = data["lang"]
    texts = data["texts"]
    template = (SITE_TEMPLATES / "index.html").read_text(encoding="utf-8")
    title = texts["map_title"][lang] + (f": {data['area_name']}" if data.get("area_name") else "")
    # The map's hint is in the page from the start (site.js sets the same text), so it shifts nothing.
    hint = "site_map_hint_many" if len(data["assets"]) >= data["canvas_from"] else "site_map_hint"
    values = {"lang": lang, "dir": direction(lang), "title": title, "attribution": data["attribution"],
              "map_hint": texts[hint][lang]}

    markup = {"block_options": _block_options(data)}

    def fill(match: re.Match) -> str:
        key = match.group(1)
        if key in markup:
            return markup[key]
        if key in values:
            return html.escape(str(values[key]))
        return html.escape(texts[key][lang]) if key in texts else match.group(0)

    return re.sub(r"\{\{(\w+)\}\}", fill, template)


def _block_options(data: dict) -> str:
    """The building-block checkboxes as site.js draws them, in the page from the start (no layout shift)."""
    lang = data["lang"]
    counts = [0] * len(data["blocks"])
    for record in data["assets"]:
        counts[record["b"]] += 1
    esc = html.escape
    return "".join(
        f'<label class="check" for="block-{esc(b["key"])}"><input type="checkbox" id="block-{esc(b["key"])}" '
        f'value="{esc(b["key"])}" checked><img src="{esc(b["icon"])}" alt="" width="20" height="20">'
        f'{esc(b["label"][lang])} ({count})</label>'
        for b, count in zip(data["blocks"], counts))


@contextlib.contextmanager
def _lock(folder: Path):
    """Hold an exclusive lock on ``folder`` (the parent of the site) while publishing; no lock file."""
    try:
        import fcntl
    except ImportError:  # Windows: publications are not expected to overlap there
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _clean_leftovers(out: Path) -> None:
    """Remove what a publication killed midway left beside ``out`` (only ours: by their prefix)."""
    for prefix in (_TMP_PREFIX, _OLD_PREFIX):
        for leftover in out.parent.glob(f".{glob_escape(out.name)}{prefix}*"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)


def glob_escape(name: str) -> str:
    """``name`` with the glob characters ``*?[`` taken literally.

    Parameters
    ----------
    name : str
        A file name.

    Returns
    -------
    str
        The name for :meth:`pathlib.Path.glob`.
    """
    return re.sub(r"([*?\[])", r"[\1]", name)


def _carry_over(out: Path, new: Path) -> None:
    """Copy what ``out`` holds besides a site into the new site (``--force``): publishing keeps it."""
    for item in out.iterdir():
        if item.name in SITE_FILES + (MARKER,):
            continue
        if item.is_dir() and not item.is_symlink():
            shutil.copytree(item, new / item.name, symlinks=True)
        else:
            shutil.copy2(item, new / item.name, follow_symlinks=False)


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` at ``out``: move the old site aside, rename the new one in, then delete the old."""
    if not out.exists():
        os.rename(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}{_OLD_PREFIX}", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old, out)  # put the old site back: never no site at all
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _colour(block: str) -> str:
    # Read at publish time: the palette in maps.BLOCK_STYLE is the one source of the colours.
    return str(maps.BLOCK_STYLE.get(block, {}).get("color", "#555555"))
