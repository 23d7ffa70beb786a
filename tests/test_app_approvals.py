"""The Approve comments page with AppTest: approve, edit (refused while it holds personal data),
reject (refused without a reason), every decision logged and shown, the warehouse rebuilt so the
board-safe marts follow. Each test writes to its own copy of the warehouse and records store."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb
import story_fixture
from streamlit.testing.v1 import AppTest

from contract_monitor import settings, stories, warehouse

APP = str(settings.PROJECT_ROOT / "streamlit_app.py")
PAGE = "dashboards/voices_approvals.py"


def _page(contract: str = "C2", status: str = "pending", name: str | None = "Sam Patel") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()  # st.navigation must register the page's url_path
    at.query_params["contract"] = contract
    at.query_params["status"] = status
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    if name is not None:
        at.text_input(key="approvals_name").input(name).run()
    return at


def _choose(at: AppTest, feedback_id: str) -> AppTest:
    at.selectbox(key="approvals_comment").set_value(feedback_id).run()
    assert not at.exception
    return at


def _one(db: Path, sql: str, params: list | None = None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _decisions(store: Path) -> int:
    if not store.is_file():
        return 0
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute("select count(*) from comment_decisions").fetchone()[0]
    finally:
        con.close()


def _texts(at: AppTest) -> str:
    """Everything written on the page, with markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", _raw_texts(at))


def _raw_texts(at: AppTest) -> str:
    return " ".join(
        str(e.value) for kind in ("markdown", "caption", "success", "error", "warning") for e in at.get(kind)
    )


def test_the_queue_shows_redacted_text_consent_themes_and_the_original_only_behind_a_label(stories_env):
    at = _page()
    assert at.title[0].value == "Approve comments"
    pending = _one(
        stories_env[0], "select count(*) from feedback where contract_id = 'C2' and approval_state = 'pending'"
    )[0][0]
    assert at.subheader[0].value == f"Pending: {pending} comments (C2 Care at home - west)"
    _choose(at, "M1")
    shown = _texts(at)
    assert "Narwhal" in shown and "[PHONE]" in shown and "[EMAIL]" in shown and "[NAME]" in shown
    assert story_fixture.PHONE not in shown and story_fixture.EMAIL not in shown and "Wilson" not in shown
    assert "Consent to share:** ✓ Yes" in shown and "themes:" in shown and "sentiment: negative" in shown
    restricted = [e for e in at.expander if e.label == stories.RESTRICTED_LABEL]
    assert len(restricted) == 1
    assert restricted[0].text[0].value == story_fixture.text("M1")  # the original, only in here
    queue = at.dataframe[0].value
    assert "M1" in set(queue["ID"]) and not queue.apply(lambda c: c.astype(str).str.contains("Wilson")).any().any()


def test_approve_is_logged_rebuilds_and_reaches_the_board(stories_env):
    db, store = stories_env
    at = _choose(_page(), "M1")
    at.button(key="approvals_approve").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Approved M1: boards can now see it. The dashboard was refreshed")
    assert _one(db, "select feedback_id from board_comments where feedback_id like 'M%' order by 1") == [
        ("M0",),
        ("M1",),
    ]
    assert _one(
        db, "select feedback_id, contract_id, decision, decided_by, newest_first from comment_decision_log"
    ) == [("M1", "C2", "approved", "Sam Patel", 1)]
    assert not any(o.startswith("M1 ") for o in at.selectbox(key="approvals_comment").options)  # left the queue
    # its history: approved, by whom
    at.button_group(key="approvals_status").set_value("approved").run()
    _choose(at, "M1")
    history = at.dataframe[-1].value
    assert list(history["Decision"]) == ["Approved"] and list(history["By"]) == ["Sam Patel"]
    assert "Approved by Sam Patel" in _texts(at)


def test_a_decision_without_your_name_is_refused_and_nothing_is_written(stories_env):
    db, store = stories_env
    at = _choose(_page(name=None), "M1")
    at.button(key="approvals_approve").click().run()
    assert at.error[0].value.startswith("Your name: required")
    assert "Nothing was saved" in at.error[0].value
    assert _decisions(store) == 0


def test_no_consent_can_never_be_approved_and_the_page_says_why(stories_env):
    at = _choose(_page(), "M3")
    assert at.button(key="approvals_approve").disabled
    assert stories.NO_CONSENT in [w.value for w in at.warning]
    # approved on import without consent (M2) is still not for a board
    at.button_group(key="approvals_status").set_value("approved").run()
    _choose(at, "M2")
    assert stories.NO_CONSENT in [w.value for w in at.warning]
    assert _one(stories_env[0], "select count(*) from board_comments where feedback_id = 'M2'") == [(0,)]


def test_an_edit_with_personal_data_is_refused_naming_the_field(stories_env):
    db, store = stories_env
    at = _choose(_page(), "M1")
    at.text_area(key="approvals_edit_M1").input("The Narwhal team were rushed. Ring 07700 900123.")
    at.button(key="approvals_edit_submit").click().run()
    assert at.error[0].value.startswith("Edited text: still contains personal data")
    assert _decisions(store) == 0


