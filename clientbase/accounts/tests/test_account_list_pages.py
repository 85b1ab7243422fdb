"""The account list is paged by keyset: every sort key, both directions, walks every account
exactly once, in order; a cursor that makes no sense just gives the first page."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import (
    SORT_COLUMNS,
    AccountListQuery,
    AccountPage,
    account_list,
    encode_cursor,
    visible_accounts,
)

MakeAccount = Callable[..., Account]
SORTS = [f"{sign}{key}" for key in SORT_COLUMNS for sign in ("", "-")]


def walk(actor: User, sort: str, limit: int) -> list[AccountPage]:
    pages: list[AccountPage] = []
    after = ""
    for _ in range(100):
        page = account_list(
            actor=actor, query=AccountListQuery(sort=sort, after=after, limit=limit)
        )
        pages.append(page)
        if page.next_cursor is None:
            return pages
        after = page.next_cursor
    raise AssertionError("the list never ended")


def in_database_order(actor: User, sort: str) -> list[int]:
    column = SORT_COLUMNS[sort.lstrip("-")]
    order = [f"-{column}", "-id"] if sort.startswith("-") else [column, "id"]
    return list(visible_accounts(actor=actor).order_by(*order).values_list("pk", flat=True))


@pytest.fixture
def book(make_account: MakeAccount, owner: User, teammate: User) -> list[Account]:
    """Eleven accounts with ties in every sort column, so pages break inside a tie."""
    rows = [
        ("Same name", "Moscow", "active"),
        ("Same name", "Moscow", "active"),
        ("Same name", "", "lost"),
        ("Альфа", "Казань", "dormant"),
        ("альфа", "Kazan", "prospect"),
        ("Ёж", "", "prospect"),
        ("Beta", "Moscow", "former"),
        ("beta", "Tehran", "active"),
        ("شرکت آلفا", "تهران", "lost"),
        ("Zeta", "Omsk", "prospect"),
        ("Omega", "Omsk", "active"),
    ]
    accounts = [
        make_account(owner=owner, display_name=name, city=city, status=status)
        for name, city, status in rows
    ]
    # Ties in created_at too: three accounts created "at the same moment".
    moment = dt.datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)
    Account.objects.filter(pk__in=[a.pk for a in accounts[3:6]]).update(created_at=moment)
    make_account(owner=teammate, display_name="Not the owner's")  # out of scope: never listed
    return accounts


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("limit", [1, 3, 4, 11, 50])
def test_it_walks_every_account_once_in_order(
    book: list[Account], owner: User, sort: str, limit: int
) -> None:
    pages = walk(owner, sort, limit)
    walked = [account.pk for page in pages for account in page.accounts]

    assert walked == in_database_order(owner, sort)
    assert len(walked) == len(set(walked)) == len(book)
    assert all(len(page.accounts) == limit for page in pages[:-1])
    assert 1 <= len(pages[-1].accounts) <= limit
    assert [page.is_first for page in pages] == [True] + [False] * (len(pages) - 1)
    assert {page.sort for page in pages} == {sort}


def test_an_unknown_sort_key_falls_back_to_the_name(book: list[Account], owner: User) -> None:
    page = account_list(actor=owner, query=AccountListQuery(sort="-password", limit=50))

    assert page.sort == "name"
    assert [a.pk for a in page.accounts] == in_database_order(owner, "name")


def test_the_status_filter_pages_within_the_status(book: list[Account], owner: User) -> None:
    walked: list[Account] = []
    after = ""
    while True:
        page = account_list(
            actor=owner, query=AccountListQuery(status="active", after=after, limit=1)
        )
        walked += page.accounts
        if page.next_cursor is None:
            break
        after = page.next_cursor

    assert len(walked) == 4
    assert {account.status for account in walked} == {"active"}


def test_the_page_size_is_clamped(book: list[Account], owner: User) -> None:
    assert len(account_list(actor=owner, query=AccountListQuery(limit=0)).accounts) == 1
    assert len(account_list(actor=owner, query=AccountListQuery(limit=-5)).accounts) == 1


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MALFORMED = [
    pytest.param("not a cursor!", "name", id="not-base64"),
    pytest.param(b64(b"\xff\xfe"), "name", id="not-utf8"),
    pytest.param(b64(b"{not json"), "name", id="not-json"),
    pytest.param(b64(b'{"a": 1}'), "name", id="not-a-list"),
    pytest.param(b64(b'["a", 1, 2]'), "name", id="three-values"),
    pytest.param(b64(b'["a", "1"]'), "name", id="id-not-an-integer"),
    pytest.param(b64(b"[null, 1]"), "name", id="null-value"),
    pytest.param(b64(b'[["a"], 1]'), "name", id="list-value"),
    pytest.param(encode_cursor(["Same name", 1]), "created", id="name-cursor-for-created"),
    pytest.param(encode_cursor(["2026-01-01T12:00:00", 1]), "created", id="naive-datetime"),
    pytest.param(encode_cursor([12345, 1]), "-created", id="number-for-created"),
]


@pytest.mark.parametrize(("cursor", "sort"), MALFORMED)
def test_a_malformed_cursor_gives_the_first_page(
    book: list[Account], owner: User, cursor: str, sort: str
) -> None:
    first = account_list(actor=owner, query=AccountListQuery(sort=sort, limit=3))

    page = account_list(actor=owner, query=AccountListQuery(sort=sort, after=cursor, limit=3))

    assert [a.pk for a in page.accounts] == [a.pk for a in first.accounts]
    assert page.is_first
    assert page.next_cursor == first.next_cursor
