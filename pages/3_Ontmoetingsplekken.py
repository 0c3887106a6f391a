"""Meeting-place gaps (ward managers): coverage per buurt, gap layer, suggested sites, what-if.

Everyone sees the coverage per buurt; what-if questions and suggested sites are for the ``workshop``
role and up. Only public meeting places with consent count, and the workspace is read as the
session's role (:func:`coverage.load_inputs` reads through the service).
"""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from assetmap import coverage, maps, settings, ui
from assetmap.errors import AssetmapError
from assetmap.i18n import category_label, t
from assetmap.service import Actor

lang = ui.setup_page("gaps")
actor = ui.require_role(ui.PAGE_ROLES["gaps"], lang)
explore = ui.has_role(actor, "workshop")  # what-if and suggested sites; residents get the summary
path = ui.require_workspace(lang)


@st.cache_resource(show_spinner=False, max_entries=3)
def coverage_inputs(path: str, version: tuple[int, int], role: str, _progress=None):
    """Walking network, demand and sites of one workspace version as a role reads it: the heavy part, read once.

    ``_progress`` (not part of the cache key) names each stage while it runs, on a first load."""
    with ui.open_workspace(path, Actor(None, role)) as ws:
        return coverage.load_inputs(ws, progress=_progress)


@st.cache_data(show_spinner=False, max_entries=32)
def coverage_result(path: str, version: tuple[int, int], role: str, minutes: float, speed_kmh: float,
                    remove_ids: tuple):
    return coverage.compute_coverage(coverage_inputs(path, version, role), minutes=minutes, speed_kmh=speed_kmh,
                                     remove_ids=remove_ids)


@st.cache_data(show_spinner=False, max_entries=32)
def site_suggestions(path: str, version: tuple[int, int], role: str, minutes: float, speed_kmh: float, count: int,
                     remove_ids: tuple):
    return coverage.suggest_sites(coverage_inputs(path, version, role), minutes=minutes, speed_kmh=speed_kmh,
                                  count=count, remove_ids=remove_ids)


version = ui.workspace_version(path)
key = (str(path), version, actor.role)
boundaries = ui.layers(path, actor)["boundaries"]
level = "buurt" if len(boundaries) and (boundaries["level"] == "buurt").any() else "wijk"
st.title(t("gaps_title", lang))
st.caption(t("gaps_intro", lang, level=t(level, lang).lower()))

c1, c2, c3 = st.columns(3) if explore else (*st.columns(2), None)
minutes = c1.slider(t("minutes", lang), min_value=5, max_value=30, value=int(settings.COVERAGE_MINUTES), step=1,
                    key="gap_minutes")
speeds = coverage.speed_profiles()
profile = c2.radio(t("speed", lang), list(speeds), key="gap_speed", horizontal=True,
                   format_func=lambda p: t(f"speed_{p}", lang, kmh=speeds[p]))
count = c3.number_input(t("sites_count", lang), min_value=0, max_value=10, value=3, step=1, key="gap_sites") \
    if explore else 0
speed = float(speeds[profile])

try:
    # A large area takes a while on first load: show which stage runs (the box goes once it is done).
    holder = st.empty()
    with holder.status(t("computing", lang), expanded=False) as status:
        coverage_inputs(*key, _progress=lambda stage, *_: status.update(label=t(stage, lang)))
        status.update(label=t("progress_coverage", lang))
        baseline = coverage_result(*key, float(minutes), speed, ())
    holder.empty()
except AssetmapError as exc:
    ui.show_error(exc, lang)
    st.info(t("coverage_no_network", lang))
    st.stop()

places = baseline.meeting_places
place_names = dict(zip(places["id"], places["name"].astype(object)))
switched_off = st.multiselect(t("what_if", lang), list(place_names), key="gap_remove", help=t("what_if_help", lang),
                              placeholder=t("choose_many", lang), format_func=lambda i: str(place_names.get(i, i))) \
    if explore else []
remove_ids = tuple(sorted(switched_off))
try:
    with st.spinner(t("computing", lang)):
        result = coverage_result(*key, float(minutes), speed, remove_ids) if remove_ids else baseline
        sites = site_suggestions(*key, float(minutes), speed, int(count), remove_ids) if count else None
except AssetmapError as exc:
    ui.show_error(exc, lang)
    st.stop()

total = result.total
m1, m2, m3 = st.columns(3)
delta = None
if remove_ids:
    delta = f"{total['coverage_pct'] - baseline.total['coverage_pct']:+.1f}%"
m1.metric(t("total_coverage", lang), f"{total['coverage_pct']:.1f}%", delta=delta)
m2.metric(t("total_population", lang), f"{total['population']:,}".replace(",", " "))
m3.metric(t("total_uncovered", lang), f"{total['population'] - total['covered_population']:,}".replace(",", " "))
for note in result.notes:
    st.caption(note.render(lang))

fmap = maps.coverage_map(result.areas, gaps=result.gaps, meeting_places=result.meeting_places, sites=sites,
                         lang=lang, minutes=minutes, leaflet_base=maps.LOCAL_LEAFLET)
st_folium(fmap, key="gaps_map", height=ui.MAP_HEIGHT, use_container_width=True, returned_objects=[])
st.caption(t("offline_tiles", lang))

st.subheader(t("table_title", lang, level=t(level, lang).lower()))
table = result.buurten.sort_values("uncovered_population", ascending=False, kind="stable")
st.dataframe(pd.DataFrame({
    t(level, lang): table["name"].astype(object).to_numpy(),
    t("col_population", lang): table["population"].to_numpy(),
    t("col_covered", lang): table["covered_population"].to_numpy(),
    t("col_uncovered", lang): table["uncovered_population"].to_numpy(),
    t("col_pct", lang): table["coverage_pct"].round(1).to_numpy(),
    t("col_median", lang): table["median_minutes"].round(1).to_numpy(),
    t("col_p90", lang): table["p90_minutes"].round(1).to_numpy(),
    t("col_unreachable", lang): table["unreachable_population"].to_numpy(),
}), hide_index=True, width="stretch", key="gaps_table")

if sites is not None and len(sites):
    st.subheader(t("sites_title", lang))
    st.dataframe(pd.DataFrame({
        t("col_rank", lang): sites["rank"].astype(int).to_numpy(),
        t("name", lang): sites["name"].astype(object).to_numpy(),
        t("category", lang): [category_label(c, lang) for c in sites["category"]],
        t("col_added", lang): sites["added_population"].astype(int).to_numpy(),
        t("col_after", lang): sites["coverage_pct_after"].round(1).to_numpy(),
    }), hide_index=True, width="stretch", key="sites_table")
