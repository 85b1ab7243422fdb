"""A chunk of new orders checked column-wise is written in bulk (COPY on PostgreSQL, without
the per-row key triggers when the role may): it writes exactly what the compare-and-update
path writes, still refuses keys that vanished since pass 1, and finds re-imported orders
through the unique index."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from django.db import IntegrityError, connection

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.catalog.models import Product
from clientbase.imports.applying import apply_chunks
from clientbase.imports.fast_orders import FastOrders
from clientbase.imports.mapping import auto_mapping
from clientbase.imports.models import BatchStatus, ImportBatch, ImportChunk
from clientbase.imports.readers import open_table
from clientbase.imports.tests.conftest import INN_A, INN_B, orders_csv
from clientbase.imports.validation import plan_for, targets
from clientbase.sales import bulk_orders
from clientbase.sales.models import Order, OrderLine
from clientbase.sales.services import ImportedOrder, import_orders

LINES = [
    f"R-1;01.02.2024;{INN_A};P-1;2;100,50;50",
    f"R-1;01.02.2024;{INN_A};P-2;1,5;10.25;",
    f"R-2;2024-02-29;{INN_B};P-3;3;-30;20",
    f"R-3;29.02.2024;{INN_B};P-3;1;9;1",
]


def _spool(write: Callable[..., Path], spool: Path, chunk_size: int = 2) -> ImportBatch:
    path = write("orders.csv", orders_csv(*LINES))
    table = open_table(path)
    plan = plan_for(table.headers, auto_mapping(table.headers, "orders"), targets()["orders"])
    checked = FastOrders(
        path=path,
        table=table,
        plan=plan,
        source_system="bulk",
        spool_dir=spool,
        chunk_size=chunk_size,
        progress=None,
    ).run()
    assert checked is not None
    return ImportBatch.objects.create(
        source_system="bulk",
        target="orders",
        status=BatchStatus.RUNNING,
        chunks_total=checked.chunks,
    )


def _written(source: str) -> list[Any]:
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
            o.import_batch_id is not None,
            list(
                o.lines.order_by("id").values_list("product_id", "quantity", "net_revenue", "cost")
            ),
        )
        for o in Order.objects.filter(source_system=source).order_by("external_id")
    ]


@pytest.fixture
def managed(customers: dict[str, Account]) -> User:
    manager = User.objects.create_user(username="manager", password="x" * 12)
    Account.objects.filter(pk=customers[INN_A].pk).update(account_manager=manager)
    return manager


@pytest.mark.parametrize("set_wise", [True, False], ids=["set-wise keys", "key triggers"])
@pytest.mark.usefixtures("catalog")
def test_the_bulk_write_stores_exactly_what_import_orders_stores(
    write: Callable[..., Path],
    tmp_path: Path,
    managed: User,
    set_wise: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not set_wise:  # a role that may not turn the triggers off keeps them: same rows
        monkeypatch.setattr(bulk_orders, "_may_skip_triggers", lambda cursor: False)
    monkeypatch.setattr(bulk_orders, "ROWS_PER_INSERT", 2)  # SQLite: full statements and a rest
    batch = _spool(write, tmp_path / "spool")
    counts = apply_chunks(actor=None, batch=batch, spool_dir=tmp_path / "spool", progress=None)
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    for number in range(batch.chunks_total or 0):
        tables = [
            pa.ipc.open_file(str(tmp_path / "spool" / f"{number:06d}.{part}.arrow")).read_all()
            for part in ("orders", "lines")
        ]
        import_orders(
            actor=None,
            source_system="compared",
            batch_id=batch.pk,
            orders=bulk_orders._imported(*tables),
        )
    assert _written("bulk") == _written("compared")
    assert _written("bulk")[0][9] == managed.pk  # the account's manager owns its orders


@pytest.mark.usefixtures("catalog")
def test_a_chunk_with_one_known_order_among_new_ones_updates_it_and_creates_the_rest(
    write: Callable[..., Path], tmp_path: Path, customers: dict[str, Account]
) -> None:
    batch = _spool(write, tmp_path / "spool", chunk_size=10)  # in one chunk
    known = ImportedOrder(
        external_id="R-3",  # the chunk's last order: PostgreSQL finds it only at its COPY
        account_id=customers[INN_B].pk,
        date=dt.date(2024, 2, 29),
        currency="RUB",
        rate_to_base=Decimal(1),
        number="R-3",
        documents=1,
        lines=[(Product.objects.get(sku="P-1").pk, Decimal(5), Decimal(7), Decimal(1))],
    )
    import_orders(actor=None, source_system="bulk", batch_id=0, orders=[known])
    counts = apply_chunks(actor=None, batch=batch, spool_dir=tmp_path / "spool", progress=None)
    assert counts == {"created": 2, "updated": 1, "unchanged": 0}
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["R-1", "R-2", "R-3"]
    r3 = Order.objects.get(external_id="R-3")
    assert list(r3.lines.values_list("product__sku", "quantity")) == [("P-3", Decimal(1))]
    assert r3.import_batch_id == batch.pk
    assert OrderLine.objects.count() == 4


@pytest.mark.django_db(transaction=True)  # SQLite checks deferred keys only at the real commit
@pytest.mark.usefixtures("customers")
def test_a_chunk_fails_whole_when_its_product_was_deleted_after_the_check(
    write: Callable[..., Path], tmp_path: Path, catalog: dict[str, Product]
) -> None:
    batch = _spool(write, tmp_path / "spool")
    catalog["P-3"].delete()  # only chunk 1 uses it
    with pytest.raises(IntegrityError):
        apply_chunks(actor=None, batch=batch, spool_dir=tmp_path / "spool", progress=None)
    assert list(Order.objects.values_list("external_id", flat=True)) == ["R-1"]
    assert OrderLine.objects.count() == 2
    assert list(ImportChunk.objects.values_list("number", flat=True)) == [0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("customers")
def test_the_chunks_after_a_failed_one_are_not_written_either(
    write: Callable[..., Path], tmp_path: Path, catalog: dict[str, Product]
) -> None:
    batch = _spool(write, tmp_path / "spool")
    catalog["P-1"].delete()  # only chunk 0 uses it; chunk 1 may be written meanwhile
    with pytest.raises(IntegrityError):
        apply_chunks(actor=None, batch=batch, spool_dir=tmp_path / "spool", progress=None)
    assert Order.objects.count() == OrderLine.objects.count() == ImportChunk.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalog")
def test_a_chunk_fails_whole_when_its_account_was_deleted_after_the_check(
    write: Callable[..., Path], tmp_path: Path, customers: dict[str, Account]
) -> None:
    batch = _spool(write, tmp_path / "spool", chunk_size=10)
    customers[INN_B].delete()
    with pytest.raises(IntegrityError):
        apply_chunks(actor=None, batch=batch, spool_dir=tmp_path / "spool", progress=None)
    assert Order.objects.count() == OrderLine.objects.count() == ImportChunk.objects.count() == 0


@pytest.mark.django_db
def test_the_existence_check_of_a_chunk_searches_the_unique_index() -> None:
    sql = (
        f"SELECT 1 FROM sales_order WHERE source_system = %s "
        f"AND NOT (external_id = '') AND {bulk_orders._in_set('external_id')} LIMIT 1"
    )
    params = ["1c", bulk_orders._list([f"R-{n}" for n in range(500)])]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # tiny table: prove it may
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "sales_order_provenance_uniq" in plan


@pytest.mark.django_db
def test_no_trigger_but_the_key_checks_sits_on_the_order_tables() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("triggers are turned off on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid IN ('sales_order'::regclass, 'sales_orderline'::regclass)"
        )
        assert cursor.fetchall() == []
