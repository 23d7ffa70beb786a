"""Portfolio: every contract's five-domain scorecard in its latest month."""

import streamlit as st

from contract_monitor import data_access, presentation

st.title("Portfolio")

if not data_access.database_exists():
    st.info("There is no database yet. Run `make run` (or `contract-monitor build`) to build it from sample_data/.")
    st.stop()

overview = data_access.portfolio_overview()
if overview.empty:
    st.info("No contracts are loaded. Add contracts to the CSV files and rebuild with `contract-monitor build`.")
    st.stop()

legend = data_access.rating_legend()
as_of = overview["as_of_month"].max()
st.caption(
    f"Latest reporting month: {as_of:%B %Y}. Each rating is a word with a symbol; colour is never the only signal."
)

st.dataframe(
    presentation.scorecard_table(overview, legend),
    hide_index=True,
    use_container_width=True,
)
