"""Explore the buurt (residents, public): only the public view of the assets, never raw entries."""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

import html

import pandas as pd
import streamlit as st

from assetmap import maps, resident_filters, ui
from assetmap.i18n import block_label, category_choices, category_label, t
from assetmap.layers.schema import ENTRY_KINDS, text_fields

lang = ui.setup_page("map")
ui.require_role(ui.PAGE_ROLES["map"], lang)
st.title(t("map_title", lang))
st.caption(t("map_intro", lang))
if lang != "nl":  # names and descriptions are Dutch unless someone wrote them in the reader's language too
    st.caption(t("content_language_note", lang))

path = ui.require_workspace(lang)
version = ui.workspace_version(path)
# The residents' map shows the public view to every role: whatever the session may see, this page
# asks the service as the public actor (individuals at a buurt anchor, contact and added_by blanked).
# One shared, read-only object for every visitor of this workspace version (never copied per run).
data = ui.shared_public(str(path), version)
public = data["assets"]
boundaries = data["boundaries"]
level = "buurt" if len(boundaries) and (boundaries["level"] == "buurt").any() else "wijk"
areas = boundaries[boundaries["level"] == level] if len(boundaries) else boundaries
area_names = dict(zip(areas["code"], areas["name"].astype(object))) if len(areas) else {}

if not len(public):
    st.info(t("no_assets", lang))

search = st.text_input(t("search", lang), key="map_search")
# Filters fold away so that on a phone the map is on the first screen; open while one is in use.
filtering = any(st.session_state.get(key) for key in ("map_blocks", "map_categories", "map_areas", "map_near")) \
    or st.session_state.get("map_when", "any") != "any"
with st.expander(t("filters", lang), expanded=filtering):
    f1, f2, f3 = st.columns(3)
    blocks = f1.multiselect(t("filter_blocks", lang), ENTRY_KINDS, key="map_blocks",
                            placeholder=t("choose_many", lang), format_func=lambda b: block_label(b, lang))
    # Each label once: categories that read the same ("Winkel") are one choice.
    category_groups = category_choices(public["category"].dropna().unique(), lang) if len(public) else {}
    categories = f2.multiselect(t("filter_categories", lang), list(category_groups), key="map_categories",
                                placeholder=t("choose_many", lang), format_func=lambda c: category_label(c, lang))
    chosen_areas = f3.multiselect(t("filter_areas", lang), list(area_names), key="map_areas",
                                  placeholder=t("choose_many", lang), format_func=lambda c: area_names.get(c, c))
    # When open and near a street: in the page too, never in the sidebar (which covers a phone's screen).
    when_where = resident_filters.when_where_widgets(lang)

shown = public
if len(shown):
    keep = pd.Series(True, index=shown.index)
    if search.strip():
        # A name in any language it was written in.
        keep &= pd.concat([shown[c].fillna("").astype(str).str.contains(search.strip(), case=False, regex=False)
                           for c in text_fields("name") if c in shown.columns], axis=1).any(axis=1)
    if blocks:
        keep &= shown["building_block"].isin(blocks).fillna(False)
    if categories:
        keep &= shown["category"].isin([c for k in categories for c in category_groups.get(k, (k,))]).fillna(False)
    if chosen_areas:
        keep &= shown[f"{level}_code"].isin(chosen_areas).fillna(False)
    shown = shown[keep.astype(bool).to_numpy()]
clock = st.session_state.get(resident_filters.CLOCK_KEY)  # None: the real clock
shown = resident_filters.when_where_filter(shown, when_where, path, version, now=clock)

# Announced to screen readers whenever a search or filter changes it.
ui.live_status(t("shown", lang, shown=len(shown), total=len(public)))
resident_filters.show_when_where_notes(when_where, lang, now=clock)

# The text equivalent of the map comes first, open: everything a popup tells, for every asset shown.
with st.expander(t("map_list", lang), expanded=True):
    st.caption(t("map_list_hint", lang))
    near = len(when_where.distance) > 0  # nearest first; else by name
    # The same list for every visitor who sees the same assets: made once (by name), shared.
    shown_ids = None if len(shown) == len(public) else tuple(shown["id"])
    if near:
        st.dataframe(resident_filters.near_table(shown, when_where, lang), hide_index=True, width="stretch",
                     key="map_near_table")
    if len(shown):
        # A scrolling region of its own, reachable with the keyboard (tabindex) and named for screen readers.
        listing = maps.asset_list_html(shown, data["links"], lang=lang, area_names=area_names,
                                       area_column=f"{level}_code", photos=data["photos"]) if near \
            else ui.public_list_html(str(path), version, lang, shown_ids)
        st.html(f'<div class="assetmap-scroll" tabindex="0" role="region" aria-label="{html.escape(t("map_list", lang))}">'
                + listing + "</div>")

# Built and rendered once per workspace version, language and set of assets shown, for every visitor.
ui.show_map(ui.public_map(str(path), version, lang, shown_ids), "explore_map", lang)
st.caption(t("offline_tiles", lang))

from assetmap._ui_moderation import report_control  # noqa: E402  (one self-contained section)

report_control(public, lang, area_names)  # "Melden": a resident reports an entry, no account needed

from assetmap.this_week import show_this_week  # noqa: E402  (kept apart: one self-contained section)

show_this_week(path, version, lang, chosen_areas, level)

from assetmap.resident_initiative import show_initiative_form  # noqa: E402  (one self-contained section)

show_initiative_form(lang, area_names)
