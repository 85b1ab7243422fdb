"""Deals from an import: upsert by (source_system, external_id). A new deal enters its stage
with a first stage change; a stage that changes on re-import (or back on rollback) goes
through services.enter_stage, so an imported deal's stage history reads like a moved one's."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from clientbase.access.models import User
from clientbase.access.services import jsonable
from clientbase.core.bulk import BulkOutcome, restore_fields, upsert_by_provenance
from clientbase.sales.models import Deal, DealStageChange, DealStatus, Stage
from clientbase.sales.services import enter_stage

# What a move changes besides the stage: history keeps them so a rollback restores them.
_MOVED = ("stage_id", "status", "probability", "closed_at", "lost_reason")


def import_deals(
    *, actor: User | None, source_system: str, batch_id: int, records: list[dict[str, Any]]
) -> BulkOutcome:
    """Records hold validated values with ids resolved (account_id, owner_id, stage_id; a new
    deal's pipeline_id). The caller owns the transaction and writes history from the outcome."""
    moves = {r["external_id"]: r.pop("stage_id") for r in records if "stage_id" in r}
    # Pass 1 saw these as new; if one exists by now, its pipeline and opening stay as they are.
    known = set(
        Deal.objects.filter(
            source_system=source_system,
            external_id__in=[r["external_id"] for r in records if "pipeline_id" in r],
        ).values_list("external_id", flat=True)
    )
    for record in records:
        if record["external_id"] in known:
            record.pop("pipeline_id", None)
            record.pop("opened_at", None)
    stages = {s.pk: s for s in Stage.objects.filter(pk__in=set(moves.values()))}
    first: dict[int, Stage] = {}
    for stage in Stage.objects.filter(
        pipeline_id__in={r["pipeline_id"] for r in records if "pipeline_id" in r}
    ).order_by("pipeline_id", "position"):
        first.setdefault(stage.pipeline_id, stage)
    now = timezone.now()

    def prepare(deal: Deal) -> None:
        if deal.pk is not None:
            return
        stage = stages.get(moves.get(deal.external_id, 0)) or first[deal.pipeline_id]
        deal.stage = stage
        deal.probability = stage.probability
        closed = stage.is_won or stage.is_lost
        deal.status = (
            DealStatus.WON
            if stage.is_won
            else DealStatus.LOST
            if stage.is_lost
            else DealStatus.OPEN
        )
        deal.closed_at = now if closed else None
        deal.opened_at = deal.opened_at or now
        if deal.owner_id is None and actor is not None:
            deal.owner = actor

    outcome, by_id = upsert_by_provenance(
        Deal, source_system=source_system, batch_id=batch_id, records=records, prepare=prepare
    )
    created = set(outcome.created_ids)
    DealStageChange.objects.bulk_create(
        (
            DealStageChange(deal_id=deal.pk, to_stage_id=deal.stage_id, at=now, actor=actor)
            for deal in by_id.values()
            if deal.pk in created
        ),
        batch_size=500,
    )
    updated = {pk for pk, name, _old, _new in outcome.changes if name == "import_batch_id"}
    for external_id, stage_id in moves.items():
        deal = by_id[external_id]
        if deal.pk in created or deal.stage_id == stage_id:
            continue
        locked = Deal.objects.select_for_update().get(pk=deal.pk)
        before = {name: jsonable(getattr(locked, name)) for name in _MOVED}
        enter_stage(
            actor=actor, deal=locked, to_stage=stages[stage_id], lost_reason=locked.lost_reason
        )
        for name in _MOVED:
            after = jsonable(getattr(locked, name))
            if after != before[name]:
                outcome.changes.append((locked.pk, name, before[name], after))
        if locked.pk not in updated:  # only the stage changed: count it as updated now
            outcome.unchanged -= 1
            outcome.updated += 1
            outcome.changes.append((locked.pk, "import_batch_id", locked.import_batch_id, batch_id))
            Deal.objects.filter(pk=locked.pk).update(import_batch_id=batch_id)
    return outcome


def restore_imported_deal(*, actor: User | None, deal_id: int, values: dict[str, Any]) -> None:
    """Put back what an import changed (rollback): the stage by a move, the rest as it was."""
    if values.get("stage_id") is not None:
        locked = Deal.objects.select_for_update().get(pk=deal_id)
        enter_stage(
            actor=actor,
            deal=locked,
            to_stage=Stage.objects.get(pk=values["stage_id"]),
            lost_reason=str(values.get("lost_reason", locked.lost_reason)),
        )
    rest = {name: value for name, value in values.items() if name != "stage_id"}
    if rest:
        restore_fields(Deal, deal_id, rest)
