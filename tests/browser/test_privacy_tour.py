"""Erasing a person in a real browser (Russian, then Persian): the contact page with its consent
history, the confirmation step, and the printable act — with no script error and no CSP
violation on the way."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from clientbase.access.models import Role
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.accounts.services import create_contact
from clientbase.privacy.services import publish_consent_text
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

TITLES = {
    "ru": "Акт об уничтожении персональных данных",
    "fa": "صورت‌جلسه امحای داده‌های شخصی",
}


@pytest.mark.parametrize("language", ["ru", "fa"])
def test_a_director_records_consent_then_erases_the_person_and_prints_the_act(
    live_server: Any, make_account: Callable[..., Account], language: str
) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    director = create_user(
        actor=None, username="dpo", password=PASSWORD, role=Role.DIRECTOR, language=language
    )
    account = make_account(owner=director, display_name="Ромашка")
    person = create_contact(
        actor=director, account=account, full_name="Пётр Иванович Сидоров", email="ps@example.ru"
    )
    publish_consent_text(
        actor=None, purpose="personal_data", version="2026-01", language=language, text="OK."
    )

    with sync_playwright() as playwright:
        browser: Any = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        _context, page, problems = watched_page(browser, language)
        try:
            page.goto(f"{live_server.url}/login/")
            sign_in(page, "dpo")
            page.wait_for_url("**/accounts/")
            page.goto(f"{live_server.url}/accounts/{account.pk}/")
            page.click(f"a[href='/contacts/{person.pk}/']")
            page.wait_for_url(f"**/contacts/{person.pk}/")
            page.select_option("select[name=purpose]", "personal_data")
            page.fill("input[name=channel]", "web")
            page.select_option("select[name=language]", language)
            page.click("form.consent-form button[type=submit]")
            page.wait_for_url(f"**/contacts/{person.pk}/")
            assert page.locator(".consent-yes").count() == 1
            page.screenshot(path=str(SCREENSHOTS / f"privacy-contact-{language}.png"))

            page.click(f"a[href='/contacts/{person.pk}/erase/']")
            page.click("form.form-card button[type=submit]")  # no tick: refused
            assert page.locator(".field-error").count() == 1
            page.check("input[name=confirm]")
            page.screenshot(path=str(SCREENSHOTS / f"privacy-erase-{language}.png"))
            page.click("form.form-card button[type=submit]")
            page.wait_for_url("**/privacy/acts/*/")
            assert TITLES[language] in page.inner_text(".act-title")
            assert "Сидоров" not in page.content()
            page.screenshot(path=str(SCREENSHOTS / f"privacy-act-{language}.png"), full_page=True)
        finally:
            browser.close()
    # The refused form answers 400 on purpose, which Chromium logs; nothing else may appear.
    assert [p for p in problems if "status of 400" not in p] == []
