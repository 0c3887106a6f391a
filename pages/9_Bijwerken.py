"""Bijwerken: the owner of one place or group keeps its entry current with an update link.

Not in the page menu: the page is reached through the link a coordinator gives (``?code=...``,
printed as a QR code) or by typing the code. The UI lives in :mod:`assetmap._ui_owner`; what the
owner may change, and whether it waits for a coordinator, the service decides.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

import streamlit as st

from assetmap import _ui_owner as owner
from assetmap import ui
from assetmap.i18n import t

lang = ui.setup_page("page_owner")
st.title(t("page_owner", lang))
ui.show_flashes()
ui.require_workspace(lang)
owner.owner_section(lang)
