"""Reads of saved segments: a user sees their own and the shared ones; counts and movements
only ever count the accounts the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import visible_accounts
from clientbase.analytics.filters import (
    Registry,
    SpecError,
    compile_spec,
    parse_spec,
    registry_for,
)
from clientbase.analytics.models import MetricRun, RunStatus, Segment, SegmentMembership


def visible_segments(*, actor: User) -> QuerySet[Segment]:
    return Segment.objects.filter(Q(owner=actor) | Q(shared=True)).select_related("owner")


def get_segment(*, actor: User, segment_id: int) -> Segment:
    """One segment the actor may use, or 404 (another user's unshared one: no oracle)."""
    segment = visible_segments(actor=actor).filter(pk=segment_id).first()
    if segment is None:
        raise Http404("No such segment")
    return segment


@dataclass(frozen=True)
class SegmentCount:
    segment: Segment
    count: int | None  # None: the spec no longer applies for this user (see `error`)
    error: str = ""


def segment_counts(*, actor: User, registry: Registry | None = None) -> list[SegmentCount]:
    """Every segment the actor sees with its live count of the actor's accounts, in a fixed
    number of queries: all counts are conditional aggregates of one scoped query."""
    registry = registry or registry_for(actor)
    segments = list(visible_segments(actor=actor).order_by("name", "id"))
    conditions: dict[str, Q] = {}
    errors: dict[int, str] = {}
    for segment in segments:
        try:
            conditions[f"s{segment.pk}"] = compile_spec(
                parse_spec(segment.spec, registry), registry
            )
        except SpecError as error:
            errors[segment.pk] = str(error)
    totals: dict[str, int] = {}
    if conditions:
        totals = visible_accounts(actor=actor).aggregate(
            **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
        )
    return [SegmentCount(s, totals.get(f"s{s.pk}"), errors.get(s.pk, "")) for s in segments]


# --- Movements between runs --------------------------------------------------------------------


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class RunPair:
    before: MetricRun | None
    after: MetricRun | None


def quarter_runs() -> RunPair:
    """The latest finished run and the last finished run before its quarter began: the
    runs "this quarter's" movements compare."""
    done = MetricRun.objects.filter(status=RunStatus.DONE).order_by("-as_of", "-id")
    after = done.first()
    if after is None:
        return RunPair(None, None)
    return RunPair(done.filter(as_of__lt=quarter_start(after.as_of)).first(), after)


def _moved(actor: User, into: MetricRun, away: MetricRun | None) -> QuerySet[SegmentMembership]:
    """Memberships in `into` that `away` did not have, for accounts the actor sees."""
    rows = SegmentMembership.objects.filter(
        run=into, account__in=visible_accounts(actor=actor).values("pk")
    )
    if away is None:
        return rows
    earlier = SegmentMembership.objects.filter(
        run=away, segment_id=OuterRef("segment_id"), account_id=OuterRef("account_id")
    )
    return rows.exclude(Exists(earlier))


@dataclass(frozen=True)
class MovementCount:
    segment: Segment
    entered: int
    left: int


def movement_counts(*, actor: User, runs: RunPair) -> list[MovementCount]:
    """For each segment the actor sees: how many of their accounts entered and left it
    between the two runs (two queries, whatever the number of segments)."""
    segments = list(visible_segments(actor=actor).order_by("name", "id"))
    if runs.after is None or not segments:
        return [MovementCount(s, 0, 0) for s in segments]
    ids = [s.pk for s in segments]

    def tally(into: MetricRun | None, away: MetricRun | None) -> dict[int, int]:
        if into is None:
            return {}
        rows = _moved(actor, into, away).filter(segment_id__in=ids)
        return dict(rows.values_list("segment_id").annotate(n=Count("id")).order_by())

    entered = tally(runs.after, runs.before)
    left = tally(runs.before, runs.after)
    return [MovementCount(s, entered.get(s.pk, 0), left.get(s.pk, 0)) for s in segments]


@dataclass(frozen=True)
class Movements:
    entered: list[Account]
    left: list[Account]


def segment_movements(
    *, actor: User, segment: Segment, runs: RunPair, limit: int = 500
) -> Movements:
    """Which of the actor's accounts entered and left `segment` between the two runs."""

    def accounts(into: MetricRun | None, away: MetricRun | None) -> list[Account]:
        if into is None:
            return []
        ids = _moved(actor, into, away).filter(segment=segment).values("account_id")
        return list(
            Account.objects.filter(pk__in=ids)
            .only("id", "display_name", "city", "status")
            .order_by("display_name", "id")[:limit]
        )

    if runs.after is None:
        return Movements([], [])
    return Movements(accounts(runs.after, runs.before), accounts(runs.before, runs.after))
