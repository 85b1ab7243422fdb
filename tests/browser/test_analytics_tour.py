"""The analytics pages in a real Chromium, in en, ru and fa: the dashboard's charts (drawn by
the vendored Chart.js), the segment movements chart and the account page's segments card over
the XS demo company, with no browser error (a CSP violation is one), right to left in Persian;
and the offline report opened from disk. Saves screenshots to docs/screenshots/."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.analytics.models import AccountMetrics, MetricRun
from clientbase.analytics.segment_services import create_segment, snapshot_memberships
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


DASHBOARD_CHARTS = ["pareto", "costs", "quadrants", "matrix", "rfm", "churn"]
LETTER_AXES = {"matrix"}  # its axes read A, B, C and X, Y, Z
SEGMENT_NAMES = {"en": "Big buyers", "ru": "Крупные покупатели", "fa": "خریداران بزرگ"}

# What Chart.js drew on a canvas: its data points, whether anything was painted, where the
# horizontal axis starts (its pixel for 0), the value axis' tick labels.
DRAWN = """canvas => {
  const chart = Chart.getChart(canvas);
  if (!chart) return null;
  const horizontal = chart.options.indexAxis === "y";
  const along = chart.scales.x, values = horizontal ? chart.scales.x : chart.scales.y;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return {
    points: chart.data.datasets.reduce((n, d) => n + d.data.length, 0),
    painted,
    zeroAt: along.getPixelForValue(0),
    width: canvas.clientWidth,
    ticks: values.ticks.map(t => t.label),
  };
}"""


def charts_drawn(page: Any, names: list[str]) -> dict[str, dict[str, Any]]:
    """Each named chart's drawing, once the script has drawn every one of them."""
    selector = ", ".join(f'canvas[data-chart="{n}"][data-drawn="true"]' for n in names)
    page.wait_for_function(f"document.querySelectorAll('{selector}').length === {len(names)}")
    return {name: page.locator(f'canvas[data-chart="{name}"]').evaluate(DRAWN) for name in names}


def assert_drawn_the_languages_way(drawn: dict[str, Any], language: str) -> None:
    for name, chart in drawn.items():
        assert chart is not None, name
        assert chart["points"] > 0, name
        assert chart["painted"] > 1000, name  # lines, bars or dots, not a blank canvas
        ticks = "".join(chart["ticks"])
        if name in LETTER_AXES:
            assert "A" in ticks, (name, ticks)
        elif language == "fa":
            assert "۰" in ticks, (name, ticks)  # Persian digits, as the rest of the page
            assert not any(d in ticks for d in "0123456789"), (name, ticks)
        else:
            assert "0" in ticks, (name, ticks)
        # Right to left: the horizontal axis starts at the right edge.
        if language == "fa":
            assert chart["zeroAt"] > chart["width"] / 2, (name, chart)
        else:
            assert chart["zeroAt"] < chart["width"] / 2, (name, chart)


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
    big = {"field": "revenue_ltm", "op": "ge", "value": 1000}
    create_segment(actor=viewer, name=SEGMENT_NAMES[language], spec=big)
    create_segment(actor=viewer, name="Z", spec={"field": "xyz", "op": "eq", "value": "Z"})
    snapshot_memberships(analysed)

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
            drawn = charts_drawn(page, DASHBOARD_CHARTS)
            assert_drawn_the_languages_way(drawn, language)
            assert drawn["quadrants"]["points"] > 50
            assert page.locator("#churn tbody a").count() > 0
            assert page.locator("#pareto details table tbody tr").count() > 0
            if language == "fa":
                subtitle = page.locator(".page-subtitle").inner_text()
                assert "۳۰۰" in subtitle, subtitle
            page.screenshot(
                path=str(SCREENSHOTS / f"analytics-dashboard-{language}.png"), full_page=True
            )

            page.goto(f"{live_server.url}/segments/movements/")
            moves = charts_drawn(page, ["movements"])["movements"]
            assert moves["painted"] > 1000
            assert moves["zeroAt"] is not None
            page.screenshot(
                path=str(SCREENSHOTS / f"segment-movements-{language}.png"), full_page=True
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


def test_the_offline_report_draws_its_charts_without_a_network(tmp_path: Path) -> None:
    """The report written by `clientbase analyze` opened from disk, every request refused."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    from clientbase.cli import main

    orders = tmp_path / "orders.csv"
    lines = ["account,date,revenue,cost"]
    for n in range(40):
        lines += [
            f"Client {n},2026-{m:02}-{1 + n % 27:02},{100 + 37 * n},{60 + n}"
            for m in range(1 + n % 6, 13 - n % 5, 1 + n % 3)
        ]
    orders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "report.html"
    main(["analyze", str(orders), "--report", str(report), "--as-of", "2026-12-01"])

    with sync_playwright() as playwright:
        browser: Any = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context, page, problems = watched_page(browser, "en")
        fetched: list[str] = []

        def refuse(route: Any) -> None:
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                fetched.append(route.request.url)
                route.abort()

        context.route("**/*", refuse)
        try:
            page.goto(report.as_uri())
            drawn = charts_drawn(page, ["pareto", "costs", "quadrants", "matrix", "rfm"])
            assert_drawn_the_languages_way(drawn, "en")
            assert fetched == []
            assert problems == []
        finally:
            browser.close()
