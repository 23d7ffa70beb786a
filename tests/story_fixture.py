"""The hand-made fixture plus four comments on C2 in April 2025, one per consent x approval
combination, each carrying personal details and a word found nowhere else (so a test can prove
that a comment's text, original or redacted, is or is not on a page)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from fixture_data import write_fixture

from contract_monitor import warehouse

# feedback_id -> (consent_to_share, approved_for_board, marker word)
COMBOS = {
    "M0": ("y", "y", "Quokka"),
    "M1": ("y", "n", "Narwhal"),
    "M2": ("n", "y", "Axolotl"),
    "M3": ("n", "n", "Pangolin"),
}
PHONE = "07700 900123"
EMAIL = "jo.bloggs@example.com"


def text(feedback_id: str) -> str:
    marker = COMBOS[feedback_id][2]
    return f"The {marker} team were rushed. Ring Mrs Wilson on {PHONE} or e-mail {EMAIL} about {feedback_id}."


def write(out_dir: Path) -> Path:
    data = write_fixture(out_dir)
    path = data / "narrative_feedback.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    for i, (feedback_id, (consent, approved, _)) in enumerate(COMBOS.items()):
        rows.append([feedback_id, "C2", f"2025-04-{20 + i}", "service user", text(feedback_id), "5", consent, approved])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return data


def build(tmp: Path) -> Path:
    """Data folder + warehouse (built with an empty records store) under ``tmp``; returns the warehouse."""
    data = write(tmp / "csv")
    db = tmp / "stories.duckdb"
    warehouse.build(data, db, records_path=tmp / "empty-records.duckdb")
    return db


def copy(db: Path, to: Path) -> tuple[Path, Path]:
    """A private copy of the warehouse and a fresh records store, so a test may write."""
    to.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, to / db.name)
    return to / db.name, to / "records.duckdb"
