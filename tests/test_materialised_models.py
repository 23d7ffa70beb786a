"""A staging or intermediate model can declare `-- materialised: table` on line 2 and is then built
once as a table (in dependency order) instead of being recomputed by every model that reads it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from contract_monitor import models


def _model(tmp_path: Path, name: str, layer: str, sql: str) -> models.Model:
    path = tmp_path / "queries" / layer / f"{name}.sql"
    return models.Model(name, layer, path, sql.strip())


def _write(queries: Path, layer: str, name: str, sql: str) -> None:
    (queries / layer).mkdir(parents=True, exist_ok=True)
    (queries / layer / f"{name}.sql").write_text(sql, encoding="utf-8")


def test_line_two_declares_a_table(tmp_path: Path):
    declared = _model(
        tmp_path, "int_a", "intermediate", "-- grain: one row per x\n-- materialised: table\nselect 1 as x"
    )
    plain = _model(tmp_path, "int_b", "intermediate", "-- grain: one row per x\nselect 1 as x")
    elsewhere = _model(
        tmp_path, "int_c", "intermediate", "-- grain: one row per x\nselect 1 as x\n-- materialised: table"
    )
    mart = _model(tmp_path, "m", "marts", "-- grain: one row per x\nselect 1 as x")
    assert declared.materialised and declared.declared_materialisation == "table"
    assert not plain.materialised and plain.declared_materialisation is None
    assert not elsewhere.materialised  # only line 2 counts
    assert mart.materialised


def test_a_declared_model_is_created_as_a_table_and_its_readers_as_views(tmp_path: Path):
    con = duckdb.connect()
    counted = []
    built = models.create_all(
        con,
        [
            _model(
                tmp_path,
                "int_base",
                "intermediate",
                "-- grain: one row per n\n-- materialised: table\nselect range as n from range(5)",
            ),
            _model(tmp_path, "int_reader", "intermediate", "-- grain: one row per n\nselect n * 2 as n2 from int_base"),
            _model(tmp_path, "total", "marts", "-- grain: one row per total\nselect sum(n2) as s from int_reader"),
        ],
        progress=counted.append,
    )
    kinds = dict(
        con.execute(
            "select table_name, 'table' from duckdb_tables() "
            "union all select view_name, 'view' from duckdb_views() where not internal"
        ).fetchall()
    )
    assert [m.name for m in built] == ["int_base", "int_reader", "total"]
    assert (kinds["int_base"], kinds["int_reader"], kinds["total"]) == ("table", "view", "table")
    assert con.execute("select s from total").fetchone() == (20,)
    assert counted == ["materialised int_base: 5 rows", "built mart total: 1 rows"]


@pytest.mark.parametrize(
    ("layer", "line_two"),
    [
        ("intermediate", "-- materialised: tabel"),
        ("intermediate", "-- materialised: view"),
        ("marts", "-- materialised: table"),
    ],
)
def test_an_unknown_or_pointless_declaration_is_refused_naming_the_file(tmp_path: Path, layer: str, line_two: str):
    queries = tmp_path / "queries"
    for folder in ("staging", "intermediate", "marts"):
        (queries / folder).mkdir(parents=True)
    name = "int_x" if layer == "intermediate" else "x"
    _write(queries, layer, name, f"-- grain: one row per x\n{line_two}\nselect 1 as x\n")
    with pytest.raises(models.ModelError, match=f"{name}.sql: line 2 declares"):
        models.discover(queries)


def test_the_shared_heavy_models_are_declared_tables():
    """The KPI chain and the month spine are read by several marts; each is built once."""
    by_name = {m.name: m for m in models.discover()}
    for name in ("stg_kpi_values", "int_contract_months", "int_domain_metrics", "int_voice_months"):
        assert by_name[name].materialised, name


@pytest.mark.parametrize(
    ("layer", "header"),
    [("marts", "-- clustered by: k, n desc"), ("intermediate", "-- materialised: table\n-- clustered by: k, n desc")],
)
def test_a_clustered_table_is_stored_in_its_declared_order(tmp_path: Path, layer: str, header: str):
    con = duckdb.connect()
    sql = f"-- grain: one row per n\n{header}\nselect range % 3 as k, range as n from range(50)"
    models.create_all(con, [_model(tmp_path, "m", layer, sql)])
    stored = con.execute("select k, n from m order by rowid").fetchall()
    assert stored == sorted(stored, key=lambda r: (r[0], -r[1]))
    assert stored != con.execute("select range % 3, range from range(50)").fetchall()


def test_the_contract_marts_pages_read_by_contract_are_stored_by_contract(sample):
    for mart in ("kpi_status", "contract_month", "feedback", "experience_measure_month", "board_comments"):
        ids = [r[0] for r in sample.execute(f"select contract_id from {mart} order by rowid").fetchall()]
        assert ids == sorted(ids), mart


def test_the_intermediate_tables_a_refresh_reads_by_month_are_stored_by_month(sample):
    """Only the build and the in-place refresh read the materialised staging and intermediate tables,
    and a refresh reads a window of months: stored by month, DuckDB skips the other months' row
    groups. Every such table declared refreshed by month is, so a new one cannot forget to be."""
    tables = [
        m.name for m in models.discover() if m.materialised and m.layer != "marts" and m.refreshed_by_month is not None
    ]
    assert {"stg_kpi_values", "int_domain_metrics", "int_contract_months"} <= set(tables)
    for name in tables:
        months = [r[0] for r in sample.execute(f"select month from {name} order by rowid").fetchall()]
        assert len(set(months)) > 12 and months == sorted(months), name


def test_no_model_has_a_128_bit_integer_column(sample):
    """``sum()`` of integers is a HUGEINT in DuckDB: scanning one such column cost about 1 ms per page
    read (a third of ``contract_month``'s read at 5,000 contracts), so the models cast sums to bigint.
    (The search index's text hash is a 128-bit number on purpose; it is not a model.)"""
    names = [m.name for m in models.discover()]
    wide = sample.execute(
        "select table_name, column_name from information_schema.columns"
        " where data_type in ('HUGEINT', 'UHUGEINT') and table_name in (select unnest(?::varchar[]))",
        [names],
    ).fetchall()
    assert len(names) > 40
    assert wide == []


@pytest.mark.parametrize(
    ("layer", "line"),
    [("intermediate", "-- clustered by: contract_id"), ("marts", "-- clustered by: contract_id; drop table x")],
)
def test_a_bad_clustering_declaration_names_the_file(tmp_path: Path, layer: str, line: str):
    queries = tmp_path / "queries"
    _write(queries, layer, "bad_model", f"-- grain: one row per x\n{line}\nselect 1 as contract_id")
    with pytest.raises(models.ModelError, match=r"bad_model\.sql: line 2 declares 'clustered by"):
        models.discover(queries)
