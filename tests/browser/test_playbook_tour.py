"""A director changes a playbook and creates its tasks, in a real Chromium, once in each
language; the account page then shows the playbook. Screenshots go to
docs/screenshots/playbooks-{en,ru,fa}.png and playbook-tasks-{en,ru,fa}.png."""

from __future__ import annotations

from typing import Any

import pytest

from clientbase.accounts.models import Account
from clientbase.activities.models import Activity
from clientbase.analytics.tests.playbook_fixtures import classed_run
from tests.browser.pages import sign_in, watched_page
from tests.browser.test_browser_tour import SCREENSHOTS, browser, tour  # noqa: F401
from tests.browser.tour_data import Tour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = {
    "en": "Visit them every fortnight.",
    "ru": "Навещать каждые две недели.",
    "fa": "هر دو هفته به آن‌ها سر بزنید.",
}


@pytest.mark.parametrize("language", ["en", "ru", "fa"])
def test_a_director_changes_a_playbook_and_creates_its_tasks(
    live_server: Any,
    browser: Any,  # noqa: F811 - the tour's fixture
    tour: Tour,  # noqa: F811
    language: str,
) -> None:
    owned = list(Account.objects.filter(owner__isnull=False).order_by("id")[:6])
    assert owned, "the tour's base has owned accounts"
    classed_run({a: {"quadrant": "III", "tier": "1a"} for a in owned})
    viewer = tour.viewers[language]
    context, page, problems = watched_page(browser, language)
    try:
        page.goto(f"{live_server.url}/login/?next=/playbooks/quadrant/III/")
        sign_in(page, viewer.username)
        page.wait_for_url("**/playbooks/quadrant/III/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
        page.fill("textarea[name=description]", TEXT[language])
        page.fill("input[name=contact_every_days]", "14")
        page.click("form button[type=submit].button-primary")
        page.wait_for_url("**/playbooks/")
        row = page.locator("#playbook-quadrant-III")
        assert TEXT[language] in row.inner_text()
        page.screenshot(path=str(SCREENSHOTS / f"playbooks-{language}.png"), full_page=True)

        row.locator("a[href$='/tasks/']").click()
        page.wait_for_url("**/playbooks/quadrant/III/tasks/")
        page.click("#playbook-run button[type=submit]")
        page.wait_for_selector("#playbook-run [role=status]")
        page.screenshot(path=str(SCREENSHOTS / f"playbook-tasks-{language}.png"), full_page=True)
        assert Activity.objects.filter(source_system="playbook").count() == len(owned)

        page.goto(f"{live_server.url}/accounts/{owned[0].pk}/")
        assert TEXT[language] in page.locator("#account-playbooks").inner_text()
    finally:
        context.close()
    assert problems == [], f"the browser reported errors: {problems}"
