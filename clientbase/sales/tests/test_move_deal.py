"""Moving a deal: history is appended (never rewritten), won/lost close it, lost needs a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account
from clientbase.sales.models import Deal, DealStageChange, DealStatus, Pipeline, PipelineKind, Stage
from clientbase.sales.services import move_deal, open_deal

StageNamed = Callable[[str], Stage]


@pytest.fixture
def deal(account: Account, owner: User, pipeline: Pipeline) -> Deal:
    return open_deal(actor=owner, account=account, pipeline=pipeline, title="Pumps")


def history(deal: Deal) -> list[tuple[Any, ...]]:
    return list(
        DealStageChange.objects.filter(deal=deal)
        .order_by("pk")
        .values_list("pk", "from_stage__name", "to_stage__name", "at", "actor")
    )


def test_each_move_appends_one_history_row_and_leaves_the_old_ones_alone(
    deal: Deal, owner: User, stage: StageNamed
) -> None:
    before = history(deal)

    move_deal(actor=owner, deal=deal, to_stage=stage("Proposal"))
    after_one = history(deal)
    move_deal(actor=owner, deal=deal, to_stage=stage("Qualify"))
    after_two = history(deal)

    assert after_one[: len(before)] == before
    assert after_two[: len(after_one)] == after_one
    assert [(row[1], row[2], row[4]) for row in after_two] == [
        (None, "Qualify", owner.pk),
        ("Qualify", "Proposal", owner.pk),
        ("Proposal", "Qualify", owner.pk),
    ]


def test_it_takes_the_new_stages_probability(deal: Deal, owner: User, stage: StageNamed) -> None:
    moved = move_deal(actor=owner, deal=deal, to_stage=stage("Proposal"))

    deal.refresh_from_db()
    assert deal.stage == stage("Proposal") == moved.stage
    assert deal.probability == 50
    assert deal.status == DealStatus.OPEN


def test_a_won_stage_wins_and_closes_the_deal(deal: Deal, owner: User, stage: StageNamed) -> None:
    move_deal(actor=owner, deal=deal, to_stage=stage("Won"))

    deal.refresh_from_db()
    assert deal.status == DealStatus.WON
    assert deal.closed_at is not None
    assert deal.probability == 100


def test_a_lost_stage_needs_a_reason(deal: Deal, owner: User, stage: StageNamed) -> None:
    before = (history(deal), AuditEvent.objects.count())

    for reason in ["", "   "]:
        with pytest.raises(ValidationError) as refused:
            move_deal(actor=owner, deal=deal, to_stage=stage("Lost"), lost_reason=reason)
        assert "lost_reason" in refused.value.message_dict

    deal.refresh_from_db()
    assert deal.stage == stage("Qualify")
    assert deal.status == DealStatus.OPEN
    assert (history(deal), AuditEvent.objects.count()) == before


def test_a_lost_stage_with_a_reason_loses_and_closes_the_deal(
    deal: Deal, owner: User, stage: StageNamed
) -> None:
    move_deal(actor=owner, deal=deal, to_stage=stage("Lost"), lost_reason="  Too expensive ")

    deal.refresh_from_db()
    assert deal.status == DealStatus.LOST
    assert deal.lost_reason == "Too expensive"
    assert deal.closed_at is not None


def test_moving_a_won_deal_back_reopens_it(deal: Deal, owner: User, stage: StageNamed) -> None:
    move_deal(actor=owner, deal=deal, to_stage=stage("Won"))

    move_deal(actor=owner, deal=deal, to_stage=stage("Proposal"))

    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN
    assert deal.closed_at is None


def test_reopening_a_lost_deal_forgets_why_it_was_lost(
    deal: Deal, owner: User, stage: StageNamed
) -> None:
    move_deal(actor=owner, deal=deal, to_stage=stage("Lost"), lost_reason="Too expensive")

    move_deal(actor=owner, deal=deal, to_stage=stage("Proposal"))

    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN
    assert deal.lost_reason == ""


def test_it_writes_exactly_one_audit_event_per_move(
    deal: Deal, owner: User, stage: StageNamed
) -> None:
    before = AuditEvent.objects.count()

    move_deal(actor=owner, deal=deal, to_stage=stage("Won"))

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == owner
    assert event.action == "deal.move"
    assert event.object_type == "sales.deal"
    assert event.object_id == str(deal.pk)
    assert event.changes == {"stage": [stage("Qualify").pk, stage("Won").pk], "status": "won"}


def test_moving_to_the_current_stage_changes_nothing(
    deal: Deal, owner: User, stage: StageNamed
) -> None:
    before = (history(deal), AuditEvent.objects.count())

    move_deal(actor=owner, deal=deal, to_stage=stage("Qualify"))

    assert (history(deal), AuditEvent.objects.count()) == before


def test_it_refuses_a_stage_of_another_pipeline(deal: Deal, owner: User) -> None:
    other = Pipeline.objects.create(name="After-sales", kind=PipelineKind.AFTER_SALES)
    foreign = Stage.objects.create(pipeline=other, name="Renewal", position=1)

    with pytest.raises(ValidationError) as refused:
        move_deal(actor=owner, deal=deal, to_stage=foreign)

    assert "stage" in refused.value.message_dict
    assert len(history(deal)) == 1


def test_a_rep_may_not_move_an_outsiders_deal(
    deal: Deal, outsider: User, stage: StageNamed
) -> None:
    before = (history(deal), AuditEvent.objects.count())

    with pytest.raises(PermissionDenied):
        move_deal(actor=outsider, deal=deal, to_stage=stage("Won"))

    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN
    assert (history(deal), AuditEvent.objects.count()) == before


@FAILURES
@pytest.mark.django_db(transaction=True)
def test_it_leaves_the_deal_where_it_was_when_the_audit_fails(
    deal: Deal, owner: User, stage: StageNamed, break_audit: BreakAudit, failure: Exception
) -> None:
    before = (history(deal), AuditEvent.objects.count())
    saved = break_audit(failure)

    with pytest.raises(type(failure)):
        move_deal(actor=owner, deal=deal, to_stage=stage("Won"))

    assert saved, "the move was saved before the audit failed"
    deal.refresh_from_db()
    assert deal.stage == stage("Qualify")
    assert deal.status == DealStatus.OPEN
    assert deal.closed_at is None
    assert (history(deal), AuditEvent.objects.count()) == before
