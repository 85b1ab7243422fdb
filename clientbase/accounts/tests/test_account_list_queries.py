"""A page of the account list costs the same few queries for 5 accounts as for 40."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientbase.access.models import User
from clientbase.access.selectors import visible_user_ids
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery, account_list

MakeAccount = Callable[..., Account]


def queries_to_render_a_page(actor: User, q: str = "") -> int:
    """Queries to fetch one page and read what a list row shows: owner, manager, tax ids."""
    with CaptureQueriesContext(connection) as queries:
        page = account_list(actor=actor, query=AccountListQuery(q=q, limit=50))
        for account in page.accounts:
            assert account.owner is not None
            _ = account.owner.username
            _ = account.account_manager.username if account.account_manager else ""
            _ = [tax_id.value for tax_id in account.tax_ids.all()]
    return len(queries)


@pytest.mark.parametrize("who", ["owner", "lead", "director"])
@pytest.mark.parametrize("q", ["", "account", "7707083893", "info@example.com"])
def test_it_runs_as_many_queries_for_40_accounts_as_for_5(
    make_account: MakeAccount,
    owner: User,
    teammate: User,
    request: pytest.FixtureRequest,
    who: str,
    q: str,
) -> None:
    actor: User = request.getfixturevalue(who)

    def add(count: int) -> None:
        for _ in range(count):
            make_account(
                owner=owner,
                account_manager=teammate,
                email="info@example.com",
                tax_ids={"ru_inn": "7707083893", "ru_kpp": "773601001"},
            )

    add(5)
    # Rights and a lead's team are read once per user object (a request); not counted here.
    visible_user_ids(actor)
    for_5 = queries_to_render_a_page(actor, q)
    add(35)
    for_40 = queries_to_render_a_page(actor, q)

    assert for_5 == for_40
    assert for_40 <= 5
