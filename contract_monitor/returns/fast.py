"""The quick way through a clean CSV return: every check at once, in DuckDB, instead of cell by cell.

``validate.cell_by_cell`` checks a return cell by cell in Python so that each problem can name its
file, row and column; at 400,000 rows (a month's KPIs for 50,000 contracts) that takes about 9 s.
Most returns have no problem at all. ``check_at_once`` runs the same checks over whole columns, for
every file of an import in one query, and gives each file's typed rows when every cell is already in
its plain form and every row passes (``typed_rows``: one file); otherwise None, and the cell-by-cell
validation runs and reports (or normalises, with a note) what it finds.

Its idea of "plain" is deliberately narrower than what ``validate`` accepts, so a file passing here is
one ``validate`` accepts without a single note, with the same typed values (tests/test_import_fast.py
compares the two on generated files):

- text starts with a printable ASCII character that cannot begin a formula and ends with a printable
  ASCII character, so there is nothing to strip;
- numbers are unsigned decimals (no £, %, thousands separators or spaces);
- months are YYYY-MM or YYYY-MM-01, dates YYYY-MM-DD, yes/no is exactly y or n, a choice is written
  exactly as listed;
- a blank cell is empty (not spaces), and no row has cells beyond the header.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..loader import quote_literal
from .formats import MAX_TEXT, Field, Sheet
from .readers import ArrowRows, RawSheet

# first character: printable ASCII other than space and the formula starts = + @ -; last: printable ASCII
_PLAIN_TEXT = r"[!-*,.-<>?A-~](?s:.*[!-~])?"
_PLAIN_NUMBER = r"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"
_PLAIN_MONTH = r"[0-9]{4}-(0[1-9]|1[0-2])(-01)?"
_PLAIN_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_WHOLE_LIMIT = 2**53  # validate.parse_whole refuses larger whole numbers


def _cell(field: Field, unit_known: bool) -> tuple[str, str]:
    """(typed value, plain-form test) for one non-blank cell of ``field``, as SQL over column ``c_<name>``."""
    c = f'"c_{field.name}"'
    kind = field.kind
    if kind == "yn":
        return c, f"{c} in ('y', 'n')"
    if kind in ("text", "choice"):
        plain = f"regexp_full_match({c}, {quote_literal(_PLAIN_TEXT)}) and strlen({c}) <= {MAX_TEXT}"
        if kind == "choice":
            plain += f" and {c} in ({', '.join(quote_literal(choice) for choice in field.choices)})"
        return c, plain
    if kind == "month":
        value = f"make_date(try_cast(substr({c}, 1, 4) as integer), try_cast(substr({c}, 6, 2) as integer), 1)"
        return value, f"regexp_full_match({c}, {quote_literal(_PLAIN_MONTH)}) and substr({c}, 1, 4) >= '1900'"
    if kind == "date":
        value = f"try_cast({c} as date)"
        # the cast only where the pattern matches (a case, not an and, which would cast every cell): a failed
        # cast, a blank submitted_date say, costs DuckDB an error message it then throws away
        plain = (
            f"case when regexp_full_match({c}, {quote_literal(_PLAIN_DATE)})"
            f" then {value} is not null and substr({c}, 1, 4) >= '1900' else false end"
        )
        return value, plain
    number = f"try_cast({c} as double)"
    plain = f"regexp_full_match({c}, {quote_literal(_PLAIN_NUMBER)}) and isfinite({number})"
    if kind in ("count", "rating"):
        low, high = (1, 5) if kind == "rating" else (0, field.maximum)
        plain += f" and {number} = floor({number}) and {number} <= {_WHOLE_LIMIT} and {number} >= {low}"
        if high is not None:
            plain += f" and {number} <= {high}"
        return f"cast({number} as bigint)", plain
    if field.maximum is not None:
        plain += f" and {number} <= {field.maximum}"
    if kind == "kpi_value" and unit_known:
        plain += f" and (k.unit is distinct from 'percent' or {number} <= 100)"
    return number, plain


_scratch: duckdb.DuckDBPyConnection | None = None
_scratch_lock = threading.Lock()


def scratch() -> duckdb.DuckDBPyConnection:
    """A connection of its own (close it after use) to the one in-memory database this process keeps
    for checking files: opening a database takes about 13 ms, which a month of returns sent as one file
    per provider would pay twice per file. Each connection has its own temporary tables and registered
    Arrow tables, so files can be checked in threads."""
    global _scratch
    with _scratch_lock:
        if _scratch is None:
            _scratch = duckdb.connect()
        return _scratch.cursor()


def _references(refs) -> dict[str, pa.Table]:
    """The warehouse's contracts (with their first and last month) and KPIs, as Arrow tables (made once
    per ``validate.References``). Files are checked in threads: the tables are made whole, then
    published together, so a thread never sees the contracts without the KPIs."""
    tables = refs.arrow_tables
    if "contracts" in tables and "kpis" in tables:
        return tables
    ids = list(refs.contracts)
    months = [refs.contract_months(c) for c in ids]
    keys = list(refs.kpis)
    made = {
        "contracts": pa.table(
            {"contract_id": ids, "first_month": [m[0] for m in months], "last_month": [m[1] for m in months]}
        ),
        "kpis": pa.table(
            {
                "contract_id": [k[0] for k in keys],
                "kpi_code": [k[1] for k in keys],
                "unit": [refs.kpis[k] for k in keys],
            }
        ),
    }
    tables.update(made)
    return made


def _cells(raw: RawSheet, spec: Sheet, positions: dict[str, int]) -> pa.Table | None:
    """The sheet as an Arrow table: ``_row`` and a text column ``c_<field>`` per field of ``spec`` (null
    where the file has no such column); None when a row has cells beyond the header."""
    n = len(raw.rows)
    if isinstance(raw.rows, ArrowRows):  # read by Arrow already: every row is as wide as the header
        table = raw.rows.table
        columns = {"_row": pa.array(range(2, n + 2), pa.int64())}
        for field in spec.fields:
            index = positions.get(field.name)
            columns[f"c_{field.name}"] = table.column(index) if index is not None else pa.nulls(n, pa.string())
        return pa.table(columns)
    width = len(raw.header)
    if any(len(cells) > width for _, cells in raw.rows):
        return None
    values: dict[str, list] = {"_row": [number for number, _ in raw.rows]}
    for field in spec.fields:
        index = positions.get(field.name)
        if index is None:
            values[f"c_{field.name}"] = [None] * n
        else:
            values[f"c_{field.name}"] = [cells[index] if index < len(cells) else None for _, cells in raw.rows]
    return pa.table(
        {name: pa.array(column, pa.int64() if name == "_row" else pa.string()) for name, column in values.items()}
    )


def cells_of(raw: RawSheet, spec: Sheet, positions: dict[str, int]) -> pa.Table | None:
    """The sheet's cells as the quick check reads them, or None when it cannot be checked the quick way:
    a workbook's cells come typed (numbers, dates), and ``validate`` handles those."""
    if raw.sheet is not None or not raw.rows:
        return None
    return _cells(raw, spec, positions)


