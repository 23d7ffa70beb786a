"""Shared fixtures: a hand-made fixture database and the real sample database, each built once."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from fixture_data import write_fixture
from streamlit.testing.v1 import AppTest

from contract_monitor import settings, warehouse

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_shared_file(name: str) -> Path:
    """A file from ../shared/data; outside CI a missing file skips the test, in CI it fails."""
    path = settings.SHARED_DATA_DIR / name
    if not path.is_file():
        message = f"real data file {path} is absent (expected ../shared/data beside the checkout)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture(tmp_path_factory.mktemp("fixture_csv"))


@pytest.fixture(scope="session")
def fixture_db(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("fixture_db") / "fixture.duckdb"
    warehouse.build(fixture_dir, db)
    return db


@pytest.fixture(scope="session")
def fx(fixture_db: Path):
    con = duckdb.connect(str(fixture_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample_db") / "sample.duckdb"
    warehouse.build(settings.SAMPLE_DATA_DIR, db)
    return db


@pytest.fixture(scope="session")
def sample(sample_db: Path):
    con = duckdb.connect(str(sample_db), read_only=True)
    yield con
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    row = con.execute(sql, params or []).fetchone()
    assert row is not None, f"no row for: {sql}"
    return row[0] if len(row) == 1 else row


@pytest.fixture
def on_sample_db(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app reads the sample database."""
    monkeypatch.setenv("CONTRACT_MONITOR_DB", str(sample_db))
    return sample_db


@pytest.fixture(scope="session")
def stories_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import story_fixture

    return story_fixture.build(tmp_path_factory.mktemp("stories"))


@pytest.fixture
def stories_env(stories_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A private copy of the stories database and records store, and the app pointed at them."""
    import story_fixture

    db, store = story_fixture.copy(stories_db, tmp_path)
    monkeypatch.setenv("CONTRACT_MONITOR_DB", str(db))
    monkeypatch.setenv("CONTRACT_MONITOR_RECORDS_DB", str(store))
    return db, store


def open_page(page: str | None = None, timeout: int = 60, **query) -> AppTest:
    """Run the app with these query parameters, on ``page`` (e.g. "dashboards/voices.py") or the default page."""
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "streamlit_app.py"), default_timeout=timeout)
    for name, value in query.items():
        at.query_params[name] = value
    if page is not None:
        at.switch_page(page)
    return at.run()
