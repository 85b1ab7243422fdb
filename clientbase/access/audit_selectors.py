"""Reading the audit trail: the searchable page for auditors and administrators, with
restricted fields (cost, margin, commission) masked for viewers without the right."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from clientbase.access.models import AuditEvent, User
from clientbase.access.roles import METRICS_MARGIN, ORDER_COST, ORDER_MARGIN, VIEW
from clientbase.access.selectors import may_see_field, require

AUDIT = "audit"
MASK = "•••"
# Field names that hold restricted figures, wherever they appear in a diff (unit_cost,
# cost_base, margin_ltm, commission_rate, ...).
_RESTRICTED_NAME = re.compile(r"(^|_)(cost|costs|margin|commission)(_|$)")


def is_restricted_field(name: str) -> bool:
    return bool(_RESTRICTED_NAME.search(name))


def field_visible(user: object, object_type: str, field_name: str) -> bool:
    """Whether `user` may read `field_name` of `object_type` records. Cost, margin and
    commission figures follow the role's field rules (order cost; order margin, which also
    covers commission; analytics margin); every other field is as visible as its record."""
    if not is_restricted_field(field_name):
        return True
    if "cost" in field_name:
        return may_see_field(user, ORDER_COST)
    if "margin" in field_name and object_type.startswith("analytics."):
        return may_see_field(user, METRICS_MARGIN)
    return may_see_field(user, ORDER_MARGIN)


def masked(user: object, object_type: str, changes: Any) -> Any:
    """`changes` with the values of fields `user` may not read replaced by MASK, at any depth
    (a diff's [old, new] pair, a merge's per-field choices, an order's lines)."""
    if isinstance(changes, dict):
        return {
            key: (
                _mask_value(value)
                if not field_visible(user, object_type, str(key))
                else masked(user, object_type, value)
            )
            for key, value in changes.items()
        }
    if isinstance(changes, list):
        return [masked(user, object_type, value) for value in changes]
    return changes


def _mask_value(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 2:  # a diff's [old, new]
        return [MASK if value[0] is not None else None, MASK if value[1] is not None else None]
    return MASK if value is not None else None


@dataclass(frozen=True)
class AuditQuery:
    actor: str = ""  # a username
    action: str = ""  # exact, or a prefix ending in "." (e.g. "account.")
    object_type: str = ""
    object_id: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive
    before_seq: int | None = None  # the keyset cursor: rows older than this one


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    changes: Any  # masked for this viewer


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_before: int | None
    unknown_actor: bool = False


def audit_page(*, actor: User, query: AuditQuery, size: int) -> AuditPage:
    """One page of the trail, newest first, with masked diffs. Auditors and administrators
    only. 1 query, 2 with an actor filter."""
    require(actor, VIEW, AUDIT)
    condition = Q()
    if query.actor:
        actor_id = User.objects.filter(username=query.actor).values_list("pk", flat=True).first()
        if actor_id is None:
            return AuditPage([], None, unknown_actor=True)
        condition &= Q(actor_id=actor_id)
    if query.action:
        if query.action.endswith("."):
            condition &= Q(action__startswith=query.action)
        else:
            condition &= Q(action=query.action)
    if query.object_type:
        condition &= Q(object_type=query.object_type)
    if query.object_id:
        condition &= Q(object_id=query.object_id)
    if query.since is not None:
        condition &= Q(at__gte=query.since)
    if query.until is not None:
        condition &= Q(at__lt=query.until)
    if query.before_seq is not None:
        condition &= Q(seq__lt=query.before_seq)
    events = list(
        AuditEvent.objects.filter(condition).select_related("actor").order_by("-seq")[: size + 1]
    )
    more = len(events) > size
    # Personal values are sealed with each person's key (privacy): opened here in one key
    # query, shown as "[erased]" once the key is shredded.
    from clientbase.privacy.sealing import reveal_many

    shown = events[:size]
    opened = reveal_many([e.changes for e in shown])
    rows = [
        AuditRow(e, masked(actor, e.object_type, changes))
        for e, changes in zip(shown, opened, strict=True)
    ]
    return AuditPage(rows, rows[-1].event.seq if more else None)
