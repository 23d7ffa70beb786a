"""Each view on the hand-made fixture (see fixture_data.py for the worked ratings)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from conftest import one

from contract_monitor import data_access

JAN, FEB, MAR, APR = (dt.date(2025, m, 1) for m in (1, 2, 3, 4))


# --- staging -----------------------------------------------------------------------------


def test_stg_contracts_derives_first_and_last_month(fx):
    assert one(fx, "select first_month, last_month from stg_contracts where contract_id='C3'") == (
        MAR,
        dt.date(2028, 2, 1),
    )


def test_stg_kpi_definitions_marks_what_counts_for_the_outcomes_domain(fx):
    rows = dict(
        fx.execute("select kind, bool_and(counts_for_outcomes_domain) from stg_kpi_definitions group by 1").fetchall()
    )
    assert rows == {"output": True, "outcome": True}


def test_stg_kpi_values_ranks_corrections_newest_first(fx):
    rows = fx.execute(
        "select value, newest_first, submissions from stg_kpi_values "
        "where contract_id='C1' and kpi_code='K1' and month=? order by newest_first",
        [FEB],
    ).fetchall()
    assert rows == [(93.0, 1, 2), (80.0, 2, 2)]


def test_stg_experience_measures_keeps_source_rows(fx):
    assert one(fx, "select count(*), min(source_row) from stg_experience_measures") == (11, 2)


def test_stg_narrative_feedback_maps_fft_ratings_to_sentiment(fx):
    rows = dict(
        fx.execute(
            "select rating, any_value(rating_sentiment) from stg_narrative_feedback where rating is not null group by 1"
        ).fetchall()
    )
    assert rows == {1: "positive", 2: "positive", 3: "neutral", 4: "negative", 5: "negative"}
    assert one(fx, "select rating_sentiment from stg_narrative_feedback where source='staff'") is None


def test_stg_finance_flags_returns(fx):
    assert one(fx, "select count(*) filter (where is_return) from stg_finance") == 9


def test_stg_relationship_pulse_turns_quarter_into_a_date_and_averages(fx):
    assert one(
        fx,
        "select quarter_start, mean_score from stg_relationship_pulse "
        "where contract_id='C2' and respondent_side='provider'",
    ) == (JAN, 3.5)


def test_stg_rating_rules_and_scale_and_outcomes_load_the_seeds(fx):
    assert one(fx, "select count(*) from stg_rating_rules") == 7
    assert one(fx, "select min_n from stg_rating_rules where scope='kpi'") == 0
    assert one(fx, "select string_agg(rating, '|' order by sort_order) from stg_rating_scale") == (
        "Good|Approaching target|Requires improvement|Inadequate|Too few responses|No return"
    )
    assert one(fx, "select outcome_name from stg_national_outcomes where outcome_id='NO08'") == "Health"


# --- intermediate ------------------------------------------------------------------------


def test_int_reporting_months_spans_first_to_latest_month(fx):
    rows = fx.execute("select month, is_latest, financial_year_start from int_reporting_months order by 1").fetchall()
    assert [r[0] for r in rows] == [JAN, FEB, MAR, APR]
    assert [r[1] for r in rows] == [False, False, False, True]
    assert [r[2] for r in rows] == [2024, 2024, 2024, 2025]


def test_int_contract_months_only_covers_active_months(fx):
    assert one(fx, "select count(*) from int_contract_months where contract_id='C3'") == 2
    assert one(fx, "select count(*) from int_contract_months") == 10


def test_int_kpi_values_latest_keeps_the_correction_and_the_original(fx):
    assert one(
        fx,
        "select value, original_value, corrections from int_kpi_values_latest "
        "where contract_id='C1' and kpi_code='K1' and month=?",
        [FEB],
    ) == (93.0, 80.0, 1)


def test_kpi_status_accumulates_within_the_financial_year_without_imputing(fx):
    rows = fx.execute(
        "select month, value, cumulative_value, cumulative_target, cumulative_missing_months "
        "from kpi_status where contract_id='C1' and kpi_code='K2' order by month"
    ).fetchall()
    assert rows == [
        (JAN, 8.0, 8.0, 10.0, 0),
        (FEB, None, 8.0, 20.0, 1),
        (MAR, 11.0, 19.0, 30.0, 1),
        (APR, 16.0, 16.0, 10.0, 0),  # April starts a new financial year
    ]


def test_kpi_status_applies_the_tolerance_bands(fx):
    rows = fx.execute("select kpi_code, month, rating from kpi_status where contract_id='C1' order by 1, 2").fetchall()
    assert [r[2] for r in rows] == [
        "Good",
        "Approaching target",
        "Requires improvement",
        "Inadequate",
        "Good",
        "No return",
        "Approaching target",
        "Inadequate",
    ]


def test_kpi_status_explains_the_rule_in_the_words_the_contract_page_reads(fx):
    def rule(code, month):
        sql = f"select {data_access.KPI_RULE_APPLIED} from kpi_status where contract_id='C1' and kpi_code=? and month=?"
        return one(fx, sql, [code, month])

    assert rule("K1", MAR) == (
        "90.0 against target 95.0 (higher is better, tolerance 3.0): 1.67 tolerance(s) short. "
        "Good at target, Approaching target within 1.0, Requires improvement within 2.0, else Inadequate."
    )
    missing = one(fx, "select kpi_code, month from kpi_status where contract_id='C1' and not is_return limit 1")
    assert rule(*missing) == f"No return: the provider sent no value for {missing[1]:%B %Y} (never imputed)."


def test_int_experience_months_pools_measures(fx):
    assert one(
        fx,
        "select respondents, positive, measures from int_experience_months where contract_id='C1' and month=?",
        [JAN],
    ) == (40, 35, 2)


def test_int_voice_months_counts_rated_and_negative_comments(fx):
    assert one(
        fx,
        "select comments, rated_comments, negative_comments, positive_comments from int_voice_months "
        "where contract_id='C1' and month=?",
        [JAN],
    ) == (5, 4, 1, 3)


def test_int_relationship_quarters_compares_the_two_sides(fx):
    assert one(
        fx,
        "select commissioner_score, provider_score, overall_score, side_gap from int_relationship_quarters "
        "where contract_id='C1'",
    ) == (4.0, 5.0, 4.5, 1.0)


def test_int_cost_months_computes_unit_cost_and_cost_per_outcome(fx):
    row = one(
        fx,
        "select unit_cost_gbp, cost_per_outcome_gbp, spend_12m_gbp, outcomes_12m, cost_per_outcome_12m_gbp, "
        "peer_median_cost_per_outcome_12m_gbp from int_cost_months where contract_id='C1' and month=?",
        [FEB],
    )
    assert row == (25.0, 20000.0, 200000.0, 15, pytest.approx(13333.333), pytest.approx((13333.333 + 15000) / 2))


def test_int_cost_months_keeps_missing_finance_as_missing(fx):
    assert one(fx, "select is_return, spend_gbp from int_cost_months where contract_id='C3' and month=?", [APR]) == (
        False,
        None,
    )


def test_int_domain_metrics_has_six_measures_per_contract_month(fx):
    assert one(fx, "select count(*) from int_domain_metrics") == 10 * 6
    assert one(
        fx, "select metric from int_domain_metrics where contract_id='C1' and month=? and scope='experience'", [JAN]
    ) == pytest.approx(35 / 40)


def test_int_domain_ratings_rates_each_domain_by_its_rule(fx):
    ratings = dict(
        fx.execute("select scope, rating from int_domain_ratings where contract_id='C1' and month=?", [JAN]).fetchall()
    )
    assert ratings == {
        "outcomes": "Good",
        "experience": "Good",
        "voice": "Requires improvement",
        "relationships": "Good",
        "relationship_gap": "Requires improvement",
        "cost": "Good",
    }


def test_too_few_responses_is_its_own_state(fx):
    ratings = dict(
        fx.execute(
            "select month, rating from int_domain_ratings where contract_id='C1' "
            "and scope in ('experience') order by month"
        ).fetchall()
    )
    assert ratings == {JAN: "Good", FEB: "Inadequate", MAR: "Too few responses", APR: "No return"}
    assert (
        one(fx, "select rating from int_domain_ratings where contract_id='C1' and month=? and scope='voice'", [FEB])
        == "Too few responses"
    )


# --- marts -------------------------------------------------------------------------------


def test_kpi_status_carries_band_outcome_and_provenance(fx):
    row = one(
        fx,
        "select band_low, band_high, national_outcome, source_file, source_row, corrections, points "
        "from kpi_status where contract_id='C1' and kpi_code='K1' and month=?",
        [FEB],
    )
    assert row == (92.0, 95.0, "Health", "kpi_values.csv", 4, 1, 2)
    assert one(fx, "select band_low, band_high from kpi_status where contract_id='C1' and kpi_code='K2' limit 1") == (
        10.0,
        12.0,
    )


def test_contract_month_is_the_five_domain_scorecard(fx):
    row = one(
        fx,
        "select outcomes_rating, experience_rating, voice_rating, relationships_rating, cost_rating, "
        "relationship_diverges, domains_needing_attention, kpi_return_status from contract_month "
        "where contract_id='C1' and month=?",
        [MAR],
    )
    assert row == ("Requires improvement", "Too few responses", "Inadequate", "Good", "Good", True, 2, "received")
    assert (
        one(fx, "select kpi_return_status from contract_month where contract_id='C1' and month=?", [FEB]) == "partial"
    )


def test_contract_month_experience_share_has_a_wilson_interval(fx):
    low, high = one(
        fx,
        "select experience_share_low_95, experience_share_high_95 from contract_month "
        "where contract_id='C1' and month=?",
        [JAN],
    )
    # Wilson (1927) score interval, written out independently of the SQL macro
    n, p, z = 40, 35 / 40, 1.96
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert (low, high) == (
        pytest.approx((centre - half) / (1 + z * z / n)),
        pytest.approx((centre + half) / (1 + z * z / n)),
    )
    assert (round(low, 4), round(high, 4)) == (0.7389, 0.9454)


def test_watermelon_alerts_flags_green_kpis_with_red_experience(fx):
    rows = fx.execute("select contract_id, month from watermelon_alerts order by 1, 2").fetchall()
    assert rows == [("C1", JAN), ("C2", JAN), ("C2", FEB), ("C2", MAR), ("C2", APR)]


def test_portfolio_overview_shows_each_contract_at_its_latest_month(fx):
    rows = {
        r[0]: r[1:]
        for r in fx.execute(
            "select contract_id, as_of_month, outcomes_rating, watermelon_alert, relationship_diverges, "
            "months_with_missing_returns_12m from portfolio_overview"
        ).fetchall()
    }
    assert rows["C1"] == (APR, "Inadequate", False, True, 1)
    assert rows["C2"] == (APR, "Good", True, False, 0)
    assert rows["C3"] == (APR, "Good", False, False, 0)


def test_month_changes_lists_what_moved_and_which_way(fx):
    rows = fx.execute(
        "select item_code, previous_rating, rating, direction from month_changes "
        "where contract_id='C1' and month=? order by item_type, item_code",
        [APR],
    ).fetchall()
    assert rows == [
        ("cost", "Good", "Approaching target", "declined"),
        ("experience", "Too few responses", "No return", "no rating now"),
        ("outcomes", "Requires improvement", "Inadequate", "declined"),
        ("voice", "Inadequate", "Good", "improved"),
        ("K1", "Requires improvement", "Inadequate", "declined"),
        ("K2", "Approaching target", "Inadequate", "declined"),
    ]


def test_month_changes_carries_the_note_sent_with_the_kpi_value(fx):
    notes = fx.execute(
        "select item_code, note from month_changes where contract_id='C1' and month=? order by item_type, item_code",
        [APR],
    ).fetchall()
    # the domains have no note; K1's April value came with one, K2's without (a blank cell is no note)
    assert notes == [
        ("cost", None),
        ("experience", None),
        ("outcomes", None),
        ("voice", None),
        ("K1", "Two staff off sick; visits rearranged"),
        ("K2", None),
    ]


def test_int_contract_measures_lists_each_measure_a_contract_ever_reported_once(fx):
    rows = fx.execute("select contract_id, measure from int_contract_measures order by all").fetchall()
    assert rows == [
        ("C1", "Felt listened to"),
        ("C1", "Treated with dignity and respect"),
        ("C2", "Felt listened to"),
        ("C3", "Felt listened to"),
    ]


def test_experience_measure_month_shows_missing_months_as_missing(fx):
    rows = fx.execute(
        "select month, is_return, positive_share from experience_measure_month "
        "where contract_id='C1' and measure='Felt listened to' order by month"
    ).fetchall()
    assert rows == [(JAN, True, 0.85), (FEB, True, 0.6), (MAR, False, None), (APR, False, None)]


def test_relationship_pulse_quarterly_has_both_sides_and_the_gap(fx):
    rows = fx.execute(
        "select respondent_side, mean_score, side_gap from relationship_pulse_quarterly "
        "where contract_id='C2' order by 1"
    ).fetchall()
    assert rows == [("commissioner", 3.0, 0.5), ("provider", 3.5, 0.5)]


def test_feedback_is_shareable_only_with_consent_and_approval(fx):
    rows = fx.execute(
        "select consent_to_share, approved_for_board, bool_or(shareable_with_board), count(*) "
        "from feedback group by 1, 2 order by 1, 2"
    ).fetchall()
    assert [(c, a, s) for c, a, s, _ in rows] == [
        (False, False, False),
        (False, True, False),
        (True, False, False),
        (True, True, True),
    ]


def test_rating_legend_gives_every_rating_a_symbol(fx):
    rows = fx.execute("select rating, symbol from rating_legend").fetchall()
    assert len(rows) == 6 and all(symbol for _, symbol in rows)
