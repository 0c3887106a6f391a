"""The coordinator's page "Delen en afdrukken": the resident site, the handover bundle, the poster and the profile.

Each button runs the same function as its command (``assetmap publish``, ``handover``, ``poster``,
``report``) into a temporary folder and offers the result as a download: a zip for the site and
the handover, a PDF for the poster and the profile. Nobody types a path, so it works the same on a
hosted app. The site, the poster and the profile are built from the public view only.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import streamlit as st

from assetmap import ui
from assetmap.errors import AssetmapError
from assetmap.i18n import COMPLETE_LANGUAGES, LANGUAGE_NAMES, t
from assetmap.service import Actor

__all__ = ["area_choices", "folder_zip", "share_section"]


_POSTER_SIZES = ("A0", "A1", "A2", "A3")


def folder_zip(folder: Path) -> bytes:
    """Every file under ``folder`` in a zip, with paths relative to it.

    Parameters
    ----------
    folder : pathlib.Path
        The folder.

    Returns
    -------
    bytes
        The zip file.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(file, file.relative_to(folder).as_posix())
    return buffer.getvalue()


def area_choices(boundaries, levels=("gemeente", "wijk", "buurt")) -> dict[str, str]:
    """The areas of the workspace to choose from: code -> "name (code)", gemeenten first, then wijken and buurten.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries (``code``, ``name``, ``level``).
    levels : tuple of str
        The levels to offer.

    Returns
    -------
    dict of str to str
        Code -> label, in order.
    """
    if boundaries is None or boundaries.empty:
        return {}
    choices = {}
    for level in levels:
        rows = boundaries[(boundaries["level"] == level).to_numpy()].sort_values("code")
        for code, name in zip(rows["code"], rows["name"].astype(object)):
            choices[code] = f"{name} ({code})" if name else code
    return choices


def share_section(lang: str, actor: Actor) -> None:
    """The five outputs, each with its button and its download, for one area and language.

    Parameters
    ----------
    lang : str
        Language of the page.
    actor : Actor
        The coordinator (the handover reads the history, which the service gives only to a coordinator).
    """
    path = ui.workspace_path()
    boundaries = ui.layers(path, actor)["boundaries"]
    choices = area_choices(boundaries)
    c1, c2 = st.columns([3, 1])
    area = c1.selectbox(t("share_area", lang), list(choices), index=None, key="share_area",
                        format_func=choices.get, placeholder=t("share_area_all", lang),
                        help=t("share_area_help", lang))
    # Dutch or English: the printed pieces (poster, profile, agenda) cannot shape Arabic script yet; the
    # site opens in the language chosen here and carries all five (its buttons).
    out_lang = c2.radio(t("share_language", lang), COMPLETE_LANGUAGES, key="share_lang", horizontal=True,
                        index=COMPLETE_LANGUAGES.index(lang) if lang in COMPLETE_LANGUAGES else 0,
                        format_func=LANGUAGE_NAMES.get)
    ready = st.session_state.setdefault("_share_ready", {})

    st.subheader(t("share_site", lang))
    st.caption(t("share_site_intro", lang))
    if area is not None and area.startswith("GM"):
        st.caption(t("share_site_whole", lang))
    if st.button(t("share_site_button", lang), key="share_site"):
        _prepare(lang, "site", lambda tmp: _site(path, tmp, None if area is None or area.startswith("GM") else area,
                                                 out_lang))
    _offer(lang, ready, "site", "application/zip")

    st.subheader(t("share_handover", lang))
    st.caption(t("share_handover_intro", lang))
    if st.button(t("share_handover_button", lang), key="share_handover"):
        _prepare(lang, "handover", lambda tmp: _handover(tmp, area, out_lang, actor))
    _offer(lang, ready, "handover", "application/zip")

    st.subheader(t("share_poster", lang))
    st.caption(t("share_poster_intro", lang))
    size = st.radio(t("share_poster_size", lang), _POSTER_SIZES, index=1, horizontal=True, key="share_size")
    if st.button(t("share_poster_button", lang), key="share_poster", disabled=area is None):
        _prepare(lang, "poster", lambda tmp: _poster(area, size, out_lang))
    _offer(lang, ready, "poster", "application/pdf")

    st.subheader(t("share_profile", lang))
    st.caption(t("share_profile_intro", lang))
    if st.button(t("share_profile_button", lang), key="share_profile", disabled=area is None):
        _prepare(lang, "profile", lambda tmp: _profile(area, out_lang))
    _offer(lang, ready, "profile", "application/pdf")

    st.subheader(t("share_agenda", lang))
    st.caption(t("share_agenda_intro", lang))
    weeks = st.number_input(t("share_agenda_weeks", lang), min_value=1, max_value=8, value=4, step=1,
                            key="share_agenda_weeks", placeholder=t("number_placeholder", lang))
    if st.button(t("share_agenda_button", lang), key="share_agenda", disabled=area is None):
        _prepare(lang, "agenda", lambda tmp: _agenda(path, area, int(weeks), out_lang))
    _offer(lang, ready, "agenda", "application/pdf")
    if area is None:
        st.caption(t("share_choose_area", lang))


