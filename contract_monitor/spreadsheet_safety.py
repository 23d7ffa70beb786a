"""Spreadsheet (CSV/formula) injection: what a spreadsheet could run, and how a download makes it plain text.

A spreadsheet treats a cell starting ``=``, ``+``, ``-`` or ``@`` as a formula, and a leading tab or
carriage return can hide one. It also skips leading blanks that people cannot see (a non-breaking
space, a zero-width space, a byte-order mark), and so does our import when it tidies text; so both the
import's check and the downloads look past them. Written once here, used by ``returns/validate.py``
(refuses such cells) and ``presentation.csv_bytes`` / ``excel_bytes`` (neutralise them, as OWASP
advises: a leading ``'`` makes the cell plain text). Pure: no Streamlit, no database.
"""

from __future__ import annotations

import datetime as dt
import numbers
import unicodedata

import numpy as np
import pandas as pd

FORMULA_STARTS = frozenset("=+-@")
HIDING_STARTS = frozenset("\t\r")  # a tab or carriage return among the leading blanks
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})  # spaces, separators, controls, format chars


def is_leading_blank(char: str) -> bool:
    """Whether a character at the start of a cell counts as blank: whitespace (``str.isspace``), any
    space separator (U+00A0, U+2007, U+202F, U+3000 …), control character, or invisible format
    character (zero-width space and joiners, U+2060, the byte-order mark U+FEFF, bidi controls)."""
    return char.isspace() or unicodedata.category(char) in _BLANK_CATEGORIES


def split_leading_blank(text: str) -> tuple[str, str]:
    """(the leading blanks, the rest) of ``text``."""
    for index, char in enumerate(text):
        if not is_leading_blank(char):
            return text[:index], text[index:]
    return text, ""


def strip_leading_blank(text: str) -> str:
    """``text`` without its leading blanks (see ``is_leading_blank``)."""
    return split_leading_blank(text)[1]


def first_visible(text: str) -> str:
    """The first character after the leading blanks, NFKC-normalised (a full-width ``＝`` is ``=``); "" if none."""
    rest = strip_leading_blank(text)
    return unicodedata.normalize("NFKC", rest[0])[:1] if rest else ""


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: its first visible character is one of
    ``= + - @``, or a tab or carriage return comes before it (OWASP's list)."""
    if text and "!" <= text[0] <= "~":  # the usual case, decided by the first character (printable ASCII)
        return text[0] in FORMULA_STARTS
    blanks, _ = split_leading_blank(text)
    return first_visible(text) in FORMULA_STARTS or not HIDING_STARTS.isdisjoint(blanks)


def _untouched(value: object) -> bool:
    """Numbers, booleans, dates, times and missing values: a spreadsheet stores them as values, never formulas."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, numbers.Number | np.number | np.bool_ | dt.date | dt.time | dt.timedelta | np.datetime64)


def neutralise(value: object) -> object:
    """A cell made safe to open in a spreadsheet. Text that ``looks_like_formula`` gets a leading ``'``
    and is otherwise unchanged (``'=1+1``); other text is returned as it is. Numbers (a float -3.5 stays
    a number), booleans, dates and missing values are returned as they are. Any other object (a list of
    themes, say) is turned into its ``str()`` first, then treated as text; lists are not joined."""
    if _untouched(value):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if looks_like_formula(text) else text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and every column name neutralised (a header is a cell too).
    Only object, string and category columns are changed (they become object columns); numeric, boolean
    and date columns are left as they are."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        dtype = column.dtype
        if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype | pd.CategoricalDtype):
            out.isetitem(position, pd.Series([neutralise(v) for v in column], index=column.index, dtype=object))
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples([tuple(neutralise(part) for part in name) for name in out.columns])
    else:
        out.columns = [neutralise(name) for name in out.columns]
    return out
