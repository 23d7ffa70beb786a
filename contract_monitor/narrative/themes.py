"""Themes from the editable codebook (``sample_data/codebook.csv``).

One row per theme: ``theme`` (a short key), ``label``, ``description``, ``patterns`` (phrases as
regular-expression alternatives separated by ``|``, matched case-insensitively on word
boundaries), ``critical`` (``y``: a negative comment on this theme counts against the Voice
domain even when the person's own rating was neutral; see queries/intermediate/int_voice_months.sql)
and ``fft_topics`` (the NHS FFT v6 topic columns this theme corresponds to, separated by ``;``,
blank when none does; used only by the evaluation).

A comment gets every theme with at least one pattern in it: zero, one or several. Themes name
what a comment is about, not whether it is good or bad ("never rushed" is still about time).
Matching runs in DuckDB at build time (RE2 regular expressions, one per theme, vectorised over
every new text), so patterns must be valid in both Python's ``re`` (checked on load) and RE2.
Set ``CONTRACT_MONITOR_CODEBOOK`` to use another codebook file.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .. import settings
from ..loader import quote_literal

COLUMNS = ("theme", "label", "description", "patterns", "critical", "fft_topics")


class CodebookError(Exception):
    pass


@dataclass(frozen=True)
class Theme:
    theme: str
    label: str
    description: str
    patterns: str
    critical: bool
    fft_topics: tuple[str, ...]


def _pattern_error(patterns: str) -> str | None:
    """Why ``patterns`` is not a valid RE2 regular expression (the engine the build matches with)."""
    con = duckdb.connect()
    try:
        con.execute("select regexp_matches('', ?)", [r"\b(?:" + patterns.lower() + r")\b"])
    except duckdb.Error as exc:
        return str(exc).split("\n")[0]
    finally:
        con.close()
    return None


def codebook_path() -> Path:
    value = os.environ.get("CONTRACT_MONITOR_CODEBOOK")
    return Path(value) if value else settings.SAMPLE_DATA_DIR / "codebook.csv"


def load(path: Path | None = None) -> list[Theme]:
    """Read and check the codebook; every problem names the file, row and column."""
    path = Path(path or codebook_path())
    problems: list[str] = []
    themes: list[Theme] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise CodebookError(f"{path}, row 1, column '{missing[0]}': expected a column named '{missing[0]}'")
            seen: set[str] = set()
            for row in reader:
                where = f"{path}, row {reader.line_num}"
                key = (row["theme"] or "").strip()
                if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
                    problems.append(
                        f"{where}, column 'theme': got {key!r}, expected a lower-case key such as 'dignity'"
                    )
                    continue
                if key in seen:
                    problems.append(f"{where}, column 'theme': got {key!r}, expected each theme once")
                seen.add(key)
                critical = (row["critical"] or "").strip()
                if critical not in ("y", "n"):
                    problems.append(f"{where}, column 'critical': got {critical!r}, expected y or n")
                patterns = (row["patterns"] or "").strip()
                if not patterns:
                    problems.append(f"{where}, column 'patterns': got '', expected at least one phrase")
                    continue
                error = _pattern_error(patterns)
                if error:
                    problems.append(
                        f"{where}, column 'patterns': got {patterns[:60]!r}, expected a valid pattern ({error})"
                    )
                    continue
                themes.append(
                    Theme(
                        theme=key,
                        label=(row["label"] or key).strip(),
                        description=(row["description"] or "").strip(),
                        patterns=patterns,
                        critical=critical == "y",
                        fft_topics=tuple(t.strip() for t in (row["fft_topics"] or "").split(";") if t.strip()),
                    )
                )
    except OSError as exc:
        raise CodebookError(f"{path}: cannot be read ({exc.strerror})") from exc
    except csv.Error as exc:
        raise CodebookError(f"{path}: not a well-formed CSV file ({exc})") from exc
    if problems:
        raise CodebookError("\n".join(problems))
    if not themes:
        raise CodebookError(f"{path}: expected at least one theme row")
    return themes


def _pattern(theme: Theme) -> str:
    return r"\b(?:" + theme.patterns.lower() + r")\b"


def sql_expression(themes: list[Theme], lowered: str) -> str:
    """A DuckDB expression: the list of themes (codebook order) whose patterns match ``lowered``,
    an SQL expression holding the lower-cased text. Each theme is matched on its own (RE2, where
    ``\\b`` is an ASCII word boundary)."""
    if not themes:
        return "cast([] as varchar[])"
    cases = ", ".join(
        f"case when regexp_matches({lowered}, {quote_literal(_pattern(t))}) then {quote_literal(t.theme)} end"
        for t in themes
    )
    return f"list_filter([{cases}], x -> x is not null)"


def tag(texts: list[str], themes: list[Theme]) -> list[list[str]]:
    """The themes found in each text, in codebook order: the build's own SQL (``sql_expression``),
    run in an in-memory DuckDB, so evaluation measures exactly what the build does."""
    con = duckdb.connect()
    try:
        con.register("_texts", pd.DataFrame({"i": range(len(texts)), "text": [t or "" for t in texts]}))
        rows = con.execute(f"select {sql_expression(themes, 'lower(text)')} from _texts order by i").fetchall()
    finally:
        con.close()
    return [list(r[0]) for r in rows]
