"""Fixing parked rows: re-submit them with edited values, or discard them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from clientbase.access.models import AuditEvent, User
from clientbase.imports.models import ImportBatch, ParkedRow
from clientbase.imports.services import (
    ImportRunError,
    discard_parked,
    resubmit_parked,
    run_import,
)
from clientbase.imports.tests.conftest import INN_A, INN_B, orders_csv
from clientbase.sales.models import Order

pytestmark = pytest.mark.usefixtures("catalog", "customers")


@pytest.fixture
def batch(write: Callable[..., Path], lead: User) -> ImportBatch:
    """Orders R-2 (two lines, one with an unknown product) and R-3 (unknown product) parked."""
    path = write(
        "orders.csv",
        orders_csv(
            f"R-1;01.02.2024;{INN_A};P-1;2;100;50",
            f"R-2;01.02.2024;{INN_B};P-1;1;10;5",
            f"R-2;01.02.2024;{INN_B};P-9;1;10;5",
            f"R-3;01.02.2024;{INN_A};P-7;1;10;5",
        ),
    )
    result = run_import(actor=lead, path=path, source_system="1c", mode="valid-rows")
    return ImportBatch.objects.get(pk=result.batch_id or 0)


def _row(batch: ImportBatch, number: int) -> ParkedRow:
    return ParkedRow.objects.get(batch=batch, row_number=number)


def test_a_row_that_still_fails_stays_parked_with_its_fixed_value_and_new_error(
    batch: ImportBatch, lead: User
) -> None:
    result = resubmit_parked(
        actor=lead, batch=batch, fixes={4: {"Артикул": "P-2"}, 5: {"Артикул": "P-8"}}
    )

    assert (result.created, result.rejected) == (1, 1)
    assert Order.objects.get(external_id="R-2").lines.count() == 2
    still = _row(batch, 5)
    assert not still.resolved
    assert still.raw["Артикул"] == "P-8"
    assert still.errors == [["Артикул", "P-8", "unknown product code"]]
    assert _row(batch, 3).resolved
    assert _row(batch, 4).resolved
    assert not ParkedRow.objects.filter(batch_id=result.batch_id).exists()


def test_one_line_is_resubmitted_with_the_other_lines_of_its_order(
    batch: ImportBatch, lead: User
) -> None:
    fixed_line = _row(batch, 4)

    resubmit_parked(actor=lead, batch=batch, fixes={4: {"Артикул": "P-3"}}, rows=[fixed_line.pk])

    assert Order.objects.get(external_id="R-2").lines.count() == 2
    assert list(
        ParkedRow.objects.filter(batch=batch, resolved=False).values_list("row_number", flat=True)
    ) == [5]


def test_the_resubmission_is_audited_with_what_was_fixed(batch: ImportBatch, lead: User) -> None:
    result = resubmit_parked(actor=lead, batch=batch, fixes={4: {"Артикул": "P-2"}})

    event = AuditEvent.objects.get(action="import.resubmit")
    assert event.actor == lead
    assert event.changes["new_batch"] == result.batch_id
    assert event.changes["resolved"] == [3, 4]
    assert event.changes["still_parked"] == [5]
    assert event.changes["fixes"] == {"4": {"Артикул": "P-2"}}


def test_a_discarded_row_is_gone_and_its_values_are_kept_in_the_audit(
    batch: ImportBatch, lead: User
) -> None:
    doomed = _row(batch, 5)

    assert discard_parked(actor=lead, batch=batch, rows=[doomed.pk]) == 1

    assert not ParkedRow.objects.filter(pk=doomed.pk).exists()
    event = AuditEvent.objects.get(action="import.discard_parked")
    assert event.changes["rows"][0]["raw"]["Документ"] == "R-3"


def test_it_refuses_rows_of_another_batch_and_a_batch_without_parked_rows(
    batch: ImportBatch, lead: User, write: Callable[..., Path]
) -> None:
    other = run_import(
        actor=lead,
        path=write("other.csv", orders_csv(f"R-9;01.02.2024;{INN_A};P-6;1;10;5")),
        source_system="1c",
        mode="valid-rows",
    )
    foreign = ParkedRow.objects.get(batch_id=other.batch_id)

    with pytest.raises(ImportRunError):
        discard_parked(actor=lead, batch=batch, rows=[foreign.pk])
    with pytest.raises(ImportRunError):
        resubmit_parked(actor=lead, batch=batch, fixes={}, rows=[foreign.pk])
    assert ParkedRow.objects.filter(pk=foreign.pk, resolved=False).exists()


def test_it_rejects_fixes_without_the_import_right_or_on_another_users_batch(
    batch: ImportBatch, owner: User, director: User
) -> None:
    from clientbase.access.models import Role
    from clientbase.access.services import create_user

    analyst = create_user(actor=None, username="analyst", password="x-" * 8, role=Role.ANALYST)
    for intruder in (owner, analyst):
        with pytest.raises(PermissionDenied):
            resubmit_parked(actor=intruder, batch=batch, fixes={})
        with pytest.raises(PermissionDenied):
            discard_parked(actor=intruder, batch=batch, rows=[_row(batch, 5).pk])
    assert ParkedRow.objects.filter(batch=batch, resolved=False).count() == 3
    assert discard_parked(actor=director, batch=batch, rows=[_row(batch, 5).pk]) == 1
