"""The account page links the website only when it is an http(s) address: a stored
javascript: or data: URL is shown as text, never as a link."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.web.templatetags.cb_format import web_link

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "javascript:window.__xss=1",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example",
        "http://[::1",
    ],
)
def test_it_refuses_an_address_that_is_not_http(address: str) -> None:
    assert web_link(address) == ""


def test_it_keeps_an_http_address() -> None:
    assert web_link("https://northwind.example/") == "https://northwind.example/"


def test_the_page_shows_a_javascript_website_as_text_only(
    login: Callable[[User], Client], owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    Account.objects.filter(pk=account.pk).update(website="javascript:window.__xss=1")

    html = login(owner).get(reverse("web:account_detail", args=[account.pk])).content.decode()

    assert 'href="javascript:' not in html
    assert '<bdi dir="ltr">javascript:window.__xss=1</bdi>' in html


def test_the_page_links_an_https_website(
    login: Callable[[User], Client], owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner, website="https://northwind.example")

    html = login(owner).get(reverse("web:account_detail", args=[account.pk])).content.decode()

    assert 'href="https://northwind.example"' in html
