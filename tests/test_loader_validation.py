"""Bad input is rejected before anything is written, with file, row, column, value and expectation."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from contract_monitor import loader


@pytest.fixture
def data(fixture_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(fixture_dir, out)
    return out


def _rewrite(path: Path, edit) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _problems(data: Path) -> list[loader.Problem]:
    con = duckdb.connect()
    with pytest.raises(loader.LoadError) as caught:
        loader.load_directory(con, data)
    return caught.value.problems


def test_valid_files_load_every_row(data: Path):
    con = duckdb.connect()
    counts = loader.load_directory(con, data)
    assert counts["kpi_values"] == 19
    assert con.execute("select count(*) from raw.kpi_values where value is null").fetchone()[0] == 1


def test_loaded_rows_remember_their_source_file_and_row(data: Path):
    con = duckdb.connect()
    loader.load_directory(con, data)
    row = con.execute(
        "select source_file, source_row from raw.kpi_values where contract_id='C1' and kpi_code='K2' "
        "and month='2025-03-01'"
    ).fetchone()
    assert row == ("kpi_values.csv", 9)  # header is row 1, so the 8th data line is row 9


def test_a_bad_number_is_named_by_file_row_column_and_value(data: Path):
    _rewrite(data / "kpi_values.csv", lambda rows: rows[3].__setitem__(3, "12%"))
    [problem] = _problems(data)
    assert problem.file.endswith("kpi_values.csv")
    assert (problem.row, problem.column, problem.value) == (4, "value", "12%")
    assert "a number" in problem.expected
    assert "kpi_values.csv, row 4, column 'value': got '12%', expected a number" in str(problem)


def test_every_problem_in_every_file_is_reported_at_once(data: Path):
    _rewrite(
        data / "kpi_values.csv", lambda rows: (rows[2].__setitem__(2, "2025-13-01"), rows[5].__setitem__(3, "n/a"))
    )
    _rewrite(data / "finance.csv", lambda rows: rows[1].__setitem__(2, "-5"))
    problems = _problems(data)
    found = {(Path(p.file).name, p.row, p.column) for p in problems}
    assert found == {("kpi_values.csv", 3, "month"), ("kpi_values.csv", 6, "value"), ("finance.csv", 2, "spend_gbp")}


def test_month_must_be_the_first_day_of_a_month(data: Path):
    _rewrite(data / "finance.csv", lambda rows: rows[1].__setitem__(1, "2025-01-15"))
    [problem] = _problems(data)
    assert problem.column == "month" and "YYYY-MM-01" in problem.expected


def test_choice_columns_list_the_allowed_values(data: Path):
    _rewrite(data / "contracts.csv", lambda rows: rows[1].__setitem__(4, "payment by results"))
    [problem] = _problems(data)
    assert problem.column == "contracting_model" and "outcomes-based" in problem.expected


def test_required_value_left_blank(data: Path):
    _rewrite(data / "narrative_feedback.csv", lambda rows: rows[2].__setitem__(4, "  "))
    [problem] = _problems(data)
    assert (problem.row, problem.column) == (3, "text") and "required" in problem.expected


def test_missing_and_unknown_columns_are_named(data: Path):
    def edit(rows):
        rows[0][3] = "valeu"

    _rewrite(data / "kpi_values.csv", edit)
    problems = _problems(data)
    assert {(p.row, p.column) for p in problems} == {(1, "valeu"), (1, "value")}


def test_empty_file_asks_for_a_header(data: Path):
    (data / "finance.csv").write_text("")
    [problem] = _problems(data)
    assert problem.file.endswith("finance.csv") and "header" in problem.expected


def test_missing_file_is_named(data: Path):
    (data / "relationship_pulse.csv").unlink()
    [problem] = _problems(data)
    assert "relationship_pulse.csv" in problem.expected


def test_non_utf8_file_is_rejected_with_its_name(data: Path):
    path = data / "contracts.csv"
    path.write_bytes(path.read_bytes().replace(b"Kindly", "Kïndly".encode("latin-1")))
    [problem] = _problems(data)
    assert problem.file.endswith("contracts.csv") and "UTF-8" in problem.expected


def test_a_row_with_too_few_fields_is_named(data: Path):
    path = data / "finance.csv"
    lines = path.read_text().splitlines()
    lines[2] = "C1,2025-02-01,100000"
    path.write_text("\n".join(lines) + "\n")
    problems = _problems(data)
    assert problems[0].row == 3 and "well-formed" in problems[0].expected


def test_unknown_contract_is_rejected(data: Path):
    _rewrite(data / "finance.csv", lambda rows: rows[1].__setitem__(0, "C99"))
    [problem] = _problems(data)
    assert (problem.row, problem.column, problem.value) == (2, "contract_id", "C99")
    assert "contracts.csv" in problem.expected


def test_unknown_kpi_for_a_contract_is_rejected(data: Path):
    _rewrite(data / "kpi_values.csv", lambda rows: rows[1].__setitem__(1, "K9"))
    [problem] = _problems(data)
    assert problem.column == "contract_id + kpi_code" and problem.value == "C1 / K9"


def test_duplicate_key_points_at_the_first_row(data: Path):
    _rewrite(data / "finance.csv", lambda rows: rows.append(list(rows[1])))
    [problem] = _problems(data)
    assert "no duplicate of row 2" in problem.expected


def test_more_positive_answers_than_respondents_is_rejected(data: Path):
    _rewrite(data / "experience_measures.csv", lambda rows: rows[1].__setitem__(4, "25"))
    [problem] = _problems(data)
    assert (problem.row, problem.column) == (2, "positive") and "respondents" in problem.expected


def test_out_of_range_score_is_rejected(data: Path):
    _rewrite(data / "relationship_pulse.csv", lambda rows: rows[1].__setitem__(3, "7"))
    [problem] = _problems(data)
    assert problem.column == "trust" and "at most 5" in problem.expected


def test_problem_list_is_capped_per_file_with_a_count_of_the_rest(data: Path):
    def edit(rows):
        for row in rows[1:]:
            row[3] = "lots"
        rows.extend([["C1", "K1", f"20{y:02d}-01-01", "bad", "", ""] for y in range(60)])

    _rewrite(data / "kpi_values.csv", edit)
    con = duckdb.connect()
    with pytest.raises(loader.LoadError) as caught:
        loader.load_directory(con, data)
    assert len(caught.value.problems) == loader.MAX_PROBLEMS_PER_FILE
    assert "more problem(s)" in caught.value.report()
