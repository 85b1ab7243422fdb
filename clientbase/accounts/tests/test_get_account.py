"""get_account: one account, or 404 alike for "missing" and "not yours" (no existence oracle)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import get_account

MakeAccount = Callable[..., Account]


def test_it_gives_the_owner_their_account(make_account: MakeAccount, owner: User) -> None:
    account = make_account(owner=owner)

    assert get_account(actor=owner, account_id=account.pk) == account


def test_it_gives_404_for_an_account_the_actor_may_not_see(
    make_account: MakeAccount, owner: User, outsider: User
) -> None:
    account = make_account(owner=owner)

    with pytest.raises(Http404):
        get_account(actor=outsider, account_id=account.pk)


def test_it_gives_the_same_404_for_an_account_that_does_not_exist(
    make_account: MakeAccount, owner: User, outsider: User
) -> None:
    hidden = make_account(owner=owner)

    with pytest.raises(Http404) as for_hidden:
        get_account(actor=outsider, account_id=hidden.pk)
    with pytest.raises(Http404) as for_missing:
        get_account(actor=outsider, account_id=hidden.pk + 1000)

    assert str(for_hidden.value) == str(for_missing.value)


def test_it_loads_the_people_with_the_account_in_one_query(
    make_account: MakeAccount, owner: User, teammate: User, lead: User
) -> None:
    account = make_account(owner=owner, account_manager=teammate)
    get_account(actor=lead, account_id=account.pk)  # warm up: the lead's team lookup

    with CaptureQueriesContext(connection) as queries:
        found = get_account(actor=owner, account_id=account.pk)
        names = (found.owner, found.account_manager)

    assert names == (owner, teammate)
    assert len(queries) == 1
