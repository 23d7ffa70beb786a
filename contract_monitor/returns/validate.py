"""Check and type the rows of a return: every problem names file, sheet, row, column, value and expectation.

All problems in a file are collected (up to ``loader.MAX_PROBLEMS_PER_FILE`` listed, the
rest counted), never just the first. Values that are untidy but unambiguous are
normalised and the change is recorded as a ``Note`` (kept with the import), as
``formats`` documents per column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from ..loader import MAX_PROBLEMS_PER_FILE, Problem
from ..spreadsheet_safety import HIDING_STARTS, first_visible, split_leading_blank
from . import fast
from .formats import MAX_TEXT, Field, Sheet
from .readers import Cell, RawSheet, column_letter

_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_MONTH = re.compile(r"(\d{4})-(\d{2})(-01)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Note:
    """A value that was normalised rather than rejected (kept with the import, shown on the page)."""

    file: str
    sheet: str | None
    row: int
    column: str
    original: str
    stored: str
    note: str


class References:
    """What the warehouse knows: contracts with their active months, and each contract's KPIs.

    Given as dicts, or as the Arrow tables the warehouse returns (``arrow_tables``: contracts with
    contract_id, start_date, end_date, first_month, last_month; kpis with contract_id, kpi_code, unit),
    which the quick check reads as they are; the dicts are then made only if asked for (400,000 KPIs
    of 50,000 contracts take a second to turn into Python objects)."""

    def __init__(
        self,
        contracts: dict[str, tuple[dt.date, dt.date]] | None = None,
        kpis: dict[tuple[str, str], str] | None = None,
        arrow_tables: dict | None = None,
    ):
        self._contracts = contracts
        self._kpis = kpis
        self.arrow_tables = dict(arrow_tables or {})  # made once by fast.check_at_once when not given

    @property
    def contracts(self) -> dict[str, tuple[dt.date, dt.date]]:
        if self._contracts is None:
            table = self.arrow_tables["contracts"].select(["contract_id", "start_date", "end_date"]).to_pylist()
            self._contracts = {r["contract_id"]: (r["start_date"], r["end_date"]) for r in table}
        return self._contracts

    @property
    def kpis(self) -> dict[tuple[str, str], str]:  # (contract_id, kpi_code) -> unit
        if self._kpis is None:
            columns = self.arrow_tables["kpis"].to_pydict()
            self._kpis = dict(
                zip(zip(columns["contract_id"], columns["kpi_code"], strict=True), columns["unit"], strict=True)
            )
        return self._kpis

    def contract_months(self, contract_id: str) -> tuple[dt.date, dt.date]:
        start, end = self.contracts[contract_id]
        return start.replace(day=1), end.replace(day=1)


class Collector:
    """Problems and notes of one file, up to a limit per file."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.notes: list[Note] = []
        self.extra = 0

    def add(self, sheet: str | None, row: int, column: str, value: object, expected: str) -> None:
        if len(self.problems) < MAX_PROBLEMS_PER_FILE:
            shown = None if value is None else _show(value)
            self.problems.append(Problem(self.file, row, column, shown, expected, sheet=sheet))
        else:
            self.extra += 1

    def note(self, sheet: str | None, row: int, column: str, original: object, stored: object, note: str) -> None:
        self.notes.append(Note(self.file, sheet, row, column, _show(original), _show(stored), note))


def _show(value: object) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Bad(Exception):
    """A cell that cannot be accepted; the message says what was expected."""


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _check_formula(cell: Cell) -> None:
    """Refuse a cell a spreadsheet could run. It is seen as ``parse_text`` will store it: past every leading
    blank (a non-breaking or zero-width space, a newline; ``spreadsheet_safety.is_leading_blank``), so
    "\u00a0=HYPERLINK(...)" is refused like "=HYPERLINK(...)". A tab or carriage return among the leading
    blanks is refused too; a negative number ("-3") or a dash and a space ("- 2 people") is not."""
    if not isinstance(cell, str):
        return
    blanks, text = split_leading_blank(cell)
    first = first_visible(cell)  # NFKC: a full-width ＝ counts as =
    dash = first == "-" and not (text[1:2].isspace() or _NUMBER.fullmatch("-" + text[1:].strip()))
    if dash or first in ("=", "+", "@") or not HIDING_STARTS.isdisjoint(blanks):
        raise Bad(
            "a plain value, not a formula: cells starting with =, +, @ or - followed by a letter are refused "
            "(spreadsheet formula injection)"
        )


