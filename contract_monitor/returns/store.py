"""Write validated returns into the records store in one transaction, and archive the raw files.

Revisions: for each table, contract and month, the first import is revision 1 and
every later import that covers that contract-month is the next revision; the staging
views use only the newest revision, and every revision stays in the store (history).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from .. import records
from .fast import TypedRows, scratch
from .validate import Note

RECORD_TABLES = {
    "kpi_values": "return_kpi_values",
    "experience_measures": "return_experience_measures",
    "finance": "return_finance",
    "narrative_feedback": "return_narrative_feedback",
}
# fault injection for the kill tests: pause (and say so) at a named point so a test can kill the process there
PAUSE_ENV = "CONTRACT_MONITOR_IMPORT_PAUSE"


def pause_point(name: str) -> None:
    if os.environ.get(PAUSE_ENV) == name:
        print(f"paused at {name}", flush=True)
        sys.stdout.flush()
        time.sleep(120)


@dataclass
class Prepared:
    """One validated file, ready to store."""

    name: str
    sha256: str
    data: bytes
    file_format: str  # return, ae or fft
    tables: dict[str, list[dict]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(r) for r in self.tables.values())


def imported(records_path: Path) -> dict[str, tuple]:
    """sha256 -> (file, imported_at, imported_by) of every file already imported."""
    if not records_path.is_file():
        return {}
    with records.connect(records_path, read_only=True) as con:
        exists = con.execute("select count(*) from duckdb_tables() where table_name = 'return_imports'").fetchone()[0]
        if not exists:
            return {}
        rows = con.execute("select source_sha256, source_file, imported_at, imported_by from return_imports").fetchall()
    return {r[0]: r[1:] for r in rows}


def archive(archive_dir: Path, item: Prepared) -> Path:
    """The raw bytes under ``<archive_dir>/<sha256>/<name>``, written to a temp file and renamed."""
    folder = archive_dir / item.sha256
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(item.name).name
    if not target.is_file():
        temp = target.with_name(target.name + ".partial")
        temp.write_bytes(item.data)
        os.replace(temp, target)
    return target


def rows_text(n: int, kind: str = "") -> str:
    """'1 row', '400,000 rows', '1 kpi_values row': a count of rows for a progress message or report."""
    return f"{n:,} {kind + ' ' if kind else ''}row{'' if n == 1 else 's'}"


def _month_column(table: str) -> str:
    """The column whose month a row of ``table`` belongs to (a comment: the month it was received)."""
    return "received_date" if table == "narrative_feedback" else "month"


def _month_of(table: str, row: dict) -> dt.date:
    return row[_month_column(table)].replace(day=1)


def _incoming(rows):
    """What DuckDB can read the rows from: the Arrow table of rows checked at once, else a frame."""
    return rows.table if isinstance(rows, TypedRows) else pd.DataFrame(list(rows))


def contract_months(items: list[Prepared]) -> set[tuple[str, dt.date]]:
    """The (contract, month) pairs the rows of these files cover: the rows checked at once (Arrow
    tables) in one query per kind of return, however many files there are."""
    pairs: set[tuple[str, dt.date]] = set()
    at_once: dict[str, list[pa.Table]] = {}
    for item in items:
        for table, rows in item.tables.items():
            if isinstance(rows, TypedRows):
                at_once.setdefault(table, []).append(rows.table.select(["contract_id", _month_column(table)]))
            else:
                pairs |= {(r["contract_id"], _month_of(table, r)) for r in rows}
    con = scratch()
    try:
        for table, tables in at_once.items():
            con.register("incoming", pa.concat_tables(tables, promote_options="permissive"))
            pairs.update(
                con.execute(
                    f"select distinct contract_id, date_trunc('month', {_month_column(table)})::date from incoming"
                ).fetchall()
            )
            con.unregister("incoming")
    finally:
        con.close()
    return pairs


def _sources(given: list[tuple[Prepared, object]], sha: bool) -> list[tuple[object, str]]:
    """The files' rows as few tables as DuckDB can read alike, each with the file's format: the rows
    checked at once of one format and column types as one Arrow table, any other file's rows on their
    own; with each row's file (``_item``, its place in the import) and, if ``sha``, its checksum (``_sha``)."""
    alike: dict[tuple, list[pa.Table]] = {}
    out: list[tuple[object, str]] = []
    for index, (item, rows) in enumerate(given):
        if isinstance(rows, TypedRows):
            n = rows.table.num_rows
            table = rows.table.append_column("_item", pa.array([index] * n, pa.int32()))
            if sha:
                table = table.append_column("_sha", pa.array([item.sha256] * n, pa.string()))
            alike.setdefault((item.file_format, rows.table.schema), []).append(table)
        else:
            frame = _incoming(rows).assign(_item=index)
            out.append((frame.assign(_sha=item.sha256) if sha else frame, item.file_format))
    out += [(pa.concat_tables(tables), file_format) for (file_format, _schema), tables in alike.items()]
    return out


