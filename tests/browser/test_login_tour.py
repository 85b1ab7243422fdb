"""Sign-in hardening in a real browser: a director whose role requires two-factor sign-in
enrols from a QR code drawn on our server, then offboards a rep, previewing who gets what.
No console error, page error or CSP violation on the way (en and Persian, RTL)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import pyotp
import pytest

from clientbase.access.models import Department, DepartmentKind, Role, Team, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from tests.browser.pages import sign_in, watched_page
from tests.browser.test_browser_tour import CHROMIUM, CHROMIUM_ARGS, _require_chromium
from tests.browser.tour_data import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_director_enrols_in_two_factor_and_offboards_a_rep(
    live_server: Any, settings: Any, make_account: Callable[..., Account], language: str
) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    settings.TWO_FACTOR_REQUIRED_ROLES = ["director"]
    team = Team.objects.create(
        name="North",
        department=Department.objects.create(name="Sales", kind=DepartmentKind.NEW_BUSINESS),
    )
    create_user(
        actor=None, username="boss", password=PASSWORD, role=Role.DIRECTOR, language=language
    )
    lead = create_user(
        actor=None, username="lead", password=PASSWORD, role=Role.TEAM_LEAD, team=team
    )
    team.lead = lead
    team.save()
    leaver = create_user(actor=None, username="leaver", password=PASSWORD, team=team)
    for name in ("Alpha Steel", "Beta Foods"):
        make_account(owner=leaver, display_name=name)

    with sync_playwright() as playwright:
        browser: Any = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        _context, page, problems = watched_page(browser, language)
        try:
            page.goto(f"{live_server.url}/login/?lang={language}")
            sign_in(page, "boss")
            page.wait_for_url("**/login/enrol/")
            qr = page.locator("figure.qr-code img")
            assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
            secret = page.locator(".secret-key").inner_text().strip()
            page.fill("input[name=code]", pyotp.TOTP(secret).now())
            page.click("form.stack button[type=submit]")
            assert page.locator(".recovery-codes code").count() == 10
            page.click("a.button-primary")
            page.wait_for_url("**/accounts/")

            page.goto(f"{live_server.url}/users/")
            page.click(f"a[href='/users/{leaver.pk}/offboard/']")
            page.select_option("select[name=rule]", "team_lead")
            page.click("form[method=get] button[type=submit]")
            page.wait_for_selector(".offboard-receiver")
            preview = page.locator(".offboard-receiver").inner_text()
            assert "Alpha Steel" in preview
            assert "Beta Foods" in preview
            page.click("form[method=post] button.button-primary")
            page.wait_for_url("**/users/")
            assert re.search(r"leaver", page.locator(".alert-info").inner_text())
        finally:
            browser.close()
    assert problems == []
    assert not User.objects.get(pk=leaver.pk).is_active
    assert set(Account.objects.values_list("owner_id", flat=True)) == {lead.pk}
