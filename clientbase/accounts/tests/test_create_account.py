"""Creating an account: normalised, audited once, and all-or-nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account, TaxIdentifier
from clientbase.accounts.services import create_account


def test_it_writes_exactly_one_audit_event_describing_the_account(
    owner: User, teammate: User
) -> None:
    before = AuditEvent.objects.count()

    account = create_account(
        actor=owner,
        legal_name="ООО «Рога и копыта»",
        display_name="Рога и копыта",
        city="Moscow",
        account_manager=teammate,
        work_starts=dt.time(9, 0),
    )

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == owner
    assert event.action == "account.create"
    assert event.object_type == "accounts.account"
    assert event.object_id == str(account.pk)
    assert event.changes == {
        "legal_name": [None, "ООО «Рога и копыта»"],
        "display_name": [None, "Рога и копыта"],
        "city": [None, "Moscow"],
        "owner": [None, owner.pk],
        "account_manager": [None, teammate.pk],
        "work_starts": [None, "09:00:00"],
    }


def test_the_system_may_create_an_account_for_an_owner(owner: User) -> None:
    account = create_account(actor=None, legal_name="Imported Ltd", owner=owner)

    event = AuditEvent.objects.get(action="account.create", object_id=str(account.pk))
    assert event.actor is None
    assert event.changes == {
        "legal_name": [None, "Imported Ltd"],
        "display_name": [None, "Imported Ltd"],
        "owner": [None, owner.pk],
    }


def test_it_makes_the_actor_the_owner_when_no_owner_is_given(owner: User) -> None:
    account = create_account(actor=owner, legal_name="Mine Ltd")

    assert account.owner == owner


def test_it_uses_the_legal_name_when_there_is_no_display_name(owner: User) -> None:
    account = create_account(actor=owner, legal_name="Only Legal Ltd")

    assert account.display_name == "Only Legal Ltd"


def test_it_stores_the_phone_in_e164_and_the_email_in_lower_case(owner: User) -> None:
    account = create_account(
        actor=owner, legal_name="Roga", phone="8 (495) 123-45-67", email=" Info@Roga.RU "
    )

    account.refresh_from_db()
    assert account.phone == "+74951234567"
    assert account.email == "info@roga.ru"


def test_it_reads_a_local_phone_number_in_the_accounts_country(owner: User) -> None:
    account = create_account(
        actor=owner, legal_name="Ghoghnoos", country="IR", phone="021 8888 8888"
    )

    assert account.phone == "+982188888888"


def test_it_keeps_the_tax_identifiers(owner: User) -> None:
    account = create_account(
        actor=owner, legal_name="Roga", tax_ids={"ru_inn": "7707083893", "ru_kpp": "773601001"}
    )

    assert dict(account.tax_ids.values_list("kind", "value")) == {
        "ru_inn": "7707083893",
        "ru_kpp": "773601001",
    }


def test_it_refuses_a_field_accounts_do_not_have_and_creates_nothing(owner: User) -> None:
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        create_account(actor=owner, legal_name="Roga", favourite_colour="green")

    assert refused.value.message_dict == {"favourite_colour": ["not an account field"]}
    assert not Account.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "bogus"),
        ("website", "not a url"),
        ("email", "not-an-email"),
        ("phone", "call me"),
    ],
)
def test_it_refuses_an_invalid_value_and_creates_nothing(
    owner: User, field: str, value: str
) -> None:
    fields: dict[str, Any] = {field: value}
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        create_account(actor=owner, legal_name="Roga", **fields)

    assert field in refused.value.message_dict
    assert not Account.objects.exists()
    assert AuditEvent.objects.count() == before


@FAILURES
@pytest.mark.django_db(transaction=True)
def test_it_leaves_nothing_when_the_audit_fails_after_the_save(
    owner: User, break_audit: BreakAudit, failure: Exception
) -> None:
    before = AuditEvent.objects.count()
    saved = break_audit(failure)

    with pytest.raises(type(failure)):
        create_account(actor=owner, legal_name="Roga", tax_ids={"ru_inn": "7707083893"})

    assert saved, "the account row was saved before the audit failed"
    assert not Account.objects.exists()
    assert not TaxIdentifier.objects.exists()
    assert AuditEvent.objects.count() == before
