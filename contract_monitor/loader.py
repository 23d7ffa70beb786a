"""Validate raw CSV files against ``schema.py`` and load them into the ``raw`` schema.

Every problem in every file is collected before anything is loaded, and each one
names the file, the row (as a spreadsheet numbers it: the header is row 1), the
column, the value found and what was expected. Validation runs as SQL inside
DuckDB, so it stays fast on large files.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .schema import TABLES, Column, Table

MAX_PROBLEMS_PER_FILE = 50


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    sheet: str | None = None  # a workbook's sheet, for files with several (monthly returns in .xlsx)

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        found = "" if self.value is None else f"got {self.value!r}, "
        return f"{', '.join(where)}: {found}expected {self.expected}"


class LoadError(Exception):
    """Raised when input files fail validation; holds every problem found."""

    def __init__(self, problems: list[Problem], truncated: dict[str, int] | None = None):
        self.problems = problems
        self.truncated = truncated or {}
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"{len(self.problems)} problem(s) in the input; nothing was loaded:"]
        lines += [f"  - {p}" for p in self.problems]
        for file, extra in self.truncated.items():
            lines.append(
                f"  ... and at least {extra} more problem(s) in {file} (the first {MAX_PROBLEMS_PER_FILE} are listed)"
            )
        return "\n".join(lines)


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_header(path: Path) -> list[str] | None:
    """The header row, or None for an empty file. Raises UnicodeDecodeError for non-UTF-8."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            return [cell.strip() for cell in row]
    return None


def _value_rules(column: Column, v: str = "v") -> list[tuple[str, str]]:
    """(SQL condition that is TRUE for a bad non-blank value ``v``, what was expected)."""
    rules: list[tuple[str, str]] = []
    if column.kind == "int":
        rules.append((f"try_cast({v} as bigint) is null", "a whole number"))
        typed = f"try_cast({v} as bigint)"
    elif column.kind == "float":
        rules.append((f"try_cast({v} as double) is null or not isfinite(try_cast({v} as double))", "a number"))
        typed = f"try_cast({v} as double)"
    else:
        typed = None
    if column.kind == "date":
        rules.append(
            (
                f"not regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') or try_cast({v} as date) is null",
                "a date written YYYY-MM-DD",
            )
        )
    elif column.kind == "month":
        rules.append(
            (
                f"not regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-01') or try_cast({v} as date) is null",
                "a month written YYYY-MM-01 (the first day of the month)",
            )
        )
    elif column.kind == "quarter":
        rules.append((f"not regexp_full_match({v}, '\\d{{4}}-Q[1-4]')", "a quarter written YYYY-Qn, e.g. 2025-Q3"))
    elif column.kind == "yn":
        rules.append((f"{v} not in ('y', 'n')", "y or n"))
    elif column.kind == "choice":
        options = ", ".join(quote_literal(c) for c in column.choices)
        rules.append((f"{v} not in ({options})", "one of: " + "; ".join(column.choices)))
    if typed is not None and column.minimum is not None:
        rules.append((f"{typed} < {column.minimum}", f"a value of at least {column.minimum:g}"))
    if typed is not None and column.maximum is not None:
        rules.append((f"{typed} > {column.maximum}", f"a value of at most {column.maximum:g}"))
    return rules


def _typed_expression(column: Column) -> str:
    v = f"nullif(trim({quote_ident(column.name)}), '')"
    return {
        "int": f"cast({v} as bigint)",
        "float": f"cast({v} as double)",
        "date": f"cast({v} as date)",
        "month": f"cast({v} as date)",
    }.get(column.kind, v)


