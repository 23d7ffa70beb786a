"""The two public NHS formats, read from the real files in ../shared/data (never copied into the project)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import require_shared_file
from test_import_load import query

from contract_monitor.returns import importer
from contract_monitor.returns.validate import References

pytestmark = pytest.mark.shared_data

REFS = References(
    contracts={
        "C7": (dt.date(2020, 4, 1), dt.date(2027, 3, 31)),
        "C8": (dt.date(2020, 4, 1), dt.date(2027, 3, 31)),
        "C9": (dt.date(2016, 4, 1), dt.date(2019, 3, 31)),
    },
    kpis={("C9", "AE4H"): "percent", ("C9", "AEN"): "number"},
)
FFT_MAP = b"trust,contract_id\nNEAS,C8\nNHFT,C7\n"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def fft() -> tuple[Path, object]:
    path = require_shared_file("nhs_fft_comments_v6.csv")
    item, col = importer.prepare_file(path.name, path.read_bytes(), REFS, mapping=FFT_MAP)
    assert col.problems == []
    return path, item


def test_fft_comments_become_narrative_feedback_with_exact_counts(fft):
    path, item = fft
    source = _rows(path)
    answered = [r for r in source if r["FFT answer"].strip() not in ("", "Did not answer")]
    assert item.stats == {
        "rows read": 7908,
        "comments": 6211,
        "'Did not answer' placeholders skipped": 1189,
        "blank answers skipped": 508,  # 502 empty cells and 6 of only spaces
    }
    rows = item.tables["narrative_feedback"]
    assert len(rows) == len(answered) == 6211
    assert Counter(r["contract_id"] for r in rows) == {"C8": 3898, "C7": 2313}
    assert Counter(r["contract_id"] for r in rows)["C8"] == sum(r["Trust"] == "NEAS" for r in answered)
    assert all(r["consent_to_share"] == "n" and r["approved_for_board"] == "n" for r in rows)
    assert all(r["source"] == "service user" for r in rows)
    assert len({r["feedback_id"] for r in rows}) == 6211


def test_fft_known_values_ratings_dates_and_labels(fft):
    path, item = fft
    rows = {r["feedback_id"]: r for r in item.tables["narrative_feedback"]}
    first = rows["FFT-NEAS PTS 531 - Q1"]
    assert (first["text"], first["rating"], first["human_sentiment"], first["received_date"]) == (
        "Nothing.",
        1,
        1,
        dt.date(2021, 9, 30),
    )
    assert first["topic_labels"] == "Positive experience & gratitude"
    assert first["context"] == "NEAS; PTS - Patient Transport; FFT Why?"
    assert first["_row"] == 3  # the header (with line breaks inside quotes) is row 1; row 2 is a placeholder
    # 6 and 7 are not on the FFT scale: stored as no rating, with a note
    sixes = [r for r in _rows(path) if r["FFT categorical answer"] in ("6", "7")]
    stored = [rows.get("FFT-" + r["Comment ID"]) for r in sixes]
    assert all(s is None or s["rating"] is None for s in stored)
    assert Counter(r["rating"] for r in rows.values())[None] == sum(s is not None for s in stored)
    # month-first dates (second part over 12) are read month-first and noted
    month_first = next(
        r
        for r in _rows(path)
        if int(r["Date"].split("/")[1]) > 12 and r["FFT answer"].strip() not in ("", "Did not answer")
    )
    m, d, y = (int(x) for x in month_first["Date"].split("/"))
    assert rows["FFT-" + month_first["Comment ID"]]["received_date"] == dt.date(y, m, d)
    notes = Counter(n.note.split(" (")[0].split(":")[0] for n in item.notes if n.column == "Date")
    assert notes["read month-first"] > 0 and notes["day and month both 12 or less"] > 0
    assert Counter(r["human_sentiment"] for r in rows.values()) == {1: 2416, 2: 1412, 4: 1368, 3: 717, 5: 257, None: 41}


def test_fft_without_a_mapping_names_the_row_and_the_unmapped_trust():
    path = require_shared_file("nhs_fft_comments_v6.csv")
    item, col = importer.prepare_file(path.name, path.read_bytes(), REFS, mapping=b"trust,contract_id\nNEAS,C8\n")
    assert item is None
    first = col.problems[0]
    assert (first.column, first.value) == ("Trust", "NHFT") and "mapping" in first.expected
    assert col.extra > 0  # every unmapped row counted, the first 50 listed


@pytest.fixture(scope="module")
def ae() -> Path:
    return require_shared_file("ae_attendances.csv")


def test_ae_rows_become_a_monthly_4_hour_kpi_with_exact_counts_and_values(ae: Path):
    item, col = importer.prepare_file(
        ae.name, ae.read_bytes(), REFS, mapping=b"org_code,contract_id,kpi_code\nRF4,C9,AE4H\n"
    )
    assert col.problems == []
    assert item.stats == {
        "rows read": 12765,
        "provider-months": 36,
        "rows of unmapped providers skipped": 12765 - 108,
        "unmapped providers": 273,
    }
    values = {r["month"]: r for r in item.tables["kpi_values"]}
    march = [r for r in _rows(ae) if r["org_code"] == "RF4" and r["period"] == "2017-03-01"]
    attendances = sum(int(r["attendances"]) for r in march)
    breaches = sum(int(r["breaches"]) for r in march)
    assert (attendances, breaches) == (24952, 2907)
    assert values[dt.date(2017, 3, 1)]["value"] == round(100 * (1 - breaches / attendances), 2) == 88.35
    assert "24,952 attendances, 2,907 over 4 hours" in values[dt.date(2017, 3, 1)]["note"]


def test_ae_department_types_can_be_chosen_and_mapping_errors_are_named(ae: Path):
    item, _ = importer.prepare_file(
        ae.name, ae.read_bytes(), REFS, mapping=b"org_code,contract_id,kpi_code,department_types\nRF4,C9,AE4H,1\n"
    )
    assert {r["month"]: r["value"] for r in item.tables["kpi_values"]}[dt.date(2017, 3, 1)] == round(
        100 * (1 - 2879 / 21289), 2
    )
    item, col = importer.prepare_file(
        ae.name, ae.read_bytes(), REFS, mapping=b"org_code,contract_id,kpi_code\nRF4,C9,AEN\n"
    )
    assert item is None
    assert (col.problems[0].file, col.problems[0].row, col.problems[0].column) == ("mapping", 2, "kpi_code")
    item, col = importer.prepare_file(ae.name, ae.read_bytes(), REFS)
    assert item is None and "--map" in col.problems[0].expected


@pytest.fixture
def nhs_db(fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture portfolio plus an urgent-care contract (2016-2019) and two patient-experience contracts."""
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    data = tmp_path / "base"
    shutil.copytree(fixture_dir, data)
    with (data / "contracts.csv").open("a", newline="", encoding="utf-8") as handle:
        for cid, title, start, end in [
            ("C7", "Community and mental health services", "2020-04-01", "2027-03-31"),
            ("C8", "Patient transport and 111", "2020-04-01", "2027-03-31"),
            ("C9", "Urgent care centre", "2016-04-01", "2019-03-31"),
        ]:
            row = [cid, title, "NHS Trust", "Mental health", "fee-for-service", "1000000", start, end]
            csv.writer(handle).writerow([*row, "A Manager", "Glenburn Council", "attendance"])
    with (data / "kpi_definitions.csv").open("a", newline="", encoding="utf-8") as handle:
        kpis = [
            ("C9", "AE4H", "% seen within 4 hours in A&E"),
            ("C8", "FFT1", "% positive"),
            ("C7", "FFT1", "% positive"),
        ]
        for cid, code, name in kpis:
            csv.writer(handle).writerow([cid, code, name, "output", "percent", "higher", "95", "5", "NO08", "monthly"])
    with (data / "kpi_values.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(
            ["C9", "AE4H", "2016-04-01", "", "", ""]
        )  # a missing return opens the period in 2016
    db = tmp_path / "data" / "warehouse.duckdb"
    from contract_monitor import warehouse

    warehouse.build(data, db)
    return db