def _store_table(
    con: duckdb.DuckDBPyConnection, table: str, given: list[tuple[Prepared, object]], who: str, now: dt.datetime
) -> int:
    """Insert one table's rows of every file of the import, in one statement: each file's rows are the
    next revision of each contract-month they cover (``identity`` refuses two files of one import for
    the same contract-month; were they given, the later file's rows would replace the earlier's). A
    month of returns sent as one file per provider is hundreds of files: a few statements in all, not a
    few per file. Returns how many
    stored rows of latest revisions the new rows replace."""
    target = RECORD_TABLES[table]
    selects = []
    try:
        for index, (source, file_format) in enumerate(_sources(given, sha=table == "narrative_feedback")):
            view = f"incoming_{index}"
            con.register(view, source)
            columns = {r[0] for r in con.execute(f"describe {view}").fetchall()}
            made: dict[str, str] = {}  # column -> the SQL that makes it (in place of the one given, if any)
            if table == "kpi_values" and file_format == "return":
                # the own format's blank submitted_date means "sent today"; adapters' sources do not say
                made["submitted_date"] = f"coalesce(submitted_date, date '{now.date()}')"
            if table == "narrative_feedback":
                made["month"] = "date_trunc('month', received_date)::date"
                given_id = "feedback_id" if "feedback_id" in columns else "null"
                made["feedback_id"] = f"coalesce({given_id}, 'IMP-' || left(_sha, 10) || '-' || _row::varchar)"
            exclude = ", ".join(["_row", "_sheet", *(c for c in ["_sha", *made] if c in columns)])
            selects.append(
                f"""
                select * exclude ({exclude}), {"".join(f"{sql} as {c}, " for c, sql in made.items())}
                    date_trunc('month', {_month_column(table)})::date as _key_month,
                    _row as source_row, _sheet::varchar as source_sheet
                from {view}
                """
            )
        con.execute("create or replace temp table _incoming as " + " union all by name ".join(selects))
    finally:
        for index in range(len(selects)):
            con.unregister(f"incoming_{index}")
    con.execute(
        "create or replace temp table _files as select unnest(?::integer[]) as _item,"
        " unnest(?::varchar[]) as source_file, unnest(?::varchar[]) as source_sha256",
        [list(range(len(given))), [Path(item.name).name for item, _ in given], [item.sha256 for item, _ in given]],
    )
    # each file's rows per contract-month, numbered in file order: the nth file is revision latest + n
    con.execute(
        """
        create or replace temp table _groups as
        select
            contract_id, _key_month, _item, count(*) as stored,
            row_number() over (partition by contract_id, _key_month order by _item) as nth,
            row_number() over (partition by contract_id, _key_month order by _item desc) = 1 as last
        from _incoming
        group by contract_id, _key_month, _item
        """
    )
    con.execute(
        f"""
        create or replace temp table _latest as
        select t.contract_id, t.month, max(t.revision) as revision
        from {target} as t
        semi join (select distinct contract_id, _key_month as month from _groups) as k using (contract_id, month)
        group by all
        """
    )
    (replaced_rows,) = con.execute(
        f"""
        select
            (select count(*) from {target} as t inner join _latest as l using (contract_id, month, revision))
            + (select coalesce(sum(stored), 0) from _groups where not last)
        """
    ).fetchone()
    # each file's contract-months with their revision and the file's name, then one join of the rows to
    # them: joined to the groups, the files and the latest revisions in turn, DuckDB hashed the 400,000
    # incoming rows (a month at L) instead of the 50,000 contract-months, and the insert took 4 times as long
    con.execute(
        """
        create or replace temp table _revisions as
        select g.contract_id, g._key_month, g._item, coalesce(l.revision, 0) + g.nth as revision, f.source_file,
            f.source_sha256
        from _groups as g
        inner join _files as f using (_item)
        left join _latest as l on l.contract_id = g.contract_id and l.month = g._key_month
        """
    )
    con.execute(
        f"""
        insert into {target} by name
        select i.* exclude (_key_month, _item), r.revision, r.source_file, r.source_sha256,
            $now as imported_at, $who as imported_by
        from _incoming as i
        inner join _revisions as r using (contract_id, _key_month, _item)
        """,
        {"now": now, "who": who},
    )
    for name in ("_incoming", "_files", "_groups", "_latest", "_revisions"):
        con.execute(f"drop table {name}")
    return replaced_rows


