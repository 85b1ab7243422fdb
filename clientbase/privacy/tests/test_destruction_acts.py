"""The destruction log and the printable act, in Russian, English and Persian."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account, Contact
from clientbase.accounts.services import create_contact
from clientbase.privacy.erasure import erase_contact
from clientbase.privacy.models import DestructionAct
from clientbase.privacy.tests.conftest import NAME
from clientbase.web.tests.conftest import text_of

Login = Callable[[User], Client]


@pytest.fixture
def act(person: Contact, director: User) -> DestructionAct:
    return erase_contact(actor=director, contact=person, legal_basis="subject_request")


def test_the_act_prints_in_russian_with_the_title_the_law_names(
    act: DestructionAct, director: User, login: Login
) -> None:
    response = login(director).get(reverse("web:destruction_act", args=[act.pk]), {"lang": "ru"})

    page = text_of(response.content.decode())
    assert response.status_code == 200
    assert "Акт об уничтожении персональных данных" in page
    assert act.number in page
    assert "152-ФЗ" in page
    assert NAME not in page


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Act of destruction of personal data"), ("fa", "صورت‌جلسه امحای داده‌های شخصی")],
)
def test_the_act_prints_in_english_and_persian(
    act: DestructionAct, director: User, login: Login, lang: str, title: str
) -> None:
    response = login(director).get(reverse("web:destruction_act", args=[act.pk]), {"lang": lang})

    assert title in text_of(response.content.decode())


def test_the_log_lists_every_act_for_an_auditor(
    act: DestructionAct, auditor: User, login: Login
) -> None:
    response = login(auditor).get(reverse("web:destruction_act_list"))

    assert response.status_code == 200
    assert act.number in response.content.decode()


@pytest.mark.parametrize("who", ["owner", "lead", "outsider"])
def test_others_may_not_read_the_log(
    act: DestructionAct, who: str, login: Login, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(who))

    assert client.get(reverse("web:destruction_act_list")).status_code == 403
    assert client.get(reverse("web:destruction_act", args=[act.pk])).status_code == 403


def test_the_log_costs_the_same_queries_for_one_act_or_many(
    act: DestructionAct,
    account: Account,
    owner: User,
    director: User,
    login: Login,
) -> None:
    client = login(director)
    url = reverse("web:destruction_act_list")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        other = create_contact(actor=owner, account=account, full_name=f"Person {n}")
        erase_contact(actor=director, contact=other, legal_basis="purpose_achieved")

    with CaptureQueriesContext(connection) as four:
        response = client.get(url)

    assert response.content.decode().count("PD-") >= 4
    assert len(four) == len(one)
