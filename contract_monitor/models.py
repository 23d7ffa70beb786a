"""The SQL models in ``queries/``: discover them, order them by dependency, create them.

One view per file and the file stem is the view's name. Staging and intermediate
files become views; marts are materialised as tables (dbt's table
materialisation) so pages never recompute them. A staging or intermediate model
that several others read and that is costly to compute can declare
``-- materialised: table`` on line 2 (after the grain): it is then built once as a
table, in dependency order, instead of being recomputed by every reader.
A mart that pages read by a key (one contract's rows) declares ``-- clustered by: contract_id,
month`` on line 2: it is stored in that order, so DuckDB's zone maps (the min and max of each
column per row group) let a lookup read only the row groups that can hold the key instead of
scanning the whole table. A staging or intermediate model declared ``materialised: table`` may declare
it too: those refreshed by month declare ``-- clustered by: month, contract_id``, so a refresh of one
month reads that month's row groups (at 50,000 contracts the import took 14.1 instead of 16.2 s, and
the build about 3 s longer).
A table whose every row depends only on the input rows with the same key (a row per comment) may
declare ``-- refreshed by key: feedback_id`` in its header comments: an in-place refresh
(``refresh.py``) then recomputes only the changed keys' rows.
A model with a ``month`` column whose row for a month depends only on its inputs' rows for that month
and the N months before it (a rolling or year-to-date window; inputs without a ``month`` column are
read whole) declares ``-- refreshed by month: looks back N months``: an in-place refresh then
recomputes only the months a change can reach.
``queries/checks/*.sql`` are data tests: each must return zero rows. One that declares ``-- checked by
month`` is run by such a refresh over the months it rewrote only.
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
_MATERIALISED = re.compile(r"--\s*materiali[sz]ed:\s*(\S*)\s*$")
_CLUSTERED = re.compile(r"--\s*clustered by:\s*(.*?)\s*$")
_KEYED = re.compile(r"--\s*refreshed by key:\s*([a-z_][a-z0-9_]*)\s*$")
_BY_MONTH = re.compile(r"--\s*refreshed by month:\s*looks back (\d+) months?\s*$")
_SORT_KEY = re.compile(r"[a-z_][a-z0-9_]*(?: desc)?")
_SOURCE = re.compile(r"\b(raw|rec|enriched)\.([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    path: Path
    sql: str

    def _line_two(self, declaration: re.Pattern) -> str | None:
        """The value of a declaration comment in the header (the comment lines after the grain on line
        1: line 2 onwards, up to the first line of SQL), if there is one."""
        for line in self.sql.splitlines()[1:]:
            if not line.strip().startswith("--"):
                return None
            match = declaration.match(line.strip())
            if match:
                return match.group(1)
        return None

    @property
    def refreshed_by_key(self) -> str | None:
        """The column of a ``-- refreshed by key: feedback_id`` declaration: each row depends only on input
        rows with the same value of it, so an in-place refresh may recompute just the changed keys' rows."""
        return self._line_two(_KEYED)

    @property
    def refreshed_by_month(self) -> int | None:
        """N of a ``-- refreshed by month: looks back N months`` declaration: the row for a month depends
        only on the inputs' rows for that month and the N before it, so an in-place refresh may recompute
        just the months a change reaches."""
        months = self._line_two(_BY_MONTH)
        return int(months) if months is not None else None

    @property
    def declared_materialisation(self) -> str | None:
        """The value of a ``-- materialised: ...`` comment on line 2, if there is one."""
        return self._line_two(_MATERIALISED)

    @property
    def clustered_by(self) -> list[str]:
        """The sort keys of a ``-- clustered by: a, b desc`` comment in the header (tables only)."""
        keys = self._line_two(_CLUSTERED)
        return [k.strip() for k in keys.split(",")] if keys else []

    @property
    def materialised(self) -> bool:
        """Built as a table: every mart, and any other model that declares ``-- materialised: table``."""
        return self.layer in settings.MATERIALISED_LAYERS or self.declared_materialisation == "table"

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
    for model in models:
        keys = model.clustered_by
        if keys and (not model.materialised or not all(_SORT_KEY.fullmatch(k) for k in keys)):
            raise ModelError(
                f"{model.path}: line 2 declares 'clustered by: {', '.join(keys)}'; only a table (a mart, or"
                " 'materialised: table') can, and only with column names (each optionally followed by 'desc'),"
                " separated by commas"
            )
        if model.refreshed_by_key and not model.materialised:
            raise ModelError(f"{model.path}: only a table (a mart, or 'materialised: table') can be refreshed by key")
        declared = model.declared_materialisation
        if declared is not None and (declared != "table" or model.layer in settings.MATERIALISED_LAYERS):
            raise ModelError(
                f"{model.path}: line 2 declares 'materialised: {declared}'; only a staging or intermediate "
                "model can declare 'materialised: table' (marts are always tables)"
            )
    return models


