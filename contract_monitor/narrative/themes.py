"""Themes from the editable codebook (``sample_data/codebook.csv``).

One row per theme: ``theme`` (a short key), ``label``, ``description``, ``patterns`` (phrases as
regular-expression alternatives separated by ``|``, matched case-insensitively on word
boundaries), ``critical`` (``y``: a negative comment on this theme counts against the Voice
domain even when the person's own rating was neutral; see queries/intermediate/int_voice_months.sql)
and ``fft_topics`` (the NHS FFT v6 topic columns this theme corresponds to, separated by ``;``,
blank when none does; used only by the evaluation).

A comment gets every theme with at least one pattern in it: zero, one or several. Themes name
what a comment is about, not whether it is good or bad ("never rushed" is still about time).
Set ``CONTRACT_MONITOR_CODEBOOK`` to use another codebook file.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import settings

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
    regex: re.Pattern


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
                try:
                    regex = re.compile(rf"\b(?:{patterns})\b", re.IGNORECASE)
                except re.error as exc:
                    problems.append(
                        f"{where}, column 'patterns': got {patterns[:60]!r}, expected a valid pattern ({exc})"
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
                        regex=regex,
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


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[tuple[str, str], ...]) -> tuple[re.Pattern, list[tuple[str, re.Pattern]]]:
    combined = re.compile("|".join(rf"\b(?P<{key}>{p})\b" for key, p in patterns))
    anchored = [(key, re.compile(rf"\b(?:{p})\b")) for key, p in patterns]
    return combined, anchored


def tag(texts: list[str], themes: list[Theme]) -> list[list[str]]:
    """The themes found in each text, in codebook order.

    One pass of a combined pattern over the lower-cased text finds where phrases start; at each
    of those places every other theme is tried too, so two themes whose phrases start at the same
    word are both found. (A phrase that starts inside another theme's matched phrase is not seen.)
    """
    order = {t.theme: i for i, t in enumerate(themes)}
    combined, anchored = _compiled(tuple((t.theme, t.patterns.lower()) for t in themes))
    out = []
    for text in texts:
        lowered = (text or "").lower()
        found: set[str] = set()
        for m in combined.finditer(lowered):
            found.add(m.lastgroup)
            if len(found) < len(anchored):
                start = m.start()
                for key, regex in anchored:
                    if key not in found and regex.match(lowered, start):
                        found.add(key)
        out.append(sorted(found, key=order.__getitem__))
    return out
