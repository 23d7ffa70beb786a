"""A rebuild reuses the tags of every text seen before and tags only texts that are new or edited."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from contract_monitor import settings, warehouse


def _build(data: Path, db: Path, tmp_path: Path) -> str:
    messages: list[str] = []
    warehouse.build(data, db, progress=messages.append, records_path=tmp_path / "records.duckdb")
    return next(m for m in messages if m.startswith("tagged "))


def _distinct_texts(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(distinct coalesce(text, '')) from stg_narrative_feedback").fetchone()[0]
    finally:
        con.close()


def _tags(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("select feedback_id, sentiment, themes, redacted_text from enriched.comment_tags").fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


@pytest.fixture
def data(fixture_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(fixture_dir, out)
    return out


def test_a_rebuild_reuses_every_unchanged_comments_tags(data: Path, tmp_path: Path):
    db = tmp_path / "w.duckdb"
    first = _build(data, db, tmp_path)
    before = _tags(db)
    second = _build(data, db, tmp_path)
    texts = _distinct_texts(db)
    assert 0 < texts < len(before)  # the fixture repeats some texts: each distinct text is tagged once
    assert first.startswith(f"tagged {texts} new distinct") and "tags of 0 texts seen before" in first
    assert second.startswith("tagged 0 new distinct") and f"tags of {texts} texts seen before" in second
    assert _tags(db) == before


def test_an_edited_comment_is_tagged_again(data: Path, tmp_path: Path):
    db = tmp_path / "w.duckdb"
    _build(data, db, tmp_path)
    before = _tags(db)
    path = data / "narrative_feedback.csv"
    path.write_text(path.read_text().replace("Rotas changed twice this week.", "Call Mrs Wilson on 07700 900123."))
    texts = _distinct_texts(db)
    message = _build(data, db, tmp_path)
    after = _tags(db)
    changed = [k for k in after if after[k] != before[k]]
    # the edited comment's old text was its own, so one text is new and the rest are reused
    assert message.startswith("tagged 1 new distinct") and f"tags of {texts - 1} texts seen before" in message
    assert len(changed) == 1 and "07700 900123" not in after[changed[0]][2]


def test_a_new_codebook_means_every_comment_is_tagged_afresh(data: Path, tmp_path: Path, monkeypatch):
    db = tmp_path / "w.duckdb"
    _build(data, db, tmp_path)
    codebook = tmp_path / "codebook.csv"
    codebook.write_text((settings.SAMPLE_DATA_DIR / "codebook.csv").read_text() + "\n")
    monkeypatch.setenv("CONTRACT_MONITOR_CODEBOOK", str(codebook))
    assert "tags of 0 texts seen before" in _build(data, db, tmp_path)


def test_an_unreadable_previous_warehouse_only_means_nothing_is_reused(data: Path, tmp_path: Path):
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"not a database")
    assert "tags of 0 texts seen before" in _build(data, db, tmp_path)
    assert len(_tags(db)) > 0
