"""Monthly returns end to end: stored with provenance, idempotent, revisions, missing and late returns, summary."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from contract_monitor import models, presentation, warehouse
from contract_monitor.returns import importer, templates


def fingerprint(path: Path) -> dict[str, tuple]:
    """Row count and an order-independent checksum of every table in a DuckDB file (absent file: {})."""
    if not path.is_file():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*), sum(hash(x)) from "{s}"."{t}" as x').fetchone()
            for s, t in tables
        }
    finally:
        con.close()


@pytest.fixture
def db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the sample warehouse with an empty records store beside it."""
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    target = tmp_path / "data" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy(sample_db, target)
    return target


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = warehouse.connect(db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def kpi_file(lines: list[str], name: str = "c001_kpi_values.csv") -> tuple[str, bytes]:
    return name, ("contract_id,kpi_code,month,value,submitted_date,note\n" + "\n".join(lines) + "\n").encode()


def test_the_example_return_imports_into_the_sample_as_a_new_month_with_provenance(db: Path):
    example = templates.xlsx_bytes(example=True)
    result = importer.run([("november.xlsx", example)], db, by="Fiona Lennox")
    assert result.ok, result.report()
    assert result.counts["kpi_values"] == {"added": 17, "replaced": 0}
    assert result.counts["finance"]["added"] == 2 and result.counts["narrative_feedback"]["added"] == 3
    assert result.contracts == ["C001", "C003"]

    expected = {(r[0], r[1]): r[3] for r in templates.example_rows()["kpi_values"]}
    stored = query(db, "select contract_id, kpi_code, value from kpi_status where month = '2026-11-01' and is_return")
    assert {(c, k): v for c, k, v in stored} == expected
    assert query(db, "select max(month) from contract_month") == [(dt.date(2026, 11, 1),)]

    sha = hashlib.sha256(example).hexdigest()
    [prov] = query(
        db,
        "select source_file, source_sheet, source_row, source_sha256, imported_by, origin, revision "
        "from kpi_status where contract_id = 'C001' and kpi_code = 'OUT1' and month = '2026-11-01'",
    )
    row = 2 + [r[:2] for r in templates.example_rows()["kpi_values"]].index(["C001", "OUT1"])  # header is row 1
    assert prov == ("november.xlsx", "kpi_values", row, sha, "Fiona Lennox", "import", 1)
    # the contract page's KPI table says where the value came from; a board is not told who imported it
    con = duckdb.connect(str(db), read_only=True)
    try:
        [shown] = (
            con.execute(
                "select * from kpi_status where contract_id = 'C001' and kpi_code = 'OUT1' and month = '2026-11-01'"
            )
            .df()
            .to_dict("records")
        )
    finally:
        con.close()
    where = f"november.xlsx, sheet kpi_values row {row}, revision 1"
    assert presentation.source(shown) == f"{where}, imported by Fiona Lennox on {dt.datetime.now(dt.UTC):%d %B %Y}"
    assert presentation.source(shown, with_who=False) == where
    archived = db.parent / "imports" / sha / "november.xlsx"
    assert archived.read_bytes() == example
    [log] = query(
        db, "select source_file, imported_by, rows_stored, contracts, contract_months, archived_as from import_log"
    )
    assert log == ("november.xlsx", "Fiona Lennox", 30, "C001, C003", 2, str(archived))
    feedback = query(
        db,
        "select feedback_id, source_file, source_row, consent_to_share from feedback where feedback_id like 'IMP-%'",
    )
    assert (
        sorted(feedback)
        == [  # a comment sent without an id is named after its file's checksum and its row
            (f"IMP-{sha[:10]}-2", "november.xlsx", 2, True),
            (f"IMP-{sha[:10]}-3", "november.xlsx", 3, True),
            (f"IMP-{sha[:10]}-4", "november.xlsx", 4, False),
        ]
    )
    files = query(
        db, "select distinct source_file from experience_measure_month where month = '2026-11-01' and is_return"
    )
    assert files == [("november.xlsx",)]

    status = dict(query(db, "select contract_id, return_status from returns_status where month = '2026-11-01'"))
    assert status["C001"] == "received" and status["C003"] == "received"
    assert status["C002"] == "missing"  # other contracts' November returns have not arrived: shown, never imputed
    assert query(db, "select distinct rating from kpi_status where contract_id = 'C002' and month = '2026-11-01'") == [
        ("No return",)
    ]
    report = result.report()
    assert "Contracts affected: C001, C003" in report
    assert "C001 2026-11 KPI OUT1 % planned visits delivered: (month not yet reported) → Good" in report


def test_importing_the_same_file_twice_changes_nothing(db: Path):
    example = templates.xlsx_bytes(example=True)
    assert importer.run([("november.xlsx", example)], db, by="a").ok
    records = db.with_name("records.duckdb")
    before = (fingerprint(db), fingerprint(records), db.stat().st_mtime_ns)
    again = importer.run([("renamed copy.xlsx", example)], db, by="b")
    assert again.ok and again.files == [] and not again.rebuilt
    assert "already imported (as november.xlsx" in again.report() and "nothing changed" in again.report()
    assert (fingerprint(db), fingerprint(records), db.stat().st_mtime_ns) == before


def test_a_corrected_resubmission_replaces_the_values_and_keeps_the_history(db: Path):
    first = [f"C001,{k},2026-11,{v},2026-12-05," for k, v in [("OUT1", 99), ("OUT2", 95), ("OUT3", 1)]]
    assert importer.run([kpi_file(first)], db, by="provider").ok
    corrected = ["C001,OUT1,2026-11,80,2026-12-09,Corrected: visits double counted", "C001,OUT2,2026-11,95,2026-12-09,"]
    result = importer.run([kpi_file(corrected, "c001_kpi_values_v2.csv")], db, by="manager")
    assert result.ok, result.report()
    assert result.counts["kpi_values"] == {"added": 2, "replaced": 3}
    assert "C001 2026-11 KPI OUT1 % planned visits delivered: Good → Inadequate" in result.rating_changes
    # only ratings that changed are listed: OUT2 was resubmitted with the same value
    assert not any("KPI OUT2" in line for line in result.rating_changes)
    assert result.rating_change_count == len(result.rating_changes) > 0

    rows = dict(
        (k, (v, r, n, o))
        for k, v, r, n, o in query(
            db,
            "select kpi_code, value, rating, corrections, original_value from kpi_status "
            "where contract_id = 'C001' and month = '2026-11-01'",
        )
    )
    assert rows["OUT1"] == (80.0, "Inadequate", 1, 99.0)
    assert rows["OUT3"] == (None, "No return", 0, None)  # left out of the newest revision: no value, never imputed
    history = query(
        db,
        "select revision, source_file, imported_by, rows, is_current, rows_replaced from return_revisions "
        "where contract_id = 'C001' and month = '2026-11-01' and return_table = 'kpi_values' order by revision",
    )
    assert history == [
        (1, "c001_kpi_values.csv", "provider", 3, False, None),
        (2, "c001_kpi_values_v2.csv", "manager", 2, True, 3),
    ]
    [status] = query(
        db,
        "select return_status, latest_revision, last_source_file, last_imported_by from returns_status "
        "where contract_id = 'C001' and month = '2026-11-01'",
    )
    assert status == ("corrected", 2, "c001_kpi_values_v2.csv", "manager")


def test_a_later_file_for_the_same_month_is_the_next_revision_and_never_in_the_same_import(db: Path):
    first = kpi_file([f"C001,{k},2026-11,{v},2026-12-05," for k, v in [("OUT1", 99), ("OUT2", 95), ("OUT3", 1)]])
    other = kpi_file(["C003,OUT1,2026-11,90,2026-12-05,"], "c003_kpi_values.csv")
    later = kpi_file(["C001,OUT1,2026-11,80,2026-12-09,", "C001,OUT2,2026-11,95,2026-12-09,"], "c001_v2_kpi_values.csv")
    # in one import, the later file would silently replace the first: refused, naming both, nothing written
    together = importer.run([first, other, later], db, by="provider")
    [problem] = together.problems
    assert problem.file == "c001_v2_kpi_values.csv" and "c001_kpi_values.csv, row 2" in problem.expected
    assert not (db.parent / "records.duckdb").exists()
    result = importer.run([first, other], db, by="provider")
    assert result.ok, result.report()
    result = importer.run([later], db, by="provider")
    assert result.ok, result.report()
    assert result.counts["kpi_values"] == {"added": 2, "replaced": 3}
    history = query(
        db,
        "select contract_id, revision, source_file, rows, is_current, rows_replaced from return_revisions "
        "where month = '2026-11-01' and return_table = 'kpi_values' order by contract_id, revision",
    )
    assert history == [
        ("C001", 1, "c001_kpi_values.csv", 3, False, None),
        ("C001", 2, "c001_v2_kpi_values.csv", 2, True, 3),
        ("C003", 1, "c003_kpi_values.csv", 1, True, None),
    ]
    stored = query(
        db,
        "select r.source_file, r.source_row, r.value from rec.return_kpi_values as r "
        "inner join rec.return_imports as i using (source_sha256, source_file) order by 1, 2",
    )
    assert stored == [
        ("c001_kpi_values.csv", 2, 99.0),
        ("c001_kpi_values.csv", 3, 95.0),
        ("c001_kpi_values.csv", 4, 1.0),
        ("c001_v2_kpi_values.csv", 2, 80.0),
        ("c001_v2_kpi_values.csv", 3, 95.0),
        ("c003_kpi_values.csv", 2, 90.0),
    ]
    values = query(
        db,
        "select kpi_code, value from kpi_status where contract_id = 'C001' and month = '2026-11-01' "
        "and kpi_code in ('OUT1', 'OUT2', 'OUT3') order by 1",
    )
    assert values == [("OUT1", 80.0), ("OUT2", 95.0), ("OUT3", None)]  # OUT3 was left out of revision 2


def test_rows_checked_cell_by_cell_and_at_once_are_stored_together(db: Path):
    # the workbook's cells come typed and go cell by cell; the CSV is checked at once: one import, one insert
    workbook = ("november.xlsx", templates.xlsx_bytes(example=True))
    csv = kpi_file(["C018,OUT1,2026-11,97,2026-12-05,"], "c018_kpi_values.csv")
    result = importer.run([workbook, csv], db, by="t")
    assert result.ok, result.report()
    assert result.counts["kpi_values"] == {"added": 18, "replaced": 0}
    per_file = query(
        db,
        "select source_file, count(*), min(revision), max(revision), count(source_sheet) "
        "from rec.return_kpi_values group by 1 order by 1",
    )
    assert per_file == [("c018_kpi_values.csv", 1, 1, 1, 0), ("november.xlsx", 17, 1, 1, 17)]


def test_files_read_at_the_same_time_are_reported_in_the_order_given(db: Path, monkeypatch):
    import threading
    import time

    reading = importer.read_and_check
    finished: list[str] = []
    lock = threading.Lock()

    def slow_first(name, data, refs, later, **kw):
        if name.startswith("a_"):
            time.sleep(0.5)  # the first file takes longest: the second is read before it
        out = reading(name, data, refs, later, **kw)
        with lock:
            finished.append(name)
        return out

    monkeypatch.setattr(importer, "read_and_check", slow_first)
    monkeypatch.setattr(importer.settings, "IMPORT_VALIDATION_WORKERS", 2)
    files = [
        kpi_file(["C001,OUT1,2026-11,ninety,,"], "a_kpi_values.csv"),
        kpi_file(["C003,OUT1,2026-11,97,,"], "b_kpi_values.csv"),
        kpi_file(["C003,OUT9,2026-11,97,,"], "c_kpi_values.csv"),
    ]
    messages: list[str] = []
    result = importer.run(files, db, progress=messages.append, dry_run=True)
    assert finished.index("b_kpi_values.csv") < finished.index("a_kpi_values.csv")  # read at the same time
    assert [m.split(" (")[0].split(":")[0] for m in messages] == [
        "validating a_kpi_values.csv",
        "validating b_kpi_values.csv",
        "validating c_kpi_values.csv",
        "validated b_kpi_values.csv",
    ]
    assert messages[-1] == "validated b_kpi_values.csv: 1 row"
    assert [(p.file, p.row, p.column) for p in result.problems] == [
        ("a_kpi_values.csv", 2, "value"),
        ("c_kpi_values.csv", 2, "kpi_code"),
    ]


def test_a_missing_return_is_visible_and_a_late_one_is_marked_late(db: Path):
    assert query(
        db, "select return_status from returns_status where contract_id = 'C018' and month = '2026-10-01'"
    ) == [("missing",)]
    codes = [
        r[0] for r in query(db, "select kpi_code from kpi_status where contract_id = 'C018' and month = '2026-10-01'")
    ]
    lines = [f"C018,{code},2026-10,1,2026-12-20," for code in codes]
    assert importer.run([kpi_file(lines, "c018_kpi_values.csv")], db, by="t").ok
    [row] = query(
        db,
        "select return_status, days_late, due_date, kpis_returned, kpis_expected from returns_status "
        "where contract_id = 'C018' and month = '2026-10-01'",
    )
    assert row[0] == "late" and row[1] == 22 and str(row[2]) == "2026-11-28" and row[3] == row[4] == len(codes)
    # the base data's blank placeholder row gave way to the import: not counted as a correction
    assert query(
        db, "select distinct corrections from kpi_status where contract_id = 'C018' and month = '2026-10-01'"
    ) == [(0,)]


def test_a_dry_run_and_an_invalid_file_write_nothing(db: Path):
    records = db.with_name("records.duckdb")
    before = fingerprint(db)
    dry = importer.run([("november.xlsx", templates.xlsx_bytes(example=True))], db, dry_run=True)
    assert dry.ok and "Would import november.xlsx" in dry.report() and "kpi_values: 17 rows" in dry.report()
    good = kpi_file(["C001,OUT1,2026-11,97,,"])
    bad = kpi_file(["C001,OUT1,2026-11,ninety,,", "C001,OUT2,2026-11,N/A,,"], "bad_kpi_values.csv")
    result = importer.run([good, bad], db)
    assert not result.ok
    assert [(p.file, p.row, p.column) for p in result.problems] == [
        ("bad_kpi_values.csv", 2, "value"),
        ("bad_kpi_values.csv", 3, "value"),
    ]
    assert "nothing was loaded" in result.report()
    assert fingerprint(db) == before and not records.exists() and not (db.parent / "imports").exists()


def test_when_the_rebuild_fails_the_import_is_undone(db: Path, monkeypatch: pytest.MonkeyPatch):
    records = db.with_name("records.duckdb")
    assert importer.run([kpi_file(["C001,OUT1,2026-11,97,,"])], db).ok
    before = (fingerprint(db), fingerprint(records))

    # a data test fails, whether the warehouse is refreshed in place or rebuilt
    monkeypatch.setattr(models, "run_checks", lambda con, **_kw: {"injected_check": [("bad row",)]})
    result = importer.run([kpi_file(["C001,OUT1,2026-11,50,,"], "v2_kpi_values.csv")], db)
    assert not result.ok and "undone" in result.error
    assert (fingerprint(db), fingerprint(records)) == before


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CONTRACT_MONITOR_RECORDS_DB"}
    return subprocess.run(
        [sys.executable, "-m", "contract_monitor", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_cli_template_and_import_of_csv_files(db: Path, tmp_path: Path):
    made = _cli("template", "--example", str(tmp_path / "nov.csv"))
    assert made.returncode == 0, made.stderr
    files = sorted(tmp_path.glob("nov_*.csv"))
    assert [f.name for f in files] == [
        "nov_experience_measures.csv",
        "nov_finance.csv",
        "nov_kpi_values.csv",
        "nov_narrative_feedback.csv",
    ]
    result = _cli("import", *map(str, files), "--db", str(db), "--by", "cli test")
    assert result.returncode == 0, result.stderr
    assert "kpi_values 17 added, 0 replaced" in result.stdout and "Contracts affected: C001, C003" in result.stdout
    assert query(db, "select count(*) from import_log where imported_by = 'cli test'") == [(4,)]

    bad = tmp_path / "bad_finance.csv"
    bad.write_text("contract_id,month,spend_gbp\nC001,2026-12,lots\n")
    failed = _cli("import", str(bad), "--db", str(db))
    assert failed.returncode == 1
    assert "bad_finance.csv, row 2, column 'spend_gbp': got 'lots', expected a number" in failed.stderr
    assert _cli("template", str(tmp_path / "x.txt")).returncode == 2


def test_normalised_values_keep_a_note_with_file_row_and_column(db: Path):
    lines = ['C001,OUT3,2026-11,"1,234",2026-12-05,', "C001,OUT1,2026-11,97%,2026-12-05,"]
    result = importer.run([kpi_file(lines)], db, by="t")
    assert result.ok and "2 value(s) normalised with a recorded note" in result.report()
    notes = query(
        db, "select source_file, source_row, column_name, original, stored, note from import_notes order by 2"
    )
    assert notes == [
        ("c001_kpi_values.csv", 2, "value", "1,234", "1234.0", "thousands separators removed"),
        ("c001_kpi_values.csv", 3, "value", "97%", "97.0", "% sign removed (the KPI's unit is percent)"),
    ]
    assert query(db, "select count(*) from stg_return_notes") == [(2,)]
    assert query(db, "select values_normalised, rows_stored from stg_return_imports") == [(2, 2)]
    rows = query(db, "select return_table, item, revision, source_row from stg_return_rows order by source_row")
    assert rows == [("kpi_values", "OUT3", 1, 2), ("kpi_values", "OUT1", 1, 3)]


def test_rating_changes_are_all_counted_and_the_first_ones_listed_in_order(db: Path, monkeypatch):
    monkeypatch.setattr(importer, "LISTED_RATING_CHANGES", 3)
    result = importer.run([("november.xlsx", templates.xlsx_bytes(example=True))], db, by="a")
    assert result.ok, result.report()
    assert result.rating_change_count > 3 and len(result.rating_changes) == 3
    assert result.rating_changes == sorted(result.rating_changes)
    assert f"Ratings changed ({result.rating_change_count:,}):" in result.report()
    assert f"... and {result.rating_change_count - 40:,} more" in result.report() or result.rating_change_count <= 40
