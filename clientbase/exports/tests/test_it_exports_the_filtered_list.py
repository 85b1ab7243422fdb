"""An export is the whole list the user filtered: search, status and sort, all pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account, TaxIdentifier
from clientbase.accounts.selectors import AccountListQuery, account_list
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import csv_rows, read, xlsx_rows

pytestmark = pytest.mark.django_db
MakeAccount = Callable[..., Account]


@pytest.fixture
def base(director: User, owner: User, make_account: MakeAccount) -> None:
    make_account(owner=owner, display_name="Alpha Steel", city="Kazan", status="active")
    make_account(owner=owner, display_name="Beta Steel", city="Moscow", status="lost")
    make_account(owner=owner, display_name="Gamma Steel", city="Tula", status="active")
    make_account(owner=owner, display_name="Delta Foods", city="Omsk", status="active")


@pytest.mark.usefixtures("base")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_the_filtered_list(director: User, fmt: str) -> None:
    query = AccountListQuery(q="steel", status="active", sort="-name")
    rows = read(export_accounts(actor=director, query=query, fmt=fmt))
    assert [row["display_name"] for row in rows] == ["Gamma Steel", "Alpha Steel"]


@pytest.mark.usefixtures("base")
def test_it_ignores_the_page_cursor_and_size(director: User) -> None:
    first = account_list(actor=director, query=AccountListQuery(limit=1))
    query = AccountListQuery(after=first.next_cursor or "", limit=1)
    rows = read(export_accounts(actor=director, query=query, fmt="csv"))
    assert len(rows) == 4


def test_it_writes_the_list_columns(
    director: User, owner: User, lead: User, make_account: MakeAccount
) -> None:
    account = make_account(
        owner=owner,
        account_manager=lead,
        legal_name="ООО «Альфа»",
        display_name="Alpha",
        status="active",
        city="Kazan",
        country="RU",
        phone="+78432000000",
        email="info@alpha.example",
    )
    TaxIdentifier.objects.create(account=account, kind="ru_inn", value="7707083893")
    TaxIdentifier.objects.create(account=account, kind="ru_kpp", value="773601001")
    [row] = read(export_accounts(actor=director, query=AccountListQuery(), fmt="xlsx"))
    assert row == {
        "id": str(account.pk),
        "display_name": "Alpha",
        "legal_name": "ООО «Альфа»",
        "status": "active",
        "city": "Kazan",
        "country": "RU",
        "phone": "+78432000000",  # a plain string cell in XLSX: no apostrophe needed
        "email": "info@alpha.example",
        "owner": "owner",
        "account_manager": "lead",
        "tax_ids": "ru_inn:7707083893; ru_kpp:773601001",
        "created_at": account.created_at.isoformat(),
    }


@pytest.mark.usefixtures("base")
def test_the_web_export_honours_the_list_filter(client: Client, director: User) -> None:
    client.force_login(director)
    response = client.get(
        reverse("web:account_export"), {"q": "steel", "status": "active", "fmt": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="accounts-')
    assert disposition.endswith('.csv"')
    rows = csv_rows(response.getvalue())
    assert [row["display_name"] for row in rows] == ["Alpha Steel", "Gamma Steel"]


@pytest.mark.usefixtures("base")
def test_the_api_export_honours_the_list_filter(client: Client, director: User) -> None:
    client.force_login(director)
    response = client.get("/api/v1/accounts/export", {"fmt": "xlsx", "q": "steel", "sort": "-city"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = xlsx_rows(response.getvalue())
    assert [row["city"] for row in rows] == ["Tula", "Moscow", "Kazan"]


def test_the_api_refuses_an_unknown_format(client: Client, director: User) -> None:
    client.force_login(director)
    assert client.get("/api/v1/accounts/export", {"fmt": "pdf"}).status_code == 422
