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

from tests.browser.pages import sign_in, watched_page
from tests.browser.tour_data import Tour, build_tour

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
    context, page, problems = watched_page(browser, language)
    try:
        page.goto(f"{live_server.url}/accounts/")
        assert "/login/" in page.url, "the account list must ask a visitor to log in"
        sign_in(page, viewer.username)
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


# What the new-account page is given in each language: a name of an account that exists.
TYPED_NAMES = {"en": "Northwind Traders LLC", "ru": "ООО Ромашка", "fa": "پارس پخش"}


def _plant_duplicates(tour: Tour) -> None:
    """A second record of each featured company, as another department's import leaves it,
    then a real dedupe run so the queue has pairs and the entry-time check its name keys."""
    from clientbase.accounts.services import create_account
    from clientbase.identity.services import run_dedupe

    for legal, name, phone, email, city, account in (
        (
            "Northwind Traders Limited",
            "Northwind",
            "+44 20 7123 4567",
            "sales@northwind.example",
            "London",
            "en",
        ),
        ("Romashka LLC", "Romashka", "+7 495 123-45-67", "info@romashka.example", "Moscow", "ru"),
        (
            "Pars Pakhsh Co.",
            "Pars Pakhsh",
            "+98 21 8877 6655",
            "info@parspakhsh.example",
            "Tehran",
            "fa",
        ),
    ):
        create_account(
            actor=None,
            legal_name=legal,
            display_name=name,
            phone=phone,
            email=email,
            city=city,
            owner=tour.featured[account].owner,
        )
    run_dedupe(actor=None)


@pytest.mark.parametrize("language", ["en", "ru", "fa"])
def test_a_director_is_warned_of_a_duplicate_and_reviews_the_queue(
    live_server: Any, browser: Any, tour: Tour, language: str
) -> None:
    _plant_duplicates(tour)
    viewer = tour.viewers[language]
    existing = tour.featured[language]
    context, page, problems = watched_page(browser, language)
    rtl = "rtl" if language == "fa" else "ltr"
    try:
        page.goto(f"{live_server.url}/login/?next=/accounts/")
        sign_in(page, viewer.username)
        page.wait_for_url("**/accounts/")

        page.click("a[href='/accounts/new/']")
        page.wait_for_url("**/accounts/new/")
        assert page.locator("html").get_attribute("dir") == rtl
        page.locator("input[name=legal_name]").press_sequentially(TYPED_NAMES[language], delay=20)
        page.wait_for_selector("#duplicates .dup-item")
        first = page.locator("#duplicates .dup-item a.row-link").first
        names = page.locator("#duplicates .dup-item a.row-link").all_inner_texts()
        assert existing.display_name in [n.strip() for n in names]
        assert first.get_attribute("href", timeout=1000)
        page.fill("input[name=city]", existing.city)
        page.screenshot(path=str(SCREENSHOTS / f"new-account-{language}.png"), full_page=True)

        page.click("a[href='/duplicates/']")
        page.wait_for_url("**/duplicates/")
        assert page.locator("html").get_attribute("dir") == rtl
        assert page.locator(".pair").count() >= 1
        page.select_option("select[name=min]", "50")
        page.click(".toolbar button[type=submit]")
        page.wait_for_url("**/duplicates/?min=50")
        page.screenshot(path=str(SCREENSHOTS / f"duplicates-{language}.png"), full_page=True)

        page.locator(".pair a.button-primary").first.click()
        page.wait_for_url("**/duplicates/*/")
        assert page.locator("tr.is-different").count() >= 1
        page.screenshot(path=str(SCREENSHOTS / f"duplicate-pair-{language}.png"), full_page=True)
        _merge_taking_a_field_from_the_other_side_then_undo(page, rtl, language)
    finally:
        context.close()
    assert problems == [], f"the browser reported errors: {problems}"


