"""'Wanneer open' and 'Bij mij in de buurt' on the residents' map: open now, open on a day, near a street.

One self-contained section of ``pages/1_Kaart.py``: :func:`when_where_widgets` draws the choices
(inside the page's "Filters" expander, so on a phone nothing stays open over the map),
:func:`when_where_filter` applies them to the public view and :func:`show_when_where_notes` tells
what was left out (places whose hours are unknown) and how far each place is.

Open means what it means in the coverage analysis (:mod:`assetmap.layers.opening`): open at any
moment of the window or an activity runs then; hours unknown are never counted as open. Times are
local Dutch time. "Near" is measured in a straight line (RD New) from a street typed by the
resident and found in the workspace's own street names (the OSM walking ways): nothing is looked
up online, and the app never asks for the browser's location (it would have to be sent to the
server; the published site uses it in the browser only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import geopandas as gpd
import pandas as pd
import streamlit as st

from assetmap import maps, settings
from assetmap.i18n import t
from assetmap.layers import opening
from assetmap.layers.schema import text_fields
from assetmap.layers.translations import in_language
from assetmap.messages import N_
from assetmap.service import Actor, open_workspace

__all__ = ["DISTANCES_M", "CLOCK_KEY", "NOT_PLACES", "WhenWhere", "when_where_widgets", "find_street", "when_where_filter",
           "show_when_where_notes", "near_table"]

#: The distances a resident can pick for "near me", in metres.
DISTANCES_M: tuple[int, ...] = (250, 500, 1000, 2000)
#: Building blocks that are no place with hours (left out under a time filter, never "hours unknown").
NOT_PLACES: tuple[str, ...] = ("story", "individual")
#: Session-state key of the clock "nu open" reads (a ``datetime``); the real clock when not set.
#: Tests set it to ask "open now" at a given moment without touching the system clock.
CLOCK_KEY = "map_clock"
_WHEN = ("any", "now", "on")
#: Texts looked up by a code built at run time (kept by the extraction through ``N_``).
_RUNTIME_TEXTS = (N_("filter_when_any"), N_("filter_when_now"), N_("filter_when_on"),
                  N_("weekday_mo"), N_("weekday_tu"), N_("weekday_we"), N_("weekday_th"), N_("weekday_fr"),
                  N_("weekday_sa"), N_("weekday_su"),
                  N_("part_morning"), N_("part_afternoon"), N_("part_evening"), N_("part_day"))


@dataclass
class WhenWhere:
    """What the resident chose, and what it left.

    Parameters
    ----------
    when : str
        ``any``, ``now`` or ``on`` (a day and a part of the day).
    day, part : str
        For ``on``: one of :data:`assetmap.layers.opening.WEEKDAYS` and of
        :data:`~assetmap.layers.opening.PARTS_OF_DAY`.
    near : str
        The street typed ("" for none).
    distance_m : int
        The distance chosen.
    street : str or None
        The street found for ``near`` (its name as the map data writes it).
    unknown : pandas.DataFrame
        The entries left out because their hours are unknown (``when`` set).
    distance : pandas.Series
        Metres from the street per entry shown (empty without ``near``).
    """

    when: str = "any"
    day: str = "mo"
    part: str = "day"
    near: str = ""
    distance_m: int = 500
    street: str | None = None
    unknown: pd.DataFrame = field(default_factory=pd.DataFrame)
    distance: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))

    @property
    def active(self) -> bool:
        """Whether any of the two filters is set."""
        return self.when != "any" or bool(self.near.strip())


def when_where_widgets(lang: str) -> WhenWhere:
    """Draw the choices: when open (always, now, on a day and part of the day) and near a street.

    Parameters
    ----------
    lang : str
        Language of the labels.

    Returns
    -------
    WhenWhere
        The choices (nothing applied yet).
    """
    w1, w2, w3 = st.columns(3)
    when = w1.radio(t("filter_open", lang), _WHEN, key="map_when", horizontal=True,
                    format_func=lambda w: t(f"filter_when_{w}", lang))
    day, part = "mo", "day"
    if when == "on":
        day = w2.selectbox(t("filter_day", lang), opening.WEEKDAYS, key="map_day",
                           placeholder=t("choose_one", lang), format_func=lambda d: t(f"weekday_{d}", lang))
        part = w3.selectbox(t("filter_part", lang), tuple(opening.PARTS_OF_DAY), key="map_part",
                            placeholder=t("choose_one", lang), format_func=lambda p: t(f"part_{p}", lang))
    n1, n2 = st.columns([2, 1])
    near = n1.text_input(t("filter_near", lang), key="map_near", max_chars=80,
                         placeholder=t("filter_near_placeholder", lang), help=t("filter_near_help", lang))
    distance = n2.selectbox(t("filter_distance", lang), DISTANCES_M, index=1, key="map_distance",
                            placeholder=t("choose_one", lang), format_func=lambda m: _distance_text(m, lang))
    return WhenWhere(when=when, day=day, part=part, near=near or "", distance_m=int(distance))


def find_street(typed: str, streets: pd.DataFrame) -> str | None:
    """The street a resident means: the same name, else the first that starts with it, else one holding it.

    Parameters
    ----------
    typed : str
        What was typed (case and spaces do not matter).
    streets : pandas.DataFrame
        The workspace's street names (``name``; :meth:`assetmap.service.Workspace.streets`).

    Returns
    -------
    str or None
        The street's name as the data writes it; None when none matches.
    """
    wanted = " ".join(str(typed).split()).casefold()
    if not wanted or streets is None or not len(streets):
        return None
    names = sorted((str(n) for n in streets["name"].dropna()), key=str.casefold)
    for test in (lambda n: n == wanted, lambda n: n.startswith(wanted), lambda n: wanted in n):
        found = [n for n in names if test(n.casefold())]
        if found:
            return found[0]
    return None


def when_where_filter(shown: gpd.GeoDataFrame, choice: WhenWhere, path, version, *,
                      now: datetime | None = None) -> gpd.GeoDataFrame:
    """Apply the choices to the entries shown; fills ``choice.street``, ``unknown`` and ``distance``.

    Parameters
    ----------
    shown : geopandas.GeoDataFrame
        The public entries left by the other filters.
    choice : WhenWhere
        From :func:`when_where_widgets`.
    path : path-like
        The workspace (for its public activities and street names).
    version : tuple of int
        The workspace version (cache key).
    now : datetime.datetime, optional
        The clock for "nu open" (local Dutch time is taken from it); the real clock when None.

    Returns
    -------
    geopandas.GeoDataFrame
        The entries open then (by their hours or an activity), within the distance of the street,
        nearest first when a street was found.
    """
    activities, streets = _public_reads(str(path), version)
    if choice.when != "any" and len(shown):
        window = opening.moment_window(now) if choice.when == "now" else \
            opening.day_window(choice.day, choice.part, opening.local_now(now).date())
        state = opening.open_state(shown, window, activities)
        # A story or a person has no hours: left out under a time filter, not listed as "hours unknown".
        places = ~shown["building_block"].isin(NOT_PLACES).fillna(False).to_numpy()
        choice.unknown = shown[state.unknown.to_numpy() & places]
        shown = shown[state.open.to_numpy()]
    if choice.near.strip():
        choice.street = find_street(choice.near, streets)
        if choice.street is None:
            return shown
        point = streets[streets["name"] == choice.street].geometry.iloc[0]
        origin = gpd.GeoSeries([point], crs=settings.STORAGE_CRS).to_crs(settings.METRIC_CRS).iloc[0]
        places = maps.display_points(shown).to_crs(settings.METRIC_CRS) if len(shown) else None
        metres = pd.Series(places.distance(origin).to_numpy() if places is not None else [], index=shown.index)
        keep = (metres <= choice.distance_m).fillna(False).to_numpy()
        shown, metres = shown[keep], metres[keep]
        order = metres.sort_values(kind="stable").index
        shown, choice.distance = shown.loc[order], metres.loc[order]
    return shown


def show_when_where_notes(choice: WhenWhere, lang: str, *, now: datetime | None = None) -> None:
    """Say what the two filters did: the window, the street and distance (straight line), what was left out.

    Parameters
    ----------
    choice : WhenWhere
        After :func:`when_where_filter`.
    lang : str
        Language of the texts.
    now : datetime.datetime, optional
        The clock that "nu open" used.
    """
    if choice.when == "now":
        moment = opening.local_now(now)
        st.caption(t("open_now_at", lang, day=t(f"weekday_{opening.WEEKDAYS[moment.weekday()]}", lang),
                     time=f"{moment:%H:%M}"))
    elif choice.when == "on":
        st.caption(t("open_on_window", lang, day=t(f"weekday_{choice.day}", lang), part=t(f"part_{choice.part}", lang)))
    if choice.near.strip():
        if choice.street is None:
            st.warning(t("near_not_found", lang, typed=choice.near.strip()))
        else:
            st.caption(t("near_sorted", lang, street=choice.street, distance=_distance_text(choice.distance_m, lang)))
    if choice.when != "any" and len(choice.unknown):
        with st.expander(t("open_unknown_list", lang, count=len(choice.unknown))):
            st.caption(t("hours_unknown_hint", lang))
            names = sorted(choice.unknown["name"].fillna("").astype(str), key=str.casefold)
            st.dataframe(pd.DataFrame({t("name", lang): names}), hide_index=True, width="stretch",
                         key="map_hours_unknown")


def near_table(shown: gpd.GeoDataFrame, choice: WhenWhere, lang: str) -> pd.DataFrame:
    """The entries with their distance, nearest first (for the page's "near me" list).

    Parameters
    ----------
    shown : geopandas.GeoDataFrame
        After :func:`when_where_filter`.
    choice : WhenWhere
        The choices, with ``distance``.
    lang : str
        Language of the headers.

    Returns
    -------
    pandas.DataFrame
        Name and metres (straight line), in the order of ``shown``.
    """
    names = in_language(shown[[c for c in text_fields("name") if c in shown.columns]], lang)["name"]
    return pd.DataFrame({t("name", lang): names.fillna("").astype(str).to_numpy(),
                         t("near_distance_column", lang): [int(round(m)) for m in choice.distance.loc[shown.index]]})


def _distance_text(metres: int, lang: str) -> str:
    return t("distance_m", lang, metres=metres) if metres < 1000 else t("distance_km", lang, km=metres // 1000)


@st.cache_data(show_spinner=False, max_entries=8)
def _public_reads(path: str, version) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """The public activities and the street names, read once per workspace version."""
    public = Actor(None, "public")
    with open_workspace(path, public) as ws:
        return ws.activities(actor=public), ws.streets()
