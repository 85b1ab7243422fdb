"""Writes for activities: plan one, log one, complete one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from clientbase.access.models import User
from clientbase.access.selectors import owned_by_visible
from clientbase.access.services import record_audit
from clientbase.accounts.models import Account, Contact
from clientbase.accounts.selectors import require_workable_account
from clientbase.activities.models import Activity, ActivityKind, ActivityStatus
from clientbase.privacy.sealing import seal_personal
from clientbase.sales.models import Deal


def _about(contact: Contact | int | None, changes: dict[str, Any]) -> dict[str, Any]:
    """An activity with a person talks about them: its subject and outcome go into the audit
    sealed with the person's key (erasure shreds it)."""
    if contact is None:
        return changes
    contact_id = contact if isinstance(contact, int) else contact.pk
    return seal_personal(contact_id=contact_id, changes=changes, fields=("subject", "outcome"))


def plan_activity(
    *,
    actor: User | None,
    kind: str,
    subject: str,
    account: Account | None = None,
    contact: Contact | None = None,
    deal: Deal | None = None,
    due_at: dt.datetime | None = None,
    owner: User | None = None,
    duration_minutes: int = 0,
) -> Activity:
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": f"unknown activity kind {kind!r}"})
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError({"due_at": "the due time needs a time zone"})
    if account is not None:
        require_workable_account(actor=actor, account=account, action="work with")
    with transaction.atomic():
        activity = Activity.objects.create(
            kind=kind,
            subject=subject,
            account=account,
            contact=contact,
            deal=deal,
            due_at=due_at,
            owner=owner or actor,
            duration_minutes=duration_minutes,
        )
        record_audit(
            actor=actor,
            action="activity.create",
            obj=activity,
            changes=_about(
                contact,
                {"kind": kind, "subject": subject, "account": account.pk if account else None},
            ),
        )
    return activity


def complete_activity(*, actor: User | None, activity: Activity, outcome: str = "") -> Activity:
    if actor is not None and activity.owner_id not in (None, actor.pk):
        visible = Activity.objects.filter(owned_by_visible(actor, "owner"))
        if not visible.filter(pk=activity.pk).exists():
            raise PermissionDenied("You may not complete this activity.")
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.status == ActivityStatus.DONE:
            raise ValidationError({"status": "the activity is already done"})
        locked.status = ActivityStatus.DONE
        locked.done_at = timezone.now()
        locked.outcome = outcome
        locked.save(update_fields=["status", "done_at", "outcome", "updated_at"])
        record_audit(
            actor=actor,
            action="activity.complete",
            obj=locked,
            changes=_about(locked.contact_id, {"outcome": outcome}),
        )
    return locked


def import_activities(
    *, actor: User | None, source_system: str, batch_id: int, records: list[dict[str, Any]]
) -> Any:
    """Upsert activities by (source_system, external_id); records carry resolved ids
    (account_id, contact_id, deal_id, owner_id). The caller owns the transaction and writes
    history from the outcome."""
    from clientbase.core.bulk import upsert_by_provenance

    def prepare(activity: Activity) -> None:
        if activity.pk is None and activity.owner_id is None and actor is not None:
            activity.owner = actor

    outcome, _by_id = upsert_by_provenance(
        Activity,
        source_system=source_system,
        batch_id=batch_id,
        records=records,
        prepare=prepare,
    )
    return outcome
