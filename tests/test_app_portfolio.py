"""The app starts on the Portfolio page and shows the scorecard as a table (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from contract_monitor import presentation, settings

APP = str(settings.PROJECT_ROOT / "streamlit_app.py")


@pytest.fixture
def on_fixture_db(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONTRACT_MONITOR_DB", str(fixture_db))
    return fixture_db


def test_first_page_is_the_portfolio_scorecard(on_fixture_db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Portfolio"
    table = at.dataframe[0].value
    assert list(table["Contract"]) == ["C2 Care at home - west", "C1 Care at home - north", "C3 Recovery hub"]
    assert list(table["Outcomes"]) == ["✓ Good", "✕ Inadequate", "✓ Good"]
    assert table.loc[0, "Alert"].startswith("Watermelon")


def test_missing_database_explains_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONTRACT_MONITOR_DB", str(tmp_path / "absent.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "make run" in at.info[0].value


def test_labelled_rating_never_relies_on_colour(fx):
    legend = fx.execute("select * from rating_legend").df()
    assert presentation.labelled_rating("Requires improvement", legend) == "! Requires improvement"
    assert presentation.labelled_rating(None, legend) == "– No return"


def test_money_formats_pounds_and_shows_a_dash_for_nothing():
    assert presentation.money(1234.5, 2) == "£1,234.50"
    assert presentation.money(float("nan")) == "—"
