"""Writes of saved segments (create, change, delete: by their owner, audited) and the
membership snapshot each metrics run takes, so movements between segments can be shown."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.services import record_audit
from clientbase.accounts.models import Account
from clientbase.analytics.filters import (
    SpecError,
    compile_spec,
    parse_spec,
    registry_for,
    to_json,
)
from clientbase.analytics.models import MetricRun, Segment, SegmentMembership

log = logging.getLogger(__name__)
BATCH = 5000


def _checked(actor: User, name: str, spec: object) -> tuple[str, dict[str, Any]]:
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("A segment needs a name.")
    elif len(name) > 120:
        errors["name"] = _("A segment's name takes at most 120 characters.")
    try:
        checked = to_json(parse_spec(spec, registry_for(actor, latest=False)))
    except SpecError as error:
        errors["spec"] = str(error)
        checked = {}
    if errors:
        raise ValidationError(errors)
    return name, checked


def _own(actor: User, segment_id: int) -> Segment:
    """The actor's own segment: another user's (shared or not) cannot be changed: 404."""
    segment = Segment.objects.select_for_update().filter(pk=segment_id, owner=actor).first()
    if segment is None:
        raise Http404("No such segment")
    return segment


def create_segment(*, actor: User, name: str, spec: object, shared: bool = False) -> Segment:
    name, checked = _checked(actor, name, spec)
    with transaction.atomic():
        segment = Segment.objects.create(name=name, spec=checked, owner=actor, shared=shared)
        record_audit(
            actor=actor,
            action="analytics.segment_create",
            obj=segment,
            changes={"name": name, "spec": checked, "shared": shared},
        )
    return segment


def update_segment(
    *, actor: User, segment_id: int, name: str, spec: object, shared: bool
) -> Segment:
    name, checked = _checked(actor, name, spec)
    with transaction.atomic():
        segment = _own(actor, segment_id)
        before = {"name": segment.name, "spec": segment.spec, "shared": segment.shared}
        segment.name, segment.spec, segment.shared = name, checked, shared
        segment.save()
        after = {"name": name, "spec": checked, "shared": shared}
        record_audit(
            actor=actor,
            action="analytics.segment_update",
            obj=segment,
            changes={key: [before[key], after[key]] for key in after if before[key] != after[key]},
        )
    return segment


def delete_segment(*, actor: User, segment_id: int) -> None:
    with transaction.atomic():
        segment = _own(actor, segment_id)
        record_audit(
            actor=actor,
            action="analytics.segment_delete",
            obj=segment,
            changes={"name": segment.name, "spec": segment.spec},
        )
        segment.delete()


def snapshot_memberships(run: MetricRun) -> int:
    """Record which accounts are in each segment as of `run` (its own metrics), for the
    movements between runs. Run by the system inside the metrics run's transaction: every
    field counts, scope is applied when the movements are read. Returns the rows written."""
    registry = registry_for(None, run_id=run.pk, latest=False)
    SegmentMembership.objects.filter(run=run).delete()
    accounts = Account.objects.filter(merged_into__isnull=True)
    written = 0
    for segment in Segment.objects.order_by("id"):
        try:
            condition = compile_spec(parse_spec(segment.spec, registry), registry)
        except SpecError:
            # e.g. a custom field deleted since: the segment matches nothing until fixed
            log.warning("segment %s no longer compiles; not snapshotted", segment.pk)
            continue
        ids = accounts.filter(condition).values_list("id", flat=True).iterator(chunk_size=BATCH)
        batch: list[SegmentMembership] = []
        for account_id in ids:
            batch.append(SegmentMembership(segment=segment, run=run, account_id=account_id))
            if len(batch) >= BATCH:
                SegmentMembership.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        SegmentMembership.objects.bulk_create(batch)
        written += len(batch)
    return written
