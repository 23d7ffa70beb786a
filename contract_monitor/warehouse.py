"""Build the DuckDB warehouse atomically, and open it.

A build writes a new database file beside the target and swaps it in with one
rename only when everything loaded, every model was created and every data test
passed. A failed build leaves the previous database exactly as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from . import __version__, loader, models, records, reuse, schema, search_index, settings, storage
from .narrative import enrich as narrative_enrich


class BuildError(Exception):
    pass


# Python steps that derive tables once the staging views exist and before the intermediate
# views and marts are created (e.g. tagging comments with themes). Each takes the connection
# and a progress callback, and writes its tables into the ``enriched`` schema.
ENRICHMENTS: list[Callable[[duckdb.DuckDBPyConnection, Callable[[str], None]], None]] = []
ENRICHMENTS.append(narrative_enrich.tag_comments)  # enriched.codebook, enriched.comment_tags

# Python steps that run once every mart exists and before the data tests (e.g. building a search
# index over a mart). Same signature as ENRICHMENTS; the previous warehouse is attached as
# ``previous`` while they run, so they can reuse what they built last time.
AFTER_MARTS: list[Callable[[duckdb.DuckDBPyConnection, Callable[[str], None]], None]] = []
AFTER_MARTS.append(search_index.build)  # search_texts, search_postings, search_comments (Voices)

# The models each Python step reads. An in-place refresh (``refresh.py``) recomputes SQL models only;
# when what changed reaches one of these, it leaves the work to a full rebuild, which reuses the
# steps' previous results through the attached ``previous`` warehouse.
STEP_INPUTS = {"stg_narrative_feedback", "feedback"}
# ... except where a step can catch up for a set of keys, after a refresh by key (``-- refreshed by key``)
# recomputed only those keys' rows of its input: model -> function(connection, table of the keys).
STEP_KEY_UPDATES = {"feedback": search_index.refresh_keys}


def models_fingerprint() -> str:
    """A hash of everything that decides what the build derives from the data: every file under
    queries/ (models, macros, checks, records tables), the comment tagger and the app version."""
    digest = hashlib.sha256(f"{__version__}|{narrative_enrich.tagger_fingerprint()}".encode())
    for path in sorted(settings.QUERIES_DIR.rglob("*.sql")):
        digest.update(str(path.relative_to(settings.QUERIES_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def outdated_reason(built_with: str | None) -> str | None:
    """Why a warehouse whose ``build_info.models_fingerprint`` is ``built_with`` (None: it has none)
    cannot be shown by this version of the app, or None when it can. Its marts were made by other SQL,
    so a page could ask for a column they lack; or by another tagger (model, codebook, names list)."""
    if built_with == models_fingerprint():
        return None
    return (
        "it was built by a different version of Contract Monitor's SQL models, its comment tagger (the model,"
        " the codebook or the list of names) or the app"
    )


def outdated(db_path: Path) -> str | None:
    """``outdated_reason`` for the warehouse at ``db_path`` (which must exist)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        row = con.execute("select models_fingerprint from build_info").fetchone()
    except duckdb.Error:  # built before build_info, or not a warehouse
        row = None
    finally:
        con.close()
    return outdated_reason(row[0] if row else None)


def _attach_previous(con: duckdb.DuckDBPyConnection, db_path: Path) -> bool:
    """Attach the warehouse being replaced as ``previous`` (read only), so enrichment steps can reuse
    what they derived last time. Anything wrong with it just means nothing is reused."""
    if not db_path.is_file():
        return False
    try:
        con.execute(f"attach {loader.quote_literal(str(db_path))} as previous (read_only)")
    except duckdb.Error:
        return False
    return True


@contextlib.contextmanager
def _previous_attached(con: duckdb.DuckDBPyConnection, db_path: Path) -> Iterator[bool]:
    """``previous`` attached (when it can be) for the duration of the block."""
    attached = _attach_previous(con, db_path)
    try:
        yield attached
    finally:
        if attached:
            con.execute("detach previous")


def data_signature(data_dir: Path) -> str:
    """What the raw tables were loaded from: each input file's name, size and modification time
    (as ``make`` decides what is stale). Any edit to any file changes it."""
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode())
    for table in schema.TABLES:
        path = Path(data_dir) / table.filename
        stat = path.stat() if path.is_file() else None
        digest.update(
            (f"|{table.filename}:{stat.st_size}:{stat.st_mtime_ns}" if stat else f"|{table.filename}:-").encode()
        )
    return digest.hexdigest()


def _copy_unchanged_raw(con: duckdb.DuckDBPyConnection, signature: str) -> dict[str, int] | None:
    """Copy every raw table from the attached ``previous`` warehouse when it was loaded from exactly
    these files (same ``data_signature``): they were validated then, so validating them again would
    find nothing new. Returns row counts, or None when anything differs (then the caller loads the CSVs)."""
    names = [t.name for t in schema.TABLES]
    present = reuse.previous_tables(con, "raw")
    try:
        previous = con.execute("select data_signature from previous.main.build_info").fetchone()
    except duckdb.Error:
        return None
    if previous is None or previous[0] != signature or not set(names) <= present:
        return None
    con.execute("create schema if not exists raw")
    counts = {}
    for name in names:
        con.execute(f"create table raw.{name} as select * from previous.raw.{name}")
        counts[name] = con.execute(f"select count(*) from raw.{name}").fetchone()[0]
    return counts