def test_cli_imports_both_real_files_into_the_warehouse(nhs_db: Path, ae: Path, tmp_path: Path):
    fft_path = require_shared_file("nhs_fft_comments_v6.csv")
    ae_map = tmp_path / "ae_map.csv"
    ae_map.write_text("org_code,contract_id,kpi_code\nRF4,C9,AE4H\n")
    fft_map = tmp_path / "fft_map.csv"
    fft_map.write_bytes(FFT_MAP)
    env = {k: v for k, v in os.environ.items() if k != "CONTRACT_MONITOR_RECORDS_DB"}
    timings = {}
    for name, path, mapping in [("ae", ae, ae_map), ("fft", fft_path, fft_map)]:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "contract_monitor", "import", str(path), "--db", str(nhs_db), "--map", str(mapping)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        timings[name] = time.perf_counter() - started
        assert result.returncode == 0, result.stderr
    print(f"import times (s, including the rebuild): {timings}")
    [(value, rating, source)] = query(
        nhs_db, "select value, rating, source_file from kpi_status where contract_id = 'C9' and month = '2017-03-01'"
    )
    assert (value, rating, source) == (88.35, "Requires improvement", "ae_attendances.csv")
    assert query(nhs_db, "select count(*) from kpi_status where contract_id = 'C9' and is_return") == [(36,)]
    assert query(
        nhs_db, "select count(*), count(*) filter (where shareable_with_board) from feedback where contract_id = 'C8'"
    ) == [(3898, 0)]
    labelled = query(
        nhs_db,
        "select human_sentiment, topic_labels from stg_narrative_feedback where feedback_id = 'FFT-NEAS PTS 531 - Q1'",
    )
    assert labelled == [(1, "Positive experience & gratitude")]
    assert query(nhs_db, "select count(*) from import_notes where source_file = 'nhs_fft_comments_v6.csv'")[0][0] > 2000
    # not archived inside the project: beside the test database only
    assert (nhs_db.parent / "imports").is_dir()
