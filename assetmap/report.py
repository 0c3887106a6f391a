"""The wijk profile: a printable A4 profile of a buurt, a wijk or a whole gemeente (PDF or HTML).

``assetmap report WS --area CODE --out profile.pdf`` and the app's download button call
:func:`write_report`. The profile is built from public data only: the assets and links as the
``public`` role sees them (:func:`assetmap.privacy.public_view`, through the service), the
public map layers (boundaries, streets, buildings, water and green), and the coverage of public
meeting places computed by the same functions as ``assetmap coverage``, so its figures are the
figures of ``coverage --json``.

Static maps are drawn with matplotlib and geopandas from the workspace alone, so nothing needs
internet. The PDF comes from matplotlib's PDF backend with the fonts embedded as TrueType
(``pdf.fonttype`` 42): every text in it can be selected and searched.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import os
import tempfile
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.maps import plain_text
from assetmap.errors import InputError
from assetmap.i18n import block_label, category_label, t
from assetmap.layers.grid import area_of
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.messages import N_
from assetmap.service import Actor

#: Suffixes :func:`write_report` writes.
REPORT_FORMATS: tuple[str, ...] = (".pdf", ".html")
#: A4 portrait in inches (matplotlib measures figures in inches).
A4_INCHES: tuple[float, float] = (8.27, 11.69)
#: Where the map sits on the profile's first page (figure fractions: left, bottom, width, height).
PROFILE_MAP_BOX: tuple[float, float, float, float] = (0.06, 0.50, 0.88, 0.41)
#: Suggested new meeting places shown in a profile.
SUGGESTIONS: int = 3
#: Most rows of one list (categories, meeting places, stories, links) in a profile.
MAX_LIST_ROWS: int = 12
#: Colours of the offline base map (streets, buildings, water, green), shared with the poster.
BASE_COLOURS: dict[str, str] = {"street": "#9e9e9e", "building": "#d9d4cc", "water": "#a9cfe8",
                                "green": "#cfe5bf", "boundary": "#444444", "area": "#111111"}
#: Kinds of the ``basemap`` layer drawn as fills, in drawing order.
BASE_FILL_KINDS: tuple[str, ...] = ("green", "water", "building")
#: Code of the word for each level of area.
LEVEL_CODES: dict[str, str] = {"gemeente": N_("report_level_gemeente"), "wijk": N_("report_level_wijk"),
                               "buurt": N_("report_level_buurt")}


@dataclass
class AreaProfile:
    """Everything a profile shows, from public data only (see :func:`build_profile`).

    Parameters
    ----------
    code : str
        The CBS code asked for (``GM``, ``WK`` or ``BU``).
    name : str
        The area's name (its code when the workspace has no name for it).
    level : str
        ``gemeente``, ``wijk`` or ``buurt``.
    area : shapely.Geometry
        The area's boundary in RD New (EPSG:28992).
    assets : geopandas.GeoDataFrame
        The public assets of the area (EPSG:4326), from the public view.
    links : list of tuple
        ``(from name, link kind, to name)`` between public assets of which one lies in the area,
        from the links layer and from stories' ``related_asset_id``.
    coverage : list of dict
        The rows of ``coverage --json`` (``buurten``) for the area: its own row, or the rows of
        the areas inside it. Empty when the workspace has no coverage inputs.
    coverage_total : dict or None
        ``population``, ``covered_population``, ``uncovered_population`` and ``coverage_pct``
        over ``coverage`` (the row itself when there is one row).
    minutes : float
        Walking minutes that count as nearby.
    speed_kmh : float
        Walking speed used, km/h.
    meeting_places : geopandas.GeoDataFrame
        The public meeting places counted, inside the area (EPSG:4326).
    suggestions : geopandas.GeoDataFrame
        Suggested new meeting places inside the area (``rank``, ``name``, ``added_population``,
        ``coverage_pct_after``; EPSG:4326), from ``coverage.suggest_sites``.
    sources : pandas.DataFrame
        The workspace's data sets (``name``, ``licence``, ``attribution``, ``imported_at``).
    made_on : datetime.date
        The date the profile was made.
    notes : list of str
        Message codes of things the reader should know (no coverage, no population).
    """

    code: str
    name: str
    level: str
    area: object
    assets: gpd.GeoDataFrame
    links: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    coverage_total: dict | None = None
    minutes: float = settings.COVERAGE_MINUTES
    speed_kmh: float = settings.WALK_SPEED_KMH
    meeting_places: gpd.GeoDataFrame | None = None
    suggestions: gpd.GeoDataFrame | None = None
    sources: pd.DataFrame | None = None
    made_on: date = field(default_factory=date.today)
    notes: list = field(default_factory=list)

    def block_counts(self) -> dict[str, int]:
        """Number of public entries per building block and initiatives (every kind, 0 included)."""
        counts = self.assets["building_block"].value_counts() if len(self.assets) else {}
        return {block: int(counts.get(block, 0)) for block in ENTRY_KINDS}

    def category_counts(self) -> list[tuple[str, str, int]]:
        """``(building block, category, count)``, most common first (missing category as ``""``)."""
        if not len(self.assets):
            return []
        frame = self.assets.assign(category=self.assets["category"].fillna("").astype(str))
        counts = frame.groupby(["building_block", "category"]).size().reset_index(name="n")
        counts = counts.sort_values(["n", "building_block", "category"], ascending=[False, True, True])
        return [(b, c, int(n)) for b, c, n in counts.itertuples(index=False)]

    def stories(self) -> list[dict]:
        """The public stories of the area, those with a description first: ``name``, ``description``, ``about``."""
        if not len(self.assets):
            return []
        names = dict(zip(self.assets["id"], self.assets["name"].astype(object)))
        rows = self.assets[(self.assets["building_block"] == "story").fillna(False).to_numpy()]
        out = []
        for row in rows.itertuples():
            related = getattr(row, "related_asset_id", None)
            out.append({"name": plain_text(row.name), "description": plain_text(row.description),
                        "about": plain_text(names.get(related)) if plain_text(related) else ""})
        return sorted(out, key=lambda s: (not s["description"], not s["about"]))


# ---------------------------------------------------------------------- building the profile
def build_profile(ws, code: str, minutes: float | None = None, speed_kmh: float | None = None) -> AreaProfile:
    """Gather a profile of one area from the public view of a workspace.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    code : str
        CBS code of a gemeente (``GM0503``), wijk (``WK050328``) or buurt (``BU05032800``).
    minutes : float, optional
        Walking minutes that count as nearby; default ``settings.COVERAGE_MINUTES``.
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``.

    Returns
    -------
    AreaProfile
        The area's public assets, links, coverage rows, meeting places and suggestions.

    Raises
    ------
    InputError
        ``report_area_unknown`` when no boundary has or names ``code``; ``minutes`` or the speed
        is not a number above 0.
    """
    from assetmap.coverage import CoverageError, compute_coverage, load_inputs, suggest_sites

    boundaries = ws.boundaries()
    code, name, level, area = find_area(boundaries, code)
    public = Actor(None, "public")
    assets = ws.assets(actor=public)
    column = {"gemeente": "gemeente_code", "wijk": "wijk_code", "buurt": "buurt_code"}[level]
    in_area = (assets[column] == code).fillna(False).to_numpy() if len(assets) else np.zeros(0, bool)
    if level == "wijk" and len(assets):
        # A wijk of a workspace without buurten is also the "buurt" code of its assets.
        in_area |= (assets["buurt_code"] == code).fillna(False).to_numpy()
    profile = AreaProfile(code=code, name=name, level=level, area=area, assets=assets[in_area].copy())
    profile.links = _links(assets, ws.links(actor=public), set(profile.assets["id"]))
    profile.sources = ws.sources()
    try:
        inputs = load_inputs(ws)
    except CoverageError:
        profile.notes.append(N_("report_no_coverage"))
        return profile
    result = compute_coverage(inputs, minutes, speed_kmh)
    profile.minutes, profile.speed_kmh = result.minutes, result.speed_kmh
    rows = result.to_dict()["buurten"]
    profile.coverage = _area_rows(rows, boundaries, code, level)
    profile.coverage_total = _total(profile.coverage)
    if not profile.coverage:
        profile.notes.append(N_("report_outside_coverage"))
    area_4326 = gpd.GeoSeries([area], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS).iloc[0]
    places = result.meeting_places
    profile.meeting_places = places[places.geometry.within(area_4326).to_numpy()].reset_index(drop=True)
    # Suggest only sites inside the area: the same greedy choice as `assetmap suggest`, over the
    # area's own candidates.
    candidates = inputs.candidates[inputs.candidates.geometry.within(area_4326).to_numpy()]
    if len(candidates):
        local = dataclasses.replace(inputs, candidates=candidates.reset_index(drop=True))
        profile.suggestions = suggest_sites(local, result.minutes, result.speed_kmh, count=SUGGESTIONS)
    return profile


def _links(assets: gpd.GeoDataFrame, links: pd.DataFrame, area_ids: set) -> list[tuple[str, str, str]]:
    """Links with at least one end in the area, both ends public (the public view already dropped the rest)."""
    names = dict(zip(assets["id"], assets["name"].astype(object))) if len(assets) else {}
    out = []
    if links is not None and len(links):
        for a, b, kind in zip(links["from_asset_id"], links["to_asset_id"], links["kind"]):
            if a in names and b in names and (a in area_ids or b in area_ids):
                out.append((plain_text(names[a]), plain_text(kind) or "other", plain_text(names[b])))
    if len(assets) and "related_asset_id" in assets.columns:
        for a, b in zip(assets["id"], assets["related_asset_id"]):
            if plain_text(b) and b in names and (a in area_ids or b in area_ids):
                out.append((plain_text(names[a]), "story_about", plain_text(names[b])))
    return out


def find_area(boundaries: gpd.GeoDataFrame, code: str | None) -> tuple[str, str, str, object]:
    """The area a profile or poster is for, or the coded error that says which codes exist.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries (EPSG:4326).
    code : str or None
        CBS code of a gemeente, wijk or buurt (case and spaces do not matter).

    Returns
    -------
    tuple
        ``(code, name, level, geometry)``: the normalised code, the area's name, its level and its
        outline in RD New (see :func:`assetmap.layers.grid.area_of`).

    Raises
    ------
    InputError
        ``report_area_unknown`` when no boundary has or names ``code``.
    """
    code = str(code or "").strip().upper()
    found = area_of(boundaries.to_crs(settings.METRIC_CRS) if len(boundaries) else None, code)
    if found is None:
        known = ", ".join(sorted(boundaries["code"].astype(str))[:8]) if len(boundaries) else "-"
        raise InputError("report_area_unknown", "fix_report_area" if len(boundaries) else "fix_import_buurten",
                         code=code, known=known)
    return (code, *found)


def _area_rows(rows: list[dict], boundaries: gpd.GeoDataFrame, code: str, level: str) -> list[dict]:
    """The rows of ``coverage --json`` that make up the area (its own row, or the rows inside it)."""
    own = [r for r in rows if r["code"] == code]
    if own:
        return own
    parent = {}
    for column in ("wijk_code", "gemeente_code"):
        if column in boundaries.columns:
            parent[column] = dict(zip(boundaries["code"], boundaries[column]))
    inside = [r for r in rows if code in (parent.get("wijk_code", {}).get(r["code"]),
                                          parent.get("gemeente_code", {}).get(r["code"]))]
    if inside or level != "buurt":
        return inside
    # A buurt in a workspace analysed per wijk: the figures of its wijk.
    wijk = parent.get("wijk_code", {}).get(code)
    return [r for r in rows if r["code"] == wijk]


def _total(rows: list[dict]) -> dict | None:
    if not rows:
        return None
    if len(rows) == 1:
        row = rows[0]
        return {"population": row["population"], "covered_population": row["covered_population"],
                "uncovered_population": row["population"] - row["covered_population"],
                "coverage_pct": row["coverage_pct"], "median_minutes": row["median_minutes"],
                "p90_minutes": row["p90_minutes"]}
    population = sum(r["population"] for r in rows)
    covered = sum(r["covered_population"] for r in rows)
    # The same rounding as coverage.CoverageResult.total, so a whole gemeente reads as `total`.
    pct = round(100.0 * covered / population, 1) if population else 0.0
    return {"population": population, "covered_population": covered, "uncovered_population": population - covered,
            "coverage_pct": pct, "median_minutes": None, "p90_minutes": None}


# ---------------------------------------------------------------------- writing
def write_report(ws, code: str, out: str | os.PathLike, lang: str = "nl", minutes: float | None = None,
                 speed_kmh: float | None = None) -> AreaProfile:
    """Write the profile of one area to ``out`` (``.pdf`` or ``.html``), replacing it atomically.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    code : str
        CBS code of the gemeente, wijk or buurt.
    out : path-like
        The file to write; its suffix picks PDF or HTML.
    lang : {'nl', 'en'}
        Language of the profile.
    minutes : float, optional
        Walking minutes that count as nearby (default ``settings.COVERAGE_MINUTES``).
    speed_kmh : float, optional
        Walking speed in km/h (default ``settings.WALK_SPEED_KMH``).

    Returns
    -------
    AreaProfile
        What the profile shows.

    Raises
    ------
    InputError
        The suffix is not ``.pdf`` or ``.html``, the folder does not exist, or the area is unknown.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise InputError("report_suffix", "fix_report_formats", suffix=suffix, formats=", ".join(REPORT_FORMATS))
    if not out.parent.exists():
        raise InputError("folder_missing", "fix_create_it_first", path=out.parent)
    profile = build_profile(ws, code, minutes, speed_kmh)
    base = base_layers(ws, profile_frame(profile.area))
    data = report_pdf(profile, base, lang) if suffix == ".pdf" else report_html(profile, base, lang).encode("utf-8")
    write_atomically(out, data)
    return profile


