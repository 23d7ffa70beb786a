"""What a build may reuse from the warehouse it replaces, attached read-only as ``previous``
(see ``warehouse.build``): raw tables, comment tags and the search index each check here first."""

from __future__ import annotations

import duckdb


def tables(con: duckdb.DuckDBPyConnection, database: str, schema: str) -> set[str]:
    """The tables in ``<database>.<schema>``; empty when it is not attached or cannot be read."""
    try:
        rows = con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ?", [database, schema]
        ).fetchall()
    except duckdb.Error:
        return set()
    return {r[0] for r in rows}


def previous_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """The tables in ``previous.<schema>``; empty when nothing is attached or it cannot be read."""
    return tables(con, "previous", schema)
