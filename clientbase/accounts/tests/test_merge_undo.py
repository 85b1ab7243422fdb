from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.accounts.services import merge_accounts, undo_merge
from clientbase.accounts.tests.merge_fixtures import make_pair, state
from clientbase.identity.models import CandidateStatus, DuplicateCandidate, MatchRun
from clientbase.sales.models import Order

pytestmark = pytest.mark.django_db


def _candidate(a: Account, b: Account) -> DuplicateCandidate:
    from django.utils import timezone

    run = MatchRun.objects.create(started_at=timezone.now(), threshold=0.9)
    left, right = sorted([a.pk, b.pk])
    return DuplicateCandidate.objects.create(
        run=run, left_id=left, right_id=right, probability=0.99
    )


def test_undo_restores_both_accounts_and_every_related_row_exactly(
    make_account: Callable[..., Account], owner: User
) -> None:
    pair = make_pair(make_account, owner)
    Account.objects.filter(pk=pair.merged.pk).update(source_system="1c", external_id="A-1")
    pair.merged.refresh_from_db()
    before = state(pair.survivor, pair.merged)

    record = merge_accounts(
        actor=owner, survivor=pair.survivor, merged=pair.merged, field_choices={"city": "merged"}
    )
    assert state(pair.survivor, pair.merged) != before
    undo_merge(actor=owner, merge=record)

    assert state(pair.survivor, pair.merged) == before


def test_undo_reopens_the_candidate_and_writes_an_audit_row(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor, merged = make_account(owner=owner), make_account(owner=owner)
    candidate = _candidate(survivor, merged)
    record = merge_accounts(actor=owner, survivor=survivor, merged=merged)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.MERGED

    undo_merge(actor=owner, merge=record)

    candidate.refresh_from_db()
    record.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN
    assert candidate.decided_at is None
    assert record.undone_by == owner
    assert record.undone_at is not None
    event = AuditEvent.objects.get(action="account.merge_undo")
    assert event.changes == {"merge": record.pk, "merged": merged.pk}


def test_it_refuses_to_undo_twice(make_account: Callable[..., Account], owner: User) -> None:
    survivor, merged = make_account(owner=owner), make_account(owner=owner)
    record = merge_accounts(actor=owner, survivor=survivor, merged=merged)
    undo_merge(actor=owner, merge=record)

    with pytest.raises(ValidationError, match="already undone"):
        undo_merge(actor=owner, merge=record)


def test_it_refuses_to_undo_when_the_survivor_was_merged_again(
    make_account: Callable[..., Account], owner: User
) -> None:
    first, second, third = (make_account(owner=owner) for _ in range(3))
    record = merge_accounts(actor=owner, survivor=second, merged=first)
    merge_accounts(actor=owner, survivor=third, merged=second)

    with pytest.raises(ValidationError, match="undo that merge first"):
        undo_merge(actor=owner, merge=record)
    assert Account.objects.get(pk=first.pk).merged_into_id == third.pk


def test_it_refuses_to_undo_when_a_moved_order_was_deleted_and_changes_nothing(
    make_account: Callable[..., Account], owner: User
) -> None:
    pair = make_pair(make_account, owner)
    record = merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)
    gone = record.moved["orders"][0]
    Order.objects.filter(pk=gone).delete()
    after_merge = state(pair.survivor, pair.merged)

    with pytest.raises(ValidationError) as error:
        undo_merge(actor=owner, merge=record)

    assert str(gone) in error.value.message_dict["orders"][0]
    assert state(pair.survivor, pair.merged) == after_merge
    assert not AuditEvent.objects.filter(action="account.merge_undo").exists()


def test_merging_with_the_pairs_candidate_given_marks_it_merged(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor, merged = make_account(owner=owner), make_account(owner=owner)
    candidate = _candidate(survivor, merged)

    record = merge_accounts(actor=owner, survivor=merged, merged=survivor, candidate=candidate)

    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.MERGED
    assert candidate.decided_by == owner
    assert record.candidate_id == candidate.pk
