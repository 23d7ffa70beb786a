"""The SQL models in ``queries/``: discover them, order them by dependency, create them.

One view per file and the file stem is the view's name. Staging and intermediate
files become views; marts are materialised as tables (dbt's table
materialisation) so pages never recompute them. ``queries/checks/*.sql`` are data
tests: each must return zero rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import settings

_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_LINE_COMMENT = re.compile(r"--[^\n]*")


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    path: Path
    sql: str

    @property
    def materialised(self) -> bool:
        return self.layer in settings.MATERIALISED_LAYERS

    @property
    def grain(self) -> str:
        """The grain comment on line 1, e.g. '-- grain: one row per contract-month'."""
        first = self.sql.splitlines()[0] if self.sql else ""
        return first[2:].strip() if first.startswith("--") else ""


class ModelError(Exception):
    pass


def discover(queries_dir: Path = settings.QUERIES_DIR) -> list[Model]:
    models = []
    for layer in settings.LAYERS:
        for path in sorted((queries_dir / layer).glob("*.sql")):
            models.append(Model(path.stem, layer, path, path.read_text(encoding="utf-8").strip()))
    names = [m.name for m in models]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ModelError(f"two SQL files define the same view: {sorted(duplicates)}")
    return models


def dependencies(model: Model, known: set[str]) -> set[str]:
    body = _LINE_COMMENT.sub(" ", model.sql.lower())
    return {w for w in _WORD.findall(body) if w in known and w != model.name}


def build_order(models: list[Model]) -> list[Model]:
    """Models sorted so that each comes after everything it reads (stable by layer, then name)."""
    by_name = {m.name: m for m in models}
    deps = {m.name: dependencies(m, set(by_name)) for m in models}
    ordered: list[Model] = []
    done: set[str] = set()
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            cycle = " -> ".join(visiting[visiting.index(name) :] + [name])
            raise ModelError(f"circular dependency between views: {cycle}")
        visiting.append(name)
        for dep in sorted(deps[name]):
            visit(dep)
        visiting.pop()
        done.add(name)
        ordered.append(by_name[name])

    for model in models:
        visit(model.name)
    return ordered


def macros(queries_dir: Path = settings.QUERIES_DIR) -> list[Path]:
    """SQL macros (``queries/macros/*.sql``): shared expressions such as the rating bands."""
    return sorted((queries_dir / "macros").glob("*.sql"))


def create_all(
    con: duckdb.DuckDBPyConnection,
    models: list[Model] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    after_staging: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> list[Model]:
    """Create every model in dependency order. ``after_staging`` runs once the staging views
    exist and before anything else, for Python steps that derive tables from them."""
    for path in macros():
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise ModelError(f"queries/macros/{path.name}: {exc}") from exc
    ordered = build_order(models if models is not None else discover())
    staging = [m for m in ordered if m.layer == "staging"]
    rest = [m for m in ordered if m.layer != "staging"]
    for model in staging:
        _create(con, model, progress)
    if after_staging is not None:
        after_staging(con)
    for model in rest:
        _create(con, model, progress)
    return ordered


def _create(con: duckdb.DuckDBPyConnection, model: Model, progress: Callable[[str], None]) -> None:
    kind = "table" if model.materialised else "view"
    try:
        con.execute(f"create or replace {kind} {model.name} as\n{model.sql}")
    except duckdb.Error as exc:
        raise ModelError(f"{model.path.relative_to(model.path.parents[2])}: {exc}") from exc
    if model.materialised:
        rows = con.execute(f"select count(*) from {model.name}").fetchone()[0]
        progress(f"built mart {model.name}: {rows:,} rows")


def checks(queries_dir: Path = settings.QUERIES_DIR) -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((queries_dir / "checks").glob("*.sql"))]


def run_checks(con: duckdb.DuckDBPyConnection, queries_dir: Path = settings.QUERIES_DIR) -> dict[str, list[tuple]]:
    """Run every data test; returns {check name: offending rows} for the ones that failed."""
    failures = {}
    for name, sql in checks(queries_dir):
        rows = con.execute(sql).fetchmany(5)
        if rows:
            failures[name] = rows
    return failures