def parse_number(cell: Cell, *, money: bool = False, percent: bool = False) -> tuple[float, str | None]:
    """A finite number, and a note when an untidy form was normalised."""
    if isinstance(cell, bool):
        raise Bad("a number")
    if isinstance(cell, int | float):
        value, note = float(cell), None
    elif isinstance(cell, str):
        text, notes = cell.strip().replace("\u00a0", ""), []
        if money and text.startswith("£"):
            text = text[1:].strip()
            notes.append("£ sign removed")
        if text.endswith("%"):
            if not percent:
                raise Bad("a number without a % sign (only percent KPIs may be written as '12%')")
            text = text[:-1].strip()
            notes.append("% sign removed (the KPI's unit is percent)")
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
            notes.append("thousands separators removed")
        if not _NUMBER.fullmatch(text):
            raise Bad("a number" + (" in £" if money else "") + " (e.g. 1234.5); explain gaps in a note instead")
        value, note = float(text), ("; ".join(notes) or None)
    else:
        raise Bad("a number")
    if not math.isfinite(value):
        raise Bad("a finite number")
    return value, note


def parse_whole(cell: Cell) -> tuple[int, str | None]:
    value, note = parse_number(cell)
    if value != int(value) or abs(value) > 2**53:
        raise Bad("a whole number")
    return int(value), note


def parse_month(cell: Cell) -> dt.date:
    if isinstance(cell, dt.datetime | dt.date):
        day = cell.date() if isinstance(cell, dt.datetime) else cell
        if day.day != 1:
            raise Bad("a month written YYYY-MM, e.g. 2026-11 (a date must be the 1st of the month)")
        return day
    match = _MONTH.fullmatch(str(cell).strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise Bad("a month written YYYY-MM, e.g. 2026-11")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def parse_date(cell: Cell) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = str(cell).strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Bad("a date written YYYY-MM-DD, e.g. 2026-12-05") from None
    if day.year < 1900:
        raise Bad("a date written YYYY-MM-DD, e.g. 2026-12-05")
    return day


def parse_text(cell: Cell) -> str:
    if isinstance(cell, dt.datetime | dt.date):
        raise Bad("text, not a date")
    text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise Bad(f"text of at most {MAX_TEXT:,} characters (got {len(text):,})")
    return text


def parse_cell(spec: Field, cell: Cell, unit: str | None = None) -> tuple[object, str | None]:
    """The typed value of one non-blank cell and an optional note; raises Bad."""
    _check_formula(cell)
    kind = spec.kind
    if kind == "text":
        return parse_text(cell), None
    if kind == "choice":
        text = parse_text(cell)
        for choice in spec.choices:
            if text == choice:
                return choice, None
            if text.casefold() == choice.casefold():
                return choice, f"capitalisation changed to '{choice}'"
        raise Bad("one of: " + "; ".join(spec.choices))
    if kind == "yn":
        text = parse_text(cell).lower()
        if text not in ("y", "n"):
            raise Bad("y or n")
        return text, None
    if kind == "month":
        return parse_month(cell), None
    if kind == "date":
        return parse_date(cell), None
    if kind in ("count", "rating"):
        value, note = parse_whole(cell)
        low, high = (1, 5) if kind == "rating" else (0, spec.maximum)
        if value < low:
            raise Bad(f"a whole number of at least {low}")
        if high is not None and value > high:
            raise Bad(f"a whole number of at most {high:,.0f}")
        return value, note
    value, note = parse_number(cell, money=kind == "money", percent=unit == "percent")
    if value < 0:
        raise Bad("a value of at least 0")
    if kind == "kpi_value" and unit == "percent" and value > 100:
        raise Bad("a percentage between 0 and 100 (the KPI's unit is percent)")
    if spec.maximum is not None and value > spec.maximum:
        raise Bad(f"a value of at most {spec.maximum:,.0f}")
    return value, note


# kinds whose cells repeat down a sheet (ids, codes, months, dates, choices): each distinct cell is
# parsed once per sheet; numbers, mostly distinct, are parsed every time
_REPEATING = frozenset({"text", "choice", "yn", "month", "date"})


class _Parsed:
    """``parse_cell`` remembered per field and cell for the repeating kinds (the outcome, or the
    problem, is the same every time the same cell text appears in the same column)."""

    def __init__(self) -> None:
        self._seen: dict[tuple, tuple[object, str | None] | Bad] = {}

    def __call__(self, spec: Field, cell: Cell, unit: str | None) -> tuple[object, str | None]:
        if spec.kind not in _REPEATING or not isinstance(cell, str):
            return parse_cell(spec, cell, unit)
        key = (spec.name, cell)
        outcome = self._seen.get(key)
        if outcome is None:
            try:
                outcome = parse_cell(spec, cell, unit)
            except Bad as exc:
                outcome = exc
            self._seen[key] = outcome
        if isinstance(outcome, Bad):
            raise outcome
        return outcome


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip().lower())


