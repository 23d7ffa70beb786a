"""`contract-monitor build` swaps in a complete database or leaves the old one untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from contract_monitor import warehouse


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "contract_monitor", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def _fingerprint(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name='main'").fetchall()
        ]
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables if t != "build_info"}
    finally:
        con.close()


def test_cli_build_creates_a_database_that_opens(fixture_dir: Path, tmp_path: Path):
    db = tmp_path / "wh.duckdb"
    result = _cli("build", "--data", str(fixture_dir), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "built mart portfolio_overview" in result.stdout
    assert _fingerprint(db)["portfolio_overview"] == 3


def test_database_path_comes_from_the_environment(fixture_dir: Path, tmp_path: Path):
    db = tmp_path / "from_env.duckdb"
    result = _cli("build", "--data", str(fixture_dir), env={"CONTRACT_MONITOR_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.is_file()


def test_malformed_csv_fails_with_file_row_column_and_keeps_the_old_database(fixture_dir: Path, tmp_path: Path):
    db = tmp_path / "wh.duckdb"
    warehouse.build(fixture_dir, db)
    before = _fingerprint(db)

    bad = tmp_path / "bad"
    shutil.copytree(fixture_dir, bad)
    text = (bad / "kpi_values.csv").read_text().replace("C1,K1,2025-03-01,90,", "C1,K1,2025-03-01,ninety,")
    (bad / "kpi_values.csv").write_text(text)

    result = _cli("build", "--data", str(bad), "--db", str(db))
    assert result.returncode == 1
    assert "kpi_values.csv, row 5, column 'value': got 'ninety', expected a number" in result.stderr
    assert "previous database is unchanged" in result.stderr
    assert _fingerprint(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("wh.duckdb")) == ["wh.duckdb"]


def test_failed_data_test_fails_the_build_and_names_the_check(fixture_dir: Path, tmp_path: Path):
    bad = tmp_path / "bad"
    shutil.copytree(fixture_dir, bad)
    rules = (
        (bad / "rating_rules.csv")
        .read_text()
        .replace(
            'kpi,"shortfall from target, in tolerances (0 = target met)",lower,0,1,2',
            'kpi,"shortfall from target, in tolerances (0 = target met)",lower,0,3,2',
        )
    )
    (bad / "rating_rules.csv").write_text(rules)
    db = tmp_path / "wh.duckdb"
    with pytest.raises(warehouse.BuildError, match="rating_rule_thresholds_are_ordered"):
        warehouse.build(bad, db)
    assert not db.exists()


def test_rebuild_replaces_the_database_with_new_data(fixture_dir: Path, tmp_path: Path):
    db = tmp_path / "wh.duckdb"
    warehouse.build(fixture_dir, db)
    changed = tmp_path / "changed"
    shutil.copytree(fixture_dir, changed)
    lines = (changed / "kpi_values.csv").read_text().splitlines()
    (changed / "kpi_values.csv").write_text("\n".join(line for line in lines if not line.startswith("C3,")) + "\n")
    warehouse.build(changed, db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from kpi_status where contract_id='C3' and is_return").fetchone()[0] == 0


def test_connect_explains_how_to_build_when_the_file_is_absent(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="contract-monitor build"):
        warehouse.connect(tmp_path / "none.duckdb")
