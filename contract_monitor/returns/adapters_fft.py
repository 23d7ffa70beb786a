"""NHS Friends and Family Test comments (with human sentiment and topic labels) as narrative feedback.

Each answered comment becomes one ``narrative_feedback`` row:

- contract: the ``Trust`` is mapped to a contract with ``--map`` (a CSV ``trust,contract_id``)
  or every comment goes to ``--contract``;
- ``feedback_id`` = ``FFT-`` + ``Comment ID``; ``source`` = service user;
- ``rating`` = ``FFT categorical answer`` 1–5 (1 = very good … 5 = very poor); 6 and 7
  (undocumented: don't know / not answered) are stored as not given, with a note;
- ``received_date`` from ``Date``, written d/m/yyyy but mixed day-first and month-first:
  a first part over 12 is day-first, a second part over 12 is month-first (noted), and
  when both could be a month it is read day-first, as a UK trust writes it (noted);
- ``human_sentiment`` = ``Comment sentiment`` (1 = very positive … 5 = very negative; blank
  = not labelled) and ``topic_labels`` = the topic columns marked ``1``, joined with "; ";
- ``consent_to_share`` and ``approved_for_board`` = ``n``: the source has no consent field,
  so no FFT comment reaches a board until someone records consent and approval;
- answers that are blank or the placeholder "Did not answer" are not comments: they are
  skipped and counted in the summary, never stored as text.
"""

from __future__ import annotations

import datetime as dt
import re

from .formats import MAX_TEXT
from .readers import RawSheet
from .validate import Collector, References

REQUIRED = ("Comment ID", "Trust", "Date", "FFT categorical answer", "FFT question", "FFT answer", "Comment sentiment")
PLACEHOLDERS = {"did not answer", ""}
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_NOT_TOPICS = {
    "Comment ID",
    "Trust",
    "Respondent ID",
    "Date",
    "Service type 1",
    "Service type 2",
    "FFT categorical answer",
    "FFT question",
    "FFT answer",
    "Person identifiable info?",
    "Comment sentiment",
}


def matches(raw: RawSheet) -> bool:
    return {"Comment ID", "FFT answer"} <= {h.strip() for h in raw.header}


def read_mapping(raw: RawSheet, refs: References, col: Collector) -> dict[str, str]:
    header = [h.strip().lower() for h in raw.header]
    if "trust" not in header or "contract_id" not in header:
        for name in ("trust", "contract_id"):
            if name not in header:
                col.add(raw.sheet, 1, name, None, f"a column named '{name}' in the FFT mapping file")
        return {}
    t, c = header.index("trust"), header.index("contract_id")
    mapping = {}
    for number, cells in raw.rows:
        trust = str(cells[t] if t < len(cells) and cells[t] is not None else "").strip()
        contract = str(cells[c] if c < len(cells) and cells[c] is not None else "").strip()
        if contract not in refs.contracts:
            col.add(raw.sheet, number, "contract_id", contract, "a known contract id")
        else:
            mapping[trust] = contract
    return mapping


def parse_fft_date(text: str) -> tuple[dt.date, str | None]:
    """A d/m/yyyy or m/d/yyyy date, and a note when the order had to be decided."""
    match = _DMY.fullmatch(text.strip())
    if not match:
        raise ValueError("a date written d/m/yyyy, e.g. 30/09/2021")
    first, second, year = (int(g) for g in match.groups())
    if first > 12:
        return dt.date(year, second, first), None
    if second > 12:
        return dt.date(year, first, second), "read month-first (the second part is over 12)"
    return dt.date(year, second, first), "day and month both 12 or less: read day-first, as a UK trust writes dates"


