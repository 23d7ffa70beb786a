"""The build step: tag every distinct comment text once, at build time, and store the tags.

Reads ``stg_narrative_feedback`` (so comments from every source, including imported monthly
returns, are tagged) and writes:

- ``enriched.codebook``: the codebook rows (theme, label, description, critical, fft_topics);
- ``enriched.text_tags``: one row per distinct comment text (keyed by ``text_md5``) with
  ``sentiment`` (positive / neutral / negative), ``sentiment_score`` (-1 to 1), ``themes`` (a list,
  possibly empty) and ``redacted_text`` (the display copy with personal data replaced);
- ``enriched.comment_tags``: one row per comment, each comment joined once to its text's tags;
- ``enriched.tagger``: the fingerprint of everything tagging depends on.

Tags depend only on the text, so each distinct text is tagged once however many comments share
it ("Very good service" is common). Themes are matched in SQL (``themes.sql_expression``: RE2,
vectorised and multi-threaded inside DuckDB); sentiment and redaction run in Python over the new
texts, in one worker process per core when there are many.

Tags are reused: when the build has the previous warehouse attached as ``previous`` (see
``warehouse.build``) and its tagger fingerprint is the same, every text tagged last time keeps its
tags and only texts never seen before are tagged. Changing the codebook, the people list, the
model or the tagging code changes the fingerprint, so everything is tagged afresh.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from .. import reuse
from . import redact, sentiment, themes

BATCH = 100_000
# Below this many new texts a second process costs more to start than it saves.
PARALLEL_MIN = 20_000


def _sentiment_and_redaction(texts: list[str]) -> tuple[list[str], list[float], list[str]]:
    labels, scores = sentiment.classify(texts)
    return labels, scores.round(4).tolist(), redact.redact_all(texts)


def _python_tags(texts: list[str], pool: concurrent.futures.Executor | None) -> pd.DataFrame:
    if pool is None:
        parts = [_sentiment_and_redaction(texts)]
    else:
        step = -(-len(texts) // (os.cpu_count() or 1))
        parts = list(pool.map(_sentiment_and_redaction, [texts[i : i + step] for i in range(0, len(texts), step)]))
    return pd.DataFrame(
        {
            "sentiment": [x for p in parts for x in p[0]],
            "sentiment_score": [x for p in parts for x in p[1]],
            "redacted_text": [x for p in parts for x in p[2]],
        }
    )


def _tag_new_texts(
    con: duckdb.DuckDBPyConnection,
    source: str,
    target: str,
    codebook: list[themes.Theme],
    pool: concurrent.futures.Executor | None = None,
) -> int:
    """Tag every row of ``source`` (text_md5, text) into ``target`` (text_md5, sentiment,
    sentiment_score, themes, redacted_text). Returns the number of texts tagged."""
    cursor = con.cursor()
    cursor.execute(f"select text_md5, text from {source} order by text_md5")
    total = 0
    try:
        while batch := cursor.fetchmany(BATCH):
            texts = [r[1] for r in batch]
            frame = _python_tags(texts, pool if len(texts) >= PARALLEL_MIN else None)
            frame.insert(0, "text_md5", [r[0] for r in batch])
            con.register("_python_tags", frame)
            con.execute(
                f"""
                insert into {target}
                select p.text_md5, p.sentiment, p.sentiment_score,
                       {themes.sql_expression(codebook, "lower(s.text)")}, p.redacted_text
                from _python_tags as p
                inner join {source} as s using (text_md5)
                """
            )
            con.unregister("_python_tags")
            total += len(batch)
    finally:
        cursor.close()
    return total


def tag_texts(texts: list[str], codebook: list[themes.Theme]) -> pd.DataFrame:
    """Tag ``texts`` exactly as the build does (one row per text, in order): used by the evaluation."""
    con = duckdb.connect()
    try:
        con.register("_in", pd.DataFrame({"i": range(len(texts)), "text": [t or "" for t in texts]}))
        con.execute("create table _new as select distinct md5(text) as text_md5, text from _in")
        con.execute(
            "create table _tags (text_md5 varchar, sentiment varchar, sentiment_score double,"
            " themes varchar[], redacted_text varchar)"
        )
        _tag_new_texts(con, "_new", "_tags", codebook)
        return con.execute(
            """
            select t.sentiment, t.sentiment_score, t.themes, t.redacted_text
            from _in as i inner join _tags as t on t.text_md5 = md5(i.text) order by i.i
            """
        ).df()
    finally:
        con.close()


def tagger_fingerprint() -> str:
    """A hash of every input that decides a comment's tags: data files, model and code."""
    here = Path(__file__).parent
    inputs = [themes.codebook_path(), redact.people_names_path(), here / "sentiment_model.json"]
    inputs += sorted(here.glob("*.py"))
    digest = hashlib.sha256()
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"(absent)")
    return digest.hexdigest()


