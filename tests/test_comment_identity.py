"""A comment's id names one comment, and an approval names one text: through import, approval and
resubmission to the board view. Regression tests for a board that showed a comment whose author had
refused consent (another contract's return reused its id) and text nobody approved (a resubmission
changed the words of an approved comment)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from contract_monitor import records, stories, warehouse
from contract_monitor.narrative import workflow
from contract_monitor.returns import importer

HEADER = "contract_id,received_date,source,text,rating,consent_to_share,approved_for_board,feedback_id\n"


@pytest.fixture
def db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the sample warehouse with an empty records store beside it."""
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    target = tmp_path / "data" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy(sample_db, target)
    return target


def comments_file(name: str, *rows: str) -> tuple[str, bytes]:
    return name, (HEADER + "".join(f"{r}\n" for r in rows)).encode()


def read(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def feedback_row(db: Path, feedback_id: str) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = con.execute("select * from feedback where feedback_id = ?", [feedback_id]).df()
    finally:
        con.close()
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()


def test_a_return_reusing_another_contracts_comment_id_is_refused_and_no_board_sees_that_comment(db: Path):
    [(fid, text)] = read(
        db,
        "select feedback_id, text from feedback where contract_id = 'C002' and not consent_to_share"
        " order by feedback_id limit 1",
    )
    before = read(db, "select count(*) from board_comments where contract_id = 'C005'")
    result = importer.run(
        [comments_file("c005_narrative_feedback.csv", f"C005,2026-11-05,service user,Kind staff.,1,y,y,{fid}")],
        db,
        by="test",
    )
    assert not result.ok
    [problem] = result.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "c005_narrative_feedback.csv",
        2,
        "feedback_id",
        fid,
    )
    assert "base data" in problem.expected and "C002" in problem.expected
    assert not (db.parent / "records.duckdb").exists(), "nothing is written when a file is refused"
    assert read(db, "select count(*) from feedback where feedback_id = ?", [fid]) == [(1,)]
    assert read(db, "select count(*) from board_comments where contract_id = 'C005'") == before
    assert read(db, "select count(*) from board_comments where display_text = ?", [text]) == [(0,)]


def test_an_id_imported_for_one_contract_month_is_refused_for_another(db: Path):
    first = importer.run(
        [comments_file("c001_narrative_feedback.csv", "C001,2026-11-03,service user,Kind staff.,1,y,n,PROV-7")], db
    )
    assert first.ok, first.report()
    again = importer.run(
        [comments_file("c005_narrative_feedback.csv", "C005,2026-11-04,service user,Rushed visit.,4,n,n,PROV-7")], db
    )
    [problem] = again.problems
    assert (problem.file, problem.row, problem.column) == ("c005_narrative_feedback.csv", 2, "feedback_id")
    assert "c001_narrative_feedback.csv" in problem.expected and "C001, November 2026" in problem.expected
    assert read(db, "select contract_id, text from feedback where feedback_id = 'PROV-7'") == [("C001", "Kind staff.")]


def test_one_id_twice_in_one_import_is_refused_naming_both_files(db: Path):
    result = importer.run(
        [
            comments_file("a_narrative_feedback.csv", "C001,2026-11-03,service user,Kind staff.,1,y,n,PROV-8"),
            comments_file("b_narrative_feedback.csv", "C005,2026-11-04,service user,Rushed visit.,4,y,n,PROV-8"),
        ],
        db,
    )
    [problem] = result.problems
    assert problem.file == "b_narrative_feedback.csv" and "a_narrative_feedback.csv, row 2" in problem.expected


def test_two_files_for_one_contract_month_are_refused_naming_both_and_nothing_is_written(db: Path):
    result = importer.run(
        [
            comments_file("morning_narrative_feedback.csv", "C001,2026-11-03,service user,Kind staff.,1,y,n,"),
            comments_file("evening_narrative_feedback.csv", "C001,2026-11-20,family/carer,Good news.,2,y,n,"),
            ("c001_kpi_values.csv", b"contract_id,kpi_code,month,value\nC001,OUT1,2026-11,80\n"),
            ("c001_more_kpi_values.csv", b"contract_id,kpi_code,month,value\nC001,OUT2,2026-11,70\n"),
        ],
        db,
    )
    assert not result.ok
    by_file = {p.file: p for p in result.problems}
    assert set(by_file) == {"evening_narrative_feedback.csv", "c001_more_kpi_values.csv"}
    assert "morning_narrative_feedback.csv" in by_file["evening_narrative_feedback.csv"].expected
    assert "c001_kpi_values.csv" in by_file["c001_more_kpi_values.csv"].expected
    assert "November 2026" in by_file["c001_more_kpi_values.csv"].expected
    assert not (db.parent / "records.duckdb").exists()


