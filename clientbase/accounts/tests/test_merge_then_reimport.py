"""Re-importing orders of a merged-away account lands them on its survivor."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.services import create_account, merge_accounts
from clientbase.catalog.models import Product, ProductCategory
from clientbase.imports.services import run_import
from clientbase.sales.models import Order

pytestmark = pytest.mark.django_db

INN_SURVIVOR = "7707083893"
INN_MERGED = "7736050003"


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def pair(owner: User) -> tuple[Account, Account]:
    category = ProductCategory.objects.create(name="Pumps")
    Product.objects.create(sku="P-1", name="Pump", category=category, list_price=Decimal("10"))
    survivor = create_account(
        actor=None, owner=owner, legal_name="ООО «Ромашка»", tax_ids={"ru_inn": INN_SURVIVOR}
    )
    merged = create_account(
        actor=None, owner=owner, legal_name="Romashka LLC", tax_ids={"ru_inn": INN_MERGED}
    )
    Account.objects.filter(pk=merged.pk).update(source_system="1c", external_id="K-42")
    merged.refresh_from_db()
    merge_accounts(actor=owner, survivor=survivor, merged=merged)
    return survivor, merged


def test_an_order_naming_the_merged_accounts_tax_id_lands_on_the_survivor(
    pair: tuple[Account, Account], tmp_path: Path
) -> None:
    survivor, _merged = pair
    path = tmp_path / "orders.csv"
    path.write_text(
        "Документ;Дата;ИНН контрагента;Артикул;Количество;Сумма без НДС;Себестоимость\n"
        f"R-1;01.02.2024;{INN_MERGED};P-1;2;100;50\n",
        encoding="utf-8",
    )

    run_import(actor=None, path=path, source_system="1c", chunk_size=1)

    assert Order.objects.get(external_id="R-1").account_id == survivor.pk


def test_an_order_naming_the_merged_accounts_external_id_lands_on_the_survivor(
    pair: tuple[Account, Account], tmp_path: Path
) -> None:
    survivor, _merged = pair
    path = tmp_path / "orders.csv"
    path.write_text(
        "Документ;Дата;Код контрагента;Артикул;Количество;Сумма без НДС;Себестоимость\n"
        "R-2;01.02.2024;K-42;P-1;2;100;50\n",
        encoding="utf-8",
    )

    run_import(actor=None, path=path, source_system="1c", chunk_size=1)

    assert Order.objects.get(external_id="R-2").account_id == survivor.pk
