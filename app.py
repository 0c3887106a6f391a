"""assetmap home: open or create a workspace, load an area, see what is in it.

Run with ``streamlit run app.py``. The pages in ``pages/`` hold the map, the workshop mode,
the meeting-place analysis and import/export. Everyone sees the overview of what their role may
see; only a coordinator opens or creates a workspace and loads areas, and only on localhost
(:func:`assetmap.ui.local_files_allowed`) by typing a path on the server.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

from pathlib import Path

import pandas as pd
import streamlit as st

from assetmap import imports, ui
from assetmap._ui_coordinator import first_coordinator
from assetmap.errors import AssetmapError
from assetmap.i18n import block_label, t
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.numbers import percent
from assetmap.service import create_workspace, policy

lang = ui.setup_page("home")
actor = ui.session_actor()
coordinator = policy.may_manage(actor)
local_files = ui.local_files_allowed(actor)  # a coordinator on localhost may type paths on this computer
st.title(t("home_title", lang))
st.write(t("home_intro", lang))
ui.show_flashes()
# Hosted and no coordinator account yet: the server printed a one-time setup code to its log.
first_coordinator(lang)

# ---------------------------------------------------------------- workspace (coordinators)
if local_files:
    with st.expander(t("workspace", lang), expanded=not ui.workspace_path().is_file()):
        typed = st.text_input(t("workspace_path", lang), value=str(ui.workspace_path()), key="workspace_input")
        open_col, create_col = st.columns(2)
        if open_col.button(t("workspace_open", lang), key="workspace_open"):
            st.session_state["workspace_path"] = typed.strip()
            st.rerun()
        create_typed = create_col.button(t("workspace_create", lang), key="workspace_create")
else:
    typed, create_typed = "", False
# Hosted: a coordinator can only create the configured workspace, never name a file.
create_default = coordinator and not local_files and not ui.workspace_path().is_file() and \
    st.button(t("workspace_create", lang), key="workspace_create")
if create_typed or create_default:
    target = ui.as_location(typed.strip()) if create_typed else ui.default_workspace_path()
    try:
        if target == ui.default_workspace_path() and isinstance(target, Path):
            target.parent.mkdir(parents=True, exist_ok=True)  # the gitignored default folder
        create_workspace(target, actor=actor).close()
    except AssetmapError as exc:
        ui.show_error(exc, lang)
    else:
        if local_files:
            st.session_state["workspace_path"] = str(target)
        ui.flash("success", t("workspace_created", lang, path=target.name if isinstance(target, ui.ServerLocation)
                                else target) if local_files else t("workspace_ready", lang))
        st.rerun()

# ---------------------------------------------------------------- the Delft example (coordinators)
def load_example() -> None:
    """Build the Delft example, offline, in the (new or empty) workspace."""
    from assetmap.demo import load_demo

    target = ui.workspace_path()
    with st.spinner(t("demo_loading", lang)):
        try:
            if not target.is_file():
                if target == ui.default_workspace_path() and isinstance(target, Path):
                    target.parent.mkdir(parents=True, exist_ok=True)
                create_workspace(target, actor=actor).close()
            with ui.workspace() as ws:
                summary = load_demo(ws)
        except AssetmapError as exc:
            ui.show_error(exc, lang)
            return
    ui.flash("success", t("demo_loaded", lang, assets=summary.assets, areas=summary.areas,
                          pct=percent(summary.coverage_pct, lang), minutes=summary.minutes))
    st.rerun()


empty = not ui.workspace_path().is_file() or not len(ui.layers(ui.workspace_path(), actor)["assets"])
if coordinator and empty:
    # The first screen says one thing: "still empty" or (below) "does not exist yet", never both.
    if ui.workspace_path().is_file():
        st.info(t("demo_intro", lang))
    if st.button(t("demo_button", lang), key="load_demo", type="primary"):
        load_example()

path = ui.require_workspace(lang, home=True)

# ---------------------------------------------------------------- load an area (coordinators)
def run_import(action, **kwargs) -> None:
    """One import in one transaction; errors become a message, success a flash and a fresh run."""
    with st.spinner(t("home_importing", lang)):
        try:
            with ui.workspace() as ws:
                result = action(ws, **kwargs)
        except AssetmapError as exc:
            ui.show_error(exc, lang)
            return
    ui.flash("success", t("home_imported", lang, rows=result.rows))
    st.rerun()


if coordinator:
    st.subheader(t("home_load", lang))
    online_tab, offline_tab = st.tabs([t("home_online", lang), t("home_offline", lang)])

    with online_tab:
        place = st.text_input(t("home_place", lang), key="place")
        if st.button(t("home_place_button", lang), key="fetch_osm"):
            if place.strip():
                run_import(imports.import_osm, place=place.strip())
            else:
                st.warning(t("home_nothing_given", lang))
        gemeente = st.text_input(t("home_gemeente", lang), key="gemeente", max_chars=6)
        if st.button(t("home_gemeente_button", lang), key="fetch_boundaries"):
            if gemeente.strip():
                run_import(imports.import_boundaries, gemeente=gemeente.strip().upper())
            else:
                st.warning(t("home_nothing_given", lang))

    with offline_tab:
        left, right = st.columns(2)
        with left:
            osm_upload = st.file_uploader(t("home_osm_file", lang), type=["osm", "bz2", "pbf"], key="osm_upload")
            osm_path = st.text_input(t("home_local_path", lang), key="osm_path") if local_files else ""
            area_upload = st.file_uploader(t("home_area_file", lang), type=["geojson", "json"], key="area_upload")
        with right:
            boundaries_upload = st.file_uploader(t("home_boundaries_file", lang),
                                                 type=["geojson", "json", "gpkg", "topojson"], key="boundaries_upload")
            boundaries_path = st.text_input(t("home_local_path", lang), key="boundaries_path") if local_files \
                else ""
            gemeente_filter = st.text_input(t("home_gemeente_filter", lang), key="gemeente_filter", max_chars=6)
        if st.button(t("home_import_button", lang), key="import_files", type="primary"):
            uploads = (osm_upload, area_upload, boundaries_upload)
            if not any(uploads) and not osm_path.strip() and not boundaries_path.strip():
                st.warning(t("home_nothing_given", lang))
            elif not any(ui.upload_too_large(u, lang) for u in uploads):
                with ui.temp_dir() as tmp:
                    for sub in ("osm", "area", "b"):
                        (Path(tmp) / sub).mkdir()
                    osm_file = ui.save_upload(osm_upload, Path(tmp) / "osm") if osm_upload else osm_path.strip()
                    area_file = ui.save_upload(area_upload, Path(tmp) / "area") if area_upload else None
                    boundaries_file = ui.save_upload(boundaries_upload, Path(tmp) / "b") if boundaries_upload \
                        else boundaries_path.strip()
                    rows = 0
                    with st.spinner(t("home_importing", lang)):
                        try:
                            with ui.workspace() as ws:
                                # Boundaries first, so the OSM assets get their buurt and wijk codes.
                                if boundaries_file:
                                    rows += imports.import_boundaries(
                                        ws, file=boundaries_file, gemeente=gemeente_filter.strip().upper() or None).rows
                                if osm_file:
                                    rows += imports.import_osm(ws, file=osm_file, area_file=area_file).rows
                        except AssetmapError as exc:
                            ui.show_error(exc, lang)
                        else:
                            ui.flash("success", t("home_imported", lang, rows=rows))
                            st.rerun()

# ---------------------------------------------------------------- overview
st.subheader(t("home_overview", lang))
data = ui.layers(path, actor)  # the overview counts only what this visitor may see
assets, boundaries = data["assets"], data["boundaries"]
meeting = int(assets["is_meeting_place"].fillna(False).astype(bool).sum()) if len(assets) else 0
c1, c2, c3 = st.columns(3)
c1.metric(t("home_assets_total", lang), len(assets))
c2.metric(t("home_meeting_places", lang), meeting)
c3.metric(t("home_areas", lang), int(boundaries["level"].isin(["wijk", "buurt"]).sum()) if len(boundaries) else 0)

if len(assets):
    per_block = pd.DataFrame({
        t("building_block", lang): [block_label(b, lang) for b in ENTRY_KINDS],
        t("count", lang): [int((assets["building_block"] == b).sum()) for b in ENTRY_KINDS],
    }).set_index(t("building_block", lang))
    level = "buurt" if (boundaries["level"] == "buurt").any() else "wijk"
    names = dict(zip(boundaries["code"], boundaries["name"].astype(object))) if len(boundaries) else {}
    codes = assets[f"{level}_code"].astype(object).where(assets[f"{level}_code"].notna(), None)
    area_names = [names.get(c, c) if c else t("outside_areas", lang) for c in codes]
    per_area = pd.Series(area_names, dtype=object).value_counts().rename(t("count", lang))
    per_area.index.name = t(level, lang)
    left, right = st.columns(2)
    # Each chart has its numbers as a table under it (WCAG 1.1.1: a chart is a picture).
    with left:
        st.markdown(f"**{t('home_per_block', lang)}**")
        st.bar_chart(per_block, horizontal=True)
        with st.expander(t("as_table", lang)):
            st.table(per_block)
    with right:
        st.markdown(f"**{t('home_per_area', lang, level=t(level, lang).lower())}**")
        st.bar_chart(per_area.to_frame(), horizontal=True)
        with st.expander(t("as_table", lang)):
            st.table(per_area.to_frame())
elif not (coordinator and empty):  # the coordinator's intro above already says so
    st.info(t("no_assets", lang))

st.markdown(f"**{t('home_sources', lang)}**")
sources = data["sources"]
# Where a source came from can be a file on the server, and row counts include hidden entries.
sources = sources.drop(columns=[c for c, shown in (("reference", local_files), ("rows", coordinator)) if not shown],
                       errors="ignore")
if len(sources):
    st.dataframe(sources.rename(columns={
        "name": t("source_name", lang), "reference": t("source_reference", lang),
        "licence": t("source_licence", lang), "attribution": t("source_attribution", lang),
        "imported_at": t("source_date", lang), "rows": t("source_rows", lang)}),
        hide_index=True, width="stretch")
else:
    st.caption(t("home_no_sources", lang))
st.markdown(t("home_pages" if ui.has_role(actor, "workshop") else "home_pages_public", lang))