def test_an_accepted_edit_is_logged_with_before_and_after_and_needs_approval(stories_env):
    db, store = stories_env
    at = _choose(_page(), "M1")
    before = _one(db, "select display_text from feedback where feedback_id = 'M1'")[0][0]
    at.text_area(key="approvals_edit_M1").input("The team were rushed.")  # sent with the form's submit
    at.button(key="approvals_edit_submit").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Saved the edited text of M1; it now waits for approval.")
    assert _one(db, "select display_text, approval_state from feedback where feedback_id = 'M1'") == [
        ("The team were rushed.", "pending")
    ]
    _choose(at, "M1")  # still pending: the edit needs approving
    assert "“The team were rushed.”" in _texts(at)
    history = at.dataframe[-1].value
    assert history.iloc[0][["Decision", "By", "Text before", "Text after"]].tolist() == [
        "Edited the text",
        "Sam Patel",
        before,
        "The team were rushed.",
    ]
    # approving it now shares the edited text, not the automatic redaction
    at.button(key="approvals_approve").click().run()
    assert _one(db, "select display_text from board_comments where feedback_id = 'M1'") == [("The team were rushed.",)]


def test_reject_needs_a_reason_then_is_logged_with_it(stories_env):
    db, store = stories_env
    at = _choose(_page(status="approved"), "M0")
    at.button(key="approvals_reject_submit").click().run()
    assert at.error[0].value.startswith("Reason for rejecting: required")
    assert _decisions(store) == 0
    at.text_input(key="approvals_reason_M0").input("identifies a family")
    at.button(key="approvals_reject_submit").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Rejected M0: boards will not see it.")
    assert _one(db, "select count(*) from board_comments where feedback_id like 'M%'") == [(0,)]
    at.button_group(key="approvals_status").set_value("rejected").run()
    _choose(at, "M0")
    history = at.dataframe[-1].value
    assert history.iloc[0][["Decision", "Reason"]].tolist() == ["Rejected", "identifies a family"]
    assert "Rejected by Sam Patel" in _texts(at) and "identifies a family" in _texts(at)


def test_a_bad_status_in_the_link_is_explained(stories_env):
    at = _page(status="maybe", name=None)
    assert "'maybe' in the link is not a status" in at.warning[0].value
    assert at.button_group(key="approvals_status").value == "pending"


# --------------------------------------------------------------------------- behind the page


def test_rebuild_current_uses_the_data_folder_the_warehouse_was_built_from(stories_env):
    db, store = stories_env
    built_from = Path(_one(db, "select data_dir from build_info")[0][0])
    saved = stories.record_and_rebuild(
        lambda s: stories.workflow.record_decision("M1", "approved", "Sam", "x", store=s), db, store
    )
    assert saved.rebuilt and saved.note().startswith("The dashboard was refreshed in")
    assert warehouse.built_from(db) == built_from
    assert _one(db, "select feedback_id from board_comments where feedback_id like 'M%' order by 1") == [
        ("M0",),
        ("M1",),
    ]


def test_two_people_saving_at_once_both_reach_the_warehouse(stories_env):
    db, store = stories_env
    errors = []

    def approve(feedback_id: str) -> None:
        try:
            stories.record_and_rebuild(
                lambda s: stories.workflow.record_decision(feedback_id, "approved", "Sam", "x", store=s), db, store
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(fid,)) for fid in ("M1", "M3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _one(
        db, "select feedback_id, approval_state from feedback where feedback_id in ('M1', 'M3') order by 1"
    ) == [
        ("M1", "approved"),
        ("M3", "approved"),
    ]
    assert not list(db.parent.glob(f"{db.name}.building-*"))


def test_a_failed_rebuild_keeps_the_decision_and_the_previous_warehouse_and_says_so(stories_env, tmp_path: Path):
    db, store = stories_env
    data = story_fixture.write(tmp_path / "broken")
    (data / "kpi_values.csv").write_text("not,a,valid,file\n", encoding="utf-8")
    con = duckdb.connect(str(db))  # point build_info at the broken folder
    con.execute("update build_info set data_dir = ?", [str(data)])
    con.close()
    warehouse_before = db.read_bytes()
    saved = stories.record_and_rebuild(
        lambda s: stories.workflow.record_decision("M1", "approved", "Sam", "x", store=s), db, store
    )
    assert not saved.rebuilt and "could not be refreshed" in saved.note() and "kpi_values.csv" in saved.note()
    assert _decisions(store) == 1  # the decision is kept; it reaches the marts at the next build
    assert db.read_bytes() == warehouse_before


def test_workflow_refusals_name_the_form_field():
    error = stories.workflow.DecisionError
    assert stories.explain(error("decided by: required")) == "Your name: required. Nothing was saved."
    assert stories.explain(error("reason (a rejection needs a reason): required")).startswith(
        "Reason for rejecting: required"
    )
    assert stories.explain(error("what was changed: required")).startswith("What was changed: required")


def test_a_long_queue_lists_its_oldest_comments_and_counts_and_downloads_them_all(stories_env, monkeypatch):
    from contract_monitor import data_access, presentation

    everything = data_access.approval_queue("pending")  # every pending comment, oldest first
    assert len(everything) > 2
    monkeypatch.setattr(presentation, "QUEUE_ROWS", 2)
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.query_params["status"] = "pending"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert f"Pending: {len(everything):,} comments (all contracts)" in [s.value for s in at.subheader]
    assert at.expander[0].label == f"The oldest 2 of {len(everything):,} as a table"
    listed = at.selectbox(key="approvals_comment").options
    assert len(listed) == 2 and all(o.startswith(f) for o, f in zip(listed, everything["feedback_id"][:2], strict=True))
    assert data_access.approval_counts()["pending"] == len(everything)
