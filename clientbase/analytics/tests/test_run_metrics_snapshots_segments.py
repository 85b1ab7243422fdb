"""A metrics run records who is in each saved segment as of that run."""

from __future__ import annotations

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.models import SegmentMembership
from clientbase.analytics.segment_services import create_segment
from clientbase.analytics.services import run_metrics

from .conftest import AS_OF

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_run_snapshots_each_segments_members_by_its_own_metrics(
    small_company: dict[str, Account], analyst: User
) -> None:
    segment = create_segment(
        actor=analyst, name="Buyers", spec={"field": "revenue_ltm", "op": "gt", "value": 0}
    )
    run = run_metrics(actor=analyst, as_of=AS_OF)

    members = SegmentMembership.objects.filter(segment=segment, run=run)
    assert list(members.values_list("account_id", flat=True)) == [small_company["steady"].pk]
