"""Refresh the warehouse in place: recompute only what depends on the records that changed.

A full build (``warehouse.build``) loads every CSV and recreates every model into a new file. After
an import of KPI returns or a recorded action most of the warehouse cannot have changed, and at
50,000 contracts rewriting all of it takes minutes. ``refresh`` instead opens the warehouse for
writing and:

1. copies each records-store table whose content differs (row count and the sum of row hashes) into
   ``rec.<table>__refresh``;
2. builds, in dependency order, every model that reads a changed table directly or through other
   models as ``<model>__refresh``, its SQL pointed at the other ``__refresh`` tables. Each is committed
   as it is built, so the next one reads a stored table with statistics: built inside one transaction,
   DuckDB planned the later models as if the earlier ones were empty, and they ran 2-3x slower;
3. in ONE transaction, swaps each ``__refresh`` table in for the one it replaces (drop and rename:
   no data is copied), recreates the affected views, runs every data test in ``queries/checks/`` and
   notes what it refreshed in ``build_info``.

A change that only touches some keys is cheaper still. When the affected tables declare
``-- refreshed by key: <column>`` (``feedback``, ``board_comments``: a row per comment)
and every changed records table has that column (an approval decision has its ``feedback_id``), one
transaction deletes and recomputes just those keys' rows (each input with the key column read through
a view of those keys' rows), recomputes the other affected tables whole unless the columns they read
did not change (the Voices filter counts do not read a comment's approval), lets the search index
catch up for the keys (``warehouse.STEP_KEY_UPDATES``) and runs the data tests. One approval at 50,000
contracts then touches a handful of the 18M comment rows instead of rebuilding everything.

A monthly return changes a month, not everything: a refresh by month. When the changed records
tables have a ``month`` column and their changed rows span at most ``MAX_MONTHS`` months, one
transaction recomputes, for each affected table that declares ``-- refreshed by month: looks back N
months``, only the months the change can reach: from the earliest changed month to the latest plus N
(a rolling 12-month window reaches 11 months on). It deletes those months' rows and inserts them again,
computed from its inputs restricted to those months and the N before them (months the table has no
rows in yet, next month's returns, are inserted straight from the query: nothing to delete or
compare). A model without the declaration is recomputed whole; when a later model refreshed by month
reads it, the months whose rows differ are what it passes on (the reporting calendar: a new month
flips the previous one's "latest").

Readers see the old tables until step 3 commits, and everything or nothing after it: a failing data
test or a killed process rolls the swap back, and leftover ``__refresh`` tables are dropped by the
next refresh. It declines (returns None, and the caller rebuilds from scratch) when:

- another process has the warehouse open (DuckDB's file lock); readers in this process are closed
  first, see ``access``;
- the warehouse was not built from these same CSV files, SQL, tagger and app version;
- a change reaches a Python step's input (``warehouse.STEP_INPUTS``: comment tagging and the search
  index reuse their previous work through a second, attached warehouse, which only a rebuild has),
  unless it is refreshed by key and the step can catch up by key.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from . import access, loader, models, records, reuse, warehouse


def _content(con: duckdb.DuckDBPyConnection, table: str) -> tuple:
    """Row count and an order-independent hash of every row."""
    return con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from {table} as t").fetchone()


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The columns of table ``name`` (``<schema>.<table>``, or ``<table>`` in ``main``) in this warehouse,
    in order (none if there is no such table). Read from an empty query's description: a tenth of the
    time of asking ``duckdb_columns()``."""
    qualified = name if "." in name else f"main.{name}"
    try:
        return [d[0] for d in con.execute(f"select * from {qualified} limit 0").description]
    except duckdb.CatalogException:
        return []


SUFFIX = "__refresh"


