"""The analytics pages in a real Chromium, in en, ru and fa: the dashboard's charts and the
account page's segments card over the XS demo company, with no browser error (a CSP violation
is one), right to left in Persian. Saves screenshots to docs/screenshots/."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.analytics.models import AccountMetrics, MetricRun
from tests.browser.pages import sign_in, watched_page
from tests.browser.test_browser_tour import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    _require_chromium,
)
from tests.browser.tour_data import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analysed(settings: Any, tmp_path: Path) -> MetricRun:
    """The XS demo company (300 accounts) and one metrics run over it."""
    from clientbase.analytics.services import run_metrics
    from clientbase.demo import generate

    settings.VAR_DIR = tmp_path
    summary = generate(scale="XS", seed=3, truth_path=tmp_path / "truth.json")
    return run_metrics(actor=None, as_of=dt.date.fromisoformat(summary.as_of), trigger="cli")


@pytest.mark.parametrize("language", ["en", "ru", "fa"])
def test_a_director_reads_the_dashboard_and_an_accounts_segments(
    live_server: Any, analysed: MetricRun, language: str
) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    viewer: User = create_user(
        actor=None,
        username=f"director-{language}",
        password=PASSWORD,
        role=Role.DIRECTOR,
        language=language,
    )
    watched = (
        AccountMetrics.objects.filter(run=analysed, quadrant__isnull=False)
        .order_by("-churn_flag", "-churn_risk", "account_id")
        .first()
    )
    assert watched is not None

    with sync_playwright() as playwright:
        browser: Any = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        _context, page, problems = watched_page(browser, language)
        try:
            page.goto(f"{live_server.url}/login/")
            sign_in(page, viewer.username)
            page.wait_for_url("**/accounts/")
            page.goto(f"{live_server.url}/analytics/")

            html = page.locator("html")
            assert html.get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
            assert page.locator("svg.an-chart").count() == 3
            assert page.locator("#pareto polyline").count() == 1
            assert page.locator("#quadrants circle").count() > 50
            assert page.locator("#churn tbody a").count() > 0
            if language == "fa":
                subtitle = page.locator(".page-subtitle").inner_text()
                assert "۳۰۰" in subtitle, subtitle
                # Right to left: the Pareto curve starts at the right edge of its chart.
                start = page.locator("#pareto polyline").get_attribute("points") or ""
                first_x = float(start.split()[0].split(",")[0])
                assert first_x > 400, start
            page.screenshot(
                path=str(SCREENSHOTS / f"analytics-dashboard-{language}.png"), full_page=True
            )

            page.goto(f"{live_server.url}/accounts/{watched.account_id}/")
            card = page.locator("#segments")
            assert card.count() == 1
            assert card.locator("dd").count() >= 8
            page.screenshot(
                path=str(SCREENSHOTS / f"account-segments-{language}.png"), full_page=True
            )
            assert problems == []
        finally:
            browser.close()
