"""valid-rows mode: good rows are imported, bad ones parked, fixed and re-submitted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clientbase.imports.models import BatchStatus, ImportBatch, ParkedRow
from clientbase.imports.services import resubmit_parked, run_import
from clientbase.imports.tests.conftest import INN_A, INN_B, orders_csv
from clientbase.sales.models import Order

pytestmark = pytest.mark.usefixtures("catalog", "customers")


def test_it_imports_valid_orders_and_parks_every_line_of_a_bad_one(
    write: Callable[..., Path],
) -> None:
    path = write(
        "orders.csv",
        orders_csv(
            f"R-1;01.02.2024;{INN_A};P-1;2;100;50",
            f"R-2;01.02.2024;{INN_B};P-1;1;10;5",
            f"R-2;01.02.2024;{INN_B};P-9;1;10;5",
        ),
    )
    result = run_import(actor=None, path=path, source_system="1c", mode="valid-rows")
    assert result.status == BatchStatus.DONE
    assert (result.created, result.rejected) == (1, 2)
    assert list(Order.objects.values_list("external_id", flat=True)) == ["R-1"]
    parked = list(ParkedRow.objects.order_by("row_number"))
    assert [p.row_number for p in parked] == [3, 4]
    assert parked[1].raw["Артикул"] == "P-9"
    assert parked[1].errors == [["Артикул", "P-9", "unknown product code"]]

    again = resubmit_parked(
        actor=None,
        batch=ImportBatch.objects.get(pk=result.batch_id or 0),
        fixes={4: {"Артикул": "P-2"}},
    )
    assert (again.created, again.rejected) == (1, 0)
    assert Order.objects.get(external_id="R-2").lines.count() == 2
    assert not ParkedRow.objects.filter(resolved=False).exists()
