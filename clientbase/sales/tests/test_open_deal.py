"""Opening a deal: it starts at the pipeline's first stage, with history and one audit event."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account
from clientbase.sales.models import Deal, DealStageChange, DealStatus, Pipeline, PipelineKind
from clientbase.sales.services import open_deal


def open_pumps_deal(
    account: Account, actor: User, pipeline: Pipeline, amount: Decimal = Decimal("0")
) -> Deal:
    return open_deal(actor=actor, account=account, pipeline=pipeline, title="Pumps", amount=amount)


def test_it_starts_at_the_first_stage_by_position(
    account: Account, owner: User, pipeline: Pipeline
) -> None:
    deal = open_pumps_deal(account, owner, pipeline)

    deal.refresh_from_db()
    assert deal.stage.name == "Qualify"
    assert deal.probability == 10
    assert deal.status == DealStatus.OPEN
    assert deal.closed_at is None
    assert deal.owner == owner


def test_it_records_where_the_deal_entered_the_pipeline(
    account: Account, owner: User, pipeline: Pipeline
) -> None:
    deal = open_pumps_deal(account, owner, pipeline)

    history = DealStageChange.objects.get(deal=deal)
    assert history.from_stage is None
    assert history.to_stage == deal.stage
    assert history.actor == owner
    assert history.at == deal.opened_at


def test_it_writes_exactly_one_audit_event(
    account: Account, owner: User, pipeline: Pipeline
) -> None:
    before = AuditEvent.objects.count()

    deal = open_pumps_deal(account, owner, pipeline, amount=Decimal("1500000.50"))

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == owner
    assert event.action == "deal.create"
    assert event.object_type == "sales.deal"
    assert event.object_id == str(deal.pk)
    assert event.changes["title"] == [None, "Pumps"]
    assert event.changes["account"] == [None, account.pk]
    assert event.changes["amount"] == [None, "1500000.50"]
    assert event.changes["stage"] == [None, deal.stage_id]
    assert event.changes["owner"] == [None, owner.pk]


def test_its_amount_comes_back_as_an_exact_decimal(
    account: Account, owner: User, pipeline: Pipeline
) -> None:
    open_pumps_deal(account, owner, pipeline, amount=Decimal("1234567.89"))

    amount = Deal.objects.get().amount
    assert type(amount) is Decimal
    assert amount == Decimal("1234567.89")


def test_it_may_be_opened_for_someone_else(
    account: Account, lead: User, owner: User, pipeline: Pipeline
) -> None:
    deal = open_deal(actor=lead, account=account, pipeline=pipeline, title="X", owner=owner)

    assert deal.owner == owner


def test_it_refuses_a_pipeline_without_stages(account: Account, owner: User) -> None:
    empty = Pipeline.objects.create(name="Empty", kind=PipelineKind.AFTER_SALES)
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        open_pumps_deal(account, owner, empty)

    assert "pipeline" in refused.value.message_dict
    assert not Deal.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_rep_may_not_open_a_deal_on_an_outsiders_account(
    make_account: Callable[..., Account], owner: User, outsider: User, pipeline: Pipeline
) -> None:
    theirs = make_account(owner=outsider)

    with pytest.raises(PermissionDenied):
        open_pumps_deal(theirs, owner, pipeline)

    assert not Deal.objects.exists()


@FAILURES
@pytest.mark.django_db(transaction=True)
def test_it_leaves_nothing_when_the_audit_fails_after_the_save(
    account: Account,
    owner: User,
    pipeline: Pipeline,
    break_audit: BreakAudit,
    failure: Exception,
) -> None:
    before = AuditEvent.objects.count()
    saved = break_audit(failure)

    with pytest.raises(type(failure)):
        open_pumps_deal(account, owner, pipeline)

    assert saved, "the deal row was saved before the audit failed"
    assert not Deal.objects.exists()
    assert not DealStageChange.objects.exists()
    assert AuditEvent.objects.count() == before


def test_it_refuses_a_deal_on_a_merged_away_account(
    owner: User, make_account: Callable[..., Account], pipeline: Pipeline
) -> None:
    from clientbase.accounts.services import merge_accounts

    survivor = make_account(owner=owner)
    merged = make_account(owner=owner)
    merge_accounts(actor=owner, survivor=survivor, merged=merged)
    merged.refresh_from_db()

    with pytest.raises(ValidationError):
        open_deal(actor=owner, account=merged, pipeline=pipeline, title="On a tombstone")
    assert not Deal.objects.filter(account=merged).exists()
