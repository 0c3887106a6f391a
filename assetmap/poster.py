"""The workshop poster: a large printable map of one area with a reference grid and a blank form.

``assetmap poster WS --area CODE --size A1 --out poster.pdf`` calls :func:`write_poster`. The
poster holds the area's streets, buildings, water and green (the offline base map), the public
assets numbered cell by cell, a legend with the numbers' names, the reference grid (columns A–H,
rows 1–12, on every margin) and a blank form column. A table writes an entry on the form (or on
``data/workshop_form_grid.csv``) with a grid cell such as ``C4`` and the area code printed on the
poster; ``assetmap import`` places it at the cell's centre.

The grid comes from the area's boundary alone (:func:`assetmap.layers.grid.poster_grid`) and the
layout scales with the sheet (every A size has the same proportions), so A0 to A3 posters of an
area share one grid and nothing needs to be stored.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np

from assetmap import settings
from assetmap.errors import InputError
from assetmap.i18n import block_label, t, tn
from assetmap.layers.grid import GRID_COLUMNS, GRID_ROWS, PosterGrid, poster_grid
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.service import Actor

__all__ = [
    "PAPER_MM",
    "LAYOUT",
    "FORM_ROWS",
    "Poster",
    "write_poster",
    "poster_pdf",
    "poster_figures",
    "grid_cell_rectangle",
]

#: Paper sizes in millimetres (portrait), ISO 216.
PAPER_MM: dict[str, tuple[float, float]] = {"A0": (841, 1189), "A1": (594, 841), "A2": (420, 594),
                                            "A3": (297, 420), "A4": (210, 297)}
#: Where things sit on the sheet, as fractions of its width (x) and height (y), from the top left.
#: Every A size has the same proportions, so one layout (and one grid) fits them all.
LAYOUT = {"margin": 0.03, "label": 0.025, "form_width": 0.22, "gap": 0.02, "title": 0.075}
#: Rows of the blank form column.
FORM_ROWS: int = 26


@dataclass
class Poster:
    """What a poster shows (see :func:`write_poster`).

    Parameters
    ----------
    code : str
        The area's CBS code.
    name : str
        The area's name.
    size : str
        ``A0`` to ``A3``.
    grid : PosterGrid
        The reference grid (RD New).
    numbered : int
        Public assets numbered on the map.
    legend : list of tuple
        ``(number, grid cell, building block, name)`` of every numbered asset.
    """

    code: str
    name: str
    size: str
    grid: PosterGrid
    numbered: int
    legend: list


def write_poster(ws, code: str, out: str | os.PathLike, size: str = "A1", lang: str = "nl", *,
                 force: bool = False) -> Poster:
    """Write the workshop poster of one area as a PDF, atomically.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    code : str
        CBS code of the gemeente, wijk or buurt.
    out : path-like
        The ``.pdf`` file to write.
    size : {'A0', 'A1', 'A2', 'A3'}
        Paper size (portrait).
    lang : {'nl', 'en'}
        Language of the texts.
    force : bool
        Replace an existing file (never a workspace; see :func:`assetmap.files.check_file`).

    Returns
    -------
    Poster
        The grid and the numbered assets.

    Raises
    ------
    InputError
        The suffix is not ``.pdf``, the folder does not exist, the file exists (without ``force``)
        or is a workspace, the size is unknown or the area is unknown.
    """
    from assetmap.files import check_file, write_atomically

    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise InputError("report_suffix", "fix_report_formats", suffix=out.suffix.lower(), formats=".pdf")
    check_file(out, force=force, workspace=getattr(ws, "path", None))
    data, poster = poster_pdf(ws, code, size, lang)
    write_atomically(out, data)
    return poster


def poster_pdf(ws, code: str, size: str = "A1", lang: str = "nl") -> tuple[bytes, Poster]:
    """The workshop poster of one area as PDF bytes (fonts embedded, text selectable).

    The first sheet holds the map, the legend and the form; when the numbered names do not all
    fit below the map, the next sheets (same size) list the rest, so every number can be looked up.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    code : str
        CBS code of the gemeente, wijk or buurt.
    size : {'A0', 'A1', 'A2', 'A3'}
        Paper size (portrait).
    lang : {'nl', 'en'}
        Language of the texts.

    Returns
    -------
    tuple
        ``(pdf bytes, Poster)``.

    Raises
    ------
    InputError
        The size or the area is unknown.
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from assetmap.report import _pdf_settings

    buffer = io.BytesIO()
    with matplotlib.rc_context(_pdf_settings()):
        figures, poster = poster_figures(ws, code, size, lang)
        with PdfPages(buffer, metadata={"Title": t("poster_title", lang, name=poster.name),
                                        "Creator": "assetmap"}) as pdf:
            for fig in figures:
                pdf.savefig(fig)
    return buffer.getvalue(), poster


