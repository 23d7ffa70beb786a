"""The Data import page: templates to download, the month's returns (missing shown), the import history."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from contract_monitor import settings
from contract_monitor.returns import importer, templates

PAGE = str(settings.PROJECT_ROOT / "dashboards" / "data_import.py")


@pytest.fixture
def imported_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    db = tmp_path / "data" / "warehouse.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db, db)
    assert importer.run([("example.xlsx", templates.xlsx_bytes(example=True))], db, by="Page Tester").ok
    monkeypatch.setenv("CONTRACT_MONITOR_DB", str(db))
    return db


def test_the_page_shows_templates_returns_status_and_history(imported_db: Path):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Data import"
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Blank template (.xlsx)",
        "Blank template (CSV files, .zip)",
        "Example: November 2026 return (.xlsx)",
        "Example: November 2026 return (CSV files, .zip)",
    ]
    status = at.dataframe[0].value.set_index("Contract")
    c001 = next(name for name in status.index if name.startswith("C001 "))
    c002 = next(name for name in status.index if name.startswith("C002 "))
    assert status.loc[c001, "Status"] == "received" and status.loc[c001, "By"] == "Page Tester"
    assert status.loc[c002, "Status"] == "missing" and status.loc[c002, "KPIs"].startswith("0 of ")
    # dates as days, a return not submitted with none, a value never imported with no revision
    assert status.loc[c001, "Due"] == dt.date(2026, 12, 28) and status.loc[c001, "Revision"] == "1"
    assert pd.isna(status.loc[c002, "Submitted"]) and status.loc[c002, "Revision"] == ""
    assert any("November 2026: 2 received" in m.value for m in at.markdown)
    history = at.dataframe[1].value
    assert list(history["File"]) == ["example.xlsx"] and list(history["Contracts"]) == ["C001, C003"]


def test_importing_without_a_file_asks_for_one(imported_db: Path):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    [submit] = [b for b in at.button if b.label == "Check and import"]
    submit.click().run()
    assert not at.exception
    assert "Choose at least one file" in at.warning[0].value
