"""Streamlit glue shared by ``app.py`` and ``pages/``: settings per session, cached reads, messages.

No GIS logic: reading goes through :mod:`assetmap.service`, maps through :mod:`assetmap.maps`.
Every read and write opens the workspace file and closes it again, so several laptops working on
one file see each other's entries on their next run.

This module holds what depends on the session: page setup and menu, access and sign-in, where the
workspace is and how it is opened, and its errors. It re-exports the rest, so every page keeps
writing ``ui.X``: the cached reads (:mod:`assetmap._ui_reads`), what a page draws that asks no role
(:mod:`assetmap._ui_widgets`) and uploads (:mod:`assetmap._ui_uploads`).

Access: :func:`session_actor` says who the visitor is (the role ``ASSETMAP_ACCESS`` gives an
anonymous visitor, raised by signing in), and every page hands that actor to every service call
(:func:`workspace` opens the workspace as that actor, :func:`layers` reads what that actor may
see). The service refuses what the role may not do; what the pages hide is presentation only.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit import config as st_config
from streamlit.errors import StreamlitAPIException

from assetmap import settings
from assetmap._ui_reads import (
    load_block_labels,
    load_boundaries,
    load_layers,
    load_public_assets,
    public_list_html,
    public_map,
    shared_public,
)
from assetmap._ui_uploads import save_upload, temp_dir, upload_too_large
from assetmap._ui_widgets import (
    MAP_HEIGHT,
    RenderedMap,
    _page_language,
    flash,
    live_status,
    problems_table,
    render_map,
    show_flashes,
    show_map,
)
from assetmap.errors import AssetmapError, InputError, render_error
from assetmap.i18n import (
    COMPLETE_LANGUAGES,
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    page_title,
    t,
    use_block_labels,
)
from assetmap.service import Actor, Workspace, open_workspace, policy
from assetmap.storage import location_exists
from assetmap.storage.postgis import is_uri
from assetmap.storage.postgis import mask as mask_uri

__all__ = [
    # the session: the page, who the visitor is, where the workspace is
    "ACCESS_ENV", "LOCAL_ADDRESSES", "PAGES", "PAGE_ROLES", "REPO", "RESIDENT_PAGES", "ServerLocation", "anonymous_role",
    "as_location", "default_workspace_path", "geocode", "has_role", "hosted", "layers", "listens_locally",
    "local_files_allowed", "pseudonym_input", "require_role", "require_workspace", "server_change_count",
    "session_actor", "setup_page", "show_error", "sign_out", "signed_in", "workspace", "workspace_path",
    "workspace_version",
    # re-exported from _ui_reads, _ui_widgets and _ui_uploads
    "MAP_HEIGHT", "RenderedMap", "flash", "live_status", "load_block_labels", "load_boundaries", "load_layers",
    "load_public_assets", "problems_table", "public_list_html", "public_map", "render_map", "save_upload", "shared_public",
    "show_flashes", "show_map", "temp_dir", "upload_too_large",
]

REPO = Path(__file__).resolve().parent.parent
#: The pages a resident reads: they speak every language of :data:`~assetmap.i18n.LANGUAGES` (Turkish, Arabic
#: and Polish too); the workshop and coordinator pages speak Dutch and English (English for the others).
#: Their texts are :data:`~assetmap.i18n.RESIDENT_CODES` (/Kaart, the statement) and
#: :data:`~assetmap.i18n.GAPS_PUBLIC_CODES` (/Ontmoetingsplekken).
RESIDENT_PAGES: tuple[str, ...] = ("map", "gaps", "statement")


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
        The language the user chose; on a page outside :data:`RESIDENT_PAGES`, English when the user
        chose a language beyond Dutch and English (the choice is kept for the resident pages).
    """
    state = st.session_state
    state.setdefault("lang", DEFAULT_LANGUAGE)
    # ?lang=en in a link chooses the language; the switch below still changes it afterwards.
    asked = st.query_params.get("lang")
    if asked in LANGUAGES and asked != state.get("_lang_asked"):
        state["lang"] = state["_lang_asked"] = asked
    offered = LANGUAGES if page in RESIDENT_PAGES else COMPLETE_LANGUAGES
    lang = state["lang"] if state["lang"] in offered else "en"
    st.set_page_config(page_title=f"{page_title(page, lang)} · assetmap", page_icon="🗺️", layout="wide")
    # Widget state is dropped when a page does not draw the widget, so the choice lives in "lang".
    state["_lang_widget"] = lang
    st.sidebar.radio(t("language", lang), offered, key="_lang_widget", horizontal=True,
                     format_func=LANGUAGE_NAMES.get, on_change=_copy_widget, args=("_lang_widget", "lang"))
    _page_language(lang)
    actor = session_actor()
    _page_menu(lang, actor)
    _sign_in_panel(lang)
    if local_files_allowed(actor):
        st.sidebar.caption(f"{t('workspace', lang)}: `{workspace_path().name}`")
    return lang


