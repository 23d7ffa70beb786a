"""Pure Plotly chart builders: mart rows in, a ``plotly.graph_objects.Figure`` out. No Streamlit here.

Rules every builder keeps:
- a missing return is a gap in the line (``None``, never interpolated) and is labelled "no return";
- a rating is named in words (legend entries and hover text), so colour is never the only signal;
- every figure has a title, so the chart's purpose can be read without the colours.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .presentation import DOMAINS

# GOV.UK-like palette with at least 4.5:1 contrast on white.
INK = "#0b0c0c"
TARGET = "#0b0c0c"
ACTUAL = "#1d70b8"
BAND = "rgba(29, 112, 184, 0.15)"
NO_RETURN = "#505a5f"
COMMISSIONER = "#1d70b8"
PROVIDER = "#b35c00"
SENTIMENT_COLOURS = {
    "positive": "#00703c",
    "neutral": "#505a5f",
    "negative": "#d4351c",
    "not rated": "#8c5e9e",
}
FONT = {"family": "Arial, Helvetica, sans-serif", "color": INK, "size": 13}


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _values(series: pd.Series, keep: pd.Series | None = None) -> list:
    """Plain Python values with ``None`` for a gap (so Plotly breaks the line instead of joining it)."""
    out = []
    for i, value in enumerate(series.tolist()):
        kept = keep is None or bool(keep.iloc[i])
        out.append(None if (not kept or _is_missing(value)) else float(value))
    return out


def _layout(fig: go.Figure, title: str, y_title: str = "", height: int = 300) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        # below the axis: above the plot a legend that wraps on a narrow screen would cover the title
        legend={"orientation": "h", "yanchor": "top", "y": -0.26, "x": 0, "xanchor": "left"},
        hovermode="x unified",
    )
    fig.update_yaxes(title_text=y_title, gridcolor="#e5e5e5", zerolinecolor="#b1b4b6")
    fig.update_xaxes(gridcolor="#f3f2f1")
    return fig


def _mark_no_returns(fig: go.Figure, months: list) -> None:
    """A grey column and the words "no return" at every month with nothing sent."""
    for month in months:
        start = pd.Timestamp(month)
        fig.add_vrect(
            x0=start - pd.Timedelta(days=14),
            x1=start + pd.Timedelta(days=14),
            fillcolor="#b1b4b6",
            opacity=0.35,
            line_width=0,
            layer="below",
        )
        fig.add_annotation(
            x=start,
            y=0,
            yref="paper",
            yanchor="bottom",
            text="no return",
            showarrow=False,
            textangle=-90,
            font={"size": 11, "color": NO_RETURN},
        )


def _rating_colours(legend: pd.DataFrame | None) -> dict[str, str]:
    if legend is None:
        return {}
    return dict(zip(legend["rating"], legend["colour"], strict=True))


def kpi_chart(rows: pd.DataFrame, legend: pd.DataFrame | None = None) -> go.Figure:
    """One KPI over time (rows from ``kpi_status`` for one contract and KPI): actual against target,
    with the tolerance band shaded between ``band_low`` and ``band_high``."""
    rows = rows.sort_values("month")
    months = list(rows["month"])
    first = rows.iloc[0]
    colours = _rating_colours(legend)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=months,
            y=_values(rows["band_high"]),
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            name="Tolerance band (upper)",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=_values(rows["band_low"]),
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=BAND,
            name="Tolerance band",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=_values(rows["target"]),
            mode="lines",
            line={"color": TARGET, "dash": "dash", "width": 1.5},
            name="Target",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=_values(rows["value"], rows["is_return"]),
            mode="lines+markers",
            connectgaps=False,
            line={"color": ACTUAL, "width": 2},
            marker={"size": 7, "color": [colours.get(r, ACTUAL) for r in rows["rating"]], "line": {"width": 0}},
            customdata=list(rows["rating"]),
            hovertemplate="%{y} (%{customdata})<extra>Actual</extra>",
            name="Actual",
        )
    )
    _mark_no_returns(fig, list(rows.loc[~rows["is_return"].astype(bool), "month"]))
    direction = "higher is better" if first["direction"] == "higher" else "lower is better"
    return _layout(fig, f"Actual against target ({direction})", str(first["unit"]))


def cumulative_chart(rows: pd.DataFrame) -> go.Figure:
    """A cumulative KPI: the running total against the running target (rows from ``kpi_status``)."""
    rows = rows.sort_values("month")
    months = list(rows["month"])
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=months,
            y=_values(rows["cumulative_target"]),
            mode="lines",
            line={"color": TARGET, "dash": "dash", "width": 1.5},
            name="Cumulative target",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=_values(rows["cumulative_value"], rows["is_return"]),
            mode="lines+markers",
            connectgaps=False,
            line={"color": ACTUAL, "width": 2},
            name="Cumulative actual",
        )
    )
    _mark_no_returns(fig, list(rows.loc[~rows["is_return"].astype(bool), "month"]))
    return _layout(fig, "Cumulative actual against cumulative target", str(rows.iloc[0]["unit"]))


def experience_chart(measures: pd.DataFrame) -> go.Figure:
    """Survey measures in one month (rows from ``experience_measure_month``): the positive share with
    its Wilson 95% interval as error bars and the number of responses (n) written beside each dot."""
    returned = measures[measures["is_return"].astype(bool)].sort_values("measure")
    missing = measures[~measures["is_return"].astype(bool)].sort_values("measure")
    share = [100 * v for v in _values(returned["positive_share"])]
    low = [100 * v for v in _values(returned["positive_share_low_95"])]
    high = [100 * v for v in _values(returned["positive_share_high_95"])]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=share,
            y=list(returned["measure"]),
            mode="markers+text",
            marker={"size": 10, "color": ACTUAL},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [h - s for h, s in zip(high, share, strict=True)],
                "arrayminus": [s - lo for s, lo in zip(share, low, strict=True)],
                "color": ACTUAL,
                "thickness": 2,
            },
            text=[f"n={int(n)}" for n in returned["respondents"]],
            textposition="top center",
            cliponaxis=False,  # the top measure's "n=" sits above the plot area: drawn, not cut in half
            name="Positive share with 95% interval",
            hovertemplate="%{y}: %{x:.0f}% positive (%{text})<extra></extra>",
        )
    )
    if len(missing):
        fig.add_trace(
            go.Scatter(
                x=[0] * len(missing),
                y=list(missing["measure"]),
                mode="text",
                text=["no return"] * len(missing),
                textposition="middle right",
                textfont={"color": NO_RETURN},
                name="No return",
            )
        )
    fig.update_xaxes(range=[0, 105], ticksuffix="%")
    fig.update_layout(hovermode="closest")
    return _layout(
        fig,
        "People's experience: share positive, with 95% interval",
        "",
        height=120 + 45 * max(1, len(measures)),
    )


def cost_chart(months: pd.DataFrame) -> go.Figure:
    """Spend per month and outcome payments planned against paid (rows from ``contract_month``)."""
    months = months.sort_values("month")
    x = list(months["month"])
    returned = months["finance_returned"].fillna(False).astype(bool)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(x=x, y=_values(months["spend_gbp"], returned), name="Spend", marker_color="#b1b4b6", opacity=0.9)
    )
    if months["outcome_payments_planned_gbp"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_values(months["outcome_payments_planned_gbp"], returned),
                mode="lines+markers",
                connectgaps=False,
                line={"color": TARGET, "dash": "dash"},
                name="Outcome payments planned",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_values(months["outcome_payments_paid_gbp"], returned),
                mode="lines+markers",
                connectgaps=False,
                line={"color": ACTUAL},
                name="Outcome payments paid",
            )
        )
    _mark_no_returns(fig, list(months.loc[~returned, "month"]))
    fig.update_yaxes(tickprefix="£")
    return _layout(fig, "Spend and outcome payments by month", "£")


def relationship_chart(pulse: pd.DataFrame) -> go.Figure:
    """Both sides of the quarterly relationship pulse on one chart (rows from
    ``relationship_pulse_quarterly``); the mean of four 1–5 questions per side."""
    fig = go.Figure()
    for side, colour, dash in (("commissioner", COMMISSIONER, "solid"), ("provider", PROVIDER, "dot")):
        rows = pulse[pulse["respondent_side"] == side].sort_values("quarter_start")
        fig.add_trace(
            go.Scatter(
                x=list(rows["quarter"]),
                y=_values(rows["mean_score"]),
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 2},
                marker={"symbol": "circle" if side == "commissioner" else "diamond", "size": 9},
                name=f"{side.capitalize()} view",
            )
        )
    fig.update_yaxes(range=[1, 5.2], dtick=1)
    fig.update_xaxes(type="category", categoryorder="category ascending")
    return _layout(fig, "Relationship pulse: commissioner and provider, mean score 1–5", "score")


def rating_timeline(months: pd.DataFrame, legend: pd.DataFrame) -> go.Figure:
    """The five domain ratings month by month (rows from ``contract_month``): one trace per rating
    word, so the legend names every colour, and the rating's symbol printed in each cell."""
    months = months.sort_values("month")
    symbols = dict(zip(legend["rating"], legend["symbol"], strict=True))
    colours = _rating_colours(legend)
    labels = [label for _, label in DOMAINS]
    fig = go.Figure()
    for rating in legend.sort_values("sort_order")["rating"]:
        xs, ys = [], []
        for column, label in DOMAINS:
            for month, value in zip(months["month"], months[column], strict=True):
                if (value if not _is_missing(value) else "No return") == rating:
                    xs.append(month)
                    ys.append(label)
        if not xs:
            continue
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers+text",
                marker={"symbol": "square", "size": 26, "color": colours.get(rating, NO_RETURN)},
                text=[symbols.get(rating, "")] * len(xs),
                textfont={"color": "white", "size": 13},
                name=rating,
                hovertemplate="%{y}, %{x|%B %Y}: " + rating + "<extra></extra>",
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)), type="category")
    fig.update_xaxes(dtick="M1", tickformat="%b\n%Y")
    fig.update_layout(hovermode="closest")
    return _layout(fig, "Ratings over the last 12 months", "", height=320)


def feedback_counts_chart(counts: pd.DataFrame) -> go.Figure:
    """Comments per month, stacked by sentiment, from (month, sentiment, comments) counts. Each bar
    carries its month (``YYYY-MM``) in ``customdata`` so a click can select that month's comments."""
    fig = go.Figure()
    if counts.empty:
        return _layout(fig, "Comments per month", "comments")
    table = (
        counts.assign(month=pd.to_datetime(counts["month"]))
        .pivot_table(index="month", columns="sentiment", values="comments", aggfunc="sum", fill_value=0)
        .sort_index()
    )
    for sentiment in SENTIMENT_COLOURS:
        if sentiment not in table.columns:
            continue
        fig.add_trace(
            go.Bar(
                x=list(table.index),
                y=[int(v) for v in table[sentiment]],
                name=sentiment.capitalize(),
                marker_color=SENTIMENT_COLOURS[sentiment],
                customdata=[m.strftime("%Y-%m") for m in table.index],
                hovertemplate="%{x|%B %Y}: %{y} " + sentiment + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", hovermode="closest", clickmode="event+select")
    return _layout(fig, "Comments per month by sentiment (click a bar to read them)", "comments")