def write(
    records_path: Path,
    items: list[Prepared],
    who: str,
    archived: dict[str, Path],
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, dict[str, int]]:
    """Store every item in one transaction. Returns {table: {added, replaced}}; nothing is kept on failure."""
    counts: dict[str, dict[str, int]] = {t: {"added": 0, "replaced": 0} for t in RECORD_TABLES}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with records.connect(records_path) as con:
        con.execute("begin transaction")
        try:
            for table in RECORD_TABLES:
                given = [(item, item.tables[table]) for item in items if item.tables.get(table)]
                if not given:
                    continue
                counts[table]["replaced"] += _store_table(con, table, given, who, now)
                for item, rows in given:
                    counts[table]["added"] += len(rows)
                    progress(f"stored {rows_text(len(rows), table)} from {item.name}")
            for item in items:
                if item.notes:
                    notes = pd.DataFrame(
                        {
                            "source_sha256": item.sha256,
                            "source_file": Path(item.name).name,
                            "source_sheet": [n.sheet for n in item.notes],
                            "source_row": [n.row for n in item.notes],
                            "column_name": [n.column for n in item.notes],
                            "original": [n.original for n in item.notes],
                            "stored": [n.stored for n in item.notes],
                            "note": [n.note for n in item.notes],
                        }
                    )
                    con.register("incoming_notes", notes)
                    con.execute("insert into return_notes by name select * from incoming_notes")
                    con.unregister("incoming_notes")
            # every file's line in one statement (a month may be hundreds of providers' files)
            imports = pd.DataFrame(
                {
                    "source_sha256": [item.sha256 for item in items],
                    "source_file": [Path(item.name).name for item in items],
                    "archived_as": [str(archived.get(item.sha256, "")) for item in items],
                    "file_format": [item.file_format for item in items],
                    "imported_at": pd.Series([now] * len(items), dtype="datetime64[us]"),
                    "imported_by": who,
                    "rows_stored": [item.rows for item in items],
                    "summary": ["; ".join(f"{k}: {v:,}" for k, v in item.stats.items()) for item in items],
                }
            )
            con.register("incoming_imports", imports)
            con.execute("insert into return_imports select * from incoming_imports")
            con.unregister("incoming_imports")
            pause_point("before-commit")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return counts


def forget(records_path: Path, shas: list[str]) -> None:
    """Remove imports again (used when the warehouse could not be rebuilt with them), in one transaction."""
    with records.connect(records_path) as con:
        con.execute("begin transaction")
        for table in [*RECORD_TABLES.values(), "return_notes", "return_imports"]:
            con.execute(f"delete from {table} where source_sha256 in (select unnest(?))", [shas])
        con.execute("commit")
