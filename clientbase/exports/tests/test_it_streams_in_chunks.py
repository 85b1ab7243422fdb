"""An export reads the list one keyset page at a time, so memory stays flat for any size."""

from __future__ import annotations

import math

import pytest

from clientbase.access.models import User
from clientbase.accounts import selectors
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery, AccountPage
from clientbase.exports import cells, services
from clientbase.exports.services import CHUNK_SIZE, export_accounts
from clientbase.exports.tests.conftest import read

pytestmark = pytest.mark.django_db
N = 1200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_streams_in_chunks(director: User, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    Account.objects.bulk_create(
        Account(legal_name=f"Legal {n:05d}", display_name=f"Name {n:05d}") for n in range(N)
    )
    pages: list[int] = []
    real = selectors.account_list

    def spy(*, actor: User, query: AccountListQuery) -> AccountPage:
        page = real(actor=actor, query=query)
        pages.append(len(page.accounts))
        return page

    monkeypatch.setattr(selectors, "account_list", spy)
    rows = read(export_accounts(actor=director, query=AccountListQuery(), fmt=fmt))
    assert len(pages) == math.ceil(N / CHUNK_SIZE) == 3
    assert pages == [500, 500, 200]
    names = [row["display_name"] for row in rows]
    assert names == [f"Name {n:05d}" for n in range(N)]  # every row once, in order


def test_rows_are_written_while_the_list_is_still_being_read(
    director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    Account.objects.bulk_create(
        Account(legal_name=f"Legal {n:05d}", display_name=f"Name {n:05d}") for n in range(N)
    )
    written_before_each_read: list[int] = []
    written = 0
    real_cell = cells.csv_cell
    real_list = selectors.account_list

    def counting_cell(text: str) -> str:
        nonlocal written
        written += 1
        return real_cell(text)

    def spy(*, actor: User, query: AccountListQuery) -> AccountPage:
        written_before_each_read.append(written)
        return real_list(actor=actor, query=query)

    monkeypatch.setattr(services, "csv_cell", counting_cell)
    monkeypatch.setattr(selectors, "account_list", spy)
    export_accounts(actor=director, query=AccountListQuery(), fmt="csv").file.close()
    cells_per_row = len(selectors.exportable_account_fields(director))
    assert written_before_each_read == [0, 500 * cells_per_row, 1000 * cells_per_row]
