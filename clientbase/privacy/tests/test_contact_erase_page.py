"""Erasure from the web: a confirmation step, then the act; nothing without the right."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Contact
from clientbase.privacy.models import DestructionAct
from clientbase.privacy.sealing import ERASED
from clientbase.privacy.tests.conftest import NAME
from clientbase.web.tests.conftest import text_of

Login = Callable[[User], Client]


def test_the_confirmation_page_says_it_cannot_be_undone(
    person: Contact, director: User, login: Login
) -> None:
    response = login(director).get(reverse("web:contact_erase", args=[person.pk]))

    assert response.status_code == 200
    assert "This cannot be undone." in text_of(response.content.decode())


def test_without_the_tick_nothing_is_erased(person: Contact, director: User, login: Login) -> None:
    url = reverse("web:contact_erase", args=[person.pk])

    response = login(director).post(url, {"legal_basis": "subject_request"})

    assert response.status_code == 400
    assert "Tick the box to confirm." in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == NAME


def test_a_confirmed_erasure_leads_to_the_act(
    person: Contact, director: User, login: Login
) -> None:
    url = reverse("web:contact_erase", args=[person.pk])

    response = login(director).post(
        url, {"legal_basis": "subject_request", "reason": "Request 12/2026", "confirm": "on"}
    )

    act = DestructionAct.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:destruction_act", args=[act.pk])
    person.refresh_from_db()
    assert person.full_name == ERASED
    again = login(director).get(url)
    assert again.status_code == 302  # already erased: straight to the act


@pytest.mark.parametrize("who", ["owner", "lead", "outsider"])
def test_it_refuses_people_without_the_right(
    person: Contact, who: str, login: Login, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    url = reverse("web:contact_erase", args=[person.pk])
    client = login(user)

    assert client.get(url).status_code == 403
    response = client.post(url, {"legal_basis": "subject_request", "confirm": "on"})

    assert response.status_code == 403
    assert not DestructionAct.objects.exists()
