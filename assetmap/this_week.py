"""'Deze week in de buurt': this week's activities at public places, for the residents' map.

Built from the public view only (:meth:`assetmap.service.Workspace.activities` as the public
actor): an activity shows only while its place or association is public, never one of a person.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from assetmap.i18n import t
from assetmap.layers.hours import parse_hours, times_in_week
from assetmap.layers.translations import in_language
from assetmap.service import Actor, open_workspace

__all__ = ["week_sessions", "show_this_week"]

_DAY_CODES = ("day_mo", "day_tu", "day_we", "day_th", "day_fr", "day_sa", "day_su")


def week_sessions(activities: pd.DataFrame, assets: pd.DataFrame, *, area_codes=(), level: str = "buurt",
                  week_of: date | None = None) -> pd.DataFrame:
    """The sessions of the week: one row per time an activity runs, in time order.

    Parameters
    ----------
    activities : pandas.DataFrame
        Public activities (``asset_id``, ``name``, ``recurring_time``, ``target_group``, ``free``,
        ``walk_in``).
    assets : pandas.DataFrame
        The public view of the assets (``id``, ``name``, ``buurt_code``, ``wijk_code``).
    area_codes : iterable of str
        Keep only the activities of assets in these areas; empty keeps all.
    level : {'buurt', 'wijk'}
        Which code of the assets ``area_codes`` are.
    week_of : datetime.date, optional
        Any day of the week (today by default).

    Returns
    -------
    pandas.DataFrame
        ``start``, ``end`` (datetimes), ``activity``, ``place``, ``target_group``, ``free`` and
        ``walk_in``. An activity whose time cannot be read is left out.
    """
    columns = ["start", "end", "activity", "place", "target_group", "free", "walk_in"]
    if activities is None or activities.empty or assets is None or assets.empty:
        return pd.DataFrame(columns=columns)
    places = assets.set_index("id")
    codes = set(area_codes or ())
    rows = []
    for act in activities.itertuples(index=False):
        if act.asset_id not in places.index:
            continue
        place = places.loc[act.asset_id]
        if codes and place.get(f"{level}_code") not in codes:
            continue
        try:
            expression = parse_hours(act.recurring_time)
        except ValueError:
            continue
        for start, end in times_in_week(expression, week_of):
            rows.append({"start": start, "end": end, "activity": act.name, "place": place.get("name"),
                         "target_group": act.target_group, "free": act.free, "walk_in": act.walk_in})
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["start", "activity"], kind="stable").reset_index(drop=True)


def show_this_week(path, version, lang: str, area_codes=(), level: str = "buurt") -> None:
    """Draw 'Deze week in de buurt' on a Streamlit page (one call from the residents' map).

    Parameters
    ----------
    path : path-like
        The workspace file.
    version : tuple of int
        The workspace version (cache key, see :func:`assetmap.ui.workspace_version`).
    lang : {'nl', 'en'}
        Language of the texts.
    area_codes : iterable of str
        The areas chosen on the page; empty shows the whole map.
    level : {'buurt', 'wijk'}
        Which level ``area_codes`` are.
    """
    sessions = _sessions(str(path), version, tuple(sorted(area_codes or ())), level, date.today().isoformat(), lang)
    st.subheader(t("this_week_title", lang))
    if sessions.empty:
        st.caption(t("this_week_none", lang))
        return
    yes, no = t("yes", lang), t("no", lang)
    st.dataframe(pd.DataFrame({
        t("this_week_when", lang): [f"{t(_DAY_CODES[s.weekday()], lang)} {s:%H:%M}–{e:%H:%M}"
                                    for s, e in zip(sessions["start"], sessions["end"])],
        t("this_week_activity", lang): sessions["activity"].astype(object).to_numpy(),
        t("this_week_place", lang): sessions["place"].astype(object).to_numpy(),
        t("filter_group", lang): [t(f"group_{g}", lang) if isinstance(g, str) else ""
                                  for g in sessions["target_group"]],
        t("this_week_free", lang): [yes if v is True else no if v is False else "" for v in sessions["free"]],
        t("this_week_walk_in", lang): [yes if v is True else no if v is False else "" for v in sessions["walk_in"]],
    }), hide_index=True, width="stretch", key="this_week_table")


@st.cache_data(show_spinner=False, max_entries=8)
def _sessions(path: str, version, area_codes: tuple, level: str, today: str, lang: str = "nl") -> pd.DataFrame:
    public = Actor(None, "public")
    with open_workspace(path, public) as ws:  # places named in the reader's language where given
        return week_sessions(ws.activities(actor=public), in_language(ws.assets(actor=public), lang),
                             area_codes=area_codes,
                             level=level, week_of=date.fromisoformat(today))
