"""Every SQL file becomes a view named after its file, layered and documented as the README says."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from contract_monitor import models, settings

MODELS = models.discover()


def test_every_sql_file_becomes_a_view_or_mart_named_after_it(fx):
    objects = dict(
        fx.execute(
            "select view_name, 'view' from duckdb_views() where not internal and schema_name='main' "
            "union all select table_name, 'table' from duckdb_tables() where schema_name='main'"
        ).fetchall()
    )
    for model in MODELS:
        expected = "table" if model.materialised else "view"
        assert objects.get(model.name) == expected, f"{model.path} should be a {expected} named {model.name}"


def test_only_marts_and_declared_models_are_tables():
    for model in MODELS:
        declared = model.sql.splitlines()[1].strip() == "-- materialised: table"
        assert model.materialised == (model.layer == "marts" or declared), model.path
        if model.layer == "marts":
            assert not declared, f"{model.path}: marts are always tables, nothing to declare"


def test_layers_use_their_prefixes():
    for model in MODELS:
        prefix = {"staging": "stg_", "intermediate": "int_"}.get(model.layer)
        if prefix:
            assert model.name.startswith(prefix), model.path
        else:
            assert not model.name.startswith(("stg_", "int_")), model.path


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_every_model_states_its_grain_on_line_one(model):
    assert model.grain.startswith("grain: one row per"), f"{model.path} line 1 must be '-- grain: one row per ...'"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_sql_is_lowercase(model):
    code = re.sub(r"'[^']*'|--[^\n]*", "", model.sql)
    shouting = re.findall(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY|WITH|AS)\b", code)
    assert not shouting, f"{model.path}: {shouting[:3]}"


def test_only_staging_reads_raw_and_records_tables():
    for model in MODELS:
        reads_sources = "raw." in model.sql or "rec." in model.sql
        if model.layer == "staging":
            assert reads_sources, model.path
        else:
            assert not reads_sources, model.path


def test_views_are_created_after_what_they_read():
    order = [m.name for m in models.build_order(MODELS)]
    names = set(order)
    for model in MODELS:
        for dep in models.dependencies(model, names):
            assert order.index(dep) < order.index(model.name)


def test_a_dependency_cycle_is_reported(tmp_path: Path):
    a = models.Model("int_a", "intermediate", tmp_path / "int_a.sql", "-- grain: x\nselect * from int_b")
    b = models.Model("int_b", "intermediate", tmp_path / "int_b.sql", "-- grain: x\nselect * from int_a")
    with pytest.raises(models.ModelError, match="circular"):
        models.build_order([a, b])


def test_a_broken_model_names_its_file(tmp_path: Path):
    bad = models.Model(
        "int_bad",
        "intermediate",
        settings.QUERIES_DIR / "intermediate" / "int_bad.sql",
        "-- grain: x\nselect no_such_column from no_such_table",
    )
    with pytest.raises(models.ModelError, match="queries/intermediate/int_bad.sql"):
        models.create_all(duckdb.connect(), [bad])


def test_every_view_is_exercised_by_a_test():
    tests_text = "\n".join(
        p.read_text() for p in Path(__file__).parent.glob("test_*.py") if p.name != Path(__file__).name
    )
    untested = [m.name for m in MODELS if m.name not in tests_text]
    assert not untested, f"views with no test naming them: {untested}"


@pytest.mark.parametrize("name", [n for n, _ in models.checks()])
def test_data_check_returns_no_rows_on_the_fixture(fx, name):
    sql = dict(models.checks())[name]
    assert fx.execute(sql).fetchall() == []


@pytest.mark.parametrize("name", [n for n, _ in models.checks()])
def test_data_check_returns_no_rows_on_the_sample(sample, name):
    sql = dict(models.checks())[name]
    assert sample.execute(sql).fetchall() == []


def test_the_last_month_check_finds_a_portfolio_row_for_an_earlier_month(fixture_db: Path, tmp_path: Path):
    copy = tmp_path / "flag.duckdb"
    shutil.copy(fixture_db, copy)
    con = duckdb.connect(str(copy))
    first = con.execute("select min(month) from contract_month where contract_id = 'C1'").fetchone()[0]
    con.execute("update portfolio_overview set as_of_month = ? where contract_id = 'C1'", [first])
    found = con.execute(dict(models.checks())["portfolio_shows_each_contracts_last_month"]).fetchall()
    con.close()
    assert [(r[0], r[1]) for r in found] == [("C1", first)]
