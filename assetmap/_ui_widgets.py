"""What the pages draw that asks nobody's role: the app's styles, maps with a skip link, messages.

Part of :mod:`assetmap.ui` (which re-exports every name here): the page language and styles,
:func:`show_map`, the screen-reader status line, queued messages (:func:`flash`) and the table of
an import's problems.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from assetmap.fonts import arabic_font_css
from assetmap.i18n import direction, t

__all__ = ["MAP_HEIGHT", "RenderedMap", "flash", "live_status", "problems_table", "render_map", "show_flashes",
           "show_map"]

#: Map height in pixels: fits a phone screen with the controls above it.
MAP_HEIGHT = 480

#: Styles of the whole app: the skip link shows when it has the focus, captions reach 4.5:1 (WCAG
#: 1.4.3; Streamlit fades them to 60 % of the text colour), the focus ring is always visible.
#: Where the app serves ``static/fonts`` (Streamlit's static serving, as for Leaflet).
FONT_URL = "/app/static/fonts"
#: The text of an Arabic page in the shipped font first (Arabic code points only, see assetmap.fonts);
#: icon glyphs keep their own font.
_ARABIC_TEXT_CSS = """
html:lang(ar) body, html:lang(ar) p, html:lang(ar) li, html:lang(ar) label, html:lang(ar) h1, html:lang(ar) h2,
html:lang(ar) h3, html:lang(ar) input, html:lang(ar) button, html:lang(ar) a {
  font-family: "Noto Sans Arabic", "Source Sans", "Source Sans Pro", sans-serif; }
"""
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

    Arabic also turns the page right to left (``dir="rtl"``): the text, lists and widgets mirror; the map
    itself (its own frame) keeps its layout.

    The script runs in the page itself (``st.html`` is not framed) and sets ``lang`` on its
    ``<html>``; it is drawn again whenever the language changes. The app's styles come along.
    """
    st.html(_APP_CSS)
    if lang == "ar":  # Arabic glyphs from the shipped font, served with the app (assetmap.fonts)
        st.html(f"<style>{arabic_font_css(FONT_URL)}{_ARABIC_TEXT_CSS}</style>")
    script = (f"<script>document.documentElement.lang = {json.dumps(lang)};"
              f"document.documentElement.dir = {json.dumps(direction(lang))};</script>")
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


@dataclass(frozen=True)
class RenderedMap:
    """A folium map rendered once into what the map component draws: shareable across sessions.

    Rendering (branca's templates, the GeoJSON of every layer) is most of a map's cost; a page that
    draws the same map for every visitor renders it once (:func:`render_map`) and shares this.

    Parameters
    ----------
    script : str
        The map's Leaflet script.
    header : str
        What goes in the map frame's head.
    html : str
        The map's HTML.
    map_id : str
        The map's element id.
    css_links : tuple of str
        The style sheets the map loads.
    js_links : tuple of str
        The scripts the map loads.
    defaults : tuple of tuple
        What the map returns before anyone touches it (``bounds``, ``zoom``), as ``(key, value)``.
    """

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    defaults: tuple[tuple[str, object], ...]


def render_map(fmap) -> RenderedMap:
    """Render a folium map the way ``streamlit_folium.st_folium`` does, once.

    Parameters
    ----------
    fmap : folium.Map
        The map (from :mod:`assetmap.maps`); rendering changes it, so it is not drawn again.

    Returns
    -------
    RenderedMap
        What :func:`show_map` draws.
    """
    import streamlit_folium as sf

    fmap.get_root().render()
    fmap.render()
    page_html, header = sf._get_html(fmap), sf._get_header(fmap)  # before _get_map_string changes the map
    script = sf._get_map_string(fmap)
    (south, west), (north, east) = fmap.get_bounds()
    bounds = {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}
    css, js = [], []
    stack = [fmap]
    while stack:  # every element's style sheets and scripts, in the order st_folium lists them
        element = stack.pop(0)
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        stack[0:0] = list(getattr(element, "_children", {}).values())
    return RenderedMap(script, header, page_html, sf.get_full_id(fmap), tuple(dict.fromkeys(css)),
                       tuple(dict.fromkeys(js)), (("bounds", bounds), ("zoom", fmap.options.get("zoom"))))


def show_map(fmap, key: str, lang: str, returned_objects: list[str] | None = None):
    """Draw a folium map with a skip link before it that jumps to just after it (WCAG 2.4.1).

    Parameters
    ----------
    fmap : folium.Map or RenderedMap
        The map (from :mod:`assetmap.maps`), or one rendered already (:func:`render_map`), which is
        drawn as it is, without rendering it again.
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
    if isinstance(fmap, RenderedMap):
        value = _draw_rendered(fmap, key, returned_objects or [])
    else:
        value = st_folium(fmap, key=key, height=MAP_HEIGHT, use_container_width=True,
                          returned_objects=returned_objects or [])
    st.markdown(f'<div id="{target}" tabindex="-1"></div>', unsafe_allow_html=True)
    return value


def _draw_rendered(rendered: RenderedMap, key: str, returned_objects: list[str]):
    """The map component with a rendered map: the arguments st_folium itself passes it."""
    import streamlit_folium as sf

    hash_key = sf.generate_js_hash(rendered.script, key, False)

    def on_change():
        st.session_state[key] = st.session_state.get(hash_key, {})

    defaults = {k: None for k in returned_objects} | {k: v for k, v in rendered.defaults if k in returned_objects}
    return sf._component_func(
        script=rendered.script, header=rendered.header, html=rendered.html, id=rendered.map_id, key=hash_key,
        height=MAP_HEIGHT, width=None, returned_objects=returned_objects, default=defaults, zoom=None,
        center=None, feature_group=None, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(rendered.css_links), js_links=list(rendered.js_links), on_change=on_change,
        wrap_longitude=False)


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
