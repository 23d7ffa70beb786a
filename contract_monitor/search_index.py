"""The Voices search index: built once per warehouse build, so a search never scans every comment.

A comment matches a search when every word typed starts a word of the comment's *display text*
(the redacted or approver-edited copy; never the restricted original), case-insensitively. A word
is a run of letters and digits (``[\\pL\\pN]+``); everything else separates words, so "don't" is the
words "don" and "t", and "[NAME]" is "name".

Three tables, written by ``build`` (registered in ``warehouse.AFTER_MARTS``):

- ``search_texts``: one row per distinct display text (many comments share a text): ``text_id`` and
  ``text_md5`` (``md5_number`` of the text). Text ids are stable: a text already indexed in the
  warehouse being replaced (attached as ``previous``) keeps its id.
- ``search_postings``: one row per (word, text) ordered by word, so a prefix lookup reads only the row
  groups whose min/max word brackets it (DuckDB's zone maps). The postings of unchanged texts are
  copied from ``previous`` (no re-tokenising); only new texts are tokenised and appended as a sorted
  run. After ``MAX_RUNS`` runs the table is sorted again as one.
- ``search_comments``: one row per comment, newest month first and by contract within a month, with
  its ``text_id`` and only the columns the Voices page filters on and shows (never the restricted
  original text).

``match_sql`` turns the typed words into a subquery of matching ``text_id``s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import duckdb

from . import reuse

# Bump when the tokeniser or the tables' meaning change: the previous index is then not reused.
INDEX_VERSION = "1"
WORD_PATTERN = r"[\pL\pN]+"
MAX_RUNS = 8  # sorted runs in search_postings before it is sorted again as one
# words of a search that are looked up: each is one more INTERSECT, and a few hundred exceed DuckDB's
# maximum tree depth (the Voices page also cuts a longer search, and says so: deeplinks.parse_search)
MAX_WORDS = 20


def words_sql(expression: str) -> str:
    """SQL for the distinct words of ``expression``, lower-cased, as a list."""
    return f"list_distinct(regexp_extract_all(lower({expression}), '{WORD_PATTERN}'))"


_TOKENISER = duckdb.connect()  # in-memory; the same DuckDB function splits the query and the texts
_TOKENISER_LOCK = threading.Lock()


def words(text: str) -> list[str]:
    """The words of a search, split exactly as the index splits display texts, in typed order; the first
    ``MAX_WORDS`` distinct ones."""
    if not text or not text.strip():
        return []
    with _TOKENISER_LOCK:
        found = _TOKENISER.execute(f"select regexp_extract_all(lower(?), '{WORD_PATTERN}')", [text]).fetchone()[0]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def _upper_bound(prefix: str) -> str | None:
    """The smallest string greater than every string that starts with ``prefix`` (None if none fits)."""
    for cut in range(len(prefix) - 1, -1, -1):
        code = ord(prefix[cut]) + 1
        if 0xD800 <= code <= 0xDFFF:  # surrogates cannot be encoded; skip to the next scalar value
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:cut] + chr(code)
    return None


def match_sql(search_words: list[str]) -> tuple[str, list]:
    """A subquery of the ``text_id``s whose display text has, for every word, a word starting with it.

    The range on ``term`` lets DuckDB skip row groups; ``starts_with`` decides."""
    parts, params = [], []
    for word in search_words:
        upper = _upper_bound(word)
        sql = "select text_id from search_postings where term >= ? and starts_with(term, ?)"
        params += [word, word]
        if upper is not None:
            sql += " and term < ?"
            params.append(upper)
        parts.append(sql)
    return " intersect ".join(parts), params


# --------------------------------------------------------------------------- build


def _postings(texts: str) -> str:
    """SQL for the (word, text id) postings of the texts in ``texts`` (``text_id``, ``display_text``),
    sorted by word: one sorted run."""
    return f"""
        select term, text_id
        from (select text_id, unnest({words_sql("display_text")}) as term from {texts})
        order by term, text_id
    """


# search_comments' columns: only those the Voices page filters on and shows (never the original text)
_SEARCH_COMMENTS = """
        select
            i.text_id,
            f.feedback_id,
            f.contract_id,
            f.title,
            f.received_date,
            f.month,
            f.source,
            f.sentiment,
            f.themes,
            f.display_text,
            f.shareable_with_board"""


def _previous_index(con: duckdb.DuckDBPyConnection) -> int | None:
    """The number of sorted runs in the previous warehouse's postings, when they can be reused."""
    if not {"search_index_info", "search_texts", "search_postings"} <= reuse.previous_tables(con, "main"):
        return None
    row = con.execute("select version, runs from previous.search_index_info").fetchone()
    return int(row[1]) if row is not None and row[0] == INDEX_VERSION else None


