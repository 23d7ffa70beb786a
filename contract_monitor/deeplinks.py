"""Parse and check the URL query parameters that carry a page's state. Pure: no Streamlit here.

A link such as ``?contract=C012&month=2026-09&domain=experience`` pasted into an e-mail must open
the same view. A parameter that cannot be honoured never raises: it comes back as ``None`` with a
plain-English problem that the page shows, and the page falls back to a sensible default.

Anyone can write a link, so parsing is strict (months are ASCII ``YYYY-MM`` from 2000 to 2100, a
contract must be a known id, a choice one of its allowed words, a search at most ``SEARCH_MAX_WORDS``
words and ``SEARCH_MAX_CHARS`` characters), and a problem that quotes what the link said quotes it
through ``quote``: as plain text, never as markdown, a link, an image or HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .presentation import escape_markdown

DOMAINS = ("outcomes", "experience", "voice", "relationships", "cost")
VIEWS = ("board",)
FIRST_YEAR, LAST_YEAR = 2000, 2100
SEARCH_MAX_WORDS, SEARCH_MAX_CHARS = 20, 200
QUOTE_MAX_CHARS = 60
# ASCII digits only: \d also matches other scripts' digits (fullwidth ２０２６, Arabic-Indic, ...)
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# control characters (C0, DEL, C1) and the line/paragraph separators: shown as a space in a quote
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Parsed:
    """A checked parameter: ``value`` is usable or ``None``; ``problem`` says why it was not."""

    value: object | None
    problem: str | None = None


def quote(raw: object, limit: int = QUOTE_MAX_CHARS) -> str:
    """A value from the link, safe to put inside a sentence of a Streamlit markdown message: control
    characters and line breaks become spaces, more than ``limit`` characters are cut with "…", and every
    markdown special character is backslash-escaped (presentation.escape_markdown), so no link, image,
    HTML, maths or emphasis survives. A hyphen is left as typed ("'2026-13'"): it is special only at the
    start of a line (a list or a rule), and a quote is always mid-line, its line breaks removed."""
    text = _CONTROL.sub(" ", str(raw))
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return escape_markdown(text).replace("\\-", "-")


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
        f"The link asks for contract '{quote(raw)}', which is not in the portfolio. "
        f"Choose one of the {len(known)} contracts below.",
    )


def parse_month(raw: str | None, available: Iterable | None = None) -> Parsed:
    """``YYYY-MM`` → the first day of that month (a pandas Timestamp), if it is one of ``available``."""
    if raw is None or raw == "":
        return Parsed(None)
    match = _MONTH.match(raw.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return Parsed(
            None, f"'{quote(raw)}' in the link is not a month. Months are written YYYY-MM, for example 2026-09."
        )
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return Parsed(
            None,
            f"'{quote(raw)}' in the link is not a reporting month: the year must be from {FIRST_YEAR} to {LAST_YEAR}.",
        )
    month = pd.Timestamp(dt.date(year, int(match.group(2)), 1))
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
    return Parsed(None, f"'{quote(raw)}' in the link is not a {what}. Use one of: {', '.join(allowed)}.")


def parse_domain(raw: str | None) -> Parsed:
    return parse_choice(raw, DOMAINS, "scorecard domain")


def parse_view(raw: str | None) -> Parsed:
    """``view=board``: the Contract page's read-only board view."""
    return parse_choice(raw, VIEWS, "view")


def parse_search(raw: str | None) -> Parsed:
    """A Voices search: at most ``SEARCH_MAX_WORDS`` words and ``SEARCH_MAX_CHARS`` characters. A longer
    one is cut (``value`` is what is searched) and ``problem`` says so; control characters are spaces."""
    if raw is None:
        return Parsed(None)
    text = _CONTROL.sub(" ", str(raw))
    words = text.split()
    cut = " ".join(words[:SEARCH_MAX_WORDS]) if len(words) > SEARCH_MAX_WORDS else text
    if len(cut) > SEARCH_MAX_CHARS:
        cut = cut[:SEARCH_MAX_CHARS]
    if cut == text:
        return Parsed(text)
    return Parsed(
        cut.strip(),
        f"The search is too long, so only its start is searched: at most {SEARCH_MAX_WORDS} words and "
        f"{SEARCH_MAX_CHARS} characters.",
    )