def check_header(raw: RawSheet, spec: Sheet, col: Collector) -> dict[str, int] | None:
    """Column name -> cell index, or None (after recording problems) when the header is unusable."""
    positions: dict[str, int] = {}
    ok = True
    for index, name in enumerate(raw.header):
        key = _normalise(name)
        column = name or column_letter(index)
        if key in positions:
            col.add(raw.sheet, 1, column, name, "each column to appear once in the header")
            ok = False
        elif key not in spec.field_names:
            col.add(
                raw.sheet, 1, column, name, f"only the columns of the {spec.name} sheet: {', '.join(spec.field_names)}"
            )
            ok = False
        positions[key] = index
    for name in spec.required_names:
        if name not in positions:
            col.add(raw.sheet, 1, name, None, f"a column named '{name}' in the header (row 1)")
            ok = False
    if ok and not raw.rows and raw.sheet is None:  # a workbook may leave sheets empty; a CSV file may not
        col.add(raw.sheet, 2, spec.field_names[0], None, "at least one row of data below the header")
        ok = False
    return positions if ok else None


@dataclass
class Later:
    """A sheet whose rows are checked later, the quick way, together with other files' sheets
    (``settle``); cell by cell if they do not all pass. ``rows`` is None until then."""

    raw: RawSheet
    spec: Sheet
    positions: dict[str, int]
    cells: object  # the Arrow table fast.check_at_once reads
    col: Collector
    rows: list[dict] | None = None


def validate_sheet(
    raw: RawSheet, spec: Sheet, refs: References, col: Collector, later: list[Later]
) -> list[dict] | Later:
    """Typed rows (with ``_row`` and ``_sheet``) of one sheet in the project's own format. A sheet that can
    be checked the quick way is added to ``later`` and returned as it is, to be checked with the other
    files' (``settle``); its rows are then its ``rows``. Any other goes cell by cell now."""
    positions = check_header(raw, spec, col)
    if positions is None:
        return []
    cells = fast.cells_of(raw, spec, positions)
    if cells is None:
        return cell_by_cell(raw, spec, positions, refs, col)
    later.append(Later(raw, spec, positions, cells, col))
    return later[-1]


def settle(later: list[Later], refs: References) -> None:
    """Check the sheets set aside by ``validate_sheet``: those of each kind the quick way in one query,
    then cell by cell each one that did not pass, reporting to its own file's collector."""
    for name in dict.fromkeys(w.spec.name for w in later):
        waiting = [w for w in later if w.spec.name == name]
        for w, clean in zip(
            waiting, fast.check_at_once([w.cells for w in waiting], waiting[0].spec, refs), strict=True
        ):
            w.rows = clean if clean is not None else cell_by_cell(w.raw, w.spec, w.positions, refs, w.col)