def build(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] = lambda _m: None) -> None:
    """(Re)build the search tables from the ``feedback`` mart, reusing the previous warehouse's postings
    for every display text that is unchanged."""
    started = time.perf_counter()
    previous_runs = _previous_index(con)
    con.execute(
        """
        create or replace temp table _search_live as
        select md5_number(display_text) as text_md5, display_text
        from (select distinct coalesce(display_text, '') as display_text from feedback)
        """
    )
    if previous_runs is not None:
        con.execute(
            """
            create or replace temp table _search_kept as
            select p.text_id, p.text_md5 from previous.search_texts as p
            where p.text_md5 in (select text_md5 from _search_live)
            """
        )
        next_id = con.execute("select coalesce(max(text_id), 0) from previous.search_texts").fetchone()[0]
    else:
        con.execute("create or replace temp table _search_kept (text_id integer, text_md5 uhugeint)")
        next_id = 0
    # every live text with its id: kept ones keep theirs, new ones get ids above every id used before
    con.execute(
        """
        create or replace temp table _search_ids as
        select coalesce(k.text_id, ? + row_number() over (order by l.text_md5))::integer as text_id,
               l.text_md5, l.display_text
        from _search_live as l
        left join _search_kept as k using (text_md5)
        """,
        [next_id],
    )
    con.execute("create or replace table search_texts as select text_id, text_md5 from _search_ids order by text_id")
    new_postings = _postings("_search_ids where text_id > ?")
    kept = con.execute("select count(*) from _search_kept").fetchone()[0]
    if previous_runs is not None and kept and previous_runs < MAX_RUNS:
        # the previous postings are sorted runs; copying them keeps their order (insertion order is
        # preserved), and the new texts' postings are appended as one more sorted run
        con.execute(
            """
            create or replace table search_postings as
            select term, text_id from previous.search_postings
            where text_id in (select text_id from _search_kept)
            """
        )
        added = con.execute(f"insert into search_postings {new_postings}", [next_id]).fetchone()[0]
        runs = previous_runs + (1 if added else 0)
    elif previous_runs is not None and kept:
        con.execute(
            f"""
            create or replace table search_postings as
            select term, text_id from (
                select term, text_id from previous.search_postings
                where text_id in (select text_id from _search_kept)
                union all
                select term, text_id from ({new_postings})
            )
            order by term, text_id
            """,
            [next_id],
        )
        runs = 1
    else:
        con.execute(f"create or replace table search_postings as {new_postings}", [0])
        runs = 1
    con.execute(
        f"""
        create or replace table search_comments as
        {_SEARCH_COMMENTS}
        from feedback as f
        inner join _search_ids as i on i.display_text = coalesce(f.display_text, '')
        order by f.month desc, f.contract_id, f.received_date desc, f.feedback_id
        """
    )
    con.execute(
        "create or replace table search_index_info as select ? as version, ? as runs, ? as texts_reused",
        [INDEX_VERSION, runs, kept],
    )
    for temp in ("_search_live", "_search_kept", "_search_ids"):
        con.execute(f"drop table {temp}")
    texts = con.execute("select count(*) from search_texts").fetchone()[0]
    progress(
        f"built search index: {texts:,} distinct texts ({kept:,} reused), {runs} sorted run(s),"
        f" {time.perf_counter() - started:.1f}s"
    )


def refresh_keys(con: duckdb.DuckDBPyConnection, keys_table: str) -> None:
    """Bring the search tables up to date for the comments whose ``feedback_id`` is in ``keys_table``,
    after an in-place refresh recomputed their ``feedback`` rows (e.g. an approval, or an edited text).
    Their ``search_comments`` rows are replaced; a display text not indexed yet gets the next text id
    and its postings are appended as one more sorted run. Texts no comment shows any more stay
    indexed: they match nothing, as every search joins ``search_comments``."""
    con.execute(f"delete from search_comments where feedback_id in (select feedback_id from {keys_table})")
    next_id = con.execute("select coalesce(max(text_id), 0) from search_texts").fetchone()[0]
    con.execute(
        f"""
        create or replace temp table _search_new as
        select ? + row_number() over (order by text_md5) as text_id, text_md5, display_text
        from (
            select distinct md5_number(text) as text_md5, text as display_text
            from (
                select coalesce(display_text, '') as text from feedback
                where feedback_id in (select feedback_id from {keys_table})
            )
        )
        where text_md5 not in (select text_md5 from search_texts)
        """,
        [next_id],
    )
    if con.execute("select count(*) from _search_new").fetchone()[0]:
        con.execute("insert into search_texts select text_id, text_md5 from _search_new order by text_id")
        con.execute(f"insert into search_postings {_postings('_search_new')}")
        con.execute("update search_index_info set runs = runs + 1")
    con.execute("drop table _search_new")
    con.execute(
        f"""
        insert into search_comments
        {_SEARCH_COMMENTS}
        from feedback as f
        inner join search_texts as i on i.text_md5 = md5_number(coalesce(f.display_text, ''))
        where f.feedback_id in (select feedback_id from {keys_table})
        """
    )
