"""A changed playbook is the strategy every page shows: the dashboard's quadrants and their
CSV, the account's segments card and its tier card."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.playbook_services import PlaybookChange, save_playbook
from clientbase.analytics.tests.playbook_fixtures import classed_run

from .analytics_support import buyer
from .conftest import text_of

pytestmark = pytest.mark.django_db
NEW_III = "Invite them to the customer advisory board."
NEW_1A = "A monthly visit by the head of sales."


@pytest.fixture
def changed(director: User, owner: User, make_account: Callable[..., Account]) -> Account:
    account = make_account(owner=owner)
    classed_run({account: {**buyer(100.0, quadrant="III"), "tier": "1a"}})
    save_playbook(
        actor=director, kind="quadrant", key="III", change=PlaybookChange(description=NEW_III)
    )
    save_playbook(actor=director, kind="tier", key="1a", change=PlaybookChange(description=NEW_1A))
    return account


def test_the_dashboard_shows_the_changed_quadrant_strategy(
    login: Callable[[User], Client], director: User, changed: Account
) -> None:
    client = login(director)

    page = text_of(client.get(reverse("web:analytics_dashboard")).content.decode())
    csv = client.get(reverse("web:analytics_csv", args=["quadrants"])).content.decode()

    assert NEW_III in page
    assert "Loyal and profitable: maximum care" not in page
    assert NEW_III in csv


def test_the_account_page_shows_the_changed_strategies(
    login: Callable[[User], Client], owner: User, changed: Account
) -> None:
    page = text_of(
        login(owner).get(reverse("web:account_detail", args=[changed.pk])).content.decode()
    )

    assert page.count(NEW_III) >= 2  # the segments card and the playbooks card
    assert page.count(NEW_1A) >= 2  # the tier card and the playbooks card
    assert "Loyal and profitable: maximum care" not in page