def _reusable(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """True when the previous warehouse is attached and was tagged by the same tagger."""
    if not {"tagger", "text_tags"} <= reuse.previous_tables(con, "enriched"):
        return False
    previous = con.execute("select fingerprint from previous.enriched.tagger").fetchone()
    return previous is not None and previous[0] == fingerprint


def _pool(workers: int | None = None) -> concurrent.futures.Executor | None:
    """One worker per core, forked. Workers run only Python and numpy (no DuckDB), so forking while
    DuckDB's threads exist is safe; "spawn" would re-run the caller's main script in every worker,
    and inside the app that is a Streamlit page (an import or an approval rebuilds from the app)."""
    workers = workers or os.cpu_count() or 1
    if workers < 2:
        return None
    return concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


def tag_comments(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] = lambda _m: None) -> None:
    started = time.perf_counter()
    codebook = themes.load()
    book = pd.DataFrame(
        {
            "theme": [t.theme for t in codebook],
            "label": [t.label for t in codebook],
            "description": [t.description for t in codebook],
            "critical": [t.critical for t in codebook],
            "fft_topics": [list(t.fft_topics) for t in codebook],
            "sort_order": list(range(1, len(codebook) + 1)),
        }
    )
    con.register("_codebook_df", book)
    con.execute("create or replace table enriched.codebook as select * from _codebook_df")
    con.unregister("_codebook_df")

    con.execute(
        """
        create or replace table enriched.text_tags (
            text_md5 varchar primary key, sentiment varchar, sentiment_score double,
            themes varchar[], redacted_text varchar
        )
        """
    )
    fingerprint = tagger_fingerprint()
    con.execute("create or replace table enriched.tagger as select ? as fingerprint", [fingerprint])
    con.execute(
        """
        create or replace table enriched._texts as
        select md5(text) as text_md5, text
        from (select distinct coalesce(text, '') as text from stg_narrative_feedback)
        """
    )
    reused = 0
    if _reusable(con, fingerprint):
        con.execute(
            """
            insert into enriched.text_tags
            select p.* from previous.enriched.text_tags as p semi join enriched._texts as t using (text_md5)
            """
        )
        reused = con.execute("select count(*) from enriched.text_tags").fetchone()[0]
    con.execute(
        "create or replace table enriched._new_texts as"
        " select * from enriched._texts anti join enriched.text_tags using (text_md5)"
    )
    new = con.execute("select count(*) from enriched._new_texts").fetchone()[0]
    pool = _pool() if new >= PARALLEL_MIN else None
    try:
        tagged = _tag_new_texts(con, "enriched._new_texts", "enriched.text_tags", codebook, pool)
    finally:
        if pool is not None:
            pool.shutdown()
    con.execute("drop table enriched._new_texts")
    con.execute("drop table enriched._texts")
    con.execute(
        """
        create or replace table enriched.comment_tags as
        select f.feedback_id, t.sentiment, t.sentiment_score, t.themes, t.redacted_text, t.text_md5
        from stg_narrative_feedback as f
        inner join enriched.text_tags as t on t.text_md5 = md5(coalesce(f.text, ''))
        """
    )
    seconds = time.perf_counter() - started
    progress(
        f"tagged {tagged:,} new distinct comment texts with sentiment, themes and redaction in {seconds:.1f} s"
        f" (tags of {reused:,} texts seen before reused)"
    )
