"""What the pages draw that asks nobody's role: the app's styles, maps with a skip link, messages.

Part of :mod:`assetmap.ui` (which re-exports every name here): the page language and styles,
:func:`show_map`, the screen-reader status line, queued messages (:func:`flash`) and the table of
an import's problems.
"""

from __future__ import annotations

import html
import json

import pandas as pd
import streamlit as st

from assetmap.i18n import t

__all__ = ["MAP_HEIGHT", "flash", "live_status", "problems_table", "show_flashes", "show_map"]

#: Map height in pixels: fits a phone screen with the controls above it.
MAP_HEIGHT = 480

#: Styles of the whole app: the skip link shows when it has the focus, captions reach 4.5:1 (WCAG
#: 1.4.3; Streamlit fades them to 60 % of the text colour), the focus ring is always visible.
_APP_CSS = """<style>
.assetmap-skip { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }
.assetmap-skip:focus { position: static; width: auto; height: auto; display: inline-block; padding: 10px 14px;
  background: #fff; color: #0b3d91; border: 3px solid #0b3d91; border-radius: 4px; font-weight: 600; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4a4d59 !important; }
.assetmap-scroll { max-height: 320px; overflow-y: auto; border: 1px solid #8a8d99; border-radius: 6px; padding: 8px 4px; }
.assetmap-scroll:focus-visible { outline: 3px solid #0b3d91; outline-offset: 2px; }
.assetmap-list { list-style: none; padding-left: 4px; margin: 0; }
.assetmap-list li { margin: 0 0 .8em 0; color: #262730; }
.assetmap-status { font-weight: 600; margin: 0; }
</style>"""


def _page_language(lang: str) -> None:
    """Tell the browser the page's language (WCAG 3.1.1): Streamlit's page always says ``lang="en"``.

    The script runs in the page itself (``st.html`` is not framed) and sets ``lang`` on its
    ``<html>``; it is drawn again whenever the language changes. The app's styles come along.
    """
    st.html(_APP_CSS)
    script = f"<script>document.documentElement.lang = {json.dumps(lang)};</script>"
    st.sidebar.html(script, unsafe_allow_javascript=True)


def live_status(message: str) -> None:
    """A line that screen readers read out whenever it changes (an ARIA live region, WCAG 4.1.3).

    Parameters
    ----------
    message : str
        The text, in the user's language (escaped here).
    """
    st.markdown(f'<p class="assetmap-status" role="status" aria-live="polite">{html.escape(message)}</p>',
                unsafe_allow_html=True)


def show_map(fmap, key: str, lang: str, returned_objects: list[str] | None = None):
    """Draw a folium map with a skip link before it that jumps to just after it (WCAG 2.4.1).

    Parameters
    ----------
    fmap : folium.Map
        The map (from :mod:`assetmap.maps`).
    key : str
        Streamlit key of the map; also names the skip link's target.
    lang : str
        Language code of the skip link.
    returned_objects : list of str, optional
        What the map sends back (see ``streamlit_folium.st_folium``); default nothing.

    Returns
    -------
    dict
        What ``st_folium`` returns.
    """
    from streamlit_folium import st_folium

    target = f"after-{key}".replace("_", "-")
    st.markdown(f'<a class="assetmap-skip" href="#{target}">{html.escape(t("skip_map", lang))}</a>',
                unsafe_allow_html=True)
    value = st_folium(fmap, key=key, height=MAP_HEIGHT, use_container_width=True,
                      returned_objects=returned_objects or [])
    st.markdown(f'<div id="{target}" tabindex="-1"></div>', unsafe_allow_html=True)
    return value


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
