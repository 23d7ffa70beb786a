"""Real browser: `streamlit run` on 127.0.0.1 with the sample database, driven by Debian's chromium
through Playwright. Every page renders its Plotly charts, the clicks people make work, a full-page
screenshot of each page lands in artifacts/screenshots/, and axe-core finds no serious or critical
accessibility violation.

Needs /usr/bin/chromium (``.ci/run`` installs it) and axe-core from the npm registry (fetched with
``npm pack`` into artifacts/axe/<version>/, which is git-ignored). Outside CI a missing tool skips these
tests; with CI=true it fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import IN_CI

from contract_monitor import settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = settings.PROJECT_ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_VERSION = "4.14.1"  # the axe-core the browser tests last passed with
AXE_DIR = ARTIFACTS / "axe" / AXE_VERSION  # another version is fetched anew, not taken from an old fetch
AXE_JS = AXE_DIR / "package" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 900}


def _unavailable(message: str):
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _axe_script() -> Path:
    if AXE_JS.is_file():
        return AXE_JS
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is needed to fetch axe-core (apt-get install npm)")
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "pack", f"axe-core@{AXE_VERSION}", "--silent"], cwd=AXE_DIR, capture_output=True, text=True, timeout=120
    )
    tarballs = sorted(AXE_DIR.glob("axe-core-*.tgz"))
    if done.returncode != 0 or not tarballs:
        _unavailable(f"could not fetch axe-core with npm pack: {done.stderr.strip()}")
    with tarfile.open(tarballs[-1]) as archive:
        archive.extract("package/axe.min.js", AXE_DIR, filter="data")
    return AXE_JS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_db: Path):
    """`streamlit run streamlit_app.py` on 127.0.0.1 and a free port; stopped after the module."""
    port = _free_port()
    env = {**os.environ, "CONTRACT_MONITOR_DB": str(sample_db)}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / "streamlit-browser-test.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(settings.PROJECT_ROOT / "streamlit_app.py"),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=settings.PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is absent (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def axe() -> Path:
    return _axe_script()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script (no 'Running…' status for a moment)."""
    page.wait_for_selector('[data-testid="stApp"]')
    quiet_since = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.8:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the app kept running for 30 s")


def _wait_for_charts(page, at_least: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=at_least, timeout=30_000
    )


def _check_axe(page, axe: Path, name: str) -> None:
    page.add_script_tag(path=str(axe))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}), e.g. {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary']}"
        for v in bad
    )
    assert not bad, f"axe-core on {name}:\n{report}"


def _screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Streamlit scrolls inside its main block, so grow the window to the content for a full-page shot
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], body')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, VIEWPORT["height"]), 12_000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    assert path.stat().st_size > 10_000
    return path


def test_portfolio_in_a_browser_then_click_through_to_a_contract(server, page, axe):
    page.goto(f"{server}/")
    page.get_by_role("heading", name="Portfolio").wait_for()
    page.get_by_role("heading", name="Watermelon alerts (1)").wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    _settle(page)
    _screenshot(page, "portfolio")
    _check_axe(page, axe, "Portfolio")

    page.get_by_role("link", name="Open C002").click()
    page.get_by_role("heading", name="C002 Care at home – South locality").wait_for()
    assert "contract=C002" in page.url
    _wait_for_charts(page, 5)


def test_selecting_a_scorecard_row_opens_that_contract(server, page):
    page.goto(f"{server}/")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    _settle(page)
    box = grid.bounding_box()
    # the first row's selection checkbox (the header row is 35px tall); sorted most-attention first
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)
    page.get_by_role("heading", name="C014 Employability hub – high volume").wait_for()
    assert "contract=C014" in page.url


def test_contract_deep_link_shows_kpis_with_gaps_labelled_no_return(server, page, axe):
    page.goto(f"{server}/contract?contract=C016&month=2026-10")
    page.get_by_role("heading", name="C016 Community mental health support alliance").wait_for()
    page.get_by_role("heading", name="Scorecard for October 2026").wait_for()
    _wait_for_charts(page, 10)
    _settle(page)
    # C016 sent nothing for August 2026: each KPI chart labels that month instead of joining the line
    assert page.locator(".js-plotly-plot .annotation-text", has_text="no return").count() >= 9
    _screenshot(page, "contract")
    _check_axe(page, axe, "Contract")


def test_no_chart_legend_covers_its_axis_labels(server, page):
    # a month axis that crosses a new year labels it on a second line ("Nov" over "2025"): the legend
    # below the axis must clear that line too, on every chart of the page
    page.goto(f"{server}/contract?contract=C003&month=2026-10")
    page.get_by_role("heading", name="Scorecard for October 2026").wait_for()
    _wait_for_charts(page, 10)
    _settle(page)
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap((plot, index) => {
            const legend = plot.querySelector('g.legend');
            if (!legend) return [];
            const top = legend.getBoundingClientRect().top;
            return [...plot.querySelectorAll('g.xtick text')]
                .filter(label => label.getBoundingClientRect().bottom > top + 1)
                .map(label => `chart ${index + 1}: '${label.textContent}' reaches below the legend's top`);
        })"""
    )
    labels = page.evaluate("() => document.querySelectorAll('.js-plotly-plot g.xtick text').length")
    assert labels > 0
    assert not overlaps, "\n".join(overlaps)


def test_an_invalid_link_explains_itself(server, page):
    page.goto(f"{server}/contract?contract=C999&month=2026-13")
    page.get_by_text("The link asks for contract 'C999'").wait_for()
    page.get_by_text("'2026-13' in the link is not a month").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_voices_click_a_bar_to_read_that_month(server, page, axe):
    page.goto(f"{server}/voices?contract=C002")
    page.get_by_role("heading", name="Voices").wait_for()
    _wait_for_charts(page, 1)
    _settle(page)
    _screenshot(page, "voices")
    _check_axe(page, axe, "Voices")

    bars = page.locator(".js-plotly-plot .barlayer .point path")
    assert bars.count() > 12
    bars.last.click(force=True)
    heading = page.get_by_role("heading", name="Comments from October 2026")
    heading.wait_for()
    assert "month=2026-10" in page.url
    _settle(page)
    _screenshot(page, "voices_month")


def test_approvals_page_and_the_board_view(server, page, axe):
    page.goto(f"{server}/approvals?contract=C002")
    page.get_by_role("heading", name="Approve comments").wait_for()
    page.get_by_role("heading", name="Decision history", exact=False).wait_for()
    _settle(page)
    assert page.get_by_text("Original text (restricted", exact=False).count() == 1  # closed, labelled
    _screenshot(page, "approvals")
    _check_axe(page, axe, "Approve comments")

    page.goto(f"{server}/contract?contract=C002&view=board")
    page.get_by_text("Board view: read only.", exact=False).wait_for()
    _wait_for_charts(page, 5)
    _settle(page)
    assert page.locator('[data-testid="stForm"]').count() == 0
    assert "view=board" in page.url
    _screenshot(page, "contract_board_view")
    _check_axe(page, axe, "Contract (board view)")
