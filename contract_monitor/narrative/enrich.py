"""The build step: tag every comment once, at build time, and store the tags.

Reads ``stg_narrative_feedback`` (so comments from every source, including imported monthly
returns, are tagged) and writes:

- ``enriched.codebook``: the codebook rows (theme, label, description, critical, fft_topics);
- ``enriched.comment_tags``: one row per comment with ``sentiment`` (positive / neutral /
  negative), ``sentiment_score`` (-1 to 1), ``themes`` (a list, possibly empty) and
  ``redacted_text`` (the display copy with personal data replaced).
"""

from __future__ import annotations

import time
from collections.abc import Callable

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
            themes varchar[], redacted_text varchar
        )
        """
    )
    cursor = con.cursor()
    cursor.execute("select feedback_id, text from stg_narrative_feedback order by feedback_id")
    total = 0
    while True:
        batch = cursor.fetchmany(BATCH)
        if not batch:
            break
        frame = tag_texts([r[1] or "" for r in batch], codebook)
        frame.insert(0, "feedback_id", [r[0] for r in batch])
        con.register("_tags_df", frame)
        con.execute("insert into enriched.comment_tags select * from _tags_df")
        con.unregister("_tags_df")
        total += len(batch)
    cursor.close()
    seconds = time.perf_counter() - started
    progress(f"tagged {total:,} comments with sentiment, themes and redaction in {seconds:.1f} s")
