"""Paging stays stable while colleagues add accounts: what was already shown is never shown
again, and no account that existed when paging began is skipped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import SORT_COLUMNS, AccountListQuery, account_list

MakeAccount = Callable[..., Account]

# Per sort key: the column, a value below every starting value and one above every one.
EXTREMES: dict[str, tuple[str, Any, Any]] = {
    "name": ("display_name", "Aardvark", "Zebra"),
    "city": ("city", "Aachen", "Zurich"),
    "status": ("status", "active", "prospect"),
    "created": (
        "created_at",
        dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
    ),
}


@pytest.fixture
def starting_accounts(make_account: MakeAccount, owner: User) -> set[int]:
    """Ten accounts; every column stays strictly between its two extremes."""
    cities = ["Kazan", "Moscow", "Omsk"]
    statuses = ["dormant", "former", "lost"]
    return {
        make_account(
            owner=owner,
            display_name=f"Account {n:02d}",
            city=cities[n % 3],
            status=statuses[n % 3],
        ).pk
        for n in range(10)
    }


@pytest.mark.parametrize("sort", [f"{sign}{key}" for key in SORT_COLUMNS for sign in ("", "-")])
def test_inserts_before_and_after_the_cursor_neither_repeat_nor_skip_anything(
    starting_accounts: set[int], make_account: MakeAccount, owner: User, sort: str
) -> None:
    column, low, high = EXTREMES[sort.lstrip("-")]
    behind, ahead = (high, low) if sort.startswith("-") else (low, high)
    inserted_behind: set[int] = set()
    inserted_ahead: set[int] = set()

    def insert(value: Any, n: int) -> int:
        account = make_account(owner=owner, display_name=f"Inserted {n:02d}")
        Account.objects.filter(pk=account.pk).update(**{column: value})
        return account.pk

    walked: list[int] = []
    after = ""
    for n in range(50):
        page = account_list(actor=owner, query=AccountListQuery(sort=sort, after=after, limit=3))
        walked += [account.pk for account in page.accounts]
        if page.next_cursor is None:
            break
        after = page.next_cursor
        if page.accounts[-1].pk in starting_accounts:
            # While the cursor is among the starting accounts, a colleague adds one account
            # that sorts behind it and one that sorts ahead of it.
            inserted_behind.add(insert(behind, n))
            inserted_ahead.add(insert(ahead, n))
    else:
        raise AssertionError("the list never ended")

    assert len(walked) == len(set(walked)), "a page repeated an account already shown"
    assert starting_accounts <= set(walked), "an account that existed at the start was skipped"
    assert not inserted_behind & set(walked), "an account behind the cursor was shown"
    assert inserted_ahead <= set(walked), "an account ahead of the cursor was not reached"
    assert len(inserted_behind) >= 3, "inserts really happened between several pages"