def report_bytes(ws, code: str, fmt: str = "pdf", lang: str = "nl", minutes: float | None = None) -> bytes:
    """The profile of one area as the bytes of a PDF or HTML file (for the app's download button).

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    code : str
        CBS code of the gemeente, wijk or buurt.
    fmt : {'pdf', 'html'}
        The format.
    lang : {'nl', 'en'}
        Language of the profile.
    minutes : float, optional
        Walking minutes that count as nearby.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    InputError
        The area is unknown, or minutes is not a number above 0.
    """
    profile = build_profile(ws, code, minutes)
    base = base_layers(ws, profile_frame(profile.area))
    return report_pdf(profile, base, lang) if fmt == "pdf" else report_html(profile, base, lang).encode("utf-8")


def write_atomically(out: Path, data: bytes) -> None:
    """Write ``data`` beside ``out`` and move it into place, so no reader sees half a file.

    Parameters
    ----------
    out : pathlib.Path
        The target; an existing file is replaced.
    data : bytes
        The content.
    """
    fd, tmp = tempfile.mkstemp(prefix=".assetmap-", suffix=out.suffix, dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as any other file the user writes (mkstemp makes it 0600)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ---------------------------------------------------------------------- base map
@dataclass
class BaseLayers:
    """The offline base map of a rectangle, in RD New: streets, buildings, water, green, boundaries.

    Parameters
    ----------
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` in RD New metres.
    streets : geopandas.GeoSeries
        Walking-network lines (``walk_edges``).
    fills : dict of str to geopandas.GeoSeries
        Polygons and lines of the ``basemap`` layer by kind (``green``, ``water``, ``building``,
        ``waterway``); empty where the workspace has none.
    homes : geopandas.GeoSeries
        Residential building points (``buildings``), drawn where no footprints are stored.
    boundaries : geopandas.GeoDataFrame
        CBS boundaries (``code``, ``name``, ``level``) crossing the rectangle.
    """

    bounds: tuple
    streets: gpd.GeoSeries
    fills: dict
    homes: gpd.GeoSeries
    boundaries: gpd.GeoDataFrame


def base_layers(ws, bounds: tuple[float, float, float, float], margin_m: float = 0.0) -> BaseLayers:
    """Read the public map layers of a rectangle from the workspace, in RD New.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` in RD New metres.
    margin_m : float
        Widen the rectangle by this many metres on each side.

    Returns
    -------
    BaseLayers
        Each layer clipped to the rectangle (empty where the workspace has none).
    """
    minx, miny, maxx, maxy = bounds
    box = shapely.box(minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
    box_4326 = gpd.GeoSeries([box], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS).iloc[0]

    def clip(frame):
        if frame is None or not len(frame):
            return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=settings.METRIC_CRS))
        frame = frame[frame.geometry.notna().to_numpy()]
        frame = frame[frame.geometry.intersects(box_4326).to_numpy()]
        return frame.to_crs(settings.METRIC_CRS)

    _, edges = ws.walk_network()
    fills: dict[str, gpd.GeoSeries] = {}
    basemap = clip(ws.basemap())
    for kind in ("green", "water", "waterway", "building"):
        rows = basemap[(basemap["kind"] == kind).to_numpy()] if len(basemap) else basemap
        if len(rows):
            fills[kind] = rows.geometry
    boundaries = clip(ws.boundaries())
    return BaseLayers(bounds=box.bounds, streets=clip(edges).geometry, fills=fills,
                      homes=clip(ws.buildings()).geometry, boundaries=boundaries)