def check_failures_report(failures: dict[str, list[tuple]]) -> str:
    lines = [f"{len(failures)} data test(s) in queries/checks/ returned rows:"]
    for name, rows in failures.items():
        lines.append(f"  - {name}: e.g. {rows[0]}")
    return "\n".join(lines)


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def build(
    data_dir: Path = settings.SAMPLE_DATA_DIR,
    db_path: Path | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    records_path: Path | None = None,
    reuse_unchanged_data: bool = False,
) -> dict[str, int]:
    """Load ``data_dir`` and the records store, and (re)create every view into ``db_path``.

    Returns raw row counts. The records store defaults to records.duckdb beside ``db_path``.
    With ``reuse_unchanged_data`` (rebuilds after an import or a decision), the raw tables are
    copied from the warehouse being replaced when the CSV files have not changed since it was built.
    """
    db_path = Path(db_path or settings.db_path())
    records_path = Path(records_path or settings.records_db_path(db_path))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    temp = db_path.with_name(f"{db_path.name}.building-{os.getpid()}")
    _remove(temp)
    try:
        storage.create(temp)
        con = duckdb.connect(str(temp))
        con.execute("set enable_progress_bar = false")
        try:
            signature = data_signature(Path(data_dir))
            # the warehouse being replaced stays attached as ``previous`` while everything is built,
            # so each step can reuse what it derived last time (raw tables, tags, search postings)
            with _previous_attached(con, db_path) as has_previous:
                reusable = reuse_unchanged_data and has_previous
                counts = _copy_unchanged_raw(con, signature) if reusable else None
                if counts is not None:
                    progress(f"copied {sum(counts.values()):,} raw rows: the CSV files in {data_dir} are unchanged")
                else:
                    progress(f"loading CSV files from {data_dir}")
                    counts = loader.load_directory(con, Path(data_dir), progress=progress)
                for table, rows in records.copy_into_warehouse(con, records_path).items():
                    progress(f"copied records table {table}: {rows:,} rows")

                def enrich_all(con: duckdb.DuckDBPyConnection) -> None:
                    con.execute("create schema if not exists enriched")
                    for enrich in ENRICHMENTS:
                        enrich(con, progress)

                created = models.create_all(con, progress=progress, after_staging=enrich_all)
                for step in AFTER_MARTS:
                    step(con, progress)
            failures = models.run_checks(con)
            if failures:
                raise BuildError(check_failures_report(failures))
            con.execute(
                """
                create or replace table build_info as
                select ? as built_at, ? as data_dir, ? as data_signature, ? as app_version,
                       ? as duckdb_version, ? as models, ? as models_fingerprint,
                       null::timestamptz as refreshed_at, null::varchar[] as refreshed
                """,
                [
                    dt.datetime.now(dt.UTC).replace(microsecond=0),
                    str(data_dir),
                    signature,
                    __version__,
                    duckdb.__version__,
                    len(created),
                    models_fingerprint(),
                ],
            )
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(temp, db_path)
        progress(f"built {db_path} ({len(created)} views and marts)")
        return counts
    finally:
        _remove(temp)


def built_from(db_path: Path | None = None) -> Path:
    """The data folder the current warehouse was built from (``build_info.data_dir``), else sample_data."""
    db_path = Path(db_path or settings.db_path())
    if not db_path.is_file():
        return settings.SAMPLE_DATA_DIR
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        value = con.execute("select data_dir from build_info").fetchone()[0]
    except duckdb.Error:
        return settings.SAMPLE_DATA_DIR
    finally:
        con.close()
    path = Path(value)
    if not path.is_absolute():
        path = next((p for p in (Path.cwd() / path, settings.PROJECT_ROOT / path) if p.is_dir()), path)
    return path


# The app rebuilds in its own process when someone records something; two people saving at once
# would otherwise share one temporary file (it is named after the process id).
_REBUILD_LOCK = threading.Lock()


def rebuild_current(
    db_path: Path | None = None,
    records_path: Path | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> Path:
    """Bring the warehouse up to date with the records store, so what someone just recorded (a
    return, a decision, an evidence link, an action) reaches the marts. It is refreshed in place when
    it can be (only the models downstream of what changed, in one transaction: ``refresh.py``), else
    rebuilt from the data folder it was built from, atomically like ``build``. Either way, on failure
    the previous warehouse stays. One at a time per process; a second waits, then brings in both
    records. Returns the data folder used."""
    from . import refresh  # refresh imports this module

    db_path = Path(db_path or settings.db_path())
    records_path = Path(records_path or settings.records_db_path(db_path))
    with _REBUILD_LOCK:
        data_dir = built_from(db_path)
        if db_path.is_file() and refresh.refresh(db_path, records_path, data_dir, progress) is not None:
            return data_dir
        build(data_dir, db_path, progress=progress, records_path=records_path, reuse_unchanged_data=True)
    return data_dir


def connect(db_path: Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    db_path = Path(db_path or settings.db_path())
    if not db_path.is_file():
        raise FileNotFoundError(f"No database at {db_path}. Build it with: contract-monitor build --db {db_path}")
    return duckdb.connect(str(db_path), read_only=read_only)
