"""The "Create tasks" button: a confirmation with the count first, then the tasks and the
result count; only over the accounts the user sees."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.activities.models import Activity
from clientbase.analytics.tests.playbook_fixtures import classed_run

from .conftest import text_of

pytestmark = pytest.mark.django_db
URL = reverse("web:playbook_tasks", args=("rfm", "at_risk"))


@pytest.fixture
def at_risk(owner: User, outsider: User, make_account: Callable[..., Account]) -> list[Account]:
    accounts = [make_account(owner=owner), make_account(owner=owner), make_account(owner=outsider)]
    classed_run({a: {"rfm_segment": "at_risk"} for a in accounts})
    return accounts


def test_the_confirmation_counts_the_owners_accounts_and_creates_nothing(
    login: Callable[[User], Client], owner: User, at_risk: list[Account]
) -> None:
    response = login(owner).get(URL)

    page = text_of(response.content.decode())
    assert response.status_code == 200
    assert "each of the 2 accounts you can see" in page
    assert not Activity.objects.exists()


def test_confirming_creates_the_tasks_and_says_how_many(
    login: Callable[[User], Client], owner: User, at_risk: list[Account]
) -> None:
    client = login(owner)

    first = text_of(client.post(URL).content.decode())
    second = text_of(client.post(URL).content.decode())

    assert "2 tasks created." in first
    assert "0 tasks created." in second
    assert Activity.objects.filter(source_system="playbook", owner=owner).count() == 2


def test_a_teammate_sees_nothing_to_do(
    login: Callable[[User], Client], teammate: User, at_risk: list[Account]
) -> None:
    client = login(teammate)

    assert "each of the 0 accounts" in text_of(client.get(URL).content.decode())
    client.post(URL)
    assert not Activity.objects.exists()


def test_the_outsider_creates_a_task_only_for_their_own_account(
    login: Callable[[User], Client], outsider: User, at_risk: list[Account]
) -> None:
    page = text_of(login(outsider).post(URL).content.decode())

    assert "1 task created." in page
    assert [a.account for a in Activity.objects.all()] == [at_risk[2]]


def test_it_rejects_the_run_without_the_right(
    login: Callable[[User], Client], at_risk: list[Account]
) -> None:
    auditor = create_user(actor=None, username="aud", password="x" * 12, role=Role.AUDITOR)

    assert login(auditor).post(URL).status_code == 403
    assert not Activity.objects.exists()


def test_the_account_page_shows_the_playbooks_that_apply(
    login: Callable[[User], Client], owner: User, at_risk: list[Account]
) -> None:
    response = login(owner).get(reverse("web:account_detail", args=[at_risk[0].pk]))

    page = text_of(response.content.decode())
    assert "Playbooks" in page
    assert "RFM: At risk" in page
    assert "Find out why they stopped and make a tailored offer" in page
    assert "Contact every 14 days" in page