def draw_base(ax, base: BaseLayers, scale: float = 1.0, area=None) -> None:
    """Draw the offline base map on a matplotlib axes in RD New metres.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes (its limits are not changed).
    base : BaseLayers
        From :func:`base_layers`.
    scale : float
        Line widths are multiplied by this (1 for A4).
    area : shapely.Geometry, optional
        The area of the map, outlined thickly; the other boundaries are drawn thin.
    """
    ax.set_facecolor("#ffffff")
    for kind in BASE_FILL_KINDS:
        series = base.fills.get(kind)
        if series is not None and len(series):
            polygons = series[series.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()]
            if len(polygons):
                polygons.plot(ax=ax, color=BASE_COLOURS[kind], linewidth=0, zorder=1)
    waterways = base.fills.get("waterway")
    if waterways is not None and len(waterways):
        waterways.plot(ax=ax, color=BASE_COLOURS["water"], linewidth=1.6 * scale, zorder=1)
    if "building" not in base.fills and len(base.homes):
        ax.scatter(base.homes.x, base.homes.y, s=0.6 * scale ** 2, color="#bdb6aa", linewidths=0, zorder=2)
    if len(base.streets):
        base.streets.plot(ax=ax, color=BASE_COLOURS["street"], linewidth=0.45 * scale, zorder=2)
    if len(base.boundaries):
        base.boundaries.boundary.plot(ax=ax, color=BASE_COLOURS["boundary"], linewidth=0.5 * scale,
                                      linestyle=(0, (4, 2)), zorder=3)
    if area is not None:
        gpd.GeoSeries([area], crs=settings.METRIC_CRS).boundary.plot(ax=ax, color=BASE_COLOURS["area"],
                                                                      linewidth=1.6 * scale, zorder=4)


