"""Property: at least 1,000 generated malformed returns never crash the import, always fail it with messages
naming file, row and column, and leave the database byte-for-byte unchanged in content."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_load import fingerprint

from contract_monitor.returns import importer, templates
from contract_monitor.returns.formats import SHEETS_BY_NAME

EXAMPLES = 1000
EXAMPLE_ROWS = templates.example_rows()
NUMERIC = {"kpi_values": ["value"], "experience_measures": ["respondents", "positive"], "finance": ["spend_gbp"]}
TEXT = {"kpi_values": "note", "experience_measures": "measure", "finance": "contract_id", "narrative_feedback": "text"}
BAD_NUMBERS = ["N/A", "See description", "ninety", "1,5", "12 visits", "nan", "inf", "--1", "1.2.3", "TRUE", "12%%"]
HUGE = ["1e400", "9" * 400, "1e12", "-1e12", "99999999999999999999999"]
FORMULAS = ["=cmd|' /C calc'!A0", "=1+1", "+SUM(A1:A9)", '@HYPERLINK("x")', "-2+3+cmd|' /C calc'!A0", "\t=1"]
MUTATIONS = [
    "bad_type",
    "missing_column",
    "extra_column",
    "encoding",
    "empty",
    "huge",
    "formula",
    "unknown_contract",
    "unknown_kpi",
    "bad_month",
    "duplicate",
    "header_only",
    "blank_required",
]


@st.composite
def malformed(draw) -> tuple[str, bytes, list[str]]:
    sheet_name = draw(st.sampled_from(sorted(EXAMPLE_ROWS)))
    sheet = SHEETS_BY_NAME[sheet_name]
    header = list(sheet.field_names)
    rows = [["" if v is None else str(v) for v in r] for r in EXAMPLE_ROWS[sheet_name]]
    rows = draw(st.lists(st.sampled_from(rows), min_size=1, max_size=6))
    rows = [list(r) for r in rows]
    chosen = draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3, unique=True))
    numeric = NUMERIC.get(sheet_name, ["rating"])
    encoding = "utf-8"

    def pick_row() -> list[str]:
        return rows[draw(st.integers(0, len(rows) - 1))]

    for mutation in chosen:
        if mutation == "bad_type":
            column = draw(st.sampled_from(numeric))
            token = draw(st.sampled_from(BAD_NUMBERS) | st.from_regex(r"[A-Za-z][A-Za-z ]{0,20}", fullmatch=True))
            pick_row()[header.index(column)] = token
        elif mutation == "huge":
            column = draw(st.sampled_from(numeric))
            pick_row()[header.index(column)] = draw(st.sampled_from(HUGE))
        elif mutation == "formula":
            pick_row()[header.index(TEXT[sheet_name])] = draw(st.sampled_from(FORMULAS))
        elif mutation == "unknown_contract":
            pick_row()[0] = draw(st.sampled_from(["C999", "X1", "c001x"]) | st.from_regex(r"Z[0-9]{3}", fullmatch=True))
        elif mutation == "unknown_kpi" and sheet_name == "kpi_values":
            pick_row()[1] = draw(st.from_regex(r"ZZ[0-9]{1,3}", fullmatch=True))
        elif mutation == "unknown_kpi":  # other sheets have no KPI code: an unknown choice instead
            pick_row()[header.index(sheet.month_field)] = "2031-13"
        elif mutation == "bad_month":
            value = draw(st.sampled_from(["Nov 2026", "2026/11", "11-2026", "2026-00", "2026-11-31", "yesterday"]))
            pick_row()[header.index(sheet.month_field)] = value
        elif mutation == "duplicate":
            rows.append(list(rows[0]))
        elif mutation == "blank_required":
            required = [i for i, f in enumerate(sheet.fields) if f.required]
            pick_row()[draw(st.sampled_from(required))] = ""
        elif mutation == "encoding":
            pick_row()[header.index(TEXT[sheet_name])] += " café"
            encoding = draw(st.sampled_from(["latin-1", "utf-16", "cp1252"]))
    for mutation in chosen:  # structural changes last, so they act on the final rows
        if mutation == "missing_column":
            gone = draw(st.sampled_from([i for i, f in enumerate(sheet.fields) if f.required]))
            header.pop(gone)
            rows = [r[:gone] + r[gone + 1 :] for r in rows]
        elif mutation == "extra_column":
            header.append(draw(st.sampled_from(["colour", "Unnamed: 9", "value2", "", "comments"])))
            rows = [[*r, "x"] for r in rows]
        elif mutation == "header_only":
            rows = []
    name = f"return_{sheet_name}.csv"
    if "empty" in chosen:
        return name, draw(st.sampled_from([b"", b"\n", b"   \n\n", b"\xef\xbb\xbf"])), chosen
    as_xlsx = encoding == "utf-8" and "header_only" not in chosen and draw(st.integers(0, 4)) == 0
    if as_xlsx:
        book = openpyxl.Workbook(write_only=True)
        ws = book.create_sheet(sheet_name)
        ws.append(header)
        for r in rows:
            ws.append(r)
        out = io.BytesIO()
        book.save(out)
        return "return.xlsx", out.getvalue(), chosen
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return name, out.getvalue().encode(encoding, errors="strict"), chosen


@pytest.fixture(scope="module")
def db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One sample warehouse for the module (nothing here may change it), with an earlier import in its records."""
    target = tmp_path_factory.mktemp("hypothesis") / "data" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy(sample_db, target)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
        october = b"contract_id,kpi_code,month,value\nC018,OUT1,2026-10,1\n"
        assert importer.run([("october_kpi_values.csv", october)], target).ok
    return target


