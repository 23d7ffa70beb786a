"""PII redaction for every display copy of a comment. The original stays only in the
contract managers' restricted column; boards see the redacted (or the approver's edited) text.

What is replaced, in this order, each with a bracketed label:
- ``[EMAIL]`` e-mail addresses;
- ``[NHS NUMBER]`` 10 digits (optionally 3-3-4 with spaces or hyphens) that pass the NHS mod-11 check;
- ``[NI NUMBER]`` National Insurance numbers (two letters, six digits, A-D), with or without spaces;
- ``[PHONE]`` UK phone numbers: +44 or 0, then 9-10 digits in the usual groupings;
- ``[DATE OF BIRTH]`` dates (numeric or written) after "born", "DOB", "date of birth", "birthday";
- ``[ADDRESS]`` a house number and up to three capitalised words ending in a street word (Road, Street, ...);
- ``[POSTCODE]`` UK postcodes (outward and inward code);
- ``[NAME]`` a title and a capitalised name ("Mrs Wilson", "Dr A. Khan"), and any name in the
  people list (``sample_data/people_names.csv``, or ``CONTRACT_MONITOR_PEOPLE_NAMES``), matched
  as a whole, capitalised word.

Ten-digit numbers that fail the NHS check are still redacted as ``[PHONE]`` when they look like
a phone number; other long digit runs are left alone. Names not in the list and without a title
are not detectable by rule and are not redacted: that is why a person approves every comment
before it reaches a board.
"""

from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

from .. import settings

_DIGIT = re.compile(r"\d")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_NHS_CANDIDATE = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
NI = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE
)
PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)"
    r"(?:\d{2}\)?[\s-]?\d{4}[\s-]?\d{4}|\d{3}\)?[\s-]?\d{3}[\s-]?\d{4}|\d{3}\)?[\s-]?\d{4}[\s-]?\d{3,4}"
    r"|\d{4}\)?[\s-]?\d{3}[\s-]?\d{3}|\d{4}\)?[\s-]?\d{5,6}|\d{9,10})(?!\d)"
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
DOB = re.compile(
    rf"\b((?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth|birthday)\s*(?:is|was|:|-)?\s*(?:on\s+)?){_DATE}",
    re.IGNORECASE,
)
_STREET = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Drive|Dr|Crescent|Cres|Place|Pl|Court|Ct|Terrace|Gardens|Gdns|Way|Close"
    r"|Square|Sq|Grove|Park|Row|Walk|Wynd|Brae|View|Loan|Hill|Green|Mews|Parade|Vennel)"
)
ADDRESS = re.compile(rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z']+\s+){{1,3}}{_STREET}\b")
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b", re.IGNORECASE)
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Nurse|Sister|Prof|Professor|Rev|Councillor|Cllr)"
TITLED_NAME = re.compile(rf"\b{_TITLE}\.?\s+(?:[A-Z]\.\s*)*[A-Z][a-zA-Z'-]+(?:[- ][A-Z][a-zA-Z'-]+)?")


def nhs_number_valid(digits: str) -> bool:
    """The NHS number mod-11 check: weights 10..2 on the first nine digits; 11 - (sum mod 11),
    with 11 meaning 0 and 10 meaning invalid, must equal the tenth digit."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def people_names_path() -> Path:
    value = os.environ.get("CONTRACT_MONITOR_PEOPLE_NAMES")
    return Path(value) if value else settings.SAMPLE_DATA_DIR / "people_names.csv"


@lru_cache(maxsize=4)
def _names_regex(path: str, mtime: float) -> re.Pattern | None:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if "name" not in (reader.fieldnames or []):
            raise ValueError(f"{path}, row 1, column 'name': expected a column named 'name'")
        names = sorted({(r["name"] or "").strip() for r in reader} - {""}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")


def names_regex(path: Path | None = None) -> re.Pattern | None:
    path = Path(path or people_names_path())
    if not path.is_file():
        return None
    return _names_regex(str(path), path.stat().st_mtime)


def _nhs(match: re.Match) -> str:
    return "[NHS NUMBER]" if nhs_number_valid("".join(match.groups())) else match.group(0)


def redact(text: str, names: re.Pattern | None = None) -> str:
    """``text`` with personal data replaced by bracketed labels."""
    if not text:
        return text
    out = text
    if "@" in out:
        out = EMAIL.sub("[EMAIL]", out)
    if _DIGIT.search(out):  # every structured identifier below contains a digit
        out = _NHS_CANDIDATE.sub(_nhs, out)
        out = NI.sub("[NI NUMBER]", out)
        out = PHONE.sub("[PHONE]", out)
        out = DOB.sub(lambda m: m.group(1) + "[DATE OF BIRTH]", out)
        out = ADDRESS.sub("[ADDRESS]", out)
        out = POSTCODE.sub("[POSTCODE]", out)
    out = TITLED_NAME.sub("[NAME]", out)
    if names is not None:
        out = names.sub("[NAME]", out)
    return out


def redact_all(texts: list[str], names_path: Path | None = None) -> list[str]:
    names = names_regex(names_path)
    return [redact(t, names) for t in texts]
