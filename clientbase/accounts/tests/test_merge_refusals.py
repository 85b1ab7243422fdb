from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.accounts import merging
from clientbase.accounts.models import Account, MergeRecord
from clientbase.accounts.services import merge_accounts
from clientbase.accounts.tests.merge_fixtures import make_pair, state

pytestmark = pytest.mark.django_db


def test_a_rep_who_cannot_see_one_of_the_two_is_denied_and_nothing_changes(
    make_account: Callable[..., Account], owner: User, outsider: User
) -> None:
    pair = make_pair(make_account, owner)
    Account.objects.filter(pk=pair.merged.pk).update(owner=outsider)
    pair.merged.refresh_from_db()
    before = state(pair.survivor, pair.merged)

    with pytest.raises(PermissionDenied):
        merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)

    assert state(pair.survivor, pair.merged) == before
    assert not MergeRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="account.merge").exists()


def test_it_refuses_to_merge_an_account_into_itself(
    make_account: Callable[..., Account], owner: User
) -> None:
    account = make_account(owner=owner)

    with pytest.raises(ValidationError, match="into itself"):
        merge_accounts(actor=owner, survivor=account, merged=account)


def test_it_refuses_to_merge_into_a_tombstone(
    make_account: Callable[..., Account], owner: User
) -> None:
    first, second, third = (make_account(owner=owner) for _ in range(3))
    merge_accounts(actor=owner, survivor=second, merged=first)

    with pytest.raises(ValidationError) as error:
        merge_accounts(actor=owner, survivor=first, merged=third)

    assert "already merged into account" in error.value.message_dict["survivor"][0]
    assert Account.objects.get(pk=third.pk).merged_into_id is None


def test_a_failed_audit_write_leaves_no_merge_behind(
    make_account: Callable[..., Account], owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = make_pair(make_account, owner)
    before = state(pair.survivor, pair.merged)

    def broken_record_audit(**_: Any) -> None:
        raise RuntimeError("the audit store is down")

    monkeypatch.setattr(merging, "record_audit", broken_record_audit)

    with pytest.raises(RuntimeError):
        merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)

    assert state(pair.survivor, pair.merged) == before
    assert not MergeRecord.objects.exists()


def test_it_refuses_a_candidate_about_other_accounts(
    make_account: Callable[..., Account], owner: User
) -> None:
    from django.utils import timezone

    from clientbase.identity.models import DuplicateCandidate, MatchRun

    survivor, merged, other = (make_account(owner=owner) for _ in range(3))
    run = MatchRun.objects.create(started_at=timezone.now(), threshold=0.9)
    wrong = DuplicateCandidate.objects.create(
        run=run, left_id=survivor.pk, right_id=other.pk, probability=0.99
    )

    with pytest.raises(ValidationError, match="about other accounts"):
        merge_accounts(actor=owner, survivor=survivor, merged=merged, candidate=wrong)

    assert Account.objects.get(pk=merged.pk).merged_into_id is None


def test_a_tombstone_cannot_be_edited(make_account: Callable[..., Account], owner: User) -> None:
    from clientbase.accounts.services import update_account

    survivor, merged = make_account(owner=owner), make_account(owner=owner)
    merge_accounts(actor=owner, survivor=survivor, merged=merged)
    merged.refresh_from_db()

    with pytest.raises(ValidationError, match="was merged into account"):
        update_account(actor=owner, account=merged, city="Казань")
