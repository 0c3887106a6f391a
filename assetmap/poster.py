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
from assetmap.i18n import block_label, t
from assetmap.layers.grid import GRID_COLUMNS, GRID_ROWS, PosterGrid, poster_grid
from assetmap.layers.schema import BUILDING_BLOCKS, ENTRY_KINDS
from assetmap.service import Actor

__all__ = [
    "PAPER_MM",
    "LAYOUT",
    "FORM_ROWS",
    "MAX_LEGEND_NAMES",
    "Poster",
    "write_poster",
    "poster_pdf",
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
#: Most numbered names in the legend; the rest are counted.
MAX_LEGEND_NAMES: int = 150


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


def write_poster(ws, code: str, out: str | os.PathLike, size: str = "A1", lang: str = "nl") -> Poster:
    """Write the workshop poster of one area as a PDF, replacing ``out`` atomically.

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

    Returns
    -------
    Poster
        The grid and the numbered assets.

    Raises
    ------
    InputError
        The suffix is not ``.pdf``, the folder does not exist, the size is unknown or the area is
        unknown.
    """
    from assetmap.report import write_atomically

    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise InputError("report_suffix", "fix_report_formats", suffix=out.suffix.lower(), formats=".pdf")
    if not out.parent.exists():
        raise InputError("folder_missing", "fix_create_it_first", path=out.parent)
    data, poster = poster_pdf(ws, code, size, lang)
    write_atomically(out, data)
    return poster


def poster_pdf(ws, code: str, size: str = "A1", lang: str = "nl") -> tuple[bytes, Poster]:
    """The workshop poster of one area as PDF bytes (fonts embedded, text selectable).

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
    from matplotlib.figure import Figure  # not pyplot: no global figure state, safe in the app's threads

    from assetmap import maps
    from assetmap.report import LEVEL_CODES, _pdf_settings, _rd_points, base_layers, draw_assets, draw_base, find_area

    size = str(size).upper()
    if size not in PAPER_MM or size == "A4":
        raise InputError("poster_size", "fix_poster_size", size=size, sizes="A0, A1, A2, A3")
    code, name, level, area = find_area(ws.boundaries(), code)
    grid = poster_grid(area.bounds)
    base = base_layers(ws, grid.bounds)
    assets = ws.assets(actor=Actor(None, "public"))
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

    buffer = io.BytesIO()
    with matplotlib.rc_context(_pdf_settings()):
        fig = Figure(figsize=inches)
        title = t("poster_title", lang, name=name)
        fig.text(L["margin"], 1 - L["margin"] / aspect, title, fontsize=22 * scale, weight="bold", va="top")
        fig.text(L["margin"], 1 - L["margin"] / aspect - 30 * scale / 72 / inches[1],
                 t("poster_subtitle", lang, level=t(LEVEL_CODES[level], lang), code=code, cell=f"{grid.cell_m:g}",
                   size=size, date=date.today().isoformat()), fontsize=10 * scale, va="top", color="#333")
        ax = fig.add_axes([map_left, map_bottom, map_width, map_height])
        draw_base(ax, base, scale=scale, area=area)
        draw_assets(ax, shown, scale=scale, size=30)
        for number, i in enumerate(order, start=1):
            point = shown_points.iloc[i]
            ax.annotate(str(number), (point.x, point.y), xytext=(2.2 * scale, 2.2 * scale), textcoords="offset points",
                        fontsize=4.2 * scale, zorder=9, color="#111",
                        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.75, "linewidth": 0})
        _grid(ax, fig, grid, scale, (map_left, map_bottom, map_width, map_height))
        _legend(fig, legend, scale, (map_left, map_bottom, map_width), lang, maps.BLOCK_STYLE)
        _form(fig, scale, aspect, lang, code, (1 - L["margin"] - L["form_width"], L["form_width"]),
              (map_bottom, 1 - (L["margin"] + L["title"]) / aspect))
        fig.text(L["margin"], L["margin"] / aspect * 0.6,
                 f"{settings.OSM_ATTRIBUTION} (ODbL) · {settings.CBS_ATTRIBUTION} (CC BY 4.0) · "
                 + t("poster_footer", lang, date=date.today().isoformat()),
                 fontsize=6.5 * scale, color="#444", va="bottom")
        with PdfPages(buffer, metadata={"Title": title, "Creator": "assetmap"}) as pdf:
            pdf.savefig(fig)
    return buffer.getvalue(), Poster(code, name, size, grid, len(legend), legend)


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


def _legend(fig, legend: list, scale: float, box, lang: str, styles: dict) -> None:
    """Below the map: the building blocks' colours and the numbered names, in columns."""
    from matplotlib.lines import Line2D

    left, bottom, width = box
    aspect = fig.get_size_inches()[1] / fig.get_size_inches()[0]
    top = bottom - (LAYOUT["label"] + 0.012) / aspect
    line = 7.5 * scale * 1.35 / 72 / fig.get_size_inches()[1]
    # Three columns of three: the five numbered building blocks, initiatives, then meeting places.
    for k, block in enumerate(ENTRY_KINDS):
        x, y = left + (k // 3) * width / 3, top - (k % 3) * line
        fig.lines.append(Line2D([x + 0.005], [y - line * 0.4], marker="o", markersize=6 * scale, linestyle="",
                                color=styles[block]["color"], transform=fig.transFigure, figure=fig))
        number = f"{k + 1} " if block in BUILDING_BLOCKS else ""
        fig.text(x + 0.014, y, f"{number}{block_label(block, lang)}", fontsize=7.5 * scale, va="top")
    x, y = left + 2 * width / 3, top
    fig.lines.append(Line2D([x + 0.005], [y - line * 0.4], marker="o", markersize=8 * scale, linestyle="",
                            markerfacecolor="#888", markeredgecolor="black", markeredgewidth=1.2 * scale,
                            transform=fig.transFigure, figure=fig))
    fig.text(x + 0.014, y, t("legend_meeting_place", lang), fontsize=7.5 * scale, va="top")
    fig.text(left, top - line * 3.2, t("poster_legend_numbers", lang), fontsize=7 * scale, va="top", color="#333")
    names_top = top - line * 4.4
    small = 5.2 * scale * 1.3 / 72 / fig.get_size_inches()[1]
    rows = max(1, int((names_top - LAYOUT["margin"] / aspect * 1.6) / small))
    columns = 4
    shown = legend[: min(MAX_LEGEND_NAMES, rows * columns)]
    for k, (number, cell, _block, name) in enumerate(shown):
        col, row = divmod(k, rows)
        fig.text(left + col * width / columns, names_top - row * small,
                 f"{number}. {name[:22]} ({cell})", fontsize=5.2 * scale, va="top", color="#111")
    if len(legend) > len(shown):
        fig.text(left + width, names_top - rows * small, t("report_more", lang, count=len(legend) - len(shown)),
                 fontsize=5.2 * scale, ha="right", va="top", color="#444")


def _form(fig, scale: float, aspect: float, lang: str, code: str, horizontal, vertical) -> None:
    """The blank form column: a header that names the area, and ruled rows to write entries on."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    x, width = horizontal
    bottom, top = vertical
    fig.patches.append(Rectangle((x, bottom), width, top - bottom, transform=fig.transFigure, facecolor="#fafafa",
                                 edgecolor="#333", linewidth=0.8 * scale, figure=fig))
    pad = 0.008
    fig.text(x + pad, top - pad / aspect, t("poster_form_title", lang), fontsize=10.5 * scale, weight="bold", va="top")
    fig.text(x + pad, top - pad / aspect - 0.022 / aspect, t("poster_form_area", lang, code=code),
             fontsize=9 * scale, va="top", weight="bold")
    help_lines = [t("poster_form_help", lang), t("poster_form_blocks", lang)]
    y = top - pad / aspect - 0.045 / aspect
    for text in help_lines:
        for part in _wrap(text, 33):
            fig.text(x + pad, y, part, fontsize=6.5 * scale, va="top", color="#333")
            y -= 6.5 * scale * 1.35 / 72 / fig.get_size_inches()[1]
    y -= 0.01 / aspect
    headers = [(t("poster_form_cell", lang), 0.0), (t("poster_form_name", lang), 0.16),
               (t("poster_form_block", lang), 0.70)]
    for text, offset in headers:
        fig.text(x + pad + offset * (width - 2 * pad), y, text, fontsize=7 * scale, weight="bold", va="top")
    y -= 0.012 / aspect
    step = (y - bottom - pad / aspect) / FORM_ROWS
    for _ in range(FORM_ROWS + 1):
        fig.lines.append(Line2D([x + pad, x + width - pad], [y, y], transform=fig.transFigure, color="#777",
                                linewidth=0.5 * scale, figure=fig))
        y -= step
    for offset in (0.14, 0.68):
        xx = x + pad + offset * (width - 2 * pad)
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
