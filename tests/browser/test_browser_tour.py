"""A tour of the web shell in a real Chromium, once in each language.

For en, ru and fa: log in, search the account list (htmx swaps the results), open an account,
check the page direction and that the browser reported no error (a CSP violation is one), and
save full-page screenshots to docs/screenshots/ for the README.

Skipped when /usr/bin/chromium is missing, unless CLIENTBASE_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.tour_data import PASSWORD, Tour, build_tour

# Playwright's sync API runs an event loop in this thread; the ORM work happens before it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
VIEWPORT = {"width": 1366, "height": 900}
SCREENSHOTS = Path(
    os.environ.get(
        "CLIENTBASE_SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    )
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if os.environ.get("CLIENTBASE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CLIENTBASE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def tour() -> Tour:
    return build_tour()


@pytest.mark.parametrize("language", ["en", "ru", "fa"])
def test_a_user_logs_in_searches_and_opens_an_account(
    live_server: Any, browser: Any, tour: Tour, language: str
) -> None:
    viewer = tour.viewers[language]
    account = tour.featured[language]
    context = browser.new_context(viewport=VIEWPORT, locale=language)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Chromium logs CSP violations to the console too; this names the directive as well.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"
    )
    try:
        page.goto(f"{live_server.url}/accounts/")
        assert "/login/" in page.url, "the account list must ask a visitor to log in"
        page.fill("input[name=username]", viewer.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stack button[type=submit]")
        page.wait_for_url("**/accounts/")

        html = page.locator("html")
        assert html.get_attribute("lang") == language
        assert html.get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
        rows = page.locator("#results tbody tr")
        assert rows.count() > 3
        page.screenshot(path=str(SCREENSHOTS / f"account-list-{language}.png"), full_page=True)

        page.select_option("select[name=status]", "dormant")
        page.wait_for_function(
            "() => { const rows = document.querySelectorAll('#results tbody tr');"
            " return rows.length > 0 && [...rows].every(r => r.querySelector('.badge-dormant')); }"
        )
        assert "status=dormant" in page.url
        page.select_option("select[name=status]", "")
        page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length > 3")

        page.fill("input[name=q]", tour.searches[language])
        page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 1")
        assert "q=" in page.url, "the search is pushed into the address bar"
        link = page.locator("#results a.row-link")
        assert link.inner_text().strip() == account.display_name

        link.click()
        page.wait_for_url(f"**/accounts/{account.pk}/")
        assert page.locator("h1").inner_text().strip() == account.display_name
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
        assert page.locator(".timeline-item").count() >= 5
        assert page.locator("text=" + account.legal_name).count() >= 1
        page.screenshot(path=str(SCREENSHOTS / f"account-page-{language}.png"), full_page=True)
    finally:
        context.close()
    assert problems == [], f"the browser reported errors: {problems}"