#: The pages in menu order: script (relative to app.py), key of :func:`~assetmap.i18n.page_title` and a Material icon
#: (bundled with Streamlit, so it shows offline). URLs come from the file names and never change.
#: Which role a page needs is in :data:`PAGE_ROLES`.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("app.py", "home", ":material/home:"),
    ("pages/1_Kaart.py", "map", ":material/map:"),
    ("pages/2_In_kaart_brengen.py", "workshop", ":material/add_location_alt:"),
    ("pages/3_Ontmoetingsplekken.py", "gaps", ":material/diversity_3:"),
    ("pages/9_Verbindingen.py", "page_connections", ":material/hub:"),
    ("pages/4_Data.py", "data", ":material/database:"),
    ("pages/5_Veranderd.py", "changes", ":material/history:"),
    ("pages/6_Toegankelijkheid.py", "statement", ":material/accessibility:"),
    ("pages/7_Werksessie.py", "page_session", ":material/groups:"),
    ("pages/8_Delen.py", "page_share", ":material/ios_share:"),
)


#: Page key -> the least role that may use the page (the page itself stops others with
#: :func:`require_role`; the menu leaves it out for them).
PAGE_ROLES: dict[str, str] = {"home": "public", "map": "public", "workshop": "workshop", "gaps": "public",
                              "data": "workshop", "statement": "public", "page_session": "coordinator",
                              "page_share": "coordinator", "page_connections": "public"}


def _page_menu(lang: str, actor: Actor) -> None:
    """The page menu in the user's language (Streamlit's own menu, switched off in
    ``.streamlit/config.toml``, would show the Dutch file names), without the pages the actor may not use."""
    with st.sidebar:
        for script, key, icon in PAGES:
            if not has_role(actor, PAGE_ROLES.get(key, "coordinator")):
                continue
            try:
                st.page_link(script, label=page_title(key, lang), icon=icon)
            except StreamlitAPIException:
                return  # one page run on its own (AppTest of a single page): there is no menu
        st.divider()