def _changed_records(
    con: duckdb.DuckDBPyConnection, records_path: Path
) -> tuple[dict[str, str | None], dict[str, int]]:
    """The records tables whose content differs from the records store: ``rec.<table>`` -> the table to
    copy from (None when the store has no such table, i.e. it is now empty); and, of those, the ones the
    store only appended rows to: ``rec.<table>`` -> how many rows the warehouse's copy already has.

    Records are mostly appended (an import, a decision). When the store's first rows (by row id) are
    exactly the warehouse's copy, by count and hash, only the rows after them are new: a refresh then
    copies and compares those alone, not the whole history that grows with every monthly import."""
    database = con.execute("select current_database()").fetchone()[0]
    tables = {t for t in reuse.tables(con, database, "rec") if not t.endswith(SUFFIX)}
    stored = reuse.tables(con, "records_store", "main") if records_path.is_file() else set()
    changed: dict[str, str | None] = {}
    appended: dict[str, int] = {}
    for table in sorted(tables):
        name, source = f"rec.{table}", (f"records_store.main.{table}" if table in stored else None)
        have = _content(con, name)
        if source is None:
            if have != (0, 0):
                changed[name] = None
            continue
        count, total, first, first_total = con.execute(
            f"select count(*), coalesce(sum(h), 0), count(*) filter (r < {have[0]}),"
            f" coalesce(sum(h) filter (r < {have[0]}), 0)"
            f" from (select rowid as r, hash(t) as h from {source} as t)"
        ).fetchone()
        if (count, total) == have:
            continue
        changed[name] = source
        if (first, first_total) == have:
            appended[name] = have[0]
    return changed, appended


def _new_rows(source: str, kept: int) -> str:
    """The rows of a records-store table after the first ``kept`` (by row id): what was appended."""
    return f"(select * from {source} where rowid >= {kept})"


def _copy_records(con: duckdb.DuckDBPyConnection, target: str, source: str | None) -> None:
    if source:
        con.execute(f"insert into {target} by name select * from {source}")


def _replace_records(con: duckdb.DuckDBPyConnection, changed: dict[str, str | None], appended: dict[str, int]) -> None:
    """Bring each changed ``rec.<table>`` up to the records store's (inside the refresh's transaction):
    the appended rows added, any other table replaced."""
    for name, source in changed.items():
        if name in appended:
            _copy_records(con, name, _new_rows(source, appended[name]))
        else:
            con.execute(f"delete from {name}")
            _copy_records(con, name, source)


def _stage(con: duckdb.DuckDBPyConnection, changed: dict[str, str | None]) -> None:
    """Copy each changed records table into ``rec.<table>__refresh``."""
    for name, source in changed.items():
        con.execute(f"create or replace table {name}{SUFFIX} as select * from {name} where false")
        _copy_records(con, f"{name}{SUFFIX}", source)