def dependencies(model: Model, known: set[str]) -> set[str]:
    return {name for name in reads(model.sql, known) if "." not in name and name != model.name}


def sources(model: Model) -> set[str]:
    """The tables a model reads that are not models: ``raw.*`` (CSV), ``rec.*`` (records store) and
    ``enriched.*`` (Python steps), schema-qualified as written."""
    return reads(model.sql, set())


def reads(sql: str, known: set[str]) -> set[str]:
    """The models (of ``known``) and the ``raw.``/``rec.``/``enriched.`` tables a query names."""
    body = _LINE_COMMENT.sub(" ", sql.lower())
    return {w for w in _WORD.findall(body) if w in known} | {f"{s}.{n}" for s, n in _SOURCE.findall(body)}


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
        create(con, model, progress)
    if after_staging is not None:
        after_staging(con)
    for model in rest:
        create(con, model, progress)
    return ordered


_TOKEN = re.compile(r"'(?:[^']|'')*'|--[^\n]*|\b(?:(?:raw|rec|enriched)\.)?[a-z_][a-z0-9_]*\b", re.IGNORECASE)


def renamed(sql: str, names: dict[str, str]) -> str:
    """``sql`` with every table or view name in ``names`` (a model, or ``raw.``/``rec.``/``enriched.<table>``)
    replaced by its new name; string literals and comments are left alone."""

    def swap(match: re.Match) -> str:
        token = match.group(0)
        return names.get(token.lower(), token) if token[0] not in "'-" else token

    return _TOKEN.sub(swap, sql)


def create(
    con: duckdb.DuckDBPyConnection,
    model: Model,
    progress: Callable[[str], None],
    *,
    name: str | None = None,
    sql: str | None = None,
) -> None:
    """(Re)create one model: a table (stored in its clustering order) or a view; as ``name`` from
    ``sql`` when given (an in-place refresh builds each model beside the one it replaces)."""
    kind = "table" if model.materialised else "view"
    body = sql or model.sql
    if model.clustered_by:
        body = f"select * from (\n{body}\n) order by {', '.join(model.clustered_by)}"
    try:
        con.execute(f"create or replace {kind} {name or model.name} as\n{body}")
    except duckdb.Error as exc:
        raise ModelError(f"{model.path.relative_to(model.path.parents[2])}: {exc}") from exc
    if model.materialised:
        rows = con.execute(f"select count(*) from {name or model.name}").fetchone()[0]
        what = "built mart" if model.layer == "marts" else "materialised"
        progress(f"{what} {model.name}: {rows:,} rows")


def checks(queries_dir: Path = settings.QUERIES_DIR) -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((queries_dir / "checks").glob("*.sql"))]


def checks_reading(changed: set[str], queries_dir: Path = settings.QUERIES_DIR) -> list[tuple[str, str]]:
    """The data tests that read one of ``changed`` (the tables and views an in-place refresh recomputed,
    every view downstream of a change included). The others read only what was there when they last
    passed, so they would pass again."""
    known = {m.name for m in discover(queries_dir)}
    return [(name, sql) for name, sql in checks(queries_dir) if reads(sql, known) & changed]


_CHECKED_BY_MONTH = re.compile(r"--\s*checked by month\s*$")


def checked_by_month(sql: str) -> bool:
    """A data test declares ``-- checked by month`` in its header when a row it returns for a month
    depends only on the rows of that month of what it reads (a uniqueness per contract-month, a rule
    each row must keep): a refresh that rewrote some months need only run it over those months."""
    for line in sql.splitlines():
        if not line.strip().startswith("--"):
            return False
        if _CHECKED_BY_MONTH.match(line.strip()):
            return True
    return False


def run_checks(
    con: duckdb.DuckDBPyConnection,
    queries_dir: Path = settings.QUERIES_DIR,
    *,
    only: list[tuple[str, str]] | None = None,
) -> dict[str, list[tuple]]:
    """Run every data test (or ``only`` these); returns {check name: offending rows} for the ones that failed."""
    failures = {}
    for name, sql in checks(queries_dir) if only is None else only:
        rows = con.execute(sql).fetchmany(5)
        if rows:
            failures[name] = rows
    return failures
