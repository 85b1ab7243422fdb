"""Each run snapshots who is in which segment; movements compare two runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.segment_selectors import (
    movement_counts,
    quarter_runs,
    segment_movements,
)
from clientbase.analytics.segment_services import create_segment, snapshot_memberships

from .segment_fixtures import finished_run

pytestmark = pytest.mark.django_db
BIG = {"field": "revenue_ltm", "op": "ge", "value": 100}


def test_accounts_entering_and_leaving_a_segment_this_quarter(
    director: User, owner: User, outsider: User, make_account: Callable[..., Account]
) -> None:
    grows, shrinks, stays = (make_account(owner=owner) for _ in range(3))
    theirs = make_account(owner=outsider)
    segment = create_segment(actor=director, name="Big", spec=BIG, shared=True)
    before = finished_run(
        dt.date(2026, 9, 30),
        {grows: {"revenue_ltm": 10}, shrinks: {"revenue_ltm": 500}, stays: {"revenue_ltm": 300}},
    )
    snapshot_memberships(before)
    within_quarter = finished_run(dt.date(2026, 10, 15), {shrinks: {"revenue_ltm": 500}})
    snapshot_memberships(within_quarter)
    after = finished_run(
        dt.date(2026, 12, 1),
        {
            grows: {"revenue_ltm": 150},
            shrinks: {"revenue_ltm": 5},
            stays: {"revenue_ltm": 300},
            theirs: {"revenue_ltm": 900},
        },
    )
    snapshot_memberships(after)

    runs = quarter_runs()
    assert (runs.before, runs.after) == (before, after)
    moved = segment_movements(actor=owner, segment=segment, runs=runs)
    assert moved.entered == [grows]
    assert moved.left == [shrinks]
    [count] = movement_counts(actor=owner, runs=runs)
    assert (count.entered, count.left) == (1, 1)
    # the director also sees the outsider's account entering
    [count] = movement_counts(actor=director, runs=runs)
    assert (count.entered, count.left) == (2, 1)


def test_a_snapshot_uses_its_own_runs_metrics(
    director: User, make_account: Callable[..., Account]
) -> None:
    account = make_account()
    segment = create_segment(actor=director, name="Big", spec=BIG)
    old = finished_run(dt.date(2026, 3, 31), {account: {"revenue_ltm": 500}})
    finished_run(dt.date(2026, 6, 30), {account: {"revenue_ltm": 1}})
    snapshot_memberships(old)
    assert list(segment.memberships.filter(run=old).values_list("account_id", flat=True)) == [
        account.pk
    ]
