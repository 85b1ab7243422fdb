"""All-or-nothing: any bad row rejects the batch, writes nothing and reports every bad row."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from clientbase.accounts.models import Account
from clientbase.catalog.models import Product
from clientbase.imports.models import BatchStatus, ImportBatch
from clientbase.imports.services import run_import
from clientbase.imports.tests.conftest import INN_A, INN_B, orders_csv
from clientbase.sales.models import Order, OrderLine

pytestmark = pytest.mark.usefixtures("catalog", "customers")

GOOD = f"R-1;01.02.2024;{INN_A};P-1;2;100,50;50"


@pytest.mark.parametrize(
    ("bad_line", "column", "reason"),
    [
        (f"R-2;31.02.2024;{INN_B};P-1;1;10;5", "Дата", "not a date"),
        (f"R-2;01.02.2024;{INN_B};P-1;-3;10;5", "Количество", "greater than zero"),
        (f"R-2;01.02.2024;{INN_B};P-1;0;10;5", "Количество", "greater than zero"),
        (f"R-2;01.02.2024;{INN_B};NOPE;1;10;5", "Артикул", "unknown product code"),
        ("R-2;01.02.2024;7707083894;P-1;1;10;5", "ИНН контрагента", "not a valid INN"),
        ("R-2;01.02.2024;7736050003;P-1;1;10;=SUM(A1:A3)", "Себестоимость", "formulas"),
        (f"R-2;01.02.2024;{INN_B};P-1;1;ten;5", "Сумма без НДС", "not a number"),
        (f"R-2;01.02.2024;{INN_B};P-1;1", "", "cells but the header has"),
    ],
)
def test_it_rejects_the_file_with_a_row_level_error_and_writes_nothing(
    write: Callable[..., Path], bad_line: str, column: str, reason: str
) -> None:
    path = write("orders.csv", orders_csv(GOOD, "R-9;01.02.2024;7736050003;P-3;1;1;1", bad_line))
    result = run_import(actor=None, path=path, source_system="1c", target="orders")
    assert result.status == BatchStatus.REJECTED
    assert result.created == 0
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    with result.report_path.open(encoding="utf-8") as handle:  # type: ignore[union-attr]
        report = list(csv.DictReader(handle))
    assert report, "the report names the bad rows"
    assert all(r["row"].isdigit() for r in report)
    assert any(reason in r["reason"] and r["column"] == column for r in report), report
    assert ImportBatch.objects.get().status == BatchStatus.REJECTED


def test_duplicate_order_ids_apart_in_the_file_are_reported(write: Callable[..., Path]) -> None:
    path = write(
        "orders.csv",
        orders_csv(GOOD, f"R-2;01.02.2024;{INN_B};P-1;1;10;5", f"R-1;01.02.2024;{INN_A};P-2;1;1;1"),
    )
    result = run_import(actor=None, path=path, source_system="1c", target="orders")
    assert result.status == BatchStatus.REJECTED
    assert [(e.row, e.value) for e in result.errors] == [(4, "R-1")]
    assert "duplicate order id" in result.errors[0].reason


def test_duplicate_account_ids_inside_one_file_are_reported(write: Callable[..., Path]) -> None:
    path = write("acc.csv", "ID,Company name\nA1,Acme\nA2,Beta\nA1,Acme again\n")
    before = Account.objects.count()
    result = run_import(actor=None, path=path, source_system="crm", target="accounts")
    assert result.status == BatchStatus.REJECTED
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "ID", "A1")]
    assert "already at row 2" in result.errors[0].reason
    assert Account.objects.count() == before


def test_a_10_mb_cell_and_wrong_encoding_leave_nothing_behind(write: Callable[..., Path]) -> None:
    big = write(
        "big.csv",
        data=orders_csv(GOOD).encode() + b"R-2;01.02.2024;" + b"9" * (10 * 1024 * 1024) + b"\n",
    )
    result = run_import(actor=None, path=big, source_system="1c", target="orders")
    assert result.status == BatchStatus.REJECTED
    assert "larger than 1 MB" in result.errors[0].reason
    assert Product.objects.count() == 3
    assert not Order.objects.exists()
