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

Writing and the app's download are here; the rest is in three inner modules, each re-exported
from this one: :mod:`assetmap.report._profile` (what a profile shows), :mod:`assetmap.report._maps`
(the printed maps, shared with the poster) and :mod:`assetmap.report._pages` (PDF and HTML pages).
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from assetmap.errors import InputError
from assetmap.files import check_file, write_atomically
from assetmap.i18n import COMPLETE_LANGUAGES, t
from assetmap.maps import plain_text
from assetmap.report._maps import (  # noqa: F401 - the poster imports them from here
    A4_INCHES,
    BASE_COLOURS,
    BASE_FILL_KINDS,
    PROFILE_MAP_BOX,
    BaseLayers,
    _pdf_settings,
    _rd_points,
    base_layers,
    draw_assets,
    draw_base,
    draw_profile_map,
    fit_axes,
    profile_frame,
)
from assetmap.report._pages import MAX_LIST_ROWS, report_html, report_pdf
from assetmap.report._profile import LEVEL_CODES, SUGGESTIONS, AreaProfile, build_profile, find_area

__all__ = [
    # writing a profile, and the app's download
    "REPORT_FORMATS", "profile_download", "report_bytes", "write_report",
    # re-exported from _profile, _maps and _pages
    "A4_INCHES", "BASE_COLOURS", "BASE_FILL_KINDS", "LEVEL_CODES", "MAX_LIST_ROWS", "PROFILE_MAP_BOX", "SUGGESTIONS",
    "AreaProfile", "BaseLayers", "base_layers", "build_profile", "draw_assets", "draw_base", "draw_profile_map",
    "find_area", "fit_axes", "profile_frame", "report_html", "report_pdf",
]

#: Suffixes :func:`write_report` writes.
REPORT_FORMATS: tuple[str, ...] = (".pdf", ".html")


def write_report(ws, code: str, out: str | os.PathLike, lang: str = "nl", minutes: float | None = None,
                 speed_kmh: float | None = None, *, force: bool = False) -> AreaProfile:
    """Write the profile of one area to ``out`` (``.pdf`` or ``.html``), atomically.

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
    force : bool
        Replace an existing file (never a workspace; see :func:`assetmap.files.check_file`).

    Returns
    -------
    AreaProfile
        What the profile shows.

    Raises
    ------
    InputError
        The suffix is not ``.pdf`` or ``.html``, the folder does not exist, the file exists (without
        ``force``) or is a workspace, or the area is unknown.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise InputError("report_suffix", "fix_report_formats", suffix=suffix, formats=", ".join(REPORT_FORMATS))
    check_file(out, force=force, workspace=getattr(ws, "path", None))
    profile = build_profile(ws, code, minutes, speed_kmh)
    base = base_layers(ws, profile_frame(profile.area))
    data = report_pdf(profile, base, lang) if suffix == ".pdf" else report_html(profile, base, lang).encode("utf-8")
    write_atomically(out, data)
    return profile


def report_bytes(ws, code: str, fmt: str = "pdf", lang: str = "nl", minutes: float | None = None,
                 speed_kmh: float | None = None, filters=None) -> bytes:
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
    speed_kmh : float, optional
        Walking speed in km/h (the page's choice; default ``settings.WALK_SPEED_KMH``).
    filters : assetmap.coverage.PlaceFilters, optional
        Which meeting places count, as on the page; the profile says them.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    InputError
        The area is unknown, or minutes is not a number above 0.
    """
    profile = build_profile(ws, code, minutes, speed_kmh, filters)
    base = base_layers(ws, profile_frame(profile.area))
    return report_pdf(profile, base, lang) if fmt == "pdf" else report_html(profile, base, lang).encode("utf-8")


def profile_download(path, boundaries: gpd.GeoDataFrame, lang: str = "nl", minutes: float | None = None,
                     speed_kmh: float | None = None, filters=None) -> None:
    """The app's block for the printable profile: pick an area, make the PDF, download it.

    Streamlit widgets; the workspace is opened as the session's actor (:func:`assetmap.ui.workspace`)
    and the profile is built from the public view whatever that role is.

    Parameters
    ----------
    path : path-like
        The workspace file (part of the key of the made file, with its version).
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries (``code``, ``name``, ``level``, ``gemeente_code``) to pick from.
    lang : str
        Language of the labels; of the profile too when it is Dutch or English (a profile speaks only those,
        as ``assetmap report --lang`` does: in Turkish, Arabic or Polish it is made in English, which the
        button's label says).
    minutes : float, optional
        Walking minutes that count as nearby (the page's slider).
    speed_kmh : float, optional
        Walking speed in km/h (the page's choice).
    filters : assetmap.coverage.PlaceFilters, optional
        The page's meeting-place filters.
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
    code = st.selectbox(t("report_pick_area", lang), list(options), format_func=options.get, key="report_area",
                        placeholder=t("choose_one", lang))
    chosen = None if filters is None else (filters.when, filters.access, filters.group)
    # The profile speaks Dutch and English only (as `assetmap report --lang`): in another language it would be
    # half English.
    made_in = lang if lang in COMPLETE_LANGUAGES else "en"
    key = (str(path), ui.workspace_version(path), code, made_in, minutes, speed_kmh, chosen)
    if st.button(t("report_make", lang), key="report_make"):
        try:
            with st.spinner(t("report_making", lang)), ui.workspace() as ws:
                st.session_state["report_pdf"] = (key, report_bytes(ws, code, "pdf", made_in, minutes, speed_kmh, filters))
        except AssetmapError as exc:
            ui.show_error(exc, lang)
    made = st.session_state.get("report_pdf")
    if made and made[0] == key:
        st.download_button(t("report_download", lang), data=made[1], file_name=f"profiel-{code}.pdf",
                           mime="application/pdf", key="report_download")
    st.caption(t("report_app_help", lang))
