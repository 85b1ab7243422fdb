"""Recording consent: versioned per purpose, naming the text agreed to, audited, append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Consent, Contact
from clientbase.privacy import services as privacy_services
from clientbase.privacy.erasure import erase_contact
from clientbase.privacy.models import ConsentText
from clientbase.privacy.selectors import consent_history, consent_state
from clientbase.privacy.services import publish_consent_text, record_consent


def test_it_records_a_grant_with_the_newest_text_in_that_language(
    person: Contact, owner: User, texts: dict[str, ConsentText]
) -> None:
    consent = record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="web form",
        language="ru",
    )

    assert consent.consent_text == texts["ru"]
    assert consent.text_version == "2026-01"
    assert consent.recorded_by == owner
    event = AuditEvent.objects.latest("pk")
    assert event.action == "consent.grant"
    assert event.object_type == "accounts.consent"
    assert event.changes["purpose"] == "personal_data"
    assert event.changes["text_version"] == "2026-01"


def test_a_newer_record_is_the_current_state_and_the_older_one_stays_in_history(
    person: Contact, owner: User, texts: dict[str, ConsentText]
) -> None:
    then = timezone.now() - dt.timedelta(days=30)
    record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="paper",
        language="en",
        at=then,
    )
    record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=False,
        channel="e-mail",
        language="en",
    )

    history = consent_history(actor=owner, contact=person)
    state = {s.purpose: s for s in consent_state(history)}
    assert [c.granted for c in history] == [False, True]
    assert state["personal_data"].granted is False
    assert state["personal_data"].latest is not None
    assert state["personal_data"].latest.channel == "e-mail"
    assert state["marketing_email"].latest is None


def test_it_keeps_the_exact_version_agreed_to_after_a_new_wording(
    person: Contact, owner: User, texts: dict[str, ConsentText]
) -> None:
    first = record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="web form",
        language="ru",
    )
    publish_consent_text(
        actor=None, purpose="personal_data", version="2026-06", language="ru", text="Новый текст."
    )

    second = record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="web form",
        language="ru",
    )

    first.refresh_from_db()
    assert first.text_version == "2026-01"
    assert second.text_version == "2026-06"
    assert second.consent_text is not None
    assert second.consent_text.text == "Новый текст."


def test_it_rejects_a_grant_when_no_text_was_published(person: Contact, owner: User) -> None:
    with pytest.raises(ValidationError) as error:
        record_consent(
            actor=owner,
            contact=person,
            purpose="calls",
            granted=True,
            channel="phone",
            language="en",
        )

    assert "version" in error.value.message_dict
    assert not Consent.objects.exists()


def test_a_withdrawal_needs_no_text(person: Contact, owner: User) -> None:
    consent = record_consent(
        actor=owner, contact=person, purpose="calls", granted=False, channel="phone", language="fa"
    )

    assert consent.consent_text is None


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("purpose", {"purpose": "spam"}),
        ("language", {"language": "de"}),
        ("channel", {"channel": "  "}),
        ("at", {"at": timezone.now() + dt.timedelta(days=2)}),
    ],
)
def test_it_rejects_bad_input_with_the_field_named(
    person: Contact,
    owner: User,
    texts: dict[str, ConsentText],
    field: str,
    values: dict[str, object],
) -> None:
    arguments: dict[str, object] = {
        "purpose": "personal_data",
        "granted": True,
        "channel": "web form",
        "language": "en",
        **values,
    }

    with pytest.raises(ValidationError) as error:
        record_consent(actor=owner, contact=person, **arguments)  # type: ignore[arg-type]

    assert field in error.value.message_dict
    assert not Consent.objects.exists()


def test_a_rep_teammate_does_not_see_a_colleagues_contact_but_the_team_lead_records(
    person: Contact, teammate: User, lead: User, texts: dict[str, ConsentText]
) -> None:
    with pytest.raises(Http404):
        record_consent(
            actor=teammate,
            contact=person,
            purpose="personal_data",
            granted=True,
            channel="web form",
            language="en",
        )

    consent = record_consent(
        actor=lead,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="web form",
        language="en",
    )
    assert consent.recorded_by == lead


def test_an_outsider_does_not_learn_the_contact_exists(
    person: Contact, outsider: User, texts: dict[str, ConsentText]
) -> None:
    with pytest.raises(Http404):
        record_consent(
            actor=outsider,
            contact=person,
            purpose="personal_data",
            granted=True,
            channel="web form",
            language="en",
        )
    assert not Consent.objects.exists()


def test_it_takes_no_consent_for_an_erased_person(
    person: Contact, owner: User, director: User, texts: dict[str, ConsentText]
) -> None:
    erase_contact(actor=director, contact=person, legal_basis="subject_request")

    with pytest.raises(ValidationError):
        record_consent(
            actor=owner,
            contact=person,
            purpose="personal_data",
            granted=True,
            channel="web form",
            language="en",
        )


def test_a_published_text_is_never_replaced(texts: dict[str, ConsentText]) -> None:
    with pytest.raises(ValidationError):
        publish_consent_text(
            actor=None, purpose="personal_data", version="2026-01", language="ru", text="Другой."
        )


def test_only_an_administrator_publishes_texts(director: User, admin: User) -> None:
    with pytest.raises(PermissionDenied):
        publish_consent_text(
            actor=director, purpose="calls", version="1", language="en", text="Calls are fine."
        )

    assert publish_consent_text(
        actor=admin, purpose="calls", version="1", language="en", text="Calls are fine."
    ).pk


@FAILURES
def test_nothing_is_recorded_when_the_audit_fails(
    person: Contact,
    owner: User,
    texts: dict[str, ConsentText],
    break_audit: BreakAudit,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
) -> None:
    break_audit(failure)
    monkeypatch.setattr(
        privacy_services, "record_audit", lambda **_: (_ for _ in ()).throw(failure)
    )

    with pytest.raises(type(failure)):
        record_consent(
            actor=owner,
            contact=person,
            purpose="personal_data",
            granted=True,
            channel="web form",
            language="en",
        )

    assert not Consent.objects.exists()
