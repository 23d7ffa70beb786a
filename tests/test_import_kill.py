"""A killed import leaves the records store and the warehouse as they were (subprocess, SIGKILL)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_import_load import fingerprint, query

from contract_monitor.returns import importer, store, templates

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")


@pytest.fixture
def db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    target = tmp_path / "data" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy(sample_db, target)
    assert importer.run([("november.xlsx", templates.xlsx_bytes(example=True))], target, by="first").ok
    return target


def _import_and_kill_at(point: str, db: Path, file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CONTRACT_MONITOR_RECORDS_DB"}
    env[store.PAUSE_ENV] = point
    child = subprocess.Popen(
        [sys.executable, "-m", "contract_monitor", "import", str(file), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    seen = []
    try:
        for line in child.stdout:
            seen.append(line)
            if line.startswith(f"paused at {point}"):
                break
        else:
            pytest.fail("the import ended before reaching the pause point:\n" + "".join(seen))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def _correction(tmp_path: Path) -> Path:
    path = tmp_path / "c001_kpi_values_corrected.csv"
    path.write_text("contract_id,kpi_code,month,value,submitted_date,note\nC001,OUT1,2026-11,50,2026-12-09,corrected\n")
    return path


def _nov_out1(db: Path) -> list[tuple]:
    return query(
        db,
        "select value, corrections from kpi_status where contract_id='C001' and kpi_code='OUT1' and month='2026-11-01'",
    )


def test_killed_before_commit_leaves_both_files_as_they_were(db: Path, tmp_path: Path):
    records = db.with_name("records.duckdb")
    before = (fingerprint(db), fingerprint(records))
    previous = _nov_out1(db)
    _import_and_kill_at("before-commit", db, _correction(tmp_path))
    assert (fingerprint(db), fingerprint(records)) == before
    assert _nov_out1(db) == previous == [(100.0, 0)]


def _spanning_two_years(tmp_path: Path) -> Path:
    """The correction plus a June 2025 value: more months than a refresh by month takes, so the refresh
    builds its tables beside the ones in use and swaps them in at the end."""
    path = tmp_path / "c001_kpi_values_two_years.csv"
    path.write_text(_correction(tmp_path).read_text() + "C001,OUT1,2025-06,97,2025-07-09,corrected\n")
    return path


@pytest.mark.parametrize("refresh_kind", ["by month", "built beside"])
def test_killed_during_the_rebuild_keeps_the_old_warehouse_and_the_next_import_catches_up(
    db: Path, tmp_path: Path, refresh_kind: str
):
    before = fingerprint(db)
    file = _correction(tmp_path) if refresh_kind == "by month" else _spanning_two_years(tmp_path)
    _import_and_kill_at("before-swap", db, file)
    # every table readers use is as it was: a refresh by month writes in one transaction, which the
    # kill never committed; a refresh built beside names its tables ...__refresh and swaps them in only
    # in its last transaction, which the kill never reached
    assert _in_use(fingerprint(db)) == before
    assert any(name.endswith("__refresh") for name in fingerprint(db)) == (refresh_kind == "built beside")
    assert _nov_out1(db) == [(100.0, 0)]
    # the records store committed the file; importing it again rebuilds the warehouse to match
    again = importer.run([(str(file), file.read_bytes())], db)
    assert again.ok and again.rebuilt and "already imported" in again.report()
    assert "rebuilt to catch up" in again.report()
    assert _nov_out1(db) == [(50.0, 1)]
    assert not list(db.parent.glob("warehouse.duckdb.building-*"))  # the killed build's half-written file is gone
    assert _in_use(fingerprint(db)) == fingerprint(db)  # and so are the killed refresh's tables


def _in_use(tables: dict[str, tuple]) -> dict[str, tuple]:
    return {name: content for name, content in tables.items() if not name.endswith("__refresh")}
