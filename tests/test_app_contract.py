"""The Contract page with AppTest on the sample portfolio: deep links, sections, charts, stories."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from conftest import open_page
from streamlit.testing.v1 import AppTest

from contract_monitor import presentation, settings

APP = str(settings.PROJECT_ROOT / "streamlit_app.py")
PAGE = "dashboards/contract.py"


def _contract(**query) -> AppTest:
    return open_page(PAGE, **query)


def test_a_deep_link_opens_the_contract_month_and_domain(on_sample_db):
    at = _contract(contract="C012", month="2025-09", domain="experience")
    assert not at.exception and not at.warning
    assert at.title[0].value == "C012 Parental employability support"
    assert at.selectbox(key="contract_select").value == "C012"
    assert at.selectbox(key="contract_month_select").value == "2025-09"
    headings = [s.value for s in at.subheader]
    assert headings == ["Scorecard for September 2025", "People's experience", "Stories from September 2025"]


def test_everything_is_shown_with_a_chart_per_kpi_and_the_url_follows(on_sample_db, sample):
    at = _contract(contract="C016")
    assert not at.exception
    assert at.selectbox(key="contract_month_select").value == "2026-10"  # the latest month
    headings = [s.value for s in at.subheader]
    for section in ("Key performance indicators", "People's experience", "Voice", "Relationship pulse", "Cost"):
        assert section in headings
    kpis, cumulative = sample.execute(
        "select count(distinct kpi_code), count(distinct kpi_code) filter (where measurement = 'cumulative')"
        " from kpi_status where contract_id = 'C016'"
    ).fetchone()
    charts = at.get("plotly_chart")
    # timeline + one per KPI (+ cumulative ones) + experience + relationship + cost
    assert len(charts) == 1 + kpis + cumulative + 3
    # each KPI names the national outcome it serves
    outcomes = [c.value for c in at.caption if c.value.startswith("Serves national outcome:")]
    assert len(outcomes) == kpis
    # every chart has its table equivalent
    assert len([e for e in at.expander if e.label == "Show as table"]) == len(charts) - cumulative
    assert dict(at.query_params) == {"contract": "C016", "month": "2026-10"}


def test_choosing_another_month_and_section_updates_the_link(on_sample_db):
    at = _contract(contract="C002")
    at.selectbox(key="contract_month_select").set_value("2026-05").run()
    assert not at.exception
    assert at.query_params["month"] == "2026-05"
    assert at.subheader[0].value == "Scorecard for May 2026"
    at.button_group(key="contract_section").set_value("cost").run()
    assert not at.exception
    assert at.query_params["domain"] == "cost"
    assert [s.value for s in at.subheader] == ["Scorecard for May 2026", "Cost", "Stories from May 2026"]
    at.selectbox(key="contract_select").set_value("C014").run()
    assert at.title[0].value == "C014 Employability hub – high volume"
    assert dict(at.query_params) == {"contract": "C014", "month": "2026-10", "domain": "cost"}


def test_stories_beside_the_numbers_mark_those_approved_for_the_board(on_sample_db, sample):
    at = _contract(contract="C002", month="2026-10")
    total, shareable = sample.execute(
        "select count(*), count(*) filter (where shareable_with_board) from feedback"
        " where contract_id = 'C002' and month = '2026-10-01'"
    ).fetchone()
    assert f"{total} comments; {shareable} consented and approved for the board (marked)." in [
        c.value for c in at.caption
    ]
    marked = [c.value for c in at.caption if "Approved for board" in c.value]
    first_eight = sample.execute(
        "select count(*) filter (where shareable_with_board) from (select * from feedback"
        " where contract_id = 'C002' and month = '2026-10-01' order by received_date desc, feedback_id limit 8)"
    ).fetchone()[0]
    assert len(marked) == first_eight


def test_a_kpi_shows_the_providers_note_and_correction_and_a_board_sees_only_the_correction(on_sample_db, sample):
    contract, code, month, value, original, note = sample.execute(
        "select contract_id, kpi_code, strftime(month, '%Y-%m'), value, original_value, note from kpi_status"
        " where note <> '' and corrections = 1 order by month desc, contract_id, kpi_code limit 1"
    ).fetchone()
    label = pd.Timestamp(f"{month}-01").strftime("%B %Y")
    said = f"Provider's note for {label}: “{presentation.escape_markdown(note)}”"
    correction = f"Corrected once; first reported {original:,.1f}; {value:,.1f} is the value in use."

    at = _contract(contract=contract, month=month, domain="outcomes")
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert said in captions and correction in captions
    # the table equivalent says the same, month by month
    [table] = [
        t.value
        for t in at.dataframe
        if "Provider's note" in t.value.columns and note in set(t.value["Provider's note"])
    ]
    this = table[table["Month"] == label].iloc[0]
    assert (this["Provider's note"], this["Corrections"]) == (note, f"Corrected once; first reported {original:,.1f}")
    file, row = sample.execute(
        "select source_file, source_row from kpi_status where contract_id = ? and kpi_code = ? and month = ?",
        [contract, code, f"{month}-01"],
    ).fetchone()
    assert this["Source"] == f"{file} row {row}"

    board = _contract(contract=contract, month=month, domain="outcomes", view="board")
    assert not board.exception
    captions = [c.value for c in board.caption]
    assert correction in captions and said not in captions
    assert not [t for t in board.dataframe if "Provider's note" in t.value.columns]


def test_bad_links_are_explained_and_the_page_still_works(on_sample_db):
    at = _contract(contract="C999", month="2026-13", domain="mood")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "contract 'C999'" in warnings
    assert "'2026-13' in the link is not a month" in warnings
    assert "'mood' in the link is not a scorecard domain" in warnings
    assert at.title[0].value.startswith("C001 ")


def test_a_month_the_contract_never_reported_falls_back_to_its_latest(on_sample_db):
    at = _contract(contract="C012", month="2026-09")  # C012, a grant, ended in March 2026
    assert not at.exception
    assert "There is no report for September 2026" in at.warning[0].value
    assert at.selectbox(key="contract_month_select").value == "2026-03"


def test_the_contract_page_without_a_database_explains_how_to_build_it(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CONTRACT_MONITOR_DB", str(tmp_path / "absent.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert "make run" in at.info[0].value
