"""What a build may reuse from the warehouse it replaces, attached read-only as ``previous``
(see ``warehouse.build``): raw tables, comment tags and the search index each check here first."""

from __future__ import annotations

import duckdb


def previous_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """The tables in ``previous.<schema>``; empty when nothing is attached or it cannot be read."""
    try:
        rows = con.execute(
            "select table_name from duckdb_tables() where database_name = 'previous' and schema_name = ?", [schema]
        ).fetchall()
    except duckdb.Error:
        return set()
    return {r[0] for r in rows}
