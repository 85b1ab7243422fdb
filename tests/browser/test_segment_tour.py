"""Building and saving a segment in a real Chromium, once in each language: conditions are
added through htmx, the live count follows them, and the saved segment opens as the list.
Screenshots of the builder go to docs/screenshots/segment-builder-{en,ru,fa}.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from clientbase.accounts.models import Account
from clientbase.analytics.tests.segment_fixtures import finished_run
from tests.browser.pages import sign_in, watched_page
from tests.browser.test_browser_tour import SCREENSHOTS, browser, tour  # noqa: F401
from tests.browser.tour_data import Tour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = {"en": "Active buyers", "ru": "Активные покупатели", "fa": "خریداران فعال"}


def _count(page: Any) -> int:
    return int(page.locator("#segment-count .segment-count").get_attribute("data-count"))


# htmx marks an element while its request is out and new content until it has settled (and
# its own hx- attributes are wired): a select chosen before then would send nothing.
SETTLED = "!document.querySelector('.htmx-request, .htmx-added, .htmx-swapping, .htmx-settling')"


def _pick(page: Any, name: str, value: str) -> None:
    """Choose a field or an operator: the row is drawn again for it (its operators, a list
    of values or a text box), so wait until the new row is in place."""
    page.wait_for_function(f"() => {SETTLED}")
    with page.expect_response(lambda r: "/segments/builder/" in r.url):
        page.select_option(f"select[name={name}]", value)
    page.wait_for_function(
        f"() => document.querySelector('select[name={name}]')?.value === '{value}' && {SETTLED}"
    )


@pytest.mark.parametrize("language", ["en", "ru", "fa"])
def test_a_director_builds_and_saves_a_segment(
    live_server: Any,
    browser: Any,  # noqa: F811 - the tour's fixture
    tour: Tour,  # noqa: F811
    language: str,
) -> None:
    accounts = list(Account.objects.exclude(status="lost").order_by("id")[:60])
    assert len(accounts) >= 9, "the tour's base is big enough to narrow step by step"
    finished_run(
        dt.date(2026, 11, 30),
        {a: {"revenue_ltm": 100 * i, "xyz": "XYZ"[i % 3]} for i, a in enumerate(accounts)},
    )
    threshold = str(100 * (len(accounts) // 3))
    viewer = tour.viewers[language]
    context, page, problems = watched_page(browser, language)
    try:
        page.goto(f"{live_server.url}/login/?next=/segments/new/")
        sign_in(page, viewer.username)
        page.wait_for_url("**/segments/new/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
        everyone = _count(page)  # status is any of… nothing typed yet: a message, or a count

        page.fill("input[name=name]", NAMES[language])
        _pick(page, "g0-r0-field", "status")
        _pick(page, "g0-r0-op", "ne")
        # a status is picked from the list of statuses, in the page's language
        page.select_option("select[name=g0-r0-value]", "lost")
        page.wait_for_function(
            f"() => document.querySelector('#segment-count .segment-count')"
            f"?.dataset.count !== '{everyone}'"
        )
        not_lost = _count(page)

        page.click("#conditions fieldset button:has-text('+')")
        page.wait_for_selector("select[name=g0-r1-field]")
        _pick(page, "g0-r1-field", "revenue_ltm")
        _pick(page, "g0-r1-op", "ge")
        page.fill("input[name=g0-r1-value]", threshold)
        page.locator("input[name=g0-r1-value]").press("Tab")
        page.wait_for_function(
            f"() => document.querySelector('#segment-count .segment-count')"
            f"?.dataset.count !== '{not_lost}'"
        )
        big = _count(page)
        assert 0 < big < not_lost

        page.click("#conditions > .builder-groups > div > button")
        page.wait_for_selector("select[name=g1-r0-field]")
        page.check("input[name=g1-negate]")
        _pick(page, "g1-r0-field", "xyz")
        _pick(page, "g1-r0-op", "eq")
        page.select_option("select[name=g1-r0-value]", "Z")
        page.wait_for_function(
            f"() => document.querySelector('#segment-count .segment-count')"
            f"?.dataset.count !== '{big}'"
        )
        final = _count(page)
        assert 0 < final < big
        page.screenshot(path=str(SCREENSHOTS / f"segment-builder-{language}.png"), full_page=True)

        page.click(".builder-actions button[type=submit]")
        page.wait_for_url("**/segments/")
        row = page.locator("tbody tr", has_text=NAMES[language])
        assert row.locator(".segment-count").inner_text().strip() == str(final)
        row.locator("a.row-link").click()
        page.wait_for_url("**/accounts/?segment=*")
        assert page.locator("#results tbody tr").count() == final
    finally:
        context.close()
    assert problems == [], f"the browser reported errors: {problems}"
