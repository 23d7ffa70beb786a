"""What people decide about comments, written to the records store (survives every rebuild).

- ``record_decision``: approve, edit the redacted text, or reject with a reason. Every decision
  is a new row (who, when, the display text before and after, and the sha256 of the original text
  it was made on: ``text_hash``); nothing is overwritten. An edit without approval leaves the
  comment pending: the edited text must be approved to reach a board. A decision counts only for
  the text it was made on, so a resubmission with new words needs deciding again.
- ``attach_evidence`` / ``remove_evidence``: a comment as evidence for a KPI-month.
- ``record_action``: "you said, we did": what was changed, when and by whom, for a theme or comments.

Each write is one short transaction; the next build copies the tables into ``rec.*``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path

from .. import records
from . import redact

DECISIONS = ("approved", "rejected", "edited")


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message names the form field."""


def _now() -> dt.datetime:
    # microseconds, so two decisions on one comment in the same second keep their order
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def text_hash(text: str) -> str:
    """The sha256 of a comment's original text, as DuckDB's ``sha256(text)`` gives it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _required(value: str | None, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DecisionError(f"{field}: required")
    return value


def record_decision(
    feedback_id: str,
    decision: str,
    decided_by: str,
    text_before: str | None,
    text_after: str | None = None,
    reason: str | None = None,
    store: Path | None = None,
    *,
    text_sha256: str | None = None,
) -> str:
    """Log one decision and return its id. ``text_after`` is the edited display text (if edited);
    ``text_sha256`` is ``text_hash`` of the original text the decider saw (the pages always give it;
    without it the decision counts for the text current when it was recorded)."""
    feedback_id = _required(feedback_id, "feedback_id")
    decided_by = _required(decided_by, "decided by")
    if decision not in DECISIONS:
        raise DecisionError(f"decision: got {decision!r}, expected one of {', '.join(DECISIONS)}")
    if decision == "rejected":
        reason = _required(reason, "reason (a rejection needs a reason)")
    if decision == "edited":
        text_after = _required(text_after, "edited text")
    if text_after is not None:
        text_after = text_after.strip()
        if text_after == (text_before or "").strip():
            text_after = None
        elif redact.redact(text_after, redact.names_regex()) != text_after:
            raise DecisionError("edited text: still contains personal data (e-mail, phone, name, ...); remove it first")
    decision_id = uuid.uuid4().hex
    with records.connect(store) as con:
        con.execute(
            "insert into comment_decisions by name select ? as decision_id, ? as feedback_id, ? as decision,"
            " ? as text_before, ? as text_after, ? as reason, ? as decided_by, ? as decided_at, ? as text_sha256",
            [decision_id, feedback_id, decision, text_before, text_after, reason, decided_by, _now(), text_sha256],
        )
    return decision_id


def attach_evidence(
    feedback_id: str,
    contract_id: str,
    kpi_code: str,
    month: dt.date,
    linked_by: str,
    note: str | None = None,
    store: Path | None = None,
) -> str:
    link_id = uuid.uuid4().hex
    with records.connect(store) as con:
        con.execute(
            "insert into evidence_links values (?, ?, ?, ?, ?, ?, ?, ?, null)",
            [
                link_id,
                _required(feedback_id, "feedback_id"),
                _required(contract_id, "contract"),
                _required(kpi_code, "KPI"),
                month.replace(day=1),
                note,
                _required(linked_by, "linked by"),
                _now(),
            ],
        )
    return link_id


def remove_evidence(link_id: str, store: Path | None = None) -> None:
    with records.connect(store) as con:
        con.execute(
            "update evidence_links set removed_at = ? where link_id = ? and removed_at is null", [_now(), link_id]
        )


def record_action(
    contract_id: str,
    what_changed: str,
    changed_on: dt.date,
    recorded_by: str,
    theme: str | None = None,
    feedback_ids: list[str] | None = None,
    store: Path | None = None,
) -> str:
    if not theme and not feedback_ids:
        raise DecisionError("theme: choose a theme or at least one comment the action responds to")
    action_id = uuid.uuid4().hex
    with records.connect(store) as con:
        con.execute(
            "insert into actions values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                action_id,
                _required(contract_id, "contract"),
                theme,
                list(feedback_ids or []),
                _required(what_changed, "what was changed"),
                changed_on,
                _required(recorded_by, "recorded by"),
                _now(),
            ],
        )
    return action_id
