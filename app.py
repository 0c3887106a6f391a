"""assetmap: run with ``streamlit run app.py``.

This script only builds the navigation, so that page names follow the language switch; the pages
live in ``pages/`` (start, map, workshop mode, meeting-place gaps, import/export) and each sets up
its own page through :func:`assetmap.ui.setup_page`.
"""

import streamlit as st

from assetmap import ui

st.navigation(ui.navigation_pages(), position="sidebar").run()
