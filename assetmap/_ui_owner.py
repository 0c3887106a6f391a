"""The owner's page ("Bijwerken"): whoever holds an update link keeps one entry current.

The code comes from the link (``?code=...``, as a QR code prints it) or is typed in. It is checked
again on every action (:meth:`~assetmap.service.update_links.UpdateLinks.redeem_update_link`), so a
revoked or expired link stops working at once. What the owner may change, and whether a change
waits for a coordinator, the service decides (:meth:`~assetmap.service.update_links.UpdateLinks.owner_change`).
"""

from __future__ import annotations

import streamlit as st

from assetmap import ui
from assetmap.errors import AssetmapError
from assetmap.i18n import t
from assetmap.messages import N_

__all__ = ["owner_section"]

#: The entry's fields on the owner's form (text fields, in this order) -> the code of their label.
_FORM_FIELDS = {"name": N_("owner_field_name"), "description": N_("owner_field_description"),
                "opening_hours": N_("owner_field_opening_hours"), "seeks": N_("owner_field_seeks"),
                "offers": N_("owner_field_offers")}
_CODE_KEY = "_owner_code"


def owner_section(lang: str) -> None:
    """Ask for the code (or take it from the link), then show the entry's form, "klopt nog" and its activities.

    Parameters
    ----------
    lang : str
        Language of the texts.
    """
    state = st.session_state
    from_link = st.query_params.get("code")
    if from_link and from_link != state.get("_owner_code_asked"):
        state[_CODE_KEY] = state["_owner_code_asked"] = from_link
    if not state.get(_CODE_KEY):
        with st.form("owner_code_form", enter_to_submit=False):
            typed = st.text_input(t("owner_code", lang), key="owner_code_input", help=t("owner_code_help", lang))
            if st.form_submit_button(t("owner_code_button", lang), type="primary") and typed.strip():
                state[_CODE_KEY] = typed.strip()
                st.rerun()
        return
    try:
        with ui.workspace() as ws:
            owner = ws.redeem_update_link(state[_CODE_KEY])
            entry = ws.owner_entry(owner)
            activities = ws.owner_activities(owner)
    except AssetmapError as exc:
        state.pop(_CODE_KEY, None)
        ui.show_error(exc, lang)
        if st.button(t("owner_code_again", lang), key="owner_code_again"):
            st.rerun()
        return
    st.subheader(entry.get("name") or entry["id"])
    st.caption(t("owner_intro", lang))
    if st.button(t("owner_still_right", lang), key="owner_confirm", type="primary",
                 help=t("owner_still_right_help", lang)):
        if _act(lang, lambda ws: ws.owner_confirm(owner)):
            ui.flash("success", t("owner_confirmed", lang))
            st.rerun()
    with st.form("owner_entry_form", enter_to_submit=False):
        values = {field: (st.text_area if field == "description" else st.text_input)(
            t(code, lang), value=entry.get(field) or "", key=f"owner_{field}") for field, code in _FORM_FIELDS.items()}
        if st.form_submit_button(t("owner_save", lang), type="primary"):
            changed = {k: (v.strip() or None) for k, v in values.items() if (v.strip() or None) != (entry.get(k) or None)}
            if changed:
                _change(lang, owner, "entry", changed)
    st.subheader(t("owner_activities", lang))
    for row in activities.to_dict("records"):
        c1, c2 = st.columns((4, 1))
        c1.write(f"**{row['name']}** · {row['recurring_time']}")
        if c2.button(t("owner_activity_remove", lang), key=f"owner_activity_remove_{row['id']}"):
            _change(lang, owner, "activity delete", None, target_id=row["id"])
    with st.form("owner_activity_form", enter_to_submit=False):
        name = st.text_input(t("owner_activity_name", lang), key="owner_activity_name")
        when = st.text_input(t("owner_activity_when", lang), key="owner_activity_when",
                             placeholder="We 18:00-20:00", help=t("owner_activity_when_help", lang))
        if st.form_submit_button(t("owner_activity_add", lang)) and name.strip() and when.strip():
            _change(lang, owner, "activity add", {"name": name.strip(), "recurring_time": when.strip()})


def _act(lang: str, call) -> bool:
    """Run ``call(ws)``; show the error by code and give False when it fails."""
    try:
        with ui.workspace() as ws:
            call(ws)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return False
    return True


def _change(lang: str, owner, kind: str, payload, target_id: str | None = None) -> None:
    """One change by the owner: saved at once, or waiting for a coordinator (said so)."""
    result = {}
    if _act(lang, lambda ws: result.update(state=ws.owner_change(kind, payload, target_id, actor=owner))):
        ui.flash("success", t("owner_saved" if result["state"] == "saved" else "owner_waiting", lang))
        st.rerun()
