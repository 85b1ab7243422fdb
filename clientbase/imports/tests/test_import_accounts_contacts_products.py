"""Accounts, contacts and products from typical exports, with their provenance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from clientbase.accounts.models import Account, Contact, TaxIdentifier
from clientbase.catalog.models import Product
from clientbase.imports.services import ImportRunError, run_import
from clientbase.imports.validation import make_date_check

pytestmark = pytest.mark.django_db


def test_it_imports_a_bitrix24_xlsx_with_the_shipped_template(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Название компании", "ИНН", "Рабочий телефон", "Город"])
    sheet.append([101, "ООО «Ромашка»", "7707083893", "8 (495) 123-45-67", "Москва"])
    book.save(tmp_path / "companies.xlsx")
    from clientbase.imports.mapping import resolve_mapping

    result = run_import(
        actor=None,
        path=tmp_path / "companies.xlsx",
        source_system="bitrix24",
        mapping=resolve_mapping("bitrix24_companies", "bitrix24"),
    )
    account = Account.objects.get(source_system="bitrix24", external_id="101")
    assert (result.created, account.import_batch_id) == (1, result.batch_id)
    assert account.phone == "+74951234567"
    assert account.display_name == "ООО «Ромашка»"
    assert "ромашка" in account.search_name
    assert TaxIdentifier.objects.get(account=account).value == "7707083893"


def test_contacts_link_to_accounts_by_inn_and_unknown_ones_are_rejected(
    write: Callable[..., Path],
) -> None:
    run_import(
        actor=None,
        path=write("a.csv", "ID,Company name,INN\nA1,Acme,7707083893\n"),
        source_system="crm",
    )
    bad = run_import(
        actor=None,
        path=write(
            "c.csv", "ID,Full name,INN,E-mail\nC1,Ann,7707083893,ANN@X.RU\nC2,Bob,7736050003,\n"
        ),
        source_system="crm",
        target="contacts",
    )
    assert [(e.row, e.reason) for e in bad.errors] == [(3, "unknown account")]
    assert not Contact.objects.exists()
    good = run_import(
        actor=None,
        path=write("c2.csv", "ID,Full name,INN,E-mail\nC1,Ann,7707083893,ANN@X.RU\n"),
        source_system="crm",
        target="contacts",
    )
    contact = Contact.objects.get()
    assert (good.created, contact.email, contact.account.external_id) == (1, "ann@x.ru", "A1")  # type: ignore[union-attr]


def test_products_get_their_category_and_sku_as_external_id(write: Callable[..., Path]) -> None:
    result = run_import(
        actor=None,
        path=write("p.csv", "Артикул;Номенклатура;Группа;Цена\nP-1;Насос;Насосы;1 234,50\n"),
        source_system="1c",
        target="products",
    )
    product = Product.objects.get(sku="P-1")
    assert (result.created, product.external_id, product.category.name) == (1, "P-1", "Насосы")
    assert product.list_price == Decimal("1234.50")


def test_jalali_dates_are_read_when_the_year_says_so() -> None:
    check = make_date_check()
    assert check("1403/01/01") == dt.date(2024, 3, 20)
    assert check("2024-03-20") == dt.date(2024, 3, 20)
    with pytest.raises(ValueError, match="not a date"):
        check("31.02.2024")


def test_a_file_nobody_can_map_is_refused_with_a_sentence(write: Callable[..., Path]) -> None:
    with pytest.raises(ImportRunError, match="cannot tell what the file holds"):
        run_import(actor=None, path=write("x.csv", "foo,bar\n1,2\n"), source_system="x")
