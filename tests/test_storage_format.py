"""The DuckDB files the project creates are in the pinned DuckDB's storage format; older files still work."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from contract_monitor import loader, records, settings, storage, warehouse

PINNED = f"{settings.DUCKDB_STORAGE_VERSION}+"
OLD = "v1.0.0"  # what DuckDB writes a new file in unless told otherwise (readable by DuckDB 0.10)


def _version(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return storage.version(con)
    finally:
        con.close()


def _old_file(path: Path) -> None:
    con = duckdb.connect()
    con.execute(f"attach {loader.quote_literal(str(path))} as old_file (storage_version '{OLD}')")
    con.execute("detach old_file")
    con.close()


def test_a_build_writes_the_warehouse_in_the_pinned_format_with_its_text_compression(fixture_db: Path):
    assert _version(fixture_db) == PINNED
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        methods = {
            row[0]
            for row in con.execute(
                "select distinct compression from pragma_storage_info('feedback') where segment_type = 'VARCHAR'"
            ).fetchall()
        }
    finally:
        con.close()
    # dictionary and FSST together is a method of the newer format only; the old one has them apart
    assert "DICT_FSST" in methods, methods
    assert not methods & {"FSST", "Dictionary"}, methods


def test_a_new_records_store_is_created_in_the_pinned_format(tmp_path: Path):
    store = tmp_path / "records.duckdb"
    with records.connect(store):
        pass
    assert _version(store) == PINNED


def test_a_records_store_in_the_old_format_is_kept_and_written_as_it_is(tmp_path: Path):
    store = tmp_path / "records.duckdb"
    _old_file(store)
    with records.connect(store) as con:  # creates the record tables in the existing file
        tables = con.execute("select count(*) from duckdb_tables() where database_name = current_database()")
        assert tables.fetchone()[0] > 0
    assert _version(store) == f"{OLD}+"


def test_a_rebuild_moves_an_old_format_warehouse_to_the_pinned_one(
    fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setattr(settings, "DUCKDB_STORAGE_VERSION", OLD)
    warehouse.build(fixture_dir, db)
    assert _version(db) == f"{OLD}+"  # a warehouse as an earlier version of the project left it
    monkeypatch.undo()
    warehouse.build(fixture_dir, db)
    assert _version(db) == PINNED
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from portfolio_overview").fetchone()[0] > 0
    con.close()


def test_create_leaves_an_existing_file_alone(tmp_path: Path):
    path = tmp_path / "kept.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table kept as select 42 as answer")
    con.close()
    storage.create(path)
    assert _version(path) == f"{OLD}+"
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select answer from kept").fetchone() == (42,)
    con.close()
