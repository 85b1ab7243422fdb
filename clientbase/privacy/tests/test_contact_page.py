"""The contact page: fields, consent state and history, the privacy actions by right."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Contact
from clientbase.privacy.models import ConsentText
from clientbase.privacy.services import record_consent
from clientbase.privacy.tests.conftest import EMAIL, NAME
from clientbase.web.tests.conftest import text_of

Login = Callable[[User], Client]


def test_the_owner_sees_the_person_current_consent_and_its_history(
    person: Contact, owner: User, login: Login, texts: dict[str, ConsentText]
) -> None:
    record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="web form",
        language="ru",
    )

    response = login(owner).get(reverse("web:contact_detail", args=[person.pk]))

    page = text_of(response.content.decode())
    assert response.status_code == 200
    assert NAME in page
    assert EMAIL in page
    assert "Granted" in page
    assert texts["ru"].text in page
    assert "Record a consent or a withdrawal" in page
    assert "Erase personal data" not in page  # a rep has no such right
    assert "Download all data" not in page


def test_a_director_sees_the_export_and_erase_actions(
    person: Contact, director: User, login: Login
) -> None:
    page = login(director).get(reverse("web:contact_detail", args=[person.pk])).content.decode()

    assert reverse("web:contact_erase", args=[person.pk]) in page
    assert reverse("web:contact_subject_export", args=[person.pk]) in page


@pytest.mark.parametrize("who", ["teammate", "outsider"])
def test_others_get_a_404(
    person: Contact, who: str, login: Login, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)

    response = login(user).get(reverse("web:contact_detail", args=[person.pk]))

    assert response.status_code == 404


def test_the_account_page_links_to_the_contact(person: Contact, owner: User, login: Login) -> None:
    assert person.account is not None
    page = login(owner).get(reverse("web:account_detail", args=[person.account.pk]))

    assert reverse("web:contact_detail", args=[person.pk]) in page.content.decode()


def test_it_answers_an_anonymous_visitor_with_the_login_page(
    person: Contact, client: Client
) -> None:
    response = client.get(reverse("web:contact_detail", args=[person.pk]))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_contact_page_costs_the_same_queries_for_one_consent_or_many(
    person: Contact, owner: User, login: Login, texts: dict[str, ConsentText]
) -> None:
    client = login(owner)
    url = reverse("web:contact_detail", args=[person.pk])

    def consent() -> None:
        record_consent(
            actor=owner,
            contact=person,
            purpose="personal_data",
            granted=True,
            channel="web form",
            language="ru",
        )

    consent()
    client.get(url)  # the day's first counted view creates the usage row (anti-theft counters)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        consent()

    with CaptureQueriesContext(connection) as five:
        client.get(url)

    assert len(five) == len(one)


def test_a_contact_without_an_account_is_seen_only_by_all_records_roles(
    owner: User, director: User, login: Login
) -> None:
    from clientbase.accounts.services import create_contact

    loner = create_contact(actor=None, account=None, full_name="Free Agent")
    url = reverse("web:contact_detail", args=[loner.pk])

    assert login(owner).get(url).status_code == 404
    assert login(director).get(url).status_code == 200
