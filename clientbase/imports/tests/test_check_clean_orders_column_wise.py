"""A clean UTF-8 orders CSV is checked column-wise and gives the same orders as the row checker;
a file with a bad row falls back to the row checker and its report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clientbase.imports.fast_orders import FastOrders
from clientbase.imports.mapping import auto_mapping
from clientbase.imports.readers import open_table
from clientbase.imports.services import run_import
from clientbase.imports.tests.conftest import INN_A, INN_B, ORDER_HEADER, orders_csv
from clientbase.imports.validation import plan_for, targets
from clientbase.sales.models import Order, OrderLine

pytestmark = pytest.mark.usefixtures("catalog", "customers")

LINES = [
    f"R-1;01.02.2024;{INN_A};P-1;2;100,50;50",
    f"R-1;01.02.2024;{INN_A};P-2;1,5;10.25;",
    f"R-2;2024-02-29;{INN_B};P-3;3;-30;20",
    f"R-3;29.02.2024;{INN_B};P-3;1;9;1",
]


def _orders(source: str) -> list[Any]:
    orders = Order.objects.filter(source_system=source).order_by("external_id")
    return [
        (
            o.external_id,
            o.account_id,
            o.date,
            o.number,
            o.currency,
            o.rate_to_base,
            o.net_revenue_base,
            o.cost_base,
            o.documents,
            o.owner_id,
            list(
                OrderLine.objects.filter(order=o)
                .order_by("id")
                .values_list("product_id", "quantity", "net_revenue", "cost")
            ),
        )
        for o in orders
    ]


def test_a_clean_orders_csv_is_checked_column_wise(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    path = write("orders.csv", orders_csv(*LINES))
    table = open_table(path)
    plan = plan_for(table.headers, auto_mapping(table.headers, "orders"), targets()["orders"])
    checked = FastOrders(
        path=path,
        table=table,
        plan=plan,
        source_system="1c",
        spool_dir=tmp_path / "spool",
        chunk_size=2,
        progress=None,
    ).run()
    assert checked is not None
    assert (checked.rows, checked.chunks) == (4, 2)  # R-1's two lines stay in one chunk
    assert sorted(p.name for p in (tmp_path / "spool").iterdir())[:2] == [
        "000000.lines.arrow",
        "000000.orders.arrow",
    ]


def test_it_writes_the_same_orders_as_the_row_checker(write: Callable[..., Path]) -> None:
    headers = ORDER_HEADER.split(";")
    rows = [dict(zip(headers, line.split(";"), strict=True)) for line in LINES]
    jsonl = write("orders.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    by_rows = run_import(actor=None, path=jsonl, source_system="rows", target="orders")
    by_columns = run_import(
        actor=None, path=write("orders.csv", orders_csv(*LINES)), source_system="columns"
    )
    assert (by_rows.status, by_columns.status) == ("done", "done")
    assert by_columns.created == 3
    assert _orders("columns") == _orders("rows")


def test_a_bad_row_is_still_reported_with_its_row_column_and_reason(
    write: Callable[..., Path],
) -> None:
    bad = [*LINES[:2], f"R-2;30.02.2024;{INN_B};P-3;3;30;20", LINES[3]]
    result = run_import(actor=None, path=write("orders.csv", orders_csv(*bad)), source_system="1c")
    assert result.status == "rejected"
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "Дата", "30.02.2024")]
    assert Order.objects.count() == 0
