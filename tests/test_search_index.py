"""The Voices search index finds exactly what scanning the display texts finds, reuses itself across
rebuilds, and holds nothing a board may not see. Also the Voices filter counts mart."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fixture_data import write_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_monitor import data_access, search_index, warehouse
from contract_monitor.narrative import workflow


def _words(text: str) -> set[str]:
    """The brute-force side: words as the help text describes them (runs of letters and digits)."""
    return set(re.findall(r"[^\W_]+", (text or "").lower()))


def _brute_force(texts: dict[str, set[str]], typed: list[str]) -> set[str]:
    return {fid for fid, words in texts.items() if all(any(w.startswith(t) for w in words) for t in typed)}


def _indexed(con: duckdb.DuckDBPyConnection, search: str) -> set[str]:
    where, params = data_access.comment_filter_sql(data_access.CommentFilters(search=search))
    return {r[0] for r in con.execute(f"select feedback_id from search_comments where {where}", params).fetchall()}


@pytest.fixture(scope="module")
def sample_texts(sample) -> dict[str, set[str]]:
    rows = sample.execute("select feedback_id, display_text from feedback").fetchall()
    return {fid: _words(text) for fid, text in rows}


@pytest.fixture(scope="module")
def vocabulary(sample_texts) -> list[str]:
    return sorted(set().union(*sample_texts.values()))


def test_the_sample_has_words_to_search(vocabulary, sample):
    assert len(vocabulary) > 100
    assert (
        sample.execute("select count(*) from search_comments").fetchone()
        == sample.execute("select count(*) from feedback").fetchone()
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_index_finds_exactly_what_a_scan_finds(data, sample, sample_texts, vocabulary):
    picked = data.draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=3), label="words")
    typed = []
    for word in picked:  # a whole word or the start of one, in any letter case
        cut = data.draw(st.integers(1, len(word)), label="prefix length")
        typed.append(data.draw(st.sampled_from([str.lower, str.upper, str.capitalize]))(word[:cut]))
    search = data.draw(st.sampled_from([" ", "  ", ", ", " - "])).join(typed)
    assert _indexed(sample, search) == _brute_force(sample_texts, [t.lower() for t in typed])


@pytest.mark.parametrize("search", ["rushed", "RUSHED", "rush", "never rushed", "zzyzx", "the", "r"])
def test_named_searches_match_the_scan(search, sample, sample_texts):
    typed = [w.lower() for w in search.split()]
    found = _indexed(sample, search)
    assert found == _brute_force(sample_texts, typed)
    if search != "zzyzx":
        assert found


# --------------------------------------------------------------------------- semantics on a hand-made mart


def _feedback(texts: dict[str, str]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "feedback_id": list(texts),
            "contract_id": ["C1"] * n,
            "title": ["A"] * n,
            "received_date": pd.to_datetime(["2025-01-05"] * n).date,
            "month": pd.to_datetime(["2025-01-01"] * n).date,
            "source": ["service user"] * n,
            "sentiment": ["neutral"] * n,
            "themes": [[] for _ in range(n)],
            "text": [f"restricted original {i}" for i in range(n)],
            "display_text": list(texts.values()),
            "shareable_with_board": [False] * n,
        }
    )


def _indexed_frame(texts: dict[str, str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("feedback", _feedback(texts))
    search_index.build(con)
    return con


TEXTS = {
    "A": "They RUSHED me, didn't listen.",
    "B": "Never rushed; Zoë listened “carefully”.",
    "C": "Rushing around, 24-hour care",
    "D": "Brushed my hair",
    "E": "",
}


def test_a_typed_word_matches_words_it_starts_in_any_case():
    con = _indexed_frame(TEXTS)
    assert _indexed(con, "rush") == {"A", "B", "C"}
    assert _indexed(con, "Rushed") == {"A", "B"}
    assert _indexed(con, "ushed") == set()  # not the middle of a word ("Brushed")
    assert _indexed(con, "brush") == {"D"}
    assert _indexed(con, "careful") == {"B"}  # quotes are not part of a word
    assert _indexed(con, "zo") == {"B"} and _indexed(con, "ZOË") == {"B"}
    assert _indexed(con, "24") == {"C"} and _indexed(con, "hour") == {"C"}
    assert _indexed(con, "didn't") == {"A"}  # "didn" and "t"


def test_every_typed_word_must_match():
    con = _indexed_frame(TEXTS)
    assert _indexed(con, "rushed listen") == {"A", "B"}
    assert _indexed(con, "never listen") == {"B"}
    assert _indexed(con, "rushed brushed") == set()
    assert _indexed(con, "  ") == set(TEXTS)  # no words: no search


def test_the_query_is_split_like_the_texts():
    assert search_index.words("  Never-RUSHED, zoë’s  never ") == ["never", "rushed", "zoë", "s"]
    assert search_index.words("") == [] and search_index.words("  ,, ") == []


def test_prefix_bounds_cover_exactly_the_strings_that_start_with_the_prefix():
    assert search_index._upper_bound("rush") == "rusi"
    assert search_index._upper_bound("a\U0010ffff") == "b"
    assert search_index._upper_bound("\U0010ffff") is None
    assert search_index._upper_bound("\ud7ff") == "\ue000"  # surrogates skipped


# --------------------------------------------------------------------------- reuse across rebuilds


def test_unchanged_texts_keep_their_postings_and_edited_texts_are_reindexed(tmp_path: Path):
    first = duckdb.connect(str(tmp_path / "first.duckdb"))
    first.register("feedback", _feedback(TEXTS))
    search_index.build(first)
    ids = dict(first.execute("select text_md5, text_id from search_texts").fetchall())
    kept_id = first.execute("select text_id from search_comments where feedback_id = 'B'").fetchone()[0]
    # a marker posting no tokeniser would produce: it survives only if the postings are copied, not recomputed
    first.execute("insert into search_postings values ('zzmarker', ?)", [kept_id])
    first.close()

    edited = {**TEXTS, "A": "They were patient with me."}
    second = duckdb.connect(str(tmp_path / "second.duckdb"))
    second.register("feedback", _feedback(edited))
    second.execute(f"attach '{tmp_path / 'first.duckdb'}' as previous (read_only)")
    messages: list[str] = []
    search_index.build(second, messages.append)
    second.execute("detach previous")
    assert "(4 reused)" in messages[0]
    assert second.execute("select texts_reused from search_index_info").fetchone()[0] == 4
    assert _indexed(second, "zzmarker") == {"B"}  # B's postings came from the previous index
    now = dict(second.execute("select text_md5, text_id from search_texts").fetchall())
    assert {h: now[h] for h in now if h in ids} == {h: ids[h] for h in now if h in ids}  # stable ids
    new_id = second.execute("select text_id from search_comments where feedback_id = 'A'").fetchone()[0]
    assert new_id > max(ids.values())
    assert _indexed(second, "patient") == {"A"}
    assert _indexed(second, "rush") == {"B", "C"}  # A's old words are gone
    assert _indexed(second, "listen") == {"B"}


def test_an_approvers_edit_reaches_the_index_on_rebuild(tmp_path: Path):
    data = write_fixture(tmp_path / "csv")
    db, store = tmp_path / "w.duckdb", tmp_path / "records.duckdb"
    warehouse.build(data, db, records_path=store)
    con = duckdb.connect(str(db), read_only=True)
    fid, before = con.execute("select feedback_id, display_text from feedback order by feedback_id limit 1").fetchone()
    texts = con.execute("select count(*) from search_texts").fetchone()[0]
    assert _indexed(con, "kaleidoscope") == set()
    con.close()

    workflow.record_decision(
        fid, "edited", "approver", text_before=before, text_after="A kaleidoscope of kindness.", store=store
    )
    warehouse.build(data, db, records_path=store)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select display_text from feedback where feedback_id = ?", [fid]).fetchone()[0] == (
            "A kaleidoscope of kindness."
        )
        assert _indexed(con, "kaleido") == {fid}
        assert _indexed(con, "kaleidoscope kind") == {fid}
        reused = con.execute("select texts_reused from search_index_info").fetchone()[0]
        shared = con.execute(
            "select count(*) from feedback where display_text = ? and feedback_id <> ?", [before, fid]
        ).fetchone()[0]
        assert reused == texts - (0 if shared else 1)  # every other text was reused
    finally:
        con.close()


# --------------------------------------------------------------------------- nothing restricted


def test_only_display_texts_are_indexed(sample):
    indexed = {r[0] for r in sample.execute("select distinct term from search_postings").fetchall()}
    shown = {
        r[0]
        for r in sample.execute(
            f"select distinct unnest({search_index.words_sql('display_text')}) from feedback"
        ).fetchall()
    }
    assert indexed == shown
    originals = {
        r[0]
        for r in sample.execute(
            f"select distinct unnest({search_index.words_sql('text')}) from feedback where text_was_redacted"
        ).fetchall()
    }
    restricted = originals - shown  # e.g. names and phone numbers that redaction removed
    assert restricted and not restricted & indexed
    columns = {r[0] for r in sample.execute("describe search_comments").fetchall()}
    assert "text" not in columns and "redacted_text" not in columns


# --------------------------------------------------------------------------- the filter counts mart


def test_voices_filter_counts_count_every_comment_once_per_facet(sample):
    counts = {
        facet: dict(
            (v, n)
            for v, n in sample.execute(
                "select value, comments from voices_filter_counts where facet = ?", [facet]
            ).fetchall()
        )
        for facet in ("contract", "source", "sentiment", "month", "theme")
    }
    direct = {
        "contract": "select contract_id, count(*) from feedback group by 1",
        "source": "select source, count(*) from feedback group by 1",
        "sentiment": "select coalesce(sentiment, 'not rated'), count(*) from feedback group by 1",
        "month": "select strftime(month, '%Y-%m-%d'), count(*) from feedback group by 1",
        "theme": "select theme, count(*) from comment_themes group by 1",
    }
    for facet, sql in direct.items():
        assert counts[facet] == dict(sample.execute(sql).fetchall()), facet
    titles = dict(sample.execute("select contract_id, title from feedback").fetchall())
    labels = dict(sample.execute("select value, label from voices_filter_counts where facet = 'contract'").fetchall())
    assert labels == titles