def poster_figures(ws, code: str, size: str = "A1", lang: str = "nl") -> tuple[list, Poster]:
    """The poster's sheets as matplotlib figures (what :func:`poster_pdf` saves).

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    code : str
        CBS code of the gemeente, wijk or buurt.
    size : {'A0', 'A1', 'A2', 'A3'}
        Paper size (portrait).
    lang : {'nl', 'en'}
        Language of the texts.

    Returns
    -------
    tuple
        ``(list of matplotlib.figure.Figure, Poster)``; every figure has a canvas, so its texts
        can be measured.

    Raises
    ------
    InputError
        The size or the area is unknown.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure  # not pyplot: no global figure state, safe in the app's threads

    from assetmap import maps
    from assetmap.numbers import day
    from assetmap.report import LEVEL_CODES, _rd_points, base_layers, draw_assets, draw_base, find_area
    from assetmap.report._profile import _in_area

    size = str(size).upper()
    if size not in PAPER_MM or size == "A4":
        raise InputError("poster_size", "fix_poster_size", size=size, sizes="A0, A1, A2, A3")
    code, name, level, area = find_area(ws.boundaries(), code)
    grid = poster_grid(area.bounds)
    base = base_layers(ws, grid.bounds)
    assets = ws.assets(actor=Actor(None, "public"))
    # The same entries as the area's profile: the public assets that belong to the area.
    assets = assets[_in_area(assets, code, level)]
    points = _rd_points(assets)
    gx0, gy0, gx1, gy1 = grid.bounds
    inside = (points.notna() & (points.x >= gx0) & (points.x < gx1) & (points.y > gy0) & (points.y <= gy1)).to_numpy() \
        if len(points) else np.zeros(0, bool)
    shown = assets[inside].copy()
    shown_points = points[inside]
    cells = [grid.cell_at(p.x, p.y) for p in shown_points]
    order = sorted(range(len(shown)), key=lambda i: (int(cells[i][1:]), cells[i][0], str(shown["name"].iloc[i])))
    legend = [(n + 1, cells[i], shown["building_block"].iloc[i], str(shown["name"].iloc[i]))
              for n, i in enumerate(order)]

    width_mm, height_mm = PAPER_MM[size]
    inches = (width_mm / 25.4, height_mm / 25.4)
    scale = inches[0] / (PAPER_MM["A4"][0] / 25.4)  # type and lines grow with the sheet
    aspect = inches[1] / inches[0]
    L = LAYOUT
    map_left = L["margin"] + L["label"]
    map_width = 1 - map_left - L["label"] - L["gap"] - L["form_width"] - L["margin"]
    map_height = map_width * GRID_ROWS / len(GRID_COLUMNS) / aspect  # square cells, in height fractions
    map_top = 1 - (L["margin"] + L["title"] + L["label"]) / aspect * 1.0
    map_bottom = map_top - map_height
    today = day(date.today(), lang)

    fig = Figure(figsize=inches)
    FigureCanvasAgg(fig)
    title = t("poster_title", lang, name=name)
    _header(fig, scale, title, t("poster_subtitle", lang, level=t(LEVEL_CODES[level], lang), code=code,
                                 cell=f"{grid.cell_m:g}", size=size, date=today))
    ax = fig.add_axes([map_left, map_bottom, map_width, map_height])
    draw_base(ax, base, scale=scale, area=area)
    draw_assets(ax, shown, scale=scale, size=30)
    for number, i in enumerate(order, start=1):
        point = shown_points.iloc[i]
        ax.annotate(str(number), (point.x, point.y), xytext=(2.2 * scale, 2.2 * scale), textcoords="offset points",
                    fontsize=4.2 * scale, zorder=9, color="#111",
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.75, "linewidth": 0})
    _grid(ax, fig, grid, scale, (map_left, map_bottom, map_width, map_height))
    rest = _legend(fig, legend, scale, (map_left, map_bottom, map_width), lang, maps.BLOCK_STYLE, name)
    _form(fig, scale, aspect, lang, code, (1 - L["margin"] - L["form_width"], L["form_width"]),
          (map_bottom, 1 - (L["margin"] + L["title"]) / aspect))
    footer = (f"{settings.OSM_ATTRIBUTION} (ODbL) · {settings.CBS_ATTRIBUTION} (CC BY 4.0) · "
              + t("poster_footer", lang, date=today))
    _footer(fig, scale, footer)
    figures = [fig]
    while rest:
        sheet = Figure(figsize=inches)
        FigureCanvasAgg(sheet)
        _header(sheet, scale, title, t("poster_names_sheet", lang, sheet=len(figures) + 1, first=rest[0][0],
                                       last=rest[-1][0], total=len(legend)))
        top = 1 - (L["margin"] + L["title"] + L["label"]) / aspect
        rest = _names(sheet, rest, scale, (L["margin"], 1 - 2 * L["margin"], top, 2 * L["margin"] / aspect), 3, lang,
                      font=8)
        _footer(sheet, scale, footer)
        figures.append(sheet)
    return figures, Poster(code, name, size, grid, len(legend), legend)


def _fit(fig, artist, width: float, smallest: float = 0.7) -> None:
    """Shrink ``artist`` (a figure text) until it is at most ``width`` (figure fraction) wide.

    Down to ``smallest`` of its size; beyond that, its end is cut with an ellipsis.
    """
    renderer = fig.canvas.get_renderer()
    size = artist.get_fontsize()
    for _ in range(12):
        extent = artist.get_window_extent(renderer).width / fig.bbox.width
        if extent <= width:
            return
        if artist.get_fontsize() > size * (smallest + 0.02):
            artist.set_fontsize(max(size * smallest, artist.get_fontsize() * width / extent * 0.98))
            continue
        break
    text = artist.get_text()
    while len(text) > 1 and artist.get_window_extent(renderer).width / fig.bbox.width > width:
        text = text[:-2]
        artist.set_text(text.rstrip() + "…")


def _header(fig, scale: float, title: str, subtitle: str) -> None:
    """The sheet's title and the line under it."""
    inches = fig.get_size_inches()
    aspect = inches[1] / inches[0]
    margin = LAYOUT["margin"]
    full = 1 - 2 * margin
    _fit(fig, fig.text(margin, 1 - margin / aspect, title, fontsize=22 * scale, weight="bold", va="top"), full)
    _fit(fig, fig.text(margin, 1 - margin / aspect - 30 * scale / 72 / inches[1], subtitle, fontsize=10 * scale,
                       va="top", color="#333"), full)


