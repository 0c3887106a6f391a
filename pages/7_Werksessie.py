"""Werksessie: what a coordinator prepares and runs in a workshop, all in the app.

Accounts, table codes with printable table cards (a QR code to the app), the workspace's own
names for the building blocks, the activities of places and associations (shown in "Deze
week in de buurt"), and keeping the map current (:mod:`assetmap._ui_keeping`). The UI lives in :mod:`assetmap._ui_coordinator`; the same actions are
``assetmap account``, ``table-code --cards``, ``labels``, ``activity``, ``stale``, ``checked``,
``update-link`` and ``owner-changes`` on the command line.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

import streamlit as st

from assetmap import _ui_coordinator as session
from assetmap import _ui_keeping as keeping
from assetmap import ui
from assetmap.i18n import t

lang = ui.setup_page("page_session")
actor = ui.require_role("coordinator", lang)
st.title(t("page_session", lang))
st.caption(t("session_intro", lang))
ui.show_flashes()
ui.require_workspace(lang)

codes_tab, accounts_tab, labels_tab, activities_tab, keeping_tab = st.tabs(
    [t("session_codes", lang), t("session_accounts", lang), t("session_labels", lang), t("session_activities", lang),
     t("session_keeping", lang)])
with codes_tab:
    session.table_codes_section(lang, actor)
with accounts_tab:
    session.accounts_section(lang, actor)
with labels_tab:
    session.labels_section(lang, actor)
with activities_tab:
    session.activities_section(lang, actor)
with keeping_tab:
    keeping.keeping_section(lang, actor)
