"""Parse and check the URL query parameters that carry a page's state. Pure: no Streamlit here.

A link such as ``?contract=C012&month=2026-09&domain=experience`` pasted into an e-mail must open
the same view. A parameter that cannot be honoured never raises: it comes back as ``None`` with a
plain-English problem that the page shows, and the page falls back to a sensible default.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

DOMAINS = ("outcomes", "experience", "voice", "relationships", "cost")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Parsed:
    """A checked parameter: ``value`` is usable or ``None``; ``problem`` says why it was not."""

    value: object | None
    problem: str | None = None


def month_key(month) -> str:
    """The URL form of a month: ``2026-09``."""
    return pd.Timestamp(month).strftime("%Y-%m")


def month_label(month) -> str:
    return pd.Timestamp(month).strftime("%B %Y")


def parse_contract(raw: str | None, known: Iterable[str]) -> Parsed:
    if raw is None or raw == "":
        return Parsed(None)
    wanted = raw.strip().upper()
    known = list(known)
    if wanted in known:
        return Parsed(wanted)
    return Parsed(
        None,
        f"The link asks for contract '{raw}', which is not in the portfolio. "
        f"Choose one of the {len(known)} contracts below.",
    )


def parse_month(raw: str | None, available: Iterable | None = None) -> Parsed:
    """``YYYY-MM`` → the first day of that month (a pandas Timestamp), if it is one of ``available``."""
    if raw is None or raw == "":
        return Parsed(None)
    match = _MONTH.match(raw.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return Parsed(None, f"'{raw}' in the link is not a month. Months are written YYYY-MM, for example 2026-09.")
    month = pd.Timestamp(dt.date(int(match.group(1)), int(match.group(2)), 1))
    if available is None:
        return Parsed(month)
    months = sorted(pd.Timestamp(m) for m in available)
    if month in months:
        return Parsed(month)
    if not months:
        return Parsed(None, f"There is no reporting month {month_label(month)}: nothing has been reported yet.")
    return Parsed(
        None,
        f"There is no report for {month_label(month)}. Reports run from {month_label(months[0])} "
        f"to {month_label(months[-1])}; showing the latest.",
    )


def parse_choice(raw: str | None, allowed: Iterable[str], what: str) -> Parsed:
    """One of a fixed list of words (case-insensitive), e.g. a scorecard domain."""
    if raw is None or raw == "":
        return Parsed(None)
    allowed = list(allowed)
    wanted = raw.strip().lower()
    if wanted in allowed:
        return Parsed(wanted)
    return Parsed(None, f"'{raw}' in the link is not a {what}. Use one of: {', '.join(allowed)}.")


def parse_domain(raw: str | None) -> Parsed:
    return parse_choice(raw, DOMAINS, "scorecard domain")
