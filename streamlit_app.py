"""Contract Monitor: routes to the pages in dashboards/. Nothing else happens here."""

import streamlit as st

st.set_page_config(page_title="Contract Monitor", page_icon=":material/handshake:", layout="wide")

pages = [
    st.Page(
        "dashboards/portfolio.py", title="Portfolio", icon=":material/dashboard:", url_path="portfolio", default=True
    ),
]

st.navigation(pages).run()
