"""assetmap app (placeholder until the app issue lands)."""
import streamlit as st

st.set_page_config(page_title="assetmap", page_icon="🗺️")
st.title("assetmap")