def draw_assets(ax, assets: gpd.GeoDataFrame, scale: float = 1.0, size: float = 18.0) -> gpd.GeoSeries:
    """Draw assets as dots in their building block's colour; meeting places get a black ring.

    The colours are read from :data:`assetmap.maps.BLOCK_STYLE` when this runs.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes in RD New metres.
    assets : geopandas.GeoDataFrame
        Assets (EPSG:4326) with ``building_block`` and ``is_meeting_place``.
    scale : float
        Marker sizes are multiplied by ``scale`` squared.
    size : float
        Marker area in points² at scale 1.

    Returns
    -------
    geopandas.GeoSeries
        The points drawn, in RD New (a polygon by a point inside it), on the index of ``assets``.
    """
    from assetmap import maps

    points = _rd_points(assets)
    for block in ENTRY_KINDS:
        mask = (assets["building_block"] == block).fillna(False).to_numpy() & points.notna().to_numpy()
        if not mask.any():
            continue
        colour = maps.BLOCK_STYLE[block]["color"]
        meeting = assets["is_meeting_place"].fillna(False).astype(bool).to_numpy() & mask
        plain = mask & ~meeting
        ax.scatter(points[plain].x, points[plain].y, s=size * scale ** 2, color=colour, edgecolors="white",
                   linewidths=0.4 * scale, zorder=6)
        if meeting.any():
            ax.scatter(points[meeting].x, points[meeting].y, s=size * 2.2 * scale ** 2, color=colour,
                       edgecolors="black", linewidths=1.2 * scale, zorder=7)
    return points


