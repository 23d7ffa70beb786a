"""The records store: what people record through the product, kept across rebuilds.

The warehouse (``warehouse.duckdb``) is derived and rebuilt from scratch. What
people *record* — imported monthly returns, approval decisions, evidence links,
actions — is history that must survive every rebuild. It lives in a second
DuckDB file, ``records.duckdb``, written only in short transactions (so a killed
writer leaves it as it was) and copied into the warehouse's ``rec`` schema at
every build, where staging views read it like the ``raw`` tables.

Each feature declares its tables in ``queries/records/*.sql`` as
``create table if not exists <name> (...)``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from . import loader, settings, storage


def ddl_files() -> list[Path]:
    return sorted(settings.RECORDS_DDL_DIR.glob("*.sql"))


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for path in ddl_files():
        con.execute(path.read_text(encoding="utf-8"))


@contextmanager
def connect(
    path: Path | None = None, read_only: bool = False, wait_s: float = 10.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; waits (up to ``wait_s``) while another process holds the file."""
    path = Path(path or settings.records_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            if not read_only:
                storage.create(path)  # a new store is written in the project's storage format
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        if not read_only:
            ensure_schema(con)
        yield con
    finally:
        con.close()


def copy_into_warehouse(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> dict[str, int]:
    """Create ``rec.<table>`` in the warehouse being built, filled from the records store if it exists."""
    path = Path(path or settings.records_db_path())
    con.execute("create schema if not exists rec")
    con.execute("use rec")
    try:
        ensure_schema(con)
    finally:
        con.execute("use main")
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'rec' and database_name = current_database()"
        ).fetchall()
    ]
    counts = {}
    if path.is_file() and tables:
        with connect(path, read_only=True):
            pass  # waits for any writer to finish before attaching
        con.execute(f"attach {loader.quote_literal(str(path))} as records_store (read_only)")
        try:
            stored = {
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where database_name = 'records_store'"
                ).fetchall()
            }
            for table in tables:
                if table in stored:
                    con.execute(f"insert into rec.{table} by name select * from records_store.main.{table}")
        finally:
            con.execute("detach records_store")
    for table in tables:
        counts[table] = con.execute(f"select count(*) from rec.{table}").fetchone()[0]
    return counts


def move_legacy_default() -> Path | None:
    """Move the default records store (and its import archive) from ``data/``, where it lived beside the
    warehouse, to ``records/``, its own folder, which ``make clean`` leaves alone. Only when nothing is
    at the new place yet and no setting points elsewhere; the archive paths recorded for each import are
    rewritten to the new folder. Returns the new path when something was moved."""
    if settings.records_db_path() != settings.DEFAULT_RECORDS_DB:  # a setting points elsewhere
        return None
    old, new = settings.LEGACY_RECORDS_DB, settings.DEFAULT_RECORDS_DB
    if not old.is_file() or new.exists():
        return None
    new.parent.mkdir(parents=True, exist_ok=True)
    old_archive, new_archive = settings.imports_archive_dir(old), settings.imports_archive_dir(new)
    if old_archive.is_dir() and not new_archive.exists():
        shutil.move(str(old_archive), str(new_archive))
    with connect(old) as con:  # waits for a writer; the store's own file is moved only when closed
        con.execute(
            "update return_imports set archived_as = replace(archived_as, ?, ?) where starts_with(archived_as, ?)",
            [str(old_archive), str(new_archive), str(old_archive)],
        )
        con.execute("checkpoint")
    shutil.move(str(old), str(new))
    return new


def backup(destination: Path, path: Path | None = None) -> list[Path]:
    """Copy the records store and its import archive into ``destination`` (a folder), consistently: the
    store is held open read-only while it is copied, so no writer can change it half way. Returns what
    was written."""
    path = Path(path or settings.records_db_path())
    if not path.is_file():
        raise FileNotFoundError(f"there is no records store at {path}")
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(path, read_only=True):
        for source in (path, path.with_name(path.name + ".wal")):  # a WAL left by a killed writer too
            if source.is_file():
                shutil.copy2(source, destination / source.name)
                written.append(destination / source.name)
    archive = settings.imports_archive_dir(path)
    if archive.is_dir():
        target = destination / archive.name
        shutil.copytree(archive, target, dirs_exist_ok=True)
        written.append(target)
    return written
