"""A large export in a real browser: the list's button sends the user to a progress page that
polls while the worker writes the file, then offers the download (en and Persian, RTL)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import Role
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from tests.browser.pages import VIEWPORT, sign_in
from tests.browser.test_browser_tour import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    _require_chromium,
)
from tests.browser.tour_data import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_director_exports_a_large_list_and_downloads_it_when_ready(
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    make_account: Callable[..., Account],
    language: str,
) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    from clientbase.exports.models import Export
    from clientbase.exports.services import run_export

    settings.EXPORT_BACKGROUND_ROWS = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VAR_DIR = tmp_path
    director = create_user(
        actor=None, username="exporter", password=PASSWORD, role=Role.DIRECTOR, language=language
    )
    for name in ("Alpha Steel", "Beta Steel", "Gamma Steel", "Delta Foods"):
        make_account(owner=director, display_name=name)

    with sync_playwright() as playwright:
        browser: Any = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport=VIEWPORT, locale=language).new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        try:
            page.goto(f"{live_server.url}/login/")
            sign_in(page, "exporter")
            page.wait_for_url("**/accounts/")
            page.fill("input[name=q]", "steel")
            page.wait_for_function(
                "() => document.querySelectorAll('#results tbody tr').length === 3"
            )
            page.click("button[name=fmt][value=xlsx]")
            page.wait_for_url("**/exports/*/")
            assert page.locator("#export-progress progress").count() == 1
            assert page.locator("a[download]").count() == 0
            page.screenshot(path=str(SCREENSHOTS / f"export-waiting-{language}.png"))

            export = Export.objects.get()
            run_export(export_id=export.pk)  # the worker, while the page keeps polling
            page.wait_for_selector("#export-progress a[download]", timeout=10_000)
            page.screenshot(path=str(SCREENSHOTS / f"export-ready-{language}.png"))
            with page.expect_download() as download:
                page.click("#export-progress a[download]")
            assert download.value.suggested_filename.endswith(".xlsx")
        finally:
            browser.close()
    assert problems == []
