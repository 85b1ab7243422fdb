"""The layout around every page: navigation, who is signed in, language, logging out."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.web.tests.conftest import text_of

pytestmark = pytest.mark.django_db


def test_it_shows_the_users_name_and_role(client: Client, owner: User) -> None:
    owner.first_name, owner.last_name = "Olga", "Ivanova"
    owner.save(update_fields=["first_name", "last_name"])
    client.force_login(owner)
    text = text_of(client.get(reverse("web:account_list")).content.decode())
    assert "Olga Ivanova New-business rep" in text


def test_the_navigation_links_only_pages_that_exist(client: Client, owner: User) -> None:
    client.force_login(owner)
    html = client.get(reverse("web:account_list")).content.decode()
    nav = re.search(r'<nav class="nav">(.*?)</nav>', html, re.S)
    assert nav is not None
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert links == [
        reverse("web:account_list"),
        reverse("web:analytics_dashboard"),
        reverse("web:notification_list"),
    ]
    assert 'aria-current="page"' in nav.group(1)
    for link in re.findall(r'href="(/[^"]*)"', html):
        if link.startswith("/static/"):
            continue
        assert client.get(link).status_code in {200, 302}, link


def test_logging_out_is_a_post_form_with_a_csrf_token(client: Client, owner: User) -> None:
    client.force_login(owner)
    html = client.get(reverse("web:account_list")).content.decode()
    form = re.search(
        rf'<form method="post" action="{reverse("web:logout")}">(.*?)</form>', html, re.S
    )
    assert form is not None
    assert "csrfmiddlewaretoken" in form.group(1)


def test_the_account_page_links_back_to_the_list(
    client: Client, owner: User, make_account: object
) -> None:
    assert callable(make_account)
    account = make_account(owner=owner)
    client.force_login(owner)
    html = client.get(reverse("web:account_detail", args=[account.pk])).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S)
    assert crumbs is not None
    assert f'href="{reverse("web:account_list")}"' in crumbs.group(1)
