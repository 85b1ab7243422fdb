"""Adding a person to an account: normalised, audited once, and all-or-nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account, Contact
from clientbase.accounts.services import create_contact
from clientbase.privacy.sealing import reveal

MakeAccount = Callable[..., Account]


def test_it_writes_exactly_one_audit_event(make_account: MakeAccount, owner: User) -> None:
    account = make_account(owner=owner)
    before = AuditEvent.objects.count()

    contact = create_contact(actor=owner, account=account, full_name="Иван Петров")

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == owner
    assert event.action == "contact.create"
    assert event.object_type == "accounts.contact"
    assert event.object_id == str(contact.pk)
    assert reveal(event.changes) == {"full_name": "Иван Петров", "account": account.pk}
    assert "Иван Петров" not in str(event.changes)  # sealed with the person's key


def test_it_reads_the_phone_in_the_accounts_country_and_lower_cases_the_email(
    make_account: MakeAccount, owner: User
) -> None:
    account = make_account(owner=owner, country="IR")

    contact = create_contact(
        actor=owner,
        account=account,
        full_name="علي رضايي",
        phone="۰۹۱۲ ۱۲۳ ۴۵۶۷",
        email="Ali.Rezaei@Example.IR",
    )

    contact.refresh_from_db()
    assert contact.phone == "+989121234567"
    assert contact.email == "ali.rezaei@example.ir"
    assert contact.search_name == "علی رضایی"


def test_a_contact_may_belong_to_no_account(owner: User) -> None:
    contact = create_contact(actor=owner, account=None, full_name="Free Agent")

    assert contact.account is None


def test_a_rep_may_not_add_a_contact_to_an_outsiders_account(
    make_account: MakeAccount, owner: User, outsider: User
) -> None:
    account = make_account(owner=outsider)
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        create_contact(actor=owner, account=account, full_name="Spy")

    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value"), [("phone", "call me"), ("email", "not-an-email"), ("full_name", "")]
)
def test_it_refuses_an_invalid_value_and_creates_nothing(
    make_account: MakeAccount, owner: User, field: str, value: str
) -> None:
    account = make_account(owner=owner)
    fields = {"full_name": "Иван Петров", field: value}
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        create_contact(actor=owner, account=account, **fields)

    assert field in refused.value.message_dict
    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == before


@FAILURES
@pytest.mark.django_db(transaction=True)
def test_it_leaves_nothing_when_the_audit_fails_after_the_save(
    make_account: MakeAccount, owner: User, break_audit: BreakAudit, failure: Exception
) -> None:
    account = make_account(owner=owner)
    before = AuditEvent.objects.count()
    saved = break_audit(failure)

    with pytest.raises(type(failure)):
        create_contact(actor=owner, account=account, full_name="Иван Петров")

    assert saved, "the contact row was saved before the audit failed"
    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == before
