"""Wat is er veranderd: what was added, changed, archived and linked since a day, per building block and area.

For coordinators (the history holds every entry's full state). The same summary as
``assetmap changes WS --since DAY`` (:func:`assetmap.changes.summarise_changes`): what people did
first, data imports apart as one line each, areas by their names.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from assetmap import ui
from assetmap.changes import KINDS, import_line, summarise_changes
from assetmap.errors import AssetmapError
from assetmap.i18n import block_label, t

lang = ui.setup_page("changes")
actor = ui.require_role("coordinator", lang)
st.title(t("changes_title", lang))
st.caption(t("changes_intro", lang))
ui.show_flashes()
ui.require_workspace(lang)

with ui.workspace() as ws:
    boundaries = ws.boundaries()
choices = boundaries[boundaries["level"].isin(["wijk", "buurt"]).to_numpy()].sort_values(["level", "name"]) \
    if len(boundaries) else boundaries
area_names = dict(zip(choices["code"], choices["name"].astype(object))) if len(choices) else {}
c1, c2 = st.columns(2)
since = c1.date_input(t("changes_since", lang), value=date.today() - timedelta(days=90), key="changes_since",
                      format="DD-MM-YYYY")
area = c2.selectbox(t("changes_area", lang), list(area_names), index=None, key="changes_area",
                    placeholder=t("changes_all_areas", lang), format_func=lambda c: area_names.get(c, c))

try:
    with ui.workspace() as ws:
        summary = summarise_changes(ws.history(actor=actor), since.isoformat(), area=area, assets=ws.assets(),
                                    boundaries=boundaries)
except AssetmapError as exc:
    ui.show_error(exc, lang)
    st.stop()

labels = [t("changes_" + kind, lang) for kind in KINDS]
metrics = st.columns(len(KINDS))
for column, kind, label in zip(metrics, KINDS, labels):
    column.metric(label, summary["totals"][kind])


def _table(groups: dict, name: str, label=lambda key: key) -> pd.DataFrame:
    return pd.DataFrame([{name: label(key), **{lab: counts[kind] for kind, lab in zip(KINDS, labels)}}
                         for key, counts in groups.items()])


st.subheader(t("changes_imports", lang))
if summary["imports"]:
    st.markdown("\n".join(f"- {import_line(batch, lang)}" for batch in summary["imports"]))
else:
    st.caption(t("changes_no_imports", lang))

st.subheader(t("changes_per_block", lang))
st.dataframe(_table(summary["per_building_block"], t("building_block", lang), lambda b: block_label(b, lang)),
             hide_index=True, width="stretch", key="changes_blocks")
st.subheader(t("changes_per_area", lang))
outside = t("changes_outside_areas", lang)
per_area = summary["per_area"] | ({outside: summary["outside_areas"]} if any(summary["outside_areas"].values()) else {})
st.dataframe(_table(per_area, t("changes_area_column", lang)), hide_index=True, width="stretch", key="changes_areas")
st.subheader(t("changes_list", lang))
items = list(reversed(summary["items"]))[:500]  # newest first
st.dataframe(pd.DataFrame({
    t("changes_when", lang): [i["at"][:16].replace("T", " ") for i in items],
    t("changes_what", lang): [t("changes_" + i["kind"], lang) for i in items],
    t("name", lang): [i["name"] or "" for i in items],
    t("building_block", lang): [block_label(i["building_block"], lang) if i["building_block"] else "" for i in items],
    t("changes_area_column", lang): [i["area_name"] or outside for i in items],
    t("changes_who", lang): [i.get("actor") or "" for i in items],
}), hide_index=True, width="stretch", key="changes_items")
