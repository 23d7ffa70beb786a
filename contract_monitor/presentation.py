"""Pure functions that turn mart rows into what people read: words, symbols, money. No Streamlit here."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

from .spreadsheet_safety import neutralise_frame

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


# the five domains and the money first, so they fit on screen without scrolling sideways
# A large portfolio (tens of thousands of contracts) shows its first rows in the chosen order; the
# downloads hold every row. Watermelon alerts list the first few with links; all are in the scorecard.
SCORECARD_ROWS = 1_000
ALERTS_LISTED = 25
QUEUE_ROWS = 500  # Approve comments lists a queue's oldest comments; its download holds all of them

SCORECARD_ORDER = (
    "Contract",
    *(label for _, label in DOMAINS),
    "Unit cost",
    "Cost per outcome (12 months)",
    "Alert",
    "Relationship",
    "Provider",
    "Service area",
    "Model",
)


def style_ratings(table: pd.DataFrame, legend: pd.DataFrame):
    """The table with each rating cell's text in its rating colour (all AA on white). The word and
    symbol stay, so the colour only repeats what the text already says."""
    colours = {labelled_rating(r, legend): c for r, c in zip(legend["rating"], legend["colour"], strict=True)}
    rating_columns = [label for _, label in DOMAINS if label in table.columns]

    def colour(value):
        return f"color: {colours[value]}; font-weight: 600" if value in colours else ""

    return table.style.map(colour, subset=rating_columns)


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


# --------------------------------------------------------------------------- ratings as text

RATING_BADGE = {
    "Good": "green",
    "Approaching target": "blue",
    "Requires improvement": "orange",
    "Inadequate": "red",
}


def rating_markdown(rating: str | None, legend: pd.DataFrame) -> str:
    """Streamlit markdown for a rating: a tinted badge holding the symbol and the word."""
    text = labelled_rating(rating, legend)
    word = text.split(" ", 1)[-1]
    return f":{RATING_BADGE.get(word, 'gray')}-background[{text}]"


def rating_points(ratings: pd.Series, legend: pd.DataFrame) -> pd.Series:
    """Points for sorting (Good 3 … Inadequate 0); unrated states (no return, too few) are missing."""
    points = dict(zip(legend["rating"], legend["points"], strict=True))
    return pd.to_numeric(ratings.map(points), errors="coerce")


def month_label(month) -> str:
    return "—" if month is None or pd.isna(month) else pd.Timestamp(month).strftime("%B %Y")


def day(value) -> dt.date | None:
    """A date without a time of day (a table shows 2026-11-28, and sorts it as a date); None when there is
    none (a return not yet submitted)."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def percent(value: float | None, decimals: int = 0) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{100 * value:.{decimals}f}%"


def number(value: float | None, decimals: int = 0) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{value:,.{decimals}f}"


# --------------------------------------------------------------------------- portfolio

SORTS = {
    "Domains needing attention (most first)": None,
    **{f"{label} (worst first)": column for column, label in DOMAINS},
    "Unit cost (highest first)": "unit_cost_gbp",
    "Cost per outcome (highest first)": "cost_per_outcome_12m_gbp",
}
SORT_BY_DOMAIN = {column.removesuffix("_rating"): f"{label} (worst first)" for column, label in DOMAINS}


def filter_portfolio(
    overview: pd.DataFrame,
    *,
    service_areas=(),
    models=(),
    providers=(),
    managers=(),
    ratings=(),
) -> pd.DataFrame:
    """Keep contracts matching every non-empty filter; ``ratings`` keeps a contract rated any of
    them in any of the five domains ("No return" matches a domain with nothing sent)."""
    keep = pd.Series(True, index=overview.index)
    for column, chosen in (
        ("service_area", service_areas),
        ("contracting_model", models),
        ("provider", providers),
        ("contract_manager", managers),
    ):
        if chosen:
            keep &= overview[column].isin(list(chosen))
    if ratings:
        any_domain = pd.Series(False, index=overview.index)
        for column, _ in DOMAINS:
            any_domain |= overview[column].fillna("No return").isin(list(ratings))
        keep &= any_domain
    return overview[keep]


