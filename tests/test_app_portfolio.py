"""The app starts on the Portfolio page and shows the scorecard as a table (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import open_page
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


# --------------------------------------------------------------------------- on the sample portfolio


def _portfolio(**query) -> AppTest:
    return open_page(**query)


def test_portfolio_has_alerts_filters_sort_downloads_and_the_changes_digest(on_sample_db, sample):
    at = _portfolio()
    assert not at.exception
    assert [m.label for m in at.multiselect] == [
        "Service area",
        "Contracting model",
        "Provider",
        "Contract manager",
        "Rated (any domain)",
    ]
    assert at.selectbox(key="portfolio_sort").value == "Domains needing attention (most first)"
    headings = [s.value for s in at.subheader]
    assert headings[0].startswith("Watermelon alerts")  # alerts come first
    assert "What changed since last month" in headings
    scorecard = at.dataframe[0].value
    assert len(scorecard) == sample.execute("select count(*) from portfolio_overview").fetchone()[0]
    # the watermelon contract links to its own page
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    assert "contract=C002" in links["Open C002"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download CSV") == labels.count("Download Excel") == 2  # scorecard and changes
    digest = at.dataframe[1].value
    expected = sample.execute(
        "select count(*) from month_changes as mc join portfolio_overview as p"
        " on p.contract_id = mc.contract_id and p.as_of_month = mc.month"
    ).fetchone()[0]
    assert len(digest) == expected > 0
    directions = list(digest["Direction"])
    assert "Declined" in directions and directions[0] == "Declined"  # declines first
    # a KPI's change carries the note the provider sent with the value (the sample has one this month)
    notes = sample.execute(
        "select mc.note from month_changes as mc join portfolio_overview as p"
        " on p.contract_id = mc.contract_id and p.as_of_month = mc.month where mc.note is not null order by 1"
    ).fetchall()
    assert sorted(n for n in digest["Provider's note"] if n) == [n for (n,) in notes] != []
    # each change in words: the contract and what moved from which rating to which
    said = sample.execute(
        "select mc.contract_id || ' ' || p.title, mc.item_name || ': ' || mc.previous_rating || ' → ' || mc.rating"
        " from month_changes as mc join portfolio_overview as p"
        " on p.contract_id = mc.contract_id and p.as_of_month = mc.month order by all"
    ).fetchall()
    assert sorted(zip(digest["Contract"], digest["What changed"], strict=True)) == said


def test_a_filter_changes_the_rows_shown(on_sample_db, sample):
    at = _portfolio()
    at.multiselect[0].select("Employability").run()
    table = at.dataframe[0].value
    expected = sample.execute(
        "select count(*) from portfolio_overview where service_area = 'Employability'"
    ).fetchone()[0]
    assert 0 < len(table) == expected < 26
    assert set(table["Service area"]) == {"Employability"}
    assert at.subheader[1].value == f"Scorecard: {expected} of 26 contracts"


def test_the_rating_filter_keeps_contracts_rated_so_in_any_domain(on_sample_db, sample):
    at = _portfolio()
    at.multiselect[4].select("Inadequate").run()
    table = at.dataframe[0].value
    expected = sample.execute(
        "select count(*) from portfolio_overview where 'Inadequate' in"
        " (outcomes_rating, experience_rating, voice_rating, relationships_rating, cost_rating)"
    ).fetchone()[0]
    assert len(table) == expected > 0
    domains = table[["Outcomes", "Experience", "Voice", "Relationships", "Cost"]]
    assert domains.apply(lambda row: "✕ Inadequate" in set(row), axis=1).all()


def test_a_domain_link_sorts_by_that_domain_worst_first(on_sample_db):
    at = _portfolio(domain="experience")
    assert not at.exception and not at.warning
    assert at.selectbox(key="portfolio_sort").value == "Experience (worst first)"
    order = {"✕ Inadequate": 0, "! Requires improvement": 1, "~ Approaching target": 2, "✓ Good": 3}
    ranks = [order.get(r, 9) for r in at.dataframe[0].value["Experience"]]
    assert ranks == sorted(ranks) and ranks[0] == 0


def test_a_bad_domain_in_the_link_is_explained(on_sample_db):
    at = _portfolio(domain="happiness")
    assert not at.exception
    assert "'happiness' in the link is not a scorecard domain" in at.warning[0].value
    assert len(at.dataframe[0].value) == 26


def test_opening_a_contract_goes_to_its_page(on_sample_db):
    at = _portfolio()
    at.selectbox[1].set_value("C014")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "C014 Employability hub – high volume"
    assert at.query_params["contract"] == "C014"


def test_rating_cells_repeat_the_word_in_its_colour(fx):
    legend = fx.execute("select * from rating_legend").df()
    overview = fx.execute("select * from portfolio_overview order by contract_id").df()
    table = presentation.scorecard_table(overview, legend)
    styles = presentation.style_ratings(table, legend)._compute().ctx
    outcomes = table.columns.get_loc("Outcomes")
    # C1's Outcomes is Inadequate in April: red text, and the word is still there
    assert table.iloc[0, outcomes] == "✕ Inadequate"
    assert ("color", "#d4351c") in styles[(0, outcomes)]
    provider = table.columns.get_loc("Provider")
    assert (0, provider) not in styles or not styles[(0, provider)]


def test_a_large_portfolio_shows_its_first_rows_and_counts_every_change(on_sample_db, sample, monkeypatch):
    # a portfolio of tens of thousands of contracts cannot be one styled table: the page shows the
    # first SCORECARD_ROWS in the chosen order, lists those contracts' changes, counts all of them
    monkeypatch.setattr(presentation, "SCORECARD_ROWS", 5)
    alerts = sample.execute("select count(*) from portfolio_overview where watermelon_alert").fetchone()[0]
    monkeypatch.setattr(presentation, "ALERTS_LISTED", alerts - 1)
    at = _portfolio()
    assert not at.exception
    total = sample.execute("select count(*) from portfolio_overview").fetchone()[0]
    scorecard = at.dataframe[0].value
    assert len(scorecard) == 5 < total
    captions = " ".join(c.value for c in at.caption)
    assert f"Showing the first 5 of {total} contracts" in captions
    assert f"{alerts - 1} of {alerts} are listed here with links" in captions
    assert len([link for link in at.get("page_link") if link.proto.label.startswith("Open ")]) == alerts - 1
    on_screen = {c.split(" ")[0] for c in scorecard["Contract"]}
    listed = {c.split(" ")[0] for c in at.dataframe[1].value["Contract"]}
    assert listed and listed <= on_screen
    declined = sample.execute(
        "select count(*) from month_changes as mc join portfolio_overview as p"
        " on p.contract_id = mc.contract_id and p.as_of_month = mc.month"
        " where mc.item_type = 'domain' and mc.direction = 'declined'"
    ).fetchone()[0]
    assert any(f"**{declined} declined**" in m.value for m in at.markdown)
