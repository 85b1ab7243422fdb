"""The subject export over the web: a JSON file or a printable page, for the right holders."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Contact
from clientbase.privacy.tests.conftest import EMAIL, NAME

Login = Callable[[User], Client]


def test_a_director_downloads_a_json_file_about_the_person(
    person: Contact, director: User, login: Login
) -> None:
    url = reverse("web:contact_subject_export", args=[person.pk])

    response = login(director).get(url, {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f"subject-contact-{person.pk}-" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["contact"]["full_name"] == NAME
    assert AuditEvent.objects.filter(action="privacy.subject_export").count() == 1


def test_the_printable_page_shows_the_same_data(
    person: Contact, director: User, login: Login
) -> None:
    url = reverse("web:contact_subject_export", args=[person.pk])

    response = login(director).get(url, {"format": "html"})

    assert response.status_code == 200
    assert EMAIL in response.content.decode()


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider"])
def test_it_refuses_people_without_the_right(
    person: Contact, who: str, login: Login, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)

    response = login(user).get(reverse("web:contact_subject_export", args=[person.pk]))

    assert response.status_code == 403
    assert NAME not in response.content.decode()
    assert not AuditEvent.objects.filter(action="privacy.subject_export").exists()
