"""The subject access export: everything about one person, decrypted, right-checked, audited."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account, Contact
from clientbase.activities.services import plan_activity
from clientbase.privacy.erasure import erase_contact
from clientbase.privacy.models import ConsentText
from clientbase.privacy.services import export_subject_data, record_consent
from clientbase.privacy.tests.conftest import EMAIL, NAME, PHONE, TELEGRAM


def test_it_holds_the_contact_consents_activities_and_decrypted_audit(
    person: Contact,
    account: Account,
    owner: User,
    director: User,
    texts: dict[str, ConsentText],
) -> None:
    record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="web form",
        language="ru",
    )
    plan_activity(actor=owner, kind="call", subject=f"Call {NAME}", account=account, contact=person)

    data = export_subject_data(actor=director, contact=person, fmt="json")

    json.dumps(data)  # machine-readable as it stands
    assert data["contact"]["full_name"] == NAME
    assert data["contact"]["email"] == EMAIL
    assert data["contact"]["phone"] == PHONE
    assert data["contact"]["messengers"] == {"telegram": TELEGRAM}
    assert data["consents"][0]["text"] == texts["ru"].text
    assert data["activities"][0]["subject"] == f"Call {NAME}"
    created = next(e for e in data["audit"] if e["action"] == "contact.create")
    assert created["changes"]["full_name"] == NAME
    assert any(e["action"] == "consent.grant" for e in data["audit"])


def test_the_export_itself_is_audited(person: Contact, director: User) -> None:
    export_subject_data(actor=director, contact=person, fmt="html")

    event = AuditEvent.objects.get(action="privacy.subject_export")
    assert event.actor == director
    assert event.object_id == str(person.pk)
    assert event.changes["format"] == "html"


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "lead"])
def test_it_rejects_an_export_without_the_right(
    person: Contact, who: str, request: pytest.FixtureRequest
) -> None:
    actor: User = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        export_subject_data(actor=actor, contact=person, fmt="json")

    assert not AuditEvent.objects.filter(action="privacy.subject_export").exists()


def test_after_erasure_the_export_shows_only_the_mask(person: Contact, director: User) -> None:
    erase_contact(actor=director, contact=person, legal_basis="subject_request")

    data = export_subject_data(actor=director, contact=person, fmt="json")

    assert data["erased"] is True
    assert NAME not in json.dumps(data, ensure_ascii=False)
    assert EMAIL not in json.dumps(data, ensure_ascii=False)


def test_it_finds_activities_that_name_the_person_without_being_linked_to_them(
    person: Contact, account: Account, owner: User, director: User
) -> None:
    subject = f"Send the price list to {EMAIL}"
    plan_activity(actor=owner, kind="note", subject=subject, account=account)
    plan_activity(actor=owner, kind="note", subject="Order paper", account=account)

    data = export_subject_data(actor=director, contact=person, fmt="json")

    assert [a["subject"] for a in data["activities"]] == [subject]
