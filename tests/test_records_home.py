"""What people record lives apart from what a build recreates: its own folder, moved there from the
old place, backed up by one command, and never removed by `make clean`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from contract_monitor import cli, records, settings
from contract_monitor.returns import importer


def test_the_default_warehouses_records_have_a_folder_of_their_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    monkeypatch.delenv("CONTRACT_MONITOR_DB", raising=False)
    assert settings.records_db_path() == settings.PROJECT_ROOT / "records" / "records.duckdb"
    assert settings.records_db_path().parent != settings.db_path().parent
    # a warehouse put elsewhere keeps its records with it, unless the setting says otherwise
    assert settings.records_db_path(tmp_path / "w.duckdb") == tmp_path / "records.duckdb"
    monkeypatch.setenv("CONTRACT_MONITOR_RECORDS_DB", str(tmp_path / "kept" / "r.duckdb"))
    assert settings.records_db_path() == tmp_path / "kept" / "r.duckdb"
    assert settings.imports_archive_dir(settings.records_db_path()) == tmp_path / "kept" / "imports"


def test_make_clean_removes_the_warehouse_and_the_venv_but_never_the_records(tmp_path: Path):
    project = tmp_path / "checkout"
    project.mkdir()
    shutil.copy(settings.PROJECT_ROOT / "Makefile", project / "Makefile")
    kept = ["records/records.duckdb", "records/imports/ab12/november.xlsx", "data/records.duckdb", "data/imports/x.csv"]
    gone = [
        "data/warehouse.duckdb",
        "data/warehouse.duckdb.wal",
        "data/warehouse.duckdb.building-123",
        ".venv/bin/python",
        "artifacts/bench/s.json",
    ]
    for name in kept + gone:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("x")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTRACT_MONITOR")}
    subprocess.run(["make", "-C", str(project), "clean"], check=True, env=env, capture_output=True)
    assert [n for n in kept if not (project / n).exists()] == []
    assert [n for n in gone if (project / n).exists()] == []


def _store_with_an_import(path: Path, archived_as: Path) -> None:
    with records.connect(path) as con:
        con.execute(
            "insert into return_imports by name select 'abc' as source_sha256, 'nov.csv' as source_file,"
            " ? as archived_as, 'return' as file_format, now()::timestamp as imported_at, 'me' as imported_by,"
            " 1 as rows_stored, '' as summary",
            [str(archived_as)],
        )


def test_a_records_store_left_in_data_moves_to_its_folder_with_its_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    monkeypatch.delenv("CONTRACT_MONITOR_DB", raising=False)
    old, new = tmp_path / "data" / "records.duckdb", tmp_path / "records" / "records.duckdb"
    monkeypatch.setattr(settings, "LEGACY_RECORDS_DB", old)
    monkeypatch.setattr(settings, "DEFAULT_RECORDS_DB", new)
    archived = tmp_path / "data" / "imports" / "abc" / "nov.csv"
    archived.parent.mkdir(parents=True)
    archived.write_text("contract_id\n")
    _store_with_an_import(old, archived)

    assert records.move_legacy_default() == new
    assert not old.exists() and new.is_file()
    moved = tmp_path / "records" / "imports" / "abc" / "nov.csv"
    assert moved.read_text() == "contract_id\n"
    con = duckdb.connect(str(new), read_only=True)
    assert con.execute("select archived_as from return_imports").fetchall() == [(str(moved),)]
    con.close()
    assert records.move_legacy_default() is None  # once only: nothing is left to move


def test_backup_copies_the_store_and_its_archive_into_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    store = tmp_path / "live" / "records.duckdb"
    archived = tmp_path / "live" / "imports" / "abc" / "nov.csv"
    archived.parent.mkdir(parents=True)
    archived.write_text("contract_id\n")
    _store_with_an_import(store, archived)
    monkeypatch.setenv("CONTRACT_MONITOR_RECORDS_DB", str(store))
    assert cli.main(["backup", str(tmp_path / "backup")]) == 0
    assert (tmp_path / "backup" / "imports" / "abc" / "nov.csv").read_text() == "contract_id\n"
    con = duckdb.connect(str(tmp_path / "backup" / "records.duckdb"), read_only=True)
    assert con.execute("select source_file from return_imports").fetchall() == [("nov.csv",)]
    con.close()
    assert "copied" in capsys.readouterr().out


def test_an_import_archives_its_file_beside_the_records_store_not_the_warehouse(sample_db: Path, tmp_path: Path):
    db = tmp_path / "derived" / "warehouse.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db, db)
    store = tmp_path / "kept" / "records.duckdb"
    name, data = "c001_kpi_values.csv", b"contract_id,kpi_code,month,value\nC001,OUT1,2026-11,80\n"
    result = importer.run([(name, data)], db, records_path=store)
    assert result.ok, result.report()
    assert list((tmp_path / "kept" / "imports").glob(f"*/{name}"))
    assert not (db.parent / "imports").exists()
