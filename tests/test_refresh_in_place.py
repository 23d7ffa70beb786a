"""After an import or a recorded action the warehouse is refreshed in place: only the models downstream
of what changed are recomputed, in one transaction, and the result is exactly what a full rebuild
gives. When that cannot be done safely it rebuilds instead."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_import_load import fingerprint

from contract_monitor import models, refresh, settings, warehouse
from contract_monitor.returns import importer, templates

NOV_OUT1 = "select value from kpi_status where contract_id='C001' and kpi_code='OUT1' and month='2026-11-01'"


@pytest.fixture
def db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    target = tmp_path / "w" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy(sample_db, target)
    return target


def _kpi_csv(value: float = 50) -> tuple[str, bytes]:
    body = f"contract_id,kpi_code,month,value,submitted_date,note\nC001,OUT1,2026-11,{value},2026-12-09,refresh test\n"
    return "c001_kpi_values.csv", body.encode()


def _import(db: Path, files: list[tuple[str, bytes]]) -> tuple[importer.ImportResult, list[str]]:
    messages: list[str] = []
    result = importer.run(files, db, by="tester", progress=messages.append)
    assert result.ok, result.report()
    return result, messages


def _full_rebuild_beside(db: Path, tmp_path: Path) -> Path:
    """What a full rebuild from the same CSV files and records store gives."""
    other = tmp_path / "full" / "warehouse.duckdb"
    other.parent.mkdir()
    warehouse.build(settings.SAMPLE_DATA_DIR, other, records_path=db.with_name("records.duckdb"))
    return other


def _without_build_info(tables: dict[str, tuple]) -> dict[str, tuple]:
    return {name: content for name, content in tables.items() if name != "main.build_info"}


def _without_search_ids(tables: dict[str, tuple]) -> dict[str, tuple]:
    """Search text ids are stable across builds, so they depend on what was indexed before."""
    kept = _without_build_info(tables).items()
    return {name: content for name, content in kept if not name.startswith("main.search_")}


def _value(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_kpi_return_refreshes_in_place_and_gives_exactly_what_a_full_rebuild_gives(db: Path, tmp_path: Path):
    result, messages = _import(db, [_kpi_csv(50)])
    assert result.rebuilt
    month = "refreshing in place by month: November 2026 to November 2026 changed"
    assert any(m.startswith(f"{month} (rec.return_imports, rec.return_kpi_values)") for m in messages), messages
    assert not any(m.startswith("loading CSV files") for m in messages)
    refreshed = _value(db, "select refreshed from build_info")[0][0]
    assert "kpi_status" in refreshed and "feedback" not in refreshed  # comments were not recomputed
    assert "response_loop" not in refreshed  # its 12 months end at the latest month with comments
    assert _value(db, NOV_OUT1) == [(50.0,)]
    assert _without_build_info(fingerprint(db)) == _without_build_info(fingerprint(_full_rebuild_beside(db, tmp_path)))


def test_a_whole_example_return_with_comments_is_rebuilt_and_still_matches_a_full_rebuild(db: Path, tmp_path: Path):
    # its comments reach the tagger and the search index, which only a full rebuild reuses safely
    result, messages = _import(db, [("november.xlsx", templates.xlsx_bytes(example=True))])
    assert any("the change reaches" in m and "stg_narrative_feedback" in m for m in messages)
    assert any(m.startswith("copied ") and "are unchanged" in m for m in messages)
    full = _full_rebuild_beside(db, tmp_path)
    assert _without_search_ids(fingerprint(db)) == _without_search_ids(fingerprint(full))


def test_only_the_models_downstream_of_a_changed_table_are_recomputed():
    after_actions = {m.name for m in refresh.plan({"rec.actions"})}
    assert {"stg_actions", "response_loop", "you_said_we_did"} <= after_actions
    assert not after_actions & {"kpi_status", "feedback", "contract_month"}
    after_kpis = {m.name for m in refresh.plan({"rec.return_kpi_values"})}
    assert {"stg_kpi_values", "kpi_status", "int_domain_metrics", "contract_month", "portfolio_overview"} <= after_kpis
    # nor what reads only comments: response_loop's 12 months end at the latest month with comments
    assert not after_kpis & {"feedback", "board_comments", "comment_themes", "stg_narrative_feedback", "response_loop"}
    ordered = [m.name for m in refresh.plan({"rec.return_kpi_values"})]
    assert ordered.index("stg_kpi_values") < ordered.index("kpi_status") < ordered.index("int_domain_metrics")
    assert refresh.plan(set()) == []


def test_a_failing_data_test_rolls_the_whole_refresh_back(db: Path, monkeypatch: pytest.MonkeyPatch):
    before = fingerprint(db)
    real_checks = models.run_checks
    monkeypatch.setattr(models, "run_checks", lambda con, **kw: {**real_checks(con, **kw), "injected": [("bad",)]})
    result = importer.run([_kpi_csv(50)], db, by="tester")
    assert not result.ok and "injected" in result.error and "database is unchanged" in result.error
    assert fingerprint(db) == before  # not one table half-refreshed, the records copy included
    monkeypatch.setattr(models, "run_checks", real_checks)
    again, messages = _import(db, [_kpi_csv(50)])  # the failed import was undone, so it imports anew
    assert again.files and any(m.startswith("refreshing in place") for m in messages)


def test_a_data_test_checked_by_month_looks_at_the_months_a_refresh_rewrote_and_fails_it_there(
    db: Path, monkeypatch: pytest.MonkeyPatch
):
    real_checks = models.checks

    def with_one_more(sql: str):
        return lambda *a: [*real_checks(*a), ("flags_c001", sql)]

    # a "rule" that C001's January rows break: a refresh that rewrote November's KPI status (and October's
    # scorecard: the calendar's "latest" moved) does not look at January again
    rows = "-- returns: C001's rows\n-- checked by month\nselect * from kpi_status where contract_id = 'C001'"
    january = rows + " and month = date '2026-01-01'"
    con = duckdb.connect(str(db), read_only=True)
    assert models.run_checks(con, only=[("flags_c001", january)])  # over the whole table it fails
    con.close()
    monkeypatch.setattr(models, "checks", with_one_more(january))
    result, messages = _import(db, [_kpi_csv(50)])
    ran = [m for m in messages if m.startswith("ran the ")]
    assert result.ok and re.search(r"\b\d+ over November 2026\b", ran[0]), messages
    # the same rule broken by the month the refresh rewrote fails it, and it is rolled back
    before = fingerprint(db)
    monkeypatch.setattr(models, "checks", with_one_more(rows + " and month = date '2026-11-01'"))
    result = importer.run([_kpi_csv(51)], db, by="tester")
    assert not result.ok and "flags_c001" in result.error
    assert fingerprint(db) == before


def test_a_check_is_declared_by_month_in_its_header():
    assert models.checked_by_month("-- returns: x\n-- checked by month\nselect 1")
    assert not models.checked_by_month("-- returns: x\nselect 1 -- checked by month")
    assert not models.checked_by_month("-- returns: x\nselect 1")
    declared = {name for name, sql in models.checks() if models.checked_by_month(sql)}
    assert "kpi_status_unique_per_contract_kpi_month" in declared
    assert not declared & {"portfolio_shows_each_contracts_last_month", "portfolio_overview_has_every_contract_once"}


def test_a_reader_in_another_process_means_a_full_rebuild_swapped_in_beside_it(db: Path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); print('open', flush=True);"
            " sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        result, messages = _import(db, [_kpi_csv(50)])
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert any(m.startswith("not refreshing warehouse.duckdb in place") and "lock" in m.lower() for m in messages)
    assert any(m.startswith("built ") for m in messages)
    assert _value(db, NOV_OUT1) == [(50.0,)]


def test_changed_sql_means_a_full_rebuild(db: Path):
    con = duckdb.connect(str(db))
    con.execute("update build_info set models_fingerprint = 'older SQL'")
    con.close()
    _, messages = _import(db, [_kpi_csv(50)])
    assert any("the SQL models, the tagger or the app changed" in m for m in messages)
    assert _value(db, "select models_fingerprint from build_info")[0][0] == warehouse.models_fingerprint()


def test_nothing_recorded_since_the_build_changes_nothing(db: Path):
    before = fingerprint(db)
    assert refresh.refresh(db, db.with_name("records.duckdb"), settings.SAMPLE_DATA_DIR) == []
    assert fingerprint(db) == before


def test_the_app_connection_is_closed_for_the_write_and_the_next_read_sees_the_refresh(
    db: Path, monkeypatch: pytest.MonkeyPatch
):
    from contract_monitor import data_access

    monkeypatch.setenv("CONTRACT_MONITOR_DB", str(db))
    data_access.clear_caches()

    def out1() -> list[float]:
        frame = data_access.kpi_status("C001")
        return frame.loc[(frame["kpi_code"] == "OUT1") & (frame["month"] == "2026-11-01"), "value"].tolist()

    assert out1() == []  # the sample has no November return from C001 yet
    _, messages = _import(db, [_kpi_csv(42)])
    assert any(m.startswith("refreshing in place") for m in messages)  # the open app connection did not stop it
    assert out1() == [42.0]
    assert _value(db, "select count(*) from rec.return_imports")[0][0] == 1
    # the month a refresh inserted is read in contract order without a sort, as a full build stores it
    for month in (None, dt.date(2026, 11, 1), dt.date(2026, 6, 1)):
        status = data_access.returns_status(month)
        assert len(status) > 1 and status["contract_id"].tolist() == sorted(status["contract_id"])
    assert data_access.returns_status()["month"].max() == pd.Timestamp("2026-11-01")


def test_a_refresh_renames_tables_in_sql_but_never_inside_text_or_comments():
    sql = (
        "-- reads kpi_status\nselect 'kpi_status' as label, k.kpi_status_note, KPI_STATUS.month\n"
        "from kpi_status join rec.return_imports using (x) where note = 'it''s kpi_status'"
    )
    out = models.renamed(sql, {"kpi_status": "kpi_status__refresh", "rec.return_imports": "rec.return_imports__r"})
    assert out == (
        "-- reads kpi_status\nselect 'kpi_status' as label, k.kpi_status_note, kpi_status__refresh.month\n"
        "from kpi_status__refresh join rec.return_imports__r using (x) where note = 'it''s kpi_status'"
    )


def _pending_consented(db: Path) -> tuple[str, str]:
    return _value(
        db,
        "select feedback_id, display_text from feedback where consent_to_share and approval_state = 'pending'"
        " order by feedback_id limit 1",
    )[0]


def _decide_and_refresh(db: Path, store: Path, *decision) -> list[str]:
    from contract_monitor.narrative import workflow

    workflow.record_decision(*decision, store=store)
    messages: list[str] = []
    warehouse.rebuild_current(db, store, progress=messages.append)
    return messages


def test_an_approval_recomputes_only_that_comments_rows_and_gives_what_a_full_rebuild_gives(stories_env, tmp_path):
    db, store = stories_env
    feedback_id, text = _pending_consented(db)
    messages = _decide_and_refresh(db, store, feedback_id, "approved", "Sam Patel", text)
    assert any(m.startswith("refreshing in place by feedback_id: 1 changed (rec.comment_decisions)") for m in messages)
    assert "refreshed feedback for 1 feedback_id(s)" in messages
    # the Voices filter counts read no approval column: not recomputed (and the comparison below holds)
    assert "voices_filter_counts: unchanged (it reads none of the columns that changed)" in messages
    assert "built mart kpi_evidence: 0 rows" in messages  # it shows whether a comment is shareable: recomputed
    # only the two data tests that read the comment tables ran again (the privacy gate and unique ids)
    reading = [name for name, _ in models.checks_reading({"feedback", "board_comments"})]
    assert reading == ["board_comments_are_consented_approved_and_current", "feedback_unique_per_comment"]
    assert f"ran the 2 of {len(models.checks())} data tests that read what changed: all passed" in messages
    assert not any(m.startswith(("loading CSV", "copied ")) for m in messages)  # no full rebuild
    assert _value(db, f"select approval_state from feedback where feedback_id = '{feedback_id}'") == [("approved",)]
    assert _value(db, f"select count(*) from board_comments where feedback_id = '{feedback_id}'") == [(1,)]
    full = tmp_path / "full" / "stories.duckdb"
    full.parent.mkdir()
    warehouse.build(warehouse.built_from(db), full, records_path=store)
    assert _without_search_ids(fingerprint(db)) == _without_search_ids(fingerprint(full))
    assert _search_rows(db) == _search_rows(full)


def test_a_table_recomputed_after_a_refresh_by_key_is_left_alone_only_if_it_reads_no_changed_column():
    con = duckdb.connect()
    con.execute(
        "create table comments as select range::varchar as id, range % 3 as topic, 'pending' as state from range(9)"
    )
    con.execute("create table other as select 1 as x")
    counts = models.Model(
        "counts", "marts", Path("counts.sql"), "select topic, count(*) as n from comments group by topic"
    )
    con.execute("create temp table _before as select * from comments where id in ('4')")

    def sees(rewritten=frozenset()) -> bool:
        return refresh._sees_a_change(con, counts, set(rewritten), {"comments": "_before"}, "id in ('4')")

    con.execute("update comments set state = 'approved' where id = '4'")
    assert not sees()  # the counts read topic, not state
    assert sees({"comments_elsewhere", "comments"}) and not sees({"other"})  # a table replaced whole that it reads
    con.execute("update comments set topic = 2 where id = '4'")
    assert sees()


def test_an_edited_text_is_found_by_search_after_a_refresh_by_key(stories_env):
    from contract_monitor import search_index

    db, store = stories_env
    feedback_id, text = _pending_consented(db)
    edited = "Zebrafinch volunteers were wonderful"
    messages = _decide_and_refresh(db, store, feedback_id, "edited", "Sam Patel", text, edited)
    assert any(m.startswith("refreshing in place by feedback_id") for m in messages)
    match, params = search_index.match_sql(search_index.words("zebrafin"))
    found = _value_params(
        db, f"select feedback_id, display_text from search_comments where text_id in ({match})", params
    )
    assert found == [(feedback_id, edited)]
    assert _value(db, f"select count(*) from search_comments where feedback_id = '{feedback_id}'") == [(1,)]


def _search_rows(db: Path) -> list[tuple]:
    """search_comments without its text ids (which depend on what was indexed before)."""
    return _value(db, "select * exclude (text_id) from search_comments order by feedback_id")


def _value_params(db: Path, sql: str, params: list):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_an_edit_then_a_rejection_refreshed_by_key_give_what_a_full_rebuild_gives(stories_env, tmp_path):
    db, store = stories_env
    first, second = _value(
        db,
        "select feedback_id, display_text from feedback where approval_state = 'pending' order by feedback_id limit 2",
    )
    _decide_and_refresh(db, store, first[0], "edited", "Sam Patel", first[1], "A kinder, shorter text")
    messages = _decide_and_refresh(
        db, store, second[0], "rejected", "Sam Patel", second[1], None, "identifies a family"
    )
    assert any(m.startswith("refreshing in place by feedback_id: 1 changed") for m in messages)
    full = tmp_path / "full" / "stories.duckdb"
    full.parent.mkdir()
    warehouse.build(warehouse.built_from(db), full, records_path=store)
    assert _without_search_ids(fingerprint(db)) == _without_search_ids(fingerprint(full))
    assert _search_rows(db) == _search_rows(full)


def test_more_changed_keys_than_a_refresh_by_key_takes_means_a_full_rebuild(stories_env, monkeypatch):
    db, store = stories_env
    monkeypatch.setattr(refresh, "MAX_KEYS", 0)
    feedback_id, text = _pending_consented(db)
    messages = _decide_and_refresh(db, store, feedback_id, "approved", "Sam Patel", text)
    assert any("the change reaches feedback" in m for m in messages)
    assert any(m.startswith("copied ") and "are unchanged" in m for m in messages)
    assert _value(db, f"select approval_state from feedback where feedback_id = '{feedback_id}'") == [("approved",)]


# --- refresh by month: a monthly return recomputes the months it can reach, not the whole history ---


def _kpi_return(db: Path, month: str, rows_sql: str, name: str) -> tuple[str, bytes]:
    """A KPI return CSV whose rows (contract_id, kpi_code, value) come from ``rows_sql`` on the warehouse."""
    lines = ["contract_id,kpi_code,month,value,submitted_date,note"]
    lines += [f"{c},{k},{month},{v},,by-month test" for c, k, v in _value(db, rows_sql)]
    return name, ("\n".join(lines) + "\n").encode()


def _recomputed_whole(messages: list[str]) -> set[str]:
    whole = (re.match(r"(?:built mart|materialised) (\w+): ", m) for m in messages)
    return {match.group(1) for match in whole if match}


def test_next_months_return_from_every_contract_recomputes_only_the_months_it_reaches_and_equals_a_full_rebuild(
    db: Path, tmp_path: Path
):
    every_active = (
        "select d.contract_id, d.kpi_code, d.target from stg_kpi_definitions as d"
        " inner join stg_contracts as c using (contract_id) where c.last_month >= date '2026-11-01' order by all"
    )
    november = _kpi_return(db, "2026-11", every_active, "november_kpi_values.csv")
    assert november[1].count(b"\n") > 100
    result, messages = _import(db, [november])
    assert any(m.startswith("refreshing in place by month: November 2026 to November 2026") for m in messages)
    # the big month-grained tables were refreshed for the months reached, not rebuilt over all 36
    for name in ("stg_kpi_values", "kpi_status", "int_domain_metrics", "contract_month", "month_changes"):
        assert any(m.startswith(f"refreshed {name} for ") for m in messages), name
    assert not _recomputed_whole(messages) & {"stg_kpi_values", "kpi_status", "int_domain_metrics", "contract_month"}
    # the calendar gained a month, so October is no longer the latest: its rows were recomputed too
    assert "refreshed int_contract_months for October 2026 to November 2026: " in " ".join(messages)
    assert _value(db, "select count(*) from int_contract_months where month = '2026-10-01' and is_latest") == [(0,)]
    current = _value(db, "select distinct as_of_month from portfolio_overview where is_current")
    assert current == [(dt.date(2026, 11, 1),)]
    # ... but no month-grained mart reads the "latest" flags (portfolio_overview, rebuilt whole, joins them):
    # October's scorecard, KPI months and return status are not rewritten
    said = " ".join(messages)
    assert "refreshed kpi_status for November 2026 to October 2027: " in said
    assert "refreshed int_domain_metrics for November 2026 to November 2026: " in said
    assert re.search(r"refreshed contract_month for November 2026 to November 2026: [\d,]+ rows in 1 month", said)
    assert re.search(r"refreshed returns_status for November 2026 to November 2026: [\d,]+ rows in 1 month", said)
    # the data tests declared "checked by month" looked only at the months rewritten in what each reads
    # (November; October too for one reading the calendar); the others at everything
    declared = sum(models.checked_by_month(sql) for _, sql in models.checks())
    ran = re.search(r"data tests that read what changed \(([^)]*)\): all passed", said)
    assert ran, said
    over = {span: int(n) for n, span in re.findall(r"(\d+) over ([A-Za-z0-9 ]+?)(?:,|$)", ran.group(1))}
    # watermelon_alerts has no row for November (the return holds KPI values only: nothing rates November's
    # experience or voice poorly), so nothing it holds changed and its test ran over the whole table
    assert "refreshed watermelon_alerts for November 2026 to November 2026: 0 rows, none" in said
    assert sum(over.values()) == declared - 1, over
    only_kpi_status = [
        name
        for name, sql in models.checks()
        if models.checked_by_month(sql) and models.reads(sql, {m.name for m in models.discover()}) == {"kpi_status"}
    ]
    assert len(only_kpi_status) >= 2 and over.get("November 2026", 0) >= len(only_kpi_status), over
    assert set(over) <= {"October 2026", "November 2026", "October 2026 to November 2026"}, over
    assert _without_build_info(fingerprint(db)) == _without_build_info(fingerprint(_full_rebuild_beside(db, tmp_path)))


CUMULATIVE = "select month, cumulative_value from kpi_status where contract_id = 'C002' and kpi_code = 'OUT4'"


def _june_correction(db: Path) -> tuple[str, bytes]:
    """C002's cumulative KPI OUT4 for June 2026, resubmitted 7 higher."""
    rows = "select contract_id, kpi_code, value + 7 from kpi_status where contract_id = 'C002' and kpi_code = 'OUT4'"
    return _kpi_return(db, "2026-06", f"{rows} and month = '2026-06-01'", "c002_june_correction.csv")


