"""The reference grid of a workshop poster: columns A–H, rows 1–12, square cells in RD New.

A table at a workshop writes a grid cell (``C4``) on the paper form instead of coordinates, and
``assetmap import`` places that entry at the cell's centre. So the grid must be the same when the
poster is printed and when the form is imported, without storing anything: it is computed from
the area's boundary alone (:func:`poster_grid`). Every A-size sheet has the same proportions
(1 : √2), and the poster scales its whole layout with the sheet, so an A0 and an A3 poster of
one area carry the same grid.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "GRID_COLUMNS",
    "GRID_ROWS",
    "GRID_MARGIN",
    "GRID_STEP_M",
    "PosterGrid",
    "poster_grid",
    "parse_cell",
    "area_of",
]

#: Column letters, left to right.
GRID_COLUMNS: str = "ABCDEFGH"
#: Number of rows, numbered 1 (top) to 12 (bottom).
GRID_ROWS: int = 12
#: Space kept around the area inside the grid, as a share of its width or height.
GRID_MARGIN: float = 0.04
#: Cell sides are rounded up to a multiple of this many metres, so a cell reads as a round figure.
GRID_STEP_M: float = 10.0

_CELL = re.compile(r"^\s*([A-Za-z])\s*[-.:/ ]?\s*(\d{1,2})\s*$")
_CELL_REVERSED = re.compile(r"^\s*(\d{1,2})\s*[-.:/ ]?\s*([A-Za-z])\s*$")


@dataclass(frozen=True)
class PosterGrid:
    """A grid of square cells in RD New (EPSG:28992, metres).

    Parameters
    ----------
    x0 : float
        West edge of column A, in metres (RD x).
    y_top : float
        North edge of row 1, in metres (RD y).
    cell_m : float
        Side of a cell in metres.
    """

    x0: float
    y_top: float
    cell_m: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of the whole grid in RD New."""
        return (self.x0, self.y_top - GRID_ROWS * self.cell_m,
                self.x0 + len(GRID_COLUMNS) * self.cell_m, self.y_top)

    def cell_bounds(self, cell: str) -> tuple[float, float, float, float]:
        """The rectangle of one cell.

        Parameters
        ----------
        cell : str
            A cell label such as ``C4`` (see :func:`parse_cell`).

        Returns
        -------
        tuple of float
            ``(minx, miny, maxx, maxy)`` in RD New metres.

        Raises
        ------
        ValueError
            ``cell`` is not a cell of this grid.
        """
        column, row = _checked(cell)
        minx = self.x0 + column * self.cell_m
        maxy = self.y_top - row * self.cell_m
        return (minx, maxy - self.cell_m, minx + self.cell_m, maxy)

    def cell_centre(self, cell: str) -> tuple[float, float]:
        """The centre of one cell, ``(x, y)`` in RD New metres.

        Parameters
        ----------
        cell : str
            A cell label such as ``C4``.

        Returns
        -------
        tuple of float
            RD x and y.

        Raises
        ------
        ValueError
            ``cell`` is not a cell of this grid.
        """
        minx, miny, maxx, maxy = self.cell_bounds(cell)
        return ((minx + maxx) / 2, (miny + maxy) / 2)

    def cell_at(self, x: float, y: float) -> str | None:
        """The label of the cell holding a point, or None outside the grid.

        Parameters
        ----------
        x, y : float
            RD New metres.

        Returns
        -------
        str or None
            For example ``C4``.
        """
        column = math.floor((x - self.x0) / self.cell_m)
        row = math.floor((self.y_top - y) / self.cell_m)
        if 0 <= column < len(GRID_COLUMNS) and 0 <= row < GRID_ROWS:
            return f"{GRID_COLUMNS[column]}{row + 1}"
        return None


