"""A rebuild after an import or a decision copies the raw tables when the CSV files are unchanged,
and loads (and validates) the CSV files again as soon as any of them changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from contract_monitor import loader, warehouse


@pytest.fixture
def built(fixture_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(fixture_dir, data)
    db = tmp_path / "w.duckdb"
    warehouse.build(data, db, records_path=tmp_path / "records.duckdb")
    return data, db


def _rebuild(db: Path) -> list[str]:
    """A full rebuild as ``rebuild_current`` does when it cannot refresh in place."""
    messages: list[str] = []
    data = warehouse.built_from(db)
    warehouse.build(
        data, db, records_path=db.with_name("records.duckdb"), progress=messages.append, reuse_unchanged_data=True
    )
    return messages


def _rows(db: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"select * from {table} order by all").fetchall()
    finally:
        con.close()


def test_unchanged_csv_files_are_copied_not_reloaded_and_give_the_same_warehouse(built):
    data, db = built
    before = {t: _rows(db, t) for t in ("raw.kpi_values", "raw.narrative_feedback", "kpi_status", "portfolio_overview")}
    messages = _rebuild(db)
    assert any(m.startswith("copied ") and "are unchanged" in m for m in messages)
    assert not any(m.startswith("loading CSV files") for m in messages)
    assert {t: _rows(db, t) for t in before} == before


def test_an_edited_csv_file_is_loaded_again_and_reaches_the_marts(built):
    data, db = built
    path = data / "kpi_values.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[header.index("note")] = "edited after the build"
    path.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n")
    messages = _rebuild(db)
    assert any(m.startswith("loading CSV files") for m in messages)
    assert ("edited after the build",) in [(r[0],) for r in _rows(db, "(select note from raw.kpi_values)")]


def test_a_broken_csv_is_caught_on_rebuild_even_though_the_last_build_was_good(built):
    data, db = built
    path = data / "kpi_values.csv"
    path.write_text(path.read_text().replace("\n", "\nC1,K1,2025-13,ninety,,\n", 1))
    stat = db.stat()
    with pytest.raises(loader.LoadError, match=r"kpi_values.csv, row 2"):
        _rebuild(db)
    assert db.stat().st_mtime_ns == stat.st_mtime_ns  # the old warehouse is untouched


def test_a_file_touched_without_changes_is_reloaded(built):
    data, db = built
    path = data / "contracts.csv"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert any(m.startswith("loading CSV files") for m in _rebuild(db))


def test_a_warehouse_from_before_signatures_is_reloaded(built):
    data, db = built
    con = duckdb.connect(str(db))
    con.execute("alter table build_info drop column data_signature")
    con.close()
    assert any(m.startswith("loading CSV files") for m in _rebuild(db))
