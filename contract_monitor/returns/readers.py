"""Read a return file (CSV or .xlsx bytes) into sheets of cells, each cell with its row number.

Nothing is typed here; ``validate`` does that. Problems found while reading (an empty
file, bytes that are not UTF-8, a broken workbook) are reported with the row and
column where reading failed, so every message still names file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from ..loader import Problem
from .formats import MAX_BYTES, MAX_ROWS

Cell = str | int | float | dt.datetime | dt.date | None


class ArrowRows(Sequence):
    """The rows of a CSV file read at once by Arrow (``_quick_csv``), given as ``RawSheet.rows`` gives
    them: (row number, cells), made only when something asks for them. Each column is text, in file
    order, with no blank row and no row longer or shorter than the header; a row's number is its line."""

    def __init__(self, table: pa.Table):
        self.table = table
        self._rows: list[tuple[int, list[Cell]]] | None = None

    def _made(self) -> list[tuple[int, list[Cell]]]:
        if self._rows is None:
            columns = [column.to_pylist() for column in self.table.columns]
            self._rows = [(number, list(cells)) for number, cells in enumerate(zip(*columns, strict=True), start=2)]
        return self._rows

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, index):
        return self._made()[index]

    def __iter__(self):
        return iter(self._made())


@dataclass
class RawSheet:
    file: str
    sheet: str | None  # None for a CSV file
    header: list[str]
    rows: Sequence[tuple[int, list[Cell]]] = field(default_factory=list)  # (spreadsheet row number, cells)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (how a spreadsheet names a column)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _decode_problem(name: str, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """Where the undecodable byte is: its row and (as far as the header tells) its column."""
    before = data[: exc.start]
    row = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    cell_index = before[line_start:].count(b",")
    text = data.decode("utf-8", errors="replace")
    header = next(csv.reader(io.StringIO(text.splitlines()[0] if text else "")), [])
    column = header[cell_index].strip() if cell_index < len(header) else column_letter(cell_index)
    return Problem(
        name,
        row,
        column,
        repr(data[exc.start : exc.start + 1])[1:],
        f"a UTF-8 encoded file (byte {exc.start} cannot be read as UTF-8: save the file as 'CSV UTF-8')",
    )


_PRINTABLE = "[!-~]"  # a character str.strip() never removes: a cell holding one is not blank


def _quick_csv(name: str, data: bytes) -> RawSheet | None:
    """The sheet of a plain CSV file, read by Arrow in one go; None unless what ``read_csv`` would make
    of it is certain to be the same: UTF-8, the header on line 1, one record per line (no quote
    character, no carriage return except before a newline, no NUL byte), every line with as many
    cells as the header, and every row with a printable character in some cell (not blank). About ten
    times quicker than Python's csv module on a month's return for 50,000 contracts."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    if not body or any(c in body for c in (b'"', b"\x00")) or b"\r" in body.replace(b"\r\n", b""):
        return None
    first, _newline, _rest = body.partition(b"\n")
    try:
        header = [c.strip() for c in first.decode("utf-8").removesuffix("\r").split(",")]
    except UnicodeDecodeError:
        return None
    if not any(header):
        return None
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names, use_threads=False),
            parse_options=pa_csv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:  # a ragged or empty line, bytes that are not UTF-8: read_csv says where
        return None
    if table.num_rows:
        printable = [pc.match_substring_regex(column, _PRINTABLE) for column in table.columns]
        if not pc.all(functools.reduce(pc.or_, printable)).as_py():
            return None
    return RawSheet(name, None, header, ArrowRows(table))


def read_csv(name: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    quick = _quick_csv(name, data)
    return ([quick], []) if quick is not None else _read_csv_by_record(name, data)


def _read_csv_by_record(name: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    """Any CSV file, record by record with Python's csv module, saying where it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [_decode_problem(name, data, exc)]
    if "\x00" in text:
        row = text[: text.index("\x00")].count("\n") + 1
        return [], [Problem(name, row, "A", "\\x00", "a text CSV file (found a NUL byte: is this a binary file?)")]
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return [], [Problem(name, 1, "A", None, f"a readable CSV file ({exc})")]
    header_index = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_index is None:
        return [], [Problem(name, 1, "A", "", "a header row naming the columns (the file is empty)")]
    sheet = RawSheet(name, None, [c.strip() for c in rows[header_index]])
    # a spreadsheet numbers records (a quoted cell may span lines, it is still one row); header = row 1
    for i, cells in enumerate(rows):
        if i > header_index and "".join(cells).strip():  # not blank: some cell has more than spaces
            sheet.rows.append((i + 1, cells))
    return [sheet], []


def read_xlsx(name: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        return [], [Problem(name, 1, "A", None, f"a readable .xlsx workbook ({type(exc).__name__}: {exc})")]
    sheets: list[RawSheet] = []
    try:
        for ws in book.worksheets:
            header: list[str] | None = None
            raw = RawSheet(name, ws.title, [])
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = list(values)
                if not any(c is not None and str(c).strip() for c in cells):
                    continue
                if header is None:
                    header = ["" if c is None else str(c).strip() for c in cells]
                    while header and header[-1] == "":
                        header.pop()
                    raw.header = header
                    continue
                raw.rows.append((number, cells))
                if len(raw.rows) > MAX_ROWS:
                    break
            sheets.append(raw)
    finally:
        book.close()
    return sheets, []


def read_file(name: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    """Sheets of one file, or the problems that stopped it being read."""
    if len(data) > MAX_BYTES:
        return [], [Problem(name, 1, "A", f"{len(data):,} bytes", f"a file of at most {MAX_BYTES:,} bytes")]
    if name.lower().endswith(".xlsx"):
        return read_xlsx(name, data)
    if name.lower().endswith((".xls", ".xlsm", ".ods")):
        return [], [Problem(name, 1, "A", name, "a .csv or .xlsx file (save the workbook as .xlsx)")]
    sheets, problems = read_csv(name, data)
    if sheets and len(sheets[0].rows) > MAX_ROWS:
        problems.append(Problem(name, MAX_ROWS + 2, "A", None, f"at most {MAX_ROWS:,} rows in one file"))
    return sheets, problems