def _drop_leftovers(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the ``__refresh`` tables and views a failed or killed refresh left behind."""
    rows = con.execute(
        """
        select 'table', schema_name, table_name from duckdb_tables()
        where database_name = current_database() and ends_with(table_name, ?)
        union all
        select 'view', schema_name, view_name from duckdb_views()
        where database_name = current_database() and not internal and ends_with(view_name, ?)
        """,
        [SUFFIX, SUFFIX],
    ).fetchall()
    for kind, schema, name in rows:
        con.execute(f"drop {kind} if exists {schema}.{name}")


def plan(changed: set[str], all_models: list[models.Model] | None = None) -> list[models.Model]:
    """The models that read a changed table, directly or through other models, in build order."""
    ordered = models.build_order(all_models if all_models is not None else models.discover())
    known = {m.name for m in ordered}
    stale = set(changed)
    affected = []
    for model in ordered:
        if (models.sources(model) | models.dependencies(model, known)) & stale:
            stale.add(model.name)
            affected.append(model)
    return affected


def _why_not(con: duckdb.DuckDBPyConnection, data_dir: Path) -> str | None:
    """Why this warehouse cannot be refreshed in place, or None when it can."""
    try:
        row = con.execute("select data_signature, models_fingerprint from build_info").fetchone()
    except duckdb.Error:
        return "it was built by an earlier version"
    if row is None or row[0] != warehouse.data_signature(data_dir):
        return f"the CSV files in {data_dir} changed since it was built"
    if warehouse.outdated_reason(row[1]) is not None:
        return "the SQL models, the tagger or the app changed since it was built"
    return None


def refresh(
    db_path: Path,
    records_path: Path,
    data_dir: Path,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[str] | None:
    """Bring ``db_path`` up to date with the records store in place. Returns the names of the tables
    refreshed (empty when nothing had changed), or None when a full rebuild is needed instead.
    Raises ``warehouse.BuildError`` (or a DuckDB/model error) after rolling back when a data test fails."""
    with access.writing():
        try:
            con = duckdb.connect(str(db_path))
        except duckdb.Error as exc:  # another process reads it (file lock), or this one with other settings
            progress(f"not refreshing {db_path.name} in place: {str(exc).splitlines()[0]}")
            return None
        try:
            con.execute("set enable_progress_bar = false")
            reason = _why_not(con, data_dir)
            if reason is not None:
                progress(f"not refreshing {db_path.name} in place: {reason}")
                return None
            if records_path.is_file():
                with records.connect(records_path, read_only=True):
                    pass  # waits for any writer to finish before attaching
                con.execute(f"attach {loader.quote_literal(str(records_path))} as records_store (read_only)")
            _drop_leftovers(con)
            try:
                refreshed = _refresh(con, records_path, progress)
            finally:  # after a swap there are none; after a failure or a fallback, the staged tables
                _drop_leftovers(con)
            if refreshed is None:
                return None
            progress("committed; writing the changes to disk (checkpoint)")
            con.execute("checkpoint")
        finally:
            con.close()
    progress(f"refreshed {db_path} in place: {len(refreshed)} table(s)")
    return refreshed


# a refresh by key lists the keys in its SQL; more than this many and the models are recomputed whole
MAX_KEYS = 1_000


def _by_key(con: duckdb.DuckDBPyConnection, changed: dict[str, str | None], affected: list[models.Model]) -> str | None:
    """The key column when this change can be refreshed by key: some affected tables declare
    ``-- refreshed by key: <column>`` (one column for all), every changed records table has that column,
    and every Python step input the change reaches can catch up by key (``warehouse.STEP_KEY_UPDATES``)."""
    keys = {m.refreshed_by_key for m in affected if m.refreshed_by_key}
    if len(keys) != 1:
        return None
    (key,) = keys
    reaching = warehouse.STEP_INPUTS & {m.name for m in affected}
    if not reaching <= {m.name for m in affected if m.refreshed_by_key} or not reaching <= set(
        warehouse.STEP_KEY_UPDATES
    ):
        return None
    return key if all(key in _columns(con, name) for name in changed) else None


def _differing(
    con: duckdb.DuckDBPyConnection,
    old: str,
    new: str | None,
    column: str,
    columns: list[str] | None = None,
    kept: int | None = None,
) -> str:
    """SQL for ``column`` of every row added, removed or altered between ``old`` and ``new`` (tables or
    subqueries; None: empty): the rows of one side that the other does not have, compared in
    ``columns`` (default: every column of table ``old``). With ``kept``, ``new`` is a records-store table
    that is ``old`` with rows appended after its first ``kept`` (``_changed_records``): those rows."""
    if kept is not None:
        return f"select {column} from {_new_rows(new, kept)}"
    if new is None:
        return f"select {column} from {old}"
    listed = ", ".join(f'"{c}"' for c in columns or _columns(con, old))
    return (
        f"(select {column} from (select {listed} from {old} except all select {listed} from {new}))"
        f" union all (select {column} from (select {listed} from {new} except all select {listed} from {old}))"
    )


def _changed_keys(
    con: duckdb.DuckDBPyConnection, changed: dict[str, str | None], appended: dict[str, int], key: str
) -> int:
    """Fill temp table ``_refresh_keys`` with the ``key`` of every row added, removed or altered in the
    changed records tables. Returns how many."""
    parts = [_differing(con, name, source, key, kept=appended.get(name)) for name, source in changed.items()]
    con.execute(
        f"create or replace temp table _refresh_keys as select distinct {key} from ({' union all '.join(parts)})"
    )
    return con.execute("select count(*) from _refresh_keys").fetchone()[0]


@contextlib.contextmanager
def _one_transaction(
    con: duckdb.DuckDBPyConnection,
    changed: dict[str, str | None],
    affected: list[models.Model],
    progress: Callable[[str], None],
    scope: dict | None = None,
) -> Iterator[list[str]]:
    """A transaction that commits only if the block succeeds and then every data test passes, noting in
    ``build_info`` what was refreshed (the names it yields); anything else rolls it all back.
    A refresh by month fills ``scope`` with the months in which each table it rewrote by month
    changed (``reach``) and the tables it recomputed whole (``whole``): a data test declared ``checked
    by month`` that reads none of the latter is run over the months in which what it reads changed."""
    refreshed = sorted(changed) + [m.name for m in affected if m.materialised]
    con.execute("begin transaction")
    try:
        yield refreshed
        wanted = models.checks_reading(set(changed) | {m.name for m in affected})
        reach, whole = (scope or {}).get("reach", {}), (scope or {}).get("whole", set())
        known = {m.name for m in models.discover()}
        views: dict[str, str] = {}
        by_month, spans = [], []  # spans: for each test run over some months only, those months
        for name, sql in wanted:
            read = models.reads(sql, known)
            reached = [reach[r] for r in read if r in reach]
            span = None if None in reached else _months_spanned(reached)  # None in reach: any month
            if span and models.checked_by_month(sql) and not read & whole:
                within = _only_months(con, read, "_checked_", *span)
                if within:
                    spans.append(span)
                views |= within
                sql = models.renamed(sql, within)
            by_month.append((name, sql))
        failures = models.run_checks(con, only=by_month)
        _drop_views(con, views)
        if failures:
            raise warehouse.BuildError(warehouse.check_failures_report(failures))
        progress(
            f"ran the {len(wanted)} of {len(models.checks())} data tests that read what changed"
            + (f" ({_over_months(spans)})" if spans else "")
            + ": all passed"
        )
        if refreshed:
            con.execute(
                "update build_info set refreshed_at = ?, refreshed = ?",
                [dt.datetime.now(dt.UTC).replace(microsecond=0), refreshed],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _over_months(spans: list[tuple[dt.date, dt.date]]) -> str:
    """How many data tests ran over which months: '5 over November 2026, 3 over October 2026 to November 2026'."""
    counts = collections.Counter(spans)
    return ", ".join(
        f"{n} over {first:%B %Y}" + (f" to {last:%B %Y}" if last != first else "")
        for (first, last), n in sorted(counts.items(), key=lambda item: (item[0][1], -_months(item[0])))
    )


def _only_rows(
    con: duckdb.DuckDBPyConnection, names: set[str], prefix: str, column: str, condition: str
) -> dict[str, str]:
    """A temporary view of each of ``names`` that has ``column``, holding only its rows that meet
    ``condition``: name -> view (for ``models.renamed``; drop the views when done)."""
    views = {}
    for name in sorted(names):
        if column in _columns(con, name):
            views[name] = prefix + name.replace(".", "_")
            con.execute(f"create or replace temp view {views[name]} as select * from {name} where {condition}")
    return views


def _only_months(
    con: duckdb.DuckDBPyConnection, names: set[str], prefix: str, first: dt.date, last: dt.date
) -> dict[str, str]:
    """A temporary view of each of ``names`` that has a month column, holding only its rows for the
    months ``first`` to ``last``."""
    return _only_rows(con, names, prefix, "month", f"month between date '{first}' and date '{last}'")


def _drop_views(con: duckdb.DuckDBPyConnection, views: dict[str, str]) -> None:
    for view in set(views.values()):
        con.execute(f"drop view {view}")


def _refresh_by_key(
    con: duckdb.DuckDBPyConnection,
    changed: dict[str, str | None],
    appended: dict[str, int],
    affected: list[models.Model],
    key: str,
    progress: Callable[[str], None],
) -> list[str]:
    """In one transaction: copy the changed records tables, delete and recompute the changed keys' rows of
    each table declared ``refreshed by key``, recompute the other affected tables whole (they are small
    when a change is keyed: counts, evidence links) unless they read none of the columns that changed,
    let the Python steps catch up, run the data tests."""
    keys = [r[0] for r in con.execute(f"select {key} from _refresh_keys order by all").fetchall()]
    wanted = ", ".join(loader.quote_literal(str(k)) for k in keys)
    progress(f"refreshing in place by {key}: {len(keys):,} changed ({', '.join(sorted(changed))})")
    known = {m.name for m in models.discover()}
    before: dict[str, str] = {}  # a table refreshed by key -> a temp table of its rows for the keys, as they were
    rewritten = set(changed)  # the tables replaced whole so far
    with _one_transaction(con, changed, affected, progress) as refreshed:
        _replace_records(con, changed, appended)
        for model in affected:
            if not model.materialised:
                continue  # a view is computed when read
            if not model.refreshed_by_key and not _sees_a_change(con, model, rewritten, before, f"{key} in ({wanted})"):
                # An approval changes a comment's approval columns; the Voices filter counts read only its
                # contract, source, sentiment and month, and recomputing them read all 18M comments.
                progress(f"{model.name}: unchanged (it reads none of the columns that changed)")
                refreshed.remove(model.name)
                continue
            if model.refreshed_by_key:
                before[model.name] = f"_keys_before_{model.name}"
                con.execute(
                    f"create or replace temp table {before[model.name]} as"
                    f" select * from {model.name} where {key} in ({wanted})"
                )
                # Each input with the key column is read through a view of just those keys' rows (what the
                # declaration allows). A filter on the model's output alone is not pushed into every input:
                # feedback read all 18M comments' approvals through one of its joins (5.6 s for one comment).
                inputs = models.sources(model) | models.dependencies(model, known)
                views = _only_rows(con, inputs, "_keys_of_", key, f"{key} in ({wanted})")
                sql = models.renamed(model.sql, views)
                con.execute(f"delete from {model.name} where {key} in ({wanted})")
                con.execute(f"insert into {model.name} by name select * from ({sql}) where {key} in ({wanted})")
                _drop_views(con, views)
                progress(f"refreshed {model.name} for {len(keys):,} {key}(s)")
            else:
                models.create(con, model, progress)
                rewritten.add(model.name)
        for name in sorted(warehouse.STEP_INPUTS & {m.name for m in affected}):
            warehouse.STEP_KEY_UPDATES[name](con, "_refresh_keys")
        for table in before.values():
            con.execute(f"drop table {table}")
    return refreshed


def _sees_a_change(
    con: duckdb.DuckDBPyConnection, model: models.Model, rewritten: set[str], before: dict[str, str], keyed: str
) -> bool:
    """Whether ``model`` (recomputed whole by a refresh by key) can differ: it reads a table ``rewritten``
    whole (a records table, a table recomputed whole), or the columns it reads of a table refreshed by key
    (from DuckDB's plan, ``_scanned_columns``) differ between its rows ``before`` and now for the keys
    (``keyed``: the condition that selects them). Tables the refresh has not touched do not count."""
    for table, columns in _scanned_columns(con, model.sql).items():
        if table in rewritten:
            return True
        if table not in before:
            continue
        every = _columns(con, table)
        read = [c for c in every if columns is None or c in columns]
        now = f"(select * from {table} where {keyed})"
        if con.execute(f"select 1 from ({_differing(con, before[table], now, '1', read)}) limit 1").fetchone():
            return True
    return False


def _refresh_staged(
    con: duckdb.DuckDBPyConnection,
    changed: dict[str, str | None],
    affected: list[models.Model],
    progress: Callable[[str], None],
) -> list[str]:
    """Build every affected model beside the one it replaces, each committed; then swap them all in."""
    _stage(con, changed)
    progress(f"refreshing in place: {', '.join(sorted(changed)) or 'no records table'} changed")
    new_names = {name: f"{name}{SUFFIX}" for name in changed} | {m.name: f"{m.name}{SUFFIX}" for m in affected}
    for model in affected:  # each committed as it is built (see the module docstring)
        models.create(con, model, progress, name=new_names[model.name], sql=models.renamed(model.sql, new_names))
    with _one_transaction(con, changed, affected, progress) as refreshed:
        for name in sorted(changed):  # rec.<table>
            con.execute(f"drop table {name}")
            con.execute(f"alter table {name}{SUFFIX} rename to {name.split('.', 1)[1]}")
        for model in affected:
            if model.materialised:
                con.execute(f"drop table if exists {model.name}")
                con.execute(f"alter table {model.name}{SUFFIX} rename to {model.name}")
            else:  # a view keeps its SQL text: recreate it on the original names
                con.execute(f"drop view {model.name}{SUFFIX}")
                models.create(con, model, progress)
    return refreshed


# a refresh by month recomputes every month from the earliest changed one to the latest; records changes
# spanning more months than this are recomputed whole instead (built beside, then swapped in)
MAX_MONTHS = 12

# the months a table's change can reach, first and last (both the first of a month); None = any month
Span = tuple[dt.date, dt.date] | None
NO_MONTHS: Span = (dt.date.max, dt.date.min)  # nothing differs


def _some(spans: list[Span]) -> list[Span]:
    """The spans that reach at least one month (None, any month, included)."""
    return [s for s in spans if s is None or s[0] <= s[1]]


def _months_spanned(spans: list[Span]) -> tuple[dt.date, dt.date] | None:
    """From the first to the last month the spans reach (None, any month, left out); None if none."""
    months = [s for s in _some(spans) if s]
    return (min(s[0] for s in months), max(s[1] for s in months)) if months else None


def _plus_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _months(span: tuple[dt.date, dt.date]) -> int:
    return (span[1].year - span[0].year) * 12 + span[1].month - span[0].month + 1


def _has_month(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return "month" in _columns(con, name)


def _changed_span(con: duckdb.DuckDBPyConnection, old: str, new: str | None, kept: int | None = None) -> Span:
    """The first and last month of the rows that differ between ``old`` and ``new`` (None: empty);
    for a table without a ``month`` column, None (any month) when any row differs. With ``kept``, ``new``
    is ``old`` with rows appended after its first ``kept``: only those are looked at."""
    if not _has_month(con, old):
        changed = con.execute(f"select 1 from ({_differing(con, old, new, '1', kept=kept)}) limit 1").fetchone()
        return None if changed else NO_MONTHS
    first, last = con.execute(
        f"select min(month), max(month) from ({_differing(con, old, new, 'month', kept=kept)})"
    ).fetchone()
    return (first, last) if first is not None else NO_MONTHS


def _scanned_columns(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, set[str] | None]:
    """The columns a query reads of each stored table, from DuckDB's own plan (``explain``): its table
    scans list the columns they project and filter on, after the binder has expanded every ``*`` and
    the optimizer has dropped what is not used, through any views in between. ``main.<table>`` is
    named ``<table>``, other schemas ``<schema>.<table>``; None means every column."""
    (_kind, text), *_rest = con.execute(f"explain (format json) {sql}").fetchall()
    read: dict[str, set[str] | None] = {}

    def listed(value) -> list[str]:
        return [value] if isinstance(value, str) else list(value or [])

    def walk(node: dict) -> None:
        info = node.get("extra_info") or {}
        if isinstance(info, dict) and info.get("Table"):
            # a name that is also an SQL keyword comes quoted: memory.main."comments"
            _database, schema, table = (part.strip('"') for part in info["Table"].rsplit(".", 2))
            name = table if schema == "main" else f"{schema}.{table}"
            columns = None if "Projections" not in info else set(listed(info["Projections"]))
            if columns is not None and read.get(name, set()) is not None:
                # a column only filtered on is named in the filter (every word of it is kept: the readers'
                # columns are matched against the table's, so a function's name does no harm)
                columns |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(listed(info.get("Filters")))))
                read[name] = read.get(name, set()) | columns
            else:
                read[name] = None
        for child in node.get("children", []):
            walk(child)

    for node in json.loads(text):
        walk(node)
    return read


def _differing_months(con: duckdb.DuckDBPyConnection, old: str, new: str, columns: list[str]) -> list[dt.date]:
    """The months in which the rows of ``old`` and ``new`` (tables or subqueries, with a month column)
    differ once projected onto ``columns`` (as multisets: what a reader of only those columns sees)."""
    compared = list(dict.fromkeys(["month", *columns]))
    rows = con.execute(f"select distinct month from ({_differing(con, old, new, 'month', compared)}) order by month")
    return [r[0] for r in rows.fetchall()]


def _span_of(months: list[dt.date]) -> Span:
    return (months[0], months[-1]) if months else NO_MONTHS


def _months_in(con: duckdb.DuckDBPyConnection, source: str) -> set[dt.date]:
    return {r[0] for r in con.execute(f"select distinct month from {source}").fetchall()}


def _reader_spans(
    con: duckdb.DuckDBPyConnection,
    name: str,
    old: str,
    new: str,
    readers: dict[str, set[str] | None],
    *,
    known: Span | None = None,
    also: list[dt.date] = (),
) -> dict[str, Span]:
    """For each reader of table ``name`` (reader -> the columns of it that reader reads, None for all),
    the months whose rows differ between ``old`` and ``new`` in those columns, and the months ``also``:
    a reader that does not read a column that changed need not be recomputed for it (a new month flips
    the previous month's "latest" flag, which most readers of the calendar never look at). ``known``:
    the months in which any column differs, when already known."""
    every = _columns(con, name)
    by_columns: dict[tuple[str, ...], Span] = {}
    if known is not None:
        by_columns[tuple(every)] = known
    spans = {}
    for reader, columns in readers.items():
        wanted = tuple(c for c in every if columns is None or c in columns)
        if wanted not in by_columns:
            by_columns[wanted] = _span_of(sorted({*_differing_months(con, old, new, list(wanted)), *also}))
        spans[reader] = by_columns[wanted]
    return spans


def _recompute_months(
    con: duckdb.DuckDBPyConnection,
    model: models.Model,
    inputs: set[str],
    span: tuple[dt.date, dt.date],
    readers: dict[str, set[str] | None],
) -> tuple[int, Span, dict[str, Span]]:
    """Recompute ``model``'s rows for the months of ``span`` from its inputs' rows for those months and
    the months it looks back over (inputs without a month are read whole), and replace the months that
    have rows before or after. Returns the rows written, the months they span and, for each of
    ``readers`` (reader -> the columns it reads), the months that differ in what it reads."""
    if not _has_month(con, model.name):
        raise models.ModelError(f"{model.path.name}: declares 'refreshed by month' but has no month column")
    first, last = span
    names = _only_months(con, inputs, "_months_of_", _plus_months(first, -model.refreshed_by_month), last)
    where = f"month between date '{first}' and date '{last}'"
    order = f" order by {', '.join(model.clustered_by)}" if model.clustered_by else ""
    sql = models.renamed(model.sql, names)
    had = _months_in(con, f"(select month from {model.name} where {where})")
    if not had:
        # Months the table has no rows in yet (next month's returns): nothing to delete or compare, so
        # the rows go straight in, each written once instead of staged in a temp table and copied.
        (rows,) = con.execute(f"insert into {model.name} by name select * from ({sql}) where {where}{order}").fetchone()
        _drop_views(con, names)
        inserted = _span_of(sorted(_months_in(con, f"(select month from {model.name} where {where})")) if rows else [])
        return rows, inserted, dict.fromkeys(readers, inserted)
    con.execute(f"create or replace temp table _months_new as select * from ({sql}) where {where}{order}")
    _drop_views(con, names)
    # Which months to rewrite and to pass on to each reader. A month with rows on one side only (a new
    # month, say) has changed for every reader. Only the months with rows on both sides are compared,
    # in the columns each reader reads: a table stored by contract cannot skip to a month, so comparing
    # every column of every month (what gets rewritten anyway) would read the whole table.
    has = _months_in(con, "_months_new")
    months = sorted(had | has)
    alone = sorted(had ^ has)
    both = ", ".join(f"date '{m}'" for m in sorted(had & has))
    if first == last or not both:
        spans = dict.fromkeys(readers, _span_of(months))
    else:
        spans = _reader_spans(
            con,
            model.name,
            f"(select * from {model.name} where month in ({both}))",
            f"(select * from _months_new where month in ({both}))",
            readers,
            also=alone,
        )
    if months:
        listed = ", ".join(f"date '{m}'" for m in months)
        con.execute(f"delete from {model.name} where month in ({listed})")
        (rows,) = con.execute(
            f"insert into {model.name} by name select * from _months_new where month in ({listed})"
        ).fetchone()
    else:
        rows = 0
    con.execute("drop table _months_new")
    return rows, _span_of(months), spans


def _recompute_whole(
    con: duckdb.DuckDBPyConnection,
    model: models.Model,
    progress: Callable[[str], None],
    readers: dict[str, set[str] | None] | None,
) -> tuple[Span, dict[str, Span]]:
    """Recompute ``model`` whole. With ``readers`` (reader -> the columns of this model it reads),
    returns the months whose rows differ from before, and those that differ in what each reader reads
    (what a later model refreshed by month must recompute); else None (any month)."""
    if readers is None:
        models.create(con, model, progress)
        return None, {}
    new = f"{model.name}{SUFFIX}"
    models.create(con, model, progress, name=new)
    span = _changed_span(con, model.name, new)
    spans = {}
    if span is not None and span != NO_MONTHS:
        spans = _reader_spans(con, model.name, model.name, new, readers, known=span)
    con.execute(f"drop table {model.name}")
    con.execute(f"alter table {new} rename to {model.name}")
    return span, spans


def _refresh_by_month(
    con: duckdb.DuckDBPyConnection,
    changed: dict[str, str | None],
    appended: dict[str, int],
    affected: list[models.Model],
    spans: dict[str, Span],
    progress: Callable[[str], None],
) -> list[str]:
    """In one transaction: copy the changed records tables, recompute the months each affected table
    declared ``refreshed by month`` can have changed in, the other affected tables whole, run the data tests."""
    known = {m.name for m in models.discover()}
    inputs = {m.name: models.sources(m) | models.dependencies(m, known) for m in affected}
    by_month = [m for m in affected if m.refreshed_by_month is not None]
    first, last = _months_spanned(list(spans.values()))
    progress(f"refreshing in place by month: {first:%B %Y} to {last:%B %Y} changed ({', '.join(sorted(changed))})")
    scope: dict = {"whole": set()}
    with _one_transaction(con, changed, affected, progress, scope) as refreshed:
        _replace_records(con, changed, appended)
        reach: dict[str, Span] = dict(spans)  # the months in which a table's rows changed
        narrowed: dict[tuple[str, str], Span] = {}  # (table, reader): the months the reader sees change
        plans: dict[str, dict[str, set[str] | None]] = {}

        def readers_of(model: models.Model) -> dict[str, set[str] | None]:
            """The affected models refreshed by month that read ``model``, with the columns they read."""
            readers = {}
            for reader in by_month:
                if model.name in inputs[reader.name]:
                    if reader.name not in plans:
                        plans[reader.name] = _scanned_columns(con, reader.sql)
                    readers[reader.name] = plans[reader.name].get(model.name)
            return readers

        for model in affected:
            reached = _some(
                [narrowed.get((name, model.name), reach[name]) for name in inputs[model.name] if name in reach]
            )
            if not reached:
                progress(f"{model.name}: unchanged")
                continue
            if model.refreshed_by_month is not None and None not in reached:
                span = (min(s[0] for s in reached), _plus_months(max(s[1] for s in reached), model.refreshed_by_month))
                reach[model.name] = span
                if model.materialised:
                    rows, reach[model.name], seen = _recompute_months(
                        con, model, inputs[model.name], span, readers_of(model)
                    )
                    narrowed.update({(model.name, reader): s for reader, s in seen.items()})
                    progress(
                        f"refreshed {model.name} for {span[0]:%B %Y} to {span[1]:%B %Y}: {rows:,} rows"
                        + (f" in {_months(reach[model.name]):,} month(s)" if rows else ", none")
                    )
            elif model.materialised:
                readers = readers_of(model)
                reach[model.name], seen = _recompute_whole(con, model, progress, readers if readers else None)
                narrowed.update({(model.name, reader): s for reader, s in seen.items()})
                scope["whole"].add(model.name)
            else:
                reach[model.name] = None  # a view is computed when read; whatever reads it may change anywhere
                scope["whole"].add(model.name)
        scope["reach"] = {name: span for name, span in reach.items() if name not in scope["whole"]}
    return refreshed


def _refresh(con: duckdb.DuckDBPyConnection, records_path: Path, progress: Callable[[str], None]) -> list[str] | None:
    changed, appended = _changed_records(con, records_path)
    if not changed:
        progress("nothing recorded since the warehouse was built or refreshed: nothing to refresh")
        return []
    for name, kept in sorted(appended.items()):
        progress(f"{name}: rows appended after the {kept:,} copied before; only those are read")
    affected = plan(set(changed))
    key = _by_key(con, changed, affected)
    if key is not None and 0 < _changed_keys(con, changed, appended, key) <= MAX_KEYS:
        return _refresh_by_key(con, changed, appended, affected, key, progress)
    reaching = warehouse.STEP_INPUTS & {m.name for m in affected}
    if reaching:
        progress(f"not refreshing in place: the change reaches {', '.join(sorted(reaching))}")
        return None
    if any(m.refreshed_by_month is not None for m in affected):
        spans = {name: _changed_span(con, name, source, appended.get(name)) for name, source in changed.items()}
        spanned = _months_spanned(list(spans.values()))
        if spanned is not None and _months(spanned) <= MAX_MONTHS:
            return _refresh_by_month(con, changed, appended, affected, spans, progress)
    return _refresh_staged(con, changed, affected, progress)
