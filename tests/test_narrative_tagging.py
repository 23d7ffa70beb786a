"""Themes and sentiment, tagged at build time: unit cases, the codebook, the marts and the evaluation command."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest
from conftest import one, require_shared_file

from contract_monitor import cli, sample
from contract_monitor.narrative import enrich, evaluate, sentiment, themes, train_sentiment
from contract_monitor.narrative.text import tokens
from contract_monitor.schema import SERVICE_AREAS


def label(text: str) -> str:
    return sentiment.classify([text])[0][0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The carers were kind and took their time with my mum.", "positive"),
        ("Never felt rushed, not once.", "positive"),
        ("They never rush, there is always time for a chat.", "positive"),
        ("I don't feel listened to at all.", "negative"),
        ("Staff were rude and dismissive and nobody called me back.", "negative"),
        ("Fifteen minutes is not enough, I felt like a job on a list.", "negative"),
        ("We waited 6 hours for the ambulance.", "negative"),
        ("Excellent service, thank you all so much.", "positive"),
    ],
)
def test_sentiment_of_real_looking_sentences(text, expected):
    assert label(text) == expected


def test_negation_flips_the_feature_and_the_score():
    assert tokens("not rushed") == ["not", "not_rushed"]
    _labels, scores = sentiment.classify(["I felt rushed.", "I never felt rushed."])
    assert scores[1] > scores[0]


def test_sarcasm_light_and_mixed_comments_are_not_called_positive():
    # praise words wrapped around a complaint: the model must not be fooled into "positive"
    assert label("Oh great, another carer I've never met who didn't know what to do.") != "positive"
    assert label("The carers are lovely but they are always in a rush and late.") != "positive"


def test_scores_are_probability_differences():
    labels, scores = sentiment.classify(["Brilliant, thank you.", "Awful, rude and late.", ""])
    assert all(-1 <= s <= 1 for s in scores)
    assert labels[:2] == ["positive", "negative"]


CODEBOOK = themes.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Never felt rushed, not once.", {"time"}),
        ("It's a different carer every day and nobody phones to say they're running late.", {"continuity"}),
        ("I don't feel listened to at all.", {"listened"}),
        ("We waited 6 weeks for an assessment.", {"access"}),
        ("They always treat people with dignity and respect.", {"dignity"}),
        ("The staff were friendly and professional.", {"attitude"}),
        ("I have my own flat now and I'm more independent.", {"outcomes"}),
        ("Nice weather today.", set()),
    ],
)
def test_theme_tagging_finds_each_theme(text, expected):
    assert set(themes.tag([text], CODEBOOK)[0]) >= expected
    if not expected:
        assert themes.tag([text], CODEBOOK)[0] == []


def test_two_themes_starting_at_the_same_word_are_both_found():
    book = themes.load()
    tags = themes.tag(["They were respectful."], book)[0]
    assert {"dignity", "attitude"} <= set(tags)
    assert tags == [t.theme for t in book if t.theme in tags]  # codebook order


def test_a_phrase_starting_inside_another_themes_phrase_is_still_found():
    # "lovely" (kindness) starts inside nothing, but "is lovely and always has a laugh" holds both
    # an attitude phrase and a kindness phrase that overlap; each theme is matched on its own.
    tags = themes.tag(["My worker is lovely and always has a laugh with me."], themes.load())[0]
    assert {"kindness", "attitude"} <= set(tags)


def test_a_pattern_the_build_engine_cannot_run_is_rejected_with_its_row(tmp_path: Path):
    path = tmp_path / "codebook.csv"
    path.write_text(
        "theme,label,description,patterns,critical,fft_topics\ntime,Time,d,rush(?=ed),y,\n", encoding="utf-8"
    )
    with pytest.raises(themes.CodebookError, match=r"row 2, column 'patterns': got 'rush\(\?=ed\)'"):
        themes.load(path)


def test_a_build_with_a_bad_codebook_says_where_and_writes_nothing(tmp_path: Path, monkeypatch, capsys):
    path = tmp_path / "codebook.csv"
    path.write_text(
        "theme,label,description,patterns,critical,fft_topics\ntime,Time,d,rush(?=ed),y,\n", encoding="utf-8"
    )
    monkeypatch.setenv("CONTRACT_MONITOR_CODEBOOK", str(path))
    db = tmp_path / "w.duckdb"
    assert cli.main(["build", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert f"{path}, row 2, column 'patterns'" in err and "Traceback" not in err
    assert not list(tmp_path.glob("w.duckdb*"))


def test_the_same_text_gets_the_same_tags_and_is_tagged_once():
    texts = ["Carers are always rushed.", "Lovely staff, call me on 07700 900123.", "Carers are always rushed."]
    frame = enrich.tag_texts(texts, themes.load())
    assert len(frame) == 3
    assert frame.iloc[0].to_dict() == frame.iloc[2].to_dict()
    assert "07700 900123" not in frame.iloc[1]["redacted_text"]
    assert frame.iloc[0]["sentiment"] == "negative" and "time" in frame.iloc[0]["themes"]


def test_tagging_in_worker_processes_gives_the_same_tags_as_in_one(monkeypatch, tmp_path: Path):
    # Inside the app, __main__ is a Streamlit page: a worker must never run it again. Point __main__
    # at a script that exits at once; workers that re-ran it would die and break the pool.
    import sys
    import types

    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('a worker ran the main script')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    texts = [f"Visit {i}: the carer was {'kind' if i % 2 else 'late and rude'}." for i in range(40)]
    alone = enrich._python_tags(texts, None)
    pool = enrich._pool(workers=2)
    try:
        shared = enrich._python_tags(texts, pool)
    finally:
        pool.shutdown()
    assert alone.equals(shared) and len(shared) == 40
    assert set(shared["sentiment"]) == {"positive", "negative"}


def test_codebook_covers_the_issue_themes_and_maps_fft_topics():
    keys = {t.theme for t in CODEBOOK}
    assert keys >= {"dignity", "listened", "kindness", "time", "continuity", "communication"}
    assert keys >= {"involvement", "access", "attitude", "environment", "outcomes", "family"}
    assert any(t.critical for t in CODEBOOK)
    assert {"Staff continuity", "Interaction with family/ carers"} <= {x for t in CODEBOOK for x in t.fft_topics}


def test_a_bad_codebook_names_file_row_and_column(tmp_path: Path):
    path = tmp_path / "codebook.csv"
    path.write_text(
        "theme,label,description,patterns,critical,fft_topics\n"
        "time,Time,d,rush(,y,\n"
        "Bad Key,x,d,foo,n,\n"
        "kind,Kind,d,kind,maybe,\n",
        encoding="utf-8",
    )
    with pytest.raises(themes.CodebookError) as err:
        themes.load(path)
    message = str(err.value)
    assert f"{path}, row 2, column 'patterns'" in message
    assert f"{path}, row 3, column 'theme'" in message
    assert f"{path}, row 4, column 'critical'" in message


# --- build-time tags and marts on the fixture --------------------------------------------


def test_int_comment_tags_tags_every_comment_once(fx):
    assert (
        one(fx, "select count(*), count(distinct feedback_id) from int_comment_tags")
        == (one(fx, "select count(*) from stg_narrative_feedback"),) * 2
    )
    row = one(
        fx,
        "select f.sentiment, f.themes from feedback f where f.text = 'Fifteen minutes is not enough, "
        "I felt like a job on a list.' limit 1",
    )
    assert row[0] == "negative" and "time" in row[1]


def test_feedback_mart_keeps_its_columns_and_adds_the_tags(fx):
    columns = [r[0] for r in fx.execute("describe feedback").fetchall()]
    for kept in ("feedback_id", "contract_id", "text", "rating", "rating_sentiment", "shareable_with_board"):
        assert kept in columns
    for added in ("sentiment", "sentiment_score", "themes", "redacted_text", "display_text", "approval_state"):
        assert added in columns


def test_comment_themes_and_theme_month_counts_agree(fx):
    per_comment = one(fx, "select count(*) from comment_themes where contract_id='C2' and theme='time'")
    assert per_comment > 0
    assert one(fx, "select sum(comments) from theme_month_counts where contract_id='C2' and theme='time'") == (
        per_comment
    )
    neg, total = one(
        fx,
        "select sum(negative_comments), sum(comments) from theme_month_counts where contract_id='C2' and theme='time'",
    )
    assert 0 < neg <= total


def test_voice_months_count_negative_critical_comments(fx):
    # the fixture's neutral comment ("It was fine, nothing special.") has no critical theme, so ratings are unchanged
    row = one(
        fx,
        "select negative_comments, neutral_rated_negative_critical from int_voice_months "
        "where contract_id='C1' and month='2025-01-01'",
    )
    assert row == (1, 0)
    evidence = one(
        fx,
        "select evidence from int_domain_metrics where contract_id='C2' and month='2025-04-01' and scope='voice'",
    )
    assert re.search(r"\d+ negative about a critical theme", evidence)


# --- the evaluation command ---------------------------------------------------------------

TOPICS = ["Staff manner & personal attributes", "Timeliness of care", "Staff continuity"]


def write_fft(path: Path, rows: list[tuple[str, str, str, list[str]]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Comment ID", "FFT answer", "Comment sentiment", *TOPICS])
        for cid, text, sent, topics in rows:
            writer.writerow([cid, text, sent, *["1" if t in topics else "" for t in TOPICS]])
    return path


def test_evaluate_narrative_on_a_small_fixture(tmp_path: Path, capsys):
    path = write_fft(
        tmp_path / "small.csv",
        [
            ("1", "Staff were friendly and professional, thank you.", "1", [TOPICS[0]]),
            ("2", "We waited five hours and nobody came. Awful.", "5", [TOPICS[1]]),
            ("3", "Did not answer", "", []),
            ("4", "It was ok, some good some bad.", "3", []),
            ("5", "Rude paramedic, made me feel stupid.", "4", [TOPICS[0]]),
            ("6", "Same crew both times which helped, very kind.", "", [TOPICS[2]]),
        ],
    )
    assert cli.main(["evaluate-narrative", "--data", str(path), "--all-rows", "--no-speed"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"sentiment_macro_f1=\d\.\d\d theme_micro_f1=\d\.\d\d comments_per_s=\d+", last)
    result = evaluate.evaluate(path, all_rows=True, speed=False)
    assert result["comments"] == 5 and result["sentiment_n"] == 4  # placeholder dropped, unlabelled kept for themes
    attitude = result["themes"]["attitude"][1]
    assert (attitude.tp, attitude.fn) == (2, 0)
    assert f"sentiment_macro_f1={result['sentiment_macro_f1']:.2f}" in last


def test_evaluate_narrative_names_a_missing_column(tmp_path: Path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("Comment ID,text\n1,hello\n", encoding="utf-8")
    assert cli.main(["evaluate-narrative", "--data", str(path), "--no-speed"]) == 1
    assert f"{path}, row 1: expected a column named 'FFT answer'" in capsys.readouterr().err


@pytest.mark.shared_data
def test_evaluation_on_the_real_fft_held_out_split():
    path = require_shared_file("nhs_fft_comments_v6.csv")
    result = evaluate.evaluate(path, speed=False)
    assert result["split"].startswith("held-out")
    assert 1000 < result["sentiment_n"] < 1500
    # measured 0.698 and 0.641 (docs/narrative_evaluation.md); guard against regressions
    assert result["sentiment_macro_f1"] >= 0.68
    assert result["sentiment_macro_f1"] > result["sentiment_baseline_macro_f1"] + 0.3
    assert result["theme_micro"].f1 >= 0.60


def _staff_comments(mood: str, n: int = 600, seed: int = 20261126) -> list[str]:
    """Staff comments as the sample generator writes them (openers, one or two lines, typos), in one mood."""
    rng = random.Random(seed)
    writer = sample.CommentWriter(random.Random(seed + 1))
    areas = list(SERVICE_AREAS)
    return [
        writer.comment(rng.choice(areas), "staff", rng.choice(("pos", "neg", "neu")), [], [], mood) for _ in range(n)
    ]


def test_staff_comments_about_burnout_and_short_staffing_are_negative():
    # FFT comments are patients' words; staff wellbeing comes from train_sentiment's workforce sentences.
    # The generator's staff comments are not in training (they carry no rating): a test set.
    assert label("Sickness is high because everyone is burnt out.") == "negative"
    labels, _ = sentiment.classify(_staff_comments("neg"))
    assert labels.count("negative") / len(labels) >= 0.98  # measured 0.992 (0.960 before the workforce sentences)
    labels, _ = sentiment.classify(_staff_comments("pos"))
    # measured 0.630 (0.528 before): a positive line about a problem now solved ("finally", "for the first
    # time in ages", "when we were short") still reads negative; see docs/narrative_evaluation.md
    assert labels.count("positive") / len(labels) >= 0.58


def test_no_workforce_training_sentence_copies_a_sample_generator_staff_line():
    taught = [text.lower() for text, _ in train_sentiment.workforce_sentences()]
    for mood in ("pos", "neg"):
        for line in sample.STAFF_LINES[mood]:
            for fragment in re.split(r"\{[a-z_]+\}", line.lower()):
                if len(fragment.strip()) >= 15:
                    assert not any(fragment.strip() in t for t in taught), line
