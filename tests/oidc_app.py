"""A minimal page for tests/test_oidc.py: sign in with st.login, show what assetmap.auth_oidc makes of it.

Run by the test as ``streamlit run tests/oidc_app.py`` in a folder whose ``.streamlit/secrets.toml``
points at the test's own OpenID Connect provider. Plain English labels: this page is no part of the
app and is not in the catalogues.
"""

import streamlit as st

from assetmap.auth_oidc import oidc_actor, oidc_configured, oidc_notice

st.text(f"oidc-configured: {oidc_configured()}")
actor = oidc_actor()
if actor is None:
    st.text("oidc-signed-out")
    if st.button("Sign in"):
        st.login()
else:
    st.text(f"oidc-pseudonym: {actor.pseudonym}")
    st.text(f"oidc-role: {actor.role}")
    notice = oidc_notice()
    if notice is not None:
        st.text(f"oidc-notice: {notice.code}")
        st.info(notice.render("nl"))
    if st.button("Sign out"):
        st.logout()