class _FileCheck:
    """Collects the problems of one file, up to a limit."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.extra = 0

    def add(self, row: int | None, column: str | None, value: str | None, expected: str) -> None:
        if len(self.problems) < MAX_PROBLEMS_PER_FILE:
            self.problems.append(Problem(self.name, row, column, value, expected))
        else:
            self.extra += 1

    def add_rows(self, rows: Iterable[tuple]) -> None:
        for row, column, value, expected in rows:
            self.add(row, column, value, expected)


def _stage_file(con: duckdb.DuckDBPyConnection, table: Table, path: Path, check: _FileCheck) -> str | None:
    """Read the file as text into a temp table, with a view numbering its rows as a spreadsheet does
    (``_row``, the header is row 1); the view's name, or None if the file cannot be read."""
    try:
        header = _read_header(path)
    except UnicodeDecodeError as exc:
        check.add(None, None, None, f"a UTF-8 encoded CSV file (could not decode byte {exc.start}: {exc.reason})")
        return None
    except csv.Error as exc:
        check.add(1, None, None, f"a readable CSV header ({exc})")
        return None
    if not header:
        check.add(1, None, None, "a header row naming the columns: " + ", ".join(table.column_names))
        return None
    seen: set[str] = set()
    for name in header:
        if name in seen:
            check.add(1, name, name, "each column to appear once in the header")
        seen.add(name)
        if name not in table.column_names:
            check.add(1, name, name, "only the columns " + ", ".join(table.column_names))
    for name in table.column_names:
        if name not in seen:
            check.add(1, name, None, f"a column named '{name}' in the header")
    if check.problems:
        return None

    staged = f"_in_{table.name}"
    columns = "{" + ", ".join(f"{quote_literal(h)}: 'VARCHAR'" for h in header) + "}"
    rejects = f"_rejects_{table.name}"
    con.execute(f"drop view if exists {staged}")
    con.execute(f"drop table if exists {staged}_cells")
    # The rows are stored in file order (DuckDB keeps insertion order, the parallel CSV read included), so
    # a row's position in the table (rowid) gives its spreadsheet row: numbering them with row_number()
    # while reading would make the read wait for each row's turn (4 s longer for 18M comments).
    con.execute(
        f"""
        create temp table {staged}_cells as
        select *
        from read_csv({quote_literal(str(path))}, header = true, auto_detect = false,
                      delim = ',', quote = '"', escape = '"', strict_mode = true,
                      columns = {columns}, store_rejects = true,
                      rejects_table = {quote_literal(rejects)},
                      rejects_scan = {quote_literal(rejects + "_scan")})
        """
    )
    structural = con.execute(
        f"""
        select line, column_name, csv_line, error_type, error_message
        from {rejects} order by line
        """
    ).fetchall()
    con.execute(f"drop table if exists {rejects}")
    con.execute(f"drop table if exists {rejects}_scan")
    for line, column, raw_line, error_type, message in structural:
        expected = f"a well-formed CSV row ({error_type.lower()}: {message.strip()})"
        check.add(line, column, (raw_line or "").rstrip("\n")[:120], expected)
    if structural:
        # a rejected row is left out of the table, so the rows after it would be misnumbered: the file's
        # problems are reported from the rejects (with their own line numbers) and it is not checked further
        con.execute(f"drop table {staged}_cells")
        return None
    con.execute(f"create temp view {staged} as select rowid + 2 as _row, * from {staged}_cells")
    return staged


def _validate_staged(
    con: duckdb.DuckDBPyConnection, table: Table, staged: str, check: _FileCheck, loaded: set[str]
) -> None:
    # Fast path: one scan with every rule OR-ed together finds the bad rows (usually none);
    # only those rows are then examined rule by rule to say what is wrong with each cell.
    cells = ", ".join(f"nullif(trim({quote_ident(c.name)}), '') as __v{i}" for i, c in enumerate(table.columns))
    any_bad = []
    for i, column in enumerate(table.columns):
        if column.required:
            any_bad.append(f"__v{i} is null")
        any_bad += [f"(__v{i} is not null and ({cond}))" for cond, _ in _value_rules(column, f"__v{i}")]
    suspects = f"_suspects_{table.name}"
    helpers = ", ".join(f"__v{i}" for i in range(len(table.columns)))
    con.execute(
        f"create or replace temp table {suspects} as "
        f"select * exclude ({helpers}) from (select *, {cells} from {staged}) "
        f"where {' or '.join(any_bad) or 'false'}"
    )
    parts = []
    for column in table.columns:
        ident = quote_ident(column.name)
        v = f"nullif(trim({ident}), '')"
        name = quote_literal(column.name)
        if column.required:
            parts.append(
                f"select _row, {name}, {ident}, 'a value (this column is required)' from {suspects} where {v} is null"
            )
        for condition, expected in _value_rules(column):
            # conditions are written against ``v``: the trimmed, non-blank text of the cell
            parts.append(
                f"select _row, {name}, {ident}, {quote_literal(expected)} from "
                f"(select _row, {ident}, {v} as v from {suspects}) where v is not null and ({condition})"
            )
    query = " union all ".join(parts) + " order by 1, 2"
    check.add_rows(con.execute(query).fetchmany(MAX_PROBLEMS_PER_FILE + 1))
    con.execute(f"drop table {suspects}")
    if check.problems:
        return
    _check_relations(con, table, staged, check, loaded)


