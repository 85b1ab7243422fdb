"""Export control in a real Chromium: a rep tries to open a colleague's account (refused), then
tries to export beyond the role's limit and files a request; the director, alerted to the rep's
unusual activity, sees the alert and approves the request; the rep downloads the file, once.

The built-in rep role holds no export right (the safe default); here the administrator grants
it for the rep's own accounts through the role's data, with a row limit of 3 per export.
Screenshots: docs/screenshots/export-control-*.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import Role, User
from clientbase.access.roles import builtin_role
from clientbase.access.services import create_user, save_role
from clientbase.accounts.models import Account
from clientbase.exports.models import ExportPolicy, ExportRequest, RequestStatus
from clientbase.usage.models import AlertSettings, UsageAlert
from tests.browser.pages import sign_in, watched_page
from tests.browser.test_browser_tour import SCREENSHOTS, browser  # noqa: F401
from tests.browser.tour_data import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_asks_a_director_approves_and_the_member_downloads_once(
    live_server: Any,
    browser: Any,  # noqa: F811 - the shared fixture
    settings: Any,
    tmp_path: Path,
    make_account: Callable[..., Account],
) -> None:
    settings.VAR_DIR = tmp_path
    admin = create_user(actor=None, username="adele", password=PASSWORD, role=Role.ADMIN)
    rep_role = builtin_role("rep")
    assert rep_role is not None
    grants = {obj: dict(actions) for obj, actions in rep_role.grants.items()}
    grants["account"]["export"] = "own"
    save_role(actor=admin, key="rep", name="New-business rep", grants=grants, fields=[])
    member = create_user(actor=None, username="rita", password=PASSWORD, role=Role.REP)
    colleague = create_user(actor=None, username="boris", password=PASSWORD, role=Role.REP)
    theirs = make_account(owner=colleague, display_name="Boris's best client")
    director: User = create_user(
        actor=None,
        username="dmitri",
        password=PASSWORD,
        role=Role.DIRECTOR,
        email="dmitri@example.com",
    )
    ExportPolicy.objects.update_or_create(
        role=Role.REP, defaults={"max_rows_per_export": 3, "max_rows_per_day": 10}
    )
    AlertSettings.objects.create(pk=1, views_floor=3)
    accounts = [make_account(owner=member, display_name=f"Steel {n}") for n in range(5)]
    base = live_server.url

    context, page, problems = watched_page(browser, "en")
    try:
        page.goto(f"{base}/login/")
        sign_in(page, "rita")
        page.wait_for_url("**/accounts/")
        answer = page.goto(f"{base}/accounts/{theirs.pk}/")  # a colleague's account: not hers
        assert answer is not None
        assert answer.status == 404
        assert "Boris" not in page.content()
        problems[:] = [p for p in problems if "404" not in p]  # the refusal's own console line
        page.goto(f"{base}/accounts/?q=boris")
        assert "Boris" not in page.locator("main").inner_text()
        for account in accounts[:3]:  # three account pages: far beyond a usual day of none
            page.goto(f"{base}/accounts/{account.pk}/")
        page.goto(f"{base}/accounts/?q=steel")
        page.click("button[name=fmt][value=csv]")
        page.wait_for_url("**/exports/requests/new/**")
        assert page.locator("#export-request-rows").inner_text() == "5"
        page.fill("textarea[name=reason]", "Trade fair mailing")
        page.screenshot(path=str(SCREENSHOTS / "export-control-request.png"))
        page.click("#export-request button[type=submit]")
        page.wait_for_url("**/exports/requests/")
        assert "Waiting for approval" in page.locator("#own-requests").inner_text()
    finally:
        context.close()
    assert UsageAlert.objects.filter(user=member).count() == 1

    context, page, more = watched_page(browser, "en")
    problems += more
    try:
        page.goto(f"{base}/login/")
        sign_in(page, "dmitri")
        page.wait_for_url("**/accounts/")
        assert page.locator("#unread-count").inner_text() == "2"  # the alert, the request
        page.goto(f"{base}/alerts/")
        assert "rita" in page.locator("#alerts").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "export-control-alert.png"))
        page.goto(f"{base}/exports/requests/")
        row = page.locator("#pending-requests tr", has_text="Trade fair mailing")
        row.locator("button[value=approve]").click()
        page.wait_for_url("**/exports/requests/")
        assert page.locator("#pending-requests tbody tr").count() == 0
    finally:
        context.close()
    assert ExportRequest.objects.get().status == RequestStatus.APPROVED
    assert director.pk != member.pk

    context, page, more = watched_page(browser, "en")
    problems += more
    try:
        page.goto(f"{base}/login/")
        sign_in(page, "rita")
        page.wait_for_url("**/accounts/")
        page.goto(f"{base}/notifications/")
        assert "approved" in page.locator("#notifications").inner_text()
        page.goto(f"{base}/exports/requests/")
        page.screenshot(path=str(SCREENSHOTS / "export-control-approved.png"))
        with page.expect_download() as download:
            page.locator("#own-requests button[type=submit]").click()
        saved = tmp_path / "download.csv"
        download.value.save_as(saved)
        lines = saved.read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == 7  # the header, 5 accounts, the watermark
        assert lines[-1].startswith('"#clientbase export') or lines[-1].startswith("#clientbase")
        assert "rita" in lines[-1]
        page.goto(f"{base}/exports/requests/")
        assert page.locator("#own-requests button[type=submit]").count() == 0
    finally:
        context.close()
    assert ExportRequest.objects.get().status == RequestStatus.USED
    assert problems == []
