"""Pages keep to the strict Content-Security-Policy: no inline code or style without a nonce."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account

pytestmark = pytest.mark.django_db

MakeAccount = Callable[..., Account]


@pytest.fixture
def pages(client: Client, owner: User, make_account: MakeAccount) -> dict[str, str]:
    account = make_account(owner=owner, phone="+74951234567", tax_ids={"ru_inn": "7701234567"})
    found = {"login": client.get(reverse("web:login")).content.decode()}
    client.force_login(owner)
    found["list"] = client.get(reverse("web:account_list")).content.decode()
    found["results"] = client.get(
        reverse("web:account_list"), headers={"HX-Request": "true"}
    ).content.decode()
    found["account"] = client.get(reverse("web:account_detail", args=[account.pk])).content.decode()
    found["404"] = client.get("/no/such/page/").content.decode()
    return found


def test_every_page_sends_a_strict_content_security_policy(client: Client, owner: User) -> None:
    client.force_login(owner)
    policy = client.get(reverse("web:account_list"))["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_scripts_are_files_from_our_own_static_folder_with_the_nonce(
    pages: dict[str, str],
) -> None:
    for name, html in pages.items():
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert re.search(r'src="/static/', tag), (name, tag)
            assert re.search(r'nonce="[^"]+"', tag), (name, tag)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), f"inline script on {name}"


def test_no_page_has_inline_styles_or_inline_event_handlers(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        assert not re.search(r"\sstyle\s*=", html), name
        assert "<style" not in html, name
        assert not re.search(r"\son[a-z]+\s*=", html), name
        assert not re.search(r"\shx-on", html), name
        assert "javascript:" not in html, name


def test_htmx_is_told_not_to_eval_or_inject_styles(pages: dict[str, str]) -> None:
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", pages["list"])
    assert meta is not None
    config = json.loads(unescape(meta.group(1)))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0, "no client data is kept in localStorage"


def test_assets_come_only_from_our_own_origin(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"(https?:)?//", url) or url.startswith("https://romashka"), (
                name,
                url,
            )
