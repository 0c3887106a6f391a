"""Streamlit glue shared by ``app.py`` and ``pages/``: settings per session, cached reads, messages.

No GIS logic: reading goes through :mod:`assetmap.storage`, maps through :mod:`assetmap.maps`.
Every read and write opens the workspace file and closes it again, so several laptops working on
one file see each other's entries on their next run.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from assetmap import settings
from assetmap.errors import AssetmapError, InputError, render_error
from assetmap.i18n import DEFAULT_LANGUAGE, LANGUAGES, page_title, t
from assetmap.service import open_workspace

REPO = Path(__file__).resolve().parent.parent
#: Map height in pixels: fits a phone screen with the controls above it.
MAP_HEIGHT = 480
_LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


# ---------------------------------------------------------------------- page setup
def setup_page(page: str) -> str:
    """Page config, language switch, page menu and workspace line in the sidebar.

    Parameters
    ----------
    page : str
        Page key (see :data:`PAGES` and :func:`~assetmap.i18n.page_title`).

    Returns
    -------
    str
        The language the user chose.
    """
    state = st.session_state
    state.setdefault("lang", DEFAULT_LANGUAGE)
    st.set_page_config(page_title=f"{page_title(page, state['lang'])} · assetmap", page_icon="🗺️",
                       layout="wide")
    # Widget state is dropped when a page does not draw the widget, so the choice lives in "lang".
    state["_lang_widget"] = state["lang"]
    st.sidebar.radio(t("language", state["lang"]), LANGUAGES, key="_lang_widget", horizontal=True,
                     format_func=_LANGUAGE_NAMES.get, on_change=_copy_widget, args=("_lang_widget", "lang"))
    lang = state["lang"]
    _page_menu(lang)
    st.sidebar.caption(f"{t('workspace', lang)}: `{workspace_path().name}`")
    return lang


#: The pages in menu order: script (relative to app.py), key of :func:`~assetmap.i18n.page_title` and a Material icon
#: (bundled with Streamlit, so it shows offline). URLs come from the file names and never change.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("app.py", "home", ":material/home:"),
    ("pages/1_Kaart.py", "map", ":material/map:"),
    ("pages/2_In_kaart_brengen.py", "workshop", ":material/add_location_alt:"),
    ("pages/3_Ontmoetingsplekken.py", "gaps", ":material/diversity_3:"),
    ("pages/4_Data.py", "data", ":material/database:"),
)


def _page_menu(lang: str) -> None:
    """The page menu in the user's language (Streamlit's own menu, switched off in
    ``.streamlit/config.toml``, would show the Dutch file names)."""
    with st.sidebar:
        for script, key, icon in PAGES:
            try:
                st.page_link(script, label=page_title(key, lang), icon=icon)
            except StreamlitAPIException:
                return  # one page run on its own (AppTest of a single page): there is no menu
        st.divider()


def pseudonym_input(lang: str) -> str:
    """The participant's pseudonym, kept for the session (recorded as ``added_by``).

    Draws a text field (at most 60 characters) in the sidebar; what is typed is kept in
    ``st.session_state["pseudonym"]``, so it survives pages that do not draw the field.

    Parameters
    ----------
    lang : str
        Language code of the field's label and help text.

    Returns
    -------
    str
        The pseudonym without surrounding spaces; ``""`` when none is given.
    """
    state = st.session_state
    state.setdefault("pseudonym", "")
    state["_pseudonym_widget"] = state["pseudonym"]
    st.sidebar.text_input(t("pseudonym", lang), key="_pseudonym_widget", help=t("pseudonym_help", lang),
                          on_change=_copy_widget, args=("_pseudonym_widget", "pseudonym"), max_chars=60)
    return state["pseudonym"].strip()


def _copy_widget(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def flash(kind: str, message: str) -> None:
    """Show ``message`` on the next run (after ``st.rerun()``).

    The message is queued in the session; :func:`show_flashes` shows and forgets it.

    Parameters
    ----------
    kind : str
        Name of the Streamlit function that shows it: ``success``, ``info``, ``warning`` or
        ``error``.
    message : str
        The text, already in the user's language.
    """
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flashes() -> None:
    """Show the messages queued with :func:`flash`, once, then forget them.

    Each is shown with ``st.<kind>``; a ``success`` also pops up as a toast.
    """
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(message)
        if kind == "success":
            st.toast(message, icon="✅")


# ---------------------------------------------------------------------- workspace
def default_workspace_path() -> Path:
    """``$ASSETMAP_WORKSPACE``, else ``workspaces/assetmap.gpkg`` in the repository (gitignored)."""
    env = os.environ.get("ASSETMAP_WORKSPACE")
    return Path(env).expanduser() if env else REPO / "workspaces" / "assetmap.gpkg"


def workspace_path() -> Path:
    """The workspace file of this session.

    Kept in ``st.session_state["workspace_path"]``; :func:`default_workspace_path` on first use.

    Returns
    -------
    pathlib.Path
        The path; the file may not exist (see :func:`require_workspace`).
    """
    state = st.session_state
    if "workspace_path" not in state:
        state["workspace_path"] = str(default_workspace_path())
    return Path(state["workspace_path"])


def workspace_version(path: Path) -> tuple[int, int]:
    """Changes whenever the file is written: the key of every cached read.

    Parameters
    ----------
    path : pathlib.Path
        The workspace file.

    Returns
    -------
    tuple of int
        The file's modification time in nanoseconds and its size in bytes.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    """
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def require_workspace(lang: str) -> Path:
    """The workspace path, or stop the page with a message when the file is missing.

    When the file is missing the page shows ``workspace_missing`` and ``st.stop()`` ends the
    run of the page's script: this function then does not return.

    Parameters
    ----------
    lang : str
        Language code of the message.

    Returns
    -------
    pathlib.Path
        The workspace file of this session (see :func:`workspace_path`); it exists.
    """
    path = workspace_path()
    if not path.is_file():
        st.info(t("workspace_missing", lang, path=path))
        st.stop()
    return path


