"""Recording consent from the contact page: a new record, or the form again with the error."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Consent, Contact
from clientbase.privacy.models import ConsentText

Login = Callable[[User], Client]

FORM = {
    "purpose": "personal_data",
    "granted": "1",
    "channel": "paper form",
    "language": "fa",
    "version": "",
}


def test_it_records_the_consent_and_returns_to_the_page(
    person: Contact, owner: User, login: Login, texts: dict[str, ConsentText]
) -> None:
    url = reverse("web:contact_consent", args=[person.pk])

    response = login(owner).post(url, FORM)

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.consent_text, consent.channel, consent.recorded_by) == (
        texts["fa"],
        "paper form",
        owner,
    )


def test_it_shows_why_a_grant_without_a_published_text_was_refused(
    person: Contact, owner: User, login: Login
) -> None:
    url = reverse("web:contact_consent", args=[person.pk])

    response = login(owner).post(url, FORM)

    assert response.status_code == 400
    assert "publish a consent text" in response.content.decode()
    assert not Consent.objects.exists()


def test_an_outsider_cannot_record_consent_by_id(
    person: Contact, outsider: User, login: Login, texts: dict[str, ConsentText]
) -> None:
    response = login(outsider).post(reverse("web:contact_consent", args=[person.pk]), FORM)

    assert response.status_code == 404
    assert not Consent.objects.exists()


def test_a_get_is_not_allowed(person: Contact, owner: User, login: Login) -> None:
    response = login(owner).get(reverse("web:contact_consent", args=[person.pk]))

    assert response.status_code == 405
