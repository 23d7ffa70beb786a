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