def pseudonym_input(lang: str) -> str:
    """The participant's pseudonym, kept for the session (recorded as ``added_by``).

    Draws a text field (at most 60 characters) on the page itself, at the top (on a phone the sidebar is
    folded away, so a field there is not seen); what is typed is kept in
    ``st.session_state["pseudonym"]``, so it survives pages that do not draw the field. Someone
    who signed in (:func:`signed_in`) gets no field: their pseudonym is the one they signed in with.

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
    signed = signed_in()
    if signed is not None and signed.pseudonym:
        return signed.pseudonym  # the name signed in with; shown by the sign-in panel
    state["_pseudonym_widget"] = state["pseudonym"]
    st.text_input(t("pseudonym", lang), key="_pseudonym_widget", help=t("pseudonym_help", lang),
                  on_change=_copy_widget, args=("_pseudonym_widget", "pseudonym"), max_chars=60)
    return state["pseudonym"].strip()


def _copy_widget(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


# ---------------------------------------------------------------------- access
#: Environment variable with the role of an anonymous visitor: ``public``, ``workshop`` or ``coordinator``.
ACCESS_ENV = "ASSETMAP_ACCESS"
#: ``server.address`` values that keep the server on this computer.
LOCAL_ADDRESSES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Request headers that a reverse proxy adds: a request that carries one came from elsewhere.
_PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")
_SIGNED_IN = "_signed_in"


def listens_locally() -> bool:
    """Whether the server can be reached from this computer only.

    True when Streamlit's ``server.address`` is ``localhost``, ``127.0.0.1`` or ``::1`` and the
    request did not come through a reverse proxy (no ``Forwarded``/``X-Forwarded-For``/``X-Real-IP``
    header). An unset address means every interface, so the server is reachable: False.

    Returns
    -------
    bool
        True for a server on localhost only.
    """
    address = str(st_config.get_option("server.address") or "").strip().strip("[]").lower()
    if address not in LOCAL_ADDRESSES:
        return False
    try:
        headers = {name.lower() for name in st.context.headers.keys()}
    except Exception:  # noqa: BLE001 - no request (a bare run): nothing was forwarded
        headers = set()
    return not headers.intersection(_PROXY_HEADERS)


def hosted() -> bool:
    """Whether the app runs for others: ``ASSETMAP_ACCESS`` is set, or the server is not on localhost only.

    In hosted mode files come in by upload only and no workspace or server file name is shown.

    Returns
    -------
    bool
        True when hosted.
    """
    return bool(os.environ.get(ACCESS_ENV, "").strip()) or not listens_locally()


def anonymous_role() -> str:
    """The role of a visitor who has not signed in.

    ``ASSETMAP_ACCESS`` when it is set (an unknown value counts as ``public``); when it is not set,
    ``coordinator`` on a server that listens on localhost only (:func:`listens_locally`: one person
    on their own computer, as before) and ``public`` otherwise.

    Returns
    -------
    str
        ``public``, ``workshop`` or ``coordinator``.
    """
    given = os.environ.get(ACCESS_ENV, "").strip().lower()
    if given:
        return given if policy.is_role(given) else "public"
    return "coordinator" if listens_locally() else "public"


def has_role(actor: Actor, role: str) -> bool:
    """Whether ``actor`` has at least the rights of ``role`` (``public`` < ``workshop`` < ``coordinator``).

    Parameters
    ----------
    actor : Actor
        Who asks (see :func:`session_actor`).
    role : str
        The least role needed.

    Returns
    -------
    bool
        True when the actor's role is ``role`` or a higher one.
    """
    return policy.at_least(actor, role)


def signed_in() -> Actor | None:
    """Who signed in in this session: with an account or a table code, or with OpenID Connect.

    Returns
    -------
    Actor or None
        The actor the service gave at sign-in; None when nobody signed in.
    """
    actor = st.session_state.get(_SIGNED_IN)
    if isinstance(actor, Actor):
        return actor
    oidc = _oidc()
    if oidc is not None and _oidc_configured(oidc):
        try:
            actor = oidc.oidc_actor()
        except Exception:  # noqa: BLE001 - a broken sign-in signs nobody in
            return None
        return actor if isinstance(actor, Actor) else None
    return None


def session_actor() -> Actor:
    """Who the visitor is: the actor every page gives to every service call.

    The role is the higher of :func:`anonymous_role` and the role of whoever signed in
    (:func:`signed_in`); the pseudonym is the signed-in one, else the one typed in the sidebar
    (:func:`pseudonym_input`), else None.

    Returns
    -------
    Actor
        The session's actor.
    """
    role = anonymous_role()
    signed = signed_in()
    if signed is not None:
        role = policy.higher_role(role, signed.role)
    if signed is not None and signed.pseudonym:
        pseudonym = signed.pseudonym
    else:
        pseudonym = str(st.session_state.get("pseudonym") or "").strip() or None
    return Actor(pseudonym, role)


def local_files_allowed(actor: Actor) -> bool:
    """Whether server paths may be typed and workspace file names shown: a coordinator on localhost.

    Parameters
    ----------
    actor : Actor
        Who asks (see :func:`session_actor`).

    Returns
    -------
    bool
        True for a ``coordinator`` when the app is not :func:`hosted`.
    """
    return policy.may_manage(actor) and not hosted()


def require_role(role: str, lang: str) -> Actor:
    """The session's actor, or stop the page with a short message when its role is below ``role``.

    Hiding is presentation only: the service refuses what the role may not do either way.

    Parameters
    ----------
    role : str
        The least role the page needs (see :data:`PAGE_ROLES`).
    lang : str
        Language code of the message.

    Returns
    -------
    Actor
        The session's actor (:func:`session_actor`); when its role is too low, ``access_denied`` is
        shown and ``st.stop()`` ends the run, so the function does not return.
    """
    actor = session_actor()
    if not has_role(actor, role):
        st.warning(t("access_denied", lang))
        try:
            st.page_link("pages/1_Kaart.py", label=page_title("map", lang), icon=":material/map:")
        except StreamlitAPIException:
            pass  # one page run on its own (AppTest of a single page): there is no other page
        st.stop()
    return actor


def sign_out() -> None:
    """Forget who signed in (and sign out of OpenID Connect); the anonymous role applies again."""
    state = st.session_state
    for key in (_SIGNED_IN, "export", "_export_full"):  # a prepared export goes with the one who made it
        state.pop(key, None)
    state["pseudonym"] = ""
    oidc = _oidc()
    if oidc is not None and _oidc_configured(oidc) and getattr(st.user, "is_logged_in", False):
        st.logout()


def _oidc():
    """The OpenID Connect module (``assetmap.auth_oidc``), or None when this version has none."""
    try:
        from assetmap import auth_oidc
    except ImportError:
        return None
    return auth_oidc


def _oidc_configured(module) -> bool:
    """Whether the OpenID Connect module says a provider is configured."""
    check = getattr(module, "oidc_configured", None)
    try:
        return bool(check is not None and check())
    except Exception:  # noqa: BLE001 - a broken configuration offers no sign-in
        return False


def _sign_in_panel(lang: str) -> None:
    """Sidebar: who is signed in and a sign-out button, or the ways to sign in (account, table code, OIDC)."""
    signed = signed_in()
    bar = st.sidebar
    if signed is not None:
        bar.caption(t("signed_in_as", lang, name=signed.pseudonym or "", role=t("role_" + signed.role, lang)))
        if bar.button(t("sign_out", lang), key="sign_out"):
            sign_out()
            flash("info", t("signed_out", lang))
            st.rerun()
        return
    if policy.role_at_least(anonymous_role(), "coordinator"):
        return  # signing in gives nothing more
    bar.caption(t("access_line", lang, role=t("role_" + anonymous_role(), lang)))
    with bar.expander(t("sign_in", lang)):
        if getattr(Workspace, "sign_in", None) is not None:
            with st.form("sign_in_account_form", clear_on_submit=True, border=False, enter_to_submit=False):
                st.caption(t("sign_in_account", lang))
                name = st.text_input(t("sign_in_name", lang), key="sign_in_name", max_chars=100)
                password = st.text_input(t("sign_in_password", lang), key="sign_in_password", type="password",
                                         max_chars=200)
                if st.form_submit_button(t("sign_in_button", lang)):
                    if not name.strip() or not password:
                        st.error(t("sign_in_missing", lang))
                    else:
                        _sign_in(lambda ws: ws.sign_in(name.strip(), password, client=_client()), lang)
        if getattr(Workspace, "redeem_table_code", None) is not None:
            with st.form("sign_in_table_form", clear_on_submit=True, border=False, enter_to_submit=False):
                st.caption(t("table_code", lang))
                code = st.text_input(t("table_code", lang), key="table_code", max_chars=40)
                pseudonym = st.text_input(t("pseudonym", lang), key="table_pseudonym", max_chars=60,
                                          help=t("pseudonym_help", lang))
                if st.form_submit_button(t("table_code_button", lang)):
                    if not code.strip() or not pseudonym.strip():
                        st.error(t("sign_in_missing", lang))
                    else:
                        _sign_in(lambda ws: ws.redeem_table_code(code.strip(), pseudonym.strip(), client=_client()),
                                 lang)
        oidc = _oidc()
        if oidc is not None and _oidc_configured(oidc):
            if st.button(t("sign_in_oidc", lang), key="sign_in_oidc"):
                st.login()
        if getattr(Workspace, "sign_in", None) is None and getattr(Workspace, "redeem_table_code", None) is None \
                and (oidc is None or not _oidc_configured(oidc)):
            st.caption(t("sign_in_unavailable", lang))


def _client() -> str | None:
    """Who is signing in, for the service's throttle: the address of the connection, or, when that is
    a reverse proxy on this machine, the address the proxy saw (the last ``X-Forwarded-For`` entry,
    which the proxy writes itself). A header from a visitor who connects directly is not believed:
    with a new one each try they would be a new client each time. None outside a request."""
    try:
        address = st.context.ip_address
        if address not in LOCAL_ADDRESSES:
            return address
        forwarded = st.context.headers.get("X-Forwarded-For") or ""
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        return hops[-1] if hops else (st.context.headers.get("X-Real-IP") or address)
    except Exception:  # noqa: BLE001 - no request (a bare run): the one local client
        return None


def _sign_in(call, lang: str) -> None:
    """Run a sign-in ``call(ws)``; keep the actor it gives, or show why it failed (by code, never a traceback)."""
    try:
        with workspace() as ws:
            actor = call(ws)
    except AssetmapError as exc:
        st.error(t("sign_in_not_done", lang, error=_scrub(render_error(exc, lang))))
        return
    except Exception:  # noqa: BLE001 - whatever went wrong, the visitor gets a message, not a traceback
        st.error(t("sign_in_not_done", lang, error=t("sign_in_broken", lang)))
        return
    if not isinstance(actor, Actor):  # None: the service knows no such name, password or code
        st.error(t("sign_in_not_done", lang, error=t("sign_in_wrong" if actor is None else "sign_in_broken", lang)))
        return
    st.session_state[_SIGNED_IN] = actor
    st.session_state["pseudonym"] = actor.pseudonym or ""
    flash("success", t("signed_in_as", lang, name=actor.pseudonym or "", role=t("role_" + actor.role, lang)))
    st.rerun()


# ---------------------------------------------------------------------- workspace
class ServerLocation(str):
    """A workspace in a server database (a ``postgresql://`` URI) with the few ``Path`` methods the
    pages use, so that every page takes a file or a server alike. ``str()`` is the URI itself (to
    open it); :attr:`name` is the URI with its password masked (to show it)."""

    @property
    def name(self) -> str:
        """The URI with its password masked."""
        return mask_uri(self)

    def is_file(self) -> bool:
        """Whether the workspace exists in its schema (a server that cannot be reached counts as
        present, so that opening it says why)."""
        return location_exists(self)

    def expanduser(self) -> ServerLocation:
        """The location itself (there is no home folder in a URI)."""
        return self


def server_change_count(location: str) -> int:
    """How many write transactions a server workspace has committed (the cache key of its reads).

    Parameters
    ----------
    location : str
        A ``postgresql://`` workspace URI.

    Returns
    -------
    int
        The counter; -1 when the workspace cannot be opened (the page then says why).
    """
    from assetmap.errors import WorkspaceError
    from assetmap.storage import PostgisStore
    try:
        store = PostgisStore.open(location)
    except WorkspaceError:
        return -1
    try:
        return store.change_count()
    finally:
        store.close()


def as_location(text: str | os.PathLike) -> Path | ServerLocation:
    """A workspace location as typed: a :class:`ServerLocation` for a PostgreSQL URI, else a path.

    Parameters
    ----------
    text : str or path-like
        A ``.gpkg`` path or ``postgresql://user:password@host:port/db?schema=name``.

    Returns
    -------
    pathlib.Path or ServerLocation
        The location.
    """
    if is_uri(str(text)):
        return ServerLocation(str(text))
    return Path(text).expanduser()


def default_workspace_path() -> Path | ServerLocation:
    """``$ASSETMAP_WORKSPACE`` (a file or a ``postgresql://`` URI), else ``workspaces/assetmap.gpkg`` in
    the repository (gitignored)."""
    env = os.environ.get("ASSETMAP_WORKSPACE")
    return as_location(env) if env else REPO / "workspaces" / "assetmap.gpkg"


def workspace_path() -> Path:
    """The workspace file of this session.

    Kept in ``st.session_state["workspace_path"]``; :func:`default_workspace_path` on first use.
    When the app is :func:`hosted` it is always :func:`default_workspace_path`: nobody can point
    a hosted app at another file.

    Returns
    -------
    pathlib.Path or ServerLocation
        The path (the file may not exist, see :func:`require_workspace`), or a server workspace
        when the location is a ``postgresql://`` URI.
    """
    if hosted():
        return default_workspace_path()
    state = st.session_state
    if "workspace_path" not in state:
        state["workspace_path"] = str(default_workspace_path())
    return as_location(state["workspace_path"])


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
    if isinstance(path, ServerLocation):
        return server_change_count(path), 0
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def require_workspace(lang: str, home: bool = False) -> Path:
    """The workspace path, or stop the page with a message when the file is missing.

    When the file is missing the page shows ``workspace_missing`` (with the path only for a
    coordinator on localhost, see :func:`local_files_allowed`) and ``st.stop()`` ends the run of
    the page's script: this function then does not return.

    Parameters
    ----------
    lang : str
        Language code of the message.
    home : bool
        The start page asks: the message says "create it here", not "on the start page".

    Returns
    -------
    pathlib.Path
        The workspace file of this session (see :func:`workspace_path`); it exists.
    """
    path = workspace_path()
    if not path.is_file():
        if local_files_allowed(session_actor()):
            st.info(t("workspace_missing_home" if home else "workspace_missing", lang, path=path))
        else:
            st.info(t("workspace_missing_home_hosted" if home else "workspace_missing_hosted", lang))
        st.stop()
    try:  # the workspace's own names ("Talenten") for every label this run draws
        use_block_labels(load_block_labels(str(path), workspace_version(path)))
    except AssetmapError:
        use_block_labels(None)  # the page itself says what is wrong with the file when it opens it
    return path


@contextmanager
def workspace():
    """Open the workspace for one action and close it again.

    Callers turn errors into messages with :func:`show_error`.

    Yields
    ------
    assetmap.service.Workspace
        The workspace of :func:`workspace_path`, opened as the session's actor
        (:func:`session_actor`): a call that names nobody, or only a pseudonym, has that role.

    Raises
    ------
    assetmap.errors.WorkspaceError
        The file is missing, not a workspace, or of a newer schema version.
    """
    # Moderation is the workspace's own stored setting, the same for the app and the CLI.
    with open_workspace(workspace_path(), session_actor()) as ws:
        use_block_labels(ws.labels())  # the workspace's own names ("Talenten") on every page
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
        st.error(t("error", lang, error=_scrub(render_error(exc, lang))))


def _scrub(message: str) -> str:
    """In hosted mode: the message with the workspace's folder and the temporary folder left out."""
    if not hosted():
        return message
    if isinstance(default_workspace_path(), ServerLocation):
        return message.replace(str(default_workspace_path()), default_workspace_path().name)
    folders = {str(default_workspace_path().resolve().parent), str(default_workspace_path().parent),
               str(Path(tempfile.gettempdir()).resolve()), tempfile.gettempdir()}
    for folder in sorted((f for f in folders if len(f) > 1), key=len, reverse=True):
        message = message.replace(folder, "…")
    return message


def layers(path: Path, actor: Actor) -> dict:
    """The layers of the workspace as the file is now and as ``actor`` may see them (:func:`load_layers`).

    Parameters
    ----------
    path : pathlib.Path
        The workspace file.
    actor : Actor
        Who looks (:func:`session_actor`, or a lesser actor such as the public one).

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
    # Only a workshop actor's view depends on the pseudonym: one cache entry for every other session.
    return load_layers(str(path), workspace_version(path), actor.role,
                       actor.pseudonym if policy.is_participant(actor) else None)


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