def _prepare(lang: str, kind: str, make) -> None:
    """Run ``make(tmp)`` in a temporary folder; keep its ``(file name, bytes)`` for the download, or show why not."""
    with st.spinner(t("share_working", lang)), ui.temp_dir() as tmp:
        try:
            name, data = make(Path(tmp))
        except AssetmapError as exc:
            ui.show_error(exc, lang)
            return
    st.session_state["_share_ready"][kind] = (name, data)


def _offer(lang: str, ready: dict, kind: str, mime: str) -> None:
    """The download button of a prepared output."""
    if kind in ready:
        name, data = ready[kind]
        st.download_button(t("share_download", lang, name=name), data, file_name=name, mime=mime,
                           key=f"share_download_{kind}", icon=":material/download:")


def _site(path, tmp: Path, area: str | None, lang: str) -> tuple[str, bytes]:
    """The resident site (``assetmap publish``), zipped."""
    from assetmap.publish import publish_site

    report = publish_site(str(path), tmp / "site", area=area, lang=lang)
    return f"buurtkaart-{area or 'alles'}.zip", folder_zip(report.out_dir)


def _handover(tmp: Path, area: str | None, lang: str, actor: Actor) -> tuple[str, bytes]:
    """The handover bundle (``assetmap handover``), zipped."""
    from assetmap.handover import write_handover

    with ui.workspace() as ws:
        write_handover(ws, tmp / "overdracht", area, lang=lang)
    return f"overdracht-{area or 'alles'}.zip", folder_zip(tmp / "overdracht")


def _poster(area: str, size: str, lang: str) -> tuple[str, bytes]:
    """The workshop poster (``assetmap poster``)."""
    from assetmap.poster import poster_pdf

    with ui.workspace() as ws:
        data, _ = poster_pdf(ws, area, size, lang)
    return f"poster-{area}-{size}.pdf", data


def _agenda(path, area: str, weeks: int, lang: str) -> tuple[str, bytes]:
    """The printed agenda "Deze maand in de buurt" (``assetmap agenda``), with QR codes to the site
    when ``ASSETMAP_PUBLIC_URL`` is set."""
    from assetmap.agenda import area_agenda_pdf
    from assetmap.table_cards import check_url, public_url

    data, _ = area_agenda_pdf(str(path), area, weeks=weeks, site_url=check_url(public_url()), lang=lang)
    return f"agenda-{area}.pdf", data


def _profile(area: str, lang: str) -> tuple[str, bytes]:
    """The area's profile (``assetmap report``)."""
    from assetmap.report import report_bytes

    with ui.workspace() as ws:
        data = report_bytes(ws, area, "pdf", lang)
    return f"profiel-{area}.pdf", data