def typed_rows(raw: RawSheet, spec: Sheet, positions: dict[str, int], refs) -> TypedRows | None:
    """The typed rows of a CSV sheet (as ``validate.cell_by_cell`` makes them) when every cell is plain
    and every row passes every check; None when any cell or row needs the cell-by-cell validation."""
    cells = cells_of(raw, spec, positions)
    return None if cells is None else check_at_once([cells], spec, refs)[0]


def check_at_once(files: list[pa.Table], spec: Sheet, refs) -> list[TypedRows | None]:
    """``typed_rows`` for the cells of several files of one sheet, in one query: a month of returns sent
    as one file per provider is hundreds of files of a few hundred rows, and one query per file costs
    about 15 ms whatever its size. Each file is checked on its own (duplicate keys are looked for within
    a file: a later file of the same import is the next revision), and passes or not on its own."""
    if not files:
        return []
    cells = pa.concat_tables(
        [
            # made by numpy: a Python list of 100,000 copies of the index took a tenth of the check
            table.append_column("_file", pa.array(np.full(table.num_rows, index, np.int32)))
            for index, table in enumerate(files)
        ],
        promote_options="permissive",
    )
    has_kpi = "kpi_code" in spec.field_names
    flags, values, tests = [], [], []
    for field in spec.fields:
        c = f'"c_{field.name}"'
        value, plain = _cell(field, has_kpi)
        blank = f'"b_{field.name}"'
        # each cell's tests once (a column of regular expressions is most of the check's time), then its
        # value only where it is plain: a cast of anything else could fail (make_date(2026, 13, 1))
        flags.append(f"({c} is null or {c} = '') as {blank}, coalesce({plain}, false) as \"p_{field.name}\"")
        values.append(f'case when {blank} then null when "p_{field.name}" then {value} end as "{field.name}"')
        tests.append(f'not {blank} and "p_{field.name}"' if field.required else f'({blank} or "p_{field.name}")')
    quoted = {name: f't."{name}"' for name in spec.field_names}
    month = f"date_trunc('month', {quoted[spec.month_field]})::date"
    row_tests = [
        "r.first_month is not null",
        f"{month} between r.first_month and r.last_month",
        "d._file is null",  # no other row of its file has its key
    ]
    if has_kpi:
        row_tests.append("t.kpi_known")
    if "submitted_date" in spec.field_names:
        row_tests.append(f"(t.submitted_date is null or t.submitted_date >= {month})")
    if {"positive", "respondents"} <= set(spec.field_names):
        row_tests.append("t.positive <= t.respondents")
    if "feedback_id" in spec.field_names:
        row_tests.append("(t.feedback_id is null or count(*) over (partition by t._file, t.feedback_id) = 1)")
    names = ", ".join(quoted.values())
    # the keys found on more than one row of a file, grouped (a window over every row took twice as long)
    keys = ", ".join(f'"{k}"' for k in spec.key)
    same_key = " and ".join(f'd."{k}" is not distinct from t."{k}"' for k in spec.key)
    kpi_join = (
        # the KPIs of the file's contracts only: a provider's file names a few of the 400,000 KPIs at L,
        # and a join to them all would build a table of all of them for every file
        "left join (select * from kpis where contract_id in (select c_contract_id from cells)) as k"
        " on k.contract_id = cells.c_contract_id and k.kpi_code = cells.c_kpi_code"
        if has_kpi
        else ""
    )
    sql = f"""
        with flagged as (
            select cells.*, {", ".join(flags)}
            {", k.kpi_code is not null as kpi_known" if has_kpi else ""}
            from cells {kpi_join}
        ),
        typed as (
            select _file, _row, {", ".join(values)}, ({" and ".join(tests)}) as cells_plain
            {", kpi_known" if has_kpi else ""}
            from flagged
        ),
        repeated as (
            select _file, {keys} from typed group by all having count(*) > 1
        ),
        checked as (
            select t._file, t._row, {names}, coalesce(t.cells_plain and {" and ".join(row_tests)}, false) as passes
            from typed as t
            left join contracts as r on r.contract_id = t.contract_id
            left join repeated as d on d._file = t._file and {same_key}
        )
        select * from checked
    """
    con = scratch()
    try:
        con.register("cells", cells)
        for name, table in _references(refs).items():
            con.register(name, table)
        # one statement (a file of a few hundred rows is mostly fixed cost per statement); a CSV has no sheet name
        table = con.execute(
            f"select _file, _row, null::varchar as _sheet, {names}, passes from ({sql}) as t order by _file, _row"
        ).to_arrow_table()
    finally:
        con.close()
    passed = pc.all(table["passes"])
    if passed.as_py():  # every file passes: cut the table at each file's first row
        counts = [f.num_rows for f in files]
        starts = [0, *itertools.accumulate(counts)][:-1]
        typed = table.drop_columns(["_file", "passes"])
        return [TypedRows(typed.slice(start, n)) if n else None for start, n in zip(starts, counts, strict=True)]
    out: list[TypedRows | None] = []
    for index, f in enumerate(files):
        mine = table.filter(pc.equal(table["_file"], index))
        ok = f.num_rows and pc.all(mine["passes"]).as_py()
        out.append(TypedRows(mine.drop_columns(["_file", "passes"])) if ok else None)
    return out


class TypedRows(Sequence):
    """The typed rows of a return checked at once: an Arrow table, read as ``validate``'s list of dicts
    (made when first asked for). What stores the rows (``store.write``) takes the table as it is."""

    def __init__(self, table: pa.Table):
        self.table = table
        self._rows: list[dict] | None = None

    def rows(self) -> list[dict]:
        if self._rows is None:
            self._rows = self.table.to_pylist()
        return self._rows

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, index):
        return self.rows()[index]

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and self.rows() == list(other)

    __hash__ = None
