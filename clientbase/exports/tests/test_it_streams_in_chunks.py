"""An export reads the list one keyset page of plain column tuples at a time, so memory stays
flat for any size, and writes each page before reading the next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientbase.access.models import User
from clientbase.accounts import selectors
from clientbase.accounts.models import Account, TaxIdentifier
from clientbase.accounts.selectors import AccountExportSource, AccountListQuery
from clientbase.exports import cells, services
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import read

pytestmark = pytest.mark.django_db
N = 1200
PAGE = 500


@pytest.fixture
def accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    Account.objects.bulk_create(
        Account(legal_name=f"Legal {n:05d}", display_name=f"Name {n:05d}") for n in range(N)
    )
    monkeypatch.setattr(services, "CHUNK_SIZE", PAGE)


def spy_pages(monkeypatch: pytest.MonkeyPatch, on_page: list[int]) -> None:
    real = selectors.account_export_pages

    def spy(source: AccountExportSource, *, size: int) -> Iterator[list[list[str]]]:
        for page in real(source, size=size):
            on_page.append(len(page))
            yield page

    monkeypatch.setattr(selectors, "account_export_pages", spy)


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_streams_in_chunks(director: User, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    pages: list[int] = []
    spy_pages(monkeypatch, pages)
    rows = read(export_accounts(actor=director, query=AccountListQuery(), fmt=fmt))
    assert pages == [500, 500, 200]
    names = [row["display_name"] for row in rows]
    assert names == [f"Name {n:05d}" for n in range(N)]  # every row once, in order


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("sort", ["-name", "city", "-created", "status"])
def test_keyset_pages_keep_the_list_order_for_every_sort(director: User, sort: str) -> None:
    Account.objects.filter(pk__in=Account.objects.order_by("pk").values("pk")[:700]).update(
        city="Kazan", status="active"
    )
    page_ids: list[int] = []
    query = AccountListQuery(sort=sort, limit=500)
    while True:
        page = selectors.account_list(actor=director, query=query)
        page_ids += [account.pk for account in page.accounts]
        if page.next_cursor is None:
            break
        query = AccountListQuery(sort=sort, limit=500, after=page.next_cursor)
    rows = read(export_accounts(actor=director, query=AccountListQuery(sort=sort), fmt="csv"))
    assert [int(row["id"]) for row in rows] == page_ids


@pytest.mark.usefixtures("accounts")
def test_it_reads_one_query_per_page_tax_ids_included(director: User) -> None:
    for account in Account.objects.order_by("pk")[:3]:
        TaxIdentifier.objects.create(account=account, kind="ru_kpp", value="773601001")
        TaxIdentifier.objects.create(account=account, kind="ru_inn", value=f"77{account.pk:08d}")
    with CaptureQueriesContext(connection) as queries:
        rows = read(export_accounts(actor=director, query=AccountListQuery(), fmt="csv"))
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "accounts_' in q["sql"]
    ]
    assert len(selects) == 3  # 1,200 rows in pages of 500, tax ids in each page's own query
    with_tax_ids = [row["tax_ids"] for row in rows if row["tax_ids"]]
    assert len(with_tax_ids) == 3
    assert all(t.startswith("ru_inn:77") and t.endswith("; ru_kpp:773601001") for t in with_tax_ids)


@pytest.mark.usefixtures("accounts")
def test_rows_are_written_while_the_list_is_still_being_read(
    director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    written_before_each_page: list[int] = []
    written = 0
    real_rows = cells.csv_rows

    def counting_rows(rows: list[list[str]]) -> list[list[str]]:
        nonlocal written
        written += len(rows)
        return real_rows(rows)

    real_pages = selectors.account_export_pages

    def spy(source: AccountExportSource, *, size: int) -> Iterator[list[list[str]]]:
        for page in real_pages(source, size=size):
            written_before_each_page.append(written)
            yield page

    monkeypatch.setattr(services, "csv_rows", counting_rows)
    monkeypatch.setattr(selectors, "account_export_pages", spy)
    export_accounts(actor=director, query=AccountListQuery(), fmt="csv").file.close()
    assert written_before_each_page == [0, 500, 1000]
