"""The app's only door to the warehouse: one cached read-only connection, cached reads of marts.

Pages call these functions and never write SQL. Every function reads a mart
(``queries/marts/<name>.sql``), so the SQL behind any figure is one hop away.
Caches are keyed on the database file's modification time, so a rebuild is
picked up on the next rerun without restarting the app.
"""

from __future__ import annotations

import datetime as dt
import json
import weakref
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from . import access, loader, search_index, settings, warehouse


def _db_state() -> tuple[str, float]:
    path = settings.db_path()
    return str(path), (path.stat().st_mtime if path.is_file() else 0.0)


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, mtime: float) -> duckdb.DuckDBPyConnection:
    """The warehouse attached read-only to an in-memory DuckDB of its own. ``duckdb.connect(path)``
    would share one database instance per path within the process, and keep serving the old file
    after a rebuild (e.g. after an approval on the Approve comments page) swapped in a new one."""
    if not Path(path).is_file():
        warehouse.connect(Path(path), read_only=True)  # raises the "build it with" message
    con = duckdb.connect(config={"memory_limit": settings.APP_MEMORY_LIMIT})
    con.execute(f"attach {loader.quote_literal(path)} as warehouse (read_only)")
    _open.add(con)
    return con


_open: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()  # those the cache has not dropped


def _close_connections() -> None:
    """Close every connection to the warehouse before it is refreshed in place (``access.writing``):
    their cached blocks would go stale. The next read opens a new one."""
    _connection.clear()
    for con in list(_open):
        con.close()


access.on_write(_close_connections)


def database_exists() -> bool:
    return settings.db_path().is_file()


@st.cache_resource(max_entries=2, show_spinner=False)
def _outdated(state: tuple[str, float]) -> str | None:
    try:
        built = _query("select models_fingerprint from build_info")
    except duckdb.Error:
        return warehouse.outdated_reason(None)
    return warehouse.outdated_reason(None if built.empty else built.iloc[0, 0])


def outdated() -> str | None:
    """Why this version of the app cannot show the warehouse (``warehouse.outdated_reason``), or None.
    Worked out once per warehouse file (its modification time), not on every rerun."""
    return _outdated(_db_state())


def _query(sql: str, params: list | None = None, via_arrow: bool = False) -> pd.DataFrame:
    with access.reading():  # an in-place refresh waits for this query, and this query for it
        path, mtime = _db_state()
        con = _connection(path, mtime).cursor()
        try:
            con.execute("use warehouse")  # each cursor starts in the in-memory catalog
            result = con.execute(sql, params or [])
            if not via_arrow:
                return result.df()
            return _arrow_frame(result.to_arrow_table())
        finally:
            con.close()


# Arrow's integer and boolean types -> pandas' nullable ones (what ``.df()`` gives for a column with a null)
_NULLABLE = {
    pa.bool_(): pd.BooleanDtype(),
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
}


def _arrow_frame(table: pa.Table) -> pd.DataFrame:
    """Tens of thousands of rows: Arrow to pandas is 2-3x faster than ``.df()``, and this gives the same
    frame ``.df()`` would (tests compare both ways): dates in microseconds, not milliseconds; integers
    with a null as pandas' nullable integers of their width (Int32, Int64, ...), not float, and yes/no
    as nullable boolean, not object; decimals as float; a text column with nothing in it as object."""
    frame = table.to_pandas(date_as_object=False)
    for column in frame.select_dtypes("datetime64").columns:
        frame[column] = frame[column].astype("datetime64[us]")
    for field in table.schema:
        values = table.column(field.name)
        if (pa.types.is_integer(field.type) or pa.types.is_boolean(field.type)) and values.null_count:
            frame[field.name] = values.to_pandas(types_mapper=_NULLABLE.get)
        elif pa.types.is_decimal(field.type):
            frame[field.name] = frame[field.name].astype("float64")
        elif pa.types.is_string(field.type) and values.null_count == len(values) and len(values):
            frame[field.name] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return frame


@st.cache_resource(max_entries=64, show_spinner=False)
def _cached(sql: str, params: tuple, state: tuple[str, float]) -> pd.DataFrame:
    return _query(sql, list(params))


def read(sql: str, *params) -> pd.DataFrame:
    """The query's frame, cached as one shared frame per query and warehouse file; each caller gets a
    copy, so a page cannot change another's. ``st.cache_data`` pickled every frame it stored and
    unpickled it on every read: at L a contract page's five reads took 35.6-36.0 ms with it, 32.4-34.4
    ms like this (median of 40 each)."""
    return _cached(sql, tuple(params), _db_state()).copy()


@st.cache_resource(max_entries=16, show_spinner=False)
def _cached_wide(sql: str, params: tuple, state: tuple[str, float]) -> pd.DataFrame:
    return _query(sql, list(params), via_arrow=True)