def poster_grid(bounds: tuple[float, float, float, float]) -> PosterGrid:
    """The poster grid of an area, from the area's bounds in RD New alone.

    The grid is 8 columns by 12 rows of square cells centred on the area, with
    :data:`GRID_MARGIN` around it; the cell side is rounded up to :data:`GRID_STEP_M` metres and
    the corners to whole metres, so the same boundary always gives the same grid.

    Parameters
    ----------
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` of the area in RD New (EPSG:28992) metres.

    Returns
    -------
    PosterGrid
        The grid.

    Examples
    --------
    >>> grid = poster_grid((84000.0, 445000.0, 85000.0, 446000.0))
    >>> grid.cell_m, grid.cell_at(84500.0, 445500.0)
    (140.0, 'E7')
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    width = max(maxx - minx, 1.0) * (1 + 2 * GRID_MARGIN)
    height = max(maxy - miny, 1.0) * (1 + 2 * GRID_MARGIN)
    cell = max(width / len(GRID_COLUMNS), height / GRID_ROWS)
    cell = math.ceil(cell / GRID_STEP_M) * GRID_STEP_M
    cx, cy = round((minx + maxx) / 2), round((miny + maxy) / 2)
    return PosterGrid(x0=cx - len(GRID_COLUMNS) / 2 * cell, y_top=cy + GRID_ROWS / 2 * cell, cell_m=cell)


def parse_cell(value) -> str | None:
    """A grid cell as written on a form (``C4``, ``c 4``, ``C-4``, ``4C``), as its label, or None.

    Parameters
    ----------
    value : object
        What the form holds.

    Returns
    -------
    str or None
        The label (``C4``), or None when ``value`` names no cell of the grid (A–H, 1–12).

    Examples
    --------
    >>> parse_cell(" c 4"), parse_cell("12h"), parse_cell("J3")
    ('C4', 'H12', None)
    """
    if value is None:
        return None
    text = str(value)
    match = _CELL.match(text)
    if match:
        letter, number = match.group(1), match.group(2)
    else:
        match = _CELL_REVERSED.match(text)
        if not match:
            return None
        number, letter = match.group(1), match.group(2)
    letter, number = letter.upper(), int(number)
    if letter not in GRID_COLUMNS or not 1 <= number <= GRID_ROWS:
        return None
    return f"{letter}{number}"


def _checked(cell: str) -> tuple[int, int]:
    label = parse_cell(cell)
    if label is None:
        raise ValueError(f"{cell!r} is not a grid cell (A-H and 1-{GRID_ROWS}, e.g. C4)")
    return GRID_COLUMNS.index(label[0]), int(label[1:]) - 1


def area_of(boundaries, code: str):
    """The boundary of a gemeente, wijk or buurt, by its CBS code: ``(name, level, geometry)``.

    A code that is itself a boundary gives that boundary. A gemeente or wijk code that only
    the smaller areas name (a workspace with only wijken holds no gemeente row) gives the union
    of those areas, named by its code.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Boundaries with ``code``, ``level``, ``name``, ``wijk_code`` and ``gemeente_code``, any CRS.
    code : str
        A CBS code: ``GM0503``, ``WK050328`` or ``BU05032800`` (case and spaces do not matter).

    Returns
    -------
    tuple or None
        ``(name, level, geometry)`` in the CRS of ``boundaries`` (``level`` is ``gemeente``,
        ``wijk`` or ``buurt``), or None when no boundary has or names the code.
    """
    if boundaries is None or boundaries.empty or not code:
        return None
    code = str(code).strip().upper()
    same = boundaries[(boundaries["code"] == code).fillna(False).to_numpy()]
    if len(same):
        row = same.iloc[0]
        name = row["name"] if isinstance(row["name"], str) and row["name"] else code
        return name, str(row["level"]), same.geometry.union_all()
    for column, level in (("gemeente_code", "gemeente"), ("wijk_code", "wijk")):
        if column in boundaries.columns:
            inside = boundaries[(boundaries[column] == code).fillna(False).to_numpy()]
            if len(inside):
                return code, level, inside.geometry.union_all()
    return None