def _rd_points(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    if not len(frame):
        return gpd.GeoSeries([], crs=settings.METRIC_CRS)
    geoms = frame.geometry.to_crs(settings.METRIC_CRS)
    shapes = (geoms.geom_type != "Point").to_numpy() & geoms.notna().to_numpy()
    if shapes.any():
        geoms = geoms.copy()
        geoms[shapes] = geoms[shapes].representative_point()
    return geoms


def profile_frame(area) -> tuple[float, float, float, float]:
    """The rectangle the profile's map shows: the area with a margin, in the map's proportions.

    Parameters
    ----------
    area : shapely.Geometry
        The area in RD New.

    Returns
    -------
    tuple of float
        ``(minx, miny, maxx, maxy)`` in RD New metres.
    """
    minx, miny, maxx, maxy = area.bounds
    margin = 0.05 * max(maxx - minx, maxy - miny, 100.0)
    minx, miny, maxx, maxy = minx - margin, miny - margin, maxx + margin, maxy + margin
    ratio = (PROFILE_MAP_BOX[2] * A4_INCHES[0]) / (PROFILE_MAP_BOX[3] * A4_INCHES[1])
    width, height = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if width / height < ratio:
        width = height * ratio
    else:
        height = width / ratio
    return (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def _pdf_settings():
    """matplotlib settings for print: TrueType fonts embedded (selectable text), DejaVu Sans."""
    return {"pdf.fonttype": 42, "ps.fonttype": 42, "font.family": "DejaVu Sans", "svg.fonttype": "none",
            "pdf.compression": 9}


# ---------------------------------------------------------------------- the profile's pages
def report_pdf(profile: AreaProfile, base: BaseLayers, lang: str = "nl") -> bytes:
    """The profile as an A4 PDF (two or three pages), fonts embedded so all text is selectable.

    Parameters
    ----------
    profile : AreaProfile
        From :func:`build_profile`.
    base : BaseLayers
        The base map around the area, from :func:`base_layers`.
    lang : {'nl', 'en'}
        Language of the texts.

    Returns
    -------
    bytes
        The PDF file.
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with matplotlib.rc_context(_pdf_settings()):
        with PdfPages(buffer, metadata={"Title": _title(profile, lang), "Creator": "assetmap",
                                        "Subject": f"{settings.OSM_ATTRIBUTION}; {settings.CBS_ATTRIBUTION}"}) as pdf:
            flow = _Flow(pdf, lang, footer=_footer(profile, lang))
            fig = flow.page()
            fig.text(0.06, 0.955, _title(profile, lang), fontsize=15, weight="bold", va="top")
            fig.text(0.06, 0.925, t("report_subtitle", lang, level=t(LEVEL_CODES[profile.level], lang), code=profile.code,
                                    date=_date(profile.made_on, lang)), fontsize=9, va="top", color="#444")
            ax = fig.add_axes(list(PROFILE_MAP_BOX))
            draw_profile_map(ax, profile, base, lang)
            flow.y = 0.485
            _key_figures(flow, profile, lang)
            _block_table(flow, profile, lang)
            _category_table(flow, profile, lang)
            _coverage_table(flow, profile, lang)
            _meeting_places(flow, profile, lang)
            _suggestions(flow, profile, lang)
            _stories(flow, profile, lang)
            _link_list(flow, profile, lang)
            _sources(flow, profile, lang)
            flow.finish()
    return buffer.getvalue()


def draw_profile_map(ax, profile: AreaProfile, base: BaseLayers, lang: str = "nl") -> None:
    """The profile's map: base map, the area outlined, public assets by building block, suggestions.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to draw on (RD New metres, equal aspect).
    profile : AreaProfile
        From :func:`build_profile`.
    base : BaseLayers
        From :func:`base_layers`.
    lang : {'nl', 'en'}
        Language of the legend.
    """
    from matplotlib.lines import Line2D

    from assetmap import maps

    minx, miny, maxx, maxy = base.bounds
    draw_base(ax, base, area=profile.area)
    draw_assets(ax, profile.assets)
    if profile.suggestions is not None and len(profile.suggestions):
        points = _rd_points(profile.suggestions)
        ax.scatter(points.x, points.y, s=120, marker="s", color="black", edgecolors="#ffd700", linewidths=1.2,
                   zorder=8)
        for rank, point in zip(profile.suggestions["rank"], points):
            ax.text(point.x, point.y, str(int(rank)), color="white", fontsize=7, weight="bold", ha="center",
                    va="center", zorder=9)
    fit_axes(ax, base.bounds)
    handles = [Line2D([], [], marker="o", linestyle="", markersize=6, color=maps.BLOCK_STYLE[b]["color"],
                      label=block_label(b, lang)) for b in ENTRY_KINDS]
    handles.append(Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor="#888",
                          markeredgecolor="black", markeredgewidth=1.2, label=t("legend_meeting_place", lang)))
    if profile.suggestions is not None and len(profile.suggestions):
        handles.append(Line2D([], [], marker="s", linestyle="", markersize=7, color="black",
                              markeredgecolor="#ffd700", label=t("report_suggested_site", lang)))
    ax.legend(handles=handles, loc="lower left", fontsize=6, framealpha=0.9)
    _scale_bar(ax, base.bounds)
    ax.text(0.995, 0.005, f"{settings.OSM_ATTRIBUTION} · {settings.CBS_ATTRIBUTION}", transform=ax.transAxes,
            fontsize=5.5, ha="right", va="bottom", color="#333",
            bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0, "pad": 1})


def fit_axes(ax, bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Show ``bounds`` in the axes at one scale for x and y, widened to fill the axes' shape.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes, already placed on its figure.
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` in metres.

    Returns
    -------
    tuple of float
        The bounds shown.
    """
    minx, miny, maxx, maxy = bounds
    box = ax.get_position(original=True)
    fig_w, fig_h = ax.figure.get_size_inches()
    ratio = (box.width * fig_w) / max(box.height * fig_h, 1e-9)
    width, height = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if width / height < ratio:
        width = height * ratio
    else:
        height = width / ratio
    shown = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(shown[0], shown[2])
    ax.set_ylim(shown[1], shown[3])
    ax.set_autoscale_on(False)  # later layers (scale bar, labels) must not move the frame
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    return shown


def _scale_bar(ax, bounds, scale: float = 1.0) -> None:
    (minx, maxx), (miny, maxy) = ax.get_xlim(), ax.get_ylim()
    width = maxx - minx
    nice = [50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000]
    length = max([n for n in nice if n <= width / 5] or [nice[0]])
    x0 = maxx - width * 0.04 - length
    y0 = miny + (maxy - miny) * 0.05
    ax.plot([x0, x0 + length], [y0, y0], color="black", linewidth=2.5 * scale, solid_capstyle="butt", zorder=10)
    label = f"{length // 1000:g} km" if length >= 1000 else f"{length} m"
    ax.text(x0 + length / 2, y0 + (maxy - miny) * 0.012, label, ha="center", va="bottom",
            fontsize=6.5 * scale, zorder=10)


class _Flow:
    """Text that flows down A4 pages: headings, lines and small tables, a new page when one is full."""

    TOP, BOTTOM, LEFT, RIGHT = 0.95, 0.06, 0.06, 0.94

    def __init__(self, pdf, lang: str, footer: str):
        self.pdf, self.lang, self.footer = pdf, lang, footer
        self.fig = None
        self.y = self.TOP
        self.pages = 0

    def page(self):
        from matplotlib.figure import Figure  # not pyplot: no global figure state, safe in the app's threads

        if self.fig is not None:
            self._close()
        self.fig = Figure(figsize=A4_INCHES)
        self.pages += 1
        self.y = self.TOP
        return self.fig

    def _close(self):
        self.fig.text(self.LEFT, 0.025, self.footer, fontsize=6.5, color="#555", va="bottom")
        self.fig.text(self.RIGHT, 0.025, str(self.pages), fontsize=6.5, color="#555", va="bottom", ha="right")
        self.pdf.savefig(self.fig)

    def need(self, lines: float, size: float = 8.5) -> None:
        if self.y - lines * self._step(size) < self.BOTTOM:
            self.page()

    @staticmethod
    def _step(size: float) -> float:
        return size * 1.45 / 72 / A4_INCHES[1]

    def heading(self, text: str) -> None:
        self.need(3.5, 11)
        self.y -= self._step(11) * 0.6
        self.fig.text(self.LEFT, self.y, text, fontsize=11, weight="bold", va="top")
        self.y -= self._step(11) * 1.1

    def line(self, text: str, size: float = 8.5, indent: float = 0.0, colour: str = "#000", width: int | None = None,
             **kw) -> None:
        if width is None:  # characters per line: about 0.55 em per character of DejaVu Sans
            room = (self.RIGHT - self.LEFT - indent) * A4_INCHES[0] * 72
            width = int(room / (size * (0.6 if kw.get("weight") == "bold" else 0.55)))
        for part in textwrap.wrap(text, width=width) or [""]:
            self.need(1, size)
            self.fig.text(self.LEFT + indent, self.y, part, fontsize=size, va="top", color=colour, **kw)
            self.y -= self._step(size)

    def table(self, header: list[str], rows: list[list[str]], columns: list[float], size: float = 8.0,
              swatches: list[str | None] | None = None) -> None:
        self.need(2, size)
        for x, text in zip(columns, header):
            self.fig.text(self.LEFT + abs(x), self.y, text, fontsize=size, weight="bold", va="top",
                          ha="right" if x < 0 else "left")
        self.y -= self._step(size) * 1.2
        for i, row in enumerate(rows):
            self.need(1, size)
            if swatches and swatches[i]:
                self.fig.patches.append(_swatch(self.fig, self.LEFT, self.y, swatches[i], size))
            for x, text in zip(columns, row):
                if x < 0:  # a negative position: right-aligned numbers ending at |x|
                    self.fig.text(self.LEFT - x, self.y, text, fontsize=size, va="top", ha="right")
                else:
                    self.fig.text(self.LEFT + x, self.y, _clip(text, 70), fontsize=size, va="top")
            self.y -= self._step(size)

    def gap(self, lines: float = 0.5) -> None:
        self.y -= self._step(8.5) * lines

    def finish(self) -> None:
        if self.fig is not None:
            self._close()
            self.fig = None


def _swatch(fig, x: float, y: float, colour: str, size: float):
    from matplotlib.patches import Rectangle

    side = size * 0.8 / 72
    return Rectangle((x, y - side / A4_INCHES[1]), side / A4_INCHES[0], side / A4_INCHES[1], transform=fig.transFigure,
                     facecolor=colour, edgecolor="none", figure=fig)


def _key_figures(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    flow.heading(t("report_key_figures", lang))
    total = profile.coverage_total
    if total is None:
        for note in profile.notes:
            flow.line(t(note, lang), colour="#8a1c1c")
    else:
        flow.line(t("report_coverage_line", lang, pct=_num(total["coverage_pct"], lang, 1),
                    minutes=_num(profile.minutes, lang, 0), speed=_num(profile.speed_kmh, lang, 1),
                    covered=_int(total["covered_population"], lang), population=_int(total["population"], lang)),
                  size=9.5, weight="bold")
        flow.line(t("report_out_of_reach", lang, count=_int(total["uncovered_population"], lang),
                    minutes=_num(profile.minutes, lang, 0)), size=9)
        if total["median_minutes"] is not None or total["p90_minutes"] is not None:
            flow.line(t("report_minutes_line", lang, median=_minutes(total["median_minutes"], lang),
                        p90=_minutes(total["p90_minutes"], lang)), size=9)
    places = 0 if profile.meeting_places is None else len(profile.meeting_places)
    flow.line(t("report_counts_line", lang, assets=_int(len(profile.assets), lang), places=_int(places, lang)), size=9)
    flow.line(t("report_public_only", lang), size=7.5, colour="#555")


def _block_table(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    from assetmap import maps

    flow.heading(t("report_blocks", lang))
    counts = profile.block_counts()
    flow.table([t("report_col_block", lang), t("report_col_count", lang)],
               [["    " + block_label(b, lang), _int(counts[b], lang)] for b in ENTRY_KINDS],
               [0.0, -0.62], swatches=[maps.BLOCK_STYLE[b]["color"] for b in ENTRY_KINDS])


def _category_table(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    rows = profile.category_counts()
    if not rows:
        return
    flow.heading(t("report_categories", lang))
    shown = rows[:MAX_LIST_ROWS]
    flow.table([t("report_col_category", lang), t("report_col_block", lang), t("report_col_count", lang)],
               [[category_label(c, lang) or "-", block_label(b, lang), _int(n, lang)] for b, c, n in shown],
               [0.0, 0.34, -0.85])
    _more(flow, len(rows) - len(shown), lang)


def _coverage_table(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    if len(profile.coverage) < 2:
        return
    flow.heading(t("report_coverage_areas", lang))
    rows = [[_clip(r["name"] or r["code"], 34), r["code"], _int(r["population"], lang),
             _num(r["coverage_pct"], lang, 1) + "%", _minutes(r["median_minutes"], lang),
             _minutes(r["p90_minutes"], lang)] for r in profile.coverage]
    flow.table([t("report_col_area", lang), t("report_col_code", lang), t("col_population", lang),
                t("col_pct", lang), t("report_col_median", lang), t("report_col_p90", lang)],
               rows, [0.0, 0.36, -0.58, -0.68, -0.78, -0.88])


def _meeting_places(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    places = profile.meeting_places
    flow.heading(t("report_meeting_places", lang))
    if places is None or not len(places):
        flow.line(t("report_none", lang), colour="#555")
        return
    for row in places.head(MAX_LIST_ROWS).itertuples():
        label = category_label(row.category, lang)
        flow.line(f"• {plain_text(row.name)}" + (f" ({label})" if label else ""), indent=0.01)
    _more(flow, len(places) - MAX_LIST_ROWS, lang)


def _suggestions(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    flow.heading(t("report_suggestions", lang))
    sites = profile.suggestions
    if sites is None or not len(sites):
        flow.line(t("report_no_suggestions", lang), colour="#555")
        return
    flow.line(t("report_suggestions_intro", lang, minutes=_num(profile.minutes, lang, 0)), size=8, colour="#333")
    for row in sites.itertuples():
        flow.line(t("report_suggestion", lang, rank=int(row.rank), name=plain_text(row.name),
                    added=_int(row.added_population, lang)), indent=0.01)


def _stories(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    stories = profile.stories()
    flow.heading(t("report_stories", lang))
    if not stories:
        flow.line(t("report_none", lang), colour="#555")
        return
    for story in stories[:MAX_LIST_ROWS]:
        flow.line(f"• {story['name']}" + (f" ({t('report_about', lang, name=story['about'])})" if story["about"] else ""),
                  indent=0.01, weight="bold" if story["description"] else "normal")
        if story["description"]:
            flow.line(_clip(story["description"], 400), size=8, indent=0.025, colour="#333")
    _more(flow, len(stories) - MAX_LIST_ROWS, lang)


def _link_list(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    flow.heading(t("report_links", lang))
    if not profile.links:
        flow.line(t("report_none", lang), colour="#555")
        return
    for a, kind, b in profile.links[:MAX_LIST_ROWS]:
        flow.line(f"• {a} — {t('link_' + kind, lang) if kind in _LINK_KINDS else kind} — {b}", indent=0.01)
    _more(flow, len(profile.links) - MAX_LIST_ROWS, lang)


def _sources(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    flow.heading(t("report_sources", lang))
    flow.line(f"{settings.OSM_ATTRIBUTION} (ODbL 1.0) · {settings.CBS_ATTRIBUTION} (CC BY 4.0)", size=8.5)
    sources = profile.sources
    if sources is not None and len(sources):
        latest = sources.sort_values("imported_at").drop_duplicates("name", keep="last")
        for row in latest.itertuples():
            flow.line(t("report_source_line", lang, name=plain_text(row.name), licence=plain_text(row.licence) or "-",
                        date=plain_text(row.imported_at)[:10]), size=8, colour="#333", indent=0.01)
    flow.line(t("report_made_with", lang, date=_date(profile.made_on, lang)), size=8, colour="#333")


def _more(flow: _Flow, count: int, lang: str) -> None:
    if count > 0:
        flow.line(t("report_more", lang, count=count), size=7.5, colour="#555", indent=0.01)


_LINK_KINDS = ("works_with", "could_work_with", "part_of", "located_at", "story_about", "other")


# ---------------------------------------------------------------------- HTML
def report_html(profile: AreaProfile, base: BaseLayers, lang: str = "nl") -> str:
    """The profile as one self-contained HTML page (the map as an embedded PNG), printable on A4.

    Every text that people typed is escaped with :func:`html.escape`.

    Parameters
    ----------
    profile : AreaProfile
        From :func:`build_profile`.
    base : BaseLayers
        From :func:`base_layers`.
    lang : {'nl', 'en'}
        Language of the texts.

    Returns
    -------
    str
        The HTML document.
    """
    import matplotlib
    from matplotlib.figure import Figure  # not pyplot: no global figure state, safe in the app's threads

    e = html.escape
    with matplotlib.rc_context(_pdf_settings()):
        ratio = (PROFILE_MAP_BOX[2] * A4_INCHES[0]) / (PROFILE_MAP_BOX[3] * A4_INCHES[1])
        fig = Figure(figsize=(7.5, 7.5 / ratio))
        ax = fig.add_axes([0, 0, 1, 1])
        draw_profile_map(ax, profile, base, lang)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=130)
    image = base64.b64encode(png.getvalue()).decode("ascii")
    parts = [f"<!doctype html><html lang='{e(lang)}'><head><meta charset='utf-8'>",
             f"<title>{e(_title(profile, lang))}</title>",
             "<style>@page{size:A4;margin:15mm}body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11pt;"
             "max-width:180mm;margin:auto;color:#111}h1{font-size:18pt}h2{font-size:13pt;margin-top:1.2em}"
             "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}td.n{text-align:right}"
             "img{width:100%}.muted{color:#555;font-size:9pt}"
             ".sw{display:inline-block;width:.8em;height:.8em;margin-right:.4em}</style></head><body>",
             f"<h1>{e(_title(profile, lang))}</h1>",
             f"<p class='muted'>{e(t('report_subtitle', lang, level=t(LEVEL_CODES[profile.level], lang), code=profile.code, date=_date(profile.made_on, lang)))}</p>",
             f"<img alt='{e(t('report_map_alt', lang, name=profile.name))}' src='data:image/png;base64,{image}'>",
             f"<h2>{e(t('report_key_figures', lang))}</h2>"]
    total = profile.coverage_total
    if total is None:
        parts += [f"<p>{e(t(n, lang))}</p>" for n in profile.notes]
    else:
        parts.append("<p><b>" + e(t("report_coverage_line", lang, pct=_num(total["coverage_pct"], lang, 1),
                                     minutes=_num(profile.minutes, lang, 0), speed=_num(profile.speed_kmh, lang, 1),
                                     covered=_int(total["covered_population"], lang),
                                     population=_int(total["population"], lang))) + "</b><br>")
        parts.append(e(t("report_out_of_reach", lang, count=_int(total["uncovered_population"], lang),
                         minutes=_num(profile.minutes, lang, 0))))
        if total["median_minutes"] is not None or total["p90_minutes"] is not None:
            parts.append("<br>" + e(t("report_minutes_line", lang, median=_minutes(total["median_minutes"], lang),
                                      p90=_minutes(total["p90_minutes"], lang))))
        parts.append("</p>")
    places = profile.meeting_places if profile.meeting_places is not None else gpd.GeoDataFrame()
    parts.append(f"<p>{e(t('report_counts_line', lang, assets=_int(len(profile.assets), lang), places=_int(len(places), lang)))}</p>")
    parts.append(f"<p class='muted'>{e(t('report_public_only', lang))}</p>")
    from assetmap import maps
    counts = profile.block_counts()
    parts.append(f"<h2>{e(t('report_blocks', lang))}</h2><table>")
    for block in ENTRY_KINDS:
        parts.append(f"<tr><td><span class='sw' style='background:{e(maps.BLOCK_STYLE[block]['color'])}'></span>"
                     f"{e(block_label(block, lang))}</td><td class='n'>{counts[block]}</td></tr>")
    parts.append("</table>")
    categories = profile.category_counts()
    if categories:
        parts.append(f"<h2>{e(t('report_categories', lang))}</h2><table>")
        parts += [f"<tr><td>{e(category_label(c, lang) or '-')}</td><td>{e(block_label(b, lang))}</td>"
                  f"<td class='n'>{n}</td></tr>" for b, c, n in categories[:MAX_LIST_ROWS]]
        parts.append("</table>")
    if len(profile.coverage) > 1:
        parts.append(f"<h2>{e(t('report_coverage_areas', lang))}</h2><table><tr>" + "".join(
            f"<th>{e(h)}</th>" for h in (t("report_col_area", lang), t("report_col_code", lang),
                                        t("col_population", lang), t("col_pct", lang),
                                        t("report_col_median", lang), t("report_col_p90", lang))) + "</tr>")
        parts += [f"<tr><td>{e(r['name'] or '')}</td><td>{e(r['code'])}</td><td class='n'>{_int(r['population'], lang)}"
                  f"</td><td class='n'>{_num(r['coverage_pct'], lang, 1)}%</td><td class='n'>"
                  f"{_minutes(r['median_minutes'], lang)}</td><td class='n'>{_minutes(r['p90_minutes'], lang)}</td></tr>"
                  for r in profile.coverage]
        parts.append("</table>")
    parts.append(f"<h2>{e(t('report_meeting_places', lang))}</h2>")
    parts.append(_html_list([f"{plain_text(r.name)}" + (f" ({category_label(r.category, lang)})" if category_label(r.category, lang) else "")
                             for r in places.itertuples()] if len(places) else [], lang))
    parts.append(f"<h2>{e(t('report_suggestions', lang))}</h2>")
    sites = profile.suggestions
    if sites is None or not len(sites):
        parts.append(f"<p>{e(t('report_no_suggestions', lang))}</p>")
    else:
        parts.append(f"<p class='muted'>{e(t('report_suggestions_intro', lang, minutes=_num(profile.minutes, lang, 0)))}</p>")
        parts.append(_html_list([t("report_suggestion", lang, rank=int(r.rank), name=plain_text(r.name),
                                   added=_int(r.added_population, lang))
                                 for r in sites.itertuples()], lang))
    parts.append(f"<h2>{e(t('report_stories', lang))}</h2>")
    stories = profile.stories()
    parts.append(_html_list([s["name"] + (f" ({t('report_about', lang, name=s['about'])})" if s["about"] else "")
                             + (f": {s['description']}" if s["description"] else "") for s in stories], lang))
    parts.append(f"<h2>{e(t('report_links', lang))}</h2>")
    parts.append(_html_list([f"{a} — {t('link_' + k, lang) if k in _LINK_KINDS else k} — {b}"
                             for a, k, b in profile.links], lang))
    parts.append(f"<h2>{e(t('report_sources', lang))}</h2><p>{e(settings.OSM_ATTRIBUTION)} (ODbL 1.0) · "
                 f"{e(settings.CBS_ATTRIBUTION)} (CC BY 4.0)<br>"
                 f"{e(t('report_made_with', lang, date=_date(profile.made_on, lang)))}</p></body></html>")
    return "".join(parts)


def _html_list(items: list[str], lang: str) -> str:
    if not items:
        return f"<p class='muted'>{html.escape(t('report_none', lang))}</p>"
    shown = "".join(f"<li>{html.escape(item)}</li>" for item in items[:MAX_LIST_ROWS])
    more = len(items) - MAX_LIST_ROWS
    extra = f"<p class='muted'>{html.escape(t('report_more', lang, count=more))}</p>" if more > 0 else ""
    return f"<ul>{shown}</ul>{extra}"


# ---------------------------------------------------------------------- small helpers
def _title(profile: AreaProfile, lang: str) -> str:
    return t("report_title", lang, name=profile.name)


def _footer(profile: AreaProfile, lang: str) -> str:
    return (f"{_title(profile, lang)} · {_date(profile.made_on, lang)} · {settings.OSM_ATTRIBUTION} · "
            f"{settings.CBS_ATTRIBUTION}")


def _date(day: date, lang: str) -> str:
    return day.strftime("%d-%m-%Y") if lang == "nl" else day.isoformat()


def _clip(text: str, length: int) -> str:
    text = plain_text(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _num(value, lang: str, decimals: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    out = f"{float(value):,.{decimals}f}"
    if lang == "nl":
        out = out.replace(",", " ").replace(".", ",").replace(" ", ".")
    return out


def _int(value, lang: str) -> str:
    return _num(int(value), lang, 0)


def _minutes(value, lang: str) -> str:
    return "-" if value is None or (isinstance(value, float) and np.isnan(value)) else _num(value, lang, 1)


# ---------------------------------------------------------------------- the app's download
def profile_download(path, boundaries: gpd.GeoDataFrame, lang: str = "nl", minutes: float | None = None) -> None:
    """The app's block for the printable profile: pick an area, make the PDF, download it.

    Streamlit widgets; the workspace is opened as the session's actor (:func:`assetmap.ui.workspace`)
    and the profile is built from the public view whatever that role is.

    Parameters
    ----------
    path : path-like
        The workspace file (part of the key of the made file, with its version).
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries (``code``, ``name``, ``level``, ``gemeente_code``) to pick from.
    lang : {'nl', 'en'}
        Language of the labels and of the profile.
    minutes : float, optional
        Walking minutes that count as nearby (the page's slider).
    """
    import streamlit as st

    from assetmap import ui
    from assetmap.errors import AssetmapError

    st.subheader(t("report_app_title", lang))
    if boundaries is None or not len(boundaries):
        st.caption(t("report_no_coverage", lang))
        return
    options: dict[str, str] = {}
    for code in sorted(set(boundaries.get("gemeente_code", pd.Series(dtype=object)).dropna().astype(str))):
        options[code] = f"{t(LEVEL_CODES['gemeente'], lang)} {code}"
    for row in boundaries.sort_values(["level", "name"]).itertuples():
        options[str(row.code)] = f"{plain_text(row.name) or row.code} ({row.code})"
    code = st.selectbox(t("report_pick_area", lang), list(options), format_func=options.get, key="report_area")
    key = (str(path), ui.workspace_version(path), code, lang, minutes)
    if st.button(t("report_make", lang), key="report_make"):
        try:
            with st.spinner(t("report_making", lang)), ui.workspace() as ws:
                st.session_state["report_pdf"] = (key, report_bytes(ws, code, "pdf", lang, minutes))
        except AssetmapError as exc:
            ui.show_error(exc, lang)
    made = st.session_state.get("report_pdf")
    if made and made[0] == key:
        st.download_button(t("report_download", lang), data=made[1], file_name=f"profiel-{code}.pdf",
                           mime="application/pdf", key="report_download")
    st.caption(t("report_app_help", lang))
