"""Meeting places as residents use them (ward managers): coverage per buurt, kansen, suggested sites, what-if.

Whoever may see the coverage per buurt may also ask what-if questions and see suggested sites (the
policy decides: :func:`assetmap.service.policy.may_explore_coverage`); a ward manager needs no
workshop role for them. Only public meeting places with consent count, and the workspace is read as the
session's role (:func:`coverage.load_inputs` reads through the service). The same filters as the
CLI (time, access, target group) choose which places count; every figure comes with how complete
the mapping is, since an empty area may simply be unmapped.

A resident page (:data:`assetmap.ui.RESIDENT_PAGES`): everything it shows, what-if and suggested sites
included (they are not kept from the public), is in Dutch, English, Turkish, Arabic (right to left) and
Polish: :data:`assetmap.i18n.GAPS_PUBLIC_CODES`, which a new text here joins. Only the sidebar's sign-in
panel, which every page shares, and the printed profile stay Dutch and English (English for the others).
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

import pandas as pd
import streamlit as st

from assetmap import coverage, maps, settings, ui
from assetmap.coverage_notes import method_note, partial_note, partial_summary
from assetmap.errors import AssetmapError
from assetmap.i18n import category_label, t
from assetmap.layers.hours import hours_known
from assetmap.layers.schema import ACCESS_VALUES, AGE_GROUP_FIELDS, TARGET_GROUPS
from assetmap.memory import cycle_collection_paused
from assetmap.numbers import decimal, percent
from assetmap.service import Actor, policy

lang = ui.setup_page("gaps")
actor = ui.require_role(ui.PAGE_ROLES["gaps"], lang)
explore = policy.may_explore_coverage(actor)  # what-if and suggested sites: whoever may see coverage
path = ui.require_workspace(lang)


@st.cache_resource(show_spinner=False, max_entries=3)
def coverage_inputs(path: str, version: tuple[int, int], role: str, _progress=None):
    """Walking network, demand and sites of one workspace version as a role reads it: the heavy part, read once.

    ``_progress`` (not part of the cache key) names each stage while it runs, on a first load."""
    with ui.open_workspace(path, Actor(None, role)) as ws:
        return coverage.load_inputs(ws, progress=_progress)


@st.cache_resource(show_spinner=False, max_entries=16)
def coverage_result(path: str, version: tuple[int, int], role: str, minutes: float, speed_kmh: float,
                    remove_ids: tuple, filters: tuple = (None, None, None)):
    """One result, shared and read only: as ``st.cache_data`` it was pickled and copied on every run
    (0.7 s for a city's 90,000 gap points)."""
    return coverage.compute_coverage(coverage_inputs(path, version, role), minutes=minutes, speed_kmh=speed_kmh,
                                     remove_ids=remove_ids, filters=coverage.place_filters(*filters))


@st.cache_data(show_spinner=False, max_entries=32)
def site_suggestions(path: str, version: tuple[int, int], role: str, minutes: float, speed_kmh: float, count: int,
                     remove_ids: tuple, filters: tuple = (None, None, None)):
    return coverage.suggest_sites(coverage_inputs(path, version, role), minutes=minutes, speed_kmh=speed_kmh,
                                  count=count, remove_ids=remove_ids, filters=coverage.place_filters(*filters))


@st.cache_data(show_spinner=False, max_entries=8)
def small_or_large(path: str, version: tuple[int, int], role: str, minutes: float, speed_kmh: float,
                   filters: tuple, spots: tuple, small_seats: int, large_seats: int):
    """Several living rooms at the suggested spots, or one large centre at the best of them."""
    import geopandas as gpd
    from shapely.geometry import Point
    small = gpd.GeoDataFrame({"scale": ["living_room"] * len(spots), "capacity": [small_seats] * len(spots)},
                             geometry=[Point(x, y) for x, y in spots], crs=settings.STORAGE_CRS)
    large = gpd.GeoDataFrame({"scale": ["large"], "capacity": [large_seats]}, geometry=[Point(*spots[0])],
                             crs=settings.STORAGE_CRS)
    return coverage.compare_places(coverage_inputs(path, version, role),
                                   {"small": small, "large": large}, minutes=minutes, speed_kmh=speed_kmh,
                                   filters=coverage.place_filters(*filters))


version = ui.workspace_version(path)
key = (str(path), version, actor.role)
boundaries = ui.load_boundaries(str(path), version)
level = "buurt" if len(boundaries) and (boundaries["level"] == "buurt").any() else "wijk"
st.title(t("gaps_title", lang))
st.caption(t("gaps_intro", lang, level=t(level, lang).lower()))

c1, c2, c3 = st.columns(3) if explore else (*st.columns(2), None)
minutes = c1.slider(t("minutes", lang), min_value=5, max_value=int(settings.COVERAGE_MAX_MINUTES),
                    value=int(settings.COVERAGE_MINUTES), step=1, key="gap_minutes")
speeds = coverage.speed_profiles()
profile = c2.radio(t("speed", lang), list(speeds), key="gap_speed", horizontal=True,
                   format_func=lambda p: t(f"speed_{p}", lang, kmh=decimal(speeds[p], lang, 1)))
# Suggested sites are searched when asked for: on a city they take longer than the rest of the page.
count = c3.number_input(t("sites_count", lang), min_value=0, max_value=10, value=3, step=1, key="gap_sites",
                        placeholder=t("number_placeholder", lang)) \
    if explore and c3.toggle(t("show_sites", lang), key="gap_show_sites", help=t("show_sites_help", lang)) else 0
f1, f2, f3 = st.columns(3)
when = f1.text_input(t("filter_when", lang), key="gap_when", placeholder=t("filter_when_placeholder", lang),
                     help=t("filter_when_help", lang))
access = f2.selectbox(t("filter_access", lang), [None, *ACCESS_VALUES], key="gap_access", placeholder=t("choose_one", lang),
                      format_func=lambda v: t("any", lang) if v is None else t(f"access_{v}", lang))
group = f3.selectbox(t("filter_group", lang), [None, *TARGET_GROUPS], key="gap_group", placeholder=t("choose_one", lang),
                     format_func=lambda v: t("any", lang) if v is None else t(f"group_{v}", lang))
speed = float(speeds[profile])
if group == "older_people":
    speed = float(speeds["slow"])  # older people walk at the slow pace, whatever the radio says
    st.caption(t("older_people_slow", lang, kmh=decimal(speed, lang, 1)))
try:
    filters = coverage.place_filters(when, access, group)
except AssetmapError as exc:
    ui.show_error(exc, lang)
    st.stop()
chosen = (filters.when, filters.access, filters.group)

try:
    # A large area takes a while on first load: show which stage runs (the box goes once it is done).
    holder = st.empty()
    with holder.status(t("computing", lang), expanded=False) as status:
        coverage_inputs(*key, _progress=lambda stage, *_: status.update(label=t(stage, lang)))
        status.update(label=t("progress_coverage", lang))
        baseline = coverage_result(*key, float(minutes), speed, (), chosen)
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
        result = coverage_result(*key, float(minutes), speed, remove_ids, chosen) if remove_ids else baseline
        sites = site_suggestions(*key, float(minutes), speed, int(count), remove_ids, chosen) if count else None
except AssetmapError as exc:
    ui.show_error(exc, lang)
    st.stop()

total = result.total
summary = result.completeness_summary
m1, m2, m3, m4 = st.columns(4)
delta = None
if remove_ids:
    change = total["coverage_pct"] - baseline.total["coverage_pct"]
    delta = ("+" if change >= 0 else "") + percent(change, lang)
m1.metric(t("total_coverage", lang), percent(total["coverage_pct"], lang), delta=delta)
m2.metric(t("total_population", lang), decimal(total["population"], lang))
m3.metric(t("total_uncovered", lang), decimal(total["population"] - total["covered_population"], lang))
# Beside every coverage figure: how complete the mapping is (an empty area may be unmapped, not empty).
m4.metric(t("mapped_assets", lang), summary["total"], help=t("mapped_assets_help", lang))
st.caption(t("completeness_note", lang, last=summary["last_entry"] or "-",
             unmapped=len(summary["possibly_unmapped_areas"]), areas=summary["areas"]))
counts = result.place_counts
if filters.active:
    st.caption(t("filters_counted", lang, counted=counts.get("counted", 0), places=counts.get("places", 0)))
if counts.get("hours_unknown"):
    st.caption(t("hours_unknown_note", lang, count=counts["hours_unknown"]))
for note in result.notes:
    st.caption(note.render(lang))
# Areas partly outside the map data are said as such, and every figure carries its method stamp.
rows = result.to_dict()["buurten"]
for line in partial_summary(rows, lang):
    st.info(line)
st.caption(method_note(result.method, lang))

# The table first: it says in words what the map says in colour (and a skip link leads past the map).
st.subheader(t("table_title", lang, level=t(level, lang).lower()))
st.caption(t("gaps_table_first", lang))
table = result.buurten.sort_values("uncovered_population", ascending=False, kind="stable")
shown = ~table["withheld"].to_numpy(dtype=bool)  # a figure about too small a part of an area is not shown


def _figure(column: str, digits: int | None = None):
    values = table[column].round(digits) if digits is not None else table[column]
    return values.astype(object).where(shown, None).to_numpy()


st.dataframe(pd.DataFrame({
    t(level, lang): table["name"].astype(object).to_numpy(),
    t("col_population", lang): table["population"].to_numpy(),
    t("col_covered", lang): _figure("covered_population"),
    t("col_uncovered", lang): _figure("uncovered_population"),
    t("col_pct", lang): _figure("coverage_pct", 1),
    t("col_median", lang): _figure("median_minutes", 1),
    t("col_p90", lang): _figure("p90_minutes", 1),
    t("col_data_share", lang): [percent(100 * v, lang, 0) for v in table["data_share"]],
    t("col_partial", lang): [partial_note(r, lang) for r in table.to_dict("records")],
    t("col_unreachable", lang): table["unreachable_population"].to_numpy(),
    t("col_mapped", lang): [result.completeness.get(c, {}).get("total", 0) for c in table["buurt_code"]],
    t("col_last_entry", lang): [result.completeness.get(c, {}).get("last_entry") or "-" for c in table["buurt_code"]],
}), hide_index=True, width="stretch", key="gaps_table")

with cycle_collection_paused():  # a city's gap points are many objects on their way to the map
    drawn = result.areas.assign(coverage_pct=result.areas["coverage_pct"].where(~result.areas["withheld"]))
    fmap = maps.coverage_map(drawn, gaps=result.gap_coordinates, meeting_places=result.meeting_places,
                             sites=sites, lang=lang, minutes=minutes, leaflet_base=maps.LOCAL_LEAFLET)
    ui.show_map(fmap, "gaps_map", lang)
st.caption(t("offline_tiles", lang))

if sites is not None and len(sites):
    st.subheader(t("sites_title", lang))
    st.dataframe(pd.DataFrame({
        t("col_rank", lang): sites["rank"].astype(int).to_numpy(),
        t("name", lang): sites["name"].astype(object).to_numpy(),
        t("category", lang): [category_label(c, lang) for c in sites["category"]],
        t("col_added", lang): sites["added_population"].astype(int).to_numpy(),
        t("col_after", lang): sites["coverage_pct_after"].round(1).to_numpy(),
    }), hide_index=True, width="stretch", key="sites_table")

if explore and sites is not None and len(sites):
    with st.expander(t("small_or_large", lang)):
        st.caption(t("small_or_large_help", lang, count=len(sites)))
        s1, s2 = st.columns(2)
        small_seats = int(s1.number_input(t("seats_living_room", lang), 1, 500, 15, key="gap_small_seats",
                                          placeholder=t("number_placeholder", lang)))
        large_seats = int(s2.number_input(t("seats_large", lang), 1, 5000, 120, key="gap_large_seats",
                                          placeholder=t("number_placeholder", lang)))
        spots = tuple((float(x), float(y)) for x, y in zip(sites["lon"], sites["lat"]))
        compared = small_or_large(*key, float(minutes), speed, chosen, spots, small_seats, large_seats)
        st.dataframe(pd.DataFrame({
            t("col_option", lang): [t(f"option_{o}", lang, count=len(spots)) for o in compared["option"]],
            t("col_seats", lang): compared["capacity"].to_numpy(),
            t("col_added", lang): compared["added_population"].to_numpy(),
            t("col_after", lang): compared["coverage_pct"].to_numpy(),
            t("col_per_seat", lang): compared["residents_per_seat"].to_numpy(),
        }), hide_index=True, width="stretch", key="small_large_table")

# Who is missing, in aggregate: the groups the mapped places serve beside the CBS age groups.
st.subheader(t("groups_title", lang, level=t(level, lang).lower()))
st.caption(t("groups_intro", lang))
names = dict(zip(result.buurten["buurt_code"], result.buurten["name"].astype(object)))
group_rows = []
for code, profile in result.groups.items():
    row = {t(level, lang): names.get(code, code)}
    for field in AGE_GROUP_FIELDS:
        value = profile["age_groups"].get(field)
        row[t(f"age_{field}", lang)] = None if value is None else float(value)
    for group_key in (*TARGET_GROUPS, "not_recorded"):
        row[t(f"group_{group_key}", lang)] = profile["served"][group_key]
    group_rows.append(row)
st.dataframe(pd.DataFrame(group_rows), hide_index=True, width="stretch", key="groups_table")

unknown = baseline.meeting_places if not filters.when else coverage_inputs(*key).meeting_places
unknown = unknown[[not hours_known(v) for v in unknown.get("opening_hours", pd.Series([None] * len(unknown)))]]
if len(unknown):
    with st.expander(t("hours_unknown_list", lang, count=len(unknown))):
        st.dataframe(pd.DataFrame({t("name", lang): unknown["name"].astype(object).to_numpy(),
                                   t("opening_hours", lang): [t("hours_unknown", lang)] * len(unknown)}),
                     hide_index=True, width="stretch", key="hours_unknown_table")

# The printable wijk profile (A4 PDF, public data only) of an area: assetmap.report.
from assetmap.report import profile_download  # noqa: E402

profile_download(path, boundaries, lang, minutes=float(minutes), speed_kmh=speed, filters=filters)