def _footer(fig, scale: float, text: str) -> None:
    """The sources and the date, at the foot of the sheet."""
    aspect = fig.get_size_inches()[1] / fig.get_size_inches()[0]
    margin = LAYOUT["margin"]
    _fit(fig, fig.text(margin, margin / aspect * 0.6, text, fontsize=6.5 * scale, color="#444", va="bottom"),
         1 - 2 * margin)


def _grid(ax, fig, grid: PosterGrid, scale: float, box) -> None:
    """Grid lines over the map and the labels A–H (top and bottom) and 1–12 (left and right)."""
    x0, y0, x1, y1 = grid.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_autoscale_on(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for i in range(len(GRID_COLUMNS) + 1):
        ax.axvline(x0 + i * grid.cell_m, color="#3b3b3b", linewidth=0.5 * scale, alpha=0.7, zorder=5)
    for j in range(GRID_ROWS + 1):
        ax.axhline(y1 - j * grid.cell_m, color="#3b3b3b", linewidth=0.5 * scale, alpha=0.7, zorder=5)
    left, bottom, width, height = box
    cw, rh = width / len(GRID_COLUMNS), height / GRID_ROWS
    pad = LAYOUT["label"] / 2
    aspect = fig.get_size_inches()[1] / fig.get_size_inches()[0]
    for i, letter in enumerate(GRID_COLUMNS):
        x = left + (i + 0.5) * cw
        for y in (bottom + height + pad / aspect, bottom - pad / aspect):
            fig.text(x, y, letter, fontsize=13 * scale, weight="bold", ha="center", va="center")
    for j in range(GRID_ROWS):
        y = bottom + height - (j + 0.5) * rh
        for x in (left - pad, left + width + pad):
            fig.text(x, y, str(j + 1), fontsize=13 * scale, weight="bold", ha="center", va="center")


def _legend(fig, legend: list, scale: float, box, lang: str, styles: dict, area_name: str) -> list:
    """Below the map: the entry kinds' colours with their form numbers, and the numbered names.

    Returns the numbered names that did not fit (for the next sheets).
    """
    from matplotlib.lines import Line2D

    left, bottom, width = box
    aspect = fig.get_size_inches()[1] / fig.get_size_inches()[0]
    top = bottom - (LAYOUT["label"] + 0.012) / aspect
    line = 7.5 * scale * 1.35 / 72 / fig.get_size_inches()[1]
    # Two columns of four: the five building blocks and initiatives with the number the form
    # takes (1-6), then meeting places (a thick edge, no number of their own).
    entries = [(kind, f"{k + 1} {block_label(kind, lang)}") for k, kind in enumerate(ENTRY_KINDS)]
    entries.append((None, t("legend_meeting_place", lang)))
    column_width = width / 2
    for k, (kind, label) in enumerate(entries):
        x, y = left + (k // 4) * column_width, top - (k % 4) * line
        style = {"color": styles[kind]["color"]} if kind else \
            {"markerfacecolor": "#888", "markeredgecolor": "black", "markeredgewidth": 1.2 * scale}
        fig.lines.append(Line2D([x + 0.005], [y - line * 0.4], marker="o", markersize=(6 if kind else 8) * scale,
                                linestyle="", transform=fig.transFigure, figure=fig, **style))
        _fit(fig, fig.text(x + 0.014, y, label, fontsize=7.5 * scale, va="top"), column_width - 0.02)
    names_top = top - line * 4.3
    heading = fig.text(left, names_top, tn("poster_numbered", len(legend), lang, name=area_name),
                       fontsize=7 * scale, va="top", color="#333")
    _fit(fig, heading, width)
    names_top -= line * 1.2
    return _names(fig, legend, scale, (left, width, names_top, LAYOUT["margin"] / aspect * 1.6), 4, lang)


def _names(fig, legend: list, scale: float, box, columns: int, lang: str = "nl", font: float = 5.2) -> list:
    """The numbered names in ``columns`` columns between ``top`` and ``bottom``; returns those that did not fit."""
    left, width, top, bottom = box
    small = font * scale * 1.3 / 72 / fig.get_size_inches()[1]
    rows = max(1, int((top - bottom) / small))
    room = rows * columns
    shown = legend if len(legend) <= room else legend[: room - 1]
    for k, (number, cell, _block, name) in enumerate(shown):
        col, row = divmod(k, rows)
        _fit(fig, fig.text(left + col * width / columns, top - row * small, f"{number}. {name} ({cell})",
                           fontsize=font * scale, va="top", color="#111"), width / columns - 0.006, 0.9)
    rest = legend[len(shown):]
    if rest:
        col, row = divmod(len(shown), rows)
        _fit(fig, fig.text(left + col * width / columns, top - row * small,
                           t("poster_names_next", lang, first=rest[0][0]), fontsize=font * scale, va="top",
                           color="#444", style="italic"), width / columns - 0.006)
    return rest


def _form(fig, scale: float, aspect: float, lang: str, code: str, horizontal, vertical) -> None:
    """The blank form column: a header that names the area, and ruled rows to write entries on."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    x, width = horizontal
    bottom, top = vertical
    fig.patches.append(Rectangle((x, bottom), width, top - bottom, transform=fig.transFigure, facecolor="#fafafa",
                                 edgecolor="#333", linewidth=0.8 * scale, figure=fig))
    pad = 0.008
    inner = width - 2 * pad
    _fit(fig, fig.text(x + pad, top - pad / aspect, t("poster_form_title", lang), fontsize=10.5 * scale,
                       weight="bold", va="top"), inner)
    _fit(fig, fig.text(x + pad, top - pad / aspect - 0.022 / aspect, t("poster_form_area", lang, code=code),
                       fontsize=9 * scale, va="top", weight="bold"), inner)
    help_lines = [t("poster_form_help", lang), t("poster_form_blocks", lang)]
    y = top - pad / aspect - 0.045 / aspect
    for text in help_lines:
        for part in _wrap(text, 33):
            _fit(fig, fig.text(x + pad, y, part, fontsize=6.5 * scale, va="top", color="#333"), inner)
            y -= 6.5 * scale * 1.35 / 72 / fig.get_size_inches()[1]
    y -= 0.01 / aspect
    # Cell | name | block (1-6): each header within its own column.
    columns = [(t("poster_form_cell", lang), 0.0, 0.14), (t("poster_form_name", lang), 0.14, 0.64),
               (t("poster_form_block", lang), 0.64, 1.0)]
    for text, start, stop in columns:
        _fit(fig, fig.text(x + pad + (start + 0.01) * inner, y, text, fontsize=7 * scale, weight="bold", va="top"),
             (stop - start - 0.02) * inner)
    y -= 0.012 / aspect
    step = (y - bottom - pad / aspect) / FORM_ROWS
    for _ in range(FORM_ROWS + 1):
        fig.lines.append(Line2D([x + pad, x + width - pad], [y, y], transform=fig.transFigure, color="#777",
                                linewidth=0.5 * scale, figure=fig))
        y -= step
    for offset in (0.14, 0.64):
        xx = x + pad + offset * inner
        fig.lines.append(Line2D([xx, xx], [y + step, y + step * (FORM_ROWS + 1)], transform=fig.transFigure,
                                color="#999", linewidth=0.4 * scale, figure=fig))


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width) or [""]


def grid_cell_rectangle(grid: PosterGrid, cell: str) -> gpd.GeoSeries:
    """A grid cell as a polygon in EPSG:4326 (to check where an imported entry landed).

    Parameters
    ----------
    grid : PosterGrid
        From :func:`assetmap.layers.grid.poster_grid`.
    cell : str
        A cell label such as ``C4``.

    Returns
    -------
    geopandas.GeoSeries
        One polygon in EPSG:4326.
    """
    import shapely

    return gpd.GeoSeries([shapely.box(*grid.cell_bounds(cell))], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS)
