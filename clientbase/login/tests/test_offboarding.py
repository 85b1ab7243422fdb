"""Offboarding a leaver: deactivated, sessions ended, tokens revoked, the book handed over by
the chosen rule with a handoff task for each receiver, all audited, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.access.services import record_audit
from clientbase.accounts.models import Account
from clientbase.activities.models import Activity, ActivityKind
from clientbase.login import offboarding
from clientbase.login.models import ApiToken
from clientbase.login.offboarding import Rule, offboard_user, plan_offboarding
from clientbase.login.tests.conftest import Book
from clientbase.sales.models import Deal

pytestmark = pytest.mark.django_db


def owner_of(model: type[Account] | type[Deal] | type[Activity], pk: int) -> int | None:
    return model.objects.values_list("owner_id", flat=True).get(pk=pk)


def test_the_team_lead_rule_hands_the_whole_book_to_the_lead(
    book: Book, owner: User, lead: User, director: User
) -> None:
    offboard_user(actor=director, user=owner, rule=Rule.TEAM_LEAD)
    for account in book.owned:
        assert owner_of(Account, account.pk) == lead.pk
    assert Account.objects.get(pk=book.managed.pk).account_manager_id == lead.pk
    for deal in [*book.open_deals, book.stray_deal]:
        assert owner_of(Deal, deal.pk) == lead.pk
    assert owner_of(Activity, book.account_task.pk) == lead.pk
    assert owner_of(Activity, book.loose_task.pk) == lead.pk


def test_round_robin_deals_the_book_out_among_active_teammates_keeping_clients_together(
    book: Book, owner: User, lead: User, teammate: User, director: User
) -> None:
    outcome = offboard_user(actor=director, user=owner, rule=Rule.ROUND_ROBIN)
    receivers = sorted([lead, teammate], key=lambda u: u.pk)
    assert [r.pk for r in outcome.plan.receivers] == [r.pk for r in receivers]
    accounts = sorted([*book.owned, book.managed], key=lambda a: a.pk)
    received = {}
    for n, account in enumerate(accounts):
        fresh = Account.objects.get(pk=account.pk)
        holder = fresh.account_manager_id if account == book.managed else fresh.owner_id
        assert holder == receivers[n % 2].pk
        received[account.pk] = holder
    for deal in book.open_deals:
        assert owner_of(Deal, deal.pk) == received[deal.account_id]
    assert owner_of(Activity, book.account_task.pk) == received[book.owned[3].pk]
    assert owner_of(Deal, book.stray_deal.pk) in {lead.pk, teammate.pk}
    assert owner_of(Activity, book.loose_task.pk) in {lead.pk, teammate.pk}
    # the outsider still owns the account `owner` only managed
    assert owner_of(Account, book.managed.pk) != owner.pk


def test_named_people_share_the_book_in_turn(
    book: Book, owner: User, outsider: User, director: User
) -> None:
    named = [outsider, director]
    plan = plan_offboarding(actor=director, user=owner, rule=Rule.NAMED, named=named)
    offboard_user(actor=director, user=owner, rule=Rule.NAMED, named=named)
    for move in plan.moves:
        record = {
            "account": Account.objects.filter(pk=move.pk),
            "deal": Deal.objects.filter(pk=move.pk),
            "activity": Activity.objects.filter(pk=move.pk),
        }[move.kind].get()
        for name in move.fields:
            assert getattr(record, f"{name}_id") == move.receiver.pk
    assert {m.receiver.pk for m in plan.moves} == {outsider.pk, director.pk}


def test_history_keeps_its_owner(book: Book, owner: User, director: User) -> None:
    offboard_user(actor=director, user=owner, rule=Rule.TEAM_LEAD)
    assert owner_of(Deal, book.won_deal.pk) == owner.pk
    assert owner_of(Activity, book.done_task.pk) == owner.pk
    assert owner_of(Account, book.untouched.pk) != owner.pk


def test_nothing_open_stays_with_the_leaver(book: Book, owner: User, director: User) -> None:
    offboard_user(actor=director, user=owner, rule=Rule.ROUND_ROBIN)
    assert not Account.objects.filter(owner=owner).exists()
    assert not Account.objects.filter(account_manager=owner).exists()
    assert not Deal.objects.filter(owner=owner, status="open").exists()
    assert not Activity.objects.filter(owner=owner, status="planned").exists()


def test_tokens_are_rejected_and_the_session_ends_right_after(
    client: Client, book: Book, owner: User, director: User
) -> None:
    for raw in book.raw_tokens:
        response = client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200
    assert book.session.get(reverse("web:account_list")).status_code == 200
    outcome = offboard_user(actor=director, user=owner, rule=Rule.TEAM_LEAD)
    assert outcome.tokens_revoked == 2
    assert outcome.sessions_ended == 1
    for raw in book.raw_tokens:
        response = client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 401
    assert book.session.get(reverse("web:account_list")).status_code == 302
    assert not ApiToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
    owner.refresh_from_db()
    assert not owner.is_active


def test_each_receiver_gets_a_handoff_task_naming_what_they_received(
    book: Book, owner: User, lead: User, teammate: User, director: User
) -> None:
    outcome = offboard_user(actor=director, user=owner, rule=Rule.ROUND_ROBIN)
    assert len(outcome.handoff_tasks) == 2
    for task in outcome.handoff_tasks:
        assert task.kind == ActivityKind.TASK
        receiver = next(r for r in outcome.plan.receivers if r.pk == task.owner_id)
        counts = outcome.plan.counts(receiver)
        assert task.subject.startswith("Handoff from owner")
        assert f"{counts['account']} accounts" in task.subject
        assert f"{counts['deal']} open deals" in task.subject


def test_every_change_is_audited(book: Book, owner: User, director: User) -> None:
    before = AuditEvent.objects.count()
    outcome = offboard_user(actor=director, user=owner, rule=Rule.ROUND_ROBIN)
    events = AuditEvent.objects.order_by("pk")[before:]
    actions = [e.action for e in events]
    counts = outcome.plan.counts()
    assert actions.count("account.reassign") == counts["account"] == 5
    assert actions.count("deal.reassign") == counts["deal"] == 3
    assert actions.count("activity.reassign") == counts["activity"] == 2
    assert actions.count("api_token.revoke") == 2
    assert actions.count("activity.create") == 2  # the handoff tasks
    assert actions.count("user.deactivate") == 1
    summary = next(e for e in events if e.action == "user.offboard")
    assert summary.actor == director
    assert summary.changes["accounts"] == 5
    assert summary.changes["sessions_ended"] == 1
    assert all(e.actor_id == director.pk for e in events)
    moved = next(e for e in events if e.action == "account.reassign")
    assert next(iter(moved.changes.values()))[0] == owner.pk


def test_a_failure_half_way_leaves_everything_as_it_was(
    book: Book, owner: User, director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = record_audit

    def failing(**kwargs: Any) -> Any:
        if kwargs["action"] == "user.offboard":
            raise RuntimeError("the audit store is down")
        return real(**kwargs)

    monkeypatch.setattr(offboarding, "record_audit", failing)
    with pytest.raises(RuntimeError):
        offboard_user(actor=director, user=owner, rule=Rule.TEAM_LEAD)
    owner.refresh_from_db()
    assert owner.is_active
    assert ApiToken.objects.filter(user=owner, revoked_at__isnull=True).count() == 2
    assert Account.objects.filter(owner=owner).count() == 4
    assert book.session.get(reverse("web:account_list")).status_code == 200


def test_it_rejects_offboarding_without_the_right(
    book: Book, owner: User, teammate: User, lead: User
) -> None:
    for actor in (teammate, lead):
        with pytest.raises(PermissionDenied):
            offboard_user(actor=actor, user=owner, rule=Rule.TEAM_LEAD)
    owner.refresh_from_db()
    assert owner.is_active


def test_it_rejects_offboarding_oneself(director: User) -> None:
    with pytest.raises(PermissionDenied):
        offboard_user(actor=director, user=director, rule=Rule.NAMED, named=[])


def test_it_rejects_a_rule_that_finds_nobody(
    owner: User, lead: User, outsider: User, director: User
) -> None:
    with pytest.raises(ValidationError, match="other active lead"):
        offboard_user(actor=director, user=lead, rule=Rule.TEAM_LEAD)
    with pytest.raises(ValidationError, match="Nobody else"):
        offboard_user(actor=director, user=outsider, rule=Rule.ROUND_ROBIN)
    with pytest.raises(ValidationError, match="their own book"):
        offboard_user(actor=director, user=owner, rule=Rule.NAMED, named=[owner])
    User.objects.filter(pk=outsider.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="active user"):
        offboard_user(actor=director, user=owner, rule=Rule.NAMED, named=[outsider])
    assert User.objects.get(pk=owner.pk).is_active
