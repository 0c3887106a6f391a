"""Verbindingen: who and what is linked, as a network beside the map (issue 35).

For every role, each seeing what the service gives it: the network is made by
:func:`assetmap.connections.build_connections` from the entries and links the session's actor may
see. Whoever is not a coordinator sees people only as anonymous counts of at least five, never as
a node (the policy decides: :func:`assetmap.service.policy.sees_everything`). The tables are the
full text equivalent of the map: the brokers, the islands, the unlinked entries and every entry
with its links.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

import pandas as pd
import streamlit as st

from assetmap import maps, ui
from assetmap.connections import EDGE_KINDS, build_connections
from assetmap.i18n import block_label, t
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.service import policy

lang = ui.setup_page("page_connections")
actor = ui.require_role(ui.PAGE_ROLES["page_connections"], lang)
st.title(t("connections_title", lang))
st.caption(t("connections_intro", lang))
path = ui.require_workspace(lang)
version = ui.workspace_version(path)
data = ui.load_layers(str(path), version, actor.role, actor.pseudonym)
assets, boundaries = data["assets"], data["boundaries"]
anonymous = not policy.sees_everything(actor)  # a person is a node for a coordinator only

choices = boundaries[boundaries["level"].isin(["wijk", "buurt"]).to_numpy()].sort_values(["level", "name"]) \
    if len(boundaries) else boundaries
area_names = dict(zip(choices["code"], choices["name"].astype(object))) if len(choices) else {}
c1, c2, c3 = st.columns(3)
area = c1.selectbox(t("area", lang), list(area_names), index=None, key="connections_area",
                    placeholder=t("changes_all_areas", lang), format_func=lambda c: area_names.get(c, c))
blocks = c2.multiselect(t("filter_blocks", lang), ENTRY_KINDS, key="connections_blocks",
                        placeholder=t("choose_many", lang), format_func=lambda b: block_label(b, lang))
kinds = c3.multiselect(t("connections_kinds", lang), EDGE_KINDS, key="connections_kinds",
                       placeholder=t("choose_many", lang), format_func=lambda k: t("link_" + k, lang))
tags = st.checkbox(t("connections_tags", lang), key="connections_tags")

level = str(choices.loc[choices["code"] == area, "level"].iloc[0]) if area else None
network = build_connections(assets, data["links"], anonymous_people=anonymous, area=area, level=level,
                            shared_tags=tags, blocks=blocks, kinds=kinds)
summary = network.summary()
names = {n["id"]: n["name"] for n in network.nodes()}
labels = {"entries": t("connections_entries", lang), "links": t("connections_links", lang),
          "linked": t("connections_linked", lang), "unlinked": t("connections_unlinked", lang),
          "islands": t("connections_islands", lang)}
for column, (key, label) in zip(st.columns(len(labels)), labels.items()):
    column.metric(label, summary[key])
ui.live_status(t("cli_network_summary", lang, **summary))

# The text equivalent first: brokers, islands, anonymous counts, then the map and every entry's links.
st.subheader(t("connections_brokers", lang))
st.caption(t("connections_brokers_hint", lang))
brokers = network.brokers()
if brokers:
    st.dataframe(pd.DataFrame({
        t("name", lang): [b["name"] for b in brokers],
        t("building_block", lang): [block_label(b["building_block"], lang) for b in brokers],
        t("connections_degree", lang): [b["degree"] for b in brokers],
        t("connections_betweenness", lang): [round(b["betweenness"], 2) for b in brokers],
    }), hide_index=True, width="stretch", key="connections_brokers_table")
else:
    st.caption(t("connections_no_brokers", lang))

st.subheader(t("connections_islands_title", lang))
islands = network.islands()
if islands:
    st.markdown("\n".join(f"- {t('connections_island', lang, number=i, names=', '.join(names[n] for n in group))}"
                          for i, group in enumerate(islands, start=1)))
else:
    st.caption(t("connections_no_islands", lang))
people = network.people()
if people:
    st.markdown("\n".join(f"- {t('cli_network_people', lang, count=p['count'], name=names[p['id']])}"
                          for p in people))
if anonymous:
    st.caption(t("cli_network_people_rule", lang, k=network.k))

linked = [n["id"] for n in network.nodes() if n["degree"]]
# An entry clicked on the map (the run before) becomes the choice, before the box is drawn.
clicked_id = st.session_state.pop("_connections_clicked", None)
if clicked_id in linked:
    st.session_state["connections_chosen"] = clicked_id
chosen = st.selectbox(t("connections_choose", lang), linked, index=None, key="connections_chosen",
                      placeholder=t("choose_one", lang), format_func=lambda n: names.get(n, n))
if chosen:
    st.markdown("\n".join(f"- {t('link_' + kind, lang)} **{names[other]}**"
                          for kind, other in network.neighbours(chosen)))
shown = assets[assets["id"].isin(set(linked)).to_numpy()] if len(assets) else assets
edges = [(link["from"], link["to"]) for link in network.links()]
value = ui.show_map(maps.network_map(shown, edges, boundaries, links=data["links"], chosen=chosen, lang=lang,
                                     leaflet_base=maps.LOCAL_LEAFLET), "connections_map", lang,
                    returned_objects=["last_object_clicked"])
click = (value or {}).get("last_object_clicked")
if click and click != st.session_state.get("_connections_seen_click"):
    # A marker clicked on the map: choose its entry beside the map too (the same point as drawn).
    st.session_state["_connections_seen_click"] = click
    at_point = {(round(point.y, maps.COORD_DECIMALS), round(point.x, maps.COORD_DECIMALS)): asset_id
                for asset_id, point in zip(shown["id"], maps.display_points(shown)) if point is not None}
    found = at_point.get((round(click["lat"], maps.COORD_DECIMALS), round(click["lng"], maps.COORD_DECIMALS)))
    if found and found != chosen:
        st.session_state["_connections_clicked"] = found
        st.rerun()
st.caption(t("connections_map_hint", lang))

st.subheader(t("connections_table", lang))
rows = [n for n in network.nodes() if n["degree"]]
rows.sort(key=lambda n: (n["name"], n["id"]))
st.dataframe(pd.DataFrame({
    t("name", lang): [n["name"] for n in rows],
    t("building_block", lang): [block_label(n["building_block"], lang) for n in rows],
    t("area", lang): [area_names.get(n["area"], n["area"]) for n in rows],
    t("connections_links_column", lang): ["; ".join(f"{t('link_' + kind, lang)} {names[other]}"
                                                    for kind, other in network.neighbours(n["id"])) for n in rows],
}), hide_index=True, width="stretch", key="connections_nodes_table")

with st.expander(t("connections_unlinked_title", lang, count=len(network.unlinked()))):
    st.dataframe(pd.DataFrame({
        t("name", lang): [names[n] for n in network.unlinked()],
        t("building_block", lang): [block_label(network.graph.nodes[n]["building_block"], lang)
                                    for n in network.unlinked()],
    }), hide_index=True, width="stretch", key="connections_unlinked_table")

st.download_button(t("connections_download", lang), network.graphml(), file_name="verbindingen.graphml",
                   mime="application/graphml+xml", key="connections_download")
