"""Reads of playbooks: the list (built-in classes and the actor's saved segments), one
playbook, the accounts it covers for the actor, and the playbooks that apply to an account."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from clientbase.access.models import User
from clientbase.access.roles import MANAGE, RUN
from clientbase.access.selectors import can
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import visible_accounts
from clientbase.analytics.filters import (
    SpecError,
    compile_spec,
    parse_spec,
    registry_for,
    segment_accounts,
)
from clientbase.analytics.models import AccountMetrics, Playbook, PlaybookKind, Segment
from clientbase.analytics.playbooks import (
    BUILTIN,
    BUILTIN_KINDS,
    PlaybookView,
    builtin_keys,
    effective,
)
from clientbase.analytics.segment_selectors import visible_segments
from clientbase.analytics.selectors import latest_run
from clientbase.questionnaires.models import AccountTier

# Which column of the latest run's metrics holds each built-in model's class.
METRIC_COLUMN = {
    PlaybookKind.QUADRANT: "quadrant",
    PlaybookKind.RFM: "rfm_segment",
    PlaybookKind.ABC: "abc_revenue",
}


def may_edit_playbooks(user: object) -> bool:
    return can(user, MANAGE, "playbooks")


def may_run_playbooks(user: object) -> bool:
    return can(user, RUN, "playbooks")


def playbook_list(*, actor: User) -> list[PlaybookView]:
    """Every built-in playbook, then one per saved segment the actor sees (set up or not)."""
    rows = {(r.kind, r.key): r for r in Playbook.objects.all()}
    views = [
        effective(kind, key, rows.get((kind, key)))
        for kind in BUILTIN_KINDS
        for key in builtin_keys(kind)
    ]
    for segment in visible_segments(actor=actor).order_by("name", "id"):
        key = str(segment.pk)
        views.append(effective(PlaybookKind.SEGMENT, key, rows.get(("segment", key)), segment))
    return views


def _segment(actor: User, key: str) -> Segment:
    segment = visible_segments(actor=actor).filter(pk=int(key)).first() if key.isdigit() else None
    if segment is None:
        raise Http404("No such segment")
    return segment


def get_playbook(*, actor: User, kind: str, key: str) -> PlaybookView:
    """One playbook, or 404 for a class that does not exist or a segment the actor cannot use."""
    row = Playbook.objects.filter(kind=kind, key=key).first()
    if kind == PlaybookKind.SEGMENT:
        return effective(kind, key, row, _segment(actor, key))
    if (kind, key) not in BUILTIN:
        raise Http404("No such playbook")
    return effective(kind, key, row)


def playbook_accounts(*, actor: User, playbook: PlaybookView) -> QuerySet[Account]:
    """The accounts the playbook covers that the actor may see: the members of its class in
    the latest finished metrics run (a saved segment: its live members). Empty before the
    first run, or when a segment's conditions no longer apply for this actor."""
    accounts = visible_accounts(actor=actor)
    if playbook.kind == PlaybookKind.SEGMENT:
        assert playbook.segment is not None
        try:
            found: QuerySet[Account] = segment_accounts(
                actor=actor, spec=playbook.segment.spec, registry=registry_for(actor)
            )
            return found
        except SpecError:
            return accounts.none()
    run = latest_run()
    if run is None:
        return accounts.none()
    members: Any  # a subquery of account ids
    if playbook.kind == PlaybookKind.TIER:
        members = AccountTier.objects.filter(run=run, tier=playbook.key).values("account_id")
    else:
        column = METRIC_COLUMN[PlaybookKind(playbook.kind)]
        members = AccountMetrics.objects.filter(run=run, **{column: playbook.key}).values(
            "account_id"
        )
    return accounts.filter(pk__in=members)


def account_playbooks(*, actor: User, account: Account) -> list[PlaybookView]:
    """The playbooks in use that apply to the account: its tier, quadrant, RFM segment and
    ABC class in the latest run, then the saved segments (the actor sees) it belongs to."""
    if not visible_accounts(actor=actor).filter(pk=account.pk).exists():
        return []
    rows = {(r.kind, r.key): r for r in Playbook.objects.all()}
    found: list[PlaybookView] = []
    run = latest_run()
    if run is not None:
        tier = AccountTier.objects.filter(run=run, account=account).values_list("tier", flat=True)
        metrics = (
            AccountMetrics.objects.filter(run=run, account=account)
            .values_list(*METRIC_COLUMN.values())
            .first()
        )
        classes = [(PlaybookKind.TIER, t) for t in tier]
        if metrics is not None:
            classes += [(k, v) for k, v in zip(METRIC_COLUMN, metrics, strict=True) if v]
        for kind, key in classes:
            if (kind, key) in BUILTIN:
                found.append(effective(kind, key, rows.get((kind, key))))
    keyed = [r for r in rows.values() if r.kind == PlaybookKind.SEGMENT and r.is_active]
    segments = list(
        visible_segments(actor=actor).filter(pk__in=[int(r.key) for r in keyed]).order_by("name")
    )
    if segments:
        # One query for all segments: a conditional count each, over this one account.
        registry = registry_for(actor)
        conditions: dict[str, Q] = {}
        for segment in segments:
            try:
                conditions[f"s{segment.pk}"] = compile_spec(
                    parse_spec(segment.spec, registry), registry
                )
            except SpecError:
                continue  # e.g. a field since hidden from this user: not a member for them
        hits = (
            visible_accounts(actor=actor)
            .filter(pk=account.pk)
            .aggregate(**{k: Count("pk", filter=c) for k, c in conditions.items()})
            if conditions
            else {}
        )
        for segment in segments:
            if hits.get(f"s{segment.pk}"):
                key = str(segment.pk)
                found.append(effective(PlaybookKind.SEGMENT, key, rows[("segment", key)], segment))
    return [p for p in found if p.is_active]


def playbook_override(*, actor: User, kind: str, key: str) -> Playbook | None:
    """The admin's changes to a playbook (what its form shows), if any."""
    get_playbook(actor=actor, kind=kind, key=key)
    return Playbook.objects.filter(kind=kind, key=key).first()


def class_playbooks(*, actor: User | None, kind: str) -> dict[str, PlaybookView]:
    """The built-in classes' playbooks of one model, by class (company configuration: every
    signed-in user may read them). One query."""
    rows = {r.key: r for r in Playbook.objects.filter(kind=kind)}
    return {key: effective(kind, key, rows.get(key)) for key in builtin_keys(kind)}
