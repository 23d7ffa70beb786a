"""The loader keeps each file's rows in file order without sorting them again, and still names every
duplicate key when it skips the duplicate search for files that have none."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from contract_monitor import loader
from contract_monitor.schema import TABLES


@pytest.fixture
def data(fixture_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(fixture_dir, out)
    return out


def test_raw_tables_are_stored_in_file_order(data: Path):
    con = duckdb.connect()
    loader.load_directory(con, data)
    for table in TABLES:
        rows = con.execute(f"select source_row from raw.{table.name} order by rowid").fetchall()
        assert rows, table.name
        assert [r[0] for r in rows] == list(range(2, len(rows) + 2)), table.name


def test_every_duplicate_key_is_named_with_the_row_it_repeats(data: Path):
    path = data / "kpi_values.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    first, third = list(rows[1]), list(rows[3])
    rows += [first, third, first]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    n = len(rows)  # spreadsheet row numbers: the appended rows are n - 2, n - 1 and n
    with pytest.raises(loader.LoadError) as caught:
        loader.load_directory(duckdb.connect(), data)
    found = [(p.row, p.column, p.expected) for p in caught.value.problems]
    label = "contract_id + kpi_code + month + submitted_date"
    assert found == [
        (n - 2, label, f"no duplicate of row 2 ({label} must be unique)"),
        (n - 1, label, f"no duplicate of row 4 ({label} must be unique)"),
        (n, label, f"no duplicate of row 2 ({label} must be unique)"),
    ]


def test_every_row_keeps_its_spreadsheet_row_number_in_a_file_read_in_parallel(tmp_path: Path):
    """A row's number comes from its position in the staged table: right only if the parallel CSV read
    keeps file order. 800,000 rows (about 40 MB, several of DuckDB's read buffers), each carrying its own
    row number; every 1,000th note spans two lines, so rows and lines part company."""
    (table,) = [t for t in TABLES if t.name == "kpi_values"]
    n = 800_000
    lines = ["contract_id,kpi_code,month,value,submitted_date,note"]
    for i in range(n):
        note = f'"row {i + 2}\nsecond line"' if i % 1000 == 999 else f"row {i + 2}"
        lines.append(f"C{i // 8:06d},K{i % 8},2026-01-01,{i + 2},2026-02-03,{note}")
    (tmp_path / table.filename).write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = duckdb.connect()
    loader.load_directory(con, tmp_path, tables=(table,))
    assert (tmp_path / table.filename).stat().st_size > 32 * 2**20
    wrong = con.execute(
        "select count(*) filter (where source_row <> value),"
        " count(*) filter (where note not like 'row ' || source_row || '%'), count(*) from raw.kpi_values"
    ).fetchone()
    assert wrong == (0, 0, n)
