"""Planning an activity: audited once, refused when it makes no sense, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account
from clientbase.activities.models import Activity, ActivityStatus
from clientbase.activities.services import plan_activity

MakeAccount = Callable[..., Account]
TOMORROW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def test_it_plans_the_activity_for_the_actor(make_account: MakeAccount, owner: User) -> None:
    account = make_account(owner=owner)

    activity = plan_activity(
        actor=owner, kind="call", subject="Intro call", account=account, due_at=TOMORROW
    )

    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED
    assert activity.owner == owner
    assert activity.due_at == TOMORROW
    assert activity.done_at is None


def test_it_writes_exactly_one_audit_event(make_account: MakeAccount, owner: User) -> None:
    account = make_account(owner=owner)
    before = AuditEvent.objects.count()

    activity = plan_activity(actor=owner, kind="meeting", subject="Demo", account=account)

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == owner
    assert event.action == "activity.create"
    assert event.object_type == "activities.activity"
    assert event.object_id == str(activity.pk)
    assert event.changes == {
        "kind": [None, "meeting"],
        "subject": [None, "Demo"],
        "account": [None, account.pk],
        "owner": [None, owner.pk],
        "duration_minutes": [None, 0],
    }


def test_a_lead_may_plan_an_activity_for_a_rep(
    make_account: MakeAccount, owner: User, lead: User
) -> None:
    account = make_account(owner=owner)

    activity = plan_activity(
        actor=lead, kind="task", subject="Follow up", account=account, owner=owner
    )

    assert activity.owner == owner


def test_it_refuses_an_unknown_kind(owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        plan_activity(actor=owner, kind="telegram", subject="Ping")

    assert "kind" in refused.value.message_dict
    assert not Activity.objects.exists()


def test_it_refuses_a_due_time_without_a_time_zone(owner: User) -> None:
    naive = dt.datetime(2026, 11, 23, 10)  # noqa: DTZ001 - naive on purpose

    with pytest.raises(ValidationError) as refused:
        plan_activity(actor=owner, kind="call", subject="Call", due_at=naive)

    assert "due_at" in refused.value.message_dict
    assert not Activity.objects.exists()


def test_a_rep_may_not_plan_on_an_outsiders_account(
    make_account: MakeAccount, owner: User, outsider: User
) -> None:
    theirs = make_account(owner=outsider)
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        plan_activity(actor=owner, kind="call", subject="Poach", account=theirs)

    assert not Activity.objects.exists()
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
        plan_activity(actor=owner, kind="call", subject="Intro call", account=account)

    assert saved, "the activity row was saved before the audit failed"
    assert not Activity.objects.exists()
    assert AuditEvent.objects.count() == before
