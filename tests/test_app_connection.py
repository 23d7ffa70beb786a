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
    columns = data_access.RETURNS_STATUS_COLUMNS
    plain = sample.execute(
        f"select {columns} from returns_status where month = (select max(month) from returns_status)"
        " order by contract_id"
    ).df()
    # the cases that differ: dates with gaps (units), a text column with nothing in it
    assert fast["first_submitted_date"].isna().any() and fast["last_source_file"].isna().all()
    pd.testing.assert_frame_equal(fast, plain)
    month = sample.execute("select min(month) from returns_status").fetchone()[0]
    plain = sample.execute(f"select {columns} from returns_status where month = ? order by contract_id", [month]).df()
    pd.testing.assert_frame_equal(data_access.returns_status(month), plain)
    data_access._connection.clear()


def test_a_wide_read_through_arrow_gives_the_frame_df_gives_whatever_the_gaps():
    """Whole numbers of each width and yes/no with a gap (pandas' nullable types), decimals, dates and
    timestamps with a gap, text with nothing in it."""
    import duckdb
    import pandas as pd

    from contract_monitor import data_access

    con = duckdb.connect()
    sql = """
        select * from (values
            (1, 2::integer, 3::tinyint, 4::smallint, 5::ubigint, date '2026-11-01', timestamp '2026-11-26 10:00',
                null::varchar, 'a', 1.5, true),
            (2, null, null, null, null, null, null, null, null, null, null)
        ) as t(id, revision, small, medium, big, due, imported_at, nothing, note, value, flag)
    """
    pd.testing.assert_frame_equal(data_access._arrow_frame(con.execute(sql).to_arrow_table()), con.execute(sql).df())


def test_the_changes_read_for_the_contracts_on_screen_are_exactly_theirs_from_the_latest_month(on_sample_db, sample):
    import pandas as pd

    from contract_monitor import data_access

    data_access.clear_caches()
    every = data_access.latest_month_changes()
    plain = sample.execute(
        "select mc.*, p.title from month_changes as mc inner join portfolio_overview as p"
        " on p.contract_id = mc.contract_id and p.as_of_month = mc.month"
        " order by mc.contract_id, mc.item_type, mc.item_name"
    ).df()
    pd.testing.assert_frame_equal(every, plain)
    changed = sorted(every["contract_id"].unique())
    assert len(changed) >= 3
    on_screen = (*changed[::2], "C999 'not a contract\"")  # the ids go in as data, never as SQL
    some = data_access.latest_month_changes(on_screen)
    assert set(some["contract_id"]) == set(changed[::2])
    pd.testing.assert_frame_equal(some, every[every["contract_id"].isin(on_screen)].reset_index(drop=True))
    assert data_access.latest_month_changes(()).empty


def test_a_contract_months_reads_are_the_rows_the_page_used_to_filter_from_all_its_months(on_sample_db, sample):
    """The contract page reads one month (and a year of KPIs up to it) in SQL; the frames are exactly the
    rows it used to cut out of every month in pandas."""
    import pandas as pd

    contract, month = sample.execute(
        "select contract_id, max(month) - interval 1 month from feedback group by all order by count(*) desc limit 1"
    ).fetchone()
    month = pd.Timestamp(month)
    since = month - pd.DateOffset(months=11)
    data_access.clear_caches()

    def same(part: pd.DataFrame, whole: pd.DataFrame, keep) -> None:
        expected = whole[keep(whole)].reset_index(drop=True)
        assert 0 < len(part) < len(whole)
        # same values; an integer column can lose pandas' nullable Int64 when this month has no null
        pd.testing.assert_frame_equal(part.reset_index(drop=True), expected, check_dtype=False)

    kpis = data_access.kpi_status(contract)
    same(data_access.kpi_status(contract, since=since, until=month), kpis, lambda f: f["month"].between(since, month))
    assert data_access.kpi_status(contract, since=since, until=month)["month"].nunique() == 12
    same(data_access.comments(contract, month=month), data_access.comments(contract), lambda f: f["month"] == month)
    measures = data_access.experience_measures(contract)
    same(data_access.experience_measures(contract, month=month), measures, lambda f: f["month"] == month)
    pulse = data_access.relationship_pulse(contract)
    same(
        data_access.relationship_pulse(contract, until=month - pd.DateOffset(months=6)),
        pulse,
        lambda f: f["quarter_start"] <= month - pd.DateOffset(months=6),
    )
    data_access._connection.clear()


def test_a_cached_read_gives_each_caller_a_frame_of_its_own(on_sample_db):
    # reads are cached as one shared frame (not pickled per read): a page that changes the frame it got
    # must not change what the next page, or the next rerun, reads
    data_access.clear_caches()
    for read in (data_access.contract_months, lambda _c: data_access.portfolio_overview()):
        first = read("C001")
        expected = first.copy()
        first.iloc[0, 0] = "changed by a page"
        first["added_by_a_page"] = 1
        again = read("C001")
        assert again.equals(expected)
        assert "added_by_a_page" not in again.columns
    data_access.clear_caches()
