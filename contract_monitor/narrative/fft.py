"""Reading human-labelled comments in the NHS Friends and Family Test (pxtextmining v6) format.

Any CSV with the same column names works: ``Comment ID``, ``FFT answer``, ``Comment sentiment``
(1 = very positive ... 5 = very negative) and one column per topic (``1`` or blank).

Sentiment mapping (stated in docs/narrative_evaluation.md): 1-2 positive, 3 neutral
(the labellers put mixed comments here), 4-5 negative. Rows whose answer is blank or the
placeholder "Did not answer", or whose sentiment is blank, are left out of the sentiment
evaluation; the theme evaluation uses every row with real text.

The split is by a hash of ``Comment ID``: SHA-256 of the id, first 8 hex digits as an integer,
modulo 5; bucket 0 (about 20%) is the held-out evaluation split and is never used for training
or tuning.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

ID, TEXT, SENTIMENT = "Comment ID", "FFT answer", "Comment sentiment"
PLACEHOLDERS = frozenset({"", "did not answer"})
SENTIMENT_MAP = {"1": "positive", "2": "positive", "3": "neutral", "4": "negative", "5": "negative"}
HELD_OUT_BUCKET = 0
BUCKETS = 5


class DataError(Exception):
    pass


def bucket(key: str) -> int:
    return int(hashlib.sha256(key.strip().encode("utf-8")).hexdigest()[:8], 16) % BUCKETS


def is_held_out(key: str) -> bool:
    return bucket(key) == HELD_OUT_BUCKET


@dataclass
class LabelledComment:
    comment_id: str
    text: str
    sentiment: str | None  # positive / neutral / negative, or None when unlabelled
    topics: set[str] = field(default_factory=set)


def read(path: Path) -> tuple[list[LabelledComment], list[str]]:
    """Comments with real text, and the names of the topic columns found.

    Raises DataError naming the file and the missing column, or the row that cannot be read.
    """
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from exc
    with handle:
        reader = csv.DictReader(handle)
        header = [h for h in (reader.fieldnames or [])]
        missing = [c for c in (ID, TEXT, SENTIMENT) if c not in header]
        if missing:
            raise DataError(f"{path}, row 1: expected a column named {missing[0]!r} in the header")
        fixed = {ID, TEXT, SENTIMENT, "Trust", "Respondent ID", "Date", "Service type 1", "Service type 2"}
        fixed |= {"FFT categorical answer", "FFT question", "Person identifiable info?"}
        topics = [h for h in header if h not in fixed]
        out = []
        try:
            for row in reader:
                text = (row.get(TEXT) or "").strip()
                if text.lower() in PLACEHOLDERS:
                    continue
                label = (row.get(SENTIMENT) or "").strip()
                if label and label not in SENTIMENT_MAP:
                    raise DataError(
                        f"{path}, row {reader.line_num}, column {SENTIMENT!r}: got {label!r}, expected 1 to 5 or blank"
                    )
                out.append(
                    LabelledComment(
                        comment_id=(row.get(ID) or "").strip(),
                        text=text,
                        sentiment=SENTIMENT_MAP.get(label),
                        topics={t for t in topics if (row.get(t) or "").strip() not in ("", "0")},
                    )
                )
        except csv.Error as exc:
            raise DataError(f"{path}, row {reader.line_num}: not a well-formed CSV row ({exc})") from exc
    return out, topics
