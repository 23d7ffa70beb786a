"""Pure tests of the chart builders (contract_monitor/charts.py) on the hand-made fixture's marts:
the traces each chart draws, missing months as gaps labelled "no return", the target band."""

from __future__ import annotations

import pandas as pd
import pytest

from contract_monitor import charts, presentation


def _trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}, got {[t.name for t in fig.data]}"
    return matches[0]


def _no_return_labels(fig) -> list[pd.Timestamp]:
    return sorted(pd.Timestamp(a.x) for a in fig.layout.annotations if a.text == "no return")


@pytest.fixture(scope="module")
def legend(fx):
    return fx.execute("select * from rating_legend order by sort_order").df()


def _kpi(fx, contract, code):
    return fx.execute("select * from kpi_status where contract_id = ? and kpi_code = ?", [contract, code]).df()


def test_kpi_chart_draws_actual_target_and_the_tolerance_band(fx, legend):
    fig = charts.kpi_chart(_kpi(fx, "C1", "K1"), legend)
    assert [t.name for t in fig.data] == ["Tolerance band (upper)", "Tolerance band", "Target", "Actual"]
    assert list(_trace(fig, "Actual").y) == [96, 93, 90, 85]  # February's corrected value, not the original 80
    assert list(_trace(fig, "Target").y) == [95] * 4
    # higher is better, tolerance 3: the band runs from 92 up to the target
    assert list(_trace(fig, "Tolerance band").y) == [92] * 4
    assert _trace(fig, "Tolerance band").fill == "tonexty"
    assert list(_trace(fig, "Tolerance band (upper)").y) == [95] * 4
    assert _no_return_labels(fig) == []
    assert fig.layout.title.text == "Actual against target (higher is better)"
    # each point is coloured by its rating, and the rating's word is in the hover text
    colours = dict(zip(legend["rating"], legend["colour"], strict=True))
    actual = _trace(fig, "Actual")
    assert list(actual.marker.color) == [colours[r] for r in ["Good", "Approaching target", "Requires improvement"]] + [
        colours["Inadequate"]
    ]
    assert list(actual.customdata) == ["Good", "Approaching target", "Requires improvement", "Inadequate"]


def test_a_missing_month_is_a_gap_labelled_no_return_never_interpolated(fx, legend):
    rows = _kpi(fx, "C1", "K2")  # 8, (no return), 11, 16
    fig = charts.kpi_chart(rows, legend)
    actual = _trace(fig, "Actual")
    assert list(actual.y) == [8, None, 11, 16]
    assert actual.connectgaps is False
    assert _no_return_labels(fig) == [pd.Timestamp("2025-02-01")]
    assert len(fig.layout.shapes) == 1  # the shaded column behind the gap
    # lower is better, tolerance 2: band from the target up to target + tolerance
    assert list(_trace(fig, "Tolerance band").y) == [10] * 4
    assert list(_trace(fig, "Tolerance band (upper)").y) == [12] * 4


def test_cumulative_chart_runs_the_totals_with_the_same_gap(fx):
    rows = _kpi(fx, "C1", "K2")
    fig = charts.cumulative_chart(rows)
    expected = rows.sort_values("month")
    assert list(_trace(fig, "Cumulative target").y) == list(expected["cumulative_target"])
    actual = list(_trace(fig, "Cumulative actual").y)
    assert actual[1] is None
    assert actual[0] == 8 and actual[2:] == list(expected["cumulative_value"])[2:]
    assert _no_return_labels(fig) == [pd.Timestamp("2025-02-01")]


def test_experience_chart_shows_share_n_and_the_wilson_interval(fx):
    measures = fx.execute(
        "select * from experience_measure_month where contract_id = 'C1' and month = '2025-01-01'"
    ).df()
    fig = charts.experience_chart(measures)
    dots = fig.data[0]
    assert list(dots.y) == ["Felt listened to", "Treated with dignity and respect"]
    assert list(dots.text) == ["n=20", "n=20"]
    assert list(dots.x) == pytest.approx([85.0, 90.0])
    by_measure = measures.set_index("measure")
    for i, measure in enumerate(dots.y):
        low = 100 * by_measure.loc[measure, "positive_share_low_95"]
        high = 100 * by_measure.loc[measure, "positive_share_high_95"]
        assert dots.x[i] - dots.error_x.arrayminus[i] == pytest.approx(low)
        assert dots.x[i] + dots.error_x.array[i] == pytest.approx(high)
        assert low < dots.x[i] < high
    # the top measure's "n=" label sits above the plot area: drawn in full, not clipped by it
    assert dots.textposition == "top center" and dots.cliponaxis is False


