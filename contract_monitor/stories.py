"""People's stories on the pages: record a decision, an evidence link or an action, then rebuild so
the marts show it; and the plain tables that show approval queues, decision logs, evidence and
actions. No Streamlit here (the pages and ``story_widgets`` draw these).

Writes go to the records store through ``narrative.workflow`` (which refuses bad input with the
form field named), then ``warehouse.rebuild_current`` rebuilds the warehouse from the data folder it
was built from. A failed rebuild leaves the previous warehouse; the record is kept and reaches the
marts at the next build, and the person is told so.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import presentation, settings, warehouse
from .narrative import workflow

STATUSES = ("pending", "approved", "rejected")
NO_CONSENT = (
    "No consent to share: the person did not agree to their words being shared, so this comment can never "
    "be approved for a board. Contract managers can still read it, edit its redacted text or reject it."
)
RESTRICTED_LABEL = "Original text (restricted: contract managers only; never share or copy to a board)"

# the workflow's field names -> the labels of the form fields people type into
FIELDS = {
    "decided by": "Your name",
    "linked by": "Your name",
    "recorded by": "Your name",
    "reason (a rejection needs a reason)": "Reason for rejecting",
    "edited text": "Edited text",
    "what was changed": "What was changed",
    "theme": "Theme",
    "feedback_id": "Comment",
    "KPI": "KPI",
    "consent": "Approve for the board",
}


_SAVING = threading.Lock()


class Refused(workflow.DecisionError):
    """Input refused before anything was written; the message names the form field."""


def explain(error: workflow.DecisionError) -> str:
    """'decided by: required' -> 'Your name: required. Nothing was saved.'"""
    field, _, rest = str(error).partition(": ")
    label = FIELDS.get(field, field)
    return f"{label}: {rest}. Nothing was saved." if rest else f"{error}. Nothing was saved."


@dataclass
class Saved:
    record_id: str
    rebuilt: bool
    seconds: float
    problem: str | None = None

    def note(self) -> str:
        if self.rebuilt:
            return f"The dashboard was refreshed in {self.seconds:.1f} s."
        return (
            "It is recorded, but the dashboard could not be refreshed, so pages still show the previous data "
            f"until the next build: {self.problem}"
        )


def record_and_rebuild(
    write: Callable[[Path], str], db_path: Path | None = None, records_path: Path | None = None
) -> Saved:
    """Run ``write(records_store)`` (one short transaction, raises ``DecisionError`` before writing
    anything on bad input), then rebuild the warehouse so the marts show it."""
    db_path = Path(db_path or settings.db_path())
    records_path = Path(records_path or settings.records_db_path(db_path))
    with _SAVING:  # one save at a time in this process: DuckDB shares one records-store instance per file
        record_id = write(records_path)
        started = time.perf_counter()
        try:
            warehouse.rebuild_current(db_path, records_path)
        except Exception as exc:  # noqa: BLE001 - any build failure is reported; the record is kept
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            problem = " ".join(lines[:2]) + (f" (and {len(lines) - 2} more lines)" if len(lines) > 2 else "")
            return Saved(record_id, False, time.perf_counter() - started, problem)
    return Saved(record_id, True, time.perf_counter() - started)


def decide(
    comment: pd.Series | dict,
    decision: str,
    decided_by: str,
    *,
    text_after: str | None = None,
    reason: str | None = None,
    db_path: Path | None = None,
    records_path: Path | None = None,
) -> Saved:
    """Approve, edit or reject one comment (a row of the feedback mart) and rebuild."""
    if not (decided_by or "").strip():
        raise Refused("decided by: required, so the decision log shows who decided")
    if decision == "approved" and not bool(comment["consent_to_share"]):
        raise Refused(f"consent: {NO_CONSENT}")
    before = comment["display_text"]
    if decision == "edited" and (text_after or "").strip() == (before or "").strip():
        raise Refused("edited text: unchanged; change the text, or approve it as it is")
    return record_and_rebuild(
        lambda store: workflow.record_decision(
            comment["feedback_id"],
            decision,
            decided_by,
            before,
            text_after=text_after,
            reason=reason,
            store=store,
            text_sha256=workflow.text_hash(comment["text"]),
        ),
        db_path,
        records_path,
    )


# --------------------------------------------------------------------------- approval queue


def _short(text: str | None, width: int = 70) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def option_label(row: pd.Series) -> str:
    """How a comment is listed in a chooser: id, contract, date and the start of its display text."""
    return (
        f"{row['feedback_id']} · {row['contract_id']} · {pd.Timestamp(row['received_date']):%d %b %Y} · "
        f"{_short(row['display_text'])}"
    )


def state_sentence(row: pd.Series) -> str:
    """The comment's approval state in words, with who decided and why."""
    return _state(row) + _earlier_text(row)


def _earlier_text(row: pd.Series) -> str:
    """A resubmission changed the words: the decisions on the earlier words no longer count."""
    earlier = int(row.get("decisions_on_earlier_text") or 0)
    if not earlier:
        return ""
    if earlier == 1:
        return ". The words were changed by a later return after 1 decision, which no longer counts"
    return f". The words were changed by a later return after {earlier} decisions, which no longer count"


