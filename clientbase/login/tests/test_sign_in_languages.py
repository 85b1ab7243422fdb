"""The sign-in messages and the two-factor pages read in Russian and (right-to-left) Persian."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.login.tests.support import post_login

pytestmark = pytest.mark.django_db

WORDS = {
    "ru": ("не подходят", "Слишком много неудачных попыток"),
    "fa": ("جور نیست", "تلاش‌های ناموفق بیش از حد"),
}


@pytest.mark.parametrize("language", ["ru", "fa"])
def test_refusals_are_translated(client: Client, owner: User, settings: Any, language: str) -> None:
    client.get(reverse("web:login"), {"lang": language})  # remembered in the language cookie
    wrong, locked = WORDS[language]
    assert wrong in post_login(client, "owner", "nope").content.decode()
    for _n in range(settings.LOGIN_LOCKOUT_USERNAME_FAILURES):
        response = post_login(client, "owner", "nope")
    assert locked in response.content.decode()


def test_the_two_factor_settings_page_is_persian_and_right_to_left(
    client: Client, owner: User
) -> None:
    owner.language = "fa"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    html = client.get(reverse("web:two_factor")).content.decode()
    assert 'dir="rtl"' in html
    assert "ورود دومرحله‌ای خاموش است." in html
    assert 'dir="ltr" class="secret-key"' in html  # the key itself stays left-to-right


def test_the_token_page_is_russian(client: Client, owner: User) -> None:
    owner.language = "ru"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    html = client.get(reverse("web:api_tokens")).content.decode()
    assert "API-токены" in html
    assert "Создать токен" in html
