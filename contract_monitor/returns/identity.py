"""What an import may not do to what is already known: reuse another comment's id, or send one
contract-month's rows in two files at once. Checked after every file has passed on its own and before
anything is written, each problem naming file, sheet, row and column.

- A comment id names one comment. One the provider gives (``feedback_id``) must not be used by a
  comment in the base data, nor by an imported comment of another contract or month, nor twice in
  one import: reused, one contract's row would carry another's words and consent (the ``feedback``
  mart fanned out, and a board saw a comment whose author had refused consent). An id already used
  for the same contract-month is that comment's earlier revision, which this file replaces.
- Two files of one import for the same contract-month of one kind of return: the second would
  become the next revision and hide the first file's rows. Refused, naming both files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import records, warehouse
from ..loader import Problem
from .fast import TypedRows
from .store import Prepared

_MONTH_COLUMN = {"narrative_feedback": "received_date"}


def _rows(item: Prepared, table: str, columns: list[str]) -> pd.DataFrame:
    rows = item.tables.get(table)
    if not rows:
        return pd.DataFrame(columns=columns)
    if isinstance(rows, TypedRows):
        present = [c for c in columns if c in rows.table.column_names]
        frame = rows.table.select(present).to_pandas()
    else:
        frame = pd.DataFrame(list(rows))
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    return frame[columns]


def _sheet(value) -> str | None:
    """A CSV file's rows have no sheet (pandas reads the missing value as NaN)."""
    return value if isinstance(value, str) else None


def _where(file: str, sheet: str | None, row: int) -> str:
    return f"{file}{f', sheet {sheet!r}' if sheet else ''}, row {row}"


def overlapping_files(items: list[Prepared]) -> list[Problem]:
    """Two files of this import sending the same kind of return for the same contract-month."""
    problems: list[Problem] = []
    for table in dict.fromkeys(t for item in items for t in item.tables):
        month = _MONTH_COLUMN.get(table, "month")
        first: dict[tuple, tuple[str, str | None, int]] = {}
        for item in items:
            frame = _rows(item, table, ["contract_id", month, "_row", "_sheet"])
            if frame.empty:
                continue
            frame["_month"] = pd.to_datetime(frame[month]).dt.to_period("M")
            name = Path(item.name).name
            for (contract, period), group in frame.groupby(["contract_id", "_month"], sort=True):
                row = int(group["_row"].min())
                sheet = _sheet(group.loc[group["_row"].idxmin(), "_sheet"])
                key = (contract, period)
                if key not in first:
                    first[key] = (name, sheet, row)
                    continue
                other = first[key]
                problems.append(
                    Problem(
                        name,
                        row,
                        "contract_id",
                        f"{contract} / {period}",
                        f"one file per contract and month for {table} in an import: "
                        f"{_where(*other)} sends {table} for {contract}, {period:%B %Y} too, and the later file "
                        "would replace it (put both in one file, or import them one after the other)",
                        sheet=sheet,
                    )
                )
    return problems


def _incoming_ids(items: list[Prepared]) -> pd.DataFrame:
    frames = []
    for item in items:
        frame = _rows(item, "narrative_feedback", ["feedback_id", "contract_id", "received_date", "_row", "_sheet"])
        frame = frame[frame["feedback_id"].notna()]
        if not frame.empty:
            frames.append(frame.assign(file=Path(item.name).name))
    if not frames:
        return pd.DataFrame()
    ids = pd.concat(frames, ignore_index=True).rename(columns={"_row": "row_number", "_sheet": "sheet"})
    ids["month"] = pd.to_datetime(ids["received_date"]).dt.to_period("M").dt.to_timestamp().dt.date
    return ids


def _problem(row, expected: str) -> Problem:
    return Problem(row.file, int(row.row_number), "feedback_id", row.feedback_id, expected, sheet=_sheet(row.sheet))


def reused_comment_ids(items: list[Prepared], db_path: Path, records_path: Path) -> list[Problem]:
    """Comment ids given in these files that already name another comment (see the module's text)."""
    ids = _incoming_ids(items)
    if ids.empty:
        return []
    problems: list[Problem] = []
    first: dict[str, tuple[str, str | None, int]] = {}
    for row in ids.itertuples(index=False):
        if row.feedback_id in first:
            problems.append(
                _problem(
                    row, f"a comment id not used elsewhere in this import ({_where(*first[row.feedback_id])} has it)"
                )
            )
        else:
            first[row.feedback_id] = (row.file, _sheet(row.sheet), int(row.row_number))
    incoming = ids[["feedback_id", "contract_id", "month", "file", "row_number", "sheet"]]
    con = warehouse.connect(db_path, read_only=True)
    try:
        con.register("incoming", incoming)
        used = con.execute(
            "select i.*, r.source_file as used_file, r.source_row as used_row, r.contract_id as used_contract"
            " from incoming as i inner join raw.narrative_feedback as r using (feedback_id)"
            " order by i.file, i.row_number"
        ).df()
        con.unregister("incoming")
    finally:
        con.close()
    for row in used.itertuples(index=False):
        problems.append(
            _problem(
                row,
                f"a comment id not already used: the base data's {row.used_file}, row {row.used_row} has it "
                f"(a comment of {row.used_contract})",
            )
        )
    if records_path.is_file():
        with records.connect(records_path, read_only=True) as store:
            known = store.execute(
                "select count(*) from duckdb_tables() where table_name = 'return_narrative_feedback'"
            ).fetchone()[0]
            if known:
                store.register("incoming", incoming)
                used = store.execute(
                    """
                    select distinct on (i.file, i.row_number) i.*, r.contract_id as used_contract,
                        r.month as used_month, r.source_file as used_file
                    from incoming as i
                    inner join return_narrative_feedback as r using (feedback_id)
                    where r.contract_id <> i.contract_id or r.month <> i.month
                    order by i.file, i.row_number
                    """
                ).df()
                store.unregister("incoming")
                for row in used.itertuples(index=False):
                    problems.append(
                        _problem(
                            row,
                            f"a comment id not already used: {row.used_file}, imported earlier, has it for "
                            f"{row.used_contract}, {row.used_month:%B %Y} (an id names one comment; leave it blank "
                            "and one is made up)",
                        )
                    )
    return problems


def check(items: list[Prepared], db_path: Path, records_path: Path) -> list[Problem]:
    """Every problem of this kind in the import (none: it may be written)."""
    return overlapping_files(items) + reused_comment_ids(items, db_path, records_path)