def test_experience_chart_names_a_measure_with_no_return(fx):
    measures = fx.execute(
        "select * from experience_measure_month where contract_id = 'C1' and month = '2025-03-01'"
    ).df()  # dignity returned (4 of 4), listened not returned
    fig = charts.experience_chart(measures)
    assert list(fig.data[0].y) == ["Treated with dignity and respect"]
    missing = _trace(fig, "No return")
    assert list(missing.y) == ["Felt listened to"]
    assert list(missing.text) == ["no return"]


def test_cost_chart_plans_against_payments_and_gaps_a_missing_finance_return(fx):
    c1 = fx.execute("select * from contract_month where contract_id = 'C1' order by month").df()
    fig = charts.cost_chart(c1)
    assert [t.name for t in fig.data] == ["Spend", "Outcome payments planned", "Outcome payments paid"]
    assert list(_trace(fig, "Outcome payments planned").y) == [20000] * 4
    assert list(_trace(fig, "Outcome payments paid").y) == [18000, 9000, 18000, 0]
    assert list(_trace(fig, "Spend").y) == [100000] * 4

    c3 = fx.execute("select * from contract_month where contract_id = 'C3' order by month").df()
    fig = charts.cost_chart(c3)  # fee-free alliance: no outcome payments; April's finance return is missing
    assert [t.name for t in fig.data] == ["Spend"]
    assert list(fig.data[0].y) == [25000, None]
    assert _no_return_labels(fig) == [pd.Timestamp("2025-04-01")]


def test_relationship_chart_puts_both_sides_on_one_chart(fx):
    pulse = fx.execute("select * from relationship_pulse_quarterly where contract_id = 'C1'").df()
    fig = charts.relationship_chart(pulse)
    assert list(_trace(fig, "Commissioner view").y) == [4.0]
    assert list(_trace(fig, "Provider view").y) == [5.0]
    assert list(_trace(fig, "Provider view").x) == ["2025-Q1"]
    assert tuple(fig.layout.yaxis.range) == (1, 5.2)


def test_rating_timeline_has_a_trace_per_rating_word_and_a_cell_per_domain_month(fx, legend):
    months = fx.execute("select * from contract_month where contract_id = 'C1' order by month").df()
    fig = charts.rating_timeline(months, legend)
    assert sum(len(t.x) for t in fig.data) == 5 * len(months)
    assert {t.name for t in fig.data} <= set(legend["rating"])
    symbols = dict(zip(legend["rating"], legend["symbol"], strict=True))
    for trace in fig.data:
        assert set(trace.text) == {symbols[trace.name]}
    # C1 January: Outcomes is Good (K1 96, K2 8)
    good = _trace(fig, "Good")
    cells = set(zip(pd.to_datetime(list(good.x)), good.y, strict=True))
    assert (pd.Timestamp("2025-01-01"), "Outcomes") in cells
    assert presentation.timeline_table(months, legend).loc[0, "Outcomes"] == "✓ Good"


def test_feedback_counts_chart_stacks_sentiments_per_month_and_carries_the_month(fx):
    counts = fx.execute(
        "select month, coalesce(sentiment, 'not rated') as sentiment, count(*) as comments from feedback group by all"
    ).df()
    fig = charts.feedback_counts_chart(counts)
    assert fig.layout.barmode == "stack"
    assert sum(sum(t.y) for t in fig.data) == fx.execute("select count(*) from feedback").fetchone()[0]
    for trace in fig.data:
        assert list(trace.customdata) == ["2025-01", "2025-02", "2025-03", "2025-04"]
    january = sum(t.y[0] for t in fig.data)
    assert january == fx.execute("select count(*) from feedback where month = '2025-01-01'").fetchone()[0]
    assert {t.name for t in fig.data} == {s.capitalize() for s in counts["sentiment"]}
    unrated = pd.DataFrame({"month": ["2025-01-01"], "sentiment": ["not rated"], "comments": [2]})
    assert [(t.name, list(t.y)) for t in charts.feedback_counts_chart(unrated).data] == [("Not rated", [2])]


def test_feedback_counts_chart_with_no_comments_is_empty_not_an_error():
    empty = pd.DataFrame(columns=["month", "sentiment", "comments"])
    assert len(charts.feedback_counts_chart(empty).data) == 0


def test_a_legend_sits_below_the_axis_so_when_it_wraps_it_never_covers_the_title(fx, legend):
    for fig in (charts.kpi_chart(_kpi(fx, "C1", "K1"), legend), charts.cumulative_chart(_kpi(fx, "C1", "K2"))):
        legend = fig.layout.legend
        assert (legend.yanchor, legend.orientation) == ("top", "h") and legend.y < 0
        assert fig.layout.title.text