def read_wide(sql: str, *params) -> pd.DataFrame:
    """``read`` for a table with a row per contract of the whole portfolio (tens of thousands): through
    Arrow (2-3x faster than ``.df()`` at that size), in a cache of its own that holds fewer such frames
    than ``read``'s holds small ones; each caller gets a copy (about 1 ms at 50,000 contracts)."""
    return _cached_wide(sql, tuple(params), _db_state()).copy()


def clear_caches() -> None:
    """Forget every cached read (not the connection): the benchmark times reads, not cache hits."""
    _cached.clear()
    _cached_wide.clear()


def portfolio_overview() -> pd.DataFrame:
    """Mart: portfolio_overview (queries/marts/portfolio_overview.sql)."""
    # stored in this order (the mart's "clustered by"), and a scan keeps insertion order: no sort
    return read_wide("select * from portfolio_overview")


def rating_legend() -> pd.DataFrame:
    """Mart: rating_legend (queries/marts/rating_legend.sql)."""
    return read("select * from rating_legend order by sort_order")


# --- dashboard pages (portfolio, contract, voices) ---------------------------------------------


def latest_month_changes(contract_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Mart: month_changes (queries/marts/month_changes.sql), for each contract's latest month
    (portfolio_overview.as_of_month): what changed since the month before; only ``contract_ids``'
    changes when given (a large portfolio's page lists those of the contracts on screen)."""
    where, params = "", []
    if contract_ids is not None:
        # as one JSON text, not a list: the read's cache hashes its parameters, and hashing a thousand
        # ids one by one took longer than the query
        where = """ where contract_id in (select unnest(from_json(?, '["varchar"]')))"""
        params = [json.dumps(list(contract_ids))]
    return read(
        "select mc.*, p.title from month_changes as mc"
        f" inner join (select contract_id, as_of_month, title from portfolio_overview{where}) as p"
        " on p.contract_id = mc.contract_id and p.as_of_month = mc.month"
        " order by mc.contract_id, mc.item_type, mc.item_name",
        *params,
    )


def contract_months(contract_id: str) -> pd.DataFrame:
    """Mart: contract_month (queries/marts/contract_month.sql): one contract's scorecard, month by month."""
    return read("select * from contract_month where contract_id = ? order by month", contract_id)


# A contract page shows one month (a year of KPIs up to it), so it reads that, not all of the contract's
# months: the frames it converts and caches are a twelfth to a thirty-sixth of the size.


def _month_filter(column: str, since=None, until=None) -> tuple[str, list]:
    """`` and <column> between ...`` for the bounds given (dates or timestamps; None = open)."""
    where, params = "", []
    if since is not None:
        where, params = f"{where} and {column} >= ?", [*params, pd.Timestamp(since).date()]
    if until is not None:
        where, params = f"{where} and {column} <= ?", [*params, pd.Timestamp(until).date()]
    return where, params


# "How it was rated" in words: queries/macros/kpi_rule_applied.sql, over kpi_status's columns
KPI_RULE_APPLIED = (
    "kpi_rule_applied(is_return, month, value, target, direction, tolerance, shortfall_tolerances,"
    " rule_approaching, rule_requires_improvement)"
)


def kpi_status(contract_id: str, since=None, until=None) -> pd.DataFrame:
    """Mart: kpi_status (queries/marts/kpi_status.sql): one contract's KPIs, month by month (the months
    from ``since`` to ``until`` when given), with ``rule_applied``: how each month was rated, in words
    (the macro in queries/macros/kpi_rule_applied.sql)."""
    where, params = _month_filter("month", since, until)
    return read(
        f"select *, {KPI_RULE_APPLIED} as rule_applied from kpi_status where contract_id = ?{where}"
        " order by kpi_code, month",
        contract_id,
        *params,
    )


def experience_measures(contract_id: str, month=None) -> pd.DataFrame:
    """Mart: experience_measure_month (queries/marts/experience_measure_month.sql): one contract's
    survey measures, every month or ``month``'s."""
    where, params = _month_filter("month", month, month)
    return read(
        f"select * from experience_measure_month where contract_id = ?{where} order by month, measure",
        contract_id,
        *params,
    )


def relationship_pulse(contract_id: str, until=None) -> pd.DataFrame:
    """Mart: relationship_pulse_quarterly (queries/marts/relationship_pulse_quarterly.sql): one
    contract's quarters (those starting by ``until`` when given)."""
    where, params = _month_filter("quarter_start", None, until)
    return read(
        f"select * from relationship_pulse_quarterly where contract_id = ?{where}"
        " order by quarter_start, respondent_side",
        contract_id,
        *params,
    )


def comments(contract_id: str | None = None, month=None) -> pd.DataFrame:
    """Mart: feedback (queries/marts/feedback.sql): every comment, or one contract's (received in
    ``month`` when given); newest first.
    Contract managers' view: a board-facing view must keep only ``shareable_with_board`` rows."""
    if contract_id is None:
        return read("select * from feedback order by received_date desc, feedback_id")
    where, params = _month_filter("month", month, month)
    return read(
        f"select * from feedback where contract_id = ?{where} order by received_date desc, feedback_id",
        contract_id,
        *params,
    )


# What the Data import page's "Returns this month" table shows of each contract's return
RETURNS_STATUS_COLUMNS = (
    "contract_id, title, month, return_status, kpis_returned, kpis_expected, survey_returned, finance_returned,"
    " due_date, first_submitted_date, latest_revision, last_source_file, last_imported_by"
)


def returns_status(month=None) -> pd.DataFrame:
    """Mart: returns_status (queries/marts/returns_status.sql): each contract's return for a month (default:
    latest), by contract: the 13 of its columns the page shows (``RETURNS_STATUS_COLUMNS``; 50,000 rows at L
    read in 23-25 ms, not 31-34 ms with all 19, session 12). Stored by month and contract (its "clustered by"; a
    refresh inserts a month in that order too), and a scan keeps the stored order, so no sort (31 -> 23 ms)."""
    if month is None:
        return read_wide(
            f"select {RETURNS_STATUS_COLUMNS} from returns_status where month = (select max(month) from returns_status)"
        )
    return read_wide(f"select {RETURNS_STATUS_COLUMNS} from returns_status where month = ?", month)


def return_months() -> pd.DataFrame:
    """Mart: returns_status (queries/marts/returns_status.sql): counts of each return state per month, newest first."""
    return read(
        "select month, return_status, count(*) as contracts from returns_status group by all order by month desc, 2"
    )


def import_log() -> pd.DataFrame:
    """Mart: import_log (queries/marts/import_log.sql): every imported file, newest first."""
    return read("select * from import_log order by imported_at desc, source_file")


def return_revisions() -> pd.DataFrame:
    """Mart: return_revisions (queries/marts/return_revisions.sql): every revision of every imported return."""
    return read("select * from return_revisions order by imported_at desc, contract_id, month, return_table")


def import_notes(source_sha256: str) -> pd.DataFrame:
    """Mart: import_notes (queries/marts/import_notes.sql): values one import normalised, with file/sheet/row/column."""
    return read("select * from import_notes where source_sha256 = ? order by source_sheet, source_row", source_sha256)


# --- narrative: approvals, stories as evidence, "you said, we did", the board view -------------


def _queue_where(status: str, contract_id: str | None) -> tuple[str, list]:
    if contract_id:
        return "approval_state = ? and contract_id = ?", [status, contract_id]
    return "approval_state = ?", [status]


def approval_queue(status: str, contract_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Mart: feedback (queries/marts/feedback.sql): the comments in one approval state (and contract),
    oldest first (the order they arrived); only the first ``limit`` when given. Contract managers only."""
    where, params = _queue_where(status, contract_id)
    sql = f"select * from feedback where {where} order by received_date, feedback_id"
    if limit is not None:
        sql, params = sql + " limit ?", [*params, int(limit)]
    return read(sql, *params)


def approval_counts(contract_id: str | None = None) -> dict[str, int]:
    """Mart: feedback: how many comments are in each approval state (one contract's, or all)."""
    where, params = ("where contract_id = ?", [contract_id]) if contract_id else ("", [])
    counts = read(f"select approval_state, count(*) as comments from feedback {where} group by all", *params)
    return dict(zip(counts["approval_state"], counts["comments"].astype(int), strict=True))


def comment_decision_log(feedback_id: str) -> pd.DataFrame:
    """Mart: comment_decision_log (queries/marts/comment_decision_log.sql): every decision on one comment,
    newest first (who, when, the display text before and after, the reason)."""
    return read("select * from comment_decision_log where feedback_id = ? order by newest_first", feedback_id)


def board_comments(contract_id: str) -> pd.DataFrame:
    """Mart: board_comments (queries/marts/board_comments.sql): one contract's comments a board may see
    (consented AND approved; redacted or approved edited text only), newest month first."""
    return read("select * from board_comments where contract_id = ? order by month desc, feedback_id", contract_id)


def kpi_evidence(contract_id: str, board_only: bool = False) -> pd.DataFrame:
    """Mart: kpi_evidence (queries/marts/kpi_evidence.sql): comments attached as evidence to one contract's
    KPI-months; ``board_only`` keeps those a board may see (``shareable_with_board``)."""
    where = " and shareable_with_board" if board_only else ""
    return read(
        f"select * from kpi_evidence where contract_id = ?{where} order by kpi_code, month desc, linked_at desc",
        contract_id,
    )


def you_said_we_did(contract_id: str) -> pd.DataFrame:
    """Mart: you_said_we_did (queries/marts/you_said_we_did.sql): actions recorded for one contract, newest first."""
    return read(
        "select * from you_said_we_did where contract_id = ? order by changed_on desc, recorded_at desc", contract_id
    )


def response_loop(contract_id: str) -> pd.DataFrame:
    """Mart: response_loop (queries/marts/response_loop.sql): one contract's themes with negative comments in the
    last 12 months, and whether anyone responded."""
    return read(
        "select * from response_loop where contract_id = ? order by responded, negative_comments desc, theme",
        contract_id,
    )


def contract_themes(contract_id: str) -> pd.DataFrame:
    """Mart: theme_month_counts (queries/marts/theme_month_counts.sql): the codebook themes one contract's
    comments mention, with how many (negative) comments, most negative first."""
    return read(
        "select theme, any_value(theme_label) as theme_label, sum(comments) as comments,"
        " sum(negative_comments) as negative_comments from theme_month_counts where contract_id = ?"
        " group by theme order by negative_comments desc, theme",
        contract_id,
    )


# --- voices: filtering and search happen in SQL, so the page never loads every comment ----------

VOICES_PAGE_SIZE = 500


@dataclass(frozen=True)
class CommentFilters:
    """What the Voices page filters comments by; every field is optional."""

    search: str = ""
    contracts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()  # may include "not rated"
    themes: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    month: dt.date | None = None


def comment_filter_sql(filters: CommentFilters) -> tuple[str, list]:
    """A WHERE clause over the ``search_comments`` table (contract_monitor/search_index.py: one row per
    comment of the feedback mart, newest first) and its parameters. Every word of ``search`` must start
    a word of the text shown (case-insensitively), found through the search index, never by scanning
    the texts; list filters keep any of their values."""
    clauses, params = [], []
    search_words = search_index.words(filters.search)
    if search_words:
        matching, matching_params = search_index.match_sql(search_words)
        clauses.append(f"text_id in ({matching})")
        params += matching_params
    for column, values in (("contract_id", filters.contracts), ("source", filters.sources)):
        if values:
            clauses.append(f"{column} in ({', '.join('?' * len(values))})")
            params += list(values)
    if filters.sentiments:
        clauses.append(f"coalesce(sentiment, 'not rated') in ({', '.join('?' * len(filters.sentiments))})")
        params += list(filters.sentiments)
    if filters.themes:
        clauses.append("list_has_any(themes, ?)")
        params.append(list(filters.themes))
    if filters.date_from is not None:
        clauses.append("received_date >= ?")
        params.append(pd.Timestamp(filters.date_from).date())
    if filters.date_to is not None:
        clauses.append("received_date <= ?")
        params.append(pd.Timestamp(filters.date_to).date())
    if filters.month is not None:
        clauses.append("month = ?")
        params.append(pd.Timestamp(filters.month).date())
    return " and ".join(clauses) or "true", params


def voices_options() -> dict[str, pd.DataFrame]:
    """Mart: voices_filter_counts (queries/marts/voices_filter_counts.sql): what the Voices filters can
    offer, counted once at build time."""

    def facet(name: str, columns: str) -> pd.DataFrame:
        return read(f"select {columns} from voices_filter_counts where facet = ? order by value", name)

    return {
        "contracts": facet("contract", "value as contract_id, label as title, comments"),
        "sources": facet("source", "value as source, comments"),
        "sentiments": facet("sentiment", "value as sentiment, comments"),
        "themes": facet("theme", "value as theme, comments"),
        "months": facet("month", "value::date as month, comments"),
    }


def comment_month_counts(filters: CommentFilters) -> pd.DataFrame:
    """Table: search_comments (the feedback mart's comments, indexed for search; see
    contract_monitor/search_index.py): matching comments per month and sentiment."""
    where, params = comment_filter_sql(filters)
    return read(
        "select month, coalesce(sentiment, 'not rated') as sentiment, count(*) as comments "
        f"from search_comments where {where} group by all order by month, sentiment",
        *params,
    )


def search_comments(filters: CommentFilters, limit: int = VOICES_PAGE_SIZE) -> pd.DataFrame:
    """Table: search_comments (the feedback mart's comments, newest first, with the columns the Voices
    page shows; see contract_monitor/search_index.py): the newest ``limit`` comments matching the filters."""
    where, params = comment_filter_sql(filters)
    return read(
        f"select * exclude (text_id) from search_comments where {where}"
        f" order by received_date desc, feedback_id limit {int(limit)}",
        *params,
    )