def cell_by_cell(raw: RawSheet, spec: Sheet, positions: dict[str, int], refs: References, col: Collector) -> list[dict]:
    """Typed rows of one sheet checked cell by cell, each problem named with its row and column."""
    fields = [(f.name, f, positions.get(f.name)) for f in spec.fields]
    width = len(raw.header)
    typed_rows: list[dict] = []
    seen_keys: dict[tuple, int] = {}
    parsed = _Parsed()
    for number, cells in raw.rows:
        length = len(cells)
        for index in range(width, length):
            if not _blank(cells[index]):
                col.add(raw.sheet, number, column_letter(index), cells[index], "no value outside the named columns")
        row: dict = {"_row": number, "_sheet": raw.sheet}
        ok = True
        unit = None
        contract = cells[positions["contract_id"]] if positions["contract_id"] < length else None
        code = cells[positions["kpi_code"]] if "kpi_code" in positions and positions["kpi_code"] < length else None
        if contract is not None and code is not None:
            unit = refs.kpis.get((str(contract).strip(), str(code).strip()))
        for name, spec_field, index in fields:
            cell = cells[index] if index is not None and index < length else None
            if _blank(cell):
                if spec_field.required:
                    col.add(
                        raw.sheet, number, name, "" if index is not None else None, "a value (this column is required)"
                    )
                    ok = False
                row[name] = None
                continue
            try:
                value, note = parsed(spec_field, cell, unit)
            except Bad as exc:
                col.add(raw.sheet, number, name, cell, str(exc))
                ok = False
                continue
            if note:
                col.note(raw.sheet, number, name, cell, value, note)
            row[name] = value
        if ok:
            ok = _check_row(raw, spec, refs, row, col)
        if ok:
            key = tuple(row.get(k) for k in spec.key)
            if all(v is not None for v in key):
                if key in seen_keys:
                    col.add(
                        raw.sheet,
                        number,
                        " + ".join(spec.key),
                        " / ".join(_show(v) for v in key),
                        f"no duplicate of row {seen_keys[key]} ({' + '.join(spec.key)} must be unique in a return)",
                    )
                    ok = False
                else:
                    seen_keys[key] = number
            given_id = row.get("feedback_id")
            if ok and given_id is not None:
                if ("feedback_id", given_id) in seen_keys:
                    first = seen_keys[("feedback_id", given_id)]
                    col.add(raw.sheet, number, "feedback_id", given_id, f"no duplicate of row {first} (ids are unique)")
                    ok = False
                seen_keys[("feedback_id", given_id)] = number
        if ok:
            typed_rows.append(row)
    return typed_rows


def _check_row(raw: RawSheet, spec: Sheet, refs: References, row: dict, col: Collector) -> bool:
    number = row["_row"]
    contract = row["contract_id"]
    if contract not in refs.contracts:
        known = ", ".join(sorted(refs.contracts)[:5])
        col.add(raw.sheet, number, "contract_id", contract, f"a known contract id (e.g. {known}, ...)")
        return False
    ok = True
    if spec.name == "kpi_values" and (contract, row["kpi_code"]) not in refs.kpis:
        codes = sorted(code for c, code in refs.kpis if c == contract)
        col.add(raw.sheet, number, "kpi_code", row["kpi_code"], f"a KPI code of {contract}: {', '.join(codes)}")
        ok = False
    first, last = refs.contract_months(contract)
    when = row[spec.month_field]
    month = when.replace(day=1)
    if not first <= month <= last:
        col.add(
            raw.sheet,
            number,
            spec.month_field,
            when,
            f"a month within contract {contract}'s term ({first:%Y-%m} to {last:%Y-%m})",
        )
        ok = False
    submitted = row.get("submitted_date")
    if submitted is not None and submitted < month:
        col.add(
            raw.sheet,
            number,
            "submitted_date",
            submitted,
            f"a date on or after the month it reports ({month:%Y-%m-01})",
        )
        ok = False
    if spec.name == "experience_measures" and row["positive"] > row["respondents"]:
        col.add(raw.sheet, number, "positive", row["positive"], f"no more than respondents ({row['respondents']})")
        ok = False
    return ok
