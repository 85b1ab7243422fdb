"""What every browser tour does first: a fresh page that records what goes wrong, and signing in."""

from __future__ import annotations

from typing import Any

from tests.browser.tour_data import PASSWORD

VIEWPORT = {"width": 1366, "height": 900}


def watched_page(browser: Any, language: str, **options: Any) -> tuple[Any, Any, list[str]]:
    """(context, page, problems): console errors, page errors and CSP violations land in
    `problems`; Chromium logs CSP violations too, the init script names the directive.
    `options` go to the browser context (e.g. bypass_csp=True)."""
    context = browser.new_context(viewport=VIEWPORT, locale=language, **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"
    )
    return context, page, problems


def sign_in(page: Any, username: str) -> None:
    """Fill the login form the page shows and submit it."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