def _merge_taking_a_field_from_the_other_side_then_undo(page: Any, rtl: str, language: str) -> None:
    """On the pair page keep the left record but one field of the right, merge, read the
    survivor page, undo, and find both accounts as they were."""
    names = [n.strip() for n in page.locator("thead a.row-link").all_inner_texts()]
    other = page.locator("tr.is-different input[type=radio][value=right]").first
    taken = other.locator("xpath=..").inner_text().strip()
    other.check()
    page.click("form.card button[type=submit].button-primary")
    page.wait_for_url("**/accounts/*/")
    assert page.locator("html").get_attribute("dir") == rtl
    survivor_url = page.url
    note = page.locator(".merge-note")
    assert note.count() == 1
    assert names[1] in note.inner_text()
    assert taken in page.locator("main").inner_text()
    undo = note.locator("button[type=submit]")
    assert undo.is_visible()
    page.screenshot(path=str(SCREENSHOTS / f"merge-survivor-{language}.png"), full_page=True)

    undo.click()
    page.wait_for_url(lambda url: url != survivor_url)
    assert page.locator("h1").inner_text().strip() == names[1]
    assert page.locator(".merge-note").count() == 0
    page.screenshot(path=str(SCREENSHOTS / f"merge-undone-{language}.png"), full_page=True)
    page.goto(survivor_url)
    assert page.locator("h1").inner_text().strip() == names[0]
    assert page.locator(".merge-note").count() == 0


# A supplier list from another system: three good rows, two the check rejects.
IMPORT_CSV = (
    "Code,Company name,City,E-mail\n"
    "S-1,Northwind Supplies Ltd,London,orders@nwsupplies.example\n"
    "S-2,ООО «Вектор»,Казань,info@vektor.example\n"
    "S-3,شرکت آریا,تهران,info@arya.example\n"
    "S-4,Broken Mail Ltd,Leeds,not-an-address\n"
    "S-5,,Bristol,hello@noname.example\n"
)


@pytest.mark.parametrize("language", ["en", "ru", "fa"])
def test_a_director_uploads_a_file_matches_columns_reads_the_report_and_fixes_a_row(
    live_server: Any, browser: Any, tour: Tour, language: str, settings: Any, tmp_path: Path
) -> None:
    # No worker runs in the test: the task runs in the request that starts it.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = tmp_path / "var"
    upload = tmp_path / "suppliers.csv"
    upload.write_text(IMPORT_CSV, encoding="utf-8")
    viewer = tour.viewers[language]
    context, page, problems = watched_page(browser, language)
    try:
        page.goto(f"{live_server.url}/login/?next=/imports/")
        sign_in(page, viewer.username)
        page.wait_for_url("**/imports/")
        page.click("a[href='/imports/new/']")
        page.wait_for_url("**/imports/new/")
        page.set_input_files("input[name=file]", str(upload))
        page.fill("input[name=source_system]", "legacy-erp")
        page.select_option("select[name=target]", "accounts")
        page.select_option("select[name=mode]", "valid-rows")
        page.click("form button[type=submit].button-primary")
        page.wait_for_url("**/imports/*/mapping/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
        assert page.locator("select#col-1").input_value() == "legal_name"
        assert page.locator(".import-preview tbody tr").count() == 5
        page.screenshot(path=str(SCREENSHOTS / f"import-mapping-{language}.png"), full_page=True)

        page.click("form button[type=submit].button-primary")
        page.wait_for_url("**/imports/*/")
        assert page.locator(".import-counts").count() == 1
        assert "not-an-address" in page.locator("main").inner_text()
        page.screenshot(path=str(SCREENSHOTS / f"import-report-{language}.png"), full_page=True)

        page.click(".import-parked a.button-primary")
        page.wait_for_url("**/imports/*/parked/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
        assert page.locator("tbody.parked-group").count() == 2
        bad_mail = page.locator("input.parked-input[value=not-an-address]")
        bad_mail.fill("still-wrong@")
        bad_mail.locator("xpath=ancestor::tbody").locator("button.button-primary").click()
        page.wait_for_selector("tbody.parked-group .parked-note")
        assert "still-wrong@" in page.locator("tbody.parked-group").first.inner_text()
        page.screenshot(path=str(SCREENSHOTS / f"import-parked-{language}.png"), full_page=True)

        fixed = page.locator("input.parked-input[value='still-wrong@']")
        fixed.fill("orders@broken-mail.example")
        fixed.locator("xpath=ancestor::tbody").locator("button.button-primary").click()
        page.wait_for_selector(".parked-done")
        assert page.locator("input.parked-input").count() == 1  # the nameless row waits
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("tbody.parked-group button:not(.button-primary)").last.click()
        page.wait_for_function("() => document.querySelectorAll('.parked-done').length === 2")
        page.screenshot(
            path=str(SCREENSHOTS / f"import-parked-fixed-{language}.png"), full_page=True
        )
        page.goto(page.url)
        assert page.locator("input.parked-input").count() == 0
    finally:
        context.close()
    assert problems == [], f"the browser reported errors: {problems}"
