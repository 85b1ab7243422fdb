"""Changing an account: a field-level audit diff, permission first, and all-or-nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery, account_list
from clientbase.accounts.services import update_account

MakeAccount = Callable[..., Account]


def test_it_writes_one_audit_event_with_each_changed_field_old_and_new(
    make_account: MakeAccount, owner: User, teammate: User
) -> None:
    account = make_account(owner=owner, city="Moscow", industry="Retail")
    before = AuditEvent.objects.count()

    update_account(
        actor=owner,
        account=account,
        city="Kazan",
        status="active",
        industry="Retail",  # unchanged: not in the diff
        account_manager=teammate,
    )

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == owner
    assert event.action == "account.update"
    assert event.object_type == "accounts.account"
    assert event.object_id == str(account.pk)
    assert event.changes == {
        "city": ["Moscow", "Kazan"],
        "status": ["prospect", "active"],
        "account_manager": [None, teammate.pk],
    }


def test_it_saves_the_changes(make_account: MakeAccount, owner: User) -> None:
    account = make_account(owner=owner, city="Moscow")

    returned = update_account(actor=owner, account=account, city="Kazan", email="Sales@Roga.RU")

    account.refresh_from_db()
    assert account.city == returned.city == "Kazan"
    assert account.email == "sales@roga.ru"


def test_it_writes_no_audit_event_when_nothing_really_changes(
    make_account: MakeAccount, owner: User
) -> None:
    account = make_account(owner=owner, phone="+74951234567", city="Moscow")
    before = AuditEvent.objects.count()

    update_account(actor=owner, account=account, phone="8 (495) 123-45-67", city="Moscow")

    assert AuditEvent.objects.count() == before


def test_it_refreshes_the_search_name_on_rename(
    make_account: MakeAccount, owner: User, director: User
) -> None:
    account = make_account(owner=owner, legal_name="ООО «Старое»", display_name="Старое")

    update_account(actor=owner, account=account, legal_name="ООО «Новое»", display_name="Новое")

    def found(q: str) -> list[int]:
        page = account_list(actor=director, query=AccountListQuery(q=q))
        return [a.pk for a in page.accounts]

    assert found("новое") == [account.pk]
    assert found("старое") == []


def test_a_rep_may_not_change_an_outsiders_account_and_nothing_changes(
    make_account: MakeAccount, owner: User, outsider: User
) -> None:
    account = make_account(owner=outsider, city="Tehran")
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        update_account(actor=owner, account=account, city="Moscow", owner=owner)

    account.refresh_from_db()
    assert account.city == "Tehran"
    assert account.owner == outsider
    assert AuditEvent.objects.count() == before


def test_a_team_lead_may_change_a_team_members_account(
    make_account: MakeAccount, teammate: User, lead: User
) -> None:
    account = make_account(owner=teammate)

    update_account(actor=lead, account=account, city="Kazan")

    account.refresh_from_db()
    assert account.city == "Kazan"


def test_an_inactive_user_may_not_change_even_their_own_account(
    make_account: MakeAccount, owner: User
) -> None:
    account = make_account(owner=owner)
    owner.is_active = False
    owner.save()

    with pytest.raises(PermissionDenied):
        update_account(actor=owner, account=account, city="Kazan")


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "bogus"), ("display_name", ""), ("phone", "call me"), ("size_band", "huge")],
)
def test_it_refuses_an_invalid_value_and_nothing_changes(
    make_account: MakeAccount, owner: User, field: str, value: str
) -> None:
    account = make_account(owner=owner, city="Moscow")
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        update_account(actor=owner, account=account, city="Kazan", **{field: value})

    assert field in refused.value.message_dict
    account.refresh_from_db()
    assert account.city == "Moscow"
    assert AuditEvent.objects.count() == before


def test_it_refuses_a_field_accounts_do_not_have(make_account: MakeAccount, owner: User) -> None:
    account = make_account(owner=owner)

    with pytest.raises(ValidationError) as refused:
        update_account(actor=owner, account=account, search_name="hacked")

    assert refused.value.message_dict == {"search_name": ["not an account field"]}


@FAILURES
@pytest.mark.django_db(transaction=True)
def test_it_leaves_the_account_as_it_was_when_the_audit_fails(
    make_account: MakeAccount, owner: User, break_audit: BreakAudit, failure: Exception
) -> None:
    account = make_account(owner=owner, city="Moscow")
    before = AuditEvent.objects.count()
    saved = break_audit(failure)

    with pytest.raises(type(failure)):
        update_account(actor=owner, account=account, city="Kazan", display_name="Renamed")

    assert saved, "the change was saved before the audit failed"
    account.refresh_from_db()
    assert account.city == "Moscow"
    assert account.display_name != "Renamed"
    assert AuditEvent.objects.count() == before
