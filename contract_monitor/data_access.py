"""The app's only door to the warehouse: one cached read-only connection, cached reads of marts.

Pages call these functions and never write SQL. Every function reads a mart
(``queries/marts/<name>.sql``), so the SQL behind any figure is one hop away.
Caches are keyed on the database file's modification time, so a rebuild is
picked up on the next rerun without restarting the app.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from . import settings, warehouse


def _db_state() -> tuple[str, float]:
    path = settings.db_path()
    return str(path), (path.stat().st_mtime if path.is_file() else 0.0)


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, mtime: float) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(Path(path), read_only=True)


def database_exists() -> bool:
    return settings.db_path().is_file()


def _query(sql: str, params: list | None = None) -> pd.DataFrame:
    path, mtime = _db_state()
    con = _connection(path, mtime).cursor()
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


@st.cache_data(max_entries=64, show_spinner=False)
def _cached(sql: str, params: tuple, state: tuple[str, float]) -> pd.DataFrame:
    return _query(sql, list(params))


def read(sql: str, *params) -> pd.DataFrame:
    return _cached(sql, tuple(params), _db_state())


def portfolio_overview() -> pd.DataFrame:
    """Mart: portfolio_overview (queries/marts/portfolio_overview.sql)."""
    return read("select * from portfolio_overview order by domains_needing_attention desc, contract_id")


def rating_legend() -> pd.DataFrame:
    """Mart: rating_legend (queries/marts/rating_legend.sql)."""
    return read("select * from rating_legend order by sort_order")
