"""The Data import page in a real Chromium: it renders and passes axe-core's WCAG 2.2 AA rules."""

from __future__ import annotations

import pytest
from test_browser import _check_axe, _settle, axe, browser, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_data_import_page_in_a_browser_passes_axe(server, page, axe):  # noqa: F811
    page.goto(f"{server}/import")
    _settle(page)
    # wait_for (not is_visible) so a slow, busy machine gets time to render rather than a failure
    for locator in (
        page.get_by_role("heading", name="Data import"),
        page.get_by_role("heading", name="Import history"),
        page.get_by_text("Example: November 2026 return (.xlsx)"),
        page.get_by_role("heading", name="Returns this month"),
    ):
        locator.wait_for(state="visible", timeout=30_000)
    _settle(page)
    _check_axe(page, axe, "Data import")
