"""The Contract page's board view (?view=board) with AppTest: nothing a board may not see is on the
page or in its downloads. Only board_comments rows (consent to share AND approved; redacted text)
appear; originals, unapproved comments, forms and restricted expanders never do."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import story_fixture
from conftest import open_page
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1.element_tree import Dataframe

from contract_monitor import settings, warehouse
from contract_monitor.narrative import workflow

APP = str(settings.PROJECT_ROOT / "streamlit_app.py")
PAGE = "dashboards/contract.py"
APRIL = "2025-04-01"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every media file manager AppTest creates, so a test can run a download button's callable."""
    managers = []

    class Recording(app_test_module.MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)
    return managers


def _board(**query) -> AppTest:
    at = open_page(PAGE, timeout=90, view="board", **query)
    assert not at.exception
    return at


def _everything(at: AppTest) -> str:
    """Every element's protobuf (labels, markdown, chart specs, table bytes) and every table's
    values, with markdown escapes removed: all a person could read on the page."""
    parts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        if isinstance(node, Dataframe):
            parts.append(node.value.to_csv())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return re.sub(r"\\+", "", "\n".join(parts))


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _secret_texts(db: Path) -> set[str]:
    """Text of every comment a board may not see (original and redacted), unless the same words also
    belong to a comment it may see."""
    shareable = {r[0] for r in _rows(db, "select display_text from board_comments")}
    hidden = _rows(db, "select text, display_text, redacted_text from feedback where not shareable_with_board") + _rows(
        db, "select text, text, text from feedback where shareable_with_board and text <> display_text"
    )
    return {t for row in hidden for t in row if t and t not in shareable}


def _assert_board_safe(at: AppTest, db: Path) -> str:
    page = _everything(at)
    for secret in _secret_texts(db):
        assert secret.replace("\\", "") not in page, secret
    for pii in (story_fixture.PHONE, story_fixture.EMAIL, "Wilson"):
        assert pii not in page
    assert not at.get("form") and not at.text_input and not at.text_area and not at.button  # nothing to write
    assert not any("restricted" in e.label.lower() for e in at.expander)
    return page


def test_board_view_shows_only_consented_and_approved_comments_of_the_four_combinations(stories_env):
    db, store = stories_env
    for fid in story_fixture.COMBOS:  # every one attached as a story to a KPI: only M0's may show
        workflow.attach_evidence(fid, "C2", "K1", dt.date(2025, 4, 1), "a.manager", note=f"note {fid}", store=store)
    warehouse.rebuild_current(db, store)
    at = _board(contract="C2", month="2025-04")
    assert "Board view: read only." in at.info[0].value
    page = _assert_board_safe(at, db)
    markers = {fid: marker for fid, (_, _, marker) in story_fixture.COMBOS.items()}
    assert markers["M0"] in page  # consent y, approved y: the redacted text is shown
    for fid in ("M1", "M2", "M3"):  # y/n, n/y, n/n: nowhere
        assert markers[fid] not in page, fid
    assert "note M0" in page and not any(f"note {fid}" in page for fid in ("M1", "M2", "M3"))
    table = next(d.value for d in at.dataframe if "Comment" in d.value.columns)
    expected = {
        r[0]
        for r in _rows(db, f"select feedback_id from board_comments where contract_id = 'C2' and month = '{APRIL}'")
    }
    assert set(table["ID"]) == expected and "M0" in expected
    # the managers' view of the same month does show the unshared comments (so the test can fail)
    manager = AppTest.from_file(APP, default_timeout=90)
    manager.query_params.update({"contract": "C2", "month": "2025-04"})
    manager.switch_page(PAGE).run()
    managers_page = _everything(manager)
    assert markers["M1"] in managers_page and "note M3" in managers_page and manager.get("form")


def test_decisions_change_what_the_board_sees(stories_env, monkeypatch: pytest.MonkeyPatch):
    db, store = stories_env
    # decisions are stamped to the second; a minute apart here so "the newest wins" is well defined
    clock = iter(dt.datetime(2025, 5, 1, 9, minute) for minute in range(60))
    monkeypatch.setattr(workflow, "_now", lambda: next(clock))
    workflow.record_decision("M0", "rejected", "a.manager", "x", reason="identifies a family", store=store)
    for fid in ("M1", "M3"):  # M3 has no consent: approving it must not share it
        workflow.record_decision(fid, "approved", "a.manager", "x", store=store)
    workflow.record_decision("M1", "edited", "a.manager", "x", text_after="The Narwhal team were rushed.", store=store)
    workflow.record_decision("M1", "approved", "a.manager", "The Narwhal team were rushed.", store=store)
    warehouse.rebuild_current(db, store)
    at = _board(contract="C2", month="2025-04")
    page = _assert_board_safe(at, db)
    assert "The Narwhal team were rushed." in page  # the approved edit, not the automatic redaction
    for marker in ("Quokka", "Axolotl", "Pangolin"):
        assert marker not in page


def test_board_view_downloads_hold_only_board_comments(stories_env, downloads):
    db, _ = stories_env
    at = _board(contract="C2", month="2025-04")
    ids = {b.proto.deferred_file_id: b.proto.id for b in at.get("download_button")}
    board_csv = next(f for f, i in ids.items() if i.endswith("board_stories_csv"))
    board_xlsx = next(f for f, i in ids.items() if i.endswith("board_stories_xlsx"))
    callables = {f: e["callable"] for m in downloads for f, e in m._deferred_callables.items()}
    csv = pd.read_csv(io.BytesIO(callables[board_csv]()), encoding="utf-8-sig")
    xlsx = pd.read_excel(io.BytesIO(callables[board_xlsx]()))
    expected = _rows(
        db, f"select feedback_id, display_text from board_comments where contract_id = 'C2' and month = '{APRIL}'"
    )
    for frame in (csv, xlsx):
        assert sorted(zip(frame["ID"], frame["Comment"], strict=True)) == sorted(expected)
        assert list(frame.columns) == ["Month", "Source", "Sentiment", "Themes", "Comment", "ID"]
    # and no download on the page (KPIs, themes, actions, ...) carries a comment a board may not see
    secrets = _secret_texts(db)
    assert len(ids) >= 10
    for file_id, element_id in ids.items():
        data = callables[file_id]()
        excel = element_id.endswith("_xlsx")
        text = pd.read_excel(io.BytesIO(data)).to_csv() if excel else data.decode("utf-8-sig")
        assert not any(s in text for s in secrets), element_id
