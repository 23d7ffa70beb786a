"""What people record (the records store) survives rebuilds and reaches the warehouse as rec.* tables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from fixture_data import FEEDBACK

from contract_monitor import records, settings, warehouse


@pytest.fixture
def ddl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "records_ddl"
    folder.mkdir()
    for path in settings.RECORDS_DDL_DIR.glob("*.sql"):  # the product's own record tables, which staging reads
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.sql").write_text("create table if not exists notes (note_id integer, body varchar)")
    monkeypatch.setattr(settings, "RECORDS_DDL_DIR", folder)
    return folder


def test_records_are_copied_into_every_build(ddl, fixture_dir: Path, tmp_path: Path):
    store = tmp_path / "records.duckdb"
    with records.connect(store) as con:
        con.execute("insert into notes values (1, 'agreed an improvement plan')")
    db = tmp_path / "warehouse.duckdb"
    for _ in range(2):  # a rebuild keeps what was recorded
        warehouse.build(fixture_dir, db, records_path=store)
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("select * from rec.notes").fetchall() == [(1, "agreed an improvement plan")]
        con.close()


def test_records_are_copied_from_a_store_in_a_folder_whose_name_has_an_apostrophe(
    ddl, fixture_dir: Path, tmp_path: Path
):
    folder = tmp_path / "O'Neill's returns"
    folder.mkdir()
    store = folder / "records.duckdb"
    with records.connect(store) as con:
        con.execute("insert into notes values (1, 'agreed an improvement plan')")
    db = folder / "warehouse.duckdb"
    warehouse.build(fixture_dir, db, records_path=store)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select * from rec.notes").fetchall() == [(1, "agreed an improvement plan")]
    con.close()


def test_a_build_without_a_records_store_has_empty_record_tables(ddl, fixture_dir: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    warehouse.build(fixture_dir, db, records_path=tmp_path / "absent.duckdb")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from rec.notes").fetchone()[0] == 0
    assert not (tmp_path / "absent.duckdb").exists()


def test_records_store_of_a_warehouse_given_defaults_to_beside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    assert settings.records_db_path(tmp_path / "w.duckdb") == tmp_path / "records.duckdb"
    monkeypatch.setenv("CONTRACT_MONITOR_RECORDS_DB", str(tmp_path / "elsewhere.duckdb"))
    assert settings.records_db_path(tmp_path / "w.duckdb") == tmp_path / "elsewhere.duckdb"


def test_enrichment_steps_run_between_staging_and_the_views_that_read_them(
    fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seen = []

    def count_comments(con, progress):
        seen.append(con.execute("select count(*) from stg_narrative_feedback").fetchone()[0])
        con.execute("create table enriched.comment_count as select count(*) as n from stg_narrative_feedback")

    # keep the registered steps (views read enriched.comment_tags) and add one that records what it saw
    monkeypatch.setattr(warehouse, "ENRICHMENTS", [*warehouse.ENRICHMENTS, count_comments])
    db = tmp_path / "warehouse.duckdb"
    warehouse.build(fixture_dir, db, records_path=tmp_path / "none.duckdb")
    con = duckdb.connect(str(db), read_only=True)
    assert seen == [len(FEEDBACK)]
    assert con.execute("select n from enriched.comment_count").fetchone()[0] == len(FEEDBACK)
