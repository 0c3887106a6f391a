"""A resident starts an initiative from the buurt map (``pages/1_Kaart.py``), on a phone.

Only a session that may write (a table code, an account, or a coordinator on localhost) sees the
form: an anonymous visitor of a hosted map gets a line that says how to take part, because a map
that anyone on the internet can write to is not a safe default. The form calls the service
(:meth:`assetmap.service.Workspace.add_initiative`), so moderation applies as it does at a
workshop table: hosted, what a resident makes public waits for a coordinator.
"""

from __future__ import annotations

import streamlit as st

from assetmap import ui
from assetmap.errors import AssetmapError
from assetmap.i18n import t

__all__ = ["show_initiative_form"]


def show_initiative_form(lang: str, area_names: dict[str, str]) -> None:
    """Draw the "start an initiative" section: the form for a session that may write, else how to join.

    Parameters
    ----------
    lang : str
        Language code.
    area_names : dict of str to str
        Area code -> name of the areas the map shows (the initiative is placed in its area).
    """
    actor = ui.session_actor()
    st.subheader(t("resident_initiative_title", lang))
    if not ui.has_role(actor, "workshop"):
        st.caption(t("resident_initiative_how", lang))
        return
    with st.form("resident_initiative", clear_on_submit=True, enter_to_submit=False):
        name = st.text_input(t("name", lang), key="resident_initiative_name", max_chars=120)
        area = st.selectbox(t("initiative_area", lang), list(area_names), index=None,
                            key="resident_initiative_area", placeholder=t("choose_one", lang),
                            format_func=lambda code: str(area_names.get(code) or code))
        seeks = st.text_input(t("seeks", lang), key="resident_initiative_seeks", placeholder=t("seeks_placeholder", lang))
        offers = st.text_input(t("offers", lang), key="resident_initiative_offers", placeholder=t("offers_placeholder", lang))
        description = st.text_area(t("description", lang), key="resident_initiative_description", max_chars=2000)
        submitted = st.form_submit_button(t("initiative_add", lang))
    if not submitted:
        return
    if not name.strip():
        st.error(t("name_needed", lang))
        return
    fields = {"name": name.strip(), "description": description.strip() or None, "seeks": seeks.strip() or None,
              "offers": offers.strip() or None, "visibility": "public", "consent": True}
    try:
        with ui.workspace() as ws:
            ws.add_initiative(fields, None, actor, buurt_code=area)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
    else:
        st.success(t("resident_initiative_added", lang, name=name.strip()))
