"""No stack trace reaches a user: friendly, translated 400/403/404/500 pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("clientbase.web.tests.failing_urls")]


def test_a_crash_shows_a_friendly_page_without_the_traceback(owner: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    response = client.get("/test-crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret internals" not in html
    assert "Traceback" not in html
    assert 'href="/static/web/css/app.css"' in html


def test_the_crash_page_is_translated(owner: User) -> None:
    owner.language = "fa"
    owner.save(update_fields=["language"])
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    html = client.get("/test-crash/").content.decode()
    assert "مشکلی پیش آمد" in html
    assert 'dir="rtl"' in html


def test_an_unknown_address_shows_a_friendly_404(client: Client, owner: User) -> None:
    owner.language = "ru"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_a_forbidden_action_shows_a_friendly_403(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access denied" in html
    assert "secret reason" not in html


def test_a_form_without_its_csrf_token_shows_a_friendly_403(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_a_bad_request_shows_a_friendly_400(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post(reverse("web:set_language"), {"language": "klingon"})
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
