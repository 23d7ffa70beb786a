"""The synthetic sample generator: deterministic, schema-exact, big and varied enough, and the scale writer."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from contract_monitor import sample
from contract_monitor.schema import TABLES_BY_NAME, Column

GENERATED = sample.GENERATED_TABLES
ALL_TABLES = (*sample.SEED_TABLES, *GENERATED)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    sample.generate_sample(out, seed=42)
    return out


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def bad_value(column: Column, value: str) -> str | None:
    """Why ``value`` does not fit ``column`` (an independent reading of schema.py's rules), or None."""
    if value == "":
        return None if not column.required else "blank in a required column"
    if value != value.strip():
        return "surrounding spaces"
    number: float | None = None
    if column.kind == "int":
        if not re.fullmatch(r"-?\d+", value):
            return "not a whole number"
        number = int(value)
    elif column.kind == "float":
        try:
            number = float(value)
        except ValueError:
            return "not a number"
    elif column.kind in ("date", "month"):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return "not YYYY-MM-DD"
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return "not a real date"
        if column.kind == "month" and day.day != 1:
            return "month not written as the first of the month"
    elif column.kind == "quarter":
        if not re.fullmatch(r"\d{4}-Q[1-4]", value):
            return "not YYYY-Qn"
    elif column.kind == "yn":
        if value not in ("y", "n"):
            return "not y or n"
    elif column.kind == "choice" and value not in column.choices:
        return "not one of the listed choices"
    if number is not None:
        if column.minimum is not None and number < column.minimum:
            return "below the minimum"
        if column.maximum is not None and number > column.maximum:
            return "above the maximum"
    return None


def as_comparable(value: str) -> float | str:
    """Numbers compare as numbers; ISO dates compare correctly as text."""
    try:
        return float(value)
    except ValueError:
        return value


def test_same_seed_gives_byte_identical_files_and_a_different_seed_does_not(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    counts_a = sample.generate_sample(a, seed=42)
    counts_b = sample.generate_sample(b, seed=42)
    sample.generate_sample(c, seed=7)
    assert counts_a == counts_b
    for table in GENERATED:
        name = f"{table}.csv"
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert any((a / f"{t}.csv").read_bytes() != (c / f"{t}.csv").read_bytes() for t in GENERATED)
    assert (a / "kpi_values.csv").read_bytes() != (c / "kpi_values.csv").read_bytes()


def test_committed_sample_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    sample.generate_sample(tmp_path, seed=42)
    for table in GENERATED:
        committed = sample.SEED_DIR / f"{table}.csv"
        assert committed.read_bytes() == (tmp_path / f"{table}.csv").read_bytes(), (
            f"{committed} is stale: regenerate with python -m contract_monitor.sample"
        )


def test_returned_counts_match_rows_written(sample_dir: Path) -> None:
    counts = sample.generate_sample(sample_dir, seed=42)
    assert set(counts) == set(GENERATED)
    for table, rows in counts.items():
        assert len(read(sample_dir / f"{table}.csv")[1]) == rows, table


@pytest.mark.parametrize("table", ALL_TABLES)
def test_headers_equal_schema_column_names(sample_dir: Path, table: str) -> None:
    header, _rows = read(sample_dir / f"{table}.csv")
    assert tuple(header) == TABLES_BY_NAME[table].column_names


@pytest.mark.parametrize("table", ALL_TABLES)
def test_every_value_parses_as_its_column_kind(sample_dir: Path, table: str) -> None:
    spec = TABLES_BY_NAME[table]
    _header, rows = read(sample_dir / f"{table}.csv")
    problems = []
    for number, row in enumerate(rows, start=2):
        for column in spec.columns:
            why = bad_value(column, row[column.name])
            if why:
                problems.append(f"row {number} {column.name}={row[column.name]!r}: {why}")
        for smaller, larger in spec.not_greater:
            if row[smaller] and row[larger] and as_comparable(row[smaller]) > as_comparable(row[larger]):
                problems.append(f"row {number}: {smaller} > {larger}")
    assert not problems, problems[:10]


@pytest.mark.parametrize("table", ALL_TABLES)
def test_keys_are_unique(sample_dir: Path, table: str) -> None:
    spec = TABLES_BY_NAME[table]
    _header, rows = read(sample_dir / f"{table}.csv")
    keys = Counter(tuple(row[k] for k in spec.key) for row in rows)
    duplicates = [k for k, n in keys.items() if n > 1]
    assert not duplicates, duplicates[:5]


@pytest.mark.parametrize("table", GENERATED)
def test_references_resolve(sample_dir: Path, table: str) -> None:
    spec = TABLES_BY_NAME[table]
    _header, rows = read(sample_dir / f"{table}.csv")
    for local, target, remote in spec.references:
        known = {tuple(r[c] for c in remote) for r in read(sample_dir / f"{target}.csv")[1]}
        missing = {tuple(row[c] for c in local) for row in rows} - known
        assert not missing, (table, target, sorted(missing)[:5])


def test_portfolio_size_period_and_variety(sample_dir: Path) -> None:
    contracts = read(sample_dir / "contracts.csv")[1]
    assert len(contracts) >= 24
    assert {c["service_area"] for c in contracts} == set(TABLES_BY_NAME["contracts"].columns[3].choices)
    assert {c["contracting_model"] for c in contracts} == set(TABLES_BY_NAME["contracts"].columns[4].choices)
    assert all(150_000 <= float(c["annual_value_gbp"]) <= 6_000_000 for c in contracts)

    values = read(sample_dir / "kpi_values.csv")[1]
    months = sorted({v["month"] for v in values})
    assert len(months) == 36
    assert months[0] == "2023-11-01" and months[-1] == "2026-10-01"

    definitions = read(sample_dir / "kpi_definitions.csv")[1]
    per_contract = Counter(d["contract_id"] for d in definitions)
    assert 7 <= sum(per_contract.values()) / len(contracts) <= 9
    assert all(6 <= n <= 10 for n in per_contract.values())
    assert {d["kind"] for d in definitions} == {"output", "outcome", "experience"}
    assert any(d["measurement"] == "cumulative" for d in definitions)


def test_missing_returns_and_late_corrections_are_present(sample_dir: Path) -> None:
    values = read(sample_dir / "kpi_values.csv")[1]
    blank = [v for v in values if v["value"] == ""]
    assert blank and all(v["submitted_date"] == "" for v in blank)
    per_kpi_month = Counter((v["contract_id"], v["kpi_code"], v["month"]) for v in values)
    corrected = [k for k, n in per_kpi_month.items() if n > 1]
    assert 20 <= len(corrected) <= 40
    notes = [v["note"] for v in values if v["note"].startswith("Corrected")]
    assert len(notes) == len(corrected)


def test_comments_are_many_varied_and_rated_by_sentiment(sample_dir: Path) -> None:
    feedback = read(sample_dir / "narrative_feedback.csv")[1]
    assert len(feedback) >= 3000
    texts = [f["text"] for f in feedback]
    assert len(set(texts)) >= 0.9 * len(texts)
    sources = Counter(f["source"] for f in feedback)
    assert set(sources) == set(TABLES_BY_NAME["narrative_feedback"].columns[3].choices)
    assert sources["service user"] + sources["family/carer"] > 0.6 * len(feedback)
    blank_rating = sum(f["rating"] == "" for f in feedback) / len(feedback)
    assert 0.08 <= blank_rating <= 0.25
    assert any(re.search(r"07700 900\d{3}|@example\.org", t) for t in texts)
    approved_without_consent = [f for f in feedback if f["approved_for_board"] == "y" and f["consent_to_share"] == "n"]
    assert 1 <= len(approved_without_consent) <= 20
    assert [f["feedback_id"] for f in feedback] == [f"F{i:06d}" for i in range(1, len(feedback) + 1)]


def test_situation_contracts_exist_with_the_intended_shape(sample_dir: Path) -> None:
    contracts = {c["contract_id"]: c for c in read(sample_dir / "contracts.csv")[1]}
    assert set(sample.SITUATIONS) == {
        "watermelon",
        "low_cost_poor_outcomes",
        "alliance_amber_but_excellent",
        "relationship_divergence",
        "improving_after_review",
    }
    assert all(cid in contracts for cid in sample.SITUATIONS.values())
    assert contracts[sample.SITUATIONS["watermelon"]]["title"].startswith("Care at home")
    assert contracts[sample.SITUATIONS["alliance_amber_but_excellent"]]["contracting_model"] == "alliance"
    review = [
        f
        for f in read(sample_dir / "narrative_feedback.csv")[1]
        if f["contract_id"] == sample.SITUATIONS["improving_after_review"]
        and f["source"] == "commissioner"
        and "review" in f["text"].lower()
        and "improvement plan" in f["text"].lower()
    ]
    assert review


def test_generate_scale_writes_the_formats_and_expected_row_counts(tmp_path: Path) -> None:
    n, months, k, cpm = 20, 6, 8, 10
    counts = sample.generate_scale(tmp_path, n_contracts=n, months=months, kpis_per_contract=k, comments_per_month=cpm)
    quarters = len(
        sample._quarters(
            sample.add_months(sample.PERIOD_START, 36 - months), sample.add_months(sample.PERIOD_START, 35)
        )
    )
    corrections = len(range(0, n, 50))
    expected = {
        "contracts": n,
        "kpi_definitions": n * k,
        "kpi_values": n * months * k + corrections,
        "experience_measures": n * months * 4,
        "narrative_feedback": n * months * cpm,
        "finance": n * months,
        "relationship_pulse": n * quarters * 2,
    }
    assert counts == expected
    for table in ALL_TABLES:
        spec = TABLES_BY_NAME[table]
        header, rows = read(tmp_path / f"{table}.csv")
        assert tuple(header) == spec.column_names, table
        if table in expected:
            assert len(rows) == expected[table], table
        problems = [(table, c.name, row[c.name]) for row in rows for c in spec.columns if bad_value(c, row[c.name])]
        assert not problems, problems[:5]
        keys = Counter(tuple(row[c] for c in spec.key) for row in rows)
        assert max(keys.values()) == 1, table
