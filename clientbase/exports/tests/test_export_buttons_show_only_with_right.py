"""The list page offers the export only to those who hold the right."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("web:account_export")


def test_the_web_button_shows_for_users_with_the_right(
    client: Client, director: User, lead: User
) -> None:
    for user in (director, lead):
        client.force_login(user)
        html = client.get(reverse("web:account_list")).content.decode()
        assert f'formaction="{EXPORT_URL}"' in html
        assert 'name="fmt" value="csv"' in html
        assert 'name="fmt" value="xlsx"' in html


def test_the_web_button_is_hidden_from_reps(client: Client, owner: User) -> None:
    client.force_login(owner)
    html = client.get(reverse("web:account_list")).content.decode()
    assert EXPORT_URL not in html
