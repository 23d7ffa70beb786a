"""The app's one connection: read-only, and held to a memory limit however large the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from contract_monitor import data_access, settings


def _open(db: Path) -> duckdb.DuckDBPyConnection:
    data_access._connection.clear()
    return data_access._connection(str(db), db.stat().st_mtime)


def test_the_app_connection_uses_the_configured_memory_limit(fixture_db: Path, monkeypatch):
    monkeypatch.setattr(settings, "APP_MEMORY_LIMIT", "300MB")
    con = _open(fixture_db)
    limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    # DuckDB reports the limit in binary units: 300 MB = 286.1 MiB
    assert limit.endswith("MiB") and 280 < float(limit.split()[0]) < 290
    monkeypatch.setattr(settings, "APP_MEMORY_LIMIT", "1GB")
    assert _open(fixture_db).execute("select current_setting('memory_limit')").fetchone()[0] != limit
    data_access._connection.clear()


def test_the_app_connection_cannot_write_to_the_warehouse(fixture_db: Path):
    con = _open(fixture_db).cursor()
    con.execute("use warehouse")
    with pytest.raises(duckdb.Error, match="read-only"):
        con.execute("create table should_not_exist as select 1")
    data_access._connection.clear()


def test_the_portfolio_read_through_arrow_is_the_same_frame_as_through_df(on_sample_db, sample):
    import pandas as pd

    from contract_monitor import data_access

    data_access._connection.clear()
    fast = data_access.portfolio_overview()
    plain = sample.execute("select * from portfolio_overview order by domains_needing_attention desc, contract_id").df()
    pd.testing.assert_frame_equal(fast, plain)
    data_access._connection.clear()


def test_returns_status_read_through_arrow_is_the_same_frame_as_through_df_nulls_included(on_sample_db, sample):
    import pandas as pd

    from contract_monitor import data_access

    data_access._connection.clear()
    fast = data_access.returns_status()
    plain = sample.execute(
        "select * from returns_status where month = (select max(month) from returns_status) order by contract_id"
    ).df()
    assert fast["days_late"].isna().any() and fast["last_source_file"].isna().all()  # the cases that differ
    pd.testing.assert_frame_equal(fast, plain)
    month = sample.execute("select min(month) from returns_status").fetchone()[0]
    plain = sample.execute("select * from returns_status where month = ? order by contract_id", [month]).df()
    pd.testing.assert_frame_equal(data_access.returns_status(month), plain)
    data_access._connection.clear()
