"""The DuckDB files this project creates (the warehouse, the records store) and their storage format.

DuckDB writes a new file in the storage format of version 0.10 unless told otherwise, so that older
versions can read it. Nothing else reads these files (DuckDB is pinned), so they are created in the
format of the pinned version (``settings.DUCKDB_STORAGE_VERSION``), whose string compression
(dictionary and FSST together) writes text faster: a month's rows of ``kpi_status`` at L (400,000 rows,
41 columns) went in 0.79 s against 1.08-1.19 s, ``stg_kpi_values``' 0.27 against 0.43 s (session 14).
A file keeps the format it was created in: an existing warehouse moves to it at its next rebuild, and
an existing records store stays as it is (DuckDB reads and writes both). Attaching a file with
``storage_version`` would move it over in place, after which the DuckDB an earlier version of the project
pinned could no longer open it; a records store is history, so it is not moved behind anyone's back.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import loader, settings


def create(path: Path) -> None:
    """Create an empty DuckDB file at ``path`` in the project's storage format (if there is none)."""
    if Path(path).exists():
        return
    con = duckdb.connect()
    try:
        con.execute(
            f"attach {loader.quote_literal(str(path))} as new_file"
            f" (storage_version {loader.quote_literal(settings.DUCKDB_STORAGE_VERSION)})"
        )
        con.execute("detach new_file")
    finally:
        con.close()


def version(con: duckdb.DuckDBPyConnection) -> str:
    """The storage format of the file ``con``'s current database is in, e.g. ``v1.5.0+``."""
    (tags,) = con.execute("select tags from duckdb_databases() where database_name = current_database()").fetchone()
    return tags.get("storage_version", "")
