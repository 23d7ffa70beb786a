"""Contract Monitor: routes to the pages in dashboards/. Nothing else happens here."""

from pathlib import Path

import streamlit as st

from contract_monitor import page_errors

st.set_page_config(page_title="Contract Monitor", page_icon=":material/handshake:", layout="wide")

HERE = Path(__file__).parent
# WCAG 2.2 target size (2.5.8): a multiselect's text box shrinks to 12px once a value is chosen.
# Less empty space above the title, so more of what matters fits on the first screen.
st.html(
    "<style>input[role='combobox'] { min-width: 24px; }"
    " [data-testid='stMainBlockContainer'] { padding-top: 3.5rem; }</style>"
)


def _optional(path: str, **kwargs) -> list:
    """A page another piece of work adds; listed once its file exists."""
    return [st.Page(path, **kwargs)] if (HERE / path).is_file() else []


pages = {
    "Monitor": [
        st.Page(
            "dashboards/portfolio.py",
            title="Portfolio",
            icon=":material/dashboard:",
            url_path="portfolio",
            default=True,
        ),
        st.Page("dashboards/contract.py", title="Contract", icon=":material/description:", url_path="contract"),
    ],
    "Voices": [
        st.Page("dashboards/voices.py", title="Voices", icon=":material/forum:", url_path="voices"),
        *_optional(
            "dashboards/voices_approvals.py",
            title="Approve comments",
            icon=":material/fact_check:",
            url_path="approvals",
        ),
    ],
    "Data": _optional("dashboards/data_import.py", title="Data import", icon=":material/upload:", url_path="import"),
}

# the board view (?view=board on the Contract page) is a shared read-only link: no menu to the managers' pages
position = "hidden" if st.query_params.get("view") == "board" else "top"
# an unexpected exception is logged with a reference, which the page shows instead of a traceback
page_errors.run_page(
    st.navigation({section: items for section, items in pages.items() if items}, position=position).run
)
