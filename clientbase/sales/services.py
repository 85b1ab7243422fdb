"""Writes for orders and deals. Stage history is appended here and nowhere else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from clientbase.access.models import User
from clientbase.access.selectors import owned_by_visible
from clientbase.access.services import record_audit
from clientbase.accounts.models import Account, Contact
from clientbase.catalog.models import Product
from clientbase.sales.models import (
    Deal,
    DealStageChange,
    DealStatus,
    Order,
    OrderLine,
    Pipeline,
    Stage,
)

CENT = Decimal("0.01")


def _ensure_sees_account(actor: User | None, account: Account) -> None:
    if actor is None:
        return
    visible = Account.objects.filter(owned_by_visible(actor, "owner", "account_manager"))
    if not visible.filter(pk=account.pk).exists():
        raise PermissionDenied("You may not work with this account.")


@dataclass(frozen=True)
class LineInput:
    product: Product
    quantity: Decimal
    net_revenue: Decimal
    cost: Decimal


def record_order(
    *,
    actor: User | None,
    account: Account,
    date: dt.date,
    lines: list[LineInput],
    currency: str = "RUB",
    rate_to_base: Decimal = Decimal("1"),
    number: str = "",
    documents: int = 1,
) -> Order:
    _ensure_sees_account(actor, account)
    if not lines:
        raise ValidationError({"lines": "an order needs at least one line"})
    for index, line in enumerate(lines, start=1):
        if line.quantity <= 0:
            raise ValidationError({f"lines[{index}].quantity": "must be greater than zero"})
    if rate_to_base <= 0:
        raise ValidationError({"rate_to_base": "must be greater than zero"})
    revenue = sum((line.net_revenue for line in lines), Decimal("0"))
    cost = sum((line.cost for line in lines), Decimal("0"))
    with transaction.atomic():
        order = Order.objects.create(
            account=account,
            number=number,
            date=date,
            currency=currency,
            rate_to_base=rate_to_base,
            net_revenue_base=(revenue * rate_to_base).quantize(CENT, rounding=ROUND_HALF_UP),
            cost_base=(cost * rate_to_base).quantize(CENT, rounding=ROUND_HALF_UP),
            documents=documents,
            owner=account.account_manager or account.owner,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=line.product,
                quantity=line.quantity,
                net_revenue=line.net_revenue,
                cost=line.cost,
            )
            for line in lines
        )
        record_audit(
            actor=actor,
            action="order.create",
            obj=order,
            changes={"account": account.pk, "lines": len(lines), "net_revenue": str(revenue)},
        )
    return order


def open_deal(
    *,
    actor: User | None,
    account: Account,
    pipeline: Pipeline,
    title: str,
    amount: Decimal = Decimal("0"),
    currency: str = "RUB",
    expected_close: dt.date | None = None,
    contact: Contact | None = None,
    owner: User | None = None,
) -> Deal:
    _ensure_sees_account(actor, account)
    first = pipeline.stages.order_by("position").first()
    if first is None:
        raise ValidationError({"pipeline": "the pipeline has no stages"})
    now = timezone.now()
    with transaction.atomic():
        deal = Deal.objects.create(
            title=title,
            account=account,
            contact=contact,
            pipeline=pipeline,
            stage=first,
            amount=amount,
            currency=currency,
            expected_close=expected_close,
            probability=first.probability,
            owner=owner or actor,
            opened_at=now,
        )
        DealStageChange.objects.create(
            deal=deal, from_stage=None, to_stage=first, at=now, actor=actor
        )
        record_audit(
            actor=actor,
            action="deal.create",
            obj=deal,
            changes={"title": title, "account": account.pk, "amount": str(amount)},
        )
    return deal


def move_deal(*, actor: User | None, deal: Deal, to_stage: Stage, lost_reason: str = "") -> Deal:
    if to_stage.pipeline_id != deal.pipeline_id:
        raise ValidationError({"stage": "the stage belongs to another pipeline"})
    if to_stage.is_lost and not lost_reason.strip():
        raise ValidationError({"lost_reason": "say why the deal was lost"})
    _ensure_sees_account(actor, deal.account)
    now = timezone.now()
    with transaction.atomic():
        locked = Deal.objects.select_for_update().get(pk=deal.pk)
        from_stage_id = locked.stage_id
        if from_stage_id == to_stage.pk:
            return locked
        locked.stage = to_stage
        locked.probability = to_stage.probability
        if to_stage.is_won:
            locked.status, locked.closed_at = DealStatus.WON, now
        elif to_stage.is_lost:
            locked.status, locked.closed_at = DealStatus.LOST, now
            locked.lost_reason = lost_reason.strip()
        else:
            locked.status, locked.closed_at = DealStatus.OPEN, None
            locked.lost_reason = ""  # reopened: the old reason no longer holds
        locked.save()
        DealStageChange.objects.create(
            deal=locked, from_stage_id=from_stage_id, to_stage=to_stage, at=now, actor=actor
        )
        record_audit(
            actor=actor,
            action="deal.move",
            obj=locked,
            changes={"stage": [from_stage_id, to_stage.pk], "status": locked.status},
        )
    return locked
