"""The Voices page with AppTest on the sample portfolio: search, filters, a month's comments, downloads."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from conftest import open_page
from streamlit.testing.v1 import AppTest

from contract_monitor import data_access, presentation, search_index

PAGE = "dashboards/voices.py"


def _voices(**query) -> AppTest:
    return open_page(PAGE, **query)


def _comments(at: AppTest) -> pd.DataFrame:
    return at.dataframe[-1].value  # the comments table is the last on the page


def test_voices_renders_filters_chart_highlights_and_downloads(on_sample_db, sample):
    at = _voices()
    assert not at.exception
    assert at.title[0].value == "Voices"
    assert at.text_input(key="voices_search").label == "Search the comments"
    labels = [m.label for m in at.multiselect]
    assert labels[:3] == ["Contract", "Source", "Sentiment"]
    assert [s.label for s in at.selectbox] == ["From", "To"]
    assert len(at.get("plotly_chart")) == 1
    assert "What went well" in [s.value for s in at.subheader]
    total = sample.execute("select count(*) from feedback").fetchone()[0]
    shown = _comments(at)
    newest = [
        r[0]
        for r in sample.execute(
            "select feedback_id from feedback order by received_date desc, feedback_id limit ?",
            [data_access.VOICES_PAGE_SIZE],
        ).fetchall()
    ]
    assert total > data_access.VOICES_PAGE_SIZE and list(shown["ID"]) == newest  # the newest page, not everything
    assert f"Comments ({total} of {total})" in [s.value for s in at.subheader]
    assert f"Showing the newest {data_access.VOICES_PAGE_SIZE} of {total}." in " ".join(c.value for c in at.caption)
    buttons = [b.proto.label for b in at.get("download_button")]
    assert buttons.count("Download CSV") == 2 and buttons.count("Download Excel") == 2  # counts table, comments


def test_search_finds_every_comment_with_the_word_and_only_those(on_sample_db, sample):
    at = _voices()
    at.text_input(key="voices_search").input("rushed").run()
    table = _comments(at)
    expected = sample.execute("select count(*) from feedback where display_text ilike '%rushed%'").fetchone()[0]
    assert 0 < len(table) == expected
    assert table["Comment"].str.contains("rushed", case=False).all()
    assert at.query_params["q"] == "rushed"


def test_filters_by_contract_and_sentiment_change_the_rows(on_sample_db, sample):
    at = _voices()
    at.multiselect(key="voices_contracts").select("C008").run()
    column = presentation.sentiment_column(sample.execute("select * from feedback limit 1").df())
    at.multiselect(key="voices_sentiments").select("negative").run()
    table = _comments(at)
    expected = sample.execute(
        f"select count(*) from feedback where contract_id = 'C008' and {column} = 'negative'"
    ).fetchone()[0]
    assert 0 < len(table) == expected
    assert set(table["Contract"].str[:4]) == {"C008"}
    assert at.query_params["contract"] == "C008"


def test_a_month_range_limits_the_comments(on_sample_db, sample):
    at = _voices()
    at.selectbox(key="voices_from").set_value(pd.Timestamp("2026-01-01")).run()
    at.selectbox(key="voices_to").set_value(pd.Timestamp("2026-03-01")).run()
    expected = sample.execute(
        "select count(*) from feedback where month between '2026-01-01' and '2026-03-01'"
    ).fetchone()[0]
    assert len(_comments(at)) == expected > 0


def test_a_link_to_a_contract_month_shows_that_months_comments(on_sample_db, sample):
    at = _voices(contract="C002", month="2026-10")
    assert not at.exception and not at.warning
    expected = sample.execute(
        "select count(*) from feedback where contract_id = 'C002' and month = '2026-10-01'"
    ).fetchone()[0]
    assert f"Comments from October 2026 ({expected})" in [s.value for s in at.subheader]
    assert len(_comments(at)) == expected
    at.button[0].click().run()  # "Show all months"
    assert "month" not in at.query_params
    everything = sample.execute("select count(*) from feedback where contract_id = 'C002'").fetchone()[0]
    assert len(_comments(at)) == everything


def test_bad_links_on_voices_are_explained(on_sample_db):
    at = _voices(contract="nobody", month="last-month")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "contract 'nobody'" in warnings and "'last-month' in the link is not a month" in warnings


# --------------------------------------------------------------------------- pure helpers behind the page


def _frame(**columns) -> pd.DataFrame:
    base = {
        "feedback_id": ["F1", "F2", "F3"],
        "contract_id": ["C1", "C1", "C2"],
        "title": ["A", "A", "B"],
        "source": ["service user", "staff", "service user"],
        "text": ["They were RUSHED today", "Rotas changed", "Kind and never rushed"],
        "display_text": ["They were RUSHED today", "Rotas changed by [NAME]", "Kind and never rushed"],
        "sentiment": ["negative", None, "positive"],
        "themes": [["time"], None, ["kindness", "time"]],
        "received_date": pd.to_datetime(["2025-01-05", "2025-02-10", "2025-02-28"]).date,
        "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-01"]).date,
        "shareable_with_board": [False, False, True],
    }
    base.update(columns)
    return pd.DataFrame(base)


def _matching(frame: pd.DataFrame, **filters) -> list[str]:
    """Run the Voices page's WHERE clause in DuckDB over ``frame`` standing in for the feedback mart
    (indexed for search as the build does)."""
    where, params = data_access.comment_filter_sql(data_access.CommentFilters(**filters))
    con = duckdb.connect()
    con.register("feedback", frame)
    search_index.build(con)
    sql = f"select feedback_id from search_comments where {where} order by 1"
    return [r[0] for r in con.execute(sql, params).fetchall()]


def test_comment_filters_apply_every_filter_in_sql():
    frame = _frame()
    assert _matching(frame) == ["F1", "F2", "F3"]
    assert _matching(frame, search="rushed") == ["F1", "F3"]  # case-insensitive
    assert _matching(frame, search="never rushed") == ["F3"]  # every word must appear
    assert _matching(frame, search="[name]") == ["F2"]  # the text shown is searched ("[NAME]" is the word "name")
    assert _matching(frame, search="rush") == ["F1", "F3"]  # a word matches the words it starts
    assert _matching(frame, search="ushed") == []  # ... and not the middle of a word
    assert _matching(frame, sentiments=("not rated",)) == ["F2"]
    assert _matching(frame, sources=("staff",)) == ["F2"]
    assert _matching(frame, contracts=("C2",)) == ["F3"]
    assert _matching(frame, date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 2, 28)) == ["F2", "F3"]
    assert _matching(frame, month=dt.date(2025, 1, 1)) == ["F1"]
    assert _matching(frame, themes=("kindness",)) == ["F3"]
    assert _matching(frame, themes=("time",)) == ["F1", "F3"]
    assert _matching(frame, themes=("time",), sources=("service user",), search="kind") == ["F3"]


def test_comment_filters_are_parameters_not_sql(sample):
    hostile = "x'); drop table feedback; --"
    where, params = data_access.comment_filter_sql(data_access.CommentFilters(search=hostile, contracts=(hostile,)))
    assert hostile not in where and hostile in params
    assert sample.execute(f"select count(*) from search_comments where {where}", params).fetchone()[0] == 0


def test_comments_table_shows_the_display_text_and_themes():
    table = presentation.comments_table(_frame())
    assert "Rotas changed by [NAME]" in set(table["Comment"])  # the display text, not the original
    assert list(table.loc[table["ID"] == "F3", "Themes"]) == ["kindness, time"]


def test_comment_text_cannot_inject_markdown():
    assert presentation.escape_markdown("*bold* [link](http://x) $x$ :red[y]") == (
        r"\*bold\* \[link\]\(http\:\/\/x\) \$x\$ \:red\[y\]".replace(r"\/", "/")
    )


def test_downloads_hold_the_table_exactly():
    import io

    table = presentation.comments_table(_frame().drop(columns=["themes"]))
    assert pd.read_csv(io.BytesIO(presentation.csv_bytes(table)), encoding="utf-8-sig").equals(table)
    back = pd.read_excel(io.BytesIO(presentation.excel_bytes(table, "comments")), sheet_name="comments")
    assert back.equals(table)
