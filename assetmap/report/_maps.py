"""The printed maps, drawn with matplotlib from the workspace alone: the base map, assets, the profile's map.

Part of :mod:`assetmap.report` (which re-exports every public name here); the poster
(:mod:`assetmap.poster`) draws with the same functions. Everything is in RD New metres.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

from assetmap import settings
from assetmap.i18n import block_label, t
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.report._profile import AreaProfile

__all__ = ["A4_INCHES", "BASE_COLOURS", "BASE_FILL_KINDS", "PROFILE_MAP_BOX", "BaseLayers", "base_layers",
           "draw_assets", "draw_base", "draw_network", "draw_profile_map", "fit_axes", "profile_frame"]

#: A4 portrait in inches (matplotlib measures figures in inches).
A4_INCHES: tuple[float, float] = (8.27, 11.69)
#: Where the map sits on the profile's first page (figure fractions: left, bottom, width, height).
PROFILE_MAP_BOX: tuple[float, float, float, float] = (0.06, 0.50, 0.88, 0.41)
#: Colours of the offline base map (streets, buildings, water, green), shared with the poster.
BASE_COLOURS: dict[str, str] = {"street": "#9e9e9e", "building": "#d9d4cc", "water": "#a9cfe8",
                                "green": "#cfe5bf", "boundary": "#444444", "area": "#111111"}
#: Kinds of the ``basemap`` layer drawn as fills, in drawing order.
BASE_FILL_KINDS: tuple[str, ...] = ("green", "water", "building")


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


def draw_profile_map(ax, profile: AreaProfile, base: BaseLayers, lang: str = "nl") -> None:
    """The profile's map: base map, the area outlined, public assets by building block, suggestions.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to draw on (RD New metres, equal aspect).
    profile : AreaProfile
        From :func:`~assetmap.report.build_profile`.
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


def draw_network(ax, network, brokers: int = 5) -> None:
    """The linked entries of a network as dots in their building block's colour, a line per link,
    the strongest brokers' names in bold (a fixed layout: the same network draws the same picture).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    network : assetmap.connections.Connections
        The network (only its linked entries are drawn).
    brokers : int
        How many of the strongest brokers are named in bold; the other names are plain.
    """
    import networkx as nx

    from assetmap.maps import BLOCK_STYLE

    graph = network.graph.subgraph([n for n in network.graph.nodes if network.graph.degree(n)])
    ax.set_axis_off()
    if not graph.number_of_nodes():
        return
    where = nx.kamada_kawai_layout(graph) if graph.number_of_nodes() > 2 else nx.circular_layout(graph)
    for a, b in sorted(graph.edges):
        ax.plot([where[a][0], where[b][0]], [where[a][1], where[b][1]], color="#777777", lw=0.8, zorder=1)
    named = {b["id"] for b in network.brokers(brokers)}
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        colour = BLOCK_STYLE.get(data["building_block"], {}).get("color", "#555555")
        ax.scatter([where[node][0]], [where[node][1]], s=40 if node in named else 22, color=colour,
                   edgecolors="#222222" if data["inside"] else "#ffffff", linewidths=0.8, zorder=2)
        ax.annotate(data["name"][:40], where[node], xytext=(4, 3), textcoords="offset points", fontsize=6.5,
                    weight="bold" if node in named else "normal", color="#111111" if data["inside"] else "#555555")
    ax.margins(0.18)