def sort_portfolio(overview: pd.DataFrame, sort: str, legend: pd.DataFrame) -> pd.DataFrame:
    """Sort by one of ``SORTS``: a domain sorts worst rating first, unrated states last."""
    column = SORTS[sort]
    frame = overview.copy()
    if column is None:
        frame["_key"] = -frame["domains_needing_attention"]
    elif column.endswith("_rating"):
        frame["_key"] = rating_points(frame[column], legend)
    else:
        frame["_key"] = -frame[column]
    return frame.sort_values(["_key", "contract_id"], na_position="last").drop(columns="_key")


def changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """The month's changes as sentences: declines first, then improvements."""
    if changes.empty:
        return pd.DataFrame(columns=["Contract", "What changed", "Direction", "Kind", "Provider's note"])
    order = {"declined": 0, "no rating now": 1, "rated again": 2, "improved": 3}
    frame = changes.assign(_o=changes["direction"].map(order).fillna(9))
    frame = frame.sort_values(["_o", "item_type", "contract_id", "item_name"])
    return pd.DataFrame(
        {
            "Contract": (frame["contract_id"] + " " + frame["title"]).tolist(),
            "What changed": (frame["item_name"] + ": " + frame["previous_rating"] + " → " + frame["rating"]).tolist(),
            "Direction": frame["direction"].str.capitalize().tolist(),
            "Kind": frame["item_type"].map({"domain": "Scorecard domain", "kpi": "KPI"}).tolist(),
            "Provider's note": frame["note"].fillna("").tolist(),
        }
    )


# --------------------------------------------------------------------------- contract page tables


def corrected(corrections, original_value) -> str:
    """A KPI-month's corrections in words ('' when the value was sent once)."""
    if corrections is None or pd.isna(corrections) or int(corrections) == 0:
        return ""
    times = "once" if int(corrections) == 1 else f"{int(corrections)} times"
    return f"Corrected {times}; first reported {number(original_value, 1)}"


def source(row, with_who: bool = True) -> str:
    """Where a KPI-month's value in use came from, in words ('' for a month with no value): the base data's
    file and row, or the imported return's file, sheet, row and revision; ``with_who`` adds who imported it
    and when (not for a board)."""
    if not isinstance(row.get("source_file"), str) or not row["source_file"]:
        return ""
    imported = row.get("origin") == "import"
    sheet = row.get("source_sheet") if imported else None
    where = row["source_file"] + (f", sheet {sheet}" if isinstance(sheet, str) and sheet else "")
    where += f" row {int(row['source_row'])}"
    if not imported:
        return where
    where += f", revision {int(row['revision'])}"
    if with_who and isinstance(row.get("imported_by"), str) and not pd.isna(row.get("imported_at")):
        where += f", imported by {row['imported_by']} on {pd.Timestamp(row['imported_at']):%d %B %Y}"
    return where


def returns_table(status: pd.DataFrame) -> pd.DataFrame:
    """The month's returns (``data_access.returns_status``) as the Data import page shows them: one row
    per contract; dates as days, a return not yet submitted with none, a value never imported with no
    revision or file."""
    yes_no = {True: "yes", False: "no"}
    return pd.DataFrame(
        {
            "Contract": status["contract_id"] + " " + status["title"],
            "Status": status["return_status"],
            "KPIs": status["kpis_returned"].astype(str) + " of " + status["kpis_expected"].astype(str),
            "Survey": status["survey_returned"].map(yes_no),
            "Finance": status["finance_returned"].map(yes_no),
            "Due": [day(v) for v in status["due_date"]],
            "Submitted": [day(v) for v in status["first_submitted_date"]],
            "Revision": [str(int(v)) if not pd.isna(v) and int(v) > 0 else "" for v in status["latest_revision"]],
            "File": status["last_source_file"].fillna(""),
            "By": status["last_imported_by"].fillna(""),
        }
    ).reset_index(drop=True)


