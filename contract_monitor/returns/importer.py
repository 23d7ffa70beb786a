"""Import monthly returns: validate every file completely, store them in one transaction, rebuild.

The order matters for what a failure leaves behind:

1. read and validate every file; any problem -> report all of them, write nothing;
2. skip files already imported (same sha256): importing the same file twice changes nothing; then
   check what the files may not do to each other or to what is known (``identity``: a comment id
   already naming another comment, two files for one contract-month) -> report, write nothing;
3. archive the raw bytes under ``<records store's folder>/imports/<sha256>/<name>``;
4. store every row with its provenance in the records store in ONE transaction
   (a killed process leaves the store as it was: DuckDB rolls back what was not committed);
5. rebuild the warehouse from the data folder it was built from (``build_info.data_dir``),
   which copies the records in; the build swaps in a complete file or nothing. If the
   rebuild fails the import is removed from the records store again. If the process dies
   between 4 and 5, the next import (even of nothing new) sees the warehouse is behind the
   records store and rebuilds.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from .. import loader, models, settings, warehouse
from ..loader import Problem
from . import adapters_ae, adapters_fft, identity, store
from .formats import SHEETS, SHEETS_BY_NAME, Sheet
from .readers import RawSheet, read_file
from .store import rows_text
from .validate import Collector, Later, References, settle, validate_sheet

Progress = Callable[[str], None]


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    truncated: dict[str, int] = field(default_factory=dict)
    files: list[store.Prepared] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # messages for files already imported
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    contracts: list[str] = field(default_factory=list)
    rating_changes: list[str] = field(default_factory=list)  # the first LISTED_RATING_CHANGES
    rating_change_count: int = 0
    dry_run: bool = False
    rebuilt: bool = False
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and self.error is None

    def problem_rows(self) -> list[dict]:
        """The problems as table rows (file, sheet, row, column, value, expected) for a page."""
        return [
            {
                "File": p.file,
                "Sheet": p.sheet or "",
                "Row": p.row,
                "Column": p.column or "",
                "Value found": p.value if p.value is not None else "",
                "Expected": p.expected,
            }
            for p in self.problems
        ]

    def report(self) -> str:
        if self.problems:
            return loader.LoadError(self.problems, self.truncated).report()
        if self.error:
            return self.error
        lines = list(self.unchanged)
        verb = "Would import" if self.dry_run else "Imported"
        for item in self.files:
            lines.append(f"{verb} {Path(item.name).name} (sha256 {item.sha256[:12]}…, {item.file_format} format):")
            for table, rows in item.tables.items():
                if rows:
                    lines.append(f"  {table}: {rows_text(len(rows))}")
            for key, value in item.stats.items():
                lines.append(f"  {key}: {value:,}")
            if item.notes:
                lines.append(
                    f"  {len(item.notes):,} value(s) normalised with a recorded note, e.g. {_note_text(item.notes[0])}"
                )
        if self.counts:
            lines.append(
                "Rows per table: "
                + "; ".join(
                    f"{t} {c['added']:,} added, {c['replaced']:,} replaced"
                    for t, c in self.counts.items()
                    if c["added"]
                )
            )
        if self.contracts:
            lines.append(f"Contracts affected: {', '.join(self.contracts)}")
        if self.rating_change_count:
            lines.append(f"Ratings changed ({self.rating_change_count:,}):")
            lines += [f"  {c}" for c in self.rating_changes[:40]]
            if self.rating_change_count > 40:
                lines.append(f"  ... and {self.rating_change_count - 40:,} more")
        elif self.rebuilt and self.files:
            lines.append("No rating changed.")
        if not self.files and not self.dry_run:
            lines.append(
                "Nothing new to import; the database is unchanged."
                if not self.rebuilt
                else "Nothing new to import; the warehouse was rebuilt to catch up with the records store."
            )
        return "\n".join(lines)


def _note_text(note) -> str:
    where = f"{note.file}{f', sheet {note.sheet!r}' if note.sheet else ''}, row {note.row}, column '{note.column}'"
    return f"{where}: {note.original!r} stored as {note.stored!r} ({note.note})"


def load_references(db_path: Path) -> References:
    con = warehouse.connect(db_path, read_only=True)
    try:
        contracts = con.execute(
            "select contract_id, start_date, end_date, date_trunc('month', start_date)::date as first_month,"
            " date_trunc('month', end_date)::date as last_month from raw.contracts"
        ).to_arrow_table()
        kpis = con.execute("select contract_id, kpi_code, unit from raw.kpi_definitions").to_arrow_table()
    finally:
        con.close()
    return References(arrow_tables={"contracts": contracts, "kpis": kpis})


def _sheet_for_csv(name: str, raw: RawSheet) -> Sheet | None:
    stem = Path(name).stem.lower()
    for sheet in sorted(SHEETS, key=lambda s: -len(s.name)):
        if sheet.name in stem:
            return sheet
    header = {h.strip().lower() for h in raw.header}
    best = max(SHEETS, key=lambda s: len(header & set(s.field_names)) - 0.01 * len(s.field_names))
    return best if header & set(best.field_names) else None


def _expected_sheets() -> str:
    return "; ".join(f"{s.name} ({', '.join(s.field_names)})" for s in SHEETS)


def prepare_file(
    name: str,
    data: bytes,
    refs: References,
    *,
    mapping: bytes | None = None,
    mapping_name: str = "mapping",
    contract: str | None = None,
) -> tuple[store.Prepared | None, Collector]:
    """Read and validate one file. Returns (prepared, collector); prepared is None when there are problems."""
    later: list[Later] = []
    finish = read_and_check(name, data, refs, later, mapping=mapping, mapping_name=mapping_name, contract=contract)
    settle(later, refs)
    return finish()


def read_and_check(
    name: str,
    data: bytes,
    refs: References,
    later: list[Later],
    *,
    mapping: bytes | None = None,
    mapping_name: str = "mapping",
    contract: str | None = None,
) -> Callable[[], tuple[store.Prepared | None, Collector]]:
    """``prepare_file`` up to the rows' checks that can be made with other files' (the sheets added to
    ``later``: see ``validate.settle``); returns what finishes it once they are settled."""
    sha = hashlib.sha256(data).hexdigest()
    col = Collector(Path(name).name)
    item = store.Prepared(name, sha, data, "return")
    sheets, problems = read_file(col.file, data)
    for p in problems:
        col.add(p.sheet, p.row, p.column, p.value, p.expected)
    recognised = 0
    for raw in sheets:
        if raw.sheet is None:
            spec = _sheet_for_csv(name, raw)
        else:
            spec = SHEETS_BY_NAME.get(raw.sheet.strip().lower().replace(" ", "_"))
        if spec is None and (adapters_ae.matches(raw) or adapters_fft.matches(raw)):
            recognised += 1
            is_ae = adapters_ae.matches(raw)
            item.file_format = "ae" if is_ae else "fft"
            map_col = Collector(mapping_name)
            map_sheets: list[RawSheet] = []
            if mapping is not None:
                map_sheets, map_problems = read_file(mapping_name, mapping)
                map_col.problems += map_problems
            if is_ae:
                if not map_sheets and not map_col.problems:
                    col.add(
                        raw.sheet,
                        1,
                        "org_code",
                        None,
                        "an A&E file to come with --map, a CSV org_code,contract_id,kpi_code",
                    )
                    continue
                targets = adapters_ae.read_mapping(map_sheets[0], refs, map_col) if map_sheets else {}
                col.problems += map_col.problems
                if map_col.problems:
                    continue
                rows, stats = adapters_ae.convert(raw, targets, refs, col)
                item.tables["kpi_values"] = rows
            else:
                trusts = adapters_fft.read_mapping(map_sheets[0], refs, map_col) if map_sheets else {}
                col.problems += map_col.problems
                if contract is not None and contract not in refs.contracts:
                    col.add(raw.sheet, 1, "Trust", contract, "--contract to name a known contract id")
                    continue
                if map_col.problems:
                    continue
                rows, stats = adapters_fft.convert(raw, trusts, contract, refs, col)
                item.tables["narrative_feedback"] = rows
            item.stats.update(stats)
            continue
        if spec is None:
            if raw.sheet is None:
                first = raw.header[0] if raw.header else "A"
                col.add(
                    None,
                    1,
                    first or "A",
                    ", ".join(raw.header)[:80],
                    "the header of a return sheet: " + _expected_sheets(),
                )
            continue  # other sheets of a workbook (e.g. "Read me") are not part of the return
        recognised += 1
        item.tables[spec.name] = validate_sheet(raw, spec, refs, col, later)
    if sheets and not recognised and sheets[0].sheet is not None:
        col.add(sheets[0].sheet, 1, "A", None, "a sheet named one of: " + ", ".join(s.name for s in SHEETS))

    def finish() -> tuple[store.Prepared | None, Collector]:
        for table, rows in item.tables.items():
            if isinstance(rows, Later):
                item.tables[table] = rows.rows
        item.notes = col.notes
        if not col.problems and not item.rows:
            col.add(sheets[0].sheet if sheets else None, 2, "A", None, "at least one row to import")
        return (None if col.problems else item), col

    return finish


def _in_order(files: list[tuple[str, bytes]], prepare: Callable) -> Iterator[tuple[int, tuple[str, bytes], Callable]]:
    """Each file with its index and a callable that returns what ``prepare`` made of it. Up to
    ``settings.IMPORT_VALIDATION_WORKERS`` files are prepared at once, in threads (DuckDB, the CSV
    reader and hashing let go of the GIL); the caller still gets them, and reports them, in the order
    given, from its own thread (a Streamlit page can only write from the thread that runs it)."""
    workers = min(settings.IMPORT_VALIDATION_WORKERS, len(files))
    if workers <= 1:
        for index, (name, data) in enumerate(files, start=1):
            yield index, (name, data), lambda name=name, data=data: prepare(name, data)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(prepare, name, data) for name, data in files]
        try:
            for index, (file, future) in enumerate(zip(files, futures, strict=True), start=1):
                yield index, file, future.result
        finally:
            for future in futures:
                future.cancel()  # the caller stopped early (an error): files not started are not checked


def _warehouse_imports(db_path: Path) -> set[str] | None:
    con = warehouse.connect(db_path, read_only=True)
    try:
        return {r[0] for r in con.execute("select source_sha256 from rec.return_imports").fetchall()}
    except duckdb.Error:
        return None
    finally:
        con.close()


# Two queries over a temporary table of the wanted contract-months. (One query with the wanted list as
# a CTE used by both halves of a union hung in DuckDB 1.5.5 once it returned a few thousand rows; the
# temporary table is also ten times faster than joining the unnested parameter lists.)
_RATINGS_SQL = (
    """
    select k.contract_id, k.month, 'KPI ' || k.kpi_code || ' ' || k.kpi_name as item, k.rating
    from kpi_status as k
    inner join _wanted as w using (contract_id, month)
    """,
    """
    select c.contract_id, c.month, d.domain, d.rating
    from contract_month as c
    inner join _wanted as w using (contract_id, month)
    cross join lateral (values ('Outcomes', c.outcomes_rating), ('Experience', c.experience_rating),
        ('Voice', c.voice_rating), ('Cost', c.cost_rating)) as d(domain, rating)
    """,
)


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, pa.Array]) -> None:
    """Temporary table ``name`` of these columns, handed to DuckDB as an Arrow table: as list parameters,
    50,000 contract-months (a month for every contract at L) took 0.2 s to convert."""
    con.register(f"{name}_arrow", pa.table(columns))
    try:
        con.execute(f"create temp table {name} as select * from {name}_arrow")
    finally:
        con.unregister(f"{name}_arrow")


def _wanted(con: duckdb.DuckDBPyConnection, wanted: set[tuple]) -> None:
    """Temporary table ``_wanted`` of (contract_id, month)."""
    _temp_table(
        con,
        "_wanted",
        {
            "contract_id": pa.array([c for c, _ in wanted], pa.string()),
            "month": pa.array([m for _, m in wanted], pa.date32()),
        },
    )


# a month's import for every contract changes hundreds of thousands of ratings: the result lists the first
# of them (in contract, month and item order) and counts them all
LISTED_RATING_CHANGES = 1_000


def _rating_changes(db_path: Path, keys: list[tuple], before: dict[tuple, str]) -> tuple[int, list[str]]:
    """How many ratings of the affected contract-months differ from ``before``, and the first
    ``LISTED_RATING_CHANGES`` of them as lines; compared in DuckDB, not row by row in Python."""
    if not keys:
        return 0, []
    con = warehouse.connect(db_path, read_only=True)
    try:
        _wanted(con, set(keys))
        con.execute(f"create temp table _after as {_RATINGS_SQL[0]}")
        con.execute(f"insert into _after {_RATINGS_SQL[1]}")
        was = list(before.items())
        _temp_table(
            con,
            "_before",
            {
                "contract_id": pa.array([k[0] for k, _ in was], pa.string()),
                "month": pa.array([k[1] for k, _ in was], pa.date32()),
                "item": pa.array([k[2] for k, _ in was], pa.string()),
                "rating": pa.array([r for _, r in was], pa.string()),
            },
        )
        changed = (
            "from _after as a left join _before as b using (contract_id, month, item)"
            " where a.rating is distinct from b.rating"
        )
        (count,) = con.execute(f"select count(*) {changed}").fetchone()
        rows = con.execute(
            f"select a.contract_id, a.month, a.item, b.rating, a.rating {changed}"
            f" order by a.contract_id, a.month, a.item limit {LISTED_RATING_CHANGES}"
        ).fetchall()
    except duckdb.Error:
        return 0, []
    finally:
        con.close()
    return count, [
        f"{c} {m:%Y-%m} {item}: {old or '(month not yet reported)'} → {new}" for c, m, item, old, new in rows
    ]


def _ratings(db_path: Path, keys: list[tuple]) -> dict[tuple, str]:
    """(contract, month, item) -> rating for the affected contract-months (kpi_status and contract_month
    marts). Only those contract-months are read: a month's import for 50,000 contracts must not fetch
    every month of every contract."""
    if not keys or not db_path.is_file():
        return {}
    wanted = set(keys)
    con = warehouse.connect(db_path, read_only=True)
    try:
        (latest,) = con.execute("select max(month) from contract_month").fetchone()
        if latest is not None and min(m for _, m in wanted) > latest:
            return {}  # a month after every month rated so far (next month's returns): nothing is rated yet
        _wanted(con, wanted)
        rows = [row for sql in _RATINGS_SQL for row in con.execute(sql).fetchall()]
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {(c, m, item): rating for c, m, item, rating in rows}


def current_user() -> str:
    """Who is importing: $USER, else the login name, else 'unknown'."""
    try:
        return os.environ.get("USER") or getpass.getuser() or "unknown"
    except (KeyError, OSError):
        return "unknown"


def _remove_abandoned_builds(db_path: Path) -> None:
    """Delete half-built warehouse files left by a build whose process was killed (its pid is gone)."""
    for path in db_path.parent.glob(f"{db_path.name}.building-*"):
        pid = path.name.rsplit("-", 1)[-1].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:
            pass


def run(
    files: list[tuple[str, bytes]],
    db_path: Path | None = None,
    *,
    records_path: Path | None = None,
    by: str | None = None,
    dry_run: bool = False,
    mapping: tuple[str, bytes] | None = None,
    contract: str | None = None,
    references: References | None = None,
    progress: Progress = lambda _m: None,
) -> ImportResult:
    started = time.perf_counter()
    db_path = Path(db_path or settings.db_path())
    records_path = Path(records_path or settings.records_db_path(db_path))
    result = ImportResult(dry_run=dry_run)
    if not db_path.is_file():
        data_dir = warehouse.built_from(db_path)
        if dry_run:
            result.error = f"No database at {db_path}. Build it first: contract-monitor build --db {db_path}"
            return result
        progress(f"no warehouse at {db_path}: building it from {data_dir}")
        warehouse.build(data_dir, db_path, progress=progress, records_path=records_path)
    refs = references or load_references(db_path)

    def prepare(name: str, data: bytes) -> tuple[Callable, list[Later]]:
        later: list[Later] = []
        finish = read_and_check(
            name,
            data,
            refs,
            later,
            mapping=mapping[1] if mapping else None,
            mapping_name=Path(mapping[0]).name if mapping else "mapping",
            contract=contract,
        )
        return finish, later

    # every file read and its cells checked first; then the rows of all of them at once (a month sent as
    # one file per provider is hundreds of files), cell by cell only a file whose rows did not all pass
    finishing, waiting = [], []
    for index, (name, data), checked in _in_order(files, prepare):
        progress(f"validating {Path(name).name} ({index} of {len(files)}, {len(data):,} bytes)")
        finish, later = checked()
        finishing.append((name, finish))
        waiting += later
    settle(waiting, refs)
    prepared: list[store.Prepared] = []
    for name, finish in finishing:
        item, col = finish()
        result.problems += col.problems
        if col.extra:
            result.truncated[col.file] = col.extra
        if item is not None:
            prepared.append(item)
            progress(f"validated {Path(name).name}: {rows_text(item.rows)}")
    if result.problems:
        result.seconds = time.perf_counter() - started
        return result

    done = store.imported(records_path)
    seen: set[str] = set()
    for item in prepared:
        if item.sha256 in done:
            file, when, who = done[item.sha256]
            result.unchanged.append(
                f"{Path(item.name).name} was already imported (as {file}, {when:%Y-%m-%d %H:%M} UTC by {who}); "
                "nothing changed."
            )
        elif item.sha256 in seen:
            result.unchanged.append(
                f"{Path(item.name).name} is identical to another file in this import; imported once."
            )
        else:
            seen.add(item.sha256)
            result.files.append(item)
    # after each file passed on its own: what the files may not do to each other or to what is known
    result.problems += identity.check(result.files, db_path, records_path)
    if result.problems:
        result.seconds = time.perf_counter() - started
        return result
    keys = sorted(store.contract_months(result.files))
    result.contracts = sorted({c for c, _ in keys})
    if dry_run:
        result.seconds = time.perf_counter() - started
        return result

    in_warehouse = _warehouse_imports(db_path)
    behind = set(done) - (in_warehouse or set())
    if not result.files and not behind:
        result.seconds = time.perf_counter() - started
        return result

    before = _ratings(db_path, keys)
    who = by or current_user()
    if result.files:
        archive_dir = settings.imports_archive_dir(records_path)
        archived = {item.sha256: store.archive(archive_dir, item) for item in result.files}
        progress(f"writing {rows_text(sum(i.rows for i in result.files))} to {records_path.name} in one transaction")
        result.counts = store.write(records_path, result.files, who, archived, progress)

    def build_progress(message: str) -> None:
        progress(message)
        if message.startswith("built mart"):
            store.pause_point("before-swap")

    _remove_abandoned_builds(db_path)
    progress(f"rebuilding {db_path.name} from {warehouse.built_from(db_path)} and the records store")
    try:
        warehouse.rebuild_current(db_path, records_path=records_path, progress=build_progress)
    except (loader.LoadError, models.ModelError, warehouse.BuildError, duckdb.Error) as exc:
        if result.files:
            store.forget(records_path, [i.sha256 for i in result.files])
        result.error = (
            f"The warehouse could not be rebuilt with this import, so it was undone; the database is unchanged.\n{exc}"
        )
        return result
    result.rebuilt = True
    result.rating_change_count, result.rating_changes = _rating_changes(db_path, keys, before)
    result.seconds = time.perf_counter() - started
    return result
