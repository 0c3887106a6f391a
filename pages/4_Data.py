"""Import workshop files (checked row by row), export public or full, download the template."""

from pathlib import Path

import pandas as pd
import streamlit as st

from assetmap import export, imports, settings, ui
from assetmap.errors import AssetmapError, InputError
from assetmap.i18n import t
from assetmap.messages import text

lang = ui.setup_page("data")
me = ui.pseudonym_input(lang)
st.title(t("data_title", lang))
ui.show_flashes()
path = ui.require_workspace(lang)
state = st.session_state

# ---------------------------------------------------------------- import
st.subheader(t("import_title", lang))
uploaded = st.file_uploader(t("import_upload", lang), type=["csv", "txt", "xlsx", "geojson", "json"],
                            key="workshop_upload")
local_path = st.text_input(t("home_local_path", lang), key="workshop_path").strip()
given = uploaded is not None or bool(local_path)
c1, c2 = st.columns(2)
check = c1.button(t("import_check", lang), key="import_check")
do_import = c2.button(t("import_do", lang), key="import_do", type="primary")
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
               format_func=lambda s: {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".csv": "CSV"}[s])
public = c2.radio(t("visibility", lang), [True, False], key="export_public",
                  format_func=lambda p: t("export_public" if p else "export_full", lang)) is True
if st.button(t("export_prepare", lang), key="export_prepare"):
    name = f"{path.stem}{'-public' if public else ''}{fmt}"
    try:
        with ui.temp_dir() as tmp, ui.workspace() as ws:
            rows = export.export_assets(ws, Path(tmp) / name, public=public)
            state["export"] = (name, (Path(tmp) / name).read_bytes(), rows)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
if "export" in state:
    name, payload, rows = state["export"]
    st.caption(t("export_rows", lang, rows=rows))
    st.download_button(t("export_download", lang, name=name), payload, file_name=name, key="export_download",
                       mime={".csv": "text/csv", ".geojson": "application/geo+json"}.get(Path(name).suffix,
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
