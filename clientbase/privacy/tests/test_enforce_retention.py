"""The retention schedule: expired contacts anonymised once, with acts and one audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account, Contact
from clientbase.accounts.services import create_contact
from clientbase.privacy.models import ConsentText, DestructionAct
from clientbase.privacy.retention import enforce_retention, run_if_due
from clientbase.privacy.sealing import ERASED
from clientbase.privacy.services import record_consent, set_retention_rule

LATER = dt.timedelta(days=400)


def test_an_inactive_contact_is_anonymised_after_its_period(
    person: Contact, account: Account, owner: User
) -> None:
    fresh = create_contact(actor=owner, account=account, full_name="Мария Новикова")
    Contact.objects.filter(pk=fresh.pk).update(updated_at=timezone.now() + LATER)
    set_retention_rule(actor=None, kind="inactive_contact", days=365)

    outcome = enforce_retention(now=timezone.now() + LATER)

    person.refresh_from_db()
    fresh.refresh_from_db()
    assert outcome.expired == {"inactive_contact": [person.pk]}
    assert person.full_name == ERASED
    assert fresh.full_name == "Мария Новикова"
    act = DestructionAct.objects.get()
    assert (act.trigger, act.legal_basis, act.actor) == ("retention", "retention_expired", None)


def test_current_consent_to_processing_keeps_an_inactive_contact(
    person: Contact, owner: User, texts: dict[str, ConsentText]
) -> None:
    record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=True,
        channel="web form",
        language="en",
    )
    set_retention_rule(actor=None, kind="inactive_contact", days=30)

    outcome = enforce_retention(now=timezone.now() + LATER)

    assert outcome.total == 0
    person.refresh_from_db()
    assert person.full_name != ERASED


def test_a_withdrawal_older_than_its_period_erases_and_a_recent_one_does_not(
    person: Contact, owner: User
) -> None:
    record_consent(
        actor=owner,
        contact=person,
        purpose="personal_data",
        granted=False,
        channel="e-mail",
        language="en",
        at=timezone.now() - dt.timedelta(days=10),
    )
    set_retention_rule(actor=None, kind="consent_withdrawn", days=30)

    assert enforce_retention(now=timezone.now()).total == 0
    outcome = enforce_retention(now=timezone.now() + dt.timedelta(days=25))

    assert outcome.expired == {"consent_withdrawn": [person.pk]}
    assert DestructionAct.objects.get().legal_basis == "consent_withdrawn"


def test_a_second_run_changes_nothing(person: Contact) -> None:
    set_retention_rule(actor=None, kind="inactive_contact", days=1)
    first = enforce_retention(now=timezone.now() + LATER)

    second = enforce_retention(now=timezone.now() + LATER)

    assert first.total == 1
    assert second.total == 0
    assert DestructionAct.objects.count() == 1
    assert AuditEvent.objects.filter(action="privacy.retention_run").count() == 2


def test_a_dry_run_lists_and_changes_nothing(person: Contact) -> None:
    set_retention_rule(actor=None, kind="inactive_contact", days=1)

    outcome = enforce_retention(now=timezone.now() + LATER, dry_run=True)

    assert outcome.expired == {"inactive_contact": [person.pk]}
    assert not DestructionAct.objects.exists()
    assert not AuditEvent.objects.filter(action="privacy.retention_run").exists()


def test_an_inactive_rule_does_nothing(person: Contact) -> None:
    set_retention_rule(actor=None, kind="inactive_contact", days=1, active=False)

    assert enforce_retention(now=timezone.now() + LATER).total == 0


def test_the_schedule_runs_once_a_day(person: Contact) -> None:
    set_retention_rule(actor=None, kind="inactive_contact", days=1)
    Contact.objects.filter(pk=person.pk).update(updated_at=timezone.now() - LATER)

    first = run_if_due(now=timezone.now())
    assert first is not None
    assert first.total == 1
    assert run_if_due(now=timezone.now()) is None
    assert AuditEvent.objects.filter(action="privacy.retention_run").count() == 1


def test_changing_a_rule_is_audited_and_bad_rules_are_refused(
    db: None, owner: User, admin: User
) -> None:
    set_retention_rule(actor=admin, kind="inactive_contact", days=1095)

    event = AuditEvent.objects.get(action="privacy.retention_rule")
    assert event.changes["days"] == [None, 1095]
    with pytest.raises(ValidationError):
        set_retention_rule(actor=admin, kind="forever", days=5)
    with pytest.raises(ValidationError):
        set_retention_rule(actor=admin, kind="inactive_contact", days=0)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        set_retention_rule(actor=owner, kind="inactive_contact", days=10)
