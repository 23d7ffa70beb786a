"""Query parameters carry a page's state; a bad one gives a plain message, never an exception."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_monitor import deeplinks

MONTHS = [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01"), pd.Timestamp("2025-03-01")]


def test_a_known_contract_is_accepted_case_insensitively():
    assert deeplinks.parse_contract("c012", ["C001", "C012"]) == deeplinks.Parsed("C012")
    assert deeplinks.parse_contract(None, ["C001"]) == deeplinks.Parsed(None)


def test_an_unknown_contract_is_named_in_the_message():
    parsed = deeplinks.parse_contract("C999", ["C001", "C012"])
    assert parsed.value is None
    assert "C999" in parsed.problem and "2 contracts" in parsed.problem


def test_months_are_yyyy_mm_and_must_be_reported():
    assert deeplinks.parse_month("2025-02", MONTHS).value == pd.Timestamp("2025-02-01")
    assert deeplinks.parse_month("2025-02").value == pd.Timestamp("2025-02-01")
    bad = deeplinks.parse_month("2025-13", MONTHS)
    assert bad.value is None and "'2025-13'" in bad.problem and "YYYY-MM" in bad.problem
    late = deeplinks.parse_month("2026-09", MONTHS)
    assert late.value is None
    assert late.problem == (
        "There is no report for September 2026. Reports run from January 2025 to March 2025; showing the latest."
    )


def test_domains_are_the_five_scorecard_domains():
    assert deeplinks.parse_domain("Experience").value == "experience"
    wrong = deeplinks.parse_domain("happiness")
    assert wrong.value is None and "outcomes, experience, voice, relationships, cost" in wrong.problem


def test_month_key_round_trips():
    assert deeplinks.month_key(pd.Timestamp("2026-09-01")) == "2026-09"
    assert deeplinks.parse_month(deeplinks.month_key("2026-09-01")).value == pd.Timestamp("2026-09-01")


@given(st.text(max_size=20))
def test_no_parameter_text_raises(text):
    for parsed in (
        deeplinks.parse_contract(text, ["C001"]),
        deeplinks.parse_month(text, MONTHS),
        deeplinks.parse_domain(text),
    ):
        assert (parsed.value is None) or (parsed.problem is None)
        if text.strip() and parsed.value is None:
            assert parsed.problem


# --------------------------------------------------------------------------- hostile link values

HOSTILE_MONTHS = ["0000-01", "9999-12", "-001-01", "2026-13", "２０２６-０１", "x" * 100_000, "\x00", "2026-0١"]
MARKUP = ["[x](http://e.example)", "![i](http://e.example/a.png)", "<img src=x>"]
UNESCAPED_LT = re.compile(r"(?<!\\)<")


def _plain(problem: str) -> bool:
    """No markdown link or image and no HTML tag can start anywhere in the message."""
    return "](" not in problem and not UNESCAPED_LT.search(problem)


@pytest.mark.parametrize("raw", HOSTILE_MONTHS, ids=lambda raw: repr(raw[:12]))
def test_a_month_outside_2000_to_2100_or_not_ascii_yyyy_mm_gives_a_problem_not_an_exception(raw):
    for available in (None, MONTHS):
        parsed = deeplinks.parse_month(raw, available)
        assert parsed.value is None and parsed.problem
        assert len(parsed.problem) < 300  # a 100k-character value is cut in the message


def test_a_year_out_of_range_is_explained_with_the_range():
    assert "2000 to 2100" in deeplinks.parse_month("0000-01").problem
    assert deeplinks.parse_month("2100-12").value == pd.Timestamp("2100-12-01")
    assert deeplinks.parse_month("2000-01").value == pd.Timestamp("2000-01-01")


@pytest.mark.parametrize("raw", MARKUP)
def test_a_problem_quotes_link_image_or_html_markup_as_plain_text(raw):
    problems = [
        deeplinks.parse_contract(raw, ["C001"]).problem,
        deeplinks.parse_month(raw, MONTHS).problem,
        deeplinks.parse_domain(raw).problem,
        deeplinks.parse_view(raw).problem,
        deeplinks.parse_choice(raw, ["pending", "approved"], "status").problem,
    ]
    for problem in problems:
        assert problem and _plain(problem), problem


def test_quote_escapes_every_markdown_character_and_cuts_long_values():
    assert deeplinks.quote("[a](b)") == r"\[a\]\(b\)"
    assert deeplinks.quote("\\`*_{}#+.!|<>~$:") == r"\\\`\*\_\{\}\#\+\.\!\|\<\>\~\$\:"
    assert deeplinks.quote("2026-13") == "2026-13"  # mid-line, a hyphen starts no list
    long = deeplinks.quote("y" * 1000)
    assert long.endswith("…") and len(long) <= deeplinks.QUOTE_MAX_CHARS + 1
    assert "\x00" not in deeplinks.quote("a\x00b\nc")


def test_a_search_is_cut_to_20_words_and_200_characters_and_says_so():
    assert deeplinks.parse_search("never rushed") == deeplinks.Parsed("never rushed")
    many = deeplinks.parse_search("word " * 500)
    assert many.value == " ".join(["word"] * 20) and "20 words" in many.problem
    wide = deeplinks.parse_search("z" * 100_000)
    assert wide.value == "z" * 200 and "200 characters" in wide.problem


def test_the_view_is_board_or_a_problem():
    assert deeplinks.parse_view("Board").value == "board"
    assert deeplinks.parse_view("edit").problem


HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80).map(lambda t: f"[{t}](http://e.example)"),
    st.sampled_from(["\x00", "%00", "%2F%5B", "' or 1=1 --", "😀" * 50, "a" * 100_000, "<img src=x onerror=alert(1)>"]),
    st.builds(lambda a, b: f"{a:04d}-{b:02d}", st.integers(0, 9999), st.integers(0, 99)),
)


@given(HOSTILE_TEXT)
@settings(max_examples=300, deadline=None)
def test_no_parser_raises_and_no_problem_carries_link_syntax_for_hostile_text(text):
    for parsed in (
        deeplinks.parse_contract(text, ["C001"]),
        deeplinks.parse_month(text, MONTHS),
        deeplinks.parse_month(text),
        deeplinks.parse_domain(text),
        deeplinks.parse_view(text),
        deeplinks.parse_choice(text, ["pending", "approved"], "status"),
        deeplinks.parse_search(text),
    ):
        if parsed.problem:
            assert _plain(parsed.problem), parsed.problem
    searched = deeplinks.parse_search(text).value
    assert len(searched) <= deeplinks.SEARCH_MAX_CHARS and len(searched.split()) <= deeplinks.SEARCH_MAX_WORDS