def kpi_month_notes(rows: pd.DataFrame, month, with_notes: bool = True) -> list[str]:
    """Markdown lines under a KPI's chart for ``month``: the provider's note sent with its value (not
    for a board: free text from the return, like the relationship pulse's comments) and whether the
    value was corrected after it was first sent."""
    this = rows[pd.to_datetime(rows["month"]) == pd.Timestamp(month)]
    if this.empty:
        return []
    row = this.iloc[0]
    lines = []
    if with_notes and isinstance(row["note"], str) and row["note"].strip():
        lines.append(f"Provider's note for {month_label(month)}: “{escape_markdown(row['note'].strip())}”")
    if change := corrected(row["corrections"], row["original_value"]):
        lines.append(f"{change}; {number(row['value'], 1)} is the value in use.")
    return lines


def kpi_table(rows: pd.DataFrame, legend: pd.DataFrame, with_notes: bool = True) -> pd.DataFrame:
    """One KPI month by month: what the chart shows, in words; a missing month says "No return".
    ``with_notes``: include the provider's note sent with each value (contract managers and providers)."""
    rows = rows.sort_values("month")
    returned = rows["is_return"].astype(bool)
    table = pd.DataFrame(
        {
            "Month": [month_label(m) for m in rows["month"]],
            "Actual": [number(v, 1) if r else "No return" for v, r in zip(rows["value"], returned, strict=True)],
            "Target": [number(v, 1) for v in rows["target"]],
            "Tolerance band": [
                f"{number(lo, 1)} to {number(hi, 1)}"
                for lo, hi in zip(rows["band_low"], rows["band_high"], strict=True)
            ],
            "Rating": [labelled_rating(r, legend) for r in rows["rating"]],
        }
    )
    if (rows["measurement"] == "cumulative").any():
        table["Cumulative actual"] = [
            number(v, 0) if r else "No return" for v, r in zip(rows["cumulative_value"], returned, strict=True)
        ]
        table["Cumulative target"] = [number(v, 0) for v in rows["cumulative_target"]]
    table["How it was rated"] = rows["rule_applied"].fillna("").tolist()
    table["Corrections"] = [corrected(n, v) for n, v in zip(rows["corrections"], rows["original_value"], strict=True)]
    table["Source"] = [source(row, with_who=with_notes) for row in rows.to_dict("records")]
    if with_notes:
        table["Provider's note"] = rows["note"].fillna("").tolist()
    return table


def experience_table(measures: pd.DataFrame) -> pd.DataFrame:
    rows = measures.sort_values("measure")
    returned = rows["is_return"].astype(bool)
    return pd.DataFrame(
        {
            "Measure": rows["measure"].tolist(),
            "Responses (n)": [
                number(n) if r else "No return" for n, r in zip(rows["respondents"], returned, strict=True)
            ],
            "Positive": [percent(v) for v in rows["positive_share"]],
            "95% interval": [
                f"{percent(lo)} to {percent(hi)}" if r else "—"
                for lo, hi, r in zip(
                    rows["positive_share_low_95"], rows["positive_share_high_95"], returned, strict=True
                )
            ],
        }
    )


def cost_table(months: pd.DataFrame) -> pd.DataFrame:
    rows = months.sort_values("month")
    returned = rows["finance_returned"].fillna(False).astype(bool)

    def cash(column: str, decimals: int = 0) -> list[str]:
        return [money(v, decimals) if r else "No return" for v, r in zip(rows[column], returned, strict=True)]

    return pd.DataFrame(
        {
            "Month": [month_label(m) for m in rows["month"]],
            "Spend": cash("spend_gbp"),
            "Unit cost": cash("unit_cost_gbp", 2),
            "Cost per outcome": cash("cost_per_outcome_gbp"),
            "Cost per outcome (12 months)": cash("cost_per_outcome_12m_gbp"),
            "Outcome payments planned": cash("outcome_payments_planned_gbp"),
            "Outcome payments paid": cash("outcome_payments_paid_gbp"),
        }
    )


