"""Consent and approval gate every board view; decisions, evidence and actions are logged and reach the marts."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from fixture_data import write_fixture

from contract_monitor import records, warehouse
from contract_monitor.narrative import workflow

FEB = dt.date(2025, 2, 1)


def rebuild(data: Path, db: Path, store: Path) -> duckdb.DuckDBPyConnection:
    warehouse.build(data, db, records_path=store)
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture
def env(tmp_path: Path):
    data = write_fixture(tmp_path / "csv")
    path = data / "narrative_feedback.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    # four comments on C2, one per consent x imported-approval combination
    combos = [("y", "y"), ("y", "n"), ("n", "y"), ("n", "n")]
    for i, (consent, approved) in enumerate(combos):
        rows.append(
            [f"M{i}", "C2", "2025-02-15", "service user", f"Lovely carers, thank you {i}.", "1", consent, approved]
        )
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return data, tmp_path / "w.duckdb", tmp_path / "records.duckdb"


def board(con, mart: str) -> set[str]:
    return {r[0] for r in con.execute(f"select feedback_id from {mart} where feedback_id like 'M%'").fetchall()}


def test_consent_and_approval_matrix_for_board_views_and_exports(env):
    data, db, store = env
    con = rebuild(data, db, store)
    # consent AND approval: only M0 (y, y); M2 was approved without consent
    assert board(con, "board_comments") == {"M0"}
    con.close()

    # approvals recorded through the workflow: approving M1 (consented) shares it; approving M3 (no consent) does not
    for fid in ("M1", "M3"):
        workflow.record_decision(fid, "approved", "a.manager", text_before="x", store=store)
    workflow.record_decision("M0", "rejected", "a.manager", text_before="x", reason="identifies a family", store=store)
    con = rebuild(data, db, store)
    assert board(con, "board_comments") == {"M1"}
    sources = dict(
        con.execute(
            "select feedback_id, approval_source from int_comment_approvals where feedback_id like 'M%'"
        ).fetchall()
    )
    assert sources == {"M0": "decision", "M1": "decision", "M2": "imported flag", "M3": "decision"}
    states = dict(
        con.execute("select feedback_id, approval_state from feedback where feedback_id like 'M%'").fetchall()
    )
    assert states == {"M0": "rejected", "M1": "approved", "M2": "approved", "M3": "approved"}
    con.close()


def test_an_edit_is_logged_shown_and_needs_approval_again(env):
    data, db, store = env
    workflow.record_decision(
        "M0", "edited", "editor", text_before="Lovely carers, thank you 0.", text_after="Lovely carers.", store=store
    )
    con = rebuild(data, db, store)
    assert board(con, "board_comments") == set()  # edited, so pending again
    assert con.execute("select display_text, approval_state from feedback where feedback_id='M0'").fetchone() == (
        "Lovely carers.",
        "pending",
    )
    con.close()
    workflow.record_decision("M0", "approved", "approver", text_before="Lovely carers.", store=store)
    con = rebuild(data, db, store)
    assert con.execute("select display_text from board_comments where feedback_id='M0'").fetchone() == (
        "Lovely carers.",
    )
    log = con.execute(
        "select decision, text_before, text_after, decided_by from stg_comment_decisions "
        "order by decided_at, newest_first desc"
    ).fetchall()
    assert log == [
        ("edited", "Lovely carers, thank you 0.", "Lovely carers.", "editor"),
        ("approved", "Lovely carers.", None, "approver"),
    ]
    con.close()


def test_decisions_are_refused_with_a_named_field(tmp_path: Path):
    store = tmp_path / "r.duckdb"
    with pytest.raises(workflow.DecisionError, match="reason"):
        workflow.record_decision("F1", "rejected", "me", text_before="x", reason=" ", store=store)
    with pytest.raises(workflow.DecisionError, match="decided by"):
        workflow.record_decision("F1", "approved", "", text_before="x", store=store)
    with pytest.raises(workflow.DecisionError, match="personal data"):
        workflow.record_decision("F1", "edited", "me", text_before="x", text_after="Call 07700 900123", store=store)
    with records.connect(store) as con:
        assert con.execute("select count(*) from comment_decisions").fetchone()[0] == 0  # nothing half-written


def test_evidence_and_you_said_we_did_reach_their_marts(env):
    data, db, store = env
    link = workflow.attach_evidence("F0005", "C1", "K1", FEB, "a.manager", note="explains February's dip", store=store)
    workflow.attach_evidence("F0006", "C1", "K1", FEB, "a.manager", store=store)
    con = rebuild(data, db, store)
    negative_themes = con.execute("select theme from response_loop where contract_id='C2'").fetchall()
    assert negative_themes and not con.execute("select bool_or(responded) from response_loop").fetchone()[0]
    con.close()
    workflow.remove_evidence(link, store=store)
    theme = negative_themes[0][0]
    workflow.record_action(
        "C2", "Visits lengthened to 30 minutes", dt.date(2025, 4, 20), "provider lead", theme=theme, store=store
    )
    con = rebuild(data, db, store)
    assert con.execute("select feedback_id, kpi_name, note from kpi_evidence").fetchall() == [
        ("F0006", "% visits on time", None)
    ]
    # the removed link is kept in the log, flagged; the action's month is derived
    assert sorted(con.execute("select feedback_id, is_current from stg_evidence_links").fetchall()) == [
        ("F0005", False),
        ("F0006", True),
    ]
    assert con.execute("select changed_month from stg_actions").fetchone()[0] == dt.date(2025, 4, 1)
    row = con.execute(
        "select theme, what_changed, recorded_by, negative_comments_before from you_said_we_did"
    ).fetchone()
    assert row[:3] == (theme, "Visits lengthened to 30 minutes", "provider lead") and row[3] >= 1
    responded = dict(con.execute("select theme, responded from response_loop where contract_id='C2'").fetchall())
    assert responded[theme] is True
    share = con.execute(
        "select any_value(contract_share_of_negative_themes_responded) from response_loop where contract_id='C2'"
    ).fetchone()[0]
    assert share == pytest.approx(1 / len(responded))
    con.close()
