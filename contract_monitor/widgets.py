"""Small Streamlit building blocks shared by the pages: a table with its CSV and Excel downloads, a
chart with its "show as table" text equivalent, a deep-link problem message, the empty state.
No data access and no business rules here."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from . import data_access, presentation


def table(frame, name: str, key: str, download: Callable[[], pd.DataFrame] | None = None, **dataframe_kwargs):
    """A table (a DataFrame or its Styler) with "Download CSV" and "Download Excel" buttons (files
    are made only when clicked). ``download`` gives the rows to download when they are more than the
    rows shown (a large portfolio shows its first rows and downloads all of them)."""
    event = st.dataframe(frame, hide_index=True, width="stretch", key=key, **dataframe_kwargs)
    if isinstance(frame, Styler):
        frame = frame.data  # a styled table downloads its data
    rows = download or (lambda: frame)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "Download CSV",
        data=lambda: presentation.csv_bytes(rows()),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        "Download Excel",
        data=lambda: presentation.excel_bytes(rows(), name),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    return event


def chart(fig: go.Figure, equivalent: pd.DataFrame, name: str, key: str, **plotly_kwargs):
    """A Plotly chart and, under it, the same numbers as a table (with downloads) in an expander."""
    event = st.plotly_chart(fig, key=key, config={"displaylogo": False}, **plotly_kwargs)
    with st.expander("Show as table"):
        table(equivalent, name, key=f"{key}_table")
    return event


def link_problems(problems: list[str | None]) -> None:
    """A link that asked for something we cannot show: say so plainly, then carry on. A problem is
    markdown in which every value quoted from the link went through ``deeplinks.quote`` (plain text)."""
    for problem in problems:
        if problem:
            st.warning(problem, icon=":material/link_off:")


def no_database() -> None:
    st.info(
        "There is no database yet. Run `make run` (or `contract-monitor build`) to build it from sample_data/, "
        "then reload this page."
    )
    st.stop()


def require_database() -> None:
    """Stop the page, saying what to do, when there is no warehouse or this version cannot show it."""
    if not data_access.database_exists():
        no_database()
    if reason := data_access.outdated():
        st.warning(
            f"This database cannot be shown yet: {reason}. Rebuild it with `make run` (which rebuilds first) or"
            " `contract-monitor build --if-outdated`, then reload this page. Nothing is lost: the rebuild reads"
            " the same data folder and records store.",
            icon=":material/sync_problem:",
        )
        st.stop()
