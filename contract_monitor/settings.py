"""Every setting in one place. Values come from the environment, with defaults for a checkout."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_ROOT / "queries"
SAMPLE_DATA_DIR = PROJECT_ROOT / "sample_data"
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"

# Layers in build order: staging and intermediate become views, marts become tables.
LAYERS = ("staging", "intermediate", "marts")
MATERIALISED_LAYERS = ("marts",)
CHECKS_DIR = QUERIES_DIR / "checks"
RECORDS_DDL_DIR = QUERIES_DIR / "records"

DEFAULT_DB = PROJECT_ROOT / "data" / "warehouse.duckdb"
# What people record (imports, approvals, actions) lives apart from what a build recreates
DEFAULT_RECORDS_DB = PROJECT_ROOT / "records" / "records.duckdb"
# where the default records store lived before it had a folder of its own (moved on first use)
LEGACY_RECORDS_DB = PROJECT_ROOT / "data" / "records.duckdb"

# The storage format of the DuckDB files the project creates (contract_monitor/storage.py): the pinned
# DuckDB's own, not the 0.10 format DuckDB writes by default so that older versions can read a file.
DUCKDB_STORAGE_VERSION = "v1.5.0"

# How much memory the app's DuckDB may use for its buffer pool and queries (it spills to disk
# beyond this). Pages read small slices of precomputed marts, so a modest limit keeps the app's
# footprint flat however large the warehouse is.
APP_MEMORY_LIMIT = os.environ.get("CONTRACT_MONITOR_APP_MEMORY_LIMIT", "512MB")

# How many of an import's files are read at once (parsed, hashed, their header and cells checked; the
# rows of all of them are then checked together in one query). Two at a time checked the bench's four
# files at L in 0.95-1.04 s against 1.08-1.13 s one at a time; the import still reports them in order.
IMPORT_VALIDATION_WORKERS = max(1, int(os.environ.get("CONTRACT_MONITOR_IMPORT_VALIDATION_WORKERS", "2")))


def db_path() -> Path:
    """The DuckDB file used by the CLI and the app: CONTRACT_MONITOR_DB, or data/warehouse.duckdb."""
    value = os.environ.get("CONTRACT_MONITOR_DB")
    if not value:
        return DEFAULT_DB
    path = Path(value)
    return path if path.is_absolute() else Path.cwd() / path


def records_db_path(warehouse: Path | None = None) -> Path:
    """The records store (what people record through the product; never rebuilt, so kept apart from the
    warehouse, which any build recreates): CONTRACT_MONITOR_RECORDS_DB; else, for the default warehouse,
    records/records.duckdb in the checkout (``make clean`` leaves it); else records.duckdb beside the
    warehouse file given (a warehouse put elsewhere keeps its records with it). The raw files of its
    imports are archived in the same folder, under imports/."""
    value = os.environ.get("CONTRACT_MONITOR_RECORDS_DB")
    if value:
        path = Path(value)
        return path if path.is_absolute() else Path.cwd() / path
    warehouse = warehouse or db_path()
    if warehouse.resolve() == DEFAULT_DB.resolve():
        return DEFAULT_RECORDS_DB
    return warehouse.with_name("records.duckdb")


def imports_archive_dir(records_path: Path) -> Path:
    """Where an import's raw files are kept: beside the records store that holds their rows."""
    return records_path.parent / "imports"
