"""The real sample portfolio shows each situation the product exists to reveal (sample_data/README.md)."""

from __future__ import annotations

from conftest import one

from contract_monitor.sample import SITUATIONS

LAST_12 = "month > (select max(month) from contract_month) - interval 12 month"
LATEST = "month = (select as_of_month from portfolio_overview as p where p.contract_id = contract_month.contract_id)"


def _ratings(sample, contract_id: str, column: str, where: str = LAST_12) -> list[str]:
    return [
        r[0]
        for r in sample.execute(
            f"select {column} from contract_month where contract_id = ? and {where} order by month", [contract_id]
        ).fetchall()
    ]


def test_sample_has_the_promised_size(sample):
    assert one(sample, "select count(*) from stg_contracts") >= 24
    assert one(sample, "select count(*) from int_reporting_months") == 36
    assert 7.5 <= one(sample, "select count(*) / count(distinct contract_id) from stg_kpi_definitions") <= 8.5
    assert one(sample, "select count(*) from feedback") >= 3000
    assert one(sample, "select count(*) from kpi_status where rating = 'No return'") > 0
    assert one(sample, "select count(*) from kpi_status where corrections > 0") > 0


def test_watermelon_contract_is_alerted_green_kpis_red_experience(sample):
    contract = SITUATIONS["watermelon"]
    months = one(sample, f"select count(*) from watermelon_alerts where contract_id = ? and {LAST_12}", [contract])
    assert months >= 10
    latest = one(
        sample, "select watermelon_alert, outcomes_rating from portfolio_overview where contract_id = ?", [contract]
    )
    assert latest == (True, "Good")
    rushed = one(
        sample,
        "select count(*) from feedback where contract_id = ? and rating_sentiment = 'negative' "
        "and (text ilike '%rush%' or text ilike '%15 min%' or text ilike '%fifteen min%')",
        [contract],
    )
    assert rushed >= 20


def test_low_unit_cost_contract_has_poor_outcomes_and_the_worst_cost_per_outcome(sample):
    contract = SITUATIONS["low_cost_poor_outcomes"]
    ranked = sample.execute(
        f"""
        select contract_id, avg(unit_cost_gbp) as unit_cost, max_by(cost_per_outcome_12m_gbp, month) as cpo
        from contract_month
        where service_area = (select service_area from stg_contracts where contract_id = ?) and {LAST_12}
        group by contract_id
        """,
        [contract],
    ).fetchall()
    cheapest = min(ranked, key=lambda r: r[1])[0]
    dearest_per_outcome = max(ranked, key=lambda r: r[2])[0]
    assert cheapest == contract and dearest_per_outcome == contract
    assert _ratings(sample, contract, "outcomes_rating", LATEST)[0] in (
        "Requires improvement",
        "Inadequate",
    )
    assert _ratings(sample, contract, "cost_rating", LATEST)[0] in ("Requires improvement", "Inadequate")


def test_alliance_contract_is_amber_on_kpis_but_excellent_on_experience_and_relationship(sample):
    contract = SITUATIONS["alliance_amber_but_excellent"]
    assert one(sample, "select contracting_model from stg_contracts where contract_id = ?", [contract]) == "alliance"
    kpis = dict(
        sample.execute(
            f"select rating, count(*) from kpi_status where contract_id = ? and {LAST_12} group by 1", [contract]
        ).fetchall()
    )
    assert kpis.get("Approaching target", 0) > kpis.get("Good", 0)
    assert _ratings(sample, contract, "experience_rating").count("Good") >= 10
    assert _ratings(sample, contract, "relationships_rating").count("Good") >= 10
    assert "Inadequate" not in _ratings(sample, contract, "outcomes_rating")


def test_relationship_pulse_diverges_between_commissioner_and_provider(sample):
    contract = SITUATIONS["relationship_divergence"]
    gaps = [
        r[0]
        for r in sample.execute(
            "select side_gap from relationship_pulse_quarterly where contract_id = ? and respondent_side = 'provider' "
            "order by quarter_start desc limit 4",
            [contract],
        ).fetchall()
    ]
    assert len(gaps) == 4 and min(gaps) > 1.0
    assert one(sample, "select relationship_diverges from portfolio_overview where contract_id = ?", [contract])


def test_contract_improves_after_its_review(sample):
    contract = SITUATIONS["improving_after_review"]
    points = sample.execute(
        """
        select cm.month, avg(s.points) as points
        from contract_month as cm
        cross join lateral (values (cm.outcomes_rating), (cm.experience_rating), (cm.voice_rating)) as d(rating)
        inner join rating_legend as s on s.rating = d.rating
        where cm.contract_id = ?
        group by cm.month order by cm.month
        """,
        [contract],
    ).fetchall()
    first_year = [p for _, p in points[:12]]
    last_six = [p for _, p in points[-6:]]
    assert sum(first_year) / len(first_year) <= 1.5
    assert min(last_six) >= 2.5
    assert (
        one(
            sample,
            "select count(*) from feedback where contract_id = ? and source = 'commissioner' and text ilike '%review%'",
            [contract],
        )
        >= 1
    )


def test_you_said_we_did_counts_what_people_said_not_the_two_parties_notes(sample):
    window = "sentiment = 'negative' and month > (select max(month) from comment_themes) - interval 12 month"
    # the sample's provider updates and commissioner notes have negative, themed comments in the window ...
    assert one(sample, f"select count(*) from comment_themes where {window} and source in ('provider', 'commissioner')")
    # ... and response_loop counts only the others: people who use the service, families, community, staff
    people = sample.execute(
        f"select contract_id, theme, count(*) from comment_themes where {window}"
        " and source in ('service user', 'family/carer', 'community', 'staff') group by all order by all"
    ).fetchall()
    loop = sample.execute("select contract_id, theme, negative_comments from response_loop order by all").fetchall()
    assert loop == people != []
