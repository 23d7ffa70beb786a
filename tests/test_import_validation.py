"""Monthly returns: every rule of the validation, one test each (in-process, no database needed)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from contract_monitor.returns import importer, templates
from contract_monitor.returns.validate import References

REFS = References(
    contracts={
        "C001": (dt.date(2021, 4, 1), dt.date(2027, 3, 31)),
        "C003": (dt.date(2023, 4, 1), dt.date(2028, 3, 31)),
    },
    kpis={("C001", "OUT1"): "percent", ("C001", "OUT3"): "number", ("C003", "OUT1"): "percent"},
)
KPI_HEADER = "contract_id,kpi_code,month,value,submitted_date,note\n"


def check(name: str, text: str | bytes, refs: References = REFS):
    data = text.encode("utf-8") if isinstance(text, str) else text
    item, col = importer.prepare_file(name, data, refs)
    return item, col.problems, col.notes


def only_problem(name: str, text: str | bytes):
    item, problems, _ = check(name, text)
    assert item is None
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_a_clean_csv_return_is_typed_with_its_rows():
    item, problems, notes = check("nov_kpi_values.csv", KPI_HEADER + "C001,OUT1,2026-11,97.5,2026-12-05,\n")
    assert problems == [] and notes == []
    [row] = item.tables["kpi_values"]
    assert row["value"] == 97.5 and row["month"] == dt.date(2026, 11, 1) and row["_row"] == 2


def test_a_bad_number_names_file_sheet_row_column_value_and_expectation():
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "kpi_values"
    ws.append(["contract_id", "kpi_code", "month", "value"])
    ws.append(["C001", "OUT1", "2026-11", 97])
    ws.append(["C001", "OUT3", "2026-11", "ninety"])
    out = io.BytesIO()
    book.save(out)
    problem = only_problem("return.xlsx", out.getvalue())
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.value) == (
        "return.xlsx",
        "kpi_values",
        3,
        "value",
        "ninety",
    )
    assert str(problem).startswith(
        "return.xlsx, sheet 'kpi_values', row 3, column 'value': got 'ninety', expected a number"
    )


def test_every_problem_in_a_file_is_reported_at_once():
    text = (
        KPI_HEADER
        + "C001,OUT1,2026-11,abc,,\nC009,OUT1,2026-11,90,,\nC001,OUT1,November,90,,\nC001,OUT3,2026-11,-4,,\n"
    )
    item, problems, _ = check("r_kpi_values.csv", text)
    assert item is None
    assert [(p.row, p.column) for p in problems] == [(2, "value"), (3, "contract_id"), (4, "month"), (5, "value")]


@pytest.mark.parametrize(
    ("cell", "stored", "note"),
    [
        ("12%", 12.0, "% sign removed"),
        ('"1,234"', 1234.0, "thousands separators removed"),
    ],
)
def test_untidy_numbers_are_normalised_with_a_recorded_note(cell, stored, note):
    kpi = "OUT1" if "%" in cell else "OUT3"
    item, problems, notes = check("r_kpi_values.csv", KPI_HEADER + f"C001,{kpi},2026-11,{cell},,\n")
    assert problems == []
    assert item.tables["kpi_values"][0]["value"] == stored
    [recorded] = notes
    assert (recorded.row, recorded.column) == (2, "value") and note in recorded.note
    assert item.notes == notes  # kept with the import


def test_a_percent_sign_is_refused_where_the_kpi_is_not_a_percentage():
    problem = only_problem("r_kpi_values.csv", KPI_HEADER + "C001,OUT3,2026-11,12%,,\n")
    assert (problem.row, problem.column, problem.value) == (2, "value", "12%")
    assert "without a % sign" in problem.expected


@pytest.mark.parametrize("cell", ["N/A", "See description", "1,5", "nan", "inf", "1e400", "12 visits"])
def test_words_and_ambiguous_numbers_in_a_value_are_rejected(cell):
    problem = only_problem("r_kpi_values.csv", KPI_HEADER + f'C001,OUT3,2026-11,"{cell}",,\n')
    assert (problem.row, problem.column, problem.value) == (2, "value", cell)
    assert "number" in problem.expected


def test_pound_signs_in_money_columns_are_normalised():
    text = 'contract_id,month,spend_gbp\nC001,2026-11,"£1,234.50"\n'
    item, problems, notes = check("r_finance.csv", text)
    assert problems == []
    assert item.tables["finance"][0]["spend_gbp"] == 1234.5
    assert "£ sign removed" in notes[0].note


def test_percentages_stay_between_0_and_100():
    problem = only_problem("r_kpi_values.csv", KPI_HEADER + "C001,OUT1,2026-11,101,,\n")
    assert "between 0 and 100" in problem.expected


@pytest.mark.parametrize(
    ("line", "column", "expected"),
    [
        ("C042,OUT1,2026-11,90,,", "contract_id", "a known contract id"),
        ("C001,OUT9,2026-11,90,,", "kpi_code", "a KPI code of C001: OUT1, OUT3"),
        ("C001,OUT1,2026-13,90,,", "month", "a month written YYYY-MM"),
        ("C001,OUT1,Nov 2026,90,,", "month", "a month written YYYY-MM"),
        ("C001,OUT1,2027-05,90,,", "month", "within contract C001's term (2021-04 to 2027-03)"),
        ("C001,OUT1,2026-11,90,2026-10-02,", "submitted_date", "on or after the month it reports"),
        ("C001,OUT1,2026-11,90,05/12/2026,", "submitted_date", "a date written YYYY-MM-DD"),
        ("C001,OUT1,2026-11,,,", "value", "a value (this column is required)"),
    ],
)
def test_codes_months_and_dates_are_checked(line, column, expected):
    problem = only_problem("r_kpi_values.csv", KPI_HEADER + line + "\n")
    assert problem.row == 2 and problem.column == column
    assert expected in problem.expected


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+SUM(A1:A2)", "@HYPERLINK(1)", "-2+3+cmd|' /C calc'!A0"])
def test_formula_looking_cells_are_refused(cell):
    problem = only_problem("r_kpi_values.csv", KPI_HEADER + f'C001,OUT1,2026-11,90,,"{cell}"\n')
    assert (problem.column, problem.value) == ("note", cell)
    assert "not a formula" in problem.expected


def test_a_formula_cell_in_a_workbook_is_refused():
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "finance"
    ws.append(["contract_id", "month", "spend_gbp"])
    ws.append(["C001", "2026-11", "=1+1"])
    out = io.BytesIO()
    book.save(out)
    problem = only_problem("r.xlsx", out.getvalue())
    assert (problem.sheet, problem.row, problem.column) == ("finance", 2, "spend_gbp")
    assert "not a formula" in problem.expected


HIDDEN_FORMULAS = ['\u00a0=HYPERLINK("http://x","y")', "\n=1+1", "\u200b@SUM(1)", "\ufeff+1", "\u3000-cmd", "\n\tplain"]


def _csv_line(*cells: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


@pytest.mark.parametrize("cell", HIDDEN_FORMULAS)
def test_a_formula_behind_invisible_leading_blanks_is_refused_naming_file_row_and_column(cell):
    problem = only_problem("r_kpi_values.csv", KPI_HEADER + _csv_line("C001", "OUT1", "2026-11", "90", "", cell))
    assert (problem.file, problem.row, problem.column, problem.value) == ("r_kpi_values.csv", 2, "note", cell)
    assert "not a formula" in problem.expected


@pytest.mark.parametrize("cell", HIDDEN_FORMULAS[:2])
def test_a_comment_formula_behind_a_blank_in_a_workbook_is_refused_naming_sheet_row_and_column(cell):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "narrative_feedback"
    ws.append(["contract_id", "received_date", "source", "text", "rating", "consent_to_share", "approved_for_board"])
    ws.append(["C001", "2026-11-03", "service user", "Kind staff", 1, "y", "n"])
    ws.append(["C001", "2026-11-04", "service user", cell, 2, "y", "y"])
    out = io.BytesIO()
    book.save(out)
    problem = only_problem("return.xlsx", out.getvalue())
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "return.xlsx",
        "narrative_feedback",
        3,
        "text",
    )
    assert problem.value == cell and "not a formula" in problem.expected


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("-3", "-3"), ("- 2 people", "- 2 people"), ("\u00a0-3", "-3"), ("\u00a0Fine = good", "Fine = good")],
)
def test_negative_numbers_and_plain_text_behind_blanks_still_pass(cell, stored):
    item, problems, _ = check("r_kpi_values.csv", KPI_HEADER + _csv_line("C001", "OUT1", "2026-11", "90", "", cell))
    assert problems == []
    assert item.tables["kpi_values"][0]["note"] == stored


def test_a_duplicate_in_the_file_names_both_rows():
    problem = only_problem("r_kpi_values.csv", KPI_HEADER + "C001,OUT1,2026-11,90,,\nC001,OUT1,2026-11-01,91,,\n")
    assert problem.row == 3 and problem.column == "contract_id + kpi_code + month"
    assert "no duplicate of row 2" in problem.expected


def test_missing_extra_and_repeated_columns_are_named_in_the_header_row():
    item, problems, _ = check("r_kpi_values.csv", "contract_id,kpi_code,value,colour,value\nC001,OUT1,90,red,91\n")
    assert item is None
    found = {(p.row, p.column): p.expected for p in problems}
    assert "only the columns of the kpi_values sheet" in found[(1, "colour")]
    assert "each column to appear once" in found[(1, "value")]
    assert "a column named 'month'" in found[(1, "month")]


def test_a_file_that_is_not_utf8_names_the_row_and_column_of_the_bad_byte():
    data = (KPI_HEADER + "C001,OUT1,2026-11,90,,caf\xe9 closed\n").encode("latin-1")
    problem = only_problem("r_kpi_values.csv", data)
    assert (problem.row, problem.column) == (2, "note")
    assert "UTF-8" in problem.expected


@pytest.mark.parametrize(("data", "row"), [(b"", 1), (b"\n\n", 1), (KPI_HEADER.encode(), 2)])
def test_empty_files_and_header_only_files_are_rejected(data, row):
    problem = only_problem("r_kpi_values.csv", data)
    assert problem.row == row and problem.column


def test_an_unrecognised_header_lists_the_sheets_a_return_can_have():
    problem = only_problem("stuff.csv", "colour,size\nred,2\n")
    assert problem.row == 1 and problem.column == "colour"
    assert "kpi_values (contract_id, kpi_code, month" in problem.expected


def test_a_csv_is_recognised_by_its_header_when_the_name_does_not_say():
    item, problems, _ = check(
        "upload.csv", "contract_id,month,measure,respondents,positive\nC001,2026-11,Felt listened to,20,15\n"
    )
    assert problems == [] and list(item.tables) == ["experience_measures"]


def test_positive_answers_cannot_exceed_respondents():
    problem = only_problem(
        "r_experience_measures.csv",
        "contract_id,month,measure,respondents,positive\nC001,2026-11,Felt listened to,20,25\n",
    )
    assert (problem.column, problem.value) == ("positive", "25")
    assert "no more than respondents (20)" in problem.expected


def test_choices_accept_other_capitalisation_with_a_note_and_refuse_unknown_words():
    header = "contract_id,received_date,source,text,rating,consent_to_share,approved_for_board\n"
    item, problems, notes = check(
        "r_narrative_feedback.csv", header + "C001,2026-11-03,Service User,Kind staff,1,Y,n\n"
    )
    assert problems == [] and item.tables["narrative_feedback"][0]["source"] == "service user"
    assert "capitalisation" in notes[0].note
    item, problems, _ = check("r_narrative_feedback.csv", header + "C001,2026-11-03,neighbour,Kind staff,7,y,n\n")
    assert item is None
    assert [(p.column, p.value) for p in problems] == [("source", "neighbour"), ("rating", "7")]
    assert problems[0].expected.startswith("one of: service user; family/carer")
    assert problems[1].expected == "a whole number of at most 5"


def test_a_workbook_without_any_return_sheet_says_which_sheets_it_needs():
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["a", "b"])
    out = io.BytesIO()
    book.save(out)
    problem = only_problem("r.xlsx", out.getvalue())
    assert problem.sheet == "Sheet1" and problem.row == 1 and "kpi_values" in problem.expected


def test_a_broken_workbook_is_reported_not_raised():
    problem = only_problem("r.xlsx", b"PK\x03\x04 not really a zip")
    assert problem.row == 1 and "readable .xlsx" in problem.expected


def test_the_blank_template_has_every_sheet_and_no_rows():
    book = openpyxl.load_workbook(io.BytesIO(templates.xlsx_bytes()))
    assert book.sheetnames == ["Read me", "kpi_values", "experience_measures", "finance", "narrative_feedback"]
    assert book["kpi_values"].max_row == 1
    problem = only_problem("blank.xlsx", templates.xlsx_bytes())
    assert "at least one row" in problem.expected
