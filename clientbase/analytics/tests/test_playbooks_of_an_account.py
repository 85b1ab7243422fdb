"""Which playbooks apply to an account: its classes in the latest run and its saved segments,
only those in use, and nothing for an account the user may not see."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.playbook_selectors import account_playbooks
from clientbase.analytics.playbook_services import PlaybookChange, save_playbook
from clientbase.analytics.segment_services import create_segment

from .playbook_fixtures import classed_run

pytestmark = pytest.mark.django_db


def test_the_accounts_classes_bring_their_playbooks(
    owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    classed_run(
        {account: {"tier": "1b", "quadrant": "IV", "rfm_segment": "at_risk", "abc_revenue": "A"}}
    )

    labels = [p.label for p in account_playbooks(actor=owner, account=account)]

    assert labels == [
        "Tier 1b",
        "Quadrant IV · profitable, not loyal",
        "RFM: At risk",
        "ABC class A",
    ]


def test_a_playbook_not_in_use_is_left_out_and_a_segment_one_is_added(
    director: User, owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    classed_run({account: {"tier": "3"}})
    segment = create_segment(
        actor=owner,
        name="All mine",
        spec={"all": [{"field": "status", "op": "ne", "value": "former"}]},
        shared=True,
    )
    save_playbook(actor=director, kind="tier", key="3", change=PlaybookChange(is_active=False))
    save_playbook(
        actor=director,
        kind="segment",
        key=str(segment.pk),
        change=PlaybookChange(description="Visit twice a year", contact_every_days=180),
    )

    (playbook,) = account_playbooks(actor=owner, account=account)

    assert playbook.label == "Segment “All mine”"
    assert playbook.description == "Visit twice a year"


def test_the_outsider_sees_no_playbook_of_anothers_account(
    owner: User, outsider: User, teammate: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    classed_run({account: {"tier": "1a"}})

    assert account_playbooks(actor=outsider, account=account) == []
    assert account_playbooks(actor=teammate, account=account) == []
    assert len(account_playbooks(actor=owner, account=account)) == 1