@contextmanager
def workspace():
    """Open the workspace for one action and close it again.

    Callers turn errors into messages with :func:`show_error`.

    Yields
    ------
    assetmap.service.Workspace
        The workspace of :func:`workspace_path`, opened as its own actor (a coordinator).

    Raises
    ------
    assetmap.errors.WorkspaceError
        The file is missing, not a workspace, or of a newer schema version.
    """
    with open_workspace(workspace_path()) as ws:
        yield ws


def show_error(exc: Exception, lang: str) -> None:
    """Show an error in ``lang``: an input error with several problems as a table, another as a message.

    Parameters
    ----------
    exc : Exception
        The error; an :class:`~assetmap.errors.AssetmapError` is put into words from the catalogues,
        any other is shown as it is.
    lang : str
        Language code.
    """
    if isinstance(exc, InputError) and len(exc.problems) > 1:
        st.error(t("import_problems", lang, count=len(exc.problems)))
        st.dataframe(problems_table(exc.problems, lang), hide_index=True, width="stretch")
    else:
        st.error(t("error", lang, error=render_error(exc, lang)))


def problems_table(problems, lang: str) -> pd.DataFrame:
    """Problems as a table for the screen: row, column, message and fix in ``lang``.

    Parameters
    ----------
    problems : iterable of Problem
        Problems of an :class:`~assetmap.errors.InputError`, or import notes.
    lang : str
        Language code (column headers and texts).

    Returns
    -------
    pandas.DataFrame
        One row per problem.
    """
    problems = list(problems)
    return pd.DataFrame({
        t("col_row", lang): pd.array([p.row for p in problems], dtype="Int64"),
        t("col_column", lang): [p.column or "" for p in problems],
        t("col_problem", lang): [p.text(lang) for p in problems],
        t("col_fix", lang): [p.fix_text(lang) for p in problems],
    })


# ---------------------------------------------------------------------- cached reads
@st.cache_data(show_spinner=False, max_entries=8)
def load_layers(path: str, version: tuple[int, int]) -> dict:
    """Assets, boundaries, links and sources of a workspace version (the key changes on every write).

    Cached with ``st.cache_data`` (8 entries, shared by every session of the server); each call
    gets its own copy of the cached frames.

    Parameters
    ----------
    path : str
        The workspace file (a string, so that Streamlit can hash it).
    version : tuple of int
        From :func:`workspace_version`; only a part of the cache key, so a write reads anew.

    Returns
    -------
    dict
        ``assets`` (every asset, private ones too, as the workspace's coordinator sees them) and
        ``boundaries`` as EPSG:4326 GeoDataFrames, ``links`` and ``sources`` as DataFrames.

    Raises
    ------
    assetmap.errors.WorkspaceError
        The file is missing, not a workspace, or of a newer schema version.
    """
    with open_workspace(path) as ws:
        return {"assets": ws.assets(), "boundaries": ws.boundaries(), "links": ws.links(),
                "sources": ws.sources()}


@st.cache_data(show_spinner=False, max_entries=8)
def load_public_assets(path: str, version: tuple[int, int]) -> gpd.GeoDataFrame:
    """The public view of a workspace version, as the service gives it to the public role.

    Parameters
    ----------
    path : str
        The workspace file.
    version : tuple of int
        :func:`workspace_version` of the file: the cache key, which changes on every write.

    Returns
    -------
    geopandas.GeoDataFrame
        The assets the public may see, in EPSG:4326 (individuals at their area's anchor,
        contact fields and ``added_by`` emptied).

    Raises
    ------
    assetmap.errors.WorkspaceError
        The file is missing, not a workspace, or of a newer schema version.
    """
    from assetmap.service import Actor
    with open_workspace(path) as ws:
        return ws.assets(actor=Actor(None, "public"))


def layers(path: Path) -> dict:
    """The layers of the workspace as the file is now (:func:`load_layers`, cached by version).

    Parameters
    ----------
    path : pathlib.Path
        The workspace file.

    Returns
    -------
    dict
        ``assets``, ``boundaries``, ``links`` and ``sources`` (see :func:`load_layers`).

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    assetmap.errors.WorkspaceError
        The file is not a workspace, or of a newer schema version.
    """
    return load_layers(str(path), workspace_version(path))


# ---------------------------------------------------------------------- uploads
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