def test_a_resubmission_that_changes_an_approved_comments_words_needs_a_new_approval(db: Path):
    store = db.parent / "records.duckdb"
    first = importer.run(
        [comments_file("nov_narrative_feedback.csv", "C001,2026-11-03,service user,Lovely staff.,1,y,n,PROV-1")], db
    )
    assert first.ok, first.report()
    approved_row = feedback_row(db, "PROV-1")
    saved = stories.decide(approved_row, "approved", "Sam Patel", db_path=db, records_path=store)
    assert saved.rebuilt, saved.problem
    assert read(db, "select display_text from board_comments where feedback_id = 'PROV-1'") == [("Lovely staff.",)]

    changed = "Lovely staff, but the night carer shouted at my mother."
    second = importer.run(
        [comments_file("nov_v2_narrative_feedback.csv", f'C001,2026-11-03,service user,"{changed}",4,y,n,PROV-1')], db
    )
    assert second.ok, second.report()
    row = feedback_row(db, "PROV-1")
    assert (row["text"], row["approval_state"], row["decisions_on_earlier_text"]) == (changed, "pending", 1)
    assert stories.state_sentence(pd.Series(row)).endswith(
        "changed by a later return after 1 decision, which no longer counts"
    )
    assert read(db, "select count(*) from board_comments where feedback_id = 'PROV-1'") == [(0,)]

    # an approval clicked on a page still showing the earlier words does not approve the new ones
    stale = stories.decide(approved_row, "approved", "Sam Patel", db_path=db, records_path=store)
    assert stale.rebuilt, stale.problem
    assert feedback_row(db, "PROV-1")["approval_state"] == "pending"
    assert read(db, "select count(*) from board_comments where feedback_id = 'PROV-1'") == [(0,)]
    log = read(db, "select on_current_text from comment_decision_log where feedback_id = 'PROV-1'")
    assert sorted(flag for (flag,) in log) == [False, False]
    hashes = read(db, "select distinct text_sha256 from int_decisions_on_text where feedback_id = 'PROV-1'")
    assert hashes == [(workflow.text_hash("Lovely staff."),)]

    # the words the approver saw come back (the rating corrected): their approval counts again
    third = importer.run(
        [comments_file("nov_v3_narrative_feedback.csv", "C001,2026-11-03,service user,Lovely staff.,2,y,n,PROV-1")], db
    )
    assert third.ok, third.report()
    assert feedback_row(db, "PROV-1")["approval_state"] == "approved"
    assert read(db, "select display_text from board_comments where feedback_id = 'PROV-1'") == [("Lovely staff.",)]


def test_a_comment_id_shared_by_the_base_data_and_the_records_store_fails_the_build(db: Path, tmp_path: Path):
    """The data test behind the import's check: a store written around the import cannot fan a comment out."""
    [(fid, contract)] = read(
        db, "select feedback_id, contract_id from feedback where contract_id <> 'C005' order by feedback_id limit 1"
    )
    store = tmp_path / "records.duckdb"
    with records.connect(store) as con:
        con.execute(
            "insert into return_narrative_feedback by name select ? as feedback_id, 'C005' as contract_id,"
            " date '2026-11-05' as received_date, date '2026-11-01' as month, 'service user' as source,"
            " 'Words from elsewhere.' as text, 'y' as consent_to_share, 'y' as approved_for_board, 1 as revision,"
            " 'x.csv' as source_file, 2 as source_row, 'abc' as source_sha256, now()::timestamp as imported_at,"
            " 'test' as imported_by",
            [fid],
        )
    with pytest.raises(warehouse.BuildError) as failed:
        warehouse.build(warehouse.built_from(db), tmp_path / "w2.duckdb", records_path=store)
    assert "feedback_unique_per_comment" in str(failed.value) and fid in str(failed.value)
    assert contract != "C005"
