"""Query parameters carry a page's state; a bad one gives a plain message, never an exception."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
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
