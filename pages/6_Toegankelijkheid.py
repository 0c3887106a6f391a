"""Accessibility statement (toegankelijkheidsverklaring): the WCAG level reached, how it is tested, what does not meet it.

For everyone, in Dutch and English. The exceptions are the parts that come from Streamlit itself,
each with its upstream issue.
"""

import assetmap._ui_preload  # noqa: F401  (first: one session imports, the others wait)

import json

import streamlit as st

from assetmap import ui
from assetmap.i18n import t
from assetmap.messages import N_

lang = ui.setup_page("statement")
ui.require_role(ui.PAGE_ROLES["statement"], lang)


def _axe_version() -> str:
    """The axe-core version the tests pin (``tests/axe/package.json``); a plain word when it is not there."""
    try:
        package = json.loads((ui.REPO / "tests" / "axe" / "package.json").read_text(encoding="utf-8"))
        return str(package["dependencies"]["axe-core"])
    except (OSError, ValueError, KeyError):
        return ""


st.title(t("statement_title", lang))
st.markdown(t("statement_intro", lang))
#: (heading, text) of each section, in order.
SECTIONS = (
    (N_("statement_status_title"), N_("statement_status")),
    (N_("statement_done_title"), N_("statement_done")),
    (N_("statement_tested_title"), N_("statement_tested")),
    (N_("statement_exceptions_title"), N_("statement_exceptions")),
    (N_("statement_contact_title"), N_("statement_contact")),
)
for heading, body in SECTIONS:
    st.subheader(t(heading, lang))
    st.markdown(t(body, lang, axe=_axe_version()))
