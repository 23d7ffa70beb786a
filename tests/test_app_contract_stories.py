"""Stories as evidence and "You said, we did" on the Contract page (contract managers' view), with
AppTest: attach a comment to a KPI-month with a note, record an action for a theme; each refused
with the form field named when incomplete, and each shown from its mart after the rebuild."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from contract_monitor import settings

APP = str(settings.PROJECT_ROOT / "streamlit_app.py")
PAGE = "dashboards/contract.py"


def _contract() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"contract": "C2", "month": "2025-04"})
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def _rows(path: Path, sql: str) -> list[tuple]:
    if not path.is_file():
        return []
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    except duckdb.CatalogException:
        return []
    finally:
        con.close()


def _texts(at: AppTest) -> str:
    return re.sub(r"\\(.)", r"\1", " ".join(str(e.value) for kind in ("markdown", "caption") for e in at.get(kind)))


def _share(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Negative themes responded to (last 12 months)")


def test_attach_a_story_to_a_kpi_month_and_see_it_beside_the_chart(stories_env):
    db, store = stories_env
    at = _contract()
    assert _texts(at).count("No story is attached to this KPI yet.") == 2  # K1 and K2
    options = at.selectbox(key="attach_comment").options  # chosen from April's comments
    assert any(o.startswith("M1 · C2 · 21 Apr 2025 · The Narwhal team") for o in options)
    assert all(" Apr 2025 · " in o for o in options)
    at.selectbox(key="attach_kpi").set_value("K1")
    at.selectbox(key="attach_comment").set_value("M1")
    at.text_input(key="attach_note").input("this story explains April's dip")
    at.text_input(key="attach_name").input("Sam Patel")
    at.button(key="attach_submit").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Attached M1 to K1 for April 2025. The dashboard was refreshed")
    assert _rows(db, "select feedback_id, kpi_code, note, linked_by from kpi_evidence") == [
        ("M1", "K1", "this story explains April's dip", "Sam Patel")
    ]
    shown = _texts(at)
    assert "Stories attached (1)" in shown
    assert "“this story explains April's dip” · attached by Sam Patel · M1 · not for the board" in shown
    assert "The Narwhal team were rushed. Ring [NAME]" in shown  # the redacted text, never the original
    assert shown.count("No story is attached to this KPI yet.") == 1  # K2 still has none
    # attached by mistake: remove it; the link stays in the log, flagged
    link_id = _rows(db, "select link_id from kpi_evidence")[0][0]
    at.button(key=f"evidence_remove_{link_id}").click().run()
    assert at.success[0].value.startswith("Removed the story from the KPI")
    assert _rows(db, "select count(*) from kpi_evidence") == [(0,)]
    assert _rows(db, "select feedback_id, is_current from stg_evidence_links") == [("M1", False)]
    assert _texts(at).count("No story is attached to this KPI yet.") == 2


def test_attach_needs_your_name_and_nothing_is_written(stories_env):
    db, store = stories_env
    at = _contract()
    at.selectbox(key="attach_comment").set_value("M1")
    at.button(key="attach_submit").click().run()
    assert at.error[0].value.startswith("Your name: required")
    assert _rows(store, "select count(*) from evidence_links") in ([], [(0,)])


def test_record_an_action_for_a_theme_and_the_response_share_follows(stories_env):
    db, store = stories_env
    at = _contract()
    before = _share(at)
    loop = _rows(db, "select theme, responded from response_loop where contract_id = 'C2' order by theme")
    assert loop and not any(r for _, r in loop)
    assert before == f"0 of {len(loop)} (0%)"
    theme = loop[0][0]
    at.selectbox(key="action_theme").set_value(theme)
    at.text_area(key="action_what").input("Visits lengthened to 30 minutes")
    at.text_input(key="action_name").input("Provider lead")
    at.button(key="action_submit").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Recorded the action for")
    assert _rows(db, "select theme, what_changed, recorded_by from you_said_we_did") == [
        (theme, "Visits lengthened to 30 minutes", "Provider lead")
    ]
    assert _share(at) == f"1 of {len(loop)} ({100 / len(loop):.0f}%)"
    actions = next(d.value for d in at.dataframe if "We did" in d.value.columns)
    assert list(actions["We did"]) == ["Visits lengthened to 30 minutes"]


def test_an_action_needs_a_theme_or_comments_and_what_changed(stories_env):
    db, store = stories_env
    at = _contract()
    at.text_area(key="action_what").input("Something")
    at.text_input(key="action_name").input("Provider lead")
    at.button(key="action_submit").click().run()
    assert at.error[0].value.startswith("Theme: choose a theme or at least one comment")
    at.multiselect(key="action_comments").select("M1")
    at.text_area(key="action_what").input("  ")
    at.button(key="action_submit").click().run()
    assert at.error[0].value.startswith("What was changed: required")
    assert _rows(store, "select count(*) from actions") in ([], [(0,)])
