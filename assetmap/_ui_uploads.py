"""Files that come in: uploads, their size checked, saved under a safe name in a temporary folder.

Part of :mod:`assetmap.ui` (which re-exports every name here).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from assetmap import settings
from assetmap.i18n import t

__all__ = ["save_upload", "temp_dir", "upload_too_large"]


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
