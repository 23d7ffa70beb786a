"""A clean CSV return is typed at once in DuckDB (``returns/fast.py``); the result is exactly what the
cell-by-cell validation gives, and anything that validation would report or normalise goes through it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_monitor.returns import fast, importer, readers, templates, validate
from contract_monitor.returns.formats import SHEETS, SHEETS_BY_NAME


@pytest.fixture(scope="module")
def refs(sample_db: Path) -> validate.References:
    return importer.load_references(sample_db)


def _raw(sheet: str, header: list[str], rows: list[list[str]]) -> readers.RawSheet:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    (raw,), problems = readers.read_csv(f"{sheet}.csv", out.getvalue().encode())
    assert not problems
    return raw


def _both(raw: readers.RawSheet, spec, refs) -> tuple[list[dict] | None, tuple[list[dict], list, list]]:
    """(the quick result, (rows, problems, notes) of the cell-by-cell validation)."""
    col = validate.Collector(raw.file)
    positions = validate.check_header(raw, spec, col)
    quick = fast.typed_rows(raw, spec, positions, refs) if positions is not None else None
    rows = validate.cell_by_cell(raw, spec, positions, refs, col) if positions is not None else []
    return quick, (rows, col.problems, col.notes)


def _cells(rows: list[list]) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in rows]


@pytest.mark.parametrize("sheet", [s.name for s in SHEETS])
def test_the_example_return_is_typed_at_once_with_the_rows_the_cell_by_cell_validation_gives(refs, sheet):
    spec = SHEETS_BY_NAME[sheet]
    raw = _raw(sheet, list(spec.field_names), _cells(templates.example_rows()[sheet]))
    quick, (rows, problems, notes) = _both(raw, spec, refs)
    assert not problems and not notes
    assert quick is not None and quick == rows


def test_every_kpi_of_every_active_contract_in_one_file_is_typed_at_once(refs):
    november = dt.date(2026, 11, 1)
    rows = [
        [contract, code, "2026-11", f"{(i % 80) * 1.25}", "2026-12-03" if i % 3 else "", "on time" if i % 2 else ""]
        for i, (contract, code) in enumerate(sorted(refs.kpis))
        if refs.contract_months(contract)[0] <= november <= refs.contract_months(contract)[1]
    ]
    assert len(rows) > 100
    spec = SHEETS_BY_NAME["kpi_values"]
    quick, (typed, problems, notes) = _both(_raw("kpi_values", list(spec.field_names), rows), spec, refs)
    assert not problems and not notes and quick == typed


def test_files_checked_at_once_together_each_pass_or_fail_on_their_own(refs):
    spec = SHEETS_BY_NAME["kpi_values"]
    header = list(spec.field_names)
    rows = _cells(templates.example_rows()["kpi_values"])
    bad = [row[:] for row in rows[:3]]
    bad[1][header.index("value")] = "£12"  # needs the cell-by-cell validation (a sign removed, with a note)
    twice = [rows[0], rows[0]]  # a duplicate within one file fails; the same rows in two files do not
    sheets = [_raw("kpi_values", header, r) for r in (rows, bad, rows, twice, rows[:1])]
    cells = [fast.cells_of(raw, spec, validate.check_header(raw, spec, validate.Collector(raw.file))) for raw in sheets]
    together = fast.check_at_once(cells, spec, refs)
    alone = [fast.check_at_once([c], spec, refs)[0] for c in cells]
    assert [t is not None for t in together] == [True, False, True, False, True]
    assert together == alone
    assert [len(t) for t in together if t is not None] == [len(rows), len(rows), 1]
    assert [r["_row"] for r in together[2]] == list(range(2, len(rows) + 2))  # each file's own row numbers


@pytest.mark.parametrize(
    ("column", "cell", "why"),
    [
        ("value", "£12", "a sign to remove, with a note"),
        ("value", " 12", "spaces to strip (silently, cell by cell)"),
        ("value", "1,234", "thousands separators, with a note"),
        ("value", "-3", "a negative value: a problem"),
        ("note", "=HYPERLINK(1)", "a formula: a problem"),
        ("note", "caf\u00e9", "ends in a letter the quick check does not vouch for (fine cell by cell)"),
        ("month", "2026-13", "no such month: a problem"),
        ("contract_id", "C999", "an unknown contract: a problem"),
    ],
)
def test_anything_to_report_or_normalise_goes_cell_by_cell(refs, column, cell, why):
    spec = SHEETS_BY_NAME["kpi_values"]
    row = _cells(templates.example_rows()["kpi_values"])[0]
    row[list(spec.field_names).index(column)] = cell
    quick, _cell_by_cell = _both(_raw("kpi_values", list(spec.field_names), [row]), spec, refs)
    assert quick is None, why


def test_a_duplicate_row_goes_cell_by_cell_and_is_reported_with_its_row(refs):
    spec = SHEETS_BY_NAME["kpi_values"]
    row = _cells(templates.example_rows()["kpi_values"])[0]
    quick, (_rows, problems, _notes) = _both(_raw("kpi_values", list(spec.field_names), [row, row]), spec, refs)
    assert quick is None
    assert [(p.row, p.column) for p in problems] == [(3, "contract_id + kpi_code + month")]


# cells of every shape validate meets: plain ones and untidy, wrong or borderline ones
PLAIN_OR_NOT = {
    "text": ["C001", "C003", "C999", "OC1", "EXP1", " C001", "C001 ", "=1+1", "-x", "@a", "+a", "a\u00a0", "é", "ok"],
    "month": ["2026-11", "2026-11-01", "2026-10", "2026-1", "2026-13", " 2026-11", "2026/11", "1899-12", "2031-01"],
    "date": ["2026-12-03", "2026-11-01", "2024-02-29", "2026-02-29", "2026-10-31", "03/12/2026", "1899-12-31", ""],
    "number": ["12", "0", "12.5", ".5", "5.", "1e3", "1E+3", "00012", "100", "101", "-1", "£5", "5%", "1,234", "1e400"],
    "whole": ["0", "1", "5", "6", "12", "2.5", "1e2", "9007199254740993", "-1", " 3", "1000001"],
    "yn": ["y", "n", "Y", "yes", " n", ""],
}


def _pool(field) -> list[str]:
    if field.kind == "choice":
        return [*field.choices[:3], field.choices[0].lower(), field.choices[0] + " ", "something else"]
    if field.kind in ("count", "rating"):
        return PLAIN_OR_NOT["whole"] + [""]
    if field.kind in ("kpi_value", "money", "number_nonneg"):
        return PLAIN_OR_NOT["number"] + [""]
    return PLAIN_OR_NOT.get(field.kind, PLAIN_OR_NOT["text"]) + ([""] if not field.required else [])


@st.composite
def returns(draw) -> tuple[str, list[list[str]]]:
    sheet = draw(st.sampled_from([s.name for s in SHEETS]))
    spec = SHEETS_BY_NAME[sheet]
    examples = _cells(templates.example_rows()[sheet])
    picked = draw(st.lists(st.integers(0, len(examples) - 1), min_size=1, max_size=5, unique=True))
    rows = [list(examples[i]) for i in picked] + draw(st.sampled_from([[], [list(examples[picked[0]])]]))  # a copy?
    for _ in range(draw(st.integers(0, 3))):  # often none: a clean file must take the quick way
        row = rows[draw(st.integers(0, len(rows) - 1))]
        index = draw(st.integers(0, len(spec.fields) - 1))
        row[index] = draw(st.sampled_from(_pool(spec.fields[index])))
    return sheet, rows


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=returns())
def test_whenever_the_quick_way_accepts_a_return_it_gives_exactly_the_cell_by_cell_result(refs, generated):
    sheet, rows = generated
    spec = SHEETS_BY_NAME[sheet]
    quick, (typed, problems, notes) = _both(_raw(sheet, list(spec.field_names), rows), spec, refs)
    if quick is not None:
        assert not problems and not notes
        assert quick == typed


@pytest.mark.parametrize("sheet", [s.name for s in SHEETS])
def test_rows_checked_at_once_are_stored_exactly_as_the_same_rows_checked_cell_by_cell(refs, sheet, tmp_path):
    """The quick way hands the store an Arrow table and the store writes it in SQL; the cell-by-cell way
    hands it dicts. Stored twice (a second revision: replaced counts, revision numbers, generated
    comment ids, "sent today" dates), both stores hold the same rows."""
    from contract_monitor import records
    from contract_monitor.returns import store

    spec = SHEETS_BY_NAME[sheet]
    quick, (typed, problems, _notes) = _both(
        _raw(sheet, list(spec.field_names), _cells(templates.example_rows()[sheet])), spec, refs
    )
    assert not problems and isinstance(quick, fast.TypedRows) and not isinstance(typed, fast.TypedRows)
    stored, counts = {}, {}
    for name, rows in (("quick", quick), ("cell_by_cell", typed)):
        path = tmp_path / f"{name}.duckdb"
        counts[name] = [
            store.write(path, [store.Prepared(f"{sheet}.csv", sha * 32, b"", "return", tables={sheet: rows})], "me", {})
            for sha in ("ab", "cd")
        ]
        with records.connect(path, read_only=True) as con:
            stored[name] = con.execute(
                f"select * exclude (imported_at) from {store.RECORD_TABLES[sheet]} order by all"
            ).fetchall()
    assert counts["quick"] == counts["cell_by_cell"]
    assert counts["quick"][1][sheet]["replaced"] == len(typed)
    assert len(stored["quick"]) == 2 * len(typed) and stored["quick"] == stored["cell_by_cell"]
