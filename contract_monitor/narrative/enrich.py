"""The build step: tag every comment once, at build time, and store the tags.

Reads ``stg_narrative_feedback`` (so comments from every source, including imported monthly
returns, are tagged) and writes:

- ``enriched.codebook``: the codebook rows (theme, label, description, critical, fft_topics);
- ``enriched.comment_tags``: one row per comment with ``sentiment`` (positive / neutral /
  negative), ``sentiment_score`` (-1 to 1), ``themes`` (a list, possibly empty) and
  ``redacted_text`` (the display copy with personal data replaced), and ``text_md5``;
- ``enriched.tagger``: the fingerprint of everything tagging depends on.

Tags are reused: when the build has the previous warehouse attached as ``previous`` (see
``warehouse.build``) and its tagger fingerprint is the same, a comment whose id and text are
unchanged keeps its tags, and only new or edited comments are tagged again. Changing the
codebook, the people list, the model or the tagging code changes the fingerprint, so
everything is tagged afresh.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from . import redact, sentiment, themes

BATCH = 50_000


def tag_texts(texts: list[str], codebook: list[themes.Theme]) -> pd.DataFrame:
    labels, scores = sentiment.classify(texts)
    return pd.DataFrame(
        {
            "sentiment": labels,
            "sentiment_score": scores.round(4),
            "themes": themes.tag(texts, codebook),
            "redacted_text": redact.redact_all(texts),
        }
    )


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
    tables = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'previous' and schema_name = 'enriched'"
        ).fetchall()
    }
    if not {"tagger", "comment_tags"} <= tables:
        return False
    columns = {r[0] for r in con.execute("describe previous.enriched.comment_tags").fetchall()}
    previous = con.execute("select fingerprint from previous.enriched.tagger").fetchone()
    return "text_md5" in columns and previous is not None and previous[0] == fingerprint


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
        create or replace table enriched.comment_tags (
            feedback_id varchar primary key, sentiment varchar, sentiment_score double,
            themes varchar[], redacted_text varchar, text_md5 varchar
        )
        """
    )
    fingerprint = tagger_fingerprint()
    con.execute("create or replace table enriched.tagger as select ? as fingerprint", [fingerprint])
    reused = 0
    if _reusable(con, fingerprint):
        con.execute(
            """
            insert into enriched.comment_tags
            select p.feedback_id, p.sentiment, p.sentiment_score, p.themes, p.redacted_text, p.text_md5
            from previous.enriched.comment_tags as p
            inner join stg_narrative_feedback as s
                on s.feedback_id = p.feedback_id and md5(coalesce(s.text, '')) = p.text_md5
            """
        )
        reused = con.execute("select count(*) from enriched.comment_tags").fetchone()[0]
    cursor = con.cursor()
    cursor.execute(
        """
        select s.feedback_id, s.text, md5(coalesce(s.text, ''))
        from stg_narrative_feedback as s
        anti join enriched.comment_tags as t using (feedback_id)
        order by s.feedback_id
        """
    )
    total = 0
    while True:
        batch = cursor.fetchmany(BATCH)
        if not batch:
            break
        frame = tag_texts([r[1] or "" for r in batch], codebook)
        frame.insert(0, "feedback_id", [r[0] for r in batch])
        frame["text_md5"] = [r[2] for r in batch]
        con.register("_tags_df", frame)
        con.execute("insert into enriched.comment_tags select * from _tags_df")
        con.unregister("_tags_df")
        total += len(batch)
    cursor.close()
    seconds = time.perf_counter() - started
    progress(
        f"tagged {total:,} comments with sentiment, themes and redaction in {seconds:.1f} s"
        f" (tags of {reused:,} unchanged comments reused)"
    )