def test_a_correction_to_june_reaches_the_later_year_to_date_months_and_equals_a_full_rebuild(db: Path, tmp_path: Path):
    before = dict(_value(db, CUMULATIVE + " and month >= '2026-04-01'"))
    _, messages = _import(db, [_june_correction(db)])
    assert any(m.startswith("refreshing in place by month: June 2026 to June 2026") for m in messages)
    # a year-to-date total looks back up to 11 months, so June's change reaches every month to May 2027
    assert any(m.startswith("refreshed kpi_status for June 2026 to May 2027: ") for m in messages)
    after = dict(_value(db, CUMULATIVE + " and month >= '2026-04-01'"))
    assert {m: round(after[m] - before[m], 6) for m in before} == {m: (7.0 if m.month >= 6 else 0.0) for m in before}
    assert _without_build_info(fingerprint(db)) == _without_build_info(fingerprint(_full_rebuild_beside(db, tmp_path)))


def test_a_lookback_declared_too_short_gives_a_different_warehouse_than_a_full_rebuild(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # the comparison above has teeth: declare kpi_status as looking back 0 months and June's
    # correction no longer reaches July's year-to-date total
    declared = models.Model.refreshed_by_month
    monkeypatch.setattr(
        models.Model,
        "refreshed_by_month",
        property(lambda m: 0 if m.name == "kpi_status" else declared.fget(m)),
    )
    _import(db, [_june_correction(db)])
    refreshed, full = fingerprint(db), fingerprint(_full_rebuild_beside(db, tmp_path))
    differing = {name for name in refreshed if refreshed[name] != full.get(name)}
    assert "main.kpi_status" in differing


def test_a_change_spanning_more_months_than_a_refresh_by_month_takes_builds_the_tables_beside_and_swaps_them(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(refresh, "MAX_MONTHS", 0)
    _, messages = _import(db, [_june_correction(db)])
    assert any(m.startswith("refreshing in place: rec.return_imports, rec.return_kpi_values changed") for m in messages)
    assert {"stg_kpi_values", "kpi_status", "int_domain_metrics"} <= _recomputed_whole(messages)
    assert _without_build_info(fingerprint(db)) == _without_build_info(fingerprint(_full_rebuild_beside(db, tmp_path)))


def test_a_month_declaration_is_read_from_the_header_and_months_are_counted_across_years():
    by_month = {m.name: m.refreshed_by_month for m in models.discover()}
    assert by_month["kpi_status"] == 11 and by_month["month_changes"] == 1 and by_month["contract_month"] == 0
    assert by_month["portfolio_overview"] is None  # each contract's latest month: any row can change
    assert refresh._plus_months(dt.date(2026, 6, 1), 11) == dt.date(2027, 5, 1)
    assert refresh._plus_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)


def test_a_survey_and_finance_return_for_a_past_month_is_refreshed_by_month_and_equals_a_full_rebuild(
    db: Path, tmp_path: Path
):
    survey = "select min(measure) from experience_measure_month where contract_id = 'C001' and month = '2026-08-01'"
    measure = _value(db, survey)[0][0]
    body = f"contract_id,month,measure,respondents,positive\nC001,2026-08,{measure},40,3\n"
    finance = "contract_id,month,spend_gbp,units_delivered,outcomes_achieved\nC001,2026-08,999999,10,1\n"
    _, messages = _import(db, [("c001_experience_measures.csv", body.encode()), ("c001_finance.csv", finance.encode())])
    assert any(m.startswith("refreshing in place by month: August 2026 to August 2026") for m in messages)
    # a 12-month cost window reaches 11 months on; the survey reaches its own month
    assert any(m.startswith("refreshed int_cost_months for August 2026 to July 2027: ") for m in messages)
    assert any(m.startswith("refreshed int_experience_months for August 2026 to August 2026: ") for m in messages)
    assert _value(db, "select spend_gbp from contract_month where contract_id = 'C001' and month = '2026-08-01'") == [
        (999999.0,)
    ]
    assert _without_build_info(fingerprint(db)) == _without_build_info(fingerprint(_full_rebuild_beside(db, tmp_path)))


def test_a_refresh_runs_the_data_tests_that_read_what_it_changed_and_only_those():
    after_kpis = {name for name, _ in models.checks_reading({"kpi_status", "contract_month"})}
    assert {"kpi_status_unique_per_contract_kpi_month", "portfolio_shows_each_contracts_last_month"} <= after_kpis
    assert "rating_rule_thresholds_are_ordered" not in after_kpis
    after_comments = {name for name, _ in models.checks_reading({"feedback", "board_comments"})}
    assert after_comments == {"board_comments_are_consented_approved_and_current", "feedback_unique_per_comment"}
    # a view counts: a check reading stg_rating_rules runs when the rules' view was reached
    after_rules = {name for name, _ in models.checks_reading({"stg_rating_rules"})}
    assert {"rating_rule_thresholds_are_ordered", "rating_rules_cover_every_scope"} <= after_rules


def test_the_columns_a_model_reads_come_from_duckdbs_plan_through_views_and_stars():
    con = duckdb.connect()
    con.execute("create table t (contract_id varchar, month date, is_latest boolean, amount double, note varchar)")
    con.execute("create table u (contract_id varchar, month date, kind varchar)")
    con.execute("create view v as select contract_id, month, amount from t")
    read = refresh._scanned_columns
    assert read(con, "select contract_id, sum(amount) from v group by all") == {"t": {"contract_id", "amount"}}
    # a star is what the binder expands it to, less what the optimizer finds unused
    assert read(con, "with x as (select * exclude (note) from t) select month, amount from x")["t"] == {
        "month",
        "amount",
    }
    # a column only filtered on counts as read
    assert {"amount", "is_latest"} <= read(con, "select amount from t where is_latest")["t"]
    both = read(con, "select t.*, u.kind from t inner join u using (contract_id, month)")
    assert both["t"] == {"contract_id", "month", "is_latest", "amount", "note"}
    assert both["u"] == {"contract_id", "month", "kind"}


def test_records_appended_to_are_told_apart_from_records_changed_in_place(tmp_path: Path):
    store = tmp_path / "records.duckdb"
    with duckdb.connect(str(store)) as con:
        for table in ("same", "grown", "edited", "shrunk"):
            con.execute(f"create table {table} as select range as id, 'a' as note from range(5)")
        con.execute("insert into grown values (5, 'b'), (6, 'c')")
        con.execute("update edited set note = 'z' where id = 2")
        con.execute("delete from shrunk where id = 4")
    con = duckdb.connect()
    con.execute("create schema rec")
    for table in ("same", "grown", "edited", "shrunk", "dropped"):
        con.execute(f"create table rec.{table} as select range as id, 'a' as note from range(5)")
    con.execute(f"attach '{store}' as records_store (read_only)")
    changed, appended = refresh._changed_records(con, store)
    assert changed == {
        "rec.grown": "records_store.main.grown",
        "rec.edited": "records_store.main.edited",
        "rec.shrunk": "records_store.main.shrunk",
        "rec.dropped": None,
    }
    assert appended == {"rec.grown": 5}
    refresh._replace_records(con, changed, appended)
    for table in ("grown", "edited", "shrunk"):
        assert sorted(con.execute(f"select * from rec.{table}").fetchall()) == sorted(
            con.execute(f"select * from records_store.{table}").fetchall()
        ), table
    assert con.execute("select count(*) from rec.dropped").fetchone() == (0,)


def test_a_second_months_return_reads_only_the_rows_appended_and_equals_a_full_rebuild(db: Path, tmp_path: Path):
    every_active = (
        "select d.contract_id, d.kpi_code, d.target from stg_kpi_definitions as d"
        " inner join stg_contracts as c using (contract_id) where c.last_month >= date '{month}-01' order by all"
    )
    _import(db, [_kpi_return(db, "2026-11", every_active.format(month="2026-11"), "november.csv")])
    rows = _value(db, "select count(*) from rec.return_kpi_values")[0][0]
    _, messages = _import(db, [_kpi_return(db, "2026-12", every_active.format(month="2026-12"), "december.csv")])
    assert f"rec.return_kpi_values: rows appended after the {rows:,} copied before; only those are read" in messages
    assert any(m.startswith("refreshing in place by month: December 2026 to December 2026") for m in messages)
    assert _without_build_info(fingerprint(db)) == _without_build_info(fingerprint(_full_rebuild_beside(db, tmp_path)))
