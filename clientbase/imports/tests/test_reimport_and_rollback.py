"""Re-importing changes nothing; a changed file updates with history; rollback restores."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import AuditEvent
from clientbase.accounts.models import Account
from clientbase.imports.models import BatchStatus, ImportBatch, RecordHistory
from clientbase.imports.services import ImportRunError, rollback_batch, run_import
from clientbase.imports.tests.conftest import INN_A, INN_B, orders_csv
from clientbase.sales.models import Order, OrderLine

pytestmark = pytest.mark.usefixtures("catalog", "customers")

FIRST = orders_csv(
    f"R-1;01.02.2024;{INN_A};P-1;2;100,50;50",
    f"R-1;01.02.2024;{INN_A};P-2;1;10;5",
    f"R-2;2024-02-03;{INN_B};P-3;3;30;20",
)
SECOND = orders_csv(
    f"R-1;01.02.2024;{INN_A};P-1;2;100,50;50",
    f"R-1;01.02.2024;{INN_A};P-2;4;40;20",
    f"R-2;2024-02-03;{INN_B};P-3;3;30;20",
    f"R-3;2024-02-05;{INN_B};P-3;1;9;1",
)


def _state() -> list[Any]:
    orders = list(
        Order.objects.order_by("external_id").values_list(
            "id", "external_id", "date", "net_revenue_base", "cost_base", "import_batch_id"
        )
    )
    lines = list(
        OrderLine.objects.order_by("order__external_id", "product_id").values_list(
            "order__external_id", "product_id", "quantity", "net_revenue", "cost"
        )
    )
    return [orders, lines]


def test_reimporting_the_same_file_changes_nothing(write: Callable[..., Path]) -> None:
    path = write("orders.csv", FIRST)
    first = run_import(actor=None, path=path, source_system="1c", chunk_size=1)
    before = _state()
    again = run_import(actor=None, path=path, source_system="1c", chunk_size=1)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _state() == before
    assert Order.objects.get(external_id="R-1").net_revenue_base == Decimal("110.50")


def test_a_changed_file_updates_with_field_history_and_rollback_restores_it(
    write: Callable[..., Path], director: Any
) -> None:
    run_import(actor=None, path=write("a.csv", FIRST), source_system="1c")
    before = _state()
    second = run_import(actor=None, path=write("b.csv", SECOND), source_system="1c")
    assert (second.created, second.updated, second.unchanged) == (1, 1, 1)
    r1 = Order.objects.get(external_id="R-1")
    assert r1.import_batch_id == second.batch_id
    changed = set(
        RecordHistory.objects.filter(batch_id=second.batch_id or 0).values_list("field", flat=True)
    )
    assert changed == {"lines", "import_batch_id"}

    counts = rollback_batch(actor=director, batch=ImportBatch.objects.get(pk=second.batch_id or 0))
    assert counts == {"restored": 1, "deleted": 1}
    assert _state() == before
    assert ImportBatch.objects.get(pk=second.batch_id or 0).status == BatchStatus.ROLLED_BACK
    assert AuditEvent.objects.filter(action="import.rollback", actor=director).exists()


def test_rollback_refuses_while_a_later_batch_changed_the_same_records(
    write: Callable[..., Path],
) -> None:
    first = run_import(actor=None, path=write("a.csv", FIRST), source_system="1c")
    second = run_import(actor=None, path=write("b.csv", SECOND), source_system="1c")
    with pytest.raises(ImportRunError, match=f"roll back batch #{second.batch_id} first"):
        rollback_batch(actor=None, batch=ImportBatch.objects.get(pk=first.batch_id or 0))
    assert Order.objects.count() == 3
    rollback_batch(actor=None, batch=ImportBatch.objects.get(pk=second.batch_id or 0))
    rollback_batch(actor=None, batch=ImportBatch.objects.get(pk=first.batch_id or 0))
    assert not Order.objects.exists()


def test_accounts_upsert_with_history_and_rollback_to_the_exact_prior_state(
    write: Callable[..., Path],
) -> None:
    header = "ID,Company name,INN,Phone,City\n"
    run_import(
        actor=None,
        path=write("a.csv", header + "A1,Acme,7707083893,+7 495 123-45-67,Moscow\nA2,Beta,,,\n"),
        source_system="crm",
        target="accounts",
    )

    def snapshot() -> list[Any]:
        return list(
            Account.objects.filter(source_system="crm")
            .order_by("external_id")
            .values_list("id", "legal_name", "phone", "city", "search_name", "import_batch_id")
        )

    before = snapshot()
    second = run_import(
        actor=None,
        path=write(
            "b.csv", header + "A1,Acme Group,7707083893,+7 495 123-45-67,Kazan\nA2,Beta,,,\n"
        ),
        source_system="crm",
        target="accounts",
    )
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert Account.objects.get(external_id="A1").city == "Kazan"
    assert Account.objects.get(external_id="A1").phone == "+74951234567"
    rollback_batch(actor=None, batch=ImportBatch.objects.get(pk=second.batch_id or 0))
    assert snapshot() == before