def _state(row: pd.Series) -> str:
    state = row["approval_state"]
    if row["approval_source"] != "decision":
        origin = "approved flag imported with the comment" if state == "approved" else "no decision recorded yet"
        return f"{state.capitalize()} ({origin})"
    when = pd.Timestamp(row["last_decided_at"]).strftime("%d %b %Y %H:%M")
    if state == "rejected":
        return f"Rejected by {row['last_decided_by']} on {when} UTC: {row['last_reason']}"
    if state == "pending":
        return f"Pending: text edited by {row['last_decided_by']} on {when} UTC; the edit needs approving"
    return f"Approved by {row['last_decided_by']} on {when} UTC"


def queue_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The queue as a table: the display (redacted or edited) text only, never the original."""
    return pd.DataFrame(
        {
            "ID": rows["feedback_id"].tolist(),
            "Received": [pd.Timestamp(d).strftime("%d %b %Y") for d in rows["received_date"]],
            "Contract": rows["contract_id"].tolist(),
            "Source": rows["source"].tolist(),
            "Consent to share": ["Yes" if c else "No" for c in rows["consent_to_share"]],
            "Status": rows["approval_state"].str.capitalize().tolist(),
            "Sentiment": rows["sentiment"].fillna("not rated").str.capitalize().tolist(),
            "Themes": [", ".join(presentation.theme_list(t)) for t in rows["themes"]],
            "Comment (personal details removed)": rows["display_text"].tolist(),
        }
    )


DECISION_WORDS = {"approved": "Approved", "rejected": "Rejected", "edited": "Edited the text"}


def history_table(log: pd.DataFrame) -> pd.DataFrame:
    """One comment's decision log (comment_decision_log mart), newest first: who, when, before/after, why."""
    return pd.DataFrame(
        {
            "When (UTC)": [pd.Timestamp(t).strftime("%d %b %Y %H:%M:%S") for t in log["decided_at"]],
            "Decision": log["decision"].map(DECISION_WORDS).tolist(),
            "By": log["decided_by"].tolist(),
            "Text before": log["text_before"].fillna("").tolist(),
            "Text after": log["text_after"].fillna("").tolist(),
            "Reason": log["reason"].fillna("").tolist(),
        }
    )


# --------------------------------------------------------------------------- evidence and actions


def evidence_lines(evidence: pd.DataFrame) -> list[tuple[str, str]]:
    """(quote, caption) for each attached story: the display text, and month · note · who."""
    lines = []
    for row in evidence.itertuples():
        note = f" · “{row.note}”" if isinstance(row.note, str) and row.note else ""
        board = "" if row.shareable_with_board else " · not for the board (no consent or not approved)"
        lines.append(
            (
                str(row.display_text),
                f"{presentation.month_label(row.month)}{note} · attached by {row.linked_by} · {row.feedback_id}{board}",
            )
        )
    return lines


def actions_table(actions: pd.DataFrame) -> pd.DataFrame:
    """You said, we did: each action (no comment text, so boards may see it)."""
    return pd.DataFrame(
        {
            "Changed on": [pd.Timestamp(d).strftime("%d %b %Y") for d in actions["changed_on"]],
            "You said (theme)": [
                label if isinstance(label, str) else (theme if isinstance(theme, str) else "specific comments")
                for label, theme in zip(actions["theme_label"], actions["theme"], strict=True)
            ],
            "We did": actions["what_changed"].tolist(),
            "Comments responded to": actions["comments_responded_to"].astype(int).tolist(),
            "Negative comments on the theme before": actions["negative_comments_before"].astype(int).tolist(),
            "Recorded by": actions["recorded_by"].tolist(),
        }
    )


def response_table(loop: pd.DataFrame) -> pd.DataFrame:
    """Each theme with negative comments in the last 12 months: did anyone respond? (words, not colour)"""
    return pd.DataFrame(
        {
            "Theme": loop["theme_label"].fillna(loop["theme"]).tolist(),
            "Negative comments (12 months)": loop["negative_comments"].astype(int).tolist(),
            "Responded": ["✓ Yes" if r else "✕ Not yet" for r in loop["responded"]],
            "Actions": loop["actions"].astype(int).tolist(),
            "Last action": [
                "—" if pd.isna(d) else pd.Timestamp(d).strftime("%d %b %Y") for d in loop["last_action_on"]
            ],
        }
    )


def response_share(loop: pd.DataFrame) -> tuple[int, int]:
    """(themes responded to, negative themes) for one contract."""
    return int(loop["responded"].sum()), len(loop)


def board_table(board: pd.DataFrame) -> pd.DataFrame:
    """Board-safe comments (board_comments mart rows only): the approved display text, no ids of others."""
    return pd.DataFrame(
        {
            "Month": [presentation.month_label(m) for m in board["month"]],
            "Source": board["source"].tolist(),
            "Sentiment": board["sentiment"].fillna("not rated").str.capitalize().tolist(),
            "Themes": [", ".join(presentation.theme_list(t)) for t in board["themes"]],
            "Comment": board["display_text"].tolist(),
            "ID": board["feedback_id"].tolist(),
        }
    )