def test_a_thousand_malformed_files_fail_cleanly_and_change_nothing(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    records = db.with_name("records.duckdb")
    before = (fingerprint(db), fingerprint(records), sorted(p.name for p in db.parent.rglob("*")))
    refs = importer.load_references(db)
    seen = {"examples": 0, "xlsx": 0, "mutations": set()}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(malformed())
    def property(case):
        name, data, chosen = case
        seen["examples"] += 1
        seen["xlsx"] += name.endswith(".xlsx")
        seen["mutations"].update(chosen)
        result = importer.run([(name, data)], db, references=refs)
        assert not result.ok, f"{chosen} was accepted"
        assert result.problems and not result.files
        for problem in result.problems:
            assert problem.file == name
            assert isinstance(problem.row, int) and problem.row >= 1, problem
            assert problem.column, problem
            text = str(problem)
            assert text.startswith(name) and f"row {problem.row}" in text and f"column '{problem.column}'" in text

    property()
    assert seen["examples"] >= EXAMPLES
    assert seen["xlsx"] >= 50 and seen["mutations"] == set(MUTATIONS)
    assert (fingerprint(db), fingerprint(records), sorted(p.name for p in db.parent.rglob("*"))) == before


@pytest.mark.parametrize(
    "content",
    [
        b"",
        "contract_id,kpi_code,month,value\nC001,OUT1,2026-11,caf\xe9\n".encode("latin-1"),
        b"contract_id,kpi_code,month,value\nC001,OUT1,2026-11,\"=cmd|' /C calc'!A0\"\n",
        b"contract_id,kpi_code,month\nC001,OUT1,2026-11\n",
        b"contract_id,kpi_code,month,value\nC999,OUT1,2026-11,1e400\n",
    ],
    ids=["empty", "latin-1", "formula", "missing-column", "unknown-and-huge"],
)
def test_the_cli_exits_non_zero_and_names_file_row_and_column(db: Path, tmp_path: Path, content: bytes, monkeypatch):
    monkeypatch.delenv("CONTRACT_MONITOR_RECORDS_DB", raising=False)
    before = (fingerprint(db), fingerprint(db.with_name("records.duckdb")))
    path = tmp_path / "bad_kpi_values.csv"
    path.write_bytes(content)
    env = {k: v for k, v in os.environ.items() if k != "CONTRACT_MONITOR_RECORDS_DB"}
    result = subprocess.run(
        [sys.executable, "-m", "contract_monitor", "import", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert problems and all(
        line.startswith("  - bad_kpi_values.csv, row ") and ", column '" in line for line in problems
    )
    assert (fingerprint(db), fingerprint(db.with_name("records.duckdb"))) == before
