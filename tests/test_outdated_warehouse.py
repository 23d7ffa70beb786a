"""A warehouse built by another version of the SQL or tagger: `make run` rebuilds it first
(`contract-monitor build --if-outdated`), and a page started another way says so instead of failing
on a column the old marts lack."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import open_page

from contract_monitor import cli, warehouse

PAGES = (
    "dashboards/portfolio.py",
    "dashboards/contract.py",
    "dashboards/voices.py",
    "dashboards/voices_approvals.py",
    "dashboards/data_import.py",
)


def _built_by_an_earlier_version(db: Path) -> None:
    """What an update leaves: the warehouse's fingerprint is not this version's (a mart lacks a column)."""
    con = duckdb.connect(str(db))
    try:
        con.execute("update build_info set models_fingerprint = 'an earlier version'")
        con.execute("alter table month_changes drop column note")
    finally:
        con.close()


def _fingerprint_and_contracts(db: Path) -> tuple[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        (fingerprint,) = con.execute("select models_fingerprint from build_info").fetchone()
        (contracts,) = con.execute("select count(*) from portfolio_overview").fetchone()
    finally:
        con.close()
    return fingerprint, contracts


def test_build_if_outdated_builds_a_missing_database_and_leaves_a_current_one_alone(
    fixture_dir: Path, tmp_path: Path, capsys
):
    db = tmp_path / "warehouse.duckdb"
    assert cli.main(["build", "--data", str(fixture_dir), "--db", str(db), "--if-outdated"]) == 0
    assert db.is_file() and warehouse.outdated(db) is None
    built = db.stat().st_mtime_ns
    capsys.readouterr()
    assert cli.main(["build", "--db", str(db), "--if-outdated"]) == 0
    assert "is up to date with this version; not rebuilt" in capsys.readouterr().out
    assert db.stat().st_mtime_ns == built


def test_a_warehouse_built_by_another_version_is_rebuilt_from_its_own_data_folder(
    fixture_db: Path, tmp_path: Path, capsys
):
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_db, db)
    _built_by_an_earlier_version(db)
    assert "different version of Contract Monitor's SQL models" in warehouse.outdated(db)
    # no --data: the folder it was built from (the three-contract fixture), not sample_data
    assert cli.main(["build", "--db", str(db), "--if-outdated"]) == 0
    out = capsys.readouterr().out
    assert f"rebuilding {db} from {warehouse.built_from(db)}" in out
    assert _fingerprint_and_contracts(db) == (warehouse.models_fingerprint(), 3)
    assert warehouse.outdated(db) is None


@pytest.mark.parametrize("page", PAGES)
def test_a_page_on_an_outdated_warehouse_says_how_to_rebuild_instead_of_failing(
    page: str, fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_db, db)
    _built_by_an_earlier_version(db)
    monkeypatch.setenv("CONTRACT_MONITOR_DB", str(db))
    at = open_page(page)
    assert not at.exception
    [warning] = [w.value for w in at.warning if "cannot be shown yet" in w.value]
    assert "`make run`" in warning and "--if-outdated" in warning
    assert not at.dataframe  # nothing from the old marts is shown

    assert cli.main(["build", "--db", str(db), "--if-outdated"]) == 0
    at = open_page(page)
    assert not at.exception
    assert not [w for w in at.warning if "cannot be shown yet" in w.value]
