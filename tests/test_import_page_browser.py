"""The Data import page in a real Chromium: it renders and passes axe-core's WCAG 2.2 AA rules."""

from __future__ import annotations

import pytest
from test_browser import _check_axe, _settle, axe, browser, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_data_import_page_in_a_browser_passes_axe(server, page, axe):  # noqa: F811
    page.goto(f"{server}/import")
    _settle(page)
    assert page.get_by_role("heading", name="Data import").is_visible()
    page.get_by_role("heading", name="Import history").wait_for(timeout=30_000)
    _settle(page)
    assert page.get_by_text("Example: November 2026 return (.xlsx)").is_visible()
    assert page.get_by_role("heading", name="Returns this month").is_visible()
    _check_axe(page, axe, "Data import")
