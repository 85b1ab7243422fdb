from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clientbase.accounts.models import Account
from clientbase.accounts.services import create_account
from clientbase.catalog.models import Product, ProductCategory

INN_A = "7707083893"  # valid check digit
INN_B = "7736050003"

ORDER_HEADER = "Документ;Дата;ИНН контрагента;Артикул;Количество;Сумма без НДС;Себестоимость"


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def catalog(db: None) -> dict[str, Product]:
    category = ProductCategory.objects.create(name="Pumps")
    return {
        sku: Product.objects.create(
            sku=sku, name=f"Pump {sku}", category=category, list_price=Decimal("10")
        )
        for sku in ("P-1", "P-2", "P-3")
    }


@pytest.fixture
def customers(db: None) -> dict[str, Account]:
    return {
        inn: create_account(actor=None, legal_name=f"ООО «{inn}»", tax_ids={"ru_inn": inn})
        for inn in (INN_A, INN_B)
    }


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, text: str = "", data: bytes | None = None) -> Path:
        path = tmp_path / name
        path.write_bytes(data if data is not None else text.encode("utf-8"))
        return path

    return make


def orders_csv(*lines: str) -> str:
    return "\n".join([ORDER_HEADER, *lines]) + "\n"
