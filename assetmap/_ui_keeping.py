"""The coordinator's "Bijhouden" tab (page Werksessie): what nobody checked for too long, update links
for owners of places and groups, and the changes owners made that wait for a coordinator.

The same actions as ``assetmap stale``, ``checked``, ``update-link`` and ``owner-changes``. Every
read and write goes through :mod:`assetmap.service` as the session's actor; the service refuses
what the role may not do, whatever the page shows.
"""

from __future__ import annotations

import json

import streamlit as st

from assetmap import ui
from assetmap.errors import AssetmapError
from assetmap.i18n import block_label, t
from assetmap.service import Actor
from assetmap.table_cards import check_url, owner_page_url, public_url, qr_png

__all__ = ["keeping_section"]

#: Building blocks an update link may be issued for (a person and a story have no owner to keep them).
_LINK_BLOCKS = ("association", "institution", "resource", "initiative")


def keeping_section(lang: str, actor: Actor) -> None:
    """The three parts of the tab: stale entries with "klopt nog", update links, owners' changes.

    Parameters
    ----------
    lang : str
        Language of the texts.
    actor : Actor
        The coordinator (the service refuses anyone else).
    """
    _stale_part(lang, actor)
    _links_part(lang, actor)
    _owner_changes_part(lang, actor)


def _stale_part(lang: str, actor: Actor) -> None:
    st.subheader(t("keeping_stale_title", lang))
    try:
        with ui.workspace() as ws:
            months = ws.stale_months()
            stale = ws.stale_entries(actor=actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    st.caption(t("keeping_stale_intro", lang, months=months))
    if stale.empty:
        st.success(t("cli_stale_none", lang, months=months))
        return
    shown = stale.assign(building_block=[block_label(b, lang) for b in stale["building_block"]],
                         checked=stale["checked"].fillna(t("cli_stale_never", lang)))
    st.dataframe(shown[["checked", "area_name", "building_block", "name"]].rename(columns={
        "checked": t("keeping_col_checked", lang), "area_name": t("area", lang),
        "building_block": t("keeping_col_block", lang), "name": t("name", lang)}),
        hide_index=True, width="stretch")
    labels = {row["id"]: f"{row['name'] or row['id']} ({row['checked'] or t('cli_stale_never', lang)})"
              for row in stale.to_dict("records")}
    with st.form("keeping_checked_form", enter_to_submit=False):
        chosen = st.multiselect(t("keeping_checked_pick", lang), list(labels), format_func=labels.get,
                                key="keeping_checked_ids", placeholder=t("keeping_checked_pick", lang))
        if st.form_submit_button(t("keeping_checked_button", lang), type="primary") and chosen:
            try:
                with ui.workspace() as ws:
                    count = ws.mark_checked(chosen, actor)
            except AssetmapError as exc:
                ui.show_error(exc, lang)
            else:
                st.session_state.pop("keeping_checked_ids", None)
                ui.flash("success", t("keeping_checked_done", lang, count=count))
                st.rerun()


def _links_part(lang: str, actor: Actor) -> None:
    st.subheader(t("keeping_links_title", lang))
    st.caption(t("keeping_links_intro", lang))
    try:
        with ui.workspace() as ws:
            assets = ws.assets(actor=actor)
            links = ws.update_links(actor=actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    kept = assets[assets["building_block"].isin(_LINK_BLOCKS).fillna(False).to_numpy()]
    names = dict(sorted(zip(kept["id"], kept["name"].astype(object).fillna("")), key=lambda x: x[1].casefold()))
    with st.form("keeping_link_form", enter_to_submit=False):
        entry = st.selectbox(t("keeping_link_entry", lang), list(names), format_func=lambda i: names[i] or i,
                             index=None, key="keeping_link_entry", placeholder=t("keeping_link_entry", lang))
        days = st.number_input(t("keeping_link_days", lang), min_value=1, max_value=366, value=90, step=1,
                               key="keeping_link_days", placeholder=t("number_placeholder", lang))
        if st.form_submit_button(t("keeping_link_button", lang), type="primary") and entry:
            try:
                with ui.workspace() as ws:
                    code, link_id = ws.issue_update_link(entry, float(days), actor)
            except AssetmapError as exc:
                ui.show_error(exc, lang)
            else:
                st.session_state["_update_link"] = {"code": code, "id": link_id, "name": names.get(entry) or entry}
    issued = st.session_state.get("_update_link")
    if issued:
        st.success(t("keeping_link_issued", lang, name=issued["name"]))
        st.code(issued["code"], language=None)
        try:
            url = check_url(public_url())
        except AssetmapError:  # a wrong ASSETMAP_PUBLIC_URL: the code alone still works
            url = None
        if url:  # the owner's page, opened with the code: to send, or to print as a QR code
            link = owner_page_url(url, issued["code"])
            st.code(link, language=None)
            st.image(qr_png(link), caption=t("keeping_link_qr", lang), width=220)
    if len(links):
        st.dataframe(links[["id", "name", "state", "expires_at"]], hide_index=True, width="stretch")
        valid = links[links["state"] == "valid"]
        if len(valid):
            with st.form("keeping_revoke_form", enter_to_submit=False):
                chosen = st.selectbox(t("keeping_revoke_pick", lang), list(valid["id"]), key="keeping_revoke_id",
                                      format_func=lambda i: f"{i} · {valid.set_index('id').at[i, 'name']}",
                                      index=None, placeholder=t("keeping_revoke_pick", lang))
                if st.form_submit_button(t("keeping_revoke_button", lang)) and chosen:
                    try:
                        with ui.workspace() as ws:
                            ws.revoke_update_link(chosen, actor)
                    except AssetmapError as exc:
                        ui.show_error(exc, lang)
                    else:
                        ui.flash("success", t("cli_update_link_revoked", lang, id=chosen))
                        st.rerun()


def _owner_changes_part(lang: str, actor: Actor) -> None:
    st.subheader(t("keeping_changes_title", lang))
    try:
        with ui.workspace() as ws:
            waiting = ws.owner_changes(actor=actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    if waiting.empty:
        st.caption(t("cli_no_owner_changes", lang))
        return
    for row in waiting.to_dict("records"):
        with st.container(border=True):
            st.markdown(f"**{row['name'] or row['asset_id']}** · {row['kind']} · {str(row['at'])[:16]}")
            st.code(json.dumps(row["payload"], ensure_ascii=False, indent=1), language=None)
            c1, c2 = st.columns(2)
            for column, approve in ((c1, True), (c2, False)):
                label = t("keeping_approve" if approve else "keeping_reject", lang)
                if column.button(label, key=f"owner_change_{'ok' if approve else 'no'}_{row['id']}"):
                    try:
                        with ui.workspace() as ws:
                            ws.decide_owner_change(row["id"], approve, actor)
                    except AssetmapError as exc:
                        ui.show_error(exc, lang)
                    else:
                        st.rerun()
