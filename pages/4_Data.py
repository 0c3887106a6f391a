"""Import workshop files (checked row by row), export public or full, download the template, moderate.

For the ``workshop`` role and up: a workshop participant gets the public export and the template; a
coordinator also imports, exports in full and approves or rejects pending entries (when the service
moderates). Files come in by upload; only a coordinator on localhost may also type a path.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

from pathlib import Path

import pandas as pd
import streamlit as st

from assetmap import export, imports, settings, ui
from assetmap._ui_moderation import moderation_queue
from assetmap._ui_photos import photo_queue
from assetmap.errors import AssetmapError, InputError
from assetmap.i18n import code_label, codes_label, t
from assetmap.messages import text
from assetmap.service import policy

lang = ui.setup_page("data")
ui.require_role(ui.PAGE_ROLES["data"], lang)
me = ui.pseudonym_input(lang)
actor = ui.session_actor()
coordinator = policy.may_manage(actor)
st.title(t("data_title", lang))
ui.show_flashes()
path = ui.require_workspace(lang)
state = st.session_state


# ---------------------------------------------------------------- moderation (coordinators)
# The setting, every waiting entry whole and the reported ones, decided several at once (assetmap._ui_moderation).
moderation_queue(actor, lang)
photo_queue(actor, lang)  # waiting photos, each with its entry (assetmap._ui_photos)


# ---------------------------------------------------------------- accounts, table codes, moderation (coordinators)
def administration() -> None:
    """Accounts, table codes and the moderation switch; the service checks every step again."""
    st.subheader(t("admin_title", lang))
    try:
        with ui.workspace() as ws:
            accounts, moderating = ws.accounts(actor), ws.moderation()
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    if len(accounts):
        st.dataframe(pd.DataFrame({t("name", lang): accounts["name"].astype(object),
                                   t("admin_role", lang): [t("role_" + str(r), lang) for r in accounts["role"]]}),
                     hide_index=True, width="stretch", key="admin_accounts")
    with st.form("admin_add_account", clear_on_submit=True, enter_to_submit=False):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input(t("name", lang), key="admin_name", max_chars=80)
        password = c2.text_input(t("admin_password", lang), type="password", key="admin_password")
        role = c3.selectbox(t("admin_role", lang), ("workshop", "coordinator"), key="admin_role", placeholder=t("choose_one", lang),
                            format_func=lambda r: t("role_" + r, lang))
        add = st.form_submit_button(t("admin_add", lang))
    c1, c2 = st.columns(2)
    remove = c1.selectbox(t("admin_remove_pick", lang), list(accounts["name"]) if len(accounts) else [],
                          index=None, key="admin_remove_pick", placeholder=t("choose_one", lang))
    remove_clicked = c1.button(t("admin_remove", lang), key="admin_remove", disabled=remove is None)
    hours = c2.number_input(t("admin_code_hours", lang), min_value=1, max_value=72, value=8, key="admin_code_hours",
                            placeholder=t("number_placeholder", lang))
    code_clicked = c2.button(t("admin_code", lang), key="admin_code")
    switched = st.toggle(t("admin_moderation", lang), value=moderating, key="admin_moderation")
    if not (add or remove_clicked or code_clicked or switched != moderating):
        return
    try:
        with ui.workspace() as ws:
            if add:
                ws.create_account(name.strip(), password, role, actor)
                ui.flash("success", t("admin_added", lang, name=name.strip()))
            elif remove_clicked:
                ws.remove_account(remove, actor)
                ui.flash("success", t("admin_removed", lang, name=remove))
            elif code_clicked:
                # Shown once; only its hash is kept.
                ui.flash("info", t("admin_code_issued", lang, code=ws.issue_table_code(actor, hours=hours),
                                   hours=hours))
            else:
                ws.set_moderation(switched, actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    st.rerun()


if coordinator:
    administration()

# ---------------------------------------------------------------- import (coordinators)
if coordinator:
    st.subheader(t("import_title", lang))
    uploaded = st.file_uploader(t("import_upload", lang), type=["csv", "txt", "xlsx", "geojson", "json"],
                                key="workshop_upload")
    # A path on the server only for a coordinator on localhost; a hosted app takes uploads only.
    local_path = st.text_input(t("home_local_path", lang), key="workshop_path").strip() \
        if ui.local_files_allowed(actor) else ""
    c1, c2 = st.columns(2)
    check = c1.button(t("import_check", lang), key="import_check")
    do_import = c2.button(t("import_do", lang), key="import_do", type="primary")
else:
    uploaded, local_path, check, do_import = None, "", False, False
given = uploaded is not None or bool(local_path)
if (check or do_import) and not given:
    st.warning(t("home_nothing_given", lang))
if given and (check or do_import) and not ui.upload_too_large(uploaded, lang):
    with ui.temp_dir() as tmp, st.spinner(t("home_importing", lang)):
        if uploaded is not None:
            source = ui.save_upload(uploaded, tmp)
            named = source.with_name(Path(uploaded.name).name or source.name)  # the source log keeps its name
            source.rename(named)
        else:
            named = Path(local_path).expanduser()  # size and type are checked by the reader
        try:
            with ui.workspace() as ws:
                result = imports.import_workshop(ws, named, dry_run=check, actor=me or None)
        except InputError as exc:
            st.error(t("import_problems", lang, count=len(exc.problems)))
            st.dataframe(ui.problems_table(exc.problems, lang), hide_index=True, width="stretch",
                         key="import_report")
        except AssetmapError as exc:
            ui.show_error(exc, lang)
        else:
            if check:
                st.success(t("import_ok_dry", lang, rows=result.rows))
            else:
                report = result.report
                summary = text("import_summary", lang, added=len(report.added), updated=len(report.updated),
                               unchanged=len(report.unchanged))
                st.success(t("import_done", lang, summary=summary))
                st.toast(t("import_done", lang, summary=summary), icon="✅")
            if result.notes:
                st.caption(t("notes", lang))
                st.dataframe(ui.problems_table(result.notes, lang), hide_index=True, width="stretch",
                             key="import_notes")

# ---------------------------------------------------------------- export
st.subheader(t("export_title", lang))
c1, c2 = st.columns(2)
fmt = c1.radio(t("export_format", lang), export.FORMATS, key="export_format", horizontal=True,
               format_func=lambda s: {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".csv": "CSV",
                                      ".zip": t("export_format_zip", lang)}[s])
if coordinator:
    public = c2.radio(t("visibility", lang), [True, False], key="export_public",
                      format_func=lambda p: t("export_public" if p else "export_full", lang)) is True
else:
    # The full export is the coordinator's; the service would give anyone else only their own view anyway.
    public = True
    c2.caption(t("export_public_only", lang))
# A CSV for Dutch Excel (";", BOM, words) by default; the plain one (",", field names, codes) for scripts.
dialect = c1.radio(t("export_dialect", lang), export.CSV_DIALECTS, key="export_dialect", horizontal=True,
                   format_func=lambda d: t("export_dialect_" + d, lang)) if fmt == ".csv" else "excel"
if st.button(t("export_prepare", lang), key="export_prepare"):
    # The workspace's file name only on localhost; a hosted app names the download after the tool.
    stem = path.stem if ui.local_files_allowed(actor) else "assetmap"
    name = f"{stem}{'-public' if public else ''}{fmt}"
    try:
        with ui.temp_dir() as tmp, ui.workspace() as ws:
            rows = export.export_assets(ws, Path(tmp) / name, public=public, dialect=dialect, lang=lang)
            state["export"] = (name, (Path(tmp) / name).read_bytes(), rows)
            state["_export_full"] = not public
    except AssetmapError as exc:
        ui.show_error(exc, lang)
if "export" in state and (coordinator or not state.get("_export_full", True)):  # never a full one after sign-out
    name, payload, rows = state["export"]
    st.caption(t("export_rows", lang, rows=rows))
    st.download_button(t("export_download", lang, name=name), payload, file_name=name, key="export_download",
                       mime={".csv": "text/csv", ".geojson": "application/geo+json",
                             ".zip": "application/zip"}.get(Path(name).suffix,
                                                                                        "application/geopackage+sqlite3"))

# ---------------------------------------------------------------- template
st.subheader(t("template_title", lang))
c1, c2 = st.columns(2)
csv_template = settings.DATA_DIR / "workshop_template.csv"
xlsx_template = settings.DATA_DIR / "workshop_template.xlsx"
if csv_template.is_file():
    c1.download_button(t("template_csv", lang), csv_template.read_bytes(), file_name=csv_template.name,
                       mime="text/csv", key="template_csv")
if xlsx_template.is_file():
    c2.download_button(t("template_xlsx", lang), xlsx_template.read_bytes(), file_name=xlsx_template.name,
                       key="template_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
with st.expander(t("import_title", lang) + " · CSV"):
    st.dataframe(pd.read_csv(csv_template, dtype=str, keep_default_na=False) if csv_template.is_file()
                 else pd.DataFrame(), hide_index=True, width="stretch")


# ---------------------------------------------------------------- initiatives (workshop tables and up)
def initiatives() -> None:
    """Start an initiative, see what nearby answers what it seeks (on foot), and accept a match.

    Every step goes through the service with the session's actor: with moderation on, a public
    initiative of a workshop table waits for a coordinator, like every other entry.
    """
    from assetmap.layers.schema import VISIBILITIES
    from assetmap.matching import match

    st.subheader(t("initiatives_title", lang))
    st.caption(t("initiatives_intro", lang))
    try:
        with ui.workspace() as ws:
            shown = ws.assets("initiative", actor=actor)
            areas = ws.boundaries()
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    area_names = dict(zip(areas["code"], areas["name"].astype(object))) if len(areas) else {}
    with st.form("initiative_add", clear_on_submit=True, enter_to_submit=False):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("name", lang), key="initiative_name", max_chars=120)
        area = c2.selectbox(t("initiative_area", lang), list(area_names), index=None, key="initiative_area",
                            placeholder=t("choose_one", lang), format_func=lambda c: f"{area_names.get(c) or c}")
        seeks = c1.text_input(t("seeks", lang), key="initiative_seeks", placeholder=t("seeks_placeholder", lang))
        offers = c2.text_input(t("offers", lang), key="initiative_offers", placeholder=t("offers_placeholder", lang))
        tags = c1.text_input(t("tags", lang), key="initiative_tags", placeholder=t("tags_placeholder", lang))
        visibility = c2.selectbox(t("visibility", lang), VISIBILITIES, key="initiative_visibility", placeholder=t("choose_one", lang),
                                  format_func=lambda v: t("visibility_" + v, lang))
        description = st.text_area(t("description", lang), key="initiative_description", max_chars=2000)
        add = st.form_submit_button(t("initiative_add", lang))
    if add:
        fields = {"name": name.strip(), "description": description.strip() or None, "seeks": seeks or None,
                  "offers": offers or None, "tags": tags or None, "visibility": visibility,
                  "consent": visibility == "public"}
        try:
            with ui.workspace() as ws:
                ws.add_initiative(fields, None, actor, buurt_code=area)
        except AssetmapError as exc:
            ui.show_error(exc, lang)
        else:
            ui.flash("success", t("initiative_added", lang, name=name.strip()))
            st.rerun()
    if not len(shown):
        st.caption(t("initiatives_none", lang))
        return
    names = dict(zip(shown["id"], shown["name"].astype(object)))
    st.dataframe(pd.DataFrame({
        t("name", lang): shown["name"].astype(object).to_numpy(),
        t("status", lang): [code_label("status", v, lang) for v in shown["status"]],
        t("seeks", lang): [codes_label("seek", v, lang) for v in shown["seeks"]],
        t("offers", lang): [codes_label("seek", v, lang) for v in shown["offers"]],
    }), hide_index=True, width="stretch", key="initiatives_table")
    picked = st.selectbox(t("initiative_pick", lang), list(names), key="initiative_pick", placeholder=t("choose_one", lang),
                          format_func=lambda i: str(names.get(i, i)))
    try:
        with ui.workspace() as ws:
            found = match(ws, picked, actor=actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    if not len(found):
        st.caption(t("matches_none", lang))
        return
    st.dataframe(pd.DataFrame({
        t("name", lang): found["name"].astype(object).to_numpy(),
        t("match_answers", lang): found["answers"].to_numpy(),
        t("match_minutes", lang): found["walk_minutes"].round(0).to_numpy(),
    }), hide_index=True, width="stretch", key="matches_table")
    targets = dict(zip(found["asset_id"], found["name"].astype(object)))
    answers = dict(zip(found["asset_id"], found["answers"]))
    target = st.selectbox(t("match_pick", lang), list(targets), key="match_pick", placeholder=t("choose_one", lang),
                          format_func=lambda i: str(targets.get(i, i)))
    if st.button(t("match_accept", lang), key="match_accept"):
        try:
            with ui.workspace() as ws:
                ws.accept_match(picked, target, actor, note=answers.get(target))
        except AssetmapError as exc:
            ui.show_error(exc, lang)
        else:
            ui.flash("success", t("match_accepted", lang, name=str(names.get(picked)), other=str(targets.get(target))))
            st.rerun()


initiatives()


# ---------------------------------------------------------------- publish the resident map (coordinators)
def publish_block() -> None:
    """Re-publish the static resident map to ``settings.PUBLISH_DIR`` (see ``assetmap publish``)."""
    from assetmap.publish import publish_site

    st.subheader(t("publish_title", lang))
    target = settings.PUBLISH_DIR  # read on every run, so a changed setting needs no code change
    if not target:
        st.caption(t("publish_unset", lang))
        return
    # The folder's name only where server paths may be shown (a coordinator on localhost).
    st.caption(t("publish_intro", lang, path=target if ui.local_files_allowed(actor) else "ASSETMAP_PUBLISH_DIR"))
    if st.button(t("publish_button", lang), key="publish_site"):
        try:
            with st.spinner(t("publishing", lang)):
                report = publish_site(path, target, lang=lang)
        except AssetmapError as exc:
            ui.show_error(exc, lang)
        else:
            st.success(t("publish_done", lang, assets=report.assets, size=f"{report.size_bytes / 1e6:.2f}"))
            with ui.workspace() as ws:
                ws.note_event("publish", actor)  # for the status panel below


if coordinator:
    publish_block()

# ---------------------------------------------------------------- status of a hosted workspace (coordinators)
if coordinator:
    from assetmap._ui_status import status_panel

    status_panel(ui.workspace, actor, lang)
