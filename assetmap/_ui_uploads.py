"""Files and places that come in: uploads (size checked, saved under a safe name) and geocoding.

Part of :mod:`assetmap.ui` (which re-exports every name here).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from assetmap import settings
from assetmap.errors import AssetmapError
from assetmap.i18n import t

__all__ = ["geocode", "save_upload", "temp_dir", "upload_too_large"]


def upload_too_large(uploaded, lang: str) -> bool:
    """Refuse (with a message) an upload above :data:`settings.MAX_IMPORT_BYTES`.

    Parameters
    ----------
    uploaded : streamlit.runtime.uploaded_file_manager.UploadedFile or None
        What ``st.file_uploader`` gave; None when nothing was uploaded.
    lang : str
        Language code of the message (``too_large``, with the size and limit in MiB).

    Returns
    -------
    bool
        True when the file is too large (the message is shown); False otherwise, also for None.
    """
    if uploaded is not None and uploaded.size > settings.MAX_IMPORT_BYTES:
        st.error(t("too_large", lang, name=uploaded.name, size=round(uploaded.size / 2**20, 1),
                   limit=settings.MAX_IMPORT_BYTES // 2**20))
        return True
    return False


def save_upload(uploaded, folder: str | Path) -> Path:
    """Write an uploaded file to ``folder`` under a safe name that keeps its suffixes (.osm.bz2).

    Parameters
    ----------
    uploaded : streamlit.runtime.uploaded_file_manager.UploadedFile
        What ``st.file_uploader`` gave.
    folder : str or pathlib.Path
        An existing folder, such as one from :func:`temp_dir`.

    Returns
    -------
    pathlib.Path
        ``folder/upload`` plus the last two suffixes of the uploaded name, lower-cased (those
        that are letters and digits only); the user's own file name is not used. A file of that
        name in ``folder`` is overwritten.
    """
    name = Path(uploaded.name).name
    suffixes = "".join(s for s in Path(name).suffixes[-2:] if s.replace(".", "").isalnum())
    target = Path(folder) / ("upload" + suffixes.lower())
    target.write_bytes(uploaded.getbuffer())
    return target


def temp_dir() -> tempfile.TemporaryDirectory:
    """A new temporary folder (prefix ``assetmap-``) for uploads, removed when its block ends.

    Returns
    -------
    tempfile.TemporaryDirectory
        Use it as ``with temp_dir() as tmp:``; ``tmp`` is the folder's path as a string.
    """
    return tempfile.TemporaryDirectory(prefix="assetmap-")


# ---------------------------------------------------------------------- online helpers
def geocode(address: str) -> tuple[float, float]:
    """(lat, lon) of an address via Nominatim (osmnx), with a short timeout.

    Parameters
    ----------
    address : str
        The address or place.

    Returns
    -------
    tuple of float
        Latitude and longitude.

    Raises
    ------
    AssetmapError
        ``geocode_failed`` (offline, not found; with the geocoder's own error) or
        ``address_outside_nl``.
    """
    import osmnx as ox

    old = ox.settings.requests_timeout
    ox.settings.requests_timeout = 10  # a workshop cannot wait osmnx's default 180 s when offline
    try:
        lat, lon = ox.geocode(address)
    except Exception as exc:  # offline, not found, rate limited: all mean "type the place instead"
        raise AssetmapError("geocode_failed", kind=type(exc).__name__, error=exc) from exc
    finally:
        ox.settings.requests_timeout = old
    lon_min, lat_min, lon_max, lat_max = settings.NL_BOUNDS_LONLAT
    if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
        raise AssetmapError("address_outside_nl", address=address, lat=f"{lat:.4f}", lon=f"{lon:.4f}")
    return float(lat), float(lon)
