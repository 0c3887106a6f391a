"""Workshop mode: add an asset in seconds, edit or remove your own, undo.

Every save opens the workspace file, writes one transaction and closes it, so several laptops on
one file see each other's entries on their next refresh. For the ``workshop`` role and up; every
read and write names the session's actor, so the service refuses what the role may not do.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

import pandas as pd
import streamlit as st
from shapely.geometry import Point

from assetmap import maps, settings, ui
from assetmap._ui_moderation import own_entry_states, saved_message
from assetmap._ui_photos import photo_form
from assetmap.errors import AssetmapError, PermissionDenied, render_error
from assetmap.i18n import LANGUAGE_NAMES, block_label, category_choices, category_label, code_label, t
from assetmap.layers.schema import (
    ACCESS_VALUES,
    CONTENT_LANGUAGES,
    ENTRY_KINDS,
    INITIATIVE_STATUSES,
    SCALE_VALUES,
    TARGET_GROUPS,
    TRANSLATION_FIELDS,
    VISIBILITIES,
)
from assetmap.privacy import story_warnings, workshop_view

lang = ui.setup_page("workshop")
ui.require_role(ui.PAGE_ROLES["workshop"], lang)
me = ui.pseudonym_input(lang)
actor = ui.session_actor()
st.title(t("ws_title", lang))
st.caption(t("ws_intro", lang))
ui.show_flashes()

path = ui.require_workspace(lang)
data = ui.layers(path, actor)  # what the service lets this actor see
assets, boundaries = data["assets"], data["boundaries"]

# What a participant sees: public and group entries, plus their own private ones. Never contact fields
# (the service gives a workshop actor no more than this; a coordinator's full view is narrowed here).
view = workshop_view(assets, me)
own_ids = set(view.loc[(view["added_by"] == me).fillna(False).to_numpy(), "id"]) if me and len(view) else set()

if not me:
    st.warning(t("pseudonym_needed", lang))

# ---------------------------------------------------------------- map: click to pick a place
state = st.session_state
#: Every field of the new-entry form and its empty value. After a save each is set back here, before the
#: widgets are drawn: only a value set through the session state reaches the browser's copy of a widget
#: (removing the key leaves the browser showing, and sending back, the last entry's text).
NEW_ENTRY_FIELDS = {
    "new_lat": None, "new_lon": None, "new_name": "", "new_block": "resource", "new_category": None,
    "new_description": "", "new_story": "", "new_link": "", "new_is_meeting": False, "new_access": None,
    "new_scale": None, "new_capacity": None, "new_opening_hours": "", "new_groups": [], "new_status": None,
    "new_tags": "", "new_seeks": "", "new_offers": "", "new_visibility": "", "new_consent": False,
    "story_confirm": False,
    **{f"new_{field}": "" for field in TRANSLATION_FIELDS},  # new_name_tr, new_description_ar, ...
}
if state.pop("_new_entry_saved", False):
    state.update(NEW_ENTRY_FIELDS)
for key, empty in NEW_ENTRY_FIELDS.items():
    state.setdefault(key, empty)
# Built and rendered again only when the workspace changes (any table's save) or the viewer does: not on
# every rerun of this session (each click, each field). Kept in this session only: it is this actor's view.
map_key = (str(path), ui.workspace_version(path), lang, actor.role, me)
if state.get("_workshop_map_key") != map_key:
    state["_workshop_map"] = ui.render_map(maps.asset_map(view, boundaries, links=data["links"], lang=lang,
                                                          own_ids=own_ids, leaflet_base=maps.LOCAL_LEAFLET))
    state["_workshop_map_key"] = map_key
clicked = ui.show_map(state["_workshop_map"], "workshop_map", lang, returned_objects=["last_clicked"])
click = (clicked or {}).get("last_clicked")
if click and click != state.get("_last_click"):
    # A new click: the component repeats the last one on every run, so only a change counts.
    state["_last_click"] = click
    state["new_lat"] = round(float(click["lat"]), 6)
    state["new_lon"] = round(float(click["lng"]), 6)
st.caption(t("ws_click_hint", lang) + " " + t("offline_tiles", lang))

with st.expander(t("address", lang)):
    address = st.text_input(t("address", lang), key="address", label_visibility="collapsed")
    if st.button(t("address_button", lang), key="address_lookup") and address.strip():
        try:
            lat, lon = ui.geocode(address.strip())
        except AssetmapError as exc:
            st.warning(t("address_failed", lang, error=render_error(exc, lang)))
        else:
            state["new_lat"], state["new_lon"] = round(lat, 6), round(lon, 6)
            st.success(t("address_found", lang, lat=state["new_lat"], lon=state["new_lon"]))

# ---------------------------------------------------------------- new asset
names = dict(zip(view["id"], view["name"].astype(object))) if len(view) else {}
categories = list(category_choices(assets["category"].dropna(), lang)) if len(assets) else []  # each label once
st.subheader(t("ws_new", lang))
if state.get("story_held"):
    # Stays above the form until the entry is saved: a map click or another rerun must not make the
    # warning disappear while the entry is still unsaved (a one-time message did, and entries were lost).
    st.warning(t("story_check", lang) + "\n\n" + "\n".join(f"- {t(code, lang)}" for code in state["story_held"])
               + "\n\n" + t("entry_not_saved_yet", lang))
# Not cleared on submit: a refused save keeps what was typed. Enter in a field does not submit half a form.
with st.form("new_asset", clear_on_submit=False, enter_to_submit=False, border=True):
    c1, c2 = st.columns(2)
    lat = c1.number_input(t("lat", lang), key="new_lat", min_value=-90.0, max_value=90.0, placeholder=t("number_placeholder", lang),
                          format="%.6f", step=0.0001)
    lon = c2.number_input(t("lon", lang), key="new_lon", min_value=-180.0, max_value=180.0, placeholder=t("number_placeholder", lang),
                          format="%.6f", step=0.0001)
    name = st.text_input(t("name", lang), key="new_name", max_chars=200)
    c1, c2 = st.columns(2)
    # Starts at "resource" (NEW_ENTRY_FIELDS): most quick entries are places.
    block = c1.selectbox(t("building_block", lang), ENTRY_KINDS, key="new_block", placeholder=t("choose_one", lang),
                         format_func=lambda b: block_label(b, lang))
    category = c2.selectbox(t("category", lang), categories, key="new_category",
                            accept_new_options=True, placeholder=t("choose_one", lang), format_func=lambda c: category_label(c, lang))
    description = st.text_area(t("description", lang), key="new_description", max_chars=settings.MAX_TEXT_LENGTH)
    # Optional: residents who read another language see these on the map (Dutch where left empty).
    with st.expander(t("translations_title", lang)):
        st.caption(t("translations_help", lang))
        translations = {}
        for language in CONTENT_LANGUAGES:
            n1, n2 = st.columns((1, 2))
            translations[f"name_{language}"] = n1.text_input(
                f"{t('name', lang)} · {LANGUAGE_NAMES[language]}", key=f"new_name_{language}", max_chars=200)
            translations[f"description_{language}"] = n2.text_area(
                f"{t('description', lang)} · {LANGUAGE_NAMES[language]}", key=f"new_description_{language}",
                max_chars=settings.MAX_TEXT_LENGTH, height=68)
    story = st.text_area(t("story", lang), key="new_story", help=t("story_help", lang),
                         max_chars=settings.MAX_TEXT_LENGTH)
    link_to = st.selectbox(t("link_to", lang), [""] + list(names), key="new_link", placeholder=t("choose_one", lang),
                           format_func=lambda i: names.get(i, t("none", lang)) if i else t("none", lang))
    # A meeting place as residents use it: who may walk in, when, for whom (coverage filters read these).
    with st.expander(t("meeting_place_fields", lang)):
        is_meeting = st.checkbox(t("meeting_place", lang), key="new_is_meeting")
        m1, m2 = st.columns(2)
        access = m1.selectbox(t("filter_access", lang), ACCESS_VALUES, key="new_access",
                              placeholder=t("choose_one", lang), format_func=lambda v: t("access_" + v, lang))
        scale = m2.selectbox(t("scale", lang), SCALE_VALUES, key="new_scale",
                             placeholder=t("choose_one", lang), format_func=lambda v: t("scale_" + v, lang))
        capacity = m1.number_input(t("capacity", lang), min_value=0, max_value=100_000, step=1,
                                   key="new_capacity", placeholder=t("number_placeholder", lang))
        opening_hours = m2.text_input(t("opening_hours", lang), key="new_opening_hours", placeholder=t("opening_hours_placeholder", lang),
                                      help=t("opening_hours_help", lang))
        groups = st.multiselect(t("target_groups", lang), TARGET_GROUPS, key="new_groups",
                                placeholder=t("choose_many", lang), format_func=lambda g: t("group_" + g, lang))
    # An initiative (or an association) says what it seeks and what it offers; see Data for matching.
    with st.expander(t("initiative_fields", lang)):
        i1, i2 = st.columns(2)
        status = i1.selectbox(t("status", lang), INITIATIVE_STATUSES, key="new_status",
                              placeholder=t("choose_one", lang), format_func=lambda v: code_label("status", v, lang))
        tags = i2.text_input(t("tags", lang), key="new_tags", placeholder=t("tags_placeholder", lang))
        seeks = i1.text_input(t("seeks", lang), key="new_seeks", placeholder=t("seeks_placeholder", lang))
        offers = i2.text_input(t("offers", lang), key="new_offers", placeholder=t("offers_placeholder", lang))
    c1, c2 = st.columns(2)
    # "" = privacy by default (build_assets): a person's capacities are shared with the group only.
    visibility = c1.selectbox(t("visibility", lang), ("",) + VISIBILITIES, key="new_visibility",
                              placeholder=t("choose_one", lang), format_func=lambda v: t("visibility_" + (v or "default"), lang))
    consent = c2.checkbox(t("consent_person", lang), key="new_consent", help=t("consent_help", lang))
    # Shown once a public story was held back: the author reads the warning and decides.
    confirmed = st.checkbox(t("story_confirm", lang), key="story_confirm") if state.get("story_held") else False
    submitted = st.form_submit_button(t("save", lang), type="primary", disabled=not me)

if submitted:
    if lat is None or lon is None:
        st.error(t("no_location", lang))
    elif not name.strip():
        st.error(t("name_needed", lang))
    elif visibility == "public" and consent and not confirmed and \
            (warnings := [code for text in (story, description, seeks, *translations.values())
                          for code in story_warnings(text)]):
        # A public story that names a person, gives an address or a person's health: the author reads this first.
        state["story_held"] = list(dict.fromkeys(warnings))
        st.rerun()  # draws the confirmation box in the form, with the warning above it
    else:
        fields = {"name": name, "building_block": block, "category": category, "description": description,
                  "visibility": visibility or None, "consent": True if consent else None}
        # Only what was filled in: the layers validate each value and say what to fix.
        extra = {"is_meeting_place": True if is_meeting else None, "access": access, "scale": scale,
                 "capacity": capacity, "opening_hours": opening_hours.strip() or None,
                 "target_groups": "; ".join(groups) or None, "status": status, "tags": tags.strip() or None,
                 "seeks": seeks.strip() or None, "offers": offers.strip() or None,
                 **{field: text.strip() or None for field, text in translations.items()}}
        fields |= {k: v for k, v in extra.items() if v is not None}
        # A second click on Opslaan can arrive before the browser has the emptied form: the same entry
        # again, from the same table, is that click, not a new entry.
        fingerprint = repr((sorted(fields.items()), lon, lat, story, link_to, me))

        def tell_saved(message: str) -> None:
            """Say the entry is saved and empty the form on the next run (before its widgets are drawn)."""
            state.pop("story_held", None)
            ui.flash("success", message)
            state["_last_saved_told"] = fingerprint
            state["_new_entry_saved"] = True
            st.rerun()

        if state.get("_last_saved_entry") == fingerprint:
            if state.get("_last_saved_told") == fingerprint:
                st.info(t("entry_already_saved", lang, name=name.strip()))
            else:  # stored by a run that the second click stopped before it said so: say it now
                tell_saved(t("saved", lang, name=name.strip()))
        else:
            try:
                with ui.workspace() as ws:
                    new_id = ws.add_entry(fields, Point(lon, lat), actor, story=story, link_to=link_to or None)
                    # At once, with no Streamlit call in between: the second click's run starts at this run's
                    # next Streamlit call and must find the entry saved (a loaded CI machine stored a double
                    # click twice when this came after the message below).
                    state["_last_saved_entry"] = fingerprint
                    saved = saved_message(ws, new_id, name.strip(), lang)  # says so when it waits for a coordinator
            except AssetmapError as exc:
                ui.show_error(exc, lang)
            else:
                tell_saved(saved)

# ---------------------------------------------------------------- own entries: edit, remove, undo
st.subheader(t("own_entries", lang))
mine = assets[(assets["added_by"] == me).fillna(False).to_numpy()] if me and len(assets) else assets.iloc[0:0]
if st.button(t("undo", lang), key="undo", disabled=not me):
    try:
        with ui.workspace() as ws:
            undone = ws.undo_last(actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
    else:
        ui.flash("success" if undone else "info", t("undone" if undone else "nothing_to_undo", lang))
        st.rerun()

if not len(mine):
    st.caption(t("no_own_entries", lang))
else:
    own_names = dict(zip(mine["id"], mine["name"].astype(object)))
    st.dataframe(pd.DataFrame({
        t("name", lang): mine["name"].astype(object),
        t("building_block", lang): [block_label(b, lang) for b in mine["building_block"]],
        t("category", lang): [category_label(c, lang) for c in mine["category"]],
        t("visibility", lang): [t("visibility_" + str(v), lang) for v in mine["visibility"]],
        # Where each entry stands: waiting for a coordinator, public, group only, private, or rejected and why.
        t("own_col_state", lang): own_entry_states(list(mine["id"]), actor, lang),
    }), hide_index=True, width="stretch")
    picked = st.selectbox(t("edit_pick", lang), list(own_names), key="edit_pick", placeholder=t("choose_one", lang),
                          format_func=lambda i: own_names.get(i, i))
    current = mine[mine["id"] == picked].iloc[0]
    # The version this form was opened on: a save after someone else's change is refused, not lost.
    version_key = f"edit_version_{picked}"
    if version_key not in st.session_state:
        with ui.workspace() as ws:
            st.session_state[version_key] = (ws.asset(picked, actor=actor) or {}).get("version")
    with st.form("edit_asset", enter_to_submit=False):
        new_name = st.text_input(t("name", lang), value=str(current["name"]), key=f"edit_name_{picked}")
        new_description = st.text_area(t("description", lang), key=f"edit_description_{picked}",
                                       value="" if pd.isna(current["description"]) else str(current["description"]))
        c1, c2 = st.columns(2)
        save_edit = c1.form_submit_button(t("edit_save", lang))
        remove = c2.form_submit_button(t("delete", lang))
    if save_edit or remove:
        try:
            with ui.workspace() as ws:
                if remove:
                    ws.remove([picked], actor)
                else:
                    ws.update_asset(picked, {"name": new_name, "description": new_description or None}, actor,
                                    owner_only=True, expected_version=st.session_state.get(version_key))
                    done = saved_message(ws, picked, new_name.strip(), lang, updated=True)
        except PermissionDenied:
            st.error(t("not_yours", lang))
        except AssetmapError as exc:
            st.session_state.pop(version_key, None)  # the next run shows (and edits) the entry as it is now
            ui.show_error(exc, lang)
        else:
            st.session_state.pop(version_key, None)
            ui.flash("success", t("deleted", lang, name=new_name.strip()) if remove else done)
            st.rerun()

# ---------------------------------------------------------------- photos: stripped of location, approved first
photo_form(view, actor, me, lang)

st.caption(t("ws_view_note", lang))
