"""Completing an activity: done once, by someone allowed to, audited, all-or-nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account
from clientbase.activities.models import Activity, ActivityStatus
from clientbase.activities.services import complete_activity, plan_activity


@pytest.fixture
def call(make_account: Callable[..., Account], owner: User) -> Activity:
    account = make_account(owner=owner)
    return plan_activity(actor=owner, kind="call", subject="Intro call", account=account)


def test_it_marks_the_activity_done_with_its_outcome(call: Activity, owner: User) -> None:
    complete_activity(actor=owner, activity=call, outcome="Wants a quote")

    call.refresh_from_db()
    assert call.status == ActivityStatus.DONE
    assert call.done_at is not None
    assert call.outcome == "Wants a quote"


def test_it_writes_exactly_one_audit_event(call: Activity, owner: User) -> None:
    before = AuditEvent.objects.count()

    complete_activity(actor=owner, activity=call, outcome="Wants a quote")

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == owner
    assert event.action == "activity.complete"
    assert event.object_type == "activities.activity"
    assert event.object_id == str(call.pk)
    assert event.changes["status"] == ["planned", "done"]
    assert event.changes["outcome"] == ["", "Wants a quote"]
    assert event.changes["done_at"][0] is None


def test_it_refuses_to_complete_an_activity_twice(call: Activity, owner: User) -> None:
    complete_activity(actor=owner, activity=call, outcome="first")
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        complete_activity(actor=owner, activity=call, outcome="second")

    assert "status" in refused.value.message_dict
    call.refresh_from_db()
    assert call.outcome == "first"
    assert AuditEvent.objects.count() == before


def test_a_team_lead_may_complete_a_reps_activity(call: Activity, lead: User) -> None:
    complete_activity(actor=lead, activity=call)

    call.refresh_from_db()
    assert call.status == ActivityStatus.DONE


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_another_rep_may_not_complete_it(
    call: Activity, request: pytest.FixtureRequest, who: str
) -> None:
    actor: User = request.getfixturevalue(who)
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        complete_activity(actor=actor, activity=call)

    call.refresh_from_db()
    assert call.status == ActivityStatus.PLANNED
    assert AuditEvent.objects.count() == before


@FAILURES
@pytest.mark.django_db(transaction=True)
def test_it_stays_planned_when_the_audit_fails(
    call: Activity, owner: User, break_audit: BreakAudit, failure: Exception
) -> None:
    before = AuditEvent.objects.count()
    saved = break_audit(failure)

    with pytest.raises(type(failure)):
        complete_activity(actor=owner, activity=call, outcome="Wants a quote")

    assert saved, "the completion was saved before the audit failed"
    call.refresh_from_db()
    assert call.status == ActivityStatus.PLANNED
    assert call.done_at is None
    assert call.outcome == ""
    assert AuditEvent.objects.count() == before
