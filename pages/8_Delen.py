"""Delen en afdrukken: the resident site, the handover bundle, the workshop poster and the area profile.

For coordinators. Each is made by the same function as its command (``assetmap publish``,
``handover``, ``poster``, ``report``) and offered as a download, so nobody types a path on the
server. The UI lives in :mod:`assetmap._ui_sharing`.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

import streamlit as st

from assetmap import _ui_sharing as sharing
from assetmap import ui
from assetmap.i18n import t

lang = ui.setup_page("page_share")
actor = ui.require_role("coordinator", lang)
st.title(t("page_share", lang))
st.caption(t("share_intro", lang))
ui.show_flashes()
ui.require_workspace(lang)
sharing.share_section(lang, actor)