def pulse_table(pulse: pd.DataFrame) -> pd.DataFrame:
    rows = pulse.sort_values(["quarter_start", "respondent_side"])
    return pd.DataFrame(
        {
            "Quarter": rows["quarter"].tolist(),
            "Side": rows["respondent_side"].str.capitalize().tolist(),
            "Mean score (1–5)": [number(v, 2) for v in rows["mean_score"]],
            "Trust": rows["trust"].tolist(),
            "Openness": rows["openness"].tolist(),
            "Shared purpose": rows["shared_purpose"].tolist(),
            "Flexibility": rows["flexibility"].tolist(),
            "Comment": rows["comment"].fillna("").tolist(),
        }
    )


def timeline_table(months: pd.DataFrame, legend: pd.DataFrame) -> pd.DataFrame:
    rows = months.sort_values("month")
    table = pd.DataFrame({"Month": [month_label(m) for m in rows["month"]]})
    for column, label in DOMAINS:
        table[label] = [labelled_rating(r, legend) for r in rows[column]]
    return table


# --------------------------------------------------------------------------- comments


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~:])")


def escape_markdown(text: str | None) -> str:
    """People's words shown as written: no markdown, links, maths or HTML from inside a comment."""
    return "" if text is None else _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def text_column(comments: pd.DataFrame) -> str:
    """The comment text to show: the approved display text, else the redacted text, when the feedback
    mart offers them (personal details removed), else the text as received."""
    return next((c for c in ("display_text", "redacted_text") if c in comments.columns), "text")


def sentiment_column(comments: pd.DataFrame) -> str:
    """The sentiment the feedback mart offers: a derived ``sentiment`` when present, else the one
    implied by the person's own rating."""
    return "sentiment" if "sentiment" in comments.columns else "rating_sentiment"


def theme_list(tags) -> list[str]:
    """A comment's themes as a plain list (DuckDB lists arrive as arrays; no tags as None)."""
    if tags is None or (isinstance(tags, float) and math.isnan(tags)):
        return []
    return [str(tag) for tag in tags]


def comments_table(comments: pd.DataFrame) -> pd.DataFrame:
    rows = comments.sort_values(["received_date", "feedback_id"], ascending=[False, True])
    column = sentiment_column(rows)
    table = pd.DataFrame(
        {
            "Received": [pd.Timestamp(d).strftime("%d %b %Y") for d in rows["received_date"]],
            "Contract": (rows["contract_id"] + " " + rows["title"]).tolist(),
            "Source": rows["source"].tolist(),
            "Sentiment": rows[column].fillna("not rated").str.capitalize().tolist(),
            "Comment": rows[text_column(rows)].tolist(),
            "Shareable with board": ["Yes" if s else "No" for s in rows["shareable_with_board"]],
            "ID": rows["feedback_id"].tolist(),
        }
    )
    if "themes" in rows.columns:
        table.insert(4, "Themes", [", ".join(theme_list(tags)) for tags in rows["themes"]])
    return table


# --------------------------------------------------------------------------- downloads


# Every download goes through these two (widgets.table). Each text cell and column name that a spreadsheet
# could run as a formula (= + - @, a tab or carriage return, also behind invisible leading blanks) gets a
# leading ' (spreadsheet_safety.neutralise_frame); numbers, dates and other text are written as they are.


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as CSV (UTF-8 with a byte-order mark, for Excel). Rows end in CRLF, so that a cell holding
    a carriage return is quoted: unquoted, a spreadsheet would start a new row there, with whatever follows
    as a cell of its own."""
    return neutralise_frame(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _excel_text(value: object) -> object:
    """A text cell without the control characters an .xlsx cannot hold (openpyxl refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def excel_bytes(table: pd.DataFrame, sheet: str = "data") -> bytes:
    """The table as an .xlsx. After neutralising no text starts with "=", so openpyxl writes every text
    cell as text, never as a formula; control characters an .xlsx cannot hold (U+0000-U+0008, U+000B,
    U+000C, U+000E-U+001F) are left out."""
    import io

    safe = neutralise_frame(table)
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if pd.api.types.is_object_dtype(column.dtype):  # every text column, after neutralise_frame
            safe.isetitem(position, pd.Series([_excel_text(v) for v in column], index=column.index, dtype=object))
    safe.columns = [_excel_text(name) for name in safe.columns]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
