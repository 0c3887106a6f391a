"""How far an OSM import reaches beyond its area, and how current an OSM file is.

Part of :mod:`assetmap.sources.osm`, which re-exports every name here.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import shapely

from assetmap import settings

__all__ = ["area_buffer_m", "buffered_area", "osm_data_date"]


def area_buffer_m() -> float:
    """How far beyond an area an import keeps places and ways, in metres (read when called).

    Returns
    -------
    float
        ``settings.IMPORT_BUFFER_M``, or when that is None the longest walk the app offers at the
        normal speed: ``settings.COVERAGE_MAX_MINUTES`` at ``settings.WALK_SPEED_KMH`` (2,250 m).
    """
    if settings.IMPORT_BUFFER_M is not None:
        return float(settings.IMPORT_BUFFER_M)
    return float(settings.COVERAGE_MAX_MINUTES) * float(settings.WALK_SPEED_KMH) * 1000.0 / 60.0


def buffered_area(area: gpd.GeoDataFrame | None, buffer_m: float | None = None) -> gpd.GeoDataFrame | None:
    """The area grown by ``buffer_m`` metres, measured in RD New, back in EPSG:4326.

    Parameters
    ----------
    area : geopandas.GeoDataFrame or None
        Polygon(s) in any CRS that is set; None or empty gives it back as it is.
    buffer_m : float, optional
        Metres; default :func:`area_buffer_m`. 0 keeps the area as it is.

    Returns
    -------
    geopandas.GeoDataFrame or None
        One polygon (the union, grown) in EPSG:4326.
    """
    if area is None or area.empty:
        return area
    buffer_m = area_buffer_m() if buffer_m is None else float(buffer_m)
    metric = shapely.union_all(area.geometry.to_crs(settings.METRIC_CRS).array)
    grown = metric.buffer(buffer_m) if buffer_m > 0 else metric
    return gpd.GeoDataFrame(geometry=gpd.GeoSeries([grown], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS),
                            crs=settings.STORAGE_CRS)


def osm_data_date(path: str | Path) -> tuple[str | None, str]:
    """How current an OSM file is: the day of its data, and how that was found.

    The file's header says it when the extract tool wrote it (Geofabrik's and osmium's replication
    timestamp, ``osmosis_replication_timestamp``, or ``timestamp``); otherwise the newest
    timestamp of any node, way or relation is the date (one more pass over the file: about a
    second for the Delft extract).

    Parameters
    ----------
    path : str or Path
        An ``.osm``, ``.osm.bz2``, ``.osm.gz`` or ``.osm.pbf`` file (checked by the caller).

    Returns
    -------
    tuple of (str or None, str)
        ``(day, basis)``: the day as ISO ``YYYY-MM-DD`` (None when the file carries no
        timestamps) and ``header`` or ``newest_object``.
    """
    import osmium

    path = Path(path)
    try:
        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        try:
            header = reader.header()
            stamp = header.get("osmosis_replication_timestamp") or header.get("timestamp")
        finally:
            reader.close()
    except RuntimeError:
        stamp = None
    if stamp and re.match(r"\d{4}-\d{2}-\d{2}", stamp):
        return stamp[:10], "header"
    newest = None
    for obj in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION):
        stamp = obj.timestamp
        if stamp.year > 1970 and (newest is None or stamp > newest):
            newest = stamp
    return (newest.date().isoformat() if newest is not None else None), "newest_object"
