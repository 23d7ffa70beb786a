"""Pure functions that turn mart rows into what people read: words, symbols, money. No Streamlit here."""

from __future__ import annotations

import math

import pandas as pd

DOMAINS = (
    ("outcomes_rating", "Outcomes"),
    ("experience_rating", "Experience"),
    ("voice_rating", "Voice"),
    ("relationships_rating", "Relationships"),
    ("cost_rating", "Cost"),
)


def labelled_rating(rating: str | None, legend: pd.DataFrame) -> str:
    """'✓ Good': the symbol and the word, so a rating never depends on colour."""
    if rating is None or (isinstance(rating, float) and math.isnan(rating)):
        return "– No return"
    symbols = dict(zip(legend["rating"], legend["symbol"], strict=True))
    return f"{symbols.get(rating, '')} {rating}".strip()


def money(value: float | None, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"£{value:,.{decimals}f}"


def scorecard_table(overview: pd.DataFrame, legend: pd.DataFrame) -> pd.DataFrame:
    """The portfolio scorecard as a plain table: one row per contract, ratings as symbol + word."""
    table = pd.DataFrame(
        {
            "Contract": overview["contract_id"] + " " + overview["title"],
            "Provider": overview["provider"],
            "Service area": overview["service_area"],
            "Model": overview["contracting_model"],
        }
    )
    for column, label in DOMAINS:
        table[label] = [labelled_rating(r, legend) for r in overview[column]]
    table["Unit cost"] = [money(v, 2) for v in overview["unit_cost_gbp"]]
    table["Cost per outcome (12 months)"] = [money(v) for v in overview["cost_per_outcome_12m_gbp"]]
    table["Alert"] = ["Watermelon: KPIs green, experience not" if flag else "" for flag in overview["watermelon_alert"]]
    table["Relationship"] = ["Sides diverge" if flag else "" for flag in overview["relationship_diverges"]]
    return table