def convert(
    raw: RawSheet, trusts: dict[str, str], default_contract: str | None, refs: References, col: Collector
) -> tuple[list[dict], dict]:
    header = [h.strip() for h in raw.header]
    missing = [name for name in REQUIRED if name not in header]
    for name in missing:
        col.add(raw.sheet, 1, name, None, f"a column named '{name}' (NHS Friends and Family Test export)")
    if missing:
        return [], {}
    at = {name: header.index(name) for name in header}
    topics = [name for name in header if name and name not in _NOT_TOPICS]
    rows: list[dict] = []
    seen: dict[str, int] = {}
    skipped = {"placeholder": 0, "blank": 0}
    for number, cells in raw.rows:

        def cell(name: str, cells=cells) -> str:
            index = at[name]
            return "" if index >= len(cells) or cells[index] is None else str(cells[index])

        answer = cell("FFT answer").strip()
        if answer.lower() in PLACEHOLDERS:
            skipped["blank" if not answer else "placeholder"] += 1
            continue
        ok = True
        comment_id = cell("Comment ID").strip()
        if not comment_id:
            col.add(raw.sheet, number, "Comment ID", "", "a comment id (it must be unique)")
            ok = False
        elif comment_id in seen:
            col.add(raw.sheet, number, "Comment ID", comment_id, f"no duplicate of row {seen[comment_id]}")
            ok = False
        trust = cell("Trust").strip()
        contract = trusts.get(trust, default_contract)
        if contract is None:
            col.add(raw.sheet, number, "Trust", trust, "a trust listed in the FFT mapping (--map) or --contract")
            ok = False
        try:
            received, date_note = parse_fft_date(cell("Date"))
        except ValueError as exc:
            col.add(
                raw.sheet,
                number,
                "Date",
                cell("Date"),
                str(exc).replace("day is out of range for month", "a real date"),
            )
            ok = False
            received, date_note = None, None
        if ok:
            first, last = refs.contract_months(contract)
            if not first <= received.replace(day=1) <= last:
                col.add(
                    raw.sheet,
                    number,
                    "Date",
                    cell("Date"),
                    f"a date within contract {contract}'s term ({first:%Y-%m} to {last:%Y-%m})",
                )
                ok = False
        rating_text = cell("FFT categorical answer").strip()
        rating, rating_note = None, None
        if rating_text in ("1", "2", "3", "4", "5"):
            rating = int(rating_text)
        elif rating_text in ("6", "7"):
            rating_note = f"FFT answer {rating_text} is not on the 1-5 scale: stored as no rating"
        elif rating_text:
            col.add(raw.sheet, number, "FFT categorical answer", rating_text, "1 to 5 (or 6/7: not given), or blank")
            ok = False
        sentiment_text = cell("Comment sentiment").strip()
        if sentiment_text and sentiment_text not in ("1", "2", "3", "4", "5"):
            col.add(raw.sheet, number, "Comment sentiment", sentiment_text, "1 to 5, or blank (not labelled)")
            ok = False
        if len(answer) > MAX_TEXT:
            col.add(raw.sheet, number, "FFT answer", answer, f"text of at most {MAX_TEXT:,} characters")
            ok = False
        if not ok:
            continue
        seen[comment_id] = number
        if date_note:
            col.note(raw.sheet, number, "Date", cell("Date"), received, date_note)
        if rating_note:
            col.note(raw.sheet, number, "FFT categorical answer", rating_text, "", rating_note)
        labelled = [t for t in topics if cell(t).strip() == "1"]
        service = (
            " / ".join(s for s in (cell("Service type 1"), cell("Service type 2")) if s.strip())
            if "Service type 1" in at and "Service type 2" in at
            else ""
        )
        question = " ".join(cell("FFT question").split())
        rows.append(
            {
                "_row": number,
                "_sheet": raw.sheet,
                "feedback_id": f"FFT-{comment_id}",
                "contract_id": contract,
                "received_date": received,
                "source": "service user",
                "text": answer,
                "rating": rating,
                "consent_to_share": "n",
                "approved_for_board": "n",
                "human_sentiment": int(sentiment_text) if sentiment_text else None,
                "topic_labels": "; ".join(labelled) or None,
                "context": "; ".join(p for p in (trust, " ".join(service.split()), question) if p),
            }
        )
    stats = {
        "rows read": len(raw.rows),
        "comments": len(rows),
        "'Did not answer' placeholders skipped": skipped["placeholder"],
        "blank answers skipped": skipped["blank"],
    }
    return rows, stats