def _check_relations(
    con: duckdb.DuckDBPyConnection, table: Table, staged: str, check: _FileCheck, loaded: set[str]
) -> None:
    typed = ", ".join(f"{_typed_expression(c)} as {quote_ident(c.name)}" for c in table.columns)
    view = f"_typed_{table.name}"
    con.execute(f"create or replace temp view {view} as select _row, {typed} from {staged}")

    key = ", ".join(quote_ident(k) for k in table.key)
    key_text = " || ' / ' || ".join(f"coalesce(cast({quote_ident(k)} as varchar), '(blank)')" for k in table.key)
    label = " + ".join(table.key)
    # Fast path: a grouped count finds whether any key repeats (usually none); only then does the
    # window below number the rows to name each duplicate and the row it repeats.
    repeated = con.execute(f"select 1 from {view} group by {key} having count(*) > 1 limit 1").fetchone()
    if repeated is not None:
        rows = con.execute(
            f"""
            with numbered as (
                select _row, {key_text} as key_text,
                       min(_row) over (partition by {key}) as first_row
                from {view}
            )
            select _row, {quote_literal(label)}, key_text,
                   'no duplicate of row ' || first_row || ' (' || {quote_literal(label)} || ' must be unique)'
            from numbered where _row > first_row order by _row
            """
        ).fetchmany(MAX_PROBLEMS_PER_FILE + 1)
        check.add_rows(rows)

    for smaller, larger in table.not_greater:
        rows = con.execute(
            f"""
            select _row, {quote_literal(smaller)}, cast({quote_ident(smaller)} as varchar),
                   'no more than {larger} (' || cast({quote_ident(larger)} as varchar) || ')'
            from {view} where {quote_ident(smaller)} > {quote_ident(larger)} order by _row
            """
        ).fetchmany(MAX_PROBLEMS_PER_FILE + 1)
        check.add_rows(rows)

    for local, target, remote in table.references:
        if target not in loaded:
            continue  # the referenced file has its own problems; do not cascade
        on = " and ".join(f"l.{quote_ident(a)} = r.{quote_ident(b)}" for a, b in zip(local, remote, strict=True))
        shown = " || ' / ' || ".join(f"cast(l.{quote_ident(a)} as varchar)" for a in local)
        rows = con.execute(
            f"""
            select l._row, {quote_literal(" + ".join(local))}, {shown},
                   {quote_literal(f"a value listed in {target}.csv ({' + '.join(remote)})")}
            from {view} l anti join raw.{target} r on {on}
            where {" and ".join(f"l.{quote_ident(a)} is not null" for a in local)}
            order by l._row
            """
        ).fetchmany(MAX_PROBLEMS_PER_FILE + 1)
        check.add_rows(rows)


def load_directory(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    tables: tuple[Table, ...] = TABLES,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, int]:
    """Validate every CSV in ``data_dir`` and load them into ``raw.<table>``.

    Raises LoadError listing every problem (nothing usable is left behind: the
    caller builds into a temporary database and discards it on failure).
    """
    con.execute("create schema if not exists raw")
    problems: list[Problem] = []
    truncated: dict[str, int] = {}
    loaded: set[str] = set()
    counts: dict[str, int] = {}
    for table in tables:
        path = data_dir / table.filename
        check = _FileCheck(str(path))
        if not path.is_file():
            check.add(None, None, None, f"a file {table.filename} in {data_dir}")
        else:
            staged = _stage_file(con, table, path, check)
            if staged is not None:
                _validate_staged(con, table, staged, check, loaded)
                if not check.problems:
                    typed = ", ".join(f"{_typed_expression(c)} as {quote_ident(c.name)}" for c in table.columns)
                    # no "order by _row": the staged rows are already in file order (insertion order is
                    # preserved, and _row is their position), so sorting them again only costs time and memory
                    con.execute(
                        f"""
                        create or replace table raw.{table.name} as
                        select {typed}, {quote_literal(path.name)} as source_file, _row as source_row
                        from {staged}
                        """
                    )
                    counts[table.name] = con.execute(f"select count(*) from raw.{table.name}").fetchone()[0]
                    loaded.add(table.name)
                    progress(f"loaded {table.filename}: {counts[table.name]:,} rows")
                con.execute(f"drop view if exists _typed_{table.name}")
                con.execute(f"drop view if exists {staged}")
                con.execute(f"drop table if exists {staged}_cells")
        problems += check.problems
        if check.extra:
            truncated[check.name] = check.extra
    if problems:
        raise LoadError(problems, truncated)
    return counts
